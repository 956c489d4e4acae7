package card

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/image/draw"
)

// Colours. Everything a pen must write on stays white; lines there are light grey so ballpoint
// and stamp ink remain readable over them. The yellow bands nod to the "kartu kuning" name.
var (
	white  = color.RGBA{0xff, 0xff, 0xff, 0xff}
	ink    = color.RGBA{0x1a, 0x1a, 0x1a, 0xff}
	navy   = color.RGBA{0x14, 0x2f, 0x5c, 0xff}
	label  = color.RGBA{0x55, 0x5b, 0x66, 0xff}
	rule   = color.RGBA{0xa8, 0xad, 0xb5, 0xff}
	band   = color.RGBA{0xff, 0xe8, 0x7a, 0xff}
	tint   = color.RGBA{0xff, 0xf7, 0xd6, 0xff}
	accent = color.RGBA{0xc9, 0x9a, 0x06, 0xff}
)

// Type sizes in points. 5 pt is the floor for anything printed: smaller is not legible on a
// 300 dpi dye-sublimation card.
const (
	minSize   = 5.0
	labelSize = 5.0
	valueSize = 5.5
)

// Page margins (mm). Card printers print edge to edge, but text closer than ~2.5 mm to the edge
// risks being cut by the printer's registration tolerance.
const (
	marginX = 3.0
	right   = cardWidth - marginX
)

var bulan = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
	"Agustus", "September", "Oktober", "November", "Desember"}

// tanggal formats a date the Indonesian way, "27 November 2026"; the zero time prints as "".
func tanggal(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d", t.Day(), bulan[t.Month()-1], t.Year())
}

// ---- Face 1 -------------------------------------------------------------------------------

