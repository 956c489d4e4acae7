-- A card corrected after it was handed over is printed again and handed over again (SOP 8–13 for
-- the new card): the Buku Penyerahan keeps one entry per card, no longer one per application.
-- SQLite cannot drop a UNIQUE constraint, so the table is rebuilt with its rows and ids.
CREATE TABLE handovers_per_card (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    card_id        INTEGER NOT NULL UNIQUE REFERENCES cards(id),
    received_by    TEXT NOT NULL,
    handed_by      INTEGER NOT NULL REFERENCES users(id),
    at             TEXT NOT NULL,
    day            TEXT NOT NULL            -- YYYY-MM-DD office day, the book's page
);
INSERT INTO handovers_per_card (id, application_id, card_id, received_by, handed_by, at, day)
    SELECT id, application_id, card_id, received_by, handed_by, at, day FROM handovers ORDER BY id;
DROP TABLE handovers;
ALTER TABLE handovers_per_card RENAME TO handovers;
CREATE INDEX handovers_day ON handovers(day, handed_by);
CREATE INDEX handovers_application ON handovers(application_id, id);
