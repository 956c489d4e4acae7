package domain

import (
	"math"
	"sort"
	"time"
)

// Service times (the SOP's Mutu Baku): how long each part of the service took, measured from the
// dated steps of every application (issue 9's step_events), beside the minutes the SOP sets.

// StepTicket stands for the moment the job seeker took a ticket (the application's creation), the
// start of the first interval.
const StepTicket SOPStep = "ticket"

// ServiceInterval is one measured span: from one recorded moment to the next.
type ServiceInterval struct {
	Key     string
	Label   string
	SOP     string    // the SOP step numbers it covers
	From    []SOPStep // the first of these recorded starts it
	To      []SOPStep // the first of these recorded ends it
	Minutes int       // the SOP's Mutu Baku for it; 0 when the SOP sets none
}

// ServiceMinutes is the SOP's time for the whole service from the greeting to the card in hand
// (steps 1 and 4–13: 1 + 5 + 1 + 1 + 2 + 2 + 1 + 1 + 1 + 1 + 1 minutes; steps 2 and 3 set none).
const ServiceMinutes = 17

// ServiceIntervals are the spans measured, in the order of the service. Each step's minutes are the
// SOP's (SOPSteps); waiting for the call is not part of the SOP's times.
var ServiceIntervals = []ServiceInterval{
	{Key: "antre", Label: "Menunggu dipanggil (dari ambil tiket)", SOP: "—", From: []SOPStep{StepTicket}, To: []SOPStep{StepCalled}},
	{Key: "berkas", Label: "Pemeriksaan berkas", SOP: "1–3", From: []SOPStep{StepCalled}, To: []SOPStep{StepDocumentsChecked},
		Minutes: StepCalled.Info().Minutes + StepDocumentsChecked.Info().Minutes},
	{Key: "foto", Label: "Foto", SOP: "5–6", From: []SOPStep{StepDocumentsChecked}, To: []SOPStep{StepPhotographed}, Minutes: 1 + StepPhotographed.Info().Minutes},
	{Key: "setuju", Label: "Pengisian data dan persetujuan", SOP: "4", From: []SOPStep{StepPhotographed, StepDocumentsChecked}, To: []SOPStep{StepApproved},
		Minutes: StepApproved.Info().Minutes},
	{Key: "cetak", Label: "Pencetakan kartu", SOP: "7", From: []SOPStep{StepApproved}, To: []SOPStep{StepPrinted}, Minutes: StepPrinted.Info().Minutes},
	{Key: "periksa", Label: "Pemeriksaan dan tanda tangan pemegang", SOP: "8–9", From: []SOPStep{StepPrinted}, To: []SOPStep{StepHolderChecked},
		Minutes: StepHolderChecked.Info().Minutes},
	{Key: "tandatangan", Label: "Tanda tangan dan cap Pengantar Kerja", SOP: "10–11", From: []SOPStep{StepHolderChecked}, To: []SOPStep{StepSigned},
		Minutes: StepSigned.Info().Minutes},
	{Key: "bimbingan", Label: "Bimbingan jabatan", SOP: "12", From: []SOPStep{StepSigned}, To: []SOPStep{StepCounselled, StepCounsellingSkipped},
		Minutes: StepCounselled.Info().Minutes},
	// A reprint's run has no counselling (given with the first card): its hand-over follows the sign-off.
	{Key: "serah", Label: "Penyerahan kartu", SOP: "13", From: []SOPStep{StepCounselled, StepCounsellingSkipped, StepSigned}, To: []SOPStep{StepHandedOver},
		Minutes: StepHandedOver.Info().Minutes},
	{Key: "layanan", Label: "Layanan: dipanggil sampai kartu di tangan", SOP: "1–13", From: []SOPStep{StepCalled}, To: []SOPStep{StepHandedOver},
		Minutes: ServiceMinutes},
	{Key: "kunjungan", Label: "Seluruh kunjungan: tiket sampai kartu di tangan", SOP: "—", From: []SOPStep{StepTicket}, To: []SOPStep{StepHandedOver}},
}

// ServiceVisit is one run of an application through the service: the first time each step was
// taken in it. The first run starts with the ticket; a card corrected after printing (its holder's
// check, sign-off or hand-over done) runs through SOP 7–13 again, often weeks later, as a run of
// its own (Reprint) that starts at the correction: its StepApproved is the correction's time, so
// each step is measured within one run and never from the first run's steps.
type ServiceVisit struct {
	ApplicationID int64
	Reprint       bool
	Steps         map[SOPStep]time.Time // StepTicket included in the first run only
}

