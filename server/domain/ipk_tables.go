package domain

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The tables III/1–III/8 as the official sheets lay them out (shared/ipk-tables.md): titles, header
// blocks with merged cells, column numbers, rows and their JUMLAH. One model serves the screen, the
// XLSX workbook and the PDF.

// Table is one sheet of the report.
type Table struct {
	ID     string   `json:"id"`
	Title  []string `json:"title"` // title lines; the period line follows them
	Period Period   `json:"period"`
	Parts  []Part   `json:"parts"`
	Notes  []string `json:"notes,omitempty"` // printed under the table
}

// Part is a block of a sheet with its own header: III/1 and III/8 have two.
type Part struct {
	Cols     int        `json:"cols"`
	HeadRows int        `json:"head_rows"`
	Head     []HeadCell `json:"head"`              // in reading order
	Numbers  []string   `json:"numbers,omitempty"` // the row of column numbers, when the sheet has one
	Labels   int        `json:"labels"`            // leading columns holding the row's code and label
	Rows     []Row      `json:"rows"`
}

// HeadCell is one cell of a header block, at its row and column (from 0) and spanning cells.
type HeadCell struct {
	Text    string `json:"text"`
	Row     int    `json:"row"`
	Col     int    `json:"col"`
	RowSpan int    `json:"rowspan"`
	ColSpan int    `json:"colspan"`
}

// Row kinds: an ordinary row, a group heading (its figure cells merged and empty), a bold JUMLAH row.
const (
	RowItem  = "item"
	RowGroup = "group"
	RowTotal = "total"
)

// Row is one row of a part.
type Row struct {
	Labels []string `json:"labels"` // Part.Labels texts; a row with one text in a two-label part spans both
	Kind   string   `json:"kind"`
	Cells  []Cell   `json:"cells,omitempty"` // Part.Cols − Part.Labels figures; none for a group heading
}

// Cell is one figure and the people page that lists what it counts.
type Cell struct {
	N     int    `json:"n"`
	Blank bool   `json:"blank,omitempty"` // nothing recorded to count from: printed empty, never as 0
	Link  string `json:"link,omitempty"`  // Figure.Query of the people it counts
}

// IPKReport is the report of one month: its tables, and who made and approved it.
type IPKReport struct {
	Month      Period    `json:"month"`
	Tables     []Table   `json:"tables"`
	Omitted    []string  `json:"omitted,omitempty"` // why a table is not in this month's report
	State      string    `json:"state"`             // "", diajukan, disetujui
	MadeBy     string    `json:"made_by,omitempty"`
	MadeAt     time.Time `json:"made_at,omitempty"`
	Approver   string    `json:"approver,omitempty"` // name and NIP
	ApprovedAt time.Time `json:"approved_at,omitempty"`
	Computed   time.Time `json:"computed"` // when the figures were counted
}

// Report states.
const (
	ReportSubmitted = "diajukan"
	ReportApproved  = "disetujui"
)

// StateText is the report's state in words.
func (r *IPKReport) StateText() string {
	switch r.State {
	case ReportApproved:
		return "Disetujui oleh Kasi IPK " + r.Approver + " pada " + FormatDate(r.ApprovedAt.In(OfficeZone)) + " " +
			r.ApprovedAt.In(OfficeZone).Format("15.04") + " WITA"
	case ReportSubmitted:
		return "Diajukan oleh " + r.MadeBy + " pada " + FormatDate(r.MadeAt.In(OfficeZone)) + ", menunggu persetujuan Kasi IPK"
	}
	return "Konsep: belum diajukan dan belum disetujui Kasi IPK"
}

// Table returns the report's table id, or nil.
func (r *IPKReport) Table(id string) *Table {
	for i := range r.Tables {
		if r.Tables[i].ID == id {
			return &r.Tables[i]
		}
	}
	return nil
}

// Count is how many registrations (or vacancy places) of one kind fell in each measure of a period.
// The fields a table does not split by keep their zero value (Age and Grad −1). Each measure is
// counted on its own, the end too, so that end = start + registered − placed − removed is a check
// on the events rather than an identity. For vacancies Sex is the sex asked for ("" either) and
// placed means filled.
type Count struct {
	Sex      string
	Age      int // AgeGroups index at the period's end, −1 under 15 or not split
	EduLevel string
	EduCode  string
	KBJI     string
	KBLI     string
	Grad     int    // GradGroups index, −1 not split
	N        [5]int // by Measures
}

