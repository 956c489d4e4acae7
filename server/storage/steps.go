package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"ak1/server/domain"
)

// After printing (issue 9): the holder's check, the Pengantar Kerja's sign-off, the Kasi's
// dispositions and the hand-over. Every state change is one guarded UPDATE with an audit row and a
// dated step event (step_events), which the service-time figures read.

// stepEvent records one SOP step taken, inside the caller's transaction. userID, cardID and
// legalisationID may be 0 (none).
func stepEvent(ctx context.Context, tx *sql.Tx, at time.Time, appID int64, step domain.SOPStep, actor string, userID, cardID, legalisationID int64, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO step_events (application_id, step, at, actor, user_id, card_id, legalisation_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, appID, string(step), formatTime(at), actor, nullID(userID), nullID(cardID), nullID(legalisationID), detail)
	return err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// StepEvent is one dated step of an application, as its timeline shows it.
type StepEvent struct {
	Step   domain.SOPStep
	At     time.Time
	By     string // the officer's name; empty for a print station or the system
	Detail string
}

// StepEvents returns the steps taken for an application, oldest first: by time, then by id, as
// steps written later for an earlier moment (migration 175 restoring reprints) belong at their time.
func (db *DB) StepEvents(ctx context.Context, appID int64) ([]StepEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT e.step, e.at, coalesce(u.full_name, ''), e.detail FROM step_events e
		LEFT JOIN users u ON u.id = e.user_id WHERE e.application_id = ? ORDER BY e.at, e.id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StepEvent
	for rows.Next() {
		var e StepEvent
		var at string
		if err := rows.Scan(&e.Step, &at, &e.By, &e.Detail); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// activeCard returns the id of an application's card that is in force (the newest active one).
func activeCard(ctx context.Context, tx *sql.Tx, appID int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM cards WHERE application_id = ? AND state = ? ORDER BY serial DESC LIMIT 1`,
		appID, domain.CardActive).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, &NotReadyError{"Permohonan ini tidak memiliki kartu yang berlaku."}
	}
	return id, err
}

// afterPrintStep moves an application one step on with one guarded UPDATE, an audit row and a step
// event for its card in force. ErrStateChanged when it is no longer in state from.
func afterPrintStep(ctx context.Context, tx *sql.Tx, now time.Time, appID, userID int64, from, to domain.State, step domain.SOPStep, detail string) (cardID int64, err error) {
	st, err := stateOf(ctx, tx, appID)
	if err != nil {
		return 0, err
	}
	if st != from {
		return 0, ErrStateChanged
	}
	if cardID, err = activeCard(ctx, tx, appID); err != nil {
		return 0, err
	}
	if err := transition(ctx, tx, now, appID, from, to, "", actorOf(userID), string(step), detail); err != nil {
		return 0, err
	}
	return cardID, stepEvent(ctx, tx, now, appID, step, actorOf(userID), userID, cardID, 0, detail)
}

// HolderChecked records that the holder checked the printed card and signed it by the photo (SOP 8–9).
func (db *DB) HolderChecked(ctx context.Context, appID, userID int64) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := afterPrintStep(ctx, tx, now, appID, userID, domain.StatePrinted, domain.StateChecked, domain.StepHolderChecked,
			"diperiksa dan ditandatangani pemegang")
		return err
	})
}

// CorrectAndReprint records the mistake the holder found on the printed card (SOP 8): the corrected
// data with each changed field's old value, the card voided (its QR code then says not valid), and a
// new card with the same registration number queued for printing. The application goes back to
// approved and comes to printed again when the new card is out. It returns the new print job.
func (db *DB) CorrectAndReprint(ctx context.Context, appID, userID int64, f *domain.Form, changes []FieldChange) (int64, error) {
	if len(changes) == 0 {
		return 0, &NotReadyError{"Tidak ada data yang diubah: perbaiki isian yang salah dulu."}
	}
	names := make([]string, len(changes))
	for i, c := range changes {
		names[i] = c.Field
	}
	now := db.now()
	var jobID int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := stateOf(ctx, tx, appID)
		if err != nil {
			return err
		}
		if st != domain.StatePrinted {
			return ErrStateChanged
		}
		oldCard, err := activeCard(ctx, tx, appID)
		if err != nil {
			return err
		}
		if err := db.checkNIKChange(ctx, tx, now, appID, f.NIK); err != nil {
			return err
		}
		if err := writeCorrection(ctx, tx, now, appID, userID, st, domain.StateApproved, f, changes); err != nil {
			return err
		}
		if jobID, err = reprintCard(ctx, tx, now, oldCard, actorOf(userID), "kesalahan data ditemukan pemegang: "+strings.Join(names, ", ")); err != nil {
			return err
		}
		return stepEvent(ctx, tx, now, appID, domain.StepHolderError, actorOf(userID), userID, oldCard, 0, "dikoreksi: "+strings.Join(names, ", "))
	})
	return jobID, err
}

// ErrNotSigner is returned when the officer may not sign cards or legalised copies today.
var ErrNotSigner = domain.ErrNotSigner

// signerDisposition checks that userID may sign on the office day: an active Pengantar Kerja with a
// NIP (disposition 0), or an official with a NIP the Kasi assigned for the day (that disposition).
func signerDisposition(ctx context.Context, tx interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, userID int64, day string) (int64, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, userID))
	if errors.Is(err, ErrNotFound) {
		return 0, ErrNotSigner
	}
	if err != nil {
		return 0, err
	}
	if err := domain.CheckSigner(*u); err != nil {
		return 0, &NotReadyError{err.Error()}
	}
	if u.Role == domain.RolePengantar {
		return 0, nil
	}
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM dispositions WHERE day = ? AND assignee_id = ? AND revoked_at IS NULL
		ORDER BY id DESC LIMIT 1`, day, userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotSigner
	}
	return id, err
}

// MaySign tells whether the officer may sign cards and copies today, and by which disposition (0 for
// a Pengantar Kerja).
func (db *DB) MaySign(ctx context.Context, userID int64) (bool, int64, error) {
	id, err := signerDisposition(ctx, db.read, userID, domain.OfficeDay(db.now()))
	var nr *NotReadyError
	if errors.Is(err, ErrNotSigner) || errors.As(err, &nr) {
		return false, 0, nil
	}
	return err == nil, id, err
}

// SignOff records that the signer signed and stamped the card the holder signed (SOP 10–11). The
// signer becomes the card's Pengantar Kerja, with the disposition when the signer is not one.
func (db *DB) SignOff(ctx context.Context, appID, signerID int64) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		disposition, err := signerDisposition(ctx, tx, signerID, domain.OfficeDay(now))
		if err != nil {
			return err
		}
		detail := "ditandatangani dan dicap"
		if disposition != 0 {
			detail += fmt.Sprintf(" (disposisi no. %d)", disposition)
		}
		cardID, err := afterPrintStep(ctx, tx, now, appID, signerID, domain.StateChecked, domain.StateSigned, domain.StepSigned, detail)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE cards SET pengantar_id = ?, signed_at = ?, sign_disposition_id = ?
			WHERE id = ? AND state = ? AND signed_at IS NULL`, signerID, formatTime(now), nullID(disposition), cardID, domain.CardActive)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrStateChanged
		}
		// A card printed again after a correction: the counselling (SOP 12) was given with the first
		// card and is not given twice; the new card goes on to its hand-over.
		var counselled bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM counsellings WHERE application_id = ?)`, appID).Scan(&counselled); err != nil || !counselled {
			return err
		}
		return transition(ctx, tx, now, appID, domain.StateSigned, domain.StateCounselled, "", actorOf(signerID), "counselled-before",
			"bimbingan jabatan sudah diberikan dengan kartu sebelumnya")
	})
}

