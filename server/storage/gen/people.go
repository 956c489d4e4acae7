// Package gen makes believable AK1 data: Denpasar job seekers (People), and whole databases of
// applications spread over years (Generate) for benchmarks and demonstrations.
package gen

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"ak1/server/domain"
)

// People makes job seekers of Kota Denpasar: Balinese names by birth order and caste title, and the
// names of people who moved to Denpasar from elsewhere; NIKs that agree with the birth date and sex
// and are never given twice; real kelurahan; schools, majors and wishes that go together. Their
// forms pass the kiosk's own checks.
type People struct {
	rnd   *rand.Rand
	today time.Time
	used  map[string]bool
}

// NewPeople returns a generator whose people are at least 18 on today; the same seed makes the
// same people.
func NewPeople(seed uint64, today time.Time) *People {
	return &People{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), today: today.In(domain.OfficeZone), used: map[string]bool{}}
}

var (
	birthOrder = []string{"Wayan", "Putu", "Gede", "Made", "Kadek", "Nengah", "Nyoman", "Komang", "Ketut"}
	// Titles before the birth-order name; most people have none.
	maleTitles   = []string{"I", "I", "I", "I", "I", "I", "I Gusti", "I Dewa", "Ida Bagus", "Anak Agung", "I Gusti Ngurah"}
	femaleTitles = []string{"Ni", "Ni", "Ni", "Ni", "Ni Luh", "Ni Luh", "I Gusti Ayu", "Desak", "Ida Ayu", "Anak Agung Ayu"}
	maleGiven    = []string{"Agus", "Budi", "Eka", "Darma", "Surya", "Adi", "Bagus", "Dwi", "Arya", "Yoga", "Putra", "Wira",
		"Krisna", "Arta", "Sudarma", "Suardana", "Artawan", "Prasetya", "Wibawa", "Saputra", "Mahendra", "Sudiarta",
		"Widiana", "Parwata", "Mertayasa", "Sutama", "Wiguna", "Astawa", "Suarjana", "Aryawan", "Dharma", "Ariawan",
		"Wirawan", "Adnyana", "Sanjaya", "Permana", "Pratama", "Suputra", "Wijaya", "Antara", "Sukadana", "Juliawan",
		"Sastrawan", "Suwirya", "Gunawan", "Darmawan", "Setiawan", "Kusuma", "Widnyana", "Sedana", "Suparta", "Raka",
		"Rai", "Oka", "Alit", "Ngurah", "Bayu", "Indra", "Rama", "Mahardika", "Pradnyana", "Ardana", "Wardana"}
	femaleGiven = []string{"Ayu", "Dewi", "Sri", "Putri", "Ratna", "Eka", "Indah", "Sinta", "Lestari", "Anggreni", "Wahyuni",
		"Maharani", "Permatasari", "Yanti", "Pradnyani", "Sari", "Widiasih", "Suartini", "Astuti", "Mariani", "Sukmawati",
		"Purnamasari", "Ariani", "Handayani", "Wulandari", "Candra", "Kartika", "Puspita", "Rahayu", "Suryani", "Novita",
		"Darmayanti", "Apriliani", "Utami", "Kusumawati", "Widyastuti", "Febriyanti", "Paramitha", "Citra", "Diah",
		"Ani", "Mas", "Rai", "Intan", "Kirana", "Melati", "Juliantari", "Oktaviani", "Sudewi", "Srinadi"}
	// Names of people from Java, Lombok, Flores and elsewhere who live and look for work in Denpasar.
	otherMale = []string{"Muhammad", "Ahmad", "Rizky", "Fajar", "Andi", "Budi", "Dimas", "Yohanes", "Fransiskus", "Kevin",
		"Hendra", "Rudi", "Agung", "Arif", "Bambang", "Joko", "Slamet", "Yusuf", "Ilham", "Rahmat", "Stefanus", "Daniel"}
	otherFemale = []string{"Siti", "Nur", "Dewi", "Fitri", "Rina", "Maria", "Yuliana", "Anisa", "Ratih", "Lina", "Wulan",
		"Theresia", "Novi", "Aisyah", "Indri", "Sekar", "Vivian", "Melinda"}
	otherFamily = []string{"Pratama", "Saputra", "Hidayat", "Santoso", "Wijaya", "Nugroho", "Kurniawan", "Setiawan", "Rahman",
		"Hakim", "Susanto", "Lestari", "Rahmawati", "Sari", "Purnomo", "Halim", "Tanjung", "Siregar", "Da Costa", "Wibowo"}

	birthPlaces = []string{"Denpasar", "Denpasar", "Denpasar", "Denpasar", "Badung", "Gianyar", "Tabanan", "Buleleng",
		"Karangasem", "Bangli", "Klungkung", "Jembrana", "Banyuwangi", "Surabaya", "Mataram", "Kupang", "Jember", "Malang"}
	streets = []string{"Jl. Gatot Subroto Barat", "Jl. Teuku Umar", "Jl. Diponegoro", "Jl. Hayam Wuruk", "Jl. Imam Bonjol",
		"Jl. Raya Sesetan", "Jl. Gunung Agung", "Jl. Cokroaminoto", "Jl. Tukad Badung", "Jl. Noja", "Jl. Pulau Kawe",
		"Jl. Gunung Soputan", "Jl. Mahendradatta", "Jl. Tukad Pakerisan", "Jl. Kebo Iwa", "Jl. Ahmad Yani Utara",
		"Jl. Nangka Selatan", "Jl. Sedap Malam", "Jl. Bypass Ngurah Rai", "Jl. Danau Tamblingan"}
	schools = map[string][]string{
		"SD":       {"SD Negeri 3 Sesetan", "SD Negeri 5 Pemecutan"},
		"SMP/SLTP": {"SMP Negeri 3 Denpasar", "SMP Negeri 10 Denpasar", "SMP PGRI 1 Denpasar"},
		"SMA":      {"SMA Negeri 1 Denpasar", "SMA Negeri 4 Denpasar", "SMA Negeri 7 Denpasar", "SMA PGRI 2 Denpasar", "SMA Dwijendra Denpasar"},
		"SMK":      {"SMK Negeri 1 Denpasar", "SMK Negeri 3 Denpasar", "SMK Negeri 5 Denpasar", "SMK PGRI 3 Denpasar", "SMK Pariwisata Triatma Jaya"},
		"D3":       {"Politeknik Negeri Bali", "Politeknik Pariwisata Bali", "Akademi Keperawatan Kesdam Udayana"},
		"S1":       {"Universitas Udayana", "Universitas Warmadewa", "Universitas Pendidikan Nasional", "Universitas Mahasaraswati", "ISI Denpasar"},
	}
	// Majors with their IPK education codes (ipk-pendidikan.csv), the ones most often seen in
	// Denpasar first; now and then any other code of the level (IPK report tables count by code).
	majors = map[string][]struct{ name, code string }{
		"SD": {{"", "1102"}}, "SMP/SLTP": {{"", "2101"}},
		"SMA": {{"IPA", "3801"}, {"IPS", "3801"}},
		"SMK": {{"Akuntansi", "3602"}, {"Perhotelan", "3404"}, {"Teknik Komputer dan Jaringan", "3202"}, {"Tata Boga", "3405"}},
		"D3":  {{"Akuntansi", "5502"}, {"Teknik Sipil", "5203"}, {"Usaha Perjalanan Wisata", "5534"}},
		"S1":  {{"Manajemen", "6509"}, {"Teknik Informatika", "6220"}, {"Hukum", "6503"}, {"Sastra Inggris", "6516"}},
	}
	levels  = []string{"SD", "SMP/SLTP", "SMA", "SMA", "SMK", "SMK", "SMK", "SMK", "D3", "D3", "S1", "S1", "S1"}
	gradAge = map[string]int{"SD": 12, "SMP/SLTP": 15, "SMA": 18, "SMK": 18, "D3": 21, "S1": 22}
	// The years after birth in which the earlier levels are finished (domain.HistoryLevels keys).
	historyAge = map[string]int{"sd": 12, "sltp": 15, "slta": 18}
	sectors    = []string{"I", "I", "I", "G", "G", "N", "C", "F", "H", "S", "Q", "P"} // KBLI sections, hotels and trade first
	positions  = []struct{ kbji, name string }{{"4", "Staf administrasi"}, {"5", "Pramusaji"}, {"5", "Resepsionis hotel"}, {"7", "Teknisi listrik"}, {"3", "Teknisi komputer"}, {"5", "Juru masak"}, {"2", "Akuntan"}, {"8", "Sopir"}, {"5", "Pramuniaga"}, {"9", "Petugas kebersihan"}, {"3", "Perawat"}, {"4", "Kasir"}, {"5", "Satpam"}, {"7", "Tukang kayu"}}
	employers  = []string{"Hotel Inna Bali", "PT Bali Tourism Development", "CV Sinar Jaya", "Toko Bangunan Maju", "Restoran Warung Made", "PT Tiara Dewata", "Koperasi Sedana Yoga"}
	languages  = []string{"Inggris", "Inggris", "Inggris", "Jepang", "Mandarin", "Korea", "Jerman"}
	religions  = []string{"Hindu", "Hindu", "Hindu", "Hindu", "Hindu", "Islam", "Islam", "Protestan", "Katolik", "Buddha"}
	maritals   = []string{"Belum Kawin", "Belum Kawin", "Belum Kawin", "Kawin", "Kawin", "Cerai Hidup"}
	trainingsX = []string{"Kursus Bahasa Inggris", "Pelatihan Tata Boga BLK Bali", "Kursus Komputer Perkantoran", "Pelatihan Barista", "Kursus Mengemudi"}
)

