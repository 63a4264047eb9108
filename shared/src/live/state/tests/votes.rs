//! Votes: refused before they open, secret ballots, ballots cast in the
//! room, receipts.

use super::*;

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

/// The receipt a member reads after voting: the choice of an open vote, none
/// of a secret one (the server's whole state included), nothing before voting;
/// the participants' copy gives the same receipt, so it outlives a reload.
#[test]
fn a_receipt_names_an_open_choice_and_never_a_secret_one() {
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
        run(&mut m, member(i), Command::CheckIn, 1).unwrap();
    }
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
    assert_eq!(m.votes[0].receipt(MemberId(3)), None, "not voted yet");
    let cast = |choice| Command::Cast { vote: 0, choice };
    run(&mut m, member(3), cast(Choice::Against), 3).unwrap();
    assert_eq!(
        m.votes[0].receipt(MemberId(3)),
        Some(Receipt::Chose(Choice::Against))
    );
    assert_eq!(
        m.for_participants().votes[0].receipt(MemberId(3)),
        Some(Receipt::Chose(Choice::Against))
    );
    assert_eq!(
        m.votes[0].receipt(MemberId(4)),
        None,
        "another's ballot is not mine"
    );
    run(&mut m, chair(), Command::CloseVote { vote: 0 }, 4).unwrap();

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
    let mut boxed = VoteTally::default();
    run_secret(
        &mut m,
        member(3),
        Command::Cast {
            vote: 1,
            choice: Choice::Against,
        },
        6,
        &mut boxed,
    )
    .unwrap();
    // Even a state that held a choice beside the voter would not show it.
    let mut leaky = m.votes[1].clone();
    for b in &mut leaky.ballots {
        b.choice = Some(Choice::Against);
    }
    for record in [&m.votes[1], &m.for_participants().votes[1], &leaky] {
        assert_eq!(record.receipt(MemberId(3)), Some(Receipt::SecretBallot));
    }
}
