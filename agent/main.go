// Command ak1-agent runs on the print-station PC: it claims approved AK/I cards from ak1-server
// over HTTP and prints them through CUPS, exactly once, across crashes and outages.
//
// Configuration (flags override the environment):
//
//	-server  AK1_SERVER   base URL of ak1-server, e.g. http://10.0.0.5:8080
//	-token   AK1_TOKEN    station token (sent as Authorization: Bearer)
//	-printer AK1_PRINTER  CUPS queue name, or file:DIR to write PDFs into a folder
//	-cups    AK1_CUPS     CUPS socket path or host:port (default: /run/cups/cups.sock if present,
//	                      else localhost:631)
//	-journal AK1_JOURNAL  journal file (default: $XDG_STATE_HOME/ak1-agent/journal, i.e.
//	                      ~/.local/state/ak1-agent/journal)
//	-wait    AK1_WAIT     claim long-poll seconds (default 25)
//	-ca      AK1_CA       PEM file of the office CA that signed an https server's certificate
//	                      (from `ak1-server tls init`); trusted besides the system's CAs
package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"ak1/agent/internal/client"
	"ak1/agent/internal/journal"
	"ak1/agent/internal/printer"
	"ak1/agent/internal/worker"
)

// version is set at build time with -ldflags "-X main.version=..."; the linker can only set
// package-level string variables, so this is the one mutable global.
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ak1-agent:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("invalid configuration")

type config struct {
	server, token, printer, cups, journal, ca string
	wait                                      time.Duration
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet(filepath.Base(args[0]), flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var wait int
	fs.StringVar(&c.server, "server", getenv("AK1_SERVER"), "ak1-server base URL (env AK1_SERVER)")
	fs.StringVar(&c.token, "token", getenv("AK1_TOKEN"), "station token (env AK1_TOKEN)")
	fs.StringVar(&c.printer, "printer", getenv("AK1_PRINTER"), "CUPS queue name or file:DIR (env AK1_PRINTER)")
	fs.StringVar(&c.cups, "cups", getenv("AK1_CUPS"), "CUPS socket path or host:port (env AK1_CUPS; default local CUPS)")
	fs.StringVar(&c.journal, "journal", getenv("AK1_JOURNAL"), "journal file (env AK1_JOURNAL; default in the user's state folder)")
	fs.StringVar(&c.ca, "ca", getenv("AK1_CA"), "PEM file of the office CA for an https server (env AK1_CA)")
	defWait := 25
	if v := getenv("AK1_WAIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return c, fmt.Errorf("%w: AK1_WAIT=%q is not a number of seconds", errUsage, v)
		}
		defWait = n
	}
	fs.IntVar(&wait, "wait", defWait, "claim long-poll seconds (env AK1_WAIT)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args[1:]); err != nil {
		return c, fmt.Errorf("%w: %v", errUsage, err)
	}
	if *showVersion {
		return c, errShowVersion
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	u, err := url.Parse(c.server)
	if c.server == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("%w: AK1_SERVER (-server) must be the server's http:// or https:// URL, got %q", errUsage, c.server)
	}
	if strings.TrimSpace(c.token) == "" {
		return c, fmt.Errorf("%w: AK1_TOKEN (-token) is empty: set the station token from the admin page", errUsage)
	}
	if c.printer == "" || c.printer == "file:" {
		return c, fmt.Errorf("%w: AK1_PRINTER (-printer) must be a CUPS queue name or file:DIR", errUsage)
	}
	if wait < 0 || wait > 120 {
		return c, fmt.Errorf("%w: AK1_WAIT (-wait) must be 0..120 seconds, got %d", errUsage, wait)
	}
	c.wait = time.Duration(wait) * time.Second
	if c.cups == "" {
		c.cups = "localhost:631"
		for _, p := range []string{"/run/cups/cups.sock", "/var/run/cups/cups.sock"} {
			if st, err := os.Stat(p); err == nil && st.Mode()&os.ModeSocket != 0 {
				c.cups = p
				break
			}
		}
	}
	if c.journal == "" {
		dir := getenv("XDG_STATE_HOME")
		if dir == "" {
			home := getenv("HOME")
			if home == "" {
				return c, fmt.Errorf("%w: AK1_JOURNAL (-journal) not set and no HOME to put it in", errUsage)
			}
			dir = filepath.Join(home, ".local", "state")
		}
		c.journal = filepath.Join(dir, "ak1-agent", "journal")
	}
	return c, nil
}

var errShowVersion = errors.New("version requested")

// run wires the agent and blocks until ctx is cancelled (SIGTERM/SIGINT) or startup fails.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, errShowVersion) {
		fmt.Fprintln(stdout, "ak1-agent", version)
		return nil
	}
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	var p printer.Printer
	if dir, ok := strings.CutPrefix(cfg.printer, "file:"); ok {
		p = printer.Folder{Dir: dir}
	} else {
		c, err := printer.NewCUPS(cfg.cups, cfg.printer)
		if err != nil {
			return fmt.Errorf("%w: AK1_CUPS (-cups): %v", errUsage, err)
		}
		p = c
	}
	cl := client.New(cfg.server, cfg.token, version)
	if cfg.ca != "" {
		pool, err := loadRoots(cfg.ca)
		if err != nil {
			return fmt.Errorf("%w: AK1_CA (-ca): %v", errUsage, err)
		}
		cl.TrustRoots(pool)
	}

	j, err := journal.Open(cfg.journal)
	if err != nil {
		// A damaged journal may hide a card already on paper: stop and let a person look.
		return fmt.Errorf("journal %s: %w (move it aside only after checking its jobs)", cfg.journal, err)
	}
	defer j.Close()

	log.Info("ak1-agent starting", "version", version, "server", cfg.server, "printer", p.String(),
		"cups", cfg.cups, "journal", cfg.journal, "ca", cfg.ca)
	w := worker.New(worker.Config{
		Client:  cl,
		Printer: p,
		Journal: j,
		Log:     log,
		Version: version,
		Wait:    cfg.wait,
	})
	return w.Run(ctx)
}

// loadRoots returns the system's trusted CAs plus those in the PEM file at path.
func loadRoots(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return pool, nil
}
