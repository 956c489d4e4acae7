package card

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"math"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// rasterize draws a face at 300 dpi. Glyphs are placed with the same advance widths the layout
// measured (and the PDF declares), not the rasteriser's own, so line lengths match the PDF exactly.
func rasterize(f *face) (*image.RGBA, error) {
	img := image.NewRGBA(image.Rect(0, 0, PixelWidth, PixelHeight))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	type key struct {
		f    fontID
		size float64
	}
	// opentype faces cache glyphs and are not safe for concurrent use, so each render makes its own.
	faces := map[key]font.Face{}
	defer func() {
		for _, fc := range faces {
			fc.Close()
		}
	}()
	for _, it := range f.items {
		switch it.kind {
		case kindRect:
			fillRect(img, it.x, it.y, it.x+it.w, it.y+it.h, it.col)
		case kindImage:
			px, err := it.photoPixels()
			if err != nil {
				return nil, err
			}
			r := image.Rect(int(it.x), int(it.y), int(it.x)+int(it.w), int(it.y)+int(it.h))
			draw.Draw(img, r, px, px.Bounds().Min, draw.Src)
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
	return img, nil
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
	inX0, inX1 := int(math.Ceil(x0)), int(math.Floor(x1)) // the pixels wholly inside, across
	for py := int(math.Floor(y0)); py < int(math.Ceil(y1)); py++ {
		cy := math.Min(y1, float64(py+1)) - math.Max(y0, float64(py))
		row := img.Pix[img.PixOffset(0, py):]
		for px := int(math.Floor(x0)); px < int(math.Ceil(x1)); px++ {
			if cy >= 1 && px >= inX0 && px < inX1 {
				fillRun(row[px*4:inX1*4], c) // the inside of a band at once, not pixel by pixel
				px = inX1 - 1
				continue
			}
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

// fillRun paints every 4-byte pixel of run with c, opaque.
func fillRun(run []byte, c color.RGBA) {
	if len(run) == 0 {
		return
	}
	run[0], run[1], run[2], run[3] = c.R, c.G, c.B, 0xff
	for n := 4; n < len(run); n *= 2 {
		copy(run[n:], run[:n])
	}
}

func blend(dst, src uint8, a float64) uint8 {
	return uint8(math.Round(float64(dst)*(1-a) + float64(src)*a))
}

// encodePNG writes img as an RGB PNG. Every row uses the "Up" filter (the difference to the row
// above), which on a mostly white card with horizontal bands leaves long runs of zeros for the
// compressor; image/png tries all five filters on every row and spent half the preview's time
// doing so.
func encodePNG(img *image.RGBA) ([]byte, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	raw := make([]byte, 0, h*(1+3*w))
	prev := make([]byte, 3*w)
	row := make([]byte, 3*w)
	for y := 0; y < h; y++ {
		pix := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := 0; x < w; x++ {
			copy(row[3*x:3*x+3], pix[4*x:4*x+3]) // opaque: the card has no transparency
		}
		raw = append(raw, 2) // filter type Up
		for i := range row {
			raw = append(raw, row[i]-prev[i])
		}
		prev, row = row, prev
	}
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits per sample, truecolour; compression, filter, interlace 0
	pngChunk(&out, "IHDR", ihdr[:])
	pngChunk(&out, "IDAT", deflate(raw))
	pngChunk(&out, "IEND", nil)
	return out.Bytes(), nil
}

func pngChunk(out *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	out.WriteString(typ)
	out.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	out.Write(n[:])
}
