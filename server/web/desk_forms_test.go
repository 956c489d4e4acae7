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
	manual.Set("issued_on", "2026-09-15")
	manual.Set("pengantar", strconv.FormatInt(pk, 10))
	code, loc, body = c.post("/petugas/manual", manual)
	if code != http.StatusSeeOther {
		t.Fatalf("manual card: %d %s\n%.1200s", code, loc, body)
	}
	again := formValues(deskForm(3))
	again.Set("reg_number", "5171 150926 000777")
	again.Set("issued_on", "2026-09-15")
	code, _, body = c.post("/petugas/manual", again)
	if code == http.StatusSeeOther || !strings.Contains(body, "sudah tercatat") {
		t.Fatalf("manual card with a number already used: %d", code)
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
