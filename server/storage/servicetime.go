package storage

import (
	"context"
	"time"

	"ak1/server/domain"
)

// ServiceVisits returns the recorded moments of every application with a step taken between from
// and to, one visit per run through the service: when its ticket was taken and the first time each
// step was taken in the run, earlier steps included, so an interval that began before the period
// and ended in it is measured whole. A correction-reprint (StepReprintApproved) starts a new run,
// marked Reprint, whose StepApproved is the correction's time; a step of the reprint is never
// measured from a step of an earlier run.
func (db *DB) ServiceVisits(ctx context.Context, from, to time.Time) ([]domain.ServiceVisit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, a.created_at, s.step, s.at
		FROM applications a JOIN step_events s ON s.application_id = a.id
		WHERE a.id IN (SELECT application_id FROM step_events WHERE at >= ? AND at < ?)
		ORDER BY a.id, s.at, s.id`, formatTime(from), formatTime(to))
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
		s, t := domain.SOPStep(step), parseTime(at)
		if s == domain.StepReprintApproved {
			// A run of its own even when nothing came before (a manual card corrected).
			out = append(out, domain.ServiceVisit{ApplicationID: id, Reprint: true, Steps: map[domain.SOPStep]time.Time{domain.StepApproved: t}})
			continue
		}
		if len(out) == 0 || out[len(out)-1].ApplicationID != id {
			out = append(out, domain.ServiceVisit{ApplicationID: id, Steps: map[domain.SOPStep]time.Time{domain.StepTicket: parseTime(created)}})
		}
		if _, seen := out[len(out)-1].Steps[s]; !seen {
			out[len(out)-1].Steps[s] = t
		}
	}
	return out, rows.Err()
}
