-- Attempts to open an application at the kiosk's "cek permohonan" with its check code and a birth
-- date. Counted before the birth date is compared, so guesses sent in parallel cannot pass the limit.
CREATE TABLE status_check_attempts (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    attempts       INTEGER NOT NULL,
    window_start   TEXT NOT NULL
);
