-- Cards and their printing (issue: the AK/I card, the print-station agent, and the QR check).

-- One row per physical card. A reprint is a new row with the same registration number and the next
-- serial; the card it replaces is voided, so a QR code on a lost or spoiled card stops being genuine.
CREATE TABLE cards (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    reg_number     TEXT NOT NULL,           -- e.g. "5171 271126 000123"
    serial         INTEGER NOT NULL,        -- 1 for the first card, 2.. for reprints
    state          TEXT NOT NULL,           -- active, voided, placed, lapsed, cancelled
    issued_on      TEXT NOT NULL,           -- YYYY-MM-DD (office day)
    valid_until    TEXT NOT NULL,           -- YYYY-MM-DD, issued_on + 2 years
    created_at     TEXT NOT NULL,
    voided_at      TEXT,
    void_reason    TEXT NOT NULL DEFAULT '',
    UNIQUE (reg_number, serial)
);
CREATE INDEX cards_application ON cards(application_id);

-- Registration numbers are serial per year and never reused (domain.md §5).
CREATE TABLE registration_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

-- A print station: a PC with ak1-agent and a card printer. Its token is stored only as a hash.
CREATE TABLE stations (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    token_hash      TEXT NOT NULL UNIQUE,
    options         TEXT NOT NULL DEFAULT '{}', -- per-station print options (JSON object of strings)
    paused          INTEGER NOT NULL DEFAULT 0,
    disabled        INTEGER NOT NULL DEFAULT 0,
    printer         TEXT NOT NULL DEFAULT '',
    printer_state   TEXT NOT NULL DEFAULT '',   -- idle, printing, stopped, offline (from CUPS)
    printer_reasons TEXT NOT NULL DEFAULT '',   -- printer-state-reasons, comma separated
    agent_version   TEXT NOT NULL DEFAULT '',
    last_seen_at    TEXT,
    created_at      TEXT NOT NULL
);

-- One row per card to print. States: queued -> claimed -> sent -> printed; failed; needs_check (the
-- agent may or may not have printed it: a person decides); cancelled.
CREATE TABLE print_jobs (
    id               INTEGER PRIMARY KEY,
    card_id          INTEGER NOT NULL REFERENCES cards(id),
    state            TEXT NOT NULL,
    station_id       INTEGER REFERENCES stations(id),
    lease            TEXT,
    lease_expires_at TEXT,
    cups_job_id      INTEGER,
    attempts         INTEGER NOT NULL DEFAULT 0,
    error            TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX print_jobs_state ON print_jobs(state, id);
CREATE INDEX print_jobs_card ON print_jobs(card_id);
