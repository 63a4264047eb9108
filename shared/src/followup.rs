//! Following up the tasks a meeting assigned (rõ người, rõ việc): each task of
//! a closed meeting's record gets a status its owner keeps up to date with a
//! note. The task itself (who, what, by when) stays in the hash-chained
//! record; only its follow-up changes. Lateness is never stored: it is the
//! due date against today's date in Vietnam time. The rules and our
//! decisions: docs/rules.md#following-up-tasks.

use crate::access::Actor;
use crate::error::{FieldError, FieldErrors};
use crate::ids::{MeetingId, OrgId};
use crate::live::state::Task;
use crate::meeting::{AgendaItem, MAX_NOTES_CHARS};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Characters in a follow-up note.
pub const MAX_NOTE_CHARS: usize = 1000;

/// What the owner records: a task is still open, or done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    #[default]
    Open,
    Done,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStatus> {
        [TaskStatus::Open, TaskStatus::Done]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

/// What people see: the recorded status, or "late" for an open task past its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ShownStatus {
    Open,
    Done,
    Late,
}

impl ShownStatus {
    pub fn label_vi(self) -> &'static str {
        match self {
            ShownStatus::Open => "Đang thực hiện",
            ShownStatus::Done => "Đã hoàn thành",
            ShownStatus::Late => "Quá hạn",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ShownStatus::Open => "In progress",
            ShownStatus::Done => "Done",
            ShownStatus::Late => "Late",
        }
    }
}

/// The status shown on `today` (Vietnam's date, `crate::clock`): a task not
/// done is late from the day after its due date; a task without a due date
/// is never late.
pub fn shown_status(status: TaskStatus, due: Option<NaiveDate>, today: NaiveDate) -> ShownStatus {
    match (status, due) {
        (TaskStatus::Done, _) => ShownStatus::Done,
        (TaskStatus::Open, Some(due)) if today > due => ShownStatus::Late,
        (TaskStatus::Open, _) => ShownStatus::Open,
    }
}

/// Whether the actor may update a task of a meeting of `cell`: the member it
/// was assigned to, and the cell's secretary, deputy and committee members
/// (who also answer for tasks given to "Chi ủy" or to nobody by name).
/// Upper levels and administrators read, they do not report for the cell.
pub fn may_update(actor: &Actor, cell: OrgId, task: &Task) -> bool {
    actor.seat.is_some_and(|seat| {
        seat.cell_id == cell
            && (task.assignee == Some(seat.member_id) || seat.role.on_cell_committee())
    })
}

/// Why an update is refused, each tied to its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FollowUpError {
    #[error("Trạng thái “quá hạn” được tính từ hạn hoàn thành, không chọn được.")]
    LateIsDerived,
    #[error("Ghi chú tối đa {MAX_NOTE_CHARS} ký tự.")]
    NoteTooLong,
    #[error("Khi mở lại một việc đã hoàn thành, cần ghi lý do.")]
    ReopenWithoutNote,
}

impl crate::i18n::Message for FollowUpError {
    fn english(&self) -> (&'static str, String) {
        use FollowUpError::*;
        match self {
            LateIsDerived => (
                "late_is_derived",
                "The status “overdue” follows from the due date and cannot be chosen.".into(),
            ),
            NoteTooLong => (
                "note_too_long",
                format!("The note has at most {MAX_NOTE_CHARS} characters."),
            ),
            ReopenWithoutNote => (
                "reopen_without_note",
                "Give the reason when reopening a finished task.".into(),
            ),
        }
    }
}

impl FollowUpError {
    pub fn field(&self) -> &'static str {
        match self {
            FollowUpError::LateIsDerived => "status",
            FollowUpError::NoteTooLong | FollowUpError::ReopenWithoutNote => "note",
        }
    }
}

/// An owner's update: the new status and a note on how it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskUpdate {
    /// `open` or `done`; `late` is refused (it is derived).
    pub status: ShownStatus,
    #[serde(default)]
    pub note: String,
}

