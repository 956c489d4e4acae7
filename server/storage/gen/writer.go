package gen

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// writer inserts generated rows with prepared statements, in transactions of a few thousand
// applications. The generator hands it rows in batches and goes on making the next batch while a
// goroutine of the writer inserts the last one: the work is shared by two cores.
type writer struct {
	ctx   context.Context
	batch []row
	out   chan []row
	done  chan error
}

type row struct {
	stmt string
	args []any
}

var inserts = map[string]string{
	"application": `INSERT INTO applications (id, nik, full_name, birth_date, sex, state, state_reason, ticket, ticket_day,
		status_code, source, form, documents, created_at, updated_at, desired_kbji, desired_kbli, target_company)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'demo', ?, ?, ?, ?, ?, ?, ?)`,
	"education":  storage.InsertEducationRow,
	"training":   storage.InsertTrainingRow,
	"experience": storage.InsertExperienceRow,
	"audit":      `INSERT INTO audit_log (at, actor, action, application_id, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
	"call":       `INSERT INTO calls (application_id, ticket, desk, user_id, at) VALUES (?, ?, ?, ?, ?)`,
	"card": `INSERT INTO cards (id, application_id, reg_number, serial, state, issued_on, valid_until, created_at, voided_at,
		void_reason, pengantar_id, manual) VALUES (?, ?, ?, ?, ?, ?, ?, ?, nullif(?, ''), ?, ?, ?)`,
	"job": `INSERT INTO print_jobs (id, card_id, state, station_id, cups_job_id, attempts, created_at, updated_at, pdf_sent_at)
		VALUES (?, ?, ?, nullif(?, 0), nullif(?, 0), ?, ?, ?, nullif(?, ''))`,
	"agenda":     `INSERT INTO agenda_entries (application_id, level, year, number, entered_on) VALUES (?, ?, ?, ?, ?)`,
	"photo":      `INSERT INTO photos (application_id, jpeg, taken_at, user_id) VALUES (?, ?, ?, ?)`,
	"correction": `INSERT INTO corrections (application_id, at, user_id, field, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)`,
	"ticketCounter": `INSERT INTO ticket_counters (day, prefix, last) VALUES (?, ?, ?)
		ON CONFLICT (day, prefix) DO UPDATE SET last = excluded.last`,
	"regCounter": `INSERT INTO registration_counters (year, last) VALUES (?, ?)
		ON CONFLICT (year) DO UPDATE SET last = excluded.last`,
	"agendaCounter": `INSERT INTO agenda_counters (level, year, last) VALUES (?, ?, ?)
		ON CONFLICT (level, year) DO UPDATE SET last = excluded.last`,
}

func newWriter(ctx context.Context, conn *sql.DB) *writer {
	w := &writer{ctx: ctx, out: make(chan []row, 2), done: make(chan error, 1)}
	go func() {
		var err error
		for batch := range w.out {
			if err == nil {
				err = insert(ctx, conn, batch)
			}
		}
		w.done <- err
	}()
	return w
}

// insert writes one batch in one transaction.
func insert(ctx context.Context, conn *sql.DB, batch []row) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmts := map[string]*sql.Stmt{}
	for name, q := range inserts {
		if stmts[name], err = tx.PrepareContext(ctx, q); err != nil {
			return err
		}
	}
	for _, r := range batch {
		if _, err := stmts[r.stmt].ExecContext(ctx, r.args...); err != nil {
			return fmt.Errorf("%s: %w", r.stmt, err)
		}
	}
	return tx.Commit()
}

// flush hands the rows made so far to the inserting goroutine.
func (w *writer) flush() {
	if len(w.batch) > 0 {
		w.out <- w.batch
		w.batch = nil
	}
}

// close flushes and waits until every row is written.
func (w *writer) close() error {
	w.flush()
	close(w.out)
	return <-w.done
}

func (w *writer) exec(name string, args ...any) { w.batch = append(w.batch, row{name, args}) }

// application writes an application and the rows of its form beside it (storage.FormRows).
func (w *writer) application(id int64, f *domain.Form, birth string, state domain.State, reason, ticket, day, code, form, documents string, created, updated time.Time) {
	w.exec("application", id, f.NIK, f.FullName, birth, f.Sex, string(state), reason, ticket, day, code, form, documents,
		formatTime(created), formatTime(updated), f.DesiredKBJI, f.DesiredSector, f.TargetCompany)
	rows := storage.FormRows(f)
	for _, r := range rows.Education {
		w.exec("education", append([]any{id}, r...)...)
	}
	for _, r := range rows.Training {
		w.exec("training", append([]any{id}, r...)...)
	}
	for _, r := range rows.Experience {
		w.exec("experience", append([]any{id}, r...)...)
	}
}

func (w *writer) audit(at time.Time, actor, action string, appID int64, from, to, detail string) {
	w.exec("audit", formatTime(at), actor, action, appID, from, to, detail)
}

func (w *writer) call(appID int64, ticket, desk string, userID int64, at time.Time) {
	w.exec("call", appID, ticket, desk, userID, formatTime(at))
}

func (w *writer) card(id, appID int64, reg string, serial int, state string, day, at time.Time, voided, why string, pengantar int64, manual bool) {
	w.exec("card", id, appID, reg, serial, state, day.Format("2006-01-02"), day.AddDate(2, 0, 0).Format("2006-01-02"),
		formatTime(at), voided, why, pengantar, manual)
}

func (w *writer) job(id, cardID int64, state domain.PrintState, station int64, created, updated time.Time) {
	var cups, sent = int64(0), ""
	attempts := 0
	if state != domain.PrintQueued {
		cups, sent, attempts = 1000+id, formatTime(created.Add(time.Minute)), 1
	} else {
		station = 0
	}
	w.exec("job", id, cardID, string(state), station, cups, attempts, formatTime(created), formatTime(updated), sent)
}

func (w *writer) agenda(appID int64, level string, year, number int, day string) {
	w.exec("agenda", appID, level, year, number, day)
}

func (w *writer) photo(appID int64, jpeg []byte, at time.Time, userID int64) {
	w.exec("photo", appID, jpeg, formatTime(at), userID)
}

func (w *writer) correction(appID int64, at time.Time, userID int64, field, old, new string) {
	w.exec("correction", appID, formatTime(at), userID, field, old, new)
}
