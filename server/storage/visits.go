package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"ak1/server/domain"
)

// Visit states: waiting for a call, called to a desk, done.
const (
	VisitWaiting = "waiting"
	VisitCalled  = "called"
	VisitDone    = "done"
)

// Visit is a kiosk service other than a new card, with its queue ticket: a six-monthly report, a
// placement, a renewal or correction, a legalised copy.
type Visit struct {
	ID            int64
	Service       string // domain.Services slug
	Ticket        string
	TicketDay     string
	StatusCode    string
	CardID        int64 // 0 when no card was identified
	CardProof     string
	State         string
	Note          string
	ApplicationID int64 // the renewal application made from it
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// For the desk queue.
	RegNumber  string
	HolderName string
	Desk       string
}

const visitSelect = `SELECT v.id, v.service, v.ticket, v.ticket_day, v.status_code, coalesce(v.card_id, 0), v.card_proof, v.state, v.note,
	coalesce(v.application_id, 0), v.created_at, v.updated_at, coalesce(c.reg_number, ''), coalesce(a.full_name, ''),
	coalesce((SELECT desk FROM visit_calls k WHERE k.visit_id = v.id ORDER BY k.id DESC LIMIT 1), '')
	FROM visits v LEFT JOIN cards c ON c.id = v.card_id LEFT JOIN applications a ON a.id = c.application_id`

func scanVisit(row interface{ Scan(...any) error }) (*Visit, error) {
	var v Visit
	var created, updated string
	err := row.Scan(&v.ID, &v.Service, &v.Ticket, &v.TicketDay, &v.StatusCode, &v.CardID, &v.CardProof, &v.State, &v.Note,
		&v.ApplicationID, &created, &updated, &v.RegNumber, &v.HolderName, &v.Desk)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	v.CreatedAt, v.UpdatedAt = parseTime(created), parseTime(updated)
	return &v, nil
}

// Visit returns a visit by id, or ErrNotFound.
func (db *DB) Visit(ctx context.Context, id int64) (*Visit, error) {
	return scanVisit(db.read.QueryRowContext(ctx, visitSelect+` WHERE v.id = ?`, id))
}

// VisitByCode returns the visit with the given check code, or ErrNotFound.
func (db *DB) VisitByCode(ctx context.Context, code string) (*Visit, error) {
	return scanVisit(db.read.QueryRowContext(ctx, visitSelect+` WHERE v.status_code = ?`, code))
}

// VisitFilter selects visits for the desk queue.
type VisitFilter struct {
	Day    string   // office day
	States []string // empty: every state
	Query  string   // ticket or registration number; searches every day
}

// Visits lists the visits for the desk queue, oldest first.
func (db *DB) Visits(ctx context.Context, f VisitFilter) ([]Visit, error) {
	var where []string
	var args []any
	if q := strings.TrimSpace(f.Query); q != "" {
		ticket, _, _ := domain.NormalizeLookup(q)
		// Two index look-ups (the ticket over every day; the card's number, then its visits), never a
		// walk over every visit.
		where = append(where, `v.id IN (SELECT id FROM visits WHERE ticket = ? AND ? <> ''
			UNION SELECT w.id FROM cards k JOIN visits w ON w.card_id = k.id WHERE replace(k.reg_number, ' ', '') = ?)`)
		args = append(args, ticket, ticket, domain.CleanDigits(strings.ReplaceAll(q, " ", "")))
	} else {
		where = append(where, `v.ticket_day = ?`)
		args = append(args, f.Day)
	}
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, s := range f.States {
			ph[i] = "?"
			args = append(args, s)
		}
		where = append(where, `v.state IN (`+strings.Join(ph, ",")+`)`)
	}
	rows, err := db.read.QueryContext(ctx, visitSelect+` WHERE `+strings.Join(where, " AND ")+` ORDER BY v.id LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Visit
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// newVisit gives a kiosk service its queue ticket, in tx.
func newVisit(ctx context.Context, tx *sql.Tx, now time.Time, service string, cardID int64, proof, note string) (*Visit, error) {
	svc, ok := domain.FindService(service)
	if !ok || svc.Ticket == "" || svc.Slug == "baru" {
		return nil, fmt.Errorf("service %q gives no visit ticket", service)
	}
	day := domain.OfficeDay(now)
	ticket, err := nextTicket(ctx, tx, day, svc.Ticket)
	if err != nil {
		return nil, err
	}
	code, err := newStatusCode(ctx, tx)
	if err != nil {
		return nil, err
	}
	var card any
	if cardID != 0 {
		card = cardID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO visits (service, ticket, ticket_day, status_code, card_id, card_proof, state, note, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, service, ticket, day, code, card, proof, VisitWaiting, note, formatTime(now), formatTime(now))
	if err != nil {
		return nil, err
	}
	v := &Visit{Service: service, Ticket: ticket, TicketDay: day, StatusCode: code, CardID: cardID, CardProof: proof,
		State: VisitWaiting, Note: note, CreatedAt: now, UpdatedAt: now}
	if v.ID, err = res.LastInsertId(); err != nil {
		return nil, err
	}
	return v, auditNoApp(ctx, tx, now, "kiosk", "visit", fmt.Sprintf("tiket %s, layanan %s, kunjungan %d", ticket, service, v.ID))
}

// CallVisit calls a visit's ticket to the officer's desk, for the lobby display.
func (db *DB) CallVisit(ctx context.Context, id, userID int64, desk string) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var state, ticket string
		err := tx.QueryRowContext(ctx, `SELECT state, ticket FROM visits WHERE id = ?`, id).Scan(&state, &ticket)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if state == VisitDone {
			return ErrStateChanged
		}
		if _, err := tx.ExecContext(ctx, `UPDATE visits SET state = ?, updated_at = ? WHERE id = ? AND state = ?`,
			VisitCalled, formatTime(now), id, state); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO visit_calls (visit_id, ticket, desk, user_id, at) VALUES (?, ?, ?, ?, ?)`,
			id, ticket, desk, userID, formatTime(now)); err != nil {
			return err
		}
		return auditNoApp(ctx, tx, now, actorOf(userID), "visit-call", fmt.Sprintf("tiket %s ke meja %s (kunjungan %d)", ticket, desk, id))
	})
}

