package domain

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Rows is how many training and work-experience rows the Daftar Isian offers.
const Rows = 3

// Training is one non-formal education or training course.
type Training struct {
	Name        string `json:"name"`
	Institution string `json:"institution"` // who gave it, e.g. BLK Denpasar
	Year        string `json:"year"`
}

// Experience is one job held before.
type Experience struct {
	Position string `json:"position"`
	Duties   string `json:"duties"`
	Years    string `json:"years"`
	Months   string `json:"months"`
	Employer string `json:"employer"`
	Sector   string `json:"sector"` // KBLI 2020 section letter of the employer (KBLISections)
}

// Form is the Daftar Isian Pencari Kerja (AK/II) as the job seeker typed it. Every field is kept as
// text, exactly as entered (trimmed), so that a mistake never loses what was typed; the checks in
// Validate decide whether it can be submitted.
type Form struct {
	NIK        string `json:"nik"`
	FullName   string `json:"full_name"`
	BirthPlace string `json:"birth_place"`
	BirthDay   string `json:"birth_day"`
	BirthMonth string `json:"birth_month"`
	BirthYear  string `json:"birth_year"`
	Sex        string `json:"sex"`

	Street     string `json:"street"`
	RT         string `json:"rt"`
	RW         string `json:"rw"`
	Kecamatan  string `json:"kecamatan"`
	Kelurahan  string `json:"kelurahan"`
	PostalCode string `json:"postal_code"`

	Phone      string `json:"phone"`
	Email      string `json:"email"`
	Marital    string `json:"marital"`
	Religion   string `json:"religion"`
	Height     string `json:"height"`
	Weight     string `json:"weight"`
	Disability string `json:"disability"`

	// The highest level finished; EduCode is its 4-digit IPK education code (level then field,
	// ipk-pendidikan.csv), which the IPK report tables III/2, III/4 and III/7 count by.
	EduLevel  string `json:"edu_level"`
	EduCode   string `json:"edu_code"`
	EduMajor  string `json:"edu_major"`
	EduSchool string `json:"edu_school"`
	EduYear   string `json:"edu_year"`
	EduGrade  string `json:"edu_grade"`
	// EduHistory holds the levels finished before the highest one, lowest first (HistoryLevels).
	EduHistory []Education    `json:"edu_history,omitempty"`
	Trainings  [Rows]Training `json:"trainings"`

	Languages     []string `json:"languages"`
	LanguageOther string   `json:"language_other"`

	NeverWorked bool             `json:"never_worked"`
	Experiences [Rows]Experience `json:"experiences"`

	DesiredKBJI     string `json:"desired_kbji"`
	DesiredPosition string `json:"desired_position"`
	DesiredSector   string `json:"desired_kbli"`   // KBLI 2020 section letter, optional
	TargetCompany   string `json:"target_company"` // perusahaan yang dituju, optional
	DesiredLocation string `json:"desired_location"`
	DesiredCountry  string `json:"desired_country"`
	DesiredWage     string `json:"desired_wage"`

	Remarks string `json:"remarks"`

	// NIKAsOnKTP is the person's word that the NIK is typed as the KTP shows it although it disagrees
	// with the birth date or sex: the form may then be sent, marked for an officer to check with the
	// KTP in hand (a NIK is not changed when a birth date is corrected later, so this happens).
	NIKAsOnKTP bool `json:"nik_perlu_dicek,omitempty"`
	// Agreed is the declaration that the data is true and the consent to its processing (UU 27/2022
	// on personal data protection), ticked on the review screen before sending.
	Agreed bool `json:"agreed,omitempty"`
}

// Errors maps a form field name to a message in Bahasa Indonesia that says what to fix.
type Errors map[string]string

// Step is one screen of the Daftar Isian: a topic and the form fields it shows.
type Step struct {
	Slug   string
	Title  string
	Fields []string
}

