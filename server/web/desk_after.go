package web

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ak1/server/domain"
	"ak1/server/storage"
)

// After the card is printed (issue 9, SOP 8–17): the holder's check, the Pengantar Kerja's
// sign-off in their own session, job counselling, the hand-over and legalised copies. Each action is
// one storage call that moves the application one step (guarded UPDATE, audit row, step event).

// signer lets through only officers who may sign today: a Pengantar Kerja, or the official the Kasi
// assigned by disposition. The route table lets the roles that can hold a disposition reach it.
func (s *Server) signer(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ok, _, err := s.db.MaySign(c.UserContext(), officerOf(c).ID)
		if err != nil {
			return err
		}
		if !ok {
			return &PublicError{fiber.StatusForbidden, domain.ErrNotSigner.Error()}
		}
		return h(c)
	}
}

// afterError turns the errors of the after-print steps into what the officer reads.
func (s *Server) afterError(err error) error {
	if errors.Is(err, storage.ErrNotSigner) {
		return &PublicError{fiber.StatusForbidden, domain.ErrNotSigner.Error()}
	}
	return s.deskError(err)
}

// afterStep runs one step on the application of the :id parameter and goes back to its page.
func (s *Server) afterStep(c *fiber.Ctx, do func(appID, userID int64) error) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	if err := do(a.ID, officerOf(c).ID); err != nil {
		return s.afterError(err)
	}
	s.events.notify()
	return c.Redirect(appURL(a.ID), fiber.StatusSeeOther)
}

// holderChecked: the holder checked the card and signed it by the photo (SOP 8–9).
func (s *Server) holderChecked(c *fiber.Ctx) error {
	return s.afterStep(c, func(id, user int64) error { return s.db.HolderChecked(c.UserContext(), id, user) })
}

// signOff: the Pengantar Kerja signed and stamped the card (SOP 10–11), in their own session.
func (s *Server) signOff(c *fiber.Ctx) error {
	err := s.afterStep(c, func(id, user int64) error { return s.db.SignOff(c.UserContext(), id, user) })
	if err == nil && c.FormValue("kembali") == "beranda" {
		return c.Redirect("/petugas", fiber.StatusSeeOther) // signed from the list of waiting cards: stay there
	}
	return err
}

// skipCounselling: counselling not needed (SOP 12), with one of the SOP's reasons or a typed one.
func (s *Server) skipCounselling(c *fiber.Ctx) error {
	r := domain.CleanReason(reason(c))
	return s.afterStep(c, func(id, user int64) error { return s.db.SkipCounselling(c.UserContext(), id, user, r) })
}

// finishCounselling ends the counselling with the Catatan Pengantar Kerja.
func (s *Server) finishCounselling(c *fiber.Ctx) error {
	note := domain.CleanNote(c.FormValue("catatan"))
	return s.afterStep(c, func(id, user int64) error { return s.db.FinishCounselling(c.UserContext(), id, user, note) })
}

// handOver records the hand-over in the Buku Penyerahan (SOP 13).
func (s *Server) handOver(c *fiber.Ctx) error {
	by := domain.CleanReason(c.FormValue("diterima_oleh"))
	return s.afterStep(c, func(id, user int64) error { return s.db.HandOver(c.UserContext(), id, user, by) })
}

// requestLegalisation takes the holder's copies for legalisation (SOP 14–15).
func (s *Server) requestLegalisation(c *fiber.Ctx) error {
	copies, err := strconv.Atoi(strings.TrimSpace(c.FormValue("lembar")))
	if err != nil {
		return &PublicError{fiber.StatusUnprocessableEntity, "Tulis jumlah lembar fotokopi berupa angka, misalnya 2."}
	}
	return s.afterStep(c, func(id, user int64) error {
		_, err := s.db.RequestLegalisation(c.UserContext(), id, user, copies)
		return err
	})
}

