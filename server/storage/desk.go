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
	"unicode"

	"ak1/server/domain"
)

// ErrStateChanged is returned when an application is no longer in the state the officer saw:
// another officer handled it first.
var ErrStateChanged = errors.New("application state changed")

// ErrRegNumberTaken is returned when a manual card's registration number already exists.
var ErrRegNumberTaken = errors.New("registration number already used")

// ErrNotPengantar is returned when the signer chosen for a manual card is not an active Pengantar Kerja.
var ErrNotPengantar = errors.New("signer is not an active Pengantar Kerja")

// ActiveCardError is returned when a new card would be issued (kiosk or desk application, a
// manual card, an approval) to a NIK that already holds a card in force today
// (domain.ReportRules.CardInForce). It names that card for the officer; the kiosk shows none of it.
type ActiveCardError struct {
	CardID     int64
	RegNumber  string
	State      string // the card's state as the rules derive it today: active
	ValidUntil time.Time
}

// cardInForce returns an *ActiveCardError naming the card of the NIK that is in force on the office
// day of now, other than the card renews (a renewal's own), or nil. Only cards stored as active can
// be in force; each is judged by the card rules, so a card that lapsed unnoticed does not count.
func (db *DB) cardInForce(ctx context.Context, q querier, now time.Time, nik string, renews int64) (*ActiveCardError, error) {
	held, err := activeCardsOf(ctx, q, nik)
	if err != nil {
		return nil, err
	}
	card, life, ok := db.ReportRules().CardInForce(held, renews, domain.Day(now))
	if !ok {
		return nil, nil
	}
	return &ActiveCardError{CardID: card.ID, RegNumber: card.RegNumber, State: life.State, ValidUntil: life.ValidUntil}, nil
}

