package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// tryLogin posts the sign-in form with the client's cookies and CSRF token; safe to call from many
// goroutines at once (it reports instead of failing the test).
func tryLogin(c *client, username, password string) (status int, retryAfter, body string, err error) {
	form := url.Values{"username": {username}, "password": {password}, "meja": {"1"}, "_csrf": {c.csrf}}
	resp, err := c.http.Post(c.base+"/masuk", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(b), nil
}

// addOfficerFullCost creates an account with a production-cost password hash (about 50 ms per
// comparison, longer under load): parallel guesses are then still being compared while later ones
// arrive, as against the real server. It returns the password.
func addOfficerFullCost(t *testing.T, srv *testServer, username string) string {
	t.Helper()
	pw := "kata-sandi-" + username + "-2026"
	hash, err := domain.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.DB.CreateUser(context.Background(), domain.Officer{Username: username, FullName: "Pejabat " + username,
		Role: domain.RolePetugas}, hash); err != nil {
		t.Fatal(err)
	}
	return pw
}

// guessInParallel sends one sign-in per password at the same moment and counts the answers by status.
func guessInParallel(t *testing.T, c *client, username string, passwords []string) map[int]int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[int]int{}
	start := make(chan struct{})
	// Idle connections would hold the server's shutdown for its whole timeout.
	defer c.http.CloseIdleConnections()
	for _, pw := range passwords {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status, _, _, err := tryLogin(c, username, pw)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			counts[status]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return counts
}

// TestSignInParallelGuesses: 200 wrong passwords sent at once for one account are counted one by
// one before any is compared: only the free attempts and the one that starts the wait are
// compared (422); all others are refused (429). Today's in-memory throttle counted a guess only
// after comparing it, so guesses sent together were all compared (422).
func TestSignInParallelGuesses(t *testing.T) {
	srv := newTestServer(t, slowMachine)
	addOfficerFullCost(t, srv, "petugas")
	c := newClient(t, srv.URL)
	c.http.Timeout = 2 * time.Minute // production-cost comparisons under -race on a busy machine take seconds each
	c.get("/masuk")
	wrong := make([]string, 200)
	for i := range wrong {
		wrong[i] = fmt.Sprintf("tebakan-ke-%03d", i)
	}
	counts := guessInParallel(t, c, "petugas", wrong)
	compared := domain.AccountSignInLimit.Free + 1
	if counts[http.StatusUnprocessableEntity] != compared || counts[http.StatusTooManyRequests] != 200-compared {
		t.Fatalf("answers to 200 parallel guesses = %v, want %d × 422 and the rest 429", counts, compared)
	}
	n, err := srv.DB.AccountSignInCounts(context.Background())
	if err != nil || n["petugas"].Tries != compared {
		t.Fatalf("counted attempts = %+v, %v; want %d (refused attempts are not counted)", n, err, compared)
	}
}

// TestSignInParallelRightPasswordLast: guesses sent together, the right password among the last,
// do not sign in: once the guesses before it are counted, the right password waits like any other.
// Today's throttle counted a failure only after the comparison, so it let the right one in.
func TestSignInParallelRightPasswordLast(t *testing.T) {
	srv := newTestServer(t, slowMachine)
	ctx := context.Background()
	pw := addOfficerFullCost(t, srv, "petugas")
	c := newClient(t, srv.URL)
	c.http.Timeout = 2 * time.Minute // production-cost comparisons under -race on a busy machine take seconds each
	c.get("/masuk")
	results := make(chan int, 30)
	var wg sync.WaitGroup
	for i := 0; i < 29; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _, _, err := tryLogin(c, "petugas", fmt.Sprintf("tebakan-%02d", i))
			if err != nil {
				t.Error(err)
			}
			results <- status
		}()
	}
	// The right password goes out while the guesses are in flight, as soon as enough of them are counted.
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := srv.DB.AccountSignInCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n["petugas"].Tries > domain.AccountSignInLimit.Free {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("guesses not counted: %+v", n)
		}
		time.Sleep(time.Millisecond)
	}
	status, retry, body, err := tryLogin(c, "petugas", pw)
	if err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(results)
	c.http.CloseIdleConnections()
	if status != http.StatusTooManyRequests || retry != "1" || !strings.Contains(body, "Tunggu 1 detik") {
		t.Fatalf("right password after %d parallel guesses: %d (Retry-After %q), want 429 saying how long to wait",
			domain.AccountSignInLimit.Free+1, status, retry)
	}
	for s := range results {
		if s == http.StatusSeeOther {
			t.Fatal("a guess signed in")
		}
	}
	if code, loc, _ := c.status(http.MethodGet, "/petugas", nil); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/masuk") {
		t.Fatalf("officer page after the burst: %d %s, want the sign-in page", code, loc)
	}
}

