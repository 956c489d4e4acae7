package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	qrcode "github.com/skip2/go-qrcode"

	"ak1/server/card"
	"ak1/server/domain"
	"ak1/server/storage"
)

// The kiosk's services for a card already issued (issue 13): the six-monthly report, "sudah
// bekerja", renewal or correction, and a legalised copy. Each ends with a queue ticket of its own
// letter. The holder is found by the card's registration number (typed, or its barcode shown to the
// camera) or its signed QR code, together with the date of birth; the kiosk then shows nothing but
// the card's state and next report date. A typed number is weak proof (it is printed on the card
// and on its public check page): with it a holder may report, but new contact data waits for an
// officer; the QR code proves the card is in hand, and contact data is then changed at once.
//
// Like the form, the holder's session lives on the server under the kiosk cookie and ends on every
// way out (endDraft), on the ticket, and when abandoned.

// kioskServiceRoutes adds the kiosk's card-holder services, the visit tickets and the phone status
// page. Creating a ticket without finding a card costs nothing to ask for, so it is limited per
// address; finding a card also counts every attempt in the database (storage.FindCardHolder). The
// ticket and status pages share codeLimit with the done page (New).
func (s *Server) kioskServiceRoutes(app *fiber.App, codeLimit fiber.Handler) {
	findLimit := limiter.New(limiter.Config{Max: 20, Expiration: time.Minute, LimitReached: s.tooManyRequests})
	ticketLimit := limiter.New(limiter.Config{Max: 20, Expiration: time.Minute, LimitReached: s.tooManyRequests})
	app.Get("/kartu/:service", s.findCardForm)
	app.Post("/kartu/:service", findLimit, s.findCard)
	app.Get("/kartu/:service/layanan", s.cardServiceForm)
	app.Post("/kartu/:service/layanan", ticketLimit, s.cardServiceSubmit)
	app.Post("/kartu/:service/tanpa-kartu", ticketLimit, s.noCardTicket)
	app.Get("/tiket/:code", codeLimit, s.visitTicket)
	app.Get("/status/:code", codeLimit, s.phoneStatus)
}

// startService goes on from a service's requirements: a card holder's service to finding the card,
// a legalised copy straight to its ticket.
func (s *Server) startService(c *fiber.Ctx, svc domain.Service) error {
	if svc.Holder {
		return redirect(c, "/kartu/"+svc.Slug)
	}
	res, err := s.db.KioskService(c.UserContext(), storage.KioskRequest{Service: svc.Slug, Note: "Tiket dari anjungan"})
	if err != nil {
		return err
	}
	return s.ticketIssued(c, res.Visit)
}

func (s *Server) ticketIssued(c *fiber.Ctx, v *storage.Visit) error {
	s.forgetKiosk(c)
	s.events.notify()
	s.log.Info("kiosk visit ticket", "visit", v.ID, "ticket", v.Ticket, "service", v.Service)
	return redirect(c, "/tiket/"+v.StatusCode)
}

// holderService returns the card holder's service named in the path.
func holderService(c *fiber.Ctx) (domain.Service, error) {
	svc, ok := domain.FindService(c.Params("service"))
	if !ok || !svc.Holder {
		return svc, fiber.ErrNotFound
	}
	return svc, nil
}

