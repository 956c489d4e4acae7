// Package testbrowser starts Debian's headless Chromium for browser tests, through chromedp.
package testbrowser

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// New starts a fresh headless Chromium with the given viewport and returns a chromedp context that
// lives until the test ends. Without Chromium the test is skipped locally and fails in CI, where the
// project's scripts install it. Extra allocator options (e.g. FakeCamera) are added last.
func New(t testing.TB, width, height int64, touch bool, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := findChromium()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed: run make test (it installs the chromium package)")
		}
		t.Skip("chromium not installed")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.WindowSize(int(width), int(height)),
	}
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	viewport := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
	if width > height {
		viewport = []chromedp.EmulateViewportOption{chromedp.EmulateLandscape}
	}
	if touch {
		viewport = append(viewport, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, viewport...)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// Step runs actions with a time limit, failing the test with what was being done.
func Step(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		if dir := os.Getenv("AK1_SCREENSHOTS"); dir != "" {
			if buf, serr := chromedp.Run(ctx, chromedp.FullScreenshot(100)); serr == nil {
				os.WriteFile(filepath.Join(dir, "FAILED-"+strings.ReplaceAll(what, " ", "-")+".png"), buf, 0o644)
			}
		}
		t.Fatalf("%s: %v", what, err)
	}
}

// Screenshot saves the viewport as NAME.png under $AK1_SCREENSHOTS when that is set (for people to
// look at the pages); otherwise it does nothing.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("AK1_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Void turns an action that returns a value into one that can be listed in Step or chromedp.Steps.
func Void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := a(ctx, t)
		return err
	})
}

// FakeCamera gives the browser a synthetic camera that needs no permission prompt, for testing
// pages that use getUserMedia.
func FakeCamera() []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-fake-device-for-media-stream", true),
	}
}

// HTMXSettled waits until htmx has no request in flight and has finished swapping and settling, so
// the next click lands on content htmx has taken over (a click on content not yet processed would be
// a plain form post and a full page load).
func HTMXSettled() chromedp.Action[chromedp.Void] {
	return Void(chromedp.Poll[bool](`!document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`))
}

// WaitAcrossReload waits until the JavaScript expression is true, asking again when the page is
// being replaced (a reload makes a plain poll fail with "target navigated").
func WaitAcrossReload(t testing.TB, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(sctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: %s never became true (last error %v)", what, expr, last)
}

// ClickLive clicks the element the selector finds at that moment, in one step inside the page.
// A live-refreshed region may replace its rows between chromedp finding a node and clicking it
// ("Could not find node with given id"); a person's tap has no such gap.
func ClickLive(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		found, err := chromedp.Evaluate[bool](`(function(){ const el = document.querySelector(`+strconv.Quote(selector)+`); if (!el) return false; el.click(); return true; })()`)(ctx, t)
		if err == nil && !found {
			err = fmt.Errorf("no element %s to click", selector)
		}
		return err
	})
}
