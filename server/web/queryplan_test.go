package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"ak1/agent/protocol"
	"ak1/server/card"
	"ak1/server/domain"
	"ak1/server/storage"
)

// TestQueryPlans drives the kiosk, the officer desk, the lobby display, the operator's print page,
// the public card check and the print agent's API through the real app on a recording database,
// then asks SQLite for the plan of every statement they ran. A plan that reads all of applications,
// cards, calls, print_jobs or audit_log (or another table that grows with every application, see
// storage.FullScans) fails the test with the statement and its plan: such a request gets slower
// with every application ever made (issue 11: 19 s per queue page at 1,000,000).
// Without statistics (no ANALYZE) SQLite plans the same way for ten rows as for a million, so a
// small database shows the plans of a large one.
func TestQueryPlans(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)} // 09:00 WITA
	db, rec, err := storage.OpenRecording(context.Background(), t.TempDir(), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := card.NewSigner(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	srv := serveTestDB(t, db, clock, Options{Signer: signer, PublicURL: "https://ak1.example"})
	driveEveryRequestPath(t, srv, signer)

	stmts := rec.Statements()
	// The scenario must have reached the statements that matter, or the check proves nothing.
	for _, want := range []string{"applications_fts", "FROM calls", "json_each", "FROM print_jobs", "max(id) FROM audit_log",
		"INSERT INTO audit_log", "status_code = ?", "FROM kiosk_drafts", "FROM stations"} {
		found := false
		for _, s := range stmts {
			found = found || strings.Contains(s.Query, want)
		}
		if !found {
			t.Errorf("no statement with %q was run: the scenario no longer reaches it", want)
		}
	}
	if len(stmts) < 60 {
		t.Errorf("only %d distinct statements recorded", len(stmts))
	}
	for _, s := range stmts {
		plan, err := db.QueryPlan(context.Background(), s.Query, s.Args)
		if err != nil {
			t.Errorf("EXPLAIN QUERY PLAN failed: %v\n%s", err, s.Query)
			continue
		}
		scans, err := db.FullScans(context.Background(), s.Query, s.Args, plan)
		if err != nil {
			t.Fatal(err)
		}
		if len(scans) > 0 {
			t.Errorf("full scan (%s) in:\n%s\nplan:\n%s", strings.Join(scans, "; "), oneSpaced(s.Query), strings.Join(plan, "\n"))
		}
	}
	t.Logf("%d distinct statements checked", len(stmts))
}

func oneSpaced(s string) string { return strings.Join(strings.Fields(s), " ") }

// driveEveryRequestPath makes the requests a day at the office makes: kiosk registrations and
// status checks, the desk's queue, searches, checks, corrections, photos, returns, rejections and
// approvals, walk-ins and manual cards, the lobby display, the operator's print page and its actions,
// a print station's claims and reports, and the public check of a printed card.
func driveEveryRequestPath(t *testing.T, srv *testServer, signer *card.Signer) {
	t.Helper()
	ctx := context.Background()
	expect := func(what string, got int, want ...int) {
		t.Helper()
		for _, w := range want {
			if got == w {
				return
			}
		}
		t.Fatalf("%s: status %d, want %v", what, got, want)
	}

	// Kiosk: a registration, its ticket page, the status check by ticket and by code, a reset.
	kiosk := newClient(t, srv.URL)
	expect("welcome", first(kiosk.get("/")), 200)
	expect("requirements", first(kiosk.get("/layanan/baru")), 200)
	expect("kelurahan list", first(kiosk.get("/daftar/kelurahan?kecamatan=517104")), 200)
	code, loc, _ := kioskSubmit(t, kiosk, deskForm(1))
	expect("kiosk submit", code, 303)
	expect("ticket page", first(kiosk.get(loc)), 200)
	var kioskApp *domain.Application
	if items, err := srv.DB.Queue(ctx, storage.QueueFilter{Query: deskForm(1).NIK}); err != nil || len(items) != 1 {
		t.Fatalf("kiosk application not found: %v", err)
	} else {
		kioskApp = &items[0].Application
	}
	kiosk.get("/cek")
	for _, nomor := range []string{kioskApp.Ticket, kioskApp.StatusCode} {
		code, _, _ := kiosk.post("/cek", url.Values{"nomor": {nomor}, "birth_day": {"7"}, "birth_month": {"8"}, "birth_year": {"2001"}})
		expect("status check "+nomor, code, 200, 422)
	}
	code, _, _ = kiosk.post("/kiosk/reset", url.Values{})
	expect("kiosk reset", code, 303)

	// Officers.
	petugasID, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pengantarID, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	_, opw := addOfficer(t, srv, "operator", domain.RoleOperator)
	_, apw := addOfficer(t, srv, "admin", domain.RoleAdmin)
	desk := signIn(t, srv, "petugas", pw)

	// More applications: one to approve, one to return, one to reject.
	toApprove, toReturn, toReject := submitForm(t, srv, 2), submitForm(t, srv, 3), submitForm(t, srv, 4)

	// The queue, its fragment in every state filter and page, and searches of every kind.
	expect("queue page", first(desk.get("/petugas")), 200)
	for _, sf := range stateFilters {
		expect("queue "+sf.Value, first(desk.get("/petugas/antrean?keadaan="+sf.Value)), 200)
	}
	expect("queue page 2", first(desk.get("/petugas/antrean?halaman=2")), 200)
	expect("other day", first(desk.get("/petugas/antrean?hari=2026-11-26")), 200)
	for _, q := range []string{kioskApp.NIK, "Wayan", "I Wayan Sudarma", "wayan sud", "A-001", "a2", kioskApp.StatusCode} {
		for _, state := range []string{"menunggu", "semua"} {
			expect("search "+q, first(desk.get("/petugas/antrean?"+url.Values{"q": {q}, "keadaan": {state}}.Encode())), 200)
		}
	}
	expect("desk events", first(desk.status("GET", "/petugas/peristiwa", nil)), 200)

	// One application through the desk to approval.
	app := appURL(toApprove.ID)
	expect("application page", first(desk.get(app)), 200)
	code, _, _ = desk.post(app+"/panggil", url.Values{})
	expect("call", code, 303)
	code, _, _ = desk.post(app+"/dokumen", url.Values{"aksi": {"semua"}})
	expect("documents", code, 303)
	desk.get(app + "/ubah")
	fix := formValues(&toApprove.Form)
	fix.Set("keadaan", string(domain.StateVerified))
	fix.Set("phone", "0813 9999 1111")
	code, _, _ = desk.post(app+"/ubah", fix)
	expect("correction", code, 303)
	desk.get(app)
	code, _ = desk.postFile(app+"/foto", "foto", "foto.jpg", testJPEG(t, 354, 472))
	expect("photo upload", code, 200, 303)
	expect("photo", first(desk.get(app+"/foto")), 200)
	expect("card preview", first(desk.get(app+"/pratinjau/1")), 200)
	desk.get(app)
	code, _, _ = desk.post(app+"/setujui", url.Values{"pengantar": {strconv.FormatInt(pengantarID, 10)}})
	expect("approve", code, 303)
	expect("approved application page", first(desk.get(app)), 200)
	var approved storage.QueueItem
	if items, err := srv.DB.Queue(ctx, storage.QueueFilter{Query: toApprove.NIK}); err != nil || len(items) != 1 || items[0].RegNumber == "" {
		t.Fatalf("approved application: %+v %v", items, err)
	} else {
		approved = items[0]
	}
	expect("search by registration number", first(desk.get("/petugas/antrean?keadaan=semua&q="+url.QueryEscape(approved.RegNumber))), 200)

	desk.get(appURL(toReturn.ID))
	code, _, _ = desk.post(appURL(toReturn.ID)+"/kembalikan", url.Values{"alasan": {"Nomor HP tidak aktif"}, "keadaan": {string(toReturn.State)}})
	expect("return", code, 303)
	desk.get(appURL(toReject.ID))
	code, _, _ = desk.post(appURL(toReject.ID)+"/tolak", url.Values{"alasan": {"Bukan warga"}, "keadaan": {string(toReject.State)}})
	expect("reject", code, 303)

	// The job seeker completes the returned application at the kiosk.
	returned := newClient(t, srv.URL)
	returned.get("/cek")
	lookup := url.Values{"nomor": {toReturn.StatusCode}, "birth_day": {"7"}, "birth_month": {"8"}, "birth_year": {"2001"}}
	code, _, _ = returned.post("/cek/lengkapi", lookup)
	expect("start completion", code, 303)
	code, _, _ = returned.post("/daftar/kirim", kioskReview(t, returned))
	expect("send completion", code, 303)

	// Walk-in and manual card, account and desk pages.
	desk.get("/petugas/baru")
	expect("education codes", first(desk.get("/petugas/kode-pendidikan?edu_level=SMK")), 200)
	walkIn := formValues(deskForm(5))
	walkIn.Set("setuju", "1")
	code, _, _ = desk.post("/petugas/baru", walkIn)
	expect("walk-in", code, 303)
	desk.get("/petugas/manual")
	manual := formValues(deskForm(6))
	manual.Set("reg_number", "5171 150926 000777")
	manual.Set("issued_on_day", "15")
	manual.Set("issued_on_month", "9")
	manual.Set("issued_on_year", "2026")
	manual.Set("pengantar", strconv.FormatInt(pengantarID, 10))
	code, _, _ = desk.post("/petugas/manual", manual)
	expect("manual card", code, 303)
	expect("account", first(desk.get("/petugas/akun")), 200)
	code, _, _ = desk.post("/petugas/meja", url.Values{"meja": {"3"}})
	expect("set desk", code, 303)
	// A NIK that disagrees with the birth date, sent as on the KTP, accepted by the officer.
	odd := deskForm(9)
	odd.BirthDay, odd.NIKAsOnKTP = "8", true
	oddApp, err := srv.DB.SubmitApplication(ctx, odd, "kiosk", "kiosk", "")
	if err != nil {
		t.Fatal(err)
	}
	expect("queue with a NIK to check", first(desk.get("/petugas/antrean?keadaan=semua")), 200)
	desk.get(appURL(oddApp.ID))
	code, _, _ = desk.post(appURL(oddApp.ID)+"/nik", url.Values{"alasan": {nikAcceptReasons[0]}, "keadaan": {string(oddApp.State)}})
	expect("accept NIK", code, 303)

	// A failed sign-in, and the admin unlocking the account.
	wrong := newClient(t, srv.URL)
	wrong.get("/masuk")
	code, _, _ = wrong.post("/masuk", url.Values{"username": {"operator"}, "password": {"salah"}})
	expect("wrong password", code, 422)
	admin := signIn(t, srv, "admin", apw)
	expect("users", first(admin.get("/petugas/pengguna")), 200)
	operatorUser, err := srv.DB.UserByUsername(ctx, "operator")
	if err != nil {
		t.Fatal(err)
	}
	code, _, _ = admin.post("/petugas/pengguna/"+strconv.FormatInt(operatorUser.ID, 10)+"/buka-kunci", url.Values{})
	expect("unlock", code, 303)

	// The lobby display.
	lobby := newClient(t, srv.URL)
	expect("lobby", first(lobby.get("/layar")), 200)
	expect("lobby calls", first(lobby.get("/layar/daftar")), 200)

	// A print station works through the queue; the operator settles what went wrong.
	stationID, token, err := srv.DB.AddStation(ctx, "Loket Cetak 1")
	if err != nil {
		t.Fatal(err)
	}
	second := approvedJob(t, srv, petugasID, pengantarID, 7)
	third := approvedJob(t, srv, petugasID, pengantarID, 8)
	hb := protocol.Heartbeat{PrinterState: protocol.PrinterIdle, Printer: "AK1-PDF", Version: "t"}
	if code, _ := agentCall(t, srv, token, "POST", protocol.PathHeartbeat, hb); code != 200 {
		t.Fatalf("heartbeat: %d", code)
	}
	claim := func() protocol.ClaimResponse {
		t.Helper()
		code, body := agentCall(t, srv, token, "POST", protocol.PathClaim+"?wait=0", nil)
		var c protocol.ClaimResponse
		if code != 200 || json.Unmarshal(body, &c) != nil {
			t.Fatalf("claim: %d %s", code, body)
		}
		return c
	}
	for _, update := range []string{protocol.StatePrinted, protocol.StateFailed, "recover"} {
		c := claim()
		if code, _ := agentCall(t, srv, token, "GET", c.PDFPath, nil, protocol.HeaderLease, c.Lease); code != 200 {
			t.Fatalf("card PDF: %d", code)
		}
		path := protocol.JobStatusPath(c.JobID)
		agentCall(t, srv, token, "POST", path, protocol.StatusUpdate{Lease: c.Lease, State: protocol.StateSent, CUPSJobID: 7})
		var body any = protocol.StatusUpdate{Lease: c.Lease, State: update, CUPSJobID: 7, Error: "printer jammed"}
		if update == "recover" {
			path, body = protocol.JobRecoverPath(c.JobID), protocol.Recover{Note: protocol.ErrNeedsOperatorCheck + ": lease lost"}
		}
		if code, b := agentCall(t, srv, token, "POST", path, body); code != 200 {
			t.Fatalf("%s: %d %s", update, code, b)
		}
	}
	operator := signIn(t, srv, "operator", opw)
	expect("print page", first(operator.get("/petugas/cetak")), 200)
	expect("print list", first(operator.get("/petugas/cetak/daftar")), 200)
	jobs := map[domain.PrintState]int64{}
	list, err := srv.DB.PrintJobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range list {
		jobs[j.State] = j.ID
	}
	for _, a := range []struct {
		state  domain.PrintState
		action string
	}{{domain.PrintFailed, "ulang"}, {domain.PrintNeedsCheck, "tercetak"}, {domain.PrintPrinted, "cetak-ulang"}} {
		if jobs[a.state] == 0 {
			t.Fatalf("no %s job for %s (jobs: %v)", a.state, a.action, jobs)
		}
		code, _, _ := operator.post("/petugas/cetak/tugas/"+strconv.FormatInt(jobs[a.state], 10)+"/"+a.action, url.Values{"alasan": {"Kartu rusak"}})
		expect("print "+a.action, code, 303)
	}
	list, _ = srv.DB.PrintJobs(ctx)
	for _, j := range list {
		if j.State == domain.PrintQueued {
			code, _, _ := operator.post("/petugas/cetak/tugas/"+strconv.FormatInt(j.ID, 10)+"/batal", url.Values{"alasan": {"Salah data"}})
			expect("cancel", code, 303)
			break
		}
	}
	st := "/petugas/cetak/stasiun/" + strconv.FormatInt(stationID, 10)
	code, _, _ = operator.post(st+"/jeda", url.Values{"jeda": {"1"}})
	expect("pause station", code, 303)
	code, _, _ = operator.post(st+"/pilihan", url.Values{"pilihan": {"sides=two-sided-long-edge"}})
	expect("station options", code, 303)
	code, _, _ = operator.post(st+"/token-baru", url.Values{})
	expect("new station token", code, 200, 303)
	code, _, _ = operator.post(st+"/nonaktif", url.Values{"nonaktif": {"1"}})
	expect("disable station", code, 303)
	spare, _, err := srv.DB.AddStation(ctx, "Loket Cadangan")
	if err != nil {
		t.Fatal(err)
	}
	code, _, _ = operator.post("/petugas/cetak/stasiun/"+strconv.FormatInt(spare, 10)+"/hapus", url.Values{"nama": {"Loket Cadangan"}})
	expect("remove station", code, 303)

	// Every other officer page, as a role that may open it: the reads the scenario above skipped.
	_, kpw := addOfficer(t, srv, "kasi", domain.RoleKasi)
	byRole := map[domain.Role]*client{domain.RolePetugas: desk, domain.RoleOperator: operator, domain.RoleAdmin: admin,
		domain.RoleKasi: signIn(t, srv, "kasi", kpw)}
	params := strings.NewReplacer(":id", strconv.FormatInt(toApprove.ID, 10), ":face", "1", ":card", strconv.FormatInt(second.CardID, 10),
		":visit", "1", ":rujukan", "1", ":lowongan", "1")
	for _, rt := range (&Server{}).deskRoutes() {
		if rt.Method != http.MethodGet || strings.HasSuffix(rt.Path, "/peristiwa") {
			continue
		}
		for _, r := range rt.Roles {
			if c := byRole[r]; c != nil {
				if code, _ := c.get(params.Replace(rt.Path)); code >= 500 {
					t.Fatalf("GET %s as %s: %d", rt.Path, r, code)
				}
				break
			}
		}
	}

	// The public check of a printed card, and its photo.
	public := newClient(t, srv.URL)
	for _, j := range []*storage.Approved{second, third} {
		tok := signer.Token(j.CardID, 1)
		expect("public check", first(public.get("/cek/"+tok)), 200)
		expect("public photo", first(public.get("/cek/"+tok+"/foto")), 200, 404)
	}
}

// first keeps the status code of a request helper's results.
func first(code int, _ ...string) int { return code }
