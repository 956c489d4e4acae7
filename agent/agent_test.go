package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"ak1/agent/internal/client"
	"ak1/agent/internal/fakeserver"
	"ak1/agent/internal/journal"
	"ak1/agent/internal/printer"
	"ak1/agent/internal/testcups"
	"ak1/agent/protocol"
)

func TestConfigErrorsNameTheVariable(t *testing.T) {
	env := map[string]string{"AK1_SERVER": "http://127.0.0.1:1", "AK1_TOKEN": "t", "AK1_PRINTER": "AK1-PDF", "HOME": t.TempDir()}
	for _, tc := range []struct {
		name string
		set  map[string]string
		args []string
		want string
	}{
		{"no server", map[string]string{"AK1_SERVER": ""}, nil, "AK1_SERVER"},
		{"server not a URL", map[string]string{"AK1_SERVER": "ftp://x"}, nil, "AK1_SERVER"},
		{"no token", map[string]string{"AK1_TOKEN": " "}, nil, "AK1_TOKEN"},
		{"no printer", map[string]string{"AK1_PRINTER": ""}, nil, "AK1_PRINTER"},
		{"empty file dir", nil, []string{"-printer", "file:"}, "AK1_PRINTER"},
		{"bad wait", map[string]string{"AK1_WAIT": "soon"}, nil, "AK1_WAIT"},
		{"bad cups", nil, []string{"-cups", "nohostport"}, "AK1_CUPS"},
		{"CA file missing", map[string]string{"AK1_CA": "/nonexistent/ca.pem", "AK1_PRINTER": "file:/tmp/x"}, nil, "AK1_CA"},
		{"CA file not PEM", map[string]string{"AK1_PRINTER": "file:/tmp/x"}, []string{"-ca", "agent_test.go"}, "AK1_CA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string {
				if v, ok := tc.set[k]; ok {
					return v
				}
				return env[k]
			}
			var out bytes.Buffer
			err := run(t.Context(), append([]string{"ak1-agent", "-journal", filepath.Join(t.TempDir(), "j")}, tc.args...), getenv, &out, &out)
			if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run = %v, want a usage error naming %s", err, tc.want)
			}
		})
	}
	// Flags override the environment.
	cfg, err := parseConfig([]string{"x", "-server", "http://flag:1", "-printer", "file:/tmp/x"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil || cfg.server != "http://flag:1" || cfg.printer != "file:/tmp/x" || cfg.token != "t" {
		t.Fatalf("parseConfig = %+v, %v", cfg, err)
	}
	if !strings.HasSuffix(cfg.journal, filepath.Join(".local", "state", "ak1-agent", "journal")) {
		t.Errorf("default journal %q", cfg.journal)
	}
}

func TestFilePrinter(t *testing.T) {
	srv := fakeserver.New(testToken)
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	dir := t.TempDir()
	h := &harness{t: t, srv: srv, url: url, journal: filepath.Join(t.TempDir(), "journal"), next: 100}
	h.runInProcess("-printer", "file:"+dir)
	ids := h.add(3)
	h.waitTerminal(ids, 20*time.Second)
	for _, id := range ids {
		j, _ := srv.Job(id)
		got, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("ak1-job-%d.pdf", id)))
		if j.State != fakeserver.Printed || err != nil || !bytes.Equal(got, j.PDF) {
			t.Errorf("job %d: state %s, file err %v", id, j.State, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestPrintsEachJobExactlyOnce(t *testing.T) {
	h := newHarness(t, 0)
	h.runInProcess()
	ids := h.add(10)
	h.waitTerminal(ids, 60*time.Second)
	printed, _ := h.checkExactlyOnce(ids)
	if printed != len(ids) {
		t.Errorf("printed %d of %d", printed, len(ids))
	}
	c := h.srv.Counts()
	if c.Conflicts != 0 {
		t.Errorf("%d lease conflicts on a quiet run", c.Conflicts)
	}
	for _, id := range ids {
		j, _ := h.srv.Job(id)
		// "sent" then "printed", or "printed" alone when CUPS finished before the first report.
		if j.StatusCalls < 1 || j.StatusCalls > 2 || j.Claims != 1 {
			t.Errorf("job %d: %d status calls, %d claims", id, j.StatusCalls, j.Claims)
		}
	}
	hb := h.srv.Heartbeats()
	if len(hb) == 0 || hb[0].Printer != h.env.Printer || hb[0].Version == "" {
		t.Errorf("heartbeats %+v", hb)
	}
}

func TestLostAnswersAreRetriedIdempotently(t *testing.T) {
	h := newHarness(t, 0)
	var ids []int64
	for i := int64(1); i <= 4; i++ {
		// Arm before adding so the very first answers get lost.
		h.srv.LoseNextAnswer(h.next+i, protocol.StateSent)
		h.srv.LoseNextAnswer(h.next+i, protocol.StatePrinted)
	}
	h.runInProcess()
	ids = h.add(4)
	h.waitTerminal(ids, 60*time.Second)
	// The server applied each first update although its answer was lost; the agent must send
	// it again (and get 200 for the repeat) rather than assume it arrived.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	retried := h.srv.WaitFor(ctx, func(jobs []fakeserver.Job) bool {
		for _, id := range ids {
			if j, _ := h.srv.Job(id); j.StatusCalls < 2 {
				return false
			}
		}
		return true
	})
	if !retried {
		t.Errorf("a lost answer was not retried")
	}
	printed, _ := h.checkExactlyOnce(ids)
	if printed != len(ids) {
		t.Errorf("printed %d of %d", printed, len(ids))
	}
	if c := h.srv.Counts(); c.Conflicts != 0 {
		t.Errorf("%d conflicts", c.Conflicts)
	}
}

func TestServerOutage(t *testing.T) {
	h := newHarness(t, 0)
	h.runInProcess()
	first := h.add(2)
	h.waitTerminal(first, 60*time.Second)

	// Status calls fail: cards still print (claims work), reports wait in the journal.
	h.srv.SetStatusDown(true)
	before := h.srv.Counts().StatusCalls
	more := h.add(3)
	time.Sleep(4 * time.Second)
	calls := h.srv.Counts().StatusCalls - before
	if calls > 12 {
		t.Errorf("%d status calls in 4 s while the server fails: not backing off", calls)
	}
	for _, id := range more {
		if j, _ := h.srv.Job(id); j.State != fakeserver.Claimed {
			t.Errorf("job %d is %s during the status outage", id, j.State)
		}
	}
	// Then the whole server goes away and comes back on the same address.
	h.srv.Stop()
	time.Sleep(3 * time.Second)
	h.srv.SetStatusDown(false)
	if _, err := h.srv.Start(""); err != nil {
		t.Fatal(err)
	}
	later := h.add(2)
	all := append(append(first, more...), later...)
	h.waitTerminal(all, 90*time.Second)
	printed, _ := h.checkExactlyOnce(all)
	if printed != len(all) {
		t.Errorf("printed %d of %d", printed, len(all))
	}
}

func TestLeaseExpiredWhileReportsFail(t *testing.T) {
	// The server re-queues a claimed job whose lease expired; the agent already printed it but
	// could not say so. It must not print it again, whether it gets the job again (adopts the
	// new lease) or its report hits 409 (tells the server through /recover).
	h := newHarness(t, time.Second)
	h.srv.SetStatusDown(true)
	h.runInProcess()
	ids := h.add(3)
	h.waitCUPSIdle()
	time.Sleep(2500 * time.Millisecond)
	h.srv.SetStatusDown(false)
	h.waitTerminal(ids, 90*time.Second)
	h.checkExactlyOnce(ids)
	for _, id := range ids {
		j, _ := h.srv.Job(id)
		t.Logf("job %d: %s, claims %d, recovers %d, history %v", id, j.State, j.Claims, len(j.Recovers), j.History)
	}
}

func TestLeaseLostAfterPrintingGoesToRecover(t *testing.T) {
	// The card is on paper, but every report failed until the lease expired, and this station
	// no longer claims (printer stopped), so nobody re-claims it: the report gets 409 and the
	// agent must hand what it knows to /recover instead of dropping the job.
	h := newHarness(t, time.Second)
	h.srv.SetStatusDown(true)
	h.runInProcess("-wait", "1")
	ids := h.add(1)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	h.srv.WaitFor(ctx, func([]fakeserver.Job) bool { j, _ := h.srv.Job(ids[0]); return j.Claims > 0 })
	h.waitCUPSIdle()
	cups(t, "cupsdisable", h.env.Printer)
	t.Cleanup(func() { exec.Command("cupsenable", h.env.Printer).Run() })
	time.Sleep(2500 * time.Millisecond)
	h.srv.SetStatusDown(false)
	h.waitTerminal(ids, 60*time.Second)
	cups(t, "cupsenable", h.env.Printer)
	j, _ := h.srv.Job(ids[0])
	if j.State != fakeserver.NeedsCheck || len(j.Recovers) != 1 || j.Recovers[0].CUPSJobID == 0 ||
		!strings.HasPrefix(j.Recovers[0].Note, protocol.ErrNeedsOperatorCheck) {
		t.Fatalf("job %+v", j)
	}
	if j.Recovers[0].State != protocol.StatePrinted {
		t.Errorf("recover state %q, want printed (CUPS completed it)", j.Recovers[0].State)
	}
	if outs := h.env.WaitOutputs(t, []string{fmt.Sprintf("ak1-job-%d", ids[0])}, 10*time.Second); outs[fmt.Sprintf("ak1-job-%d", ids[0])] != 1 {
		t.Errorf("outputs %v", outs)
	}
}

func TestPrinterHealthAndStoppedQueue(t *testing.T) {
	h := newHarness(t, 0)
	h.runInProcess("-wait", "1")
	lastHB := func() protocol.Heartbeat {
		hb := h.srv.Heartbeats()
		if len(hb) == 0 {
			return protocol.Heartbeat{}
		}
		return hb[len(hb)-1]
	}
	waitHB := func(state string) protocol.Heartbeat {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if hb := lastHB(); hb.PrinterState == state {
				return hb
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("no heartbeat with %s; last %+v", state, lastHB())
		return protocol.Heartbeat{}
	}
	waitHB(protocol.PrinterIdle)
	cups(t, "cupsdisable", h.env.Printer)
	t.Cleanup(func() { exec.Command("cupsenable", h.env.Printer).Run() })
	hb := waitHB(protocol.PrinterStopped)
	if !slices.Contains(hb.Reasons, "paused") {
		t.Errorf("stopped heartbeat reasons %v, want paused", hb.Reasons)
	}
	// While the printer cannot print, the station leaves jobs for others.
	ids := h.add(1)
	time.Sleep(2 * time.Second)
	if j, _ := h.srv.Job(ids[0]); j.State != fakeserver.Queued {
		t.Errorf("job claimed while printer stopped: %s", j.State)
	}
	cups(t, "cupsenable", h.env.Printer)
	waitHB(protocol.PrinterIdle)
	h.waitTerminal(ids, 30*time.Second)
	h.checkExactlyOnce(ids)
}

func cups(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v %s", name, err, out)
	}
}

func TestSIGTERMStopsCleanly(t *testing.T) {
	// A claim answer cut off by the shutdown leaves its job claimed; the lease brings it back.
	h := newHarness(t, 2*time.Second)
	p := h.start("-wait", "25")
	ids := h.add(1)
	h.waitTerminal(ids, 30*time.Second)
	// Idle in a 25 s long-poll: SIGTERM must end it at once, not after the poll.
	more := h.add(4)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if j, _ := h.srv.Job(more[0]); j.State != fakeserver.Queued {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, p.logs)
		}
	case <-time.After(10 * time.Second):
		p.kill()
		t.Fatalf("agent ignored SIGTERM\n%s", p.logs)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %v", d)
	}
	if !strings.Contains(p.logs.String(), "stopped cleanly") {
		t.Errorf("no clean-stop log:\n%s", p.logs)
	}
	// Whatever was half done is finished by the next run, exactly once.
	p2 := h.start("-wait", "2")
	defer p2.kill()
	all := append(ids, more...)
	h.waitTerminal(all, 60*time.Second)
	if printed, _ := h.checkExactlyOnce(all); printed != len(all) {
		t.Errorf("printed %d of %d\nfirst run:\n%s", printed, len(all), p.logs)
	}
}

