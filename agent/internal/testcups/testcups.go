// Package testcups gives tests the real CUPS queue set up by .ci/cups.sh, and small valid PDFs.
// It is imported only from _test files.
package testcups

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Env is the CUPS test setup as printed by .ci/cups.sh.
type Env struct {
	Printer string // CUPS queue, e.g. AK1-PDF
	PDFDir  string // where cups-pdf writes its output
	Server  string // domain socket path or host:port
}

// Get returns the setup from AK1_TEST_CUPS_* (defaults match .ci/cups.sh). When CUPS does not
// answer it skips the test, except in CI (CI=true) where these tests must run and so fail.
func Get(t testing.TB) Env {
	t.Helper()
	e := Env{
		Printer: getenv("AK1_TEST_CUPS_PRINTER", "AK1-PDF"),
		PDFDir:  getenv("AK1_TEST_CUPS_PDF_DIR", "/var/spool/cups-pdf/ak1"),
		Server:  getenv("AK1_TEST_CUPS_SOCKET", "/run/cups/cups.sock"),
	}
	network, addr := "tcp", e.Server
	if strings.HasPrefix(e.Server, "/") {
		network = "unix"
	}
	c, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		msg := fmt.Sprintf("CUPS not reachable at %s (%v); run `eval \"$(sudo .ci/cups.sh)\"`", e.Server, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	c.Close()
	return e
}

func getenv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// CountOutputs counts cups-pdf output files per print-job name ak1-job-<id>. cups-pdf is set up
// with Label 2, so every CUPS job gets its own file and a duplicate print shows up as 2.
func (e Env) CountOutputs(t testing.TB) map[string]int {
	t.Helper()
	ents, err := os.ReadDir(e.PDFDir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, de := range ents {
		for _, m := range jobNameRE.FindAllString(de.Name(), -1) {
			out[m]++
			break
		}
	}
	return out
}

var jobNameRE = regexp.MustCompile(`ak1-job-[0-9]+`)

// WaitOutputs waits until every name in want has at least one output file, or the timeout.
func (e Env) WaitOutputs(t testing.TB, want []string, timeout time.Duration) map[string]int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := e.CountOutputs(t)
		missing := 0
		for _, n := range want {
			if got[n] == 0 {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			return got
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// PDF returns a small valid one-page PDF showing label; cups-pdf re-renders it through
// Ghostscript, so it must really be well formed.
func PDF(label string) []byte {
	var b bytes.Buffer
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	b.WriteString("%PDF-1.4\n")
	content := fmt.Sprintf("BT /F1 12 Tf 20 100 Td (%s) Tj ET", label)
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 243 153] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

// UniqueBase returns a job id base unlikely to collide with names already in CUPS's job
// history or the output folder from earlier runs.
func UniqueBase() int64 {
	return (time.Now().UnixNano() / 1000 % 1_000_000_000) * 1000
}

// RemoveOutputs deletes output files of the given job names (tests clean up after themselves).
func (e Env) RemoveOutputs(names []string) {
	ents, _ := os.ReadDir(e.PDFDir)
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	for _, de := range ents {
		if m := jobNameRE.FindString(de.Name()); m != "" && set[m] {
			os.Remove(filepath.Join(e.PDFDir, de.Name()))
		}
	}
}
