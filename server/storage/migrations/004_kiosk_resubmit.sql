-- A kiosk draft can be the completion of an application the officer returned: it then names that
-- application, and submitting it updates the application instead of creating a new one.
ALTER TABLE kiosk_drafts ADD COLUMN application_id INTEGER REFERENCES applications(id);
