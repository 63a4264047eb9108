//! Storage: one trait, one implementation per database. The SQL both databases
//! understand is written once (see `sql_store!`); each backend keeps its own
//! connection setup and migrations.

mod postgres;
mod sqlite;
mod writer;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use writer::EventWriter;

use async_trait::async_trait;
use chrono::NaiveDateTime;
use shared::api::AccountView;
use shared::meeting::{Meeting, MeetingDraft, MeetingStatus};
use shared::member::{Member, MemberDraft};
use shared::org::{OrgKind, Organization};
use shared::{AccountId, MeetingId, MemberId, OrgId};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A uniqueness rule was broken; the text names what, in Vietnamese.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("dữ liệu hỏng trong cơ sở dữ liệu: {0}")]
    Corrupt(String),
    /// A group commit failed; every command in it is told, none was stored.
    #[error("không ghi được nhóm thao tác: {0}")]
    Batch(String),
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// An account with its password hash: never leaves the server.
#[derive(Debug, Clone)]
pub struct AccountSecret {
    pub account: AccountView,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct NewAccountRow {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub member_id: Option<MemberId>,
    pub is_admin: bool,
}

/// One event of a live meeting's log, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: u64,
    pub command_key: String,
    pub account_id: AccountId,
    pub payload: String,
    pub hash: String,
    pub recorded_at: NaiveDateTime,
}

/// An event to append: its sequence number, its JSON and its chained hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub seq: u64,
    pub payload: String,
    pub hash: String,
}

/// One command's events, stored together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Append {
    pub meeting: MeetingId,
    /// The command's idempotency key.
    pub command_key: String,
    pub account: AccountId,
    pub at: NaiveDateTime,
    pub events: Vec<NewEvent>,
    /// The meeting's new status, when the command changes it.
    pub status: Option<MeetingStatus>,
}

/// What became of one `Append`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    Stored,
    /// A command with this key was stored before, its last event numbered so:
    /// nothing was written.
    AlreadyApplied(u64),
    /// Another instance took these sequence numbers first: catch up, decide again.
    Conflict,
}

