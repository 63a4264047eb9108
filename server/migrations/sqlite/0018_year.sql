-- The year's work: members' exemplary commitments (cam kết nêu gương) and
-- their review; the yearly rating (đánh giá, xếp loại) of members, from the
-- self-assessment through the cell's proposal to the committee's decision;
-- the committee's classification of cells; member inspections (kiểm tra
-- đảng viên) counted against each cell's yearly target.

-- One row per commitment item; a member's items for a year are replaced as a
-- whole until the cell reviews them.
CREATE TABLE commitments (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    seq INTEGER NOT NULL CHECK (seq >= 0),
    text TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    -- The year-end review by the cell's committee.
    review TEXT CHECK (review IN ('kept', 'partly', 'not_kept')),
    review_note TEXT NOT NULL DEFAULT '',
    reviewed_by INTEGER REFERENCES accounts(id),
    reviewed_at TEXT,
    UNIQUE (member_id, year, seq)
);
CREATE INDEX commitments_cell_year ON commitments(cell_id, year);

-- A cell's rating period for a year: opened by the cell, closed when the
-- deciding committee has decided; reopened by that committee with a reason.
CREATE TABLE rating_periods (
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    opened_by INTEGER NOT NULL REFERENCES accounts(id),
    opened_at TEXT NOT NULL,
    PRIMARY KEY (cell_id, year)
);

CREATE TABLE rating_reopenings (
    id INTEGER PRIMARY KEY,
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    year INTEGER NOT NULL,
    -- The member whose decided level may change again; none for the whole period.
    member_id INTEGER REFERENCES members(id),
    reason TEXT NOT NULL,
    reopened_by INTEGER NOT NULL REFERENCES accounts(id),
    reopened_at TEXT NOT NULL
);
CREATE INDEX rating_reopenings_cell ON rating_reopenings(cell_id, year);

-- A member's rating for a year. Levels: 'excellent', 'good', 'complete',
-- 'not_complete' (shared::rules::rating::Level).
CREATE TABLE member_ratings (
    member_id INTEGER NOT NULL REFERENCES members(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    -- The cell and the grassroots organization (the quota's group) when rated.
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    grassroots_id INTEGER NOT NULL REFERENCES organizations(id),
    -- The self-assessment (JSON of shared's form answers) and its computed level.
    self_json TEXT,
    self_points_tenths INTEGER CHECK (self_points_tenths BETWEEN 0 AND 1000),
    self_level TEXT CHECK (self_level IN ('excellent', 'good', 'complete', 'not_complete')),
    self_submitted_at TEXT,
    -- The cell committee's appraisal (JSON) and proposed level.
    appraisal_json TEXT,
    proposed_level TEXT CHECK (proposed_level IN ('excellent', 'good', 'complete', 'not_complete')),
    proposed_by INTEGER REFERENCES accounts(id),
    proposed_at TEXT,
    -- The deciding committee's level.
    decided_level TEXT CHECK (decided_level IN ('excellent', 'good', 'complete', 'not_complete')),
    decided_note TEXT NOT NULL DEFAULT '',
    decided_by INTEGER REFERENCES accounts(id),
    decided_at TEXT,
    PRIMARY KEY (member_id, year)
);
CREATE INDEX member_ratings_grassroots ON member_ratings(grassroots_id, year);
CREATE INDEX member_ratings_cell ON member_ratings(cell_id, year);

-- The committee's classification of a cell for a year, with the figures
-- (JSON) it was decided on and the reason when it deviates from them.
CREATE TABLE cell_classifications (
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    computed_level TEXT NOT NULL CHECK (computed_level IN ('excellent', 'good', 'complete', 'not_complete')),
    decided_level TEXT NOT NULL CHECK (decided_level IN ('excellent', 'good', 'complete', 'not_complete')),
    reason TEXT NOT NULL DEFAULT '',
    figures_json TEXT NOT NULL,
    decided_by INTEGER NOT NULL REFERENCES accounts(id),
    decided_at TEXT NOT NULL,
    PRIMARY KEY (cell_id, year)
);

-- A member inspection; it counts toward the year of its conclusion.
CREATE TABLE inspections (
    id INTEGER PRIMARY KEY,
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    content TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    concluded_on TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    follow_up TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER NOT NULL REFERENCES accounts(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX inspections_cell_year ON inspections(cell_id, year);
