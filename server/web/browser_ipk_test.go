package web

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
)

// TestKasiApprovesIPKReport is the Kasi IPK on a 1280×800 tablet: signs in and finds November's
// report waiting for approval on the home screen, opens it, follows the figure of job seekers registered that month to its people, comes
// back, approves the report the Petugas submitted, and downloads the XLSX and the PDF, which are
// the files stored at the approval.
func TestKasiApprovesIPKReport(t *testing.T) {
	srv := newTestServer(t, Options{})
	registered, _ := seedIPK(t, srv)
	petugas, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	_, kpw := addOfficer(t, srv, "kasi", domain.RoleKasi)
	nov := mustMonth(t, "2026-11")
	if err := srv.DB.SubmitIPK(context.Background(), nov, petugas); err != nil {
		t.Fatal(err)
	}
	ctx := testbrowser.New(t, 1280, 800, true)
	shot := func(name string) { testbrowser.Screenshot(t, ctx, "ipk-"+name) }
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}

	testbrowser.Step(t, ctx, "sign in as the Kasi", chromedp.Navigate(srv.URL+"/masuk"), chromedp.WaitVisible(`#f-username`),
		chromedp.SendKeys(`#f-username`, "kasi"), chromedp.SendKeys(`#f-password`, kpw), chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`a[data-buka-laporan="2026-11"]`))
	shot("01-home")
	testbrowser.Step(t, ctx, "open November from the waiting work", chromedp.Click(`a[data-buka-laporan="2026-11"]`), chromedp.WaitVisible(`#III-1`))
	shot("02-report")

	figure := "/petugas/laporan/ipk/2026-11/orang?" + domain.NewFigure(nov, domain.MeasureRegistered).Query()
	link := `#III-1 a[href="` + figure + `"]`
	if got := textOf(t, ctx, link); got != strconv.Itoa(registered) {
		t.Fatalf("the figure of registrations reads %q, want %d", got, registered)
	}
	testbrowser.Step(t, ctx, "follow the figure", chromedp.Click(link), chromedp.WaitVisible(`table.ipk-people`))
	shot("03-people")
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("tr[data-app]").length`))
	if err != nil {
		t.Fatal(err)
	}
	if rows != registered || textOf(t, ctx, `[data-total] strong`) != strconv.Itoa(registered) {
		t.Fatalf("%d people listed, want %d", rows, registered)
	}
	testbrowser.Step(t, ctx, "back to the report", chromedp.Click(`a[href="/petugas/laporan/ipk/2026-11"]`), chromedp.WaitVisible(`#III-1`))

	testbrowser.Step(t, ctx, "approve", chromedp.Click(`details.pop summary`), chromedp.WaitVisible(`details.pop button[type=submit]`))
	shot("04-approve")
	testbrowser.Step(t, ctx, "confirm", chromedp.Click(`details.pop button[type=submit]`), chromedp.WaitVisible(`.alert-ok`),
		chromedp.WaitVisible(`p[data-state="disetujui"]`))
	shot("05-approved")
	printsOnA4(t, ctx, "the approved report", true)

	for _, format := range []string{"xlsx", "pdf"} {
		stored, err := srv.DB.ApprovedIPKFile(context.Background(), nov, format)
		if err != nil {
			t.Fatal(err)
		}
		testbrowser.Step(t, ctx, "download "+format, chromedp.Click(`a[data-export="`+format+`"]`))
		path := filepath.Join(downloads, "laporan-ipk-2026-11."+format)
		var got []byte
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if got, err = os.ReadFile(path); err == nil && len(got) == len(stored) {
				break
			}
		}
		if !bytes.Equal(got, stored) {
			t.Fatalf("downloaded %s (%d bytes) is not the approved file (%d bytes)", format, len(got), len(stored))
		}
	}
	// The Buku Agenda of the two months prints on A4 landscape.
	testbrowser.Step(t, ctx, "Buku Agenda", chromedp.Navigate(srv.URL+"/petugas/buku-agenda?dari=2026-10-01&sampai=2026-11-30"),
		chromedp.WaitVisible(`#register tr[data-baris]`))
	shot("06-agenda")
	printsOnA4(t, ctx, "the Buku Agenda", true)
	// The service times of November, at a glance.
	testbrowser.Step(t, ctx, "service times", chromedp.Navigate(srv.URL+"/petugas/laporan"), chromedp.Click(`#waktu-layanan`),
		chromedp.Click(`a[href="/petugas/waktu-layanan?bulan=2026-11"]`), chromedp.WaitVisible(`#waktu-hari`))
	shot("07-service-times")
}
