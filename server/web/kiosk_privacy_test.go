package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
)

// TestKioskEveryWayOutEndsTheDraft: person A types step 1 and leaves the form by one of the ways a
// kiosk screen offers; the draft is gone on the server, and person B who starts the form sees nothing
// of A's.
func TestKioskEveryWayOutEndsTheDraft(t *testing.T) {
	srv := newTestServer(t, Options{})
	ways := []struct {
		name  string
		leave func(c *client) int
	}{
		{"back to the welcome screen", func(c *client) int { code, _ := c.getHX("/"); return code }},
		{"the welcome screen loaded anew", func(c *client) int { code, _ := c.get("/"); return code }},
		{"a service's requirements", func(c *client) int { code, _ := c.getHX("/layanan/baru"); return code }},
		{"choosing a service", func(c *client) int {
			code, _, _ := c.post("/layanan/baru", url.Values{"dokumen": {"ktp", "foto", "ijazah"}})
			return code
		}},
		{"the status check", func(c *client) int { code, _ := c.getHX("/cek"); return code }},
		{"a reload of a form screen", func(c *client) int { code, _ := c.get("/daftar/kontak"); return code }},
		{"a reload of the review", func(c *client) int { code, _ := c.get("/daftar/periksa"); return code }},
		{"Batal", func(c *client) int { code, _, _ := c.post("/kiosk/reset", url.Values{}); return code }},
	}
	for _, way := range ways {
		t.Run(way.name, func(t *testing.T) {
			kiosk := newClient(t, srv.URL)
			kiosk.get("/layanan/baru")
			a := formValues(deskForm(7))
			a.Set("aksi", "kembali") // "← Kembali" on step 1 keeps the input unchecked
			if code, loc, _ := kiosk.post("/daftar/identitas", a); code != http.StatusSeeOther {
				t.Fatalf("person A's step 1: %d %s", code, loc)
			}
			if _, body := kiosk.getHX("/daftar/identitas"); !strings.Contains(body, deskForm(7).NIK) {
				t.Fatal("person A's draft was not kept while A is at the kiosk")
			}
			if code := way.leave(kiosk); code >= 400 {
				t.Fatalf("leaving: status %d", code)
			}
			if n := countDrafts(t, srv); n != 0 {
				t.Fatalf("%d drafts left on the server after %s", n, way.name)
			}
			// Person B, on the same browser.
			kiosk.post("/layanan/baru", url.Values{"dokumen": {"ktp", "foto", "ijazah"}})
			_, body := kiosk.getHX("/daftar/identitas")
			for _, secret := range []string{deskForm(7).NIK, deskForm(7).FullName} {
				if strings.Contains(body, secret) {
					t.Fatalf("the next person sees %q after %s", secret, way.name)
				}
			}
		})
	}
}

// TestKioskReloadGoesToWelcome: a whole-page load of a form screen lands on the welcome screen.
func TestKioskReloadGoesToWelcome(t *testing.T) {
	srv := newTestServer(t, Options{})
	c := newClient(t, srv.URL)
	for _, path := range []string{"/daftar/identitas", "/daftar/periksa"} {
		resp, err := c.http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if code := resp.StatusCode; code != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("GET %s without htmx: %d to %q, want 303 to /", path, code, resp.Header.Get("Location"))
		}
	}
}

// TestKioskStatusNeedsTheCheckCode: the ticket number is public (the lobby screen shows it) and the
// birth date is written in the NIK, so together they open nothing; the secret check code does.
func TestKioskStatusNeedsTheCheckCode(t *testing.T) {
	srv := newTestServer(t, Options{})
	app := submitForm(t, srv, 1)
	officer, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	if err := srv.DB.ReturnApplication(context.Background(), app.ID, officer, app.State, "Nomor HP tidak aktif"); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv.URL)
	c.get("/cek")
	birth := url.Values{"birth_day": {"7"}, "birth_month": {"8"}, "birth_year": {"2001"}}
	for _, path := range []string{"/cek", "/cek/lengkapi"} {
		for _, ticket := range []string{app.Ticket, "a1", "A-001"} {
			v := url.Values{"nomor": {ticket}}
			for k, x := range birth {
				v[k] = x
			}
			code, loc, body := c.post(path, v)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "kode cek") || strings.Contains(body, "Nomor HP tidak aktif") {
				t.Fatalf("POST %s with ticket %q: %d %s\n%.600s", path, ticket, code, loc, body)
			}
		}
	}
	if n := countDrafts(t, srv); n != 0 {
		t.Fatalf("a ticket number opened the application for completion (%d drafts)", n)
	}
	v := url.Values{"nomor": {app.StatusCode}}
	for k, x := range birth {
		v[k] = x
	}
	if code, _, body := c.post("/cek", v); code != http.StatusOK || !strings.Contains(body, "Nomor HP tidak aktif") {
		t.Fatalf("status with the check code: %d", code)
	}
}

