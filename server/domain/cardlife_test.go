package domain

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestAddMonthsKeepsTheMonth(t *testing.T) {
	tests := []struct {
		from   time.Time
		months int
		want   time.Time
	}{
		{date(2026, 1, 15), 6, date(2026, 7, 15)},
		{date(2026, 8, 31), 6, date(2027, 2, 28)},  // no 31 February: its last day, not 3 March
		{date(2027, 8, 31), 6, date(2028, 2, 29)},  // a leap year's last day
		{date(2026, 12, 31), 6, date(2027, 6, 30)}, // 30-day month
		{date(2026, 3, 31), 18, date(2027, 9, 30)},
		{date(2028, 2, 29), 24, date(2030, 2, 28)},
	}
	for _, tt := range tests {
		if got := AddMonths(tt.from, tt.months); !got.Equal(tt.want) {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tt.from.Format("2006-01-02"), tt.months, got.Format("2006-01-02"), tt.want.Format("2006-01-02"))
		}
	}
}

// A card registered on 15 January 2026: due dates 15 July 2026, 15 January 2027, 15 July 2027;
// valid until 15 January 2028.
func facts() CardFacts {
	return CardFacts{State: CardActive, IssuedOn: date(2026, 1, 15), ValidUntil: date(2028, 1, 15)}
}

// TestReportWindowBoundaries walks each report's window a day at a time around its edges: the day
// before it opens is refused with the opening day, the opening day, the due day and the last day are
// accepted, and the day after the last day the card has lapsed, dated on that day.
func TestReportWindowBoundaries(t *testing.T) {
	r := ReportRules{Early: 30, Grace: 30}
	f := facts()
	for n := 1; n <= Reports; n++ {
		due := AddMonths(f.IssuedOn, 6*n)
		opens, closes := due.AddDate(0, 0, -30), due.AddDate(0, 0, 29)
		cases := []struct {
			day     time.Time
			ok      bool
			lapsed  bool
			message string
		}{
			{opens.AddDate(0, 0, -1), false, false, "Belum waktunya melapor"},
			{opens, true, false, ""},
			{due, true, false, ""},
			{due.AddDate(0, 0, 1), true, false, ""},
			{closes, true, false, ""},
			{closes.AddDate(0, 0, 1), false, true, "dihapuskan"},
		}
		for _, c := range cases {
			slot, err := r.CheckReport(f, c.day)
			if c.ok && (err != nil || slot.Number != n) {
				t.Errorf("report %d on %s: slot %d, %v; want accepted", n, c.day.Format("2006-01-02"), slot.Number, err)
			}
			var re *RuleError
			if !c.ok && (!errors.As(err, &re) || !strings.Contains(re.Message, c.message)) {
				t.Errorf("report %d on %s: %v; want refused with %q", n, c.day.Format("2006-01-02"), err, c.message)
			}
			life := r.Life(f, c.day)
			if c.lapsed != life.Lapsed() {
				t.Errorf("report %d on %s: lapsed %v, want %v", n, c.day.Format("2006-01-02"), life.Lapsed(), c.lapsed)
			}
			if c.lapsed && !life.Since.Equal(due.AddDate(0, 0, 30)) {
				t.Errorf("report %d missed: lapsed on %s, want due + 30 days %s", n, life.Since.Format("2006-01-02"), due.AddDate(0, 0, 30).Format("2006-01-02"))
			}
		}
		f.Reported[n-1] = due // made on its due day; the next window is next
	}
	// Every report made: after the third, nothing more to report, and the card lapses after its
	// last valid day, dated the day after.
	if _, err := r.CheckReport(f, date(2027, 12, 1)); err == nil || !strings.Contains(err.Error(), "sudah lengkap") {
		t.Errorf("a fourth report: %v", err)
	}
	if l := r.Life(f, date(2028, 1, 15)); l.State != CardActive || l.Next != 0 {
		t.Errorf("on the last valid day: %s, next %d", l.State, l.Next)
	}
	l := r.Life(f, date(2028, 1, 16))
	if !l.Lapsed() || !l.Since.Equal(date(2028, 1, 16)) || !strings.Contains(l.Why, "2 tahun") {
		t.Errorf("past 24 months: %s since %s (%s)", l.State, l.Since, l.Why)
	}
}

