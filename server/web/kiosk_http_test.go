package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"ak1/server/domain"
)

// kioskSubmit walks every step of the kiosk with the form's values and submits; it returns the
// final page's status, redirect and body.
func kioskSubmit(t testing.TB, c *client, f *domain.Form) (int, string, string) {
	t.Helper()
	kioskFill(t, c, f)
	return c.post("/daftar/kirim", kioskReview(t, c))
}

var submitKeyInput = regexp.MustCompile(`name="` + submitKeyField + `" value="([^"]*)"`)

// kioskReview opens the review screen as the kiosk does and returns what its "Kirim pendaftaran"
// sends: the declaration ticked and the screen's one-time submission key.
func kioskReview(t testing.TB, c *client) url.Values {
	t.Helper()
	_, body := c.getHX("/daftar/periksa")
	m := submitKeyInput.FindStringSubmatch(body)
	if m == nil || m[1] == "" {
		t.Fatalf("the review screen carries no submission key\n%.800s", body)
	}
	return url.Values{"setuju": {"1"}, submitKeyField: {m[1]}}
}

// kioskFill walks every step of the kiosk with the form's values, up to the review.
func kioskFill(t testing.TB, c *client, f *domain.Form) {
	t.Helper()
	c.get("/layanan/baru")
	values := formValues(f)
	for _, st := range domain.Steps {
		v := url.Values{}
		for k, vs := range values {
			v[k] = vs
		}
		v.Set("aksi", "lanjut")
		if code, loc, body := c.post("/daftar/"+st.Slug, v); code != http.StatusSeeOther {
			t.Fatalf("step %s: %d %s\n%.500s", st.Slug, code, loc, body)
		}
	}
}

// TestKioskSameNIKTwice: a second submission while the first is open creates nothing, and tells
// nothing about the first application: whoever typed the NIK may not be its owner.
func TestKioskSameNIKTwice(t *testing.T) {
	srv := newTestServer(t, Options{})
	first := newClient(t, srv.URL)
	code, loc, _ := kioskSubmit(t, first, deskForm(1))
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/selesai/") {
		t.Fatalf("first submission: %d %s", code, loc)
	}
	second := newClient(t, srv.URL)
	kioskFill(t, second, deskForm(1))
	review := kioskReview(t, second)
	site, _ := url.Parse(srv.URL)
	held := second.http.Jar.Cookies(site)
	code, _, body := second.post("/daftar/kirim", review)
	if code != http.StatusOK || !strings.Contains(body, "tidak dapat dipakai untuk membuat kartu baru") {
		t.Fatalf("second submission: %d\n%.800s", code, body)
	}
	// Its answer lost and sent again: the same answer, still nothing about the other application.
	if code, _, again := postAs(t, srv.URL, "/daftar/kirim", second.csrf, held, review); code != http.StatusOK || again != body {
		t.Fatalf("the second submission sent again: %d\n%.800s", code, again)
	}
	app, err := srv.DB.ApplicationByCode(context.Background(), strings.TrimPrefix(loc, "/selesai/"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{app.Ticket, app.StatusCode, app.State.PublicText(), app.Form.FullName} {
		if strings.Contains(body, secret) {
			t.Errorf("the answer to a duplicate NIK reveals %q of the other application", secret)
		}
	}
	if total, _, _ := srv.DB.CountApplications(context.Background()); total != 1 {
		t.Fatalf("%d applications, want 1", total)
	}
	if n := countDrafts(t, srv); n != 0 {
		t.Fatalf("the second person's draft was kept (%d)", n)
	}
}

// TestKioskStatusShowsReturnReason: an application the officer returned shows the reason at the
// kiosk's "check my application", found by the check code and birth date.
func TestKioskStatusShowsReturnReason(t *testing.T) {
	srv := newTestServer(t, Options{})
	app := submitForm(t, srv, 1)
	officer, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	reason := "Fotokopi ijazah belum dilegalisir"
	if err := srv.DB.ReturnApplication(context.Background(), app.ID, officer, app.State, reason); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv.URL)
	c.get("/cek")
	code, _, body := c.post("/cek", url.Values{"nomor": {strings.ToLower(strings.ReplaceAll(app.StatusCode, "-", ""))},
		"birth_day": {"7"}, "birth_month": {"8"}, "birth_year": {"2001"}})
	if code != http.StatusOK || !strings.Contains(body, "Dikembalikan untuk dilengkapi") || !strings.Contains(body, reason) {
		t.Fatalf("status check: %d\n%.1500s", code, body)
	}
	// The wrong birth date reveals nothing.
	code, _, body = c.post("/cek", url.Values{"nomor": {app.StatusCode}, "birth_day": {"8"}, "birth_month": {"8"}, "birth_year": {"2001"}})
	if code != http.StatusUnprocessableEntity || strings.Contains(body, reason) || !strings.Contains(body, "tidak ditemukan") {
		t.Fatalf("status check with the wrong birth date: %d", code)
	}
}

