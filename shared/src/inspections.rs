//! Member inspections (kiểm tra đảng viên) against each cell's yearly target:
//! the record of an inspection (member, content, period, conclusion,
//! follow-up) and its checks, who records, changes and reads them, a cell's
//! year against its target (`rules::inspection::InspectionTargets`), and a
//! committee's progress: "229/321 chi bộ, 71,33%" with the cells behind.
//! Our decisions: docs/rules.md#inspection-targets.

use crate::access::Actor;
use crate::error::{FieldError, FieldErrors};
use crate::ids::{AccountId, MemberId, OrgId};
use crate::member::{CellRole, Member};
use crate::rules::inspection::InspectionTargets;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use thiserror::Error;

/// Longest content of an inspection (nội dung kiểm tra), in characters.
pub const MAX_CONTENT_CHARS: usize = 2000;
/// Longest conclusion (kết luận), in characters.
pub const MAX_CONCLUSION_CHARS: usize = 4000;
/// Longest follow-up (việc cần làm sau kiểm tra), in characters.
pub const MAX_FOLLOW_UP_CHARS: usize = 2000;
/// Years inspections are counted in.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// An inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct InspectionId(pub i64);

impl fmt::Display for InspectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

// ---------------------------------------------------------------- who may

/// Who records inspections of the members of the cell at the end of
/// `cell_path`: its secretary and deputy, those who sit on a committee above
/// it, and administrators.
pub fn may_record(actor: &Actor, cell_path: &[OrgId]) -> bool {
    let Some(cell) = cell_path.last() else {
        return false;
    };
    actor.is_admin
        || actor
            .seat
            .is_some_and(|s| s.role.manages_cell() && s.cell_id == *cell)
        || actor
            .committee_of
            .iter()
            .any(|c| c != cell && cell_path.contains(c))
}

/// Who changes or deletes an inspection: whoever recorded it, while they
/// still record for the cell, and administrators.
pub fn may_change(actor: &Actor, cell_path: &[OrgId], recorded_by: AccountId) -> bool {
    actor.is_admin || (recorded_by == actor.account_id && may_record(actor, cell_path))
}

/// Who reads a cell's inspections: those who record them, its committee
/// members (chi ủy viên) and the accounts assigned to follow it. Not its
/// plain members: conclusions speak of persons.
pub fn sees(actor: &Actor, cell_path: &[OrgId]) -> bool {
    let Some(cell) = cell_path.last() else {
        return false;
    };
    may_record(actor, cell_path)
        || actor
            .seat
            .is_some_and(|s| s.role.on_cell_committee() && s.cell_id == *cell)
        || actor.assigned_cells.contains(cell)
}

// ---------------------------------------------------------------- drafts

/// What is recorded of an inspection, once concluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InspectionDraft {
    /// The member inspected, of the cell.
    pub member_id: MemberId,
    /// Nội dung kiểm tra.
    pub content: String,
    /// The period inspected, first and last day.
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// The day of the conclusion; the inspection counts in its year.
    pub concluded_on: NaiveDate,
    /// Kết luận.
    pub conclusion: String,
    /// What the member or the cell does next (kiến nghị, khắc phục).
    #[serde(default)]
    pub follow_up: String,
}

/// Why an inspection is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InspectionError {
    #[error("Cần ghi nội dung kiểm tra.")]
    ContentMissing,
    #[error("Nội dung kiểm tra quá dài (tối đa {MAX_CONTENT_CHARS} ký tự).")]
    ContentTooLong,
    #[error("Cần ghi kết luận kiểm tra.")]
    ConclusionMissing,
    #[error("Kết luận quá dài (tối đa {MAX_CONCLUSION_CHARS} ký tự).")]
    ConclusionTooLong,
    #[error("Việc cần làm sau kiểm tra quá dài (tối đa {MAX_FOLLOW_UP_CHARS} ký tự).")]
    FollowUpTooLong,
    #[error("Thời kỳ kiểm tra phải bắt đầu trước khi kết thúc.")]
    PeriodReversed,
    #[error("Ngày kết luận không được trước khi bắt đầu thời kỳ kiểm tra.")]
    ConcludedBeforePeriod,
    #[error("Ngày kết luận chưa đến.")]
    ConcludedInFuture,
    #[error("Năm kết luận phải từ 2000 đến 2100.")]
    Year,
    #[error("Đảng viên này không thuộc chi bộ.")]
    NotInCell,
}

