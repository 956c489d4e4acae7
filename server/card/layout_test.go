package card

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// columnText joins, in reading order, the text items of a face whose left edge lies in [x0, x1) mm
// and whose baseline lies in [y0, y1) mm: what a reader of that block of the card sees.
func columnText(f *face, x0, x1, y0, y1 float64) (string, []item) {
	var parts []string
	var items []item
	for _, it := range f.items {
		if it.kind == kindText && it.x >= mm(x0) && it.x < mm(x1) && it.y >= mm(y0) && it.y < mm(y1) {
			parts = append(parts, it.text)
			items = append(items, it)
		}
	}
	return strings.Join(parts, " "), items
}

// graduate is a card of someone who went from SD to S3, with school names as long as real ones.
func graduate(t testing.TB) Card {
	c := sampleCard(t)
	c.Education = []EducationRow{
		{Level: "SD", School: "SD Negeri 3 Dauh Puri Kelod", Year: 2005},
		{Level: "SMP/SLTP", School: "SMP Negeri 10 Denpasar", Year: 2008},
		{Level: "SMA/SMK", School: "SMA Negeri 1 Denpasar", Major: "IPA", Year: 2011},
		{Level: "D3", School: "Politeknik Negeri Bali", Major: "Akuntansi", Year: 2014},
		{Level: "S1", School: "Universitas Pendidikan Nasional Denpasar", Major: "Manajemen", Year: 2017},
		{Level: "S2", School: "Universitas Udayana", Major: "Magister Manajemen", Year: 2020},
		{Level: "S3", School: "Institut Teknologi Sepuluh Nopember Surabaya", Major: "Ilmu Manajemen", Year: 2025},
	}
	return c
}

// TestEducationGridPrintsEveryRowWhole: the grid had one line per level and cut school names
// ("SD Negeri 3 Dau…"); every row the holder has is printed, and no school name is cut.
func TestEducationGridPrintsEveryRowWhole(t *testing.T) {
	for _, n := range []int{1, 4, 7} {
		c := graduate(t)
		c.Education = c.Education[:n]
		f, err := layoutFace(c, 2)
		if err != nil {
			t.Fatal(err)
		}
		// The right column of face 2, above the Pengantar Kerja block.
		text, items := columnText(f, 49, cardWidth, 13, 31.5)
		if strings.Contains(text, ellipsis) {
			t.Errorf("%d rows: a cut text in the education grid: %q", n, text)
		}
		for _, r := range c.Education {
			if !strings.Contains(text, r.School) {
				t.Errorf("%d rows: school %q not printed whole in %q", n, r.School, text)
			}
			if !strings.Contains(text, strconv.Itoa(r.Year)) {
				t.Errorf("%d rows: year %d missing", n, r.Year)
			}
		}
		for _, it := range items {
			if it.size < minSize {
				t.Errorf("%d rows: %q at %.2f pt", n, it.text, it.size)
			}
		}
		for _, label := range []string{"SD", "SLTP", "SLTA", "D3", "S1", "S2", "S3"}[:n] {
			if !strings.Contains(" "+text+" ", " "+label+" ") {
				t.Errorf("%d rows: level %s missing in %q", n, label, text)
			}
		}
	}
}

// TestAddressKeepsKelurahanAndKecamatan: a long street used to push the kelurahan and kecamatan off
// the card; now the street gives way.
func TestAddressKeepsKelurahanAndKecamatan(t *testing.T) {
	c := longCard(t)
	c.AddressLines = []string{
		"Jalan Pulau Bungin Gang XVII Perumahan Griya Pesona Dalung Permai Blok C No. 123A, RT 012/RW 034",
		"Kel. Padangsambian Kelod, Kec. Denpasar Barat", "Kota Denpasar 80117",
	}
	for _, name := range []string{c.Name, "I Made Suka"} {
		c.Name = name
		f, err := layoutFace(c, 2)
		if err != nil {
			t.Fatal(err)
		}
		text, _ := columnText(f, 18, 49, 9, 29)
		for _, want := range []string{"Kel. Padangsambian Kelod,", "Kec. Denpasar Barat", "Jalan Pulau Bungin"} {
			if !strings.Contains(text, want) {
				t.Errorf("name %q: address lacks %q: %q", name, want, text)
			}
		}
	}
}

// TestKetentuanReadable: the conditions were printed at 5 pt in a corner; they are at 6 pt.
func TestKetentuanReadable(t *testing.T) {
	for _, tc := range renderCases(t) {
		f, err := layoutFace(tc.card, 2)
		if err != nil {
			t.Fatal(err)
		}
		text, items := columnText(f, 0, cardWidth, 43, cardHeight)
		for _, want := range []string{"KETENTUAN", "1. Berlaku nasional.", "mengembalikan kartu ke Dinas.", "setiap 6 bulan"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: conditions lack %q: %q", tc.name, want, text)
			}
		}
		for _, it := range items {
			if it.size < ketentuanSize {
				t.Errorf("%s: %q at %.2f pt, want at least %.0f pt", tc.name, it.text, it.size, ketentuanSize)
			}
		}
	}
}

// TestNameOnFront: the face with the photo says whose card it is.
func TestNameOnFront(t *testing.T) {
	pdftotext := needTool(t, "pdftotext")
	c := sampleCard(t)
	pdf, err := RenderPDF(c)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "kartu.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-f", "1", "-l", "1", "-layout", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	front := strings.Join(strings.Fields(string(out)), " ")
	if !strings.Contains(front, "Nama "+c.Name) {
		t.Errorf("face 1 does not carry the holder's name: %q", front)
	}
}
