package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ak1/server/storage"
)

// TestStationRevokeCommands: station disable|enable|rotate|remove act on the named station; a
// disabled or replaced token is no longer a station's, rotate hands the new token over once, and
// remove refuses a station that holds a card.
func TestStationRevokeCommands(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string { return map[string]string{"AK1_DATA_DIR": dir}[k] }
	ctx := context.Background()
	station := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"ak1-server", "station"}, args...), env, &out, &out)
		return out.String(), err
	}
	tokenIn := regexp.MustCompile(`ak1st_[A-Za-z0-9_-]+`)
	out, err := station("add", "--name", "Loket Cetak 1")
	if err != nil {
		t.Fatal(err)
	}
	token := tokenIn.FindString(out)
	db, err := storage.Open(ctx, dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	valid := func(token string) bool {
		_, err := db.StationByToken(ctx, token)
		return err == nil
	}

	if _, err := station("disable", "--name", "Loket Cetak 1"); err != nil || valid(token) {
		t.Fatalf("disable: %v; token still valid: %v", err, valid(token))
	}
	if _, err := station("enable", "--name", "Loket Cetak 1"); err != nil || !valid(token) {
		t.Fatalf("enable: %v; token valid: %v", err, valid(token))
	}
	out, err = station("rotate", "--name", "Loket Cetak 1")
	newToken := tokenIn.FindString(out)
	if err != nil || newToken == "" || newToken == token || valid(token) || !valid(newToken) {
		t.Fatalf("rotate: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "station", "token")
	if out, err = station("rotate", "--name", "Loket Cetak 1", "--token-file", file); err != nil || tokenIn.MatchString(out) {
		t.Fatalf("rotate into a file printed the token or failed: %v\n%s", err, out)
	}
	b, err := os.ReadFile(file)
	if err != nil || valid(newToken) || !valid(strings.TrimSpace(string(b))) {
		t.Fatalf("token file: %v", err)
	}
	if _, err := station("disable", "--name", "Loket Tidak Ada"); err == nil || !strings.Contains(err.Error(), "no station named") {
		t.Fatalf("unknown station: %v", err)
	}

	// A card in the station's hands keeps the station until it is settled.
	var seed bytes.Buffer
	if err := run(ctx, []string{"ak1-server", "demo", "seed", "--count", "1", "--approve"}, env, &seed, &seed); err != nil {
		t.Fatalf("demo seed: %v\n%s", err, seed.String())
	}
	st, _ := db.StationByName(ctx, "Loket Cetak 1")
	if _, err := db.ClaimJob(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := station("remove", "--name", "Loket Cetak 1"); !errors.Is(err, storage.ErrStationBusy) || !strings.Contains(err.Error(), "settle those jobs") {
		t.Fatalf("remove of a station holding a card: %v", err)
	}
	if _, err := station("disable", "--name", "Loket Cetak 1"); err != nil { // gives the card back to the queue
		t.Fatal(err)
	}
	if out, err := station("remove", "--name", "Loket Cetak 1"); err != nil || !strings.Contains(out, "removed") {
		t.Fatalf("remove: %v\n%s", err, out)
	}
	if out, _ := station("list"); strings.Contains(out, "Loket Cetak 1") {
		t.Fatalf("station still listed after remove: %s", out)
	}
}
