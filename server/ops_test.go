package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage/gen"
)

// The operations tests run the server as a real separate process (this test binary started again
// in server mode, see TestMain) so they can kill it, fill its disk or restore under it, and load it
// with kiosk submissions over real HTTP.

const childEnv = "AK1_TEST_SERVER_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, []string{"ak1-server"}, os.Getenv, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "ak1-server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serverProc is one ak1-server process.
type serverProc struct {
	t    *testing.T
	cmd  *exec.Cmd
	logs *lockedBuffer
	url  string
	done chan struct{}
}

// startServerProc starts ak1-server on dataDir and addr and waits for /healthz.
func startServerProc(t *testing.T, dataDir, addr string, env ...string) *serverProc {
	t.Helper()
	p := &serverProc{t: t, logs: &lockedBuffer{}, url: "http://" + addr, done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "-test.run=^$")
	p.cmd.Env = append([]string{childEnv + "=1", "PATH=" + os.Getenv("PATH"), "AK1_DATA_DIR=" + dataDir, "AK1_ADDR=" + addr}, env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("server log:\n%s", tail(p.logs.String(), 6000))
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(p.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("server exited at start:\n%s", p.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not answering:\n%s", p.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL (a power cut for the process) and waits until it is gone.
func (p *serverProc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Kill()
	<-p.done
}

// stop sends SIGTERM, as systemd does, and waits.
func (p *serverProc) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.t.Error("server did not stop after SIGTERM")
		p.kill()
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// kioskVisitor is one person at a kiosk: a browser with its own cookies.
type kioskVisitor struct {
	base string
	http *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func newKioskVisitor(base string) *kioskVisitor {
	jar, _ := cookiejar.New(nil)
	return &kioskVisitor{base: base, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// errRefused is an answer that is not the expected one: the server said no (as opposed to a
// connection that broke).
var errRefused = errors.New("refused")

func (k *kioskVisitor) get(path string) (int, string, error) {
	req, err := http.NewRequest("GET", k.base+path, nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("HX-Request", "true") // the kiosk moves between screens with htmx
	resp, err := k.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		k.csrf = string(m[1])
	}
	return resp.StatusCode, string(body), err
}

func (k *kioskVisitor) post(path string, v url.Values, header ...string) (int, string, string, error) {
	v.Set("_csrf", k.csrf)
	req, err := http.NewRequest("POST", k.base+path, strings.NewReader(v.Encode()))
	if err != nil {
		return 0, "", "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := k.http.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body), err
}

// stepValues are the form values of one kiosk screen, as the browser sends them.
func stepValues(f *domain.Form, st domain.Step) url.Values {
	v := url.Values{"aksi": {"lanjut"}}
	for _, name := range st.Fields {
		switch name {
		case "languages":
			v[name] = f.Languages
		case "never_worked":
			if f.NeverWorked {
				v.Set(name, "1")
			}
		default:
			v.Set(name, f.Value(name))
		}
	}
	return v
}

var submitKeyField = regexp.MustCompile(`name="kunci_kirim" value="([^"]+)"`)

// review opens the review screen as the kiosk does and returns what it sends: its fields, the
// ticked declaration and the screen's one-time submission key.
func (k *kioskVisitor) review(f *domain.Form) (url.Values, error) {
	code, body, err := k.get("/daftar/periksa")
	if err != nil {
		return nil, err
	}
	m := submitKeyField.FindStringSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("%w: review: %d %.300s", errRefused, code, body)
	}
	v := url.Values{"setuju": {"1"}, "kunci_kirim": {m[1]}}
	for _, name := range domain.ReviewFields {
		v.Set(name, f.Value(name))
	}
	return v, nil
}

// submit walks every kiosk screen with f and sends it. It returns the status code the server
// acknowledged with (the /selesai/<code> redirect); an error when any answer was missing or not
// the expected one.
func (k *kioskVisitor) submit(f *domain.Form) (string, error) {
	if _, _, err := k.get("/layanan/baru"); err != nil { // choosing the service starts the form
		return "", err
	}
	for _, st := range domain.Steps {
		code, loc, body, err := k.post("/daftar/"+st.Slug, stepValues(f, st))
		if err != nil {
			return "", err
		}
		if code != http.StatusSeeOther {
			return "", fmt.Errorf("%w: step %s: %d %s %.300s", errRefused, st.Slug, code, loc, body)
		}
	}
	review, err := k.review(f)
	if err != nil {
		return "", err
	}
	code, loc, body, err := k.post("/daftar/kirim", review)
	if err != nil {
		return "", err
	}
	sc, ok := strings.CutPrefix(loc, "/selesai/")
	if code != http.StatusSeeOther || !ok {
		return "", fmt.Errorf("%w: submit: %d %s %.300s", errRefused, code, loc, body)
	}
	return sc, nil
}

// seeder makes the demo seeder's people (storage/gen) for the operations tests.
type seeder struct{ *gen.People }

func newSeeder(seed uint64) *seeder { return &seeder{gen.NewPeople(seed, time.Now())} }

func (s *seeder) form() *domain.Form { return s.Form() }

// ack is one submission the server acknowledged, and when the answer arrived.
type ack struct {
	code string
	at   time.Time
}

// submissionLoad is several kiosks submitting demo applicants as fast as they can.
type submissionLoad struct {
	mu       sync.Mutex
	acks     []ack
	refusals []error // answers that were not an acknowledgement
	broken   int     // requests whose connection broke (server gone)
	stop     chan struct{}
	wg       sync.WaitGroup
}

// startSubmissionLoad starts kiosks kiosks against base. Forms come from the demo seeder, so they
// are valid by construction and have distinct NIKs.
func startSubmissionLoad(t *testing.T, base string, kiosks int, seed uint64) *submissionLoad {
	l := &submissionLoad{stop: make(chan struct{})}
	forms := make(chan *domain.Form)
	s := newSeeder(seed)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer close(forms)
		for {
			select {
			case forms <- s.form():
			case <-l.stop:
				return
			}
		}
	}()
	for range kiosks {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for f := range forms {
				code, err := newKioskVisitor(base).submit(f)
				l.mu.Lock()
				switch {
				case err == nil:
					l.acks = append(l.acks, ack{code, time.Now()})
				case errors.Is(err, errRefused):
					l.refusals = append(l.refusals, err)
				default:
					l.broken++
				}
				l.mu.Unlock()
				if err != nil && !errors.Is(err, errRefused) {
					time.Sleep(20 * time.Millisecond) // the server is away: do not spin
				}
			}
		}()
	}
	return l
}

func (l *submissionLoad) acked() []ack {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ack(nil), l.acks...)
}

// waitAcks waits until at least n submissions were acknowledged.
func (l *submissionLoad) waitAcks(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for len(l.acked()) < n {
		if time.Now().After(deadline) {
			l.mu.Lock()
			defer l.mu.Unlock()
			t.Fatalf("only %d submissions acknowledged after 60 s; refusals %v", len(l.acks), l.refusals)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (l *submissionLoad) finish() {
	close(l.stop)
	l.wg.Wait()
}

// runCLI runs an ak1-server subcommand in this process.
func runCLI(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"ak1-server"}, args...), func(k string) string { return env[k] }, &out, &out)
	return out.String(), err
}
