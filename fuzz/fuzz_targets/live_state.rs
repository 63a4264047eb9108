//! The live meeting's state machine: a sequence of (caller, command) pairs on a
//! realistic meeting, each run through `decide` and, when accepted, `apply`.
//! After every step the invariants hold: the log replays to the same state,
//! participants rebuild the state they are shown from the events they are sent,
//! a vote never has more ballots than voters, and the state, every event and the
//! server's messages read back from their JSON unchanged.
//!
//! The input is a script of steps (see `shared_fuzz::meeting`). To follow a
//! change of the commands, adapt `Reader::command` there; of `decide`, `step` here.
#![no_main]

use chrono::{Duration, NaiveDateTime};
use libfuzzer_sys::fuzz_target;
use shared::live::protocol::{PROTOCOL_VERSION, Sequenced, ServerMessage};
use shared::live::state::{Caller, Command, Event, LiveState, Phase, apply, decide};
use shared_fuzz::meeting::{Reader, meeting, start};
use shared_fuzz::{round_trip, skipped};

/// The server's side and one participant's, as they go along.
struct World {
    state: LiveState,
    /// Every event stored, in order.
    log: Vec<Event>,
    /// What a participant builds from the events it is sent.
    view: LiveState,
}

/// One command through `decide` and, when accepted, `apply`, as the server does.
/// Tells whether the state changed.
fn step(world: &mut World, caller: Caller, command: &Command, now: NaiveDateTime) -> bool {
    let events = match decide(&world.state, caller, command, now) {
        Ok(events) => events,
        Err(refusal) => {
            assert!(!refusal.to_string().is_empty());
            round_trip(&ServerMessage::Rejected {
                key: "k".into(),
                message: refusal.to_string(),
                reason: refusal,
            });
            return false;
        }
    };
    let base = world.state.seq;
    let mut sequenced = Vec::with_capacity(events.len());
    for (i, event) in events.into_iter().enumerate() {
        round_trip(&event);
        apply(&mut world.state, &event);
        world.log.push(event.clone());
        sequenced.push(Sequenced {
            seq: base + i as u64 + 1,
            event,
        });
    }
    // What participants are sent, filtered against the state after the command.
    let sent: Vec<Sequenced> = sequenced
        .iter()
        .map(|s| Sequenced {
            seq: s.seq,
            event: s.event.for_participants(&world.state),
        })
        .collect();
    for s in &sent {
        apply(&mut world.view, &s.event);
    }
    round_trip(&ServerMessage::Events { events: sent });
    round_trip(&ServerMessage::Accepted {
        key: "k".into(),
        seq: world.state.seq,
    });
    !sequenced.is_empty()
}

/// The invariants of a state just changed (`decide` reads the state, so a
/// refused command leaves it as it was checked).
fn check(world: &World, you: Caller) {
    let state = &world.state;
    assert_eq!(state.seq, world.log.len() as u64);

    let mut replayed = meeting();
    for event in &world.log {
        apply(&mut replayed, event);
    }
    assert_eq!(&replayed, state, "the log does not replay to the state");

    let shown = state.for_participants();
    assert_eq!(
        world.view, shown,
        "the events sent do not rebuild the state shown"
    );

    for (i, vote) in state.votes.iter().enumerate() {
        assert!(
            vote.ballots.len() <= vote.plan.voters.len(),
            "vote {i}: more ballots than voters"
        );
        assert!(vote.ballots.keys().all(|m| vote.plan.voters.contains(m)));
        match vote.tally {
            Some(t) => {
                assert!(vote.closed_at.is_some());
                let counted = u64::from(t.in_favour) + u64::from(t.against) + u64::from(t.abstain);
                assert_eq!(counted, vote.ballots.len() as u64, "vote {i}: tally");
            }
            None => assert!(vote.closed_at.is_none()),
        }
    }
    assert!(state.votes.iter().filter(|v| v.closed_at.is_none()).count() <= 1);
    assert!(
        state
            .attendance
            .windows(2)
            .all(|w| w[0].member_id < w[1].member_id)
    );
    assert!(
        state
            .attendance
            .iter()
            .all(|a| state.roll_entry(a.member_id).is_some())
    );
    for (i, s) in state.queue.iter().enumerate() {
        assert!(
            !state.queue[i + 1..].contains(s),
            "{s:?} twice in the queue"
        );
    }
    if state.phase == Phase::Closed {
        assert!(state.floor.is_none() && state.open_vote().is_none());
    }

    round_trip(state);
    if !skipped("welcome_roundtrip") {
        round_trip(&ServerMessage::Welcome {
            version: PROTOCOL_VERSION,
            you,
            snapshot: Some(Box::new(shown.clone())),
            events: Vec::new(),
        });
        round_trip(&ServerMessage::Snapshot {
            state: Box::new(shown),
        });
    }
}

fuzz_target!(|data: &[u8]| {
    let mut world = World {
        state: meeting(),
        log: Vec::new(),
        view: meeting(),
    };
    let mut now = start();
    let mut script = Reader::new(data);
    while !script.is_empty() {
        let (caller, command, after) = script.step();
        now += Duration::seconds(i64::from(after));
        if step(&mut world, caller, &command, now) {
            check(&world, caller);
        }
    }
});
