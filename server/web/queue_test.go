package web

import (
	"net/http"
	"strings"
	"testing"

	"ak1/server/domain"
)

// TestQueuePagesSayWhatIsHidden (issue 7, finding 10): the officer's queue used to stop at 200 rows
// without a word. It now shows a page of 50, says how many rows are not shown and links to the
// other pages; a live refresh keeps the page on screen; a search with more matches than can be paged
// through says so.
func TestQueuePagesSayWhatIsHidden(t *testing.T) {
	srv := newTestServer(t, Options{})
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	for i := 1; i <= 120; i++ {
		submitForm(t, srv, i)
	}
	c := signIn(t, srv, "petugas", pw)

	code, body := c.get("/petugas")
	if code != http.StatusOK {
		t.Fatalf("queue page: %d", code)
	}
	for _, want := range []string{"Menampilkan 1–50 dari 120 permohonan.", "70 lainnya tidak ditampilkan.", "Halaman 1 dari 3",
		`href="/petugas?halaman=2&amp;hari=2026-11-27&amp;keadaan=menunggu"`, `id="halaman" name="halaman" value="1"`, `hx-include="#filter, #halaman"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page 1 lacks %q", want)
		}
	}
	if n := strings.Count(body, `data-app="`); n != 50 {
		t.Errorf("page 1 shows %d rows, want 50", n)
	}
	if strings.Contains(body, "data-pager-prev") {
		t.Error("page 1 links to a previous page")
	}

	// The live refresh of page 3 (what hx-include sends) is page 3: the last 20, oldest first.
	code, body = c.get("/petugas/antrean?keadaan=menunggu&hari=2026-11-27&halaman=3")
	if code != http.StatusOK {
		t.Fatalf("fragment page 3: %d", code)
	}
	for _, want := range []string{"Menampilkan 101–120 dari 120 permohonan.", "100 lainnya tidak ditampilkan.", "Halaman 3 dari 3",
		"halaman=2", `value="3"`, "A-101", "A-120"} {
		if !strings.Contains(body, want) {
			t.Errorf("page 3 lacks %q", want)
		}
	}
	if n := strings.Count(body, `data-app="`); n != 20 || strings.Contains(body, "data-pager-next") || strings.Contains(body, ">A-100<") {
		t.Errorf("page 3 shows %d rows (want 20, no next page, not A-100)", n)
	}

	// A page past the end (the queue shrank since the link was made) shows the last page.
	if _, body = c.get("/petugas/antrean?halaman=9"); !strings.Contains(body, "Halaman 3 dari 3") {
		t.Errorf("page 9 of 3 does not show the last page")
	}
	// A garbled page number is page 1.
	if _, body = c.get("/petugas/antrean?halaman=-4x"); !strings.Contains(body, "Menampilkan 1–50") {
		t.Errorf("a garbled page number does not show page 1")
	}

	// One page holds everything: no pager links, nothing hidden.
	if _, body = c.get("/petugas/antrean?q=A-007"); !strings.Contains(body, "Menampilkan 1–1 dari 1 permohonan.") ||
		strings.Contains(body, "lainnya tidak ditampilkan") || strings.Contains(body, "Halaman 1 dari") {
		t.Errorf("a one-row search:\n%s", body)
	}

	// A search with more matches than can be ranked says so and asks for a sharper search.
	for i := 121; i <= 520; i++ {
		submitForm(t, srv, i)
	}
	_, body = c.get("/petugas/antrean?keadaan=semua&q=wayan")
	for _, want := range []string{"Menampilkan 1–50 dari lebih dari 500 permohonan yang cocok.", "Perjelas pencarian", "Halaman 1 dari 10"} {
		if !strings.Contains(body, want) {
			t.Errorf("a search matching 520 lacks %q", want)
		}
	}
	// The day's list has no such limit: all 520 are paged.
	if _, body = c.get("/petugas"); !strings.Contains(body, "dari 520 permohonan") || !strings.Contains(body, "470 lainnya tidak ditampilkan.") {
		t.Errorf("the day's queue of 520 does not say how many are not shown")
	}
}
