package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ak1/server/card"
	"ak1/server/domain"
)

// TestDeskCardLife: at the desk an officer receives a report made at the kiosk (name and NIP in the
// grid), records a placement (refused with the form kept when wrong), corrects another card (the
// same registration printed again) and renews a third (a new application; on approval the old
// card's check page names its successor).
func TestDeskCardLife(t *testing.T) {
	signer, err := card.NewSigner(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(t, Options{Signer: signer})
	ctx := context.Background()
	reporter, worker, corrected, renewed := holderCard(t, srv, 1), holderCard(t, srv, 2), holderCard(t, srv, 3), holderCard(t, srv, 4)
	_, pw := addOfficer(t, srv, "meja", domain.RolePengantar)
	intoWindow(srv)
	k := newClient(t, srv.URL)
	findCard(t, k, "lapor", born7Aug2001(url.Values{"nomor": {reporter.RegNumber}}))
	_, loc, _ := k.post("/kartu/lapor/layanan", url.Values{})
	visit, err := srv.DB.VisitByCode(ctx, strings.TrimPrefix(loc, "/tiket/"))
	if err != nil {
		t.Fatal(err)
	}

	desk := signIn(t, srv, "meja", pw)
	desk.post(fmt.Sprintf("/petugas/layanan/%d/panggil", visit.ID), url.Values{})
	_, body := desk.get(visitURL(visit.ID))
	if !strings.Contains(body, `data-terima="1"`) || !strings.Contains(body, reporter.RegNumber) {
		t.Fatalf("visit page lacks the report to receive:\n%.2000s", body)
	}
	if code, loc, _ := desk.post(cardURL(reporter.ID)+"/terima", url.Values{"nomor": {"1"}, "kunjungan": {fmt.Sprint(visit.ID)}}); code != http.StatusSeeOther || loc != visitURL(visit.ID) {
		t.Fatalf("receive: %d %s", code, loc)
	}
	_, body = desk.get(cardURL(reporter.ID))
	if !strings.Contains(body, "Pejabat meja") || !strings.Contains(body, "NIP 19800101201001100") || strings.Contains(body, `data-terima="1"`) {
		t.Fatalf("the grid lacks the receiving officer:\n%.3000s", body)
	}
	if code, _, _ := desk.post(fmt.Sprintf("/petugas/layanan/%d/selesai", visit.ID), url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("finish visit: %d", code)
	}

	// Placement at the desk: an employer returned the card.
	desk.get(cardURL(worker.ID) + "/bekerja")
	job := url.Values{"employer": {"CV Tirta"}, "kbli": {"C"}, "employer_type": {"6"}, "position": {"Operator"}, "kbji": {"8"},
		"start_day": {"1"}, "start_month": {"4"}, "start_year": {"2027"}, "location": {"luarnegeri"}}
	if code, _, body := desk.post(cardURL(worker.ID)+"/bekerja", job); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "negara") || !strings.Contains(body, `value="CV Tirta"`) {
		t.Fatalf("placement abroad without the country: %d", code)
	}
	job.Set("place", "Jepang")
	if code, _, body := desk.post(cardURL(worker.ID)+"/bekerja", job); code != http.StatusSeeOther {
		t.Fatalf("placement: %d\n%.1000s", code, body)
	}
	_, body = desk.get(cardURL(worker.ID))
	if !strings.Contains(body, `data-card-state="placed"`) || !strings.Contains(body, "AKAN") || !strings.Contains(body, "ditempatkan") {
		t.Fatalf("card after placement:\n%.3000s", body)
	}

	// Correction: the same registration number printed again, the old print voided.
	_, body = desk.get(cardURL(corrected.ID) + "/perbaikan")
	if !strings.Contains(body, "Perbaikan data kartu") {
		t.Fatalf("correction form:\n%.800s", body)
	}
	app, _ := srv.DB.Application(ctx, corrected.ApplicationID)
	fixed := app.Form
	fixed.FullName = "I Wayan Sudarmawan"
	if code, loc, body := desk.post(cardURL(corrected.ID)+"/perbaikan", formValues(&fixed)); code != http.StatusSeeOther || loc != appURL(app.ID) {
		t.Fatalf("correction: %d %s\n%.1500s", code, loc, body)
	}
	_, body = newClient(t, srv.URL).get("/cek/" + signer.Token(corrected.ID, 1))
	if !strings.Contains(body, "cetakan ke-2") || !strings.Contains(body, `data-state="diganti"`) {
		t.Fatalf("old print's check page:\n%.1500s", body)
	}

	// Renewal: a new application for the holder, at this desk.
	code, loc, _ := desk.post(cardURL(renewed.ID)+"/perpanjang", url.Values{})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/petugas/permohonan/") {
		t.Fatalf("renewal: %d %s", code, loc)
	}
	var renewalID int64
	fmt.Sscanf(strings.TrimPrefix(loc, "/petugas/permohonan/"), "%d", &renewalID)
	pk, _ := srv.DB.Users(ctx, domain.RolePengantar)
	if err := srv.DB.SetDocuments(ctx, renewalID, pk[0].ID, []string{"ktp", "foto", "ijazah"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.DB.SavePhoto(ctx, renewalID, pk[0].ID, testJPEG(t, 354, 472)); err != nil {
		t.Fatal(err)
	}
	desk.get(loc)
	if code, _, body := desk.post(loc+"/setujui", url.Values{"pengantar": {fmt.Sprint(pk[0].ID)}}); code != http.StatusSeeOther {
		t.Fatalf("approve renewal: %d\n%.800s", code, body)
	}
	newCard, _ := srv.DB.CurrentCard(ctx, renewalID)
	successor := mustCard(t, srv, newCard)
	_, body = newClient(t, srv.URL).get("/cek/" + signer.Token(renewed.ID, 1))
	if !strings.Contains(body, "kartu nomor "+successor.RegNumber) || !strings.Contains(body, `data-state="diganti"`) {
		t.Fatalf("renewed card's check page:\n%.1500s", body)
	}

	// Cancelling needs a reason.
	if code, _, _ := desk.post(cardURL(reporter.ID)+"/batal", url.Values{}); code != http.StatusUnprocessableEntity {
		t.Fatalf("cancel without reason: %d", code)
	}
	if code, _, _ := desk.post(cardURL(reporter.ID)+"/batal", url.Values{"alasan": {"Tidak lagi mencari kerja"}}); code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", code)
	}
	if n, err := srv.DB.QueryIntForTest(ctx, `SELECT count(*) FROM card_events WHERE card_id = ? AND kind = 'cancelled' AND ipk = 'dihapuskan'`, reporter.ID); err != nil || n != 1 {
		t.Fatalf("cancel event: %d, %v", n, err)
	}
}

