//! Exemplary commitments (cam kết tu dưỡng, rèn luyện, nêu gương): each
//! member registers a few items for the year, changes them (the whole list
//! at once) until the cell's committee reviews them, and the committee
//! reviews each item at the year's end (kept, partly kept, not kept) with a
//! note. The reviewed items give a summary and the suggested points of the
//! self-assessment criterion `commitments` (`rules::assessment`). The cell's
//! commitments are shown under the agenda item on exemplary conduct
//! (`exemplary_item`). Our decisions: docs/rules.md#exemplary-commitments.

use crate::access::Actor;
use crate::error::{FieldError, FieldErrors};
use crate::ids::{MemberId, OrgId};
use crate::meeting::AgendaItem;
use crate::member::CellRole;
use crate::rules::assessment::AssessmentForm;
use crate::rules::scoring::Points;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// Items one member commits to in a year.
pub const MAX_ITEMS: usize = 10;
/// Longest item, in characters.
pub const MAX_ITEM_CHARS: usize = 500;
/// Longest review note of an item, in characters.
pub const MAX_NOTE_CHARS: usize = 500;
/// Years commitments are kept for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// The self-assessment criterion the reviewed commitments suggest points for.
pub const CRITERION_KEY: &str = "commitments";

/// One commitment item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct CommitmentId(pub i64);

impl fmt::Display for CommitmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The year-end review of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Review {
    /// Thực hiện tốt.
    Kept,
    /// Thực hiện một phần.
    Partly,
    /// Không thực hiện.
    NotKept,
}

impl Review {
    pub const ALL: [Review; 3] = [Review::Kept, Review::Partly, Review::NotKept];

    pub fn as_str(self) -> &'static str {
        match self {
            Review::Kept => "kept",
            Review::Partly => "partly",
            Review::NotKept => "not_kept",
        }
    }

    pub fn parse(s: &str) -> Option<Review> {
        Review::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Review::Kept => "Thực hiện tốt",
            Review::Partly => "Thực hiện một phần",
            Review::NotKept => "Không thực hiện",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Review::Kept => "Kept",
            Review::Partly => "Partly kept",
            Review::NotKept => "Not kept",
        }
    }
}

/// A commitment item as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Commitment {
    pub id: CommitmentId,
    pub member_id: MemberId,
    /// Place in the member's list, from 0.
    pub seq: u32,
    pub text: String,
    /// Local time in Vietnam.
    pub registered_at: NaiveDateTime,
    pub review: Option<Review>,
    pub review_note: String,
    /// Who reviewed it (display name).
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
}

/// Counts of a member's items per review result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CommitmentSummary {
    pub items: u32,
    pub reviewed: u32,
    pub kept: u32,
    pub partly: u32,
    pub not_kept: u32,
}

impl CommitmentSummary {
    /// Every item reviewed (and at least one registered).
    pub fn is_complete(&self) -> bool {
        self.items > 0 && self.reviewed == self.items
    }

    /// Points for the criterion worth `max`: each item's equal share, full
    /// when kept, half when partly kept, none when not kept; rounded down to
    /// a tenth. `None` until every item is reviewed.
    pub fn suggested_points(&self, max: Points) -> Option<Points> {
        if !self.is_complete() {
            return None;
        }
        let halves = u64::from(self.kept) * 2 + u64::from(self.partly);
        let tenths = u64::from(max.as_tenths()) * halves / (u64::from(self.items) * 2);
        Some(Points::tenths(u32::try_from(tenths).unwrap_or(u32::MAX)))
    }

    /// `suggested_points` for the form's `commitments` criterion; `None`
    /// when the form has none.
    pub fn suggest_for(&self, form: &AssessmentForm) -> Option<Points> {
        let criterion = form.criteria.iter().find(|c| c.key == CRITERION_KEY)?;
        self.suggested_points(criterion.max)
    }

    /// "3 cam kết: 2 thực hiện tốt, 1 một phần, 0 không thực hiện".
    pub fn label_vi(&self) -> String {
        if self.items == 0 {
            return "Chưa đăng ký cam kết".into();
        }
        if self.reviewed < self.items {
            return format!(
                "{} cam kết, đã đánh giá {}/{}",
                self.items, self.reviewed, self.items
            );
        }
        format!(
            "{} cam kết: {} thực hiện tốt, {} một phần, {} không thực hiện",
            self.items, self.kept, self.partly, self.not_kept
        )
    }

    pub fn label_en(&self) -> String {
        if self.items == 0 {
            return "No commitments registered".into();
        }
        if self.reviewed < self.items {
            return format!(
                "{} commitments, {}/{} reviewed",
                self.items, self.reviewed, self.items
            );
        }
        format!(
            "{} commitments: {} kept, {} partly, {} not kept",
            self.items, self.kept, self.partly, self.not_kept
        )
    }
}

