package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
	"ak1/server/storage"
)

// approvedJob makes an approved application whose card waits in the print queue; it returns the job.
func approvedJob(t *testing.T, srv *testServer, officer, pengantar int64, serial int) *storage.Approved {
	t.Helper()
	ctx := context.Background()
	app := submitForm(t, srv, serial)
	if err := srv.DB.SetDocuments(ctx, app.ID, officer, storage.RequiredDocuments()); err != nil {
		t.Fatal(err)
	}
	if err := srv.DB.SavePhoto(ctx, app.ID, officer, testJPEG(t, 354, 472)); err != nil {
		t.Fatal(err)
	}
	got, err := srv.DB.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: officer, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func jobState(t *testing.T, srv *testServer, id int64) domain.PrintState {
	t.Helper()
	j, err := srv.DB.PrintJob(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j.State
}

// TestOperatorPage is the Operator Cetak at a 1280×800 tablet: the station's printer trouble, a card
// whose fate is unknown, a failed job, and a reprint that voids the old card.
func TestOperatorPage(t *testing.T) {
	srv := newTestServer(t, Options{})
	bg := context.Background()
	petugas, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pengantar, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	_, pw := addOfficer(t, srv, "operator", domain.RoleOperator)
	station, _, err := srv.DB.AddStation(bg, "Loket Cetak 1")
	if err != nil {
		t.Fatal(err)
	}
	failed := approvedJob(t, srv, petugas, pengantar, 1)
	unknown := approvedJob(t, srv, petugas, pengantar, 2)
	approvedJob(t, srv, petugas, pengantar, 3)
	for _, j := range []struct {
		id  int64
		err string
	}{{failed.PrintJobID, "cups-job-aborted"}, {unknown.PrintJobID, "needs-operator-check: journal says sent, CUPS has no trace"}} {
		claimed, err := srv.DB.ClaimJob(bg, station)
		if err != nil || claimed.ID != j.id {
			t.Fatalf("claim = %+v, %v", claimed, err)
		}
		if err := srv.DB.ReportJob(bg, station, j.id, claimed.Lease, domain.PrintFailed, 0, j.err); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.DB.RecordHeartbeat(bg, station, "AK1-PDF", "stopped", []string{"media-empty-error"}, "test"); err != nil {
		t.Fatal(err)
	}

	ctx := testbrowser.New(t, 1280, 800, true)
	testbrowser.Step(t, ctx, "sign in as operator", chromedp.Navigate(srv.URL+"/masuk"), chromedp.WaitVisible(`#f-username`),
		chromedp.SendKeys(`#f-username`, "operator"), chromedp.SendKeys(`#f-password`, pw),
		chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`#cetak`),
		testbrowser.Void(chromedp.Poll[bool](`document.getElementById("live").textContent.includes("langsung")`)))
	stationText := textOf(t, ctx, `[data-station="`+strconv.FormatInt(station, 10)+`"]`)
	if !strings.Contains(stationText, "Printer berhenti") || !strings.Contains(stationText, "Kartu kosong") {
		t.Fatalf("station shows %q", stationText)
	}
	testbrowser.Screenshot(t, ctx, "operator-01-trouble")

	// The printer is fixed: the page follows the next heartbeat without a reload.
	if err := srv.DB.RecordHeartbeat(bg, station, "AK1-PDF", "idle", nil, "test"); err != nil {
		t.Fatal(err)
	}
	testbrowser.Step(t, ctx, "station ready live", testbrowser.Void(chromedp.Poll[bool](
		`document.querySelector('[data-station-state]')?.textContent?.includes("Siap")`)))

	unknownID := strconv.FormatInt(unknown.PrintJobID, 10)
	// A live refresh can replace the row between the wait and the tap; the button then submits as a
	// plain form (the page reloads with the same result), so wait across a reload.
	testbrowser.Step(t, ctx, "confirm the card came out", testbrowser.HTMXSettled(), testbrowser.ClickLive(`[data-confirm-printed="`+unknownID+`"]`))
	testbrowser.WaitAcrossReload(t, ctx, "confirmed", `document.querySelector('tr[data-job="`+unknownID+`"] [data-job-state]')?.dataset.jobState === "printed"`)
	if s := jobState(t, srv, unknown.PrintJobID); s != domain.PrintPrinted {
		t.Fatalf("confirmed job is %s", s)
	}
	failedID := strconv.FormatInt(failed.PrintJobID, 10)
	testbrowser.Step(t, ctx, "retry the failed job", testbrowser.HTMXSettled(), testbrowser.ClickLive(`[data-retry="`+failedID+`"]`))
	testbrowser.WaitAcrossReload(t, ctx, "retried", `document.querySelector('tr[data-job="`+failedID+`"] [data-job-state]')?.dataset.jobState === "queued"`)

	// Reprint the confirmed card: it needs a reason, voids the old card and queues a new serial.
	// The live refresh of the retry may replace the row at any moment: tap in one step (an open
	// form then holds further refreshes off).
	testbrowser.Step(t, ctx, "open reprint", testbrowser.HTMXSettled(), testbrowser.ClickLive(`tr[data-job="`+unknownID+`"] details.reprint summary`),
		chromedp.WaitVisible(`tr[data-job="`+unknownID+`"] select[name=alasan]`))
	testbrowser.Screenshot(t, ctx, "operator-02-reprint")
	testbrowser.Step(t, ctx, "reprint", chromedp.SetValue(`tr[data-job="`+unknownID+`"] select[name=alasan]`, "Kartu rusak atau cacat cetak"),
		testbrowser.ClickLive(`[data-reprint="`+unknownID+`"]`),
		testbrowser.Void(chromedp.Poll[bool](`!!document.evaluate("//td[contains(., 'cetakan ke-2')]", document, null, 9, null).singleNodeValue`)))
	card, err := srv.DB.Card(bg, unknown.CardID)
	if err != nil || card.State != domain.CardVoided {
		t.Fatalf("old card after reprint = %+v, %v", card, err)
	}
	testbrowser.Screenshot(t, ctx, "operator-03-after")

	// Print options for this station's card printer: a wrong line is refused with the line named and
	// the text kept; a right one is stored for the agent's next heartbeat.
	stationSel := `[data-station="` + strconv.FormatInt(station, 10) + `"]`
	testbrowser.Step(t, ctx, "open print options", testbrowser.HTMXSettled(), testbrowser.ClickLive(stationSel+` details.options summary`),
		chromedp.WaitVisible(stationSel+` textarea[name=pilihan]`),
		chromedp.SetValue(stationSel+` textarea[name=pilihan]`, "sides=two-sided-long-edge\nPageSize Custom"),
		testbrowser.ClickLive(stationSel+` [data-save-options]`), chromedp.WaitVisible(`#pesan-galat .alert`))
	if msg := textOf(t, ctx, "#pesan-galat"); !strings.Contains(msg, "baris 2") {
		t.Fatalf("bad options message = %q", msg)
	}
	if v := valueOf(t, ctx, stationSel+` textarea[name=pilihan]`); !strings.Contains(v, "PageSize Custom") {
		t.Fatalf("options text lost after the error: %q", v)
	}
	testbrowser.Step(t, ctx, "save print options",
		chromedp.SetValue(stationSel+` textarea[name=pilihan]`, "sides=two-sided-long-edge\nPageSize=Custom.242.65x153.01"),
		testbrowser.ClickLive(stationSel+` [data-save-options]`),
		testbrowser.Void(chromedp.Poll[bool](`document.querySelector('`+stationSel+` details.options summary')?.textContent.includes("(2)")`)))
	stations, _ := srv.DB.Stations(bg)
	if stations[0].Options["PageSize"] != "Custom.242.65x153.01" || stations[0].Options["sides"] != "two-sided-long-edge" {
		t.Fatalf("station options = %v", stations[0].Options)
	}
}
