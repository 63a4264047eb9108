//! Rows written many at a time, with the ids the caller chose: how the
//! bloc-sized demo data (`crate::demo::bloc`) fills an empty database in
//! seconds rather than the hours one `INSERT` per row would take. Nothing
//! here checks a rule: the caller builds valid rows with `shared`.

use super::sql::{Backend, ConnectionExecutor, PushParam};
use super::{NewAccountRow, Result};
use chrono::{NaiveDate, NaiveDateTime};
use shared::meeting::MeetingDraft;
use shared::member::MemberDraft;
use shared::org::OrgKind;
use sqlx::{Pool, QueryBuilder};

/// Bound values per statement: well under SQLite's 32,766 and PostgreSQL's 65,535,
/// and small enough that no statement runs long enough to be logged as slow.
const MAX_PARAMS: usize = 8_000;

/// One batch of rows, each with its id; written in one transaction.
#[derive(Debug, Default, Clone)]
pub struct BulkRows {
    pub organizations: Vec<(i64, Option<i64>, OrgKind, String)>,
    pub members: Vec<(i64, i64, MemberDraft)>,
    pub accounts: Vec<(i64, NewAccountRow)>,
    /// (account, organization)
    pub committee_seats: Vec<(i64, i64)>,
    /// (account, cell)
    pub assignments: Vec<(i64, i64)>,
    pub meetings: Vec<BulkMeeting>,
    pub outcomes: Vec<BulkOutcome>,
    pub scores: Vec<BulkScore>,
    pub plans: Vec<BulkPlan>,
    pub visits: Vec<BulkVisit>,
    pub reports: Vec<BulkReport>,
    pub recommendations: Vec<BulkRecommendation>,
    pub events: Vec<BulkEvent>,
}

#[derive(Debug, Clone)]
pub struct BulkMeeting {
    pub id: i64,
    pub cell: i64,
    pub draft: MeetingDraft,
    /// `scheduled` or `closed` (`MeetingStatus::as_str`).
    pub status: &'static str,
    pub registered_at: NaiveDateTime,
    pub cancelled: Option<(NaiveDateTime, String)>,
}

/// A row of `meeting_outcomes` (migration 0017).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkOutcome {
    pub meeting: i64,
    pub cell: i64,
    pub held_on: NaiveDate,
    pub expected: i64,
    pub present: i64,
    pub excused: i64,
    pub absent: i64,
    pub speakers: i64,
    pub duration_minutes: i64,
}

/// A row of `meeting_scores`: the proposal, and the upper level's column
/// when confirmed (entries, by, at, final tenths, final band).
#[derive(Debug, Clone)]
pub struct BulkScore {
    pub meeting: i64,
    pub rules_name: String,
    pub rules_version: i64,
    pub basis: String,
    pub cell_entries: String,
    pub proposed_by: i64,
    pub proposed_at: NaiveDateTime,
    pub proposed_tenths: i64,
    pub upper: Option<BulkUpper>,
}

#[derive(Debug, Clone)]
pub struct BulkUpper {
    pub entries: String,
    pub reason: String,
    pub by: i64,
    pub at: NaiveDateTime,
    pub final_tenths: i64,
    pub final_band: &'static str,
}

/// A row of `visit_plans` (migration 0016).
#[derive(Debug, Clone, Copy)]
pub struct BulkPlan {
    pub id: i64,
    pub committee: i64,
    pub year: i64,
    pub quarter: i64,
    pub visitor: i64,
    pub cell: i64,
    pub month: Option<i64>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Copy)]
