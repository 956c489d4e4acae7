package main

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// checkAcknowledged opens the data folder as the next start would, runs integrity_check and finds
// every acknowledged submission.
func checkAcknowledged(t *testing.T, dir string, acks []ack) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dir, time.Now)
	if err != nil {
		t.Fatalf("open after the fault: %v", err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	for _, a := range acks {
		if _, err := db.ApplicationByCode(ctx, a.code); err != nil {
			t.Errorf("acknowledged submission %s lost: %v", a.code, err)
		}
	}
}

// TestKillDuringSubmissions: the server is killed with SIGKILL (as by a power cut of the process or
// the kernel's OOM killer) while eight kiosks submit; every submission it acknowledged is in the
// database, which passes integrity_check, and the server starts again on it.
func TestKillDuringSubmissions(t *testing.T) {
	dir := t.TempDir()
	srv := startServerProc(t, dir, freeAddr(t))
	load := startSubmissionLoad(t, srv.url, 8, 31)
	load.waitAcks(t, 30+rand.IntN(30))
	srv.kill()
	load.finish()
	acks := load.acked()
	t.Logf("%d submissions acknowledged before SIGKILL; %d requests cut off by it", len(acks), load.broken)
	if len(load.refusals) > 0 {
		t.Fatalf("submissions refused before the kill: %v", load.refusals[0])
	}
	checkAcknowledged(t, dir, acks)

	again := startServerProc(t, dir, freeAddr(t))
	if code, err := newKioskVisitor(again.url).submit(newSeeder(77).form()); err != nil || code == "" {
		t.Fatalf("a submission after the restart: %q, %v", code, err)
	}
}

// TestFullDisk: the data folder's disk fills up while the kiosk is used. The person gets a clear
// message in place of the screen's alert (their screen and what they typed stay), nothing is
// corrupted, and once there is room the same step and the submission go through.
//
// The data folder is a 3 MB tmpfs, which needs root (make test runs as root in CI); elsewhere the
// test is skipped.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the full-disk test mounts a tmpfs and needs root (CI runs make test as root)")
		}
		t.Skip("needs root to mount a small tmpfs for the data folder")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s)", err, out)
	}
	// Registered first, so it runs after the server process (registered later) has stopped.
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", mnt, err, out)
		}
	})
	srv := startServerProc(t, mnt, freeAddr(t))
	seeder := newSeeder(53)
	var acks []ack
	for range 5 {
		code, err := newKioskVisitor(srv.url).submit(seeder.form())
		if err != nil {
			t.Fatalf("submission before the disk filled: %v", err)
		}
		acks = append(acks, ack{code: code})
	}

	filler := filepath.Join(mnt, "isi-disk")
	fillDisk(t, filler)

	// Kiosks keep submitting until the database has to grow and cannot: the first refusal must be
	// the clear message, as the kiosk's htmx shows it, and the only kind of refusal.
	var stuck *kioskVisitor
	var stuckForm *domain.Form
	var status int
	var body string
	for i := 0; i < 400 && stuck == nil; i++ {
		v := newKioskVisitor(srv.url)
		f := seeder.form()
		if _, _, err := v.get("/layanan/baru"); err != nil {
			t.Fatal(err)
		}
		for _, st := range domain.Steps {
			code, _, b, err := v.post("/daftar/"+st.Slug, stepValues(f, st), "HX-Request", "true")
			if err != nil {
				t.Fatalf("the server dropped the connection on a full disk: %v\n%s", err, tail(srv.logs.String(), 3000))
			}
			if code != http.StatusSeeOther {
				stuck, stuckForm, status, body = v, f, code, b
				break
			}
		}
		if stuck == nil {
			review, err := v.review(f)
			if err != nil {
				t.Fatal(err)
			}
			code, loc, b, err := v.post("/daftar/kirim", review, "HX-Request", "true")
			if err != nil {
				t.Fatal(err)
			}
			if sc, ok := strings.CutPrefix(loc, "/selesai/"); code == http.StatusSeeOther && ok {
				acks = append(acks, ack{code: sc})
			} else {
				stuck, stuckForm, status, body = v, f, code, b
			}
		}
	}
	if stuck == nil {
		t.Fatal("400 kiosk submissions fitted on a full disk: the test did not fill it")
	}
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "penyimpanan server sedang penuh") || !strings.Contains(body, "Isian Anda masih ada") {
		t.Fatalf("on a full disk the kiosk got %d:\n%.1500s", status, body)
	}
	if strings.Contains(body, "<form") || strings.Contains(body, "<html") {
		t.Errorf("the message replaced the screen instead of filling its alert area:\n%.800s", body)
	}
	t.Logf("disk full after %d submissions; message: %d %s", len(acks), status, strings.Join(strings.Fields(stripTags(body)), " "))
	// The server's log reaches the test through a pipe, a moment after the answer.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(srv.logs.String(), "full") && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(srv.logs.String(), "full") {
		t.Errorf("the server log does not say the disk is full:\n%s", tail(srv.logs.String(), 2000))
	}

	// Room again: the same person finishes, from where they were.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if code, err := stuck.submit(stuckForm); err != nil || code == "" {
		t.Fatalf("the submission once there is room again: %q, %v", code, err)
	} else {
		acks = append(acks, ack{code: code})
	}
	srv.stop()
	checkAcknowledged(t, mnt, acks)
}

// fillDisk writes path until the file system is full.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 16<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	// The last bytes: the file system may still take a smaller write.
	for {
		if _, err := f.Write(chunk[:512]); err != nil {
			return
		}
	}
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}
