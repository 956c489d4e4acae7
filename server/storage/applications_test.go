package storage_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"sync"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// fakeClock is a clock the test sets by hand; Now is safe to call from many goroutines.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// morning is 09:00 WITA on Tuesday 10 March 2026.
var morning = time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)

func openDB(t *testing.T, clock *fakeClock) (*storage.DB, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := storage.Open(context.Background(), dir, clock.Now)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dir
}

// testForm is a checked, normalized Daftar Isian of a man born 7 August 2001; serial makes the NIK
// unique (1..9999).
func testForm(serial int) *domain.Form {
	return &domain.Form{
		NIK: fmt.Sprintf("517103070801%04d", serial), FullName: "I Wayan Sudarma", BirthPlace: "Denpasar",
		BirthDay: "7", BirthMonth: "8", BirthYear: "2001", Sex: "L",
		Street: "Jl. Gatot Subroto Barat No. 12", RT: "003", RW: "001", Kecamatan: "517104", Kelurahan: "Ubung",
		Phone: "081234567890", Marital: "Belum Kawin", Religion: "Hindu",
		EduLevel: "SMA", EduCode: "3801", EduSchool: "SMA Negeri 4 Denpasar", EduYear: "2019",
		EduHistory: []domain.Education{{Level: "SD", School: "SD Negeri 1 Ubung", Year: "2013"},
			{Level: "SMP/SLTP", School: "SMP Negeri 3 Denpasar", Year: "2016"}},
		Languages: []string{"Inggris", "Jepang"}, NeverWorked: true,
		DesiredKBJI: "5", DesiredLocation: "lokal", DesiredWage: "3500000",
	}
}

func count(t *testing.T, db *storage.DB, query string, args ...any) int {
	t.Helper()
	n, err := db.IntForTest(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func submit(t *testing.T, db *storage.DB, f *domain.Form) *domain.Application {
	t.Helper()
	app, err := db.SubmitApplication(context.Background(), f, "kiosk", "kiosk", "")
	if err != nil {
		t.Fatalf("SubmitApplication(%s): %v", f.NIK, err)
	}
	return app
}

var statusCodeFormat = regexp.MustCompile(`^[A-Z2-9]{3}-[A-Z2-9]{3}$`)

func TestSubmitApplicationTicketsRestartEachOfficeDay(t *testing.T) {
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	steps := []struct {
		name       string
		at         time.Time
		wantTicket string
		wantDay    string
	}{
		{"first of the day", morning, "A-001", "2026-03-10"},
		{"second", morning.Add(time.Minute), "A-002", "2026-03-10"},
		{"third", morning.Add(2 * time.Hour), "A-003", "2026-03-10"},
		{"23:59:59 WITA is still the same day", time.Date(2026, 3, 10, 15, 59, 59, 999e6, time.UTC), "A-004", "2026-03-10"},
		{"16:30 UTC is 00:30 WITA the next day", time.Date(2026, 3, 10, 16, 30, 0, 0, time.UTC), "A-001", "2026-03-11"},
		{"next morning", time.Date(2026, 3, 11, 1, 0, 0, 0, time.UTC), "A-002", "2026-03-11"},
		{"a day later still", time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC), "A-001", "2026-03-12"},
	}
	for i, s := range steps {
		clock.Set(s.at)
		f := testForm(i + 1)
		app := submit(t, db, f)
		if app.Ticket != s.wantTicket || app.TicketDay != s.wantDay {
			t.Fatalf("%s: ticket %s on %s, want %s on %s", s.name, app.Ticket, app.TicketDay, s.wantTicket, s.wantDay)
		}
		if app.ID == 0 || app.State != domain.StateSubmitted || app.Source != "kiosk" || app.NIK != f.NIK ||
			app.BirthDate != "2001-08-07" || app.Sex != "L" || app.FullName != f.FullName ||
			!statusCodeFormat.MatchString(app.StatusCode) || !app.CreatedAt.Equal(s.at) || !app.UpdatedAt.Equal(s.at) {
			t.Errorf("%s: returned application %+v", s.name, app)
		}
		stored, err := db.Application(context.Background(), app.ID)
		if err != nil {
			t.Fatalf("%s: Application(%d): %v", s.name, app.ID, err)
		}
		if stored.Ticket != app.Ticket || stored.TicketDay != app.TicketDay || stored.StatusCode != app.StatusCode ||
			stored.State != app.State || !stored.CreatedAt.Equal(s.at) || !reflect.DeepEqual(stored.Form, *f) {
			t.Errorf("%s: stored %+v\nreturned %+v", s.name, stored, app)
		}
		byCode, err := db.ApplicationByCode(context.Background(), app.StatusCode)
		if err != nil || byCode.ID != app.ID {
			t.Errorf("%s: ApplicationByCode(%s) = %v, %v", s.name, app.StatusCode, byCode, err)
		}
	}
	if _, err := db.Application(context.Background(), 9999); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Application(9999) error = %v, want ErrNotFound", err)
	}
}

