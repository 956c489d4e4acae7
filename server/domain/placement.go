package domain

import (
	"net/url"
	"strconv"
	"time"
)

// Placement types (jenis antar kerja, Permenaker 39/2016): within the province, between provinces,
// abroad.
const (
	PlacementAKL  = "AKL"
	PlacementAKAD = "AKAD"
	PlacementAKAN = "AKAN"
)

// PlacementTypeFor derives the placement type from where the job is, one of DesiredLocations: in
// Bali (Kota Denpasar or another kabupaten of the province) is AKL, elsewhere in Indonesia AKAD,
// abroad AKAN.
func PlacementTypeFor(location string) string {
	switch location {
	case "lokal":
		return PlacementAKL
	case "antardaerah":
		return PlacementAKAD
	case "luarnegeri":
		return PlacementAKAN
	}
	return ""
}

// PlacementTypeName is the placement type in words.
func PlacementTypeName(t string) string {
	switch t {
	case PlacementAKL:
		return "AKL (Antar Kerja Lokal)"
	case PlacementAKAD:
		return "AKAD (Antar Kerja Antar Daerah)"
	case PlacementAKAN:
		return "AKAN (Antar Kerja Antar Negara)"
	}
	return t
}

// Placement is a report of "sudah bekerja": the job the holder was hired for. The holder's sex, age
// and education, which the IPK report also counts, come from the application.
type Placement struct {
	Employer     string `json:"employer"`
	Sector       string `json:"kbli"`          // KBLI 2020 section letter (KBLISections)
	EmployerType string `json:"employer_type"` // EmployerTypes value
	Position     string `json:"position"`      // the job title as written
	KBJI         string `json:"kbji"`          // KBJI 2014 major group of the position (KBJIGroups)
	StartDay     string `json:"start_day"`
	StartMonth   string `json:"start_month"`
	StartYear    string `json:"start_year"`
	Location     string `json:"location"` // DesiredLocations value: where the job is
	Place        string `json:"place"`    // kabupaten/kota, or the country abroad
	Referral     string `json:"referral"` // number of the referral letter (surat pengantar) when the office sent the holder
	// ReferralID is the holder's referral (issue 9) the officer picked at the desk; storage also
	// finds it by its letter number when the holder typed that.
	ReferralID int64 `json:"referral_id,omitempty"`
}

// PlacementFields are the form fields of a placement, in order.
var PlacementFields = []string{"employer", "kbli", "employer_type", "position", "kbji", "start_day", "start_month",
	"start_year", "location", "place", "referral"}

// Apply copies a posted placement form, cleaned like the Daftar Isian.
func (p *Placement) Apply(v url.Values) {
	for _, f := range []struct {
		name  string
		into  *string
		limit int
	}{{"employer", &p.Employer, maxShort}, {"kbli", &p.Sector, 2}, {"employer_type", &p.EmployerType, 20},
		{"position", &p.Position, maxShort}, {"kbji", &p.KBJI, 2}, {"start_day", &p.StartDay, 2},
		{"start_month", &p.StartMonth, 2}, {"start_year", &p.StartYear, 4}, {"location", &p.Location, 20},
		{"place", &p.Place, maxShort}, {"referral", &p.Referral, maxShort}} {
		*f.into = CleanText(v.Get(f.name), f.limit)
	}
}

// Value returns a field of the placement for showing it back in its form.
func (p *Placement) Value(name string) string {
	switch name {
	case "employer":
		return p.Employer
	case "kbli":
		return p.Sector
	case "employer_type":
		return p.EmployerType
	case "position":
		return p.Position
	case "kbji":
		return p.KBJI
	case "start_day":
		return p.StartDay
	case "start_month":
		return p.StartMonth
	case "start_year":
		return p.StartYear
	case "location":
		return p.Location
	case "place":
		return p.Place
	case "referral":
		return p.Referral
	}
	return ""
}

// StartDate returns the first working day entered, if it is a real date.
func (p *Placement) StartDate() (time.Time, bool) {
	d, err1 := strconv.Atoi(p.StartDay)
	m, err2 := strconv.Atoi(p.StartMonth)
	y, err3 := strconv.Atoi(p.StartYear)
	if err1 != nil || err2 != nil || err3 != nil || m < 1 || m > 12 || d < 1 || y < 1900 || y > 9999 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d
}

// Type is the placement type derived from the job's location.
func (p *Placement) Type() string { return PlacementTypeFor(p.Location) }

// PlacementAhead is how far ahead a start date may be: a holder hired today may start next month.
const PlacementAhead = 90

