package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// demoCommand runs `demo seed --count N [--approve] [--if-empty]`: synthetic, realistic applicants
// for trying the system. It refuses a database that holds real applications.
func demoCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "seed" {
		return fmt.Errorf("usage: ak1-server demo seed --count N [--approve] [--if-empty]")
	}
	fs := flag.NewFlagSet("demo seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	count := fs.Int("count", 5, "how many applicants to create")
	approve := fs.Bool("approve", false, "also approve them, so their cards wait in the print queue")
	ifEmpty := fs.Bool("if-empty", false, "do nothing when the database already has applications")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed (the same seed gives the same people)")
	pattern := fs.String("regno-pattern", envOr(getenv, "AK1_REGNO_PATTERN", domain.DefaultRegNoPattern), "registration-number pattern (AK1_REGNO_PATTERN)")
	db, err := openForCLI(ctx, fs, args[1:], getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	if *count < 1 || *count > 10000 {
		return fmt.Errorf("demo seed: --count must be 1 to 10000")
	}
	total, real, err := db.CountApplications(ctx)
	if err != nil {
		return err
	}
	if real > 0 {
		return fmt.Errorf("demo seed: this database holds %d real applications; demo data is only for an empty or demo database", real)
	}
	if *ifEmpty && total > 0 {
		fmt.Fprintf(stdout, "demo seed: the database already has %d applications; nothing added\n", total)
		return nil
	}
	petugas, pengantar, err := demoOfficers(ctx, db, stdout)
	if err != nil {
		return err
	}
	s := seeder{rnd: rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15)), today: time.Now().In(domain.OfficeZone), used: map[string]bool{}}
	for i := 0; i < *count; i++ {
		f := s.form()
		app, err := db.SubmitApplication(ctx, f, "demo", "demo", "")
		if err != nil {
			return fmt.Errorf("demo seed: submit %s: %w", f.NIK, err)
		}
		if err := db.SetDocuments(ctx, app.ID, petugas, storage.RequiredDocuments()); err != nil {
			return fmt.Errorf("demo seed: documents: %w", err)
		}
		photo, err := s.photo(f.Sex == "P")
		if err != nil {
			return err
		}
		if err := db.SavePhoto(ctx, app.ID, petugas, photo); err != nil {
			return fmt.Errorf("demo seed: photo: %w", err)
		}
		line := fmt.Sprintf("%s %-32s %s", app.Ticket, f.FullName, f.NIK)
		if *approve {
			got, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, PengantarID: pengantar, Pattern: *pattern})
			if err != nil {
				return fmt.Errorf("demo seed: approve: %w", err)
			}
			line += "  kartu " + got.RegNumber
		}
		fmt.Fprintln(stdout, "demo:", line)
	}
	return nil
}

// demoOfficers returns the demo Petugas and Pengantar Kerja, creating the demo accounts if needed.
func demoOfficers(ctx context.Context, db *storage.DB, stdout io.Writer) (petugas, pengantar int64, err error) {
	p, err := db.UserByUsername(ctx, "petugas")
	if err != nil {
		if err := ensureDemoAccounts(ctx, db, stdout); err != nil {
			return 0, 0, err
		}
		if p, err = db.UserByUsername(ctx, "petugas"); err != nil {
			return 0, 0, err
		}
	}
	k, err := db.UserByUsername(ctx, "pengantar")
	if err != nil {
		return 0, 0, err
	}
	return p.ID, k.ID, nil
}

// seeder makes believable Denpasar job seekers: Balinese names by birth order, valid NIKs that agree
// with the birth date and sex, real kelurahan.
type seeder struct {
	rnd   *rand.Rand
	today time.Time
	used  map[string]bool
}

var (
	birthOrderNames = []string{"Wayan", "Putu", "Gede", "Made", "Kadek", "Nengah", "Nyoman", "Komang", "Ketut"}
	maleNames       = []string{"Agus Suardana", "Budi Artawan", "Eka Prasetya", "Darma Putra", "Surya Wibawa", "Adi Saputra", "Bagus Mahendra", "Dwi Sudiarta"}
	femaleNames     = []string{"Ayu Lestari", "Dewi Anggreni", "Sri Wahyuni", "Putri Maharani", "Ratna Dewi", "Eka Yanti", "Indah Permatasari", "Sinta Pradnyani"}
	streets         = []string{"Jl. Gatot Subroto Barat", "Jl. Teuku Umar", "Jl. Diponegoro", "Jl. Hayam Wuruk", "Jl. Imam Bonjol", "Jl. Raya Sesetan", "Jl. Gunung Agung", "Jl. Cokroaminoto", "Jl. Tukad Badung", "Jl. Noja"}
	schools         = map[string][]string{
		"SMA": {"SMA Negeri 1 Denpasar", "SMA Negeri 4 Denpasar", "SMA PGRI 2 Denpasar"},
		"SMK": {"SMK Negeri 1 Denpasar", "SMK Negeri 3 Denpasar", "SMK PGRI 3 Denpasar"},
		"D3":  {"Politeknik Negeri Bali"},
		"S1":  {"Universitas Udayana", "Universitas Warmadewa", "Universitas Pendidikan Nasional"},
	}
	// majors with their IPK education codes (ipk-pendidikan.csv)
	majors = map[string][]struct{ name, code string }{
		"SMA": {{"IPA", "3801"}, {"IPS", "3801"}},
		"SMK": {{"Akuntansi", "3602"}, {"Perhotelan", "3404"}, {"Teknik Komputer dan Jaringan", "3202"}, {"Tata Boga", "3405"}},
		"D3":  {{"Akuntansi", "5502"}, {"Teknik Sipil", "5203"}, {"Usaha Perjalanan Wisata", "5534"}},
		"S1":  {{"Manajemen", "6509"}, {"Teknik Informatika", "6220"}, {"Hukum", "6503"}, {"Sastra Inggris", "6516"}},
	}
	positions = []struct{ kbji, name string }{
		{"4", "Staf administrasi"}, {"5", "Pramusaji"}, {"5", "Resepsionis hotel"}, {"7", "Teknisi listrik"},
		{"3", "Teknisi komputer"}, {"5", "Juru masak"}, {"2", "Akuntan"}, {"8", "Sopir"},
	}
)

