package storage_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ak1/server/storage"
)

// TestBackupRestoreRoundTrip: a backup holds the database and the key files, passes its check, is
// private to its owner; restoring it into an empty folder gives the same applications back, and
// into a used folder keeps the previous database aside instead of deleting it.
func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	live := t.TempDir()
	db, err := storage.Open(ctx, live, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var codes []string
	for i := range 5 {
		app, err := db.SubmitApplication(ctx, testForm(i+1), "kiosk", "kiosk", "")
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, app.StatusCode)
	}
	out := filepath.Join(t.TempDir(), "ak1-backup.db")
	key := []byte("0123456789abcdef\n")
	info, err := storage.Backup(ctx, live, out, map[string][]byte{"card-signing.key": key})
	if err != nil {
		t.Fatal(err)
	}
	if info.Applications != 5 || !bytes.Equal(info.Files["card-signing.key"], key) {
		t.Fatalf("backup info %+v", info)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	if _, err := os.Stat(out + ".partial"); err == nil {
		t.Error("temporary file left behind")
	}
	if _, err := storage.Backup(ctx, live, out, nil); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("a second backup onto the same name: %v", err)
	}

	// Restore into an empty folder.
	fresh := filepath.Join(t.TempDir(), "data")
	rinfo, moved, err := storage.Restore(ctx, out, fresh, time.Now())
	if err != nil || len(moved) != 0 || !bytes.Equal(rinfo.Files["card-signing.key"], key) {
		t.Fatalf("restore into an empty folder: %v, moved %v, info %+v", err, moved, rinfo)
	}
	restored, err := storage.Open(ctx, fresh, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := restored.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range codes {
		if _, err := restored.ApplicationByCode(ctx, c); err != nil {
			t.Errorf("application %s missing after restore: %v", c, err)
		}
	}
	restored.Close()
	if again, err := storage.CheckBackup(ctx, filepath.Join(fresh, storage.FileName)); err != nil || len(again.Files) != 0 {
		t.Errorf("the backup's key table stayed in the restored database (%v, %v)", again.Files, err)
	}

	// Restore over a used folder: the old database is kept aside, with its WAL.
	if _, err := db.SubmitApplication(ctx, testForm(9), "kiosk", "kiosk", ""); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, moved, err = storage.Restore(ctx, out, live, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	if err != nil || len(moved) == 0 || !strings.HasSuffix(moved[0], "ak1.db.before-restore-20261127-090000") {
		t.Fatalf("restore over a used folder: %v, moved %v", err, moved)
	}
	old, err := storage.CheckBackup(ctx, moved[0])
	if err != nil || old.Applications != 6 {
		t.Fatalf("the database moved aside: %+v, %v", old, err)
	}
}

// TestRestoreRefusesABadFile: a damaged or foreign file is refused before anything in the data
// folder changes.
func TestRestoreRefusesABadFile(t *testing.T) {
	ctx := context.Background()
	live := t.TempDir()
	db, err := storage.Open(ctx, live, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 { // enough pages that damage lands in table data, not only the header
		if _, err := db.SubmitApplication(ctx, testForm(i+1), "kiosk", "kiosk", ""); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	good := filepath.Join(t.TempDir(), "good.db")
	if _, err := storage.Backup(ctx, live, good, nil); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(good)
	damaged := bytes.Clone(data)
	for i := len(damaged) / 2; i < len(damaged)/2+4096*3; i++ {
		damaged[i] ^= 0x5a
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	foreign := filepath.Join(t.TempDir(), "other.db") // an SQLite file of another program
	if other, err := sql.Open("sqlite", "file:"+foreign); err != nil {
		t.Fatal(err)
	} else if _, err := other.Exec(`CREATE TABLE notes (body TEXT)`); err != nil {
		t.Fatal(err)
	} else {
		other.Close()
	}
	for name, path := range map[string]string{
		"damaged":       write("damaged.db", damaged),
		"truncated":     write("truncated.db", data[:len(data)/3]),
		"not sqlite":    write("notes.txt", []byte("bukan basis data")),
		"missing":       filepath.Join(dir, "nothing.db"),
		"a folder":      dir,
		"other program": foreign,
	} {
		target := t.TempDir()
		os.WriteFile(filepath.Join(target, storage.FileName), []byte("the live database"), 0o600)
		if _, _, err := storage.Restore(ctx, path, target, time.Now()); err == nil {
			t.Errorf("%s: restore accepted %s", name, path)
		}
		if b, _ := os.ReadFile(filepath.Join(target, storage.FileName)); string(b) != "the live database" {
			t.Errorf("%s: the data folder changed although the restore was refused", name)
		}
	}
}

func TestRotateBackupsKeepsTheNewest(t *testing.T) {
	dir := t.TempDir()
	names := []string{"ak1-20261125-020000.db", "ak1-20261126-020000.db", "ak1-20261127-020000.db", "ak1-20261124-020000.db", "catatan.txt", "ak1-20261127-020000.db.partial"}
	for _, n := range names {
		os.WriteFile(filepath.Join(dir, n), nil, 0o600)
	}
	removed, err := storage.RotateBackups(dir, "ak1-", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 || !strings.HasSuffix(removed[0], "ak1-20261124-020000.db") || !strings.HasSuffix(removed[1], "ak1-20261125-020000.db") {
		t.Fatalf("removed %v", removed)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 4 {
		t.Fatalf("%d files left, want the 2 newest backups and the 2 other files", len(left))
	}
}
