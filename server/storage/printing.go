package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ak1/server/domain"
)

// PrintJobQueued is the state of a print job waiting for a station.
const PrintJobQueued = string(domain.PrintQueued)

// Lease and heartbeat timing. A lease outlives an agent restart (the agent reports journaled work
// when it comes back); a job sent to a printer whose lease ran out is never printed again by itself.
const (
	LeaseDuration = 5 * time.Minute
	// StationOfflineAfter is how long a station may stay silent before it shows as offline
	// (three missed 10-second heartbeats).
	StationOfflineAfter = 30 * time.Second
	// ReclaimAfter is how long a job may stay claimed without a report before the same station
	// gets it again (with a new lease) when it asks for work. The agent works one job at a time and
	// asks for the next only when done with the last, so a claimed job it asks past was dropped:
	// the agent was killed or restarted between the claim and its journal entry, and nothing was
	// printed. Without this the card waited for LeaseDuration. An agent that did journal the job
	// recognises it and reports what CUPS says instead of printing it again.
	ReclaimAfter = 30 * time.Second
)

// Errors of the print-job API.
var (
	ErrStaleLease = errors.New("lease is not the job's current lease")
	ErrBadState   = errors.New("print job is not in a state that allows this")
	// ErrStationRevoked: the token is no longer a station's (disabled, rotated or removed).
	ErrStationRevoked = errors.New("station token disabled, replaced or removed")
	// ErrStationPaused: the station is paused and may not do this until resumed.
	ErrStationPaused = errors.New("station is paused")
	// ErrStationBusy: the station still has cards that may be in its printer.
	ErrStationBusy = errors.New("station has unfinished print jobs")
)

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

// Station is a print station as the operator sees it.
type Station struct {
	ID             int64
	Name           string
	Options        map[string]string
	Paused         bool
	Disabled       bool
	Printer        string
	PrinterState   string
	PrinterReasons []string
	AgentVersion   string
	LastSeen       time.Time // zero when never seen
}

// Online tells whether the station sent a heartbeat recently.
func (s Station) Online(now time.Time) bool {
	return !s.LastSeen.IsZero() && now.Sub(s.LastSeen) < StationOfflineAfter
}

func newSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func newStationToken() string { return "ak1st_" + newSecret() }

// AddStation registers a print station and returns its token. Only the token's hash is kept, so
// the token is shown once.
func (db *DB) AddStation(ctx context.Context, name string) (id int64, token string, err error) {
	name = domain.CleanText(name, 100) // shown on the operator page: no invisible characters
	if name == "" {
		return 0, "", errors.New("station name must not be empty")
	}
	token = newStationToken()
	res, err := db.write.ExecContext(ctx, `INSERT INTO stations (name, token_hash, created_at) VALUES (?, ?, ?)`,
		name, hashToken(token), formatTime(db.now()))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return 0, "", fmt.Errorf("a station named %q already exists", name)
		}
		return 0, "", err
	}
	id, err = res.LastInsertId()
	return id, token, err
}

const stationColumns = `id, name, options, paused, disabled, printer, printer_state, printer_reasons, agent_version, last_seen_at`

func scanStation(row interface{ Scan(...any) error }) (*Station, error) {
	var s Station
	var options, reasons string
	var lastSeen sql.NullString
	err := row.Scan(&s.ID, &s.Name, &options, &s.Paused, &s.Disabled, &s.Printer, &s.PrinterState, &reasons,
		&s.AgentVersion, &lastSeen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(options), &s.Options); err != nil {
		return nil, fmt.Errorf("station %d options: %w", s.ID, err)
	}
	if reasons != "" {
		s.PrinterReasons = strings.Split(reasons, ",")
	}
	if lastSeen.Valid {
		s.LastSeen = parseTime(lastSeen.String)
	}
	return &s, nil
}

// StationByToken returns the enabled station whose token this is, or ErrNotFound.
func (db *DB) StationByToken(ctx context.Context, token string) (*Station, error) {
	return scanStation(db.read.QueryRowContext(ctx, `SELECT `+stationColumns+` FROM stations
		WHERE token_hash = ? AND disabled = 0`, hashToken(token)))
}

