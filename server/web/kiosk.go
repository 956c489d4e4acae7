package web

import (
	"crypto/subtle"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ak1/server/domain"
	"ak1/server/storage"
)

// The kiosk keeps one draft per browser, named by a random token in a session cookie. The draft lives
// on the server so that an idle reset can destroy it for certain.
const (
	kioskCookie   = "ak1_kiosk"
	DraftLifetime = 30 * time.Minute // an abandoned kiosk draft is swept after this
)

// kioskPage is what every kiosk template receives.
type kioskPage struct {
	Title     string
	CSRF      string
	IdleMS    int64
	WarnMS    int64
	Idle      bool // the idle reset runs on every screen but the welcome screen
	NoCancel  bool // no "Batal" button: the screens after sending (the ticket) have their own "Selesai"
	Form      *domain.Form
	Errors    domain.Errors
	Step      domain.Step
	StepIndex int
	Steps     []domain.Step
	Return    string // "periksa" when the step was opened from the review screen
	Data      fiber.Map
}

func (s *Server) page(c *fiber.Ctx, title string) kioskPage {
	return kioskPage{
		Title: title, CSRF: csrfToken(c), IdleMS: s.opts.KioskIdle.Milliseconds(), WarnMS: s.opts.KioskWarn.Milliseconds(),
		Idle: true, Steps: domain.Steps, Errors: domain.Errors{}, Data: fiber.Map{},
	}
}

func (s *Server) rules() domain.Rules {
	now := s.now().In(domain.OfficeZone)
	return domain.Rules{MinAge: s.opts.MinAge, Today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)}
}

// The kiosk forgets the person on every way out of the form: the welcome screen, choosing a service,
// the status pages, the idle reset, "Batal" and a reload all end the draft on the server, so the next
// person at the kiosk can never see the previous person's answers.

func (s *Server) welcome(c *fiber.Ctx) error {
	if err := s.endDraft(c); err != nil {
		return err
	}
	p := s.page(c, "Selamat datang")
	p.Idle = false
	p.Data["Services"] = domain.Services
	return c.Render("kiosk/welcome", p, "layouts/kiosk")
}

func (s *Server) requirements(c *fiber.Ctx) error {
	svc, ok := domain.FindService(c.Params("service"))
	if !ok {
		return fiber.ErrNotFound
	}
	if svc.Slug == "cek" {
		return c.Redirect("/cek", fiber.StatusSeeOther)
	}
	if err := s.endDraft(c); err != nil {
		return err
	}
	p := s.page(c, svc.Title)
	p.Data["Service"] = svc
	// Coming back from the "documents still missing" screen keeps what was ticked.
	checked := map[string]bool{}
	for _, v := range c.Context().QueryArgs().PeekMulti("dokumen") {
		checked[string(v)] = true
	}
	p.Data["Checked"] = checked
	return c.Render("kiosk/requirements", p, "layouts/kiosk")
}

// checkRequirements receives the ticked documents. With everything required ticked the new-card
// service goes on to the form; otherwise the kiosk says plainly what to bring.
func (s *Server) checkRequirements(c *fiber.Ctx) error {
	svc, ok := domain.FindService(c.Params("service"))
	if !ok || !svc.AtKiosk || svc.Slug == "cek" {
		return fiber.ErrNotFound
	}
	// Starting a service always starts an empty form.
	if err := s.endDraft(c); err != nil {
		return err
	}
	form, err := c.MultipartForm()
	checked := map[string]bool{}
	if err == nil {
		for _, k := range form.Value["dokumen"] {
			checked[k] = true
		}
	} else {
		args := c.Request().PostArgs()
		for _, v := range args.PeekMulti("dokumen") {
			checked[string(v)] = true
		}
	}
	var missing []domain.Document
	for _, d := range svc.Docs {
		if d.Required && !checked[d.Key] {
			missing = append(missing, d)
		}
	}
	if len(missing) == 0 || c.FormValue("lanjut") == "tetap" {
		if svc.Slug != "baru" {
			return s.startService(c, svc)
		}
		return redirect(c, "/daftar/"+domain.Steps[0].Slug)
	}
	p := s.page(c, "Dokumen yang perlu dibawa")
	p.Data["Service"] = svc
	p.Data["Missing"] = missing
	p.Data["Checked"] = checked
	return c.Render("kiosk/missing", p, "layouts/kiosk")
}

