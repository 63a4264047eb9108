-- Preparing a meeting before it opens. Absence requests (xin vắng): one per
-- member and meeting, with the decision of whoever manages the cell's
-- meetings; an accepted one marks the member absent with reason at the
-- opening (recorded then in the hash-chained log). `decided_at` is the last
-- change while pending, the decision's time otherwise.
CREATE TABLE absence_requests (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
    note TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    decided_by INTEGER REFERENCES accounts(id),
    PRIMARY KEY (meeting_id, member_id)
) WITHOUT ROWID;

-- Opinions sent in advance (góp ý trước): one per member and agenda item,
-- editable and withdrawable until the meeting opens; never part of the live
-- record, listed in the minutes as sent in advance.
CREATE TABLE advance_opinions (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    item_index INTEGER NOT NULL CHECK (item_index >= 0),
    text TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, member_id, item_index)
) WITHOUT ROWID;