// activeCardsOf returns the cards of a NIK stored as active, with the facts the card rules judge.
// CROSS JOIN keeps SQLite reading the NIK's few applications first: left to itself (no
// statistics) it read every active card, 0.9 s per kiosk submission at 1,000,000 applications.
func activeCardsOf(ctx context.Context, q querier, nik string) ([]domain.HeldCard, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id FROM applications a CROSS JOIN cards c ON c.application_id = a.id
		WHERE a.nik = ? AND c.state = ? ORDER BY c.id`, nik, domain.CardActive)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	held := make([]domain.HeldCard, 0, len(ids))
	for _, id := range ids {
		c, f, err := cardFacts(ctx, q, id)
		if err != nil {
			return nil, err
		}
		held = append(held, domain.HeldCard{ID: c.ID, RegNumber: c.RegNumber, Facts: f})
	}
	return held, nil
}

func (e *ActiveCardError) Error() string {
	return "NIK already holds card " + e.RegNumber + ", valid until " + e.ValidUntil.Format("2006-01-02")
}

// NotReadyError says why an application cannot be approved yet; Message is in Bahasa Indonesia.
type NotReadyError struct{ Message string }

func (e *NotReadyError) Error() string { return e.Message }

// deskStates are the states in which the desk may still check and change an application.
var deskStates = domain.DeskStates

func inStates(s domain.State, list ...domain.State) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func actorOf(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

// QueueFilter selects applications for the officer's queue.
type QueueFilter struct {
	Query  string         // NIK, name, ticket, status code or registration number; searches every day
	States []domain.State // empty: every state
	Day    string         // YYYY-MM-DD office day; empty: every day
	Limit  int            // rows per page; QueuePageSize when 0
	Offset int            // rows before the page
}

// QueuePageSize is how many rows a queue page shows unless the filter says otherwise.
const QueuePageSize = 50

// SearchCap is the most matches a search ranks and pages through: beyond it the officer is asked to
// be more precise, and the search costs the same at a thousand applications as at a million.
const SearchCap = 500

// QueueItem is one row of the officer's queue.
type QueueItem struct {
	domain.Application
	RegNumber string
	Desk      string // the desk it was last called to
	HasPhoto  bool
}

// QueuePage is one page of the officer's queue.
type QueuePage struct {
	Items []QueueItem
	Total int  // rows matching the filter (at most SearchCap for a search)
	More  bool // a search matched more than SearchCap rows
}

// Queue lists one page of applications for the officer desk; see QueuePage.
func (db *DB) Queue(ctx context.Context, f QueueFilter) ([]QueueItem, error) {
	p, err := db.QueuePage(ctx, f)
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}

// QueuePage returns one page of the officer's queue and how many rows match in all. Without a query
// it lists the day's applications in the chosen states, oldest first (the next to call on top); a
// query finds applications of every day, best match first (see search).
func (db *DB) QueuePage(ctx context.Context, f QueueFilter) (*QueuePage, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = QueuePageSize
	}
	offset := max(f.Offset, 0)
	page := &QueuePage{}
	var ids []int64
	if q := strings.TrimSpace(f.Query); q != "" {
		all, err := db.search(ctx, q, f.States, SearchCap+1)
		if err != nil {
			return nil, err
		}
		if len(all) > SearchCap {
			all, page.More = all[:SearchCap], true
		}
		page.Total = len(all)
		if offset < len(all) {
			ids = all[offset:min(offset+limit, len(all))]
		}
	} else {
		var where []string
		var args []any
		if f.Day != "" {
			where = append(where, `ticket_day = ?`)
			args = append(args, f.Day)
		}
		if len(f.States) > 0 {
			in, stateArgs := inStatesSQL(f.States)
			where = append(where, `state IN `+in)
			args = append(args, stateArgs...)
		}
		cond := ""
		if len(where) > 0 {
			cond = ` WHERE ` + strings.Join(where, " AND ")
		}
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM applications`+cond, args...).Scan(&page.Total); err != nil {
			return nil, err
		}
		var err error
		ids, err = db.ids(ctx, `SELECT id FROM applications`+cond+` ORDER BY id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
		if err != nil {
			return nil, err
		}
	}
	items, err := db.queueItems(ctx, ids)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

// inStatesSQL returns "(?, ?)" and the states as arguments.
func inStatesSQL(states []domain.State) (string, []any) {
	ph := make([]string, len(states))
	args := make([]any, len(states))
	for i, s := range states {
		ph[i], args[i] = "?", string(s)
	}
	return "(" + strings.Join(ph, ", ") + ")", args
}

// ids runs a query that returns application ids.
func (db *DB) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// search returns up to want ids of applications in the given states (every state when none) that
// match what the officer typed, best first:
//  1. an exact NIK, status code, ticket or registration number (newest first);
//  2. the full name exactly as typed, in any case;
//  3. names holding the typed words in that order ("Wayan Agus" finds "I Wayan Agus Putra");
//  4. names holding every typed word, the last one as a beginning ("agus wa" finds "I Wayan Agus").
//
// Within each kind the newest application comes first. Every step is an index lookup that stops at
// want rows, so a search costs the same whatever the database holds.
func (db *DB) search(ctx context.Context, q string, states []domain.State, want int) ([]int64, error) {
	var out []int64
	seen := map[int64]bool{}
	// Each step asks for want rows: the ones already found among them are skipped.
	collect := func(query string, args ...any) error {
		if len(out) >= want {
			return nil
		}
		ids, err := db.ids(ctx, query, append(args, want)...)
		for _, id := range ids {
			if !seen[id] && len(out) < want {
				seen[id] = true
				out = append(out, id)
			}
		}
		return err
	}
	stateCond, stateArgs := "", []any(nil)
	if len(states) > 0 {
		var in string
		in, stateArgs = inStatesSQL(states)
		stateCond = ` AND state IN ` + in
	}
	if digits := domain.CleanDigits(q); len(digits) == 16 && strings.Trim(digits, "0123456789") == "" {
		if err := collect(`SELECT id FROM applications WHERE nik = ?`+stateCond+` ORDER BY id DESC LIMIT ?`,
			append([]any{digits}, stateArgs...)...); err != nil {
			return nil, err
		}
	}
	if ticket, code, ok := domain.NormalizeLookup(q); ok && code != "" {
		if err := collect(`SELECT id FROM applications WHERE status_code = ?`+stateCond+` LIMIT ?`,
			append([]any{code}, stateArgs...)...); err != nil {
			return nil, err
		}
	} else if ok {
		if err := collect(`SELECT id FROM applications WHERE ticket = ?`+stateCond+` ORDER BY ticket_day DESC, id DESC LIMIT ?`,
			append([]any{ticket}, stateArgs...)...); err != nil {
			return nil, err
		}
	}
	if compact := strings.ReplaceAll(q, " ", ""); strings.ContainsAny(compact, "0123456789") {
		if err := collect(`SELECT id FROM applications WHERE id IN (SELECT application_id FROM cards
			WHERE replace(reg_number, ' ', '') = ?)`+stateCond+` ORDER BY id DESC LIMIT ?`,
			append([]any{compact}, stateArgs...)...); err != nil {
			return nil, err
		}
	}
	words := nameWords(q)
	if len(words) == 0 || !strings.ContainsFunc(q, unicode.IsLetter) {
		return out, nil
	}
	if err := collect(`SELECT id FROM applications WHERE full_name = ? COLLATE NOCASE`+stateCond+` ORDER BY id DESC LIMIT ?`,
		append([]any{strings.Join(strings.Fields(q), " ")}, stateArgs...)...); err != nil {
		return nil, err
	}
	inState := ""
	if len(states) > 0 {
		quoted := make([]string, len(states))
		for i, s := range states {
			quoted[i] = `"` + string(s) + `"`
		}
		inState = ` AND state : (` + strings.Join(quoted, " OR ") + `)`
	}
	phrase := `"` + strings.Join(words, " ") + `"`
	every := make([]string, len(words))
	for i, w := range words {
		every[i] = `"` + w + `"`
	}
	// The last word may be half typed. A one-letter beginning would match nearly every name.
	if last := words[len(words)-1]; len([]rune(last)) > 1 {
		every[len(words)-1] += "*"
	}
	for _, match := range []string{`full_name : ` + phrase, `full_name : (` + strings.Join(every, " AND ") + `)`} {
		if err := collect(`SELECT rowid FROM applications_fts WHERE applications_fts MATCH ? ORDER BY rowid DESC LIMIT ?`, match+inState); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// maxSearchWords bounds the work one typed name can cause.
const maxSearchWords = 6

// nameParticles are the Balinese "I" (he) and "Ni" (she) that begin most names in Denpasar. The
// name index lookups leave them out when other words were typed: a word in most names makes a
// lookup walk most of the index (measured: a full name with "I" took five times as long), and the
// words that follow tell the person apart. The exact full name (step 2) still counts them.
var nameParticles = map[string]bool{"i": true, "ni": true}

// nameWords splits a typed name into the words the name index looks up (letters and digits;
// everything else separates), lower-cased, without the particles I and Ni when more is typed.
func nameWords(q string) []string {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	var kept []string
	for _, w := range words {
		if !nameParticles[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) > 0 {
		words = kept
	}
	if len(words) > maxSearchWords {
		words = words[:maxSearchWords]
	}
	return words
}

// queueItems loads the queue rows of the given applications, in the order given: each with its
// registration number (of the newest card), the desk it was last called to and whether it has a
// photo. One statement for the page, joined through indexes: no lookup per row.
func (db *DB) queueItems(ctx context.Context, ids []int64) ([]QueueItem, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `WITH page(id) AS MATERIALIZED (SELECT value FROM json_each(?))
		SELECT `+prefixed("a.", applicationColumns)+`, coalesce(c.reg_number, ''), coalesce(k.desk, ''), p.application_id IS NOT NULL
		FROM page JOIN applications a ON a.id = page.id
		LEFT JOIN (SELECT application_id, reg_number, max(serial) FROM cards WHERE application_id IN page GROUP BY application_id) c
			ON c.application_id = a.id
		LEFT JOIN (SELECT application_id, desk, max(id) FROM calls WHERE application_id IN page GROUP BY application_id) k
			ON k.application_id = a.id
		LEFT JOIN photos p ON p.application_id = a.id`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]QueueItem, len(ids))
	for rows.Next() {
		var it QueueItem
		a, err := scanApplication(scanPlus{rows, []any{&it.RegNumber, &it.Desk, &it.HasPhoto}})
		if err != nil {
			return nil, err
		}
		it.Application = *a
		byID[a.ID] = it
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]QueueItem, 0, len(ids))
	for _, id := range ids {
		if it, ok := byID[id]; ok {
			out = append(out, it)
		}
	}
	return out, nil
}

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// scanPlus scans the application columns followed by extra columns.
type scanPlus struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s scanPlus) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }

// DeskApplication is an application with what the desk has recorded about it.
type DeskApplication struct {
	domain.Application
	Documents []string
	HasPhoto  bool
	Desk      string
	Card      *CardRecord
}

// DeskApplication returns an application with its documents, photo flag, last desk and card.
func (db *DB) DeskApplication(ctx context.Context, id int64) (*DeskApplication, error) {
	var d DeskApplication
	var docs string
	a, err := scanApplication(scanPlus{db.read.QueryRowContext(ctx, `SELECT `+applicationColumns+`, documents,
		EXISTS (SELECT 1 FROM photos p WHERE p.application_id = applications.id),
		coalesce((SELECT desk FROM calls k WHERE k.application_id = applications.id ORDER BY k.id DESC LIMIT 1), '')
		FROM applications WHERE id = ?`, id), []any{&docs, &d.HasPhoto, &d.Desk}})
	if err != nil {
		return nil, err
	}
	d.Application = *a
	if docs != "" {
		d.Documents = strings.Split(docs, ",")
	}
	var cardID int64
	err = db.read.QueryRowContext(ctx, `SELECT id FROM cards WHERE application_id = ? ORDER BY serial DESC LIMIT 1`, id).Scan(&cardID)
	if err == nil {
		if d.Card, err = db.Card(ctx, cardID); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return &d, nil
}

// stateOf reads an application's state inside a transaction.
func stateOf(ctx context.Context, tx *sql.Tx, id int64) (domain.State, error) {
	var s string
	err := tx.QueryRowContext(ctx, `SELECT state FROM applications WHERE id = ?`, id).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return domain.State(s), err
}

// atDeskState returns the state of an application that is still being handled at the desk, and
// ErrStateChanged when it has moved on (approved, rejected, …) under the officer's feet.
func atDeskState(ctx context.Context, tx *sql.Tx, id int64) (domain.State, error) {
	st, err := stateOf(ctx, tx, id)
	if err == nil && !inStates(st, deskStates...) {
		return st, ErrStateChanged
	}
	return st, err
}

// transition moves an application from one state to another with one guarded UPDATE and an audit
// row; ErrStateChanged when someone else moved it first.
func transition(ctx context.Context, tx *sql.Tx, now time.Time, id int64, from, to domain.State, reason string, actor, action, detail string) error {
	res, err := tx.ExecContext(ctx, `UPDATE applications SET state = ?, state_reason = ?, updated_at = ? WHERE id = ? AND state = ?`,
		string(to), reason, formatTime(now), id, string(from))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return ErrStateChanged
	}
	return audit(ctx, tx, now, actor, action, id, string(from), string(to), detail)
}

// CallApplication calls a waiting ticket to the officer's desk (state called) and records the call
// for the lobby display. An application already being checked is left as it is.
func (db *DB) CallApplication(ctx context.Context, id, userID int64, desk string) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := atDeskState(ctx, tx, id)
		if err != nil {
			return err
		}
		if inStates(st, domain.StateSubmitted, domain.StateResubmitted, domain.StateReturned, domain.StateCalled) {
			if err := transition(ctx, tx, now, id, st, domain.StateCalled, "", actorOf(userID), "call", "meja "+desk); err != nil {
				return err
			}
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO calls (application_id, ticket, desk, user_id, at)
			SELECT id, ticket, ?, ?, ? FROM applications WHERE id = ?`, desk, userID, formatTime(now), id); err != nil {
			return err
		}
		return stepEvent(ctx, tx, now, id, domain.StepCalled, actorOf(userID), userID, 0, 0, "meja "+desk)
	})
}

