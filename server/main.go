// Command ak1-server runs AK1 Denpasar: the kiosk, the officer desk and the print-job API.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ak1-server:", err)
		os.Exit(1)
	}
}

// run dispatches the subcommands; without one it serves.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	rest := args[1:]
	cmd := "serve"
	if len(rest) > 0 && rest[0] != "" && rest[0][0] != '-' {
		cmd, rest = rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "demo":
		return demoCommand(ctx, rest, getenv, stdout, stderr)
	case "station":
		return stationCommand(ctx, rest, getenv, stdout, stderr)
	case "user":
		return userCommand(ctx, rest, getenv, os.Stdin, stdout, stderr)
	case "report":
		return reportCommand(ctx, rest, getenv, stdout, stderr)
	case "tls":
		return tlsCommand(rest, stdout, stderr)
	case "backup":
		return backupCommand(ctx, rest, getenv, stdout, stderr)
	case "restore":
		return restoreCommand(ctx, rest, getenv, stdout, stderr)
	case "check-data":
		return checkDataCommand(ctx, rest, getenv, stdout, stderr)
	default:
		return fmt.Errorf("unknown command %q (known: serve, user, station, report, demo, tls, backup, restore, check-data)", cmd)
	}
}
