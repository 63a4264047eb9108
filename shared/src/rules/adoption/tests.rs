//! Adoption of rule choices, case by case.

use super::*;
use crate::rules::testkit::d;

fn adoption(org: i64, version: u32, from: NaiveDate, choice: Choice) -> Adoption {
    Adoption {
        org_id: OrgId(org),
        version,
        effective_from: from,
        choice,
        decision: String::new(),
        adopted_by: "Nguyễn Văn An".into(),
        adopted_at: d(2026, 1, 1).and_hms_opt(8, 0, 0).unwrap(),
    }
}

fn builtin(b: BuiltIn) -> Choice {
    Choice::BuiltIn { builtin: b }
}

fn org(id: i64, name: &str, adoptions: Vec<Adoption>) -> OrgAdoptions {
    OrgAdoptions {
        org_id: OrgId(id),
        org_name: name.into(),
        adoptions,
    }
}

fn own(org_name: &str, version: u32, reminder: u32) -> Choice {
    let mut edited = RuleSet::national_default();
    edited.schedule.reminder_day.value = reminder;
    Choice::Own {
        based_on: BuiltIn::National,
        rules: Box::new(
            own_copy(
                BuiltIn::National,
                &edited,
                org_name,
                version,
                d(2026, 3, 1),
                "",
            )
            .unwrap(),
        ),
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_nearest_adoption_in_force_applies() {
    let bloc = "Đảng bộ Khối các cơ quan tỉnh";
    let grass = "Đảng bộ Cục Quản lý thị trường";
    let path = |grass_adoptions| {
        vec![
            org(
                1,
                bloc,
                vec![adoption(1, 1, d(2026, 1, 1), builtin(BuiltIn::BinhThuan))],
            ),
            org(2, grass, grass_adoptions),
            org(3, "Chi bộ Văn phòng", vec![]),
        ]
    };
    // Nothing nearer: the bloc's Bình Thuận set, inherited.
    let got = applicable(&path(vec![]), d(2026, 2, 1));
    assert_eq!(got.rules, RuleSet::binh_thuan());
    assert_eq!(
        got.origin,
        Origin::Inherited {
            org_id: OrgId(1),
            org_name: bloc.into(),
            version: 1
        }
    );
    // A nearer committee's own set from March overrides, from March only.
    let nearer = path(vec![adoption(2, 1, d(2026, 3, 1), own(grass, 1, 10))]);
    assert_eq!(
        applicable(&nearer, d(2026, 2, 28)).rules,
        RuleSet::binh_thuan()
    );
    let march = applicable(&nearer, d(2026, 3, 1));
    assert_eq!(march.rules.schedule.reminder_day.value, 10);
    assert_eq!(
        march.rules.name,
        "Bộ quy tắc của Đảng bộ Cục Quản lý thị trường"
    );
    assert!(matches!(
        march.origin,
        Origin::Inherited {
            org_id: OrgId(2),
            ..
        }
    ));
    // The committee itself sees its own.
    let got = applicable(&nearer[..2], d(2026, 3, 1));
    assert_eq!(got.origin, Origin::Own { version: 1 });
    // Before anyone adopted: the national default.
    let got = applicable(&nearer, d(2025, 12, 31));
    assert_eq!(got.origin, Origin::NationalDefault);
    assert_eq!(got.rules, RuleSet::national_default());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_later_adoption_replaces_an_earlier_one() {
    let a = vec![
        adoption(2, 1, d(2026, 1, 1), builtin(BuiltIn::BinhThuan)),
        adoption(2, 2, d(2026, 6, 1), builtin(BuiltIn::National)),
        // Same day as version 2, adopted after it: it wins.
        adoption(2, 3, d(2026, 6, 1), builtin(BuiltIn::BinhThuan)),
    ];
    assert_eq!(in_force(&a, d(2026, 5, 31)).unwrap().version, 1);
    assert_eq!(in_force(&a, d(2026, 6, 1)).unwrap().version, 3);
    assert!(in_force(&a, d(2025, 12, 31)).is_none());
    assert_eq!(next_version(&a), 4);
    assert_eq!(next_version(&[]), 1);
    // A period is judged by today's rules while it runs, else its first day's.
    let (may_1, may_31) = (d(2026, 5, 1), d(2026, 5, 31));
    assert_eq!(rules_day(may_1, may_31, d(2026, 5, 20)), d(2026, 5, 20));
    assert_eq!(rules_day(may_1, may_31, d(2026, 7, 2)), may_1);
    assert_eq!(rules_day(may_1, may_31, d(2026, 4, 30)), may_1);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn an_own_copy_takes_the_edited_values_with_the_committee_as_source() {
    let mut edited = RuleSet::binh_thuan();
    edited.attendance.quality.value = Threshold::more_than(90, 100);
    edited.schedule.registration_lead_days.value = 7;
    edited.meeting_sheet.bands[0].min = Points::whole(92);
    // Not editable: ignored.
    edited.name = "Bộ quy tắc mặc định (theo quy định của Trung ương)".into();
    edited.attendance.quality.source = Source::new("Giả mạo", "", "");
    let own = own_copy(
        BuiltIn::BinhThuan,
        &edited,
        "Đảng ủy xã Hòa Thắng",
        4,
        d(2026, 7, 1),
        "Quyết định 15-QĐ/ĐU",
    )
    .unwrap();
    assert_eq!(own.name, "Bộ quy tắc của Đảng ủy xã Hòa Thắng");
    assert_eq!((own.version, own.effective_from), (4, d(2026, 7, 1)));
    assert_eq!(own.attendance.quality.value, Threshold::more_than(90, 100));
    let src = &own.attendance.quality.source;
    assert_eq!(src.document, "Quyết định 15-QĐ/ĐU của Đảng ủy xã Hòa Thắng");
    assert!(!src.unconfirmed);
    assert_eq!(own.schedule.registration_lead_days.value, 7);
    assert_eq!(own.meeting_sheet.bands[0].min, Points::whole(92));
    assert_eq!(own.meeting_sheet.source.document, src.document);
    // Unchanged values keep the built-in's source, "unconfirmed" included.
    let base = RuleSet::binh_thuan();
    assert_eq!(
        own.attendance.quorum_warning,
        base.attendance.quorum_warning
    );
    assert!(own.excellent_quota.source.unconfirmed);
    // Never mistaken for a built-in on the wire.
    assert!(!crate::rules::MeetingRules::builtin().contains(&own.meeting_rules()));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_criterion_changes_its_group_and_the_sheet_still_adds_up() {
    let mut edited = RuleSet::national_default();
    let key = edited.meeting_sheet.groups[0].criteria[0].key.clone();
    let before = edited.meeting_sheet.groups[0].max;
    edited.meeting_sheet.groups[0].criteria[0].max = edited.meeting_sheet.groups[0].criteria[0]
        .max
        .saturating_add(Points::whole(1));
    let own = own_copy(
        BuiltIn::National,
        &edited,
        "Đảng ủy phường",
        1,
        d(2026, 1, 1),
        "",
    )
    .unwrap();
    assert_eq!(
        own.meeting_sheet.groups[0].max,
        before.saturating_add(Points::whole(1)),
        "{key}"
    );
    assert_eq!(own.meeting_sheet.check(), Ok(()));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn bad_values_are_refused_at_their_fields() {
    let mut e = RuleSet::national_default();
    e.attendance.quality.value = Threshold::more_than(1, 0);
    e.votes.resolution.value.threshold = Threshold::at_least(3, 2);
    e.votes.expulsion.value.threshold = Threshold::more_than(100, 100);
    e.schedule.reminder_day.value = 0;
    e.schedule.registration_lead_days.value = 61;
    e.schedule.min_minutes.value.combined = 10;
    e.visits.cadence.value.months = 5;
    e.meeting_sheet.bands[1].min = e.meeting_sheet.bands[0].min;
    e.meeting_sheet.groups[1].criteria[0].max = Points::whole(101);
    let err = own_copy(BuiltIn::National, &e, "Đảng ủy xã", 1, d(2026, 1, 1), "").unwrap_err();
    for field in [
        "attendance.quality",
        "votes.resolution",
        "votes.expulsion",
        "schedule.reminder_day",
        "schedule.registration_lead_days",
        "schedule.min_minutes.combined",
        "visits.cadence.months",
        "meeting_sheet.bands.1.min",
        "meeting_sheet.groups.1.criteria.0.max",
    ] {
        assert!(err.message_for(field).is_some(), "{field}: {err:?}");
    }
    assert_eq!(
        err.message_for("schedule.reminder_day"),
        Some("Ngày đôn đốc đăng ký lịch phải từ 1 đến 28.")
    );
    // The built-ins pass.
    for b in BuiltIn::ALL {
        assert_eq!(check_values(&b.rule_set()), Ok(()), "{b:?}");
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_editable_value_reaches_the_own_copy_and_its_errors_name_it() {
    for e in EDITABLE_NUMBERS {
        let mut edited = RuleSet::national_default();
        (e.set)(&mut edited, 9_999);
        let err = own_copy(
            BuiltIn::National,
            &edited,
            "Đảng ủy xã",
            1,
            d(2026, 1, 1),
            "",
        )
        .unwrap_err();
        assert!(err.message_for(e.field).is_some(), "{}: {err:?}", e.field);
        // One more than the default is within every bound (3 → 4 months divides a year).
        let before = (e.get)(&RuleSet::national_default());
        (e.set)(&mut edited, before + 1);
        let own = own_copy(
            BuiltIn::National,
            &edited,
            "Đảng ủy xã",
            1,
            d(2026, 1, 1),
            "",
        )
        .unwrap();
        assert_eq!((e.get)(&own), (e.get)(&edited), "{}", e.field);
        assert_eq!(
            (e.source)(&own).document,
            "Bộ quy tắc của Đảng ủy xã",
            "{}",
            e.field
        );
    }
    for e in EDITABLE_SHARES {
        let mut edited = RuleSet::national_default();
        let t = (e.get)(&edited);
        (e.set)(&mut edited, Threshold { den: 0, ..t });
        let err = own_copy(
            BuiltIn::National,
            &edited,
            "Đảng ủy xã",
            1,
            d(2026, 1, 1),
            "",
        )
        .unwrap_err();
        assert!(err.message_for(e.field).is_some(), "{}: {err:?}", e.field);
        (e.set)(
            &mut edited,
            Threshold {
                num: 3,
                den: 5,
                ..t
            },
        );
        let own = own_copy(
            BuiltIn::National,
            &edited,
            "Đảng ủy xã",
            1,
            d(2026, 1, 1),
            "",
        )
        .unwrap();
        assert_eq!(
            (e.get)(&own),
            Threshold {
                num: 3,
                den: 5,
                ..t
            },
            "{}",
            e.field
        );
        assert!(!(e.source)(&own).unconfirmed, "{}", e.field);
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_request_is_checked_against_today() {
    let req = |from, decision: &str| RuleSetRequest {
        effective_from: from,
        decision: decision.into(),
        choice: builtin(BuiltIn::BinhThuan),
    };
    let today = d(2026, 5, 10);
    assert_eq!(
        check_request(&req(today, " QĐ 15 "), today),
        Ok("QĐ 15".into())
    );
    let err = check_request(&req(d(2026, 5, 9), &"x".repeat(201)), today).unwrap_err();
    assert!(err.message_for("effective_from").is_some());
    assert!(err.message_for("decision").is_some());
    assert!(check_request(&req(d(2101, 1, 1), ""), today).is_err());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_view_round_trips_through_json() {
    let grass = "Đảng bộ Cục Quản lý thị trường";
    let adoptions = vec![
        adoption(2, 2, d(2026, 3, 1), own(grass, 2, 12)),
        adoption(2, 1, d(2026, 1, 1), builtin(BuiltIn::BinhThuan)),
    ];
    let view = RuleSetView {
        org_id: OrgId(2),
        org_name: grass.into(),
        on: d(2026, 4, 1),
        applicable: applicable(&[org(2, grass, adoptions.clone())], d(2026, 4, 1)),
        chooses: true,
        may_choose: true,
        adoptions,
        builtins: BuiltIn::ALL.iter().map(|b| b.rule_set()).collect(),
    };
    let json = serde_json::to_string(&view).unwrap();
    assert!(json.contains("\"kind\":\"own\""), "{json}");
    assert_eq!(serde_json::from_str::<RuleSetView>(&json).unwrap(), view);
    assert_eq!(view.applicable.rules.schedule.reminder_day.value, 12);
}
