package domain

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// matchToday is the counselling day of the matching table.
var matchToday = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// matchVacancies are five vacancies that differ in every way matching looks at.
var matchVacancies = []Vacancy{
	{ID: 1, EmployerName: "Hotel Inna Bali Heritage", EmployerKBLI: "I", EmployerType: "4", Position: "Resepsionis", KBJI: "4",
		Open: Counts{P: 2}, MinEducation: "SMA", EduCode: "3404", AgeMin: 18, AgeMax: 30, Location: "lokal", Wage: 4_200_000,
		ClosingDate: day("2026-12-31")},
	{ID: 2, EmployerName: "Warung Made", EmployerKBLI: "I", EmployerType: "6", Position: "Pramusaji", KBJI: "5",
		Open: Counts{Any: 3}, MinEducation: "SMP/SLTP", AgeMin: 18, AgeMax: 35, Location: "lokal", Wage: 3_000_000,
		ClosingDate: day("2026-12-15")},
	{ID: 3, EmployerName: "PT Bank Sejahtera", EmployerKBLI: "K", EmployerType: "4", Position: "Staf administrasi", KBJI: "4",
		Open: Counts{L: 1, P: 1}, MinEducation: "S1", EduCode: "6501", AgeMax: 35, Location: "lokal", Wage: 6_000_000,
		ClosingDate: day("2026-12-20")},
	{ID: 4, EmployerName: "CV Karya Beton", EmployerKBLI: "F", EmployerType: "4", Position: "Pekerja bangunan", KBJI: "9",
		Open: Counts{L: 10}, MinEducation: "SD", AgeMin: 18, AgeMax: 45, Location: "antardaerah", LocationDetail: "Surabaya",
		Wage: 3_500_000, ClosingDate: day("2026-12-10")},
	{ID: 5, EmployerName: "Kaigo Care Osaka", EmployerKBLI: "Q", EmployerType: "4", Position: "Perawat lansia", KBJI: "3",
		Open: Counts{Any: 5}, MinEducation: "D3", AgeMin: 20, AgeMax: 35, Location: "luarnegeri", LocationDetail: "Jepang",
		Wage: 15_000_000, ClosingDate: day("2027-01-31")},
}

func seeker(sex, birth, level, code, kbji, location string) *Form {
	b := day(birth)
	return &Form{Sex: sex, BirthDay: fmt.Sprint(b.Day()), BirthMonth: fmt.Sprint(int(b.Month())), BirthYear: fmt.Sprint(b.Year()),
		EduLevel: level, EduCode: code, DesiredKBJI: kbji, DesiredLocation: location}
}

