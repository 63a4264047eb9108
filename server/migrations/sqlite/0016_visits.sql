-- Upper-level visits (dự sinh hoạt chi bộ): a committee's plan per quarter,
-- the visits made (recorded when an upper-level member arrives in a cell's
-- live meeting, or by the cell's secretary for an in-person visit), the
-- visit reports (báo cáo kết quả dự sinh hoạt) and their recommendations
-- (kiến nghị) to the cell with the cell's answers. Visitors are accounts:
-- an upper-level member may have no member record here.
CREATE TABLE visit_plans (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES organizations(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    quarter INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    visitor_id INTEGER NOT NULL REFERENCES accounts(id),
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    -- The planned month, when the plan names one.
    month INTEGER CHECK (month BETWEEN 1 AND 12),
    created_by INTEGER NOT NULL REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    UNIQUE (committee_id, year, quarter, visitor_id, cell_id)
);
CREATE INDEX visit_plans_period ON visit_plans(committee_id, year, quarter);

CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    visitor_id INTEGER NOT NULL REFERENCES accounts(id),
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    -- The meeting attended; none for an in-person visit recorded without one.
    meeting_id INTEGER REFERENCES meetings(id),
    date TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('live', 'in_person')),
    recorded_by INTEGER NOT NULL REFERENCES accounts(id),
    recorded_at TEXT NOT NULL,
    UNIQUE (visitor_id, meeting_id)
);
CREATE INDEX visits_cell_date ON visits(cell_id, date);
CREATE INDEX visits_visitor_date ON visits(visitor_id, date);

CREATE TABLE visit_reports (
    visit_id INTEGER PRIMARY KEY REFERENCES visits(id),
    -- The meeting's content and quality.
    content TEXT NOT NULL,
    -- Members' ideological situation (tình hình tư tưởng).
    ideology TEXT NOT NULL,
    -- Issues raised (vấn đề đặt ra).
    issues TEXT NOT NULL,
    -- The visitor's proposed score of the meeting, in tenths of a point.
    proposed_tenths INTEGER CHECK (proposed_tenths BETWEEN 0 AND 1000),
    filed_on TEXT NOT NULL,
    filed_at TEXT NOT NULL
);

CREATE TABLE visit_recommendations (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visits(id),
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    seq INTEGER NOT NULL CHECK (seq >= 0),
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'done')),
    answer TEXT NOT NULL DEFAULT '',
    answered_by INTEGER REFERENCES accounts(id),
    answered_at TEXT,
    UNIQUE (visit_id, seq)
);
CREATE INDEX visit_recommendations_cell ON visit_recommendations(cell_id, status);
