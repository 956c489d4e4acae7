package web

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ak1/server/domain"
	"ak1/server/storage"
)

// The officer fills or corrects the whole Daftar Isian on one screen: the same fields and the same
// checks (domain.Form.Apply and Validate) as the kiosk's eight screens.

// deskField is one input of the officer's form.
type deskField struct {
	Name    string
	Label   string
	Kind    string // text, num, select, textarea, check, langs
	Wide    int    // grid columns it spans (of 6)
	Options []domain.Option
	Groups  []deskOptGroup
	Value   string
	Checked bool
	Langs   []deskLang
	Error   string
	// Reload names an address that answers a change of this pick-list with the options of the
	// pick-list ReloadTarget (the IPK codes follow the education level).
	Reload, ReloadTarget string
}

type deskOptGroup struct {
	Label   string
	Options []domain.Option
}

type deskLang struct {
	Name    string
	Checked bool
}

type deskSection struct {
	Title  string
	Fields []deskField
}

func opts(list []string) []domain.Option {
	out := make([]domain.Option, len(list))
	for i, v := range list {
		out[i] = domain.Option{Value: v, Label: v}
	}
	return out
}

// deskFormSections lays out the Daftar Isian with the values and errors of f.
func deskFormSections(f *domain.Form, errs domain.Errors) []deskSection {
	months := make([]domain.Option, 12)
	for i, m := range domain.MonthNames() {
		months[i] = domain.Option{Value: strconv.Itoa(i + 1), Label: m}
	}
	kec := make([]domain.Option, len(domain.Kecamatans))
	var kel []deskOptGroup
	for i, k := range domain.Kecamatans {
		kec[i] = domain.Option{Value: k.Code, Label: k.Name}
		kel = append(kel, deskOptGroup{Label: k.Name, Options: opts(k.Kelurahan)})
	}
	t := func(name, label string, wide int) deskField {
		return deskField{Name: name, Label: label, Kind: "text", Wide: wide}
	}
	n := func(name, label string, wide int) deskField {
		return deskField{Name: name, Label: label, Kind: "num", Wide: wide}
	}
	sel := func(name, label string, wide int, o []domain.Option) deskField {
		return deskField{Name: name, Label: label, Kind: "select", Wide: wide, Options: o}
	}
	secs := []deskSection{
		{"Data diri", []deskField{n("nik", "NIK", 2), t("full_name", "Nama lengkap", 4), t("birth_place", "Tempat lahir", 2),
			n("birth_day", "Tgl lahir", 1), sel("birth_month", "Bulan", 1, months), n("birth_year", "Tahun", 1),
			sel("sex", "Jenis kelamin", 1, domain.Sexes),
			{Name: "nik_perlu_dicek", Label: "NIK sesuai KTP walau tidak cocok dengan tanggal lahir/jenis kelamin (perlu dicek)", Kind: "check", Wide: 6}}},
		{"Alamat", []deskField{t("street", "Jalan, nomor rumah", 4), n("rt", "RT", 1), n("rw", "RW", 1),
			sel("kecamatan", "Kecamatan", 2, kec), {Name: "kelurahan", Label: "Kelurahan/desa", Kind: "select", Wide: 3, Groups: kel},
			n("postal_code", "Kode pos", 1)}},
		{"Kontak dan keterangan diri", []deskField{n("phone", "HP / telepon", 2), t("email", "E-mail", 2),
			sel("marital", "Status perkawinan", 2, opts(domain.MaritalStatuses)), sel("religion", "Agama", 2, opts(domain.Religions)),
			n("height", "Tinggi (cm)", 1), n("weight", "Berat (kg)", 1), t("disability", "Disabilitas (jika ada)", 2)}},
		{"Pendidikan terakhir", []deskField{{Name: "edu_level", Label: "Pendidikan terakhir", Kind: "select", Wide: 2,
			Options: opts(domain.EducationLevels), Reload: "/petugas/kode-pendidikan", ReloadTarget: "#f-edu_code"},
			{Name: "edu_code", Label: "Jurusan / bidang (kode IPK)", Kind: "select", Wide: 4, Groups: eduCodeGroups(f.EduLevel)},
			t("edu_school", "Sekolah / perguruan tinggi", 3), t("edu_major", "Nama jurusan", 1),
			n("edu_year", "Tahun lulus", 1), t("edu_grade", "Nilai", 1)}},
	}
	var history []deskField
	for _, h := range domain.HistoryLevels {
		history = append(history, t("hist_"+h.Key+"_school", h.Label, 3), t("hist_"+h.Key+"_major", "Jurusan", 2),
			n("hist_"+h.Key+"_year", "Tahun lulus", 1))
	}
	secs = append(secs, deskSection{"Riwayat pendidikan (sebelum pendidikan terakhir; SD s.d. SLTA wajib, lainnya jika ada)", history})
	var training []deskField
	for i := 1; i <= domain.Rows; i++ {
		training = append(training, t(fmt.Sprintf("training_name_%d", i), fmt.Sprintf("Pelatihan %d", i), 3),
			t(fmt.Sprintf("training_institution_%d", i), "Lembaga", 2), n(fmt.Sprintf("training_year_%d", i), "Tahun", 1))
	}
	secs = append(secs, deskSection{"Pendidikan non-formal / pelatihan", training})
	secs = append(secs, deskSection{"Bahasa asing", []deskField{{Name: "languages", Label: "Bahasa", Kind: "langs", Wide: 4}, t("language_other", "Bahasa lain", 2)}})
	exp := []deskField{{Name: "never_worked", Label: "Belum pernah bekerja", Kind: "check", Wide: 6}}
	for i := 1; i <= domain.Rows; i++ {
		exp = append(exp, t(fmt.Sprintf("exp_position_%d", i), fmt.Sprintf("Jabatan %d", i), 2), t(fmt.Sprintf("exp_employer_%d", i), "Tempat bekerja", 2),
			sel(fmt.Sprintf("exp_sector_%d", i), "Bidang usaha (KBLI)", 2, domain.KBLISections),
			n(fmt.Sprintf("exp_years_%d", i), "Lama (tahun)", 1), n(fmt.Sprintf("exp_months_%d", i), "Lama (bulan)", 1),
			t(fmt.Sprintf("exp_duties_%d", i), "Uraian tugas", 4))
	}
	secs = append(secs, deskSection{"Pengalaman kerja", exp})
	secs = append(secs, deskSection{"Pekerjaan yang diinginkan", []deskField{sel("desired_kbji", "Bidang (KBJI)", 3, domain.KBJIGroups),
		t("desired_position", "Jabatan", 3), sel("desired_kbli", "Bidang usaha (KBLI)", 3, domain.KBLISections),
		t("target_company", "Perusahaan yang dituju", 3),
		sel("desired_location", "Lokasi", 3, domain.DesiredLocations), t("desired_country", "Negara (luar negeri)", 1),
		n("desired_wage", "Upah (Rp/bulan)", 2)}})
	secs = append(secs, deskSection{"Keterangan", []deskField{{Name: "remarks", Label: "Keterangan lain", Kind: "textarea", Wide: 6}}})
	for si := range secs {
		for fi := range secs[si].Fields {
			fd := &secs[si].Fields[fi]
			fd.Value = f.Value(fd.Name)
			fd.Error = errs[fd.Name]
			switch fd.Name {
			case "never_worked":
				fd.Checked = f.NeverWorked
			case "nik_perlu_dicek":
				fd.Checked = f.NIKAsOnKTP
			case "languages":
				for _, l := range domain.Languages {
					fd.Langs = append(fd.Langs, deskLang{l, f.HasLanguage(l)})
				}
			case "birth_day":
				fd.Error = errs["birth_date"]
			}
		}
	}
	return secs
}

