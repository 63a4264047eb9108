//! The state machine, command by command, as the server runs it.

use super::*;

/// Every refusal reaches its author: each kind must serialize inside a
/// `rejected` message (an internally tagged enum cannot carry a bare number).
#[test]
fn every_refusal_serializes_and_reads_back() {
    use crate::live::protocol::ServerMessage;
    let all = [
        Refusal::NotStarted,
        Refusal::AlreadyStarted,
        Refusal::Closed,
        Refusal::ChairOnly,
        Refusal::SecretaryOnly,
        Refusal::NoSuchItem { item: 12 },
        Refusal::NotOnRoll,
        Refusal::VisitorNotOnRoll,
        Refusal::VisitorsOnly,
        Refusal::NotPresent,
        Refusal::AlreadyInQueue,
        Refusal::NotInQueue,
        Refusal::NobodyHasFloor,
        Refusal::EmptyText,
        Refusal::TextTooLong { max: 500 },
        Refusal::TooMany,
        Refusal::VoteInProgress,
        Refusal::NoSuchVote { vote: 3 },
        Refusal::VoteClosed,
        Refusal::AlreadyVoted,
        Refusal::JoinedAfterVoteOpened,
        Refusal::TimesNeedPresence,
        Refusal::LeftBeforeArrived,
        Refusal::OpensEarly {
            starts_at: "14:00 ngày 05/12/2026".into(),
        },
        Refusal::Unmarked {
            count: 2,
            names: "Lò Văn Pấng, Giàng Thị Mỷ".into(),
        },
        Refusal::VisitorNotArrived,
        Refusal::CountersOnly,
        Refusal::NotInRoom,
        Refusal::VoteOnPaper,
        Refusal::NotOnPaper,
        Refusal::TooManyPaperBallots { counted: 8, max: 7 },
        Refusal::PaperAlreadyCounted,
        Refusal::BallotBoxMismatch,
        Refusal::AlreadyAdopted,
        Refusal::Adopted,
        Refusal::Cancelled {
            reason: "Bão số 3 đổ bộ".into(),
        },
        Refusal::Vote {
            refusal: VoteRefusal::UpperLevelVisitor,
        },
        Refusal::Vote {
            refusal: VoteRefusal::Probationary {
                name: "Lò Văn Pấng".into(),
            },
        },
    ];
    for reason in all {
        let message = ServerMessage::Rejected {
            key: "k".into(),
            message: reason.to_string(),
            reason: reason.clone(),
        };
        let json = serde_json::to_string(&message)
            .unwrap_or_else(|e| panic!("{reason:?} cannot be sent: {e}"));
        let back: ServerMessage = serde_json::from_str(&json).unwrap();
        assert_eq!(back, message, "{json}");
    }
}
use crate::meeting::{MeetingKind, standard_agenda};
use crate::member::PartyStatus;

const CHAIR: MemberId = MemberId(1);
const SECRETARY: MemberId = MemberId(2);
const PROBATIONARY: MemberId = MemberId(10);
const EXEMPTED: MemberId = MemberId(11);
const VISITOR: AccountId = AccountId(900);

fn at(min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 5)
        .unwrap()
        .and_hms_opt(8 + min / 60, min % 60, 0)
        .unwrap()
}

fn roster() -> Vec<RosterEntry> {
    let mut r: Vec<RosterEntry> = (1..=9)
        .map(|i| RosterEntry {
            member_id: MemberId(i),
            full_name: format!("Đảng viên {i}"),
            status: PartyStatus::Full,
            attached_elsewhere: false,
        })
        .collect();
    r.push(RosterEntry {
        member_id: PROBATIONARY,
        full_name: "Giàng Thị Mỷ".into(),
        status: PartyStatus::Probationary,
        attached_elsewhere: false,
    });
    r.push(RosterEntry {
        member_id: EXEMPTED,
        full_name: "Lê Văn Cụ".into(),
        status: PartyStatus::Exempted,
        attached_elsewhere: false,
    });
    r
}

fn setup() -> Setup {
    Setup {
        agenda: standard_agenda(MeetingKind::Regular),
        rules: crate::rules::RuleSet::national_default().meeting_rules(),
        roll: roster(),
        chair: Some(CHAIR),
        secretary: Some(SECRETARY),
        starts_at: Some(at(0)),
        excused: Vec::new(),
    }
}

