package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ak1/server/card"
	"ak1/server/domain"
	"ak1/server/storage"
)

// deskForm is a complete, normalized Daftar Isian of a man born 7 August 2001 (serial 1..9999).
func deskForm(serial int) *domain.Form {
	return &domain.Form{
		NIK: fmt.Sprintf("517103070801%04d", serial), FullName: "I Wayan Sudarma", BirthPlace: "Denpasar",
		BirthDay: "7", BirthMonth: "8", BirthYear: "2001", Sex: "L",
		Street: "Jl. Gatot Subroto Barat No. 12", RT: "003", RW: "001", Kecamatan: "517104", Kelurahan: "Ubung",
		Phone: "081234567890", Marital: "Belum Kawin", Religion: "Hindu",
		EduLevel: "SMA", EduCode: "3801", EduSchool: "SMA Negeri 4 Denpasar", EduYear: "2019",
		EduHistory: []domain.Education{{Level: "SD", School: "SD Negeri 1 Ubung", Year: "2013"},
			{Level: "SMP/SLTP", School: "SMP Negeri 3 Denpasar", Year: "2016"}},
		Languages: []string{"Inggris"}, NeverWorked: true,
		DesiredKBJI: "5", DesiredLocation: "lokal", DesiredWage: "3500000",
	}
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// addOfficer creates an account and returns its id and password.
func addOfficer(t testing.TB, srv *testServer, username string, role domain.Role) (int64, string) {
	t.Helper()
	pw := "sandi-" + username + "-2026"
	// The lowest bcrypt cost keeps -race runs quick; production hashes use domain.HashPassword.
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	id, err := srv.DB.CreateUser(context.Background(), domain.Officer{Username: username, FullName: "Pejabat " + username,
		NIP: "19800101201001100" + strconv.Itoa(len(username)%10), Role: role}, string(hash))
	if err != nil {
		t.Fatal(err)
	}
	return id, pw
}

// signIn returns a client signed in as the user at desk 2.
func signIn(t testing.TB, srv *testServer, username, pw string) *client {
	t.Helper()
	c := newClient(t, srv.URL)
	c.get("/masuk")
	status, loc, body := c.post("/masuk", url.Values{"username": {username}, "password": {pw}, "meja": {"2"}})
	if status != http.StatusSeeOther {
		t.Fatalf("sign in %s: status %d %s\n%s", username, status, loc, body)
	}
	c.get(loc) // as a browser does; signing in changed the CSRF token
	return c
}

func submitForm(t testing.TB, srv *testServer, serial int) *domain.Application {
	t.Helper()
	app, err := srv.DB.SubmitApplication(context.Background(), deskForm(serial), "kiosk", "kiosk", "")
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// testJPEG encodes a w×h picture with a gradient.
func testJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// postFile sends a multipart upload with the CSRF token.
func (c *client) postFile(path, field, name string, data []byte) (int, string) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", c.csrf)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	resp, err := c.http.Post(c.base+path, mw.FormDataContentType(), &body)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// status makes a request and returns the status and Location without reading a streaming body.
func (c *client) status(method, path string, values url.Values) (int, string, string) {
	c.t.Helper()
	var body io.Reader
	if values != nil {
		body = strings.NewReader(values.Encode())
	}
	req, _ := http.NewRequest(method, c.base+path, body)
	if values != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var text string
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(resp.Body)
		text = string(b)
	}
	return resp.StatusCode, resp.Header.Get("Location"), text
}

// TestDeskRoutesByRole walks every officer route as every role and as nobody: 200 (or, for
// actions, anything but a refusal) only for the roles in the route table, a friendly 403 for the
// others, the sign-in page for people not signed in; a POST without CSRF token is refused.
func TestDeskRoutesByRole(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := context.Background()
	clients := map[domain.Role]*client{}
	ids := map[domain.Role]int64{}
	for _, r := range domain.Roles {
		id, pw := addOfficer(t, srv, string(r), r)
		ids[r] = id
		clients[r] = signIn(t, srv, string(r), pw)
	}
	petugasID := ids[domain.RolePetugas]
	app := submitForm(t, srv, 1)
	if err := srv.DB.SavePhoto(ctx, app.ID, petugasID, testJPEG(t, 354, 472)); err != nil {
		t.Fatal(err)
	}
	// Every role that may hold the Kasi's disposition holds one, so the signing routes let it through
	// (TestSigningNeedsAPengantarOrADisposition shows the refusal without one); and a referral, a
	// legalisation request, a vacancy and a disposition to revoke for the routes that name them.
	fx := afterFixtures(t, srv, clients)
	// An issued card and a kiosk visit about it, for the routes of the card's life.
	card := approvedJob(t, srv, petugasID, ids[domain.RolePengantar], 2)
	visit := kioskVisit(t, srv, card.CardID, "lapor")
	anon := newClient(t, srv.URL)
	anon.get("/masuk")
	routes := (&Server{}).deskRoutes()
	if len(routes) < 20 {
		t.Fatalf("only %d routes in the table", len(routes))
	}
	for _, rt := range routes {
		path := strings.NewReplacer(":id", strconv.FormatInt(app.ID, 10), ":face", "1", ":lowongan", fx.vacancy,
			":rujukan", fx.referral, ":legalisir", fx.legalisation, ":disposisi", fx.disposition,
			":card", strconv.FormatInt(card.CardID, 10), ":visit", strconv.FormatInt(visit.ID, 10), ":bulan", "2026-10").Replace(rt.Path)
		allowed := map[domain.Role]bool{}
		for _, r := range rt.Roles {
			allowed[r] = true
		}
		form := func(c *client) url.Values {
			if rt.Method == http.MethodGet {
				return nil
			}
			return url.Values{"_csrf": {c.csrf}}
		}
		for _, r := range domain.Roles {
			c := clients[r]
			status, loc, body := c.status(rt.Method, path, form(c))
			switch {
			case allowed[r] && rt.Method == http.MethodGet && status != http.StatusOK:
				t.Errorf("%s %s as %s: %d %s, want 200", rt.Method, path, r, status, loc)
			case allowed[r] && (status == http.StatusForbidden || strings.HasPrefix(loc, "/masuk")):
				t.Errorf("%s %s as %s: refused (%d %s)", rt.Method, path, r, status, loc)
			case !allowed[r] && status != http.StatusForbidden:
				t.Errorf("%s %s as %s: %d, want 403", rt.Method, path, r, status)
			case !allowed[r] && !strings.Contains(body, "Tidak ada akses"):
				t.Errorf("%s %s as %s: 403 page is not the friendly one", rt.Method, path, r)
			}
		}
		status, loc, _ := anon.status(rt.Method, path, form(anon))
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/masuk?lanjut=") {
			t.Errorf("%s %s anonymous: %d %q, want redirect to sign-in", rt.Method, path, status, loc)
		}
		if rt.Method == http.MethodPost {
			c := clients[domain.RoleAdmin]
			if status, _, _ := c.status(rt.Method, path, url.Values{"meja": {"3"}}); status != http.StatusForbidden {
				t.Errorf("%s %s without CSRF token: %d, want 403", rt.Method, path, status)
			}
		}
	}
}

