//! The yearly rating of party members as the product runs it (đánh giá, xếp
//! loại đảng viên hằng năm, Quy định 366-QĐ/TW): the cell opens the period;
//! each member fills the 100-point self-assessment (`RuleSet::member_form`)
//! with the year's tasks, targets and declared triggers, and the level is
//! computed as they type (`rules::rating::rate_member`); the cell's committee
//! appraises each member, comments, votes where asked and proposes a level;
//! the committee of the cell's parent decides, within the "excellent" quota
//! of the grassroots organization; a decided level changes again only after
//! that committee reopens, with a reason.
//!
//! The checker here runs in the browser as the member types and on the
//! server as the authority; the permission functions are asked by both.

use crate::access::Actor;
use crate::error::{FieldError, FieldErrors};
use crate::i18n::Localized;
use crate::ids::{MemberId, OrgId};
use crate::org::OrgKind;
use crate::rules::RuleSet;
use crate::rules::assessment::AssessmentForm;
use crate::rules::rating::{
    self, Level, LevelShares, Rating, RatingInput, TargetCounts, TaskCounts, Trigger,
};
use crate::rules::scoring::Points;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// Years a period may be opened for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// The most tasks or targets one year may count.
pub const MAX_COUNT: u32 = 1000;
/// Longest comment of the cell on a member, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;
/// Longest reason of a reopening or note of a decision, in characters.
pub const MAX_REASON_CHARS: usize = 1000;
/// The most voters a cell's vote may count.
pub const MAX_VOTERS: u32 = 1000;
/// The criterion the year's exemplary commitments (cam kết nêu gương) feed:
/// its score is typed until the cell's review of the commitments fills it.
pub const COMMITMENTS_KEY: &str = "commitments";

/// The triggers a member declares; the other two are computed from the form.
pub const DECLARED_TRIGGERS: [Trigger; 3] = [
    Trigger::DisciplinedInYear,
    Trigger::Degeneration,
    Trigger::ProhibitionBreach,
];

// ---------------------------------------------------------------- answers

/// A filled self-assessment (or the committee's appraisal of it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Answers {
    /// Points per criterion key of the form.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = BTreeMap<String, f64>))]
    pub scores: BTreeMap<String, Points>,
    #[serde(default)]
    pub tasks: TaskCounts,
    /// Chỉ tiêu, when the member has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<TargetCounts>,
    /// Declared: disciplined in the year, degeneration, prohibition breached.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    /// The level the member proposes for themself (tự xếp loại); the computed
    /// level when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
}

/// What the checker makes of answers: the total, the rating with its reasons,
/// and the errors at their fields (`scores.<key>`, `tasks.late`, `level`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub total: Points,
    pub rating: Rating,
    pub errors: FieldErrors,
}

impl Evaluation {
    pub fn is_valid(&self) -> bool {
        self.errors.0.is_empty()
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.message_for(field)
    }
}

/// How far the answers must go: a draft may leave criteria empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    Draft,
    Complete,
}

/// The field of a criterion's score.
pub fn score_field(key: &str) -> String {
    format!("scores.{key}")
}

/// The rating's input from the answers: the total and the triggers, with
/// "a criterion rated poor" computed from the form.
pub fn rating_input(form: &AssessmentForm, a: &Answers) -> RatingInput {
    let total = total_of(a);
    let mut triggers: Vec<Trigger> = a
        .triggers
        .iter()
        .copied()
        .filter(|t| DECLARED_TRIGGERS.contains(t))
        .collect();
    let poor = form.criteria.iter().any(|c| {
        a.scores
            .get(&c.key)
            .is_some_and(|&s| s <= c.max && form.is_poor(s, c.max))
    });
    if poor {
        triggers.push(Trigger::CriterionPoor);
    }
    triggers.sort();
    triggers.dedup();
    RatingInput {
        points: total.min(Points::whole(100)),
        tasks: a.tasks,
        targets: a.targets,
        triggers,
    }
}

fn total_of(a: &Answers) -> Points {
    a.scores
        .values()
        .fold(Points::ZERO, |acc, &p| acc.saturating_add(p))
}

