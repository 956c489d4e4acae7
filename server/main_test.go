package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeHealthAndGracefulShutdown starts the real server (in demo mode, as make run does), waits
// for /healthz, then cancels its context as SIGTERM does and checks that it stops cleanly with its
// database in place.
func TestServeHealthAndGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	env := map[string]string{"AK1_ADDR": addr, "AK1_DATA_DIR": dir, "AK1_DEMO": "true"}
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"ak1-server"}, func(k string) string { return env[k] }, &out, &out) }()

	var health map[string]any
	// Creating the demo accounts hashes five passwords at production cost first: seconds under -race.
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&health)
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not answer: %v\n%s", err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if health["status"] != "ok" {
		t.Fatalf("healthz = %v", health)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop")
	}
	for _, f := range []string{"ak1.db", "csrf.key", "card-signing.key"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s missing after first start: %v", f, err)
		}
	}
	if !strings.Contains(out.String(), "stopped") {
		t.Errorf("log lacks the clean stop:\n%s", out.String())
	}
	// The demo accounts come as one block, also kept in the data folder for make run's banner.
	block, err := os.ReadFile(filepath.Join(dir, "akun-demo.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(block), "\nakun demo "); n != 5 || !strings.Contains(out.String(), string(block)) {
		t.Errorf("demo accounts block (%d accounts) not printed whole:\n%s", n, out.String())
	}
	if fi, err := os.Stat(filepath.Join(dir, "akun-demo.txt")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("akun-demo.txt mode %v, %v; want 0600", fi.Mode(), err)
	}
	// Only AK1_ADDR was given: the QR codes' address follows it (it stayed at port 8080 before).
	if !strings.Contains(out.String(), "public_url=http://"+addr) || strings.Contains(out.String(), "level=WARN") {
		t.Errorf("log does not show public_url=http://%s without a warning:\n%s", addr, out.String())
	}
}

func TestInvalidConfigurationStopsStartup(t *testing.T) {
	env := map[string]string{"AK1_PUBLIC_URL": "not a url", "AK1_DATA_DIR": t.TempDir()}
	var out bytes.Buffer
	err := run(context.Background(), []string{"ak1-server"}, func(k string) string { return env[k] }, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "AK1_PUBLIC_URL") {
		t.Fatalf("err = %v", err)
	}
}

func TestStationAddPrintsTokenOnce(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string { return map[string]string{"AK1_DATA_DIR": dir}[k] }
	var out bytes.Buffer
	if err := run(context.Background(), []string{"ak1-server", "station", "add", "--name", "Loket Cetak 1"}, env, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "ak1st_") {
		t.Fatalf("token not printed: %s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"ak1-server", "station", "list"}, env, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Loket Cetak 1") || strings.Contains(out.String(), "ak1st_") {
		t.Fatalf("station list = %q", out.String())
	}
	err := run(context.Background(), []string{"ak1-server", "station", "add", "--name", "Loket Cetak 1"}, env, &out, &out)
	if err == nil {
		t.Fatal("duplicate station accepted")
	}
	out.Reset()
	if err := run(context.Background(), []string{"ak1-server", "station", "options", "--name", "Loket Cetak 1",
		"sides=two-sided-long-edge", "PageSize=Custom.242.65x153.01"}, env, &out, &out); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"ak1-server", "station", "options", "--name", "Loket Cetak 1"}, env, &out, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "PageSize=Custom.242.65x153.01\nsides=two-sided-long-edge\n" {
		t.Fatalf("station options = %q", out.String())
	}
	if err := run(context.Background(), []string{"ak1-server", "station", "options", "--name", "Loket Cetak 1", "bad option"}, env, &out, &out); err == nil {
		t.Fatal("a malformed option was accepted")
	}
}
