package domain

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestEducationCodesByLevelThenField(t *testing.T) {
	count := func(groups []CodeGroup) int {
		n := 0
		for _, g := range groups {
			n += len(g.Codes)
		}
		return n
	}
	tests := []struct {
		level      string
		codes      int
		fields     []string // the groups' field names in order
		firstCode  string
		notAllowed string
	}{
		// Rows per level in ipk-pendidikan.md, without the group headings.
		{level: "SD", codes: 2, fields: []string{""}, firstCode: "1102", notAllowed: "1101"},
		{level: "SMP/SLTP", codes: 4, fields: []string{""}, firstCode: "2101"},
		{level: "SMA", codes: 4, fields: []string{""}, firstCode: "3701", notAllowed: "3101"},
		{level: "SMK", codes: 41, fields: []string{"Teknologi dan Rekayasa", "Teknologi Informasi dan Komunikasi", "Kesehatan",
			"Seni, Kerajinan dan Pariwisata", "Agribisnis dan Agroteknologi", "Bisnis dan Manajemen"}, firstCode: "3101", notAllowed: "3801"},
		{level: "D1", codes: 30, fields: []string{""}, firstCode: "4101"},
		{level: "D2", codes: 31, fields: []string{""}, firstCode: "4201"},
		{level: "D3", codes: 139, fields: []string{"Ilmu Pasti dan Alam", "Teknologi", "Pertanian", "Kesehatan", "Sosial dan Budaya", "Pendidikan"}, firstCode: "5101"},
		{level: "D4", codes: 134, fields: []string{"Ilmu Pasti dan Alam", "Teknologi", "Pertanian", "Kesehatan", "Sosial dan Budaya", "Pendidikan"}, firstCode: "8101"},
		{level: "S1", codes: 120, fields: []string{"Ilmu Pasti dan Alam", "Teknologi", "Pertanian", "Kesehatan", "Sosial dan Budaya", "Pendidikan"}, firstCode: "6101", notAllowed: "7101"},
		{level: "S2", codes: 120, fields: []string{"Ilmu Pasti dan Alam", "Teknologi", "Pertanian", "Kesehatan", "Sosial dan Budaya", "Pendidikan"}, firstCode: "7101"},
		{level: "S3", codes: 0},
		{level: "Tidak tamat SD", codes: 0},
		{level: "", codes: 0},
		{level: "SLTA", codes: 0}, // not a level of the form
	}
	for _, tt := range tests {
		t.Run(tt.level, func(t *testing.T) {
			groups := EducationCodes(tt.level)
			if got := count(groups); got != tt.codes {
				t.Fatalf("%d codes, want %d", got, tt.codes)
			}
			var fields []string
			for _, g := range groups {
				fields = append(fields, g.Field)
				for _, c := range g.Codes {
					if len(c.Code) != 4 || c.Name == "" {
						t.Errorf("bad code %+v", c)
					}
					if !codeFitsLevel(c.Code, tt.level) {
						t.Errorf("code %s listed but refused for %s", c.Code, tt.level)
					}
				}
			}
			if !reflect.DeepEqual(fields, tt.fields) {
				t.Errorf("fields %q, want %q", fields, tt.fields)
			}
			if tt.codes > 0 && groups[0].Codes[0].Code != tt.firstCode {
				t.Errorf("first code %s, want %s", groups[0].Codes[0].Code, tt.firstCode)
			}
			if tt.notAllowed != "" && codeFitsLevel(tt.notAllowed, tt.level) {
				t.Errorf("code %s accepted for %s", tt.notAllowed, tt.level)
			}
		})
	}
	if c, ok := FindEducationCode("5534"); !ok || c.Name != "HOTEL, RESTORAN DAN PARAWISATA" || c.Level != "D3" {
		t.Errorf("FindEducationCode(5534) = %+v, %v (a quoted name with a comma)", c, ok)
	}
	if _, ok := FindEducationCode("6000"); ok {
		t.Errorf("the group heading 6000 is found as a code")
	}
	if got := EducationCodeLabel("6501"); got != "6501 · EKONOMI" {
		t.Errorf("EducationCodeLabel(6501) = %q", got)
	}
}

