package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
	"github.com/chromedp/chromedp"
	qrcode "github.com/skip2/go-qrcode"

	"ak1/server/card"
	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
)

// writeY4M writes a short video of one picture for Chromium's fake camera
// (--use-file-for-fake-video-capture): YUV4MPEG2, 4:2:0, grey (the card's QR code is black on white).
func writeY4M(t *testing.T, img image.Image) string {
	t.Helper()
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var out bytes.Buffer
	fmt.Fprintf(&out, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C420jpeg\n", w, h)
	for frame := 0; frame < 5; frame++ {
		out.WriteString("FRAME\n")
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				g := color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
				out.WriteByte(g.Y)
			}
		}
		out.Write(bytes.Repeat([]byte{128}, 2*(w/2)*(h/2))) // no colour
	}
	path := filepath.Join(t.TempDir(), "kartu.y4m")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// cardInFrontOfCamera is a 640×480 camera picture with the card's QR code held up in it.
func cardInFrontOfCamera(t *testing.T, link string) image.Image {
	t.Helper()
	q, err := qrcode.New(link, qrcode.High)
	if err != nil {
		t.Fatal(err)
	}
	code := q.Image(400)
	frame := image.NewGray(image.Rect(0, 0, 640, 480))
	draw.Draw(frame, frame.Bounds(), image.NewUniform(color.Gray{Y: 200}), image.Point{}, draw.Src)
	draw.Draw(frame, image.Rect(120, 40, 520, 440), code, image.Point{}, draw.Src)
	return frame
}

// ticketOnScreen waits for the ticket screen and returns its ticket; the QR code of the status page
// must be on it.
func ticketOnScreen(t *testing.T, ctx context.Context, what string) string {
	t.Helper()
	testbrowser.Step(t, ctx, what+": ticket", chromedp.WaitVisible(`[data-ticket]`), chromedp.WaitVisible(`img[data-status-qr]`))
	return textOf(t, ctx, "[data-ticket]")
}

// finishTicket presses "Selesai" on the ticket and waits for the welcome screen.
func finishTicket(t *testing.T, ctx context.Context) {
	t.Helper()
	testbrowser.Step(t, ctx, "selesai", chromedp.Click(`.done button[type=submit]`), chromedp.WaitVisible(`.greeting`))
}

// openService goes from the welcome screen through a service's requirements.
func openService(slug string, docs ...string) chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{chromedp.Click(`a[href="/layanan/` + slug + `"]`), chromedp.WaitVisible(`.checklist`), testbrowser.HTMXSettled()}
	for _, d := range docs {
		steps = append(steps, chromedp.Click(`label.check:has(input[value=`+d+`])`))
	}
	return chromedp.Steps(append(steps, chromedp.Click(`.actions button[type=submit]`))...)
}

// birthDate picks 7 August 2001 on a kiosk screen.
func birthDate() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(choose(`#f-birth_day`, "7"), choose(`#f-birth_month`, "8"), choose(`#f-birth_year`, "2001"))
}