/// Checks answers against the rule set's form and rates them. Runs as the
/// member types; the server runs it again with `Completeness::Complete`
/// before a submission, an appraisal or a decision.
pub fn evaluate(rules: &RuleSet, a: &Answers, completeness: Completeness) -> Evaluation {
    let form = &rules.member_form.value;
    let mut errors = Vec::new();
    for key in a.scores.keys() {
        if !form.criteria.iter().any(|c| &c.key == key) {
            errors.push(FieldError::both(
                score_field(key),
                "unknown_criterion",
                format!("Phiếu không có tiêu chí “{key}”."),
                format!("The form has no criterion “{key}”."),
            ));
        }
    }
    for c in &form.criteria {
        match a.scores.get(&c.key) {
            Some(&s) if s > c.max => errors.push(FieldError::both(
                score_field(&c.key),
                "above_maximum",
                format!("“{}” tối đa {} điểm.", c.label_vi, c.max),
                format!("“{}” has at most {} points.", c.label_en, c.max),
            )),
            None if c.required && completeness == Completeness::Complete => {
                errors.push(FieldError::both(
                    score_field(&c.key),
                    "missing",
                    format!("Chưa chấm “{}”.", c.label_vi),
                    format!("“{}” is not scored yet.", c.label_en),
                ))
            }
            _ => {}
        }
    }
    let total = total_of(a);
    if total > Points::whole(100) {
        errors.push(FieldError::both(
            "total",
            "total_above_100",
            format!("Tổng điểm {total} vượt quá 100."),
            format!("The total of {total} points is above 100."),
        ));
    }
    let t = a.tasks;
    if t.total > MAX_COUNT {
        errors.push(FieldError::both(
            "tasks.total",
            "too_many_tasks",
            format!("Số nhiệm vụ tối đa {MAX_COUNT}."),
            format!("At most {MAX_COUNT} tasks."),
        ));
    }
    if t.late > t.total {
        errors.push(FieldError::both(
            "tasks.late",
            "late_above_total",
            format!(
                "Số nhiệm vụ chậm ({}) không thể nhiều hơn tổng số nhiệm vụ ({}).",
                t.late, t.total
            ),
            format!(
                "The tasks done late ({}) cannot be more than all tasks ({}).",
                t.late, t.total
            ),
        ));
    }
    if t.exceeded > t.total {
        errors.push(FieldError::both(
            "tasks.exceeded",
            "exceeded_above_total",
            format!(
                "Số nhiệm vụ vượt mức ({}) không thể nhiều hơn tổng số nhiệm vụ ({}).",
                t.exceeded, t.total
            ),
            format!(
                "The tasks exceeded ({}) cannot be more than all tasks ({}).",
                t.exceeded, t.total
            ),
        ));
    }
    if let Some(tg) = a.targets {
        if tg.total > MAX_COUNT {
            errors.push(FieldError::both(
                "targets.total",
                "too_many_targets",
                format!("Số chỉ tiêu tối đa {MAX_COUNT}."),
                format!("At most {MAX_COUNT} targets."),
            ));
        }
        if tg.met > tg.total {
            errors.push(FieldError::both(
                "targets.met",
                "met_above_total",
                format!(
                    "Số chỉ tiêu đạt ({}) không thể nhiều hơn tổng số chỉ tiêu ({}).",
                    tg.met, tg.total
                ),
                format!(
                    "The targets met ({}) cannot be more than all targets ({}).",
                    tg.met, tg.total
                ),
            ));
        }
    }
    if let Some(t) = a.triggers.iter().find(|t| !DECLARED_TRIGGERS.contains(t)) {
        errors.push(FieldError::both(
            "triggers",
            "trigger_computed",
            format!("“{}” được tính từ phiếu, không tự khai.", t.label_vi()),
            format!(
                "“{}” is computed from the form, not declared.",
                t.label_en()
            ),
        ));
    }
    let rating = rating::rate_member(rules, &rating_input(form, a));
    if let Some(claimed) = a.level
        && claimed < rating.level
    {
        errors.push(FieldError::of("level", &above_message(claimed, &rating)));
    }
    Evaluation {
        total,
        rating,
        errors: FieldErrors(errors),
    }
}

