package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ak1/server/domain"
)

// The card's life after issue (issue 13). Every change of a card's state is one guarded UPDATE of
// cards.state, one card_events row (the dated ledger the IPK report counts from) and one audit row,
// in one transaction. A lapse the rules say already happened is written first (settle), so nothing
// is ever recorded on a card that lapsed while nobody looked.

const dayFormat = "2006-01-02"

// SetReportRules sets the report window (domain.ReportRules) the card rules use; call it once at
// start-up, before serving. Without it the documented default applies.
func (db *DB) SetReportRules(r domain.ReportRules) { db.rules = r }

// ReportRules returns the report window in force.
func (db *DB) ReportRules() domain.ReportRules {
	if db.rules == (domain.ReportRules{}) {
		return domain.DefaultReportRules
	}
	return db.rules
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// cardEvent is one row of card_events.
type cardEvent struct {
	cardID, appID int64
	kind          string
	from, to      string
	on            time.Time // office day the change took effect
	actor         string
	userID        int64
	reason        string
	ipk           string
}

// recordCardEvent writes a card event and its audit row.
func recordCardEvent(ctx context.Context, tx *sql.Tx, now time.Time, e cardEvent) (int64, error) {
	var user any
	if e.userID != 0 {
		user = e.userID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO card_events (card_id, application_id, kind, from_state, to_state, on_day, at, actor, user_id, reason, ipk)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.cardID, e.appID, e.kind, e.from, e.to, e.on.Format(dayFormat),
		formatTime(now), e.actor, user, e.reason, e.ipk)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	detail := fmt.Sprintf("kartu %d, berlaku %s", e.cardID, e.on.Format(dayFormat))
	if e.reason != "" {
		detail += ": " + e.reason
	}
	return id, audit(ctx, tx, now, e.actor, "card-"+e.kind, e.appID, e.from, e.to, detail)
}

// changeCardState moves a card from one state to another with a guarded UPDATE and records the
// event; ErrStateChanged when the card was no longer in state from.
func changeCardState(ctx context.Context, tx *sql.Tx, now time.Time, e cardEvent) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE cards SET state = ? WHERE id = ? AND state = ?`, e.to, e.cardID, e.from)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return 0, ErrStateChanged
	}
	return recordCardEvent(ctx, tx, now, e)
}

// cardFacts reads a card and what the rules need to know about its life.
func cardFacts(ctx context.Context, q querier, cardID int64) (*CardRecord, domain.CardFacts, error) {
	var c CardRecord
	var issued, valid string
	var pk sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, application_id, reg_number, serial, state, issued_on, valid_until, pengantar_id, manual
		FROM cards WHERE id = ?`, cardID).Scan(&c.ID, &c.ApplicationID, &c.RegNumber, &c.Serial, &c.State, &issued, &valid, &pk, &c.Manual)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.CardFacts{}, ErrNotFound
	}
	if err != nil {
		return nil, domain.CardFacts{}, err
	}
	c.IssuedOn, _ = time.Parse(dayFormat, issued)
	c.ValidUntil, _ = time.Parse(dayFormat, valid)
	c.PengantarID = pk.Int64
	f := domain.CardFacts{State: c.State, IssuedOn: c.IssuedOn, ValidUntil: c.ValidUntil}
	if c.State != domain.CardActive {
		var on string
		err := q.QueryRowContext(ctx, `SELECT on_day FROM card_events WHERE card_id = ? AND to_state = ? ORDER BY id DESC LIMIT 1`,
			cardID, c.State).Scan(&on)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, f, err
		}
		f.StateOn, _ = time.Parse(dayFormat, on)
	}
	rows, err := q.QueryContext(ctx, `SELECT number, reported_on FROM card_reports WHERE application_id = ?`, c.ApplicationID)
	if err != nil {
		return nil, f, err
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		var on string
		if err := rows.Scan(&n, &on); err != nil {
			return nil, f, err
		}
		if n >= 1 && n <= domain.Reports {
			f.Reported[n-1], _ = time.Parse(dayFormat, on)
		}
	}
	return &c, f, rows.Err()
}