// Disposition is the Kasi's assignment of an official to sign for a day when no Pengantar Kerja is
// present.
type Disposition struct {
	ID           int64
	Day          string
	AssigneeID   int64
	AssigneeName string
	AssigneeNIP  string
	AssignedBy   string
	Reason       string
	At           time.Time
	Revoked      bool
}

// AddDisposition records that the Kasi (byID) assigns an official to sign today, with the reason.
func (db *DB) AddDisposition(ctx context.Context, byID, assigneeID int64, reason string) (int64, error) {
	if reason == "" {
		return 0, &NotReadyError{"Tulis alasan disposisi, misalnya: Pengantar Kerja sedang dinas luar."}
	}
	now := db.now()
	day := domain.OfficeDay(now)
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, assigneeID))
		if errors.Is(err, ErrNotFound) {
			return &NotReadyError{"Pilih pejabat yang ditunjuk."}
		}
		if err != nil {
			return err
		}
		if err := domain.CheckSigner(*u); err != nil {
			return &NotReadyError{err.Error()}
		}
		if u.Role == domain.RolePengantar {
			return &NotReadyError{u.FullName + " adalah Pengantar Kerja: tidak perlu disposisi."}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO dispositions (day, assignee_id, assigned_by, reason, created_at) VALUES (?, ?, ?, ?, ?)`,
			day, assigneeID, byID, reason, formatTime(now))
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return auditNoApp(ctx, tx, now, actorOf(byID), "disposition", fmt.Sprintf("disposisi %d: %s (NIP %s) menandatangani pada %s; %s",
			id, u.FullName, u.NIP, day, reason))
	})
	return id, err
}

// RevokeDisposition ends a disposition before the day is over (the Pengantar Kerja came back).
func (db *DB) RevokeDisposition(ctx context.Context, id, byID int64) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE dispositions SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL`,
			formatTime(now), byID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrStateChanged
		}
		return auditNoApp(ctx, tx, now, actorOf(byID), "disposition-revoke", fmt.Sprintf("disposisi %d dicabut", id))
	})
}