/// What other server instances tell this one about live meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveSignal {
    /// Events up to `seq` were stored for this meeting.
    Appended { meeting: MeetingId, seq: u64 },
    /// Signals may have been lost (the listener reconnected): re-read every room.
    Resync,
}

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// Which database this is, for logs and health checks.
    fn backend(&self) -> &'static str;
    async fn ping(&self) -> Result<()>;

    async fn create_account(&self, new: NewAccountRow) -> Result<AccountView>;
    async fn account(&self, id: AccountId) -> Result<Option<AccountView>>;
    async fn account_secret(&self, username: &str) -> Result<Option<AccountSecret>>;
    async fn account_secret_by_id(&self, id: AccountId) -> Result<Option<AccountSecret>>;
    async fn accounts(&self) -> Result<Vec<AccountView>>;
    async fn set_password_hash(&self, id: AccountId, hash: &str) -> Result<bool>;
    async fn set_disabled(&self, id: AccountId, disabled: bool) -> Result<bool>;

    async fn create_session(
        &self,
        token_hash: &str,
        account: AccountId,
        now: i64,
        expires_at: i64,
    ) -> Result<()>;
    /// The live session's account, if the token is known and not expired.
    async fn session_account(&self, token_hash: &str, now: i64) -> Result<Option<AccountId>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Ends every session of an account (password reset, disabling), keeping `except`.
    async fn delete_sessions_of(&self, account: AccountId, except: Option<&str>) -> Result<()>;

    async fn organizations(&self) -> Result<Vec<Organization>>;
    async fn organization(&self, id: OrgId) -> Result<Option<Organization>>;
    /// Root first, the organization last; empty when it does not exist.
    async fn org_path(&self, id: OrgId) -> Result<Vec<Organization>>;
    async fn create_organization(
        &self,
        parent: Option<OrgId>,
        kind: OrgKind,
        name: &str,
    ) -> Result<Organization>;
    /// Members on the roll (not transferred out), per cell.
    async fn member_counts(&self) -> Result<HashMap<OrgId, u32>>;

    async fn members_of(&self, cell: OrgId) -> Result<Vec<Member>>;
    async fn member(&self, id: MemberId) -> Result<Option<Member>>;
    async fn create_member(&self, cell: OrgId, draft: &MemberDraft) -> Result<Member>;
    async fn update_member(&self, id: MemberId, draft: &MemberDraft) -> Result<Option<Member>>;
    /// Writes an import all at once, or nothing.
    async fn apply_import(
        &self,
        cell: OrgId,
        create: &[MemberDraft],
        update: &[(MemberId, MemberDraft)],
    ) -> Result<()>;

    async fn create_meeting(
        &self,
        cell: OrgId,
        draft: &MeetingDraft,
        registered_at: NaiveDateTime,
    ) -> Result<Meeting>;
    async fn meeting(&self, id: MeetingId) -> Result<Option<Meeting>>;
    /// Replaces a meeting's registration; only while it is still scheduled.
    async fn update_meeting(&self, id: MeetingId, draft: &MeetingDraft) -> Result<Option<Meeting>>;
    /// A cell's meetings, latest first.
    async fn meetings_of(&self, cell: OrgId) -> Result<Vec<Meeting>>;
    /// Meetings not yet closed in these cells, starting from `from`, soonest first.
    async fn upcoming_meetings(
        &self,
        cells: &[OrgId],
        from: NaiveDateTime,
        limit: i64,
    ) -> Result<Vec<Meeting>>;

    /// Stores several commands' events in one transaction (group commit, see
    /// `EventWriter`). Each command is checked and written on its own: one
    /// already applied (same key) or beaten to its sequence numbers by another
    /// instance does not hold back the others.
    async fn append_batch(&self, batch: &[Append]) -> Result<Vec<Appended>>;
    /// Signals from other instances sharing this database; `None` for an
    /// embedded database, which only one process uses.
    async fn live_signals(&self) -> Result<Option<tokio::sync::mpsc::Receiver<LiveSignal>>>;
    /// Events after `after_seq`, in order, at most `limit`.
    async fn events_since(
        &self,
        meeting: MeetingId,
        after_seq: u64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>>;
    /// The last sequence number a command produced, if it was applied already.
    async fn command_seq(&self, meeting: MeetingId, command_key: &str) -> Result<Option<u64>>;

    async fn committee_seats_of(&self, account: AccountId) -> Result<Vec<OrgId>>;
    async fn add_committee_seat(&self, account: AccountId, org: OrgId) -> Result<()>;
    async fn assignments_of(&self, account: AccountId) -> Result<Vec<OrgId>>;
    async fn add_assignment(&self, account: AccountId, cell: OrgId) -> Result<()>;
    async fn remove_assignment(&self, account: AccountId, cell: OrgId) -> Result<bool>;
}

pub type Store = Arc<dyn Storage>;

/// Opens the database named by the URL (`sqlite:` or `postgres:`), creating a
/// SQLite file and its folder when missing, and applies the migrations.
pub async fn open(url: &str) -> Result<Store> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url, None).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else {
        Err(StorageError::Corrupt(format!(
            "địa chỉ cơ sở dữ liệu không được hỗ trợ: {url} (dùng sqlite:… hoặc postgres://…)"
        )))
    }
}

fn conflict_message(err: &sqlx::Error) -> Option<String> {
    let db = err.as_database_error()?;
    if !db.is_unique_violation() {
        return None;
    }
    let msg = db.message();
    Some(if msg.contains("username") {
        "Tên đăng nhập đã được dùng.".to_string()
    } else if msg.contains("card_number") {
        "Số thẻ đảng viên đã có trong danh sách.".to_string()
    } else if msg.contains("member_id") {
        "Đảng viên này đã có tài khoản.".to_string()
    } else {
        "Bản ghi đã tồn tại.".to_string()
    })
}

/// Turns a unique-key violation into a `Conflict` with a message people can act on.
fn map_err(err: sqlx::Error) -> StorageError {
    match conflict_message(&err) {
        Some(m) => StorageError::Conflict(m),
        None => StorageError::Database(err),
    }
}

