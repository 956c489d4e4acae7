package domain

import (
	"strings"
	"testing"
	"time"
)

func TestParseNIK(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    NIK    // checked when wantErr is ""
		wantErr string // substring of the error message
	}{
		{name: "male", raw: "5171030708010001",
			want: NIK{Province: "51", Regency: "5171", District: "517103", Day: 7, Month: 8, Year2: 1, Serial: "0001"}},
		{name: "female has 40 added to the day", raw: "5171034708010002",
			want: NIK{Province: "51", Regency: "5171", District: "517103", Day: 7, Month: 8, Year2: 1, Female: true, Serial: "0002"}},
		{name: "female born on the 31st", raw: "3273017112990003",
			want: NIK{Province: "32", Regency: "3273", District: "327301", Day: 31, Month: 12, Year2: 99, Female: true, Serial: "0003"}},
		{name: "spaces between groups", raw: "5171 0307 0801 0001",
			want: NIK{Province: "51", Regency: "5171", District: "517103", Day: 7, Month: 8, Year2: 1, Serial: "0001"}},
		{name: "dots", raw: "51.71.03.070801.0001",
			want: NIK{Province: "51", Regency: "5171", District: "517103", Day: 7, Month: 8, Year2: 1, Serial: "0001"}},
		{name: "dashes", raw: "5171-03-070801-0001",
			want: NIK{Province: "51", Regency: "5171", District: "517103", Day: 7, Month: 8, Year2: 1, Serial: "0001"}},
		{name: "surrounding white space, tab and no-break space", raw: "  5171\t030708\u00a0010001 \n",
			want: NIK{Province: "51", Regency: "5171", District: "517103", Day: 7, Month: 8, Year2: 1, Serial: "0001"}},
		{name: "province 11 Aceh", raw: "1101010101900001",
			want: NIK{Province: "11", Regency: "1101", District: "110101", Day: 1, Month: 1, Year2: 90, Serial: "0001"}},
		{name: "province 96 Papua Barat Daya", raw: "9601010101900001",
			want: NIK{Province: "96", Regency: "9601", District: "960101", Day: 1, Month: 1, Year2: 90, Serial: "0001"}},
		{name: "29 February year 00 (2000 was a leap year)", raw: "5171032902000001",
			want: NIK{Province: "51", Regency: "5171", District: "517103", Day: 29, Month: 2, Year2: 0, Serial: "0001"}},
		{name: "29 February year 04", raw: "5171032902040001",
			want: NIK{Province: "51", Regency: "5171", District: "517103", Day: 29, Month: 2, Year2: 4, Serial: "0001"}},
		{name: "29 February year 04, female", raw: "5171036902040001",
			want: NIK{Province: "51", Regency: "5171", District: "517103", Day: 29, Month: 2, Year2: 4, Female: true, Serial: "0001"}},
		{name: "unknown kecamatan 517105 is not refused here", raw: "5171050708010001",
			want: NIK{Province: "51", Regency: "5171", District: "517105", Day: 7, Month: 8, Year2: 1, Serial: "0001"}},
		{name: "serial 9999", raw: "5171030708019999",
			want: NIK{Province: "51", Regency: "5171", District: "517103", Day: 7, Month: 8, Year2: 1, Serial: "9999"}},

		{name: "empty", raw: "", wantErr: "wajib diisi"},
		{name: "only separators", raw: " - . ", wantErr: "wajib diisi"},
		{name: "letters", raw: "51710307080100AB", wantErr: "hanya berisi angka"},
		{name: "letter O for zero", raw: "5171O30708010001", wantErr: "hanya berisi angka"},
		{name: "Arabic-Indic digits", raw: "٥١٧١٠٣٠٧٠٨٠١٠٠٠١", wantErr: "hanya berisi angka"},
		{name: "15 digits", raw: "517103070801001", wantErr: "yang terisi 15 angka"},
		{name: "17 digits", raw: "51710307080100011", wantErr: "yang terisi 17 angka"},
		{name: "one digit", raw: "5", wantErr: "yang terisi 1 angka"},
		{name: "province 00", raw: "0071030708010001", wantErr: "(00) bukan kode provinsi"},
		{name: "province 10", raw: "1071030708010001", wantErr: "(10) bukan kode provinsi"},
		{name: "province 20", raw: "2071030708010001", wantErr: "(20) bukan kode provinsi"},
		{name: "province 99", raw: "9971030708010001", wantErr: "(99) bukan kode provinsi"},
		{name: "kab/kota 5172 does not exist in Bali", raw: "5172030708010001", wantErr: "(5172) bukan kode kabupaten/kota di Provinsi Bali"},
		{name: "kab/kota 5109 does not exist", raw: "5109030708010001", wantErr: "(5109) bukan kode kabupaten/kota"},
		{name: "kab/kota 5100 (the province itself)", raw: "5100030708010001", wantErr: "(5100) bukan kode kabupaten/kota"},
		{name: "kab/kota 3299 in Jawa Barat", raw: "3299010708010001", wantErr: "di Provinsi Jawa Barat"},
		{name: "kab/kota 9699 in Papua Barat Daya", raw: "9699010101900001", wantErr: "(9699) bukan kode kabupaten/kota"},
		{name: "kab/kota 1119 one past the last of Aceh's kabupaten", raw: "1119010101900001", wantErr: "(1119) bukan kode kabupaten/kota"},
		{name: "31 February", raw: "5171033102990001", wantErr: "bukan tanggal lahir"},
		{name: "31 April", raw: "5171033104990001", wantErr: "bukan tanggal lahir"},
		{name: "29 February year 01", raw: "5171032902010001", wantErr: "bukan tanggal lahir"},
		{name: "29 February year 01, female", raw: "5171036902010001", wantErr: "bukan tanggal lahir"},
		{name: "day 00", raw: "5171030008010001", wantErr: "bukan tanggal lahir"},
		{name: "day 32", raw: "5171033208010001", wantErr: "bukan tanggal lahir"},
		{name: "day 40 is neither a man's nor a woman's day", raw: "5171034008010001", wantErr: "bukan tanggal lahir"},
		{name: "female day 72 (=32)", raw: "5171037208010001", wantErr: "bukan tanggal lahir"},
		{name: "month 00", raw: "5171030700010001", wantErr: "bukan tanggal lahir"},
		{name: "month 13", raw: "5171030713010001", wantErr: "bukan tanggal lahir"},
		{name: "serial 0000", raw: "5171030708010000", wantErr: "tidak boleh 0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNIK(tt.raw)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseNIK(%q) = %+v, want error containing %q", tt.raw, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseNIK(%q) error = %q, want it to contain %q", tt.raw, err, tt.wantErr)
				}
				if got != (NIK{}) {
					t.Errorf("ParseNIK(%q) returned %+v with an error, want the zero NIK", tt.raw, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseNIK(%q) error = %v", tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("ParseNIK(%q) = %+v, want %+v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestProvinceName(t *testing.T) {
	tests := []struct{ code, want string }{
		{"51", "Bali"}, {"11", "Aceh"}, {"96", "Papua Barat Daya"}, {"31", "DKI Jakarta"},
		{"00", ""}, {"10", ""}, {"20", ""}, {"99", ""}, {"", ""}, {"5", ""}, {"510", ""},
	}
	for _, tt := range tests {
		if got := ProvinceName(tt.code); got != tt.want {
			t.Errorf("ProvinceName(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestRegionNames(t *testing.T) {
	tests := []struct{ code, regency, district string }{
		{"5171", "Kota Denpasar", ""},
		{"5103", "Kabupaten Badung", ""},
		{"3273", "Kota Bandung", ""},
		{"517103", "", "Denpasar Barat"},
		{"517104", "", "Denpasar Utara"},
		{"517105", "", ""}, // Denpasar has four kecamatan
		{"5172", "", ""},
		{"5100", "", ""},
		{"0000", "", ""},
		{"", "", ""},
		{"51710", "", ""},
	}
	for _, tt := range tests {
		if got := RegencyName(tt.code); got != tt.regency {
			t.Errorf("RegencyName(%q) = %q, want %q", tt.code, got, tt.regency)
		}
		if got := DistrictName(tt.code); got != tt.district {
			t.Errorf("DistrictName(%q) = %q, want %q", tt.code, got, tt.district)
		}
	}
	// The Kemendagri 2025 list has 514 kabupaten/kota (domain.md §6), each under a known province.
	if n := len(regions().regencies); n != 514 {
		t.Errorf("%d kabupaten/kota codes, want 514", n)
	}
	for code := range regions().regencies {
		if ProvinceName(code[:2]) == "" {
			t.Errorf("kabupaten/kota %s is in no known province", code)
		}
	}
	for code := range regions().districts {
		if RegencyName(code[:4]) == "" {
			t.Errorf("kecamatan %s is in no known kabupaten/kota", code)
		}
	}
}

func TestCleanDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"5171 0307 0801 0001", "5171030708010001"},
		{"51.71.03-070801", "517103070801"},
		{" \t12\u00a034\n", "1234"},
		{"12ab", "12ab"}, // letters are kept so that ParseNIK can complain about them
		{"", ""},
	}
	for _, tt := range tests {
		if got := CleanDigits(tt.in); got != tt.want {
			t.Errorf("CleanDigits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckNIKAgainst(t *testing.T) {
	date := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	male := "5171030708010001"   // 7 August (19|20)01, male
	female := "5171034708010002" // 7 August (19|20)01, female
	tests := []struct {
		name      string
		nik       string
		birth     time.Time
		female    bool
		wantField string // "" when they agree
	}{
		{name: "male agrees", nik: male, birth: date(2001, 8, 7)},
		{name: "female agrees", nik: female, birth: date(2001, 8, 7), female: true},
		{name: "year differs by century 1901", nik: male, birth: date(1901, 8, 7)},
		{name: "year differs by century 2101", nik: female, birth: date(2101, 8, 7), female: true},
		{name: "female NIK but male chosen", nik: female, birth: date(2001, 8, 7), wantField: "sex"},
		{name: "male NIK but female chosen", nik: male, birth: date(2001, 8, 7), female: true, wantField: "sex"},
		{name: "day differs", nik: male, birth: date(2001, 8, 8), wantField: "birth_date"},
		{name: "month differs", nik: male, birth: date(2001, 7, 7), wantField: "birth_date"},
		{name: "year differs", nik: female, birth: date(2002, 8, 7), female: true, wantField: "birth_date"},
		{name: "day and month swapped", nik: "5171031203010001", birth: date(2001, 12, 3), wantField: "birth_date"},
		{name: "date and sex both wrong", nik: female, birth: date(1999, 1, 2), wantField: "nik"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNIK(tt.nik)
			if err != nil {
				t.Fatalf("ParseNIK(%q): %v", tt.nik, err)
			}
			got := CheckNIKAgainst(n, tt.birth, tt.female)
			if tt.wantField == "" {
				if got != nil {
					t.Fatalf("CheckNIKAgainst = %+v, want nil", *got)
				}
				return
			}
			if got == nil {
				t.Fatalf("CheckNIKAgainst = nil, want a mismatch on %q", tt.wantField)
			}
			if got.Field != tt.wantField {
				t.Errorf("Field = %q, want %q (message %q)", got.Field, tt.wantField, got.Message)
			}
			if strings.TrimSpace(got.Message) == "" {
				t.Errorf("empty message")
			}
		})
	}
}

func TestCheckNIKAgainstShowsNIKDate(t *testing.T) {
	n, err := ParseNIK("5171034708010002")
	if err != nil {
		t.Fatal(err)
	}
	m := CheckNIKAgainst(n, time.Date(2001, 8, 8, 0, 0, 0, 0, time.UTC), true)
	if m == nil || !strings.Contains(m.Message, "07-08-01") {
		t.Fatalf("mismatch = %+v, want the message to show the NIK's date 07-08-01", m)
	}
}

func FuzzParseNIK(f *testing.F) {
	for _, s := range []string{
		"5171030708010001", "5171034708010002", "5171 0307 0801 0001", "51.71.03-070801-0001",
		"5171032902000001", "5171032902010001", "0071030708010001", "5171030708010000", "51710307080100AB",
		"", " ", "٥١٧١", "9601017112990001", "\u00a05171030708010001\t", "5172030708010001", "5171050708010001",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		n, err := ParseNIK(raw)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseNIK(%q): empty error message", raw)
			}
			return
		}
		if n.Day < 1 || n.Day > 31 {
			t.Errorf("ParseNIK(%q).Day = %d", raw, n.Day)
		}
		if n.Month < 1 || n.Month > 12 {
			t.Errorf("ParseNIK(%q).Month = %d", raw, n.Month)
		}
		if n.Year2 < 0 || n.Year2 > 99 {
			t.Errorf("ParseNIK(%q).Year2 = %d", raw, n.Year2)
		}
		if ProvinceName(n.Province) == "" {
			t.Errorf("ParseNIK(%q).Province = %q is not a known province", raw, n.Province)
		}
		if RegencyName(n.Regency) == "" {
			t.Errorf("ParseNIK(%q).Regency = %q is not a known kabupaten/kota", raw, n.Regency)
		}
		if !strings.HasPrefix(n.Regency, n.Province) || !strings.HasPrefix(n.District, n.Regency) ||
			len(n.District) != 6 || len(n.Serial) != 4 || n.Serial == "0000" {
			t.Errorf("ParseNIK(%q) = %+v: inconsistent parts", raw, n)
		}
		clean := CleanDigits(raw)
		if len(clean) != 16 {
			t.Errorf("ParseNIK(%q) accepted, but CleanDigits gives %q", raw, clean)
		}
		again, err := ParseNIK(clean)
		if err != nil {
			t.Fatalf("ParseNIK(%q) accepted, but ParseNIK(CleanDigits) = %v", raw, err)
		}
		if again != n {
			t.Errorf("ParseNIK(%q) = %+v, ParseNIK(CleanDigits) = %+v", raw, n, again)
		}
	})
}
