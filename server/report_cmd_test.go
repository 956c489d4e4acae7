package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/report"
	"ak1/server/storage"
)

// TestReportCommand: `report ipk` writes a month's report for a cron job: a draft counted now while
// the month is not approved, the stored file byte for byte once it is; a wrong month or file name
// is refused with what to write.
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	now := time.Date(2025, 3, 10, 1, 0, 0, 0, time.UTC)
	db, err := storage.Open(ctx, dir, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	petugas, _ := db.CreateUser(ctx, domain.Officer{Username: "petugas", FullName: "Ni Luh Petugas", Role: domain.RolePetugas}, "x")
	pengantar, _ := db.CreateUser(ctx, domain.Officer{Username: "pengantar", FullName: "I Made Pengantar", NIP: "198001012010011001", Role: domain.RolePengantar}, "x")
	kasi, _ := db.CreateUser(ctx, domain.Officer{Username: "kasi", FullName: "I Made Kasi", NIP: "197001011995031001", Role: domain.RoleKasi}, "x")
	f := &domain.Form{NIK: "5171030708010001", FullName: "I Wayan Sudarma", BirthDay: "7", BirthMonth: "8", BirthYear: "2001", Sex: "L",
		EduLevel: "SMA", EduCode: "3801", EduYear: "2019", DesiredKBJI: "5"}
	app, err := db.SubmitApplication(ctx, f, "kiosk", "kiosk", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetDocuments(ctx, app.ID, petugas, []string{"ktp", "foto", "ijazah"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SavePhoto(ctx, app.ID, petugas, []byte{0xff, 0xd8, 0xff}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Approve(ctx, storage.Approval{ApplicationID: app.ID, UserID: petugas, PengantarID: pengantar, Pattern: domain.DefaultRegNoPattern}); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string { return map[string]string{"AK1_DATA_DIR": dir}[k] }
	cmd := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"ak1-server", "report"}, args...), env, &out, &out)
		return out.String(), err
	}
	xlsx, pdf := filepath.Join(dir, "ipk-2025-03.xlsx"), filepath.Join(dir, "ipk-2025-03.pdf")
	for path, magic := range map[string]string{xlsx: "PK", pdf: "%PDF"} {
		out, err := cmd("ipk", "--month", "2025-03", "--out", path)
		b, _ := os.ReadFile(path)
		if err != nil || !strings.Contains(out, "draft") || !bytes.HasPrefix(b, []byte(magic)) {
			t.Fatalf("draft %s: %v\n%s", path, err, out)
		}
	}
	for _, bad := range [][]string{{"ipk", "--month", "2025-13", "--out", xlsx}, {"ipk", "--month", "2025-03", "--out", "laporan.doc"}, {"bulanan"}} {
		if out, err := cmd(bad...); err == nil || !strings.Contains(err.Error(), "usage:") {
			t.Errorf("%v: %v\n%s", bad, err, out)
		}
	}
	now = time.Date(2025, 4, 2, 1, 0, 0, 0, time.UTC)
	m, _ := domain.ParseMonth("2025-03")
	if err := db.SubmitIPK(ctx, m, petugas); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApproveIPK(ctx, m, domain.DefaultReportSettings, kasi, func(r *domain.IPKReport) ([]byte, []byte, error) {
		x, err := report.IPKXLSX(r)
		if err != nil {
			return nil, nil, err
		}
		p, err := report.IPKPDF(r)
		return x, p, err
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, format := range []string{"xlsx", "pdf"} {
		path := filepath.Join(dir, "approved."+format)
		out, err := cmd("ipk", "--month", "2025-03", "--out", path)
		if err != nil || !strings.Contains(out, "approved by the Kasi IPK") {
			t.Fatalf("approved %s: %v\n%s", format, err, out)
		}
		db, err := storage.Open(ctx, dir, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := db.ApprovedIPKFile(ctx, m, format)
		db.Close()
		got, _ := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, stored) {
			t.Fatalf("approved %s is not the stored file: %v", format, err)
		}
	}
}