func (p *People) pick(list []string) string { return list[p.rnd.IntN(len(list))] }

// Name makes a full name for a man or a woman.
func (p *People) Name(female bool) string {
	if p.rnd.IntN(10) < 3 {
		first, family := otherMale, otherFamily
		if female {
			first = otherFemale
		}
		name := p.pick(first)
		if p.rnd.IntN(3) == 0 {
			name += " " + p.pick(first)
		}
		return name + " " + p.pick(family)
	}
	title, given := maleTitles, maleGiven
	if female {
		title, given = femaleTitles, femaleGiven
	}
	name := p.pick(title) + " " + p.pick(birthOrder) + " " + p.pick(given)
	if p.rnd.IntN(4) != 0 {
		name += " " + p.pick(given)
	}
	return name
}

// Person is who a job seeker is, as the NIK and the KTP say; Form fills in the rest.
type Person struct {
	NIK      string
	FullName string
	Birth    time.Time
	Female   bool
	Kec      domain.Kecamatan
}

// Person makes a new job seeker aged 18 to 45 on today, with a NIK nobody else has.
func (p *People) Person() Person {
	female := p.rnd.IntN(2) == 0
	age := 18 + int(p.rnd.ExpFloat64()*6)%28
	birth := p.today.AddDate(-age, -p.rnd.IntN(12), -p.rnd.IntN(28))
	k := domain.Kecamatans[p.rnd.IntN(len(domain.Kecamatans))]
	day := birth.Day()
	if female {
		day += 40
	}
	var nik string
	for {
		nik = fmt.Sprintf("%s%02d%02d%02d%04d", k.Code, day, int(birth.Month()), birth.Year()%100, 1+p.rnd.IntN(9999))
		if !p.used[nik] {
			p.used[nik] = true
			break
		}
	}
	return Person{NIK: nik, FullName: p.Name(female), Birth: birth, Female: female, Kec: k}
}

