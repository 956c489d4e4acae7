package storage_test

import (
	"context"
	"testing"
	"time"

	"ak1/server/domain"
)

// TestPlacementThroughAReferralFillsTheVacancy: a placement recorded with the holder's referral
// fills one place of the referral's vacancy on the day it is recorded (the holder's sex where the
// employer asked for it, else either sex); the last place closes the vacancy as filled. The IPK
// figures of the month (III/1 part II row 3, III/4–III/6) count it; a placement recorded again, or
// through a vacancy already closed, fills nothing more, and an earlier month stays as it was.
func TestPlacementThroughAReferralFillsTheVacancy(t *testing.T) {
	ctx := context.Background()
	clock := newClock(officeMorning(2026, 11, 2))
	db, _ := openDB(t, clock)
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	v := testVacancy()
	v.Wanted = domain.Counts{L: 1, Any: 1}
	vacancy, err := db.CreateVacancy(ctx, v, petugas)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	referred := func(serial int) (cardID, referral int64) {
		t.Helper()
		appID, cardID := printedApplication(t, db, serial, petugas)
		must(db.HolderChecked(ctx, appID, petugas))
		must(db.SignOff(ctx, appID, pengantar))
		referral, err := db.Refer(ctx, appID, vacancy, pengantar)
		must(err)
		must(db.FinishCounselling(ctx, appID, pengantar, ""))
		must(db.HandOver(ctx, appID, petugas, ""))
		return cardID, referral
	}
	a, refA := referred(1)
	b, refB := referred(2)
	c, refC := referred(3)
	through := func(referral int64) *domain.Placement {
		p := placement("2026-11-16")
		p.Referral, p.ReferralID = "", referral
		return p
	}
	settings := domain.ReportSettings{Quarterly: []string{}}
	nov := domain.MonthPeriod(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	dec := domain.MonthPeriod(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	// filled is III/1 part II row 3 (filled) by L, P, L+P, and III/4–III/6's JUMLAH filled L and P.
	filled := func(m domain.Period) [3]int {
		t.Helper()
		r, err := db.ComputeIPK(ctx, m, settings)
		must(err)
		i1 := r.Table(domain.TableIII1)
		got := [3]int{ipkCell(t, i1, 1, 3, 0), ipkCell(t, i1, 1, 3, 1), ipkCell(t, i1, 1, 3, 2)}
		for _, id := range []string{domain.TableIII4, domain.TableIII5, domain.TableIII6} {
			tb := r.Table(id)
			checkMeasureRows(t, tb, 2)
			j := tb.Parts[0].Rows[len(tb.Parts[0].Rows)-1].Cells
			if j[4].N != got[0] || j[5].N != got[1] {
				t.Errorf("%s %s JUMLAH filled %d %d, III/1 part II %d %d", m.Key(), id, j[4].N, j[5].N, got[0], got[1])
			}
		}
		return got
	}
	if got := filled(nov); got != [3]int{} {
		t.Fatalf("November filled %v before any placement", got)
	}

	clock.Set(officeMorning(2026, 11, 20))
	must(db.RecordPlacement(ctx, a, petugas, 0, through(refA)))
	got, err := db.Vacancy(ctx, vacancy)
	must(err)
	if got.Open != (domain.Counts{Any: 1}) || got.State != domain.VacancyOpen || got.Version != 2 {
		t.Fatalf("after the first placement: open %+v, %s, version %d", got.Open, got.State, got.Version)
	}
	if f := filled(nov); f != [3]int{1, 0, 1} {
		t.Fatalf("November filled %v, want one man", f)
	}
	// The same placement recorded again is refused (the card is placed) and fills nothing.
	if err := db.RecordPlacement(ctx, a, petugas, 0, through(refA)); !isRule(err) {
		t.Fatalf("placement recorded twice: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM vacancy_events WHERE vacancy_id = ? AND kind = 'filled' AND referral_id = ? AND filled_by LIKE '%surat pengantar%'`,
		vacancy, refA); n != 1 {
		t.Fatalf("%d filled events for the first referral, want 1", n)
	}

	// In December the second man takes the place for either sex: the vacancy is filled and closes.
	clock.Set(officeMorning(2026, 12, 3))
	must(db.RecordPlacement(ctx, b, petugas, 0, through(refB)))
	got, _ = db.Vacancy(ctx, vacancy)
	if got.Open != (domain.Counts{}) || got.State != domain.VacancyFilled {
		t.Fatalf("after the last place: open %+v, %s", got.Open, got.State)
	}
	if f := filled(dec); f != [3]int{0, 0, 1} {
		t.Fatalf("December filled %v, want one place for either sex", f)
	}
	if f := filled(nov); f != [3]int{1, 0, 1} {
		t.Fatalf("November changed to %v", f)
	}
	// The third was referred too, but the vacancy is filled: the placement stands, nothing is filled.
	must(db.RecordPlacement(ctx, c, petugas, 0, through(refC)))
	if life, err := db.CardLife(ctx, c); err != nil || life.Placement == nil || life.Placement.ReferralID != refC {
		t.Fatalf("third placement: %+v, %v", life, err)
	}
	if n := count(t, db, `SELECT count(*) FROM vacancy_events WHERE vacancy_id = ? AND kind = 'filled'`, vacancy); n != 2 {
		t.Fatalf("%d filled events, want 2", n)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'vacancy-fill'`); n != 2 {
		t.Fatalf("%d vacancy-fill audit rows, want 2", n)
	}
	// An officer's form made before the placements is refused, not applied over them.
	if err := db.FillVacancy(ctx, vacancy, petugas, 1, domain.Counts{L: 1}, "", false); err == nil {
		t.Fatal("a fill from a form made before the placements was applied")
	}
}

// TestReferralFillsOnePlaceAtMost: the database itself refuses a second place filled by the same
// referral (migration 160), whatever path records it.
func TestReferralFillsOnePlaceAtMost(t *testing.T) {
	ctx := context.Background()
	clock := newClock(officeMorning(2026, 11, 2))
	db, _ := openDB(t, clock)
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	vacancy, err := db.CreateVacancy(ctx, testVacancy(), petugas)
	if err != nil {
		t.Fatal(err)
	}
	appID, _ := printedApplication(t, db, 1, petugas)
	if err := db.HolderChecked(ctx, appID, petugas); err != nil {
		t.Fatal(err)
	}
	if err := db.SignOff(ctx, appID, pengantar); err != nil {
		t.Fatal(err)
	}
	ref, err := db.Refer(ctx, appID, vacancy, pengantar)
	if err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO vacancy_events (vacancy_id, at, kind, l, edu_level, edu_code, kbji, kbli, employer_type, location, referral_id)
		VALUES (?, '2026-11-02T01:00:00Z', 'filled', 1, '', '', '', '', '', '', ?)`
	if err := db.ExecForTest(ctx, insert, vacancy, ref); err != nil {
		t.Fatal(err)
	}
	if err := db.ExecForTest(ctx, insert, vacancy, ref); err == nil {
		t.Fatal("a second place filled by the same referral was stored")
	}
}
