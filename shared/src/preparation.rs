//! Preparing a meeting (chuẩn bị sinh hoạt): before the opening, a member of
//! the cell may ask to be excused (xin vắng) with a reason, which whoever
//! manages the cell's meetings accepts or refuses; and may send opinions on
//! agenda items in advance (góp ý trước), editing or withdrawing them until
//! the meeting opens. An accepted request marks the member "absent with
//! reason" on the roll when the meeting opens (the chair may still change the
//! mark); advance opinions are shown to the chair and the secretary in the
//! room and listed in the minutes, never added to the live record. The rules
//! and our decisions: docs/rules.md#preparing-a-meeting.

use crate::access::{Access, Actor};
use crate::error::{FieldError, FieldErrors};
use crate::ids::{MeetingId, MemberId};
use crate::live::limits::MAX_REASON_CHARS;
use crate::meeting::{Meeting, MeetingStatus};
use crate::rules::attendance::{AttendanceMark, Presence};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Characters in an absence request's reason: what the roll's mark can hold
/// (`crate::live::limits::MAX_REASON_CHARS`), since the reason becomes the mark's.
pub const MAX_ABSENCE_REASON_CHARS: usize = MAX_REASON_CHARS;
/// Characters in the note of the decision on an absence request.
pub const MAX_DECISION_NOTE_CHARS: usize = 500;
/// Characters in an opinion sent in advance.
pub const MAX_ADVANCE_OPINION_CHARS: usize = 2000;

/// Where an absence request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AbsenceStatus {
    /// Chờ duyệt.
    #[default]
    Pending,
    /// Được chấp thuận.
    Accepted,
    /// Không chấp thuận.
    Refused,
}

impl AbsenceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AbsenceStatus::Pending => "pending",
            AbsenceStatus::Accepted => "accepted",
            AbsenceStatus::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<AbsenceStatus> {
        [
            AbsenceStatus::Pending,
            AbsenceStatus::Accepted,
            AbsenceStatus::Refused,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            AbsenceStatus::Pending => "Chờ duyệt",
            AbsenceStatus::Accepted => "Được chấp thuận",
            AbsenceStatus::Refused => "Không chấp thuận",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            AbsenceStatus::Pending => "Pending",
            AbsenceStatus::Accepted => "Accepted",
            AbsenceStatus::Refused => "Refused",
        }
    }
}

/// A member's absence request (đơn xin vắng) for one meeting, with its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AbsenceRequest {
    pub meeting_id: MeetingId,
    pub member_id: MemberId,
    pub member_name: String,
    pub reason: String,
    pub status: AbsenceStatus,
    /// The note of whoever decided (may be empty).
    #[serde(default)]
    pub note: String,
    pub requested_at: NaiveDateTime,
    #[serde(default)]
    pub decided_at: Option<NaiveDateTime>,
    /// The display name of the account that decided.
    #[serde(default)]
    pub decided_by: Option<String>,
}

/// What a member sends to ask to be excused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AbsenceRequestDraft {
    pub reason: String,
}

/// The decision on a request: accepted or refused, with an optional note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AbsenceDecision {
    pub accept: bool,
    #[serde(default)]
    pub note: String,
}

/// An opinion a member sent in advance on one agenda item (góp ý trước).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AdvanceOpinion {
    pub meeting_id: MeetingId,
    /// The agenda item's index, from 0.
    pub item: usize,
    pub member_id: MemberId,
    pub member_name: String,
    pub text: String,
    /// When it was first sent, and last edited.
    pub sent_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What a member sends as an opinion on an item (the item is in the address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdvanceOpinionDraft {
    pub text: String,
}

/// A meeting's preparation as the user may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Preparation {
    /// The user may send requests and opinions (a member of the cell, the
    /// meeting not yet opened).
    pub may_prepare: bool,
    /// The user decides absence requests (manages the cell's meetings).
    pub may_decide: bool,
    /// The user sees every advance opinion (the chair, the secretary, the
    /// cell's committee); others see only their own.
    pub sees_all_opinions: bool,
    /// The user's member record in the meeting's cell, if any (to find their
    /// own opinions among all).
    #[serde(default)]
    pub my_member: Option<MemberId>,
    /// The user's own request, if any.
    pub my_request: Option<AbsenceRequest>,
    /// Every request, for who decides them; empty for others.
    pub requests: Vec<AbsenceRequest>,
    /// The opinions the user may see, by item then time sent.
    pub opinions: Vec<AdvanceOpinion>,
    /// How many opinions each agenda item received, for everyone.
    pub opinion_counts: Vec<usize>,
}

