package domain

// Document is one paper the job seeker brings for a service.
type Document struct {
	Key      string
	Name     string
	Required bool // false for "if any" documents, which never block the service
}

// Service is one choice on the kiosk's welcome screen.
type Service struct {
	Slug  string
	Title string
	Hint  string
	Docs  []Document
	// AtKiosk is true when the kiosk handles the service itself; otherwise it tells the person which
	// documents to bring and to see the officer.
	AtKiosk bool
	// Ticket is the letter of the service's queue tickets (A-017, B-004, …); "" for a service that
	// gives none (checking an application).
	Ticket string
	// Holder is true for the services of a card already issued: the kiosk first finds the card by
	// its registration number (or QR code) and the holder's date of birth.
	Holder bool
}

// Services are the kiosk's services in menu order (SOP steps 1–2).
var Services = []Service{
	{Slug: "baru", Title: "Buat kartu kuning (AK/I) baru", Hint: "Pertama kali mendaftar sebagai pencari kerja", AtKiosk: true, Ticket: TicketPrefixNewCard,
		Docs: []Document{
			{"ktp", "Fotokopi KTP yang masih berlaku", true},
			{"foto", "Pas foto berwarna terbaru 3×4 cm, 2 lembar", true},
			{"ijazah", "Fotokopi ijazah terakhir", true},
			{"sertifikat", "Fotokopi sertifikat keahlian/pelatihan (jika ada)", false},
			{"pengalaman", "Fotokopi surat keterangan pengalaman kerja (jika ada)", false},
		}},
	{Slug: "perpanjang", Title: "Perpanjang atau perbaiki kartu kuning", Hint: "Kartu lewat 2 tahun, lupa melapor, atau datanya perlu diperbaiki",
		AtKiosk: true, Ticket: "C", Holder: true,
		Docs: []Document{
			{"kartu", "Kartu AK/I yang lama", true},
			{"ktp", "Fotokopi KTP yang masih berlaku", true},
			{"foto", "Pas foto berwarna terbaru 3×4 cm, 2 lembar", true},
		}},
	{Slug: "lapor", Title: "Lapor 6 bulanan", Hint: "Belum bekerja dan wajib melapor setiap 6 bulan",
		AtKiosk: true, Ticket: "B", Holder: true,
		Docs: []Document{{"kartu", "Kartu AK/I", true}}},
	{Slug: "bekerja", Title: "Lapor sudah bekerja", Hint: "Sudah diterima bekerja", AtKiosk: true, Ticket: "E", Holder: true,
		Docs: []Document{
			{"kartu", "Kartu AK/I", true},
			{"surat", "Surat keterangan diterima bekerja dari perusahaan (jika ada)", false},
		}},
	{Slug: "legalisir", Title: "Legalisir fotokopi kartu kuning", Hint: "Mengesahkan fotokopi kartu AK/I", AtKiosk: true, Ticket: "D",
		Docs: []Document{
			{"kartu", "Kartu AK/I asli", true},
			{"fotokopi", "Fotokopi kartu AK/I (bolak-balik)", true},
		}},
	{Slug: "cek", Title: "Cek permohonan saya", Hint: "Lihat status dengan nomor antrean atau kode", AtKiosk: true},
}

// FindService returns the service with the given slug.
func FindService(slug string) (Service, bool) {
	for _, s := range Services {
		if s.Slug == slug {
			return s, true
		}
	}
	return Service{}, false
}

// ServiceByTicket returns the service whose tickets carry the letter.
func ServiceByTicket(letter string) (Service, bool) {
	for _, s := range Services {
		if s.Ticket != "" && s.Ticket == letter {
			return s, true
		}
	}
	return Service{}, false
}