fn meeting() -> LiveState {
    LiveState::new(crate::ids::MeetingId(7), setup())
}

fn chair() -> Speaker {
    Speaker::Member(CHAIR)
}

fn secretary() -> Speaker {
    Speaker::Member(SECRETARY)
}

fn member(id: i64) -> Speaker {
    Speaker::Member(MemberId(id))
}

fn visitor() -> Speaker {
    Speaker::Visitor(VISITOR)
}

/// Decides and applies, as the server does; returns the events.
fn run(
    state: &mut LiveState,
    caller: Speaker,
    command: Command,
    minute: u32,
) -> Result<Vec<Event>, Refusal> {
    let events = decide(state, caller, &command, at(minute))?;
    for e in &events {
        apply(state, e);
    }
    Ok(events)
}

#[test]
fn a_whole_meeting_from_opening_to_close() {
    let mut m = meeting();
    assert_eq!(
        run(&mut m, member(3), Command::CheckIn, 0),
        Err(Refusal::NotStarted)
    );
    assert_eq!(
        run(
            &mut m,
            member(3),
            Command::Open {
                confirm_early: false
            },
            0
        ),
        Err(Refusal::ChairOnly)
    );
    run(
        &mut m,
        chair(),
        Command::Open {
            confirm_early: false,
        },
        0,
    )
    .unwrap();

    // Attendance: eight full members online, the probationary member in person,
    // member 9 absent with a reason, the exempted member absent (dropped).
    for i in 1..=8 {
        run(&mut m, member(i), Command::CheckIn, 1).unwrap();
    }
    let mark = |id, presence| Command::Mark {
        mark: AttendanceMark::new(id, presence),
    };
    run(
        &mut m,
        secretary(),
        mark(PROBATIONARY, Presence::InPerson),
        2,
    )
    .unwrap();
    let mut sick = AttendanceMark::new(MemberId(9), Presence::AbsentWithReason);
    sick.reason = "Ốm".into();
    run(&mut m, secretary(), Command::Mark { mark: sick }, 2).unwrap();
    assert_eq!(
        run(
            &mut m,
            member(3),
            mark(MemberId(4), Presence::AbsentWithoutReason),
            2
        ),
        Err(Refusal::SecretaryOnly)
    );
    let f = m.attendance_figures();
    assert_eq!((f.present, f.absent_with_reason, f.expected), (9, 1, 10));
    // Late and early times only for someone present, leaving after arriving.
    let hm = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let mut late = AttendanceMark::new(MemberId(9), Presence::AbsentWithReason);
    late.arrived_late_at = Some(hm(14, 20));
    assert_eq!(
        run(&mut m, secretary(), Command::Mark { mark: late.clone() }, 2),
        Err(Refusal::TimesNeedPresence)
    );
    late.presence = Presence::InPerson;
    late.left_early_at = Some(hm(14, 10));
    assert_eq!(
        run(&mut m, secretary(), Command::Mark { mark: late.clone() }, 2),
        Err(Refusal::LeftBeforeArrived)
    );

    // Agenda: forward and back, not past the end.
    run(&mut m, chair(), Command::MoveTo { item: 1 }, 10).unwrap();
    assert_eq!(
        run(&mut m, chair(), Command::MoveTo { item: 99 }, 10),
        Err(Refusal::NoSuchItem { item: 100 })
    );
    assert_eq!(m.current_item, 1);

    // The upper-level visitor arrives once, by name; only visitors arrive so.
    let arrives = || Command::VisitorArrives {
        name: "Trịnh Minh Tuấn".into(),
    };
    assert_eq!(run(&mut m, visitor(), arrives(), 11).unwrap().len(), 1);
    assert_eq!(run(&mut m, visitor(), arrives(), 12), Ok(vec![]));
    assert_eq!(
        run(&mut m, member(3), arrives(), 11),
        Err(Refusal::VisitorsOnly)
    );
    let v = m.visitor(VISITOR).unwrap();
    assert_eq!((v.name.as_str(), v.arrived_at), ("Trịnh Minh Tuấn", at(11)));

    // Hands and the floor, in order; the visitor speaks and gives an opinion.
    run(&mut m, member(3), Command::RaiseHand, 11).unwrap();
    run(&mut m, visitor(), Command::RaiseHand, 11).unwrap();
    run(&mut m, member(4), Command::RaiseHand, 12).unwrap();
    run(&mut m, member(4), Command::WithdrawHand, 12).unwrap();
    assert_eq!(
        m.queue,
        vec![Speaker::Member(MemberId(3)), Speaker::Visitor(VISITOR)]
    );
    assert_eq!(
        run(&mut m, member(9), Command::RaiseHand, 12),
        Err(Refusal::NotPresent)
    );
    run(
        &mut m,
        chair(),
        Command::GiveFloor {
            speaker: Speaker::Member(MemberId(3)),
        },
        13,
    )
    .unwrap();
    run(
        &mut m,
        member(3),
        Command::Opine {
            text: "Đề nghị bổ sung chỉ tiêu.".into(),
            on_behalf_of: None,
        },
        14,
    )
    .unwrap();
    run(
        &mut m,
        chair(),
        Command::GiveFloor {
            speaker: Speaker::Visitor(VISITOR),
        },
        16,
    )
    .unwrap();
    run(
        &mut m,
        visitor(),
        Command::Opine {
            text: "Chi bộ cần bám sát nghị quyết cấp trên.".into(),
            on_behalf_of: None,
        },
        17,
    )
    .unwrap();
    run(&mut m, visitor(), Command::EndFloor, 18).unwrap();
    assert_eq!(
        m.turns.len(),
        2,
        "giving the floor to the next ends the turn before"
    );
    assert_eq!(m.turns_of(Speaker::Member(MemberId(3))), 1);
    run(
        &mut m,
        secretary(),
        Command::Opine {
            text: "Nhất trí.".into(),
            on_behalf_of: Some(Speaker::Member(MemberId(5))),
        },
        19,
    )
    .unwrap();
    assert_eq!(m.opinions.len(), 3);
    assert_eq!(m.opinions[1].author, Speaker::Visitor(VISITOR));
    assert_eq!(m.opinions[2].noted_by, Some(Speaker::Member(SECRETARY)));

    // The vote on the resolution.
    let open = Command::OpenVote {
        kind: VoteKind::Resolution,
        ballot: Ballot::Open,
        question: "Thông qua nghị quyết tháng 12".into(),
    };
    assert_eq!(
        run(&mut m, member(3), open.clone(), 80),
        Err(Refusal::ChairOnly)
    );
    run(&mut m, chair(), open, 80).unwrap();
    let plan = &m.votes[0].plan;
    assert_eq!(
        plan.denominator, 9,
        "nine full members; the absent exempted member is dropped"
    );
    assert_eq!(plan.voters.len(), 8);
    let cast = |c| Command::Cast { vote: 0, choice: c };
    assert!(matches!(
        run(&mut m, member(PROBATIONARY.0), cast(Choice::InFavour), 81),
        Err(Refusal::Vote {
            refusal: VoteRefusal::Probationary { .. }
        })
    ));
    assert_eq!(
        run(&mut m, visitor(), cast(Choice::InFavour), 81),
        Err(Refusal::Vote {
            refusal: VoteRefusal::UpperLevelVisitor
        })
    );
    for i in 1..=5 {
        run(&mut m, member(i), cast(Choice::InFavour), 81).unwrap();
    }
    run(&mut m, member(6), cast(Choice::Against), 81).unwrap();
    assert_eq!(
        run(&mut m, member(6), cast(Choice::InFavour), 81),
        Err(Refusal::AlreadyVoted)
    );
    assert_eq!(
        m.visible_tally(0).map(|t| t.in_favour),
        Some(5),
        "an open ballot is counted live"
    );
    run(&mut m, chair(), Command::CloseVote { vote: 0 }, 82).unwrap();
    let outcome = m.vote_outcome(0).unwrap().unwrap();
    assert!(
        outcome.passed,
        "5 of 9 is more than half: {}",
        outcome.explanation
    );
    assert_eq!(
        run(&mut m, member(7), cast(Choice::InFavour), 83),
        Err(Refusal::VoteClosed)
    );

    // Conclusion, a task, the minutes, and the close.
    run(
        &mut m,
        chair(),
        Command::Conclude {
            text: "Chi bộ thống nhất các nhiệm vụ tháng tới.".into(),
        },
        84,
    )
    .unwrap();
    let task = Task {
        assignee: Some(MemberId(4)),
        assignee_name: "Đảng viên 4".into(),
        what: "Rà soát hồ sơ đảng viên".into(),
        due: NaiveDate::from_ymd_opt(2026, 12, 31),
    };
    run(&mut m, chair(), Command::AssignTask { task }, 85).unwrap();
    run(
        &mut m,
        secretary(),
        Command::EditMinutes {
            text: "Biên bản…".into(),
        },
        86,
    )
    .unwrap();
    let unmarked = run(&mut m, chair(), Command::Close, 95);
    assert!(matches!(unmarked, Err(Refusal::Unmarked { count: 1, .. })));
    let mut away = AttendanceMark::new(EXEMPTED, Presence::AbsentWithReason);
    away.reason = "Miễn sinh hoạt".into();
    run(&mut m, secretary(), Command::Mark { mark: away }, 95).unwrap();
    run(&mut m, chair(), Command::Close, 95).unwrap();
    assert_eq!(m.phase, Phase::Closed);
    assert_eq!(
        run(
            &mut m,
            secretary(),
            Command::EditMinutes {
                text: "sửa".into()
            },
            96
        ),
        Err(Refusal::Closed)
    );
    assert_eq!(
        run(
            &mut m,
            chair(),
            Command::Open {
                confirm_early: false
            },
            96
        ),
        Err(Refusal::Closed)
    );
}

