-- The live meeting's append-only log. Each event carries the hash chained to the
-- previous one (see shared::live::chain); `command_key` makes retried commands idempotent.
CREATE TABLE meeting_events (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    seq BIGINT NOT NULL,
    command_key TEXT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    payload TEXT NOT NULL,
    hash TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, seq)
);
CREATE INDEX meeting_events_command ON meeting_events(meeting_id, command_key);