pub struct BulkVisit {
    pub id: i64,
    pub visitor: i64,
    pub cell: i64,
    pub meeting: Option<i64>,
    pub date: NaiveDate,
    /// `live` or `in_person`.
    pub source: &'static str,
    pub recorded_by: i64,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct BulkReport {
    pub visit: i64,
    pub content: String,
    pub ideology: String,
    pub issues: String,
    pub proposed_tenths: Option<i64>,
    pub filed_on: NaiveDate,
    pub filed_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct BulkRecommendation {
    pub id: i64,
    pub visit: i64,
    pub cell: i64,
    pub seq: i64,
    pub text: String,
    /// `open`, `accepted` or `done`.
    pub status: &'static str,
    pub answer: String,
    pub answered: Option<(i64, NaiveDateTime)>,
}

/// One stored event of a meeting's record, already numbered and hashed.
#[derive(Debug, Clone)]
pub struct BulkEvent {
    pub meeting: i64,
    pub seq: i64,
    pub command_key: String,
    pub account: i64,
    pub payload: String,
    pub hash: String,
    pub recorded_at: NaiveDateTime,
}

impl BulkRows {
    pub fn is_empty(&self) -> bool {
        self.organizations.is_empty()
            && self.members.is_empty()
            && self.accounts.is_empty()
            && self.meetings.is_empty()
            && self.visits.is_empty()
            && self.plans.is_empty()
    }
}

/// Tables whose ids the caller chose, in the order they are filled.
const ID_TABLES: [&str; 7] = [
    "organizations",
    "members",
    "accounts",
    "meetings",
    "visit_plans",
    "visits",
    "visit_recommendations",
];

/// Inserts `rows` with multi-row statements in one transaction, parents
/// before children, then moves each id sequence past the ids taken (on
/// PostgreSQL; SQLite follows the largest id by itself).
pub async fn insert<DB: Backend>(pool: &Pool<DB>, rows: &BulkRows) -> Result<()> {
    let mut tx = pool.begin_with(DB::BEGIN_WRITE).await?;
    let conn = &mut *tx;

    macro_rules! put {
        ($list:expr, $cols:expr, $head:literal, |$b:ident, $r:pat_param| $body:block) => {
            for chunk in $list.chunks((MAX_PARAMS / $cols).max(1)) {
                let mut q = QueryBuilder::<DB>::new($head);
                q.push_values(chunk, |mut $b, $r| $body);
                q.build().persistent(false).execute(conn.executor()).await?;
            }
        };
    }

    put!(
        rows.organizations,
        4,
        "INSERT INTO organizations (id, parent_id, kind, name) ",
        |b, (id, parent, kind, name)| {
            b.param(*id)
                .param(*parent)
                .param(kind.as_str())
                .param(name.as_str());
        }
    );
    put!(
        rows.members,
        10,
        "INSERT INTO members (id, cell_id, full_name, gender, birth_date, admitted_on, full_member_on, status, role, card_number) ",
        |b, (id, cell, d)| {
            b.param(*id)
                .param(*cell)
                .param(d.full_name.as_str())
                .param(d.gender.as_str())
                .param(d.birth_date)
                .param(d.admitted_on)
                .param(d.full_member_on)
                .param(d.status.as_str())
                .param(d.role.as_str())
                .param(d.card_number.clone());
        }
    );
    put!(
        rows.accounts,
        6,
        "INSERT INTO accounts (id, username, display_name, password_hash, member_id, is_admin) ",
        |b, (id, a)| {
            b.param(*id)
                .param(a.username.as_str())
                .param(a.display_name.as_str())
                .param(a.password_hash.as_str())
                .param(a.member_id.map(|m| m.0))
                .param(a.is_admin);
        }
    );
    put!(
        rows.committee_seats,
        2,
        "INSERT INTO committee_seats (account_id, organization_id) ",
        |b, (account, org)| {
            b.param(*account).param(*org);
        }
    );
    put!(
        rows.assignments,
        2,
        "INSERT INTO cell_assignments (account_id, cell_id) ",
        |b, (account, cell)| {
            b.param(*account).param(*cell);
        }
    );
    let agendas = rows
        .meetings
        .iter()
        .map(|m| serde_json::to_string(&m.draft.agenda))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| super::StorageError::Corrupt(e.to_string()))?;
    let meetings: Vec<_> = rows.meetings.iter().zip(&agendas).collect();
    put!(
        meetings,
        15,
        "INSERT INTO meetings (id, cell_id, kind, mode, status, title, starts_at, place, video_link, chair_id, secretary_id, agenda, registered_at, cancelled_at, cancel_reason) ",
        |b, (m, agenda)| {
            b.param(m.id)
                .param(m.cell)
                .param(m.draft.kind.as_str())
                .param(m.draft.mode.as_str())
                .param(m.status)
                .param(m.draft.title.as_str())
                .param(m.draft.starts_at)
                .param(m.draft.place.as_str())
                .param(m.draft.video_link.as_str())
                .param(m.draft.chair_id.map(|x| x.0))
                .param(m.draft.secretary_id.map(|x| x.0))
                .param(agenda.as_str())
                .param(m.registered_at)
                .param(m.cancelled.as_ref().map(|c| c.0))
                .param(
                    m.cancelled
                        .as_ref()
                        .map(|c| c.1.as_str())
                        .unwrap_or_default(),
                );
        }
    );
    put!(
        rows.events,
        7,
        "INSERT INTO meeting_events (meeting_id, seq, command_key, account_id, payload, hash, recorded_at) ",
        |b, e| {
            b.param(e.meeting)
                .param(e.seq)
                .param(e.command_key.as_str())
                .param(e.account)
                .param(e.payload.as_str())
                .param(e.hash.as_str())
                .param(e.recorded_at);
        }
    );
    put!(
        rows.outcomes,
        9,
        "INSERT INTO meeting_outcomes (meeting_id, cell_id, held_on, expected, present, excused, absent, speakers, duration_minutes) ",
        |b, o| {
            b.param(o.meeting)
                .param(o.cell)
                .param(o.held_on)
                .param(o.expected)
                .param(o.present)
                .param(o.excused)
                .param(o.absent)
                .param(o.speakers)
                .param(o.duration_minutes);
        }
    );
    put!(
        rows.scores,
        14,
        "INSERT INTO meeting_scores (meeting_id, rules_name, rules_version, basis, cell_entries, proposed_by, proposed_at, proposed_tenths, upper_entries, upper_reason, confirmed_by, confirmed_at, final_tenths, final_band) ",
        |b, s| {
            let u = s.upper.as_ref();
            b.param(s.meeting)
                .param(s.rules_name.as_str())
                .param(s.rules_version)
                .param(s.basis.as_str())
                .param(s.cell_entries.as_str())
                .param(s.proposed_by)
                .param(s.proposed_at)
                .param(Some(s.proposed_tenths))
                .param(u.map(|u| u.entries.clone()))
                .param(u.map(|u| u.reason.as_str()).unwrap_or_default())
                .param(u.map(|u| u.by))
                .param(u.map(|u| u.at))
                .param(u.map(|u| u.final_tenths))
                .param(u.map(|u| u.final_band.to_string()));
        }
    );
    put!(
        rows.plans,
        9,
        "INSERT INTO visit_plans (id, committee_id, year, quarter, visitor_id, cell_id, month, created_by, created_at) ",
        |b, p| {
            b.param(p.id)
                .param(p.committee)
                .param(p.year)
                .param(p.quarter)
                .param(p.visitor)
                .param(p.cell)
                .param(p.month)
                .param(p.created_by)
                .param(p.created_at);
        }
    );
    put!(
        rows.visits,
        8,
        "INSERT INTO visits (id, visitor_id, cell_id, meeting_id, date, source, recorded_by, recorded_at) ",
        |b, v| {
            b.param(v.id)
                .param(v.visitor)
                .param(v.cell)
                .param(v.meeting)
                .param(v.date)
                .param(v.source)
                .param(v.recorded_by)
                .param(v.recorded_at);
        }
    );
    put!(
        rows.reports,
        7,
        "INSERT INTO visit_reports (visit_id, content, ideology, issues, proposed_tenths, filed_on, filed_at) ",
        |b, r| {
            b.param(r.visit)
                .param(r.content.as_str())
                .param(r.ideology.as_str())
                .param(r.issues.as_str())
                .param(r.proposed_tenths)
                .param(r.filed_on)
                .param(r.filed_at);
        }
    );
    put!(
        rows.recommendations,
        9,
        "INSERT INTO visit_recommendations (id, visit_id, cell_id, seq, text, status, answer, answered_by, answered_at) ",
        |b, r| {
            b.param(r.id)
                .param(r.visit)
                .param(r.cell)
                .param(r.seq)
                .param(r.text.as_str())
                .param(r.status)
                .param(r.answer.as_str())
                .param(r.answered.map(|a| a.0))
                .param(r.answered.map(|a| a.1));
        }
    );
    for table in ID_TABLES {
        if let Some(sql) = DB::sync_ids(table) {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .persistent(false)
                .execute(conn.executor())
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