// Steps are the screens of the Daftar Isian in order (domain.md §3; the office part is the officer's).
// Remarks (§3 item 8) are on the review screen, with the declaration: see ReviewFields.
var Steps = []Step{
	{"identitas", "Data diri", []string{"nik", "full_name", "birth_place", "birth_day", "birth_month", "birth_year", "sex", "nik_perlu_dicek"}},
	{"alamat", "Alamat tinggal", []string{"street", "rt", "rw", "kecamatan", "kelurahan", "postal_code"}},
	{"kontak", "Kontak dan keterangan diri", []string{"phone", "email", "marital", "religion", "height", "weight", "disability"}},
	{"pendidikan", "Pendidikan terakhir", []string{"edu_level", "edu_code", "edu_school", "edu_major", "edu_year", "edu_grade"}},
	{"riwayat", "Riwayat pendidikan", historyFields()},
	{"pelatihan", "Pelatihan dan kursus", rowFields("training", "name", "institution", "year")},
	{"bahasa", "Bahasa asing", []string{"languages", "language_other"}},
	{"pengalaman", "Pengalaman kerja", append([]string{"never_worked"}, rowFields("exp", "position", "employer", "sector", "duties", "years", "months")...)},
	{"keinginan", "Pekerjaan yang diinginkan", []string{"desired_kbji", "desired_position", "desired_kbli", "target_company",
		"desired_location", "desired_country", "desired_wage"}},
}

// ReviewFields are the fields of the review screen that ends the form.
var ReviewFields = []string{"remarks"}

// AllFields lists every field of the form: the steps' and the review screen's.
func AllFields() []string {
	var out []string
	for _, s := range Steps {
		out = append(out, s.Fields...)
	}
	return append(out, ReviewFields...)
}

func historyFields() []string {
	var out []string
	for _, h := range HistoryLevels {
		out = append(out, "hist_"+h.Key+"_school", "hist_"+h.Key+"_major", "hist_"+h.Key+"_year")
	}
	return out
}

// StepApplies tells whether a step has anything to ask given what is already filled: the history of
// earlier levels is skipped for someone whose highest level is SD or below.
func (f *Form) StepApplies(slug string) bool {
	if slug == "riwayat" {
		return len(HistoryFor(f.EduLevel)) > 0
	}
	return true
}

// NextStep returns the index of the step after idx that applies, or len(Steps) for the review.
func (f *Form) NextStep(idx int) int {
	for i := idx + 1; i < len(Steps); i++ {
		if f.StepApplies(Steps[i].Slug) {
			return i
		}
	}
	return len(Steps)
}

// PrevStep returns the index of the step before idx that applies, or -1 before the first.
func (f *Form) PrevStep(idx int) int {
	for i := idx - 1; i >= 0; i-- {
		if f.StepApplies(Steps[i].Slug) {
			return i
		}
	}
	return -1
}

// StepIndex returns the position of the step with the given slug, or -1.
func StepIndex(slug string) int {
	for i, s := range Steps {
		if s.Slug == slug {
			return i
		}
	}
	return -1
}

func rowFields(prefix string, parts ...string) []string {
	var out []string
	for i := 1; i <= Rows; i++ {
		for _, p := range parts {
			out = append(out, fmt.Sprintf("%s_%s_%d", prefix, p, i))
		}
	}
	return out
}

// Field limits keep a single field from filling the database or the card.
const (
	maxShort = 100
	maxLong  = 300
)

