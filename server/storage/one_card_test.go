package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// handedOver puts a card's application at the end of its service, as after SOP 13: no longer an
// open application, only the card is left.
func handedOver(t *testing.T, db *storage.DB, c *storage.CardRecord) {
	t.Helper()
	if err := db.ExecForTest(context.Background(), `UPDATE applications SET state = 'handed_over' WHERE id = ?`, c.ApplicationID); err != nil {
		t.Fatal(err)
	}
}

// TestOneCardInForcePerNIK: a NIK holding a card in force gets no new application (kiosk or desk),
// no manual card and no approval; the refusal names the card. A card that lapsed (even before the
// sweep wrote it), was cancelled or placed does not stand in the way; a renewal is not stopped by
// the card it renews.
func TestOneCardInForcePerNIK(t *testing.T) {
	ctx, clock, db, officer, pengantar := lifeSetup(t) // 10 March 2026
	card := approvedCard(t, db, 1, officer, pengantar)
	handedOver(t, db, card)

	var valid *storage.ActiveCardError
	for _, source := range []string{"kiosk", "desk"} {
		if _, err := db.SubmitApplication(ctx, testForm(1), source, "kiosk", ""); !errors.As(err, &valid) ||
			valid.CardID != card.ID || valid.RegNumber != card.RegNumber || valid.State != domain.CardActive ||
			valid.ValidUntil.Format("2006-01-02") != "2028-03-10" {
			t.Fatalf("%s application for a NIK holding a card in force: %v (%+v)", source, err, valid)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM applications WHERE nik = ?`, testForm(1).NIK); n != 1 {
		t.Fatalf("%d applications for the NIK, want only the first", n)
	}
	if _, err := db.EnterManualCard(ctx, storage.ManualCard{Form: testForm(1), RegNumber: "5171 010326 009001",
		IssuedOn: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), PengantarID: pengantar, UserID: officer}); !errors.As(err, &valid) || valid.CardID != card.ID {
		t.Fatalf("manual card for a NIK holding a card in force: %v", err)
	}

	// The NIK of another application corrected to this one at the desk is refused
	// (nik_change_test.go); should one still carry it (data from before the rule), the approval refuses.
	other := submit(t, db, testForm(2))
	readyToApprove(t, db, other.ID, officer)
	seen, _ := db.Application(ctx, other.ID)
	if err := db.CorrectApplication(ctx, other.ID, officer, seen.State, testForm(1),
		[]storage.FieldChange{{Field: "nik", Old: testForm(2).NIK, New: testForm(1).NIK}}); !errors.As(err, &valid) || valid.CardID != card.ID {
		t.Fatalf("correction to a NIK holding a card in force: %v", err)
	}
	if err := db.ExecForTest(ctx, `UPDATE applications SET nik = ?, form = json_set(form, '$.nik', ?) WHERE id = ?`, testForm(1).NIK, testForm(1).NIK, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Approve(ctx, storage.Approval{ApplicationID: other.ID, UserID: officer, Pattern: domain.DefaultRegNoPattern}); !errors.As(err, &valid) || valid.CardID != card.ID {
		t.Fatalf("approval for a NIK holding a card in force: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM cards c JOIN applications a ON a.id = c.application_id WHERE a.nik = ?`, testForm(1).NIK); n != 1 {
		t.Fatalf("%d cards for the NIK, want 1", n)
	}

	if err := db.RejectApplication(ctx, other.ID, officer, seen.State, "sudah memiliki kartu yang berlaku"); err != nil {
		t.Fatal(err)
	}

	// A renewal of the card in force is what renewing is for: approved, the old card voided.
	renewal, err := db.StartRenewal(ctx, card.ID, officer, 0, "1")
	if err != nil {
		t.Fatal(err)
	}
	readyToApprove(t, db, renewal, officer)
	renewed, err := db.Approve(ctx, storage.Approval{ApplicationID: renewal, UserID: officer, Pattern: domain.DefaultRegNoPattern})
	if err != nil {
		t.Fatalf("renewal of the card in force: %v", err)
	}
	if old, _ := db.Card(ctx, card.ID); old.State != domain.CardVoided {
		t.Fatalf("renewed card is %s", old.State)
	}
	// Now the renewed card is the one in force.
	if err := db.ExecForTest(ctx, `UPDATE applications SET state = 'handed_over' WHERE id = ?`, renewal); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SubmitApplication(ctx, testForm(1), "kiosk", "kiosk", ""); !errors.As(err, &valid) || valid.CardID != renewed.CardID {
		t.Fatalf("application while the renewed card is in force: %v", err)
	}

	// Cards that no longer stand in the way.
	cancelled := approvedCard(t, db, 3, officer, pengantar)
	handedOver(t, db, cancelled)
	if err := db.CancelCard(ctx, cancelled.ID, officer, "duplikat"); err != nil {
		t.Fatal(err)
	}
	placed := approvedCard(t, db, 4, officer, pengantar)
	handedOver(t, db, placed)
	clock.Set(officeMorning(2026, 6, 2))
	if err := db.RecordPlacement(ctx, placed.ID, officer, 0, placement("2026-06-01")); err != nil {
		t.Fatal(err)
	}
	submit(t, db, testForm(3))
	submit(t, db, testForm(4))

	// Registered 10 March 2026, the first report (due 10 September) missed: lapsed on 10 October,
	// before any sweep wrote it. A new application and a manual card are both accepted.
	lapsing := approvedCard(t, db, 5, officer, pengantar) // on 2 June 2026
	handedOver(t, db, lapsing)
	unnoticed := approvedCardOn(t, db, clock, officeMorning(2026, 3, 10), 6, officer)
	handedOver(t, db, unnoticed)
	clock.Set(officeMorning(2026, 10, 12))
	if c, _ := db.Card(ctx, unnoticed.ID); c.State != domain.CardActive {
		t.Fatalf("the sweep already ran: %s", c.State)
	}
	if _, err := db.EnterManualCard(ctx, storage.ManualCard{Form: testForm(6), RegNumber: "5171 121026 009006",
		IssuedOn: time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC), PengantarID: pengantar, UserID: officer}); err != nil {
		t.Fatalf("manual card after the old one lapsed unnoticed: %v", err)
	}
	// The card registered on 2 June is still in force on 12 October.
	if _, err := db.SubmitApplication(ctx, testForm(5), "kiosk", "kiosk", ""); !errors.As(err, &valid) || valid.CardID != lapsing.ID {
		t.Fatalf("application while a card registered in June is in force: %v", err)
	}
}

// approvedCardOn approves a card on the given morning and leaves the clock there.
func approvedCardOn(t *testing.T, db *storage.DB, clock *fakeClock, at time.Time, serial int, officer int64) *storage.CardRecord {
	t.Helper()
	clock.Set(at)
	return approvedCard(t, db, serial, officer, 0)
}
