use super::*;

fn dt(s: &str) -> NaiveDateTime {
    s.parse().unwrap()
}

fn meeting() -> MeetingRef {
    MeetingRef {
        id: MeetingId(7),
        cell: "Chi bộ Văn phòng".into(),
        title: "Sinh hoạt thường kỳ tháng 12/2026".into(),
        starts_at: dt("2026-12-20T14:00:00"),
        place: "Phòng họp tầng 3".into(),
        video_link: "https://hop.example.vn/vp".into(),
    }
}

fn task() -> TaskRef {
    TaskRef {
        meeting: MeetingId(7),
        index: 1,
        meeting_title: "Sinh hoạt thường kỳ tháng 11/2026".into(),
        what: "Hoàn thiện báo cáo kiểm tra đảng viên".into(),
        due: NaiveDate::from_ymd_opt(2026, 12, 15),
    }
}

fn every_notice() -> Vec<Notice> {
    vec![
        Notice::MeetingRegistered { meeting: meeting() },
        Notice::MeetingChanged { meeting: meeting() },
        Notice::MeetingReminderDay { meeting: meeting() },
        Notice::MeetingReminderHour { meeting: meeting() },
        Notice::MeetingOpened { meeting: meeting() },
        Notice::MeetingCancelled {
            meeting: meeting(),
            reason: "Trùng lịch tiếp xúc cử tri của phường; dời sang tuần sau.".into(),
        },
        Notice::RegistrationReminder {
            reminder: RegistrationRef {
                cell_id: OrgId(4),
                cell: "Chi bộ Khu phố 3".into(),
                committee: "Đảng ủy phường Hòa Bình".into(),
                year: 2026,
                month: 12,
            },
        },
        Notice::AbsenceDecided {
            meeting: meeting(),
            accepted: true,
            note: "Đồng chí gửi ý kiến bằng văn bản trước buổi họp.".into(),
        },
        Notice::DocumentPosted {
            meeting: meeting(),
            item: "Thông tin thời sự, văn bản chỉ đạo của cấp trên".into(),
            file_name: "Hướng dẫn sinh hoạt tháng 12.pdf".into(),
        },
        Notice::GuidancePosted {
            guidance: GuidanceRef {
                id: GuidanceId(5),
                committee: "Đảng bộ Cục Quản lý thị trường".into(),
                title: "Định hướng sinh hoạt chi bộ tháng 12/2026".into(),
                year: 2026,
                month: 12,
            },
        },
        Notice::TaskAssigned { task: task() },
        Notice::TaskDueSoon { task: task() },
        Notice::TaskOverdue { task: task() },
        Notice::ScoreConfirmed {
            meeting: meeting(),
            total: crate::rules::scoring::Points::tenths(895),
            band: crate::rules::scoring::Band::Fair,
            changed: true,
        },
        Notice::VisitReportDueSoon { visit: visit() },
        Notice::VisitReportOverdue { visit: visit() },
        Notice::RecommendationsReceived {
            visit: visit(),
            count: 2,
        },
    ]
}

fn visit() -> VisitRef {
    VisitRef {
        id: VisitId(9),
        cell_id: OrgId(4),
        cell: "Chi bộ Khu phố 3".into(),
        visitor: "Trịnh Minh Tuấn".into(),
        date: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
        due: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
    }
}

#[test]
fn every_kind_has_a_notice_and_texts_in_both_languages() {
    let notices = every_notice();
    let kinds: Vec<NoticeKind> = notices.iter().map(Notice::kind).collect();
    assert_eq!(kinds, NoticeKind::ALL.to_vec());
    for n in &notices {
        for lang in [Lang::Vi, Lang::En] {
            assert!(!n.title(lang).is_empty() && !n.body(lang).is_empty());
            assert!(!n.kind().label(lang).is_empty());
        }
        assert_ne!(n.title(Lang::Vi), n.title(Lang::En), "{:?}", n.kind());
        assert_ne!(n.body(Lang::Vi), n.body(Lang::En), "{:?}", n.kind());
        assert_eq!(NoticeKind::parse(n.kind().as_str()), Some(n.kind()));
        let want = match n {
            Notice::RegistrationReminder { .. } => "/org/4",
            Notice::ScoreConfirmed { .. } => "/meetings/7/score",
            Notice::GuidancePosted { .. } => "/guidance/5",
            Notice::VisitReportDueSoon { .. } | Notice::VisitReportOverdue { .. } => "/visits",
            Notice::RecommendationsReceived { .. } => "/org/4/recommendations",
            _ => "/meetings/7",
        };
        assert_eq!(n.link(), want);
    }
}

