//! The live meeting's state machine. A participant's `Command` is checked by
//! `decide` against the current state and turned into `Event`s; `apply` folds
//! an event into the state. The browser runs `decide` before sending (to refuse
//! at once) and `apply` to render; the server runs both again and is the
//! authority: only events it stored and numbered exist.

use crate::ids::{AccountId, MeetingId, MemberId};
use crate::meeting::AgendaItem;
use crate::rules::MeetingRules;
use crate::rules::attendance::{self, AttendanceFigures, AttendanceMark, Presence, RosterEntry};
use crate::rules::vote::{
    self, Ballot, Participant, VoteKind, VoteOutcome, VotePlan, VoteRefusal, VoteTally,
};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// Who speaks or writes: a member of the cell, or an upper-level committee
/// member attending (cấp ủy viên cấp trên dự sinh hoạt), who never votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Speaker {
    Member(MemberId),
    Visitor(AccountId),
}

/// A member's choice in a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    InFavour,
    Against,
    Abstain,
}

/// A task the chair assigns in concluding (rõ người, rõ việc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Task {
    pub assignee: Option<MemberId>,
    /// Who, in words (a member's name, or "Chi ủy").
    pub assignee_name: String,
    pub what: String,
    pub due: Option<NaiveDate>,
}

/// An opinion given on an agenda item (ý kiến phát biểu).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opinion {
    pub item: usize,
    pub author: Speaker,
    pub text: String,
    /// Set when the meeting's secretary noted it on the author's behalf.
    pub noted_by: Option<Speaker>,
    pub at: NaiveDateTime,
}

/// The phase of the meeting: a closed meeting's record is frozen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    NotStarted,
    InProgress,
    Closed,
}

/// The floor: who speaks now, since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Floor {
    pub speaker: Speaker,
    pub item: usize,
    pub since: NaiveDateTime,
}

/// One turn at the floor, for "who spoke on each item".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub speaker: Speaker,
    pub item: usize,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
}

/// What a participant asks for. The server stamps the time; the caller never does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// The chair opens the meeting.
    Open,
    /// The chair moves to an agenda item (forward or back).
    MoveTo {
        item: usize,
    },
    /// A member marks themself present online.
    CheckIn,
    /// An upper-level visitor records their arrival. The server fills `name`
    /// from the visitor's account, whatever the client sent.
    VisitorArrives {
        #[serde(default)]
        name: String,
    },
    /// The chair or secretary marks a member.
    Mark {
        mark: AttendanceMark,
    },
    RaiseHand,
    WithdrawHand,
    /// The chair gives the floor to someone in the queue (or anyone present).
    GiveFloor {
        speaker: Speaker,
    },
    /// The speaker or the chair ends the current turn.
    EndFloor,
    /// An opinion on the current item; `on_behalf_of` when the secretary notes it.
    Opine {
        text: String,
        on_behalf_of: Option<Speaker>,
    },
    /// The chair opens a vote.
    OpenVote {
        kind: VoteKind,
        ballot: Ballot,
        question: String,
    },
    Cast {
        vote: usize,
        choice: Choice,
    },
    /// The chair closes the vote; the rules decide the result.
    CloseVote {
        vote: usize,
    },
    /// The secretary (or chair) edits the minutes' free text.
    EditMinutes {
        text: String,
    },
    /// The chair records the conclusion.
    Conclude {
        text: String,
    },
    AssignTask {
        task: Task,
    },
    /// The chair closes the meeting: the record freezes.
    Close,
}

/// What happened. Events are facts: `apply` never refuses one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The roll and the agenda are fixed as the meeting opens, so replaying the
    /// log gives the same meeting whatever changes in the cell afterwards.
    Opened {
        at: NaiveDateTime,
        roll: Vec<RosterEntry>,
        agenda: Vec<AgendaItem>,
    },
    MovedTo {
        item: usize,
        at: NaiveDateTime,
    },
    Marked {
        mark: AttendanceMark,
        by: Speaker,
    },
    /// Đại biểu cấp trên dự: an upper-level committee member joined.
    VisitorArrived {
        visitor: Visitor,
    },
    HandRaised {
        speaker: Speaker,
        at: NaiveDateTime,
    },
    HandWithdrawn {
        speaker: Speaker,
    },
    FloorGiven {
        speaker: Speaker,
        at: NaiveDateTime,
    },
    FloorEnded {
        at: NaiveDateTime,
    },
    Opined {
        opinion: Opinion,
    },
    /// The plan (who may vote, the denominator, the threshold) is fixed as the vote opens.
    VoteOpened {
        vote: usize,
        plan: VotePlan,
        question: String,
        at: NaiveDateTime,
    },
    /// `choice` is `None` where participants may not see it (a secret ballot still open).
    Cast {
        vote: usize,
        member: MemberId,
        choice: Option<Choice>,
    },
    VoteClosed {
        vote: usize,
        tally: VoteTally,
        at: NaiveDateTime,
    },
    MinutesEdited {
        text: String,
        by: Speaker,
    },
    Concluded {
        text: String,
    },
    TaskAssigned {
        task: Task,
    },
    Closed {
        at: NaiveDateTime,
    },
}

/// An upper-level committee member attending (đại biểu cấp trên dự họp).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visitor {
    pub account: AccountId,
    pub name: String,
    pub arrived_at: NaiveDateTime,
}