fn above_message(level: Level, rating: &Rating) -> Localized {
    if rating.triggers.is_empty() {
        Localized::new(
            "above_rating",
            format!(
                "Không thể xếp “{level}”: kết quả đánh giá chỉ cho phép “{}”.",
                rating.level
            ),
            format!(
                "“{}” cannot be given: the assessment allows only “{}”.",
                level.label_en(),
                rating.level.label_en()
            ),
        )
    } else {
        let why_vi: Vec<&str> = rating.triggers.iter().map(|t| t.label_vi()).collect();
        let why_en: Vec<&str> = rating.triggers.iter().map(|t| t.label_en()).collect();
        Localized::new(
            "above_rating",
            format!(
                "Không thể xếp “{level}”: {} buộc xếp “{}”.",
                why_vi.join("; "),
                rating.level
            ),
            format!(
                "“{}” cannot be given: {} forces “{}”.",
                level.label_en(),
                why_en.join("; "),
                rating.level.label_en()
            ),
        )
    }
}

// ---------------------------------------------------------------- the cell's appraisal

/// The cell's vote on a proposal (biểu quyết): for, against, of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellVote {
    #[serde(rename = "for")]
    pub in_favour: u32,
    pub against: u32,
    /// Of how many members voting.
    pub of: u32,
}

/// The cell committee's appraisal of one member and its proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Appraisal {
    /// The member's answers as the committee adjusts them.
    pub answers: Answers,
    /// Nhận xét của chi bộ.
    #[serde(default)]
    pub comment: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote: Option<CellVote>,
    pub proposed: Level,
}

/// Whether the rule asks for the cell's vote on a proposal: for "Hoàn thành
/// xuất sắc nhiệm vụ", which the cell chooses among those rated good
/// (our reading, docs/rules.md#yearly-rating-workflow).
pub fn vote_required(proposed: Level) -> bool {
    proposed == Level::Excellent
}

/// Checks an appraisal: the answers complete and valid, the proposal not
/// better than they allow, the comment's length, the vote when asked
/// (passed by more than half of those voting).
pub fn check_appraisal(rules: &RuleSet, a: &Appraisal) -> Result<Evaluation, FieldErrors> {
    let mut ev = evaluate(rules, &a.answers, Completeness::Complete);
    let mut errors = std::mem::take(&mut ev.errors.0);
    if a.proposed < ev.rating.level {
        errors.push(FieldError::of(
            "proposed",
            &above_message(a.proposed, &ev.rating),
        ));
    }
    if a.comment.chars().count() > MAX_COMMENT_CHARS {
        errors.push(FieldError::both(
            "comment",
            "comment_too_long",
            format!("Nhận xét tối đa {MAX_COMMENT_CHARS} ký tự."),
            format!("The comment has at most {MAX_COMMENT_CHARS} characters."),
        ));
    }
    match a.vote {
        None if vote_required(a.proposed) => errors.push(FieldError::both(
            "vote",
            "vote_missing",
            format!(
                "Đề nghị “{}” cần kết quả biểu quyết của chi bộ.",
                a.proposed
            ),
            format!(
                "Proposing “{}” needs the result of the cell's vote.",
                a.proposed.label_en()
            ),
        )),
        Some(v) if v.of == 0 || v.of > MAX_VOTERS => errors.push(FieldError::both(
            "vote.of",
            "voters_out_of_range",
            format!("Số đảng viên biểu quyết phải từ 1 đến {MAX_VOTERS}."),
            format!("The members voting must be from 1 to {MAX_VOTERS}."),
        )),
        Some(v) if u64::from(v.in_favour) + u64::from(v.against) > u64::from(v.of) => {
            errors.push(FieldError::both(
                "vote.for",
                "votes_above_voters",
                format!(
                    "Tán thành ({}) và không tán thành ({}) nhiều hơn số biểu quyết ({}).",
                    v.in_favour, v.against, v.of
                ),
                format!(
                    "In favour ({}) and against ({}) are more than those voting ({}).",
                    v.in_favour, v.against, v.of
                ),
            ))
        }
        Some(v) if vote_required(a.proposed) && u64::from(v.in_favour) * 2 <= u64::from(v.of) => {
            errors.push(FieldError::both(
                "vote.for",
                "vote_not_passed",
                format!(
                    "Đề nghị “{}” chưa được quá nửa tán thành ({}/{}).",
                    a.proposed, v.in_favour, v.of
                ),
                format!(
                    "Proposing “{}” has not won more than half in favour ({}/{}).",
                    a.proposed.label_en(),
                    v.in_favour,
                    v.of
                ),
            ))
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(ev)
    } else {
        Err(FieldErrors(errors))
    }
}

// ---------------------------------------------------------------- the decision

/// The deciding committee's level for one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Decision {
    pub level: Level,
    #[serde(default)]
    pub note: String,
}

