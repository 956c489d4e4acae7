// Package config reads the server's settings from flags and AK1_* environment variables.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ak1/server/domain"
)

// Config is the server's configuration. Every field has an environment variable and a flag of the
// same meaning; a flag given on the command line wins.
type Config struct {
	Addr      string        // AK1_ADDR, -addr
	DataDir   string        // AK1_DATA_DIR, -data-dir
	PublicURL string        // AK1_PUBLIC_URL, -public-url: the address printed in QR codes
	MinAge    int           // AK1_MIN_AGE, -min-age: minimum age of a job seeker
	Demo      bool          // AK1_DEMO, -demo: create demo accounts and data (make run)
	KioskIdle time.Duration // AK1_KIOSK_IDLE, -kiosk-idle: no touch for this long, and the kiosk warns
	KioskWarn time.Duration // AK1_KIOSK_WARN, -kiosk-warn: the warning's countdown before the reset
	// RegNoPattern is AK1_REGNO_PATTERN, -regno-pattern: the registration number, e.g. "5171 DDMMYY NNNNNN".
	RegNoPattern string
	// ReportRules is AK1_REPORT_EARLY_DAYS, -report-early-days and AK1_REPORT_GRACE_DAYS,
	// -report-grace-days: the window around each six-monthly report's due date (local practice;
	// default 30 days before and 30 after, after which the card lapses).
	ReportRules domain.ReportRules
	// IPK is AK1_IPK_QUARTERLY, -ipk-quarterly: the IPK tables counted per quarter (local practice;
	// default III/3,III/5,III/6; "-" for none).
	IPK domain.ReportSettings
	// TLSCert and TLSKey are AK1_TLS_CERT / -tls-cert and AK1_TLS_KEY / -tls-key: PEM files of the
	// server certificate (chain) and its key. Set both and the server speaks HTTPS only.
	TLSCert, TLSKey string
	// HTTPRedirectAddr is AK1_HTTP_REDIRECT_ADDR, -http-redirect-addr: an optional second address
	// (usually :80) where plain HTTP is answered only with a redirect to AK1_PUBLIC_URL.
	HTTPRedirectAddr string
}

// TLS reports whether the server itself serves HTTPS.
func (c Config) TLS() bool { return c.TLSCert != "" }

// Secure reports whether browsers reach the server over HTTPS: served with TLS here, or behind a
// proxy that terminates TLS for an https:// public address. Cookies are then Secure and HSTS is sent.
func (c Config) Secure() bool { return c.TLS() || strings.HasPrefix(c.PublicURL, "https://") }

