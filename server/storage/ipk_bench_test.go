package storage_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// bulkIPKHistory fills the database with n registrations spread evenly from 1 January 2019 to 30
// November 2026, in a few INSERT … SELECT statements (the desk's way would take hours). Every
// application has its card, its 'issued' event, and, as the card rules would have it: 20% placed
// (with a placement row) and 60% lapsed or cancelled within two years, the rest lapsing at the end
// of their two years unless registered in the last two years. The events go through the same
// triggers as the desk's, so the ledger is built exactly as in production.
func bulkIPKHistory(tb testing.TB, db *storage.DB, n int) {
	tb.Helper()
	ctx := context.Background()
	const days = 2890 // 2019-01-01 .. 2026-11-30
	steps := []string{
		`INSERT INTO users (id, username, full_name, role, password_hash, created_at, updated_at)
			VALUES (1, 'bulk', 'Petugas Bulk', 'petugas', 'x', '2019-01-01T00:00:00.000Z', '2019-01-01T00:00:00.000Z')`,
		`CREATE TEMP TABLE bulk_edu (k INTEGER PRIMARY KEY, level TEXT, code TEXT)`,
		`INSERT INTO bulk_edu VALUES (0, 'SMA', '3801'), (1, 'SMK', '3404'), (2, 'SMK', '3101'), (3, 'S1', '6501'), (4, 'D3', '5401'),
			(5, 'SD', '1102'), (6, 'SMP/SLTP', '2101'), (7, 'S2', '7501'), (8, 'Tidak tamat SD', '1101'), (9, 'S3', '')`,
		fmt.Sprintf(`CREATE TEMP TABLE bulk AS WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %d)
			SELECT n, date('2019-01-01', '+' || (n * %d / %d) || ' days') AS reg,
				date('1960-01-01', '+' || ((n * 7919) %% 18000) || ' days') AS birth,
				CASE n %% 2 WHEN 0 THEN 'L' ELSE 'P' END AS sex,
				(n * 37) %% 10 AS edu, (n * 13) %% 10 AS kbji, (n * 31) %% 10 AS fate, (n * 131) %% 700 + 1 AS after
			FROM s`, n, days, n),
		`INSERT INTO applications (id, nik, full_name, birth_date, sex, state, ticket, ticket_day, status_code, source, form, created_at, updated_at)
			SELECT b.n, printf('5171%012d', b.n), 'Pencaker ' || b.n, b.birth, b.sex, 'handed_over', 'A-' || b.n, b.reg, 'S' || b.n, 'kiosk',
				json_object('edu_level', e.level, 'edu_code', e.code, 'edu_year', CAST(CAST(substr(b.reg, 1, 4) AS INTEGER) - b.edu % 8 AS TEXT),
					'desired_kbji', CAST(b.kbji AS TEXT)),
				b.reg || 'T01:00:00.000Z', b.reg || 'T01:00:00.000Z'
			FROM bulk b JOIN bulk_edu e ON e.k = b.edu`,
		`INSERT INTO cards (id, application_id, reg_number, serial, state, issued_on, valid_until, created_at)
			SELECT n, n, '5171 ' || n, 1, 'active', reg, date(reg, '+2 years'), reg || 'T01:00:00.000Z' FROM bulk`,
		`INSERT INTO card_events (id, card_id, application_id, kind, to_state, on_day, at, actor, ipk)
			SELECT n, n, n, 'issued', 'active', reg, reg || 'T01:00:00.000Z', 'user:1', 'terdaftar' FROM bulk`,
		// Placed (fate 0, 1), lapsed or cancelled (2–7) some days after registering; the rest lapse
		// when their two years are over, if that day has come.
		`CREATE TEMP TABLE bulk_end AS SELECT n, CASE WHEN fate < 2 THEN 'placed' WHEN fate < 8 THEN 'lapsed' ELSE 'lapsed' END AS kind,
				CASE WHEN fate < 8 THEN date(reg, '+' || after || ' days') ELSE date(reg, '+2 years', '+1 day') END AS day,
				CASE WHEN fate < 2 THEN 'ditempatkan' ELSE 'dihapuskan' END AS ipk
			FROM bulk`,
		`DELETE FROM bulk_end WHERE day > '2026-11-30'`,
		`CREATE UNIQUE INDEX bulk_end_n ON bulk_end(n)`,
		`INSERT INTO card_events (id, card_id, application_id, kind, from_state, to_state, on_day, at, actor, ipk)
			SELECT 2000000000 + n, n, n, kind, 'active', kind, day, day || 'T01:00:00.000Z', 'system', ipk FROM bulk_end ORDER BY n`,
		`UPDATE cards SET state = e.kind FROM bulk_end e WHERE e.n = cards.id`,
		`INSERT INTO placements (card_id, application_id, event_id, employer, kbli, employer_type, position, kbji, start_on, location,
				placement_type, source, user_id, recorded_on, at)
			SELECT n, n, 2000000000 + n, 'PT Contoh', 'I', CASE n % 3 WHEN 0 THEN '4' WHEN 1 THEN '6' ELSE '2' END, 'Staf', '5',
				day, 'lokal', CASE n % 3 WHEN 0 THEN 'AKL' WHEN 1 THEN 'AKAD' ELSE 'AKAN' END, 'desk', 1, day, day || 'T01:00:00.000Z'
			FROM bulk_end WHERE kind = 'placed'`,
		`DROP TABLE bulk`, `DROP TABLE bulk_end`, `DROP TABLE bulk_edu`,
		`ANALYZE`,
	}
	for _, q := range steps {
		if err := db.ExecForTest(ctx, q); err != nil {
			tb.Fatalf("%.80s…: %v", q, err)
		}
	}
}

