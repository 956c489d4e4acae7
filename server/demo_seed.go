package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
	"ak1/server/storage/gen"
)

// demoCommand runs `demo seed --count N [--approve] [--if-empty]` (synthetic, realistic applicants
// for trying the system, through the same steps as the desk) and `demo generate --count N` (years
// of applications in bulk, for measuring the system at scale). Both refuse a database that holds
// real applications.
func demoCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "generate" {
		return demoGenerate(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "seed" {
		return fmt.Errorf("usage: ak1-server demo seed --count N [--approve] [--if-empty] | demo generate --count N [--seed S]")
	}
	fs := flag.NewFlagSet("demo seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	count := fs.Int("count", 5, "how many applicants to create")
	approve := fs.Bool("approve", false, "also approve them, so their cards wait in the print queue")
	ifEmpty := fs.Bool("if-empty", false, "do nothing when the database already has applications")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed (the same seed gives the same people)")
	pattern := fs.String("regno-pattern", envOr(getenv, "AK1_REGNO_PATTERN", domain.DefaultRegNoPattern), "registration-number pattern (AK1_REGNO_PATTERN)")
	db, err := openForCLI(ctx, fs, args[1:], getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	if *count < 1 || *count > 10000 {
		return fmt.Errorf("demo seed: --count must be 1 to 10000")
	}
	total, real, err := db.CountApplications(ctx)
	if err != nil {
		return err
	}
	if real > 0 {
		return fmt.Errorf("demo seed: this database holds %d real applications; demo data is only for an empty or demo database", real)
	}
	if *ifEmpty && total > 0 {
		fmt.Fprintf(stdout, "demo seed: the database already has %d applications; nothing added\n", total)
		return nil
	}
	petugas, pengantar, err := demoOfficers(ctx, db, stdout)
	if err != nil {
		return err
	}
	people := gen.NewPeople(*seed, time.Now())
	for i := 0; i < *count; i++ {
		f := people.Form()
		app, err := db.SubmitApplication(ctx, f, "demo", "demo", "")
		if err != nil {
			return fmt.Errorf("demo seed: submit %s: %w", f.NIK, err)
		}
		if err := db.SetDocuments(ctx, app.ID, petugas, storage.RequiredDocuments()); err != nil {
			return fmt.Errorf("demo seed: documents: %w", err)
		}
		photo, err := people.Photo(f.Sex == "P")
		if err != nil {
			return err
		}
		if err := db.SavePhoto(ctx, app.ID, petugas, photo); err != nil {
			return fmt.Errorf("demo seed: photo: %w", err)
		}
		line := fmt.Sprintf("%s %-32s %s", app.Ticket, f.FullName, f.NIK)
		if *approve {
			got, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, PengantarID: pengantar, Pattern: *pattern})
			if err != nil {
				return fmt.Errorf("demo seed: approve: %w", err)
			}
			line += "  kartu " + got.RegNumber
		}
		fmt.Fprintln(stdout, "demo:", line)
	}
	return nil
}

// demoGenerate fills an empty database with years of applications in bulk (storage/gen).
func demoGenerate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	count := fs.Int("count", 10000, "how many applications to generate")
	seed := fs.Uint64("seed", 1, "random seed (the same seed gives the same data)")
	perDay := fs.Int("per-day", gen.DefaultPerDay, "applications on an average office day")
	pattern := fs.String("regno-pattern", envOr(getenv, "AK1_REGNO_PATTERN", domain.DefaultRegNoPattern), "registration-number pattern (AK1_REGNO_PATTERN)")
	dir := fs.String("data-dir", envOr(getenv, "AK1_DATA_DIR", "./data"), "folder of the database (AK1_DATA_DIR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *count < 1 || *count > 5_000_000 {
		return fmt.Errorf("demo generate: --count must be 1 to 5000000")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return fmt.Errorf("AK1_DATA_DIR %q: %w", *dir, err)
	}
	start := time.Now()
	sum, err := gen.Generate(ctx, *dir, gen.Options{Count: *count, Seed: *seed, PerDay: *perDay, RegNo: *pattern,
		Progress: func(done int) {
			fmt.Fprintf(stdout, "demo generate: %d of %d applications (%s)\n", done, *count, time.Since(start).Round(time.Second))
		}})
	if err != nil {
		return fmt.Errorf("demo generate: %w", err)
	}
	fmt.Fprintf(stdout, "demo generate: %d applications over %d office days (%s to %s), %d cards, %d calls, %d print jobs, in %s\n",
		sum.Applications, sum.Days, sum.First, sum.Last, sum.Cards, sum.Calls, sum.PrintJobs, time.Since(start).Round(time.Second))
	return nil
}

// demoOfficers returns the demo Petugas and Pengantar Kerja, creating the demo accounts if needed.
func demoOfficers(ctx context.Context, db *storage.DB, stdout io.Writer) (petugas, pengantar int64, err error) {
	p, err := db.UserByUsername(ctx, "petugas")
	if err != nil {
		if err := ensureDemoAccounts(ctx, db, stdout); err != nil {
			return 0, 0, err
		}
		if p, err = db.UserByUsername(ctx, "petugas"); err != nil {
			return 0, 0, err
		}
	}
	k, err := db.UserByUsername(ctx, "pengantar")
	if err != nil {
		return 0, 0, err
	}
	return p.ID, k.ID, nil
}