/// Item 7c: no "Vắng: 0" for members never marked; opening early asks; the
/// adoption of the minutes is a recorded step.
#[test]
fn the_record_says_only_what_happened() {
    let mut m = meeting();
    let refused = run(
        &mut m,
        chair(),
        Command::Open {
            confirm_early: false,
        },
        0,
    );
    assert_eq!(refused.as_ref().map(|_| ()), Ok(()));
    let mut early = meeting();
    early.starts_at = Some(at(0) + chrono::Duration::days(1));
    assert!(matches!(
        run(
            &mut early,
            chair(),
            Command::Open {
                confirm_early: false
            },
            0
        ),
        Err(Refusal::OpensEarly { .. })
    ));
    run(
        &mut early,
        chair(),
        Command::Open {
            confirm_early: true,
        },
        0,
    )
    .unwrap();

    for i in 1..=8 {
        run(&mut m, member(i), Command::CheckIn, 1).unwrap();
    }
    let unmarked = run(&mut m, chair(), Command::Close, 2).unwrap_err();
    assert_eq!(
        unmarked,
        Refusal::Unmarked {
            count: 3,
            names: "Đảng viên 9, Giàng Thị Mỷ, Lê Văn Cụ".into()
        }
    );
    for id in [9, 10, 11] {
        let mark = AttendanceMark::new(MemberId(id), Presence::AbsentWithReason);
        run(&mut m, secretary(), Command::Mark { mark }, 2).unwrap();
    }
    assert_eq!(
        run(&mut m, secretary(), Command::AdoptMinutes, 3),
        Err(Refusal::ChairOnly)
    );
    run(&mut m, chair(), Command::AdoptMinutes, 3).unwrap();
    assert_eq!(m.minutes_adopted_at, Some(at(3)));
    // Adopted minutes are not changed behind the cell's back.
    assert_eq!(
        run(
            &mut m,
            secretary(),
            Command::EditMinutes {
                text: "Sửa sau".into()
            },
            3
        ),
        Err(Refusal::Adopted)
    );
    assert_eq!(
        run(
            &mut m,
            chair(),
            Command::Conclude {
                text: "Kết luận khác".into()
            },
            3
        ),
        Err(Refusal::Adopted)
    );
    assert_eq!(
        run(&mut m, chair(), Command::AdoptMinutes, 3),
        Err(Refusal::AlreadyAdopted)
    );
    run(&mut m, chair(), Command::Close, 4).unwrap();
}

