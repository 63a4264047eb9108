//! The live meeting's state machine. A participant's `Command` is checked by
//! `decide` against the current state and turned into `Event`s; `apply` folds
//! an event into the state. The browser runs `decide` before sending (to refuse
//! at once) and `apply` to render; the server runs both again and is the
//! authority: only events it stored and numbered exist.
//!
//! Here the types and the state's queries; `decide.rs`, `apply.rs`,
//! `refusal.rs` and `view.rs` (what participants see) beside it.

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

mod apply;
mod decide;
mod refusal;
mod view;

pub use apply::apply;
pub use decide::{count_secret_vote, decide, sealed_choice};
pub use refusal::Refusal;

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