// redirect sends the browser on after a successful POST: 303 for plain forms; htmx follows it too.
func redirect(c *fiber.Ctx, to string) error {
	return c.Redirect(to, fiber.StatusSeeOther)
}

// endDraft deletes this kiosk's draft on the server, if it has one, and its cookie.
func (s *Server) endDraft(c *fiber.Ctx) error {
	if token := c.Cookies(kioskCookie); token != "" {
		if err := s.db.DeleteDraft(c.UserContext(), token); err != nil {
			return err
		}
		s.forgetKiosk(c)
	}
	return nil
}

// reloaded tells whether a form page was loaded as a whole page rather than by htmx. The kiosk moves
// between its screens with htmx only, so a whole-page load of a form screen is a reload or a typed
// address: the person who started the form may be gone, and the draft ends.
func reloaded(c *fiber.Ctx) bool { return c.Get("HX-Request") != "true" }

// draft returns the form of this kiosk session, or an empty one.
func (s *Server) draft(c *fiber.Ctx) (*domain.Form, string, error) {
	token := c.Cookies(kioskCookie)
	if token == "" {
		return &domain.Form{}, "", nil
	}
	f, err := s.db.LoadDraft(c.UserContext(), token)
	if errors.Is(err, storage.ErrNotFound) {
		return &domain.Form{}, token, nil
	}
	return f, token, err
}

func (s *Server) saveDraft(c *fiber.Ctx, token string, f *domain.Form) error {
	if token == "" {
		token = randomToken()
		// A session cookie: it ends with the browser, and the idle reset deletes it.
		c.Cookie(&fiber.Cookie{Name: kioskCookie, Value: token, Path: "/", HTTPOnly: true,
			SameSite: fiber.CookieSameSiteStrictMode, Secure: s.opts.SecureCookies})
	}
	return s.db.SaveDraft(c.UserContext(), token, f)
}

func (s *Server) stepPage(c *fiber.Ctx, idx int, f *domain.Form, errs domain.Errors) error {
	step := domain.Steps[idx]
	p := s.page(c, step.Title)
	p.Form, p.Errors, p.Step, p.StepIndex = f, errs, step, idx
	p.Return = c.Query("kembali")
	if p.Return != "periksa" {
		p.Return = ""
	}
	p.Data["Kecamatans"] = domain.Kecamatans
	if k, ok := domain.FindKecamatan(f.Kecamatan); ok {
		p.Data["Kelurahan"] = k.Kelurahan
	}
	p.Data["Years"] = s.birthYears()
	p.Data["Months"] = domain.MonthNames()
	p.Data["Marital"] = domain.MaritalStatuses
	p.Data["Religions"] = domain.Religions
	p.Data["Levels"] = domain.EducationLevels
	p.Data["EduCode"] = eduCodeField(f.EduLevel, f.EduCode, errs["edu_code"])
	p.Data["History"] = domain.HistoryFor(f.EduLevel)
	p.Data["Languages"] = domain.Languages
	p.Data["KBJI"] = domain.KBJIGroups
	p.Data["KBLI"] = domain.KBLISections
	p.Data["Locations"] = domain.DesiredLocations
	p.Data["NIKMismatch"] = f.NIKMismatch() != nil
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return c.Render("kiosk/step-"+step.Slug, p, "layouts/kiosk")
}

// birthYears lists the years a job seeker can be born in, youngest first.
func (s *Server) birthYears() []int {
	this := s.now().In(domain.OfficeZone).Year()
	var ys []int
	for y := this - s.opts.MinAge; y >= this-80; y-- {
		ys = append(ys, y)
	}
	return ys
}

func (s *Server) showStep(c *fiber.Ctx) error {
	idx := domain.StepIndex(c.Params("step"))
	if idx < 0 {
		return fiber.ErrNotFound
	}
	if reloaded(c) {
		if err := s.endDraft(c); err != nil {
			return err
		}
		return redirect(c, "/")
	}
	f, _, err := s.draft(c)
	if err != nil {
		return err
	}
	return s.stepPage(c, idx, f, nil)
}

