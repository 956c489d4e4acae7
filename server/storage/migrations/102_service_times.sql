-- Issue 10: the service-time figures read the steps of a month by their time.
CREATE INDEX step_events_at ON step_events(at);
