package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"ak1/server/domain"
)

// NIKAcceptance is an officer's acceptance of a NIK that disagrees with the birth date or sex.
type NIKAcceptance struct {
	Reason string
	By     string // the officer's name
	At     time.Time
}

// AcceptNIK records that an officer, with the KTP in hand, accepts the application's NIK as it is
// although it disagrees with the birth date or sex, with the reason. seen is the state the officer
// saw; ErrStateChanged when the application moved on.
func (db *DB) AcceptNIK(ctx context.Context, id, userID int64, seen domain.State, reason string) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := atDeskState(ctx, tx, id)
		if err != nil {
			return err
		}
		if st != seen {
			return ErrStateChanged
		}
		var nik, birth, sex string
		if err := tx.QueryRowContext(ctx, `SELECT nik, birth_date, sex FROM applications WHERE id = ?`, id).Scan(&nik, &birth, &sex); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO nik_acceptances (application_id, nik, birth_date, sex, reason, user_id, at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, nik, birth, sex, reason, userID, formatTime(now)); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorOf(userID), "nik-accept", id, string(st), string(st),
			"NIK "+nik+" diterima walau tidak sesuai tanggal lahir "+birth+"/jenis kelamin "+sex+": "+reason)
	})
}

// acceptedNIKSQL selects the acceptance that still holds for an application's NIK, birth date and sex.
const acceptedNIKSQL = `SELECT n.reason, coalesce(u.full_name, ''), n.at FROM nik_acceptances n
	JOIN applications a ON a.id = n.application_id AND a.nik = n.nik AND a.birth_date = n.birth_date AND a.sex = n.sex
	LEFT JOIN users u ON u.id = n.user_id WHERE n.application_id = ? ORDER BY n.id DESC LIMIT 1`

// AcceptedNIK returns the acceptance that holds for the application's current NIK, birth date and
// sex, or nil when there is none.
func (db *DB) AcceptedNIK(ctx context.Context, id int64) (*NIKAcceptance, error) {
	return acceptedNIK(ctx, db.read, id)
}

func acceptedNIK(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id int64) (*NIKAcceptance, error) {
	var a NIKAcceptance
	var at string
	err := q.QueryRowContext(ctx, acceptedNIKSQL, id).Scan(&a.Reason, &a.By, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a.At = parseTime(at)
	return &a, nil
}

// AcceptedNIKs tells, for each of ids, whether an acceptance holds for its current NIK (the queue's
// "perlu dicek" mark).
func (db *DB) AcceptedNIKs(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT n.application_id FROM nik_acceptances n
		JOIN applications a ON a.id = n.application_id AND a.nik = n.nik AND a.birth_date = n.birth_date AND a.sex = n.sex
		WHERE n.application_id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
