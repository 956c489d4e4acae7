-- Issue 11: removing a print station clears its id from its jobs; the index finds them without
-- reading every job ever printed (TestQueryPlans).
CREATE INDEX print_jobs_station ON print_jobs(station_id);
