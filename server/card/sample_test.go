package card

import (
	"fmt"
	"testing"
)

func TestWriteSamples(t *testing.T) {
	for name, c := range map[string]Card{"sample": sampleCard(t), "long": longCard(t)} {
		pdf, err := RenderPDF(c)
		if err != nil {
			t.Fatal(err)
		}
		writeSample(t, name+".pdf", pdf)
		for face := 1; face <= 2; face++ {
			png, err := RenderPNG(c, face)
			if err != nil {
				t.Fatal(err)
			}
			writeSample(t, fmt.Sprintf("%s-%d.png", name, face), png)
		}
	}
}
