package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// An agent killed between claiming a job and journaling it comes back and asks for work: it gets
// its silent claimed job again (new lease) after ReclaimAfter, not after the whole lease. Other
// stations never get it this way, and a job that reached the printer is never handed out again.
func TestStationReclaimsItsSilentClaim(t *testing.T) {
	ctx := context.Background()
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	a, _ := addStation(t, db, "Loket 1")
	b, _ := addStation(t, db, "Loket 2")
	_, dropped := queuedCard(t, db, 1)
	_, sent := queuedCard(t, db, 2)

	first, err := db.ClaimJob(ctx, a)
	if err != nil || first.ID != dropped {
		t.Fatalf("first claim = %+v, %v", first, err)
	}
	// Soon after, the station asks again: a claim that young is not taken for dropped.
	clock.Set(morning.Add(storage.ReclaimAfter / 2))
	second, err := db.ClaimJob(ctx, a)
	if err != nil || second.ID != sent {
		t.Fatalf("second claim = %+v, %v; want job %d", second, err, sent)
	}
	if err := db.ReportJob(ctx, a, sent, second.Lease, domain.PrintSent, 77, ""); err != nil {
		t.Fatal(err)
	}

	clock.Set(morning.Add(storage.ReclaimAfter + time.Second))
	if j, err := db.ClaimJob(ctx, b); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("another station got %+v, %v; want nothing", j, err)
	}
	again, err := db.ClaimJob(ctx, a)
	if err != nil || again.ID != dropped || again.Lease == first.Lease || again.Attempts != 2 || again.State != domain.PrintClaimed {
		t.Fatalf("reclaim = %+v, %v; want job %d with a new lease, attempt 2", again, err, dropped)
	}
	if !again.LeaseExpires.Equal(clock.Now().Add(storage.LeaseDuration)) {
		t.Errorf("reclaimed lease expires %s, want a full lease from now", again.LeaseExpires)
	}
	if err := db.ReportJob(ctx, a, dropped, first.Lease, domain.PrintSent, 78, ""); !errors.Is(err, storage.ErrStaleLease) {
		t.Errorf("report with the dead agent's lease: %v, want ErrStaleLease", err)
	}
	if err := db.ReportJob(ctx, a, dropped, again.Lease, domain.PrintPrinted, 78, ""); err != nil {
		t.Fatal(err)
	}

	// The sent job stays with its agent, however long it is silent.
	clock.Set(morning.Add(storage.LeaseDuration - time.Second))
	if j, err := db.ClaimJob(ctx, a); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("claim after everything was handed out = %+v, %v", j, err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'print-reclaim'`); n != 1 {
		t.Errorf("%d print-reclaim audit rows, want 1", n)
	}
}
