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
    /// The chair muted the speaker's microphone (tắt micro): the floor stays,
    /// the meeting's audio no longer carries them (`super::audio`).
    #[serde(default)]
    pub muted: bool,
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
    /// The chair mutes (or unmutes) the microphone of whoever has the floor,
    /// who keeps the floor.
    MuteFloor {
        muted: bool,
    },
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
        /// Members excused in advance (xin vắng, accepted): marked absent
        /// with their reason as the meeting opens. (Absent from older logs.)
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        excused: Vec<AttendanceMark>,
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
    /// The chair muted or unmuted the floor's microphone.
    FloorMuted {
        muted: bool,
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
    /// Before the opening, the members whose absence request was accepted,
    /// with their reasons (`crate::preparation::excused_marks`): the opening
    /// records them and marks them absent with reason.
    #[serde(default)]
    pub excused: Vec<AttendanceMark>,
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
    /// Marks of members excused in advance (absent with reason).
    pub excused: Vec<AttendanceMark>,
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
    #[error("Buổi sinh hoạt đã được hủy (lý do: {reason}); không khai mạc được.")]
    Cancelled { reason: String },
    #[error(transparent)]
    Vote {
        #[from]
        refusal: VoteRefusal,
    },
}

impl crate::i18n::Message for Refusal {
    fn english(&self) -> (&'static str, String) {
        use Refusal::*;
        let (code, text): (&'static str, String) = match self {
            NotStarted => ("not_started", "The meeting has not started.".into()),
            AlreadyStarted => ("already_started", "The meeting has already started.".into()),
            Closed => ("closed", "The meeting has ended; the minutes are read-only.".into()),
            ChairOnly => ("chair_only", "Only the chair can do this.".into()),
            SecretaryOnly => ("secretary_only", "Only the meeting secretary or the chair can do this.".into()),
            NoSuchItem { item } => ("no_such_item", format!("There is no item {item} on the agenda.")),
            NotOnRoll => ("not_on_roll", "This person is not on the cell's roll of members.".into()),
            VisitorNotOnRoll => ("visitor_not_on_roll", "A visitor from a higher level is not marked on the cell's roll.".into()),
            VisitorsOnly => ("visitors_only", "Only a visitor from a higher level records their attendance this way.".into()),
            NotPresent => ("not_present", "You need to be marked present before asking to speak.".into()),
            AlreadyInQueue => ("already_in_queue", "You have already asked to speak.".into()),
            NotInQueue => ("not_in_queue", "You have not asked to speak.".into()),
            NobodyHasFloor => ("nobody_has_floor", "Nobody has the floor now.".into()),
            EmptyText => ("empty_text", "The text must not be empty.".into()),
            TextTooLong { max } => ("text_too_long", format!("The text is too long (at most {max} characters).")),
            TooMany => ("too_many", "The largest number allowed is reached.".into()),
            VoteInProgress => ("vote_in_progress", "A vote is still open.".into()),
            NoSuchVote { vote } => ("no_such_vote", format!("There is no vote number {vote}.")),
            VoteClosed => ("vote_closed", "The vote has closed.".into()),
            AlreadyVoted => ("already_voted", "You have already voted.".into()),
            JoinedAfterVoteOpened => ("joined_after_vote_opened", "You arrived after the vote opened, so you are not on this vote's list of voters.".into()),
            TimesNeedPresence => ("times_need_presence", "Late arrival and early leave are recorded only for members present.".into()),
            LeftBeforeArrived => ("left_before_arrived", "The time of leaving must be after the time of arriving.".into()),
            OpensEarly { starts_at } => ("opens_early", format!("The meeting is registered to start at {starts_at}. Confirm if you want to open it earlier.")),
            Unmarked { count, names } => ("unmarked", format!("{count} members are not marked yet: {names}. Mark them present or absent before closing.")),
            VisitorNotArrived => ("visitor_not_arrived", "The visitor from a higher level has not recorded their presence at the meeting.".into()),
            CountersOnly => ("counters_only", "Only the chair, the meeting secretary or the vote counters record ballots in the room.".into()),
            NotInRoom => ("not_in_room", "Ballots in the room are recorded only for members marked present in person.".into()),
            VoteOnPaper => ("vote_on_paper", "Secret ballot: members present in person vote on paper, and the vote counters record the count.".into()),
            NotOnPaper => ("not_on_paper", "Open vote: record each member's vote, not a count of paper ballots.".into()),
            TooManyPaperBallots { counted, max } => ("too_many_paper_ballots", format!("The paper ballots ({counted}) are more than the members present in person who may vote ({max}).")),
            PaperAlreadyCounted => ("paper_already_counted", "The paper ballots of this vote have been counted.".into()),
            BallotBoxMismatch => ("ballot_box_mismatch", "The ballots in the box do not match the members who voted; the vote cannot close yet.".into()),
            AlreadyAdopted => ("already_adopted", "The minutes have been adopted.".into()),
            Adopted => ("adopted", "The cell has adopted the minutes; the meeting's record can no longer change, only the meeting can be closed.".into()),
            Cancelled { reason } => ("cancelled", format!("The meeting was cancelled (reason: {reason}); it cannot open.")),
            // The wire's code; the vote's own is `refusal.code()`.
            Vote { refusal } => ("vote", refusal.english().1),
        };
        (code, text)
    }
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
            excused,
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
            excused,
        }
    }

    /// Takes the current records again, as long as the meeting has not
    /// opened: from the opening on, only its own events change it. Says
    /// whether anything changed.
    pub fn refresh(&mut self, setup: Setup) -> bool {
        if self.phase != Phase::NotStarted {
            return false;
        }
        let changed = self.agenda != setup.agenda
            || self.rules != setup.rules
            || self.roll != setup.roll
            || self.chair != setup.chair
            || self.secretary != setup.secretary
            || self.starts_at != setup.starts_at
            || self.excused != setup.excused;
        if changed {
            self.agenda = setup.agenda;
            self.rules = setup.rules;
            self.roll = setup.roll;
            self.chair = setup.chair;
            self.secretary = setup.secretary;
            self.starts_at = setup.starts_at;
            self.excused = setup.excused;
        }
        changed
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

/// What a member's receipt says of their ballot: the choice of an open vote;
/// of a secret one, only that the ballot was cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receipt {
    /// "Đã biểu quyết: Tán thành".
    Chose(Choice),
    /// "Đã bỏ phiếu kín": online or on paper, the choice is never shown.
    SecretBallot,
}

