package domain

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// testRules are fixed office settings: minimum age 18 on 10 March 2026.
var testRules = Rules{MinAge: 18, Today: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)}

// validForm is a complete Daftar Isian that passes Validate under testRules: a woman born
// 7 August 2001 in Denpasar, living in Pemecutan, Denpasar Barat.
func validForm() *Form {
	return &Form{
		NIK: "5171034708010002", FullName: "Ni Made Ayu Lestari", BirthPlace: "Denpasar",
		BirthDay: "7", BirthMonth: "8", BirthYear: "2001", Sex: "P",
		Street: "Jl. Gunung Agung Gg. III No. 5", RT: "001", RW: "002", Kecamatan: "517103",
		Kelurahan: "Pemecutan", PostalCode: "80119",
		Phone: "0812 3456 7890", Email: "ayu.lestari@example.com", Marital: "Belum Kawin", Religion: "Hindu",
		Height: "158", Weight: "50",
		EduLevel: "SMK", EduCode: "3602", EduMajor: "Akuntansi", EduSchool: "SMK Negeri 1 Denpasar", EduYear: "2019", EduGrade: "85",
		EduHistory: []Education{{Level: "SD", School: "SD Negeri 1 Pemecutan", Year: "2013"},
			{Level: "SMP/SLTP", School: "SMP Negeri 2 Denpasar", Year: "2016"}},
		Trainings: [Rows]Training{{Name: "Kursus Bahasa Inggris", Institution: "LPK Bali Bahasa", Year: "2020"}},
		Languages: []string{"Inggris"},
		Experiences: [Rows]Experience{{Position: "Kasir", Duties: "Melayani pembayaran", Years: "2", Months: "3",
			Employer: "Toko Sari Dewi", Sector: "G"}},
		DesiredKBJI: "4", DesiredPosition: "Staf administrasi", DesiredSector: "I", TargetCompany: "Hotel Inna Bali",
		DesiredLocation: "lokal", DesiredWage: "3500000",
		Remarks: "Bisa mulai bekerja bulan depan",
	}
}

// validBody is validForm as the kiosk posts it, every step at once.
const validBody = "nik=5171+0347+0801+0002&full_name=Ni+Made+Ayu+Lestari&birth_place=Denpasar&birth_day=7" +
	"&birth_month=8&birth_year=2001&sex=P&street=Jl.+Gunung+Agung+Gg.+III+No.+5&rt=1&rw=2&kecamatan=517103" +
	"&kelurahan=Pemecutan&postal_code=80119&phone=%2B62+812-3456-7890&email=ayu.lestari%40example.com" +
	"&marital=Belum+Kawin&religion=Hindu&height=158&weight=50&edu_level=SMK&edu_code=3602&edu_major=Akuntansi" +
	"&edu_school=SMK+Negeri+1+Denpasar&edu_year=2019&edu_grade=85" +
	"&hist_sd_school=SD+Negeri+1+Pemecutan&hist_sd_year=2013&hist_sltp_school=SMP+Negeri+2+Denpasar&hist_sltp_year=2016" +
	"&training_name_1=Kursus+Bahasa+Inggris&training_institution_1=LPK+Bali+Bahasa" +
	"&training_year_1=2020&languages=Inggris&languages=Jepang&language_other=Bali&exp_position_1=Kasir" +
	"&exp_duties_1=Melayani+pembayaran&exp_years_1=2&exp_months_1=3&exp_employer_1=Toko+Sari+Dewi&exp_sector_1=G" +
	"&desired_kbji=4&desired_position=Staf+administrasi&desired_kbli=I&target_company=Hotel+Inna+Bali" +
	"&desired_location=lokal&desired_wage=Rp+3.500.000" +
	"&remarks=Bisa+mulai+bekerja+bulan+depan"

