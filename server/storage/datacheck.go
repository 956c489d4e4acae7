package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"ak1/server/domain"
)

// The data check (`ak1-server check-data`) looks for rows that rules added later refuse on new
// writes but that an office's older database may still hold: two cards in force or two open
// applications for one NIK, and typed texts with invisible characters (before domain.CleanText).

// NIK findings, by kind.
const (
	NIKTwoCards     = "dua-kartu"        // more than one card in force
	NIKOpenWithCard = "permohonan-kartu" // an open application while a card is in force
	NIKTwoOpen      = "dua-permohonan"   // more than one open application
)

// NIKFinding is a NIK that breaks the one-card or one-open-application rule. An officer decides
// which card or application stays; nothing here changes them.
type NIKFinding struct {
	Kind           string
	NIK            string
	CardIDs        []int64 // the cards in force
	ApplicationIDs []int64 // the open applications
}

// CheckNIKs finds the NIKs that break the one-card and one-open-application rules, with the cards
// in force judged as at approval (ReportRules.CardInForce on today).
func (db *DB) CheckNIKs(ctx context.Context) ([]NIKFinding, error) {
	today := domain.Day(db.now())
	var out []NIKFinding
	// Cards whose stored state is active, grouped by NIK; whether each is still in force (no
	// report missed, not past its two years) is the domain's rule, asked per NIK found.
	niks, err := db.groupedNIKs(ctx, `SELECT a.nik FROM cards c JOIN applications a ON a.id = c.application_id
		WHERE c.state = ? GROUP BY a.nik HAVING count(*) > 1`, domain.CardActive)
	if err != nil {
		return nil, err
	}
	for _, nik := range niks {
		ids, err := db.cardsInForce(ctx, nik, today)
		if err != nil {
			return nil, err
		}
		if len(ids) > 1 {
			out = append(out, NIKFinding{Kind: NIKTwoCards, NIK: nik, CardIDs: ids})
		}
	}
	niks, err = db.groupedNIKs(ctx, `SELECT nik FROM applications WHERE state IN `+openStatesSQL()+
		` GROUP BY nik HAVING count(*) > 1`)
	if err != nil {
		return nil, err
	}
	for _, nik := range niks {
		ids, err := db.ids(ctx, `SELECT id FROM applications WHERE nik = ? AND state IN `+openStatesSQL()+` ORDER BY id`, nik)
		if err != nil {
			return nil, err
		}
		out = append(out, NIKFinding{Kind: NIKTwoOpen, NIK: nik, ApplicationIDs: ids})
	}
	// Every open application against the cards of its NIK, as its approval would check it: the
	// card a renewal replaces does not count. Open applications are the day's work, not the
	// archive: read in batches by id.
	for after := int64(0); ; {
		type open struct {
			id, renews int64
			nik        string
		}
		var batch []open
		rows, err := db.read.QueryContext(ctx, `SELECT id, nik, coalesce(renews_card_id, 0) FROM applications
			WHERE state IN `+openStatesSQL()+` AND id > ? ORDER BY id LIMIT 500`, after)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var o open
			if err := rows.Scan(&o.id, &o.nik, &o.renews); err != nil {
				rows.Close()
				return nil, err
			}
			batch = append(batch, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(batch) == 0 {
			break
		}
		after = batch[len(batch)-1].id
		for _, o := range batch {
			valid, err := db.cardInForce(ctx, db.read, db.now(), o.nik, o.renews)
			if err != nil {
				return nil, err
			}
			if valid != nil {
				out = append(out, NIKFinding{Kind: NIKOpenWithCard, NIK: o.nik, CardIDs: []int64{valid.CardID}, ApplicationIDs: []int64{o.id}})
			}
		}
	}
	return out, nil
}

// cardsInForce lists the cards of a NIK in force on today.
func (db *DB) cardsInForce(ctx context.Context, nik string, today time.Time) ([]int64, error) {
	held, err := activeCardsOf(ctx, db.read, nik)
	if err != nil {
		return nil, err
	}
	var in []int64
	for _, c := range held {
		if db.ReportRules().Life(c.Facts, today).State == domain.CardActive {
			in = append(in, c.ID)
		}
	}
	return in, nil
}

func (db *DB) groupedNIKs(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var nik string
		if err := rows.Scan(&nik); err != nil {
			return nil, err
		}
		out = append(out, nik)
	}
	return out, rows.Err()
}

// typedTable is a table with texts people typed (or a station reported), checked by the data
// check. appID names the column holding the application a row belongs to, for the audit row.
type typedTable struct {
	name   string
	appID  string
	texts  []string
	jsonIn []string // columns holding a JSON document whose string values are typed texts
}

// typedTables are the stored texts that go through domain.CleanText on every write today. Not
// here: histories that must stay as written (audit_log, step_events, approved IPK reports),
// kiosk drafts (gone within the hour) and codes chosen from lists.
var typedTables = []typedTable{
	{name: "applications", appID: "id", texts: []string{"full_name", "state_reason", "target_company"}, jsonIn: []string{"form"}},
	{name: "application_education", appID: "application_id", texts: []string{"school", "major"}},
	{name: "application_training", appID: "application_id", texts: []string{"name", "institution"}},
	{name: "application_experience", appID: "application_id", texts: []string{"job_title", "employer", "duties"}},
	{name: "corrections", appID: "application_id", texts: []string{"old_value", "new_value"}},
	{name: "nik_acceptances", appID: "application_id", texts: []string{"reason"}},
	{name: "cards", appID: "application_id", texts: []string{"void_reason"}},
	{name: "card_events", appID: "application_id", texts: []string{"reason"}},
	{name: "counsellings", appID: "application_id", texts: []string{"skip_reason", "note"}},
	{name: "placements", appID: "application_id", texts: []string{"employer", "position", "place", "referral"}},
	{name: "handovers", appID: "application_id", texts: []string{"received_by"}},
	{name: "visits", appID: "application_id", texts: []string{"note"}},
	{name: "contact_updates", appID: "application_id", jsonIn: []string{"changes", "previous"}},
	{name: "users", texts: []string{"full_name", "nip"}},
	{name: "stations", texts: []string{"name", "printer", "printer_reasons", "agent_version"}},
	{name: "print_jobs", texts: []string{"error"}},
	{name: "dispositions", texts: []string{"reason"}},
	{name: "vacancies", texts: []string{"employer_name", "position", "location_detail", "notes"}},
	{name: "vacancy_events", texts: []string{"reason", "filled_by"}},
}

