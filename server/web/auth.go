package web

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ak1/server/domain"
	"ak1/server/storage"
)

// Officers sign in at /masuk; the officer area lives under /petugas. A session is a random token in an
// HttpOnly, SameSite=Strict cookie; the server keeps only its hash, with an idle expiry that slides
// on use and an absolute one that does not.
const (
	sessionCookie = "ak1_sesi"
	officerLocal  = "officer"
	sessionLocal  = "session"
)

// deskRoute is one officer page or action and the roles allowed to use it.
type deskRoute struct {
	Method  string
	Path    string
	Roles   []domain.Role
	Handler fiber.Handler
}

// deskRoutes is the one table of officer routes and who may use them: a role sees only what it needs.
func (s *Server) deskRoutes() []deskRoute {
	desk := []domain.Role{domain.RolePetugas, domain.RolePengantar, domain.RoleAdmin}
	watch := []domain.Role{domain.RolePetugas, domain.RolePengantar, domain.RoleKasi, domain.RoleAdmin}
	everyone := domain.Roles
	admin := []domain.Role{domain.RoleAdmin}
	printing := []domain.Role{domain.RoleOperator, domain.RoleAdmin}
	kasi := []domain.Role{domain.RoleKasi, domain.RoleAdmin}
	// The IPK report: a Petugas or the admin makes it (SOP 18), the Kasi IPK alone approves it (SOP 19).
	reports := []domain.Role{domain.RolePetugas, domain.RoleKasi, domain.RoleAdmin}
	reportMakers := []domain.Role{domain.RolePetugas, domain.RoleAdmin}
	reportApprover := []domain.Role{domain.RoleKasi}
	get, post := fiber.MethodGet, fiber.MethodPost
	return []deskRoute{
		{get, "/petugas", watch, s.queuePage},
		{get, "/petugas/antrean", watch, s.queueFragment},
		{get, "/petugas/peristiwa", watch, s.deskEvents},
		{get, "/petugas/akun", everyone, s.accountPage},
		{post, "/petugas/meja", desk, s.setDesk},
		{get, "/petugas/pengguna", admin, s.usersPage},
		{post, "/petugas/pengguna/:id/buka-kunci", admin, s.unlockUser},
		{post, "/petugas/pengguna/alamat/hapus-penundaan", admin, s.clearAddressWait},
		{get, "/petugas/baru", desk, s.walkInForm},
		{post, "/petugas/baru", desk, s.walkInSubmit},
		{get, "/petugas/manual", desk, s.manualForm},
		{post, "/petugas/manual", desk, s.manualSubmit},
		{get, "/petugas/kode-pendidikan", desk, s.deskEduCodeOptions},
		{get, "/petugas/permohonan/:id", watch, s.applicationPage},
		{post, "/petugas/permohonan/:id/panggil", desk, s.callApplication},
		{post, "/petugas/permohonan/:id/dokumen", desk, s.saveDocuments},
		{get, "/petugas/permohonan/:id/ubah", desk, s.correctForm},
		{post, "/petugas/permohonan/:id/ubah", desk, s.correctSubmit},
		{get, "/petugas/permohonan/:id/foto", watch, s.photoJPEG},
		{post, "/petugas/permohonan/:id/foto", desk, s.uploadPhoto},
		{get, "/petugas/permohonan/:id/pratinjau/:face", watch, s.cardPreview},
		{post, "/petugas/permohonan/:id/kembalikan", desk, s.returnApplication},
		{post, "/petugas/permohonan/:id/tolak", desk, s.rejectApplication},
		{post, "/petugas/permohonan/:id/setujui", desk, s.approve},
		{post, "/petugas/permohonan/:id/nik", desk, s.acceptNIK},
		// After printing (issue 9). Signing, counselling and legalising are for a Pengantar Kerja, or
		// for the official of the Kasi's disposition of the day (s.signer checks which).
		{get, "/petugas/pekerjaan", watch, s.workFragment},
		{post, "/petugas/permohonan/:id/diperiksa", desk, s.holderChecked},
		{post, "/petugas/permohonan/:id/tandatangan", watch, s.signer(s.signOff)},
		{get, "/petugas/permohonan/:id/bimbingan", watch, s.signer(s.counsellingPage)},
		{post, "/petugas/permohonan/:id/bimbingan", watch, s.signer(s.finishCounselling)},
		{post, "/petugas/permohonan/:id/rujuk", watch, s.signer(s.refer)},
		{post, "/petugas/permohonan/:id/lewati-bimbingan", watch, s.signer(s.skipCounselling)},
		{post, "/petugas/permohonan/:id/serahkan", desk, s.handOver},
		{post, "/petugas/permohonan/:id/legalisir", desk, s.requestLegalisation},
		{post, "/petugas/legalisir/:legalisir/sahkan", watch, s.signer(s.signLegalisation)},
		{post, "/petugas/legalisir/:legalisir/serahkan", desk, s.handOverLegalisation},
		{get, "/petugas/rujukan/:rujukan", watch, s.referralLetter},
		{get, "/petugas/penyerahan", watch, s.handOverBookPage},
		{get, "/petugas/legalisir", watch, s.legalisationRegisterPage},
		{get, "/petugas/buku-agenda", watch, s.agendaBookPage},
		{get, "/petugas/ceklis", watch, s.checkListPage},
		{get, "/petugas/register-lowongan", watch, s.vacancyRegisterPage},
		{get, "/petugas/disposisi", kasi, s.dispositionPage},
		{post, "/petugas/disposisi", kasi, s.addDisposition},
		{post, "/petugas/disposisi/:disposisi/cabut", kasi, s.revokeDisposition},
		{get, "/petugas/lowongan", watch, s.vacanciesPage},
		{get, "/petugas/lowongan/baru", watch, s.newVacancyPage},
		{post, "/petugas/lowongan/baru", watch, s.createVacancy},
		{get, "/petugas/lowongan/kode-pendidikan", watch, s.vacancyEduCodes},
		{get, "/petugas/lowongan/:lowongan", watch, s.vacancyPage},
		{post, "/petugas/lowongan/:lowongan", watch, s.updateVacancy},
		{post, "/petugas/lowongan/:lowongan/terisi", watch, s.fillVacancy},
		{post, "/petugas/lowongan/:lowongan/tarik", watch, s.withdrawVacancy},
		{get, "/petugas/cetak", printing, s.printPage},
		{get, "/petugas/cetak/daftar", printing, s.printFragment},
		{get, "/petugas/cetak/peristiwa", printing, s.printEvents},
		{post, "/petugas/cetak/stasiun/:id/jeda", printing, s.toggleStation},
		{post, "/petugas/cetak/stasiun/:id/pilihan", printing, s.stationOptions},
		{post, "/petugas/cetak/stasiun/:id/nonaktif", printing, s.disableStation},
		{post, "/petugas/cetak/stasiun/:id/token-baru", printing, s.rotateStationToken},
		{post, "/petugas/cetak/stasiun/:id/hapus", printing, s.removeStation},
		{post, "/petugas/cetak/tugas/:id/ulang", printing, s.retryPrint},
		{post, "/petugas/cetak/tugas/:id/batal", printing, s.cancelPrint},
		{post, "/petugas/cetak/tugas/:id/tercetak", printing, s.confirmPrinted},
		{post, "/petugas/cetak/tugas/:id/cetak-ulang", printing, s.reprintCard},
		// The card's life after issue and the kiosk's service tickets (desk_cardlife.go).
		{get, "/petugas/layanan/:visit", watch, s.visitPage},
		{post, "/petugas/layanan/:visit/panggil", desk, s.callVisit},
		{post, "/petugas/layanan/:visit/selesai", desk, s.finishVisit},
		{get, "/petugas/kartu/:card", watch, s.cardLifePage},
		{post, "/petugas/kartu/:card/lapor", desk, s.deskReport},
		{post, "/petugas/kartu/:card/terima", desk, s.receiveReport},
		{get, "/petugas/kartu/:card/bekerja", desk, s.placementForm},
		{post, "/petugas/kartu/:card/bekerja", desk, s.placementSubmit},
		{post, "/petugas/kartu/:card/batal", desk, s.cancelCard},
		{post, "/petugas/kartu/:card/perpanjang", desk, s.startRenewal},
		{get, "/petugas/kartu/:card/perbaikan", desk, s.cardCorrectionForm},
		{post, "/petugas/kartu/:card/perbaikan", desk, s.cardCorrectionSubmit},
		{post, "/petugas/kartu/:card/kontak", desk, s.decideContact},
		{get, "/petugas/laporan", reports, s.reportsPage},
		{get, "/petugas/laporan/ipk/:bulan", reports, s.reportPage},
		{get, "/petugas/laporan/ipk/:bulan/orang", reports, s.reportPeople},
		{get, "/petugas/laporan/ipk/:bulan/xlsx", reports, s.reportFile(storage.FormatXLSX)},
		{get, "/petugas/laporan/ipk/:bulan/pdf", reports, s.reportFile(storage.FormatPDF)},
		{post, "/petugas/laporan/ipk/:bulan/ajukan", reportMakers, s.submitReport},
		{post, "/petugas/laporan/ipk/:bulan/setujui", reportApprover, s.approveReport},
		{get, "/petugas/waktu-layanan", kasi, s.serviceTimesPage},
	}
}