fn parse_enum<T>(value: &str, parse: impl Fn(&str) -> Option<T>, what: &str) -> Result<T> {
    parse(value).ok_or_else(|| StorageError::Corrupt(format!("{what} không hợp lệ: {value}")))
}

/// The SQL shared by both backends. Placeholders are `$1…`, which SQLite and
/// PostgreSQL both accept; booleans, dates and 64-bit ids map the same way.
macro_rules! sql_store {
    ($store:ty, $db:ty, $row:ty) => {
        impl $store {
            fn org_from_row(row: &$row) -> $crate::storage::Result<shared::org::Organization> {
                use sqlx::Row;
                let kind: String = row.try_get("kind")?;
                Ok(shared::org::Organization {
                    id: shared::OrgId(row.try_get("id")?),
                    parent_id: row.try_get::<Option<i64>, _>("parent_id")?.map(shared::OrgId),
                    kind: $crate::storage::parse_enum(&kind, shared::org::OrgKind::parse, "loại tổ chức")?,
                    name: row.try_get("name")?,
                })
            }

            fn member_from_row(row: &$row) -> $crate::storage::Result<shared::member::Member> {
                use shared::member::{CellRole, Gender, PartyStatus};
                use sqlx::Row;
                let gender: String = row.try_get("gender")?;
                let status: String = row.try_get("status")?;
                let role: String = row.try_get("role")?;
                Ok(shared::member::Member {
                    id: shared::MemberId(row.try_get("id")?),
                    cell_id: shared::OrgId(row.try_get("cell_id")?),
                    draft: shared::member::MemberDraft {
                        full_name: row.try_get("full_name")?,
                        gender: $crate::storage::parse_enum(&gender, Gender::parse, "giới tính")?,
                        birth_date: row.try_get("birth_date")?,
                        admitted_on: row.try_get("admitted_on")?,
                        full_member_on: row.try_get("full_member_on")?,
                        status: $crate::storage::parse_enum(&status, PartyStatus::parse, "trạng thái")?,
                        role: $crate::storage::parse_enum(&role, CellRole::parse, "chức vụ")?,
                        card_number: row.try_get("card_number")?,
                    },
                })
            }

            fn meeting_from_row(row: &$row) -> $crate::storage::Result<shared::meeting::Meeting> {
                use shared::meeting::{MeetingKind, MeetingMode, MeetingStatus};
                use sqlx::Row;
                let kind: String = row.try_get("kind")?;
                let mode: String = row.try_get("mode")?;
                let status: String = row.try_get("status")?;
                let agenda: String = row.try_get("agenda")?;
                Ok(shared::meeting::Meeting {
                    id: shared::MeetingId(row.try_get("id")?),
                    cell_id: shared::OrgId(row.try_get("cell_id")?),
                    registered_at: row.try_get("registered_at")?,
                    status: $crate::storage::parse_enum(&status, MeetingStatus::parse, "trạng thái cuộc họp")?,
                    draft: shared::meeting::MeetingDraft {
                        kind: $crate::storage::parse_enum(&kind, MeetingKind::parse, "loại sinh hoạt")?,
                        mode: $crate::storage::parse_enum(&mode, MeetingMode::parse, "hình thức")?,
                        title: row.try_get("title")?,
                        starts_at: row.try_get("starts_at")?,
                        place: row.try_get("place")?,
                        video_link: row.try_get("video_link")?,
                        chair_id: row.try_get::<Option<i64>, _>("chair_id")?.map(shared::MemberId),
                        secretary_id: row.try_get::<Option<i64>, _>("secretary_id")?.map(shared::MemberId),
                        agenda: serde_json::from_str(&agenda)
                            .map_err(|e| $crate::storage::StorageError::Corrupt(format!("chương trình: {e}")))?,
                    },
                })
            }

            fn agenda_json(d: &shared::meeting::MeetingDraft) -> $crate::storage::Result<String> {
                serde_json::to_string(&d.agenda).map_err(|e| $crate::storage::StorageError::Corrupt(e.to_string()))
            }

            fn account_from_row(row: &$row) -> $crate::storage::Result<shared::api::AccountView> {
                use sqlx::Row;
                Ok(shared::api::AccountView {
                    id: shared::AccountId(row.try_get("id")?),
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                    member_id: row.try_get::<Option<i64>, _>("member_id")?.map(shared::MemberId),
                    is_admin: row.try_get("is_admin")?,
                    disabled: row.try_get("disabled")?,
                })
            }

            fn secret_from_row(row: &$row) -> $crate::storage::Result<$crate::storage::AccountSecret> {
                use sqlx::Row;
                Ok($crate::storage::AccountSecret {
                    account: Self::account_from_row(row)?,
                    password_hash: row.try_get("password_hash")?,
                })
            }

            async fn insert_member<'e, E>(
                exec: E,
                cell: shared::OrgId,
                d: &shared::member::MemberDraft,
            ) -> $crate::storage::Result<shared::member::Member>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let row = sqlx::query(
                    "INSERT INTO members (cell_id, full_name, gender, birth_date, admitted_on, full_member_on, status, role, card_number)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *",
                )
                .bind(cell.0)
                .bind(&d.full_name)
                .bind(d.gender.as_str())
                .bind(d.birth_date)
                .bind(d.admitted_on)
                .bind(d.full_member_on)
                .bind(d.status.as_str())
                .bind(d.role.as_str())
                .bind(&d.card_number)
                .fetch_one(exec)
                .await
                .map_err($crate::storage::map_err)?;
                Self::member_from_row(&row)
            }

            async fn write_member<'e, E>(
                exec: E,
                id: shared::MemberId,
                d: &shared::member::MemberDraft,
            ) -> $crate::storage::Result<Option<shared::member::Member>>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let row = sqlx::query(
                    "UPDATE members SET full_name = $2, gender = $3, birth_date = $4, admitted_on = $5,
                     full_member_on = $6, status = $7, role = $8, card_number = $9 WHERE id = $1 RETURNING *",
                )
                .bind(id.0)
                .bind(&d.full_name)
                .bind(d.gender.as_str())
                .bind(d.birth_date)
                .bind(d.admitted_on)
                .bind(d.full_member_on)
                .bind(d.status.as_str())
                .bind(d.role.as_str())
                .bind(&d.card_number)
                .fetch_optional(exec)
                .await
                .map_err($crate::storage::map_err)?;
                row.as_ref().map(Self::member_from_row).transpose()
            }
        }

        #[async_trait::async_trait]
        impl $crate::storage::Storage for $store {
            fn backend(&self) -> &'static str {
                Self::BACKEND
            }

            async fn ping(&self) -> $crate::storage::Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn create_account(&self, new: $crate::storage::NewAccountRow) -> $crate::storage::Result<shared::api::AccountView> {
                let row = sqlx::query(
                    "INSERT INTO accounts (username, display_name, password_hash, member_id, is_admin)
                     VALUES ($1, $2, $3, $4, $5) RETURNING *",
                )
                .bind(&new.username)
                .bind(&new.display_name)
                .bind(&new.password_hash)
                .bind(new.member_id.map(|m| m.0))
                .bind(new.is_admin)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::storage::map_err)?;
                Self::account_from_row(&row)
            }

            async fn account(&self, id: shared::AccountId) -> $crate::storage::Result<Option<shared::api::AccountView>> {
                let row = sqlx::query("SELECT * FROM accounts WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::account_from_row).transpose()
            }

            async fn account_secret(&self, username: &str) -> $crate::storage::Result<Option<$crate::storage::AccountSecret>> {
                let row = sqlx::query("SELECT * FROM accounts WHERE username = $1")
                    .bind(username)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::secret_from_row).transpose()
            }

            async fn account_secret_by_id(&self, id: shared::AccountId) -> $crate::storage::Result<Option<$crate::storage::AccountSecret>> {
                let row = sqlx::query("SELECT * FROM accounts WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::secret_from_row).transpose()
            }

            async fn accounts(&self) -> $crate::storage::Result<Vec<shared::api::AccountView>> {
                let rows = sqlx::query("SELECT * FROM accounts ORDER BY username")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::account_from_row).collect()
            }

            async fn set_password_hash(&self, id: shared::AccountId, hash: &str) -> $crate::storage::Result<bool> {
                let done = sqlx::query("UPDATE accounts SET password_hash = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(hash)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn set_disabled(&self, id: shared::AccountId, disabled: bool) -> $crate::storage::Result<bool> {
                let done = sqlx::query("UPDATE accounts SET disabled = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(disabled)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn create_session(&self, token_hash: &str, account: shared::AccountId, now: i64, expires_at: i64) -> $crate::storage::Result<()> {
                // Expired sessions are swept as new ones are made, so the table stays small.
                sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(account.0)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn session_account(&self, token_hash: &str, now: i64) -> $crate::storage::Result<Option<shared::AccountId>> {
                use sqlx::Row;
                let row = sqlx::query("SELECT account_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
                    .bind(token_hash)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(match row {
                    Some(r) => Some(shared::AccountId(r.try_get("account_id")?)),
                    None => None,
                })
            }

            async fn delete_session(&self, token_hash: &str) -> $crate::storage::Result<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_sessions_of(&self, account: shared::AccountId, except: Option<&str>) -> $crate::storage::Result<()> {
                sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
                    .bind(account.0)
                    .bind(except.unwrap_or(""))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn organizations(&self) -> $crate::storage::Result<Vec<shared::org::Organization>> {
                let rows = sqlx::query("SELECT * FROM organizations ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::org_from_row).collect()
            }

            async fn organization(&self, id: shared::OrgId) -> $crate::storage::Result<Option<shared::org::Organization>> {
                let row = sqlx::query("SELECT * FROM organizations WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::org_from_row).transpose()
            }

            async fn org_path(&self, id: shared::OrgId) -> $crate::storage::Result<Vec<shared::org::Organization>> {
                let rows = sqlx::query(
                    "WITH RECURSIVE up(id, parent_id, kind, name, depth) AS (
                         SELECT id, parent_id, kind, name, 0 FROM organizations WHERE id = $1
                         UNION ALL
                         SELECT o.id, o.parent_id, o.kind, o.name, up.depth + 1
                         FROM organizations o JOIN up ON o.id = up.parent_id
                         WHERE up.depth < 16
                     )
                     SELECT id, parent_id, kind, name FROM up ORDER BY depth DESC",
                )
                .bind(id.0)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(Self::org_from_row).collect()
            }

            async fn create_organization(
                &self,
                parent: Option<shared::OrgId>,
                kind: shared::org::OrgKind,
                name: &str,
            ) -> $crate::storage::Result<shared::org::Organization> {
                let row = sqlx::query("INSERT INTO organizations (parent_id, kind, name) VALUES ($1, $2, $3) RETURNING *")
                    .bind(parent.map(|p| p.0))
                    .bind(kind.as_str())
                    .bind(name)
                    .fetch_one(&self.pool)
                    .await
                    .map_err($crate::storage::map_err)?;
                Self::org_from_row(&row)
            }

            async fn member_counts(&self) -> $crate::storage::Result<std::collections::HashMap<shared::OrgId, u32>> {
                use sqlx::Row;
                let rows = sqlx::query(
                    "SELECT cell_id, COUNT(*) AS n FROM members WHERE status <> 'transferred_out' GROUP BY cell_id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        let n: i64 = r.try_get("n")?;
                        Ok((shared::OrgId(r.try_get("cell_id")?), u32::try_from(n).unwrap_or(u32::MAX)))
                    })
                    .collect()
            }

            async fn members_of(&self, cell: shared::OrgId) -> $crate::storage::Result<Vec<shared::member::Member>> {
                let rows = sqlx::query(
                    "SELECT * FROM members WHERE cell_id = $1
                     ORDER BY CASE role WHEN 'secretary' THEN 0 WHEN 'deputy_secretary' THEN 1
                              WHEN 'committee_member' THEN 2 ELSE 3 END, id",
                )
                .bind(cell.0)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(Self::member_from_row).collect()
            }

            async fn member(&self, id: shared::MemberId) -> $crate::storage::Result<Option<shared::member::Member>> {
                let row = sqlx::query("SELECT * FROM members WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::member_from_row).transpose()
            }

            async fn create_member(&self, cell: shared::OrgId, draft: &shared::member::MemberDraft) -> $crate::storage::Result<shared::member::Member> {
                Self::insert_member(&self.pool, cell, draft).await
            }

            async fn update_member(&self, id: shared::MemberId, draft: &shared::member::MemberDraft) -> $crate::storage::Result<Option<shared::member::Member>> {
                Self::write_member(&self.pool, id, draft).await
            }

            async fn apply_import(
                &self,
                cell: shared::OrgId,
                create: &[shared::member::MemberDraft],
                update: &[(shared::MemberId, shared::member::MemberDraft)],
            ) -> $crate::storage::Result<()> {
                let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                for (id, draft) in update {
                    Self::write_member(&mut *tx, *id, draft).await?;
                }
                for draft in create {
                    Self::insert_member(&mut *tx, cell, draft).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn create_meeting(
                &self,
                cell: shared::OrgId,
                d: &shared::meeting::MeetingDraft,
                registered_at: chrono::NaiveDateTime,
            ) -> $crate::storage::Result<shared::meeting::Meeting> {
                let row = sqlx::query(
                    "INSERT INTO meetings (cell_id, kind, mode, title, starts_at, place, video_link, chair_id, secretary_id, agenda, registered_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *",
                )
                .bind(cell.0)
                .bind(d.kind.as_str())
                .bind(d.mode.as_str())
                .bind(&d.title)
                .bind(d.starts_at)
                .bind(&d.place)
                .bind(&d.video_link)
                .bind(d.chair_id.map(|m| m.0))
                .bind(d.secretary_id.map(|m| m.0))
                .bind(Self::agenda_json(d)?)
                .bind(registered_at)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::storage::map_err)?;
                Self::meeting_from_row(&row)
            }

            async fn meeting(&self, id: shared::MeetingId) -> $crate::storage::Result<Option<shared::meeting::Meeting>> {
                let row = sqlx::query("SELECT * FROM meetings WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::meeting_from_row).transpose()
            }

            async fn update_meeting(
                &self,
                id: shared::MeetingId,
                d: &shared::meeting::MeetingDraft,
            ) -> $crate::storage::Result<Option<shared::meeting::Meeting>> {
                let row = sqlx::query(
                    "UPDATE meetings SET kind = $2, mode = $3, title = $4, starts_at = $5, place = $6, video_link = $7,
                     chair_id = $8, secretary_id = $9, agenda = $10 WHERE id = $1 AND status = 'scheduled' RETURNING *",
                )
                .bind(id.0)
                .bind(d.kind.as_str())
                .bind(d.mode.as_str())
                .bind(&d.title)
                .bind(d.starts_at)
                .bind(&d.place)
                .bind(&d.video_link)
                .bind(d.chair_id.map(|m| m.0))
                .bind(d.secretary_id.map(|m| m.0))
                .bind(Self::agenda_json(d)?)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::storage::map_err)?;
                row.as_ref().map(Self::meeting_from_row).transpose()
            }

            async fn meetings_of(&self, cell: shared::OrgId) -> $crate::storage::Result<Vec<shared::meeting::Meeting>> {
                let rows = sqlx::query("SELECT * FROM meetings WHERE cell_id = $1 ORDER BY starts_at DESC, id DESC")
                    .bind(cell.0)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::meeting_from_row).collect()
            }

            async fn upcoming_meetings(
                &self,
                cells: &[shared::OrgId],
                from: chrono::NaiveDateTime,
                limit: i64,
            ) -> $crate::storage::Result<Vec<shared::meeting::Meeting>> {
                let cells_json = serde_json::to_string(&cells.iter().map(|c| c.0).collect::<Vec<_>>())
                    .map_err(|e| $crate::storage::StorageError::Corrupt(e.to_string()))?;
                let rows = sqlx::query(Self::UPCOMING_MEETINGS_SQL)
                    .bind(from)
                    .bind(cells_json)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::meeting_from_row).collect()
            }

            async fn append_batch(
                &self,
                batch: &[$crate::storage::Append],
            ) -> $crate::storage::Result<Vec<$crate::storage::Appended>> {
                use $crate::storage::Appended;
                use sqlx::Row;
                use std::collections::{HashMap, HashSet};
                // A few statements per batch, not per command: the whole point
                // of the group commit.
                const KEYS_PER_QUERY: usize = 500;
                const ROWS_PER_INSERT: usize = 1000;
                let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                let mut results = vec![Appended::Stored; batch.len()];

                // Commands already applied (a retry): their key is in the log.
                for (c, chunk) in batch.chunks(KEYS_PER_QUERY).enumerate() {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "SELECT meeting_id, command_key, MAX(seq) AS seq FROM meeting_events
                         WHERE (meeting_id, command_key) IN (",
                    );
                    q.push_values(chunk, |mut row, a| {
                        row.push_bind(a.meeting.0).push_bind(a.command_key.as_str());
                    });
                    q.push(") GROUP BY meeting_id, command_key");
                    let rows = q.build().persistent(false).fetch_all(&mut *tx).await?;
                    let mut done = HashMap::with_capacity(rows.len());
                    for r in &rows {
                        let key: String = r.try_get("command_key")?;
                        done.insert((r.try_get::<i64, _>("meeting_id")?, key), r.try_get::<i64, _>("seq")?);
                    }
                    if done.is_empty() {
                        continue;
                    }
                    let offset = c * KEYS_PER_QUERY;
                    for (i, a) in chunk.iter().enumerate() {
                        if let Some(&seq) = done.get(&(a.meeting.0, a.command_key.clone())) {
                            results[offset + i] = Appended::AlreadyApplied(u64::try_from(seq).unwrap_or(0));
                        }
                    }
                }

                // Every new event in a few multi-row inserts; a sequence number
                // another instance took is skipped, and reported below.
                let rows: Vec<(&$crate::storage::Append, &$crate::storage::NewEvent)> = batch
                    .iter()
                    .zip(&results)
                    .filter(|(_, r)| **r == Appended::Stored)
                    .flat_map(|(a, _)| a.events.iter().map(move |e| (a, e)))
                    .collect();
                let mut inserted = HashSet::with_capacity(rows.len());
                for chunk in rows.chunks(ROWS_PER_INSERT) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO meeting_events (meeting_id, seq, command_key, account_id, payload, hash, recorded_at) ",
                    );
                    q.push_values(chunk, |mut row, (a, e)| {
                        row.push_bind(a.meeting.0)
                            .push_bind(i64::try_from(e.seq).unwrap_or(i64::MAX))
                            .push_bind(a.command_key.as_str())
                            .push_bind(a.account.0)
                            .push_bind(e.payload.as_str())
                            .push_bind(e.hash.as_str())
                            .push_bind(a.at);
                    });
                    q.push(" ON CONFLICT DO NOTHING RETURNING meeting_id, seq");
                    for r in q.build().persistent(false).fetch_all(&mut *tx).await? {
                        inserted.insert((r.try_get::<i64, _>("meeting_id")?, r.try_get::<i64, _>("seq")?));
                    }
                }

                let mut announced = Vec::new();
                for (a, result) in batch.iter().zip(results.iter_mut()) {
                    if *result != Appended::Stored {
                        continue;
                    }
                    let mine: Vec<bool> = a
                        .events
                        .iter()
                        .map(|e| inserted.contains(&(a.meeting.0, i64::try_from(e.seq).unwrap_or(i64::MAX))))
                        .collect();
                    if mine.iter().all(|&m| m) {
                        if let Some(status) = a.status {
                            sqlx::query("UPDATE meetings SET status = $2 WHERE id = $1")
                                .bind(a.meeting.0)
                                .bind(status.as_str())
                                .execute(&mut *tx)
                                .await?;
                        }
                        if let Some(last) = a.events.last() {
                            announced.push((a.meeting, last.seq));
                        }
                        continue;
                    }
                    // Beaten to (some of) its numbers: none of its events may stay.
                    *result = Appended::Conflict;
                    for (e, _) in a.events.iter().zip(&mine).filter(|(_, m)| **m) {
                        sqlx::query("DELETE FROM meeting_events WHERE meeting_id = $1 AND seq = $2")
                            .bind(a.meeting.0)
                            .bind(i64::try_from(e.seq).unwrap_or(i64::MAX))
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                Self::announce(&mut tx, &announced).await?;
                tx.commit().await?;
                Ok(results)
            }

            async fn events_since(
                &self,
                meeting: shared::MeetingId,
                after_seq: u64,
                limit: i64,
            ) -> $crate::storage::Result<Vec<$crate::storage::StoredEvent>> {
                use sqlx::Row;
                let rows = sqlx::query(
                    "SELECT seq, command_key, account_id, payload, hash, recorded_at FROM meeting_events
                     WHERE meeting_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                )
                .bind(meeting.0)
                .bind(i64::try_from(after_seq).unwrap_or(i64::MAX))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok($crate::storage::StoredEvent {
                            seq: u64::try_from(r.try_get::<i64, _>("seq")?).unwrap_or(0),
                            command_key: r.try_get("command_key")?,
                            account_id: shared::AccountId(r.try_get("account_id")?),
                            payload: r.try_get("payload")?,
                            hash: r.try_get("hash")?,
                            recorded_at: r.try_get("recorded_at")?,
                        })
                    })
                    .collect()
            }

            async fn live_signals(
                &self,
            ) -> $crate::storage::Result<Option<tokio::sync::mpsc::Receiver<$crate::storage::LiveSignal>>> {
                self.signals().await
            }

            async fn command_seq(&self, meeting: shared::MeetingId, command_key: &str) -> $crate::storage::Result<Option<u64>> {
                let seq: Option<i64> =
                    sqlx::query_scalar("SELECT MAX(seq) FROM meeting_events WHERE meeting_id = $1 AND command_key = $2")
                        .bind(meeting.0)
                        .bind(command_key)
                        .fetch_one(&self.pool)
                        .await?;
                Ok(seq.and_then(|s| u64::try_from(s).ok()))
            }

            async fn committee_seats_of(&self, account: shared::AccountId) -> $crate::storage::Result<Vec<shared::OrgId>> {
                let ids: Vec<i64> = sqlx::query_scalar("SELECT organization_id FROM committee_seats WHERE account_id = $1 ORDER BY organization_id")
                    .bind(account.0)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(ids.into_iter().map(shared::OrgId).collect())
            }

            async fn add_committee_seat(&self, account: shared::AccountId, org: shared::OrgId) -> $crate::storage::Result<()> {
                sqlx::query("INSERT INTO committee_seats (account_id, organization_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(account.0)
                    .bind(org.0)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn assignments_of(&self, account: shared::AccountId) -> $crate::storage::Result<Vec<shared::OrgId>> {
                let ids: Vec<i64> = sqlx::query_scalar("SELECT cell_id FROM cell_assignments WHERE account_id = $1 ORDER BY cell_id")
                    .bind(account.0)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(ids.into_iter().map(shared::OrgId).collect())
            }

            async fn add_assignment(&self, account: shared::AccountId, cell: shared::OrgId) -> $crate::storage::Result<()> {
                sqlx::query("INSERT INTO cell_assignments (account_id, cell_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(account.0)
                    .bind(cell.0)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn remove_assignment(&self, account: shared::AccountId, cell: shared::OrgId) -> $crate::storage::Result<bool> {
                let done = sqlx::query("DELETE FROM cell_assignments WHERE account_id = $1 AND cell_id = $2")
                    .bind(account.0)
                    .bind(cell.0)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}

pub(crate) use sql_store;