// textField returns a pointer to the text field called name, or nil for a field that is not text.
func (f *Form) textField(name string) *string {
	switch name {
	case "nik":
		return &f.NIK
	case "full_name":
		return &f.FullName
	case "birth_place":
		return &f.BirthPlace
	case "birth_day":
		return &f.BirthDay
	case "birth_month":
		return &f.BirthMonth
	case "birth_year":
		return &f.BirthYear
	case "sex":
		return &f.Sex
	case "street":
		return &f.Street
	case "rt":
		return &f.RT
	case "rw":
		return &f.RW
	case "kecamatan":
		return &f.Kecamatan
	case "kelurahan":
		return &f.Kelurahan
	case "postal_code":
		return &f.PostalCode
	case "phone":
		return &f.Phone
	case "email":
		return &f.Email
	case "marital":
		return &f.Marital
	case "religion":
		return &f.Religion
	case "height":
		return &f.Height
	case "weight":
		return &f.Weight
	case "disability":
		return &f.Disability
	case "edu_level":
		return &f.EduLevel
	case "edu_code":
		return &f.EduCode
	case "edu_major":
		return &f.EduMajor
	case "edu_school":
		return &f.EduSchool
	case "edu_year":
		return &f.EduYear
	case "edu_grade":
		return &f.EduGrade
	case "language_other":
		return &f.LanguageOther
	case "desired_kbji":
		return &f.DesiredKBJI
	case "desired_position":
		return &f.DesiredPosition
	case "desired_kbli":
		return &f.DesiredSector
	case "target_company":
		return &f.TargetCompany
	case "desired_location":
		return &f.DesiredLocation
	case "desired_country":
		return &f.DesiredCountry
	case "desired_wage":
		return &f.DesiredWage
	case "remarks":
		return &f.Remarks
	}
	var prefix, part string
	var row int
	if n, _ := fmt.Sscanf(strings.ReplaceAll(name, "_", " "), "%s %s %d", &prefix, &part, &row); n != 3 || row < 1 || row > Rows {
		return nil
	}
	switch prefix {
	case "training":
		t := &f.Trainings[row-1]
		switch part {
		case "name":
			return &t.Name
		case "institution":
			return &t.Institution
		case "year":
			return &t.Year
		}
	case "exp":
		e := &f.Experiences[row-1]
		switch part {
		case "position":
			return &e.Position
		case "duties":
			return &e.Duties
		case "years":
			return &e.Years
		case "months":
			return &e.Months
		case "employer":
			return &e.Employer
		case "sector":
			return &e.Sector
		}
	}
	return nil
}

// Value returns the text of a field for showing it back in the form.
func (f *Form) Value(name string) string {
	if p := f.textField(name); p != nil {
		return *p
	}
	if h, part, ok := histField(name); ok {
		e := f.History(h.Level)
		return *e.part(part)
	}
	return ""
}

// History returns the earlier education row of a level (a HistoryLevel's Level), empty if none.
func (f *Form) History(level string) Education {
	for _, e := range f.EduHistory {
		if e.Level == level {
			return e
		}
	}
	return Education{Level: level}
}

// HasLanguage tells whether a quick-choice language is ticked.
func (f *Form) HasLanguage(lang string) bool { return contains(f.Languages, lang) }

// Apply copies the fields of one step from submitted form values into f. Fields of other steps are
// left alone, so each screen only changes what it shows.
func (f *Form) Apply(step Step, values url.Values) { f.apply(step.Fields, values) }

// ApplyReview copies the review screen's fields (the remarks).
func (f *Form) ApplyReview(values url.Values) { f.apply(ReviewFields, values) }

// ApplyAll copies every field, as the officer's one-screen form posts them.
func (f *Form) ApplyAll(values url.Values) { f.apply(AllFields(), values) }