// TestKioskBrowserSixServices uses each of the kiosk's six services to its ticket on the portrait
// touch screen: a new card, checking it, the six-monthly report and "sudah bekerja" with a typed
// registration number, a renewal found by showing the card's QR code to the kiosk's camera
// (Chromium's fake camera plays a picture of it), and a legalised copy. Each ticket has its letter
// and the QR code of its status page, which opens on a 390 px phone.
func TestKioskBrowserSixServices(t *testing.T) {
	signer, err := card.NewSigner(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(t, Options{Signer: signer, PublicURL: "https://ak1.example"})
	reporter, worker, renewer := holderCard(t, srv, 1), holderCard(t, srv, 2), holderCard(t, srv, 3)
	intoWindow(srv)
	video := writeY4M(t, cardInFrontOfCamera(t, signer.CheckURL("https://ak1.example", renewer.ID, renewer.Serial)))
	ctx := testbrowser.New(t, 1080, 1920, true, append(testbrowser.FakeCamera(),
		chromedp.Flag("use-file-for-fake-video-capture", video))...)
	shot := func(name string) { testbrowser.Screenshot(t, ctx, "layanan-"+name) }
	tickets := map[string]string{}

	// 1. A new card (kartu baru), the shortest way through the form.
	testbrowser.Step(t, ctx, "baru: identity", startForm(srv.URL), fill(`#f-nik`, "5171034708010001"), fill(`#f-full_name`, "Ni Made Ayu"),
		fill(`#f-birth_place`, "Denpasar"), birthDate(), chromedp.Click(`input[name=sex][value=P] + span`), next("Alamat"))
	testbrowser.Step(t, ctx, "baru: address", fill(`#f-street`, "Jl. Gatot Subroto VI No. 5"), choose(`#f-kecamatan`, "517103"),
		testbrowser.Void(chromedp.Poll[bool](`document.querySelectorAll("#f-kelurahan option").length > 5`)),
		choose(`#f-kelurahan`, "Dauh Puri Kangin"), next("Kontak"))
	testbrowser.Step(t, ctx, "baru: contact", fill(`#f-phone`, "081234567890"), chromedp.Click(`input[name=marital][value="Belum Kawin"] + span`),
		chromedp.Click(`input[name=religion][value=Hindu] + span`), next("Pendidikan terakhir"))
	testbrowser.Step(t, ctx, "baru: education", choose(`#f-edu_level`, "SD"),
		testbrowser.Void(chromedp.Poll[bool](`!!document.querySelector("#f-edu_code option[value='1102']")`)), testbrowser.HTMXSettled(),
		choose(`#f-edu_code`, "1102"), fill(`#f-edu_school`, "SD Negeri 2 Dauh Puri"), fill(`#f-edu_year`, "2013"), next("Pelatihan"))
	testbrowser.Step(t, ctx, "baru: training, languages", next("Bahasa"), next("Pengalaman"))
	testbrowser.Step(t, ctx, "baru: experience", chromedp.Click(`input[name=never_worked] + span`), next("Pekerjaan yang diinginkan"))
	testbrowser.Step(t, ctx, "baru: wishes", choose(`#f-desired_kbji`, "5"), chromedp.Click(`input[name=desired_location][value=lokal] + span`),
		next("Periksa kembali"))
	testbrowser.Step(t, ctx, "baru: send", chromedp.Click(`label.check:has(#f-setuju)`), chromedp.Click(`#kirim`))
	tickets["baru"] = ticketOnScreen(t, ctx, "baru")
	code := textOf(t, ctx, "[data-code]")
	finishTicket(t, ctx)

	// 2. Checking the application: its ticket and state.
	testbrowser.Step(t, ctx, "cek", chromedp.Click(`a[href="/layanan/cek"]`), chromedp.WaitVisible(`#f-nomor`),
		fill(`#f-nomor`, code), birthDate(), chromedp.Click(`button[type=submit].btn-primary`), chromedp.WaitVisible(`.status-text`))
	if eyebrow := textOf(t, ctx, ".eyebrow"); !strings.Contains(eyebrow, tickets["baru"]) {
		t.Fatalf("status check shows %q, want the ticket %s", eyebrow, tickets["baru"])
	}
	tickets["cek"] = tickets["baru"]
	testbrowser.Step(t, ctx, "cek: selesai", chromedp.Click(`form[action="/kiosk/reset"] button.btn-primary`), chromedp.WaitVisible(`.greeting`))

	// 3. The six-monthly report, the card's number typed.
	testbrowser.Step(t, ctx, "lapor: find", openService("lapor", "kartu"), chromedp.WaitVisible(`#f-nomor`),
		fill(`#f-nomor`, domain.CleanDigits(reporter.RegNumber)), birthDate())
	shot("01-cari-kartu")
	testbrowser.Step(t, ctx, "lapor: found", chromedp.Click(`#cari-kartu`), chromedp.WaitVisible(`#kirim-laporan`))
	if next := textOf(t, ctx, "[data-next-report]"); !strings.Contains(next, "Laporan Kesatu") || !strings.Contains(next, "27 Mei 2027") {
		t.Fatalf("next report shown = %q", next)
	}
	shot("02-lapor")
	testbrowser.Step(t, ctx, "lapor: send", chromedp.Click(`#ubah-kontak`), chromedp.WaitVisible(`#f-phone`),
		fill(`#f-phone`, "081311112222"), chromedp.Click(`#kirim-laporan`))
	tickets["lapor"] = ticketOnScreen(t, ctx, "lapor")
	shot("03-tiket")
	finishTicket(t, ctx)

	// 4. Sudah bekerja.
	testbrowser.Step(t, ctx, "bekerja: find", openService("bekerja", "kartu"), chromedp.WaitVisible(`#f-nomor`),
		fill(`#f-nomor`, domain.CleanDigits(worker.RegNumber)), birthDate(), chromedp.Click(`#cari-kartu`), chromedp.WaitVisible(`#kirim-bekerja`))
	testbrowser.Step(t, ctx, "bekerja: job", fill(`#f-employer`, "PT Bali Sejahtera"), choose(`#f-kbli`, "I"),
		chromedp.Click(`input[name=employer_type][value="4"] + span`), fill(`#f-position`, "Juru masak"), choose(`#f-kbji`, "5"),
		choose(`#f-start_day`, "2"), choose(`#f-start_month`, "5"), choose(`#f-start_year`, "2027"),
		chromedp.Click(`input[name=location][value=lokal] + span`))
	shot("04-bekerja")
	testbrowser.Step(t, ctx, "bekerja: send", chromedp.Click(`#kirim-bekerja`))
	tickets["bekerja"] = ticketOnScreen(t, ctx, "bekerja")
	finishTicket(t, ctx)

	// 5. Perpanjang: the card's QR code shown to the camera.
	testbrowser.Step(t, ctx, "perpanjang: camera", openService("perpanjang", "kartu", "ktp", "foto"), chromedp.WaitVisible(`#pindai`),
		chromedp.Click(`#pindai`),
		testbrowser.Void(chromedp.Poll[bool](`document.body.dataset.scanned === "qr"`)))
	if v := valueOf(t, ctx, "#f-qr"); !strings.Contains(strings.ToUpper(v), "/CEK/") {
		t.Fatalf("the camera read %q", v)
	}
	shot("05-kamera")
	testbrowser.Step(t, ctx, "perpanjang: found", birthDate(), chromedp.Click(`#cari-kartu`), chromedp.WaitVisible(`#ambil-antrean`))
	if reg := textOf(t, ctx, ".eyebrow"); !strings.Contains(reg, renewer.RegNumber) {
		t.Fatalf("the QR code found %q, want card %s", reg, renewer.RegNumber)
	}
	testbrowser.Step(t, ctx, "perpanjang: ticket", chromedp.Click(`#ambil-antrean`))
	tickets["perpanjang"] = ticketOnScreen(t, ctx, "perpanjang")
	finishTicket(t, ctx)

	// 6. Legalisir.
	testbrowser.Step(t, ctx, "legalisir", openService("legalisir", "kartu", "fotokopi"))
	tickets["legalisir"] = ticketOnScreen(t, ctx, "legalisir")
	visitCode := textOf(t, ctx, "[data-code]")
	finishTicket(t, ctx)

	want := map[string]string{"baru": "A-001", "cek": "A-001", "lapor": "B-001", "bekerja": "E-001", "perpanjang": "C-001", "legalisir": "D-001"}
	if fmt.Sprint(tickets) != fmt.Sprint(want) {
		t.Fatalf("tickets = %v, want %v", tickets, want)
	}
	if n := countDrafts(t, srv); n != 0 {
		t.Fatalf("%d kiosk sessions left", n)
	}
	life, err := srv.DB.CardLife(context.Background(), worker.ID)
	if err != nil || life.Life.State != domain.CardPlaced || life.Placement == nil || life.Placement.Type != domain.PlacementAKL {
		t.Fatalf("placement at the kiosk: %+v, %v", life, err)
	}
	if v, err := srv.DB.VisitByCode(context.Background(), visitCode); err != nil || v.Ticket != "D-001" {
		t.Fatalf("legalisir visit: %+v, %v", v, err)
	}

	// The status page on a 390 px phone, as its QR code opens it.
	phone := testbrowser.New(t, 390, 844, true)
	testbrowser.Step(t, phone, "phone status", chromedp.Navigate(srv.URL+"/status/"+url.PathEscape(visitCode)), chromedp.WaitVisible(`[data-phone-status]`))
	if got := textOf(t, phone, "[data-ticket]"); got != "D-001" {
		t.Fatalf("phone status ticket %q", got)
	}
	if fits, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= 390`)); err != nil || !fits {
		t.Fatalf("the status page is wider than a 390 px phone (%v)", err)
	}
	testbrowser.Screenshot(t, phone, "layanan-06-status-hp")
}

// TestDeskAndLobbyServiceTickets: an officer on a 1280×800 tablet sees a kiosk visit's ticket arrive
// in the queue, calls it, and the lobby display (1920×1080) shows it with a chime; on the visit page
// the officer receives the holder's report (name and NIP go into the grid).
func TestDeskAndLobbyServiceTickets(t *testing.T) {
	srv := newTestServer(t, Options{})
	holder := holderCard(t, srv, 1)
	_, pw := addOfficer(t, srv, "meja", domain.RolePetugas)
	intoWindow(srv)
	lobby := testbrowser.New(t, 1920, 1080, false, chromedp.Flag("autoplay-policy", "no-user-gesture-required"))
	testbrowser.Step(t, lobby, "lobby", chromedp.Navigate(srv.URL+"/layar"), chromedp.WaitReady(`#layar`),
		testbrowser.Void(chromedp.Poll[bool](`!!document.getElementById("bunyi-panggilan") && document.getElementById("bunyi-panggilan").readyState >= 2`)))

	desk := testbrowser.New(t, 1280, 800, true)
	testbrowser.Step(t, desk, "sign in", chromedp.Navigate(srv.URL+"/petugas"), chromedp.WaitVisible(`#f-username`),
		chromedp.SendKeys(`#f-username`, "meja"), chromedp.SendKeys(`#f-password`, pw), chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`#antrean`), testbrowser.Void(chromedp.Poll[bool](`document.getElementById("live").textContent.includes("langsung")`)))

	// The holder reports at the kiosk; the ticket arrives in the open queue.
	k := newClient(t, srv.URL)
	findCard(t, k, "lapor", born7Aug2001(url.Values{"nomor": {holder.RegNumber}}))
	_, loc, _ := k.post("/kartu/lapor/layanan", url.Values{})
	v, err := srv.DB.VisitByCode(context.Background(), strings.TrimPrefix(loc, "/tiket/"))
	if err != nil {
		t.Fatal(err)
	}
	row := fmt.Sprintf(`tr[data-visit="%d"]`, v.ID)
	testbrowser.Step(t, desk, "visit arrives", chromedp.WaitVisible(row))
	testbrowser.Screenshot(t, desk, "layanan-07-antrean-meja")
	testbrowser.Step(t, desk, "call", chromedp.Click(row+` button[data-panggil-layanan]`), chromedp.WaitVisible(`[data-terima="1"]`))
	testbrowser.Step(t, lobby, "lobby shows the call", testbrowser.Void(chromedp.Poll[bool](`(document.querySelector("[data-now-ticket]") || {}).textContent === "B-001"`)),
		testbrowser.Void(chromedp.Poll[bool](`document.body.dataset.chimes === "1"`)))
	testbrowser.Screenshot(t, lobby, "layanan-08-layar")
	testbrowser.Screenshot(t, desk, "layanan-09-kunjungan")
	testbrowser.Step(t, desk, "receive the report", chromedp.Click(`[data-terima="1"]`))
	testbrowser.WaitAcrossReload(t, desk, "report received",
		`!document.querySelector("[data-terima]") && !!document.querySelector("[data-slot='1']") && document.querySelector("[data-slot='1']").textContent.includes("Pejabat meja")`)
	// Called again a minute later: the lobby chimes again for the same ticket.
	srv.Clock.advance(time.Minute)
	testbrowser.Step(t, desk, "call again", chromedp.Click(`#panggil-ulang`))
	testbrowser.Step(t, lobby, "second chime", testbrowser.Void(chromedp.Poll[bool](`document.body.dataset.chimes === "2"`)))
	testbrowser.Step(t, desk, "card page", chromedp.Navigate(srv.URL+cardURL(holder.ID)), chromedp.WaitVisible(`[data-card-life]`))
	testbrowser.Screenshot(t, desk, "layanan-10-kartu")
}

