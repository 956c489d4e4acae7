package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"ak1/server/domain"
)

// Vacancies (lowongan) and their dated events. The vacancies table holds each vacancy as it is now,
// with the places still open; vacancy_events holds every change with its date, the places it added
// or took away by requested sex and the classification at that moment. The IPK report (III/1 part
// II, III/4–III/6) is a query over vacancy_events, never over the vacancies table.

const vacancyColumns = `id, employer_name, employer_kbli, employer_type, position, kbji, wanted_l, wanted_p, wanted_any,
	open_l, open_p, open_any, min_education, edu_code, age_min, age_max, location, location_detail, wage, closing_date,
	state, notes, version, created_at, updated_at`

func scanVacancy(row interface{ Scan(...any) error }) (*domain.Vacancy, error) {
	var v domain.Vacancy
	var closing, created, updated string
	err := row.Scan(&v.ID, &v.EmployerName, &v.EmployerKBLI, &v.EmployerType, &v.Position, &v.KBJI, &v.Wanted.L, &v.Wanted.P,
		&v.Wanted.Any, &v.Open.L, &v.Open.P, &v.Open.Any, &v.MinEducation, &v.EduCode, &v.AgeMin, &v.AgeMax, &v.Location,
		&v.LocationDetail, &v.Wage, &closing, &v.State, &v.Notes, &v.Version, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	v.ClosingDate, _ = time.Parse("2006-01-02", closing)
	v.CreatedAt, v.UpdatedAt = parseTime(created), parseTime(updated)
	return &v, nil
}

// vacancyEvent records one dated change of a vacancy: kind registered, filled, removed or edited,
// places by requested sex, and the classification of c.
func vacancyEvent(ctx context.Context, tx *sql.Tx, at time.Time, vacancyID, userID int64, kind string, n domain.Counts,
	c domain.Classification, reason, filledBy, detail string) error {
	return referralVacancyEvent(ctx, tx, at, vacancyID, userID, kind, n, c, reason, filledBy, detail, 0)
}

// referralVacancyEvent is vacancyEvent for the places a referral's placement filled (referral 0: none).
func referralVacancyEvent(ctx context.Context, tx *sql.Tx, at time.Time, vacancyID, userID int64, kind string, n domain.Counts,
	c domain.Classification, reason, filledBy, detail string, referral int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO vacancy_events (vacancy_id, at, user_id, kind, l, p, any_sex, edu_level, edu_code, kbji, kbli,
		employer_type, location, reason, filled_by, detail, referral_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		vacancyID, formatTime(at), nullID(userID), kind, n.L, n.P, n.Any, c.EduLevel, c.EduCode, c.KBJI, c.KBLI, c.EmployerType,
		c.Location, reason, filledBy, detail, nullID(referral))
	return err
}

// CreateVacancy registers a vacancy with all its places open.
func (db *DB) CreateVacancy(ctx context.Context, v domain.Vacancy, userID int64) (int64, error) {
	now := db.now()
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO vacancies (employer_name, employer_kbli, employer_type, position, kbji,
			wanted_l, wanted_p, wanted_any, open_l, open_p, open_any, min_education, edu_code, age_min, age_max, location,
			location_detail, wage, closing_date, state, notes, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.EmployerName, v.EmployerKBLI, v.EmployerType, v.Position, v.KBJI, v.Wanted.L, v.Wanted.P, v.Wanted.Any,
			v.Wanted.L, v.Wanted.P, v.Wanted.Any, v.MinEducation, v.EduCode, v.AgeMin, v.AgeMax, v.Location, v.LocationDetail,
			v.Wage, v.ClosingDate.Format("2006-01-02"), string(domain.VacancyOpen), v.Notes, userID, formatTime(now), formatTime(now))
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := vacancyEvent(ctx, tx, now, id, userID, "registered", v.Wanted, v.Classification(), "didaftarkan", "", ""); err != nil {
			return err
		}
		return auditNoApp(ctx, tx, now, actorOf(userID), "vacancy-register",
			fmt.Sprintf("lowongan %d: %s, %s (%s)", id, v.EmployerName, v.Position, v.Wanted.SexLabel()))
	})
	return id, err
}

// vacancyInTx reads a vacancy inside a transaction.
func vacancyInTx(ctx context.Context, tx *sql.Tx, id int64) (*domain.Vacancy, error) {
	return scanVacancy(tx.QueryRowContext(ctx, `SELECT `+vacancyColumns+` FROM vacancies WHERE id = ?`, id))
}

