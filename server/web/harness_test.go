package web

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"ak1/server/storage"
)

// testClock is a settable clock for tests; it starts at a fixed office morning.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// testServer is the real Fiber app on a real SQLite file, listening on a loopback port.
type testServer struct {
	URL   string
	DB    *storage.DB
	App   *fiber.App
	Clock *testClock
}

func newTestServer(t testing.TB, opts Options) *testServer {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)} // 09:00 WITA
	return newTestServerIn(t, t.TempDir(), clock, opts)
}

// newTestServerIn starts the app on the database in dir: a second call on the same dir is the
// server after a restart.
func newTestServerIn(t testing.TB, dir string, clock *testClock, opts Options) *testServer {
	t.Helper()
	db, err := storage.Open(context.Background(), dir, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	return serveTestDB(t, db, clock, opts)
}

// serveTestDB serves the real app on db, closing both when the test ends.
func serveTestDB(t testing.TB, db *storage.DB, clock *testClock, opts Options) *testServer {
	t.Helper()
	if opts.MinAge == 0 {
		opts.MinAge = 18
	}
	if opts.CSRFKey == nil {
		opts.CSRFKey = []byte("0123456789abcdef0123456789abcdef")
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app := New(db, log, opts, clock.Now)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() {
		app.ShutdownWithTimeout(5 * time.Second)
		db.Close()
	})
	return &testServer{URL: "http://" + ln.Addr().String(), DB: db, App: app, Clock: clock}
}

// client is a cookie-keeping HTTP client that does not follow redirects, so tests see the 303s.
type client struct {
	t    testing.TB
	base string
	http *http.Client
	csrf string
}

func newClient(t testing.TB, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	return c.getWith(path, nil)
}

// getHX loads a page as htmx does when the kiosk moves between screens (a whole-page load of a kiosk
// form screen is a reload, which ends the draft).
func (c *client) getHX(path string) (int, string) {
	c.t.Helper()
	return c.getWith(path, http.Header{"Hx-Request": {"true"}})
}

func (c *client) getWith(path string, header http.Header) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindSubmatch(body); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(body)
}

// post sends form values with the CSRF token from the last page; it returns the status, the
// Location header and the body.
func (c *client) post(path string, values url.Values) (int, string, string) {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/")
	}
	values.Set("_csrf", c.csrf)
	resp, err := c.http.Post(c.base+path, "application/x-www-form-urlencoded", strings.NewReader(values.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func countDrafts(t testing.TB, srv *testServer) int {
	t.Helper()
	n, err := srv.DB.CountDrafts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
