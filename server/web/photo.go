package web

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // photos may be uploaded as PNG
	"math"
	"time"

	"github.com/gofiber/fiber/v2"
	_ "golang.org/x/image/webp" // and as WebP (phones)

	"ak1/server/card"
)

// A photo upload is read from its header before anything is decoded: a small file can describe a
// picture that takes gigabytes once decoded (a 310 kB 16-bit PNG of 6320×6320 took 587 MB). The
// card's photo box needs 354×472 dots, so a few megapixels are plenty; the caps still take the
// full-size pictures of the office's tablets and phones (12–13 MP, e.g. 4128×3096).
const (
	photoW = 354 // the card's photo box, 3×4 cm at the printer's 300 dpi
	photoH = 472

	maxPhotoBytes  = 6 << 20    // the file
	maxPhotoPixels = 16_000_000 // 16 megapixels, e.g. 4000×4000 or 4608×3456
	maxPhotoSide   = 8192       // pixels on the longer side, whatever the area

	// maxDecodeBytes is what decoding one photo may take, estimated from the header (decodeCost):
	// a 16 MP camera JPEG takes 24 MB, a 16 MP PNG 64 MB; a progressive JPEG keeps every DCT
	// coefficient (4 bytes a sample) and so may have fewer pixels.
	maxDecodeBytes = 64 << 20

	// photoDecoders photos are decoded at once; more uploads wait their turn (photoDecodeWait at
	// most), so a burst of uploads decodes with at most photoDecoders × maxDecodeBytes (and a few
	// MB each to resample, see card.FitPhoto).
	photoDecoders = 2
)

var (
	photoDecodeSlots = make(chan struct{}, photoDecoders)
	photoDecodeWait  = 20 * time.Second // a variable so that a test can shorten it
)

// errNotImage is shown when an upload is not a picture we can read.
var errNotImage = &PublicError{fiber.StatusUnprocessableEntity, "Berkas itu bukan foto yang dapat dibaca. Gunakan foto JPEG, PNG atau WebP, atau ambil foto dengan kamera."}

func photoError(format string, args ...any) error {
	return &PublicError{fiber.StatusUnprocessableEntity, fmt.Sprintf(format, args...)}
}

// normalizePhoto checks that data is a real image that is cheap enough to decode, crops it to 3:4
// around the centre (a little higher, where the face is) and re-encodes it as a JPEG at print
// resolution.
func normalizePhoto(data []byte) ([]byte, error) {
	if len(data) == 0 || len(data) > maxPhotoBytes {
		return nil, photoError("Ukuran berkas foto harus di bawah 6 MB.")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png" && format != "webp") {
		return nil, errNotImage // GIF and whatever else the linked libraries register are no photos
	}
	w, h := int64(cfg.Width), int64(cfg.Height)
	switch {
	case w < 120 || h < 160:
		return nil, photoError("Foto terlalu kecil (%d×%d piksel): minimal 120×160 piksel.", w, h)
	case w*h > maxPhotoPixels || w > maxPhotoSide || h > maxPhotoSide:
		return nil, photoError("Foto terlalu besar (%d×%d piksel). Gunakan foto paling besar 16 megapiksel, misalnya 4000×4000 piksel: "+
			"kecilkan ukuran foto di pengaturan kamera, atau ambil foto dengan tombol Ambil foto.", w, h)
	case format == "png" && pngBitDepth(data) == 16:
		return nil, photoError("Foto PNG 16-bit tidak dapat dipakai. Simpan foto sebagai JPEG (atau PNG 8-bit), lalu unggah lagi.")
	}
	if perPixel := decodeCost(data, format, cfg); perPixel*float64(w*h) > maxDecodeBytes {
		side := int(math.Sqrt(maxDecodeBytes/perPixel)) / 100 * 100
		return nil, photoError("Foto ini terlalu berat untuk diproses (%d×%d piksel, %s). Perkecil foto menjadi paling besar %d×%d piksel, "+
			"atau simpan sebagai JPEG biasa, lalu unggah lagi.", w, h, formatName(data, format), side, side)
	}

	select {
	case photoDecodeSlots <- struct{}{}:
		defer func() { <-photoDecodeSlots }()
	case <-time.After(photoDecodeWait):
		return nil, &PublicError{fiber.StatusServiceUnavailable, "Server sedang memproses foto lain. Tunggu sebentar, lalu unggah foto lagi."}
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, errNotImage
	}
	dst := card.FitPhoto(src, photoW, photoH)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 90}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// pngBitDepth is the bit depth in a PNG's header (IHDR is the first chunk; DecodeConfig checked it).
func pngBitDepth(data []byte) int {
	if len(data) < 29 {
		return 0
	}
	return int(data[24])
}

// formatName names the format for the officer where it explains the cost.
func formatName(data []byte, format string) string {
	switch format {
	case "jpeg":
		if f, ok := readJPEGFrame(data); ok && f.progressive {
			return "JPEG progresif"
		}
		return "JPEG"
	case "png":
		return "PNG"
	}
	return "WebP"
}

