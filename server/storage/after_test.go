package storage_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// printedApplication takes a new application through approval and printing (a station claims the
// job and reports it printed) and returns it with its card.
func printedApplication(t *testing.T, db *storage.DB, serial int, petugas int64) (appID, cardID int64) {
	t.Helper()
	ctx := context.Background()
	app := submit(t, db, testForm(serial))
	if err := db.CallApplication(ctx, app.ID, petugas, "1"); err != nil {
		t.Fatal(err)
	}
	readyToApprove(t, db, app.ID, petugas)
	got, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, Pattern: domain.DefaultRegNoPattern})
	if err != nil {
		t.Fatal(err)
	}
	printCard(t, db, got.PrintJobID)
	return app.ID, got.CardID
}

// printCard has a station claim every queued job and report each printed, up to jobID.
func printCard(t *testing.T, db *storage.DB, jobID int64) {
	t.Helper()
	ctx := context.Background()
	station, err := db.StationByName(ctx, "Loket uji")
	var id int64
	if errors.Is(err, storage.ErrNotFound) {
		id, _ = addStation(t, db, "Loket uji")
	} else if err != nil {
		t.Fatal(err)
	} else {
		id = station.ID
	}
	for {
		j, err := db.ClaimJob(ctx, id)
		if err != nil {
			t.Fatalf("claim: %v", err)
		}
		if err := db.ReportJob(ctx, id, j.ID, j.Lease, domain.PrintPrinted, 1, ""); err != nil {
			t.Fatal(err)
		}
		if j.ID == jobID {
			return
		}
	}
}

func steps(t *testing.T, db *storage.DB, appID int64) []string {
	t.Helper()
	evs, err := db.StepEvents(context.Background(), appID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, string(e.Step))
	}
	return out
}

