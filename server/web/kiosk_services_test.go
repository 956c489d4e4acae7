package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"ak1/server/card"
	"ak1/server/domain"
	"ak1/server/storage"
)

// kioskVisit gives a card a kiosk visit of the service (a ticket, nothing recorded), as a holder who
// asks an officer does.
func kioskVisit(t *testing.T, srv *testServer, cardID int64, service string) *storage.Visit {
	t.Helper()
	ctx := context.Background()
	token := randomToken()
	if err := srv.DB.StartHolderSession(ctx, token, cardID, storage.ProofNumber); err != nil {
		t.Fatal(err)
	}
	res, err := srv.DB.KioskService(ctx, storage.KioskRequest{Token: token, Service: service, Note: "bertanya"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Visit
}

// holderCard issues a card to the holder of deskForm(serial) (born 7 August 2001) on the test
// clock's day, 27 November 2026: its first report is due 27 May 2027, accepted from 27 April 2027.
func holderCard(t *testing.T, srv *testServer, serial int) *storage.CardRecord {
	t.Helper()
	ctx := context.Background()
	users, err := srv.DB.Users(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var officer, pengantar int64
	for _, u := range users {
		switch u.Role {
		case domain.RolePetugas:
			officer = u.ID
		case domain.RolePengantar:
			pengantar = u.ID
		}
	}
	if officer == 0 {
		officer, _ = addOfficer(t, srv, "petugas", domain.RolePetugas)
	}
	if pengantar == 0 {
		pengantar, _ = addOfficer(t, srv, "pengantar", domain.RolePengantar)
	}
	got := approvedJob(t, srv, officer, pengantar, serial)
	return mustCard(t, srv, got.CardID)
}

// born7Aug2001 is the birth date of every deskForm holder, as the kiosk's pick-lists post it.
func born7Aug2001(v url.Values) url.Values {
	v.Set("birth_day", "7")
	v.Set("birth_month", "8")
	v.Set("birth_year", "2001")
	return v
}

// findCard opens the kiosk's "find your card" screen of a service and identifies the holder.
func findCard(t *testing.T, c *client, service string, v url.Values) (int, string, string) {
	t.Helper()
	c.getHX("/kartu/" + service)
	return c.post("/kartu/"+service, v)
}

// intoWindow moves the clock to the first report's window of a card issued on the test's first day.
func intoWindow(srv *testServer) { srv.Clock.advance(152 * 24 * time.Hour) } // 28 April 2027

func ticketOf(t *testing.T, c *client, loc string) string {
	t.Helper()
	if !strings.HasPrefix(loc, "/tiket/") {
		t.Fatalf("not sent to a ticket: %q", loc)
	}
	code, body := c.getHX(loc)
	m := regexp.MustCompile(`data-ticket>([A-Z]-[0-9]+)<`).FindStringSubmatch(body)
	if code != http.StatusOK || m == nil || !strings.Contains(body, `data-status-qr`) {
		t.Fatalf("ticket page %s: %d\n%.600s", loc, code, body)
	}
	return m[1]
}

// TestKioskServicesEndWithTickets walks the four card services of the kiosk to their tickets, each
// with its own letter; the desk's queue shows every one with its service, an officer calls one to a
// desk and the lobby display shows it.
func TestKioskServicesEndWithTickets(t *testing.T) {
	srv := newTestServer(t, Options{})
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	reporter, placed, renewer := holderCard(t, srv, 1), holderCard(t, srv, 2), holderCard(t, srv, 3)
	intoWindow(srv)
	k := newClient(t, srv.URL)

	// Lapor 6 bulanan with a new phone number, typed card number.
	k.get("/layanan/lapor")
	code, loc, _ := k.post("/layanan/lapor", url.Values{"dokumen": {"kartu"}})
	if code != http.StatusSeeOther || loc != "/kartu/lapor" {
		t.Fatalf("lapor requirements: %d %s", code, loc)
	}
	code, loc, body := findCard(t, k, "lapor", born7Aug2001(url.Values{"nomor": {reporter.RegNumber}}))
	if code != http.StatusSeeOther || loc != "/kartu/lapor/layanan" {
		t.Fatalf("find card: %d %s\n%.600s", code, loc, body)
	}
	_, body = k.getHX(loc)
	if !strings.Contains(body, "Laporan Kesatu") || !strings.Contains(body, "27 Mei 2027") {
		t.Fatalf("the holder's service page lacks the next report:\n%.2000s", body)
	}
	for _, private := range []string{deskForm(1).FullName, deskForm(1).NIK, deskForm(1).Street, deskForm(1).Phone} {
		if strings.Contains(body, private) {
			t.Fatalf("the holder's page shows %q: only the card's state and next report belong there", private)
		}
	}
	code, loc, body = k.post("/kartu/lapor/layanan", url.Values{"phone": {"0813 1111 2222"}})
	if code != http.StatusSeeOther {
		t.Fatalf("report: %d\n%.1500s", code, body)
	}
	tickets := map[string]string{"lapor": ticketOf(t, k, loc)}

	// Sudah bekerja.
	k.post("/layanan/bekerja", url.Values{"dokumen": {"kartu"}})
	findCard(t, k, "bekerja", born7Aug2001(url.Values{"nomor": {placed.RegNumber}}))
	job := url.Values{"employer": {"PT Bali Sejahtera"}, "kbli": {"I"}, "employer_type": {"4"}, "position": {"Juru masak"},
		"kbji": {"5"}, "start_day": {"2"}, "start_month": {"5"}, "start_year": {"2027"}, "location": {"lokal"}}
	bad := url.Values{}
	for k, v := range job {
		bad[k] = v
	}
	bad.Set("start_day", "31")
	bad.Set("start_month", "2")
	if code, _, body := k.post("/kartu/bekerja/layanan", bad); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "tidak ada di kalender") || !strings.Contains(body, `value="PT Bali Sejahtera"`) {
		t.Fatalf("31 February: %d\n%.1500s", code, body)
	}
	_, loc, _ = k.post("/kartu/bekerja/layanan", job)
	tickets["bekerja"] = ticketOf(t, k, loc)

	// Perpanjang, and a legalised copy (no card needed).
	k.post("/layanan/perpanjang", url.Values{"dokumen": {"kartu", "ktp", "foto"}})
	findCard(t, k, "perpanjang", born7Aug2001(url.Values{"nomor": {renewer.RegNumber}}))
	k.getHX("/kartu/perpanjang/layanan")
	_, loc, _ = k.post("/kartu/perpanjang/layanan", url.Values{})
	tickets["perpanjang"] = ticketOf(t, k, loc)
	k.get("/layanan/legalisir")
	code, loc, _ = k.post("/layanan/legalisir", url.Values{"dokumen": {"kartu", "fotokopi"}})
	if code != http.StatusSeeOther {
		t.Fatalf("legalisir: %d", code)
	}
	tickets["legalisir"] = ticketOf(t, k, loc)
	want := map[string]string{"lapor": "B-001", "bekerja": "E-001", "perpanjang": "C-001", "legalisir": "D-001"}
	if fmt.Sprint(tickets) != fmt.Sprint(want) {
		t.Fatalf("tickets = %v, want %v", tickets, want)
	}
	if n := countDrafts(t, srv); n != 0 {
		t.Fatalf("%d kiosk sessions left after the tickets", n)
	}

	// The desk sees every service's ticket.
	desk := signIn(t, srv, "petugas", pw)
	_, body = desk.get("/petugas")
	for svc, ticket := range tickets {
		s, _ := domain.FindService(svc)
		if !strings.Contains(body, ticket) || !strings.Contains(body, s.Title) {
			t.Errorf("the desk queue lacks %s (%s)", ticket, s.Title)
		}
	}
	// Called to desk 2, the lobby shows it.
	visit, err := srv.DB.VisitByCode(context.Background(), strings.TrimPrefix(loc, "/tiket/"))
	if err != nil {
		t.Fatal(err)
	}
	if code, loc, _ := desk.post(fmt.Sprintf("/petugas/layanan/%d/panggil", visit.ID), url.Values{}); code != http.StatusSeeOther || loc != visitURL(visit.ID) {
		t.Fatalf("call: %d %s", code, loc)
	}
	_, body = newClient(t, srv.URL).get("/layar")
	if !strings.Contains(body, `data-now-ticket>D-001<`) || !strings.Contains(body, "Meja 2") {
		t.Fatalf("lobby after the call:\n%.1500s", body)
	}
	// Another ticket called after it, then D-001 again: the lobby lists each ticket once, newest first.
	bVisit, _ := srv.DB.Visits(context.Background(), storage.VisitFilter{Query: "B-001"})
	srv.Clock.advance(time.Minute)
	desk.post(fmt.Sprintf("/petugas/layanan/%d/panggil", bVisit[0].ID), url.Values{})
	srv.Clock.advance(time.Minute)
	desk.post(fmt.Sprintf("/petugas/layanan/%d/panggil", visit.ID), url.Values{})
	_, body = newClient(t, srv.URL).get("/layar")
	if !strings.Contains(body, `data-now-ticket>D-001<`) || strings.Count(body, "D-001") != 2 || strings.Count(body, "B-001") != 1 {
		t.Fatalf("lobby after a second call:\n%.2000s", body)
	}
	// A search finds a ticket on any day, and a card's visits by its registration number.
	srv.Clock.advance(24 * time.Hour)
	desk = signIn(t, srv, "petugas", pw)
	if _, body := desk.get("/petugas?q=b1"); !strings.Contains(body, ">B-001<") || strings.Contains(body, ">E-001<") {
		t.Fatalf("search by ticket the next day:\n%.2000s", body)
	}
	if _, body := desk.get("/petugas?" + url.Values{"q": {placed.RegNumber}}.Encode()); !strings.Contains(body, ">E-001<") || strings.Contains(body, ">B-001<") {
		t.Fatalf("search by registration number:\n%.2000s", body)
	}
}

// TestKioskHolderEveryWayOutEndsTheSession: a holder found their card and leaves the kiosk by one of
// its ways out; the session is gone on the server, and the next person on the same browser gets
// the welcome screen, never the card.
func TestKioskHolderEveryWayOutEndsTheSession(t *testing.T) {
	srv := newTestServer(t, Options{})
	holder := holderCard(t, srv, 1)
	intoWindow(srv)
	ways := []struct {
		name  string
		leave func(c *client) int
	}{
		{"back to the welcome screen", func(c *client) int { code, _ := c.getHX("/"); return code }},
		{"the welcome screen loaded anew", func(c *client) int { code, _ := c.get("/"); return code }},
		{"a service's requirements", func(c *client) int { code, _ := c.getHX("/layanan/bekerja"); return code }},
		{"choosing a service", func(c *client) int {
			code, _, _ := c.post("/layanan/baru", url.Values{"dokumen": {"ktp", "foto", "ijazah"}})
			return code
		}},
		{"finding a card again", func(c *client) int { code, _ := c.getHX("/kartu/bekerja"); return code }},
		{"the status check", func(c *client) int { code, _ := c.getHX("/cek"); return code }},
		{"a reload of the service screen", func(c *client) int { code, _ := c.get("/kartu/lapor/layanan"); return code }},
		{"Batal", func(c *client) int { code, _, _ := c.post("/kiosk/reset", url.Values{}); return code }},
		{"a ticket without the card", func(c *client) int { code, _, _ := c.post("/kartu/lapor/tanpa-kartu", url.Values{}); return code }},
	}
	for _, way := range ways {
		t.Run(way.name, func(t *testing.T) {
			kiosk := newClient(t, srv.URL)
			if code, loc, _ := findCard(t, kiosk, "lapor", born7Aug2001(url.Values{"nomor": {holder.RegNumber}})); code != http.StatusSeeOther {
				t.Fatalf("find card: %d %s", code, loc)
			}
			if _, body := kiosk.getHX("/kartu/lapor/layanan"); !strings.Contains(body, holder.RegNumber) {
				t.Fatal("the holder's session was not kept while the holder is at the kiosk")
			}
			if code := way.leave(kiosk); code >= 400 {
				t.Fatalf("leaving: status %d", code)
			}
			if n := countDrafts(t, srv); n != 0 {
				t.Fatalf("%d kiosk sessions left after %s", n, way.name)
			}
			code, body := kiosk.getHX("/kartu/lapor/layanan")
			if code != http.StatusSeeOther || strings.Contains(body, holder.RegNumber) {
				t.Fatalf("the next person opened the holder's screen after %s: %d", way.name, code)
			}
		})
	}
}

// TestKioskHolderLookupRevealsNothing: a number that exists with a wrong birth date and a number that
// does not exist get the same answer; wrong dates for one card are limited however many kiosks
// (addresses) ask; nothing personal is shown before the right date.
func TestKioskHolderLookupRevealsNothing(t *testing.T) {
	srv := newTestServer(t, Options{})
	holder := holderCard(t, srv, 1)
	wrongDate := url.Values{"nomor": {holder.RegNumber}, "birth_day": {"8"}, "birth_month": {"8"}, "birth_year": {"2001"}}
	noSuchCard := born7Aug2001(url.Values{"nomor": {"5171 271126 999999"}})
	c := newClient(t, srv.URL)
	_, _, a := findCard(t, c, "lapor", wrongDate)
	_, _, b := findCard(t, c, "lapor", noSuchCard)
	msg := regexp.MustCompile(`id="e-nomor">([^<]*)<`)
	ma, mb := msg.FindStringSubmatch(a), msg.FindStringSubmatch(b)
	if ma == nil || mb == nil || ma[1] != mb[1] || strings.Contains(a, deskForm(1).FullName) {
		t.Fatalf("answers differ or reveal the holder: %q vs %q", ma, mb)
	}
	// More wrong dates from other addresses (X-Forwarded-For is not trusted, so every client here is
	// one address; the per-card count is what stops them).
	var last int
	for i := 0; i < domain.HolderCheckLimit.Free+2; i++ {
		last, _, _ = findCard(t, newClient(t, srv.URL), "lapor", wrongDate)
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("after %d wrong dates: %d, want 429", domain.HolderCheckLimit.Free+3, last)
	}
	if code, _, body := findCard(t, newClient(t, srv.URL), "lapor", born7Aug2001(url.Values{"nomor": {holder.RegNumber}})); code != http.StatusTooManyRequests ||
		!strings.Contains(body, "Terlalu banyak percobaan") {
		t.Fatalf("the right date during the wait: %d", code)
	}
	srv.Clock.advance(domain.HolderCheckLimit.Forget)
	if code, _, _ := findCard(t, newClient(t, srv.URL), "lapor", born7Aug2001(url.Values{"nomor": {holder.RegNumber}})); code != http.StatusSeeOther {
		t.Fatalf("the right date once the count is forgotten: %d", code)
	}
}

// TestKioskContactChangeNeedsTheCardInHand: contact data sent after typing the card's number waits
// for an officer; after scanning the card's signed QR code it is applied; a forged QR code finds
// nothing.
func TestKioskContactChangeNeedsTheCardInHand(t *testing.T) {
	signer, err := card.NewSigner(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(t, Options{Signer: signer, PublicURL: "https://ak1.example"})
	typed, scanned := holderCard(t, srv, 1), holderCard(t, srv, 2)
	intoWindow(srv)
	ctx := context.Background()
	k := newClient(t, srv.URL)
	findCard(t, k, "lapor", born7Aug2001(url.Values{"nomor": {domain.CleanDigits(typed.RegNumber)}}))
	_, body := k.getHX("/kartu/lapor/layanan")
	if !strings.Contains(body, "diperiksa petugas") {
		t.Fatal("a holder who typed the number is not told the change waits for an officer")
	}
	k.post("/kartu/lapor/layanan", url.Values{"email": {"wayan@contoh.id"}})
	life, _ := srv.DB.CardLife(ctx, typed.ID)
	if life.App.Form.Email != "" || len(life.Pending) != 1 || life.Pending[0].Changes.Email != "wayan@contoh.id" {
		t.Fatalf("typed number: e-mail %q, pending %+v", life.App.Form.Email, life.Pending)
	}

	link := signer.CheckURL("https://ak1.example", scanned.ID, scanned.Serial)
	forged := link[:len(link)-3] + "AAA"
	if code, _, body := findCard(t, k, "lapor", born7Aug2001(url.Values{"qr": {forged}})); code != http.StatusUnprocessableEntity || !strings.Contains(body, "bukan kode kartu") {
		t.Fatalf("forged QR: %d", code)
	}
	if code, loc, _ := findCard(t, k, "lapor", born7Aug2001(url.Values{"qr": {link}})); code != http.StatusSeeOther || loc != "/kartu/lapor/layanan" {
		t.Fatalf("scanned QR: %d %s", code, loc)
	}
	if _, body := k.getHX("/kartu/lapor/layanan"); !strings.Contains(body, "langsung disimpan") {
		t.Fatal("a holder with the card in hand is not told the change is saved")
	}
	if code, _, body := k.post("/kartu/lapor/layanan", url.Values{"phone": {"12"}}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `value="12"`) {
		t.Fatalf("a wrong phone number: %d", code)
	}
	k.post("/kartu/lapor/layanan", url.Values{"phone": {"0813 5555 6666"}})
	life, _ = srv.DB.CardLife(ctx, scanned.ID)
	if life.App.Form.Phone != "081355556666" || len(life.Pending) != 0 || len(life.Reports) != 1 {
		t.Fatalf("QR: phone %q, pending %d, reports %d", life.App.Form.Phone, len(life.Pending), len(life.Reports))
	}
}

// TestPhoneStatusShowsTheMinimum: the status page of a ticket says where the ticket stands, and for a
// card its state and next report, but nothing personal; an invented code finds nothing.
func TestPhoneStatusShowsTheMinimum(t *testing.T) {
	srv := newTestServer(t, Options{})
	holder := holderCard(t, srv, 1)
	_, pw := addOfficer(t, srv, "petugas2", domain.RolePetugas)
	v := kioskVisit(t, srv, holder.ID, "perpanjang")
	phone := newClient(t, srv.URL)
	code, body := phone.get("/status/" + v.StatusCode)
	if code != http.StatusOK || !strings.Contains(body, v.Ticket) || !strings.Contains(body, "Menunggu dipanggil") ||
		!strings.Contains(body, "27 Mei 2027") || !strings.Contains(body, `http-equiv="refresh"`) {
		t.Fatalf("status of a waiting visit: %d\n%.1500s", code, body)
	}
	app, _ := srv.DB.Application(context.Background(), holder.ApplicationID)
	for _, private := range []string{app.FullName, app.NIK, app.Form.Street, app.Form.Phone, holder.RegNumber} {
		if strings.Contains(body, private) {
			t.Errorf("the status page shows %q", private)
		}
	}
	desk := signIn(t, srv, "petugas2", pw)
	desk.get("/petugas")
	desk.post(fmt.Sprintf("/petugas/layanan/%d/panggil", v.ID), url.Values{})
	if _, body = phone.get("/status/" + strings.ToLower(strings.ReplaceAll(v.StatusCode, "-", ""))); !strings.Contains(body, "Meja 2") {
		t.Fatalf("status after the call:\n%.1200s", body)
	}
	// A new card's application has a status page too, by its own code.
	a := submitForm(t, srv, 7)
	if _, body = phone.get("/status/" + a.StatusCode); !strings.Contains(body, a.Ticket) || strings.Contains(body, a.FullName) {
		t.Fatalf("status of an application:\n%.1200s", body)
	}
	if code, _ := phone.get("/status/ABC-DEF"); code != http.StatusNotFound {
		t.Fatalf("an invented code: %d", code)
	}
}
