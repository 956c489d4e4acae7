package card

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// fontID names one of the two embedded faces.
type fontID int

const (
	regular fontID = iota
	bold
)

// ellipsis ends text cut short to fit its box.
const ellipsis = "…"

// metrics holds what layout needs of one font: advance widths in thousandths of an em, rounded
// exactly as the PDF library rounds them into the PDF's /W array. Measuring with these numbers is
// what makes the PDF (where the viewer places glyphs by /W) and the PNG (where we place each glyph
// ourselves) put every glyph at the same spot.
type metrics struct {
	ttf    []byte
	sfnt   *sfnt.Font
	widths map[rune]int
	ascent float64 // em fraction, for vertical centring
	capH   float64 // em fraction
}

type fontSet [2]*metrics

// fonts parses the embedded fonts once; the result is read-only and shared by all renders.
var fonts = sync.OnceValues(func() (*fontSet, error) {
	var fs fontSet
	for i, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		m, err := newMetrics(ttf)
		if err != nil {
			return nil, err
		}
		fs[i] = m
	}
	return &fs, nil
})

func newMetrics(ttf []byte) (*metrics, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("font kartu: %w", err)
	}
	upem := f.UnitsPerEm()
	var buf sfnt.Buffer
	m := &metrics{ttf: ttf, sfnt: f, widths: map[rune]int{}}
	// Latin-1 and Latin Extended-A cover Indonesian and Balinese names written in Latin script;
	// typographic punctuation is added for pasted text.
	add := func(r rune) {
		idx, err := f.GlyphIndex(&buf, r)
		if err != nil || idx == 0 {
			return
		}
		adv, err := f.GlyphAdvance(&buf, idx, fixed.Int26_6(upem), font.HintingNone)
		if err != nil {
			return
		}
		m.widths[r] = int(math.Round(1000 * float64(adv) / float64(upem)))
	}
	for r := rune(0x20); r <= 0x17F; r++ {
		add(r)
	}
	for _, r := range "–—‘’“”•…×·" {
		add(r)
	}
	fm, err := f.Metrics(&buf, fixed.Int26_6(upem), font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("font kartu: %w", err)
	}
	m.ascent = float64(fm.Ascent) / float64(upem)
	m.capH = float64(fm.CapHeight) / float64(upem)
	return m, nil
}

// clean makes s printable with the embedded fonts: control characters and runs of spaces collapse
// to one space, invisible format characters (bidirectional controls, zero-width characters: the
// same set as domain.Invisible) are dropped, and characters the font lacks become "?", so both
// backends draw the same glyphs. Input is cleaned before it is stored; this covers older records.
func (m *metrics) clean(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector) {
			continue
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if _, ok := m.widths[r]; !ok {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// width returns the advance width of s in points at size pt.
func (m *metrics) width(s string, size float64) float64 {
	w := 0
	for _, r := range s {
		w += m.widths[r]
	}
	return float64(w) * size / 1000
}

// ellipsize cuts s at a word boundary when it can (a character boundary otherwise) and appends
// "…" so that the result is at most maxW points wide.
func (m *metrics) ellipsize(s string, size, maxW float64) string {
	if m.width(s, size) <= maxW {
		return s
	}
	rs := []rune(s)
	for n := len(rs) - 1; n >= 0; n-- {
		cand := strings.TrimRight(string(rs[:n]), " ,.;:-") + ellipsis
		if m.width(cand, size) <= maxW {
			return cand
		}
	}
	return ""
}

// wrap breaks s into lines no wider than maxW at spaces; a single word wider than a line is cut
// with an ellipsis. It returns all lines, the caller decides how many fit.
func (m *metrics) wrap(s string, size, maxW float64) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		cand := w
		if cur != "" {
			cand = cur + " " + w
		}
		if m.width(cand, size) <= maxW {
			cur = cand
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		cur = w
		if m.width(cur, size) > maxW {
			// Break an over-long word (an e-mail or a long compound) by characters.
			rs := []rune(cur)
			for len(rs) > 0 && m.width(string(rs), size) > maxW {
				n := len(rs) - 1
				for n > 1 && m.width(string(rs[:n]), size) > maxW {
					n--
				}
				lines = append(lines, string(rs[:n]))
				rs = rs[n:]
			}
			cur = string(rs)
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// wrapIndent breaks s at spaces into a first line of at most firstW points and further lines of at
// most restW (a paragraph that starts after a heading). It is for the card's own fixed texts: a word
// wider than a line is not broken.
func (m *metrics) wrapIndent(s string, size, firstW, restW float64) []string {
	var lines []string
	cur, limit := "", firstW
	for _, w := range strings.Fields(s) {
		cand := w
		if cur != "" {
			cand = cur + " " + w
		}
		if cur == "" || m.width(cand, size) <= limit {
			cur = cand
			continue
		}
		lines = append(lines, cur)
		cur, limit = w, restW
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// fitLines chooses the largest size from maxSize down to minSize (in 0.25 pt steps) at which s
// wraps into at most maxLines lines of width maxW. If even minSize needs more lines, the last
// allowed line ends in an ellipsis: the card then shows a cut value rather than spilling over
// neighbouring fields.
func (m *metrics) fitLines(s string, maxSize, minSize, maxW float64, maxLines int) (float64, []string) {
	for size := maxSize; size >= minSize-1e-9; size -= 0.25 {
		lines := m.wrap(s, size, maxW)
		if len(lines) <= maxLines {
			return size, lines
		}
	}
	lines := m.wrap(s, minSize, maxW)
	if len(lines) > maxLines {
		// The tail is wider than a line (else wrap would have kept it on one), so ellipsize cuts it.
		last := strings.Join(lines[maxLines-1:], " ")
		lines = append(lines[:maxLines-1], m.ellipsize(last, minSize, maxW))
	}
	return minSize, lines
}

// fitLine is fitLines for a single line.
func (m *metrics) fitLine(s string, maxSize, minSize, maxW float64) (float64, string) {
	size, lines := m.fitLines(s, maxSize, minSize, maxW, 1)
	if len(lines) == 0 {
		return size, ""
	}
	return size, lines[0]
}