// openVacancyAt reads a vacancy the officer changes: still open and still at the version the
// officer's form was made from, else ErrVacancyChanged.
func openVacancyAt(ctx context.Context, tx *sql.Tx, id int64, seen int) (*domain.Vacancy, error) {
	v, err := vacancyInTx(ctx, tx, id)
	if err == nil && (v.State != domain.VacancyOpen || v.Version != seen) {
		return nil, ErrVacancyChanged
	}
	return v, err
}

// ErrVacancyChanged is returned when a vacancy changed after the officer opened it: another officer
// edited or closed it first.
var ErrVacancyChanged = errors.New("vacancy changed")

// UpdateVacancy stores the officer's changes to an open vacancy whose form was made from version seen.
// More places are registered, fewer are removed (never below what is still open); a change of what
// the IPK tables count by (education, KBJI, KBLI, employer type, location) while places are open
// moves them: removed under the old classification and registered under the new one. Any other
// change is an 'edited' event.
func (db *DB) UpdateVacancy(ctx context.Context, id, userID int64, seen int, v domain.Vacancy) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		old, err := openVacancyAt(ctx, tx, id, seen)
		if err != nil {
			return err
		}
		delta := v.Wanted.Minus(old.Wanted)
		open := old.Open
		more := domain.Counts{L: max(delta.L, 0), P: max(delta.P, 0), Any: max(delta.Any, 0)}
		fewer := domain.Counts{L: max(-delta.L, 0), P: max(-delta.P, 0), Any: max(-delta.Any, 0)}
		if !fewer.Within(open) {
			return &NotReadyError{fmt.Sprintf("Jumlah yang dibutuhkan tidak dapat dikurangi di bawah yang sudah terisi: masih terbuka %s.", open.SexLabel())}
		}
		res, err := tx.ExecContext(ctx, `UPDATE vacancies SET employer_name = ?, employer_kbli = ?, employer_type = ?, position = ?, kbji = ?,
			wanted_l = ?, wanted_p = ?, wanted_any = ?, open_l = open_l + ?, open_p = open_p + ?, open_any = open_any + ?,
			min_education = ?, edu_code = ?, age_min = ?, age_max = ?, location = ?, location_detail = ?, wage = ?, closing_date = ?,
			notes = ?, version = version + 1, updated_at = ? WHERE id = ? AND state = ? AND version = ?`,
			v.EmployerName, v.EmployerKBLI, v.EmployerType, v.Position, v.KBJI, v.Wanted.L, v.Wanted.P, v.Wanted.Any,
			delta.L, delta.P, delta.Any, v.MinEducation, v.EduCode, v.AgeMin, v.AgeMax, v.Location, v.LocationDetail, v.Wage,
			v.ClosingDate.Format("2006-01-02"), v.Notes, formatTime(now), id, string(domain.VacancyOpen), seen)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrVacancyChanged
		}
		oldClass, newClass := old.Classification(), v.Classification()
		changed := vacancyChanges(old, &v)
		if oldClass != newClass && open.Minus(fewer).Total() > 0 {
			// The places still open move to the new classification.
			moving := open.Minus(fewer)
			if err := vacancyEvent(ctx, tx, now, id, userID, "removed", moving, oldClass, "koreksi klasifikasi", "", strings.Join(changed, ", ")); err != nil {
				return err
			}
			if err := vacancyEvent(ctx, tx, now, id, userID, "registered", moving, newClass, "koreksi klasifikasi", "", strings.Join(changed, ", ")); err != nil {
				return err
			}
		}
		if more.Total() > 0 {
			if err := vacancyEvent(ctx, tx, now, id, userID, "registered", more, newClass, "jumlah ditambah", "", ""); err != nil {
				return err
			}
		}
		if fewer.Total() > 0 {
			if err := vacancyEvent(ctx, tx, now, id, userID, "removed", fewer, oldClass, "jumlah dikurangi", "", ""); err != nil {
				return err
			}
		}
		if len(changed) > 0 {
			if err := vacancyEvent(ctx, tx, now, id, userID, "edited", domain.Counts{}, newClass, "diubah", "", strings.Join(changed, ", ")); err != nil {
				return err
			}
		}
		return auditNoApp(ctx, tx, now, actorOf(userID), "vacancy-edit", fmt.Sprintf("lowongan %d: %s", id, strings.Join(changed, ", ")))
	})
}

