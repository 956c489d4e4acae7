package web

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ak1/server/card"
	"ak1/server/domain"
	"ak1/server/storage"
	"ak1/server/storage/gen"
)

// BenchmarkScale runs the requests of issue 11 against a database of 1,000 and of 1,000,000
// generated applications (storage/gen: years of office days, cards, calls, print jobs, audit rows)
// and reports the median and p99 of each. The server is a process of its own (this test binary,
// run as TestScaleServer) on a copy of the database, so its peak memory is measured alone; the
// requests go over HTTP on loopback, one at a time. The 1,000,000 database is generated once and
// kept in $AK1_SCALE_CACHE (default: the temp folder), keyed by schema (storage.SchemaID) and
// generator version.
//
// It runs only when asked, because the first run generates the large database:
//
//	make bench-scale
//
// which writes the table into docs/benchmarks.md. AK1_SCALE_SIZES=1000,100000 picks other sizes.
func BenchmarkScale(b *testing.B) {
	if os.Getenv("AK1_SCALE") == "" {
		b.Skip("set AK1_SCALE=1 (make bench-scale): the first run generates a database of 1,000,000 applications")
	}
	sizes := []int{1000, 1_000_000}
	if s := os.Getenv("AK1_SCALE_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 100 {
				b.Fatalf("AK1_SCALE_SIZES: %q is not a size of at least 100", f)
			}
			sizes = append(sizes, n)
		}
	}
	load := loadAverage()
	results := map[int]*scaleResult{}
	for _, n := range sizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) { results[n] = runScale(b, n) })
	}
	if doc := os.Getenv("AK1_SCALE_DOC"); doc != "" {
		if err := writeScaleDoc(doc, sizes, results, load); err != nil {
			b.Fatal(err)
		}
	}
}

// scaleNow is when the generated data ends and the measured morning is: 10:30 in Denpasar on a
// Friday, with the morning's queue still waiting.
var scaleNow = time.Date(2026, 11, 27, 2, 30, 0, 0, time.UTC)

type scaleResult struct {
	p50, p99 map[string]time.Duration
	peakRSS  int64 // kB, the server process
	facts    scaleFacts
}

// scaleFacts describe a generated database.
type scaleFacts struct {
	Summary   gen.Summary
	Generated time.Duration // how long generating it took
	Bytes     int64
	Audit     int
}

// scaleEnv is what the requests need: the server, signed-in officers and facts about the data.
type scaleEnv struct {
	url      string
	db       *storage.DB // the same database, opened by the benchmark to prepare applications
	desk     *client
	operator *client
	facts    scaleFacts

	pengantar int64
	oldApp    int64 // an application of years ago, approved, its card printed
	people    *gen.People
}

// scaleCase is one kind of request. next prepares iteration i (outside the timer) and returns the
// request to time, which answers with an HTTP status (200 for a store call).
type scaleCase struct {
	name string
	aim  time.Duration // the median the issue aims at, at 1,000,000 applications; 0 when none
	next func(b *testing.B, e *scaleEnv, i int) (do func() int, want int)
}

func fetch(c *client, path string) func() int {
	return func() int { code, _ := c.get(path); return code }
}

