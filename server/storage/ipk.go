package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"ak1/server/domain"
)

// The monthly IPK report (issue 10) counts from ipk_ledger: one row per registration with its
// report days, kept by triggers on card_events (migration 100). Nothing here reads today's state of
// an application or a card, so a past month counts the same whenever it is asked for.

// ipkCounter counts over one connection or transaction (domain.IPKCounter).
type ipkCounter struct {
	ctx context.Context
	q   querier
}

func day(t time.Time) string { return t.Format(dayFormat) }

// ageExpr is the age group at the period's end (domain.AgeGroupOf of domain.AgeOn) in SQL, with its
// arguments: the birth-date cut-offs of domain.AgeCutoffs.
func ageExpr(p domain.Period) (string, []any) {
	cut := domain.AgeCutoffs(p.End)
	expr := "CASE WHEN birth_date > ? THEN -1"
	args := []any{cut[0]}
	for i := 1; i < len(cut); i++ {
		expr += fmt.Sprintf(" WHEN birth_date > ? THEN %d", i-1)
		args = append(args, cut[i])
	}
	return expr + fmt.Sprintf(" ELSE %d END", len(cut)-1), args
}

// gradExpr is the years-since-graduation group (domain.GradGroupOf) in SQL, with its arguments.
func gradExpr(p domain.Period) (string, []any) {
	cut := domain.GradCutoffs(p.End.Year())
	const year = "edu_year GLOB '[0-9][0-9][0-9][0-9]'"
	return "CASE WHEN " + year + " AND edu_year >= ? THEN 0 WHEN " + year + " AND edu_year >= ? THEN 1 ELSE 2 END", []any{cut[0], cut[1]}
}