// Call is one ticket called to a desk, as the lobby display shows it.
type Call struct {
	Ticket string
	Desk   string
	At     time.Time
}

// LastCalls returns the latest calls of the office day, newest first, one per ticket. It walks
// today's calls backwards through their index and stops at n tickets: the lobby display costs the
// same on the first day and after ten years.
func (db *DB) LastCalls(ctx context.Context, n int) ([]Call, error) {
	day, _ := time.ParseInLocation("2006-01-02", domain.OfficeDay(db.now()), domain.OfficeZone)
	rows, err := db.read.QueryContext(ctx, `SELECT application_id, ticket, desk, at FROM calls WHERE at >= ?
		ORDER BY at DESC, id DESC`, formatTime(day))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Call
	seen := map[int64]bool{}
	for len(out) < n && rows.Next() {
		var c Call
		var appID int64
		var at string
		if err := rows.Scan(&appID, &c.Ticket, &c.Desk, &at); err != nil {
			return nil, err
		}
		if seen[appID] {
			continue // called again later: shown once, at its latest call
		}
		seen[appID] = true
		c.At = parseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// RequiredDocuments are the keys of the documents the new-card service requires.
func RequiredDocuments() []string {
	svc, _ := domain.FindService("baru")
	var out []string
	for _, d := range svc.Docs {
		if d.Required {
			out = append(out, d.Key)
		}
	}
	return out
}

func hasAll(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// SetDocuments records the documents the officer ticked. With every required document present a
// waiting or called application becomes verified.
func (db *DB) SetDocuments(ctx context.Context, id, userID int64, docs []string) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := atDeskState(ctx, tx, id)
		if err != nil {
			return err
		}
		list := strings.Join(docs, ",")
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET documents = ?, updated_at = ? WHERE id = ? AND state = ?`,
			list, formatTime(now), id, string(st)); err != nil {
			return err
		}
		complete := hasAll(docs, RequiredDocuments())
		if complete && inStates(st, domain.StateSubmitted, domain.StateResubmitted, domain.StateReturned, domain.StateCalled) {
			to := domain.StateVerified
			var photo bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM photos WHERE application_id = ?)`, id).Scan(&photo); err != nil {
				return err
			}
			if photo {
				to = domain.StatePhotographed
			}
			if err := transition(ctx, tx, now, id, st, to, "", actorOf(userID), "documents", "dokumen: "+list); err != nil {
				return err
			}
			return stepEvent(ctx, tx, now, id, domain.StepDocumentsChecked, actorOf(userID), userID, 0, 0, "dokumen: "+list)
		}
		if !complete && inStates(st, domain.StateVerified, domain.StatePhotographed) {
			return transition(ctx, tx, now, id, st, domain.StateCalled, "", actorOf(userID), "documents", "dokumen: "+list)
		}
		return audit(ctx, tx, now, actorOf(userID), "documents", id, string(st), string(st), "dokumen: "+list)
	})
}

