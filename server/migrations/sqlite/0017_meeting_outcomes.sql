-- What a closed meeting's record says, kept when it closes so that the upper
-- level's dashboard never replays event logs: the roll's figures and how many
-- members spoke. Also the cell's proposed total beside the confirmed one.
CREATE TABLE meeting_outcomes (
    meeting_id INTEGER PRIMARY KEY REFERENCES meetings(id),
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    held_on TEXT NOT NULL,
    -- The attendance denominator (members who should attend).
    expected INTEGER NOT NULL CHECK (expected >= 0),
    present INTEGER NOT NULL CHECK (present >= 0),
    excused INTEGER NOT NULL CHECK (excused >= 0),
    absent INTEGER NOT NULL CHECK (absent >= 0),
    -- Distinct members present who spoke or gave an opinion.
    speakers INTEGER NOT NULL CHECK (speakers >= 0),
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes >= 0)
);
CREATE INDEX meeting_outcomes_cell ON meeting_outcomes(cell_id, held_on);

ALTER TABLE meeting_scores ADD COLUMN proposed_tenths INTEGER CHECK (proposed_tenths >= 0);
