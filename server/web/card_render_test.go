package web

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ak1/server/card"
	"ak1/server/domain"
)

// TestCardOfAnS1Graduate renders the card of an S1 graduate from the Daftar Isian as the kiosk
// stores it and reads the PDF back with pdftotext: the education grid has the SD, SLTP, SLTA and S1
// rows with their schools and years (the card printed only the highest level before).
func TestCardOfAnS1Graduate(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext missing: install poppler-utils")
		}
		t.Skip("pdftotext missing (poppler-utils)")
	}
	f := deskForm(1)
	f.Apply(domain.Steps[domain.StepIndex("pendidikan")], url.Values{"edu_level": {"S1"}, "edu_code": {"6501"},
		"edu_school": {"Universitas Pendidikan Nasional"}, "edu_major": {"Manajemen"}, "edu_year": {"2023"}})
	f.Apply(domain.Steps[domain.StepIndex("riwayat")], url.Values{
		"hist_sd_school": {"SD Negeri 3 Dauh Puri Kelod"}, "hist_sd_year": {"2013"},
		"hist_sltp_school": {"SMP Negeri 10 Denpasar"}, "hist_sltp_year": {"2016"},
		"hist_slta_school": {"SMK Negeri 4 Denpasar"}, "hist_slta_major": {"Akomodasi Perhotelan"}, "hist_slta_year": {"2019"},
	})
	if errs, _ := f.Validate(domain.Rules{MinAge: 18, Today: mustDate("2026-11-27")}); len(errs) != 0 {
		t.Fatalf("the S1 graduate's form is not valid: %v", errs)
	}
	f.Normalize()
	cd := cardFromForm(f)
	cd.RegNumber, cd.IssuedOn, cd.ValidUntil = "5171 271126 000001", mustDate("2026-11-27"), mustDate("2028-11-27")
	pdf, err := card.RenderPDF(cd)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "kartu.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	// Without -layout pdftotext keeps each column's lines together, in order.
	out, err := exec.Command(pdftotext, "-f", "2", "-l", "2", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	back := strings.Join(strings.Fields(string(out)), " ")
	rows := []struct{ label, school, year string }{
		{"SD", "SD Negeri 3 Dauh Puri Kelod", "2013"}, {"SLTP", "SMP Negeri 10 Denpasar", "2016"},
		{"SLTA", "SMK Negeri 4 Denpasar", "2019"}, {"S1", "Universitas Pendidikan Nasional", "2023"},
	}
	last := -1
	for _, r := range rows {
		i := strings.Index(back, r.school)
		if i < 0 {
			t.Errorf("the card's back lacks the school %q whole:\n%s", r.school, back)
			continue
		}
		if i < last {
			t.Errorf("%s is printed before the level below it", r.label)
		}
		last = i
		for _, want := range []string{r.label, r.year} {
			if !strings.Contains(back, want) {
				t.Errorf("the card's back lacks %q of the %s row", want, r.label)
			}
		}
	}
	if strings.Contains(back, "…") {
		t.Errorf("something is cut on the back of an ordinary card:\n%s", back)
	}
}

func mustDate(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}