// Load parses args (without the program name) over the environment read through getenv.
func Load(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("ak1-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	var c Config
	var minAge, demo, idle, warn, early, grace, quarterly string
	fs.StringVar(&c.Addr, "addr", def("AK1_ADDR", ":8080"), "listen address (AK1_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", def("AK1_DATA_DIR", "./data"), "folder for the database and keys (AK1_DATA_DIR)")
	fs.StringVar(&c.PublicURL, "public-url", def("AK1_PUBLIC_URL", ""), "public address printed in QR codes (AK1_PUBLIC_URL; default: this machine at the port of AK1_ADDR)")
	fs.StringVar(&minAge, "min-age", def("AK1_MIN_AGE", "18"), "minimum age of a job seeker, 15 to 18 (AK1_MIN_AGE)")
	fs.StringVar(&demo, "demo", def("AK1_DEMO", "false"), "create demo accounts and data (AK1_DEMO)")
	fs.StringVar(&idle, "kiosk-idle", def("AK1_KIOSK_IDLE", "60s"), "kiosk idle time before the warning (AK1_KIOSK_IDLE)")
	fs.StringVar(&warn, "kiosk-warn", def("AK1_KIOSK_WARN", "20s"), "kiosk warning countdown before the reset (AK1_KIOSK_WARN)")
	fs.StringVar(&c.RegNoPattern, "regno-pattern", def("AK1_REGNO_PATTERN", domain.DefaultRegNoPattern), "registration number pattern: DD MM YY YYYY, a run of N for the yearly serial (AK1_REGNO_PATTERN)")
	fs.StringVar(&early, "report-early-days", def("AK1_REPORT_EARLY_DAYS", strconv.Itoa(domain.DefaultReportRules.Early)),
		"days before a six-monthly report's due date from which it is accepted (AK1_REPORT_EARLY_DAYS)")
	fs.StringVar(&grace, "report-grace-days", def("AK1_REPORT_GRACE_DAYS", strconv.Itoa(domain.DefaultReportRules.Grace)),
		"days after a report's due date on which a card still without it lapses (AK1_REPORT_GRACE_DAYS)")
	fs.StringVar(&quarterly, "ipk-quarterly", def("AK1_IPK_QUARTERLY", strings.Join(domain.DefaultQuarterly, ",")),
		"IPK tables counted per quarter, comma separated, or - for none (AK1_IPK_QUARTERLY)")
	fs.StringVar(&c.TLSCert, "tls-cert", def("AK1_TLS_CERT", ""), "PEM certificate (chain) for HTTPS; with -tls-key (AK1_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", def("AK1_TLS_KEY", ""), "PEM private key for HTTPS (AK1_TLS_KEY)")
	fs.StringVar(&c.HTTPRedirectAddr, "http-redirect-addr", def("AK1_HTTP_REDIRECT_ADDR", ""), "optional plain-HTTP address that only redirects to the https public address, e.g. :80 (AK1_HTTP_REDIRECT_ADDR)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var problems []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		problems = append(problems, fmt.Errorf("AK1_ADDR %q: expected host:port such as :8080", c.Addr))
	} else if c.PublicURL == "" {
		c.PublicURL = defaultPublicURL(c.Addr)
	}
	if strings.TrimSpace(c.DataDir) == "" {
		problems = append(problems, errors.New("AK1_DATA_DIR must not be empty"))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		problems = append(problems, fmt.Errorf("AK1_PUBLIC_URL %q: expected an absolute http(s) address such as https://ak1.denpasarkota.go.id", c.PublicURL))
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if (c.TLSCert == "") != (c.TLSKey == "") {
		problems = append(problems, errors.New("AK1_TLS_CERT and AK1_TLS_KEY: set both (HTTPS) or neither (plain HTTP)"))
	}
	if c.TLS() && !strings.HasPrefix(c.PublicURL, "https://") {
		problems = append(problems, fmt.Errorf("AK1_PUBLIC_URL %q: with AK1_TLS_CERT the public address must start with https://", c.PublicURL))
	}
	if c.HTTPRedirectAddr != "" {
		if _, port, err := net.SplitHostPort(c.HTTPRedirectAddr); err != nil || port == "" {
			problems = append(problems, fmt.Errorf("AK1_HTTP_REDIRECT_ADDR %q: expected host:port such as :80", c.HTTPRedirectAddr))
		} else if c.HTTPRedirectAddr == c.Addr {
			problems = append(problems, fmt.Errorf("AK1_HTTP_REDIRECT_ADDR %q: must differ from AK1_ADDR", c.HTTPRedirectAddr))
		}
		if !strings.HasPrefix(c.PublicURL, "https://") {
			problems = append(problems, fmt.Errorf("AK1_HTTP_REDIRECT_ADDR: redirects go to AK1_PUBLIC_URL, which must start with https:// (is %q)", c.PublicURL))
		}
	}
	var err error
	if c.MinAge, err = strconv.Atoi(minAge); err != nil || c.MinAge < 15 || c.MinAge > 18 {
		problems = append(problems, fmt.Errorf("AK1_MIN_AGE %q: expected a whole number from 15 to 18", minAge))
	}
	if c.Demo, err = strconv.ParseBool(demo); err != nil {
		problems = append(problems, fmt.Errorf("AK1_DEMO %q: expected true or false", demo))
	}
	if c.KioskIdle, err = time.ParseDuration(idle); err != nil || c.KioskIdle < time.Second {
		problems = append(problems, fmt.Errorf("AK1_KIOSK_IDLE %q: expected a duration such as 60s", idle))
	}
	if c.KioskWarn, err = time.ParseDuration(warn); err != nil || c.KioskWarn < time.Second {
		problems = append(problems, fmt.Errorf("AK1_KIOSK_WARN %q: expected a duration such as 20s", warn))
	}
	if c.ReportRules, err = ParseReportRules(early, grace); err != nil {
		problems = append(problems, err)
	}
	if c.IPK.Quarterly, err = domain.ParseQuarterly(quarterly); err != nil {
		problems = append(problems, fmt.Errorf("AK1_IPK_QUARTERLY: %w", err))
	}
	if err := domain.CheckRegNoPattern(c.RegNoPattern); err != nil {
		problems = append(problems, fmt.Errorf("AK1_REGNO_PATTERN: %w", err))
	}
	return c, errors.Join(problems...)
}

// defaultPublicURL is the address of this server as its own machine reaches it: the listen address's
// host (localhost when it listens on every interface) and port. A server started with only AK1_ADDR
// must not print QR codes that point at another port.
func defaultPublicURL(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if allInterfaces(host) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func allInterfaces(host string) bool { return host == "" || host == "0.0.0.0" || host == "::" }

// Warnings are settings that work but are probably wrong; the server logs them at start-up.
func (c Config) Warnings() []string {
	var out []string
	u, err := url.Parse(c.PublicURL)
	if err != nil {
		return nil
	}
	host, _, _ := net.SplitHostPort(c.Addr)
	public := u.Hostname()
	ip := net.ParseIP(public)
	if allInterfaces(host) && (strings.EqualFold(public, "localhost") || (ip != nil && ip.IsLoopback())) {
		out = append(out, fmt.Sprintf("AK1_PUBLIC_URL %s is this machine's own name while the server listens on every interface (AK1_ADDR %s): "+
			"the QR codes printed on cards will not open on a phone. Set AK1_PUBLIC_URL to the address phones reach, such as https://ak1.denpasarkota.go.id",
			c.PublicURL, c.Addr))
	}
	return out
}

// ParseReportRules reads the report window of AK1_REPORT_EARLY_DAYS and AK1_REPORT_GRACE_DAYS (or
// their flags); the server and the command-line tools that judge a card's state share it.
func ParseReportRules(early, grace string) (domain.ReportRules, error) {
	e, errE := strconv.Atoi(early)
	g, errG := strconv.Atoi(grace)
	r := domain.ReportRules{Early: e, Grace: g}
	if errE != nil || errG != nil {
		return r, fmt.Errorf("AK1_REPORT_EARLY_DAYS %q, AK1_REPORT_GRACE_DAYS %q: expected whole numbers of days", early, grace)
	}
	if err := r.Check(); err != nil {
		return r, fmt.Errorf("AK1_REPORT_EARLY_DAYS, AK1_REPORT_GRACE_DAYS: %w", err)
	}
	return r, nil
}