// TestKioskCameraReadsTheBarcode: the card's barcode (its registration number in Code 128) shown to
// the kiosk's camera fills the number box, as good as typing it.
func TestKioskCameraReadsTheBarcode(t *testing.T) {
	srv := newTestServer(t, Options{})
	holder := holderCard(t, srv, 1)
	digits := domain.CleanDigits(holder.RegNumber)
	bc, err := code128.Encode(digits)
	if err != nil {
		t.Fatal(err)
	}
	bars, err := barcode.Scale(bc, 3*bc.Bounds().Dx(), 160)
	if err != nil {
		t.Fatal(err)
	}
	frame := image.NewGray(image.Rect(0, 0, 640, 480))
	draw.Draw(frame, frame.Bounds(), image.NewUniform(color.Gray{Y: 230}), image.Point{}, draw.Src)
	off := image.Pt((640-bars.Bounds().Dx())/2, 160)
	draw.Draw(frame, bars.Bounds().Add(off), bars, image.Point{}, draw.Src)
	video := writeY4M(t, frame)
	ctx := testbrowser.New(t, 1080, 1920, true, append(testbrowser.FakeCamera(),
		chromedp.Flag("use-file-for-fake-video-capture", video))...)
	testbrowser.Step(t, ctx, "find card", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`.greeting`),
		openService("lapor", "kartu"), chromedp.WaitVisible(`#pindai`), chromedp.Click(`#pindai`),
		testbrowser.Void(chromedp.Poll[bool](`document.body.dataset.scanned === "barcode"`)))
	if v := valueOf(t, ctx, "#f-nomor"); v != digits {
		t.Fatalf("the camera read %q, want %s", v, digits)
	}
	// Issued today, the card's first report is not due yet: the kiosk says when it is.
	testbrowser.Step(t, ctx, "found", birthDate(), chromedp.Click(`#cari-kartu`), chromedp.WaitVisible(`[data-refused]`))
	if msg := textOf(t, ctx, "[data-refused]"); !strings.Contains(msg, "27 April 2027") {
		t.Fatalf("refusal = %q", msg)
	}
}