// Of returns the count of a measure.
func (c Count) Of(m string) int { return c.N[slices.Index(Measures, m)] }

// PlacementCount is how many job seekers of one sex and education were placed in the period by a
// placement type and employer type (III/8).
type PlacementCount struct {
	Sex, EduLevel, Type, Employer string
	N                             int
}

var sexes = []string{"L", "P"}

func head(text string, row, col, rowspan, colspan int) HeadCell {
	return HeadCell{Text: text, Row: row, Col: col, RowSpan: rowspan, ColSpan: colspan}
}

func numbers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(i + 1)
	}
	return out
}

func titleLines(id, title string, sub ...string) []string {
	return append([]string{"IPK " + id + " : " + title}, sub...)
}

// measureHeads are the five measure headers of a period: SISA AKHIR BULAN LALU … SISA AKHIR BULAN INI.
func measureHeads(p Period, vacancies bool) []string {
	u := p.Unit()
	placed := "PENEMPATAN " + u + " INI"
	if vacancies {
		placed = "DIPENUHI " + u + " INI"
	}
	return []string{"SISA AKHIR " + u + " LALU", "PENDAFTARAN " + u + " INI", placed, "PENGHAPUSAN " + u + " INI", "SISA AKHIR " + u + " INI"}
}

// seekerRowA are the rows of III/1 part I: label, measures (A and B add two) and whether bold.
var seekerRowsIII1 = []struct {
	label    string
	measures []string
	total    bool
}{
	{"1. Pencari kerja yang belum ditempatkan pada bulan yang lalu", []string{MeasureStart}, false},
	{"2. Pencari kerja yang terdaftar pada bulan ini", []string{MeasureRegistered}, false},
	{"A. JUMLAH (1+2)", []string{MeasureStart, MeasureRegistered}, true},
	{"3. Pencari kerja yang ditempatkan pada bulan ini", []string{MeasurePlaced}, false},
	{"4. Pencari kerja yang dihapuskan pada bulan ini", []string{MeasureRemoved}, false},
	{"B. JUMLAH (3+4)", []string{MeasurePlaced, MeasureRemoved}, true},
	{"5. Pencari kerja yang belum ditempatkan pada akhir bulan ini (A-B)", []string{MeasureEnd}, false},
}

var vacancyRowsIII1 = []struct {
	label    string
	measures []string
	total    bool
}{
	{"1. Lowongan yang belum dipenuhi pada akhir bulan lalu", []string{MeasureStart}, false},
	{"2. Lowongan yang terdaftar bulan ini", []string{MeasureRegistered}, false},
	{"C. JUMLAH (1+2)", []string{MeasureStart, MeasureRegistered}, true},
	{"3. Lowongan yang dipenuhi bulan ini", []string{MeasurePlaced}, false},
	{"4. Lowongan yang dihapuskan bulan ini", []string{MeasureRemoved}, false},
	{"D. JUMLAH (3+4)", []string{MeasurePlaced, MeasureRemoved}, true},
	{"5. Lowongan yang belum dipenuhi akhir bulan ini (C-D)", []string{MeasureEnd}, false},
}

func sum(counts []Count, keep func(Count) bool, measures []string) int {
	n := 0
	for _, c := range counts {
		if keep(c) {
			for _, m := range measures {
				n += c.Of(m)
			}
		}
	}
	return n
}

// NoVacancyData is the note of a vacancy table while no vacancies are recorded in the system.
const NoVacancyData = "Lowongan belum dicatat dalam sistem ini: angka lowongan dibiarkan kosong, bukan nol."

