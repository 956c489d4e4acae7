package domain

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseMonth(t *testing.T) {
	for _, tc := range []struct {
		in, key, label, err string
	}{
		{in: "2026-11", key: "2026-11", label: "NOVEMBER 2026"},
		{in: "2028-02", key: "2028-02", label: "FEBRUARI 2028"},
		{in: "2026-13", err: "bulan ditulis 01 sampai 12"},
		{in: "2026-00", err: "bulan ditulis 01 sampai 12"},
		{in: "2026-1", err: "seperti 2026-11"},
		{in: "26-11-01", err: "seperti 2026-11"},
		{in: "+026-11", err: "seperti 2026-11"},
		{in: "2026--1", err: "seperti 2026-11"},
		{in: "1999-12", err: "di luar jangkauan"},
		{in: "", err: "seperti 2026-11"},
		{in: "2026-11\r\n", err: "seperti 2026-11"},
	} {
		p, err := ParseMonth(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseMonth(%q) = %v, want error with %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || p.Key() != tc.key || p.Label() != tc.label || p.Quarter {
			t.Errorf("ParseMonth(%q) = %+v %q, %v", tc.in, p, p.Label(), err)
		}
	}
	feb, _ := ParseMonth("2028-02")
	if feb.End != time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC) || feb.Previous().Key() != "2028-01" {
		t.Fatalf("February 2028 = %v, previous %s", feb.End, feb.Previous().Key())
	}
}

