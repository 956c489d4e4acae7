-- When the card's PDF left the server for a station. A claimed job whose lease runs out may be given
-- to another station only if its PDF never left: once a station has the PDF it may have printed it
-- (a network cut between CUPS and the report), and a person decides instead (needs_check).
ALTER TABLE print_jobs ADD COLUMN pdf_sent_at TEXT;
