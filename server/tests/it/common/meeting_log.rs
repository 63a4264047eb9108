//! A meeting's log written straight to storage, decided and hash-chained as
//! the live room writes it, with no room running.

use super::{Seeded, TestServer};
use chrono::NaiveDateTime;
use server::storage::{Append, NewEvent, Store};
use shared::live::chain;
use shared::live::state::{Choice, Command, LiveState, Setup, Speaker, apply, decide};
use shared::meeting::{Meeting, MeetingStatus};
use shared::member::Member;
use shared::rules::attendance::{AttendanceMark, Presence, RosterEntry};
use shared::rules::vote::{Ballot, VoteKind};
use shared::{AccountId, MeetingId, MemberId};

/// The roll of these members, none attached elsewhere.
pub fn roster<'a>(members: impl IntoIterator<Item = &'a Member>) -> Vec<RosterEntry> {
    members
        .into_iter()
        .map(|x| RosterEntry {
            member_id: x.id,
            full_name: x.draft.full_name.clone(),
            status: x.draft.status,
            attached_elsewhere: false,
        })
        .collect()
}

/// A registered meeting's state before it opens, under the national rules.
pub fn before_opening(
    meeting: &Meeting,
    roll: Vec<RosterEntry>,
    chair: Option<MemberId>,
    secretary: Option<MemberId>,
) -> LiveState {
    LiveState::new(
        meeting.id,
        Setup {
            agenda: meeting.draft.agenda.clone(),
            rules: shared::rules::RuleSet::national_default().meeting_rules(),
            roll,
            chair,
            secretary,
            starts_at: Some(meeting.draft.starts_at),
            excused: Vec::new(),
        },
    )
}

/// A meeting of a seeded cell and its state before it opens: every member of
/// the cell on the roll, member 0 chairs, member 1 takes the minutes.
pub async fn seeded_meeting(s: &TestServer, id: i64, m: &[Seeded]) -> (Meeting, LiveState) {
    let meeting = s.store.meeting(MeetingId(id)).await.unwrap().unwrap();
    let members = s.store.members_of(meeting.cell_id).await.unwrap();
    let state = before_opening(
        &meeting,
        roster(&members),
        Some(m[0].member),
        Some(m[1].member),
    );
    (meeting, state)
}

/// The chair (member 0) opens and marks everyone present in person.
pub fn opened_with_everyone(m: &[Seeded]) -> Vec<(Speaker, Command)> {
    let chair = Speaker::Member(m[0].member);
    let mut commands = vec![(
        chair,
        Command::Open {
            confirm_early: true,
        },
    )];
    for x in m {
        commands.push((
            chair,
            Command::Mark {
                mark: AttendanceMark::new(x.member, Presence::InPerson),
            },
        ));
    }
    commands
}

/// Member `i` asks for the floor, the chair gives it and ends it.
pub fn floor(m: &[Seeded], i: usize) -> Vec<(Speaker, Command)> {
    let chair = Speaker::Member(m[0].member);
    let speaker = Speaker::Member(m[i].member);
    vec![
        (speaker, Command::RaiseHand),
        (chair, Command::GiveFloor { speaker }),
        (chair, Command::EndFloor),
    ]
}

/// The chair puts a resolution to an open vote (vote 0), everyone votes in
/// favour, the chair closes the vote.
pub fn resolution_passed_by_all(m: &[Seeded], question: &str) -> Vec<(Speaker, Command)> {
    let chair = Speaker::Member(m[0].member);
    let mut commands = vec![(
        chair,
        Command::OpenVote {
            kind: VoteKind::Resolution,
            ballot: Ballot::Open,
            question: question.into(),
        },
    )];
    for x in m {
        commands.push((
            Speaker::Member(x.member),
            Command::Cast {
                vote: 0,
                choice: Choice::InFavour,
            },
        ));
    }
    commands.push((chair, Command::CloseVote { vote: 0 }));
    commands
}

/// Decides a command and applies its events, numbered and chained after
/// `hash` as the room stores them.
pub fn decided(
    state: &mut LiveState,
    hash: &mut String,
    who: Speaker,
    c: &Command,
    now: NaiveDateTime,
) -> Vec<NewEvent> {
    let mut events = Vec::new();
    for e in decide(state, who, c, now).unwrap_or_else(|e| panic!("{c:?}: {e:?}")) {
        apply(state, &e);
        let payload = serde_json::to_string(&e).unwrap();
        *hash = chain::link(hash, state.meeting_id.0, state.seq, &payload);
        events.push(NewEvent {
            seq: state.seq,
            payload,
            hash: hash.clone(),
        });
    }
    events
}

/// Writes these commands' events in one batch, each under the key `hold-{i}`
/// by `account`: the meeting is live from the first, and closed by the last
/// when `closes`.
pub async fn write(
    store: &Store,
    state: &mut LiveState,
    account: AccountId,
    commands: &[(Speaker, Command)],
    closes: bool,
) {
    let now = server::clock::now_local();
    let mut hash = chain::GENESIS.to_string();
    let last = commands.len() - 1;
    let mut batch = Vec::new();
    for (i, (who, c)) in commands.iter().enumerate() {
        batch.push(Append {
            meeting: state.meeting_id,
            command_key: format!("hold-{i}"),
            account,
            at: now,
            events: decided(state, &mut hash, *who, c, now),
            status: match i {
                0 => Some(MeetingStatus::Live),
                i if i == last && closes => Some(MeetingStatus::Closed),
                _ => None,
            },
            sealed_ballot: None,
        });
    }
    store.append_batch(&batch).await.unwrap();
}

/// Holds a meeting of a seeded cell with these commands, the last closing it,
/// all written under member 0's account.
pub async fn hold(s: &TestServer, id: i64, m: &[Seeded], commands: &[(Speaker, Command)]) {
    let (_, mut state) = seeded_meeting(s, id, m).await;
    write(&s.store, &mut state, m[0].account, commands, true).await;
}
