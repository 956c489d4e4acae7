package gen_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
	"ak1/server/storage/gen"
)

// now is 10:30 in Denpasar on a Friday.
var now = time.Date(2026, 11, 27, 2, 30, 0, 0, time.UTC)

// TestGenerate fills a database and then uses it as the office would: the rows are consistent with
// what the desk and the print stations write, every form passes the kiosk's checks, and the real
// system goes on from where the generated data ends.
func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	sum, err := gen.Generate(ctx, dir, gen.Options{Count: 3000, Now: now, Seed: 7, PerDay: 300})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Applications != 3000 || sum.Days < 10 || sum.Last != "2026-11-27" || sum.Today.Applications == 0 || sum.Today.Waiting == 0 {
		t.Fatalf("summary %+v", sum)
	}
	db, err := storage.Open(ctx, dir, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string, args ...any) int {
		t.Helper()
		n, err := db.QueryIntForTest(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM applications`:                        sum.Applications,
		`SELECT count(*) FROM cards`:                               sum.Cards,
		`SELECT count(*) FROM calls`:                               sum.Calls,
		`SELECT count(*) FROM print_jobs`:                          sum.PrintJobs,
		`SELECT count(*) FROM photos`:                              sum.Photos,
		`SELECT count(DISTINCT ticket_day) FROM applications`:      sum.Days,
		`SELECT count(*) FROM applications WHERE source != 'demo'`: 0,
		// One card per approved application (its first serial), and a registration number never twice.
		`SELECT count(*) FROM applications WHERE state IN ('approved', 'printed', 'handed_over')`: count(`SELECT count(*) FROM cards WHERE serial = 1`),
		`SELECT count(DISTINCT reg_number) FROM cards`:                                            count(`SELECT count(*) FROM cards WHERE serial = 1`),
		// The form's rows beside it (migration 071), as storage writes them.
		`SELECT count(*) FROM application_education WHERE highest = 1`:      sum.Applications,
		`SELECT count(*) FROM applications WHERE desired_kbji = ''`:         0,
		`SELECT count(DISTINCT application_id) FROM application_experience`: count(`SELECT count(*) FROM applications WHERE json_extract(form, '$.never_worked') IS NOT 1`),
		// The name index holds every application.
		`SELECT count(*) FROM applications_fts WHERE applications_fts MATCH 'state : printed'`: count(`SELECT count(*) FROM applications WHERE state = 'printed'`),
	} {
		if got := count(q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	if n := count(`SELECT count(*) FROM (SELECT nik FROM applications WHERE state IN ('submitted', 'called', 'returned', 'resubmitted',
		'verified', 'photographed', 'approved') GROUP BY nik HAVING count(*) > 1)`); n != 0 {
		t.Errorf("%d NIKs with two open applications", n)
	}
	if n := count(`SELECT count(*) FROM applications a JOIN audit_log l ON l.application_id = a.id AND l.id = (SELECT max(id)
		FROM audit_log WHERE application_id = a.id AND to_state != '' AND action NOT LIKE 'print-%') WHERE l.to_state != a.state`); n != 0 {
		t.Errorf("%d applications whose last audited state is not their state (print jobs have their own)", n)
	}

	// Every form passes the kiosk's checks as of its day.
	items, err := db.QueuePage(ctx, storage.QueueFilter{Query: "wayan", Limit: 200})
	if err != nil || len(items.Items) < 50 {
		t.Fatalf("search wayan: %v, %d rows", err, len(items.Items))
	}
	for _, it := range items.Items {
		day, _ := time.Parse("2006-01-02", it.TicketDay)
		if errs, _ := it.Form.Validate(domain.Rules{MinAge: 18, Today: day}); len(errs) > 0 {
			t.Errorf("application %d (%s) fails the form checks: %v", it.ID, it.FullName, errs)
		}
	}

	// The desk's views of today.
	page, err := db.QueuePage(ctx, storage.QueueFilter{Day: "2026-11-27", States: []domain.State{domain.StateSubmitted, domain.StateResubmitted, domain.StateCalled}})
	if err != nil || page.Total < sum.Today.Waiting {
		t.Fatalf("today's queue: %v, total %d, waiting %d", err, page.Total, sum.Today.Waiting)
	}
	if calls, err := db.LastCalls(ctx, 7); err != nil || len(calls) != 7 {
		t.Fatalf("lobby: %v, %+v", err, calls)
	}
	if jobs, err := db.PrintJobs(ctx); err != nil || len(jobs) == 0 || jobs[0].State != domain.PrintQueued {
		t.Fatalf("print queue: %v, %d jobs", err, len(jobs))
	}
	if got, _ := db.Queue(ctx, storage.QueueFilter{Query: sum.Today.ExactName}); len(got) == 0 || got[0].FullName != sum.Today.ExactName {
		t.Fatalf("search by the full name %q found %d", sum.Today.ExactName, len(got))
	}

	// The office carries on: the next ticket and the next registration number follow on.
	people := gen.NewPeople(99, now)
	app, err := db.SubmitApplication(ctx, people.Form(), "kiosk", "kiosk", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := domain.FormatTicket("A", count(`SELECT count(*) FROM applications WHERE ticket_day = '2026-11-27' AND ticket LIKE 'A-%'`)); app.Ticket != want {
		t.Errorf("next ticket %s, want %s", app.Ticket, want)
	}
	officer := int64(count(`SELECT min(id) FROM users WHERE role = 'petugas'`))
	pengantar := int64(count(`SELECT min(id) FROM users WHERE role = 'pengantar'`))
	if err := db.SetDocuments(ctx, app.ID, officer, storage.RequiredDocuments()); err != nil {
		t.Fatal(err)
	}
	photo, _ := people.Photo(false)
	if err := db.SavePhoto(ctx, app.ID, officer, photo); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: officer, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern}); err != nil {
		t.Fatalf("approve after generated data: %v", err)
	}

	// A database with applications is refused.
	if _, err := gen.Generate(ctx, dir, gen.Options{Count: 10, Now: now}); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Fatalf("generate into a full database: %v", err)
	}
}

// TestGenerateReturningJobSeekers: over more than two years some people come back for a new card
// when theirs has run out, never while it is still valid.
func TestGenerateReturningJobSeekers(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	if _, err := gen.Generate(ctx, dir, gen.Options{Count: 2000, Now: now, Seed: 3, PerDay: 3}); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(ctx, dir, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	again, err := db.QueryIntForTest(ctx, `SELECT count(*) FROM applications a JOIN applications b ON b.nik = a.nik AND b.id > a.id`)
	if err != nil || again == 0 {
		t.Fatalf("nobody came back for a new card (%v)", err)
	}
	early, err := db.QueryIntForTest(ctx, `SELECT count(*) FROM applications a JOIN applications b ON b.nik = a.nik AND b.id > a.id
		WHERE b.ticket_day < date(a.ticket_day, '+2 years')`)
	if err != nil || early != 0 {
		t.Fatalf("%d came back while their card was valid (%v)", early, err)
	}
}

// TestPeoplePassTheKioskChecks: every generated form is one the kiosk would accept.
func TestPeoplePassTheKioskChecks(t *testing.T) {
	people := gen.NewPeople(1, now)
	rules := domain.Rules{MinAge: 18, Today: now}
	names := map[string]bool{}
	for range 2000 {
		f := people.Form()
		if errs, _ := f.Validate(rules); len(errs) > 0 {
			t.Fatalf("%s %s fails the form checks: %v", f.NIK, f.FullName, errs)
		}
		names[f.FullName] = true
	}
	if len(names) < 1800 {
		t.Errorf("only %d different names among 2000 people", len(names))
	}
}
