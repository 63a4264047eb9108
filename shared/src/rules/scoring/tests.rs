//! Scoring, case by case.

use super::*;
use crate::rules::testkit::d;

fn facts() -> MeetingFacts {
    MeetingFacts {
        kind: MeetingKind::Regular,
        expected: 20,
        present: 19,
        absent_without_reason: 0,
        minutes_long: 100,
        speakers: 12,
        draft_resolution_prepared: true,
        resolution_voted: true,
        minutes_complete: true,
        registered_for: Some(d(2026, 3, 5)),
        held_on: d(2026, 3, 5),
        registered_on: Some(d(2026, 2, 20)),
        registration_deadline: Some(d(2026, 2, 26)),
        documents: 2,
        documents_late: 0,
        tasks_reviewed: true,
        previous_tasks: 3,
    }
}

/// Full marks on every typed criterion of the Phú Thọ sheet (35 points; computed ones give 65).
fn full_entries() -> Entries {
    [("1.2", 5), ("3.1", 10), ("3.4", 10), ("4.1", 5), ("4.4", 5)]
        .into_iter()
        .map(|(k, p)| (k.to_string(), Points::whole(p)))
        .collect()
}

fn with(mut e: Entries, key: &str, tenths: u32) -> Entries {
    e.insert(key.into(), Points::tenths(tenths));
    e
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn built_in_sheets_add_up() {
    for sheet in [ScoreSheet::phu_tho(), ScoreSheet::binh_thuan()] {
        assert_eq!(sheet.check(), Ok(()), "{}", sheet.name);
        assert_eq!(sheet.max_total(), Points::whole(100));
        let groups: Vec<Points> = sheet.groups.iter().map(|g| g.max).collect();
        assert_eq!(
            groups,
            [15, 20, 45, 20].map(Points::whole),
            "Phú Thọ: 15/20/45/20"
        );
    }
    let mut broken = ScoreSheet::phu_tho();
    broken.groups[0].criteria[0].max = Points::whole(6);
    assert!(matches!(
        broken.check(),
        Err(SheetDefinitionError::GroupSum { .. })
    ));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn phu_tho_bands() {
    let rules = RuleSet::national_default();
    // (name, source, facts, typed, total in tenths, band)
    let f85 = MeetingFacts {
        present: 17,
        ..facts()
    };
    let cases: Vec<(&str, &str, MeetingFacts, Entries, u32, Band)> = vec![
        (
            "all full",
            "Phú Thọ: Tốt từ 90",
            facts(),
            full_entries(),
            1000,
            Band::Good,
        ),
        (
            "90 exactly is Tốt",
            "Phú Thọ: Tốt ≥ 90",
            facts(),
            with(full_entries(), "3.1", 0),
            900,
            Band::Good,
        ),
        (
            "89,5 is Khá",
            "Phú Thọ: Khá 70–89",
            facts(),
            with(with(full_entries(), "3.1", 0), "4.4", 45),
            895,
            Band::Fair,
        ),
        (
            "85% attendance loses criterion 2.1",
            "HD 12: trên 85%",
            f85,
            full_entries(),
            900,
            Band::Good,
        ),
        (
            "69,9 is Trung bình",
            "Phú Thọ: Trung bình 50–69",
            MeetingFacts {
                minutes_long: 80,
                speakers: 2,
                ..facts()
            },
            with(with(full_entries(), "3.4", 0), "3.1", 49),
            699,
            Band::Average,
        ),
        (
            "below 50 is Kém",
            "Phú Thọ: Kém dưới 50",
            MeetingFacts {
                resolution_voted: false,
                minutes_complete: false,
                tasks_reviewed: false,
                ..facts()
            },
            full_entries()
                .into_keys()
                .map(|k| (k, Points::ZERO))
                .collect(),
            450,
            Band::Poor,
        ),
    ];
    for (name, source, f, typed, total, band) in cases {
        let s = score(&rules, &f, &typed, None).unwrap();
        assert_eq!(s.cell.total, Points::tenths(total), "{name} [{source}]");
        assert_eq!(s.final_band, band, "{name} [{source}]");
        assert!(!s.confirmed);
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn computed_criteria_follow_the_record() {
    let sheet = ScoreSheet::phu_tho();
    let min = RuleSet::national_default().schedule.min_minutes.value;
    let lost = |f: MeetingFacts| -> Vec<&str> {
        let s = column(&sheet, &min, &f, &full_entries()).unwrap();
        s.points
            .iter()
            .zip(sheet.criteria())
            .filter(|(p, c)| **p < c.max)
            .map(|(_, c)| c.key.as_str())
            .collect()
    };
    assert_eq!(lost(facts()), Vec::<&str>::new());
    assert_eq!(
        lost(MeetingFacts {
            held_on: d(2026, 3, 6),
            ..facts()
        }),
        ["1.4"]
    );
    assert_eq!(
        lost(MeetingFacts {
            registered_on: Some(d(2026, 2, 27)),
            ..facts()
        }),
        ["1.1"]
    );
    assert_eq!(
        lost(MeetingFacts {
            registered_on: None,
            registered_for: None,
            ..facts()
        }),
        ["1.1", "1.4"]
    );
    assert_eq!(
        lost(MeetingFacts {
            documents_late: 1,
            ..facts()
        }),
        ["1.5"]
    );
    assert_eq!(
        lost(MeetingFacts {
            documents: 0,
            ..facts()
        }),
        ["1.5"]
    );
    assert_eq!(
        lost(MeetingFacts {
            tasks_reviewed: false,
            ..facts()
        }),
        ["3.5"]
    );
    assert_eq!(
        lost(MeetingFacts {
            draft_resolution_prepared: false,
            ..facts()
        }),
        ["1.3"]
    );
    assert_eq!(
        lost(MeetingFacts {
            present: 17,
            ..facts()
        }),
        ["2.1"]
    );
    assert_eq!(
        lost(MeetingFacts {
            absent_without_reason: 1,
            ..facts()
        }),
        ["2.2"]
    );
    assert_eq!(
        lost(MeetingFacts {
            minutes_long: 89,
            ..facts()
        }),
        ["3.2"]
    );
    assert_eq!(
        lost(MeetingFacts {
            kind: MeetingKind::Combined,
            minutes_long: 119,
            ..facts()
        }),
        ["3.2"]
    );
    // 9 of 19 spoke: under half.
    assert_eq!(
        lost(MeetingFacts {
            speakers: 9,
            ..facts()
        }),
        ["3.3"]
    );
    assert_eq!(
        lost(MeetingFacts {
            resolution_voted: false,
            ..facts()
        }),
        ["4.2"]
    );
    assert_eq!(
        lost(MeetingFacts {
            minutes_complete: false,
            ..facts()
        }),
        ["4.3"]
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_filled_sheet_is_checked() {
    let rules = RuleSet::national_default();
    let mut typed = full_entries();
    typed.insert("3.1".into(), Points::tenths(105));
    typed.remove("4.4");
    typed.insert("2.1".into(), Points::whole(10));
    typed.insert("9.9".into(), Points::whole(1));
    let err = score(&rules, &facts(), &typed, None).unwrap_err();
    assert_eq!(err.column, Column::Cell);
    assert_eq!(
        err.errors,
        vec![
            SheetError::UnknownCriterion { key: "9.9".into() },
            SheetError::Computed { key: "2.1".into() },
            SheetError::AboveMaximum {
                key: "3.1".into(),
                given: Points::tenths(105),
                max: Points::whole(10)
            },
            SheetError::Missing { key: "4.4".into() },
        ]
    );
    assert_eq!(
        err.errors[2].to_string(),
        "Tiêu chí 3.1: 10,5 điểm vượt quá điểm tối đa 10."
    );
    // The upper column is checked too.
    let err = score(&rules, &facts(), &full_entries(), Some(&typed)).unwrap_err();
    assert_eq!(err.column, Column::UpperLevel);
    assert!(err.to_string().starts_with("Cột cấp trên chấm: "));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_upper_level_confirms() {
    let rules = RuleSet::national_default();
    let upper = with(full_entries(), "3.4", 55);
    let s = score(&rules, &facts(), &full_entries(), Some(&upper)).unwrap();
    assert_eq!(s.cell.band, Band::Good);
    assert_eq!(s.upper.as_ref().unwrap().total, Points::tenths(955));
    assert_eq!(
        (s.final_band, s.final_total, s.confirmed),
        (Band::Good, Points::tenths(955), true)
    );
    let lower = with(with(full_entries(), "3.4", 0), "3.1", 0);
    let s = score(&rules, &facts(), &full_entries(), Some(&lower)).unwrap();
    assert_eq!((s.cell.band, s.final_band), (Band::Good, Band::Fair));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn binh_thuan_needs_full_marks_for_tot() {
    let pt = RuleSet::national_default();
    let bt = RuleSet::binh_thuan();
    // 95 points, but only 9 of 19 spoke: Phú Thọ says Tốt, Bình Thuận Khá.
    let f = MeetingFacts {
        speakers: 9,
        ..facts()
    };
    let p = score(&pt, &f, &full_entries(), None).unwrap();
    let b = score(&bt, &f, &full_entries(), None).unwrap();
    assert_eq!(
        (p.cell.total, p.final_band),
        (Points::whole(90), Band::Good)
    );
    assert_eq!(
        (b.cell.total, b.cell.band_by_points, b.final_band),
        (Points::whole(90), Band::Good, Band::Fair)
    );
    let why = b.cell.explain(&bt.meeting_sheet);
    assert!(
        why.contains("Đủ điểm xếp Tốt nhưng chưa đạt điểm tối đa ở: 3.3"),
        "{why}"
    );
    // A criterion not in the must-full list (1.2) does not hold Tốt back.
    let b = score(&bt, &facts(), &with(full_entries(), "1.2", 0), None).unwrap();
    assert_eq!(b.final_band, Band::Good);
    // Khá by points stays Khá (the condition only concerns Tốt).
    let b = score(
        &bt,
        &MeetingFacts {
            present: 17,
            ..facts()
        },
        &with(full_entries(), "3.1", 0),
        None,
    )
    .unwrap();
    assert_eq!(
        (b.cell.total, b.final_band),
        (Points::whole(80), Band::Fair)
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn points_are_exact_tenths_in_json() {
    let p: Points = serde_json::from_str("89.5").unwrap();
    assert_eq!(p, Points::tenths(895));
    assert_eq!(serde_json::to_string(&p).unwrap(), "89.5");
    assert_eq!(p.to_string(), "89,5");
    assert!(serde_json::from_str::<Points>("89.55").is_err());
    assert!(serde_json::from_str::<Points>("-1").is_err());
    // 0.1 + 0.2 in floats is not 0.3; in tenths it is.
    let sum = Points::try_from(0.1)
        .unwrap()
        .saturating_add(Points::try_from(0.2).unwrap());
    assert_eq!(sum, Points::try_from(0.3).unwrap());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn yearly_rollup() {
    let rule = RuleSet::national_default().yearly_meetings;
    let year = |good: usize, fair: usize, avg: usize, poor: usize| -> Vec<Band> {
        [
            (Band::Good, good),
            (Band::Fair, fair),
            (Band::Average, avg),
            (Band::Poor, poor),
        ]
        .into_iter()
        .flat_map(|(b, n)| std::iter::repeat_n(b, n))
        .collect()
    };
    // (name, source, bands, months without a meeting, result)
    let cases = [
        (
            "7 Tốt, 5 Khá",
            "Phú Thọ: cả năm Tốt",
            year(7, 5, 0, 0),
            0,
            Band::Good,
        ),
        (
            "6 Tốt, 6 Khá",
            "Phú Thọ: ít nhất 7 Tốt",
            year(6, 6, 0, 0),
            0,
            Band::Fair,
        ),
        (
            "11 Tốt, 1 Trung bình",
            "Phú Thọ: mọi buổi Khá trở lên",
            year(11, 0, 1, 0),
            0,
            Band::Fair,
        ),
        (
            "11 Tốt, one month missed",
            "mọi buổi thường kỳ",
            year(11, 0, 0, 0),
            1,
            Band::Average,
        ),
        (
            "7 Trung bình, 5 Kém",
            "mặc định",
            year(0, 0, 7, 5),
            0,
            Band::Average,
        ),
        (
            "6 Trung bình, 6 Kém",
            "mặc định",
            year(0, 0, 6, 6),
            0,
            Band::Poor,
        ),
    ];
    for (name, source, bands, missed, want) in cases {
        let y = rollup_year(&rule, &bands, missed);
        assert_eq!(y.band, want, "{name} [{source}]: {}", y.explanation);
    }
}