// FieldChange is one corrected field of the Daftar Isian. At and By (the officer's name) are filled
// when it is read back.
type FieldChange struct {
	Field, Old, New string
	At              time.Time
	By              string
}

// CorrectApplication stores the corrected form of an application the officer saw in state seen,
// recording every changed field with its old value. A NIK changed to one with another open
// application or a card in force is refused (*OpenApplicationError, *ActiveCardError).
func (db *DB) CorrectApplication(ctx context.Context, id, userID int64, seen domain.State, f *domain.Form, changes []FieldChange) error {
	if len(changes) == 0 {
		return nil
	}
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if !inStates(seen, deskStates...) {
			return ErrStateChanged
		}
		if err := db.checkNIKChange(ctx, tx, now, id, f.NIK); err != nil {
			return err
		}
		return writeCorrection(ctx, tx, now, id, userID, seen, seen, f, changes)
	})
}

// writeCorrection stores a corrected form with one guarded UPDATE (state from → to), its rows, each
// changed field with its old value, and an audit row.
func writeCorrection(ctx context.Context, tx *sql.Tx, now time.Time, id, userID int64, from, to domain.State, f *domain.Form, changes []FieldChange) error {
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	birth, _ := f.BirthDate()
	res, err := tx.ExecContext(ctx, `UPDATE applications SET form = ?, nik = ?, full_name = ?, birth_date = ?, sex = ?, state = ?, updated_at = ?
		WHERE id = ? AND state = ?`, string(data), f.NIK, f.FullName, birth.Format("2006-01-02"), f.Sex, string(to), formatTime(now), id, string(from))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrStateChanged
	}
	if err := saveFormRows(ctx, tx, id, f); err != nil {
		return err
	}
	names := make([]string, len(changes))
	for i, c := range changes {
		names[i] = c.Field
		if _, err := tx.ExecContext(ctx, `INSERT INTO corrections (application_id, at, user_id, field, old_value, new_value)
			VALUES (?, ?, ?, ?, ?, ?)`, id, formatTime(now), userID, c.Field, c.Old, c.New); err != nil {
			return err
		}
	}
	return audit(ctx, tx, now, actorOf(userID), "correct", id, string(from), string(to), "dikoreksi: "+strings.Join(names, ", "))
}

