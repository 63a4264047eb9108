-- Notifications (thông báo). One row per (event, recipient): the in-app
-- notification, its content as JSON (`shared::notify::Notice`), read or not.
-- The event key (e.g. `meeting:7:opened`) makes publishing the same event
-- twice (a retry, a second server instance) a no-op.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    event_key TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (event_key, account_id)
);
CREATE INDEX notifications_account ON notifications(account_id, id);

-- What is still to be delivered outside the app, one row per (notification,
-- channel): unique, so an event reaches a recipient once per channel. Times
-- are milliseconds since 1970 (UTC). A worker claims a row by setting a lease
-- it owns; a lease that ran out (a stopped server) is claimed again.
CREATE TABLE notification_outbox (
    id INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('email')),
    address TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT NOT NULL DEFAULT '',
    sent_at INTEGER,
    gave_up INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    UNIQUE (notification_id, channel)
);
CREATE INDEX notification_outbox_due ON notification_outbox(next_attempt_at) WHERE sent_at IS NULL AND gave_up = 0;

-- A member's email address and the kinds they want by email.
CREATE TABLE notification_prefs (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    email TEXT NOT NULL
);
CREATE TABLE notification_email_kinds (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    PRIMARY KEY (account_id, kind)
);

-- What the background scan already announced about a meeting (`opened`,
-- `tasks`, a reminder for a start time), so it is not published again.
-- Meetings closed before notifications existed count as announced.
CREATE TABLE notified_meetings (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    what TEXT NOT NULL,
    PRIMARY KEY (meeting_id, what)
);
INSERT INTO notified_meetings (meeting_id, what) SELECT id, 'opened' FROM meetings WHERE status = 'closed';
INSERT INTO notified_meetings (meeting_id, what) SELECT id, 'tasks' FROM meetings WHERE status = 'closed';

-- Tasks with a due date whose assignee has an account: watched for the
-- "due soon" and "overdue" notices (stage 0 none sent, 1 due soon sent,
-- 2 overdue sent). Whether a task is done is read from task_follow_ups.
CREATE TABLE notified_tasks (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    task_index INTEGER NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    due_on TEXT NOT NULL,
    task TEXT NOT NULL,
    stage INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (meeting_id, task_index)
);
CREATE INDEX notified_tasks_due ON notified_tasks(due_on) WHERE stage < 2;
