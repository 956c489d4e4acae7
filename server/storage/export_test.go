package storage

import (
	"context"
	"fmt"
	"io/fs"
)

// ExecForTest runs a statement on the write connection, for tests that must put the database into a
// state no exported method produces (for example an application already handed over).
func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}

// IntForTest runs a query that returns a single integer, for tests that count rows.
func (db *DB) IntForTest(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}

// StatusCodesForTest makes the next status codes the given ones, in order, and returns a function
// that puts the random codes back.
func StatusCodesForTest(codes ...string) (restore func()) {
	old := randomStatusCode
	randomStatusCode = func() string {
		c := codes[0]
		if len(codes) > 1 {
			codes = codes[1:]
		}
		return c
	}
	return func() { randomStatusCode = old }
}

// RowsForTest runs a query and returns every row as text.
func (db *DB) RowsForTest(ctx context.Context, query string, args ...any) ([][]string, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		row := make([]string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// ApplyMigrationForTest runs the one embedded migration numbered version again, as on a database
// made before it, without touching later ones: a migration's test then does not depend on the
// migrations that come after it.
func (db *DB) ApplyMigrationForTest(ctx context.Context, version int) error {
	names, err := fs.Glob(migrations, fmt.Sprintf("migrations/%03d_*.sql", version))
	if err != nil || len(names) != 1 {
		return fmt.Errorf("migration %03d: %d files, %v", version, len(names), err)
	}
	body, err := migrations.ReadFile(names[0])
	if err != nil {
		return err
	}
	_, err = db.write.ExecContext(ctx, string(body))
	return err
}
