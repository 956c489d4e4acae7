package web

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
	"ak1/server/storage"
)

// deskSignIn signs an officer in on the tablet at the given desk and waits for the live queue.
func deskSignIn(srv *testServer, username, pw, desk string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Navigate(srv.URL+"/masuk"), chromedp.WaitVisible(`#f-username`),
		chromedp.SendKeys(`#f-username`, username), chromedp.SendKeys(`#f-password`, pw), choose(`#f-meja`, desk),
		chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`#antrean`))
}

// mismatchForm is a walk-in's form whose NIK says the 7th while the person was born on the 8th, sent
// marked "perlu dicek".
func mismatchForm(serial int) *domain.Form {
	f := deskForm(serial)
	f.BirthDay, f.NIKAsOnKTP = "8", true
	return f
}

// TestKioskNIKMismatchSentForCheck: a NIK that disagrees with the birth date is an error that says
// which part to check, and not a dead end: the person ticks that the NIK is as on the KTP and goes on.
func TestKioskNIKMismatchSentForCheck(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1080, 1920, true)
	testbrowser.Step(t, ctx, "identity with a mismatch", startForm(srv.URL),
		fill(`#f-nik`, "5171034808010001"), fill(`#f-full_name`, "Ni Made Ayu Lestari"), fill(`#f-birth_place`, "Denpasar"),
		choose(`#f-birth_day`, "7"), choose(`#f-birth_month`, "8"), choose(`#f-birth_year`, "2001"),
		chromedp.Click(`input[name=sex][value=P] + span`), chromedp.Click(`button[value=lanjut]`), chromedp.WaitVisible(`#e-birth_date`),
		chromedp.WaitVisible(`[data-nik-check]`))
	if msg := textOf(t, ctx, "#e-birth_date"); !strings.Contains(msg, "08-08-01") || !strings.Contains(msg, "Periksa tanggal lahir") {
		t.Errorf("mismatch message = %q, want the part to check", msg)
	}
	testbrowser.Screenshot(t, ctx, "kiosk-nik-mismatch")
	testbrowser.Step(t, ctx, "tick and go on", chromedp.Click(`[data-nik-check] input + span`), next("Alamat"))
	testbrowser.Step(t, ctx, "review", goStep("periksa", `h1`))
	if s := textOf(t, ctx, "main"); !strings.Contains(s, "perlu dicek petugas") {
		t.Errorf("the review does not show the NIK marked for the officer: %q", s)
	}
}

