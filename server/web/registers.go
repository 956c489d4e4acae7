package web

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ak1/server/domain"
	"ak1/server/report"
)

// The SOP's registers (PENCATATAN DAN PENDATAAN): Buku Agenda per education level, the check list,
// the Buku Penyerahan AK/I, the legalisation register and the vacancy register. Each shows a period
// (one day by default) and optionally one officer's entries, prints on A4 landscape and exports as
// XLSX (?format=xlsx).

// registerTab is one register in the tabs above each of them.
type registerTab struct {
	Name string
	Href template.URL // the register with the same period and officer; built here, so safe
	On   bool
}

// registerPaths are the registers in the SOP's order (PENCATATAN DAN PENDATAAN).
var registerPaths = []struct{ path, name string }{
	{"/petugas/buku-agenda", "Buku Agenda"},
	{"/petugas/ceklis", "Check list"},
	{"/petugas/penyerahan", "Buku Penyerahan AK/I"},
	{"/petugas/legalisir", "Register legalisir"},
	{"/petugas/register-lowongan", "Register lowongan"},
}

// registerQuery is what a register page shows: its days, its officer (0: all), its education level
// (the Buku Agenda only), and the officers to choose from.
type registerQuery struct {
	From, To time.Time
	Officer  int64
	Level    string
	Officers []domain.Officer
	Message  string // why the period asked for was changed
}

func (q registerQuery) from() string { return q.From.Format("2006-01-02") }
func (q registerQuery) to() string   { return q.To.Format("2006-01-02") }

func (q registerQuery) officerName() string {
	for _, o := range q.Officers {
		if o.ID == q.Officer {
			return o.FullName
		}
	}
	return ""
}

// lines say what the register covers, for its heading and its export.
func (q registerQuery) lines(officerWord string) []string {
	out := []string{domain.RegisterDays(q.From, q.To)}
	if n := q.officerName(); n != "" {
		out[0] += " · " + officerWord + " " + n
	}
	if q.Level != "" {
		out = append(out, "Buku agenda tingkat pendidikan "+q.Level)
	}
	return out
}

// query is the filter as an address query, for the tabs between registers.
func (q registerQuery) query() string {
	return "dari=" + q.from() + "&sampai=" + q.to() + "&petugas=" + strconv.FormatInt(q.Officer, 10)
}

// registerFilter reads the period (dari, sampai; or one day, hari; default today), the officer
// (petugas, 0 for all) and the level (tingkat) from the query. A period given wrong is put right and
// said so: the end before the start is swapped, a period over a year is cut to a year.
func (s *Server) registerFilter(c *fiber.Ctx) (registerQuery, error) {
	today := domain.Day(s.now())
	parse := func(v string) (time.Time, bool) {
		d, err := time.Parse("2006-01-02", v)
		return d, err == nil && d.Year() >= 2000 && d.Year() <= 2999
	}
	q := registerQuery{From: today, To: today}
	if d, ok := parse(c.Query("hari")); ok {
		q.From, q.To = d, d
	}
	if d, ok := parse(c.Query("dari")); ok {
		q.From, q.To = d, d
	}
	if d, ok := parse(c.Query("sampai")); ok {
		q.To = d
	}
	if q.To.Before(q.From) {
		q.From, q.To = q.To, q.From
		q.Message = "Tanggal akhir sebelum tanggal awal: keduanya ditukar."
	}
	if q.To.Sub(q.From) > domain.MaxRegisterDays*24*time.Hour {
		q.From = q.To.AddDate(0, 0, -domain.MaxRegisterDays+1)
		q.Message = "Satu halaman register paling banyak satu tahun: ditampilkan " + domain.RegisterDays(q.From, q.To) + "."
	}
	q.Officer, _ = strconv.ParseInt(c.Query("petugas"), 10, 64)
	q.Officer = max(q.Officer, 0)
	if l := c.Query("tingkat"); domain.LevelRank(l) >= 0 {
		q.Level = l
	}
	users, err := s.db.Users(c.UserContext(), "")
	for _, u := range users {
		if u.Role != domain.RoleOperator {
			q.Officers = append(q.Officers, u)
		}
	}
	return q, err
}

// registerPage shows a register (its own template with the rows), or sends its XLSX when asked.
func (s *Server) registerPage(c *fiber.Ctx, title, tmpl string, rows any, q registerQuery, reg *domain.Register) error {
	if c.Query("format") == "xlsx" {
		data, err := report.RegisterXLSX(reg, s.now())
		if err != nil {
			return err
		}
		name := strings.NewReplacer(" ", "-", "/", "-").Replace(strings.ToLower(title)) + "-" + q.from() + "-" + q.to() + ".xlsx"
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
		return c.Send(data)
	}
	p := s.deskPage(c, title, "buku")
	p.Data["Action"] = c.Path()
	p.Data["Rows"] = rows
	p.Data["Register"] = reg
	p.Data["From"], p.Data["To"] = q.from(), q.to()
	p.Data["DaysText"] = domain.RegisterDays(q.From, q.To)
	p.Data["Officer"] = q.Officer
	p.Data["Officers"] = q.Officers
	p.Data["OfficerName"] = q.officerName()
	p.Data["Level"] = q.Level
	p.Data["Query"] = q.query()
	p.Data["Message"] = q.Message
	p.Data["Printed"] = waktu(s.now())
	var tabs []registerTab
	for _, r := range registerPaths {
		tabs = append(tabs, registerTab{Name: r.name, Href: template.URL(r.path + "?" + q.query()), On: r.path == c.Path()})
	}
	p.Data["Tabs"] = tabs
	p.Data["Levels"] = domain.EducationLevels
	return c.Render(tmpl, p, "layouts/officer")
}

