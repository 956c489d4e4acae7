package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"ak1/agent/protocol"
	"ak1/server/domain"
)

// dirtyForm is deskForm(serial) typed with bidirectional controls and zero-width characters, as an
// attacker would to reverse a name on the desk and the card (issue 7, finding 8).
func dirtyForm(serial int) *domain.Form {
	f := deskForm(serial)
	f.NIK = "5171\u200b0307\u20600801" + fmt.Sprintf("%04d", serial)
	f.FullName = "I Wayan \u202eamradus\u202c"
	f.BirthPlace = "\u2067Denpasar\u2069"
	f.Street = "Jl. Gatot Subroto\u200f Barat No. 12\u200e"
	f.EduSchool = "SMA Negeri 4\u061c Denpasar\ufeff"
	f.Remarks = "\u202dCatatan\u202a \u2066penting\u2069"
	return f
}

// checkClean fails when a stored form still holds an invisible character, or lost the visible text.
func checkClean(t *testing.T, where string, f *domain.Form) {
	t.Helper()
	for _, st := range domain.Steps {
		for _, name := range st.Fields {
			if v := f.Value(name); strings.ContainsFunc(v, domain.Invisible) {
				t.Errorf("%s: %s stored as %+q", where, name, v)
			}
		}
	}
	if f.FullName != "I Wayan amradus" || f.Street != "Jl. Gatot Subroto Barat No. 12" || !strings.HasPrefix(f.NIK, "517103070801") {
		t.Errorf("%s: stored %q, %q, %q; want the visible text kept", where, f.FullName, f.Street, f.NIK)
	}
}

// TestInvisibleCharactersNeverStored sends bidirectional and zero-width characters through every way
// text gets into the database: the kiosk, the desk's walk-in, correction and manual card, the return
// reason, the reprint reason, officer and station names. None is stored.
func TestInvisibleCharactersNeverStored(t *testing.T) {
	srv := newTestServer(t, Options{})
	bg := context.Background()
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pengantar, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	_, opw := addOfficer(t, srv, "operator", domain.RoleOperator)

	// Kiosk.
	code, loc, body := kioskSubmit(t, newClient(t, srv.URL), dirtyForm(1))
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/selesai/") {
		t.Fatalf("kiosk submission: %d %s\n%.800s", code, loc, body)
	}
	app, err := srv.DB.ApplicationByCode(bg, strings.TrimPrefix(loc, "/selesai/"))
	if err != nil {
		t.Fatal(err)
	}
	checkClean(t, "kiosk", &app.Form)

	// Desk: walk-in.
	c := signIn(t, srv, "petugas", pw)
	c.get("/petugas/baru")
	walkInValues := formValues(dirtyForm(2))
	walkInValues.Set("setuju", "1") // the job seeker's declaration and consent (issue 8)
	code, loc, body = c.post("/petugas/baru", walkInValues)
	if code != http.StatusSeeOther {
		t.Fatalf("walk-in: %d\n%.800s", code, body)
	}
	walkInID, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/petugas/permohonan/"), 10, 64)
	walkIn, err := srv.DB.Application(bg, walkInID)
	if err != nil {
		t.Fatal(err)
	}
	checkClean(t, "walk-in", &walkIn.Form)

	// Desk: correction.
	corrected := submitForm(t, srv, 3)
	c.get(appURL(corrected.ID) + "/ubah")
	v := formValues(dirtyForm(3))
	v.Set("keadaan", string(corrected.State))
	if code, _, body := c.post(appURL(corrected.ID)+"/ubah", v); code != http.StatusSeeOther {
		t.Fatalf("correction: %d\n%.800s", code, body)
	}
	got, err := srv.DB.Application(bg, corrected.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkClean(t, "correction", &got.Form)

	// Desk: manual card.
	c.get("/petugas/manual")
	v = formValues(dirtyForm(4))
	v.Set("reg_number", "5171 150926 000777")
	v.Set("issued_on", "2026-09-15")
	v.Set("pengantar", strconv.FormatInt(pengantar, 10))
	code, loc, body = c.post("/petugas/manual", v)
	if code != http.StatusSeeOther {
		t.Fatalf("manual card: %d\n%.800s", code, body)
	}
	manualID, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/petugas/permohonan/"), 10, 64)
	if got, err = srv.DB.Application(bg, manualID); err != nil {
		t.Fatal(err)
	}
	checkClean(t, "manual card", &got.Form)

	// Desk: the reason for returning, which the job seeker reads at the kiosk.
	c.get(appURL(walkInID))
	if code, _, body := c.post(appURL(walkInID)+"/kembalikan", url.Values{"keadaan": {string(walkIn.State)},
		"alasan_lain": {"Fotokopi KTP \u202eburam\u202c\u200b"}}); code != http.StatusSeeOther {
		t.Fatalf("return: %d\n%.800s", code, body)
	}
	if got, err = srv.DB.Application(bg, walkInID); err != nil || got.StateReason != "Fotokopi KTP buram" {
		t.Errorf("return reason stored as %+q, %v", got.StateReason, err)
	}

	// Operator: the reason for a reprint.
	job := approvedJob(t, srv, pengantar, pengantar, 5)
	op := signIn(t, srv, "operator", opw)
	op.get("/petugas/cetak")
	if code, _, body := op.post(fmt.Sprintf("/petugas/cetak/tugas/%d/cetak-ulang", job.PrintJobID),
		url.Values{"alasan": {"Kartu \u202erusak\u202c"}}); code != http.StatusSeeOther {
		t.Fatalf("reprint: %d\n%.800s", code, body)
	}
	if n, err := srv.DB.QueryIntForTest(bg, `SELECT count(*) FROM cards WHERE id = ? AND void_reason = 'Kartu rusak'`, job.CardID); err != nil || n != 1 {
		t.Errorf("reprint reason not stored clean (%d, %v)", n, err)
	}

	// Officer and station names, whichever command or page creates them.
	id, err := srv.DB.CreateUser(bg, domain.Officer{Username: "ad\u200bmin2", FullName: "Drs. \u202eI Made\u202c Sudiarta", Role: domain.RoleAdmin}, "x")
	if err != nil {
		t.Fatal(err)
	}
	if u, err := srv.DB.User(bg, id); err != nil || u.FullName != "Drs. I Made Sudiarta" || u.Username != "admin2" {
		t.Errorf("officer stored as %+v, %v", u, err)
	}
	if _, err := srv.DB.CreateUser(bg, domain.Officer{Username: "kosong", FullName: "\u200b\u202e", Role: domain.RolePetugas}, "x"); err == nil {
		t.Error("an officer whose name is only invisible characters was created")
	}
	station, _, err := srv.DB.AddStation(bg, "Loket\u200b Cetak \u2067Lantai 1\u2069")
	if err != nil {
		t.Fatal(err)
	}
	stations, err := srv.DB.Stations(bg)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stations {
		if st.ID == station && st.Name != "Loket Cetak Lantai 1" {
			t.Errorf("station stored as %+q", st.Name)
		}
	}
}

