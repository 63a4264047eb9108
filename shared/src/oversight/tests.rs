use super::*;
use crate::rules::RuleSet;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

struct Meet {
    id: i64,
    cell: u32,
    kind: MeetingKind,
    day: NaiveDate,
    registered: NaiveDate,
    state: u8,
    outcome: Option<(u16, u16, u16, u16)>,
    cell_tenths: Option<u16>,
    upper_tenths: Option<u16>,
}

fn meet(id: i64, cell: u32, kind: MeetingKind, day: NaiveDate, registered: NaiveDate) -> Meet {
    Meet {
        id,
        cell,
        kind,
        day,
        registered,
        state: 0,
        outcome: None,
        cell_tenths: None,
        upper_tenths: None,
    }
}

/// A bloc committee, two grassroots committees, three cells, January to June
/// 2026 seen on 20 May (fictional names).
pub(super) fn facts() -> OversightFacts {
    let from = YearMonth::new(2026, 1);
    let epoch = from.first_day();
    let set = RuleSet::national_default();
    let held = |mut m: Meet, outcome, cell, upper| {
        m.state = 1;
        m.outcome = Some(outcome);
        m.cell_tenths = cell;
        m.upper_tenths = upper;
        m
    };
    let mut cancelled = meet(6, 1, MeetingKind::Regular, d(2026, 3, 12), d(2026, 3, 1));
    cancelled.state = 2;
    let meetings = vec![
        held(
            meet(1, 0, MeetingKind::Regular, d(2026, 1, 15), d(2026, 1, 5)),
            (12, 11, 8, 95),
            Some(905),
            Some(880),
        ),
        held(
            meet(2, 0, MeetingKind::Regular, d(2026, 2, 10), d(2026, 2, 9)),
            (12, 12, 12, 100),
            Some(720),
            None,
        ),
        held(
            meet(3, 0, MeetingKind::Thematic, d(2026, 2, 20), d(2026, 2, 1)),
            (12, 10, 6, 130),
            None,
            None,
        ),
        meet(4, 2, MeetingKind::Regular, d(2026, 5, 28), d(2026, 5, 10)),
        held(
            meet(5, 2, MeetingKind::Combined, d(2026, 4, 8), d(2026, 4, 1)),
            (20, 17, 15, 125),
            Some(950),
            Some(930),
        ),
        cancelled,
    ];
    let mut mc = MeetingColumns::default();
    for m in meetings {
        mc.id.push(MeetingId(m.id));
        mc.cell.push(m.cell);
        mc.kind.push(kind_code(m.kind));
        mc.day.push(day_number(epoch, m.day));
        mc.registered.push(day_number(epoch, m.registered));
        mc.state.push(m.state);
        let (e, p, s, min) = m.outcome.unzip4();
        mc.expected.push(e);
        mc.present.push(p.unwrap_or(0));
        mc.speakers.push(s.unwrap_or(0));
        mc.minutes.push(min.unwrap_or(0));
        mc.cell_tenths.push(m.cell_tenths);
        mc.upper_tenths.push(m.upper_tenths);
    }
    OversightFacts {
        org_id: OrgId(1),
        org_name: "Đảng bộ Khối Cơ quan tỉnh".into(),
        from,
        to: YearMonth::new(2026, 6),
        today: d(2026, 5, 20),
        epoch,
        rules: vec![CellRules {
            schedule: set.schedule.clone(),
            report_within_days: set.visits.report_within_days.value,
        }],
        orgs: OrgColumns {
            id: vec![OrgId(1), OrgId(2), OrgId(3)],
            name: vec![
                "Đảng bộ Khối Cơ quan tỉnh".into(),
                "Đảng bộ Sở Tài chính".into(),
                "Đảng bộ Sở Y tế".into(),
            ],
            parent: vec![None, Some(0), Some(0)],
        },
        cells: CellColumns {
            id: vec![OrgId(10), OrgId(11), OrgId(12)],
            name: vec![
                "Chi bộ Phòng Ngân sách".into(),
                "Chi bộ Văn phòng".into(),
                "Chi bộ Bệnh viện Đa khoa".into(),
            ],
            org: vec![1, 1, 2],
            members: vec![12, 9, 20],
            rules: vec![0, 0, 0],
            open_recommendations: vec![0, 0, 1],
        },
        meetings: mc,
        visitors: PeopleColumns {
            id: vec![AccountId(7), AccountId(8)],
            name: vec!["Nguyễn Văn An".into(), "Trần Thị Bình".into()],
        },
        visits: VisitColumns {
            visitor: vec![0, 1, 0],
            cell: vec![0, 2, 1],
            day: vec![
                day_number(epoch, d(2026, 1, 15)),
                day_number(epoch, d(2026, 2, 12)),
                day_number(epoch, d(2026, 5, 18)),
            ],
            report: vec![
                Some(day_number(epoch, d(2026, 1, 18))),
                Some(day_number(epoch, d(2026, 2, 25))),
                None,
            ],
        },
        plans: PlanColumns {
            visitor: vec![0, 0, 1],
            cell: vec![0, 1, 2],
            year: vec![2026, 2026, 2026],
            quarter: vec![1, 1, 1],
        },
    }
}