func TestValidFormPasses(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *Form)
	}{
		{"as is", func(f *Form) {}},
		{"man", func(f *Form) { f.NIK, f.Sex = "5171030708010001", "L" }},
		{"NIK typed with spaces", func(f *Form) { f.NIK = "5171 0347 0801 0002" }},
		{"NIK from another province", func(f *Form) { f.NIK = "3273014708010002" }},
		{"born in 2001, NIK year 01", func(f *Form) {}},
		{"exactly 18 today", func(f *Form) {
			f.NIK, f.BirthDay, f.BirthMonth, f.BirthYear = "5171035003080002", "10", "3", "2008"
			f.EduYear, f.Trainings, f.Experiences = "2024", [Rows]Training{}, [Rows]Experience{}
			f.EduHistory[0].Year, f.EduHistory[1].Year = "2020", "2023"
			f.NeverWorked = true
		}},
		{"optional fields empty", func(f *Form) {
			f.RT, f.RW, f.PostalCode, f.Email, f.Height, f.Weight, f.DesiredWage = "", "", "", "", "", "", ""
			f.EduMajor, f.EduGrade, f.Languages, f.Remarks, f.DesiredPosition = "", "", nil, "", ""
		}},
		{"no school finished", func(f *Form) {
			f.EduLevel, f.EduCode, f.EduSchool, f.EduYear, f.EduHistory = "Tidak tamat SD", "", "", "", nil
		}},
		{"no school finished, code given", func(f *Form) {
			f.EduLevel, f.EduCode, f.EduSchool, f.EduYear, f.EduHistory = "Tidak tamat SD", "1101", "SD 3 Sanur", "", nil
		}},
		{"SD only", func(f *Form) { f.EduLevel, f.EduCode, f.EduYear, f.EduHistory = "SD", "1102", "2013", nil }},
		{"S1 with SD to SMA and an optional D3", func(f *Form) {
			f.EduLevel, f.EduCode, f.EduSchool, f.EduYear = "S1", "6501", "Universitas Udayana", "2024"
			f.EduHistory = append(f.EduHistory, Education{Level: "SMA/SMK", School: "SMA Negeri 1 Denpasar", Major: "IPS", Year: "2019"},
				Education{Level: "D3", School: "Politeknik Negeri Bali", Year: "2022"})
		}},
		{"S3 has no IPK code", func(f *Form) {
			f.EduLevel, f.EduCode, f.EduSchool, f.EduYear = "S3", "", "Universitas Udayana", "2025"
			f.EduHistory = append(f.EduHistory, Education{Level: "SMA/SMK", School: "SMA Negeri 1 Denpasar", Year: "2019"})
		}},
		{"training without institution", func(f *Form) { f.Trainings[0].Institution = "" }},
		{"no desired sector or company", func(f *Form) { f.DesiredSector, f.TargetCompany = "", "" }},
		{"NIK disagrees but is as on the KTP", func(f *Form) { f.NIK, f.NIKAsOnKTP = "5171034808010002", true }},
		{"never worked", func(f *Form) { f.NeverWorked, f.Experiences = true, [Rows]Experience{} }},
		{"experience in months only", func(f *Form) { f.Experiences[0].Years = "" }},
		{"abroad with a country", func(f *Form) { f.DesiredLocation, f.DesiredCountry = "luarnegeri", "Jepang" }},
		{"wage in rupiah with dots", func(f *Form) { f.DesiredWage = "Rp 3.500.000" }},
		{"phone +62", func(f *Form) { f.Phone = "+62 812-3456-7890" }},
		{"landline", func(f *Form) { f.Phone = "(0361) 234567" }},
		{"postal code with a space", func(f *Form) { f.PostalCode = "80 119" }},
		{"kelurahan of Denpasar Selatan", func(f *Form) { f.Kecamatan, f.Kelurahan = "517101", "Sanur Kaja" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validForm()
			tt.change(f)
			errs, first := f.Validate(testRules)
			if len(errs) != 0 || first != "" {
				t.Fatalf("Validate = %v, first step %q; want no errors", errs, first)
			}
		})
	}
}

