//! Notifications: the in-app list (one row per event and recipient), the
//! outbox of emails and pushes still to send (one row per notification,
//! channel and address: the email, or a subscribed device's endpoint), each
//! member's email and push preferences, their push subscriptions, the
//! server's VAPID key, and what the background scan already announced. Reached through `Storage::notices()`, so the area adds one
//! method to `Storage`.
//!
//! The outbox is claimed with a lease: `UPDATE … SET lease_until WHERE id IN
//! (…due rows…) AND lease_until <= now`. On PostgreSQL a second instance
//! updating the same row waits for the first one's commit and then re-checks
//! the `WHERE` on the row as committed, finds the lease taken and skips it;
//! SQLite has one writer at a time. A lease that runs out (its server
//! stopped) makes the row claimable again.

use super::sql::{
    Backend, BindParam, ConnectionExecutor, PoolExecutor, ReadColumn, SqlStore, json_array,
};
use super::{Result, StorageError};
use crate::notify::push::PushTarget;
use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime};
use shared::notify::{Notice, NoticeKind, NoticePreferences, NoticeView, TaskRef};
use shared::push::{CheckedSubscription, encode_base64url};
use shared::{AccountId, MeetingId, MemberId, OrgId};

/// An email or a push claimed for sending.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: i64,
    /// The email address, or the push endpoint.
    pub address: String,
    /// For a push: the device to encrypt for.
    pub push: Option<PushTarget>,
    pub notice: Notice,
    /// Failed tries so far.
    pub attempts: u32,
    /// Unique per (event, recipient, channel): the email's Message-ID.
    pub key: String,
}

/// Adding a push subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subscribed {
    /// Stored (new, or its keys renewed); the account's devices now.
    Devices(u32),
    /// The account has its most devices already.
    TooMany,
}

/// A task watched for its deadline notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedTask {
    pub account: AccountId,
    pub task: TaskRef,
    pub due_on: NaiveDate,
    /// 0: nothing sent yet, 1: "due soon" sent, 2: "overdue" sent.
    pub stage: i64,
}

/// A notice for its recipients under its event key (unique per recipient).
#[derive(Debug, Clone)]
pub struct Publication {
    pub event_key: String,
    pub notice: Notice,
    pub recipients: Vec<AccountId>,
    /// The meeting marked as told (`mark`), in the same transaction.
    pub mark: Option<(MeetingId, String)>,
}

