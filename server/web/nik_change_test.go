package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// nikChangeSetup: NIK 1 holds a manual card in force (5171 021126 009001), NIK 2 has an application
// in progress; the officer "petugas" has the password pw.
func nikChangeSetup(t *testing.T) (srv *testServer, pw string, cardID int64, open *domain.Application) {
	t.Helper()
	srv = newTestServer(t, Options{}) // 27 November 2026
	ctx := context.Background()
	officer, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pk, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	appID, err := srv.DB.EnterManualCard(ctx, storage.ManualCard{Form: deskForm(1), RegNumber: "5171 021126 009001",
		IssuedOn: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), PengantarID: pk, UserID: officer})
	if err != nil {
		t.Fatal(err)
	}
	if cardID, err = srv.DB.CurrentCard(ctx, appID); err != nil {
		t.Fatal(err)
	}
	open = submitForm(t, srv, 2)
	return srv, pw, cardID, open
}

// TestDeskNIKCorrectionRefused: an officer correcting an application before approval, or an issued
// card from its page, who changes the NIK to one holding a card in force or another open
// application gets the form back with what was typed, the NIK field in red naming the card
// (number, state, validity) or the application (ticket, state), and a link to it. Nothing is stored.
func TestDeskNIKCorrectionRefused(t *testing.T) {
	srv, pw, cardID, open := nikChangeSetup(t)
	desk := signIn(t, srv, "petugas", pw)
	ctx := context.Background()
	atDesk := submitForm(t, srv, 3)
	issued := holderCard(t, srv, 4)

	cases := []struct {
		name, form, action string
		values             url.Values
	}{
		{"correction before approval", appURL(atDesk.ID) + "/ubah", appURL(atDesk.ID) + "/ubah", formValues(deskForm(3))},
		{"correction of an issued card", cardURL(issued.ID) + "/perbaikan", cardURL(issued.ID) + "/perbaikan", formValues(deskForm(4))},
	}
	for _, tc := range cases {
		desk.get(tc.form)
		v := tc.values
		v.Set("phone", "0819 5555 4444") // another change the officer made alongside, kept on the page
		v.Set("keadaan", string(atDesk.State))

		v.Set("nik", deskForm(1).NIK)
		code, _, body := desk.post(tc.action, v)
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("%s to the NIK of a card in force: %d\n%.2000s", tc.name, code, body)
		}
		for _, want := range []string{`id="kartu-berlaku"`, "5171 021126 009001", "Aktif", "berlaku sampai 2 November 2028",
			`href="` + cardURL(cardID) + `"`, "NIK permohonan ini tidak dapat diganti menjadi NIK itu", `id="e-nik"`,
			`value="` + deskForm(1).NIK + `"`, `value="081955554444"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s to the NIK of a card in force: no %q", tc.name, want)
			}
		}
		if strings.Contains(body, "Kartu baru tidak dapat diterbitkan") {
			t.Errorf("%s: the alert speaks of a new card", tc.name)
		}

		v.Set("nik", deskForm(2).NIK)
		code, _, body = desk.post(tc.action, v)
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("%s to the NIK of an open application: %d\n%.2000s", tc.name, code, body)
		}
		for _, want := range []string{`id="permohonan-lain"`, "tiket " + open.Ticket, "Tiket <strong>" + open.Ticket + "</strong>", "status Menunggu",
			`href="` + appURL(open.ID) + `"`, `value="` + deskForm(2).NIK + `"`, `value="081955554444"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s to the NIK of an open application: no %q", tc.name, want)
			}
		}
	}

	for id, serial := range map[int64]int{atDesk.ID: 3, issued.ApplicationID: 4} {
		a, err := srv.DB.Application(ctx, id)
		if err != nil || a.NIK != deskForm(serial).NIK || a.Form.Phone != deskForm(serial).Phone {
			t.Errorf("application %d after refused corrections: NIK %s, phone %s, %v", id, a.NIK, a.Form.Phone, err)
		}
	}
	if c := mustCard(t, srv, issued.ID); c.State != domain.CardActive {
		t.Errorf("refused card correction left the card %s", c.State)
	}
	if n, err := srv.DB.QueryIntForTest(ctx, `SELECT count(*) FROM corrections`); err != nil || n != 0 {
		t.Errorf("%d corrections stored (%v)", n, err)
	}

	// A correction to a free NIK still goes through.
	desk.get(appURL(atDesk.ID) + "/ubah")
	v := formValues(deskForm(3))
	v.Set("nik", deskForm(9).NIK)
	v.Set("keadaan", string(atDesk.State))
	if code, loc, body := desk.post(appURL(atDesk.ID)+"/ubah", v); code != http.StatusSeeOther || loc != appURL(atDesk.ID) {
		t.Fatalf("correction to a free NIK: %d %s\n%.1500s", code, loc, body)
	}
}