// settle writes the lapse the rules say already happened to an active card (dated the day it
// happened), then returns the card's facts as they now stand.
func (db *DB) settle(ctx context.Context, tx *sql.Tx, now time.Time, cardID int64) (*CardRecord, domain.CardFacts, error) {
	c, f, err := cardFacts(ctx, tx, cardID)
	if err != nil || f.State != domain.CardActive {
		return c, f, err
	}
	life := db.ReportRules().Life(f, domain.Day(now))
	if !life.Lapsed() {
		return c, f, nil
	}
	if _, err := changeCardState(ctx, tx, now, cardEvent{cardID: c.ID, appID: c.ApplicationID, kind: domain.EventLapsed,
		from: domain.CardActive, to: domain.CardLapsed, on: life.Since, actor: "system", reason: life.Why, ipk: domain.IPKRemoved}); err != nil {
		return nil, f, err
	}
	c.State, f.State, f.StateOn = domain.CardLapsed, domain.CardLapsed, life.Since
	return c, f, nil
}

// SweepLapsed writes every lapse the rules say has happened by now, each dated the day it happened,
// and returns how many cards lapsed. It runs at start-up and then periodically, so a server that was
// off for a while catches up; screens do not wait for it (they derive the state as they read it).
func (db *DB) SweepLapsed(ctx context.Context) (int64, error) {
	now := db.now()
	rules := db.ReportRules()
	// The earliest a card can lapse is its first report's last day: only cards registered before
	// about six months and a grace ago can have lapsed. A few days' margin covers short months; the
	// rules decide each candidate exactly.
	cutoff := domain.AddMonths(domain.Day(now).AddDate(0, 0, -rules.Grace), -6).AddDate(0, 0, 4)
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM cards WHERE state = 'active' AND issued_on <= ? ORDER BY id`, cutoff.Format(dayFormat))
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var lapsed int64
	for _, id := range ids {
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			c, _, err := db.settle(ctx, tx, now, id)
			if err == nil && c.State == domain.CardLapsed {
				lapsed++
			}
			return err
		})
		if err != nil {
			return lapsed, err
		}
	}
	return lapsed, nil
}

// CardLife is a card with everything the desk shows of its life.
type CardLife struct {
	Card       CardRecord
	App        *domain.Application
	Life       domain.CardLife
	Reports    []Report
	Placement  *PlacementRecord
	Events     []CardEventRecord
	ReplacedBy *CardRecord // the card that replaced a voided one
	RenewedBy  int64       // the open or approved renewal application of this card, 0 when none
	Pending    []ContactUpdate
}

// Report is one six-monthly report with the officer who received it.
type Report struct {
	Number       int
	DueOn        time.Time
	ReportedOn   time.Time
	Source       string
	ReceivedBy   string // the officer's name; empty while not received
	ReceivedNIP  string
	ReceivedAt   time.Time
	CardID       int64
	ViaKioskTime bool
}

// PlacementRecord is a recorded placement.
type PlacementRecord struct {
	domain.Placement
	StartOn    time.Time
	Type       string
	Source     string
	RecordedOn time.Time
	By         string // the officer's name; empty when the holder reported it at the kiosk
}

// CardEventRecord is one dated change of a card's state, as the desk lists them.
type CardEventRecord struct {
	CardID   int64
	Kind     string
	From, To string
	On       time.Time
	At       time.Time
	Actor    string
	By       string
	Reason   string
	IPK      string
}

// ContactUpdate is new contact data reported by a holder.
type ContactUpdate struct {
	ID      int64
	Changes domain.ContactChange
	Proof   string
	State   string
	At      time.Time
	VisitID int64
}

// CurrentCard returns the id of the registration's card in use: the newest of an application's cards.
func (db *DB) CurrentCard(ctx context.Context, applicationID int64) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT id FROM cards WHERE application_id = ? ORDER BY serial DESC LIMIT 1`, applicationID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, err
}