func (f *face) layoutFront(c Card) error {
	f.header("KARTU TANDA BUKTI PENDAFTARAN PENCARI KERJA")

	// Left column: photo, and the holder's signature box directly under it.
	const photoX, photoY = marginX, 12.4
	photoW := 189 // dots: 16.0 mm, 3:4
	photoH := 252 // 21.3 mm
	px, py := int(math.Round(mm(photoX))), int(math.Round(mm(photoY)))
	pw := float64(photoW) / dotsPerMM
	ph := float64(photoH) / dotsPerMM
	if c.Photo != nil || c.PhotoJPEG != nil {
		if err := f.photo(px, py, photoW, photoH, c); err != nil {
			return err
		}
		f.frame(photoX, photoY, pw, ph, 0.12, rule)
	} else {
		f.photoPlaceholder(photoX, photoY, pw, ph)
	}
	sigY := photoY + ph + 1.2
	sigH := 47.2 - sigY
	f.frame(photoX, sigY, pw, sigH, 0.15, rule)
	f.fit(regular, labelSize, minSize, "Tanda tangan", photoX, pw, sigY+sigH-2.6, alignCenter, label)
	f.fit(regular, labelSize, minSize, "pencari kerja", photoX, pw, sigY+sigH-0.8, alignCenter, label)

	// Middle: registration number, NIK and the barcode of the number.
	const colX = 21.0
	// mm available for the QR symbol with its quiet zone: room for 4 printer dots (0.34 mm) per module
	// of a version-8 symbol, which phone cameras read first time; 3 dots proved marginal.
	qrSide := 19.5
	qrX := right - qrSide
	infoW := qrX - 1.5 - colX
	f.fit(regular, labelSize, minSize, "No. Pendaftaran", colX, infoW, 13.9, alignLeft, label)
	f.fit(bold, 9, 6, c.RegNumber, colX, infoW, 17.2, alignLeft, navy)
	// NIK and the holder's name share the label column, so the face says whose card it is beside the
	// photo (the back repeats the name with the other personal data).
	const valX = colX + 7.5
	f.fit(regular, labelSize, minSize, "NIK", colX, 7, 20.3, alignLeft, label)
	f.fit(bold, 7.5, 6, c.NIK, valX, colX+infoW-valX, 20.3, alignLeft, ink)
	f.fit(regular, labelSize, minSize, "Nama", colX, 7, 23.1, alignLeft, label)
	bm := f.fs[bold]
	nameSize, nameLines := bm.fitLines(bm.clean(c.Name), 7, minSize, (colX+infoW-valX)*72/25.4, 2)
	barTop := 25.0
	for i, l := range nameLines {
		f.text(bold, nameSize, l, valX, colX+infoW-valX, 23.1+float64(i)*2.2, alignLeft, ink)
	}
	if len(nameLines) == 2 {
		barTop = 26.2 // a long name takes a second line; the barcode gets a little shorter
	}
	if d := digitsOnly(c.RegNumber); d != "" {
		bars, err := barcodeBars(d)
		if err != nil {
			return err
		}
		// Widest module (3, 2 or 1 dots) that fits with both quiet zones inside the column.
		avail := int(mm(infoW))
		module := 3
		for module > 1 && (len(bars)+2*barcodeQuietModules)*module > avail {
			module--
		}
		row := make([]bool, 0, len(bars)+2*barcodeQuietModules)
		row = append(row, make([]bool, barcodeQuietModules)...)
		row = append(append(row, bars...), make([]bool, barcodeQuietModules)...)
		f.drawModules(int(math.Round(mm(colX))), int(math.Round(mm(barTop))), module, int(math.Round(mm(30.2-barTop))), [][]bool{row}, ink)
	}

	// Right: QR code (quiet zone included), top-aligned with the photo.
	if c.CheckURL != "" {
		m, err := qrMatrix(c.CheckURL)
		if err != nil {
			return err
		}
		module := int(mm(qrSide)) / len(m)
		if module < 2 {
			return fmt.Errorf("tautan cek terlalu panjang untuk kode QR kartu (%d modul)", len(m))
		}
		size := module * len(m)
		x := int(math.Round(mm(right))) - size
		y := int(math.Round(mm(11.4)))
		f.drawModules(x, y, module, module, m, ink)
	}

	// Report grid: pen-filled at each six-monthly report, so white cells and light rules.
	f.reportGrid(colX, 31.2, right-colX, 47.2-31.2)

	// Footer: dates, and the reprint number so an old card can be told from its replacement.
	const base = 50.9
	issued := "Diterbitkan: " + tanggal(c.IssuedOn)
	f.fit(regular, 5.5, minSize, issued, marginX, 27, base, alignLeft, ink)
	f.fit(bold, 5.5, minSize, "Berlaku s.d.: "+tanggal(c.ValidUntil), 31, 32, base, alignLeft, ink)
	if c.Serial > 1 {
		f.fit(regular, labelSize, minSize, "Cetakan ke-"+strconv.Itoa(c.Serial), 64, right-64, base, alignRight, label)
	}
	return nil
}

// header draws the yellow band with the issuing office, the card title and "AK/I".
func (f *face) header(title string) {
	const h = 10.6
	f.rect(0, 0, cardWidth, h, band)
	f.rect(0, h, cardWidth, 0.35, accent)
	const boxW = 14.0
	textW := right - boxW - 1.5 - marginX
	f.fit(bold, 5.5, minSize, "PEMERINTAH KOTA DENPASAR", marginX, textW, 3.5, alignLeft, ink)
	f.fit(bold, 6, minSize, "DINAS TENAGA KERJA DAN SERTIFIKASI KOMPETENSI", marginX, textW, 6.2, alignLeft, ink)
	f.fit(bold, 5.5, minSize, title, marginX, textW, 9.2, alignLeft, navy)
	f.rect(right-boxW, 1.6, boxW, 7.6, navy)
	f.fit(bold, 14, 8, "AK/I", right-boxW, boxW, 7.4, alignCenter, white)
}

