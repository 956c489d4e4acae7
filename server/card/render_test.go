package card

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// CR80 in points: 85.60 × 53.98 mm.
const wantWPt, wantHPt = 242.65, 153.01

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("QR code not readable: %v", err)
	}
	return res.GetText()
}

func decodeCode128(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := oned.NewCode128Reader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("barcode not readable: %v", err)
	}
	return res.GetText()
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// renderCases are the cards every output test runs on.
func renderCases(t *testing.T) []struct {
	name string
	card Card
} {
	noPhoto := sampleCard(t)
	noPhoto.Photo = nil
	noPhoto.PengantarKerja = Officer{}
	noPhoto.Skills = nil
	noPhoto.Education = nil
	noPhoto.Serial = 2
	return []struct {
		name string
		card Card
	}{
		{"biasa", sampleCard(t)},
		{"panjang", longCard(t)},
		{"tanpa foto", noPhoto},
	}
}

var (
	pageRe     = regexp.MustCompile(`/Type /Page\b`)
	mediaBoxRe = regexp.MustCompile(`/MediaBox \[([0-9. ]+)\]`)
)

func TestRenderPDF(t *testing.T) {
	for _, tc := range renderCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			pdf, err := RenderPDF(tc.card)
			if err != nil {
				t.Fatal(err)
			}
			writeSample(t, tc.name+".pdf", pdf)
			if n := len(pageRe.FindAll(pdf, -1)); n != 2 {
				t.Fatalf("%d pages, want 2", n)
			}
			boxes := mediaBoxRe.FindAllSubmatch(pdf, -1)
			if len(boxes) == 0 {
				t.Fatal("no MediaBox")
			}
			for _, m := range boxes {
				f := strings.Fields(string(m[1]))
				w, _ := strconv.ParseFloat(f[2], 64)
				h, _ := strconv.ParseFloat(f[3], 64)
				if math.Abs(w-wantWPt) > 0.1 || math.Abs(h-wantHPt) > 0.1 {
					t.Errorf("MediaBox %s, want 0 0 %.2f %.2f", m[1], wantWPt, wantHPt)
				}
			}
		})
	}
}

// TestRenderPDFWithPoppler rasterises the PDF as a print driver would and reads it back:
// the QR code and the barcode must decode, and the text must be real text.
func TestRenderPDFWithPoppler(t *testing.T) {
	pdftoppm := needTool(t, "pdftoppm")
	pdftotext := needTool(t, "pdftotext")
	for _, tc := range renderCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			pdf, err := RenderPDF(tc.card)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			in := filepath.Join(dir, "kartu.pdf")
			if err := os.WriteFile(in, pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(pdftoppm, "-r", "300", "-png", in, filepath.Join(dir, "hal")).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			pages, _ := filepath.Glob(filepath.Join(dir, "hal-*.png"))
			if len(pages) != 2 {
				t.Fatalf("pdftoppm made %d pages, want 2", len(pages))
			}
			raw, err := os.ReadFile(filepath.Join(dir, "hal-1.png"))
			if err != nil {
				t.Fatal(err)
			}
			writeSample(t, tc.name+"-pdf-1.png", raw)
			page1 := decodePNG(t, raw)
			if b := page1.Bounds(); math.Abs(float64(b.Dx()-PixelWidth)) > 1 || math.Abs(float64(b.Dy()-PixelHeight)) > 1 {
				t.Errorf("page at 300 dpi is %v, want about %d×%d", b.Size(), PixelWidth, PixelHeight)
			}
			if got := decodeQR(t, page1); got != tc.card.CheckURL {
				t.Errorf("QR = %q, want %q", got, tc.card.CheckURL)
			}
			if got, want := decodeCode128(t, page1), digitsOnly(tc.card.RegNumber); got != want {
				t.Errorf("barcode = %q, want %q", got, want)
			}

			// The PNG preview must be the same picture as the printed page. Poppler and our
			// rasteriser anti-alias glyph edges differently, so the images are compared in 4×4-dot
			// blocks (a third of a millimetre): a block counts as different when its mean grey
			// differs by more than 40/255. As a control, the same comparison against a preview of
			// a slightly different card (one changed word in the name) must fail.
			other := tc.card
			other.Name = "Kadek " + other.Name
			for face := 1; face <= 2; face++ {
				pdfPage := page1
				if face == 2 {
					raw, err := os.ReadFile(filepath.Join(dir, "hal-2.png"))
					if err != nil {
						t.Fatal(err)
					}
					pdfPage = decodePNG(t, raw)
				}
				ours := decodePNG(t, mustPNG(t, tc.card, face))
				same := blockDiff(pdfPage, ours)
				if same > 0.005 {
					t.Errorf("face %d: PNG preview differs from the rasterised PDF in %.3f%% of blocks", face, same*100)
				}
				if face == 2 {
					// The name is on face 2 only.
					ctl := blockDiff(pdfPage, decodePNG(t, mustPNG(t, other, face)))
					if ctl < 0.01 {
						t.Errorf("control: a different card differs in only %.3f%% of blocks (same card %.3f%%)", ctl*100, same*100)
					}
					t.Logf("face 2: %.3f%% of blocks differ; control %.3f%%", same*100, ctl*100)
				}
			}

			out, err := exec.Command(pdftotext, "-layout", in, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			text := strings.Join(strings.Fields(string(out)), " ")
			for _, want := range []string{
				"KARTU TANDA BUKTI PENDAFTARAN PENCARI KERJA", "AK/I", tc.card.RegNumber, tc.card.NIK,
				"Berlaku s.d.: " + tanggal(tc.card.ValidUntil), "KETENTUAN",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("pdftotext does not find %q", want)
				}
			}
			// A long name may be wrapped over lines: check word by word.
			for _, w := range strings.Fields(tc.card.Name) {
				if !strings.Contains(text, w) {
					t.Errorf("pdftotext does not find name part %q", w)
				}
			}
		})
	}
}