// SeekerCounts counts the registrations of period p in one pass over the registrations that had
// not left the register before it began, split by everything the tables split by.
func (c ipkCounter) SeekerCounts(p domain.Period) ([]domain.Count, error) {
	age, ageArgs := ageExpr(p)
	grad, gradArgs := gradExpr(p)
	s, e := day(p.Start), day(p.End)
	args := append(append(ageArgs, gradArgs...), s, s, e, e, e, s, e)
	rows, err := c.q.QueryContext(c.ctx, `SELECT sex, `+age+`, edu_level, edu_code, kbji, `+grad+`,
		sum(reg_day < ?), sum(reg_day >= ?), sum(end_ipk = 'ditempatkan' AND end_day <= ?), sum(end_ipk = 'dihapuskan' AND end_day <= ?),
		sum(end_day > ?)
		FROM ipk_ledger WHERE end_day >= ? AND reg_day <= ? GROUP BY 1, 2, 3, 4, 5, 6`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Count
	for rows.Next() {
		var sc domain.Count
		if err := rows.Scan(&sc.Sex, &sc.Age, &sc.EduLevel, &sc.EduCode, &sc.KBJI, &sc.Grad, &sc.N[0], &sc.N[1], &sc.N[2], &sc.N[3], &sc.N[4]); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// PlacementCounts counts the placements of period p by sex, education, placement and employer type.
func (c ipkCounter) PlacementCounts(p domain.Period) ([]domain.PlacementCount, error) {
	rows, err := c.q.QueryContext(c.ctx, `SELECT l.sex, l.edu_level, coalesce(pl.placement_type, ''), coalesce(pl.employer_type, ''), count(*)
		FROM ipk_ledger l LEFT JOIN placements pl ON pl.event_id = l.end_event_id
		WHERE l.end_ipk = 'ditempatkan' AND l.end_day BETWEEN ? AND ? GROUP BY 1, 2, 3, 4`, day(p.Start), day(p.End))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.PlacementCount
	for rows.Next() {
		var pc domain.PlacementCount
		if err := rows.Scan(&pc.Sex, &pc.EduLevel, &pc.Type, &pc.Employer, &pc.N); err != nil {
			return nil, err
		}
		out = append(out, pc)
	}
	return out, rows.Err()
}

// vacancyPlaces are the vacancy events counted in the report, one row per requested sex (L, P, or
// empty for either) with the places the event adds or takes away, its classification and report day.
const vacancyPlaces = `(SELECT e.id, e.vacancy_id, e.kind, d.report_day, x.sex, CASE x.sex WHEN 'L' THEN e.l WHEN 'P' THEN e.p ELSE e.any_sex END AS n,
	e.edu_level, e.edu_code, e.kbji, e.kbli
	FROM vacancy_events e JOIN ipk_vacancy_days d ON d.event_id = e.id, (SELECT 'L' AS sex UNION ALL SELECT 'P' UNION ALL SELECT '') x)`

// vacancyMeasures are the five measures over vacancyPlaces v for a period [?, ?], in SQL: places open
// before it, registered, filled and removed in it, open at its end. Arguments: start, start, end,
// start, end, start, end, end.
const vacancyMeasures = `sum(CASE WHEN v.report_day < ? THEN (CASE v.kind WHEN 'registered' THEN v.n ELSE -v.n END) ELSE 0 END),
	sum(CASE WHEN v.kind = 'registered' AND v.report_day >= ? AND v.report_day <= ? THEN v.n ELSE 0 END),
	sum(CASE WHEN v.kind = 'filled' AND v.report_day >= ? AND v.report_day <= ? THEN v.n ELSE 0 END),
	sum(CASE WHEN v.kind = 'removed' AND v.report_day >= ? AND v.report_day <= ? THEN v.n ELSE 0 END),
	sum(CASE WHEN v.report_day <= ? THEN (CASE v.kind WHEN 'registered' THEN v.n ELSE -v.n END) ELSE 0 END)`

func vacancyMeasureArgs(p domain.Period) []any {
	s, e := day(p.Start), day(p.End)
	return []any{s, s, e, s, e, s, e, e}
}

// VacancyCounts counts the vacancy places of period p by requested sex and classification.
func (c ipkCounter) VacancyCounts(p domain.Period) ([]domain.Count, error) {
	rows, err := c.q.QueryContext(c.ctx, `SELECT v.sex, v.edu_level, v.edu_code, v.kbji, v.kbli, `+vacancyMeasures+`
		FROM `+vacancyPlaces+` v WHERE v.report_day <= ? AND v.n > 0 GROUP BY 1, 2, 3, 4, 5`, append(vacancyMeasureArgs(p), day(p.End))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.Count{} // vacancies are recorded: a period without any counts zeros, not blanks
	for rows.Next() {
		vc := domain.Count{Age: -1, Grad: -1}
		if err := rows.Scan(&vc.Sex, &vc.EduLevel, &vc.EduCode, &vc.KBJI, &vc.KBLI, &vc.N[0], &vc.N[1], &vc.N[2], &vc.N[3], &vc.N[4]); err != nil {
			return nil, err
		}
		if vc.N != [5]int{} {
			out = append(out, vc)
		}
	}
	return out, rows.Err()
}

// IPKVacancy is one vacancy a vacancy figure counts, with how many of its places it counts.
type IPKVacancy struct {
	ID           int64
	EmployerName string
	Position     string
	EduLevel     string
	EduCode      string
	KBJI         string
	KBLI         string
	Places       int
}

// IPKVacancies lists the vacancies a figure of vacancies counts and how many places of each, by the
// vacancies' numbers.
func (db *DB) IPKVacancies(ctx context.Context, f domain.Figure) ([]IPKVacancy, error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if f.Sex != "" {
		add("v.sex = ?", f.Sex)
	}
	if len(f.Levels) > 0 {
		var in []string
		for _, l := range f.Levels {
			if l == "-" {
				in = append(in, "v.edu_level NOT IN ("+placeholders(len(domain.EducationLevels))+")")
				for _, k := range domain.EducationLevels {
					args = append(args, k)
				}
				continue
			}
			in = append(in, "v.edu_level = ?")
			args = append(args, l)
		}
		where = append(where, "("+strings.Join(in, " OR ")+")")
	}
	switch f.Code {
	case "":
	case "-":
		add("v.edu_code = ''")
	default:
		add("v.edu_code = ?", f.Code)
	}
	for _, dim := range []struct {
		col, val string
		opts     []domain.Option
	}{{"v.kbji", f.KBJI, domain.KBJIGroups}, {"v.kbli", f.KBLI, domain.KBLISections}} {
		switch dim.val {
		case "":
		case "-":
			var vals []any
			for _, o := range dim.opts {
				vals = append(vals, o.Value)
			}
			add(dim.col+" NOT IN ("+placeholders(len(vals))+")", vals...)
		default:
			add(dim.col+" = ?", dim.val)
		}
	}
	cond := ""
	if len(where) > 0 {
		cond = " AND " + strings.Join(where, " AND ")
	}
	// The five measures per vacancy and classification, of which the figure adds its own.
	rows, err := db.read.QueryContext(ctx, `SELECT v.vacancy_id, vc.employer_name, vc.position, v.edu_level, v.edu_code, v.kbji, v.kbli, `+vacancyMeasures+`
		FROM `+vacancyPlaces+` v JOIN vacancies vc ON vc.id = v.vacancy_id WHERE v.report_day <= ? AND v.n > 0`+cond+`
		GROUP BY v.vacancy_id, v.edu_level, v.edu_code, v.kbji, v.kbli ORDER BY v.vacancy_id`,
		append(append(vacancyMeasureArgs(f.Period), day(f.Period.End)), args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []IPKVacancy
	for rows.Next() {
		var v IPKVacancy
		var n [5]int
		if err := rows.Scan(&v.ID, &v.EmployerName, &v.Position, &v.EduLevel, &v.EduCode, &v.KBJI, &v.KBLI, &n[0], &n[1], &n[2], &n[3], &n[4]); err != nil {
			return nil, err
		}
		for _, m := range f.Measures {
			v.Places += n[slices.Index(domain.Measures, m)]
		}
		if v.Places != 0 {
			out = append(out, v)
		}
	}
	return out, rows.Err()
}

// ComputeIPK counts the report of month m as the database stands.
func (db *DB) ComputeIPK(ctx context.Context, m domain.Period, s domain.ReportSettings) (*domain.IPKReport, error) {
	r, err := domain.BuildReport(m, s, ipkCounter{ctx, db.read})
	if err != nil {
		return nil, err
	}
	r.Computed = db.now()
	return r, nil
}

// IPKStatus is where the report of one month stands.
type IPKStatus struct {
	Month      domain.Period
	State      string // "", diajukan, disetujui
	MadeBy     string
	MadeAt     time.Time
	Approver   string
	ApprovedAt time.Time
}

// IPKStatus reads the state of a month's report ("" when nobody made it yet).
func (db *DB) IPKStatus(ctx context.Context, m domain.Period) (IPKStatus, error) {
	st := IPKStatus{Month: m}
	var madeAt string
	var approvedAt sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT r.state, coalesce(u.full_name, ''), r.made_at, r.approver, r.approved_at
		FROM ipk_reports r LEFT JOIN users u ON u.id = r.made_by WHERE r.month = ?`, m.Key()).Scan(&st.State, &st.MadeBy, &madeAt, &st.Approver, &approvedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.MadeAt = parseTime(madeAt)
	if approvedAt.Valid {
		st.ApprovedAt = parseTime(approvedAt.String)
	}
	return st, nil
}

// IPKStatuses lists the reports made or approved, newest month first.
func (db *DB) IPKStatuses(ctx context.Context) (map[string]IPKStatus, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.month, r.state, coalesce(u.full_name, ''), r.made_at, r.approver, coalesce(r.approved_at, '')
		FROM ipk_reports r LEFT JOIN users u ON u.id = r.made_by`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]IPKStatus{}
	for rows.Next() {
		var st IPKStatus
		var month, madeAt, approvedAt string
		if err := rows.Scan(&month, &st.State, &st.MadeBy, &madeAt, &st.Approver, &approvedAt); err != nil {
			return nil, err
		}
		st.Month, _ = domain.ParseMonth(month)
		st.MadeAt = parseTime(madeAt)
		if approvedAt != "" {
			st.ApprovedAt = parseTime(approvedAt)
		}
		out[month] = st
	}
	return out, rows.Err()
}

// ApprovedIPK returns the report of an approved month exactly as it was approved, or ErrNotFound.
func (db *DB) ApprovedIPK(ctx context.Context, m domain.Period) (*domain.IPKReport, error) {
	var data string
	err := db.read.QueryRowContext(ctx, `SELECT tables FROM ipk_reports WHERE month = ? AND state = 'disetujui'`, m.Key()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var r domain.IPKReport
	return &r, json.Unmarshal([]byte(data), &r)
}

// IPK export formats stored at approval.
const (
	FormatXLSX = "xlsx"
	FormatPDF  = "pdf"
)

// ApprovedIPKFile returns the XLSX or PDF stored when the month was approved, or ErrNotFound.
func (db *DB) ApprovedIPKFile(ctx context.Context, m domain.Period, format string) ([]byte, error) {
	col := "xlsx"
	if format == FormatPDF {
		col = "pdf"
	}
	var b []byte
	err := db.read.QueryRowContext(ctx, `SELECT `+col+` FROM ipk_reports WHERE month = ? AND state = 'disetujui'`, m.Key()).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return b, err
}

// ipkRuleError refuses a step of the report's approval; Message is in Bahasa Indonesia.
func ipkRuleError(msg string) error { return &domain.RuleError{Message: msg} }

// SubmitIPK records that an officer made the report of month m and submits it to the Kasi IPK
// (SOP step 18). A month can be submitted once it has ended, and again while it waits.
func (db *DB) SubmitIPK(ctx context.Context, m domain.Period, userID int64) error {
	now := db.now()
	if !domain.Day(now).After(m.End) {
		return ipkRuleError("Laporan " + m.Name() + " baru dapat diajukan setelah bulan itu berakhir (mulai " + domain.FormatDate(m.End.AddDate(0, 0, 1)) + ").")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var state string
		err := tx.QueryRowContext(ctx, `SELECT state FROM ipk_reports WHERE month = ?`, m.Key()).Scan(&state)
		if err == nil && state == domain.ReportApproved {
			return ipkRuleError("Laporan " + m.Name() + " sudah disetujui dan tidak dapat diajukan lagi. Perbaikan masuk laporan bulan berikutnya.")
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ipk_reports (month, state, made_by, made_at) VALUES (?, 'diajukan', ?, ?)
			ON CONFLICT (month) DO UPDATE SET made_by = excluded.made_by, made_at = excluded.made_at WHERE state = 'diajukan'`,
			m.Key(), userID, formatTime(now)); err != nil {
			return err
		}
		return auditNoApp(ctx, tx, now, actorOf(userID), "ipk-submit", "laporan IPK "+m.Key()+" diajukan")
	})
}

// IPKRenderer makes the XLSX and PDF of an approved report (the approval is on it).
type IPKRenderer func(*domain.IPKReport) (xlsx, pdf []byte, err error)

// ApproveIPK lets the Kasi IPK approve the submitted report of month m (SOP step 19): the lapses and
// vacancy closings due are written first, then in one transaction the report is counted, its exports made with the
// approval on them, and all of it stored as approved. From then on the month is frozen: events
// recorded later count in the month after the last approved one (the triggers of migrations 100, 101).
func (db *DB) ApproveIPK(ctx context.Context, m domain.Period, s domain.ReportSettings, userID int64, render IPKRenderer) (*domain.IPKReport, error) {
	if _, err := db.SweepLapsed(ctx); err != nil {
		return nil, err
	}
	if _, err := db.ExpireVacancies(ctx); err != nil {
		return nil, err
	}
	now := db.now()
	var out *domain.IPKReport
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var state, madeBy, madeAt string
		err := tx.QueryRowContext(ctx, `SELECT r.state, coalesce(u.full_name, ''), r.made_at FROM ipk_reports r LEFT JOIN users u ON u.id = r.made_by
			WHERE r.month = ?`, m.Key()).Scan(&state, &madeBy, &madeAt)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return ipkRuleError("Laporan " + m.Name() + " belum diajukan oleh petugas. Minta petugas membuat dan mengajukannya dulu.")
		case err != nil:
			return err
		case state == domain.ReportApproved:
			return ErrStateChanged
		}
		var latest string
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(month), '') FROM ipk_reports WHERE state = 'disetujui'`).Scan(&latest); err != nil {
			return err
		}
		if latest > m.Key() {
			return ipkRuleError("Laporan bulan yang lebih baru (" + latest + ") sudah disetujui; bulan sebelumnya tidak dapat disetujui lagi.")
		}
		var name, nip string
		var role string
		if err := tx.QueryRowContext(ctx, `SELECT full_name, nip, role FROM users WHERE id = ? AND disabled = 0`, userID).Scan(&name, &nip, &role); err != nil {
			return err
		}
		if domain.Role(role) != domain.RoleKasi {
			return ipkRuleError("Laporan IPK disetujui oleh Kasi IPK.")
		}
		r, err := domain.BuildReport(m, s, ipkCounter{ctx, tx})
		if err != nil {
			return err
		}
		approver := name
		if nip != "" {
			approver += ", NIP " + nip
		}
		r.State, r.MadeBy, r.MadeAt, r.Approver, r.ApprovedAt, r.Computed = domain.ReportApproved, madeBy, parseTime(madeAt), approver, now.UTC(), now.UTC()
		data, err := json.Marshal(r)
		if err != nil {
			return err
		}
		xlsx, pdf, err := render(r)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE ipk_reports SET state = 'disetujui', approved_by = ?, approved_at = ?, approver = ?, tables = ?, xlsx = ?, pdf = ?
			WHERE month = ? AND state = 'diajukan'`, userID, formatTime(now), approver, string(data), xlsx, pdf, m.Key())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrStateChanged
		}
		out = r
		return auditNoApp(ctx, tx, now, actorOf(userID), "ipk-approve", fmt.Sprintf("laporan IPK %s disetujui (xlsx %d byte, pdf %d byte)", m.Key(), len(xlsx), len(pdf)))
	})
	return out, err
}

// IPKPerson is one registration a figure of the report counts, as its people page lists it.
type IPKPerson struct {
	ApplicationID int64
	FullName      string
	NIK           string
	RegNumber     string
	Sex           string
	BirthDate     time.Time
	EduLevel      string
	EduCode       string
	EduYear       string
	KBJI          string
	RegDay        time.Time
	EndDay        time.Time // zero while registered
	EndIPK        string
	Employer      string // for a placement: the employer, its type and the placement type
	EmployerType  string
	Placement     string
}

// figureWhere turns a figure of job seekers into the conditions on ipk_ledger l (and its placement pl).
func figureWhere(f domain.Figure) (string, []any) {
	s, e := day(f.Period.Start), day(f.Period.End)
	where := []string{"l.end_day >= ?", "l.reg_day <= ?"}
	args := []any{s, e}
	var measures []string
	for _, m := range f.Measures {
		switch m {
		case domain.MeasureStart:
			measures = append(measures, "l.reg_day < ?")
			args = append(args, s)
		case domain.MeasureRegistered:
			measures = append(measures, "l.reg_day >= ?")
			args = append(args, s)
		case domain.MeasurePlaced:
			measures = append(measures, "(l.end_ipk = 'ditempatkan' AND l.end_day <= ?)")
			args = append(args, e)
		case domain.MeasureRemoved:
			measures = append(measures, "(l.end_ipk = 'dihapuskan' AND l.end_day <= ?)")
			args = append(args, e)
		case domain.MeasureEnd:
			measures = append(measures, "l.end_day > ?")
			args = append(args, e)
		}
	}
	where = append(where, "("+strings.Join(measures, " OR ")+")")
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if f.Sex != "" {
		add("l.sex = ?", f.Sex)
	}
	if f.Age >= 0 {
		cut := domain.AgeCutoffs(f.Period.End)
		add("l.birth_date <= ?", cut[f.Age])
		if f.Age+1 < len(cut) {
			add("l.birth_date > ?", cut[f.Age+1])
		}
	}
	if len(f.Levels) > 0 {
		var in []string
		for _, l := range f.Levels {
			if l == "-" {
				in = append(in, "l.edu_level NOT IN ("+placeholders(len(domain.EducationLevels))+")")
				for _, k := range domain.EducationLevels {
					args = append(args, k)
				}
				continue
			}
			in = append(in, "l.edu_level = ?")
			args = append(args, l)
		}
		where = append(where, "("+strings.Join(in, " OR ")+")")
	}
	switch f.Code {
	case "":
	case "-":
		add("l.edu_code = ''")
	default:
		add("l.edu_code = ?", f.Code)
	}
	switch f.KBJI {
	case "":
	case "-":
		var groups []any
		for _, g := range domain.KBJIGroups {
			groups = append(groups, g.Value)
		}
		add("l.kbji NOT IN ("+placeholders(len(groups))+")", groups...)
	default:
		add("l.kbji = ?", f.KBJI)
	}
	if f.Grad >= 0 {
		expr, a := gradExpr(f.Period)
		add(strings.ReplaceAll(expr, "edu_year", "l.edu_year")+" = ?", append(a, f.Grad)...)
	}
	if f.Type != "" {
		add("pl.placement_type = ?", f.Type)
	}
	if f.Employer != "" {
		add("pl.employer_type = ?", f.Employer)
	}
	return strings.Join(where, " AND "), args
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// IPKPeople lists the registrations a figure of job seekers counts, in the order they registered,
// a page at a time, with how many there are in all. The page is chosen from the ledger's index
// first and only its rows are joined to the applications, so the register at a month's end (a
// hundred thousand people in a big office) opens as fast as a figure of three.
func (db *DB) IPKPeople(ctx context.Context, f domain.Figure, limit, offset int) ([]IPKPerson, int, error) {
	where, args := figureWhere(f)
	const from = ` FROM ipk_ledger l LEFT JOIN placements pl ON pl.event_id = l.end_event_id AND l.end_ipk = 'ditempatkan' WHERE `
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*)`+from+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `WITH page AS (SELECT l.id`+from+where+` ORDER BY l.reg_day, l.id LIMIT ? OFFSET ?)
		SELECT l.application_id, a.full_name, a.nik,
		coalesce((SELECT reg_number FROM cards c WHERE c.application_id = l.application_id ORDER BY c.serial LIMIT 1), ''),
		l.sex, l.birth_date, l.edu_level, l.edu_code, l.edu_year, l.kbji, l.reg_day, l.end_day, l.end_ipk,
		coalesce(pl.employer, ''), coalesce(pl.employer_type, ''), coalesce(pl.placement_type, '')
		FROM page JOIN ipk_ledger l ON l.id = page.id JOIN applications a ON a.id = l.application_id
		LEFT JOIN placements pl ON pl.event_id = l.end_event_id AND l.end_ipk = 'ditempatkan'
		ORDER BY l.reg_day, l.id`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []IPKPerson
	for rows.Next() {
		var p IPKPerson
		var birth, reg, end string
		if err := rows.Scan(&p.ApplicationID, &p.FullName, &p.NIK, &p.RegNumber, &p.Sex, &birth, &p.EduLevel, &p.EduCode, &p.EduYear,
			&p.KBJI, &reg, &end, &p.EndIPK, &p.Employer, &p.EmployerType, &p.Placement); err != nil {
			return nil, 0, err
		}
		p.BirthDate, _ = time.Parse(dayFormat, birth)
		p.RegDay, _ = time.Parse(dayFormat, reg)
		if p.EndIPK != "" {
			p.EndDay, _ = time.Parse(dayFormat, end)
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}
