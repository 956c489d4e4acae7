package storage_test

import (
	"context"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// TestServiceTimes takes applications through the whole service with the clock moved by known
// minutes between the steps, and reads the month's medians and 90th percentiles back: every step of
// the SOP measured, a day's figures on the day each interval ended.
func TestServiceTimes(t *testing.T) {
	ctx := context.Background()
	clock := newClock(time.Date(2026, 11, 2, 8, 0, 0, 0, domain.OfficeZone))
	db, _ := openDB(t, clock)
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	later := func(min int) { clock.Set(clock.Now().Add(time.Duration(min) * time.Minute)) }
	// wait, check, photo, approve, print, holder, sign, counsel, hand over: minutes before each step.
	visit := func(serial int, day int, m [9]int) {
		clock.Set(time.Date(2026, 11, day, 8, 0, 0, 0, domain.OfficeZone))
		app := submit(t, db, testForm(serial))
		steps := []func() error{
			func() error { return db.CallApplication(ctx, app.ID, petugas, "1") },
			func() error { return db.SetDocuments(ctx, app.ID, petugas, []string{"ktp", "foto", "ijazah"}) },
			func() error { return db.SavePhoto(ctx, app.ID, petugas, []byte{0xff, 0xd8, 0xff}) },
			func() error {
				a, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, Pattern: domain.DefaultRegNoPattern})
				if err == nil {
					later(m[4])
					printCard(t, db, a.PrintJobID)
				}
				return err
			},
			func() error { return db.HolderChecked(ctx, app.ID, petugas) },
			func() error { return db.SignOff(ctx, app.ID, pengantar) },
			func() error { return db.FinishCounselling(ctx, app.ID, pengantar, "") },
			func() error { return db.HandOver(ctx, app.ID, pengantar, "yang bersangkutan") },
		}
		for i, step := range steps {
			if i < 4 {
				later(m[i])
			} else {
				later(m[i+1])
			}
			if err := step(); err != nil {
				t.Fatalf("visit %d step %d: %v", serial, i, err)
			}
		}
	}
	visit(1, 2, [9]int{10, 3, 2, 4, 1, 2, 1, 2, 1})
	visit(2, 2, [9]int{20, 5, 1, 6, 3, 4, 3, 1, 1})
	visit(3, 3, [9]int{30, 7, 1, 8, 2, 2, 1, 1, 3})
	nov, _ := domain.ParseMonth("2026-11")
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, domain.OfficeZone)
	visits, err := db.ServiceVisits(ctx, from, from.AddDate(0, 1, 0))
	if err != nil || len(visits) != 3 {
		t.Fatalf("visits: %d, %v", len(visits), err)
	}
	r := domain.BuildServiceReport(nov, visits)
	want := map[string]domain.TimeStats{
		"antre": {N: 3, Median: 20, P90: 30}, "berkas": {N: 3, Median: 5, P90: 7}, "foto": {N: 3, Median: 1, P90: 2},
		"setuju": {N: 3, Median: 6, P90: 8}, "cetak": {N: 3, Median: 2, P90: 3}, "periksa": {N: 3, Median: 2, P90: 4},
		"tandatangan": {N: 3, Median: 1, P90: 3}, "bimbingan": {N: 3, Median: 1, P90: 2}, "serah": {N: 3, Median: 1, P90: 3},
		"layanan": {N: 3, Median: 24, P90: 25}, "kunjungan": {N: 3, Median: 44, P90: 55},
	}
	for key, w := range want {
		if got := r.All[key]; got != w {
			t.Errorf("%s: %+v, want %+v", key, got, w)
		}
	}
	if len(r.Days) != 2 || r.ByDay["layanan"][0] != (domain.TimeStats{N: 2, Median: 20, P90: 24}) || r.ByDay["layanan"][1].N != 1 {
		t.Fatalf("days %v, 2 November %+v", r.Days, r.ByDay["layanan"])
	}
	if !r.All["setuju"].Over(5) || r.All["cetak"].Over(2) {
		t.Fatal("over the Mutu Baku")
	}
}