func mustPNG(t testing.TB, c Card, face int) []byte {
	t.Helper()
	b, err := RenderPNG(c, face)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// blockDiff returns the fraction of 4×4 blocks whose mean grey differs by more than 40 of 255.
func blockDiff(a, b image.Image) float64 {
	const n = 4
	r := a.Bounds().Intersect(b.Bounds())
	blocks, diff := 0, 0
	for y := r.Min.Y; y+n <= r.Max.Y; y += n {
		for x := r.Min.X; x+n <= r.Max.X; x += n {
			var d float64
			for j := range n {
				for i := range n {
					d += grey(a, x+i, y+j) - grey(b, x+i, y+j)
				}
			}
			blocks++
			if math.Abs(d/(n*n)) > 40 {
				diff++
			}
		}
	}
	return float64(diff) / float64(blocks)
}

func grey(img image.Image, x, y int) float64 {
	r, g, b, _ := img.At(x, y).RGBA()
	return (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)) / 257
}

func TestRenderPNG(t *testing.T) {
	for _, tc := range renderCases(t) {
		for face := 1; face <= 2; face++ {
			t.Run(fmt.Sprintf("%s/sisi %d", tc.name, face), func(t *testing.T) {
				raw := mustPNG(t, tc.card, face)
				writeSample(t, fmt.Sprintf("%s-%d.png", tc.name, face), raw)
				img := decodePNG(t, raw)
				if s := img.Bounds().Size(); s != image.Pt(PixelWidth, PixelHeight) {
					t.Fatalf("size %v, want %d×%d", s, PixelWidth, PixelHeight)
				}
				if face != 1 {
					return
				}
				if got := decodeQR(t, img); got != tc.card.CheckURL {
					t.Errorf("QR = %q, want %q", got, tc.card.CheckURL)
				}
				if got, want := decodeCode128(t, img), digitsOnly(tc.card.RegNumber); got != want {
					t.Errorf("barcode = %q, want %q", got, want)
				}
			})
		}
	}
}

func TestRenderPNGRejectsBadFace(t *testing.T) {
	for _, face := range []int{0, 3, -1} {
		if _, err := RenderPNG(sampleCard(t), face); !errors.Is(err, ErrFace) {
			t.Errorf("RenderPNG(face %d) error = %v, want ErrFace", face, err)
		}
	}
}

