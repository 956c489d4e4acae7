package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

func addOfficer(t *testing.T, db *storage.DB, username string, role domain.Role) int64 {
	t.Helper()
	id, err := db.CreateUser(context.Background(), domain.Officer{Username: username, FullName: "Officer " + username,
		NIP: "198001012010011001", Role: role}, "x")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// readyToApprove brings an application to the state where approval is possible: documents ticked,
// photo taken.
func readyToApprove(t *testing.T, db *storage.DB, appID, userID int64) {
	t.Helper()
	ctx := context.Background()
	if err := db.SetDocuments(ctx, appID, userID, []string{"ktp", "foto", "ijazah"}); err != nil {
		t.Fatalf("SetDocuments: %v", err)
	}
	if err := db.SavePhoto(ctx, appID, userID, []byte{0xff, 0xd8, 0xff}); err != nil {
		t.Fatalf("SavePhoto: %v", err)
	}
}

func TestDeskLifecycleToApproval(t *testing.T) {
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	app := submit(t, db, testForm(1))

	if err := db.CallApplication(ctx, app.ID, petugas, "2"); err != nil {
		t.Fatal(err)
	}
	calls, err := db.LastCalls(ctx, 5)
	if err != nil || len(calls) != 1 || calls[0].Ticket != "A-001" || calls[0].Desk != "2" {
		t.Fatalf("LastCalls = %+v, %v", calls, err)
	}
	if _, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern}); !isNotReady(err) {
		t.Fatalf("approve before documents: %v", err)
	}
	if err := db.SetDocuments(ctx, app.ID, petugas, []string{"ktp", "foto", "ijazah"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern}); !isNotReady(err) {
		t.Fatalf("approve before photo: %v", err)
	}
	if err := db.SavePhoto(ctx, app.ID, petugas, []byte("jpeg")); err != nil {
		t.Fatal(err)
	}
	// Nobody names the signer at approval: the card is signed off after printing (issue 9).
	got, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern})
	if err != nil {
		t.Fatal(err)
	}
	if got.RegNumber != "5171 100326 000001" || got.AgendaNumber != 1 {
		t.Fatalf("approved = %+v", got)
	}
	c, err := db.Card(ctx, got.CardID)
	if err != nil || c.Serial != 1 || c.State != "active" || c.PengantarID != 0 ||
		c.IssuedOn.Format("2006-01-02") != "2026-03-10" || c.ValidUntil.Format("2006-01-02") != "2028-03-10" {
		t.Fatalf("card = %+v, %v", c, err)
	}
	if st, err := db.PrintJobState(ctx, got.CardID); err != nil || st != "queued" {
		t.Fatalf("print job %q, %v", st, err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE application_id = ? AND action = 'approve' AND actor = ?`, app.ID, fmt.Sprintf("user:%d", petugas)); n != 1 {
		t.Fatalf("approve audit rows = %d", n)
	}
	// A second approval of the same application is "already handled".
	if _, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern}); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("second approval: %v", err)
	}
}

func isNotReady(err error) bool {
	var nr *storage.NotReadyError
	return errors.As(err, &nr)
}

func TestCorrectionRecordsOldValues(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	app := submit(t, db, testForm(1))
	f := app.Form
	f.FullName = "I Wayan Sudarsana"
	changes := []storage.FieldChange{{Field: "full_name", Old: "I Wayan Sudarma", New: "I Wayan Sudarsana"}}
	if err := db.CorrectApplication(ctx, app.ID, petugas, domain.StateSubmitted, &f, changes); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Corrections(ctx, app.ID)
	if len(got) != 1 || got[0].Field != "full_name" || got[0].Old != changes[0].Old || got[0].New != changes[0].New ||
		got[0].By != "Officer petugas" || !got[0].At.Equal(morning) {
		t.Fatalf("corrections = %+v, want the change with who (Officer petugas) and when (%v)", got, morning)
	}
	stored, _ := db.Application(ctx, app.ID)
	if stored.FullName != "I Wayan Sudarsana" || stored.Form.FullName != "I Wayan Sudarsana" {
		t.Fatalf("stored = %+v", stored)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE application_id = ? AND action = 'correct' AND detail LIKE '%full_name%'`, app.ID); n != 1 {
		t.Fatalf("correction audit rows = %d", n)
	}
	// A correction made on a stale view (someone moved the application on) is refused.
	if err := db.CorrectApplication(ctx, app.ID, petugas, domain.StateCalled, &f, changes); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("stale correction: %v", err)
	}
}