func TestQuarters(t *testing.T) {
	for _, tc := range []struct{ key, start, end, label, prev string }{
		{"2026-T4", "2026-10-01", "2026-12-31", "TRIWULAN IV 2026", "2026-T3"},
		{"2027-T1", "2027-01-01", "2027-03-31", "TRIWULAN I 2027", "2026-T4"},
	} {
		q, err := ParsePeriod(tc.key)
		if err != nil || !q.Quarter || q.Start.Format("2006-01-02") != tc.start || q.End.Format("2006-01-02") != tc.end ||
			q.Label() != tc.label || q.Previous().Key() != tc.prev || q.Key() != tc.key {
			t.Errorf("ParsePeriod(%q) = %+v %q %q, %v", tc.key, q, q.Label(), q.Previous().Key(), err)
		}
	}
	for _, bad := range []string{"2026-T5", "2026-T0", "2026-TX"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
	// A quarterly table belongs to the report of its quarter's last month only.
	s := DefaultReportSettings
	for m, want := range map[string]bool{"2026-10": false, "2026-11": false, "2026-12": true, "2027-03": true} {
		p, _ := ParseMonth(m)
		q, ok := s.PeriodOf(TableIII3, p)
		if ok != want || !q.Quarter {
			t.Errorf("III/3 in %s: %v %v", m, q.Key(), ok)
		}
		if mp, ok := s.PeriodOf(TableIII2, p); !ok || mp != p {
			t.Errorf("III/2 in %s: %v %v", m, mp.Key(), ok)
		}
	}
}

func TestParseQuarterly(t *testing.T) {
	got, err := ParseQuarterly(" iii/3, III/6,III/3 ")
	if err != nil || !reflect.DeepEqual(got, []string{"III/3", "III/6"}) {
		t.Fatalf("ParseQuarterly = %v, %v", got, err)
	}
	if got, err := ParseQuarterly("-"); err != nil || len(got) != 0 {
		t.Fatalf("ParseQuarterly(-) = %v, %v", got, err)
	}
	if _, err := ParseQuarterly("III/9"); err == nil || !strings.Contains(err.Error(), "tidak dikenal") {
		t.Fatalf("ParseQuarterly(III/9) = %v", err)
	}
}

// TestBornByAgreesWithAgeOn: the birth-date cut-offs the database compares with say the same as the
// age in completed years, on every day of a leap and an ordinary year, for births around the
// birthday and on 29 February.
func TestBornByAgreesWithAgeOn(t *testing.T) {
	for on := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC); on.Year() < 2029; on = on.AddDate(0, 0, 1) {
		for _, years := range []int{15, 20, 55} {
			cut := BornBy(on, years)
			for _, b := range []time.Time{cut.AddDate(0, 0, -1), cut, cut.AddDate(0, 0, 1), cut.AddDate(0, 0, 2),
				time.Date(on.Year()-years, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(on.Year()-years, 2, 28, 0, 0, 0, 0, time.UTC)} {
				if old := AgeOn(b, on) >= years; old != !b.After(cut) {
					t.Fatalf("on %s born %s: AgeOn %d, cut-off for %d is %s", on.Format("2006-01-02"), b.Format("2006-01-02"), AgeOn(b, on), years, cut.Format("2006-01-02"))
				}
			}
		}
	}
	if AgeGroupOf(14) != -1 || AgeGroupOf(15) != 0 || AgeGroupOf(19) != 0 || AgeGroupOf(20) != 1 || AgeGroupOf(54) != 3 || AgeGroupOf(55) != 4 || AgeGroupOf(99) != 4 {
		t.Fatal("age groups")
	}
}

// TestGradCutoffsAgreeWithGradGroupOf: the years the database compares as text put every year in
// the group GradGroupOf gives.
func TestGradCutoffsAgreeWithGradGroupOf(t *testing.T) {
	for _, report := range []int{2026, 2027} {
		cut := GradCutoffs(report)
		for y := 1950; y <= 2030; y++ {
			s := strconv.Itoa(y)
			group := 2
			if s >= cut[0] {
				group = 0
			} else if s >= cut[1] {
				group = 1
			}
			if g := GradGroupOf(s, report); g != group {
				t.Fatalf("graduated %s, report %d: %d by the cut-offs, %d by the rule", s, report, group, g)
			}
		}
	}
	for _, none := range []string{"", "abc", "99"} {
		if GradGroupOf(none, 2026) != 2 {
			t.Fatalf("no year %q is not 6+", none)
		}
	}
	if GradGroupOf("2024", 2026) != 0 || GradGroupOf("2023", 2026) != 1 || GradGroupOf("2021", 2026) != 1 || GradGroupOf("2020", 2026) != 2 {
		t.Fatal("0-2, 3-5, 6+")
	}
}

func TestFigureRoundTrip(t *testing.T) {
	nov, _ := ParseMonth("2026-11")
	q, _ := ParsePeriod("2026-T4")
	for _, f := range []Figure{
		NewFigure(nov, MeasureStart, MeasureRegistered),
		{Kind: FigureSeekers, Period: nov, Measures: []string{MeasureEnd}, Sex: "P", Age: 4, Grad: -1},
		{Kind: FigureSeekers, Period: q, Measures: []string{MeasurePlaced}, Age: -1, Levels: []string{"SMA", "SMK"}, Code: "-", KBJI: "0", Grad: 2},
		{Kind: FigureSeekers, Period: nov, Measures: []string{MeasurePlaced}, Age: -1, Grad: -1, Type: PlacementAKAN, Employer: "2", Levels: []string{"-"}},
		{Kind: FigureVacancies, Period: q, Measures: []string{MeasureRemoved}, Age: -1, Grad: -1, KBLI: "I", Code: "6501"},
	} {
		v, _ := url.ParseQuery(f.Query())
		got, err := ParseFigure(v)
		if err != nil || !reflect.DeepEqual(got, f) {
			t.Errorf("%s: %+v, %v; want %+v", f.Query(), got, err, f)
		}
		if f.Describe() == "" {
			t.Error("no description")
		}
	}
	f := Figure{Kind: FigureSeekers, Period: nov, Measures: []string{MeasureStart, MeasureRegistered}, Sex: "L", Age: 1, Grad: -1}
	if d := f.Describe(); d != "Pencari kerja yang belum ditempatkan pada akhir bulan lalu atau terdaftar pada bulan ini · laki-laki · umur 20-29 tahun (November 2026)" {
		t.Fatalf("Describe = %q", d)
	}
	for _, bad := range []string{"periode=2026-11", "periode=2026-11&m=x", "periode=2026-11&m=awal&m=awal", "periode=2026-11&m=awal&jk=X",
		"periode=2026-11&m=awal&umur=5", "periode=2026-11&m=awal&tk=SLTA", "periode=2026-11&m=awal&kode=12a4", "periode=2026-11&m=awal&kbji=11",
		"periode=2026-11&m=awal&ak=AKL", "periode=2026-11&m=tempat&ak=AKX", "periode=2026-11&m=awal&jk=L&jk=P", "periode=2026-13&m=awal",
		"periode=2026-11&m=awal&jenis=lain", "periode=2026-11&m=tempat&pemberi=pt"} {
		v, _ := url.ParseQuery(bad)
		if _, err := ParseFigure(v); err == nil || !strings.Contains(err.Error(), "tidak") {
			t.Errorf("ParseFigure(%s) = %v", bad, err)
		}
	}
}

// FuzzParseFigure: no address crashes the people page, and what it accepts round-trips.
func FuzzParseFigure(f *testing.F) {
	f.Add("periode=2026-11&m=awal&m=daftar&jk=L&umur=1")
	f.Add("periode=2026-T4&m=tempat&tk=SMA&tk=SMK&kode=-&ak=AKL&pemberi=swasta&lulus=2")
	f.Add("jenis=lowongan&periode=2027-01&m=akhir&kbli=I&kbji=-")
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		fig, err := ParseFigure(v)
		if err != nil {
			return
		}
		_ = fig.Describe()
		v2, _ := url.ParseQuery(fig.Query())
		again, err := ParseFigure(v2)
		if err != nil || !reflect.DeepEqual(again, fig) {
			t.Fatalf("%q: %+v then %+v, %v", q, fig, again, err)
		}
	})
}

