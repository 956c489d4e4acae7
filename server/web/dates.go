package web

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"ak1/server/domain"
)

// Dates on the officer pages are shown and picked in Indonesian ("29 November 2026") whatever the
// browser's language: a browser's own date box (input type=date) follows its locale (11/29/2026).

// dateChoice is what the "date-select" partial needs: three pick-lists, day, month name and year.
type dateChoice struct {
	Name             string
	Day, Month, Year int // 0 when not chosen
	Months           []string
	Years            []int
}

// newDateSelect is the template function "dateSelect": NAME VALUE (YYYY-MM-DD or "") YEARSBACK.
func (s *Server) newDateSelect(name, value string, yearsBack int) dateChoice {
	d := dateChoice{Name: name, Months: domain.MonthNames()}
	if t, err := time.Parse("2006-01-02", value); err == nil {
		d.Day, d.Month, d.Year = t.Day(), int(t.Month()), t.Year()
	}
	this := s.now().In(domain.OfficeZone).Year()
	for y := this; y >= this-yearsBack; y-- {
		d.Years = append(d.Years, y)
	}
	return d
}

// datePosted reads a date picked with the "date-select" partial (NAME_day, NAME_month, NAME_year) as
// YYYY-MM-DD; "" when incomplete, and a day that does not exist (31 April) stays invalid.
func datePosted(values url.Values, name string) string {
	d, err1 := strconv.Atoi(values.Get(name + "_day"))
	m, err2 := strconv.Atoi(values.Get(name + "_month"))
	y, err3 := strconv.Atoi(values.Get(name + "_year"))
	if err1 != nil || err2 != nil || err3 != nil {
		return values.Get(name) // a client that posts the date whole
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// dayOption is one office day of the queue's day filter.
type dayOption struct{ Value, Label string }

var weekdays = [...]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}

// queueDays are the days the queue can show, today first, written out in Indonesian; the chosen day
// is kept even when older.
func (s *Server) queueDays(chosen string) []dayOption {
	today := s.now().In(domain.OfficeZone)
	var out []dayOption
	found := false
	label := func(t time.Time) string { return weekdays[t.Weekday()] + ", " + domain.FormatDate(t) }
	for i := 0; i < 31; i++ {
		t := today.AddDate(0, 0, -i)
		v := t.Format("2006-01-02")
		l := label(t)
		switch i {
		case 0:
			l = "Hari ini, " + l
		case 1:
			l = "Kemarin, " + l
		}
		out = append(out, dayOption{v, l})
		found = found || v == chosen
	}
	if t, err := time.Parse("2006-01-02", chosen); err == nil && !found {
		out = append(out, dayOption{chosen, label(t)})
	}
	return out
}
