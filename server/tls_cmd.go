package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"ak1/server/tlsca"
)

// lockFileName is held (flock) by a serving ak1-server for as long as it runs.
const lockFileName = "ak1.lock"

// lockDataDir takes the data folder's lock without waiting. The kernel drops it when the process
// ends, however it ends, so a crashed server never leaves a stale lock behind.
func lockDataDir(dir string) (release func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFileName), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("an ak1-server is running on the data folder %s (stop it first, e.g. systemctl stop ak1-server)", dir)
		}
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	f.Truncate(0)
	fmt.Fprintf(f, "%d\n", os.Getpid()) // for a person wondering who holds it
	return func() { f.Close() }, nil
}

// tlsCommand: `tls init --host 10.0.0.5 --host ak1.lan --out DIR`.
func tlsCommand(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "init" {
		return errors.New("usage: ak1-server tls init --host ADDRESS [--host NAME ...] --out DIR")
	}
	flags := flag.NewFlagSet("tls init", flag.ContinueOnError)
	flags.SetOutput(stderr)
	var hosts multiFlag
	flags.Var(&hosts, "host", "IP address or name the tablets use to reach the server (repeat for each)")
	out := flags.String("out", "", "folder for the certificate files (an existing CA in it is reused)")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("tls init: --out DIR is required")
	}
	res, err := tlsca.Init(*out, hosts, time.Now())
	if err != nil {
		return fmt.Errorf("tls init: %w", err)
	}
	abs := func(name string) string {
		p, err := filepath.Abs(filepath.Join(*out, name))
		if err != nil {
			return filepath.Join(*out, name)
		}
		return p
	}
	if res.NewCA {
		fmt.Fprintf(stdout, "New certificate authority: %s\n", abs(tlsca.CACertFile))
		fmt.Fprintf(stdout, "  Install it on every tablet, the kiosk PC and the print station (docs/deploy.md).\n")
		fmt.Fprintf(stdout, "  Its key %s signs renewals: copy it to the office's backup medium and remove it from this machine.\n", abs(tlsca.CAKeyFile))
	} else {
		fmt.Fprintf(stdout, "Renewed with the existing certificate authority %s: devices need nothing new.\n", abs(tlsca.CACertFile))
	}
	fmt.Fprintf(stdout, "Server certificate for %s, valid until %s:\n", strings.Join(hosts, ", "), res.NotAfter.Format(time.DateOnly))
	fmt.Fprintf(stdout, "  AK1_TLS_CERT=%s\n  AK1_TLS_KEY=%s\n", abs(tlsca.CertFile), abs(tlsca.KeyFile))
	fmt.Fprintf(stdout, "  AK1_PUBLIC_URL=https://%s\n", hosts[0])
	fmt.Fprintf(stdout, "Print station: AK1_CA=%s\n", abs(tlsca.CACertFile))
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