// TestSignInWaitsGrow: past the free attempts each attempt waits longer (1 s, 2 s, ...), the
// refusal says how long, a success clears the account's count, and many failures from one address
// over several accounts make that address wait too.
func TestSignInWaitsGrow(t *testing.T) {
	srv := newTestServer(t, slowMachine)
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	c := newClient(t, srv.URL)
	c.http.Timeout = 2 * time.Minute // production-cost comparisons under -race on a busy machine take seconds each
	c.get("/masuk")
	try := func(password string, want int) string {
		t.Helper()
		status, retry, body, err := tryLogin(c, "petugas", password)
		if err != nil || status != want {
			t.Fatalf("sign-in with %q: %d, %v; want %d\n%s", password, status, err, want, body)
		}
		if want == http.StatusUnprocessableEntity && !strings.Contains(body, "kata sandi salah") {
			t.Fatal("422 without the wrong-password message")
		}
		if want == http.StatusTooManyRequests && !strings.Contains(body, `value="petugas"`) {
			t.Fatal("the 429 page lost the username")
		}
		return retry
	}
	free := domain.AccountSignInLimit.Free
	for i := 0; i <= free; i++ {
		try("salah-salah-salah", http.StatusUnprocessableEntity)
	}
	if retry := try(pw, http.StatusTooManyRequests); retry != "1" {
		t.Fatalf("first wait: Retry-After %q, want 1", retry)
	}
	srv.Clock.advance(time.Second)
	try("salah-lagi-salah", http.StatusUnprocessableEntity)
	if retry := try(pw, http.StatusTooManyRequests); retry != "2" {
		t.Fatalf("second wait: Retry-After %q, want 2", retry)
	}
	srv.Clock.advance(time.Second)
	try(pw, http.StatusTooManyRequests)
	srv.Clock.advance(time.Second)
	try(pw, http.StatusSeeOther)

	// The success cleared the count: the free attempts are there again.
	c = newClient(t, srv.URL)
	c.get("/masuk")
	for i := 0; i <= free; i++ {
		try("salah-salah-salah", http.StatusUnprocessableEntity)
	}
	try(pw, http.StatusTooManyRequests)
	srv.Clock.advance(domain.AccountSignInLimit.Forget)

	// Per address: one address guessing over many accounts waits too, for any account.
	addrFree := domain.AddressSignInLimit.Free
	c2 := newClient(t, srv.URL)
	c2.get("/masuk")
	for i := 0; i <= addrFree; i++ {
		name := "petugas" + strconv.Itoa(i/free)
		if i%free == 0 {
			addOfficer(t, srv, name, domain.RolePetugas)
		}
		if status, _, _, _ := tryLogin(c2, name, "apa-saja-1234"); status != http.StatusUnprocessableEntity {
			t.Fatalf("guess %d from the address: %d", i, status)
		}
	}
	if status, _, body, _ := tryLogin(c2, "petugas", pw); status != http.StatusTooManyRequests || !strings.Contains(body, "Terlalu banyak percobaan") {
		t.Fatalf("address after %d failures: %d, want 429", addrFree+1, status)
	}
}

// TestSignInLimitSurvivesRestart: the count is in the database, so a restart (a new app on the
// same data folder) does not give a guesser a fresh start. Today's count lived in memory.
func TestSignInLimitSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	clock := &testClock{t: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)}
	first := newTestServerIn(t, dir, clock, Options{})
	_, pw := addOfficer(t, first, "petugas", domain.RolePetugas)
	c := newClient(t, first.URL)
	c.get("/masuk")
	for i := 0; i <= domain.AccountSignInLimit.Free; i++ {
		tryLogin(c, "petugas", "salah-salah-salah")
	}
	if err := first.App.ShutdownWithTimeout(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := first.DB.Close(); err != nil {
		t.Fatal(err)
	}

	second := newTestServerIn(t, dir, clock, Options{})
	c = newClient(t, second.URL)
	c.get("/masuk")
	if status, _, _, err := tryLogin(c, "petugas", pw); status != http.StatusTooManyRequests {
		t.Fatalf("right password right after the restart: %d, %v; want 429", status, err)
	}
	clock.advance(time.Second)
	if status, _, _, err := tryLogin(c, "petugas", pw); status != http.StatusSeeOther {
		t.Fatalf("right password after the wait: %d, %v", status, err)
	}
}

