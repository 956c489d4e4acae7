package e2e_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"

	"ak1/server/card"
)

// page is a rasterised card face: the image and the PNG file it came from.
type page struct {
	img  image.Image
	path string
}

// frontPage rasterises the first page (the face with the QR code and the barcode) of a printed
// card at 300 dpi, as a card printer would.
func frontPage(t *testing.T, pdf string) page {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command("pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", pdf, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm %s: %v\n%.2000s", pdf, err, out)
	}
	matches, _ := filepath.Glob(prefix + "*.png")
	if len(matches) != 1 {
		t.Fatalf("pdftoppm made %v", matches)
	}
	f, err := os.Open(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return page{img, matches[0]}
}

var tryHarder = map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}

// readCodes decodes the QR code and the Code128 barcode of a card face.
//
// gozxing fails on about 1.5% of valid version-8 QR symbols, even on its own encoder's output
// (measured: 9 of 600 check links, all read by zbar), so a QR code gozxing cannot read is given to
// zbar (Debian's zbar-tools) before the test calls the card unreadable.
func readCodes(t *testing.T, p page) (qr, barcode string) {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(p.img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, tryHarder)
	if err == nil {
		qr = res.GetText()
	} else {
		out, zerr := exec.Command("zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", p.path).Output()
		if zerr != nil {
			t.Fatalf("QR code not readable on the printed card: gozxing %v; zbarimg %v", err, zerr)
		}
		qr = strings.TrimSpace(string(out))
		t.Logf("gozxing could not read the QR code (%v); zbar read it", err)
	}
	res, err = oned.NewCode128Reader().Decode(bmp, tryHarder)
	if err != nil {
		t.Fatalf("barcode not readable on the printed card: %v", err)
	}
	return qr, res.GetText()
}

// TestReadCodesFallsBackToZbar renders a card whose (valid) QR code gozxing cannot decode and checks
// that readCodes still reads it, through zbar.
func TestReadCodesFallsBackToZbar(t *testing.T) {
	needTool(t, "zbarimg")
	signer, err := card.NewSigner(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	c := card.Card{RegNumber: "5171 271126 000004", NIK: "5171041007944382", Name: "I WAYAN", Serial: 1,
		CheckURL: signer.CheckURL("http://127.0.0.1:30070", 10, 1)} // found by trying 600 links
	b, err := card.RenderPNG(c, 1)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	if _, err := qrcode.NewQRCodeReader().Decode(bmp, tryHarder); err == nil {
		t.Skip("this gozxing reads the symbol: the fallback is not exercised")
	}
	path := filepath.Join(t.TempDir(), "face.png")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if qr, barcode := readCodes(t, page{img, path}); qr != c.CheckURL || barcode != "5171271126000004" {
		t.Fatalf("readCodes = %q, %q", qr, barcode)
	}
}