func (f *Form) apply(fields []string, values url.Values) {
	var history []Education // a new slice: never write into one a copy of this form shares
	historyShown := false
	for _, name := range fields {
		if h, part, ok := histField(name); ok {
			historyShown = true
			i := 0
			for i < len(history) && history[i].Level != h.Level {
				i++
			}
			if i == len(history) {
				history = append(history, Education{Level: h.Level})
			}
			*history[i].part(part) = CleanText(values.Get(name), maxShort)
			continue
		}
		switch name {
		case "languages":
			f.Languages = nil // a new slice: never write into one a copy of this form shares
			for _, v := range values[name] {
				if contains(Languages, v) && !contains(f.Languages, v) {
					f.Languages = append(f.Languages, v)
				}
			}
		case "never_worked":
			f.NeverWorked = values.Get(name) != ""
		case "nik_perlu_dicek":
			f.NIKAsOnKTP = values.Get(name) != ""
		default:
			if p := f.textField(name); p != nil {
				limit := maxShort
				if name == "remarks" || strings.HasPrefix(name, "exp_duties") || name == "street" {
					limit = maxLong
				}
				*p = CleanText(values.Get(name), limit)
			}
		}
	}
	if historyShown {
		f.EduHistory = nil
		for _, e := range history {
			if !e.empty() {
				f.EduHistory = append(f.EduHistory, e)
			}
		}
	}
}

// CleanText is the one cleaning every typed text goes through before it is stored (the Daftar
// Isian from the kiosk and the desk, reasons, officer and station names). It trims, folds runs of
// white space and control characters into one space, drops invalid UTF-8 and invisible characters
// (see Invisible), and cuts the text at limit characters.
func CleanText(s string, limit int) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	space := false
	n := 0
	for _, r := range strings.TrimSpace(s) {
		if Invisible(r) {
			continue // dropped without a trace: "Bu\u200bdi" is "Budi"
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			if n+1 >= limit {
				break // no room for the space and a character after it
			}
			b.WriteByte(' ')
			n++
		}
		if n >= limit {
			break
		}
		space = false
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// Invisible tells whether r is a character that shows nothing itself but changes how the text
// around it looks: the bidirectional marks, embeddings, overrides and isolates (U+200E/F, U+061C,
// U+202A–U+202E, U+2066–U+2069) that reverse a name or an address on the desk and on the card, the
// zero-width space, joiners and word joiner, the byte order mark, soft hyphens, tag and variation
// characters, Hangul fillers. These are Unicode's format characters (category Cf) and the other
// default-ignorable code points; none belongs in a name, an address or a reason typed from a KTP.
func Invisible(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
}

// Rules are the office's settings that validation depends on.
type Rules struct {
	MinAge int       // configured minimum age (default 18; 15 allowed, with a warning below 18)
	Today  time.Time // the office's current date
}

// BirthDate returns the date of birth entered, if it is a real date.
func (f *Form) BirthDate() (time.Time, bool) {
	d, err1 := strconv.Atoi(f.BirthDay)
	m, err2 := strconv.Atoi(f.BirthMonth)
	y, err3 := strconv.Atoi(f.BirthYear)
	if err1 != nil || err2 != nil || err3 != nil || m < 1 || m > 12 || d < 1 || y < 1900 || y > 9999 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// AgeOn is the age in whole years on the given day.
func AgeOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || (day.Month() == birth.Month() && day.Day() < birth.Day()) {
		age--
	}
	return age
}

var (
	rtRW   = regexp.MustCompile(`^[0-9]{1,3}$`)
	postal = regexp.MustCompile(`^8[0-9]{4}$`)
)

// NormalizePhone turns an Indonesian phone number as typed (08…, +62…, 62…, with spaces or dashes)
// into the national 0… form. ok is false when it is not a plausible Indonesian number.
func NormalizePhone(raw string) (string, bool) {
	s := CleanDigits(strings.NewReplacer("(", "", ")", "").Replace(raw))
	switch {
	case strings.HasPrefix(s, "+62"):
		s = "0" + s[3:]
	case strings.HasPrefix(s, "62"):
		s = "0" + s[2:]
	}
	if len(s) < 9 || len(s) > 13 || s[0] != '0' || s[1] == '0' {
		return s, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return s, false
		}
	}
	// Mobile numbers start 08 and have 10 to 13 digits; fixed lines (e.g. 0361…) at least 9.
	if s[1] == '8' && len(s) < 10 {
		return s, false
	}
	return s, true
}