// TestAfterPrintLifecycle carries one application from printed to legalised copies: each step only
// from the state before it, by the role that takes it, with a dated step event and an audit row;
// the card's signer is the Pengantar Kerja who signed it off.
func TestAfterPrintLifecycle(t *testing.T) {
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	appID, cardID := printedApplication(t, db, 1, petugas)

	// Out of order: nothing but the holder's check works on a printed card.
	if err := db.SignOff(ctx, appID, pengantar); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("sign-off before the holder's check: %v", err)
	}
	if err := db.HandOver(ctx, appID, petugas, ""); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("hand-over of a printed card: %v", err)
	}
	clock.Set(morning.Add(2 * time.Minute))
	if err := db.HolderChecked(ctx, appID, petugas); err != nil {
		t.Fatal(err)
	}
	if err := db.HolderChecked(ctx, appID, petugas); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("second holder check: %v", err)
	}

	// Only a Pengantar Kerja (or an official by disposition) signs.
	if err := db.SignOff(ctx, appID, petugas); !errors.Is(err, storage.ErrNotSigner) {
		t.Fatalf("sign-off by a petugas: %v", err)
	}
	if ok, _, err := db.MaySign(ctx, petugas); ok || err != nil {
		t.Fatalf("petugas may sign: %v %v", ok, err)
	}
	clock.Set(morning.Add(5 * time.Minute))
	if err := db.SignOff(ctx, appID, pengantar); err != nil {
		t.Fatal(err)
	}
	c, err := db.Card(ctx, cardID)
	if err != nil || c.PengantarID != pengantar {
		t.Fatalf("card signer %d, want the Pengantar Kerja %d (%v)", c.PengantarID, pengantar, err)
	}

	// Counselling: a referral, then the note.
	vacancy, err := db.CreateVacancy(ctx, testVacancy(), petugas)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Refer(ctx, appID, vacancy, petugas); !errors.Is(err, storage.ErrNotSigner) {
		t.Fatalf("referral by a petugas: %v", err)
	}
	ref, err := db.Refer(ctx, appID, vacancy, pengantar)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := db.Refer(ctx, appID, vacancy, pengantar); err != nil || again != ref {
		t.Fatalf("second referral to the same vacancy: %d, %v; want the first (%d)", again, err, ref)
	}
	letter, err := db.ReferralLetter(ctx, ref)
	if err != nil || letter.Number != "0001/AK1-RJK/2026" || letter.Holder.ID != appID || letter.Vacancy.ID != vacancy ||
		letter.RegNumber != "5171 100326 000001" || letter.ByNIP == "" {
		t.Fatalf("referral letter %+v, %v", letter, err)
	}
	if err := db.SkipCounselling(ctx, appID, pengantar, ""); !isNotReady(err) {
		t.Fatalf("skip without a reason: %v", err)
	}
	if err := db.FinishCounselling(ctx, appID, pengantar, "Komunikatif; perlu kursus bahasa Inggris."); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Refer(ctx, appID, vacancy, pengantar); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("referral after counselling: %v", err)
	}
	if co, err := db.CounsellingOf(ctx, appID); err != nil || co.Note != "Komunikatif; perlu kursus bahasa Inggris." || co.Skipped {
		t.Fatalf("counselling %+v, %v", co, err)
	}

	// Legalisation is for a card handed over.
	if _, err := db.RequestLegalisation(ctx, appID, petugas, 2); !isNotReady(err) {
		t.Fatalf("legalisation before hand-over: %v", err)
	}
	clock.Set(morning.Add(9 * time.Minute))
	if err := db.HandOver(ctx, appID, pengantar, ""); err != nil {
		t.Fatal(err)
	}
	book, err := db.HandOverBook(ctx, "2026-03-10", "2026-03-10", pengantar)
	if err != nil || len(book) != 1 || book[0].ReceivedBy != "I Wayan Sudarma" || book[0].RegNumber != "5171 100326 000001" ||
		!book[0].At.Equal(morning.Add(9*time.Minute)) {
		t.Fatalf("Buku Penyerahan %+v, %v", book, err)
	}
	if other, _ := db.HandOverBook(ctx, "2026-03-10", "2026-03-10", petugas); len(other) != 0 {
		t.Fatalf("book filtered by another officer: %+v", other)
	}
	if _, err := db.RequestLegalisation(ctx, appID, petugas, 0); !isNotReady(err) {
		t.Fatalf("0 copies: %v", err)
	}
	leg, err := db.RequestLegalisation(ctx, appID, petugas, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.HandOverLegalisation(ctx, leg, petugas); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("copies handed over before signing: %v", err)
	}
	if err := db.SignLegalisation(ctx, leg, petugas); !errors.Is(err, storage.ErrNotSigner) {
		t.Fatalf("legalisation signed by a petugas: %v", err)
	}
	if err := db.SignLegalisation(ctx, leg, pengantar); err != nil {
		t.Fatal(err)
	}
	if err := db.HandOverLegalisation(ctx, leg, petugas); err != nil {
		t.Fatal(err)
	}
	reg, err := db.LegalisationRegister(ctx, "2026-03-10", "2026-03-10", pengantar)
	if err != nil || len(reg) != 1 || reg[0].Number != "1/2026" || reg[0].Copies != 2 || reg[0].State != storage.LegalisationHandedOver ||
		reg[0].SignedByNIP == "" || reg[0].Disposition {
		t.Fatalf("legalisation register %+v, %v", reg, err)
	}

	want := []string{"called", "documents_checked", "photographed", "approved", "printed", "holder_checked", "signed", "referred",
		"counselled", "handed_over", "legalisation_requested", "legalised", "legalisation_handed_over"}
	if got := steps(t, db, appID); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("steps %v\nwant %v", got, want)
	}
	evs, _ := db.StepEvents(ctx, appID)
	for _, e := range evs {
		if e.Step == domain.StepSigned && (!e.At.Equal(morning.Add(5*time.Minute)) || e.By != "Officer pengantar") {
			t.Errorf("signed step %+v", e)
		}
	}
	for action, n := range map[string]int{"holder_checked": 1, "signed": 1, "refer": 1, "counselled": 1, "handed_over": 1,
		"legalisation-request": 1, "legalisation-signed": 1, "legalisation-handed_over": 1} {
		if got := count(t, db, `SELECT count(*) FROM audit_log WHERE application_id = ? AND action = ?`, appID, action); got != n {
			t.Errorf("audit %s: %d rows, want %d", action, got, n)
		}
	}
	if st, _ := db.Application(ctx, appID); st.State != domain.StateHandedOver {
		t.Fatalf("state %s", st.State)
	}
}