// Dispositions lists the dispositions of an office day, newest first.
func (db *DB) Dispositions(ctx context.Context, day string) ([]Disposition, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT d.id, d.day, d.assignee_id, a.full_name, a.nip, b.full_name, d.reason, d.created_at,
		d.revoked_at IS NOT NULL FROM dispositions d JOIN users a ON a.id = d.assignee_id JOIN users b ON b.id = d.assigned_by
		WHERE d.day = ? ORDER BY d.id DESC`, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Disposition
	for rows.Next() {
		var d Disposition
		var at string
		if err := rows.Scan(&d.ID, &d.Day, &d.AssigneeID, &d.AssigneeName, &d.AssigneeNIP, &d.AssignedBy, &d.Reason, &at, &d.Revoked); err != nil {
			return nil, err
		}
		d.At = parseTime(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// PresentPengantar lists the active Pengantar Kerja signed in and seen within the last 30 minutes:
// whether anyone is present to sign decides whether the Kasi's disposition is needed.
func (db *DB) PresentPengantar(ctx context.Context) ([]domain.Officer, error) {
	now := db.now()
	var present []int64
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT user_id FROM sessions WHERE last_seen_at >= ? AND expires_at > ?`,
		formatTime(now.Add(-30*time.Minute)), formatTime(now))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		present = append(present, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	all, err := db.Users(ctx, domain.RolePengantar)
	if err != nil {
		return nil, err
	}
	var out []domain.Officer
	for _, u := range all {
		if slices.Contains(present, u.ID) {
			out = append(out, u)
		}
	}
	return out, nil
}

