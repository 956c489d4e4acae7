package web

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ak1/server/domain"
	"ak1/server/storage"
)

// The desk's side of the card's life (issue 13): the tickets of every kiosk service in the queue,
// and a card's page with its report grid, placement, dated events and the officer's actions.

func cardURL(id int64) string { return "/petugas/kartu/" + strconv.FormatInt(id, 10) }

func visitURL(id int64) string { return "/petugas/layanan/" + strconv.FormatInt(id, 10) }

// cardParam loads the card named by :card with its life.
func (s *Server) cardParam(c *fiber.Ctx) (*storage.CardLife, error) {
	id, err := pathParamID(c, "card")
	if err != nil {
		return nil, err
	}
	life, err := s.db.CardLife(c.UserContext(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fiber.ErrNotFound
	}
	return life, err
}

func (s *Server) visitParam(c *fiber.Ctx) (*storage.Visit, error) {
	id, err := pathParamID(c, "visit")
	if err != nil {
		return nil, err
	}
	v, err := s.db.Visit(c.UserContext(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fiber.ErrNotFound
	}
	return v, err
}

// visitOf reads the posted visit ("kunjungan") an action on a card comes from: it must be a visit
// about that card or about no card. 0 when none was posted.
func (s *Server) visitOf(c *fiber.Ctx, cardID int64) (int64, error) {
	raw := c.FormValue("kunjungan", c.Query("kunjungan"))
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, nil
	}
	v, err := s.db.Visit(c.UserContext(), id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && v.CardID != 0 && v.CardID != cardID) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return v.ID, nil
}

// back returns to the visit the officer came from, or to the card.
func (s *Server) back(c *fiber.Ctx, cardID, visitID int64) error {
	if visitID != 0 {
		return c.Redirect(visitURL(visitID), fiber.StatusSeeOther)
	}
	return c.Redirect(cardURL(cardID), fiber.StatusSeeOther)
}

// lifeError turns the card rules' refusals into messages for the officer.
func (s *Server) lifeError(err error) error {
	var re *domain.RuleError
	if errors.As(err, &re) {
		return &PublicError{fiber.StatusUnprocessableEntity, re.Message}
	}
	return s.deskError(err)
}

// visitStateLabel is a visit's state as officers call it.
func visitStateLabel(state string) string {
	switch state {
	case storage.VisitWaiting:
		return "Menunggu"
	case storage.VisitCalled:
		return "Dipanggil"
	case storage.VisitDone:
		return "Selesai"
	}
	return state
}

// visitRow is a visit in the desk queue.
type visitRow struct {
	storage.Visit
	ServiceTitle string
	StateLabel   string
	Waiting      string
}

// visitStates maps the queue's state filter to visit states; nil means every state, and a filter
// about applications only shows no visits.
func visitStates(filter string) ([]string, bool) {
	switch filter {
	case "menunggu":
		return []string{storage.VisitWaiting, storage.VisitCalled}, true
	case "semua":
		return nil, true
	}
	return nil, false
}

// queueVisits lists the kiosk service tickets for the desk queue with the same filter as the
// applications.
func (s *Server) queueVisits(ctx context.Context, q, day, state string) ([]visitRow, error) {
	states, show := visitStates(state)
	if !show {
		return nil, nil
	}
	list, err := s.db.Visits(ctx, storage.VisitFilter{Day: day, States: states, Query: q})
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]visitRow, len(list))
	for i, v := range list {
		svc, _ := domain.FindService(v.Service)
		out[i] = visitRow{Visit: v, ServiceTitle: svc.Title, StateLabel: visitStateLabel(v.State)}
		if v.State != storage.VisitDone {
			out[i].Waiting = waitText(now.Sub(v.CreatedAt))
		}
	}
	return out, nil
}

// visitsForQueue reads the visits the queue page or fragment shows for this request.
func (s *Server) visitsForQueue(c *fiber.Ctx) ([]visitRow, error) {
	f, state := s.queueFilter(c)
	return s.queueVisits(c.UserContext(), f.Query, f.Day, state)
}

