//! The live meeting's state machine: a sequence of (speaker, command) pairs on
//! a realistic meeting, each run as the server runs it (`shared_fuzz::room`):
//! `decide` with the powers the state gives, a secret vote closed with the
//! ballot box's count, the events stored and applied, the secret choice put in
//! the box. After every step the invariants hold: participants, from the copy
//! they were sent on joining and the events since, rebuild the state as a
//! joining participant is shown it now (and one there from the start, every
//! opinion and turn), and decide every command alike on it; a vote never has more ballots (online, in the room, on
//! paper) than voters, each ballot from one of the plan's voters, once, and
//! nobody whose paper ballot may have been counted votes again; a secret
//! vote's choice is never next to its voter, in the state or an event, and the
//! box holds one ballot per online voter; nobody is written in who did not
//! come; every event and message sent reads back from its JSON unchanged. At
//! the end, the log replays from its JSON to the same state, and the state,
//! the `welcome` and the `snapshot` read back.
//!
//! The input is a script of steps (see `shared_fuzz::meeting`). To follow a
//! change of the commands, adapt `Reader::command` there; of `decide` or of
//! the server's order of things, `shared_fuzz::room`.
#![no_main]

use chrono::{Duration, NaiveDateTime};
use libfuzzer_sys::fuzz_target;
use shared::live::protocol::{PROTOCOL_VERSION, ServerMessage};
use shared::live::state::{
    Command, Event, LiveState, Phase, Refusal, Speaker, apply, count_secret_vote, decide,
};
use shared::rules::vote::{Ballot, VoteTally};
use shared_fuzz::meeting::{Reader, meeting, start};
use shared_fuzz::room::{Room, closes_secret_vote};
use shared_fuzz::{round_trip, skipped};

