package domain

import (
	"fmt"
	"time"
)

// The card's life after issue (issue 13): six-monthly reports, placement, lapse, renewal and
// correction. Dates here are office days (WITA) held as midnight UTC, like Rules.Today.

// Card-life event kinds, stored in card_events.kind. Every change of a card's state is one event.
const (
	EventIssued    = "issued"    // a card came into being: approval, a hand-made card entered, a reprint or correction
	EventPlaced    = "placed"    // the holder was hired (sudah bekerja)
	EventLapsed    = "lapsed"    // a report was missed past its grace, or the two years ran out
	EventCancelled = "cancelled" // an officer ended the card (the holder stopped looking for work, a duplicate, …)
	EventVoided    = "voided"    // replaced by a reprint, a correction or a renewal
)

// What an event counts as in the monthly IPK report (card_events.ipk). An event that changes no
// count (a reprint, the voiding of a card that had already lapsed) has none.
const (
	IPKRegistered = "terdaftar"   // a new registration: a first card, or a renewal
	IPKPlaced     = "ditempatkan" // placed in work
	IPKRemoved    = "dihapuskan"  // lapsed or cancelled (or an active card ended by its renewal)
)

// Reports is how many six-monthly reports a card asks for: Laporan Kesatu, Kedua and Ketiga at 6,
// 12 and 18 months; the 24-month point is the end of its validity.
const Reports = 3

var reportNames = [Reports]string{"Laporan Kesatu", "Laporan Kedua", "Laporan Ketiga"}

// ReportName names report n (1..3) as the card's grid does.
func ReportName(n int) string {
	if n < 1 || n > Reports {
		return fmt.Sprintf("Laporan ke-%d", n)
	}
	return reportNames[n-1]
}

// ReportRules are the office's window around each report's due date *(local practice)*. A report
// is accepted from Early days before the due date; a card whose report is still missing Grace days
// after the due date lapses on that day (due date + Grace), so the last day to report is the day
// before. A report before the window is refused with the day it opens.
type ReportRules struct {
	Early int
	Grace int
}

// DefaultReportRules: a month before and a month after each due date. The card says "report every
// 6 months"; a month either side lets a holder come on a day that suits them without reporting
// twice in one half-year.
var DefaultReportRules = ReportRules{Early: 30, Grace: 30}

// Check tells whether the rules make sense: windows of neighbouring reports must not touch.
func (r ReportRules) Check() error {
	if r.Early < 0 || r.Early > 90 || r.Grace < 1 || r.Grace > 90 {
		return fmt.Errorf("jendela lapor: %d hari sebelum dan %d hari sesudah tanggal lapor; yang boleh 0–90 hari sebelum dan 1–90 hari sesudah", r.Early, r.Grace)
	}
	return nil
}

// ReportSlot is one row of the card's report grid.
type ReportSlot struct {
	Number   int
	Due      time.Time // registration date + 6·Number months
	Opens    time.Time // first day a report is accepted
	Closes   time.Time // last day a report is accepted; the card lapses the day after
	Reported time.Time // the day it was reported; zero when not (yet)
}

// Name is the row's name on the card: "Laporan Kedua".
func (s ReportSlot) Name() string { return ReportName(s.Number) }

// Done tells whether the report was made.
func (s ReportSlot) Done() bool { return !s.Reported.IsZero() }

// CardFacts is what the database knows about a card's life.
type CardFacts struct {
	State      string             // cards.state as stored
	StateOn    time.Time          // the day the stored state began (its event's day); zero for active
	IssuedOn   time.Time          // the registration date (every reprint of it keeps it)
	ValidUntil time.Time          // the last day it is valid
	Reported   [Reports]time.Time // the day of each report, zero when missing
}

