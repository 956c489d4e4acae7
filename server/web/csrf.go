package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// CSRF protection is a signed double-submit: each browser gets a random cookie, and every form and
// htmx request must carry HMAC(key, cookie) back. Unlike a token table it needs no storage, survives
// server restarts (the key is kept in the data folder) and never expires in the middle of a shift.
// Once an officer signs in, the token also covers her session cookie: signing in changes it, so a
// token seen before sign-in (on the sign-in page, or planted in the browser) is worth nothing
// afterwards, and a token of one session never works for another.
const (
	csrfCookie = "ak1_csrf"
	csrfHeader = "X-CSRF-Token"
	csrfField  = "_csrf"
	csrfLocal  = "csrf"
)

func (s *Server) csrf(c *fiber.Ctx) error {
	if strings.HasPrefix(c.Path(), "/api/") {
		return c.Next() // machine clients (print agents) authenticate with a bearer token, not cookies
	}
	browserID := c.Cookies(csrfCookie)
	if len(browserID) != 43 { // 32 random bytes, base64url
		browserID = randomToken()
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: browserID, Path: "/", HTTPOnly: true,
			SameSite: fiber.CookieSameSiteStrictMode, Secure: s.opts.SecureCookies})
	}
	expected := s.csrfFor(browserID, c.Cookies(sessionCookie))
	c.Locals(csrfLocal, expected)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	sent := c.Get(csrfHeader)
	if sent == "" {
		sent = c.FormValue(csrfField)
	}
	if !hmac.Equal([]byte(sent), []byte(expected)) {
		s.log.Warn("csrf token missing or wrong", "path", c.Path(), "ip", c.IP())
		return fiber.ErrForbidden
	}
	return c.Next()
}

// csrfFor is the token of a browser, and of its officer session when it has one. The session
// cookie is not looked up here: a stale one gives a token that matches nothing the officer can do,
// because the route behind it checks the session itself.
func (s *Server) csrfFor(browserID, session string) string {
	m := hmac.New(sha256.New, s.opts.CSRFKey)
	m.Write([]byte(browserID))
	if len(session) == 43 { // the shape of a session token (randomToken); anything else is ignored
		m.Write([]byte{0})
		m.Write([]byte(session))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfToken returns the token that this request's pages must send back.
func csrfToken(c *fiber.Ctx) string {
	t, _ := c.Locals(csrfLocal).(string)
	return t
}

// randomToken returns 32 random bytes, base64url-encoded (43 characters).
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
