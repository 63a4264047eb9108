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
    /// The chair opens the meeting. More than `OPENS_EARLY_MINUTES` before
    /// its registered time, only with `confirm_early` (the chair was asked).
    Open {
        #[serde(default)]
        confirm_early: bool,
    },
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
    /// The chair names the vote counters (tổ kiểm phiếu), who may record the
    /// ballots of members voting in the room.
    AppointCounters {
        members: Vec<MemberId>,
    },
    /// The chair, the secretary or a counter records the open-vote ballot of a
    /// member present in the room (a show of hands).
    RecordBallot {
        vote: usize,
        member: MemberId,
        choice: Choice,
    },
    /// The chair, the secretary or a counter records the count of the paper
    /// ballots of a secret vote cast in the room.
    CountPaperBallots {
        vote: usize,
        tally: VoteTally,
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
    /// The chair records that the minutes were read out and adopted by the
    /// cell (biên bản được thông qua).
    AdoptMinutes,
    /// The chair closes the meeting: the record freezes.
    Close,
}

/// What happened. Events are facts: `apply` never refuses one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The roll, the agenda, the chair, the secretary and the rules are taken
    /// from the current records as the meeting opens and fixed here, so
    /// replaying the log gives the same meeting whatever changes afterwards.
    /// (Logs written before the chair and rules were recorded lack them.)
    Opened {
        at: NaiveDateTime,
        roll: Vec<RosterEntry>,
        agenda: Vec<AgendaItem>,
        #[serde(default)]
        chair: Option<MemberId>,
        #[serde(default)]
        secretary: Option<MemberId>,
        #[serde(default)]
        rules: Option<Box<RecordedRules>>,
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
    /// `member` voted. `choice` is `None` in a secret ballot: the choice goes
    /// into the ballot box, never next to the voter. `recorded_by` is who
    /// recorded a ballot cast in the room; `None` when the member voted online.
    Cast {
        vote: usize,
        member: MemberId,
        choice: Option<Choice>,
        #[serde(default)]
        recorded_by: Option<Speaker>,
    },
    CountersAppointed {
        members: Vec<MemberId>,
    },
    /// The count of a secret vote's paper ballots cast in the room.
    PaperCounted {
        vote: usize,
        tally: VoteTally,
        by: Speaker,
    },
    MinutesAdopted {
        at: NaiveDateTime,
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

/// The rule set a meeting was opened under: a built-in set by name and
/// version, another whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordedRules(#[serde(with = "crate::rules::ruleset::rules_by_name")] pub MeetingRules);

/// One member's ballot: who voted, how (when it may be known), and who
/// recorded it when it was cast in the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotRecord {
    pub member: MemberId,
    /// `None` in a secret ballot: its choices are only counted.
    pub choice: Option<Choice>,
    /// `None` when the member voted online.
    pub recorded_by: Option<Speaker>,
}

/// One vote held in the meeting. Its result is not stored: the rules derive it
/// from the plan and the tally, the same way everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRecord {
    pub plan: VotePlan,
    pub question: String,
    pub opened_at: NaiveDateTime,
    /// Who voted, in the order they did. A list, not a map keyed by member:
    /// JSON keys are strings, and a map inside an internally tagged message
    /// cannot be read back (the bug that kept everyone out after a vote).
    pub ballots: Vec<BallotRecord>,
    /// A secret vote's paper ballots cast in the room, once counted.
    #[serde(default)]
    pub paper: Option<VoteTally>,
    /// Who could have cast those paper ballots (the voters in the room who
    /// had not voted online when they were counted): they have voted, and
    /// may not vote again online after being marked otherwise.
    #[serde(default)]
    pub paper_voters: Vec<MemberId>,
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
    /// The registered start, for the confirmation before opening early.
    #[serde(default)]
    pub starts_at: Option<NaiveDateTime>,
    /// The vote counters (tổ kiểm phiếu) the chair named.
    #[serde(default)]
    pub counters: Vec<MemberId>,
    /// When the cell adopted the minutes, if it did.
    #[serde(default)]
    pub minutes_adopted_at: Option<NaiveDateTime>,
    /// Earlier opinions and turns left out of a participant's copy (see
    /// `for_participants`); always 0 in the server's whole state.
    #[serde(default)]
    pub omitted_opinions: usize,
    #[serde(default)]
    pub omitted_turns: usize,
}

/// What a meeting takes from the current records until the chair opens it
/// (the registration, the cell's members, the rules in force).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub agenda: Vec<AgendaItem>,
    pub rules: MeetingRules,
    pub roll: Vec<RosterEntry>,
    pub chair: Option<MemberId>,
    pub secretary: Option<MemberId>,
    pub starts_at: Option<NaiveDateTime>,
}

/// How long before its registered time a meeting opens without the chair
/// confirming (a meeting opened a day early is most likely a mistake).
pub const OPENS_EARLY_MINUTES: i64 = 30;

/// Who sends a command, and the powers this meeting gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    pub speaker: Speaker,
    pub is_chair: bool,
    pub is_secretary: bool,
}

