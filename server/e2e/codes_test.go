package e2e_test

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// frontPage rasterises the first page (the face with the QR code and the barcode) of a printed
// card at 300 dpi, as a card printer would.
func frontPage(t *testing.T, pdf string) image.Image {
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
	return img
}

var tryHarder = map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}

// readCodes decodes the QR code and the Code128 barcode of a card face.
func readCodes(t *testing.T, img image.Image) (qr, barcode string) {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, tryHarder)
	if err != nil {
		t.Fatalf("QR code not readable on the printed card: %v", err)
	}
	qr = res.GetText()
	res, err = oned.NewCode128Reader().Decode(bmp, tryHarder)
	if err != nil {
		t.Fatalf("barcode not readable on the printed card: %v", err)
	}
	return qr, res.GetText()
}
