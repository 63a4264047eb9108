//! What participants may see of the state and of each event.

use super::*;

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