// TestKioskStatusCheckLimitPerApplication: wrong birth dates for one check code are counted before
// they are compared, so guesses sent at once cannot pass the limit; after the limit even the right
// date is refused until the window has passed.
func TestKioskStatusCheckLimitPerApplication(t *testing.T) {
	srv := newTestServer(t, Options{})
	app := submitForm(t, srv, 1)
	const guesses = 12 // under the per-address limit of the route, so only the per-application one acts
	var wg sync.WaitGroup
	codes := make([]int, guesses)
	for i := range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newClient(t, srv.URL)
			c.get("/cek")
			code, _, _ := c.post("/cek", url.Values{"nomor": {app.StatusCode}, "birth_day": {"1"},
				"birth_month": {"1"}, "birth_year": {"1990"}})
			codes[i] = code
		}()
	}
	wg.Wait()
	counted := map[int]int{}
	for _, code := range codes {
		counted[code]++
	}
	if counted[http.StatusUnprocessableEntity] != statusCheckAttempts || counted[http.StatusTooManyRequests] != guesses-statusCheckAttempts {
		t.Fatalf("answers to %d parallel wrong guesses: %v, want %d compared and the rest refused", guesses, counted, statusCheckAttempts)
	}
	right := url.Values{"nomor": {app.StatusCode}, "birth_day": {"7"}, "birth_month": {"8"}, "birth_year": {"2001"}}
	c := newClient(t, srv.URL)
	c.get("/cek")
	if code, _, body := c.post("/cek", right); code != http.StatusTooManyRequests || !strings.Contains(body, "15 menit") {
		t.Fatalf("the right birth date after the limit: %d\n%.400s", code, body)
	}
	srv.Clock.advance(statusCheckWindow + time.Minute)
	if code, _, _ := c.post("/cek", right); code != http.StatusOK {
		t.Fatalf("the right birth date after the window: %d", code)
	}
}

// TestKioskBrowserNextPersonStartsEmpty: on the real kiosk page, person A types step 1, goes back to
// the start with "← Kembali" twice and walks away; person B chooses "Kartu baru" and sees an empty
// form. A reload of a form screen also ends the draft.
func TestKioskBrowserNextPersonStartsEmpty(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1080, 1920, true)
	testbrowser.Step(t, ctx, "person A types", startForm(srv.URL),
		fill(`#f-nik`, "5171034708010001"), fill(`#f-full_name`, "Ni Made Ayu"))
	testbrowser.Step(t, ctx, "back to the start", chromedp.Click(`button[value=kembali]`), chromedp.WaitVisible(`.checklist`),
		chromedp.Click(`.actions a[href="/"]`), chromedp.WaitVisible(`.greeting`))
	if n := countDrafts(t, srv); n != 0 {
		t.Fatalf("%d drafts after going back to the start", n)
	}
	testbrowser.Step(t, ctx, "person B starts", chromedp.Click(`a[href="/layanan/baru"]`), chromedp.WaitVisible(`.checklist`),
		chromedp.Click(`label.check:has(input[value=ktp])`), chromedp.Click(`label.check:has(input[value=foto])`), chromedp.Click(`label.check:has(input[value=ijazah])`),
		chromedp.Click(`.actions button[type=submit]`), chromedp.WaitVisible(`#f-nik`))
	if v := valueOf(t, ctx, "#f-nik"); v != "" {
		t.Fatalf("person B sees NIK %q", v)
	}
	if v := valueOf(t, ctx, "#f-full_name"); v != "" {
		t.Fatalf("person B sees name %q", v)
	}

	testbrowser.Step(t, ctx, "type and reload", fill(`#f-full_name`, "I Wayan Reload"), chromedp.Click(`button[value=lanjut]`),
		chromedp.WaitVisible(`#e-nik`), chromedp.Reload(), chromedp.WaitVisible(`.greeting`))
	if n := countDrafts(t, srv); n != 0 {
		t.Fatalf("%d drafts after a reload", n)
	}
}

// TestKioskWelcomeScreenResetsWhenIdle: the welcome screen (and any screen without a form) also
// resets after the idle time, without a warning.
func TestKioskWelcomeScreenResetsWhenIdle(t *testing.T) {
	srv := newTestServer(t, Options{KioskIdle: 500 * time.Millisecond, KioskWarn: 500 * time.Millisecond})
	ctx := testbrowser.New(t, 1080, 1920, true)
	testbrowser.Step(t, ctx, "welcome", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`.greeting`),
		testbrowser.Void(chromedp.Evaluate[bool](`(window.notReloaded = true)`)))
	// Idle and warning together take 1 s; the page is loaded anew after them.
	testbrowser.Step(t, ctx, "idle", chromedp.Sleep(2500*time.Millisecond), chromedp.WaitVisible(`.greeting`))
	reloaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === undefined`))
	if err != nil || !reloaded {
		t.Fatalf("the welcome screen was not reset after the idle time (%v)", err)
	}
}

// TestKioskDonePageLimitPerAddress: the done page shows the ticket of whoever holds the check code
// and answers 404 to a code that does not exist, so it would tell a guesser which codes are real.
// One address may open 60 pages by code a minute (done, ticket and status pages together); the 61st
// is refused with the "too many requests" page. Before, /selesai/:code had no limit at all.
func TestKioskDonePageLimitPerAddress(t *testing.T) {
	srv := newTestServer(t, Options{})
	app := submitForm(t, srv, 1)
	c := newClient(t, srv.URL)
	const letters = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	for i := range codePagesPerMinute - 1 {
		guess := "WW" + letters[i%31:i%31+1] + "-" + letters[i/31:i/31+1] + "WW"
		if code, _ := c.get("/selesai/" + guess); code == http.StatusTooManyRequests {
			t.Fatalf("guess %d (%s) refused already", i+1, guess)
		}
	}
	if code, body := c.get("/selesai/" + app.StatusCode); code != http.StatusOK || !strings.Contains(body, app.Ticket) {
		t.Fatalf("the 60th page, the real code: %d\n%.600s", code, body)
	}
	code, body := c.get("/selesai/" + app.StatusCode)
	if code != http.StatusTooManyRequests || !strings.Contains(body, "Terlalu banyak percobaan") || strings.Contains(body, app.Ticket) {
		t.Fatalf("the 61st page in a minute: %d, want 429 with the project's page and no ticket\n%.600s", code, body)
	}
	// The limit is shared with the other pages opened by a code, not one per address of the server.
	if code, _ := c.get("/status/" + app.StatusCode); code != http.StatusTooManyRequests {
		t.Fatalf("the phone status page after 61 done pages: %d, want 429", code)
	}
}