/// Item 4: only visitors whose arrival is recorded are written in, and
/// only people present speak.
#[test]
fn nobody_is_written_in_who_did_not_come() {
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
    run(&mut m, member(2), Command::CheckIn, 0).unwrap();
    let stranger = Speaker::Visitor(AccountId(4242));
    assert_eq!(
        run(&mut m, chair(), Command::GiveFloor { speaker: stranger }, 1),
        Err(Refusal::VisitorNotArrived)
    );
    let on_behalf = |author| Command::Opine {
        text: "Ý kiến".into(),
        on_behalf_of: Some(author),
    };
    assert_eq!(
        run(&mut m, secretary(), on_behalf(stranger), 1),
        Err(Refusal::VisitorNotArrived)
    );
    assert_eq!(
        run(&mut m, secretary(), on_behalf(member(4)), 1),
        Err(Refusal::NotPresent)
    );
    assert_eq!(
        run(
            &mut m,
            member(4),
            Command::Opine {
                text: "Tôi".into(),
                on_behalf_of: None
            },
            1
        ),
        Err(Refusal::NotPresent)
    );
    assert_eq!(
        run(&mut m, visitor(), Command::RaiseHand, 1),
        Err(Refusal::VisitorNotArrived)
    );
    run(
        &mut m,
        visitor(),
        Command::VisitorArrives {
            name: "Trịnh\u{0} Minh Tuấn".into(),
        },
        2,
    )
    .unwrap();
    assert_eq!(m.visitors[0].name, "Trịnh Minh Tuấn");
    run(&mut m, secretary(), on_behalf(visitor()), 2).unwrap();
    run(
        &mut m,
        chair(),
        Command::GiveFloor { speaker: visitor() },
        2,
    )
    .unwrap();
}

