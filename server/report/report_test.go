package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// fixedCounter gives the report known counts: November 2026 with a few job seekers, placements
// and, when vacancies is set, vacancies.
type fixedCounter struct{ vacancies bool }

func (fixedCounter) SeekerCounts(domain.Period) ([]domain.Count, error) {
	return []domain.Count{{Sex: "L", Age: 0, EduLevel: "SMK", EduCode: "3404", KBJI: "5", Grad: 0, N: [5]int{3, 2, 1, 0, 4}},
		{Sex: "P", Age: 1, EduLevel: "S1", EduCode: "6501", KBJI: "2", Grad: 1, N: [5]int{5, 4, 2, 1, 6}},
		{Sex: "P", Age: 4, EduLevel: "S1", EduCode: "6501", KBJI: "2", Grad: 1, N: [5]int{1, 0, 0, 1, 0}}}, nil
}

func (fixedCounter) PlacementCounts(domain.Period) ([]domain.PlacementCount, error) {
	return []domain.PlacementCount{{Sex: "L", EduLevel: "SMK", Type: "AKL", Employer: "4", N: 1},
		{Sex: "P", EduLevel: "S1", Type: "AKAN", Employer: "2", N: 2}}, nil
}

func (c fixedCounter) VacancyCounts(domain.Period) ([]domain.Count, error) {
	if !c.vacancies {
		return nil, nil
	}
	return []domain.Count{{Sex: "L", EduCode: "3404", EduLevel: "SMK", KBJI: "5", KBLI: "I", N: [5]int{2, 3, 1, 1, 3}},
		{Sex: "", EduLevel: "", KBJI: "9", KBLI: "F", N: [5]int{0, 4, 0, 0, 4}}}, nil
}

func sampleReport(t *testing.T, month string, approved bool) *domain.IPKReport {
	t.Helper()
	m, err := domain.ParseMonth(month)
	if err != nil {
		t.Fatal(err)
	}
	r, err := domain.BuildReport(m, domain.DefaultReportSettings, fixedCounter{vacancies: true})
	if err != nil {
		t.Fatal(err)
	}
	r.Computed = time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)
	r.MadeBy, r.MadeAt = "Ni Luh Petugas", time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	if approved {
		r.State, r.Approver, r.ApprovedAt = domain.ReportApproved, "I Made Kasi, NIP 197001011995031001", time.Date(2026, 12, 2, 3, 4, 0, 0, time.UTC)
	}
	return r
}

// xlsxDump is a workbook as openpyxl reads it.
type xlsxDump struct {
	Sheets []string
	Cells  map[string]map[string]any  // sheet → cell → value
	Merged map[string][]string        // sheet → ranges
	Bold   map[string]map[string]bool // sheet → cells in bold
	Setup  map[string]map[string]any  // sheet → orientation, paper size
}