// BuildIII1 lays out III/1 Ikhtisar statistik: part I job seekers by age group at the period's end
// (counts split by sex and age), part II vacancies by requested sex (nil: none recorded).
func BuildIII1(p Period, seekers []Count, vacancies []Count) Table {
	t := Table{ID: TableIII1, Title: titleLines(TableIII1, "IKHTISAR STATISTIK IPK", Region), Period: p}
	one := Part{Cols: 14, HeadRows: 3, Labels: 1, Numbers: numbers(14)}
	one.Head = append(one.Head, head("I. PENCARI KERJA", 0, 0, 3, 1), head("KELOMPOK UMUR", 0, 1, 1, 10), head("JUMLAH", 0, 11, 2, 3))
	for i, g := range AgeGroups {
		one.Head = append(one.Head, head(g.Label, 1, 1+2*i, 1, 2))
	}
	for i := range AgeGroups {
		one.Head = append(one.Head, head("L", 2, 1+2*i, 1, 1), head("P", 2, 2+2*i, 1, 1))
	}
	one.Head = append(one.Head, head("L", 2, 11, 1, 1), head("P", 2, 12, 1, 1), head("L+P", 2, 13, 1, 1))
	for _, r := range seekerRowsIII1 {
		row := Row{Labels: []string{r.label}, Kind: RowItem}
		if r.total {
			row.Kind = RowTotal
		}
		for i := range AgeGroups {
			for _, sex := range sexes {
				f := NewFigure(p, r.measures...)
				f.Sex, f.Age = sex, i
				row.Cells = append(row.Cells, Cell{N: sum(seekers, func(c Count) bool { return c.Sex == sex && c.Age == i }, r.measures), Link: f.Query()})
			}
		}
		for _, sex := range append(sexes, "") {
			f := NewFigure(p, r.measures...)
			f.Sex = sex
			row.Cells = append(row.Cells, Cell{N: sum(seekers, func(c Count) bool { return sex == "" || c.Sex == sex }, r.measures), Link: f.Query()})
		}
		one.Rows = append(one.Rows, row)
	}
	two := Part{Cols: 4, HeadRows: 1, Labels: 1, Numbers: numbers(4)}
	two.Head = []HeadCell{head("II. LOWONGAN", 0, 0, 1, 1), head("L", 0, 1, 1, 1), head("P", 0, 2, 1, 1), head("L+P", 0, 3, 1, 1)}
	for _, r := range vacancyRowsIII1 {
		row := Row{Labels: []string{r.label}, Kind: RowItem}
		if r.total {
			row.Kind = RowTotal
		}
		for _, sex := range append(sexes, "*") {
			if vacancies == nil {
				row.Cells = append(row.Cells, Cell{Blank: true})
				continue
			}
			f := NewFigure(p, r.measures...)
			f.Kind = FigureVacancies
			if sex != "*" {
				f.Sex = sex
			}
			row.Cells = append(row.Cells, Cell{N: sum(vacancies, func(c Count) bool { return sex == "*" || c.Sex == sex }, r.measures), Link: f.Query()})
		}
		two.Rows = append(two.Rows, row)
	}
	t.Parts = []Part{one, two}
	t.Notes = []string{"Umur dalam tahun penuh pada akhir " + strings.ToLower(p.Unit()) + " laporan. Kolom JUMLAH menghitung semua pencari kerja, juga yang berumur di bawah 15 tahun (tidak masuk kelompok umur mana pun)."}
	if vacancies == nil {
		t.Notes = append(t.Notes, NoVacancyData)
	} else {
		t.Notes = append(t.Notes, "Lowongan dihitung menurut jenis kelamin yang diminta; L+P juga memuat lowongan untuk laki-laki atau perempuan.")
	}
	return t
}

// fiveMeasurePart is the 12-column block of III/2–III/6: KODE, the dimension, five measures × L/P.
func fiveMeasurePart(p Period, dimension string, vacancies bool) Part {
	part := Part{Cols: 12, HeadRows: 2, Labels: 2, Numbers: numbers(12)}
	part.Head = []HeadCell{head("KODE", 0, 0, 2, 1), head(dimension, 0, 1, 2, 1)}
	for i, h := range measureHeads(p, vacancies) {
		part.Head = append(part.Head, head(h, 0, 2+2*i, 1, 2))
	}
	for i := range Measures {
		part.Head = append(part.Head, head("L", 1, 2+2*i, 1, 1), head("P", 1, 3+2*i, 1, 1))
	}
	return part
}

// countRow is one row of a five-measure table (III/2–III/6): the counts kept by keep, by measure
// and sex, each linked to its figure made by fig. Vacancy figures are blank while none are recorded.
func countRow(p Period, kind, code, label, rowKind string, counts []Count, keep func(Count) bool, fig func(*Figure)) Row {
	row := Row{Labels: []string{code, label}, Kind: rowKind}
	for _, m := range Measures {
		for _, sex := range sexes {
			if kind == FigureVacancies && counts == nil {
				row.Cells = append(row.Cells, Cell{Blank: true})
				continue
			}
			f := NewFigure(p, m)
			f.Kind, f.Sex = kind, sex
			fig(&f)
			row.Cells = append(row.Cells, Cell{N: sum(counts, func(c Count) bool { return c.Sex == sex && keep(c) }, []string{m}), Link: f.Query()})
		}
	}
	return row
}

func nonZero(r Row) bool {
	for _, c := range r.Cells {
		if c.N != 0 {
			return true
		}
	}
	return false
}

