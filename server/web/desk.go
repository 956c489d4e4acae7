package web

import (
	"context"
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

// SessionIdleDefault is how long an officer session lasts unused unless Options say otherwise.
const SessionIdleDefault = 30 * time.Minute

// initDesk fills the officer-desk defaults and helpers.
func (s *Server) initDesk() {
	if s.opts.RegNoPattern == "" {
		s.opts.RegNoPattern = domain.DefaultRegNoPattern
	}
	if s.opts.SessionIdle == 0 {
		s.opts.SessionIdle = SessionIdleDefault
	}
	if s.opts.SessionMax == 0 {
		s.opts.SessionMax = 10 * time.Hour
	}
	if s.opts.LoginDelay == 0 {
		s.opts.LoginDelay = time.Second
	}
	s.events = newBroker(s.db, s.log)
	s.accountLimit, s.addressLimit = domain.AccountSignInLimit, domain.AddressSignInLimit
	s.accountLimit.Unit, s.addressLimit.Unit = s.opts.LoginDelay, s.opts.LoginDelay
}

func isDeskPath(p string) bool {
	return strings.HasPrefix(p, "/petugas") || p == "/masuk" || p == "/keluar"
}

// alreadyHandled is what an officer sees when another officer moved the application on first.
var alreadyHandled = &PublicError{fiber.StatusConflict, "Permohonan ini sudah diproses petugas lain. Muat ulang halaman untuk melihat keadaannya sekarang."}

// stateFilters are the queue's state filter choices.
var stateFilters = []struct {
	Value, Label string
	States       []domain.State
}{
	{"menunggu", "Menunggu & dipanggil", []domain.State{domain.StateSubmitted, domain.StateResubmitted, domain.StateCalled}},
	{"diperiksa", "Sedang diperiksa", []domain.State{domain.StateVerified, domain.StatePhotographed}},
	{"disetujui", "Disetujui / dicetak", []domain.State{domain.StateApproved, domain.StatePrinted, domain.StateChecked, domain.StateSigned,
		domain.StateCounselled, domain.StateHandedOver}},
	{"dikembalikan", "Dikembalikan", []domain.State{domain.StateReturned}},
	{"ditolak", "Ditolak", []domain.State{domain.StateRejected}},
	{"semua", "Semua keadaan", nil},
}

// stateLabel is the state as officers call it.
func stateLabel(s domain.State) string {
	switch s {
	case domain.StateSubmitted:
		return "Menunggu"
	case domain.StateResubmitted:
		return "Menunggu (dilengkapi)"
	case domain.StateCalled:
		return "Dipanggil"
	case domain.StateReturned:
		return "Dikembalikan"
	case domain.StateVerified:
		return "Dokumen lengkap"
	case domain.StatePhotographed:
		return "Siap disetujui"
	case domain.StateApproved:
		return "Disetujui, antre cetak"
	case domain.StatePrinted:
		return "Sudah dicetak"
	case domain.StateChecked:
		return "Diperiksa pemegang"
	case domain.StateSigned:
		return "Ditandatangani Pengantar Kerja"
	case domain.StateCounselled:
		return "Siap diserahkan"
	case domain.StateHandedOver:
		return "Sudah diserahkan"
	case domain.StateRejected:
		return "Ditolak"
	}
	return string(s)
}

func sourceLabel(src string) string {
	switch src {
	case "kiosk":
		return "Anjungan"
	case "desk":
		return "Meja petugas"
	case "manual":
		return "Kartu manual"
	case "perpanjangan":
		return "Perpanjangan kartu"
	case "demo":
		return "Data contoh"
	}
	return src
}

func (s *Server) queueFilter(c *fiber.Ctx) (storage.QueueFilter, string) {
	f := storage.QueueFilter{Query: strings.TrimSpace(c.Query("q")), Day: c.Query("hari", domain.OfficeDay(s.now()))}
	if _, err := time.Parse("2006-01-02", f.Day); err != nil {
		f.Day = domain.OfficeDay(s.now())
	}
	if page, err := strconv.Atoi(c.Query("halaman")); err == nil && page > 1 && page <= maxQueuePage {
		f.Offset = (page - 1) * storage.QueuePageSize
	}
	state := c.Query("keadaan", "menunggu")
	for _, sf := range stateFilters {
		if sf.Value == state {
			f.States = sf.States
			return f, state
		}
	}
	f.States = stateFilters[0].States
	return f, "menunggu"
}

// maxQueuePage bounds the page number a link may ask for (a day has far fewer pages).
const maxQueuePage = 10000

// queue reads the page of the queue the request asks for; a page past the end (the queue shrank
// since the link was made) shows the last page instead.
func (s *Server) queue(c *fiber.Ctx) (*storage.QueuePage, storage.QueueFilter, string, error) {
	f, state := s.queueFilter(c)
	page, err := s.db.QueuePage(c.UserContext(), f)
	if err == nil && len(page.Items) == 0 && page.Total > 0 && f.Offset > 0 {
		f.Offset = (page.Total - 1) / storage.QueuePageSize * storage.QueuePageSize
		page, err = s.db.QueuePage(c.UserContext(), f)
	}
	return page, f, state, err
}

func (s *Server) queuePage(c *fiber.Ctx) error {
	p := s.deskPage(c, "Antrean", "antrean")
	page, f, state, err := s.queue(c)
	if err != nil {
		return err
	}
	p.Data["Filter"] = f
	p.Data["State"] = state
	p.Data["States"] = stateFilters
	p.Data["Days"] = s.queueDays(f.Day)
	p.Data["Rows"] = s.queueRows(page.Items)
	p.Data["Pager"] = newPager(page, f, state)
	if p.Data["NIKCheck"], err = s.nikChecks(c.UserContext(), page.Items); err != nil {
		return err
	}
	if p.Data["Visits"], err = s.visitsForQueue(c); err != nil {
		return err
	}
	p.Data["CanDesk"] = canDesk(officerOf(c))
	p.Data["CSRF"] = p.CSRF
	if p.Data["Work"], err = s.waitingWork(c); err != nil {
		return err
	}
	p.Data["NeedDisposition"] = s.needDisposition(c, p.Data["Work"].([]workList))
	c.Set("Vary", "HX-Request")
	return c.Render("desk/queue", p, "layouts/officer")
}

func (s *Server) queueFragment(c *fiber.Ctx) error {
	page, f, state, err := s.queue(c)
	if err != nil {
		return err
	}
	checks, err := s.nikChecks(c.UserContext(), page.Items)
	if err != nil {
		return err
	}
	visits, err := s.visitsForQueue(c)
	if err != nil {
		return err
	}
	return c.Render("desk/queue-rows", fiber.Map{"Rows": s.queueRows(page.Items), "Pager": newPager(page, f, state),
		"CSRF": csrfToken(c), "CanDesk": canDesk(officerOf(c)), "NIKCheck": checks, "Visits": visits})
}

// pager says which rows of the queue are shown, how many are not, and links to the other pages
// (issue 7: the queue stopped at 200 rows without saying so).
type pager struct {
	Page, Pages int
	Summary     string // "Menampilkan 51–100 dari 230 permohonan."
	Hidden      string // "180 lainnya tidak ditampilkan." or empty
	TooMany     string // a search matched more than can be paged through
	Prev, Next  string // links to the neighbouring pages, empty at the ends
}

func newPager(page *storage.QueuePage, f storage.QueueFilter, state string) pager {
	pg := pager{Page: f.Offset/storage.QueuePageSize + 1, Pages: (page.Total + storage.QueuePageSize - 1) / storage.QueuePageSize}
	if page.Total == 0 {
		return pg
	}
	from, to := f.Offset+1, f.Offset+len(page.Items)
	pg.Summary = fmt.Sprintf("Menampilkan %s–%s dari %s permohonan.", angka(from), angka(to), angka(page.Total))
	if hidden := page.Total - len(page.Items); hidden > 0 {
		pg.Hidden = angka(hidden) + " lainnya tidak ditampilkan."
	}
	if page.More {
		pg.Summary = fmt.Sprintf("Menampilkan %s–%s dari lebih dari %s permohonan yang cocok.", angka(from), angka(to), angka(page.Total))
		pg.Hidden = ""
		pg.TooMany = fmt.Sprintf("Hanya %s hasil terbaik yang dapat dibuka. Perjelas pencarian: nama lengkap, NIK, nomor antrean atau nomor pendaftaran.", angka(storage.SearchCap))
	}
	link := func(n int) string {
		v := url.Values{"keadaan": {state}, "hari": {f.Day}, "halaman": {strconv.Itoa(n)}}
		if f.Query != "" {
			v.Set("q", f.Query)
		}
		return "/petugas?" + v.Encode()
	}
	if pg.Page > 1 {
		pg.Prev = link(pg.Page - 1)
	}
	if pg.Page < pg.Pages {
		pg.Next = link(pg.Page + 1)
	}
	return pg
}

// angka writes a whole number the Indonesian way, with dots between thousands: 1.250.
func angka(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

// nikChecks marks the applications whose NIK disagrees with the birth date or sex and that no
// officer has accepted yet: "NIK perlu dicek" in the queue.
func (s *Server) nikChecks(ctx context.Context, items []storage.QueueItem) (map[int64]bool, error) {
	var ids []int64
	for _, it := range items {
		if it.Form.NIKMismatch() != nil {
			ids = append(ids, it.ID)
		}
	}
	accepted, err := s.db.AcceptedNIKs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = !accepted[id]
	}
	return out, nil
}

type queueRow struct {
	storage.QueueItem
	Next        domain.Next // the SOP step it waits for and whose work that is
	StateLabel  string
	SourceLabel string
	Waiting     string
	IsWaiting   bool
}

func (s *Server) queueRows(items []storage.QueueItem) []queueRow {
	out := make([]queueRow, len(items))
	now := s.now()
	for i, it := range items {
		r := queueRow{QueueItem: it, Next: domain.NextFor(it.State), StateLabel: stateLabel(it.State), SourceLabel: sourceLabel(it.Source)}
		r.IsWaiting = it.State == domain.StateSubmitted || it.State == domain.StateResubmitted || it.State == domain.StateReturned
		if it.State.IsOpen() && it.State != domain.StateApproved {
			r.Waiting = waitText(now.Sub(it.CreatedAt))
		}
		out[i] = r
	}
	return out
}

func waitText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "< 1 mnt"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " mnt"
	default:
		return strconv.Itoa(int(d.Hours())) + " jam " + strconv.Itoa(int(d.Minutes())%60) + " mnt"
	}
}

