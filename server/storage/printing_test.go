package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// queuedCard makes an approved application with a card and a queued print job, the way approval
// leaves them, and returns the card and job ids.
func queuedCard(t *testing.T, db *storage.DB, serial int) (cardID, jobID int64) {
	t.Helper()
	ctx := context.Background()
	app := submit(t, db, testForm(serial))
	regNumber := fmt.Sprintf("5171 100326 %06d", serial)
	exec := func(q string, args ...any) {
		t.Helper()
		if err := db.ExecForTest(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`UPDATE applications SET state = 'approved' WHERE id = ?`, app.ID)
	exec(`INSERT INTO cards (application_id, reg_number, serial, state, issued_on, valid_until, created_at)
		VALUES (?, ?, 1, 'active', '2026-03-10', '2028-03-10', '2026-03-10T01:00:00.000Z')`, app.ID, regNumber)
	cardID = int64(count(t, db, `SELECT id FROM cards WHERE reg_number = ?`, regNumber))
	exec(`INSERT INTO print_jobs (card_id, state, created_at, updated_at) VALUES (?, 'queued', '2026-03-10T01:00:00.000Z', '2026-03-10T01:00:00.000Z')`, cardID)
	jobID = int64(count(t, db, `SELECT max(id) FROM print_jobs`))
	return cardID, jobID
}

func addStation(t *testing.T, db *storage.DB, name string) (int64, string) {
	t.Helper()
	id, token, err := db.AddStation(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return id, token
}

func TestStationTokenIsStoredHashed(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	id, token := addStation(t, db, "Loket 1")
	if n := count(t, db, `SELECT count(*) FROM stations WHERE token_hash = ?`, token); n != 0 {
		t.Fatal("token stored in clear")
	}
	st, err := db.StationByToken(context.Background(), token)
	if err != nil || st.ID != id || st.Name != "Loket 1" {
		t.Fatalf("StationByToken = %+v, %v", st, err)
	}
	if _, err := db.StationByToken(context.Background(), token+"x"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("wrong token: %v", err)
	}
	if _, _, err := db.AddStation(context.Background(), "Loket 1"); err == nil {
		t.Fatal("duplicate station name accepted")
	}
}

func TestClaimReportPrinted(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t, newClock(morning))
	station, _ := addStation(t, db, "Loket 1")
	_, jobID := queuedCard(t, db, 1)

	job, err := db.ClaimJob(ctx, station)
	if err != nil || job.ID != jobID || job.State != domain.PrintClaimed || job.Lease == "" || job.RegNumber != "5171 100326 000001" {
		t.Fatalf("ClaimJob = %+v, %v", job, err)
	}
	if _, err := db.ClaimJob(ctx, station); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("second claim: %v, want ErrNotFound", err)
	}
	if err := db.ReportJob(ctx, station, jobID, "wrong", domain.PrintSent, 7, ""); !errors.Is(err, storage.ErrStaleLease) {
		t.Fatalf("wrong lease: %v", err)
	}
	steps := []domain.PrintState{domain.PrintSent, domain.PrintSent, domain.PrintPrinted, domain.PrintPrinted, domain.PrintSent}
	for _, s := range steps {
		if err := db.ReportJob(ctx, station, jobID, job.Lease, s, 7, ""); err != nil {
			t.Fatalf("report %s: %v", s, err)
		}
	}
	got, _ := db.PrintJob(ctx, jobID)
	if got.State != domain.PrintPrinted || got.CUPSJobID != 7 {
		t.Fatalf("after reports: %+v", got)
	}
	if n := count(t, db, `SELECT count(*) FROM applications WHERE state = 'printed'`); n != 1 {
		t.Fatalf("application not printed (%d)", n)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'print-printed'`); n != 1 {
		t.Fatalf("printed audited %d times, want once", n)
	}
}

func TestConcurrentClaimsHandEachJobToOneStation(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t, newClock(morning))
	const jobs = 30
	for i := 1; i <= jobs; i++ {
		queuedCard(t, db, i)
	}
	var stations []int64
	for i := 0; i < 4; i++ {
		id, _ := addStation(t, db, fmt.Sprintf("Loket %d", i))
		stations = append(stations, id)
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for _, st := range stations {
		for w := 0; w < 3; w++ {
			wg.Add(1)
			go func(st int64) {
				defer wg.Done()
				for {
					job, err := db.ClaimJob(ctx, st)
					if errors.Is(err, storage.ErrNotFound) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					seen[job.ID]++
					mu.Unlock()
				}
			}(st)
		}
	}
	wg.Wait()
	if len(seen) != jobs {
		t.Fatalf("claimed %d distinct jobs, want %d", len(seen), jobs)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("job %d claimed %d times", id, n)
		}
	}
}

func TestExpiredLeases(t *testing.T) {
	ctx := context.Background()
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	station, _ := addStation(t, db, "Loket 1")
	_, claimedOnly := queuedCard(t, db, 1)
	_, sent := queuedCard(t, db, 2)
	first, _ := db.ClaimJob(ctx, station)
	second, _ := db.ClaimJob(ctx, station)
	if first.ID != claimedOnly || second.ID != sent {
		t.Fatalf("claim order %d, %d", first.ID, second.ID)
	}
	if err := db.ReportJob(ctx, station, sent, second.Lease, domain.PrintSent, 12, ""); err != nil {
		t.Fatal(err)
	}
	clock.Set(morning.Add(storage.LeaseDuration + time.Minute))
	if n, err := db.ExpireLeases(ctx); err != nil || n != 2 {
		t.Fatalf("ExpireLeases = %d, %v", n, err)
	}
	a, _ := db.PrintJob(ctx, claimedOnly)
	b, _ := db.PrintJob(ctx, sent)
	if a.State != domain.PrintQueued || b.State != domain.PrintNeedsCheck {
		t.Fatalf("after expiry: claimed-only %s (want queued), sent %s (want needs_check)", a.State, b.State)
	}
	// The old lease is dead: the agent's late report is refused, and its recovery note keeps needs_check.
	if err := db.ReportJob(ctx, station, sent, second.Lease, domain.PrintPrinted, 12, ""); !errors.Is(err, storage.ErrStaleLease) {
		t.Fatalf("late report: %v", err)
	}
	if err := db.RecoverJob(ctx, station, sent, "needs-operator-check: lease lost", 12); err != nil {
		t.Fatal(err)
	}
	if b, _ = db.PrintJob(ctx, sent); b.State != domain.PrintNeedsCheck {
		t.Fatalf("after recover: %s", b.State)
	}
	if err := db.ConfirmPrinted(ctx, sent, "user:1"); err != nil {
		t.Fatal(err)
	}
	if b, _ = db.PrintJob(ctx, sent); b.State != domain.PrintPrinted {
		t.Fatalf("after confirm: %s", b.State)
	}
}

func TestFailedNeedsOperatorCheckAndRetry(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t, newClock(morning))
	station, _ := addStation(t, db, "Loket 1")
	_, a := queuedCard(t, db, 1)
	_, b := queuedCard(t, db, 2)
	ja, _ := db.ClaimJob(ctx, station)
	jb, _ := db.ClaimJob(ctx, station)
	db.ReportJob(ctx, station, a, ja.Lease, domain.PrintFailed, 0, "cups-job-aborted")
	db.ReportJob(ctx, station, b, jb.Lease, domain.PrintFailed, 0, "needs-operator-check: journal says sent, CUPS has no trace")
	ga, _ := db.PrintJob(ctx, a)
	gb, _ := db.PrintJob(ctx, b)
	if ga.State != domain.PrintFailed || gb.State != domain.PrintNeedsCheck {
		t.Fatalf("states %s, %s", ga.State, gb.State)
	}
	if err := db.RetryJob(ctx, b, "user:1"); !errors.Is(err, storage.ErrBadState) {
		t.Fatalf("retry of needs_check must be refused (a person decides printed or reprint): %v", err)
	}
	if err := db.RetryJob(ctx, a, "user:1"); err != nil {
		t.Fatal(err)
	}
	again, err := db.ClaimJob(ctx, station)
	if err != nil || again.ID != a || again.Attempts != 2 {
		t.Fatalf("claim after retry = %+v, %v", again, err)
	}
}

func TestReprintVoidsTheOldCard(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t, newClock(morning))
	station, _ := addStation(t, db, "Loket 1")
	cardID, jobID := queuedCard(t, db, 1)
	j, _ := db.ClaimJob(ctx, station)
	db.ReportJob(ctx, station, jobID, j.Lease, domain.PrintFailed, 0, "needs-operator-check")
	newJob, err := db.ReprintCard(ctx, cardID, "user:1", "kartu rusak")
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM cards WHERE id = ? AND state = 'voided' AND void_reason = 'kartu rusak'`, cardID); n != 1 {
		t.Fatal("old card not voided")
	}
	if n := count(t, db, `SELECT serial FROM cards c JOIN print_jobs j ON j.card_id = c.id WHERE j.id = ?`, newJob); n != 2 {
		t.Fatalf("new card serial = %d, want 2", n)
	}
	if old, _ := db.PrintJob(ctx, jobID); old.State != domain.PrintCancelled {
		t.Fatalf("old job %s, want cancelled", old.State)
	}
	if _, err := db.ReprintCard(ctx, cardID, "user:1", "again"); !errors.Is(err, storage.ErrBadState) {
		t.Fatalf("reprint of a voided card: %v", err)
	}
}

