package web

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Fiber builds its list of view prefixes on the first Render without a lock, so two first
// requests that render at the same moment raced (found by the race detector in
// TestKioskStatusCheckLimitPerApplication). Run with -race: the very first requests a new
// server receives are parallel renders.
func TestFirstRendersInParallel(t *testing.T) {
	for round := 0; round < 5; round++ {
		srv := newTestServer(t, Options{})
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := http.Get(srv.URL + "/cek")
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("GET /cek: %d", resp.StatusCode)
				}
			}()
		}
		wg.Wait()
	}
}

// The template engine sets the layout's "embed" function in a map all its templates share;
// a page without layout rendered while a page with layout runs must not take the layout's
// content away.
func TestFragmentsAndPagesRenderTogether(t *testing.T) {
	srv := newTestServer(t, Options{})
	var wg sync.WaitGroup
	get := func(path, want string) {
		defer wg.Done()
		for i := 0; i < 1500; i++ {
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Error(err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
				t.Errorf("GET %s: %d, %.200s", path, resp.StatusCode, body)
				return
			}
		}
	}
	for i := 0; i < 3; i++ {
		wg.Add(2)
		go get("/cek", "Lihat status permohonan")
		go get("/daftar/kelurahan?kecamatan=510301", "<option")
	}
	wg.Wait()
}