// Form fills the Daftar Isian of a new person.
func (p *People) Form() *domain.Form { return p.FormOf(p.Person()) }

// FormOf fills the Daftar Isian of a person: address, contact, education (with its IPK code and
// the earlier schools), training, experience and wishes that go together, and the declaration.
// The form is normalized as the kiosk stores it.
func (p *People) FormOf(who Person) *domain.Form {
	age := p.today.Year() - who.Birth.Year()
	level := p.pick(levels)
	for gradAge[level] > age { // nobody holds a degree at 18
		level = p.pick(levels[:8])
	}
	grad := min(who.Birth.Year()+gradAge[level], p.today.Year())
	major := majors[level][p.rnd.IntN(len(majors[level]))]
	if level == "SMK" || level == "D3" || level == "S1" {
		if p.rnd.IntN(4) == 0 { // now and then any other field of the level
			var all []domain.EducationCode
			for _, g := range domain.EducationCodes(level) {
				all = append(all, g.Codes...)
			}
			c := all[p.rnd.IntN(len(all))]
			major.name, major.code = titleCase(c.Name), c.Code
		}
	}
	kel := p.pick(who.Kec.Kelurahan)
	var history []domain.Education
	for _, h := range domain.HistoryFor(level) {
		if !h.Required {
			continue
		}
		row := domain.Education{Level: h.Level, Year: fmt.Sprint(who.Birth.Year() + historyAge[h.Key])}
		switch h.Key {
		case "sd":
			row.School = fmt.Sprintf("SD Negeri %d %s", 1+p.rnd.IntN(8), kel)
		case "sltp":
			row.School = fmt.Sprintf("SMP Negeri %d Denpasar", 1+p.rnd.IntN(12))
		default:
			row.School, row.Major = p.pick(schools["SMA"]), p.pick([]string{"IPA", "IPS"})
		}
		history = append(history, row)
	}
	pos := positions[p.rnd.IntN(len(positions))]
	sex := "L"
	if who.Female {
		sex = "P"
	}
	f := &domain.Form{
		NIK: who.NIK, FullName: who.FullName, BirthPlace: p.pick(birthPlaces), Sex: sex,
		BirthDay: fmt.Sprint(who.Birth.Day()), BirthMonth: fmt.Sprint(int(who.Birth.Month())), BirthYear: fmt.Sprint(who.Birth.Year()),
		Street: fmt.Sprintf("%s No. %d", p.pick(streets), 1+p.rnd.IntN(180)), RT: fmt.Sprint(1 + p.rnd.IntN(9)), RW: fmt.Sprint(1 + p.rnd.IntN(5)),
		Kecamatan: who.Kec.Code, Kelurahan: kel, PostalCode: fmt.Sprintf("801%02d", 11+p.rnd.IntN(30)),
		Phone: fmt.Sprintf("08%d%08d", 11+p.rnd.IntN(9), p.rnd.IntN(100000000)), Marital: p.pick(maritals), Religion: p.pick(religions),
		EduLevel: level, EduCode: major.code, EduSchool: p.pick(schools[level]), EduMajor: major.name, EduYear: fmt.Sprint(grad),
		EduHistory:  history,
		Languages:   []string{p.pick(languages)},
		DesiredKBJI: pos.kbji, DesiredPosition: pos.name, DesiredLocation: "lokal", DesiredWage: fmt.Sprint(3_000_000 + 250_000*p.rnd.IntN(8)),
		Agreed: true,
	}
	if p.rnd.IntN(3) == 0 {
		f.Trainings[0] = domain.Training{Name: p.pick(trainingsX), Institution: p.pick([]string{"BLK Denpasar", "LPK Dhyana Pura", "UPT BLK Bali"}), Year: fmt.Sprint(grad)}
	}
	if p.rnd.IntN(2) == 0 && grad < p.today.Year()-1 {
		f.Experiences[0] = domain.Experience{Position: positions[p.rnd.IntN(len(positions))].name, Duties: "Melayani pelanggan dan membuat laporan harian",
			Years: fmt.Sprint(1 + p.rnd.IntN(3)), Months: fmt.Sprint(p.rnd.IntN(12)), Employer: p.pick(employers), Sector: p.pick(sectors)}
	} else {
		f.NeverWorked = true
	}
	f.Normalize()
	return f
}

