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
// a whole growing table (FullScans), but the one that groups the active cards by NIK: a batch job
// reads those once (3.5 s at 1,000,000 applications, 890,000 active cards), what a request may not.
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
	// The cards of one NIK, as asked for every NIK found twice (the empty database finds none).
	if _, err := db.cardsInForce(ctx, "5171030708010001", time.Now()); err != nil {
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
		if strings.Contains(s.Query, "GROUP BY a.nik HAVING count(*) > 1") {
			continue // the active cards, read once by design (above)
		}
		plan, err := db.QueryPlan(ctx, s.Query, s.Args)
		if err != nil {
			t.Fatalf("%v\n%s", err, s.Query)
		}
		scans, err := db.FullScans(ctx, s.Query, s.Args, plan)
		if err != nil {
			t.Fatal(err)
		}
		if len(scans) > 0 {
			t.Errorf("full scan (%s) in:\n%s\nplan:\n%s", strings.Join(scans, "; "), strings.Join(strings.Fields(s.Query), " "), strings.Join(plan, "\n"))
		}
	}
}