func canDesk(o *domain.Officer) bool {
	return o != nil && (o.Role == domain.RolePetugas || o.Role == domain.RolePengantar || o.Role == domain.RoleAdmin)
}

// appID reads the :id parameter and loads the application with the desk's records.
func (s *Server) appID(c *fiber.Ctx) (*storage.DeskApplication, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, fiber.ErrNotFound
	}
	a, err := s.db.DeskApplication(c.UserContext(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fiber.ErrNotFound
	}
	return a, err
}

func appURL(id int64) string { return "/petugas/permohonan/" + strconv.FormatInt(id, 10) }

func (s *Server) applicationPage(c *fiber.Ctx) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	p := s.deskPage(c, a.Ticket+" · "+a.FullName, "antrean")
	p.Data["App"] = a
	p.Data["StateLabel"] = stateLabel(a.State)
	p.Data["SourceLabel"] = sourceLabel(a.Source)
	p.Data["CanDesk"] = canDesk(officerOf(c))
	p.Data["AtDesk"] = a.State.AtDesk()
	svc, _ := domain.FindService("baru")
	ticked := map[string]bool{}
	for _, d := range a.Documents {
		ticked[d] = true
	}
	p.Data["Docs"] = svc.Docs
	p.Data["Ticked"] = ticked
	p.Data["DocsComplete"] = hasAllDocs(a.Documents)
	p.Data["Warnings"] = a.Form.Warnings(s.rules())
	p.Data["Summary"] = formSummary(&a.Form)
	nikReady := true
	if m := a.Form.NIKMismatch(); m != nil {
		accepted, err := s.db.AcceptedNIK(c.UserContext(), a.ID)
		if err != nil {
			return err
		}
		p.Data["NIKMismatch"] = m.Message
		p.Data["NIKAccepted"] = accepted
		p.Data["NIKAsOnKTP"] = a.Form.NIKAsOnKTP
		p.Data["NIKReasons"] = nikAcceptReasons
		nikReady = accepted != nil
	}
	p.Data["NIKReady"] = nikReady
	p.Data["ReturnReasons"] = domain.ReturnReasons
	p.Data["RejectReasons"] = domain.RejectReasons
	if p.Data["NextRegNumber"], err = s.db.NextRegNumber(c.UserContext(), s.opts.RegNoPattern); err != nil {
		return err
	}
	if p.Data["After"], err = s.afterData(c, a); err != nil {
		return err
	}
	corr, err := s.db.Corrections(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	p.Data["Corrections"] = corr
	p.Data["Version"] = a.UpdatedAt.UnixMilli()
	if a.Card != nil {
		st, err := s.db.PrintJobState(c.UserContext(), a.Card.ID)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		p.Data["PrintState"] = printStateLabel(st)
	}
	return c.Render("desk/application", p, "layouts/officer")
}

