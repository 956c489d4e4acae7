package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A backup is one SQLite file: a consistent copy of the live database made with VACUUM INTO (one
// read transaction, so writers go on while it runs), plus the data folder's key files in a table of
// their own. Without the card-signing key every card already issued would read as forged on the
// check page, so a copy of the database alone would not bring an office back after a broken disk.

// FileName is the database file inside the data folder.
const FileName = "ak1.db"

const backupFilesTable = "ak1_backup_files"

// BackupInfo describes a checked backup.
type BackupInfo struct {
	SchemaVersion int               // PRAGMA user_version
	Applications  int               // rows in applications
	Files         map[string][]byte // data-folder files stored with it (keys), by name
}

func dbPath(dir string) string { return filepath.Join(dir, FileName) }

func openFile(path string, readOnly bool) (*sql.DB, error) {
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)"
	if readOnly {
		dsn += "&mode=ro"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// Backup writes a consistent, checked copy of the database in dataDir to out, with files (name →
// content, e.g. the signing key) stored inside it. out must not exist; it is written under a
// temporary name and renamed into place only once it passed integrity_check, so a file with the
// final name is always a complete backup. The copy is readable by its owner only: it holds
// personal data and the keys.
func Backup(ctx context.Context, dataDir, out string, files map[string][]byte) (BackupInfo, error) {
	src := dbPath(dataDir)
	if _, err := os.Stat(src); err != nil {
		return BackupInfo{}, fmt.Errorf("no database to back up: %w", err)
	}
	if _, err := os.Lstat(out); err == nil {
		return BackupInfo{}, fmt.Errorf("%s already exists: choose a new name (a backup never overwrites one)", out)
	}
	tmp := out + ".partial"
	os.Remove(tmp) // left over from an interrupted run
	// VACUUM INTO writes into an empty file it finds: creating it first sets the mode.
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return BackupInfo{}, err
	}
	f.Close()
	defer os.Remove(tmp)

	live, err := openFile(src, true)
	if err != nil {
		return BackupInfo{}, err
	}
	_, err = live.ExecContext(ctx, `VACUUM INTO ?`, tmp)
	live.Close()
	if err != nil {
		return BackupInfo{}, fmt.Errorf("copy %s: %w", src, err)
	}

	if err := storeFiles(ctx, tmp, files); err != nil {
		return BackupInfo{}, err
	}
	info, err := CheckBackup(ctx, tmp)
	if err != nil {
		return info, fmt.Errorf("the new copy failed its check, nothing kept: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return info, err
	}
	if err := os.Rename(tmp, out); err != nil {
		return info, err
	}
	return info, syncDir(filepath.Dir(out))
}

func storeFiles(ctx context.Context, path string, files map[string][]byte) error {
	db, err := openFile(path, false)
	if err != nil {
		return err
	}
	defer db.Close()
	// The copy is a plain rollback-journal file, self-contained, whatever mode the live one is in.
	if _, err := db.ExecContext(ctx, `PRAGMA journal_mode = DELETE`); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE `+backupFilesTable+` (name TEXT PRIMARY KEY, content BLOB NOT NULL)`); err != nil {
		return err
	}
	for name, content := range files {
		if _, err := db.ExecContext(ctx, `INSERT INTO `+backupFilesTable+` (name, content) VALUES (?, ?)`, name, content); err != nil {
			return err
		}
	}
	return db.Close()
}

// CheckBackup opens a backup (or any database file) read-only and checks it: SQLite's
// integrity_check, a schema this program knows, and the tables it needs.
func CheckBackup(ctx context.Context, path string) (BackupInfo, error) {
	var info BackupInfo
	fi, err := os.Stat(path)
	if err != nil {
		return info, err
	}
	if !fi.Mode().IsRegular() {
		return info, fmt.Errorf("%s is not a file", path)
	}
	db, err := openFile(path, true)
	if err != nil {
		return info, err
	}
	defer db.Close()
	if err := IntegrityCheck(ctx, db); err != nil {
		return info, fmt.Errorf("%s: %w", path, err)
	}
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&info.SchemaVersion); err != nil {
		return info, err
	}
	latest, err := latestMigration()
	if err != nil {
		return info, err
	}
	if info.SchemaVersion == 0 {
		return info, fmt.Errorf("%s is not an AK1 database (schema version 0)", path)
	}
	if info.SchemaVersion > latest {
		return info, fmt.Errorf("%s comes from a newer ak1-server (schema %d, this one knows up to %d): restore it with that version", path, info.SchemaVersion, latest)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM applications`).Scan(&info.Applications); err != nil {
		return info, fmt.Errorf("%s is not an AK1 database: %w", path, err)
	}
	info.Files = map[string][]byte{}
	rows, err := db.QueryContext(ctx, `SELECT name, content FROM `+backupFilesTable)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return info, nil // a plain database file, e.g. copied by hand from a data folder
		}
		return info, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var content []byte
		if err := rows.Scan(&name, &content); err != nil {
			return info, err
		}
		info.Files[name] = content
	}
	return info, rows.Err()
}