// agendaBookPage is the Buku Agenda: the registrations of the period numbered in their education
// level's book, one level or all.
func (s *Server) agendaBookPage(c *fiber.Ctx) error {
	q, err := s.registerFilter(c)
	if err != nil {
		return err
	}
	rows, err := s.db.AgendaBook(c.UserContext(), q.from(), q.to(), q.Level, q.Officer)
	if err != nil {
		return err
	}
	reg := &domain.Register{Title: "BUKU AGENDA PENCARI KERJA", Lines: q.lines("petugas"),
		Columns: []string{"Tingkat", "No. agenda", "Tanggal", "Nomor pendaftaran AK/I", "Nama", "NIK", "L/P", "Tanggal lahir", "Kode pendidikan",
			"Sekolah", "Lulus", "Petugas"}}
	for _, e := range rows {
		birth := e.BirthDate
		if d, err := time.Parse("2006-01-02", birth); err == nil {
			birth = domain.FormatDate(d)
		}
		reg.Rows = append(reg.Rows, []string{e.Level, strconv.Itoa(e.Number) + "/" + strconv.Itoa(e.Year), domain.FormatDate(e.Day), e.RegNumber,
			e.FullName, e.NIK, e.Sex, birth, domain.EducationCodeLabel(e.EduCode), e.School, e.EduYear, e.Officer})
	}
	return s.registerPage(c, "Buku Agenda", "desk/register", rows, q, reg)
}

// checkListPage is the check list: the documents found complete for each application (SOP 3).
func (s *Server) checkListPage(c *fiber.Ctx) error {
	q, err := s.registerFilter(c)
	if err != nil {
		return err
	}
	rows, err := s.db.CheckList(c.UserContext(), q.from(), q.to(), q.Officer)
	if err != nil {
		return err
	}
	svc, _ := domain.FindService("baru")
	reg := &domain.Register{Title: "CHECK LIST DATA PENCARI KERJA", Lines: q.lines("petugas"),
		Columns: []string{"No.", "Tanggal, jam", "Antrean", "Nama", "NIK"}}
	for _, d := range svc.Docs {
		reg.Columns = append(reg.Columns, documentColumn(d.Key))
	}
	reg.Columns = append(reg.Columns, "Petugas")
	for i, e := range rows {
		row := []string{strconv.Itoa(i + 1), waktu(e.At), e.Ticket, e.FullName, e.NIK}
		for _, d := range svc.Docs {
			mark := "—"
			for _, have := range e.Documents {
				if have == d.Key {
					mark = "✓"
				}
			}
			row = append(row, mark)
		}
		reg.Rows = append(reg.Rows, append(row, e.Officer))
	}
	return s.registerPage(c, "Check list", "desk/register", rows, q, reg)
}

// vacancyRegisterPage is the vacancy register: the vacancies registered in the period.
func (s *Server) vacancyRegisterPage(c *fiber.Ctx) error {
	q, err := s.registerFilter(c)
	if err != nil {
		return err
	}
	rows, err := s.db.VacancyRegister(c.UserContext(), q.from(), q.to(), q.Officer)
	if err != nil {
		return err
	}
	reg := &domain.Register{Title: "REGISTER LOWONGAN KERJA", Lines: q.lines("dicatat oleh"),
		Columns: []string{"No.", "Tanggal", "Pemberi kerja", "KBLI", "Jenis pemberi kerja", "Jabatan", "KBJI", "Pendidikan", "L", "P", "L/P",
			"Terisi", "Lokasi", "Batas", "Keadaan", "Petugas"}}
	for _, e := range rows {
		edu := e.MinEducation
		if e.Code != "" {
			edu += " · " + domain.EducationCodeLabel(e.Code)
		}
		reg.Rows = append(reg.Rows, []string{strconv.FormatInt(e.ID, 10), domain.FormatDate(domain.Day(e.Day)), e.EmployerName, e.KBLI,
			domain.LabelOf(domain.EmployerTypes, e.EmployerType), e.Position, e.KBJI, edu, strconv.Itoa(e.WantedL), strconv.Itoa(e.WantedP),
			strconv.Itoa(e.WantedAny), strconv.Itoa(e.Filled), strings.TrimSpace(domain.LabelOf(domain.DesiredLocations, e.Location) + " " + e.LocationDetail),
			domain.FormatDate(e.ClosingDate), domain.VacancyState(e.State).Label(), e.Officer})
	}
	return s.registerPage(c, "Register lowongan", "desk/register", rows, q, reg)
}

// documentColumn is the short heading of a document's column in the check list.
func documentColumn(key string) string {
	switch key {
	case "ktp":
		return "KTP"
	case "foto":
		return "Pas foto"
	case "ijazah":
		return "Ijazah"
	case "sertifikat":
		return "Sertifikat (jika ada)"
	case "pengalaman":
		return "Pengalaman kerja (jika ada)"
	}
	return key
}
