//! The live room's logic without a screen: events applied in order, the outbox
//! kept across reloads and emptied only by an answer that settles a command.

use app::live::{
    Answer, Beat, Gap, Heartbeat, Outbox, Owner, Pending, RESEND_AFTER_MS, apply_in_order,
    backoff_ms, clock, forget_outboxes_not_of, forget_outboxes_of, in_person, load_outbox,
    save_outbox, turnout, waiting_in_room,
};
use chrono::NaiveDate;
use shared::live::limits::{HEARTBEAT_SECS, SILENT_PEER_SECS};
use shared::live::protocol::{Deferral, Sequenced, ServerMessage};
use shared::live::state::{
    Choice, Command, Event, LiveState, Phase, Refusal, Setup, Speaker, apply, decide,
};
use shared::meeting::AgendaItem;
use shared::rules::RuleSet;
use shared::rules::attendance::{AttendanceMark, Presence};
use shared::rules::vote::{Ballot, VoteKind, VoteTally};
use shared::{AccountId, MeetingId, MemberId};
use wasm_bindgen_test::*;

fn state() -> LiveState {
    let item = |title: &str| AgendaItem {
        title: title.into(),
        presenter: String::new(),
        planned_minutes: 30,
        notes: String::new(),
        preparer_id: None,
    };
    LiveState::new(
        MeetingId(1),
        Setup {
            agenda: vec![item("Khai mạc"), item("Thảo luận")],
            rules: RuleSet::default().meeting_rules(),
            roll: Vec::new(),
            chair: None,
            secretary: None,
            starts_at: Some(at()),
            excused: Vec::new(),
        },
    )
}

fn at() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 5)
        .unwrap()
        .and_hms_opt(14, 0, 0)
        .unwrap()
}

fn opened(seq: u64) -> Sequenced {
    Sequenced {
        seq,
        event: Event::Opened {
            at: at(),
            roll: Vec::new(),
            agenda: state().agenda,
            chair: None,
            secretary: None,
            rules: None,
            excused: Vec::new(),
        },
    }
}

fn moved(seq: u64, item: usize) -> Sequenced {
    Sequenced {
        seq,
        event: Event::MovedTo { item, at: at() },
    }
}

#[wasm_bindgen_test]
fn events_apply_in_order_duplicates_are_ignored_and_gaps_stop() {
    let mut s = state();
    assert_eq!(apply_in_order(&mut s, &[opened(1)]), Ok(1));
    assert_eq!(s.phase, Phase::InProgress);
    // The same event again (e.g. after a resume): nothing changes.
    assert_eq!(apply_in_order(&mut s, &[opened(1)]), Ok(0));
    assert_eq!(s.seq, 1);
    // Event 3 without event 2: a gap, the state stays as it was (resync needed).
    assert_eq!(
        apply_in_order(&mut s, &[moved(3, 1)]),
        Err(Gap { have: 1, got: 3 })
    );
    assert_eq!((s.seq, s.current_item), (1, 0));
    // A batch overlapping what we have applies only the new part.
    assert_eq!(apply_in_order(&mut s, &[opened(1), moved(2, 1)]), Ok(1));
    assert_eq!((s.seq, s.current_item), (2, 1));
}

fn accepted(key: &str) -> ServerMessage {
    ServerMessage::Accepted {
        key: key.into(),
        seq: 1,
    }
}

#[wasm_bindgen_test]
fn the_outbox_survives_a_reload_and_empties_on_answers() {
    let meeting = Owner {
        account: AccountId(7),
        meeting: MeetingId(424242),
    };
    save_outbox(meeting, &[]);
    assert!(load_outbox(meeting).is_empty());
    let pending = vec![
        Pending {
            key: "k1".into(),
            command: Command::RaiseHand,
        },
        Pending {
            key: "k2".into(),
            command: Command::Opine {
                text: "Ý kiến".into(),
                on_behalf_of: None,
            },
        },
    ];
    save_outbox(meeting, &pending);
    // What a reload reads back.
    let mut back = Outbox::new(load_outbox(meeting));
    assert_eq!(back.pending(), pending);
    assert_eq!(back.answer(&accepted("k1"), 0.0), Some(Answer::Stored));
    assert_eq!(
        back.answer(&accepted("k1"), 0.0),
        None,
        "an answer for a key not ours"
    );
    save_outbox(meeting, &back.pending());
    assert_eq!(load_outbox(meeting).len(), 1);
    assert_eq!(back.answer(&accepted("k2"), 0.0), Some(Answer::Stored));
    save_outbox(meeting, &back.pending());
    assert!(load_outbox(meeting).is_empty());
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("chibo.outbox.7.424242")
        .unwrap();
    assert_eq!(stored, None, "an empty outbox leaves nothing behind");
}