// applyDeskForm reads the whole Daftar Isian from a posted body into f.
func applyDeskForm(c *fiber.Ctx, f *domain.Form) (url.Values, error) {
	values, err := url.ParseQuery(string(c.Body()))
	if err != nil {
		return nil, &PublicError{fiber.StatusBadRequest, "Isian tidak terbaca. Silakan ulangi."}
	}
	f.ApplyAll(values)
	return values, nil
}

// eduCodeGroups lists the IPK codes of a level as the desk's pick-list groups.
func eduCodeGroups(level string) []deskOptGroup {
	var out []deskOptGroup
	for _, g := range domain.EducationCodes(level) {
		dg := deskOptGroup{Label: strings.TrimSpace(level + " " + g.Field)}
		for _, c := range g.Codes {
			dg.Options = append(dg.Options, domain.Option{Value: c.Code, Label: c.Code + " " + c.Name})
		}
		out = append(out, dg)
	}
	return out
}

// deskEduCodeOptions answers a change of the education level on the desk form with its IPK codes.
func (s *Server) deskEduCodeOptions(c *fiber.Ctx) error {
	return c.Render("desk/code-options", fiber.Map{"Groups": eduCodeGroups(c.Query("edu_level"))})
}

// formChanges lists the fields whose value differs between two forms.
func formChanges(old, new *domain.Form) []storage.FieldChange {
	var out []storage.FieldChange
	for _, name := range domain.AllFields() {
		var a, b string
		switch name {
		case "languages":
			a, b = strings.Join(old.Languages, ", "), strings.Join(new.Languages, ", ")
		case "never_worked":
			a, b = yesNo(old.NeverWorked), yesNo(new.NeverWorked)
		case "nik_perlu_dicek":
			a, b = yesNo(old.NIKAsOnKTP), yesNo(new.NIKAsOnKTP)
		default:
			a, b = old.Value(name), new.Value(name)
		}
		if a != b {
			out = append(out, storage.FieldChange{Field: name, Old: a, New: b})
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "ya"
	}
	return "tidak"
}

func (s *Server) renderDeskForm(c *fiber.Ctx, mode string, a *storage.DeskApplication, f *domain.Form, errs domain.Errors, extra fiber.Map) error {
	title := map[string]string{"baru": "Pendaftaran di meja petugas", "ubah": "Koreksi data", "manual": "Input kartu manual",
		"perbaikan": "Perbaikan data kartu"}[mode]
	p := s.deskPage(c, title, mode)
	p.Data["Mode"] = mode
	p.Data["App"] = a
	p.Data["Sections"] = deskFormSections(f, errs)
	p.Data["Errors"] = errs
	p.Data["Warnings"] = f.Warnings(s.rules())
	for k, v := range extra {
		p.Data[k] = v
	}
	switch mode {
	case "baru":
		p.Data["Action"] = "/petugas/baru"
	case "manual":
		p.Data["Action"] = "/petugas/manual"
		pk, err := s.db.Users(c.UserContext(), domain.RolePengantar)
		if err != nil {
			return err
		}
		p.Data["Pengantar"] = pk
	case "perbaikan":
		// The card's page passes its own action (desk_cardlife.go).
	default:
		p.Data["Action"] = appURL(a.ID) + "/ubah"
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return c.Render("desk/form", p, "layouts/officer")
}

func (s *Server) walkInForm(c *fiber.Ctx) error {
	return s.renderDeskForm(c, "baru", nil, &domain.Form{}, nil, nil)
}

// walkInSubmit registers someone who came to the desk without using the kiosk (source "desk") and
// calls the ticket to this desk at once.
func (s *Server) walkInSubmit(c *fiber.Ctx) error {
	f := &domain.Form{}
	values, err := applyDeskForm(c, f)
	if err != nil {
		return err
	}
	f.Agreed = values.Get("setuju") != ""
	errs, _ := f.Validate(s.rules())
	for k, v := range f.CheckAgreement() {
		errs[k] = v
	}
	if len(errs) > 0 {
		return s.renderDeskForm(c, "baru", nil, f, errs, fiber.Map{"Agreed": f.Agreed})
	}
	f.Normalize()
	o := officerOf(c)
	app, err := s.db.SubmitApplication(c.UserContext(), f, "desk", fmt.Sprintf("user:%d", o.ID), "")
	var valid *storage.ActiveCardError
	if errors.Is(err, domain.ErrAlreadyOpen) {
		extra := openWithNIKData(&storage.OpenApplicationError{ID: app.ID, Ticket: app.Ticket, State: app.State})
		extra["Agreed"] = f.Agreed
		return s.renderDeskForm(c, "baru", nil, f, domain.Errors{"nik": openWithNIKField(app.Ticket)}, extra)
	}
	if errors.As(err, &valid) {
		extra := cardInForceData(valid)
		extra["Agreed"] = f.Agreed
		return s.renderDeskForm(c, "baru", nil, f, domain.Errors{"nik": cardInForceField(valid)}, extra)
	}
	if err != nil {
		return err
	}
	return s.callToDesk(c, app.ID)
}

func (s *Server) correctForm(c *fiber.Ctx) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	errs, _ := a.Form.Validate(s.rules())
	return s.renderDeskForm(c, "ubah", a, &a.Form, errs, nil)
}

// correctSubmit stores the officer's corrections after the kiosk's checks, each with its old value.
func (s *Server) correctSubmit(c *fiber.Ctx) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	old := a.Form
	f := a.Form
	f.Languages = append([]string(nil), old.Languages...)
	if _, err := applyDeskForm(c, &f); err != nil {
		return err
	}
	if errs, _ := f.Validate(s.rules()); len(errs) > 0 {
		return s.renderDeskForm(c, "ubah", a, &f, errs, nil)
	}
	f.Normalize()
	seen := domain.State(c.FormValue("keadaan"))
	if seen == domain.StatePrinted {
		// The holder found the mistake on the printed card (SOP 8): void it and print the corrected one.
		if _, err := s.db.CorrectAndReprint(c.UserContext(), a.ID, officerOf(c).ID, &f, formChanges(&old, &f)); err != nil {
			if errs, extra := nikTaken(err); errs != nil {
				return s.renderDeskForm(c, "ubah", a, &f, errs, extra)
			}
			return s.deskError(err)
		}
		s.events.notify()
		s.printSignal.Notify()
		return c.Redirect(appURL(a.ID), fiber.StatusSeeOther)
	}
	if err := s.db.CorrectApplication(c.UserContext(), a.ID, officerOf(c).ID, seen, &f, formChanges(&old, &f)); err != nil {
		if errs, extra := nikTaken(err); errs != nil {
			return s.renderDeskForm(c, "ubah", a, &f, errs, extra)
		}
		return s.deskError(err)
	}
	s.events.notify()
	return c.Redirect(appURL(a.ID), fiber.StatusSeeOther)
}

