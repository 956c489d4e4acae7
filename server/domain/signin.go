package domain

import "time"

// SignInLimit slows password guessing on one counter: an account, or an address. Every attempt is
// counted (before its password is compared); the first Free attempts may come at any speed, and each
// one after that must wait longer than the last. Waits that grow, rather than a hard lock, keep
// guessing slow without letting a stranger who knows an officer's username lock her out for long;
// an admin can clear the count at once.
type SignInLimit struct {
	Free   int           // attempts allowed before any wait
	Unit   time.Duration // the wait after the first attempt beyond Free; it doubles with each further one
	Max    time.Duration // the wait never grows beyond this
	Forget time.Duration // a count untouched this long starts again from zero
}

// Default sign-in limits. An account gets a few typing mistakes; an address gets more, since an
// office's tablets share one address.
var (
	AccountSignInLimit = SignInLimit{Free: 5, Unit: time.Second, Max: 15 * time.Minute, Forget: time.Hour}
	AddressSignInLimit = SignInLimit{Free: 20, Unit: time.Second, Max: 15 * time.Minute, Forget: time.Hour}
)

// Wait is how long the next attempt must wait after the latest of tries counted attempts.
func (l SignInLimit) Wait(tries int) time.Duration {
	over := tries - l.Free
	if over <= 0 {
		return 0
	}
	if over > 30 { // far past Max for any sensible Unit; keeps the shift from overflowing
		return l.Max
	}
	return min(l.Unit<<(over-1), l.Max)
}

// Left is how long from now the next attempt must still wait, given the count and when the latest
// attempt was counted. A count older than Forget no longer holds anything back.
func (l SignInLimit) Left(tries int, last, now time.Time) time.Duration {
	if now.Sub(last) >= l.Forget {
		return 0
	}
	wait := l.Wait(tries)
	// A clock set back must not stretch the wait beyond what the count allows.
	return max(min(last.Add(wait).Sub(now), wait), 0)
}

// Active tells whether a count still matters now (it is forgotten otherwise).
func (l SignInLimit) Active(last, now time.Time) bool { return now.Sub(last) < l.Forget }
