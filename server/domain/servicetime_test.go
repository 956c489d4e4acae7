package domain

import (
	"testing"
	"time"
)

func TestStats(t *testing.T) {
	mins := func(v ...int) []time.Duration {
		var out []time.Duration
		for _, m := range v {
			out = append(out, time.Duration(m)*time.Minute)
		}
		return out
	}
	for _, tc := range []struct {
		in   []time.Duration
		want TimeStats
	}{
		{nil, TimeStats{}},
		{mins(5), TimeStats{N: 1, Median: 5, P90: 5}},
		{mins(4, 1, 3, 2), TimeStats{N: 4, Median: 2.5, P90: 4}},
		{mins(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), TimeStats{N: 10, Median: 5.5, P90: 9}},
		{mins(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 60), TimeStats{N: 11, Median: 1, P90: 1}},
	} {
		if got := Stats(tc.in); got != tc.want {
			t.Errorf("Stats(%v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	if (TimeStats{N: 2, Median: 3}).Over(0) || !(TimeStats{N: 2, Median: 3}).Over(2) || (TimeStats{}).Over(1) {
		t.Fatal("Over")
	}
}

// TestIntervalNeedsBothEndsInOrder: a span is measured only when both its moments were recorded and
// the end came after the start (a photo taken before the documents were complete is not a negative
// photo time); an interval is counted on the day it ended.
func TestIntervalNeedsBothEndsInOrder(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 11, 30, h, m, 0, 0, OfficeZone) }
	v := ServiceVisit{Steps: map[SOPStep]time.Time{StepTicket: at(8, 0), StepCalled: at(8, 20), StepDocumentsChecked: at(8, 30),
		StepPhotographed: at(8, 25), StepApproved: at(8, 40)}}
	get := func(key string) (time.Duration, time.Time, bool) {
		for _, iv := range ServiceIntervals {
			if iv.Key == key {
				return iv.Duration(v)
			}
		}
		t.Fatalf("no interval %s", key)
		return 0, time.Time{}, false
	}
	if d, day, ok := get("antre"); !ok || d != 20*time.Minute || day != time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("antre: %v %v %v", d, day, ok)
	}
	if _, _, ok := get("foto"); ok {
		t.Fatal("a photo before the documents counted")
	}
	if d, _, ok := get("setuju"); !ok || d != 15*time.Minute {
		t.Fatalf("setuju from the photo: %v %v", d, ok)
	}
	if _, _, ok := get("cetak"); ok {
		t.Fatal("printing measured without a print")
	}
	r := BuildServiceReport(MonthPeriod(at(0, 0)), []ServiceVisit{v})
	if len(r.Days) != 1 || r.All["antre"].N != 1 || r.All["foto"].N != 0 {
		t.Fatalf("report: %+v", r)
	}
	dec := BuildServiceReport(MonthPeriod(at(0, 0).AddDate(0, 1, 0)), []ServiceVisit{v})
	if len(dec.Days) != 0 {
		t.Fatal("November's intervals counted in December")
	}
}
