//! Upper-level visits as the product keeps them (cấp ủy viên dự sinh hoạt chi
//! bộ): a committee's plan for a quarter and its review (cadence per visitor,
//! cells never or long not visited, a plan that repeats cells while others
//! wait), the visit itself (recorded when an upper-level account arrives in a
//! cell's opened live meeting, or by the cell's secretary for an in-person
//! visit), the visit report (báo cáo kết quả dự sinh hoạt) with its due date
//! and countdown, and the recommendations (kiến nghị) to the cell with the
//! cell's answers, which come back on the cell's next agenda until done.
//!
//! The rule values (cadence, days to report, fairness window) are the rule
//! set's `rules::visits::VisitRules`; the judgements over them are
//! `rules::visits::{review, fairness}`, reused here. Visitors are accounts:
//! an upper-level member often has no member record.

use crate::access::Actor;
use crate::error::{FieldError, FieldErrors};
use crate::ids::{AccountId, MeetingId, OrgId};
use crate::live::state::{Event, LiveState, Phase};
use crate::meeting::{AgendaItem, MAX_NOTES_CHARS};
use crate::org::OrgKind;
use crate::rules::schedule::{Period, Quarter, YearMonth};
use crate::rules::visits::{self as rules, VisitRules};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use thiserror::Error;

/// Longest text of each part of a report (content, ideology, issues), in characters.
pub const MAX_REPORT_TEXT_CHARS: usize = 4000;
/// Recommendations one report may carry.
pub const MAX_RECOMMENDATIONS: usize = 20;
/// Longest recommendation, in characters.
pub const MAX_RECOMMENDATION_CHARS: usize = 1000;
/// Longest note of a cell's answer to a recommendation, in characters.
pub const MAX_ANSWER_CHARS: usize = 1000;
/// Entries one quarter's plan may hold.
pub const MAX_PLAN_ENTRIES: usize = 500;
/// The highest score a visitor may propose, in tenths (100 points).
pub const MAX_PROPOSED_TENTHS: u32 = 1000;
/// Years a plan may be made for.
pub const PLAN_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// A report due within this many days is reminded of once ("sắp đến hạn").
pub const REPORT_DUE_SOON_DAYS: i64 = 2;

macro_rules! visit_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

visit_id!(
    /// A visit (lượt dự sinh hoạt).
    VisitId
);
visit_id!(
    /// A recommendation of a visit report (kiến nghị).
    RecommendationId
);