// registerDesk adds sign-in, the officer routes behind their role check, and the lobby display.
func (s *Server) registerDesk(app *fiber.App) {
	app.Get("/masuk", s.loginPage)
	app.Post("/masuk", s.login)
	app.Post("/keluar", s.logout)
	for _, r := range s.deskRoutes() {
		app.Add(r.Method, r.Path, s.requireRoles(r.Roles), r.Handler)
	}
	app.Get("/layar", s.lobbyPage)
	app.Get("/layar/daftar", s.lobbyFragment)
	app.Get("/layar/peristiwa", s.lobbyEvents)
}

// homeFor is where an officer lands after signing in.
func homeFor(r domain.Role) string {
	if r == domain.RoleOperator {
		return "/petugas/cetak"
	}
	return "/petugas"
}

// currentSession loads and checks the session of this request; nil when not signed in or expired.
func (s *Server) currentSession(c *fiber.Ctx) (*storage.Session, string, error) {
	token := c.Cookies(sessionCookie)
	if len(token) != 43 {
		return nil, "", nil
	}
	sess, err := s.db.SessionByToken(c.UserContext(), token)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	if now.After(sess.Expires) || now.Sub(sess.LastSeen) > s.opts.SessionIdle {
		if err := s.db.DeleteSession(c.UserContext(), token); err != nil {
			return nil, "", err
		}
		return nil, "", nil
	}
	if now.Sub(sess.LastSeen) >= 30*time.Second { // slide the idle expiry without a write per request
		if err := s.db.TouchSession(c.UserContext(), token); err != nil {
			return nil, "", err
		}
	}
	return sess, token, nil
}

