-- The ballot box of secret votes: how many ballots each choice got, and
-- nothing else. No voter, no sequence number, no time, no row per ballot:
-- nothing lines a choice up with the event that records who voted.
CREATE TABLE ballot_box (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    vote INTEGER NOT NULL,
    in_favour INTEGER NOT NULL,
    against INTEGER NOT NULL,
    abstain INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, vote)
) WITHOUT ROWID;
