package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
	"ak1/server/storage"
)

// TestOperatorStationPowersInBrowser is the Operator Cetak at a 1280×800 tablet taking a station's
// token away: disable behind a confirmation, a new token shown once on a page of its own, and
// removal only with the station's name typed.
func TestOperatorStationPowersInBrowser(t *testing.T) {
	srv := newTestServer(t, Options{})
	bg := context.Background()
	_, pw := addOfficer(t, srv, "operator", domain.RoleOperator)
	station, _, err := srv.DB.AddStation(bg, "Loket Cetak 1")
	if err != nil {
		t.Fatal(err)
	}
	sel := `[data-station="` + strconv.FormatInt(station, 10) + `"]`

	ctx := testbrowser.New(t, 1280, 800, true)
	testbrowser.Step(t, ctx, "sign in as operator", chromedp.Navigate(srv.URL+"/masuk"), chromedp.WaitVisible(`#f-username`),
		chromedp.SendKeys(`#f-username`, "operator"), chromedp.SendKeys(`#f-password`, pw),
		chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`#cetak`))
	testbrowser.Step(t, ctx, "open token & remove", testbrowser.HTMXSettled(), chromedp.Click(sel+` details.manage summary`),
		chromedp.WaitVisible(sel+` [data-disable-station]`))
	testbrowser.Screenshot(t, ctx, "station-01-manage")
	// A live refresh can replace the station between the wait and the tap; the button then submits
	// as a plain form (the page reloads with the same result), so wait across a reload.
	testbrowser.Step(t, ctx, "disable", chromedp.Click(sel+` [data-disable-station]`))
	testbrowser.WaitAcrossReload(t, ctx, "disabled", `document.querySelector('`+sel+` [data-station-state]')?.textContent?.includes("Nonaktif")`)
	if st, _ := srv.DB.Station(bg, station); !st.Disabled {
		t.Fatal("station not disabled")
	}
	testbrowser.Screenshot(t, ctx, "station-02-disabled")

	// A fresh page: the refresh the disable set off must not replace the panel while it is used.
	testbrowser.Step(t, ctx, "rotate", chromedp.Navigate(srv.URL+"/petugas/cetak"), chromedp.WaitVisible(`#cetak`),
		testbrowser.HTMXSettled(), chromedp.Click(sel+` details.manage summary`),
		chromedp.WaitVisible(sel+` [data-rotate-station]`), chromedp.Click(sel+` [data-rotate-station]`),
		chromedp.WaitVisible(`[data-station-token]`))
	if token := textOf(t, ctx, `[data-station-token]`); !strings.HasPrefix(token, "ak1st_") {
		t.Fatalf("new token shown as %q", token)
	} else if _, err := srv.DB.StationByToken(bg, token); err == nil {
		t.Fatal("the new token works while the station is disabled")
	}
	testbrowser.Screenshot(t, ctx, "station-03-new-token")

	testbrowser.Step(t, ctx, "back and remove with the name typed", chromedp.Navigate(srv.URL+"/petugas/cetak"), chromedp.WaitVisible(`#cetak`),
		testbrowser.HTMXSettled(), chromedp.Click(sel+` details.manage summary`), chromedp.WaitVisible(sel+` input[name=nama]`),
		chromedp.SendKeys(sel+` input[name=nama]`, "Loket Cetak 1"), chromedp.Click(sel+` [data-remove-station]`))
	testbrowser.WaitAcrossReload(t, ctx, "removed", `!!document.querySelector('#cetak') && !document.querySelector('`+sel+`')`)
	if st, _ := srv.DB.Stations(bg); len(st) != 0 {
		t.Fatalf("stations after remove: %+v", st)
	}
	testbrowser.Screenshot(t, ctx, "station-04-removed")
}

// TestUsersPageUnlockInBrowser is the admin's users page with an account held back by wrong passwords.
func TestUsersPageUnlockInBrowser(t *testing.T) {
	srv := newTestServer(t, Options{})
	bg := context.Background()
	_, pw := addOfficer(t, srv, "admin", domain.RoleAdmin)
	addOfficer(t, srv, "petugas", domain.RolePetugas)
	for i := 0; i <= domain.AccountSignInLimit.Free+1; i++ {
		if _, err := srv.DB.CountSignInAttempt(bg, "petugas", "10.0.0.7", domain.AccountSignInLimit, domain.AddressSignInLimit); err != nil {
			t.Fatal(err)
		}
	}
	// Another office's tablets, where many made-up names were tried: their address is held back.
	for i := 0; i <= domain.AddressSignInLimit.Free; i++ {
		if _, err := srv.DB.CountSignInAttempt(bg, fmt.Sprintf("tamu%d", i), "10.0.0.9", domain.AccountSignInLimit, domain.AddressSignInLimit); err != nil {
			t.Fatal(err)
		}
	}
	ctx := testbrowser.New(t, 1280, 800, true)
	testbrowser.Step(t, ctx, "sign in as admin", chromedp.Navigate(srv.URL+"/masuk"), chromedp.WaitVisible(`#f-username`),
		chromedp.SendKeys(`#f-username`, "admin"), chromedp.SendKeys(`#f-password`, pw),
		chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`.ouser`),
		chromedp.Navigate(srv.URL+"/petugas/pengguna"), chromedp.WaitVisible(`[data-unlock="petugas"]`))
	testbrowser.Screenshot(t, ctx, "users-01-held-back")
	testbrowser.Step(t, ctx, "unlock", chromedp.Click(`[data-unlock="petugas"]`))
	testbrowser.WaitAcrossReload(t, ctx, "unlocked", `!!document.querySelector('[data-user="petugas"]') && !document.querySelector('[data-unlock="petugas"]')`)
	if n, _ := srv.DB.AccountSignInCounts(bg); n["petugas"].Tries != 0 {
		t.Fatalf("attempts after unlock: %+v", n)
	}
	testbrowser.Step(t, ctx, "clear the address's wait", chromedp.ScrollIntoView(`[data-clear-address="10.0.0.9"]`))
	testbrowser.Screenshot(t, ctx, "users-02-address-held-back")
	testbrowser.Step(t, ctx, "clear", chromedp.Click(`[data-clear-address="10.0.0.9"]`))
	testbrowser.WaitAcrossReload(t, ctx, "cleared", `!!document.querySelector('[data-no-addresses="masuk"]')`)
	testbrowser.Screenshot(t, ctx, "users-03-address-cleared")
	if held, _ := srv.DB.AddressCounts(bg, storage.SignInByAddress, domain.AddressSignInLimit.Free); len(held) != 0 {
		t.Fatalf("addresses held back after clearing: %+v", held)
	}
}
