package web

import (
	"context"
	"fmt"
	"html"
	"io"
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

// seedIPK registers job seekers on days of October and November 2026 through the desk's storage
// (documents, photo, approval), places and cancels some, and leaves the clock on 2 December 2026.
// It returns how many registered in November, and the names of those placed in November.
func seedIPK(t *testing.T, srv *testServer) (registeredNov int, placedNov []string) {
	t.Helper()
	ctx := context.Background()
	petugas, _ := addOfficer(t, srv, "seed-petugas", domain.RolePetugas)
	pengantar, _ := addOfficer(t, srv, "seed-pengantar", domain.RolePengantar)
	set := func(m time.Month, d int) {
		srv.Clock.mu.Lock()
		srv.Clock.t = time.Date(2026, m, d, 1, 0, 0, 0, time.UTC) // 09:00 WITA
		srv.Clock.mu.Unlock()
	}
	var cards []int64
	for i := 1; i <= 14; i++ {
		month, day := time.October, 2*i
		if i > 6 {
			month, day = time.November, 3*(i-6)
			registeredNov++
		}
		set(month, day)
		f := deskForm(100 + i)
		f.FullName = fmt.Sprintf("Pencaker Uji %02d", i)
		if i%2 == 0 {
			f.Sex, f.NIK = "P", fmt.Sprintf("517103470801%04d", 100+i) // a woman's NIK adds 40 to the day of birth
		}
		app, err := srv.DB.SubmitApplication(ctx, f, "kiosk", "kiosk", "")
		if err != nil {
			t.Fatal(err)
		}
		srv.Clock.advance(time.Duration(i) * time.Minute) // the steps a few minutes apart, for the service times
		if err := srv.DB.SetDocuments(ctx, app.ID, petugas, []string{"ktp", "foto", "ijazah"}); err != nil {
			t.Fatal(err)
		}
		srv.Clock.advance(2 * time.Minute)
		if err := srv.DB.SavePhoto(ctx, app.ID, petugas, testJPEG(t, 354, 472)); err != nil {
			t.Fatal(err)
		}
		srv.Clock.advance(time.Duration(i%7) * time.Minute)
		a, err := srv.DB.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern})
		if err != nil {
			t.Fatal(err)
		}
		cards = append(cards, a.CardID)
	}
	// Placed in November: two from October, one from November; one cancelled.
	set(time.November, 25)
	for _, i := range []int{1, 4, 8} {
		p := &domain.Placement{Employer: "PT Bali Jaya", Sector: "I", EmployerType: "4", Position: "Staf hotel", KBJI: "5",
			StartDay: "25", StartMonth: "11", StartYear: "2026", Location: "lokal"}
		if err := srv.DB.RecordPlacement(ctx, cards[i-1], petugas, 0, p); err != nil {
			t.Fatal(err)
		}
		placedNov = append(placedNov, fmt.Sprintf("Pencaker Uji %02d", i))
	}
	if err := srv.DB.CancelCard(ctx, cards[1], petugas, "pindah domisili"); err != nil {
		t.Fatal(err)
	}
	// A vacancy registered in November, one place of it filled.
	vid, err := srv.DB.CreateVacancy(ctx, domain.Vacancy{EmployerName: "Hotel Uji Lowongan", EmployerKBLI: "I", EmployerType: "4", Position: "Pramusaji",
		KBJI: "5", Wanted: domain.Counts{L: 1, P: 2, Any: 1}, MinEducation: "SMK", EduCode: "3404", Location: "lokal",
		ClosingDate: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}, petugas)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.DB.FillVacancy(ctx, vid, petugas, 1, domain.Counts{P: 1}, "Pencaker Uji 08", false); err != nil {
		t.Fatal(err)
	}
	set(time.December, 2)
	return registeredNov, placedNov
}

var figureLink = regexp.MustCompile(`<a href="(/petugas/laporan/ipk/2026-11/orang\?[^"]+)"(?: class="zero")?>(\d+)</a>`)

