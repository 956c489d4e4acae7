package domain

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// What the report counts, measure by measure (the five columns of III/2–III/7, the rows of III/1).
const (
	MeasureStart      = "awal"   // not placed at the end of the last period (sisa akhir periode lalu)
	MeasureRegistered = "daftar" // registered in the period (pendaftaran)
	MeasurePlaced     = "tempat" // placed in the period (penempatan); for vacancies: filled (dipenuhi)
	MeasureRemoved    = "hapus"  // removed in the period (penghapusan): lapsed or cancelled
	MeasureEnd        = "akhir"  // not placed at the end of the period (sisa akhir periode ini)
)

// Measures lists the measures in table order.
var Measures = []string{MeasureStart, MeasureRegistered, MeasurePlaced, MeasureRemoved, MeasureEnd}

// Kinds of figure: job seekers (registrations) or vacancies.
const (
	FigureSeekers   = "pencaker"
	FigureVacancies = "lowongan"
)

// Figure is what one number of the report counts: the people (or vacancies) behind it. Each number
// on the screen links to its figure, so a Kasi can check it by opening the list.
type Figure struct {
	Kind     string // FigureSeekers or FigureVacancies
	Period   Period
	Measures []string // one or more of Measures; the JUMLAH rows A and B add two
	Sex      string   // L or P; "" both
	Age      int      // AgeGroups index at the period's end; -1 any age
	Levels   []string // education levels of the form; "-" for none recorded; nil any
	Code     string   // IPK education code; "-" none recorded; "" any
	KBJI     string   // KBJI major group; "-" none recorded; "" any
	KBLI     string   // KBLI section (vacancies); "-" none recorded; "" any
	Grad     int      // GradGroups index in the period's year; -1 any
	Type     string   // placement type AKL, AKAD or AKAN (III/8); "" any
	Employer string   // employer type (III/8 part II); "" any
}

// NewFigure is a figure of every job seeker of a period in the given measures.
func NewFigure(p Period, measures ...string) Figure {
	return Figure{Kind: FigureSeekers, Period: p, Measures: measures, Age: -1, Grad: -1}
}

// Query encodes the figure as the query of its people page.
func (f Figure) Query() string {
	v := url.Values{}
	if f.Kind == FigureVacancies {
		v.Set("jenis", f.Kind)
	}
	v.Set("periode", f.Period.Key())
	v["m"] = f.Measures
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("jk", f.Sex)
	if f.Age >= 0 {
		v.Set("umur", strconv.Itoa(f.Age))
	}
	if len(f.Levels) > 0 {
		v["tk"] = f.Levels
	}
	set("kode", f.Code)
	set("kbji", f.KBJI)
	set("kbli", f.KBLI)
	if f.Grad >= 0 {
		v.Set("lulus", strconv.Itoa(f.Grad))
	}
	set("ak", f.Type)
	set("pemberi", f.Employer)
	return v.Encode()
}

