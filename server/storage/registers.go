package storage

import (
	"context"
	"strings"
	"time"

	"ak1/server/domain"
)

// The SOP's registers besides the Buku Penyerahan and the legalisation register (steps.go,
// legalisation.go): the Buku Agenda per education level, the check list of documents, and the
// vacancy register. Each covers office days from through to (YYYY-MM-DD) and, with an officer, only
// that officer's entries.

// AgendaEntry is one line of the Buku Agenda: a registration numbered in its education level's book.
type AgendaEntry struct {
	Level      string
	Number     int
	Year       int
	Day        time.Time
	RegNumber  string
	FullName   string
	NIK        string
	Sex        string
	BirthDate  string
	EduCode    string
	School     string
	EduYear    string
	Officer    string // who approved the registration
	OfficerNIP string
}

// AgendaBook returns the Buku Agenda entries of the days, by level then number; level "" is every
// level.
func (db *DB) AgendaBook(ctx context.Context, from, to, level string, officerID int64) ([]AgendaEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT g.level, g.number, g.year, g.entered_on,
		coalesce((SELECT reg_number FROM cards c WHERE c.application_id = g.application_id ORDER BY c.serial LIMIT 1), ''),
		a.full_name, a.nik, a.sex, a.birth_date, coalesce(json_extract(a.form, '$.edu_code'), ''), coalesce(json_extract(a.form, '$.edu_school'), ''),
		coalesce(json_extract(a.form, '$.edu_year'), ''), coalesce(u.full_name, ''), coalesce(u.nip, '')
		FROM agenda_entries g JOIN applications a ON a.id = g.application_id
		LEFT JOIN card_events e ON e.id = (SELECT min(id) FROM card_events WHERE application_id = g.application_id AND kind = 'issued')
		LEFT JOIN users u ON u.id = e.user_id
		WHERE g.entered_on BETWEEN ? AND ? AND (? = '' OR g.level = ?) AND (? = 0 OR e.user_id = ?)
		ORDER BY g.level, g.year, g.number`, from, to, level, level, officerID, officerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AgendaEntry
	for rows.Next() {
		var e AgendaEntry
		var day string
		if err := rows.Scan(&e.Level, &e.Number, &e.Year, &day, &e.RegNumber, &e.FullName, &e.NIK, &e.Sex, &e.BirthDate, &e.EduCode,
			&e.School, &e.EduYear, &e.Officer, &e.OfficerNIP); err != nil {
			return nil, err
		}
		e.Day, _ = time.Parse(dayFormat, day)
		out = append(out, e)
	}
	return out, rows.Err()
}

// CheckEntry is one line of the check list: the documents an officer found complete for an
// application (SOP step 3), and when.
type CheckEntry struct {
	ApplicationID int64
	At            time.Time
	Ticket        string
	FullName      string
	NIK           string
	Documents     []string // keys of domain.Services "baru" ticked
	Officer       string
}

// CheckList returns the document checks of the days in the order they were made.
func (db *DB) CheckList(ctx context.Context, from, to string, officerID int64) ([]CheckEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.application_id, s.at, a.ticket, a.full_name, a.nik, a.documents, coalesce(u.full_name, '')
		FROM step_events s JOIN applications a ON a.id = s.application_id LEFT JOIN users u ON u.id = s.user_id
		WHERE s.step = 'documents_checked' AND s.at >= ? AND s.at < ? AND (? = 0 OR s.user_id = ?) ORDER BY s.at, s.id`,
		dayStartUTC(from), dayStartUTC(nextDay(to)), officerID, officerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CheckEntry
	for rows.Next() {
		var e CheckEntry
		var at, docs string
		if err := rows.Scan(&e.ApplicationID, &at, &e.Ticket, &e.FullName, &e.NIK, &docs, &e.Officer); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		if docs != "" {
			e.Documents = strings.Split(docs, ",")
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// VacancyEntry is one line of the vacancy register: a vacancy registered in the period, its places
// by requested sex, how many were filled, and where it stands.
type VacancyEntry struct {
	ID                                  int64
	Day                                 time.Time
	EmployerName, KBLI, EmployerType    string
	Position, KBJI, MinEducation, Code  string
	WantedL, WantedP, WantedAny, Filled int
	Location, LocationDetail, State     string
	ClosingDate                         time.Time
	Officer                             string
}

// VacancyRegister returns the vacancies registered on the days, by number.
func (db *DB) VacancyRegister(ctx context.Context, from, to string, officerID int64) ([]VacancyEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.id, v.created_at, v.employer_name, v.employer_kbli, v.employer_type, v.position, v.kbji,
		v.min_education, v.edu_code, v.wanted_l, v.wanted_p, v.wanted_any,
		coalesce((SELECT sum(e.l + e.p + e.any_sex) FROM vacancy_events e WHERE e.vacancy_id = v.id AND e.kind = 'filled'), 0),
		v.location, v.location_detail, v.state, v.closing_date, coalesce(u.full_name, '')
		FROM vacancies v LEFT JOIN users u ON u.id = v.created_by
		WHERE v.created_at >= ? AND v.created_at < ? AND (? = 0 OR v.created_by = ?) ORDER BY v.id`,
		dayStartUTC(from), dayStartUTC(nextDay(to)), officerID, officerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VacancyEntry
	for rows.Next() {
		var e VacancyEntry
		var created, closing string
		if err := rows.Scan(&e.ID, &created, &e.EmployerName, &e.KBLI, &e.EmployerType, &e.Position, &e.KBJI, &e.MinEducation, &e.Code,
			&e.WantedL, &e.WantedP, &e.WantedAny, &e.Filled, &e.Location, &e.LocationDetail, &e.State, &closing, &e.Officer); err != nil {
			return nil, err
		}
		e.Day = parseTime(created)
		e.ClosingDate, _ = time.Parse(dayFormat, closing)
		out = append(out, e)
	}
	return out, rows.Err()
}

// dayStartUTC is the start of an office day (WITA midnight) as a stored timestamp.
func dayStartUTC(day string) string {
	d, err := time.ParseInLocation(dayFormat, day, domain.OfficeZone)
	if err != nil {
		return day
	}
	return formatTime(d)
}

func nextDay(day string) string {
	d, err := time.Parse(dayFormat, day)
	if err != nil {
		return day
	}
	return d.AddDate(0, 0, 1).Format(dayFormat)
}