#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// The accounts told about a cell's meetings: its members on the roll
    /// and the upper-level members assigned to follow it; enabled accounts only.
    async fn cell_audience(&self, cell: OrgId) -> Result<Vec<AccountId>>;
    /// The enabled account of a member, if any.
    async fn account_of_member(&self, member: MemberId) -> Result<Option<AccountId>>;
    /// Adds each publication's notice for each of its recipients under its
    /// event key, once: a recipient who has it already is skipped. Queues
    /// (due at `due_ms`) a push per subscribed device of those who want the
    /// kind pushed and, with `email`, an email for those who want it by
    /// email; marks the meetings told. One transaction for all. Returns how
    /// many notifications each publication added.
    async fn publish(
        &self,
        publications: &[Publication],
        at: NaiveDateTime,
        due_ms: i64,
        email: bool,
    ) -> Result<Vec<usize>>;
    /// Newest first, with ids below `before`; and the unread count.
    async fn page(
        &self,
        account: AccountId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<(Vec<NoticeView>, u32)>;
    async fn unread(&self, account: AccountId) -> Result<u32>;
    /// Marks one of the account's notifications read; false when it has no such one.
    async fn mark_read(&self, account: AccountId, id: i64, at: NaiveDateTime) -> Result<bool>;
    async fn mark_all_read(&self, account: AccountId, at: NaiveDateTime) -> Result<()>;
    async fn preferences(&self, account: AccountId) -> Result<NoticePreferences>;
    /// Replaces the preferences (already checked).
    async fn set_preferences(&self, account: AccountId, prefs: &NoticePreferences) -> Result<()>;

    /// Claims up to `limit` pushes and (with `emails`) emails due at
    /// `now_ms` for `lease_ms`.
    async fn claim(
        &self,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: i64,
        emails: bool,
    ) -> Result<Vec<OutboxItem>>;
    async fn delivered(&self, id: i64, owner: &str, now_ms: i64) -> Result<()>;
    /// A failed try: due again at `retry_at_ms`, or given up when `None`.
    async fn failed(
        &self,
        id: i64,
        owner: &str,
        retry_at_ms: Option<i64>,
        error: &str,
    ) -> Result<()>;
    /// Emails not yet sent nor given up (health and tests).
    async fn pending_emails(&self) -> Result<i64>;
    /// Every email of the outbox as (address, failed tries, sent), oldest first.
    async fn outbox(&self) -> Result<Vec<(String, u32, bool)>>;
    /// Every push of the outbox as (endpoint, failed tries, sent), oldest first.
    async fn push_outbox(&self) -> Result<Vec<(String, u32, bool)>>;

    /// The stored VAPID key pair (private, public; base64url), storing
    /// this one first if there is none.
    async fn vapid_key(&self, private: &str, public: &str) -> Result<(String, String)>;
    /// Stores a browser's subscription for `account` (an endpoint another
    /// account had moves to this one), up to `max` devices per account.
    async fn subscribe_push(
        &self,
        account: AccountId,
        subscription: &CheckedSubscription,
        at: NaiveDateTime,
        max: usize,
    ) -> Result<Subscribed>;
    /// Removes one of the account's subscriptions; false when it has no such one.
    async fn unsubscribe_push(&self, account: AccountId, endpoint: &str) -> Result<bool>;
    /// Removes a subscription its push service no longer knows (and its pushes).
    async fn drop_push_subscription(&self, id: i64) -> Result<()>;
    /// The account's subscribed endpoints, oldest first.
    async fn push_endpoints(&self, account: AccountId) -> Result<Vec<String>>;

    /// Meetings with `status` not yet marked with `what`.
    async fn meetings_unmarked(&self, status: &str, what: &str) -> Result<Vec<MeetingId>>;
    /// Scheduled meetings starting after `from` and no later than `to`.
    async fn meetings_starting(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<MeetingId>>;
    async fn is_marked(&self, meeting: MeetingId, what: &str) -> Result<bool>;
    async fn mark(&self, meeting: MeetingId, what: &str) -> Result<()>;
    /// Starts watching tasks for their deadlines (once per task).
    async fn watch_tasks(&self, tasks: &[WatchedTask]) -> Result<()>;
    /// Watched tasks not done, due on or before `until`, not yet told overdue.
    async fn tasks_due(&self, until: NaiveDate) -> Result<Vec<WatchedTask>>;
    async fn set_task_stage(&self, meeting: MeetingId, index: u32, stage: i64) -> Result<()>;
}

/// One publication's notifications and outbox rows, in `tx`: a few
/// statements whatever the number of recipients (a province's cells opening
/// their meetings at the same hour is thousands of them).
async fn publish_in<DB: Backend>(
    tx: &mut DB::Connection,
    p: &Publication,
    at: NaiveDateTime,
    due_ms: i64,
    email: bool,
) -> Result<usize> {
    let (notice, recipients, event_key) = (&p.notice, &p.recipients, p.event_key.as_str());
    let payload = serde_json::to_string(notice).map_err(|e| corrupt("thông báo", e))?;
    let kind = notice.kind().as_str();
    if recipients.is_empty() {
        return Ok(0);
    }
    let added = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO notifications (event_key, account_id, kind, payload, created_at)
             SELECT $1, r.value, $2, $3, $4 FROM ({}) AS r WHERE true
             ON CONFLICT (event_key, account_id) DO NOTHING RETURNING id",
        DB::ids_in_json(5)
    )))
    .param(event_key)
    .param(kind)
    .param(payload.as_str())
    .param(at)
    .param(json_array(recipients.iter().map(|a| a.0))?)
    .fetch_all(tx.executor())
    .await?;
    if added.is_empty() {
        return Ok(0);
    }
    let ids = json_array(
        added
            .iter()
            .map(|r| r.read::<i64>("id"))
            .collect::<sqlx::Result<Vec<_>>>()?,
    )?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO notification_outbox (notification_id, channel, address, subscription_id, next_attempt_at)
             SELECT n.id, 'push', s.endpoint, s.id, $1 FROM notifications n
             JOIN push_subscriptions s ON s.account_id = n.account_id
             JOIN notification_push_kinds k ON k.account_id = s.account_id AND k.kind = $2
             WHERE n.id IN ({})
             ORDER BY n.id, s.id
             ON CONFLICT (notification_id, channel, address) DO NOTHING",
            DB::ids_in_json(3)
        )))
        .param(due_ms)
        .param(kind)
        .param(ids.as_str())
        .execute(tx.executor())
        .await?;
    if email {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO notification_outbox (notification_id, channel, address, next_attempt_at)
                 SELECT n.id, 'email', p.email, $1 FROM notifications n
                 JOIN notification_prefs p ON p.account_id = n.account_id
                 JOIN notification_email_kinds k ON k.account_id = p.account_id AND k.kind = $2
                 WHERE n.id IN ({}) AND p.email <> ''
                 ORDER BY n.id
                 ON CONFLICT (notification_id, channel, address) DO NOTHING",
            DB::ids_in_json(3)
        )))
        .param(due_ms)
        .param(kind)
        .param(ids.as_str())
        .execute(tx.executor())
        .await?;
    }
    Ok(added.len())
}