func (f *face) photoPlaceholder(x, y, w, h float64) {
	// Dashed frame: clearly a place to glue or print a photo, not a missing-image error.
	const dash, gap, lw = 1.0, 0.7, 0.15
	for p := x; p < x+w; p += dash + gap {
		l := math.Min(dash, x+w-p)
		f.rect(p, y, l, lw, rule)
		f.rect(p, y+h-lw, l, lw, rule)
	}
	for p := y; p < y+h; p += dash + gap {
		l := math.Min(dash, y+h-p)
		f.rect(x, p, lw, l, rule)
		f.rect(x+w-lw, p, lw, l, rule)
	}
	f.fit(bold, 7, minSize, "FOTO", x, w, y+h/2-0.2, alignCenter, label)
	f.fit(regular, 6, minSize, "3×4", x, w, y+h/2+2.4, alignCenter, label)
}

// reportGrid draws Laporan Kesatu/Kedua/Ketiga with Tanggal, Nama/NIP Petugas, Tanda tangan.
func (f *face) reportGrid(x, y, w, h float64) {
	const headH = 2.8
	rowH := (h - headH) / 3
	cols := []struct {
		title string
		w     float64 // fraction of the width
	}{{"Laporan", 0.17}, {"Tanggal", 0.22}, {"Nama / NIP Petugas", 0.38}, {"Tanda tangan", 0.23}}
	f.rect(x, y, w, headH, tint)
	cx := x
	for i, col := range cols {
		cw := w * col.w
		if i == len(cols)-1 {
			cw = x + w - cx // absorb rounding so the grid closes exactly
		}
		f.fit(bold, labelSize, minSize, col.title, cx+0.4, cw-0.8, y+headH-0.75, alignCenter, label)
		if i > 0 {
			f.rect(cx, y, 0.12, h, rule)
		}
		cx += cw
	}
	for i, name := range []string{"Kesatu", "Kedua", "Ketiga"} {
		ry := y + headH + float64(i)*rowH
		f.rect(x, ry, w, 0.12, rule)
		f.fit(regular, 5.5, minSize, name, x+0.6, w*cols[0].w-1.2, ry+rowH/2+0.7, alignLeft, label)
	}
	f.frame(x, y, w, h, 0.15, rule)
}

// ---- Face 2 -------------------------------------------------------------------------------