// CardLife is a card's state as of a day, derived from its facts and the rules: a card stored as
// active is lapsed as soon as a rule says so, whether or not the sweep has written it yet, so what a
// holder or officer sees is right even after the server was off.
type CardLife struct {
	State string    // CardActive, CardPlaced, CardLapsed, CardCancelled or CardVoided
	Since time.Time // when the state began: for a lapse, the day the rule made it (not the day it was noticed)
	Why   string    // for a derived lapse: which rule, in words
	Slots [Reports]ReportSlot
	// Next is the report still to make while the card is active (its Number), or 0.
	Next int
	// ValidUntil is the last valid day.
	ValidUntil time.Time
}

// NextSlot returns the report still to make, if any.
func (l CardLife) NextSlot() (ReportSlot, bool) {
	if l.Next == 0 {
		return ReportSlot{}, false
	}
	return l.Slots[l.Next-1], true
}

// Lapsed tells whether the card lapsed (dihapuskan).
func (l CardLife) Lapsed() bool { return l.State == CardLapsed }

// AddMonths adds months to a date, keeping the day where the month has it and taking the month's
// last day where it does not (31 August + 6 months is 28 or 29 February, not 3 March).
func AddMonths(d time.Time, months int) time.Time {
	first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, months, 0)
	last := first.AddDate(0, 1, -1).Day()
	day := d.Day()
	if day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

// Day is the office day of t as midnight UTC, the form every date of the card's life takes.
func Day(t time.Time) time.Time {
	w := t.In(OfficeZone)
	return time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)
}

// Slots lays out the report grid of a card registered on issued.
func (r ReportRules) Slots(issued time.Time) [Reports]ReportSlot {
	var out [Reports]ReportSlot
	for i := range out {
		due := AddMonths(issued, 6*(i+1))
		out[i] = ReportSlot{Number: i + 1, Due: due, Opens: due.AddDate(0, 0, -r.Early), Closes: due.AddDate(0, 0, r.Grace-1)}
	}
	return out
}

// Life derives the card's state on day today.
func (r ReportRules) Life(f CardFacts, today time.Time) CardLife {
	l := CardLife{State: f.State, Since: f.StateOn, Slots: r.Slots(f.IssuedOn), ValidUntil: f.ValidUntil}
	for i := range l.Slots {
		l.Slots[i].Reported = f.Reported[i]
	}
	if f.State != CardActive {
		return l
	}
	if on, why, ok := r.lapse(l, today); ok {
		l.State, l.Since, l.Why = CardLapsed, on, why
		return l
	}
	for _, s := range l.Slots {
		if !s.Done() {
			l.Next = s.Number
			break
		}
	}
	return l
}

// lapse finds the first rule that ends an active card on or before today: a report still missing
// after its last day, or the end of validity.
func (r ReportRules) lapse(l CardLife, today time.Time) (time.Time, string, bool) {
	for _, s := range l.Slots {
		if s.Done() {
			continue
		}
		on := s.Closes.AddDate(0, 0, 1)
		if !today.Before(on) {
			return on, fmt.Sprintf("%s (tanggal lapor %s) tidak dilakukan sampai %s", s.Name(), FormatDate(s.Due), FormatDate(s.Closes)), true
		}
		break // later reports cannot be missed before this one
	}
	if on := l.ValidUntil.AddDate(0, 0, 1); !today.Before(on) {
		return on, "masa berlaku 2 tahun habis pada " + FormatDate(l.ValidUntil), true
	}
	return time.Time{}, "", false
}

// RuleError is a refusal by the card's rules; Message is in Bahasa Indonesia and says what to do.
type RuleError struct{ Message string }

func (e *RuleError) Error() string { return e.Message }

// CheckReport tells which report a holder makes on day today, or why none can be made.
func (r ReportRules) CheckReport(f CardFacts, today time.Time) (ReportSlot, error) {
	l := r.Life(f, today)
	if err := l.refuse("melapor"); err != nil {
		return ReportSlot{}, err
	}
	s, ok := l.NextSlot()
	if !ok {
		return ReportSlot{}, &RuleError{"Ketiga laporan kartu ini sudah lengkap. Kartu berlaku sampai " + FormatDate(l.ValidUntil) + "."}
	}
	if today.Before(s.Opens) {
		return ReportSlot{}, &RuleError{fmt.Sprintf("Belum waktunya melapor. %s dapat dilakukan mulai %s (tanggal lapor %s) sampai %s.",
			s.Name(), FormatDate(s.Opens), FormatDate(s.Due), FormatDate(s.Closes))}
	}
	return s, nil
}

