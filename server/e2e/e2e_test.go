// Package e2e_test holds the acceptance tests of "The AK/I card, the print-station agent, and the
// QR check", run against the real parts: the ak1-server and ak1-agent binaries, the SQLite file,
// CUPS with the cups-pdf virtual printer, poppler and a QR/barcode decoder.
//
// Run `bash .ci/cups.sh` as root first (make test does). Without CUPS the tests skip, except in
// CI (CI=true) where they fail.
package e2e_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"ak1/server/card"
	"ak1/server/storage"
)

// CR80 in points: 85.60 × 53.98 mm.
const cardW, cardH, sizeTolerance = 242.65, 153.01, 0.5

// checkCardPDF asserts that a cups-pdf output is a two-page CR80 card (cups-pdf re-renders the
// job through Ghostscript, so this is what the printer was given, not what the server sent).
func checkCardPDF(t *testing.T, o output) {
	t.Helper()
	sizes := pdfPages(t, o.Path)
	if len(sizes) != 2 {
		t.Errorf("job %d (%s): %d pages, want 2 (front and back)", o.JobID, o.Path, len(sizes))
	}
	for i, sz := range sizes {
		if math.Abs(sz[0]-cardW) > sizeTolerance || math.Abs(sz[1]-cardH) > sizeTolerance {
			t.Errorf("job %d page %d: %.2f × %.2f pt, want %.2f × %.2f (CR80)", o.JobID, i+1, sz[0], sz[1], cardW, cardH)
		}
	}
}

func jobIDs(list []storage.PrintJob) []int64 {
	ids := make([]int64, len(list))
	for i, j := range list {
		ids[i] = j.ID
	}
	return ids
}