func (f *face) layoutBack(c Card) error {
	// Thin band: the back needs its space for data, and the office is already named on the front.
	const bandH = 6.0
	f.rect(0, 0, cardWidth, bandH, band)
	f.rect(0, bandH, cardWidth, 0.3, accent)
	f.fit(bold, 6.5, minSize, "DATA PENCARI KERJA", marginX, 30, 4.2, alignLeft, navy)
	f.fit(regular, 5.5, minSize, "No. "+c.RegNumber, 40, right-40, 4.2, alignRight, ink)

	const (
		lx     = marginX
		lw     = 44.0 // the right column gets the rest: the education grid needs the width
		labelW = 15.6
		vx     = lx + labelW + 1.0
		vw     = lx + lw - vx
	)
	labelAt := func(s string, y float64) {
		f.fit(regular, labelSize, minSize, s, lx, labelW, y, alignLeft, label)
		f.text(regular, labelSize, ":", lx+labelW, 1.0, y, alignLeft, label)
	}

	// The name is what the card is about, and names here run long (Balinese titles and birth-order
	// names): it gets the full width on one line when it fits there, else up to three lines in the
	// left column, taking rows from the address.
	rm, bm := f.fs[regular], f.fs[bold]
	const rows = 9 // baselines from 9.4 to 27.8 mm, above the skills block
	y := 9.4
	vwPt := vw * 72 / 25.4
	name := bm.clean(c.Name)
	nameSize, nameLines := bm.fitLines(name, 7, 5.5, (right-vx)*72/25.4, 1)
	nameW := right - vx
	pitch := 2.3
	if len(nameLines) > 0 && strings.HasSuffix(nameLines[0], ellipsis) && !strings.HasSuffix(name, ellipsis) {
		nameSize, nameLines = bm.fitLines(name, 6.5, minSize, vwPt, 2)
		if len(nameLines) == 2 && strings.HasSuffix(nameLines[1], ellipsis) {
			nameSize, nameLines = bm.fitLines(name, 6, minSize, vwPt, 3)
		}
		nameW = vw
	}
	birth := strings.TrimSpace(c.BirthPlace)
	if d := tanggal(c.BirthDate); d != "" {
		if birth != "" {
			birth += ", "
		}
		birth += d
	}
	birthSize, birthLines := rm.fitLines(rm.clean(birth), valueSize, minSize, vwPt, 2)
	used := len(nameLines) + len(birthLines) + 3
	// The address keeps at least three lines (street, kelurahan and kecamatan, city); in the rare card
	// where everything is long, the rows close up a little instead of pushing the skills block down.
	addrSize, addr := fitAddress(rm, c.AddressLines, valueSize, minSize, vwPt, max(3, rows-used))
	if total := used + max(1, len(addr)); total > rows {
		pitch = (27.8 - 9.4) / float64(total-1)
	}
	row := func(lbl string, lines []string, fid fontID, size, w float64) {
		labelAt(lbl, y)
		if len(lines) == 0 || lines[0] == "" {
			f.dotted(vx, y+0.1, w, rule)
			y += pitch
			return
		}
		for _, l := range lines {
			f.text(fid, size, l, vx, w, y, alignLeft, ink)
			y += pitch
		}
	}
	row("Nama", nameLines, bold, nameSize, nameW)
	if nameW > vw {
		y += 0.1 // a hair more air under the one big line
	}
	row("Tempat/Tgl. Lahir", birthLines, regular, birthSize, vw)
	// Plain values are not shrunk: a row in smaller type reads as a different kind of field.
	single := func(s string) []string {
		_, l := rm.fitLine(rm.clean(s), valueSize, valueSize, vwPt)
		return []string{l}
	}
	row("Jenis Kelamin", single(c.Sex), regular, valueSize, vw)
	row("Status Perkawinan", single(c.MaritalStatus), regular, valueSize, vw)
	row("Agama", single(c.Religion), regular, valueSize, vw)
	row("Alamat", addr, regular, addrSize, vw)

	// Skills/training.
	y = math.Max(y+0.4, 30.0)
	f.fit(bold, labelSize, minSize, "Keterampilan / Pelatihan", lx, lw-6, y, alignLeft, navy)
	f.fit(regular, labelSize, minSize, "Tahun", lx+lw-6, 6, y, alignRight, label)
	y += 2.1
	const maxSkills = 2
	for i := 0; i < maxSkills; i++ {
		if i < len(c.Skills) {
			s := c.Skills[i]
			name := rm.clean(s.Name)
			if i == maxSkills-1 && len(c.Skills) > maxSkills {
				// The card has room for two; the rest are on file, and the card says so.
				more := fmt.Sprintf(" (+%d lainnya)", len(c.Skills)-maxSkills)
				w := (lw - 7) * 72 / 25.4
				name = rm.ellipsize(name, valueSize, w-rm.width(more, valueSize)) + more
			}
			f.fit(regular, valueSize, minSize, name, lx, lw-7, y, alignLeft, ink)
			if s.Year > 0 {
				f.text(regular, valueSize, strconv.Itoa(s.Year), lx+lw-6, 6, y, alignRight, ink)
			}
		} else {
			f.dotted(lx, y+0.3, lw-7, rule)
			f.dotted(lx+lw-5, y+0.3, 5, rule)
		}
		y += 2.3
	}

	// Employment: blank write-in lines until the holder reports a job.
	y += 0.2
	f.fit(regular, labelSize, minSize, "Diterima bekerja di", lx, 17, y, alignLeft, label)
	if s := rm.clean(c.EmployedAt); s != "" {
		f.fit(regular, valueSize, minSize, s, lx+17.5, lw-17.5, y, alignLeft, ink)
	} else {
		f.dotted(lx+17.5, y+0.3, lw-17.5, rule)
	}
	y += 2.1
	f.fit(regular, labelSize, minSize, "terhitung mulai tanggal", lx, 20.5, y, alignLeft, label)
	if d := tanggal(c.EmployedSince); d != "" {
		f.fit(regular, valueSize, minSize, d, lx+21, lw-21, y, alignLeft, ink)
	} else {
		f.dotted(lx+21, y+0.3, lw-21, rule)
	}

	// Right column: formal education and the Pengantar Kerja signature.
	const rx = lx + lw + 2.5
	rw := right - rx
	f.education(c.Education, rx, rw, 11.8, 31.0)
	f.officer(c, rx, rw)

	f.ketentuan()
	return nil
}