// requireRoles lets signed-in officers with one of roles through; others get a friendly 403 page and
// people not signed in go to the sign-in page.
func (s *Server) requireRoles(roles []domain.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sess, token, err := s.currentSession(c)
		if err != nil {
			return err
		}
		if sess == nil {
			to := "/masuk?lanjut=" + url.QueryEscape(c.OriginalURL())
			if c.Get("HX-Request") == "true" {
				c.Set("HX-Redirect", to)
				return c.SendStatus(fiber.StatusNoContent)
			}
			return c.Redirect(to, fiber.StatusSeeOther)
		}
		c.Locals(officerLocal, &sess.User)
		c.Locals(sessionLocal, sess)
		c.Locals("sessionToken", token)
		for _, r := range roles {
			if sess.User.Role == r {
				return c.Next()
			}
		}
		return &PublicError{fiber.StatusForbidden, fmt.Sprintf("Halaman ini tidak tersedia untuk peran %s. Kembali ke halaman Anda melalui menu di atas.", sess.User.Role.Title())}
	}
}

func officerOf(c *fiber.Ctx) *domain.Officer {
	o, _ := c.Locals(officerLocal).(*domain.Officer)
	return o
}

func sessionOf(c *fiber.Ctx) *storage.Session {
	s, _ := c.Locals(sessionLocal).(*storage.Session)
	return s
}

