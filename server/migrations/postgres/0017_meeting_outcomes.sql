-- What a closed meeting's record says, kept when it closes so that the upper
-- level's dashboard never replays event logs: the roll's figures and how many
-- members spoke. Also the cell's proposed total beside the confirmed one.
CREATE TABLE meeting_outcomes (
    meeting_id BIGINT PRIMARY KEY REFERENCES meetings(id),
    cell_id BIGINT NOT NULL REFERENCES organizations(id),
    held_on DATE NOT NULL,
    -- The attendance denominator (members who should attend).
    expected BIGINT NOT NULL CHECK (expected >= 0),
    present BIGINT NOT NULL CHECK (present >= 0),
    excused BIGINT NOT NULL CHECK (excused >= 0),
    absent BIGINT NOT NULL CHECK (absent >= 0),
    -- Distinct members present who spoke or gave an opinion.
    speakers BIGINT NOT NULL CHECK (speakers >= 0),
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes >= 0)
);
CREATE INDEX meeting_outcomes_cell ON meeting_outcomes(cell_id, held_on);

ALTER TABLE meeting_scores ADD COLUMN proposed_tenths BIGINT CHECK (proposed_tenths >= 0);