// TestPlacementFromAReferral: a holder the office referred to a vacancy (issue 9) is placed there: at
// the desk the officer picks the referral and the placement takes the vacancy's employer, sector,
// employer type, position and place; at the kiosk the holder's typed letter number links it too.
// Someone else's referral is refused.
func TestPlacementFromAReferral(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := context.Background()
	petugas, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pengantar, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	referred := func(serial int, employer string) (cardID, referral int64) {
		t.Helper()
		appID := printedApp(t, srv, serial, petugas)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(srv.DB.HolderChecked(ctx, appID, petugas))
		must(srv.DB.SignOff(ctx, appID, pengantar))
		ref, err := srv.DB.Refer(ctx, appID, openVacancy(t, srv, petugas, employer), pengantar)
		must(err)
		must(srv.DB.FinishCounselling(ctx, appID, pengantar, ""))
		must(srv.DB.HandOver(ctx, appID, petugas, ""))
		card, err := srv.DB.CurrentCard(ctx, appID)
		must(err)
		return card, ref
	}
	atDesk, deskRef := referred(1, "Warung Made")
	atKiosk, kioskRef := referred(2, "Hotel Tirta")
	desk := signIn(t, srv, "petugas", pw)
	desk.get(cardURL(atDesk) + "/bekerja")
	start := url.Values{"start_day": {"1"}, "start_month": {"12"}, "start_year": {"2026"}}
	if code, _, body := desk.post(cardURL(atDesk)+"/bekerja", withValues(start, "rujukan", fmt.Sprint(kioskRef))); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "bukan milik") {
		t.Fatalf("someone else's referral: %d", code)
	}
	if code, _, body := desk.post(cardURL(atDesk)+"/bekerja", withValues(start, "rujukan", fmt.Sprint(deskRef))); code != http.StatusSeeOther {
		t.Fatalf("placement from a referral: %d\n%.1500s", code, body)
	}
	life, _ := srv.DB.CardLife(ctx, atDesk)
	if p := life.Placement; p == nil || p.ReferralID != deskRef || p.Employer != "Warung Made" || p.Sector != "I" || p.EmployerType != "4" ||
		p.Position != "Pramusaji" || p.Type != domain.PlacementAKL || !strings.HasSuffix(p.Referral, "/AK1-RJK/2026") {
		t.Fatalf("placement = %+v", life.Placement)
	}

	letter, err := srv.DB.ReferralLetter(ctx, kioskRef)
	if err != nil {
		t.Fatal(err)
	}
	k := newClient(t, srv.URL)
	findCard(t, k, "bekerja", born7Aug2001(url.Values{"nomor": {mustCard(t, srv, atKiosk).RegNumber}}))
	job := url.Values{"employer": {"Hotel Tirta"}, "kbli": {"I"}, "employer_type": {"4"}, "position": {"Pramusaji"}, "kbji": {"5"},
		"location": {"lokal"}, "referral": {strings.ToLower(letter.Number)}}
	if code, loc, body := k.post("/kartu/bekerja/layanan", withValues(start, "", "", job)); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/tiket/") {
		t.Fatalf("kiosk placement: %d %s\n%.1500s", code, loc, body)
	}
	life, _ = srv.DB.CardLife(ctx, atKiosk)
	if life.Placement == nil || life.Placement.ReferralID != kioskRef || life.Placement.Referral != letter.Number {
		t.Fatalf("kiosk placement = %+v", life.Placement)
	}
}

// withValues copies base, sets key to value (when key is not empty) and adds the extra values.
func withValues(base url.Values, key, value string, extra ...url.Values) url.Values {
	out := url.Values{}
	for _, m := range append([]url.Values{base}, extra...) {
		for k, v := range m {
			out[k] = v
		}
	}
	if key != "" {
		out.Set(key, value)
	}
	return out
}
