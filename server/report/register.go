package report

import (
	"bytes"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"ak1/server/domain"
)

// RegisterXLSX writes a register as a workbook of one sheet: the office, the title and what it
// covers, a bold bordered header row, the rows, A4 landscape one page wide. stamp is written as the
// file's date, so the same register exports to the same bytes.
func RegisterXLSX(r *domain.Register, stamp time.Time) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: r.Title, Creator: "AK1 Denpasar", LastModifiedBy: "AK1 Denpasar",
		Created: stamp.UTC().Format(time.RFC3339), Modified: stamp.UTC().Format(time.RFC3339), Language: "id-ID"}); err != nil {
		return nil, err
	}
	const sheet = "Register"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	w := &sheetWriter{f: f, sheet: sheet, st: st, width: max(len(r.Columns), 1)}
	w.line(domain.Office, st.title)
	w.line(r.Title, st.title)
	for _, l := range r.Lines {
		w.line(l, st.text)
	}
	w.row++
	header := w.row + 1
	w.row = header
	for i, c := range r.Columns {
		w.set(1+i, w.row, c, st.head)
	}
	widths := make([]float64, len(r.Columns))
	for i, c := range r.Columns {
		widths[i] = float64(len([]rune(c))) + 2
	}
	for _, row := range r.Rows {
		w.row++
		for i, v := range row {
			w.set(1+i, w.row, v, st.label)
			widths[i] = max(widths[i], min(float64(len([]rune(v)))+2, 45))
		}
	}
	if w.err != nil {
		return nil, w.err
	}
	for i, wd := range widths {
		c, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, c, c, wd); err != nil {
			return nil, err
		}
	}
	// The header repeats on every printed page.
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: "'" + sheet + "'!$" + strconv.Itoa(header) + ":$" + strconv.Itoa(header)}); err != nil {
		return nil, err
	}
	size, landscape, one, all, fit := 9, "landscape", 1, 0, true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return nil, err
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape, FitToWidth: &one, FitToHeight: &all}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
