package card

import (
	"bytes"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// testSigner is a fixed key so tokens in failures are reproducible.
func testSigner(t testing.TB) *Signer {
	t.Helper()
	s, err := NewSigner(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testPhoto draws a passport-like picture (blue background, a face-coloured oval) so rendering
// exercises real resampling; its size is not 3:4 on purpose.
func testPhoto() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 600, 760))
	for y := 0; y < 760; y++ {
		for x := 0; x < 600; x++ {
			c := color.RGBA{0x2a, 0x5d, 0xb0, 0xff}
			dx, dy := float64(x-300)/150, float64(y-300)/190
			if dx*dx+dy*dy < 1 {
				c = color.RGBA{0xe0, 0xb0, 0x8a, 0xff}
			}
			if y > 520 && (x-300)*(x-300) < (y-450)*(y-450)*4 {
				c = color.RGBA{0xf5, 0xf5, 0xf5, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// sampleCard is a typical card.
func sampleCard(t testing.TB) Card {
	return Card{
		RegNumber:     "5171 271126 000123",
		NIK:           "5171034708990002",
		Name:          "Ni Luh Putu Ayu Sri Wahyuni",
		BirthPlace:    "Denpasar",
		BirthDate:     date(1999, time.August, 7),
		Sex:           "Perempuan",
		MaritalStatus: "Belum Kawin",
		Religion:      "Hindu",
		AddressLines: []string{"Jl. Gatot Subroto VI No. 32, RT 001/RW 002",
			"Kel. Dauh Puri, Kec. Denpasar Barat", "Kota Denpasar 80113"},
		Education: []EducationRow{
			{Level: "SD", School: "SD Negeri 3 Dauh Puri", Year: 2011},
			{Level: "SMP", School: "SMP Negeri 1 Denpasar", Year: 2014},
			{Level: "SMK", Major: "Akomodasi Perhotelan", School: "SMK Negeri 4 Denpasar", Year: 2017},
			{Level: "S1", Major: "Manajemen", School: "Universitas Udayana", Year: 2021},
		},
		Skills: []SkillRow{
			{Name: "Pelatihan Tata Boga (BLK Denpasar)", Year: 2022},
			{Name: "Bahasa Inggris", Year: 2020},
		},
		IssuedOn:       date(2026, time.November, 27),
		ValidUntil:     date(2028, time.November, 27),
		Photo:          testPhoto(),
		PengantarKerja: Officer{Name: "I Made Suardana, S.E.", NIP: "197805122006041012"},
		CheckURL:       testSigner(t).CheckURL("https://ak1.denpasarkota.go.id", 123, 1),
		Serial:         1,
	}
}

// longCard has the longest realistic values in every field.
func longCard(t testing.TB) Card {
	c := sampleCard(t)
	c.Name = "Anak Agung Ngurah Gede Bagus Wiryawan Putra Kusuma Dharma Negara Wijaya Kesuma"
	c.BirthPlace = "Kabupaten Hulu Sungai Selatan, Kalimantan Selatan"
	c.MaritalStatus = "Cerai Hidup"
	c.AddressLines = []string{
		"Jalan Pulau Bungin Gang XVII Perumahan Griya Pesona Dalung Permai Blok C No. 123A, RT 012/RW 034",
		"Kelurahan Padangsambian Kelod, Kecamatan Denpasar Barat",
		"Kota Denpasar, Provinsi Bali 80117",
	}
	c.Education = []EducationRow{
		{Level: "SMK", Major: "Teknik Instalasi Tenaga Listrik dan Teknik Kendaraan Ringan Otomotif", School: "SMK Negeri 3 Denpasar", Year: 2010},
		{Level: "D3", Major: "Manajemen Divisi Kamar dan Tata Graha Hotel Internasional", School: "Politeknik Pariwisata Bali", Year: 2013},
		{Level: "S2", Major: "Magister Manajemen Sumber Daya Manusia", School: "Universitas Pendidikan Nasional", Year: 2019},
	}
	c.Skills = []SkillRow{
		{Name: "Pelatihan Berbasis Kompetensi Operator Alat Berat Excavator dan Bulldozer Tingkat Lanjut", Year: 2021},
		{Name: "Sertifikasi Kompetensi Barista Profesional BNSP", Year: 2022},
		{Name: "Bahasa Jepang N3", Year: 2023},
	}
	c.EmployedAt = "PT Bali Nusa Dua Hotel Internasional Resort dan Spa Tbk, Kawasan ITDC Nusa Dua"
	c.EmployedSince = date(2027, time.March, 1)
	c.PengantarKerja = Officer{Name: "Dr. Ir. I Gusti Ngurah Agung Bagus Wirawan Kusumadinata, S.E., M.M., M.Si.", NIP: "197805122006041012"}
	c.Serial = 12
	c.CheckURL = testSigner(t).CheckURL("https://ak1.disnaker.denpasarkota.go.id", 9_999_999_999, 12)
	return c
}

// writeSample writes rendered output for a person to look at when CARD_SAMPLES names a folder.
func writeSample(t *testing.T, name string, data []byte) {
	dir := os.Getenv("CARD_SAMPLES")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// needTool returns the path of a poppler tool; it skips only outside CI, where the project's
// scripts install poppler-utils and a missing tool must fail the run.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s tidak ada: pasang paket Debian poppler-utils", name)
		}
		t.Skipf("%s tidak ada (paket poppler-utils); dilewati di luar CI", name)
	}
	return p
}
