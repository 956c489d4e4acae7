package web

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ak1/server/domain"
)

// TestSignInNextStaysLocal: the address to go to after signing in ("lanjut") reaches the redirect
// only when it is a page of the officer area; CR/LF (raw or percent-encoded), other hosts and
// backslashes never reach a header or the sign-in form.
func TestSignInNextStaysLocal(t *testing.T) {
	srv := newTestServer(t, Options{})
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	app := submitForm(t, srv, 1)
	appPage := fmt.Sprintf("/petugas/permohonan/%d", app.ID)
	cases := []struct{ next, want string }{
		{"/petugas\r\nSet-Cookie: ak1_sesi=penyerang", "/petugas"},
		{"/petugas%0d%0aSet-Cookie:%20ak1_sesi=penyerang", "/petugas"},
		{"/petugas/%0D%0ASet-Cookie:x=y", "/petugas"},
		{"/petugas?x=1\r\nSet-Cookie: a=b", "/petugas"},
		{"//evil.example/petugas", "/petugas"},
		{"/\\evil.example", "/petugas"},
		{"/petugas\\..\\..\\evil", "/petugas"},
		{"https://evil.example/petugas", "/petugas"},
		{"javascript:alert(1)", "/petugas"},
		{"/petugasx", "/petugas"},
		{"/petugas/../masuk", "/petugas"},
		{"/petugas/permohonan/1/setujui", "/petugas"}, // an action, not a page
		{appPage, appPage},
		{"/petugas?q=Wayan+Sudarma&keadaan=semua", "/petugas?keadaan=semua&q=Wayan+Sudarma"},
		{"/petugas?q=%0d%0aSet-Cookie", "/petugas?q=%0D%0ASet-Cookie"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%q", tc.next), func(t *testing.T) {
			c := newClient(t, srv.URL)
			c.get("/masuk")
			code, loc, body := c.post("/masuk", url.Values{"username": {"petugas"}, "password": {pw}, "meja": {"2"}, "lanjut": {tc.next}})
			if code != http.StatusSeeOther || loc != tc.want {
				t.Fatalf("sign-in with lanjut %q: %d to %q, want %q\n%.300s", tc.next, code, loc, tc.want, body)
			}
		})
	}
}

// TestSignInPageDropsForeignNext: GET /masuk?lanjut=… copies the address into the form only when it
// is safe, and the raw response carries no injected header.
func TestSignInPageDropsForeignNext(t *testing.T) {
	srv := newTestServer(t, Options{})
	for _, next := range []string{"%2Fpetugas%0D%0ASet-Cookie%3A%20x%3Dy", "%2F%2Fevil.example", "https%3A%2F%2Fevil.example"} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET /masuk?lanjut=%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", next)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		var body strings.Builder
		bufio.NewReader(resp.Body).WriteTo(&body)
		resp.Body.Close()
		conn.Close()
		if strings.Contains(body.String(), "evil.example") || strings.Contains(body.String(), "Set-Cookie") {
			t.Errorf("sign-in page with lanjut=%s keeps it in the form", next)
		}
		for _, c := range resp.Cookies() {
			if c.Name == "x" {
				t.Errorf("lanjut=%s set a cookie", next)
			}
		}
	}
}