// TestSessionExpiry: a session slides while used, ends after 30 idle minutes, ends after the
// absolute limit however busy, and ends at sign-out.
func TestSessionExpiry(t *testing.T) {
	srv := newTestServer(t, Options{SessionMax: 2 * time.Hour})
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	c := signIn(t, srv, "petugas", pw)
	for i := 0; i < 5; i++ { // used every 20 minutes: still signed in after 100 minutes
		srv.Clock.advance(20 * time.Minute)
		if status, loc, _ := c.status("GET", "/petugas", nil); status != http.StatusOK {
			t.Fatalf("after %d min of use: %d %s", (i+1)*20, status, loc)
		}
	}
	srv.Clock.advance(21 * time.Minute) // 121 minutes: past the absolute limit
	if status, loc, _ := c.status("GET", "/petugas", nil); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/masuk") {
		t.Fatalf("past the absolute limit: %d %s", status, loc)
	}

	c = signIn(t, srv, "petugas", pw)
	srv.Clock.advance(31 * time.Minute)
	if status, loc, _ := c.status("GET", "/petugas", nil); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/masuk") {
		t.Fatalf("after 31 idle minutes: %d %s", status, loc)
	}

	c = signIn(t, srv, "petugas", pw)
	c.get("/petugas")
	if status, loc, _ := c.post("/keluar", url.Values{}); status != http.StatusSeeOther || loc != "/masuk" {
		t.Fatalf("sign out: %d %s", status, loc)
	}
	if status, _, _ := c.status("GET", "/petugas", nil); status != http.StatusSeeOther {
		t.Fatalf("after sign-out: %d", status)
	}
}

