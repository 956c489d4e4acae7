package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ak1/server/domain"
	"ak1/server/storage"
)

// TestWalkInAndManualCard: the officer registers a walk-in on the tablet with the kiosk's checks, and
// enters a card made by hand during an outage with its own number, flagged manual.
func TestWalkInAndManualCard(t *testing.T) {
	srv := newTestServer(t, Options{})
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pk, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	c := signIn(t, srv, "petugas", pw)
	c.get("/petugas/baru")

	bad := formValues(deskForm(1))
	bad.Set("nik", "5171030808010001") // the 8th, but the date of birth says the 7th
	code, _, body := c.post("/petugas/baru", bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "tidak sesuai dengan NIK") || !strings.Contains(body, "Jl. Gatot Subroto Barat No. 12") {
		t.Fatalf("walk-in with a NIK/date mismatch: %d\n%.1200s", code, body)
	}
	// The job seeker's declaration and consent are recorded at the desk too.
	code, _, body = c.post("/petugas/baru", formValues(deskForm(1)))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-agreed"`) {
		t.Fatalf("walk-in without the declaration: %d", code)
	}
	good := formValues(deskForm(1))
	good.Set("setuju", "1")
	code, loc, _ := c.post("/petugas/baru", good)
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/petugas/permohonan/") {
		t.Fatalf("walk-in: %d %s", code, loc)
	}
	items, err := srv.DB.Queue(context.Background(), storage.QueueFilter{})
	if err != nil || len(items) != 1 || items[0].State != domain.StateCalled {
		t.Fatalf("after walk-in the queue is %+v, %v (want one application called to this desk)", items, err)
	}

	c.get("/petugas/manual")
	manual := formValues(deskForm(2))
	manual.Set("reg_number", "5171 150926 000777")
	manual.Set("issued_on_day", "15")
	manual.Set("issued_on_month", "9")
	manual.Set("issued_on_year", "2026")
	manual.Set("pengantar", strconv.FormatInt(pk, 10))
	code, loc, body = c.post("/petugas/manual", manual)
	if code != http.StatusSeeOther {
		t.Fatalf("manual card: %d %s\n%.1200s", code, loc, body)
	}
	again := formValues(deskForm(3))
	again.Set("reg_number", "5171 150926 000777")
	again.Set("issued_on", "2026-09-15")
	again.Set("pengantar", strconv.FormatInt(pk, 10))
	code, _, body = c.post("/petugas/manual", again)
	if code == http.StatusSeeOther || !strings.Contains(body, "sudah tercatat") {
		t.Fatalf("manual card with a number already used: %d", code)
	}
}