impl TaskUpdate {
    /// The status to store and the cleaned note, or every problem found.
    /// `current` is the status stored now: reopening a done task needs a note.
    pub fn check(&self, current: TaskStatus) -> Result<(TaskStatus, String), FieldErrors> {
        let note = crate::text::clean_trimmed(&self.note);
        let mut problems = Vec::new();
        let status = match self.status {
            ShownStatus::Open => TaskStatus::Open,
            ShownStatus::Done => TaskStatus::Done,
            ShownStatus::Late => {
                problems.push(FollowUpError::LateIsDerived);
                TaskStatus::Open
            }
        };
        if note.chars().count() > MAX_NOTE_CHARS {
            problems.push(FollowUpError::NoteTooLong);
        }
        if current == TaskStatus::Done && status == TaskStatus::Open && note.is_empty() {
            problems.push(FollowUpError::ReopenWithoutNote);
        }
        if problems.is_empty() {
            Ok((status, note))
        } else {
            Err(FieldErrors(
                problems
                    .iter()
                    .map(|p| FieldError::of(p.field(), p))
                    .collect(),
            ))
        }
    }
}

/// A stored follow-up of one task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub status: TaskStatus,
    pub note: String,
    pub updated_at: NaiveDateTime,
    /// The display name of the account that updated it.
    pub updated_by: String,
}

/// A task of a closed meeting with its follow-up, as the API gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TaskView {
    pub meeting_id: MeetingId,
    pub meeting_title: String,
    pub meeting_starts_at: NaiveDateTime,
    /// The task's place among the meeting's tasks, from 0.
    pub index: usize,
    pub task: Task,
    /// The status shown today.
    pub status: ShownStatus,
    /// The last update, if the task was ever updated.
    pub follow_up: Option<FollowUp>,
    /// Whether the asking user may update it.
    pub may_update: bool,
}

impl TaskView {
    /// The view of a task on `today`.
    pub fn new(
        meeting: &crate::meeting::Meeting,
        index: usize,
        task: Task,
        follow_up: Option<FollowUp>,
        today: NaiveDate,
        may_update: bool,
    ) -> TaskView {
        let stored = follow_up.as_ref().map_or(TaskStatus::Open, |f| f.status);
        TaskView {
            meeting_id: meeting.id,
            meeting_title: meeting.draft.title.clone(),
            meeting_starts_at: meeting.draft.starts_at,
            index,
            status: shown_status(stored, task.due, today),
            task,
            follow_up,
            may_update,
        }
    }
}

/// One line of a task for the minutes and the agenda's notes:
/// "Nguyễn Văn An: Hoàn thành báo cáo (hạn 15/12/2026) — Đã hoàn thành. Ghi chú".
pub fn task_line(view: &TaskView) -> String {
    let mut line = format!("{}: {}", view.task.assignee_name, view.task.what);
    if let Some(due) = view.task.due {
        line.push_str(&format!(" (hạn {})", due.format("%d/%m/%Y")));
    }
    line.push_str(" — ");
    line.push_str(view.status.label_vi());
    if let Some(note) = view.follow_up.as_ref().filter(|f| !f.note.is_empty()) {
        line.push_str(". ");
        line.push_str(&note.note);
    }
    line
}

/// The agenda item where last month's resolution is reviewed.
pub const REVIEW_ITEM_TITLES: [&str; 2] = [
    "Kiểm điểm việc thực hiện nghị quyết tháng trước",
    "Đánh giá kết quả thực hiện nhiệm vụ trong tháng và nghị quyết kỳ trước",
];

/// Fills the notes of the agenda's review item with the previous meeting's
/// tasks and their statuses, when the item is there and its notes are empty
/// (what the secretary typed is kept). Cut to the notes' limit. Returns
/// whether it filled anything.
pub fn prefill_review(agenda: &mut [AgendaItem], previous: &[TaskView]) -> bool {
    if previous.is_empty() {
        return false;
    }
    let item = REVIEW_ITEM_TITLES
        .iter()
        .find_map(|t| agenda.iter().position(|i| i.title == *t));
    let Some(item) = item.and_then(|i| agenda.get_mut(i)) else {
        return false;
    };
    if !item.notes.trim().is_empty() {
        return false;
    }
    let mut notes = String::from("Việc được giao ở kỳ trước:");
    for (i, view) in previous.iter().enumerate() {
        notes.push_str(&format!("\n{}. {}", i + 1, task_line(view)));
    }
    item.notes = notes.chars().take(MAX_NOTES_CHARS).collect();
    true
}

