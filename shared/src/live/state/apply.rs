//! `apply`: an event folded into the state.

use super::*;

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