func TestValidateStepRules(t *testing.T) {
	tests := []struct {
		name      string
		step      string
		change    func(f *Form)
		rules     *Rules // testRules when nil
		wantField string
		wantMsg   string // optional substring of the message
	}{
		// identitas
		{name: "missing NIK", step: "identitas", change: func(f *Form) { f.NIK = "" }, wantField: "nik", wantMsg: "wajib"},
		{name: "NIK 15 digits", step: "identitas", change: func(f *Form) { f.NIK = "517103470801000" }, wantField: "nik", wantMsg: "15 angka"},
		{name: "NIK with letters", step: "identitas", change: func(f *Form) { f.NIK = "51710347080100O2" }, wantField: "nik"},
		{name: "NIK unknown province", step: "identitas", change: func(f *Form) { f.NIK = "9971034708010002" }, wantField: "nik"},
		{name: "NIK date disagrees with birth date", step: "identitas", change: func(f *Form) { f.NIK = "5171034808010002" },
			wantField: "birth_date", wantMsg: "08-08-01"},
		{name: "NIK year disagrees with birth year", step: "identitas", change: func(f *Form) { f.BirthYear = "2002" },
			wantField: "birth_date", wantMsg: "tidak sesuai"},
		{name: "sex disagrees with NIK", step: "identitas", change: func(f *Form) { f.Sex = "L" }, wantField: "sex", wantMsg: "NIK"},
		{name: "NIK disagrees with both date and sex", step: "identitas",
			change: func(f *Form) { f.NIK = "5171030101990001" }, wantField: "nik"},
		{name: "missing name", step: "identitas", change: func(f *Form) { f.FullName = "" }, wantField: "full_name"},
		{name: "one-letter name", step: "identitas", change: func(f *Form) { f.FullName = "A" }, wantField: "full_name"},
		{name: "name with digits", step: "identitas", change: func(f *Form) { f.FullName = "Ayu 2" }, wantField: "full_name", wantMsg: "angka"},
		{name: "missing birth place", step: "identitas", change: func(f *Form) { f.BirthPlace = "" }, wantField: "birth_place"},
		{name: "missing birth day", step: "identitas", change: func(f *Form) { f.BirthDay = "" }, wantField: "birth_date"},
		{name: "31 April", step: "identitas", change: func(f *Form) { f.BirthDay, f.BirthMonth = "31", "4" },
			wantField: "birth_date", wantMsg: "kalender"},
		{name: "29 February 2001", step: "identitas", change: func(f *Form) { f.BirthDay, f.BirthMonth = "29", "2" },
			wantField: "birth_date", wantMsg: "kalender"},
		{name: "month 13", step: "identitas", change: func(f *Form) { f.BirthMonth = "13" }, wantField: "birth_date"},
		{name: "year in letters", step: "identitas", change: func(f *Form) { f.BirthYear = "dua ribu" }, wantField: "birth_date"},
		{name: "birth date in the future", step: "identitas", change: func(f *Form) { f.BirthYear = "2027" },
			wantField: "birth_date", wantMsg: "masa depan"},
		{name: "age 17 below MinAge 18", step: "identitas",
			change:    func(f *Form) { f.NIK, f.BirthYear = "5171034708080002", "2008" },
			wantField: "birth_date", wantMsg: "18 tahun"},
		{name: "18 tomorrow", step: "identitas",
			change:    func(f *Form) { f.NIK, f.BirthDay, f.BirthMonth, f.BirthYear = "5171035103080002", "11", "3", "2008" },
			wantField: "birth_date", wantMsg: "18 tahun"},
		{name: "age 14 below MinAge 15", step: "identitas", rules: &Rules{MinAge: 15, Today: testRules.Today},
			change:    func(f *Form) { f.NIK, f.BirthYear = "5171034708110002", "2011" },
			wantField: "birth_date", wantMsg: "15 tahun"},
		{name: "older than 100", step: "identitas",
			change:    func(f *Form) { f.NIK, f.BirthYear = "5171034708010002", "1901" },
			wantField: "birth_date"},
		{name: "no sex chosen", step: "identitas", change: func(f *Form) { f.Sex = "" }, wantField: "sex"},
		{name: "sex not L or P", step: "identitas", change: func(f *Form) { f.Sex = "X" }, wantField: "sex"},

		// alamat
		{name: "missing street", step: "alamat", change: func(f *Form) { f.Street = "" }, wantField: "street"},
		{name: "RT with a letter", step: "alamat", change: func(f *Form) { f.RT = "1a" }, wantField: "rt"},
		{name: "RT four digits", step: "alamat", change: func(f *Form) { f.RT = "0001" }, wantField: "rt"},
		{name: "RW negative", step: "alamat", change: func(f *Form) { f.RW = "-2" }, wantField: "rw"},
		{name: "unknown kecamatan", step: "alamat", change: func(f *Form) { f.Kecamatan = "517105" }, wantField: "kecamatan"},
		{name: "kelurahan not in the chosen kecamatan", step: "alamat", change: func(f *Form) { f.Kelurahan = "Sanur" },
			wantField: "kelurahan", wantMsg: "Denpasar Barat"},
		{name: "no kelurahan", step: "alamat", change: func(f *Form) { f.Kelurahan = "" }, wantField: "kelurahan"},
		{name: "postal code not of Bali", step: "alamat", change: func(f *Form) { f.PostalCode = "12345" }, wantField: "postal_code"},
		{name: "postal code 4 digits", step: "alamat", change: func(f *Form) { f.PostalCode = "8011" }, wantField: "postal_code"},

		// kontak
		{name: "missing phone", step: "kontak", change: func(f *Form) { f.Phone = "" }, wantField: "phone", wantMsg: "wajib"},
		{name: "phone too short", step: "kontak", change: func(f *Form) { f.Phone = "08123" }, wantField: "phone"},
		{name: "phone with letters", step: "kontak", change: func(f *Form) { f.Phone = "0812 ABCD 7890" }, wantField: "phone"},
		{name: "e-mail without domain dot", step: "kontak", change: func(f *Form) { f.Email = "ayu@gmail" }, wantField: "email"},
		{name: "e-mail without @", step: "kontak", change: func(f *Form) { f.Email = "ayu.gmail.com" }, wantField: "email"},
		{name: "e-mail with display name", step: "kontak", change: func(f *Form) { f.Email = "Ayu <ayu@gmail.com>" }, wantField: "email"},
		{name: "e-mail with two @", step: "kontak", change: func(f *Form) { f.Email = "ayu@@gmail.com" }, wantField: "email"},
		{name: "no marital status", step: "kontak", change: func(f *Form) { f.Marital = "" }, wantField: "marital"},
		{name: "unknown religion", step: "kontak", change: func(f *Form) { f.Religion = "hindu" }, wantField: "religion"},
		{name: "height too small", step: "kontak", change: func(f *Form) { f.Height = "99" }, wantField: "height"},
		{name: "height with unit", step: "kontak", change: func(f *Form) { f.Height = "158 cm" }, wantField: "height"},
		{name: "weight too big", step: "kontak", change: func(f *Form) { f.Weight = "251" }, wantField: "weight"},

		// pendidikan
		{name: "no education level", step: "pendidikan", change: func(f *Form) { f.EduLevel = "" }, wantField: "edu_level"},
		{name: "no school", step: "pendidikan", change: func(f *Form) { f.EduSchool = "" }, wantField: "edu_school"},
		{name: "no graduation year", step: "pendidikan", change: func(f *Form) { f.EduYear = "" }, wantField: "edu_year"},
		{name: "graduation year in the future", step: "pendidikan", change: func(f *Form) { f.EduYear = "2027" },
			wantField: "edu_year", wantMsg: "tahun ini"},
		{name: "graduation year two digits", step: "pendidikan", change: func(f *Form) { f.EduYear = "19" }, wantField: "edu_year"},
		{name: "graduation year before 1940", step: "pendidikan", change: func(f *Form) { f.EduYear = "1939" }, wantField: "edu_year"},
		{name: "graduation before age 5", step: "pendidikan", change: func(f *Form) { f.EduYear = "2005" }, wantField: "edu_year"},
		{name: "no IPK code", step: "pendidikan", change: func(f *Form) { f.EduCode = "" }, wantField: "edu_code", wantMsg: "SMK"},
		{name: "IPK code of another level", step: "pendidikan", change: func(f *Form) { f.EduCode = "6501" }, wantField: "edu_code"},
		{name: "IPK code that does not exist", step: "pendidikan", change: func(f *Form) { f.EduCode = "3699" }, wantField: "edu_code"},
		{name: "IPK group heading is not a code", step: "pendidikan", change: func(f *Form) { f.EduCode = "3000" }, wantField: "edu_code"},
		{name: "SD code 1101 means not finished", step: "pendidikan", change: func(f *Form) { f.EduLevel, f.EduCode = "SD", "1101" },
			wantField: "edu_code"},
		{name: "Tidak tamat SD with another code", step: "pendidikan",
			change: func(f *Form) { f.EduLevel, f.EduCode, f.EduYear = "Tidak tamat SD", "1102", "" }, wantField: "edu_code"},

		// riwayat
		{name: "SD school missing", step: "riwayat", change: func(f *Form) { f.EduHistory[0].School = "" },
			wantField: "hist_sd_school", wantMsg: "SD"},
		{name: "SMP year missing", step: "riwayat", change: func(f *Form) { f.EduHistory[1].Year = "" }, wantField: "hist_sltp_year"},
		{name: "SMP row missing", step: "riwayat", change: func(f *Form) { f.EduHistory = f.EduHistory[:1] }, wantField: "hist_sltp_school"},
		{name: "SMP before SD", step: "riwayat", change: func(f *Form) { f.EduHistory[1].Year = "2012" },
			wantField: "hist_sltp_year", wantMsg: "sebelum lulus SD"},
		{name: "highest level before SMP", step: "riwayat", change: func(f *Form) { f.EduHistory[1].Year = "2020" },
			wantField: "hist_sltp_year", wantMsg: "SMK (2019)"},
		{name: "SD before age 5", step: "riwayat", change: func(f *Form) { f.EduHistory[0].Year = "2005" }, wantField: "hist_sd_year"},
		{name: "S1 needs SMA", step: "riwayat", change: func(f *Form) { f.EduLevel, f.EduCode, f.EduYear = "S1", "6501", "2024" },
			wantField: "hist_slta_school"},
		{name: "optional D3 row without school", step: "riwayat", change: func(f *Form) {
			f.EduLevel, f.EduCode, f.EduYear = "S1", "6501", "2024"
			f.EduHistory = append(f.EduHistory, Education{Level: "SMA/SMK", School: "SMA 1", Year: "2019"}, Education{Level: "D3", Year: "2022"})
		}, wantField: "hist_d3_school"},

		// pelatihan
		{name: "training year without name", step: "pelatihan", change: func(f *Form) { f.Trainings[1].Year = "2021" },
			wantField: "training_name_2"},
		{name: "training institution without name", step: "pelatihan", change: func(f *Form) { f.Trainings[1].Institution = "BLK" },
			wantField: "training_name_2"},
		{name: "training name without year", step: "pelatihan", change: func(f *Form) { f.Trainings[0].Year = "" },
			wantField: "training_year_1"},
		{name: "training year in the future", step: "pelatihan", change: func(f *Form) { f.Trainings[0].Year = "2030" },
			wantField: "training_year_1"},

		// pengalaman
		{name: "experience without employer", step: "pengalaman", change: func(f *Form) { f.Experiences[0].Employer = "" },
			wantField: "exp_employer_1"},
		{name: "experience without position", step: "pengalaman", change: func(f *Form) { f.Experiences[0].Position = "" },
			wantField: "exp_position_1"},
		{name: "experience without duration", step: "pengalaman",
			change: func(f *Form) { f.Experiences[0].Years, f.Experiences[0].Months = "", "" }, wantField: "exp_years_1"},
		{name: "experience 12 months", step: "pengalaman", change: func(f *Form) { f.Experiences[0].Months = "12" },
			wantField: "exp_months_1"},
		{name: "experience 61 years", step: "pengalaman", change: func(f *Form) { f.Experiences[0].Years = "61" },
			wantField: "exp_years_1"},
		{name: "third row without position", step: "pengalaman",
			change: func(f *Form) {
				f.Experiences[1] = Experience{Position: "Pelayan", Years: "1", Employer: "Warung Made", Sector: "I"}
				f.Experiences[2] = Experience{Duties: "Mencuci piring", Months: "4", Employer: "Hotel Bali", Sector: "I"}
			},
			wantField: "exp_position_3"},
		{name: "never worked ticked with a row filled", step: "pengalaman", change: func(f *Form) { f.NeverWorked = true },
			wantField: "never_worked", wantMsg: "belum pernah bekerja"},
		{name: "no experience and no tick", step: "pengalaman", change: func(f *Form) { f.Experiences = [Rows]Experience{} },
			wantField: "never_worked", wantMsg: "centang"},
		{name: "experience without sector", step: "pengalaman", change: func(f *Form) { f.Experiences[0].Sector = "" },
			wantField: "exp_sector_1"},
		{name: "experience with an unknown sector", step: "pengalaman", change: func(f *Form) { f.Experiences[0].Sector = "Z" },
			wantField: "exp_sector_1"},

		// keinginan
		{name: "no KBJI group", step: "keinginan", change: func(f *Form) { f.DesiredKBJI = "" }, wantField: "desired_kbji"},
		{name: "unknown KBJI group", step: "keinginan", change: func(f *Form) { f.DesiredKBJI = "10" }, wantField: "desired_kbji"},
		{name: "no location", step: "keinginan", change: func(f *Form) { f.DesiredLocation = "" }, wantField: "desired_location"},
		{name: "luar negeri without country", step: "keinginan", change: func(f *Form) { f.DesiredLocation = "luarnegeri" },
			wantField: "desired_country", wantMsg: "negara"},
		{name: "wage with letters", step: "keinginan", change: func(f *Form) { f.DesiredWage = "tiga juta" },
			wantField: "desired_wage"},
		{name: "wage too big", step: "keinginan", change: func(f *Form) { f.DesiredWage = "2000000000" },
			wantField: "desired_wage"},
		{name: "unknown desired sector", step: "keinginan", change: func(f *Form) { f.DesiredSector = "hotel" },
			wantField: "desired_kbli"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := testRules
			if tt.rules != nil {
				rules = *tt.rules
			}
			f := validForm()
			tt.change(f)
			errs := f.ValidateStep(tt.step, rules)
			if len(errs) != 1 {
				t.Fatalf("ValidateStep(%q) = %v, want exactly one error on %q", tt.step, errs, tt.wantField)
			}
			msg, ok := errs[tt.wantField]
			if !ok {
				t.Fatalf("ValidateStep(%q) = %v, want the error on %q", tt.step, errs, tt.wantField)
			}
			if strings.TrimSpace(msg) == "" {
				t.Fatalf("empty message for %q", tt.wantField)
			}
			if tt.wantMsg != "" && !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", msg, tt.wantMsg)
			}
			all, first := f.Validate(rules)
			if all[tt.wantField] != msg {
				t.Errorf("Validate()[%q] = %q, want %q", tt.wantField, all[tt.wantField], msg)
			}
			if first != tt.step {
				t.Errorf("Validate first step = %q, want %q (errors %v)", first, tt.step, all)
			}
		})
	}
}

