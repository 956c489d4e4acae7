-- A placement through a referral (surat pengantar) fills a place of the referral's vacancy: the
-- 'filled' vacancy event names the referral, and a referral fills at most one place, however often
-- its placement is recorded.
ALTER TABLE vacancy_events ADD COLUMN referral_id INTEGER REFERENCES referrals(id);
CREATE UNIQUE INDEX vacancy_events_referral ON vacancy_events(referral_id) WHERE referral_id IS NOT NULL;