// TestHolderFindsAMistake: the corrected data is stored with its old value, the printed card is
// voided, a new card with the same number prints, and the holder checks it again.
func TestHolderFindsAMistake(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	appID, oldCard := printedApplication(t, db, 1, petugas)
	app, _ := db.Application(ctx, appID)
	f := app.Form
	f.BirthPlace = "Tabanan"
	changes := []storage.FieldChange{{Field: "birth_place", Old: app.Form.BirthPlace, New: "Tabanan"}}
	if _, err := db.CorrectAndReprint(ctx, appID, petugas, &f, nil); !isNotReady(err) {
		t.Fatalf("reprint without a change: %v", err)
	}
	job, err := db.CorrectAndReprint(ctx, appID, petugas, &f, changes)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CorrectAndReprint(ctx, appID, petugas, &f, changes); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("second reprint while the first is printing: %v", err)
	}
	if c, _ := db.Card(ctx, oldCard); c.State != domain.CardVoided {
		t.Fatalf("old card %s, want voided", c.State)
	}
	a, _ := db.Application(ctx, appID)
	if a.State != domain.StateApproved || a.Form.BirthPlace != "Tabanan" {
		t.Fatalf("after correction: %s %q", a.State, a.Form.BirthPlace)
	}
	corr, _ := db.Corrections(ctx, appID)
	if len(corr) != 1 || corr[0].Old != "Denpasar" || corr[0].New != "Tabanan" {
		t.Fatalf("corrections %+v", corr)
	}
	printCard(t, db, job)
	da, _ := db.DeskApplication(ctx, appID)
	if da.State != domain.StatePrinted || da.Card.Serial != 2 || da.Card.RegNumber != "5171 100326 000001" {
		t.Fatalf("after reprint: %s, card %+v", da.State, da.Card)
	}
	if err := db.HolderChecked(ctx, appID, petugas); err != nil {
		t.Fatal(err)
	}
	want := "called documents_checked photographed approved printed holder_error printed holder_checked"
	if got := strings.Join(steps(t, db, appID), " "); got != want {
		t.Fatalf("steps %s\nwant %s", got, want)
	}
}

// TestDispositionLetsAnotherOfficialSign: with no Pengantar Kerja present the Kasi assigns an
// official with a NIP for the day; the card records the signer and the disposition; a revoked
// disposition or the next day signs nothing.
func TestDispositionLetsAnotherOfficialSign(t *testing.T) {
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	kasi := addOfficer(t, db, "kasi", domain.RoleKasi)
	noNIP, err := db.CreateUser(ctx, domain.Officer{Username: "tanpanip", FullName: "Tanpa NIP", Role: domain.RolePetugas}, "x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddDisposition(ctx, kasi, noNIP, "dinas luar"); !isNotReady(err) {
		t.Fatalf("assignee without NIP: %v", err)
	}
	if _, err := db.AddDisposition(ctx, kasi, petugas, ""); !isNotReady(err) {
		t.Fatalf("disposition without a reason: %v", err)
	}
	disp, err := db.AddDisposition(ctx, kasi, petugas, "Pengantar Kerja dinas luar")
	if err != nil {
		t.Fatal(err)
	}
	appID, cardID := printedApplication(t, db, 1, petugas)
	if err := db.HolderChecked(ctx, appID, petugas); err != nil {
		t.Fatal(err)
	}
	if ok, id, err := db.MaySign(ctx, petugas); !ok || id != disp || err != nil {
		t.Fatalf("MaySign = %v %d %v", ok, id, err)
	}
	if err := db.SignOff(ctx, appID, petugas); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM cards WHERE id = ? AND pengantar_id = ? AND sign_disposition_id = ?`, cardID, petugas, disp); n != 1 {
		t.Fatal("card does not record the signer and the disposition")
	}
	list, err := db.Dispositions(ctx, "2026-03-10")
	if err != nil || len(list) != 1 || list[0].AssigneeID != petugas || list[0].Revoked {
		t.Fatalf("dispositions %+v, %v", list, err)
	}
	if err := db.RevokeDisposition(ctx, disp, kasi); err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := db.MaySign(ctx, petugas); ok {
		t.Fatal("a revoked disposition still lets the petugas sign")
	}
	if _, err := db.AddDisposition(ctx, kasi, petugas, "lagi"); err != nil {
		t.Fatal(err)
	}
	clock.Set(morning.Add(24 * time.Hour))
	if ok, _, _ := db.MaySign(ctx, petugas); ok {
		t.Fatal("yesterday's disposition lets the petugas sign today")
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action IN ('disposition', 'disposition-revoke')`); n != 3 {
		t.Fatalf("disposition audit rows %d, want 3", n)
	}
}

// TestSignOffTwiceAtOnce: two Pengantar Kerja tap "signed" on the same card at the same moment; one
// signs, the other is told someone else handled it, and the card has one signer.
func TestSignOffTwiceAtOnce(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	a := addOfficer(t, db, "pengantar-a", domain.RolePengantar)
	b := addOfficer(t, db, "pengantar-b", domain.RolePengantar)
	appID, cardID := printedApplication(t, db, 1, petugas)
	if err := db.HolderChecked(ctx, appID, petugas); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, who := range []int64{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.SignOff(ctx, appID, who)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, storage.ErrStateChanged):
			t.Fatal(err)
		}
	}
	c, _ := db.Card(ctx, cardID)
	if ok != 1 || (c.PengantarID != a && c.PengantarID != b) || count(t, db, `SELECT count(*) FROM step_events WHERE step = 'signed'`) != 1 {
		t.Fatalf("%d sign-offs succeeded, signer %d", ok, c.PengantarID)
	}
}
