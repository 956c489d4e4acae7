package storage_test

import (
	"context"
	"testing"
	"time"

	"ak1/server/domain"
)

// TestRegisters: the Buku Agenda, the check list and the vacancy register cover the office days
// asked for (WITA: a check at 23.30 belongs to its day, not the next), one level or all, one
// officer or all.
func TestRegisters(t *testing.T) {
	ctx := context.Background()
	clock := newClock(time.Date(2026, 3, 10, 23, 30, 0, 0, domain.OfficeZone))
	db, _ := openDB(t, clock)
	a := addOfficer(t, db, "petugas-a", domain.RolePetugas)
	b := addOfficer(t, db, "petugas-b", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	smk := ipkPerson{"L", "2001-08-07", "SMK", "3404", "2019", "5"}
	registerAt(t, db, 1, ipkPerson{"P", "2000-05-05", "SMA", "3801", "2018", "4"}, a, pengantar)
	registerAt(t, db, 2, smk, b, pengantar)
	clock.Set(officeMorning(2026, 3, 11))
	registerAt(t, db, 3, smk, a, pengantar)
	vacancy := domain.Vacancy{EmployerName: "PT Register", EmployerKBLI: "I", EmployerType: "4", Position: "Staf", KBJI: "5",
		Wanted: domain.Counts{L: 1, Any: 2}, Location: "lokal", ClosingDate: time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)}
	if _, err := db.CreateVacancy(ctx, vacancy, b); err != nil {
		t.Fatal(err)
	}

	agenda, err := db.AgendaBook(ctx, "2026-03-10", "2026-03-10", "", 0)
	if err != nil || len(agenda) != 2 || agenda[0].Level != "SMA" || agenda[1].Level != "SMK" || agenda[1].Number != 1 || agenda[0].Officer != "Officer petugas-a" {
		t.Fatalf("agenda of 10 March: %+v, %v", agenda, err)
	}
	if got, _ := db.AgendaBook(ctx, "2026-03-10", "2026-03-11", "SMK", 0); len(got) != 2 || got[1].Number != 2 || got[1].RegNumber == "" {
		t.Fatalf("SMK book over two days: %+v", got)
	}
	if got, _ := db.AgendaBook(ctx, "2026-03-10", "2026-03-11", "", b); len(got) != 1 || got[0].FullName != "I Wayan Sudarma" {
		t.Fatalf("officer b's entries: %+v", got)
	}
	checks, err := db.CheckList(ctx, "2026-03-10", "2026-03-10", 0)
	if err != nil || len(checks) != 2 || len(checks[0].Documents) != 3 || checks[0].Officer != "Officer petugas-a" {
		t.Fatalf("check list of 10 March (checks at 23.30 WITA): %+v, %v", checks, err)
	}
	if got, _ := db.CheckList(ctx, "2026-03-11", "2026-03-11", a); len(got) != 1 {
		t.Fatalf("check list of 11 March, officer a: %+v", got)
	}
	vacancies, err := db.VacancyRegister(ctx, "2026-03-11", "2026-03-11", b)
	if err != nil || len(vacancies) != 1 || vacancies[0].WantedAny != 2 || vacancies[0].Officer != "Officer petugas-b" {
		t.Fatalf("vacancy register: %+v, %v", vacancies, err)
	}
	if got, _ := db.VacancyRegister(ctx, "2026-03-10", "2026-03-10", 0); len(got) != 0 {
		t.Fatalf("vacancy register of 10 March: %+v", got)
	}
}
