package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The service files of server/deploy (docs/deploy.md) as the office installs them.
var unitFiles = []string{"ak1-server.service", "ak1-agent.service", "ak1-backup.service", "ak1-backup.timer", "kiosk/ak1-kiosk.service"}

var execPath = regexp.MustCompile(`(?m)^(Exec\w+=[-@:+!]*)(/\S+)`)

// TestUnitFilesVerify runs `systemd-analyze verify` on the unit files. verify also insists that
// every program a unit starts exists on this machine; the AK1 binaries and cage are installed
// only on the office's PCs, so for the check they are replaced by stand-ins in a temporary folder
// (the unit text is otherwise unchanged).
func TestUnitFilesVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed here (Debian package systemd): unit files not verified")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	var paths []string
	for _, name := range unitFiles {
		data, err := os.ReadFile(filepath.Join("deploy", name))
		if err != nil {
			t.Fatal(err)
		}
		text := execPath.ReplaceAllStringFunc(string(data), func(line string) string {
			m := execPath.FindStringSubmatch(line)
			if _, err := os.Stat(m[2]); err == nil {
				return line
			}
			stand := filepath.Join(bin, filepath.Base(m[2]))
			os.WriteFile(stand, []byte("#!/bin/sh\nexit 0\n"), 0o755)
			return m[1] + stand
		})
		p := filepath.Join(dir, filepath.Base(name))
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	out, err := exec.Command(analyze, append([]string{"verify", "--man=no"}, paths...)...).CombinedOutput()
	// Warnings about this machine (no systemd running it, missing /etc/ak1 files) are not about
	// the units; anything naming one of them is.
	var problems []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		for _, name := range unitFiles {
			if strings.Contains(line, filepath.Base(name)) {
				problems = append(problems, line)
				break
			}
		}
	}
	if err != nil || len(problems) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestServiceFilesPromise checks what docs/deploy.md promises about the units and the kiosk
// launcher, on any machine.
func TestServiceFilesPromise(t *testing.T) {
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("deploy", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"ak1-server.service", []string{"User=ak1\n", "Restart=on-failure", "StateDirectory=ak1\n", "StateDirectoryMode=0700", "UMask=0077", "ExecStart=/usr/local/bin/ak1-server\n", "AmbientCapabilities=CAP_NET_BIND_SERVICE"}},
		{"ak1-agent.service", []string{"User=ak1-agent\n", "Restart=on-failure", "RestartPreventExitStatus=2", "StateDirectory=ak1-agent\n", "StateDirectoryMode=0700", "AK1_JOURNAL=/var/lib/ak1-agent/journal"}},
		{"ak1-backup.service", []string{"User=ak1\n", "Type=oneshot", "ExecStart=/usr/local/bin/ak1-server backup\n", "AK1_BACKUP_KEEP=", "UMask=0077"}},
		{"ak1-backup.timer", []string{"OnCalendar=", "Persistent=true", "WantedBy=timers.target"}},
		{"kiosk/ak1-kiosk.service", []string{"User=ak1-kiosk\n", "Restart=always", "/usr/local/bin/ak1-kiosk"}},
		{"kiosk/ak1-kiosk", []string{"--kiosk", "--disable-pinch", "--disable-features=Translate", "--overscroll-history-navigation=0", "--incognito", "while :", "/healthz",
			"--use-fake-ui-for-media-stream"}}, // the card scan needs the camera without a prompt
	} {
		text := read(tc.file)
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q", tc.file, w)
			}
		}
	}
	if fi, err := os.Stat("deploy/kiosk/ak1-kiosk"); err != nil || fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("kiosk launcher not executable: %v", err)
	}
	if out, err := exec.Command("sh", "-n", "deploy/kiosk/ak1-kiosk").CombinedOutput(); err != nil {
		t.Errorf("kiosk launcher: sh -n: %v\n%s", err, out)
	}
	var policy map[string]any
	if err := json.Unmarshal([]byte(read("kiosk/chromium-policy.json")), &policy); err != nil {
		t.Fatalf("chromium-policy.json: %v", err)
	}
	// The kiosk must never offer the previous person's entries or translate the official terms.
	for _, k := range []string{"TranslateEnabled", "AutofillAddressEnabled", "PasswordManagerEnabled"} {
		if policy[k] != false {
			t.Errorf("chromium policy %s = %v, want false", k, policy[k])
		}
	}
}
