package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ak1/server/domain"
)

// Legalised copies of a card (SOP 14–17): the officer takes the copies (requested), a Pengantar Kerja
// or the official assigned by disposition signs them (signed), the officer hands them over
// (handed_over). Each request has a number in the year's legalisation register.

// The states of a legalisation request, as storage names them.
const (
	LegalisationRequested  = domain.LegalisationRequested
	LegalisationSigned     = domain.LegalisationSigned
	LegalisationHandedOver = domain.LegalisationHandedOver
)

// LegalisationState is where a legalisation request stands.
type LegalisationState = domain.LegalisationState

// RequestLegalisation records the copies of the application's card in force brought for legalisation.
// The card must have been handed over and be active.
func (db *DB) RequestLegalisation(ctx context.Context, appID, userID int64, copies int) (int64, error) {
	if copies < 1 || copies > domain.MaxLegalisedCopies {
		return 0, &NotReadyError{fmt.Sprintf("Jumlah fotokopi 1 sampai %d lembar.", domain.MaxLegalisedCopies)}
	}
	now := db.now()
	year := now.In(domain.OfficeZone).Year()
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := stateOf(ctx, tx, appID)
		if err != nil {
			return err
		}
		if st != domain.StateHandedOver {
			return &NotReadyError{"Legalisir hanya untuk kartu yang sudah diserahkan kepada pemegangnya."}
		}
		cardID, err := activeCard(ctx, tx, appID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO legalisations (card_id, application_id, copies, state, year, number, day, requested_by, requested_at)
			VALUES (?, ?, ?, ?, ?, (SELECT coalesce(max(number), 0) + 1 FROM legalisations WHERE year = ?), ?, ?, ?)`,
			cardID, appID, copies, string(LegalisationRequested), year, year, domain.OfficeDay(now), userID, formatTime(now))
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		detail := fmt.Sprintf("legalisir %d: %d lembar", id, copies)
		if err := audit(ctx, tx, now, actorOf(userID), "legalisation-request", appID, "", string(LegalisationRequested), detail); err != nil {
			return err
		}
		return stepEvent(ctx, tx, now, appID, domain.StepLegalisationRequested, actorOf(userID), userID, cardID, id, detail)
	})
	return id, err
}

// legalisationMove moves a request from one state to the next with one guarded UPDATE (set holds
// the columns of the step), an audit row and a step event.
func legalisationMove(ctx context.Context, tx *sql.Tx, now time.Time, id, userID int64, from, to LegalisationState,
	set string, args []any, step domain.SOPStep, detail string) error {
	var appID, cardID int64
	var state string
	err := tx.QueryRowContext(ctx, `SELECT application_id, card_id, state FROM legalisations WHERE id = ?`, id).Scan(&appID, &cardID, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if LegalisationState(state) != from {
		return ErrStateChanged
	}
	res, err := tx.ExecContext(ctx, `UPDATE legalisations SET state = ?, `+set+` WHERE id = ? AND state = ?`,
		append(append([]any{string(to)}, args...), id, string(from))...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrStateChanged
	}
	detail = fmt.Sprintf("legalisir %d: %s", id, detail)
	if err := audit(ctx, tx, now, actorOf(userID), "legalisation-"+string(to), appID, string(from), string(to), detail); err != nil {
		return err
	}
	return stepEvent(ctx, tx, now, appID, step, actorOf(userID), userID, cardID, id, detail)
}

// SignLegalisation records that the signer legalised the copies (SOP 16): a Pengantar Kerja, or the
// official assigned by the Kasi's disposition for the day.
func (db *DB) SignLegalisation(ctx context.Context, id, signerID int64) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		disposition, err := signerDisposition(ctx, tx, signerID, domain.OfficeDay(now))
		if err != nil {
			return err
		}
		detail := "disahkan"
		if disposition != 0 {
			detail += fmt.Sprintf(" (disposisi no. %d)", disposition)
		}
		return legalisationMove(ctx, tx, now, id, signerID, LegalisationRequested, LegalisationSigned,
			`signed_by = ?, signed_at = ?, disposition_id = ?`, []any{signerID, formatTime(now), nullID(disposition)}, domain.StepLegalised, detail)
	})
}

// HandOverLegalisation records that the legalised copies were handed to the holder (SOP 17).
func (db *DB) HandOverLegalisation(ctx context.Context, id, userID int64) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return legalisationMove(ctx, tx, now, id, userID, LegalisationSigned, LegalisationHandedOver,
			`handed_by = ?, handed_at = ?`, []any{userID, formatTime(now)}, domain.StepLegalisationHandedOver, "diserahkan")
	})
}

// Legalisation is one request in the legalisation register.
type Legalisation struct {
	ID            int64
	Number        string // register number, e.g. 12/2026
	ApplicationID int64
	RegNumber     string
	HolderName    string
	Copies        int
	State         LegalisationState
	RequestedBy   string
	RequestedAt   time.Time
	SignedBy      string
	SignedByNIP   string
	SignedAt      time.Time
	Disposition   bool // signed by an official assigned by disposition
	HandedBy      string
	HandedAt      time.Time
}

const legalisationSelect = `SELECT l.id, l.year, l.number, l.application_id, c.reg_number, a.full_name, l.copies, l.state,
	rq.full_name, l.requested_at, coalesce(sg.full_name, ''), coalesce(sg.nip, ''), coalesce(l.signed_at, ''),
	l.disposition_id IS NOT NULL, coalesce(hd.full_name, ''), coalesce(l.handed_at, '')
	FROM legalisations l JOIN cards c ON c.id = l.card_id JOIN applications a ON a.id = l.application_id
	JOIN users rq ON rq.id = l.requested_by LEFT JOIN users sg ON sg.id = l.signed_by LEFT JOIN users hd ON hd.id = l.handed_by`

func (db *DB) legalisations(ctx context.Context, where string, args ...any) ([]Legalisation, error) {
	rows, err := db.read.QueryContext(ctx, legalisationSelect+` WHERE `+where+` ORDER BY l.year, l.number`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Legalisation
	for rows.Next() {
		var l Legalisation
		var year, number int
		var requested, signed, handed string
		if err := rows.Scan(&l.ID, &year, &number, &l.ApplicationID, &l.RegNumber, &l.HolderName, &l.Copies, &l.State,
			&l.RequestedBy, &requested, &l.SignedBy, &l.SignedByNIP, &signed, &l.Disposition, &l.HandedBy, &handed); err != nil {
			return nil, err
		}
		l.Number = fmt.Sprintf("%d/%d", number, year)
		l.RequestedAt = parseTime(requested)
		if signed != "" {
			l.SignedAt = parseTime(signed)
		}
		if handed != "" {
			l.HandedAt = parseTime(handed)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LegalisationsOf lists the legalisation requests of an application.
func (db *DB) LegalisationsOf(ctx context.Context, appID int64) ([]Legalisation, error) {
	return db.legalisations(ctx, `l.application_id = ?`, appID)
}

// LegalisationsWaiting lists the requests in a state, oldest first: the work a role waits for.
func (db *DB) LegalisationsWaiting(ctx context.Context, state LegalisationState) ([]Legalisation, error) {
	return db.legalisations(ctx, `l.state = ?`, string(state))
}

// LegalisationRegister returns the register of the office days from through to (YYYY-MM-DD); with
// officerID, only the requests that officer took, signed or handed over.
func (db *DB) LegalisationRegister(ctx context.Context, from, to string, officerID int64) ([]Legalisation, error) {
	return db.legalisations(ctx, `l.day BETWEEN ? AND ? AND (? = 0 OR ? IN (l.requested_by, l.signed_by, l.handed_by))`, from, to, officerID, officerID)
}

// LegalisationApplication returns the application a legalisation request belongs to, or ErrNotFound.
func (db *DB) LegalisationApplication(ctx context.Context, id int64) (int64, error) {
	var appID int64
	err := db.read.QueryRowContext(ctx, `SELECT application_id FROM legalisations WHERE id = ?`, id).Scan(&appID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return appID, err
}