/// Why a decision is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecisionError {
    #[error("Chưa có đề nghị của chi bộ cho đảng viên này.")]
    NotProposed,
    #[error(
        "Không thể quyết định “{level}”: kết quả đánh giá của chi bộ chỉ cho phép “{allowed}”."
    )]
    AboveAppraisal { level: Level, allowed: Level },
    #[error(
        "Vượt tỷ lệ “Hoàn thành xuất sắc nhiệm vụ” của tổ chức cơ sở đảng: quyết định này sẽ có {excellent} đảng viên xuất sắc, tối đa {max} ({share} của {base} đảng viên hoàn thành tốt nhiệm vụ trở lên)."
    )]
    QuotaExceeded {
        excellent: u32,
        max: u32,
        base: u32,
        share: String,
    },
    #[error("Ghi chú tối đa {MAX_REASON_CHARS} ký tự.")]
    NoteTooLong,
}

impl crate::i18n::Message for DecisionError {
    fn english(&self) -> (&'static str, String) {
        use DecisionError::*;
        match self {
            NotProposed => (
                "not_proposed",
                "The cell has not proposed a level for this member yet.".into(),
            ),
            AboveAppraisal { level, allowed } => (
                "above_appraisal",
                format!(
                    "“{}” cannot be decided: the cell's appraisal allows only “{}”.",
                    level.label_en(),
                    allowed.label_en()
                ),
            ),
            QuotaExceeded {
                excellent,
                max,
                base,
                share,
            } => (
                "quota_exceeded",
                format!(
                    "Above the share of “Excellent performance of duties” of the grassroots organization: this decision would make {excellent} members excellent, at most {max} ({share} of the {base} members with good performance or better)."
                ),
            ),
            NoteTooLong => (
                "note_too_long",
                format!("The note has at most {MAX_REASON_CHARS} characters."),
            ),
        }
    }
}

/// Checks a decision: it needs the cell's appraisal, must not be better than
/// it allows, and must keep the grassroots organization within the quota.
/// `others` are the decided levels of the year in the grassroots organization,
/// this member's excluded.
pub fn check_decision(
    rules: &RuleSet,
    appraisal: Option<&Appraisal>,
    others: &[Level],
    d: &Decision,
) -> Result<(), DecisionError> {
    if d.note.chars().count() > MAX_REASON_CHARS {
        return Err(DecisionError::NoteTooLong);
    }
    let Some(a) = appraisal else {
        return Err(DecisionError::NotProposed);
    };
    let allowed = rating::level(
        &rules.member_rating.value,
        &rating_input(&rules.member_form.value, &a.answers),
    );
    if d.level < allowed {
        return Err(DecisionError::AboveAppraisal {
            level: d.level,
            allowed,
        });
    }
    if d.level == Level::Excellent {
        let q = quota_of(rules, others.iter().copied().chain([d.level]));
        if q.excellent > q.max {
            return Err(DecisionError::QuotaExceeded {
                excellent: q.excellent,
                max: q.max,
                base: q.base,
                share: rules.excellent_quota.value.share.label_vi(),
            });
        }
    }
    Ok(())
}