// TestMissedReportLapsesOnItsDayWhenSeenLater: a card whose first report was never made, looked at
// a year later (the server was off), is lapsed since the first report's due date + grace, not since
// the day someone looked.
func TestMissedReportLapsesOnItsDayWhenSeenLater(t *testing.T) {
	r := ReportRules{Early: 30, Grace: 30}
	l := r.Life(facts(), date(2027, 6, 1))
	if !l.Lapsed() || !l.Since.Equal(date(2026, 8, 14)) || !strings.Contains(l.Why, "Laporan Kesatu") {
		t.Fatalf("missed first report: %s since %s (%s), want lapsed since 14 Agustus 2026", l.State, l.Since.Format("2006-01-02"), l.Why)
	}
	// The second report missed after the first was made.
	f := facts()
	f.Reported[0] = date(2026, 7, 1)
	l = r.Life(f, date(2027, 6, 1))
	if !l.Lapsed() || !l.Since.Equal(date(2027, 2, 14)) || !strings.Contains(l.Why, "Laporan Kedua") {
		t.Fatalf("missed second report: %s since %s (%s)", l.State, l.Since.Format("2006-01-02"), l.Why)
	}
}

// TestStoredStatesWin: a placed, cancelled, voided or already lapsed card keeps its stored state and
// its date; time does not move it, and nothing can be reported on it.
func TestStoredStatesWin(t *testing.T) {
	r := DefaultReportRules
	for _, st := range []string{CardPlaced, CardCancelled, CardVoided, CardLapsed} {
		f := facts()
		f.State, f.StateOn = st, date(2026, 3, 1)
		l := r.Life(f, date(2029, 1, 1))
		if l.State != st || !l.Since.Equal(date(2026, 3, 1)) || l.Next != 0 {
			t.Errorf("stored %s: derived %s since %s, next %d", st, l.State, l.Since, l.Next)
		}
		if _, err := r.CheckReport(f, date(2026, 7, 1)); err == nil {
			t.Errorf("a report was accepted on a %s card", st)
		}
		if err := r.CheckActive(f, date(2026, 4, 1), "dicatat"); err == nil {
			t.Errorf("a change was accepted on a %s card", st)
		}
	}
}

func TestReportRulesCheck(t *testing.T) {
	for _, r := range []ReportRules{{-1, 30}, {30, 0}, {91, 30}, {30, 91}} {
		if r.Check() == nil {
			t.Errorf("%+v accepted", r)
		}
	}
	if err := DefaultReportRules.Check(); err != nil {
		t.Error(err)
	}
	// With the widest windows the three reports still do not touch.
	s := ReportRules{Early: 90, Grace: 90}.Slots(date(2026, 1, 31))
	for i := 1; i < Reports; i++ {
		if !s[i-1].Closes.Before(s[i].Opens) {
			t.Errorf("report %d closes %s after report %d opens %s", i, s[i-1].Closes, i+1, s[i].Opens)
		}
	}
}