func TestSubmitApplicationDuplicateNIK(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		state    domain.State
		accepted bool
	}{
		{domain.StateSubmitted, false},
		{domain.StateCalled, false},
		{domain.StateReturned, false},
		{domain.StateResubmitted, false},
		{domain.StateVerified, false},
		{domain.StatePhotographed, false},
		{domain.StateApproved, false},
		{domain.StatePrinted, true},
		{domain.StateHandedOver, true},
		{domain.StateRejected, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.state), func(t *testing.T) {
			clock := newClock(morning)
			db, _ := openDB(t, clock)
			first := submit(t, db, testForm(1))
			if err := db.ExecForTest(ctx, `UPDATE applications SET state = ? WHERE id = ?`, tt.state, first.ID); err != nil {
				t.Fatal(err)
			}
			clock.Set(morning.Add(time.Hour))
			again, err := db.SubmitApplication(ctx, testForm(1), "kiosk", "kiosk", "")
			rows := count(t, db, `SELECT count(*) FROM applications`)
			audits := count(t, db, `SELECT count(*) FROM audit_log`)
			if !tt.accepted {
				if !errors.Is(err, domain.ErrAlreadyOpen) {
					t.Fatalf("second submission error = %v, want ErrAlreadyOpen", err)
				}
				if again == nil || again.ID != first.ID || again.Ticket != first.Ticket ||
					again.StatusCode != first.StatusCode || again.State != tt.state {
					t.Fatalf("second submission returned %+v, want the open application %+v", again, first)
				}
				if rows != 1 || audits != 1 {
					t.Errorf("after a refused submission: %d applications, %d audit rows; want 1 and 1", rows, audits)
				}
				// The refused submission took no ticket.
				if next := submit(t, db, testForm(2)); next.Ticket != "A-002" {
					t.Errorf("next ticket = %s, want A-002", next.Ticket)
				}
				return
			}
			if err != nil {
				t.Fatalf("submission after %s: %v", tt.state, err)
			}
			if again.ID == first.ID || again.Ticket != "A-002" || again.State != domain.StateSubmitted ||
				again.StatusCode == first.StatusCode {
				t.Errorf("new application %+v, first %+v", again, first)
			}
			if rows != 2 || audits != 2 {
				t.Errorf("%d applications, %d audit rows; want 2 and 2", rows, audits)
			}
			// The newest open one is now the one a third attempt is told about.
			third, err := db.SubmitApplication(ctx, testForm(1), "kiosk", "kiosk", "")
			if !errors.Is(err, domain.ErrAlreadyOpen) || third.ID != again.ID {
				t.Errorf("third submission = %+v, %v; want ErrAlreadyOpen with %d", third, err, again.ID)
			}
		})
	}
}