// TestApproveConcurrentSerials approves 1,000 applications from many goroutines at once: every
// approval gets its own registration number, and the serials are exactly 1..1000.
func TestApproveConcurrentSerials(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	const n = 1000
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = submit(t, db, testForm(i+1)).ID
	}
	// Bring all to "photographed" directly; the desk steps are tested above.
	if err := db.ExecForTest(ctx, `UPDATE applications SET state = 'photographed', documents = 'ktp,foto,ijazah'`); err != nil {
		t.Fatal(err)
	}
	if err := db.ExecForTest(ctx, `INSERT INTO photos (application_id, jpeg, taken_at) SELECT id, x'ffd8', '2026-03-10T01:00:00.000Z' FROM applications`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	regs := make([]string, n)
	errs := make([]error, n)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := db.Approve(ctx, storage.Approval{ApplicationID: ids[i], UserID: petugas, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern})
			errs[i] = err
			if err == nil {
				regs[i] = got.RegNumber
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("approval %d: %v", i, err)
		}
	}
	sort.Strings(regs)
	for i, r := range regs {
		want := fmt.Sprintf("5171 100326 %06d", i+1)
		if r != want {
			t.Fatalf("serial %d = %q, want %q (distinct and consecutive)", i, r, want)
		}
	}
	if c := count(t, db, `SELECT count(*) FROM print_jobs WHERE state = 'queued'`); c != n {
		t.Fatalf("queued print jobs = %d", c)
	}
	if c := count(t, db, `SELECT count(DISTINCT number) FROM agenda_entries WHERE level = 'SMA' AND year = 2026`); c != n {
		t.Fatalf("agenda numbers = %d", c)
	}
}

// TestApproveSameApplicationTwiceConcurrently: two officers press "Setujui" at the same moment.
func TestApproveSameApplicationTwiceConcurrently(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	a := addOfficer(t, db, "petugas1", domain.RolePetugas)
	b := addOfficer(t, db, "petugas2", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	for round := 0; round < 20; round++ {
		app := submit(t, db, testForm(round+1))
		readyToApprove(t, db, app.ID, a)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, u := range []int64{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: u, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern})
			}()
		}
		wg.Wait()
		wins, handled := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case errors.Is(err, storage.ErrStateChanged):
				handled++
			default:
				t.Fatalf("unexpected error %v", err)
			}
		}
		if wins != 1 || handled != 1 {
			t.Fatalf("round %d: %d wins, %d already handled", round, wins, handled)
		}
		if c := count(t, db, `SELECT count(*) FROM cards WHERE application_id = ?`, app.ID); c != 1 {
			t.Fatalf("cards = %d", c)
		}
	}
}