// Duration is how long the interval took in the visit, and the office day it ended; false when the
// visit lacks either end, or the end is not after the start (a step taken out of the usual order).
func (iv ServiceInterval) Duration(v ServiceVisit) (time.Duration, time.Time, bool) {
	first := func(steps []SOPStep) (time.Time, bool) {
		for _, s := range steps {
			if t, ok := v.Steps[s]; ok {
				return t, true
			}
		}
		return time.Time{}, false
	}
	from, ok1 := first(iv.From)
	to, ok2 := first(iv.To)
	if !ok1 || !ok2 || !to.After(from) {
		return 0, time.Time{}, false
	}
	return to.Sub(from), Day(to), true
}

// TimeStats are the measured durations of one interval over some days: how many, the median and
// the 90th percentile, in minutes.
type TimeStats struct {
	N      int
	Median float64
	P90    float64
}

// Over tells whether the median is above the SOP's minutes (never when the SOP sets none).
func (s TimeStats) Over(minutes int) bool {
	return minutes > 0 && s.N > 0 && s.Median > float64(minutes)
}

// Stats summarises durations: the median (the middle one, or the mean of the two middle ones) and
// the 90th percentile by nearest rank (the duration 90% of the visits did not exceed).
func Stats(d []time.Duration) TimeStats {
	if len(d) == 0 {
		return TimeStats{}
	}
	m := make([]float64, len(d))
	for i, x := range d {
		m[i] = x.Minutes()
	}
	sort.Float64s(m)
	n := len(m)
	median := m[n/2]
	if n%2 == 0 {
		median = (m[n/2-1] + m[n/2]) / 2
	}
	rank := int(math.Ceil(0.9*float64(n))) - 1
	return TimeStats{N: n, Median: median, P90: m[max(rank, 0)]}
}

// ServiceReport is the service times of a month: per interval for the month and for each day.
// Reprints (runs after a correction) are figured apart, for the month only: they are not the
// service the SOP times (no ticket, no call, no counselling) and would pull the steps 7–13 of
// first issues towards their own times.
type ServiceReport struct {
	Month    Period
	Days     []time.Time                  // the days with any measured interval, in order
	All      map[string]TimeStats         // by interval key, the whole month
	ByDay    map[string]map[int]TimeStats // by interval key, by index into Days
	Reprints int                          // reprint runs with any interval measured in the month
	Reprint  map[string]TimeStats         // by interval key, the reprint runs of the month
}

// BuildServiceReport measures the visits' intervals that ended in the month.
func BuildServiceReport(m Period, visits []ServiceVisit) ServiceReport {
	r := ServiceReport{Month: m, All: map[string]TimeStats{}, ByDay: map[string]map[int]TimeStats{}, Reprint: map[string]TimeStats{}}
	reprint := map[string][]time.Duration{}
	for _, v := range visits {
		if !v.Reprint {
			continue
		}
		counted := false
		for _, iv := range ServiceIntervals {
			if d, day, ok := iv.Duration(v); ok && m.Contains(day) {
				reprint[iv.Key] = append(reprint[iv.Key], d)
				counted = true
			}
		}
		if counted {
			r.Reprints++
		}
	}
	for key, d := range reprint {
		r.Reprint[key] = Stats(d)
	}
	month := map[string][]time.Duration{}
	daily := map[string]map[time.Time][]time.Duration{}
	seen := map[time.Time]bool{}
	for _, iv := range ServiceIntervals {
		daily[iv.Key] = map[time.Time][]time.Duration{}
	}
	for _, v := range visits {
		if v.Reprint {
			continue
		}
		for _, iv := range ServiceIntervals {
			d, day, ok := iv.Duration(v)
			if !ok || !m.Contains(day) {
				continue
			}
			month[iv.Key] = append(month[iv.Key], d)
			daily[iv.Key][day] = append(daily[iv.Key][day], d)
			if !seen[day] {
				seen[day] = true
				r.Days = append(r.Days, day)
			}
		}
	}
	sort.Slice(r.Days, func(i, j int) bool { return r.Days[i].Before(r.Days[j]) })
	for _, iv := range ServiceIntervals {
		r.All[iv.Key] = Stats(month[iv.Key])
		r.ByDay[iv.Key] = map[int]TimeStats{}
		for i, day := range r.Days {
			if d := daily[iv.Key][day]; len(d) > 0 {
				r.ByDay[iv.Key][i] = Stats(d)
			}
		}
	}
	return r
}
