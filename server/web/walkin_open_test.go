package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"ak1/server/domain"
)

// TestWalkInWithOpenApplicationNamesIt: a walk-in (and a manual card) for a NIK whose application
// is still open gets the same kind of alert as a NIK holding a card in force: the other
// application's ticket, state and a link to its page, with everything typed kept (the agreement
// too) and nothing stored.
func TestWalkInWithOpenApplicationNamesIt(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := context.Background()
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pk, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	open := submitForm(t, srv, 2)
	applications := func() int {
		n, err := srv.DB.QueryIntForTest(ctx, `SELECT count(*) FROM applications`)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	desk := signIn(t, srv, "petugas", pw)
	desk.get("/petugas/baru")
	walkIn := formValues(deskForm(2))
	walkIn.Set("street", "Jl. Cokroaminoto No. 7")
	walkIn.Set("setuju", "1")
	code, _, body := desk.post("/petugas/baru", walkIn)
	if code != http.StatusUnprocessableEntity || applications() != 1 {
		t.Fatalf("walk-in for a NIK with an open application: %d, %d applications\n%.2000s", code, applications(), body)
	}
	for _, want := range []string{`id="permohonan-lain"`, "NIK ini sudah punya permohonan yang masih berjalan.",
		"Tiket <strong>" + open.Ticket + "</strong>", "status Menunggu", `href="` + appURL(open.ID) + `"`, "data-permohonan-lain",
		"Permohonan baru tidak dibuat", `id="e-nik"`, "tiket " + open.Ticket,
		`value="` + deskForm(2).NIK + `"`, `value="Jl. Cokroaminoto No. 7"`} {
		if !strings.Contains(body, want) {
			t.Errorf("walk-in for a NIK with an open application: no %q", want)
		}
	}
	if !strings.Contains(body, `id="f-setuju" checked`) {
		t.Error("walk-in for a NIK with an open application: the agreement ticked by the job seeker is lost")
	}
	if strings.Contains(body, "tidak dapat diganti") {
		t.Error("walk-in alert speaks of changing a NIK, as a correction's does")
	}
	if code, page := desk.get(appURL(open.ID)); code != http.StatusOK || !strings.Contains(page, open.Ticket) {
		t.Fatalf("the application's page from the link: %d", code)
	}

	desk.get("/petugas/manual")
	manual := formValues(deskForm(2))
	manual.Set("reg_number", "5171 201126 009002")
	manual.Set("issued_on", "2026-11-20")
	manual.Set("pengantar", strconv.FormatInt(pk, 10))
	code, _, body = desk.post("/petugas/manual", manual)
	if code != http.StatusUnprocessableEntity || applications() != 1 {
		t.Fatalf("manual card for a NIK with an open application: %d, %d applications\n%.2000s", code, applications(), body)
	}
	for _, want := range []string{`id="permohonan-lain"`, "Tiket <strong>" + open.Ticket + "</strong>", `href="` + appURL(open.ID) + `"`,
		"Kartu manual tidak dicatat", `value="5171 201126 009002"`} {
		if !strings.Contains(body, want) {
			t.Errorf("manual card for a NIK with an open application: no %q", want)
		}
	}
}
