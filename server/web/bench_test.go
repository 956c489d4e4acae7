package web

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The kiosk step benchmarks measure the step handler (POST /daftar/identitas: parse, check the NIK
// against the birth date, save the draft in SQLite, redirect) with 200 concurrent kiosk clients, each
// with its own session, over real HTTP on loopback. They report throughput and latency percentiles.
//
//	go test -run='^$' -bench=KioskStep -benchtime=20000x ./server/web
//
// Saturated: every client sends its next request as soon as the last one is answered, so latency is
// mostly queueing (Little's law: 200 clients / throughput). With200Kiosks: every client pauses 100 ms
// between steps — still 100 times faster than a person — which is the latency a kiosk user feels
// while 200 kiosks are busy at once.
func BenchmarkKioskStepSaturated(b *testing.B) { benchmarkKioskStep(b, 0) }

// BenchmarkKioskStepWith200Kiosks: see BenchmarkKioskStepSaturated.
func BenchmarkKioskStepWith200Kiosks(b *testing.B) { benchmarkKioskStep(b, 100*time.Millisecond) }

func benchmarkKioskStep(b *testing.B, think time.Duration) {
	const clients = 200
	srv := newTestServer(b, Options{})
	transport := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer transport.CloseIdleConnections()

	type kiosk struct {
		http *http.Client
		csrf string
	}
	kiosks := make([]kiosk, clients)
	for i := range kiosks {
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, Transport: transport, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/daftar/identitas", nil)
		req.Header.Set("HX-Request", "true") // as the kiosk's htmx does; a whole-page load ends the draft
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfInput.FindSubmatch(body)
		if m == nil {
			b.Fatal("no csrf token on the identity page")
		}
		kiosks[i] = kiosk{http: hc, csrf: string(m[1])}
	}
	form := url.Values{"nik": {"5171034708010001"}, "full_name": {"Ni Made Ayu Lestari"}, "birth_place": {"Denpasar"},
		"birth_day": {"7"}, "birth_month": {"8"}, "birth_year": {"2001"}, "sex": {"P"}, "aksi": {"lanjut"}}

	latencies := make([]time.Duration, b.N)
	var next atomic.Int64
	var failures atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for _, k := range kiosks {
		wg.Add(1)
		go func(k kiosk) {
			defer wg.Done()
			values := url.Values{}
			for key, v := range form {
				values[key] = v
			}
			values.Set("_csrf", k.csrf)
			body := values.Encode()
			for {
				if think > 0 {
					// Spread the pauses (50–150% of think) so the kiosks do not march in step.
					time.Sleep(think/2 + time.Duration(rand.Int64N(int64(think))))
				}
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				resp, err := k.http.Post(srv.URL+"/daftar/identitas", "application/x-www-form-urlencoded", strings.NewReader(body))
				if err != nil {
					failures.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				latencies[i] = time.Since(t0)
				if resp.StatusCode != http.StatusSeeOther {
					failures.Add(1)
				}
			}
		}(k)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed", n, b.N)
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) time.Duration { return latencies[int(p*float64(len(latencies)-1))] }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(pct(1).Microseconds())/1000, "max-ms")
	if testing.Verbose() {
		fmt.Printf("clients=%d requests=%d elapsed=%s\n", clients, b.N, elapsed)
	}
}
