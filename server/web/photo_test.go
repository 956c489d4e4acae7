package web

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
)

// pngChunk appends one PNG chunk with its length and CRC.
func pngChunk(out []byte, kind string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	chunk := append([]byte(kind), data...)
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

// blackPNG is a complete, valid PNG of w×h black RGB pixels at the given bit depth (8 or 16). All
// rows are zeros, so it compresses to almost nothing: a 16-bit 6320×6320 picture is a 0.3 MB file
// that decodes to 320 MB, the bomb of issue 7. One row is compressed and its deflate blocks are
// repeated (they refer to nothing before them), so that making the file costs nothing either.
func blackPNG(t testing.TB, w, h uint32, depth byte) []byte {
	t.Helper()
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, 2, 0, 0, 0)       // truecolour, deflate, no filter, no interlace
	row := make([]byte, 1+int(w)*3*int(depth)/8) // filter byte "none", then the pixels
	var blocks bytes.Buffer
	fw, err := flate.NewWriter(&blocks, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(row)
	if err := fw.Flush(); err != nil { // ends the blocks on a byte boundary, not final
		t.Fatal(err)
	}
	idat := []byte{0x78, 0x01} // zlib header: deflate, 32 kB window
	idat = append(idat, bytes.Repeat(blocks.Bytes(), int(h))...)
	idat = append(idat, 0x01, 0x00, 0x00, 0xff, 0xff) // an empty final stored block
	// Adler-32 of n zero bytes: the first sum stays 1, the second counts the bytes.
	n := uint64(len(row)) * uint64(h)
	idat = binary.BigEndian.AppendUint32(idat, uint32(n%65521)<<16|1)
	out := pngChunk([]byte("\x89PNG\r\n\x1a\n"), "IHDR", ihdr)
	out = pngChunk(out, "IDAT", idat)
	return pngChunk(out, "IEND", nil)
}

// jpegClaiming is a real 64×64 JPEG whose frame header is changed to claim w×h pixels, and to be
// progressive if asked: its decoder allocates the whole picture before it finds the data missing.
func jpegClaiming(t testing.TB, w, h uint16, progressive bool) []byte {
	t.Helper()
	b := append([]byte(nil), testJPEG(t, 64, 64)...)
	i := bytes.Index(b, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0 in the test JPEG")
	}
	if progressive {
		// A DC-only first scan, as progressive JPEGs start: a scan the decoder accepts, so that it
		// allocates the picture and every coefficient before it meets the data.
		b[i+1] = 0xc2
		j := bytes.Index(b, []byte{0xff, 0xda})
		if j < 0 {
			t.Fatal("no SOS in the test JPEG")
		}
		b[j+5+2*int(b[j+4])+1] = 0 // Se, the last coefficient of the scan
	}
	binary.BigEndian.PutUint16(b[i+5:], h)
	binary.BigEndian.PutUint16(b[i+7:], w)
	return b
}

// webpFile wraps one chunk into a RIFF WebP file.
func webpFile(kind string, payload []byte) []byte {
	if len(payload)%2 == 1 {
		payload = append(payload, 0)
	}
	out := []byte("RIFF")
	out = binary.LittleEndian.AppendUint32(out, uint32(4+8+len(payload)))
	out = append(out, "WEBP"+kind...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(payload)))
	return append(out, payload...)
}

// webpLossy is a lossy WebP key frame header claiming w×h, followed by zeros for the decoder to read.
func webpLossy(w, h int) []byte {
	const firstPartition = 10 // bytes
	frame := []byte{0x10 | firstPartition&7<<5, firstPartition >> 3, 0, 0x9d, 0x01, 0x2a, byte(w), byte(w >> 8), byte(h), byte(h >> 8)}
	return webpFile("VP8 ", append(frame, make([]byte, 64)...))
}

// webpLossless is a lossless WebP header claiming w×h.
func webpLossless(w, h int) []byte {
	bits := uint32(w-1) | uint32(h-1)<<14
	return webpFile("VP8L", binary.LittleEndian.AppendUint32([]byte{0x2f}, bits))
}

// webpExtended is an extended-format WebP header (VP8X) with a w×h canvas and an alpha channel.
func webpExtended(w, h int) []byte {
	x := []byte{0x10, 0, 0, 0, byte(w - 1), byte((w - 1) >> 8), byte((w - 1) >> 16), byte(h - 1), byte((h - 1) >> 8), byte((h - 1) >> 16)}
	return webpFile("VP8X", x)
}

