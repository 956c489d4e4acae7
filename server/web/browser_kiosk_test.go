package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
)

// fill types into a kiosk text field, replacing what is there, then closes the on-screen keyboard
// with its "Selesai" key as a person would.
func fill(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(testbrowser.Void(chromedp.Evaluate[bool](`(document.querySelector(`+jsString(sel)+`).value = "") === ""`)),
		chromedp.SendKeys(sel, value), chromedp.WaitVisible(`.osk button[data-key=Selesai]`),
		// The keyboard is drawn anew for the field's kind as it gets focus: tap its current
		// "Selesai" in one step (a chromedp click may land on the keys just replaced).
		testbrowser.ClickLive(`.osk button[data-key=Selesai]`), chromedp.WaitNotVisible(`.osk`))
}

// choose sets a pick-list the way a tap on an option does, firing the change event htmx listens to.
func choose(sel, value string) chromedp.Action[chromedp.Void] {
	el := `document.querySelector(` + jsString(sel) + `)`
	return testbrowser.Void(chromedp.Evaluate[bool](`(` + el + `.value = ` + jsString(value) + `, ` + el + `.dispatchEvent(new Event("change", {bubbles: true})))`))
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// next presses "Lanjut" and waits until the next screen is in place and htmx has finished with it
// (a tap on a form that htmx has not taken over yet would be a full page load).
func next(heading string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Click(`button[value=lanjut]`),
		testbrowser.Void(chromedp.Poll[bool](`document.querySelector("h1") && document.querySelector("h1").textContent.includes(`+jsString(heading)+`)
			&& !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`)))
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(sctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

func valueOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(sctx, chromedp.Value(sel))
	if err != nil {
		t.Fatalf("read value of %s: %v", sel, err)
	}
	return s
}

// startForm goes from the welcome screen to the first step of the form as a person does.
func startForm(base string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Navigate(base+"/"), chromedp.WaitVisible(`.greeting`),
		chromedp.Click(`a[href="/layanan/baru"]`), chromedp.WaitVisible(`.checklist`),
		chromedp.Click(`label.check:has(input[value=ktp])`), chromedp.Click(`label.check:has(input[value=foto])`), chromedp.Click(`label.check:has(input[value=ijazah])`),
		chromedp.Click(`.actions button[type=submit]`), chromedp.WaitVisible(`#f-nik`))
}