/// The quota of a grassroots organization over some levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct QuotaGauge {
    pub excellent: u32,
    pub good: u32,
    /// What the share is of (good or better, or good only, per the rule).
    pub base: u32,
    pub max: u32,
    /// "không quá 20%".
    pub share: String,
}

impl QuotaGauge {
    pub fn within(&self) -> bool {
        self.excellent <= self.max
    }

    /// "2/3 xuất sắc (không quá 20% của 15)".
    pub fn label_vi(&self) -> String {
        format!(
            "{} xuất sắc / tối đa {} ({} của {} hoàn thành tốt trở lên)",
            self.excellent, self.max, self.share, self.base
        )
    }
}

pub fn quota_of(rules: &RuleSet, levels: impl IntoIterator<Item = Level>) -> QuotaGauge {
    let (mut good, mut excellent) = (0u32, 0u32);
    for l in levels {
        match l {
            Level::Excellent => excellent += 1,
            Level::Good => good += 1,
            Level::Complete | Level::NotComplete => {}
        }
    }
    let q = &rules.excellent_quota.value;
    let base = match q.base {
        rating::QuotaBase::GoodOrBetter => good + excellent,
        rating::QuotaBase::GoodOnly => good,
    };
    QuotaGauge {
        excellent,
        good,
        base,
        max: q.max_excellent(good, excellent),
        share: q.share.label_vi(),
    }
}

/// Whether the shares meet the national aim: more than 90% complete or better.
pub fn meets_aim(s: &LevelShares) -> bool {
    let done: u32 = s
        .levels
        .iter()
        .filter(|l| l.level != Level::NotComplete)
        .map(|l| l.count)
        .sum();
    s.total > 0 && u64::from(done) * 10 > u64::from(s.total) * 9
}

/// The national aim, for display.
pub const AIM_VI: &str = "trên 90% đảng viên hoàn thành nhiệm vụ trở lên";

// ---------------------------------------------------------------- states and who may

/// A cell's rating period for a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeriodState {
    /// Not opened yet.
    NotOpened,
    Open,
    /// Every member decided.
    Closed,
}

impl PeriodState {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodState::NotOpened => "not_opened",
            PeriodState::Open => "open",
            PeriodState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodState> {
        [
            PeriodState::NotOpened,
            PeriodState::Open,
            PeriodState::Closed,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PeriodState::NotOpened => "Chưa mở đợt đánh giá",
            PeriodState::Open => "Đang đánh giá",
            PeriodState::Closed => "Đã quyết định xong",
        }
    }
}

/// Where one member's rating stands: what is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Stage {
    pub submitted: bool,
    pub proposed: bool,
    pub decided: bool,
    /// Reopened by the deciding committee since the last decision.
    pub reopened: bool,
}

/// Why a change is refused by the stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum StageError {
    #[error("Chi bộ chưa mở đợt đánh giá, xếp loại năm này.")]
    NotOpen,
    #[error("Đã nộp phiếu tự đánh giá; chỉ sửa được khi cấp ủy mở lại.")]
    Submitted,
    #[error("Đã có quyết định xếp loại; chỉ thay đổi được khi cấp ủy có thẩm quyền mở lại.")]
    Decided,
}

impl crate::i18n::Message for StageError {
    fn english(&self) -> (&'static str, String) {
        match self {
            StageError::NotOpen => ("not_open", "The cell has not opened this year's appraisal.".into()),
            StageError::Submitted => ("submitted", "The self-assessment is submitted; it can be changed only when the committee reopens it.".into()),
            StageError::Decided => ("decided", "The level has been decided; it can be changed only when the competent committee reopens it.".into()),
        }
    }
}

/// Whether the member may change their self-assessment.
pub fn may_edit_self(period: PeriodState, s: Stage) -> Result<(), StageError> {
    if period == PeriodState::NotOpened {
        return Err(StageError::NotOpen);
    }
    if s.decided && !s.reopened {
        return Err(StageError::Decided);
    }
    // A reopening unlocks the submission too (the server clears it); a new
    // submission locks it again.
    if s.submitted {
        return Err(StageError::Submitted);
    }
    Ok(())
}