// Station returns the station with the given id, or ErrNotFound.
func (db *DB) Station(ctx context.Context, id int64) (*Station, error) {
	return scanStation(db.read.QueryRowContext(ctx, `SELECT `+stationColumns+` FROM stations WHERE id = ?`, id))
}

// StationByName returns the station with the given name, or ErrNotFound.
func (db *DB) StationByName(ctx context.Context, name string) (*Station, error) {
	return scanStation(db.read.QueryRowContext(ctx, `SELECT `+stationColumns+` FROM stations WHERE name = ?`, name))
}

// Stations lists every station by name.
func (db *DB) Stations(ctx context.Context) ([]Station, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+stationColumns+` FROM stations ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Station
	for rows.Next() {
		s, err := scanStation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

// RecordHeartbeat stores what a station's agent says about its printer.
// The printer name, its reasons and the agent version are cleaned like every stored text (the
// operator page shows them).
func (db *DB) RecordHeartbeat(ctx context.Context, stationID int64, printer, state string, reasons []string, version string) error {
	var kept []string
	for _, r := range reasons {
		// Stored joined by commas: a comma inside one reason would make two.
		if r = domain.CleanText(strings.ReplaceAll(r, ",", " "), maxStationText); r != "" && len(kept) < maxStationReasons {
			kept = append(kept, r)
		}
	}
	_, err := db.write.ExecContext(ctx, `UPDATE stations SET printer = ?, printer_state = ?, printer_reasons = ?,
		agent_version = ?, last_seen_at = ? WHERE id = ?`,
		domain.CleanText(printer, maxStationText), state, strings.Join(kept, ","), domain.CleanText(version, maxStationText),
		formatTime(db.now()), stationID)
	return err
}

// Bounds of what a print station reports. A station's token is a secret, but its agent runs on an
// office PC and CUPS names come from whoever set the printer up: its text is treated like typed text.
const (
	maxStationText    = 100  // a printer name, one printer-state reason, the agent version
	maxStationReasons = 20   // more reasons than any printer reports at once
	maxStationNote    = 1000 // a job's error or a recovery note (the operator page and the audit log)
)

// SetStationPaused pauses or resumes a station: a paused station gets no new jobs.
func (db *DB) SetStationPaused(ctx context.Context, stationID int64, paused bool, actor string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE stations SET paused = ? WHERE id = ?`, paused, stationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotFound
		}
		action := "station-resume"
		if paused {
			action = "station-pause"
		}
		return auditNoApp(ctx, tx, db.now(), actor, action, fmt.Sprintf("station %d", stationID))
	})
}

// SetStationOptions replaces a station's print options (IPP job attributes).
func (db *DB) SetStationOptions(ctx context.Context, stationID int64, options map[string]string, actor string) error {
	data, err := json.Marshal(options)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE stations SET options = ? WHERE id = ?`, string(data), stationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotFound
		}
		return auditNoApp(ctx, tx, db.now(), actor, "station-options", fmt.Sprintf("station %d: %s", stationID, data))
	})
}

// SetStationDisabled disables or enables a station. A disabled station's token is refused from now
// on, and the jobs in its hands are taken back as when their lease runs out (queued again if the
// card never left the server, to an operator check if it may be on paper): its agent can no longer
// report on them, and other stations print the queued ones now rather than in LeaseDuration.
func (db *DB) SetStationDisabled(ctx context.Context, stationID int64, disabled bool, actor string) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE stations SET disabled = ? WHERE id = ?`, disabled, stationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotFound
		}
		action := "station-enable"
		if disabled {
			action = "station-disable"
			if _, err := endLeases(ctx, tx, now, actor, "print-station-disabled", "station disabled", `station_id = ?`, stationID); err != nil {
				return err
			}
		}
		return auditNoApp(ctx, tx, now, actor, action, fmt.Sprintf("station %d", stationID))
	})
}

