package storage_test

import (
	"testing"

	"ak1/server/storage"
)

// TestStatusCodeNeverTwice: a new application never gets a status code another one has. Codes are
// random out of 31^6; at a million applications one new code in 900 is taken, and the submission
// used to fail on the unique index.
func TestStatusCodeNeverTwice(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	defer storage.StatusCodesForTest("K7P-4QX", "K7P-4QX", "K7P-4QX", "M3N-8RT")()
	first := submit(t, db, testForm(1))
	second := submit(t, db, testForm(2))
	if first.StatusCode != "K7P-4QX" || second.StatusCode != "M3N-8RT" {
		t.Fatalf("codes %s and %s", first.StatusCode, second.StatusCode)
	}
}
