package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// userCommand manages officer accounts: ak1-server user add|list|disable|enable|passwd|unlock. Passwords are
// read from standard input (one line), never from the command line where ps and shell history see them.
func userCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	usage := "usage: ak1-server user add --username U --role ROLE --name \"Full Name\" --nip NIP | list | disable --username U | enable --username U | passwd --username U | unlock --username U"
	if len(args) == 0 {
		return errors.New(usage)
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("ak1-server user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", envOr(getenv, "AK1_DATA_DIR", "./data"), "folder of the database (AK1_DATA_DIR)")
	username := fs.String("username", "", "sign-in name")
	role := fs.String("role", "", "petugas, pengantar, kasi, operator or admin")
	name := fs.String("name", "", "full name with titles, as on the card")
	nip := fs.String("nip", "", "NIP (18 digits)")
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return err
	}
	db, err := storage.Open(ctx, *dataDir, time.Now)
	if err != nil {
		return err
	}
	defer db.Close()
	u := strings.ToLower(domain.CleanText(*username, 100)) // as CreateUser stores it
	if sub != "list" && u == "" {
		return errors.New("--username is required")
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	switch sub {
	case "list":
		users, err := db.Users(ctx, "")
		if err != nil {
			return err
		}
		for _, x := range users {
			state := "aktif"
			if x.Disabled {
				state = "nonaktif"
			}
			fmt.Fprintf(stdout, "%-16s %-10s %-20s %-8s %s\n", x.Username, x.Role, x.NIP, state, x.FullName)
		}
		return nil
	case "add":
		r := domain.Role(*role)
		if !r.Valid() {
			return fmt.Errorf("--role %q: choose petugas, pengantar, kasi, operator or admin", *role)
		}
		if domain.CleanText(*name, 100) == "" {
			return errors.New("--name is required")
		}
		hash, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		if _, err := db.CreateUser(ctx, domain.Officer{Username: u, FullName: *name, NIP: domain.CleanDigits(*nip), Role: r}, hash); err != nil {
			return err
		}
		log.Info("user added", "username", u, "role", r)
		return db.AuditEvent(ctx, "cli", "user-add", u+" ("+string(r)+")")
	case "disable", "enable":
		if err := db.SetUserDisabled(ctx, u, sub == "disable"); err != nil {
			return err
		}
		log.Info("user "+sub+"d", "username", u)
		return db.AuditEvent(ctx, "cli", "user-"+sub, u)
	case "unlock":
		// Clears the count of wrong sign-in attempts, so an officer held back by someone guessing
		// her username can sign in at once.
		if _, err := db.UserByUsername(ctx, u); errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("user unlock: no user named %q", u)
		} else if err != nil {
			return err
		}
		if err := db.UnlockSignIn(ctx, u, "cli"); err != nil {
			return err
		}
		log.Info("sign-in unlocked", "username", u)
		return nil
	case "passwd":
		hash, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		if err := db.SetPassword(ctx, u, hash); err != nil {
			return err
		}
		log.Info("password changed; sessions ended", "username", u)
		return db.AuditEvent(ctx, "cli", "user-passwd", u)
	}
	return errors.New(usage)
}

// readPassword reads one line from stdin and hashes it.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	fmt.Fprintln(stderr, "Kata sandi (minimal 10 karakter), lalu Enter:")
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password on standard input")
	}
	return domain.HashPassword(strings.TrimRight(line, "\r\n"))
}

// randomPassword makes a demo password that is easy to type on a tablet: 4 groups of 4 lowercase
// letters and digits (80 bits).
func randomPassword() string {
	t := strings.ToLower(rand.Text())
	return t[0:4] + "-" + t[4:8] + "-" + t[8:12] + "-" + t[12:16]
}
