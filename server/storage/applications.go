package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"ak1/server/domain"
)

// SaveDraft stores the kiosk draft under its token, creating or replacing it. A new draft gets its
// one-time submission key (DraftSubmitKey); saving again keeps it.
func (db *DB) SaveDraft(ctx context.Context, token string, f *domain.Form) error {
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = db.saveDraft.ExecContext(ctx, token, string(data), formatTime(db.now()), newSecret())
	return err
}

// LoadDraft returns the kiosk draft stored under token, or ErrNotFound.
func (db *DB) LoadDraft(ctx context.Context, token string) (*domain.Form, error) {
	var data string
	err := db.loadDraft.QueryRowContext(ctx, token).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var f domain.Form
	if err := json.Unmarshal([]byte(data), &f); err != nil {
		return nil, fmt.Errorf("draft %s: %w", token, err)
	}
	return &f, nil
}

// DeleteDraft forgets a kiosk draft. Deleting a missing draft is not an error.
func (db *DB) DeleteDraft(ctx context.Context, token string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM kiosk_drafts WHERE token = ?`, token)
	return err
}

// SweepDrafts deletes drafts untouched for longer than maxAge and returns how many it deleted.
func (db *DB) SweepDrafts(ctx context.Context, maxAge time.Duration) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM kiosk_drafts WHERE updated_at < ?`, formatTime(db.now().Add(-maxAge)))
	if err != nil {
		return 0, err
	}
	// What a sent draft came to is kept as long as an unsent one: long enough for any repeat.
	if _, err := db.write.ExecContext(ctx, `DELETE FROM kiosk_submissions WHERE created_at < ?`, formatTime(db.now().Add(-maxAge))); err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func openStatesSQL() string {
	quoted := make([]string, len(domain.OpenStates))
	for i, s := range domain.OpenStates {
		quoted[i] = "'" + string(s) + "'"
	}
	return "(" + strings.Join(quoted, ",") + ")"
}

// SubmitApplication stores a checked form as a new application with the next queue ticket of the day,
// and deletes the kiosk draft it came from (draftToken may be empty). When the NIK already has an
// open application it creates nothing and returns that application with domain.ErrAlreadyOpen; when
// it holds a card still in force it creates nothing and returns an *ActiveCardError naming the card.
func (db *DB) SubmitApplication(ctx context.Context, f *domain.Form, source, actor, draftToken string) (*domain.Application, error) {
	return db.submitApplication(ctx, f, source, actor, draftToken, nil)
}

// submitApplication is SubmitApplication; with sent it claims the kiosk draft sent with its
// submission key first and records the result (SubmitKioskDraft).
func (db *DB) submitApplication(ctx context.Context, f *domain.Form, source, actor, draftToken string, sent *kioskKey) (*domain.Application, error) {
	data, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	birth, _ := f.BirthDate()
	now := db.now()
	day := domain.OfficeDay(now)
	var existingID int64
	var app *domain.Application
	var earlier sql.NullInt64
	var sentBefore, alreadyOpen bool
	var cardHeld *ActiveCardError
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if sent != nil {
			var err error
			if earlier, sentBefore, err = claimDraft(ctx, tx, *sent); err != nil || sentBefore {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, `SELECT id FROM applications WHERE nik = ? AND state IN `+openStatesSQL()+
			` ORDER BY id DESC LIMIT 1`, f.NIK).Scan(&existingID)
		if err == nil && sent != nil {
			// The draft ends all the same, and a repeat gets the same answer.
			alreadyOpen = true
			return recordSubmission(ctx, tx, *sent, 0, now)
		}
		if err == nil {
			return domain.ErrAlreadyOpen
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if valid, err := db.cardInForce(ctx, tx, now, f.NIK, 0); err != nil {
			return err
		} else if valid != nil {
			if sent != nil {
				// As for an open application: the draft ends, and a repeat gets the same answer.
				cardHeld = valid
				return recordSubmission(ctx, tx, *sent, 0, now)
			}
			return valid
		}
		var n int
		err = tx.QueryRowContext(ctx, `INSERT INTO ticket_counters (day, prefix, last) VALUES (?, ?, 1)
			ON CONFLICT (day, prefix) DO UPDATE SET last = last + 1 RETURNING last`, day, domain.TicketPrefixNewCard).Scan(&n)
		if err != nil {
			return err
		}
		code, err := newStatusCode(ctx, tx)
		if err != nil {
			return err
		}
		app = &domain.Application{
			NIK: f.NIK, FullName: f.FullName, BirthDate: birth.Format("2006-01-02"), Sex: f.Sex,
			State: domain.StateSubmitted, Ticket: domain.FormatTicket(domain.TicketPrefixNewCard, n), TicketDay: day,
			StatusCode: code, Source: source, Form: *f, CreatedAt: now, UpdatedAt: now,
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO applications (nik, full_name, birth_date, sex, state, ticket, ticket_day,
			status_code, source, form, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			app.NIK, app.FullName, app.BirthDate, app.Sex, app.State, app.Ticket, app.TicketDay, app.StatusCode,
			app.Source, string(data), formatTime(now), formatTime(now))
		if err != nil {
			return err
		}
		if app.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := saveFormRows(ctx, tx, app.ID, f); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, actor, "submit", app.ID, "", string(app.State), "tiket "+app.Ticket); err != nil {
			return err
		}
		if sent != nil {
			return recordSubmission(ctx, tx, *sent, app.ID, now)
		}
		if draftToken != "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM kiosk_drafts WHERE token = ?`, draftToken)
		}
		return err
	})
	if err == nil && sentBefore {
		return db.earlier(ctx, earlier, nil)
	}
	if err == nil && cardHeld != nil {
		return nil, cardHeld
	}
	if errors.Is(err, domain.ErrAlreadyOpen) || (err == nil && alreadyOpen) {
		existing, gerr := db.Application(ctx, existingID)
		if gerr != nil {
			return nil, gerr
		}
		return existing, domain.ErrAlreadyOpen
	}
	if err != nil {
		return nil, err
	}
	return app, nil
}

