package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer collects a server's log while it runs in a goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serveInProcess runs `ak1-server` (serve) with env until the test ends and waits until it
// answers /healthz through client at base.
func serveInProcess(t *testing.T, env map[string]string, client *http.Client, base string) *lockedBuffer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"ak1-server"}, func(k string) string { return env[k] }, logs, logs) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("server did not stop")
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return logs
			}
		}
		select {
		case err := <-done:
			t.Fatalf("server stopped: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not answer: %v\n%s", err, logs.String())
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// TestServeHTTPSWithTLSInit: a certificate from `tls init` serves HTTPS that a client trusting only
// the office CA accepts; cookies are Secure and HSTS is sent; the plain-HTTP address only redirects.
func TestServeHTTPSWithTLSInit(t *testing.T) {
	dir := t.TempDir()
	tlsDir := filepath.Join(dir, "tls")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"ak1-server", "tls", "init", "--host", "127.0.0.1", "--host", "ak1.lan", "--out", tlsDir},
		func(string) string { return "" }, &out, &out); err != nil {
		t.Fatalf("tls init: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "AK1_CA=") || !strings.Contains(out.String(), "New certificate authority") {
		t.Errorf("tls init output lacks the instructions:\n%s", out.String())
	}
	addr, redirectAddr := freeAddr(t), freeAddr(t)
	base := "https://" + addr
	env := map[string]string{"AK1_ADDR": addr, "AK1_DATA_DIR": filepath.Join(dir, "data"), "AK1_PUBLIC_URL": base,
		"AK1_TLS_CERT": filepath.Join(tlsDir, "server.pem"), "AK1_TLS_KEY": filepath.Join(tlsDir, "server-key.pem"),
		"AK1_HTTP_REDIRECT_ADDR": redirectAddr}

	caPEM, err := os.ReadFile(filepath.Join(tlsDir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: noRedirects,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	serveInProcess(t, env, client, base)

	resp, err := client.Get(base + "/masuk")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.TLS == nil {
		t.Fatal("answered without TLS")
	}
	if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("Strict-Transport-Security = %q", hsts)
	}
	if len(resp.Cookies()) == 0 {
		t.Fatal("no cookie set on the sign-in page")
	}
	for _, c := range resp.Cookies() {
		if !c.Secure {
			t.Errorf("cookie %s is not Secure over HTTPS", c.Name)
		}
	}

	// A client that does not trust the office CA refuses the server.
	if _, err := (&http.Client{Timeout: 5 * time.Second}).Get(base + "/healthz"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a client without the office CA: %v, want a certificate error", err)
	}
	// Plain HTTP on the HTTPS port gets no page.
	if resp, err := http.Get("http://" + addr + "/masuk"); err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), "Masuk petugas") {
			t.Error("the HTTPS port served a page over plain HTTP")
		}
	}
	// The plain-HTTP address redirects every path to the public https address and serves nothing.
	plain := &http.Client{Timeout: 5 * time.Second, CheckRedirect: noRedirects}
	for _, tc := range []struct{ method, path string }{{"GET", "/masuk?lanjut=/petugas"}, {"POST", "/masuk"}, {"GET", "//evil.example/x"}} {
		req, _ := http.NewRequest(tc.method, "http://"+redirectAddr+tc.path, strings.NewReader("username=a&password=b"))
		req.Host = "evil.example"
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusMovedPermanently && resp.StatusCode != http.StatusPermanentRedirect || !strings.HasPrefix(loc, base+"/") {
			t.Errorf("%s %s on plain HTTP: %d Location %q, want a redirect into %s", tc.method, tc.path, resp.StatusCode, loc, base)
		}
		if strings.Contains(string(body), "Masuk petugas") || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s %s on plain HTTP served content or cookies", tc.method, tc.path)
		}
	}
}

// TestSecureCookiesBehindHTTPSProxy: with an https:// public address (TLS ended by a proxy in
// front) the server marks its cookies Secure and sends HSTS although it listens on plain HTTP.
func TestSecureCookiesBehindHTTPSProxy(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{"AK1_ADDR": addr, "AK1_DATA_DIR": t.TempDir(), "AK1_PUBLIC_URL": "https://ak1.denpasarkota.go.id"}
	client := &http.Client{Timeout: 5 * time.Second}
	serveInProcess(t, env, client, "http://"+addr)
	resp, err := client.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(resp.Cookies()) == 0 {
		t.Fatal("no cookie on the kiosk page")
	}
	for _, c := range resp.Cookies() {
		if !c.Secure {
			t.Errorf("cookie %s not Secure with AK1_PUBLIC_URL=https://…", c.Name)
		}
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS with an https public address")
	}
}

// TestOneServerPerDataFolder: a second server on the same data folder refuses to start.
func TestOneServerPerDataFolder(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	serveInProcess(t, map[string]string{"AK1_ADDR": addr, "AK1_DATA_DIR": dir}, &http.Client{Timeout: 5 * time.Second}, "http://"+addr)
	var out bytes.Buffer
	err := run(context.Background(), []string{"ak1-server", "-addr", freeAddr(t)}, func(k string) string {
		return map[string]string{"AK1_DATA_DIR": dir}[k]
	}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "running on the data folder") {
		t.Fatalf("second server: %v", err)
	}
}