// ValidateStep checks the fields of one step. Cross-checks that need fields from two steps (the NIK
// against the date of birth) live in the step that has both.
func (f *Form) ValidateStep(slug string, r Rules) Errors {
	e := Errors{}
	switch slug {
	case "identitas":
		f.validateIdentity(e, r)
	case "alamat":
		required(e, "street", f.Street, "Tulis alamat: nama jalan/gang dan nomor rumah")
		if f.RT != "" && !rtRW.MatchString(f.RT) {
			e["rt"] = "RT berupa angka, misalnya 001"
		}
		if f.RW != "" && !rtRW.MatchString(f.RW) {
			e["rw"] = "RW berupa angka, misalnya 002"
		}
		k, ok := FindKecamatan(f.Kecamatan)
		if !ok {
			e["kecamatan"] = "Pilih kecamatan tempat tinggal"
		} else if !contains(k.Kelurahan, f.Kelurahan) {
			e["kelurahan"] = "Pilih kelurahan/desa di Kecamatan " + k.Name
		}
		if f.PostalCode != "" && !postal.MatchString(CleanDigits(f.PostalCode)) {
			e["postal_code"] = "Kode pos Denpasar 5 angka, diawali 8 (misalnya 80113)"
		}
	case "kontak":
		if f.Phone == "" {
			e["phone"] = "Nomor HP/telepon wajib diisi, misalnya 0812 3456 7890"
		} else if _, ok := NormalizePhone(f.Phone); !ok {
			e["phone"] = "Nomor belum benar: tulis seperti 0812 3456 7890 atau +62 812 3456 7890"
		}
		if f.Email != "" {
			if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email || !strings.Contains(f.Email[strings.LastIndex(f.Email, "@"):], ".") {
				e["email"] = "Alamat e-mail belum benar, contoh: nama@gmail.com (boleh dikosongkan)"
			}
		}
		if !contains(MaritalStatuses, f.Marital) {
			e["marital"] = "Pilih status perkawinan"
		}
		if !contains(Religions, f.Religion) {
			e["religion"] = "Pilih agama"
		}
		numberInRange(e, "height", f.Height, 100, 250, "Tinggi badan dalam cm, antara 100 dan 250 (boleh dikosongkan)")
		numberInRange(e, "weight", f.Weight, 25, 250, "Berat badan dalam kg, antara 25 dan 250 (boleh dikosongkan)")
	case "pendidikan":
		if !contains(EducationLevels, f.EduLevel) {
			e["edu_level"] = "Pilih pendidikan terakhir"
			break
		}
		if len(EducationCodes(f.EduLevel)) > 0 && !codeFitsLevel(f.EduCode, f.EduLevel) {
			e["edu_code"] = "Pilih jurusan/bidang " + f.EduLevel + " dari daftar (kode IPK)"
		} else if f.EduLevel == "Tidak tamat SD" && f.EduCode != "" && f.EduCode != CodeNotFinishedSD {
			e["edu_code"] = "Kode pendidikan untuk tidak tamat SD adalah " + CodeNotFinishedSD
		}
		if f.EduLevel != "Tidak tamat SD" {
			required(e, "edu_school", f.EduSchool, "Tulis nama sekolah atau perguruan tinggi")
			f.validateYear(e, "edu_year", f.EduYear, r, true, "Tahun lulus")
		}
	case "riwayat":
		f.validateHistory(e, r)
	case "pelatihan":
		for i, t := range f.Trainings {
			if t.Name == "" && (t.Year != "" || t.Institution != "") {
				e[fmt.Sprintf("training_name_%d", i+1)] = "Tulis nama pelatihan, atau kosongkan baris ini"
			}
			f.validateYear(e, fmt.Sprintf("training_year_%d", i+1), t.Year, r, t.Name != "", "Tahun pelatihan")
		}
	case "bahasa":
		// Nothing is required: many job seekers speak no foreign language.
	case "pengalaman":
		any := false
		for i, x := range f.Experiences {
			n := i + 1
			if !x.filled() {
				continue
			}
			any = true
			if f.NeverWorked {
				e["never_worked"] = "Anda memilih belum pernah bekerja tetapi mengisi pengalaman: hapus centang atau kosongkan isian"
			}
			required(e, fmt.Sprintf("exp_position_%d", n), x.Position, "Tulis jabatan/pekerjaan")
			required(e, fmt.Sprintf("exp_employer_%d", n), x.Employer, "Tulis nama tempat bekerja")
			numberInRange(e, fmt.Sprintf("exp_years_%d", n), x.Years, 0, 60, "Lama bekerja: tahun berupa angka 0 sampai 60")
			numberInRange(e, fmt.Sprintf("exp_months_%d", n), x.Months, 0, 11, "Lama bekerja: bulan berupa angka 0 sampai 11")
			if x.Years == "" && x.Months == "" {
				e[fmt.Sprintf("exp_years_%d", n)] = "Tulis lama bekerja (tahun dan/atau bulan)"
			}
			if !hasOption(KBLISections, x.Sector) {
				e[fmt.Sprintf("exp_sector_%d", n)] = "Pilih bidang usaha tempat bekerja"
			}
		}
		if !any && !f.NeverWorked {
			e["never_worked"] = "Isi pengalaman kerja, atau centang \"Saya belum pernah bekerja\""
		}
	case "keinginan":
		if !hasOption(KBJIGroups, f.DesiredKBJI) {
			e["desired_kbji"] = "Pilih bidang pekerjaan yang diinginkan"
		}
		if f.DesiredSector != "" && !hasOption(KBLISections, f.DesiredSector) {
			e["desired_kbli"] = "Pilih bidang usaha dari daftar (boleh dikosongkan)"
		}
		if !hasOption(DesiredLocations, f.DesiredLocation) {
			e["desired_location"] = "Pilih lokasi kerja yang diinginkan"
		} else if f.DesiredLocation == "luarnegeri" && f.DesiredCountry == "" {
			e["desired_country"] = "Tulis negara tujuan"
		}
		if f.DesiredWage != "" {
			if w, err := strconv.Atoi(CleanDigits(strings.TrimPrefix(strings.TrimSpace(f.DesiredWage), "Rp"))); err != nil || w < 0 || w > 1_000_000_000 {
				e["desired_wage"] = "Upah yang diinginkan berupa angka rupiah per bulan, misalnya 3.500.000 (boleh dikosongkan)"
			}
		}
	}
	return e
}