func TestSubmitApplicationDeletesDraft(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t, newClock(morning))
	f := testForm(1)
	for _, tok := range []string{"mine", "someone-else"} {
		if err := db.SaveDraft(ctx, tok, f); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SubmitApplication(ctx, f, "kiosk", "kiosk", "mine"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadDraft(ctx, "mine"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("LoadDraft(mine) after submit: %v, want ErrNotFound", err)
	}
	if _, err := db.LoadDraft(ctx, "someone-else"); err != nil {
		t.Errorf("another kiosk's draft was touched: %v", err)
	}
	// An unknown token is not an error.
	if _, err := db.SubmitApplication(ctx, testForm(2), "kiosk", "kiosk", "gone"); err != nil {
		t.Errorf("submit with an unknown draft token: %v", err)
	}
}

// TestSubmitApplicationIsOneTransaction makes the draft deletion, the last statement of a submission,
// fail, and checks that nothing of the submission remains: no application, no audit row, no ticket used.
func TestSubmitApplicationIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t, newClock(morning))
	f := testForm(1)
	if err := db.SaveDraft(ctx, "mine", f); err != nil {
		t.Fatal(err)
	}
	if err := db.ExecForTest(ctx, `CREATE TRIGGER keep_drafts BEFORE DELETE ON kiosk_drafts
		BEGIN SELECT RAISE(ABORT, 'draft delete blocked by test'); END`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SubmitApplication(ctx, f, "kiosk", "kiosk", "mine"); err == nil {
		t.Fatal("submission succeeded although its draft could not be deleted")
	}
	if n := count(t, db, `SELECT count(*) FROM applications`); n != 0 {
		t.Errorf("%d applications left by a failed submission", n)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log`); n != 0 {
		t.Errorf("%d audit rows left by a failed submission", n)
	}
	if err := db.ExecForTest(ctx, `DROP TRIGGER keep_drafts`); err != nil {
		t.Fatal(err)
	}
	app, err := db.SubmitApplication(ctx, f, "kiosk", "kiosk", "mine")
	if err != nil {
		t.Fatal(err)
	}
	if app.Ticket != "A-001" {
		t.Errorf("ticket after a failed submission = %s, want A-001 (the failed one must not use a number)", app.Ticket)
	}
	if _, err := db.LoadDraft(ctx, "mine"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("draft still there: %v", err)
	}
}

func TestFindForStatusCheck(t *testing.T) {
	ctx := context.Background()
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	yesterday := submit(t, db, testForm(1)) // A-001 on 10 March
	clock.Set(morning.Add(24 * time.Hour))
	today := submit(t, db, testForm(2)) // A-001 on 11 March, same birth date
	other := testForm(3)
	other.BirthDay, other.BirthMonth, other.BirthYear, other.NIK = "1", "2", "1999", "5171030102990003"
	second := submit(t, db, other) // A-002 on 11 March

	tests := []struct {
		name   string
		code   string
		birth  string
		wantID int64 // 0: ErrNotFound
	}{
		{"code and birth date", today.StatusCode, "2001-08-07", today.ID},
		{"older code and birth date", yesterday.StatusCode, "2001-08-07", yesterday.ID},
		{"another code and its birth date", second.StatusCode, "1999-02-01", second.ID},
		{"code with wrong birth date", today.StatusCode, "2001-08-08", 0},
		{"code with another's birth date", second.StatusCode, "2001-08-07", 0},
		{"a ticket is not a code", "A-001", "2001-08-07", 0},
		{"unknown code", "AAA-AAA", "2001-08-07", 0},
		{"nothing given", "", "2001-08-07", 0},
		{"birth date in another format", today.StatusCode, "07-08-2001", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, err := db.FindForStatusCheck(ctx, tt.code, tt.birth, 100, time.Hour)
			if tt.wantID == 0 {
				if !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("FindForStatusCheck = %+v, %v; want ErrNotFound", app, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("FindForStatusCheck: %v", err)
			}
			if app.ID != tt.wantID {
				t.Errorf("found application %d (%s on %s), want %d", app.ID, app.Ticket, app.TicketDay, tt.wantID)
			}
		})
	}
}

// TestStatusCheckAttemptsPerApplication: after max attempts within the window every attempt is
// refused, the right one too; the count starts again after the window, and a right answer within
// the limit clears it.
func TestStatusCheckAttemptsPerApplication(t *testing.T) {
	ctx := context.Background()
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	app := submit(t, db, testForm(1))
	const max, window = 3, 10 * time.Minute
	for i := range max - 1 {
		if _, err := db.FindForStatusCheck(ctx, app.StatusCode, "1990-01-01", max, window); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("wrong attempt %d: %v", i+1, err)
		}
	}
	if _, err := db.FindForStatusCheck(ctx, app.StatusCode, "2001-08-07", max, window); err != nil {
		t.Fatalf("right attempt within the limit: %v", err)
	}
	for i := range max {
		if _, err := db.FindForStatusCheck(ctx, app.StatusCode, "1990-01-01", max, window); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("wrong attempt %d after a right one cleared the count: %v", i+1, err)
		}
	}
	if _, err := db.FindForStatusCheck(ctx, app.StatusCode, "2001-08-07", max, window); !errors.Is(err, storage.ErrTooManyAttempts) {
		t.Fatalf("right attempt over the limit: %v, want ErrTooManyAttempts", err)
	}
	clock.Set(morning.Add(window + time.Second))
	if _, err := db.FindForStatusCheck(ctx, app.StatusCode, "2001-08-07", max, window); err != nil {
		t.Fatalf("right attempt after the window: %v", err)
	}
}

func TestDraftRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t, newClock(morning))
	if _, err := db.LoadDraft(ctx, "tok"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("LoadDraft of a missing draft: %v, want ErrNotFound", err)
	}
	f := testForm(1)
	f.Trainings[2] = domain.Training{Name: "Kursus \"Barista\" <dasar> & lanjut — ☕", Year: "2022"}
	f.Experiences[0] = domain.Experience{Position: "Pelayan", Duties: "Baris 1\tdan 2", Years: "1", Employer: "Café Ubud"}
	f.NIK = "5171 03 bukan NIK" // drafts keep whatever was typed
	if err := db.SaveDraft(ctx, "tok", f); err != nil {
		t.Fatal(err)
	}
	got, err := db.LoadDraft(ctx, "tok")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, f) {
		t.Fatalf("LoadDraft = %+v\nwant %+v", got, f)
	}
	f.FullName, f.Languages = "I Wayan Sudarma Putra", nil
	if err := db.SaveDraft(ctx, "tok", f); err != nil {
		t.Fatal(err)
	}
	if got, err := db.LoadDraft(ctx, "tok"); err != nil || !reflect.DeepEqual(got, f) {
		t.Fatalf("after replacing: %+v, %v", got, err)
	}
	if n := count(t, db, `SELECT count(*) FROM kiosk_drafts`); n != 1 {
		t.Errorf("%d drafts after saving one token twice", n)
	}
	if err := db.DeleteDraft(ctx, "tok"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadDraft(ctx, "tok"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("LoadDraft after DeleteDraft: %v", err)
	}
	if err := db.DeleteDraft(ctx, "tok"); err != nil {
		t.Errorf("deleting a missing draft: %v", err)
	}
}

func TestSweepDrafts(t *testing.T) {
	ctx := context.Background()
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	saveAt := func(tok string, at time.Time) {
		clock.Set(at)
		if err := db.SaveDraft(ctx, tok, testForm(1)); err != nil {
			t.Fatal(err)
		}
	}
	saveAt("old", morning)
	saveAt("touched", morning)
	saveAt("at-limit", morning.Add(15*time.Minute))
	saveAt("recent", morning.Add(30*time.Minute))
	saveAt("touched", morning.Add(40*time.Minute)) // saved again: its age starts over

	clock.Set(morning.Add(45 * time.Minute))
	n, err := db.SweepDrafts(ctx, 30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("SweepDrafts deleted %d, want 1", n)
	}
	for tok, want := range map[string]bool{"old": false, "touched": true, "at-limit": true, "recent": true} {
		_, err := db.LoadDraft(ctx, tok)
		if got := err == nil; got != want {
			t.Errorf("draft %q kept = %v (err %v), want %v", tok, got, err, want)
		}
	}
	clock.Set(morning.Add(24 * time.Hour))
	if n, err := db.SweepDrafts(ctx, 30*time.Minute); err != nil || n != 3 {
		t.Errorf("second sweep = %d, %v; want 3", n, err)
	}
	if n, err := db.SweepDrafts(ctx, 30*time.Minute); err != nil || n != 0 {
		t.Errorf("sweep of an empty table = %d, %v", n, err)
	}
}

func TestSubmitApplicationConcurrent(t *testing.T) {
	const n = 50
	ctx := context.Background()
	db, _ := openDB(t, newClock(morning))
	tickets := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			app, err := db.SubmitApplication(ctx, testForm(i+1), "kiosk", "kiosk", "")
			errs[i] = err
			if err == nil {
				tickets[i] = app.Ticket
			}
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("submission %d: %v", i, err)
		}
	}
	sort.Strings(tickets)
	for i, tk := range tickets {
		if want := domain.FormatTicket("A", i+1); tk != want {
			t.Fatalf("sorted tickets = %v, want A-001..A-%03d each once", tickets, n)
		}
	}
	if got := count(t, db, `SELECT count(DISTINCT status_code) FROM applications`); got != n {
		t.Errorf("%d distinct status codes, want %d", got, n)
	}
	if got := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'submit'`); got != n {
		t.Errorf("%d audit rows, want %d", got, n)
	}
}