func (s *Server) manualForm(c *fiber.Ctx) error {
	return s.renderDeskForm(c, "manual", nil, &domain.Form{}, nil, fiber.Map{"RegNumber": "", "IssuedOn": ""})
}

// errNotSigner is shown when the manual card's signer is missing or may not sign.
const errNotSigner = "Pilih Pengantar Kerja yang menandatangani kartu (pengguna aktif dengan peran Pengantar Kerja)"

// manualSubmit enters a card made by hand during an outage, with the number and date written on it.
func (s *Server) manualSubmit(c *fiber.Ctx) error {
	f := &domain.Form{}
	values, err := applyDeskForm(c, f)
	if err != nil {
		return err
	}
	reg := strings.Join(strings.Fields(values.Get("reg_number")), " ")
	issuedText := datePosted(values, "issued_on")
	pk, _ := strconv.ParseInt(values.Get("pengantar"), 10, 64)
	extra := fiber.Map{"RegNumber": reg, "IssuedOn": issuedText, "ChosenPengantar": pk}
	errs, _ := f.Validate(s.rules())
	if reg == "" || strings.Trim(reg, "0123456789 ./-") != "" || len(reg) > 40 {
		errs["reg_number"] = "Tulis nomor pendaftaran seperti tertulis pada kartu (angka)"
	}
	issued, perr := time.Parse("2006-01-02", issuedText)
	today := s.rules().Today
	if perr != nil || issued.After(today) || issued.Before(today.AddDate(-2, 0, 0)) {
		errs["issued_on"] = "Tanggal kartu dibuat: tidak boleh di masa depan atau lebih dari 2 tahun lalu"
	}
	if signer, err := s.db.User(c.UserContext(), pk); errors.Is(err, storage.ErrNotFound) || err == nil && !signer.CanSign() {
		errs["pengantar"] = errNotSigner
	} else if err != nil {
		return err
	}
	if len(errs) > 0 {
		return s.renderDeskForm(c, "manual", nil, f, errs, extra)
	}
	f.Normalize()
	// The same rules as the kiosk and the desk, checked again where the card is stored: one open
	// application and one valid card per NIK, signed by an active Pengantar Kerja.
	id, err := s.db.EnterManualCard(c.UserContext(), storage.ManualCard{Form: f, RegNumber: reg, IssuedOn: issued, PengantarID: pk, UserID: officerOf(c).ID})
	var valid *storage.ActiveCardError
	switch {
	case errors.Is(err, storage.ErrRegNumberTaken):
		return s.renderDeskForm(c, "manual", nil, f, domain.Errors{"reg_number": "Nomor pendaftaran ini sudah tercatat pada kartu lain"}, extra)
	case errors.Is(err, storage.ErrNotPengantar):
		return s.renderDeskForm(c, "manual", nil, f, domain.Errors{"pengantar": errNotSigner}, extra)
	case errors.Is(err, domain.ErrAlreadyOpen):
		open, gerr := s.db.Application(c.UserContext(), id)
		if gerr != nil {
			return gerr
		}
		for k, v := range openWithNIKData(&storage.OpenApplicationError{ID: open.ID, Ticket: open.Ticket, State: open.State}) {
			extra[k] = v
		}
		return s.renderDeskForm(c, "manual", nil, f, domain.Errors{"nik": openWithNIKField(open.Ticket)}, extra)
	case errors.As(err, &valid):
		for k, v := range cardInForceData(valid) {
			extra[k] = v
		}
		return s.renderDeskForm(c, "manual", nil, f, domain.Errors{"nik": cardInForceField(valid)}, extra)
	case err != nil:
		return err
	}
	s.events.notify()
	return c.Redirect(appURL(id), fiber.StatusSeeOther)
}

