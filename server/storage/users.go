package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"ak1/server/domain"
)

// ErrUsernameTaken is returned when a new officer's username already exists.
var ErrUsernameTaken = errors.New("username already exists")

// CreateUser adds an officer with an already hashed password and returns its id.
func (db *DB) CreateUser(ctx context.Context, u domain.Officer, passwordHash string) (int64, error) {
	// Names appear on every officer page and the full name on the card: no invisible characters.
	u.Username, u.FullName = domain.CleanText(u.Username, 100), domain.CleanText(u.FullName, 100)
	if u.Username == "" || u.FullName == "" {
		return 0, errors.New("username and full name must not be empty")
	}
	now := formatTime(db.now())
	res, err := db.write.ExecContext(ctx, `INSERT INTO users (username, full_name, nip, role, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, u.Username, u.FullName, u.NIP, string(u.Role), passwordHash, now, now)
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return 0, ErrUsernameTaken
		}
		return 0, err
	}
	return res.LastInsertId()
}

const userColumns = `id, username, full_name, nip, role, disabled`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (*domain.Officer, error) {
	var u domain.Officer
	var role string
	err := row.Scan(append([]any{&u.ID, &u.Username, &u.FullName, &u.NIP, &role, &u.Disabled}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	u.Role = domain.Role(role)
	return &u, nil
}

// UserForLogin returns the officer with the given username and the password hash, or ErrNotFound.
func (db *DB) UserForLogin(ctx context.Context, username string) (*domain.Officer, string, error) {
	var hash string
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE username = ?`, username), &hash)
	return u, hash, err
}

// User returns the officer with the given id, or ErrNotFound.
func (db *DB) User(ctx context.Context, id int64) (*domain.Officer, error) {
	return scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// UserByUsername returns the officer with the given username, or ErrNotFound.
func (db *DB) UserByUsername(ctx context.Context, username string) (*domain.Officer, error) {
	return scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, username))
}

// Users lists officers by username; with a role, only the active officers of that role.
func (db *DB) Users(ctx context.Context, role domain.Role) ([]domain.Officer, error) {
	q := `SELECT ` + userColumns + ` FROM users ORDER BY username`
	var args []any
	if role != "" {
		q = `SELECT ` + userColumns + ` FROM users WHERE role = ? AND disabled = 0 ORDER BY full_name`
		args = append(args, string(role))
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Officer
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// SetUserDisabled disables or enables an account; disabling also ends its sessions.
func (db *DB) SetUserDisabled(ctx context.Context, username string, disabled bool) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE users SET disabled = ?, updated_at = ? WHERE username = ? RETURNING id`,
			disabled, formatTime(db.now()), username).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if disabled {
			_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id)
		}
		return err
	})
}

// SetPassword replaces an officer's password hash and ends every session of the account.
func (db *DB) SetPassword(ctx context.Context, username, passwordHash string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ? RETURNING id`,
			passwordHash, formatTime(db.now()), username).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id)
		return err
	})
}

// Session is a signed-in browser.
type Session struct {
	User     domain.Officer
	Desk     string
	LastSeen time.Time
	Expires  time.Time
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateSession stores a new session for the user under token, ending at the absolute expiry.
func (db *DB) CreateSession(ctx context.Context, token string, userID int64, desk string, expires time.Time) error {
	now := formatTime(db.now())
	_, err := db.write.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, desk, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, hashToken(token), userID, desk, now, now, formatTime(expires))
	return err
}

// SessionByToken returns the session and its officer, or ErrNotFound (also for disabled accounts).
func (db *DB) SessionByToken(ctx context.Context, token string) (*Session, error) {
	var s Session
	var seen, exp string
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT u.id, u.username, u.full_name, u.nip, u.role, u.disabled,
		s.desk, s.last_seen_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND u.disabled = 0`, hashToken(token)), &s.Desk, &seen, &exp)
	if err != nil {
		return nil, err
	}
	s.User, s.LastSeen, s.Expires = *u, parseTime(seen), parseTime(exp)
	return &s, nil
}

// TouchSession moves the idle expiry of a session forward.
func (db *DB) TouchSession(ctx context.Context, token string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, formatTime(db.now()), hashToken(token))
	return err
}

// SetSessionDesk records which desk the officer sits at in this session.
func (db *DB) SetSessionDesk(ctx context.Context, token, desk string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET desk = ? WHERE token_hash = ?`, desk, hashToken(token))
	return err
}

// DeleteSession signs a browser out. Deleting a missing session is not an error.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token))
	return err
}

// SweepSessions deletes sessions idle since before idleBefore or past their absolute expiry.
func (db *DB) SweepSessions(ctx context.Context, idleBefore time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen_at < ? OR expires_at < ?`,
		formatTime(idleBefore), formatTime(db.now()))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
