-- Times are stored as text in UTC, RFC 3339 with milliseconds: 2026-11-27T01:02:03.456Z (see storage.timeFormat).
-- Office days (ticket_day) are YYYY-MM-DD in WITA.

CREATE TABLE applications (
    id            INTEGER PRIMARY KEY,
    nik           TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    birth_date    TEXT NOT NULL,           -- YYYY-MM-DD
    sex           TEXT NOT NULL,           -- L or P
    state         TEXT NOT NULL,
    ticket        TEXT NOT NULL,           -- e.g. A-017, restarts daily
    ticket_day    TEXT NOT NULL,
    status_code   TEXT NOT NULL UNIQUE,    -- e.g. K7P-4QX, for "check my application"
    source        TEXT NOT NULL,           -- kiosk, desk or manual
    form          TEXT NOT NULL,           -- the Daftar Isian as JSON (domain.Form)
    state_reason  TEXT NOT NULL DEFAULT '',-- why it was returned or rejected, shown to the job seeker
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX applications_nik ON applications(nik);
CREATE INDEX applications_state ON applications(state);
CREATE UNIQUE INDEX applications_ticket ON applications(ticket_day, ticket);

CREATE TABLE ticket_counters (
    day  TEXT NOT NULL,
    prefix TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (day, prefix)
);

-- A kiosk draft lives only while one person is at the kiosk: it is deleted on submit, on idle reset,
-- and by the sweeper once it has not been touched for a while.
CREATE TABLE kiosk_drafts (
    token      TEXT PRIMARY KEY,
    form       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX kiosk_drafts_updated ON kiosk_drafts(updated_at);

CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,          -- "kiosk", "user:<id>", "station:<id>", "system"
    action         TEXT NOT NULL,
    application_id INTEGER REFERENCES applications(id),
    from_state     TEXT NOT NULL DEFAULT '',
    to_state       TEXT NOT NULL DEFAULT '',
    detail         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_application ON audit_log(application_id);
