package web

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"ak1/server/domain"
	"ak1/server/storage"
)

// Job counselling (SOP 12): the open vacancies ranked for one job seeker with the reasons each fits
// or not, referrals with a printable letter, the Catatan Pengantar Kerja.

func (s *Server) counsellingPage(c *fiber.Ctx) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	vacancies, err := s.db.OpenVacancies(ctx)
	if err != nil {
		return err
	}
	today := s.rules().Today
	refs, err := s.db.ReferralsOf(ctx, a.ID)
	if err != nil {
		return err
	}
	referred := map[int64]int64{}
	for _, r := range refs {
		referred[r.Vacancy.ID] = r.ID
	}
	done, err := s.db.CounsellingOf(ctx, a.ID)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	p := s.deskPage(c, "Bimbingan jabatan · "+a.FullName, "antrean")
	p.Data["App"] = a
	p.Data["Matches"] = domain.MatchVacancies(&a.Form, vacancies, today)
	p.Data["Referred"] = referred
	p.Data["Referrals"] = refs
	p.Data["Done"] = done
	p.Data["Open"] = a.State == domain.StateSigned
	p.Data["StateLabel"] = stateLabel(a.State)
	p.Data["SkipReasons"] = domain.CounsellingSkipReasons
	p.Data["Facts"] = seekerFacts(&a.Form, today)
	return c.Render("desk/counselling", p, "layouts/officer")
}

// seekerFacts are the lines of the Daftar Isian that matching reads, for the counsellor.
func seekerFacts(f *domain.Form, today time.Time) []summaryRow {
	age := ""
	if b, ok := f.BirthDate(); ok {
		age = strconv.Itoa(domain.AgeOn(b, today)) + " tahun"
	}
	edu := f.EduLevel
	if f.EduCode != "" {
		edu += " · " + domain.EducationCodeLabel(f.EduCode)
	}
	place := domain.LabelOf(domain.DesiredLocations, f.DesiredLocation)
	if f.DesiredCountry != "" {
		place += " (" + f.DesiredCountry + ")"
	}
	wage := "—"
	if f.DesiredWage != "" {
		wage = formatRupiah(f.DesiredWage)
	}
	rows := []summaryRow{
		{"Umur, jenis kelamin", age + ", " + domain.LabelOf(domain.Sexes, f.Sex)},
		{"Pendidikan", edu},
		{"Jabatan diinginkan", domain.LabelOf(domain.KBJIGroups, f.DesiredKBJI) + sep(f.DesiredPosition)},
		{"Lokasi diinginkan", place},
		{"Upah diinginkan", wage},
	}
	if f.DesiredSector != "" {
		rows = append(rows, summaryRow{"Bidang usaha diinginkan", domain.LabelOf(domain.KBLISections, f.DesiredSector)})
	}
	if f.TargetCompany != "" {
		rows = append(rows, summaryRow{"Perusahaan dituju", f.TargetCompany})
	}
	return rows
}

func sep(s string) string {
	if s == "" {
		return ""
	}
	return " — " + s
}

// refer refers the job seeker to the vacancy chosen on the counselling page.
func (s *Server) refer(c *fiber.Ctx) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	vacancy, err := strconv.ParseInt(c.FormValue("lowongan"), 10, 64)
	if err != nil || vacancy <= 0 {
		return &PublicError{fiber.StatusUnprocessableEntity, "Pilih lowongan yang dituju."}
	}
	if _, err := s.db.Refer(c.UserContext(), a.ID, vacancy, officerOf(c).ID); err != nil {
		return s.afterError(err)
	}
	s.events.notify()
	return c.Redirect(appURL(a.ID)+"/bimbingan#rujukan", fiber.StatusSeeOther)
}

// referralLetter is the referral letter (surat pengantar) to the employer, A4 when printed.
func (s *Server) referralLetter(c *fiber.Ctx) error {
	id, err := pathParamID(c, "rujukan")
	if err != nil {
		return err
	}
	r, err := s.db.ReferralLetter(c.UserContext(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	p := s.deskPage(c, "Surat pengantar "+r.Number, "antrean")
	p.Data["R"] = r
	p.Data["Birth"] = ""
	if b, ok := r.Holder.Form.BirthDate(); ok {
		p.Data["Birth"] = r.Holder.Form.BirthPlace + ", " + domain.FormatDate(b)
	}
	p.Data["Sex"] = domain.LabelOf(domain.Sexes, r.Holder.Sex)
	p.Data["Date"] = domain.FormatDate(r.At.In(domain.OfficeZone))
	p.Data["KBJI"] = domain.LabelOf(domain.KBJIGroups, r.Vacancy.KBJI)
	return c.Render("desk/referral-letter", p, "layouts/officer")
}