/// A closed meeting of the cell whose resolution was voted and passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassedResolution {
    pub meeting: MeetingId,
    pub closed_at: NaiveDateTime,
}

/// The resolution's place in the cell's register: the n-th resolution the
/// cell passed in the calendar year (Vietnam time) of its closing, counted
/// by closing time (then meeting id) from the cell's closed meetings. `None`
/// when `this` is not among `passed`.
pub fn resolution_ordinal(passed: &[PassedResolution], this: MeetingId) -> Option<u32> {
    let me = passed.iter().find(|p| p.meeting == this)?;
    let key = |p: &PassedResolution| (p.closed_at, p.meeting.0);
    let before = passed
        .iter()
        .filter(|p| p.closed_at.year() == me.closed_at.year() && key(p) <= key(me))
        .count();
    u32::try_from(before).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::CellSeat;
    use crate::ids::{AccountId, MemberId};
    use crate::meeting::{MeetingKind, standard_agenda};
    use crate::member::CellRole;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn task(assignee: Option<i64>, due: Option<NaiveDate>) -> Task {
        Task {
            assignee: assignee.map(MemberId),
            assignee_name: "Nguyễn Văn An".into(),
            what: "Hoàn thành báo cáo quý".into(),
            due,
        }
    }

    fn actor(cell: i64, member: i64, role: CellRole) -> Actor {
        Actor {
            account_id: AccountId(1),
            is_admin: false,
            seat: Some(CellSeat {
                cell_id: OrgId(cell),
                member_id: MemberId(member),
                role,
            }),
            committee_of: vec![],
            assigned_cells: vec![OrgId(cell)],
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn a_task_not_done_is_late_from_the_day_after_its_due_date() {
        let due = Some(day(2026, 12, 15));
        let open = TaskStatus::Open;
        assert_eq!(
            shown_status(open, due, day(2026, 12, 15)),
            ShownStatus::Open
        );
        assert_eq!(
            shown_status(open, due, day(2026, 12, 16)),
            ShownStatus::Late
        );
        let done = TaskStatus::Done;
        assert_eq!(shown_status(done, due, day(2027, 1, 1)), ShownStatus::Done);
        assert_eq!(shown_status(open, None, day(2099, 1, 1)), ShownStatus::Open);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_owner_and_the_cells_committee_update_others_do_not() {
        let t = task(Some(7), None);
        assert!(may_update(&actor(3, 7, CellRole::Member), OrgId(3), &t));
        assert!(may_update(&actor(3, 1, CellRole::Secretary), OrgId(3), &t));
        assert!(may_update(
            &actor(3, 2, CellRole::CommitteeMember),
            OrgId(3),
            &t
        ));
        assert!(!may_update(&actor(3, 8, CellRole::Member), OrgId(3), &t));
        // The secretary of another cell, an upper-level member, an administrator.
        assert!(!may_update(&actor(4, 1, CellRole::Secretary), OrgId(3), &t));
        let mut upper = actor(3, 7, CellRole::Member);
        upper.seat = None;
        upper.is_admin = true;
        assert!(!may_update(&upper, OrgId(3), &t));
        // A task given to the committee: its members answer for it.
        let committee = task(None, None);
        assert!(!may_update(
            &actor(3, 7, CellRole::Member),
            OrgId(3),
            &committee
        ));
        assert!(may_update(
            &actor(3, 2, CellRole::DeputySecretary),
            OrgId(3),
            &committee
        ));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn an_update_is_checked_whole_with_its_fields() {
        let done = TaskUpdate {
            status: ShownStatus::Done,
            note: "  Đã gửi\u{7} báo cáo ".into(),
        };
        assert_eq!(
            done.check(TaskStatus::Open),
            Ok((TaskStatus::Done, "Đã gửi báo cáo".into()))
        );
        let bad = TaskUpdate {
            status: ShownStatus::Late,
            note: "x".repeat(MAX_NOTE_CHARS + 1),
        };
        let errors = bad.check(TaskStatus::Open).unwrap_err();
        assert!(errors.message_for("status").is_some());
        assert!(errors.message_for("note").is_some());
        // Reopening needs a reason; marking done again or keeping open does not.
        let reopen = TaskUpdate {
            status: ShownStatus::Open,
            note: " ".into(),
        };
        assert_eq!(
            reopen
                .check(TaskStatus::Done)
                .unwrap_err()
                .message_for("note"),
            Some("Khi mở lại một việc đã hoàn thành, cần ghi lý do.")
        );
        assert!(reopen.check(TaskStatus::Open).is_ok());
        let exact = TaskUpdate {
            status: ShownStatus::Done,
            note: "đ".repeat(MAX_NOTE_CHARS),
        };
        assert!(exact.check(TaskStatus::Done).is_ok());
    }

    fn view(status: TaskStatus, note: &str) -> TaskView {
        let meeting = crate::meeting::Meeting {
            id: MeetingId(5),
            cell_id: OrgId(3),
            registered_at: day(2026, 11, 1).and_hms_opt(8, 0, 0).unwrap(),
            status: crate::meeting::MeetingStatus::Closed,
            late_documents: None,
            draft: crate::meeting::MeetingDraft {
                kind: MeetingKind::Regular,
                title: "Sinh hoạt tháng 11".into(),
                starts_at: day(2026, 11, 5).and_hms_opt(8, 0, 0).unwrap(),
                mode: crate::meeting::MeetingMode::InPerson,
                place: "Hội trường".into(),
                video_link: String::new(),
                chair_id: None,
                secretary_id: None,
                agenda: vec![],
            },
            cancelled: None,
            rescheduled: None,
        };
        let follow_up = (status == TaskStatus::Done).then(|| FollowUp {
            status,
            note: note.into(),
            updated_at: day(2026, 11, 20).and_hms_opt(9, 0, 0).unwrap(),
            updated_by: "Nguyễn Văn An".into(),
        });
        TaskView::new(
            &meeting,
            0,
            task(Some(1), Some(day(2026, 11, 30))),
            follow_up,
            day(2026, 12, 3),
            false,
        )
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_review_item_is_prefilled_with_last_months_tasks() {
        let tasks = [view(TaskStatus::Done, "Đã nộp"), view(TaskStatus::Open, "")];
        assert_eq!(tasks[1].status, ShownStatus::Late);
        let mut agenda = standard_agenda(MeetingKind::Regular);
        assert!(prefill_review(&mut agenda, &tasks));
        let item = agenda
            .iter()
            .find(|i| i.title == REVIEW_ITEM_TITLES[1])
            .unwrap();
        assert_eq!(
            item.notes,
            "Việc được giao ở kỳ trước:\n\
             1. Nguyễn Văn An: Hoàn thành báo cáo quý (hạn 30/11/2026) — Đã hoàn thành. Đã nộp\n\
             2. Nguyễn Văn An: Hoàn thành báo cáo quý (hạn 30/11/2026) — Quá hạn"
        );
        // Notes already typed are kept; an agenda without the item is left alone.
        assert!(!prefill_review(&mut agenda, &tasks));
        let mut thematic = standard_agenda(MeetingKind::Thematic);
        assert!(!prefill_review(&mut thematic, &tasks));
        assert!(!prefill_review(
            &mut standard_agenda(MeetingKind::Regular),
            &[]
        ));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn resolutions_are_numbered_per_cell_and_calendar_year() {
        let at = |y, m, d| day(y, m, d).and_hms_opt(10, 0, 0).unwrap();
        let passed = [
            PassedResolution {
                meeting: MeetingId(40),
                closed_at: at(2026, 12, 5),
            },
            PassedResolution {
                meeting: MeetingId(9),
                closed_at: at(2026, 1, 6),
            },
            PassedResolution {
                meeting: MeetingId(41),
                closed_at: at(2027, 1, 5),
            },
            PassedResolution {
                meeting: MeetingId(20),
                closed_at: at(2026, 6, 5),
            },
        ];
        let n = |id| resolution_ordinal(&passed, MeetingId(id));
        assert_eq!(
            (n(9), n(20), n(40), n(41)),
            (Some(1), Some(2), Some(3), Some(1))
        );
        assert_eq!(n(99), None, "a meeting whose resolution did not pass");
    }
}
