//! Properties over arbitrary commands from anyone.

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
        any::<bool>().prop_map(|muted| Command::MuteFloor { muted }),
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
    fn arbitrary_commands_never_panic_and_replay(
        steps in proptest::collection::vec((caller(), command()), 0..80),
        excused in proptest::collection::vec((0i64..8, "[a-zđươôăâêáàảãạốồộ ]{0,20}"), 0..4),
    ) {
        // Members excused in advance, some of them not on the roll.
        let excused = crate::preparation::excused_marks(
            &excused
                .into_iter()
                .map(|(m, reason)| crate::preparation::AbsenceRequest {
                    meeting_id: MeetingId(1),
                    member_id: MemberId(m),
                    member_name: format!("Đảng viên {m}"),
                    reason,
                    status: crate::preparation::AbsenceStatus::Accepted,
                    note: String::new(),
                    requested_at: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(8, 0, 0).unwrap(),
                    decided_at: None,
                    decided_by: None,
                })
                .collect::<Vec<_>>(),
        );
        let fresh = || LiveState::new(MeetingId(1), Setup { agenda: standard_agenda(MeetingKind::Regular), rules: crate::rules::RuleSet::national_default().meeting_rules(), roll: roster(), chair: Some(MemberId(1)), secretary: None, starts_at: None, excused: excused.clone() });
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
        // The opening records only excused members on the roll, and they are
        // marked (absent with reason, unless marked again since).
        for e in &log {
            if let Event::Opened { excused: recorded, .. } = e {
                prop_assert!(recorded.iter().all(|m| state.roll_entry(m.member_id).is_some()));
                for m in recorded {
                    prop_assert!(state.mark_of(m.member_id).is_some());
                }
                prop_assert!(state.excused.is_empty());
            }
        }
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
