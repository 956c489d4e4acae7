package domain

import (
	"testing"
	"time"
)

func TestSignInLimitWaits(t *testing.T) {
	l := SignInLimit{Free: 5, Unit: time.Second, Max: 15 * time.Minute, Forget: time.Hour}
	for tries, want := range map[int]time.Duration{0: 0, 5: 0, 6: time.Second, 7: 2 * time.Second, 10: 16 * time.Second,
		15: 512 * time.Second, 16: 15 * time.Minute, 1000: 15 * time.Minute} {
		if got := l.Wait(tries); got != want {
			t.Errorf("Wait(%d) = %v, want %v", tries, got, want)
		}
	}
	last := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	if got := l.Left(7, last, last.Add(500*time.Millisecond)); got != 1500*time.Millisecond {
		t.Errorf("Left half a second after the 7th attempt = %v", got)
	}
	if got := l.Left(7, last, last.Add(-time.Hour)); got != 2*time.Second {
		t.Errorf("Left with the clock set back = %v, want no more than the wait itself", got)
	}
	if got := l.Left(16, last, last.Add(time.Hour)); got != 0 || l.Active(last, last.Add(time.Hour)) {
		t.Errorf("a count an hour old still holds back: %v", got)
	}
}
