use super::*;
use crate::meeting::{MeetingDraft, MeetingMode, standard_agenda};
use crate::rules::RuleSet;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn rules() -> ScheduleRules {
    RuleSet::national_default().schedule
}

/// A meeting of `kind` on `day` at 08:00, registered on `registered`.
fn meeting(id: i64, kind: MeetingKind, day: NaiveDate, registered: NaiveDate) -> Meeting {
    Meeting {
        id: MeetingId(id),
        cell_id: OrgId(3),
        registered_at: registered.and_hms_opt(9, 30, 0).unwrap(),
        status: MeetingStatus::Scheduled,
        draft: MeetingDraft {
            kind,
            title: crate::meeting::default_title(kind, day),
            starts_at: day.and_hms_opt(8, 0, 0).unwrap(),
            mode: MeetingMode::InPerson,
            place: "Nhà văn hóa khu phố 3".into(),
            video_link: String::new(),
            chair_id: None,
            secretary_id: None,
            agenda: standard_agenda(kind),
        },
        cancelled: None,
        rescheduled: None,
        late_documents: None,
    }
}

fn held(m: Meeting) -> Meeting {
    Meeting {
        status: MeetingStatus::Closed,
        ..m
    }
}

fn cancelled(m: Meeting, reason: &str) -> Meeting {
    Meeting {
        cancelled: Some(Cancellation {
            at: m.registered_at,
            reason: reason.into(),
        }),
        ..m
    }
}