// TestKioskCompletesReturnedApplication: the officer returns an application; the job seeker finds it
// at the kiosk with the check code and birth date, corrects it and sends it back into the queue: the same
// application and ticket, state resubmitted, nothing new created.
func TestKioskCompletesReturnedApplication(t *testing.T) {
	srv := newTestServer(t, Options{})
	app := submitForm(t, srv, 1)
	officer, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	if err := srv.DB.ReturnApplication(context.Background(), app.ID, officer, app.State, "Nomor HP tidak aktif"); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv.URL)
	c.get("/cek")
	lookup := url.Values{"nomor": {app.StatusCode}, "birth_day": {"7"}, "birth_month": {"8"}, "birth_year": {"2001"}}
	code, _, body := c.post("/cek", lookup)
	if code != http.StatusOK || !strings.Contains(body, "data-lengkapi") {
		t.Fatalf("status of a returned application: %d, no way to complete it\n%.800s", code, body)
	}
	code, loc, _ := c.post("/cek/lengkapi", lookup)
	if code != http.StatusSeeOther || loc != "/daftar/periksa" {
		t.Fatalf("start completion: %d %s", code, loc)
	}
	code, body = c.getHX("/daftar/periksa")
	if code != http.StatusOK || !strings.Contains(body, "Nomor HP tidak aktif") || !strings.Contains(body, app.Ticket) || !strings.Contains(body, app.NIK) {
		t.Fatalf("review of the returned application: %d\n%.1500s", code, body)
	}
	fix := formValues(deskForm(1))
	fix.Set("phone", "0819 2222 3333")
	fix.Set("aksi", "lanjut")
	fix.Set("kembali", "periksa")
	if code, loc, _ := c.post("/daftar/kontak", fix); code != http.StatusSeeOther || loc != "/daftar/periksa" {
		t.Fatalf("correct the phone: %d %s", code, loc)
	}
	review := kioskReview(t, c)
	site, _ := url.Parse(srv.URL)
	held := c.http.Jar.Cookies(site)
	code, loc, _ = c.post("/daftar/kirim", review)
	if code != http.StatusSeeOther || loc != "/selesai/"+app.StatusCode {
		t.Fatalf("send the completed application: %d %s", code, loc)
	}
	// The answer was lost and the kiosk sends again: the same ticket, not "already processed".
	if code, again, body := postAs(t, srv.URL, "/daftar/kirim", c.csrf, held, review); code != http.StatusSeeOther || again != loc {
		t.Fatalf("the completion sent again: %d %q, want %q\n%.600s", code, again, loc, body)
	}
	got, err := srv.DB.Application(context.Background(), app.ID)
	if err != nil || got.State != domain.StateResubmitted || got.Form.Phone != "081922223333" || got.StateReason != "" || got.Ticket != app.Ticket {
		t.Fatalf("after completion: %+v, %v", got, err)
	}
	if total, _, _ := srv.DB.CountApplications(context.Background()); total != 1 {
		t.Fatalf("%d applications, want the same one", total)
	}
	if rows, err := srv.DB.EducationRows(context.Background(), app.ID); err != nil || len(rows) != 3 || !rows[2].Highest {
		t.Fatalf("education rows after completion: %+v, %v", rows, err)
	}
	if n := countDrafts(t, srv); n != 0 {
		t.Fatalf("%d drafts left", n)
	}
	// A second try with the same lookup: the application is no longer returned.
	c.get("/cek")
	if code, _, _ := c.post("/cek/lengkapi", lookup); code != http.StatusConflict {
		t.Fatalf("completing an application that is no longer returned: %d", code)
	}
}

