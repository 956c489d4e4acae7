package web

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
)

// TestDeskTabletFlow is an officer on a 1280×800 tablet: signs in, sees kiosk submissions arrive
// without reloading, and takes two applicants to the print queue: a routine one (camera photo)
// and one with a correction and a photo from a file. It counts the taps of the routine one from
// opening the waiting application to queuing its print, the approval's confirmation included
// (docs/benchmarks.md, "Officer taps per applicant").
func TestDeskTabletFlow(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1280, 800, true, testbrowser.FakeCamera()...)
	shot := func(name string) { testbrowser.Screenshot(t, ctx, "desk-"+name) }
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	addOfficer(t, srv, "pengantar", domain.RolePengantar)
	taps := 0
	tap := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(c context.Context, tg *chromedp.Target) error {
			taps++
			_, err := chromedp.Click(sel)(c, tg)
			return err
		})
	}
	waitJS := func(expr string) chromedp.Action[chromedp.Void] { return testbrowser.Void(chromedp.Poll[bool](expr)) }

	testbrowser.Step(t, ctx, "sign-in page", chromedp.Navigate(srv.URL+"/petugas"), chromedp.WaitVisible(`#f-username`))
	shot("01-login")
	testbrowser.Step(t, ctx, "sign in", chromedp.SendKeys(`#f-username`, "petugas"), chromedp.SendKeys(`#f-password`, pw),
		chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`#antrean`),
		waitJS(`document.getElementById("live").textContent.includes("langsung")`))
	testbrowser.Step(t, ctx, "mark the page", testbrowser.Void(chromedp.Evaluate[bool](`(window.samePage = true)`)))

	// Kiosk submissions arrive while the page is open.
	start := time.Now()
	a := submitForm(t, srv, 1)
	testbrowser.Step(t, ctx, "first arrives live", chromedp.WaitVisible(`tr[data-app="`+strconv.FormatInt(a.ID, 10)+`"]`))
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("submission took %v to appear", d)
	}
	fb := deskForm(2)
	fb.FullName, fb.Sex, fb.NIK = "Ni Luh Putu Ayu", "P", "5171034708010002"
	b, err := srv.DB.SubmitApplication(context.Background(), fb, "kiosk", "kiosk", "")
	if err != nil {
		t.Fatal(err)
	}
	testbrowser.Step(t, ctx, "second arrives live", chromedp.WaitVisible(`tr[data-app="`+strconv.FormatInt(b.ID, 10)+`"]`),
		waitJS(`window.samePage === true`))
	shot("02-queue")

	// Routine applicant: Panggil → Semua lengkap → Ambil foto → Setujui → Ya, setujui & cetak.
	aid := strconv.FormatInt(a.ID, 10)
	taps = 0
	testbrowser.Step(t, ctx, "call A", tap(`button[data-panggil="`+aid+`"]`), chromedp.WaitVisible(`#semua-lengkap`))
	shot("03-application")
	testbrowser.Step(t, ctx, "documents complete", tap(`#semua-lengkap`), chromedp.WaitNotPresent(`#semua-lengkap`))
	testbrowser.Step(t, ctx, "camera ready", chromedp.WaitVisible(`#ambil-foto`),
		waitJS(`document.getElementById("kamera").videoWidth > 0`))
	shot("04-camera")
	// The upload reloads the page; wait for the new page, or the next tap could land on the old one.
	testbrowser.Step(t, ctx, "take photo", testbrowser.Void(chromedp.Evaluate[bool](`(window.beforePhoto = true)`)), tap(`#ambil-foto`))
	testbrowser.WaitAcrossReload(t, ctx, "photo saved", `window.beforePhoto === undefined && document.readyState === "complete" &&
		!!document.getElementById("foto-tersimpan") && !document.getElementById("setujui").disabled`)
	shot("05-ready")
	// One deliberate approval: the card large, confirmed in the same place.
	testbrowser.Step(t, ctx, "approve", tap(`#setujui`), chromedp.WaitVisible(`#setujui-pasti`),
		waitJS(`[...document.querySelectorAll(".confirm-faces img")].every(i => i.complete && i.naturalWidth === 1011)`))
	shot("06-confirm")
	testbrowser.Step(t, ctx, "confirm", tap(`#setujui-pasti`), chromedp.WaitVisible(`#nomor-pendaftaran`))
	shot("06-approved")
	routineTaps := taps
	if reg := textOf(t, ctx, "#nomor-pendaftaran"); reg != "5171 271126 000001" {
		t.Fatalf("registration number %q", reg)
	}
	da, err := srv.DB.DeskApplication(context.Background(), a.ID)
	if err != nil || da.Card == nil {
		t.Fatalf("no card after approval: %v", err)
	}
	if st, err := srv.DB.PrintJobState(context.Background(), da.Card.ID); err != nil || st != "queued" {
		t.Fatalf("print job %q, %v", st, err)
	}
	t.Logf("routine applicant: %d taps from opening to print queued", routineTaps)
	if routineTaps > 5 {
		t.Errorf("routine applicant took %d taps, want at most 5", routineTaps)
	}

	// Second applicant: correct the phone number, photo from a file, approve.
	jpg := filepath.Join(t.TempDir(), "pasfoto.jpg")
	if err := os.WriteFile(jpg, testJPEG(t, 900, 1200), 0o600); err != nil {
		t.Fatal(err)
	}
	bid := strconv.FormatInt(b.ID, 10)
	testbrowser.Step(t, ctx, "back to queue", chromedp.Navigate(srv.URL+"/petugas"), chromedp.WaitVisible(`button[data-panggil="`+bid+`"]`))
	testbrowser.Step(t, ctx, "call B", chromedp.Click(`button[data-panggil="`+bid+`"]`), chromedp.WaitVisible(`#ubah-data`))
	testbrowser.Step(t, ctx, "open correction", chromedp.Click(`#ubah-data`), chromedp.WaitVisible(`#f-phone`))
	shot("07-correction")
	testbrowser.Step(t, ctx, "correct phone",
		testbrowser.Void(chromedp.Evaluate[bool](`(document.getElementById("f-phone").value = "") === ""`)),
		chromedp.SendKeys(`#f-phone`, "0819 1111 2222"), chromedp.Click(`#simpan`), chromedp.WaitVisible(`#semua-lengkap`))
	testbrowser.Step(t, ctx, "documents B", chromedp.Click(`#semua-lengkap`), chromedp.WaitNotPresent(`#semua-lengkap`))
	testbrowser.Step(t, ctx, "camera path present", chromedp.WaitVisible(`#ambil-foto`), chromedp.WaitReady(`#kamera`))
	testbrowser.Step(t, ctx, "upload photo file", testbrowser.Void(chromedp.Evaluate[bool](`(window.beforePhoto = true)`)),
		chromedp.SetUploadFiles(`#berkas-foto`, []string{jpg}))
	testbrowser.WaitAcrossReload(t, ctx, "photo uploaded", `window.beforePhoto === undefined && document.readyState === "complete" &&
		!!document.getElementById("foto-tersimpan") && !document.getElementById("setujui").disabled`)
	shot("08-uploaded")
	// "Batal" closes the confirmation without approving; the second try approves.
	testbrowser.Step(t, ctx, "approve B, then cancel", chromedp.Click(`#setujui`), chromedp.WaitVisible(`#setujui-pasti`),
		chromedp.Click(`[data-close-details]`), waitJS(`!document.getElementById("konfirmasi").open`))
	if n, _ := srv.DB.QueryIntForTest(context.Background(), `SELECT count(*) FROM print_jobs`); n != 1 {
		t.Fatalf("cancelled confirmation queued a print (%d jobs)", n)
	}
	testbrowser.Step(t, ctx, "approve B", chromedp.Click(`#setujui`), chromedp.WaitVisible(`#setujui-pasti`),
		chromedp.Click(`#setujui-pasti`), chromedp.WaitVisible(`#nomor-pendaftaran`))
	corr, err := srv.DB.Corrections(context.Background(), b.ID)
	if err != nil || len(corr) != 1 || corr[0].Field != "phone" || corr[0].Old != "081234567890" || corr[0].New != "081911112222" {
		t.Fatalf("corrections = %+v, %v", corr, err)
	}
	if n, _ := srv.DB.QueryIntForTest(context.Background(), `SELECT count(*) FROM print_jobs WHERE state = 'queued'`); n != 2 {
		t.Fatalf("queued print jobs = %d, want 2", n)
	}

	// The lobby display on the TV.
	testbrowser.Step(t, ctx, "lobby", chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(srv.URL+"/layar"), chromedp.WaitVisible(`[data-now-ticket]`))
	if s := textOf(t, ctx, "[data-now-ticket]"); s != b.Ticket {
		t.Fatalf("lobby shows %q, want %q", s, b.Ticket)
	}
	shot("09-lobby")
}
