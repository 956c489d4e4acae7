package storage

import "context"

// CountDrafts returns how many kiosk drafts exist; tests use it to prove the kiosk forgot someone.
func (db *DB) CountDrafts(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM kiosk_drafts`).Scan(&n)
	return n, err
}

// IntForAudit counts audit rows with the given action; tests use it to prove a change was audited.
func (db *DB) IntForAudit(ctx context.Context, action string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action = ?`, action).Scan(&n)
	return n, err
}