// TestKioskCompletionNIKTaken: completing a returned application at the kiosk with the NIK changed
// to one holding a card in force or having another open application gets exactly the page a new
// submission with that NIK gets, revealing nothing; the returned application keeps its data and
// can be completed again with its check code.
func TestKioskCompletionNIKTaken(t *testing.T) {
	srv, _, _, _ := nikChangeSetup(t)
	ctx := context.Background()
	officer, err := srv.DB.UserByUsername(ctx, "petugas")
	if err != nil {
		t.Fatal(err)
	}
	returned := submitForm(t, srv, 5)
	if err := srv.DB.ReturnApplication(ctx, returned.ID, officer.ID, returned.State, "Ijazah belum dibawa"); err != nil {
		t.Fatal(err)
	}
	lookup := url.Values{"nomor": {returned.StatusCode}, "birth_day": {"7"}, "birth_month": {"8"}, "birth_year": {"2001"}}
	complete := func(nik string) (int, string) {
		c := newClient(t, srv.URL)
		c.get("/cek")
		if code, loc, body := c.post("/cek/lengkapi", lookup); code != http.StatusSeeOther {
			t.Fatalf("start completion: %d %s\n%.800s", code, loc, body)
		}
		c.getHX("/daftar/periksa")
		v := formValues(deskForm(5))
		v.Set("nik", nik)
		v.Set("aksi", "lanjut")
		v.Set("kembali", "periksa")
		if code, loc, body := c.post("/daftar/identitas", v); code != http.StatusSeeOther || loc != "/daftar/periksa" {
			t.Fatalf("change the NIK to %s: %d %s\n%.800s", nik, code, loc, body)
		}
		code, _, body := c.post("/daftar/kirim", kioskReview(t, c))
		return code, body
	}
	_, _, fresh := kioskSubmit(t, newClient(t, srv.URL), deskForm(1))
	if !strings.Contains(fresh, "tidak dapat dipakai untuk membuat kartu baru") {
		t.Fatalf("fresh submission for a NIK holding a card:\n%.1500s", fresh)
	}
	for _, nik := range []string{deskForm(1).NIK, deskForm(2).NIK} {
		code, body := complete(nik)
		if code != http.StatusOK || csrfValue.ReplaceAllString(body, "") != csrfValue.ReplaceAllString(fresh, "") {
			t.Errorf("completion with the NIK %s: %d, not the page of a new submission\n%.3000s", nik, code, body)
		}
		for _, secret := range []string{"5171 021126 009001", "A-00", "Menunggu", "2028"} {
			if strings.Contains(body, secret) {
				t.Errorf("completion with the NIK %s reveals %q", nik, secret)
			}
		}
	}
	a, err := srv.DB.Application(ctx, returned.ID)
	if err != nil || a.State != domain.StateReturned || a.NIK != deskForm(5).NIK {
		t.Fatalf("returned application after refused completions: %+v, %v", a, err)
	}
	if n := countDrafts(t, srv); n != 0 {
		t.Fatalf("%d drafts kept", n)
	}
	// Its owner completes it with the right NIK.
	if code, body := complete(deskForm(5).NIK); code != http.StatusSeeOther {
		t.Fatalf("completion with its own NIK: %d\n%.800s", code, body)
	}
	if a, _ := srv.DB.Application(ctx, returned.ID); a.State != domain.StateResubmitted {
		t.Fatalf("after completion: %s", a.State)
	}
}
