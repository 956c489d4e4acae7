package domain

import (
	"errors"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLength is the shortest password an officer may choose.
const MinPasswordLength = 10

// ErrWeakPassword is returned for a password shorter than MinPasswordLength (or longer than bcrypt takes).
var ErrWeakPassword = errors.New("kata sandi minimal 10 karakter dan paling banyak 72 byte")

// passwordCost is bcrypt's work factor: about 50 ms per check on an office PC.
const passwordCost = 11

// HashPassword returns the bcrypt hash of a password that is long enough.
func HashPassword(pw string) (string, error) {
	if utf8.RuneCountInString(pw) < MinPasswordLength || len(pw) > 72 {
		return "", ErrWeakPassword
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), passwordCost)
	return string(h), err
}

// CheckPassword tells whether pw matches the hash.
func CheckPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// dummyHash is compared against when the username does not exist, so a wrong username takes as
// long as a wrong password and does not tell which accounts exist.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("tidak-ada-pengguna-ini"), passwordCost)
	return h
})

// CheckNoUser spends the time of one password check.
func CheckNoUser(pw string) { bcrypt.CompareHashAndPassword(dummyHash(), []byte(pw)) }