// TestSignInUnlockByAdmin: an admin clears an officer's count from the users page (CSRF-protected,
// audited) and the officer signs in at once.
func TestSignInUnlockByAdmin(t *testing.T) {
	srv := newTestServer(t, slowMachine)
	ctx := context.Background()
	petugasID, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	_, adminPW := addOfficer(t, srv, "admin", domain.RoleAdmin)
	admin := signIn(t, srv, "admin", adminPW)

	c := newClient(t, srv.URL)
	c.http.Timeout = 2 * time.Minute // production-cost comparisons under -race on a busy machine take seconds each
	c.get("/masuk")
	for i := 0; i <= domain.AccountSignInLimit.Free; i++ {
		tryLogin(c, "petugas", "salah-salah-salah")
	}
	if status, _, _, _ := tryLogin(c, "petugas", pw); status != http.StatusTooManyRequests {
		t.Fatalf("before the unlock: %d, want 429", status)
	}
	status, page := admin.get("/petugas/pengguna")
	if status != http.StatusOK || !strings.Contains(page, `data-unlock="petugas"`) || !strings.Contains(page, "Harus menunggu") {
		t.Fatalf("users page does not show the held-back account: %d\n%s", status, page)
	}
	unlock := "/petugas/pengguna/" + strconv.FormatInt(petugasID, 10) + "/buka-kunci"
	if code, _, _ := admin.status(http.MethodPost, unlock, url.Values{}); code != http.StatusForbidden {
		t.Fatalf("unlock without CSRF token: %d, want 403", code)
	}
	if code, loc, body := admin.post(unlock, url.Values{}); code != http.StatusSeeOther || loc != "/petugas/pengguna" {
		t.Fatalf("unlock: %d %s\n%s", code, loc, body)
	}
	if n, err := srv.DB.IntForAudit(ctx, "user-unlock"); err != nil || n != 1 {
		t.Fatalf("audit rows for the unlock = %d, %v", n, err)
	}
	if _, page := admin.get("/petugas/pengguna"); strings.Contains(page, `data-unlock="petugas"`) {
		t.Fatal("the account still shows attempts after the unlock")
	}
	if status, _, _, _ := tryLogin(c, "petugas", pw); status != http.StatusSeeOther {
		t.Fatalf("after the unlock: %d, want to sign in", status)
	}
	if code, _, _ := admin.post("/petugas/pengguna/99999/buka-kunci", url.Values{}); code != http.StatusNotFound {
		t.Fatalf("unlock of an unknown user: %d, want 404", code)
	}
}

// slowMachine lets requests wait for their production-cost password comparison: under -race on
// a busy 2-core machine a queue of them takes longer than the default 10 s request deadline,
// which answered 503 instead of the 422 or 429 these tests count.
var slowMachine = Options{RequestTimeout: 2 * time.Minute}

