package storage_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// A person of the generated histories: who registers and what the report counts them by.
type ipkPerson struct {
	sex, birth, level, code, year, kbji string
}

var ipkEducations = []struct{ level, code, year string }{
	{"SMA", "3801", "2015"}, {"SMK", "3404", "2024"}, {"S1", "6501", "2023"}, {"D3", "5401", "2020"},
	{"Tidak tamat SD", "1101", ""}, {"S3", "", "2010"}, {"SMA", "", "2021"}, {"SD", "1102", "1990"}, {"D4", "8219", "2026"},
}

// ipkForm is a Daftar Isian of the person; serial makes the NIK unique.
func ipkForm(serial int, p ipkPerson) *domain.Form {
	f := testForm(serial)
	f.Sex, f.BirthYear, f.BirthMonth, f.BirthDay = p.sex, p.birth[:4], p.birth[5:7], p.birth[8:]
	day, _ := strconv.Atoi(p.birth[8:])
	if p.sex == "P" {
		day += 40 // a woman's NIK adds 40 to the day of birth
	}
	f.NIK = fmt.Sprintf("517103%02d%s%s%04d", day, p.birth[5:7], p.birth[2:4], serial)
	f.EduLevel, f.EduCode, f.EduYear, f.DesiredKBJI = p.level, p.code, p.year, p.kbji
	return f
}