trait Unzip4 {
    fn unzip4(self) -> (Option<u16>, Option<u16>, Option<u16>, Option<u16>);
}

impl Unzip4 for Option<(u16, u16, u16, u16)> {
    fn unzip4(self) -> (Option<u16>, Option<u16>, Option<u16>, Option<u16>) {
        match self {
            Some((a, b, c, d)) => (Some(a), Some(b), Some(c), Some(d)),
            None => (None, None, None, None),
        }
    }
}

fn row(rows: &[CellMonth], cell: u32, month: u32) -> &CellMonth {
    rows.iter()
        .find(|r| r.cell == cell && r.month == YearMonth::new(2026, month))
        .unwrap()
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_period_is_read_and_limited_to_five_years() {
    assert_eq!(parse_month("2026-05"), Ok(YearMonth::new(2026, 5)));
    assert_eq!(parse_month(" 2026-5 "), Ok(YearMonth::new(2026, 5)));
    for bad in [
        "",
        "2026",
        "2026-13",
        "2026-00",
        "26-05",
        "2026-05-01",
        "abcd-01",
    ] {
        assert_eq!(parse_month(bad), Err(RangeError::Malformed), "{bad}");
    }
    assert_eq!(parse_month("1999-12"), Err(RangeError::YearOutOfRange));
    let ok = check_range(YearMonth::new(2021, 2), YearMonth::new(2026, 1));
    assert_eq!(ok.map(|p| p.months().count()), Ok(60));
    assert_eq!(
        check_range(YearMonth::new(2021, 1), YearMonth::new(2026, 1)),
        Err(RangeError::TooLong)
    );
    assert_eq!(
        check_range(YearMonth::new(2026, 2), YearMonth::new(2026, 1)),
        Err(RangeError::Reversed)
    );
    assert!(RangeError::TooLong.to_string().contains("5 năm"));
    assert_eq!(month_param(YearMonth::new(2026, 5)), "2026-05");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn each_cell_month_says_registered_held_attendance_scores_and_visits() {
    let f = facts();
    let rows = cell_months(&f);
    assert_eq!(rows.len(), 3 * 6);

    let jan = row(&rows, 0, 1);
    assert_eq!(jan.status, SlotStatus::Held);
    assert_eq!(jan.registered_on_time, Some(true));
    assert!(jan.held);
    assert_eq!(jan.thematic, Some(true), "the thematic meeting of February");
    assert_eq!(jan.meeting, Some(MeetingId(1)));
    assert_eq!(jan.attendance_permille, Some(917), "11 of 12");
    assert_eq!(jan.spoke_permille, Some(727), "8 of the 11 present");
    assert_eq!((jan.cell_tenths, jan.upper_tenths), (Some(905), Some(880)));
    assert_eq!(
        (jan.visits, jan.reports_on_time, jan.reports_late),
        (1, 1, 0)
    );

    let feb = row(&rows, 0, 2);
    assert_eq!(feb.status, SlotStatus::Held);
    assert_eq!(
        feb.registered_on_time,
        Some(false),
        "registered one day ahead"
    );
    assert_eq!(
        feb.meeting,
        Some(MeetingId(2)),
        "the regular one, not the thematic"
    );

    assert_eq!(row(&rows, 0, 4).status, SlotStatus::Missing);
    assert_eq!(row(&rows, 0, 5).status, SlotStatus::Open, "May is not over");

    let office_jan = row(&rows, 1, 1);
    assert_eq!(office_jan.status, SlotStatus::Missing);
    assert_eq!(office_jan.registered_on_time, None);
    assert_eq!(office_jan.thematic, Some(false), "Q1 over without one");
    assert_eq!(office_jan.attendance_permille, None);
    assert_eq!(row(&rows, 1, 3).status, SlotStatus::Cancelled);
    let office_may = row(&rows, 1, 5);
    assert_eq!(
        (
            office_may.visits,
            office_may.reports_on_time,
            office_may.reports_late
        ),
        (1, 0, 0),
        "the report is not due yet"
    );

    let hospital_feb = row(&rows, 2, 2);
    assert_eq!((hospital_feb.visits, hospital_feb.reports_late), (1, 1));
    assert_eq!(hospital_feb.open_recommendations, 1);
    let hospital_apr = row(&rows, 2, 4);
    assert_eq!(
        hospital_apr.status,
        SlotStatus::Held,
        "a combined meeting counts as regular"
    );
    assert_eq!(hospital_apr.thematic, Some(true));
    assert_eq!(row(&rows, 2, 5).status, SlotStatus::OnTime);
    assert_eq!(row(&rows, 2, 5).registered_on_time, Some(true));
    assert_eq!(row(&rows, 2, 6).status, SlotStatus::Open);
    assert_eq!(
        row(&rows, 2, 6).thematic,
        Some(true),
        "Q2's combined meeting"
    );
    assert_eq!(row(&rows, 1, 6).thematic, None, "Q2 is not over");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn filters_sorting_and_roll_ups() {
    let f = facts();
    let rows = cell_months(&f);
    let all = filter(&f, &rows, &Filter::default());
    assert_eq!(all.len(), 18);
    let finance = filter(
        &f,
        &rows,
        &Filter {
            org: Some(1),
            ..Filter::default()
        },
    );
    assert_eq!(finance.len(), 12);
    let missing_jan = filter(
        &f,
        &rows,
        &Filter {
            org: None,
            month: Some(YearMonth::new(2026, 1)),
            status: StatusFilter::Missing,
        },
    );
    let names: Vec<&str> = missing_jan
        .iter()
        .map(|&i| f.cells.name[rows[i as usize].cell as usize].as_str())
        .collect();
    assert_eq!(names, ["Chi bộ Văn phòng", "Chi bộ Bệnh viện Đa khoa"]);
    assert_eq!(
        filter(
            &f,
            &rows,
            &Filter {
                status: StatusFilter::ReportLate,
                ..Filter::default()
            }
        )
        .len(),
        1
    );
    assert_eq!(StatusFilter::parse("no_thematic"), StatusFilter::NoThematic);
    assert_eq!(StatusFilter::parse("bogus"), StatusFilter::All);

    let mut kept = all.clone();
    sort(&f, &rows, &mut kept, Column::Attendance, false);
    assert_eq!(
        rows[kept[0] as usize].meeting,
        Some(MeetingId(2)),
        "12 of 12 first"
    );
    sort(&f, &rows, &mut kept, Column::Cell, true);
    assert_eq!(
        f.cells.name[rows[kept[0] as usize].cell as usize],
        "Chi bộ Bệnh viện Đa khoa"
    );
    for c in Column::ALL {
        sort(&f, &rows, &mut kept, c, true);
        assert_eq!(kept.len(), 18);
    }

    let whole = rollup(&rows);
    assert_eq!(whole.cells, 3);
    assert_eq!(
        whole.held, 3,
        "Jan, Feb of the first cell and April's combined"
    );
    assert_eq!(whole.registered_late, 1);
    assert_eq!(whole.visits, 3);
    assert_eq!(whole.open_recommendations, 1);
    assert_eq!(whole.upper_tenths, Some(905), "(880 + 930) / 2");
    let orgs = by_organization(&f, &rows);
    assert_eq!(orgs.iter().map(|(o, _)| *o).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(orgs[0].1.cells, 2);
    assert_eq!(orgs[1].1.visits, 1);
    let months = by_month(&f, &rows);
    assert_eq!(months.len(), 6);
    assert_eq!(months[0].1.held, 1);
    assert_eq!(months[0].1.missing, 2);
    let dist = score_distribution(&rows);
    assert_eq!(dist[8] + dist[9] + dist[7], 3);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn visits_against_the_plan_and_the_seeds_figures() {
    let f = facts();
    let lines = by_visitor(&f);
    let q1 = Quarter {
        year: 2026,
        quarter: 1,
    };
    let an_q1 = lines
        .iter()
        .find(|l| l.visitor == 0 && l.quarter == q1)
        .unwrap();
    assert_eq!(
        (
            an_q1.planned,
            an_q1.visits,
            an_q1.planned_visited,
            an_q1.reports_on_time
        ),
        (2, 1, 1, 1)
    );
    let binh_q1 = lines.iter().find(|l| l.visitor == 1).unwrap();
    assert_eq!(
        (binh_q1.planned, binh_q1.visits, binh_q1.reports_late),
        (1, 1, 1)
    );
    assert_eq!(lines.len(), 3, "An in Q1 and Q2, Bình in Q1");

    let seeds = seed_figures(&f, &cell_months(&f));
    assert_eq!(seeds.cells, 3);
    assert_eq!(seeds.cells_visited, 3);
    assert_eq!(seeds.cells_visited_permille, Some(1000));
    assert_eq!(seeds.visits, 3);
    assert_eq!((seeds.reports_on_time, seeds.reports_judged), (1, 2));
    assert_eq!(seeds.reports_on_time_permille, Some(500));

    assert_eq!(
        report_state(d(2026, 1, 1), Some(d(2026, 1, 6)), d(2026, 2, 1), 5),
        ReportState::OnTime
    );
    assert_eq!(
        report_state(d(2026, 1, 1), Some(d(2026, 1, 7)), d(2026, 2, 1), 5),
        ReportState::Late
    );
    assert_eq!(
        report_state(d(2026, 1, 1), None, d(2026, 1, 6), 5),
        ReportState::Pending
    );
    assert_eq!(
        report_state(d(2026, 1, 1), None, d(2026, 1, 7), 5),
        ReportState::Overdue
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn facts_round_trip_through_json_and_survive_bad_indexes() {
    let f = facts();
    let json = serde_json::to_string(&f).unwrap();
    let back: OversightFacts = serde_json::from_str(&json).unwrap();
    assert_eq!(back, f);
    assert_eq!(cell_months(&back), cell_months(&f));

    // Indexes out of range and ragged columns never panic.
    let mut broken = f.clone();
    broken.meetings.cell.push(99);
    broken.meetings.id.push(MeetingId(99));
    broken.visits.cell.push(42);
    broken.visits.visitor.push(42);
    broken.cells.rules[0] = 7;
    broken.cells.org[1] = 50;
    broken.plans.quarter[0] = 0;
    broken.orgs.parent[1] = Some(1);
    let rows = cell_months(&broken);
    assert_eq!(rows.len(), 18);
    let _ = filter(
        &broken,
        &rows,
        &Filter {
            org: Some(2),
            ..Filter::default()
        },
    );
    let _ = by_organization(&broken, &rows);
    let _ = by_visitor(&broken);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_closed_meeting_s_outcome_counts_present_members_who_spoke() {
    use crate::ids::MemberId;
    use crate::live::state::{Command, LiveState, Setup, Speaker, apply, decide};
    use crate::member::PartyStatus;
    use crate::rules::attendance::{AttendanceMark, Presence, RosterEntry};
    let roll: Vec<RosterEntry> = (1..=4)
        .map(|i| RosterEntry {
            member_id: MemberId(i),
            full_name: format!("Đảng viên {i}"),
            status: PartyStatus::Full,
            attached_elsewhere: false,
        })
        .collect();
    let start = d(2026, 3, 10).and_hms_opt(8, 0, 0).unwrap();
    let mut state = LiveState::new(
        MeetingId(9),
        Setup {
            agenda: crate::meeting::standard_agenda(MeetingKind::Regular),
            rules: RuleSet::national_default().meeting_rules(),
            roll,
            chair: Some(MemberId(1)),
            secretary: Some(MemberId(2)),
            starts_at: Some(start),
            excused: Vec::new(),
        },
    );
    let chair = Speaker::Member(MemberId(1));
    let mut run = |who: Speaker, c: Command, at| {
        for e in decide(&state, who, &c, at).unwrap_or_else(|e| panic!("{c:?}: {e:?}")) {
            apply(&mut state, &e);
        }
    };
    assert_eq!(
        outcome_of(&LiveState::new(
            MeetingId(1),
            Setup {
                agenda: Vec::new(),
                rules: RuleSet::national_default().meeting_rules(),
                roll: Vec::new(),
                chair: None,
                secretary: None,
                starts_at: None,
                excused: Vec::new(),
            }
        )),
        None,
        "not closed"
    );
    run(
        chair,
        Command::Open {
            confirm_early: true,
        },
        start,
    );
    for (m, p) in [
        (1, Presence::InPerson),
        (2, Presence::Online),
        (3, Presence::AbsentWithReason),
        (4, Presence::AbsentWithoutReason),
    ] {
        run(
            chair,
            Command::Mark {
                mark: AttendanceMark::new(MemberId(m), p),
            },
            start,
        );
    }
    let said = |text: &str| Command::Opine {
        text: text.into(),
        on_behalf_of: None,
    };
    run(
        Speaker::Member(MemberId(2)),
        said("Đồng ý với dự thảo."),
        start,
    );
    run(Speaker::Member(MemberId(2)), said("Bổ sung một ý."), start);
    let end = start + chrono::Duration::minutes(95);
    run(chair, Command::Close, end);
    let o = outcome_of(&state).unwrap();
    assert_eq!(
        (
            o.expected,
            o.present,
            o.excused,
            o.absent,
            o.speakers,
            o.duration_minutes
        ),
        (4, 2, 1, 1, 1, 95)
    );
    assert_eq!(o.held_on, d(2026, 3, 10));
}