// deskPage is what every officer template receives.
type deskPage struct {
	Title   string
	CSRF    string
	Officer *domain.Officer
	Desk    string
	Nav     string
	Data    fiber.Map
}

func (s *Server) deskPage(c *fiber.Ctx, title, nav string) deskPage {
	p := deskPage{Title: title, CSRF: csrfToken(c), Officer: officerOf(c), Nav: nav, Data: fiber.Map{}}
	if sess := sessionOf(c); sess != nil {
		p.Desk = sess.Desk
	}
	return p
}

// deskNumbers are the desks an officer can sit at.
var deskNumbers = []string{"1", "2", "3", "4", "5", "6"}

func (s *Server) loginPage(c *fiber.Ctx) error {
	if sess, _, err := s.currentSession(c); err != nil {
		return err
	} else if sess != nil {
		return c.Redirect(homeFor(sess.User.Role), fiber.StatusSeeOther)
	}
	return s.renderLogin(c, "", "", "1", 200)
}

func (s *Server) renderLogin(c *fiber.Ctx, username, message, desk string, status int) error {
	p := s.deskPage(c, "Masuk petugas", "")
	p.Data["Username"] = username
	p.Data["Message"] = message
	p.Data["Next"] = s.safeNext(c.Query("lanjut", c.FormValue("lanjut")))
	p.Data["Desks"] = deskNumbers
	p.Data["DeskChoice"] = desk
	return c.Status(status).Render("desk/login", p, "layouts/officer")
}

// safeNext keeps the after-sign-in address to a page of the officer area: a path that the route table
// serves by GET, with its query re-encoded. Nothing else a request sent reaches the Location header:
// not CR or LF (raw or percent-encoded), a second slash, a backslash, a scheme or a host.
func (s *Server) safeNext(next string) string {
	u, err := url.Parse(next) // refuses raw control characters
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || u.Fragment != "" {
		return ""
	}
	for _, r := range s.deskRoutes() {
		if r.Method == fiber.MethodGet && pathMatches(r.Path, u.Path) {
			if q := u.Query(); len(q) > 0 {
				return u.Path + "?" + q.Encode()
			}
			return u.Path
		}
	}
	return ""
}