func (x Experience) filled() bool {
	return x.Position != "" || x.Employer != "" || x.Duties != "" || x.Years != "" || x.Months != "" || x.Sector != ""
}

// validateHistory checks the earlier levels asked for the highest one: SD to SLTA are required
// (school and year), the others only when started.
func (f *Form) validateHistory(e Errors, r Rules) {
	prevYear, prevLabel, prevField := 0, "", ""
	for _, h := range HistoryFor(f.EduLevel) {
		row := f.History(h.Level)
		school, year := "hist_"+h.Key+"_school", "hist_"+h.Key+"_year"
		if row.empty() {
			if h.Required {
				e[school] = "Isi nama sekolah dan tahun lulus " + h.Label
			}
			continue
		}
		required(e, school, row.School, "Tulis nama sekolah "+h.Label)
		f.validateYear(e, year, row.Year, r, true, "Tahun lulus "+h.Level)
		// Years of the required school levels follow each other: a typo (2109) shows up here.
		if y, err := strconv.Atoi(row.Year); err == nil && e[year] == "" && h.Required {
			if prevYear != 0 && y < prevYear {
				e[year] = "Tahun lulus " + h.Level + " sebelum lulus " + prevLabel + ": periksa kembali tahunnya"
			}
			prevYear, prevLabel, prevField = y, h.Level, year
		}
	}
	if y, err := strconv.Atoi(f.EduYear); err == nil && prevYear != 0 && y < prevYear {
		e[prevField] = "Tahun lulus " + f.EduLevel + " (" + f.EduYear + ") sebelum lulus " + prevLabel + ": periksa kembali tahunnya"
	}
}

