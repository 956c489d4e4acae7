package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// printJobs has a print station claim every queued card and report it printed, as the agent does.
func printJobs(t testing.TB, srv *testServer) {
	t.Helper()
	ctx := context.Background()
	st, err := srv.DB.StationByName(ctx, "Loket uji")
	var station int64
	switch {
	case errors.Is(err, storage.ErrNotFound):
		if station, _, err = srv.DB.AddStation(ctx, "Loket uji"); err != nil {
			t.Fatal(err)
		}
	case err != nil:
		t.Fatal(err)
	default:
		station = st.ID
	}
	for {
		j, err := srv.DB.ClaimJob(ctx, station)
		if errors.Is(err, storage.ErrNotFound) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.DB.ReportJob(ctx, station, j.ID, j.Lease, domain.PrintPrinted, 1, ""); err != nil {
			t.Fatal(err)
		}
	}
}

// printedApp takes a kiosk application through the desk and the printer; it returns its id.
func printedApp(t testing.TB, srv *testServer, serial int, petugas int64) int64 {
	t.Helper()
	ctx := context.Background()
	app := submitForm(t, srv, serial)
	if err := srv.DB.SetDocuments(ctx, app.ID, petugas, storage.RequiredDocuments()); err != nil {
		t.Fatal(err)
	}
	if err := srv.DB.SavePhoto(ctx, app.ID, petugas, testJPEG(t, 354, 472)); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.DB.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, Pattern: domain.DefaultRegNoPattern}); err != nil {
		t.Fatal(err)
	}
	printJobs(t, srv)
	return app.ID
}

