-- After the card is printed (issue 9, SOP steps 8–17): dated steps of every application, the
-- Kasi's dispositions, the card's signer, counselling with vacancies and referrals, the Buku
-- Penyerahan and the legalisation register.

-- One row per SOP step taken (domain.SOPStep): who, when, for which application and card. The
-- service-time figures read it; nothing ever updates or deletes a row.
CREATE TABLE step_events (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES applications(id),
    step            TEXT NOT NULL,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,           -- as audit_log.actor: "user:<id>", "station:<id>", "system"
    user_id         INTEGER REFERENCES users(id),
    card_id         INTEGER REFERENCES cards(id),
    legalisation_id INTEGER,                 -- for the legalisation steps (SOP 14–17)
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX step_events_application ON step_events(application_id, id);
CREATE INDEX step_events_step_at ON step_events(step, at);

-- Where no Pengantar Kerja is present the Kasi assigns another official to sign cards and legalised
-- copies for the day (the SOP's disposition).
CREATE TABLE dispositions (
    id          INTEGER PRIMARY KEY,
    day         TEXT NOT NULL,               -- YYYY-MM-DD office day it holds for
    assignee_id INTEGER NOT NULL REFERENCES users(id),
    assigned_by INTEGER NOT NULL REFERENCES users(id),
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT,
    revoked_by  INTEGER REFERENCES users(id)
);
CREATE INDEX dispositions_day ON dispositions(day, assignee_id);

-- The card's signer is the official who signed it off in their own session (SOP 11), with the
-- disposition that allowed it when the signer is not a Pengantar Kerja.
ALTER TABLE cards ADD COLUMN signed_at TEXT;
ALTER TABLE cards ADD COLUMN sign_disposition_id INTEGER REFERENCES dispositions(id);

-- Vacancies (lowongan) with the places still open by requested sex (L, P, either). The open counts
-- are kept in step with vacancy_events, which hold the dated truth the IPK report reads.
CREATE TABLE vacancies (
    id              INTEGER PRIMARY KEY,
    employer_name   TEXT NOT NULL,
    employer_kbli   TEXT NOT NULL,           -- KBLI 2020 section
    employer_type   TEXT NOT NULL,           -- domain.EmployerTypes (IPK III/8 part II row)
    position        TEXT NOT NULL,
    kbji            TEXT NOT NULL,           -- KBJI 2014 major group
    wanted_l        INTEGER NOT NULL,
    wanted_p        INTEGER NOT NULL,
    wanted_any      INTEGER NOT NULL,
    open_l          INTEGER NOT NULL CHECK (open_l >= 0),
    open_p          INTEGER NOT NULL CHECK (open_p >= 0),
    open_any        INTEGER NOT NULL CHECK (open_any >= 0),
    min_education   TEXT NOT NULL DEFAULT '',-- domain.EducationLevels, '' none
    edu_code        TEXT NOT NULL DEFAULT '',-- IPK education code, '' none
    age_min         INTEGER NOT NULL DEFAULT 0,
    age_max         INTEGER NOT NULL DEFAULT 0,
    location        TEXT NOT NULL,           -- lokal, antardaerah, luarnegeri
    location_detail TEXT NOT NULL DEFAULT '',
    wage            INTEGER NOT NULL DEFAULT 0, -- rupiah per month, 0 not stated
    closing_date    TEXT NOT NULL,           -- YYYY-MM-DD, open through that day (WITA)
    state           TEXT NOT NULL,           -- open, filled, withdrawn, expired
    notes           TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1, -- grows with every change: an officer's form names the one it was made from
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX vacancies_state ON vacancies(state, closing_date);

-- Every change of a vacancy, dated. kind is one of the IPK measures: 'registered' (places added),
-- 'filled' or 'removed' (places taken away), or 'edited' (no places change). l, p and any_sex are
-- the places the event adds or takes away, by requested sex, all >= 0; the classification columns
-- are the vacancy's as they were at the event, so a period's figures never change afterwards.
-- Places still open at time T = sum over events before T of (registered − filled − removed).
CREATE TABLE vacancy_events (
    id            INTEGER PRIMARY KEY,
    vacancy_id    INTEGER NOT NULL REFERENCES vacancies(id),
    at            TEXT NOT NULL,
    user_id       INTEGER REFERENCES users(id), -- NULL when the system closed it (closing date)
    kind          TEXT NOT NULL CHECK (kind IN ('registered', 'filled', 'removed', 'edited')),
    l             INTEGER NOT NULL DEFAULT 0 CHECK (l >= 0),
    p             INTEGER NOT NULL DEFAULT 0 CHECK (p >= 0),
    any_sex       INTEGER NOT NULL DEFAULT 0 CHECK (any_sex >= 0),
    edu_level     TEXT NOT NULL,
    edu_code      TEXT NOT NULL,
    kbji          TEXT NOT NULL,
    kbli          TEXT NOT NULL,
    employer_type TEXT NOT NULL,
    location      TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',  -- why: ditarik, lewat tanggal penutupan, jumlah dikurangi, koreksi …
    filled_by     TEXT NOT NULL DEFAULT '',  -- who filled the places, when known
    detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX vacancy_events_at ON vacancy_events(at);
CREATE INDEX vacancy_events_vacancy ON vacancy_events(vacancy_id, id);

-- Job counselling (SOP 12): given with the Catatan Pengantar Kerja, or skipped with a reason.
CREATE TABLE counsellings (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id),
    user_id        INTEGER NOT NULL REFERENCES users(id),
    at             TEXT NOT NULL,
    skipped        INTEGER NOT NULL DEFAULT 0,
    skip_reason    TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT ''
);

-- A referral of a job seeker to a vacancy, with its letter's number (serial per year).
CREATE TABLE referrals (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    vacancy_id     INTEGER NOT NULL REFERENCES vacancies(id),
    year           INTEGER NOT NULL,
    serial         INTEGER NOT NULL,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    created_at     TEXT NOT NULL,
    UNIQUE (application_id, vacancy_id),
    UNIQUE (year, serial)
);
CREATE INDEX referrals_vacancy ON referrals(vacancy_id);

-- Buku Penyerahan AK/I (SOP 13): which card, received by whom, handed by whom, when.
CREATE TABLE handovers (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id),
    card_id        INTEGER NOT NULL REFERENCES cards(id),
    received_by    TEXT NOT NULL,
    handed_by      INTEGER NOT NULL REFERENCES users(id),
    at             TEXT NOT NULL,
    day            TEXT NOT NULL            -- YYYY-MM-DD office day, the book's page
);
CREATE INDEX handovers_day ON handovers(day, handed_by);

-- Legalised copies of a card (SOP 14–17): requested → signed → handed over; numbered per year in
-- the legalisation register.
CREATE TABLE legalisations (
    id              INTEGER PRIMARY KEY,
    card_id         INTEGER NOT NULL REFERENCES cards(id),
    application_id  INTEGER NOT NULL REFERENCES applications(id),
    copies          INTEGER NOT NULL CHECK (copies BETWEEN 1 AND 20),
    state           TEXT NOT NULL,           -- requested, signed, handed_over
    year            INTEGER NOT NULL,
    number          INTEGER NOT NULL,
    day             TEXT NOT NULL,           -- YYYY-MM-DD office day of the request
    requested_by    INTEGER NOT NULL REFERENCES users(id),
    requested_at    TEXT NOT NULL,
    signed_by       INTEGER REFERENCES users(id),
    signed_at       TEXT,
    disposition_id  INTEGER REFERENCES dispositions(id),
    handed_by       INTEGER REFERENCES users(id),
    handed_at       TEXT,
    UNIQUE (year, number)
);
CREATE INDEX legalisations_day ON legalisations(day);
CREATE INDEX legalisations_card ON legalisations(card_id);
CREATE INDEX legalisations_state ON legalisations(state);
