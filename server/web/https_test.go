package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ak1/server/domain"
)

// TestCSRFTokenTiedToSession: the token a page carried before sign-in stops working once the
// officer signs in, and a token of one session does not work for the next one.
func TestCSRFTokenTiedToSession(t *testing.T) {
	srv := newTestServer(t, Options{})
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	c := newClient(t, srv.URL)
	c.get("/masuk")
	before := c.csrf
	if code, loc, body := c.post("/masuk", url.Values{"username": {"petugas"}, "password": {pw}, "meja": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s\n%.500s", code, loc, body)
	}
	setDesk := func(token, desk string) int {
		t.Helper()
		resp, err := c.http.PostForm(srv.URL+"/petugas/meja", url.Values{"_csrf": {token}, "meja": {desk}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := setDesk(before, "3"); code != http.StatusForbidden {
		t.Fatalf("the token from before sign-in still works after it: %d, want 403", code)
	}
	c.get("/petugas")
	first := c.csrf
	if first == before {
		t.Fatal("signing in did not change the CSRF token")
	}
	if code := setDesk(first, "3"); code != http.StatusSeeOther {
		t.Fatalf("the session's own token: %d, want 303", code)
	}
	// htmx sends it in a header instead of a form field.
	req, _ := http.NewRequest("POST", srv.URL+"/petugas/meja", strings.NewReader(url.Values{"meja": {"4"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set(csrfHeader, first)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("token in the htmx header: %d, want 303", resp.StatusCode)
	}

	// Sign out and in again in the same browser: the old session's token is dead.
	if code, _, _ := c.post("/keluar", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", code)
	}
	c.get("/masuk")
	if code, _, _ := c.post("/masuk", url.Values{"username": {"petugas"}, "password": {pw}, "meja": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("second sign in: %d", code)
	}
	if code := setDesk(first, "5"); code != http.StatusForbidden {
		t.Fatalf("the previous session's token works in the new session: %d, want 403", code)
	}
	c.get("/petugas")
	if c.csrf == first || c.csrf == before {
		t.Fatal("the second session got an old token")
	}
	if code := setDesk(c.csrf, "5"); code != http.StatusSeeOther {
		t.Fatalf("the new session's token: %d, want 303", code)
	}
}

// TestHTTPSHeaders: served over HTTPS every cookie is Secure and HSTS is sent; over plain HTTP
// (a developer's machine) neither, or the browser would drop the cookies.
func TestHTTPSHeaders(t *testing.T) {
	for _, secure := range []bool{true, false} {
		srv := newTestServer(t, Options{SecureCookies: secure})
		_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
		c := newClient(t, srv.URL)
		resp, err := c.http.Get(srv.URL + "/masuk")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Strict-Transport-Security"); (got != "") != secure {
			t.Errorf("secure=%v: Strict-Transport-Security %q", secure, got)
		}
		c.get("/masuk")
		form := url.Values{"username": {"petugas"}, "password": {pw}, "meja": {"1"}, "_csrf": {c.csrf}}
		resp, err = c.http.PostForm(srv.URL+"/masuk", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cookies := append(resp.Cookies(), firstCookies(t, srv.URL)...)
		if len(cookies) < 2 {
			t.Fatalf("secure=%v: cookies %v", secure, cookies)
		}
		for _, ck := range cookies {
			if ck.Secure != secure {
				t.Errorf("secure=%v: cookie %s has Secure=%v", secure, ck.Name, ck.Secure)
			}
		}
	}
}

// firstCookies returns the cookies a new browser gets on its first page (the CSRF cookie).
func firstCookies(t *testing.T, base string) []*http.Cookie {
	t.Helper()
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Cookies()
}
