//! Scoring a closed meeting (chấm điểm buổi sinh hoạt): the facts drawn from
//! its record and from what the register adds (registration, documents, last
//! month's tasks), each computed criterion with its evidence, the cell
//! committee's proposal (chi bộ tự chấm), the upper level's confirmation or
//! change (cấp trên chấm), members' comments, who may do what, and what the
//! minutes and the year view show once the score is confirmed.
//!
//! The sheet, its points and bands are [`crate::rules::scoring`]'s; this
//! module only feeds it. Rules: docs/rules.md#scoring-a-meeting.

use crate::access::Actor;
use crate::error::{FieldError, FieldErrors};
use crate::ids::{MeetingId, MemberId, OrgId};
use crate::live::minutes::{Names, Register};
use crate::live::state::{LiveState, Speaker};
use crate::meeting::{Meeting, MeetingKind};
use crate::rules::RuleSet;
use crate::rules::schedule::{MinMinutes, ScheduleRules, registration_deadline};
use crate::rules::scoring::{
    Band, Entries, MeetingFacts, MeetingScore, Points, ScoreError, ScoreSheet, SheetError,
    YearBand, YearlyRollup, evidence, measure_met, rollup_year, score_with,
};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use thiserror::Error;

/// The longest comment on a proposed score (ý kiến về điểm), in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;
/// The longest reason the upper level gives for changing the cell's score.
pub const MAX_REASON_CHARS: usize = 1000;
/// The most comments one meeting's score takes.
pub const MAX_COMMENTS_PER_MEETING: usize = 200;

/// The part of a rule set a score is computed with, kept with the proposal so
/// that a later change of the rules does not change a score already given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ScoringBasis {
    pub rules_name: String,
    pub rules_version: u32,
    pub sheet: ScoreSheet,
    pub min_minutes: MinMinutes,
}

impl ScoringBasis {
    pub fn of(rules: &RuleSet) -> ScoringBasis {
        ScoringBasis {
            rules_name: rules.name.clone(),
            rules_version: rules.version,
            sheet: rules.meeting_sheet.clone(),
            min_minutes: rules.schedule.min_minutes.value,
        }
    }

    /// Both columns and the final band, by [`score_with`].
    pub fn score(
        &self,
        facts: &MeetingFacts,
        cell: &Entries,
        upper: Option<&Entries>,
    ) -> Result<MeetingScore, ScoreError> {
        score_with(&self.sheet, &self.min_minutes, facts, cell, upper)
    }

    /// Every computed criterion of the sheet, with its points and evidence.
    pub fn computed(&self, facts: &MeetingFacts) -> Vec<ComputedCriterion> {
        self.sheet
            .criteria()
            .filter_map(|c| {
                let m = c.computed.as_ref()?;
                let met = measure_met(m, facts, &self.min_minutes);
                Some(ComputedCriterion {
                    key: c.key.clone(),
                    met,
                    points: if met { c.max } else { Points::ZERO },
                    evidence: evidence(m, facts, &self.min_minutes),
                })
            })
            .collect()
    }
}

/// A criterion the record decides, as shown beside the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ComputedCriterion {
    pub key: String,
    pub met: bool,
    pub points: Points,
    /// "Có mặt 9/10 (90%); yêu cầu trên 85%."
    pub evidence: String,
}

