package storage

import (
	"context"
	"database/sql"
	"strconv"

	"ak1/server/domain"
)

// saveFormRows rewrites an application's education, training and work-experience rows and its
// wishes from its form (migration 071). Every statement that writes applications.form calls it in
// the same transaction, so the tables never disagree with the form.
func saveFormRows(ctx context.Context, tx *sql.Tx, appID int64, f *domain.Form) error {
	for _, table := range []string{"application_education", "application_training", "application_experience"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE application_id = ?`, appID); err != nil {
			return err
		}
	}
	rows := FormRows(f)
	for _, r := range rows.Education {
		if _, err := tx.ExecContext(ctx, InsertEducationRow, append([]any{appID}, r...)...); err != nil {
			return err
		}
	}
	for _, r := range rows.Training {
		if _, err := tx.ExecContext(ctx, InsertTrainingRow, append([]any{appID}, r...)...); err != nil {
			return err
		}
	}
	for _, r := range rows.Experience {
		if _, err := tx.ExecContext(ctx, InsertExperienceRow, append([]any{appID}, r...)...); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE applications SET desired_kbji = ?, desired_kbli = ?, target_company = ? WHERE id = ?`,
		f.DesiredKBJI, f.DesiredSector, f.TargetCompany, appID)
	return err
}

// The statements that store one form row; their first argument is the application id, the rest a
// row of FormRows. The bulk generator (storage/gen) writes the same rows with them.
const (
	InsertEducationRow = `INSERT INTO application_education (application_id, position, level, school, major, year, ipk_code, highest)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	InsertTrainingRow   = `INSERT INTO application_training (application_id, position, name, institution, year) VALUES (?, ?, ?, ?, ?)`
	InsertExperienceRow = `INSERT INTO application_experience (application_id, position, job_title, employer, kbli, duties, months)
		VALUES (?, ?, ?, ?, ?, ?, ?)`
)

// FormTableRows are the rows a form gives the tables beside applications.form: each row the
// arguments of its Insert…Row statement after the application id.
type FormTableRows struct {
	Education, Training, Experience [][]any
}

// FormRows returns the education, training and work-experience rows of a form.
func FormRows(f *domain.Form) FormTableRows {
	var out FormTableRows
	rows := f.Education()
	for i, e := range rows {
		code, highest := "", i == len(rows)-1
		if highest {
			code = f.EduCode
		}
		out.Education = append(out.Education, []any{i + 1, e.Level, e.School, e.Major, yearOrNull(e.Year), code, highest})
	}
	for i, t := range f.Trainings {
		if t.Name != "" {
			out.Training = append(out.Training, []any{i + 1, t.Name, t.Institution, yearOrNull(t.Year)})
		}
	}
	for i, x := range f.Experiences {
		if x.Position == "" && x.Employer == "" {
			continue
		}
		years, _ := strconv.Atoi(x.Years)
		months, _ := strconv.Atoi(x.Months)
		out.Experience = append(out.Experience, []any{i + 1, x.Position, x.Employer, x.Sector, x.Duties, years*12 + months})
	}
	return out
}

func yearOrNull(y string) any {
	if n, err := strconv.Atoi(y); err == nil && n > 0 {
		return n
	}
	return nil
}

// EducationRow is one stored education row of an application (application_education).
type EducationRow struct {
	Level, School, Major string
	Year                 int // 0 when none
	IPKCode              string
	Highest              bool
}

// EducationRows returns an application's education rows, lowest level first.
func (db *DB) EducationRows(ctx context.Context, appID int64) ([]EducationRow, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT level, school, major, coalesce(year, 0), ipk_code, highest
		FROM application_education WHERE application_id = ? ORDER BY position`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EducationRow
	for rows.Next() {
		var r EducationRow
		if err := rows.Scan(&r.Level, &r.School, &r.Major, &r.Year, &r.IPKCode, &r.Highest); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