// TestApprovalsPrintTwoPageCR80Cards: N approvals give N print jobs, the agent prints each exactly
// once through CUPS, and each print is a two-page CR80 card carrying its own card's QR code.
func TestApprovalsPrintTwoPageCR80Cards(t *testing.T) {
	const n = 8
	start := time.Now()
	s := newSystem(t)
	people := s.seed(n, true, 8001)
	jobs := s.jobs()
	if len(jobs) != n {
		t.Fatalf("%d print jobs after approving %d applicants, want %d", len(jobs), n, n)
	}
	for i, j := range jobs {
		if j.State != "queued" || j.RegNumber != people[i].RegNumber || j.HolderName != people[i].Name || j.CardSerial != 1 {
			t.Errorf("job %d = %s %q %q serial %d, want queued %q %q serial 1", j.ID, j.State, j.RegNumber, j.HolderName,
				j.CardSerial, people[i].RegNumber, people[i].Name)
		}
	}

	s.startAgent()
	jobs = s.waitSettled(60 * time.Second)
	s.waitCUPSIdle()
	ids := jobIDs(jobs)
	outs := s.outputs(ids)
	defer s.removeOutputs(outs)

	signer, err := card.LoadOrCreateSigner(s.dataDir)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, j := range jobs {
		got := outs[j.ID]
		total += len(got)
		if j.State != "printed" || j.Attempts != 1 || j.CUPSJobID == 0 {
			t.Errorf("job %d: state %s, attempts %d, CUPS job %d; want printed once (error %q)", j.ID, j.State, j.Attempts, j.CUPSJobID, j.Error)
		}
		if len(got) != 1 {
			t.Errorf("job %d: %d cups-pdf outputs, want exactly 1: %v", j.ID, len(got), got)
			continue
		}
		if got[0].CUPSJobID != j.CUPSJobID {
			t.Errorf("job %d: output of CUPS job %d, server recorded CUPS job %d", j.ID, got[0].CUPSJobID, j.CUPSJobID)
		}
		checkCardPDF(t, got[0])
		// The print is this job's card, not another's: its QR code carries the card's signed id.
		qr, barcode := readCodes(t, frontPage(t, got[0].Path))
		token, ok := strings.CutPrefix(qr, strings.ToUpper(s.url+card.CheckPathPrefix))
		cardID, serial, valid := signer.Verify(token)
		if !ok || !valid || cardID != j.CardID || serial != j.CardSerial {
			t.Errorf("job %d: QR %q is card %d serial %d (valid %v), want card %d serial %d", j.ID, qr, cardID, serial, valid, j.CardID, j.CardSerial)
		}
		if want := digitsOf(j.RegNumber); barcode != want {
			t.Errorf("job %d: barcode %q, want %q", j.ID, barcode, want)
		}
	}
	if all := s.outputs(nil); total != n || len(all) != n {
		t.Errorf("%d cups-pdf outputs for %d approvals (%d print jobs with outputs)", total, n, len(all))
	}
	if printed, _ := s.db.QueryIntForTest(context.Background(), `SELECT count(*) FROM applications WHERE state = 'printed'`); printed != n {
		t.Errorf("%d applications in state printed, want %d", printed, n)
	}
	t.Logf("%d approvals → %d two-page CR80 PDFs in %s", n, total, time.Since(start).Round(time.Millisecond))
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// get fetches a page and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// maskedNIK is how the check page shows a NIK: region code and the last two digits.
func maskedNIK(nik string) string { return nik[:4] + " •••• •••• ••" + nik[14:] }

var stateAttr = regexp.MustCompile(`data-state="([^"]*)"`)

func pageState(body string) string {
	if m := stateAttr.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// TestPrintedQRCodeChecksTheCard: the QR code read from the printed card (cups-pdf output at 300
// dpi) is exactly the server's check link; the page says genuine with the holder's name and the
// NIK masked; a link with one character changed says not genuine; the barcode is the registration
// number. A reprint voids the old card: its link then says replaced, the new card's says active.
func TestPrintedQRCodeChecksTheCard(t *testing.T) {
	s := newSystem(t)
	person := s.seed(1, true, 3001)[0]
	s.startAgent()
	jobs := s.waitSettled(60 * time.Second)
	if len(jobs) != 1 || jobs[0].State != "printed" {
		t.Fatalf("jobs %+v, want one printed", jobs)
	}
	first := jobs[0]
	s.waitCUPSIdle()

	scan := func(j storage.PrintJob) (link string) {
		t.Helper()
		outs := s.outputs([]int64{j.ID})
		t.Cleanup(func() { s.removeOutputs(outs) })
		if len(outs[j.ID]) != 1 {
			t.Fatalf("job %d: %d outputs, want 1", j.ID, len(outs[j.ID]))
		}
		checkCardPDF(t, outs[j.ID][0])
		qr, barcode := readCodes(t, frontPage(t, outs[j.ID][0].Path))
		if want := digitsOf(person.RegNumber); barcode != want || len(want) != 16 {
			t.Errorf("barcode %q, want the registration number's digits %q", barcode, want)
		}
		// Capitals throughout keep the link in the QR code's compact alphanumeric mode.
		if !regexp.MustCompile(`^` + regexp.QuoteMeta(strings.ToUpper(s.url)) + `/CEK/[A-Z2-7]{40,}$`).MatchString(qr) {
			t.Fatalf("QR code %q is not a check link %s/CEK/<token>", qr, strings.ToUpper(s.url))
		}
		return qr
	}
	oldLink := scan(first)

	status, body := get(t, oldLink)
	if status != http.StatusOK || !strings.Contains(body, "Kartu AK/I ASLI") || strings.Contains(body, "TIDAK ASLI") {
		t.Fatalf("check page of a printed card: status %d, body:\n%s", status, body)
	}
	if !strings.Contains(body, ">"+person.Name+"<") {
		t.Errorf("check page does not name the holder %q", person.Name)
	}
	if !strings.Contains(body, maskedNIK(person.NIK)) {
		t.Errorf("check page does not show the masked NIK %q", maskedNIK(person.NIK))
	}
	if strings.Contains(body, person.NIK) {
		t.Errorf("check page shows the full NIK %s", person.NIK)
	}
	if st := pageState(body); st != "aktif" {
		t.Errorf("card state on the check page %q, want aktif", st)
	}

	// One character of the token changed: a forged or mistyped link.
	i := len(oldLink) - 10
	c := byte('A')
	if oldLink[i] == 'A' {
		c = 'B'
	}
	forged := oldLink[:i] + string(c) + oldLink[i+1:]
	status, body = get(t, forged)
	if status != http.StatusNotFound || !strings.Contains(body, "TIDAK ASLI") || strings.Contains(body, person.Name) {
		t.Errorf("forged link: status %d, want 404 saying TIDAK ASLI without personal data; body:\n%s", status, body)
	}

	// Reprint (a spoiled card): the old card is voided, the new one prints with serial 2.
	newJob, err := s.db.ReprintCard(context.Background(), first.CardID, "e2e", "kartu rusak")
	if err != nil {
		t.Fatal(err)
	}
	var second storage.PrintJob
	for _, j := range s.waitSettled(60 * time.Second) {
		if j.ID == newJob {
			second = j
		}
	}
	if second.State != "printed" || second.CardSerial != 2 || second.CardID == first.CardID {
		t.Fatalf("reprint job %+v, want printed, serial 2, a new card", second)
	}
	s.waitCUPSIdle()
	newLink := scan(second)
	if newLink == oldLink {
		t.Fatal("the reprint carries the old card's link")
	}
	status, body = get(t, oldLink)
	if st := pageState(body); status != http.StatusOK || st != "diganti" || !strings.Contains(body, "tidak berlaku") {
		t.Errorf("old card after reprint: status %d, state %q; want diganti and \"tidak berlaku\"; body:\n%s", status, st, body)
	}
	status, body = get(t, newLink)
	if st := pageState(body); status != http.StatusOK || st != "aktif" || !strings.Contains(body, "Kartu AK/I ASLI") ||
		!strings.Contains(body, fmt.Sprintf("cetakan ke-%d", 2)) {
		t.Errorf("new card: status %d, state %q; want aktif, ASLI, cetakan ke-2; body:\n%s", status, st, body)
	}
}