func TestPausedStationGetsNoJobs(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t, newClock(morning))
	station, _ := addStation(t, db, "Loket 1")
	queuedCard(t, db, 1)
	if err := db.SetStationPaused(ctx, station, true, "user:1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimJob(ctx, station); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("paused station claimed: %v", err)
	}
	db.SetStationPaused(ctx, station, false, "user:1")
	if _, err := db.ClaimJob(ctx, station); err != nil {
		t.Fatalf("resumed station: %v", err)
	}
}

// TestExpiredLeaseAfterPDFFetched: a station that fetched the card and then went silent may have
// printed it with its report lost; the job must not go to another station but to a person.
func TestExpiredLeaseAfterPDFFetched(t *testing.T) {
	ctx := context.Background()
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	station, _ := addStation(t, db, "Loket 1")
	other, _ := addStation(t, db, "Loket 2")
	_, fetched := queuedCard(t, db, 1)
	_, untouched := queuedCard(t, db, 2)
	if j, err := db.ClaimJob(ctx, station); err != nil || j.ID != fetched {
		t.Fatalf("claim = %+v, %v", j, err)
	}
	if err := db.MarkPDFSent(ctx, fetched); err != nil {
		t.Fatal(err)
	}
	if j, err := db.ClaimJob(ctx, station); err != nil || j.ID != untouched {
		t.Fatalf("second claim = %+v, %v", j, err)
	}
	clock.Set(morning.Add(storage.LeaseDuration + time.Minute))
	if _, err := db.ExpireLeases(ctx); err != nil {
		t.Fatal(err)
	}
	if j, _ := db.PrintJob(ctx, fetched); j.State != domain.PrintNeedsCheck {
		t.Fatalf("fetched job after expiry: %s, want needs_check", j.State)
	}
	got, err := db.ClaimJob(ctx, other)
	if err != nil || got.ID != untouched {
		t.Fatalf("the other station claims %+v, %v; want only the job whose card never left", got, err)
	}
	if _, err := db.ClaimJob(ctx, other); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("the fetched job went to another station: %v", err)
	}
}
