package e2e_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPrintOverHTTPS: the office setup of docs/deploy.md. `ak1-server tls init` makes the CA and
// the server certificate, the server serves HTTPS only, and the print agent, trusting the office CA
// through AK1_CA, claims the approved cards, downloads their PDFs and prints them through CUPS. An
// agent without AK1_CA refuses the server and claims nothing. The browser's cookies are Secure.
func TestPrintOverHTTPS(t *testing.T) {
	s := newSystemWith(t, true)
	people := s.seed(2, true, 1207)

	// Without the office CA the agent cannot trust the server: it must not claim anything.
	token, err := os.ReadFile(s.tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	untrusting := startProc(t, "ak1-agent without AK1_CA", s.bin.agent, []string{"PATH=" + os.Getenv("PATH"),
		"HOME=" + filepath.Dir(s.dataDir), "AK1_SERVER=" + s.url, "AK1_TOKEN=" + strings.TrimSpace(string(token)),
		"AK1_PRINTER=" + s.cups.Printer, "AK1_CUPS=" + s.cups.Socket, "AK1_JOURNAL=" + filepath.Join(t.TempDir(), "journal")})
	s.track(untrusting)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(untrusting.logs.String(), "certificate") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(untrusting.logs.String(), "certificate signed by unknown authority") {
		t.Errorf("agent without AK1_CA: no certificate error in its log:\n%s", untrusting.logs.String())
	}
	untrusting.stop(10 * time.Second)
	for _, j := range s.jobs() {
		if j.State != "queued" {
			t.Fatalf("job %d is %s after an agent that does not trust the server ran", j.ID, j.State)
		}
	}

	s.startAgent()
	jobs := s.waitSettled(60 * time.Second)
	s.waitCUPSIdle()
	if len(jobs) != len(people) {
		t.Fatalf("%d print jobs for %d approved applicants", len(jobs), len(people))
	}
	outs := s.outputs(jobIDs(jobs))
	defer s.removeOutputs(outs)
	for _, j := range jobs {
		if j.State != "printed" || len(outs[j.ID]) != 1 {
			t.Fatalf("job %d: state %s, %d outputs; want printed once over HTTPS\nagent log:\n%s", j.ID, j.State, len(outs[j.ID]), s.agent.logs.String())
		}
		if pages := pdfPages(t, outs[j.ID][0].Path); len(pages) != 2 {
			t.Errorf("job %d printed %d pages, want the card's 2", j.ID, len(pages))
		}
	}

	// A browser (an officer's tablet with the CA installed) gets Secure cookies and HSTS.
	resp, err := s.client.Get(s.url + "/masuk")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Fatalf("sign-in page over HTTPS: %d, TLS %v", resp.StatusCode, resp.TLS != nil)
	}
	if len(resp.Cookies()) == 0 {
		t.Fatal("no cookie on the sign-in page")
	}
	for _, c := range resp.Cookies() {
		if !c.Secure {
			t.Errorf("cookie %s is not Secure", c.Name)
		}
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no Strict-Transport-Security over HTTPS")
	}
}