/// The facts of a closed meeting for the computed criteria: from its record
/// (attendance, length from opening to closing, members who spoke, the
/// resolution, the minutes, the agenda's review item) and what the register
/// adds: when it was registered, when its documents were posted, how many
/// tasks the previous meeting assigned. `None` while not closed.
pub fn facts_of(
    live: &LiveState,
    meeting: &Meeting,
    documents_posted_at: &[NaiveDateTime],
    previous_tasks: u32,
    schedule: &ScheduleRules,
) -> Option<MeetingFacts> {
    let (opened, closed) = (live.opened_at?, live.closed_at?);
    let day = meeting.draft.starts_at;
    let spoke: BTreeSet<MemberId> = live
        .turns
        .iter()
        .map(|t| t.speaker)
        .chain(live.opinions.iter().map(|o| o.author))
        .filter_map(|s| match s {
            Speaker::Member(m) => Some(m),
            Speaker::Visitor(_) => None,
        })
        .collect();
    let none = (Names::default(), Register::default());
    let passed =
        crate::live::minutes::minutes(live, meeting, &none.0, &none.1, "").resolution_passed();
    let doc_lead = schedule.document_lead_days.value;
    let late = documents_posted_at
        .iter()
        .filter(|at| crate::files::is_late(**at, day, doc_lead))
        .count();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let facts = MeetingFacts {
        kind: meeting.draft.kind,
        expected: 0,
        present: 0,
        absent_without_reason: 0,
        minutes_long: u32::try_from((closed - opened).num_minutes().max(0)).unwrap_or(u32::MAX),
        speakers: count(spoke.len()),
        draft_resolution_prepared: live
            .votes
            .iter()
            .any(|v| v.plan.kind == crate::rules::vote::VoteKind::Resolution),
        resolution_voted: passed,
        minutes_complete: live.minutes_adopted_at.is_some() && !live.conclusion.trim().is_empty(),
        registered_for: Some(day.date()),
        held_on: opened.date(),
        registered_on: Some(meeting.registered_at.date()),
        registration_deadline: Some(registration_deadline(
            day.date(),
            schedule.registration_lead_days.value,
        )),
        documents: count(documents_posted_at.len()),
        documents_late: count(late),
        tasks_reviewed: live
            .agenda
            .iter()
            .any(|i| crate::followup::REVIEW_ITEM_TITLES.contains(&i.title.as_str())),
        previous_tasks,
    };
    Some(facts.with_attendance(&live.attendance_figures()))
}

/// The cell committee's proposal: the points typed for the criteria the
/// record does not decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellProposal {
    #[cfg_attr(feature = "server", schema(value_type = std::collections::BTreeMap<String, f64>))]
    pub entries: Entries,
    /// Who proposed it (display name).
    pub by: String,
    pub at: NaiveDateTime,
}

/// The upper level's column: the cell's points confirmed as they are, or
/// changed with one reason for the whole change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpperColumn {
    #[cfg_attr(feature = "server", schema(value_type = std::collections::BTreeMap<String, f64>))]
    pub entries: Entries,
    /// Empty when confirmed as proposed.
    pub reason: String,
    pub by: String,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ScoreComment {
    pub id: i64,
    pub author: String,
    pub text: String,
    pub at: NaiveDateTime,
}

/// What the caller may do with this meeting's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ScorePowers {
    pub propose: bool,
    pub confirm: bool,
    pub comment: bool,
}

/// `GET /api/meetings/{id}/score`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ScoreView {
    pub meeting_id: MeetingId,
    /// The proposal's basis once proposed; the rules in force before.
    pub basis: ScoringBasis,
    pub facts: MeetingFacts,
    pub computed: Vec<ComputedCriterion>,
    pub proposal: Option<CellProposal>,
    pub upper: Option<UpperColumn>,
    /// Both columns and the final band, once proposed.
    pub result: Option<MeetingScore>,
    /// The result in words ("Tổng 89,5/100 điểm: Khá."); empty before a proposal.
    pub explanation: String,
    pub comments: Vec<ScoreComment>,
    pub may: ScorePowers,
}

/// `PUT /api/meetings/{id}/score`: the points of the criteria typed by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposeRequest {
    /// Criterion key → points (one decimal), e.g. `{"1.2": 4.5}`.
    #[cfg_attr(feature = "server", schema(value_type = std::collections::BTreeMap<String, f64>))]
    pub entries: Entries,
}

/// `PUT /api/meetings/{id}/score/upper`: confirm the cell's points (no
/// `entries`), or give other points with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpperRequest {
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<std::collections::BTreeMap<String, f64>>))]
    pub entries: Option<Entries>,
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/meetings/{id}/score/comments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    pub text: String,
}