var scaleCases = []scaleCase{
	{"`/healthz` (baseline)", 0, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		c := newClient(b, e.url)
		return fetch(c, "/healthz"), 200
	}},
	{"kiosk step (identity, draft saved)", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		return kioskStep(b, e), 303
	}},
	{"kiosk submit (ticket numbering)", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		c := newClient(b, e.url)
		kioskFill(b, c, e.people.Form())
		review := kioskReview(b, c)
		return func() int { code, _, _ := c.post("/daftar/kirim", review); return code }, 303
	}},
	{"approve (registration number, Buku Agenda, card, print job)", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		id := readyApplication(b, e)
		form := url.Values{"pengantar": {strconv.FormatInt(e.pengantar, 10)}}
		return func() int { code, _, _ := e.desk.post(appURL(id)+"/setujui", form); return code }, 303
	}},
	{"desk live queue page `GET /petugas`", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		return fetch(e.desk, "/petugas"), 200
	}},
	{"desk queue fragment, today, waiting", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		return fetch(e.desk, "/petugas/antrean?keadaan=menunggu&hari=2026-11-27"), 200
	}},
	{"desk queue fragment, today, page 2 of every state", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		return fetch(e.desk, "/petugas/antrean?keadaan=semua&hari=2026-11-27&halaman=2"), 200
	}},
	{"desk search by NIK, all states", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		return fetch(e.desk, "/petugas/antrean?keadaan=semua&q="+e.facts.Summary.Today.WaitingNIK), 200
	}},
	{"NIK lookup in the store (`storage.QueuePage`)", time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		return func() int {
			p, err := e.db.QueuePage(context.Background(), storage.QueueFilter{Query: e.facts.Summary.Today.WaitingNIK})
			if err != nil || len(p.Items) == 0 {
				return 500
			}
			return 200
		}, 200
	}},
	{"desk search by a name (\"Wayan\"), all states", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		return fetch(e.desk, "/petugas/antrean?keadaan=semua&q=Wayan"), 200
	}},
	{"desk search by a name (\"Wayan\"), waiting", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		return fetch(e.desk, "/petugas/antrean?keadaan=menunggu&q=Wayan"), 200
	}},
	{"desk search, exact full name", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		return fetch(e.desk, "/petugas/antrean?keadaan=semua&q="+url.QueryEscape(e.facts.Summary.Today.ExactName)), 200
	}},
	{"lobby display fragment `/layar/daftar`", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		return fetch(newClient(b, e.url), "/layar/daftar"), 200
	}},
	{"application page (printed card of years ago)", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		return fetch(e.desk, appURL(e.oldApp)), 200
	}},
	{"operator print queue `/petugas/cetak`", 20 * time.Millisecond, func(b *testing.B, e *scaleEnv, i int) (func() int, int) {
		return fetch(e.operator, "/petugas/cetak"), 200
	}},
}

// tabletsCase is the kiosk step while six desk tablets refresh their queue as often as the live
// queue lets them (once per coalescing window, as in a rush of changes).
const tabletsCase = "kiosk step while six desk tablets refresh their queue every 250 ms"

func kioskStep(b *testing.B, e *scaleEnv) func() int {
	c := newClient(b, e.url)
	if code, _ := c.get("/layanan/baru"); code != 200 { // the kiosk's start: a new card
		b.Fatalf("kiosk start page: %d", code)
	}
	f := e.people.Form()
	values := formValues(f)
	values.Set("aksi", "lanjut")
	return func() int { code, _, _ := c.post("/daftar/identitas", values); return code }
}

// readyApplication submits a new application and brings it to where it can be approved.
func readyApplication(b *testing.B, e *scaleEnv) int64 {
	ctx := context.Background()
	f := e.people.Form()
	app, err := e.db.SubmitApplication(ctx, f, "kiosk", "kiosk", "")
	if err != nil {
		b.Fatal(err)
	}
	if err := e.db.SetDocuments(ctx, app.ID, e.pengantar, storage.RequiredDocuments()); err != nil {
		b.Fatal(err)
	}
	photo, err := e.people.Photo(f.Sex == "P")
	if err != nil {
		b.Fatal(err)
	}
	if err := e.db.SavePhoto(ctx, app.ID, e.pengantar, photo); err != nil {
		b.Fatal(err)
	}
	return app.ID
}