fn date_vi(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn errors<E: crate::i18n::Message>(errs: &[(&'static str, E)]) -> FieldErrors {
    FieldErrors(errs.iter().map(|(f, e)| FieldError::of(*f, e)).collect())
}

// ---------------------------------------------------------------- who may

/// Whether organizations of this kind plan visits to the cells below them:
/// the committees (đảng bộ, đảng bộ cơ sở).
pub fn plans_visits(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::PartyCommittee | OrgKind::GrassrootsCommittee)
}

/// Who makes the visit plan of the committee at the end of `committee_path`
/// and assigns its members to follow cells: those who sit on that committee,
/// and administrators.
pub fn may_plan(actor: &Actor, committee_path: &[OrgId]) -> bool {
    committee_path
        .last()
        .is_some_and(|c| actor.is_admin || actor.committee_of.contains(c))
}

/// Whether `cell_path` lies strictly below the committee at the end of
/// `committee_path`.
pub fn is_below(committee_path: &[OrgId], cell_path: &[OrgId]) -> bool {
    !committee_path.is_empty()
        && cell_path.len() > committee_path.len()
        && cell_path.starts_with(committee_path)
}

/// Whether the actor may assign an account to follow the cell at the end of
/// `cell_path` on behalf of the committee at the end of `committee_path`
/// (phân công theo dõi): a planner of that committee, for a cell below it.
/// The account assigned must sit on that committee (`visitor_seats`).
pub fn may_assign(
    actor: &Actor,
    committee_path: &[OrgId],
    cell_path: &[OrgId],
    visitor_seats: &[OrgId],
) -> bool {
    may_plan(actor, committee_path)
        && is_below(committee_path, cell_path)
        && committee_path
            .last()
            .is_some_and(|c| visitor_seats.contains(c))
}

/// Who records an in-person visit to the cell at the end of `cell_path` and
/// answers its recommendations: the cell's managers (secretary, deputy) and
/// administrators.
pub fn may_answer(actor: &Actor, cell_path: &[OrgId]) -> bool {
    actor.is_admin
        || actor
            .seat
            .is_some_and(|s| s.role.manages_cell() && cell_path.last() == Some(&s.cell_id))
}

/// Who sees the visits to the cell at the end of `cell_path` and their
/// recommendations: the cell's managers, the committees above, the accounts
/// assigned to follow it, administrators. A plain member sees none (the open
/// recommendations reach them on the next agenda).
pub fn sees_visits(actor: &Actor, cell_path: &[OrgId]) -> bool {
    may_answer(actor, cell_path) || sees_reports(actor, cell_path, None)
}

/// Who reads the reports of visits to the cell at the end of `cell_path`:
/// the visitor (`visitor`), the committees above the cell, the accounts
/// assigned to follow it, administrators. Not the cell: the report speaks of
/// its members to the committee.
pub fn sees_reports(actor: &Actor, cell_path: &[OrgId], visitor: Option<AccountId>) -> bool {
    let Some(cell) = cell_path.last() else {
        return false;
    };
    actor.is_admin
        || visitor == Some(actor.account_id)
        || actor
            .committee_of
            .iter()
            .any(|c| c != cell && cell_path.contains(c))
        || actor.assigned_cells.contains(cell)
}

/// The visitors a live room's new events make: each one arriving while the
/// meeting is in progress (an arrival is refused before the opening; the
/// app records it once the meeting is under way, also for a visitor who
/// joined before). `after` is the state once the events are applied. A
/// visitor is an upper-level account, never a member of the cell
/// (`live::state::Speaker`).
pub fn arrived_visitors(after: &LiveState, events: &[Event]) -> Vec<AccountId> {
    if after.phase != Phase::InProgress {
        return Vec::new();
    }
    events
        .iter()
        .filter_map(|e| match e {
            Event::VisitorArrived { visitor } => Some(visitor.account),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------- visits

/// How a visit came to be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitSource {
    /// The visitor arrived in the cell's opened live meeting.
    Live,
    /// Recorded by the cell's secretary (dự trực tiếp).
    InPerson,
}

impl VisitSource {
    pub fn as_str(self) -> &'static str {
        match self {
            VisitSource::Live => "live",
            VisitSource::InPerson => "in_person",
        }
    }

    pub fn parse(s: &str) -> Option<VisitSource> {
        [VisitSource::Live, VisitSource::InPerson]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A visit report as filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VisitReport {
    /// The meeting's content and quality.
    pub content: String,
    /// Members' ideological situation (tình hình tư tưởng).
    pub ideology: String,
    /// Issues raised (vấn đề đặt ra).
    pub issues: String,
    /// The visitor's proposed score of the meeting, in tenths of a point.
    pub proposed_tenths: Option<u32>,
    /// Vietnam date of filing.
    pub filed_on: NaiveDate,
    /// Local time in Vietnam.
    pub filed_at: NaiveDateTime,
}

/// A visit as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VisitView {
    pub id: VisitId,
    pub visitor_id: AccountId,
    pub visitor_name: String,
    pub cell_id: OrgId,
    pub cell_name: String,
    /// The meeting attended; none for an in-person visit recorded without one.
    pub meeting_id: Option<MeetingId>,
    /// Vietnam date of the visit.
    pub date: NaiveDate,
    pub source: VisitSource,
    /// The report's countdown (due date, days left, overdue, filed).
    pub countdown: ReportCountdown,
    /// The report, for those who read reports (`sees_reports`), once filed.
    pub report: Option<VisitReport>,
    /// The report's recommendations with the cell's answers.
    pub recommendations: Vec<Recommendation>,
    /// Whether the reader files this visit's report now.
    pub may_file: bool,
}

/// The visits a reader sees: their own, or a cell's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VisitList {
    pub visits: Vec<VisitView>,
    /// Whether the reader records an in-person visit here (a cell's list).
    pub may_record: bool,
    /// Who may be recorded as an in-person visitor (a cell's list, for its
    /// managers): the accounts following the cell and the committees above
    /// it, not its members.
    #[serde(default)]
    pub candidates: Vec<Visitor>,
}

/// The cell's secretary records an in-person visit (dự sinh hoạt trực tiếp).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InPersonVisit {
    /// The upper-level account that came.
    pub visitor_id: AccountId,
    pub date: NaiveDate,
    /// The meeting attended, when it is registered here.
    #[serde(default)]
    pub meeting_id: Option<MeetingId>,
}

/// Why an in-person visit is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InPersonError {
    #[error("Ngày dự sinh hoạt chưa đến.")]
    Future,
    #[error("Chỉ ghi được lượt dự trong {0} ngày qua.")]
    TooOld(u32),
    #[error("Người này không phải cấp ủy viên cấp trên theo dõi chi bộ.")]
    NotUpperLevel,
}

impl crate::i18n::Message for InPersonError {
    fn english(&self) -> (&'static str, String) {
        match self {
            InPersonError::Future => ("future", "The day of the visit has not come yet.".into()),
            InPersonError::TooOld(days) => (
                "too_old",
                format!("A visit can only be recorded within the last {days} days."),
            ),
            InPersonError::NotUpperLevel => (
                "not_upper_level",
                "This person is not a member of the higher committee who follows the cell.".into(),
            ),
        }
    }
}

impl InPersonError {
    pub fn field(&self) -> &'static str {
        match self {
            InPersonError::Future | InPersonError::TooOld(_) => "date",
            InPersonError::NotUpperLevel => "visitor_id",
        }
    }
}

