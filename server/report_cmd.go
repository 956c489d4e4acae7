package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"ak1/server/domain"
	"ak1/server/report"
	"ak1/server/storage"
)

const reportUsage = "usage: ak1-server report ipk --month YYYY-MM --out FILE.xlsx|FILE.pdf [--data-dir DIR] [--ipk-quarterly III/3,III/5,III/6]"

// reportCommand writes the IPK report of a month to a file, for a cron job: the file stored at the
// Kasi's approval when the month is approved (byte for byte), otherwise the report counted now and
// marked as a draft.
func reportCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "ipk" {
		return errors.New(reportUsage)
	}
	fs := flag.NewFlagSet("report ipk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	month := fs.String("month", "", "month of the report, e.g. 2026-11")
	out := fs.String("out", "", "file to write: .xlsx (Excel workbook) or .pdf (A4 landscape)")
	quarterly := fs.String("ipk-quarterly", envOr(getenv, "AK1_IPK_QUARTERLY", strings.Join(domain.DefaultQuarterly, ",")),
		"IPK tables counted per quarter, or - for none (AK1_IPK_QUARTERLY)")
	db, err := openForCLI(ctx, fs, args[1:], getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := domain.ParseMonth(*month)
	if err != nil {
		return fmt.Errorf("report ipk --month: %w\n%s", err, reportUsage)
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	if format != storage.FormatXLSX && format != storage.FormatPDF {
		return fmt.Errorf("report ipk --out %q: the file must end in .xlsx or .pdf\n%s", *out, reportUsage)
	}
	settings := domain.ReportSettings{}
	if settings.Quarterly, err = domain.ParseQuarterly(*quarterly); err != nil {
		return fmt.Errorf("report ipk --ipk-quarterly: %w", err)
	}
	data, err := db.ApprovedIPKFile(ctx, m, format)
	state := "approved by the Kasi IPK (the stored file)"
	if errors.Is(err, storage.ErrNotFound) {
		state = "draft, not approved"
		var r *domain.IPKReport
		if r, err = db.ComputeIPK(ctx, m, settings); err != nil {
			return err
		}
		st, err := db.IPKStatus(ctx, m)
		if err != nil {
			return err
		}
		r.State, r.MadeBy, r.MadeAt = st.State, st.MadeBy, st.MadeAt
		if format == storage.FormatXLSX {
			data, err = report.IPKXLSX(r)
		} else {
			data, err = report.IPKPDF(r)
		}
	}
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, data, 0o640); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "IPK report %s (%s): %d bytes written to %s\n", m.Key(), state, len(data), *out)
	return nil
}
