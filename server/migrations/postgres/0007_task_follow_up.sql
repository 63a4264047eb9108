-- The follow-up of the tasks a closed meeting assigned. The task itself (who,
-- what, by when) stays in the meeting's hash-chained record; only its status
-- and note change, so they live here, keyed by the task's place in the record.
-- "Late" is derived from the due date and never stored.
CREATE TABLE task_follow_ups (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    task_index BIGINT NOT NULL CHECK (task_index >= 0),
    status TEXT NOT NULL CHECK (status IN ('open', 'done')),
    note TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (meeting_id, task_index)
);