// fitAddress fits the address lines into at most maxLines lines. The first line (street, RT/RW) is
// the one that gives way: the lines after it (kelurahan and kecamatan, city) are printed whole,
// closed up onto shared lines when that saves room, because the card must say where the holder lives
// even when the street is long.
func fitAddress(m *metrics, paras []string, maxSize, minSz, maxW float64, maxLines int) (float64, []string) {
	var clean []string
	for _, p := range paras {
		if p = m.clean(p); p != "" {
			clean = append(clean, p)
		}
	}
	if len(clean) == 0 {
		return maxSize, nil
	}
	street, rest := clean[0], clean[1:]
	tail := func(size float64) []string {
		var apart []string
		for _, p := range rest {
			apart = append(apart, m.wrap(p, size, maxW)...)
		}
		if joined := m.wrap(strings.Join(rest, ", "), size, maxW); len(rest) > 1 && len(joined) < len(apart) {
			return joined
		}
		return apart
	}
	for size := maxSize; size >= minSz-1e-9; size -= 0.25 {
		if lines := append(m.wrap(street, size, maxW), tail(size)...); len(lines) <= maxLines {
			return size, lines
		}
	}
	t := tail(minSz)
	if len(t) > maxLines-1 {
		// Only an address far beyond any real one: its end (the city, always Denpasar) is cut.
		_, t = m.fitLines(strings.Join(rest, ", "), minSz, minSz, maxW, maxLines-1)
	}
	_, head := m.fitLines(street, minSz, minSz, maxW, maxLines-len(t))
	return minSz, append(head, t...)
}

// eduLabels are the row labels printed for the education levels the form and reports use.
var eduLabels = map[string]string{
	"TIDAK TAMAT SD": "SD", "SD": "SD", "MI": "SD",
	"SMP": "SLTP", "SMP/SLTP": "SLTP", "SLTP": "SLTP", "MTS": "SLTP",
	"SMA": "SLTA", "SMK": "SLTA", "SMU": "SLTA", "MA": "SLTA", "SLTA": "SLTA", "SMA/SMK": "SLTA", "SLTA/SMK": "SLTA",
	"D-I": "D1", "D-II": "D2", "D-III": "D3", "D-IV": "D4",
}

// eduLabel is the short label of a level in the grid: "SLTA" for SMA or SMK, "D3", "AKTA".
func eduLabel(level string) string {
	l := strings.ToUpper(strings.TrimSpace(level))
	if s, ok := eduLabels[l]; ok {
		return s
	}
	return l
}

// education prints the holder's formal education, one row per level they have (the form lists them
// lowest first), between top (the heading's baseline) and bottom (the last baseline allowed). The
// school's name is never cut: rows wrap over as many lines as they need, shrinking to the minimum
// size; when the column is still too short the majors go first, and only a history longer than any
// real one would get its last lines cut.
func (f *face) education(rows []EducationRow, x, w, top, bottom float64) {
	f.fit(bold, labelSize, minSize, "Pendidikan Formal", x, w-6, top, alignLeft, navy)
	f.fit(regular, labelSize, minSize, "Tahun", x+w-6, 6, top, alignRight, label)
	rm := f.fs[regular]
	levelW := 0.0
	for _, r := range rows {
		levelW = math.Max(levelW, rm.width(eduLabel(r.Level), labelSize)*25.4/72)
	}
	levelW += 0.8
	const yearW, pitch = 4.4, 1.9
	first := top + 2.1
	if len(rows) == 0 {
		f.dotted(x, first+0.1, w, rule) // room to write by hand
		return
	}
	maxLines := int((bottom-first)/pitch+1e-9) + 1
	textW := (w - levelW - yearW - 0.5) * 72 / 25.4
	size, lines := eduLines(rm, rows, textW, maxLines)
	y := first
	for i, r := range rows {
		if len(lines[i]) == 0 {
			continue // only in the cut-off fallback
		}
		f.text(regular, labelSize, eduLabel(r.Level), x, levelW, y, alignLeft, label)
		if r.Year > 0 {
			f.text(regular, size, strconv.Itoa(r.Year), x+w-yearW, yearW, y, alignRight, ink)
		}
		for j, l := range lines[i] {
			f.text(regular, size, l, x+levelW, w-levelW-yearW-0.5, y+float64(j)*pitch, alignLeft, ink)
		}
		y += float64(max(1, len(lines[i]))) * pitch
	}
}

