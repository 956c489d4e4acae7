package backoff

import (
	"context"
	"testing"
	"time"
)

func TestGrowsAndCaps(t *testing.T) {
	for _, tc := range []struct {
		name string
		rnd  float64
		want []time.Duration
	}{
		{"low jitter", 0, []time.Duration{50, 100, 200, 400, 500, 500, 500}},
		{"high jitter", 0.999999999, []time.Duration{100, 200, 400, 800, 1000, 1000, 1000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &Backoff{Base: 100 * time.Millisecond, Max: time.Second, Rand: func() float64 { return tc.rnd }}
			for i, w := range tc.want {
				got := b.Next().Round(time.Millisecond)
				if got != w*time.Millisecond {
					t.Errorf("attempt %d: %v, want %v", i, got, w*time.Millisecond)
				}
			}
			b.Reset()
			if got := b.Next().Round(time.Millisecond); got != tc.want[0]*time.Millisecond {
				t.Errorf("after Reset: %v", got)
			}
		})
	}
}

func TestJitterStaysInRange(t *testing.T) {
	b := New(10*time.Millisecond, 80*time.Millisecond)
	for i := 0; i < 1000; i++ {
		d := b.Next()
		if d < 5*time.Millisecond || d > 80*time.Millisecond {
			t.Fatalf("delay %v out of range", d)
		}
	}
	// Attempts saturates instead of growing without bound.
	if b.Attempts() != 62 {
		t.Fatalf("attempts = %d", b.Attempts())
	}
}

func TestWaitStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if New(time.Hour, time.Hour).Wait(ctx) {
		t.Fatal("Wait reported a full delay after cancel")
	}
	if time.Since(start) > time.Second {
		t.Fatal("Wait did not return promptly")
	}
}
