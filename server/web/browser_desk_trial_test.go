package web

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
)

// The officer-side findings of the first trial (issue 8), one test each.

// TestDeskPhotoFileButton: the file button said "Choose File / No file chosen", and "Unggah" after a
// file had uploaded on selection ended on an error page without the desk number in the header.
func TestDeskPhotoFileButton(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1280, 800, true)
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	app := submitForm(t, srv, 1)
	id := strconv.FormatInt(app.ID, 10)
	testbrowser.Step(t, ctx, "open", deskSignIn(srv, "petugas", pw, "3"), chromedp.Click(`button[data-panggil="`+id+`"]`),
		chromedp.WaitVisible(`#unggah`))
	if s := textOf(t, ctx, "#unggah"); !strings.Contains(s, "pilih berkas foto") || strings.Contains(s, "Choose") {
		t.Errorf("upload box reads %q", s)
	}
	visible := func(sel string) bool {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Array.from(document.querySelectorAll(`+jsString(sel)+`)).some(function (e) {
			var r = e.getBoundingClientRect(); return r.width > 2 && r.height > 2 && getComputedStyle(e).opacity !== "0"; })`))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if visible(`#berkas-foto`) {
		t.Errorf("the browser's own file button (in the browser's language) is visible")
	}
	if visible(`#unggah button[type=submit]`) {
		t.Errorf("an \"Unggah\" button is shown although a chosen file uploads at once")
	}
	testbrowser.Screenshot(t, ctx, "desk-photo-upload")
	jpg := filepath.Join(t.TempDir(), "pasfoto.jpg")
	if err := os.WriteFile(jpg, testJPEG(t, 900, 1200), 0o600); err != nil {
		t.Fatal(err)
	}
	testbrowser.Step(t, ctx, "choose a file", testbrowser.Void(chromedp.Evaluate[bool](`(window.beforePhoto = true)`)),
		chromedp.SetUploadFiles(`#berkas-foto`, []string{jpg}))
	testbrowser.WaitAcrossReload(t, ctx, "photo uploaded", `window.beforePhoto === undefined && document.readyState === "complete" &&
		!!document.getElementById("foto-tersimpan")`)
	if visible(`#unggah button[type=submit]`) {
		t.Errorf("\"Unggah\" shown after the upload")
	}
	if s := textOf(t, ctx, ".ouser"); !strings.Contains(s, "Meja 3") {
		t.Errorf("header = %q, want Meja 3", s)
	}

	// A form posted without a file (a browser without scripts) gets a message, and the error page
	// keeps the desk in the header.
	c := signIn(t, srv, "petugas", pw)
	c.get(appURL(app.ID))
	status, body := c.postFile(appURL(app.ID)+"/foto", "lain", "x.txt", nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Pilih berkas foto") || !strings.Contains(body, "Meja 2") {
		t.Errorf("upload without a file: %d, desk in header %v", status, strings.Contains(body, "Meja 2"))
	}
}

// TestDeskDatesInIndonesian: dates on the desk followed the browser's language (11/29/2026); they
// are shown and picked in Indonesian whatever the browser.
func TestDeskDatesInIndonesian(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1280, 800, true, chromedp.Flag("lang", "en-US"), chromedp.Env("LANG=en_US.UTF-8", "LANGUAGE=en_US"))
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	testbrowser.Step(t, ctx, "queue", deskSignIn(srv, "petugas", pw, "1"))
	if lang, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.language`)); !strings.HasPrefix(lang, "en") {
		t.Logf("browser language %q (wanted an English browser)", lang)
	}
	if n := countNodes(t, ctx, `input[type=date]`); n != 0 {
		t.Errorf("the queue has %d browser date boxes", n)
	}
	if s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-hari").selectedOptions[0].textContent`)); !strings.Contains(s, "Jumat, 27 November 2026") {
		t.Errorf("queue day shows %q, want \"Jumat, 27 November 2026\"", s)
	}
	testbrowser.Step(t, ctx, "manual card form", chromedp.Navigate(srv.URL+"/petugas/manual"), chromedp.WaitVisible(`#f-issued_on_month`))
	if n := countNodes(t, ctx, `input[type=date]`); n != 0 {
		t.Errorf("the manual card form has %d browser date boxes", n)
	}
	months, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#f-issued_on_month option")).map(function (o) { return o.textContent; }).join(",")`))
	if err != nil || !strings.Contains(months, "Agustus") || !strings.Contains(months, "Desember") {
		t.Errorf("month choices %q, %v", months, err)
	}
	testbrowser.Screenshot(t, ctx, "desk-manual-date")
	// The same form offers the IPK codes of the level chosen (level then field).
	testbrowser.Step(t, ctx, "IPK codes follow the level", choose(`#f-edu_level`, "S1"),
		testbrowser.Void(chromedp.Poll[bool](`!!document.querySelector("#f-edu_code optgroup[label='S1 Sosial dan Budaya'] option[value='6501']")`)))
}

// TestOperatorCountsPrinted: the operator page counted "Dicetak 0" beside four printed jobs (it
// counted jobs on their way to the printer under that word).
func TestOperatorCountsPrinted(t *testing.T) {
	srv := newTestServer(t, Options{})
	bg := context.Background()
	petugas, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pengantar, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	_, pw := addOfficer(t, srv, "operator", domain.RoleOperator)
	station, _, err := srv.DB.AddStation(bg, "Loket Cetak 1")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		approvedJob(t, srv, petugas, pengantar, i)
	}
	for i := 1; i <= 5; i++ {
		j, err := srv.DB.ClaimJob(bg, station)
		if err != nil {
			t.Fatal(err)
		}
		if i == 5 {
			break // the fifth stays with the station: being printed
		}
		if err := srv.DB.ReportJob(bg, station, j.ID, j.Lease, domain.PrintPrinted, int64(100+i), ""); err != nil {
			t.Fatal(err)
		}
	}
	ctx := testbrowser.New(t, 1280, 800, true)
	testbrowser.Step(t, ctx, "operator page", chromedp.Navigate(srv.URL+"/masuk"), chromedp.WaitVisible(`#f-username`),
		chromedp.SendKeys(`#f-username`, "operator"), chromedp.SendKeys(`#f-password`, pw),
		chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`#cetak`))
	counts := textOf(t, ctx, ".counts")
	if !strings.Contains(counts, "Tercetak 4") || !strings.Contains(counts, "Sedang dicetak 1") || strings.Contains(counts, "Dicetak 0") {
		t.Errorf("counts = %q, want Tercetak 4 and Sedang dicetak 1", counts)
	}
	testbrowser.Screenshot(t, ctx, "operator-counts")
}