/// How far back a secretary may record an in-person visit, in days.
pub const IN_PERSON_WITHIN_DAYS: u32 = 92;

impl InPersonVisit {
    /// Checks the date (not in the future, not older than
    /// `IN_PERSON_WITHIN_DAYS`) and that the visitor follows the cell
    /// (`follows`: sits on a committee above it or is assigned to it, and is
    /// not one of its members).
    pub fn check(&self, today: NaiveDate, follows: bool) -> Result<(), FieldErrors> {
        let mut errs = Vec::new();
        if self.date > today {
            errs.push(InPersonError::Future);
        } else if (today - self.date).num_days() > i64::from(IN_PERSON_WITHIN_DAYS) {
            errs.push(InPersonError::TooOld(IN_PERSON_WITHIN_DAYS));
        }
        if !follows {
            errs.push(InPersonError::NotUpperLevel);
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errors(
                &errs.iter().map(|e| (e.field(), e)).collect::<Vec<_>>(),
            ))
        }
    }
}

// ---------------------------------------------------------------- reports

/// Where a report stands against its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReportState {
    /// Not filed; `days` left until the due date (0: due today).
    Due { days: i64 },
    /// Not filed and past the due date by `days`.
    Overdue { days: i64 },
    /// Filed, `late_days` after the due date (0: on time).
    Filed { on: NaiveDate, late_days: i64 },
}

/// A visit report's due date and where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReportCountdown {
    pub due: NaiveDate,
    #[serde(flatten)]
    pub state: ReportState,
}

/// The day a visit's report is due: `report_within_days` after the visit.
pub fn report_due(visit: NaiveDate, rules: &VisitRules) -> NaiveDate {
    crate::rules::visits::report_due_on(visit, rules.report_within_days.value)
}

/// The countdown of a visit's report on `today`.
pub fn countdown(
    visit: NaiveDate,
    filed_on: Option<NaiveDate>,
    today: NaiveDate,
    rules: &VisitRules,
) -> ReportCountdown {
    let due = report_due(visit, rules);
    let state = match filed_on {
        Some(on) => ReportState::Filed {
            on,
            late_days: (on - due).num_days().max(0),
        },
        None if today > due => ReportState::Overdue {
            days: (today - due).num_days(),
        },
        None => ReportState::Due {
            days: (due - today).num_days(),
        },
    };
    ReportCountdown { due, state }
}

impl ReportCountdown {
    /// Whether it is overdue (not filed, past due) or was filed late.
    pub fn is_late(&self) -> bool {
        matches!(
            self.state,
            ReportState::Overdue { .. } | ReportState::Filed { late_days: 1.., .. }
        )
    }

