package domain

import (
	"fmt"
	"sort"
	"strings"
)

// PrintState is where a print job stands.
type PrintState string

// The states of a print job (design.md "Printing without duplicates or losses").
const (
	PrintQueued     PrintState = "queued"      // waiting for a station
	PrintClaimed    PrintState = "claimed"     // a station holds the lease, nothing sent to a printer yet
	PrintSent       PrintState = "sent"        // CUPS accepted it: on its way to paper
	PrintPrinted    PrintState = "printed"     // CUPS completed it; the desk confirms the card in hand
	PrintFailed     PrintState = "failed"      // did not print; the operator retries or cancels
	PrintNeedsCheck PrintState = "needs_check" // may or may not be on paper: a person decides
	PrintCancelled  PrintState = "cancelled"
)

// Label is the state in Bahasa Indonesia for the operator page.
func (s PrintState) Label() string {
	switch s {
	case PrintQueued:
		return "Menunggu dicetak"
	case PrintClaimed:
		return "Diambil stasiun cetak"
	case PrintSent:
		return "Sedang dicetak"
	case PrintPrinted:
		return "Sudah dicetak"
	case PrintFailed:
		return "Gagal"
	case PrintNeedsCheck:
		return "Perlu diperiksa operator"
	case PrintCancelled:
		return "Dibatalkan"
	}
	return string(s)
}

// Final tells whether nothing more happens to a job in this state.
func (s PrintState) Final() bool { return s == PrintPrinted || s == PrintCancelled }

// Card states.
const (
	CardActive    = "active"
	CardVoided    = "voided" // replaced by a reprint, or spoiled
	CardPlaced    = "placed" // the holder was hired
	CardLapsed    = "lapsed"
	CardCancelled = "cancelled"
)

// ParsePrintOptions reads a station's print options, one "name=value" per line (IPP job attributes or
// driver options, e.g. "sides=two-sided-long-edge", "PageSize=Custom.242.65x153.01"). Blank lines
// and lines starting with # are ignored. The error says, in Bahasa Indonesia, which line to fix.
func ParsePrintOptions(text string) (map[string]string, error) {
	out := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" || value == "" {
			return nil, fmt.Errorf("baris %d: tulis sebagai nama=nilai, misalnya sides=two-sided-long-edge", i+1)
		}
		if len(name) > 64 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" {
			return nil, fmt.Errorf("baris %d: nama pilihan %q hanya boleh huruf, angka, titik, garis bawah dan tanda hubung", i+1, name)
		}
		if len(value) > 200 || strings.ContainsFunc(value, func(r rune) bool { return r < ' ' || r == 0x7f || Invisible(r) }) {
			return nil, fmt.Errorf("baris %d: nilai pilihan %q terlalu panjang atau berisi karakter kendali/tak terlihat", i+1, name)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("baris %d: pilihan %q ditulis dua kali", i+1, name)
		}
		out[name] = value
		if len(out) > 40 {
			return nil, fmt.Errorf("paling banyak 40 pilihan cetak")
		}
	}
	return out, nil
}

// FormatPrintOptions writes options back as ParsePrintOptions reads them, sorted by name.
func FormatPrintOptions(opts map[string]string) string {
	names := make([]string, 0, len(opts))
	for k := range opts {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString(k + "=" + opts[k] + "\n")
	}
	return b.String()
}