// legalisationStep signs or hands over the legalisation request of the :id parameter.
func (s *Server) legalisationStep(c *fiber.Ctx, do func(id, userID int64) error) error {
	id, err := strconv.ParseInt(c.Params("legalisir"), 10, 64)
	if err != nil || id <= 0 {
		return fiber.ErrNotFound
	}
	appID, err := s.db.LegalisationApplication(c.UserContext(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := do(id, officerOf(c).ID); err != nil {
		return s.afterError(err)
	}
	s.events.notify()
	if c.FormValue("kembali") == "beranda" {
		return c.Redirect("/petugas", fiber.StatusSeeOther)
	}
	return c.Redirect(appURL(appID), fiber.StatusSeeOther)
}

// signLegalisation: the copies are legalised (SOP 16).
func (s *Server) signLegalisation(c *fiber.Ctx) error {
	return s.legalisationStep(c, func(id, user int64) error { return s.db.SignLegalisation(c.UserContext(), id, user) })
}

// handOverLegalisation: the legalised copies are handed to the holder (SOP 17).
func (s *Server) handOverLegalisation(c *fiber.Ctx) error {
	return s.legalisationStep(c, func(id, user int64) error { return s.db.HandOverLegalisation(c.UserContext(), id, user) })
}

// afterView is what the application page shows about the steps after printing.
type afterView struct {
	Next          domain.Next
	MaySign       bool
	Steps         []stepRow
	Signer        *domain.Officer
	SignedAt      time.Time
	Counselling   *storage.Counselling
	Referrals     []storage.Referral
	HandOver      *storage.HandOverEntry
	Notes         []string
	FirstReport   time.Time
	Legalisations []storage.Legalisation
	SkipReasons   []string
}

// stepRow is one line of an application's timeline.
type stepRow struct {
	storage.StepEvent
	Info domain.StepInfo
}

// afterData gathers the after-print part of the application page.
func (s *Server) afterData(c *fiber.Ctx, a *storage.DeskApplication) (*afterView, error) {
	ctx := c.UserContext()
	v := &afterView{Next: domain.NextFor(a.State), SkipReasons: domain.CounsellingSkipReasons}
	ok, _, err := s.db.MaySign(ctx, officerOf(c).ID)
	if err != nil {
		return nil, err
	}
	v.MaySign = ok
	evs, err := s.db.StepEvents(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		v.Steps = append(v.Steps, stepRow{e, e.Step.Info()})
	}
	if a.Card != nil {
		v.Notes = domain.HandOverNotes(a.Card.IssuedOn, a.Card.ValidUntil)
		v.FirstReport = domain.FirstReportDate(a.Card.IssuedOn)
		if signed, err := s.db.CardSignature(ctx, a.Card.ID); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		} else if err == nil {
			v.Signer, v.SignedAt = &signed.Signer, signed.At
		}
	}
	if v.Counselling, err = s.db.CounsellingOf(ctx, a.ID); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	if v.Referrals, err = s.db.ReferralsOf(ctx, a.ID); err != nil {
		return nil, err
	}
	if v.HandOver, err = s.db.HandOverOf(ctx, a.ID); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	if v.Legalisations, err = s.db.LegalisationsOf(ctx, a.ID); err != nil {
		return nil, err
	}
	return v, nil
}

// workList is one list of waiting work on a role's home screen.
type workList struct {
	Key, Title, Hint string
	Apps             []workItem
	Legalisations    []storage.Legalisation
	Reports          []storage.IPKStatus // monthly IPK reports to submit or approve (ipk.go)
	Action           string              // sign, legal-sign, legal-hand, open, report
}

// Count is how many items wait in the list.
func (l workList) Count() int { return len(l.Apps) + len(l.Legalisations) + len(l.Reports) }

type workItem struct {
	storage.WaitingItem
	Waiting string
}

// waitingWork is the officer's own waiting work, first on the home screen: the steps after printing
// that the officer's role takes (a Pengantar Kerja's, also an official's assigned by disposition).
func (s *Server) waitingWork(c *fiber.Ctx) ([]workList, error) {
	ctx := c.UserContext()
	o := officerOf(c)
	maySign, _, err := s.db.MaySign(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	apps := func(key, title, hint, action string, states ...domain.State) (workList, error) {
		items, err := s.db.WaitingWork(ctx, states, 50)
		l := workList{Key: key, Title: title, Hint: hint, Action: action}
		for _, it := range items {
			l.Apps = append(l.Apps, workItem{it, waitText(now.Sub(it.Since))})
		}
		return l, err
	}
	var lists []workList
	add := func(l workList, err error) error {
		if err == nil {
			lists = append(lists, l)
		}
		return err
	}
	desk := canDesk(o)
	if maySign {
		if err := add(apps("tandatangan", "Menunggu tanda tangan dan cap Anda", "SOP 10–11: kartu sudah diperiksa dan ditandatangani pemegang.",
			"sign", domain.StateChecked)); err != nil {
			return nil, err
		}
		if err := add(apps("bimbingan", "Menunggu bimbingan jabatan", "SOP 12", "open", domain.StateSigned)); err != nil {
			return nil, err
		}
		legs, err := s.db.LegalisationsWaiting(ctx, storage.LegalisationRequested)
		if err != nil {
			return nil, err
		}
		lists = append(lists, workList{Key: "legalisir-sahkan", Title: "Fotokopi menunggu legalisir", Hint: "SOP 16", Legalisations: legs, Action: "legal-sign"})
	}
	if desk {
		if err := add(apps("periksa", "Kartu tercetak: pemeriksaan dan tanda tangan pemegang", "SOP 8–9", "open", domain.StatePrinted)); err != nil {
			return nil, err
		}
		if err := add(apps("serahkan", "Siap diserahkan kepada pemegang", "SOP 13", "open", domain.StateCounselled)); err != nil {
			return nil, err
		}
		legs, err := s.db.LegalisationsWaiting(ctx, storage.LegalisationSigned)
		if err != nil {
			return nil, err
		}
		lists = append(lists, workList{Key: "legalisir-serahkan", Title: "Fotokopi legalisir siap diserahkan", Hint: "SOP 17", Legalisations: legs, Action: "legal-hand"})
	}
	if !maySign && (o.Role == domain.RoleKasi || o.Role == domain.RoleAdmin) {
		// The Kasi watches the cards waiting for a signature: with no Pengantar Kerja present, the
		// disposition is the Kasi's work.
		if err := add(apps("tandatangan", "Menunggu tanda tangan Pengantar Kerja", "Bila tidak ada Pengantar Kerja, buat disposisi.",
			"open", domain.StateChecked)); err != nil {
			return nil, err
		}
	}
	if reports, err := s.reportWork(c); err != nil {
		return nil, err
	} else if reports.Count() > 0 {
		lists = append(lists, reports)
	}
	// Pengantar Kerja's lists first: the signature is what holds people at the desk.
	if o.Role == domain.RolePetugas {
		for i, j := 0, len(lists)-1; i < j; i, j = i+1, j-1 {
			lists[i], lists[j] = lists[j], lists[i]
		}
	}
	return lists, nil
}

// workFragment answers the live refresh of the waiting-work lists.
func (s *Server) workFragment(c *fiber.Ctx) error {
	lists, err := s.waitingWork(c)
	if err != nil {
		return err
	}
	return c.Render("desk/work-lists", fiber.Map{"Work": lists, "CSRF": csrfToken(c), "NeedDisposition": s.needDisposition(c, lists)})
}

// needDisposition tells the Kasi that cards wait for a signature while no Pengantar Kerja is signed in.
func (s *Server) needDisposition(c *fiber.Ctx, lists []workList) bool {
	o := officerOf(c)
	if o.Role != domain.RoleKasi && o.Role != domain.RoleAdmin {
		return false
	}
	waiting := false
	for _, l := range lists {
		waiting = waiting || (l.Key == "tandatangan" && len(l.Apps) > 0)
	}
	if !waiting {
		return false
	}
	present, err := s.db.PresentPengantar(c.UserContext())
	return err == nil && len(present) == 0
}

// dispositionPage is the Kasi's: who is present to sign, and today's dispositions.
func (s *Server) dispositionPage(c *fiber.Ctx) error {
	return s.renderDispositions(c, "", 0, fiber.StatusOK)
}

func (s *Server) renderDispositions(c *fiber.Ctx, message string, chosen int64, status int) error {
	ctx := c.UserContext()
	p := s.deskPage(c, "Disposisi tanda tangan", "disposisi")
	present, err := s.db.PresentPengantar(ctx)
	if err != nil {
		return err
	}
	list, err := s.db.Dispositions(ctx, domain.OfficeDay(s.now()))
	if err != nil {
		return err
	}
	users, err := s.db.Users(ctx, "")
	if err != nil {
		return err
	}
	var officials []domain.Officer
	for _, u := range users {
		if u.Role != domain.RolePengantar && domain.CheckSigner(u) == nil {
			officials = append(officials, u)
		}
	}
	p.Data["Present"] = present
	p.Data["Dispositions"] = list
	p.Data["Officials"] = officials
	p.Data["Chosen"] = chosen
	p.Data["Message"] = message
	p.Data["Reasons"] = dispositionReasons
	p.Data["Today"] = domain.FormatDate(s.now().In(domain.OfficeZone))
	return c.Status(status).Render("desk/dispositions", p, "layouts/officer")
}

// dispositionReasons are the usual reasons no Pengantar Kerja is present.
var dispositionReasons = []string{"Pengantar Kerja sedang dinas luar", "Pengantar Kerja cuti", "Pengantar Kerja sakit"}

func (s *Server) addDisposition(c *fiber.Ctx) error {
	assignee, _ := strconv.ParseInt(c.FormValue("pejabat"), 10, 64)
	r := domain.CleanReason(reason(c))
	_, err := s.db.AddDisposition(c.UserContext(), officerOf(c).ID, assignee, r)
	var nr *storage.NotReadyError
	if errors.As(err, &nr) {
		return s.renderDispositions(c, nr.Message, assignee, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.events.notify()
	return c.Redirect("/petugas/disposisi", fiber.StatusSeeOther)
}

func (s *Server) revokeDisposition(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("disposisi"), 10, 64)
	if err != nil || id <= 0 {
		return fiber.ErrNotFound
	}
	if err := s.db.RevokeDisposition(c.UserContext(), id, officerOf(c).ID); err != nil {
		if errors.Is(err, storage.ErrStateChanged) {
			return &PublicError{fiber.StatusConflict, "Disposisi ini sudah dicabut atau tidak ada."}
		}
		return err
	}
	s.events.notify()
	return c.Redirect("/petugas/disposisi", fiber.StatusSeeOther)
}

// handOverBookPage is the Buku Penyerahan AK/I of a period, A4 when printed, XLSX on request.
func (s *Server) handOverBookPage(c *fiber.Ctx) error {
	q, err := s.registerFilter(c)
	if err != nil {
		return err
	}
	rows, err := s.db.HandOverBook(c.UserContext(), q.from(), q.to(), q.Officer)
	if err != nil {
		return err
	}
	reg := &domain.Register{Title: "BUKU PENYERAHAN KARTU AK/I", Lines: q.lines("diserahkan oleh"),
		Columns: []string{"No.", "Tanggal, jam", "Nomor pendaftaran AK/I", "NIK", "Nama pemegang", "Diterima oleh", "Diserahkan oleh", "NIP"}}
	for i, e := range rows {
		reg.Rows = append(reg.Rows, []string{strconv.Itoa(i + 1), waktu(e.At), e.RegNumber, e.NIK, e.HolderName, e.ReceivedBy, e.HandedBy, e.HandedByNIP})
	}
	return s.registerPage(c, "Buku Penyerahan AK/I", "desk/handover-book", rows, q, reg)
}

// legalisationRegisterPage is the legalisation register of a period, A4 when printed, XLSX on request.
func (s *Server) legalisationRegisterPage(c *fiber.Ctx) error {
	q, err := s.registerFilter(c)
	if err != nil {
		return err
	}
	rows, err := s.db.LegalisationRegister(c.UserContext(), q.from(), q.to(), q.Officer)
	if err != nil {
		return err
	}
	reg := &domain.Register{Title: "REGISTER LEGALISIR FOTOKOPI KARTU AK/I", Lines: q.lines("petugas"),
		Columns: []string{"No. register", "Nomor pendaftaran AK/I", "Nama pemegang", "Lembar", "Diterima", "Petugas penerima", "Disahkan oleh",
			"NIP", "Disposisi", "Diserahkan", "Petugas penyerah"}}
	for _, l := range rows {
		signed, handed, disp := "", "", ""
		if l.SignedBy != "" {
			signed = waktu(l.SignedAt)
		}
		if l.HandedBy != "" {
			handed = waktu(l.HandedAt)
		}
		if l.Disposition {
			disp = "ya"
		}
		reg.Rows = append(reg.Rows, []string{l.Number, l.RegNumber, l.HolderName, strconv.Itoa(l.Copies), waktu(l.RequestedAt), l.RequestedBy,
			strings.TrimSpace(l.SignedBy + " " + signed), l.SignedByNIP, disp, handed, l.HandedBy})
	}
	return s.registerPage(c, "Register legalisir AK/I", "desk/legalisation-register", rows, q, reg)
}

// waktu is a moment as the office reads it: "27 November 2026 09.15 WITA".
func waktu(t time.Time) string {
	w := t.In(domain.OfficeZone)
	return domain.FormatDate(w) + " " + w.Format("15.04") + " WITA"
}