// lobbyCalls merges the latest calls of applications and of visits, newest first.
func (s *Server) lobbyCalls(ctx context.Context, n int) ([]storage.Call, error) {
	calls, err := s.db.LastCalls(ctx, n)
	if err != nil {
		return nil, err
	}
	visits, err := s.db.LastVisitCalls(ctx, n)
	if err != nil {
		return nil, err
	}
	calls = append(calls, visits...)
	sort.SliceStable(calls, func(i, j int) bool { return calls[i].At.After(calls[j].At) })
	if len(calls) > n {
		calls = calls[:n]
	}
	return calls, nil
}

func (s *Server) visitPage(c *fiber.Ctx) error {
	v, err := s.visitParam(c)
	if err != nil {
		return err
	}
	svc, _ := domain.FindService(v.Service)
	p := s.deskPage(c, v.Ticket+" · "+svc.Title, "antrean")
	p.Data["Visit"] = v
	p.Data["Service"] = svc
	p.Data["StateLabel"] = visitStateLabel(v.State)
	p.Data["CanDesk"] = canDesk(officerOf(c))
	if v.CardID != 0 {
		life, err := s.db.CardLife(c.UserContext(), v.CardID)
		if err != nil {
			return err
		}
		s.cardLifeData(c, p.Data, life)
		p.Data["VisitID"] = v.ID
	}
	return c.Render("desk/visit", p, "layouts/officer")
}

func (s *Server) callVisit(c *fiber.Ctx) error {
	v, err := s.visitParam(c)
	if err != nil {
		return err
	}
	desk := sessionOf(c).Desk
	if desk == "" {
		desk = "1"
	}
	if err := s.db.CallVisit(c.UserContext(), v.ID, officerOf(c).ID, desk); err != nil {
		return s.deskError(err)
	}
	s.events.notify()
	return c.Redirect(visitURL(v.ID), fiber.StatusSeeOther)
}

func (s *Server) finishVisit(c *fiber.Ctx) error {
	v, err := s.visitParam(c)
	if err != nil {
		return err
	}
	if err := s.db.FinishVisit(c.UserContext(), v.ID, officerOf(c).ID); err != nil {
		return s.deskError(err)
	}
	s.events.notify()
	return c.Redirect("/petugas", fiber.StatusSeeOther)
}

// slotRow is one row of the card's report grid.
type slotRow struct {
	domain.ReportSlot
	Report     *storage.Report
	Next       bool
	Receivable bool // made at the kiosk and not yet received by an officer
}

// eventRow is one dated change of the card's state.
type eventRow struct {
	storage.CardEventRecord
	Label    string
	IPKLabel string
}

var eventLabels = map[string]string{
	domain.EventIssued: "Kartu diterbitkan", domain.EventPlaced: "Sudah bekerja", domain.EventLapsed: "Dihapuskan (kedaluwarsa)",
	domain.EventCancelled: "Dibatalkan", domain.EventVoided: "Diganti",
}

var ipkLabels = map[string]string{domain.IPKRegistered: "terdaftar", domain.IPKPlaced: "ditempatkan", domain.IPKRemoved: "dihapuskan"}

// cardLifeData fills what the card panel (desk/card-life) shows.
func (s *Server) cardLifeData(c *fiber.Ctx, data fiber.Map, life *storage.CardLife) {
	data["L"] = life
	data["CardState"] = domain.CardStateLabel(life.Life.State)
	data["StateText"] = domain.CardStateText(life.Life)
	var rows []slotRow
	for _, sl := range life.Life.Slots {
		r := slotRow{ReportSlot: sl, Next: sl.Number == life.Life.Next}
		for i := range life.Reports {
			if life.Reports[i].Number == sl.Number {
				r.Report = &life.Reports[i]
				r.Receivable = life.Reports[i].ReceivedBy == ""
			}
		}
		rows = append(rows, r)
	}
	data["Slots"] = rows
	events := make([]eventRow, len(life.Events))
	for i, e := range life.Events {
		events[i] = eventRow{CardEventRecord: e, Label: eventLabels[e.Kind], IPKLabel: ipkLabels[e.IPK]}
	}
	data["Events"] = events
	facts := factsOf(life)
	rules := s.db.ReportRules()
	today := s.rules().Today
	if _, err := rules.CheckReport(facts, today); err != nil {
		data["ReportRefused"] = err.Error()
	}
	data["Active"] = life.Life.State == domain.CardActive
	data["CanRenew"] = life.Life.State != domain.CardVoided && life.RenewedBy == 0
	if life.Placement != nil {
		data["PlacementType"] = domain.PlacementTypeName(life.Placement.Type)
		data["EmployerType"] = domain.LabelOf(domain.EmployerTypes, life.Placement.EmployerType)
		data["KBLIName"] = domain.LabelOf(domain.KBLISections, life.Placement.Sector)
		data["KBJIName"] = domain.LabelOf(domain.KBJIGroups, life.Placement.KBJI)
	}
	data["CanDesk"] = canDesk(officerOf(c))
}