impl crate::i18n::Message for InspectionError {
    fn english(&self) -> (&'static str, String) {
        use InspectionError::*;
        match self {
            ContentMissing => ("content_missing", "Describe what was inspected.".into()),
            ContentTooLong => (
                "content_too_long",
                format!("The content is too long (at most {MAX_CONTENT_CHARS} characters)."),
            ),
            ConclusionMissing => (
                "conclusion_missing",
                "Write the conclusion of the inspection.".into(),
            ),
            ConclusionTooLong => (
                "conclusion_too_long",
                format!("The conclusion is too long (at most {MAX_CONCLUSION_CHARS} characters)."),
            ),
            FollowUpTooLong => (
                "follow_up_too_long",
                format!("The follow-up is too long (at most {MAX_FOLLOW_UP_CHARS} characters)."),
            ),
            PeriodReversed => (
                "period_reversed",
                "The inspected period must start before it ends.".into(),
            ),
            ConcludedBeforePeriod => (
                "concluded_before_period",
                "The conclusion cannot be dated before the inspected period starts.".into(),
            ),
            ConcludedInFuture => (
                "concluded_in_future",
                "The date of the conclusion has not come yet.".into(),
            ),
            Year => (
                "year",
                "The year of the conclusion must be from 2000 to 2100.".into(),
            ),
            NotInCell => ("not_in_cell", "This member is not in the cell.".into()),
        }
    }
}

impl InspectionError {
    pub fn field(&self) -> &'static str {
        match self {
            InspectionError::ContentMissing | InspectionError::ContentTooLong => "content",
            InspectionError::ConclusionMissing | InspectionError::ConclusionTooLong => "conclusion",
            InspectionError::FollowUpTooLong => "follow_up",
            InspectionError::PeriodReversed => "period_to",
            InspectionError::ConcludedBeforePeriod
            | InspectionError::ConcludedInFuture
            | InspectionError::Year => "concluded_on",
            InspectionError::NotInCell => "member_id",
        }
    }
}

impl InspectionDraft {
    /// The draft cleaned (`crate::text`), or every reason it is refused.
    /// `in_cell`: whether the member belongs to the cell.
    pub fn check(&self, today: NaiveDate, in_cell: bool) -> Result<InspectionDraft, FieldErrors> {
        let clean = |s: &str| crate::text::clean_trimmed(s);
        let draft = InspectionDraft {
            content: clean(&self.content),
            conclusion: clean(&self.conclusion),
            follow_up: clean(&self.follow_up),
            ..self.clone()
        };
        let long = |s: &str, max: usize| s.chars().count() > max;
        let mut errs = Vec::new();
        if !in_cell {
            errs.push(InspectionError::NotInCell);
        }
        if draft.content.is_empty() {
            errs.push(InspectionError::ContentMissing);
        } else if long(&draft.content, MAX_CONTENT_CHARS) {
            errs.push(InspectionError::ContentTooLong);
        }
        if draft.conclusion.is_empty() {
            errs.push(InspectionError::ConclusionMissing);
        } else if long(&draft.conclusion, MAX_CONCLUSION_CHARS) {
            errs.push(InspectionError::ConclusionTooLong);
        }
        if long(&draft.follow_up, MAX_FOLLOW_UP_CHARS) {
            errs.push(InspectionError::FollowUpTooLong);
        }
        if draft.period_from > draft.period_to {
            errs.push(InspectionError::PeriodReversed);
        }
        if !YEARS.contains(&draft.concluded_on.year()) {
            errs.push(InspectionError::Year);
        } else if draft.concluded_on > today {
            errs.push(InspectionError::ConcludedInFuture);
        } else if draft.concluded_on < draft.period_from {
            errs.push(InspectionError::ConcludedBeforePeriod);
        }
        if errs.is_empty() {
            Ok(draft)
        } else {
            Err(FieldErrors(
                errs.iter().map(|e| FieldError::of(e.field(), e)).collect(),
            ))
        }
    }

    /// The year the inspection counts in.
    pub fn year(&self) -> i32 {
        self.concluded_on.year()
    }
}

// ---------------------------------------------------------------- views

/// An inspection as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Inspection {
    pub id: InspectionId,
    pub cell_id: OrgId,
    pub member_id: MemberId,
    pub member_name: String,
    pub year: i32,
    pub content: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub concluded_on: NaiveDate,
    pub conclusion: String,
    pub follow_up: String,
    pub recorded_by: AccountId,
    pub recorded_by_name: String,
    /// Local time in Vietnam.
    pub recorded_at: NaiveDateTime,
    /// Whether the reader changes or deletes it (`may_change`).
    #[serde(default)]
    pub may_change: bool,
}

