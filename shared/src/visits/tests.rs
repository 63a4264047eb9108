use super::*;
use crate::access::CellSeat;
use crate::ids::MemberId;
use crate::live::state::{Command, Setup, Speaker, apply, decide};
use crate::meeting::{MeetingKind, standard_agenda};
use crate::member::{CellRole, PartyStatus};
use crate::rules::RuleSet;
use crate::rules::attendance::RosterEntry;
use crate::rules::testkit::d;

const BLOC: OrgId = OrgId(1);
const GRASS: OrgId = OrgId(2);
const CELL_A: OrgId = OrgId(3);
const CELL_B: OrgId = OrgId(4);
const CELL_C: OrgId = OrgId(5);

fn rules() -> VisitRules {
    RuleSet::national_default().visits
}

fn actor(id: i64) -> Actor {
    Actor {
        account_id: AccountId(id),
        is_admin: false,
        seat: None,
        committee_of: vec![],
        assigned_cells: vec![],
    }
}

fn seated(id: i64, cell: OrgId, role: CellRole) -> Actor {
    Actor {
        seat: Some(CellSeat {
            cell_id: cell,
            member_id: MemberId(id),
            role,
        }),
        ..actor(id)
    }
}

fn path(cell: OrgId) -> Vec<OrgId> {
    vec![BLOC, GRASS, cell]
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn who_plans_assigns_files_and_answers() {
    let bloc_committee = Actor {
        committee_of: vec![BLOC],
        ..actor(1)
    };
    let grass_committee = Actor {
        committee_of: vec![GRASS],
        ..actor(2)
    };
    let assigned = Actor {
        assigned_cells: vec![CELL_B],
        ..actor(3)
    };
    let secretary_a = seated(4, CELL_A, CellRole::Secretary);
    let member_a = seated(5, CELL_A, CellRole::Member);
    let admin = Actor {
        is_admin: true,
        ..actor(6)
    };
    // Planning: the committee's own members.
    assert!(may_plan(&bloc_committee, &[BLOC]));
    assert!(
        !may_plan(&bloc_committee, &[BLOC, GRASS]),
        "a committee plans its own"
    );
    assert!(may_plan(&grass_committee, &[BLOC, GRASS]));
    assert!(!may_plan(&assigned, &[BLOC, GRASS]));
    assert!(!may_plan(&secretary_a, &[BLOC, GRASS]));
    assert!(may_plan(&admin, &[BLOC]));
    assert!(!may_plan(&admin, &[]));
    // Assigning: a cell below, a visitor on the committee.
    assert!(may_assign(&bloc_committee, &[BLOC], &path(CELL_A), &[BLOC]));
    assert!(!may_assign(
        &bloc_committee,
        &[BLOC],
        &path(CELL_A),
        &[GRASS]
    ));
    assert!(!may_assign(
        &grass_committee,
        &[BLOC, GRASS],
        &[BLOC, OrgId(9), OrgId(10)],
        &[GRASS]
    ));
    assert!(
        !may_assign(&bloc_committee, &[BLOC], &[BLOC], &[BLOC]),
        "not itself"
    );
    // Answering and recording: the cell's managers.
    assert!(may_answer(&secretary_a, &path(CELL_A)));
    assert!(!may_answer(&secretary_a, &path(CELL_B)));
    assert!(!may_answer(&member_a, &path(CELL_A)));
    assert!(!may_answer(&bloc_committee, &path(CELL_A)));
    assert!(may_answer(&admin, &path(CELL_A)));
    // Seeing: the cell's managers see visits, not reports; plain members neither.
    assert!(sees_visits(&secretary_a, &path(CELL_A)));
    assert!(!sees_reports(&secretary_a, &path(CELL_A), None));
    assert!(!sees_visits(&member_a, &path(CELL_A)));
    assert!(sees_reports(&bloc_committee, &path(CELL_A), None));
    assert!(sees_reports(&assigned, &path(CELL_B), None));
    assert!(!sees_reports(&assigned, &path(CELL_A), None));
    assert!(sees_reports(&actor(42), &path(CELL_A), Some(AccountId(42))));
    assert!(!sees_reports(&actor(42), &[], Some(AccountId(42))));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_report_counts_down_five_days() {
    let r = rules();
    let visit = d(2026, 11, 10);
    assert_eq!(report_due(visit, &r), d(2026, 11, 15));
    let c = countdown(visit, None, d(2026, 11, 12), &r);
    assert_eq!(c.state, ReportState::Due { days: 3 });
    assert_eq!(c.label_vi(), "Còn 3 ngày để nộp báo cáo (hạn 15/11/2026)");
    assert_eq!(report_notice(&c), None);
    let c = countdown(visit, None, d(2026, 11, 13), &r);
    assert_eq!(report_notice(&c), Some(ReportNotice::DueSoon));
    let c = countdown(visit, None, d(2026, 11, 15), &r);
    assert_eq!(c.label_vi(), "Hạn nộp báo cáo hôm nay (15/11/2026)");
    assert!(!c.is_late());
    let c = countdown(visit, None, d(2026, 11, 17), &r);
    assert_eq!(c.state, ReportState::Overdue { days: 2 });
    assert!(c.is_late());
    assert_eq!(report_notice(&c), Some(ReportNotice::Overdue));
    assert_eq!(c.label_vi(), "Quá hạn nộp báo cáo 2 ngày (hạn 15/11/2026)");
    let c = countdown(visit, Some(d(2026, 11, 14)), d(2026, 11, 30), &r);
    assert_eq!(
        c.state,
        ReportState::Filed {
            on: d(2026, 11, 14),
            late_days: 0
        }
    );
    assert_eq!(report_notice(&c), None);
    let c = countdown(visit, Some(d(2026, 11, 18)), d(2026, 11, 30), &r);
    assert!(c.is_late());
    assert!(c.label_vi().contains("muộn 3 ngày"));
    // A committee's own rule: 10 days.
    let mut ten = rules();
    ten.report_within_days.value = 10;
    assert_eq!(report_due(visit, &ten), d(2026, 11, 20));
}

fn report() -> ReportDraft {
    ReportDraft {
        content: " Chi bộ sinh hoạt đúng nội dung, có thảo luận. ".into(),
        ideology: "Đảng viên an tâm công tác.".into(),
        issues: String::new(),
        proposed_tenths: Some(855),
        recommendations: vec!["Cụ thể hóa nghị quyết quý IV.".into(), "  ".into()],
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_report_is_checked_field_by_field() {
    let ok = report().check().unwrap();
    assert_eq!(ok.content, "Chi bộ sinh hoạt đúng nội dung, có thảo luận.");
    assert_eq!(
        ok.recommendations,
        vec!["Cụ thể hóa nghị quyết quý IV.".to_string()]
    );
    let bad = ReportDraft {
        content: "\u{7}  ".into(),
        ideology: "x".repeat(MAX_REPORT_TEXT_CHARS + 1),
        issues: String::new(),
        proposed_tenths: Some(MAX_PROPOSED_TENTHS + 1),
        recommendations: vec!["y".repeat(MAX_RECOMMENDATION_CHARS + 1)],
    };
    let errs = bad.check().unwrap_err();
    assert_eq!(
        errs.message_for("content"),
        Some("Cần ghi nội dung và chất lượng buổi sinh hoạt.")
    );
    assert!(errs.message_for("ideology").unwrap().contains("4000"));
    assert!(
        errs.message_for("proposed_tenths")
            .unwrap()
            .contains("100 điểm")
    );
    assert!(
        errs.message_for("recommendations")
            .unwrap()
            .contains("số 1")
    );
    let many = ReportDraft {
        recommendations: vec!["a".into(); MAX_RECOMMENDATIONS + 1],
        ..report()
    };
    assert!(
        many.check()
            .unwrap_err()
            .message_for("recommendations")
            .is_some()
    );
    // Filing: one's own visit, once, after it happened.
    let me = actor(7);
    let day = d(2026, 11, 10);
    assert_eq!(may_file(&me, AccountId(7), day, false, day), Ok(()));
    assert_eq!(
        may_file(&me, AccountId(8), day, false, day),
        Err(ReportError::NotYours)
    );
    assert_eq!(
        may_file(&me, AccountId(7), d(2026, 11, 11), false, day),
        Err(ReportError::NotHappened)
    );
    assert_eq!(
        may_file(&me, AccountId(7), day, true, day),
        Err(ReportError::AlreadyFiled)
    );
}

fn recommendation(status: RecommendationStatus, answer: &str) -> Recommendation {
    Recommendation {
        id: RecommendationId(1),
        visit_id: VisitId(2),
        cell_id: CELL_A,
        seq: 0,
        text: "Cụ thể hóa nghị quyết quý IV.".into(),
        status,
        answer: answer.into(),
        answered_by: None,
        answered_at: None,
        visit_date: d(2026, 11, 10),
        visitor_name: "Trịnh Minh Tuấn".into(),
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_cell_answers_and_pending_ones_come_back_on_the_agenda() {
    let ok = RecommendationAnswer {
        status: RecommendationStatus::Accepted,
        note: " Giao chi ủy xây dựng kế hoạch. ".into(),
    }
    .check()
    .unwrap();
    assert_eq!(ok.note, "Giao chi ủy xây dựng kế hoạch.");
    let errs = RecommendationAnswer {
        status: RecommendationStatus::Open,
        note: "z".repeat(MAX_ANSWER_CHARS + 1),
    }
    .check()
    .unwrap_err();
    assert!(errs.message_for("status").is_some());
    assert!(errs.message_for("note").is_some());
    assert!(RecommendationStatus::Accepted.is_pending());
    assert!(!RecommendationStatus::Done.is_pending());

    let mut agenda = standard_agenda(MeetingKind::Regular);
    let review = agenda
        .iter()
        .position(|i| crate::followup::REVIEW_ITEM_TITLES.contains(&i.title.as_str()))
        .unwrap();
    agenda[review].notes = "Việc được giao ở kỳ trước:\n1. …".into();
    let recs = [
        recommendation(RecommendationStatus::Accepted, "Đang xây dựng kế hoạch"),
        recommendation(RecommendationStatus::Done, ""),
    ];
    assert!(prefill_recommendations(&mut agenda, &recs));
    assert_eq!(
        agenda[review].notes,
        "Việc được giao ở kỳ trước:\n1. …\n\n\
         Kiến nghị của cấp ủy cấp trên chưa thực hiện xong:\n\
         1. Cụ thể hóa nghị quyết quý IV. (đồng chí Trịnh Minh Tuấn, dự ngày 10/11/2026) — Đã tiếp thu. Đang xây dựng kế hoạch"
    );
    assert!(!prefill_recommendations(&mut agenda, &recs), "once");
    let mut fresh = standard_agenda(MeetingKind::Regular);
    assert!(
        !prefill_recommendations(&mut fresh, &recs[1..]),
        "done ones stay away"
    );
    let mut thematic = standard_agenda(MeetingKind::Thematic);
    assert!(!prefill_recommendations(&mut thematic, &recs));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_plan_is_checked() {
    let q4 = Quarter {
        year: 2026,
        quarter: 4,
    };
    let members = [AccountId(1), AccountId(2)];
    let entry = |v: i64, c: OrgId, m: Option<u32>| PlanEntry {
        visitor_id: AccountId(v),
        cell_id: c,
        month: m,
    };
    let ok = PlanDraft {
        entries: vec![
            entry(1, CELL_A, Some(10)),
            entry(2, CELL_A, None),
            entry(1, CELL_B, Some(12)),
        ],
    };
    assert_eq!(ok.check(q4, &members), Ok(()));
    let bad = PlanDraft {
        entries: vec![
            entry(1, CELL_A, Some(9)),
            entry(3, CELL_B, None),
            entry(1, CELL_A, None),
        ],
    };
    let errs = bad.check(q4, &members).unwrap_err();
    let messages: Vec<&str> = errs.0.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Dòng 1: tháng không thuộc quý này.",
            "Dòng 2: người này không phải cấp ủy viên của cấp ủy này.",
            "Dòng 3: trùng với dòng 1."
        ]
    );
    for q in [(2026, 0), (2026, 5), (1999, 1)] {
        let quarter = Quarter {
            year: q.0,
            quarter: q.1,
        };
        assert!(
            ok.check(quarter, &members)
                .unwrap_err()
                .message_for("quarter")
                .is_some()
        );
    }
    let huge = PlanDraft {
        entries: vec![entry(1, CELL_A, None); MAX_PLAN_ENTRIES + 1],
    };
    assert_eq!(huge.check(q4, &members).unwrap_err().0.len(), 1);
}

fn visitor(id: i64, name: &str) -> Visitor {
    Visitor {
        id: AccountId(id),
        name: name.into(),
    }
}

fn cell(id: OrgId, name: &str) -> CellRef {
    CellRef {
        id,
        name: name.into(),
    }
}

fn past(v: i64, cell: OrgId, date: NaiveDate) -> PastVisit {
    PastVisit {
        visitor_id: AccountId(v),
        visitor_name: format!("Cấp ủy viên {v}"),
        cell_id: cell,
        date,
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_plan_review_flags_cells_left_waiting() {
    let cells = [
        cell(CELL_A, "Chi bộ A"),
        cell(CELL_B, "Chi bộ B"),
        cell(CELL_C, "Chi bộ C"),
    ];
    let visitors = [visitor(1, "Trịnh Minh Tuấn"), visitor(2, "Lê Hoa")];
    // The model cell A visited twice, B once a year ago, C never.
    let visits = [
        past(1, CELL_A, d(2026, 8, 20)),
        past(2, CELL_A, d(2026, 9, 15)),
        past(2, CELL_B, d(2025, 9, 1)),
    ];
    let q4 = Quarter {
        year: 2026,
        quarter: 4,
    };
    let entries = [PlanEntry {
        visitor_id: AccountId(1),
        cell_id: CELL_A,
        month: Some(11),
    }];
    let assignments = [(AccountId(1), "Trịnh Minh Tuấn".to_string(), CELL_B)];
    let r = rules();
    let input = PlanInput {
        quarter: q4,
        cells: &cells,
        visitors: &visitors,
        assignments: &assignments,
        entries: &entries,
        visits: &visits,
        today: d(2026, 10, 5),
        rules: &r,
    };
    let review = review_plan(&input);
    let a = &review.cells[0];
    assert_eq!(
        (a.visits_in_window, a.neglected, a.planned, a.repeated),
        (2, false, true, true)
    );
    assert_eq!(a.last_visitor.as_deref(), Some("Cấp ủy viên 2"));
    let b = &review.cells[1];
    assert_eq!((b.neglected, b.last_visit), (true, Some(d(2025, 9, 1))));
    assert_eq!(b.followers, vec![visitor(1, "Trịnh Minh Tuấn")]);
    let c = &review.cells[2];
    assert_eq!((c.neglected, c.last_visit), (true, None));
    assert!(review.fairness.unfair);
    assert_eq!(
        review.warnings[..3],
        [
            "Chi bộ B chưa được cấp ủy viên dự sinh hoạt từ ngày 01/09/2025 (lần cuối: đồng chí Cấp ủy viên 2) và chưa có trong kế hoạch quý IV/2026.".to_string(),
            "Chi bộ C chưa từng được cấp ủy viên dự sinh hoạt và chưa có trong kế hoạch quý IV/2026.".to_string(),
            "Kế hoạch lặp lại chi bộ đã được dự trong 6 tháng qua (Chi bộ A: 2 lần) trong khi 2 chi bộ chưa được dự (Chi bộ B, Chi bộ C).".to_string(),
        ]
    );
    // Once a quarter each: visitor 2 has nothing planned.
    assert_eq!(
        review
            .visitors
            .iter()
            .map(|v| (v.planned, v.required, v.short))
            .collect::<Vec<_>>(),
        [(1, 1, false), (0, 1, true)]
    );
    assert!(review.warnings[3].starts_with("Đồng chí Lê Hoa mới có 0 lượt"));

    // A plan that reaches the waiting cells raises nothing of the kind.
    let fair = [
        PlanEntry {
            visitor_id: AccountId(1),
            cell_id: CELL_B,
            month: None,
        },
        PlanEntry {
            visitor_id: AccountId(2),
            cell_id: CELL_C,
            month: None,
        },
    ];
    let review = review_plan(&PlanInput {
        entries: &fair,
        ..input.clone()
    });
    assert!(review.warnings.is_empty(), "{:?}", review.warnings);
    assert!(review.cells.iter().all(|c| !c.repeated));
    assert_eq!(entries_done(&fair, &visits, q4), [false, false]);

    // Kon Tum style, twice a year: judged in the year's last quarter, with
    // the visits made earlier in the year.
    let mut twice = rules();
    twice.cadence.value = rules::Cadence {
        visits: 2,
        months: 12,
    };
    let review = review_plan(&PlanInput {
        entries: &fair,
        rules: &twice,
        ..input.clone()
    });
    let v: Vec<_> = review
        .visitors
        .iter()
        .map(|v| (v.done_before, v.planned, v.required, v.short))
        .collect();
    assert_eq!(v, [(1, 1, 2, false), (1, 1, 2, false)]);
    assert_eq!(review.visitors[0].period, Period::year(2026));
    let q2 = Quarter {
        year: 2026,
        quarter: 2,
    };
    let review = review_plan(&PlanInput {
        quarter: q2,
        entries: &[],
        rules: &twice,
        ..input.clone()
    });
    assert!(
        review.visitors.iter().all(|v| !v.short),
        "the year is not over in Q2"
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_visit_is_made_by_arriving_in_an_opened_meeting() {
    let now = d(2026, 12, 5).and_hms_opt(8, 0, 0).unwrap();
    let roll: Vec<RosterEntry> = (1..=3)
        .map(|i| RosterEntry {
            member_id: MemberId(i),
            full_name: format!("Đảng viên {i}"),
            status: PartyStatus::Full,
            attached_elsewhere: false,
        })
        .collect();
    let mut state = LiveState::new(
        MeetingId(12),
        Setup {
            agenda: standard_agenda(MeetingKind::Regular),
            rules: RuleSet::national_default().meeting_rules(),
            roll,
            chair: Some(MemberId(1)),
            secretary: Some(MemberId(2)),
            starts_at: Some(now),
            excused: Vec::new(),
        },
    );
    let run = |state: &mut LiveState, who: Speaker, cmd: Command| {
        let events = decide(state, who, &cmd, now).unwrap();
        for e in &events {
            apply(state, e);
        }
        arrived_visitors(state, &events)
    };
    let visitor = Speaker::Visitor(AccountId(77));
    let arrives = Command::VisitorArrives {
        name: "Trịnh Minh Tuấn".into(),
    };
    assert!(
        decide(&state, visitor, &arrives, now).is_err(),
        "no arrival before the opening"
    );
    let opened = run(
        &mut state,
        Speaker::Member(MemberId(1)),
        Command::Open {
            confirm_early: false,
        },
    );
    assert_eq!(opened, []);
    assert_eq!(run(&mut state, visitor, arrives.clone()), [AccountId(77)]);
    assert_eq!(
        run(&mut state, Speaker::Visitor(AccountId(78)), arrives.clone()),
        [AccountId(78)]
    );
    assert_eq!(run(&mut state, visitor, arrives), [], "arrived already");
    let checked_in = run(&mut state, Speaker::Member(MemberId(2)), Command::CheckIn);
    assert_eq!(checked_in, [], "a member of the cell makes no visit");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn what_the_browser_decodes_round_trips() {
    let r = rules();
    let visit = VisitView {
        id: VisitId(5),
        visitor_id: AccountId(77),
        visitor_name: "Trịnh Minh Tuấn".into(),
        cell_id: CELL_B,
        cell_name: "Chi bộ Nghiệp vụ – Thanh tra".into(),
        meeting_id: Some(MeetingId(12)),
        date: d(2026, 11, 10),
        source: VisitSource::Live,
        countdown: countdown(d(2026, 11, 10), None, d(2026, 11, 12), &r),
        report: Some(VisitReport {
            content: "Đúng nội dung".into(),
            ideology: "Ổn định".into(),
            issues: String::new(),
            proposed_tenths: Some(855),
            filed_on: d(2026, 11, 12),
            filed_at: d(2026, 11, 12).and_hms_opt(9, 30, 0).unwrap(),
        }),
        recommendations: vec![recommendation(RecommendationStatus::Open, "")],
        may_file: true,
    };
    let json = serde_json::to_value(&visit).unwrap();
    assert_eq!(json["countdown"]["state"], "due");
    assert_eq!(json["countdown"]["days"], 3);
    assert_eq!(json["source"], "live");
    assert_eq!(serde_json::from_value::<VisitView>(json).unwrap(), visit);
    let cells = [cell(CELL_A, "Chi bộ Văn phòng")];
    let visitors = [visitor(77, "Trịnh Minh Tuấn")];
    let visits = [past(77, CELL_A, d(2026, 9, 1))];
    let q = quarter_of(d(2026, 11, 30));
    let plan = VisitPlan {
        committee_id: BLOC,
        committee_name: "Đảng bộ Khối các cơ quan tỉnh".into(),
        quarter: q,
        entries: vec![PlanEntryView {
            visitor_id: AccountId(77),
            visitor_name: "Trịnh Minh Tuấn".into(),
            cell_id: CELL_A,
            cell_name: "Chi bộ Văn phòng".into(),
            month: Some(12),
            done: false,
        }],
        visitors: visitors.to_vec(),
        review: review_plan(&PlanInput {
            quarter: q,
            cells: &cells,
            visitors: &visitors,
            assignments: &[],
            entries: &[],
            visits: &visits,
            today: d(2026, 11, 30),
            rules: &r,
        }),
        may_plan: true,
    };
    let back: VisitPlan = serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
    assert_eq!(back, plan);
    let draft: PlanDraft = serde_json::from_str(
        r#"{"entries":[{"visitor_id":77,"cell_id":3,"month":12},{"visitor_id":77,"cell_id":4}]}"#,
    )
    .unwrap();
    assert_eq!(draft.entries[1].month, None);
    assert!(serde_json::from_str::<PlanDraft>(r#"{"entries":[],"extra":1}"#).is_err());
    let answer: RecommendationAnswer = serde_json::from_str(r#"{"status":"done"}"#).unwrap();
    assert_eq!(answer.status, RecommendationStatus::Done);
    let report: ReportDraft =
        serde_json::from_str(r#"{"content":"a","ideology":"b","recommendations":["c"]}"#).unwrap();
    assert_eq!(report.proposed_tenths, None);
}