impl VoteRecord {
    pub fn has_voted(&self, member: MemberId) -> bool {
        self.ballots.iter().any(|b| b.member == member) || self.paper_voters.contains(&member)
    }

    /// The receipt of `member`'s ballot, if they voted. A secret ballot's
    /// receipt holds no choice even where the state still knows it.
    pub fn receipt(&self, member: MemberId) -> Option<Receipt> {
        if !self.has_voted(member) {
            return None;
        }
        if self.plan.ballot == Ballot::Secret {
            return Some(Receipt::SecretBallot);
        }
        self.ballots
            .iter()
            .find(|b| b.member == member)
            .and_then(|b| b.choice)
            .map(Receipt::Chose)
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
            C::Close | C::EndFloor | C::MuteFloor { .. } | C::WithdrawHand | C::AdoptMinutes
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
                // Only members on the roll; each once.
                excused: state
                    .excused
                    .iter()
                    .filter(|m| state.roll_entry(m.member_id).is_some())
                    .cloned()
                    .collect(),
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
        C::MuteFloor { muted } => {
            chair_only()?;
            let floor = state.floor.ok_or(Refusal::NobodyHasFloor)?;
            // Already so: nothing to record.
            if floor.muted != *muted {
                events.push(Event::FloorMuted {
                    muted: *muted,
                    at: now,
                });
            }
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
            excused,
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
            // Excused in advance: absent with reason until the chair or the
            // secretary marks otherwise.
            for mark in excused {
                if let Err(i) = state
                    .attendance
                    .binary_search_by_key(&mark.member_id, |m| m.member_id)
                {
                    state.attendance.insert(i, mark.clone());
                }
            }
            state.excused.clear();
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
                muted: false,
            });
        }
        Event::FloorMuted { muted, .. } => {
            if let Some(f) = state.floor.as_mut() {
                f.muted = *muted;
            }
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
            excused: self.excused.clone(),
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
                excused,
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
                excused: excused.clone(),
            },
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