// HandOver records the hand-over of the card (SOP 13) in the Buku Penyerahan AK/I: the card in force,
// who received it (the holder unless someone else is named) and who handed it over.
func (db *DB) HandOver(ctx context.Context, appID, userID int64, receivedBy string) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if receivedBy == "" {
			if err := tx.QueryRowContext(ctx, `SELECT full_name FROM applications WHERE id = ?`, appID).Scan(&receivedBy); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return ErrNotFound
				}
				return err
			}
		}
		cardID, err := afterPrintStep(ctx, tx, now, appID, userID, domain.StateCounselled, domain.StateHandedOver, domain.StepHandedOver,
			"diterima oleh "+receivedBy)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO handovers (application_id, card_id, received_by, handed_by, at, day) VALUES (?, ?, ?, ?, ?, ?)`,
			appID, cardID, receivedBy, userID, formatTime(now), domain.OfficeDay(now))
		return err
	})
}

// HandOverEntry is one line of the Buku Penyerahan AK/I.
type HandOverEntry struct {
	ApplicationID int64
	RegNumber     string
	NIK           string
	HolderName    string
	ReceivedBy    string
	HandedBy      string
	HandedByNIP   string
	At            time.Time
}

const handOverSelect = `SELECT h.application_id, c.reg_number, a.nik, a.full_name, h.received_by, u.full_name, u.nip, h.at
	FROM handovers h JOIN cards c ON c.id = h.card_id JOIN applications a ON a.id = h.application_id JOIN users u ON u.id = h.handed_by`

func scanHandOvers(rows *sql.Rows) ([]HandOverEntry, error) {
	defer rows.Close()
	var out []HandOverEntry
	for rows.Next() {
		var e HandOverEntry
		var at string
		if err := rows.Scan(&e.ApplicationID, &e.RegNumber, &e.NIK, &e.HolderName, &e.ReceivedBy, &e.HandedBy, &e.HandedByNIP, &at); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// HandOverOf returns the newest Buku Penyerahan entry of an application (its card in force was
// handed over last), or ErrNotFound.
func (db *DB) HandOverOf(ctx context.Context, appID int64) (*HandOverEntry, error) {
	rows, err := db.read.QueryContext(ctx, handOverSelect+` WHERE h.application_id = ? ORDER BY h.id DESC LIMIT 1`, appID)
	if err != nil {
		return nil, err
	}
	list, err := scanHandOvers(rows)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNotFound
	}
	return &list[0], nil
}

// HandOverBook returns the Buku Penyerahan AK/I of the office days from through to (YYYY-MM-DD) in
// the order of hand-over; with officerID, only the cards that officer handed over.
func (db *DB) HandOverBook(ctx context.Context, from, to string, officerID int64) ([]HandOverEntry, error) {
	rows, err := db.read.QueryContext(ctx, handOverSelect+` WHERE h.day BETWEEN ? AND ? AND (? = 0 OR h.handed_by = ?) ORDER BY h.at, h.id`,
		from, to, officerID, officerID)
	if err != nil {
		return nil, err
	}
	return scanHandOvers(rows)
}

// WaitingItem is an application waiting for a step after printing, for a role's home screen.
type WaitingItem struct {
	ID        int64
	Ticket    string
	FullName  string
	State     domain.State
	RegNumber string
	Since     time.Time // when it came to this state
}

// WaitingWork lists applications in the given states, longest waiting first.
func (db *DB) WaitingWork(ctx context.Context, states []domain.State, limit int) ([]WaitingItem, error) {
	if len(states) == 0 {
		return nil, nil
	}
	ph := make([]string, len(states))
	args := make([]any, 0, len(states)+1)
	for i, s := range states {
		ph[i] = "?"
		args = append(args, string(s))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, a.ticket, a.full_name, a.state, a.updated_at,
		coalesce((SELECT reg_number FROM cards c WHERE c.application_id = a.id ORDER BY serial DESC LIMIT 1), '')
		FROM applications a WHERE a.state IN (`+strings.Join(ph, ",")+`) ORDER BY a.updated_at, a.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WaitingItem
	for rows.Next() {
		var w WaitingItem
		var since string
		if err := rows.Scan(&w.ID, &w.Ticket, &w.FullName, &w.State, &since, &w.RegNumber); err != nil {
			return nil, err
		}
		w.Since = parseTime(since)
		out = append(out, w)
	}
	return out, rows.Err()
}

// NextRegNumber is the registration number the next approval would get with the pattern: what the
// confirmation shows before the number is fixed. A concurrent approval may still take it first.
func (db *DB) NextRegNumber(ctx context.Context, pattern string) (string, error) {
	day := db.now().In(domain.OfficeZone)
	var last int
	err := db.read.QueryRowContext(ctx, `SELECT coalesce((SELECT last FROM registration_counters WHERE year = ?), 0)`, day.Year()).Scan(&last)
	if err != nil {
		return "", err
	}
	for serial := last + 1; ; serial++ {
		n := domain.FormatRegNumber(pattern, day, serial)
		var taken bool
		if err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM cards WHERE reg_number = ?)`, n).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return n, nil
		}
	}
}

// CardSignature is who signed and stamped a card, and when.
type CardSignature struct {
	Signer      domain.Officer
	At          time.Time
	Disposition int64 // the disposition that allowed it; 0 for a Pengantar Kerja
}

// CardSignature returns the signature of a card, or ErrNotFound while it is not signed.
func (db *DB) CardSignature(ctx context.Context, cardID int64) (*CardSignature, error) {
	var s CardSignature
	var at string
	var disp sql.NullInt64
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT u.`+strings.ReplaceAll(userColumns, ", ", ", u.")+`, c.signed_at, c.sign_disposition_id
		FROM cards c JOIN users u ON u.id = c.pengantar_id WHERE c.id = ? AND c.signed_at IS NOT NULL`, cardID), &at, &disp)
	if err != nil {
		return nil, err
	}
	s.Signer, s.At, s.Disposition = *u, parseTime(at), disp.Int64
	return &s, nil
}