// refuse explains why nothing can be recorded on a card that is not active.
func (l CardLife) refuse(what string) error {
	switch l.State {
	case CardActive:
		return nil
	case CardLapsed:
		return &RuleError{"Kartu sudah tidak berlaku (dihapuskan) sejak " + FormatDate(l.Since) + ", sehingga tidak dapat " + what + ". Silakan perpanjang kartu."}
	case CardPlaced:
		return &RuleError{"Kartu ini sudah dilaporkan diterima bekerja sejak " + FormatDate(l.Since) + "."}
	case CardVoided:
		return &RuleError{"Kartu ini sudah diganti dengan kartu lain. Gunakan kartu yang terbaru."}
	}
	return &RuleError{"Kartu ini sudah dibatalkan, sehingga tidak dapat " + what + "."}
}

// CheckActive refuses a change (placement, correction, cancellation) on a card that is not active on today.
func (r ReportRules) CheckActive(f CardFacts, today time.Time, what string) error {
	return r.Life(f, today).refuse(what)
}

// CardStateText is the state in plain words for the holder and the public check page.
func CardStateText(l CardLife) string {
	switch l.State {
	case CardActive:
		return "Aktif, berlaku sampai dengan " + FormatDate(l.ValidUntil) + "."
	case CardPlaced:
		return "Sudah diterima bekerja (dilaporkan " + FormatDate(l.Since) + ")."
	case CardLapsed:
		return "Tidak berlaku lagi (dihapuskan) sejak " + FormatDate(l.Since) + "."
	case CardVoided:
		return "Sudah diganti dengan kartu lain."
	}
	return "Dibatalkan."
}

// CardStateLabel is the state as officers call it.
func CardStateLabel(state string) string {
	switch state {
	case CardActive:
		return "Aktif"
	case CardPlaced:
		return "Sudah bekerja"
	case CardLapsed:
		return "Dihapuskan (kedaluwarsa)"
	case CardVoided:
		return "Diganti"
	case CardCancelled:
		return "Dibatalkan"
	}
	return state
}

// HolderCheckLimit and HolderAddressLimit slow down guessing a holder's birth date at the kiosk:
// per card (its registration) and per address. Counted before the date is compared, like sign-in.
var (
	HolderCheckLimit   = SignInLimit{Free: 5, Unit: 30 * time.Second, Max: 30 * time.Minute, Forget: 2 * time.Hour}
	HolderAddressLimit = SignInLimit{Free: 30, Unit: time.Second, Max: 15 * time.Minute, Forget: time.Hour}
)

// HeldCard is a card of a person (by NIK) as the one-card rule sees it.
type HeldCard struct {
	ID        int64
	RegNumber string
	Facts     CardFacts
}

// CardInForce finds, among the cards a person holds, one that stops a new card from being issued
// on day today: a card still in force, i.e. active by the rules (not past its two years, no report
// missed), which the sweep may not have written yet. An expired, lapsed, voided or cancelled card
// and a card whose holder was placed (sudah bekerja) do not stop a new card: the person registers
// again. renews is the card a renewal application replaces (0 for a first card): issuing its
// successor is what a renewal is for, so it does not count.
func (r ReportRules) CardInForce(held []HeldCard, renews int64, today time.Time) (HeldCard, CardLife, bool) {
	for _, c := range held {
		if c.ID == renews && renews != 0 {
			continue
		}
		if l := r.Life(c.Facts, today); l.State == CardActive {
			return c, l, true
		}
	}
	return HeldCard{}, CardLife{}, false
}