/// The counts of these items.
pub fn summarize(items: &[Commitment]) -> CommitmentSummary {
    let mut s = CommitmentSummary {
        items: u32::try_from(items.len()).unwrap_or(u32::MAX),
        ..CommitmentSummary::default()
    };
    for r in items.iter().filter_map(|i| i.review) {
        s.reviewed += 1;
        match r {
            Review::Kept => s.kept += 1,
            Review::Partly => s.partly += 1,
            Review::NotKept => s.not_kept += 1,
        }
    }
    s
}

/// Whether the list is locked: once the committee reviewed any item, the
/// member no longer changes it.
pub fn is_locked(items: &[Commitment]) -> bool {
    items.iter().any(|i| i.review.is_some())
}

// ---------------------------------------------------------------- who may

/// Who registers a member's commitments: the member alone.
pub fn may_register(actor: &Actor, member: MemberId) -> bool {
    actor.seat.is_some_and(|s| s.member_id == member)
}

/// Who reviews the commitments of the members of the cell at the end of
/// `cell_path`: its committee (bí thư, phó bí thư, chi ủy viên) and
/// administrators.
pub fn may_review(actor: &Actor, cell_path: &[OrgId]) -> bool {
    actor.is_admin
        || actor
            .seat
            .is_some_and(|s| s.role.on_cell_committee() && cell_path.last() == Some(&s.cell_id))
}

/// Who reads the commitments of the cell at the end of `cell_path`: everyone
/// who reads the cell. Commitments are made before the cell and reviewed in
/// its meeting, so its members see each other's.
pub fn sees(actor: &Actor, cell_path: &[OrgId]) -> bool {
    actor.can_read(cell_path)
}

// ---------------------------------------------------------------- drafts

/// Why a list or a review is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommitmentError {
    #[error("Cần ghi ít nhất một nội dung cam kết.")]
    Empty,
    #[error("Tối đa {MAX_ITEMS} nội dung cam kết.")]
    TooMany,
    #[error("Nội dung cam kết số {0} quá dài (tối đa {MAX_ITEM_CHARS} ký tự).")]
    ItemTooLong(usize),
    #[error("Chi bộ đã đánh giá cam kết: không sửa được nữa.")]
    Locked,
    #[error("Năm phải từ 2000 đến 2100.")]
    Year,
    #[error("Chỉ đăng ký cam kết của năm nay hoặc năm tới.")]
    NotThisYear,
    #[error("Cần đánh giá đủ từng nội dung cam kết đã đăng ký, mỗi nội dung một lần.")]
    ReviewItems,
    #[error("Nhận xét số {0} quá dài (tối đa {MAX_NOTE_CHARS} ký tự).")]
    NoteTooLong(usize),
}

impl crate::i18n::Message for CommitmentError {
    fn english(&self) -> (&'static str, String) {
        use CommitmentError::*;
        match self {
            Empty => ("empty", "Write at least one commitment.".into()),
            TooMany => ("too_many", format!("At most {MAX_ITEMS} commitments.")),
            ItemTooLong(n) => (
                "item_too_long",
                format!("Commitment {n} is too long (at most {MAX_ITEM_CHARS} characters)."),
            ),
            Locked => (
                "locked",
                "The cell has reviewed the commitments: they can no longer be changed.".into(),
            ),
            Year => ("year", "The year must be from 2000 to 2100.".into()),
            NotThisYear => (
                "not_this_year",
                "Commitments are registered only for this year or the next.".into(),
            ),
            ReviewItems => (
                "review_items",
                "Review each registered commitment, each one once.".into(),
            ),
            NoteTooLong(n) => (
                "note_too_long",
                format!("Review note {n} is too long (at most {MAX_NOTE_CHARS} characters)."),
            ),
        }
    }
}

impl CommitmentError {
    pub fn field(&self) -> &'static str {
        match self {
            CommitmentError::Empty
            | CommitmentError::TooMany
            | CommitmentError::ItemTooLong(_)
            | CommitmentError::Locked
            | CommitmentError::ReviewItems
            | CommitmentError::NoteTooLong(_) => "items",
            CommitmentError::Year | CommitmentError::NotThisYear => "year",
        }
    }

    pub fn into_errors(self) -> FieldErrors {
        FieldErrors(vec![FieldError::of(self.field(), &self)])
    }
}

fn errors(errs: Vec<CommitmentError>) -> FieldErrors {
    FieldErrors(errs.iter().map(|e| FieldError::of(e.field(), e)).collect())
}

/// A member's list for the year, replacing the one registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommitmentDraft {
    /// One commitment per entry; empty entries are dropped.
    pub items: Vec<String>,
}

