//! Storage: the `Storage` trait the rest of the server calls, implemented once
//! for both databases by `SqlStore<DB>`.
//!
//! - `sql`: what the shared SQL needs from a database (`Sql`), what differs
//!   between the two (`Backend`), and `SqlStore`, which implements `Storage`
//!   by calling the area modules.
//! - one module per area of the record, each a set of plain functions generic
//!   over `DB: Backend`: `accounts` (accounts and sessions), `orgs` (the tree,
//!   committee seats and assignments), `members`, `meetings`, `events` (the
//!   live meetings' logs and the signals between instances), `ballots` (the
//!   ballot box of secret votes), `tasks` (the follow-up of the tasks closed
//!   meetings assigned), `files` (meetings' documents, in chunks, and who
//!   opened them), `preparation` (absence requests and opinions sent
//!   before a meeting), `rulesets` (the rule sets committees adopted),
//!   `scores` (meetings' scores and their comments).
//! - `guidance`: committees' monthly guidance (posts, documents in chunks,
//!   opens), behind its own trait (`Storage::guidance`).
//! - `oversight`: what a committee's dashboard reads, closed meetings'
//!   outcomes and proposed totals, behind its own trait (`Storage::oversight`).
//! - `visits`: upper-level visits (plans, visits, reports, recommendations),
//!   behind its own trait (`Storage::visits`).
//! - `commitments`: members' exemplary commitments and their review, and
//!   `inspections`: member inspections, each behind its own trait
//!   (`Storage::commitments`, `Storage::inspections`).
//! - `classification`: the yearly classification of cells and what the
//!   year's outputs read (ratings, inspections), behind its own trait
//!   (`Storage::classification`).
//! - `rating`: the yearly rating of members (periods, self-assessments,
//!   proposals, decisions, reopenings), behind its own trait (`Storage::rating`).
//! - `notices`: notifications, the email outbox and preferences, behind
//!   their own trait (`Storage::notices`).
//! - `sqlite` and `postgres`: each backend's `Backend` implementation,
//!   connection setup and `migrations/<backend>/`.
//! - `writer`: the group commit for live events.
//! - `bulk`: many rows at once with ids chosen by the caller (the bloc-sized
//!   demo data).

mod accounts;
mod admission;
mod ballots;
mod bulk;
mod classification;
mod commitments;
mod events;
mod files;
mod guidance;
mod inspections;
mod meetings;
mod members;
mod notices;
mod orgs;
mod oversight;
mod postgres;
mod preparation;
mod rating;
mod rulesets;
mod schedule;
mod scores;
mod sql;
mod sqlite;
mod tasks;
mod visits;
mod writer;

pub use bulk::{
    BulkEvent, BulkMeeting, BulkOutcome, BulkPlan, BulkRecommendation, BulkReport, BulkRows,
    BulkScore, BulkUpper, BulkVisit,
};
pub use classification::{
    ClassificationStore, InspectionRow, MemberYearRow, NewClassification, StoredClassification,
};
pub use commitments::CommitmentStore;
pub use files::{FileOpen, StoredFile};
pub use guidance::{GuidanceStore, StoredGuidance};
pub use inspections::InspectionStore;
pub use notices::{NoticeStore, OutboxItem, Publication, Subscribed, WatchedTask};
pub use oversight::{MeetingRow, OversightRows, OversightStore, PlanRow, VisitRow};
pub use postgres::PgStore;
pub use rating::{DecisionCheck, NewDecision, RatingKey, RatingStore, SelfRow, StoredRating};
pub use rulesets::NewAdoption;
pub use scores::{ConfirmedScore, NewConfirmation, NewProposal, StoredScore, StoredUpper};
pub use sql::SqlStore;
pub use sqlite::SqliteStore;
pub use visits::{NewVisit, StoredVisit, VisitStore};
pub use writer::{CommitStats, EventWriter};

