-- Scoring a closed meeting (chấm điểm). One row per meeting: the cell's
-- proposal (its typed points as JSON, who, when) with the basis it was
-- computed on (the rule set's name and version, and the sheet and minimum
-- lengths as JSON, so a later change of the rules does not change it), then
-- the upper level's column (points, one reason for a change, who, when).
-- The final total (in tenths) and band are kept at confirmation for the
-- cell's year; the record of a closed meeting no longer changes.
CREATE TABLE meeting_scores (
    meeting_id INTEGER PRIMARY KEY REFERENCES meetings(id),
    rules_name TEXT NOT NULL,
    rules_version INTEGER NOT NULL,
    basis TEXT NOT NULL,
    cell_entries TEXT NOT NULL,
    proposed_by INTEGER NOT NULL REFERENCES accounts(id),
    proposed_at TEXT NOT NULL,
    upper_entries TEXT,
    upper_reason TEXT NOT NULL DEFAULT '',
    confirmed_by INTEGER REFERENCES accounts(id),
    confirmed_at TEXT,
    final_tenths INTEGER CHECK (final_tenths >= 0),
    final_band TEXT CHECK (final_band IN ('good', 'fair', 'average', 'poor'))
);

-- Members' comments on the proposed score (ý kiến), in the order written.
CREATE TABLE score_comments (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX score_comments_by_meeting ON score_comments (meeting_id, id);