// TestDeskNIKMismatchOverride: an application sent with a NIK that disagrees with the birth date is
// marked in the queue and cannot be approved until the officer, with the KTP in hand, accepts the NIK
// with a reason (recorded, shown with who and when), or corrects the data. The correction log names
// the field, the officer and the time (the trial showed the raw field key only).
func TestDeskNIKMismatchOverride(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1280, 800, true)
	shot := func(name string) { testbrowser.Screenshot(t, ctx, "desk-nik-"+name) }
	officer, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	addOfficer(t, srv, "pengantar", domain.RolePengantar)
	bg := context.Background()
	a, err := srv.DB.SubmitApplication(bg, mismatchForm(1), "kiosk", "kiosk", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := srv.DB.SubmitApplication(bg, mismatchForm(2), "kiosk", "kiosk", "")
	if err != nil {
		t.Fatal(err)
	}
	aid, bid := strconv.FormatInt(a.ID, 10), strconv.FormatInt(b.ID, 10)

	testbrowser.Step(t, ctx, "sign in", deskSignIn(srv, "petugas", pw, "2"), chromedp.WaitVisible(`tr[data-app="`+aid+`"] [data-nik-check]`))
	shot("01-queue")
	testbrowser.Step(t, ctx, "call A", chromedp.Click(`button[data-panggil="`+aid+`"]`), chromedp.WaitVisible(`#nik-dicek`))
	if s := textOf(t, ctx, "#nik-dicek"); !strings.Contains(s, "NIK perlu dicek") || !strings.Contains(s, "07-08-01") || !strings.Contains(s, "sesuai KTP") {
		t.Errorf("NIK panel = %q", s)
	}
	jpg := filepath.Join(t.TempDir(), "pasfoto.jpg")
	if err := os.WriteFile(jpg, testJPEG(t, 900, 1200), 0o600); err != nil {
		t.Fatal(err)
	}
	testbrowser.Step(t, ctx, "documents", chromedp.Click(`#semua-lengkap`), chromedp.WaitNotPresent(`#semua-lengkap`),
		testbrowser.Void(chromedp.Evaluate[bool](`(window.beforePhoto = true)`)), chromedp.SetUploadFiles(`#berkas-foto`, []string{jpg}))
	testbrowser.WaitAcrossReload(t, ctx, "photo uploaded", `window.beforePhoto === undefined && document.readyState === "complete" &&
		!!document.getElementById("foto-tersimpan")`)
	if disabled, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("setujui").disabled`)); !disabled {
		t.Errorf("approval possible before the NIK is checked")
	}
	if _, err := srv.DB.Approve(bg, storage.Approval{ApplicationID: a.ID, UserID: officer, PengantarID: officer, Pattern: domain.DefaultRegNoPattern}); err == nil {
		t.Fatal("the database approved an unchecked NIK")
	}
	shot("02-panel")
	testbrowser.Step(t, ctx, "accept the NIK", chromedp.Click(`.nik-accept input[name=alasan]`), chromedp.Click(`#terima-nik`),
		chromedp.WaitVisible(`#nik-diterima`))
	if s := textOf(t, ctx, "#nik-diterima"); !strings.Contains(s, "Pejabat petugas") || !strings.Contains(s, "27 November 2026") ||
		!strings.Contains(s, "Dukcapil") {
		t.Errorf("acceptance shown as %q, want who, when and why", s)
	}
	shot("03-accepted")
	testbrowser.Step(t, ctx, "approve", chromedp.Click(`#setujui`), chromedp.WaitVisible(`#setujui-pasti`), chromedp.Click(`#setujui-pasti`),
		chromedp.WaitVisible(`#nomor-pendaftaran`))
	if n, _ := srv.DB.QueryIntForTest(bg, `SELECT count(*) FROM audit_log WHERE application_id = ? AND action = 'nik-accept'`, a.ID); n != 1 {
		t.Errorf("nik-accept audit rows = %d", n)
	}

	// B: the KTP shows the 7th: the officer corrects the birth date instead.
	testbrowser.Step(t, ctx, "open B", chromedp.Navigate(srv.URL+"/petugas"), chromedp.WaitVisible(`button[data-panggil="`+bid+`"]`),
		chromedp.Click(`button[data-panggil="`+bid+`"]`), chromedp.WaitVisible(`#nik-dicek`),
		chromedp.Click(`#ubah-data`), chromedp.WaitVisible(`#f-birth_day`),
		testbrowser.Void(chromedp.Evaluate[bool](`(document.getElementById("f-birth_day").value = "") === ""`)),
		chromedp.SendKeys(`#f-birth_day`, "7"), chromedp.Click(`#simpan`), chromedp.WaitVisible(`#ubah-data`))
	if n := countNodes(t, ctx, `#nik-dicek`); n != 0 {
		t.Errorf("the NIK panel stays after the correction")
	}
	testbrowser.Step(t, ctx, "open the correction log", chromedp.Click(`#koreksi summary`))
	log := textOf(t, ctx, "#koreksi")
	for _, want := range []string{"Tanggal lahir", "“8” → “7”", "Pejabat petugas", "27 November 2026"} {
		if !strings.Contains(log, want) {
			t.Errorf("correction log %q lacks %q", log, want)
		}
	}
	if strings.Contains(log, "birth_day") {
		t.Errorf("correction log shows the field key: %q", log)
	}
	shot("04-corrected")
}