/// Why a request or an opinion is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreparationError {
    #[error("Chỉ đảng viên của chi bộ mới gửi được đơn xin vắng và góp ý trước.")]
    NotMember,
    #[error("Buổi sinh hoạt đã khai mạc hoặc đã kết thúc: không gửi, sửa hay rút được nữa.")]
    AlreadyOpened,
    #[error("Vui lòng ghi lý do xin vắng.")]
    ReasonEmpty,
    #[error("Lý do xin vắng tối đa {MAX_ABSENCE_REASON_CHARS} ký tự.")]
    ReasonTooLong,
    #[error("Ghi chú tối đa {MAX_DECISION_NOTE_CHARS} ký tự.")]
    NoteTooLong,
    #[error("Vui lòng nhập nội dung góp ý.")]
    TextEmpty,
    #[error("Góp ý tối đa {MAX_ADVANCE_OPINION_CHARS} ký tự.")]
    TextTooLong,
    #[error("Chương trình không có mục này.")]
    NoSuchItem,
}

impl crate::i18n::Message for PreparationError {
    fn english(&self) -> (&'static str, String) {
        use PreparationError::*;
        match self {
            NotMember => ("not_member", "Only members of the cell can send an absence request or an opinion in advance.".into()),
            AlreadyOpened => ("already_opened", "The meeting has opened or ended: nothing can be sent, changed or withdrawn any more.".into()),
            ReasonEmpty => ("reason_empty", "Please give the reason for the absence.".into()),
            ReasonTooLong => ("reason_too_long", format!("The reason for the absence has at most {MAX_ABSENCE_REASON_CHARS} characters.")),
            NoteTooLong => ("note_too_long", format!("The note has at most {MAX_DECISION_NOTE_CHARS} characters.")),
            TextEmpty => ("text_empty", "Please write the opinion.".into()),
            TextTooLong => ("text_too_long", format!("An opinion has at most {MAX_ADVANCE_OPINION_CHARS} characters.")),
            NoSuchItem => ("no_such_item", "The agenda has no such item.".into()),
        }
    }
}

impl PreparationError {
    /// The field the problem belongs to, for the errors tied to one.
    pub fn field(&self) -> &'static str {
        match self {
            PreparationError::ReasonEmpty | PreparationError::ReasonTooLong => "reason",
            PreparationError::NoteTooLong => "note",
            PreparationError::TextEmpty | PreparationError::TextTooLong => "text",
            PreparationError::NoSuchItem => "item",
            PreparationError::NotMember | PreparationError::AlreadyOpened => "",
        }
    }

    pub fn into_fields(self) -> FieldErrors {
        FieldErrors(vec![FieldError::of(self.field(), &self)])
    }
}

/// Who may send requests and opinions for `meeting`: a member of its cell
/// (not an upper-level visitor, not an administrator without a seat), while
/// the meeting has not opened. Gives the member's id.
pub fn preparing_member(actor: &Actor, meeting: &Meeting) -> Result<MemberId, PreparationError> {
    let seat = actor
        .seat
        .filter(|s| s.cell_id == meeting.cell_id)
        .ok_or(PreparationError::NotMember)?;
    not_opened(meeting)?;
    Ok(seat.member_id)
}

/// Requests and opinions change only while the meeting is registered, not opened.
pub fn not_opened(meeting: &Meeting) -> Result<(), PreparationError> {
    if meeting.status == MeetingStatus::Scheduled {
        Ok(())
    } else {
        Err(PreparationError::AlreadyOpened)
    }
}

