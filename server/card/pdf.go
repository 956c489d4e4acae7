package card

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"strconv"
	"time"

	"github.com/go-pdf/fpdf"
)

// ptPerDot converts the display list's printer dots to PDF points.
const ptPerDot = 72.0 / dpi

// pdfEpoch is written as the PDF's creation date so that the same card always renders to the same
// bytes (a print job can be compared or cached); the real print time is in the server's audit log.
var pdfEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

var fontStyle = [...]string{regular: "", bold: "B"}

// writePDF draws each face on its own CR80 page. Text stays text (selectable, searchable, sharp at
// any resolution), rectangles stay vectors; only the photo is an image, at 300 dpi.
func writePDF(faces []*face) ([]byte, error) {
	fs, err := fonts()
	if err != nil {
		return nil, err
	}
	size := fpdf.SizeType{Wd: cardWidth * 72 / 25.4, Ht: cardHeight * 72 / 25.4}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "pt", Size: size})
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCompression(true)
	pdf.SetCreationDate(pdfEpoch)
	pdf.SetModificationDate(pdfEpoch)
	pdf.SetCatalogSort(true)
	pdf.SetTitle("Kartu AK/I", true)
	pdf.SetCreator("AK1 Denpasar", true)
	pdf.SetProducer("AK1 Denpasar", true)
	pdf.AddUTF8FontFromBytes("go", fontStyle[regular], fs[regular].ttf)
	pdf.AddUTF8FontFromBytes("go", fontStyle[bold], fs[bold].ttf)
	pdf.SetLineWidth(0)

	imgN := 0
	for _, f := range faces {
		pdf.AddPage()
		for _, it := range f.items {
			switch it.kind {
			case kindRect:
				pdf.SetFillColor(int(it.col.R), int(it.col.G), int(it.col.B))
				pdf.Rect(it.x*ptPerDot, it.y*ptPerDot, it.w*ptPerDot, it.h*ptPerDot, "F")
			case kindText:
				pdf.SetFont("go", fontStyle[it.font], it.size)
				pdf.SetTextColor(int(it.col.R), int(it.col.G), int(it.col.B))
				pdf.Text(it.x*ptPerDot, it.y*ptPerDot, it.text)
			case kindImage:
				var buf bytes.Buffer
				// Quality 92: a printed 3×4 photo shows no artefacts, at a tenth of a PNG's size.
				if err := jpeg.Encode(&buf, it.img, &jpeg.Options{Quality: 92}); err != nil {
					return nil, fmt.Errorf("foto kartu: %w", err)
				}
				imgN++
				name := "img" + strconv.Itoa(imgN)
				opt := fpdf.ImageOptions{ImageType: "JPEG"}
				pdf.RegisterImageOptionsReader(name, opt, &buf)
				pdf.ImageOptions(name, it.x*ptPerDot, it.y*ptPerDot, it.w*ptPerDot, it.h*ptPerDot, false, opt, 0, "")
			}
		}
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("PDF kartu: %w", err)
	}
	return out.Bytes(), nil
}