async fn mark_in<'e, DB: Backend>(
    db: impl sqlx::Executor<'e, Database = DB>,
    meeting: MeetingId,
    what: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO notified_meetings (meeting_id, what) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .param(meeting.0)
    .param(what)
    .execute(db)
    .await?;
    Ok(())
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(format!("{what}: {e}"))
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A channel's rows of the outbox as (address, failed tries, sent), oldest first.
async fn outbox_of<DB: Backend>(
    store: &SqlStore<DB>,
    channel: &str,
) -> Result<Vec<(String, u32, bool)>> {
    let rows = sqlx::query(
        "SELECT address, attempts, sent_at FROM notification_outbox WHERE channel = $1 ORDER BY id",
    )
    .param(channel)
    .fetch_all(store.pool.executor())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.read("address")?,
                count(r.read("attempts")?),
                r.read::<Option<i64>>("sent_at")?.is_some(),
            ))
        })
        .collect()
}

#[async_trait]
impl<DB: Backend> NoticeStore for SqlStore<DB> {
    async fn cell_audience(&self, cell: OrgId) -> Result<Vec<AccountId>> {
        let rows = sqlx::query(
            "SELECT a.id FROM accounts a JOIN members m ON m.id = a.member_id
             WHERE m.cell_id = $1 AND m.status <> 'transferred_out' AND a.disabled = $2
             UNION
             SELECT a.id FROM accounts a JOIN cell_assignments c ON c.account_id = a.id
             WHERE c.cell_id = $1 AND a.disabled = $2
             ORDER BY 1",
        )
        .param(cell.0)
        .param(false)
        .fetch_all(self.pool.executor())
        .await?;
        rows.iter().map(|r| Ok(AccountId(r.read("id")?))).collect()
    }

    async fn account_of_member(&self, member: MemberId) -> Result<Option<AccountId>> {
        let row = sqlx::query("SELECT id FROM accounts WHERE member_id = $1 AND disabled = $2")
            .param(member.0)
            .param(false)
            .fetch_optional(self.pool.executor())
            .await?;
        row.map(|r| Ok(AccountId(r.read("id")?))).transpose()
    }

