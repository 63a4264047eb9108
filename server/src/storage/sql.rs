//! The SQL both databases understand, written once.
//!
//! Queries are plain sqlx queries with `$1…` placeholders, which SQLite and
//! PostgreSQL both accept, in functions generic over `DB: Backend`. Rust does
//! not carry a trait's `where` clauses (say, "`i64` binds on `DB`") to the
//! trait's users, only its supertraits, so `Sql` lists every column type as a
//! supertrait, and small extension traits below (`BindParam`, `PushParam`,
//! `ReadColumn`, `PoolExecutor`, `ConnectionExecutor`) build on them:
//!
//! ```text
//! sqlx::query("SELECT * FROM members WHERE id = $1")
//!     .param(id.0)                       // instead of .bind(…)
//!     .fetch_optional(pool.executor())   // or tx.executor() in a transaction
//!     .await?;
//! let name: String = row.read("full_name")?;   // instead of .try_get(…)
//! ```
//!
//! A new column type is one more line in `Sql`; what the two databases do
//! differently goes into `Backend`.

use super::{
    AccountSecret, Append, Appended, LiveSignal, NewAccountRow, Result, SessionFacts, Storage,
    StorageError, StoredEvent, accounts, admission, ballots, events, meetings, members, orgs,
    preparation, schedule, scores, tasks,
};
use super::{ConfirmedScore, NewConfirmation, NewProposal, StoredScore};
use super::{FileOpen, StoredFile, files};
use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime};
use shared::api::AccountView;
use shared::files::{FileId, FileKind};
use shared::followup::{FollowUp, TaskStatus};
use shared::meeting::{Meeting, MeetingDraft};
use shared::member::{Member, MemberDraft};
use shared::org::{OrgKind, Organization};
use shared::preparation::{AbsenceRequest, AbsenceStatus, AdvanceOpinion};
use shared::rules::vote::VoteTally;
use shared::{AccountId, MeetingId, MemberId, OrgId};
use sqlx::database::HasStatementCache;
use sqlx::pool::PoolConnection;
use sqlx::query::Query;
use sqlx::query_builder::Separated;
use sqlx::{
    ColumnIndex, Connection, Database, Decode, Encode, Executor, IntoArguments, Pool, Type,
};
use std::collections::HashMap;
use std::future::Future;
use tokio::sync::mpsc::Receiver;

/// Everything the shared SQL needs from a database: each Rust type it binds
/// or reads, a way to run queries, a statement cache to opt out of for
/// one-off statements. SQLite and PostgreSQL have it all.
pub trait Sql:
    Database<Arguments: IntoArguments<Self>>
    + HasStatementCache
    + Exec
    + Value<i64>
    + Value<Option<i64>>
    + Value<bool>
    + Value<String>
    + Value<Option<String>>
    + for<'a> Param<&'a str>
    + Value<NaiveDate>
    + Value<Option<NaiveDate>>
    + Value<NaiveDateTime>
    + Value<Option<NaiveDateTime>>
    + Value<Vec<u8>>
{
}

/// What differs between the databases; everything else is shared.
pub trait Backend: Sql {
    /// For logs and health checks.
    const LABEL: &'static str;
    /// Opens a transaction that will write.
    const BEGIN_WRITE: &'static str;
    /// Other processes share the database: appends are announced to them.
    const SHARED: bool;
    /// Where one call may hold several statements with their parameters
    /// (SQLite), the statement that reads, as `changed`, how many rows the
    /// one before it wrote; `None` where a call is one statement
    /// (PostgreSQL's extended protocol).
    const CHANGES_OF_PREVIOUS: Option<&'static str>;

    /// A subquery giving the integers of the JSON array bound at `$param`.
    fn ids_in_json(param: u32) -> String;

    /// A subquery giving the strings of the JSON array bound at `$param`.
    fn texts_in_json(param: u32) -> String;

    /// After rows were inserted with chosen ids (`bulk`): the statement that
    /// moves `table`'s id generator past them, if the database needs one.
    fn sync_ids(table: &str) -> Option<String>;

    /// Tells the other instances sharing the database. Inside a transaction,
    /// the payloads go out only if it commits.
    fn notify<'e>(
        db: impl Executor<'e, Database = Self>,
        payloads: Vec<String>,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Signals from the other instances; `None` when the database has only
    /// this process.
    fn listen(
        pool: &Pool<Self>,
    ) -> impl Future<Output = Result<Option<Receiver<LiveSignal>>>> + Send;
}