// CardLife reads a card's life as of now.
func (db *DB) CardLife(ctx context.Context, cardID int64) (*CardLife, error) {
	c, f, err := cardFacts(ctx, db.read, cardID)
	if err != nil {
		return nil, err
	}
	out := &CardLife{Card: *c, Life: db.ReportRules().Life(f, domain.Day(db.now()))}
	if out.App, err = db.Application(ctx, c.ApplicationID); err != nil {
		return nil, err
	}
	if out.Reports, err = db.reports(ctx, c.ApplicationID); err != nil {
		return nil, err
	}
	if out.Placement, err = db.placement(ctx, cardID); err != nil {
		return nil, err
	}
	if out.Events, err = db.cardEvents(ctx, c.ApplicationID); err != nil {
		return nil, err
	}
	var replaced sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT replaced_by FROM cards WHERE id = ?`, cardID).Scan(&replaced); err != nil {
		return nil, err
	}
	if replaced.Valid {
		if out.ReplacedBy, err = db.Card(ctx, replaced.Int64); err != nil {
			return nil, err
		}
	}
	err = db.read.QueryRowContext(ctx, `SELECT id FROM applications WHERE renews_card_id = ? AND state != 'rejected' ORDER BY id DESC LIMIT 1`,
		cardID).Scan(&out.RenewedBy)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	out.Pending, err = db.pendingContacts(ctx, c.ApplicationID)
	return out, err
}

func (db *DB) reports(ctx context.Context, appID int64) ([]Report, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.number, r.due_on, r.reported_on, r.source, r.card_id,
		coalesce(u.full_name, ''), coalesce(u.nip, ''), coalesce(r.received_at, '')
		FROM card_reports r LEFT JOIN users u ON u.id = r.received_by WHERE r.application_id = ? ORDER BY r.number`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		var due, on, at string
		if err := rows.Scan(&r.Number, &due, &on, &r.Source, &r.CardID, &r.ReceivedBy, &r.ReceivedNIP, &at); err != nil {
			return nil, err
		}
		r.DueOn, _ = time.Parse(dayFormat, due)
		r.ReportedOn, _ = time.Parse(dayFormat, on)
		if at != "" {
			r.ReceivedAt = parseTime(at)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (db *DB) placement(ctx context.Context, cardID int64) (*PlacementRecord, error) {
	var p PlacementRecord
	var start, recorded string
	err := db.read.QueryRowContext(ctx, `SELECT p.employer, p.kbli, p.employer_type, p.position, p.kbji, p.start_on, p.location, p.place,
		p.placement_type, p.referral, coalesce(p.referral_id, 0), p.source, p.recorded_on, coalesce(u.full_name, '')
		FROM placements p LEFT JOIN users u ON u.id = p.user_id WHERE p.card_id = ?`, cardID).Scan(&p.Employer, &p.Sector,
		&p.EmployerType, &p.Position, &p.KBJI, &start, &p.Location, &p.Place, &p.Type, &p.Referral, &p.ReferralID, &p.Source, &recorded, &p.By)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.StartOn, _ = time.Parse(dayFormat, start)
	p.RecordedOn, _ = time.Parse(dayFormat, recorded)
	return &p, nil
}

func (db *DB) cardEvents(ctx context.Context, appID int64) ([]CardEventRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT e.card_id, e.kind, e.from_state, e.to_state, e.on_day, e.at, e.actor,
		coalesce(u.full_name, ''), e.reason, e.ipk
		FROM card_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.application_id = ? ORDER BY e.id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CardEventRecord
	for rows.Next() {
		var e CardEventRecord
		var on, at string
		if err := rows.Scan(&e.CardID, &e.Kind, &e.From, &e.To, &on, &at, &e.Actor, &e.By, &e.Reason, &e.IPK); err != nil {
			return nil, err
		}
		e.On, _ = time.Parse(dayFormat, on)
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (db *DB) pendingContacts(ctx context.Context, appID int64) ([]ContactUpdate, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, changes, proof, state, at, coalesce(visit_id, 0) FROM contact_updates
		WHERE application_id = ? AND state = 'pending' ORDER BY id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ContactUpdate
	for rows.Next() {
		var u ContactUpdate
		var changes, at string
		if err := rows.Scan(&u.ID, &changes, &u.Proof, &u.State, &at, &u.VisitID); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(changes), &u.Changes); err != nil {
			return nil, err
		}
		u.At = parseTime(at)
		out = append(out, u)
	}
	return out, rows.Err()
}

// recordReport records the next six-monthly report of a card, in tx; a *domain.RuleError when the
// rules refuse it (too early, lapsed, complete). userID is the officer who receives it (0 at the
// kiosk: an officer receives it when the holder comes to the desk).
func (db *DB) recordReport(ctx context.Context, tx *sql.Tx, now time.Time, cardID int64, source string, visitID, userID int64) (domain.ReportSlot, error) {
	c, f, err := db.settle(ctx, tx, now, cardID)
	if err != nil {
		return domain.ReportSlot{}, err
	}
	slot, err := db.ReportRules().CheckReport(f, domain.Day(now))
	if err != nil {
		return slot, err
	}
	var visit, user, receivedAt any
	if visitID != 0 {
		visit = visitID
	}
	if userID != 0 {
		user, receivedAt = userID, formatTime(now)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO card_reports (application_id, card_id, number, due_on, reported_on, source, visit_id,
		received_by, received_at, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ApplicationID, c.ID, slot.Number, slot.Due.Format(dayFormat),
		domain.Day(now).Format(dayFormat), source, visit, user, receivedAt, formatTime(now)); err != nil {
		return slot, err
	}
	actor := "kiosk"
	if userID != 0 {
		actor = actorOf(userID)
	}
	return slot, audit(ctx, tx, now, actor, "card-report", c.ApplicationID, c.State, c.State,
		fmt.Sprintf("kartu %d: %s (tanggal lapor %s)", c.ID, slot.Name(), slot.Due.Format(dayFormat)))
}

// RecordReport records an officer taking a holder's six-monthly report at the desk; the officer
// is the one who receives it.
func (db *DB) RecordReport(ctx context.Context, cardID, userID, visitID int64) (domain.ReportSlot, error) {
	var slot domain.ReportSlot
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		slot, err = db.recordReport(ctx, tx, db.now(), cardID, "desk", visitID, userID)
		return err
	})
	return slot, err
}

// ReceiveReport records the officer who received a report made at the kiosk (the card's grid has
// the officer's name, NIP and signature). ErrStateChanged when someone received it first.
func (db *DB) ReceiveReport(ctx context.Context, applicationID int64, number int, userID int64) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE card_reports SET received_by = ?, received_at = ? WHERE application_id = ? AND number = ?
			AND received_by IS NULL`, userID, formatTime(now), applicationID, number)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrStateChanged
		}
		return audit(ctx, tx, now, actorOf(userID), "card-report-received", applicationID, "", "", domain.ReportName(number)+" diterima petugas")
	})
}

// placeCard records a placement, in tx: the card becomes placed (ipk ditempatkan), dated the day
// it is recorded, the day the office learns of it (a month already reported stays as it was).
func (db *DB) placeCard(ctx context.Context, tx *sql.Tx, now time.Time, cardID int64, p *domain.Placement, source string, visitID, userID int64) error {
	c, f, err := db.settle(ctx, tx, now, cardID)
	if err != nil {
		return err
	}
	if err := db.ReportRules().CheckActive(f, domain.Day(now), "dicatat sudah bekerja"); err != nil {
		return err
	}
	start, ok := p.StartDate()
	if !ok {
		return &domain.RuleError{Message: "Tanggal mulai bekerja belum benar."}
	}
	actor := "kiosk"
	if userID != 0 {
		actor = actorOf(userID)
	}
	reason := p.Employer + ", mulai " + start.Format(dayFormat)
	eventID, err := changeCardState(ctx, tx, now, cardEvent{cardID: c.ID, appID: c.ApplicationID, kind: domain.EventPlaced,
		from: domain.CardActive, to: domain.CardPlaced, on: domain.Day(now), actor: actor, userID: userID, reason: reason, ipk: domain.IPKPlaced})
	if err != nil {
		return err
	}
	var visit, user any
	if visitID != 0 {
		visit = visitID
	}
	if userID != 0 {
		user = userID
	}
	referral, number, err := placementReferral(ctx, tx, c.ApplicationID, p)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO placements (card_id, application_id, event_id, employer, kbli, employer_type, position, kbji,
		start_on, location, place, placement_type, referral, referral_id, source, visit_id, user_id, recorded_on, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.ApplicationID, eventID, p.Employer, p.Sector, p.EmployerType,
		p.Position, p.KBJI, start.Format(dayFormat), p.Location, p.Place, p.Type(), number, referral, source, visit, user,
		domain.Day(now).Format(dayFormat), formatTime(now))
	if err != nil {
		return err
	}
	// Placed through the office's referral: the vacancy it was for has one place fewer open (IPK
	// III/1 part II and III/4–III/6 count it filled on this day).
	if id, ok := referral.(int64); ok {
		return fillFromPlacement(ctx, tx, now, id, userID, actor, "kartu "+c.RegNumber+", surat pengantar "+number)
	}
	return nil
}

// placementReferral links a placement to the holder's referral (issue 9): the one the officer
// picked, or the one whose letter number the holder typed. A referral of someone else is refused;
// a typed number that is none of the holder's is kept as written, unlinked.
func placementReferral(ctx context.Context, tx *sql.Tx, appID int64, p *domain.Placement) (any, string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, year, serial FROM referrals WHERE application_id = ?`, appID)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	typed := strings.ToUpper(strings.ReplaceAll(p.Referral, " ", ""))
	for rows.Next() {
		var id int64
		var year, serial int
		if err := rows.Scan(&id, &year, &serial); err != nil {
			return nil, "", err
		}
		number := referralNumber(year, serial)
		if id == p.ReferralID || (p.ReferralID == 0 && typed != "" && typed == strings.ToUpper(number)) {
			return id, number, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if p.ReferralID != 0 {
		return nil, "", &domain.RuleError{Message: "Surat pengantar yang dipilih bukan milik pemegang kartu ini."}
	}
	return nil, p.Referral, nil
}

// RecordPlacement records a placement an officer enters at the desk (the holder reports it, or the
// employer returns the card).
func (db *DB) RecordPlacement(ctx context.Context, cardID, userID, visitID int64, p *domain.Placement) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.placeCard(ctx, tx, db.now(), cardID, p, "desk", visitID, userID) })
}

