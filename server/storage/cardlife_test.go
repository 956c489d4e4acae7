package storage_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// officeMorning is 09:00 WITA on the given day.
func officeMorning(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 9, 0, 0, 0, domain.OfficeZone)
}

// lifeSetup opens a database on 10 March 2026 with a Petugas and a Pengantar Kerja.
func lifeSetup(t *testing.T) (context.Context, *fakeClock, *storage.DB, int64, int64) {
	t.Helper()
	clock := newClock(officeMorning(2026, 3, 10))
	db, _ := openDB(t, clock)
	return context.Background(), clock, db, addOfficer(t, db, "petugas", domain.RolePetugas), addOfficer(t, db, "pengantar", domain.RolePengantar)
}

// approvedCard approves a new application at the desk on the clock's day and returns its card.
func approvedCard(t *testing.T, db *storage.DB, serial int, officer, pengantar int64) *storage.CardRecord {
	t.Helper()
	app := submit(t, db, testForm(serial))
	readyToApprove(t, db, app.ID, officer)
	got, err := db.Approve(context.Background(), storage.Approval{ApplicationID: app.ID, UserID: officer, PengantarID: pengantar,
		Pattern: domain.DefaultRegNoPattern})
	if err != nil {
		t.Fatalf("Approve: %v", err)
	}
	c, err := db.Card(context.Background(), got.CardID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// holder opens a kiosk holder session for the card as a typed number would.
func holder(t *testing.T, db *storage.DB, token string, c *storage.CardRecord, proof string) {
	t.Helper()
	if err := db.StartHolderSession(context.Background(), token, c.ID, proof); err != nil {
		t.Fatal(err)
	}
}

func isRule(err error) bool {
	var re *domain.RuleError
	return errors.As(err, &re)
}

// event is one card event as the IPK report reads it.
type event struct{ kind, from, to, on, ipk, actor string }

func events(t *testing.T, db *storage.DB, cardID int64) []event {
	t.Helper()
	rows, err := db.RowsForTest(context.Background(), `SELECT kind, from_state, to_state, on_day, ipk, actor FROM card_events WHERE card_id = ? ORDER BY id`, cardID)
	if err != nil {
		t.Fatal(err)
	}
	var out []event
	for _, r := range rows {
		out = append(out, event{r[0], r[1], r[2], r[3], r[4], r[5]})
	}
	return out
}

func lastEvent(t *testing.T, db *storage.DB, cardID int64) event {
	t.Helper()
	ev := events(t, db, cardID)
	if len(ev) == 0 {
		t.Fatalf("card %d has no events", cardID)
	}
	return ev[len(ev)-1]
}

// TestCardLifeWalk walks a card from approval through each report window to a missed report seen
// only after the server was off, and its renewal: every step at a boundary day, every change a
// dated event with its audit row.
func TestCardLifeWalk(t *testing.T) {
	ctx := context.Background()
	clock := newClock(officeMorning(2026, 3, 10))
	db, dir := openDB(t, clock)
	officer := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	card := approvedCard(t, db, 1, officer, pengantar)
	if ev := lastEvent(t, db, card.ID); ev != (event{domain.EventIssued, "", "active", "2026-03-10", domain.IPKRegistered, "user:1"}) {
		t.Fatalf("approval event = %+v", ev)
	}
	// Due dates: 10 Sep 2026, 10 Mar 2027, 10 Sep 2027; a report is accepted from 30 days before to
	// 29 days after; the card is valid until 10 Mar 2028.

	// Report 1, the day before its window opens (10 Aug 2026): refused, nothing recorded, no ticket.
	clock.Set(officeMorning(2026, 8, 10))
	holder(t, db, "kiosk-1", card, storage.ProofNumber)
	_, err := db.KioskService(ctx, storage.KioskRequest{Token: "kiosk-1", Service: "lapor", Report: true})
	if !isRule(err) || count(t, db, `SELECT count(*) FROM visits`) != 0 {
		t.Fatalf("report before the window: %v", err)
	}
	// The window's first day: the kiosk records it with a B ticket and forgets the session.
	clock.Set(officeMorning(2026, 8, 11))
	res, err := db.KioskService(ctx, storage.KioskRequest{Token: "kiosk-1", Service: "lapor", Report: true})
	if err != nil || res.Slot.Number != 1 || res.Visit.Ticket != "B-001" {
		t.Fatalf("report 1 on its first day: %+v, %v", res, err)
	}
	if n := count(t, db, `SELECT count(*) FROM kiosk_drafts`); n != 0 {
		t.Fatalf("the holder session outlived the report (%d)", n)
	}
	// The officer who receives it at the desk is recorded (name and NIP in the card's grid).
	if err := db.ReceiveReport(ctx, card.ApplicationID, 1, officer); err != nil {
		t.Fatal(err)
	}
	if err := db.ReceiveReport(ctx, card.ApplicationID, 1, pengantar); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("a second officer receiving the same report: %v", err)
	}

	// Report 2 on its last day (8 Apr 2027, 29 days late) at the desk.
	clock.Set(officeMorning(2027, 4, 8))
	slot, err := db.RecordReport(ctx, card.ID, officer, 0)
	if err != nil || slot.Number != 2 {
		t.Fatalf("report 2 on its last day: %+v, %v", slot, err)
	}
	life, err := db.CardLife(ctx, card.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(life.Reports) != 2 || life.Reports[0].ReceivedBy != "Officer petugas" || life.Reports[1].ReceivedNIP == "" || life.Life.Next != 3 {
		t.Fatalf("reports = %+v, next %d", life.Reports, life.Life.Next)
	}

	// Report 3 is never made. The server is off from 1 Sep 2027 to 3 Jan 2028: nothing ran. At start-up
	// the sweep writes the lapse dated 10 Oct 2027 (due 10 Sep + 30 days), not the day it ran.
	db.Close()
	clock.Set(officeMorning(2028, 1, 3))
	db, err = storage.Open(ctx, dir, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// Before the sweep, reads already show it lapsed, with its day.
	if life, err := db.CardLife(ctx, card.ID); err != nil || !life.Life.Lapsed() || life.Life.Since.Format("2006-01-02") != "2027-10-10" {
		t.Fatalf("read before the sweep: %+v, %v", life.Life, err)
	}
	if n, err := db.SweepLapsed(ctx); err != nil || n != 1 {
		t.Fatalf("sweep: %d, %v", n, err)
	}
	if ev := lastEvent(t, db, card.ID); ev != (event{domain.EventLapsed, "active", "lapsed", "2027-10-10", domain.IPKRemoved, "system"}) {
		t.Fatalf("lapse event = %+v", ev)
	}
	if n, err := db.SweepLapsed(ctx); err != nil || n != 0 {
		t.Fatalf("second sweep: %d, %v", n, err)
	}
	// Nothing can be reported or placed on it any more.
	if _, err := db.RecordReport(ctx, card.ID, officer, 0); !isRule(err) {
		t.Fatalf("report on a lapsed card: %v", err)
	}

	// Renewal: a new application called to the desk with a C ticket, approved like any other; the
	// old card is voided (no second removal: it was counted when it lapsed) and points to the new one.
	appID, err := db.StartRenewal(ctx, card.ID, officer, 0, "2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartRenewal(ctx, card.ID, officer, 0, "2"); !errors.Is(err, storage.ErrRenewalOpen) {
		t.Fatalf("a second renewal of the same card: %v", err)
	}
	renewal, err := db.Application(ctx, appID)
	if err != nil || renewal.Ticket != "C-001" || renewal.State != domain.StateCalled || renewal.NIK != testForm(1).NIK {
		t.Fatalf("renewal application = %+v, %v", renewal, err)
	}
	if rows, err := db.EducationRows(ctx, appID); err != nil || len(rows) == 0 {
		t.Fatalf("the renewal's education rows: %+v, %v", rows, err)
	}
	readyToApprove(t, db, appID, officer)
	got, err := db.Approve(ctx, storage.Approval{ApplicationID: appID, UserID: officer, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern})
	if err != nil {
		t.Fatal(err)
	}
	if ev := lastEvent(t, db, card.ID); ev != (event{domain.EventVoided, "lapsed", "voided", "2028-01-03", "", "user:1"}) {
		t.Fatalf("old card's renewal event = %+v", ev)
	}
	if ev := lastEvent(t, db, got.CardID); ev.kind != domain.EventIssued || ev.ipk != domain.IPKRegistered || ev.on != "2028-01-03" {
		t.Fatalf("new card's event = %+v", ev)
	}
	old, err := db.CardLife(ctx, card.ID)
	if err != nil || old.ReplacedBy == nil || old.ReplacedBy.ID != got.CardID || old.Life.State != domain.CardVoided {
		t.Fatalf("old card after renewal: %+v, %v", old, err)
	}
	if got.RegNumber == card.RegNumber {
		t.Fatalf("renewal kept the registration number %s", got.RegNumber)
	}
	everyEventAudited(t, db)
}

// everyEventAudited checks that each card event has its audit row with the same time.
func everyEventAudited(t *testing.T, db *storage.DB) {
	t.Helper()
	missing := count(t, db, `SELECT count(*) FROM card_events e WHERE NOT EXISTS (SELECT 1 FROM audit_log l
		WHERE l.action = 'card-' || e.kind AND l.at = e.at AND l.application_id = e.application_id AND l.to_state = e.to_state)`)
	if missing != 0 {
		t.Fatalf("%d card events without their audit row", missing)
	}
}

// TestLapseAt24Months: a card with all three reports made is active on its last valid day and lapses
// the day after, dated that day.
func TestLapseAt24Months(t *testing.T) {
	ctx, clock, db, officer, pengantar := lifeSetup(t)
	card := approvedCard(t, db, 1, officer, pengantar)
	for _, day := range []time.Time{officeMorning(2026, 9, 10), officeMorning(2027, 3, 10), officeMorning(2027, 9, 10)} {
		clock.Set(day)
		if _, err := db.RecordReport(ctx, card.ID, officer, 0); err != nil {
			t.Fatalf("report on %s: %v", day, err)
		}
	}
	clock.Set(officeMorning(2028, 3, 10))
	if n, _ := db.SweepLapsed(ctx); n != 0 {
		t.Fatal("lapsed on its last valid day")
	}
	clock.Set(time.Date(2028, 3, 11, 0, 0, 1, 0, domain.OfficeZone)) // one second into the day after
	if n, err := db.SweepLapsed(ctx); err != nil || n != 1 {
		t.Fatalf("sweep the day after: %d, %v", n, err)
	}
	if ev := lastEvent(t, db, card.ID); ev.kind != domain.EventLapsed || ev.on != "2028-03-11" || ev.ipk != domain.IPKRemoved {
		t.Fatalf("24-month lapse = %+v", ev)
	}
	everyEventAudited(t, db)
}

func placement(start string) *domain.Placement {
	return &domain.Placement{Employer: "PT Bali Sejahtera", Sector: "I", EmployerType: "4", Position: "Juru masak", KBJI: "5",
		StartDay: start[8:], StartMonth: start[5:7], StartYear: start[:4], Location: "antardaerah", Place: "Surabaya", Referral: "560/123/DTKSK"}
}

// TestPlacement: a placement at the kiosk makes the card "sudah bekerja" with a complete placement
// row for the IPK report; nothing else can be recorded on it afterwards.
func TestPlacement(t *testing.T) {
	ctx, clock, db, officer, pengantar := lifeSetup(t)
	card := approvedCard(t, db, 1, officer, pengantar)
	clock.Set(officeMorning(2026, 6, 2))
	holder(t, db, "k", card, storage.ProofNumber)
	res, err := db.KioskService(ctx, storage.KioskRequest{Token: "k", Service: "bekerja", Placement: placement("2026-06-01")})
	if err != nil || res.Visit.Ticket != "E-001" {
		t.Fatalf("placement at the kiosk: %+v, %v", res, err)
	}
	if ev := lastEvent(t, db, card.ID); ev != (event{domain.EventPlaced, "active", "placed", "2026-06-02", domain.IPKPlaced, "kiosk"}) {
		t.Fatalf("placement event = %+v", ev)
	}
	if n := count(t, db, `SELECT count(*) FROM placements p JOIN card_events e ON e.id = p.event_id WHERE p.card_id = ? AND p.employer = 'PT Bali Sejahtera'
		AND p.kbli = 'I' AND p.employer_type = '4' AND p.kbji = '5' AND p.start_on = '2026-06-01' AND p.placement_type = 'AKAD'
		AND p.referral = '560/123/DTKSK' AND p.visit_id = ? AND e.ipk = 'ditempatkan'`, card.ID, res.Visit.ID); n != 1 {
		t.Fatal("placement row incomplete")
	}
	if err := db.RecordPlacement(ctx, card.ID, officer, 0, placement("2026-06-01")); !isRule(err) {
		t.Fatalf("second placement: %v", err)
	}
	clock.Set(officeMorning(2026, 9, 10))
	if _, err := db.RecordReport(ctx, card.ID, officer, 0); !isRule(err) {
		t.Fatalf("report on a placed card: %v", err)
	}
	// Time does not lapse a placed card.
	clock.Set(officeMorning(2029, 1, 1))
	if n, _ := db.SweepLapsed(ctx); n != 0 {
		t.Fatal("a placed card lapsed")
	}
	everyEventAudited(t, db)
}

// TestCorrectionKeepsTheRegistration: a correction prints the same registration again with the
// corrected data; the old print is voided, reports made stay, and the IPK counts do not move.
func TestCorrectionKeepsTheRegistration(t *testing.T) {
	ctx, clock, db, officer, pengantar := lifeSetup(t)
	card := approvedCard(t, db, 1, officer, pengantar)
	clock.Set(officeMorning(2026, 9, 1))
	if _, err := db.RecordReport(ctx, card.ID, officer, 0); err != nil {
		t.Fatal(err)
	}
	f := testForm(1)
	f.FullName, f.EduSchool = "I Wayan Sudarmawan", "SMA Negeri 7 Denpasar"
	job, err := db.CorrectCard(ctx, card.ID, officer, f, []storage.FieldChange{{Field: "full_name", Old: "I Wayan Sudarma", New: f.FullName},
		{Field: "edu_school", Old: "SMA Negeri 4 Denpasar", New: f.EduSchool}})
	if err != nil {
		t.Fatal(err)
	}
	// The form's tables (migration 071) follow the corrected form.
	if rows, err := db.EducationRows(ctx, card.ApplicationID); err != nil || len(rows) == 0 || rows[len(rows)-1].School != "SMA Negeri 7 Denpasar" {
		t.Fatalf("education rows after the correction: %+v, %v", rows, err)
	}
	pj, err := db.PrintJob(ctx, job)
	if err != nil || pj.CardSerial != 2 || pj.RegNumber != card.RegNumber || pj.HolderName != "I Wayan Sudarmawan" {
		t.Fatalf("correction print job = %+v, %v", pj, err)
	}
	if ev := lastEvent(t, db, card.ID); ev.kind != domain.EventVoided || ev.ipk != "" || ev.on != "2026-09-01" {
		t.Fatalf("old print's event = %+v", ev)
	}
	life, err := db.CardLife(ctx, pj.CardID)
	if err != nil || life.Life.State != domain.CardActive || life.Life.Next != 2 || !life.Card.IssuedOn.Equal(card.IssuedOn) {
		t.Fatalf("corrected card: %+v, %v", life, err)
	}
	if n := count(t, db, `SELECT count(*) FROM card_events WHERE application_id = ? AND ipk != ''`, card.ApplicationID); n != 1 {
		t.Fatalf("a correction changed the IPK counts: %d counted events", n)
	}
	if n := count(t, db, `SELECT count(*) FROM corrections WHERE application_id = ? AND field = 'full_name'`, card.ApplicationID); n != 1 {
		t.Fatal("the correction is not logged")
	}
	everyEventAudited(t, db)
}

// TestRenewalOfAnActiveCard counts the old card as removed: the renewal is a new registration.
func TestRenewalOfAnActiveCard(t *testing.T) {
	ctx, clock, db, officer, pengantar := lifeSetup(t)
	card := approvedCard(t, db, 1, officer, pengantar)
	// The holder had handed the card over and comes back.
	if err := db.ExecForTest(ctx, `UPDATE applications SET state = 'handed_over' WHERE id = ?`, card.ApplicationID); err != nil {
		t.Fatal(err)
	}
	clock.Set(officeMorning(2026, 5, 4))
	appID, err := db.StartRenewal(ctx, card.ID, officer, 0, "1")
	if err != nil {
		t.Fatal(err)
	}
	readyToApprove(t, db, appID, officer)
	if _, err := db.Approve(ctx, storage.Approval{ApplicationID: appID, UserID: officer, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern}); err != nil {
		t.Fatal(err)
	}
	if ev := lastEvent(t, db, card.ID); ev != (event{domain.EventVoided, "active", "voided", "2026-05-04", domain.IPKRemoved, "user:1"}) {
		t.Fatalf("old active card's event = %+v", ev)
	}
}

// TestIPKCountsFromEvents: the three counts of a month come from the dated events alone.
func TestIPKCountsFromEvents(t *testing.T) {
	ctx, clock, db, officer, pengantar := lifeSetup(t)
	a := approvedCard(t, db, 1, officer, pengantar)
	b := approvedCard(t, db, 2, officer, pengantar)
	approvedCard(t, db, 3, officer, pengantar)
	clock.Set(officeMorning(2026, 4, 2))
	if err := db.RecordPlacement(ctx, a.ID, officer, 0, placement("2026-04-01")); err != nil {
		t.Fatal(err)
	}
	if err := db.CancelCard(ctx, b.ID, officer, "Tidak lagi mencari kerja"); err != nil {
		t.Fatal(err)
	}
	month := func(from, to, ipk string) int {
		return count(t, db, `SELECT count(*) FROM card_events WHERE on_day BETWEEN ? AND ? AND ipk = ?`, from, to, ipk)
	}
	if month("2026-03-01", "2026-03-31", domain.IPKRegistered) != 3 || month("2026-04-01", "2026-04-30", domain.IPKPlaced) != 1 ||
		month("2026-04-01", "2026-04-30", domain.IPKRemoved) != 1 || month("2026-03-01", "2026-03-31", domain.IPKRemoved) != 0 {
		t.Fatal("monthly counts from card_events are wrong")
	}
	// The III/8 query of docs/card-life.md.
	rows, err := db.RowsForTest(ctx, `SELECT p.placement_type, ed.level, a.sex, count(*)
		FROM card_events e
		JOIN placements p ON p.event_id = e.id
		JOIN applications a ON a.id = e.application_id
		JOIN application_education ed ON ed.application_id = a.id AND ed.highest = 1
		WHERE e.ipk = 'ditempatkan' AND e.on_day BETWEEN ? AND ?
		GROUP BY 1, 2, 3`, "2026-04-01", "2026-04-30")
	if err != nil || len(rows) != 1 || rows[0][0] != "AKAD" || rows[0][1] != "SMA" || rows[0][2] != "L" || rows[0][3] != "1" {
		t.Fatalf("III/8 rows = %v, %v", rows, err)
	}
}

// TestFindCardHolderLimits: wrong birth dates are counted per card before they are compared, so
// parallel guesses cannot pass the limit; past it even the right date waits.
func TestFindCardHolderLimits(t *testing.T) {
	ctx, clock, db, officer, pengantar := lifeSetup(t)
	card := approvedCard(t, db, 1, officer, pengantar)
	digits := domain.CleanDigits(card.RegNumber)
	if c, _, err := db.FindCardHolder(ctx, digits, 0, 0, "2001-08-07", "10.0.0.1"); err != nil || c.ID != card.ID {
		t.Fatalf("right number and date: %v", err)
	}
	if c, _, err := db.FindCardHolder(ctx, "", card.ID, card.Serial, "2001-08-07", "10.0.0.1"); err != nil || c.ID != card.ID {
		t.Fatalf("QR and date: %v", err)
	}
	const guesses = 12
	var wg sync.WaitGroup
	results := make([]error, guesses)
	for i := range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, results[i] = db.FindCardHolder(ctx, digits, 0, 0, "1990-01-01", "10.0.0.2")
		}()
	}
	wg.Wait()
	var compared, refused int
	for _, err := range results {
		switch {
		case errors.Is(err, storage.ErrNotFound):
			compared++
		case errors.Is(err, storage.ErrTooManyAttempts):
			refused++
		default:
			t.Fatalf("guess: %v", err)
		}
	}
	if compared != domain.HolderCheckLimit.Free+1 || refused != guesses-compared {
		t.Fatalf("%d compared, %d refused; want %d compared", compared, refused, domain.HolderCheckLimit.Free+1)
	}
	if _, wait, err := db.FindCardHolder(ctx, digits, 0, 0, "2001-08-07", "10.0.0.3"); !errors.Is(err, storage.ErrTooManyAttempts) || wait <= 0 {
		t.Fatalf("right date right after the guesses: %v (wait %s)", err, wait)
	}
	clock.Set(clock.Now().Add(domain.HolderCheckLimit.Forget))
	if _, _, err := db.FindCardHolder(ctx, digits, 0, 0, "2001-08-07", "10.0.0.3"); err != nil {
		t.Fatalf("right date once the count is forgotten: %v", err)
	}
	// Invented numbers count against the address.
	for i := 0; i <= domain.HolderAddressLimit.Free; i++ {
		db.FindCardHolder(ctx, "5171010101999999", 0, 0, "2001-08-07", "10.0.0.9")
	}
	if _, _, err := db.FindCardHolder(ctx, digits, 0, 0, "2001-08-07", "10.0.0.9"); !errors.Is(err, storage.ErrTooManyAttempts) {
		t.Fatalf("an address that tried many numbers: %v", err)
	}
}

// TestContactUpdates: with the card's QR code new contact data is applied at once; with a typed
// number it waits for an officer, who confirms it (and it is logged as a correction).
func TestContactUpdates(t *testing.T) {
	ctx, clock, db, officer, pengantar := lifeSetup(t)
	card := approvedCard(t, db, 1, officer, pengantar)
	other := approvedCard(t, db, 2, officer, pengantar)
	clock.Set(officeMorning(2026, 9, 1))
	holder(t, db, "qr", card, storage.ProofQR)
	res, err := db.KioskService(ctx, storage.KioskRequest{Token: "qr", Service: "lapor", Report: true, Contact: domain.ContactChange{Phone: "081300000001"}})
	if err != nil || !res.ContactApplied {
		t.Fatalf("QR contact change: %+v, %v", res, err)
	}
	app, _ := db.Application(ctx, card.ApplicationID)
	if app.Form.Phone != "081300000001" {
		t.Fatalf("phone after QR change = %s", app.Form.Phone)
	}
	holder(t, db, "typed", other, storage.ProofNumber)
	res, err = db.KioskService(ctx, storage.KioskRequest{Token: "typed", Service: "lapor", Report: true, Contact: domain.ContactChange{Email: "baru@contoh.id"}})
	if err != nil || res.ContactApplied {
		t.Fatalf("typed-number contact change: %+v, %v", res, err)
	}
	life, _ := db.CardLife(ctx, other.ID)
	if len(life.Pending) != 1 || life.App.Form.Email != "" {
		t.Fatalf("pending change = %+v, e-mail %q", life.Pending, life.App.Form.Email)
	}
	if err := db.DecideContact(ctx, life.Pending[0].ID, officer, true); err != nil {
		t.Fatal(err)
	}
	if err := db.DecideContact(ctx, life.Pending[0].ID, officer, true); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("deciding twice: %v", err)
	}
	app, _ = db.Application(ctx, other.ApplicationID)
	if app.Form.Email != "baru@contoh.id" || count(t, db, `SELECT count(*) FROM corrections WHERE application_id = ? AND field = 'email'`, other.ApplicationID) != 1 {
		t.Fatalf("confirmed e-mail = %q", app.Form.Email)
	}
}
