-- Web Push (thông báo đẩy). The server's VAPID key pair (RFC 8292), one for
-- every instance: the first to start inserts it, the others read it.
CREATE TABLE push_vapid_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL
);

-- A browser subscribed to pushes: its push service endpoint (one account's
-- at a time) and its keys (base64url, as the browser gives them).
CREATE TABLE push_subscriptions (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX push_subscriptions_account ON push_subscriptions(account_id);

-- The kinds a member wants pushed.
CREATE TABLE notification_push_kinds (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    PRIMARY KEY (account_id, kind)
);

-- The outbox gets the `push` channel, one row per subscribed device: unique
-- per (notification, channel, address), the address being the email or the
-- endpoint. SQLite cannot change a CHECK: the table is rebuilt (nothing
-- refers to it). A removed subscription takes its pushes with it.
CREATE TABLE notification_outbox_new (
    id INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'push')),
    address TEXT NOT NULL,
    subscription_id INTEGER REFERENCES push_subscriptions(id) ON DELETE CASCADE,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT NOT NULL DEFAULT '',
    sent_at INTEGER,
    gave_up INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    UNIQUE (notification_id, channel, address)
);
INSERT INTO notification_outbox_new (id, notification_id, channel, address, attempts,
    next_attempt_at, lease_until, lease_owner, sent_at, gave_up, last_error)
SELECT id, notification_id, channel, address, attempts, next_attempt_at, lease_until,
    lease_owner, sent_at, gave_up, last_error FROM notification_outbox;
DROP TABLE notification_outbox;
ALTER TABLE notification_outbox_new RENAME TO notification_outbox;
CREATE INDEX notification_outbox_due ON notification_outbox(next_attempt_at) WHERE sent_at IS NULL AND gave_up = 0;
CREATE INDEX notification_outbox_subscription ON notification_outbox(subscription_id);