// readXLSX reads a workbook with Debian's python3-openpyxl: a reader that did not write it.
func readXLSX(t *testing.T, data []byte) xlsxDump {
	t.Helper()
	path := filepath.Join(t.TempDir(), "laporan.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	const script = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"Sheets": wb.sheetnames, "Cells": {}, "Merged": {}, "Bold": {}, "Setup": {}}
for ws in wb.worksheets:
    cells, bold = {}, {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                cells[c.coordinate] = c.value
                if c.font is not None and c.font.b:
                    bold[c.coordinate] = True
    out["Cells"][ws.title] = cells
    out["Bold"][ws.title] = bold
    out["Merged"][ws.title] = sorted(str(r) for r in ws.merged_cells.ranges)
    out["Setup"][ws.title] = {"orientation": ws.page_setup.orientation, "paper": int(ws.page_setup.paperSize or 0)}
json.dump(out, sys.stdout)
`
	cmd := exec.Command("/usr/bin/python3", "-c", script, path)
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("openpyxl could not read the workbook: %v (install python3-openpyxl: bash .ci/deps.sh)", err)
	}
	var d xlsxDump
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// findRow returns the sheet row (from 1) at or after from whose first cells hold the labels.
func findRow(cells map[string]any, labels []string, from int) int {
	for r := from; r < from+2000; r++ {
		ok := true
		for i, l := range labels {
			v, _ := cells[cellName(1+i, r)].(string)
			if v != l && !(l == "" && v == "") {
				ok = false
				break
			}
		}
		if ok {
			return r
		}
	}
	return 0
}

// TestIPKXLSXReadByOpenpyxl: the workbook opens in openpyxl with one sheet per table, the official
// merged headers, every figure where it belongs (blank where there is nothing to count), bold
// JUMLAH rows, A4 landscape, and the approval under every table.
func TestIPKXLSXReadByOpenpyxl(t *testing.T) {
	r := sampleReport(t, "2026-12", true)
	data, err := IPKXLSX(r)
	if err != nil {
		t.Fatal(err)
	}
	d := readXLSX(t, data)
	if want := []string{"III-1", "III-2", "III-3", "III-4", "III-5", "III-6", "III-7", "III-8"}; !reflect.DeepEqual(d.Sheets, want) {
		t.Fatalf("sheets = %v", d.Sheets)
	}
	s1 := d.Cells["III-1"]
	if s1["A1"] != domain.Office || s1["A2"] != "IPK III/1 : IKHTISAR STATISTIK IPK" || s1["A4"] != "BULAN DESEMBER 2026" {
		t.Fatalf("III/1 title block: %v %v %v", s1["A1"], s1["A2"], s1["A4"])
	}
	// Part I's header: I. PENCARI KERJA over three rows, KELOMPOK UMUR over ten columns, each age group
	// over its L and P, JUMLAH over two rows and three columns.
	head := findRow(s1, []string{"I. PENCARI KERJA", "KELOMPOK UMUR"}, 1)
	for _, m := range []string{fmt.Sprintf("A%d:A%d", head, head+2), fmt.Sprintf("B%d:K%d", head, head), fmt.Sprintf("L%d:N%d", head, head+1),
		fmt.Sprintf("B%d:C%d", head+1, head+1), fmt.Sprintf("J%d:K%d", head+1, head+1)} {
		if !contains(d.Merged["III-1"], m) {
			t.Errorf("III-1: %s not merged (merged: %v)", m, d.Merged["III-1"])
		}
	}
	if s1[cellName(2, head+1)] != "15-19" || s1[cellName(14, head+2)] != "L+P" || s1[cellName(14, head+3)] != "14" {
		t.Errorf("III-1 header rows: %v %v %v", s1[cellName(2, head+1)], s1[cellName(14, head+2)], s1[cellName(14, head+3)])
	}
	checkFigures(t, r, d)
	// III/2's header: KODE and JENIS PENDIDIKAN over two rows, each measure over L and P.
	s2 := d.Cells["III-2"]
	h2 := findRow(s2, []string{"KODE", "JENIS PENDIDIKAN"}, 1)
	for _, m := range []string{fmt.Sprintf("A%d:A%d", h2, h2+1), fmt.Sprintf("C%d:D%d", h2, h2), fmt.Sprintf("K%d:L%d", h2, h2)} {
		if !contains(d.Merged["III-2"], m) {
			t.Errorf("III-2: %s not merged", m)
		}
	}
	if s2[cellName(3, h2)] != "SISA AKHIR BULAN LALU" || d.Cells["III-3"][cellName(3, findRow(d.Cells["III-3"], []string{"KODE"}, 1))] != "SISA AKHIR TRIWULAN LALU" {
		t.Error("measure headers do not name the period")
	}
	// Rendering again gives the same bytes: a stored export can be compared with a new one.
	again, _ := IPKXLSX(r)
	if !bytes.Equal(again, data) {
		t.Error("two renders of one report differ")
	}
}

// checkFigures finds every row of every table in the workbook read back and checks each figure
// (blank where the table has none), the bold and merged JUMLAH rows, the merged group headings,
// A4 landscape, and the maker and approver under each table.
func checkFigures(t *testing.T, r *domain.IPKReport, d xlsxDump) {
	t.Helper()
	for _, tb := range r.Tables {
		sheet := SheetName(tb.ID)
		cells := d.Cells[sheet]
		at := 1
		for _, p := range tb.Parts {
			for _, row := range p.Rows {
				labels := row.Labels
				if row.Kind == domain.RowTotal {
					labels = []string{row.Labels[len(row.Labels)-1]}
				}
				n := findRow(cells, labels, at)
				if n == 0 {
					t.Fatalf("%s: row %v not found after row %d", sheet, row.Labels, at)
				}
				at = n + 1
				if row.Kind == domain.RowTotal && !d.Bold[sheet][cellName(1, n)] {
					t.Errorf("%s row %d (%v) is not bold", sheet, n, row.Labels)
				}
				if row.Kind == domain.RowTotal && p.Labels == 2 && !contains(d.Merged[sheet], fmt.Sprintf("A%d:B%d", n, n)) {
					t.Errorf("%s JUMLAH row %d: code and label not merged", sheet, n)
				}
				if row.Kind == domain.RowGroup && !contains(d.Merged[sheet], fmt.Sprintf("%s:%s", cellName(1+p.Labels, n), cellName(p.Cols, n))) {
					t.Errorf("%s group row %v: figures not merged", sheet, row.Labels)
				}
				for i, c := range row.Cells {
					got, present := cells[cellName(1+p.Labels+i, n)]
					switch {
					case c.Blank && present:
						t.Errorf("%s %v col %d: blank figure holds %v", sheet, row.Labels, i, got)
					case !c.Blank && got != float64(c.N):
						t.Errorf("%s %v col %d = %v, want %d", sheet, row.Labels, i, got, c.N)
					}
				}
			}
		}
		if st := d.Setup[sheet]; st["orientation"] != "landscape" || st["paper"] != float64(9) {
			t.Errorf("%s page setup %v, want A4 landscape", sheet, st)
		}
		if findRow(cells, []string{"Dibuat oleh:"}, at) == 0 || !anyValue(cells, r.Approver) {
			t.Errorf("%s: no maker or approver under the table", sheet)
		}
	}
}

func anyValue(cells map[string]any, s string) bool {
	for _, v := range cells {
		if v == s {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestIPKPDF: A4 landscape pages with every table's title, the approval and the approver on the
// approved report, the draft warning on one not approved, and the same bytes on every render.
func TestIPKPDF(t *testing.T) {
	dir := t.TempDir()
	for _, approved := range []bool{true, false} {
		r := sampleReport(t, "2026-11", approved)
		data, err := IPKPDF(r)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := IPKPDF(r); !bytes.Equal(again, data) {
			t.Error("two renders of one report differ")
		}
		path := filepath.Join(dir, "laporan.pdf")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		info, err := exec.Command("pdfinfo", path).Output()
		if err != nil {
			t.Fatalf("pdfinfo: %v (install poppler-utils: bash .ci/deps.sh)", err)
		}
		if !strings.Contains(string(info), "841.89 x 595.28 pts (A4)") {
			t.Fatalf("page size: %s", info)
		}
		text, err := exec.Command("pdftotext", "-layout", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range r.Tables {
			if !strings.Contains(string(text), tb.Title[0]) {
				t.Errorf("no title %q", tb.Title[0])
			}
		}
		for _, want := range []string{domain.Office, "BULAN NOVEMBER 2026", "A. JUMLAH (1+2)", "Tabel III/3 dihitung per triwulan"} {
			if !strings.Contains(string(text), want) {
				t.Errorf("approved=%v: no %q", approved, want)
			}
		}
		if approved != strings.Contains(string(text), "Disetujui oleh Kasi Informasi Pasar Kerja") || approved != strings.Contains(string(text), "I Made Kasi, NIP 197001011995031001") {
			t.Errorf("approved=%v: approval text wrong", approved)
		}
		if approved == strings.Contains(string(text), "KONSEP, BELUM DISETUJUI KASI IPK") {
			t.Errorf("approved=%v: draft warning wrong", approved)
		}
	}
}

// TestRegisterXLSX: a register's workbook opens in openpyxl with its title, what it covers, the bold
// header row and every row; A4 landscape.
func TestRegisterXLSX(t *testing.T) {
	reg := &domain.Register{Title: "BUKU AGENDA PENCARI KERJA", Lines: []string{"Tanggal 1 November 2026 s/d 30 November 2026"},
		Columns: []string{"Tingkat", "No. agenda", "Nama"}, Rows: [][]string{{"SMA", "1/2026", "I Wayan Sudarma"}, {"SMK", "1/2026", "Ni Luh Ayu"}}}
	data, err := RegisterXLSX(reg, time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	d := readXLSX(t, data)
	c := d.Cells["Register"]
	if c["A1"] != domain.Office || c["A2"] != reg.Title || c["A3"] != reg.Lines[0] {
		t.Fatalf("heading: %v %v %v", c["A1"], c["A2"], c["A3"])
	}
	h := findRow(c, reg.Columns, 1)
	if h == 0 || !d.Bold["Register"][cellName(1, h)] {
		t.Fatalf("header row %d not found or not bold", h)
	}
	for i, row := range reg.Rows {
		if findRow(c, row, h+1) != h+1+i {
			t.Errorf("row %v not at %d", row, h+1+i)
		}
	}
	if st := d.Setup["Register"]; st["orientation"] != "landscape" || st["paper"] != float64(9) {
		t.Errorf("page setup %v", st)
	}
}

// TestIPKXLSXFromDatabase: the report of a month counted from a real database, rendered and read
// back by openpyxl, holds in every cell the figure the report counted.
func TestIPKXLSXFromDatabase(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 10, 1, 0, 0, 0, time.UTC)
	db, err := storage.Open(ctx, t.TempDir(), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	petugas, _ := db.CreateUser(ctx, domain.Officer{Username: "petugas", FullName: "Ni Luh Petugas", Role: domain.RolePetugas}, "x")
	pengantar, _ := db.CreateUser(ctx, domain.Officer{Username: "pengantar", FullName: "I Made Pengantar", NIP: "198001012010011001", Role: domain.RolePengantar}, "x")
	people := []struct {
		nik, sex, birth, level, code, year, kbji string
	}{
		{"5171030708010001", "L", "2001-08-07", "SMA", "3801", "2019", "5"},
		{"5171034708010002", "P", "2001-08-07", "SMK", "3404", "2024", "4"},
		{"5171030101700003", "L", "1970-01-01", "S1", "6501", "1995", "2"},
		{"5171035505050004", "P", "2005-05-15", "Tidak tamat SD", "1101", "", "9"},
	}
	var cards []int64
	for i, p := range people {
		now = now.Add(time.Duration(i) * 24 * time.Hour)
		f := &domain.Form{NIK: p.nik, FullName: fmt.Sprintf("Pencaker %d", i+1), BirthDay: p.birth[8:], BirthMonth: p.birth[5:7], BirthYear: p.birth[:4],
			Sex: p.sex, EduLevel: p.level, EduCode: p.code, EduYear: p.year, DesiredKBJI: p.kbji}
		app, err := db.SubmitApplication(ctx, f, "kiosk", "kiosk", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetDocuments(ctx, app.ID, petugas, []string{"ktp", "foto", "ijazah"}); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePhoto(ctx, app.ID, petugas, []byte{0xff, 0xd8, 0xff}); err != nil {
			t.Fatal(err)
		}
		a, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern})
		if err != nil {
			t.Fatal(err)
		}
		cards = append(cards, a.CardID)
	}
	if err := db.RecordPlacement(ctx, cards[1], petugas, 0, &domain.Placement{Employer: "PT Uji", Sector: "I", EmployerType: "4", Position: "Staf",
		KBJI: "4", StartDay: "20", StartMonth: "11", StartYear: "2026", Location: "luarnegeri", Place: "Jepang"}); err != nil {
		t.Fatal(err)
	}
	if err := db.CancelCard(ctx, cards[2], petugas, "pindah"); err != nil {
		t.Fatal(err)
	}
	nov, _ := domain.ParseMonth("2026-11")
	r, err := db.ComputeIPK(ctx, nov, domain.ReportSettings{Quarterly: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	r.State, r.MadeBy, r.MadeAt, r.Approver, r.ApprovedAt = domain.ReportApproved, "Ni Luh Petugas", now, "I Made Kasi, NIP 197001011995031001", now
	if got := r.Table(domain.TableIII1).Parts[0].Rows[1].Cells[12].N; got != 4 {
		t.Fatalf("registered %d", got)
	}
	if got := r.Table(domain.TableIII8).Parts[0].Rows[3].Cells[7].N; got != 1 { // SLTA, AKAN, P
		t.Fatalf("III/8 SLTA AKAN P = %d", got)
	}
	data, err := IPKXLSX(r)
	if err != nil {
		t.Fatal(err)
	}
	d := readXLSX(t, data)
	if len(d.Sheets) != 8 {
		t.Fatalf("sheets %v", d.Sheets)
	}
	checkFigures(t, r, d)
}
