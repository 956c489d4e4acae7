package card

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image/color"
	"image/jpeg"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The PDF is written here directly rather than through a PDF library: a card needs filled
// rectangles, one line of text at a time in two embedded fonts and one JPEG, and a library
// parsed, hashed and subset the fonts again for every card (three quarters of the render time).
// Everything about the fonts is prepared once (fontObjects); a card costs its two content streams.

// ptPerDot converts the display list's printer dots to PDF points.
const ptPerDot = 72.0 / dpi

// pdfEpoch is written as the PDF's creation date so that the same card always renders to the same
// bytes (a print job can be compared or cached); the real print time is in the server's audit log.
var pdfEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// fontStyle names the styles as PDF libraries do; the tests compare our widths with one.
var fontStyle = [...]string{regular: "", bold: "B"}

// pdfFont is what a card's content needs of an embedded font: the glyph id of each rune.
type pdfFont struct {
	gid map[rune]uint16
}

// The fixed objects at the start of every card PDF: 1 catalog, 2 page tree, 3 info, then per font
// Type0, CIDFont, FontDescriptor, FontFile2 and ToUnicode. Pages and images follow.
const (
	objCatalog  = 1
	objPages    = 2
	objInfo     = 3
	objFont0    = 4 // first object of the first font
	objsPerFont = 5
	objFirstVar = objFont0 + 2*objsPerFont
)

type preparedFonts struct {
	fonts [2]pdfFont
	objs  [][]byte // serialized objects objFont0 … objFirstVar-1, without "n 0 obj" framing
}

// fontObjects embeds both fonts whole (about 130 kB of compressed font per PDF, against a per-card
// subset that costs far more time than the bytes cost on the office network), with the widths and
// the text mapping of every rune the layout can print, so any card uses them unchanged.
var fontObjects = sync.OnceValues(func() (*preparedFonts, error) {
	fs, err := fonts()
	if err != nil {
		return nil, err
	}
	var p preparedFonts
	for i, m := range fs {
		objs, pf, err := fontObjectsFor(m, objFont0+i*objsPerFont)
		if err != nil {
			return nil, err
		}
		p.fonts[i] = pf
		p.objs = append(p.objs, objs...)
	}
	return &p, nil
})

func fontObjectsFor(m *metrics, first int) ([][]byte, pdfFont, error) {
	var buf sfnt.Buffer
	f := m.sfnt
	pf := pdfFont{gid: map[rune]uint16{}}
	widths := map[uint16]int{}
	toUni := map[uint16]rune{}
	for r, w := range m.widths {
		idx, err := f.GlyphIndex(&buf, r)
		if err != nil || idx == 0 {
			continue
		}
		g := uint16(idx)
		pf.gid[r] = g
		// One glyph may serve two runes (a space and a no-break space): same width, the lower
		// rune for copying text out.
		if old, ok := toUni[g]; !ok || r < old {
			toUni[g] = r
			widths[g] = w
		}
	}
	gids := make([]int, 0, len(widths))
	for g := range widths {
		gids = append(gids, int(g))
	}
	sort.Ints(gids)

	name, err := f.Name(&buf, sfnt.NameIDPostScript)
	if err != nil || name == "" {
		return nil, pf, fmt.Errorf("font kartu: no PostScript name: %v", err)
	}
	upem := fixed.Int26_6(f.UnitsPerEm())
	bounds, err := f.Bounds(&buf, upem, font.HintingNone)
	if err != nil {
		return nil, pf, fmt.Errorf("font kartu: %w", err)
	}
	fm, err := f.Metrics(&buf, upem, font.HintingNone)
	if err != nil {
		return nil, pf, fmt.Errorf("font kartu: %w", err)
	}
	em := func(v fixed.Int26_6) int { return int(math.Round(1000 * float64(v) / float64(upem))) }

	var w bytes.Buffer
	w.WriteString("[")
	for _, g := range gids {
		fmt.Fprintf(&w, "%d [%d] ", g, widths[uint16(g)])
	}
	w.WriteString("]")
	var cmap bytes.Buffer
	cmap.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for i := 0; i < len(gids); i += 100 { // at most 100 entries per block
		block := gids[i:min(i+100, len(gids))]
		fmt.Fprintf(&cmap, "%d beginbfchar\n", len(block))
		for _, g := range block {
			fmt.Fprintf(&cmap, "<%04X> <%04X>\n", g, toUni[uint16(g)])
		}
		cmap.WriteString("endbfchar\n")
	}
	cmap.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")

	cid, desc, file, uni := first+1, first+2, first+3, first+4
	objs := [][]byte{
		fmt.Appendf(nil, "<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", name, cid, uni),
		fmt.Appendf(nil, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /CIDToGIDMap /Identity /W %s >>",
			name, desc, w.String()),
		fmt.Appendf(nil, "<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [%d %d %d %d] /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>",
			name, em(bounds.Min.X), -em(bounds.Max.Y), em(bounds.Max.X), -em(bounds.Min.Y), em(fm.Ascent), -em(fm.Descent), em(fm.CapHeight), file),
		streamObject(fmt.Sprintf("/Length1 %d", len(m.ttf)), m.ttf),
		streamObject("", cmap.Bytes()),
	}
	return objs, pf, nil
}