func TestKilledAtRandomNeverDuplicatesOrLoses(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: kills and restarts the agent binary")
	}
	h := newHarness(t, 2*time.Second)
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(uint64(seed), 0))
	var ids []int64
	stopAdding := make(chan struct{})
	added := make(chan []int64)
	go func() {
		var mine []int64
		tick := time.NewTicker(120 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopAdding:
				added <- mine
				return
			case <-tick.C:
				if len(mine) < 30 {
					mine = append(mine, h.add(1)...)
				}
			}
		}
	}()
	var logs []string
	for round := 0; round < 20; round++ {
		p := h.start("-wait", "1")
		time.Sleep(time.Duration(30+rnd.IntN(600)) * time.Millisecond)
		p.kill()
		logs = append(logs, p.logs.String())
	}
	close(stopAdding)
	ids = <-added
	p := h.start("-wait", "1")
	defer func() {
		if t.Failed() {
			t.Logf("killed runs:\n%s\nfinal run:\n%s", strings.Join(logs, "\n----\n"), p.logs)
		}
	}()
	h.waitTerminal(ids, 120*time.Second)
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done
	printed, checks := h.checkExactlyOnce(ids)
	c := h.srv.Counts()
	t.Logf("%d jobs: %d printed once, %d needs-operator-check; claims %d, status calls %d, 409s %d, recovers %d",
		len(ids), printed, checks, c.Claims, c.StatusCalls, c.Conflicts, c.Recovers)
	if printed+checks != len(ids) {
		t.Errorf("accounted for %d of %d jobs", printed+checks, len(ids))
	}
}

