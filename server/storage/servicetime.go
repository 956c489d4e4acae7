package storage

import (
	"context"
	"time"

	"ak1/server/domain"
)

// ServiceVisits returns the recorded moments of every application with a step taken between from
// and to: when its ticket was taken and the first time each step was taken, earlier steps included,
// so an interval that began before the period and ended in it is measured whole.
func (db *DB) ServiceVisits(ctx context.Context, from, to time.Time) ([]domain.ServiceVisit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, a.created_at, s.step, min(s.at)
		FROM applications a JOIN step_events s ON s.application_id = a.id
		WHERE a.id IN (SELECT application_id FROM step_events WHERE at >= ? AND at < ?)
		GROUP BY a.id, s.step ORDER BY a.id`, formatTime(from), formatTime(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.ServiceVisit
	for rows.Next() {
		var id int64
		var created, step, at string
		if err := rows.Scan(&id, &created, &step, &at); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ApplicationID != id {
			out = append(out, domain.ServiceVisit{ApplicationID: id, Steps: map[domain.SOPStep]time.Time{domain.StepTicket: parseTime(created)}})
		}
		out[len(out)-1].Steps[domain.SOPStep(step)] = parseTime(at)
	}
	return out, rows.Err()
}