// gifClaiming is a GIF header with a w×h screen: GIF is no photo format here.
func gifClaiming(w, h uint16) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	return append(b, 0, 0, 0, ';')
}

// allocatedDuring returns how many bytes the whole process (test client and server alike)
// allocated while f ran. A decoded bomb shows up as tens or hundreds of megabytes.
func allocatedDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// photoDesk is a petugas signed in at the page of a waiting application, ready to upload its photo.
func photoDesk(t *testing.T) (*testServer, *client, *domain.Application) {
	t.Helper()
	srv := newTestServer(t, Options{})
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	c := signIn(t, srv, "petugas", pw)
	app := submitForm(t, srv, 1)
	c.get(appURL(app.ID))
	return srv, c, app
}

// photoAllocLimit is far below what any refused bomb would take to decode, and far above what the
// upload itself takes (the file a few times over, the page with the message).
const photoAllocLimit = 16 << 20

// TestPhotoBombsRefusedBeforeDecoding: JPEG, PNG and WebP files that are small but decode to huge
// or costly pictures are refused from their header, with a message that says what to do, and
// without the memory a decoding would take (issue 7, finding 6).
func TestPhotoBombsRefusedBeforeDecoding(t *testing.T) {
	srv, c, app := photoDesk(t)
	path := appURL(app.ID) + "/foto"
	cases := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"16-bit PNG 6320×6320", "bom.png", blackPNG(t, 6320, 6320, 16), "Foto terlalu besar (6320×6320 piksel). Gunakan foto paling besar 16 megapiksel"},
		{"16-bit PNG 2000×2000", "foto.png", blackPNG(t, 2000, 2000, 16), "PNG 16-bit tidak dapat dipakai"},
		{"8-bit PNG 6000×6000", "foto.png", blackPNG(t, 6000, 6000, 8), "Foto terlalu besar (6000×6000 piksel)"},
		{"8-bit PNG 200×9000", "foto.png", blackPNG(t, 200, 9000, 8), "Foto terlalu besar (200×9000 piksel)"},
		{"JPEG 6000×6000", "foto.jpg", jpegClaiming(t, 6000, 6000, false), "Foto terlalu besar (6000×6000 piksel)"},
		{"progressive JPEG 4000×3500", "foto.jpg", jpegClaiming(t, 4000, 3500, true),
			"Foto ini terlalu berat untuk diproses (4000×3500 piksel, JPEG progresif). Perkecil foto menjadi paling besar 2900×2900 piksel"},
		{"lossy WebP 6000×6000", "foto.webp", webpLossy(6000, 6000), "Foto terlalu besar (6000×6000 piksel)"},
		{"lossless WebP 4000×4000", "foto.webp", webpLossless(4000, 4000), "Foto ini terlalu berat untuk diproses (4000×4000 piksel, WebP)"},
		{"extended WebP 16000×16000", "foto.webp", webpExtended(16000, 16000), "Foto terlalu besar (16000×16000 piksel)"},
		{"GIF 6000×6000", "foto.gif", gifClaiming(6000, 6000), "bukan foto yang dapat dibaca"},
	}
	for _, tc := range cases {
		var status int
		var body string
		alloc := allocatedDuring(func() { status, body = c.postFile(path, "foto", tc.file, tc.data) })
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s (%d kB): %d, body lacks %q", tc.name, len(tc.data)>>10, status, tc.want)
		}
		if alloc > photoAllocLimit {
			t.Errorf("%s (%d kB): the upload allocated %d MB, want under %d MB", tc.name, len(tc.data)>>10, alloc>>20, photoAllocLimit>>20)
		}
	}
	if _, err := srv.DB.Photo(context.Background(), app.ID); err == nil {
		t.Fatal("a refused upload was stored")
	}
}

// TestPhotoUploadAcceptsCameraPictures: the full-size pictures of tablets and phones still pass:
// a 13-megapixel 4128×3096 JPEG, a 12-megapixel PNG, lossy and lossless WebP.
func TestPhotoUploadAcceptsCameraPictures(t *testing.T) {
	_, c, app := photoDesk(t)
	c.http.Timeout = 2 * time.Minute // decoding a 13 MP picture under -race on a busy machine takes many seconds
	webp := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"foto.jpg", cameraJPEG(t, 4128, 3096)},
		{"foto.png", blackPNG(t, 3000, 4000, 8)},
		{"foto.lossy.webp", webp("foto.lossy.webp")},
		{"foto.lossless.webp", webp("foto.lossless.webp")},
	} {
		if status, body := c.postFile(appURL(app.ID)+"/foto", "foto", tc.name, tc.data); status != http.StatusSeeOther {
			t.Errorf("%s: %d\n%.600s", tc.name, status, body)
		}
	}
}