/// Whether commitments are registered for `year` on a day of `this_year`:
/// this year's, and the next year's from its eve.
pub fn check_year(year: i32, this_year: i32) -> Result<(), CommitmentError> {
    if !YEARS.contains(&year) {
        Err(CommitmentError::Year)
    } else if year != this_year && year != this_year + 1 {
        Err(CommitmentError::NotThisYear)
    } else {
        Ok(())
    }
}

impl CommitmentDraft {
    /// The items cleaned (`crate::text`; empty ones dropped), or every reason
    /// the list is refused.
    pub fn check(&self) -> Result<Vec<String>, FieldErrors> {
        let items: Vec<String> = self
            .items
            .iter()
            .map(|i| crate::text::clean_trimmed(i))
            .filter(|i| !i.is_empty())
            .collect();
        let mut errs = Vec::new();
        if items.is_empty() {
            errs.push(CommitmentError::Empty);
        }
        if items.len() > MAX_ITEMS {
            errs.push(CommitmentError::TooMany);
        }
        for (i, text) in items.iter().enumerate() {
            if text.chars().count() > MAX_ITEM_CHARS {
                errs.push(CommitmentError::ItemTooLong(i + 1));
            }
        }
        if errs.is_empty() {
            Ok(items)
        } else {
            Err(errors(errs))
        }
    }
}

/// The committee's review of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemReview {
    pub id: CommitmentId,
    pub result: Review,
    #[serde(default)]
    pub note: String,
}

/// The committee's review of a member's items, every one at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewDraft {
    pub items: Vec<ItemReview>,
}

impl ReviewDraft {
    /// The reviews in the order of `registered`, notes cleaned, or why they
    /// are refused: each registered item reviewed exactly once.
    pub fn check(&self, registered: &[Commitment]) -> Result<Vec<ItemReview>, FieldErrors> {
        let mut errs = Vec::new();
        let covers = !registered.is_empty()
            && self.items.len() == registered.len()
            && registered
                .iter()
                .all(|c| self.items.iter().filter(|r| r.id == c.id).count() == 1);
        if !covers {
            errs.push(CommitmentError::ReviewItems);
        }
        let mut out = Vec::with_capacity(self.items.len());
        for c in registered {
            let Some(r) = self.items.iter().find(|r| r.id == c.id) else {
                continue;
            };
            let note = crate::text::clean_trimmed(&r.note);
            if note.chars().count() > MAX_NOTE_CHARS {
                errs.push(CommitmentError::NoteTooLong(c.seq as usize + 1));
            }
            out.push(ItemReview {
                id: r.id,
                result: r.result,
                note,
            });
        }
        if errs.is_empty() {
            Ok(out)
        } else {
            Err(errors(errs))
        }
    }
}

// ---------------------------------------------------------------- views

/// One member's commitments for a year (`GET /api/members/{id}/commitments/{year}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MemberCommitments {
    pub member_id: MemberId,
    pub member_name: String,
    pub role: CellRole,
    pub cell_id: OrgId,
    pub cell_name: String,
    pub year: i32,
    pub items: Vec<Commitment>,
    pub summary: CommitmentSummary,
    /// The points suggested for the self-assessment criterion `commitments`
    /// once every item is reviewed (the cell's rule set's form).
    pub suggested_points: Option<Points>,
    /// Whether the reader changes the list now (their own, not yet reviewed).
    pub may_edit: bool,
    /// Whether the reader reviews it (the cell's committee).
    pub may_review: bool,
}

/// A cell's members with their commitments for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellCommitments {
    pub cell_id: OrgId,
    pub cell_name: String,
    pub year: i32,
    /// Every member on the roll, by the cell's order; those without items
    /// have not registered.
    pub members: Vec<MemberCommitments>,
    /// Members who registered, of all on the roll.
    pub registered: u32,
    pub may_review: bool,
}

impl CellCommitments {
    /// The members who have not registered.
    pub fn not_registered(&self) -> impl Iterator<Item = &MemberCommitments> {
        self.members.iter().filter(|m| m.items.is_empty())
    }
}

/// Counts the members who registered.
pub fn registered(members: &[MemberCommitments]) -> u32 {
    u32::try_from(members.iter().filter(|m| !m.items.is_empty()).count()).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------- agenda

/// The words that make an agenda item the one on exemplary conduct.
pub const EXEMPLARY_WORDS: &str = "nêu gương";

/// The agenda item on exemplary conduct, under which the cell's commitments
/// are shown: the first whose title speaks of "nêu gương" (case and
/// diacritics aside, so "NÊU GƯƠNG" and "neu guong" count). The standard
/// agendas have none; the secretary adds or renames an item
/// (docs/rules.md#exemplary-commitments).
pub fn exemplary_item(agenda: &[AgendaItem]) -> Option<usize> {
    let words = crate::import::fold_vi(EXEMPLARY_WORDS);
    agenda
        .iter()
        .position(|i| crate::import::fold_vi(&i.title).contains(&words))
}

#[cfg(test)]
mod tests;