// ParseFigure reads a figure from the query of a people page; the error says in Bahasa Indonesia
// what is wrong (a hand-edited address).
func ParseFigure(v url.Values) (Figure, error) {
	bad := func(what string) (Figure, error) {
		return Figure{}, fmt.Errorf("Alamat angka laporan tidak dikenal (%s). Buka angka itu lagi dari tabel laporan.", what)
	}
	f := Figure{Kind: FigureSeekers, Age: -1, Grad: -1}
	for k, vals := range v {
		if len(vals) > len(EducationLevels)+1 {
			return bad("terlalu banyak " + clip(k))
		}
		if k != "m" && k != "tk" && len(vals) > 1 {
			return bad(clip(k) + " lebih dari satu")
		}
	}
	switch k := v.Get("jenis"); k {
	case "", FigureSeekers:
	case FigureVacancies:
		f.Kind = k
	default:
		return bad("jenis")
	}
	p, err := ParsePeriod(v.Get("periode"))
	if err != nil {
		return Figure{}, err
	}
	f.Period = p
	for _, m := range v["m"] {
		if !slices.Contains(Measures, m) || slices.Contains(f.Measures, m) {
			return bad("ukuran")
		}
		f.Measures = append(f.Measures, m)
	}
	if len(f.Measures) == 0 {
		return bad("ukuran")
	}
	if f.Sex = v.Get("jk"); f.Sex != "" && f.Sex != "L" && f.Sex != "P" {
		return bad("jenis kelamin")
	}
	if s := v.Get("umur"); s != "" {
		if f.Age, err = strconv.Atoi(s); err != nil || f.Age < 0 || f.Age >= len(AgeGroups) {
			return bad("kelompok umur")
		}
	}
	for _, l := range v["tk"] {
		if (l != "-" && !contains(EducationLevels, l)) || slices.Contains(f.Levels, l) {
			return bad("tingkat pendidikan")
		}
		f.Levels = append(f.Levels, l)
	}
	if f.Code = v.Get("kode"); f.Code != "" && f.Code != "-" && (len(f.Code) > 8 || !allDigits(f.Code)) {
		return bad("kode pendidikan")
	}
	if f.KBJI = v.Get("kbji"); f.KBJI != "" && f.KBJI != "-" && !hasOption(KBJIGroups, f.KBJI) {
		return bad("golongan jabatan")
	}
	if f.KBLI = v.Get("kbli"); f.KBLI != "" && f.KBLI != "-" && !hasOption(KBLISections, f.KBLI) {
		return bad("lapangan usaha")
	}
	if s := v.Get("lulus"); s != "" {
		if f.Grad, err = strconv.Atoi(s); err != nil || f.Grad < 0 || f.Grad >= len(GradGroups) {
			return bad("lama lulusan")
		}
	}
	if f.Type = v.Get("ak"); f.Type != "" && PlacementTypeName(f.Type) == f.Type {
		return bad("jenis antar kerja")
	}
	if f.Employer = v.Get("pemberi"); f.Employer != "" && !hasOption(EmployerTypes, f.Employer) {
		return bad("penerima tenaga kerja")
	}
	if (f.Type != "" || f.Employer != "") && (len(f.Measures) != 1 || f.Measures[0] != MeasurePlaced) {
		return bad("jenis antar kerja hanya untuk penempatan")
	}
	return f, nil
}

var measureWords = map[string][2]string{
	MeasureStart:      {"belum ditempatkan pada akhir %s lalu", "belum dipenuhi pada akhir %s lalu"},
	MeasureRegistered: {"terdaftar pada %s ini", "terdaftar %s ini"},
	MeasurePlaced:     {"ditempatkan pada %s ini", "dipenuhi %s ini"},
	MeasureRemoved:    {"dihapuskan pada %s ini", "dihapuskan %s ini"},
	MeasureEnd:        {"belum ditempatkan pada akhir %s ini", "belum dipenuhi akhir %s ini"},
}

// Describe says in words what the figure counts, for the title of its people page.
func (f Figure) Describe() string {
	who, k := "Pencari kerja yang ", 0
	if f.Kind == FigureVacancies {
		who, k = "Lowongan yang ", 1
	}
	unit := strings.ToLower(f.Period.Unit())
	var ms []string
	for _, m := range f.Measures {
		ms = append(ms, fmt.Sprintf(measureWords[m][k], unit))
	}
	parts := []string{who + strings.Join(ms, " atau ")}
	switch f.Sex {
	case "L":
		parts = append(parts, "laki-laki")
	case "P":
		parts = append(parts, "perempuan")
	}
	if f.Age >= 0 {
		parts = append(parts, "umur "+AgeGroups[f.Age].Label+" tahun")
	}
	if len(f.Levels) > 0 {
		names := make([]string, len(f.Levels))
		for i, l := range f.Levels {
			names[i] = l
			if l == "-" {
				names[i] = "tidak tercatat"
			}
		}
		parts = append(parts, "pendidikan "+strings.Join(names, "/"))
	}
	switch f.Code {
	case "":
	case "-":
		parts = append(parts, "tanpa kode jurusan")
	default:
		parts = append(parts, "pendidikan "+EducationCodeLabel(f.Code))
	}
	switch f.KBJI {
	case "":
	case "-":
		parts = append(parts, "golongan jabatan tidak tercatat")
	default:
		parts = append(parts, "jabatan "+f.KBJI+" · "+LabelOf(KBJIGroups, f.KBJI))
	}
	switch f.KBLI {
	case "":
	case "-":
		parts = append(parts, "lapangan usaha tidak tercatat")
	default:
		parts = append(parts, "lapangan usaha "+f.KBLI+" · "+LabelOf(KBLISections, f.KBLI))
	}
	if f.Grad >= 0 {
		parts = append(parts, "lulus "+GradGroups[f.Grad]+" tahun")
	}
	if f.Type != "" {
		parts = append(parts, PlacementTypeName(f.Type))
	}
	if f.Employer != "" {
		parts = append(parts, "diterima di "+LabelOf(EmployerTypes, f.Employer))
	}
	return strings.Join(parts, " · ") + " (" + f.Period.Name() + ")"
}
