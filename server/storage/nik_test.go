package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ak1/server/domain"
	"ak1/server/storage"
)

// TestNIKAcceptance: an application whose NIK disagrees with the birth date cannot be approved until
// an officer accepts the NIK with a reason (recorded and audited) or corrects the data; a later
// correction of the NIK, birth date or sex needs a new acceptance.
func TestNIKAcceptance(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	f := testForm(1)
	f.BirthDay, f.NIKAsOnKTP = "8", true // the NIK says the 7th
	app := submit(t, db, f)
	readyToApprove(t, db, app.ID, petugas)
	approve := func() error {
		_, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern})
		return err
	}
	var nr *storage.NotReadyError
	if err := approve(); !errors.As(err, &nr) || !strings.Contains(nr.Message, "NIK") {
		t.Fatalf("approve with an unchecked NIK: %v", err)
	}
	if got, err := db.AcceptedNIK(ctx, app.ID); got != nil || err != nil {
		t.Fatalf("AcceptedNIK before = %+v, %v", got, err)
	}
	cur, _ := db.Application(ctx, app.ID)
	if err := db.AcceptNIK(ctx, app.ID, petugas, domain.StateSubmitted, "x"); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("accept on a stale view: %v", err)
	}
	reason := "KTP asli dilihat: tanggal lahir dikoreksi Dukcapil, NIK tetap"
	if err := db.AcceptNIK(ctx, app.ID, petugas, cur.State, reason); err != nil {
		t.Fatal(err)
	}
	got, err := db.AcceptedNIK(ctx, app.ID)
	if err != nil || got == nil || got.Reason != reason || got.By != "Officer petugas" || !got.At.Equal(morning) {
		t.Fatalf("AcceptedNIK = %+v, %v", got, err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE application_id = ? AND action = 'nik-accept' AND detail LIKE ?`, app.ID, "%"+reason); n != 1 {
		t.Fatalf("nik-accept audit rows = %d", n)
	}
	if m, _ := db.AcceptedNIKs(ctx, []int64{app.ID, 999}); !m[app.ID] || m[999] {
		t.Fatalf("AcceptedNIKs = %v", m)
	}

	// A correction of the sex makes it another person's data: accepted no more.
	cur, _ = db.Application(ctx, app.ID)
	g := cur.Form
	g.Sex = "P"
	if err := db.CorrectApplication(ctx, app.ID, petugas, cur.State, &g, []storage.FieldChange{{Field: "sex", Old: "L", New: "P"}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.AcceptedNIK(ctx, app.ID); got != nil {
		t.Fatalf("acceptance still holds after the sex was corrected: %+v", got)
	}
	// Back to the accepted data: it holds again, and approval goes through.
	cur, _ = db.Application(ctx, app.ID)
	g = cur.Form
	g.Sex = "L"
	if err := db.CorrectApplication(ctx, app.ID, petugas, cur.State, &g, []storage.FieldChange{{Field: "sex", Old: "P", New: "L"}}); err != nil {
		t.Fatal(err)
	}
	if err := approve(); err != nil {
		t.Fatalf("approve after the acceptance: %v", err)
	}
	if err := db.AcceptNIK(ctx, app.ID, petugas, domain.StateApproved, reason); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("accept after approval: %v", err)
	}
}

// TestNIKCorrectedNeedsNoAcceptance: the officer corrects the birth date instead: nothing to accept.
func TestNIKCorrectedNeedsNoAcceptance(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	f := testForm(2)
	f.BirthDay, f.NIKAsOnKTP = "8", true
	app := submit(t, db, f)
	readyToApprove(t, db, app.ID, petugas)
	cur, _ := db.Application(ctx, app.ID)
	g := cur.Form
	g.BirthDay = "7"
	g.Normalize()
	if err := db.CorrectApplication(ctx, app.ID, petugas, cur.State, &g, []storage.FieldChange{{Field: "birth_day", Old: "8", New: "7"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern}); err != nil {
		t.Fatalf("approve after correcting the birth date: %v", err)
	}
}