use async_trait::async_trait;
use chrono::NaiveDateTime;
use shared::api::AccountView;
use shared::files::{FileId, FileKind};
use shared::followup::{FollowUp, TaskStatus};
use shared::live::state::Choice;
use shared::meeting::{Meeting, MeetingDraft, MeetingStatus};
use shared::member::{Member, MemberDraft};
use shared::org::{OrgKind, Organization};
use shared::preparation::{AbsenceRequest, AbsenceStatus, AdvanceOpinion};
use shared::rules::vote::VoteTally;
use shared::{AccountId, MeetingId, MemberId, OrgId};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A uniqueness rule was broken; the text names what, in both languages.
    #[error("{0}")]
    Conflict(shared::i18n::Localized),
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

/// A live session's account and what decides its rights (`Actor`), read
/// for many sessions at once by `Storage::session_facts`.
#[derive(Debug, Clone)]
pub struct SessionFacts {
    pub account: AccountView,
    /// The account's member record, if it has one.
    pub member: Option<Member>,
    /// Organizations whose committee (cấp ủy) the account sits on.
    pub committee_of: Vec<OrgId>,
    /// Cells the account is assigned to follow.
    pub assigned_cells: Vec<OrgId>,
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
    /// The command's idempotency key, unique among the account's commands in
    /// the meeting (not among everyone's).
    pub command_key: String,
    pub account: AccountId,
    pub at: NaiveDateTime,
    pub events: Vec<NewEvent>,
    /// The meeting's new status, when the command changes it.
    pub status: Option<MeetingStatus>,
    /// A secret ballot the command casts: counted in the ballot box in the
    /// same transaction, if and only if the events are stored.
    pub sealed_ballot: Option<SealedBallot>,
}

