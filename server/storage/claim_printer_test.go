package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"ak1/server/storage"
)

// TestClaimWaitsForAReadyPrinter: a station whose agent reported its printer stopped or offline
// is given no job; another station with a ready printer gets it, and the first one again once its
// printer is back.
func TestClaimWaitsForAReadyPrinter(t *testing.T) {
	db, _ := openDB(t, newClock(time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)))
	ctx := context.Background()
	stopped, _ := addStation(t, db, "Loket Cetak 1")
	ready, _ := addStation(t, db, "Loket Cetak 2")
	queuedCard(t, db, 1)
	queuedCard(t, db, 2)
	for _, state := range []string{"stopped", "offline"} {
		if err := db.RecordHeartbeat(ctx, stopped, "Evolis", state, []string{"media-empty-error"}, "t"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ClaimJob(ctx, stopped); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("printer %s: claim gave %v, want nothing", state, err)
		}
	}
	if err := db.RecordHeartbeat(ctx, ready, "Evolis", "idle", nil, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimJob(ctx, ready); err != nil {
		t.Fatalf("station with a ready printer: %v", err)
	}
	if err := db.RecordHeartbeat(ctx, stopped, "Evolis", "idle", nil, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimJob(ctx, stopped); err != nil {
		t.Fatalf("the first station once its printer is back: %v", err)
	}
}
