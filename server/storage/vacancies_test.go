package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

func testVacancy() domain.Vacancy {
	return domain.Vacancy{EmployerName: "Hotel Inna Bali Heritage", EmployerKBLI: "I", EmployerType: "4", Position: "Resepsionis",
		KBJI: "4", Wanted: domain.Counts{L: 2, P: 1}, MinEducation: "SMA", EduCode: "3404", AgeMin: 18, AgeMax: 30,
		Location: "lokal", Wage: 4_200_000, ClosingDate: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
}

func wita(month time.Month, d, hour int) time.Time {
	return time.Date(2026, month, d, hour, 0, 0, 0, domain.OfficeZone)
}

// TestVacancyEventsGiveThePeriodFigures registers, edits, fills, closes, withdraws and expires
// vacancies over two months and checks that the dated events give each month's IPK measures by
// requested sex, that the places open at the end agree with the vacancies table, and that a month
// comes out the same when computed again after later changes.
func TestVacancyEventsGiveThePeriodFigures(t *testing.T) {
	clock := newClock(wita(10, 5, 9))
	db, _ := openDB(t, clock)
	ctx := context.Background()
	officer := addOfficer(t, db, "petugas", domain.RolePetugas)
	load := func(id int64) *domain.Vacancy {
		t.Helper()
		v, err := db.Vacancy(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	v1, err := db.CreateVacancy(ctx, testVacancy(), officer) // L2 P1
	if err != nil {
		t.Fatal(err)
	}
	short := testVacancy()
	short.EmployerName, short.Wanted, short.ClosingDate = "Warung Made", domain.Counts{Any: 3}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	v2, err := db.CreateVacancy(ctx, short, officer)
	if err != nil {
		t.Fatal(err)
	}

	clock.Set(wita(10, 10, 9)) // one more man, no woman
	edit := *load(v1)
	edit.Wanted = domain.Counts{L: 3}
	if err := db.UpdateVacancy(ctx, v1, officer, load(v1).Version, edit); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateVacancy(ctx, v1, officer, 0, edit); !errors.Is(err, storage.ErrVacancyChanged) {
		t.Fatalf("edit of a vacancy changed meanwhile: %v", err)
	}

	clock.Set(wita(10, 12, 9)) // the KBJI group was wrong: the open places move to the right one
	edit = *load(v1)
	edit.KBJI = "5"
	if err := db.UpdateVacancy(ctx, v1, officer, load(v1).Version, edit); err != nil {
		t.Fatal(err)
	}

	clock.Set(wita(10, 15, 9))
	if err := db.FillVacancy(ctx, v1, officer, load(v1).Version, domain.Counts{P: 1}, "", false); !isNotReady(err) {
		t.Fatalf("filled a place for a woman the vacancy does not ask for: %v", err)
	}
	if err := db.FillVacancy(ctx, v1, officer, load(v1).Version, domain.Counts{L: 1}, "I Made Sukadana", false); err != nil {
		t.Fatal(err)
	}
	fewer := *load(v1)
	fewer.Wanted = domain.Counts{}
	if err := db.UpdateVacancy(ctx, v1, officer, load(v1).Version, fewer); !isNotReady(err) {
		t.Fatalf("wanted set below the places already filled: %v", err)
	}

	clock.Set(wita(10, 21, 8)) // Warung Made closed on the 20th
	if n, err := db.ExpireVacancies(ctx); err != nil || n != 1 {
		t.Fatalf("expired %d, %v", n, err)
	}
	if v := load(v2); v.State != domain.VacancyExpired || v.Open.Total() != 0 {
		t.Fatalf("v2 %s open %+v", v.State, v.Open)
	}

	october := func() storage.VacancyMeasures {
		t.Helper()
		m, err := db.VacancyMeasures(ctx, wita(10, 1, 0), wita(11, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	oct := october()
	wantOct := storage.VacancyMeasures{
		Registered: domain.Counts{L: 6, P: 1, Any: 3}, // 2+1 L/P and 3 either, 1 more man, 3 moved in under KBJI 5
		Filled:     domain.Counts{L: 1},
		Removed:    domain.Counts{L: 3, P: 1, Any: 3}, // the woman's place, 3 moved out of KBJI 4, Warung Made expired
		After:      domain.Counts{L: 2},
	}
	if oct != wantOct {
		t.Fatalf("October %+v\nwant     %+v", oct, wantOct)
	}
	// The expiry is dated when the vacancy closed, not when the sweep ran.
	if n := count(t, db, `SELECT count(*) FROM vacancy_events WHERE vacancy_id = ? AND kind = 'removed' AND at = '2026-10-20T16:00:00.000Z'`, v2); n != 1 {
		t.Fatal("expiry not dated at the closing moment")
	}
	// The moved places carry their classification.
	if n := count(t, db, `SELECT count(*) FROM vacancy_events WHERE vacancy_id = ? AND reason = 'koreksi klasifikasi'
		AND ((kind = 'removed' AND kbji = '4') OR (kind = 'registered' AND kbji = '5')) AND l = 3`, v1); n != 2 {
		t.Fatalf("reclassification events %d, want 2", n)
	}

	clock.Set(wita(11, 3, 10))
	if err := db.FillVacancy(ctx, v1, officer, load(v1).Version, domain.Counts{L: 1}, "", true); err != nil {
		t.Fatal(err)
	}
	if v := load(v1); v.State != domain.VacancyFilled || v.Open.Total() != 0 {
		t.Fatalf("v1 after closing as filled: %s %+v", v.State, v.Open)
	}
	clock.Set(wita(11, 4, 10))
	other := testVacancy()
	other.EmployerName, other.Wanted = "PT Bank Sejahtera", domain.Counts{P: 2}
	v3, err := db.CreateVacancy(ctx, other, officer)
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(wita(11, 5, 10))
	if err := db.WithdrawVacancy(ctx, v3, officer, load(v3).Version, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.WithdrawVacancy(ctx, v3, officer, load(v3).Version, ""); !errors.Is(err, storage.ErrVacancyChanged) {
		t.Fatalf("withdrawn twice: %v", err)
	}

	if again := october(); again != oct {
		t.Fatalf("October recomputed after November's changes: %+v, was %+v", again, oct)
	}
	nov, err := db.VacancyMeasures(ctx, wita(11, 1, 0), wita(12, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	wantNov := storage.VacancyMeasures{Before: domain.Counts{L: 2}, Registered: domain.Counts{P: 2}, Filled: domain.Counts{L: 1},
		Removed: domain.Counts{L: 1, P: 2}}
	if nov != wantNov {
		t.Fatalf("November %+v\nwant      %+v", nov, wantNov)
	}
	if open := count(t, db, `SELECT sum(open_l + open_p + open_any) FROM vacancies`); open != nov.After.Total() {
		t.Fatalf("vacancies table has %d open places, the events say %d", open, nov.After.Total())
	}
	hist, err := db.VacancyEvents(ctx, v1)
	if err != nil || len(hist) != 9 || hist[0].Kind != "registered" || hist[len(hist)-1].Reason != "ditutup, sisa tidak terisi" {
		t.Fatalf("v1 history (%v): %+v", err, hist)
	}
	for _, action := range []string{"vacancy-register", "vacancy-edit", "vacancy-fill", "vacancy-withdraw", "vacancy-expire"} {
		if count(t, db, `SELECT count(*) FROM audit_log WHERE action = ?`, action) == 0 {
			t.Errorf("no audit row %s", action)
		}
	}
	if open, err := db.OpenVacancies(ctx); err != nil || len(open) != 0 {
		t.Fatalf("open vacancies %+v, %v", open, err)
	}
}