// findCardPage is the screen that asks for the card and the date of birth.
func (s *Server) findCardPage(c *fiber.Ctx, svc domain.Service, p kioskPage) error {
	p.Title = "Cari kartu AK/I Anda"
	p.Data["Service"] = svc
	p.Data["Years"] = s.birthYears()
	p.Data["Months"] = domain.MonthNames()
	if p.Form == nil {
		p.Form = &domain.Form{}
	}
	if len(p.Errors) > 0 && c.Response().StatusCode() == fiber.StatusOK {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return c.Render("kiosk/card-find", p, "layouts/kiosk")
}

func (s *Server) findCardForm(c *fiber.Ctx) error {
	svc, err := holderService(c)
	if err != nil {
		return err
	}
	if err := s.endDraft(c); err != nil {
		return err
	}
	return s.findCardPage(c, svc, s.page(c, ""))
}

// findCard identifies the holder. The wrong birth date and a number that does not exist get the
// same answer, so the kiosk tells no one which registration numbers exist.
func (s *Server) findCard(c *fiber.Ctx) error {
	svc, err := holderService(c)
	if err != nil {
		return err
	}
	if err := s.endDraft(c); err != nil {
		return err
	}
	p := s.page(c, "")
	f := &domain.Form{BirthDay: c.FormValue("birth_day"), BirthMonth: c.FormValue("birth_month"), BirthYear: c.FormValue("birth_year")}
	p.Form = f
	number := domain.CleanDigits(strings.ReplaceAll(c.FormValue("nomor"), " ", ""))
	qr := strings.TrimSpace(c.FormValue("qr"))
	p.Data["Nomor"] = c.FormValue("nomor")
	var cardID int64
	var serial int
	proof := storage.ProofNumber
	switch {
	case qr != "":
		token, ok := card.TokenFromPath(qrPath(qr))
		if cardID, serial, ok = s.verifyCardTokenOK(token, ok); !ok {
			p.Errors["nomor"] = "Kode QR itu bukan kode kartu AK/I Disnaker Kota Denpasar. Tulis nomor pendaftaran pada kartu."
		}
		proof = storage.ProofQR
		p.Data["QR"] = qr
	case number == "":
		p.Errors["nomor"] = "Tulis nomor pendaftaran yang tertera pada kartu, atau pindai kode QR kartu"
	case len(number) < 6 || len(number) > 30 || strings.Trim(number, "0123456789") != "":
		p.Errors["nomor"] = "Nomor pendaftaran berupa angka, seperti tertera pada kartu (misalnya 5171 100326 000123)"
	}
	birth, ok := f.BirthDate()
	if !ok {
		p.Errors["birth_date"] = "Pilih tanggal, bulan dan tahun lahir"
	}
	if len(p.Errors) > 0 {
		return s.findCardPage(c, svc, p)
	}
	if proof == storage.ProofQR {
		number = ""
	}
	rec, wait, err := s.db.FindCardHolder(c.UserContext(), number, cardID, serial, birth.Format("2006-01-02"), c.IP())
	switch {
	case errors.Is(err, storage.ErrTooManyAttempts):
		c.Status(fiber.StatusTooManyRequests)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		p.Errors["nomor"] = "Terlalu banyak percobaan yang salah. Coba lagi setelah " + signInWaitText(wait) + ", atau ambil nomor antrean dan tanyakan petugas dengan membawa KTP."
		return s.findCardPage(c, svc, p)
	case errors.Is(err, storage.ErrNotFound):
		p.Errors["nomor"] = "Kartu tidak ditemukan. Periksa nomor pendaftaran dan tanggal lahir, atau ambil nomor antrean dan tanyakan petugas."
		return s.findCardPage(c, svc, p)
	case err != nil:
		return err
	}
	token := randomToken()
	if err := s.db.StartHolderSession(c.UserContext(), token, rec.ID, proof); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: kioskCookie, Value: token, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: s.opts.SecureCookies})
	s.log.Info("kiosk card holder found", "card", rec.ID, "proof", proof)
	return redirect(c, "/kartu/"+svc.Slug+"/layanan")
}

// qrPath turns what the camera read (the card's check link) into its path.
func qrPath(read string) string {
	if u, err := url.Parse(read); err == nil && u.Path != "" {
		return u.Path
	}
	return read
}

func (s *Server) verifyCardTokenOK(token string, ok bool) (int64, int, bool) {
	if !ok {
		return 0, 0, false
	}
	return s.verifyCardToken(token)
}