// educationRowKey is where a count goes in III/2 and III/4: its IPK code, or, without one, the level.
type eduRow struct {
	code, label string
	heading     string   // the group heading it stands under
	levels      []string // for a row without a code: the levels it holds
}

// levelHeadings are the group headings of the education codes by level of the form, for people
// and vacancies without a code; S3 has no heading in the table (ETAM's level code 10000).
var levelHeadings = map[string]string{"Tidak tamat SD": "1000", "SD": "1000", "SMP/SLTP": "2000", "SMA": "3000", "SMK": "3000",
	"D1": "4000", "D2": "4200", "D3": "5000", "D4": "8000", "S1": "6000", "S2": "7000", "S3": "10000"}

// headingOf returns the group heading a 4-digit code stands under: the greatest heading not above it.
func headingOf(code string) string {
	h := ""
	for _, g := range educationCodes().headings {
		if g.Code <= code && len(g.Code) == len(code) {
			h = g.Code
		}
	}
	return h
}

// educationRows lays out the rows of III/2 or III/4: every group heading, under it the codes that
// have a figure, then the rows without a code; JUMLAH last.
func educationRows(keys map[string]bool, vacancies bool, build func(eduRow) Row, total Row) []Row {
	none, noCode := "PENDIDIKAN TIDAK TERCATAT", " (KODE JURUSAN TIDAK TERCATAT)"
	if vacancies { // a vacancy without a level or a field asks for none
		none, noCode = "TANPA SYARAT PENDIDIKAN", " (SEMUA JURUSAN)"
	}
	var rows []Row
	byHeading := map[string][]eduRow{}
	for k := range keys {
		var r eduRow
		switch {
		case strings.HasPrefix(k, "level:"):
			level := strings.TrimPrefix(k, "level:")
			h := levelHeadings[level]
			if h == "" {
				r = eduRow{code: "-", label: none, heading: "~", levels: []string{"-"}}
				break
			}
			r = eduRow{code: h, heading: h}
			for l, lh := range levelHeadings {
				if lh == h {
					r.levels = append(r.levels, l)
				}
			}
			sort.Slice(r.levels, func(i, j int) bool { return LevelRank(r.levels[i]) < LevelRank(r.levels[j]) })
			if h == "10000" {
				r.label = "DOKTOR (S3)"
			} else {
				r.label = headingName(h) + noCode
			}
		default:
			r = eduRow{code: k, label: "KODE TIDAK DIKENAL", heading: headingOf(k)}
			if c, ok := FindEducationCode(k); ok {
				r.label = c.Name
			}
			if r.heading == "" {
				r.heading = "~"
			}
		}
		byHeading[r.heading] = append(byHeading[r.heading], r)
	}
	for _, g := range educationCodes().headings {
		rows = append(rows, Row{Labels: []string{g.Code, g.Name}, Kind: RowGroup})
		items := byHeading[g.Code]
		sort.Slice(items, func(i, j int) bool { return items[i].code < items[j].code })
		for _, r := range items {
			rows = append(rows, build(r))
		}
	}
	for _, h := range []string{"10000", "~"} {
		for _, r := range byHeading[h] {
			rows = append(rows, build(r))
		}
	}
	return append(rows, total)
}

func headingName(code string) string {
	for _, g := range educationCodes().headings {
		if g.Code == code {
			return g.Name
		}
	}
	return code
}

// eduKey is the row key of a count in III/2 and III/4: its code, or its level when it has none.
func eduKey(code, level string) string {
	if code != "" {
		return code
	}
	return "level:" + level
}

func matchesEduRow(r eduRow, code, level string) bool {
	if r.levels == nil {
		return code == r.code
	}
	if code != "" {
		return false
	}
	if r.code == "-" {
		return levelHeadings[level] == ""
	}
	return contains(r.levels, level)
}

func eduFigure(r eduRow, f *Figure) {
	if r.levels == nil {
		f.Code = r.code
		return
	}
	f.Code, f.Levels = "-", r.levels
}

// BuildIII2 lays out III/2: job seekers by IPK education code (counts split by sex, level and code).
func BuildIII2(p Period, seekers []Count) Table {
	t := educationTable(TableIII2, "PENCARI KERJA YANG TERDAFTAR MENURUT JENIS PENDIDIKAN DAN JENIS KELAMIN", p, FigureSeekers, seekers)
	t.Notes = []string{"Hanya kode pendidikan yang memiliki angka pada periode ini yang dicantumkan; kelompok (1000, 2000, …) selalu dicantumkan."}
	return t
}