// CancelCard ends an active card at an officer's decision, with the reason (ipk dihapuskan).
func (db *DB) CancelCard(ctx context.Context, cardID, userID int64, reason string) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		c, f, err := db.settle(ctx, tx, now, cardID)
		if err != nil {
			return err
		}
		if err := db.ReportRules().CheckActive(f, domain.Day(now), "dibatalkan"); err != nil {
			return err
		}
		_, err = changeCardState(ctx, tx, now, cardEvent{cardID: c.ID, appID: c.ApplicationID, kind: domain.EventCancelled,
			from: domain.CardActive, to: domain.CardCancelled, on: domain.Day(now), actor: actorOf(userID), userID: userID,
			reason: reason, ipk: domain.IPKRemoved})
		return err
	})
}

// applyContact records new contact data of a registration, in tx: applied to the Daftar Isian at
// once when applied is true, otherwise kept pending for an officer. It returns the update's id.
func applyContact(ctx context.Context, tx *sql.Tx, now time.Time, appID int64, ch domain.ContactChange, proof string, applied bool,
	visitID, userID int64) (int64, error) {
	changes, err := json.Marshal(ch)
	if err != nil {
		return 0, err
	}
	state, previous := "pending", "{}"
	var decidedBy, decidedAt any
	if applied {
		old, err := writeContact(ctx, tx, now, appID, ch, userID)
		if err != nil {
			return 0, err
		}
		b, _ := json.Marshal(old)
		state, previous = "applied", string(b)
		if userID != 0 {
			decidedBy = userID
		}
		decidedAt = formatTime(now)
	}
	var visit any
	if visitID != 0 {
		visit = visitID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO contact_updates (application_id, visit_id, changes, previous, proof, state, at, decided_by, decided_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, appID, visit, string(changes), previous, proof, state, formatTime(now), decidedBy, decidedAt)
	if err != nil {
		return 0, err
	}
	actor := "kiosk"
	if userID != 0 {
		actor = actorOf(userID)
	}
	if err := audit(ctx, tx, now, actor, "contact-"+state, appID, "", "", "data kontak ("+proof+"): "+strings.Join(ch.Fields(), ", ")); err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// writeContact changes the Daftar Isian of an application and returns the replaced values. An
// officer's change is also logged in corrections, like every other correction of the desk.
func writeContact(ctx context.Context, tx *sql.Tx, now time.Time, appID int64, ch domain.ContactChange, userID int64) (map[string]string, error) {
	var data string
	if err := tx.QueryRowContext(ctx, `SELECT form FROM applications WHERE id = ?`, appID).Scan(&data); err != nil {
		return nil, err
	}
	var f domain.Form
	if err := json.Unmarshal([]byte(data), &f); err != nil {
		return nil, err
	}
	old := ch.ApplyTo(&f)
	b, err := json.Marshal(&f)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET form = ?, updated_at = ? WHERE id = ?`, string(b), formatTime(now), appID); err != nil {
		return nil, err
	}
	if err := saveFormRows(ctx, tx, appID, &f); err != nil {
		return nil, err
	}
	if userID != 0 {
		for field, was := range old {
			if _, err := tx.ExecContext(ctx, `INSERT INTO corrections (application_id, at, user_id, field, old_value, new_value)
				VALUES (?, ?, ?, ?, ?, ?)`, appID, formatTime(now), userID, field, was, f.Value(field)); err != nil {
				return nil, err
			}
		}
	}
	return old, nil
}

// DecideContact lets an officer confirm (apply) or refuse a pending contact update.
func (db *DB) DecideContact(ctx context.Context, updateID, userID int64, confirm bool) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var appID int64
		var changes string
		err := tx.QueryRowContext(ctx, `SELECT application_id, changes FROM contact_updates WHERE id = ? AND state = 'pending'`, updateID).Scan(&appID, &changes)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrStateChanged
		}
		if err != nil {
			return err
		}
		state, previous := "refused", "{}"
		if confirm {
			var ch domain.ContactChange
			if err := json.Unmarshal([]byte(changes), &ch); err != nil {
				return err
			}
			old, err := writeContact(ctx, tx, now, appID, ch, userID)
			if err != nil {
				return err
			}
			b, _ := json.Marshal(old)
			state, previous = "applied", string(b)
		}
		res, err := tx.ExecContext(ctx, `UPDATE contact_updates SET state = ?, previous = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = 'pending'`,
			state, previous, userID, formatTime(now), updateID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrStateChanged
		}
		return audit(ctx, tx, now, actorOf(userID), "contact-"+state, appID, "pending", state, "perubahan data kontak "+strconv.FormatInt(updateID, 10))
	})
}

// UpdateContact records contact data an officer takes at the desk: applied at once.
func (db *DB) UpdateContact(ctx context.Context, appID, userID, visitID int64, ch domain.ContactChange) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := applyContact(ctx, tx, db.now(), appID, ch, "desk", true, visitID, userID)
		return err
	})
}

// cardIssued records that a card came into being (an approval or a hand-made card entered): a new
// registration for the IPK report. When its application renews an older card, that card is voided
// now, pointing to its successor; it counts as removed only if it was still active (a card that
// had lapsed or was placed was counted when that happened).
func (db *DB) cardIssued(ctx context.Context, tx *sql.Tx, now time.Time, cardID int64, actor string, userID int64) error {
	c, _, err := cardFacts(ctx, tx, cardID)
	if err != nil {
		return err
	}
	if _, err := recordCardEvent(ctx, tx, now, cardEvent{cardID: c.ID, appID: c.ApplicationID, kind: domain.EventIssued,
		to: domain.CardActive, on: c.IssuedOn, actor: actor, userID: userID, reason: "nomor " + c.RegNumber, ipk: domain.IPKRegistered}); err != nil {
		return err
	}
	var renews sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT renews_card_id FROM applications WHERE id = ?`, c.ApplicationID).Scan(&renews); err != nil || !renews.Valid {
		return err
	}
	old, _, err := db.settle(ctx, tx, now, renews.Int64)
	if err != nil || old.State == domain.CardVoided {
		return err
	}
	ipk := ""
	if old.State == domain.CardActive {
		ipk = domain.IPKRemoved
	}
	return voidCard(ctx, tx, now, old, c.ID, domain.Day(now), actor, userID, "diperpanjang dengan kartu "+c.RegNumber, ipk)
}

// voidCard voids a card replaced by another (renewal, correction, reprint), cancels its unfinished
// print jobs, and records the event.
func voidCard(ctx context.Context, tx *sql.Tx, now time.Time, old *CardRecord, by int64, on time.Time, actor string, userID int64, reason, ipk string) error {
	res, err := tx.ExecContext(ctx, `UPDATE cards SET state = ?, voided_at = ?, void_reason = ?, replaced_by = ? WHERE id = ? AND state = ?`,
		domain.CardVoided, formatTime(now), reason, by, old.ID, old.State)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrStateChanged
	}
	if _, err := tx.ExecContext(ctx, `UPDATE print_jobs SET state = 'cancelled', lease = NULL, lease_expires_at = NULL,
		error = 'kartu diganti', updated_at = ? WHERE card_id = ? AND state IN ('queued', 'failed', 'needs_check', 'claimed')`,
		formatTime(now), old.ID); err != nil {
		return err
	}
	_, err = recordCardEvent(ctx, tx, now, cardEvent{cardID: old.ID, appID: old.ApplicationID, kind: domain.EventVoided, from: old.State,
		to: domain.CardVoided, on: on, actor: actor, userID: userID, reason: reason, ipk: ipk})
	return err
}

