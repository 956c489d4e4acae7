package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

func ids(items []storage.QueueItem) []int64 {
	var out []int64
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func submitNamed(t *testing.T, db *storage.DB, serial int, name string) *domain.Application {
	t.Helper()
	f := testForm(serial)
	f.FullName = name
	return submit(t, db, f)
}

// TestSearchBestMatchFirst: the full name as typed comes first, then names holding the typed
// words in that order, then names holding every word anywhere (the last typed word as a
// beginning); newest first within each; case and diacritics do not matter; a state filter applies.
func TestSearchBestMatchFirst(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	anywhere := submitNamed(t, db, 1, "Ni Wayan Sari Agustina")
	inOrderOld := submitNamed(t, db, 2, "I Wayan Agus Putra")
	starts := submitNamed(t, db, 3, "Wayan Agus Suardana")
	submitNamed(t, db, 4, "I Made Agus Wirawan")
	inOrderNew := submitNamed(t, db, 5, "I Wayan Agus Wirawan")
	exact := submitNamed(t, db, 6, "Wayan Agus")
	sister := submitNamed(t, db, 7, "Ni Wayan Agus Putri")

	for _, q := range []string{"wayan agus", "WAYAN  Agus", "Wayán Agus"} {
		items, err := db.Queue(ctx, storage.QueueFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{exact.ID, sister.ID, inOrderNew.ID, starts.ID, inOrderOld.ID, anywhere.ID}
		if q == "Wayán Agus" { // the full name is compared letter for letter: found among the rest
			want = []int64{sister.ID, exact.ID, inOrderNew.ID, starts.ID, inOrderOld.ID, anywhere.ID}
		}
		if fmt.Sprint(ids(items)) != fmt.Sprint(want) {
			t.Errorf("search %q = %v, want %v", q, ids(items), want)
		}
	}
	// The last word may be half typed; the words before it are whole.
	items, _ := db.Queue(ctx, storage.QueueFilter{Query: "agus wa"})
	if fmt.Sprint(ids(items)) != fmt.Sprint([]int64{sister.ID, exact.ID, inOrderNew.ID, starts.ID, inOrderOld.ID}) {
		t.Errorf("search \"agus wa\" = %v", ids(items))
	}
	// The full name first; I and Ni are not told apart after it.
	items, _ = db.Queue(ctx, storage.QueueFilter{Query: "i wayan agus putra"})
	if fmt.Sprint(ids(items)) != fmt.Sprint([]int64{inOrderOld.ID}) {
		t.Errorf("search \"i wayan agus putra\" = %v", ids(items))
	}
	items, _ = db.Queue(ctx, storage.QueueFilter{Query: "Ni Wayan Agus Put"})
	if fmt.Sprint(ids(items)) != fmt.Sprint([]int64{sister.ID, inOrderOld.ID}) {
		t.Errorf("search \"Ni Wayan Agus Put\" = %v", ids(items))
	}

	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	if err := db.RejectApplication(ctx, inOrderNew.ID, petugas, domain.StateSubmitted, "Bukan warga"); err != nil {
		t.Fatal(err)
	}
	items, _ = db.Queue(ctx, storage.QueueFilter{Query: "wayan agus", States: []domain.State{domain.StateSubmitted}})
	if fmt.Sprint(ids(items)) != fmt.Sprint([]int64{exact.ID, sister.ID, starts.ID, inOrderOld.ID, anywhere.ID}) {
		t.Errorf("waiting only = %v (the rejected one must be left out)", ids(items))
	}
	items, _ = db.Queue(ctx, storage.QueueFilter{Query: "wayan agus", States: []domain.State{domain.StateRejected}})
	if fmt.Sprint(ids(items)) != fmt.Sprint([]int64{inOrderNew.ID}) {
		t.Errorf("rejected only = %v", ids(items))
	}
}

// TestSearchFollowsCorrections: the name index follows a corrected name.
func TestSearchFollowsCorrections(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	app := submitNamed(t, db, 1, "I Wayan Sudarma")
	f := app.Form
	f.FullName = "I Komang Sudarma"
	if err := db.CorrectApplication(ctx, app.ID, petugas, app.State, &f, []storage.FieldChange{{Field: "full_name", Old: app.FullName, New: f.FullName}}); err != nil {
		t.Fatal(err)
	}
	if items, _ := db.Queue(ctx, storage.QueueFilter{Query: "komang"}); len(items) != 1 || items[0].FullName != "I Komang Sudarma" {
		t.Errorf("search by the corrected name = %+v", items)
	}
	if items, _ := db.Queue(ctx, storage.QueueFilter{Query: "wayan"}); len(items) != 0 {
		t.Errorf("the name before the correction still matches: %+v", items)
	}
}

// TestQueuePages: a day's queue comes in pages with the total, so the desk can say how many rows
// a page does not show.
func TestQueuePages(t *testing.T) {
	db, _ := openDB(t, newClock(morning))
	ctx := context.Background()
	var all []int64
	for i := 1; i <= 7; i++ {
		all = append(all, submit(t, db, testForm(i)).ID)
	}
	for _, c := range []struct {
		offset int
		want   []int64
	}{{0, all[:3]}, {3, all[3:6]}, {6, all[6:]}, {9, nil}} {
		p, err := db.QueuePage(ctx, storage.QueueFilter{Day: "2026-03-10", States: []domain.State{domain.StateSubmitted}, Limit: 3, Offset: c.offset})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 7 || p.More || fmt.Sprint(ids(p.Items)) != fmt.Sprint(c.want) {
			t.Errorf("offset %d: total %d more %v items %v, want 7 false %v", c.offset, p.Total, p.More, ids(p.Items), c.want)
		}
	}
	p, _ := db.QueuePage(ctx, storage.QueueFilter{Query: "wayan", Limit: 3, Offset: 3})
	if p.Total != 7 || len(p.Items) != 3 || p.Items[0].ID != all[3] {
		t.Errorf("search page 2: total %d items %v", p.Total, ids(p.Items))
	}
}

// TestSearchTicket1000: the 1,000th ticket of a day is A-1000, and the desk finds it however it is
// typed.
func TestSearchTicket1000(t *testing.T) {
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	ctx := context.Background()
	if err := db.ExecForTest(ctx, `INSERT INTO ticket_counters (day, prefix, last) VALUES ('2026-03-10', 'A', 999)`); err != nil {
		t.Fatal(err)
	}
	app := submit(t, db, testForm(1))
	if app.Ticket != "A-1000" {
		t.Fatalf("ticket = %s", app.Ticket)
	}
	clock.Set(morning.Add(24 * time.Hour))
	for _, q := range []string{"A-1000", "a1000", "A 1000"} {
		if items, err := db.Queue(ctx, storage.QueueFilter{Query: q}); err != nil || len(items) != 1 || items[0].ID != app.ID {
			t.Errorf("search %q = %v, %v", q, ids(items), err)
		}
	}
}

// TestLastCallsOneTicketOnce: the lobby shows each ticket once, at its latest call, newest first,
// and only today's calls.
func TestLastCallsOneTicketOnce(t *testing.T) {
	clock := newClock(morning)
	db, _ := openDB(t, clock)
	ctx := context.Background()
	petugas := addOfficer(t, db, "petugas", domain.RolePetugas)
	yesterday := submit(t, db, testForm(1))
	if err := db.CallApplication(ctx, yesterday.ID, petugas, "1"); err != nil {
		t.Fatal(err)
	}
	clock.Set(morning.Add(24 * time.Hour))
	a, b, c := submit(t, db, testForm(2)), submit(t, db, testForm(3)), submit(t, db, testForm(4))
	for i, call := range []struct {
		id   int64
		desk string
	}{{a.ID, "1"}, {b.ID, "2"}, {a.ID, "3"}, {c.ID, "4"}} {
		clock.Set(morning.Add(24*time.Hour + time.Duration(i+1)*time.Minute))
		if err := db.CallApplication(ctx, call.id, petugas, call.desk); err != nil {
			t.Fatal(err)
		}
	}
	calls, err := db.LastCalls(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(calls[0].Ticket, calls[0].Desk, calls[1].Ticket, calls[1].Desk, len(calls)) != fmt.Sprint(c.Ticket, "4", a.Ticket, "3", 2) {
		t.Errorf("last 2 calls = %+v", calls)
	}
	calls, _ = db.LastCalls(ctx, 7)
	if len(calls) != 3 || calls[2].Ticket != b.Ticket {
		t.Errorf("last 7 calls = %+v (yesterday's call must not show)", calls)
	}
}
