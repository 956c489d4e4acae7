// Package report writes the IPK report and the SOP's registers as files: an XLSX workbook in the
// official layout (excelize) and an A4 landscape PDF (fpdf). It reads domain values only.
package report

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"ak1/server/domain"
)

// SheetName is the sheet of a table: "III-1" (a sheet name may not hold a slash).
func SheetName(id string) string { return strings.ReplaceAll(id, "/", "-") }

// xlsxStyles are the cell styles of a workbook.
type xlsxStyles struct {
	title, text, head, number, numbering, label, labelBold, numberBold, group, note, draft int
}

func newStyles(f *excelize.File) (xlsxStyles, error) {
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "top", Color: "000000", Style: 1},
		{Type: "right", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	left := &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}
	var s xlsxStyles
	for _, st := range []struct {
		into  *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 11}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.text, excelize.Style{Font: &excelize.Font{Size: 10}}},
		{&s.head, excelize.Style{Font: &excelize.Font{Bold: true, Size: 9}, Alignment: center, Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7ECEF"}}}},
		{&s.numbering, excelize.Style{Font: &excelize.Font{Italic: true, Size: 8}, Alignment: center, Border: border}},
		{&s.number, excelize.Style{Font: &excelize.Font{Size: 10}, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}, Border: border}},
		{&s.numberBold, excelize.Style{Font: &excelize.Font{Bold: true, Size: 10}, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}, Border: border}},
		{&s.label, excelize.Style{Font: &excelize.Font{Size: 10}, Alignment: left, Border: border}},
		{&s.labelBold, excelize.Style{Font: &excelize.Font{Bold: true, Size: 10}, Alignment: left, Border: border}},
		{&s.group, excelize.Style{Font: &excelize.Font{Bold: true, Size: 10}, Alignment: left, Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F4F6F7"}}}},
		{&s.note, excelize.Style{Font: &excelize.Font{Italic: true, Size: 9}}},
		{&s.draft, excelize.Style{Font: &excelize.Font{Bold: true, Size: 11, Color: "B00020"}}},
	} {
		id, err := f.NewStyle(&st.style)
		if err != nil {
			return s, err
		}
		*st.into = id
	}
	return s, nil
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// sheetWriter writes one sheet top to bottom.
type sheetWriter struct {
	f     *excelize.File
	sheet string
	st    xlsxStyles
	row   int
	width int // columns in use
	err   error
}

func (w *sheetWriter) set(col, row int, v any, style int) {
	if w.err != nil {
		return
	}
	c := cellName(col, row)
	if v != nil {
		w.err = w.f.SetCellValue(w.sheet, c, v)
	}
	if w.err == nil {
		w.err = w.f.SetCellStyle(w.sheet, c, c, style)
	}
}

// box styles the block from (c1, r1) to (c2, r2), merges it when it is more than one cell, and
// writes v into its first cell.
func (w *sheetWriter) box(c1, r1, c2, r2 int, v any, style int) {
	if w.err != nil {
		return
	}
	if v != nil {
		w.err = w.f.SetCellValue(w.sheet, cellName(c1, r1), v)
	}
	if w.err == nil && (c1 != c2 || r1 != r2) {
		w.err = w.f.MergeCell(w.sheet, cellName(c1, r1), cellName(c2, r2))
	}
	if w.err == nil {
		w.err = w.f.SetCellStyle(w.sheet, cellName(c1, r1), cellName(c2, r2), style)
	}
}

// line writes a text across the sheet's width on the next row.
func (w *sheetWriter) line(text string, style int) {
	w.row++
	w.box(1, w.row, w.width, w.row, text, style)
}

// IPKXLSX writes the report as a workbook: one sheet per table with the office, the title, the
// period, the official header with merged cells and column numbers, bold JUMLAH rows, the notes and
// the approval (or the words that it is a draft).
func IPKXLSX(r *domain.IPKReport) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	stamp := r.Computed
	if r.State == domain.ReportApproved {
		stamp = r.ApprovedAt
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: "Laporan IPK " + r.Month.Name(), Creator: "AK1 Denpasar", LastModifiedBy: "AK1 Denpasar",
		Created: stamp.UTC().Format(time.RFC3339), Modified: stamp.UTC().Format(time.RFC3339), Language: "id-ID"}); err != nil {
		return nil, err
	}
	for i, t := range r.Tables {
		name := SheetName(t.ID)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		notes := t.Notes
		if i == 0 {
			notes = append(notes, r.Omitted...)
		}
		if err := writeTableSheet(f, name, st, r, &t, notes); err != nil {
			return nil, fmt.Errorf("%s: %w", t.ID, err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeTableSheet(f *excelize.File, sheet string, st xlsxStyles, r *domain.IPKReport, t *domain.Table, notes []string) error {
	w := &sheetWriter{f: f, sheet: sheet, st: st}
	for _, p := range t.Parts {
		w.width = max(w.width, p.Cols)
	}
	w.line(domain.Office, st.title)
	for _, l := range t.Title {
		w.line(l, st.title)
	}
	w.line(t.Period.Unit()+" "+strings.TrimPrefix(t.Period.Label(), "TRIWULAN "), st.title)
	w.line(t.Period.Dates(), st.title)
	if r.State == domain.ReportApproved {
		w.line(r.StateText(), st.text)
	} else {
		w.line("KONSEP, BELUM DISETUJUI KASI IPK: "+r.StateText(), st.draft)
	}
	for _, p := range t.Parts {
		w.row++
		writePart(w, p)
	}
	w.row++
	for _, n := range notes {
		w.line(n, st.note)
	}
	w.row++
	left, right := signatureColumns(r)
	for i := 0; i < max(len(left), len(right)); i++ {
		w.row++
		if i < len(left) {
			w.box(1, w.row, 2, w.row, left[i], st.text)
		}
		if i < len(right) {
			w.box(w.width-5, w.row, w.width, w.row, right[i], st.text)
		}
	}
	if w.err != nil {
		return w.err
	}
	widths := columnWidths(t)
	for i, wd := range widths {
		c, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, c, c, wd); err != nil {
			return err
		}
	}
	size, landscape, one, all := 9, "landscape", 1, 0 // 9 is A4
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape, FitToWidth: &one, FitToHeight: &all})
}