    async fn publish(
        &self,
        publications: &[Publication],
        at: NaiveDateTime,
        due_ms: i64,
        email: bool,
    ) -> Result<Vec<usize>> {
        let mut tx = self.pool.begin_with(DB::BEGIN_WRITE).await?;
        let mut added = Vec::with_capacity(publications.len());
        for p in publications {
            added.push(publish_in::<DB>(&mut *tx, p, at, due_ms, email).await?);
            if let Some((meeting, what)) = &p.mark {
                mark_in(tx.executor(), *meeting, what).await?;
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn page(
        &self,
        account: AccountId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<(Vec<NoticeView>, u32)> {
        let rows = sqlx::query(
            "SELECT id, payload, created_at, read_at IS NOT NULL AS is_read FROM notifications
             WHERE account_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .param(account.0)
        .param(before.unwrap_or(i64::MAX))
        .param(i64::from(limit))
        .fetch_all(self.pool.executor())
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let payload: String = r.read("payload")?;
            items.push(NoticeView {
                id: r.read("id")?,
                notice: serde_json::from_str(&payload).map_err(|e| corrupt("thông báo", e))?,
                created_at: r.read("created_at")?,
                read: r.read("is_read")?,
            });
        }
        Ok((items, self.unread(account).await?))
    }

    async fn unread(&self, account: AccountId) -> Result<u32> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM notifications WHERE account_id = $1 AND read_at IS NULL",
        )
        .param(account.0)
        .fetch_one(self.pool.executor())
        .await?;
        Ok(count(row.read("n")?))
    }

    async fn mark_read(&self, account: AccountId, id: i64, at: NaiveDateTime) -> Result<bool> {
        let row = sqlx::query(
            "UPDATE notifications SET read_at = COALESCE(read_at, $1)
             WHERE id = $2 AND account_id = $3 RETURNING id",
        )
        .param(at)
        .param(id)
        .param(account.0)
        .fetch_optional(self.pool.executor())
        .await?;
        Ok(row.is_some())
    }

    async fn mark_all_read(&self, account: AccountId, at: NaiveDateTime) -> Result<()> {
        sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE account_id = $2 AND read_at IS NULL",
        )
        .param(at)
        .param(account.0)
        .execute(self.pool.executor())
        .await?;
        Ok(())
    }

    async fn preferences(&self, account: AccountId) -> Result<NoticePreferences> {
        let email = sqlx::query("SELECT email FROM notification_prefs WHERE account_id = $1")
            .param(account.0)
            .fetch_optional(self.pool.executor())
            .await?
            .map(|r| r.read::<String>("email"))
            .transpose()?
            .unwrap_or_default();
        let rows = sqlx::query(
            "SELECT kind FROM notification_email_kinds WHERE account_id = $1 ORDER BY kind",
        )
        .param(account.0)
        .fetch_all(self.pool.executor())
        .await?;
        let mut email_kinds = Vec::with_capacity(rows.len());
        for r in &rows {
            // A kind this version no longer knows is simply not offered.
            if let Some(k) = NoticeKind::parse(&r.read::<String>("kind")?) {
                email_kinds.push(k);
            }
        }
        email_kinds.sort();
        let rows = sqlx::query(
            "SELECT kind FROM notification_push_kinds WHERE account_id = $1 ORDER BY kind",
        )
        .param(account.0)
        .fetch_all(self.pool.executor())
        .await?;
        let mut push_kinds = Vec::with_capacity(rows.len());
        for r in &rows {
            if let Some(k) = NoticeKind::parse(&r.read::<String>("kind")?) {
                push_kinds.push(k);
            }
        }
        push_kinds.sort();
        Ok(NoticePreferences {
            email,
            email_kinds,
            push_kinds,
        })
    }

    async fn set_preferences(&self, account: AccountId, prefs: &NoticePreferences) -> Result<()> {
        let mut tx = self.pool.begin_with(DB::BEGIN_WRITE).await?;
        sqlx::query(
            "INSERT INTO notification_prefs (account_id, email) VALUES ($1, $2)
             ON CONFLICT (account_id) DO UPDATE SET email = excluded.email",
        )
        .param(account.0)
        .param(prefs.email.as_str())
        .execute(tx.executor())
        .await?;
        sqlx::query("DELETE FROM notification_email_kinds WHERE account_id = $1")
            .param(account.0)
            .execute(tx.executor())
            .await?;
        for kind in &prefs.email_kinds {
            sqlx::query(
                "INSERT INTO notification_email_kinds (account_id, kind) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .param(account.0)
            .param(kind.as_str())
            .execute(tx.executor())
            .await?;
        }
        sqlx::query("DELETE FROM notification_push_kinds WHERE account_id = $1")
            .param(account.0)
            .execute(tx.executor())
            .await?;
        for kind in &prefs.push_kinds {
            sqlx::query(
                "INSERT INTO notification_push_kinds (account_id, kind) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .param(account.0)
            .param(kind.as_str())
            .execute(tx.executor())
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn claim(
        &self,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: i64,
        emails: bool,
    ) -> Result<Vec<OutboxItem>> {
        let claimed = sqlx::query(
            "UPDATE notification_outbox SET lease_until = $1, lease_owner = $2
             WHERE id IN (SELECT id FROM notification_outbox
                          WHERE sent_at IS NULL AND gave_up = $3
                            AND next_attempt_at <= $4 AND lease_until <= $4
                            AND (channel = 'push' OR $6)
                          ORDER BY id LIMIT $5)
               AND sent_at IS NULL AND gave_up = $3 AND lease_until <= $4
             RETURNING id",
        )
        .param(now_ms.saturating_add(lease_ms))
        .param(owner)
        .param(false)
        .param(now_ms)
        .param(limit)
        .param(emails)
        .fetch_all(self.pool.executor())
        .await?;
        let mut items = Vec::with_capacity(claimed.len());
        for r in &claimed {
            let id: i64 = r.read("id")?;
            // A subscription removed since the claim took its push with it.
            let Some(row) = sqlx::query(
                "SELECT o.address, o.attempts, o.channel, n.payload, n.event_key, n.account_id,
                        s.id AS subscription, s.p256dh, s.auth
                 FROM notification_outbox o JOIN notifications n ON n.id = o.notification_id
                 LEFT JOIN push_subscriptions s ON s.id = o.subscription_id
                 WHERE o.id = $1",
            )
            .param(id)
            .fetch_optional(self.pool.executor())
            .await?
            else {
                continue;
            };
            let payload: String = row.read("payload")?;
            let event_key: String = row.read("event_key")?;
            let account: i64 = row.read("account_id")?;
            let channel: String = row.read("channel")?;
            let address: String = row.read("address")?;
            let push = match (channel.as_str(), row.read::<Option<i64>>("subscription")?) {
                ("push", Some(subscription)) => Some(PushTarget {
                    subscription,
                    endpoint: address.clone(),
                    p256dh: row.read::<Option<String>>("p256dh")?.unwrap_or_default(),
                    auth: row.read::<Option<String>>("auth")?.unwrap_or_default(),
                }),
                // A push without its device is nobody's to send.
                ("push", None) => continue,
                _ => None,
            };
            // The device, not its (long) endpoint, in the key.
            let key_address = push
                .as_ref()
                .map(|p| p.subscription.to_string())
                .unwrap_or_default();
            items.push(OutboxItem {
                id,
                address,
                push,
                notice: serde_json::from_str(&payload).map_err(|e| corrupt("thông báo", e))?,
                attempts: count(row.read("attempts")?),
                key: if key_address.is_empty() {
                    format!("{event_key}/{account}/{channel}")
                } else {
                    format!("{event_key}/{account}/{channel}/{key_address}")
                },
            });
        }
        items.sort_by_key(|i| i.id);
        Ok(items)
    }

    async fn delivered(&self, id: i64, owner: &str, now_ms: i64) -> Result<()> {
        sqlx::query(
            "UPDATE notification_outbox SET sent_at = $1, lease_until = 0, last_error = ''
             WHERE id = $2 AND lease_owner = $3",
        )
        .param(now_ms)
        .param(id)
        .param(owner)
        .execute(self.pool.executor())
        .await?;
        Ok(())
    }

    async fn failed(
        &self,
        id: i64,
        owner: &str,
        retry_at_ms: Option<i64>,
        error: &str,
    ) -> Result<()> {
        let error: String = error.chars().take(500).collect();
        sqlx::query(
            "UPDATE notification_outbox SET attempts = attempts + 1, lease_until = 0,
                 next_attempt_at = $1, gave_up = $2, last_error = $3
             WHERE id = $4 AND lease_owner = $5",
        )
        .param(retry_at_ms.unwrap_or(i64::MAX))
        .param(retry_at_ms.is_none())
        .param(error.as_str())
        .param(id)
        .param(owner)
        .execute(self.pool.executor())
        .await?;
        Ok(())
    }

    async fn pending_emails(&self) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM notification_outbox
             WHERE channel = 'email' AND sent_at IS NULL AND gave_up = $1",
        )
        .param(false)
        .fetch_one(self.pool.executor())
        .await?;
        Ok(row.read("n")?)
    }

    async fn outbox(&self) -> Result<Vec<(String, u32, bool)>> {
        outbox_of(self, "email").await
    }

    async fn push_outbox(&self) -> Result<Vec<(String, u32, bool)>> {
        outbox_of(self, "push").await
    }

    async fn vapid_key(&self, private: &str, public: &str) -> Result<(String, String)> {
        sqlx::query(
            "INSERT INTO push_vapid_key (id, private_key, public_key) VALUES (1, $1, $2)
             ON CONFLICT (id) DO NOTHING",
        )
        .param(private)
        .param(public)
        .execute(self.pool.executor())
        .await?;
        let row = sqlx::query("SELECT private_key, public_key FROM push_vapid_key WHERE id = 1")
            .fetch_one(self.pool.executor())
            .await?;
        Ok((row.read("private_key")?, row.read("public_key")?))
    }

    async fn subscribe_push(
        &self,
        account: AccountId,
        subscription: &CheckedSubscription,
        at: NaiveDateTime,
        max: usize,
    ) -> Result<Subscribed> {
        let mut tx = self.pool.begin_with(DB::BEGIN_WRITE).await?;
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM push_subscriptions WHERE account_id = $1 AND endpoint <> $2",
        )
        .param(account.0)
        .param(subscription.endpoint.as_str())
        .fetch_one(tx.executor())
        .await?;
        let others: i64 = row.read("n")?;
        if usize::try_from(others).unwrap_or(usize::MAX) >= max {
            return Ok(Subscribed::TooMany);
        }
        // Pushes queued for the endpoint's former account are not this one's.
        sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1 AND account_id <> $2")
            .param(subscription.endpoint.as_str())
            .param(account.0)
            .execute(tx.executor())
            .await?;
        sqlx::query(
            "INSERT INTO push_subscriptions (account_id, endpoint, p256dh, auth, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth",
        )
        .param(account.0)
        .param(subscription.endpoint.as_str())
        .param(encode_base64url(&subscription.p256dh).as_str())
        .param(encode_base64url(&subscription.auth).as_str())
        .param(at)
        .execute(tx.executor())
        .await?;
        tx.commit().await?;
        Ok(Subscribed::Devices(count(others + 1)))
    }

    async fn unsubscribe_push(&self, account: AccountId, endpoint: &str) -> Result<bool> {
        let row = sqlx::query(
            "DELETE FROM push_subscriptions WHERE account_id = $1 AND endpoint = $2 RETURNING id",
        )
        .param(account.0)
        .param(endpoint)
        .fetch_optional(self.pool.executor())
        .await?;
        Ok(row.is_some())
    }

    async fn drop_push_subscription(&self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM push_subscriptions WHERE id = $1")
            .param(id)
            .execute(self.pool.executor())
            .await?;
        Ok(())
    }

    async fn push_endpoints(&self, account: AccountId) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT endpoint FROM push_subscriptions WHERE account_id = $1 ORDER BY id",
        )
        .param(account.0)
        .fetch_all(self.pool.executor())
        .await?;
        rows.iter().map(|r| Ok(r.read("endpoint")?)).collect()
    }