/// One vote held in the meeting. Its result is not stored: the rules derive it
/// from the plan and the tally, the same way everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRecord {
    pub plan: VotePlan,
    pub question: String,
    pub opened_at: NaiveDateTime,
    /// Who voted; the choice is hidden (`None`) from participants during a secret ballot.
    pub ballots: BTreeMap<MemberId, Option<Choice>>,
    /// The count, fixed when the vote closes.
    pub tally: Option<VoteTally>,
    pub closed_at: Option<NaiveDateTime>,
}

/// The meeting's whole state, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveState {
    pub meeting_id: MeetingId,
    /// The sequence number of the last event applied.
    pub seq: u64,
    pub phase: Phase,
    pub agenda: Vec<AgendaItem>,
    pub current_item: usize,
    /// The attendance and vote rules of the set the cell's committee chose.
    #[serde(with = "crate::rules::ruleset::rules_by_name")]
    pub rules: MeetingRules,
    pub roll: Vec<RosterEntry>,
    pub chair: Option<MemberId>,
    pub secretary: Option<MemberId>,
    /// One mark per member at most, in member order.
    pub attendance: Vec<AttendanceMark>,
    /// Upper-level visitors, in the order they arrived.
    #[serde(default)]
    pub visitors: Vec<Visitor>,
    /// Raised hands, in the order raised.
    pub queue: Vec<Speaker>,
    pub floor: Option<Floor>,
    pub turns: Vec<Turn>,
    pub opinions: Vec<Opinion>,
    pub votes: Vec<VoteRecord>,
    pub minutes: String,
    pub conclusion: String,
    pub tasks: Vec<Task>,
    pub opened_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
}

/// Who sends a command, and the powers this meeting gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    pub speaker: Speaker,
    pub is_chair: bool,
    pub is_secretary: bool,
}

pub const MAX_TEXT_CHARS: usize = 4000;
pub const MAX_MINUTES_CHARS: usize = 100_000;
pub const MAX_TASKS: usize = 100;
pub const MAX_OPINIONS: usize = 2000;

/// Why a command is refused, in words for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refusal {
    #[error("Buổi sinh hoạt chưa bắt đầu.")]
    NotStarted,
    #[error("Buổi sinh hoạt đã bắt đầu.")]
    AlreadyStarted,
    #[error("Buổi sinh hoạt đã kết thúc; biên bản chỉ còn để đọc.")]
    Closed,
    #[error("Chỉ người chủ trì mới làm được việc này.")]
    ChairOnly,
    #[error("Chỉ thư ký hoặc người chủ trì mới làm được việc này.")]
    SecretaryOnly,
    #[error("Không có nội dung số {item} trong chương trình.")]
    NoSuchItem { item: usize },
    #[error("Đồng chí này không có trong danh sách đảng viên của chi bộ.")]
    NotOnRoll,
    #[error("Đại biểu cấp trên dự họp không điểm danh cùng chi bộ.")]
    VisitorNotOnRoll,
    #[error("Chỉ đại biểu cấp trên ghi nhận việc dự họp theo cách này.")]
    VisitorsOnly,
    #[error("Đồng chí cần điểm danh có mặt trước khi xin phát biểu.")]
    NotPresent,
    #[error("Đồng chí đã đăng ký phát biểu rồi.")]
    AlreadyInQueue,
    #[error("Đồng chí chưa đăng ký phát biểu.")]
    NotInQueue,
    #[error("Hiện không có ai đang phát biểu.")]
    NobodyHasFloor,
    #[error("Nội dung không được để trống.")]
    EmptyText,
    #[error("Nội dung quá dài (tối đa {max} ký tự).")]
    TextTooLong { max: usize },
    #[error("Đã đạt số lượng tối đa cho phép.")]
    TooMany,
    #[error("Đang có một cuộc biểu quyết chưa kết thúc.")]
    VoteInProgress,
    #[error("Không có cuộc biểu quyết số {vote}.")]
    NoSuchVote { vote: usize },
    #[error("Cuộc biểu quyết đã kết thúc.")]
    VoteClosed,
    #[error("Đồng chí đã biểu quyết rồi.")]
    AlreadyVoted,
    #[error(
        "Đồng chí có mặt sau khi mở biểu quyết nên không có tên trong danh sách biểu quyết lần này."
    )]
    JoinedAfterVoteOpened,
    #[error("Chỉ ghi giờ đến muộn, về sớm cho đồng chí có mặt.")]
    TimesNeedPresence,
    #[error("Giờ về sớm phải sau giờ đến muộn.")]
    LeftBeforeArrived,
    #[error(transparent)]
    Vote {
        #[from]
        refusal: VoteRefusal,
    },
}

fn tally_of(choices: impl Iterator<Item = Choice>) -> VoteTally {
    let mut t = VoteTally::default();
    for c in choices {
        match c {
            Choice::InFavour => t.in_favour += 1,
            Choice::Against => t.against += 1,
            Choice::Abstain => t.abstain += 1,
        }
    }
    t
}

impl LiveState {
    /// A meeting before it opens.
    pub fn new(
        meeting_id: MeetingId,
        agenda: Vec<AgendaItem>,
        rules: MeetingRules,
        roll: Vec<RosterEntry>,
        chair: Option<MemberId>,
        secretary: Option<MemberId>,
    ) -> LiveState {
        LiveState {
            meeting_id,
            seq: 0,
            phase: Phase::NotStarted,
            agenda,
            current_item: 0,
            rules,
            roll,
            chair,
            secretary,
            attendance: Vec::new(),
            visitors: Vec::new(),
            queue: Vec::new(),
            floor: None,
            turns: Vec::new(),
            opinions: Vec::new(),
            votes: Vec::new(),
            minutes: String::new(),
            conclusion: String::new(),
            tasks: Vec::new(),
            opened_at: None,
            closed_at: None,
        }
    }