// pngHeader is the start of a PNG that claims to be 30000×30000 pixels: a decompression bomb.
func pngHeader(w, h uint32) []byte {
	chunk := binary.BigEndian.AppendUint32([]byte("IHDR"), w)
	chunk = binary.BigEndian.AppendUint32(chunk, h)
	chunk = append(chunk, 8, 2, 0, 0, 0) // 8-bit RGB
	out := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d"), chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

func TestPhotoUpload(t *testing.T) {
	srv := newTestServer(t, Options{})
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	c := signIn(t, srv, "petugas", pw)
	app := submitForm(t, srv, 1)
	path := appURL(app.ID) + "/foto"
	c.get(appURL(app.ID))
	cases := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"text file", "foto.jpg", []byte("ini bukan foto, hanya tulisan"), "bukan foto"},
		{"truncated JPEG", "foto.jpg", testJPEG(t, 400, 600)[:300], "bukan foto"},
		{"pixel bomb", "foto.png", pngHeader(30000, 30000), "terlalu besar"},
		{"tiny", "foto.jpg", testJPEG(t, 30, 40), "terlalu kecil"},
		{"empty", "foto.jpg", nil, "6 MB"},
	}
	for _, tc := range cases {
		status, body := c.postFile(path, "foto", tc.file, tc.data)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d, body lacks %q", tc.name, status, tc.want)
		}
	}
	if _, err := srv.DB.Photo(context.Background(), app.ID); err == nil {
		t.Fatal("a refused upload was stored")
	}
	if status, _ := c.postFile(path, "foto", "foto.jpg", testJPEG(t, 1200, 900)); status != http.StatusSeeOther {
		t.Fatalf("real JPEG: %d", status)
	}
	stored, err := srv.DB.Photo(context.Background(), app.ID)
	if err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(stored))
	if err != nil || format != "jpeg" || cfg.Width != 354 || cfg.Height != 472 {
		t.Fatalf("stored photo %s %dx%d, %v", format, cfg.Width, cfg.Height, err)
	}
}

// formValues turns a Daftar Isian into the officer form's fields.
func formValues(f *domain.Form) url.Values {
	v := url.Values{}
	for _, name := range domain.AllFields() {
		switch name {
		case "languages":
			v[name] = f.Languages
		case "never_worked":
			if f.NeverWorked {
				v.Set(name, "1")
			}
		case "nik_perlu_dicek":
			if f.NIKAsOnKTP {
				v.Set(name, "1")
			}
		default:
			v.Set(name, f.Value(name))
		}
	}
	return v
}

// TestCorrectionAudited: the officer corrects a field; the old value is kept, the audit names the
// officer, and a wrong correction is refused with the kiosk's message.
func TestCorrectionAudited(t *testing.T) {
	srv := newTestServer(t, Options{})
	id, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	c := signIn(t, srv, "petugas", pw)
	app := submitForm(t, srv, 1)
	c.get(appURL(app.ID) + "/ubah")

	bad := formValues(&app.Form)
	bad.Set("keadaan", string(app.State))
	bad.Set("nik", "51710307080")
	status, _, body := c.post(appURL(app.ID)+"/ubah", bad)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "16 angka") {
		t.Fatalf("wrong NIK: %d", status)
	}

	good := formValues(&app.Form)
	good.Set("keadaan", string(app.State))
	good.Set("phone", "0813 9999 1111")
	good.Set("edu_school", "SMA Negeri 1 Denpasar")
	if status, loc, _ := c.post(appURL(app.ID)+"/ubah", good); status != http.StatusSeeOther || loc != appURL(app.ID) {
		t.Fatalf("correction: %d %s", status, loc)
	}
	got, err := srv.DB.Corrections(context.Background(), app.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []storage.FieldChange{{Field: "phone", Old: "081234567890", New: "081399991111"}, {Field: "edu_school", Old: "SMA Negeri 4 Denpasar", New: "SMA Negeri 1 Denpasar"}}
	for i := range got {
		if got[i].By != "Pejabat petugas" || !got[i].At.Equal(srv.Clock.Now()) {
			t.Errorf("correction %d by %q at %v, want the officer and the time", i, got[i].By, got[i].At)
		}
		got[i].By, got[i].At = "", time.Time{}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("corrections = %v, want %v", got, want)
	}
	n, _ := srv.DB.QueryIntForTest(context.Background(), `SELECT count(*) FROM audit_log WHERE application_id = ? AND action = 'correct' AND actor = ?`, app.ID, fmt.Sprintf("user:%d", id))
	if n != 1 {
		t.Fatalf("correction audit rows = %d", n)
	}
	// A correction made on a page that is out of date is refused: someone moved the application on.
	good.Set("keadaan", string(domain.StateCalled))
	good.Set("phone", "0813 9999 2222")
	if status, _, body := c.post(appURL(app.ID)+"/ubah", good); status != http.StatusConflict || !strings.Contains(body, "sudah diproses petugas lain") {
		t.Fatalf("stale correction: %d", status)
	}
}