/// A member who may be inspected (the form's choice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Inspectable {
    pub id: MemberId,
    pub name: String,
}

/// A cell's inspections of a year against its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellInspections {
    pub cell_id: OrgId,
    pub cell_name: String,
    pub year: i32,
    pub standing: CellStanding,
    /// Newest conclusion first.
    pub inspections: Vec<Inspection>,
    pub may_record: bool,
    /// The members on the roll, for the form (when the reader records).
    #[serde(default)]
    pub members: Vec<Inspectable>,
}

/// A cell's year against its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellStanding {
    pub cell_id: OrgId,
    pub cell_name: String,
    /// Whether the cell has a committee (chi ủy), from its members' roles.
    pub has_committee: bool,
    pub target: u32,
    /// Distinct members inspected with a conclusion in the year.
    pub done: u32,
}

impl CellStanding {
    pub fn on_target(&self) -> bool {
        self.done >= self.target
    }
}

/// Members holding a cell role (bí thư, phó bí thư, chi ủy viên), of those on
/// the roll: what `InspectionTargets::has_committee` counts.
pub fn role_seats(members: &[Member]) -> u32 {
    let n = members
        .iter()
        .filter(|m| m.draft.status.on_roll() && m.draft.role != CellRole::Member)
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A cell's standing: its target from `role_seats` and the distinct members
/// among `inspected` (one entry per inspection concluded in the year).
pub fn standing(
    cell_id: OrgId,
    cell_name: &str,
    targets: &InspectionTargets,
    role_seats: u32,
    inspected: &[MemberId],
) -> CellStanding {
    let has_committee = targets.has_committee(role_seats);
    let done = inspected.iter().collect::<BTreeSet<_>>().len();
    CellStanding {
        cell_id,
        cell_name: cell_name.to_string(),
        has_committee,
        target: targets.target(has_committee),
        done: u32::try_from(done).unwrap_or(u32::MAX),
    }
}

/// A committee's progress over the cells below it that the reader sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct InspectionProgress {
    pub org_id: OrgId,
    pub org_name: String,
    pub year: i32,
    pub cells: u32,
    pub on_target: u32,
    /// The share of cells on target in hundredths of a percent, rounded down.
    pub percent_hundredths: u32,
    /// "229/321 chi bộ, 71,33%".
    pub label_vi: String,
    /// "229/321 cells, 71.33%".
    pub label_en: String,
    /// The cells behind their target, furthest behind first, then by name.
    pub behind: Vec<CellStanding>,
}

/// `part` of `whole` in hundredths of a percent, rounded down (so 100% only
/// when every cell is on target); 0 of 0 is 0.
pub fn percent_hundredths(part: u32, whole: u32) -> u32 {
    if whole == 0 {
        return 0;
    }
    let h = u64::from(part) * 10_000 / u64::from(whole);
    u32::try_from(h).unwrap_or(u32::MAX)
}

/// "71,33%" (Vietnamese) or "71.33%" (`sep` '.').
pub fn percent_label(hundredths: u32, sep: char) -> String {
    format!("{}{sep}{:02}%", hundredths / 100, hundredths % 100)
}

/// The progress of the committee `org` over its cells' standings.
pub fn progress(
    org_id: OrgId,
    org_name: &str,
    year: i32,
    cells: &[CellStanding],
) -> InspectionProgress {
    let all = u32::try_from(cells.len()).unwrap_or(u32::MAX);
    let on = u32::try_from(cells.iter().filter(|c| c.on_target()).count()).unwrap_or(u32::MAX);
    let pct = percent_hundredths(on, all);
    let mut behind: Vec<CellStanding> = cells.iter().filter(|c| !c.on_target()).cloned().collect();
    behind.sort_by(|a, b| {
        (b.target - b.done)
            .cmp(&(a.target - a.done))
            .then_with(|| a.cell_name.cmp(&b.cell_name))
            .then_with(|| a.cell_id.cmp(&b.cell_id))
    });
    InspectionProgress {
        org_id,
        org_name: org_name.to_string(),
        year,
        cells: all,
        on_target: on,
        percent_hundredths: pct,
        label_vi: format!("{on}/{all} chi bộ, {}", percent_label(pct, ',')),
        label_en: format!("{on}/{all} cells, {}", percent_label(pct, '.')),
        behind,
    }
}

#[cfg(test)]
mod tests;
