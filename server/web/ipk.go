package web

import (
	"errors"
	"net/url"
	"sort"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ak1/server/domain"
	"ak1/server/report"
	"ak1/server/storage"
)

// The monthly IPK report on screen (SOP steps 18–19): a Petugas or the admin makes it and submits
// it, the Kasi IPK checks each figure by opening the people it counts, and approves it; exports as
// XLSX and PDF. An approved month is shown and exported exactly as it was approved.

func (s *Server) reportSettings() domain.ReportSettings {
	if s.opts.Report.Quarterly == nil {
		return domain.DefaultReportSettings
	}
	return s.opts.Report
}

// monthParam reads the month of the address (2026-11).
func monthParam(c *fiber.Ctx) (domain.Period, error) {
	m, err := domain.ParseMonth(c.Params("bulan"))
	if err != nil {
		return m, &PublicError{fiber.StatusNotFound, err.Error()}
	}
	return m, nil
}

// ipkReport returns the report of month m: as approved when it is, otherwise counted now with the
// state of its submission.
func (s *Server) ipkReport(c *fiber.Ctx, m domain.Period) (*domain.IPKReport, error) {
	ctx := c.UserContext()
	r, err := s.db.ApprovedIPK(ctx, m)
	if err == nil {
		return r, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	// Vacancies past their closing date are closed when someone looks (issue 9): close them before
	// counting, dated when they closed.
	if _, err := s.db.ExpireVacancies(ctx); err != nil {
		return nil, err
	}
	if r, err = s.db.ComputeIPK(ctx, m, s.reportSettings()); err != nil {
		return nil, err
	}
	st, err := s.db.IPKStatus(ctx, m)
	if err != nil {
		return nil, err
	}
	r.State, r.MadeBy, r.MadeAt = st.State, st.MadeBy, st.MadeAt
	return r, nil
}

// reportWork is the IPK report waiting for the officer (SOP 18–19): for the Kasi IPK the reports
// submitted for approval; for a Petugas or the admin last month's report while nobody made it.
func (s *Server) reportWork(c *fiber.Ctx) (workList, error) {
	o := officerOf(c)
	statuses, err := s.db.IPKStatuses(c.UserContext())
	if err != nil {
		return workList{}, err
	}
	switch o.Role {
	case domain.RoleKasi:
		l := workList{Key: "laporan-ipk", Title: "Laporan IPK menunggu persetujuan Anda", Hint: "SOP 19: periksa angkanya, lalu setujui.", Action: "report"}
		for _, st := range statuses {
			if st.State == domain.ReportSubmitted {
				l.Reports = append(l.Reports, st)
			}
		}
		sort.Slice(l.Reports, func(i, j int) bool { return l.Reports[i].Month.Start.Before(l.Reports[j].Month.Start) })
		return l, nil
	case domain.RolePetugas, domain.RoleAdmin:
		last := domain.MonthPeriod(domain.Day(s.now())).Previous()
		l := workList{Key: "laporan-ipk", Title: "Laporan IPK belum diajukan", Hint: "SOP 18: buat laporan bulan lalu dan ajukan ke Kasi IPK.", Action: "report"}
		if _, made := statuses[last.Key()]; !made {
			l.Reports = []storage.IPKStatus{{Month: last}}
		}
		return l, nil
	}
	return workList{}, nil
}

// monthRow is one month of the reports list.
type monthRow struct {
	Month  domain.Period
	Status storage.IPKStatus
	Ended  bool
}

// reportsPage lists the months, newest first, with where each report stands.
func (s *Server) reportsPage(c *fiber.Ctx) error {
	statuses, err := s.db.IPKStatuses(c.UserContext())
	if err != nil {
		return err
	}
	today := domain.Day(s.now())
	var rows []monthRow
	m := domain.MonthPeriod(today)
	for i := 0; i < 13; i++ {
		rows = append(rows, monthRow{Month: m, Status: statuses[m.Key()], Ended: today.After(m.End)})
		delete(statuses, m.Key())
		m = m.Previous()
	}
	var older []string // months reported before the last year
	for k := range statuses {
		older = append(older, k)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(older)))
	for _, k := range older {
		st := statuses[k]
		rows = append(rows, monthRow{Month: st.Month, Status: st, Ended: true})
	}
	p := s.deskPage(c, "Laporan IPK", "laporan")
	p.Data["Months"] = rows
	p.Data["Quarterly"] = s.reportSettings().Quarterly
	return c.Render("desk/ipk-months", p, "layouts/officer")
}

