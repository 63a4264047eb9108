//! The minutes (biên bản) and the resolution (nghị quyết) of a closed meeting,
//! drawn from its record: nobody retypes what the record already holds. The
//! layout follows docs/rules.md#minutes-and-resolution; the app prints it (A4)
//! and the server writes it as a Word document.

use super::state::{Choice, LiveState, Speaker, Task};
use crate::followup::TaskView;
use crate::meeting::Meeting;
use crate::preparation::AdvanceOpinion;
use crate::rules::attendance::AttendanceFigures;
use crate::rules::vote::VoteKind;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Said of a meeting closed without a live record kept here (the bloc-sized
/// demo data's, or one held before the software), instead of empty minutes
/// or a score sheet computed from nothing.
pub const NO_RECORD: &str = "Buổi sinh hoạt này đã kết thúc nhưng không có biên bản trực tuyến trong hệ thống: chỉ có số liệu tổng hợp (có mặt, phát biểu, thời lượng, điểm đã chấm).";

/// Whether a meeting is closed without a record to draw minutes from.
pub fn closed_without_record(live: &LiveState, meeting: &Meeting) -> bool {
    meeting.status == crate::meeting::MeetingStatus::Closed && live.opened_at.is_none()
}

/// Names the record itself does not hold: the organizations. Visitors are
/// named by the record (their arrival), never looked up among accounts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Names {
    /// The upper committee, e.g. "Đảng bộ Cục Quản lý thị trường".
    pub committee: String,
    /// The cell, e.g. "Chi bộ Văn phòng".
    pub cell: String,
}

/// What the cell's register holds beyond this meeting's record: the
/// resolution's number in the year and the previous meeting's tasks with
/// their follow-up (mutable data, so never part of the record itself).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Register {
    /// The n-th resolution the cell passed this calendar year
    /// (`crate::followup::resolution_ordinal`); `None` when not passed or unknown.
    pub resolution_ordinal: Option<u32>,
    /// The tasks of the cell's previous closed meeting, with their statuses.
    pub previous_tasks: Vec<TaskView>,
    /// Opinions members sent in advance on the agenda's items (góp ý trước).
    #[serde(default)]
    pub advance_opinions: Vec<AdvanceOpinion>,
    /// The meeting's score once the upper level confirmed it.
    #[serde(default)]
    pub score: Option<crate::scoring::ScoreSummary>,
}

