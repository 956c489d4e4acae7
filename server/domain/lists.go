package domain

// Option is one entry of a pick-list: the stored value and the words shown.
type Option struct {
	Value string
	Label string
}

// Kecamatan is a district of Kota Denpasar with its kelurahan/desa (domain.md §6).
type Kecamatan struct {
	Code      string
	Name      string
	Kelurahan []string
}

// Kecamatans lists the four districts of Kota Denpasar in code order.
var Kecamatans = []Kecamatan{
	{"517101", "Denpasar Selatan", []string{"Serangan", "Pedungan", "Sesetan", "Panjer", "Renon", "Sanur",
		"Sidakarya", "Pemogan", "Sanur Kaja", "Sanur Kauh"}},
	{"517102", "Denpasar Timur", []string{"Kesiman", "Sumerta", "Dangin Puri", "Penatih", "Dangin Puri Kelod",
		"Sumerta Kelod", "Kesiman Petilan", "Kesiman Kertalangu", "Sumerta Kaja", "Sumerta Kauh",
		"Penatih Dangin Puri"}},
	{"517103", "Denpasar Barat", []string{"Dauh Puri", "Pemecutan", "Padangsambian", "Padangsambian Kelod",
		"Pemecutan Kelod", "Dauh Puri Kauh", "Dauh Puri Kelod", "Dauh Puri Kangin", "Tegal Harum",
		"Tegal Kertha", "Padangsambian Kaja"}},
	{"517104", "Denpasar Utara", []string{"Tonja", "Ubung", "Peguyangan", "Dangin Puri Kangin",
		"Dangin Puri Kauh", "Dangin Puri Kaja", "Pemecutan Kaja", "Dauh Puri Kaja", "Ubung Kaja",
		"Peguyangan Kaja", "Peguyangan Kangin"}},
}

// FindKecamatan returns the district with the given code.
func FindKecamatan(code string) (Kecamatan, bool) {
	for _, k := range Kecamatans {
		if k.Code == code {
			return k, true
		}
	}
	return Kecamatan{}, false
}

// EducationLevels are the levels of the form and the card (domain.md §7), lowest first.
var EducationLevels = []string{"Tidak tamat SD", "SD", "SMP/SLTP", "SMA", "SMK", "D1", "D2", "D3", "D4", "S1", "S2", "S3"}

// Religions in the order and numbering of the card's coded box (1 Islam … 7 Lainnya).
var Religions = []string{"Islam", "Katolik", "Protestan", "Hindu", "Buddha", "Konghucu", "Lainnya"}

// MaritalStatuses as the Daftar Isian names them.
var MaritalStatuses = []string{"Belum Kawin", "Kawin", "Cerai Hidup", "Cerai Mati"}

// Sexes: the stored value is the card's letter.
var Sexes = []Option{{"L", "Laki-laki"}, {"P", "Perempuan"}}

// KBJIGroups are the major groups of KBJI 2014 (domain.md §7).
var KBJIGroups = []Option{
	{"1", "Manajer"},
	{"2", "Profesional"},
	{"3", "Teknisi dan Asisten Profesional"},
	{"4", "Tenaga Tata Usaha"},
	{"5", "Tenaga Usaha Jasa dan Penjualan"},
	{"6", "Pekerja Terampil Pertanian, Kehutanan dan Perikanan"},
	{"7", "Pekerja Pengolahan, Kerajinan dan YBDI"},
	{"8", "Operator dan Perakit Mesin"},
	{"9", "Pekerja Kasar"},
	{"0", "TNI/Polri"},
}

// DesiredLocations: domestic in the own region (AKL), another region (AKAD), or abroad (AKAN).
var DesiredLocations = []Option{
	{"lokal", "Di Kota Denpasar / Bali (dalam daerah)"},
	{"antardaerah", "Di daerah lain di Indonesia"},
	{"luarnegeri", "Di luar negeri"},
}

// Languages offered as quick choices; anything else goes into "bahasa lain".
var Languages = []string{"Inggris", "Jepang", "Mandarin", "Korea", "Arab", "Jerman", "Belanda", "Prancis", "Rusia"}

// LabelOf returns the label of value in opts, or value itself when it is not in the list.
func LabelOf(opts []Option, value string) string {
	for _, o := range opts {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func hasOption(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// KBLISections are the sections of KBLI 2020 (Klasifikasi Baku Lapangan Usaha Indonesia), the sector
// of an employer: the work experience's and the desired one (domain.md §7; IPK III/6).
var KBLISections = []Option{
	{"A", "Pertanian, Kehutanan dan Perikanan"},
	{"B", "Pertambangan dan Penggalian"},
	{"C", "Industri Pengolahan"},
	{"D", "Pengadaan Listrik, Gas, Uap/Air Panas dan Udara Dingin"},
	{"E", "Pengelolaan Air, Air Limbah, Sampah dan Remediasi"},
	{"F", "Konstruksi"},
	{"G", "Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor"},
	{"H", "Pengangkutan dan Pergudangan"},
	{"I", "Penyediaan Akomodasi dan Makan Minum (hotel, restoran)"},
	{"J", "Informasi dan Komunikasi"},
	{"K", "Aktivitas Keuangan dan Asuransi"},
	{"L", "Real Estat"},
	{"M", "Aktivitas Profesional, Ilmiah dan Teknis"},
	{"N", "Penyewaan, Ketenagakerjaan, Agen Perjalanan dan Penunjang Usaha"},
	{"O", "Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib"},
	{"P", "Pendidikan"},
	{"Q", "Kesehatan Manusia dan Kegiatan Sosial"},
	{"R", "Kesenian, Hiburan dan Rekreasi"},
	{"S", "Aktivitas Jasa Lainnya"},
	{"T", "Aktivitas Rumah Tangga sebagai Pemberi Kerja"},
	{"U", "Aktivitas Badan Internasional dan Badan Ekstra Internasional"},
}
