-- Issue 10: the vacancy tables of the IPK report (III/1 part II, III/4–III/6) count vacancy_events
-- (migration 090) by their report day: the office day (WITA) of the event, or, when that month had
-- already been approved when the event was recorded (a vacancy closed by its closing date and noticed
-- late), the first day of the month after the last approved one, as migration 100 does for the cards.
-- 'edited' events change no places and are not counted.
CREATE TABLE ipk_vacancy_days (
    event_id   INTEGER PRIMARY KEY REFERENCES vacancy_events(id),
    report_day TEXT NOT NULL
);
CREATE INDEX ipk_vacancy_days_day ON ipk_vacancy_days(report_day);

INSERT INTO ipk_vacancy_days (event_id, report_day)
    SELECT id, date(at, '+8 hours') FROM vacancy_events WHERE kind != 'edited' ORDER BY id;

CREATE TRIGGER ipk_vacancy_day AFTER INSERT ON vacancy_events WHEN NEW.kind != 'edited'
BEGIN
    INSERT INTO ipk_vacancy_days (event_id, report_day) VALUES (NEW.id, max(date(NEW.at, '+8 hours'),
        coalesce((SELECT date(max(month) || '-01', '+1 month') FROM ipk_reports WHERE state = 'disetujui'), '')));
END;
