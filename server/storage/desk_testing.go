package storage

import "context"

// QueryIntForTest runs a query returning one integer; web tests use it to count rows (audit, print jobs).
func (db *DB) QueryIntForTest(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}
