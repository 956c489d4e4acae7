package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// TestServiceTimesPageShowsReprintsApart: a card handed over, corrected the next day and run
// through printing, the holder's check, the sign-off and the hand-over again appears on the
// month's service-time page in a table of its own, measured from the correction, and not in the
// first issues' figures.
func TestServiceTimesPageShowsReprintsApart(t *testing.T) {
	srv := newTestServer(t, Options{}) // 27 November 2026
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	petugas, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	pengantar, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	_, pw := addOfficer(t, srv, "kasi", domain.RoleKasi)
	appID := printedApp(t, srv, 1, petugas)
	for _, step := range []func() error{
		func() error { return srv.DB.HolderChecked(ctx, appID, petugas) },
		func() error { return srv.DB.SignOff(ctx, appID, pengantar) },
		func() error { return srv.DB.FinishCounselling(ctx, appID, pengantar, "") },
		func() error { return srv.DB.HandOver(ctx, appID, pengantar, "") },
	} {
		srv.Clock.advance(time.Minute)
		must(step())
	}

	srv.Clock.advance(24 * time.Hour)
	cardID, err := srv.DB.CurrentCard(ctx, appID)
	must(err)
	a, err := srv.DB.Application(ctx, appID)
	must(err)
	f := a.Form
	f.BirthPlace = "Tabanan"
	_, err = srv.DB.CorrectCard(ctx, cardID, petugas, &f, []storage.FieldChange{{Field: "birth_place", Old: a.Form.BirthPlace, New: "Tabanan"}})
	must(err)
	srv.Clock.advance(6 * time.Minute)
	printJobs(t, srv)
	srv.Clock.advance(3 * time.Minute)
	must(srv.DB.HolderChecked(ctx, appID, petugas))
	must(srv.DB.SignOff(ctx, appID, pengantar))
	srv.Clock.advance(2 * time.Minute)
	must(srv.DB.HandOver(ctx, appID, pengantar, ""))

	kasi := signIn(t, srv, "kasi", pw)
	status, body := kasi.get("/petugas/waktu-layanan?bulan=2026-11")
	if status != http.StatusOK || !strings.Contains(body, `id="waktu-cetak-ulang"`) || !strings.Contains(body, "Cetak ulang setelah perbaikan data: 1 kartu") {
		t.Fatalf("service times with a reprint: %d\n%.3000s", status, body)
	}
	section := body[strings.Index(body, `id="waktu-cetak-ulang"`):]
	for key, median := range map[string]string{"cetak": "6", "periksa": "3", "serah": "2"} {
		row := regexp.MustCompile(`data-cetak-ulang="` + key + `">.*\n.*`).FindString(section)
		if !strings.Contains(row, "<td>1</td>") || !strings.Contains(row, `">`+median+`</td>`) {
			t.Errorf("reprint row %s: %q, want 1 card, median %s", key, row, median)
		}
	}
	if strings.Contains(section, `data-cetak-ulang="antre"`) || strings.Contains(section, `data-cetak-ulang="kunjungan"`) {
		t.Error("the reprint's run is measured from the first run's ticket")
	}
	// The first issue's hand-over counted once, in the month's table, not the reprint's.
	month := body[strings.Index(body, `id="waktu-bulan"`):strings.Index(body, `id="waktu-cetak-ulang"`)]
	if row := regexp.MustCompile(`data-langkah="serah">.*`).FindString(month); !strings.Contains(row, "<td>1</td>") {
		t.Errorf("first issues' hand-over row: %q", row)
	}
}