// Corrections returns the corrections of an application, oldest first, with who made them and when.
func (db *DB) Corrections(ctx context.Context, id int64) ([]FieldChange, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.field, c.old_value, c.new_value, c.at, coalesce(u.full_name, '')
		FROM corrections c LEFT JOIN users u ON u.id = c.user_id WHERE c.application_id = ? ORDER BY c.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FieldChange
	for rows.Next() {
		var c FieldChange
		var at string
		if err := rows.Scan(&c.Field, &c.Old, &c.New, &at, &c.By); err != nil {
			return nil, err
		}
		c.At = parseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// SavePhoto stores (or replaces) the photo of an application still at the desk; a verified
// application becomes photographed.
func (db *DB) SavePhoto(ctx context.Context, id, userID int64, jpeg []byte) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := atDeskState(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO photos (application_id, jpeg, taken_at, user_id) VALUES (?, ?, ?, ?)
			ON CONFLICT (application_id) DO UPDATE SET jpeg = excluded.jpeg, taken_at = excluded.taken_at, user_id = excluded.user_id`,
			id, jpeg, formatTime(now), userID); err != nil {
			return err
		}
		to := st
		if st == domain.StateVerified {
			to = domain.StatePhotographed
			err = transition(ctx, tx, now, id, st, to, "", actorOf(userID), "photo", fmt.Sprintf("%d byte", len(jpeg)))
		} else {
			err = audit(ctx, tx, now, actorOf(userID), "photo", id, string(st), string(st), fmt.Sprintf("%d byte", len(jpeg)))
		}
		if err != nil {
			return err
		}
		return stepEvent(ctx, tx, now, id, domain.StepPhotographed, actorOf(userID), userID, 0, 0, "")
	})
}

// Photo returns the JPEG photo of an application, or ErrNotFound.
func (db *DB) Photo(ctx context.Context, applicationID int64) ([]byte, error) {
	var b []byte
	err := db.read.QueryRowContext(ctx, `SELECT jpeg FROM photos WHERE application_id = ?`, applicationID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return b, err
}

// ReturnApplication sends an application back for completion (state returned) with the reason the
// job seeker sees on the kiosk's status check.
func (db *DB) ReturnApplication(ctx context.Context, id, userID int64, seen domain.State, reason string) error {
	return db.closeAtDesk(ctx, id, userID, seen, domain.StateReturned, "return", reason)
}

// RejectApplication refuses an application with a reason.
func (db *DB) RejectApplication(ctx context.Context, id, userID int64, seen domain.State, reason string) error {
	return db.closeAtDesk(ctx, id, userID, seen, domain.StateRejected, "reject", reason)
}

func (db *DB) closeAtDesk(ctx context.Context, id, userID int64, seen, to domain.State, action, reason string) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if !inStates(seen, deskStates...) || seen == to {
			return ErrStateChanged
		}
		return transition(ctx, tx, now, id, seen, to, reason, actorOf(userID), action, reason)
	})
}

// Approval is what the officer decides when approving.
type Approval struct {
	ApplicationID int64
	UserID        int64
	// Deprecated: ignored. The card's signer is the official who signs it off after printing, in
	// their own session (SignOff); nobody names them at approval.
	PengantarID int64
	Pattern     string // registration-number pattern (domain.FormatRegNumber)
}

// Approved is the result of an approval.
type Approved struct {
	CardID       int64
	PrintJobID   int64
	RegNumber    string
	AgendaNumber int
}

// Approve gives the application its registration number, enters it in the Buku Agenda of its
// education level, creates the card and queues it for printing, all in one transaction. When another
// officer approved (or otherwise moved) it first, it returns ErrStateChanged; when something is
// missing, a *NotReadyError.
func (db *DB) Approve(ctx context.Context, a Approval) (*Approved, error) {
	now := db.now()
	day := now.In(domain.OfficeZone)
	var out Approved
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var st, docs, form string
		var photo bool
		err := tx.QueryRowContext(ctx, `SELECT state, documents, form, EXISTS (SELECT 1 FROM photos p WHERE p.application_id = a.id)
			FROM applications a WHERE id = ?`, a.ApplicationID).Scan(&st, &docs, &form, &photo)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		from := domain.State(st)
		if !inStates(from, domain.StateVerified, domain.StatePhotographed) {
			if inStates(from, domain.StateSubmitted, domain.StateCalled, domain.StateResubmitted) {
				return &NotReadyError{"Dokumen persyaratan belum dicentang lengkap."}
			}
			return ErrStateChanged
		}
		if !hasAll(strings.Split(docs, ","), RequiredDocuments()) {
			return &NotReadyError{"Dokumen persyaratan belum dicentang lengkap."}
		}
		if !photo {
			return &NotReadyError{"Foto pencari kerja belum diambil."}
		}
		var f domain.Form
		if err := json.Unmarshal([]byte(form), &f); err != nil {
			return err
		}
		if f.NIKMismatch() != nil {
			if ok, err := acceptedNIK(ctx, tx, a.ApplicationID); err != nil {
				return err
			} else if ok == nil {
				return &NotReadyError{"NIK tidak sesuai dengan tanggal lahir atau jenis kelamin: periksa KTP, lalu terima NIK dengan alasan atau koreksi data."}
			}
		}
		// One card in force per NIK: the NIK may have been corrected since the application was made,
		// or a card entered by hand meanwhile. A renewal's own old card does not count.
		var renews sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT renews_card_id FROM applications WHERE id = ?`, a.ApplicationID).Scan(&renews); err != nil {
			return err
		}
		if valid, err := db.cardInForce(ctx, tx, now, f.NIK, renews.Int64); err != nil {
			return err
		} else if valid != nil {
			return valid
		}
		// The guarded transition first: of two officers approving at once, the second stops here.
		if res, err := tx.ExecContext(ctx, `UPDATE applications SET state = ?, state_reason = '', updated_at = ? WHERE id = ? AND state = ?`,
			string(domain.StateApproved), formatTime(now), a.ApplicationID, st); err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n != 1 {
			return ErrStateChanged
		}
		// The year's serial lives in the same transaction, so a rollback returns it: no gaps. A
		// number already taken by a card entered by hand is passed over, never reused.
		for {
			var serial int
			if err := tx.QueryRowContext(ctx, `INSERT INTO registration_counters (year, last) VALUES (?, 1)
				ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`, day.Year()).Scan(&serial); err != nil {
				return err
			}
			out.RegNumber = domain.FormatRegNumber(a.Pattern, day, serial)
			var taken bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM cards WHERE reg_number = ?)`, out.RegNumber).Scan(&taken); err != nil {
				return err
			}
			if !taken {
				break
			}
		}
		level := f.EduLevel
		if err := tx.QueryRowContext(ctx, `INSERT INTO agenda_counters (level, year, last) VALUES (?, ?, 1)
			ON CONFLICT (level, year) DO UPDATE SET last = last + 1 RETURNING last`, level, day.Year()).Scan(&out.AgendaNumber); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO agenda_entries (application_id, level, year, number, entered_on) VALUES (?, ?, ?, ?, ?)`,
			a.ApplicationID, level, day.Year(), out.AgendaNumber, day.Format("2006-01-02")); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO cards (application_id, reg_number, serial, state, issued_on, valid_until, created_at)
			VALUES (?, ?, 1, 'active', ?, ?, ?)`, a.ApplicationID, out.RegNumber, day.Format("2006-01-02"),
			day.AddDate(2, 0, 0).Format("2006-01-02"), formatTime(now))
		if err != nil {
			return err
		}
		if out.CardID, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := db.cardIssued(ctx, tx, now, out.CardID, actorOf(a.UserID), a.UserID); err != nil {
			return err
		}
		if out.PrintJobID, err = QueuePrintJob(ctx, tx, out.CardID, now); err != nil {
			return err
		}
		detail := fmt.Sprintf("nomor %s, buku agenda %s no. %d/%d", out.RegNumber, level, out.AgendaNumber, day.Year())
		if err := audit(ctx, tx, now, actorOf(a.UserID), "approve", a.ApplicationID, st, string(domain.StateApproved), detail); err != nil {
			return err
		}
		return stepEvent(ctx, tx, now, a.ApplicationID, domain.StepApproved, actorOf(a.UserID), a.UserID, out.CardID, 0, detail)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CardRecord is one row of the cards table.
type CardRecord struct {
	ID            int64
	ApplicationID int64
	RegNumber     string
	Serial        int
	State         string
	IssuedOn      time.Time
	ValidUntil    time.Time
	PengantarID   int64 // 0 when none was chosen
	Manual        bool
}

// Card returns the card with the given id, or ErrNotFound.
func (db *DB) Card(ctx context.Context, id int64) (*CardRecord, error) {
	var c CardRecord
	var issued, valid string
	var pk sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT id, application_id, reg_number, serial, state, issued_on, valid_until, pengantar_id, manual
		FROM cards WHERE id = ?`, id).Scan(&c.ID, &c.ApplicationID, &c.RegNumber, &c.Serial, &c.State, &issued, &valid, &pk, &c.Manual)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	c.IssuedOn, _ = time.Parse("2006-01-02", issued)
	c.ValidUntil, _ = time.Parse("2006-01-02", valid)
	c.PengantarID = pk.Int64
	return &c, nil
}