func printStateLabel(s string) string {
	switch s {
	case "queued":
		return "dalam antrean cetak"
	case "claimed", "sent":
		return "sedang dicetak"
	case "printed":
		return "sudah dicetak"
	case "failed", "needs_check":
		return "perlu diperiksa operator cetak"
	case "":
		return "tidak dicetak (kartu manual)"
	}
	return s
}

func hasAllDocs(have []string) bool {
	for _, want := range storage.RequiredDocuments() {
		found := false
		for _, h := range have {
			found = found || h == want
		}
		if !found {
			return false
		}
	}
	return true
}

// summaryRow is one line of the Daftar Isian summary on the application page.
type summaryRow struct{ Label, Value string }

func formSummary(f *domain.Form) []summaryRow {
	birth := ""
	if b, ok := f.BirthDate(); ok {
		birth = domain.FormatDate(b)
	}
	addr := f.Street
	if f.RT != "" || f.RW != "" {
		addr += ", RT " + f.RT + "/RW " + f.RW
	}
	langs := strings.Join(f.Languages, ", ")
	if f.LanguageOther != "" {
		langs = strings.TrimPrefix(langs+", "+f.LanguageOther, ", ")
	}
	rows := []summaryRow{
		{"NIK", f.NIK},
		{"Nama lengkap", f.FullName},
		{"Tempat, tgl lahir", f.BirthPlace + ", " + birth},
		{"Jenis kelamin", domain.LabelOf(domain.Sexes, f.Sex)},
		{"Alamat", addr + ", " + f.Kelurahan + ", " + f.KecamatanName()},
		{"HP / e-mail", strings.TrimSuffix(f.Phone+" / "+f.Email, " / ")},
		{"Status, agama", f.Marital + ", " + f.Religion},
	}
	for _, e := range f.Education() {
		v := strings.Join(nonEmpty(e.School, e.Major), ", ")
		if e.Year != "" {
			v += " (" + e.Year + ")"
		}
		rows = append(rows, summaryRow{"Pendidikan " + e.Level, v})
	}
	rows = append(rows, summaryRow{"Kode pendidikan", domain.EducationCodeLabel(f.EduCode)})
	for _, t := range f.Trainings {
		if t.Name != "" {
			rows = append(rows, summaryRow{"Pelatihan", strings.Join(nonEmpty(t.Name, t.Institution), ", ") + " (" + t.Year + ")"})
		}
	}
	rows = append(rows, summaryRow{"Bahasa asing", langs})
	worked := false
	for _, x := range f.Experiences {
		if x.Position == "" {
			continue
		}
		worked = true
		v := x.Position + " di " + x.Employer
		if x.Sector != "" {
			v += " (KBLI " + x.Sector + ")"
		}
		if x.Years != "" || x.Months != "" {
			v += ", " + strings.TrimSpace(strings.TrimSuffix(x.Years+" th", " th")+" "+strings.TrimSuffix(x.Months+" bln", " bln"))
		}
		rows = append(rows, summaryRow{"Pengalaman", v})
	}
	if !worked {
		rows = append(rows, summaryRow{"Pengalaman", "Belum pernah bekerja"})
	}
	wage := ""
	if f.DesiredWage != "" {
		wage = formatRupiah(f.DesiredWage) + " per bulan"
	}
	sector := ""
	if f.DesiredSector != "" {
		sector = f.DesiredSector + " · " + domain.LabelOf(domain.KBLISections, f.DesiredSector)
	}
	return append(rows,
		summaryRow{"Pekerjaan diinginkan", domain.LabelOf(domain.KBJIGroups, f.DesiredKBJI) + strings.TrimSuffix(" — "+f.DesiredPosition, " — ")},
		summaryRow{"Bidang usaha diinginkan", sector},
		summaryRow{"Perusahaan dituju", f.TargetCompany},
		summaryRow{"Lokasi, upah", strings.Trim(domain.LabelOf(domain.DesiredLocations, f.DesiredLocation)+strings.TrimSuffix(" ("+f.DesiredCountry+")", " ()")+", "+wage, ", ")},
		summaryRow{"Keterangan", f.Remarks},
	)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (s *Server) deskError(err error) error {
	var nr *storage.NotReadyError
	var valid *storage.ActiveCardError
	var open *storage.OpenApplicationError
	switch {
	case errors.As(err, &valid):
		return &PublicError{fiber.StatusConflict, cardInForceMessage(valid, "kartu baru tidak dapat diterbitkan")}
	case errors.As(err, &open):
		return &PublicError{fiber.StatusConflict, openWithNIKMessage(open)}
	case errors.Is(err, storage.ErrStateChanged):
		return alreadyHandled
	case errors.As(err, &nr):
		return &PublicError{fiber.StatusUnprocessableEntity, nr.Message}
	case errors.Is(err, storage.ErrNotFound):
		return fiber.ErrNotFound
	}
	return err
}

func (s *Server) callApplication(c *fiber.Ctx) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	return s.callToDesk(c, a.ID)
}