/// Why a score, a change or a comment is refused (besides the sheet's own
/// [`SheetError`]s).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScoringError {
    #[error("Cấp trên chấm khác điểm chi bộ đề xuất: cần ghi lý do.")]
    ReasonMissing,
    #[error("Lý do quá dài (tối đa {MAX_REASON_CHARS} ký tự).")]
    ReasonTooLong,
    #[error("Ý kiến không được để trống.")]
    CommentEmpty,
    #[error("Ý kiến quá dài (tối đa {MAX_COMMENT_CHARS} ký tự).")]
    CommentTooLong,
}

impl crate::i18n::Message for ScoringError {
    fn english(&self) -> (&'static str, String) {
        use ScoringError::*;
        match self {
            ReasonMissing => (
                "reason_missing",
                "The higher level scores differently from the cell's proposal: give the reason."
                    .into(),
            ),
            ReasonTooLong => (
                "reason_too_long",
                format!("The reason is too long (at most {MAX_REASON_CHARS} characters)."),
            ),
            CommentEmpty => ("comment_empty", "The comment must not be empty.".into()),
            CommentTooLong => (
                "comment_too_long",
                format!("The comment is too long (at most {MAX_COMMENT_CHARS} characters)."),
            ),
        }
    }
}

impl ScoringError {
    pub fn field(&self) -> &'static str {
        match self {
            ScoringError::ReasonMissing | ScoringError::ReasonTooLong => "reason",
            ScoringError::CommentEmpty | ScoringError::CommentTooLong => "text",
        }
    }

    pub fn into_fields(self) -> FieldErrors {
        FieldErrors(vec![FieldError::of(self.field(), &self)])
    }
}

/// The field of a sheet problem in a request: `entries.<criterion key>`.
pub fn entry_field(key: &str) -> String {
    format!("entries.{key}")
}

fn sheet_key(e: &SheetError) -> &str {
    match e {
        SheetError::UnknownCriterion { key }
        | SheetError::AboveMaximum { key, .. }
        | SheetError::Missing { key }
        | SheetError::Computed { key } => key,
    }
}

/// Each problem of a column at its criterion's field.
pub fn sheet_fields(err: &ScoreError) -> FieldErrors {
    FieldErrors(
        err.errors
            .iter()
            .map(|e| FieldError::of(entry_field(sheet_key(e)), e))
            .collect(),
    )
}

/// Checks the cell's proposal; the score it gives.
pub fn check_proposal(
    basis: &ScoringBasis,
    facts: &MeetingFacts,
    entries: &Entries,
) -> Result<MeetingScore, FieldErrors> {
    basis
        .score(facts, entries, None)
        .map_err(|e| sheet_fields(&e))
}

/// Checks the upper level's column against the cell's: the entries it
/// gives (the cell's when it confirms them as they are), the cleaned reason
/// (required when any point differs) and the confirmed score.
pub fn check_upper(
    basis: &ScoringBasis,
    facts: &MeetingFacts,
    cell: &Entries,
    req: &UpperRequest,
) -> Result<(Entries, String, MeetingScore), FieldErrors> {
    let entries = req.entries.clone().unwrap_or_else(|| cell.clone());
    let reason = crate::text::clean_trimmed(&req.reason);
    let mut fields = Vec::new();
    if entries != *cell && reason.is_empty() {
        fields.extend(ScoringError::ReasonMissing.into_fields().0);
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        fields.extend(ScoringError::ReasonTooLong.into_fields().0);
    }
    match basis.score(facts, cell, Some(&entries)) {
        Ok(score) if fields.is_empty() => Ok((entries, reason, score)),
        Ok(_) => Err(FieldErrors(fields)),
        Err(e) => {
            let mut all = sheet_fields(&e).0;
            all.extend(fields);
            Err(FieldErrors(all))
        }
    }
}

/// The comment cleaned of control characters and trimmed, or why it is refused.
pub fn check_comment(text: &str) -> Result<String, ScoringError> {
    let text = crate::text::clean_trimmed(text);
    if text.is_empty() {
        Err(ScoringError::CommentEmpty)
    } else if text.chars().count() > MAX_COMMENT_CHARS {
        Err(ScoringError::CommentTooLong)
    } else {
        Ok(text)
    }
}

