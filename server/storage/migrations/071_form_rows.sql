-- The rows of the Daftar Isian (issue 8) as tables beside applications.form, so that the IPK report
-- (education code, level and year of graduation), placement and matching can ask SQL instead of
-- reading JSON. applications.form stays the record of what was entered; these tables are rewritten
-- from it in the same transaction on every write (submit, completion, correction, manual card).

-- Every level finished, lowest first; the highest one (highest = 1) carries the 4-digit IPK code.
CREATE TABLE application_education (
    application_id INTEGER NOT NULL REFERENCES applications(id),
    position       INTEGER NOT NULL,          -- 1 = lowest level
    level          TEXT NOT NULL,             -- domain.EducationLevels, or a history level (SMA/SMK, Akta)
    school         TEXT NOT NULL,
    major          TEXT NOT NULL,
    year           INTEGER,                   -- year of graduation; NULL for "Tidak tamat SD"
    ipk_code       TEXT NOT NULL DEFAULT '',  -- ipk-pendidikan.csv; '' below the highest level and for S3
    highest        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (application_id, position)
);
CREATE INDEX application_education_highest ON application_education(ipk_code) WHERE highest = 1;

CREATE TABLE application_training (
    application_id INTEGER NOT NULL REFERENCES applications(id),
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    institution    TEXT NOT NULL,
    year           INTEGER,
    PRIMARY KEY (application_id, position)
);

CREATE TABLE application_experience (
    application_id INTEGER NOT NULL REFERENCES applications(id),
    position       INTEGER NOT NULL,
    job_title      TEXT NOT NULL,
    employer       TEXT NOT NULL,
    kbli           TEXT NOT NULL,             -- KBLI 2020 section letter
    duties         TEXT NOT NULL,
    months         INTEGER NOT NULL,          -- years × 12 + months worked
    PRIMARY KEY (application_id, position)
);

-- The wishes (AK/II §7) the matching and III/3 ask for.
ALTER TABLE applications ADD COLUMN desired_kbji TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN desired_kbli TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN target_company TEXT NOT NULL DEFAULT '';

-- Existing applications, from their stored forms.
UPDATE applications SET desired_kbji = coalesce(json_extract(form, '$.desired_kbji'), ''),
    desired_kbli = coalesce(json_extract(form, '$.desired_kbli'), ''),
    target_company = coalesce(json_extract(form, '$.target_company'), '');

INSERT INTO application_education (application_id, position, level, school, major, year, ipk_code, highest)
SELECT a.id, h.key + 1, coalesce(json_extract(h.value, '$.level'), ''), coalesce(json_extract(h.value, '$.school'), ''),
    coalesce(json_extract(h.value, '$.major'), ''), nullif(cast(json_extract(h.value, '$.year') AS INTEGER), 0), '', 0
FROM applications a, json_each(a.form, '$.edu_history') h;

INSERT INTO application_education (application_id, position, level, school, major, year, ipk_code, highest)
SELECT a.id, coalesce(json_array_length(a.form, '$.edu_history'), 0) + 1, json_extract(a.form, '$.edu_level'),
    coalesce(json_extract(a.form, '$.edu_school'), ''), coalesce(json_extract(a.form, '$.edu_major'), ''),
    CASE WHEN json_extract(a.form, '$.edu_level') = 'Tidak tamat SD' THEN NULL
         ELSE nullif(cast(json_extract(a.form, '$.edu_year') AS INTEGER), 0) END,
    coalesce(json_extract(a.form, '$.edu_code'), ''), 1
FROM applications a WHERE coalesce(json_extract(a.form, '$.edu_level'), '') != '';

INSERT INTO application_training (application_id, position, name, institution, year)
SELECT a.id, t.key + 1, json_extract(t.value, '$.name'), coalesce(json_extract(t.value, '$.institution'), ''),
    nullif(cast(json_extract(t.value, '$.year') AS INTEGER), 0)
FROM applications a, json_each(a.form, '$.trainings') t WHERE coalesce(json_extract(t.value, '$.name'), '') != '';

INSERT INTO application_experience (application_id, position, job_title, employer, kbli, duties, months)
SELECT a.id, x.key + 1, coalesce(json_extract(x.value, '$.position'), ''), coalesce(json_extract(x.value, '$.employer'), ''),
    coalesce(json_extract(x.value, '$.sector'), ''), coalesce(json_extract(x.value, '$.duties'), ''),
    coalesce(cast(json_extract(x.value, '$.years') AS INTEGER), 0) * 12 + coalesce(cast(json_extract(x.value, '$.months') AS INTEGER), 0)
FROM applications a, json_each(a.form, '$.experiences') x
WHERE coalesce(json_extract(x.value, '$.position'), '') != '' OR coalesce(json_extract(x.value, '$.employer'), '') != '';
