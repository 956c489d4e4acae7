-- A card corrected after printing goes back to approved and runs through SOP 7–13 again, often
-- weeks later. The service-time figures measure that second run on its own, from a dated step
-- event of the correction (reprint_approved); corrections made before this step existed are read
-- from their audit rows, with the card the correction printed (created at the same moment).
INSERT INTO step_events (application_id, step, at, actor, user_id, card_id, detail)
    SELECT l.application_id, 'reprint_approved', l.at, l.actor,
        CASE WHEN l.actor LIKE 'user:%' THEN CAST(substr(l.actor, 6) AS INTEGER) END,
        (SELECT c.id FROM cards c WHERE c.application_id = l.application_id AND c.created_at = l.at ORDER BY c.id DESC LIMIT 1),
        l.detail
    FROM audit_log l
    WHERE l.action = 'card-correction-reprint'
      AND NOT EXISTS (SELECT 1 FROM step_events s WHERE s.application_id = l.application_id AND s.step = 'reprint_approved' AND s.at = l.at)
    ORDER BY l.id;