/// The cell's managers (secretary, deputy secretary) propose its score.
pub fn may_propose(actor: &Actor, cell: OrgId) -> bool {
    actor
        .seat
        .is_some_and(|s| s.cell_id == cell && s.role.manages_cell())
}

/// The upper level confirms or changes it: the member assigned to follow the
/// cell and the committees above it (`path`: root first, the cell last);
/// never the cell's own members, who would score themselves.
pub fn may_confirm(actor: &Actor, path: &[OrgId]) -> bool {
    let Some(&cell) = path.last() else {
        return false;
    };
    if actor.seat.is_some_and(|s| s.cell_id == cell) {
        return false;
    }
    actor.assigned_cells.contains(&cell) || actor.committee_of.iter().any(|c| path.contains(c))
}

/// The cell's members comment on the proposal.
pub fn may_comment(actor: &Actor, cell: OrgId) -> bool {
    actor.seat.is_some_and(|s| s.cell_id == cell)
}

/// What the minutes show of a confirmed score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ScoreSummary {
    pub sheet: String,
    pub max: Points,
    pub cell_total: Points,
    pub cell_band: Band,
    pub upper_total: Points,
    pub upper_band: Band,
    pub final_total: Points,
    pub final_band: Band,
    /// The upper level's reason when it changed the cell's points.
    pub reason: String,
}

impl ScoreSummary {
    /// `None` until the upper level has confirmed.
    pub fn of(basis: &ScoringBasis, score: &MeetingScore, reason: &str) -> Option<ScoreSummary> {
        let upper = score.upper.as_ref()?;
        Some(ScoreSummary {
            sheet: basis.sheet.name.clone(),
            max: score.cell.max,
            cell_total: score.cell.total,
            cell_band: score.cell.band,
            upper_total: upper.total,
            upper_band: upper.band,
            final_total: score.final_total,
            final_band: score.final_band,
            reason: reason.to_string(),
        })
    }

    /// "Chi bộ chấm 89,5/100 điểm (Khá); cấp trên chấm 92/100 điểm (Tốt). Xếp loại: Tốt."
    pub fn line_vi(&self) -> String {
        let mut s = format!(
            "Chi bộ chấm {}/{} điểm ({}); cấp trên chấm {}/{} điểm ({}). Xếp loại: {}.",
            self.cell_total,
            self.max,
            self.cell_band,
            self.upper_total,
            self.max,
            self.upper_band,
            self.final_band
        );
        if !self.reason.is_empty() {
            s.push_str(&format!(" Lý do cấp trên điều chỉnh: {}", self.reason));
        }
        s
    }
}

/// A confirmed meeting's final band, for the cell's year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MeetingBand {
    pub meeting_id: MeetingId,
    pub kind: MeetingKind,
    pub total: Points,
    pub band: Band,
}