// TestHeadersCoverTheGrid: every table's header block covers each cell of its grid exactly once,
// the column numbers match the columns, and every row has a figure for every figure column.
func TestHeadersCoverTheGrid(t *testing.T) {
	nov, _ := ParseMonth("2026-11")
	counts := []Count{{Sex: "L", Age: 1, EduLevel: "SMA", EduCode: "3801", KBJI: "5", Grad: 0, N: [5]int{2, 1, 1, 0, 2}},
		{Sex: "P", Age: -1, EduLevel: "S3", KBJI: "", Grad: 2, N: [5]int{0, 1, 0, 0, 1}}}
	vac := []Count{{Sex: "", EduLevel: "SMK", EduCode: "3404", KBJI: "5", KBLI: "I", N: [5]int{0, 3, 0, 0, 3}}}
	tables := []Table{BuildIII1(nov, counts, nil), BuildIII1(nov, counts, vac), BuildIII2(nov, counts), BuildIII3(nov, counts), BuildIII4(nov, vac),
		BuildIII4(nov, nil), BuildIII5(nov, vac), BuildIII6(nov, vac), BuildIII7(nov, counts),
		BuildIII8(nov, []PlacementCount{{Sex: "L", EduLevel: "SMA", Type: "AKL", Employer: "4", N: 1}})}
	for _, tb := range tables {
		for pi, part := range tb.Parts {
			grid := make([][]int, part.HeadRows)
			for i := range grid {
				grid[i] = make([]int, part.Cols)
			}
			for _, h := range part.Head {
				for r := h.Row; r < h.Row+h.RowSpan; r++ {
					for c := h.Col; c < h.Col+h.ColSpan; c++ {
						grid[r][c]++
					}
				}
			}
			for r := range grid {
				for c, n := range grid[r] {
					if n != 1 {
						t.Errorf("%s part %d: header cell (%d, %d) covered %d times", tb.ID, pi, r, c, n)
					}
				}
			}
			if part.Numbers != nil && len(part.Numbers) != part.Cols {
				t.Errorf("%s part %d: %d column numbers for %d columns", tb.ID, pi, len(part.Numbers), part.Cols)
			}
			for _, row := range part.Rows {
				if len(row.Labels) != part.Labels || (row.Kind != RowGroup && len(row.Cells) != part.Cols-part.Labels) {
					t.Errorf("%s part %d row %v: %d labels, %d figures", tb.ID, pi, row.Labels, len(row.Labels), len(row.Cells))
				}
			}
		}
	}
	// III/2 lists a code's row under its heading and a level without a code under the level's heading.
	var rows []string
	for _, r := range tables[2].Parts[0].Rows {
		rows = append(rows, r.Labels[0])
	}
	if got := strings.Join(rows, " "); got != "1000 2000 3000 3801 4000 4200 5000 6000 7000 8000 10000 " {
		t.Fatalf("III/2 rows: %s", got)
	}
	// Without vacancies recorded, vacancy figures are empty, not zero.
	if c := tables[5].Parts[0].Rows[len(tables[5].Parts[0].Rows)-1].Cells[0]; !c.Blank {
		t.Fatal("III/4 without vacancies shows a number")
	}
	if c := tables[1].Parts[1].Rows[1].Cells; c[0].N != 0 || c[1].N != 0 || c[2].N != 3 {
		t.Fatalf("III/1 part II with places for either sex: %+v", c)
	}
}
