package web

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
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
	get, post := fiber.MethodGet, fiber.MethodPost
	return []deskRoute{
		{get, "/petugas", watch, s.queuePage},
		{get, "/petugas/antrean", watch, s.queueFragment},
		{get, "/petugas/peristiwa", watch, s.deskEvents},
		{get, "/petugas/akun", everyone, s.accountPage},
		{post, "/petugas/meja", desk, s.setDesk},
		{get, "/petugas/pengguna", admin, s.usersPage},
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
		{post, "/petugas/cetak/tugas/:id/ulang", printing, s.retryPrint},
		{post, "/petugas/cetak/tugas/:id/batal", printing, s.cancelPrint},
		{post, "/petugas/cetak/tugas/:id/tercetak", printing, s.confirmPrinted},
		{post, "/petugas/cetak/tugas/:id/cetak-ulang", printing, s.reprintCard},
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
	if wait := s.throttle.blocked(username, ip, s.now()); wait > 0 {
		return &PublicError{fiber.StatusTooManyRequests, fmt.Sprintf(
			"Terlalu banyak percobaan masuk yang salah. Akun ini dikunci sementara; coba lagi dalam %d menit atau hubungi admin.", int(wait.Minutes())+1)}
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
		delay := s.throttle.fail(username, ip, s.now())
		s.log.Warn("sign-in failed", "username", username, "ip", ip)
		if err := s.db.AuditEvent(c.UserContext(), "ip:"+ip, "sign-in-failed", "username "+strings.ToValidUTF8(username, "?")); err != nil {
			return err
		}
		time.Sleep(delay) // slows down guessing; the lock above stops it
		return s.renderLogin(c, username, "Nama pengguna atau kata sandi salah.", desk, fiber.StatusUnprocessableEntity)
	}
	s.throttle.succeed(username)
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
	p := s.deskPage(c, "Pengguna", "pengguna")
	p.Data["Users"] = users
	return c.Render("desk/users", p, "layouts/officer")
}

// loginThrottle slows down and then stops password guessing, per account and per address. It lives
// in memory: a restart forgets it, which only gives a guesser a few more tries.
type loginThrottle struct {
	mu    sync.Mutex
	unit  time.Duration // the delay added per failure beyond the first two
	fails map[string]*loginFailures
}

type loginFailures struct {
	n      int
	last   time.Time
	locked time.Time
}

const (
	throttleWindow  = 15 * time.Minute // failures older than this are forgotten
	lockFor         = 15 * time.Minute
	accountLockAt   = 5  // wrong passwords in a row on one account
	addressLockAt   = 20 // wrong passwords from one address (an office shares one address)
	slowAfter       = 2
	maxSlowdownUnit = 4
)

func newLoginThrottle(unit time.Duration) *loginThrottle {
	return &loginThrottle{unit: unit, fails: map[string]*loginFailures{}}
}

func (t *loginThrottle) blocked(username, ip string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var wait time.Duration
	for _, k := range []string{"u:" + username, "ip:" + ip} {
		if f := t.fails[k]; f != nil && now.Before(f.locked) && f.locked.Sub(now) > wait {
			wait = f.locked.Sub(now)
		}
	}
	return wait
}

// fail counts a wrong password and returns how long to hold the answer back.
func (t *loginThrottle) fail(username, ip string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.fails) > 10000 {
		for k, f := range t.fails {
			if now.Sub(f.last) > throttleWindow && now.After(f.locked) {
				delete(t.fails, k)
			}
		}
	}
	worst := 0
	for _, k := range []struct {
		key    string
		lockAt int
	}{{"u:" + username, accountLockAt}, {"ip:" + ip, addressLockAt}} {
		f := t.fails[k.key]
		if f == nil || now.Sub(f.last) > throttleWindow {
			f = &loginFailures{}
			t.fails[k.key] = f
		}
		f.n++
		f.last = now
		if f.n >= k.lockAt {
			f.locked = now.Add(lockFor)
		}
		if k.key[0] == 'u' {
			worst = f.n
		}
	}
	if worst <= slowAfter {
		return 0
	}
	return time.Duration(min(worst-slowAfter, maxSlowdownUnit)) * t.unit
}

func (t *loginThrottle) succeed(username string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, "u:"+username)
}
