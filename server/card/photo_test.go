package card

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// TestStoredPhotoGoesIntoThePDFAsItIs: a stored 3:4 JPEG is embedded byte for byte (no
// decoding, resampling or re-encoding); a picture of other proportions is cropped and resampled;
// a photo that is not a JPEG is an error, not a card without a photo.
func TestStoredPhotoGoesIntoThePDFAsItIs(t *testing.T) {
	c := productionCard(t)
	pdf, err := RenderPDF(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(pdf, c.PhotoJPEG) {
		t.Error("the stored JPEG is not in the PDF as it is")
	}
	if !bytes.Contains(pdf, []byte("/Width 354 /Height 472")) {
		t.Error("the PDF's image is not the stored 354×472 photo")
	}

	var wide bytes.Buffer
	if err := jpeg.Encode(&wide, image.NewGray(image.Rect(0, 0, 400, 300)), nil); err != nil {
		t.Fatal(err)
	}
	c.PhotoJPEG = wide.Bytes()
	pdf, err = RenderPDF(c)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(pdf, c.PhotoJPEG) || !bytes.Contains(pdf, []byte("/Width 189 /Height 252")) {
		t.Error("a 4:3 photo was not cropped and resampled to the 189×252 box")
	}
	if _, err := RenderPNG(c, 1); err != nil {
		t.Fatal(err)
	}

	c.PhotoJPEG = []byte("bukan foto")
	if _, err := RenderPDF(c); err == nil {
		t.Error("a photo that is not a JPEG gave a PDF")
	}
	if _, err := RenderPNG(c, 1); err == nil {
		t.Error("a photo that is not a JPEG gave a preview")
	}
}
