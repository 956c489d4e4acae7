package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ak1/server/domain"
)

// kioskSubmit walks every step of the kiosk with the form's values and submits; it returns the
// final page's status, redirect and body.
func kioskSubmit(t testing.TB, c *client, f *domain.Form) (int, string, string) {
	t.Helper()
	kioskFill(t, c, f)
	return c.post("/daftar/kirim", url.Values{"setuju": {"1"}})
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
	code, _, body := kioskSubmit(t, second, deskForm(1))
	if code != http.StatusOK || !strings.Contains(body, "tidak dapat dipakai untuk membuat kartu baru") {
		t.Fatalf("second submission: %d\n%.800s", code, body)
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
	code, loc, _ = c.post("/daftar/kirim", url.Values{"setuju": {"1"}})
	if code != http.StatusSeeOther || loc != "/selesai/"+app.StatusCode {
		t.Fatalf("send the completed application: %d %s", code, loc)
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
