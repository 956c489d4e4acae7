package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Role is what an officer does in the office; it decides which pages the officer sees.
type Role string

// The roles of the SOP (Kualifikasi Pelaksana) plus the print operator.
const (
	RolePetugas   Role = "petugas"   // Petugas AK/I: checks documents, corrects data, photo, approval
	RolePengantar Role = "pengantar" // Pengantar Kerja: signs and stamps, may do the desk work too
	RoleKasi      Role = "kasi"      // Kasi IPK: watches the service, reviews reports
	RoleOperator  Role = "operator"  // Operator Cetak: the print station
	RoleAdmin     Role = "admin"     // Kabid / administrator
)

// Roles lists every role in the order screens show them.
var Roles = []Role{RolePetugas, RolePengantar, RoleKasi, RoleOperator, RoleAdmin}

// Title is the role's official name.
func (r Role) Title() string {
	switch r {
	case RolePetugas:
		return "Petugas AK/I"
	case RolePengantar:
		return "Pengantar Kerja"
	case RoleKasi:
		return "Kasi IPK"
	case RoleOperator:
		return "Operator Cetak"
	case RoleAdmin:
		return "Admin / Kabid Penempatan Tenaga Kerja"
	}
	return string(r)
}

// Valid tells whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Officer is a person who signs in to the officer desk.
type Officer struct {
	ID       int64
	Username string
	FullName string
	NIP      string
	Role     Role
	Disabled bool
}

// CanSign tells whether the officer may sign AK/I cards: an active Pengantar Kerja.
func (o *Officer) CanSign() bool { return o.Role == RolePengantar && !o.Disabled }

// DefaultRegNoPattern is the registration number of domain.md §5: region code of Kota Denpasar,
// approval date, serial restarting every year.
const DefaultRegNoPattern = "5171 DDMMYY NNNNNN"

// CheckRegNoPattern tells whether a registration-number pattern has a serial (a run of N) and only
// the date parts DD, MM, YY and YYYY besides literal digits, spaces, dots, slashes and dashes.
func CheckRegNoPattern(p string) error {
	serials := 0
	for i := 0; i < len(p); {
		switch {
		case strings.HasPrefix(p[i:], "YYYY"):
			i += 4
		case strings.HasPrefix(p[i:], "DD"), strings.HasPrefix(p[i:], "MM"), strings.HasPrefix(p[i:], "YY"):
			i += 2
		case p[i] == 'N':
			serials++
			for i < len(p) && p[i] == 'N' {
				i++
			}
		case strings.IndexByte("0123456789 ./-", p[i]) >= 0:
			i++
		default:
			return fmt.Errorf("pola nomor pendaftaran %q: karakter %q tidak dikenal (pakai DD, MM, YY, YYYY, N dan angka)", p, p[i])
		}
	}
	if serials != 1 {
		return fmt.Errorf("pola nomor pendaftaran %q harus memuat tepat satu deret N untuk nomor urut", p)
	}
	return nil
}

// FormatRegNumber fills a checked pattern with the date (in WITA) and the year's serial, zero-padded
// to the length of the run of N.
func FormatRegNumber(pattern string, day time.Time, serial int) string {
	day = day.In(OfficeZone)
	var b strings.Builder
	for i := 0; i < len(pattern); {
		switch {
		case strings.HasPrefix(pattern[i:], "YYYY"):
			b.WriteString(day.Format("2006"))
			i += 4
		case strings.HasPrefix(pattern[i:], "DD"):
			b.WriteString(day.Format("02"))
			i += 2
		case strings.HasPrefix(pattern[i:], "MM"):
			b.WriteString(day.Format("01"))
			i += 2
		case strings.HasPrefix(pattern[i:], "YY"):
			b.WriteString(day.Format("06"))
			i += 2
		case pattern[i] == 'N':
			n := 0
			for i < len(pattern) && pattern[i] == 'N' {
				n++
				i++
			}
			s := strconv.Itoa(serial)
			if len(s) < n {
				s = strings.Repeat("0", n-len(s)) + s
			}
			b.WriteString(s)
		default:
			b.WriteByte(pattern[i])
			i++
		}
	}
	return b.String()
}

// ReturnReasons are the usual reasons to send an application back for completion (SOP step 3).
var ReturnReasons = []string{
	"Fotokopi KTP belum dibawa atau tidak terbaca",
	"Pas foto 3×4 belum dibawa",
	"Fotokopi ijazah terakhir belum dibawa",
	"Data pada formulir tidak sesuai dengan dokumen",
	"KTP luar Kota Denpasar: perlu surat keterangan domisili",
}

// RejectReasons are the usual reasons to refuse an application.
var RejectReasons = []string{
	"Umur belum memenuhi syarat",
	"Sudah memiliki kartu AK/I yang masih berlaku",
	"Dokumen tidak sah",
	"Pendaftaran ganda",
}
