package storage_test

import (
	"context"
	"errors"
	"testing"

	"ak1/server/domain"
	"ak1/server/storage"
)

// TestRecoverOnlyOwnJobs: a station recovers only a job it was given, never a queued job or
// another station's, and not while it is paused. Today any station moved any job to needs_check.
func TestRecoverOnlyOwnJobs(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t, newClock(morning))
	a, _ := addStation(t, db, "Loket A")
	b, _ := addStation(t, db, "Loket B")
	_, queued := queuedCard(t, db, 1)
	_, held := queuedCard(t, db, 2)

	if err := db.RecoverJob(ctx, b, queued, "needs-operator-check: x", 0); !errors.Is(err, storage.ErrStaleLease) {
		t.Fatalf("recover of a queued job: %v, want ErrStaleLease", err)
	}
	first, _ := db.ClaimJob(ctx, a) // the queued one
	second, _ := db.ClaimJob(ctx, a)
	if first.ID != queued || second.ID != held {
		t.Fatalf("claims %d, %d", first.ID, second.ID)
	}
	if err := db.RecoverJob(ctx, b, held, "needs-operator-check: x", 0); !errors.Is(err, storage.ErrStaleLease) {
		t.Fatalf("recover of another station's job: %v, want ErrStaleLease", err)
	}
	if err := db.SetStationPaused(ctx, a, true, "user:1"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecoverJob(ctx, a, held, "needs-operator-check: x", 0); !errors.Is(err, storage.ErrStationPaused) {
		t.Fatalf("recover while paused: %v, want ErrStationPaused", err)
	}
	if j, _ := db.PrintJob(ctx, held); j.State != domain.PrintClaimed || j.Lease != second.Lease {
		t.Fatalf("refused recovers changed the job: %s", j.State)
	}
	if err := db.SetStationPaused(ctx, a, false, "user:1"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecoverJob(ctx, a, held, "needs-operator-check: x", 7); err != nil {
		t.Fatal(err)
	}
	if j, _ := db.PrintJob(ctx, held); j.State != domain.PrintNeedsCheck || j.CUPSJobID != 7 {
		t.Fatalf("own job after recover: %s", j.State)
	}
	if err := db.RecoverJob(ctx, a, held, "needs-operator-check: x", 7); err != nil {
		t.Fatalf("repeated recover: %v", err)
	}
}

// TestDisableRotateRemoveStation: a disabled station claims nothing and its jobs go back as at lease
// expiry; a rotated token no longer claims while the new one does; a station holding cards that
// may be in its printer is not removed, one without is, leaving its past jobs in place.
func TestDisableRotateRemoveStation(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t, newClock(morning))
	st, token := addStation(t, db, "Loket A")
	_, fetched := queuedCard(t, db, 1)
	_, untouched := queuedCard(t, db, 2)
	_, done := queuedCard(t, db, 3)
	for range 3 {
		if _, err := db.ClaimJobByToken(ctx, token); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.MarkPDFSent(ctx, fetched); err != nil {
		t.Fatal(err)
	}
	j, _ := db.PrintJob(ctx, done)
	if err := db.ReportJob(ctx, st, done, j.Lease, domain.PrintPrinted, 3, ""); err != nil {
		t.Fatal(err)
	}

	if err := db.SetStationDisabled(ctx, st, true, "user:1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StationByToken(ctx, token); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("disabled station's token: %v", err)
	}
	if _, err := db.ClaimJobByToken(ctx, token); !errors.Is(err, storage.ErrStationRevoked) {
		t.Fatalf("claim of a disabled station: %v, want ErrStationRevoked", err)
	}
	for id, want := range map[int64]domain.PrintState{fetched: domain.PrintNeedsCheck, untouched: domain.PrintQueued, done: domain.PrintPrinted} {
		if j, _ := db.PrintJob(ctx, id); j.State != want {
			t.Errorf("job %d after disable: %s, want %s", id, j.State, want)
		}
	}
	if err := db.RemoveStation(ctx, st, "user:1"); !errors.Is(err, storage.ErrStationBusy) {
		t.Fatalf("remove with a card to check: %v, want ErrStationBusy", err)
	}

	if err := db.SetStationDisabled(ctx, st, false, "user:1"); err != nil {
		t.Fatal(err)
	}
	newToken, err := db.RotateStationToken(ctx, st, "user:1")
	if err != nil || newToken == token {
		t.Fatalf("rotate: %q, %v", newToken, err)
	}
	if _, err := db.ClaimJobByToken(ctx, token); !errors.Is(err, storage.ErrStationRevoked) {
		t.Fatalf("claim with the old token: %v, want ErrStationRevoked", err)
	}
	if j, err := db.ClaimJobByToken(ctx, newToken); err != nil || j.ID != untouched {
		t.Fatalf("claim with the new token: %+v, %v", j, err)
	}
	if n := count(t, db, `SELECT count(*) FROM stations WHERE token_hash = ?`, newToken); n != 0 {
		t.Fatal("new token stored in clear")
	}

	if err := db.ConfirmPrinted(ctx, fetched, "user:1"); err != nil {
		t.Fatal(err)
	}
	if err := db.CancelJob(ctx, untouched, "user:1", "test"); !errors.Is(err, storage.ErrBadState) {
		t.Fatalf("cancel of a claimed job: %v", err) // still in the station's hands: remove must wait
	}
	if err := db.RemoveStation(ctx, st, "user:1"); !errors.Is(err, storage.ErrStationBusy) {
		t.Fatalf("remove while it holds a claimed job: %v", err)
	}
	if err := db.SetStationDisabled(ctx, st, true, "user:1"); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveStation(ctx, st, "user:1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Station(ctx, st); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("station after remove: %v", err)
	}
	if j, err := db.PrintJob(ctx, done); err != nil || j.State != domain.PrintPrinted || j.StationID != 0 {
		t.Fatalf("past job after remove: %+v, %v", j, err)
	}
	for _, action := range []string{"station-disable", "station-enable", "station-rotate-token", "station-remove"} {
		if n, err := db.IntForAudit(ctx, action); err != nil || n == 0 {
			t.Errorf("no audit row for %s (%v)", action, err)
		}
	}
	if n, err := db.IntForAudit(ctx, "print-station-disabled"); err != nil || n != 3 {
		t.Errorf("audit rows for jobs taken back from the disabled station = %d, %v; want 3", n, err)
	}
}
