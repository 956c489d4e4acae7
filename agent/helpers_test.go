package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"ak1/agent/internal/fakeserver"
	"ak1/agent/internal/testcups"
	"ak1/agent/protocol"
)

const testToken = "station-token-test"

// syncBuf is a goroutine-safe log sink for agents running in the test.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type harness struct {
	t       *testing.T
	srv     *fakeserver.Server
	url     string
	env     testcups.Env
	journal string
	next    int64
	names   []string
}

func newHarness(t *testing.T, leaseTTL time.Duration) *harness {
	t.Helper()
	env := testcups.Get(t)
	srv := fakeserver.New(testToken)
	srv.LeaseTTL = leaseTTL
	srv.StationOptions = map[string]string{"sides": "one-sided"}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, srv: srv, url: url, env: env, journal: filepath.Join(t.TempDir(), "state", "journal"),
		next: testcups.UniqueBase()}
	t.Cleanup(func() {
		srv.Stop()
		if !t.Failed() {
			env.RemoveOutputs(h.names)
		}
	})
	return h
}

func (h *harness) args(extra ...string) []string {
	a := []string{"ak1-agent", "-server", h.url, "-token", testToken, "-printer", h.env.Printer,
		"-cups", h.env.Server, "-journal", h.journal, "-wait", "2"}
	return append(a, extra...)
}

// runInProcess starts run() in a goroutine; stop cancels it and returns its error.
func (h *harness) runInProcess(extra ...string) (stop func() error, logs *syncBuf) {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuf{}
	done := make(chan error, 1)
	getenv := func(string) string { return "" }
	go func() { done <- run(ctx, h.args(extra...), getenv, logs, logs) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				err = fmt.Errorf("agent did not stop within 20 s")
			}
		})
		return err
	}
	h.t.Cleanup(func() {
		if err := stop(); err != nil {
			h.t.Error(err)
		}
		if h.t.Failed() {
			h.t.Logf("agent log:\n%s", logs.String())
		}
	})
	return stop, logs
}

func (h *harness) add(n int) []int64 {
	var ids []int64
	for i := 0; i < n; i++ {
		h.next++
		id := h.next
		name := fmt.Sprintf("ak1-job-%d", id)
		h.names = append(h.names, name)
		h.srv.Add(id, testcups.PDF(name), nil)
		ids = append(ids, id)
	}
	return ids
}

func terminal(state string) bool {
	return state == fakeserver.Printed || state == fakeserver.Failed || state == fakeserver.NeedsCheck
}

func (h *harness) waitTerminal(ids []int64, timeout time.Duration) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ok := h.srv.WaitFor(ctx, func(jobs []fakeserver.Job) bool {
		for _, id := range ids {
			j, _ := h.srv.Job(id)
			if !terminal(j.State) {
				return false
			}
		}
		return true
	})
	if !ok {
		for _, id := range ids {
			j, _ := h.srv.Job(id)
			if !terminal(j.State) {
				h.t.Errorf("job %d not finished: state %s history %v", id, j.State, j.History)
			}
		}
		h.t.FailNow()
	}
}

// waitCUPSIdle waits until CUPS has no unfinished job on the queue, so every output that will
// ever appear is in the folder before the tests count files.
func (h *harness) waitCUPSIdle() {
	h.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		out, err := exec.Command("lpstat", "-o", h.env.Printer).CombinedOutput()
		if err == nil && strings.TrimSpace(string(out)) == "" {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	h.t.Fatal("CUPS queue still busy after 60 s")
}

// checkExactlyOnce asserts: printed jobs have exactly one output; no job has two; failed
// jobs are operator checks (never silently lost); and the server saw no malformed request.
func (h *harness) checkExactlyOnce(ids []int64) (printed, checks int) {
	h.t.Helper()
	h.waitCUPSIdle()
	var names []string
	for _, id := range ids {
		names = append(names, fmt.Sprintf("ak1-job-%d", id))
	}
	var printedNames []string
	for _, id := range ids {
		if j, _ := h.srv.Job(id); j.State == fakeserver.Printed {
			printedNames = append(printedNames, fmt.Sprintf("ak1-job-%d", id))
		}
	}
	outs := h.env.WaitOutputs(h.t, printedNames, 30*time.Second)
	for i, id := range ids {
		j, _ := h.srv.Job(id)
		n := outs[names[i]]
		switch {
		case n > 1:
			h.t.Errorf("job %d printed %d times (history %v)", id, n, j.History)
		case j.State == fakeserver.Printed:
			printed++
			if n != 1 {
				h.t.Errorf("job %d reported printed but has %d outputs", id, n)
			}
		case j.State == fakeserver.NeedsCheck ||
			(j.State == fakeserver.Failed && j.Error == protocol.ErrNeedsOperatorCheck):
			checks++
		default:
			h.t.Errorf("job %d ended %s (%s), history %v, outputs %d", id, j.State, j.Error, j.History, n)
		}
		if countOf(j.History, fakeserver.Printed) > 1 {
			h.t.Errorf("job %d printed state recorded twice: %v", id, j.History)
		}
	}
	if c := h.srv.Counts(); c.BadRequests != 0 || c.Unauthorized != 0 {
		h.t.Errorf("server saw %d bad and %d unauthorized requests", c.BadRequests, c.Unauthorized)
	}
	return printed, checks
}

func countOf(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

// agentBinary builds the real agent once per test binary run.
var agentBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "ak1-agent-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "ak1-agent")
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if bin, err := agentBinary(); err == nil && bin != "" {
		os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

// proc is the real agent binary in a subprocess.
type proc struct {
	cmd  *exec.Cmd
	logs *syncBuf
	done chan error
}

func (h *harness) start(extra ...string) *proc {
	h.t.Helper()
	bin, err := agentBinary()
	if err != nil {
		h.t.Fatal(err)
	}
	p := &proc{logs: &syncBuf{}, done: make(chan error, 1)}
	p.cmd = exec.Command(bin, h.args(extra...)[1:]...)
	p.cmd.Env = []string{"HOME=" + h.t.TempDir(), "PATH=" + os.Getenv("PATH")}
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	return p
}

func (p *proc) kill() {
	p.cmd.Process.Kill()
	<-p.done
}