// saveStep stores what the person typed on one screen. "Lanjut" checks the screen and goes on only
// when it is right; "Kembali" keeps the input unchecked and goes back, so nothing is ever lost.
func (s *Server) saveStep(c *fiber.Ctx) error {
	idx := domain.StepIndex(c.Params("step"))
	if idx < 0 {
		return fiber.ErrNotFound
	}
	f, token, err := s.draft(c)
	if err != nil {
		return err
	}
	values, err := url.ParseQuery(string(c.Body()))
	if err != nil {
		return &PublicError{fiber.StatusBadRequest, "Isian tidak terbaca. Silakan ulangi."}
	}
	step := domain.Steps[idx]
	f.Apply(step, values)
	if err := s.saveDraft(c, token, f); err != nil {
		return err
	}
	back := values.Get("aksi") == "kembali"
	returnTo := values.Get("kembali")
	if back {
		prev := f.PrevStep(idx)
		if prev < 0 {
			return redirect(c, "/layanan/baru")
		}
		return redirect(c, "/daftar/"+domain.Steps[prev].Slug)
	}
	if errs := f.ValidateStep(step.Slug, s.rules()); len(errs) > 0 {
		return s.stepPage(c, idx, f, errs)
	}
	next := f.NextStep(idx)
	// A new highest level asks for a different history: go through it even from the review screen.
	if returnTo == "periksa" && step.Slug == "pendidikan" && f.StepApplies("riwayat") && len(f.ValidateStep("riwayat", s.rules())) > 0 {
		return redirect(c, "/daftar/riwayat?kembali=periksa")
	}
	if returnTo == "periksa" || next == len(domain.Steps) {
		return redirect(c, "/daftar/periksa")
	}
	return redirect(c, "/daftar/"+domain.Steps[next].Slug)
}

// eduCodeChoice is what the IPK code pick-list partial needs.
type eduCodeChoice struct {
	Level    string
	Groups   []domain.CodeGroup
	Selected string
	Error    string
}

func eduCodeField(level, selected, errMsg string) eduCodeChoice {
	return eduCodeChoice{Level: level, Groups: domain.EducationCodes(level), Selected: selected, Error: errMsg}
}

// eduCodeOptions answers a change of the highest level with the matching IPK codes (htmx).
func (s *Server) eduCodeOptions(c *fiber.Ctx) error {
	level := c.Query("edu_level")
	if domain.LevelRank(level) < 0 {
		level = ""
	}
	return c.Render("partials/edu-code", eduCodeField(level, "", ""))
}

// kelurahanOptions answers the kecamatan pick-list with the matching kelurahan choices (htmx).
func (s *Server) kelurahanOptions(c *fiber.Ctx) error {
	k, _ := domain.FindKecamatan(c.Query("kecamatan"))
	return c.Render("partials/kelurahan-options", fiber.Map{"Kelurahan": k.Kelurahan, "Selected": ""})
}

func (s *Server) review(c *fiber.Ctx) error {
	if reloaded(c) {
		if err := s.endDraft(c); err != nil {
			return err
		}
		return redirect(c, "/")
	}
	f, err := s.db.LoadDraft(c.UserContext(), c.Cookies(kioskCookie))
	if errors.Is(err, storage.ErrNotFound) {
		// Nothing typed here, or the draft ended (sent, or swept after a long pause).
		s.forgetKiosk(c)
		return redirect(c, "/")
	}
	if err != nil {
		return err
	}
	errs, _ := f.Validate(s.rules())
	return s.reviewPage(c, f, errs, "")
}

