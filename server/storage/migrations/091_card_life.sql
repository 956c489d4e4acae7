-- Issue 13: the card's life after issue (six-monthly reports, placement, lapse, renewal, correction)
-- and a queue ticket for every kiosk service.

-- Every change of a card's state, dated: the ledger the monthly IPK report counts from. on_day is
-- the office day the change took effect (for a lapse the day the rule sets, however late the server
-- noticed it); ipk says which count of the report the row belongs to: 'terdaftar' (a first card or a
-- renewal), 'ditempatkan' (placed), 'dihapuskan' (lapsed, cancelled, or an active card ended by its
-- renewal), or '' (no count: a reprint, a correction, the voiding of a card already counted).
CREATE TABLE card_events (
    id             INTEGER PRIMARY KEY,
    card_id        INTEGER NOT NULL REFERENCES cards(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    kind           TEXT NOT NULL,            -- domain.Event*: issued, placed, lapsed, cancelled, voided
    from_state     TEXT NOT NULL DEFAULT '',
    to_state       TEXT NOT NULL,
    on_day         TEXT NOT NULL,            -- YYYY-MM-DD, office day
    at             TEXT NOT NULL,            -- when it was recorded
    actor          TEXT NOT NULL,            -- kiosk, user:<id>, system
    user_id        INTEGER REFERENCES users(id),
    reason         TEXT NOT NULL DEFAULT '',
    ipk            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX card_events_day ON card_events(on_day, ipk);
CREATE INDEX card_events_card ON card_events(card_id, id);
CREATE INDEX card_events_application ON card_events(application_id, id);

-- A kiosk visit for a service other than a new card: its queue ticket (own letter per service), the
-- secret code of its status page, and the card it is about when the kiosk identified one.
CREATE TABLE visits (
    id             INTEGER PRIMARY KEY,
    service        TEXT NOT NULL,            -- domain.Services slug: lapor, bekerja, perpanjang, legalisir
    ticket         TEXT NOT NULL,            -- e.g. B-004
    ticket_day     TEXT NOT NULL,
    status_code    TEXT NOT NULL UNIQUE,
    card_id        INTEGER REFERENCES cards(id),
    card_proof     TEXT NOT NULL DEFAULT '', -- how the card was identified: qr, nomor, or ''
    state          TEXT NOT NULL,            -- waiting, called, done
    note           TEXT NOT NULL DEFAULT '', -- what the holder did at the kiosk, for the officer
    application_id INTEGER REFERENCES applications(id), -- the renewal application started from it
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX visits_ticket ON visits(ticket_day, ticket);
CREATE INDEX visits_day_state ON visits(ticket_day, state);
CREATE INDEX visits_card ON visits(card_id);
CREATE INDEX visits_ticket_search ON visits(ticket, ticket_day); -- a ticket searched over every day

-- Calls of a visit's ticket to a desk, for the lobby display beside the calls of applications.
CREATE TABLE visit_calls (
    id       INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visits(id),
    ticket   TEXT NOT NULL,
    desk     TEXT NOT NULL,
    user_id  INTEGER REFERENCES users(id),
    at       TEXT NOT NULL
);
CREATE INDEX visit_calls_at ON visit_calls(at);
CREATE INDEX visit_calls_visit ON visit_calls(visit_id, id);

-- The six-monthly reports of a registration (Laporan Kesatu, Kedua, Ketiga). Keyed by the
-- application, so a reprint or correction of the card keeps its reports; a renewal is a new
-- application with reports of its own.
CREATE TABLE card_reports (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    card_id        INTEGER NOT NULL REFERENCES cards(id),
    number         INTEGER NOT NULL CHECK (number BETWEEN 1 AND 3),
    due_on         TEXT NOT NULL,            -- YYYY-MM-DD
    reported_on    TEXT NOT NULL,            -- YYYY-MM-DD, office day
    source         TEXT NOT NULL,            -- kiosk or desk
    visit_id       INTEGER REFERENCES visits(id),
    received_by    INTEGER REFERENCES users(id), -- the officer who received it: name and NIP in the card's grid
    received_at    TEXT,
    at             TEXT NOT NULL,
    UNIQUE (application_id, number)
);

-- "Sudah bekerja": the job a holder was hired for. The IPK report III/8 counts these by placement
-- type, employer type and the holder's education and sex (from the application).
CREATE TABLE placements (
    id             INTEGER PRIMARY KEY,
    card_id        INTEGER NOT NULL REFERENCES cards(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    event_id       INTEGER NOT NULL REFERENCES card_events(id),
    employer       TEXT NOT NULL,
    kbli           TEXT NOT NULL,            -- KBLI 2020 section letter
    employer_type  TEXT NOT NULL,            -- domain.EmployerTypes value: the row of IPK III/8 part II, 1 to 6
    position       TEXT NOT NULL,            -- job title as written
    kbji           TEXT NOT NULL,            -- KBJI 2014 major group
    start_on       TEXT NOT NULL,            -- YYYY-MM-DD, first working day
    location       TEXT NOT NULL,            -- domain.DesiredLocations value
    place          TEXT NOT NULL DEFAULT '', -- kabupaten/kota or country
    placement_type TEXT NOT NULL,            -- AKL, AKAD, AKAN
    referral       TEXT NOT NULL DEFAULT '', -- referral letter number when the office sent the holder
    referral_id    INTEGER REFERENCES referrals(id), -- that referral (issue 9, migration 090), when it is one of the holder's
    source         TEXT NOT NULL,            -- kiosk (the holder), desk (an officer, e.g. the employer returned the card)
    visit_id       INTEGER REFERENCES visits(id),
    user_id        INTEGER REFERENCES users(id),
    recorded_on    TEXT NOT NULL,            -- YYYY-MM-DD, office day
    at             TEXT NOT NULL
);
CREATE UNIQUE INDEX placements_card ON placements(card_id);

-- New contact data a holder reported. With the card's QR code (the card in hand) it is applied at
-- once; with a typed registration number it waits for an officer to confirm it at the desk.
CREATE TABLE contact_updates (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    visit_id       INTEGER REFERENCES visits(id),
    changes        TEXT NOT NULL,            -- JSON domain.ContactChange
    previous       TEXT NOT NULL DEFAULT '{}', -- JSON of the values replaced, once applied
    proof          TEXT NOT NULL,            -- qr, nomor, desk
    state          TEXT NOT NULL,            -- applied, pending, refused
    at             TEXT NOT NULL,
    decided_by     INTEGER REFERENCES users(id),
    decided_at     TEXT
);
CREATE INDEX contact_updates_application ON contact_updates(application_id);

-- A kiosk session may be a card holder's instead of a form: the card found and how. Deleted with the
-- draft on every way out of the kiosk.
ALTER TABLE kiosk_drafts ADD COLUMN card_id INTEGER REFERENCES cards(id);
ALTER TABLE kiosk_drafts ADD COLUMN card_proof TEXT NOT NULL DEFAULT '';

-- A renewal is a new application for the holder of an older card; approving it voids that card.
ALTER TABLE applications ADD COLUMN renews_card_id INTEGER REFERENCES cards(id);
CREATE INDEX applications_renews ON applications(renews_card_id) WHERE renews_card_id IS NOT NULL;
-- The card that replaced this one (renewal, correction or reprint), for the old card's check page.
ALTER TABLE cards ADD COLUMN replaced_by INTEGER REFERENCES cards(id);
-- The lapse sweep: active cards registered before a day.
CREATE INDEX cards_state_issued ON cards(state, issued_on);

-- The cards issued before this migration get their events, so the ledger is complete.
INSERT INTO card_events (card_id, application_id, kind, from_state, to_state, on_day, at, actor, reason, ipk)
    SELECT id, application_id, 'issued', '', 'active', issued_on, created_at, 'system', 'dicatat saat pembaruan (migrasi 080)',
        CASE WHEN serial = 1 THEN 'terdaftar' ELSE '' END
    FROM cards ORDER BY id;
INSERT INTO card_events (card_id, application_id, kind, from_state, to_state, on_day, at, actor, reason, ipk)
    SELECT id, application_id, 'voided', 'active', 'voided', date(voided_at, '+8 hours'), voided_at, 'system', void_reason, ''
    FROM cards WHERE state = 'voided' AND voided_at IS NOT NULL ORDER BY id;