// IntegrityCheck runs PRAGMA integrity_check and returns its findings as an error.
func IntegrityCheck(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity_check: %s", strings.Join(problems, "; "))
	}
	return nil
}

// IntegrityCheck checks the open database.
func (db *DB) IntegrityCheck(ctx context.Context) error { return IntegrityCheck(ctx, db.read) }

func latestMigration() (int, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return 0, err
	}
	latest := 0
	for _, n := range names {
		v, err := strconv.Atoi(strings.SplitN(filepath.Base(n), "_", 2)[0])
		if err == nil && v > latest {
			latest = v
		}
	}
	return latest, nil
}

// Restore checks the backup at from and makes it the database of dataDir. The caller must make
// sure no server uses dataDir. The database it replaces is not deleted: it is moved aside, with its
// WAL, under the suffix ".before-restore-<time>", and the names moved are returned. Pending
// migrations are applied to the restored copy. The files stored in the backup are returned in info
// for the caller to put back.
func Restore(ctx context.Context, from, dataDir string, now time.Time) (info BackupInfo, movedAside []string, err error) {
	if info, err = CheckBackup(ctx, from); err != nil {
		return info, nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return info, nil, err
	}
	target := dbPath(dataDir)
	tmp := target + ".restoring"
	os.Remove(tmp)
	if err := copyFile(from, tmp); err != nil {
		return info, nil, err
	}
	defer os.Remove(tmp)
	if err := dropBackupFiles(ctx, tmp); err != nil {
		return info, nil, err
	}
	suffix := ".before-restore-" + now.Format("20060102-150405")
	for _, ext := range []string{"", "-wal", "-shm"} {
		old := target + ext
		if _, err := os.Lstat(old); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := os.Rename(old, old+suffix); err != nil {
			return info, movedAside, err
		}
		movedAside = append(movedAside, old+suffix)
	}
	if err := os.Rename(tmp, target); err != nil {
		return info, movedAside, err
	}
	if err := syncDir(dataDir); err != nil {
		return info, movedAside, err
	}
	db, err := Open(ctx, dataDir, func() time.Time { return now })
	if err != nil {
		return info, movedAside, fmt.Errorf("open the restored database: %w", err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		return info, movedAside, err
	}
	return info, movedAside, db.Close()
}

func dropBackupFiles(ctx context.Context, path string) error {
	db, err := openFile(path, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `DROP TABLE IF EXISTS `+backupFilesTable); err != nil {
		return err
	}
	return db.Close()
}

// RotateBackups keeps the newest keep files named prefix*.db in dir (names sort by time) and
// deletes the older ones; it returns what it deleted.
func RotateBackups(dir, prefix string, keep int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), ".db") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var removed []string
	for len(names) > keep {
		p := filepath.Join(dir, names[0])
		if err := os.Remove(p); err != nil {
			return removed, err
		}
		removed = append(removed, p)
		names = names[1:]
	}
	return removed, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