func factsOf(life *storage.CardLife) domain.CardFacts {
	f := domain.CardFacts{State: life.Life.State, StateOn: life.Life.Since, IssuedOn: life.Card.IssuedOn, ValidUntil: life.Card.ValidUntil}
	for _, r := range life.Reports {
		if r.Number >= 1 && r.Number <= domain.Reports {
			f.Reported[r.Number-1] = r.ReportedOn
		}
	}
	return f
}

func (s *Server) cardLifePage(c *fiber.Ctx) error {
	life, err := s.cardParam(c)
	if err != nil {
		return err
	}
	p := s.deskPage(c, "Kartu "+life.Card.RegNumber+" · "+life.App.FullName, "antrean")
	s.cardLifeData(c, p.Data, life)
	visit, err := s.visitOf(c, life.Card.ID)
	if err != nil {
		return err
	}
	p.Data["VisitID"] = visit
	return c.Render("desk/card", p, "layouts/officer")
}

// deskReport records the holder's six-monthly report taken at the desk, with any new contact data
// the holder gives (applied at once: the officer has the KTP in hand).
func (s *Server) deskReport(c *fiber.Ctx) error {
	life, err := s.cardParam(c)
	if err != nil {
		return err
	}
	visit, err := s.visitOf(c, life.Card.ID)
	if err != nil {
		return err
	}
	values, err := url.ParseQuery(string(c.Body()))
	if err != nil {
		return &PublicError{fiber.StatusBadRequest, "Isian tidak terbaca. Silakan ulangi."}
	}
	var ch domain.ContactChange
	ch.Apply(values)
	if errs := ch.Validate(s.rules()); len(errs) > 0 {
		for _, name := range domain.ContactFields {
			if msg := errs[name]; msg != "" {
				return &PublicError{fiber.StatusUnprocessableEntity, domain.FieldLabel(name) + ": " + msg}
			}
		}
	}
	officer := officerOf(c).ID
	if _, err := s.db.RecordReport(c.UserContext(), life.Card.ID, officer, visit); err != nil {
		return s.lifeError(err)
	}
	if !ch.Empty() {
		if err := s.db.UpdateContact(c.UserContext(), life.Card.ApplicationID, officer, visit, ch); err != nil {
			return err
		}
	}
	s.events.notify()
	return s.back(c, life.Card.ID, visit)
}

// receiveReport records this officer as the one who received a report made at the kiosk.
func (s *Server) receiveReport(c *fiber.Ctx) error {
	life, err := s.cardParam(c)
	if err != nil {
		return err
	}
	visit, err := s.visitOf(c, life.Card.ID)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(c.FormValue("nomor"))
	if n < 1 || n > domain.Reports {
		return &PublicError{fiber.StatusUnprocessableEntity, "Pilih laporan yang diterima."}
	}
	if err := s.db.ReceiveReport(c.UserContext(), life.Card.ApplicationID, n, officerOf(c).ID); err != nil {
		return s.deskError(err)
	}
	s.events.notify()
	return s.back(c, life.Card.ID, visit)
}

