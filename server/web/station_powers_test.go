package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ak1/agent/protocol"
	"ak1/server/domain"
)

// claimAs claims a job for the station of token; it fails the test unless one comes.
func claimAs(t *testing.T, srv *testServer, token string) protocol.ClaimResponse {
	t.Helper()
	code, body := agentCall(t, srv, token, "POST", protocol.PathClaim+"?wait=0", nil)
	var cr protocol.ClaimResponse
	if code != http.StatusOK || json.Unmarshal(body, &cr) != nil {
		t.Fatalf("claim: %d %s", code, body)
	}
	return cr
}

// TestAgentActsOnlyOnOwnJobs: recover from another station, of a queued job, or from a paused
// station changes nothing; a station's card PDF is served only while the job is in its hands.
// Today any station's recover moved any job to needs_check, also while paused.
func TestAgentActsOnlyOnOwnJobs(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := context.Background()
	petugas, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pengantar, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	a, tokenA, err := srv.DB.AddStation(ctx, "Loket A")
	if err != nil {
		t.Fatal(err)
	}
	_, tokenB, err := srv.DB.AddStation(ctx, "Loket B")
	if err != nil {
		t.Fatal(err)
	}
	first := approvedJob(t, srv, petugas, pengantar, 1).PrintJobID
	note := protocol.Recover{Note: protocol.ErrNeedsOperatorCheck + ": lease lost"}

	if code, _ := agentCall(t, srv, tokenB, "POST", protocol.JobRecoverPath(first), note); code != http.StatusConflict {
		t.Fatalf("recover of a queued job: %d, want 409", code)
	}
	if s := jobState(t, srv, first); s != domain.PrintQueued {
		t.Fatalf("queued job after another station's recover: %s", s)
	}
	claim := claimAs(t, srv, tokenA)
	if code, _ := agentCall(t, srv, tokenB, "POST", protocol.JobRecoverPath(first), note); code != http.StatusConflict {
		t.Fatalf("recover of another station's job: %d, want 409", code)
	}
	if code, _ := agentCall(t, srv, tokenB, "GET", claim.PDFPath, nil, protocol.HeaderLease, claim.Lease); code != http.StatusConflict {
		t.Fatalf("another station fetching the card with the right lease: %d, want 409", code)
	}
	if err := srv.DB.SetStationPaused(ctx, a, true, "user:1"); err != nil {
		t.Fatal(err)
	}
	if code, _ := agentCall(t, srv, tokenA, "POST", protocol.JobRecoverPath(first), note); code != http.StatusLocked {
		t.Fatalf("recover from a paused station: %d, want 423 (the agent keeps the job and tries again)", code)
	}
	if s := jobState(t, srv, first); s != domain.PrintClaimed {
		t.Fatalf("job after refused recovers: %s, want still claimed", s)
	}
	// A paused station still finishes the card in its hands.
	if code, pdf := agentCall(t, srv, tokenA, "GET", claim.PDFPath, nil, protocol.HeaderLease, claim.Lease); code != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("card PDF for the paused holder: %d", code)
	}
	update := protocol.StatusUpdate{Lease: claim.Lease, State: protocol.StatePrinted, CUPSJobID: 5}
	if code, _ := agentCall(t, srv, tokenA, "POST", protocol.JobStatusPath(first), update); code != http.StatusOK {
		t.Fatalf("report from the paused holder: %d", code)
	}
	if code, _ := agentCall(t, srv, tokenA, "GET", claim.PDFPath, nil, protocol.HeaderLease, claim.Lease); code != http.StatusConflict {
		t.Fatalf("card PDF of a printed job: %d, want 409 (it is no longer to be printed)", code)
	}
	if err := srv.DB.SetStationPaused(ctx, a, false, "user:1"); err != nil {
		t.Fatal(err)
	}

	second := approvedJob(t, srv, petugas, pengantar, 2).PrintJobID
	claimAs(t, srv, tokenA)
	if code, _ := agentCall(t, srv, tokenA, "POST", protocol.JobRecoverPath(second), note); code != http.StatusOK {
		t.Fatalf("recover of the station's own job: %d", code)
	}
	if s := jobState(t, srv, second); s != domain.PrintNeedsCheck {
		t.Fatalf("own job after recover: %s, want needs_check", s)
	}
}

var stationToken = regexp.MustCompile(`data-station-token>(ak1st_[A-Za-z0-9_-]+)<`)

