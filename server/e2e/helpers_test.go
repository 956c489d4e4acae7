package e2e_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ak1/server/storage"
)

// The whole system as it runs at the office: the real ak1-server and ak1-agent binaries as
// subprocesses, the server's SQLite file, the real CUPS with the cups-pdf queue set up by
// .ci/cups.sh. The test reads the database file (there is no JSON API for print jobs) and the
// cups-pdf output folder; everything else goes through the binaries and HTTP.

// bins are the real binaries, built once per test run.
type bins struct{ dir, server, agent string }

// binDir is the folder TestMain made for them.
var binDir string

var buildBins = sync.OnceValues(func() (bins, error) {
	dir := binDir
	b := bins{dir: dir, server: filepath.Join(dir, "ak1-server"), agent: filepath.Join(dir, "ak1-agent")}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	for _, x := range []struct{ out, pkg string }{{b.server, "ak1/server"}, {b.agent, "ak1/agent"}} {
		out, err := exec.Command(goBin, "build", "-ldflags", "-X main.version=e2e", "-o", x.out, x.pkg).CombinedOutput()
		if err != nil {
			return b, fmt.Errorf("go build %s: %v\n%s", x.pkg, err, out)
		}
	}
	return b, nil
})

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ak1-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// inCI tells whether missing parts must fail the run instead of skipping (the CI and make test
// set CI=true and install CUPS and poppler).
func inCI() bool { return os.Getenv("CI") == "true" }

func skipOrFail(t *testing.T, msg string) {
	t.Helper()
	if inCI() {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// cupsEnv is the CUPS test setup printed by .ci/cups.sh (same variables and defaults as
// agent/internal/testcups, which this package cannot import).
type cupsEnv struct {
	Printer string // CUPS queue
	PDFDir  string // cups-pdf output folder
	Socket  string // domain socket or host:port
}

func getenv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func needCUPS(t *testing.T) cupsEnv {
	t.Helper()
	e := cupsEnv{
		// A queue of its own: the agent's tests stop and reject theirs while these may be printing.
		Printer: getenv("AK1_TEST_CUPS_E2E_PRINTER", "AK1-PDF-E2E"),
		PDFDir:  getenv("AK1_TEST_CUPS_PDF_DIR", "/var/spool/cups-pdf/ak1"),
		Socket:  getenv("AK1_TEST_CUPS_SOCKET", "/run/cups/cups.sock"),
	}
	network := "tcp"
	if strings.HasPrefix(e.Socket, "/") {
		network = "unix"
	}
	c, err := net.DialTimeout(network, e.Socket, 2*time.Second)
	if err != nil {
		skipOrFail(t, fmt.Sprintf("CUPS not reachable at %s (%v); run `eval \"$(sudo .ci/cups.sh)\"`", e.Socket, err))
	}
	c.Close()
	if out, err := exec.Command("lpstat", "-p", e.Printer).CombinedOutput(); err != nil {
		skipOrFail(t, fmt.Sprintf("CUPS queue %s missing (%v: %s); run .ci/cups.sh", e.Printer, err, out))
	}
	return e
}

func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		skipOrFail(t, name+" not installed (Debian package poppler-utils)")
	}
	return p
}

// syncBuf collects a subprocess's output.
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

// proc is one run of a binary.
type proc struct {
	name string
	cmd  *exec.Cmd
	logs *syncBuf
	done chan struct{}
	err  error // valid once done is closed
}

