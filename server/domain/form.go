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
	Name string `json:"name"`
	Year string `json:"year"`
}

// Experience is one job held before.
type Experience struct {
	Position string `json:"position"`
	Duties   string `json:"duties"`
	Years    string `json:"years"`
	Months   string `json:"months"`
	Employer string `json:"employer"`
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

	EduLevel  string         `json:"edu_level"`
	EduMajor  string         `json:"edu_major"`
	EduSchool string         `json:"edu_school"`
	EduYear   string         `json:"edu_year"`
	EduGrade  string         `json:"edu_grade"`
	Trainings [Rows]Training `json:"trainings"`

	Languages     []string `json:"languages"`
	LanguageOther string   `json:"language_other"`

	NeverWorked bool             `json:"never_worked"`
	Experiences [Rows]Experience `json:"experiences"`

	DesiredKBJI     string `json:"desired_kbji"`
	DesiredPosition string `json:"desired_position"`
	DesiredLocation string `json:"desired_location"`
	DesiredCountry  string `json:"desired_country"`
	DesiredWage     string `json:"desired_wage"`

	Remarks string `json:"remarks"`
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
var Steps = []Step{
	{"identitas", "Data diri", []string{"nik", "full_name", "birth_place", "birth_day", "birth_month", "birth_year", "sex"}},
	{"alamat", "Alamat tinggal", []string{"street", "rt", "rw", "kecamatan", "kelurahan", "postal_code"}},
	{"kontak", "Kontak dan keterangan diri", []string{"phone", "email", "marital", "religion", "height", "weight", "disability"}},
	{"pendidikan", "Pendidikan", append([]string{"edu_level", "edu_major", "edu_school", "edu_year", "edu_grade"}, rowFields("training", "name", "year")...)},
	{"bahasa", "Bahasa asing", []string{"languages", "language_other"}},
	{"pengalaman", "Pengalaman kerja", append([]string{"never_worked"}, rowFields("exp", "position", "duties", "years", "months", "employer")...)},
	{"keinginan", "Pekerjaan yang diinginkan", []string{"desired_kbji", "desired_position", "desired_location", "desired_country", "desired_wage"}},
	{"keterangan", "Keterangan lain", []string{"remarks"}},
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
		}
	}
	return nil
}

// Value returns the text of a field for showing it back in the form.
func (f *Form) Value(name string) string {
	if p := f.textField(name); p != nil {
		return *p
	}
	return ""
}

// HasLanguage tells whether a quick-choice language is ticked.
func (f *Form) HasLanguage(lang string) bool { return contains(f.Languages, lang) }

// Apply copies the fields of one step from submitted form values into f. Fields of other steps are
// left alone, so each screen only changes what it shows.
func (f *Form) Apply(step Step, values url.Values) {
	for _, name := range step.Fields {
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
		}
		if f.EduLevel != "Tidak tamat SD" {
			required(e, "edu_school", f.EduSchool, "Tulis nama sekolah atau perguruan tinggi")
			f.validateYear(e, "edu_year", f.EduYear, r, true, "Tahun lulus")
		}
		for i, t := range f.Trainings {
			if t.Name == "" && t.Year != "" {
				e[fmt.Sprintf("training_name_%d", i+1)] = "Tulis nama pelatihan, atau kosongkan tahunnya"
			}
			f.validateYear(e, fmt.Sprintf("training_year_%d", i+1), t.Year, r, t.Name != "", "Tahun pelatihan")
		}
	case "bahasa":
		// Nothing is required: many job seekers speak no foreign language.
	case "pengalaman":
		for i, x := range f.Experiences {
			n := i + 1
			filled := x.Position != "" || x.Employer != "" || x.Duties != "" || x.Years != "" || x.Months != ""
			if !filled {
				continue
			}
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
		}
	case "keinginan":
		if !hasOption(KBJIGroups, f.DesiredKBJI) {
			e["desired_kbji"] = "Pilih bidang pekerjaan yang diinginkan"
		}
		if !hasOption(DesiredLocations, f.DesiredLocation) {
			e["desired_location"] = "Pilih lokasi kerja yang diinginkan"
		} else if f.DesiredLocation == "luarnegeri" && f.DesiredCountry == "" {
			e["desired_country"] = "Tulis negara tujuan"
		}
		if f.DesiredWage != "" {
			if w, err := strconv.Atoi(CleanDigits(strings.TrimPrefix(strings.TrimSpace(f.DesiredWage), "Rp"))); err != nil || w < 0 || w > 1_000_000_000 {
				e["desired_wage"] = "Upah yang diinginkan berupa angka rupiah per bulan, misalnya 3500000 (boleh dikosongkan)"
			}
		}
	case "keterangan":
	}
	return e
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
	if nikErr == nil && ok && e["birth_date"] == "" && e["sex"] == "" {
		if m := CheckNIKAgainst(nik, birth, f.Sex == "P"); m != nil {
			e[m.Field] = m.Message
		}
	}
}

// Warnings are notes the officer should see but that do not block submission.
func (f *Form) Warnings(r Rules) []string {
	var w []string
	if birth, ok := f.BirthDate(); ok && AgeOn(birth, r.Today) < 18 && AgeOn(birth, r.Today) >= r.MinAge {
		w = append(w, "Pencari kerja berumur di bawah 18 tahun: petugas akan memeriksa persyaratan khusus.")
	}
	if nik, err := ParseNIK(f.NIK); err == nil && nik.Regency != "5171" {
		w = append(w, "NIK bukan terbitan Kota Denpasar: bawa surat keterangan domisili.")
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
}

// KecamatanName returns the name of the chosen district.
func (f *Form) KecamatanName() string {
	k, _ := FindKecamatan(f.Kecamatan)
	return k.Name
}
