package web

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"

	"ak1/server/internal/testbrowser"
	"ak1/server/storage"
)

// restartableServer is the real app on a fixed loopback address and data folder, which a test can
// stop and start again as an update or a crash-and-restart does.
type restartableServer struct {
	t     *testing.T
	dir   string
	addr  string
	opts  Options
	clock *testClock
	app   *fiber.App
	db    *storage.DB
}

func (r *restartableServer) start() {
	r.t.Helper()
	db, err := storage.Open(context.Background(), r.dir, r.clock.Now)
	if err != nil {
		r.t.Fatal(err)
	}
	var ln net.Listener
	for i := 0; ; i++ { // the port of the stopped server may take a moment to be free again
		if ln, err = net.Listen("tcp", r.addr); err == nil || i == 50 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	r.db = db
	r.app = New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), r.opts, r.clock.Now)
	go r.app.Listener(ln)
}

func (r *restartableServer) stop() {
	r.app.ShutdownWithTimeout(2 * time.Second)
	r.db.Close()
	r.app, r.db = nil, nil
}

// TestKioskRidesOutServerRestart: the server stops while a job seeker is on the second screen.
// Tapping "Lanjut" then shows a calm "Sebentar…" instead of an error; when the server is back on
// the same address and database the kiosk sends the screen again by itself and goes on, and the
// server's draft holds both screens. A long press opens no browser menu.
func TestKioskRidesOutServerRestart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := &restartableServer{t: t, dir: t.TempDir(), addr: addr,
		opts:  Options{MinAge: 18, CSRFKey: []byte("0123456789abcdef0123456789abcdef")},
		clock: &testClock{t: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)}}
	srv.start()
	t.Cleanup(func() {
		if srv.app != nil {
			srv.stop()
		}
	})
	base := "http://" + addr
	ctx := testbrowser.New(t, 1080, 1920, true)

	testbrowser.Step(t, ctx, "requirements", chromedp.Navigate(base+"/layanan/baru"), chromedp.WaitVisible(`.checklist`),
		chromedp.Click(`label.check:has(input[value=ktp])`), chromedp.Click(`label.check:has(input[value=foto])`),
		chromedp.Click(`label.check:has(input[value=ijazah])`), chromedp.Click(`.actions button[type=submit]`), chromedp.WaitVisible(`#f-nik`))
	testbrowser.Step(t, ctx, "identity",
		fill(`#f-nik`, "5171034708010001"), fill(`#f-full_name`, "Ni Made Ayu Lestari"), fill(`#f-birth_place`, "Denpasar"),
		choose(`#f-birth_day`, "7"), choose(`#f-birth_month`, "8"), choose(`#f-birth_year`, "2001"),
		chromedp.Click(`input[name=sex][value=P] + span`), next("Alamat"))
	testbrowser.Step(t, ctx, "address typed",
		fill(`#f-street`, "Jl. Gatot Subroto VI No. 5"), fill(`#f-rt`, "3"), fill(`#f-rw`, "2"), choose(`#f-kecamatan`, "517103"),
		testbrowser.Void(chromedp.Poll[bool](`document.querySelectorAll("#f-kelurahan option").length > 5`)),
		choose(`#f-kelurahan`, "Dauh Puri Kangin"), fill(`#f-postal_code`, "80113"))

	srv.stop()
	testbrowser.Step(t, ctx, "tap Lanjut while the server is away", chromedp.Click(`button[value=lanjut]`),
		chromedp.WaitVisible(`#sebentar`))
	if got := textOf(t, ctx, "#sebentar"); !strings.Contains(got, "Sebentar") {
		t.Fatalf("overlay text %q", got)
	}
	testbrowser.Screenshot(t, ctx, "kiosk-sebentar")
	// The screen underneath is kept as the person left it.
	if v := valueOf(t, ctx, "#f-street"); v != "Jl. Gatot Subroto VI No. 5" {
		t.Fatalf("street lost while the server was away: %q", v)
	}
	time.Sleep(3 * time.Second) // a few failed looks at /healthz
	if v := valueOf(t, ctx, "#f-rt"); v != "3" {
		t.Fatalf("RT lost while waiting: %q", v)
	}

	srv.start()
	testbrowser.Step(t, ctx, "continues by itself after the restart",
		testbrowser.Void(chromedp.Poll[bool](`document.querySelector("h1") && document.querySelector("h1").textContent.includes("Kontak")
			&& !(document.getElementById("sebentar") && !document.getElementById("sebentar").hidden)`, chromedp.WithPollingTimeout(12*time.Second))))

	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		t.Fatal(err)
	}
	var token string
	for _, c := range res.Cookies {
		if c.Name == kioskCookie {
			token = c.Value
		}
	}
	draft, err := srv.db.LoadDraft(context.Background(), token)
	if err != nil {
		t.Fatalf("draft after the restart: %v", err)
	}
	if strings.ReplaceAll(draft.NIK, " ", "") != "5171034708010001" || draft.Street != "Jl. Gatot Subroto VI No. 5" || draft.Kelurahan != "Dauh Puri Kangin" {
		t.Fatalf("draft after the restart: NIK %q, street %q, kelurahan %q", draft.NIK, draft.Street, draft.Kelurahan)
	}

	blocked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.body.dispatchEvent(new MouseEvent("contextmenu", {bubbles: true, cancelable: true}))`))
	if err != nil || !blocked {
		t.Errorf("a long press would open the browser's menu (%v)", err)
	}
}
