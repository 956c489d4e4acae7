// Package tlsca makes the office's own small certificate authority and the server's HTTPS
// certificate, for an office network without a public domain name: the CA certificate is installed
// once on the tablets, the kiosk and the print station, and the server certificate it signs can be
// renewed without touching them again.
package tlsca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// File names inside the output folder.
const (
	CACertFile = "ca.pem"         // install on tablets, the kiosk and the print station (AK1_CA)
	CAKeyFile  = "ca-key.pem"     // signs server certificates; keep it off the server once done
	CertFile   = "server.pem"     // AK1_TLS_CERT
	KeyFile    = "server-key.pem" // AK1_TLS_KEY
)

const (
	caValidity = 10 * 365 * 24 * time.Hour
	// serverValidity is the longest validity Apple devices accept for a certificate from a CA the
	// user installed (825 days); other browsers accept it too.
	serverValidity = 825 * 24 * time.Hour
)

// Result says what Init wrote.
type Result struct {
	Dir      string
	NewCA    bool      // false: an existing CA in Dir signed the new server certificate
	NotAfter time.Time // end of the server certificate's validity
}

// Init writes a server certificate for hosts (IP addresses or DNS names) into dir, signed by the
// CA found in dir, or by a new CA created there when dir has none. A new CA may only sign
// certificates for these hosts (X.509 name constraints): if its key ever leaks it cannot be used
// to impersonate any other site to the tablets that trust it.
func Init(dir string, hosts []string, now time.Time) (Result, error) {
	res := Result{Dir: dir}
	if len(hosts) == 0 {
		return res, errors.New("at least one --host is needed: the server's IP address or name on the office network")
	}
	var ips []net.IP
	var names []string
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if ip := net.ParseIP(h); ip != nil {
			ips = append(ips, ip)
			continue
		}
		if !validDNSName(h) {
			return res, fmt.Errorf("--host %q: expected an IP address such as 10.0.0.5 or a name such as ak1.lan", h)
		}
		names = append(names, strings.ToLower(h))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, err
	}
	caCert, caKey, err := loadCA(dir)
	if errors.Is(err, fs.ErrNotExist) {
		caCert, caKey, err = newCA(dir, ips, names, now)
		res.NewCA = true
	}
	if err != nil {
		return res, err
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return res, err
	}
	cn := hosts[0]
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"Disnaker Kota Denpasar"}, OrganizationalUnit: []string{"AK1"}},
		NotBefore:             now.Add(-time.Hour), // tolerate a tablet clock a little behind
		NotAfter:              now.Add(serverValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IPAddresses:           ips,
		DNSNames:              names,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return res, fmt.Errorf("server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return res, err
	}
	// An existing CA's name constraints may not cover a host added later: find out now, not on
	// the tablets.
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	for _, h := range append(names, ipStrings(ips)...) {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: h, CurrentTime: now}); err != nil {
			return res, fmt.Errorf("the CA in %s cannot vouch for %s (%v): make a new CA in an empty folder and install its %s on every device again", dir, h, err, CACertFile)
		}
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return res, err
	}
	if err := writeFile(filepath.Join(dir, KeyFile), pemBlock("PRIVATE KEY", keyDER), 0o600); err != nil {
		return res, err
	}
	// The chain holds the CA too, so a client that was given only the CA's name can still build it.
	chain := append(pemBlock("CERTIFICATE", der), pemBlock("CERTIFICATE", caCert.Raw)...)
	if err := writeFile(filepath.Join(dir, CertFile), chain, 0o644); err != nil {
		return res, err
	}
	res.NotAfter = leaf.NotAfter
	return res, nil
}

func newCA(dir string, ips []net.IP, names []string, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	var ranges []*net.IPNet
	for _, ip := range ips {
		bits := 128
		if ip.To4() != nil {
			ip, bits = ip.To4(), 32
		}
		ranges = append(ranges, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject: pkix.Name{CommonName: "AK1 Disnaker Kota Denpasar CA " + now.Format("2006-01-02"),
			Organization: []string{"Disnaker Kota Denpasar"}},
		NotBefore:                   now.Add(-time.Hour),
		NotAfter:                    now.Add(caValidity),
		KeyUsage:                    x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid:       true,
		IsCA:                        true,
		MaxPathLenZero:              true,
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         names,
		PermittedIPRanges:           ranges,
	}
	// A constraint list left empty would permit every name of that kind: permit only a name and
	// an address that never belong to a real site instead (the reserved TLD, "this host").
	if len(names) == 0 {
		tmpl.PermittedDNSDomains = []string{"invalid"}
	}
	if len(ranges) == 0 {
		tmpl.PermittedIPRanges = []*net.IPNet{{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(32, 32)}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	if err := writeFile(filepath.Join(dir, CAKeyFile), pemBlock("PRIVATE KEY", keyDER), 0o600); err != nil {
		return nil, nil, err
	}
	if err := writeFile(filepath.Join(dir, CACertFile), pemBlock("CERTIFICATE", der), 0o644); err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

// loadCA reads the CA of dir; fs.ErrNotExist when there is none (neither file).
func loadCA(dir string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPEM, certErr := os.ReadFile(filepath.Join(dir, CACertFile))
	keyPEM, keyErr := os.ReadFile(filepath.Join(dir, CAKeyFile))
	if errors.Is(certErr, fs.ErrNotExist) && errors.Is(keyErr, fs.ErrNotExist) {
		return nil, nil, fs.ErrNotExist
	}
	if certErr != nil || keyErr != nil {
		return nil, nil, fmt.Errorf("%s needs both %s and %s to sign a new server certificate: %v", dir, CACertFile, CAKeyFile, errors.Join(certErr, keyErr))
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, fmt.Errorf("%s: %s or %s is not PEM", dir, CACertFile, CAKeyFile)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", CACertFile, err)
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", CAKeyFile, err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok || !key.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, fmt.Errorf("%s does not belong to %s", CAKeyFile, CACertFile)
	}
	return cert, key, nil
}

func validDNSName(h string) bool {
	if h == "" || len(h) > 253 || strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

func ipStrings(ips []net.IP) []string {
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = ip.String()
	}
	return out
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n.Add(n, big.NewInt(1))
}

func pemBlock(typ string, der []byte) []byte {
	var b bytes.Buffer
	pem.Encode(&b, &pem.Block{Type: typ, Bytes: der})
	return b.Bytes()
}

// writeFile replaces path atomically, so a crash never leaves half a key.
func writeFile(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
