// Package backoff spaces out retries against a server or CUPS that is down, so that a room of
// print stations coming back after an outage does not hammer the server in lockstep.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff is capped exponential backoff with "equal jitter": the n-th wait is uniformly
// distributed in [d/2, d] with d = min(Max, Base·2ⁿ). Half the delay is kept so a station never
// retries in a tight loop; the random half spreads stations apart. Not safe for concurrent use;
// each retry loop owns one.
type Backoff struct {
	Base time.Duration
	Max  time.Duration
	// Rand returns a float in [0,1); nil means math/rand/v2. Tests inject a fixed source.
	Rand func() float64

	attempt int
}

// New returns a Backoff from base up to max.
func New(base, max time.Duration) *Backoff {
	return &Backoff{Base: base, Max: max}
}

// Next returns the delay before the next retry and counts the attempt.
func (b *Backoff) Next() time.Duration {
	d := b.Base
	for i := 0; i < b.attempt && d < b.Max; i++ {
		d *= 2
	}
	if d > b.Max {
		d = b.Max
	}
	if b.attempt < 62 {
		b.attempt++
	}
	r := b.Rand
	if r == nil {
		r = rand.Float64
	}
	half := d / 2
	return half + time.Duration(r()*float64(d-half))
}

// Reset starts over after a success.
func (b *Backoff) Reset() { b.attempt = 0 }

// Attempts is the number of retries since the last Reset.
func (b *Backoff) Attempts() int { return b.attempt }

// Wait sleeps for Next() or until ctx is done; it reports whether the full delay passed.
func (b *Backoff) Wait(ctx context.Context) bool {
	return Sleep(ctx, b.Next())
}

// Sleep waits d or until ctx is done; it reports whether the full delay passed.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