func TestValidateStepUnknownAndEmptySteps(t *testing.T) {
	f := validForm()
	for _, slug := range []string{"bahasa", "tidak-ada"} {
		if errs := f.ValidateStep(slug, testRules); len(errs) != 0 {
			t.Errorf("ValidateStep(%q) = %v, want none", slug, errs)
		}
	}
}

func TestMinAge15WarnsUnder18(t *testing.T) {
	rules := Rules{MinAge: 15, Today: testRules.Today}
	f := validForm()
	// 16 years old: born 7 August 2009.
	f.NIK, f.BirthYear, f.EduYear, f.Trainings, f.NeverWorked, f.Experiences =
		"5171034708090002", "2009", "2025", [Rows]Training{}, true, [Rows]Experience{}
	f.EduHistory[0].Year, f.EduHistory[1].Year = "2021", "2024"
	if errs, first := f.Validate(rules); len(errs) != 0 {
		t.Fatalf("Validate with MinAge 15 = %v (first %q), want no errors", errs, first)
	}
	w := f.Warnings(rules)
	if len(w) != 1 || !strings.Contains(w[0], "di bawah 18") {
		t.Errorf("Warnings = %q, want one warning about being under 18", w)
	}
	// The same person is refused with the default minimum age.
	if errs := f.ValidateStep("identitas", testRules); errs["birth_date"] == "" {
		t.Errorf("ValidateStep with MinAge 18 = %v, want a birth_date error", errs)
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *Form)
		want   []string // substrings, one per warning
	}{
		{"adult from Denpasar", func(f *Form) {}, nil},
		{"NIK from Badung", func(f *Form) { f.NIK = "5103034708010002" }, []string{"domisili"}},
		{"NIK invalid gives no NIK warning", func(f *Form) { f.NIK = "123" }, nil},
		{"17 years old with MinAge 18 is an error, not a warning", func(f *Form) { f.BirthYear = "2008" }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validForm()
			tt.change(f)
			got := f.Warnings(testRules)
			if len(got) != len(tt.want) {
				t.Fatalf("Warnings = %q, want %d", got, len(tt.want))
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("warning %d = %q, want it to contain %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		raw    string
		want   string // checked when ok
		wantOK bool
	}{
		{"081234567890", "081234567890", true},
		{"0812 3456 7890", "081234567890", true},
		{"0812-3456-7890", "081234567890", true},
		{"+62 812-3456-7890", "081234567890", true},
		{"+6281234567890", "081234567890", true},
		{"6281234567890", "081234567890", true},
		{"62 812 3456 789", "08123456789", true},
		{"(0361) 234567", "0361234567", true},
		{"(+62) 361 234 567", "0361234567", true},
		{"0361 23456", "036123456", true},
		{"0812345678", "0812345678", true},
		{" 0812.3456.7890 ", "081234567890", true},
		{"081234567", "", false},      // mobile with 9 digits
		{"036123", "", false},         // too short
		{"08123", "", false},          // too short
		{"08123456789012", "", false}, // 14 digits
		{"+62 8123 4567 89012", "", false},
		{"0812abc45678", "", false},
		{"0812 3456 789O", "", false}, // letter O
		{"", "", false},
		{"+6208123456789", "", false}, // 0 after the country code
		{"001234567890", "", false},
		{"81234567890", "", false},     // no leading 0
		{"+1 555 123 4567", "", false}, // not Indonesian
		{"tidak ada", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizePhone(tt.raw)
		if ok != tt.wantOK {
			t.Errorf("NormalizePhone(%q) = %q, %v; want ok %v", tt.raw, got, ok, tt.wantOK)
			continue
		}
		if ok && got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestApplyChangesOnlyItsStep(t *testing.T) {
	values, err := url.ParseQuery(validBody)
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite everything the kiosk could post with values that differ from validForm.
	for k := range values {
		values.Set(k, "X "+k)
	}
	values.Set("never_worked", "1")
	values["languages"] = []string{"Korea"}
	for i, step := range Steps {
		t.Run(step.Slug, func(t *testing.T) {
			f := validForm()
			f.Apply(step, values)
			before := validForm()
			shown := map[string]bool{}
			for _, name := range step.Fields {
				shown[name] = true
			}
			for _, other := range Steps {
				for _, name := range other.Fields {
					if shown[name] {
						continue
					}
					if got, want := fieldValue(f, name), fieldValue(before, name); got != want {
						t.Errorf("step %d %q changed field %q of another step: %q, was %q", i, step.Slug, name, got, want)
					}
				}
			}
			for _, name := range step.Fields {
				if got := fieldValue(f, name); got != fieldValue(before, name) || name == "never_worked" {
					continue
				} else if values.Get(name) != "" {
					t.Errorf("step %q did not set %q (still %q)", step.Slug, name, got)
				}
			}
		})
	}
}

// fieldValue reads any field of the form as text, including the two that are not text fields.
func fieldValue(f *Form, name string) string {
	switch name {
	case "languages":
		return strings.Join(f.Languages, ",")
	case "never_worked":
		return strconv.FormatBool(f.NeverWorked)
	case "nik_perlu_dicek":
		return strconv.FormatBool(f.NIKAsOnKTP)
	}
	return f.Value(name)
}

func TestApplyKeepsRawAndCleans(t *testing.T) {
	identitas, kontak := Steps[StepIndex("identitas")], Steps[StepIndex("kontak")]
	alamat, pengalaman := Steps[StepIndex("alamat")], Steps[StepIndex("pengalaman")]
	keterangan, bahasa := Step{Slug: "periksa", Fields: ReviewFields}, Steps[StepIndex("bahasa")]
	riwayat := Steps[StepIndex("riwayat")]
	long := strings.Repeat("a", 500)
	tests := []struct {
		name  string
		step  Step
		field string
		in    string
		want  string
	}{
		{"bad NIK stays as typed", identitas, "nik", "5171 0347 08AB", "5171 0347 08AB"},
		{"NIK with dots stays as typed", identitas, "nik", "51.71.03.470801.0002", "51.71.03.470801.0002"},
		{"trims", identitas, "full_name", "  Ni Made Ayu  ", "Ni Made Ayu"},
		{"folds white space", identitas, "full_name", "Ni\t\tMade \n\r Ayu", "Ni Made Ayu"},
		{"folds no-break and ideographic space", identitas, "full_name", "Ni\u00a0Made\u3000Ayu", "Ni Made Ayu"},
		{"control characters become a space", identitas, "full_name", "Ni\x00Made\x07\x1bAyu\x00", "Ni Made Ayu"},
		{"invalid UTF-8 dropped", identitas, "birth_place", "Den\xffpasar", "Denpasar"},
		{"keeps accents", identitas, "birth_place", "Bogor, Jawa Barat — Indonésia", "Bogor, Jawa Barat — Indonésia"},
		{"short field cut at 100", identitas, "full_name", long, long[:100]},
		{"short field cut at 100 characters, not bytes", identitas, "birth_place",
			strings.Repeat("é", 150), strings.Repeat("é", 100)},
		{"phone kept as typed", kontak, "phone", "+62 812-3456-7890", "+62 812-3456-7890"},
		{"street cut at 300", alamat, "street", long, long[:300]},
		{"remarks cut at 300", keterangan, "remarks", long, long[:300]},
		{"duties cut at 300", pengalaman, "exp_duties_2", long, long[:300]},
		{"employer cut at 100", pengalaman, "exp_employer_3", long, long[:100]},
		{"language other cut at 100", bahasa, "language_other", long, long[:100]},
		{"history school cut at 100", riwayat, "hist_sd_school", long, long[:100]},
		{"history school trimmed", riwayat, "hist_sltp_school", "  SMP   Negeri 2 ", "SMP Negeri 2"},
		{"missing value clears the field", identitas, "birth_place", "", ""},
		{"right-to-left override dropped", identitas, "full_name", "Ni Made \u202euyA\u202c", "Ni Made uyA"},
		{"isolates and marks dropped", alamat, "street", "\u2067Jl. Gatot Subroto\u2069 No.\u200f 12\u200e", "Jl. Gatot Subroto No. 12"},
		{"zero-width characters inside a NIK dropped", identitas, "nik", "5171\u200b0307\ufeff0801\u20600002", "5171030708010002"},
		{"only invisible characters is empty", identitas, "full_name", "\u200b\u202e\u3164\u200d", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validForm()
			v := url.Values{}
			for _, name := range tt.step.Fields {
				v.Set(name, fieldValue(f, name))
			}
			v.Set(tt.field, tt.in)
			f.Apply(tt.step, v)
			if got := f.Value(tt.field); got != tt.want {
				t.Errorf("after Apply %s = %q (%d chars), want %q (%d chars)", tt.field, got,
					utf8.RuneCountInString(got), tt.want, utf8.RuneCountInString(tt.want))
			}
		})
	}
}

// TestCleanTextDropsInvisible: every bidirectional control and every zero-width or other invisible
// format character is dropped wherever it stands, and what is left is folded as usual.
func TestCleanTextDropsInvisible(t *testing.T) {
	invisible := []rune{
		0x202a, 0x202b, 0x202c, 0x202d, 0x202e, // embeddings, pop, overrides
		0x2066, 0x2067, 0x2068, 0x2069, // isolates
		0x200e, 0x200f, 0x061c, // left-to-right, right-to-left and Arabic letter marks
		0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, // zero-width space, non-joiner, joiner, word joiner, BOM
		0x00ad, 0x034f, 0x180e, 0x3164, 0xfe0f, 0xe0041, // soft hyphen, grapheme joiner, Mongolian separator, Hangul filler, variation selector, tag
	}
	for _, r := range invisible {
		for _, in := range []string{string(r) + "Made", "Ma" + string(r) + "de", "Made" + string(r), " " + string(r) + " Made " + string(r) + " "} {
			if got := CleanText(in, maxShort); got != "Made" {
				t.Errorf("CleanText(%+q) = %+q, want \"Made\"", in, got)
			}
		}
		if !Invisible(r) {
			t.Errorf("Invisible(%U) = false", r)
		}
	}
	if got := CleanText("Ni \u202eMade\u202c Ayu", maxShort); got != "Ni Made Ayu" {
		t.Errorf("CleanText with an override between words = %+q", got)
	}
	for _, r := range "Aaé—’ .,-/1Ñ\u00a0ÿ" {
		if Invisible(r) {
			t.Errorf("Invisible(%U) = true for a visible character", r)
		}
	}
}

func TestApplyCutNeverExceedsLimit(t *testing.T) {
	tests := []struct {
		step  string
		field string
		limit int
	}{
		{"identitas", "full_name", 100},
		{"alamat", "street", 300},
		{"keterangan", "remarks", 300},
	}
	for _, tt := range tests {
		in := strings.Repeat("a", tt.limit-1) + " b"
		f := &Form{}
		f.ApplyAll(url.Values{tt.field: {in}})
		if got := utf8.RuneCountInString(f.Value(tt.field)); got > tt.limit {
			t.Errorf("Apply %s of %d characters kept %d, limit %d", tt.field, len(in), got, tt.limit)
		}
	}
}

func TestApplyLanguagesAndCheckbox(t *testing.T) {
	f := validForm()
	f.Apply(Steps[StepIndex("bahasa")], url.Values{
		"languages":      {"Jepang", "Klingon", "Inggris", "Jepang", ""},
		"language_other": {" Bali  dan Jawa "},
	})
	if want := []string{"Jepang", "Inggris"}; !reflect.DeepEqual(f.Languages, want) {
		t.Errorf("Languages = %q, want %q (unknown and repeated dropped, order kept)", f.Languages, want)
	}
	if f.LanguageOther != "Bali dan Jawa" {
		t.Errorf("LanguageOther = %q", f.LanguageOther)
	}
	if !f.HasLanguage("Jepang") || f.HasLanguage("Klingon") {
		t.Errorf("HasLanguage wrong for %q", f.Languages)
	}
	f.Apply(Steps[StepIndex("bahasa")], url.Values{})
	if len(f.Languages) != 0 {
		t.Errorf("Languages after unticking all = %q, want none", f.Languages)
	}

	f.Apply(Steps[StepIndex("pengalaman")], url.Values{"never_worked": {"on"}})
	if !f.NeverWorked {
		t.Errorf("never_worked=on not ticked")
	}
	if f.Experiences != ([Rows]Experience{}) {
		t.Errorf("experience rows not cleared by an empty post: %+v", f.Experiences)
	}
	f.Apply(Steps[StepIndex("pengalaman")], url.Values{})
	if f.NeverWorked {
		t.Errorf("never_worked still ticked after a post without it")
	}
}

func TestNormalize(t *testing.T) {
	f := validForm()
	f.NIK = " 5171 0347-0801.0002 "
	f.Phone = "+62 812-3456-7890"
	f.RT, f.RW = "1", "12"
	f.PostalCode = "80 119"
	f.DesiredWage = "Rp 3.500.000"
	if errs, _ := f.Validate(testRules); len(errs) != 0 {
		t.Fatalf("Validate = %v", errs)
	}
	f.Normalize()
	want := validForm()
	want.Phone = "081234567890"
	want.RW = "012"
	if !reflect.DeepEqual(f, want) {
		t.Errorf("after Normalize:\n got %+v\nwant %+v", f, want)
	}
	if errs, _ := f.Validate(testRules); len(errs) != 0 {
		t.Errorf("normalized form no longer valid: %v", errs)
	}
	g := *f
	f.Normalize()
	if !reflect.DeepEqual(*f, g) {
		t.Errorf("Normalize is not idempotent:\n got %+v\nwant %+v", *f, g)
	}
}

func TestNormalizeLookup(t *testing.T) {
	tests := []struct {
		raw              string
		wantTicket, code string
		wantOK           bool
	}{
		{"a17", "A-017", "", true},
		{"A-017", "A-017", "", true},
		{"a 017", "A-017", "", true},
		{" A.17 ", "A-017", "", true},
		{"a09", "A-009", "", true}, // leading zero is not octal
		{"b5", "B-005", "", true},
		{"A-999", "A-999", "", true},
		{"K7P4QX", "", "K7P-4QX", true},
		{"k7p-4qx", "", "K7P-4QX", true},
		{"k7p 4qx", "", "K7P-4QX", true},
		{"K7P_4QX", "", "K7P-4QX", true},
		{"", "", "", false},
		{"   ", "", "", false},
		{"garbage", "", "", false},
		{"???", "", "", false},
		{"17", "", "", false},
		{"A", "", "", false},
		{"A-0", "", "", false},
		{"A-000", "", "", false},
		{"A-1000", "A-1000", "", true}, // the 1,000th ticket of a day
		{"a1000", "A-1000", "", true},
		{"A-9999", "A-9999", "", true},
		{"A-10000", "", "", false},
		{"A-17B", "", "", false},
		{"AB-12", "", "", false},
		{"K7P-4QO", "", "", false}, // O is not in the code alphabet
		{"K7P-4Q", "", "", false},
		{"K7P-4QXZ", "", "", false},
		{"A--5", "A-005", "", true},
	}
	for _, tt := range tests {
		ticket, code, ok := NormalizeLookup(tt.raw)
		if ticket != tt.wantTicket || code != tt.code || ok != tt.wantOK {
			t.Errorf("NormalizeLookup(%q) = %q, %q, %v; want %q, %q, %v",
				tt.raw, ticket, code, ok, tt.wantTicket, tt.code, tt.wantOK)
		}
	}
}

func TestNewStatusCode(t *testing.T) {
	format := regexp.MustCompile(`^[` + statusCodeAlphabet + `]{3}-[` + statusCodeAlphabet + `]{3}$`)
	seen := map[string]bool{}
	dup := 0
	for range 1000 {
		c := NewStatusCode()
		if !format.MatchString(c) {
			t.Fatalf("NewStatusCode() = %q, want XXX-XXX from %q", c, statusCodeAlphabet)
		}
		if strings.ContainsAny(c, "01OIL") {
			t.Fatalf("NewStatusCode() = %q has a look-alike character", c)
		}
		if _, code, ok := NormalizeLookup(strings.ToLower(strings.ReplaceAll(c, "-", ""))); !ok || code != c {
			t.Fatalf("NormalizeLookup of %q typed in lower case = %q, %v", c, code, ok)
		}
		if seen[c] {
			dup++
		}
		seen[c] = true
	}
	// 31^6 ≈ 8.9e8 codes: one repeat among 1000 happens about once in 1800 runs, two almost never.
	if dup > 1 {
		t.Errorf("%d repeated codes among 1000", dup)
	}
}

func TestFormatTicketAndOfficeDay(t *testing.T) {
	if got := FormatTicket("A", 7); got != "A-007" {
		t.Errorf("FormatTicket = %q", got)
	}
	if got := FormatTicket("A", 1234); got != "A-1234" {
		t.Errorf("FormatTicket = %q", got)
	}
	tests := []struct {
		utc  time.Time
		want string
	}{
		{time.Date(2026, 3, 10, 15, 59, 59, 0, time.UTC), "2026-03-10"},
		{time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC), "2026-03-11"},
		{time.Date(2026, 3, 10, 16, 30, 0, 0, time.UTC), "2026-03-11"},
		{time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), "2027-01-01"},
	}
	for _, tt := range tests {
		if got := OfficeDay(tt.utc); got != tt.want {
			t.Errorf("OfficeDay(%v) = %q, want %q", tt.utc, got, tt.want)
		}
	}
}

// allFields are the keys Validate may report: every form field, plus birth_date for the three date
// selects.
func allFields() map[string]bool {
	m := map[string]bool{"birth_date": true}
	for _, name := range AllFields() {
		m[name] = true
	}
	return m
}

func FuzzFormDecode(f *testing.F) {
	f.Add(validBody)
	f.Add("nik=5171030708010001&sex=L&birth_day=7&birth_month=8&birth_year=2001&never_worked=1")
	f.Add("full_name=%00%ff%20%20a&languages=Inggris&languages=Inggris&exp_years_9=1&training_name_0=x")
	f.Add("email=a%40b&phone=%2B62&rt=1a&desired_location=luarnegeri&desired_wage=Rp")
	f.Add("full_name=%E2%80%AEuyA%E2%80%AC&street=%E2%81%A7Jl%E2%81%A9&nik=5171%E2%80%8B0307")
	f.Add("")
	known := allFields()
	rules := testRules
	f.Fuzz(func(t *testing.T, body string) {
		values, err := url.ParseQuery(body)
		if err != nil {
			t.Skip()
		}
		var form Form
		for _, step := range Steps {
			form.Apply(step, values)
		}
		form.ApplyReview(values)
		for _, name := range AllFields() {
			if v := form.Value(name); !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxLong+1 || strings.ContainsFunc(v, Invisible) {
				t.Fatalf("field %s = %+q after Apply", name, v)
			}
		}
		_ = form.Education()
		_ = form.NIKMismatch()
		errs, first := form.Validate(rules)
		for k, msg := range errs {
			if !known[k] {
				t.Errorf("Validate reported unknown field %q", k)
			}
			if strings.TrimSpace(msg) == "" {
				t.Errorf("Validate reported %q with an empty message", k)
			}
		}
		if (len(errs) == 0) != (first == "") || (first != "" && StepIndex(first) < 0) {
			t.Errorf("Validate = %v, first step %q", errs, first)
		}
		_ = form.Warnings(rules)

		data, err := json.Marshal(&form)
		if err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
		var back Form
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("json.Unmarshal(%s): %v", data, err)
		}
		if !reflect.DeepEqual(form, back) {
			t.Fatalf("JSON round trip differs:\n got %+v\nwant %+v", back, form)
		}

		if len(errs) == 0 {
			form.Normalize()
			if again, _ := form.Validate(rules); len(again) != 0 {
				t.Errorf("valid form invalid after Normalize: %v (form %+v)", again, form)
			}
		}
	})
}

// TestStatusCodeUnbiased: every one of the 31 letters is equally likely. Bytes from 248 up, which
// modulo 31 gave the first 8 letters a second chance, are skipped: from bytes 248–255 and then
// 0–5 the code is the alphabet's first six letters, where the old code took A–H from the first six.
func TestStatusCodeUnbiased(t *testing.T) {
	random := append([]byte{248, 249, 250, 251, 252, 253, 254, 255}, 0, 1, 2, 3, 4, 5)
	random = append(random, make([]byte, 16)...)
	if got := statusCodeFrom(bytes.NewReader(random)); got != "ABC-DEF" {
		t.Fatalf("code from skipped bytes then 0..5 = %q, want ABC-DEF", got)
	}
	// Each byte value below 248 maps to its letter exactly 8 times.
	count := map[byte]int{}
	for b := 0; b < 248; b++ {
		count[statusCodeFrom(bytes.NewReader(append([]byte{byte(b)}, make([]byte, 15)...)))[0]]++
	}
	for i := range len(statusCodeAlphabet) {
		if n := count[statusCodeAlphabet[i]]; n != 8 {
			t.Fatalf("letter %c comes from %d byte values, want 8", statusCodeAlphabet[i], n)
		}
	}
}
