package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ak1/server/internal/testbrowser"
)

// The kiosk findings of the first trial (issue 8), one test each.

// tapKeys types text on the on-screen keyboard, key by key, as a person does: letters in lower case
// (the keyboard decides on capitals), " " is the space bar.
func tapKeys(text string) chromedp.Action[chromedp.Void] {
	var steps []chromedp.Action[chromedp.Void]
	for _, r := range text {
		key := string(r)
		if r == ' ' {
			key = "Spasi"
		}
		steps = append(steps, chromedp.Click(`.osk button[data-key="`+key+`"]`))
	}
	return chromedp.Steps(steps...)
}

// goStep opens a step of the form the way the kiosk moves between its screens (htmx): a whole-page
// load of a form screen counts as a reload and ends the draft. Use it after startForm.
func goStep(slug, waitFor string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(testbrowser.HTMXSettled(),
		testbrowser.Void(chromedp.Evaluate[bool](`(htmx.ajax("GET", "/daftar/`+slug+`", {target: "body", swap: "innerHTML"}), true)`)),
		chromedp.WaitVisible(waitFor), testbrowser.HTMXSettled())
}

// openKeyboard focuses a field with a tap, which brings up the on-screen keyboard.
func openKeyboard(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Click(sel), chromedp.WaitVisible(`.osk`))
}

// TestKioskKeyboardCapitalisesOnlyNames: the trial found free text title-cased word by word
// ("Pembukuan Harian Dan Laporan Pajak"). Names and places get a capital per word; free text only at
// its start and after a full stop.
func TestKioskKeyboardCapitalisesOnlyNames(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1080, 1920, true)
	testbrowser.Step(t, ctx, "experience step", startForm(srv.URL), goStep("pengalaman", `#f-exp_duties_1`))
	testbrowser.Step(t, ctx, "type duties", openKeyboard(`#f-exp_duties_1`), tapKeys("pembukuan harian dan laporan pajak. kasir"))
	if v := valueOf(t, ctx, "#f-exp_duties_1"); v != "Pembukuan harian dan laporan pajak. Kasir" {
		t.Errorf("free text typed on the keyboard = %q, want \"Pembukuan harian dan laporan pajak. Kasir\"", v)
	}
	testbrowser.Step(t, ctx, "type employer", openKeyboard(`#f-exp_employer_1`), tapKeys("toko sari dewi"))
	if v := valueOf(t, ctx, "#f-exp_employer_1"); v != "Toko Sari Dewi" {
		t.Errorf("a name typed on the keyboard = %q, want \"Toko Sari Dewi\"", v)
	}
	testbrowser.Screenshot(t, ctx, "trial-keyboard-text")
	testbrowser.Step(t, ctx, "identity step", goStep("identitas", `#f-full_name`),
		openKeyboard(`#f-full_name`), tapKeys("ni made ayu"))
	if v := valueOf(t, ctx, "#f-full_name"); v != "Ni Made Ayu" {
		t.Errorf("full name = %q, want \"Ni Made Ayu\"", v)
	}
}

// TestKioskKeyboardClearKey: there was no key to empty a field.
func TestKioskKeyboardClearKey(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1080, 1920, true)
	testbrowser.Step(t, ctx, "identity step", startForm(srv.URL),
		openKeyboard(`#f-birth_place`), tapKeys("tabanan"))
	if v := valueOf(t, ctx, "#f-birth_place"); v != "Tabanan" {
		t.Fatalf("typed %q", v)
	}
	testbrowser.Screenshot(t, ctx, "trial-keyboard-clear-key")
	testbrowser.Step(t, ctx, "clear", chromedp.Click(`.osk button[data-key="Hapus semua"]`), tapKeys("gianyar"))
	if v := valueOf(t, ctx, "#f-birth_place"); v != "Gianyar" {
		t.Errorf("after \"Hapus semua\" and typing again: %q, want \"Gianyar\"", v)
	}
	testbrowser.Step(t, ctx, "numeric keyboard has it too", openKeyboard(`#f-nik`), tapKeys("5171"),
		chromedp.Click(`.osk button[data-key="Hapus semua"]`))
	if v := valueOf(t, ctx, "#f-nik"); v != "" {
		t.Errorf("NIK after \"Hapus semua\" = %q", v)
	}
}

// TestKioskNIKBoxTakes16Digits: the NIK box took 30 digits; it takes 16 and shows them in fours.
func TestKioskNIKBoxTakes16Digits(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1080, 1920, true)
	testbrowser.Step(t, ctx, "identity step", startForm(srv.URL), openKeyboard(`#f-nik`), tapKeys("517103470801000212345678901234"))
	if v := valueOf(t, ctx, "#f-nik"); v != "5171 0347 0801 0002" {
		t.Errorf("NIK box after 30 taps = %q, want \"5171 0347 0801 0002\"", v)
	}
	testbrowser.Step(t, ctx, "backspace", chromedp.Click(`.osk button[data-key="⌫"]`))
	if v := valueOf(t, ctx, "#f-nik"); v != "5171 0347 0801 000" {
		t.Errorf("NIK box after a backspace = %q", v)
	}
	// A physical keyboard or a paste goes through the same check.
	testbrowser.Step(t, ctx, "paste", fill(`#f-nik`, "5171-0347-0801-0002-99"))
	if v := valueOf(t, ctx, "#f-nik"); v != "5171 0347 0801 0002" {
		t.Errorf("NIK box after typing 18 digits with dashes = %q", v)
	}
	testbrowser.Screenshot(t, ctx, "trial-nik-box")
}

