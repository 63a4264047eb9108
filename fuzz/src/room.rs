//! The server's side of a live meeting, as `server/src/live/room.rs` runs it,
//! without storage: a command is decided on the state, a secret vote is closed
//! with the ballot box's count, the events are stored and applied, a secret
//! choice goes into the ballot box (counts only, nothing about the voter), and
//! participants are sent the events filtered against the state after them.
//! Two participants follow along, each building its state from the copy it
//! was sent on joining (`LiveState::for_participants`: the latest opinions
//! and turns only, no agenda notes) and the events it is sent since: one
//! joined before the opening, one joins again at each check-in.

use crate::meeting::meeting;
use chrono::NaiveDateTime;
use shared::MemberId;
use shared::live::protocol::Sequenced;
use shared::live::state::{
    Choice, Command, Event, LiveState, Refusal, Speaker, apply, count_secret_vote, decide,
    sealed_choice,
};
use shared::rules::attendance::Presence;
use shared::rules::vote::{Ballot, VoteTally};
use std::collections::BTreeMap;

pub struct Room {
    pub state: LiveState,
    /// Every event stored, in order.
    pub log: Vec<Event>,
    /// The ballot box: per secret vote, the choices cast online, counted.
    pub boxes: BTreeMap<usize, VoteTally>,
    /// What a participant who joined before the opening builds from the
    /// events it is sent.
    pub view: LiveState,
    /// The same, for a participant who joined at the last check-in.
    pub late: LiveState,
    /// Per vote whose paper ballots were counted, who could have cast one:
    /// the plan's voters in the room who had not voted online at the count.
    /// The paper ballots came from them, so each of them who votes again
    /// leaves one paper ballot fewer they can have cast.
    pub paper_from: BTreeMap<usize, Vec<MemberId>>,
}

impl Default for Room {
    fn default() -> Room {
        Room {
            state: meeting(),
            log: Vec::new(),
            boxes: BTreeMap::new(),
            view: meeting().for_participants(),
            late: meeting().for_participants(),
            paper_from: BTreeMap::new(),
        }
    }
}

/// A secret vote being closed by these events, if any.
pub fn closes_secret_vote(state: &LiveState, events: &[Event]) -> Option<usize> {
    events.iter().find_map(|e| match e {
        Event::VoteClosed { vote, .. }
            if state
                .votes
                .get(*vote)
                .is_some_and(|v| v.plan.ballot == Ballot::Secret) =>
        {
            Some(*vote)
        }
        _ => None,
    })
}

pub fn add(tally: &mut VoteTally, choice: Choice) {
    match choice {
        Choice::InFavour => tally.in_favour += 1,
        Choice::Against => tally.against += 1,
        Choice::Abstain => tally.abstain += 1,
    }
}

impl Room {
    /// The ballot box's count of a vote (empty for one never cast into).
    pub fn boxed(&self, vote: usize) -> VoteTally {
        self.boxes.get(&vote).copied().unwrap_or_default()
    }

    /// What the server decides: `decide`, and closing a secret vote, the count
    /// of the ballot box added.
    pub fn decide(
        &self,
        speaker: Speaker,
        command: &Command,
        now: NaiveDateTime,
    ) -> Result<Vec<Event>, Refusal> {
        self.count_box(decide(&self.state, speaker, command, now)?)
    }

    /// Events `decide` gave, with the ballot box's count when they close a
    /// secret vote.
    pub fn count_box(&self, mut events: Vec<Event>) -> Result<Vec<Event>, Refusal> {
        if let Some(vote) = closes_secret_vote(&self.state, &events) {
            count_secret_vote(&self.state, &mut events, self.boxed(vote))?;
        }
        Ok(events)
    }

    /// Stores what was decided for `command`: its secret choice into the box,
    /// its events into the log and the state. Gives what participants are sent.
    pub fn store(&mut self, command: &Command, events: Vec<Event>) -> Vec<Sequenced> {
        if events.is_empty() {
            return Vec::new();
        }
        if let Some((vote, choice)) = sealed_choice(&self.state, command) {
            add(self.boxes.entry(vote).or_default(), choice);
        }
        let base = self.state.seq;
        let mut stored = Vec::with_capacity(events.len());
        for (i, event) in events.into_iter().enumerate() {
            if let Event::PaperCounted { vote, .. } = event
                && let Some(record) = self.state.votes.get(vote)
            {
                let in_room = record
                    .plan
                    .voters
                    .iter()
                    .filter(|m| !record.has_voted(**m))
                    .filter(|m| {
                        self.state
                            .mark_of(**m)
                            .is_some_and(|a| a.presence == Presence::InPerson)
                    })
                    .copied()
                    .collect();
                self.paper_from.insert(vote, in_room);
            }
            apply(&mut self.state, &event);
            self.log.push(event.clone());
            stored.push(Sequenced {
                seq: base + i as u64 + 1,
                event,
            });
        }
        let sent: Vec<Sequenced> = stored
            .iter()
            .map(|s| Sequenced {
                seq: s.seq,
                event: s.event.for_participants(&self.state),
            })
            .collect();
        for s in &sent {
            apply(&mut self.view, &s.event);
            apply(&mut self.late, &s.event);
        }
        sent
    }

    /// A participant joins: it is sent the participants' copy of the state.
    pub fn join(&mut self) {
        self.late = self.state.for_participants();
    }

    /// Decides and stores, as the server does.
    pub fn command(
        &mut self,
        speaker: Speaker,
        command: &Command,
        now: NaiveDateTime,
    ) -> Result<Vec<Sequenced>, Refusal> {
        let events = self.decide(speaker, command, now)?;
        Ok(self.store(command, events))
    }
}
