package domain

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// EmployerTypes are the kinds of employer of domain.md §7, numbered as the rows of IPK III/8 part II.
var EmployerTypes = []Option{
	{"1", "Instansi Pemerintah"},
	{"2", "BUMN/BUMD"},
	{"3", "Koperasi"},
	{"4", "Perusahaan Swasta"},
	{"5", "Badan Usaha Lainnya"},
	{"6", "Perorangan"},
}

// VacancyState is where a vacancy (lowongan) stands.
type VacancyState string

// The states of a vacancy. Only an open vacancy is offered in counselling.
const (
	VacancyOpen      VacancyState = "open"
	VacancyFilled    VacancyState = "filled"    // closed: filled (some or all of the places)
	VacancyWithdrawn VacancyState = "withdrawn" // closed: the employer withdrew it
	VacancyExpired   VacancyState = "expired"   // closed: the closing date passed
)

// Label is the state in Bahasa Indonesia.
func (s VacancyState) Label() string {
	switch s {
	case VacancyOpen:
		return "Dibuka"
	case VacancyFilled:
		return "Terisi"
	case VacancyWithdrawn:
		return "Ditarik"
	case VacancyExpired:
		return "Lewat batas"
	}
	return string(s)
}

// Counts are places by the sex the vacancy asks for: L, P, or either (IPK III/1 part II counts
// vacancies by requested sex; "either" counts only in L+P).
type Counts struct{ L, P, Any int }

// Total is L + P + Any.
func (c Counts) Total() int { return c.L + c.P + c.Any }

// Minus returns c − d.
func (c Counts) Minus(d Counts) Counts { return Counts{c.L - d.L, c.P - d.P, c.Any - d.Any} }

// Within tells whether every count of c is between 0 and the same count of max.
func (c Counts) Within(max Counts) bool {
	return c.L >= 0 && c.P >= 0 && c.Any >= 0 && c.L <= max.L && c.P <= max.P && c.Any <= max.Any
}

// SexLabel says whom the places are for.
func (c Counts) SexLabel() string {
	var parts []string
	if c.L > 0 {
		parts = append(parts, fmt.Sprintf("%d laki-laki", c.L))
	}
	if c.P > 0 {
		parts = append(parts, fmt.Sprintf("%d perempuan", c.P))
	}
	if c.Any > 0 {
		parts = append(parts, fmt.Sprintf("%d laki-laki/perempuan", c.Any))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, ", ")
}