// TestManualCardFollowsDeskRules: a manual card is signed by an active Pengantar Kerja, and is not
// entered for a NIK with an open application or a card still valid, as the kiosk and the desk would
// not give one (issue 7, finding 9). A card that has lapsed does not stand in the way.
func TestManualCardFollowsDeskRules(t *testing.T) {
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	admin := addOfficer(t, db, "admin", domain.RoleAdmin)
	gone := addOfficer(t, db, "pensiun", domain.RolePengantar)
	if err := db.SetUserDisabled(ctx, "pensiun", true); err != nil {
		t.Fatal(err)
	}
	manual := func(serial int, reg string, issued time.Time, signer int64) (int64, error) {
		return db.EnterManualCard(ctx, storage.ManualCard{Form: testForm(serial), RegNumber: reg, IssuedOn: issued, PengantarID: signer, UserID: petugas})
	}
	march := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, signer := range []int64{0, petugas, admin, gone, 9999} {
		if _, err := manual(60, "5171 020326 000060", march, signer); !errors.Is(err, storage.ErrNotPengantar) {
			t.Errorf("manual card signed by user %d: %v, want ErrNotPengantar", signer, err)
		}
	}
	open := submit(t, db, testForm(61))
	if id, err := manual(61, "5171 020326 000061", march, pengantar); !errors.Is(err, domain.ErrAlreadyOpen) || id != open.ID {
		t.Errorf("manual card for a NIK with an open application: %d, %v; want ErrAlreadyOpen with %d", id, err, open.ID)
	}
	if _, err := manual(62, "5171 020326 000062", march, pengantar); err != nil {
		t.Fatal(err)
	}
	var valid *storage.ActiveCardError
	if _, err := manual(62, "5171 020326 000063", march, pengantar); !errors.As(err, &valid) ||
		valid.RegNumber != "5171 020326 000062" || valid.ValidUntil.Format("2006-01-02") != "2028-03-02" {
		t.Errorf("second manual card for a NIK with a valid card: %v", err)
	}
	clock.Set(time.Date(2028, 3, 3, 1, 0, 0, 0, time.UTC)) // the first card lapsed yesterday
	if _, err := manual(62, "5171 030328 000064", time.Date(2028, 3, 3, 0, 0, 0, 0, time.UTC), pengantar); err != nil {
		t.Errorf("manual card after the first one lapsed: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM cards WHERE manual = 1`); n != 2 {
		t.Errorf("%d manual cards stored, want 2", n)
	}
}

func TestManualCardDoesNotConsumeOrCollide(t *testing.T) {
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	// A hand-made card that happens to carry the number the system would give next.
	m := storage.ManualCard{Form: testForm(50), RegNumber: "5171 100326 000001", IssuedOn: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), PengantarID: pengantar, UserID: petugas}
	id, err := db.EnterManualCard(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	app, _ := db.Application(ctx, id)
	if app.Source != "manual" || app.State != domain.StateHandedOver {
		t.Fatalf("manual application = %+v", app)
	}
	m2 := m
	m2.Form = testForm(51)
	m2.RegNumber = "5171100326000001"
	if _, err := db.EnterManualCard(ctx, m2); !errors.Is(err, storage.ErrRegNumberTaken) {
		t.Fatalf("duplicate manual number: %v", err)
	}
	a := submit(t, db, testForm(2))
	readyToApprove(t, db, a.ID, petugas)
	got, err := db.Approve(ctx, storage.Approval{ApplicationID: a.ID, UserID: petugas, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern})
	if err != nil {
		t.Fatal(err)
	}
	if got.RegNumber != "5171 100326 000002" {
		t.Fatalf("automatic number after a manual one = %q (must skip the taken number)", got.RegNumber)
	}
	if c := count(t, db, `SELECT count(*) FROM print_jobs`); c != 1 {
		t.Fatalf("print jobs = %d (manual cards are not printed)", c)
	}
	items, err := db.Queue(ctx, storage.QueueFilter{Query: strings.ReplaceAll(m.RegNumber, " ", "")})
	if err != nil || len(items) != 1 || items[0].ID != id {
		t.Fatalf("search by registration number = %+v, %v", items, err)
	}
}

func TestQueueSearchAndFilter(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	a := submit(t, db, testForm(1))
	f := testForm(2)
	f.FullName = "Ni Luh Putu Sari"
	f.Sex = "P"
	f.NIK = "5171034708010002"
	b := submit(t, db, f)
	if err := db.ReturnApplication(ctx, b.ID, petugas, domain.StateSubmitted, "Fotokopi ijazah terakhir belum dibawa"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    storage.QueueFilter
		want []int64
	}{
		{"today", storage.QueueFilter{Day: "2026-03-10"}, []int64{a.ID, b.ID}},
		{"other day", storage.QueueFilter{Day: "2026-03-11"}, nil},
		{"waiting", storage.QueueFilter{States: []domain.State{domain.StateSubmitted}}, []int64{a.ID}},
		{"by NIK", storage.QueueFilter{Query: f.NIK}, []int64{b.ID}},
		{"by name part", storage.QueueFilter{Query: "luh putu"}, []int64{b.ID}},
		{"by ticket", storage.QueueFilter{Query: "a1"}, []int64{a.ID}},
		{"by status code", storage.QueueFilter{Query: b.StatusCode}, []int64{b.ID}},
	}
	for _, c := range cases {
		items, err := db.Queue(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []int64
		for _, it := range items {
			got = append(got, it.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	stored, _ := db.Application(ctx, b.ID)
	if stored.State != domain.StateReturned || stored.StateReason != "Fotokopi ijazah terakhir belum dibawa" {
		t.Fatalf("returned application = %+v", stored)
	}
}