// registerAt approves a new application of the person on the clock's day and returns its card.
func registerAt(t *testing.T, db *storage.DB, serial int, p ipkPerson, officer, pengantar int64) *storage.CardRecord {
	t.Helper()
	app := submit(t, db, ipkForm(serial, p))
	readyToApprove(t, db, app.ID, officer)
	got, err := db.Approve(context.Background(), storage.Approval{ApplicationID: app.ID, UserID: officer, PengantarID: pengantar,
		Pattern: domain.DefaultRegNoPattern})
	if err != nil {
		t.Fatalf("Approve: %v", err)
	}
	c, err := db.Card(context.Background(), got.CardID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func randomPerson(rng *rand.Rand) ipkPerson {
	// Birthdays cluster on month ends and 29 February, where completed years turn.
	years := []int{1958, 1966, 1971, 1981, 1992, 1996, 2000, 2001, 2006, 2007, 2008, 2013}
	days := []string{"01-31", "02-28", "02-29", "03-01", "06-30", "07-01", "11-30", "12-01", "12-31", "08-15"}
	y := years[rng.Intn(len(years))]
	d := days[rng.Intn(len(days))]
	if d == "02-29" && y%4 != 0 {
		d = "02-28"
	}
	e := ipkEducations[rng.Intn(len(ipkEducations))]
	return ipkPerson{sex: []string{"L", "P"}[rng.Intn(2)], birth: fmt.Sprintf("%d-%s", y, d), level: e.level, code: e.code, year: e.year,
		kbji: strconv.Itoa(rng.Intn(10))}
}

func randomPlacement(rng *rand.Rand, today time.Time) *domain.Placement {
	loc := []string{"lokal", "antardaerah", "luarnegeri"}[rng.Intn(3)]
	return &domain.Placement{Employer: "PT Contoh", Sector: "I", EmployerType: domain.EmployerTypes[rng.Intn(len(domain.EmployerTypes))].Value,
		Position: "Staf", KBJI: "5", StartDay: strconv.Itoa(today.Day()), StartMonth: strconv.Itoa(int(today.Month())),
		StartYear: strconv.Itoa(today.Year()), Location: loc, Place: "Jepang"}
}

// generateHistory registers, reports, places, cancels, renews and lets cards lapse over the days
// from first to last, at random with a fixed seed, as the desk and the kiosk would.
func generateHistory(t *testing.T, db *storage.DB, clock *fakeClock, first, last time.Time, seed int64) {
	t.Helper()
	ctx := context.Background()
	officer := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	rng := rand.New(rand.NewSource(seed))
	var cards []int64
	serial := 0
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		clock.Set(officeMorning(d.Year(), d.Month(), d.Day()))
		if _, err := db.SweepLapsed(ctx); err != nil {
			t.Fatal(err)
		}
		for n := rng.Intn(3); n > 0; n-- {
			serial++
			cards = append(cards, registerAt(t, db, serial, randomPerson(rng), officer, pengantar).ID)
		}
		for _, id := range cards {
			var err error
			switch r := rng.Intn(200); {
			case r < 2:
				err = db.RecordPlacement(ctx, id, officer, 0, randomPlacement(rng, d))
			case r < 3:
				err = db.CancelCard(ctx, id, officer, "tidak lagi mencari kerja")
			case r < 10:
				_, err = db.RecordReport(ctx, id, officer, 0)
			case r < 11:
				var appID int64
				appID, err = db.StartRenewal(ctx, id, officer, 0, "1")
				if err == nil {
					readyToApprove(t, db, appID, officer)
					var a *storage.Approved
					a, err = db.Approve(ctx, storage.Approval{ApplicationID: appID, UserID: officer, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern})
					if err == nil {
						cards = append(cards, a.CardID)
					}
				}
			}
			var re *domain.RuleError
			if err != nil && !errors.As(err, &re) && !errors.Is(err, storage.ErrRenewalOpen) && !errors.Is(err, domain.ErrAlreadyOpen) {
				t.Fatalf("%s card %d: %v", d.Format("2006-01-02"), id, err)
			}
		}
	}
}

// ipkCell reads a figure of a table: part, row, column among the figures.
func ipkCell(t *testing.T, tb *domain.Table, part, row, col int) int {
	t.Helper()
	c := tb.Parts[part].Rows[row].Cells[col]
	if c.Blank {
		t.Fatalf("%s part %d row %d col %d is blank", tb.ID, part, row, col)
	}
	return c.N
}

// checkMeasureRows checks end = start + registered − placed − removed on every row and sex of a
// five-measure table (III/2–III/6: 2 sexes; III/7: 3 graduation groups per measure).
func checkMeasureRows(t *testing.T, tb *domain.Table, width int) {
	t.Helper()
	for _, part := range tb.Parts {
		for _, r := range part.Rows {
			if r.Kind == domain.RowGroup {
				continue
			}
			for k := 0; k < width; k++ {
				v := func(m int) int { return r.Cells[m*width+k].N }
				if v(4) != v(0)+v(1)-v(2)-v(3) || v(4) < 0 {
					t.Errorf("%s %s %v col %d: end %d != %d + %d - %d - %d", tb.ID, tb.Period.Key(), r.Labels, k, v(4), v(0), v(1), v(2), v(3))
				}
			}
		}
	}
}

// checkIII1 checks III/1 part I on every column: A = 1+2, B = 3+4, 5 = A − B.
func checkIII1(t *testing.T, tb *domain.Table) {
	t.Helper()
	for col := range tb.Parts[0].Rows[0].Cells {
		v := func(row int) int { return ipkCell(t, tb, 0, row, col) }
		if v(2) != v(0)+v(1) || v(5) != v(3)+v(4) || v(6) != v(2)-v(5) {
			t.Errorf("III/1 %s col %d: rows %d %d %d %d %d %d %d", tb.Period.Key(), col, v(0), v(1), v(2), v(3), v(4), v(5), v(6))
		}
	}
}

// expectedIII1 counts III/1 part I from the raw card events and the applications, without the
// ledger: per sex and age group (index len(AgeGroups) for under 15), the five measures.
func expectedIII1(t *testing.T, db *storage.DB, p domain.Period) map[[2]string][5]int {
	t.Helper()
	// Each registration's first counted end, from the events in the order they were recorded.
	events, err := db.RowsForTest(context.Background(), `SELECT application_id, ipk, on_day FROM card_events WHERE ipk != '' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type span struct{ reg, end, kind string }
	spans := map[string]*span{}
	for _, e := range events {
		s := spans[e[0]]
		switch {
		case e[1] == domain.IPKRegistered && s == nil:
			spans[e[0]] = &span{reg: e[2], end: "9999-12-31"}
		case e[1] != domain.IPKRegistered && s != nil && s.kind == "":
			s.end, s.kind = e[2], e[1]
		}
	}
	people, err := db.RowsForTest(context.Background(), `SELECT id, sex, birth_date FROM applications`)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, p := range people {
		if s := spans[p[0]]; s != nil {
			rows = append(rows, []string{p[1], p[2], s.reg, s.end, s.kind})
		}
	}
	out := map[[2]string][5]int{}
	s, e := p.Start.Format("2006-01-02"), p.End.Format("2006-01-02")
	for _, r := range rows {
		birth, _ := time.Parse("2006-01-02", r[1])
		reg, end, kind := r[2], r[3], r[4]
		if reg > e || end < s {
			continue
		}
		key := [2]string{r[0], strconv.Itoa(domain.AgeGroupOf(domain.AgeOn(birth, p.End)))}
		m := out[key]
		if reg < s {
			m[0]++
		} else {
			m[1]++
		}
		if end <= e && kind == domain.IPKPlaced {
			m[2]++
		}
		if end <= e && kind == domain.IPKRemoved {
			m[3]++
		}
		if end > e {
			m[4]++
		}
		out[key] = m
	}
	return out
}

// peopleOf lists the application ids a figure link counts.
func peopleOf(t *testing.T, db *storage.DB, link string) map[int64]bool {
	t.Helper()
	v, err := url.ParseQuery(link)
	if err != nil {
		t.Fatal(err)
	}
	f, err := domain.ParseFigure(v)
	if err != nil {
		t.Fatalf("%s: %v", link, err)
	}
	list, total, err := db.IPKPeople(context.Background(), f, 100000, 0)
	if err != nil || total != len(list) {
		t.Fatalf("IPKPeople(%s) = %d of %d, %v", link, len(list), total, err)
	}
	out := map[int64]bool{}
	for _, p := range list {
		out[p.ApplicationID] = true
	}
	return out
}

// TestIPKGeneratedHistory generates a year of registrations, reports, placements, cancellations,
// renewals and lapses and checks every month's report and every quarter's tables: the measures
// balance on every row and sex, a period starts where the last one ended, III/2's totals equal
// III/1's, III/8 counts the people III/1 counts as placed, the figures match a count made from the
// raw card events, and each figure's people list has as many people as the figure says.
func TestIPKGeneratedHistory(t *testing.T) {
	ctx := context.Background()
	clock := newClock(officeMorning(2025, 12, 1))
	db, _ := openDB(t, clock)
	generateHistory(t, db, clock, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 2, 3, 0, 0, 0, 0, time.UTC), 10)
	settings := domain.DefaultReportSettings
	var prev *domain.IPKReport
	var quarterStart *domain.Table
	counted := map[string]int{}
	for m := domain.MonthPeriod(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); m.Start.Before(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)); m = domain.MonthPeriod(m.End.AddDate(0, 0, 1)) {
		r, err := db.ComputeIPK(ctx, m, settings)
		if err != nil {
			t.Fatal(err)
		}
		i1, i2, i7, i8 := r.Table(domain.TableIII1), r.Table(domain.TableIII2), r.Table(domain.TableIII7), r.Table(domain.TableIII8)
		checkIII1(t, i1)
		checkMeasureRows(t, i2, 2)
		checkMeasureRows(t, i7, 3)
		if m.Start.Month()%3 == 1 {
			quarterStart = i1
		}
		// Row and column of III/1 part I for a measure's total by sex (0 L, 1 P, 2 L+P).
		rowOf := []int{0, 1, 3, 4, 6}
		total := func(measure, sex int) int { return ipkCell(t, i1, 0, rowOf[measure], 2*len(domain.AgeGroups)+sex) }
		last := len(i2.Parts[0].Rows) - 1
		for ms := range domain.Measures {
			for sex := 0; sex < 2; sex++ {
				if got := ipkCell(t, i2, 0, last, 2*ms+sex); got != total(ms, sex) {
					t.Errorf("%s III/2 JUMLAH measure %d sex %d = %d, III/1 %d", m.Key(), ms, sex, got, total(ms, sex))
				}
			}
			sum7 := 0
			for g := range domain.GradGroups {
				sum7 += ipkCell(t, i7, 0, len(i7.Parts[0].Rows)-1, 3*ms+g)
			}
			if sum7 != total(ms, 2) {
				t.Errorf("%s III/7 JUMLAH measure %d = %d, III/1 %d", m.Key(), ms, sum7, total(ms, 2))
			}
			counted[domain.Measures[ms]] += total(ms, 2)
		}
		// The raw events, counted without the ledger.
		want := expectedIII1(t, db, m)
		for sex, s := range []string{"L", "P"} {
			for g := 0; g <= len(domain.AgeGroups); g++ {
				key := [2]string{s, strconv.Itoa(g)}
				if g == len(domain.AgeGroups) {
					key[1] = "-1"
				}
				for ms := range domain.Measures {
					exp := want[key][ms]
					if g == len(domain.AgeGroups) { // under 15: only in the totals, checked through them below
						continue
					}
					if got := ipkCell(t, i1, 0, rowOf[ms], 2*g+sex); got != exp {
						t.Errorf("%s III/1 %s age %s measure %s = %d, from the events %d", m.Key(), s, domain.AgeGroups[g].Label, domain.Measures[ms], got, exp)
					}
				}
			}
			for ms := range domain.Measures {
				exp := 0
				for k, v := range want {
					if k[0] == s {
						exp += v[ms]
					}
				}
				if got := total(ms, sex); got != exp {
					t.Errorf("%s III/1 %s total measure %s = %d, from the events %d", m.Key(), s, domain.Measures[ms], got, exp)
				}
			}
		}
		// III/8: as many placements as III/1 row 3, and each of its figures counts people placed in III/1.
		placedL, placedP := peopleOf(t, db, i1.Parts[0].Rows[3].Cells[2*len(domain.AgeGroups)].Link), peopleOf(t, db, i1.Parts[0].Rows[3].Cells[2*len(domain.AgeGroups)+1].Link)
		for _, part := range i8.Parts {
			jumlah := part.Rows[len(part.Rows)-1].Cells
			if jumlah[9].N != total(2, 0) || jumlah[10].N != total(2, 1) || jumlah[11].N != total(2, 2) {
				t.Errorf("%s III/8 JUMLAH %d %d %d, III/1 placed %d %d %d", m.Key(), jumlah[9].N, jumlah[10].N, jumlah[11].N, total(2, 0), total(2, 1), total(2, 2))
			}
			for _, row := range part.Rows {
				for col, c := range row.Cells {
					if c.Blank || c.N == 0 {
						continue
					}
					people := peopleOf(t, db, c.Link)
					if len(people) != c.N {
						t.Errorf("%s III/8 %v col %d: %d people for %d", m.Key(), row.Labels, col, len(people), c.N)
					}
					for id := range people {
						if (col%3 == 0 && !placedL[id]) || (col%3 == 1 && !placedP[id]) || (!placedL[id] && !placedP[id]) {
							t.Errorf("%s III/8 %v col %d counts application %d, which III/1 does not count as placed", m.Key(), row.Labels, col, id)
						}
					}
				}
			}
		}
		// Every figure of III/1 and III/2 lists as many people as it says.
		for _, tb := range []*domain.Table{i1, i2} {
			for _, row := range tb.Parts[0].Rows {
				for col, c := range row.Cells {
					if c.Link != "" && c.N > 0 && len(peopleOf(t, db, c.Link)) != c.N {
						t.Errorf("%s %s %v col %d: the people page lists another number than %d", m.Key(), tb.ID, row.Labels, col, c.N)
					}
				}
			}
		}
		// A month starts where the last ended: in the totals and on every row of III/2.
		if prev != nil {
			p1 := prev.Table(domain.TableIII1)
			for sex := 0; sex < 3; sex++ {
				if a, b := ipkCell(t, p1, 0, 6, 2*len(domain.AgeGroups)+sex), total(0, sex); a != b {
					t.Errorf("%s III/1 row 1 sex %d = %d, last month's row 5 = %d", m.Key(), sex, b, a)
				}
			}
			endOf := map[string][2]int{}
			for _, row := range prev.Table(domain.TableIII2).Parts[0].Rows {
				if row.Kind != domain.RowGroup {
					endOf[row.Labels[0]+row.Labels[1]] = [2]int{row.Cells[8].N, row.Cells[9].N}
				}
			}
			for _, row := range i2.Parts[0].Rows {
				if row.Kind != domain.RowGroup && (endOf[row.Labels[0]+row.Labels[1]] != [2]int{row.Cells[0].N, row.Cells[1].N}) {
					t.Errorf("%s III/2 %v starts with %d %d, last month ended with %v", m.Key(), row.Labels, row.Cells[0].N, row.Cells[1].N, endOf[row.Labels[0]+row.Labels[1]])
				}
			}
		}
		// The quarterly III/3 is in the report of the quarter's last month only, and spans the quarter.
		i3 := r.Table(domain.TableIII3)
		if (i3 != nil) != (m.Start.Month()%3 == 0) {
			t.Fatalf("%s: III/3 present = %v", m.Key(), i3 != nil)
		}
		if i3 != nil {
			checkMeasureRows(t, i3, 2)
			j := i3.Parts[0].Rows[len(i3.Parts[0].Rows)-1].Cells
			for sex := 0; sex < 2; sex++ {
				if j[sex].N != ipkCell(t, quarterStart, 0, 0, 2*len(domain.AgeGroups)+sex) || j[8+sex].N != total(4, sex) {
					t.Errorf("%s III/3 %s: starts %d ends %d; III/1 of the quarter's first month starts %d, this month ends %d", m.Key(),
						i3.Period.Key(), j[sex].N, j[8+sex].N, ipkCell(t, quarterStart, 0, 0, 2*len(domain.AgeGroups)+sex), total(4, sex))
				}
			}
		}
		prev = r
	}
	// The history is rich enough to mean something: every measure happened.
	for _, m := range domain.Measures {
		if counted[m] == 0 {
			t.Errorf("no month counted anything as %s", m)
		}
	}
	t.Logf("counted over the months: %v", counted)
}

// TestIPKApprovalFreezes: a month can be submitted once it has ended and approved only by the Kasi
// IPK; the approved report is stored and served as approved; an event recorded after the approval
// but dated in the approved month (a card made by hand during an outage, entered late) leaves the
// approved month unchanged, recomputed or not, and counts in the next month.
func TestIPKApprovalFreezes(t *testing.T) {
	ctx := context.Background()
	clock := newClock(officeMorning(2026, 11, 2))
	db, _ := openDB(t, clock)
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	pengantar := addOfficer(t, db, "pengantar", domain.RolePengantar)
	kasi := addOfficer(t, db, "kasi", domain.RoleKasi)
	registerAt(t, db, 1, ipkPerson{"P", "2000-05-05", "SMA", "3801", "2018", "4"}, petugas, pengantar)
	nov, _ := domain.ParseMonth("2026-11")
	settings := domain.DefaultReportSettings
	render := func(r *domain.IPKReport) ([]byte, []byte, error) {
		return []byte("xlsx " + r.Approver), []byte("pdf " + r.Approver), nil
	}
	if err := db.SubmitIPK(ctx, nov, petugas); !isRule(err) {
		t.Fatalf("submitting November before it ended: %v", err)
	}
	clock.Set(officeMorning(2026, 12, 1))
	if _, err := db.ApproveIPK(ctx, nov, settings, kasi, render); !isRule(err) {
		t.Fatalf("approving a report nobody submitted: %v", err)
	}
	if err := db.SubmitIPK(ctx, nov, petugas); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApproveIPK(ctx, nov, settings, petugas, render); !isRule(err) {
		t.Fatalf("a Petugas approving: %v", err)
	}
	approved, err := db.ApproveIPK(ctx, nov, settings, kasi, render)
	if err != nil {
		t.Fatal(err)
	}
	if approved.Approver != "Officer kasi, NIP 198001012010011001" || approved.State != domain.ReportApproved {
		t.Fatalf("approval = %q %q", approved.Approver, approved.State)
	}
	if _, err := db.ApproveIPK(ctx, nov, settings, kasi, render); !errors.Is(err, storage.ErrStateChanged) {
		t.Fatalf("approving twice: %v", err)
	}
	if err := db.SubmitIPK(ctx, nov, petugas); !isRule(err) {
		t.Fatalf("submitting an approved month again: %v", err)
	}
	if b, err := db.ApprovedIPKFile(ctx, nov, storage.FormatPDF); err != nil || string(b) != "pdf Officer kasi, NIP 198001012010011001" {
		t.Fatalf("stored PDF = %q, %v", b, err)
	}
	placedNov := func(r *domain.IPKReport) int { return r.Table(domain.TableIII1).Parts[0].Rows[1].Cells[12].N }
	if placedNov(approved) != 1 {
		t.Fatalf("November registered %d", placedNov(approved))
	}

	// A card made by hand on 20 November, entered on 3 December after the approval.
	clock.Set(officeMorning(2026, 12, 3))
	f := ipkForm(2, ipkPerson{"L", "1999-01-01", "S1", "6501", "2022", "2"})
	if _, err := db.EnterManualCard(ctx, storage.ManualCard{Form: f, RegNumber: "5171 201126 900001", IssuedOn: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		PengantarID: pengantar, UserID: petugas}); err != nil {
		t.Fatal(err)
	}
	stored, err := db.ApprovedIPK(ctx, nov)
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.ComputeIPK(ctx, nov, settings)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stored.Tables, again.Tables) || !reflect.DeepEqual(stored.Tables, approved.Tables) {
		t.Fatal("November changed after its approval")
	}
	dec, _ := domain.ParseMonth("2026-12")
	r, err := db.ComputeIPK(ctx, dec, settings)
	if err != nil {
		t.Fatal(err)
	}
	if got := placedNov(r); got != 1 {
		t.Fatalf("December registered %d, want the late card", got)
	}
	if got := r.Table(domain.TableIII1).Parts[0].Rows[0].Cells[12].N; got != 1 {
		t.Fatalf("December starts with %d, want November's one", got)
	}
	// An earlier month cannot be approved once a later one is.
	oct, _ := domain.ParseMonth("2026-10")
	if err := db.SubmitIPK(ctx, oct, petugas); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApproveIPK(ctx, oct, settings, kasi, render); !isRule(err) {
		t.Fatalf("approving October after November: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action IN ('ipk-submit', 'ipk-approve')`); n != 3 {
		t.Fatalf("audit rows = %d", n)
	}
}

// generateVacancies registers, edits, fills, withdraws and lets vacancies expire over the days from
// first to last, at random with a fixed seed, as the officers would.
func generateVacancies(t *testing.T, db *storage.DB, clock *fakeClock, first, last time.Time, seed int64) {
	t.Helper()
	ctx := context.Background()
	officer := addOfficer(t, db, "petugas-lowongan", domain.RolePetugas)
	rng := rand.New(rand.NewSource(seed))
	educations := []struct{ level, code string }{{"SMA", "3801"}, {"SMK", "3404"}, {"S1", ""}, {"", ""}, {"D3", "5401"}}
	var ids []int64
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		clock.Set(officeMorning(d.Year(), d.Month(), d.Day()))
		if _, err := db.ExpireVacancies(ctx); err != nil {
			t.Fatal(err)
		}
		if rng.Intn(3) == 0 {
			e := educations[rng.Intn(len(educations))]
			v := domain.Vacancy{EmployerName: fmt.Sprintf("PT Lowongan %d", len(ids)+1), EmployerKBLI: []string{"I", "G", "C"}[rng.Intn(3)],
				EmployerType: domain.EmployerTypes[rng.Intn(len(domain.EmployerTypes))].Value, Position: "Staf", KBJI: strconv.Itoa(rng.Intn(10)),
				Wanted: domain.Counts{L: rng.Intn(4), P: rng.Intn(4), Any: rng.Intn(3) + 1}, MinEducation: e.level, EduCode: e.code,
				Location: "lokal", ClosingDate: d.AddDate(0, 0, 10+rng.Intn(60))}
			id, err := db.CreateVacancy(ctx, v, officer)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		for _, id := range ids {
			v, err := db.Vacancy(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if v.State != domain.VacancyOpen {
				continue
			}
			switch r := rng.Intn(40); {
			case r < 2:
				fill := domain.Counts{L: min(v.Open.L, 1), P: min(v.Open.P, 1), Any: min(v.Open.Any, 1)}
				if fill.Total() > 0 {
					err = db.FillVacancy(ctx, id, officer, v.Version, fill, "pencari kerja rujukan", rng.Intn(2) == 0)
				}
			case r < 3:
				err = db.WithdrawVacancy(ctx, id, officer, v.Version, "")
			case r < 4: // a change of what the tables count by moves the open places
				v.KBJI, v.EmployerKBLI, v.Wanted.Any = strconv.Itoa(rng.Intn(10)), "F", v.Wanted.Any+1
				err = db.UpdateVacancy(ctx, id, officer, v.Version, *v)
			}
			var nr *storage.NotReadyError
			if err != nil && !errors.As(err, &nr) {
				t.Fatalf("%s vacancy %d: %v", d.Format("2006-01-02"), id, err)
			}
		}
	}
}

// TestIPKVacancyHistory generates a year of vacancies and checks the vacancy tables of every month:
// III/1 part II balances on each column and matches a count made from the raw vacancy events,
// III/4–III/6 balance on every row and sex and add up to III/1's L and P, a month starts where the
// last ended, and every figure's vacancy list adds up to the figure.
func TestIPKVacancyHistory(t *testing.T) {
	ctx := context.Background()
	clock := newClock(officeMorning(2026, 1, 5))
	db, _ := openDB(t, clock)
	generateVacancies(t, db, clock, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC), 7)
	events, err := db.RowsForTest(ctx, `SELECT kind, date(at, '+8 hours'), l, p, any_sex FROM vacancy_events WHERE kind != 'edited'`)
	if err != nil {
		t.Fatal(err)
	}
	settings := domain.ReportSettings{Quarterly: []string{}} // every table monthly: III/5 and III/6 each month
	var prev *domain.IPKReport
	for m := domain.MonthPeriod(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); m.Start.Year() == 2026; m = domain.MonthPeriod(m.End.AddDate(0, 0, 1)) {
		r, err := db.ComputeIPK(ctx, m, settings)
		if err != nil {
			t.Fatal(err)
		}
		i1 := r.Table(domain.TableIII1)
		// From the raw events: [measure][L, P, L+P].
		var want [5][3]int
		s, e := m.Start.Format("2006-01-02"), m.End.Format("2006-01-02")
		for _, ev := range events {
			n := [3]int{}
			for i := 0; i < 3; i++ {
				n[i], _ = strconv.Atoi(ev[2+i])
			}
			cols := [3]int{n[0], n[1], n[0] + n[1] + n[2]}
			sign := 1
			if ev[0] != "registered" {
				sign = -1
			}
			for c := range cols {
				if ev[1] < s {
					want[0][c] += sign * cols[c]
				}
				if ev[1] >= s && ev[1] <= e {
					want[map[string]int{"registered": 1, "filled": 2, "removed": 3}[ev[0]]][c] += cols[c]
				}
				if ev[1] <= e {
					want[4][c] += sign * cols[c]
				}
			}
		}
		rowOf := []int{0, 1, 3, 4, 6}
		for col := 0; col < 3; col++ {
			v := func(row int) int { return ipkCell(t, i1, 1, row, col) }
			if v(2) != v(0)+v(1) || v(5) != v(3)+v(4) || v(6) != v(2)-v(5) || v(6) < 0 {
				t.Errorf("%s III/1 part II col %d: %d %d %d %d %d %d %d", m.Key(), col, v(0), v(1), v(2), v(3), v(4), v(5), v(6))
			}
			for ms, row := range rowOf {
				if v(row) != want[ms][col] {
					t.Errorf("%s III/1 part II %s col %d = %d, from the events %d", m.Key(), domain.Measures[ms], col, v(row), want[ms][col])
				}
			}
		}
		for _, id := range []string{domain.TableIII4, domain.TableIII5, domain.TableIII6} {
			tb := r.Table(id)
			checkMeasureRows(t, tb, 2)
			j := tb.Parts[0].Rows[len(tb.Parts[0].Rows)-1].Cells
			for ms := range domain.Measures {
				for sex := 0; sex < 2; sex++ {
					if j[2*ms+sex].N != ipkCell(t, i1, 1, rowOf[ms], sex) {
						t.Errorf("%s %s JUMLAH measure %d sex %d = %d, III/1 part II %d", m.Key(), id, ms, sex, j[2*ms+sex].N, ipkCell(t, i1, 1, rowOf[ms], sex))
					}
				}
			}
			for _, row := range tb.Parts[0].Rows {
				for col, c := range row.Cells {
					if c.N == 0 || c.Link == "" {
						continue
					}
					v, _ := url.ParseQuery(c.Link)
					f, err := domain.ParseFigure(v)
					if err != nil {
						t.Fatal(err)
					}
					list, err := db.IPKVacancies(ctx, f)
					sum := 0
					for _, x := range list {
						sum += x.Places
					}
					if err != nil || sum != c.N {
						t.Errorf("%s %s %v col %d: vacancies list %d places for %d (%v)", m.Key(), id, row.Labels, col, sum, c.N, err)
					}
				}
			}
		}
		if prev != nil {
			for col := 0; col < 3; col++ {
				if a, b := ipkCell(t, prev.Table(domain.TableIII1), 1, 6, col), ipkCell(t, i1, 1, 0, col); a != b {
					t.Errorf("%s III/1 part II col %d starts with %d, last month ended with %d", m.Key(), col, b, a)
				}
			}
		}
		prev = r
	}
	if n := count(t, db, `SELECT count(*) FROM vacancy_events WHERE kind = 'filled'`); n == 0 {
		t.Fatal("no vacancy was filled: the history means little")
	}
}

// TestIPKVacancyClosedAfterApproval: a vacancy whose closing date fell in an approved month but that
// was closed only after the approval counts as removed in the next month; the approved month stays.
func TestIPKVacancyClosedAfterApproval(t *testing.T) {
	ctx := context.Background()
	clock := newClock(officeMorning(2026, 11, 2))
	db, _ := openDB(t, clock)
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	kasi := addOfficer(t, db, "kasi", domain.RoleKasi)
	v := domain.Vacancy{EmployerName: "PT Tutup", EmployerKBLI: "I", EmployerType: "4", Position: "Staf", KBJI: "5", Wanted: domain.Counts{P: 2},
		Location: "lokal", ClosingDate: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	if _, err := db.CreateVacancy(ctx, v, petugas); err != nil {
		t.Fatal(err)
	}
	nov, _ := domain.ParseMonth("2026-11")
	clock.Set(officeMorning(2026, 12, 1))
	if err := db.SubmitIPK(ctx, nov, petugas); err != nil {
		t.Fatal(err)
	}
	// The approval closes what its closing date ended, dated 21 November: November counts it.
	approved, err := db.ApproveIPK(ctx, nov, domain.DefaultReportSettings, kasi, func(*domain.IPKReport) ([]byte, []byte, error) { return nil, nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	removed := func(r *domain.IPKReport) int { return r.Table(domain.TableIII1).Parts[1].Rows[4].Cells[1].N }
	if removed(approved) != 2 {
		t.Fatalf("November removed %d places", removed(approved))
	}
	// A vacancy entered after the approval with a closing date of 25 November, closed on 3 December
	// and dated 26 November: it counts in December.
	v.EmployerName, v.ClosingDate = "PT Terlambat", time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	id, err := db.CreateVacancy(ctx, v, petugas)
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(officeMorning(2026, 12, 3))
	if _, err := db.ExpireVacancies(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM vacancy_events e JOIN ipk_vacancy_days d ON d.event_id = e.id
		WHERE e.vacancy_id = ? AND e.kind = 'removed' AND d.report_day = '2026-12-01'`, id); n != 1 {
		t.Fatalf("the late closing is not counted on 1 December (%d)", n)
	}
	again, err := db.ComputeIPK(ctx, nov, domain.DefaultReportSettings)
	if err != nil || !reflect.DeepEqual(again.Tables, approved.Tables) {
		t.Fatalf("November changed after its approval: %v", err)
	}
}
