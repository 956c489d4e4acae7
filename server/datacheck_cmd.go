package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"ak1/server/domain"
	"ak1/server/storage"
)

// checkDataActor is the audit actor of the texts check-data cleans.
const checkDataActor = "check-data"

// checkDataCommand: `check-data [--fix-text]` looks for rows an older version could write and the
// rules of today refuse (docs/deploy.md, "After an upgrade"). It prints what it found, for an office
// technician, and returns an error (exit status 1) when something is left to do, so a cron job or
// the upgrade step notices. Only --fix-text changes anything: it cleans the texts; two cards or two
// open applications of one NIK are for an officer to settle.
func checkDataCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check-data", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fix := fs.Bool("fix-text", false, "clean the texts found (one transaction, each change audited as check-data)")
	db, err := openForCLI(ctx, fs, args, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	if *fix {
		fmt.Fprintln(stdout, "Pemeriksaan data AK1: teks dibersihkan, NIK ganda hanya dilaporkan.")
	} else {
		fmt.Fprintln(stdout, "Pemeriksaan data AK1 (hanya membaca, tidak ada yang diubah).")
	}
	niks, err := db.CheckNIKs(ctx)
	if err != nil {
		return fmt.Errorf("check-data: %w", err)
	}
	for _, f := range niks {
		fmt.Fprintln(stdout, nikLine(f))
	}
	var texts []storage.TextFinding
	if *fix {
		texts, err = db.FixTexts(ctx, checkDataActor)
	} else {
		err = db.CheckTexts(ctx, func(f storage.TextFinding) error {
			texts = append(texts, storage.TextFinding{Table: f.Table, Column: f.Column, RowID: f.RowID,
				ApplicationID: f.ApplicationID, What: f.What, Err: f.Err})
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("check-data: %w", err)
	}
	cleaned, left := 0, 0
	for _, f := range texts {
		line := textLine(f)
		switch {
		case f.Err != "":
			left++
			line += " — TIDAK dibersihkan: " + f.Err
		case *fix:
			cleaned++
			line += " — dibersihkan"
		default:
			left++
		}
		fmt.Fprintln(stdout, line)
	}
	if *fix {
		fmt.Fprintf(stdout, "Teks dibersihkan: %d (masing-masing tercatat di audit_log oleh %q).\n", cleaned, checkDataActor)
	}
	if len(niks) == 0 && left == 0 {
		fmt.Fprintln(stdout, "Tidak ada temuan: data sesuai dengan aturan versi ini.")
		return nil
	}
	var todo []string
	if len(niks) > 0 {
		todo = append(todo, fmt.Sprintf("%d NIK ganda untuk diputuskan petugas di halaman yang disebut", len(niks)))
	}
	if left > 0 {
		todo = append(todo, fmt.Sprintf("%d teks berisi karakter tersembunyi", left))
		if !*fix {
			todo[len(todo)-1] += " (bersihkan dengan: ak1-server check-data --fix-text)"
		}
	}
	fmt.Fprintln(stdout, "Perlu ditangani: "+strings.Join(todo, "; ")+".")
	return fmt.Errorf("check-data: %s", strings.Join(todo, "; "))
}

// nikLine tells the technician what is wrong with a NIK and on which page an officer settles it;
// the NIK is masked (the report may be mailed or kept in a log).
func nikLine(f storage.NIKFinding) string {
	nik := "NIK " + domain.MaskNIK(f.NIK)
	switch f.Kind {
	case storage.NIKTwoCards:
		return fmt.Sprintf("%s memegang %d kartu yang masih berlaku: %s. Petugas memilih kartu yang tetap berlaku dan membatalkan yang lain di halaman kartu itu.",
			nik, len(f.CardIDs), pages("kartu", "/petugas/kartu/", f.CardIDs))
	case storage.NIKOpenWithCard:
		return fmt.Sprintf("%s punya permohonan terbuka (%s) padahal kartunya masih berlaku (%s). Petugas menolak permohonan itu di halamannya, atau membatalkan kartu lama bila memang diganti.",
			nik, pages("permohonan", "/petugas/permohonan/", f.ApplicationIDs), pages("kartu", "/petugas/kartu/", f.CardIDs))
	default:
		return fmt.Sprintf("%s punya %d permohonan terbuka: %s. Petugas meneruskan satu dan menolak yang lain di halaman permohonannya.",
			nik, len(f.ApplicationIDs), pages("permohonan", "/petugas/permohonan/", f.ApplicationIDs))
	}
}

func pages(what, path string, ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("%s %d di %s%d", what, id, path, id)
	}
	return strings.Join(parts, ", ")
}

// textLine names a text by table, column and row id, never by its content.
func textLine(f storage.TextFinding) string {
	line := "Teks " + f.Table + "." + f.Column + " baris " + strconv.FormatInt(f.RowID, 10)
	if f.ApplicationID != 0 && f.Table != "applications" {
		line += " (permohonan " + strconv.FormatInt(f.ApplicationID, 10) + ")"
	}
	return line + ": " + f.What
}