// TestRestartReconcilesJournal plays the two crash points that random kills rarely hit: the
// agent died after journaling "about to send" and either CUPS got the job (report its real
// state, do not print again) or it did not (report needs-operator-check, do not print).
func TestRestartReconcilesJournal(t *testing.T) {
	h := newHarness(t, 0)
	ids := h.add(2)
	c := client.New(h.url, testToken, "test")
	cp, err := printer.NewCUPS(h.env.Server, h.env.Printer)
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(h.journal)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		cr, err := c.Claim(t.Context(), time.Second)
		if err != nil || cr == nil || cr.JobID != id {
			t.Fatalf("claim: %+v %v", cr, err)
		}
		if err := j.Put(journal.Entry{JobID: id, Lease: cr.Lease, Step: journal.StepIntent, IntentUnix: time.Now().Unix()}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			// CUPS accepted it, then the agent "crashed" before journaling "sent".
			name := fmt.Sprintf("ak1-job-%d", id)
			if _, err := cp.Print(t.Context(), name, testcups.PDF(name), 1, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	j.Close()

	h.runInProcess()
	h.waitTerminal(ids, 30*time.Second)
	h.checkExactlyOnce(ids)
	sent, _ := h.srv.Job(ids[0])
	lost, _ := h.srv.Job(ids[1])
	if sent.State != fakeserver.Printed || sent.Claims != 1 {
		t.Errorf("job in CUPS: %s after %d claims, want printed without a new claim", sent.State, sent.Claims)
	}
	if lost.State != fakeserver.Failed || lost.Error != protocol.ErrNeedsOperatorCheck || lost.Claims != 1 {
		t.Errorf("job not in CUPS: %s %q after %d claims, want failed needs-operator-check", lost.State, lost.Error, lost.Claims)
	}
	if n := h.env.CountOutputs(t)[fmt.Sprintf("ak1-job-%d", ids[1])]; n != 0 {
		t.Errorf("job with unknown outcome was printed again (%d outputs)", n)
	}
}

// TestClaimToCUPSLatency measures, with an idle agent waiting in a 25 s long-poll against a
// real HTTP server and the real CUPS queue, the time from a job becoming available (approval)
// to the server being told CUPS accepted it ("sent": claim, PDF download, journal fsync,
// IPP Print-Job, journal fsync, report). AK1_LATENCY_JOBS sets the sample size (default 50).
//
//	go test -count=1 -run '^TestClaimToCUPSLatency$' -v ./agent/
func TestClaimToCUPSLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	n := 50
	if v := os.Getenv("AK1_LATENCY_JOBS"); v != "" {
		fmt.Sscan(v, &n)
	}
	h := newHarness(t, 0)
	h.runInProcess("-wait", "25")
	// Let the first heartbeat through and the agent settle into its long-poll.
	time.Sleep(500 * time.Millisecond)
	var toClaim, toSent []time.Duration
	var ids []int64
	for i := 0; i < n; i++ {
		id := h.add(1)[0]
		ids = append(ids, id)
		deadline := time.Now().Add(10 * time.Second)
		var j fakeserver.Job
		for {
			j, _ = h.srv.Job(id)
			if !j.SentAt.IsZero() || time.Now().After(deadline) {
				break
			}
			time.Sleep(time.Millisecond)
		}
		if j.SentAt.IsZero() {
			t.Fatalf("job %d not sent within 10 s", id)
		}
		toClaim = append(toClaim, j.ClaimedAt.Sub(j.AddedAt))
		toSent = append(toSent, j.SentAt.Sub(j.AddedAt))
		// Idle again: the agent is back in its long-poll before the next approval.
		time.Sleep(100 * time.Millisecond)
	}
	pct := func(d []time.Duration, p float64) time.Duration {
		s := slices.Clone(d)
		slices.Sort(s)
		return s[min(len(s)-1, int(float64(len(s))*p))].Round(10 * time.Microsecond)
	}
	t.Logf("approval -> claim answered: p50 %v  p99 %v  max %v  (n=%d)", pct(toClaim, .5), pct(toClaim, .99), pct(toClaim, 1), n)
	t.Logf("approval -> CUPS accepted, 'sent' at server: p50 %v  p99 %v  max %v  (n=%d)", pct(toSent, .5), pct(toSent, .99), pct(toSent, 1), n)
	if p50 := pct(toSent, .5); p50 > 500*time.Millisecond {
		t.Errorf("median approval-to-CUPS %v, want well under a second", p50)
	}
	h.waitTerminal(ids, 120*time.Second)
	h.checkExactlyOnce(ids)
}

// TestDependencies guards the design rule: the agent links neither Fiber nor SQLite, and the
// protocol package the server imports depends on the standard library only.
func TestDependencies(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	list := func(pkg string) []string {
		out, err := exec.Command(goBin, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	for _, dep := range list("ak1/agent") {
		if strings.Contains(dep, "fiber") || strings.Contains(dep, "sqlite") || strings.Contains(dep, "fasthttp") {
			t.Errorf("agent links %s", dep)
		}
	}
	for _, dep := range list("ak1/agent/protocol") {
		if first, _, _ := strings.Cut(dep, "/"); strings.Contains(first, ".") {
			t.Errorf("protocol depends on %s", dep)
		}
	}
}