// pathMatches tells whether path is an address of the route pattern: literal segments equal, and
// each :parameter one segment of lower-case letters, digits and hyphens.
func pathMatches(pattern, path string) bool {
	want, got := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(want) != len(got) {
		return false
	}
	for i, w := range want {
		if !strings.HasPrefix(w, ":") {
			if w != got[i] {
				return false
			}
			continue
		}
		if got[i] == "" || len(got[i]) > 40 || strings.Trim(got[i], "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	return true
}

func (s *Server) login(c *fiber.Ctx) error {
	username := strings.ToLower(strings.TrimSpace(c.FormValue("username")))
	password := c.FormValue("password")
	desk := c.FormValue("meja")
	if !validDesk(desk) {
		desk = "1"
	}
	ip := c.IP()
	// Counted before the password is compared, in one transaction with the check: parallel guesses
	// are counted one after another and the ones past the limit never reach the comparison.
	wait, err := s.db.CountSignInAttempt(c.UserContext(), username, ip, s.accountLimit, s.addressLimit)
	if err != nil {
		return err
	}
	if wait > 0 {
		s.log.Warn("sign-in refused: too many attempts", "username", username, "ip", ip, "wait", wait)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		return s.renderLogin(c, username, fmt.Sprintf("Terlalu banyak percobaan masuk yang salah untuk akun ini atau dari perangkat ini. "+
			"Tunggu %s lalu coba lagi. Jika Anda lupa kata sandi atau tidak bisa menunggu, minta admin membuka kunci akun Anda.",
			signInWaitText(wait)), desk, fiber.StatusTooManyRequests)
	}
	u, hash, err := s.db.UserForLogin(c.UserContext(), username)
	ok := false
	switch {
	case errors.Is(err, storage.ErrNotFound):
		domain.CheckNoUser(password)
	case err != nil:
		return err
	default:
		ok = domain.CheckPassword(hash, password) && !u.Disabled
	}
	if !ok {
		s.log.Warn("sign-in failed", "username", username, "ip", ip)
		if err := s.db.AuditEvent(c.UserContext(), "ip:"+ip, "sign-in-failed", "username "+strings.ToValidUTF8(username, "?")); err != nil {
			return err
		}
		return s.renderLogin(c, username, "Nama pengguna atau kata sandi salah.", desk, fiber.StatusUnprocessableEntity)
	}
	if err := s.db.SignInSucceeded(c.UserContext(), username, ip); err != nil {
		return err
	}
	token := randomToken()
	if err := s.db.CreateSession(c.UserContext(), token, u.ID, desk, s.now().Add(s.opts.SessionMax)); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: s.opts.SecureCookies})
	s.log.Info("signed in", "user", u.Username, "role", u.Role, "desk", desk)
	if err := s.db.AuditEvent(c.UserContext(), actorOf(u), "sign-in", "meja "+desk+", ip "+ip); err != nil {
		return err
	}
	to := s.safeNext(c.FormValue("lanjut"))
	if to == "" {
		to = homeFor(u.Role)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

func validDesk(d string) bool {
	for _, x := range deskNumbers {
		if x == d {
			return true
		}
	}
	return false
}

func (s *Server) logout(c *fiber.Ctx) error {
	if token := c.Cookies(sessionCookie); token != "" {
		if sess, _, err := s.currentSession(c); err == nil && sess != nil {
			if err := s.db.AuditEvent(c.UserContext(), actorOf(&sess.User), "sign-out", ""); err != nil {
				return err
			}
		}
		if err := s.db.DeleteSession(c.UserContext(), token); err != nil {
			return err
		}
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0), HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: s.opts.SecureCookies})
	return c.Redirect("/masuk", fiber.StatusSeeOther)
}

func (s *Server) setDesk(c *fiber.Ctx) error {
	desk := c.FormValue("meja")
	if !validDesk(desk) {
		return &PublicError{fiber.StatusUnprocessableEntity, "Pilih nomor meja 1 sampai 6."}
	}
	token, _ := c.Locals("sessionToken").(string)
	if err := s.db.SetSessionDesk(c.UserContext(), token, desk); err != nil {
		return err
	}
	return c.Redirect("/petugas", fiber.StatusSeeOther)
}

func (s *Server) accountPage(c *fiber.Ctx) error {
	p := s.deskPage(c, "Akun saya", "akun")
	p.Data["Desks"] = deskNumbers
	p.Data["CanDesk"] = officerOf(c).Role != domain.RoleKasi && officerOf(c).Role != domain.RoleOperator
	return c.Render("desk/account", p, "layouts/officer")
}

func (s *Server) usersPage(c *fiber.Ctx) error {
	users, err := s.db.Users(c.UserContext(), "")
	if err != nil {
		return err
	}
	counts, err := s.db.AccountSignInCounts(c.UserContext())
	if err != nil {
		return err
	}
	now := s.now()
	rows := make([]userRow, len(users))
	for i, u := range users {
		rows[i] = userRow{Officer: u}
		if n, ok := counts[u.Username]; ok && s.accountLimit.Active(n.Last, now) {
			rows[i].Tries = n.Tries
			if wait := s.accountLimit.Left(n.Tries, n.Last, now); wait > 0 {
				rows[i].Wait = signInWaitText(wait)
			}
		}
	}
	signInWaits, err := s.addressWaits(c, storage.SignInByAddress, s.addressLimit)
	if err != nil {
		return err
	}
	kioskWaits, err := s.addressWaits(c, storage.KioskCardByAddress, domain.HolderAddressLimit)
	if err != nil {
		return err
	}
	p := s.deskPage(c, "Pengguna", "pengguna")
	p.Data["Users"] = rows
	p.Data["Addresses"], p.Data["AddressFree"] = addressTable{"masuk", signInWaits, p.CSRF}, s.addressLimit.Free
	p.Data["KioskAddresses"], p.Data["KioskAddressFree"] = addressTable{"anjungan", kioskWaits, p.CSRF}, domain.HolderAddressLimit.Free
	p.Data["Free"], p.Data["MaxWait"] = s.accountLimit.Free, signInWaitText(s.accountLimit.Max)
	return c.Render("desk/users", p, "layouts/officer")
}

