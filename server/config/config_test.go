package config

import (
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Addr: ":8080", DataDir: "./data", PublicURL: "http://localhost:8080", MinAge: 18,
		KioskIdle: 60 * time.Second, KioskWarn: 20 * time.Second, RegNoPattern: "5171 DDMMYY NNNNNN",
		ReportRules: domain.ReportRules{Early: 30, Grace: 30}, IPK: domain.ReportSettings{Quarterly: []string{"III/3", "III/5", "III/6"}}}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("defaults = %+v, want %+v", c, want)
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	c, err := Load([]string{"-addr", "127.0.0.1:9000", "-min-age", "17"},
		env(map[string]string{"AK1_ADDR": ":7000", "AK1_MIN_AGE": "15", "AK1_PUBLIC_URL": "https://ak1.denpasarkota.go.id/"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.MinAge != 17 || c.PublicURL != "https://ak1.denpasarkota.go.id" {
		t.Fatalf("got %+v", c)
	}
}

func TestInvalidConfigurationNamesTheVariable(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"AK1_ADDR": "8080"}, "AK1_ADDR"},
		{map[string]string{"AK1_PUBLIC_URL": "ak1.local"}, "AK1_PUBLIC_URL"},
		{map[string]string{"AK1_PUBLIC_URL": "ftp://x"}, "AK1_PUBLIC_URL"},
		{map[string]string{"AK1_MIN_AGE": "12"}, "AK1_MIN_AGE"},
		{map[string]string{"AK1_MIN_AGE": "delapan belas"}, "AK1_MIN_AGE"},
		{map[string]string{"AK1_DEMO": "maybe"}, "AK1_DEMO"},
		{map[string]string{"AK1_KIOSK_IDLE": "60"}, "AK1_KIOSK_IDLE"},
		{map[string]string{"AK1_KIOSK_WARN": "0s"}, "AK1_KIOSK_WARN"},
		{map[string]string{"AK1_DATA_DIR": " "}, "AK1_DATA_DIR"},
		{map[string]string{"AK1_REPORT_GRACE_DAYS": "0"}, "AK1_REPORT_GRACE_DAYS"},
		{map[string]string{"AK1_REPORT_EARLY_DAYS": "sebulan"}, "AK1_REPORT_EARLY_DAYS"},
		{map[string]string{"AK1_REPORT_EARLY_DAYS": "120"}, "AK1_REPORT_EARLY_DAYS"},
		{map[string]string{"AK1_IPK_QUARTERLY": "III/3,III/9"}, "AK1_IPK_QUARTERLY"},
		{map[string]string{"AK1_TLS_CERT": "server.pem"}, "AK1_TLS_KEY"},
		{map[string]string{"AK1_TLS_CERT": "server.pem", "AK1_TLS_KEY": "server-key.pem"}, "AK1_PUBLIC_URL"},
		{map[string]string{"AK1_HTTP_REDIRECT_ADDR": "80", "AK1_PUBLIC_URL": "https://ak1.lan"}, "AK1_HTTP_REDIRECT_ADDR"},
		{map[string]string{"AK1_HTTP_REDIRECT_ADDR": ":80"}, "AK1_HTTP_REDIRECT_ADDR"}, // redirect to an http:// address: a loop
		{map[string]string{"AK1_HTTP_REDIRECT_ADDR": ":8080", "AK1_PUBLIC_URL": "https://ak1.lan"}, "AK1_HTTP_REDIRECT_ADDR"},
	}
	for _, tt := range tests {
		_, err := Load(nil, env(tt.env), io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want one naming %s", tt.env, err, tt.want)
		}
	}
}

func TestIPKQuarterlySetting(t *testing.T) {
	for in, want := range map[string][]string{"-": {}, "III/2, iii/3": {"III/2", "III/3"}} {
		c, err := Load([]string{"-ipk-quarterly", in}, env(nil), io.Discard)
		if err != nil || !reflect.DeepEqual(c.IPK.Quarterly, want) {
			t.Errorf("-ipk-quarterly %q = %v, %v", in, c.IPK.Quarterly, err)
		}
	}
}

// TestPublicURLFollowsTheListenAddress: started with only AK1_ADDR=:18081 the QR codes pointed at port
// 8080, a dead address, without a word; the default now follows the listen address, and start-up
// warns while the public address is this machine's own name.
func TestPublicURLFollowsTheListenAddress(t *testing.T) {
	tests := []struct {
		env      map[string]string
		args     []string
		want     string
		warnings int
	}{
		{env: map[string]string{"AK1_ADDR": ":18081"}, want: "http://localhost:18081", warnings: 1},
		{env: nil, want: "http://localhost:8080", warnings: 1},
		{env: map[string]string{"AK1_ADDR": "0.0.0.0:9000"}, want: "http://localhost:9000", warnings: 1},
		{env: map[string]string{"AK1_ADDR": "[::]:9000"}, want: "http://localhost:9000", warnings: 1},
		{env: map[string]string{"AK1_ADDR": "127.0.0.1:9000"}, want: "http://127.0.0.1:9000"},
		{env: map[string]string{"AK1_ADDR": "192.168.10.5:8081"}, want: "http://192.168.10.5:8081"},
		{env: map[string]string{"AK1_ADDR": "[::1]:8081"}, want: "http://[::1]:8081"},
		{args: []string{"-addr", ":7000"}, want: "http://localhost:7000", warnings: 1},
		{env: map[string]string{"AK1_ADDR": ":18081", "AK1_PUBLIC_URL": "https://ak1.denpasarkota.go.id"}, want: "https://ak1.denpasarkota.go.id"},
		{env: map[string]string{"AK1_ADDR": ":18081", "AK1_PUBLIC_URL": "http://127.0.0.1:18081"}, want: "http://127.0.0.1:18081", warnings: 1},
		{env: map[string]string{"AK1_ADDR": ":18081", "AK1_PUBLIC_URL": "http://192.168.10.5:18081"}, want: "http://192.168.10.5:18081"},
	}
	for _, tt := range tests {
		c, err := Load(tt.args, env(tt.env), io.Discard)
		if err != nil {
			t.Fatalf("%v %v: %v", tt.env, tt.args, err)
		}
		if c.PublicURL != tt.want {
			t.Errorf("%v %v: PublicURL = %q, want %q", tt.env, tt.args, c.PublicURL, tt.want)
		}
		w := c.Warnings()
		if len(w) != tt.warnings {
			t.Errorf("%v %v: warnings %q, want %d", tt.env, tt.args, w, tt.warnings)
		}
		for _, s := range w {
			if !strings.Contains(s, "AK1_PUBLIC_URL") || !strings.Contains(s, c.PublicURL) {
				t.Errorf("warning %q does not name the setting and its value", s)
			}
		}
	}
}