// FinishVisit marks a visit done.
func (db *DB) FinishVisit(ctx context.Context, id, userID int64) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE visits SET state = ?, updated_at = ? WHERE id = ? AND state != ?`, VisitDone, formatTime(now), id, VisitDone)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrStateChanged
		}
		return auditNoApp(ctx, tx, now, actorOf(userID), "visit-done", fmt.Sprintf("kunjungan %d selesai", id))
	})
}

// LastVisitCalls returns the latest calls of visits today, newest first, one per ticket, for the
// lobby display (storage.LastCalls gives those of applications).
func (db *DB) LastVisitCalls(ctx context.Context, n int) ([]Call, error) {
	now := db.now().In(domain.OfficeZone)
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, domain.OfficeZone) // the office day's midnight
	// Today's calls only, newest first through their index; a ticket called again counts once.
	rows, err := db.read.QueryContext(ctx, `SELECT visit_id, ticket, desk, at FROM visit_calls WHERE at >= ? ORDER BY at DESC, id DESC`, formatTime(start))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Call
	seen := map[int64]bool{}
	for rows.Next() && len(out) < n {
		var c Call
		var visit int64
		var at string
		if err := rows.Scan(&visit, &c.Ticket, &c.Desk, &at); err != nil {
			return nil, err
		}
		if seen[visit] {
			continue
		}
		seen[visit] = true
		c.At = parseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Kiosk sessions of card holders. Proofs of identity: the card's signed QR code (the card is in
// hand) or its typed registration number; both with the holder's date of birth.
const (
	ProofQR     = "qr"
	ProofNumber = "nomor"
)

// Kinds of attempt counters for finding a card holder at the kiosk (in sign_in_attempts).
const (
	holderCard    = "holder-card"
	holderAddress = "holder-address"
)

// FindCardHolder finds the card a person at the kiosk names, by its registration number (regDigits,
// digits only) or by its signed QR code (cardID, serial, with regDigits empty), and checks the
// holder's date of birth (YYYY-MM-DD). Every attempt is counted per card and per address before the
// date is compared, in one transaction, so guesses sent in parallel cannot pass the limits: past
// them it returns ErrTooManyAttempts and how long to wait. A wrong number or date gives ErrNotFound.
func (db *DB) FindCardHolder(ctx context.Context, regDigits string, cardID int64, serial int, birthDate, address string) (*CardRecord, time.Duration, error) {
	var c CardRecord
	var birth string
	var err error
	if regDigits != "" {
		err = db.read.QueryRowContext(ctx, `SELECT c.id, c.application_id, c.reg_number, c.serial, a.birth_date FROM cards c
			JOIN applications a ON a.id = c.application_id WHERE replace(c.reg_number, ' ', '') = ? ORDER BY c.serial DESC LIMIT 1`,
			regDigits).Scan(&c.ID, &c.ApplicationID, &c.RegNumber, &c.Serial, &birth)
	} else {
		err = db.read.QueryRowContext(ctx, `SELECT c.id, c.application_id, c.reg_number, c.serial, a.birth_date FROM cards c
			JOIN applications a ON a.id = c.application_id WHERE c.id = ? AND c.serial = ?`, cardID, serial).Scan(
			&c.ID, &c.ApplicationID, &c.RegNumber, &c.Serial, &birth)
	}
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, 0, err
	}
	// A number that does not exist counts against the address only: there is no card to protect.
	counters := []attemptCounter{{holderAddress, address, domain.HolderAddressLimit}}
	key := domain.CleanDigits(c.RegNumber)
	if found {
		counters = append(counters, attemptCounter{holderCard, key, domain.HolderCheckLimit})
	}
	wait, err := db.countAttempts(ctx, counters...)
	if err != nil {
		return nil, 0, err
	}
	if wait > 0 {
		return nil, wait, ErrTooManyAttempts
	}
	if !found || birth != birthDate {
		return nil, 0, ErrNotFound
	}
	if err := db.attemptSucceeded(ctx, attemptCounter{kind: holderCard, name: key}, attemptCounter{kind: holderAddress, name: address}); err != nil {
		return nil, 0, err
	}
	card, err := db.Card(ctx, c.ID)
	return card, 0, err
}

// StartHolderSession remembers, under the kiosk's token, the card holder the kiosk identified; like
// a draft it ends on every way out of the kiosk (DeleteDraft) and is swept when abandoned.
func (db *DB) StartHolderSession(ctx context.Context, token string, cardID int64, proof string) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO kiosk_drafts (token, form, updated_at, card_id, card_proof) VALUES (?, '{}', ?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET form = '{}', updated_at = excluded.updated_at, application_id = NULL,
		card_id = excluded.card_id, card_proof = excluded.card_proof`, token, formatTime(db.now()), cardID, proof)
	return err
}