func (s *Server) reviewPage(c *fiber.Ctx, f *domain.Form, errs domain.Errors, message string) error {
	p := s.page(c, "Periksa kembali isian Anda")
	p.Form, p.Errors = f, errs
	p.Data["Warnings"] = f.Warnings(s.rules())
	p.Data["Message"] = message
	p.Data["Sexes"] = domain.Sexes
	p.Data["KBJI"] = domain.LabelOf(domain.KBJIGroups, f.DesiredKBJI)
	p.Data["KBLI"] = domain.KBLISections
	p.Data["Location"] = domain.LabelOf(domain.DesiredLocations, f.DesiredLocation)
	p.Data["StepErrors"] = stepsWithErrors(errs)
	key, err := s.db.DraftSubmitKey(c.UserContext(), c.Cookies(kioskCookie))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	p.Data["SubmitKey"] = key
	if appID, err := s.db.DraftResubmits(c.UserContext(), c.Cookies(kioskCookie)); err == nil && appID != 0 {
		if app, err := s.db.Application(c.UserContext(), appID); err == nil {
			p.Data["Completing"] = app
		}
	}
	if birth, ok := f.BirthDate(); ok {
		p.Data["Birth"] = domain.FormatDate(birth)
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return c.Render("kiosk/review", p, "layouts/kiosk")
}

// stepsWithErrors tells, for each step slug, whether one of its fields has an error.
func stepsWithErrors(errs domain.Errors) map[string]bool {
	out := map[string]bool{}
	for _, st := range domain.Steps {
		for _, f := range st.Fields {
			if errs[f] != "" || (f == "birth_day" && errs["birth_date"] != "") {
				out[st.Slug] = true
			}
		}
	}
	return out
}

// submitKeyField is the review form's field with the draft's one-time submission key.
const submitKeyField = "kunci_kirim"

// submit turns the draft into an application with a queue ticket. The review screen carries the
// draft's submission key: a repeat of a sending the server already took (the answer was lost and
// the kiosk resends, or "Kirim" was tapped twice) answers as the first sending did, and a key that
// is not this kiosk session's sends nothing.
func (s *Server) submit(c *fiber.Ctx) error {
	token := c.Cookies(kioskCookie)
	if token == "" {
		return redirect(c, "/")
	}
	values, err := url.ParseQuery(string(c.Body()))
	if err != nil {
		return &PublicError{fiber.StatusBadRequest, "Isian tidak terbaca. Silakan ulangi."}
	}
	key := values.Get(submitKeyField)
	f, err := s.db.LoadDraft(c.UserContext(), token)
	var want string
	if err == nil {
		want, err = s.db.DraftSubmitKey(c.UserContext(), token)
	}
	if errors.Is(err, storage.ErrNotFound) {
		// No draft: sent already (the answer never arrived, or the same sending made twice at once
		// claimed it between the two reads), or nothing to send from this session.
		app, err := s.db.EarlierSubmission(c.UserContext(), token, key)
		return s.submitted(c, app, err)
	}
	if err != nil {
		return err
	}
	// The review screen carries the remarks and the declaration.
	f.ApplyReview(values)
	f.Agreed = values.Get("setuju") != ""
	if want == "" || subtle.ConstantTimeCompare([]byte(key), []byte(want)) != 1 {
		// Not this draft's review screen: send nothing, show this draft's own review again, with
		// what was typed on it kept on the screen.
		c.Status(fiber.StatusConflict)
		return s.reviewPage(c, f, domain.Errors{}, "Pendaftaran belum terkirim. Periksa kembali isian Anda, lalu tekan \"Kirim pendaftaran\" sekali lagi.")
	}
	// What the review screen added is kept in the draft only when the form goes back to it: saving
	// it on the way to sending would bring back a draft that a sending at the same moment had
	// just claimed.
	if errs, _ := f.Validate(s.rules()); len(errs) > 0 {
		if err := s.saveDraft(c, token, f); err != nil {
			return err
		}
		return s.reviewPage(c, f, errs, "Masih ada isian yang perlu diperbaiki. Tekan \"Ubah\" pada bagian yang ditandai merah.")
	}
	if errs := f.CheckAgreement(); len(errs) > 0 {
		if err := s.saveDraft(c, token, f); err != nil {
			return err
		}
		return s.reviewPage(c, f, errs, errs["agreed"])
	}
	f.Normalize()
	if appID, err := s.db.DraftResubmits(c.UserContext(), token); err != nil {
		return err
	} else if appID != 0 {
		return s.resubmit(c, appID, f, token, key)
	}
	app, err := s.db.SubmitKioskDraft(c.UserContext(), f, token, key)
	if err == nil {
		s.events.notify() // the officers' live queues
		s.log.Info("application submitted", "id", app.ID, "ticket", app.Ticket)
	}
	return s.submitted(c, app, err)
}

// submitted answers a sending of the kiosk form, the first or a repeat of it, with its result:
// the ticket, or the "NIK already in use" page. Either way the kiosk session ends.
func (s *Server) submitted(c *fiber.Ctx, app *domain.Application, err error) error {
	var valid *storage.ActiveCardError
	switch {
	case err == nil || errors.Is(err, storage.ErrSubmittedBefore):
		if err != nil {
			s.log.Info("kiosk submission repeated: same answer", "id", app.ID)
		}
		s.forgetKiosk(c)
		return redirect(c, "/selesai/"+app.StatusCode)
	case errors.Is(err, domain.ErrAlreadyOpen) || errors.As(err, &valid):
		// Not a second application, nor a second card while one is in force; the draft has ended.
		// Whoever typed this NIK may not be its owner: say nothing about the other application or
		// card (no ticket, no number, no state, not even which of the two), only where its owner
		// goes next. Both cases get the same page.
		s.forgetKiosk(c)
		if valid != nil {
			s.log.Info("kiosk submission with a NIK holding a card in force", "card", valid.CardID)
		} else if app != nil {
			s.log.Info("kiosk submission with a NIK already in progress", "existing", app.ID)
		}
		return c.Render("kiosk/already", s.page(c, "NIK sudah terdaftar"), "layouts/kiosk")
	case errors.Is(err, storage.ErrSubmitKey):
		s.forgetKiosk(c)
		return &PublicError{fiber.StatusConflict, "Isian ini sudah tidak tersimpan di anjungan. Silakan mulai pendaftaran dari awal."}
	}
	return err
}

func (s *Server) forgetKiosk(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: kioskCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0), HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode})
}