    /// "Còn 3 ngày (hạn 20/11/2026)", "Quá hạn 2 ngày", "Đã nộp ngày …".
    pub fn label_vi(&self) -> String {
        let due = date_vi(self.due);
        match self.state {
            ReportState::Due { days: 0 } => format!("Hạn nộp báo cáo hôm nay ({due})"),
            ReportState::Due { days } => format!("Còn {days} ngày để nộp báo cáo (hạn {due})"),
            ReportState::Overdue { days } => {
                format!("Quá hạn nộp báo cáo {days} ngày (hạn {due})")
            }
            ReportState::Filed { on, late_days: 0 } => {
                format!("Đã nộp báo cáo ngày {}", date_vi(on))
            }
            ReportState::Filed { on, late_days } => format!(
                "Đã nộp báo cáo ngày {}, muộn {late_days} ngày (hạn {due})",
                date_vi(on)
            ),
        }
    }

    pub fn label_en(&self) -> String {
        let due = self.due.format("%Y-%m-%d");
        match self.state {
            ReportState::Due { days: 0 } => format!("Report due today ({due})"),
            ReportState::Due { days } => format!("{days} days left to report (due {due})"),
            ReportState::Overdue { days } => format!("Report overdue by {days} days (due {due})"),
            ReportState::Filed { on, late_days: 0 } => format!("Report filed on {on}"),
            ReportState::Filed { on, late_days } => {
                format!("Report filed on {on}, {late_days} days late (due {due})")
            }
        }
    }
}

/// Which notice a report not yet filed is due for on `today`: due soon
/// (within `REPORT_DUE_SOON_DAYS`), overdue, or none.
pub fn report_notice(countdown: &ReportCountdown) -> Option<ReportNotice> {
    match countdown.state {
        ReportState::Due { days } if days <= REPORT_DUE_SOON_DAYS => Some(ReportNotice::DueSoon),
        ReportState::Overdue { .. } => Some(ReportNotice::Overdue),
        _ => None,
    }
}

/// A report reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportNotice {
    /// To the visitor.
    DueSoon,
    /// To the visitor and the committees above the cell.
    Overdue,
}

/// What the visitor files after a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportDraft {
    /// The meeting's content and quality.
    pub content: String,
    /// Members' ideological situation (tình hình tư tưởng).
    pub ideology: String,
    /// Issues raised (vấn đề đặt ra).
    #[serde(default)]
    pub issues: String,
    /// The visitor's proposed or confirmed score, in tenths (0–1000).
    #[serde(default)]
    pub proposed_tenths: Option<u32>,
    /// Recommendations to the cell (kiến nghị), one per entry.
    #[serde(default)]
    pub recommendations: Vec<String>,
}

/// Why a report is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReportError {
    #[error("Cần ghi nội dung và chất lượng buổi sinh hoạt.")]
    ContentMissing,
    #[error("Cần ghi tình hình tư tưởng của đảng viên.")]
    IdeologyMissing,
    #[error("Quá dài (tối đa {MAX_REPORT_TEXT_CHARS} ký tự).")]
    TooLong(&'static str),
    #[error("Điểm đề xuất phải từ 0 đến {} điểm.", MAX_PROPOSED_TENTHS / 10)]
    Score,
    #[error("Mỗi báo cáo có tối đa {MAX_RECOMMENDATIONS} kiến nghị.")]
    TooManyRecommendations,
    #[error("Kiến nghị số {0} quá dài (tối đa {MAX_RECOMMENDATION_CHARS} ký tự).")]
    RecommendationTooLong(usize),
    #[error("Chưa có buổi dự sinh hoạt này: không nộp báo cáo được.")]
    NotHappened,
    #[error("Báo cáo của lượt dự này đã nộp.")]
    AlreadyFiled,
    #[error("Chỉ người dự sinh hoạt nộp báo cáo của mình.")]
    NotYours,
}

