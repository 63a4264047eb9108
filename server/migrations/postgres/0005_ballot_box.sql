-- The ballot box of secret votes: how many ballots each choice got, and
-- nothing else. No voter, no sequence number, no time, no row per ballot:
-- nothing lines a choice up with the event that records who voted.
CREATE TABLE ballot_box (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    vote BIGINT NOT NULL,
    in_favour BIGINT NOT NULL,
    against BIGINT NOT NULL,
    abstain BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, vote)
);