// TestStationReportsCleaned: what a print station's agent reports (the CUPS printer name, its
// state reasons, the agent version, a job's error) is stored cleaned like typed text (no invisible
// or bidirectional characters, bounded length) and shown escaped on the operator page. Before, the
// heartbeat stored the printer name, reasons and version as sent.
func TestStationReportsCleaned(t *testing.T) {
	srv := newTestServer(t, Options{})
	bg := context.Background()
	petugas, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pengantar, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	_, opw := addOfficer(t, srv, "operator", domain.RoleOperator)
	stationID, token, err := srv.DB.AddStation(bg, "Loket Cetak 1")
	if err != nil {
		t.Fatal(err)
	}
	const markup = `<img src=x onerror=alert(1)>`
	reasons := []string{"media-empty-error", "<b>rusak</b>\u2066 total\u2069"}
	for i := range 40 {
		reasons = append(reasons, fmt.Sprintf("lain-%d", i))
	}
	hb := protocol.Heartbeat{PrinterState: protocol.PrinterIdle, Reasons: reasons,
		Printer: markup + "Kartu\u202e\u200bLobi" + strings.Repeat("x", 5000), Version: "1.0\u200f" + strings.Repeat("9", 500)}
	if code, body := agentCall(t, srv, token, "POST", protocol.PathHeartbeat, hb); code != http.StatusOK {
		t.Fatalf("heartbeat: %d %s", code, body)
	}
	stations, err := srv.DB.Stations(bg)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stations {
		if st.ID != stationID {
			continue
		}
		for _, s := range append([]string{st.Printer, st.AgentVersion}, st.PrinterReasons...) {
			if strings.ContainsFunc(s, domain.Invisible) || utf8.RuneCountInString(s) > 100 {
				t.Errorf("station report stored as %+q", s)
			}
		}
		if !strings.HasPrefix(st.Printer, markup+"KartuLobi") || len(st.PrinterReasons) != 20 || st.PrinterReasons[1] != "<b>rusak</b> total" {
			t.Errorf("stored printer %.60q and %d reasons %.80q, want the visible text kept", st.Printer, len(st.PrinterReasons), st.PrinterReasons)
		}
	}

	// A job's error, as a failed print reports it.
	job := approvedJob(t, srv, petugas, pengantar, 1)
	code, body := agentCall(t, srv, token, "POST", protocol.PathClaim+"?wait=0", nil)
	var claim protocol.ClaimResponse
	if code != http.StatusOK || json.Unmarshal(body, &claim) != nil || claim.JobID != job.PrintJobID {
		t.Fatalf("claim: %d %s", code, body)
	}
	failed := protocol.StatusUpdate{Lease: claim.Lease, State: protocol.StateFailed, Error: "cups-rejected: \u202e<script>x</script>" + strings.Repeat("e", 3000)}
	if code, body := agentCall(t, srv, token, "POST", protocol.JobStatusPath(claim.JobID), failed); code != http.StatusOK {
		t.Fatalf("failed report: %d %s", code, body)
	}
	j, err := srv.DB.PrintJob(bg, claim.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(j.Error, "cups-rejected: <script>") || strings.ContainsFunc(j.Error, domain.Invisible) || utf8.RuneCountInString(j.Error) > 1000 {
		t.Errorf("job error stored as %.80q (%d characters)", j.Error, utf8.RuneCountInString(j.Error))
	}

	op := signIn(t, srv, "operator", opw)
	code, page := op.get("/petugas/cetak")
	if code != http.StatusOK || !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;KartuLobi") || !strings.Contains(page, "&lt;script&gt;x") {
		t.Fatalf("operator page: %d, the reported names not shown escaped\n%.3000s", code, page)
	}
	if strings.Contains(page, markup) || strings.Contains(page, "<script>x") || strings.ContainsFunc(page, domain.Invisible) {
		t.Error("the operator page shows a station's report unescaped or with invisible characters")
	}
}