// educationTable is III/2 or III/4: the rows of educationRows, by measure and sex.
func educationTable(id, title string, p Period, kind string, counts []Count) Table {
	t := Table{ID: id, Title: titleLines(id, title, Region), Period: p}
	part := fiveMeasurePart(p, "JENIS PENDIDIKAN", kind == FigureVacancies)
	keys := map[string]bool{}
	for _, c := range counts {
		if c.N[0]+c.N[1] > 0 {
			keys[eduKey(c.EduCode, c.EduLevel)] = true
		}
	}
	part.Rows = educationRows(keys, kind == FigureVacancies, func(r eduRow) Row {
		return countRow(p, kind, r.code, r.label, RowItem, counts, func(c Count) bool { return matchesEduRow(r, c.EduCode, c.EduLevel) },
			func(f *Figure) { eduFigure(r, f) })
	}, countRow(p, kind, "", "JUMLAH", RowTotal, counts, func(Count) bool { return true }, func(*Figure) {}))
	t.Parts = []Part{part}
	return t
}

func kbjiKey(kbji string) string {
	if hasOption(KBJIGroups, kbji) {
		return kbji
	}
	return "-"
}

// kbjiTable is III/3 or III/5: the KBJI major groups, a row for none recorded when it has figures,
// JUMLAH.
func kbjiTable(id, title string, p Period, kind string, counts []Count) Table {
	t := Table{ID: id, Title: titleLines(id, title, Region), Period: p}
	part := fiveMeasurePart(p, "JENIS GOLONGAN POKOK JABATAN", kind == FigureVacancies)
	row := func(code, label, key string) Row {
		return countRow(p, kind, code, label, RowItem, counts, func(c Count) bool { return kbjiKey(c.KBJI) == key }, func(f *Figure) { f.KBJI = key })
	}
	for _, g := range KBJIGroups {
		part.Rows = append(part.Rows, row(g.Value, strings.ToUpper(g.Label), g.Value))
	}
	if none := row("-", "GOLONGAN JABATAN TIDAK TERCATAT", "-"); nonZero(none) {
		part.Rows = append(part.Rows, none)
	}
	part.Rows = append(part.Rows, countRow(p, kind, "", "JUMLAH", RowTotal, counts, func(Count) bool { return true }, func(*Figure) {}))
	t.Parts = []Part{part}
	return t
}

// BuildIII3 lays out III/3: job seekers by the KBJI major group of the position they want.
func BuildIII3(p Period, seekers []Count) Table {
	t := kbjiTable(TableIII3, "PENCARI KERJA YANG TERDAFTAR MENURUT JENIS GOLONGAN POKOK JABATAN DAN JENIS KELAMIN", p, FigureSeekers, seekers)
	t.Notes = []string{"Golongan pokok jabatan KBJI 2014 dari jabatan yang diinginkan pencari kerja."}
	return t
}

// LevelRow is a row of the tables counted by education level (III/7 and III/8 part I): its code and
// label, and the levels of the form it holds.
type LevelRow struct {
	Code, Label string
	Levels      []string
}

// III7Levels are the rows of III/7, ETAM's levels (etam_pendidikan) from SD to S3.
var III7Levels = []LevelRow{
	{"1000", "SD", []string{"Tidak tamat SD", "SD"}},
	{"2000", "SLTP", []string{"SMP/SLTP"}},
	{"3000", "SLTA / SMK / SEDERAJAT", []string{"SMA", "SMK"}},
	{"4000", "DIPLOMA I", []string{"D1"}},
	{"9000", "DIPLOMA II", []string{"D2"}},
	{"5000", "DIPLOMA III", []string{"D3"}},
	{"8000", "DIPLOMA IV", []string{"D4"}},
	{"6000", "SARJANA (S1)", []string{"S1"}},
	{"7000", "MAGISTER (S2)", []string{"S2"}},
	{"10000", "DOKTOR (S3)", []string{"S3"}},
}

