-- A kiosk submission answers a repeat of itself with its first result. When the network drops after
-- the server took "Kirim pendaftaran" but before the answer arrived, the kiosk sends the same form
-- again (or the person taps "Kirim" again): that repeat must lead to the same ticket, not to an error
-- or a second application. The review screen carries the draft's one-time submission key; sending
-- the draft records what it came to under a hash of the kiosk cookie and the key, so only the same
-- kiosk session with the same key ever learns it.
-- A draft gets its key when it is created (storage.SaveDraft); drafts open during the upgrade get one here.
ALTER TABLE kiosk_drafts ADD COLUMN submit_key TEXT NOT NULL DEFAULT '';
UPDATE kiosk_drafts SET submit_key = lower(hex(randomblob(32)));

CREATE TABLE kiosk_submissions (
    key_hash       TEXT PRIMARY KEY,                    -- sha256 of the kiosk cookie token and the key
    application_id INTEGER REFERENCES applications(id), -- NULL: the NIK already had an open application
    created_at     TEXT NOT NULL
);
CREATE INDEX kiosk_submissions_created ON kiosk_submissions(created_at);
