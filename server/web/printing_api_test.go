package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"ak1/agent/protocol"
	"ak1/server/domain"
)

// agentCall makes one protocol call as a station and returns the status and body.
func agentCall(t *testing.T, srv *testServer, token, method, path string, body any, header ...string) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, srv.URL+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func TestAgentAPI(t *testing.T) {
	srv := newTestServer(t, Options{})
	bg := context.Background()
	petugas, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pengantar, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	_, token, err := srv.DB.AddStation(bg, "Loket Cetak 1")
	if err != nil {
		t.Fatal(err)
	}

	if code, _ := agentCall(t, srv, "", "POST", protocol.PathClaim+"?wait=0", nil); code != http.StatusUnauthorized {
		t.Fatalf("claim without token: %d", code)
	}
	if code, _ := agentCall(t, srv, token+"x", "POST", protocol.PathClaim+"?wait=0", nil); code != http.StatusUnauthorized {
		t.Fatalf("claim with a wrong token: %d", code)
	}
	start := time.Now()
	if code, _ := agentCall(t, srv, token, "POST", protocol.PathClaim+"?wait=1", nil); code != http.StatusNoContent {
		t.Fatalf("claim with nothing queued: %d", code)
	} else if d := time.Since(start); d < 900*time.Millisecond {
		t.Fatalf("empty claim answered after %v, want the long-poll to wait about 1 s", d)
	}

	// A claim waiting in its long-poll gets the job as soon as it is approved.
	type claimResult struct {
		code int
		body []byte
	}
	waiting := make(chan claimResult, 1)
	go func() {
		code, body := agentCall(t, srv, token, "POST", protocol.PathClaim+"?wait=20", nil)
		waiting <- claimResult{code, body}
	}()
	time.Sleep(200 * time.Millisecond)
	job := approvedJob(t, srv, petugas, pengantar, 1)
	var got claimResult
	select {
	case got = <-waiting:
	case <-time.After(5 * time.Second):
		t.Fatal("waiting claim did not get the approved job")
	}
	var claim protocol.ClaimResponse
	if got.code != http.StatusOK || json.Unmarshal(got.body, &claim) != nil || claim.JobID != job.PrintJobID || claim.Lease == "" {
		t.Fatalf("claim = %d %s", got.code, got.body)
	}

	code, pdf := agentCall(t, srv, token, "GET", claim.PDFPath, nil, protocol.HeaderLease, claim.Lease)
	if code != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("card PDF: %d %.20q", code, pdf)
	}
	if code, _ := agentCall(t, srv, token, "GET", claim.PDFPath, nil, protocol.HeaderLease, "stale"); code != http.StatusConflict {
		t.Fatalf("card PDF with a stale lease: %d", code)
	}

	status := protocol.JobStatusPath(claim.JobID)
	for _, u := range []protocol.StatusUpdate{
		{Lease: claim.Lease, State: protocol.StateSent, CUPSJobID: 41},
		{Lease: claim.Lease, State: protocol.StateSent, CUPSJobID: 41},
		{Lease: claim.Lease, State: protocol.StatePrinted, CUPSJobID: 41},
		{Lease: claim.Lease, State: protocol.StateSent, CUPSJobID: 41},
	} {
		if code, body := agentCall(t, srv, token, "POST", status, u); code != http.StatusOK {
			t.Fatalf("status %s: %d %s", u.State, code, body)
		}
	}
	if code, _ := agentCall(t, srv, token, "POST", status, protocol.StatusUpdate{Lease: "other", State: protocol.StatePrinted}); code != http.StatusConflict {
		t.Fatalf("status with a stale lease: %d", code)
	}
	if code, _ := agentCall(t, srv, token, "POST", status, map[string]any{"lease": claim.Lease, "state": "burnt"}); code != http.StatusBadRequest {
		t.Fatalf("unknown state: %d", code)
	}
	if code, _ := agentCall(t, srv, token, "POST", protocol.JobStatusPath(99999), protocol.StatusUpdate{Lease: "x", State: protocol.StateSent}); code != http.StatusNotFound {
		t.Fatalf("unknown job: %d", code)
	}
	if s := jobState(t, srv, claim.JobID); s != domain.PrintPrinted {
		t.Fatalf("job state %s, want printed", s)
	}
	app, _ := srv.DB.Card(bg, job.CardID)
	if a, _ := srv.DB.Application(bg, app.ApplicationID); a.State != domain.StatePrinted {
		t.Fatalf("application state %s, want printed", a.State)
	}

	code, body := agentCall(t, srv, token, "POST", protocol.PathHeartbeat,
		protocol.Heartbeat{PrinterState: protocol.PrinterStopped, Reasons: []string{"media-empty-error"}, Printer: "AK1-PDF", Version: "t"})
	var hb protocol.HeartbeatResponse
	if code != http.StatusOK || json.Unmarshal(body, &hb) != nil {
		t.Fatalf("heartbeat: %d %s", code, body)
	}
	stations, _ := srv.DB.Stations(bg)
	if len(stations) != 1 || stations[0].PrinterState != "stopped" || stations[0].PrinterReasons[0] != "media-empty-error" || !stations[0].Online(srv.Clock.Now()) {
		t.Fatalf("station after heartbeat = %+v", stations)
	}
}
