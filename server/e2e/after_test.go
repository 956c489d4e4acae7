package e2e_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
)

// roleClient is an officer's session over plain HTTP, for showing what a role may not do.
type roleClient struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

func (s *system) roleClient(username string) *roleClient {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &roleClient{t: s.t, base: s.url, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	c.get("/masuk")
	if status, body := c.post("/masuk", url.Values{"username": {username}, "password": {s.passwords[username]}, "meja": {"3"}}); status != http.StatusSeeOther {
		s.t.Fatalf("sign in %s: %d\n%.2000s", username, status, body)
	}
	c.get("/petugas") // the page's token, as a browser would send it
	return c
}

func (c *roleClient) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(body)
}

func (c *roleClient) post(path string, form url.Values) (int, string) {
	c.t.Helper()
	form.Set("_csrf", c.csrf)
	resp, err := c.http.PostForm(c.base+path, form)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// refused asserts that each role's POST to path is refused with the friendly 403 page, and that
// the refusal changed nothing (the state of the application stays as it was).
func refused(t *testing.T, s *system, appID int64, path string, clients ...*roleClient) {
	t.Helper()
	before, err := s.db.Application(context.Background(), appID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		if status, body := c.post(path, url.Values{"lembar": {"2"}, "lowongan": {"1"}, "alasan": {"Sudah bekerja"}}); status != http.StatusForbidden ||
			!strings.Contains(body, "Tidak ada akses") {
			t.Errorf("POST %s by a role that must not take the step: %d", path, status)
		}
	}
	if after, _ := s.db.Application(context.Background(), appID); after.State != before.State {
		t.Errorf("a refused POST %s moved the application from %s to %s", path, before.State, after.State)
	}
}

// The kiosk's on-screen keyboard and pick-lists, as a job seeker uses them.
func kioskType(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(testbrowser.Void(chromedp.Evaluate[bool](`(document.querySelector("`+sel+`").value = "") === ""`)),
		chromedp.SendKeys(sel, value), chromedp.WaitVisible(`.osk button[data-key=Selesai]`),
		testbrowser.ClickLive(`.osk button[data-key=Selesai]`), chromedp.WaitNotVisible(`.osk`)) // drawn anew per field
}

func kioskPick(sel, value string) chromedp.Action[chromedp.Void] {
	el := `document.querySelector("` + sel + `")`
	return testbrowser.Void(chromedp.Evaluate[bool](`(` + el + `.value = "` + value + `", ` + el + `.dispatchEvent(new Event("change", {bubbles: true})))`))
}

func kioskNext(heading string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Click(`button[value=lanjut]`),
		testbrowser.Void(chromedp.Poll[bool](`document.querySelector("h1") && document.querySelector("h1").textContent.includes("`+heading+`")
			&& !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`)))
}

func poll(expr string) chromedp.Action[chromedp.Void] {
	return testbrowser.Void(chromedp.Poll[bool](expr))
}