// userRow is an account on the users page with its count of sign-in attempts.
type userRow struct {
	domain.Officer
	Tries int    // sign-in attempts counted since the last success
	Wait  string // how long the next attempt must still wait; empty when it need not
}

// addressRow is an address held back by one of its attempt counters, on the users page.
type addressRow struct {
	Counter storage.AddressCounter
	Address string
	Tries   int    // attempts counted from the address
	Wait    string // how long its next attempt must still wait; empty when it need not (the one after a wrong one will)
}

// addressTable is one table of held-back addresses on the users page.
type addressTable struct {
	Kind string // names the table for tests and styles: "masuk" (sign-in) or "anjungan" (kiosk)
	Rows []addressRow
	CSRF string
}

// addressWaits lists the addresses a counter holds back, or will at their next wrong attempt.
func (s *Server) addressWaits(c *fiber.Ctx, counter storage.AddressCounter, limit domain.SignInLimit) ([]addressRow, error) {
	held, err := s.db.AddressCounts(c.UserContext(), counter, limit.Free)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var rows []addressRow
	for _, a := range held {
		if !limit.Active(a.Last, now) {
			continue // forgotten: holds nothing back any more
		}
		row := addressRow{Counter: counter, Address: a.Address, Tries: a.Tries}
		if wait := limit.Left(a.Tries, a.Last, now); wait > 0 {
			row.Wait = signInWaitText(wait)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// clearAddressWait clears an address's attempts of one counter: the sign-in, for an office whose
// tablets (one shared address) are held back after someone there guessed or many officers
// mistyped; or finding a card at the kiosk, for the lobby kiosk held back after many mistyped
// birth dates.
func (s *Server) clearAddressWait(c *fiber.Ctx) error {
	counter := storage.AddressCounter(c.FormValue("penghitung"))
	if counter != storage.KioskCardByAddress {
		counter = storage.SignInByAddress
	}
	// The address is one counted by the sign-in or the kiosk (c.IP()): anything else is not an address.
	addr, err := netip.ParseAddr(c.FormValue("alamat"))
	if err != nil {
		return &PublicError{fiber.StatusUnprocessableEntity, "Alamat tidak dikenal. Buka kembali halaman Pengguna lalu pilih alamat dari daftar."}
	}
	if err := s.db.ClearAddressWait(c.UserContext(), counter, addr.String(), actorOf(officerOf(c))); err != nil {
		return err
	}
	s.log.Info("wait of an address cleared", "counter", counter, "address", addr.String(), "by", officerOf(c).Username)
	return c.Redirect("/petugas/pengguna", fiber.StatusSeeOther)
}

// unlockUser clears an account's sign-in attempts, for an officer held back by someone guessing.
func (s *Server) unlockUser(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u, err := s.db.User(c.UserContext(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := s.db.UnlockSignIn(c.UserContext(), u.Username, actorOf(officerOf(c))); err != nil {
		return err
	}
	s.log.Info("sign-in unlocked", "username", u.Username, "by", officerOf(c).Username)
	return c.Redirect("/petugas/pengguna", fiber.StatusSeeOther)
}

// signInWaitText says a sign-in wait the way an officer reads it: seconds under a minute, whole minutes
// (rounded up) above.
func signInWaitText(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d detik", int((d+time.Second-1)/time.Second))
	}
	return fmt.Sprintf("%d menit", int((d+time.Minute-1)/time.Minute))
}