// RotateStationToken gives a station a new token and returns it; only its hash is kept, so it is
// shown once. The old token is refused from now on. Jobs in the station's hands stay its own: its
// agent finishes and reports them once it runs with the new token.
func (db *DB) RotateStationToken(ctx context.Context, stationID int64, actor string) (string, error) {
	token := newStationToken()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE stations SET token_hash = ? WHERE id = ?`, hashToken(token), stationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotFound
		}
		return auditNoApp(ctx, tx, db.now(), actor, "station-rotate-token", fmt.Sprintf("station %d", stationID))
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RemoveStation deletes a station and its token. It refuses with ErrStationBusy while a job is in
// the station's hands (claimed or sent) or waits for an operator check, which needs to know which
// printer to look in: disable the station and settle those first. Past jobs stay but no longer
// name the station; the audit row keeps its id and name.
func (db *DB) RemoveStation(ctx context.Context, stationID int64, actor string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, `SELECT name FROM stations WHERE id = ?`, stationID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM print_jobs WHERE station_id = ? AND state IN ('claimed', 'sent', 'needs_check')`,
			stationID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return fmt.Errorf("%w: %d", ErrStationBusy, open)
		}
		res, err := tx.ExecContext(ctx, `UPDATE print_jobs SET station_id = NULL WHERE station_id = ?`, stationID)
		if err != nil {
			return err
		}
		past, _ := res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `DELETE FROM stations WHERE id = ?`, stationID); err != nil {
			return err
		}
		return auditNoApp(ctx, tx, db.now(), actor, "station-remove", fmt.Sprintf("station %d %q removed; %d past jobs no longer name it", stationID, name, past))
	})
}