pub use super::limits::{
    MAX_CONCLUSION_CHARS, MAX_MINUTES_CHARS, MAX_NAME_CHARS, MAX_OPINIONS, MAX_QUESTION_CHARS,
    MAX_REASON_CHARS, MAX_TASK_CHARS, MAX_TASKS, MAX_TEXT_CHARS, MAX_VOTES, VIEW_OPINIONS,
    VIEW_TURNS,
};

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
    #[error(
        "Buổi sinh hoạt đăng ký bắt đầu lúc {starts_at}. Đồng chí xác nhận nếu muốn khai mạc sớm hơn."
    )]
    OpensEarly { starts_at: String },
    #[error(
        "Còn {count} đảng viên chưa được điểm danh: {names}. Cần ghi có mặt hoặc vắng trước khi bế mạc."
    )]
    Unmarked { count: usize, names: String },
    #[error("Đại biểu cấp trên chưa ghi nhận có mặt tại buổi sinh hoạt.")]
    VisitorNotArrived,
    #[error("Chỉ người chủ trì, thư ký hoặc tổ kiểm phiếu mới ghi phiếu tại hội nghị.")]
    CountersOnly,
    #[error("Chỉ ghi phiếu tại hội nghị cho đảng viên được điểm danh có mặt trực tiếp.")]
    NotInRoom,
    #[error(
        "Biểu quyết kín: đảng viên có mặt trực tiếp bỏ phiếu giấy, tổ kiểm phiếu ghi số phiếu."
    )]
    VoteOnPaper,
    #[error("Biểu quyết công khai: ghi phiếu của từng đảng viên, không ghi số phiếu giấy.")]
    NotOnPaper,
    #[error(
        "Số phiếu giấy ({counted}) nhiều hơn số đảng viên có mặt trực tiếp được bỏ phiếu ({max})."
    )]
    TooManyPaperBallots { counted: u32, max: u32 },
    #[error("Phiếu giấy của cuộc biểu quyết này đã được kiểm.")]
    PaperAlreadyCounted,
    #[error(
        "Số phiếu trong hòm phiếu không khớp số đảng viên đã bỏ phiếu; chưa thể kết thúc biểu quyết."
    )]
    BallotBoxMismatch,
    #[error("Biên bản đã được thông qua.")]
    AlreadyAdopted,
    #[error(
        "Biên bản đã được chi bộ thông qua; nội dung buổi sinh hoạt không thay đổi được nữa, chỉ còn bế mạc."
    )]
    Adopted,
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
    /// A meeting before it opens, as registered.
    pub fn new(meeting_id: MeetingId, setup: Setup) -> LiveState {
        let Setup {
            agenda,
            rules,
            roll,
            chair,
            secretary,
            starts_at,
        } = setup;
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
            starts_at,
            counters: Vec::new(),
            minutes_adopted_at: None,
            omitted_opinions: 0,
            omitted_turns: 0,
        }
    }

    /// Takes the current records again, as long as the meeting has not
    /// opened: from the opening on, only its own events change it.
    pub fn refresh(&mut self, setup: Setup) {
        if self.phase != Phase::NotStarted {
            return;
        }
        self.agenda = setup.agenda;
        self.rules = setup.rules;
        self.roll = setup.roll;
        self.chair = setup.chair;
        self.secretary = setup.secretary;
        self.starts_at = setup.starts_at;
    }

    /// The powers this meeting gives a speaker, from the state itself (so an
    /// edit of the registration after the opening changes nothing).
    pub fn caller(&self, speaker: Speaker) -> Caller {
        let member = match speaker {
            Speaker::Member(m) => Some(m),
            Speaker::Visitor(_) => None,
        };
        Caller {
            speaker,
            is_chair: member.is_some() && member == self.chair,
            is_secretary: member.is_some() && member == self.secretary,
        }
    }

    /// The chair, the secretary and the counters record ballots cast in the room.
    pub fn may_record_ballots(&self, speaker: Speaker) -> bool {
        let c = self.caller(speaker);
        c.is_chair
            || c.is_secretary
            || matches!(speaker, Speaker::Member(m) if self.counters.contains(&m))
    }

    /// Members of the roll with no attendance mark yet.
    pub fn unmarked(&self) -> Vec<&RosterEntry> {
        self.roll
            .iter()
            .filter(|r| self.mark_of(r.member_id).is_none())
            .collect()
    }

    pub fn roll_entry(&self, member: MemberId) -> Option<&RosterEntry> {
        self.roll.iter().find(|r| r.member_id == member)
    }

    pub fn is_present(&self, speaker: Speaker) -> bool {
        match speaker {
            // A visitor is present once their arrival is recorded.
            Speaker::Visitor(a) => self.visitor(a).is_some(),
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
        Some(v.visible_count())
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

impl VoteRecord {
    pub fn has_voted(&self, member: MemberId) -> bool {
        self.ballots.iter().any(|b| b.member == member) || self.paper_voters.contains(&member)
    }

    /// The choices that may be seen, with the paper count.
    fn visible_count(&self) -> VoteTally {
        let mut t = tally_of(self.ballots.iter().filter_map(|b| b.choice));
        if let Some(p) = self.paper {
            t.in_favour += p.in_favour;
            t.against += p.against;
            t.abstain += p.abstain;
        }
        t
    }

    /// Ballots cast: online and recorded in the room, paper ones included.
    pub fn turnout(&self) -> u32 {
        let paper = self.paper.map_or(0, |p| p.cast());
        u32::try_from(self.ballots.len())
            .unwrap_or(u32::MAX)
            .saturating_add(paper)
    }

    /// Voters of the plan present in the room who have not voted online:
    /// those who may cast a paper ballot.
    fn in_room_voters(&self, state: &LiveState) -> Vec<MemberId> {
        self.plan
            .voters
            .iter()
            .copied()
            .filter(|m| !self.has_voted(*m))
            .filter(|m| {
                state
                    .mark_of(*m)
                    .is_some_and(|a| a.presence == Presence::InPerson)
            })
            .collect()
    }
}

fn text(s: &str, max: usize) -> Result<String, Refusal> {
    let cleaned = crate::text::clean(s);
    let t = cleaned.trim();
    if t.is_empty() {
        return Err(Refusal::EmptyText);
    }
    if t.chars().count() > max {
        return Err(Refusal::TextTooLong { max });
    }
    Ok(t.to_string())
}

/// Checks a command against the state; gives the events it produces. The
/// speaker's powers come from the state (`LiveState::caller`).
pub fn decide(
    state: &LiveState,
    speaker: Speaker,
    command: &Command,
    now: NaiveDateTime,
) -> Result<Vec<Event>, Refusal> {
    use Command as C;
    let caller = state.caller(speaker);
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
    // Who may speak or be written in: a member marked present, a visitor
    // whose arrival is recorded.
    let present = |who: Speaker| match who {
        _ if state.is_present(who) => Ok(()),
        Speaker::Visitor(_) => Err(Refusal::VisitorNotArrived),
        Speaker::Member(m) => {
            state.roll_entry(m).ok_or(Refusal::NotOnRoll)?;
            Err(Refusal::NotPresent)
        }
    };
    let open_vote = |vote: usize| {
        let record = state.votes.get(vote).ok_or(Refusal::NoSuchVote {
            vote: vote.saturating_add(1),
        })?;
        if record.closed_at.is_some() {
            return Err(Refusal::VoteClosed);
        }
        Ok(record)
    };
    match state.phase {
        Phase::Closed => return Err(Refusal::Closed),
        Phase::NotStarted if !matches!(command, C::Open { .. }) => {
            return Err(Refusal::NotStarted);
        }
        Phase::InProgress if matches!(command, C::Open { .. }) => {
            return Err(Refusal::AlreadyStarted);
        }
        _ => {}
    }
    // Adopted minutes say what happened until then: nothing the record holds
    // may change after (the floor may end, hands go down, the chair closes).
    if state.minutes_adopted_at.is_some()
        && !matches!(
            command,
            C::Close | C::EndFloor | C::WithdrawHand | C::AdoptMinutes
        )
    {
        return Err(Refusal::Adopted);
    }
    let mut events = Vec::new();
    match command {
        C::Open { confirm_early } => {
            chair_only()?;
            if let Some(starts_at) = state.starts_at
                && !confirm_early
                && starts_at - now > chrono::Duration::minutes(OPENS_EARLY_MINUTES)
            {
                return Err(Refusal::OpensEarly {
                    starts_at: starts_at.format("%H:%M ngày %d/%m/%Y").to_string(),
                });
            }
            events.push(Event::Opened {
                at: now,
                roll: state.roll.clone(),
                agenda: state.agenda.clone(),
                chair: state.chair,
                secretary: state.secretary,
                rules: Some(Box::new(RecordedRules(state.rules.clone()))),
            });
        }
        C::MoveTo { item } => {
            chair_only()?;
            if *item >= state.agenda.len() {
                return Err(Refusal::NoSuchItem {
                    item: item.saturating_add(1),
                });
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
            let Speaker::Visitor(account) = speaker else {
                return Err(Refusal::VisitorsOnly);
            };
            if state.visitor(account).is_none() {
                events.push(Event::VisitorArrived {
                    visitor: Visitor {
                        account,
                        name: text(name, MAX_NAME_CHARS)?,
                        arrived_at: now,
                    },
                });
            }
        }
        C::CheckIn => {
            let Speaker::Member(member) = speaker else {
                return Err(Refusal::VisitorNotOnRoll);
            };
            if state.roll_entry(member).is_none() {
                return Err(Refusal::NotOnRoll);
            }
            // Already present (in the room or online) stays as marked.
            if !state.is_present(speaker) {
                events.push(Event::Marked {
                    mark: AttendanceMark::new(member, Presence::Online),
                    by: speaker,
                });
            }
        }
        C::Mark { mark } => {
            secretary_or_chair()?;
            if state.roll_entry(mark.member_id).is_none() {
                return Err(Refusal::NotOnRoll);
            }
            let mut mark = mark.clone();
            mark.reason = crate::text::clean_trimmed(&mark.reason);
            if mark.reason.chars().count() > MAX_REASON_CHARS {
                return Err(Refusal::TextTooLong {
                    max: MAX_REASON_CHARS,
                });
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
            events.push(Event::Marked { mark, by: speaker });
        }
        C::RaiseHand => {
            present(speaker)?;
            if state.queue.contains(&speaker) {
                return Err(Refusal::AlreadyInQueue);
            }
            events.push(Event::HandRaised { speaker, at: now });
        }
        C::WithdrawHand => {
            if !state.queue.contains(&speaker) {
                return Err(Refusal::NotInQueue);
            }
            events.push(Event::HandWithdrawn { speaker });
        }
        C::GiveFloor { speaker: to } => {
            chair_only()?;
            present(*to)?;
            if state.floor.is_some() {
                events.push(Event::FloorEnded { at: now });
            }
            events.push(Event::FloorGiven {
                speaker: *to,
                at: now,
            });
        }
        C::EndFloor => {
            let floor = state.floor.ok_or(Refusal::NobodyHasFloor)?;
            if !(caller.is_chair || floor.speaker == speaker) {
                return Err(Refusal::ChairOnly);
            }
            events.push(Event::FloorEnded { at: now });
        }
        C::Opine {
            text: t,
            on_behalf_of,
        } => {
            let t = text(t, MAX_TEXT_CHARS)?;
            if state.opinions.len() + state.omitted_opinions >= MAX_OPINIONS {
                return Err(Refusal::TooMany);
            }
            let (author, noted_by) = match on_behalf_of {
                Some(author) => {
                    secretary_or_chair()?;
                    (*author, Some(speaker))
                }
                None => (speaker, None),
            };
            present(author)?;
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
            if state.votes.len() >= MAX_VOTES {
                return Err(Refusal::TooMany);
            }
            let question = text(question, MAX_QUESTION_CHARS)?;
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
            let record = open_vote(*vote)?;
            let member = match speaker {
                Speaker::Member(m) => m,
                Speaker::Visitor(_) => return Err(VoteRefusal::UpperLevelVisitor.into()),
            };
            vote::eligibility(Participant::Member(member), &state.roll, &state.attendance)?;
            if !record.plan.voters.contains(&member) {
                return Err(Refusal::JoinedAfterVoteOpened);
            }
            if record.has_voted(member) {
                return Err(Refusal::AlreadyVoted);
            }
            let secret = record.plan.ballot == Ballot::Secret;
            if secret
                && state
                    .mark_of(member)
                    .is_some_and(|a| a.presence == Presence::InPerson)
            {
                return Err(Refusal::VoteOnPaper);
            }
            events.push(Event::Cast {
                vote: *vote,
                member,
                // A secret choice goes into the ballot box (`sealed_choice`).
                choice: (!secret).then_some(*choice),
                recorded_by: None,
            });
        }
        C::AppointCounters { members } => {
            chair_only()?;
            let mut named = Vec::with_capacity(members.len());
            for m in members {
                state.roll_entry(*m).ok_or(Refusal::NotOnRoll)?;
                if !named.contains(m) {
                    named.push(*m);
                }
            }
            events.push(Event::CountersAppointed { members: named });
        }
        C::RecordBallot {
            vote,
            member,
            choice,
        } => {
            if !state.may_record_ballots(speaker) {
                return Err(Refusal::CountersOnly);
            }
            let record = open_vote(*vote)?;
            if record.plan.ballot == Ballot::Secret {
                return Err(Refusal::VoteOnPaper);
            }
            vote::eligibility(Participant::Member(*member), &state.roll, &state.attendance)?;
            if !record.plan.voters.contains(member) {
                return Err(Refusal::JoinedAfterVoteOpened);
            }
            if state
                .mark_of(*member)
                .is_none_or(|a| a.presence != Presence::InPerson)
            {
                return Err(Refusal::NotInRoom);
            }
            if record.has_voted(*member) {
                return Err(Refusal::AlreadyVoted);
            }
            events.push(Event::Cast {
                vote: *vote,
                member: *member,
                choice: Some(*choice),
                recorded_by: Some(speaker),
            });
        }
        C::CountPaperBallots { vote, tally } => {
            if !state.may_record_ballots(speaker) {
                return Err(Refusal::CountersOnly);
            }
            let record = open_vote(*vote)?;
            if record.plan.ballot != Ballot::Secret {
                return Err(Refusal::NotOnPaper);
            }
            if record.paper.is_some() {
                return Err(Refusal::PaperAlreadyCounted);
            }
            let max = u32::try_from(record.in_room_voters(state).len()).unwrap_or(u32::MAX);
            let counted =
                u64::from(tally.in_favour) + u64::from(tally.against) + u64::from(tally.abstain);
            if counted > u64::from(max) {
                return Err(Refusal::TooManyPaperBallots {
                    counted: u32::try_from(counted).unwrap_or(u32::MAX),
                    max,
                });
            }
            events.push(Event::PaperCounted {
                vote: *vote,
                tally: *tally,
                by: speaker,
            });
        }
        C::CloseVote { vote } => {
            chair_only()?;
            let record = open_vote(*vote)?;
            // A secret ballot's online choices are only in the ballot box: the
            // server adds them (`count_secret_vote`) before storing this.
            events.push(Event::VoteClosed {
                vote: *vote,
                tally: record.visible_count(),
                at: now,
            });
        }
        C::EditMinutes { text: t } => {
            secretary_or_chair()?;
            let t = crate::text::clean(t);
            if t.chars().count() > MAX_MINUTES_CHARS {
                return Err(Refusal::TextTooLong {
                    max: MAX_MINUTES_CHARS,
                });
            }
            events.push(Event::MinutesEdited {
                text: t,
                by: speaker,
            });
        }
        C::Conclude { text: t } => {
            chair_only()?;
            events.push(Event::Concluded {
                text: text(t, MAX_CONCLUSION_CHARS)?,
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
                assignee_name: text(&task.assignee_name, MAX_NAME_CHARS)?,
                what: text(&task.what, MAX_TASK_CHARS)?,
                due: task.due,
            };
            events.push(Event::TaskAssigned { task });
        }
        C::AdoptMinutes => {
            chair_only()?;
            if state.minutes_adopted_at.is_some() {
                return Err(Refusal::AlreadyAdopted);
            }
            if state.open_vote().is_some() {
                return Err(Refusal::VoteInProgress);
            }
            events.push(Event::MinutesAdopted { at: now });
        }
        C::Close => {
            chair_only()?;
            if state.open_vote().is_some() {
                return Err(Refusal::VoteInProgress);
            }
            let unmarked = state.unmarked();
            if !unmarked.is_empty() {
                return Err(Refusal::Unmarked {
                    count: unmarked.len(),
                    names: unmarked
                        .iter()
                        .map(|r| r.full_name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            if state.floor.is_some() {
                events.push(Event::FloorEnded { at: now });
            }
            events.push(Event::Closed { at: now });
        }
    }
    Ok(events)
}

/// For the server: the choice of a secret ballot being cast, which goes into
/// the ballot box and never into the log, with no reference to its voter.
pub fn sealed_choice(state: &LiveState, command: &Command) -> Option<(usize, Choice)> {
    match command {
        Command::Cast { vote, choice }
            if state
                .votes
                .get(*vote)
                .is_some_and(|v| v.plan.ballot == Ballot::Secret) =>
        {
            Some((*vote, *choice))
        }
        _ => None,
    }
}

/// For the server, closing a secret vote: adds the ballot box's count to the
/// decided tally. The box must hold one ballot per member the log says voted
/// online; otherwise the count is refused, not guessed.
pub fn count_secret_vote(
    state: &LiveState,
    events: &mut [Event],
    boxed: VoteTally,
) -> Result<(), Refusal> {
    for e in events.iter_mut() {
        if let Event::VoteClosed { vote, tally, .. } = e {
            let Some(record) = state.votes.get(*vote) else {
                continue;
            };
            if record.plan.ballot != Ballot::Secret {
                continue;
            }
            let online = record
                .ballots
                .iter()
                .filter(|b| b.recorded_by.is_none())
                .count();
            if usize::try_from(boxed.cast()).ok() != Some(online) {
                return Err(Refusal::BallotBoxMismatch);
            }
            tally.in_favour = tally.in_favour.saturating_add(boxed.in_favour);
            tally.against = tally.against.saturating_add(boxed.against);
            tally.abstain = tally.abstain.saturating_add(boxed.abstain);
        }
    }
    Ok(())
}

/// Folds one event into the state. Never fails: events were decided already.
pub fn apply(state: &mut LiveState, event: &Event) {
    state.seq += 1;
    match event {
        Event::Opened {
            at,
            roll,
            agenda,
            chair,
            secretary,
            rules,
        } => {
            state.phase = Phase::InProgress;
            state.roll = roll.clone();
            state.agenda = agenda.clone();
            state.opened_at = Some(*at);
            // Older logs did not record these: the registration's stand.
            if chair.is_some() || rules.is_some() {
                state.chair = *chair;
                state.secretary = *secretary;
            }
            if let Some(rules) = rules {
                state.rules = rules.0.clone();
            }
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
            ballots: Vec::new(),
            paper: None,
            paper_voters: Vec::new(),
            tally: None,
            closed_at: None,
        }),
        Event::Cast {
            vote,
            member,
            choice,
            recorded_by,
        } => {
            if let Some(v) = state.votes.get_mut(*vote)
                && !v.has_voted(*member)
            {
                v.ballots.push(BallotRecord {
                    member: *member,
                    choice: *choice,
                    recorded_by: *recorded_by,
                });
            }
        }
        Event::CountersAppointed { members } => state.counters = members.clone(),
        Event::PaperCounted { vote, tally, .. } => {
            let voters = state
                .votes
                .get(*vote)
                .map(|v| v.in_room_voters(state))
                .unwrap_or_default();
            if let Some(v) = state.votes.get_mut(*vote) {
                v.paper = Some(*tally);
                v.paper_voters = voters;
            }
        }
        Event::MinutesAdopted { at } => state.minutes_adopted_at = Some(*at),
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
    /// The state as participants may see it, and small whatever the
    /// meeting's length: a secret ballot's choices stay hidden; only the last
    /// `VIEW_OPINIONS` opinions and `VIEW_TURNS` turns are sent (the earlier
    /// ones counted), and agenda notes are left to the registration.
    pub fn for_participants(&self) -> LiveState {
        let keep_from = |n: usize, keep: usize| n.saturating_sub(keep);
        let first_opinion = keep_from(self.opinions.len(), VIEW_OPINIONS);
        let first_turn = keep_from(self.turns.len(), VIEW_TURNS);
        let mut view = LiveState {
            opinions: self.opinions[first_opinion..].to_vec(),
            turns: self.turns[first_turn..].to_vec(),
            omitted_opinions: self.omitted_opinions + first_opinion,
            omitted_turns: self.omitted_turns + first_turn,
            agenda: self
                .agenda
                .iter()
                .map(|item| AgendaItem {
                    notes: String::new(),
                    ..item.clone()
                })
                .collect(),
            ..self.clone_without_logs()
        };
        for v in view
            .votes
            .iter_mut()
            .filter(|v| v.plan.ballot == Ballot::Secret)
        {
            for b in &mut v.ballots {
                b.choice = None;
            }
        }
        view
    }
}

impl LiveState {
    /// A copy without the long lists `for_participants` cuts.
    fn clone_without_logs(&self) -> LiveState {
        LiveState {
            meeting_id: self.meeting_id,
            seq: self.seq,
            phase: self.phase,
            agenda: Vec::new(),
            current_item: self.current_item,
            rules: self.rules.clone(),
            roll: self.roll.clone(),
            chair: self.chair,
            secretary: self.secretary,
            attendance: self.attendance.clone(),
            visitors: self.visitors.clone(),
            queue: self.queue.clone(),
            floor: self.floor,
            turns: Vec::new(),
            opinions: Vec::new(),
            votes: self.votes.clone(),
            minutes: self.minutes.clone(),
            conclusion: self.conclusion.clone(),
            tasks: self.tasks.clone(),
            opened_at: self.opened_at,
            closed_at: self.closed_at,
            starts_at: self.starts_at,
            counters: self.counters.clone(),
            minutes_adopted_at: self.minutes_adopted_at,
            omitted_opinions: self.omitted_opinions,
            omitted_turns: self.omitted_turns,
        }
    }
}

impl Event {
    /// The event as participants may see it, given the state it applies to:
    /// a secret ballot's choice stays with the server until the count.
    pub fn for_participants(&self, state: &LiveState) -> Event {
        match self {
            Event::Cast {
                vote,
                member,
                recorded_by,
                ..
            } if state
                .votes
                .get(*vote)
                .is_some_and(|v| v.plan.ballot == Ballot::Secret) =>
            {
                Event::Cast {
                    vote: *vote,
                    member: *member,
                    choice: None,
                    recorded_by: *recorded_by,
                }
            }
            // Agenda notes are read in the registration, not carried by the room.
            Event::Opened {
                at,
                roll,
                agenda,
                chair,
                secretary,
                rules,
            } => Event::Opened {
                at: *at,
                roll: roll.clone(),
                agenda: agenda
                    .iter()
                    .map(|item| AgendaItem {
                        notes: String::new(),
                        ..item.clone()
                    })
                    .collect(),
                chair: *chair,
                secretary: *secretary,
                rules: rules.clone(),
            },
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
            Refusal::OpensEarly {
                starts_at: "14:00 ngày 05/12/2026".into(),
            },
            Refusal::Unmarked {
                count: 2,
                names: "Lò Văn Pấng, Giàng Thị Mỷ".into(),
            },
            Refusal::VisitorNotArrived,
            Refusal::CountersOnly,
            Refusal::NotInRoom,
            Refusal::VoteOnPaper,
            Refusal::NotOnPaper,
            Refusal::TooManyPaperBallots { counted: 8, max: 7 },
            Refusal::PaperAlreadyCounted,
            Refusal::BallotBoxMismatch,
            Refusal::AlreadyAdopted,
            Refusal::Adopted,
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

    fn setup() -> Setup {
        Setup {
            agenda: standard_agenda(MeetingKind::Regular),
            rules: crate::rules::RuleSet::national_default().meeting_rules(),
            roll: roster(),
            chair: Some(CHAIR),
            secretary: Some(SECRETARY),
            starts_at: Some(at(0)),
        }
    }

    fn meeting() -> LiveState {
        LiveState::new(crate::ids::MeetingId(7), setup())
    }

    fn chair() -> Speaker {
        Speaker::Member(CHAIR)
    }

    fn secretary() -> Speaker {
        Speaker::Member(SECRETARY)
    }

    fn member(id: i64) -> Speaker {
        Speaker::Member(MemberId(id))
    }

    fn visitor() -> Speaker {
        Speaker::Visitor(VISITOR)
    }

    /// Decides and applies, as the server does; returns the events.
    fn run(
        state: &mut LiveState,
        caller: Speaker,
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
            run(
                &mut m,
                member(3),
                Command::Open {
                    confirm_early: false
                },
                0
            ),
            Err(Refusal::ChairOnly)
        );
        run(
            &mut m,
            chair(),
            Command::Open {
                confirm_early: false,
            },
            0,
        )
        .unwrap();

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
        let unmarked = run(&mut m, chair(), Command::Close, 95);
        assert!(matches!(unmarked, Err(Refusal::Unmarked { count: 1, .. })));
        let mut away = AttendanceMark::new(EXEMPTED, Presence::AbsentWithReason);
        away.reason = "Miễn sinh hoạt".into();
        run(&mut m, secretary(), Command::Mark { mark: away }, 95).unwrap();
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
            run(
                &mut m,
                chair(),
                Command::Open {
                    confirm_early: false
                },
                96
            ),
            Err(Refusal::Closed)
        );
    }

    #[test]
    fn a_vote_that_cannot_pass_is_refused_before_it_opens() {
        let mut m = meeting();
        run(
            &mut m,
            chair(),
            Command::Open {
                confirm_early: false,
            },
            0,
        )
        .unwrap();
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

    /// Runs a secret-ballot command as the server does: the choice goes to
    /// the ballot box, the count comes out of it.
    fn run_secret(
        state: &mut LiveState,
        speaker: Speaker,
        command: Command,
        minute: u32,
        boxed: &mut VoteTally,
    ) -> Result<Vec<Event>, Refusal> {
        let mut events = decide(state, speaker, &command, at(minute))?;
        if let Some((_, choice)) = sealed_choice(state, &command) {
            *boxed = tally_of(
                [*boxed]
                    .into_iter()
                    .flat_map(|t| {
                        std::iter::repeat_n(Choice::InFavour, t.in_favour as usize)
                            .chain(std::iter::repeat_n(Choice::Against, t.against as usize))
                            .chain(std::iter::repeat_n(Choice::Abstain, t.abstain as usize))
                    })
                    .chain([choice]),
            );
        }
        count_secret_vote(state, &mut events, *boxed)?;
        for e in &events {
            apply(state, e);
        }
        Ok(events)
    }

    #[test]
    fn a_secret_ballot_keeps_no_choice_next_to_its_voter() {
        let mut m = meeting();
        let mut boxed = VoteTally::default();
        run(
            &mut m,
            chair(),
            Command::Open {
                confirm_early: false,
            },
            0,
        )
        .unwrap();
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
        let events = run_secret(
            &mut m,
            member(2),
            Command::Cast {
                vote: 0,
                choice: Choice::Against,
            },
            3,
            &mut boxed,
        )
        .unwrap();
        // The event stored in the log says who voted, never how.
        assert_eq!(
            events,
            [Event::Cast {
                vote: 0,
                member: MemberId(2),
                choice: None,
                recorded_by: None,
            }]
        );
        assert!(!serde_json::to_string(&m).unwrap().contains("against"));
        assert_eq!(m.visible_tally(0), None);
        // The box must agree with the log: one ballot more is refused, not counted.
        let mut stuffed = VoteTally {
            against: 2,
            ..boxed
        };
        let mut close = decide(&m, chair(), &Command::CloseVote { vote: 0 }, at(4)).unwrap();
        assert_eq!(
            count_secret_vote(&m, &mut close, stuffed),
            Err(Refusal::BallotBoxMismatch)
        );
        stuffed.against = 1;
        run_secret(
            &mut m,
            chair(),
            Command::CloseVote { vote: 0 },
            4,
            &mut stuffed,
        )
        .unwrap();
        assert_eq!(m.visible_tally(0).map(|t| t.against), Some(1));
        assert!(!m.vote_outcome(0).unwrap().unwrap().passed);
    }

    /// Item 7a: members in the room vote too, recorded by the chair, the
    /// secretary or a counter (open vote), or counted from paper (secret).
    #[test]
    fn ballots_cast_in_the_room_count_with_the_online_ones() {
        let mut m = meeting();
        run(
            &mut m,
            chair(),
            Command::Open {
                confirm_early: false,
            },
            0,
        )
        .unwrap();
        for i in 1..=9 {
            let mark = AttendanceMark::new(
                MemberId(i),
                if i <= 7 {
                    Presence::InPerson
                } else {
                    Presence::Online
                },
            );
            run(&mut m, secretary(), Command::Mark { mark }, 1).unwrap();
        }
        run(
            &mut m,
            chair(),
            Command::AppointCounters {
                members: vec![MemberId(5)],
            },
            1,
        )
        .unwrap();
        run(
            &mut m,
            chair(),
            Command::OpenVote {
                kind: VoteKind::Resolution,
                ballot: Ballot::Open,
                question: "Thông qua nghị quyết".into(),
            },
            2,
        )
        .unwrap();
        for i in 8..=9 {
            run(
                &mut m,
                member(i),
                Command::Cast {
                    vote: 0,
                    choice: Choice::InFavour,
                },
                3,
            )
            .unwrap();
        }
        let record = |member, choice| Command::RecordBallot {
            vote: 0,
            member: MemberId(member),
            choice,
        };
        assert_eq!(
            run(&mut m, member(4), record(3, Choice::InFavour), 3),
            Err(Refusal::CountersOnly)
        );
        assert_eq!(
            run(&mut m, member(5), record(8, Choice::Against), 3),
            Err(Refusal::NotInRoom)
        );
        for i in 1..=7 {
            run(&mut m, member(5), record(i, Choice::InFavour), 3).unwrap();
        }
        assert_eq!(
            run(&mut m, chair(), record(1, Choice::Against), 3),
            Err(Refusal::AlreadyVoted)
        );
        run(&mut m, chair(), Command::CloseVote { vote: 0 }, 4).unwrap();
        let outcome = m.vote_outcome(0).unwrap().unwrap();
        assert!(outcome.passed, "9 of 9 in favour: {}", outcome.explanation);
        assert_eq!(
            m.votes[0]
                .ballots
                .iter()
                .filter(|b| b.recorded_by == Some(member(5)))
                .count(),
            7
        );

        // A secret ballot: members online through the box, the room on paper.
        let mut boxed = VoteTally::default();
        run(
            &mut m,
            chair(),
            Command::OpenVote {
                kind: VoteKind::Resolution,
                ballot: Ballot::Secret,
                question: "Bỏ phiếu kín".into(),
            },
            5,
        )
        .unwrap();
        assert_eq!(
            run_secret(
                &mut m,
                member(3),
                Command::Cast {
                    vote: 1,
                    choice: Choice::InFavour
                },
                5,
                &mut boxed
            ),
            Err(Refusal::VoteOnPaper)
        );
        for i in 8..=9 {
            run_secret(
                &mut m,
                member(i),
                Command::Cast {
                    vote: 1,
                    choice: Choice::InFavour,
                },
                5,
                &mut boxed,
            )
            .unwrap();
        }
        let too_many = VoteTally {
            in_favour: 6,
            against: 2,
            abstain: 0,
        };
        assert_eq!(
            run(
                &mut m,
                member(5),
                Command::CountPaperBallots {
                    vote: 1,
                    tally: too_many
                },
                6
            ),
            Err(Refusal::TooManyPaperBallots { counted: 8, max: 7 })
        );
        let paper = VoteTally {
            in_favour: 5,
            against: 1,
            abstain: 1,
        };
        run(
            &mut m,
            member(5),
            Command::CountPaperBallots {
                vote: 1,
                tally: paper,
            },
            6,
        )
        .unwrap();
        // A member covered by the paper count, marked online afterwards, has voted.
        let online = AttendanceMark::new(MemberId(3), Presence::Online);
        run(&mut m, secretary(), Command::Mark { mark: online }, 6).unwrap();
        assert_eq!(
            run_secret(
                &mut m,
                member(3),
                Command::Cast {
                    vote: 1,
                    choice: Choice::InFavour
                },
                6,
                &mut boxed
            ),
            Err(Refusal::AlreadyVoted)
        );
        run_secret(
            &mut m,
            chair(),
            Command::CloseVote { vote: 1 },
            7,
            &mut boxed,
        )
        .unwrap();
        assert_eq!(
            m.votes[1].tally,
            Some(VoteTally {
                in_favour: 7,
                against: 1,
                abstain: 1
            })
        );
        assert_eq!(m.votes[1].turnout(), 9);
    }

    /// Item 7c: no "Vắng: 0" for members never marked; opening early asks; the
    /// adoption of the minutes is a recorded step.
    #[test]
    fn the_record_says_only_what_happened() {
        let mut m = meeting();
        let refused = run(
            &mut m,
            chair(),
            Command::Open {
                confirm_early: false,
            },
            0,
        );
        assert_eq!(refused.as_ref().map(|_| ()), Ok(()));
        let mut early = meeting();
        early.starts_at = Some(at(0) + chrono::Duration::days(1));
        assert!(matches!(
            run(
                &mut early,
                chair(),
                Command::Open {
                    confirm_early: false
                },
                0
            ),
            Err(Refusal::OpensEarly { .. })
        ));
        run(
            &mut early,
            chair(),
            Command::Open {
                confirm_early: true,
            },
            0,
        )
        .unwrap();

        for i in 1..=8 {
            run(&mut m, member(i), Command::CheckIn, 1).unwrap();
        }
        let unmarked = run(&mut m, chair(), Command::Close, 2).unwrap_err();
        assert_eq!(
            unmarked,
            Refusal::Unmarked {
                count: 3,
                names: "Đảng viên 9, Giàng Thị Mỷ, Lê Văn Cụ".into()
            }
        );
        for id in [9, 10, 11] {
            let mark = AttendanceMark::new(MemberId(id), Presence::AbsentWithReason);
            run(&mut m, secretary(), Command::Mark { mark }, 2).unwrap();
        }
        assert_eq!(
            run(&mut m, secretary(), Command::AdoptMinutes, 3),
            Err(Refusal::ChairOnly)
        );
        run(&mut m, chair(), Command::AdoptMinutes, 3).unwrap();
        assert_eq!(m.minutes_adopted_at, Some(at(3)));
        // Adopted minutes are not changed behind the cell's back.
        assert_eq!(
            run(
                &mut m,
                secretary(),
                Command::EditMinutes {
                    text: "Sửa sau".into()
                },
                3
            ),
            Err(Refusal::Adopted)
        );
        assert_eq!(
            run(
                &mut m,
                chair(),
                Command::Conclude {
                    text: "Kết luận khác".into()
                },
                3
            ),
            Err(Refusal::Adopted)
        );
        assert_eq!(
            run(&mut m, chair(), Command::AdoptMinutes, 3),
            Err(Refusal::AlreadyAdopted)
        );
        run(&mut m, chair(), Command::Close, 4).unwrap();
    }

    /// Item 4: only visitors whose arrival is recorded are written in, and
    /// only people present speak.
    #[test]
    fn nobody_is_written_in_who_did_not_come() {
        let mut m = meeting();
        run(
            &mut m,
            chair(),
            Command::Open {
                confirm_early: false,
            },
            0,
        )
        .unwrap();
        run(&mut m, member(2), Command::CheckIn, 0).unwrap();
        let stranger = Speaker::Visitor(AccountId(4242));
        assert_eq!(
            run(&mut m, chair(), Command::GiveFloor { speaker: stranger }, 1),
            Err(Refusal::VisitorNotArrived)
        );
        let on_behalf = |author| Command::Opine {
            text: "Ý kiến".into(),
            on_behalf_of: Some(author),
        };
        assert_eq!(
            run(&mut m, secretary(), on_behalf(stranger), 1),
            Err(Refusal::VisitorNotArrived)
        );
        assert_eq!(
            run(&mut m, secretary(), on_behalf(member(4)), 1),
            Err(Refusal::NotPresent)
        );
        assert_eq!(
            run(
                &mut m,
                member(4),
                Command::Opine {
                    text: "Tôi".into(),
                    on_behalf_of: None
                },
                1
            ),
            Err(Refusal::NotPresent)
        );
        assert_eq!(
            run(&mut m, visitor(), Command::RaiseHand, 1),
            Err(Refusal::VisitorNotArrived)
        );
        run(
            &mut m,
            visitor(),
            Command::VisitorArrives {
                name: "Trịnh\u{0} Minh Tuấn".into(),
            },
            2,
        )
        .unwrap();
        assert_eq!(m.visitors[0].name, "Trịnh Minh Tuấn");
        run(&mut m, secretary(), on_behalf(visitor()), 2).unwrap();
        run(
            &mut m,
            chair(),
            Command::GiveFloor { speaker: visitor() },
            2,
        )
        .unwrap();
    }

    /// Item 1: until the chair opens, the meeting follows the records; the
    /// opening fixes the roll, the agenda, the chair, the secretary and the
    /// rules, and replaying the log gives them back whatever changed since.
    #[test]
    fn the_opening_fixes_what_the_records_say_then() {
        let mut m = meeting();
        let mut changed = setup();
        changed.roll[5].status = PartyStatus::Exempted;
        changed.roll.push(RosterEntry {
            member_id: MemberId(12),
            full_name: "Hà Văn Mới".into(),
            status: PartyStatus::Full,
            attached_elsewhere: false,
        });
        changed.agenda.truncate(2);
        changed.chair = Some(MemberId(3));
        m.refresh(changed.clone());
        assert!(!m.caller(chair()).is_chair);
        assert!(m.caller(member(3)).is_chair);
        assert_eq!(
            run(
                &mut m,
                chair(),
                Command::Open {
                    confirm_early: false
                },
                0
            ),
            Err(Refusal::ChairOnly)
        );
        let opened = run(
            &mut m,
            member(3),
            Command::Open {
                confirm_early: false,
            },
            0,
        )
        .unwrap();
        // After the opening, the records no longer reach the meeting.
        m.refresh(setup());
        assert_eq!(m.roll, changed.roll);
        assert_eq!(m.agenda.len(), 2);
        // Replayed over the registration as it was at first, the log still gives the same meeting.
        let mut replayed = meeting();
        for e in &opened {
            apply(&mut replayed, e);
        }
        assert_eq!(replayed, m);
        let json = serde_json::to_string(&opened).unwrap();
        assert!(json.contains(r#""rules":{"builtin""#), "{json}");
        assert_eq!(serde_json::from_str::<Vec<Event>>(&json).unwrap(), opened);
    }

    /// Item 15: control characters never reach the record.
    #[test]
    fn control_characters_never_reach_the_record() {
        let mut m = meeting();
        run(
            &mut m,
            chair(),
            Command::Open {
                confirm_early: false,
            },
            0,
        )
        .unwrap();
        run(&mut m, member(2), Command::CheckIn, 0).unwrap();
        run(
            &mut m,
            member(2),
            Command::Opine {
                text: "Đồng ý\u{0}\u{b}\u{1f} với dự thảo\r\n".into(),
                on_behalf_of: None,
            },
            1,
        )
        .unwrap();
        run(
            &mut m,
            chair(),
            Command::Conclude {
                text: "Kết\u{7}luận".into(),
            },
            1,
        )
        .unwrap();
        run(
            &mut m,
            secretary(),
            Command::EditMinutes {
                text: "Ghi\u{1b}chú\r\n".into(),
            },
            1,
        )
        .unwrap();
        assert_eq!(m.opinions[0].text, "Đồng ý với dự thảo");
        assert_eq!(m.conclusion, "Kếtluận");
        assert_eq!(m.minutes, "Ghichú\n");
        assert_eq!(
            run(
                &mut m,
                member(2),
                Command::Cast {
                    vote: usize::MAX,
                    choice: Choice::InFavour
                },
                1
            ),
            Err(Refusal::NoSuchVote { vote: usize::MAX })
        );
        assert_eq!(
            run(&mut m, chair(), Command::MoveTo { item: usize::MAX }, 1),
            Err(Refusal::NoSuchItem { item: usize::MAX })
        );
    }

    #[test]
    fn replaying_the_log_rebuilds_the_same_state() {
        let mut m = meeting();
        let mut log = Vec::new();
        log.extend(
            run(
                &mut m,
                chair(),
                Command::Open {
                    confirm_early: false,
                },
                0,
            )
            .unwrap(),
        );
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
            Just(Command::Open {
                confirm_early: false
            }),
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
            (0i64..8, 0u8..3).prop_map(|(m, p)| Command::Mark {
                mark: AttendanceMark::new(
                    MemberId(m),
                    [
                        Presence::InPerson,
                        Presence::Online,
                        Presence::AbsentWithReason
                    ][p as usize]
                )
            }),
            Just(Command::OpenVote {
                kind: VoteKind::Resolution,
                ballot: Ballot::Secret,
                question: "Q".into()
            }),
            (0usize..3, 0i64..8).prop_map(|(vote, m)| Command::RecordBallot {
                vote,
                member: MemberId(m),
                choice: Choice::Against
            }),
            (0usize..3, 0u32..4).prop_map(|(vote, n)| Command::CountPaperBallots {
                vote,
                tally: VoteTally {
                    in_favour: n,
                    against: 1,
                    abstain: 0
                }
            }),
            (0i64..8).prop_map(|m| Command::AppointCounters {
                members: vec![MemberId(m)]
            }),
            Just(Command::AdoptMinutes),
            Just(Command::VisitorArrives {
                name: "Khách".into()
            }),
        ]
    }

    fn caller() -> impl Strategy<Value = Speaker> {
        (0i64..8, any::<bool>()).prop_map(|(id, visitor)| {
            if visitor {
                Speaker::Visitor(AccountId(1))
            } else {
                Speaker::Member(MemberId(id))
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Any sequence of commands from anyone: no panic, and the log replays to the same state.
        #[test]
        fn arbitrary_commands_never_panic_and_replay(steps in proptest::collection::vec((caller(), command()), 0..80)) {
            let fresh = || LiveState::new(MeetingId(1), Setup { agenda: standard_agenda(MeetingKind::Regular), rules: crate::rules::RuleSet::national_default().meeting_rules(), roll: roster(), chair: Some(MemberId(1)), secretary: None, starts_at: None });
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
            prop_assert_eq!(&replayed, &state);
            // What the browser reads back: the state, its participants' copy, the log.
            for s in [state.clone(), state.for_participants()] {
                let json = serde_json::to_string(&s).unwrap();
                prop_assert_eq!(serde_json::from_str::<LiveState>(&json).unwrap(), s);
            }
            let json = serde_json::to_string(&log).unwrap();
            prop_assert_eq!(serde_json::from_str::<Vec<Event>>(&json).unwrap(), log);
        }

        /// Arbitrary text sent as a command decodes or is refused; it never panics.
        #[test]
        fn arbitrary_text_never_panics_the_decoder(text in ".{0,200}") {
            let _ = serde_json::from_str::<Command>(&text);
        }
    }
}