// TestTwoOfficersApproveAtOnce: both press "Setujui" on the same application; one card is made and
// the other officer is told it was already handled.
func TestTwoOfficersApproveAtOnce(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := context.Background()
	aID, apw := addOfficer(t, srv, "petugas1", domain.RolePetugas)
	_, bpw := addOfficer(t, srv, "petugas2", domain.RolePetugas)
	pk, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	a, b := signIn(t, srv, "petugas1", apw), signIn(t, srv, "petugas2", bpw)
	app := submitForm(t, srv, 1)
	if err := srv.DB.SetDocuments(ctx, app.ID, aID, []string{"ktp", "foto", "ijazah"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.DB.SavePhoto(ctx, app.ID, aID, testJPEG(t, 354, 472)); err != nil {
		t.Fatal(err)
	}
	a.get(appURL(app.ID))
	b.get(appURL(app.ID))
	var wg sync.WaitGroup
	type result struct {
		status int
		body   string
	}
	res := make([]result, 2)
	for i, c := range []*client{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, _, body := c.status("POST", appURL(app.ID)+"/setujui", url.Values{"_csrf": {c.csrf}, "pengantar": {strconv.FormatInt(pk, 10)}})
			res[i] = result{s, body}
		}()
	}
	wg.Wait()
	won, told := 0, 0
	for _, r := range res {
		switch {
		case r.status == http.StatusSeeOther:
			won++
		case r.status == http.StatusConflict && strings.Contains(r.body, "sudah diproses petugas lain"):
			told++
		default:
			t.Fatalf("unexpected answer %d", r.status)
		}
	}
	if won != 1 || told != 1 {
		t.Fatalf("%d approvals, %d already-handled messages", won, told)
	}
	if n, _ := srv.DB.QueryIntForTest(ctx, `SELECT count(*) FROM print_jobs WHERE state = 'queued'`); n != 1 {
		t.Fatalf("queued print jobs = %d", n)
	}
}

// TestLobbyShowsTicketsOnly: the lobby display shows the called ticket and desk, and no name or NIK.
func TestLobbyShowsTicketsOnly(t *testing.T) {
	srv := newTestServer(t, Options{})
	id, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	app := submitForm(t, srv, 1)
	if err := srv.DB.CallApplication(context.Background(), app.ID, id, "3"); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv.URL)
	for _, path := range []string{"/layar", "/layar/daftar"} {
		status, body := c.get(path)
		if status != http.StatusOK || !strings.Contains(body, "A-001") || !strings.Contains(body, "Meja 3") {
			t.Fatalf("%s: %d", path, status)
		}
		if strings.Contains(body, app.NIK) || strings.Contains(body, "Sudarma") {
			t.Fatalf("%s shows personal data", path)
		}
	}
}

func TestCardDataFromApprovedCard(t *testing.T) {
	srv := newTestServer(t, Options{PublicURL: "https://ak1.example"})
	ctx := context.Background()
	id, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pk, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	app := submitForm(t, srv, 1)
	srv.DB.SetDocuments(ctx, app.ID, id, []string{"ktp", "foto", "ijazah"})
	srv.DB.SavePhoto(ctx, app.ID, id, testJPEG(t, 354, 472))
	got, err := srv.DB.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: id, PengantarID: pk, Pattern: domain.DefaultRegNoPattern})
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{db: srv.DB, opts: Options{PublicURL: "https://ak1.example"}, now: srv.Clock.Now}
	cd, err := s.cardData(ctx, got.CardID)
	if err != nil {
		t.Fatal(err)
	}
	// Nobody is named at approval: the card prints with blank lines to sign and stamp.
	if cd.RegNumber != "5171 271126 000001" || cd.NIK != app.NIK || cd.PhotoJPEG == nil || cd.PengantarKerja != (card.Officer{}) ||
		cd.IssuedOn.Format("2006-01-02") != "2026-11-27" || cd.ValidUntil.Format("2006-01-02") != "2028-11-27" || cd.Sex != "Laki-laki" ||
		len(cd.Education) != 3 || cd.Education[0].Level != "SD" || cd.Education[2].Year != 2019 {
		t.Fatalf("card data = %+v", cd)
	}
	// Once a Pengantar Kerja signs it off, the card's record names them with their NIP.
	printJobs(t, srv)
	if err := srv.DB.HolderChecked(ctx, app.ID, id); err != nil {
		t.Fatal(err)
	}
	if err := srv.DB.SignOff(ctx, app.ID, pk); err != nil {
		t.Fatal(err)
	}
	if cd, err = s.cardData(ctx, got.CardID); err != nil || cd.PengantarKerja.Name != "Pejabat pengantar" || cd.PengantarKerja.NIP == "" {
		t.Fatalf("signed card data = %+v, %v", cd.PengantarKerja, err)
	}
}
