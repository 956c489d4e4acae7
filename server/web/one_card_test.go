package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// csrfValue hides the per-browser CSRF token wherever a page carries it, so two pages can be compared.
var csrfValue = regexp.MustCompile(`[A-Za-z0-9_-]{40,}`)

// TestNoSecondCardWhileOneIsInForce: a NIK holding a card in force gets no new card. At the kiosk
// the person sees exactly the page a NIK with an open application gets (nothing about the card,
// not even that it is a card) and is pointed to the holder's services and the desk. At the desk the
// officer sees the card (number, state, validity) with a link to its page, for the walk-in and the
// manual card alike, and nothing is stored. Once the card is cancelled a new card may be made.
func TestNoSecondCardWhileOneIsInForce(t *testing.T) {
	srv := newTestServer(t, Options{}) // 27 November 2026
	ctx := context.Background()
	officer, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pk, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	appID, err := srv.DB.EnterManualCard(ctx, storage.ManualCard{Form: deskForm(1), RegNumber: "5171 021126 009001",
		IssuedOn: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), PengantarID: pk, UserID: officer})
	if err != nil {
		t.Fatal(err)
	}
	cardID, err := srv.DB.CurrentCard(ctx, appID)
	if err != nil {
		t.Fatal(err)
	}
	submitForm(t, srv, 2) // NIK 2 has an application in progress
	applications := func() int {
		n, err := srv.DB.QueryIntForTest(ctx, `SELECT count(*) FROM applications`)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	kiosk := newClient(t, srv.URL)
	kioskFill(t, kiosk, deskForm(1))
	review := kioskReview(t, kiosk)
	site, _ := url.Parse(srv.URL)
	held := kiosk.http.Jar.Cookies(site)
	code, _, cardPage := kiosk.post("/daftar/kirim", review)
	if code != http.StatusOK || !strings.Contains(cardPage, "tidak dapat dipakai untuk membuat kartu baru") ||
		!strings.Contains(cardPage, "Lapor 6 bulanan") || !strings.Contains(cardPage, "Perpanjang atau perbaiki kartu kuning") ||
		!strings.Contains(cardPage, "petugas") {
		t.Fatalf("kiosk submission for a NIK holding a card in force: %d\n%.1500s", code, cardPage)
	}
	for _, secret := range []string{"5171 021126 009001", "5171021126009001", "2 November", "2028", "Aktif", "masih berlaku sampai"} {
		if strings.Contains(cardPage, secret) {
			t.Errorf("the kiosk's answer reveals %q of the card", secret)
		}
	}
	// Its answer lost and sent again: the same page, the draft already ended.
	if code, _, again := postAs(t, srv.URL, "/daftar/kirim", kiosk.csrf, held, review); code != http.StatusOK || again != cardPage {
		t.Fatalf("the refused submission sent again: %d\n%.800s", code, again)
	}
	_, _, openPage := kioskSubmit(t, newClient(t, srv.URL), deskForm(2))
	if csrfValue.ReplaceAllString(cardPage, "") != csrfValue.ReplaceAllString(openPage, "") {
		t.Errorf("the kiosk answers a NIK with a card differently from a NIK with an open application:\n%.3000s", openPage)
	}
	if n := applications(); n != 2 {
		t.Fatalf("%d applications after the refused kiosk submissions, want 2", n)
	}
	if n := countDrafts(t, srv); n != 0 {
		t.Fatalf("%d drafts kept", n)
	}

	desk := signIn(t, srv, "petugas", pw)
	desk.get("/petugas/baru")
	walkIn := formValues(deskForm(1))
	walkIn.Set("setuju", "1")
	code, _, body := desk.post("/petugas/baru", walkIn)
	shows := []string{"5171 021126 009001", "Aktif", "berlaku sampai 2 November 2028", `href="` + cardURL(cardID) + `"`, "data-kartu-berlaku",
		`value="Jl. Gatot Subroto Barat No. 12"`}
	for _, want := range shows {
		if !strings.Contains(body, want) {
			t.Errorf("walk-in for a NIK holding a card in force: %d, no %q", code, want)
		}
	}
	if code != http.StatusUnprocessableEntity || applications() != 2 {
		t.Fatalf("walk-in for a NIK holding a card in force: %d, %d applications\n%.2000s", code, applications(), body)
	}
	if code, page := desk.get(cardURL(cardID)); code != http.StatusOK || !strings.Contains(page, "5171 021126 009001") {
		t.Fatalf("the card's page from the link: %d", code)
	}

	desk.get("/petugas/manual")
	manual := formValues(deskForm(1))
	manual.Set("reg_number", "5171 201126 009002")
	manual.Set("issued_on", "2026-11-20")
	manual.Set("pengantar", strconv.FormatInt(pk, 10))
	code, _, body = desk.post("/petugas/manual", manual)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "5171 021126 009001") || !strings.Contains(body, `href="`+cardURL(cardID)+`"`) ||
		!strings.Contains(body, "Kartu kedua tidak dicatat") {
		t.Fatalf("manual card for a NIK holding a card in force: %d\n%.2000s", code, body)
	}

	// The officer cancels the card on its page (the holder's card was a duplicate): a new card may
	// be made.
	if code, _, _ := desk.post(cardURL(cardID)+"/batal", url.Values{"alasan": {"kartu ganda"}}); code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", code)
	}
	if code, loc, body := desk.post("/petugas/baru", walkIn); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/petugas/permohonan/") {
		t.Fatalf("walk-in after the card was cancelled: %d %s\n%.1500s", code, loc, body)
	}
}