func TestOpenIsIdempotent(t *testing.T) {
	ctx := context.Background()
	clock := newClock(morning)
	dir := t.TempDir()
	db, err := storage.Open(ctx, dir, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	first := submit(t, db, testForm(1))
	version := count(t, db, `PRAGMA user_version`)
	if version < 1 {
		t.Errorf("user_version = %d after migrating", version)
	}

	// A second Open while the first is still open (a restart overlapping the old process).
	db2, err := storage.Open(ctx, dir, clock.Now)
	if err != nil {
		t.Fatalf("second Open on the same dir: %v", err)
	}
	if err := db2.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db3, err := storage.Open(ctx, dir, clock.Now)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db3.Close()
	if err := db3.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if v := count(t, db3, `PRAGMA user_version`); v != version {
		t.Errorf("user_version = %d after reopening, was %d", v, version)
	}
	got, err := db3.Application(ctx, first.ID)
	if err != nil || got.Ticket != "A-001" {
		t.Fatalf("application after reopening: %+v, %v", got, err)
	}
	if next := submit(t, db3, testForm(2)); next.Ticket != "A-002" {
		t.Errorf("ticket after reopening = %s, want A-002 (the counter survives a restart)", next.Ticket)
	}
}

func TestSubmitApplicationWritesAudit(t *testing.T) {
	ctx := context.Background()
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	a1, err := db.SubmitApplication(ctx, testForm(1), "kiosk", "kiosk", "")
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(morning.Add(90 * time.Second))
	a2, err := db.SubmitApplication(ctx, testForm(2), "desk", "user:7", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SubmitApplication(ctx, testForm(2), "desk", "user:7", ""); !errors.Is(err, domain.ErrAlreadyOpen) {
		t.Fatalf("duplicate: %v", err)
	}
	tests := []struct {
		app   *domain.Application
		actor string
		at    string
	}{
		{a1, "kiosk", "2026-03-10T01:00:00.000Z"},
		{a2, "user:7", "2026-03-10T01:01:30.000Z"},
	}
	for _, tt := range tests {
		n := count(t, db, `SELECT count(*) FROM audit_log WHERE application_id = ? AND action = 'submit'
			AND actor = ? AND at = ? AND from_state = '' AND to_state = 'submitted' AND detail LIKE '%' || ?`,
			tt.app.ID, tt.actor, tt.at, tt.app.Ticket)
		if n != 1 {
			t.Errorf("application %d (%s): %d matching audit rows, want 1", tt.app.ID, tt.app.Ticket, n)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log`); n != 2 {
		t.Errorf("%d audit rows, want 2 (the refused duplicate writes none)", n)
	}
}