/// The year's band from its confirmed regular (and combined) meetings;
/// `None` while none is confirmed.
pub fn year_band(
    bands: &[MeetingBand],
    months_without_regular: u32,
    rule: &YearlyRollup,
) -> Option<YearBand> {
    let regular: Vec<Band> = bands
        .iter()
        .filter(|b| matches!(b.kind, MeetingKind::Regular | MeetingKind::Combined))
        .map(|b| b.band)
        .collect();
    (!regular.is_empty()).then(|| rollup_year(rule, &regular, months_without_regular))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::CellSeat;
    use crate::ids::AccountId;
    use crate::live::state::{Command, Setup, apply, decide};
    use crate::meeting::{MeetingDraft, MeetingMode, MeetingStatus, standard_agenda};
    use crate::member::{CellRole, PartyStatus};
    use crate::rules::attendance::{AttendanceMark, Presence, RosterEntry};
    use crate::rules::scoring::Column;
    use crate::rules::vote::{Ballot, VoteKind};
    use chrono::{Duration, NaiveDate};

    const CELL: OrgId = OrgId(3);

    fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, day)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    /// A regular meeting of 10 members on 05/11, registered on 01/11 (on
    /// time: 3 days ahead): 9 present, one absent without reason, 3 who
    /// spoke, 95 minutes, the resolution passed, the minutes adopted with a
    /// conclusion.
    fn held() -> (Meeting, LiveState) {
        let start = at(5, 8, 0);
        let meeting = Meeting {
            id: MeetingId(12),
            cell_id: CELL,
            registered_at: at(1, 9, 0),
            status: MeetingStatus::Closed,
            late_documents: None,
            draft: MeetingDraft {
                kind: MeetingKind::Regular,
                title: "Sinh hoạt thường kỳ tháng 11".into(),
                starts_at: start,
                mode: MeetingMode::InPerson,
                place: "Hội trường tầng 2".into(),
                video_link: String::new(),
                chair_id: Some(MemberId(1)),
                secretary_id: Some(MemberId(2)),
                agenda: standard_agenda(MeetingKind::Regular),
            },
            cancelled: None,
            rescheduled: None,
        };
        let names = [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Lê Văn Cường",
            "Phạm Thị Dung",
            "Hoàng Văn Em",
            "Vũ Thị Phương",
            "Đặng Văn Giang",
            "Bùi Thị Hạnh",
            "Đỗ Văn Hùng",
            "Ngô Thị Lan",
        ];
        let roll: Vec<RosterEntry> = names
            .iter()
            .enumerate()
            .map(|(i, n)| RosterEntry {
                member_id: MemberId(i as i64 + 1),
                full_name: n.to_string(),
                status: PartyStatus::Full,
                attached_elsewhere: false,
            })
            .collect();
        let mut state = LiveState::new(
            meeting.id,
            Setup {
                agenda: meeting.draft.agenda.clone(),
                rules: RuleSet::national_default().meeting_rules(),
                roll,
                chair: Some(MemberId(1)),
                secretary: Some(MemberId(2)),
                starts_at: Some(start),
                excused: Vec::new(),
            },
        );
        let chair = Speaker::Member(MemberId(1));
        let mut run = |who: Speaker, cmd: Command, now: NaiveDateTime| {
            for e in decide(&state, who, &cmd, now).unwrap_or_else(|e| panic!("{cmd:?}: {e:?}")) {
                apply(&mut state, &e);
            }
        };
        run(
            chair,
            Command::Open {
                confirm_early: false,
            },
            start,
        );
        for id in 1..=10 {
            let presence = if id == 10 {
                Presence::AbsentWithoutReason
            } else {
                Presence::InPerson
            };
            run(
                chair,
                Command::Mark {
                    mark: AttendanceMark::new(MemberId(id), presence),
                },
                start,
            );
        }
        for id in [3, 4, 5] {
            run(
                Speaker::Member(MemberId(id)),
                Command::RaiseHand,
                start + Duration::minutes(10),
            );
            run(
                chair,
                Command::GiveFloor {
                    speaker: Speaker::Member(MemberId(id)),
                },
                start + Duration::minutes(11),
            );
            run(chair, Command::EndFloor, start + Duration::minutes(15));
        }
        run(
            chair,
            Command::OpenVote {
                kind: VoteKind::Resolution,
                ballot: Ballot::Open,
                question: "Thông qua nghị quyết tháng 11".into(),
            },
            start + Duration::minutes(80),
        );
        for id in 1..=9 {
            run(
                Speaker::Member(MemberId(id)),
                Command::Cast {
                    vote: 0,
                    choice: crate::live::state::Choice::InFavour,
                },
                start + Duration::minutes(81),
            );
        }
        run(
            chair,
            Command::CloseVote { vote: 0 },
            start + Duration::minutes(82),
        );
        run(
            chair,
            Command::Conclude {
                text: "Chi bộ thống nhất các nhiệm vụ tháng 12.".into(),
            },
            start + Duration::minutes(85),
        );
        run(chair, Command::AdoptMinutes, start + Duration::minutes(90));
        run(chair, Command::Close, start + Duration::minutes(95));
        (meeting, state)
    }

    fn basis() -> ScoringBasis {
        ScoringBasis::of(&RuleSet::national_default())
    }

    fn facts() -> MeetingFacts {
        let (meeting, live) = held();
        facts_of(
            &live,
            &meeting,
            &[at(2, 10, 0), at(5, 7, 0)],
            3,
            &RuleSet::national_default().schedule,
        )
        .unwrap()
    }

    fn entries(pairs: &[(&str, u32)]) -> Entries {
        pairs
            .iter()
            .map(|(k, t)| (k.to_string(), Points::tenths(*t)))
            .collect()
    }

    /// Full marks on every criterion typed by hand.
    fn full() -> Entries {
        entries(&[
            ("1.2", 50),
            ("3.1", 100),
            ("3.4", 100),
            ("4.1", 50),
            ("4.4", 50),
        ])
    }

    #[test]
    fn the_facts_come_from_the_record_and_the_register() {
        let f = facts();
        assert_eq!((f.expected, f.present, f.absent_without_reason), (10, 9, 1));
        assert_eq!(f.minutes_long, 95);
        assert_eq!(f.speakers, 3);
        assert!(f.draft_resolution_prepared && f.resolution_voted && f.minutes_complete);
        assert_eq!(f.held_on, NaiveDate::from_ymd_opt(2026, 11, 5).unwrap());
        assert_eq!((f.documents, f.documents_late), (2, 1));
        assert!(f.tasks_reviewed);
        let (meeting, mut live) = held();
        live.closed_at = None;
        assert_eq!(
            facts_of(
                &live,
                &meeting,
                &[],
                0,
                &RuleSet::national_default().schedule
            ),
            None,
            "not closed: nothing to score"
        );
    }

    #[test]
    fn each_computed_criterion_shows_its_evidence() {
        let c = basis().computed(&facts());
        let by = |k: &str| c.iter().find(|x| x.key == k).unwrap();
        assert_eq!(by("2.1").evidence, "Có mặt 9/10 (90%); yêu cầu trên 85%.");
        assert!(by("2.1").met);
        assert_eq!(by("2.2").evidence, "1 đảng viên vắng không lý do.");
        assert_eq!(by("2.2").points, Points::ZERO);
        assert_eq!(by("3.2").evidence, "Họp 95 phút; tối thiểu 90 phút.");
        assert_eq!(
            by("3.3").evidence,
            "3/9 đảng viên dự họp phát biểu (33%); yêu cầu ít nhất một nửa."
        );
        assert!(!by("3.3").met);
        assert_eq!(
            by("1.1").evidence,
            "Đăng ký ngày 01/11/2026, trước hạn (hạn 02/11/2026)."
        );
        assert!(by("1.1").met);
        assert_eq!(by("1.5").evidence, "1/2 tài liệu gửi muộn.");
        assert_eq!(
            by("1.4").evidence,
            "Đăng ký họp ngày 05/11/2026, họp ngày 05/11/2026."
        );
        assert!(by("3.5").met && by("4.2").met && by("4.3").met && by("1.3").met);
        // The JSON the browser decodes.
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(
            serde_json::from_str::<Vec<ComputedCriterion>>(&json).unwrap(),
            c
        );
    }

    #[test]
    fn a_proposal_scores_89_5_as_kha_on_the_phu_tho_sheet() {
        let mut f = facts();
        f.registered_on = Some(NaiveDate::from_ymd_opt(2026, 10, 20).unwrap());
        f.documents_late = 0;
        f.absent_without_reason = 0;
        f.speakers = 9;
        // Every computed criterion met: 65; typed 35 − 10 (3.1) − 0,5 (4.4) = 24,5.
        let mut e = full();
        e.insert("3.1".into(), Points::ZERO);
        e.insert("4.4".into(), Points::tenths(45));
        let s = check_proposal(&basis(), &f, &e).unwrap();
        assert_eq!(
            (s.cell.total, s.final_band),
            (Points::tenths(895), Band::Fair)
        );
        assert!(!s.confirmed);
    }

    #[test]
    fn binh_thuan_keeps_90_at_kha_without_full_marks_where_required() {
        let bt = ScoringBasis::of(&RuleSet::binh_thuan());
        let mut f = facts();
        f.registered_on = Some(NaiveDate::from_ymd_opt(2026, 10, 20).unwrap());
        f.documents_late = 0;
        f.absent_without_reason = 0;
        // 3 of 9 spoke: 3.3 (10 points, must be full for Tốt) lost → 90.
        let s = check_proposal(&bt, &f, &full()).unwrap();
        assert_eq!(s.cell.total, Points::whole(90));
        assert_eq!(
            (s.cell.band_by_points, s.final_band),
            (Band::Good, Band::Fair)
        );
        let pt = check_proposal(&basis(), &f, &full()).unwrap();
        assert_eq!(pt.final_band, Band::Good, "Phú Thọ: 90 is Tốt");
    }

    #[test]
    fn bad_points_are_reported_at_their_field() {
        let mut e = full();
        e.insert("3.1".into(), Points::tenths(105));
        e.insert("2.1".into(), Points::whole(10));
        let err = check_proposal(&basis(), &facts(), &e).unwrap_err();
        assert_eq!(
            err.message_for("entries.3.1"),
            Some("Tiêu chí 3.1: 10,5 điểm vượt quá điểm tối đa 10.")
        );
        assert!(err.message_for("entries.2.1").is_some());
        e.remove("3.1");
        e.remove("2.1");
        let err = check_proposal(&basis(), &facts(), &e).unwrap_err();
        assert_eq!(
            err.message_for("entries.3.1"),
            Some("Tiêu chí 3.1 chưa được chấm.")
        );
    }

    #[test]
    fn the_upper_level_confirms_or_changes_with_a_reason() {
        let (b, f, cell) = (basis(), facts(), full());
        let confirm = UpperRequest {
            entries: None,
            reason: String::new(),
        };
        let (e, reason, s) = check_upper(&b, &f, &cell, &confirm).unwrap();
        assert_eq!((e, reason.as_str(), s.confirmed), (cell.clone(), "", true));
        let mut lower = cell.clone();
        lower.insert("3.4".into(), Points::whole(5));
        let change = UpperRequest {
            entries: Some(lower.clone()),
            reason: "  ".into(),
        };
        let err = check_upper(&b, &f, &cell, &change).unwrap_err();
        assert!(err.message_for("reason").is_some());
        let change = UpperRequest {
            entries: Some(lower),
            reason: "Phê bình và tự phê bình chưa sâu.".into(),
        };
        let (_, reason, s) = check_upper(&b, &f, &cell, &change).unwrap();
        assert_eq!(reason, "Phê bình và tự phê bình chưa sâu.");
        assert_eq!(s.final_total.as_tenths() + 50, s.cell.total.as_tenths());
        let summary = ScoreSummary::of(&b, &s, &reason).unwrap();
        assert!(
            summary
                .line_vi()
                .contains("Lý do cấp trên điều chỉnh: Phê bình"),
            "{}",
            summary.line_vi()
        );
        let mut above = cell.clone();
        above.insert("4.1".into(), Points::whole(6));
        let err = check_upper(
            &b,
            &f,
            &cell,
            &UpperRequest {
                entries: Some(above),
                reason: "x".into(),
            },
        )
        .unwrap_err();
        assert!(err.message_for("entries.4.1").is_some());
        let long = UpperRequest {
            entries: None,
            reason: "a".repeat(MAX_REASON_CHARS + 1),
        };
        assert!(
            check_upper(&b, &f, &cell, &long)
                .unwrap_err()
                .message_for("reason")
                .is_some()
        );
        assert_eq!(
            b.score(&f, &cell, Some(&entries(&[("9.9", 1)])))
                .unwrap_err()
                .column,
            Column::UpperLevel
        );
    }

    #[test]
    fn comments_are_checked() {
        assert_eq!(
            check_comment("  Đồng ý với đề xuất.\u{7} "),
            Ok("Đồng ý với đề xuất.".into())
        );
        assert_eq!(check_comment(" \n "), Err(ScoringError::CommentEmpty));
        assert_eq!(
            check_comment(&"ý".repeat(MAX_COMMENT_CHARS + 1)),
            Err(ScoringError::CommentTooLong)
        );
    }

    #[test]
    fn who_proposes_confirms_and_comments() {
        let path = [OrgId(1), OrgId(2), CELL];
        let seated = |cell, role| Actor {
            account_id: AccountId(1),
            is_admin: false,
            seat: Some(CellSeat {
                cell_id: cell,
                member_id: MemberId(9),
                role,
            }),
            committee_of: vec![],
            assigned_cells: vec![],
        };
        let secretary = seated(CELL, CellRole::Secretary);
        let deputy = seated(CELL, CellRole::DeputySecretary);
        let member = seated(CELL, CellRole::Member);
        let assigned = Actor {
            assigned_cells: vec![CELL],
            ..seated(OrgId(4), CellRole::Member)
        };
        let committee = Actor {
            committee_of: vec![OrgId(2)],
            ..seated(OrgId(4), CellRole::Secretary)
        };
        // A secretary of this cell sitting on the committee above still does not confirm her own cell.
        let own_on_committee = Actor {
            committee_of: vec![OrgId(2)],
            ..secretary.clone()
        };
        let other = seated(OrgId(4), CellRole::Secretary);
        // (who, propose, confirm, comment)
        let table = [
            ("secretary", &secretary, true, false, true),
            ("deputy", &deputy, true, false, true),
            ("member", &member, false, false, true),
            ("assigned", &assigned, false, true, false),
            ("committee above", &committee, false, true, false),
            (
                "own cell on committee",
                &own_on_committee,
                true,
                false,
                true,
            ),
            ("another cell", &other, false, false, false),
        ];
        for (name, who, p, c, m) in table {
            assert_eq!(
                (
                    may_propose(who, CELL),
                    may_confirm(who, &path),
                    may_comment(who, CELL)
                ),
                (p, c, m),
                "{name}"
            );
        }
        assert!(!may_confirm(&assigned, &[]));
    }

    #[test]
    fn the_year_rolls_up_confirmed_meetings() {
        let rule = RuleSet::national_default().yearly_meetings;
        assert_eq!(year_band(&[], 0, &rule), None);
        let band = |i: i64, b: Band| MeetingBand {
            meeting_id: MeetingId(i),
            kind: MeetingKind::Regular,
            total: Points::whole(90),
            band: b,
        };
        let mut year: Vec<MeetingBand> = (0..7).map(|i| band(i, Band::Good)).collect();
        year.extend((7..12).map(|i| band(i, Band::Fair)));
        assert_eq!(year_band(&year, 0, &rule).unwrap().band, Band::Good);
        // A thematic meeting does not count among the regular ones.
        year[0].kind = MeetingKind::Thematic;
        assert_eq!(year_band(&year, 0, &rule).unwrap().band, Band::Fair);
    }

    #[test]
    fn the_score_view_round_trips_through_json() {
        let b = basis();
        let f = facts();
        let s = b.score(&f, &full(), Some(&full())).unwrap();
        let view = ScoreView {
            meeting_id: MeetingId(12),
            computed: b.computed(&f),
            facts: f,
            proposal: Some(CellProposal {
                entries: full(),
                by: "Nguyễn Văn An".into(),
                at: at(5, 10, 0),
            }),
            upper: Some(UpperColumn {
                entries: full(),
                reason: String::new(),
                by: "Trịnh Minh Tuấn".into(),
                at: at(6, 9, 0),
            }),
            explanation: s.cell.explain(&b.sheet),
            result: Some(s),
            basis: b,
            comments: vec![ScoreComment {
                id: 1,
                author: "Lê Văn Cường".into(),
                text: "Đề nghị chấm tiêu chí 3.4 cao hơn vì góp ý thẳng thắn.".into(),
                at: at(5, 11, 0),
            }],
            may: ScorePowers {
                propose: false,
                confirm: true,
                comment: false,
            },
        };
        let json = serde_json::to_string(&view).unwrap();
        assert_eq!(serde_json::from_str::<ScoreView>(&json).unwrap(), view);
    }
}