// Validate checks a placement of a card registered on issued, reported on today.
func (p *Placement) Validate(issued, today time.Time) Errors {
	e := Errors{}
	required(e, "employer", p.Employer, "Tulis nama perusahaan atau pemberi kerja")
	if !hasOption(KBLISections, p.Sector) {
		e["kbli"] = "Pilih bidang usaha pemberi kerja (KBLI)"
	}
	if !hasOption(EmployerTypes, p.EmployerType) {
		e["employer_type"] = "Pilih jenis pemberi kerja"
	}
	required(e, "position", p.Position, "Tulis jabatan atau pekerjaan Anda")
	if !hasOption(KBJIGroups, p.KBJI) {
		e["kbji"] = "Pilih golongan jabatan (KBJI)"
	}
	start, ok := p.StartDate()
	switch {
	case p.StartDay == "" || p.StartMonth == "" || p.StartYear == "":
		e["start_date"] = "Pilih tanggal, bulan dan tahun mulai bekerja"
	case !ok:
		e["start_date"] = "Tanggal mulai bekerja itu tidak ada di kalender: periksa tanggal dan bulan"
	case start.Before(issued):
		e["start_date"] = "Tanggal mulai bekerja sebelum kartu diterbitkan (" + FormatDate(issued) + "): periksa kembali"
	case start.After(today.AddDate(0, 0, PlacementAhead)):
		e["start_date"] = "Tanggal mulai bekerja paling lambat 90 hari dari hari ini"
	}
	if !hasOption(DesiredLocations, p.Location) {
		e["location"] = "Pilih lokasi tempat bekerja"
	} else if p.Location == "luarnegeri" && p.Place == "" {
		e["place"] = "Tulis negara tempat bekerja"
	}
	return e
}

// ContactChange is new contact data a holder reports: each part is empty when unchanged. The
// address is given whole or not at all.
type ContactChange struct {
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
	Street     string `json:"street,omitempty"`
	RT         string `json:"rt,omitempty"`
	RW         string `json:"rw,omitempty"`
	Kecamatan  string `json:"kecamatan,omitempty"`
	Kelurahan  string `json:"kelurahan,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
}

// ContactFields are the Daftar Isian fields a contact change may touch.
var ContactFields = []string{"phone", "email", "street", "rt", "rw", "kecamatan", "kelurahan", "postal_code"}

// Apply copies the posted new contact data, cleaned like the Daftar Isian.
func (c *ContactChange) Apply(v url.Values) {
	var f Form
	f.ApplyContact(v)
	*c = contactOf(&f)
}

// ApplyContact copies the posted contact fields (ContactFields) into the form.
func (f *Form) ApplyContact(v url.Values) { f.apply(ContactFields, v) }

func contactOf(f *Form) ContactChange {
	return ContactChange{Phone: f.Phone, Email: f.Email, Street: f.Street, RT: f.RT, RW: f.RW,
		Kecamatan: f.Kecamatan, Kelurahan: f.Kelurahan, PostalCode: f.PostalCode}
}

// Fields names the parts given, as Daftar Isian field names.
func (c ContactChange) Fields() []string {
	var out []string
	for i, v := range []string{c.Phone, c.Email, c.Street, c.RT, c.RW, c.Kecamatan, c.Kelurahan, c.PostalCode} {
		if v != "" {
			out = append(out, ContactFields[i])
		}
	}
	return out
}

// Empty tells whether nothing was changed.
func (c ContactChange) Empty() bool { return c == ContactChange{} }

func (c ContactChange) hasAddress() bool {
	return c.Street != "" || c.RT != "" || c.RW != "" || c.Kecamatan != "" || c.Kelurahan != "" || c.PostalCode != ""
}

// Validate checks the new contact data with the Daftar Isian's own rules.
func (c ContactChange) Validate(r Rules) Errors {
	f := Form{Phone: c.Phone, Email: c.Email, Street: c.Street, RT: c.RT, RW: c.RW, Kecamatan: c.Kecamatan,
		Kelurahan: c.Kelurahan, PostalCode: c.PostalCode}
	e := Errors{}
	kontak := f.ValidateStep("kontak", r)
	if c.Phone != "" && kontak["phone"] != "" {
		e["phone"] = kontak["phone"]
	}
	if kontak["email"] != "" {
		e["email"] = kontak["email"]
	}
	if c.hasAddress() {
		for k, v := range f.ValidateStep("alamat", r) {
			e[k] = v
		}
	}
	return e
}

// ApplyTo writes the changed parts into a Daftar Isian (in their normalized form) and returns the
// names of the fields whose value changed, with their old values.
func (c ContactChange) ApplyTo(f *Form) map[string]string {
	old := map[string]string{}
	set := func(name, v string) {
		if v == "" {
			return
		}
		p := f.textField(name)
		if *p != v {
			old[name] = *p
			*p = v
		}
	}
	if p, ok := NormalizePhone(c.Phone); ok {
		set("phone", p)
	}
	set("email", c.Email)
	if c.hasAddress() {
		n := Form{RT: c.RT, RW: c.RW, PostalCode: c.PostalCode}
		n.Normalize()
		set("street", c.Street)
		set("kecamatan", c.Kecamatan)
		set("kelurahan", c.Kelurahan)
		// RT, RW and postal code are optional parts of an address given whole: an empty one clears.
		for name, v := range map[string]string{"rt": n.RT, "rw": n.RW, "postal_code": n.PostalCode} {
			if p := f.textField(name); *p != v {
				old[name] = *p
				*p = v
			}
		}
	}
	return old
}