// III8Levels are the rows of III/8 part I (ETAM); AKTA has no level of its own in the form.
var III8Levels = []LevelRow{
	{"1", "NON", []string{"Tidak tamat SD"}},
	{"2", "SD", []string{"SD"}},
	{"3", "SLTP", []string{"SMP/SLTP"}},
	{"4", "SLTA", []string{"SMA", "SMK"}},
	{"5", "DIPLOMA 1", []string{"D1"}},
	{"6", "DIPLOMA 2", []string{"D2"}},
	{"7", "D3/SARJANA MUDA", []string{"D3"}},
	{"8", "D4/SARJANA SAINS TERAPAN", []string{"D4"}},
	{"9", "AKTA 2", nil},
	{"10", "AKTA 3", nil},
	{"11", "SARJANA", []string{"S1"}},
	{"12", "MAGISTER", []string{"S2"}},
	{"13", "DOKTORAL", []string{"S3"}},
}

func knownLevel(level string) bool { return contains(EducationLevels, level) }

// BuildIII7 lays out III/7: job seekers by education level and years since graduation (no sex split).
func BuildIII7(p Period, seekers []Count) Table {
	t := Table{ID: TableIII7, Title: titleLines(TableIII7, "PENCARI KERJA YANG TERDAFTAR, DITEMPATKAN DAN DIHAPUSKAN",
		"DI "+Region+" MENURUT LAMA LULUSAN DAN TINGKAT PENDIDIKAN"), Period: p}
	part := Part{Cols: 17, HeadRows: 2, Labels: 2, Numbers: numbers(17)}
	part.Head = []HeadCell{head("KODE", 0, 0, 2, 1), head("TINGKAT PENDIDIKAN", 0, 1, 2, 1)}
	for i, h := range measureHeads(p, false) {
		part.Head = append(part.Head, head(h, 0, 2+3*i, 1, 3))
	}
	for i := range Measures {
		for j, g := range GradGroups {
			part.Head = append(part.Head, head("("+g+")", 1, 2+3*i+j, 1, 1))
		}
	}
	row := func(code, label, kind string, keep func(Count) bool, fig func(*Figure)) Row {
		r := Row{Labels: []string{code, label}, Kind: kind}
		for _, m := range Measures {
			for j := range GradGroups {
				f := NewFigure(p, m)
				f.Grad = j
				fig(&f)
				r.Cells = append(r.Cells, Cell{N: sum(seekers, func(c Count) bool { return c.Grad == j && keep(c) }, []string{m}), Link: f.Query()})
			}
		}
		return r
	}
	for _, l := range III7Levels {
		part.Rows = append(part.Rows, row(l.Code, l.Label, RowItem, func(c Count) bool { return contains(l.Levels, c.EduLevel) },
			func(f *Figure) { f.Levels = l.Levels }))
	}
	none := row("-", "TIDAK TERCATAT", RowItem, func(c Count) bool { return !knownLevel(c.EduLevel) }, func(f *Figure) { f.Levels = []string{"-"} })
	if nonZero(none) {
		part.Rows = append(part.Rows, none)
	}
	part.Rows = append(part.Rows, row("", "JUMLAH", RowTotal, func(Count) bool { return true }, func(*Figure) {}))
	t.Parts = []Part{part}
	t.Notes = []string{"Lama lulusan = tahun laporan dikurangi tahun lulus; tanpa tahun lulus (tidak tamat SD) dihitung 6+."}
	return t
}

// PlacementTypes are the columns of III/8 in order.
var PlacementTypes = []string{PlacementAKL, PlacementAKAD, PlacementAKAN}