// TestIPKReportPages: the report of a month on screen as the official tables, each figure a link to
// the people it counts (as many as it says), bad addresses answered in words, and the way from a
// draft to a report the Kasi approved, whose exports are then the stored ones.
func TestIPKReportPages(t *testing.T) {
	srv := newTestServer(t, Options{})
	registered, placed := seedIPK(t, srv)
	_, ppw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	_, kpw := addOfficer(t, srv, "kasi", domain.RoleKasi)
	petugas, kasi := signIn(t, srv, "petugas", ppw), signIn(t, srv, "kasi", kpw)

	status, body := kasi.get("/petugas/laporan")
	if status != http.StatusOK || !strings.Contains(body, `data-month="2026-11"`) || !strings.Contains(body, "Belum diajukan") {
		t.Fatalf("reports list: %d", status)
	}
	status, body = kasi.get("/petugas/laporan/ipk/2026-11")
	if status != http.StatusOK || !strings.Contains(body, "IPK III/1 : IKHTISAR STATISTIK IPK") || !strings.Contains(body, "Konsep: belum diajukan") {
		t.Fatalf("report page: %d", status)
	}
	if strings.Contains(body, "IPK III/3") || !strings.Contains(body, "Tabel III/3 dihitung per triwulan") {
		t.Fatal("November shows the quarterly III/3")
	}
	links := figureLink.FindAllStringSubmatch(body, -1)
	if len(links) < 20 {
		t.Fatalf("only %d figure links", len(links))
	}
	// Every figure opens a list of as many people as it says.
	for _, l := range links {
		href := html.UnescapeString(l[1])
		status, page := kasi.get(href)
		if status != http.StatusOK || !strings.Contains(page, `data-total="`+l[2]+`"`) {
			t.Fatalf("%s (figure %s): %d", href, l[2], status)
		}
	}
	// The vacancy: III/1 part II row 2 counts its 4 places in L+P, and the figure lists it.
	vf := domain.NewFigure(mustMonth(t, "2026-11"), domain.MeasureRegistered)
	vf.Kind = domain.FigureVacancies
	vlink := "/petugas/laporan/ipk/2026-11/orang?" + vf.Query()
	if !strings.Contains(body, html.EscapeString(vlink)+`">4</a>`) {
		t.Fatalf("no vacancy figure 4 linking to %s", vlink)
	}
	if _, page := kasi.get(vlink); !strings.Contains(page, "Hotel Uji Lowongan") || !strings.Contains(page, `data-total="4"`) {
		t.Fatal("the vacancy figure does not list the vacancy")
	}
	// Row 2, L+P: everyone registered in November, by name.
	regLink := "/petugas/laporan/ipk/2026-11/orang?" + domain.NewFigure(mustMonth(t, "2026-11"), domain.MeasureRegistered).Query()
	if !strings.Contains(body, html.EscapeString(regLink)+`">`+strconv.Itoa(registered)+`</a>`) {
		t.Fatalf("no figure %d linking to %s", registered, regLink)
	}
	f := domain.NewFigure(mustMonth(t, "2026-11"), domain.MeasurePlaced)
	_, page := kasi.get("/petugas/laporan/ipk/2026-11/orang?" + f.Query())
	for _, name := range placed {
		if !strings.Contains(page, name) {
			t.Errorf("placed people page lacks %s", name)
		}
	}
	for path, want := range map[string]string{
		"/petugas/laporan/ipk/2026-13":                               "bulan ditulis 01 sampai 12",
		"/petugas/laporan/ipk/2026-11/orang?periode=2026-11&m=kabur": "Alamat angka laporan tidak dikenal",
		"/petugas/laporan/ipk/2026-11/orang?periode=2025-01&m=awal":  "bukan dari laporan November 2026",
		"/petugas/laporan/ipk/2026-11/orang?%zz":                     "tidak dapat dibaca",
	} {
		if status, page := kasi.get(path); status < 400 || !strings.Contains(page, want) {
			t.Errorf("%s: %d, want a message with %q", path, status, want)
		}
	}

	// The Kasi cannot approve what nobody submitted; December cannot be submitted before it ends.
	kasi.get("/petugas/laporan/ipk/2026-11")
	if status, _, page := kasi.post("/petugas/laporan/ipk/2026-11/setujui", url.Values{}); status != http.StatusUnprocessableEntity || !strings.Contains(page, "belum diajukan") {
		t.Fatalf("approve before submission: %d", status)
	}
	petugas.get("/petugas/laporan/ipk/2026-12")
	if status, _, page := petugas.post("/petugas/laporan/ipk/2026-12/ajukan", url.Values{}); status != http.StatusUnprocessableEntity || !strings.Contains(page, "setelah bulan itu berakhir") {
		t.Fatalf("submitting December on 2 December: %d", status)
	}
	_, page = petugas.get("/petugas/laporan/ipk/2026-11")
	if strings.Contains(page, "Setujui laporan") || !strings.Contains(page, "Ajukan ke Kasi IPK") {
		t.Fatal("the Petugas's buttons")
	}
	if status, loc, _ := petugas.post("/petugas/laporan/ipk/2026-11/ajukan", url.Values{}); status != http.StatusSeeOther || loc != "/petugas/laporan/ipk/2026-11?pesan=diajukan" {
		t.Fatalf("submit: %d %s", status, loc)
	}
	_, page = kasi.get("/petugas/laporan/ipk/2026-11")
	if !strings.Contains(page, "Setujui laporan") || !strings.Contains(page, "Diajukan oleh Pejabat petugas") {
		t.Fatal("the Kasi does not see the submitted report to approve")
	}
	if status, loc, _ := kasi.post("/petugas/laporan/ipk/2026-11/setujui", url.Values{}); status != http.StatusSeeOther || loc != "/petugas/laporan/ipk/2026-11?pesan=disetujui" {
		t.Fatalf("approve: %d %s", status, loc)
	}
	_, page = petugas.get("/petugas/laporan/ipk/2026-11")
	if !strings.Contains(page, "Disetujui oleh Kasi IPK Pejabat kasi") || strings.Contains(page, "Ajukan") {
		t.Fatal("approved report page")
	}
	for _, format := range []string{"xlsx", "pdf"} {
		stored, err := srv.DB.ApprovedIPKFile(context.Background(), mustMonth(t, "2026-11"), format)
		if err != nil || len(stored) == 0 {
			t.Fatal(err)
		}
		status, got := petugas.get("/petugas/laporan/ipk/2026-11/" + format)
		if status != http.StatusOK || got != string(stored) {
			t.Fatalf("%s export is not the stored file (%d, %d bytes vs %d)", format, status, len(got), len(stored))
		}
	}
	if n, _ := srv.DB.QueryIntForTest(context.Background(), `SELECT count(*) FROM audit_log WHERE action IN ('ipk-submit', 'ipk-approve')`); n != 2 {
		t.Fatalf("audit rows: %d", n)
	}
}

