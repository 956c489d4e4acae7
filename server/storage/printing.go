package storage

import (
	"context"
	"database/sql"
	"time"
)

// PrintJobQueued is the state of a print job waiting for a station.
const PrintJobQueued = "queued"

// QueuePrintJob adds a print job for a card inside the caller's transaction (approval and reprint
// both create the card and its job in one transaction), and returns the job id.
func QueuePrintJob(ctx context.Context, tx *sql.Tx, cardID int64, now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO print_jobs (card_id, state, created_at, updated_at) VALUES (?, ?, ?, ?)`,
		cardID, PrintJobQueued, formatTime(now), formatTime(now))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