// vacancyChanges names the fields of a vacancy an edit changed (other than the numbers wanted).
func vacancyChanges(a, b *domain.Vacancy) []string {
	var out []string
	for _, f := range []struct {
		name string
		x, y any
	}{
		{"pemberi kerja", a.EmployerName, b.EmployerName}, {"KBLI", a.EmployerKBLI, b.EmployerKBLI},
		{"jenis pemberi kerja", a.EmployerType, b.EmployerType}, {"jabatan", a.Position, b.Position}, {"KBJI", a.KBJI, b.KBJI},
		{"pendidikan minimal", a.MinEducation, b.MinEducation}, {"kode pendidikan", a.EduCode, b.EduCode},
		{"umur minimal", a.AgeMin, b.AgeMin}, {"umur maksimal", a.AgeMax, b.AgeMax}, {"lokasi", a.Location, b.Location},
		{"kota/negara", a.LocationDetail, b.LocationDetail}, {"upah", a.Wage, b.Wage},
		{"tanggal penutupan", a.ClosingDate.Format("2006-01-02"), b.ClosingDate.Format("2006-01-02")}, {"catatan", a.Notes, b.Notes},
	} {
		if f.x != f.y {
			out = append(out, f.name)
		}
	}
	return out
}

// FillVacancy records places filled (by requested sex), with who filled them when known. With close,
// or when no place stays open, the vacancy is closed as filled and the places left are removed.
func (db *DB) FillVacancy(ctx context.Context, id, userID int64, seen int, filled domain.Counts, filledBy string, close bool) error {
	if filled.Total() == 0 {
		return &NotReadyError{"Tulis berapa yang sudah terisi (laki-laki, perempuan, atau laki-laki/perempuan)."}
	}
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := openVacancyAt(ctx, tx, id, seen)
		if err != nil {
			return err
		}
		state, err := fillPlaces(ctx, tx, now, v, userID, filled, filledBy, close, 0)
		if err != nil {
			return err
		}
		return auditNoApp(ctx, tx, now, actorOf(userID), "vacancy-fill", fmt.Sprintf("lowongan %d: terisi %s (%s); %s",
			id, filled.SexLabel(), filledBy, state.Label()))
	})
}

// fillPlaces takes filled places off the open vacancy v, as read in tx, with one guarded UPDATE (its
// version grows, so a form made before is refused) and a dated 'filled' event naming the referral
// when a placement filled them. With close, or when no place stays open, the vacancy closes as
// filled and the places left are removed. It returns the vacancy's new state.
func fillPlaces(ctx context.Context, tx *sql.Tx, now time.Time, v *domain.Vacancy, userID int64, filled domain.Counts, filledBy string,
	close bool, referral int64) (domain.VacancyState, error) {
	if !filled.Within(v.Open) {
		return "", &NotReadyError{fmt.Sprintf("Yang terisi melebihi yang masih terbuka (%s): jumlah terisi dicatat menurut jenis kelamin yang diminta.", v.Open.SexLabel())}
	}
	left := v.Open.Minus(filled)
	state := domain.VacancyOpen
	if close || left.Total() == 0 {
		state = domain.VacancyFilled
	}
	openAfter := left
	if state != domain.VacancyOpen {
		openAfter = domain.Counts{}
	}
	res, err := tx.ExecContext(ctx, `UPDATE vacancies SET open_l = ?, open_p = ?, open_any = ?, state = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND state = ? AND version = ?`, openAfter.L, openAfter.P, openAfter.Any, string(state), formatTime(now),
		v.ID, string(domain.VacancyOpen), v.Version)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return "", ErrVacancyChanged
	}
	c := v.Classification()
	if err := referralVacancyEvent(ctx, tx, now, v.ID, userID, "filled", filled, c, "terisi", filledBy, "", referral); err != nil {
		return "", err
	}
	if state != domain.VacancyOpen && left.Total() > 0 {
		if err := vacancyEvent(ctx, tx, now, v.ID, userID, "removed", left, c, "ditutup, sisa tidak terisi", "", ""); err != nil {
			return "", err
		}
	}
	return state, nil
}

