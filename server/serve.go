package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"ak1/server/card"
	"ak1/server/config"
	"ak1/server/domain"
	"ak1/server/storage"
	"ak1/server/web"
)

// serve opens the database, starts the web server and stops both cleanly when ctx ends.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.Load(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
	for _, w := range cfg.Warnings() {
		log.Warn(w)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("AK1_DATA_DIR %q: %w", cfg.DataDir, err)
	}
	// One server per data folder, and no restore under a running server.
	release, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return err
	}
	defer release()
	db, err := storage.Open(ctx, cfg.DataDir, time.Now)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetReportRules(cfg.ReportRules)
	// Cards whose report window or two years ran out while the server was off lapse now, dated the
	// day the rule says; screens derive the same state as they read it, so serving need not wait.
	go func() {
		if n, err := db.SweepLapsed(ctx); err != nil {
			log.Error("sweep lapsed cards at start-up", "err", err)
		} else if n > 0 {
			log.Info("sweep lapsed cards at start-up", "rows", n)
		}
	}()
	csrfKey, err := loadOrCreateKey(filepath.Join(cfg.DataDir, "csrf.key"))
	if err != nil {
		return err
	}
	signer, err := card.LoadOrCreateSigner(cfg.DataDir)
	if err != nil {
		return err
	}
	if cfg.Demo {
		// The block goes to the console and, for make run's banner, to a file in the data folder (a
		// developer's folder: demo mode is for trying the system out).
		var block bytes.Buffer
		if err := ensureDemoAccounts(ctx, db, io.MultiWriter(stdout, &block)); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(cfg.DataDir, "akun-demo.txt"), block.Bytes(), 0o600); err != nil {
			return err
		}
	}
	app := web.New(db, log, web.Options{PublicURL: cfg.PublicURL, MinAge: cfg.MinAge, CSRFKey: csrfKey,
		KioskIdle: cfg.KioskIdle, KioskWarn: cfg.KioskWarn, Signer: signer, RegNoPattern: cfg.RegNoPattern,
		SecureCookies: cfg.Secure(), Report: cfg.IPK}, time.Now)

	ln, err := listen(cfg, log)
	if err != nil {
		return err
	}
	if cfg.HTTPRedirectAddr != "" {
		stopRedirect, err := serveRedirect(cfg.HTTPRedirectAddr, cfg.PublicURL, log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopRedirect()
	}
	// Housekeeping: nobody's kiosk draft lingers, dead officer sessions go, and print jobs whose
	// station went silent are settled even when no station asks for work.
	go every(ctx, log, time.Minute, "sweep abandoned kiosk drafts", func(ctx context.Context) (int64, error) {
		return db.SweepDrafts(ctx, web.DraftLifetime)
	})
	go every(ctx, log, 10*time.Minute, "sweep expired sessions", func(ctx context.Context) (int64, error) {
		return db.SweepSessions(ctx, time.Now().Add(-web.SessionIdleDefault))
	})
	go every(ctx, log, 10*time.Minute, "sweep forgotten sign-in attempts", func(ctx context.Context) (int64, error) {
		return db.SweepSignInAttempts(ctx, time.Now().Add(-max(domain.AccountSignInLimit.Forget, domain.AddressSignInLimit.Forget)))
	})
	go every(ctx, log, time.Hour, "sweep lapsed cards", db.SweepLapsed)
	go every(ctx, log, time.Hour, "close vacancies past their closing date", func(ctx context.Context) (int64, error) {
		n, err := db.ExpireVacancies(ctx)
		return int64(n), err
	})
	go every(ctx, log, 30*time.Second, "expire print leases", func(ctx context.Context) (int64, error) {
		n, err := db.ExpireLeases(ctx)
		return int64(n), err
	})
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	log.Info("ak1-server started", "addr", ln.Addr().String(), "https", cfg.TLS(), "data_dir", cfg.DataDir, "public_url", cfg.PublicURL)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := app.ShutdownWithContext(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// loadOrCreateKey reads a 32-byte secret from path, creating it (mode 0600) on first start.
func loadOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil && len(key) == 32 {
		return key, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, err
	}
	return key, nil
}

// every runs task at each interval until ctx ends, logging failures and how many rows it changed.
func every(ctx context.Context, log *slog.Logger, interval time.Duration, what string, task func(context.Context) (int64, error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := task(ctx); err != nil && !errors.Is(err, context.Canceled) {
				log.Error(what, "err", err)
			} else if n > 0 {
				log.Info(what, "rows", n)
			}
		}
	}
}

// listen opens the main address, with TLS when a certificate is configured.
func listen(cfg config.Config, log *slog.Logger) (net.Listener, error) {
	var tlsConfig *tls.Config
	if cfg.TLS() {
		pair, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("AK1_TLS_CERT %q / AK1_TLS_KEY %q: %w", cfg.TLSCert, cfg.TLSKey, err)
		}
		leaf, err := x509.ParseCertificate(pair.Certificate[0])
		if err != nil {
			return nil, fmt.Errorf("AK1_TLS_CERT %q: %w", cfg.TLSCert, err)
		}
		if left := time.Until(leaf.NotAfter); left < 0 {
			return nil, fmt.Errorf("AK1_TLS_CERT %q expired on %s: renew it with `ak1-server tls init`", cfg.TLSCert, leaf.NotAfter.Format(time.DateOnly))
		} else if left < 30*24*time.Hour {
			log.Warn("TLS certificate expires soon: renew it with `ak1-server tls init` (docs/deploy.md)", "not_after", leaf.NotAfter.Format(time.DateOnly))
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("AK1_ADDR %q: %w", cfg.Addr, err)
	}
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	return ln, nil
}

// serveRedirect answers plain HTTP on addr with a permanent redirect to the same path at the https
// public address, so a tablet that types the bare address lands on HTTPS and nothing else is
// served in clear text. The target host is always the configured one, never the request's Host.
func serveRedirect(addr, publicURL string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("AK1_HTTP_REDIRECT_ADDR %q: %w", addr, err)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			code := http.StatusMovedPermanently
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				code = http.StatusPermanentRedirect // keeps the method and body
			}
			http.Redirect(w, r, publicURL+r.URL.RequestURI(), code)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       30 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go srv.Serve(ln)
	log.Info("plain HTTP redirects to the public address", "addr", ln.Addr().String(), "to", publicURL)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}
