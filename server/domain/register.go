package domain

import "time"

// Register is one of the SOP's registers (Buku Agenda, check list, Buku Penyerahan, legalisation
// register, vacancy register) laid out for export: its title, the lines that say what it covers,
// and its columns and rows as text.
type Register struct {
	Title   string
	Lines   []string
	Columns []string
	Rows    [][]string
}

// RegisterDays says which office days a register covers, as its heading prints it.
func RegisterDays(from, to time.Time) string {
	if from.Equal(to) {
		return "Tanggal " + FormatDate(from)
	}
	return "Tanggal " + FormatDate(from) + " s/d " + FormatDate(to)
}

// MaxRegisterDays is the longest span one register page or export covers: a year.
const MaxRegisterDays = 366
