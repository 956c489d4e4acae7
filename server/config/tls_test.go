package config

import (
	"io"
	"testing"
)

// TestSecureFollowsHTTPS: cookies are Secure (and HSTS sent) exactly when browsers come over HTTPS,
// whether the server holds the certificate or a proxy in front of it does.
func TestSecureFollowsHTTPS(t *testing.T) {
	tests := []struct {
		env    map[string]string
		secure bool
	}{
		{nil, false},
		{map[string]string{"AK1_PUBLIC_URL": "http://10.0.0.5:8080"}, false},
		{map[string]string{"AK1_PUBLIC_URL": "https://ak1.denpasarkota.go.id"}, true},
		{map[string]string{"AK1_PUBLIC_URL": "https://10.0.0.5", "AK1_TLS_CERT": "s.pem", "AK1_TLS_KEY": "k.pem", "AK1_HTTP_REDIRECT_ADDR": ":80"}, true},
	}
	for _, tt := range tests {
		c, err := Load(nil, env(tt.env), io.Discard)
		if err != nil {
			t.Fatalf("%v: %v", tt.env, err)
		}
		if c.Secure() != tt.secure {
			t.Errorf("%v: Secure() = %v, want %v", tt.env, c.Secure(), tt.secure)
		}
	}
}
