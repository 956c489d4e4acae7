package card

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const b64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func TestSignerRoundTrip(t *testing.T) {
	s := testSigner(t)
	tests := []struct {
		id     int64
		serial int
	}{
		{1, 1}, {123, 1}, {123, 2}, {99_999, 17}, {1 << 40, 300}, {math.MaxInt64, math.MaxInt32},
	}
	for _, tc := range tests {
		tok := s.Token(tc.id, tc.serial)
		id, serial, ok := s.Verify(tok)
		if !ok || id != tc.id || serial != tc.serial {
			t.Errorf("Verify(Token(%d, %d)) = %d, %d, %v", tc.id, tc.serial, id, serial, ok)
		}
		url := s.CheckURL("https://ak1.example.go.id/", tc.id, tc.serial)
		if want := "HTTPS://AK1.EXAMPLE.GO.ID/CEK/" + tok; url != want {
			t.Errorf("CheckURL = %q, want %q", url, want)
		}
	}
	// The production link must stay in a version-8 symbol (57 modules with the quiet zone) so the
	// card can give each module 4 printer dots.
	link := s.CheckURL("https://ak1.disnaker.denpasarkota.go.id", 9_999_999, 3)
	if m, err := qrMatrix(link); err != nil || len(m) > 57 {
		t.Errorf("check link %q needs a %d-module QR symbol (%v), want at most 57", link, len(m), err)
	}
}

func TestVerifyRejectsEveryChange(t *testing.T) {
	s := testSigner(t)
	tok := s.Token(123, 2)
	for i := range len(tok) {
		for _, c := range b64url {
			if byte(c) == tok[i] {
				continue
			}
			changed := tok[:i] + string(c) + tok[i+1:]
			if _, _, ok := s.Verify(changed); ok {
				t.Fatalf("changed character %d to %q: still verifies", i, c)
			}
		}
		if _, _, ok := s.Verify(tok[:i] + tok[i+1:]); ok {
			t.Fatalf("deleted character %d: still verifies", i)
		}
		if _, _, ok := s.Verify(tok[:i] + "A" + tok[i:]); ok {
			t.Fatalf("inserted a character at %d: still verifies", i)
		}
	}
	for _, bad := range []string{"", "A", tok + "=", tok + "A", tok[:len(tok)-1], strings.ToLower(tok), " " + tok,
		strings.Repeat("A", 94), strings.Repeat("_", 10_000)} {
		if _, _, ok := s.Verify(bad); ok {
			t.Errorf("Verify(%.40q…) = ok", bad)
		}
	}
}

func TestVerifyRejectsOtherKey(t *testing.T) {
	other, err := NewSigner(bytes.Repeat([]byte{8}, 32))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := testSigner(t).Verify(other.Token(123, 1)); ok {
		t.Fatal("a token from another key verifies")
	}
}

func TestVerifyRejectsNegativeValues(t *testing.T) {
	// CheckURL cannot fail, so nonsense input yields a token that never verifies.
	s := testSigner(t)
	for _, tc := range []struct {
		id     int64
		serial int
	}{{-1, 1}, {1, -1}, {1, math.MaxInt32 + 1}} {
		if _, _, ok := s.Verify(s.Token(tc.id, tc.serial)); ok {
			t.Errorf("Token(%d, %d) verifies", tc.id, tc.serial)
		}
	}
}

func TestLoadOrCreateSigner(t *testing.T) {
	dir := t.TempDir()
	s1, err := LoadOrCreateSigner(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, KeyFileName)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	s2, err := LoadOrCreateSigner(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !s1.PublicKey().Equal(s2.PublicKey()) {
		t.Fatal("reloaded key differs")
	}
	if id, serial, ok := s2.Verify(s1.Token(42, 3)); !ok || id != 42 || serial != 3 {
		t.Fatal("token from the first load does not verify after reload")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data folder holds %d files, want only the key", len(entries))
	}

	other, err := LoadOrCreateSigner(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if other.PublicKey().Equal(s1.PublicKey()) {
		t.Fatal("two data folders got the same key")
	}
}

func TestLoadSignerRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
	}{
		{"readable by others", strings.Repeat("ab", 32) + "\n", 0o644},
		{"not hex", "kunci rahasia\n", 0o600},
		{"short seed", "abcd\n", 0o600},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.mode&0o077 != 0 && runtime.GOOS == "windows" {
				t.Skip("no Unix permissions")
			}
			dir := t.TempDir()
			path := filepath.Join(dir, KeyFileName)
			if err := os.WriteFile(path, []byte(tc.content), tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadOrCreateSigner(dir); err == nil {
				t.Fatal("bad key file accepted")
			}
			got, _ := os.ReadFile(path)
			if string(got) != tc.content {
				t.Fatal("bad key file was overwritten; the administrator must decide")
			}
		})
	}
}

func TestTokenFromPath(t *testing.T) {
	tests := []struct {
		path, token string
		ok          bool
	}{
		{"/cek/AbC-_1", "AbC-_1", true},
		{"/cek/AbC/", "AbC", true},
		{"/cek/", "", false},
		{"/cek", "", false},
		{"/cek/a/b", "", false},
		{"/kartu/AbC", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		tok, ok := TokenFromPath(tc.path)
		if tok != tc.token || ok != tc.ok {
			t.Errorf("TokenFromPath(%q) = %q, %v; want %q, %v", tc.path, tok, ok, tc.token, tc.ok)
		}
	}
}

func FuzzVerify(f *testing.F) {
	s := testSigner(f)
	f.Add(s.Token(123, 1))
	f.Add(s.Token(math.MaxInt64, 99))
	f.Add("")
	f.Add("AQ")
	f.Add(strings.Repeat("_", 200))
	f.Fuzz(func(t *testing.T, token string) {
		id, serial, ok := s.Verify(token)
		if !ok {
			return
		}
		// Anything that verifies must be exactly the token the key makes for it: one string per card.
		if want := s.Token(id, serial); token != want {
			t.Fatalf("Verify accepted %q for (%d, %d); canonical token is %q", token, id, serial, want)
		}
	})
}