// TestKioskCancelAsksFirst: "Batal" wiped the form in one tap without asking, and was still on the
// ticket screen.
func TestKioskCancelAsksFirst(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1080, 1920, true)
	testbrowser.Step(t, ctx, "type a name", startForm(srv.URL), fill(`#f-full_name`, "Ni Made Ayu"), chromedp.Click(`button[value=lanjut]`), chromedp.WaitVisible(`#e-nik`), testbrowser.HTMXSettled())
	checkResetButtonOneLine(t, ctx, "form step")
	testbrowser.Screenshot(t, ctx, "trial-cancel-button")
	testbrowser.Step(t, ctx, "tap Batal", chromedp.Click(`.reset-form button`), chromedp.WaitVisible(`#batal-dialog`))
	testbrowser.Screenshot(t, ctx, "trial-cancel-dialog")
	if n := countDrafts(t, srv); n != 1 {
		t.Fatalf("drafts after one tap on Batal = %d, want the draft kept", n)
	}
	testbrowser.Step(t, ctx, "no, keep filling", chromedp.Click(`#batal-tidak`), chromedp.WaitNotVisible(`#batal-dialog`))
	if v := valueOf(t, ctx, "#f-full_name"); v != "Ni Made Ayu" {
		t.Fatalf("name after \"Tidak\" = %q", v)
	}
	testbrowser.Step(t, ctx, "yes, wipe", chromedp.Click(`.reset-form button`), chromedp.WaitVisible(`#batal-ya`),
		chromedp.Click(`#batal-ya`), chromedp.WaitVisible(`.greeting`))
	if n := countDrafts(t, srv); n != 0 {
		t.Fatalf("drafts after confirming = %d, want 0", n)
	}

	// The ticket screen has its own "Selesai" and no "Batal".
	app := submitForm(t, srv, 1)
	testbrowser.Step(t, ctx, "ticket screen", chromedp.Navigate(srv.URL+"/selesai/"+app.StatusCode), chromedp.WaitVisible(`[data-ticket]`))
	if n := countNodes(t, ctx, `.reset-form`); n != 0 {
		t.Errorf("the ticket screen shows \"Batal\" (%d)", n)
	}
}

// TestKioskBackFromMissingDocuments: from "documents still missing" the only way back was to start
// over; now one goes back to the checklist with the ticks kept.
func TestKioskBackFromMissingDocuments(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1080, 1920, true)
	testbrowser.Step(t, ctx, "tick KTP and photo", chromedp.Navigate(srv.URL+"/layanan/baru"), chromedp.WaitVisible(`.checklist`),
		chromedp.Click(`label.check:has(input[value=ktp])`), chromedp.Click(`label.check:has(input[value=foto])`),
		chromedp.Click(`.actions button[type=submit]`), chromedp.WaitVisible(`.doclist-missing`))
	testbrowser.Step(t, ctx, "back", chromedp.Click(`#kembali-dokumen`), chromedp.WaitVisible(`.checklist`))
	for key, want := range map[string]bool{"ktp": true, "foto": true, "ijazah": false} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("input[value=`+key+`]").checked`))
		if err != nil || got != want {
			t.Errorf("%s ticked = %v (%v), want %v", key, got, err, want)
		}
	}
}

// TestKioskExperienceStepFits: the step was taller than the screen with "Lanjut" out of sight, and
// one could go on without any experience and without ticking "belum pernah bekerja".
func TestKioskExperienceStepFits(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1080, 1920, true)
	testbrowser.Step(t, ctx, "experience step", startForm(srv.URL), goStep("pengalaman", `#f-exp_position_1`))
	testbrowser.Screenshot(t, ctx, "trial-experience")
	inView := func() bool {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
			var r = document.querySelector("button[value=lanjut]").getBoundingClientRect();
			return r.top >= 0 && r.bottom <= window.innerHeight;
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !inView() {
		t.Errorf("\"Lanjut\" is not on the screen of the experience step")
	}
	testbrowser.Step(t, ctx, "open all rows", chromedp.Click(`details[data-row="2"] summary`), chromedp.Click(`details[data-row="3"] summary`))
	if !inView() {
		t.Errorf("\"Lanjut\" is not on the screen with all three rows open")
	}
	testbrowser.Step(t, ctx, "go on with nothing", chromedp.Click(`button[value=lanjut]`), chromedp.WaitVisible(`#e-never_worked`))
	if msg := textOf(t, ctx, "#e-never_worked"); !strings.Contains(msg, "belum pernah bekerja") {
		t.Errorf("message = %q", msg)
	}
	testbrowser.Step(t, ctx, "tick never worked", testbrowser.HTMXSettled(), chromedp.Click(`input[name=never_worked] + span`), next("Pekerjaan yang diinginkan"))
}

func countNodes(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkResetButtonOneLine: the header's "Batal, kembali ke awal" wrapped onto two lines on the
// 1080 px kiosk. Its words must stay on one line (one line box for the text), the button no
// lower than a touch target (48 px) and its text no smaller than the kiosk's small print (20 px).
func checkResetButtonOneLine(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	type button struct {
		Lines            int
		Height, FontSize float64
		Right, Viewport  float64
	}
	b, err := chromedp.Run(ctx, chromedp.Evaluate[button](`(() => {
		const btn = document.querySelector(".reset-form button");
		const r = document.createRange();
		r.selectNodeContents(btn);
		const lines = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
		const box = btn.getBoundingClientRect();
		return {lines: lines.size, height: box.height, fontSize: parseFloat(getComputedStyle(btn).fontSize),
			right: box.right, viewport: document.documentElement.clientWidth};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if b.Lines != 1 || b.Height < 48 || b.FontSize < 20 || b.Right > b.Viewport {
		t.Errorf("%s: the cancel button's text takes %d lines, the button %.0f px high, text %.1f px, right edge %.0f of %.0f px",
			where, b.Lines, b.Height, b.FontSize, b.Right, b.Viewport)
	}
}
