package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ak1/server/storage"
)

// TestCheckDataCommand: a database written by an older version (rows put in with plain SQL, as
// those versions could) holds two cards in force for one NIK, an open application beside a card,
// two open applications for another NIK, a name with U+202E and a form with a zero-width space.
// check-data reports each without the NIK or the name and exits with an error; --fix-text cleans
// the texts, audited, and leaves the NIKs to an officer; once the officer has settled them the
// check is clean.
func TestCheckDataCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := storage.Open(ctx, dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", filepath.Join(dir, "ak1.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	const nikA, nikB = "5171030708010001", "5171034101990002"
	today := time.Now().Format("2006-01-02")
	issued := time.Now().AddDate(0, 0, -10).Format("2006-01-02")
	valid := time.Now().AddDate(2, 0, -10).Format("2006-01-02")
	form := `{"nik":"%s","full_name":"Ni Luh Sari","address":"Jl. Ma` + "\u200b" + `war 1"}`
	apps := []struct {
		nik, name, state, form string
	}{
		{nikA, "I Wayan \u202eSudarma", "printed", `{"nik":"` + nikA + `"}`},
		{nikA, "I Wayan Sudarma", "handed_over", `{"nik":"` + nikA + `"}`},
		{nikB, "Ni Luh Sari", "submitted", strings.Replace(form, "%s", nikB, 1)},
		{nikB, "Ni Luh Sari", "verified", `{"nik":"` + nikB + `"}`},
		{nikA, "I Wayan Sudarma", "submitted", `{"nik":"` + nikA + `"}`},
	}
	for i, a := range apps {
		exec(`INSERT INTO applications (id, nik, full_name, birth_date, sex, state, ticket, ticket_day, status_code, source, form, created_at, updated_at)
			VALUES (?, ?, ?, '2001-08-07', 'L', ?, ?, ?, ?, 'kiosk', ?, ?, ?)`, i+1, a.nik, a.name, a.state,
			"A-00"+string(rune('1'+i)), today, "K7P-00"+string(rune('1'+i)), a.form, time.Now().UTC().Format(time.RFC3339), time.Now().UTC().Format(time.RFC3339))
	}
	for id := 1; id <= 2; id++ {
		exec(`INSERT INTO cards (id, application_id, reg_number, serial, state, issued_on, valid_until, created_at)
			VALUES (?, ?, ?, 1, 'active', ?, ?, ?)`, id, id, "5171 000000 00000"+string(rune('0'+id)), issued, valid, time.Now().UTC().Format(time.RFC3339))
	}

	env := func(k string) string { return map[string]string{"AK1_DATA_DIR": dir}[k] }
	check := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"ak1-server", "check-data"}, args...), env, &out, &out)
		return out.String(), err
	}
	out, err := check()
	if err == nil {
		t.Errorf("findings but no error (exit status 0):\n%s", out)
	}
	for _, want := range []string{
		"NIK 5171********0001 memegang 2 kartu yang masih berlaku: kartu 1 di /petugas/kartu/1, kartu 2 di /petugas/kartu/2.",
		"NIK 5171********0002 punya 2 permohonan terbuka: permohonan 3 di /petugas/permohonan/3, permohonan 4 di /petugas/permohonan/4.",
		"NIK 5171********0001 punya permohonan terbuka (permohonan 5 di /petugas/permohonan/5) padahal kartunya masih berlaku (kartu 1 di /petugas/kartu/1).",
		"Teks applications.full_name baris 1: karakter tak terlihat U+202E\n",
		"Teks applications.form baris 3: karakter tak terlihat U+200B\n",
		"ak1-server check-data --fix-text",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	for _, private := range []string{nikA, nikB, "Sudarma", "Mawar"} {
		if strings.Contains(out, private) {
			t.Errorf("report shows personal data %q:\n%s", private, out)
		}
	}
	var name, stored string
	raw.QueryRowContext(ctx, `SELECT full_name FROM applications WHERE id = 1`).Scan(&name)
	if name != "I Wayan \u202eSudarma" {
		t.Fatalf("the check without --fix-text changed a name: %q", name)
	}

	out, err = check("--fix-text")
	if err == nil || !strings.Contains(out, "Teks dibersihkan: 2 ") || strings.Count(out, "— dibersihkan") != 2 {
		t.Fatalf("fix: %v\n%s", err, out)
	}
	raw.QueryRowContext(ctx, `SELECT full_name FROM applications WHERE id = 1`).Scan(&name)
	raw.QueryRowContext(ctx, `SELECT form FROM applications WHERE id = 3`).Scan(&stored)
	if want := `{"nik":"` + nikB + `","full_name":"Ni Luh Sari","address":"Jl. Mawar 1"}`; name != "I Wayan Sudarma" || stored != want {
		t.Errorf("after --fix-text: name %q, form %q (want %q)", name, stored, want)
	}
	var audited int
	raw.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE actor = 'check-data' AND action = 'text-cleaned'
		AND application_id IN (1, 3) AND detail LIKE 'applications.%'`).Scan(&audited)
	if audited != 2 {
		t.Errorf("%d audit rows for the 2 cleaned texts", audited)
	}
	var found int // the name index follows the cleaned name
	raw.QueryRowContext(ctx, `SELECT count(*) FROM applications_fts WHERE applications_fts MATCH 'Sudarma'`).Scan(&found)
	if found != 3 {
		t.Errorf("name index finds %d of the 3 Sudarma applications", found)
	}

	out, err = check()
	if err == nil || strings.Contains(out, "Teks ") || !strings.Contains(out, "memegang 2 kartu") {
		t.Errorf("second run: the texts are clean, the NIKs are still for an officer: %v\n%s", err, out)
	}
	// The officer settles them: one card cancelled, the extra applications rejected.
	exec(`UPDATE cards SET state = 'cancelled' WHERE id = 2`)
	exec(`UPDATE applications SET state = 'rejected' WHERE id IN (4, 5)`)
	out, err = check()
	if err != nil || !strings.Contains(out, "Tidak ada temuan") {
		t.Errorf("settled database: %v\n%s", err, out)
	}
}

// TestCheckDataUsesTheOfficesReportWindow: whether a card without its first report is still in
// force depends on the office's AK1_REPORT_GRACE_DAYS; check-data judges it as the server does.
// Two cards of one NIK, 20 days past their first report's due date: in force with the default 30
// days of grace (a finding), lapsed with 10 (nothing to do).
func TestCheckDataUsesTheOfficesReportWindow(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := storage.Open(ctx, dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", filepath.Join(dir, "ak1.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	const nik = "5171030708010001"
	now := time.Now().UTC().Format(time.RFC3339)
	issued := time.Now().AddDate(0, -6, -20)
	for id := 1; id <= 2; id++ {
		if _, err := raw.ExecContext(ctx, `INSERT INTO applications (id, nik, full_name, birth_date, sex, state, ticket, ticket_day,
			status_code, source, form, created_at, updated_at) VALUES (?, ?, 'I Wayan Sudarma', '2001-08-07', 'L', 'handed_over', ?, ?, ?, 'kiosk', '{}', ?, ?)`,
			id, nik, fmt.Sprintf("A-00%d", id), issued.Format("2006-01-02"), fmt.Sprintf("K7P-00%d", id), now, now); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, `INSERT INTO cards (id, application_id, reg_number, serial, state, issued_on, valid_until, created_at)
			VALUES (?, ?, ?, 1, 'active', ?, ?, ?)`, id, id, fmt.Sprintf("5171 000000 00000%d", id), issued.Format("2006-01-02"),
			issued.AddDate(2, 0, 0).Format("2006-01-02"), now); err != nil {
			t.Fatal(err)
		}
	}
	check := func(grace string) (string, error) {
		env := func(k string) string {
			return map[string]string{"AK1_DATA_DIR": dir, "AK1_REPORT_GRACE_DAYS": grace}[k]
		}
		var out bytes.Buffer
		err := run(ctx, []string{"ak1-server", "check-data"}, env, &out, &out)
		return out.String(), err
	}
	if out, err := check(""); err == nil || !strings.Contains(out, "memegang 2 kartu yang masih berlaku") {
		t.Errorf("default grace of 30 days: %v\n%s", err, out)
	}
	if out, err := check("10"); err != nil || strings.Contains(out, "kartu yang masih berlaku") {
		t.Errorf("grace of 10 days: the cards have lapsed, nothing to do: %v\n%s", err, out)
	}
	if out, err := check("sepuluh"); err == nil || !strings.Contains(err.Error(), "AK1_REPORT_GRACE_DAYS") {
		t.Errorf("a grace that is no number: %v\n%s", err, out)
	}
}
