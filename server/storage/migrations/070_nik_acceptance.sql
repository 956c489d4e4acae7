-- An officer's acceptance of a NIK that disagrees with the birth date or sex entered (issue 8): the
-- officer had the KTP in hand and recorded why (Dukcapil keeps a NIK unchanged when a birth date is
-- corrected later). It holds for the NIK, birth date and sex it was given for: a later correction of
-- any of them needs a new look.
CREATE TABLE nik_acceptances (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    nik            TEXT NOT NULL,
    birth_date     TEXT NOT NULL,          -- YYYY-MM-DD
    sex            TEXT NOT NULL,          -- L or P
    reason         TEXT NOT NULL,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    at             TEXT NOT NULL
);
CREATE INDEX nik_acceptances_application ON nik_acceptances(application_id);