#[test]
fn the_texts_say_what_happened_with_diacritics() {
    let opened = Notice::MeetingOpened { meeting: meeting() };
    assert_eq!(
        opened.title(Lang::Vi),
        "Đang họp: “Sinh hoạt thường kỳ tháng 12/2026”"
    );
    assert!(
        opened
            .body(Lang::Vi)
            .ends_with("Họp trực tuyến: https://hop.example.vn/vp")
    );
    let day = Notice::MeetingReminderDay { meeting: meeting() };
    assert_eq!(
        day.title(Lang::Vi),
        "Nhắc lịch: “Sinh hoạt thường kỳ tháng 12/2026” lúc 14:00 ngày 20/12/2026"
    );
    assert!(day.body(Lang::En).contains("starts at 14:00 on 20/12/2026"));
    let overdue = Notice::TaskOverdue { task: task() };
    assert_eq!(
        overdue.body(Lang::Vi),
        "Việc “Hoàn thiện báo cáo kiểm tra đảng viên” (buổi sinh hoạt “Sinh hoạt \
         thường kỳ tháng 11/2026”) đã quá hạn ngày 15/12/2026 mà chưa hoàn thành."
    );
    let no_due = Notice::TaskAssigned {
        task: TaskRef {
            due: None,
            ..task()
        },
    };
    assert!(no_due.body(Lang::Vi).contains("(hạn: không có hạn)"));
    let guidance = &every_notice()[9];
    assert_eq!(
        guidance.title(Lang::Vi),
        "Đảng bộ Cục Quản lý thị trường: định hướng sinh hoạt tháng 12/2026"
    );
    assert!(
        guidance
            .body(Lang::Vi)
            .contains("đã đăng “Định hướng sinh hoạt chi bộ tháng 12/2026”")
    );
    let in_person = Notice::MeetingRegistered {
        meeting: MeetingRef {
            video_link: String::new(),
            ..meeting()
        },
    };
    assert!(
        in_person
            .body(Lang::Vi)
            .ends_with("Địa điểm: Phòng họp tầng 3.")
    );
}

