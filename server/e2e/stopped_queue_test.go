package e2e_test

import (
	"context"
	"io"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
)

// TestStoppedQueueShowsOnOperatorPage: the CUPS queue of the print station stops (paper out, the
// printer switched off). Within seconds the operator's page says "Printer berhenti"; a card
// approved meanwhile waits in the queue (not claimed, so another station could take it); once the
// queue runs again it prints exactly once.
func TestStoppedQueueShowsOnOperatorPage(t *testing.T) {
	s := newSystem(t)
	people := s.seed(1, false, 1311)
	ctx := context.Background()
	appID, err := s.db.QueryIntForTest(ctx, `SELECT id FROM applications WHERE ticket = ? AND nik = ?`, people[0].Ticket, people[0].NIK)
	if err != nil {
		t.Fatal(err)
	}
	operator := s.signIn("operator")
	s.startAgent()
	waitPage := func(what string, within time.Duration, ok func(string) bool) time.Duration {
		t.Helper()
		start := time.Now()
		for {
			if ok(operator.get("/petugas/cetak/daftar")) {
				return time.Since(start)
			}
			if time.Since(start) > within {
				t.Fatalf("the operator page did not show %s within %s:\n%.3000s\nagent:\n%s", what, within, operator.get("/petugas/cetak/daftar"), s.agent.logs.String())
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	waitPage("the station ready", 20*time.Second, func(p string) bool {
		return strings.Contains(p, "Loket Cetak E2E") && strings.Contains(p, `data-station-state>Siap<`)
	})
	time.Sleep(time.Duration(rand.IntN(10_000)) * time.Millisecond) // anywhere between two heartbeats

	cupsCmd(t, "cupsdisable", s.cups.Printer)
	t.Cleanup(func() { exec.Command("cupsenable", s.cups.Printer).Run() })
	took := waitPage("Printer berhenti", 15*time.Second, func(p string) bool { return strings.Contains(p, "Printer berhenti") })
	t.Logf("stopped queue on the operator page after %s", took.Round(100*time.Millisecond))

	pengantar, err := s.db.UserByUsername(ctx, "pengantar")
	if err != nil {
		t.Fatal(err)
	}
	s.signIn("petugas").approve(int64(appID), pengantar.ID)
	time.Sleep(3 * time.Second)
	jobs := s.jobs()
	if len(jobs) != 1 || jobs[0].State != domain.PrintQueued {
		t.Fatalf("while the queue is stopped the job must wait, unclaimed: %+v", jobs)
	}

	cupsCmd(t, "cupsenable", s.cups.Printer)
	resumed := time.Now()
	jobs = s.waitSettled(60 * time.Second)
	t.Logf("printed %s after the queue ran again", time.Since(resumed).Round(100*time.Millisecond))
	s.waitCUPSIdle()
	outs := s.outputs(jobIDs(jobs))
	defer s.removeOutputs(outs)
	if jobs[0].State != domain.PrintPrinted || len(outs[jobs[0].ID]) != 1 {
		t.Fatalf("after the queue runs again: job %s, %d outputs; want printed once", jobs[0].State, len(outs[jobs[0].ID]))
	}
	waitPage("the printer ready again", 15*time.Second, func(p string) bool { return strings.Contains(p, `data-station-state>Siap<`) })
}

func cupsCmd(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// get loads a page as the signed-in officer and returns its body.
func (c *deskClient) get(path string) string {
	c.t.Helper()
	resp, err := c.http.Get(c.url + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}
