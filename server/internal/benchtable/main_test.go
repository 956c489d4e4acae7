package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGobenchRowsAndSplice(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "out.txt")
	os.WriteFile(in, []byte(`goos: linux
BenchmarkRenderPDFStoredPhoto-2   	     357	   2954354 ns/op	         2.836 cpu-ms/op	 1399620 B/op	    9597 allocs/op
BenchmarkRenderPDFStoredPhoto-2   	     357	   3100000 ns/op	         2.9 cpu-ms/op	 1399620 B/op	    9597 allocs/op
BenchmarkRenderPDFStoredPhoto-2   	     357	   2800000 ns/op	 1399620 B/op	    9597 allocs/op
BenchmarkSubmitApplication-2   	    3000	    500503 ns/op	      2033 submissions/s
PASS
`), 0o644)
	rows := filepath.Join(dir, "rows.tsv")
	if err := run([]string{"gobench", "-rows", rows, "-in", in, "-cmd", "go test -bench=x", "-cond", "idle",
		"BenchmarkRenderPDFStoredPhoto|ns/op|card PDF|< 5 ms", "BenchmarkRenderPDFStoredPhoto|cpu-ms/op|card PDF CPU|", "BenchmarkSubmitApplication|submissions/s|submissions|"}, os.Stdout); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"row", "-rows", rows, "a|b", "skipped: no CUPS", "", "", ""}, os.Stdout); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(dir, "benchmarks.md")
	os.WriteFile(doc, []byte("# Benchmarks\n\nNarrative stays.\n"), 0o644)
	var out strings.Builder
	for range 2 { // the second run replaces the first table
		out.Reset()
		if err := run([]string{"render", "-rows", rows, "-doc", doc}, &out); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"| card PDF | 2.95 ms (median of 3 runs, 2.80–3.10) | < 5 ms | `go test -bench=x` | idle |",
		"| submissions | 2033 submissions/s |", "| card PDF CPU | 2.90 cpu-ms/op (median of 2 runs, 2.84–2.90) |", `| a\|b | skipped: no CUPS |`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	got, _ := os.ReadFile(doc)
	if strings.Count(string(got), beginMarker) != 1 || !strings.Contains(string(got), "Narrative stays.") || !strings.HasPrefix(string(got), "# Benchmarks\n") {
		t.Errorf("doc after two runs:\n%s", got)
	}
	if err := run([]string{"gobench", "-rows", rows, "-in", in, "BenchmarkMissing|ns/op|x|"}, os.Stdout); err == nil {
		t.Error("a missing benchmark gave no error")
	}
}
