package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ak1/server/config"
	"ak1/server/domain"
	"ak1/server/storage"
)

// openForCLI opens the database of the data folder named by -data-dir or AK1_DATA_DIR, with the
// report window of AK1_REPORT_EARLY_DAYS and AK1_REPORT_GRACE_DAYS (or their flags).
func openForCLI(ctx context.Context, fs *flag.FlagSet, args []string, getenv func(string) string) (*storage.DB, error) {
	dir := fs.String("data-dir", envOr(getenv, "AK1_DATA_DIR", "./data"), "folder of the database (AK1_DATA_DIR)")
	// A card's state (in force, lapsed) depends on the office's report window: the tools judge it
	// as the server does.
	early := fs.String("report-early-days", envOr(getenv, "AK1_REPORT_EARLY_DAYS", strconv.Itoa(domain.DefaultReportRules.Early)),
		"days before a six-monthly report's due date from which it is accepted (AK1_REPORT_EARLY_DAYS)")
	grace := fs.String("report-grace-days", envOr(getenv, "AK1_REPORT_GRACE_DAYS", strconv.Itoa(domain.DefaultReportRules.Grace)),
		"days after a report's due date on which a card still without it lapses (AK1_REPORT_GRACE_DAYS)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	rules, err := config.ParseReportRules(*early, *grace)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return nil, fmt.Errorf("AK1_DATA_DIR %q: %w", *dir, err)
	}
	db, err := storage.Open(ctx, *dir, time.Now)
	if err != nil {
		return nil, err
	}
	db.SetReportRules(rules)
	return db, nil
}

func envOr(getenv func(string) string, name, fallback string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return fallback
}

// stationUsage lists the station subcommands.
const stationUsage = "usage: ak1-server station add --name NAME [--token-file FILE] | station list | station options --name NAME [name=value ...] [--clear]" +
	" | station disable|enable|remove --name NAME | station rotate --name NAME [--token-file FILE]"

// stationCommand manages print stations: `station add --name NAME` prints the new token once.
func stationCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(stationUsage)
	}
	fs := flag.NewFlagSet("station "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	switch args[0] {
	case "add":
		name := fs.String("name", "", "station name, e.g. \"Loket Cetak 1\"")
		tokenFile := fs.String("token-file", "", "write the token to this file (mode 0600) instead of printing it")
		db, err := openForCLI(ctx, fs, args[1:], getenv)
		if err != nil {
			return err
		}
		defer db.Close()
		if strings.TrimSpace(*name) == "" {
			return fmt.Errorf("station add: --name is required")
		}
		id, token, err := db.AddStation(ctx, *name)
		if err != nil {
			return fmt.Errorf("station add: %w", err)
		}
		return showToken(stdout, *tokenFile, fmt.Sprintf("station %d %q added", id, *name), token)
	case "list":
		db, err := openForCLI(ctx, fs, args[1:], getenv)
		if err != nil {
			return err
		}
		defer db.Close()
		stations, err := db.Stations(ctx)
		if err != nil {
			return err
		}
		for _, st := range stations {
			seen := "never"
			if !st.LastSeen.IsZero() {
				seen = st.LastSeen.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%d\t%s\tprinter=%s\tstate=%s\tlast_seen=%s\tpaused=%v\n", st.ID, st.Name, st.Printer, st.PrinterState, seen, st.Paused)
		}
		return nil
	case "options":
		// Print options (IPP job attributes, driver options) of one station; the agent applies them
		// from its next heartbeat. Without name=value arguments it shows the current ones.
		name := fs.String("name", "", "station name")
		clear := fs.Bool("clear", false, "remove every option before setting the given ones")
		db, err := openForCLI(ctx, fs, args[1:], getenv)
		if err != nil {
			return err
		}
		defer db.Close()
		st, err := stationNamed(ctx, db, "options", *name)
		if err != nil {
			return err
		}
		if fs.NArg() == 0 && !*clear {
			fmt.Fprint(stdout, domain.FormatPrintOptions(st.Options))
			return nil
		}
		set, err := domain.ParsePrintOptions(strings.Join(fs.Args(), "\n"))
		if err != nil {
			return fmt.Errorf("station options: %w", err)
		}
		opts := map[string]string{}
		if !*clear {
			opts = st.Options
		}
		for k, v := range set {
			opts[k] = v
		}
		if err := db.SetStationOptions(ctx, st.ID, opts, "cli"); err != nil {
			return err
		}
		fmt.Fprint(stdout, domain.FormatPrintOptions(opts))
		return nil
	case "disable", "enable", "rotate", "remove":
		// Revoking a station: its token is refused at once by every agent call, also by a claim
		// its agent has waiting (within half a second when done from here).
		name := fs.String("name", "", "station name")
		tokenFile := fs.String("token-file", "", "rotate: write the new token to this file (mode 0600) instead of printing it")
		db, err := openForCLI(ctx, fs, args[1:], getenv)
		if err != nil {
			return err
		}
		defer db.Close()
		st, err := stationNamed(ctx, db, args[0], *name)
		if err != nil {
			return err
		}
		switch args[0] {
		case "disable", "enable":
			if err := db.SetStationDisabled(ctx, st.ID, args[0] == "disable", "cli"); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "station %q %sd\n", st.Name, args[0])
		case "rotate":
			token, err := db.RotateStationToken(ctx, st.ID, "cli")
			if err != nil {
				return err
			}
			return showToken(stdout, *tokenFile, fmt.Sprintf("station %q has a new token; the old one is refused from now on", st.Name), token)
		case "remove":
			err := db.RemoveStation(ctx, st.ID, "cli")
			if errors.Is(err, storage.ErrStationBusy) {
				return fmt.Errorf("station remove: %q still holds cards that may be in its printer (%w); "+
					"disable it, settle those jobs on the operator page, then remove it", st.Name, err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "station %q removed\n", st.Name)
		}
		return nil
	}
	return fmt.Errorf("unknown station command %q (known: add, list, options, disable, enable, rotate, remove)", args[0])
}

// stationNamed looks a station up for the station subcommand sub.
func stationNamed(ctx context.Context, db *storage.DB, sub, name string) (*storage.Station, error) {
	st, err := db.StationByName(ctx, name)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("station %s: no station named %q", sub, name)
	}
	return st, err
}

// showToken hands a new station token over once: into tokenFile (mode 0600) when given, else on stdout.
func showToken(stdout io.Writer, tokenFile, done, token string) error {
	if tokenFile != "" {
		if err := os.MkdirAll(filepath.Dir(tokenFile), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s; token written to %s\n", done, tokenFile)
		return nil
	}
	fmt.Fprintf(stdout, "%s.\nToken (shown only now; set it as AK1_TOKEN on the station):\n%s\n", done, token)
	return nil
}