fn pending(key: &str, command: Command) -> Pending {
    Pending {
        key: key.into(),
        command,
    }
}

fn keys(outbox: &Outbox) -> Vec<String> {
    outbox.pending().into_iter().map(|p| p.key).collect()
}

#[wasm_bindgen_test]
fn only_a_refusal_of_the_rules_takes_a_command_out_of_the_outbox() {
    let mut outbox = Outbox::default();
    outbox.push(pending("hand", Command::RaiseHand), 0.0);
    outbox.push(
        pending(
            "vote",
            Command::Cast {
                vote: 0,
                choice: Choice::InFavour,
            },
        ),
        0.0,
    );
    outbox.push(pending("late", Command::CheckIn), 0.0);
    outbox.push(pending("silent", Command::WithdrawHand), 0.0);

    let accepted = ServerMessage::Accepted {
        key: "hand".into(),
        seq: 7,
    };
    assert_eq!(outbox.answer(&accepted, 100.0), Some(Answer::Stored));
    // The server could not store it now: kept, not shown as a refusal.
    let deferred = ServerMessage::deferred("vote".into(), Deferral::NotStored);
    assert_eq!(outbox.answer(&deferred, 100.0), Some(Answer::Deferred));
    let rejected = ServerMessage::Rejected {
        key: "late".into(),
        reason: Refusal::AlreadyStarted,
        message: "Buổi sinh hoạt đã bắt đầu.".into(),
    };
    assert_eq!(
        outbox.answer(&rejected, 100.0),
        Some(Answer::Refused(Refusal::AlreadyStarted))
    );
    // Someone else's command, or one answered already: nothing of ours.
    assert_eq!(outbox.answer(&accepted, 100.0), None);
    assert_eq!(outbox.answer(&ServerMessage::Pong, 100.0), None);
    assert_eq!(keys(&outbox), ["vote", "silent"]);
    assert_eq!(outbox.deferred(), 1);

    // While connected: the unanswered one and the deferred one go again after a short delay.
    assert!(outbox.take_due(RESEND_AFTER_MS - 1.0, 10).is_empty());
    assert_eq!(
        outbox.take_due(RESEND_AFTER_MS, 10),
        [pending("silent", Command::WithdrawHand)]
    );
    let vote_again = outbox.take_due(100.0 + RESEND_AFTER_MS, 10);
    assert_eq!(vote_again.len(), 1);
    assert_eq!(
        vote_again[0].key, "vote",
        "the same key: never applied twice"
    );
    assert!(outbox.take_due(100.0 + RESEND_AFTER_MS, 10).is_empty());

    // A new connection sends everything at once, at most `max` at a time.
    outbox.reconnected();
    assert_eq!(outbox.take_due(200.0, 1).len(), 1);
    assert_eq!(outbox.take_due(200.0, 10).len(), 1);
    // A reload starts from what was kept, all due at once.
    let mut reloaded = Outbox::new(outbox.pending());
    assert_eq!(reloaded.take_due(0.0, 10).len(), 2);
}

