package report

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"

	"ak1/server/domain"
)

// A4 landscape in millimetres, with the margins the office prints with.
const (
	pageW, pageH = 297.0, 210.0
	margin       = 10.0
	usableW      = pageW - 2*margin
	bottom       = pageH - margin
	lineH        = 3.6 // one line of 7.5 pt text
	fontSize     = 7.5
)

// newPDF starts an A4 landscape document with the Go fonts (they hold every character the tables
// use) and fixed dates, so the same report always renders to the same bytes.
func newPDF(title string, stamp time.Time) *fpdf.Fpdf {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "L", UnitStr: "mm", SizeStr: "A4"})
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, margin)
	pdf.SetCompression(true)
	pdf.SetCreationDate(stamp)
	pdf.SetModificationDate(stamp)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(title, true)
	pdf.SetCreator("AK1 Denpasar", true)
	pdf.SetProducer("AK1 Denpasar", true)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.AddUTF8FontFromBytes("go", "I", goitalic.TTF)
	pdf.SetLineWidth(0.2)
	return pdf
}

func output(pdf *fpdf.Fpdf) ([]byte, error) {
	var buf bytes.Buffer
	err := pdf.Output(&buf)
	return buf.Bytes(), err
}

// IPKPDF writes the report on A4 landscape: each table from a new page, its header repeated on
// every page it runs over, with the approval (or the words that it is a draft) and the signature.
func IPKPDF(r *domain.IPKReport) ([]byte, error) {
	stamp := r.Computed
	if r.State == domain.ReportApproved {
		stamp = r.ApprovedAt
	}
	pdf := newPDF("Laporan IPK "+r.Month.Name(), stamp.UTC())
	for i, t := range r.Tables {
		notes := t.Notes
		if i == 0 {
			notes = append(notes, r.Omitted...)
		}
		tablePDF(pdf, r, &t, notes)
	}
	if len(r.Tables) == 0 {
		pdf.AddPage()
	}
	return output(pdf)
}

// pdfTable draws one table.
type pdfTable struct {
	pdf    *fpdf.Fpdf
	r      *domain.IPKReport
	t      *domain.Table
	widths []float64
	y      float64
}

func tablePDF(pdf *fpdf.Fpdf, r *domain.IPKReport, t *domain.Table, notes []string) {
	d := &pdfTable{pdf: pdf, r: r, t: t}
	d.newPage(true)
	for _, p := range t.Parts {
		d.widths = partWidths(pdf, p)
		d.y += 2
		d.head(p)
		for _, row := range p.Rows {
			h := d.rowHeight(p, row)
			if d.y+h > bottom {
				d.newPage(false)
				d.head(p)
			}
			d.row(p, row, h)
		}
	}
	d.y += 2
	pdf.SetFont("go", "I", fontSize)
	for _, n := range notes {
		d.text(n, "I")
	}
	d.signature()
}

// signature draws who made the report on the left and who approved it on the right.
func (d *pdfTable) signature() {
	left, right := signatureColumns(d.r)
	h := float64(max(len(left), len(right)))*lineH + 2
	if d.y+h > bottom {
		d.newPage(false)
	}
	d.y += 2
	d.pdf.SetFont("go", "", fontSize+0.5)
	for i, l := range left {
		d.pdf.SetXY(margin, d.y+float64(i)*lineH)
		d.pdf.CellFormat(usableW/2, lineH, l, "", 0, "L", false, 0, "")
	}
	for i, l := range right {
		d.pdf.SetXY(margin+usableW*0.62, d.y+float64(i)*lineH)
		d.pdf.CellFormat(usableW*0.38, lineH, l, "", 0, "L", false, 0, "")
	}
	d.y += h
}

// newPage starts a page with the table's title block (in full on its first page).
func (d *pdfTable) newPage(first bool) {
	d.pdf.AddPage()
	d.y = margin
	title := func(s string, style string, size float64) {
		d.pdf.SetFont("go", style, size)
		d.pdf.SetXY(margin, d.y)
		d.pdf.CellFormat(usableW, size*0.45, s, "", 0, "C", false, 0, "")
		d.y += size * 0.45
	}
	if !first {
		title(d.t.Title[0]+" ("+d.t.Period.Name()+", lanjutan)", "B", 8)
		d.y += 1
		return
	}
	title(domain.Office, "B", 9)
	for _, l := range d.t.Title {
		title(l, "B", 9)
	}
	title(d.t.Period.Unit()+" "+strings.TrimPrefix(d.t.Period.Label(), "TRIWULAN "), "B", 9)
	title(d.t.Period.Dates(), "", 8)
	if d.r.State == domain.ReportApproved {
		title(d.r.StateText(), "", 8)
	} else {
		d.pdf.SetTextColor(176, 0, 32)
		title("KONSEP, BELUM DISETUJUI KASI IPK: "+d.r.StateText(), "B", 8)
		d.pdf.SetTextColor(0, 0, 0)
	}
}

func (d *pdfTable) text(s, style string) {
	d.pdf.SetFont("go", style, fontSize)
	for _, l := range d.pdf.SplitText(s, usableW) {
		if d.y+lineH > bottom {
			d.newPage(false)
			d.pdf.SetFont("go", style, fontSize)
		}
		d.pdf.SetXY(margin, d.y)
		d.pdf.CellFormat(usableW, lineH, l, "", 0, "L", false, 0, "")
		d.y += lineH
	}
}