func startProc(t *testing.T, name, bin string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, logs: &syncBuf{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return p
}

func (p *proc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	if p.running() {
		p.cmd.Process.Kill()
	}
	<-p.done
}

// stop sends SIGTERM and waits up to timeout; it reports the exit error and how long it took.
func (p *proc) stop(timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	if !p.running() {
		return 0, p.err
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return time.Since(start), p.err
	case <-time.After(timeout):
		p.kill()
		return time.Since(start), fmt.Errorf("%s did not stop within %s after SIGTERM; killed", p.name, timeout)
	}
}

// system is one office: a data folder, a server on a fixed loopback port, one print station.
type system struct {
	t         *testing.T
	bin       bins
	cups      cupsEnv
	dataDir   string
	url       string
	addr      string
	journal   string
	tokenFile string
	tlsDir    string       // with HTTPS: the output of `ak1-server tls init` (CA, server certificate)
	client    *http.Client // trusts the office CA when the server speaks HTTPS
	stationID int64
	db        *storage.DB
	started   time.Time // cups-pdf outputs older than this belong to someone else

	mu      sync.Mutex
	server  *proc
	agent   *proc
	history []*proc // every process started, for the logs of a failed test

	passwords map[string]string // demo accounts, from `demo seed`
}

// cardPageSize is the station option that gives cups-pdf's generic PPD (default A4) the CR80 page
// of the card; a real card printer's PPD has it as its default. It goes to the agent the way an
// operator sets station options: stored on the station, sent with every heartbeat.
const cardPageSize = "Custom.242.65x153.01"

func newSystem(t *testing.T) *system {
	t.Helper()
	return newSystemWith(t, false)
}

// newSystemWith is newSystem, serving HTTPS with a certificate from `ak1-server tls init` when
// https is set (the agent then trusts the office CA through AK1_CA).
func newSystemWith(t *testing.T, https bool) *system {
	t.Helper()
	env := needCUPS(t)
	needTool(t, "pdfinfo")
	needTool(t, "pdftoppm")
	needTool(t, "zbarimg")
	b, err := buildBins()
	if err != nil {
		t.Fatal(err)
	}
	waitOutputFence(t)
	dir := t.TempDir()
	s := &system{t: t, bin: b, cups: env, dataDir: filepath.Join(dir, "data"), journal: filepath.Join(dir, "agent", "journal"),
		tokenFile: filepath.Join(dir, "station.token"), started: time.Now().Add(-time.Second)}
	s.addr = "127.0.0.1:" + strconv.Itoa(freePort(t))
	s.url = "http://" + s.addr
	s.client = &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(s.cleanup)
	if https {
		s.tlsDir = filepath.Join(dir, "tls")
		s.cli("tls", "init", "--host", "127.0.0.1", "--out", s.tlsDir)
		pem, err := os.ReadFile(filepath.Join(s.tlsDir, "ca.pem"))
		if err != nil {
			t.Fatal(err)
		}
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM(pem)
		s.url = "https://" + s.addr
		s.client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	}

	out := s.cli("station", "add", "--name", "Loket Cetak E2E", "--token-file", s.tokenFile)
	m := regexp.MustCompile(`^station (\d+) `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("station add printed %q", out)
	}
	s.stationID, _ = strconv.ParseInt(m[1], 10, 64)
	s.startServer()
	ctx := context.Background()
	if s.db, err = storage.Open(ctx, s.dataDir, time.Now); err != nil {
		t.Fatal(err)
	}
	if err := s.db.SetStationOptions(ctx, s.stationID, map[string]string{"PageSize": cardPageSize}, "e2e"); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *system) cleanup() {
	s.mu.Lock()
	procs := slices.Clone(s.history)
	s.mu.Unlock()
	for _, p := range procs {
		p.kill()
	}
	lastAgentStop.Lock()
	lastAgentStop.at = time.Now()
	lastAgentStop.Unlock()
	if s.db != nil {
		s.db.Close()
	}
	if s.t.Failed() {
		for i, p := range procs {
			logs := p.logs.String()
			if len(logs) > 12000 {
				logs = "…" + logs[len(logs)-12000:]
			}
			s.t.Logf("---- %s (run %d) log:\n%s", p.name, i, logs)
		}
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (s *system) baseEnv() []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Dir(s.dataDir), "AK1_DATA_DIR=" + s.dataDir}
}

// cli runs an ak1-server subcommand on the data folder and returns its standard output.
func (s *system) cli(args ...string) string {
	s.t.Helper()
	cmd := exec.Command(s.bin.server, args...)
	cmd.Env = s.baseEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		s.t.Fatalf("ak1-server %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func (s *system) track(p *proc) {
	s.mu.Lock()
	s.history = append(s.history, p)
	s.mu.Unlock()
}

// startServer starts ak1-server and waits until it answers /healthz.
func (s *system) startServer() {
	s.t.Helper()
	env := append(s.baseEnv(), "AK1_ADDR="+s.addr, "AK1_PUBLIC_URL="+s.url)
	if s.tlsDir != "" {
		env = append(env, "AK1_TLS_CERT="+filepath.Join(s.tlsDir, "server.pem"), "AK1_TLS_KEY="+filepath.Join(s.tlsDir, "server-key.pem"))
	}
	p := startProc(s.t, "ak1-server", s.bin.server, env)
	s.track(p)
	s.server = p
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := s.client.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if !p.running() {
			s.t.Fatalf("ak1-server exited: %v\n%s", p.err, p.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("ak1-server not answering /healthz after 15 s\n%s", p.logs.String())
}

// restartServer stops the server with SIGTERM, as systemd does on an update, and starts it again
// on the same port and data folder. A clean stop must be quick even with an agent waiting in its
// long-poll claim.
func (s *system) restartServer() {
	s.t.Helper()
	took, err := s.server.stop(20 * time.Second)
	if err != nil {
		s.t.Errorf("server stop after %s: %v", took.Round(time.Millisecond), err)
	} else if took > 5*time.Second {
		s.t.Errorf("server took %s to stop after SIGTERM", took.Round(time.Millisecond))
	}
	s.startServer()
}

// startAgent starts ak1-agent with the station's token, the CUPS queue and the test's journal.
func (s *system) startAgent() *proc {
	s.t.Helper()
	token, err := os.ReadFile(s.tokenFile)
	if err != nil {
		s.t.Fatal(err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Dir(s.dataDir),
		"AK1_SERVER=" + s.url, "AK1_TOKEN=" + strings.TrimSpace(string(token)), "AK1_PRINTER=" + s.cups.Printer,
		"AK1_CUPS=" + s.cups.Socket, "AK1_JOURNAL=" + s.journal}
	if s.tlsDir != "" {
		env = append(env, "AK1_CA="+filepath.Join(s.tlsDir, "ca.pem"))
	}
	p := startProc(s.t, "ak1-agent", s.bin.agent, env)
	s.track(p)
	s.mu.Lock()
	s.agent = p
	s.mu.Unlock()
	return p
}

// seeded is one applicant made by `demo seed`.
type seeded struct {
	Ticket, Name, NIK, RegNumber string
}

var (
	seedLine     = regexp.MustCompile(`^demo: (\S+) (.+?)\s+(\d{16})(?:\s+kartu (.+))?$`)
	passwordLine = regexp.MustCompile(`^akun demo (\S+)\s.*kata sandi (\S+)$`)
)

// seed runs `ak1-server demo seed` and returns the applicants it reports.
func (s *system) seed(count int, approve bool, seed uint64) []seeded {
	s.t.Helper()
	args := []string{"demo", "seed", "--count", strconv.Itoa(count), "--seed", strconv.FormatUint(seed, 10)}
	if approve {
		args = append(args, "--approve")
	}
	out := s.cli(args...)
	var list []seeded
	if s.passwords == nil {
		s.passwords = map[string]string{}
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if m := passwordLine.FindStringSubmatch(line); m != nil {
			s.passwords[m[1]] = m[2]
			continue
		}
		if strings.Trim(line, "-") == "" || strings.HasPrefix(line, "Akun demo ") {
			continue // the frame and heading of the demo accounts' block
		}
		m := seedLine.FindStringSubmatch(line)
		if m == nil {
			s.t.Fatalf("demo seed printed an unexpected line %q", line)
		}
		if approve != (m[4] != "") {
			s.t.Fatalf("demo seed line %q: card number present = %v, want %v", line, m[4] != "", approve)
		}
		list = append(list, seeded{Ticket: m[1], Name: m[2], NIK: m[3], RegNumber: m[4]})
	}
	if len(list) != count {
		s.t.Fatalf("demo seed reported %d applicants, want %d:\n%s", len(list), count, out)
	}
	return list
}

// jobs returns every print job, oldest first.
func (s *system) jobs() []storage.PrintJob {
	s.t.Helper()
	list, err := s.db.PrintJobs(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	slices.SortFunc(list, func(a, b storage.PrintJob) int { return int(a.ID - b.ID) })
	return list
}

func settled(st string) bool {
	switch st {
	case "printed", "needs_check", "failed", "cancelled":
		return true
	}
	return false
}

// waitSettled waits until no print job is queued, claimed or sent any more.
func (s *system) waitSettled(timeout time.Duration) []storage.PrintJob {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		list := s.jobs()
		var open []string
		for _, j := range list {
			if !settled(string(j.State)) {
				open = append(open, fmt.Sprintf("job %d %s (attempts %d, lease until %s)", j.ID, j.State, j.Attempts, j.LeaseExpires.Format(time.TimeOnly)))
			}
		}
		if len(open) == 0 {
			return list
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("print jobs not settled after %s:\n%s", timeout, strings.Join(open, "\n"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitCUPSIdle waits until the queue has no unfinished job, so every output that will ever
// appear is in the folder before the test counts files.
func (s *system) waitCUPSIdle() {
	s.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		out, err := exec.Command("lpstat", "-o", s.cups.Printer).CombinedOutput()
		if err == nil && strings.TrimSpace(string(out)) == "" {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.t.Fatal("CUPS queue still busy after 90 s")
}

// output is one file cups-pdf wrote for a print job of this test.
type output struct {
	Path      string
	JobID     int64 // from the CUPS job name ak1-job-<id>
	CUPSJobID int64
	ModTime   time.Time
}

// cups-pdf (Label 2) names files after the job title and the CUPS job id, for example
// "ak1-job-3__ups-pdf_ak1-job_1033.pdf".
var outputName = regexp.MustCompile(`^ak1-job-(\d+)(?:\D.*)?job_(\d+)\.pdf$`)

// outputs lists this test's cups-pdf files by print job id: named ak1-job-<id> for one of ids (nil:
// any id of up to 6 digits; the agent's own tests use longer ones) and written after the test
// started (the folder is shared with other tests and earlier runs).
func (s *system) outputs(ids []int64) map[int64][]output {
	s.t.Helper()
	ents, err := os.ReadDir(s.cups.PDFDir)
	if err != nil {
		s.t.Fatal(err)
	}
	out := map[int64][]output{}
	for _, de := range ents {
		m := outputName.FindStringSubmatch(de.Name())
		if m == nil {
			continue
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		if ids == nil && len(m[1]) > 6 || ids != nil && !slices.Contains(ids, id) {
			continue
		}
		info, err := de.Info()
		if err != nil || info.ModTime().Before(s.started) {
			continue
		}
		cupsID, _ := strconv.ParseInt(m[2], 10, 64)
		out[id] = append(out[id], output{Path: filepath.Join(s.cups.PDFDir, de.Name()), JobID: id, CUPSJobID: cupsID, ModTime: info.ModTime()})
	}
	return out
}

// removeOutputs deletes the files (the tests clean up after themselves when they pass).
func (s *system) removeOutputs(outs map[int64][]output) {
	if s.t.Failed() {
		return
	}
	for _, list := range outs {
		for _, o := range list {
			os.Remove(o.Path)
		}
	}
}

// lastAgentStop is when the last test's agent stopped; tests run one after another.
var lastAgentStop struct {
	sync.Mutex
	at time.Time
}

// waitOutputFence keeps tests apart in CUPS's job history: every test's print job ids start at 1,
// and the agent asks CUPS for a job by name, ignoring jobs created more than 2 s before its
// journal entry. Starting 3 s after the previous test's agent stopped keeps a crashed agent of
// this test from taking the previous test's "ak1-job-3" for its own.
func waitOutputFence(t *testing.T) {
	lastAgentStop.Lock()
	at := lastAgentStop.at
	lastAgentStop.Unlock()
	if wait := time.Until(at.Add(3 * time.Second)); wait > 0 {
		t.Logf("waiting %s after the previous test's prints", wait.Round(time.Millisecond))
		time.Sleep(wait)
	}
}

// pdfPages returns the size in points of every page of a PDF.
func pdfPages(t *testing.T, path string) [][2]float64 {
	t.Helper()
	out, err := exec.Command("pdfinfo", "-f", "1", "-l", "99", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v\n%s", path, err, out)
	}
	var sizes [][2]float64
	for _, m := range pageSizeLine.FindAllSubmatch(out, -1) {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		sizes = append(sizes, [2]float64{w, h})
	}
	if n := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out); n == nil || string(n[1]) != strconv.Itoa(len(sizes)) {
		t.Fatalf("pdfinfo %s: page count and page sizes disagree:\n%s", path, out)
	}
	return sizes
}

var pageSizeLine = regexp.MustCompile(`(?m)^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts`)