func (s *Server) renderPlacement(c *fiber.Ctx, life *storage.CardLife, pl *domain.Placement, errs domain.Errors, visit int64) error {
	p := s.deskPage(c, "Sudah bekerja · "+life.App.FullName, "antrean")
	s.cardLifeData(c, p.Data, life)
	p.Data["P"] = pl
	p.Data["Errors"] = errs
	p.Data["VisitID"] = visit
	p.Data["KBLI"] = domain.KBLISections
	p.Data["EmployerTypes"] = domain.EmployerTypes
	p.Data["KBJI"] = domain.KBJIGroups
	p.Data["Locations"] = domain.DesiredLocations
	referrals, err := s.db.ReferralsOf(c.UserContext(), life.Card.ApplicationID)
	if err != nil {
		return err
	}
	p.Data["Referrals"] = referrals
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return c.Render("desk/placement", p, "layouts/officer")
}

func (s *Server) placementForm(c *fiber.Ctx) error {
	life, err := s.cardParam(c)
	if err != nil {
		return err
	}
	visit, err := s.visitOf(c, life.Card.ID)
	if err != nil {
		return err
	}
	return s.renderPlacement(c, life, &domain.Placement{}, nil, visit)
}

// placementSubmit records a placement at the desk: the holder reports it, or an employer returns
// the card (ketentuan 3 of the card).
func (s *Server) placementSubmit(c *fiber.Ctx) error {
	life, err := s.cardParam(c)
	if err != nil {
		return err
	}
	visit, err := s.visitOf(c, life.Card.ID)
	if err != nil {
		return err
	}
	values, err := url.ParseQuery(string(c.Body()))
	if err != nil {
		return &PublicError{fiber.StatusBadRequest, "Isian tidak terbaca. Silakan ulangi."}
	}
	pl := &domain.Placement{}
	pl.Apply(values)
	pl.ReferralID, _ = strconv.ParseInt(values.Get("rujukan"), 10, 64)
	if err := s.fillFromReferral(c, life.Card.ApplicationID, pl); err != nil {
		return err
	}
	if errs := pl.Validate(life.Card.IssuedOn, s.rules().Today); len(errs) > 0 {
		return s.renderPlacement(c, life, pl, errs, visit)
	}
	if err := s.db.RecordPlacement(c.UserContext(), life.Card.ID, officerOf(c).ID, visit, pl); err != nil {
		var re *domain.RuleError
		if errors.As(err, &re) {
			return s.renderPlacement(c, life, pl, domain.Errors{"card": re.Message}, visit)
		}
		return s.deskError(err)
	}
	s.events.notify()
	return s.back(c, life.Card.ID, visit)
}

// fillFromReferral fills what the officer left empty from the vacancy of the referral picked: the
// holder was placed where the office sent them.
func (s *Server) fillFromReferral(c *fiber.Ctx, appID int64, pl *domain.Placement) error {
	if pl.ReferralID == 0 {
		return nil
	}
	referrals, err := s.db.ReferralsOf(c.UserContext(), appID)
	if err != nil {
		return err
	}
	for _, r := range referrals {
		if r.ID != pl.ReferralID {
			continue
		}
		v := r.Vacancy
		for _, f := range []struct {
			into *string
			from string
		}{{&pl.Employer, v.EmployerName}, {&pl.Sector, v.EmployerKBLI},
			{&pl.EmployerType, v.EmployerType}, {&pl.Position, v.Position}, {&pl.KBJI, v.KBJI}, {&pl.Location, v.Location},
			{&pl.Place, v.LocationDetail}} {
			if *f.into == "" {
				*f.into = f.from
			}
		}
		return nil
	}
	return &PublicError{fiber.StatusUnprocessableEntity, "Surat pengantar yang dipilih bukan milik pemegang kartu ini."}
}

func (s *Server) cancelCard(c *fiber.Ctx) error {
	life, err := s.cardParam(c)
	if err != nil {
		return err
	}
	r := reason(c)
	if r == "" {
		return &PublicError{fiber.StatusUnprocessableEntity, "Tulis alasan pembatalan kartu."}
	}
	if err := s.db.CancelCard(c.UserContext(), life.Card.ID, officerOf(c).ID, r); err != nil {
		return s.lifeError(err)
	}
	s.events.notify()
	return c.Redirect(cardURL(life.Card.ID), fiber.StatusSeeOther)
}