func (f *Form) validateIdentity(e Errors, r Rules) {
	nik, nikErr := ParseNIK(f.NIK)
	if nikErr != nil {
		e["nik"] = nikErr.Error()
	}
	if utf8.RuneCountInString(f.FullName) < 2 {
		e["full_name"] = "Tulis nama lengkap sesuai KTP"
	} else if strings.ContainsAny(f.FullName, "0123456789") {
		e["full_name"] = "Nama tidak memakai angka: tulis sesuai KTP"
	}
	required(e, "birth_place", f.BirthPlace, "Tulis tempat lahir sesuai KTP")
	birth, ok := f.BirthDate()
	switch {
	case f.BirthDay == "" || f.BirthMonth == "" || f.BirthYear == "":
		e["birth_date"] = "Pilih tanggal, bulan dan tahun lahir"
	case !ok:
		e["birth_date"] = "Tanggal lahir itu tidak ada di kalender: periksa tanggal dan bulan"
	case birth.After(r.Today):
		e["birth_date"] = "Tanggal lahir tidak boleh di masa depan"
	case AgeOn(birth, r.Today) < r.MinAge:
		e["birth_date"] = fmt.Sprintf("Umur minimal untuk kartu AK/I adalah %d tahun", r.MinAge)
	case AgeOn(birth, r.Today) > 100:
		e["birth_date"] = "Periksa tahun lahir"
	}
	if f.Sex != "L" && f.Sex != "P" {
		e["sex"] = "Pilih jenis kelamin"
	}
	if nikErr == nil && ok && e["birth_date"] == "" && e["sex"] == "" && !f.NIKAsOnKTP {
		if m := CheckNIKAgainst(nik, birth, f.Sex == "P"); m != nil {
			e[m.Field] = m.Message + " Jika NIK di KTP Anda memang begitu, centang \"NIK sudah sesuai KTP\": petugas akan memeriksanya."
		}
	}
}

// NIKMismatch returns how the NIK disagrees with the birth date and sex entered, or nil when they
// agree or one of them is not valid yet.
func (f *Form) NIKMismatch() *NIKMismatch {
	nik, err := ParseNIK(f.NIK)
	birth, ok := f.BirthDate()
	if err != nil || !ok || (f.Sex != "L" && f.Sex != "P") {
		return nil
	}
	return CheckNIKAgainst(nik, birth, f.Sex == "P")
}

// CheckAgreement is the last check before sending: the declaration and consent must be ticked.
func (f *Form) CheckAgreement() Errors {
	if f.Agreed {
		return Errors{}
	}
	return Errors{"agreed": "Centang pernyataan dan persetujuan di atas tombol kirim untuk mengirim pendaftaran"}
}

// Education returns every education row the person has, lowest first, ending with the highest
// level: what the card's grid prints and the education history the reports read.
func (f *Form) Education() []Education {
	if f.EduLevel == "" {
		return nil
	}
	var out []Education
	for _, h := range HistoryFor(f.EduLevel) {
		if row := f.History(h.Level); !row.empty() {
			out = append(out, row)
		}
	}
	top := Education{Level: f.EduLevel, School: f.EduSchool, Major: f.EduMajor, Year: f.EduYear}
	if f.EduLevel == "Tidak tamat SD" {
		top.Year = ""
	}
	return append(out, top)
}

