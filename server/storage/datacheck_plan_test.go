package storage

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestDataCheckPlans: check-data on a million applications reads each table once, in rowid
// batches, and finds the NIKs through indexes (active cards by cards_state_issued, open
// applications by applications_state_updated; only those are grouped by NIK): no statement reads
// a whole growing table (FullScans).
func TestDataCheckPlans(t *testing.T) {
	ctx := context.Background()
	db, rec, err := OpenRecording(ctx, t.TempDir(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CheckNIKs(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FixTexts(ctx, "check-data"); err != nil {
		t.Fatal(err)
	}
	stmts := rec.Statements()
	if len(stmts) < len(typedTables)+3 {
		t.Fatalf("only %d statements recorded", len(stmts))
	}
	for _, s := range stmts {
		plan, err := db.QueryPlan(ctx, s.Query, s.Args)
		if err != nil {
			t.Fatalf("%v\n%s", err, s.Query)
		}
		scans, err := db.FullScans(ctx, s.Query, plan)
		if err != nil {
			t.Fatal(err)
		}
		if len(scans) > 0 {
			t.Errorf("full scan (%s) in:\n%s\nplan:\n%s", strings.Join(scans, "; "), strings.Join(strings.Fields(s.Query), " "), strings.Join(plan, "\n"))
		}
	}
}
