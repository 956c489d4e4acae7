-- The officer desk (issue 3): officers and their sessions, calls to desks, document checks, data
-- corrections, photos, the Buku Agenda, and who signs each card.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    nip           TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,           -- petugas, pengantar, kasi, operator, admin
    password_hash TEXT NOT NULL,           -- bcrypt
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    desk         TEXT NOT NULL DEFAULT '',  -- the desk (meja) number the officer sits at this session
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,            -- idle expiry slides from here
    expires_at   TEXT NOT NULL             -- absolute expiry
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Every call of a ticket to a desk, for the lobby display (which shows ticket and desk only).
CREATE TABLE calls (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    ticket         TEXT NOT NULL,
    desk           TEXT NOT NULL,
    user_id        INTEGER REFERENCES users(id),
    at             TEXT NOT NULL
);

-- Documents the officer ticked (keys of domain.Services "baru"), comma separated.
ALTER TABLE applications ADD COLUMN documents TEXT NOT NULL DEFAULT '';

-- Each correction of a field by an officer, with the value it replaced.
CREATE TABLE corrections (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    at             TEXT NOT NULL,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    field          TEXT NOT NULL,
    old_value      TEXT NOT NULL,
    new_value      TEXT NOT NULL
);
CREATE INDEX corrections_application ON corrections(application_id);

-- The job seeker's photo for the card: JPEG, 3:4, at print resolution.
CREATE TABLE photos (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id),
    jpeg           BLOB NOT NULL,
    taken_at       TEXT NOT NULL,
    user_id        INTEGER REFERENCES users(id)
);

-- Buku Agenda: one book per education level, numbered per year.
CREATE TABLE agenda_counters (
    level TEXT NOT NULL,
    year  INTEGER NOT NULL,
    last  INTEGER NOT NULL,
    PRIMARY KEY (level, year)
);
CREATE TABLE agenda_entries (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id),
    level          TEXT NOT NULL,
    year           INTEGER NOT NULL,
    number         INTEGER NOT NULL,
    entered_on     TEXT NOT NULL,          -- YYYY-MM-DD office day
    UNIQUE (level, year, number)
);

-- The Pengantar Kerja who signs the card; manual cards were made by hand during an outage.
ALTER TABLE cards ADD COLUMN pengantar_id INTEGER REFERENCES users(id);
ALTER TABLE cards ADD COLUMN manual INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX cards_reg_number_serial1 ON cards(reg_number) WHERE serial = 1;