/// A Rust value `Self` can bind as a query parameter.
pub trait Param<T>: Database {
    fn bind_param<'q>(
        query: Query<'q, Self, Self::Arguments>,
        value: T,
    ) -> Query<'q, Self, Self::Arguments>;
    fn push_param(list: &mut Separated<'_, Self, &'static str>, value: T);
}

impl<DB: Database, T> Param<T> for DB
where
    T: for<'e> Encode<'e, DB> + Type<DB>,
{
    fn bind_param<'q>(
        query: Query<'q, DB, DB::Arguments>,
        value: T,
    ) -> Query<'q, DB, DB::Arguments> {
        query.bind(value)
    }

    fn push_param(list: &mut Separated<'_, DB, &'static str>, value: T) {
        list.push_bind(value);
    }
}

/// A Rust value `Self` can read from a named column (and bind: `Param`).
pub trait Value<T>: Param<T> {
    fn get(row: &Self::Row, column: &str) -> sqlx::Result<T>;
}

impl<DB: Database, T> Value<T> for DB
where
    T: for<'e> Encode<'e, DB> + for<'r> Decode<'r, DB> + Type<DB>,
    for<'c> &'c str: ColumnIndex<DB::Row>,
{
    fn get(row: &DB::Row, column: &str) -> sqlx::Result<T> {
        sqlx::Row::try_get(row, column)
    }
}

/// Where a query runs: the pool, or the connection of a transaction.
pub trait Exec: Database {
    fn on_pool(pool: &Pool<Self>) -> impl Executor<'_, Database = Self>;
    fn on_connection(conn: &mut Self::Connection) -> impl Executor<'_, Database = Self>;
}

impl<DB: Database> Exec for DB
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    fn on_pool(pool: &Pool<DB>) -> impl Executor<'_, Database = DB> {
        pool
    }

    fn on_connection(conn: &mut DB::Connection) -> impl Executor<'_, Database = DB> {
        conn
    }
}

/// `values` as one JSON array, the parameter `Backend::ids_in_json` and
/// `texts_in_json` read: any number of them in one bind.
pub fn json_array<T: serde::Serialize>(values: impl IntoIterator<Item = T>) -> Result<String> {
    let values: Vec<T> = values.into_iter().collect();
    serde_json::to_string(&values).map_err(|e| StorageError::Corrupt(e.to_string()))
}

/// `query.param(value)`: sqlx's `bind` for any type `Sql` lists.
pub trait BindParam<DB: Database> {
    fn param<T>(self, value: T) -> Self
    where
        DB: Param<T>;
}

impl<DB: Database> BindParam<DB> for Query<'_, DB, DB::Arguments> {
    fn param<T>(self, value: T) -> Self
    where
        DB: Param<T>,
    {
        DB::bind_param(self, value)
    }
}

/// `row.param(value)` inside `QueryBuilder::push_values`.
pub trait PushParam<DB: Database> {
    fn param<T>(&mut self, value: T) -> &mut Self
    where
        DB: Param<T>;
}

impl<DB: Database> PushParam<DB> for Separated<'_, DB, &'static str> {
    fn param<T>(&mut self, value: T) -> &mut Self
    where
        DB: Param<T>,
    {
        DB::push_param(self, value);
        self
    }
}

/// `row.read("column")`: sqlx's `try_get` for any type `Sql` lists.
pub trait ReadColumn: sqlx::Row {
    fn read<T>(&self, column: &str) -> sqlx::Result<T>
    where
        Self::Database: Value<T>;
}

impl<R: sqlx::Row> ReadColumn for R {
    fn read<T>(&self, column: &str) -> sqlx::Result<T>
    where
        R::Database: Value<T>,
    {
        <R::Database as Value<T>>::get(self, column)
    }
}

/// `pool.executor()`: runs a query on the pool.
pub trait PoolExecutor<DB: Exec> {
    fn executor(&self) -> impl Executor<'_, Database = DB>;
}

impl<DB: Exec> PoolExecutor<DB> for Pool<DB> {
    fn executor(&self) -> impl Executor<'_, Database = DB> {
        DB::on_pool(self)
    }
}

/// `tx.executor()`: runs a query in a transaction (or on one connection).
pub trait ConnectionExecutor: sqlx::Connection<Database: Exec> {
    fn executor(&mut self) -> impl Executor<'_, Database = Self::Database>;
}

