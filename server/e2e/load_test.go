package e2e_test

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ak1/server/internal/benchrow"
)

// TestLoadBench is the load part of `make bench`: the real ak1-server
// binary under 200 concurrent HTTP clients in this process, on loopback, on the same machine. It
// measures, in one server process and one run, GET /healthz (the server's floor: no template, no
// SQL write), the kiosk's welcome page GET / and one form step (POST /daftar/identitas: parse,
// check, save the draft in SQLite), each first with clients sending back to back (throughput) and
// then with each client pausing 50–150 ms between requests (latency while 200 kiosks are busy);
// the server's memory idle, at its peak under load and after; and the print agent's memory while
// it prints cards into a folder. It appends its rows to $AK1_BENCH_OUT and runs only when that is
// set.
func TestLoadBench(t *testing.T) {
	out := os.Getenv("AK1_BENCH_OUT")
	if out == "" {
		t.Skip("load benchmark: run by `make bench` (AK1_BENCH_OUT=rows file)")
	}
	phase := 8 * time.Second
	if v, err := time.ParseDuration(os.Getenv("AK1_BENCH_PHASE")); err == nil && v > 0 {
		phase = v
	}
	const clients = 200
	b, err := buildBins()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := &system{t: t, bin: b, dataDir: filepath.Join(dir, "data"), tokenFile: filepath.Join(dir, "station.token"),
		client: &http.Client{Timeout: 10 * time.Second}}
	s.addr = "127.0.0.1:" + strconv.Itoa(freePort(t))
	s.url = "http://" + s.addr
	t.Cleanup(s.cleanup)
	s.cli("station", "add", "--name", "Loket Cetak Bench", "--token-file", s.tokenFile)
	s.startServer()
	time.Sleep(2 * time.Second)
	idle := rssKB(t, s.server.cmd.Process.Pid, "VmRSS")

	cond := fmt.Sprintf("%d clients in the test process, same %d-core machine, loopback, %s per phase", clients, runtime.NumCPU(), phase)
	cmd := "make bench (AK1_BENCH_OUT=… go test -count=1 -run '^TestLoadBench$' -v ./server/e2e)"
	form := url.Values{"nik": {"5171034708010001"}, "full_name": {"Ni Made Ayu Lestari"}, "birth_place": {"Denpasar"},
		"birth_day": {"7"}, "birth_month": {"8"}, "birth_year": {"2001"}, "sex": {"P"}, "aksi": {"lanjut"}}
	type target struct {
		name, method, path string
		want               int
	}
	targets := []target{
		{"/healthz", "GET", "/healthz", http.StatusOK},
		{"kiosk /", "GET", "/", http.StatusOK},
		{"form step POST /daftar/identitas", "POST", "/daftar/identitas", http.StatusSeeOther},
	}
	results := map[string]loadResult{}
	for _, think := range []time.Duration{0, 100 * time.Millisecond} {
		for _, tg := range targets {
			r := runLoad(t, s.url, clients, phase, think, tg.method, tg.path, form, tg.want)
			key := fmt.Sprintf("%s/%v", tg.name, think)
			results[key] = r
			t.Logf("%-34s think %-5v %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests)", tg.name, think, r.rps, r.p50, r.p99, r.n)
		}
	}
	peak := rssKB(t, s.server.cmd.Process.Pid, "VmHWM")
	time.Sleep(2 * time.Second)
	after := rssKB(t, s.server.cmd.Process.Pid, "VmRSS")

	var rows []benchrow.Row
	health := results["/healthz/0s"]
	for _, tg := range targets {
		sat, busy := results[tg.name+"/0s"], results[tg.name+"/100ms"]
		ratio := ""
		aimSat, aimBusy := "", ""
		if tg.name != "/healthz" {
			ratio = fmt.Sprintf(" = %.0f %% of /healthz", 100*sat.rps/health.rps)
		}
		if tg.name == "kiosk /" {
			aimSat, aimBusy = "≥ 50 % of /healthz", "p99 < 10 ms"
		}
		rows = append(rows,
			benchrow.Row{tg.name + ", back to back", fmt.Sprintf("%.0f req/s%s; p50 %.1f ms, p99 %.1f ms", sat.rps, ratio, sat.p50, sat.p99), aimSat, cmd, cond + "; no pause"},
			benchrow.Row{tg.name + ", 200 busy kiosks", fmt.Sprintf("p50 %.2f ms, p99 %.2f ms (%.0f req/s)", busy.p50, busy.p99, busy.rps), aimBusy, cmd, cond + "; each client pauses 50–150 ms"})
	}
	rows = append(rows, benchrow.Row{"server memory (RSS)", fmt.Sprintf("idle %d MB, peak under load %d MB, idle after %d MB", idle/1024, peak/1024, after/1024),
		"< 150 MB", cmd, "VmRSS / VmHWM of the ak1-server process in the runs above"})

	// The print agent, printing into a folder (no CUPS needed) as fast as cards come.
	token, err := os.ReadFile(s.tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "cetak")
	agent := startProc(t, "ak1-agent", b.agent, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "AK1_SERVER=" + s.url,
		"AK1_TOKEN=" + strings.TrimSpace(string(token)), "AK1_PRINTER=file:" + folder, "AK1_JOURNAL=" + filepath.Join(dir, "journal")})
	s.track(agent)
	time.Sleep(2 * time.Second)
	agentIdle := rssKB(t, agent.cmd.Process.Pid, "VmRSS")
	const cards = 20
	s.cli("demo", "seed", "--count", strconv.Itoa(cards), "--approve", "--seed", "4242")
	deadline := time.Now().Add(90 * time.Second)
	for {
		pdfs, _ := filepath.Glob(filepath.Join(folder, "*.pdf"))
		if len(pdfs) >= cards {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("agent printed %d of %d cards in 90 s\n%s", len(pdfs), cards, agent.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	agentPeak := rssKB(t, agent.cmd.Process.Pid, "VmHWM")
	rows = append(rows, benchrow.Row{"agent memory (RSS)", fmt.Sprintf("idle %.1f MB, peak while printing %.1f MB", float64(agentIdle)/1024, float64(agentPeak)/1024),
		"< 30 MB", cmd, fmt.Sprintf("ak1-agent printing %d approved cards into a folder (file: printer)", cards)})
	if err := benchrow.Append(out, rows...); err != nil {
		t.Fatal(err)
	}
}

type loadResult struct {
	n             int
	rps, p50, p99 float64 // p50/p99 in ms
}

// runLoad runs clients for d, each with its own cookies (a kiosk), and returns throughput and
// latency percentiles. Every answer must have status want.
func runLoad(t *testing.T, base string, clients int, d, think time.Duration, method, path string, form url.Values, want int) loadResult {
	t.Helper()
	transport := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer transport.CloseIdleConnections()
	type client struct {
		http *http.Client
		body string
	}
	cs := make([]client, clients)
	csrfRe := regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	for i := range cs {
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, Transport: transport, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		cs[i].http = hc
		if method == "POST" {
			req, _ := http.NewRequest("GET", base+path, nil)
			req.Header.Set("HX-Request", "true")
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			m := csrfRe.FindSubmatch(page)
			if m == nil {
				t.Fatalf("no CSRF token on %s", path)
			}
			v := url.Values{}
			for k, x := range form {
				v[k] = x
			}
			v.Set("_csrf", string(m[1]))
			cs[i].body = v.Encode()
		}
	}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  atomic.Int64
		firstBad  atomic.Value
		wg        sync.WaitGroup
	)
	stop := time.Now().Add(d)
	start := time.Now()
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(stop) {
				if think > 0 {
					time.Sleep(think/2 + rand.N(think)) // 50–150 %: kiosks do not march in step
				}
				var body io.Reader
				if method == "POST" {
					body = strings.NewReader(c.body)
				}
				req, _ := http.NewRequest(method, base+path, body)
				if method == "POST" {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("HX-Request", "true")
				}
				t0 := time.Now()
				resp, err := c.http.Do(req)
				if err != nil {
					failures.Add(1)
					firstBad.CompareAndSwap(nil, err.Error())
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				if resp.StatusCode != want {
					failures.Add(1)
					firstBad.CompareAndSwap(nil, fmt.Sprintf("status %d", resp.StatusCode))
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if n := failures.Load(); n > 0 {
		t.Fatalf("%s %s: %d requests failed, first: %v", method, path, n, firstBad.Load())
	}
	slices.Sort(latencies)
	q := func(p float64) float64 { return ms(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]) }
	return loadResult{n: len(latencies), rps: float64(len(latencies)) / elapsed.Seconds(), p50: q(0.50), p99: q(0.99)}
}

// rssKB reads a memory figure (VmRSS, VmHWM) of a process in kB.
func rssKB(t *testing.T, pid int, field string) int {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	t.Fatalf("%s not in /proc/%d/status", field, pid)
	return 0
}