// callToDesk calls an application to this officer's desk (shown on the lobby display) and opens it.
func (s *Server) callToDesk(c *fiber.Ctx, id int64) error {
	desk := sessionOf(c).Desk
	if desk == "" {
		desk = "1"
	}
	if err := s.db.CallApplication(c.UserContext(), id, officerOf(c).ID, desk); err != nil {
		return s.deskError(err)
	}
	s.events.notify()
	return c.Redirect(appURL(id), fiber.StatusSeeOther)
}

func (s *Server) saveDocuments(c *fiber.Ctx) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	svc, _ := domain.FindService("baru")
	var docs []string
	if c.FormValue("aksi") == "semua" {
		for _, d := range svc.Docs {
			if d.Required {
				docs = append(docs, d.Key)
			}
		}
	}
	for _, v := range c.Request().PostArgs().PeekMulti("dokumen") {
		for _, d := range svc.Docs {
			if d.Key == string(v) && !containsStr(docs, d.Key) {
				docs = append(docs, d.Key)
			}
		}
	}
	if err := s.db.SetDocuments(c.UserContext(), a.ID, officerOf(c).ID, docs); err != nil {
		return s.deskError(err)
	}
	s.events.notify()
	return c.Redirect(appURL(a.ID), fiber.StatusSeeOther)
}

