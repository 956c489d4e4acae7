package web

import (
	"bufio"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
)

// events opens a Server-Sent Events stream and returns a channel that receives one value per
// "berubah" event.
func events(t *testing.T, srv *testServer, path string) <-chan struct{} {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	out := make(chan struct{}, 100)
	opened := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			switch sc.Text() {
			case "retry: 2000":
				close(opened)
			case "event: berubah":
				out <- struct{}{}
			}
		}
	}()
	select {
	case <-opened:
	case <-time.After(5 * time.Second):
		t.Fatal("the event stream did not open")
	}
	return out
}

// countFor counts the events that arrive within d.
func countFor(ch <-chan struct{}, d time.Duration) int {
	n := 0
	end := time.After(d)
	for {
		select {
		case <-ch:
			n++
		case <-end:
			return n
		}
	}
}

// TestLiveRefreshOncePerBurst: every open queue and lobby screen fetches its fragment again on each
// event, so a change makes one event, not one from the handler and another from the poller, and a
// burst of changes (an officer calling, checking, photographing and approving) makes one or two,
// not one per change.
func TestLiveRefreshOncePerBurst(t *testing.T) {
	srv := newTestServer(t, Options{})
	lobby := events(t, srv, "/layar/peristiwa")

	kiosk := newClient(t, srv.URL)
	if code, _, _ := kioskSubmit(t, kiosk, deskForm(1)); code != http.StatusSeeOther {
		t.Fatalf("kiosk submit: %d", code)
	}
	if n := countFor(lobby, 1500*time.Millisecond); n != 1 {
		t.Errorf("one submission made %d refreshes, want 1", n)
	}

	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pengantar, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	desk := signIn(t, srv, "petugas", pw)
	app := submitForm(t, srv, 2)
	countFor(lobby, 800*time.Millisecond) // the poller announces the submission made behind its back
	page := appURL(app.ID)
	desk.get(page)
	start := time.Now()
	steps := []func() int{
		func() int { code, _, _ := desk.post(page+"/panggil", url.Values{}); return code },
		func() int { code, _, _ := desk.post(page+"/dokumen", url.Values{"aksi": {"semua"}}); return code },
		func() int {
			code, _ := desk.postFile(page+"/foto", "foto", "foto.jpg", testJPEG(t, 354, 472))
			return code
		},
		func() int {
			code, _, _ := desk.post(page+"/setujui", url.Values{"pengantar": {strconv.FormatInt(pengantar, 10)}})
			return code
		},
	}
	for i, step := range steps {
		if code := step(); code >= 400 {
			t.Fatalf("desk step %d: %d", i, code)
		}
	}
	took := time.Since(start)
	n := countFor(lobby, 1500*time.Millisecond)
	if limit := 1 + int(took/coalesceWindow); n < 1 || n > limit {
		t.Errorf("four changes in %v made %d refreshes, want 1 to %d", took, n, limit)
	}
}

// TestRequestDeadline: the queries of a request run under its deadline; one that runs out answers
// 503 with a message, not a hung request or an error page about nothing.
func TestRequestDeadline(t *testing.T) {
	srv := newTestServer(t, Options{RequestTimeout: time.Nanosecond})
	c := newClient(t, srv.URL)
	c.get("/cek")
	code, _, body := c.post("/cek", url.Values{"nomor": {"K7P-4QX"}, "birth_day": {"7"}, "birth_month": {"8"}, "birth_year": {"2001"}})
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "Server sedang sibuk") {
		t.Fatalf("a request past its deadline: %d\n%.600s", code, body)
	}
}
