package journal

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestPutReopenKeepsLastSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "journal")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	steps := []Entry{
		{JobID: 1, Lease: "a", Step: StepIntent, IntentUnix: 100},
		{JobID: 1, Lease: "a", Step: StepSent, CUPSJobID: 9, IntentUnix: 100},
		{JobID: 2, Lease: "b", Step: StepClaimed, Final: "failed", Error: "pdf-download: 404"},
		{JobID: 3, Lease: "c", Step: StepSent, CUPSJobID: 10, Reported: "sent"},
	}
	for _, e := range steps {
		if err := j.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Done(3); err != nil {
		t.Fatal(err)
	}
	j.Close()

	j2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	got := j2.Entries()
	if len(got) != 2 || got[0] != steps[1] || got[1] != steps[2] {
		t.Fatalf("entries after reopen = %+v", got)
	}
}

func TestTornTailIsDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Put(Entry{JobID: 5, Step: StepIntent, Lease: "x"}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	full, _ := MarshalLine(Entry{JobID: 5, Step: StepSent, Lease: "x", CUPSJobID: 77})
	tests := map[string][]byte{
		"no newline":        full[:len(full)-5],
		"damaged last line": append(append([]byte{}, full[:len(full)-3]...), 'X', '}', '\n'),
	}
	for name, tail := range tests {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "journal")
			base, _ := os.ReadFile(path)
			if err := os.WriteFile(p, append(base, tail...), 0o600); err != nil {
				t.Fatal(err)
			}
			j, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			e, ok := j.Get(5)
			if !ok || e.Step != StepIntent {
				t.Fatalf("want the intent to survive and the torn sent line to be ignored, got %+v %v", e, ok)
			}
		})
	}
}

func TestCorruptMiddleLineIsAnError(t *testing.T) {
	p := filepath.Join(t.TempDir(), "journal")
	a, _ := MarshalLine(Entry{JobID: 1, Step: StepIntent})
	b, _ := MarshalLine(Entry{JobID: 2, Step: StepIntent})
	a[12] ^= 1
	os.WriteFile(p, append(a, b...), 0o600)
	if _, err := Open(p); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open = %v, want ErrCorrupt", err)
	}
}

func TestCompactionKeepsFileSmall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for i := int64(1); i <= 500; i++ {
		j.Put(Entry{JobID: i, Step: StepIntent})
		j.Put(Entry{JobID: i, Step: StepSent, CUPSJobID: int(i)})
		if i%100 != 0 {
			j.Done(i)
		}
	}
	st, _ := os.Stat(path)
	if st.Size() > 30_000 {
		t.Errorf("journal is %d bytes after compaction", st.Size())
	}
	j.Close()
	j2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	if n := len(j2.Entries()); n != 5 {
		t.Errorf("live entries = %d, want 5", n)
	}
}

func TestParseLineRejects(t *testing.T) {
	good, _ := MarshalLine(Entry{JobID: 1, Step: StepSent, CUPSJobID: 3})
	if _, err := ParseLine(good[:len(good)-1]); err != nil {
		t.Fatalf("good line: %v", err)
	}
	bad := []string{
		"",
		"zzzzzzzz {}",
		"00000000 {}",
		string(mustLineRaw(`{"job":0,"step":"sent"}`)),
		string(mustLineRaw(`{"job":1,"step":"flying"}`)),
		string(mustLineRaw(`{"job":1,"step":"sent","extra":1}`)),
		string(mustLineRaw(`{"job":1,"step":"sent"} {}`)),
		string(mustLineRaw(`{"job":1,"step":"sent","final":"maybe"}`)),
	}
	for _, s := range bad {
		if _, err := ParseLine([]byte(s)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("ParseLine(%q) = %v, want ErrCorrupt", s, err)
		}
	}
}

// mustLineRaw builds a line with a valid checksum around arbitrary JSON, to test field checks.
func mustLineRaw(js string) []byte {
	return []byte(checksum(js) + " " + js)
}

func checksum(js string) string {
	const hex = "0123456789abcdef"
	c := crc32Checksum([]byte(js))
	b := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		b[i] = hex[c&0xf]
		c >>= 4
	}
	return string(b)
}
