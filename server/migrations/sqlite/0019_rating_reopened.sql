-- A member's rating reopened by the deciding committee since its last
-- decision: the self-assessment, the proposal and the decision may change
-- again until the next decision clears it.
ALTER TABLE member_ratings ADD COLUMN reopened_at TEXT;
