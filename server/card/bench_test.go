package card

import (
	"bytes"
	"image/jpeg"
	"syscall"
	"testing"
	"time"
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
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := RenderPDF(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderPNGStoredPhoto(b *testing.B) {
	c := productionCard(b)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := RenderPNG(c, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPU adds the process's CPU time per render (cpu-ms/op) to the wall time: on a machine
// shared with other work the wall time also counts the waits for a core, the CPU time does not.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