// holderSession returns the card of this kiosk's holder session; nil when there is none (the kiosk
// forgot the person).
func (s *Server) holderSession(c *fiber.Ctx) (*storage.CardLife, string, error) {
	token := c.Cookies(kioskCookie)
	if token == "" {
		return nil, "", nil
	}
	cardID, proof, err := s.db.HolderSession(c.UserContext(), token)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	life, err := s.db.CardLife(c.UserContext(), cardID)
	return life, proof, err
}

// cardServicePage shows the card's state and next report, and the service's form.
func (s *Server) cardServicePage(c *fiber.Ctx, svc domain.Service, life *storage.CardLife, proof string, p kioskPage) error {
	p.Title = svc.Title
	p.Data["Service"] = svc
	p.Data["Proof"] = proof
	p.Data["RegNumber"] = life.Card.RegNumber
	p.Data["StateText"] = domain.CardStateText(life.Life)
	p.Data["Life"] = life.Life
	if next, ok := life.Life.NextSlot(); ok {
		p.Data["Next"] = next
	}
	if life.Card.State == domain.CardVoided && life.ReplacedBy != nil {
		p.Data["ReplacedBy"] = life.ReplacedBy.RegNumber
	}
	rules := s.db.ReportRules()
	facts := domain.CardFacts{State: life.Life.State, StateOn: life.Life.Since, IssuedOn: life.Card.IssuedOn, ValidUntil: life.Card.ValidUntil}
	for _, r := range life.Reports {
		facts.Reported[r.Number-1] = r.ReportedOn
	}
	today := s.rules().Today
	switch svc.Slug {
	case "lapor":
		if _, err := rules.CheckReport(facts, today); err != nil {
			p.Data["Refused"] = err.Error()
		}
	case "bekerja":
		if err := rules.CheckActive(facts, today, "dicatat sudah bekerja"); err != nil {
			p.Data["Refused"] = err.Error()
		}
	}
	if p.Form == nil {
		p.Form = &domain.Form{}
	}
	p.Data["Kecamatans"] = domain.Kecamatans
	if k, ok := domain.FindKecamatan(p.Form.Kecamatan); ok {
		p.Data["Kelurahan"] = k.Kelurahan
	}
	if _, ok := p.Data["Placement"]; !ok {
		p.Data["Placement"] = &domain.Placement{}
	}
	pl := p.Data["Placement"].(*domain.Placement)
	p.Data["PF"] = placementFields(pl, p.Errors)
	p.Data["KBLI"] = domain.KBLISections
	p.Data["EmployerTypes"] = domain.EmployerTypes
	p.Data["KBJI"] = domain.KBJIGroups
	p.Data["Locations"] = domain.DesiredLocations
	p.Data["Months"] = domain.MonthNames()
	this := s.now().In(domain.OfficeZone).Year()
	p.Data["StartYears"] = []int{this - 1, this, this + 1}
	if len(p.Errors) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return c.Render("kiosk/card-service", p, "layouts/kiosk")
}

// placementFields are the text inputs of the placement form, drawn by the "text" partial.
func placementFields(pl *domain.Placement, errs domain.Errors) map[string]formField {
	text := func(name, label, hint, mode string) formField {
		f := newField(kioskPage{Errors: errs}, name, label, hint, mode)
		f.Value = pl.Value(name)
		return f
	}
	return map[string]formField{
		"employer": text("employer", "Nama perusahaan / pemberi kerja *", "Misalnya PT Bali Sejahtera atau nama pemilik usaha", "nama"),
		"position": text("position", "Jabatan / pekerjaan *", "Misalnya juru masak, staf administrasi", ""),
		"place":    text("place", "Kota / kabupaten atau negara tempat bekerja", "Wajib diisi negara jika bekerja di luar negeri", "nama"),
		"referral": text("referral", "Nomor surat pengantar kerja dari Disnaker", "Jika Anda dikirim melalui Disnaker (boleh dikosongkan)", ""),
	}
}