// TestKioskCompleteApplication walks the kiosk as a job seeker on the portrait touch screen: wrong NIK,
// NIK that disagrees with the birth date, a missing required field, an S1 graduate's education
// history with its IPK code, training, work experience with its sector, the wishes with the target
// company, and the review with remarks, declaration and consent, then a complete submission.
func TestKioskCompleteApplication(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1080, 1920, true)
	shot := func(name string) { testbrowser.Screenshot(t, ctx, "kiosk-"+name) }

	testbrowser.Step(t, ctx, "welcome", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`.greeting`))
	if got := textOf(t, ctx, ".greeting"); got != "Om Swastiastu" {
		t.Fatalf("greeting = %q", got)
	}
	shot("01-welcome")
	testbrowser.Step(t, ctx, "choose new card", chromedp.Click(`a[href="/layanan/baru"]`), chromedp.WaitVisible(`.checklist`))
	shot("02-requirements")
	testbrowser.Step(t, ctx, "tick only KTP", chromedp.Click(`label.check:has(input[value=ktp])`), chromedp.Click(`.actions button[type=submit]`),
		chromedp.WaitVisible(`.doclist-missing`))
	missing := textOf(t, ctx, ".doclist-missing")
	if !strings.Contains(missing, "ijazah") || !strings.Contains(missing, "3×4") || strings.Contains(missing, "KTP") {
		t.Fatalf("missing documents list = %q", missing)
	}
	shot("03-missing")
	testbrowser.Step(t, ctx, "back to requirements", chromedp.Click(`#kembali-dokumen`), chromedp.WaitVisible(`.checklist`),
		testbrowser.HTMXSettled(),
		chromedp.Click(`label.check:has(input[value=foto])`), chromedp.Click(`label.check:has(input[value=ijazah])`),
		chromedp.Click(`.actions button[type=submit]`), chromedp.WaitVisible(`#f-nik`))

	// Step 1 with a NIK of 15 digits: the message names the count, and the name typed stays.
	testbrowser.Step(t, ctx, "identity with short NIK",
		fill(`#f-nik`, "517103470801000"), fill(`#f-full_name`, "Ni Made Ayu Lestari"), fill(`#f-birth_place`, "Denpasar"),
		choose(`#f-birth_day`, "7"), choose(`#f-birth_month`, "8"), choose(`#f-birth_year`, "2001"),
		chromedp.Click(`input[name=sex][value=P] + span`),
		chromedp.Click(`button[value=lanjut]`), chromedp.WaitVisible(`#e-nik`))
	if msg := textOf(t, ctx, "#e-nik"); !strings.Contains(msg, "16 angka") || !strings.Contains(msg, "15") {
		t.Fatalf("short NIK message = %q", msg)
	}
	if v := valueOf(t, ctx, "#f-full_name"); v != "Ni Made Ayu Lestari" {
		t.Fatalf("name lost after error: %q", v)
	}
	if v := valueOf(t, ctx, "#f-birth_month"); v != "8" {
		t.Fatalf("birth month lost after error: %q", v)
	}
	shot("04-identity-error")

	// A NIK whose date part says the 8th while the person picked the 7th.
	testbrowser.Step(t, ctx, "identity with NIK date mismatch",
		fill(`#f-nik`, "5171034808010001"), chromedp.Click(`button[value=lanjut]`), chromedp.WaitVisible(`#e-birth_date`))
	if msg := textOf(t, ctx, "#e-birth_date"); !strings.Contains(msg, "tidak sesuai dengan NIK") {
		t.Fatalf("date mismatch message = %q", msg)
	}
	if v := valueOf(t, ctx, "#f-birth_place"); v != "Denpasar" {
		t.Fatalf("birth place lost after error: %q", v)
	}
	testbrowser.Step(t, ctx, "identity fixed", fill(`#f-nik`, "5171 0347 0801 0001"), next("Alamat"))

	// Address without the street (required): error on the street, RT kept.
	testbrowser.Step(t, ctx, "address missing street",
		fill(`#f-rt`, "3"), fill(`#f-rw`, "2"), choose(`#f-kecamatan`, "517103"),
		testbrowser.Void(chromedp.Poll[bool](`document.querySelectorAll("#f-kelurahan option").length > 5`)),
		choose(`#f-kelurahan`, "Dauh Puri Kangin"), fill(`#f-postal_code`, "80113"),
		chromedp.Click(`button[value=lanjut]`), chromedp.WaitVisible(`#e-street`))
	if v := valueOf(t, ctx, "#f-rt"); v != "3" {
		t.Fatalf("RT lost after error: %q", v)
	}
	if v := valueOf(t, ctx, "#f-kelurahan"); v != "Dauh Puri Kangin" {
		t.Fatalf("kelurahan lost after error: %q", v)
	}
	shot("05-address-error")
	testbrowser.Step(t, ctx, "address fixed", fill(`#f-street`, "Jl. Gatot Subroto VI No. 5"), next("Kontak"))
	shot("06-contact")
	testbrowser.Step(t, ctx, "contact",
		fill(`#f-phone`, "0812-3456-7890"), fill(`#f-email`, "ayu.lestari@example.com"),
		chromedp.Click(`input[name=marital][value="Belum Kawin"] + span`),
		chromedp.Click(`input[name=religion][value=Hindu] + span`), fill(`#f-height`, "158"), next("Pendidikan terakhir"))

	// The highest level first; the IPK code list follows the level, grouped by field.
	testbrowser.Step(t, ctx, "education level", choose(`#f-edu_level`, "S1"),
		testbrowser.Void(chromedp.Poll[bool](`!!document.querySelector("#f-edu_code optgroup[label='Sosial dan Budaya'] option[value='6501']")`)),
		testbrowser.HTMXSettled())
	testbrowser.Step(t, ctx, "education", choose(`#f-edu_code`, "6501"), fill(`#f-edu_school`, "Universitas Udayana"),
		fill(`#f-edu_major`, "Ekonomi Pembangunan"), fill(`#f-edu_year`, "2023"))
	shot("07-education")
	testbrowser.Step(t, ctx, "education next", next("Riwayat pendidikan"))
	// SD to SMA are asked of an S1 graduate; the diploma rows are there if needed.
	testbrowser.Step(t, ctx, "history missing SMA", fill(`#f-hist_sd_school`, "SD Negeri 2 Dauh Puri"), fill(`#f-hist_sd_year`, "2013"),
		fill(`#f-hist_sltp_school`, "SMP Negeri 1 Denpasar"), fill(`#f-hist_sltp_year`, "2016"),
		chromedp.Click(`button[value=lanjut]`), chromedp.WaitVisible(`#e-hist_slta_school`))
	shot("08-history-error")
	testbrowser.Step(t, ctx, "history", fill(`#f-hist_slta_school`, "SMA Negeri 1 Denpasar"), fill(`#f-hist_slta_major`, "IPS"),
		fill(`#f-hist_slta_year`, "2019"))
	shot("09-history")
	testbrowser.Step(t, ctx, "history next", next("Pelatihan"))
	testbrowser.Step(t, ctx, "training", fill(`#f-training_name_1`, "Kursus Komputer Perkantoran"),
		fill(`#f-training_institution_1`, "LPK Widya Dharma"), fill(`#f-training_year_1`, "2020"))
	shot("10-training")
	testbrowser.Step(t, ctx, "training next", next("Bahasa"))
	testbrowser.Step(t, ctx, "languages", chromedp.Click(`input[value=Inggris] + span`), chromedp.Click(`input[value=Jepang] + span`))
	shot("11-languages")
	testbrowser.Step(t, ctx, "languages next", next("Pengalaman"))
	testbrowser.Step(t, ctx, "experience",
		fill(`#f-exp_position_1`, "Kasir"), fill(`#f-exp_employer_1`, "Toko Sinar Jaya"), choose(`#f-exp_sector_1`, "G"),
		fill(`#f-exp_years_1`, "1"), fill(`#f-exp_months_1`, "6"))
	shot("12-experience")
	testbrowser.Step(t, ctx, "experience next", next("Pekerjaan yang diinginkan"))
	testbrowser.Step(t, ctx, "wishes", choose(`#f-desired_kbji`, "4"), fill(`#f-desired_position`, "Staf administrasi"),
		choose(`#f-desired_kbli`, "I"), fill(`#f-target_company`, "Hotel Inna Bali Heritage"),
		chromedp.Click(`input[name=desired_location][value=lokal] + span`), fill(`#f-desired_wage`, "4500000"))
	if v := valueOf(t, ctx, "#f-desired_wage"); v != "4.500.000" {
		t.Errorf("wage box shows %q while typed, want 4.500.000", v)
	}
	shot("13-wishes")
	testbrowser.Step(t, ctx, "wishes next", next("Periksa kembali"))
	review := textOf(t, ctx, "main")
	for _, want := range []string{"5171 0347 0801 0001", "Ni Made Ayu Lestari", "7 Agustus 2001", "Dauh Puri Kangin", "Denpasar Barat",
		"0812-3456-7890", // shown as typed until submission normalises it
		"SD Negeri 2 Dauh Puri", "SMP Negeri 1 Denpasar", "SMA Negeri 1 Denpasar, IPS (lulus 2019)",
		"Universitas Udayana, Ekonomi Pembangunan (lulus 2023)", "6501 · EKONOMI", "LPK Widya Dharma",
		"Kasir", "Perdagangan Besar", "Hotel Inna Bali Heritage", "Penyediaan Akomodasi",
		"Rp 4.500.000", // trial: the wage showed as "Rp 4500000"
		"Undang-Undang Nomor 27 Tahun 2022"} {
		if !strings.Contains(review, want) {
			t.Errorf("review screen lacks %q", want)
		}
	}
	shot("14-review")
	checkResetButtonOneLine(t, ctx, "review screen")

	// "Ubah" goes back to a step and returns to the review screen.
	testbrowser.Step(t, ctx, "change phone from review", chromedp.Click(`a[href="/daftar/kontak?kembali=periksa"]`),
		chromedp.WaitVisible(`#f-phone`), fill(`#f-phone`, "+62 812 3456 7891"), next("Periksa kembali"))
	// The remarks are on the review screen now; sending without the declaration ticked is refused
	// and keeps what was typed.
	testbrowser.Step(t, ctx, "remarks and send without the tick", fill(`#f-remarks`, "Bisa mulai bekerja bulan depan"),
		chromedp.Click(`#kirim`), chromedp.WaitVisible(`#e-agreed`))
	if v := valueOf(t, ctx, "#f-remarks"); v != "Bisa mulai bekerja bulan depan" {
		t.Fatalf("remarks lost after the refusal: %q", v)
	}
	shot("15-review-not-agreed")
	testbrowser.Step(t, ctx, "submit", chromedp.Click(`label.check:has(#f-setuju)`), chromedp.Click(`#kirim`), chromedp.WaitVisible(`[data-ticket]`))
	ticket := textOf(t, ctx, "[data-ticket]")
	if ticket != "A-001" {
		t.Fatalf("ticket = %q, want A-001", ticket)
	}
	code := textOf(t, ctx, "[data-code]")
	shot("16-done")

	app, err := srv.DB.ApplicationByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("submitted application not stored: %v", err)
	}
	f := app.Form
	if app.State != domain.StateSubmitted || app.NIK != "5171034708010001" || f.Phone != "081234567891" ||
		f.Kelurahan != "Dauh Puri Kangin" || f.Experiences[0].Employer != "Toko Sinar Jaya" || f.Experiences[0].Sector != "G" ||
		f.EduCode != "6501" || len(f.Education()) != 4 || f.Trainings[0].Institution != "LPK Widya Dharma" ||
		f.TargetCompany != "Hotel Inna Bali Heritage" || f.DesiredSector != "I" || f.DesiredWage != "4500000" ||
		f.Remarks != "Bisa mulai bekerja bulan depan" || !f.Agreed {
		t.Fatalf("stored application = %+v", app)
	}

	// "Selesai" forgets the person: the first step is empty again.
	testbrowser.Step(t, ctx, "finish", chromedp.Click(`.done button[type=submit]`), chromedp.WaitVisible(`.greeting`),
		startForm(srv.URL))
	if v := valueOf(t, ctx, "#f-nik"); v != "" {
		t.Fatalf("next person sees NIK %q", v)
	}

	// Check my application: code and birth date.
	testbrowser.Step(t, ctx, "status check", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`.greeting`),
		chromedp.Click(`a[href="/layanan/cek"]`), chromedp.WaitVisible(`#f-nomor`),
		fill(`#f-nomor`, strings.ToLower(strings.ReplaceAll(code, "-", ""))),
		choose(`#f-birth_day`, "7"), choose(`#f-birth_month`, "8"), choose(`#f-birth_year`, "2001"))
	shot("17-status-form")
	testbrowser.Step(t, ctx, "status result", chromedp.Click(`button[type=submit].btn-primary`), chromedp.WaitVisible(`.status-text`))
	if s := textOf(t, ctx, ".status-text"); !strings.Contains(s, "Menunggu dipanggil") {
		t.Fatalf("status text = %q", s)
	}
	shot("18-status-result")
}

