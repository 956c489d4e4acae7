package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// TestPrintJobsShowsWorkAndTheLatestFinished: the operator sees every unfinished job and the newest
// finished ones of the last day, not the hundreds a busy day prints, and nothing finished earlier.
func TestPrintJobsShowsWorkAndTheLatestFinished(t *testing.T) {
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	ctx := context.Background()
	var jobs []int64
	for i := 1; i <= storage.FinishedJobsShown+12; i++ {
		_, job := queuedCard(t, db, i)
		jobs = append(jobs, job)
	}
	at := func(d time.Duration) string { return morning.Add(d).UTC().Format("2006-01-02T15:04:05.000Z") }
	// Two finished two days ago, then one a minute for the rest; the last two still wait.
	for i, id := range jobs[:len(jobs)-2] {
		when := at(time.Duration(i) * time.Minute)
		if i < 2 {
			when = at(-48 * time.Hour)
		}
		if err := db.ExecForTest(ctx, `UPDATE print_jobs SET state = ?, updated_at = ? WHERE id = ?`, []string{"printed", "cancelled"}[i%2], when, id); err != nil {
			t.Fatal(err)
		}
	}
	clock.Set(morning.Add(2 * time.Hour))
	got, err := db.PrintJobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, j := range got {
		ids = append(ids, j.ID)
	}
	// Newest first: the two waiting, then the newest finished.
	want := append([]int64{jobs[len(jobs)-1], jobs[len(jobs)-2]}, reversed(jobs[len(jobs)-2-storage.FinishedJobsShown:len(jobs)-2])...)
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Fatalf("jobs %v\nwant %v", ids, want)
	}
	if got[0].State != domain.PrintQueued {
		t.Fatalf("first job %+v", got[0])
	}
}

func reversed(s []int64) []int64 {
	out := make([]int64, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}