// cameraJPEG is a w×h JPEG like a camera's (YCbCr 4:2:0, baseline), made without a slow per-pixel loop.
func cameraJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Y[y*img.YStride+x] = byte(x/24 + y/24) // smooth, so the file stays small like a photo's
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 110, 150
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestPhotoUploadChecksStateFirst: a photo for an application the desk no longer handles is refused
// before the file is decoded.
func TestPhotoUploadChecksStateFirst(t *testing.T) {
	srv := newTestServer(t, Options{})
	id, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	c := signIn(t, srv, "petugas", pw)
	app := submitForm(t, srv, 1)
	if err := srv.DB.RejectApplication(context.Background(), app.ID, id, app.State, "Pendaftaran ganda"); err != nil {
		t.Fatal(err)
	}
	c.get(appURL(app.ID))
	photo := cameraJPEG(t, 3000, 4000) // 12 MP: decoding and resampling it takes over 50 MB
	var status int
	var body string
	alloc := allocatedDuring(func() { status, body = c.postFile(appURL(app.ID)+"/foto", "foto", "foto.jpg", photo) })
	if status != http.StatusConflict || !strings.Contains(body, "sudah diproses") {
		t.Errorf("photo for a rejected application: %d\n%.600s", status, body)
	}
	if limit := uint64(len(photo))*6 + 4<<20; alloc > limit {
		t.Errorf("refusing the photo allocated %d MB: it was decoded (want under %d MB)", alloc>>20, limit>>20)
	}
}

// TestPhotoDecodingIsBounded: photos are decoded photoDecoders at a time; an upload that finds every
// slot taken for longer than photoDecodeWait is told to try again, and is served once a slot frees.
func TestPhotoDecodingIsBounded(t *testing.T) {
	_, c, app := photoDesk(t)
	defer func(d time.Duration) { photoDecodeWait = d }(photoDecodeWait)
	photoDecodeWait = 100 * time.Millisecond
	for i := 0; i < photoDecoders; i++ {
		photoDecodeSlots <- struct{}{} // as many photos being decoded as allowed
	}
	status, body := c.postFile(appURL(app.ID)+"/foto", "foto", "foto.jpg", testJPEG(t, 600, 800))
	<-photoDecodeSlots
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "sedang memproses foto lain") {
		t.Errorf("upload while %d photos are decoded: %d\n%.600s", photoDecoders, status, body)
	}
	status, body = c.postFile(appURL(app.ID)+"/foto", "foto", "foto.jpg", testJPEG(t, 600, 800))
	for i := 1; i < photoDecoders; i++ {
		<-photoDecodeSlots
	}
	if status != http.StatusSeeOther {
		t.Errorf("upload with a free slot: %d\n%.600s", status, body)
	}
	if len(photoDecodeSlots) != 0 {
		t.Errorf("%d slots left taken after the uploads", len(photoDecodeSlots))
	}
}

// FuzzPhotoHeader: reading the header of any upload neither panics nor estimates a decoding
// cheaper than the decoded picture itself; a small upload goes all the way through normalizePhoto.
func FuzzPhotoHeader(f *testing.F) {
	f.Add(testJPEG(f, 160, 200))
	f.Add(jpegClaiming(f, 4000, 3500, true))
	f.Add(blackPNG(f, 200, 300, 8))
	f.Add(webpLossy(300, 400))
	f.Add(webpLossless(300, 400))
	f.Add(webpExtended(300, 400))
	f.Add(gifClaiming(300, 400))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err == nil && cfg.Width*cfg.Height <= 1<<16 {
			normalizePhoto(data) // an error is fine, a panic is not
		}
		if err != nil || cfg.Width < 120 || cfg.Height < 160 || format == "gif" {
			return // normalizePhoto refuses these before estimating
		}
		if cost := decodeCost(data, format, cfg); !(cost >= 1 && cost <= 64) {
			t.Fatalf("%s %dx%d: %.2f bytes a pixel", format, cfg.Width, cfg.Height, cost)
		}
		if formatName(data, format) == "" {
			t.Fatal("no format name")
		}
	})
}