func (s *seeder) pick(list []string) string { return list[s.rnd.IntN(len(list))] }

func (s *seeder) form() *domain.Form {
	female := s.rnd.IntN(2) == 0
	birth := s.today.AddDate(-18-s.rnd.IntN(22), -s.rnd.IntN(12), -s.rnd.IntN(28))
	prefix, given := "I ", s.pick(maleNames)
	if female {
		prefix, given = "Ni ", s.pick(femaleNames)
	}
	name := prefix + s.pick(birthOrderNames) + " " + given
	k := domain.Kecamatans[s.rnd.IntN(len(domain.Kecamatans))]
	day := birth.Day()
	if female {
		day += 40
	}
	var nik string
	for {
		nik = fmt.Sprintf("%s%02d%02d%02d%04d", k.Code, day, int(birth.Month()), birth.Year()%100, 1+s.rnd.IntN(9999))
		if !s.used[nik] {
			s.used[nik] = true
			break
		}
	}
	level := []string{"SMA", "SMK", "SMK", "D3", "S1"}[s.rnd.IntN(5)]
	grad := birth.Year() + map[string]int{"SMA": 18, "SMK": 18, "D3": 21, "S1": 22}[level]
	if grad > s.today.Year() {
		grad = s.today.Year()
	}
	pos := positions[s.rnd.IntN(len(positions))]
	major := majors[level][s.rnd.IntN(len(majors[level]))]
	kel := s.pick(k.Kelurahan)
	history := []domain.Education{
		{Level: "SD", School: fmt.Sprintf("SD Negeri %d %s", 1+s.rnd.IntN(8), kel), Year: fmt.Sprint(birth.Year() + 12)},
		{Level: "SMP/SLTP", School: fmt.Sprintf("SMP Negeri %d Denpasar", 1+s.rnd.IntN(12)), Year: fmt.Sprint(birth.Year() + 15)},
	}
	if level == "D3" || level == "S1" {
		history = append(history, domain.Education{Level: "SMA/SMK", School: s.pick(schools["SMA"]), Major: "IPA", Year: fmt.Sprint(birth.Year() + 18)})
	}
	sex := "L"
	if female {
		sex = "P"
	}
	f := &domain.Form{
		NIK: nik, FullName: name, BirthPlace: "Denpasar", Sex: sex,
		BirthDay: fmt.Sprint(birth.Day()), BirthMonth: fmt.Sprint(int(birth.Month())), BirthYear: fmt.Sprint(birth.Year()),
		Street: fmt.Sprintf("%s No. %d", s.pick(streets), 1+s.rnd.IntN(180)), RT: fmt.Sprint(1 + s.rnd.IntN(9)), RW: fmt.Sprint(1 + s.rnd.IntN(5)),
		Kecamatan: k.Code, Kelurahan: kel, PostalCode: fmt.Sprintf("801%02d", 11+s.rnd.IntN(30)),
		Phone: fmt.Sprintf("08%d%08d", 11+s.rnd.IntN(9), s.rnd.IntN(100000000)), Marital: s.pick([]string{"Belum Kawin", "Belum Kawin", "Kawin"}),
		Religion: s.pick([]string{"Hindu", "Hindu", "Hindu", "Islam", "Protestan", "Katolik", "Buddha"}),
		EduLevel: level, EduCode: major.code, EduSchool: s.pick(schools[level]), EduMajor: major.name, EduYear: fmt.Sprint(grad),
		EduHistory: history,
		Languages:  []string{"Inggris"}, NeverWorked: true,
		DesiredKBJI: pos.kbji, DesiredPosition: pos.name, DesiredLocation: "lokal", DesiredWage: fmt.Sprint(3_000_000 + 250_000*s.rnd.IntN(8)),
	}
	f.Normalize()
	return f
}

// photo draws a plain passport-style portrait (a silhouette on a red or blue background, as Indonesian
// pas foto are) at the card's print resolution.
func (s *seeder) photo(female bool) ([]byte, error) {
	const w, h = 354, 472
	bg := []color.RGBA{{200, 30, 45, 255}, {25, 80, 170, 255}}[s.rnd.IntN(2)]
	skin := []color.RGBA{{224, 172, 132, 255}, {198, 140, 100, 255}, {170, 115, 80, 255}}[s.rnd.IntN(3)]
	hair := color.RGBA{30, 24, 20, 255}
	shirt := []color.RGBA{{240, 240, 240, 255}, {20, 20, 30, 255}, {60, 60, 70, 255}}[s.rnd.IntN(3)]
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
