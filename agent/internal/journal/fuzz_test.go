package journal

import (
	"bytes"
	"testing"
)

// FuzzParseLine checks that no journal line, however damaged, panics the parser, and that every
// line it accepts survives a marshal/parse round trip unchanged.
func FuzzParseLine(f *testing.F) {
	for _, e := range []Entry{
		{JobID: 1, Step: StepIntent, Lease: "l", IntentUnix: 1700000000},
		{JobID: 2, Step: StepSent, CUPSJobID: 44, Reported: "sent"},
		{JobID: 3, Step: StepClaimed, Final: "failed", Error: "needs-operator-check"},
		{JobID: 4, Step: StepDone},
	} {
		line, _ := MarshalLine(e)
		f.Add(bytes.TrimSuffix(line, []byte("\n")))
	}
	f.Add([]byte("00000000 {}"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := ParseLine(line)
		if err != nil {
			return
		}
		again, err := MarshalLine(e)
		if err != nil {
			t.Fatalf("accepted entry %+v does not marshal: %v", e, err)
		}
		e2, err := ParseLine(bytes.TrimSuffix(again, []byte("\n")))
		if err != nil || e2 != e {
			t.Fatalf("round trip: %+v -> %+v, %v", e, e2, err)
		}
	})
}