// ErrRenewalOpen is returned when a card already has a renewal in progress.
var ErrRenewalOpen = errors.New("renewal already in progress")

// StartRenewal opens the renewal of a card at the desk: a new application for its holder, copied
// from the old one's Daftar Isian and called to the officer's desk, which then goes through the
// documents, photo and approval like any application. Approving it issues a new card (a new
// registration number) and voids the old one. visitID is the kiosk visit it comes from (its ticket
// becomes the application's), or 0.
func (db *DB) StartRenewal(ctx context.Context, cardID, userID, visitID int64, desk string) (int64, error) {
	now := db.now()
	day := domain.OfficeDay(now)
	var appID int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		c, _, err := db.settle(ctx, tx, now, cardID)
		if err != nil {
			return err
		}
		if c.State == domain.CardVoided {
			return &domain.RuleError{Message: "Kartu ini sudah diganti kartu lain: perpanjang kartu yang terbaru."}
		}
		var open int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM applications WHERE renews_card_id = ? AND state IN `+openStatesSQL()+` LIMIT 1`, cardID).Scan(&open)
		if err == nil {
			appID = open
			return ErrRenewalOpen
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var old domain.Application
		var form string
		if err := tx.QueryRowContext(ctx, `SELECT nik, full_name, birth_date, sex, form FROM applications WHERE id = ?`, c.ApplicationID).Scan(
			&old.NIK, &old.FullName, &old.BirthDate, &old.Sex, &form); err != nil {
			return err
		}
		// The renewed card's own application may still be open (a card never collected): it does not count.
		err = tx.QueryRowContext(ctx, `SELECT id FROM applications WHERE nik = ? AND id != ? AND state IN `+openStatesSQL()+` LIMIT 1`,
			old.NIK, c.ApplicationID).Scan(&open)
		if err == nil {
			return domain.ErrAlreadyOpen
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		ticket := ""
		if visitID != 0 {
			var linked sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT ticket, application_id FROM visits WHERE id = ? AND ticket_day = ?`, visitID, day).Scan(&ticket, &linked); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if linked.Valid {
				ticket = "" // the visit's ticket already names another application
			}
		}
		if ticket == "" {
			if ticket, err = nextTicket(ctx, tx, day, "C"); err != nil {
				return err
			}
		}
		code, err := newStatusCode(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO applications (nik, full_name, birth_date, sex, state, ticket, ticket_day, status_code,
			source, form, renews_card_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'perpanjangan', ?, ?, ?, ?)`,
			old.NIK, old.FullName, old.BirthDate, old.Sex, string(domain.StateCalled), ticket, day, code, form, cardID, formatTime(now), formatTime(now))
		if err != nil {
			return err
		}
		if appID, err = res.LastInsertId(); err != nil {
			return err
		}
		var f domain.Form
		if err := json.Unmarshal([]byte(form), &f); err != nil {
			return err
		}
		if err := saveFormRows(ctx, tx, appID, &f); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calls (application_id, ticket, desk, user_id, at) VALUES (?, ?, ?, ?, ?)`,
			appID, ticket, desk, userID, formatTime(now)); err != nil {
			return err
		}
		if visitID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE visits SET application_id = coalesce(application_id, ?), state = 'done', updated_at = ? WHERE id = ?`,
				appID, formatTime(now), visitID); err != nil {
				return err
			}
		}
		return audit(ctx, tx, now, actorOf(userID), "renewal-start", appID, "", string(domain.StateCalled),
			fmt.Sprintf("perpanjangan kartu %s (kartu %d), tiket %s", c.RegNumber, c.ID, ticket))
	})
	return appID, err
}

// nextTicket takes the next ticket of the day with the letter.
func nextTicket(ctx context.Context, tx *sql.Tx, day, letter string) (string, error) {
	var n int
	err := tx.QueryRowContext(ctx, `INSERT INTO ticket_counters (day, prefix, last) VALUES (?, ?, 1)
		ON CONFLICT (day, prefix) DO UPDATE SET last = last + 1 RETURNING last`, day, letter).Scan(&n)
	return domain.FormatTicket(letter, n), err
}

// randomStatusCode draws a check code; tests replace it to force a collision. The codes are random
// out of 31^6: at a million applications one new code in 900 is already taken (issue 11).
var randomStatusCode = domain.NewStatusCode

// newStatusCode makes a check code that no application and no visit has: the phone status page
// finds either by it.
func newStatusCode(ctx context.Context, tx *sql.Tx) (string, error) {
	for {
		code := randomStatusCode()
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM applications WHERE status_code = ?)
			OR EXISTS (SELECT 1 FROM visits WHERE status_code = ?)`, code, code).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return code, nil
		}
	}
}

