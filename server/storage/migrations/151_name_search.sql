-- Issue 11: searching a name is an index lookup. An FTS5 index over the applications' names (and
-- their state, so a search within "waiting" does not walk every namesake of the last years).
-- unicode61 folds case and strips diacritics, and splits at spaces, dots, apostrophes and hyphens,
-- which suits Indonesian names ("I Gst. Ngurah", "Ma'ruf", "Anak Agung"). The prefix indexes keep a
-- search by the first letters of a name ("Wa", "Agu") from merging every word that starts with them.
-- The table holds no copy of the names (content='applications'); triggers keep it in step.
CREATE VIRTUAL TABLE applications_fts USING fts5(full_name, state, content='applications', content_rowid='id',
    tokenize="unicode61 remove_diacritics 2", prefix='2 3');

CREATE TRIGGER applications_fts_insert AFTER INSERT ON applications BEGIN
    INSERT INTO applications_fts (rowid, full_name, state) VALUES (new.id, new.full_name, new.state);
END;
CREATE TRIGGER applications_fts_delete AFTER DELETE ON applications BEGIN
    INSERT INTO applications_fts (applications_fts, rowid, full_name, state) VALUES ('delete', old.id, old.full_name, old.state);
END;
CREATE TRIGGER applications_fts_update AFTER UPDATE OF full_name, state ON applications BEGIN
    INSERT INTO applications_fts (applications_fts, rowid, full_name, state) VALUES ('delete', old.id, old.full_name, old.state);
    INSERT INTO applications_fts (rowid, full_name, state) VALUES (new.id, new.full_name, new.state);
END;

INSERT INTO applications_fts (applications_fts) VALUES ('rebuild');