// postAs sends the form with exactly these cookies, without a cookie jar: what a kiosk sends when it
// repeats a request whose answer (and its Set-Cookie) never arrived.
func postAs(t *testing.T, base, path, csrf string, cookies []*http.Cookie, values url.Values) (int, string, string) {
	v := url.Values{"_csrf": {csrf}}
	for k, vs := range values {
		v[k] = vs
	}
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(v.Encode()))
	if err != nil {
		t.Error(err)
		return 0, "", ""
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		t.Error(err)
		return 0, "", ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// TestKioskSendingTwiceGivesOneTicket: the server took "Kirim pendaftaran" but the answer was lost;
// the kiosk sends the same form again (or the person taps twice, at once): every answer leads to the
// same ticket and there is one application. The review screen's key belongs to its kiosk session: a
// key from another session sends nothing and shows nothing of the other person's ticket. Before, the
// repeat found the draft gone and answered with an empty review full of errors.
func TestKioskSendingTwiceGivesOneTicket(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := context.Background()
	site, _ := url.Parse(srv.URL)
	apps := func() int {
		n, _, err := srv.DB.CountApplications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// The answer is lost: the kiosk still holds its cookie and sends the same form again.
	a := newClient(t, srv.URL)
	kioskFill(t, a, deskForm(1))
	review := kioskReview(t, a)
	held := a.http.Jar.Cookies(site)
	code, first, _ := a.post("/daftar/kirim", review)
	if code != http.StatusSeeOther || !strings.HasPrefix(first, "/selesai/") {
		t.Fatalf("first sending: %d %s", code, first)
	}
	code, again, body := postAs(t, srv.URL, "/daftar/kirim", a.csrf, held, review)
	if code != http.StatusSeeOther || again != first {
		t.Fatalf("the same sending again: %d %q, want the same ticket %q\n%.800s", code, again, first, body)
	}
	if n := apps(); n != 1 {
		t.Fatalf("%d applications after sending twice, want 1", n)
	}
	app, err := srv.DB.ApplicationByCode(ctx, strings.TrimPrefix(first, "/selesai/"))
	if err != nil {
		t.Fatal(err)
	}
	if code, page := newClient(t, srv.URL).get(again); code != http.StatusOK || !strings.Contains(page, app.Ticket) {
		t.Fatalf("the repeat's answer does not show the ticket %s: %d", app.Ticket, code)
	}

	// "Kirim" twice at the same moment.
	b := newClient(t, srv.URL)
	kioskFill(t, b, deskForm(2))
	bReview := kioskReview(t, b)
	bCookies := b.http.Jar.Cookies(site)
	var wg sync.WaitGroup
	locs := make([]string, 2)
	for i := range locs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, loc, body := postAs(t, srv.URL, "/daftar/kirim", b.csrf, bCookies, bReview)
			if code != http.StatusSeeOther {
				t.Errorf("sending %d at the same moment: %d\n%.600s", i+1, code, body)
			}
			locs[i] = loc
		}()
	}
	wg.Wait()
	if locs[0] != locs[1] || !strings.HasPrefix(locs[0], "/selesai/") || locs[0] == first {
		t.Fatalf("two sendings at once lead to %q and %q, want one new ticket", locs[0], locs[1])
	}
	if n := apps(); n != 2 {
		t.Fatalf("%d applications after two sendings at once, want 2", n)
	}
	bApp, err := srv.DB.ApplicationByCode(ctx, strings.TrimPrefix(locs[0], "/selesai/"))
	if err != nil {
		t.Fatal(err)
	}
	// Neither sending brings the draft back (the person's data would outlive the kiosk session).
	if n := countDrafts(t, srv); n != 0 {
		t.Fatalf("%d drafts left after two sendings at once", n)
	}

	// Another kiosk session with b's key: refused, its own draft kept, nothing of b's shown.
	other := newClient(t, srv.URL)
	kioskFill(t, other, deskForm(3))
	own := kioskReview(t, other)
	code, loc, body := other.post("/daftar/kirim", bReview)
	if code != http.StatusConflict || loc != "" || !strings.Contains(body, "Pendaftaran belum terkirim") {
		t.Fatalf("a key from another session: %d %q, want 409 and the review again\n%.800s", code, loc, body)
	}
	for _, secret := range []string{bApp.Ticket, bApp.StatusCode, bApp.NIK, bReview.Get(submitKeyField)} {
		if strings.Contains(body, secret) {
			t.Errorf("the refusal shows %q of the other session", secret)
		}
	}
	if n := apps(); n != 2 {
		t.Fatalf("a key from another session created an application (%d)", n)
	}
	if code, loc, _ := other.post("/daftar/kirim", own); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/selesai/") {
		t.Fatalf("the session's own key after the refusal: %d %q", code, loc)
	}

	// A session without a draft, with a key that was sent from another one: nothing either.
	stranger := newClient(t, srv.URL)
	stranger.get("/cek") // a page with a form, for the CSRF token
	stranger.http.Jar.SetCookies(site, []*http.Cookie{{Name: kioskCookie, Value: randomToken()}})
	code, loc, body = stranger.post("/daftar/kirim", review)
	if code != http.StatusConflict || loc != "" || strings.Contains(body, app.Ticket) || strings.Contains(body, app.StatusCode) {
		t.Fatalf("a sent key from a session without a draft: %d %q\n%.800s", code, loc, body)
	}
	if n := apps(); n != 3 {
		t.Fatalf("%d applications at the end, want 3", n)
	}
}