// Warnings are notes the officer should see but that do not block submission.
func (f *Form) Warnings(r Rules) []string {
	var w []string
	if birth, ok := f.BirthDate(); ok && AgeOn(birth, r.Today) < 18 && AgeOn(birth, r.Today) >= r.MinAge {
		w = append(w, "Pencari kerja berumur di bawah 18 tahun: petugas akan memeriksa persyaratan khusus.")
	}
	if nik, err := ParseNIK(f.NIK); err == nil {
		if nik.Regency != "5171" {
			w = append(w, "NIK bukan terbitan Kota Denpasar: bawa surat keterangan domisili.")
		}
		if DistrictName(nik.District) == "" {
			w = append(w, "Kode kecamatan NIK ("+nik.District+") tidak ada dalam daftar Kemendagri 2025: cocokkan NIK dengan KTP.")
		}
	}
	return w
}

func (f *Form) validateYear(e Errors, field, value string, r Rules, need bool, what string) {
	if value == "" {
		if need {
			e[field] = what + " wajib diisi (4 angka, misalnya 2020)"
		}
		return
	}
	y, err := strconv.Atoi(value)
	switch {
	case err != nil || len(value) != 4:
		e[field] = what + " ditulis 4 angka, misalnya 2020"
	case y > r.Today.Year():
		e[field] = what + " tidak boleh melewati tahun ini"
	case y < 1940:
		e[field] = what + " terlalu lama: periksa kembali"
	default:
		if b, ok := f.BirthDate(); ok && y < b.Year()+5 {
			e[field] = what + " sebelum umur 5 tahun: periksa kembali tahunnya"
		}
	}
}

func required(e Errors, field, value, msg string) {
	if strings.TrimSpace(value) == "" {
		e[field] = msg
	}
}

func numberInRange(e Errors, field, value string, lo, hi int, msg string) {
	if value == "" {
		return
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < lo || n > hi {
		e[field] = msg
	}
}

// Validate checks every step and returns the errors and the slug of the first step that has one.
func (f *Form) Validate(r Rules) (Errors, string) {
	all := Errors{}
	first := ""
	for _, s := range Steps {
		errs := f.ValidateStep(s.Slug, r)
		if len(errs) > 0 && first == "" {
			first = s.Slug
		}
		for k, v := range errs {
			all[k] = v
		}
	}
	return all, first
}

// Normalize stores the checked values in their canonical form (digits only in the NIK, 0… phone).
// Call it only after Validate found nothing.
func (f *Form) Normalize() {
	f.NIK = CleanDigits(f.NIK)
	if p, ok := NormalizePhone(f.Phone); ok {
		f.Phone = p
	}
	f.PostalCode = CleanDigits(f.PostalCode)
	if f.DesiredWage != "" {
		f.DesiredWage = CleanDigits(strings.TrimPrefix(strings.TrimSpace(f.DesiredWage), "Rp"))
	}
	for _, p := range []*string{&f.RT, &f.RW} {
		if n, err := strconv.Atoi(*p); err == nil {
			*p = fmt.Sprintf("%03d", n)
		}
	}
	if f.EduLevel == "Tidak tamat SD" {
		f.EduCode, f.EduYear = CodeNotFinishedSD, ""
	}
	if len(EducationCodes(f.EduLevel)) == 0 && f.EduLevel != "Tidak tamat SD" {
		f.EduCode = "" // S3: the table has no codes for it
	}
	// Keep only the history the highest level asks for: rows typed before a lower level was chosen
	// would otherwise reach the card.
	var history []Education
	for _, h := range HistoryFor(f.EduLevel) {
		if row := f.History(h.Level); !row.empty() {
			history = append(history, row)
		}
	}
	f.EduHistory = history
	for i := range f.Experiences {
		if !f.Experiences[i].filled() {
			f.Experiences[i] = Experience{}
		}
	}
	if f.NIKMismatch() == nil {
		f.NIKAsOnKTP = false // nothing left to check
	}
}

// KecamatanName returns the name of the chosen district.
func (f *Form) KecamatanName() string {
	k, _ := FindKecamatan(f.Kecamatan)
	return k.Name
}