#[wasm_bindgen_test]
fn reconnects_back_off_to_fifteen_seconds_and_the_clock_reads() {
    // Each step doubles up to 15 s, of which a random half is taken away.
    let steps = [1000, 2000, 4000, 8000, 15000, 15000, 15000];
    for (attempt, step) in (0u32..).zip(steps) {
        for _ in 0..20 {
            let d = backoff_ms(attempt);
            assert!(
                (step / 2..=step).contains(&d),
                "attempt {attempt}: {d} ms outside {}..={step}",
                step / 2
            );
        }
    }
    assert_eq!(clock(65), "01:05");
    assert_eq!(clock(-3), "00:00");
    assert_eq!(clock(3725), "1:02:05");
}

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
fn outboxes_are_kept_per_account_and_forgotten_at_logout() {
    let (a, b) = (AccountId(71), AccountId(72));
    let meeting = MeetingId(424243);
    let of = |account| Owner { account, meeting };
    let hand = vec![pending("a-hand", Command::RaiseHand)];
    save_outbox(of(a), &hand);
    // The next person on this phone, in the same meeting, does not get it.
    assert!(load_outbox(of(b)).is_empty());
    assert_eq!(load_outbox(of(a)), hand);

    // Logging in as B drops what A left here, and what an older version of the
    // app kept by meeting only (no owner known).
    let storage = local_storage();
    storage
        .set_item(
            "chibo.outbox.424243",
            r#"[{"key":"old","command":{"type":"check_in"}}]"#,
        )
        .unwrap();
    let b_check_in = vec![pending("b-in", Command::CheckIn)];
    save_outbox(of(b), &b_check_in);
    forget_outboxes_not_of(b);
    assert!(load_outbox(of(a)).is_empty());
    assert_eq!(storage.get_item("chibo.outbox.424243").unwrap(), None);
    assert_eq!(load_outbox(of(b)), b_check_in);

    // Logging out forgets every outbox of the account, whatever the meeting.
    let elsewhere = Owner {
        account: b,
        meeting: MeetingId(9),
    };
    save_outbox(elsewhere, &hand);
    save_outbox(of(a), &hand);
    forget_outboxes_of(b);
    assert!(load_outbox(of(b)).is_empty());
    assert!(load_outbox(elsewhere).is_empty());
    assert_eq!(load_outbox(of(a)), hand, "only the account's own");
    forget_outboxes_of(a);
}

#[wasm_bindgen_test]
fn a_quiet_socket_is_pinged_and_a_silent_one_given_up() {
    let quiet = f64::from(HEARTBEAT_SECS) * 1000.0;
    let silent = f64::from(SILENT_PEER_SECS) * 1000.0;
    let mut beat = Heartbeat::new(0.0);
    assert_eq!(beat.check(quiet - 1.0), Beat::Fine);
    // Nothing said for a while: ping.
    assert_eq!(beat.check(quiet), Beat::Ping);
    beat.sent(quiet);
    beat.heard(quiet + 30.0);
    assert_eq!(beat.check(2.0 * quiet - 1.0), Beat::Fine);
    // Talking does not keep a socket alive, only hearing from the server does:
    // a network that silently drops everything is seen within SILENT_PEER_SECS.
    beat.sent(quiet + silent - 100.0);
    assert_eq!(beat.check(quiet + 30.0 + silent - 1.0), Beat::Fine);
    assert_eq!(beat.check(quiet + 30.0 + silent), Beat::Dead);
    // A socket that never opens, or is never welcomed, is given up as well.
    assert_eq!(Heartbeat::new(0.0).check(silent), Beat::Dead);
}

fn roll(n: i64) -> Vec<shared::rules::attendance::RosterEntry> {
    (1..=n)
        .map(|i| shared::rules::attendance::RosterEntry {
            member_id: MemberId(i),
            full_name: format!("Đảng viên {i}"),
            status: shared::member::PartyStatus::Full,
            attached_elsewhere: false,
        })
        .collect()
}

/// Runs a command as `who` the way the room does: decided here, then applied.
fn run(s: &mut LiveState, who: Speaker, command: Command) -> Result<(), Refusal> {
    for e in decide(s, who, &command, at())? {
        apply(s, &e);
    }
    Ok(())
}