/// Who decides absence requests: whoever manages the cell's meetings.
pub fn may_decide(access: Access) -> bool {
    access >= Access::Manage
}

/// Who sees every advance opinion: whoever manages the cell's meetings, and
/// the members registered as the meeting's chair or secretary.
pub fn sees_all_opinions(actor: &Actor, access: Access, meeting: &Meeting) -> bool {
    may_decide(access)
        || actor.seat.is_some_and(|s| {
            s.cell_id == meeting.cell_id
                && (meeting.draft.chair_id == Some(s.member_id)
                    || meeting.draft.secretary_id == Some(s.member_id))
        })
}

fn checked_text(
    text: &str,
    max: usize,
    empty: PreparationError,
    long: PreparationError,
) -> Result<String, PreparationError> {
    let text = crate::text::clean_trimmed(text);
    if text.is_empty() {
        Err(empty)
    } else if text.chars().count() > max {
        Err(long)
    } else {
        Ok(text)
    }
}

impl AbsenceRequestDraft {
    /// The cleaned reason: required, at most `MAX_ABSENCE_REASON_CHARS`.
    pub fn check(&self) -> Result<String, PreparationError> {
        checked_text(
            &self.reason,
            MAX_ABSENCE_REASON_CHARS,
            PreparationError::ReasonEmpty,
            PreparationError::ReasonTooLong,
        )
    }
}

impl AbsenceDecision {
    /// The status and the cleaned note (optional, at most `MAX_DECISION_NOTE_CHARS`).
    pub fn check(&self) -> Result<(AbsenceStatus, String), PreparationError> {
        let note = crate::text::clean_trimmed(&self.note);
        if note.chars().count() > MAX_DECISION_NOTE_CHARS {
            return Err(PreparationError::NoteTooLong);
        }
        let status = if self.accept {
            AbsenceStatus::Accepted
        } else {
            AbsenceStatus::Refused
        };
        Ok((status, note))
    }
}

impl AdvanceOpinionDraft {
    /// The cleaned text for item `item` of an agenda of `agenda_len` items.
    pub fn check(&self, item: usize, agenda_len: usize) -> Result<String, PreparationError> {
        if item >= agenda_len {
            return Err(PreparationError::NoSuchItem);
        }
        checked_text(
            &self.text,
            MAX_ADVANCE_OPINION_CHARS,
            PreparationError::TextEmpty,
            PreparationError::TextTooLong,
        )
    }
}

/// The roll's marks the accepted requests give at the opening: absent with
/// reason, the request's reason as the mark's, in member order.
pub fn excused_marks(requests: &[AbsenceRequest]) -> Vec<AttendanceMark> {
    let mut marks: Vec<AttendanceMark> = requests
        .iter()
        .filter(|r| r.status == AbsenceStatus::Accepted)
        .map(|r| AttendanceMark {
            reason: r.reason.clone(),
            ..AttendanceMark::new(r.member_id, Presence::AbsentWithReason)
        })
        .collect();
    marks.sort_by_key(|m| m.member_id);
    marks.dedup_by_key(|m| m.member_id);
    marks
}

/// How many opinions each of `agenda_len` items received (opinions on items
/// no longer in the agenda are not counted).
pub fn counts_by_item(opinions: &[AdvanceOpinion], agenda_len: usize) -> Vec<usize> {
    let mut counts = vec![0; agenda_len];
    for o in opinions {
        if let Some(c) = counts.get_mut(o.item) {
            *c += 1;
        }
    }
    counts
}

/// The opinions on one item, in the order they were sent.
pub fn on_item(opinions: &[AdvanceOpinion], item: usize) -> Vec<&AdvanceOpinion> {
    let mut out: Vec<&AdvanceOpinion> = opinions.iter().filter(|o| o.item == item).collect();
    out.sort_by_key(|o| (o.sent_at, o.member_id));
    out
}

#[cfg(test)]
mod tests;