impl<C: sqlx::Connection<Database: Exec>> ConnectionExecutor for C {
    fn executor(&mut self) -> impl Executor<'_, Database = C::Database> {
        <C::Database as Exec>::on_connection(self)
    }
}

/// Turns a unique-key violation into a `Conflict` with a message people can act on.
pub fn map_err(err: sqlx::Error) -> StorageError {
    match conflict_message(&err) {
        Some(m) => StorageError::Conflict(m),
        None => StorageError::Database(err),
    }
}

fn conflict_message(err: &sqlx::Error) -> Option<shared::i18n::Localized> {
    use shared::i18n::Localized;
    let db = err.as_database_error()?;
    if !db.is_unique_violation() {
        return None;
    }
    let msg = db.message();
    Some(if msg.contains("username") {
        Localized::new(
            "username_taken",
            "Tên đăng nhập đã được dùng.",
            "The user name is already taken.",
        )
    } else if msg.contains("card_number") {
        Localized::new(
            "card_number_taken",
            "Số thẻ đảng viên đã có trong danh sách.",
            "The party card number is already on the list.",
        )
    } else if msg.contains("member_id") {
        Localized::new(
            "member_has_account",
            "Đảng viên này đã có tài khoản.",
            "This member already has an account.",
        )
    } else {
        Localized::new(
            "exists",
            "Bản ghi đã tồn tại.",
            "The record already exists.",
        )
    })
}

/// A stored name of an enum value (`"full"`, `"cell"`…) back to the value.
pub fn parse_enum<T>(value: &str, parse: impl Fn(&str) -> Option<T>, what: &str) -> Result<T> {
    parse(value).ok_or_else(|| StorageError::Corrupt(format!("{what} không hợp lệ: {value}")))
}

/// A database's `Storage`: `SqliteStore` or `PgStore`.
pub struct SqlStore<DB: Database> {
    pub(super) pool: Pool<DB>,
    /// The group commit's own connection, kept between batches. The pool
    /// hands out its idle connections in turn, and on SQLite each one
    /// drops its page cache when another has written: every batch on
    /// another connection read its pages again.
    appender: tokio::sync::Mutex<Option<Appender<DB>>>,
}

/// The group commit's connection, and when it last answered.
struct Appender<DB: Database> {
    connection: PoolConnection<DB>,
    used: std::time::Instant,
}

/// A kept connection idle this long is checked before a batch goes on it,
/// as the pool checks the ones it hands out.
const APPENDER_IDLE_CHECK: std::time::Duration = std::time::Duration::from_secs(5);

impl<DB: Database> SqlStore<DB> {
    pub(super) fn new(pool: Pool<DB>) -> SqlStore<DB> {
        SqlStore {
            pool,
            appender: tokio::sync::Mutex::new(None),
        }
    }
}

