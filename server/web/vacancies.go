package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ak1/server/domain"
	"ak1/server/storage"
)

// Vacancies (lowongan) kept by the officers: registered, edited, filled, withdrawn. Every change is
// a dated event (storage.vacancy_events) that the monthly IPK report counts.

func vacancyURL(id int64) string { return "/petugas/lowongan/" + strconv.FormatInt(id, 10) }

// vacancyChoices are the pick-lists of the vacancy form.
func vacancyChoices(p deskPage, f domain.VacancyForm) {
	p.Data["KBLI"] = domain.KBLISections
	p.Data["EmployerTypes"] = domain.EmployerTypes
	p.Data["KBJI"] = domain.KBJIGroups
	p.Data["Levels"] = domain.EducationLevels
	p.Data["Locations"] = domain.DesiredLocations
	p.Data["EduCodes"] = eduCodeGroups(f.MinEducation)
}

func (s *Server) vacanciesPage(c *fiber.Ctx) error {
	if _, err := s.db.ExpireVacancies(c.UserContext()); err != nil {
		return err
	}
	open := c.Query("keadaan") != "ditutup"
	q := strings.TrimSpace(c.Query("q"))
	if len([]rune(q)) > 100 {
		q = string([]rune(q)[:100])
	}
	list, err := s.db.Vacancies(c.UserContext(), storage.VacancyFilter{Open: open, Query: q})
	if err != nil {
		return err
	}
	p := s.deskPage(c, "Lowongan kerja", "lowongan")
	p.Data["List"] = list
	p.Data["Open"] = open
	p.Data["Query"] = q
	return c.Render("desk/vacancies", p, "layouts/officer")
}

func (s *Server) renderVacancyForm(c *fiber.Ctx, v *domain.Vacancy, f domain.VacancyForm, errs domain.Errors, status int) error {
	title := "Lowongan baru"
	if v != nil {
		title = "Lowongan: " + v.EmployerName
	}
	p := s.deskPage(c, title, "lowongan")
	p.Data["V"] = v
	p.Data["F"] = f
	p.Data["Errors"] = errs
	vacancyChoices(p, f)
	if v != nil {
		events, err := s.db.VacancyEvents(c.UserContext(), v.ID)
		if err != nil {
			return err
		}
		p.Data["Events"] = events
		p.Data["Seen"] = v.Version
	}
	return c.Status(status).Render("desk/vacancy", p, "layouts/officer")
}

func (s *Server) newVacancyPage(c *fiber.Ctx) error {
	return s.renderVacancyForm(c, nil, domain.VacancyForm{Location: "lokal"}, nil, fiber.StatusOK)
}

func postedValues(c *fiber.Ctx) (url.Values, error) {
	v, err := url.ParseQuery(string(c.Body()))
	if err != nil {
		return nil, &PublicError{fiber.StatusBadRequest, "Isian tidak terbaca. Silakan ulangi."}
	}
	return v, nil
}

func (s *Server) createVacancy(c *fiber.Ctx) error {
	values, err := postedValues(c)
	if err != nil {
		return err
	}
	f := domain.ReadVacancyForm(values)
	v, errs := f.Check(s.rules().Today)
	if len(errs) > 0 {
		return s.renderVacancyForm(c, nil, f, errs, fiber.StatusUnprocessableEntity)
	}
	id, err := s.db.CreateVacancy(c.UserContext(), v, officerOf(c).ID)
	if err != nil {
		return err
	}
	s.events.notify()
	return c.Redirect(vacancyURL(id), fiber.StatusSeeOther)
}

// vacancyID reads the :id parameter and loads the vacancy.
func (s *Server) vacancyID(c *fiber.Ctx) (*domain.Vacancy, error) {
	id, err := pathParamID(c, "lowongan")
	if err != nil {
		return nil, err
	}
	v, err := s.db.Vacancy(c.UserContext(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fiber.ErrNotFound
	}
	return v, err
}

func (s *Server) vacancyPage(c *fiber.Ctx) error {
	v, err := s.vacancyID(c)
	if err != nil {
		return err
	}
	return s.renderVacancyForm(c, v, domain.FormOf(v), nil, fiber.StatusOK)
}

// seenVersion reads the version of the vacancy the officer's form was made from.
func seenVersion(c *fiber.Ctx) int {
	n, _ := strconv.Atoi(c.FormValue("versi"))
	return n
}

// vacancyChanged is what an officer sees when someone else changed the vacancy first.
var vacancyChanged = &PublicError{fiber.StatusConflict, "Lowongan ini sudah diubah atau ditutup petugas lain. Muat ulang halaman untuk melihat keadaannya sekarang."}

func (s *Server) vacancyError(err error) error {
	var nr *storage.NotReadyError
	switch {
	case errors.Is(err, storage.ErrVacancyChanged):
		return vacancyChanged
	case errors.As(err, &nr):
		return &PublicError{fiber.StatusUnprocessableEntity, nr.Message}
	}
	return err
}

func (s *Server) updateVacancy(c *fiber.Ctx) error {
	old, err := s.vacancyID(c)
	if err != nil {
		return err
	}
	values, err := postedValues(c)
	if err != nil {
		return err
	}
	f := domain.ReadVacancyForm(values)
	v, errs := f.Check(s.rules().Today)
	if len(errs) > 0 {
		return s.renderVacancyForm(c, old, f, errs, fiber.StatusUnprocessableEntity)
	}
	if err := s.db.UpdateVacancy(c.UserContext(), old.ID, officerOf(c).ID, seenVersion(c), v); err != nil {
		var nr *storage.NotReadyError
		if errors.As(err, &nr) {
			return s.renderVacancyForm(c, old, f, domain.Errors{"wanted_l": nr.Message}, fiber.StatusUnprocessableEntity)
		}
		return s.vacancyError(err)
	}
	s.events.notify()
	return c.Redirect(vacancyURL(old.ID), fiber.StatusSeeOther)
}

func (s *Server) fillVacancy(c *fiber.Ctx) error {
	v, err := s.vacancyID(c)
	if err != nil {
		return err
	}
	values, err := postedValues(c)
	if err != nil {
		return err
	}
	filled, ok := domain.ReadCounts(values, "terisi")
	if !ok {
		return &PublicError{fiber.StatusUnprocessableEntity, "Jumlah terisi berupa angka, misalnya 1."}
	}
	by := domain.CleanReason(values.Get("diisi_oleh"))
	if err := s.db.FillVacancy(c.UserContext(), v.ID, officerOf(c).ID, seenVersion(c), filled, by, values.Get("tutup") != ""); err != nil {
		return s.vacancyError(err)
	}
	s.events.notify()
	return c.Redirect(vacancyURL(v.ID), fiber.StatusSeeOther)
}

func (s *Server) withdrawVacancy(c *fiber.Ctx) error {
	v, err := s.vacancyID(c)
	if err != nil {
		return err
	}
	if err := s.db.WithdrawVacancy(c.UserContext(), v.ID, officerOf(c).ID, seenVersion(c), domain.CleanReason(reason(c))); err != nil {
		return s.vacancyError(err)
	}
	s.events.notify()
	return c.Redirect(vacancyURL(v.ID), fiber.StatusSeeOther)
}

// vacancyEduCodes answers a change of the minimum education with its IPK codes.
func (s *Server) vacancyEduCodes(c *fiber.Ctx) error {
	return c.Render("desk/code-options", fiber.Map{"Groups": eduCodeGroups(c.Query("min_education"))})
}
