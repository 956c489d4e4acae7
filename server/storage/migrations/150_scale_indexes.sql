-- Issue 11: every screen costs what it shows, not what the database holds. Each index serves one
-- request path; the query-plan test (server/web/queryplan_test.go) fails when a request reads a whole
-- growing table instead.

-- The desk's queue of one office day in the chosen states (oldest first by id), and its count.
CREATE INDEX applications_day_state ON applications(ticket_day, state);
-- Searching a ticket over every day, newest day first; the kiosk's status check by ticket.
CREATE INDEX applications_ticket_day ON applications(ticket, ticket_day);
-- The latest call (desk) of an application.
CREATE INDEX calls_application ON calls(application_id, id);
-- The lobby display: today's calls, newest first.
CREATE INDEX calls_at ON calls(at);
-- Searching a registration number typed with or without its spaces (the same expression as the query).
CREATE INDEX cards_reg_number_compact ON cards(replace(reg_number, ' ', ''));
-- The operator's print queue: jobs finished in the last day.
CREATE INDEX print_jobs_updated ON print_jobs(updated_at);
