package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The monthly IPK report (Kepdirjen Binapenta KEP.268/PPTK/XII/2012; shared/ipk-tables.md): its
// periods, the rules it classifies job seekers by, and which tables each month's report holds.

// Office is the office named on every report and register.
const Office = "DINAS TENAGA KERJA DAN SERTIFIKASI KOMPETENSI KOTA DENPASAR"

// Region is the area the report covers, as its titles name it.
const Region = "KOTA DENPASAR"

// Period is the span a table counts: a calendar month or a quarter, as office days held as
// midnight UTC (like Day), both ends included.
type Period struct {
	Quarter bool
	Start   time.Time
	End     time.Time
}

// MonthPeriod is the calendar month of day d.
func MonthPeriod(d time.Time) Period {
	start := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
	return Period{Start: start, End: start.AddDate(0, 1, -1)}
}

// QuarterPeriod is the quarter (triwulan) of day d.
func QuarterPeriod(d time.Time) Period {
	first := time.Month((int(d.Month())-1)/3*3 + 1)
	start := time.Date(d.Year(), first, 1, 0, 0, 0, 0, time.UTC)
	return Period{Quarter: true, Start: start, End: start.AddDate(0, 3, -1)}
}

// Previous is the period just before p, of the same length.
func (p Period) Previous() Period {
	if p.Quarter {
		return QuarterPeriod(p.Start.AddDate(0, 0, -1))
	}
	return MonthPeriod(p.Start.AddDate(0, 0, -1))
}

var romanQuarters = [4]string{"I", "II", "III", "IV"}

func (p Period) quarter() int { return (int(p.Start.Month())-1)/3 + 1 }

// Key names the period in addresses and files: 2026-11 for a month, 2026-T4 for a quarter.
func (p Period) Key() string {
	if p.Quarter {
		return fmt.Sprintf("%d-T%d", p.Start.Year(), p.quarter())
	}
	return p.Start.Format("2006-01")
}

// Label is the period as report titles print it: "NOVEMBER 2026", "TRIWULAN IV 2026".
func (p Period) Label() string {
	if p.Quarter {
		return fmt.Sprintf("TRIWULAN %s %d", romanQuarters[p.quarter()-1], p.Start.Year())
	}
	return strings.ToUpper(monthNames[p.Start.Month()-1]) + " " + strconv.Itoa(p.Start.Year())
}

// Name is the period in ordinary words: "November 2026", "Triwulan IV 2026".
func (p Period) Name() string {
	if p.Quarter {
		return fmt.Sprintf("Triwulan %s %d", romanQuarters[p.quarter()-1], p.Start.Year())
	}
	return monthNames[p.Start.Month()-1] + " " + strconv.Itoa(p.Start.Year())
}

// Unit is the word the headers use for the period: BULAN or TRIWULAN.
func (p Period) Unit() string {
	if p.Quarter {
		return "TRIWULAN"
	}
	return "BULAN"
}

// Dates is the span in words, as the PSR sheets print it under the title.
func (p Period) Dates() string {
	return "PADA TANGGAL : " + FormatDate(p.Start) + " s/d " + FormatDate(p.End)
}

// Contains tells whether day d lies in the period.
func (p Period) Contains(d time.Time) bool { return !d.Before(p.Start) && !d.After(p.End) }

// ParseMonth reads a month as addresses and the command line give it (2026-11) and returns its
// period; the error says in Bahasa Indonesia what to write.
func ParseMonth(s string) (Period, error) {
	if len(s) != 7 || s[4] != '-' {
		return Period{}, fmt.Errorf("Bulan %q tidak dikenal: tulis tahun dan bulan seperti 2026-11.", clip(s))
	}
	if !allDigits(s[:4]) || !allDigits(s[5:]) {
		return Period{}, fmt.Errorf("Bulan %q tidak dikenal: tulis tahun dan bulan seperti 2026-11.", clip(s))
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:])
	if m < 1 || m > 12 {
		return Period{}, fmt.Errorf("Bulan %q tidak ada: bulan ditulis 01 sampai 12.", clip(s))
	}
	if y < 2000 || y > 2999 {
		return Period{}, fmt.Errorf("Tahun %d di luar jangkauan laporan (2000–2999).", y)
	}
	return MonthPeriod(time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)), nil
}