    pub fn roll_entry(&self, member: MemberId) -> Option<&RosterEntry> {
        self.roll.iter().find(|r| r.member_id == member)
    }

    pub fn is_present(&self, speaker: Speaker) -> bool {
        match speaker {
            // A visitor in the room is present by being there.
            Speaker::Visitor(_) => true,
            Speaker::Member(m) => self.mark_of(m).is_some_and(|a| a.presence.is_present()),
        }
    }

    pub fn visitor(&self, account: AccountId) -> Option<&Visitor> {
        self.visitors.iter().find(|v| v.account == account)
    }

    pub fn mark_of(&self, member: MemberId) -> Option<&AttendanceMark> {
        self.attendance.iter().find(|a| a.member_id == member)
    }

    /// The figures for the minutes and the quality criterion, from the rules.
    pub fn attendance_figures(&self) -> AttendanceFigures {
        attendance::figures(&self.roll, &self.attendance, &self.rules.attendance)
    }

    /// A closed vote's result, decided by the rules.
    pub fn vote_outcome(&self, vote: usize) -> Option<Result<VoteOutcome, VoteRefusal>> {
        let v = self.votes.get(vote)?;
        v.tally.map(|t| vote::decide(&v.plan, t))
    }

    /// The running count of an open ballot; `None` for a secret ballot until it closes.
    pub fn visible_tally(&self, vote: usize) -> Option<VoteTally> {
        let v = self.votes.get(vote)?;
        if let Some(t) = v.tally {
            return Some(t);
        }
        if v.plan.ballot == Ballot::Secret {
            return None;
        }
        Some(tally_of(v.ballots.values().flatten().copied()))
    }

    /// The vote now open, if any.
    pub fn open_vote(&self) -> Option<usize> {
        self.votes.iter().position(|v| v.closed_at.is_none())
    }

    /// Turns taken by a speaker over the whole meeting.
    pub fn turns_of(&self, speaker: Speaker) -> usize {
        self.turns.iter().filter(|t| t.speaker == speaker).count()
    }
}

fn text(s: &str, max: usize) -> Result<String, Refusal> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Refusal::EmptyText);
    }
    if t.chars().count() > max {
        return Err(Refusal::TextTooLong { max });
    }
    Ok(t.to_string())
}

