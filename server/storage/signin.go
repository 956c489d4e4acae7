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

// Kinds of sign-in counters.
const (
	signInAccount = "account"
	signInAddress = "address"
)

// maxSignInName bounds what a made-up username or address can store.
const maxSignInName = 100

// CountSignInAttempt counts one sign-in attempt against the account and the address, unless one of
// them must still wait: then it counts nothing and returns the longest wait. Checking and counting
// happen in one write transaction before the password is compared, so attempts sent in parallel
// are counted one after the other and cannot all slip past the limit.
func (db *DB) CountSignInAttempt(ctx context.Context, username, address string, account, perAddress domain.SignInLimit) (time.Duration, error) {
	return db.countAttempts(ctx, attemptCounter{signInAccount, username, account}, attemptCounter{signInAddress, address, perAddress})
}

// attemptCounter is one counter of guesses: a kind (sign-in account or address, kiosk card holder
// or address), the name counted, and its limit.
type attemptCounter struct {
	kind, name string
	limit      domain.SignInLimit
}

// countAttempts counts one attempt on every counter unless one of them must still wait; then it
// counts nothing and returns the longest wait (see CountSignInAttempt).
func (db *DB) countAttempts(ctx context.Context, counters ...attemptCounter) (time.Duration, error) {
	now := db.now()
	tries := make([]int, len(counters))
	var wait time.Duration
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for i, c := range counters {
			var last string
			err := tx.QueryRowContext(ctx, `SELECT tries, last_at FROM sign_in_attempts WHERE kind = ? AND name = ?`,
				c.kind, clip(c.name)).Scan(&tries[i], &last)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				continue
			case err != nil:
				return err
			}
			if !c.limit.Active(parseTime(last), now) {
				tries[i] = 0
				continue
			}
			wait = max(wait, c.limit.Left(tries[i], parseTime(last), now))
		}
		if wait > 0 {
			return nil
		}
		for i, c := range counters {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sign_in_attempts (kind, name, tries, last_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (kind, name) DO UPDATE SET tries = excluded.tries, last_at = excluded.last_at`,
				c.kind, clip(c.name), tries[i]+1, formatTime(now)); err != nil {
				return err
			}
		}
		return nil
	})
	return wait, err
}

// SignInSucceeded clears the account's count and takes the successful attempt off the address's
// count, so officers signing in from one office address do not add up to a wait.
func (db *DB) SignInSucceeded(ctx context.Context, username, address string) error {
	return db.attemptSucceeded(ctx, attemptCounter{kind: signInAccount, name: username}, attemptCounter{kind: signInAddress, name: address})
}

// attemptSucceeded clears the count of who (an account, a card) and takes the attempt off the
// address's count.
func (db *DB) attemptSucceeded(ctx context.Context, who, address attemptCounter) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_attempts WHERE kind = ? AND name = ?`, who.kind, clip(who.name)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sign_in_attempts SET tries = max(tries - 1, 0) WHERE kind = ? AND name = ?`,
			address.kind, clip(address.name))
		return err
	})
}

// UnlockSignIn clears an account's count of attempts, so its officer can sign in at once; audited.
func (db *DB) UnlockSignIn(ctx context.Context, username, actor string) error {
	return db.clearAttempts(ctx, signInAccount, username, actor, "user-unlock", username)
}

// AddressCounter names what an address's attempts are counted for: signing in, or finding a card
// holder at the kiosk (the lobby kiosk is one address for every job seeker).
type AddressCounter string

const (
	SignInByAddress    AddressCounter = signInAddress
	KioskCardByAddress AddressCounter = holderAddress
)

// ClearAddressWait clears an address's count of attempts of one counter, so the people there (an
// office's tablets share one address, the lobby kiosk has one) are not held back; audited.
func (db *DB) ClearAddressWait(ctx context.Context, counter AddressCounter, address, actor string) error {
	action := "address-unlock"
	if counter == KioskCardByAddress {
		action = "kiosk-address-unlock"
	}
	return db.clearAttempts(ctx, string(counter), address, actor, action, "alamat "+clip(address))
}

// clearAttempts deletes one sign-in counter and audits it as action, naming what was cleared.
func (db *DB) clearAttempts(ctx context.Context, kind, name, actor, action, what string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var tries int
		err := tx.QueryRowContext(ctx, `DELETE FROM sign_in_attempts WHERE kind = ? AND name = ? RETURNING tries`,
			kind, clip(name)).Scan(&tries)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return auditNoApp(ctx, tx, db.now(), actor, action, fmt.Sprintf("%s (%d percobaan dihapus)", what, tries))
	})
}

// AddressSignInCount is an address's count of attempts.
type AddressSignInCount struct {
	Address string
	SignInCount
}

// AddressCounts returns the addresses that counted more than free attempts of a counter, latest
// first, at most 100: the ones held back, or that will be at their next wrong attempt.
func (db *DB) AddressCounts(ctx context.Context, counter AddressCounter, free int) ([]AddressSignInCount, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name, tries, last_at FROM sign_in_attempts WHERE kind = ? AND tries > ?
		ORDER BY last_at DESC LIMIT 100`, string(counter), free)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AddressSignInCount
	for rows.Next() {
		var a AddressSignInCount
		var last string
		if err := rows.Scan(&a.Address, &a.Tries, &last); err != nil {
			return nil, err
		}
		a.Last = parseTime(last)
		out = append(out, a)
	}
	return out, rows.Err()
}

// SignInCount is how many attempts an account has counted and when the latest one was.
type SignInCount struct {
	Tries int
	Last  time.Time
}

// AccountSignInCounts returns the counts of the accounts that have any, by username.
func (db *DB) AccountSignInCounts(ctx context.Context) (map[string]SignInCount, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name, tries, last_at FROM sign_in_attempts WHERE kind = ? AND tries > 0`, signInAccount)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]SignInCount{}
	for rows.Next() {
		var name, last string
		var c SignInCount
		if err := rows.Scan(&name, &c.Tries, &last); err != nil {
			return nil, err
		}
		c.Last = parseTime(last)
		out[name] = c
	}
	return out, rows.Err()
}

// SweepSignInAttempts deletes counts untouched since before olderThan: they no longer hold anything back.
func (db *DB) SweepSignInAttempts(ctx context.Context, olderThan time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM sign_in_attempts WHERE last_at < ?`, formatTime(olderThan))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// clip bounds a counter name; names longer than any real username or address share one counter.
func clip(name string) string {
	if len(name) > maxSignInName {
		return strings.ToValidUTF8(name[:maxSignInName], "?")
	}
	return name
}
