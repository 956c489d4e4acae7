package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ak1/server/domain"
)

// The service times (Mutu Baku) for the Kabid and the Kasi: per step of the service the median and
// the 90th percentile of the month and of each day, beside the SOP's minutes, as charts drawn here
// as SVG (no script, nothing from elsewhere) and as tables.

func (s *Server) serviceTimesPage(c *fiber.Ctx) error {
	m := domain.MonthPeriod(domain.Day(s.now()))
	if v := c.Query("bulan"); v != "" {
		var err error
		if m, err = domain.ParseMonth(v); err != nil {
			return &PublicError{fiber.StatusBadRequest, err.Error()}
		}
	}
	from := time.Date(m.Start.Year(), m.Start.Month(), 1, 0, 0, 0, 0, domain.OfficeZone)
	visits, err := s.db.ServiceVisits(c.UserContext(), from, from.AddDate(0, 1, 0))
	if err != nil {
		return err
	}
	r := domain.BuildServiceReport(m, visits)
	p := s.deskPage(c, "Waktu layanan "+m.Name(), "waktu")
	p.Data["Month"] = m
	p.Data["Prev"] = m.Previous()
	if next := domain.MonthPeriod(m.End.AddDate(0, 0, 1)); !next.Start.After(domain.Day(s.now())) {
		p.Data["Next"] = next
	}
	p.Data["Report"] = r
	p.Data["Intervals"] = domain.ServiceIntervals
	p.Data["StepsChart"] = stepsChart(r)
	p.Data["DaysChart"] = daysChart(r)
	var days []serviceDay
	for i, d := range r.Days {
		day := serviceDay{Day: d}
		for _, iv := range domain.ServiceIntervals {
			day.Stats = append(day.Stats, serviceCell{r.ByDay[iv.Key][i], iv.Minutes})
		}
		days = append(days, day)
	}
	p.Data["DayRows"] = days
	return c.Render("desk/service-times", p, "layouts/officer")
}

// serviceDay is one day's row of the daily table.
type serviceDay struct {
	Day   time.Time
	Stats []serviceCell
}

type serviceCell struct {
	domain.TimeStats
	Minutes int
}

// minutes writes a duration in minutes the office way: "3,5".
func minutes(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	return strings.Replace(strings.TrimSuffix(s, ".0"), ".", ",", 1)
}

// chartColours: the desk's blue for the median, dark for the 90th percentile, red for the SOP.
const (
	colMedian = "#0b4f8a"
	colP90    = "#083a66"
	colSOP    = "#b00020"
	colGrid   = "#c9ced6"
)

// niceMax rounds a chart's top up to 1, 2 or 5 times a power of ten.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, f := range []float64{1, 2, 5, 10} {
		if v <= f*p {
			return f * p
		}
	}
	return 10 * p
}

// stepsChart draws, for each step of the service with a Mutu Baku, the month's median and 90th
// percentile as bars and the SOP's minutes as a red mark.
func stepsChart(r domain.ServiceReport) template.HTML {
	var ivs []domain.ServiceInterval
	top := 0.0
	for _, iv := range domain.ServiceIntervals {
		if iv.Minutes == 0 || iv.Key == "layanan" {
			continue
		}
		ivs = append(ivs, iv)
		st := r.All[iv.Key]
		top = max(top, st.P90, float64(iv.Minutes))
	}
	top = niceMax(top)
	const left, width, rowH, head = 300.0, 560.0, 34.0, 26.0
	h := head + rowH*float64(len(ivs)) + 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="Median dan persentil 90 per langkah layanan dibanding Mutu Baku SOP" xmlns="http://www.w3.org/2000/svg">`, left+width+20, h)
	x := func(v float64) float64 { return left + width*v/top }
	for i := 0; i <= 5; i++ {
		v := top * float64(i) / 5
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="%s"/><text x="%.1f" y="%.0f" font-size="12" text-anchor="middle" fill="#4a4a4a">%s</text>`,
			x(v), head-6, x(v), h-24, colGrid, x(v), h-8, minutes(v))
	}
	fmt.Fprintf(&b, `<text x="%.0f" y="14" font-size="12" fill="#4a4a4a">menit</text>`, left+width-30)
	for i, iv := range ivs {
		y := head + rowH*float64(i)
		st := r.All[iv.Key]
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="13" text-anchor="end" fill="#111">%s</text>`, left-8, y+20, template.HTMLEscapeString(iv.Label))
		if st.N > 0 {
			fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.1f" height="9" fill="%s"><title>persentil 90: %s menit</title></rect>`, left, y+17, x(st.P90)-left, colP90, minutes(st.P90))
			fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.1f" height="12" fill="%s"><title>median: %s menit (%d)</title></rect>`, left, y+5, x(st.Median)-left, colMedian, minutes(st.Median), st.N)
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="%s" stroke-width="3"><title>Mutu Baku SOP: %d menit</title></line>`,
			x(float64(iv.Minutes)), y+2, x(float64(iv.Minutes)), y+rowH-4, colSOP, iv.Minutes)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// daysChart draws the service from the call to the card in hand day by day: median and 90th
// percentile as lines, the SOP's 17 minutes as a red line; the days without figures are left out.
func daysChart(r domain.ServiceReport) template.HTML {
	if len(r.Days) == 0 {
		return ""
	}
	const left, width, top0, height = 50.0, 800.0, 20.0, 220.0
	top := float64(domain.ServiceMinutes)
	for i := range r.Days {
		if st, ok := r.ByDay["layanan"][i]; ok {
			top = max(top, st.P90)
		}
	}
	top = niceMax(top)
	x := func(i int) float64 {
		if len(r.Days) == 1 {
			return left + width/2
		}
		return left + width*float64(i)/float64(len(r.Days)-1)
	}
	y := func(v float64) float64 { return top0 + height - height*v/top }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="Waktu layanan per hari dibanding Mutu Baku SOP" xmlns="http://www.w3.org/2000/svg">`, left+width+30, top0+height+40)
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		fmt.Fprintf(&b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="%s"/><text x="%.0f" y="%.1f" font-size="12" text-anchor="end" fill="#4a4a4a">%s</text>`,
			left, y(v), left+width, y(v), colGrid, left-6, y(v)+4, minutes(v))
	}
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="6 4"><title>Mutu Baku SOP: %d menit</title></line>`,
		left, y(float64(domain.ServiceMinutes)), left+width, y(float64(domain.ServiceMinutes)), colSOP, domain.ServiceMinutes)
	for _, line := range []struct {
		colour string
		value  func(domain.TimeStats) float64
		name   string
	}{{colP90, func(s domain.TimeStats) float64 { return s.P90 }, "persentil 90"}, {colMedian, func(s domain.TimeStats) float64 { return s.Median }, "median"}} {
		var pts []string
		for i := range r.Days {
			if st, ok := r.ByDay["layanan"][i]; ok {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(line.value(st))))
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%s %s: %s menit</title></circle>`, x(i), y(line.value(st)), line.colour,
					domain.FormatDate(r.Days[i]), line.name, minutes(line.value(st)))
			}
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"/>`, strings.Join(pts, " "), line.colour)
	}
	for i, d := range r.Days {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" font-size="12" text-anchor="middle" fill="#4a4a4a">%d</text>`, x(i), top0+height+18, d.Day())
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