func runScale(b *testing.B, n int) *scaleResult {
	src, facts := scaleDatabase(b, n)
	dir := b.TempDir()
	if err := copyFile(filepath.Join(src, "ak1.db"), filepath.Join(dir, "ak1.db")); err != nil {
		b.Fatal(err)
	}
	db, clock := openRunningFrom(b, dir, scaleNow)
	e := &scaleEnv{db: db, facts: facts, people: gen.NewPeople(uint64(n), scaleNow)}
	passwords := map[string]string{}
	for _, who := range []struct {
		name string
		role domain.Role
	}{{"bench-petugas", domain.RolePetugas}, {"bench-pengantar", domain.RolePengantar}, {"bench-operator", domain.RoleOperator}} {
		pw := "sandi-" + who.name
		hash, _ := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		id, err := db.CreateUser(context.Background(), domain.Officer{Username: who.name, FullName: who.name, Role: who.role}, string(hash))
		if err != nil {
			b.Fatal(err)
		}
		passwords[who.name] = pw
		if who.role == domain.RolePengantar {
			e.pengantar = id
		}
	}
	old, err := db.QueryIntForTest(context.Background(), `SELECT application_id FROM cards WHERE id = 1`)
	if err != nil {
		b.Fatal(err)
	}
	e.oldApp = int64(old)

	server, addr := startScaleServer(b, dir, clock())
	e.url = addr
	e.desk = signIn(b, &testServer{URL: addr}, "bench-petugas", passwords["bench-petugas"])
	e.operator = signIn(b, &testServer{URL: addr}, "bench-operator", passwords["bench-operator"])

	res := &scaleResult{p50: map[string]time.Duration{}, p99: map[string]time.Duration{}, facts: facts}
	measure := func(name string, next func(b *testing.B, e *scaleEnv, i int) (func() int, int)) {
		b.Run(name, func(b *testing.B) {
			lat := make([]time.Duration, b.N)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				do, want := next(b, e, i)
				b.StartTimer()
				t0 := time.Now()
				code := do()
				lat[i] = time.Since(t0)
				if code != want {
					b.Fatalf("%s: status %d, want %d", name, code, want)
				}
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			res.p50[name], res.p99[name] = lat[len(lat)/2], lat[(len(lat)*99)/100]
			b.ReportMetric(float64(res.p50[name].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(res.p99[name].Microseconds())/1000, "p99-ms")
		})
	}
	for _, c := range scaleCases {
		measure(c.name, c.next)
	}
	// Six tablets refresh their queue as often as the live queue lets them while a kiosk saves steps.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 6 {
		tablet := signIn(b, &testServer{URL: addr}, "bench-petugas", passwords["bench-petugas"])
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(coalesceWindow):
					if resp, err := tablet.http.Get(addr + "/petugas/antrean?keadaan=menunggu&hari=2026-11-27"); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}
			}
		}()
	}
	measure(tabletsCase, func(b *testing.B, e *scaleEnv, i int) (func() int, int) { return kioskStep(b, e), 303 })
	close(stop)
	wg.Wait()
	res.peakRSS = server.peakRSS()
	server.stop()
	fmt.Fprintf(os.Stderr, "%d applications: server peak RSS %d MB\n", n, res.peakRSS/1024)
	return res
}

