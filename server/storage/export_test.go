package storage

import (
	"context"
	"time"
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

// OpenUpTo opens the database applying migrations only up to number last, for a test that re-runs
// one migration on a database where later ones are already applied.
func OpenUpTo(ctx context.Context, dir string, now func() time.Time, last int) (*DB, error) {
	return open(ctx, dir, now, last)
}