// tableView is a table laid out for the template: its header block split into rows.
type tableView struct {
	domain.Table
	Anchor string
	Base   string // the people page its figures link to
	Parts  []partView
}

type partView struct {
	domain.Part
	HeadRows   [][]domain.HeadCell
	FigureCols int
}

func viewTables(r *domain.IPKReport) []tableView {
	out := make([]tableView, len(r.Tables))
	for i, t := range r.Tables {
		v := tableView{Table: t, Anchor: report.SheetName(t.ID), Base: "/petugas/laporan/ipk/" + r.Month.Key() + "/orang"}
		for _, p := range t.Parts {
			pv := partView{Part: p, HeadRows: make([][]domain.HeadCell, p.HeadRows), FigureCols: p.Cols - p.Labels}
			for _, h := range p.Head {
				pv.HeadRows[h.Row] = append(pv.HeadRows[h.Row], h)
			}
			for _, row := range pv.HeadRows {
				sort.Slice(row, func(a, b int) bool { return row[a].Col < row[b].Col })
			}
			v.Parts = append(v.Parts, pv)
		}
		out[i] = v
	}
	return out
}

// reportPage shows a month's report as the official tables, every figure a link to its people.
func (s *Server) reportPage(c *fiber.Ctx) error {
	m, err := monthParam(c)
	if err != nil {
		return err
	}
	r, err := s.ipkReport(c, m)
	if err != nil {
		return err
	}
	o := officerOf(c)
	ended := domain.Day(s.now()).After(m.End)
	p := s.deskPage(c, "Laporan IPK "+m.Name(), "laporan")
	p.Data["Report"] = r
	p.Data["Tables"] = viewTables(r)
	p.Data["Month"] = m
	p.Data["Prev"] = m.Previous()
	if next := domain.MonthPeriod(m.End.AddDate(0, 0, 1)); !next.Start.After(domain.Day(s.now())) {
		p.Data["Next"] = next
	}
	p.Data["Ended"] = ended
	p.Data["CanSubmit"] = ended && r.State != domain.ReportApproved && (o.Role == domain.RolePetugas || o.Role == domain.RoleAdmin)
	p.Data["CanApprove"] = r.State == domain.ReportSubmitted && o.Role == domain.RoleKasi
	p.Data["Flash"] = c.Query("pesan")
	return c.Render("desk/ipk-report", p, "layouts/officer")
}

// personRow is one person of a figure's people page.
type personRow struct {
	storage.IPKPerson
	No  int
	Age int
}

const peoplePerPage = 100

// reportPeople lists the people (registrations) one figure of the report counts.
func (s *Server) reportPeople(c *fiber.Ctx) error {
	m, err := monthParam(c)
	if err != nil {
		return err
	}
	q, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return &PublicError{fiber.StatusBadRequest, "Alamat angka laporan tidak dapat dibaca. Buka angka itu lagi dari tabel laporan."}
	}
	page, _ := strconv.Atoi(q.Get("hal"))
	q.Del("hal")
	var f domain.Figure
	if len(q) == 0 { // the register at the month's end, as the report's row 5 counts it
		f = domain.NewFigure(m, domain.MeasureEnd)
	} else if f, err = domain.ParseFigure(q); err != nil {
		return &PublicError{fiber.StatusBadRequest, err.Error()}
	}
	if f.Period.Start.After(m.End) || f.Period.End.Before(m.Start) {
		return &PublicError{fiber.StatusBadRequest, "Angka itu bukan dari laporan " + m.Name() + ". Buka angka itu lagi dari tabel laporannya."}
	}
	p := s.deskPage(c, "Rincian angka laporan IPK", "laporan")
	p.Data["Month"] = m
	p.Data["Figure"] = f
	p.Data["Describe"] = f.Describe()
	if f.Kind == domain.FigureVacancies {
		list, err := s.db.IPKVacancies(c.UserContext(), f)
		if err != nil {
			return err
		}
		places := 0
		for _, v := range list {
			places += v.Places
		}
		p.Data["Vacancies"], p.Data["Places"] = list, places
		return c.Render("desk/ipk-people", p, "layouts/officer")
	}
	page = max(page, 1)
	people, total, err := s.db.IPKPeople(c.UserContext(), f, peoplePerPage, (page-1)*peoplePerPage)
	if err != nil {
		return err
	}
	rows := make([]personRow, len(people))
	for i, person := range people {
		rows[i] = personRow{IPKPerson: person, No: (page-1)*peoplePerPage + i + 1, Age: domain.AgeOn(person.BirthDate, f.Period.End)}
	}
	p.Data["People"] = rows
	p.Data["Total"] = total
	p.Data["Page"] = page
	if page > 1 {
		p.Data["PrevPage"] = pageQuery(f, page-1)
	}
	if page*peoplePerPage < total {
		p.Data["NextPage"] = pageQuery(f, page+1)
	}
	return c.Render("desk/ipk-people", p, "layouts/officer")
}

