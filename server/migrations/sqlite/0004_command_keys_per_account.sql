-- A command's idempotency key belongs to the account that sent it: two
-- participants may pick the same key in one meeting. Retries are found by
-- (meeting, account, key).
DROP INDEX meeting_events_command;
CREATE INDEX meeting_events_account_command ON meeting_events(meeting_id, account_id, command_key);