// TextFinding is one stored text that domain.CleanText would change.
type TextFinding struct {
	Table, Column string
	RowID         int64
	ApplicationID int64  // 0 when the row belongs to no application
	What          string // what is removed (domain.DescribeUnclean), never the text
	Err           string // why it could not be cleaned (--fix-text), e.g. the cleaned name is taken
	clean, old    string
}

// textBatch is how many rows the text check reads at a time.
const textBatch = 500

// CheckTexts calls found for every stored text that domain.CleanText would change, reading each
// table in batches by rowid (a million applications never sit in memory at once).
func (db *DB) CheckTexts(ctx context.Context, found func(TextFinding) error) error {
	for _, t := range typedTables {
		if err := scanTexts(ctx, db.read, t, found); err != nil {
			return err
		}
	}
	return nil
}

// FixTexts rewrites every text CheckTexts finds through domain.CleanText, in one transaction,
// each change with an audit row (actor "check-data"). A text whose cleaned form breaks a unique
// name (two accounts or stations would share a name) is left and returned with Err set.
func (db *DB) FixTexts(ctx context.Context, actor string) ([]TextFinding, error) {
	var out []TextFinding
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		out = nil
		for _, t := range typedTables {
			var batch []TextFinding
			flush := func() error {
				for _, f := range batch {
					if f.Err != "" { // unreadable: left for a person to look at
						out = append(out, f)
						continue
					}
					res, err := tx.ExecContext(ctx, `UPDATE `+t.name+` SET `+f.Column+` = ? WHERE rowid = ? AND `+f.Column+` = ?`,
						f.clean, f.RowID, f.old)
					if err != nil && strings.Contains(err.Error(), "UNIQUE") {
						f.Err = "nilai yang sudah dibersihkan sudah dipakai baris lain; ubah namanya lewat halaman pengguna/stasiun"
						out = append(out, f)
						continue
					}
					if err != nil {
						return err
					}
					if n, _ := res.RowsAffected(); n != 1 {
						return fmt.Errorf("%s.%s baris %d berubah selama pemeriksaan", f.Table, f.Column, f.RowID)
					}
					detail := fmt.Sprintf("%s.%s baris %d: %s", f.Table, f.Column, f.RowID, f.What)
					if f.ApplicationID != 0 {
						err = audit(ctx, tx, now, actor, "text-cleaned", f.ApplicationID, "", "", detail)
					} else {
						err = auditNoApp(ctx, tx, now, actor, "text-cleaned", detail)
					}
					if err != nil {
						return err
					}
					out = append(out, f)
				}
				batch = batch[:0]
				return nil
			}
			// The scan reads a batch, then its changes are written: the rows read next are past them.
			err := scanTexts(ctx, tx, t, func(f TextFinding) error {
				batch = append(batch, f)
				if len(batch) >= textBatch {
					return flush()
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := flush(); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// scanTexts reads table t in batches by rowid and calls found for each text CleanText would change.
// A batch is read whole before found sees any of it, so found may write the rows it was given.
func scanTexts(ctx context.Context, q querier, t typedTable, found func(TextFinding) error) error {
	appID := "0"
	if t.appID != "" {
		appID = "coalesce(" + t.appID + ", 0)"
	}
	cols := append(append([]string{}, t.texts...), t.jsonIn...)
	query := `SELECT rowid, ` + appID + `, ` + strings.Join(cols, ", ") + ` FROM ` + t.name + ` WHERE rowid > ? ORDER BY rowid LIMIT ?`
	type row struct {
		id, app int64
		vals    []string
	}
	for after := int64(0); ; {
		rows, err := q.QueryContext(ctx, query, after, textBatch)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		var batch []row
		for rows.Next() {
			r := row{vals: make([]string, len(cols))}
			dest := []any{&r.id, &r.app}
			for i := range r.vals {
				dest = append(dest, &r.vals[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		after = batch[len(batch)-1].id
		for _, r := range batch {
			for i, col := range cols {
				f := TextFinding{Table: t.name, Column: col, RowID: r.id, ApplicationID: r.app, old: r.vals[i]}
				if i < len(t.texts) {
					c, changed := domain.CleanStoredText(r.vals[i])
					if !changed {
						continue
					}
					f.clean, f.What = c, domain.DescribeUnclean(r.vals[i])
				} else {
					c, old, err := domain.CleanStoredJSON(r.vals[i])
					if err != nil {
						f.What, f.Err = "JSON tidak terbaca", err.Error()
						if err := found(f); err != nil {
							return err
						}
						continue
					}
					if old == nil {
						continue
					}
					f.clean, f.What = c, domain.DescribeUnclean(old...)
				}
				if err := found(f); err != nil {
					return err
				}
			}
		}
	}
}
