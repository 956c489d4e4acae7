package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ak1/server/card"
	"ak1/server/storage"
)

// TestBackupWhileSubmitting: a backup taken while kiosks keep submitting, restored into a new
// folder, passes integrity_check and holds every submission the server acknowledged before the
// backup started, with the card-signing key; restore refuses to run under the live server.
func TestBackupWhileSubmitting(t *testing.T) {
	live := t.TempDir()
	// Enough rows that the copy takes a while and submissions land during it.
	if out, err := runCLI(t, map[string]string{"AK1_DATA_DIR": live}, "demo", "seed", "--count", "300", "--seed", "7"); err != nil {
		t.Fatalf("demo seed: %v\n%s", err, tail(out, 500))
	}
	srv := startServerProc(t, live, freeAddr(t))
	load := startSubmissionLoad(t, srv.url, 6, 11)
	load.waitAcks(t, 20)

	before := load.acked()
	started := time.Now()
	backupFile := filepath.Join(t.TempDir(), "ak1-copy.db")
	out, err := runCLI(t, map[string]string{"AK1_DATA_DIR": live}, "backup", "--out", backupFile)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	finished := time.Now()
	load.waitAcks(t, len(load.acked())+10) // the server keeps taking submissions after the copy
	load.finish()
	var during int
	for _, a := range load.acked() {
		if a.at.After(started) && a.at.Before(finished) {
			during++
		}
	}
	t.Logf("backup took %s; %d submissions acknowledged before it, %d while it ran, %d in all; %s",
		finished.Sub(started).Round(time.Millisecond), len(before), during, len(load.acked()), strings.TrimSpace(out))
	if during == 0 {
		t.Error("no submission was acknowledged while the backup ran: the test did not test a live copy")
	}
	if len(load.refusals) > 0 {
		t.Fatalf("the server refused submissions during the backup: %v", load.refusals[0])
	}

	// Restore refuses to replace the database of the running server.
	if out, err := runCLI(t, map[string]string{"AK1_DATA_DIR": live}, "restore", "--from", backupFile); err == nil || !strings.Contains(err.Error(), "running") {
		t.Fatalf("restore under a running server: %v\n%s", err, out)
	}

	fresh := filepath.Join(t.TempDir(), "pulih")
	if out, err := runCLI(t, map[string]string{"AK1_DATA_DIR": fresh}, "restore", "--from", backupFile); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, fresh, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	for _, a := range before {
		if _, err := db.ApplicationByCode(ctx, a.code); err != nil {
			t.Errorf("submission %s acknowledged before the backup is missing from it: %v", a.code, err)
		}
	}
	wantKey, _ := os.ReadFile(filepath.Join(live, card.KeyFileName))
	gotKey, err := os.ReadFile(filepath.Join(fresh, card.KeyFileName))
	if err != nil || !bytes.Equal(gotKey, wantKey) {
		t.Errorf("card-signing key not restored (%v): cards printed so far would read as forged", err)
	}
	if fi, err := os.Stat(filepath.Join(fresh, card.KeyFileName)); err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("restored key mode %v", fi.Mode().Perm())
	}

	// The restored folder serves.
	srv.stop()
	restored := startServerProc(t, fresh, freeAddr(t))
	if code, err := newKioskVisitor(restored.url).submit(newSeeder(99).form()); err != nil || code == "" {
		t.Fatalf("a submission to the restored server: %q, %v", code, err)
	}
}

// TestBackupFolderRotation: --dir/--keep (the daily timer) keeps the newest copies.
func TestBackupFolderRotation(t *testing.T) {
	live := t.TempDir()
	if _, err := runCLI(t, map[string]string{"AK1_DATA_DIR": live}, "demo", "seed", "--count", "3", "--seed", "1"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "cadangan")
	for _, old := range []string{"ak1-20200101-020000.db", "ak1-20200102-020000.db"} {
		os.MkdirAll(dir, 0o700)
		os.WriteFile(filepath.Join(dir, old), nil, 0o600)
	}
	out, err := runCLI(t, map[string]string{"AK1_DATA_DIR": live, "AK1_BACKUP_DIR": dir, "AK1_BACKUP_KEEP": "2"}, "backup")
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	left, _ := os.ReadDir(dir)
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	if len(names) != 2 || names[0] != "ak1-20200102-020000.db" || !strings.HasPrefix(names[1], "ak1-20") || !strings.Contains(out, "removed old backup") {
		t.Fatalf("after backup --keep 2: %v\n%s", names, out)
	}
	if info, err := storage.CheckBackup(context.Background(), filepath.Join(dir, names[1])); err != nil || info.Applications != 3 {
		t.Fatalf("new backup: %+v, %v", info, err)
	}
	for _, bad := range [][]string{{"backup"}, {"backup", "--out", "x", "--dir", dir}, {"backup", "--dir", dir, "--keep", "0"}} {
		if _, err := runCLI(t, map[string]string{"AK1_DATA_DIR": live}, bad...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
