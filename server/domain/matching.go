package domain

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Job counselling (SOP 12) shows one job seeker the open vacancies ranked by fit, each with the
// reasons it fits or not, so the Pengantar Kerja can explain the choices.

// Reason is one thing that makes a vacancy fit a job seeker or not.
type Reason struct {
	Fits bool
	Text string
}

// Match is one vacancy as it fits one job seeker.
type Match struct {
	Vacancy  Vacancy
	Eligible bool // no requirement of the vacancy excludes the person (education, age, sex)
	Score    int  // how well it fits the person's wishes; higher first
	Reasons  []Reason
}

// What the wishes weigh. A vacancy that fits the desired occupation comes before one that only fits
// the place: the occupation is what the person came for.
const (
	weightOccupation = 40
	weightField      = 20 // same IPK education code; half for the same level and field digit
	weightLocation   = 20
	weightSector     = 10
	weightCompany    = 15
	weightWage       = 5
)

// MatchVacancies ranks the vacancies for the job seeker of form f on day today: those the person
// meets the requirements of first, then by score, then the one closing soonest, then the oldest.
func MatchVacancies(f *Form, vacancies []Vacancy, today time.Time) []Match {
	out := make([]Match, 0, len(vacancies))
	for _, v := range vacancies {
		out = append(out, matchOne(f, v, today))
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Eligible != b.Eligible {
			return a.Eligible
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if !a.Vacancy.ClosingDate.Equal(b.Vacancy.ClosingDate) {
			return a.Vacancy.ClosingDate.Before(b.Vacancy.ClosingDate)
		}
		return a.Vacancy.ID < b.Vacancy.ID
	})
	return out
}

func matchOne(f *Form, v Vacancy, today time.Time) Match {
	m := Match{Vacancy: v, Eligible: true}
	fits := func(points int, text string) {
		m.Score += points
		m.Reasons = append(m.Reasons, Reason{true, text})
	}
	misses := func(text string) { m.Reasons = append(m.Reasons, Reason{false, text}) }
	excludes := func(text string) {
		m.Eligible = false
		misses(text)
	}

	// Requirements: education, age, sex.
	if v.MinEducation != "" {
		if LevelRank(f.EduLevel) >= LevelRank(v.MinEducation) {
			fits(0, "Pendidikan "+f.EduLevel+" memenuhi syarat minimal "+v.MinEducation)
		} else {
			excludes("Pendidikan " + f.EduLevel + " di bawah syarat minimal " + v.MinEducation)
		}
	}
	if birth, ok := f.BirthDate(); ok && (v.AgeMin > 0 || v.AgeMax > 0) {
		age := AgeOn(birth, today)
		bounds := ageBounds(v.AgeMin, v.AgeMax)
		if (v.AgeMin == 0 || age >= v.AgeMin) && (v.AgeMax == 0 || age <= v.AgeMax) {
			fits(0, fmt.Sprintf("Umur %d tahun sesuai batas %s", age, bounds))
		} else {
			excludes(fmt.Sprintf("Umur %d tahun di luar batas %s", age, bounds))
		}
	}
	open := v.Open
	switch {
	case open.Any > 0 || (open.L > 0 && open.P > 0):
		// Either sex may apply: nothing to say.
	case open.L > 0 && f.Sex == "L", open.P > 0 && f.Sex == "P":
		fits(0, "Lowongan untuk "+strings.ToLower(LabelOf(Sexes, f.Sex)))
	case open.L > 0:
		excludes("Lowongan hanya untuk laki-laki")
	case open.P > 0:
		excludes("Lowongan hanya untuk perempuan")
	}

	// Wishes and fit: they order the vacancies but exclude none.
	if f.DesiredKBJI == v.KBJI {
		fits(weightOccupation, "Sesuai jabatan yang diinginkan: "+LabelOf(KBJIGroups, v.KBJI))
	} else {
		misses("Bukan golongan jabatan yang diinginkan (" + LabelOf(KBJIGroups, f.DesiredKBJI) + ")")
	}
	if v.EduCode != "" {
		switch {
		case f.EduCode == v.EduCode:
			fits(weightField, "Jurusan sesuai: "+EducationCodeLabel(v.EduCode))
		case len(f.EduCode) == 4 && f.EduCode[:2] == v.EduCode[:2]:
			fits(weightField/2, "Jurusan serumpun dengan "+EducationCodeLabel(v.EduCode))
		default:
			misses("Jurusan yang diminta: " + EducationCodeLabel(v.EduCode))
		}
	}
	switch {
	case f.DesiredLocation == v.Location && v.Location == "luarnegeri" && f.DesiredCountry != "" && v.LocationDetail != "" &&
		!strings.EqualFold(f.DesiredCountry, v.LocationDetail):
		misses("Negara tujuan berbeda: lowongan di " + v.LocationDetail + ", diinginkan " + f.DesiredCountry)
	case f.DesiredLocation == v.Location:
		fits(weightLocation, "Lokasi sesuai keinginan: "+locationText(v))
	default:
		misses("Lokasi " + locationText(v) + ", diinginkan " + wishedPlace(f.DesiredLocation))
	}
	if f.DesiredSector != "" && f.DesiredSector == v.EmployerKBLI {
		fits(weightSector, "Bidang usaha sesuai keinginan: "+LabelOf(KBLISections, v.EmployerKBLI))
	}
	if t := strings.TrimSpace(f.TargetCompany); t != "" && v.EmployerName != "" &&
		(strings.Contains(strings.ToLower(v.EmployerName), strings.ToLower(t)) || strings.Contains(strings.ToLower(t), strings.ToLower(v.EmployerName))) {
		fits(weightCompany, "Perusahaan yang dituju: "+v.EmployerName)
	}
	if want, err := strconv.Atoi(f.DesiredWage); err == nil && want > 0 && v.Wage > 0 {
		if v.Wage >= want {
			fits(weightWage, "Upah Rp "+groupThousands(v.Wage)+" memenuhi keinginan")
		} else {
			misses("Upah Rp " + groupThousands(v.Wage) + " di bawah keinginan Rp " + groupThousands(want))
		}
	}
	return m
}

func ageBounds(lo, hi int) string {
	switch {
	case lo > 0 && hi > 0:
		return fmt.Sprintf("%d–%d tahun", lo, hi)
	case lo > 0:
		return fmt.Sprintf("minimal %d tahun", lo)
	}
	return fmt.Sprintf("maksimal %d tahun", hi)
}

func locationText(v Vacancy) string {
	switch v.Location {
	case "lokal":
		return "di Denpasar/Bali"
	case "antardaerah":
		return "di " + strings.TrimSpace(v.LocationDetail+" (luar daerah)")
	case "luarnegeri":
		return "di luar negeri (" + v.LocationDetail + ")"
	}
	return v.Location
}

func wishedPlace(location string) string {
	switch location {
	case "lokal":
		return "di Denpasar/Bali"
	case "antardaerah":
		return "di daerah lain"
	case "luarnegeri":
		return "di luar negeri"
	}
	return "tidak disebut"
}

// groupThousands writes 3500000 as 3.500.000.
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}