func mustMonth(t *testing.T, s string) domain.Period {
	t.Helper()
	m, err := domain.ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRegisterPages: each register shows the period and officer asked for, says when it put a
// period right, links to the other registers with the same filter, and exports its rows as XLSX.
func TestRegisterPages(t *testing.T) {
	srv := newTestServer(t, Options{})
	seedIPK(t, srv)
	_, pw := addOfficer(t, srv, "kasi", domain.RoleKasi)
	kasi := signIn(t, srv, "kasi", pw)
	seeder, err := srv.DB.Users(context.Background(), domain.RolePetugas)
	if err != nil || len(seeder) != 1 {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`<tr data-baris>`)
	for path, want := range map[string]int{
		"/petugas/buku-agenda?dari=2026-10-01&sampai=2026-11-30":                                    14,
		"/petugas/buku-agenda?dari=2026-11-01&sampai=2026-11-30":                                    8,
		"/petugas/buku-agenda?dari=2026-10-01&sampai=2026-11-30&tingkat=SMA":                        14,
		"/petugas/buku-agenda?dari=2026-10-01&sampai=2026-11-30&tingkat=S1":                         0,
		"/petugas/ceklis?dari=2026-10-01&sampai=2026-11-30":                                         14,
		"/petugas/ceklis?hari=2026-10-02":                                                           1,
		"/petugas/register-lowongan?dari=2026-11-01&sampai=2026-11-30":                              1,
		fmt.Sprintf("/petugas/ceklis?dari=2026-10-01&sampai=2026-11-30&petugas=%d", seeder[0].ID):   14,
		fmt.Sprintf("/petugas/ceklis?dari=2026-10-01&sampai=2026-11-30&petugas=%d", seeder[0].ID+9): 0,
	} {
		status, body := kasi.get(path)
		if got := len(rows.FindAllString(body, -1)); status != http.StatusOK || got != want {
			t.Errorf("%s: %d, %d rows, want %d", path, status, got, want)
		}
	}
	_, body := kasi.get("/petugas/ceklis?dari=2026-11-30&sampai=2026-10-01")
	if !strings.Contains(body, "keduanya ditukar") || !strings.Contains(body, "Tanggal 1 Oktober 2026 s/d 30 November 2026") {
		t.Fatal("a period given backwards is not put right in words")
	}
	if !strings.Contains(body, `href="/petugas/penyerahan?dari=2026-10-01&amp;sampai=2026-11-30&amp;petugas=0"`) {
		t.Fatal("the tabs do not keep the period")
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/petugas/buku-agenda?dari=2026-10-01&sampai=2026-11-30&format=xlsx", nil)
	resp, err := kasi.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(data), "PK") ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="buku-agenda-2026-10-01-2026-11-30.xlsx"` {
		t.Fatalf("agenda export: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
}

// TestServiceTimesPage: the Kasi's service-time page of a month with steps recorded: the charts,
// the month's table with every interval beside its Mutu Baku, the daily table; a bad month is
// answered in words.
func TestServiceTimesPage(t *testing.T) {
	srv := newTestServer(t, Options{})
	seedIPK(t, srv) // documents, photo and approval of each application on its day
	_, pw := addOfficer(t, srv, "kasi", domain.RoleKasi)
	kasi := signIn(t, srv, "kasi", pw)
	status, body := kasi.get("/petugas/waktu-layanan?bulan=2026-11")
	if status != http.StatusOK || strings.Count(body, "<svg class=\"chart\"") != 2 || !strings.Contains(body, `data-langkah="setuju"`) ||
		!strings.Contains(body, "Mutu Baku SOP: 5 menit") || !strings.Contains(body, `id="waktu-hari"`) {
		t.Fatalf("service times page: %d", status)
	}
	for _, iv := range domain.ServiceIntervals {
		if !strings.Contains(body, `data-langkah="`+iv.Key+`"`) {
			t.Errorf("no row for %s", iv.Key)
		}
	}
	if status, body := kasi.get("/petugas/waktu-layanan?bulan=2026-13"); status != http.StatusBadRequest || !strings.Contains(body, "bulan ditulis 01 sampai 12") {
		t.Fatalf("bad month: %d", status)
	}
	if status, body := kasi.get("/petugas/waktu-layanan?bulan=2025-01"); status != http.StatusOK || !strings.Contains(body, "Belum ada langkah layanan") {
		t.Fatalf("empty month: %d", status)
	}
}