// zlibPool keeps compressors: a new one allocates over a megabyte of tables.
var zlibPool = sync.Pool{New: func() any { w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed); return w }}

func deflate(data []byte) []byte {
	var out bytes.Buffer
	zw := zlibPool.Get().(*zlib.Writer)
	zw.Reset(&out)
	zw.Write(data)
	zw.Close()
	zlibPool.Put(zw)
	return out.Bytes()
}

// streamObject is a compressed stream with extra dictionary entries.
func streamObject(extra string, data []byte) []byte {
	z := deflate(data)
	var b bytes.Buffer
	fmt.Fprintf(&b, "<< %s /Filter /FlateDecode /Length %d >>\nstream\n", extra, len(z))
	b.Write(z)
	b.WriteString("\nendstream")
	return b.Bytes()
}

// writePDF draws each face on its own CR80 page. Text stays text (selectable, searchable, sharp at
// any resolution), rectangles stay vectors; only the photo is an image.
func writePDF(faces []*face) ([]byte, error) {
	pf, err := fontObjects()
	if err != nil {
		return nil, err
	}
	pageW, pageH := cardWidth*72/25.4, cardHeight*72/25.4

	// Objects after the fixed ones: per page its page object and content, then the images.
	var pages, images [][]byte
	pageObj := func(i int) int { return objFirstVar + 2*i }
	nextImage := objFirstVar + 2*len(faces)
	for i, f := range faces {
		var c content
		var resImages []string
		for _, it := range f.items {
			switch it.kind {
			case kindRect:
				c.fill(it.col)
				c.num(it.x * ptPerDot)
				c.num(pageH - (it.y+it.h)*ptPerDot)
				c.num(it.w * ptPerDot)
				c.num(it.h * ptPerDot)
				c.b = append(c.b, "re f\n"...)
			case kindText:
				c.fill(it.col)
				c.b = append(c.b, "BT /F"...)
				c.b = strconv.AppendInt(c.b, int64(it.font), 10)
				c.b = append(c.b, ' ')
				c.num(it.size)
				c.b = append(c.b, "Tf "...)
				c.num(it.x * ptPerDot)
				c.num(pageH - it.y*ptPerDot)
				c.b = append(c.b, "Td <"...)
				gid := pf.fonts[it.font].gid
				for _, r := range it.text {
					g, ok := gid[r]
					if !ok {
						g = gid['?'] // clean() already replaced what the font lacks
					}
					c.b = fmt.Appendf(c.b, "%04X", g)
				}
				c.b = append(c.b, "> Tj ET\n"...)
			case kindImage:
				obj, err := imageObject(it)
				if err != nil {
					return nil, err
				}
				name := "Im" + strconv.Itoa(nextImage)
				resImages = append(resImages, fmt.Sprintf("/%s %d 0 R", name, nextImage))
				images = append(images, obj)
				nextImage++
				c.b = append(c.b, "q "...)
				c.num(it.w * ptPerDot)
				c.b = append(c.b, "0 0 "...)
				c.num(it.h * ptPerDot)
				c.num(it.x * ptPerDot)
				c.num(pageH - (it.y+it.h)*ptPerDot)
				c.b = append(c.b, "cm /"...)
				c.b = append(c.b, name...)
				c.b = append(c.b, " Do Q\n"...)
				c.col = nil // q/Q keeps the colour, but be plain about it
			}
		}
		xobjects := ""
		if len(resImages) > 0 {
			xobjects = " /XObject <<" + joinSpace(resImages) + ">>"
		}
		pages = append(pages,
			fmt.Appendf(nil, "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /Font << /F0 %d 0 R /F1 %d 0 R >>%s >> /Contents %d 0 R >>",
				objPages, pageW, pageH, objFont0, objFont0+objsPerFont, xobjects, pageObj(i)+1),
			streamObject("", c.b))
	}

	var kids []string
	for i := range faces {
		kids = append(kids, fmt.Sprintf("%d 0 R", pageObj(i)))
	}
	date := pdfEpoch.Format("20060102150405") + "Z"
	objs := [][]byte{
		fmt.Appendf(nil, "<< /Type /Catalog /Pages %d 0 R >>", objPages),
		fmt.Appendf(nil, "<< /Type /Pages /Kids [%s] /Count %d >>", joinSpace(kids), len(faces)),
		fmt.Appendf(nil, "<< /Title (Kartu AK/I) /Creator (AK1 Denpasar) /Producer (AK1 Denpasar) /CreationDate (D:%s) /ModDate (D:%s) >>", date, date),
	}
	objs = append(objs, pf.objs...)
	objs = append(objs, pages...)
	objs = append(objs, images...)

	var out bytes.Buffer
	out.Grow(300 << 10)
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n", i+1)
		out.Write(o)
		out.WriteString("\nendobj\n")
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, objCatalog, objInfo, xref)
	return out.Bytes(), nil
}