/// Each method hands over to its area's module.
#[async_trait]
impl<DB: Backend> Storage for SqlStore<DB> {
    fn backend(&self) -> &'static str {
        DB::LABEL
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(self.pool.executor())
            .await?;
        Ok(())
    }

    async fn create_account(&self, new: NewAccountRow) -> Result<AccountView> {
        accounts::create(&self.pool, new).await
    }

    async fn account(&self, id: AccountId) -> Result<Option<AccountView>> {
        accounts::get(&self.pool, id).await
    }

    async fn account_secret(&self, username: &str) -> Result<Option<AccountSecret>> {
        accounts::secret_by_username(&self.pool, username).await
    }

    async fn account_secret_by_id(&self, id: AccountId) -> Result<Option<AccountSecret>> {
        accounts::secret_by_id(&self.pool, id).await
    }

    async fn accounts(&self) -> Result<Vec<AccountView>> {
        accounts::all(&self.pool).await
    }

    async fn set_password_hash(&self, id: AccountId, hash: &str) -> Result<bool> {
        accounts::set_password_hash(&self.pool, id, hash).await
    }

    async fn set_disabled(&self, id: AccountId, disabled: bool) -> Result<bool> {
        accounts::set_disabled(&self.pool, id, disabled).await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        account: AccountId,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        accounts::create_session(&self.pool, token_hash, account, now, expires_at).await
    }

    async fn session_account(&self, token_hash: &str, now: i64) -> Result<Option<AccountId>> {
        accounts::session_account(&self.pool, token_hash, now).await
    }

    async fn session_facts(
        &self,
        token_hashes: &[&str],
        now: i64,
    ) -> Result<HashMap<String, SessionFacts>> {
        admission::session_facts(&self.pool, token_hashes, now).await
    }

    async fn meetings_by_id(&self, ids: &[MeetingId]) -> Result<Vec<Meeting>> {
        admission::meetings_by_id(&self.pool, ids).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        accounts::delete_session(&self.pool, token_hash).await
    }

    async fn delete_sessions_of(&self, account: AccountId, except: Option<&str>) -> Result<()> {
        accounts::delete_sessions_of(&self.pool, account, except).await
    }

    async fn organizations(&self) -> Result<Vec<Organization>> {
        orgs::all(&self.pool).await
    }

    async fn organization(&self, id: OrgId) -> Result<Option<Organization>> {
        orgs::get(&self.pool, id).await
    }

    async fn org_path(&self, id: OrgId) -> Result<Vec<Organization>> {
        orgs::path(&self.pool, id).await
    }

    async fn org_ancestry(&self, ids: &[OrgId]) -> Result<Vec<Organization>> {
        orgs::ancestry(&self.pool, ids).await
    }

    async fn create_organization(
        &self,
        parent: Option<OrgId>,
        kind: OrgKind,
        name: &str,
    ) -> Result<Organization> {
        orgs::create(&self.pool, parent, kind, name).await
    }

    async fn member_counts(&self) -> Result<HashMap<OrgId, u32>> {
        members::counts(&self.pool).await
    }

    async fn members_of(&self, cell: OrgId) -> Result<Vec<Member>> {
        members::of_cell(&self.pool, cell).await
    }

    async fn member(&self, id: MemberId) -> Result<Option<Member>> {
        members::get(&self.pool, id).await
    }

    async fn create_member(&self, cell: OrgId, draft: &MemberDraft) -> Result<Member> {
        members::insert(self.pool.executor(), cell, draft).await
    }

    async fn update_member(&self, id: MemberId, draft: &MemberDraft) -> Result<Option<Member>> {
        members::update(self.pool.executor(), id, draft).await
    }

    async fn apply_import(
        &self,
        cell: OrgId,
        create: &[MemberDraft],
        update: &[(MemberId, MemberDraft)],
    ) -> Result<()> {
        members::import(&self.pool, cell, create, update).await
    }

    async fn create_meeting(
        &self,
        cell: OrgId,
        draft: &MeetingDraft,
        registered_at: NaiveDateTime,
    ) -> Result<Meeting> {
        meetings::create(&self.pool, cell, draft, registered_at).await
    }

    async fn meeting(&self, id: MeetingId) -> Result<Option<Meeting>> {
        meetings::get(&self.pool, id).await
    }

    async fn update_meeting(&self, id: MeetingId, draft: &MeetingDraft) -> Result<Option<Meeting>> {
        meetings::update(&self.pool, id, draft).await
    }

    async fn meetings_of(&self, cell: OrgId) -> Result<Vec<Meeting>> {
        meetings::of_cell(&self.pool, cell).await
    }

    async fn upcoming_meetings(
        &self,
        cells: &[OrgId],
        from: NaiveDateTime,
        limit: i64,
    ) -> Result<Vec<Meeting>> {
        meetings::upcoming(&self.pool, cells, from, limit).await
    }

    async fn append_batch(&self, batch: &[Append]) -> Result<Vec<Appended>> {
        let mut kept = self.appender.lock().await;
        if let Some(a) = kept.as_mut()
            && a.used.elapsed() >= APPENDER_IDLE_CHECK
            && a.connection.ping().await.is_err()
        {
            *kept = None;
        }
        let mut appender = match kept.take() {
            Some(a) => a,
            None => Appender {
                connection: self.pool.acquire().await?,
                used: std::time::Instant::now(),
            },
        };
        let stored = events::append_batch::<DB>(&mut appender.connection, batch).await;
        // A connection that failed a batch is closed (it may even be left in
        // a transaction it could not roll back); the next batch opens another.
        if stored.is_ok() {
            appender.used = std::time::Instant::now();
            *kept = Some(appender);
        } else if let Err(e) = appender.connection.close().await {
            tracing::warn!(error = %e, "closing the connection of a failed batch");
        }
        stored
    }

    async fn live_signals(&self) -> Result<Option<Receiver<LiveSignal>>> {
        DB::listen(&self.pool).await
    }

    async fn events_since(
        &self,
        meeting: MeetingId,
        after_seq: u64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>> {
        events::since(&self.pool, meeting, after_seq, limit).await
    }

    async fn command_seq(
        &self,
        meeting: MeetingId,
        account: AccountId,
        command_key: &str,
    ) -> Result<Option<u64>> {
        events::command_seq(&self.pool, meeting, account, command_key).await
    }

    async fn ballot_count(&self, meeting: MeetingId, vote: u64) -> Result<VoteTally> {
        ballots::count(&self.pool, meeting, vote).await
    }

    async fn cluster_key(&self, candidate: &str) -> Result<String> {
        events::cluster_key(&self.pool, candidate).await
    }

    async fn media_host(&self, meeting: MeetingId, me: &str) -> Result<String> {
        events::media_host(&self.pool, meeting, me).await
    }

    async fn move_media_host(&self, meeting: MeetingId, from: &str, to: &str) -> Result<String> {
        events::move_media_host(&self.pool, meeting, from, to).await
    }

    async fn publish(&self, signal: LiveSignal) -> Result<()> {
        events::publish(&self.pool, signal).await
    }

    async fn set_task_follow_up(
        &self,
        meeting: MeetingId,
        index: usize,
        status: TaskStatus,
        note: &str,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<()> {
        tasks::set(&self.pool, meeting, index, status, note, by, at).await
    }

    async fn task_follow_ups(&self, meeting: MeetingId) -> Result<HashMap<usize, FollowUp>> {
        tasks::of_meeting(&self.pool, meeting).await
    }

    async fn cancel_meeting(
        &self,
        id: MeetingId,
        reason: &str,
        at: NaiveDateTime,
    ) -> Result<Option<Meeting>> {
        schedule::cancel(&self.pool, id, reason, at).await
    }

    async fn reschedule_meeting(
        &self,
        id: MeetingId,
        starts_at: NaiveDateTime,
        reason: Option<&str>,
    ) -> Result<Option<Meeting>> {
        schedule::reschedule(&self.pool, id, starts_at, reason).await
    }

    async fn meetings_between(
        &self,
        cells: &[OrgId],
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<Meeting>> {
        schedule::of_cells_between(&self.pool, cells, from, to).await
    }

    async fn committee_seats_of(&self, account: AccountId) -> Result<Vec<OrgId>> {
        orgs::committee_seats_of(&self.pool, account).await
    }

    async fn add_committee_seat(&self, account: AccountId, org: OrgId) -> Result<()> {
        orgs::add_committee_seat(&self.pool, account, org).await
    }

    async fn assignments_of(&self, account: AccountId) -> Result<Vec<OrgId>> {
        orgs::assignments_of(&self.pool, account).await
    }

    async fn add_assignment(&self, account: AccountId, cell: OrgId) -> Result<()> {
        orgs::add_assignment(&self.pool, account, cell).await
    }

    async fn remove_assignment(&self, account: AccountId, cell: OrgId) -> Result<bool> {
        orgs::remove_assignment(&self.pool, account, cell).await
    }

    async fn begin_file(
        &self,
        meeting: MeetingId,
        item_index: u32,
        name: &str,
        by: AccountId,
        at: NaiveDateTime,
        stale_before: NaiveDateTime,
    ) -> Result<FileId> {
        files::begin(&self.pool, meeting, item_index, name, by, at, stale_before).await
    }

    async fn put_file_chunk(&self, file: FileId, seq: u32, data: &[u8]) -> Result<()> {
        files::put_chunk(&self.pool, file, seq, data).await
    }

    async fn finish_file(&self, file: FileId, name: &str, kind: FileKind, size: u64) -> Result<()> {
        files::finish(&self.pool, file, name, kind, size).await
    }

    async fn delete_file(&self, file: FileId) -> Result<bool> {
        files::delete(&self.pool, file).await
    }

    async fn meeting_files(&self, meeting: MeetingId) -> Result<Vec<StoredFile>> {
        files::of_meeting(&self.pool, meeting).await
    }

    async fn meeting_file(&self, file: FileId) -> Result<Option<StoredFile>> {
        files::get(&self.pool, file).await
    }

    async fn file_chunk(&self, file: FileId, seq: u32) -> Result<Option<Vec<u8>>> {
        files::chunk(&self.pool, file, seq).await
    }

    async fn record_file_open(
        &self,
        file: FileId,
        account: AccountId,
        at: NaiveDateTime,
    ) -> Result<()> {
        files::record_open(&self.pool, file, account, at).await
    }

    async fn file_opens(&self, meeting: MeetingId) -> Result<Vec<FileOpen>> {
        files::opens(&self.pool, meeting).await
    }

    async fn set_absence_request(
        &self,
        meeting: MeetingId,
        member: MemberId,
        reason: &str,
        at: NaiveDateTime,
    ) -> Result<bool> {
        preparation::set_request(&self.pool, meeting, member, reason, at).await
    }

    async fn withdraw_absence_request(&self, meeting: MeetingId, member: MemberId) -> Result<bool> {
        preparation::withdraw_request(&self.pool, meeting, member).await
    }

    async fn decide_absence_request(
        &self,
        meeting: MeetingId,
        member: MemberId,
        status: AbsenceStatus,
        note: &str,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<bool> {
        preparation::decide_request(&self.pool, meeting, member, status, note, by, at).await
    }

    async fn absence_requests(&self, meeting: MeetingId) -> Result<Vec<AbsenceRequest>> {
        preparation::requests(&self.pool, meeting).await
    }

    async fn set_advance_opinion(
        &self,
        meeting: MeetingId,
        member: MemberId,
        item: usize,
        text: &str,
        at: NaiveDateTime,
    ) -> Result<bool> {
        preparation::set_opinion(&self.pool, meeting, member, item, text, at).await
    }

    async fn withdraw_advance_opinion(
        &self,
        meeting: MeetingId,
        member: MemberId,
        item: usize,
    ) -> Result<bool> {
        preparation::withdraw_opinion(&self.pool, meeting, member, item).await
    }

    async fn advance_opinions(&self, meeting: MeetingId) -> Result<Vec<AdvanceOpinion>> {
        preparation::opinions(&self.pool, meeting).await
    }

    async fn rule_set_adoptions(
        &self,
        orgs: &[OrgId],
    ) -> Result<Vec<shared::rules::adoption::Adoption>> {
        super::rulesets::of_orgs(&self.pool, orgs).await
    }

    async fn adopt_rule_set(&self, new: &super::NewAdoption) -> Result<()> {
        super::rulesets::adopt(&self.pool, new).await
    }

    async fn meeting_score(&self, meeting: MeetingId) -> Result<Option<StoredScore>> {
        scores::get(&self.pool, meeting).await
    }

    async fn propose_score(&self, meeting: MeetingId, proposal: &NewProposal<'_>) -> Result<bool> {
        scores::propose(&self.pool, meeting, proposal).await
    }

    async fn confirm_score(
        &self,
        meeting: MeetingId,
        confirmation: &NewConfirmation<'_>,
    ) -> Result<bool> {
        scores::confirm(&self.pool, meeting, confirmation).await
    }

    async fn confirmed_scores(&self, cell: OrgId) -> Result<Vec<ConfirmedScore>> {
        scores::confirmed_of_cell(&self.pool, cell).await
    }

    async fn add_score_comment(
        &self,
        meeting: MeetingId,
        account: AccountId,
        text: &str,
        at: NaiveDateTime,
    ) -> Result<i64> {
        scores::add_comment(&self.pool, meeting, account, text, at).await
    }

    async fn score_comments(
        &self,
        meeting: MeetingId,
    ) -> Result<Vec<shared::scoring::ScoreComment>> {
        scores::comments(&self.pool, meeting).await
    }

    async fn insert_bulk(&self, rows: &super::BulkRows) -> Result<()> {
        super::bulk::insert(&self.pool, rows).await
    }

    fn notices(&self) -> &dyn super::NoticeStore {
        self
    }

    fn guidance(&self) -> &dyn super::GuidanceStore {
        self
    }

    fn oversight(&self) -> &dyn super::OversightStore {
        self
    }

    fn visits(&self) -> &dyn super::VisitStore {
        self
    }

    fn commitments(&self) -> &dyn super::CommitmentStore {
        self
    }

    fn inspections(&self) -> &dyn super::InspectionStore {
        self
    }

    fn classification(&self) -> &dyn super::ClassificationStore {
        self
    }

    fn rating(&self) -> &dyn super::RatingStore {
        self
    }
}