func auditNoApp(ctx context.Context, tx *sql.Tx, at time.Time, actor, action, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)`,
		formatTime(at), actor, action, detail)
	return err
}

// PrintJob is a print job with what the operator and the agent need to know about its card.
type PrintJob struct {
	ID            int64
	CardID        int64
	ApplicationID int64
	State         domain.PrintState
	StationID     int64
	StationName   string
	Lease         string
	LeaseExpires  time.Time
	CUPSJobID     int64
	Attempts      int
	Error         string
	RegNumber     string
	CardSerial    int
	HolderName    string
	Ticket        string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

const printJobSelect = `SELECT j.id, j.card_id, c.application_id, j.state, COALESCE(j.station_id, 0), COALESCE(s.name, ''),
	COALESCE(j.lease, ''), COALESCE(j.lease_expires_at, ''), COALESCE(j.cups_job_id, 0), j.attempts, j.error,
	c.reg_number, c.serial, a.full_name, a.ticket, j.created_at, j.updated_at
	FROM print_jobs j JOIN cards c ON c.id = j.card_id JOIN applications a ON a.id = c.application_id
	LEFT JOIN stations s ON s.id = j.station_id`

func scanPrintJob(row interface{ Scan(...any) error }) (*PrintJob, error) {
	var j PrintJob
	var expires, created, updated string
	err := row.Scan(&j.ID, &j.CardID, &j.ApplicationID, &j.State, &j.StationID, &j.StationName, &j.Lease, &expires,
		&j.CUPSJobID, &j.Attempts, &j.Error, &j.RegNumber, &j.CardSerial, &j.HolderName, &j.Ticket, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if expires != "" {
		j.LeaseExpires = parseTime(expires)
	}
	j.CreatedAt, j.UpdatedAt = parseTime(created), parseTime(updated)
	return &j, nil
}

// PrintJob returns one print job, or ErrNotFound.
func (db *DB) PrintJob(ctx context.Context, id int64) (*PrintJob, error) {
	return scanPrintJob(db.read.QueryRowContext(ctx, printJobSelect+` WHERE j.id = ?`, id))
}

// FinishedJobsShown is how many of the jobs finished in the last day the operator sees: a busy
// day prints hundreds of cards, and a page of them all took longer to draw than the rest of the
// page together.
const FinishedJobsShown = 50

// PrintJobs lists the jobs the operator works with, newest first: every unfinished job, and the
// FinishedJobsShown newest of those finished in the last day. Both come through an index (state,
// updated_at), never a walk over every job ever printed. The finished ones must be read by time:
// by state the planner would walk every card ever printed (612 ms at 1,000,000 applications).
func (db *DB) PrintJobs(ctx context.Context) ([]PrintJob, error) {
	since := formatTime(db.now().Add(-24 * time.Hour))
	rows, err := db.read.QueryContext(ctx, printJobSelect+` WHERE j.id IN (
			SELECT id FROM print_jobs WHERE state IN ('queued', 'claimed', 'sent', 'failed', 'needs_check')
			UNION ALL SELECT id FROM (SELECT id FROM print_jobs INDEXED BY print_jobs_updated
				WHERE updated_at >= ? AND state IN ('printed', 'cancelled') ORDER BY updated_at DESC LIMIT ?))
		ORDER BY j.id DESC LIMIT 500`, since, FinishedJobsShown)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PrintJob
	for rows.Next() {
		j, err := scanPrintJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *j)
	}
	return out, rows.Err()
}

// ExpireLeases handles leases that ran out: a claimed job (nothing sent to a printer) goes back to
// the queue; a job already sent goes to needs_check, never to the queue. It returns how many jobs
// changed.
func (db *DB) ExpireLeases(ctx context.Context) (int, error) {
	var changed int
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		changed, err = expireLeases(ctx, tx, db.now())
		return err
	})
	return changed, err
}

func expireLeases(ctx context.Context, tx *sql.Tx, now time.Time) (int, error) {
	return endLeases(ctx, tx, now, "system", "print-lease-expired", "lease expired", `lease_expires_at < ?`, formatTime(now))
}

// endLeases takes the jobs matching where (and still in a station's hands) back from their station:
// to the queue when the card never left the server, to an operator check when it may be on paper.
// cause says why, in the job's error and the audit row.
func endLeases(ctx context.Context, tx *sql.Tx, now time.Time, actor, action, cause, where string, args ...any) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, state, card_id, pdf_sent_at IS NOT NULL FROM print_jobs
		WHERE state IN ('claimed', 'sent') AND `+where, args...)
	if err != nil {
		return 0, err
	}
	type expired struct {
		id, cardID int64
		state      string
		pdfSent    bool
	}
	var list []expired
	for rows.Next() {
		var e expired
		if err := rows.Scan(&e.id, &e.state, &e.cardID, &e.pdfSent); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, e)
	}
	rows.Close()
	for _, e := range list {
		to, why := PrintJobQueued, cause+" before the station had the card: queued again"
		switch {
		case e.state == string(domain.PrintSent):
			to, why = string(domain.PrintNeedsCheck), cause+" after the job was sent to the printer: needs operator check"
		case e.pdfSent:
			// The station had the card and went silent: it may be on paper with the report lost.
			to, why = string(domain.PrintNeedsCheck), cause+" after the station fetched the card: it may have printed it; needs operator check"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE print_jobs SET state = ?, lease = NULL, lease_expires_at = NULL,
			error = CASE WHEN ? = 'needs_check' THEN ? ELSE error END, updated_at = ? WHERE id = ? AND state = ?`,
			to, to, why, formatTime(now), e.id, e.state); err != nil {
			return 0, err
		}
		if err := auditJob(ctx, tx, now, actor, action, e.id, e.state, to, why); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

func auditJob(ctx context.Context, tx *sql.Tx, at time.Time, actor, action string, jobID int64, from, to, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, application_id, from_state, to_state, detail)
		VALUES (?, ?, ?, (SELECT c.application_id FROM print_jobs j JOIN cards c ON c.id = j.card_id WHERE j.id = ?), ?, ?, ?)`,
		formatTime(at), actor, action, jobID, from, to, fmt.Sprintf("print job %d: %s", jobID, detail))
	return err
}

