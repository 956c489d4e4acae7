// Package storage keeps AK1 data in SQLite. It is the only package that writes SQL.
package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"ak1/server/domain"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// timeFormat is how every timestamp is stored: UTC, fixed width, so text order is time order.
const timeFormat = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFormat, s)
	return t
}

// DB is the application's database: one connection for writes (SQLite allows one writer, and a single
// connection turns lock contention into an orderly queue) and a pool for reads.
type DB struct {
	write *sql.DB
	read  *sql.DB
	now   func() time.Time
	rules domain.ReportRules // the report window of the card's life (SetReportRules)

	// The kiosk's hot path runs these on every step; preparing them once saves SQLite's parser
	// (measured: a sixth of the step handler's CPU time).
	loadDraft *sql.Stmt
	saveDraft *sql.Stmt
}

// Open opens (and creates) the database file in dir and applies pending migrations.
func Open(ctx context.Context, dir string, now func() time.Time) (*DB, error) {
	return open(ctx, dir, now, func(dsn string) *sql.DB {
		db, _ := sql.Open("sqlite", dsn) // fails only for an unknown driver name
		return db
	})
}

// open opens the database with connections made by connect (the recording test driver wraps them).
func open(ctx context.Context, dir string, now func() time.Time, connect func(dsn string) *sql.DB) (*DB, error) {
	path := filepath.Join(dir, "ak1.db")
	// cache_size bounds each connection's page cache to 2 MB (SQLite's usual default, stated here
	// so no build changes it): nine connections hold at most 18 MB whatever the file's size
	// (docs/benchmarks.md has the server's peak memory at 1,000,000 applications).
	params := "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)" +
		"&_pragma=cache_size(-2000)"
	write := connect("file:" + path + params + "&_txlock=immediate")
	write.SetMaxOpenConns(1)
	read := connect("file:" + path + params + "&mode=ro")
	read.SetMaxOpenConns(8)
	db := &DB{write: write, read: read, now: now}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	if err := db.prepare(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) prepare(ctx context.Context) error {
	var err error
	if db.loadDraft, err = db.read.PrepareContext(ctx, `SELECT form FROM kiosk_drafts WHERE token = ?`); err != nil {
		return err
	}
	db.saveDraft, err = db.write.PrepareContext(ctx, `INSERT INTO kiosk_drafts (token, form, updated_at, submit_key) VALUES (?, ?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET form = excluded.form, updated_at = excluded.updated_at`)
	return err
}

// Close closes both connection pools.
func (db *DB) Close() error {
	for _, st := range []*sql.Stmt{db.loadDraft, db.saveDraft} {
		if st != nil {
			st.Close()
		}
	}
	return errors.Join(db.read.Close(), db.write.Close())
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// migrate applies the embedded migrations NNN_name.sql in order, each in its own transaction, and
// records the applied version in PRAGMA user_version.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	var current int
	if err := db.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return err
	}
	for _, name := range names {
		version, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", name)
		}
		if version <= current {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = db.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version))
			return err
		})
		if err != nil {
			return err
		}
		current = version
	}
	return nil
}

// SchemaID identifies the schema the embedded migrations make: a short hash of their names and
// text. Benchmarks key cached databases by it; a migration numbered below the newest one, which
// an existing database would never apply, changes it too.
func SchemaID() string {
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		body, _ := migrations.ReadFile(name)
		fmt.Fprintf(h, "%s\n%d\n", name, len(body))
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// inTx runs fn in a write transaction and commits it when fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
