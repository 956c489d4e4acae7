package card

import (
	"errors"
	"fmt"
	"image/color"
	"strings"

	"github.com/boombuler/barcode/code128"
	qrcode "github.com/skip2/go-qrcode"
)

// qrQuietModules is the quiet zone ISO/IEC 18004 requires around a QR code; go-qrcode's bitmap
// already includes it, and we keep it white.
const qrQuietModules = 4

// barcodeQuietModules is the Code128 quiet zone (ISO/IEC 15417: at least 10 modules).
const barcodeQuietModules = 10

// qrMatrix returns the QR modules of s, quiet zone included, at error correction level Q
// (recovers 25%: a card carried in a wallet gets scratched and bent).
func qrMatrix(s string) ([][]bool, error) {
	q, err := qrcode.New(s, qrcode.High) // go-qrcode's "High" is level Q
	if err != nil {
		return nil, fmt.Errorf("kode QR: %w", err)
	}
	bm := q.Bitmap()
	if len(bm) == 0 {
		return nil, errors.New("kode QR kosong")
	}
	return bm, nil
}

// drawModules draws the dark modules of a matrix (a QR code, or the one row of a barcode) as
// horizontal runs of rectangles on whole dots, each module width dots wide and each row height dots
// high, over a white rectangle covering the whole symbol so its quiet zone stays clean.
func (f *face) drawModules(x, y, width, height int, m [][]bool, ink color.RGBA) {
	f.rectDots(x, y, len(m[0])*width, len(m)*height, white)
	for r, row := range m {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			f.rectDots(x+start*width, y+r*height, (c-start)*width, height, ink)
		}
	}
}

// barcodeBars returns the Code128 bar pattern of s (one bool per module, quiet zones excluded).
func barcodeBars(s string) ([]bool, error) {
	bc, err := code128.Encode(s)
	if err != nil {
		return nil, fmt.Errorf("barcode: %w", err)
	}
	b := bc.Bounds()
	bars := make([]bool, b.Dx())
	for i := range bars {
		r, _, _, _ := bc.At(b.Min.X+i, b.Min.Y).RGBA()
		bars[i] = r < 0x8000
	}
	return bars, nil
}

// digitsOnly keeps the digits of the registration number: the barcode carries only those, so a
// scanner at the desk types the same number whatever grouping the pattern prints.
func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
