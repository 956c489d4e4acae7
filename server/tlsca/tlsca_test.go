package tlsca

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)

func loadLeaf(t *testing.T, dir string) *x509.Certificate {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(pair.Certificate) != 2 {
		t.Fatalf("server.pem holds %d certificates, want leaf and CA", len(pair.Certificate))
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return leaf
}

func caPool(t *testing.T, dir string) *x509.CertPool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, CACertFile))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		t.Fatal("ca.pem is not a certificate")
	}
	return pool
}

// TestInitMakesAVerifiableServerCertificate: the certificate verifies for every host given, for
// TLS server use, only against the new CA; keys are private to their owner.
func TestInitMakesAVerifiableServerCertificate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	res, err := Init(dir, []string{"10.0.0.5", "AK1.lan"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !res.NewCA || res.NotAfter.Sub(now) != serverValidity {
		t.Fatalf("result %+v", res)
	}
	leaf := loadLeaf(t, dir)
	pool := caPool(t, dir)
	for _, h := range []string{"10.0.0.5", "ak1.lan"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: h, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			t.Errorf("verify for %s: %v", h, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "10.0.0.6", CurrentTime: now}); err == nil {
		t.Error("certificate valid for a host not asked for")
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "10.0.0.5", CurrentTime: now}); err == nil {
		t.Error("certificate trusted without the office CA")
	}
	for name, want := range map[string]os.FileMode{CAKeyFile: 0o600, KeyFile: 0o600, CACertFile: 0o644, CertFile: 0o644} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", name, fi.Mode().Perm(), want)
		}
	}
}

// TestCANameConstraints: the office CA installed on the tablets cannot vouch for any other site,
// even when its key is stolen.
func TestCANameConstraints(t *testing.T) {
	dir := t.TempDir()
	if _, err := Init(dir, []string{"10.0.0.5", "ak1.lan"}, now); err != nil {
		t.Fatal(err)
	}
	caCert, caKey, err := loadCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	pool := caPool(t, dir)
	// Sign certificates for other sites with the stolen key, as an attacker would: no client that
	// trusts the office CA may accept them.
	for _, host := range []string{"www.bankdki.co.id", "8.8.8.8"} {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(666), NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
		if ip := net.ParseIP(host); ip != nil {
			tmpl.IPAddresses = []net.IP{ip}
		} else {
			tmpl.DNSNames = []string{host}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &caKey.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		evil, _ := x509.ParseCertificate(der)
		if _, err := evil.Verify(x509.VerifyOptions{Roots: pool, DNSName: host, CurrentTime: now}); err == nil {
			t.Errorf("a certificate for %s signed with the office CA's key is trusted", host)
		}
		// And tls init itself refuses to make one.
		other := t.TempDir()
		copyFile(t, filepath.Join(dir, CACertFile), filepath.Join(other, CACertFile))
		copyFile(t, filepath.Join(dir, CAKeyFile), filepath.Join(other, CAKeyFile))
		if _, err := Init(other, []string{host}, now); err == nil || !strings.Contains(err.Error(), "cannot vouch") {
			t.Errorf("Init for %s with the office CA: %v, want a refusal", host, err)
		}
	}
	// An IP-only CA permits no DNS name at all, and the reverse.
	for _, tt := range []struct{ hosts, other []string }{{[]string{"10.0.0.5"}, []string{"ak1.lan"}}, {[]string{"ak1.lan"}, []string{"10.0.0.5"}}} {
		d := t.TempDir()
		if _, err := Init(d, tt.hosts, now); err != nil {
			t.Fatal(err)
		}
		if _, err := Init(d, tt.other, now); err == nil {
			t.Errorf("a CA made for %v signed a certificate for %v", tt.hosts, tt.other)
		}
	}
}

// TestRenewalKeepsTheCA: a second run in the same folder signs a new server certificate with the
// same CA, so the devices need nothing new.
func TestRenewalKeepsTheCA(t *testing.T) {
	dir := t.TempDir()
	if _, err := Init(dir, []string{"10.0.0.5"}, now); err != nil {
		t.Fatal(err)
	}
	ca1, _ := os.ReadFile(filepath.Join(dir, CACertFile))
	later := now.Add(800 * 24 * time.Hour)
	res, err := Init(dir, []string{"10.0.0.5"}, later)
	if err != nil {
		t.Fatal(err)
	}
	ca2, _ := os.ReadFile(filepath.Join(dir, CACertFile))
	if res.NewCA || string(ca1) != string(ca2) {
		t.Fatal("renewal replaced the CA")
	}
	leaf := loadLeaf(t, dir)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: caPool(t, dir), DNSName: "10.0.0.5", CurrentTime: later.Add(700 * 24 * time.Hour)}); err != nil {
		t.Fatalf("renewed certificate: %v", err)
	}
}

func TestInitRefusesBadHosts(t *testing.T) {
	for _, hosts := range [][]string{nil, {""}, {"ak1 lan"}, {"-ak1.lan"}, {"ak1..lan"}, {"*.lan"}, {"ak1.lan/x"}, {"https://ak1.lan"}} {
		if _, err := Init(t.TempDir(), hosts, now); err == nil {
			t.Errorf("hosts %q accepted", hosts)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, CACertFile), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("x")}), 0o644)
	if _, err := Init(dir, []string{"10.0.0.5"}, now); err == nil || !strings.Contains(err.Error(), CAKeyFile) {
		t.Errorf("a CA certificate without its key: %v", err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