// TestStationRevokedAtOnce: the operator disables, rotates and removes a station on /petugas/cetak
// (CSRF-protected, audited); every agent call with the revoked token is refused with 401 at once,
// including a claim already waiting in its long-poll, also when the token is changed by another
// process (the command line). Today tokens could not be revoked at all.
func TestStationRevokedAtOnce(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := context.Background()
	petugas, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pengantar, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	_, pw := addOfficer(t, srv, "operator", domain.RoleOperator)
	op := signIn(t, srv, "operator", pw)
	id, token, err := srv.DB.AddStation(ctx, "Loket A")
	if err != nil {
		t.Fatal(err)
	}
	base := "/petugas/cetak/stasiun/" + strconv.FormatInt(id, 10)
	heartbeat := protocol.Heartbeat{PrinterState: protocol.PrinterIdle, Printer: "AK1", Version: "t"}

	// waitingClaim starts a long-poll claim and returns a channel with its status and how long it took.
	type answer struct {
		code int
		took time.Duration
	}
	waitingClaim := func(token string) <-chan answer {
		out := make(chan answer, 1)
		go func() {
			start := time.Now()
			code, _ := agentCall(t, srv, token, "POST", protocol.PathClaim+"?wait=20", nil)
			out <- answer{code, time.Since(start)}
		}()
		time.Sleep(300 * time.Millisecond) // the claim is now waiting
		return out
	}
	refusedSoon := func(what string, got <-chan answer) {
		t.Helper()
		select {
		case a := <-got:
			if a.code != http.StatusUnauthorized || a.took > 3*time.Second {
				t.Fatalf("%s: waiting claim answered %d after %v, want 401 at once", what, a.code, a.took)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: waiting claim still waits", what)
		}
	}

	op.get("/petugas/cetak")
	if code, _, _ := op.status(http.MethodPost, base+"/nonaktif", url.Values{"nonaktif": {"1"}}); code != http.StatusForbidden {
		t.Fatalf("disable without CSRF token: %d, want 403", code)
	}
	claim := waitingClaim(token)
	if code, loc, body := op.post(base+"/nonaktif", url.Values{"nonaktif": {"1"}}); code != http.StatusSeeOther || loc != "/petugas/cetak" {
		t.Fatalf("disable: %d %s\n%s", code, loc, body)
	}
	refusedSoon("disabled on the operator page", claim)
	job := approvedJob(t, srv, petugas, pengantar, 1).PrintJobID
	for _, call := range []struct {
		method, path string
		body         any
	}{
		{"POST", protocol.PathClaim + "?wait=0", nil},
		{"POST", protocol.PathHeartbeat, heartbeat},
		{"GET", protocol.JobPDFPath(job), nil},
		{"POST", protocol.JobStatusPath(job), protocol.StatusUpdate{Lease: "x", State: protocol.StateSent}},
		{"POST", protocol.JobRecoverPath(job), protocol.Recover{Note: "x"}},
	} {
		if code, _ := agentCall(t, srv, token, call.method, call.path, call.body); code != http.StatusUnauthorized {
			t.Errorf("%s %s with a disabled token: %d, want 401", call.method, call.path, code)
		}
	}
	if _, page := op.get("/petugas/cetak"); !strings.Contains(page, "Nonaktif: token ditolak") || !strings.Contains(page, "data-enable-station") {
		t.Fatal("the operator page does not show the station as disabled")
	}
	if code, _, _ := op.post(base+"/nonaktif", url.Values{"nonaktif": {"0"}}); code != http.StatusSeeOther {
		t.Fatalf("enable: %d", code)
	}
	if code, _ := agentCall(t, srv, token, "POST", protocol.PathHeartbeat, heartbeat); code != http.StatusOK {
		t.Fatalf("heartbeat after enable: %d", code)
	}

	// Rotate on the page: the new token is shown once, the old one is refused, also while waiting.
	claimAs(t, srv, token) // the job stays the station's across the rotation
	claim = waitingClaim(token)
	code, _, page := op.post(base+"/token-baru", url.Values{})
	m := stationToken.FindStringSubmatch(page)
	if code != http.StatusOK || m == nil {
		t.Fatalf("rotate: %d\n%s", code, page)
	}
	newToken := m[1]
	refusedSoon("rotated on the operator page", claim)
	if code, _ := agentCall(t, srv, token, "POST", protocol.PathHeartbeat, heartbeat); code != http.StatusUnauthorized {
		t.Fatalf("old token after rotate: %d", code)
	}
	if code, _ := agentCall(t, srv, newToken, "POST", protocol.PathHeartbeat, heartbeat); code != http.StatusOK {
		t.Fatalf("new token: %d", code)
	}
	if _, again := op.get("/petugas/cetak"); strings.Contains(again, newToken) {
		t.Fatal("the new token is shown again on the operator page")
	}

	// Rotated by another process (the command line): no signal reaches this server, the waiting
	// claim finds out at its next look at the database.
	claim = waitingClaim(newToken)
	if _, err := srv.DB.RotateStationToken(ctx, id, "cli"); err != nil {
		t.Fatal(err)
	}
	refusedSoon("rotated from the command line", claim)

	// Remove: the name must be typed; a station holding a card is kept.
	if code, _, body := op.post(base+"/hapus", url.Values{"nama": {"Loket"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "ketik namanya") {
		t.Fatalf("remove with the wrong name: %d", code)
	}
	if code, _, body := op.post(base+"/hapus", url.Values{"nama": {"Loket A"}}); code != http.StatusConflict || !strings.Contains(body, "Nonaktifkan stasiun dulu") {
		t.Fatalf("remove while it holds a card: %d\n%s", code, body)
	}
	if code, _, _ := op.post(base+"/nonaktif", url.Values{"nonaktif": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("disable: %d", code)
	}
	if s := jobState(t, srv, job); s != domain.PrintQueued {
		t.Fatalf("claimed job (card never fetched) after disable: %s, want queued again", s)
	}
	if code, loc, _ := op.post(base+"/hapus", url.Values{"nama": {"Loket A"}}); code != http.StatusSeeOther || loc != "/petugas/cetak" {
		t.Fatalf("remove: %d %s", code, loc)
	}
	if st, _ := srv.DB.Stations(ctx); len(st) != 0 {
		t.Fatalf("stations after remove: %+v", st)
	}
	for _, action := range []string{"station-disable", "station-enable", "station-rotate-token", "station-remove"} {
		if n, err := srv.DB.IntForAudit(ctx, action); err != nil || n == 0 {
			t.Errorf("no audit row for %s (%v)", action, err)
		}
	}
}
