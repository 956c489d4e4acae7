package e2e_test

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestChaosAgentKilledAndServerRestarted: while twelve cards print, the agent is killed with
// SIGKILL six times at random moments (restarted each time with the same journal) and the server
// is restarted once. Afterwards every job is printed exactly once, or waits for an operator
// (needs_check) having been printed at most once: never a duplicate, never a job left behind.
//
// AK1_CHAOS_SEED=<n> repeats a run's timing (the seed is logged).
func TestChaosAgentKilledAndServerRestarted(t *testing.T) {
	const n, kills = 12, 6
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("AK1_CHAOS_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("chaos seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, seed>>1))
	pause := func() { time.Sleep(time.Duration(50+rnd.IntN(351)) * time.Millisecond) }

	start := time.Now()
	s := newSystem(t)
	s.seed(n, true, 1201)
	s.startAgent()
	for i := range kills {
		pause()
		s.agent.kill()
		s.startAgent() // the same journal: what the dead agent knew is not lost
		if i == kills/2-1 {
			pause()
			s.restartServer()
		}
	}
	chaosEnd := time.Now()

	jobs := s.waitSettled(90 * time.Second)
	s.waitCUPSIdle()
	ids := jobIDs(jobs)
	outs := s.outputs(ids)
	defer s.removeOutputs(outs)
	var printed, checks int
	for _, j := range jobs {
		got := outs[j.ID]
		if len(got) > 1 {
			t.Errorf("job %d printed %d times (state %s): %v", j.ID, len(got), j.State, got)
		}
		switch j.State {
		case "printed":
			printed++
			if len(got) != 1 {
				t.Errorf("job %d is printed but has %d cups-pdf outputs", j.ID, len(got))
			} else if got[0].CUPSJobID != j.CUPSJobID {
				t.Errorf("job %d: output of CUPS job %d, server recorded %d", j.ID, got[0].CUPSJobID, j.CUPSJobID)
			}
		case "needs_check":
			// The operator decides; the card is on paper at most once (0 or 1 outputs).
			checks++
			t.Logf("job %d needs an operator check: %d output(s); %s", j.ID, len(got), j.Error)
		default:
			t.Errorf("job %d ended %s (%s) with %d output(s)", j.ID, j.State, j.Error, len(got))
		}
		if j.State == "printed" && j.Attempts > 1 {
			t.Logf("job %d printed after %d claims", j.ID, j.Attempts)
		}
	}
	for id, got := range s.outputs(nil) {
		if _, ok := outs[id]; !ok {
			t.Errorf("cups-pdf output for print job %d, which does not exist: %v", id, got)
		}
	}
	if printed+checks != n {
		t.Errorf("printed %d + needs_check %d != %d jobs", printed, checks, n)
	}
	t.Logf("chaos: %d SIGKILLs of the agent, 1 server restart; %d printed exactly once, %d needs_check; settled %s after the last kill (total %s)",
		kills, printed, checks, time.Since(chaosEnd).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}