fn early(y: i32, m: u32, day: u32) -> NaiveDate {
    d(y, m, day) - chrono::Days::new(10)
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_year_as_twelve_months_and_four_quarters() {
    let today = d(2026, 5, 10);
    let meetings = vec![
        // January: held, registered on time.
        held(meeting(
            1,
            MeetingKind::Regular,
            d(2026, 1, 5),
            early(2026, 1, 5),
        )),
        // February: held, registered the day before: late.
        held(meeting(
            2,
            MeetingKind::Regular,
            d(2026, 2, 5),
            d(2026, 2, 4),
        )),
        // March: cancelled, nothing in its place: missing.
        cancelled(
            meeting(3, MeetingKind::Regular, d(2026, 3, 5), early(2026, 3, 5)),
            "Trùng lịch bầu cử đại biểu Quốc hội",
        ),
        // April: nothing at all.
        // May: registered late (2 days ahead), not yet held.
        meeting(5, MeetingKind::Regular, d(2026, 5, 12), d(2026, 5, 10)),
        // June: registered on time.
        meeting(6, MeetingKind::Regular, d(2026, 6, 5), d(2026, 5, 10)),
        // Q1's thematic meeting, held.
        held(meeting(
            50,
            MeetingKind::Thematic,
            d(2026, 2, 20),
            early(2026, 2, 20),
        )),
        // Another cell's year is not this one's: a meeting of 2025 is ignored.
        held(meeting(
            90,
            MeetingKind::Regular,
            d(2025, 4, 5),
            early(2025, 4, 5),
        )),
    ];
    let v = year_view(OrgId(3), &meetings, 2026, today, &rules());
    let status: Vec<SlotStatus> = v.months.iter().map(|m| m.regular.status).collect();
    use SlotStatus::*;
    assert_eq!(
        status,
        vec![
            Held, Held, Cancelled, Missing, Late, OnTime, Open, Open, Open, Open, Open, Open
        ]
    );
    assert!(!v.months[0].regular.late);
    assert!(v.months[1].regular.late, "held, and registered late");
    let march = &v.months[2].regular;
    assert_eq!(
        march.cancel_reason.as_deref(),
        Some("Trùng lịch bầu cử đại biểu Quốc hội")
    );
    assert!(
        march.counts_missing,
        "a cancelled month without a replacement"
    );
    assert_eq!(march.suggested_day, None, "March is over");
    assert_eq!(v.months[3].regular.meeting_id, None);
    assert!(v.months[3].regular.counts_missing);
    // July is open, starting with its first day (on time).
    assert_eq!(v.months[6].regular.suggested_day, Some(d(2026, 7, 1)));
    let q: Vec<SlotStatus> = v.quarters.iter().map(|q| q.thematic.status).collect();
    assert_eq!(q, vec![Held, Open, Open, Open]);
    assert_eq!(
        v.figures,
        YearFigures {
            months_judged: 4,
            months_missing: 2,
            quarters_judged: 1,
            quarters_missing: 0,
            held: 3,
            registered: 5,
            late: 2,
            cancelled: 1,
        }
    );
    assert!(
        v.findings
            .iter()
            .any(|f| f.contains("tháng 3/2026, tháng 4/2026")),
        "{:?}",
        v.findings
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_cancelled_month_with_a_replacement_is_not_missing() {
    let meetings = vec![
        cancelled(
            meeting(1, MeetingKind::Regular, d(2026, 3, 5), early(2026, 3, 5)),
            "Bí thư đi công tác",
        ),
        held(meeting(
            2,
            MeetingKind::Regular,
            d(2026, 3, 20),
            d(2026, 3, 6),
        )),
    ];
    let v = year_view(OrgId(3), &meetings, 2026, d(2026, 5, 1), &rules());
    let march = &v.months[2].regular;
    assert_eq!(march.status, SlotStatus::Held);
    assert_eq!(march.meeting_id, Some(MeetingId(2)));
    assert!(!march.counts_missing);
    // While the month lasts, a cancelled month offers to register again.
    let v = year_view(OrgId(3), &meetings[..1], 2026, d(2026, 3, 4), &rules());
    let march = &v.months[2].regular;
    assert_eq!(march.status, SlotStatus::Cancelled);
    assert_eq!(march.suggested_day, Some(d(2026, 3, 7)));
    assert_eq!(v.figures.late, 0, "a cancelled registration is not judged");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_combined_meeting_fills_its_month_and_quarter() {
    let meetings = vec![meeting(
        1,
        MeetingKind::Combined,
        d(2026, 8, 10),
        d(2026, 8, 1),
    )];
    let v = year_view(OrgId(3), &meetings, 2026, d(2026, 8, 2), &rules());
    assert_eq!(v.months[7].regular.status, SlotStatus::OnTime);
    assert_eq!(v.quarters[2].thematic.status, SlotStatus::OnTime);
    // Q3's open months: the thematic registration would start in August.
    let empty = year_view(OrgId(3), &[], 2026, d(2026, 8, 2), &rules());
    assert_eq!(
        empty.quarters[2].thematic.suggested_day,
        Some(d(2026, 8, 5))
    );
    assert_eq!(empty.quarters[0].thematic.status, SlotStatus::Missing);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn registered_but_never_opened_counts_as_missing_once_over() {
    let meetings = vec![meeting(
        1,
        MeetingKind::Regular,
        d(2026, 4, 10),
        d(2026, 4, 1),
    )];
    let v = year_view(OrgId(3), &meetings, 2026, d(2026, 5, 2), &rules());
    assert_eq!(v.months[3].regular.status, SlotStatus::Missing);
    assert_eq!(v.months[3].regular.meeting_id, Some(MeetingId(1)));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn suggested_days_and_deadlines() {
    let r = rules();
    let may = YearMonth::new(2026, 5);
    // Early in the month: 3 days ahead, on time.
    assert_eq!(suggested_day(may, d(2026, 5, 10), &r), Some(d(2026, 5, 13)));
    // Before the month: its first day.
    assert_eq!(suggested_day(may, d(2026, 4, 2), &r), Some(d(2026, 5, 1)));
    // Too late for on time: tomorrow, then today on the last day.
    assert_eq!(suggested_day(may, d(2026, 5, 30), &r), Some(d(2026, 5, 31)));
    assert_eq!(suggested_day(may, d(2026, 5, 31), &r), Some(d(2026, 5, 31)));
    assert_eq!(suggested_day(may, d(2026, 6, 1), &r), None);
    let dl = deadline_for(d(2026, 5, 13), d(2026, 5, 10), &r);
    assert_eq!((dl.register_by, dl.late_if_today), (d(2026, 5, 10), false));
    let dl = deadline_for(d(2026, 5, 12), d(2026, 5, 10), &r);
    assert_eq!((dl.register_by, dl.late_if_today), (d(2026, 5, 9), true));
    let m = meeting(1, MeetingKind::Regular, d(2026, 5, 12), d(2026, 5, 10));
    assert!(is_late(&m, &r));
    assert_eq!(entry_of(&m).registered_on, Some(d(2026, 5, 10)));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn reasons_years_and_months_are_checked() {
    assert_eq!(check_reason("  \u{7}"), Err(CalendarError::ReasonMissing));
    assert_eq!(
        check_reason(&"ố".repeat(MAX_REASON_CHARS + 1)),
        Err(CalendarError::ReasonTooLong)
    );
    assert_eq!(
        check_reason(&"ố".repeat(MAX_REASON_CHARS)).map(|r| r.chars().count()),
        Ok(MAX_REASON_CHARS)
    );
    assert_eq!(check_reason(" Mưa bão "), Ok("Mưa bão".into()));
    assert_eq!(check_year(1999), Err(CalendarError::YearOutOfRange));
    assert_eq!(check_year(2100), Ok(2100));
    assert_eq!(check_month(2026, 13), Err(CalendarError::MonthOutOfRange));
    assert!(CalendarError::YearOutOfRange.to_string().contains("2000"));
    let now = d(2026, 5, 10).and_hms_opt(12, 0, 0).unwrap();
    let r = RescheduleRequest {
        starts_at: d(2026, 5, 9).and_hms_opt(8, 0, 0).unwrap(),
        reason: "Đổi sang chủ nhật".into(),
    };
    assert_eq!(r.check(now), Err(CalendarError::StartsInPast));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_committee_sees_the_cells_that_have_not_registered() {
    let entries = |ms: Vec<Meeting>| ms.iter().map(entry_of).collect::<Vec<_>>();
    let cells = vec![
        CellMeetings {
            cell_id: OrgId(10),
            cell_name: "Chi bộ Khu phố 2".into(),
            meetings: entries(vec![meeting(
                1,
                MeetingKind::Regular,
                d(2026, 5, 20),
                d(2026, 5, 2),
            )]),
        },
        CellMeetings {
            cell_id: OrgId(11),
            cell_name: "Chi bộ Khu phố 1".into(),
            meetings: entries(vec![
                cancelled(
                    meeting(2, MeetingKind::Regular, d(2026, 5, 8), d(2026, 5, 1)),
                    "Mưa bão",
                ),
                meeting(3, MeetingKind::Thematic, d(2026, 5, 9), d(2026, 5, 1)),
            ]),
        },
        CellMeetings {
            cell_id: OrgId(12),
            cell_name: "Chi bộ Ấp Bình An".into(),
            meetings: vec![],
        },
    ];
    let may = YearMonth::new(2026, 5);
    let report = unregistered_cells(OrgId(1), &cells, may, d(2026, 5, 12), &rules());
    assert_eq!(report.cells_total, 3);
    assert_eq!(report.reminder_on, d(2026, 5, 5));
    let ids: Vec<OrgId> = report.unregistered.iter().map(|c| c.cell_id).collect();
    assert_eq!(
        ids,
        vec![OrgId(11), OrgId(12)],
        "by name; cancelled or thematic do not count"
    );
    assert_eq!(report.unregistered[0].overdue_since, Some(d(2026, 5, 5)));
    assert_eq!(report.unregistered[0].days_overdue, 7);
    let before = unregistered_cells(OrgId(1), &cells, may, d(2026, 5, 4), &rules());
    assert_eq!(before.unregistered[0].overdue_since, None);
    assert_eq!(before.unregistered[0].days_overdue, 0);
    // A reminder day past the month's end means its last day.
    let mut late_rules = rules();
    late_rules.reminder_day.value = 31;
    assert_eq!(
        reminder_on(YearMonth::new(2026, 2), &late_rules),
        d(2026, 2, 28)
    );
}

/// What the browser decodes from the server: Vietnamese text round-trips.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn views_and_meetings_round_trip_through_json() {
    let m = Meeting {
        rescheduled: Some(Rescheduling {
            from: d(2026, 3, 5).and_hms_opt(8, 0, 0).unwrap(),
            reason: "Trùng ngày giỗ Tổ Hùng Vương".into(),
        }),
        ..cancelled(
            meeting(3, MeetingKind::Regular, d(2026, 3, 9), d(2026, 3, 1)),
            "Bão số 3 đổ bộ, không tổ chức được",
        )
    };
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(serde_json::from_str::<Meeting>(&json).unwrap(), m);
    // A meeting stored before cancelling existed reads as neither.
    let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
    old.as_object_mut().unwrap().remove("cancelled");
    old.as_object_mut().unwrap().remove("rescheduled");
    let back: Meeting = serde_json::from_value(old).unwrap();
    assert_eq!((back.cancelled, back.rescheduled), (None, None));

    let v = year_view(OrgId(3), &[m], 2026, d(2026, 4, 2), &rules());
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(serde_json::from_str::<YearView>(&json).unwrap(), v);
    let cells = vec![CellMeetings {
        cell_id: OrgId(12),
        cell_name: "Chi bộ Ấp Bình An".into(),
        meetings: vec![],
    }];
    let r = unregistered_cells(
        OrgId(1),
        &cells,
        YearMonth::new(2026, 5),
        d(2026, 5, 6),
        &rules(),
    );
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(
        serde_json::from_str::<RegistrationReport>(&json).unwrap(),
        r
    );
}