// CorrectCard corrects the data of an issued, active card: the Daftar Isian is changed (each field
// logged with its old value), the card is voided and a new print of the same registration (next
// serial, same dates, same reports) is queued, all in one transaction. An application whose card
// was already printed goes back to approved, so the new card is checked, signed and handed over
// like the first. It returns the new print job. A NIK changed to one with another open application
// or another card in force is refused (*OpenApplicationError, *ActiveCardError).
func (db *DB) CorrectCard(ctx context.Context, cardID, userID int64, f *domain.Form, changes []FieldChange) (int64, error) {
	if len(changes) == 0 {
		return 0, &domain.RuleError{Message: "Tidak ada data yang diubah."}
	}
	data, err := json.Marshal(f)
	if err != nil {
		return 0, err
	}
	birth, _ := f.BirthDate()
	now := db.now()
	var jobID int64
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		c, facts, err := db.settle(ctx, tx, now, cardID)
		if err != nil {
			return err
		}
		if err := db.ReportRules().CheckActive(facts, domain.Day(now), "diperbaiki"); err != nil {
			return err
		}
		st, err := stateOf(ctx, tx, c.ApplicationID)
		if err != nil {
			return err
		}
		if err := db.checkNIKChange(ctx, tx, now, c.ApplicationID, f.NIK); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET form = ?, nik = ?, full_name = ?, birth_date = ?, sex = ?, updated_at = ?
			WHERE id = ?`, string(data), f.NIK, f.FullName, birth.Format(dayFormat), f.Sex, formatTime(now), c.ApplicationID); err != nil {
			return err
		}
		if err := saveFormRows(ctx, tx, c.ApplicationID, f); err != nil {
			return err
		}
		names := make([]string, len(changes))
		for i, ch := range changes {
			names[i] = ch.Field
			if _, err := tx.ExecContext(ctx, `INSERT INTO corrections (application_id, at, user_id, field, old_value, new_value)
				VALUES (?, ?, ?, ?, ?, ?)`, c.ApplicationID, formatTime(now), userID, ch.Field, ch.Old, ch.New); err != nil {
				return err
			}
		}
		var newCard int64
		jobID, newCard, err = replaceCard(ctx, tx, now, c, actorOf(userID), userID, "perbaikan data: "+strings.Join(names, ", "))
		if err != nil || !inStates(st, domain.StatePrinted, domain.StateChecked, domain.StateSigned, domain.StateCounselled, domain.StateHandedOver) {
			return err
		}
		// The second run through SOP 7–13 starts here: the service-time figures measure it from this
		// step, apart from the first run (ServiceVisits).
		if err := stepEvent(ctx, tx, now, c.ApplicationID, domain.StepReprintApproved, actorOf(userID), userID, newCard, 0,
			"perbaikan data: "+strings.Join(names, ", ")); err != nil {
			return err
		}
		// The new card comes out of the printer without the holder's signature or the Pengantar
		// Kerja's signature and stamp: like a card the holder found wrong (SOP 8), the application
		// goes back to approved, comes to printed when the card is out, and goes through the
		// holder's check, the sign-off and the hand-over again (counselling given stays given).
		return transition(ctx, tx, now, c.ApplicationID, st, domain.StateApproved, "", actorOf(userID), "card-correction-reprint",
			"kartu dicetak ulang setelah perbaikan data: diperiksa pemegang, ditandatangani Pengantar Kerja dan diserahkan lagi")
	})
	return jobID, err
}