func audit(ctx context.Context, tx *sql.Tx, at time.Time, actor, action string, appID int64, from, to, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, application_id, from_state, to_state, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, formatTime(at), actor, action, appID, from, to, detail)
	return err
}

const applicationColumns = `id, nik, full_name, birth_date, sex, state, state_reason, ticket, ticket_day, status_code,
	source, form, created_at, updated_at`

func scanApplication(row interface{ Scan(...any) error }) (*domain.Application, error) {
	var a domain.Application
	var form, created, updated string
	err := row.Scan(&a.ID, &a.NIK, &a.FullName, &a.BirthDate, &a.Sex, &a.State, &a.StateReason, &a.Ticket,
		&a.TicketDay, &a.StatusCode, &a.Source, &form, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(form), &a.Form); err != nil {
		return nil, fmt.Errorf("application %d form: %w", a.ID, err)
	}
	a.CreatedAt, a.UpdatedAt = parseTime(created), parseTime(updated)
	return &a, nil
}

// Application returns the application with the given id, or ErrNotFound.
func (db *DB) Application(ctx context.Context, id int64) (*domain.Application, error) {
	return scanApplication(db.read.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE id = ?`, id))
}

// ErrTooManyAttempts is returned when an application was asked about with a wrong birth date too
// often in a short time.
var ErrTooManyAttempts = errors.New("too many attempts")

// FindForStatusCheck finds the application a job seeker asks about by its secret check code together
// with the date of birth (YYYY-MM-DD) they give. The public ticket number is never enough. Every
// attempt on an existing code is counted before the birth date is compared, in one write, so guesses
// sent in parallel cannot slip past the limit: after maxAttempts within window even the right birth
// date gets ErrTooManyAttempts until the window has passed. A right answer within the limit clears
// the count. A wrong code or birth date gives ErrNotFound.
func (db *DB) FindForStatusCheck(ctx context.Context, code, birthDate string, maxAttempts int, window time.Duration) (*domain.Application, error) {
	var id int64
	var birth string
	err := db.read.QueryRowContext(ctx, `SELECT id, birth_date FROM applications WHERE status_code = ?`, code).Scan(&id, &birth)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	now := db.now()
	var attempts int
	err = db.write.QueryRowContext(ctx, `INSERT INTO status_check_attempts (application_id, attempts, window_start)
		VALUES (?, 1, ?)
		ON CONFLICT (application_id) DO UPDATE SET
			attempts = CASE WHEN window_start < ? THEN 1 ELSE attempts + 1 END,
			window_start = CASE WHEN window_start < ? THEN excluded.window_start ELSE window_start END
		RETURNING attempts`, id, formatTime(now), formatTime(now.Add(-window)), formatTime(now.Add(-window))).Scan(&attempts)
	if err != nil {
		return nil, err
	}
	if attempts > maxAttempts {
		return nil, ErrTooManyAttempts
	}
	if birth != birthDate {
		return nil, ErrNotFound
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM status_check_attempts WHERE application_id = ?`, id); err != nil {
		return nil, err
	}
	return db.Application(ctx, id)
}

// ApplicationByCode returns the application with the given status code, or ErrNotFound.
func (db *DB) ApplicationByCode(ctx context.Context, code string) (*domain.Application, error) {
	return scanApplication(db.read.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE status_code = ?`, code))
}

// CountApplications returns how many applications exist, and how many of them are real (not made by
// the demo seeder).
func (db *DB) CountApplications(ctx context.Context) (total, real int, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE source != 'demo') FROM applications`).Scan(&total, &real)
	return total, real, err
}

// AuditEvent records an event that concerns no application: sign-in, sign-out, account changes.
func (db *DB) AuditEvent(ctx context.Context, actor, action, detail string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return auditNoApp(ctx, tx, db.now(), actor, action, detail) })
}