func officerID(t testing.TB, srv *testServer, username string) int64 {
	t.Helper()
	u, err := srv.DB.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// openVacancy registers a vacancy for a seller in Denpasar (KBJI 5) open to either sex.
func openVacancy(t testing.TB, srv *testServer, by int64, employer string) int64 {
	t.Helper()
	v := domain.Vacancy{EmployerName: employer, EmployerKBLI: "I", EmployerType: "4", Position: "Pramusaji", KBJI: "5",
		Wanted: domain.Counts{Any: 3}, MinEducation: "SMA", AgeMin: 18, AgeMax: 35, Location: "lokal", Wage: 3_800_000,
		ClosingDate: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	id, err := srv.DB.CreateVacancy(context.Background(), v, by)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// routeFixtures are the ids the officer routes name besides the application's.
type routeFixtures struct{ vacancy, referral, legalisation, disposition string }

// afterFixtures gives every role that can hold a disposition one for today, and makes a vacancy, a
// referral, a legalisation request and a spare disposition (for the revoke route).
func afterFixtures(t testing.TB, srv *testServer, clients map[domain.Role]*client) routeFixtures {
	t.Helper()
	ctx := context.Background()
	kasi := officerID(t, srv, "kasi")
	for _, r := range []domain.Role{domain.RolePetugas, domain.RoleKasi, domain.RoleAdmin} {
		if _, err := srv.DB.AddDisposition(ctx, kasi, officerID(t, srv, string(r)), "Pengantar Kerja dinas luar"); err != nil {
			t.Fatal(err)
		}
	}
	spare, err := srv.DB.AddDisposition(ctx, kasi, officerID(t, srv, "petugas"), "cadangan")
	if err != nil {
		t.Fatal(err)
	}
	petugas, pengantar := officerID(t, srv, "petugas"), officerID(t, srv, "pengantar")
	vacancy := openVacancy(t, srv, petugas, "Warung Made")
	appID := printedApp(t, srv, 9001, petugas)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(srv.DB.HolderChecked(ctx, appID, petugas))
	must(srv.DB.SignOff(ctx, appID, pengantar))
	ref, err := srv.DB.Refer(ctx, appID, vacancy, pengantar)
	must(err)
	must(srv.DB.FinishCounselling(ctx, appID, pengantar, ""))
	must(srv.DB.HandOver(ctx, appID, petugas, ""))
	leg, err := srv.DB.RequestLegalisation(ctx, appID, petugas, 2)
	must(err)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return routeFixtures{vacancy: id(vacancy), referral: id(ref), legalisation: id(leg), disposition: id(spare)}
}

// TestSigningNeedsAPengantarOrADisposition: the signing routes refuse an officer who is not a
// Pengantar Kerja until the Kasi assigns them for the day, and again once it is revoked; the card's
// signer is then that official, with the disposition recorded.
func TestSigningNeedsAPengantarOrADisposition(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := context.Background()
	petugas, ppw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	_, kpw := addOfficer(t, srv, "kasi", domain.RoleKasi)
	pc, kc := signIn(t, srv, "petugas", ppw), signIn(t, srv, "kasi", kpw)
	appID := printedApp(t, srv, 1, petugas)
	if err := srv.DB.HolderChecked(ctx, appID, petugas); err != nil {
		t.Fatal(err)
	}
	base := appURL(appID)
	signing := []string{base + "/tandatangan", base + "/bimbingan", base + "/rujuk", base + "/lewati-bimbingan", "/petugas/legalisir/1/sahkan"}
	refused := func(who string) {
		t.Helper()
		pc.get("/petugas")
		for _, path := range signing {
			status, _, body := pc.post(path, url.Values{})
			if status != http.StatusForbidden || !strings.Contains(body, "disposisi") {
				t.Errorf("%s: POST %s = %d, want 403 naming the disposition", who, path, status)
			}
		}
		if status, body := pc.get(base + "/bimbingan"); status != http.StatusForbidden || !strings.Contains(body, "Tidak ada akses") {
			t.Errorf("%s: counselling page %d", who, status)
		}
		if _, body := pc.get(base); strings.Contains(body, `id="tandatangan"`) {
			t.Errorf("%s: the application page offers the signature", who)
		}
	}
	refused("petugas without disposition")

	// The Kasi sees nobody present to sign and assigns the petugas.
	status, body := kc.get("/petugas/disposisi")
	if status != http.StatusOK || !strings.Contains(body, `id="tidak-hadir"`) {
		t.Fatalf("disposition page %d", status)
	}
	if status, _, body := kc.post("/petugas/disposisi", url.Values{"pejabat": {strconv.FormatInt(petugas, 10)}}); status != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "alasan") {
		t.Fatalf("disposition without a reason: %d", status)
	}
	if status, loc, _ := kc.post("/petugas/disposisi", url.Values{"pejabat": {strconv.FormatInt(petugas, 10)}, "alasan": {"Pengantar Kerja sakit"}}); status != http.StatusSeeOther || loc != "/petugas/disposisi" {
		t.Fatalf("disposition: %d %s", status, loc)
	}
	pc.get(base)
	if status, _, _ := pc.post(base+"/tandatangan", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("sign-off by the assigned petugas: %d", status)
	}
	da, _ := srv.DB.DeskApplication(ctx, appID)
	sig, err := srv.DB.CardSignature(ctx, da.Card.ID)
	if err != nil || sig.Signer.ID != petugas || sig.Disposition == 0 {
		t.Fatalf("card signature %+v, %v", sig, err)
	}
	list, _ := srv.DB.Dispositions(ctx, domain.OfficeDay(srv.Clock.Now()))
	_, body = kc.get("/petugas/disposisi")
	if status, _, _ := kc.post(fmt.Sprintf("/petugas/disposisi/%d/cabut", list[0].ID), url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", status)
	}
	refused("petugas after revoke")
	if status, _, _ := kc.post("/petugas/disposisi/abc/cabut", url.Values{}); status != http.StatusNotFound {
		t.Errorf("revoke of a made-up id: %d", status)
	}
}

var nextCell = regexp.MustCompile(`data-next="([^"]*)"`)

// TestAfterPrintOverHTTP carries one printed card through the desk over HTTP, each officer in their
// own session: the petugas's home lists the printed card, the holder's check, the Pengantar Kerja's
// home lists it for signing and the signature names them, counselling with ranked vacancies and a
// referral letter, the hand-over with what to tell the holder, two legalised copies, and both A4
// registers filtered by day and officer. The queue says each application's next step and whose.
func TestAfterPrintOverHTTP(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := context.Background()
	petugas, ppw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pengantar, kpw := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	_, opw := addOfficer(t, srv, "operator", domain.RoleOperator)
	pc, kc, oc := signIn(t, srv, "petugas", ppw), signIn(t, srv, "pengantar", kpw), signIn(t, srv, "operator", opw)
	good := openVacancy(t, srv, petugas, "Hotel Puri Denpasar")
	far := openVacancy(t, srv, petugas, "Kapal Pesiar Karibia")
	if err := srv.DB.UpdateVacancy(ctx, far, petugas, mustVacancy(t, srv, far).Version, func() domain.Vacancy {
		v := *mustVacancy(t, srv, far)
		v.Location, v.LocationDetail, v.KBJI = "luarnegeri", "Amerika Serikat", "8"
		return v
	}()); err != nil {
		t.Fatal(err)
	}
	appID := printedApp(t, srv, 1, petugas)
	waiting := submitForm(t, srv, 2) // still waiting to be called
	base := appURL(appID)
	step := func(c *client, path string, values url.Values) {
		t.Helper()
		if status, loc, body := c.post(path, values); status != http.StatusSeeOther {
			t.Fatalf("POST %s: %d %s\n%s", path, status, loc, body)
		}
	}

	// The petugas's home starts with the printed card waiting for the holder's check.
	_, home := pc.get("/petugas")
	if i, j := strings.Index(home, `id="kerja-periksa"`), strings.Index(home, `id="antrean"`); i < 0 || j < i {
		t.Fatalf("petugas home does not start with the holder's check (%d, %d)", i, j)
	}
	// The queue says what each application waits for and whose work it is.
	_, rows := pc.get("/petugas/antrean?keadaan=semua")
	got := nextCell.FindAllStringSubmatch(rows, -1)
	if len(got) != 2 || got[0][1] != "pemeriksaan dan tanda tangan pemegang kartu" || got[1][1] != "menunggu dipanggil" ||
		!strings.Contains(rows, "Petugas AK/I") {
		t.Fatalf("next steps in the queue: %v", got)
	}
	_ = waiting

	step(pc, base+"/diperiksa", url.Values{})
	if status, _, _ := pc.post(base+"/diperiksa", url.Values{}); status != http.StatusConflict {
		t.Fatalf("second holder check: %d, want 409", status)
	}
	_, rows = pc.get("/petugas/antrean?keadaan=disetujui")
	if !strings.Contains(rows, `data-next="menunggu tanda tangan Pengantar Kerja"`) {
		t.Fatal("queue does not say the card waits for the Pengantar Kerja")
	}

	// The Pengantar Kerja, in their own session, sees it first and signs in one tap from the list.
	_, home = kc.get("/petugas")
	if !strings.Contains(home, `data-tandatangan="`+strconv.FormatInt(appID, 10)+`"`) ||
		strings.Index(home, `id="kerja-tandatangan"`) > strings.Index(home, `id="antrean"`) {
		t.Fatal("Pengantar Kerja home does not start with the card waiting for signature")
	}
	if status, loc, _ := kc.post(base+"/tandatangan", url.Values{"kembali": {"beranda"}}); status != http.StatusSeeOther || loc != "/petugas" {
		t.Fatalf("sign-off from home: %d %s", status, loc)
	}
	_, page := pc.get(base)
	if !strings.Contains(page, `id="penandatangan"`) || !strings.Contains(page, "Pejabat pengantar") {
		t.Fatal("application page does not name the signer")
	}

	// Counselling: the vacancy that fits comes first, with its reasons.
	status, page := kc.get(base + "/bimbingan")
	if status != http.StatusOK {
		t.Fatalf("counselling page %d", status)
	}
	gi, fi := strings.Index(page, `data-lowongan="`+strconv.FormatInt(good, 10)+`"`), strings.Index(page, `data-lowongan="`+strconv.FormatInt(far, 10)+`"`)
	if gi < 0 || fi < 0 || gi > fi || !strings.Contains(page, "✓ Sesuai jabatan yang diinginkan") || !strings.Contains(page, "✗ Lokasi di luar negeri") {
		t.Fatalf("ranking: good at %d, far at %d", gi, fi)
	}
	if status, _, _ := kc.post(base+"/rujuk", url.Values{"lowongan": {"999"}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("referral to a made-up vacancy: %d", status)
	}
	step(kc, base+"/rujuk", url.Values{"lowongan": {strconv.FormatInt(good, 10)}})
	refs, _ := srv.DB.ReferralsOf(ctx, appID)
	if len(refs) != 1 {
		t.Fatalf("referrals %+v", refs)
	}
	status, letter := kc.get(fmt.Sprintf("/petugas/rujukan/%d", refs[0].ID))
	if status != http.StatusOK || !strings.Contains(letter, "Hotel Puri Denpasar") || !strings.Contains(letter, refs[0].Number) ||
		!strings.Contains(letter, "class=\"a4 letter\"") || strings.Contains(letter, "5171030708010001") {
		t.Fatalf("referral letter %d (the NIK must not be on it)", status)
	}
	if status, _ := kc.get("/petugas/rujukan/99999"); status != http.StatusNotFound {
		t.Fatalf("made-up referral: %d", status)
	}
	if status, _ := oc.get(fmt.Sprintf("/petugas/rujukan/%d", refs[0].ID)); status != http.StatusForbidden {
		t.Fatalf("operator reads a referral letter: %d", status)
	}
	step(kc, base+"/bimbingan", url.Values{"catatan": {"Komunikatif, perlu kursus bahasa Inggris"}})

	// Hand-over: what to tell the holder, then the Buku Penyerahan.
	_, page = kc.get(base)
	for _, want := range []string{"berlaku secara nasional", "melapor setiap 6 bulan", "sudah mendapat pekerjaan", `id="laporan-pertama">27 Mei 2027`} {
		if !strings.Contains(page, want) {
			t.Errorf("hand-over screen lacks %q", want)
		}
	}
	step(kc, base+"/serahkan", url.Values{})

	// Two copies legalised: taken by the petugas, signed by the Pengantar Kerja, handed back.
	if status, _, _ := pc.post(base+"/legalisir", url.Values{"lembar": {"99"}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("99 copies: %d", status)
	}
	step(pc, base+"/legalisir", url.Values{"lembar": {"2"}})
	legs, _ := srv.DB.LegalisationsOf(ctx, appID)
	if len(legs) != 1 || legs[0].Copies != 2 {
		t.Fatalf("legalisations %+v", legs)
	}
	lid := strconv.FormatInt(legs[0].ID, 10)
	_, home = kc.get("/petugas")
	if !strings.Contains(home, `data-sahkan="`+lid+`"`) {
		t.Fatal("the copies are not on the Pengantar Kerja's home")
	}
	step(kc, "/petugas/legalisir/"+lid+"/sahkan", url.Values{"kembali": {"beranda"}})
	_, home = pc.get("/petugas")
	if !strings.Contains(home, `data-serahkan-fotokopi="`+lid+`"`) {
		t.Fatal("the legalised copies are not on the petugas's home")
	}
	step(pc, "/petugas/legalisir/"+lid+"/serahkan", url.Values{})

	// The registers of the day, filtered by officer.
	day := domain.OfficeDay(srv.Clock.Now())
	_, book := pc.get("/petugas/penyerahan?hari=" + day)
	if !strings.Contains(book, `data-penyerahan="`+strconv.FormatInt(appID, 10)+`"`) || !strings.Contains(book, "BUKU PENYERAHAN") {
		t.Fatal("Buku Penyerahan lacks the hand-over")
	}
	_, book = pc.get(fmt.Sprintf("/petugas/penyerahan?hari=%s&petugas=%d", day, petugas))
	if strings.Contains(book, `data-penyerahan="`) {
		t.Fatal("Buku Penyerahan filtered by the petugas shows the Pengantar Kerja's hand-over")
	}
	_, reg := pc.get(fmt.Sprintf("/petugas/legalisir?hari=%s&petugas=%d", day, pengantar))
	if !strings.Contains(reg, `data-register="`+lid+`"`) {
		t.Fatal("legalisation register lacks the signed copies")
	}
	_, reg = pc.get("/petugas/legalisir?hari=2026-11-26")
	if strings.Contains(reg, `data-register="`) {
		t.Fatal("legalisation register of the day before shows today's")
	}
	if _, reg = pc.get("/petugas/legalisir?hari=%3Cscript%3E&petugas=-5"); !strings.Contains(reg, `data-register="`+lid+`"`) {
		t.Fatal("a bad day did not fall back to today")
	}
	if status, _ := oc.get("/petugas/penyerahan"); status != http.StatusForbidden {
		t.Fatalf("operator reads the Buku Penyerahan: %d", status)
	}
	want := []domain.SOPStep{domain.StepApproved, domain.StepPrinted, domain.StepHolderChecked, domain.StepSigned, domain.StepReferred,
		domain.StepCounselled, domain.StepHandedOver, domain.StepLegalisationRequested, domain.StepLegalised, domain.StepLegalisationHandedOver}
	evs, _ := srv.DB.StepEvents(ctx, appID)
	var steps []domain.SOPStep
	for _, e := range evs[len(evs)-len(want):] {
		steps = append(steps, e.Step)
	}
	if fmt.Sprint(steps) != fmt.Sprint(want) {
		t.Fatalf("steps %v\nwant %v", steps, want)
	}
}

func mustVacancy(t testing.TB, srv *testServer, id int64) *domain.Vacancy {
	t.Helper()
	v, err := srv.DB.Vacancy(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestVacancyPages: an officer records a vacancy (a mistake is shown on its field with what was typed
// kept), edits it, records places filled, and withdraws another; two officers editing at once do not
// overwrite each other; made-up ids are not found.
func TestVacancyPages(t *testing.T) {
	srv := newTestServer(t, Options{})
	_, kpw := addOfficer(t, srv, "kasi", domain.RoleKasi)
	c := signIn(t, srv, "kasi", kpw)
	c.get("/petugas/lowongan/baru")
	form := url.Values{"employer_name": {"Hotel <Puri> Denpasar"}, "employer_kbli": {"I"}, "employer_type": {"4"}, "position": {"Resepsionis"},
		"kbji": {"4"}, "wanted_l": {""}, "wanted_p": {"2"}, "wanted_any": {"1"}, "min_education": {"SMA"}, "age_min": {"18"}, "age_max": {"30"},
		"location": {"lokal"}, "wage": {"4.200.000"}, "closing_date": {"2026-11-20"}}
	status, _, body := c.post("/petugas/lowongan/baru", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-closing_date"`) || !strings.Contains(body, `value="Hotel &lt;Puri&gt; Denpasar"`) {
		t.Fatalf("past closing date: %d", status)
	}
	form.Set("closing_date", "2026-12-31")
	status, loc, _ := c.post("/petugas/lowongan/baru", form)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/petugas/lowongan/") {
		t.Fatalf("create: %d %s", status, loc)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/petugas/lowongan/"), 10, 64)
	_, page := c.get(loc)
	version := regexp.MustCompile(`name="versi" value="(\d+)"`).FindStringSubmatch(page)
	if version == nil || !strings.Contains(page, "Didaftarkan") {
		t.Fatal("vacancy page lacks its version or history")
	}
	form.Set("versi", version[1])
	form.Set("wanted_p", "3")
	if status, _, _ := c.post(loc, form); status != http.StatusSeeOther {
		t.Fatalf("edit: %d", status)
	}
	// A second officer's form made before that edit is refused, not applied over it.
	if status, _, _ := c.post(loc, form); status != http.StatusConflict {
		t.Fatalf("stale edit: %d, want 409", status)
	}
	v := mustVacancy(t, srv, id)
	if v.Wanted != (domain.Counts{P: 3, Any: 1}) || v.Open != v.Wanted {
		t.Fatalf("after edit: %+v", v)
	}
	seen := strconv.Itoa(v.Version)
	if status, _, _ := c.post(loc+"/terisi", url.Values{"versi": {seen}, "terisi_l": {"1"}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("filled a man's place on a vacancy for women: %d", status)
	}
	if status, _, _ := c.post(loc+"/terisi", url.Values{"versi": {seen}, "terisi_p": {"2"}, "diisi_oleh": {"Ni Luh Ayu, Ni Made Sari"}}); status != http.StatusSeeOther {
		t.Fatalf("fill: %d", status)
	}
	if v := mustVacancy(t, srv, id); v.Open != (domain.Counts{P: 1, Any: 1}) || v.State != domain.VacancyOpen {
		t.Fatalf("after fill: %+v", v)
	}
	v = mustVacancy(t, srv, id)
	seen = strconv.Itoa(v.Version)
	if status, _, _ := c.post(loc+"/tarik", url.Values{"versi": {seen}, "alasan": {"posisi dibatalkan"}}); status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", status)
	}
	_, list := c.get("/petugas/lowongan?keadaan=ditutup")
	if !strings.Contains(list, `data-lowongan="`+strconv.FormatInt(id, 10)+`"`) || !strings.Contains(list, "Ditarik") {
		t.Fatal("withdrawn vacancy not among the closed ones")
	}
	for _, path := range []string{"/petugas/lowongan/0", "/petugas/lowongan/999", "/petugas/lowongan/1e3", "/petugas/lowongan/-1"} {
		if status, _ := c.get(path); status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, status)
		}
	}
}

// TestHolderMistakeReprintsOverHTTP: the holder finds a mistake on the printed card; the officer
// corrects it on the usual form, which says the card will be reprinted; the old card is voided, a new
// one with the same number prints, and the holder checks that one.
func TestHolderMistakeReprintsOverHTTP(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := context.Background()
	petugas, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	c := signIn(t, srv, "petugas", pw)
	appID := printedApp(t, srv, 1, petugas)
	before, _ := srv.DB.DeskApplication(ctx, appID)
	status, page := c.get(appURL(appID) + "/ubah")
	if status != http.StatusOK || !strings.Contains(page, `id="cetak-ulang-info"`) || !strings.Contains(page, "Simpan koreksi &amp; cetak ulang") {
		t.Fatalf("correction form of a printed card: %d", status)
	}
	f := before.Form
	values := formValues(&f)
	if status, _, _ := c.post(appURL(appID)+"/ubah", mergeValues(values, url.Values{"keadaan": {"printed"}})); status != http.StatusUnprocessableEntity {
		t.Fatalf("reprint without a change: %d", status)
	}
	values.Set("birth_place", "Tabanan")
	if status, loc, body := c.post(appURL(appID)+"/ubah", mergeValues(values, url.Values{"keadaan": {"printed"}})); status != http.StatusSeeOther {
		t.Fatalf("correct and reprint: %d %s\n%s", status, loc, body)
	}
	old, _ := srv.DB.Card(ctx, before.Card.ID)
	after, _ := srv.DB.DeskApplication(ctx, appID)
	if old.State != domain.CardVoided || after.State != domain.StateApproved || after.Card.Serial != 2 ||
		after.Card.RegNumber != before.Card.RegNumber || after.Form.BirthPlace != "Tabanan" {
		t.Fatalf("after correction: old card %s, application %s, card %+v", old.State, after.State, after.Card)
	}
	printJobs(t, srv)
	if _, page := c.get(appURL(appID)); !strings.Contains(page, `id="diperiksa"`) || !strings.Contains(page, "Ada kesalahan") {
		t.Fatal("the reprinted card is not offered for the holder's check")
	}
}

func mergeValues(a, b url.Values) url.Values {
	out := url.Values{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
