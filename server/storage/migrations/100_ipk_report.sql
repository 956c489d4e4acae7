-- Issue 10: the monthly IPK report III/1–III/8 and its approval by the Kasi IPK.

-- The monthly reports made and approved. A report is made (diajukan) by a Petugas or the admin and
-- approved (disetujui) by the Kasi IPK; the approved tables and their XLSX and PDF are stored as
-- approved and served from here ever after, byte for byte. Months are approved in order.
CREATE TABLE ipk_reports (
    month       TEXT PRIMARY KEY,              -- YYYY-MM
    state       TEXT NOT NULL CHECK (state IN ('diajukan', 'disetujui')),
    made_by     INTEGER NOT NULL REFERENCES users(id),
    made_at     TEXT NOT NULL,
    approved_by INTEGER REFERENCES users(id),
    approved_at TEXT,
    approver    TEXT NOT NULL DEFAULT '',     -- the Kasi's name and NIP as printed on the export
    tables      TEXT,                         -- the approved tables as JSON (domain.IPKReport)
    xlsx        BLOB,
    pdf         BLOB
);

-- One row per registration (a card_events row counted 'terdaftar': a first card or a renewal), with
-- what the report counts it by, taken from the application when it was registered, and the report
-- days on which it entered and left the register of job seekers. The report counts from these rows
-- only, so a month recomputes the same however much later it is asked for.
--
-- A report day is the event's day (card_events.on_day), except when that day's month had already
-- been approved when the event was recorded (a lapse the sweep wrote late, a card made by hand during
-- an outage and entered later): the event then counts on the first day of the month after the last
-- approved one. That is how a correction after approval shows in the next report instead of
-- changing an approved one.
CREATE TABLE ipk_ledger (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    reg_event_id   INTEGER NOT NULL UNIQUE REFERENCES card_events(id),
    sex            TEXT NOT NULL,              -- L or P
    birth_date     TEXT NOT NULL,              -- YYYY-MM-DD
    edu_level      TEXT NOT NULL,              -- domain.EducationLevels
    edu_code       TEXT NOT NULL,              -- 4-digit IPK education code, '' when none (S3, older forms)
    edu_year       TEXT NOT NULL,              -- year of graduation, '' when none
    kbji           TEXT NOT NULL,              -- KBJI major group of the desired position
    reg_day        TEXT NOT NULL,              -- report day of the registration
    end_event_id   INTEGER REFERENCES card_events(id),
    end_ipk        TEXT NOT NULL DEFAULT '',   -- '' while registered, then 'ditempatkan' or 'dihapuskan'
    end_day        TEXT NOT NULL DEFAULT '9999-12-31' -- report day it left the register
);
CREATE INDEX ipk_ledger_open ON ipk_ledger(application_id) WHERE end_ipk = '';
-- A month reads the registrations that had not left before it began; the index holds every column
-- the counts need, so they are read from it alone.
CREATE INDEX ipk_ledger_span ON ipk_ledger(end_day, reg_day, sex, birth_date, edu_level, edu_code, edu_year, kbji, end_ipk);
CREATE INDEX ipk_ledger_end_event ON ipk_ledger(end_event_id);
-- III/8 reads each placement by the event that placed the card.
CREATE INDEX placements_event ON placements(event_id);

-- The registrations before this migration, from the events the card-life migration recorded.
INSERT INTO ipk_ledger (application_id, reg_event_id, sex, birth_date, edu_level, edu_code, edu_year, kbji, reg_day)
    SELECT a.id, e.id, a.sex, a.birth_date, coalesce(json_extract(a.form, '$.edu_level'), ''),
        coalesce(json_extract(a.form, '$.edu_code'), ''), coalesce(json_extract(a.form, '$.edu_year'), ''),
        coalesce(json_extract(a.form, '$.desired_kbji'), ''), e.on_day
    FROM card_events e JOIN applications a ON a.id = e.application_id
    WHERE e.ipk = 'terdaftar' ORDER BY e.id;
UPDATE ipk_ledger SET (end_event_id, end_ipk, end_day) = (
        SELECT e.id, e.ipk, max(e.on_day, ipk_ledger.reg_day) FROM card_events e
        WHERE e.application_id = ipk_ledger.application_id AND e.ipk IN ('ditempatkan', 'dihapuskan') AND e.id > ipk_ledger.reg_event_id
        ORDER BY e.id LIMIT 1)
    WHERE EXISTS (SELECT 1 FROM card_events e WHERE e.application_id = ipk_ledger.application_id
        AND e.ipk IN ('ditempatkan', 'dihapuskan') AND e.id > ipk_ledger.reg_event_id);

-- From now on every counted card event keeps the ledger, in the transaction that records it.
CREATE TRIGGER ipk_ledger_registered AFTER INSERT ON card_events WHEN NEW.ipk = 'terdaftar'
BEGIN
    INSERT INTO ipk_ledger (application_id, reg_event_id, sex, birth_date, edu_level, edu_code, edu_year, kbji, reg_day)
    SELECT a.id, NEW.id, a.sex, a.birth_date, coalesce(json_extract(a.form, '$.edu_level'), ''),
        coalesce(json_extract(a.form, '$.edu_code'), ''), coalesce(json_extract(a.form, '$.edu_year'), ''),
        coalesce(json_extract(a.form, '$.desired_kbji'), ''),
        max(NEW.on_day, coalesce((SELECT date(max(month) || '-01', '+1 month') FROM ipk_reports WHERE state = 'disetujui'), ''))
    FROM applications a WHERE a.id = NEW.application_id;
END;

CREATE TRIGGER ipk_ledger_left AFTER INSERT ON card_events WHEN NEW.ipk IN ('ditempatkan', 'dihapuskan')
BEGIN
    UPDATE ipk_ledger SET end_event_id = NEW.id, end_ipk = NEW.ipk,
        end_day = max(NEW.on_day, reg_day,
            coalesce((SELECT date(max(month) || '-01', '+1 month') FROM ipk_reports WHERE state = 'disetujui'), ''))
    WHERE id = (SELECT max(id) FROM ipk_ledger WHERE application_id = NEW.application_id AND end_ipk = '');
END;