// TestTextFits checks every text of the layout against the box the layout gave it and against the
// card edge, for ordinary, maximal and empty values: nothing may overflow, nothing is below 5 pt.
func TestTextFits(t *testing.T) {
	extreme := longCard(t)
	extreme.Name = strings.Repeat("Ngurah ", 30)
	extreme.BirthPlace = strings.Repeat("Kabupaten ", 20)
	extreme.AddressLines = []string{strings.Repeat("Jalan Panjang Sekali ", 15), strings.Repeat("X", 200), "", "Kota Denpasar 80117"}
	extreme.Religion = strings.Repeat("Lainnya ", 10)
	extreme.EmployedAt = strings.Repeat("PT ", 60)
	extreme.PengantarKerja.Name = strings.Repeat("Prof. Dr. ", 20)
	extreme.PengantarKerja.NIP = strings.Repeat("1", 40)
	extreme.RegNumber = "5171 271126 000123 9999 8888 7777"
	extreme.NIK = strings.Repeat("5", 40)
	extreme.Serial = 1_000_000
	extreme.Education = append(extreme.Education, EducationRow{Level: "SD", Major: strings.Repeat("A", 80), Year: 2000})
	extreme.Skills = append(extreme.Skills, SkillRow{Name: strings.Repeat("Pelatihan ", 30), Year: 2020})
	unicode := sampleCard(t)
	unicode.Name = "Ṅgurah 王 Şükrü\tO’Neil\x00 😀"
	cases := append(renderCases(t), struct {
		name string
		card Card
	}{"ekstrem", extreme}, struct {
		name string
		card Card
	}{"unicode", unicode}, struct {
		name string
		card Card
	}{"kosong", Card{}})

	const eps = 0.01 // dots
	pageW, pageH := mm(cardWidth), mm(cardHeight)
	for _, tc := range cases {
		faces, err := layoutCard(tc.card)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for fi, f := range faces {
			for _, it := range f.items {
				where := fmt.Sprintf("%s, sisi %d, %q", tc.name, fi+1, it.text)
				if it.x < -eps || it.y < -eps || it.x+it.w > pageW+eps || it.y+it.h > pageH+eps && it.kind != kindText {
					t.Errorf("%s: item outside the card (%.1f,%.1f %.1f×%.1f)", where, it.x, it.y, it.w, it.h)
				}
				if it.kind != kindText {
					continue
				}
				if it.size < minSize {
					t.Errorf("%s: %.2f pt is below the %.0f pt minimum", where, it.size, minSize)
				}
				if got := f.fs[it.font].width(it.text, it.size) * dotsPerPt; math.Abs(got-it.w) > eps {
					t.Errorf("%s: recorded width %.2f, measured %.2f", where, it.w, got)
				}
				if it.x < it.boxL-eps || it.x+it.w > it.boxR+eps {
					t.Errorf("%s: text %.1f–%.1f overflows its box %.1f–%.1f dots", where, it.x, it.x+it.w, it.boxL, it.boxR)
				}
				if it.y > pageH-mm(1.5) {
					t.Errorf("%s: baseline %.1f too close to the bottom edge", where, it.y)
				}
			}
		}
	}
}

// TestCleanDropsInvisible: a name stored with bidirectional or zero-width characters (before input
// was cleaned) prints as plain text, without "?" for the controls.
func TestCleanDropsInvisible(t *testing.T) {
	fs, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"Ni Made \u202euyA\u202c":            "Ni Made uyA",
		"\u2067Jl. Gatot\u2069 No.\u200f 12": "Jl. Gatot No. 12",
		"Bu\u200bdi\ufeff \u200eSantoso":     "Budi Santoso",
	} {
		if got := fs[regular].clean(in); got != want {
			t.Errorf("clean(%+q) = %+q, want %+q", in, got, want)
		}
	}
}

// TestWidthsMatchPDF guards the premise of the shared layout: our width table is the one the PDF
// library writes, so text measured to fit in the layout also fits in the PDF.
func TestWidthsMatchPDF(t *testing.T) {
	fs, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	pdf := fpdf.New("P", "pt", "A4", "")
	pdf.AddUTF8FontFromBytes("go", "", fs[regular].ttf)
	pdf.AddUTF8FontFromBytes("go", "B", fs[bold].ttf)
	for _, s := range []string{"Ni Luh Putu Ayu Sri Wahyuni", "DINAS TENAGA KERJA", "5171 271126 000123", "Şükrü O’Neil …", "3×4"} {
		for fid, style := range fontStyle {
			pdf.SetFont("go", style, 10)
			if got, want := fs[fid].width(s, 10), pdf.GetStringWidth(s); math.Abs(got-want) > 1e-6 {
				t.Errorf("width(%q, %q) = %.4f, PDF library says %.4f", s, style, got, want)
			}
		}
	}
}

func TestTanggal(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{date(2026, time.November, 27), "27 November 2026"},
		{date(2024, time.February, 1), "1 Februari 2024"},
		{date(2025, time.August, 17), "17 Agustus 2025"},
		{time.Time{}, ""},
	}
	for _, tc := range tests {
		if got := tanggal(tc.in); got != tc.want {
			t.Errorf("tanggal(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRenderConcurrently(t *testing.T) {
	// The server renders previews for several desks at once; -race checks the shared font data.
	c := sampleCard(t)
	errs := make(chan error, 8)
	for range 4 {
		go func() { _, err := RenderPNG(c, 1); errs <- err }()
		go func() { _, err := RenderPDF(c); errs <- err }()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkRenderPDF(b *testing.B) {
	c := sampleCard(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RenderPDF(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderPNG(b *testing.B) {
	c := sampleCard(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RenderPNG(c, 1); err != nil {
			b.Fatal(err)
		}
	}
}