// partWidths gives the label columns the width their longest label (or header) needs on one line,
// within bounds, and shares the rest among the figure columns.
func partWidths(pdf *fpdf.Fpdf, p domain.Part) []float64 {
	w := make([]float64, p.Cols)
	used := 0.0
	for i := 0; i < p.Labels; i++ {
		need := 10.0
		for _, h := range p.Head {
			if h.Col == i && h.ColSpan == 1 {
				need = max(need, oneLine(pdf, h.Text, "B"))
			}
		}
		for _, r := range p.Rows {
			if i < len(r.Labels) && r.Kind != domain.RowTotal {
				style := "B"
				if r.Kind == domain.RowItem {
					style = ""
				}
				need = max(need, oneLine(pdf, r.Labels[i], style))
			}
		}
		w[i] = min(need, 110)
		used += w[i]
	}
	figures := p.Cols - p.Labels
	each := min((usableW-used)/float64(figures), 24)
	for i := p.Labels; i < p.Cols; i++ {
		w[i] = each
	}
	return w
}

// oneLine is the width of a cell that shows s on one line (the cell keeps 0.75 mm on each side).
func oneLine(pdf *fpdf.Fpdf, s, style string) float64 {
	pdf.SetFont("go", style, fontSize)
	w := pdf.GetStringWidth(s) + 2
	for len(pdf.SplitText(s, w-1.5)) > 1 && w < 200 {
		w += 0.5
	}
	return w
}

func (d *pdfTable) x(col int) float64 {
	x := margin
	for i := 0; i < col; i++ {
		x += d.widths[i]
	}
	return x
}

func (d *pdfTable) span(col, n int) float64 {
	w := 0.0
	for i := col; i < col+n; i++ {
		w += d.widths[i]
	}
	return w
}

// box draws a bordered cell with its text centred (wrapped when it does not fit).
func (d *pdfTable) box(x, y, w, h float64, s, align, style string, fill bool) {
	if fill {
		d.pdf.SetFillColor(231, 236, 239)
		d.pdf.Rect(x, y, w, h, "FD")
	} else {
		d.pdf.Rect(x, y, w, h, "D")
	}
	if s == "" {
		return
	}
	d.pdf.SetFont("go", style, fontSize)
	lines := d.pdf.SplitText(s, w-1.5)
	top := y + (h-float64(len(lines))*lineH)/2
	for i, l := range lines {
		d.pdf.SetXY(x+0.75, top+float64(i)*lineH)
		d.pdf.CellFormat(w-1.5, lineH, l, "", 0, align, false, 0, "")
	}
}

// head draws a part's header block and its column numbers.
func (d *pdfTable) head(p domain.Part) {
	rowH := make([]float64, p.HeadRows)
	for i := range rowH {
		rowH[i] = lineH + 1.5
	}
	for _, h := range p.Head {
		d.pdf.SetFont("go", "B", fontSize)
		need := float64(len(d.pdf.SplitText(h.Text, d.span(h.Col, h.ColSpan)-1.5)))*lineH + 1.5
		have := 0.0
		for r := h.Row; r < h.Row+h.RowSpan; r++ {
			have += rowH[r]
		}
		if need > have {
			rowH[h.Row+h.RowSpan-1] += need - have
		}
	}
	top := d.y
	offset := func(r int) float64 {
		y := top
		for i := 0; i < r; i++ {
			y += rowH[i]
		}
		return y
	}
	for _, h := range p.Head {
		y := offset(h.Row)
		d.box(d.x(h.Col), y, d.span(h.Col, h.ColSpan), offset(h.Row+h.RowSpan)-y, h.Text, "C", "B", true)
	}
	d.y = offset(p.HeadRows)
	if p.Numbers != nil {
		for i, n := range p.Numbers {
			d.box(d.x(i), d.y, d.widths[i], lineH, n, "C", "I", false)
		}
		d.y += lineH
	}
}

func (d *pdfTable) rowHeight(p domain.Part, row domain.Row) float64 {
	lines := 1
	d.pdf.SetFont("go", "", fontSize)
	for i, l := range row.Labels {
		if i < p.Labels {
			lines = max(lines, len(d.pdf.SplitText(l, d.widths[i]-1.5)))
		}
	}
	return float64(lines)*lineH + 0.6
}

func (d *pdfTable) row(p domain.Part, row domain.Row, h float64) {
	style := ""
	if row.Kind != domain.RowItem {
		style = "B"
	}
	if row.Kind == domain.RowTotal {
		d.box(d.x(0), d.y, d.span(0, p.Labels), h, row.Labels[len(row.Labels)-1], "L", style, false)
	} else {
		for i, l := range row.Labels {
			d.box(d.x(i), d.y, d.widths[i], h, l, "L", style, false)
		}
	}
	if row.Kind == domain.RowGroup {
		d.box(d.x(p.Labels), d.y, d.span(p.Labels, p.Cols-p.Labels), h, "", "", "", false)
	}
	for i, c := range row.Cells {
		s := ""
		if !c.Blank {
			s = strconv.Itoa(c.N)
		}
		d.box(d.x(p.Labels+i), d.y, d.widths[p.Labels+i], h, s, "R", style, false)
	}
	d.y += h
}