// HolderSession returns the card and proof of a kiosk's holder session, or ErrNotFound. Reading it
// keeps it alive.
func (db *DB) HolderSession(ctx context.Context, token string) (int64, string, error) {
	var card sql.NullInt64
	var proof string
	err := db.write.QueryRowContext(ctx, `UPDATE kiosk_drafts SET updated_at = ? WHERE token = ? AND card_id IS NOT NULL
		RETURNING card_id, card_proof`, formatTime(db.now()), token).Scan(&card, &proof)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !card.Valid) {
		return 0, "", ErrNotFound
	}
	return card.Int64, proof, err
}

// KioskRequest is what a holder asks for at the kiosk, to be recorded with its ticket in one go.
type KioskRequest struct {
	Token     string // the kiosk's holder session (ended by the request); "" for a service without a card
	Service   string
	Contact   domain.ContactChange // new contact data, empty when unchanged
	Report    bool                 // make the next six-monthly report
	Placement *domain.Placement    // report "sudah bekerja"
	Note      string
}

// KioskResult is what the kiosk recorded.
type KioskResult struct {
	Visit          *Visit
	Slot           domain.ReportSlot // the report made, when Report was asked
	ContactApplied bool              // contact data applied at once (QR); otherwise pending for the desk
}

// KioskService records a holder's request (report, placement, contact data) and gives the visit its
// ticket, all in one transaction, and ends the holder's kiosk session. A *domain.RuleError says why
// the rules refuse it; ErrNotFound when the session is gone (idle reset, another way out).
func (db *DB) KioskService(ctx context.Context, r KioskRequest) (*KioskResult, error) {
	now := db.now()
	out := &KioskResult{}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var cardID int64
		var proof string
		if r.Token != "" {
			var card sql.NullInt64
			err := tx.QueryRowContext(ctx, `SELECT card_id, card_proof FROM kiosk_drafts WHERE token = ?`, r.Token).Scan(&card, &proof)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && !card.Valid) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
			cardID = card.Int64
		}
		v, err := newVisit(ctx, tx, now, r.Service, cardID, proof, r.Note)
		if err != nil {
			return err
		}
		out.Visit = v
		if cardID != 0 {
			c, _, err := db.settle(ctx, tx, now, cardID)
			if err != nil {
				return err
			}
			if r.Report {
				if out.Slot, err = db.recordReport(ctx, tx, now, cardID, "kiosk", v.ID, 0); err != nil {
					return err
				}
			}
			if r.Placement != nil {
				if err := db.placeCard(ctx, tx, now, cardID, r.Placement, "kiosk", v.ID, 0); err != nil {
					return err
				}
			}
			if !r.Contact.Empty() {
				out.ContactApplied = proof == ProofQR
				if _, err := applyContact(ctx, tx, now, c.ApplicationID, r.Contact, proof, out.ContactApplied, v.ID, 0); err != nil {
					return err
				}
			}
		}
		if r.Token != "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM kiosk_drafts WHERE token = ?`, r.Token)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
