package storage_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// TestServiceTimesReprintRun: a card corrected after the sign-off and the counselling, three weeks
// after its first print, runs through printing, the holder's check, the sign-off and the hand-over
// again. Each step is measured within its run: the first run's figures are the first issue's (no
// hand-over, so no hand-over, service or visit time for it), and the reprint's run, measured from
// the correction, is figured apart. The expected figures are worked out by hand from the minutes
// the clock moves.
func TestServiceTimesReprintRun(t *testing.T) {
	ctx := context.Background()
	clock := newClock(time.Date(2026, 11, 2, 8, 0, 0, 0, domain.OfficeZone))
	db, dir := openDB(t, clock)
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	later := func(min int) { clock.Set(clock.Now().Add(time.Duration(min) * time.Minute)) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Minutes before each step: call, documents, photo, approval, print, holder, sign, counsel[, hand over].
	firstRun := func(serial, hour int, m []int) int64 {
		clock.Set(time.Date(2026, 11, 2, hour, 0, 0, 0, domain.OfficeZone))
		app := submit(t, db, testForm(serial))
		later(m[0])
		must(db.CallApplication(ctx, app.ID, petugas, "1"))
		later(m[1])
		must(db.SetDocuments(ctx, app.ID, petugas, []string{"ktp", "foto", "ijazah"}))
		later(m[2])
		must(db.SavePhoto(ctx, app.ID, petugas, []byte{0xff, 0xd8, 0xff}))
		later(m[3])
		a, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, Pattern: domain.DefaultRegNoPattern})
		must(err)
		later(m[4])
		printCard(t, db, a.PrintJobID)
		later(m[5])
		must(db.HolderChecked(ctx, app.ID, petugas))
		later(m[6])
		must(db.SignOff(ctx, app.ID, pengantar))
		later(m[7])
		must(db.FinishCounselling(ctx, app.ID, pengantar, ""))
		if len(m) > 8 {
			later(m[8])
			must(db.HandOver(ctx, app.ID, pengantar, ""))
		}
		return app.ID
	}
	firstRun(1, 8, []int{10, 3, 2, 4, 1, 2, 1, 2, 1})
	// The second card is signed and counselled on 2 November but found wrong before its hand-over.
	appID := firstRun(2, 9, []int{20, 5, 1, 6, 3, 4, 3, 1})

	// 23 November: its data corrected on the card's page, reprinted, checked, signed, handed over.
	clock.Set(time.Date(2026, 11, 23, 10, 0, 0, 0, domain.OfficeZone))
	cardID, err := db.CurrentCard(ctx, appID)
	must(err)
	a, err := db.Application(ctx, appID)
	must(err)
	f := a.Form
	f.BirthPlace = "Tabanan"
	job, err := db.CorrectCard(ctx, cardID, petugas, &f, []storage.FieldChange{{Field: "birth_place", Old: "Denpasar", New: "Tabanan"}})
	must(err)
	later(5)
	printCard(t, db, job)
	later(3)
	must(db.HolderChecked(ctx, appID, petugas))
	later(2)
	must(db.SignOff(ctx, appID, pengantar)) // counselling given with the first card: not again
	later(4)
	must(db.HandOver(ctx, appID, pengantar, ""))

	nov, _ := domain.ParseMonth("2026-11")
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, domain.OfficeZone)
	visits, err := db.ServiceVisits(ctx, from, from.AddDate(0, 1, 0))
	if err != nil || len(visits) != 3 {
		t.Fatalf("visits (two first runs and one reprint): %d, %v", len(visits), err)
	}
	r := domain.BuildServiceReport(nov, visits)
	// First runs: card 1 (10, 3, 2, 4, 1, 2, 1, 2, 1) and card 2 (20, 5, 1, 6, 3, 4, 3, 1, no hand-over).
	want := map[string]domain.TimeStats{
		"antre": {N: 2, Median: 15, P90: 20}, "berkas": {N: 2, Median: 4, P90: 5}, "foto": {N: 2, Median: 1.5, P90: 2},
		"setuju": {N: 2, Median: 5, P90: 6}, "cetak": {N: 2, Median: 2, P90: 3}, "periksa": {N: 2, Median: 3, P90: 4},
		"tandatangan": {N: 2, Median: 2, P90: 3}, "bimbingan": {N: 2, Median: 1.5, P90: 2}, "serah": {N: 1, Median: 1, P90: 1},
		"layanan": {N: 1, Median: 16, P90: 16}, "kunjungan": {N: 1, Median: 26, P90: 26},
	}
	for key, w := range want {
		if got := r.All[key]; got != w {
			t.Errorf("first issues, %s: %+v, want %+v", key, got, w)
		}
	}
	if len(r.Days) != 1 || r.Days[0].Day() != 2 {
		t.Errorf("days of the first issues: %v, want 2 November only", r.Days)
	}
	// The reprint: 5 minutes to print from the correction, 3 to the holder's check, 2 to the
	// sign-off, 4 to the hand-over; nothing before the correction.
	wantReprint := map[string]domain.TimeStats{
		"cetak": {N: 1, Median: 5, P90: 5}, "periksa": {N: 1, Median: 3, P90: 3},
		"tandatangan": {N: 1, Median: 2, P90: 2}, "serah": {N: 1, Median: 4, P90: 4},
	}
	if r.Reprints != 1 {
		t.Errorf("%d reprints in the month, want 1", r.Reprints)
	}
	for _, iv := range domain.ServiceIntervals {
		if got := r.Reprint[iv.Key]; got != wantReprint[iv.Key] {
			t.Errorf("reprint, %s: %+v, want %+v", iv.Key, got, wantReprint[iv.Key])
		}
	}

	// October, recomputed now, has nothing of it; December neither.
	for _, m := range []string{"2026-10", "2026-12"} {
		p, _ := domain.ParseMonth(m)
		start := time.Date(p.Start.Year(), p.Start.Month(), 1, 0, 0, 0, 0, domain.OfficeZone)
		v, err := db.ServiceVisits(ctx, start, start.AddDate(0, 1, 0))
		must(err)
		if rr := domain.BuildServiceReport(p, v); len(rr.Days) != 0 || rr.Reprints != 0 {
			t.Errorf("%s: %v days, %d reprints", m, rr.Days, rr.Reprints)
		}
	}

	// A correction made before the reprint step was recorded: migration 175 finds it in the audit
	// log, and the figures come out the same.
	must(db.Close())
	raw, err := sql.Open("sqlite", filepath.Join(dir, "ak1.db"))
	must(err)
	_, err = raw.Exec(`DELETE FROM step_events WHERE step = 'reprint_approved'`)
	must(err)
	_, err = raw.Exec(`PRAGMA user_version = 174`)
	must(err)
	must(raw.Close())
	db, err = storage.Open(ctx, dir, clock.Now)
	must(err)
	defer db.Close()
	steps, err := db.StepEvents(ctx, appID)
	must(err)
	var found bool
	for _, e := range steps {
		if e.Step == domain.StepReprintApproved {
			found = e.At.Equal(time.Date(2026, 11, 23, 10, 0, 0, 0, domain.OfficeZone)) && e.By != ""
		}
	}
	if !found {
		t.Fatalf("migration 175 did not restore the reprint's step from the audit log: %+v", steps)
	}
	// The timeline shows the restored step at its time, not last (it was written last).
	for i := 1; i < len(steps); i++ {
		if steps[i].At.Before(steps[i-1].At) {
			t.Fatalf("timeline out of order: %s at %s after %s at %s", steps[i].Step, steps[i].At, steps[i-1].Step, steps[i-1].At)
		}
	}
	again, err := db.ServiceVisits(ctx, from, from.AddDate(0, 1, 0))
	must(err)
	if r2 := domain.BuildServiceReport(nov, again); r2.Reprints != 1 || r2.Reprint["serah"] != wantReprint["serah"] || r2.All["serah"] != want["serah"] {
		t.Errorf("after the migration: %d reprints, reprint hand-over %+v, first hand-overs %+v", r2.Reprints, r2.Reprint["serah"], r2.All["serah"])
	}
}
