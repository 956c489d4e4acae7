-- Issue 11: the desk's waiting-work lists (storage.WaitingWork: the oldest 50 applications in one
-- state) read those 50 through this index instead of every application in the state: a database
-- whose cards were printed before the after-print steps existed holds hundreds of thousands
-- "printed" (1 s per desk page at 1,000,000 applications). It also serves every lookup by state
-- alone, so it replaces applications_state.
CREATE INDEX applications_state_updated ON applications(state, updated_at);
DROP INDEX applications_state;
