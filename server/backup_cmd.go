package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"ak1/server/card"
	"ak1/server/storage"
)

// keyFiles are the data-folder files a backup carries besides the database. The card-signing key
// matters most: without it every card already issued reads as forged. The CSRF key only keeps open
// pages valid across a restore.
var keyFiles = []string{card.KeyFileName, "csrf.key"}

// backupPrefix names the files of a backup folder; the time after it sorts like the time.
const backupPrefix = "ak1-"

// backupCommand: `backup --out FILE` or `backup --dir DIR --keep N` (for the daily timer).
func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("backup", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dataDir := flags.String("data-dir", envOr(getenv, "AK1_DATA_DIR", "./data"), "data folder of the live server (AK1_DATA_DIR)")
	out := flags.String("out", "", "write the backup to this new file")
	dir := flags.String("dir", getenv("AK1_BACKUP_DIR"), "or: write ak1-YYYYMMDD-HHMMSS.db into this folder (AK1_BACKUP_DIR)")
	keepDefault := 14
	if v := getenv("AK1_BACKUP_KEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("AK1_BACKUP_KEEP %q: expected a number of copies", v)
		}
		keepDefault = n
	}
	keep := flags.Int("keep", keepDefault, "with --dir: keep this many newest copies, delete older ones (AK1_BACKUP_KEEP)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	switch {
	case (*out == "") == (*dir == ""):
		return errors.New("backup: give either --out FILE or --dir DIR")
	case *dir != "" && *keep < 1:
		return fmt.Errorf("backup: --keep %d: keep at least one copy", *keep)
	}
	target := *out
	if *dir != "" {
		if err := os.MkdirAll(*dir, 0o700); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		target = filepath.Join(*dir, backupPrefix+time.Now().Format("20060102-150405")+".db")
	}
	files := map[string][]byte{}
	for _, name := range keyFiles {
		b, err := os.ReadFile(filepath.Join(*dataDir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		files[name] = b
	}
	if _, ok := files[card.KeyFileName]; !ok {
		fmt.Fprintf(stderr, "warning: %s has no %s: the backup cannot vouch for cards printed so far\n", *dataDir, card.KeyFileName)
	}
	start := time.Now()
	info, err := storage.Backup(ctx, *dataDir, target, files)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fi, _ := os.Stat(target)
	var size int64
	if fi != nil {
		size = fi.Size()
	}
	fmt.Fprintf(stdout, "backup %s: %d applications, schema %d, %d bytes, integrity ok, %s\n",
		target, info.Applications, info.SchemaVersion, size, time.Since(start).Round(time.Millisecond))
	if *dir != "" {
		removed, err := storage.RotateBackups(*dir, backupPrefix, *keep)
		for _, r := range removed {
			fmt.Fprintf(stdout, "removed old backup %s\n", r)
		}
		if err != nil {
			return fmt.Errorf("backup: rotate: %w", err)
		}
	}
	return nil
}

// restoreCommand: `restore --from FILE` into the data folder, only while no server runs on it.
func restoreCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("restore", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dataDir := flags.String("data-dir", envOr(getenv, "AK1_DATA_DIR", "./data"), "data folder to restore into (AK1_DATA_DIR)")
	from := flags.String("from", "", "backup file made by `ak1-server backup`")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("restore: --from FILE is required")
	}
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	release, err := lockDataDir(*dataDir)
	if err != nil {
		return fmt.Errorf("restore refused: %w", err)
	}
	defer release()
	now := time.Now()
	info, moved, err := storage.Restore(ctx, *from, *dataDir, now)
	for _, m := range moved {
		fmt.Fprintf(stdout, "previous file kept as %s\n", m)
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for _, name := range keyFiles {
		content, ok := info.Files[name]
		if !ok {
			continue
		}
		kept, err := putKeyFile(filepath.Join(*dataDir, name), content, now)
		if err != nil {
			return fmt.Errorf("restore %s: %w", name, err)
		}
		if kept != "" {
			fmt.Fprintf(stdout, "previous %s kept as %s\n", name, kept)
		}
	}
	if _, ok := info.Files[card.KeyFileName]; !ok {
		fmt.Fprintf(stderr, "warning: the backup holds no %s: cards printed before it will read as not genuine unless the old key is put back\n", card.KeyFileName)
	}
	fmt.Fprintf(stdout, "restored %s into %s: %d applications, integrity ok\n", *from, *dataDir, info.Applications)
	return nil
}

// putKeyFile writes a key from a backup, moving a different existing key aside instead of losing it.
func putKeyFile(path string, content []byte, now time.Time) (keptAs string, err error) {
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, content):
		return "", nil
	case err == nil:
		keptAs = path + ".before-restore-" + now.Format("20060102-150405")
		if err := os.Rename(path, keptAs); err != nil {
			return "", err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return "", err
	}
	tmp := path + ".restoring"
	os.Remove(tmp)
	if err := os.WriteFile(tmp, content, 0o600); err != nil {
		return keptAs, err
	}
	return keptAs, os.Rename(tmp, path)
}