// ClaimJob hands the oldest queued job to the station with a fresh lease; before that, a job the
// station itself claimed more than ReclaimAfter ago and never reported on. It returns ErrNotFound
// when there is nothing to print for this station (nothing queued, the station is paused, or its
// printer last reported stopped or offline), and ErrStationRevoked when the station is disabled or
// gone.
func (db *DB) ClaimJob(ctx context.Context, stationID int64) (*PrintJob, error) {
	return db.claimJob(ctx, `id = ?`, stationID)
}

// ClaimJobByToken is ClaimJob for the station whose token this is. The token is checked in the
// claim's own transaction, so a claim that waited while its token was disabled or replaced gets
// ErrStationRevoked rather than a job.
func (db *DB) ClaimJobByToken(ctx context.Context, token string) (*PrintJob, error) {
	return db.claimJob(ctx, `token_hash = ?`, hashToken(token))
}

func (db *DB) claimJob(ctx context.Context, stationWhere string, arg any) (*PrintJob, error) {
	now := db.now()
	var jobID int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := expireLeases(ctx, tx, now); err != nil {
			return err
		}
		var stationID int64
		var paused bool
		var printerState string
		err := tx.QueryRowContext(ctx, `SELECT id, paused, printer_state FROM stations WHERE disabled = 0 AND `+stationWhere, arg).Scan(&stationID, &paused, &printerState)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrStationRevoked
		}
		if err != nil {
			return err
		}
		// A station whose printer last said it cannot print gets nothing: the card waits for one
		// that can, instead of sitting in a stopped CUPS queue or in a claim its agent gave up on.
		if paused || printerState == "stopped" || printerState == "offline" {
			return ErrNotFound
		}
		// First a job this station claimed and then went silent about: see ReclaimAfter.
		from, action := "claimed", "print-reclaim"
		err = tx.QueryRowContext(ctx, `SELECT id FROM print_jobs WHERE state = 'claimed' AND station_id = ? AND updated_at < ?
			ORDER BY id LIMIT 1`, stationID, formatTime(now.Add(-ReclaimAfter))).Scan(&jobID)
		if errors.Is(err, sql.ErrNoRows) {
			from, action = "queued", "print-claim"
			err = tx.QueryRowContext(ctx, `SELECT id FROM print_jobs WHERE state = 'queued' ORDER BY id LIMIT 1`).Scan(&jobID)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		lease := newSecret()
		if _, err := tx.ExecContext(ctx, `UPDATE print_jobs SET state = 'claimed', station_id = ?, lease = ?, lease_expires_at = ?,
			attempts = attempts + 1, error = '', updated_at = ? WHERE id = ? AND state = ?`,
			stationID, lease, formatTime(now.Add(LeaseDuration)), formatTime(now), jobID, from); err != nil {
			return err
		}
		return auditJob(ctx, tx, now, fmt.Sprintf("station:%d", stationID), action, jobID, from, "claimed", "")
	})
	if err != nil {
		return nil, err
	}
	return db.printJobWrite(ctx, jobID)
}

// printJobWrite reads a job through the writer connection, so it sees what was just committed.
func (db *DB) printJobWrite(ctx context.Context, id int64) (*PrintJob, error) {
	return scanPrintJob(db.write.QueryRowContext(ctx, printJobSelect+` WHERE j.id = ?`, id))
}

// JobForLease returns the job when lease is its current lease and it is still in the station's hands
// (claimed or sent: a finished job keeps its lease for repeated reports, but not its card).
func (db *DB) JobForLease(ctx context.Context, stationID, jobID int64, lease string) (*PrintJob, error) {
	j, err := db.printJobWrite(ctx, jobID)
	if err != nil {
		return nil, err
	}
	if lease == "" || j.Lease != lease || j.StationID != stationID || (j.State != domain.PrintClaimed && j.State != domain.PrintSent) {
		return nil, ErrStaleLease
	}
	return j, nil
}