// done shows the queue ticket large, with the code for checking the application later. It shows no
// personal data: the page is reachable by anyone who knows the code.
func (s *Server) done(c *fiber.Ctx) error {
	code := strings.ToUpper(c.Params("code"))
	_, normalized, ok := domain.NormalizeLookup(code)
	if !ok || normalized == "" {
		return fiber.ErrNotFound
	}
	app, err := s.db.ApplicationByCode(c.UserContext(), normalized)
	if errors.Is(err, storage.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	p := s.page(c, "Pendaftaran terkirim")
	p.NoCancel = true
	p.Data["Ticket"] = app.Ticket
	p.Data["Code"] = app.StatusCode
	p.Data["Today"] = app.TicketDay == domain.OfficeDay(s.now())
	if p.Data["QR"], err = s.statusQR(app.StatusCode); err != nil {
		return err
	}
	return c.Render("kiosk/done", p, "layouts/kiosk")
}

// resetKiosk forgets the person at the kiosk: the draft on the server and the cookie.
func (s *Server) resetKiosk(c *fiber.Ctx) error {
	if err := s.endDraft(c); err != nil {
		return err
	}
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", "/")
		return c.SendStatus(fiber.StatusNoContent)
	}
	return redirect(c, "/")
}

func (s *Server) statusForm(c *fiber.Ctx) error {
	if err := s.endDraft(c); err != nil {
		return err
	}
	p := s.page(c, "Cek permohonan")
	p.Form = &domain.Form{}
	p.Data["Years"] = s.birthYears()
	p.Data["Months"] = domain.MonthNames()
	return c.Render("kiosk/status", p, "layouts/kiosk")
}

// Wrong birth dates allowed per application within statusCheckWindow before the application cannot
// be opened at the kiosk for the rest of the window (per address, the route's limiter also applies).
const (
	statusCheckAttempts = 5
	statusCheckWindow   = 15 * time.Minute
)

// statusCheck shows the state of an application in plain words, given its secret check code and the
// holder's date of birth.
func (s *Server) statusCheck(c *fiber.Ctx) error {
	app, p, err := s.lookupApplication(c)
	if app == nil || err != nil {
		return err
	}
	return c.Render("kiosk/status-result", p, "layouts/kiosk")
}