func TestPlacementValidate(t *testing.T) {
	issued, today := date(2026, 1, 15), date(2026, 9, 1)
	good := url.Values{"employer": {"PT Bali Sejahtera"}, "kbli": {"I"}, "employer_type": {"4"}, "position": {"Juru masak"},
		"kbji": {"5"}, "start_day": {"1"}, "start_month": {"9"}, "start_year": {"2026"}, "location": {"lokal"}}
	var p Placement
	p.Apply(good)
	if errs := p.Validate(issued, today); len(errs) > 0 || p.Type() != PlacementAKL {
		t.Fatalf("good placement: %v, type %s", errs, p.Type())
	}
	tests := []struct {
		field, value, errKey, want string
	}{
		{"employer", " ", "employer", "nama perusahaan"},
		{"kbli", "Z", "kbli", "KBLI"},
		{"employer_type", "asing", "employer_type", "jenis pemberi kerja"},
		{"kbji", "x", "kbji", "KBJI"},
		{"start_day", "31", "start_date", "tidak ada di kalender"}, // 31 September
		{"start_year", "2025", "start_date", "sebelum kartu diterbitkan"},
		{"start_month", "12", "start_date", "90 hari"},
		{"location", "mars", "location", "lokasi"},
		{"location", "luarnegeri", "place", "negara"},
	}
	for _, tt := range tests {
		v := url.Values{}
		for k, x := range good {
			v[k] = x
		}
		v.Set(tt.field, tt.value)
		var q Placement
		q.Apply(v)
		if msg := q.Validate(issued, today)[tt.errKey]; !strings.Contains(msg, tt.want) {
			t.Errorf("%s=%q: %s error %q, want %q", tt.field, tt.value, tt.errKey, msg, tt.want)
		}
	}
	for loc, want := range map[string]string{"lokal": "AKL", "antardaerah": "AKAD", "luarnegeri": "AKAN", "": ""} {
		if got := PlacementTypeFor(loc); got != want {
			t.Errorf("PlacementTypeFor(%q) = %q, want %q", loc, got, want)
		}
	}
}

func TestContactChange(t *testing.T) {
	r := Rules{MinAge: 18, Today: date(2026, 9, 1)}
	var c ContactChange
	c.Apply(url.Values{"phone": {"+62 812-3456-7890"}})
	if errs := c.Validate(r); len(errs) > 0 {
		t.Fatalf("phone only: %v", errs)
	}
	f := Form{Phone: "081111111111", Street: "Jl. Lama 1", Kecamatan: "517104", Kelurahan: "Ubung", RT: "001"}
	old := c.ApplyTo(&f)
	if f.Phone != "081234567890" || old["phone"] != "081111111111" || len(old) != 1 || f.Street != "Jl. Lama 1" {
		t.Fatalf("phone applied: %+v, old %v", f, old)
	}
	c = ContactChange{}
	c.Apply(url.Values{"street": {"Jl. Baru 2"}, "kecamatan": {"517101"}, "kelurahan": {"Ubung"}})
	if errs := c.Validate(r); errs["kelurahan"] == "" {
		t.Errorf("a kelurahan of another kecamatan accepted: %v", errs)
	}
	c.Apply(url.Values{"email": {"bukan-email"}, "phone": {"12"}})
	if errs := c.Validate(r); errs["email"] == "" || errs["phone"] == "" {
		t.Errorf("bad phone and e-mail: %v", errs)
	}
	c.Apply(url.Values{"street": {"Jl. Baru 2"}, "kecamatan": {"517101"}, "kelurahan": {"Sanur"}, "rt": {"4"}})
	if errs := c.Validate(r); len(errs) > 0 {
		t.Fatalf("new address: %v", errs)
	}
	old = c.ApplyTo(&f)
	if f.Street != "Jl. Baru 2" || f.RT != "004" || f.Kelurahan != "Sanur" || old["rt"] != "001" || old["kelurahan"] != "Ubung" {
		t.Fatalf("address applied: %+v, old %v", f, old)
	}
	if !(ContactChange{}).Empty() {
		t.Error("an empty change is not empty")
	}
}