// scaleDatabase returns the folder of a generated database of n applications, generating it the
// first time.
func scaleDatabase(b *testing.B, n int) (string, scaleFacts) {
	cache := os.Getenv("AK1_SCALE_CACHE")
	if cache == "" {
		cache = filepath.Join(os.TempDir(), "ak1-scale-cache")
	}
	dir := filepath.Join(cache, fmt.Sprintf("%d-schema%s-gen%d", n, storage.SchemaID(), gen.Version))
	var facts scaleFacts
	if data, err := os.ReadFile(filepath.Join(dir, "facts.json")); err == nil && json.Unmarshal(data, &facts) == nil {
		return dir, facts
	}
	tmp := dir + fmt.Sprintf(".tmp%d", os.Getpid())
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "generating %d applications into %s (once; kept for later runs)\n", n, dir)
	start := time.Now()
	sum, err := gen.Generate(context.Background(), tmp, gen.Options{Count: n, Now: scaleNow, Seed: 11, Progress: func(done int) {
		if done%100000 == 0 {
			fmt.Fprintf(os.Stderr, "  %d applications (%s)\n", done, time.Since(start).Round(time.Second))
		}
	}})
	if err != nil {
		b.Fatal(err)
	}
	facts = scaleFacts{Summary: *sum, Generated: time.Since(start)}
	if st, err := os.Stat(filepath.Join(tmp, "ak1.db")); err == nil {
		facts.Bytes = st.Size()
	}
	db, err := storage.Open(context.Background(), tmp, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	facts.Audit, err = db.QueryIntForTest(context.Background(), `SELECT max(id) FROM audit_log`)
	db.Close()
	if err != nil {
		b.Fatal(err)
	}
	data, _ := json.MarshalIndent(facts, "", "  ")
	if err := os.WriteFile(filepath.Join(tmp, "facts.json"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	return dir, facts
}

// copyFile copies the database and writes it to disk before the server opens it: otherwise the
// server's first checkpoint, which syncs the file, waits for the gigabytes the copy left in the
// page cache (measured: a kiosk submission of 1.1 s at 1,000,000 applications, none without).
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// scaleServer is the server process of the benchmark.
type scaleServer struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// startScaleServer runs this test binary as TestScaleServer on the database in dir and returns its
// address.
func startScaleServer(b *testing.B, dir string, now time.Time) (*scaleServer, string) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestScaleServer$", "-test.count=1")
	cmd.Env = append(os.Environ(), "AK1_SCALE_SERVE="+dir, "AK1_SCALE_NOW="+now.Format(time.RFC3339Nano))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s := &scaleServer{cmd: cmd, stdin: stdin}
	b.Cleanup(s.stop)
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "AK1_SCALE_ADDR "); ok {
			go io.Copy(io.Discard, stdout)
			return s, addr
		}
	}
	b.Fatal("the server process ended without saying its address")
	return nil, ""
}

// peakRSS is the most memory the server process has held (VmHWM), in kB.
func (s *scaleServer) peakRSS() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

func (s *scaleServer) stop() {
	if s.stdin != nil {
		s.stdin.Close()
		s.stdin = nil
		s.cmd.Wait()
	}
}

// TestScaleServer is the server process of BenchmarkScale, not a test: it serves the database named
// by AK1_SCALE_SERVE with a clock starting at AK1_SCALE_NOW until its standard input closes.
func TestScaleServer(t *testing.T) {
	dir := os.Getenv("AK1_SCALE_SERVE")
	if dir == "" {
		t.Skip("the server process of BenchmarkScale")
	}
	now, err := time.Parse(time.RFC3339Nano, os.Getenv("AK1_SCALE_NOW"))
	if err != nil {
		t.Fatal(err)
	}
	db, clock := openRunningFrom(t, dir, now)
	signer, err := card.NewSigner(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	app := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{MinAge: 18, Signer: signer,
		CSRFKey: []byte("0123456789abcdef0123456789abcdef")}, clock)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	fmt.Printf("AK1_SCALE_ADDR http://%s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin)
	app.ShutdownWithTimeout(5 * time.Second)
}

// openRunningFrom opens the database in dir with a clock that starts at from and runs on; the
// database closes when the test ends.
func openRunningFrom(tb testing.TB, dir string, from time.Time) (*storage.DB, func() time.Time) {
	start := time.Now()
	clock := func() time.Time { return from.Add(time.Since(start)) }
	db, err := storage.Open(context.Background(), dir, clock)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, clock
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(data))[:3], " ")
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "?"
}

const (
	scaleBegin = "<!-- bench-scale: begin (written by make bench-scale) -->"
	scaleEnd   = "<!-- bench-scale: end -->"
)

