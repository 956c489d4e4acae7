package card

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// KeyFileName is the file in the server's data folder that holds the card signing key.
const KeyFileName = "card-signing.key"

// CheckPathPrefix is the path, below the public URL, of the page that verifies a card's QR code.
const CheckPathPrefix = "/cek/"

// tokenVersion lets a later format be told apart from this one without guessing.
const tokenVersion = 1

// signContext is signed together with the payload but never sent: it ties a signature to this
// use, so a signature the key might ever make for something else can never pass as a card token.
const signContext = "AK1-Denpasar/cek/v1\x00"

// maxPayload bounds what Verify decodes: version byte plus two maximal varints.
const maxPayload = 1 + 2*binary.MaxVarintLen64

// Signer makes and checks the signed tokens in the card's QR link.
type Signer struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
}

// NewSigner makes a Signer from an Ed25519 seed; tests and tools use it, the server uses LoadOrCreateSigner.
func NewSigner(seed []byte) (*Signer, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("kunci tanda tangan kartu: panjang seed %d, harus %d", len(seed), ed25519.SeedSize)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	return &Signer{priv: priv, pub: priv.Public().(ed25519.PublicKey)}, nil
}

// LoadOrCreateSigner reads dataDir/card-signing.key, creating it (mode 0600) on first use.
//
// The file holds the hex seed on one line so an administrator can back it up as text. A file that
// others may read is refused rather than used: anyone who can read it can forge cards.
func LoadOrCreateSigner(dataDir string) (*Signer, error) {
	path := filepath.Join(dataDir, KeyFileName)
	s, err := loadSigner(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("kunci tanda tangan kartu: %w", err)
	}
	if err := writeKeyFile(path, seed); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process created it between our read and write: use theirs so both agree.
			return loadSigner(path)
		}
		return nil, err
	}
	return loadSigner(path)
}

func loadSigner(path string) (*Signer, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("kunci tanda tangan kartu %s boleh dibaca pengguna lain (mode %v): jalankan chmod 600", path, fi.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	seed, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("kunci tanda tangan kartu %s rusak: %w", path, err)
	}
	return NewSigner(seed)
}

// writeKeyFile writes to a temporary file and then links it into place, so a crash never leaves a
// half-written key and two servers starting together cannot overwrite each other's key.
func writeKeyFile(path string, seed []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".card-signing-*.tmp")
	if err != nil {
		return fmt.Errorf("kunci tanda tangan kartu: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.WriteString(hex.EncodeToString(seed) + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Link(tmp, path)
}

// PublicKey returns the verifying key, e.g. for publishing so others can check cards offline.
func (s *Signer) PublicKey() ed25519.PublicKey { return bytes.Clone(s.pub) }

// Token returns the compact signed token for a card id and print serial.
//
// Layout: base32 (capitals, no padding) of version byte, uvarint card id, uvarint serial, then the
// 64-byte Ed25519 signature. Ids and serials are small, so a token is about 94 characters.
func (s *Signer) Token(cardID int64, serial int) string {
	msg := payload(cardID, serial)
	sig := ed25519.Sign(s.priv, signedMessage(msg))
	return tokenEncoding.EncodeToString(append(msg, sig...))
}

// CheckURL returns the link printed in the card's QR code: publicURL + "/CEK/" + token, with the
// scheme and host in capitals (see tokenEncoding).
func (s *Signer) CheckURL(publicURL string, cardID int64, serial int) string {
	return qrBase(publicURL) + strings.ToUpper(CheckPathPrefix) + s.Token(cardID, serial)
}

// tokenEncoding is base32 in capitals. With the scheme, host and path also in capitals the whole
// link fits the QR code's alphanumeric mode (5.5 bits a character instead of 8), a version smaller at
// level Q: on the card that is 4 printer dots a module instead of 3, which phone cameras read first
// time. Scheme and host are case-insensitive, and the server matches /CEK/ like /cek/.
var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// qrBase writes the public address with scheme and host in capitals; a path below the host is kept
// as it is, since another server in front may treat it case-sensitively.
func qrBase(publicURL string) string {
	u, err := url.Parse(strings.TrimRight(publicURL, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return strings.TrimRight(publicURL, "/")
	}
	return strings.ToUpper(u.Scheme) + "://" + strings.ToUpper(u.Host) + u.EscapedPath()
}

// Verify reports the card id and serial a token was made for; ok is false for any token this
// key did not make, whatever its content.
func (s *Signer) Verify(token string) (cardID int64, serial int, ok bool) {
	if len(token) > tokenEncoding.EncodedLen(maxPayload+ed25519.SignatureSize) {
		return 0, 0, false
	}
	raw, err := tokenEncoding.DecodeString(token)
	// Comparing the re-encoding makes "one token string per payload" hold by construction (no
	// lower-case variant, no stray trailing bits), not by decoder detail.
	if err != nil || tokenEncoding.EncodeToString(raw) != token {
		return 0, 0, false
	}
	if len(raw) <= ed25519.SignatureSize {
		return 0, 0, false
	}
	msg, sig := raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
	if !ed25519.Verify(s.pub, signedMessage(msg), sig) {
		return 0, 0, false
	}
	id, ser, ok := parsePayload(msg)
	if !ok {
		return 0, 0, false
	}
	return id, ser, true
}

// TokenFromPath pulls the token out of a request path such as "/cek/<token>" (a trailing slash
// is tolerated); ok is false when the path is not a check path.
func TokenFromPath(path string) (token string, ok bool) {
	if len(path) < len(CheckPathPrefix) || !strings.EqualFold(path[:len(CheckPathPrefix)], CheckPathPrefix) {
		return "", false
	}
	rest := path[len(CheckPathPrefix):]
	rest = strings.TrimSuffix(rest, "/")
	if rest == "" || strings.ContainsAny(rest, "/?#") {
		return "", false
	}
	return rest, true
}

func payload(cardID int64, serial int) []byte {
	// Negative values are never issued; encoding them as huge unsigned numbers keeps CheckURL
	// total (no error return) while Verify rejects them, so such a card simply fails the check.
	b := make([]byte, 0, maxPayload)
	b = append(b, tokenVersion)
	b = binary.AppendUvarint(b, uint64(cardID))
	b = binary.AppendUvarint(b, uint64(serial))
	return b
}

func parsePayload(msg []byte) (int64, int, bool) {
	if len(msg) < 3 || msg[0] != tokenVersion {
		return 0, 0, false
	}
	rest := msg[1:]
	id, n := binary.Uvarint(rest)
	if n <= 0 || id > math.MaxInt64 {
		return 0, 0, false
	}
	rest = rest[n:]
	ser, n := binary.Uvarint(rest)
	if n <= 0 || ser > math.MaxInt32 || n != len(rest) {
		return 0, 0, false
	}
	return int64(id), int(ser), true
}

func signedMessage(msg []byte) []byte {
	return append([]byte(signContext), msg...)
}