// PrintJobState returns the state of the newest print job of a card, or ErrNotFound.
func (db *DB) PrintJobState(ctx context.Context, cardID int64) (string, error) {
	var s string
	err := db.read.QueryRowContext(ctx, `SELECT state FROM print_jobs WHERE card_id = ? ORDER BY id DESC LIMIT 1`, cardID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return s, err
}

// activePengantar tells whether the user may sign cards: an active Pengantar Kerja.
func activePengantar(ctx context.Context, tx *sql.Tx, userID int64) (bool, error) {
	var role string
	var disabled bool
	err := tx.QueryRowContext(ctx, `SELECT role, disabled FROM users WHERE id = ?`, userID).Scan(&role, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && role == string(domain.RolePengantar) && !disabled, err
}

// ManualCard is a card made by hand during an outage, entered afterwards.
type ManualCard struct {
	Form        *domain.Form
	RegNumber   string
	IssuedOn    time.Time // the date written on the card
	PengantarID int64     // the Pengantar Kerja who signed it
	UserID      int64
}

// EnterManualCard records a hand-made card with its own registration number and date: the
// application (source manual, state handed over) and the card (manual). It uses no automatic serial.
// It follows the rules of the kiosk and the desk, checked in the same transaction as the insert:
// a signer who is not an active Pengantar Kerja is refused with ErrNotPengantar; a NIK with an open
// application with domain.ErrAlreadyOpen, returning that application's id; a NIK holding a card
// still valid today with an *ActiveCardError; a number already used by any card with
// ErrRegNumberTaken.
func (db *DB) EnterManualCard(ctx context.Context, m ManualCard) (int64, error) {
	data, err := json.Marshal(m.Form)
	if err != nil {
		return 0, err
	}
	birth, _ := m.Form.BirthDate()
	now := db.now()
	day := domain.OfficeDay(now)
	var appID int64
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if ok, err := activePengantar(ctx, tx, m.PengantarID); err != nil {
			return err
		} else if !ok {
			return ErrNotPengantar
		}
		err := tx.QueryRowContext(ctx, `SELECT id FROM applications WHERE nik = ? AND state IN `+openStatesSQL()+
			` ORDER BY id DESC LIMIT 1`, m.Form.NIK).Scan(&appID)
		if err == nil {
			return domain.ErrAlreadyOpen
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if valid, err := db.cardInForce(ctx, tx, now, m.Form.NIK, 0); err != nil {
			return err
		} else if valid != nil {
			return valid
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM cards WHERE replace(reg_number, ' ', '') = ?)`,
			strings.ReplaceAll(m.RegNumber, " ", "")).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return ErrRegNumberTaken
		}
		var n int
		if err := tx.QueryRowContext(ctx, `INSERT INTO ticket_counters (day, prefix, last) VALUES (?, 'M', 1)
			ON CONFLICT (day, prefix) DO UPDATE SET last = last + 1 RETURNING last`, day).Scan(&n); err != nil {
			return err
		}
		code, err := newStatusCode(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO applications (nik, full_name, birth_date, sex, state, ticket, ticket_day,
			status_code, source, form, documents, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'manual', ?, ?, ?, ?)`,
			m.Form.NIK, m.Form.FullName, birth.Format("2006-01-02"), m.Form.Sex, string(domain.StateHandedOver),
			domain.FormatTicket("M", n), day, code, string(data), strings.Join(RequiredDocuments(), ","),
			formatTime(now), formatTime(now))
		if err != nil {
			return err
		}
		if appID, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := saveFormRows(ctx, tx, appID, m.Form); err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, `INSERT INTO cards (application_id, reg_number, serial, state, issued_on, valid_until, created_at, pengantar_id, manual)
			VALUES (?, ?, 1, 'active', ?, ?, ?, ?, 1)`, appID, m.RegNumber, m.IssuedOn.Format("2006-01-02"),
			m.IssuedOn.AddDate(2, 0, 0).Format("2006-01-02"), formatTime(now), m.PengantarID)
		if err != nil {
			return err
		}
		cardID, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if err := db.cardIssued(ctx, tx, now, cardID, actorOf(m.UserID), m.UserID); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorOf(m.UserID), "manual", appID, "", string(domain.StateHandedOver),
			"kartu manual "+m.RegNumber+" tanggal "+m.IssuedOn.Format("2006-01-02"))
	})
	return appID, err
}

// ChangeMark returns the id of the newest audit row: it grows with every state change anywhere, so
// the live queue polls it to notice changes made by other processes.
func (db *DB) ChangeMark(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT max(id) FROM audit_log`).Scan(&n)
	return n.Int64, err
}
