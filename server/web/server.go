// Package web is the Fiber application: routes, middleware and page rendering.
package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/valyala/fasthttp"

	"ak1/server/card"
	"ak1/server/domain"
	"ak1/server/storage"
	"ak1/static"
)

// Options are what the web layer needs from configuration.
type Options struct {
	PublicURL string
	MinAge    int
	// KioskIdle is how long the kiosk waits for a touch before it warns; KioskWarn how long the
	// warning counts down before the kiosk forgets the person.
	KioskIdle time.Duration
	KioskWarn time.Duration
	// CSRFKey signs the anti-forgery tokens; it is kept in the data folder so tokens survive restarts.
	CSRFKey []byte
	// SecureCookies says browsers reach the server over HTTPS (config.Config.Secure): cookies are
	// marked Secure and HSTS tells browsers never to use plain HTTP for this host again.
	SecureCookies bool

	// Officer desk (desk*.go, auth.go).
	Signer       *card.Signer  // signs the QR link of each card
	RegNoPattern string        // registration-number pattern; default domain.DefaultRegNoPattern
	SessionIdle  time.Duration // an officer session ends after this long unused (default 30 min)
	SessionMax   time.Duration // and after this long in any case (default 10 h)
	LoginDelay   time.Duration // the first sign-in wait past the free attempts; it doubles per attempt (default 1 s)

	// Report says which IPK tables are counted per quarter; zero means domain.DefaultReportSettings.
	Report domain.ReportSettings

	// RequestTimeout bounds the queries of one request (default RequestTimeoutDefault).
	RequestTimeout time.Duration
}

// Server holds the dependencies of the handlers.
type Server struct {
	db   *storage.DB
	log  *slog.Logger
	opts Options
	now  func() time.Time

	events      *broker      // tells live queues and the lobby display that something changed
	printSignal *printSignal // wakes print agents waiting for a job

	// accountLimit and addressLimit slow down password guessing (domain.SignInLimit).
	accountLimit, addressLimit domain.SignInLimit
}

// New builds the Fiber application with every route.
func New(db *storage.DB, log *slog.Logger, opts Options, now func() time.Time) *fiber.App {
	if opts.KioskIdle == 0 {
		opts.KioskIdle = 60 * time.Second
	}
	if opts.KioskWarn == 0 {
		opts.KioskWarn = 20 * time.Second
	}
	if opts.RequestTimeout == 0 {
		opts.RequestTimeout = RequestTimeoutDefault
	}
	s := &Server{db: db, log: log, opts: opts, now: now, printSignal: newPrintSignal()}
	s.initDesk()
	funcs := templateFuncs()
	funcs["dateSelect"] = s.newDateSelect // needs the server's clock for its years
	app := fiber.New(fiber.Config{
		Views:                 newPageViews(funcs),
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		BodyLimit:             8 << 20, // photos come later; the kiosk forms are a few kB
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
	})
	app.Use(s.recoverPanic, s.queryDeadline, securityHeaders, s.csrf)
	s.agentRoutes(app)
	app.Use(s.strictTransport)

	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static.FS), MaxAge: 3600}))
	app.Get("/healthz", s.healthz)

	app.Get("/", s.welcome)
	app.Get("/layanan/:service", s.requirements)
	app.Post("/layanan/:service", s.checkRequirements)
	app.Get("/daftar/kelurahan", s.kelurahanOptions)
	app.Get("/daftar/kode-pendidikan", s.eduCodeOptions)
	app.Get("/daftar/periksa", s.review)
	app.Post("/daftar/kirim", s.submit)
	app.Get("/daftar/:step", s.showStep)
	app.Post("/daftar/:step", s.saveStep)
	// Every page opened by a secret check code (the done page here, the visit ticket and the phone
	// status page in kioskServiceRoutes) shares one per-address limit: a found code shows a ticket and
	// opens the status, and spreading guesses over the three addresses gains nothing.
	codeLimit := limiter.New(limiter.Config{Max: codePagesPerMinute, Expiration: time.Minute, LimitReached: s.tooManyRequests})
	app.Get("/selesai/:code", codeLimit, s.done)
	app.Post("/kiosk/reset", s.resetKiosk)

	// The status check answers who is registered when given a ticket and a birth date: limit guessing.
	checkLimit := limiter.New(limiter.Config{Max: 20, Expiration: time.Minute, LimitReached: s.tooManyRequests})
	app.Get("/cek", s.statusForm)
	app.Post("/cek", checkLimit, s.statusCheck)
	app.Post("/cek/lengkapi", checkLimit, s.startCompletion)
	// Anyone may scan a card; limit how fast one address can try invented links.
	cardLimit := limiter.New(limiter.Config{Max: 60, Expiration: time.Minute, LimitReached: s.tooManyRequests})
	app.Get("/cek/:token", cardLimit, s.publicCheck)
	app.Get("/cek/:token/foto", cardLimit, s.publicCheckPhoto)
	s.kioskServiceRoutes(app, codeLimit)
	s.registerDesk(app)
	prepareRenderer(app)
	return app
}

// codePagesPerMinute is how many pages opened by a check code one address may ask for in a minute:
// plenty for a kiosk or a phone refreshing its status, far too few to find one of the 31⁶ codes.
const codePagesPerMinute = 60

