package domain

import (
	"testing"
	"time"
)

func TestFormatRegNumber(t *testing.T) {
	// 23:30 UTC on 9 March is 07:30 WITA on 10 March: the office date counts.
	at := time.Date(2026, 3, 9, 23, 30, 0, 0, time.UTC)
	cases := []struct{ pattern, want string }{
		{DefaultRegNoPattern, "5171 100326 000042"},
		{"5171.YYYY.NNNN", "5171.2026.0042"},
		{"NN/MM/YY", "42/03/26"},
		{"5171 DDMMYY NN", "5171 100326 42"},
	}
	for _, c := range cases {
		if err := CheckRegNoPattern(c.pattern); err != nil {
			t.Fatalf("CheckRegNoPattern(%q): %v", c.pattern, err)
		}
		if got := FormatRegNumber(c.pattern, at, 42); got != c.want {
			t.Errorf("FormatRegNumber(%q) = %q, want %q", c.pattern, got, c.want)
		}
	}
	for _, bad := range []string{"5171 DDMMYY", "NNN-NNN", "5171 X NNN", ""} {
		if CheckRegNoPattern(bad) == nil {
			t.Errorf("CheckRegNoPattern(%q) accepted", bad)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	if _, err := HashPassword("pendek"); err != ErrWeakPassword {
		t.Fatalf("short password: %v", err)
	}
	h, err := HashPassword("rahasia-sekali-123")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "rahasia-sekali-123") || CheckPassword(h, "rahasia-sekali-124") {
		t.Fatal("CheckPassword disagrees with HashPassword")
	}
}
