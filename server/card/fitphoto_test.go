package card

import (
	"image"
	"image/color"
	"runtime"
	"testing"
)

// cameraPicture is a w×h YCbCr picture like a camera's, with smooth gradients and hard edges.
func cameraPicture(w, h int) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := byte(x * 200 / w)
			if (x/300+y/300)%2 == 0 {
				v += 50
			}
			img.Y[y*img.YStride+x] = v
		}
	}
	cw, ch := (w+1)/2, (h+1)/2
	for y := 0; y < ch; y++ {
		for x := 0; x < cw; x++ {
			img.Cb[y*img.CStride+x], img.Cr[y*img.CStride+x] = byte(90+x*60/cw), byte(160-y*60/ch)
		}
	}
	return img
}

// boxW and boxH are the size the desk stores photos at (web.photoW, web.photoH).
const boxW, boxH = 354, 472

// plainImage hides every method but image.Image's, so FitPhoto resamples it directly.
type plainImage struct{ image.Image }

// TestFitPhotoLargePicture: a 16-megapixel picture is fitted into the photo box with a few
// megabytes (resampled directly, CatmullRom kept a 52 MB buffer).
func TestFitPhotoLargePicture(t *testing.T) {
	src := cameraPicture(3464, 4618)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	FitPhoto(src, boxW, boxH)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 12<<20 {
		t.Errorf("FitPhoto of a 16 MP picture allocated %d MB, want under 12 MB", alloc>>20)
	}
}

// TestFitPhotoShrinkLooksTheSame: averaging a picture down first gives what resampling it directly
// gives, up to a few levels on hard edges.
func TestFitPhotoShrinkLooksTheSame(t *testing.T) {
	src := cameraPicture(1900, 2500)
	got, want := FitPhoto(src, boxW, boxH), FitPhoto(plainImage{src}, boxW, boxH)
	if got.Bounds() != want.Bounds() {
		t.Fatalf("bounds %v, want %v", got.Bounds(), want.Bounds())
	}
	var sum, worst int
	for i := range got.Pix {
		d := int(got.Pix[i]) - int(want.Pix[i])
		sum += max(d, -d)
		worst = max(worst, d, -d)
	}
	if mean := float64(sum) / float64(len(got.Pix)); mean > 1.2 || worst > 40 {
		t.Errorf("differs from the direct resampling: mean %.2f, worst %d (of 255)", mean, worst)
	}
}

// TestFitPhotoTransparentOverWhite: a half-transparent picture shrunk by averaging lands on white
// as the direct resampling does.
func TestFitPhotoTransparentOverWhite(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 1800, 2400))
	for i := 0; i < len(src.Pix); i += 4 {
		copy(src.Pix[i:], []byte{0, 0, 200, 128})
	}
	got := FitPhoto(src, boxW, boxH).RGBAAt(boxW/2, boxH/2)
	want := FitPhoto(plainImage{src}, boxW, boxH).RGBAAt(boxW/2, boxH/2)
	near := func(a, b uint8) bool { return a+2 >= b && b+2 >= a }
	if !near(got.R, want.R) || !near(got.G, want.G) || !near(got.B, want.B) || got.A != 255 || got == (color.RGBA{}) {
		t.Errorf("centre pixel %v, direct resampling gives %v", got, want)
	}
}

func BenchmarkFitPhoto13MP(b *testing.B) {
	src := cameraPicture(3096, 4128)
	b.ReportAllocs()
	for b.Loop() {
		FitPhoto(src, boxW, boxH)
	}
}
