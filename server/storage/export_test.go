package storage

import "context"

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
	old := newStatusCode
	newStatusCode = func() string {
		c := codes[0]
		if len(codes) > 1 {
			codes = codes[1:]
		}
		return c
	}
	return func() { newStatusCode = old }
}