// decodeCost estimates, from the header alone, the bytes per pixel that the standard decoders
// allocate for this image: the picture itself plus their working buffers. It errs high when unsure.
func decodeCost(data []byte, format string, cfg image.Config) float64 {
	switch format {
	case "jpeg":
		f, ok := readJPEGFrame(data)
		if !ok {
			return 24 // four components, progressive, converted: the most a JPEG can take
		}
		return f.bytesPerPixel(cfg.Width, cfg.Height)
	case "png":
		// IHDR holds bit depth, colour type and interlacing at 24, 25 and 28.
		if len(data) < 29 || data[24] > 8 {
			return 8
		}
		perPixel := 4.0 // 8 bits: RGBA or NRGBA; grey too once it has alpha or a transparent colour
		if data[25] == 3 {
			perPixel = 1 // palette
		}
		if data[28] == 1 {
			perPixel *= 2 // Adam7: each pass is decoded into an image of its own, then merged
		}
		return perPixel
	}
	// WebP. A plain lossy picture ("VP8 " first) decodes to YCbCr 4:2:0. Lossless ("VP8L"), and the
	// extended format ("VP8X": alpha, metadata) which may hold either and a losslessly compressed
	// alpha plane, decode through 4-byte-a-pixel buffers that a transform may copy once more.
	if len(data) >= 16 && string(data[12:16]) == "VP8 " {
		return 2
	}
	return 12
}

// jpegFrame is what a JPEG's headers tell about the memory its decoding takes.
type jpegFrame struct {
	progressive bool
	comps       []struct{ h, v int } // sampling factors of each component
	toRGBA      bool                 // converted into a further 4-byte-a-pixel image (CMYK, RGB)
}

// readJPEGFrame reads the marker segments of a JPEG up to its first scan, the way image/jpeg does:
// stray bytes and fill bytes before a marker are skipped, the first SOF counts.
func readJPEGFrame(data []byte) (jpegFrame, bool) {
	var f jpegFrame
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return f, false
	}
	var sof []byte
	var jfif, adobe bool
	var adobeTransform byte
	for i := 2; ; {
		for i < len(data) && data[i] != 0xff {
			i++
		}
		for i < len(data) && data[i] == 0xff {
			i++
		}
		if i >= len(data) {
			return f, false
		}
		marker := data[i]
		i++
		if marker == 0x00 || marker == 0x01 || 0xd0 <= marker && marker <= 0xd7 {
			continue // no segment follows these
		}
		if marker == 0xd9 || i+2 > len(data) {
			return f, false
		}
		n := int(data[i])<<8 | int(data[i+1])
		if n < 2 || i+n > len(data) {
			return f, false
		}
		seg := data[i+2 : i+n]
		i += n
		switch {
		case marker == 0xe0 && len(seg) >= 5 && string(seg[:5]) == "JFIF\x00":
			jfif = true
		case marker == 0xee && len(seg) >= 12 && string(seg[:5]) == "Adobe":
			adobe, adobeTransform = true, seg[11]
		case (marker == 0xc0 || marker == 0xc1 || marker == 0xc2) && sof == nil:
			sof, f.progressive = seg, marker == 0xc2
		case marker == 0xda: // the first scan: every header the decoder uses has been seen
			if sof == nil || len(sof) < 6 {
				return f, false
			}
			n := int(sof[5])
			if n != 1 && n != 3 && n != 4 || len(sof) < 6+3*n {
				return f, false
			}
			var ids []byte
			for c := 0; c < n; c++ {
				hv := sof[6+3*c+1]
				h, v := max(1, min(4, int(hv>>4))), max(1, min(4, int(hv&0x0f)))
				if n == 1 {
					h, v = 1, 1 // image/jpeg ignores the factors of a single component
				}
				f.comps = append(f.comps, struct{ h, v int }{h, v})
				ids = append(ids, sof[6+3*c])
			}
			rgb := n == 3 && !jfif && (adobe && adobeTransform == 0 || string(ids) == "RGB")
			f.toRGBA = n == 4 || rgb
			return f, true
		}
	}
}

// bytesPerPixel is what image/jpeg allocates per pixel of a w×h picture: the planes of its
// components (rounded up to whole blocks), a progressive picture's coefficients (64 int32 per
// 8×8 block, so 4 bytes a sample), and the RGBA or CMYK copy a 4-component or RGB picture is turned into.
func (f jpegFrame) bytesPerPixel(w, h int) float64 {
	hmax, vmax := 1, 1
	for _, c := range f.comps {
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
	}
	mxx, myy := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
	samples := 0
	for _, c := range f.comps {
		samples += 8 * c.h * mxx * 8 * c.v * myy
	}
	total := float64(samples)
	if f.progressive {
		total += 4 * float64(samples)
	}
	if f.toRGBA {
		total += 4 * float64(w) * float64(h)
	}
	return total / (float64(w) * float64(h))
}
