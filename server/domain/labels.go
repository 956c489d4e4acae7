package domain

import (
	"fmt"
	"strconv"
	"strings"
)

// fieldLabels name the form's fields as the officer reads them (the correction log, the summary).
var fieldLabels = map[string]string{
	"nik": "NIK", "full_name": "Nama lengkap", "birth_place": "Tempat lahir", "birth_day": "Tanggal lahir",
	"birth_month": "Bulan lahir", "birth_year": "Tahun lahir", "sex": "Jenis kelamin", "nik_perlu_dicek": "NIK sesuai KTP (perlu dicek)",
	"street": "Alamat (jalan)", "rt": "RT", "rw": "RW", "kecamatan": "Kecamatan", "kelurahan": "Kelurahan/desa",
	"postal_code": "Kode pos", "phone": "Nomor HP/telepon", "email": "E-mail", "marital": "Status perkawinan",
	"religion": "Agama", "height": "Tinggi badan", "weight": "Berat badan", "disability": "Disabilitas",
	"edu_level": "Pendidikan terakhir", "edu_code": "Kode pendidikan (IPK)", "edu_school": "Sekolah/perguruan tinggi",
	"edu_major": "Jurusan", "edu_year": "Tahun lulus", "edu_grade": "Nilai (NEM/IPK)",
	"languages": "Bahasa asing", "language_other": "Bahasa lain", "never_worked": "Belum pernah bekerja",
	"desired_kbji": "Bidang pekerjaan yang diinginkan (KBJI)", "desired_position": "Jabatan yang diinginkan",
	"desired_kbli": "Bidang usaha yang diinginkan (KBLI)", "target_company": "Perusahaan yang dituju",
	"desired_location": "Lokasi kerja yang diinginkan", "desired_country": "Negara tujuan",
	"desired_wage": "Upah yang diinginkan", "remarks": "Keterangan lain", "agreed": "Pernyataan dan persetujuan",
}

var rowPartLabels = map[string]string{
	"name": "nama", "institution": "lembaga", "year": "tahun", "position": "jabatan", "duties": "uraian tugas",
	"years": "lama (tahun)", "months": "lama (bulan)", "employer": "tempat bekerja", "sector": "bidang usaha (KBLI)",
	"school": "sekolah", "major": "jurusan",
}

// FieldLabel names a form field in words ("exp_duties_1" is "Pengalaman kerja 1: uraian tugas"); an
// unknown name is returned as it is.
func FieldLabel(name string) string {
	if l, ok := fieldLabels[name]; ok {
		return l
	}
	if h, part, ok := histField(name); ok {
		return "Riwayat pendidikan " + h.Level + ": " + rowPartLabels[part]
	}
	parts := strings.Split(name, "_")
	if len(parts) == 3 {
		n, err := strconv.Atoi(parts[2])
		part, known := rowPartLabels[parts[1]]
		if err == nil && known && n >= 1 && n <= Rows {
			switch parts[0] {
			case "training":
				return fmt.Sprintf("Pelatihan %d: %s", n, part)
			case "exp":
				return fmt.Sprintf("Pengalaman kerja %d: %s", n, part)
			}
		}
	}
	return name
}