/// Checks a command against the state; gives the events it produces.
pub fn decide(
    state: &LiveState,
    caller: Caller,
    command: &Command,
    now: NaiveDateTime,
) -> Result<Vec<Event>, Refusal> {
    use Command as C;
    let chair_only = || {
        if caller.is_chair {
            Ok(())
        } else {
            Err(Refusal::ChairOnly)
        }
    };
    let secretary_or_chair = || {
        if caller.is_chair || caller.is_secretary {
            Ok(())
        } else {
            Err(Refusal::SecretaryOnly)
        }
    };
    match state.phase {
        Phase::Closed => return Err(Refusal::Closed),
        Phase::NotStarted if !matches!(command, C::Open) => return Err(Refusal::NotStarted),
        Phase::InProgress if matches!(command, C::Open) => return Err(Refusal::AlreadyStarted),
        _ => {}
    }
    let mut events = Vec::new();
    match command {
        C::Open => {
            chair_only()?;
            events.push(Event::Opened {
                at: now,
                roll: state.roll.clone(),
                agenda: state.agenda.clone(),
            });
        }
        C::MoveTo { item } => {
            chair_only()?;
            if *item >= state.agenda.len() {
                return Err(Refusal::NoSuchItem { item: item + 1 });
            }
            if state.floor.is_some() {
                events.push(Event::FloorEnded { at: now });
            }
            events.push(Event::MovedTo {
                item: *item,
                at: now,
            });
        }
        C::VisitorArrives { name } => {
            let Speaker::Visitor(account) = caller.speaker else {
                return Err(Refusal::VisitorsOnly);
            };
            if state.visitor(account).is_none() {
                events.push(Event::VisitorArrived {
                    visitor: Visitor {
                        account,
                        name: text(name, 200)?,
                        arrived_at: now,
                    },
                });
            }
        }
        C::CheckIn => {
            let Speaker::Member(member) = caller.speaker else {
                return Err(Refusal::VisitorNotOnRoll);
            };
            if state.roll_entry(member).is_none() {
                return Err(Refusal::NotOnRoll);
            }
            // Already present (in the room or online) stays as marked.
            if !state.is_present(caller.speaker) {
                events.push(Event::Marked {
                    mark: AttendanceMark::new(member, Presence::Online),
                    by: caller.speaker,
                });
            }
        }
        C::Mark { mark } => {
            secretary_or_chair()?;
            if state.roll_entry(mark.member_id).is_none() {
                return Err(Refusal::NotOnRoll);
            }
            let mut mark = mark.clone();
            mark.reason = mark.reason.trim().to_string();
            if mark.reason.chars().count() > 500 {
                return Err(Refusal::TextTooLong { max: 500 });
            }
            let timed = mark.arrived_late_at.is_some() || mark.left_early_at.is_some();
            if timed && !mark.presence.is_present() {
                return Err(Refusal::TimesNeedPresence);
            }
            if let (Some(arrived), Some(left)) = (mark.arrived_late_at, mark.left_early_at)
                && left <= arrived
            {
                return Err(Refusal::LeftBeforeArrived);
            }
            events.push(Event::Marked {
                mark,
                by: caller.speaker,
            });
        }
        C::RaiseHand => {
            if !state.is_present(caller.speaker) {
                return Err(Refusal::NotPresent);
            }
            if state.queue.contains(&caller.speaker) {
                return Err(Refusal::AlreadyInQueue);
            }
            events.push(Event::HandRaised {
                speaker: caller.speaker,
                at: now,
            });
        }
        C::WithdrawHand => {
            if !state.queue.contains(&caller.speaker) {
                return Err(Refusal::NotInQueue);
            }
            events.push(Event::HandWithdrawn {
                speaker: caller.speaker,
            });
        }
        C::GiveFloor { speaker } => {
            chair_only()?;
            if !state.is_present(*speaker) {
                return Err(Refusal::NotPresent);
            }
            if state.floor.is_some() {
                events.push(Event::FloorEnded { at: now });
            }
            events.push(Event::FloorGiven {
                speaker: *speaker,
                at: now,
            });
        }
        C::EndFloor => {
            let floor = state.floor.ok_or(Refusal::NobodyHasFloor)?;
            if !(caller.is_chair || floor.speaker == caller.speaker) {
                return Err(Refusal::ChairOnly);
            }
            events.push(Event::FloorEnded { at: now });
        }
        C::Opine {
            text: t,
            on_behalf_of,
        } => {
            let t = text(t, MAX_TEXT_CHARS)?;
            if state.opinions.len() >= MAX_OPINIONS {
                return Err(Refusal::TooMany);
            }
            let (author, noted_by) = match on_behalf_of {
                Some(author) => {
                    secretary_or_chair()?;
                    if let Speaker::Member(m) = author {
                        state.roll_entry(*m).ok_or(Refusal::NotOnRoll)?;
                    }
                    (*author, Some(caller.speaker))
                }
                None => (caller.speaker, None),
            };
            events.push(Event::Opined {
                opinion: Opinion {
                    item: state.current_item,
                    author,
                    text: t,
                    noted_by,
                    at: now,
                },
            });
        }
        C::OpenVote {
            kind,
            ballot,
            question,
        } => {
            chair_only()?;
            if state.open_vote().is_some() {
                return Err(Refusal::VoteInProgress);
            }
            let question = text(question, 500)?;
            let plan = vote::plan(
                *kind,
                *ballot,
                &state.roll,
                &state.attendance,
                &state.rules.votes,
            )?;
            events.push(Event::VoteOpened {
                vote: state.votes.len(),
                plan,
                question,
                at: now,
            });
        }
        C::Cast { vote, choice } => {
            let record = state
                .votes
                .get(*vote)
                .ok_or(Refusal::NoSuchVote { vote: vote + 1 })?;
            if record.closed_at.is_some() {
                return Err(Refusal::VoteClosed);
            }
            let member = match caller.speaker {
                Speaker::Member(m) => m,
                Speaker::Visitor(_) => return Err(VoteRefusal::UpperLevelVisitor.into()),
            };
            vote::eligibility(Participant::Member(member), &state.roll, &state.attendance)?;
            if !record.plan.voters.contains(&member) {
                return Err(Refusal::JoinedAfterVoteOpened);
            }
            if record.ballots.contains_key(&member) {
                return Err(Refusal::AlreadyVoted);
            }
            events.push(Event::Cast {
                vote: *vote,
                member,
                choice: Some(*choice),
            });
        }
        C::CloseVote { vote } => {
            chair_only()?;
            let record = state
                .votes
                .get(*vote)
                .ok_or(Refusal::NoSuchVote { vote: vote + 1 })?;
            if record.closed_at.is_some() {
                return Err(Refusal::VoteClosed);
            }
            // Only the server holds every choice of a secret ballot; it alone closes a vote.
            let tally = tally_of(record.ballots.values().flatten().copied());
            events.push(Event::VoteClosed {
                vote: *vote,
                tally,
                at: now,
            });
        }
        C::EditMinutes { text: t } => {
            secretary_or_chair()?;
            if t.chars().count() > MAX_MINUTES_CHARS {
                return Err(Refusal::TextTooLong {
                    max: MAX_MINUTES_CHARS,
                });
            }
            events.push(Event::MinutesEdited {
                text: t.clone(),
                by: caller.speaker,
            });
        }
        C::Conclude { text: t } => {
            chair_only()?;
            events.push(Event::Concluded {
                text: text(t, MAX_MINUTES_CHARS)?,
            });
        }
        C::AssignTask { task } => {
            chair_only()?;
            if state.tasks.len() >= MAX_TASKS {
                return Err(Refusal::TooMany);
            }
            if let Some(m) = task.assignee {
                state.roll_entry(m).ok_or(Refusal::NotOnRoll)?;
            }
            let task = Task {
                assignee: task.assignee,
                assignee_name: text(&task.assignee_name, 200)?,
                what: text(&task.what, MAX_TEXT_CHARS)?,
                due: task.due,
            };
            events.push(Event::TaskAssigned { task });
        }
        C::Close => {
            chair_only()?;
            if state.open_vote().is_some() {
                return Err(Refusal::VoteInProgress);
            }
            if state.floor.is_some() {
                events.push(Event::FloorEnded { at: now });
            }
            events.push(Event::Closed { at: now });
        }
    }
    Ok(events)
}