// startRenewal opens the renewal application of a card and takes the officer to it.
func (s *Server) startRenewal(c *fiber.Ctx) error {
	life, err := s.cardParam(c)
	if err != nil {
		return err
	}
	visit, err := s.visitOf(c, life.Card.ID)
	if err != nil {
		return err
	}
	desk := sessionOf(c).Desk
	if desk == "" {
		desk = "1"
	}
	appID, err := s.db.StartRenewal(c.UserContext(), life.Card.ID, officerOf(c).ID, visit, desk)
	switch {
	case errors.Is(err, storage.ErrRenewalOpen):
		return c.Redirect(appURL(appID), fiber.StatusSeeOther)
	case errors.Is(err, domain.ErrAlreadyOpen):
		return &PublicError{fiber.StatusConflict, "NIK pemegang kartu ini masih punya permohonan lain yang berjalan. Selesaikan permohonan itu dulu."}
	case err != nil:
		return s.lifeError(err)
	}
	s.events.notify()
	return c.Redirect(appURL(appID), fiber.StatusSeeOther)
}

func (s *Server) cardCorrectionForm(c *fiber.Ctx) error {
	life, err := s.cardParam(c)
	if err != nil {
		return err
	}
	errs, _ := life.App.Form.Validate(s.rules())
	return s.renderCardCorrection(c, life, &life.App.Form, errs, nil)
}

// renderCardCorrection shows the card's correction form; extra adds to the page's data.
func (s *Server) renderCardCorrection(c *fiber.Ctx, life *storage.CardLife, f *domain.Form, errs domain.Errors, extra fiber.Map) error {
	a := &storage.DeskApplication{Application: *life.App}
	data := fiber.Map{"Action": cardURL(life.Card.ID) + "/perbaikan"}
	for k, v := range extra {
		data[k] = v
	}
	return s.renderDeskForm(c, "perbaikan", a, f, errs, data)
}

// cardCorrectionSubmit corrects the data of an issued card: the same checks as the kiosk, each
// changed field logged with its old value, and the card printed again under the same number.
func (s *Server) cardCorrectionSubmit(c *fiber.Ctx) error {
	life, err := s.cardParam(c)
	if err != nil {
		return err
	}
	old := life.App.Form
	f := life.App.Form
	f.Languages = append([]string(nil), old.Languages...)
	if _, err := applyDeskForm(c, &f); err != nil {
		return err
	}
	if errs, _ := f.Validate(s.rules()); len(errs) > 0 {
		return s.renderCardCorrection(c, life, &f, errs, nil)
	}
	f.Normalize()
	jobID, err := s.db.CorrectCard(c.UserContext(), life.Card.ID, officerOf(c).ID, &f, formChanges(&old, &f))
	if errs, extra := nikTaken(err); errs != nil {
		return s.renderCardCorrection(c, life, &f, errs, extra)
	}
	if err != nil {
		return s.lifeError(err)
	}
	s.log.Info("card corrected", "card", life.Card.ID, "print_job", jobID)
	s.events.notify()
	s.printSignal.Notify()
	return c.Redirect(appURL(life.Card.ApplicationID), fiber.StatusSeeOther)
}

// decideContact confirms or refuses contact data a holder gave at the kiosk with a typed number.
func (s *Server) decideContact(c *fiber.Ctx) error {
	life, err := s.cardParam(c)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.FormValue("perubahan"), 10, 64)
	found := false
	for _, u := range life.Pending {
		found = found || u.ID == id
	}
	if !found {
		return alreadyHandled
	}
	if err := s.db.DecideContact(c.UserContext(), id, officerOf(c).ID, c.FormValue("aksi") == "terima"); err != nil {
		return s.deskError(err)
	}
	visit, err := s.visitOf(c, life.Card.ID)
	if err != nil {
		return err
	}
	s.events.notify()
	return s.back(c, life.Card.ID, visit)
}