/// One command through the server's side. Tells whether the state changed.
fn step(room: &mut Room, speaker: Speaker, command: &Command, now: NaiveDateTime) -> bool {
    if matches!(command, Command::CheckIn) {
        // A member connects (and is sent the state) before checking in.
        room.join();
    }
    // The browser decides on the copy it has before sending: alike, but for
    // what the server leaves out of its copy (the agenda's notes).
    let decided = decide(&room.state, speaker, command, now);
    let shown = |d: &Result<Vec<Event>, Refusal>| {
        d.clone().map(|events| {
            events
                .iter()
                .map(|e| e.for_participants(&room.state))
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(
        shown(&decide(&room.late, speaker, command, now)),
        shown(&decided),
        "the participants' copy decides {command:?} otherwise"
    );
    if let Ok(events) = &decided
        && let Some(vote) = closes_secret_vote(&room.state, events)
    {
        // A box that does not agree with the log is refused, never counted.
        let boxed = room.boxed(vote);
        let mut stuffed = vec![VoteTally {
            in_favour: boxed.in_favour + 1,
            ..boxed
        }];
        // And one short, when there is one to take out.
        if boxed.in_favour > 0 {
            stuffed.push(VoteTally {
                in_favour: boxed.in_favour - 1,
                ..boxed
            });
        } else if boxed.against > 0 {
            stuffed.push(VoteTally {
                against: boxed.against - 1,
                ..boxed
            });
        } else if boxed.abstain > 0 {
            stuffed.push(VoteTally {
                abstain: boxed.abstain - 1,
                ..boxed
            });
        }
        for wrong in stuffed {
            assert_eq!(
                count_secret_vote(&room.state, &mut events.clone(), wrong),
                Err(Refusal::BallotBoxMismatch),
                "vote {vote}: box {wrong:?} counted against {boxed:?}"
            );
        }
    }
    let events = match decided.and_then(|events| room.count_box(events)) {
        Ok(events) => events,
        Err(refusal) => {
            // The box always agrees with the log here.
            assert_ne!(refusal, Refusal::BallotBoxMismatch, "{command:?}");
            assert!(!refusal.to_string().is_empty());
            round_trip(&ServerMessage::Rejected {
                key: "k".into(),
                message: refusal.to_string(),
                reason: refusal,
            });
            return false;
        }
    };
    for event in &events {
        round_trip(event);
        // The event stored in the log says who voted in secret, never how.
        if let Event::Cast {
            vote,
            choice: Some(c),
            ..
        } = event
        {
            let ballot = room.state.votes.get(*vote).map(|v| v.plan.ballot);
            assert_ne!(
                ballot,
                Some(Ballot::Secret),
                "vote {vote}: a secret choice ({c:?}) in the log"
            );
        }
    }
    let changed = !events.is_empty();
    let sent = room.store(command, events);
    round_trip(&ServerMessage::Events { events: sent });
    round_trip(&ServerMessage::Accepted {
        key: "k".into(),
        seq: room.state.seq,
    });
    changed
}

/// Whether someone was there to be written in: a member on the roll, a
/// visitor whose arrival is recorded.
fn came(state: &LiveState, who: Speaker) -> bool {
    match who {
        Speaker::Member(m) => state.roll_entry(m).is_some(),
        Speaker::Visitor(a) => state.visitor(a).is_some(),
    }
}

/// The invariants of a state just changed (`decide` reads the state, so a
/// refused command leaves it as it was checked).
fn check(room: &Room) {
    let state = &room.state;
    assert_eq!(state.seq, room.log.len() as u64);
    assert_eq!((state.omitted_opinions, state.omitted_turns), (0, 0));
    let shown = state.for_participants();
    for (who, view) in [("from the start", &room.view), ("since", &room.late)] {
        assert_eq!(
            view.for_participants(),
            shown,
            "the events sent do not rebuild the state shown (a participant there {who})"
        );
    }
    assert!(
        room.view.opinions == state.opinions && room.view.turns == state.turns,
        "a participant there from the start misses opinions or turns"
    );

    for (i, vote) in state.votes.iter().enumerate() {
        let voters = vote.plan.voters.len();
        assert!(
            vote.ballots.len() <= voters,
            "vote {i}: more ballots than voters"
        );
        for (j, b) in vote.ballots.iter().enumerate() {
            assert!(
                vote.plan.voters.contains(&b.member),
                "vote {i}: a ballot from {:?}, not a voter",
                b.member
            );
            assert!(
                vote.ballots[..j].iter().all(|a| a.member != b.member),
                "vote {i}: {:?} voted twice",
                b.member
            );
        }
        let paper = vote.paper.map_or(0, |p| u64::from(p.cast()));
        let turnout = vote.ballots.len() as u64 + paper;
        assert_eq!(u64::from(vote.turnout()), turnout);
        if let (Some(paper), Some(from)) = (vote.paper, room.paper_from.get(&i))
            && !skipped("paper_double_vote")
        {
            // Each member votes once: the paper ballots and the later
            // ballots of those who could have cast them are at most as many
            // as they are.
            let again: Vec<_> = vote
                .ballots
                .iter()
                .filter(|b| from.contains(&b.member))
                .map(|b| b.member)
                .collect();
            assert!(
                u64::from(paper.cast()) + again.len() as u64 <= from.len() as u64,
                "vote {i}: {} paper ballots from {from:?}, who then voted again: {again:?}",
                paper.cast()
            );
        }
        assert!(
            turnout <= voters as u64 || skipped("paper_double_vote"),
            "vote {i}: {} ballots online or recorded and {paper} on paper, from {voters} voters: {:?}",
            vote.ballots.len(),
            vote
        );
        let online = vote
            .ballots
            .iter()
            .filter(|b| b.recorded_by.is_none())
            .count();
        let boxed = room.boxed(i);
        match vote.plan.ballot {
            Ballot::Secret => {
                assert!(
                    vote.ballots.iter().all(|b| b.choice.is_none()),
                    "vote {i}: a secret choice in the state"
                );
                assert_eq!(
                    u64::from(boxed.cast()),
                    online as u64,
                    "vote {i}: the box against the online ballots"
                );
                assert_eq!(state.visible_tally(i), vote.tally);
            }
            Ballot::Open => {
                assert!(vote.ballots.iter().all(|b| b.choice.is_some()));
                assert!(vote.paper.is_none(), "vote {i}: paper in an open vote");
                assert_eq!(
                    boxed,
                    VoteTally::default(),
                    "vote {i}: an open vote in the box"
                );
            }
        }
        match vote.tally {
            Some(t) => {
                assert!(vote.closed_at.is_some());
                assert_eq!(u64::from(t.cast()), turnout, "vote {i}: tally {t:?}");
                if let Err(e) = state.vote_outcome(i).expect("a closed vote")
                    && turnout <= voters as u64
                {
                    panic!("vote {i}: the rules refuse its count: {e}");
                }
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
    for (i, m) in state.counters.iter().enumerate() {
        assert!(state.roll_entry(*m).is_some() && !state.counters[..i].contains(m));
    }
    for (i, s) in state.queue.iter().enumerate() {
        assert!(
            !state.queue[i + 1..].contains(s),
            "{s:?} twice in the queue"
        );
    }
    // Nobody is written in who did not come.
    let written = state
        .queue
        .iter()
        .chain(state.floor.iter().map(|f| &f.speaker))
        .chain(state.turns.iter().map(|t| &t.speaker))
        .chain(state.opinions.iter().map(|o| &o.author));
    for who in written {
        assert!(came(state, *who), "{who:?} written in without coming");
    }
    if state.phase == Phase::Closed {
        assert!(state.floor.is_none() && state.open_vote().is_none());
        assert!(state.unmarked().is_empty(), "closed with members unmarked");
    }
}

/// At the end of a script (each prefix of a script is a script too): the log
/// as stored, in JSON, replays to the state, and the state and the messages
/// that carry it read back. Once per run: a whole state through JSON costs
/// more than the rest of a step.
fn finish(room: &Room, speaker: Speaker) {
    let state = &room.state;
    let mut replayed = meeting();
    for event in &room.log {
        let json = serde_json::to_string(event).expect("an event writes");
        let stored: Event = serde_json::from_str(&json).expect("an event reads back");
        apply(&mut replayed, &stored);
    }
    assert_eq!(&replayed, state, "the log does not replay to the state");

    let shown = state.for_participants();
    round_trip(state);
    round_trip(&ServerMessage::Welcome {
        version: PROTOCOL_VERSION,
        you: state.caller(speaker),
        snapshot: Some(Box::new(shown.clone())),
        events: Vec::new(),
        turn: None,
    });
    round_trip(&ServerMessage::Snapshot {
        state: Box::new(shown),
    });
}

fuzz_target!(|data: &[u8]| {
    let mut room = Room::default();
    let mut now = start();
    let mut script = Reader::new(data);
    let mut last = None;
    while !script.is_empty() {
        let (speaker, command, after) = script.step();
        now += Duration::seconds(i64::from(after));
        if step(&mut room, speaker, &command, now) {
            check(&room);
            last = Some(speaker);
        }
    }
    if let Some(speaker) = last {
        finish(&room, speaker);
    }
});