/// Folds one event into the state. Never fails: events were decided already.
pub fn apply(state: &mut LiveState, event: &Event) {
    state.seq += 1;
    match event {
        Event::Opened { at, roll, agenda } => {
            state.phase = Phase::InProgress;
            state.roll = roll.clone();
            state.agenda = agenda.clone();
            state.opened_at = Some(*at);
        }
        Event::MovedTo { item, .. } => state.current_item = *item,
        Event::Marked { mark, .. } => {
            match state
                .attendance
                .binary_search_by_key(&mark.member_id, |m| m.member_id)
            {
                Ok(i) => state.attendance[i] = mark.clone(),
                Err(i) => state.attendance.insert(i, mark.clone()),
            }
        }
        Event::VisitorArrived { visitor } => {
            if state.visitor(visitor.account).is_none() {
                state.visitors.push(visitor.clone());
            }
        }
        Event::HandRaised { speaker, .. } => {
            if !state.queue.contains(speaker) {
                state.queue.push(*speaker);
            }
        }
        Event::HandWithdrawn { speaker } => state.queue.retain(|s| s != speaker),
        Event::FloorGiven { speaker, at } => {
            state.queue.retain(|s| s != speaker);
            state.floor = Some(Floor {
                speaker: *speaker,
                item: state.current_item,
                since: *at,
            });
        }
        Event::FloorEnded { at } => {
            if let Some(f) = state.floor.take() {
                state.turns.push(Turn {
                    speaker: f.speaker,
                    item: f.item,
                    from: f.since,
                    to: *at,
                });
            }
        }
        Event::Opined { opinion } => state.opinions.push(opinion.clone()),
        Event::VoteOpened {
            plan, question, at, ..
        } => state.votes.push(VoteRecord {
            plan: plan.clone(),
            question: question.clone(),
            opened_at: *at,
            ballots: BTreeMap::new(),
            tally: None,
            closed_at: None,
        }),
        Event::Cast {
            vote,
            member,
            choice,
        } => {
            if let Some(v) = state.votes.get_mut(*vote) {
                v.ballots.insert(*member, *choice);
            }
        }
        Event::VoteClosed { vote, tally, at } => {
            if let Some(v) = state.votes.get_mut(*vote) {
                v.tally = Some(*tally);
                v.closed_at = Some(*at);
            }
        }
        Event::MinutesEdited { text, .. } => state.minutes = text.clone(),
        Event::Concluded { text } => state.conclusion = text.clone(),
        Event::TaskAssigned { task } => state.tasks.push(task.clone()),
        Event::Closed { at } => {
            state.phase = Phase::Closed;
            state.closed_at = Some(*at);
        }
    }
}

impl LiveState {
    /// The state as participants may see it: a secret ballot's choices stay hidden.
    pub fn for_participants(&self) -> LiveState {
        let mut view = self.clone();
        for v in view
            .votes
            .iter_mut()
            .filter(|v| v.plan.ballot == Ballot::Secret)
        {
            for choice in v.ballots.values_mut() {
                *choice = None;
            }
        }
        view
    }
}