/// Item 1: until the chair opens, the meeting follows the records; the
/// opening fixes the roll, the agenda, the chair, the secretary and the
/// rules, and replaying the log gives them back whatever changed since.
#[test]
fn the_opening_fixes_what_the_records_say_then() {
    let mut m = meeting();
    let mut changed = setup();
    changed.roll[5].status = PartyStatus::Exempted;
    changed.roll.push(RosterEntry {
        member_id: MemberId(12),
        full_name: "Hà Văn Mới".into(),
        status: PartyStatus::Full,
        attached_elsewhere: false,
    });
    changed.agenda.truncate(2);
    changed.chair = Some(MemberId(3));
    assert!(m.refresh(changed.clone()));
    assert!(!m.refresh(changed.clone()), "nothing new");
    assert!(!m.caller(chair()).is_chair);
    assert!(m.caller(member(3)).is_chair);
    assert_eq!(
        run(
            &mut m,
            chair(),
            Command::Open {
                confirm_early: false
            },
            0
        ),
        Err(Refusal::ChairOnly)
    );
    let opened = run(
        &mut m,
        member(3),
        Command::Open {
            confirm_early: false,
        },
        0,
    )
    .unwrap();
    // After the opening, the records no longer reach the meeting.
    assert!(!m.refresh(setup()), "the opened meeting keeps its records");
    assert_eq!(m.roll, changed.roll);
    assert_eq!(m.agenda.len(), 2);
    // Replayed over the registration as it was at first, the log still gives the same meeting.
    let mut replayed = meeting();
    for e in &opened {
        apply(&mut replayed, e);
    }
    assert_eq!(replayed, m);
    let json = serde_json::to_string(&opened).unwrap();
    assert!(json.contains(r#""rules":{"builtin""#), "{json}");
    assert_eq!(serde_json::from_str::<Vec<Event>>(&json).unwrap(), opened);
}

/// Item 15: control characters never reach the record.
#[test]
fn control_characters_never_reach_the_record() {
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
    run(&mut m, member(2), Command::CheckIn, 0).unwrap();
    run(
        &mut m,
        member(2),
        Command::Opine {
            text: "Đồng ý\u{0}\u{b}\u{1f} với dự thảo\r\n".into(),
            on_behalf_of: None,
        },
        1,
    )
    .unwrap();
    run(
        &mut m,
        chair(),
        Command::Conclude {
            text: "Kết\u{7}luận".into(),
        },
        1,
    )
    .unwrap();
    run(
        &mut m,
        secretary(),
        Command::EditMinutes {
            text: "Ghi\u{1b}chú\r\n".into(),
        },
        1,
    )
    .unwrap();
    assert_eq!(m.opinions[0].text, "Đồng ý với dự thảo");
    assert_eq!(m.conclusion, "Kếtluận");
    assert_eq!(m.minutes, "Ghichú\n");
    assert_eq!(
        run(
            &mut m,
            member(2),
            Command::Cast {
                vote: usize::MAX,
                choice: Choice::InFavour
            },
            1
        ),
        Err(Refusal::NoSuchVote { vote: usize::MAX })
    );
    assert_eq!(
        run(&mut m, chair(), Command::MoveTo { item: usize::MAX }, 1),
        Err(Refusal::NoSuchItem { item: usize::MAX })
    );
}

#[test]
fn replaying_the_log_rebuilds_the_same_state() {
    let mut m = meeting();
    let mut log = Vec::new();
    log.extend(
        run(
            &mut m,
            chair(),
            Command::Open {
                confirm_early: false,
            },
            0,
        )
        .unwrap(),
    );
    log.extend(run(&mut m, member(3), Command::CheckIn, 1).unwrap());
    log.extend(run(&mut m, member(3), Command::RaiseHand, 2).unwrap());
    log.extend(run(&mut m, chair(), Command::MoveTo { item: 2 }, 3).unwrap());
    let mut replayed = meeting();
    for e in &log {
        apply(&mut replayed, e);
    }
    assert_eq!(replayed, m);
    assert_eq!(m.seq, log.len() as u64);
    let json = serde_json::to_string(&log).unwrap();
    assert_eq!(serde_json::from_str::<Vec<Event>>(&json).unwrap(), log);
}

/// Members excused in advance (xin vắng accepted) are recorded by the opening
/// and marked absent with their reason; the chair may still mark otherwise;
/// an old log without the field reads as nobody excused.
#[test]
fn the_opening_marks_members_excused_in_advance() {
    let excused = |id: MemberId, reason: &str| AttendanceMark {
        reason: reason.into(),
        ..AttendanceMark::new(id, Presence::AbsentWithReason)
    };
    let mut m = meeting();
    // The records change before the opening: the room refreshes.
    let mut s = setup();
    s.excused = vec![
        excused(MemberId(4), "Đi công tác Đà Nẵng"),
        excused(MemberId(99), "Không còn trong danh sách"),
    ];
    assert!(m.refresh(s.clone()));
    assert!(!m.refresh(s));
    assert!(m.attendance.is_empty());
    run(
        &mut m,
        chair(),
        Command::Open {
            confirm_early: false,
        },
        0,
    )
    .unwrap();
    assert_eq!(
        m.mark_of(MemberId(4))
            .map(|k| (k.presence, k.reason.as_str())),
        Some((Presence::AbsentWithReason, "Đi công tác Đà Nẵng"))
    );
    // Off the roll: nobody to mark.
    assert_eq!(m.mark_of(MemberId(99)), None);
    assert!(m.excused.is_empty());
    assert_eq!(m.attendance_figures().absent_with_reason, 1);
    // The records no longer change an opened meeting.
    let mut later = setup();
    later.excused = vec![excused(MemberId(5), "Ốm")];
    assert!(!m.refresh(later));
    // The member came after all: the chair marks them present.
    run(
        &mut m,
        chair(),
        Command::Mark {
            mark: AttendanceMark::new(MemberId(4), Presence::InPerson),
        },
        5,
    )
    .unwrap();
    assert_eq!(
        m.mark_of(MemberId(4)).map(|k| k.presence),
        Some(Presence::InPerson)
    );
}

#[test]
fn an_opening_without_excused_members_reads_as_before() {
    let old = r#"{"type":"opened","at":"2026-12-05T08:00:00","roll":[],"agenda":[]}"#;
    let event: Event = serde_json::from_str(old).unwrap();
    let Event::Opened { excused, .. } = &event else {
        panic!("not an opening: {event:?}");
    };
    assert!(excused.is_empty());
    // Written back the same way: an empty list is not written.
    assert!(!serde_json::to_string(&event).unwrap().contains("excused"));
    let old_state = serde_json::to_value(meeting()).unwrap();
    let mut old_state = old_state.as_object().unwrap().clone();
    old_state.remove("excused");
    let back: LiveState = serde_json::from_value(serde_json::Value::Object(old_state)).unwrap();
    assert!(back.excused.is_empty());
}

mod votes;