// prepareRenderer renders once before the server takes requests. Fiber builds its list of
// view prefixes on the first Render without a lock, so two first requests rendering at the
// same moment race (seen by the race detector); afterwards Render only reads that list.
func prepareRenderer(app *fiber.App) {
	c := app.AcquireCtx(&fasthttp.RequestCtx{})
	defer app.ReleaseCtx(c)
	// The list is built before the template runs; the page itself is thrown away.
	_ = c.Render("partials/alert", fiber.Map{"Message": ""})
}

func (s *Server) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.Error("health check", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "error", "database": "unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ok", "database": "ok", "time": s.now().UTC().Format(time.RFC3339)})
}

// strictTransport sends HSTS when browsers come over HTTPS: for a year, a browser that saw it
// once refuses a plain-HTTP address for this host, so a sign-in cookie or a NIK can no longer be
// led onto the office Wi-Fi in clear text.
func (s *Server) strictTransport(c *fiber.Ctx) error {
	if s.opts.SecureCookies {
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return c.Next()
}

// securityHeaders keeps pages from being framed, cached or leaking addresses, and lets them load
// scripts and styles only from this server.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	if !strings.HasPrefix(c.Path(), "/static/") {
		// Pages may hold personal data: never keep them in a cache or the back/forward cache.
		c.Set("Cache-Control", "no-store")
	}
	return c.Next()
}

func (s *Server) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in handler", "path", c.Path(), "panic", r)
			err = fiber.ErrInternalServerError
		}
	}()
	return c.Next()
}

// PublicError is an error whose message is safe to show: it is already in Bahasa Indonesia.
type PublicError struct {
	Status  int
	Message string
}

func (e *PublicError) Error() string { return e.Message }

// handleError logs the cause and shows people a friendly page (or fragment), never err.Error().
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	msg := "Maaf, terjadi gangguan. Silakan coba lagi, atau minta bantuan petugas."
	var pe *PublicError
	var fe *fiber.Error
	cause := err
	if isDeadline(err) {
		err = overloaded
	}
	switch {
	case errors.As(err, &pe):
		status, msg = pe.Status, pe.Message
	case errors.As(err, &fe):
		status = fe.Code
		switch fe.Code {
		case fiber.StatusNotFound:
			msg = "Halaman tidak ditemukan."
		case fiber.StatusForbidden:
			msg = "Permintaan ditolak karena halaman sudah terlalu lama terbuka. Silakan ulangi dari awal."
		case fiber.StatusRequestEntityTooLarge:
			msg = "Berkas yang dikirim terlalu besar."
		case fiber.StatusTooManyRequests:
			msg = "Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi."
		case fiber.StatusMethodNotAllowed:
			msg = "Permintaan tidak dikenal."
		default:
			if fe.Code < 500 {
				msg = "Permintaan tidak dapat diproses."
			}
		}
	case storage.IsDiskFull(err):
		// Nothing was written (SQLite rolled back), and the same request works once there is room.
		status = fiber.StatusServiceUnavailable
		msg = "Maaf, penyimpanan server sedang penuh sehingga data belum tersimpan. Isian Anda masih ada di layar; mohon minta bantuan petugas."
		if isDeskPath(c.Path()) {
			msg = "Penyimpanan server penuh: perubahan ini belum tersimpan. Hubungi teknisi untuk mengosongkan ruang disk (docs/deploy.md), lalu ulangi."
		}
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", cause)
	}
	c.Status(status)
	if strings.HasPrefix(c.Path(), "/api/") {
		return c.JSON(fiber.Map{"error": msg})
	}
	if c.Get("HX-Request") == "true" {
		// htmx swaps only successful answers by default; show the message in the page's alert area.
		c.Set("HX-Retarget", "#pesan-galat")
		c.Set("HX-Reswap", "innerHTML")
		return c.Render("partials/alert", fiber.Map{"Message": msg})
	}
	if isDeskPath(c.Path()) {
		desk := "" // the header keeps showing the officer's desk on an error page too
		if sess := sessionOf(c); sess != nil {
			desk = sess.Desk
		}
		return c.Render("errors/desk", fiber.Map{"Message": msg, "Status": status, "CSRF": csrfToken(c), "Title": "Terjadi kendala",
			"Officer": officerOf(c), "Desk": desk}, "layouts/officer")
	}
	return c.Render("errors/error", fiber.Map{"Message": msg, "Status": status, "CSRF": csrfToken(c), "Title": "Terjadi kendala"}, "layouts/kiosk")
}

func (s *Server) tooManyRequests(c *fiber.Ctx) error {
	return &PublicError{fiber.StatusTooManyRequests, "Terlalu banyak percobaan. Tunggu satu menit lalu coba lagi."}
}

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"formatDate": domain.FormatDate,
		"add":        func(a, b int) int { return a + b },
		"seq": func(from, to int) []int {
			var out []int
			for i := from; i <= to; i++ {
				out = append(out, i)
			}
			return out
		},
		"field":      newField,
		"pick":       newSelect,
		"rupiah":     formatRupiah,
		"fieldLabel": domain.FieldLabel,
		"kbli": func(code string) string {
			if code == "" {
				return ""
			}
			return code + " · " + domain.LabelOf(domain.KBLISections, code)
		},
		"eduCode": domain.EducationCodeLabel,
		// figureURL is the people page of a report figure; the query is the report's own encoding
		// (domain.Figure.Query), already escaped.
		"figureURL": func(base, query string) template.URL { return template.URL(base + "?" + query) },
		"menit":     minutes,
		"waktu":     waktu,
		"jam":       func(t time.Time) string { return t.In(domain.OfficeZone).Format("15.04") },
	}
}
