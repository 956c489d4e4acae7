package storage_test

import (
	"errors"
	"fmt"
	"testing"

	"ak1/server/domain"
	"ak1/server/storage"
)

// TestNIKChangeKeepsOneCardPerNIK: a correction at the desk (before approval, after printing, or
// of an issued card) and a completion at the kiosk that change the NIK to one holding a card in
// force or another open application are refused, naming that card or application, and change
// nothing. A correction that keeps the NIK, a change to a free NIK and a returned renewal
// completed with its own NIK still go through.
func TestNIKChangeKeepsOneCardPerNIK(t *testing.T) {
	ctx, _, db, officer, pengantar := lifeSetup(t) // 10 March 2026
	inForce := approvedCard(t, db, 1, officer, pengantar)
	handedOver(t, db, inForce)
	open := submit(t, db, testForm(2))
	atDesk := submit(t, db, testForm(3))
	corrected := approvedCard(t, db, 4, officer, pengantar)
	handedOver(t, db, corrected)
	returned := submit(t, db, testForm(5))
	if err := db.ReturnApplication(ctx, returned.ID, officer, returned.State, "Ijazah belum dibawa"); err != nil {
		t.Fatal(err)
	}
	printedApp, printedCard := printedApplication(t, db, 6, officer)

	withNIK := func(serial, nikOf int) *domain.Form {
		f := testForm(serial)
		f.NIK = testForm(nikOf).NIK
		return f
	}
	nikChange := func(from, to int) []storage.FieldChange {
		return []storage.FieldChange{{Field: "nik", Old: testForm(from).NIK, New: testForm(to).NIK}}
	}
	wantCard := func(what string, err error) {
		t.Helper()
		var valid *storage.ActiveCardError
		if !errors.As(err, &valid) || valid.CardID != inForce.ID || valid.RegNumber != inForce.RegNumber || valid.State != domain.CardActive {
			t.Errorf("%s to the NIK of a card in force: %v, want the card %s", what, err, inForce.RegNumber)
		}
	}
	wantOpen := func(what string, err error) {
		t.Helper()
		var other *storage.OpenApplicationError
		if !errors.As(err, &other) || other.ID != open.ID || other.Ticket != open.Ticket || other.State != domain.StateSubmitted ||
			!errors.Is(err, domain.ErrAlreadyOpen) {
			t.Errorf("%s to the NIK of an open application: %v, want application %d (%s)", what, err, open.ID, open.Ticket)
		}
	}
	nikOf := func(appID int64) string {
		a, err := db.Application(ctx, appID)
		if err != nil {
			t.Fatal(err)
		}
		return a.NIK
	}
	// complete sends a kiosk completion of the returned application as the kiosk does: from a
	// completion draft, with its submission key.
	completions := 0
	complete := func(appID int64, f *domain.Form) (*domain.Application, error) {
		t.Helper()
		completions++
		token := fmt.Sprintf("kiosk-%d", completions)
		app, err := db.Application(ctx, appID)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.StartResubmission(ctx, token, app); err != nil {
			t.Fatal(err)
		}
		key, err := db.DraftSubmitKey(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return db.ResubmitApplication(ctx, appID, f, token, key)
	}
	corrections := func() int { return count(t, db, `SELECT count(*) FROM corrections`) }

	// Before approval.
	wantCard("desk correction", db.CorrectApplication(ctx, atDesk.ID, officer, atDesk.State, withNIK(3, 1), nikChange(3, 1)))
	wantOpen("desk correction", db.CorrectApplication(ctx, atDesk.ID, officer, atDesk.State, withNIK(3, 2), nikChange(3, 2)))

	// The card printed, the holder found a mistake (SOP 8).
	_, err := db.CorrectAndReprint(ctx, printedApp, officer, withNIK(6, 1), nikChange(6, 1))
	wantCard("correction of a printed card", err)
	_, err = db.CorrectAndReprint(ctx, printedApp, officer, withNIK(6, 2), nikChange(6, 2))
	wantOpen("correction of a printed card", err)

	// An issued card corrected from its page.
	_, err = db.CorrectCard(ctx, corrected.ID, officer, withNIK(4, 1), nikChange(4, 1))
	wantCard("card correction", err)
	_, err = db.CorrectCard(ctx, corrected.ID, officer, withNIK(4, 2), nikChange(4, 2))
	wantOpen("card correction", err)

	// A returned application completed at the kiosk.
	_, err = complete(returned.ID, withNIK(5, 1))
	wantCard("kiosk completion", err)
	_, err = complete(returned.ID, withNIK(5, 2))
	wantOpen("kiosk completion", err)

	for id, serial := range map[int64]int{atDesk.ID: 3, printedApp: 6, corrected.ApplicationID: 4, returned.ID: 5} {
		if got := nikOf(id); got != testForm(serial).NIK {
			t.Errorf("application %d has NIK %s after the refusals, want %s", id, got, testForm(serial).NIK)
		}
	}
	if n := corrections(); n != 0 {
		t.Errorf("%d corrections stored by refused changes", n)
	}
	if c, _ := db.Card(ctx, corrected.ID); c.State != domain.CardActive {
		t.Errorf("refused card correction left the card %s", c.State)
	}
	if c, _ := db.Card(ctx, printedCard); c.State != domain.CardActive {
		t.Errorf("refused correction of the printed card left it %s", c.State)
	}
	if a, _ := db.Application(ctx, returned.ID); a.State != domain.StateReturned {
		t.Errorf("refused completion left the application %s", a.State)
	}

	// What still goes through: a correction keeping the NIK, a change to a free NIK.
	named := testForm(3)
	named.FullName = "I Wayan Sudarmawan"
	if err := db.CorrectApplication(ctx, atDesk.ID, officer, atDesk.State, named,
		[]storage.FieldChange{{Field: "full_name", Old: "I Wayan Sudarma", New: named.FullName}}); err != nil {
		t.Fatalf("correction keeping the NIK: %v", err)
	}
	if _, err := db.CorrectCard(ctx, corrected.ID, officer, withNIK(4, 9), nikChange(4, 9)); err != nil {
		t.Fatalf("card correction to a free NIK: %v", err)
	}
	if _, err := complete(returned.ID, testForm(5)); err != nil {
		t.Fatalf("kiosk completion keeping the NIK: %v", err)
	}

	// A returned renewal, completed at the kiosk: the card it renews does not stand in its way.
	renewal, err := db.StartRenewal(ctx, inForce.ID, officer, 0, "1")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ReturnApplication(ctx, renewal, officer, domain.StateCalled, "Foto belum ada"); err != nil {
		t.Fatal(err)
	}
	if _, err := complete(renewal, testForm(1)); err != nil {
		t.Fatalf("returned renewal completed with its own NIK: %v", err)
	}
}

// TestNIKCorrectionRace: two corrections at once giving two applications the same NIK: the
// transactions are serialised, so only one takes it.
func TestNIKCorrectionRace(t *testing.T) {
	ctx, _, db, officer, _ := lifeSetup(t)
	a, b := submit(t, db, testForm(1)), submit(t, db, testForm(2))
	errs := make(chan error, 2)
	for _, app := range []*domain.Application{a, b} {
		go func(app *domain.Application, from int) {
			f := testForm(from)
			f.NIK = testForm(7).NIK
			errs <- db.CorrectApplication(ctx, app.ID, officer, app.State, f,
				[]storage.FieldChange{{Field: "nik", Old: testForm(from).NIK, New: f.NIK}})
		}(app, map[int64]int{a.ID: 1, b.ID: 2}[app.ID])
	}
	var refused int
	for range 2 {
		if err := <-errs; errors.Is(err, domain.ErrAlreadyOpen) {
			refused++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM applications WHERE nik = ?`, testForm(7).NIK); refused != 1 || n != 1 {
		t.Fatalf("%d refused, %d applications with the NIK; want 1 and 1", refused, n)
	}
}
