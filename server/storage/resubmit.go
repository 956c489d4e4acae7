package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"ak1/server/domain"
)

// StartResubmission makes a kiosk draft that completes a returned application: the draft starts
// from the application's form and remembers which application it completes.
func (db *DB) StartResubmission(ctx context.Context, token string, app *domain.Application) error {
	data, err := json.Marshal(&app.Form)
	if err != nil {
		return err
	}
	_, err = db.write.ExecContext(ctx, `INSERT INTO kiosk_drafts (token, form, updated_at, application_id, submit_key) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET form = excluded.form, updated_at = excluded.updated_at, application_id = excluded.application_id,
			submit_key = excluded.submit_key`,
		token, string(data), formatTime(db.now()), app.ID, newSecret())
	return err
}

// DraftResubmits returns the application a kiosk draft completes, or 0 for a new application.
func (db *DB) DraftResubmits(ctx context.Context, token string) (int64, error) {
	var id sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT application_id FROM kiosk_drafts WHERE token = ?`, token).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id.Int64, err
}

// ResubmitApplication stores the completed form of a returned application and puts it back in the
// queue (returned → resubmitted) in one transaction, deleting the kiosk draft. ErrStateChanged when
// the application is no longer returned; an *OpenApplicationError (errors.Is domain.ErrAlreadyOpen)
// when the NIK was changed to one that has another open application, an *ActiveCardError when it
// holds a card in force (the draft ends then too, and a repeat gets domain.ErrAlreadyOpen). The
// draft is claimed with the submission key of its review screen first (SubmitKioskDraft): a repeat
// of the same sending gets the application with ErrSubmittedBefore.
func (db *DB) ResubmitApplication(ctx context.Context, appID int64, f *domain.Form, draftToken, key string) (*domain.Application, error) {
	data, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	birth, _ := f.BirthDate()
	now := db.now()
	sent := kioskKey{draftToken, key}
	var earlier sql.NullInt64
	var sentBefore bool
	var taken error
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if earlier, sentBefore, err = claimDraft(ctx, tx, sent); err != nil || sentBefore {
			return err
		}
		var state, oldForm string
		err = tx.QueryRowContext(ctx, `SELECT state, form FROM applications WHERE id = ?`, appID).Scan(&state, &oldForm)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if domain.State(state) != domain.StateReturned {
			return ErrStateChanged
		}
		if err := db.nikFree(ctx, tx, now, appID, f.NIK); err != nil {
			var open *OpenApplicationError
			var valid *ActiveCardError
			if errors.As(err, &open) || errors.As(err, &valid) {
				// As for a new submission: the draft ends, and a repeat gets the same answer.
				taken = err
				return recordSubmission(ctx, tx, sent, 0, now)
			}
			return err
		}
		var old domain.Form
		if err := json.Unmarshal([]byte(oldForm), &old); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE applications SET nik = ?, full_name = ?, birth_date = ?, sex = ?, form = ?,
			state = ?, state_reason = '', updated_at = ? WHERE id = ? AND state = ?`,
			f.NIK, f.FullName, birth.Format("2006-01-02"), f.Sex, string(data), domain.StateResubmitted, formatTime(now),
			appID, domain.StateReturned)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrStateChanged
		}
		if err := saveFormRows(ctx, tx, appID, f); err != nil {
			return err
		}
		detail := "dilengkapi di anjungan"
		if changed := changedFields(&old, f); len(changed) > 0 {
			detail += "; diubah: " + strings.Join(changed, ", ")
		}
		if err := audit(ctx, tx, now, "kiosk", "resubmit", appID, string(domain.StateReturned), string(domain.StateResubmitted), detail); err != nil {
			return err
		}
		return recordSubmission(ctx, tx, sent, appID, now)
	})
	if err != nil {
		return nil, err
	}
	if sentBefore {
		return db.earlier(ctx, earlier, nil)
	}
	if taken != nil {
		return nil, taken
	}
	return db.Application(ctx, appID)
}

// changedFields names the form fields whose text differs, for the audit trail.
func changedFields(old, new *domain.Form) []string {
	var out []string
	for _, name := range domain.AllFields() {
		if old.Value(name) != new.Value(name) {
			out = append(out, name)
		}
	}
	if strings.Join(old.Languages, ",") != strings.Join(new.Languages, ",") {
		out = append(out, "languages")
	}
	if old.NeverWorked != new.NeverWorked {
		out = append(out, "never_worked")
	}
	return out
}