/// Whether the cell's committee may (again) appraise and propose.
pub fn may_change_proposal(period: PeriodState, s: Stage) -> Result<(), StageError> {
    if period == PeriodState::NotOpened {
        return Err(StageError::NotOpen);
    }
    if s.decided && !s.reopened {
        return Err(StageError::Decided);
    }
    Ok(())
}

/// Whether the deciding committee may (again) decide.
pub fn may_change_decision(period: PeriodState, s: Stage) -> Result<(), DecisionError> {
    if period == PeriodState::NotOpened || !s.proposed {
        return Err(DecisionError::NotProposed);
    }
    Ok(())
}

/// The cell at the end of `cell_path`, if the actor is seated in it.
fn seat_in(actor: &Actor, cell_path: &[OrgId]) -> Option<crate::access::CellSeat> {
    actor.seat.filter(|s| cell_path.last() == Some(&s.cell_id))
}

/// Who opens a cell's period: its secretary or deputy, administrators.
pub fn may_open(actor: &Actor, cell_path: &[OrgId]) -> bool {
    actor.is_admin || seat_in(actor, cell_path).is_some_and(|s| s.role.manages_cell())
}

/// Who fills a member's self-assessment: that member only.
pub fn may_self_assess(actor: &Actor, member: MemberId, cell_path: &[OrgId]) -> bool {
    seat_in(actor, cell_path).is_some_and(|s| s.member_id == member)
}

/// Who appraises and proposes for the members of a cell: its committee
/// (secretary, deputy, committee members), for its own members only.
pub fn may_propose(actor: &Actor, cell_path: &[OrgId]) -> bool {
    seat_in(actor, cell_path).is_some_and(|s| s.role.on_cell_committee())
}

/// Who decides and reopens for a cell: those on the committee of the cell's
/// parent organization, administrators.
pub fn may_decide(actor: &Actor, cell_path: &[OrgId]) -> bool {
    actor.is_admin
        || (cell_path.len() >= 2 && actor.committee_of.contains(&cell_path[cell_path.len() - 2]))
}

/// Who sees every member's rating in a cell: its committee, the deciding
/// committee, the committees above, administrators. A plain member sees
/// their own only.
pub fn sees_cell(actor: &Actor, cell_path: &[OrgId]) -> bool {
    may_propose(actor, cell_path)
        || may_decide(actor, cell_path)
        || actor.committee_of.iter().any(|c| cell_path.contains(c))
}

/// The grassroots organization (tổ chức cơ sở đảng) the quota of a cell is
/// counted in: its nearest ancestor that is a grassroots committee, or the
/// cell itself when it sits directly under a party committee (chi bộ cơ sở).
/// `path` is root first with each organization's kind, the cell last.
pub fn grassroots_of(path: &[(OrgId, OrgKind)]) -> Option<OrgId> {
    let (&(cell, _), above) = path.split_last()?;
    for &(id, kind) in above.iter().rev() {
        match kind {
            OrgKind::GrassrootsCommittee => return Some(id),
            OrgKind::PartyCommittee => return Some(cell),
            OrgKind::Cell | OrgKind::Group => {}
        }
    }
    None
}

/// Checks a reopening's reason (required).
pub fn check_reason(reason: &str) -> Result<(), FieldErrors> {
    let n = reason.trim().chars().count();
    if n == 0 {
        return Err(FieldErrors(vec![FieldError::both(
            "reason",
            "reason_missing",
            "Cần ghi lý do mở lại.",
            "Give the reason for reopening.",
        )]));
    }
    if n > MAX_REASON_CHARS {
        return Err(FieldErrors(vec![FieldError::both(
            "reason",
            "reason_too_long",
            format!("Lý do tối đa {MAX_REASON_CHARS} ký tự."),
            format!("The reason has at most {MAX_REASON_CHARS} characters."),
        )]));
    }
    Ok(())
}

