package card

import (
	"bytes"
	"image/jpeg"
	"testing"
)

// storedPhoto is a photo as the desk stores it: cropped to 3:4 and saved as a 354×472 JPEG.
func storedPhoto(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, FitPhoto(testPhoto(), 354, 472), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// productionCard is sampleCard with the photo the way the server hands it over: the stored JPEG.
func productionCard(t testing.TB) Card {
	c := sampleCard(t)
	c.Photo, c.PhotoJPEG = nil, storedPhoto(t)
	return c
}

func BenchmarkRenderPDFStoredPhoto(b *testing.B) {
	c := productionCard(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RenderPDF(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderPNGStoredPhoto(b *testing.B) {
	c := productionCard(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RenderPNG(c, 1); err != nil {
			b.Fatal(err)
		}
	}
}