// eduLines wraps each row's text into lines of width maxW (points), at most maxLines in all. It tries
// "school, major" and then the school alone, each from 5.25 pt down to the minimum size.
func eduLines(m *metrics, rows []EducationRow, maxW float64, maxLines int) (float64, [][]string) {
	texts := func(withMajor bool) []string {
		out := make([]string, len(rows))
		for i, r := range rows {
			parts := nonEmpty(r.School)
			if withMajor || r.School == "" {
				parts = nonEmpty(r.School, r.Major)
			}
			out[i] = m.clean(strings.Join(parts, ", "))
			if out[i] == "" {
				out[i] = "—"
			}
		}
		return out
	}
	for _, withMajor := range []bool{true, false} {
		ts := texts(withMajor)
		for size := 5.25; size >= minSize-1e-9; size -= 0.25 {
			lines, total := make([][]string, len(ts)), 0
			for i, t := range ts {
				lines[i] = m.wrap(t, size, maxW)
				total += len(lines[i])
			}
			if total <= maxLines {
				return size, lines
			}
		}
	}
	// More rows than lines even so: one line each first, then the remaining lines in order; a row
	// left short is cut with an ellipsis.
	ts := texts(false)
	lines := make([][]string, len(ts))
	left := maxLines - len(ts)
	for i, t := range ts {
		all := m.wrap(t, minSize, maxW)
		n := min(len(all), 1+max(0, left))
		if i >= maxLines {
			n = 0
		}
		left -= n - 1
		if n > 0 && n < len(all) {
			all[n-1] = m.ellipsize(strings.Join(all[n-1:], " "), minSize, maxW)
		}
		lines[i] = all[:n]
	}
	return minSize, lines
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// officer draws the Pengantar Kerja block: place and date, room for signature and stamp, name, NIP.
func (f *face) officer(c Card, x, w float64) {
	// The date is on the front already; leaving it out here buys height for signature and stamp.
	f.fit(regular, labelSize, minSize, "Pengantar Kerja,", x, w, 32.9, alignCenter, ink)
	const nameY = 39.6
	bm := f.fs[bold]
	if n := bm.clean(c.PengantarKerja.Name); n != "" {
		// Academic titles make officers' names long; a second line goes up into the signature space.
		size, lines := bm.fitLines(n, 5.5, minSize, w*72/25.4, 2)
		for i, l := range lines {
			f.text(bold, size, l, x, w, nameY-float64(len(lines)-1-i)*2.0, alignCenter, ink)
		}
	}
	f.rect(x+1, nameY+0.5, w-2, 0.12, rule)
	if nip := f.fs[regular].clean(c.PengantarKerja.NIP); nip != "" {
		f.fit(regular, labelSize, minSize, "NIP. "+nip, x, w, nameY+2.2, alignCenter, ink)
	} else {
		f.text(regular, labelSize, "NIP.", x+1, 5, nameY+2.2, alignLeft, ink)
		f.dotted(x+5, nameY+2.5, w-6, rule)
	}
}

// ketentuanSize is the type size of the conditions: they are the card's rules, read by the holder
// and by employers, so larger than the 5 pt labels.
const ketentuanSize = 6.0

// ketentuan prints the card's conditions across the full width at the bottom of face 2, as one
// numbered paragraph after its heading, ending on the last baseline the printer can reach.
func (f *face) ketentuan() {
	items := []string{
		"Berlaku nasional.",
		"Bila ada perubahan data atau sudah mendapat pekerjaan, segera melapor.",
		"Pemberi kerja yang menerima pemegang kartu ini wajib mengembalikan kartu ke Dinas.",
		"Berlaku 2 tahun dengan melapor setiap 6 bulan selama belum bekerja.",
	}
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d. %s", i+1, it)
	}
	const head, last, pitch = "KETENTUAN:", 52.3, 2.3
	rm, bm := f.fs[regular], f.fs[bold]
	w := right - marginX
	headW := (bm.width(head, ketentuanSize) + rm.width(" ", ketentuanSize)) * 25.4 / 72
	lines := rm.wrapIndent(b.String(), ketentuanSize, (w-headW)*72/25.4, w*72/25.4)
	top := last - float64(len(lines)-1)*pitch
	f.rect(marginX, top-2.3, w, 0.12, rule)
	f.text(bold, ketentuanSize, head, marginX, headW, top, alignLeft, navy)
	for i, l := range lines {
		x, lw := marginX, w
		if i == 0 {
			x, lw = marginX+headW, w-headW
		}
		f.text(regular, ketentuanSize, l, x, lw, top+float64(i)*pitch, alignLeft, ink)
	}
}