// TestSignInAddressWaitClearedByAdmin: wrong passwords from one address (an office's tablets share
// one) hold every account back there; the admin sees the address on the users page and clears its
// wait (CSRF-protected, audited), and officers there sign in at once. Before, only an account's count
// could be cleared, and the office waited.
func TestSignInAddressWaitClearedByAdmin(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := context.Background()
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	_, adminPW := addOfficer(t, srv, "admin", domain.RoleAdmin)
	admin := signIn(t, srv, "admin", adminPW)

	c := newClient(t, srv.URL)
	c.http.Timeout = 2 * time.Minute // comparisons under -race on a busy machine take a while
	c.get("/masuk")
	// A different made-up account each time: only the address's count passes its free attempts.
	for i := 0; i <= domain.AddressSignInLimit.Free; i++ {
		if status, _, _, err := tryLogin(c, fmt.Sprintf("tamu%d", i), "salah-salah-salah"); err != nil || status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong password %d: %d %v", i+1, status, err)
		}
	}
	if status, _, _, _ := tryLogin(c, "petugas", pw); status != http.StatusTooManyRequests {
		t.Fatalf("the right password from the held-back address: %d, want 429", status)
	}
	status, page := admin.get("/petugas/pengguna")
	if status != http.StatusOK || !strings.Contains(page, `data-clear-address="127.0.0.1"`) || !strings.Contains(page, "Harus menunggu") {
		t.Fatalf("users page does not show the held-back address: %d\n%s", status, page)
	}
	clear := "/petugas/pengguna/alamat/hapus-penundaan"
	if code, _, _ := admin.status(http.MethodPost, clear, url.Values{"alamat": {"127.0.0.1"}}); code != http.StatusForbidden {
		t.Fatalf("clearing without CSRF token: %d, want 403", code)
	}
	for _, bad := range []string{"", "127.0.0.1' OR 1=1 --", "bukan-alamat", strings.Repeat("1", 200)} {
		if code, _, body := admin.post(clear, url.Values{"alamat": {bad}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Alamat tidak dikenal") {
			t.Fatalf("clearing %.30q: %d, want 422 with a message", bad, code)
		}
	}
	if n, err := srv.DB.IntForAudit(ctx, "address-unlock"); err != nil || n != 0 {
		t.Fatalf("audit rows after refused clearings = %d, %v", n, err)
	}
	if code, loc, body := admin.post(clear, url.Values{"alamat": {"127.0.0.1"}}); code != http.StatusSeeOther || loc != "/petugas/pengguna" {
		t.Fatalf("clear the wait: %d %s\n%s", code, loc, body)
	}
	if n, err := srv.DB.IntForAudit(ctx, "address-unlock"); err != nil || n != 1 {
		t.Fatalf("audit rows for the clearing = %d, %v", n, err)
	}
	if _, page := admin.get("/petugas/pengguna"); strings.Contains(page, `data-clear-address=`) || !strings.Contains(page, "data-no-addresses") {
		t.Fatal("the address is still listed after its wait was cleared")
	}
	if status, _, _, _ := tryLogin(c, "petugas", pw); status != http.StatusSeeOther {
		t.Fatalf("after clearing the address: %d, want to sign in", status)
	}
}

// TestKioskCardLookupWaitClearedByAdmin: the lobby kiosk is one address for every card holder, so
// many mistyped birth dates hold the kiosk's card lookups back for everyone; the admin sees the
// kiosk's address in its own table on the users page and clears its wait (CSRF, audited), without
// touching the sign-in counts.
func TestKioskCardLookupWaitClearedByAdmin(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := context.Background()
	_, adminPW := addOfficer(t, srv, "admin", domain.RoleAdmin)
	admin := signIn(t, srv, "admin", adminPW)
	// Wrong lookups counted in the database the way the kiosk counts them (the route's own limit
	// of 20 a minute would stop a quick test before the address's free attempts are spent).
	for i := 0; i <= domain.HolderAddressLimit.Free; i++ {
		if _, _, err := srv.DB.FindCardHolder(ctx, "5171000000000001", 0, 0, "2001-08-07", "127.0.0.1"); err == nil {
			t.Fatal("a made-up number found a card")
		}
	}
	lookup := func() int {
		code, _, _ := findCard(t, newClient(t, srv.URL), "lapor", born7Aug2001(url.Values{"nomor": {"5171 000000 000001"}}))
		return code
	}
	if code := lookup(); code != http.StatusTooManyRequests {
		t.Fatalf("kiosk lookup from the held-back address: %d, want 429", code)
	}
	_, page := admin.get("/petugas/pengguna")
	kiosk := page[strings.Index(page, "Anjungan: pencarian kartu"):]
	if !strings.Contains(kiosk, `data-addresses="anjungan"`) || !strings.Contains(kiosk, `data-clear-address="127.0.0.1"`) ||
		!strings.Contains(page, `data-no-addresses="masuk"`) {
		t.Fatalf("users page does not list the kiosk's address in its own table:\n%s", page)
	}
	clear := url.Values{"alamat": {"127.0.0.1"}, "penghitung": {string(storage.KioskCardByAddress)}}
	if code, loc, body := admin.post("/petugas/pengguna/alamat/hapus-penundaan", clear); code != http.StatusSeeOther || loc != "/petugas/pengguna" {
		t.Fatalf("clear the kiosk's wait: %d %s\n%s", code, loc, body)
	}
	if n, err := srv.DB.IntForAudit(ctx, "kiosk-address-unlock"); err != nil || n != 1 {
		t.Fatalf("audit rows for the clearing = %d, %v", n, err)
	}
	if code := lookup(); code != http.StatusUnprocessableEntity {
		t.Fatalf("kiosk lookup after the wait was cleared: %d, want 422 (not found)", code)
	}
}
