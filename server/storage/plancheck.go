package storage

import (
	"context"
	"regexp"
	"strings"
)

// growingTables are the tables that grow with every application and every day: a request that reads
// one of them whole gets slower every year (issue 11), so no request path may.
var growingTables = map[string]bool{"applications": true, "cards": true, "calls": true, "print_jobs": true, "audit_log": true,
	"visits": true, "visit_calls": true, "card_events": true, "step_events": true, "handovers": true, "corrections": true,
	"application_education": true, "application_training": true, "application_experience": true, "agenda_entries": true}

// QueryPlan returns SQLite's EXPLAIN QUERY PLAN of a statement run with args, one line per step,
// indented by depth.
func (db *DB) QueryPlan(ctx context.Context, query string, args []any) ([]string, error) {
	rows, err := db.write.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	depth := map[int]int{}
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		depth[id] = depth[parent] + 1
		out = append(out, strings.Repeat("  ", depth[id]-1)+detail)
	}
	return out, rows.Err()
}

var (
	// tableRef finds "FROM cards c", "JOIN calls AS k", "UPDATE print_jobs", "INTO audit_log".
	tableRef = regexp.MustCompile(`(?i)\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?`)
	// planScan is a plan step that reads a whole table or a whole index of it.
	planScan = regexp.MustCompile(`^\s*SCAN (\w+)`)
	// planByStateOnly is a search of a table through its state alone. For a state rows come to rest
	// in (restingStates) that reads nearly all of a growing table, unless the statement stops after
	// a few rows (LIMIT); for a state of work in progress (queued, claimed, submitted) it reads few.
	planByStateOnly = regexp.MustCompile(`^\s*SEARCH (\w+) USING (?:COVERING )?INDEX \w+ \(state=\?\)$`)
	hasLimit        = regexp.MustCompile(`(?i)\bLIMIT\b`)
	quotedWord      = regexp.MustCompile(`'(\w+)'`)
)

// restingStates are the states most rows of a growing table end in: active and other ended cards,
// handed-over or rejected applications, printed or cancelled print jobs.
var restingStates = map[string]bool{"active": true, "handed_over": true, "rejected": true, "printed": true, "cancelled": true,
	"voided": true, "placed": true, "lapsed": true, "expired": true}

// namesRestingState tells whether a statement asks for a resting state, as an argument or a literal.
func namesRestingState(query string, args []any) bool {
	for _, a := range args {
		if v, ok := a.(string); ok && restingStates[v] {
			return true
		}
	}
	for _, m := range quotedWord.FindAllStringSubmatch(query, -1) {
		if restingStates[m[1]] {
			return true
		}
	}
	return false
}

// sqlWords may follow a table name without being its alias.
var sqlWords = map[string]bool{"WHERE": true, "JOIN": true, "LEFT": true, "INNER": true, "CROSS": true, "ON": true,
	"SET": true, "ORDER": true, "GROUP": true, "LIMIT": true, "VALUES": true, "SELECT": true, "USING": true,
	"UNION": true, "DEFAULT": true, "RETURNING": true, "NOT": true, "INDEXED": true}

// FullScans returns the steps of a plan that read all of a growing table (growingTables: the five
// of issue 11 and the other tables that gain rows with every application or visit), directly or
// through one of its indexes, or nearly all of it through its state (a search for "active" cards
// that SQLite, without statistics, chose over the NIK's few rows: 0.9 s per kiosk submission at
// 1,000,000 applications).
//
// An INSERT … SELECT into a table carries, in its plan, the search of the tables whose foreign
// keys point at it (for rows a deferred constraint left dangling); SQLite runs it only while such
// violations are pending, which immediate constraints never leave, so those steps are not counted.
func (db *DB) FullScans(ctx context.Context, query string, args []any, plan []string) ([]string, error) {
	names := map[string]string{} // name or alias in the plan -> table
	for _, m := range tableRef.FindAllStringSubmatch(query, -1) {
		table := strings.ToLower(m[1])
		if !growingTables[table] {
			continue
		}
		names[table] = table
		if m[2] != "" && !sqlWords[strings.ToUpper(m[2])] {
			names[m[2]] = table
		}
	}
	var fkOnly map[string]bool
	if m := insertInto.FindStringSubmatch(query); m != nil {
		var err error
		if fkOnly, err = db.referencing(ctx, strings.ToLower(m[1])); err != nil {
			return nil, err
		}
	}
	var out []string
	for _, step := range plan {
		if m := planScan.FindStringSubmatch(step); m != nil && names[m[1]] != "" && !fkOnly[m[1]] {
			out = append(out, strings.TrimSpace(step))
		}
		if m := planByStateOnly.FindStringSubmatch(step); m != nil && names[m[1]] != "" && !hasLimit.MatchString(query) &&
			namesRestingState(query, args) {
			out = append(out, strings.TrimSpace(step))
		}
	}
	return out, nil
}

var insertInto = regexp.MustCompile(`(?i)^\s*INSERT\s+INTO\s+(\w+)`)

// referencing names the tables with a foreign key to table.
func (db *DB) referencing(ctx context.Context, table string) (map[string]bool, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT s.name FROM sqlite_schema s, pragma_foreign_key_list(s.name) f
		WHERE s.type = 'table' AND lower(f."table") = ?`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out[name] = true
	}
	return out, rows.Err()
}