// TestManualCardFollowsDeskRules: the manual-card form applies the kiosk's and the desk's rules
// (issue 7, finding 9). A NIK with an open application or a card still valid, a NIK that is not
// valid, and a signer who is not an active Pengantar Kerja are refused with a message at the field,
// the form keeps what was typed, and nothing is stored.
func TestManualCardFollowsDeskRules(t *testing.T) {
	srv := newTestServer(t, Options{})
	bg := context.Background()
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pk, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	admin, _ := addOfficer(t, srv, "admin", domain.RoleAdmin)
	gone, _ := addOfficer(t, srv, "pensiun", domain.RolePengantar)
	if err := srv.DB.SetUserDisabled(bg, "pensiun", true); err != nil {
		t.Fatal(err)
	}
	open := submitForm(t, srv, 1) // at the kiosk, waiting: A-001
	c := signIn(t, srv, "petugas", pw)
	code, page := c.get("/petugas/manual")
	if code != http.StatusOK || !strings.Contains(page, "Pejabat pengantar") || strings.Contains(page, "Pejabat admin") || strings.Contains(page, "Pejabat pensiun") {
		t.Fatalf("manual form: %d; the signer list must offer only active Pengantar Kerja\n%.2000s", code, page)
	}
	manual := func(serial int, reg string, signer int64, change func(url.Values)) url.Values {
		v := formValues(deskForm(serial))
		v.Set("reg_number", reg)
		v.Set("issued_on", "2026-09-15")
		v.Set("pengantar", strconv.FormatInt(signer, 10))
		if change != nil {
			change(v)
		}
		return v
	}
	refused := []struct {
		name string
		form url.Values
		want string
	}{
		{"signed by an admin", manual(2, "5171 150926 000002", admin, nil), "Pilih Pengantar Kerja"},
		{"signed by a disabled Pengantar Kerja", manual(2, "5171 150926 000002", gone, nil), "Pilih Pengantar Kerja"},
		{"no signer", manual(2, "5171 150926 000002", 0, func(v url.Values) { v.Set("pengantar", "") }), "Pilih Pengantar Kerja"},
		{"NIK not valid", manual(2, "5171 150926 000002", pk, func(v url.Values) { v.Set("nik", "5171") }), "16 angka"},
		{"NIK with an open application", manual(1, "5171 150926 000001", pk, nil), "masih berjalan (tiket A-001"},
	}
	for _, tc := range refused {
		code, _, body := c.post("/petugas/manual", tc.form)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) || !strings.Contains(body, `value="I Wayan Sudarma"`) ||
			!strings.Contains(body, tc.form.Get("reg_number")) {
			t.Errorf("%s: %d, want 422 with %q and the form kept\n%.1500s", tc.name, code, tc.want, body)
		}
	}
	if n, err := srv.DB.QueryIntForTest(bg, `SELECT count(*) FROM cards`); err != nil || n != 0 {
		t.Fatalf("%d cards stored by refused forms (%v)", n, err)
	}
	if got, err := srv.DB.Application(bg, open.ID); err != nil || got.State != domain.StateSubmitted {
		t.Fatalf("the open application changed: %+v, %v", got, err)
	}

	// A right one is stored with its signer; the same person's second card is refused while the first is valid.
	if code, _, body := c.post("/petugas/manual", manual(3, "5171 150926 000003", pk, nil)); code != http.StatusSeeOther {
		t.Fatalf("manual card: %d\n%.1500s", code, body)
	}
	if n, err := srv.DB.QueryIntForTest(bg, `SELECT count(*) FROM cards WHERE reg_number = '5171 150926 000003' AND pengantar_id = ?`, pk); err != nil || n != 1 {
		t.Fatalf("manual card stored %d times with its signer (%v)", n, err)
	}
	code, _, body := c.post("/petugas/manual", manual(3, "5171 150926 000004", pk, nil))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Nomor pendaftaran <strong>5171 150926 000003</strong>, status Aktif, berlaku sampai 15 September 2028") ||
		!strings.Contains(body, "masih berlaku (nomor 5171 150926 000003)") {
		t.Fatalf("second manual card for the same NIK: %d\n%.1500s", code, body)
	}
	if n, err := srv.DB.QueryIntForTest(bg, `SELECT count(*) FROM cards`); err != nil || n != 1 {
		t.Fatalf("%d cards after the refused second card (%v)", n, err)
	}
}

func TestSignInAndOutAudited(t *testing.T) {
	srv := newTestServer(t, Options{})
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	bad := newClient(t, srv.URL)
	bad.get("/masuk")
	if code, _, _ := bad.post("/masuk", url.Values{"username": {"petugas"}, "password": {"salah"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("wrong password: %d", code)
	}
	c := signIn(t, srv, "petugas", pw)
	c.get("/petugas")
	if code, _, _ := c.post("/keluar", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", code)
	}
	for _, action := range []string{"sign-in-failed", "sign-in", "sign-out"} {
		if n, err := srv.DB.IntForAudit(context.Background(), action); err != nil || n != 1 {
			t.Errorf("audit rows for %s = %d, %v; want 1", action, n, err)
		}
	}
}
