package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"ak1/server/domain"
)

// A kiosk draft is sent with its one-time submission key (migration 165): the first sending claims
// the draft (deletes it) and records what it came to under a hash of the kiosk cookie token and the
// key; a repeat of the same sending, a lost answer resent or "Kirim" tapped twice, finds that record
// and gets the same result instead of an error or a second application.

var (
	// ErrSubmittedBefore comes with the application an earlier sending of the same draft with the
	// same key created or completed: answer as the first time.
	ErrSubmittedBefore = errors.New("kiosk draft submitted before")
	// ErrSubmitKey: neither a draft of this kiosk session with this key nor an earlier sending of
	// one exists (a key from another session, a made-up one, or a draft already swept).
	ErrSubmitKey = errors.New("submission key does not belong to this kiosk session")
)

// kioskKey names a kiosk draft and the submission key its review screen carried.
type kioskKey struct{ token, key string }

func (k kioskKey) hash() string { return hashToken(k.token + "\n" + k.key) }

// DraftSubmitKey returns the one-time submission key of the kiosk draft under token, given when the
// draft was created; ErrNotFound when there is no such draft. A card holder's session has none.
func (db *DB) DraftSubmitKey(ctx context.Context, token string) (string, error) {
	var key string
	err := db.read.QueryRowContext(ctx, `SELECT submit_key FROM kiosk_drafts WHERE token = ?`, token).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return key, err
}

// EarlierSubmission tells what the sending of the kiosk draft under token with key came to: the
// application it created or completed with ErrSubmittedBefore, or domain.ErrAlreadyOpen when its
// NIK had an open application (nil then: the other application is not this session's to see).
// ErrSubmitKey when it was never sent.
func (db *DB) EarlierSubmission(ctx context.Context, token, key string) (*domain.Application, error) {
	var id sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT application_id FROM kiosk_submissions WHERE key_hash = ?`,
		kioskKey{token, key}.hash()).Scan(&id)
	return db.earlier(ctx, id, err)
}

func (db *DB) earlier(ctx context.Context, id sql.NullInt64, err error) (*domain.Application, error) {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, ErrSubmitKey
	case err != nil:
		return nil, err
	case !id.Valid:
		return nil, domain.ErrAlreadyOpen
	}
	app, err := db.Application(ctx, id.Int64)
	if err != nil {
		return nil, err
	}
	return app, ErrSubmittedBefore
}

// claimDraft deletes the draft named by k inside the transaction that sends it. When it is gone
// already, a sending before this one (maybe still finishing a moment ago, transactions run one
// after another) recorded its result: earlier is that record and found is true. Neither: ErrSubmitKey.
func claimDraft(ctx context.Context, tx *sql.Tx, k kioskKey) (earlier sql.NullInt64, found bool, err error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM kiosk_drafts WHERE token = ? AND submit_key = ? AND submit_key != ''`, k.token, k.key)
	if err != nil {
		return earlier, false, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return earlier, false, nil
	}
	err = tx.QueryRowContext(ctx, `SELECT application_id FROM kiosk_submissions WHERE key_hash = ?`, k.hash()).Scan(&earlier)
	if errors.Is(err, sql.ErrNoRows) {
		return earlier, false, ErrSubmitKey
	}
	return earlier, err == nil, err
}

// recordSubmission keeps what a sending came to; appID 0 means the NIK already had an open application
// or a card in force (a repeat answers the same page for both).
func recordSubmission(ctx context.Context, tx *sql.Tx, k kioskKey, appID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO kiosk_submissions (key_hash, application_id, created_at) VALUES (?, ?, ?)`,
		k.hash(), sql.NullInt64{Int64: appID, Valid: appID != 0}, formatTime(now))
	return err
}

// SubmitKioskDraft is SubmitApplication for the kiosk draft under token, sent with the submission
// key of its review screen. The draft is claimed in the same transaction, so of two sendings at the
// same moment one creates the application and the other gets it with ErrSubmittedBefore. When the
// NIK has an open application (or a card in force: *ActiveCardError) the draft ends too, and a
// repeat gets domain.ErrAlreadyOpen, which the kiosk answers with the same page.
func (db *DB) SubmitKioskDraft(ctx context.Context, f *domain.Form, token, key string) (*domain.Application, error) {
	return db.submitApplication(ctx, f, "kiosk", "kiosk", "", &kioskKey{token, key})
}