func TestHistoryForAndSteps(t *testing.T) {
	keys := func(level string) string {
		var k []string
		for _, h := range HistoryFor(level) {
			k = append(k, h.Key)
		}
		return strings.Join(k, " ")
	}
	for level, want := range map[string]string{
		"Tidak tamat SD": "", "SD": "", "SMP/SLTP": "sd", "SMA": "sd sltp", "SMK": "sd sltp",
		"D1": "sd sltp slta akta", "D3": "sd sltp slta d1 d2 akta", "S1": "sd sltp slta d1 d2 d3 akta d4",
		"S3": "sd sltp slta d1 d2 d3 akta d4 s1 s2", "": "",
	} {
		if got := keys(level); got != want {
			t.Errorf("HistoryFor(%q) = %q, want %q", level, got, want)
		}
	}
	f := validForm()
	pend, riw, pel := StepIndex("pendidikan"), StepIndex("riwayat"), StepIndex("pelatihan")
	if f.NextStep(pend) != riw || f.PrevStep(pel) != riw {
		t.Errorf("SMK: next after pendidikan %d, before pelatihan %d; want riwayat %d", f.NextStep(pend), f.PrevStep(pel), riw)
	}
	f.EduLevel = "SD"
	if f.StepApplies("riwayat") || f.NextStep(pend) != pel || f.PrevStep(pel) != pend {
		t.Errorf("SD: the history step is not skipped")
	}
	if f.NextStep(len(Steps)-1) != len(Steps) || f.PrevStep(0) != -1 {
		t.Errorf("NextStep/PrevStep at the ends wrong")
	}
}

// TestEducationRowsOfAnS1Graduate: the rows the card prints, lowest first, ending with the highest.
func TestEducationRowsOfAnS1Graduate(t *testing.T) {
	f := validForm()
	f.Apply(Steps[StepIndex("pendidikan")], url.Values{"edu_level": {"S1"}, "edu_code": {"6501"},
		"edu_school": {"Universitas Udayana"}, "edu_major": {"Ekonomi Pembangunan"}, "edu_year": {"2024"}})
	f.Apply(Steps[StepIndex("riwayat")], url.Values{
		"hist_sd_school": {"SD Negeri 1 Pemecutan"}, "hist_sd_year": {"2013"},
		"hist_sltp_school": {"SMP Negeri 2 Denpasar"}, "hist_sltp_year": {"2016"},
		"hist_slta_school": {"SMA Negeri 1 Denpasar"}, "hist_slta_major": {"IPS"}, "hist_slta_year": {"2019"},
		"hist_s2_school": {"typed before S1 was chosen"},
	})
	if errs, first := f.Validate(testRules); len(errs) != 0 {
		t.Fatalf("Validate = %v (%s)", errs, first)
	}
	f.Normalize()
	var got []string
	for _, e := range f.Education() {
		got = append(got, e.Level+"|"+e.School+"|"+e.Major+"|"+e.Year)
	}
	want := []string{"SD|SD Negeri 1 Pemecutan||2013", "SMP/SLTP|SMP Negeri 2 Denpasar||2016",
		"SMA/SMK|SMA Negeri 1 Denpasar|IPS|2019", "S1|Universitas Udayana|Ekonomi Pembangunan|2024"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Education() =\n%q\nwant\n%q", got, want)
	}
	if len(f.EduHistory) != 3 {
		t.Errorf("Normalize kept %d history rows, want 3 (the S2 row is above S1)", len(f.EduHistory))
	}
	if f.Value("hist_slta_major") != "IPS" || f.Value("hist_d3_school") != "" || f.Value("hist_xx_school") != "" {
		t.Errorf("Value of history fields wrong")
	}

	// Tidak tamat SD: one row, no year, its fixed code.
	g := validForm()
	g.EduLevel, g.EduCode, g.EduSchool, g.EduYear = "Tidak tamat SD", "", "SD 5 Sanur", "2010"
	g.Normalize()
	if rows := g.Education(); len(rows) != 1 || rows[0].Year != "" || g.EduCode != "1101" || g.EduHistory != nil {
		t.Errorf("Tidak tamat SD: rows %+v, code %q, history %+v", rows, g.EduCode, g.EduHistory)
	}
	if (&Form{}).Education() != nil {
		t.Errorf("an empty form has education rows")
	}
}