/// A secret ballot's choice (phiếu kín), apart from its voter: the ballot box
/// keeps only how many ballots each choice got in each vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedBallot {
    /// The vote's number in its meeting.
    pub vote: u64,
    pub choice: Choice,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveSignal {
    /// Events up to `seq` were stored for this meeting (too large to carry:
    /// read them back).
    Appended { meeting: MeetingId, seq: u64 },
    /// An event stored for this meeting, carried whole so that the other
    /// instances apply it without reading it back.
    Carried { meeting: MeetingId, event: NewEvent },
    /// The account's sessions ended, its password changed, it was disabled,
    /// or its member moved or left a cell: its sockets must check again.
    AccountChanged { account: AccountId },
    /// The meeting's registration changed: a room not yet opened reloads it.
    MeetingChanged { meeting: MeetingId },
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
    /// What `auth::user_of_session` reads, for many sessions at once (the
    /// live sockets' periodic check); sessions ended or expired are absent.
    async fn session_facts(
        &self,
        token_hashes: &[&str],
        now: i64,
    ) -> Result<HashMap<String, SessionFacts>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Ends every session of an account (password reset, disabling), keeping `except`.
    async fn delete_sessions_of(&self, account: AccountId, except: Option<&str>) -> Result<()>;

    async fn organizations(&self) -> Result<Vec<Organization>>;
    async fn organization(&self, id: OrgId) -> Result<Option<Organization>>;
    /// Root first, the organization last; empty when it does not exist.
    async fn org_path(&self, id: OrgId) -> Result<Vec<Organization>>;
    /// These organizations and all their ancestors, in no particular order.
    async fn org_ancestry(&self, ids: &[OrgId]) -> Result<Vec<Organization>>;
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
    /// The meetings among `ids` that exist, in no particular order.
    async fn meetings_by_id(&self, ids: &[MeetingId]) -> Result<Vec<Meeting>>;
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
    /// already applied (same account and key) or beaten to its sequence
    /// numbers by another instance does not hold back the others, and only a
    /// stored command's sealed ballot is counted.
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
    /// The last sequence number a command of `account` produced, if it was
    /// applied already. Keys are each account's own.
    async fn command_seq(
        &self,
        meeting: MeetingId,
        account: AccountId,
        command_key: &str,
    ) -> Result<Option<u64>>;
    /// The secret ballots counted for a vote so far; zeros when none was cast.
    async fn ballot_count(&self, meeting: MeetingId, vote: u64) -> Result<VoteTally>;
    /// The key the instances sharing the database sign relayed audio offers
    /// with: `candidate` if none was stored, else the stored one.
    async fn cluster_key(&self, candidate: &str) -> Result<String>;
    /// The instance (its address) running a meeting's audio; `me` claims it
    /// when none does.
    async fn media_host(&self, meeting: MeetingId, me: &str) -> Result<String>;
    /// Moves a meeting's audio off `from`, which could not be reached, to
    /// `to`, unless another instance moved it first; the host it has then.
    async fn move_media_host(&self, meeting: MeetingId, from: &str, to: &str) -> Result<String>;
    /// Tells the other instances sharing the database (PostgreSQL NOTIFY);
    /// nothing on SQLite, which one process owns. The caller tells its own
    /// hub directly.
    async fn publish(&self, signal: LiveSignal) -> Result<()>;

    /// Records a task's status and note (the task is the `index`-th of the
    /// meeting's record), replacing its previous follow-up.
    async fn set_task_follow_up(
        &self,
        meeting: MeetingId,
        index: usize,
        status: TaskStatus,
        note: &str,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<()>;
    /// The follow-ups of a meeting's tasks by index; tasks never updated are absent.
    async fn task_follow_ups(&self, meeting: MeetingId) -> Result<HashMap<usize, FollowUp>>;

    /// Cancels a meeting still scheduled and not cancelled; `None` otherwise.
    async fn cancel_meeting(
        &self,
        id: MeetingId,
        reason: &str,
        at: NaiveDateTime,
    ) -> Result<Option<Meeting>>;
    /// Moves a meeting still scheduled and not cancelled, keeping the first
    /// registered time; `reason` replaces the last one when given.
    async fn reschedule_meeting(
        &self,
        id: MeetingId,
        starts_at: NaiveDateTime,
        reason: Option<&str>,
    ) -> Result<Option<Meeting>>;
    /// The meetings of these cells starting in `[from, to)`.
    async fn meetings_between(
        &self,
        cells: &[OrgId],
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<Meeting>>;

    async fn committee_seats_of(&self, account: AccountId) -> Result<Vec<OrgId>>;
    async fn add_committee_seat(&self, account: AccountId, org: OrgId) -> Result<()>;
    async fn assignments_of(&self, account: AccountId) -> Result<Vec<OrgId>>;
    async fn add_assignment(&self, account: AccountId, cell: OrgId) -> Result<()>;
    async fn remove_assignment(&self, account: AccountId, cell: OrgId) -> Result<bool>;

    /// Starts storing a meeting's document (invisible until `finish_file`);
    /// removes uploads abandoned before `stale_before` on the way.
    async fn begin_file(
        &self,
        meeting: MeetingId,
        item_index: u32,
        name: &str,
        by: AccountId,
        at: NaiveDateTime,
        stale_before: NaiveDateTime,
    ) -> Result<FileId>;
    /// Stores the `seq`-th chunk (`shared::files::CHUNK_BYTES`) of a file being uploaded.
    async fn put_file_chunk(&self, file: FileId, seq: u32, data: &[u8]) -> Result<()>;
    /// Makes an uploaded file visible with its cleaned name, checked kind and size.
    async fn finish_file(&self, file: FileId, name: &str, kind: FileKind, size: u64) -> Result<()>;
    /// Removes a file, its chunks and its opens; false when there was none.
    async fn delete_file(&self, file: FileId) -> Result<bool>;
    /// A meeting's complete documents, by agenda item then upload.
    async fn meeting_files(&self, meeting: MeetingId) -> Result<Vec<StoredFile>>;
    async fn meeting_file(&self, file: FileId) -> Result<Option<StoredFile>>;
    async fn file_chunk(&self, file: FileId, seq: u32) -> Result<Option<Vec<u8>>>;
    /// Records a download (the first one per account counts).
    async fn record_file_open(
        &self,
        file: FileId,
        account: AccountId,
        at: NaiveDateTime,
    ) -> Result<()>;
    /// Every download of a meeting's documents.
    async fn file_opens(&self, meeting: MeetingId) -> Result<Vec<FileOpen>>;
    /// Sends or rewrites a member's absence request (pending again). False
    /// when the meeting is no longer scheduled.
    async fn set_absence_request(
        &self,
        meeting: MeetingId,
        member: MemberId,
        reason: &str,
        at: NaiveDateTime,
    ) -> Result<bool>;
    /// False when there was none or the meeting is no longer scheduled.
    async fn withdraw_absence_request(&self, meeting: MeetingId, member: MemberId) -> Result<bool>;
    /// False when there is none or the meeting is no longer scheduled.
    async fn decide_absence_request(
        &self,
        meeting: MeetingId,
        member: MemberId,
        status: AbsenceStatus,
        note: &str,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<bool>;
    async fn absence_requests(&self, meeting: MeetingId) -> Result<Vec<AbsenceRequest>>;
    /// Sends or rewrites a member's opinion on an agenda item. False when
    /// the meeting is no longer scheduled.
    async fn set_advance_opinion(
        &self,
        meeting: MeetingId,
        member: MemberId,
        item: usize,
        text: &str,
        at: NaiveDateTime,
    ) -> Result<bool>;
    /// False when there was none or the meeting is no longer scheduled.
    async fn withdraw_advance_opinion(
        &self,
        meeting: MeetingId,
        member: MemberId,
        item: usize,
    ) -> Result<bool>;
    /// By item, then in the order sent.
    async fn advance_opinions(&self, meeting: MeetingId) -> Result<Vec<AdvanceOpinion>>;

    /// The rule sets these organizations adopted, by organization, newest first.
    async fn rule_set_adoptions(
        &self,
        orgs: &[OrgId],
    ) -> Result<Vec<shared::rules::adoption::Adoption>>;
    /// Stores an adoption; `Conflict` when its version was taken meanwhile.
    async fn adopt_rule_set(&self, new: &NewAdoption) -> Result<()>;
    /// A meeting's score: the proposal and, once confirmed, the upper column.
    async fn meeting_score(&self, meeting: MeetingId) -> Result<Option<StoredScore>>;
    /// Stores or replaces the cell's proposal; false once confirmed.
    async fn propose_score(&self, meeting: MeetingId, proposal: &NewProposal<'_>) -> Result<bool>;
    /// Stores the upper level's column; false without a proposal or once confirmed.
    async fn confirm_score(
        &self,
        meeting: MeetingId,
        confirmation: &NewConfirmation<'_>,
    ) -> Result<bool>;
    /// The confirmed scores of a cell's meetings.
    async fn confirmed_scores(&self, cell: OrgId) -> Result<Vec<ConfirmedScore>>;
    async fn add_score_comment(
        &self,
        meeting: MeetingId,
        account: AccountId,
        text: &str,
        at: NaiveDateTime,
    ) -> Result<i64>;
    /// In the order written.
    async fn score_comments(
        &self,
        meeting: MeetingId,
    ) -> Result<Vec<shared::scoring::ScoreComment>>;
    /// Writes rows whose ids the caller chose, in one transaction, with
    /// multi-row statements (`bulk.rs`); for demo data in an empty database.
    async fn insert_bulk(&self, rows: &BulkRows) -> Result<()>;
    /// Notifications, their email outbox and preferences (`notices.rs`).
    fn notices(&self) -> &dyn NoticeStore;
    /// Committees' monthly guidance, its documents and opens (`guidance.rs`).
    fn guidance(&self) -> &dyn GuidanceStore;

    fn oversight(&self) -> &dyn OversightStore;
    /// Upper-level visits: plans, visits, reports, recommendations (`visits.rs`).
    fn visits(&self) -> &dyn VisitStore;
    /// Members' exemplary commitments and their review (`commitments.rs`).
    fn commitments(&self) -> &dyn CommitmentStore;
    /// Member inspections and the cells' figures for their targets (`inspections.rs`).
    fn inspections(&self) -> &dyn InspectionStore;
    /// The yearly classification of cells, ratings and inspections read for it (`classification.rs`).
    fn classification(&self) -> &dyn ClassificationStore;
    /// The yearly rating of members: periods, rows, reopenings (`rating.rs`).
    fn rating(&self) -> &dyn RatingStore;
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