// lookupApplication finds the application named by the posted ticket or code and date of birth. When
// it finds none it has already answered with the form and its messages, and returns a nil application.
func (s *Server) lookupApplication(c *fiber.Ctx) (*domain.Application, kioskPage, error) {
	p := s.page(c, "Cek permohonan")
	p.Data["Years"] = s.birthYears()
	p.Data["Months"] = domain.MonthNames()
	lookup := strings.TrimSpace(c.FormValue("nomor"))
	f := &domain.Form{BirthDay: c.FormValue("birth_day"), BirthMonth: c.FormValue("birth_month"), BirthYear: c.FormValue("birth_year")}
	p.Form = f
	p.Data["Nomor"] = lookup
	// The ticket number is public (the lobby screen shows it) and the birth date is written in the NIK:
	// only the check code printed for the person opens their application.
	ticket, code, ok := domain.NormalizeLookup(lookup)
	switch {
	case ok && ticket != "":
		p.Errors["nomor"] = "Nomor antrean tidak dapat dipakai untuk membuka permohonan. Tulis kode cek 6 huruf/angka yang tertera di bawah nomor antrean Anda (misalnya K7P-4QX)."
	case !ok:
		p.Errors["nomor"] = "Tulis kode cek 6 huruf/angka yang tertera di bawah nomor antrean Anda (misalnya K7P-4QX)"
	}
	birth, bok := f.BirthDate()
	if !bok {
		p.Errors["birth_date"] = "Pilih tanggal, bulan dan tahun lahir"
	}
	if len(p.Errors) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return nil, p, c.Render("kiosk/status", p, "layouts/kiosk")
	}
	app, err := s.db.FindForStatusCheck(c.UserContext(), code, birth.Format("2006-01-02"), statusCheckAttempts, statusCheckWindow)
	if errors.Is(err, storage.ErrNotFound) {
		p.Errors["nomor"] = "Permohonan tidak ditemukan. Periksa kode cek dan tanggal lahir, atau tanyakan petugas."
		c.Status(fiber.StatusUnprocessableEntity)
		return nil, p, c.Render("kiosk/status", p, "layouts/kiosk")
	}
	if errors.Is(err, storage.ErrTooManyAttempts) {
		p.Errors["nomor"] = "Terlalu banyak percobaan yang salah untuk kode ini. Coba lagi setelah 15 menit, atau tanyakan petugas dengan membawa KTP."
		c.Status(fiber.StatusTooManyRequests)
		return nil, p, c.Render("kiosk/status", p, "layouts/kiosk")
	}
	if err != nil {
		return nil, p, err
	}
	p.Data["App"] = app
	p.Data["Status"] = app.State.PublicText()
	p.Data["CanComplete"] = app.State == domain.StateReturned
	return app, p, nil
}

// startCompletion lets the job seeker complete an application the officer returned, at the kiosk:
// the form comes back as a draft, opened at the review screen, and sending it puts the application
// back in the queue. Knowing the secret check code and the date of birth is the proof, as for the check.
func (s *Server) startCompletion(c *fiber.Ctx) error {
	app, _, err := s.lookupApplication(c)
	if app == nil || err != nil {
		return err
	}
	if app.State != domain.StateReturned {
		return &PublicError{fiber.StatusConflict, "Permohonan ini tidak sedang dikembalikan untuk dilengkapi. Silakan tanya petugas."}
	}
	if old := c.Cookies(kioskCookie); old != "" {
		if err := s.db.DeleteDraft(c.UserContext(), old); err != nil {
			return err
		}
	}
	token := randomToken()
	if err := s.db.StartResubmission(c.UserContext(), token, app); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: kioskCookie, Value: token, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: s.opts.SecureCookies})
	return redirect(c, "/daftar/periksa")
}

// resubmit sends a completed returned application back to the queue.
func (s *Server) resubmit(c *fiber.Ctx, appID int64, f *domain.Form, token, key string) error {
	app, err := s.db.ResubmitApplication(c.UserContext(), appID, f, token, key)
	var valid *storage.ActiveCardError
	switch {
	case errors.Is(err, storage.ErrSubmittedBefore), errors.Is(err, storage.ErrSubmitKey):
		return s.submitted(c, app, err)
	case errors.Is(err, domain.ErrAlreadyOpen), errors.As(err, &valid):
		// The NIK was changed to one taken: the same page as a new submission's, so that completing
		// a returned application reveals no more about a NIK than registering anew. The returned
		// application keeps its data; its check code opens the completion again.
		return s.submitted(c, nil, err)
	case errors.Is(err, storage.ErrStateChanged):
		if derr := s.db.DeleteDraft(c.UserContext(), token); derr != nil {
			return derr
		}
		s.forgetKiosk(c)
		return &PublicError{fiber.StatusConflict, "Permohonan ini sudah diproses petugas. Silakan tanya petugas."}
	case err != nil:
		return err
	}
	s.forgetKiosk(c)
	s.events.notify()
	s.log.Info("application completed at the kiosk", "id", app.ID, "ticket", app.Ticket)
	return redirect(c, "/selesai/"+app.StatusCode)
}