    async fn meetings_unmarked(&self, status: &str, what: &str) -> Result<Vec<MeetingId>> {
        let rows = sqlx::query(
            "SELECT m.id FROM meetings m WHERE m.status = $1 AND NOT EXISTS
             (SELECT 1 FROM notified_meetings n WHERE n.meeting_id = m.id AND n.what = $2)
             ORDER BY m.id",
        )
        .param(status)
        .param(what)
        .fetch_all(self.pool.executor())
        .await?;
        rows.iter().map(|r| Ok(MeetingId(r.read("id")?))).collect()
    }

    async fn meetings_starting(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<MeetingId>> {
        let rows = sqlx::query(
            "SELECT id FROM meetings WHERE status = 'scheduled' AND starts_at > $1 AND starts_at <= $2
             ORDER BY starts_at, id",
        )
        .param(from)
        .param(to)
        .fetch_all(self.pool.executor())
        .await?;
        rows.iter().map(|r| Ok(MeetingId(r.read("id")?))).collect()
    }

    async fn is_marked(&self, meeting: MeetingId, what: &str) -> Result<bool> {
        let row =
            sqlx::query("SELECT 1 AS x FROM notified_meetings WHERE meeting_id = $1 AND what = $2")
                .param(meeting.0)
                .param(what)
                .fetch_optional(self.pool.executor())
                .await?;
        Ok(row.is_some())
    }

    async fn mark(&self, meeting: MeetingId, what: &str) -> Result<()> {
        mark_in(self.pool.executor(), meeting, what).await
    }

    async fn watch_tasks(&self, tasks: &[WatchedTask]) -> Result<()> {
        let mut tx = self.pool.begin_with(DB::BEGIN_WRITE).await?;
        for t in tasks {
            let json = serde_json::to_string(&t.task).map_err(|e| corrupt("việc", e))?;
            sqlx::query(
                "INSERT INTO notified_tasks (meeting_id, task_index, account_id, due_on, task, stage)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .param(t.task.meeting.0)
            .param(i64::from(t.task.index))
            .param(t.account.0)
            .param(t.due_on)
            .param(json.as_str())
            .param(t.stage)
            .execute(tx.executor())
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn tasks_due(&self, until: NaiveDate) -> Result<Vec<WatchedTask>> {
        let rows = sqlx::query(
            "SELECT t.account_id, t.due_on, t.task, t.stage FROM notified_tasks t
             LEFT JOIN task_follow_ups f ON f.meeting_id = t.meeting_id AND f.task_index = t.task_index
             WHERE t.stage < 2 AND t.due_on <= $1 AND (f.status IS NULL OR f.status = 'open')
             ORDER BY t.due_on, t.meeting_id, t.task_index",
        )
        .param(until)
        .fetch_all(self.pool.executor())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let json: String = r.read("task")?;
            out.push(WatchedTask {
                account: AccountId(r.read("account_id")?),
                task: serde_json::from_str(&json).map_err(|e| corrupt("việc", e))?,
                due_on: r.read("due_on")?,
                stage: r.read("stage")?,
            });
        }
        Ok(out)
    }

    async fn set_task_stage(&self, meeting: MeetingId, index: u32, stage: i64) -> Result<()> {
        sqlx::query(
            "UPDATE notified_tasks SET stage = $1 WHERE meeting_id = $2 AND task_index = $3 AND stage < $1",
        )
        .param(stage)
        .param(meeting.0)
        .param(i64::from(index))
        .execute(self.pool.executor())
        .await?;
        Ok(())
    }
}
