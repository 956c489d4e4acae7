package card

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// rasterize draws a face at 300 dpi. Glyphs are placed with the same advance widths the layout
// measured (and the PDF declares), not the rasteriser's own, so line lengths match the PDF exactly.
func rasterize(f *face) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, PixelWidth, PixelHeight))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	type key struct {
		f    fontID
		size float64
	}
	// opentype faces cache glyphs and are not safe for concurrent use, so each render makes its own.
	faces := map[key]font.Face{}
	for _, it := range f.items {
		switch it.kind {
		case kindRect:
			fillRect(img, it.x, it.y, it.x+it.w, it.y+it.h, it.col)
		case kindImage:
			r := image.Rect(int(it.x), int(it.y), int(it.x)+int(it.w), int(it.y)+int(it.h))
			draw.Draw(img, r, it.img, it.img.Bounds().Min, draw.Src)
		case kindText:
			k := key{it.font, it.size}
			fc, ok := faces[k]
			if !ok {
				var err error
				fc, err = opentype.NewFace(f.fs[it.font].sfnt, &opentype.FaceOptions{
					Size: it.size, DPI: dpi, Hinting: font.HintingNone,
				})
				if err != nil {
					continue // cannot happen for the embedded fonts at positive sizes
				}
				faces[k] = fc
			}
			drawText(img, fc, f.fs[it.font], it)
		}
	}
	for _, fc := range faces {
		fc.Close()
	}
	return img
}

func drawText(img *image.RGBA, fc font.Face, m *metrics, it item) {
	src := image.NewUniform(it.col)
	x := it.x
	y := fixed.Int26_6(math.Round(it.y * 64))
	for _, r := range it.text {
		dot := fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: y}
		if dr, mask, mp, _, ok := fc.Glyph(dot, r); ok {
			draw.DrawMask(img, dr, src, image.Point{}, mask, mp, draw.Over)
		}
		x += float64(m.widths[r]) * it.size / 1000 * dotsPerPt
	}
}

// fillRect fills [x0,x1)×[y0,y1) in dots with exact area coverage at the edges: hairlines that do
// not fall on whole dots come out as light grey, like a printer's PDF rasteriser would draw them,
// and rectangles on whole dots (code modules) come out crisp.
func fillRect(img *image.RGBA, x0, y0, x1, y1 float64, c color.RGBA) {
	b := img.Bounds()
	x0, y0 = math.Max(x0, float64(b.Min.X)), math.Max(y0, float64(b.Min.Y))
	x1, y1 = math.Min(x1, float64(b.Max.X)), math.Min(y1, float64(b.Max.Y))
	if x1 <= x0 || y1 <= y0 {
		return
	}
	for py := int(math.Floor(y0)); py < int(math.Ceil(y1)); py++ {
		cy := math.Min(y1, float64(py+1)) - math.Max(y0, float64(py))
		row := img.Pix[img.PixOffset(0, py):]
		for px := int(math.Floor(x0)); px < int(math.Ceil(x1)); px++ {
			a := cy * (math.Min(x1, float64(px+1)) - math.Max(x0, float64(px)))
			p := row[px*4 : px*4+4 : px*4+4]
			if a >= 1 {
				p[0], p[1], p[2], p[3] = c.R, c.G, c.B, 0xff
				continue
			}
			p[0] = blend(p[0], c.R, a)
			p[1] = blend(p[1], c.G, a)
			p[2] = blend(p[2], c.B, a)
		}
	}
}

func blend(dst, src uint8, a float64) uint8 {
	return uint8(math.Round(float64(dst)*(1-a) + float64(src)*a))
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	// BestSpeed: the preview is made on demand per request; the mostly white card compresses well anyway.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("PNG kartu: %w", err)
	}
	return buf.Bytes(), nil
}