impl crate::i18n::Message for ReportError {
    fn english(&self) -> (&'static str, String) {
        use ReportError::*;
        match self {
            ContentMissing => (
                "content_missing",
                "Describe the content and quality of the meeting.".into(),
            ),
            IdeologyMissing => (
                "ideology_missing",
                "Describe the members' state of mind.".into(),
            ),
            TooLong(_) => (
                "too_long",
                format!("Too long (at most {MAX_REPORT_TEXT_CHARS} characters)."),
            ),
            Score => (
                "score",
                format!(
                    "The proposed score must be from 0 to {} points.",
                    MAX_PROPOSED_TENTHS / 10
                ),
            ),
            TooManyRecommendations => (
                "too_many_recommendations",
                format!("A report has at most {MAX_RECOMMENDATIONS} proposals."),
            ),
            RecommendationTooLong(n) => (
                "recommendation_too_long",
                format!(
                    "Proposal {n} is too long (at most {MAX_RECOMMENDATION_CHARS} characters)."
                ),
            ),
            NotHappened => (
                "not_happened",
                "This visit has not happened: no report can be filed.".into(),
            ),
            AlreadyFiled => (
                "already_filed",
                "The report of this visit has been filed.".into(),
            ),
            NotYours => (
                "not_yours",
                "Only the visitor files their own report.".into(),
            ),
        }
    }
}

impl ReportError {
    pub fn field(&self) -> &'static str {
        match self {
            ReportError::ContentMissing => "content",
            ReportError::IdeologyMissing => "ideology",
            ReportError::TooLong(f) => f,
            ReportError::Score => "proposed_tenths",
            ReportError::TooManyRecommendations | ReportError::RecommendationTooLong(_) => {
                "recommendations"
            }
            ReportError::NotHappened | ReportError::AlreadyFiled | ReportError::NotYours => "",
        }
    }
}

impl ReportDraft {
    /// The draft cleaned (`crate::text`; empty recommendations dropped), or
    /// every reason it is refused, each with its field.
    pub fn check(&self) -> Result<ReportDraft, FieldErrors> {
        let long = |s: &str| crate::text::clean(s).trim().to_string();
        let content = long(&self.content);
        let ideology = long(&self.ideology);
        let issues = long(&self.issues);
        let recommendations: Vec<String> = self
            .recommendations
            .iter()
            .map(|r| long(r))
            .filter(|r| !r.is_empty())
            .collect();
        let mut errs = Vec::new();
        if content.is_empty() {
            errs.push(ReportError::ContentMissing);
        }
        if ideology.is_empty() {
            errs.push(ReportError::IdeologyMissing);
        }
        for (field, text) in [
            ("content", &content),
            ("ideology", &ideology),
            ("issues", &issues),
        ] {
            if text.chars().count() > MAX_REPORT_TEXT_CHARS {
                errs.push(ReportError::TooLong(field));
            }
        }
        if self
            .proposed_tenths
            .is_some_and(|t| t > MAX_PROPOSED_TENTHS)
        {
            errs.push(ReportError::Score);
        }
        if recommendations.len() > MAX_RECOMMENDATIONS {
            errs.push(ReportError::TooManyRecommendations);
        } else if let Some(i) = recommendations
            .iter()
            .position(|r| r.chars().count() > MAX_RECOMMENDATION_CHARS)
        {
            errs.push(ReportError::RecommendationTooLong(i + 1));
        }
        if errs.is_empty() {
            Ok(ReportDraft {
                content,
                ideology,
                issues,
                proposed_tenths: self.proposed_tenths,
                recommendations,
            })
        } else {
            Err(errors(
                &errs.iter().map(|e| (e.field(), e)).collect::<Vec<_>>(),
            ))
        }
    }
}

/// Whether `actor` files the report of a visit made by `visitor` on
/// `visit_date`, whose report is `filed` or not, on `today`.
pub fn may_file(
    actor: &Actor,
    visitor: AccountId,
    visit_date: NaiveDate,
    filed: bool,
    today: NaiveDate,
) -> Result<(), ReportError> {
    if actor.account_id != visitor {
        Err(ReportError::NotYours)
    } else if visit_date > today {
        Err(ReportError::NotHappened)
    } else if filed {
        Err(ReportError::AlreadyFiled)
    } else {
        Ok(())
    }
}

mod plan;
mod recommendations;

pub use plan::*;
pub use recommendations::*;

#[cfg(test)]
mod tests;