#[wasm_bindgen_test]
fn ballots_in_the_room_and_online_are_counted_apart_and_waiting_ones_listed() {
    let chair = Speaker::Member(MemberId(1));
    let mut s = LiveState::new(
        MeetingId(2),
        Setup {
            agenda: state().agenda,
            rules: RuleSet::default().meeting_rules(),
            roll: roll(4),
            chair: Some(MemberId(1)),
            secretary: None,
            starts_at: Some(at() + chrono::Duration::days(1)),
            excused: Vec::new(),
        },
    );
    // The chair's powers come from the state; a day early is asked first.
    assert!(s.caller(chair).is_chair);
    assert!(matches!(
        run(
            &mut s,
            chair,
            Command::Open {
                confirm_early: false
            }
        ),
        Err(Refusal::OpensEarly { .. })
    ));
    run(
        &mut s,
        chair,
        Command::Open {
            confirm_early: true,
        },
    )
    .unwrap();
    for (m, presence) in [
        (1, Presence::InPerson),
        (2, Presence::InPerson),
        (3, Presence::Online),
        (4, Presence::AbsentWithReason),
    ] {
        run(
            &mut s,
            chair,
            Command::Mark {
                mark: AttendanceMark::new(MemberId(m), presence),
            },
        )
        .unwrap();
    }
    run(
        &mut s,
        chair,
        Command::OpenVote {
            kind: VoteKind::Resolution,
            ballot: Ballot::Open,
            question: "Thông qua nghị quyết".into(),
        },
    )
    .unwrap();
    assert_eq!(waiting_in_room(&s, 0), [MemberId(1), MemberId(2)]);
    run(
        &mut s,
        Speaker::Member(MemberId(3)),
        Command::Cast {
            vote: 0,
            choice: Choice::InFavour,
        },
    )
    .unwrap();
    run(
        &mut s,
        chair,
        Command::RecordBallot {
            vote: 0,
            member: MemberId(2),
            choice: Choice::Against,
        },
    )
    .unwrap();
    assert_eq!(turnout(&s.votes[0]), (1, 1), "one online, one in the room");
    assert_eq!(waiting_in_room(&s, 0), [MemberId(1)]);
    assert!(in_person(&s, MemberId(1)) && !in_person(&s, MemberId(3)));
    run(&mut s, chair, Command::CloseVote { vote: 0 }).unwrap();

    // A secret vote: those in the room vote on paper, counted as one figure.
    run(
        &mut s,
        chair,
        Command::OpenVote {
            kind: VoteKind::Resolution,
            ballot: Ballot::Secret,
            question: "Bỏ phiếu kín".into(),
        },
    )
    .unwrap();
    assert_eq!(
        run(
            &mut s,
            Speaker::Member(MemberId(2)),
            Command::Cast {
                vote: 1,
                choice: Choice::InFavour
            }
        ),
        Err(Refusal::VoteOnPaper)
    );
    let paper = |in_favour| Command::CountPaperBallots {
        vote: 1,
        tally: VoteTally {
            in_favour,
            against: 0,
            abstain: 0,
        },
    };
    // More paper ballots than voters in the room is refused before sending.
    assert!(matches!(
        run(&mut s, chair, paper(3)),
        Err(Refusal::TooManyPaperBallots { counted: 3, max: 2 })
    ));
    run(&mut s, chair, paper(2)).unwrap();
    assert_eq!(turnout(&s.votes[1]), (0, 2));
}

#[wasm_bindgen_test]
fn the_outbox_knows_its_own_keys() {
    let mut outbox = Outbox::default();
    outbox.push(
        pending(
            "open",
            Command::Open {
                confirm_early: false,
            },
        ),
        0.0,
    );
    assert!(outbox.holds_key("open"));
    assert!(!outbox.holds_key("someone-else"));
    let refused = ServerMessage::Rejected {
        key: "open".into(),
        reason: Refusal::OpensEarly {
            starts_at: "14:00 ngày 06/12/2026".into(),
        },
        message: "Buổi sinh hoạt đăng ký bắt đầu lúc 14:00 ngày 06/12/2026.".into(),
    };
    // A refusal of the rules: out of the outbox (the room asks the chair).
    assert!(matches!(
        outbox.answer(&refused, 1.0),
        Some(Answer::Refused(_))
    ));
    assert!(!outbox.holds_key("open"));
}