// BenchmarkIPKMonth counts the whole report of November 2026 (III/1–III/8, with the quarterly
// tables of the fourth quarter) over 1,000,000 applications (docs/benchmarks.md).
func BenchmarkIPKMonth(b *testing.B) {
	ctx := context.Background()
	clock := newClock(time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC))
	db, err := storage.Open(ctx, b.TempDir(), clock.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	bulkIPKHistory(b, db, 1_000_000)
	b.Logf("generated 1,000,000 applications in %v", time.Since(start).Round(time.Second))
	nov, _ := domain.ParseMonth("2026-12")
	nov = nov.Previous()
	r, err := db.ComputeIPK(ctx, nov, domain.DefaultReportSettings)
	if err != nil {
		b.Fatal(err)
	}
	c := r.Table(domain.TableIII1).Parts[0].Rows
	b.Logf("November 2026: %d not placed at the start, %d registered, %d placed, %d removed, %d at the end",
		c[0].Cells[12].N, c[1].Cells[12].N, c[3].Cells[12].N, c[4].Cells[12].N, c[6].Cells[12].N)
	b.Run("report", func(b *testing.B) {
		cpu := cpuTime()
		for b.Loop() {
			if _, err := db.ComputeIPK(ctx, nov, domain.DefaultReportSettings); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
	// The people behind the biggest figure (everyone still registered at the month's end), first page.
	b.Run("people", func(b *testing.B) {
		f := domain.NewFigure(nov, domain.MeasureEnd)
		cpu := cpuTime()
		for b.Loop() {
			if _, _, err := db.IPKPeople(ctx, f, 100, 0); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
}

// cpuTime is the processor time this process has used. The machine runs other work beside the
// benchmarks; the processor time per operation says what the work costs, whatever else runs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64((cpuTime()-since).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// TestIPKBulkHistory checks the benchmark's generated history the way TestIPKGeneratedHistory
// checks the desk's: the months balance, and the counts agree with the raw events.
func TestIPKBulkHistory(t *testing.T) {
	ctx := context.Background()
	clock := newClock(time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC))
	db, _ := openDB(t, clock)
	bulkIPKHistory(t, db, 20_000)
	for _, month := range []string{"2020-02", "2024-12", "2026-11"} {
		m, _ := domain.ParseMonth(month)
		r, err := db.ComputeIPK(ctx, m, domain.DefaultReportSettings)
		if err != nil {
			t.Fatal(err)
		}
		checkIII1(t, r.Table(domain.TableIII1))
		checkMeasureRows(t, r.Table(domain.TableIII2), 2)
		want := expectedIII1(t, db, m)
		total := 0
		for _, v := range want {
			total += v[4]
		}
		if got := r.Table(domain.TableIII1).Parts[0].Rows[6].Cells[12].N; got != total || total == 0 {
			t.Errorf("%s: %d at the end, %d from the events", month, got, total)
		}
	}
}