func (s *Server) cardServiceForm(c *fiber.Ctx) error {
	svc, err := holderService(c)
	if err != nil {
		return err
	}
	if reloaded(c) {
		if err := s.endDraft(c); err != nil {
			return err
		}
		return redirect(c, "/")
	}
	life, proof, err := s.holderSession(c)
	if err != nil {
		return err
	}
	if life == nil {
		return redirect(c, "/")
	}
	return s.cardServicePage(c, svc, life, proof, s.page(c, ""))
}

// cardServiceSubmit records what the holder asked for and gives the ticket.
func (s *Server) cardServiceSubmit(c *fiber.Ctx) error {
	svc, err := holderService(c)
	if err != nil {
		return err
	}
	life, proof, err := s.holderSession(c)
	if err != nil {
		return err
	}
	if life == nil {
		return redirect(c, "/")
	}
	values, err := url.ParseQuery(string(c.Body()))
	if err != nil {
		return &PublicError{fiber.StatusBadRequest, "Isian tidak terbaca. Silakan ulangi."}
	}
	p := s.page(c, "")
	req := storage.KioskRequest{Token: c.Cookies(kioskCookie), Service: svc.Slug}
	if values.Get("aksi") == "antre" {
		// The rules refused the service here (too early, lapsed, …): the holder asks an officer.
		req.Note = "Ingin bertanya kepada petugas: " + domain.CleanText(values.Get("alasan"), 200)
	} else {
		switch svc.Slug {
		case "lapor":
			req.Report = true
			req.Contact.Apply(values)
			p.Form = &domain.Form{}
			p.Form.ApplyContact(values)
			if errs := req.Contact.Validate(s.rules()); len(errs) > 0 {
				p.Errors = errs
				return s.cardServicePage(c, svc, life, proof, p)
			}
			req.Note = "Laporan 6 bulanan dicatat di anjungan"
		case "bekerja":
			pl := &domain.Placement{}
			pl.Apply(values)
			if errs := pl.Validate(life.Card.IssuedOn, s.rules().Today); len(errs) > 0 {
				p.Errors = errs
				p.Data["Placement"] = pl
				return s.cardServicePage(c, svc, life, proof, p)
			}
			req.Placement = pl
			req.Note = "Sudah bekerja dicatat di anjungan: " + pl.Employer
		case "perpanjang":
			req.Note = "Perpanjangan atau perbaikan kartu"
		}
	}
	res, err := s.db.KioskService(c.UserContext(), req)
	var re *domain.RuleError
	switch {
	case errors.As(err, &re):
		p.Errors["layanan"] = re.Message
		return s.cardServicePage(c, svc, life, proof, p)
	case errors.Is(err, storage.ErrNotFound):
		return redirect(c, "/")
	case err != nil:
		return err
	}
	if !req.Contact.Empty() && !res.ContactApplied {
		s.log.Info("contact change waits for an officer", "visit", res.Visit.ID)
	}
	return s.ticketIssued(c, res.Visit)
}

// noCardTicket gives a holder's service a ticket without finding the card (lost card, forgotten
// number): the officer finds it at the desk.
func (s *Server) noCardTicket(c *fiber.Ctx) error {
	svc, err := holderService(c)
	if err != nil {
		return err
	}
	if err := s.endDraft(c); err != nil {
		return err
	}
	res, err := s.db.KioskService(c.UserContext(), storage.KioskRequest{Service: svc.Slug, Note: "Kartu tidak dicari di anjungan (hilang atau lupa nomor)"})
	if err != nil {
		return err
	}
	return s.ticketIssued(c, res.Visit)
}

// statusLink is the address of the status page a phone opens from the ticket's QR code.
func (s *Server) statusLink(code string) string {
	return s.opts.PublicURL + "/status/" + code
}

// statusQR draws the status link as a QR code image for the ticket screen.
func (s *Server) statusQR(code string) (template.URL, error) {
	png, err := qrcode.Encode(s.statusLink(code), qrcode.Medium, 320)
	if err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil
}

