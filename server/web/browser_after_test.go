package web

import (
	"context"
	"math"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
)

var mediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]`)

// pdfPageSizes reads the page sizes (points) of a PDF the browser printed.
func pdfPageSizes(t *testing.T, pdf []byte) [][2]float64 {
	t.Helper()
	var out [][2]float64
	for _, m := range mediaBox.FindAllSubmatch(pdf, -1) {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		out = append(out, [2]float64{w, h})
	}
	if len(out) == 0 {
		t.Fatal("printed PDF has no page")
	}
	return out
}

// printsOnA4 prints the page as the browser's print dialog does (the page's own @page size) and
// checks every sheet is A4 in the orientation given.
func printsOnA4(t *testing.T, ctx context.Context, what string, landscape bool) {
	t.Helper()
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatalf("print %s: %v", what, err)
	}
	w, h := 595.28, 841.89
	if landscape {
		w, h = h, w
	}
	for i, sz := range pdfPageSizes(t, pdf) {
		if math.Abs(sz[0]-w) > 2 || math.Abs(sz[1]-h) > 2 {
			t.Errorf("%s page %d is %.1f × %.1f pt, want A4 %.1f × %.1f", what, i+1, sz[0], sz[1], w, h)
		}
	}
}

// inView is true when the element is entirely inside the 1280×800 viewport without scrolling.
func inView(sel string) chromedp.Action[chromedp.Void] {
	return testbrowser.Void(chromedp.Poll[bool](`(() => { const r = document.querySelector(` + jsString(sel) + `).getBoundingClientRect();
		return r.width > 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth; })()`))
}

// TestAfterPrintTabletPages walks the pages after printing on 1280×800 tablets, the petugas and the
// Pengantar Kerja each in their own browser: each step's button is in view without scrolling, the
// Pengantar Kerja signs from their home screen, counselling refers to a vacancy and the referral
// letter, the Buku Penyerahan and the legalisation register print on A4.
func TestAfterPrintTabletPages(t *testing.T) {
	srv := newTestServer(t, Options{})
	petugas, ppw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	_, kpw := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	_, spw := addOfficer(t, srv, "kasi", domain.RoleKasi)
	openVacancy(t, srv, petugas, "Hotel Puri Denpasar")
	openVacancy(t, srv, petugas, "Restoran Bumbu Bali")
	appID := printedApp(t, srv, 1, petugas)
	id := strconv.FormatInt(appID, 10)
	base := srv.URL + appURL(appID)

	desk := testbrowser.New(t, 1280, 800, true)
	signer := testbrowser.New(t, 1280, 800, true)
	shot := func(ctx context.Context, name string) { testbrowser.Screenshot(t, ctx, "after-"+name) }
	signInAs := func(ctx context.Context, user, pw string) {
		testbrowser.Step(t, ctx, "sign in "+user, chromedp.Navigate(srv.URL+"/petugas"), chromedp.WaitVisible(`#f-username`),
			chromedp.SendKeys(`#f-username`, user), chromedp.SendKeys(`#f-password`, pw), chromedp.Click(`button[type=submit]`),
			chromedp.WaitVisible(`#antrean`))
	}
	signInAs(desk, "petugas", ppw)
	// The home screen's work lists refresh live after every change: rows are tapped in one step
	// (testbrowser.ClickLive), as a chromedp click may land on a row just replaced.
	testbrowser.Step(t, desk, "petugas home starts with the printed card", chromedp.WaitVisible(`#kerja-periksa [data-buka-kerja="`+id+`"]`),
		inView(`#kerja-periksa`))
	shot(desk, "01-petugas-home")
	testbrowser.Step(t, desk, "open the printed card", testbrowser.ClickLive(`[data-buka-kerja="`+id+`"]`), chromedp.WaitVisible(`#diperiksa`),
		inView(`#diperiksa`), inView(`#ada-kesalahan`))
	shot(desk, "02-holder-check")
	testbrowser.Step(t, desk, "holder checked", chromedp.Click(`#diperiksa`), chromedp.WaitVisible(`#setelah-cetak[data-state=checked]`))
	shot(desk, "03-waiting-signature")

	signInAs(signer, "pengantar", kpw)
	testbrowser.Step(t, signer, "card waits on the Pengantar Kerja's home", chromedp.WaitVisible(`[data-tandatangan="`+id+`"]`),
		inView(`[data-tandatangan="`+id+`"]`))
	shot(signer, "04-pengantar-home")
	testbrowser.Step(t, signer, "sign from home", testbrowser.ClickLive(`[data-tandatangan="`+id+`"]`),
		chromedp.WaitNotPresent(`[data-tandatangan="`+id+`"]`), chromedp.WaitVisible(`[data-buka-kerja="`+id+`"]`))
	testbrowser.Step(t, signer, "open counselling", testbrowser.ClickLive(`[data-buka-kerja="`+id+`"]`), chromedp.WaitVisible(`#bimbingan`),
		inView(`#bimbingan`), chromedp.Click(`#bimbingan`), chromedp.WaitVisible(`#lowongan-cocok`), inView(`#selesai-bimbingan`))
	shot(signer, "05-counselling")
	testbrowser.Step(t, signer, "refer", chromedp.Click(`[data-rujuk]`), chromedp.WaitVisible(`[data-surat-rujukan]`))
	shot(signer, "06-referred")
	testbrowser.Step(t, signer, "referral letter", chromedp.Click(`[data-surat-rujukan]`), chromedp.WaitVisible(`#surat-pengantar`))
	shot(signer, "07-letter")
	printsOnA4(t, signer, "referral letter", false)
	testbrowser.Step(t, signer, "finish counselling", chromedp.Navigate(base+"/bimbingan"), chromedp.WaitVisible(`#f-catatan`),
		chromedp.SendKeys(`#f-catatan`, "Komunikatif; perlu kursus bahasa Inggris."), chromedp.Click(`#selesai-bimbingan`),
		chromedp.WaitVisible(`#serahkan`), inView(`#serahkan`), inView(`#laporan-pertama`))
	shot(signer, "08-handover")
	testbrowser.Step(t, signer, "hand over", chromedp.Click(`#serahkan`), chromedp.WaitVisible(`#penyerahan`))

	testbrowser.Step(t, desk, "take two copies", chromedp.Navigate(base), chromedp.WaitVisible(`#f-lembar`), inView(`#legalisir`),
		chromedp.Click(`#legalisir`), chromedp.WaitVisible(`#legalisir-daftar`))
	testbrowser.Step(t, signer, "sign the copies from home", chromedp.Navigate(srv.URL+"/petugas"), chromedp.WaitVisible(`#kerja-legalisir-sahkan [data-sahkan]`),
		chromedp.Click(`#kerja-legalisir-sahkan [data-sahkan]`), chromedp.WaitNotPresent(`#kerja-legalisir-sahkan`))
	testbrowser.Step(t, desk, "hand the copies back", chromedp.Navigate(srv.URL+"/petugas"), chromedp.WaitVisible(`[data-serahkan-fotokopi]`),
		chromedp.Click(`[data-serahkan-fotokopi]`), chromedp.WaitNotPresent(`[data-serahkan-fotokopi]`))
	testbrowser.Step(t, desk, "application after it all", chromedp.Navigate(base), chromedp.WaitVisible(`#riwayat-langkah`),
		chromedp.Click(`#riwayat-langkah summary`))
	shot(desk, "09-done")

	testbrowser.Step(t, desk, "Buku Penyerahan", chromedp.Navigate(srv.URL+"/petugas/penyerahan"), chromedp.WaitVisible(`[data-penyerahan="`+id+`"]`))
	shot(desk, "10-buku-penyerahan")
	printsOnA4(t, desk, "Buku Penyerahan", true)
	testbrowser.Step(t, desk, "legalisation register", chromedp.Navigate(srv.URL+"/petugas/legalisir"), chromedp.WaitVisible(`[data-register]`))
	shot(desk, "11-register-legalisir")
	printsOnA4(t, desk, "legalisation register", true)

	testbrowser.Step(t, desk, "vacancies", chromedp.Navigate(srv.URL+"/petugas/lowongan"), chromedp.WaitVisible(`[data-lowongan]`))
	shot(desk, "12-vacancies")
	testbrowser.Step(t, desk, "new vacancy with a mistake", chromedp.Click(`#lowongan-baru`), chromedp.WaitVisible(`#f-employer_name`),
		chromedp.SendKeys(`#f-employer_name`, "PT Bali Sejahtera"), chromedp.Click(`#simpan-lowongan`), chromedp.WaitVisible(`#e-wanted_l`))
	if v := valueOf(t, desk, "#f-employer_name"); v != "PT Bali Sejahtera" {
		t.Fatalf("employer name lost after the error: %q", v)
	}
	shot(desk, "13-vacancy-errors")
	testbrowser.Step(t, desk, "a vacancy", chromedp.Navigate(srv.URL+"/petugas/lowongan/1"), chromedp.WaitVisible(`#form-terisi`))
	shot(desk, "14-vacancy")

	kasi := testbrowser.New(t, 1280, 800, true)
	signInAs(kasi, "kasi", spw)
	testbrowser.Step(t, kasi, "dispositions", chromedp.Navigate(srv.URL+"/petugas/disposisi"), chromedp.WaitVisible(`#tunjuk`))
	shot(kasi, "15-disposisi")
}