// BuildIII8 lays out III/8: placements by type (AKL/AKAD/AKAN, L/P/JML) per education level of the
// person placed (part I) and per employer type (part II).
func BuildIII8(p Period, placed []PlacementCount) Table {
	t := Table{ID: TableIII8, Title: []string{"IPK III/8 : PENEMPATAN PENCARI KERJA MENURUT JENIS ANTAR KERJA TINGKAT PENDIDIKAN PENCARI KERJA,",
		"PENERIMA TENAGA KERJA DAN JENIS KELAMIN", "DI " + Region}, Period: p}
	heads := func(first, second string) Part {
		part := Part{Cols: 14, HeadRows: 3, Labels: 2}
		hs := []HeadCell{head(first, 0, 0, 3, 1), head(second, 0, 1, 3, 1), head("Jenis Antar Kerja", 0, 2, 1, 9), head("Jumlah", 0, 11, 2, 3)}
		for i, ty := range PlacementTypes {
			hs = append(hs, head(ty, 1, 2+3*i, 1, 3))
		}
		for i := 0; i < 4; i++ {
			hs = append(hs, head("L", 2, 2+3*i, 1, 1), head("P", 2, 3+3*i, 1, 1), head("JML", 2, 4+3*i, 1, 1))
		}
		part.Head = hs
		return part
	}
	cells := func(keep func(PlacementCount) bool, fig func(*Figure), blank bool) []Cell {
		var out []Cell
		for _, ty := range append(PlacementTypes, "") {
			for _, sex := range []string{"L", "P", ""} {
				if blank {
					out = append(out, Cell{Blank: true})
					continue
				}
				n := 0
				for _, c := range placed {
					if keep(c) && (ty == "" || c.Type == ty) && (sex == "" || c.Sex == sex) {
						n += c.N
					}
				}
				f := NewFigure(p, MeasurePlaced)
				f.Sex, f.Type = sex, ty
				fig(&f)
				out = append(out, Cell{N: n, Link: f.Query()})
			}
		}
		return out
	}
	one := heads("Kode", "I . Tingkat Pendidikan Pencari Kerja yg ditempatkan")
	one.Numbers = numbers(14)
	for _, l := range III8Levels {
		one.Rows = append(one.Rows, Row{Labels: []string{l.Code, l.Label}, Kind: RowItem,
			Cells: cells(func(c PlacementCount) bool { return contains(l.Levels, c.EduLevel) }, func(f *Figure) { f.Levels = l.Levels }, l.Levels == nil)})
	}
	none := Row{Labels: []string{"-", "TIDAK TERCATAT"}, Kind: RowItem,
		Cells: cells(func(c PlacementCount) bool { return !knownLevel(c.EduLevel) }, func(f *Figure) { f.Levels = []string{"-"} }, false)}
	if nonZero(none) {
		one.Rows = append(one.Rows, none)
	}
	one.Rows = append(one.Rows, Row{Labels: []string{"", "JUMLAH"}, Kind: RowTotal, Cells: cells(func(PlacementCount) bool { return true }, func(*Figure) {}, false)})
	two := heads("No", "II. Penerima Pencari Kerja")
	for i, e := range EmployerTypes {
		two.Rows = append(two.Rows, Row{Labels: []string{strconv.Itoa(i + 1), strings.ToUpper(e.Label)}, Kind: RowItem,
			Cells: cells(func(c PlacementCount) bool { return c.Employer == e.Value }, func(f *Figure) { f.Employer = e.Value }, false)})
	}
	two.Rows = append(two.Rows, Row{Labels: []string{"", "JUMLAH"}, Kind: RowTotal, Cells: cells(func(PlacementCount) bool { return true }, func(*Figure) {}, false)})
	t.Parts = []Part{one, two}
	t.Notes = []string{"AKL = Antar Kerja Lokal, AKAD = Antar Kerja Antar Daerah, AKAN = Antar Kerja Antar Negara (tempat bekerja, bukan keinginan).",
		"Tidak tamat SD dihitung pada baris NON. Akta mengajar tidak dicatat sebagai pendidikan terakhir, sehingga baris AKTA dibiarkan kosong."}
	return t
}

// BuildIII4 lays out III/4: vacancies by IPK education code asked for (nil: none recorded).
func BuildIII4(p Period, vacancies []Count) Table {
	t := educationTable(TableIII4, "LOWONGAN KERJA YANG TERDAFTAR MENURUT JENIS PENDIDIKAN DAN JENIS KELAMIN", p, FigureVacancies, vacancies)
	t.Notes = vacancyNotes(vacancies)
	return t
}

// BuildIII5 lays out III/5: vacancies by KBJI major group.
func BuildIII5(p Period, vacancies []Count) Table {
	t := kbjiTable(TableIII5, "LOWONGAN KERJA YANG TERDAFTAR MENURUT JENIS GOLONGAN POKOK JABATAN DAN JENIS KELAMIN", p, FigureVacancies, vacancies)
	t.Notes = vacancyNotes(vacancies)
	return t
}

// BuildIII6 lays out III/6: vacancies by KBLI 2020 section of the employer.
func BuildIII6(p Period, vacancies []Count) Table {
	t := Table{ID: TableIII6, Title: titleLines(TableIII6, "LOWONGAN KERJA YANG TERDAFTAR MENURUT GOLONGAN POKOK LAPANGAN USAHA DAN JENIS KELAMIN", Region), Period: p}
	part := fiveMeasurePart(p, "GOLONGAN POKOK LAPANGAN USAHA", true)
	key := func(k string) string {
		if hasOption(KBLISections, k) {
			return k
		}
		return "-"
	}
	for _, s := range KBLISections {
		part.Rows = append(part.Rows, countRow(p, FigureVacancies, s.Value, strings.ToUpper(s.Label), RowItem, vacancies,
			func(c Count) bool { return key(c.KBLI) == s.Value }, func(f *Figure) { f.KBLI = s.Value }))
	}
	none := countRow(p, FigureVacancies, "-", "LAPANGAN USAHA TIDAK TERCATAT", RowItem, vacancies, func(c Count) bool { return key(c.KBLI) == "-" },
		func(f *Figure) { f.KBLI = "-" })
	if nonZero(none) {
		part.Rows = append(part.Rows, none)
	}
	part.Rows = append(part.Rows, countRow(p, FigureVacancies, "", "JUMLAH", RowTotal, vacancies, func(Count) bool { return true }, func(*Figure) {}))
	t.Parts = []Part{part}
	t.Notes = vacancyNotes(vacancies)
	return t
}