// FuzzKioskHolderInput feeds the placement and contact-change forms any posted body: nothing
// panics, every kept value is valid UTF-8 without invisible characters and within its limit, and
// a form that validates has a real start date and a placement type.
func FuzzKioskHolderInput(f *testing.F) {
	f.Add("employer=PT+A&kbli=I&employer_type=4&position=Koki&kbji=5&start_day=1&start_month=9&start_year=2026&location=lokal")
	f.Add("phone=%2B62+812&email=a%40b.id&street=Jl.+X&kecamatan=517101&kelurahan=Sanur&rt=1")
	f.Add("start_day=31&start_month=2&start_year=2026&location=luarnegeri&place=%E2%80%AE")
	issued, today := date(2026, 1, 15), date(2026, 9, 1)
	r := Rules{MinAge: 18, Today: today}
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			t.Skip()
		}
		var p Placement
		p.Apply(v)
		for _, name := range PlacementFields {
			if s := p.Value(name); !utf8.ValidString(s) || strings.ContainsFunc(s, Invisible) || utf8.RuneCountInString(s) > maxShort {
				t.Fatalf("placement %s = %+q", name, s)
			}
		}
		if errs := p.Validate(issued, today); len(errs) == 0 {
			if _, ok := p.StartDate(); !ok || p.Type() == "" {
				t.Fatalf("valid placement without a start date or type: %+v", p)
			}
		}
		var c ContactChange
		c.Apply(v)
		if errs := c.Validate(r); len(errs) == 0 {
			var form Form
			c.ApplyTo(&form)
		}
	})
}

// TestCardInForce: only a card still in force on the day stops a new card; a renewal is not
// stopped by the card it renews.
func TestCardInForce(t *testing.T) {
	r := ReportRules{Early: 30, Grace: 30}
	active := HeldCard{ID: 1, RegNumber: "5171 150126 000001", Facts: facts()} // registered 15 January 2026
	withState := func(state string) HeldCard {
		c := active
		c.Facts.State, c.Facts.StateOn = state, date(2026, 3, 1)
		return c
	}
	reported := active
	reported.Facts.Reported = [Reports]time.Time{date(2026, 7, 15), date(2027, 1, 15), date(2027, 7, 15)}
	other := HeldCard{ID: 2, RegNumber: "5171 010326 000009", Facts: CardFacts{State: CardActive, IssuedOn: date(2026, 3, 1), ValidUntil: date(2028, 3, 1)}}
	tests := []struct {
		name   string
		held   []HeldCard
		renews int64
		today  time.Time
		want   int64 // the card in force, 0 none
	}{
		{"no card", nil, 0, date(2026, 2, 1), 0},
		{"active card", []HeldCard{active}, 0, date(2026, 2, 1), 1},
		{"active card on its first report's last day", []HeldCard{active}, 0, date(2026, 8, 13), 1},
		{"first report missed: lapsed the day after its last day", []HeldCard{active}, 0, date(2026, 8, 14), 0},
		{"every report made: in force on its last valid day", []HeldCard{reported}, 0, date(2028, 1, 15), 1},
		{"every report made: expired the day after", []HeldCard{reported}, 0, date(2028, 1, 16), 0},
		{"voided", []HeldCard{withState(CardVoided)}, 0, date(2026, 4, 1), 0},
		{"cancelled", []HeldCard{withState(CardCancelled)}, 0, date(2026, 4, 1), 0},
		{"placed (sudah bekerja)", []HeldCard{withState(CardPlaced)}, 0, date(2026, 4, 1), 0},
		{"lapsed as stored", []HeldCard{withState(CardLapsed)}, 0, date(2026, 4, 1), 0},
		{"the renewal of the active card", []HeldCard{active}, 1, date(2026, 4, 1), 0},
		{"a renewal of another card while one is in force", []HeldCard{active, other}, 1, date(2026, 4, 1), 2},
		{"a voided card before the one in force", []HeldCard{withState(CardVoided), other}, 0, date(2026, 4, 1), 2},
	}
	for _, tt := range tests {
		got, life, ok := r.CardInForce(tt.held, tt.renews, tt.today)
		if ok != (tt.want != 0) || got.ID != tt.want {
			t.Errorf("%s: card %d (in force %v), want %d", tt.name, got.ID, ok, tt.want)
		}
		if ok && life.State != CardActive {
			t.Errorf("%s: life %s, want active", tt.name, life.State)
		}
	}
}
