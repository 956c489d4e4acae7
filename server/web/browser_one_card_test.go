package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
)

// fillDeskForm fills the officer's Daftar Isian with the values at once (a typing officer is not
// what is tested here), the IPK code after its level has loaded the code's pick-list.
func fillDeskForm(f *domain.Form) chromedp.Action[chromedp.Void] {
	values, _ := json.Marshal(formValues(f))
	return chromedp.Steps(
		testbrowser.Void(chromedp.Evaluate[bool](`(() => {
			const form = document.querySelector("form.deskform"), values = `+string(values)+`;
			for (const [name, vals] of Object.entries(values)) {
				if (name === "edu_code") continue;
				form.querySelectorAll('[name="' + name + '"]').forEach(el => {
					if (el.type === "checkbox") el.checked = vals.includes(el.value); else el.value = vals[0];
				});
			}
			document.querySelector("#f-edu_level").dispatchEvent(new Event("change", {bubbles: true}));
			return true;
		})()`)),
		testbrowser.Void(chromedp.Poll[bool](`!!document.querySelector("#f-edu_code option[value=`+jsString(f.EduCode)+`]")`)),
		testbrowser.HTMXSettled(),
		testbrowser.Void(chromedp.Evaluate[bool](`(document.querySelector("#f-edu_code").value = `+jsString(f.EduCode)+`) !== ""`)))
}

// TestNIKTakenPagesInBrowser: on the 1280×800 tablet, the walk-in for a NIK holding a card in force
// shows the card's alert, and a correction to the NIK of another open application shows that
// application's; on the portrait kiosk, a returned application completed with a NIK holding a card
// gets the page of a new submission. Screenshots under $AK1_SCREENSHOTS.
func TestNIKTakenPagesInBrowser(t *testing.T) {
	srv, pw, _, open := nikChangeSetup(t)
	atDesk := submitForm(t, srv, 3)
	officer, err := srv.DB.UserByUsername(context.Background(), "petugas")
	if err != nil {
		t.Fatal(err)
	}
	returned := submitForm(t, srv, 5)
	if err := srv.DB.ReturnApplication(context.Background(), returned.ID, officer.ID, returned.State, "Ijazah belum dibawa"); err != nil {
		t.Fatal(err)
	}

	tablet := testbrowser.New(t, 1280, 800, true)
	testbrowser.Step(t, tablet, "walk-in with a NIK holding a card", deskSignIn(srv, "petugas", pw, "2"),
		chromedp.Navigate(srv.URL+"/petugas/baru"), chromedp.WaitVisible(`#f-nik`), fillDeskForm(deskForm(1)),
		chromedp.Click(`label.check:has(#f-setuju)`), chromedp.Click(`#simpan`), chromedp.WaitVisible(`#kartu-berlaku`))
	if s := textOf(t, tablet, "#kartu-berlaku"); !strings.Contains(s, "5171 021126 009001") || !strings.Contains(s, "Kartu baru tidak dapat diterbitkan") {
		t.Errorf("walk-in alert = %q", s)
	}
	testbrowser.Screenshot(t, tablet, "desk-walkin-card-in-force")

	testbrowser.Step(t, tablet, "correction to the NIK of an open application",
		chromedp.Navigate(srv.URL+appURL(atDesk.ID)+"/ubah"), chromedp.WaitVisible(`#f-nik`),
		testbrowser.Void(chromedp.Evaluate[bool](`(document.querySelector("#f-nik").value = `+jsString(open.NIK)+`) !== ""`)),
		chromedp.Click(`#simpan`), chromedp.WaitVisible(`#permohonan-lain`))
	if s := textOf(t, tablet, "#permohonan-lain"); !strings.Contains(s, open.Ticket) || !strings.Contains(s, "tidak dapat diganti") {
		t.Errorf("correction alert = %q", s)
	}
	testbrowser.Screenshot(t, tablet, "desk-correction-nik-taken")

	kiosk := testbrowser.New(t, 1080, 1920, true)
	testbrowser.Step(t, kiosk, "complete the returned application with a NIK holding a card",
		chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`.greeting`),
		chromedp.Click(`a[href="/layanan/cek"]`), chromedp.WaitVisible(`#f-nomor`),
		fill(`#f-nomor`, returned.StatusCode), choose(`#f-birth_day`, "7"), choose(`#f-birth_month`, "8"), choose(`#f-birth_year`, "2001"),
		chromedp.Click(`button[type=submit].btn-primary`), chromedp.WaitVisible(`[data-lengkapi]`),
		chromedp.Click(`[data-lengkapi]`), chromedp.WaitVisible(`#kirim`), testbrowser.HTMXSettled(),
		chromedp.Click(`a[href="/daftar/identitas?kembali=periksa"]`), chromedp.WaitVisible(`#f-nik`), testbrowser.HTMXSettled(),
		fill(`#f-nik`, deskForm(1).NIK), chromedp.Click(`button[value=lanjut]`), chromedp.WaitVisible(`#kirim`), testbrowser.HTMXSettled(),
		chromedp.Click(`label.check:has(#f-setuju)`), chromedp.Click(`#kirim`), chromedp.WaitVisible(`.done`))
	if s := textOf(t, kiosk, "main"); !strings.Contains(s, "tidak dapat dipakai untuk membuat kartu baru") || strings.Contains(s, "5171 021126 009001") {
		t.Errorf("kiosk answer = %q", s)
	}
	testbrowser.Screenshot(t, kiosk, "kiosk-nik-already-registered")
}