// cardInForceMessage tells the officer which card of the NIK is still in force and what follows.
func cardInForceMessage(valid *storage.ActiveCardError, outcome string) string {
	return fmt.Sprintf("NIK ini sudah memiliki kartu AK/I yang masih berlaku (nomor %s, %s, berlaku sampai %s): %s selama kartu itu berlaku. "+
		"Buka halaman kartu itu untuk lapor, perbaikan data, perpanjangan atau pembatalan.",
		valid.RegNumber, strings.ToLower(domain.CardStateLabel(valid.State)), domain.FormatDate(valid.ValidUntil), outcome)
}

// cardInForceField is the NIK field's message when the form's alert shows the card in force: short,
// the alert above says the rest.
func cardInForceField(valid *storage.ActiveCardError) string {
	return fmt.Sprintf("NIK ini sudah memiliki kartu AK/I yang masih berlaku (nomor %s): lihat keterangan di atas.", valid.RegNumber)
}

// cardInForceData is what the desk form's alert shows of the card in force: number, state,
// validity and a link to its page.
func cardInForceData(valid *storage.ActiveCardError) fiber.Map {
	return fiber.Map{"CardInForce": valid, "CardInForceURL": cardURL(valid.CardID), "CardInForceState": domain.CardStateLabel(valid.State)}
}