// visitTicket shows a visit's queue ticket large, with its check code and the QR code of the status
// page. It shows no personal data: anyone who knows the code can open it.
func (s *Server) visitTicket(c *fiber.Ctx) error {
	v, err := s.visitByCode(c)
	if err != nil {
		return err
	}
	svc, _ := domain.FindService(v.Service)
	qr, err := s.statusQR(v.StatusCode)
	if err != nil {
		return err
	}
	p := s.page(c, "Nomor antrean Anda")
	p.NoCancel = true
	p.Data["Ticket"] = v.Ticket
	p.Data["Code"] = v.StatusCode
	p.Data["Service"] = svc
	p.Data["Note"] = v.Note
	p.Data["QR"] = qr
	p.Data["Link"] = s.statusLink(v.StatusCode)
	p.Data["Today"] = v.TicketDay == domain.OfficeDay(s.now())
	return c.Render("kiosk/ticket", p, "layouts/kiosk")
}

func (s *Server) visitByCode(c *fiber.Ctx) (*storage.Visit, error) {
	_, code, ok := domain.NormalizeLookup(c.Params("code"))
	if !ok || code == "" {
		return nil, fiber.ErrNotFound
	}
	v, err := s.db.VisitByCode(c.UserContext(), code)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fiber.ErrNotFound
	}
	return v, err
}

// phoneStatus is the status page a person opens on their own phone from the ticket's QR code: the
// ticket, whether it was called and to which desk, and for a card its state and next report date.
// No name, no NIK, no address: the secret code in the link is the only key.
func (s *Server) phoneStatus(c *fiber.Ctx) error {
	_, code, ok := domain.NormalizeLookup(c.Params("code"))
	if !ok || code == "" {
		return fiber.ErrNotFound
	}
	view := fiber.Map{"Title": "Status antrean", "CSRF": csrfToken(c), "Code": code, "Refresh": 20}
	v, err := s.db.VisitByCode(c.UserContext(), code)
	switch {
	case err == nil:
		svc, _ := domain.FindService(v.Service)
		view["Ticket"], view["Service"], view["Today"] = v.Ticket, svc.Title, v.TicketDay == domain.OfficeDay(s.now())
		switch v.State {
		case storage.VisitWaiting:
			view["State"] = "Menunggu dipanggil. Perhatikan layar antrean."
		case storage.VisitCalled:
			view["State"], view["Desk"] = "Nomor Anda sudah dipanggil.", v.Desk
		default:
			view["State"] = "Selesai dilayani. Terima kasih."
		}
		if v.CardID != 0 {
			life, err := s.db.CardLife(c.UserContext(), v.CardID)
			if err != nil {
				return err
			}
			view["Card"] = domain.CardStateText(life.Life)
			if next, ok := life.Life.NextSlot(); ok {
				view["Next"] = next
			}
		}
	case errors.Is(err, storage.ErrNotFound):
		app, err := s.db.ApplicationByCode(c.UserContext(), code)
		if errors.Is(err, storage.ErrNotFound) {
			c.Status(fiber.StatusNotFound)
			view["Missing"] = true
			return c.Render("public/status", view, "layouts/public")
		}
		if err != nil {
			return err
		}
		service := "Kartu kuning (AK/I) baru"
		if app.Source == "perpanjangan" {
			service = "Perpanjangan kartu kuning (AK/I)"
		}
		view["Ticket"], view["Service"], view["Today"] = app.Ticket, service, app.TicketDay == domain.OfficeDay(s.now())
		view["State"] = app.State.PublicText()
		if app.State == domain.StateCalled {
			if d, err := s.db.DeskApplication(c.UserContext(), app.ID); err == nil {
				view["Desk"] = d.Desk
			}
		}
	default:
		return err
	}
	return c.Render("public/status", view, "layouts/public")
}
