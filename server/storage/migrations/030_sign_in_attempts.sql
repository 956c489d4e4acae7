-- Sign-in attempts per account and per address (issue 7, finding 4). Kept in the database rather than
-- in memory so that the limit holds across restarts and is checked and counted in one transaction.
CREATE TABLE sign_in_attempts (
    kind    TEXT NOT NULL,     -- 'account' (username as typed, lower case) or 'address' (client IP)
    name    TEXT NOT NULL,
    tries   INTEGER NOT NULL,  -- attempts counted since the last success, unlock or forgetting
    last_at TEXT NOT NULL,     -- when the latest attempt was counted
    PRIMARY KEY (kind, name)
) WITHOUT ROWID;
