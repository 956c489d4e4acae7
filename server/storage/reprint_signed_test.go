package storage_test

import (
	"context"
	"errors"
	"testing"

	"ak1/server/domain"
	"ak1/server/storage"
)

// TestCorrectionAfterSignOffGoesBackThroughTheChecks: a card corrected after the Pengantar Kerja
// signed it off (SOP 10–11), and even after it was handed over, is printed again without any
// signature: the old card is voided (its QR code says not valid), the application goes back to
// approved and through the holder's check, the sign-off (by whoever signs the new card) and the
// hand-over again; the counselling given is not asked again; the Buku Penyerahan keeps both cards.
func TestCorrectionAfterSignOffGoesBackThroughTheChecks(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	first := addOfficer(t, db, "pengantar", domain.RolePengantar)
	second := addOfficer(t, db, "pengantar2", domain.RolePengantar)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	state := func(appID int64) domain.State {
		t.Helper()
		a, err := db.Application(ctx, appID)
		must(err)
		return a.State
	}
	correct := func(appID, cardID int64, place string) int64 {
		t.Helper()
		a, err := db.Application(ctx, appID)
		must(err)
		f := a.Form
		old := f.BirthPlace
		f.BirthPlace = place
		job, err := db.CorrectCard(ctx, cardID, petugas, &f, []storage.FieldChange{{Field: "birth_place", Old: old, New: place}})
		must(err)
		return job
	}

	// Handed over, then corrected.
	appID, oldCard := printedApplication(t, db, 1, petugas)
	must(db.HolderChecked(ctx, appID, petugas))
	must(db.SignOff(ctx, appID, first))
	must(db.FinishCounselling(ctx, appID, first, "minat perhotelan"))
	must(db.HandOver(ctx, appID, petugas, ""))
	job := correct(appID, oldCard, "Tabanan")
	if c, _ := db.Card(ctx, oldCard); c.State != domain.CardVoided {
		t.Fatalf("the signed card is %s after the correction, want voided", c.State)
	}
	newCard, err := db.CurrentCard(ctx, appID)
	must(err)
	if _, err := db.CardSignature(ctx, newCard); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("the reprinted card carries a signature: %v", err)
	}
	if st := state(appID); st != domain.StateApproved {
		t.Fatalf("after the correction the application is %s, want approved (waiting for the new card)", st)
	}
	if err := db.HolderChecked(ctx, appID, petugas); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("holder's check before the new card is printed: %v", err)
	}
	printCard(t, db, job)
	if st := state(appID); st != domain.StatePrinted {
		t.Fatalf("after printing the application is %s, want printed", st)
	}
	if err := db.SignOff(ctx, appID, second); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("sign-off before the holder's check: %v", err)
	}
	must(db.HolderChecked(ctx, appID, petugas))
	must(db.SignOff(ctx, appID, second))
	sig, err := db.CardSignature(ctx, newCard)
	if err != nil || sig.Signer.ID != second {
		t.Fatalf("new card's signature: %+v, %v; want the second Pengantar Kerja", sig, err)
	}
	if sig, err := db.CardSignature(ctx, oldCard); err != nil || sig.Signer.ID != first {
		t.Fatalf("old card's signature changed: %+v, %v", sig, err)
	}
	if st := state(appID); st != domain.StateCounselled {
		t.Fatalf("after the sign-off the application is %s, want counselled (counselling already given)", st)
	}
	must(db.HandOver(ctx, appID, petugas, ""))
	if st := state(appID); st != domain.StateHandedOver {
		t.Fatalf("after the hand-over: %s", st)
	}
	book, err := db.HandOverBook(ctx, "2000-01-01", "2999-12-31", 0)
	if err != nil || len(book) != 2 {
		t.Fatalf("Buku Penyerahan: %+v, %v; want both cards", book, err)
	}
	if h, err := db.HandOverOf(ctx, appID); err != nil || h.RegNumber != book[1].RegNumber {
		t.Fatalf("hand-over of the application: %+v, %v", h, err)
	}
	if n := count(t, db, `SELECT count(*) FROM handovers WHERE card_id = ?`, newCard); n != 1 {
		t.Fatalf("the new card is handed over %d times", n)
	}

	// Signed but not yet counselled: back through the checks, then counselled as usual.
	appID, oldCard = printedApplication(t, db, 2, petugas)
	must(db.HolderChecked(ctx, appID, petugas))
	must(db.SignOff(ctx, appID, first))
	job = correct(appID, oldCard, "Gianyar")
	printCard(t, db, job)
	must(db.HolderChecked(ctx, appID, petugas))
	must(db.SignOff(ctx, appID, first))
	if st := state(appID); st != domain.StateSigned {
		t.Fatalf("signed again before any counselling: %s, want signed", st)
	}
	must(db.SkipCounselling(ctx, appID, first, "Kartu AK/I untuk kelengkapan administrasi"))
	must(db.HandOver(ctx, appID, petugas, ""))
}