// titleCase turns the capitals of ipk-pendidikan.csv into a name as people write it: "TATA BOGA" →
// "Tata Boga".
func titleCase(s string) string {
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

// Photo draws a plain passport-style portrait (a silhouette on a red or blue background, as
// Indonesian pas foto are) at the card's print resolution.
func (p *People) Photo(female bool) ([]byte, error) {
	const w, h = 354, 472
	bg := []color.RGBA{{200, 30, 45, 255}, {25, 80, 170, 255}}[p.rnd.IntN(2)]
	skin := []color.RGBA{{224, 172, 132, 255}, {198, 140, 100, 255}, {170, 115, 80, 255}}[p.rnd.IntN(3)]
	hair := color.RGBA{30, 24, 20, 255}
	shirt := []color.RGBA{{240, 240, 240, 255}, {20, 20, 30, 255}, {60, 60, 70, 255}}[p.rnd.IntN(3)]
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	inEllipse := func(x, y, cx, cy, rx, ry float64) bool {
		dx, dy := (x-cx)/rx, (y-cy)/ry
		return dx*dx+dy*dy <= 1
	}
	hairLen := 215.0
	if female {
		hairLen = 330
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			c := bg
			switch {
			case inEllipse(fx, fy, 177, 520, 190, 150):
				c = shirt
			case fy > 300 && fy < 400 && fx > 147 && fx < 207:
				c = skin // neck
			case inEllipse(fx, fy, 177, 185, 98, 128) && fy < hairLen:
				c = hair
			}
			if inEllipse(fx, fy, 177, 215, 80, 105) {
				c = skin
			}
			if inEllipse(fx, fy, 177, 145, 84, 60) && fy < 150 {
				c = hair // fringe
			}
			img.SetRGBA(x, y, c)
		}
	}
	var out bytes.Buffer
	err := jpeg.Encode(&out, img, &jpeg.Options{Quality: 88})
	return out.Bytes(), err
}