// Vacancy is one job vacancy kept by the officers for counselling and the IPK report.
type Vacancy struct {
	ID             int64
	EmployerName   string
	EmployerKBLI   string // KBLI 2020 section (KBLISections)
	EmployerType   string // EmployerTypes
	Position       string
	KBJI           string // KBJI major group (KBJIGroups)
	Wanted         Counts // places asked for, as last set
	Open           Counts // places not yet filled or removed
	MinEducation   string // one of EducationLevels; "" when none is asked
	EduCode        string // IPK education code asked for (field of study); optional
	AgeMin, AgeMax int    // 0: no bound
	Location       string // DesiredLocations: lokal, antardaerah, luarnegeri
	LocationDetail string // town or country
	Wage           int    // rupiah per month; 0 when not stated
	ClosingDate    time.Time
	State          VacancyState
	Notes          string
	Version        int // grows with every change; a form carries the one it was made from
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Classification is what the IPK tables count a vacancy by: every dated vacancy event carries it as
// it was at that moment, so a month's figures never change afterwards.
type Classification struct {
	EduLevel, EduCode, KBJI, KBLI, EmployerType, Location string
}

// Classification returns the vacancy's classification.
func (v *Vacancy) Classification() Classification {
	return Classification{v.MinEducation, v.EduCode, v.KBJI, v.EmployerKBLI, v.EmployerType, v.Location}
}

// VacancyForm is a vacancy as typed, every field as text, so nothing typed is lost when a check fails.
type VacancyForm struct {
	EmployerName, EmployerKBLI, EmployerType, Position, KBJI string
	WantedL, WantedP, WantedAny                              string
	MinEducation, EduCode, AgeMin, AgeMax                    string
	Location, LocationDetail, Wage, ClosingDate, Notes       string
}

// ReadVacancyForm reads the posted fields, tidied.
func ReadVacancyForm(v url.Values) VacancyForm {
	g := func(name string) string { return CleanText(v.Get(name), maxShort) }
	return VacancyForm{
		EmployerName: g("employer_name"), EmployerKBLI: g("employer_kbli"), EmployerType: g("employer_type"),
		Position: g("position"), KBJI: g("kbji"), WantedL: g("wanted_l"), WantedP: g("wanted_p"), WantedAny: g("wanted_any"),
		MinEducation: g("min_education"), EduCode: g("edu_code"), AgeMin: g("age_min"), AgeMax: g("age_max"),
		Location: g("location"), LocationDetail: g("location_detail"), Wage: g("wage"), ClosingDate: g("closing_date"),
		Notes: CleanText(v.Get("notes"), maxLong),
	}
}

// FormOf writes a vacancy back as a form, for editing.
func FormOf(v *Vacancy) VacancyForm {
	n := func(i int) string {
		if i == 0 {
			return ""
		}
		return strconv.Itoa(i)
	}
	f := VacancyForm{EmployerName: v.EmployerName, EmployerKBLI: v.EmployerKBLI, EmployerType: v.EmployerType,
		Position: v.Position, KBJI: v.KBJI, WantedL: strconv.Itoa(v.Wanted.L), WantedP: strconv.Itoa(v.Wanted.P),
		WantedAny: strconv.Itoa(v.Wanted.Any), MinEducation: v.MinEducation, EduCode: v.EduCode, AgeMin: n(v.AgeMin),
		AgeMax: n(v.AgeMax), Location: v.Location, LocationDetail: v.LocationDetail, Wage: n(v.Wage), Notes: v.Notes}
	if !v.ClosingDate.IsZero() {
		f.ClosingDate = v.ClosingDate.Format("2006-01-02")
	}
	return f
}

// MaxPlaces bounds the places of one vacancy per sex: a typo of 10000 would swamp the IPK report.
const MaxPlaces = 1000

// Check validates the form and returns the vacancy it describes. A new vacancy's closing date may
// not be in the past; today is the office's date.
func (f VacancyForm) Check(today time.Time) (Vacancy, Errors) {
	e := Errors{}
	v := Vacancy{EmployerName: f.EmployerName, EmployerKBLI: f.EmployerKBLI, EmployerType: f.EmployerType,
		Position: f.Position, KBJI: f.KBJI, MinEducation: f.MinEducation, EduCode: f.EduCode,
		Location: f.Location, LocationDetail: f.LocationDetail, Notes: f.Notes}
	required(e, "employer_name", f.EmployerName, "Tulis nama pemberi kerja (perusahaan/instansi)")
	if !hasOption(KBLISections, f.EmployerKBLI) {
		e["employer_kbli"] = "Pilih bidang usaha (KBLI) pemberi kerja"
	}
	if !hasOption(EmployerTypes, f.EmployerType) {
		e["employer_type"] = "Pilih jenis pemberi kerja"
	}
	required(e, "position", f.Position, "Tulis jabatan yang dibutuhkan")
	if !hasOption(KBJIGroups, f.KBJI) {
		e["kbji"] = "Pilih golongan jabatan (KBJI)"
	}
	count := func(field, text string) int {
		if text == "" {
			return 0
		}
		n, err := strconv.Atoi(text)
		if err != nil || n < 0 || n > MaxPlaces {
			e[field] = fmt.Sprintf("Jumlah berupa angka 0 sampai %d", MaxPlaces)
			return 0
		}
		return n
	}
	v.Wanted = Counts{count("wanted_l", f.WantedL), count("wanted_p", f.WantedP), count("wanted_any", f.WantedAny)}
	if v.Wanted.Total() == 0 && e["wanted_l"] == "" && e["wanted_p"] == "" && e["wanted_any"] == "" {
		e["wanted_l"] = "Tulis jumlah yang dibutuhkan: laki-laki, perempuan, atau laki-laki/perempuan"
	}
	if f.MinEducation != "" && !contains(EducationLevels, f.MinEducation) {
		e["min_education"] = "Pilih pendidikan minimal dari daftar"
	}
	if f.EduCode != "" {
		if _, ok := FindEducationCode(f.EduCode); !ok {
			e["edu_code"] = "Kode pendidikan IPK tidak dikenal: pilih dari daftar atau kosongkan"
		}
	}
	age := func(field, text string) int {
		if text == "" {
			return 0
		}
		n, err := strconv.Atoi(text)
		if err != nil || n < 15 || n > 70 {
			e[field] = "Umur berupa angka 15 sampai 70 (boleh dikosongkan)"
			return 0
		}
		return n
	}
	v.AgeMin, v.AgeMax = age("age_min", f.AgeMin), age("age_max", f.AgeMax)
	if v.AgeMin > 0 && v.AgeMax > 0 && v.AgeMin > v.AgeMax {
		e["age_max"] = "Umur maksimal lebih kecil dari umur minimal"
	}
	if !hasOption(DesiredLocations, f.Location) {
		e["location"] = "Pilih lokasi kerja"
	} else if f.Location != "lokal" && f.LocationDetail == "" {
		e["location_detail"] = "Tulis kota atau negara tempat bekerja"
	}
	if f.Wage != "" {
		w, err := strconv.Atoi(CleanDigits(strings.TrimPrefix(strings.TrimSpace(f.Wage), "Rp")))
		if err != nil || w < 0 || w > 1_000_000_000 {
			e["wage"] = "Upah berupa angka rupiah per bulan, misalnya 3.500.000 (boleh dikosongkan)"
		}
		v.Wage = w
	}
	d, err := time.Parse("2006-01-02", f.ClosingDate)
	switch {
	case f.ClosingDate == "":
		e["closing_date"] = "Pilih tanggal penutupan lowongan"
	case err != nil:
		e["closing_date"] = "Tanggal penutupan tidak terbaca: pilih dari kalender"
	case d.Before(dateOnly(today)):
		e["closing_date"] = "Tanggal penutupan sudah lewat"
	case d.After(dateOnly(today).AddDate(2, 0, 0)):
		e["closing_date"] = "Tanggal penutupan paling lama 2 tahun dari hari ini"
	}
	v.ClosingDate = d
	return v, e
}

func dateOnly(t time.Time) time.Time {
	t = t.In(OfficeZone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// ReadCounts reads places by sex from posted fields <prefix>_l, <prefix>_p and <prefix>_any.
// ok is false when a count is not a number from 0 to MaxPlaces.
func ReadCounts(v url.Values, prefix string) (Counts, bool) {
	var c Counts
	ok := true
	for _, x := range []struct {
		name string
		to   *int
	}{{"_l", &c.L}, {"_p", &c.P}, {"_any", &c.Any}} {
		s := strings.TrimSpace(v.Get(prefix + x.name))
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > MaxPlaces {
			ok = false
			continue
		}
		*x.to = n
	}
	return c, ok
}

// ClosesAt is the moment a vacancy stops being open: the end of its closing date in the office's
// time zone.
func (v *Vacancy) ClosesAt() time.Time {
	d := v.ClosingDate
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, OfficeZone).AddDate(0, 0, 1)
}