// printOrder ranks job states so that a late or repeated report never moves a job backwards.
var printOrder = map[domain.PrintState]int{
	domain.PrintClaimed: 1, domain.PrintSent: 2, domain.PrintPrinted: 3, domain.PrintFailed: 3, domain.PrintNeedsCheck: 3,
}

// ReportJob applies an agent's status update ("sent", "printed" or "failed"). Repeating an update is
// harmless, and an update older than the job's state is acknowledged and ignored. A failure that
// says the job may be on paper (needs-operator-check) goes to needs_check. "printed" also moves the
// application to printed. ErrStaleLease when lease is not the job's current one.
func (db *DB) ReportJob(ctx context.Context, stationID, jobID int64, lease string, state domain.PrintState, cupsJobID int64, errText string) error {
	now := db.now()
	actor := fmt.Sprintf("station:%d", stationID)
	errText = domain.CleanText(errText, maxStationNote)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var current domain.PrintState
		var curLease sql.NullString
		var curStation sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT state, lease, station_id FROM print_jobs WHERE id = ?`, jobID).Scan(&current, &curLease, &curStation)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if lease == "" || !curLease.Valid || curLease.String != lease || curStation.Int64 != stationID {
			return ErrStaleLease
		}
		target := state
		if state == domain.PrintFailed && strings.HasPrefix(errText, "needs-operator-check") {
			target = domain.PrintNeedsCheck
		}
		switch {
		case current == target:
			return nil // a repeated report
		case current.Final() || printOrder[current] >= 3:
			return nil // already decided; a late "sent" after "printed" changes nothing
		case printOrder[target] <= printOrder[current]:
			return nil // older than what the job already says
		}
		expires := formatTime(now.Add(LeaseDuration))
		if _, err := tx.ExecContext(ctx, `UPDATE print_jobs SET state = ?, cups_job_id = CASE WHEN ? > 0 THEN ? ELSE cups_job_id END,
			error = ?, lease_expires_at = ?, updated_at = ? WHERE id = ? AND state = ?`,
			target, cupsJobID, cupsJobID, errText, expires, formatTime(now), jobID, current); err != nil {
			return err
		}
		if err := auditJob(ctx, tx, now, actor, "print-"+string(target), jobID, string(current), string(target), errText); err != nil {
			return err
		}
		if target == domain.PrintPrinted {
			return markApplicationPrinted(ctx, tx, now, actor, jobID)
		}
		return nil
	})
}

func markApplicationPrinted(ctx context.Context, tx *sql.Tx, now time.Time, actor string, jobID int64) error {
	var appID, cardID int64
	if err := tx.QueryRowContext(ctx, `SELECT c.application_id, c.id FROM print_jobs j JOIN cards c ON c.id = j.card_id WHERE j.id = ?`,
		jobID).Scan(&appID, &cardID); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE applications SET state = ?, updated_at = ? WHERE id = ? AND state = ?`,
		domain.StatePrinted, formatTime(now), appID, domain.StateApproved)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		if err := audit(ctx, tx, now, actor, "printed", appID, string(domain.StateApproved), string(domain.StatePrinted), fmt.Sprintf("print job %d", jobID)); err != nil {
			return err
		}
		return stepEvent(ctx, tx, now, appID, domain.StepPrinted, actor, 0, cardID, 0, fmt.Sprintf("print job %d", jobID))
	}
	return nil // a reprint of a card already printed: the application stays where it is
}

