package storage_test

import (
	"context"
	"reflect"
	"testing"

	"ak1/server/domain"
	"ak1/server/storage"
)

// s1Form is testForm of an S1 graduate with two trainings and a job.
func s1Form(serial int) *domain.Form {
	f := testForm(serial)
	f.EduLevel, f.EduCode, f.EduSchool, f.EduMajor, f.EduYear = "S1", "6509", "Universitas Warmadewa", "Manajemen", "2024"
	f.EduHistory = append(f.EduHistory, domain.Education{Level: "SMA/SMK", School: "SMA Negeri 1 Denpasar", Major: "IPS", Year: "2019"})
	f.Trainings = [domain.Rows]domain.Training{{Name: "Tata Boga", Institution: "BLK Denpasar", Year: "2020"}, {}, {Name: "Barista", Year: "2022"}}
	f.NeverWorked = false
	f.Experiences[1] = domain.Experience{Position: "Kasir", Employer: "Toko Sari", Sector: "G", Years: "1", Months: "6"}
	f.DesiredSector, f.TargetCompany = "I", "Hotel Inna Bali"
	return f
}

func TestFormRowsFollowTheForm(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	app := submit(t, db, s1Form(1))
	got, err := db.EducationRows(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []storage.EducationRow{
		{Level: "SD", School: "SD Negeri 1 Ubung", Year: 2013},
		{Level: "SMP/SLTP", School: "SMP Negeri 3 Denpasar", Year: 2016},
		{Level: "SMA/SMK", School: "SMA Negeri 1 Denpasar", Major: "IPS", Year: 2019},
		{Level: "S1", School: "Universitas Warmadewa", Major: "Manajemen", Year: 2024, IPKCode: "6509", Highest: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("education rows =\n%+v\nwant\n%+v", got, want)
	}
	if n := count(t, db, `SELECT count(*) FROM application_training WHERE application_id = ?`, app.ID); n != 2 {
		t.Errorf("training rows = %d, want 2", n)
	}
	if n := count(t, db, `SELECT count(*) FROM application_experience WHERE application_id = ? AND position = 2 AND kbli = 'G' AND months = 18`, app.ID); n != 1 {
		t.Errorf("experience row not stored with its sector and 18 months")
	}
	if n := count(t, db, `SELECT count(*) FROM applications WHERE id = ? AND desired_kbli = 'I' AND target_company = 'Hotel Inna Bali' AND desired_kbji = '5'`, app.ID); n != 1 {
		t.Errorf("wishes not stored beside the form")
	}

	// A correction to SMA as the highest level rewrites the rows.
	g := app.Form
	g.EduLevel, g.EduCode, g.EduSchool, g.EduMajor, g.EduYear = "SMA", "3801", "SMA Negeri 1 Denpasar", "IPS", "2019"
	g.Normalize()
	if err := db.CorrectApplication(ctx, app.ID, petugas, app.State, &g, []storage.FieldChange{{Field: "edu_level", Old: "S1", New: "SMA"}}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.EducationRows(ctx, app.ID)
	if len(got) != 3 || got[2].Level != "SMA" || got[2].IPKCode != "3801" || !got[2].Highest || got[1].Highest {
		t.Fatalf("after the correction: %+v", got)
	}
	if n := count(t, db, `SELECT count(*) FROM application_education WHERE ipk_code = '3801' AND highest = 1`); n != 1 {
		t.Errorf("the IPK code index finds %d", n)
	}

	// A card made by hand during an outage has its rows too.
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	id, err := db.EnterManualCard(ctx, storage.ManualCard{Form: s1Form(3), RegNumber: "5171 100326 000900", IssuedOn: morning,
		PengantarID: pengantar, UserID: petugas})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := db.EducationRows(ctx, id); len(got) != 4 || got[3].IPKCode != "6509" {
		t.Errorf("manual card's education rows: %+v", got)
	}
}

// TestFormRowsMigrationBackfills: a database made before migration 071 gets the rows of its
// applications from their stored forms.
func TestFormRowsMigrationBackfills(t *testing.T) {
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	ctx := context.Background()
	app := submit(t, db, s1Form(1))
	old := submit(t, db, testForm(2))
	// An application stored before this issue: no history, no code, no rows.
	if err := db.ExecForTest(ctx, `UPDATE applications SET form = json_remove(form, '$.edu_history', '$.edu_code') WHERE id = ?`, old.ID); err != nil {
		t.Fatal(err)
	}
	want, _ := db.EducationRows(ctx, app.ID)
	for _, q := range []string{`DROP TABLE application_education`, `DROP TABLE application_training`, `DROP TABLE application_experience`,
		`ALTER TABLE applications DROP COLUMN desired_kbji`, `ALTER TABLE applications DROP COLUMN desired_kbli`,
		`ALTER TABLE applications DROP COLUMN target_company`} {
		if err := db.ExecForTest(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.ApplyMigrationForTest(ctx, 71); err != nil {
		t.Fatal(err)
	}
	got, err := db.EducationRows(ctx, app.ID)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("after the migration: %+v, %v\nwant %+v", got, err, want)
	}
	got, _ = db.EducationRows(ctx, old.ID)
	if len(got) != 1 || got[0].Level != "SMA" || got[0].Year != 2019 || !got[0].Highest || got[0].IPKCode != "" {
		t.Fatalf("old application's rows after the migration: %+v", got)
	}
	if n := count(t, db, `SELECT count(*) FROM application_training WHERE application_id = ?`, app.ID); n != 2 {
		t.Errorf("training rows after the migration = %d", n)
	}
	if n := count(t, db, `SELECT count(*) FROM application_experience WHERE application_id = ? AND months = 18 AND kbli = 'G'`, app.ID); n != 1 {
		t.Errorf("experience row missing after the migration")
	}
	if n := count(t, db, `SELECT count(*) FROM applications WHERE id = ? AND target_company = 'Hotel Inna Bali'`, app.ID); n != 1 {
		t.Errorf("wishes missing after the migration")
	}
}