#[test]
fn notices_round_trip_through_json() {
    for n in every_notice() {
        let view = NoticeView {
            id: 3,
            notice: n,
            created_at: dt("2026-12-19T14:00:05"),
            read: false,
        };
        let page = NoticePage {
            items: vec![view],
            unread: 1,
            next_before: Some(3),
        };
        let json = serde_json::to_string(&page).unwrap();
        assert_eq!(serde_json::from_str::<NoticePage>(&json).unwrap(), page);
    }
    let json = serde_json::to_value(Notice::MeetingOpened { meeting: meeting() }).unwrap();
    assert_eq!(json["kind"], "meeting_opened");
    assert_eq!(json["meeting"]["cell"], "Chi bộ Văn phòng");
    let prefs = NoticePreferences {
        email: "nguyen.van.a@example.vn".into(),
        email_kinds: vec![NoticeKind::MeetingOpened, NoticeKind::TaskOverdue],
        push_kinds: vec![NoticeKind::MeetingReminderHour],
    };
    let json = serde_json::to_string(&prefs).unwrap();
    assert!(json.contains("\"meeting_opened\""));
    assert_eq!(
        serde_json::from_str::<NoticePreferences>(&json).unwrap(),
        prefs
    );
    assert!(serde_json::from_str::<NoticePreferences>(r#"{"email_kinds":["nope"]}"#).is_err());
    assert!(serde_json::from_str::<NoticePreferences>(r#"{"other":1}"#).is_err());
    // A client that knows nothing of push still sends valid preferences.
    let old: NoticePreferences =
        serde_json::from_str(r#"{"email":"ten@example.vn","email_kinds":["task_assigned"]}"#)
            .unwrap();
    assert!(old.push_kinds.is_empty());
}

#[test]
fn preferences_are_checked() {
    let ok = NoticePreferences {
        email: "  ten@example.vn ".into(),
        email_kinds: vec![
            NoticeKind::TaskOverdue,
            NoticeKind::MeetingOpened,
            NoticeKind::TaskOverdue,
        ],
        push_kinds: vec![
            NoticeKind::TaskAssigned,
            NoticeKind::MeetingOpened,
            NoticeKind::TaskAssigned,
        ],
    }
    .check()
    .unwrap();
    assert_eq!(ok.email, "ten@example.vn");
    assert_eq!(
        ok.push_kinds,
        vec![NoticeKind::MeetingOpened, NoticeKind::TaskAssigned]
    );
    assert!(ok.wants_push(NoticeKind::TaskAssigned));
    assert!(!ok.wants_push(NoticeKind::TaskOverdue));
    // Push needs no address: the devices are the subscriptions.
    let push_only = NoticePreferences {
        push_kinds: vec![NoticeKind::TaskOverdue],
        ..NoticePreferences::default()
    };
    assert_eq!(push_only.check(), Ok(push_only.clone()));
    assert_eq!(
        ok.email_kinds,
        vec![NoticeKind::MeetingOpened, NoticeKind::TaskOverdue]
    );
    assert!(ok.wants_email(NoticeKind::MeetingOpened));
    assert!(!ok.wants_email(NoticeKind::MeetingChanged));
    assert_eq!(
        NoticePreferences::default().check(),
        Ok(NoticePreferences::default())
    );
    for bad in [
        "ten",
        "ten@",
        "@example.vn",
        "ten@example",
        "t en@example.vn",
        "a@b@c.vn",
        "ten@.vn",
        "<a@b.vn>",
    ] {
        let e = NoticePreferences {
            email: bad.into(),
            ..NoticePreferences::default()
        }
        .check()
        .unwrap_err();
        assert_eq!(
            e.message_for("email"),
            Some("Địa chỉ email chưa đúng (ví dụ: ten@example.vn)."),
            "{bad}"
        );
    }
    let long = format!("{}@example.vn", "a".repeat(MAX_EMAIL_CHARS));
    assert!(
        NoticePreferences {
            email: long,
            ..NoticePreferences::default()
        }
        .check()
        .is_err()
    );
    let no_address = NoticePreferences {
        email: " ".into(),
        email_kinds: vec![NoticeKind::TaskAssigned],
        push_kinds: vec![],
    }
    .check()
    .unwrap_err();
    assert_eq!(
        no_address.message_for("email"),
        Some("Nhập địa chỉ email để nhận thông báo qua email.")
    );
}

#[test]
fn reminders_a_day_and_an_hour_before() {
    let starts = dt("2026-12-20T14:00:00");
    let cases = [
        ("2026-12-19T13:59:59", None),
        ("2026-12-19T14:00:00", Some(NoticeKind::MeetingReminderDay)),
        ("2026-12-20T12:59:59", Some(NoticeKind::MeetingReminderDay)),
        ("2026-12-20T13:00:00", Some(NoticeKind::MeetingReminderHour)),
        ("2026-12-20T13:59:59", Some(NoticeKind::MeetingReminderHour)),
        ("2026-12-20T14:00:00", None),
        ("2026-12-21T08:00:00", None),
    ];
    for (now, want) in cases {
        assert_eq!(reminder_due(starts, dt(now)), want, "{now}");
    }
}

#[test]
fn task_deadlines_two_days_before_and_after() {
    let due = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
    let d = |day| NaiveDate::from_ymd_opt(2026, 12, day).unwrap();
    assert_eq!(task_deadline_notice(due, d(12)), None);
    assert_eq!(
        task_deadline_notice(due, d(13)),
        Some(NoticeKind::TaskDueSoon)
    );
    assert_eq!(
        task_deadline_notice(due, d(15)),
        Some(NoticeKind::TaskDueSoon)
    );
    assert_eq!(
        task_deadline_notice(due, d(16)),
        Some(NoticeKind::TaskOverdue)
    );
}

#[test]
fn retries_back_off_exponentially_then_give_up() {
    assert_eq!(retry_delay_ms(1, RETRY_BASE_MS), Some(60_000));
    assert_eq!(retry_delay_ms(2, RETRY_BASE_MS), Some(120_000));
    assert_eq!(retry_delay_ms(3, RETRY_BASE_MS), Some(240_000));
    assert_eq!(retry_delay_ms(9, RETRY_BASE_MS), Some(60_000 << 8));
    assert_eq!(retry_delay_ms(9, 600_000), Some(MAX_RETRY_DELAY_MS));
    assert_eq!(retry_delay_ms(MAX_DELIVERY_ATTEMPTS, RETRY_BASE_MS), None);
    assert_eq!(retry_delay_ms(1, 100), Some(100));
    assert_eq!(retry_delay_ms(4, 100), Some(800));
    // Never overflows, whatever the base.
    assert_eq!(retry_delay_ms(9, u64::MAX), Some(MAX_RETRY_DELAY_MS));
}