func vacancyNotes(vacancies []Count) []string {
	if vacancies == nil {
		return []string{NoVacancyData}
	}
	either := 0
	for _, c := range vacancies {
		if c.Sex == "" {
			either += c.N[0] + c.N[1]
		}
	}
	if either == 0 {
		return nil
	}
	return []string{"Lowongan untuk laki-laki atau perempuan tidak masuk kolom L maupun P tabel ini; jumlahnya ada pada III/1 bagian II kolom L+P."}
}

// IPKCounter counts what the tables show; storage implements it over the dated events. Each call
// returns the counts of one period split by everything the tables split by (sex, age group,
// education level and code, KBJI group, years since graduation; for vacancies the requested sex,
// education, KBJI group and KBLI section): one pass over the data serves every table of the period.
type IPKCounter interface {
	SeekerCounts(p Period) ([]Count, error)
	PlacementCounts(p Period) ([]PlacementCount, error)
	// VacancyCounts returns nil (and no error) while the system records no vacancies.
	VacancyCounts(p Period) ([]Count, error)
}

// BuildReport counts and lays out every table of the report of month m, each over the period the
// settings give it; a quarterly table outside its quarter's last month is named in Omitted.
func BuildReport(m Period, s ReportSettings, c IPKCounter) (*IPKReport, error) {
	r := &IPKReport{Month: m}
	counts := periodCounts{c: c, seekers: map[Period][]Count{}, vacancies: map[Period][]Count{}}
	for _, id := range IPKTables {
		p, ok := s.PeriodOf(id, m)
		if !ok {
			q := QuarterPeriod(m.Start)
			r.Omitted = append(r.Omitted, "Tabel "+id+" dihitung per triwulan: masuk laporan bulan "+MonthPeriod(q.End).Name()+" ("+q.Name()+").")
			continue
		}
		t, err := counts.table(id, p)
		if err != nil {
			return nil, err
		}
		r.Tables = append(r.Tables, t)
	}
	return r, nil
}

// periodCounts asks the counter once per period and kind, for all the tables of that period.
type periodCounts struct {
	c                  IPKCounter
	seekers, vacancies map[Period][]Count
}

func (pc periodCounts) seekersOf(p Period) ([]Count, error) {
	if c, ok := pc.seekers[p]; ok {
		return c, nil
	}
	c, err := pc.c.SeekerCounts(p)
	pc.seekers[p] = c
	return c, err
}

func (pc periodCounts) vacanciesOf(p Period) ([]Count, error) {
	if c, ok := pc.vacancies[p]; ok {
		return c, nil
	}
	c, err := pc.c.VacancyCounts(p)
	pc.vacancies[p] = c
	return c, err
}

func (pc periodCounts) table(id string, p Period) (Table, error) {
	seekers := func(build func(Period, []Count) Table) (Table, error) {
		counts, err := pc.seekersOf(p)
		return build(p, counts), err
	}
	vacancies := func(build func(Period, []Count) Table) (Table, error) {
		counts, err := pc.vacanciesOf(p)
		return build(p, counts), err
	}
	switch id {
	case TableIII1:
		s, err := pc.seekersOf(p)
		if err != nil {
			return Table{}, err
		}
		v, err := pc.vacanciesOf(p)
		return BuildIII1(p, s, v), err
	case TableIII2:
		return seekers(BuildIII2)
	case TableIII3:
		return seekers(BuildIII3)
	case TableIII4:
		return vacancies(BuildIII4)
	case TableIII5:
		return vacancies(BuildIII5)
	case TableIII6:
		return vacancies(BuildIII6)
	case TableIII7:
		return seekers(BuildIII7)
	}
	placed, err := pc.c.PlacementCounts(p)
	return BuildIII8(p, placed), err
}