// nikTaken turns a correction refused because the new NIK is taken (another card in force, another
// open application) into the message on the NIK field and the alert naming the card or the
// application, so the form comes back with what the officer typed. errs is nil for any other error.
func nikTaken(err error) (errs domain.Errors, extra fiber.Map) {
	var valid *storage.ActiveCardError
	var open *storage.OpenApplicationError
	switch {
	case errors.As(err, &valid):
		return domain.Errors{"nik": cardInForceField(valid)}, cardInForceData(valid)
	case errors.As(err, &open):
		return domain.Errors{"nik": fmt.Sprintf("NIK ini sudah dipakai permohonan lain yang masih berjalan (tiket %s): lihat keterangan di atas.", open.Ticket)},
			openWithNIKData(open)
	}
	return nil, nil
}

// openWithNIKField is the NIK field's message of a new registration (walk-in, manual card) whose
// NIK has an application still open: short, the form's alert says the rest.
func openWithNIKField(ticket string) string {
	return fmt.Sprintf("NIK ini sudah punya permohonan yang masih berjalan (tiket %s): lihat keterangan di atas.", ticket)
}

// openWithNIKData is what the desk form's alert shows of the open application holding the NIK:
// ticket, state and a link to its page.
func openWithNIKData(open *storage.OpenApplicationError) fiber.Map {
	return fiber.Map{"OpenWithNIK": open, "OpenWithNIKState": stateLabel(open.State), "OpenWithNIKURL": appURL(open.ID)}
}

// openWithNIKMessage tells the officer which other application holds the NIK, where the form's
// alert cannot (deskError).
func openWithNIKMessage(open *storage.OpenApplicationError) string {
	return fmt.Sprintf("NIK ini sudah dipakai permohonan lain yang masih berjalan (tiket %s, %s): NIK permohonan ini tidak dapat diganti menjadi NIK itu. "+
		"Periksa kembali NIK pada KTP, atau selesaikan permohonan itu dulu.", open.Ticket, strings.ToLower(stateLabel(open.State)))
}