/// Checks the year of a period.
pub fn check_year(year: i64) -> Option<i32> {
    i32::try_from(year).ok().filter(|y| YEARS.contains(y))
}

// ---------------------------------------------------------------- the API's messages

/// The member's own sheet for a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RatingSheet {
    pub year: i32,
    pub member_id: MemberId,
    pub member_name: String,
    pub cell_id: OrgId,
    pub cell_name: String,
    pub period: PeriodState,
    /// The rule set's form and rating rules, so the browser computes as the member types.
    pub rules: RuleSet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<Answers>,
    pub stage: Stage,
    pub may_edit: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_level: Option<Level>,
    /// The cell's comment, once proposed.
    #[serde(default)]
    pub comment: String,
    pub reopenings: Vec<Reopening>,
}

/// The member's self-assessment sent: saved as a draft, or submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SelfDraft {
    pub answers: Answers,
    #[serde(default)]
    pub submit: bool,
}

/// A reopening by the deciding committee, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Reopening {
    pub cell_id: OrgId,
    /// None: the whole period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<MemberId>,
    pub reason: String,
    pub by_name: String,
    pub at: NaiveDateTime,
}

/// A reopening asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReopenRequest {
    /// One member, or the whole period when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<MemberId>,
    pub reason: String,
}

/// One member's row on a cell's or a committee's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MemberRow {
    pub member_id: MemberId,
    pub name: String,
    pub cell_id: OrgId,
    pub cell_name: String,
    pub stage: Stage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_answers: Option<Answers>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_points: Option<Points>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appraisal: Option<Appraisal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_level: Option<Level>,
    #[serde(default)]
    pub decided_note: String,
    pub may_propose: bool,
    pub may_decide: bool,
}

/// A cell's period on a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PeriodView {
    pub cell_id: OrgId,
    pub cell_name: String,
    pub state: PeriodState,
    pub may_open: bool,
    pub may_reopen: bool,
}

/// The ratings of a year on a cell's page (its members) or a committee's
/// (every cell below), with the quota and the shares of the decided levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RatingBoard {
    pub org_id: OrgId,
    pub org_name: String,
    pub org_kind: OrgKind,
    pub year: i32,
    pub periods: Vec<PeriodView>,
    pub members: Vec<MemberRow>,
    /// Per grassroots organization on the page: the decided levels against the quota.
    pub quota: Vec<GroupQuota>,
    /// The proposals checked against the appraisals and the quota (warnings).
    pub proposal_issues: Vec<String>,
    /// Shares of the decided levels.
    pub shares: LevelShares,
    pub meets_aim: bool,
    pub reopenings: Vec<Reopening>,
    pub rules: RuleSet,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GroupQuota {
    pub grassroots_id: OrgId,
    pub grassroots_name: String,
    /// Over the decided levels.
    pub decided: QuotaGauge,
    /// Over the proposals, a decided level standing for a member's proposal.
    pub proposed: QuotaGauge,
}

/// One year of a member's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HistoryYear {
    pub year: i32,
    pub cell_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_level: Option<Level>,
}

/// Level names in both languages for the pages.
pub fn level_en(l: Level) -> &'static str {
    match l {
        Level::Excellent => "Excellent",
        Level::Good => "Good",
        Level::Complete => "Complete",
        Level::NotComplete => "Not complete",
    }
}

pub fn level_key(l: Level) -> &'static str {
    match l {
        Level::Excellent => "excellent",
        Level::Good => "good",
        Level::Complete => "complete",
        Level::NotComplete => "not_complete",
    }
}

pub fn parse_level(s: &str) -> Option<Level> {
    Level::ALL.into_iter().find(|&l| level_key(l) == s)
}

/// The proposals' warnings as the committee sees them while proposing
/// (`rules::rating::check_quota`).
pub fn proposal_warnings(rules: &RuleSet, proposals: &[rating::Proposal]) -> Vec<String> {
    rating::check_quota(proposals, rules)
        .issues
        .into_iter()
        .map(|i| i.message)
        .collect()
}

#[cfg(test)]
mod tests;