// ParsePeriod reads a period key: a month (2026-11) or a quarter (2026-T4).
func ParsePeriod(s string) (Period, error) {
	if len(s) == 7 && s[5] == 'T' {
		p, err := ParseMonth(s[:5] + "01")
		q := int(s[6] - '0')
		if err != nil || q < 1 || q > 4 {
			return Period{}, fmt.Errorf("Triwulan %q tidak dikenal: tulis seperti 2026-T4.", clip(s))
		}
		return QuarterPeriod(p.Start.AddDate(0, 3*(q-1), 0)), nil
	}
	return ParseMonth(s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// clip keeps an echoed input short and printable.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if r := []rune(s); len(r) > 20 {
		s = string(r[:20]) + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

// The tables of the report.
const (
	TableIII1 = "III/1"
	TableIII2 = "III/2"
	TableIII3 = "III/3"
	TableIII4 = "III/4"
	TableIII5 = "III/5"
	TableIII6 = "III/6"
	TableIII7 = "III/7"
	TableIII8 = "III/8"
)

// IPKTables lists the tables in report order.
var IPKTables = []string{TableIII1, TableIII2, TableIII3, TableIII4, TableIII5, TableIII6, TableIII7, TableIII8}

// DefaultQuarterly are the tables offices report per quarter (shared/ipk-tables.md); the others are monthly.
var DefaultQuarterly = []string{TableIII3, TableIII5, TableIII6}

// ReportSettings say which tables are counted per quarter *(local practice)*. A quarterly table is
// part of the report of its quarter's last month (March, June, September, December).
type ReportSettings struct {
	Quarterly []string
}

// DefaultReportSettings: III/3, III/5 and III/6 per quarter.
var DefaultReportSettings = ReportSettings{Quarterly: DefaultQuarterly}

// ParseQuarterly reads the list of quarterly tables, e.g. "III/3,III/5,III/6"; "-" or "" means none.
func ParseQuarterly(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "-" {
		return []string{}, nil
	}
	var out []string
	for _, part := range strings.Split(s, ",") {
		id := strings.ToUpper(strings.TrimSpace(part))
		if !contains(IPKTables, id) {
			return nil, fmt.Errorf("tabel %q tidak dikenal: tulis di antara %s, dipisah koma", clip(part), strings.Join(IPKTables, ", "))
		}
		if !contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// PeriodOf says the period table id counts in the report of the month m, and false when the table
// is not part of that month's report (a quarterly table before its quarter's last month).
func (s ReportSettings) PeriodOf(id string, m Period) (Period, bool) {
	if !contains(s.Quarterly, id) {
		return m, true
	}
	q := QuarterPeriod(m.Start)
	return q, q.End.Equal(m.End)
}

// Age groups of III/1 (ETAM's $kelompokUmur); a job seeker under 15 is in none.
var AgeGroups = []struct {
	Label    string
	From, To int // completed years, both included; To 0 means no upper bound
}{{"15-19", 15, 19}, {"20-29", 20, 29}, {"30-44", 30, 44}, {"45-54", 45, 54}, {"55+", 55, 0}}

// BornBy is the last birth date of a person who is at least years old on day on, so that
// AgeOn(b, on) >= years exactly when b is not after BornBy(on, years).
func BornBy(on time.Time, years int) time.Time {
	y := on.Year() - years
	d := time.Date(y, on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
	if d.Month() != on.Month() { // 29 February in a year without it: the 28th is the last day that is old enough
		d = time.Date(y, on.Month(), 28, 0, 0, 0, 0, time.UTC)
	}
	return d
}

// AgeGroupOf returns the index in AgeGroups of an age, or -1 under 15.
func AgeGroupOf(age int) int {
	for i := len(AgeGroups) - 1; i >= 0; i-- {
		if age >= AgeGroups[i].From {
			return i
		}
	}
	return -1
}

// AgeCutoffs are the birth dates that split the age groups on day on: a person is in group i or
// above when born on or before cut[i]; cut[0] is the 15th birthday's.
func AgeCutoffs(on time.Time) []string {
	out := make([]string, len(AgeGroups))
	for i, g := range AgeGroups {
		out[i] = BornBy(on, g.From).Format("2006-01-02")
	}
	return out
}

// Years since graduation, the columns of III/7 (ETAM getKategoriLamaLulusan): report year minus the
// year of graduation, 0–2, 3–5, 6 and more; a person without a graduation year (Tidak tamat SD)
// counts as 6+.
var GradGroups = []string{"0-2", "3-5", "6+"}

// GradGroupOf returns the index in GradGroups of a graduation year in the report year.
func GradGroupOf(eduYear string, reportYear int) int {
	y, err := strconv.Atoi(eduYear)
	if err != nil || len(eduYear) != 4 {
		return 2
	}
	switch d := reportYear - y; {
	case d <= 2:
		return 0
	case d <= 5:
		return 1
	}
	return 2
}

// GradCutoffs are the graduation years that split GradGroups in the report year: group 0 from
// cut[0] on, group 1 from cut[1] on, as 4-digit text (text order is year order for 4 digits).
func GradCutoffs(reportYear int) [2]string {
	return [2]string{strconv.Itoa(reportYear - 2), strconv.Itoa(reportYear - 5)}
}