// imageObject is the photo as a PDF image: a kept JPEG as it is, else the resampled pixels
// encoded as a JPEG (quality 92: no visible artefacts on a printed 3×4 photo, a tenth of a PNG).
func imageObject(it item) ([]byte, error) {
	data, cfg := it.jpeg, it.jpegCfg
	if data == nil {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, it.img, &jpeg.Options{Quality: 92}); err != nil {
			return nil, fmt.Errorf("foto kartu: %w", err)
		}
		data = buf.Bytes()
		b := it.img.Bounds()
		cfg.Width, cfg.Height, cfg.ColorModel = b.Dx(), b.Dy(), color.YCbCrModel
	}
	space := "/DeviceRGB"
	if cfg.ColorModel == color.GrayModel {
		space = "/DeviceGray"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n",
		cfg.Width, cfg.Height, space, len(data))
	b.Write(data)
	b.WriteString("\nendstream")
	return b.Bytes(), nil
}

// content is a page's content stream being written.
type content struct {
	b   []byte
	col *color.RGBA
}

// num appends a number in points with two decimals (a hundredth of a point is 0.04 printer dots)
// and a space.
func (c *content) num(v float64) {
	c.b = strconv.AppendFloat(c.b, math.Round(v*100)/100, 'f', -1, 64)
	c.b = append(c.b, ' ')
}

// fill sets the fill colour when it changes.
func (c *content) fill(col color.RGBA) {
	if c.col != nil && *c.col == col {
		return
	}
	c.col = &col
	for _, v := range []uint8{col.R, col.G, col.B} {
		c.b = strconv.AppendFloat(c.b, math.Round(float64(v)/255*1000)/1000, 'f', -1, 64)
		c.b = append(c.b, ' ')
	}
	c.b = append(c.b, "rg\n"...)
}

func joinSpace(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(x)
	}
	return b.String()
}