// fillFromPlacement fills the place a placement through a referral took, in tx: one place of the
// referral's vacancy, asked for the holder's sex or, failing that, for either sex. A referral fills
// one place at most, so a placement recorded again counts nothing more. Nothing is filled when the
// vacancy has closed or has no place left the holder could take: the placement stands, and the
// vacancy's figures stay as the officers recorded them.
func fillFromPlacement(ctx context.Context, tx *sql.Tx, now time.Time, referral, userID int64, actor, filledBy string) error {
	var done bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM vacancy_events WHERE referral_id = ?)`, referral).Scan(&done); err != nil || done {
		return err
	}
	var vacancyID int64
	var sex string
	if err := tx.QueryRowContext(ctx, `SELECT r.vacancy_id, a.sex FROM referrals r JOIN applications a ON a.id = r.application_id WHERE r.id = ?`,
		referral).Scan(&vacancyID, &sex); err != nil {
		return err
	}
	v, err := vacancyInTx(ctx, tx, vacancyID)
	if err != nil || v.State != domain.VacancyOpen {
		return err
	}
	var one domain.Counts
	switch {
	case sex == "L" && v.Open.L > 0:
		one.L = 1
	case sex == "P" && v.Open.P > 0:
		one.P = 1
	case v.Open.Any > 0:
		one.Any = 1
	default:
		return nil
	}
	state, err := fillPlaces(ctx, tx, now, v, userID, one, filledBy, false, referral)
	if err != nil {
		return err
	}
	return auditNoApp(ctx, tx, now, actor, "vacancy-fill", fmt.Sprintf("lowongan %d: terisi %s (%s); %s",
		v.ID, one.SexLabel(), filledBy, state.Label()))
}

// WithdrawVacancy closes an open vacancy the employer withdrew; its open places are removed.
func (db *DB) WithdrawVacancy(ctx context.Context, id, userID int64, seen int, reason string) error {
	if reason == "" {
		reason = "ditarik pemberi kerja"
	}
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := openVacancyAt(ctx, tx, id, seen)
		if err != nil {
			return err
		}
		if err := closeVacancy(ctx, tx, now, now, v, userID, domain.VacancyWithdrawn, reason); err != nil {
			return err
		}
		return auditNoApp(ctx, tx, now, actorOf(userID), "vacancy-withdraw", fmt.Sprintf("lowongan %d: %s", id, reason))
	})
}

// closeVacancy closes an open vacancy with one guarded UPDATE and removes its open places with an
// event dated at.
func closeVacancy(ctx context.Context, tx *sql.Tx, now, at time.Time, v *domain.Vacancy, userID int64, to domain.VacancyState, reason string) error {
	res, err := tx.ExecContext(ctx, `UPDATE vacancies SET open_l = 0, open_p = 0, open_any = 0, state = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND state = ? AND version = ?`, string(to), formatTime(now), v.ID, string(domain.VacancyOpen), v.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrVacancyChanged
	}
	if v.Open.Total() == 0 {
		return nil
	}
	return vacancyEvent(ctx, tx, at, v.ID, userID, "removed", v.Open, v.Classification(), reason, "", "")
}

// ExpireVacancies closes the open vacancies whose closing date has passed. Their open places are
// removed at the moment the vacancy closed (midnight after the closing date, WITA), not when this
// runs, so the IPK figures of a period do not depend on when someone looked. It returns how many it
// closed.
func (db *DB) ExpireVacancies(ctx context.Context) (int, error) {
	now := db.now()
	// Every vacancy with closing_date before today (WITA) has closed.
	today := domain.OfficeDay(now)
	var n int
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+vacancyColumns+` FROM vacancies WHERE state = ? AND closing_date < ?`,
			string(domain.VacancyOpen), today)
		if err != nil {
			return err
		}
		var list []*domain.Vacancy
		for rows.Next() {
			v, err := scanVacancy(rows)
			if err != nil {
				rows.Close()
				return err
			}
			list = append(list, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, v := range list {
			if err := closeVacancy(ctx, tx, now, v.ClosesAt(), v, 0, domain.VacancyExpired, "lewat tanggal penutupan"); err != nil {
				return err
			}
			if err := auditNoApp(ctx, tx, now, "system", "vacancy-expire", fmt.Sprintf("lowongan %d: ditutup %s", v.ID, v.ClosingDate.Format("2006-01-02"))); err != nil {
				return err
			}
		}
		n = len(list)
		return nil
	})
	return n, err
}

// Vacancy returns one vacancy, or ErrNotFound.
func (db *DB) Vacancy(ctx context.Context, id int64) (*domain.Vacancy, error) {
	return scanVacancy(db.read.QueryRowContext(ctx, `SELECT `+vacancyColumns+` FROM vacancies WHERE id = ?`, id))
}

// VacancyFilter selects vacancies for the list.
type VacancyFilter struct {
	Open  bool   // only open ones; otherwise the closed ones
	Query string // part of the employer's name or the position
	Limit int
}

// Vacancies lists vacancies: open ones closing soonest first, closed ones newest first.
func (db *DB) Vacancies(ctx context.Context, f VacancyFilter) ([]domain.Vacancy, error) {
	where, order := `state = 'open'`, `closing_date, id`
	if !f.Open {
		where, order = `state <> 'open'`, `updated_at DESC, id DESC`
	}
	args := []any{}
	if q := strings.TrimSpace(f.Query); q != "" {
		where += ` AND (employer_name LIKE ? OR position LIKE ?)`
		args = append(args, "%"+q+"%", "%"+q+"%")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+vacancyColumns+` FROM vacancies WHERE `+where+` ORDER BY `+order+` LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Vacancy
	for rows.Next() {
		v, err := scanVacancy(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// VacancyEvent is one dated change of a vacancy, as its history shows it.
type VacancyEvent struct {
	At       time.Time
	By       string
	Kind     string
	Places   domain.Counts
	Reason   string
	FilledBy string
	Detail   string
}

// KindLabel is the kind of change in Bahasa Indonesia.
func (e VacancyEvent) KindLabel() string { return domain.VacancyEventLabel(e.Kind) }

// VacancyEvents returns a vacancy's history, oldest first.
func (db *DB) VacancyEvents(ctx context.Context, id int64) ([]VacancyEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT e.at, coalesce(u.full_name, 'sistem'), e.kind, e.l, e.p, e.any_sex, e.reason, e.filled_by, e.detail
		FROM vacancy_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.vacancy_id = ? ORDER BY e.at, e.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VacancyEvent
	for rows.Next() {
		var e VacancyEvent
		var at string
		if err := rows.Scan(&at, &e.By, &e.Kind, &e.Places.L, &e.Places.P, &e.Places.Any, &e.Reason, &e.FilledBy, &e.Detail); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// VacancyMeasures are the IPK measures of vacancies over a period, by requested sex.
type VacancyMeasures struct {
	Before, Registered, Filled, Removed, After domain.Counts
}

// VacancyMeasures sums the vacancy events for the period [from, to): places open before it,
// registered, filled and removed in it, open at its end. It is the shape of IPK III/1 part II (the
// report of issue 10 splits it further by the events' classification).
func (db *DB) VacancyMeasures(ctx context.Context, from, to time.Time) (VacancyMeasures, error) {
	var m VacancyMeasures
	rows, err := db.read.QueryContext(ctx, `SELECT kind, sum(l), sum(p), sum(any_sex) FROM vacancy_events
		WHERE at >= ? AND at < ? AND kind <> 'edited' GROUP BY kind`, formatTime(from), formatTime(to))
	if err != nil {
		return m, err
	}
	defer rows.Close()
	for rows.Next() {
		var measure string
		var c domain.Counts
		if err := rows.Scan(&measure, &c.L, &c.P, &c.Any); err != nil {
			return m, err
		}
		switch measure {
		case "registered":
			m.Registered = c
		case "filled":
			m.Filled = c
		case "removed":
			m.Removed = c
		}
	}
	if err := rows.Err(); err != nil {
		return m, err
	}
	// Places open before the period: every earlier event, registered minus filled and removed.
	err = db.read.QueryRowContext(ctx, `SELECT
		coalesce(sum(CASE kind WHEN 'registered' THEN l ELSE -l END), 0),
		coalesce(sum(CASE kind WHEN 'registered' THEN p ELSE -p END), 0),
		coalesce(sum(CASE kind WHEN 'registered' THEN any_sex ELSE -any_sex END), 0)
		FROM vacancy_events WHERE at < ? AND kind <> 'edited'`, formatTime(from)).Scan(&m.Before.L, &m.Before.P, &m.Before.Any)
	if err != nil {
		return m, err
	}
	m.After = domain.Counts{
		L:   m.Before.L + m.Registered.L - m.Filled.L - m.Removed.L,
		P:   m.Before.P + m.Registered.P - m.Filled.P - m.Removed.P,
		Any: m.Before.Any + m.Registered.Any - m.Filled.Any - m.Removed.Any,
	}
	return m, nil
}
