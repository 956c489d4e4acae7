package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

func TestDemoSeedApprovedApplicants(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string { return map[string]string{"AK1_DATA_DIR": dir}[k] }
	var out bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"ak1-server", "demo", "seed", "--count", "6", "--approve", "--seed", "42"}, env, &out, &out); err != nil {
		t.Fatalf("demo seed: %v\n%s", err, out.String())
	}
	if n := strings.Count(out.String(), "kartu 5171 "); n != 6 {
		t.Fatalf("seeded %d cards, want 6:\n%s", n, out.String())
	}
	db, err := storage.Open(ctx, dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	jobs, err := db.PrintJobs(ctx)
	if err != nil || len(jobs) != 6 {
		t.Fatalf("print jobs = %d, %v", len(jobs), err)
	}
	now := time.Now().In(domain.OfficeZone)
	rules := domain.Rules{MinAge: 18, Today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)}
	for _, j := range jobs {
		if j.State != domain.PrintQueued {
			t.Errorf("job %d is %s, want queued", j.ID, j.State)
		}
		app, err := db.Application(ctx, j.ApplicationID)
		if err != nil {
			t.Fatal(err)
		}
		// Realistic means the kiosk's own checks accept it: NIK agrees with birth date and sex, a real kelurahan.
		if errs, _ := app.Form.Validate(rules); len(errs) > 0 {
			t.Errorf("seeded applicant %s fails the form checks: %v", app.NIK, errs)
		}
		if _, err := db.Photo(ctx, app.ID); err != nil {
			t.Errorf("seeded applicant %s has no photo: %v", app.NIK, err)
		}
	}

	// --if-empty adds nothing to a database that has applications.
	out.Reset()
	if err := run(ctx, []string{"ak1-server", "demo", "seed", "--count", "2", "--if-empty"}, env, &out, &out); err != nil {
		t.Fatal(err)
	}
	if total, _, _ := db.CountApplications(ctx); total != 6 {
		t.Fatalf("--if-empty added applications: %d", total)
	}

	// A database with a real application is refused.
	f := &domain.Form{NIK: "5171030708010001", FullName: "I Wayan Nyata", BirthDay: "7", BirthMonth: "8", BirthYear: "2001", Sex: "L"}
	if _, err := db.SubmitApplication(ctx, f, "kiosk", "kiosk", ""); err != nil {
		t.Fatal(err)
	}
	err = run(ctx, []string{"ak1-server", "demo", "seed", "--count", "1"}, env, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "real applications") {
		t.Fatalf("seed on a real database: %v", err)
	}
}

// TestDemoGenerate: `demo generate` fills an empty database in bulk and refuses one that holds
// applications, real ones above all.
func TestDemoGenerate(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string { return map[string]string{"AK1_DATA_DIR": dir}[k] }
	var out bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"ak1-server", "demo", "generate", "--count", "1500"}, env, &out, &out); err != nil {
		t.Fatalf("demo generate: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "demo generate: 1500 applications over") {
		t.Fatalf("output:\n%s", out.String())
	}
	db, err := storage.Open(ctx, dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if total, real, err := db.CountApplications(ctx); total != 1500 || real != 0 || err != nil {
		t.Fatalf("applications %d (real %d), %v", total, real, err)
	}
	if err := run(ctx, []string{"ak1-server", "demo", "generate", "--count", "10"}, env, &out, &out); err == nil || !strings.Contains(err.Error(), "already holds 1500") {
		t.Fatalf("generate into a database with applications: %v", err)
	}

	realDir := t.TempDir()
	realDB, err := storage.Open(ctx, realDir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	f := &domain.Form{NIK: "5171030708010001", FullName: "I Wayan Nyata", BirthDay: "7", BirthMonth: "8", BirthYear: "2001", Sex: "L"}
	if _, err := realDB.SubmitApplication(ctx, f, "kiosk", "kiosk", ""); err != nil {
		t.Fatal(err)
	}
	realDB.Close()
	err = run(ctx, []string{"ak1-server", "demo", "generate", "--count", "10", "--data-dir", realDir}, env, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "1 real applications") {
		t.Fatalf("generate into a real database: %v", err)
	}
}
