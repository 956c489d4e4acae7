package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ak1/server/domain"
)

// OpenApplicationError is returned when a correction or a kiosk completion would give an
// application the NIK of another application still open. It names that application for the
// officer; the kiosk shows none of it. errors.Is(err, domain.ErrAlreadyOpen) holds.
type OpenApplicationError struct {
	ID     int64
	Ticket string
	State  domain.State
}

func (e *OpenApplicationError) Error() string {
	return fmt.Sprintf("NIK already has open application %d (ticket %s, %s)", e.ID, e.Ticket, e.State)
}

// Is makes the error answer to domain.ErrAlreadyOpen, as the submission's does.
func (e *OpenApplicationError) Is(target error) bool { return target == domain.ErrAlreadyOpen }

// nikFree checks that nik may belong to application appID: no other application of the NIK is
// open (*OpenApplicationError) and the NIK holds no card in force (*ActiveCardError) other than
// the card appID renews, if it is a renewal. The one-card rule, checked where a NIK is changed.
func (db *DB) nikFree(ctx context.Context, tx *sql.Tx, now time.Time, appID int64, nik string) error {
	var open OpenApplicationError
	var state string
	err := tx.QueryRowContext(ctx, `SELECT id, ticket, state FROM applications WHERE nik = ? AND id != ? AND state IN `+openStatesSQL()+
		` ORDER BY id DESC LIMIT 1`, nik, appID).Scan(&open.ID, &open.Ticket, &state)
	if err == nil {
		open.State = domain.State(state)
		return &open
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var renews sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT renews_card_id FROM applications WHERE id = ?`, appID).Scan(&renews); err != nil {
		return err
	}
	if valid, err := db.cardInForce(ctx, tx, now, nik, renews.Int64); err != nil {
		return err
	} else if valid != nil {
		return valid
	}
	return nil
}

// checkNIKChange refuses a correction that gives application appID a NIK already taken (nikFree).
// A correction that keeps the NIK is not stopped here: the approval checks the one-card rule again.
func (db *DB) checkNIKChange(ctx context.Context, tx *sql.Tx, now time.Time, appID int64, nik string) error {
	var old string
	if err := tx.QueryRowContext(ctx, `SELECT nik FROM applications WHERE id = ?`, appID).Scan(&old); errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	} else if err != nil {
		return err
	}
	if old == nik {
		return nil
	}
	return db.nikFree(ctx, tx, now, appID, nik)
}