// TestMatchVacancies is the table of vacancies × job seekers: for each person the expected order of
// the five vacancies with whether each is open to them and its score, and reasons that must be given
// (a leading "-" marks a reason that does not fit).
func TestMatchVacancies(t *testing.T) {
	ayu := seeker("P", "2001-08-07", "SMK", "3404", "5", "lokal")
	ayu.DesiredSector, ayu.TargetCompany, ayu.DesiredWage = "I", "hotel inna", "4000000"
	wayan := seeker("L", "1995-03-15", "S1", "6501", "4", "lokal")
	wayan.DesiredWage = "5000000"
	kadek := seeker("L", "2007-05-01", "SMP/SLTP", "2101", "9", "antardaerah")
	komang := seeker("P", "1998-06-10", "D3", "5401", "3", "luarnegeri")
	komang.DesiredCountry = "Korea"

	type want struct {
		id       int64
		eligible bool
		score    int
		reasons  []string
	}
	cases := []struct {
		name string
		form *Form
		want []want
	}{
		{"SMK pariwisata, wants service work in Denpasar", ayu, []want{
			// A tie at 70: the vacancy closing first comes first.
			{2, true, 70, []string{"Sesuai jabatan yang diinginkan: Tenaga Usaha Jasa dan Penjualan", "Lokasi sesuai keinginan: di Denpasar/Bali",
				"Bidang usaha sesuai keinginan: Penyediaan Akomodasi dan Makan Minum (hotel, restoran)", "-Upah Rp 3.000.000 di bawah keinginan Rp 4.000.000"}},
			{1, true, 70, []string{"Pendidikan SMK memenuhi syarat minimal SMA", "Umur 25 tahun sesuai batas 18–30 tahun",
				"Lowongan untuk perempuan", "-Bukan golongan jabatan yang diinginkan (Tenaga Usaha Jasa dan Penjualan)",
				"Jurusan sesuai: 3404 · PARIWISATA", "Perusahaan yang dituju: Hotel Inna Bali Heritage", "Upah Rp 4.200.000 memenuhi keinginan"}},
			{3, false, 25, []string{"-Pendidikan SMK di bawah syarat minimal S1", "-Jurusan yang diminta: 6501 · EKONOMI"}},
			{5, false, 5, []string{"-Pendidikan SMK di bawah syarat minimal D3", "-Lokasi di luar negeri (Jepang), diinginkan di Denpasar/Bali"}},
			{4, false, 0, []string{"-Lowongan hanya untuk laki-laki", "-Lokasi di Surabaya (luar daerah), diinginkan di Denpasar/Bali"}},
		}},
		{"S1 ekonomi, 31, wants office work", wayan, []want{
			{3, true, 85, []string{"Pendidikan S1 memenuhi syarat minimal S1", "Umur 31 tahun sesuai batas maksimal 35 tahun",
				"Sesuai jabatan yang diinginkan: Tenaga Tata Usaha", "Jurusan sesuai: 6501 · EKONOMI", "Upah Rp 6.000.000 memenuhi keinginan"}},
			{2, true, 20, nil},
			{5, true, 5, []string{"Pendidikan S1 memenuhi syarat minimal D3"}},
			{4, true, 0, []string{"Lowongan untuk laki-laki"}},
			// Fits his wishes best after the bank, but he is too old and it asks for women.
			{1, false, 60, []string{"-Umur 31 tahun di luar batas 18–30 tahun", "-Lowongan hanya untuk perempuan"}},
		}},
		{"SMP, 19, wants labouring work elsewhere in Indonesia", kadek, []want{
			{4, true, 60, []string{"Sesuai jabatan yang diinginkan: Pekerja Kasar", "Lokasi sesuai keinginan: di Surabaya (luar daerah)"}},
			{2, true, 0, nil},
			// Three closed to him, all at 0: closing date decides.
			{3, false, 0, []string{"-Pendidikan SMP/SLTP di bawah syarat minimal S1"}},
			{1, false, 0, []string{"-Pendidikan SMP/SLTP di bawah syarat minimal SMA", "-Lowongan hanya untuk perempuan"}},
			{5, false, 0, []string{"-Umur 19 tahun di luar batas 20–35 tahun"}},
		}},
		{"D3, 28, wants to work in Korea", komang, []want{
			{5, true, 40, []string{"Sesuai jabatan yang diinginkan: Teknisi dan Asisten Profesional",
				"-Negara tujuan berbeda: lowongan di Jepang, diinginkan Korea"}},
			{2, true, 0, nil},
			{1, true, 0, []string{"Lowongan untuk perempuan", "-Jurusan yang diminta: 3404 · PARIWISATA"}},
			{4, false, 0, []string{"-Lowongan hanya untuk laki-laki"}},
			{3, false, 0, []string{"-Pendidikan D3 di bawah syarat minimal S1"}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := MatchVacancies(tc.form, matchVacancies, matchToday)
			if len(got) != len(tc.want) {
				t.Fatalf("%d matches, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Vacancy.ID != w.id || g.Eligible != w.eligible || g.Score != w.score {
					t.Errorf("place %d: vacancy %d eligible %v score %d, want vacancy %d eligible %v score %d\n%s",
						i+1, g.Vacancy.ID, g.Eligible, g.Score, w.id, w.eligible, w.score, reasonsText(g.Reasons))
					continue
				}
				have := map[string]bool{}
				for _, r := range g.Reasons {
					text := r.Text
					if !r.Fits {
						text = "-" + text
					}
					have[text] = true
				}
				for _, r := range w.reasons {
					if !have[r] {
						t.Errorf("vacancy %d lacks reason %q; has\n%s", w.id, r, reasonsText(g.Reasons))
					}
				}
				// Every exclusion is said: an ineligible vacancy has at least one reason that does not fit.
				if !g.Eligible && !strings.Contains(reasonsText(g.Reasons), "✗") {
					t.Errorf("vacancy %d closed to the person without a reason", w.id)
				}
			}
		})
	}
}

func reasonsText(rs []Reason) string {
	var b strings.Builder
	for _, r := range rs {
		mark := "✓"
		if !r.Fits {
			mark = "✗"
		}
		b.WriteString("  " + mark + " " + r.Text + "\n")
	}
	return b.String()
}

// TestVacancyFormCheck: every field is checked with a message that says what to fix, and a good form
// gives the vacancy it describes.
func TestVacancyFormCheck(t *testing.T) {
	good := VacancyForm{EmployerName: "Hotel Inna Bali Heritage", EmployerKBLI: "I", EmployerType: "4", Position: "Resepsionis",
		KBJI: "4", WantedL: "", WantedP: "2", WantedAny: "1", MinEducation: "SMA", EduCode: "3404", AgeMin: "18", AgeMax: "30",
		Location: "lokal", Wage: "Rp 4.200.000", ClosingDate: "2026-12-31"}
	v, errs := good.Check(matchToday)
	if len(errs) != 0 {
		t.Fatalf("good form: %v", errs)
	}
	if v.Wanted != (Counts{0, 2, 1}) || v.Wage != 4_200_000 || v.AgeMin != 18 || v.AgeMax != 30 || !v.ClosingDate.Equal(day("2026-12-31")) {
		t.Fatalf("vacancy = %+v", v)
	}
	if back := FormOf(&v); back.WantedP != "2" || back.ClosingDate != "2026-12-31" || back.Wage != "4200000" {
		t.Fatalf("FormOf = %+v", back)
	}
	bad := []struct {
		change func(*VacancyForm)
		field  string
		words  string
	}{
		{func(f *VacancyForm) { f.EmployerName = "" }, "employer_name", "nama pemberi kerja"},
		{func(f *VacancyForm) { f.EmployerKBLI = "Z" }, "employer_kbli", "KBLI"},
		{func(f *VacancyForm) { f.EmployerType = "9" }, "employer_type", "jenis pemberi kerja"},
		{func(f *VacancyForm) { f.KBJI = "" }, "kbji", "KBJI"},
		{func(f *VacancyForm) { f.WantedP, f.WantedAny = "", "0" }, "wanted_l", "jumlah yang dibutuhkan"},
		{func(f *VacancyForm) { f.WantedP = "dua" }, "wanted_p", "angka 0 sampai 1000"},
		{func(f *VacancyForm) { f.WantedAny = "5000" }, "wanted_any", "angka 0 sampai 1000"},
		{func(f *VacancyForm) { f.MinEducation = "SMU" }, "min_education", "pendidikan minimal"},
		{func(f *VacancyForm) { f.EduCode = "9999" }, "edu_code", "tidak dikenal"},
		{func(f *VacancyForm) { f.AgeMin = "12" }, "age_min", "15 sampai 70"},
		{func(f *VacancyForm) { f.AgeMin, f.AgeMax = "40", "30" }, "age_max", "lebih kecil"},
		{func(f *VacancyForm) { f.Location = "mars" }, "location", "lokasi kerja"},
		{func(f *VacancyForm) { f.Location = "luarnegeri" }, "location_detail", "negara"},
		{func(f *VacancyForm) { f.Wage = "banyak" }, "wage", "rupiah"},
		{func(f *VacancyForm) { f.ClosingDate = "" }, "closing_date", "Pilih tanggal"},
		{func(f *VacancyForm) { f.ClosingDate = "31-12-2026" }, "closing_date", "tidak terbaca"},
		{func(f *VacancyForm) { f.ClosingDate = "2026-11-26" }, "closing_date", "sudah lewat"},
		{func(f *VacancyForm) { f.ClosingDate = "2029-01-01" }, "closing_date", "2 tahun"},
	}
	for _, b := range bad {
		f := good
		b.change(&f)
		_, errs := f.Check(matchToday)
		if !strings.Contains(errs[b.field], b.words) {
			t.Errorf("%+v: error on %s = %q, want it to say %q (all: %v)", f, b.field, errs[b.field], b.words, errs)
		}
	}
	// The closing day itself is still open; the vacancy closes at midnight WITA after it.
	if got := v.ClosesAt(); !got.Equal(time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("closes at %v", got)
	}
}

// TestNextStepNamesARole: every state an application can be in says what comes next, and every
// state after printing names the role that takes the step.
func TestNextStepNamesARole(t *testing.T) {
	for s, role := range map[State]Role{StatePrinted: RolePetugas, StateChecked: RolePengantar, StateSigned: RolePengantar,
		StateCounselled: RolePengantar, StateApproved: RoleOperator, StateSubmitted: RolePetugas} {
		if n := NextFor(s); n.Role != role || n.Label == "" || n.Who != role.Title() {
			t.Errorf("%s: next %+v, want role %s", s, n, role)
		}
	}
	if n := NextFor(StateChecked); n.Label != "menunggu tanda tangan Pengantar Kerja" {
		t.Errorf("checked: %q", n.Label)
	}
	if n := NextFor(StateHandedOver); n.Role != "" || n.Label != "selesai" {
		t.Errorf("handed over: %+v", n)
	}
	for _, st := range SOPSteps {
		if st.Step.Info().Label == string(st.Step) || st.SOP == "" {
			t.Errorf("step %s has no words or SOP number", st.Step)
		}
	}
	notes := HandOverNotes(day("2026-11-27"), day("2028-11-27"))
	if !strings.Contains(strings.Join(notes, " "), "27 Mei 2027") || !strings.Contains(notes[0], "nasional") {
		t.Errorf("hand-over notes %q", notes)
	}
}

// TestCheckSigner: only an active official with a NIP can sign.
func TestCheckSigner(t *testing.T) {
	ok := Officer{Role: RoleKasi, NIP: "197805122006041012"}
	if err := CheckSigner(ok); err != nil {
		t.Fatal(err)
	}
	for _, o := range []Officer{{Role: RolePetugas}, {Role: RoleOperator, NIP: "1"}, {Role: RolePetugas, NIP: "1", Disabled: true}} {
		if err := CheckSigner(o); err == nil {
			t.Errorf("%+v may be assigned", o)
		}
	}
}