// RecoverJob records what an agent knows about a job it lost the lease of but may have printed:
// unless the job is already finished, it goes to needs_check for a person to decide. Only the
// station the job was last given to may do this; any other station gets ErrStaleLease. A queued
// job is in nobody's hands (its card has not left the server since it was queued), so no station
// can take it out of the queue. A paused station gets ErrStationPaused; its agent keeps the job
// in its journal and tells the server again once resumed.
func (db *DB) RecoverJob(ctx context.Context, stationID, jobID int64, note string, cupsJobID int64) error {
	now := db.now()
	note = domain.CleanText(note, maxStationNote)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var paused bool
		err := tx.QueryRowContext(ctx, `SELECT paused FROM stations WHERE id = ? AND disabled = 0`, stationID).Scan(&paused)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrStationRevoked
		}
		if err != nil {
			return err
		}
		if paused {
			return ErrStationPaused
		}
		var current domain.PrintState
		var station sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT state, station_id FROM print_jobs WHERE id = ?`, jobID).Scan(&current, &station)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if !station.Valid || station.Int64 != stationID {
			return ErrStaleLease
		}
		switch {
		case current.Final() || current == domain.PrintNeedsCheck:
			return nil // already settled: a repeated or late recover
		case current == domain.PrintQueued:
			return ErrStaleLease
		}
		if _, err := tx.ExecContext(ctx, `UPDATE print_jobs SET state = 'needs_check', lease = NULL, lease_expires_at = NULL,
			cups_job_id = CASE WHEN ? > 0 THEN ? ELSE cups_job_id END, error = ?, updated_at = ? WHERE id = ? AND state = ?`,
			cupsJobID, cupsJobID, "agent: "+note, formatTime(now), jobID, current); err != nil {
			return err
		}
		return auditJob(ctx, tx, now, fmt.Sprintf("station:%d", stationID), "print-recover", jobID, string(current), "needs_check", note)
	})
}

// operatorTransition moves a job from one of the allowed states to another, with an audit row.
func (db *DB) operatorTransition(ctx context.Context, tx *sql.Tx, jobID int64, from []domain.PrintState, to domain.PrintState, actor, action, detail string) (domain.PrintState, error) {
	var current domain.PrintState
	err := tx.QueryRowContext(ctx, `SELECT state FROM print_jobs WHERE id = ?`, jobID).Scan(&current)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	allowed := false
	for _, f := range from {
		allowed = allowed || f == current
	}
	if !allowed {
		return current, ErrBadState
	}
	now := db.now()
	if _, err := tx.ExecContext(ctx, `UPDATE print_jobs SET state = ?, lease = NULL, lease_expires_at = NULL, updated_at = ?
		WHERE id = ? AND state = ?`, to, formatTime(now), jobID, current); err != nil {
		return "", err
	}
	return current, auditJob(ctx, tx, now, actor, action, jobID, string(current), string(to), detail)
}

// RetryJob puts a failed job back in the queue (CUPS said it did not print it).
func (db *DB) RetryJob(ctx context.Context, jobID int64, actor string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := db.operatorTransition(ctx, tx, jobID, []domain.PrintState{domain.PrintFailed}, domain.PrintQueued, actor, "print-retry", ""); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE print_jobs SET pdf_sent_at = NULL WHERE id = ?`, jobID)
		return err
	})
}

// MarkPDFSent records that a job's card left the server for its station.
func (db *DB) MarkPDFSent(ctx context.Context, jobID int64) error {
	_, err := db.write.ExecContext(ctx, `UPDATE print_jobs SET pdf_sent_at = coalesce(pdf_sent_at, ?) WHERE id = ?`, formatTime(db.now()), jobID)
	return err
}

// CancelJob stops a job that is not in a station's hands.
func (db *DB) CancelJob(ctx context.Context, jobID int64, actor, reason string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := db.operatorTransition(ctx, tx, jobID,
			[]domain.PrintState{domain.PrintQueued, domain.PrintFailed, domain.PrintNeedsCheck}, domain.PrintCancelled, actor, "print-cancel", reason)
		return err
	})
}

// ConfirmPrinted settles a job whose fate was unknown: the operator found the card printed.
func (db *DB) ConfirmPrinted(ctx context.Context, jobID int64, actor string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := db.operatorTransition(ctx, tx, jobID, []domain.PrintState{domain.PrintNeedsCheck}, domain.PrintPrinted,
			actor, "print-confirmed", "operator found the card printed"); err != nil {
			return err
		}
		return markApplicationPrinted(ctx, tx, db.now(), actor, jobID)
	})
}

