package card

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"

	"golang.org/x/image/draw"
)

// The layout is computed once per face as a display list of a few primitive kinds; the PDF and the
// PNG backends only draw that list. That is what keeps the on-screen preview and the printed card
// identical: neither backend makes a layout decision of its own.
//
// Coordinates are in printer dots (1/300 inch) from the top-left corner of the face, so that the
// QR code and barcode, whose modules sit on whole dots, are exact in both outputs.

const (
	dpi        = 300
	dotsPerMM  = dpi / 25.4
	dotsPerPt  = dpi / 72.0
	cardWidth  = 85.60 // mm, ISO/IEC 7810 ID-1 (CR80)
	cardHeight = 53.98 // mm
	// PixelWidth and PixelHeight are the PNG size: CR80 at 300 dpi.
	PixelWidth  = 1011
	PixelHeight = 638
)

type itemKind int

const (
	kindRect  itemKind = iota // filled rectangle; lines are thin rectangles
	kindText                  // one line of text, (x, y) is the left end of the baseline
	kindImage                 // the photo: img resampled to w×h dots, or a JPEG kept as it is
)

// item is one primitive of the display list.
type item struct {
	kind       itemKind
	x, y, w, h float64 // dots; for text w is the measured advance width and h the font size in dots
	col        color.RGBA
	font       fontID
	size       float64 // points, text only
	text       string
	img        *image.RGBA
	// jpeg is a stored photo of the box's proportions, embedded in the PDF unchanged; img is then
	// nil until the raster backend asks for pixels (photoPixels).
	jpeg    []byte
	jpegCfg image.Config

	// boxL and boxR bound the space the layout gave this text; tests check the measured width
	// stays inside it, which is how "long names never overflow" is verified.
	boxL, boxR float64
}

// face is the display list of one side of the card.
type face struct {
	items []item
	fs    *fontSet
}

func mm(v float64) float64 { return v * dotsPerMM }

type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// rect fills a rectangle given in millimetres.
func (f *face) rect(x, y, w, h float64, c color.RGBA) {
	f.items = append(f.items, item{kind: kindRect, x: mm(x), y: mm(y), w: mm(w), h: mm(h), col: c})
}

// rectDots fills a rectangle given in dots; used for code modules that must stay on the dot grid.
func (f *face) rectDots(x, y, w, h int, c color.RGBA) {
	f.items = append(f.items, item{kind: kindRect, x: float64(x), y: float64(y), w: float64(w), h: float64(h), col: c})
}

// frame strokes a rectangle inside its bounds with line width lw (mm).
func (f *face) frame(x, y, w, h, lw float64, c color.RGBA) {
	f.rect(x, y, w, lw, c)
	f.rect(x, y+h-lw, w, lw, c)
	f.rect(x, y, lw, h, c)
	f.rect(x+w-lw, y, lw, h, c)
}

// dotted draws a dotted write-in line, the usual way a form shows "fill in here". Dots sit on
// whole printer dots so they come out evenly spaced instead of beating against the dot grid.
func (f *face) dotted(x, y, w float64, c color.RGBA) {
	const dot, pitch = 3, 7 // dots
	start, end := int(math.Ceil(mm(x))), int(math.Floor(mm(x+w)))
	for p := start; p+dot <= end; p += pitch {
		f.items = append(f.items, item{kind: kindRect, x: float64(p), y: mm(y), w: dot, h: mm(0.12), col: c})
	}
}

// text places one already-fitted line in the box [x, x+w] (mm) on the given baseline.
func (f *face) text(fid fontID, size float64, s string, x, w, baseline float64, al align, c color.RGBA) {
	if s == "" {
		return
	}
	tw := f.fs[fid].width(s, size) * dotsPerPt
	left := mm(x)
	switch al {
	case alignCenter:
		left += (mm(w) - tw) / 2
	case alignRight:
		left += mm(w) - tw
	}
	f.items = append(f.items, item{
		kind: kindText, x: left, y: mm(baseline), w: tw, h: size * dotsPerPt,
		col: c, font: fid, size: size, text: s, boxL: mm(x), boxR: mm(x + w),
	})
}

// fit places s on one line in the box, shrinking from maxSize to minSize and then cutting it with
// an ellipsis; it returns the size used so neighbours can match it.
func (f *face) fit(fid fontID, maxSize, minSize float64, s string, x, w, baseline float64, al align, c color.RGBA) float64 {
	m := f.fs[fid]
	size, line := m.fitLine(m.clean(s), maxSize, minSize, w*72/25.4)
	f.text(fid, size, line, x, w, baseline, al, c)
	return size
}

// photo places the holder's photo in the w×h dot box at (x, y). A stored JPEG of the box's
// proportions stays as it is for the PDF; any other picture is cropped and resampled now.
func (f *face) photo(x, y, w, h int, c Card) error {
	it := item{kind: kindImage, x: float64(x), y: float64(y), w: float64(w), h: float64(h)}
	src := c.Photo
	if c.PhotoJPEG != nil {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(c.PhotoJPEG))
		if err != nil {
			return fmt.Errorf("foto kartu: %w", err)
		}
		// Within a pixel of 3:4, and in a colour model a PDF reader takes from a JPEG as it is.
		if abs(cfg.Width*h-cfg.Height*w) <= max(w, h) && (cfg.ColorModel == color.YCbCrModel || cfg.ColorModel == color.GrayModel) {
			it.jpeg, it.jpegCfg = c.PhotoJPEG, cfg
			f.items = append(f.items, it)
			return nil
		}
		if src, err = jpeg.Decode(bytes.NewReader(c.PhotoJPEG)); err != nil {
			return fmt.Errorf("foto kartu: %w", err)
		}
	}
	it.img = FitPhoto(src, w, h)
	f.items = append(f.items, it)
	return nil
}

// photoPixels returns the photo item's pixels at its box size, decoding a kept JPEG.
func (it item) photoPixels() (*image.RGBA, error) {
	if it.img != nil {
		return it.img, nil
	}
	src, err := jpeg.Decode(bytes.NewReader(it.jpeg))
	if err != nil {
		return nil, fmt.Errorf("foto kartu: %w", err)
	}
	// A kept JPEG already has the box's shape: no crop. The on-screen preview about halves it,
	// where averaging neighbours (ApproxBiLinear) looks the same as Catmull-Rom at a fifth of the
	// cost; the printed card gets the JPEG itself.
	dst := image.NewRGBA(image.Rect(0, 0, int(it.w), int(it.h)))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	return dst, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
