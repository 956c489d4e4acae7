package storage

import "context"

// CountDrafts returns how many kiosk drafts exist; tests use it to prove the kiosk forgot someone.
func (db *DB) CountDrafts(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM kiosk_drafts`).Scan(&n)
	return n, err
}