/// An opinion sent before the meeting, as the minutes list it under its item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AdvanceOpinionLine {
    pub author: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SpokenOpinion {
    pub author: String,
    /// An upper-level committee member's opinion, marked as such.
    pub upper_level: bool,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MinutesItem {
    pub number: usize,
    pub title: String,
    pub presenter: String,
    /// Who took the floor on this item, in order, each once.
    pub speakers: Vec<String>,
    pub opinions: Vec<SpokenOpinion>,
    /// Opinions sent in advance on this item, in the order sent.
    #[serde(default)]
    pub advance_opinions: Vec<AdvanceOpinionLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VoteLine {
    pub question: String,
    pub kind: VoteKind,
    pub secret: bool,
    pub in_favour: u32,
    pub against: u32,
    pub abstain: u32,
    pub denominator: u32,
    pub passed: bool,
    /// The rules' own sentence: the count, the threshold and the result.
    pub explanation: String,
    /// How the ballots were cast: online, by members themselves…
    pub online: u32,
    /// …and in the room (recorded by the chair, the secretary or a counter,
    /// or counted from paper ballots).
    pub in_room: u32,
}

/// Everything a biên bản shows, in its order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Minutes {
    pub committee: String,
    pub cell: String,
    pub title: String,
    pub kind: String,
    pub starts_at: NaiveDateTime,
    pub opened_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub place: String,
    pub chair: String,
    pub secretary: String,
    pub attendance: AttendanceFigures,
    pub guests: Vec<String>,
    pub items: Vec<MinutesItem>,
    pub votes: Vec<VoteLine>,
    pub conclusion: String,
    pub tasks: Vec<Task>,
    /// The previous meeting's tasks with their statuses, from the register;
    /// empty when there are none or they were not looked up.
    #[serde(default)]
    pub previous_tasks: Vec<TaskView>,
    /// The resolution's number in the cell's year, from the register.
    #[serde(default)]
    pub resolution_ordinal: Option<u32>,
    /// The secretary's own notes.
    pub notes: String,
    /// When the cell adopted the minutes; `None` if it did not (the documents
    /// then say nothing of an adoption).
    pub adopted_at: Option<NaiveDateTime>,
    /// The hash of the last event: anyone can check the record against it.
    pub digest: String,
    /// The score (chấm điểm), only once the upper level confirmed it.
    #[serde(default)]
    pub score: Option<crate::scoring::ScoreSummary>,
}

impl Minutes {
    /// The resolution's number, "01-NQ/CB", "02-NQ/CB"…: the n-th resolution
    /// the cell passed in the year; only for a resolution that passed (a
    /// failed vote is in the minutes and takes no number) and whose place in
    /// the register is known.
    pub fn resolution_number(&self) -> Option<String> {
        self.resolution_vote()
            .filter(|v| v.passed)
            .and(self.resolution_ordinal)
            .map(|n| format!("{n:02}-NQ/CB"))
    }

    /// Whether the resolution's vote passed (the resolution is issued).
    pub fn resolution_passed(&self) -> bool {
        self.resolution_vote().is_some_and(|v| v.passed)
    }

    /// The vote on the resolution, if one was held.
    pub fn resolution_vote(&self) -> Option<&VoteLine> {
        self.votes
            .iter()
            .rev()
            .find(|v| v.kind == VoteKind::Resolution)
    }
}

fn speaker_name(state: &LiveState, s: Speaker) -> String {
    match s {
        Speaker::Member(m) => state
            .roll_entry(m)
            .map(|r| r.full_name.clone())
            .unwrap_or_else(|| format!("Đảng viên #{m}")),
        Speaker::Visitor(a) => state
            .visitor(a)
            .map(|v| v.name.clone())
            .unwrap_or_else(|| format!("Đại biểu cấp trên #{a}")),
    }
}

/// Draws the minutes from the record, with what only the register knows.
pub fn minutes(
    state: &LiveState,
    meeting: &Meeting,
    names: &Names,
    register: &Register,
    digest: &str,
) -> Minutes {
    let name = |s| speaker_name(state, s);
    let member_name =
        |m: Option<crate::ids::MemberId>| m.map(|m| name(Speaker::Member(m))).unwrap_or_default();
    let items = state
        .agenda
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let mut speakers: Vec<String> = Vec::new();
            for t in state.turns.iter().filter(|t| t.item == i) {
                let n = name(t.speaker);
                if !speakers.contains(&n) {
                    speakers.push(n);
                }
            }
            MinutesItem {
                number: i + 1,
                title: item.title.clone(),
                presenter: item.presenter.clone(),
                speakers,
                opinions: state
                    .opinions
                    .iter()
                    .filter(|o| o.item == i)
                    .map(|o| SpokenOpinion {
                        author: name(o.author),
                        upper_level: matches!(o.author, Speaker::Visitor(_)),
                        text: o.text.clone(),
                    })
                    .collect(),
                advance_opinions: crate::preparation::on_item(&register.advance_opinions, i)
                    .into_iter()
                    .map(|o| AdvanceOpinionLine {
                        author: o.member_name.clone(),
                        text: o.text.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    let votes = state
        .votes
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let tally = v.tally?;
            let outcome = state.vote_outcome(i)?.ok()?;
            let recorded = v.ballots.iter().filter(|b| b.recorded_by.is_some()).count();
            let in_room = u32::try_from(recorded)
                .unwrap_or(u32::MAX)
                .saturating_add(v.paper.map_or(0, |p| p.cast()));
            Some(VoteLine {
                question: v.question.clone(),
                kind: v.plan.kind,
                secret: v.plan.ballot == crate::rules::vote::Ballot::Secret,
                in_favour: tally.in_favour,
                against: tally.against,
                abstain: tally.abstain,
                denominator: outcome.denominator,
                passed: outcome.passed,
                explanation: outcome.explanation,
                online: tally.cast().saturating_sub(in_room),
                in_room,
            })
        })
        .collect();
    // Only visitors whose arrival is recorded: nobody is listed who did not come.
    let guests: Vec<String> = state.visitors.iter().map(|v| v.name.clone()).collect();
    Minutes {
        committee: names.committee.clone(),
        cell: names.cell.clone(),
        title: meeting.draft.title.clone(),
        kind: meeting.draft.kind.label_vi().to_string(),
        starts_at: meeting.draft.starts_at,
        opened_at: state.opened_at,
        closed_at: state.closed_at,
        place: [meeting.draft.place.as_str(), meeting.draft.mode.label_vi()]
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" – "),
        chair: member_name(state.chair),
        secretary: member_name(state.secretary),
        attendance: state.attendance_figures(),
        guests,
        items,
        votes,
        conclusion: state.conclusion.clone(),
        tasks: state.tasks.clone(),
        previous_tasks: register.previous_tasks.clone(),
        resolution_ordinal: register
            .resolution_ordinal
            .filter(|_| state.closed_at.is_some()),
        notes: state.minutes.clone(),
        adopted_at: state.minutes_adopted_at,
        digest: digest.to_string(),
        score: register.score.clone().filter(|_| state.closed_at.is_some()),
    }
}

/// A choice in words, for tallies printed in full.
pub fn choice_vi(c: Choice) -> &'static str {
    match c {
        Choice::InFavour => "Tán thành",
        Choice::Against => "Không tán thành",
        Choice::Abstain => "Không biểu quyết",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AccountId;
    use crate::ids::{MeetingId, MemberId, OrgId};
    use crate::live::state::{Command, Setup, apply, decide};
    use crate::meeting::{MeetingDraft, MeetingKind, MeetingMode, MeetingStatus, standard_agenda};
    use crate::member::PartyStatus;
    use crate::rules::RuleSet;
    use crate::rules::attendance::{AttendanceMark, Presence, RosterEntry};
    use crate::rules::vote::Ballot;
    use chrono::NaiveDate;

    #[test]
    fn the_minutes_come_out_of_the_record() {
        let now = NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        let roll: Vec<RosterEntry> = [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Lê Văn Cường",
            "Phạm Thị Dung",
        ]
        .iter()
        .enumerate()
        .map(|(i, n)| RosterEntry {
            member_id: MemberId(i as i64 + 1),
            full_name: n.to_string(),
            status: if i == 3 {
                PartyStatus::Probationary
            } else {
                PartyStatus::Full
            },
            attached_elsewhere: false,
        })
        .collect();
        let meeting = Meeting {
            id: MeetingId(12),
            cell_id: OrgId(3),
            registered_at: now,
            status: MeetingStatus::Closed,
            late_documents: None,
            draft: MeetingDraft {
                kind: MeetingKind::Regular,
                title: "Sinh hoạt tháng 12".into(),
                starts_at: now,
                mode: MeetingMode::InPerson,
                place: "Hội trường".into(),
                video_link: String::new(),
                chair_id: Some(MemberId(1)),
                secretary_id: Some(MemberId(2)),
                agenda: standard_agenda(MeetingKind::Regular),
            },
            cancelled: None,
            rescheduled: None,
        };
        let mut state = LiveState::new(
            meeting.id,
            Setup {
                agenda: meeting.draft.agenda.clone(),
                rules: RuleSet::national_default().meeting_rules(),
                roll,
                chair: Some(MemberId(1)),
                secretary: Some(MemberId(2)),
                starts_at: Some(now),
                excused: Vec::new(),
            },
        );
        let chair = Speaker::Member(MemberId(1));
        let who = |id: i64| Speaker::Member(MemberId(id));
        let visitor = Speaker::Visitor(AccountId(77));
        let run = |state: &mut LiveState, c: Speaker, cmd: Command| {
            for e in decide(state, c, &cmd, now).unwrap() {
                apply(state, &e);
            }
        };
        // Closed in the register with nothing recorded: said, not printed empty.
        assert!(closed_without_record(&state, &meeting));
        run(
            &mut state,
            chair,
            Command::Open {
                confirm_early: false,
            },
        );
        assert!(!closed_without_record(&state, &meeting));
        run(
            &mut state,
            visitor,
            Command::VisitorArrives {
                name: "Trịnh Minh Tuấn".into(),
            },
        );
        for id in 1..=3 {
            run(
                &mut state,
                chair,
                Command::Mark {
                    mark: AttendanceMark::new(MemberId(id), Presence::InPerson),
                },
            );
        }
        let mut away = AttendanceMark::new(MemberId(4), Presence::AbsentWithReason);
        away.reason = "Đi công tác".into();
        run(&mut state, chair, Command::Mark { mark: away });
        run(&mut state, chair, Command::MoveTo { item: 3 });
        run(
            &mut state,
            chair,
            Command::GiveFloor {
                speaker: Speaker::Member(MemberId(3)),
            },
        );
        run(
            &mut state,
            who(3),
            Command::Opine {
                text: "Đề nghị giao chỉ tiêu cụ thể.".into(),
                on_behalf_of: None,
            },
        );
        run(
            &mut state,
            chair,
            Command::GiveFloor {
                speaker: Speaker::Visitor(AccountId(77)),
            },
        );
        run(
            &mut state,
            visitor,
            Command::Opine {
                text: "Chi bộ cần chú ý công tác phát triển đảng.".into(),
                on_behalf_of: None,
            },
        );
        run(
            &mut state,
            chair,
            Command::OpenVote {
                kind: VoteKind::Resolution,
                ballot: Ballot::Open,
                question: "Thông qua nghị quyết".into(),
            },
        );
        for id in 1..=3 {
            run(
                &mut state,
                who(id),
                Command::Cast {
                    vote: 0,
                    choice: Choice::InFavour,
                },
            );
        }
        run(&mut state, chair, Command::CloseVote { vote: 0 });
        run(&mut state, chair, Command::Close);

        let names = Names {
            committee: "Đảng bộ Cục Quản lý thị trường".into(),
            cell: "Chi bộ Văn phòng".into(),
        };
        let m = minutes(&state, &meeting, &names, &Register::default(), "abcd");
        assert_eq!(
            m.resolution_number(),
            None,
            "its place in the register is unknown"
        );
        assert!(m.resolution_passed());
        let sent = |item: usize, member: i64, name: &str, text: &str, minute: i64| AdvanceOpinion {
            meeting_id: meeting.id,
            item,
            member_id: MemberId(member),
            member_name: name.into(),
            text: text.into(),
            sent_at: now - chrono::Duration::days(1) + chrono::Duration::minutes(minute),
            updated_at: now - chrono::Duration::days(1) + chrono::Duration::minutes(minute),
        };
        let register = Register {
            resolution_ordinal: Some(3),
            previous_tasks: Vec::new(),
            advance_opinions: vec![
                sent(3, 4, "Phạm Thị Dung", "Đề nghị nêu rõ người phụ trách.", 30),
                sent(0, 2, "Trần Thị Bình", "Cần cập nhật chỉ thị mới.", 20),
                sent(3, 2, "Trần Thị Bình", "Bổ sung thời hạn hoàn thành.", 10),
                sent(
                    99,
                    2,
                    "Trần Thị Bình",
                    "Mục không còn trong chương trình.",
                    5,
                ),
            ],
            score: None,
        };
        let m = minutes(&state, &meeting, &names, &register, "abcd");
        assert_eq!(
            (
                m.attendance.total,
                m.attendance.present,
                m.attendance.absent_with_reason
            ),
            (4, 3, 1)
        );
        assert_eq!(
            m.attendance.names.absent_with_reason[0].reason,
            "Đi công tác"
        );
        assert_eq!(m.chair, "Nguyễn Văn An");
        assert_eq!(m.secretary, "Trần Thị Bình");
        assert_eq!(m.guests, ["Trịnh Minh Tuấn"]);
        assert_eq!(m.items[3].speakers, ["Lê Văn Cường", "Trịnh Minh Tuấn"]);
        assert!(m.items[3].opinions[1].upper_level);
        // Sent in advance: under their item, in the order sent, with the author.
        assert_eq!(
            m.items[3]
                .advance_opinions
                .iter()
                .map(|o| (o.author.as_str(), o.text.as_str()))
                .collect::<Vec<_>>(),
            [
                ("Trần Thị Bình", "Bổ sung thời hạn hoàn thành."),
                ("Phạm Thị Dung", "Đề nghị nêu rõ người phụ trách.")
            ]
        );
        assert_eq!(m.items[0].advance_opinions.len(), 1);
        assert!(m.items[1].advance_opinions.is_empty());
        assert_eq!(
            m.items
                .iter()
                .map(|i| i.advance_opinions.len())
                .sum::<usize>(),
            3
        );
        let vote = m.resolution_vote().unwrap();
        assert_eq!(
            (vote.in_favour, vote.denominator, vote.passed),
            (3, 3, true)
        );
        assert_eq!(m.resolution_number().as_deref(), Some("03-NQ/CB"));
        assert_eq!((vote.online, vote.in_room), (3, 0));
        assert_eq!(m.adopted_at, None, "no adoption was recorded");
        assert_eq!(m.place, "Hội trường – Trực tiếp");
    }
}