// writePart writes a header block, its column numbers and its rows.
func writePart(w *sheetWriter, p domain.Part) {
	top := w.row + 1
	for _, h := range p.Head {
		w.box(1+h.Col, top+h.Row, h.Col+h.ColSpan, top+h.Row+h.RowSpan-1, h.Text, w.st.head)
	}
	w.row = top + p.HeadRows - 1
	if p.Numbers != nil {
		w.row++
		for i, n := range p.Numbers {
			w.set(1+i, w.row, n, w.st.numbering)
		}
	}
	for _, row := range p.Rows {
		w.row++
		switch row.Kind {
		case domain.RowGroup:
			for i, l := range row.Labels {
				w.set(1+i, w.row, l, w.st.group)
			}
			w.box(1+p.Labels, w.row, p.Cols, w.row, nil, w.st.group)
			continue
		case domain.RowTotal:
			w.box(1, w.row, p.Labels, w.row, row.Labels[len(row.Labels)-1], w.st.labelBold)
		default:
			for i, l := range row.Labels {
				w.set(1+i, w.row, l, w.st.label)
			}
		}
		style := w.st.number
		if row.Kind == domain.RowTotal {
			style = w.st.numberBold
		}
		for i, c := range row.Cells {
			var v any
			if !c.Blank {
				v = c.N
			}
			w.set(1+p.Labels+i, w.row, v, style)
		}
	}
}

// columnWidths are the sheet's column widths in characters: the label columns wide enough for the
// longest label, the figure columns narrow.
func columnWidths(t *domain.Table) []float64 {
	n := 0
	for _, p := range t.Parts {
		n = max(n, p.Cols)
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = 7
	}
	for _, p := range t.Parts {
		for i := 0; i < p.Labels; i++ {
			longest := 6
			for _, r := range p.Rows {
				if i < len(r.Labels) && r.Kind != domain.RowTotal {
					longest = max(longest, len([]rune(r.Labels[i])))
				}
			}
			out[i] = max(out[i], min(float64(longest)+2, 60))
		}
	}
	return out
}

// signatureColumns are the blocks under each table: who made the report (left) and who approved
// it and when (right), or that it is not approved yet.
func signatureColumns(r *domain.IPKReport) (left, right []string) {
	if r.MadeBy != "" {
		left = append(left, "Dibuat oleh:", r.MadeBy, domain.FormatDate(r.MadeAt.In(domain.OfficeZone)))
	}
	if r.State == domain.ReportApproved {
		right = []string{"Denpasar, " + domain.FormatDate(r.ApprovedAt.In(domain.OfficeZone)), "Disetujui oleh Kasi Informasi Pasar Kerja,", r.Approver}
	} else {
		right = []string{"Belum disetujui Kasi Informasi Pasar Kerja.", "Dihitung " + domain.FormatDate(r.Computed.In(domain.OfficeZone)) + " " +
			r.Computed.In(domain.OfficeZone).Format("15.04") + " WITA."}
	}
	return left, right
}