impl Event {
    /// The event as participants may see it, given the state it applies to:
    /// a secret ballot's choice stays with the server until the count.
    pub fn for_participants(&self, state: &LiveState) -> Event {
        match self {
            Event::Cast { vote, member, .. }
                if state
                    .votes
                    .get(*vote)
                    .is_some_and(|v| v.plan.ballot == Ballot::Secret) =>
            {
                Event::Cast {
                    vote: *vote,
                    member: *member,
                    choice: None,
                }
            }
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every refusal reaches its author: each kind must serialize inside a
    /// `rejected` message (an internally tagged enum cannot carry a bare number).
    #[test]
    fn every_refusal_serializes_and_reads_back() {
        use crate::live::protocol::ServerMessage;
        let all = [
            Refusal::NotStarted,
            Refusal::AlreadyStarted,
            Refusal::Closed,
            Refusal::ChairOnly,
            Refusal::SecretaryOnly,
            Refusal::NoSuchItem { item: 12 },
            Refusal::NotOnRoll,
            Refusal::VisitorNotOnRoll,
            Refusal::VisitorsOnly,
            Refusal::NotPresent,
            Refusal::AlreadyInQueue,
            Refusal::NotInQueue,
            Refusal::NobodyHasFloor,
            Refusal::EmptyText,
            Refusal::TextTooLong { max: 500 },
            Refusal::TooMany,
            Refusal::VoteInProgress,
            Refusal::NoSuchVote { vote: 3 },
            Refusal::VoteClosed,
            Refusal::AlreadyVoted,
            Refusal::JoinedAfterVoteOpened,
            Refusal::TimesNeedPresence,
            Refusal::LeftBeforeArrived,
            Refusal::Vote {
                refusal: VoteRefusal::UpperLevelVisitor,
            },
            Refusal::Vote {
                refusal: VoteRefusal::Probationary {
                    name: "Lò Văn Pấng".into(),
                },
            },
        ];
        for reason in all {
            let message = ServerMessage::Rejected {
                key: "k".into(),
                message: reason.to_string(),
                reason: reason.clone(),
            };
            let json = serde_json::to_string(&message)
                .unwrap_or_else(|e| panic!("{reason:?} cannot be sent: {e}"));
            let back: ServerMessage = serde_json::from_str(&json).unwrap();
            assert_eq!(back, message, "{json}");
        }
    }
    use crate::meeting::{MeetingKind, standard_agenda};
    use crate::member::PartyStatus;

    const CHAIR: MemberId = MemberId(1);
    const SECRETARY: MemberId = MemberId(2);
    const PROBATIONARY: MemberId = MemberId(10);
    const EXEMPTED: MemberId = MemberId(11);
    const VISITOR: AccountId = AccountId(900);

    fn at(min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_hms_opt(8 + min / 60, min % 60, 0)
            .unwrap()
    }

    fn roster() -> Vec<RosterEntry> {
        let mut r: Vec<RosterEntry> = (1..=9)
            .map(|i| RosterEntry {
                member_id: MemberId(i),
                full_name: format!("Đảng viên {i}"),
                status: PartyStatus::Full,
                attached_elsewhere: false,
            })
            .collect();
        r.push(RosterEntry {
            member_id: PROBATIONARY,
            full_name: "Giàng Thị Mỷ".into(),
            status: PartyStatus::Probationary,
            attached_elsewhere: false,
        });
        r.push(RosterEntry {
            member_id: EXEMPTED,
            full_name: "Lê Văn Cụ".into(),
            status: PartyStatus::Exempted,
            attached_elsewhere: false,
        });
        r
    }

    fn meeting() -> LiveState {
        LiveState::new(
            crate::ids::MeetingId(7),
            standard_agenda(MeetingKind::Regular),
            crate::rules::RuleSet::national_default().meeting_rules(),
            roster(),
            Some(CHAIR),
            Some(SECRETARY),
        )
    }

    fn chair() -> Caller {
        Caller {
            speaker: Speaker::Member(CHAIR),
            is_chair: true,
            is_secretary: false,
        }
    }

    fn secretary() -> Caller {
        Caller {
            speaker: Speaker::Member(SECRETARY),
            is_chair: false,
            is_secretary: true,
        }
    }

    fn member(id: i64) -> Caller {
        Caller {
            speaker: Speaker::Member(MemberId(id)),
            is_chair: false,
            is_secretary: false,
        }
    }

    fn visitor() -> Caller {
        Caller {
            speaker: Speaker::Visitor(VISITOR),
            is_chair: false,
            is_secretary: false,
        }
    }

    /// Decides and applies, as the server does; returns the events.
    fn run(
        state: &mut LiveState,
        caller: Caller,
        command: Command,
        minute: u32,
    ) -> Result<Vec<Event>, Refusal> {
        let events = decide(state, caller, &command, at(minute))?;
        for e in &events {
            apply(state, e);
        }
        Ok(events)
    }

    #[test]
    fn a_whole_meeting_from_opening_to_close() {
        let mut m = meeting();
        assert_eq!(
            run(&mut m, member(3), Command::CheckIn, 0),
            Err(Refusal::NotStarted)
        );
        assert_eq!(
            run(&mut m, member(3), Command::Open, 0),
            Err(Refusal::ChairOnly)
        );
        run(&mut m, chair(), Command::Open, 0).unwrap();

        // Attendance: eight full members online, the probationary member in person,
        // member 9 absent with a reason, the exempted member absent (dropped).
        for i in 1..=8 {
            run(&mut m, member(i), Command::CheckIn, 1).unwrap();
        }
        let mark = |id, presence| Command::Mark {
            mark: AttendanceMark::new(id, presence),
        };
        run(
            &mut m,
            secretary(),
            mark(PROBATIONARY, Presence::InPerson),
            2,
        )
        .unwrap();
        let mut sick = AttendanceMark::new(MemberId(9), Presence::AbsentWithReason);
        sick.reason = "Ốm".into();
        run(&mut m, secretary(), Command::Mark { mark: sick }, 2).unwrap();
        assert_eq!(
            run(
                &mut m,
                member(3),
                mark(MemberId(4), Presence::AbsentWithoutReason),
                2
            ),
            Err(Refusal::SecretaryOnly)
        );
        let f = m.attendance_figures();
        assert_eq!((f.present, f.absent_with_reason, f.expected), (9, 1, 10));
        // Late and early times only for someone present, leaving after arriving.
        let hm = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let mut late = AttendanceMark::new(MemberId(9), Presence::AbsentWithReason);
        late.arrived_late_at = Some(hm(14, 20));
        assert_eq!(
            run(&mut m, secretary(), Command::Mark { mark: late.clone() }, 2),
            Err(Refusal::TimesNeedPresence)
        );
        late.presence = Presence::InPerson;
        late.left_early_at = Some(hm(14, 10));
        assert_eq!(
            run(&mut m, secretary(), Command::Mark { mark: late.clone() }, 2),
            Err(Refusal::LeftBeforeArrived)
        );

        // Agenda: forward and back, not past the end.
        run(&mut m, chair(), Command::MoveTo { item: 1 }, 10).unwrap();
        assert_eq!(
            run(&mut m, chair(), Command::MoveTo { item: 99 }, 10),
            Err(Refusal::NoSuchItem { item: 100 })
        );
        assert_eq!(m.current_item, 1);

        // The upper-level visitor arrives once, by name; only visitors arrive so.
        let arrives = || Command::VisitorArrives {
            name: "Trịnh Minh Tuấn".into(),
        };
        assert_eq!(run(&mut m, visitor(), arrives(), 11).unwrap().len(), 1);
        assert_eq!(run(&mut m, visitor(), arrives(), 12), Ok(vec![]));
        assert_eq!(
            run(&mut m, member(3), arrives(), 11),
            Err(Refusal::VisitorsOnly)
        );
        let v = m.visitor(VISITOR).unwrap();
        assert_eq!((v.name.as_str(), v.arrived_at), ("Trịnh Minh Tuấn", at(11)));

        // Hands and the floor, in order; the visitor speaks and gives an opinion.
        run(&mut m, member(3), Command::RaiseHand, 11).unwrap();
        run(&mut m, visitor(), Command::RaiseHand, 11).unwrap();
        run(&mut m, member(4), Command::RaiseHand, 12).unwrap();
        run(&mut m, member(4), Command::WithdrawHand, 12).unwrap();
        assert_eq!(
            m.queue,
            vec![Speaker::Member(MemberId(3)), Speaker::Visitor(VISITOR)]
        );
        assert_eq!(
            run(&mut m, member(9), Command::RaiseHand, 12),
            Err(Refusal::NotPresent)
        );
        run(
            &mut m,
            chair(),
            Command::GiveFloor {
                speaker: Speaker::Member(MemberId(3)),
            },
            13,
        )
        .unwrap();
        run(
            &mut m,
            member(3),
            Command::Opine {
                text: "Đề nghị bổ sung chỉ tiêu.".into(),
                on_behalf_of: None,
            },
            14,
        )
        .unwrap();
        run(
            &mut m,
            chair(),
            Command::GiveFloor {
                speaker: Speaker::Visitor(VISITOR),
            },
            16,
        )
        .unwrap();
        run(
            &mut m,
            visitor(),
            Command::Opine {
                text: "Chi bộ cần bám sát nghị quyết cấp trên.".into(),
                on_behalf_of: None,
            },
            17,
        )
        .unwrap();
        run(&mut m, visitor(), Command::EndFloor, 18).unwrap();
        assert_eq!(
            m.turns.len(),
            2,
            "giving the floor to the next ends the turn before"
        );
        assert_eq!(m.turns_of(Speaker::Member(MemberId(3))), 1);
        run(
            &mut m,
            secretary(),
            Command::Opine {
                text: "Nhất trí.".into(),
                on_behalf_of: Some(Speaker::Member(MemberId(5))),
            },
            19,
        )
        .unwrap();
        assert_eq!(m.opinions.len(), 3);
        assert_eq!(m.opinions[1].author, Speaker::Visitor(VISITOR));
        assert_eq!(m.opinions[2].noted_by, Some(Speaker::Member(SECRETARY)));

        // The vote on the resolution.
        let open = Command::OpenVote {
            kind: VoteKind::Resolution,
            ballot: Ballot::Open,
            question: "Thông qua nghị quyết tháng 12".into(),
        };
        assert_eq!(
            run(&mut m, member(3), open.clone(), 80),
            Err(Refusal::ChairOnly)
        );
        run(&mut m, chair(), open, 80).unwrap();
        let plan = &m.votes[0].plan;
        assert_eq!(
            plan.denominator, 9,
            "nine full members; the absent exempted member is dropped"
        );
        assert_eq!(plan.voters.len(), 8);
        let cast = |c| Command::Cast { vote: 0, choice: c };
        assert!(matches!(
            run(&mut m, member(PROBATIONARY.0), cast(Choice::InFavour), 81),
            Err(Refusal::Vote {
                refusal: VoteRefusal::Probationary { .. }
            })
        ));
        assert_eq!(
            run(&mut m, visitor(), cast(Choice::InFavour), 81),
            Err(Refusal::Vote {
                refusal: VoteRefusal::UpperLevelVisitor
            })
        );
        for i in 1..=5 {
            run(&mut m, member(i), cast(Choice::InFavour), 81).unwrap();
        }
        run(&mut m, member(6), cast(Choice::Against), 81).unwrap();
        assert_eq!(
            run(&mut m, member(6), cast(Choice::InFavour), 81),
            Err(Refusal::AlreadyVoted)
        );
        assert_eq!(
            m.visible_tally(0).map(|t| t.in_favour),
            Some(5),
            "an open ballot is counted live"
        );
        run(&mut m, chair(), Command::CloseVote { vote: 0 }, 82).unwrap();
        let outcome = m.vote_outcome(0).unwrap().unwrap();
        assert!(
            outcome.passed,
            "5 of 9 is more than half: {}",
            outcome.explanation
        );
        assert_eq!(
            run(&mut m, member(7), cast(Choice::InFavour), 83),
            Err(Refusal::VoteClosed)
        );

        // Conclusion, a task, the minutes, and the close.
        run(
            &mut m,
            chair(),
            Command::Conclude {
                text: "Chi bộ thống nhất các nhiệm vụ tháng tới.".into(),
            },
            84,
        )
        .unwrap();
        let task = Task {
            assignee: Some(MemberId(4)),
            assignee_name: "Đảng viên 4".into(),
            what: "Rà soát hồ sơ đảng viên".into(),
            due: NaiveDate::from_ymd_opt(2026, 12, 31),
        };
        run(&mut m, chair(), Command::AssignTask { task }, 85).unwrap();
        run(
            &mut m,
            secretary(),
            Command::EditMinutes {
                text: "Biên bản…".into(),
            },
            86,
        )
        .unwrap();
        run(&mut m, chair(), Command::Close, 95).unwrap();
        assert_eq!(m.phase, Phase::Closed);
        assert_eq!(
            run(
                &mut m,
                secretary(),
                Command::EditMinutes {
                    text: "sửa".into()
                },
                96
            ),
            Err(Refusal::Closed)
        );
        assert_eq!(
            run(&mut m, chair(), Command::Open, 96),
            Err(Refusal::Closed)
        );
    }

    #[test]
    fn a_vote_that_cannot_pass_is_refused_before_it_opens() {
        let mut m = meeting();
        run(&mut m, chair(), Command::Open, 0).unwrap();
        for i in 1..=4 {
            run(&mut m, member(i), Command::CheckIn, 1).unwrap();
        }
        let refused = run(
            &mut m,
            chair(),
            Command::OpenVote {
                kind: VoteKind::Resolution,
                ballot: Ballot::Open,
                question: "Nghị quyết".into(),
            },
            5,
        );
        assert!(
            matches!(
                refused,
                Err(Refusal::Vote {
                    refusal: VoteRefusal::CannotReachThreshold { required: 5, .. }
                })
            ),
            "{refused:?}"
        );
        let err = refused.unwrap_err().to_string();
        assert!(err.contains("ít nhất 5"), "{err}");
    }

    #[test]
    fn a_secret_ballot_hides_choices_until_the_count() {
        let mut m = meeting();
        run(&mut m, chair(), Command::Open, 0).unwrap();
        for i in 1..=9 {
            run(&mut m, member(i), Command::CheckIn, 1).unwrap();
        }
        run(
            &mut m,
            chair(),
            Command::OpenVote {
                kind: VoteKind::Expulsion,
                ballot: Ballot::Secret,
                question: "Khai trừ".into(),
            },
            2,
        )
        .unwrap();
        let events = run(
            &mut m,
            member(2),
            Command::Cast {
                vote: 0,
                choice: Choice::Against,
            },
            3,
        )
        .unwrap();
        assert_eq!(
            events[0].for_participants(&m),
            Event::Cast {
                vote: 0,
                member: MemberId(2),
                choice: None
            }
        );
        assert_eq!(m.visible_tally(0), None);
        run(&mut m, chair(), Command::CloseVote { vote: 0 }, 4).unwrap();
        assert_eq!(m.visible_tally(0).map(|t| t.against), Some(1));
        assert!(!m.vote_outcome(0).unwrap().unwrap().passed);
    }

    #[test]
    fn replaying_the_log_rebuilds_the_same_state() {
        let mut m = meeting();
        let mut log = Vec::new();
        log.extend(run(&mut m, chair(), Command::Open, 0).unwrap());
        log.extend(run(&mut m, member(3), Command::CheckIn, 1).unwrap());
        log.extend(run(&mut m, member(3), Command::RaiseHand, 2).unwrap());
        log.extend(run(&mut m, chair(), Command::MoveTo { item: 2 }, 3).unwrap());
        let mut replayed = meeting();
        for e in &log {
            apply(&mut replayed, e);
        }
        assert_eq!(replayed, m);
        assert_eq!(m.seq, log.len() as u64);
        let json = serde_json::to_string(&log).unwrap();
        assert_eq!(serde_json::from_str::<Vec<Event>>(&json).unwrap(), log);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use crate::meeting::{MeetingKind, standard_agenda};
    use crate::member::PartyStatus;
    use proptest::prelude::*;

    fn roster() -> Vec<RosterEntry> {
        (1..=6)
            .map(|i| RosterEntry {
                member_id: MemberId(i),
                full_name: format!("Đảng viên {i}"),
                status: if i == 6 {
                    PartyStatus::Probationary
                } else {
                    PartyStatus::Full
                },
                attached_elsewhere: false,
            })
            .collect()
    }

    fn command() -> impl Strategy<Value = Command> {
        let speaker = prop_oneof![
            (0i64..8).prop_map(|i| Speaker::Member(MemberId(i))),
            Just(Speaker::Visitor(AccountId(1)))
        ];
        prop_oneof![
            Just(Command::Open),
            (0usize..12).prop_map(|item| Command::MoveTo { item }),
            Just(Command::CheckIn),
            Just(Command::RaiseHand),
            Just(Command::WithdrawHand),
            speaker
                .clone()
                .prop_map(|speaker| Command::GiveFloor { speaker }),
            Just(Command::EndFloor),
            ".{0,20}".prop_map(|text| Command::Opine {
                text,
                on_behalf_of: None
            }),
            Just(Command::OpenVote {
                kind: VoteKind::Resolution,
                ballot: Ballot::Open,
                question: "Q".into()
            }),
            (0usize..3, 0u8..3).prop_map(|(vote, c)| Command::Cast {
                vote,
                choice: [Choice::InFavour, Choice::Against, Choice::Abstain][c as usize],
            }),
            (0usize..3).prop_map(|vote| Command::CloseVote { vote }),
            ".{0,20}".prop_map(|text| Command::EditMinutes { text }),
            Just(Command::Close),
        ]
    }

    fn caller() -> impl Strategy<Value = Caller> {
        (0i64..8, any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
            |(id, visitor, is_chair, is_secretary)| Caller {
                speaker: if visitor {
                    Speaker::Visitor(AccountId(1))
                } else {
                    Speaker::Member(MemberId(id))
                },
                is_chair,
                is_secretary,
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Any sequence of commands from anyone: no panic, and the log replays to the same state.
        #[test]
        fn arbitrary_commands_never_panic_and_replay(steps in proptest::collection::vec((caller(), command()), 0..80)) {
            let fresh = || LiveState::new(MeetingId(1), standard_agenda(MeetingKind::Regular), crate::rules::RuleSet::national_default().meeting_rules(), roster(), Some(MemberId(1)), None);
            let mut state = fresh();
            let mut log = Vec::new();
            let now = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap().and_hms_opt(8, 0, 0).unwrap();
            for (caller, command) in &steps {
                if let Ok(events) = decide(&state, *caller, command, now) {
                    for e in events {
                        apply(&mut state, &e);
                        log.push(e);
                    }
                }
                // A closed meeting stays closed; a vote never has more ballots than voters.
                for v in &state.votes {
                    prop_assert!(v.ballots.len() <= v.plan.voters.len());
                }
            }
            let mut replayed = fresh();
            for e in &log {
                apply(&mut replayed, e);
            }
            prop_assert_eq!(replayed, state);
        }

        /// Arbitrary text sent as a command decodes or is refused; it never panics.
        #[test]
        fn arbitrary_text_never_panics_the_decoder(text in ".{0,200}") {
            let _ = serde_json::from_str::<Command>(&text);
        }
    }
}
