package web

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"ak1/server/domain"
	"ak1/server/internal/testbrowser"
)

// TestQueuePagerInBrowser: on a 1280×800 tablet the officer sees how many waiting applications the
// first page does not show, goes to the next page, and stays on it while new submissions arrive
// and the queue refreshes itself.
func TestQueuePagerInBrowser(t *testing.T) {
	srv := newTestServer(t, Options{})
	ctx := testbrowser.New(t, 1280, 800, true)
	_, pw := addOfficer(t, srv, "petugas", domain.RolePetugas)
	for i := 1; i <= 60; i++ {
		submitForm(t, srv, i)
	}
	waitJS := func(expr string) chromedp.Action[chromedp.Void] { return testbrowser.Void(chromedp.Poll[bool](expr)) }
	text := func(sel string) string { return `((document.querySelector("` + sel + `") || {}).textContent || "")` }

	testbrowser.Step(t, ctx, "sign in", chromedp.Navigate(srv.URL+"/petugas"), chromedp.WaitVisible(`#f-username`),
		chromedp.SendKeys(`#f-username`, "petugas"), chromedp.SendKeys(`#f-password`, pw),
		chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`[data-pager]`),
		waitJS(`document.getElementById("live").textContent.includes("langsung")`))
	testbrowser.Step(t, ctx, "page 1 says what it hides",
		waitJS(text("[data-pager-hidden]")+`.includes("10 lainnya tidak ditampilkan")`),
		waitJS(`document.querySelectorAll("tr[data-app]").length === 50`))
	testbrowser.Screenshot(t, ctx, "queue-01-page1-bottom")

	testbrowser.Step(t, ctx, "next page", chromedp.Click(`[data-pager-next]`))
	testbrowser.WaitAcrossReload(t, ctx, "page 2", text("[data-pager-summary]")+`.includes("51–60 dari 60") &&
		document.querySelectorAll("tr[data-app]").length === 10 && document.getElementById("live").textContent.includes("langsung")`)
	testbrowser.Step(t, ctx, "mark the page", testbrowser.Void(chromedp.Evaluate[bool](`(window.samePage = true)`)))

	// A submission arrives: the live refresh redraws page 2, not page 1.
	if _, err := srv.DB.SubmitApplication(context.Background(), deskForm(61), "kiosk", "kiosk", ""); err != nil {
		t.Fatal(err)
	}
	testbrowser.Step(t, ctx, "live refresh keeps page 2",
		waitJS(text("[data-pager-summary]")+`.includes("51–61 dari 61")`),
		waitJS(`document.querySelectorAll("tr[data-app]").length === 11 && window.samePage === true`))
	testbrowser.Screenshot(t, ctx, "queue-02-page2-live")
}
