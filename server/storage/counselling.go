package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ak1/server/domain"
)

// Job counselling (SOP 12): referrals to vacancies while the card is signed, then the counselling
// with the Catatan Pengantar Kerja, or its skipping with a reason. Only an official who may sign
// (a Pengantar Kerja, or by disposition) counsels.

// OpenVacancies lists the vacancies a job seeker can be referred to today: open, closing date not
// passed. It first closes the ones whose closing date has passed.
func (db *DB) OpenVacancies(ctx context.Context) ([]domain.Vacancy, error) {
	if _, err := db.ExpireVacancies(ctx); err != nil {
		return nil, err
	}
	return db.Vacancies(ctx, VacancyFilter{Open: true, Limit: 500})
}

// Refer refers the job seeker of an application being counselled to an open vacancy and numbers
// the referral letter (serial per year). Referring twice to the same vacancy returns the first
// referral.
func (db *DB) Refer(ctx context.Context, appID, vacancyID, userID int64) (int64, error) {
	now := db.now()
	year := now.In(domain.OfficeZone).Year()
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := signerDisposition(ctx, tx, userID, domain.OfficeDay(now)); err != nil {
			return err
		}
		st, err := stateOf(ctx, tx, appID)
		if err != nil {
			return err
		}
		if st != domain.StateSigned {
			return ErrStateChanged
		}
		v, err := vacancyInTx(ctx, tx, vacancyID)
		if errors.Is(err, ErrNotFound) {
			return &NotReadyError{"Lowongan tidak ditemukan."}
		}
		if err != nil {
			return err
		}
		if v.State != domain.VacancyOpen || !now.Before(v.ClosesAt()) || v.Open.Total() == 0 {
			return &NotReadyError{"Lowongan ini sudah ditutup: pilih lowongan lain."}
		}
		err = tx.QueryRowContext(ctx, `SELECT id FROM referrals WHERE application_id = ? AND vacancy_id = ?`, appID, vacancyID).Scan(&id)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO referrals (application_id, vacancy_id, year, serial, user_id, created_at)
			VALUES (?, ?, ?, (SELECT coalesce(max(serial), 0) + 1 FROM referrals WHERE year = ?), ?, ?)`,
			appID, vacancyID, year, year, userID, formatTime(now))
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		detail := fmt.Sprintf("lowongan %d: %s, %s", vacancyID, v.EmployerName, v.Position)
		if err := audit(ctx, tx, now, actorOf(userID), "refer", appID, string(st), string(st), detail); err != nil {
			return err
		}
		return stepEvent(ctx, tx, now, appID, domain.StepReferred, actorOf(userID), userID, 0, 0, detail)
	})
	return id, err
}

// FinishCounselling ends the counselling of a signed card with the counsellor's note.
func (db *DB) FinishCounselling(ctx context.Context, appID, userID int64, note string) error {
	return db.counsel(ctx, appID, userID, false, "", note)
}

// SkipCounselling records that counselling is not needed, with the reason (SOP 12: already works,
// or the card is for administration).
func (db *DB) SkipCounselling(ctx context.Context, appID, userID int64, reason string) error {
	if reason == "" {
		return &NotReadyError{"Pilih alasan bimbingan jabatan tidak diperlukan."}
	}
	return db.counsel(ctx, appID, userID, true, reason, "")
}

func (db *DB) counsel(ctx context.Context, appID, userID int64, skipped bool, reason, note string) error {
	now := db.now()
	step, detail := domain.StepCounselled, "bimbingan jabatan"
	if skipped {
		step, detail = domain.StepCounsellingSkipped, "tidak diperlukan: "+reason
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := signerDisposition(ctx, tx, userID, domain.OfficeDay(now)); err != nil {
			return err
		}
		if _, err := afterPrintStep(ctx, tx, now, appID, userID, domain.StateSigned, domain.StateCounselled, step, detail); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO counsellings (application_id, user_id, at, skipped, skip_reason, note) VALUES (?, ?, ?, ?, ?, ?)`,
			appID, userID, formatTime(now), skipped, reason, note)
		return err
	})
}

// Counselling is what the counsellor recorded.
type Counselling struct {
	By         string
	At         time.Time
	Skipped    bool
	SkipReason string
	Note       string
}

// CounsellingOf returns the counselling of an application, or ErrNotFound.
func (db *DB) CounsellingOf(ctx context.Context, appID int64) (*Counselling, error) {
	var c Counselling
	var at string
	err := db.read.QueryRowContext(ctx, `SELECT u.full_name, c.at, c.skipped, c.skip_reason, c.note FROM counsellings c
		JOIN users u ON u.id = c.user_id WHERE c.application_id = ?`, appID).Scan(&c.By, &at, &c.Skipped, &c.SkipReason, &c.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	c.At = parseTime(at)
	return &c, nil
}

// Referral is a referral with its vacancy, the referring official and the job seeker: what the
// referral letter prints.
type Referral struct {
	ID            int64
	Number        string // letter number, e.g. 0007/AK1-RJK/2026
	ApplicationID int64
	At            time.Time
	Vacancy       domain.Vacancy
	By            string
	ByNIP         string
	Holder        *domain.Application
	RegNumber     string
}

// referralNumber writes a referral's letter number: serial/AK1-RJK/year (local practice).
func referralNumber(year, serial int) string { return fmt.Sprintf("%04d/AK1-RJK/%d", serial, year) }

const referralSelect = `SELECT r.id, r.application_id, r.year, r.serial, r.created_at, u.full_name, u.nip, r.vacancy_id
	FROM referrals r JOIN users u ON u.id = r.user_id`

func (db *DB) scanReferrals(ctx context.Context, rows *sql.Rows) ([]Referral, error) {
	type row struct {
		r         Referral
		vacancyID int64
	}
	var list []row
	for rows.Next() {
		var x row
		var year, serial int
		var at string
		if err := rows.Scan(&x.r.ID, &x.r.ApplicationID, &year, &serial, &at, &x.r.By, &x.r.ByNIP, &x.vacancyID); err != nil {
			rows.Close()
			return nil, err
		}
		x.r.Number, x.r.At = referralNumber(year, serial), parseTime(at)
		list = append(list, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Referral, len(list))
	for i, x := range list {
		v, err := db.Vacancy(ctx, x.vacancyID)
		if err != nil {
			return nil, err
		}
		x.r.Vacancy = *v
		out[i] = x.r
	}
	return out, nil
}

// ReferralsOf lists the referrals of an application, oldest first.
func (db *DB) ReferralsOf(ctx context.Context, appID int64) ([]Referral, error) {
	rows, err := db.read.QueryContext(ctx, referralSelect+` WHERE r.application_id = ? ORDER BY r.id`, appID)
	if err != nil {
		return nil, err
	}
	return db.scanReferrals(ctx, rows)
}

// ReferralLetter returns one referral with the job seeker and the card number, or ErrNotFound.
func (db *DB) ReferralLetter(ctx context.Context, id int64) (*Referral, error) {
	rows, err := db.read.QueryContext(ctx, referralSelect+` WHERE r.id = ?`, id)
	if err != nil {
		return nil, err
	}
	list, err := db.scanReferrals(ctx, rows)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNotFound
	}
	r := &list[0]
	if r.Holder, err = db.Application(ctx, r.ApplicationID); err != nil {
		return nil, err
	}
	err = db.read.QueryRowContext(ctx, `SELECT coalesce((SELECT reg_number FROM cards WHERE application_id = ? AND state = ?
		ORDER BY serial DESC LIMIT 1), '')`, r.ApplicationID, domain.CardActive).Scan(&r.RegNumber)
	return r, err
}
