// Package domain holds the rules of AK/I registration: the NIK, the Daftar Isian, queue tickets and
// application states. It knows nothing of HTTP or SQL.
package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// NIK is a parsed Nomor Induk Kependudukan: PP KK CC DDMMYY SSSS.
type NIK struct {
	Province string // first 2 digits, e.g. "51" Bali
	Regency  string // first 4 digits, e.g. "5171" Kota Denpasar
	District string // first 6 digits, e.g. "517103" Denpasar Barat
	Day      int    // day of birth, without the +40 added for women
	Month    int
	Year2    int // last two digits of the year of birth
	Female   bool
	Serial   string
}

// provinceCodes are the Kemendagri province codes (Permendagri 72/2019 plus the 2022 Papua provinces).
var provinceCodes = map[string]string{
	"11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
	"16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung", "19": "Kepulauan Bangka Belitung",
	"21": "Kepulauan Riau", "31": "DKI Jakarta", "32": "Jawa Barat", "33": "Jawa Tengah",
	"34": "DI Yogyakarta", "35": "Jawa Timur", "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat",
	"53": "Nusa Tenggara Timur", "61": "Kalimantan Barat", "62": "Kalimantan Tengah",
	"63": "Kalimantan Selatan", "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
	"72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara", "75": "Gorontalo",
	"76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara", "91": "Papua", "92": "Papua Barat",
	"93": "Papua Selatan", "94": "Papua Tengah", "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}

// ProvinceName returns the province for a two-digit code, or "" when the code does not exist.
func ProvinceName(code string) string { return provinceCodes[code] }

// CleanDigits drops the spaces, dots and dashes people type or copy between digit groups.
func CleanDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '\t', '\u00a0':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// ParseNIK checks the form of a NIK on its own (length, digits, province and kabupaten/kota codes that
// exist, a real date) and returns its parts. The error message is safe to show to the job seeker. The
// kecamatan code is not checked here: an unknown one is only a note for the officer (Form.Warnings),
// because the list changes as districts are split.
func ParseNIK(raw string) (NIK, error) {
	s := CleanDigits(raw)
	if s == "" {
		return NIK{}, fmt.Errorf("NIK wajib diisi: 16 angka yang tertera di KTP")
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return NIK{}, fmt.Errorf("NIK hanya berisi angka: periksa kembali 16 angka di KTP")
		}
	}
	if len(s) != 16 {
		return NIK{}, fmt.Errorf("NIK harus 16 angka, yang terisi %d angka", len(s))
	}
	n := NIK{Province: s[:2], Regency: s[:4], District: s[:6], Serial: s[12:]}
	if provinceCodes[n.Province] == "" {
		return NIK{}, fmt.Errorf("dua angka pertama NIK (%s) bukan kode provinsi: periksa kembali NIK", n.Province)
	}
	if RegencyName(n.Regency) == "" {
		return NIK{}, fmt.Errorf("empat angka pertama NIK (%s) bukan kode kabupaten/kota di Provinsi %s: periksa kembali NIK",
			n.Regency, provinceCodes[n.Province])
	}
	day, _ := strconv.Atoi(s[6:8])
	n.Month, _ = strconv.Atoi(s[8:10])
	n.Year2, _ = strconv.Atoi(s[10:12])
	if day > 40 {
		n.Female = true
		day -= 40
	}
	n.Day = day
	if n.Month < 1 || n.Month > 12 || day < 1 || day > daysIn(n.Month, n.Year2) {
		return NIK{}, fmt.Errorf("angka ke-7 sampai ke-12 NIK bukan tanggal lahir yang benar: periksa kembali NIK")
	}
	if n.Serial == "0000" {
		return NIK{}, fmt.Errorf("empat angka terakhir NIK tidak boleh 0000: periksa kembali NIK")
	}
	return n, nil
}

// daysIn is the number of days in a month. The century of a NIK year is unknown, so 29 February is
// accepted for any year divisible by 4 (2000 was a leap year; 1900 is too old to matter).
func daysIn(month, year2 int) int {
	return time.Date(2000+year2, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// NIKMismatch says which of NIK, date of birth and sex disagree. Field is the form field to point at.
type NIKMismatch struct {
	Field   string
	Message string
}

// CheckNIKAgainst compares a parsed NIK with the date of birth and sex the person entered. It returns
// nil when they agree. The year may differ only by century.
func CheckNIKAgainst(n NIK, birth time.Time, female bool) *NIKMismatch {
	dateOK := n.Day == birth.Day() && n.Month == int(birth.Month()) && n.Year2 == birth.Year()%100
	sexOK := n.Female == female
	switch {
	case dateOK && sexOK:
		return nil
	case dateOK && !sexOK:
		return &NIKMismatch{"sex", "Jenis kelamin tidak sesuai dengan NIK. Periksa pilihan jenis kelamin (atau NIK)."}
	case !sexOK:
		return &NIKMismatch{"nik", "NIK tidak sesuai dengan tanggal lahir maupun jenis kelamin. Periksa kembali NIK."}
	default:
		want := fmt.Sprintf("%02d-%02d-%02d", n.Day, n.Month, n.Year2)
		return &NIKMismatch{"birth_date", "Tanggal lahir tidak sesuai dengan NIK (NIK menunjukkan " + want +
			", tanggal-bulan-tahun). Periksa tanggal lahir (atau NIK)."}
	}
}