// TestAfterPrintEndToEnd carries one applicant from the kiosk to legalised copies with everything
// real: the ak1-server and ak1-agent binaries, CUPS with the cups-pdf file printer, headless
// Chromium for the kiosk (portrait touch screen) and for two officers on 1280×800 tablets, each in
// their own browser and session: the Petugas AK/I calls, checks, photographs and approves; the
// agent prints the card; the holder checks it; the Pengantar Kerja signs it off from their own
// home screen, counsels with a referral to a vacancy and hands the card over; two copies are
// legalised. Every step is refused to roles that must not take it. It counts the officers' taps
// from the call to the hand-over (docs/benchmarks.md) and logs the time of each step.
func TestAfterPrintEndToEnd(t *testing.T) {
	s := newSystem(t)
	s.seed(1, false, 9101) // the demo accounts and their passwords
	ctx := context.Background()
	kasi, operator := s.roleClient("kasi"), s.roleClient("operator")
	petugasHTTP := s.roleClient("petugas")

	// The Kasi IPK keeps a vacancy that fits the applicant.
	closing := time.Now().In(domain.OfficeZone).AddDate(0, 1, 0).Format("2006-01-02")
	kasi.get("/petugas/lowongan/baru")
	if status, _ := kasi.post("/petugas/lowongan/baru", url.Values{"employer_name": {"Hotel Puri Denpasar"}, "employer_kbli": {"I"},
		"employer_type": {"4"}, "position": {"Pramusaji"}, "kbji": {"5"}, "wanted_any": {"2"}, "min_education": {"SMA"},
		"age_min": {"18"}, "age_max": {"35"}, "location": {"lokal"}, "wage": {"3800000"}, "closing_date": {closing}}); status != http.StatusSeeOther {
		t.Fatalf("vacancy: %d", status)
	}
	vacancy, err := s.db.QueryIntForTest(ctx, `SELECT id FROM vacancies WHERE employer_name = 'Hotel Puri Denpasar'`)
	if err != nil {
		t.Fatal(err)
	}
	vid := strconv.Itoa(vacancy)
	s.startAgent()

	// The job seeker at the kiosk.
	kiosk := testbrowser.New(t, 1080, 1920, true)
	testbrowser.Step(t, kiosk, "kiosk welcome", chromedp.Navigate(s.url+"/"), chromedp.WaitVisible(`.greeting`),
		chromedp.Click(`a[href="/layanan/baru"]`), chromedp.WaitVisible(`.checklist`),
		chromedp.Click(`label.check:has(input[value=ktp])`), chromedp.Click(`label.check:has(input[value=foto])`),
		chromedp.Click(`label.check:has(input[value=ijazah])`), chromedp.Click(`.actions button[type=submit]`), chromedp.WaitVisible(`#f-nik`))
	testbrowser.Step(t, kiosk, "identity", kioskType(`#f-nik`, "5171030708010042"), kioskType(`#f-full_name`, "I Komang Artawan"),
		kioskType(`#f-birth_place`, "Denpasar"), kioskPick(`#f-birth_day`, "7"), kioskPick(`#f-birth_month`, "8"), kioskPick(`#f-birth_year`, "2001"),
		chromedp.Click(`input[name=sex][value=L] + span`), kioskNext("Alamat"))
	testbrowser.Step(t, kiosk, "address", kioskType(`#f-street`, "Jl. Gatot Subroto VI No. 5"), kioskType(`#f-rt`, "3"), kioskType(`#f-rw`, "2"),
		kioskPick(`#f-kecamatan`, "517103"), poll(`document.querySelectorAll("#f-kelurahan option").length > 5`),
		kioskPick(`#f-kelurahan`, "Dauh Puri Kangin"), kioskNext("Kontak"))
	testbrowser.Step(t, kiosk, "contact", kioskType(`#f-phone`, "0812 3456 7890"), chromedp.Click(`input[name=marital][value="Belum Kawin"] + span`),
		chromedp.Click(`input[name=religion][value=Hindu] + span`), kioskNext("Pendidikan terakhir"))
	testbrowser.Step(t, kiosk, "education", kioskPick(`#f-edu_level`, "SMA"),
		poll(`!!document.querySelector("#f-edu_code option[value='3801']")`), testbrowser.HTMXSettled(),
		kioskPick(`#f-edu_code`, "3801"), kioskType(`#f-edu_school`, "SMA Negeri 1 Denpasar"), kioskType(`#f-edu_year`, "2019"),
		kioskNext("Riwayat pendidikan"))
	testbrowser.Step(t, kiosk, "history", kioskType(`#f-hist_sd_school`, "SD Negeri 2 Dauh Puri"), kioskType(`#f-hist_sd_year`, "2013"),
		kioskType(`#f-hist_sltp_school`, "SMP Negeri 1 Denpasar"), kioskType(`#f-hist_sltp_year`, "2016"), kioskNext("Pelatihan"))
	testbrowser.Step(t, kiosk, "no training, no language", kioskNext("Bahasa"), kioskNext("Pengalaman"))
	testbrowser.Step(t, kiosk, "never worked", chromedp.Click(`input[name=never_worked] + span`), kioskNext("Pekerjaan yang diinginkan"))
	testbrowser.Step(t, kiosk, "wishes", kioskPick(`#f-desired_kbji`, "5"), chromedp.Click(`input[name=desired_location][value=lokal] + span`),
		kioskType(`#f-desired_wage`, "3500000"), kioskNext("Periksa kembali"))
	testbrowser.Step(t, kiosk, "send", chromedp.Click(`label.check:has(#f-setuju)`), chromedp.Click(`#kirim`), chromedp.WaitVisible(`[data-code]`))
	code, err := chromedp.Run(kiosk, chromedp.Text(`[data-code]`))
	if err != nil {
		t.Fatal(err)
	}
	app, err := s.db.ApplicationByCode(ctx, code)
	if err != nil {
		t.Fatalf("the kiosk's application is not stored: %v", err)
	}
	id := strconv.FormatInt(app.ID, 10)
	appPath := "/petugas/permohonan/" + id

	// Two officers, each on their own tablet and in their own session.
	taps := map[string]int{}
	tap := func(who, sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(c context.Context, tg *chromedp.Target) error {
			taps[who]++
			// The officer pages refresh live: find the target, then tap the one on the page at
			// that moment in one step (a chromedp click may land on a row just replaced).
			if _, err := chromedp.WaitVisible(sel)(c, tg); err != nil {
				return err
			}
			_, err := testbrowser.ClickLive(sel)(c, tg)
			return err
		})
	}
	signIn := func(ctx context.Context, user string) {
		testbrowser.Step(t, ctx, "sign in "+user, chromedp.Navigate(s.url+"/petugas"), chromedp.WaitVisible(`#f-username`),
			chromedp.SendKeys(`#f-username`, user), chromedp.SendKeys(`#f-password`, s.passwords[user]), chromedp.Click(`button[type=submit]`),
			chromedp.WaitVisible(`#antrean`))
	}
	desk := testbrowser.New(t, 1280, 800, true, testbrowser.FakeCamera()...)
	signer := testbrowser.New(t, 1280, 800, true)
	shot := func(ctx context.Context, name string) { testbrowser.Screenshot(t, ctx, "e2e-after-"+name) }
	signIn(desk, "petugas")
	signIn(signer, "pengantar")
	stepAt := map[string]time.Time{}

	// Petugas AK/I: call, documents, photo, one deliberate approval.
	testbrowser.Step(t, desk, "call", chromedp.WaitVisible(`button[data-panggil="`+id+`"]`), tap("petugas", `button[data-panggil="`+id+`"]`),
		chromedp.WaitVisible(`#semua-lengkap`))
	refused(t, s, app.ID, appPath+"/setujui", kasi, operator)
	testbrowser.Step(t, desk, "documents", tap("petugas", `#semua-lengkap`), chromedp.WaitNotPresent(`#semua-lengkap`),
		chromedp.WaitVisible(`#ambil-foto`), poll(`document.getElementById("kamera").videoWidth > 0`),
		testbrowser.Void(chromedp.Evaluate[bool](`(window.beforePhoto = true)`)), tap("petugas", `#ambil-foto`))
	testbrowser.WaitAcrossReload(t, desk, "photo saved", `window.beforePhoto === undefined && document.readyState === "complete" &&
		!!document.getElementById("foto-tersimpan") && !document.getElementById("setujui").disabled`)
	testbrowser.Step(t, desk, "approve", tap("petugas", `#setujui`), chromedp.WaitVisible(`#setujui-pasti`),
		poll(`[...document.querySelectorAll(".confirm-faces img")].every(i => i.complete && i.naturalWidth === 1011)`))
	shot(desk, "01-confirm")
	testbrowser.Step(t, desk, "confirm", tap("petugas", `#setujui-pasti`), chromedp.WaitVisible(`#nomor-pendaftaran`))
	stepAt["approved"] = time.Now()

	// The real agent prints the card through CUPS; the page follows and offers the holder's check.
	testbrowser.Step(t, desk, "printed by the agent", chromedp.WaitVisible(`#diperiksa`))
	stepAt["printed"] = time.Now()
	shot(desk, "02-printed")
	refused(t, s, app.ID, appPath+"/diperiksa", kasi, operator)
	testbrowser.Step(t, desk, "holder checked and signed", tap("petugas", `#diperiksa`), chromedp.WaitVisible(`#setelah-cetak[data-state=checked]`))

	// The Pengantar Kerja's own home lists the card; nobody else may sign it.
	refused(t, s, app.ID, appPath+"/tandatangan", petugasHTTP, kasi, operator)
	testbrowser.Step(t, signer, "waits on the Pengantar Kerja's home", chromedp.WaitVisible(`[data-tandatangan="`+id+`"]`))
	shot(signer, "03-pengantar-home")
	testbrowser.Step(t, signer, "signed and stamped", tap("pengantar", `[data-tandatangan="`+id+`"]`),
		chromedp.WaitVisible(`[data-buka-kerja="`+id+`"]`))
	refused(t, s, app.ID, appPath+"/rujuk", petugasHTTP, kasi, operator)
	refused(t, s, app.ID, appPath+"/bimbingan", petugasHTTP, kasi, operator)
	refused(t, s, app.ID, appPath+"/lewati-bimbingan", petugasHTTP, kasi, operator)
	testbrowser.Step(t, signer, "counselling", tap("pengantar", `[data-buka-kerja="`+id+`"]`), chromedp.WaitVisible(`#bimbingan`),
		tap("pengantar", `#bimbingan`), chromedp.WaitVisible(`[data-rujuk="`+vid+`"]`))
	shot(signer, "04-counselling")
	testbrowser.Step(t, signer, "referral", tap("pengantar", `[data-rujuk="`+vid+`"]`), chromedp.WaitVisible(`[data-surat-rujukan]`),
		chromedp.SendKeys(`#f-catatan`, "Komunikatif, siap bekerja bergiliran."), tap("pengantar", `#selesai-bimbingan`),
		chromedp.WaitVisible(`#serahkan`))
	shot(signer, "05-handover")
	refused(t, s, app.ID, appPath+"/serahkan", kasi, operator)
	testbrowser.Step(t, signer, "handed over", tap("pengantar", `#serahkan`), chromedp.WaitVisible(`#penyerahan`))
	stepAt["handed over"] = time.Now()
	total := taps["petugas"] + taps["pengantar"]
	t.Logf("officer taps from call to hand-over: %d (Petugas AK/I %d, Pengantar Kerja %d)", total, taps["petugas"], taps["pengantar"])
	if total > 12 {
		t.Errorf("%d officer taps from call to hand-over, want at most 12", total)
	}

	// Legalisation of two copies: taken by the petugas, legalised by the Pengantar Kerja, handed back.
	refused(t, s, app.ID, appPath+"/legalisir", kasi, operator)
	testbrowser.Step(t, desk, "take two copies", chromedp.Navigate(s.url+appPath), chromedp.WaitVisible(`#f-lembar`),
		testbrowser.Void(chromedp.Evaluate[bool](`(document.getElementById("f-lembar").value = "2") === "2"`)),
		chromedp.Click(`#legalisir`), chromedp.WaitVisible(`#legalisir-daftar`))
	legID, err := s.db.QueryIntForTest(ctx, `SELECT id FROM legalisations WHERE application_id = ?`, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	lid := strconv.Itoa(legID)
	refused(t, s, app.ID, "/petugas/legalisir/"+lid+"/sahkan", petugasHTTP, kasi, operator)
	testbrowser.Step(t, signer, "legalise from home", chromedp.Navigate(s.url+"/petugas"), chromedp.WaitVisible(`[data-sahkan="`+lid+`"]`),
		chromedp.Click(`[data-sahkan="`+lid+`"]`), chromedp.WaitNotPresent(`[data-sahkan="`+lid+`"]`))
	refused(t, s, app.ID, "/petugas/legalisir/"+lid+"/serahkan", kasi, operator)
	testbrowser.Step(t, desk, "hand the copies back", chromedp.Navigate(s.url+"/petugas"), chromedp.WaitVisible(`[data-serahkan-fotokopi="`+lid+`"]`),
		chromedp.Click(`[data-serahkan-fotokopi="`+lid+`"]`), chromedp.WaitNotPresent(`[data-serahkan-fotokopi="`+lid+`"]`))

	// The records: state, the card's signer, the printed card, the registers, every step dated.
	got, err := s.db.DeskApplication(ctx, app.ID)
	if err != nil || got.State != domain.StateHandedOver || got.Card == nil {
		t.Fatalf("application %+v, %v", got, err)
	}
	pengantar, _ := s.db.UserByUsername(ctx, "pengantar")
	if got.Card.PengantarID != pengantar.ID {
		t.Errorf("card signer %d, want the Pengantar Kerja who signed it off (%d)", got.Card.PengantarID, pengantar.ID)
	}
	if n, _ := s.db.QueryIntForTest(ctx, `SELECT count(*) FROM legalisations WHERE id = ? AND copies = 2 AND state = 'handed_over'
		AND signed_by = ?`, legID, pengantar.ID); n != 1 {
		t.Error("the two copies are not legalised by the Pengantar Kerja and handed over")
	}
	jobs := s.jobs()
	var jobIDs []int64
	for _, j := range jobs {
		if j.ApplicationID == app.ID {
			jobIDs = append(jobIDs, j.ID)
		}
	}
	s.waitCUPSIdle()
	outs := s.outputs(jobIDs)
	defer s.removeOutputs(outs)
	if len(jobIDs) != 1 || len(outs[jobIDs[0]]) != 1 {
		t.Fatalf("print jobs %v, outputs %v: want the card printed once by the file printer", jobIDs, outs)
	}
	checkCardPDF(t, outs[jobIDs[0]][0])

	day := domain.OfficeDay(time.Now())
	testbrowser.Step(t, desk, "Buku Penyerahan", chromedp.Navigate(s.url+"/petugas/penyerahan?hari="+day),
		chromedp.WaitVisible(`[data-penyerahan="`+id+`"]`))
	a4(t, desk, "Buku Penyerahan", true)
	testbrowser.Step(t, desk, "legalisation register", chromedp.Navigate(s.url+"/petugas/legalisir?hari="+day),
		chromedp.WaitVisible(`[data-register="`+lid+`"]`))
	a4(t, desk, "legalisation register", true)
	shot(desk, "06-register")

	steps, err := s.db.StepEvents(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var prev time.Time
	for _, e := range steps {
		names = append(names, string(e.Step))
		took := ""
		if !prev.IsZero() {
			took = fmt.Sprintf(" (+%s)", e.At.Sub(prev).Round(time.Millisecond))
		}
		t.Logf("SOP %-5s %-45s %s%s", e.Step.Info().SOP, e.Step.Info().Label, e.At.In(domain.OfficeZone).Format("15:04:05.000"), took)
		prev = e.At
	}
	want := "called documents_checked photographed approved printed holder_checked signed referred counselled handed_over " +
		"legalisation_requested legalised legalisation_handed_over"
	if strings.Join(names, " ") != want {
		t.Errorf("steps %v\nwant %s", names, want)
	}
	t.Logf("approval to printed (agent, CUPS, cups-pdf, live page): %s", stepAt["printed"].Sub(stepAt["approved"]).Round(time.Millisecond))
}

// a4 prints the page with its own @page size and checks each sheet with pdfinfo: A4, in the
// orientation given.
func a4(t *testing.T, ctx context.Context, what string, landscape bool) {
	t.Helper()
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatalf("print %s: %v", what, err)
	}
	path := filepath.Join(t.TempDir(), "register.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	w, h := 595.28, 841.89
	if landscape {
		w, h = h, w
	}
	for i, sz := range pdfPages(t, path) {
		if sz[0] < w-2 || sz[0] > w+2 || sz[1] < h-2 || sz[1] > h+2 {
			t.Errorf("%s page %d: %.1f × %.1f pt, want A4 %.1f × %.1f", what, i+1, sz[0], sz[1], w, h)
		}
	}
}