// ReprintCard voids a card and creates its successor (same registration number and validity, next
// serial) with a new print job, in one transaction. Unfinished jobs of the old card are cancelled, so
// the old card can never come out of a printer afterwards. It returns the new job's id.
func (db *DB) ReprintCard(ctx context.Context, cardID int64, actor, reason string) (int64, error) {
	var jobID int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		jobID, err = reprintCard(ctx, tx, db.now(), cardID, actor, reason)
		return err
	})
	return jobID, err
}

// reprintCard is ReprintCard inside the caller's transaction.
func reprintCard(ctx context.Context, tx *sql.Tx, now time.Time, cardID int64, actor, reason string) (int64, error) {
	old, _, err := cardFacts(ctx, tx, cardID)
	if err != nil {
		return 0, err
	}
	if old.State != domain.CardActive {
		return 0, ErrBadState
	}
	user := userOfActor(actor)
	if user != 0 {
		var known bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)`, user).Scan(&known); err != nil {
			return 0, err
		}
		if !known {
			user = 0 // the actor text still says who
		}
	}
	jobID, newCard, err := replaceCard(ctx, tx, now, old, actor, user, reason)
	if errors.Is(err, ErrStateChanged) {
		return 0, ErrBadState
	}
	if err != nil {
		return 0, err
	}
	return jobID, auditJob(ctx, tx, now, actor, "card-reprint", jobID, "", "queued", fmt.Sprintf("card %d voided (%s), new card %d", cardID, reason, newCard))
}

// replaceCard makes the next print of an active card's registration (same number, dates and
// reports; a new serial), voids the old card with the reason, and queues the new one for printing,
// in tx. A reprint or correction changes no count of the IPK report. It returns the new print job
// and card.
func replaceCard(ctx context.Context, tx *sql.Tx, now time.Time, old *CardRecord, actor string, userID int64, reason string) (jobID, newCard int64, err error) {
	cols, err := cardCopyColumns(ctx, tx)
	if err != nil {
		return 0, 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO cards (serial, state, created_at, voided_at, void_reason, `+cols+`)
		SELECT (SELECT max(serial) + 1 FROM cards WHERE reg_number = old.reg_number), ?, ?, NULL, '', `+cols+`
		FROM cards old WHERE old.id = ?`, domain.CardActive, formatTime(now), old.ID)
	if err != nil {
		return 0, 0, err
	}
	if newCard, err = res.LastInsertId(); err != nil {
		return 0, 0, err
	}
	day := domain.Day(now)
	if err := voidCard(ctx, tx, now, old, newCard, day, actor, userID, reason, ""); err != nil {
		return 0, 0, err
	}
	if _, err := recordCardEvent(ctx, tx, now, cardEvent{cardID: newCard, appID: old.ApplicationID, kind: domain.EventIssued,
		to: domain.CardActive, on: day, actor: actor, userID: userID, reason: "pengganti kartu " + strconv.FormatInt(old.ID, 10) + ": " + reason}); err != nil {
		return 0, 0, err
	}
	jobID, err = QueuePrintJob(ctx, tx, newCard, now)
	return jobID, newCard, err
}

// userOfActor is the officer of an actor "user:<id>", or 0 for anyone else (a station, the system).
func userOfActor(actor string) int64 {
	id, _ := strconv.ParseInt(strings.TrimPrefix(actor, "user:"), 10, 64)
	if !strings.HasPrefix(actor, "user:") {
		return 0
	}
	return id
}

// cardCopyColumns lists the columns of cards that a reprint copies from the voided card: all but
// the ones that make it a new card. Reading them from the schema keeps reprints right when a later
// migration adds a column. The signature is not copied: a new card is signed and stamped anew.
func cardCopyColumns(ctx context.Context, tx *sql.Tx) (string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM pragma_table_info('cards')`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return "", err
		}
		switch name {
		case "id", "serial", "state", "created_at", "voided_at", "void_reason", "pengantar_id", "signed_at", "sign_disposition_id",
			"replaced_by":
		default:
			cols = append(cols, name)
		}
	}
	return strings.Join(cols, ", "), rows.Err()
}
