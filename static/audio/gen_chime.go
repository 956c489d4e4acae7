//go:build ignore

// gen_chime writes chime.wav, the lobby display's call sound: a two-note "ding-dong" (E5 then C5)
// with soft overtones and a bell-like decay, 16-bit mono at 22 050 Hz. Run from this folder:
//
//	go run gen_chime.go
package main

import (
	"encoding/binary"
	"math"
	"os"
)

const rate = 22050

func main() {
	notes := []struct{ freq, start, length float64 }{{659.25, 0, 1.0}, {523.25, 0.55, 1.25}}
	total := int(1.8 * rate)
	samples := make([]float64, total)
	for _, n := range notes {
		for i := 0; i < int(n.length*rate); i++ {
			t := float64(i) / rate
			j := int(n.start*rate) + i
			if j >= total {
				break
			}
			attack := math.Min(1, t/0.005) // no click at the start
			env := attack * math.Exp(-3.2*t)
			v := math.Sin(2*math.Pi*n.freq*t) + 0.35*math.Sin(2*math.Pi*2*n.freq*t)*math.Exp(-2*t) + 0.15*math.Sin(2*math.Pi*3.01*n.freq*t)*math.Exp(-4*t)
			samples[j] += 0.45 * env * v
		}
	}
	// Fade out the last 50 ms.
	for i := total - rate/20; i < total; i++ {
		samples[i] *= float64(total-i) / float64(rate/20)
	}
	pcm := make([]byte, 2*total)
	for i, s := range samples {
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(int16(math.Max(-1, math.Min(1, s))*32000)))
	}
	var h []byte
	h = append(h, "RIFF"...)
	h = binary.LittleEndian.AppendUint32(h, uint32(36+len(pcm)))
	h = append(h, "WAVEfmt "...)
	h = binary.LittleEndian.AppendUint32(h, 16)
	h = binary.LittleEndian.AppendUint16(h, 1) // PCM
	h = binary.LittleEndian.AppendUint16(h, 1) // mono
	h = binary.LittleEndian.AppendUint32(h, rate)
	h = binary.LittleEndian.AppendUint32(h, rate*2)
	h = binary.LittleEndian.AppendUint16(h, 2)
	h = binary.LittleEndian.AppendUint16(h, 16)
	h = append(h, "data"...)
	h = binary.LittleEndian.AppendUint32(h, uint32(len(pcm)))
	if err := os.WriteFile("chime.wav", append(h, pcm...), 0o644); err != nil {
		panic(err)
	}
}