func containsStr(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// reason reads the chosen or typed reason for returning or rejecting; the job seeker reads it back
// at the kiosk, so it is cleaned like the form.
func reason(c *fiber.Ctx) string {
	r := domain.CleanText(c.FormValue("alasan_lain"), 300)
	if r == "" {
		r = domain.CleanText(c.FormValue("alasan"), 300)
	}
	return r
}

func (s *Server) returnApplication(c *fiber.Ctx) error {
	return s.closeApplication(c, "Pilih atau tulis alasan pengembalian.", s.db.ReturnApplication)
}

func (s *Server) rejectApplication(c *fiber.Ctx) error {
	return s.closeApplication(c, "Pilih atau tulis alasan penolakan.", s.db.RejectApplication)
}

func (s *Server) closeApplication(c *fiber.Ctx, missing string,
	do func(ctx context.Context, id, userID int64, seen domain.State, reason string) error) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	r := reason(c)
	if r == "" {
		return &PublicError{fiber.StatusUnprocessableEntity, missing}
	}
	seen := domain.State(c.FormValue("keadaan"))
	if err := do(c.UserContext(), a.ID, officerOf(c).ID, seen, r); err != nil {
		return s.deskError(err)
	}
	s.events.notify()
	return c.Redirect(appURL(a.ID), fiber.StatusSeeOther)
}

// nikAcceptReasons are the usual reasons an officer accepts a NIK that disagrees with the birth date.
var nikAcceptReasons = []string{
	"KTP asli diperiksa: NIK sesuai KTP, tanggal lahir pernah dikoreksi Dukcapil (NIK tidak berubah)",
	"KTP asli diperiksa: NIK dan tanggal lahir sesuai KTP",
}

// acceptNIK records that the officer saw the KTP and accepts a NIK that disagrees with the birth
// date or sex, with the reason; approval waits for this (or for a correction of the data).
func (s *Server) acceptNIK(c *fiber.Ctx) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	if a.Form.NIKMismatch() == nil {
		return &PublicError{fiber.StatusUnprocessableEntity, "NIK permohonan ini sudah sesuai dengan tanggal lahir dan jenis kelamin."}
	}
	r := reason(c)
	if r == "" {
		return &PublicError{fiber.StatusUnprocessableEntity, "Pilih atau tulis alasan menerima NIK ini."}
	}
	if err := s.db.AcceptNIK(c.UserContext(), a.ID, officerOf(c).ID, domain.State(c.FormValue("keadaan")), r); err != nil {
		return s.deskError(err)
	}
	s.events.notify()
	return c.Redirect(appURL(a.ID), fiber.StatusSeeOther)
}

func (s *Server) approve(c *fiber.Ctx) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	// Nobody chooses the signer here: it is the official who signs the card off after printing.
	got, err := s.db.Approve(c.UserContext(), storage.Approval{ApplicationID: a.ID, UserID: officerOf(c).ID, Pattern: s.opts.RegNoPattern})
	if err != nil {
		return s.deskError(err)
	}
	s.log.Info("application approved", "id", a.ID, "reg_number", got.RegNumber, "card", got.CardID, "print_job", got.PrintJobID)
	s.events.notify()
	s.printSignal.Notify() // an idle print station takes the card now, not at its next poll
	return c.Redirect(appURL(a.ID), fiber.StatusSeeOther)
}
