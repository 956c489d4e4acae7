package storage_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"ak1/server/storage"
)

// BenchmarkSubmitApplication measures how many kiosk submissions per second SQLite takes: the
// whole SubmitApplication transaction (next ticket of the day, the application row, the audit
// row, the draft deleted) on a real database file, from 8 goroutines at once as from several
// kiosks; the single writer connection puts them in a queue.
//
//	go test -run='^$' -bench=SubmitApplication -benchtime=3000x ./server/storage
func BenchmarkSubmitApplication(b *testing.B) {
	ctx := context.Background()
	db, err := storage.Open(ctx, b.TempDir(), newClock(time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)).Now)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var serial atomic.Int64
	b.SetParallelism(4) // 4 × GOMAXPROCS goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			f := testForm(1)
			f.NIK = fmt.Sprintf("517103%010d", serial.Add(1))
			if _, err := db.SubmitApplication(ctx, f, "kiosk", "kiosk", ""); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
}
