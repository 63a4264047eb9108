use super::*;
use crate::access::CellSeat;
use crate::ids::{AccountId, OrgId};
use crate::meeting::{MeetingDraft, MeetingKind, MeetingMode, standard_agenda};
use crate::member::CellRole;
use chrono::NaiveDate;

fn at(day: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, day)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

fn meeting(status: MeetingStatus) -> Meeting {
    Meeting {
        id: MeetingId(7),
        cell_id: OrgId(3),
        registered_at: at(1, 8),
        status,
        draft: MeetingDraft {
            kind: MeetingKind::Regular,
            title: "Sinh hoạt chi bộ tháng 12".into(),
            starts_at: at(5, 8),
            mode: MeetingMode::InPerson,
            place: "Phòng họp tầng 2".into(),
            video_link: String::new(),
            chair_id: Some(MemberId(1)),
            secretary_id: Some(MemberId(2)),
            agenda: standard_agenda(MeetingKind::Regular),
        },
        cancelled: None,
        rescheduled: None,
        late_documents: None,
    }
}

fn member_of(cell: i64, member: i64, role: CellRole) -> Actor {
    Actor {
        account_id: AccountId(member + 100),
        is_admin: false,
        seat: Some(CellSeat {
            cell_id: OrgId(cell),
            member_id: MemberId(member),
            role,
        }),
        committee_of: vec![],
        assigned_cells: vec![],
    }
}

fn visitor() -> Actor {
    Actor {
        account_id: AccountId(900),
        is_admin: false,
        seat: None,
        committee_of: vec![OrgId(1)],
        assigned_cells: vec![OrgId(3)],
    }
}

fn request(member: i64, status: AbsenceStatus, reason: &str) -> AbsenceRequest {
    AbsenceRequest {
        meeting_id: MeetingId(7),
        member_id: MemberId(member),
        member_name: format!("Đảng viên {member}"),
        reason: reason.into(),
        status,
        note: String::new(),
        requested_at: at(2, 9),
        decided_at: None,
        decided_by: None,
    }
}

fn opinion(item: usize, member: i64, sent: u32) -> AdvanceOpinion {
    AdvanceOpinion {
        meeting_id: MeetingId(7),
        item,
        member_id: MemberId(member),
        member_name: "Nguyễn Thị Hoà".into(),
        text: "Đề nghị bổ sung chỉ tiêu phát triển đảng viên mới.".into(),
        sent_at: at(2, sent),
        updated_at: at(2, sent),
    }
}

#[test]
fn only_members_of_the_cell_prepare_and_only_before_the_opening() {
    let m = meeting(MeetingStatus::Scheduled);
    assert_eq!(
        preparing_member(&member_of(3, 5, CellRole::Member), &m),
        Ok(MemberId(5))
    );
    assert_eq!(
        preparing_member(&member_of(4, 5, CellRole::Secretary), &m),
        Err(PreparationError::NotMember)
    );
    assert_eq!(
        preparing_member(&visitor(), &m),
        Err(PreparationError::NotMember)
    );
    for status in [MeetingStatus::Live, MeetingStatus::Closed] {
        assert_eq!(
            preparing_member(&member_of(3, 5, CellRole::Member), &meeting(status)),
            Err(PreparationError::AlreadyOpened)
        );
    }
}

#[test]
fn managers_decide_and_the_chair_and_secretary_see_every_opinion() {
    let m = meeting(MeetingStatus::Scheduled);
    assert!(may_decide(Access::Manage));
    assert!(!may_decide(Access::Read));
    let plain = member_of(3, 5, CellRole::Member);
    assert!(!sees_all_opinions(&plain, Access::Read, &m));
    assert!(sees_all_opinions(
        &member_of(3, 1, CellRole::Member),
        Access::Read,
        &m
    ));
    assert!(sees_all_opinions(
        &member_of(3, 2, CellRole::Member),
        Access::Read,
        &m
    ));
    // The same member id in another cell is somebody else.
    assert!(!sees_all_opinions(
        &member_of(4, 1, CellRole::Member),
        Access::Read,
        &m
    ));
    assert!(sees_all_opinions(
        &member_of(3, 9, CellRole::Secretary),
        Access::Manage,
        &m
    ));
    assert!(!sees_all_opinions(&visitor(), Access::Read, &m));
}

#[test]
fn the_reason_is_required_cleaned_and_limited() {
    let draft = |r: &str| AbsenceRequestDraft { reason: r.into() };
    assert_eq!(
        draft("  \u{7} ").check(),
        Err(PreparationError::ReasonEmpty)
    );
    assert_eq!(
        draft("  Đi công tác Đà Nẵng\u{7} ").check(),
        Ok("Đi công tác Đà Nẵng".into())
    );
    let exact = "ố".repeat(MAX_ABSENCE_REASON_CHARS);
    assert_eq!(draft(&exact).check(), Ok(exact.clone()));
    let long = draft(&format!("{exact}x")).check().unwrap_err();
    assert_eq!(long, PreparationError::ReasonTooLong);
    assert_eq!(long.field(), "reason");
    assert_eq!(
        long.into_fields()
            .message_for("reason")
            .map(|m| m.contains("500")),
        Some(true)
    );
}

