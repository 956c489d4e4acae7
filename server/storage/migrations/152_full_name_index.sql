-- Issue 11: the desk finds a full name typed as it is written, in any case, through an index; the
-- name index (applications_fts) then finds the names that hold the words.
CREATE INDEX applications_full_name ON applications(full_name COLLATE NOCASE);