func TestApplyHistoryDoesNotShareRows(t *testing.T) {
	f := validForm()
	g := *f // the desk copies a form and applies corrections to the copy
	g.Apply(Steps[StepIndex("riwayat")], url.Values{"hist_sd_school": {"SD Lain"}, "hist_sd_year": {"2013"}})
	if f.EduHistory[0].School != "SD Negeri 1 Pemecutan" {
		t.Errorf("applying to a copy changed the original: %+v", f.EduHistory)
	}
	g.Apply(Steps[StepIndex("riwayat")], url.Values{})
	if g.EduHistory != nil {
		t.Errorf("an empty history post left rows: %+v", g.EduHistory)
	}
}

// TestNIKAsOnKTP: a NIK that disagrees with the birth date is an error that names the part to check,
// until the person says the KTP shows it so; then it is sent with a note for the officer.
func TestNIKAsOnKTP(t *testing.T) {
	f := validForm()
	f.NIK = "5171034808010002" // the 8th, while the form says the 7th
	errs := f.ValidateStep("identitas", testRules)
	if !strings.Contains(errs["birth_date"], "08-08-01") || !strings.Contains(errs["birth_date"], "sesuai KTP") {
		t.Fatalf("errors = %v, want the date mismatch with the way out", errs)
	}
	f.Apply(Steps[StepIndex("identitas")], url.Values{"nik": {f.NIK}, "full_name": {f.FullName}, "birth_place": {f.BirthPlace},
		"birth_day": {"7"}, "birth_month": {"8"}, "birth_year": {"2001"}, "sex": {"P"}, "nik_perlu_dicek": {"1"}})
	if errs := f.ValidateStep("identitas", testRules); len(errs) != 0 {
		t.Fatalf("with the tick: %v", errs)
	}
	if m := f.NIKMismatch(); m == nil || !strings.Contains(m.Message, "08-08-01") {
		t.Errorf("NIKMismatch = %+v, want the date part for the officer", m)
	}
	f.Normalize()
	if !f.NIKAsOnKTP {
		t.Errorf("Normalize dropped the mark while the mismatch is there")
	}
	// The officer corrects the birth date: nothing left to check, and the mark goes.
	f.BirthDay = "8"
	f.Normalize()
	if f.NIKAsOnKTP || f.NIKMismatch() != nil {
		t.Errorf("after the correction: mark %v, mismatch %+v", f.NIKAsOnKTP, f.NIKMismatch())
	}
	// The tick does not excuse a NIK that is wrong in itself.
	f.NIK, f.NIKAsOnKTP = "5172034808010002", true
	if errs := f.ValidateStep("identitas", testRules); !strings.Contains(errs["nik"], "kabupaten/kota") {
		t.Errorf("unknown kab/kota with the tick: %v", errs)
	}
}

func TestWarningsUnknownKecamatan(t *testing.T) {
	f := validForm()
	f.NIK = "5171054708010002" // Denpasar has no kecamatan 05
	if errs, _ := f.Validate(testRules); len(errs) != 0 {
		t.Fatalf("an unknown kecamatan is refused: %v", errs)
	}
	w := f.Warnings(testRules)
	if len(w) != 1 || !strings.Contains(w[0], "517105") {
		t.Errorf("warnings = %q, want one note naming 517105", w)
	}
}

func TestCheckAgreement(t *testing.T) {
	f := validForm()
	if errs := f.CheckAgreement(); errs["agreed"] == "" {
		t.Errorf("not ticked: %v", errs)
	}
	f.Agreed = true
	if errs := f.CheckAgreement(); len(errs) != 0 {
		t.Errorf("ticked: %v", errs)
	}
}

func TestFieldLabel(t *testing.T) {
	for name, want := range map[string]string{
		"phone": "Nomor HP/telepon", "exp_duties_1": "Pengalaman kerja 1: uraian tugas", "exp_sector_3": "Pengalaman kerja 3: bidang usaha (KBLI)",
		"training_institution_2": "Pelatihan 2: lembaga", "hist_sltp_year": "Riwayat pendidikan SMP/SLTP: tahun",
		"edu_code": "Kode pendidikan (IPK)", "target_company": "Perusahaan yang dituju",
		"exp_duties_9": "exp_duties_9", "tidak_ada": "tidak_ada", "": "",
	} {
		if got := FieldLabel(name); got != want {
			t.Errorf("FieldLabel(%q) = %q, want %q", name, got, want)
		}
	}
	for _, name := range AllFields() {
		if FieldLabel(name) == name {
			t.Errorf("field %q has no label", name)
		}
	}
}
