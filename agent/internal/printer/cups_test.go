package printer

import (
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"ak1/agent/internal/testcups"
	"ak1/agent/protocol"
)

func TestCUPSPrintFindLookup(t *testing.T) {
	env := testcups.Get(t)
	c, err := NewCUPS(env.Server, env.Printer)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	name := fmt.Sprintf("ak1-job-%d", testcups.UniqueBase())
	t.Cleanup(func() { env.RemoveOutputs([]string{name}) })
	before := time.Now()
	job, err := c.Print(ctx, name, testcups.PDF(name), 1, map[string]string{"sides": "one-sided", "PageSize": "A4"})
	if err != nil {
		t.Fatal(err)
	}
	if job.ID <= 0 {
		t.Fatalf("job id %d", job.ID)
	}
	found, ok, err := c.Find(ctx, name, before)
	if err != nil || !ok || found.ID != job.ID {
		t.Fatalf("Find = %+v %v %v, want id %d", found, ok, err, job.ID)
	}
	if _, ok, _ := c.Find(ctx, name, before.Add(time.Hour)); ok {
		t.Errorf("Find with notBefore after creation still matched")
	}
	if _, ok, err := c.Find(ctx, name+"0", time.Time{}); ok || err != nil {
		t.Errorf("Find of unknown name = %v %v", ok, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		j, ok, err := c.Lookup(ctx, job.ID)
		if err != nil || !ok {
			t.Fatalf("Lookup = %v %v", ok, err)
		}
		if j.Outcome == Printed {
			break
		}
		if j.Outcome == Failed || time.Now().After(deadline) {
			t.Fatalf("job ended %+v", j)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := env.WaitOutputs(t, []string{name}, 10*time.Second); got[name] != 1 {
		t.Fatalf("outputs for %s = %d, want 1", name, got[name])
	}
	if _, ok, err := c.Lookup(ctx, 1<<30); ok || err != nil {
		t.Errorf("Lookup of unknown id = %v %v", ok, err)
	}
}

func TestCUPSHealth(t *testing.T) {
	env := testcups.Get(t)
	c, _ := NewCUPS(env.Server, env.Printer)
	ctx := context.Background()
	if h := c.Health(ctx); h.State != protocol.PrinterIdle && h.State != protocol.PrinterPrinting {
		t.Fatalf("healthy queue reports %+v", h)
	}
	run(t, "cupsdisable", env.Printer)
	t.Cleanup(func() { run(t, "cupsenable", env.Printer) })
	if h := c.Health(ctx); h.State != protocol.PrinterStopped || !contains(h.Reasons, "paused") {
		t.Errorf("disabled queue reports %+v, want stopped with paused", h)
	}
	run(t, "cupsenable", env.Printer)
	run(t, "cupsreject", env.Printer)
	t.Cleanup(func() { run(t, "cupsaccept", env.Printer) })
	if h := c.Health(ctx); h.State != protocol.PrinterStopped {
		t.Errorf("rejecting queue reports %+v, want stopped", h)
	}
	run(t, "cupsaccept", env.Printer)

	missing, _ := NewCUPS(env.Server, "AK1-no-such-queue")
	if h := missing.Health(ctx); h.State != protocol.PrinterOffline {
		t.Errorf("missing queue reports %+v", h)
	}
	down, _ := NewCUPS("/nonexistent/cups.sock", env.Printer)
	if h := down.Health(ctx); h.State != protocol.PrinterOffline || !contains(h.Reasons, "cups-unreachable") {
		t.Errorf("unreachable CUPS reports %+v", h)
	}
	if _, err := down.Print(ctx, "ak1-job-1", []byte("x"), 1, nil); err == nil || !isUnreachable(err) {
		t.Errorf("Print to unreachable CUPS = %v, want ErrUnreachable", err)
	}
}

func TestMapState(t *testing.T) {
	for _, tc := range []struct {
		state     int
		accepting bool
		reasons   []string
		want      string
	}{
		{3, true, nil, protocol.PrinterIdle},
		{4, true, nil, protocol.PrinterPrinting},
		{5, true, []string{"paused"}, protocol.PrinterStopped},
		{3, false, nil, protocol.PrinterStopped},
		{3, true, []string{"media-empty-error"}, protocol.PrinterStopped},
		{3, true, []string{"media-low-warning"}, protocol.PrinterIdle},
		{4, true, []string{"offline-report"}, protocol.PrinterOffline},
		{0, true, nil, protocol.PrinterOffline},
	} {
		if got := mapState(tc.state, tc.accepting, tc.reasons); got != tc.want {
			t.Errorf("mapState(%d,%v,%v) = %s, want %s", tc.state, tc.accepting, tc.reasons, got, tc.want)
		}
	}
}

func TestJobAttributes(t *testing.T) {
	got, err := jobAttributes(2, map[string]string{"sides": "two-sided-long-edge", "orientation-requested": "4", "Ribbon": "YMCKO"})
	if err != nil {
		t.Fatal(err)
	}
	if got["copies"] != 2 || got["orientation-requested"] != 4 || got["sides"] != "two-sided-long-edge" || got["Ribbon"] != "YMCKO" {
		t.Errorf("jobAttributes = %#v", got)
	}
	if _, err := jobAttributes(1, map[string]string{"number-up": "two"}); err == nil {
		t.Error("non-numeric number-up accepted")
	}
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