// TestKioskIdleReset leaves the kiosk untouched mid-form: it warns, counts down, deletes the draft on
// the server and returns to the welcome screen; the next person sees nothing.
func TestKioskIdleReset(t *testing.T) {
	srv := newTestServer(t, Options{KioskIdle: time.Second, KioskWarn: 2 * time.Second})
	ctx := testbrowser.New(t, 1080, 1920, true)
	testbrowser.Step(t, ctx, "start form", startForm(srv.URL),
		fill(`#f-nik`, "5171034708010001"), fill(`#f-full_name`, "Ni Made Ayu"),
		chromedp.Click(`button[value=lanjut]`), chromedp.WaitVisible(`#e-birth_date`))
	if n := countDrafts(t, srv); n != 1 {
		t.Fatalf("drafts after typing = %d, want 1", n)
	}
	testbrowser.Step(t, ctx, "warning shows", chromedp.WaitVisible(`#idle-dialog`))
	if s := textOf(t, ctx, "#idle-title"); !strings.Contains(s, "masih di sini") {
		t.Fatalf("warning title = %q", s)
	}
	testbrowser.Screenshot(t, ctx, "kiosk-16-idle-warning")
	// "Saya masih di sini" keeps the person's work.
	testbrowser.Step(t, ctx, "stay", chromedp.Click(`#idle-stay`), chromedp.WaitNotVisible(`#idle-dialog`))
	if v := valueOf(t, ctx, "#f-full_name"); v != "Ni Made Ayu" {
		t.Fatalf("name lost after staying: %q", v)
	}
	// Then nobody touches it again.
	testbrowser.Step(t, ctx, "reset to welcome", chromedp.WaitVisible(`#idle-dialog`), chromedp.WaitVisible(`.greeting`))
	if n := countDrafts(t, srv); n != 0 {
		t.Fatalf("drafts after idle reset = %d, want 0", n)
	}
	testbrowser.Step(t, ctx, "form is empty", startForm(srv.URL))
	if v := valueOf(t, ctx, "#f-nik"); v != "" {
		t.Fatalf("NIK survived the reset: %q", v)
	}
	if v := valueOf(t, ctx, "#f-full_name"); v != "" {
		t.Fatalf("name survived the reset: %q", v)
	}
}