// writeScaleDoc puts the table between the markers in doc (appending them the first time).
func writeScaleDoc(doc string, sizes []int, results map[int]*scaleResult, load string) error {
	var w strings.Builder
	fmt.Fprintf(&w, "%s\n", scaleBegin)
	runs := "?"
	if f := flag.Lookup("test.benchtime"); f != nil {
		runs = strings.TrimSuffix(f.Value.String(), "x")
	}
	fmt.Fprintf(&w, "Taken %s on %s (%d cores), load average %s at the start. Median (p99) of %s requests of each kind, one at a time.\n\n",
		time.Now().Format("2006-01-02"), cpuModel(), runtime.NumCPU(), load, runs)
	w.WriteString("| request |")
	for _, n := range sizes {
		fmt.Fprintf(&w, " %s applications |", thousands(n))
	}
	if len(sizes) == 2 {
		w.WriteString(" ratio |")
	}
	w.WriteString(" aim at 1,000,000 |\n|---|")
	for range sizes {
		w.WriteString("---|")
	}
	if len(sizes) == 2 {
		w.WriteString("---|")
	}
	w.WriteString("---|\n")
	names := []string{}
	aims := map[string]time.Duration{}
	for _, c := range scaleCases {
		names = append(names, c.name)
		aims[c.name] = c.aim
	}
	names = append(names, tabletsCase)
	for _, name := range names {
		fmt.Fprintf(&w, "| %s |", name)
		for _, n := range sizes {
			r := results[n]
			if name == tabletsCase {
				fmt.Fprintf(&w, " %s (p99 **%s**) |", ms(r.p50[name]), ms(r.p99[name]))
			} else {
				fmt.Fprintf(&w, " %s (%s) |", ms(r.p50[name]), ms(r.p99[name]))
			}
		}
		if len(sizes) == 2 {
			fmt.Fprintf(&w, " %.1f |", float64(results[sizes[1]].p50[name])/float64(max(results[sizes[0]].p50[name], 1)))
		}
		switch aim := aims[name]; {
		case name == tabletsCase:
			w.WriteString(" p99 well under the 183 ms issue 11 saw without tablets |\n")
		case aim == 0:
			w.WriteString(" — |\n")
		default:
			fmt.Fprintf(&w, " median < %d ms |\n", aim.Milliseconds())
		}
	}
	w.WriteString("| server memory, peak RSS of the process (VmHWM) over the whole run |")
	for _, n := range sizes {
		fmt.Fprintf(&w, " %d MB |", results[n].peakRSS/1024)
	}
	if len(sizes) == 2 {
		w.WriteString(" |")
	}
	w.WriteString(" < 150 MB |\n\n")
	w.WriteString("The databases (storage/gen, seed 11, the day's morning at 10:30 WITA):\n\n")
	for _, n := range sizes {
		f := results[n].facts
		s := f.Summary
		fmt.Fprintf(&w, "- %s applications over %s office days (%s to %s): %s cards, %s calls, %s print jobs, %s audit rows, %s photos; today %s applications, %s waiting; file %s MB; generated in %s.\n",
			thousands(s.Applications), thousands(s.Days), s.First, s.Last, thousands(s.Cards), thousands(s.Calls), thousands(s.PrintJobs),
			thousands(f.Audit), thousands(s.Photos), thousands(s.Today.Applications), thousands(s.Today.Waiting), thousands(int(f.Bytes>>20)),
			f.Generated.Round(time.Second))
	}
	fmt.Fprintf(&w, "%s\n", scaleEnd)

	old, err := os.ReadFile(doc)
	if err != nil {
		return err
	}
	text := string(old)
	if i, j := strings.Index(text, scaleBegin), strings.Index(text, scaleEnd); i >= 0 && j > i {
		text = text[:i] + w.String() + text[j+len(scaleEnd)+1:]
	} else {
		text = strings.TrimRight(text, "\n") + "\n\n" + w.String()
	}
	return os.WriteFile(doc, []byte(text), 0o644)
}

func ms(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	default:
		return fmt.Sprintf("%s ms", thousands(int(d.Milliseconds())))
	}
}

// thousands writes a number the English way, as the rest of docs/benchmarks.md: 1,000,000.
func thousands(n int) string { return strings.ReplaceAll(angka(n), ".", ",") }