// FitPhoto crops a photo to the w:h shape around its centre (a little high, where the face is) and
// resamples it to exactly w×h pixels. The card uses it for its photo box at 300 dpi; the desk uses it
// to store every photo at print resolution.
func FitPhoto(src image.Image, w, h int) *image.RGBA {
	b := src.Bounds()
	crop := b
	if b.Dx()*h > b.Dy()*w { // too wide
		cw := b.Dy() * w / h
		crop.Min.X = b.Min.X + (b.Dx()-cw)/2
		crop.Max.X = crop.Min.X + cw
	} else {
		ch := b.Dx() * h / w
		// Passport photos have the face high up: cut more from the bottom than the top.
		crop.Min.Y = b.Min.Y + (b.Dy()-ch)/3
		crop.Max.Y = crop.Min.Y + ch
	}
	// CatmullRom keeps a buffer of w × the source's height in float64 quadruples: 45 MB for a
	// 13-megapixel portrait. A camera picture is many times the box, so it is first averaged down
	// by a whole factor (cheap, and the right filter for that) to between one and two times the box.
	if k := min(crop.Dx()/w, crop.Dy()/h); k >= 2 {
		if rgba64, ok := src.(image.RGBA64Image); ok {
			src, crop = shrinkBox(rgba64, crop, k), image.Rect(0, 0, crop.Dx()/k, crop.Dy()/k)
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, draw.Over, nil)
	return dst
}

// shrinkBox averages each k×k block of r in src into one pixel (colours stay premultiplied, as
// image.RGBA holds them); the last partial row and column of blocks are left out.
func shrinkBox(src image.RGBA64Image, r image.Rectangle, k int) *image.RGBA {
	dw, dh := r.Dx()/k, r.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	sums := make([]uint64, 4*dw)
	n := uint64(k*k) << 8 // averages of 16-bit samples, written as 8-bit ones
	for dy := 0; dy < dh; dy++ {
		clear(sums)
		for y := r.Min.Y + dy*k; y < r.Min.Y+(dy+1)*k; y++ {
			for dx := 0; dx < dw; dx++ {
				s := sums[4*dx : 4*dx+4]
				for x := r.Min.X + dx*k; x < r.Min.X+(dx+1)*k; x++ {
					c := src.RGBA64At(x, y)
					s[0] += uint64(c.R)
					s[1] += uint64(c.G)
					s[2] += uint64(c.B)
					s[3] += uint64(c.A)
				}
			}
		}
		row := dst.Pix[dy*dst.Stride:]
		for i, s := range sums {
			row[i] = uint8(s / n)
		}
	}
	return dst
}
