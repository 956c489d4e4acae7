package config

import (
	"io"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Addr: ":8080", DataDir: "./data", PublicURL: "http://localhost:8080", MinAge: 18,
		KioskIdle: 60 * time.Second, KioskWarn: 20 * time.Second, RegNoPattern: "5171 DDMMYY NNNNNN"}
	if c != want {
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
