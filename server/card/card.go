// Package card renders the AK/I job-seeker card (kartu kuning) as a two-page PDF for the card
// printer and as PNG previews, and makes and checks the signed link in its QR code.
//
// It is a pure library: no HTTP, no SQL. Both outputs draw one display list computed by the
// layout code, so what the officer checks on screen is what the printer prints.
package card

import (
	"errors"
	"fmt"
	"image"
	"time"
)

// EducationRow is one formal education level the holder completed.
type EducationRow struct {
	Level  string // e.g. "SD", "SMP/SLTP", "SMA", "SMK", "D3", "S1", "Akta", "Tidak tamat SD"
	Major  string
	School string
	Year   int
}

// SkillRow is one skill or training course (pendidikan non-formal) with its year.
type SkillRow struct {
	Name string
	Year int
}

// Officer is the Pengantar Kerja who signs and stamps the card.
type Officer struct {
	Name, NIP string
}

// Card is everything printed on one AK/I card.
type Card struct {
	RegNumber     string // e.g. "5171 271126 000123"
	NIK           string // 16 digits
	Name          string
	BirthPlace    string
	BirthDate     time.Time
	Sex           string // "Laki-laki" or "Perempuan"
	MaritalStatus string // Belum Kawin, Kawin, Cerai Hidup, Cerai Mati
	Religion      string // Islam, Katolik, Protestan, Hindu, Buddha, Konghucu, Lainnya
	// AddressLines are the street (with RT/RW), then kelurahan and kecamatan, then the city: the
	// street may be shortened to fit, the lines after it are always printed whole.
	AddressLines []string
	// Education holds every level the holder finished, lowest first; the grid prints each of them.
	Education      []EducationRow
	Skills         []SkillRow
	EmployedAt     string    // "Diterima bekerja di", usually empty
	EmployedSince  time.Time // "terhitung mulai tanggal", usually zero
	IssuedOn       time.Time
	ValidUntil     time.Time
	Photo          image.Image // nil (and no PhotoJPEG): a "FOTO 3×4" placeholder box is drawn
	PengantarKerja Officer     // empty: blank lines to sign and write on
	CheckURL       string      // the signed link encoded in the QR code
	Serial         int         // 1 for the first card; "Cetakan ke-N" is printed when > 1

	// PhotoJPEG is the photo as the desk stores it, a JPEG; it takes the place of Photo. With the
	// card's 3:4 proportions it goes into the PDF as it is (no decoding, resampling or re-encoding:
	// the printer's driver scales it); the PNG preview decodes and resamples it.
	PhotoJPEG []byte
}

// ErrFace is returned for a face number other than 1 or 2.
var ErrFace = errors.New("sisi kartu harus 1 atau 2")

// RenderPDF renders the card as a PDF of exactly two CR80 pages: face 1, then face 2.
func RenderPDF(c Card) ([]byte, error) {
	faces, err := layoutCard(c)
	if err != nil {
		return nil, err
	}
	return writePDF(faces[:])
}

// RenderPNG renders one face (1 or 2) as a 1011×638 PNG, the same layout as the PDF page at 300 dpi.
func RenderPNG(c Card, faceNo int) ([]byte, error) {
	if faceNo != 1 && faceNo != 2 {
		return nil, fmt.Errorf("%w (diminta %d)", ErrFace, faceNo)
	}
	f, err := layoutFace(c, faceNo)
	if err != nil {
		return nil, err
	}
	img, err := rasterize(f)
	if err != nil {
		return nil, err
	}
	return encodePNG(img)
}

func layoutCard(c Card) ([2]*face, error) {
	var out [2]*face
	for i := range out {
		f, err := layoutFace(c, i+1)
		if err != nil {
			return out, err
		}
		out[i] = f
	}
	return out, nil
}

func layoutFace(c Card, faceNo int) (*face, error) {
	fs, err := fonts()
	if err != nil {
		return nil, err
	}
	f := &face{fs: fs}
	if faceNo == 1 {
		err = f.layoutFront(c)
	} else {
		err = f.layoutBack(c)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}