func pageQuery(f domain.Figure, page int) string {
	return f.Query() + "&hal=" + strconv.Itoa(page)
}

// reportFile sends the month's report as XLSX or PDF: the stored file of an approved month, byte
// for byte, otherwise one made now and marked as a draft.
func (s *Server) reportFile(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		m, err := monthParam(c)
		if err != nil {
			return err
		}
		data, err := s.db.ApprovedIPKFile(c.UserContext(), m, format)
		if errors.Is(err, storage.ErrNotFound) {
			var r *domain.IPKReport
			if r, err = s.ipkReport(c, m); err == nil {
				data, err = renderIPK(r, format)
			}
		}
		if err != nil {
			return err
		}
		name := "laporan-ipk-" + m.Key() + "." + format
		if format == storage.FormatXLSX {
			c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		} else {
			c.Set(fiber.HeaderContentType, "application/pdf")
		}
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
		return c.Send(data)
	}
}

func renderIPK(r *domain.IPKReport, format string) ([]byte, error) {
	if format == storage.FormatXLSX {
		return report.IPKXLSX(r)
	}
	return report.IPKPDF(r)
}

// submitReport records that the officer made the month's report and submits it to the Kasi IPK.
func (s *Server) submitReport(c *fiber.Ctx) error {
	m, err := monthParam(c)
	if err != nil {
		return err
	}
	if err := s.db.SubmitIPK(c.UserContext(), m, officerOf(c).ID); err != nil {
		return ruleOr(err)
	}
	return c.Redirect("/petugas/laporan/ipk/"+m.Key()+"?pesan=diajukan", fiber.StatusSeeOther)
}

// approveReport lets the Kasi IPK approve the submitted report: counted, exported with the approval
// on it, and stored as approved.
func (s *Server) approveReport(c *fiber.Ctx) error {
	m, err := monthParam(c)
	if err != nil {
		return err
	}
	_, err = s.db.ApproveIPK(c.UserContext(), m, s.reportSettings(), officerOf(c).ID, func(r *domain.IPKReport) ([]byte, []byte, error) {
		x, err := report.IPKXLSX(r)
		if err != nil {
			return nil, nil, err
		}
		p, err := report.IPKPDF(r)
		return x, p, err
	})
	if errors.Is(err, storage.ErrStateChanged) {
		return &PublicError{fiber.StatusConflict, "Laporan " + m.Name() + " sudah disetujui."}
	}
	if err != nil {
		return ruleOr(err)
	}
	s.log.Info("ipk report approved", "month", m.Key(), "by", officerOf(c).Username)
	return c.Redirect("/petugas/laporan/ipk/"+m.Key()+"?pesan=disetujui", fiber.StatusSeeOther)
}

// ruleOr shows a refusal of the rules as a page that says what to do; other errors pass on.
func ruleOr(err error) error {
	var re *domain.RuleError
	if errors.As(err, &re) {
		return &PublicError{fiber.StatusUnprocessableEntity, re.Message}
	}
	return err
}