#[test]
fn a_decision_takes_an_optional_limited_note() {
    let d = |accept, note: &str| AbsenceDecision {
        accept,
        note: note.into(),
    };
    assert_eq!(
        d(true, "").check(),
        Ok((AbsenceStatus::Accepted, String::new()))
    );
    assert_eq!(
        d(false, " Cần có mặt để báo cáo ").check(),
        Ok((AbsenceStatus::Refused, "Cần có mặt để báo cáo".into()))
    );
    let e = d(true, &"a".repeat(MAX_DECISION_NOTE_CHARS + 1))
        .check()
        .unwrap_err();
    assert_eq!((e.field(), e), ("note", PreparationError::NoteTooLong));
}

#[test]
fn an_opinion_needs_an_existing_item_and_a_limited_text() {
    let d = |t: &str| AdvanceOpinionDraft { text: t.into() };
    assert_eq!(d("Đồng ý").check(0, 3), Ok("Đồng ý".into()));
    assert_eq!(d("Đồng ý").check(3, 3), Err(PreparationError::NoSuchItem));
    assert_eq!(d("   ").check(1, 3), Err(PreparationError::TextEmpty));
    assert_eq!(
        d(&"ý".repeat(MAX_ADVANCE_OPINION_CHARS))
            .check(2, 3)
            .map(|t| t.chars().count()),
        Ok(MAX_ADVANCE_OPINION_CHARS)
    );
    let e = d(&"ý".repeat(MAX_ADVANCE_OPINION_CHARS + 1))
        .check(2, 3)
        .unwrap_err();
    assert_eq!((e.field(), e), ("text", PreparationError::TextTooLong));
}

#[test]
fn only_accepted_requests_excuse_with_their_reason_in_member_order() {
    let marks = excused_marks(&[
        request(9, AbsenceStatus::Accepted, "Ốm, nằm viện"),
        request(4, AbsenceStatus::Pending, "Đi học"),
        request(6, AbsenceStatus::Refused, "Việc riêng"),
        request(2, AbsenceStatus::Accepted, "Đi công tác"),
    ]);
    assert_eq!(
        marks
            .iter()
            .map(|m| (m.member_id.0, m.presence, m.reason.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (2, Presence::AbsentWithReason, "Đi công tác"),
            (9, Presence::AbsentWithReason, "Ốm, nằm viện"),
        ]
    );
    assert!(
        marks
            .iter()
            .all(|m| m.arrived_late_at.is_none() && m.left_early_at.is_none())
    );
}

#[test]
fn opinions_are_counted_and_grouped_by_item() {
    let all = vec![
        opinion(1, 5, 10),
        opinion(0, 6, 9),
        opinion(1, 4, 8),
        opinion(7, 4, 8),
    ];
    assert_eq!(counts_by_item(&all, 3), vec![1, 2, 0]);
    let on_one: Vec<i64> = on_item(&all, 1).iter().map(|o| o.member_id.0).collect();
    assert_eq!(on_one, vec![4, 5]);
    assert!(on_item(&all, 2).is_empty());
}

#[test]
fn statuses_round_trip_through_their_stored_names() {
    for s in [
        AbsenceStatus::Pending,
        AbsenceStatus::Accepted,
        AbsenceStatus::Refused,
    ] {
        assert_eq!(AbsenceStatus::parse(s.as_str()), Some(s));
    }
    assert_eq!(AbsenceStatus::parse("approved"), None);
}

#[test]
fn what_the_browser_decodes_round_trips_through_json() {
    let mut decided = request(3, AbsenceStatus::Accepted, "Đi công tác tại Huế");
    decided.note = "Đồng ý, nhớ gửi ý kiến bằng văn bản".into();
    decided.decided_at = Some(at(3, 14));
    decided.decided_by = Some("Trần Văn Bình".into());
    let prep = Preparation {
        may_prepare: true,
        may_decide: true,
        sees_all_opinions: true,
        my_member: Some(MemberId(5)),
        my_request: Some(request(5, AbsenceStatus::Pending, "Con ốm")),
        requests: vec![decided, request(5, AbsenceStatus::Pending, "Con ốm")],
        opinions: vec![opinion(0, 5, 9), opinion(2, 6, 10)],
        opinion_counts: vec![1, 0, 1],
    };
    let json = serde_json::to_string(&prep).unwrap();
    assert_eq!(serde_json::from_str::<Preparation>(&json).unwrap(), prep);
    let one = serde_json::to_string(&prep.opinions[0]).unwrap();
    assert_eq!(
        serde_json::from_str::<AdvanceOpinion>(&one).unwrap(),
        prep.opinions[0]
    );
    // What the app sends is refused with unknown fields.
    assert!(serde_json::from_str::<AbsenceDecision>(r#"{"accept":true,"note":"","x":1}"#).is_err());
    assert_eq!(
        serde_json::from_str::<AbsenceDecision>(r#"{"accept":false}"#).unwrap(),
        AbsenceDecision {
            accept: false,
            note: String::new()
        }
    );
}
