//! Property tests of the rules (native only: proptest does not run in the browser).
#![cfg(not(target_arch = "wasm32"))]

use chrono::NaiveDate;
use proptest::prelude::*;
use shared::MemberId;
use shared::meeting::MeetingKind;
use shared::member::PartyStatus;
use shared::rules::RuleSet;
use shared::rules::attendance::{AttendanceMark, Presence, RosterEntry, figures};
use shared::rules::scoring::{Entries, MeetingFacts, Points, ScoreSheet, column};
use shared::rules::vote::{VoteKind, VoteTally, outcome};

fn status() -> impl Strategy<Value = PartyStatus> {
    prop_oneof![
        6 => Just(PartyStatus::Full),
        2 => Just(PartyStatus::Probationary),
        1 => Just(PartyStatus::Exempted),
        1 => Just(PartyStatus::TransferredOut),
    ]
}

fn presence() -> impl Strategy<Value = Option<Presence>> {
    prop_oneof![
        6 => Just(Some(Presence::InPerson)),
        2 => Just(Some(Presence::Online)),
        2 => Just(Some(Presence::AbsentWithReason)),
        1 => Just(Some(Presence::AbsentWithoutReason)),
        1 => Just(None),
    ]
}

/// A roster of up to 60 members with their marks (some unmarked), plus stray marks.
fn meeting() -> impl Strategy<Value = (Vec<RosterEntry>, Vec<AttendanceMark>)> {
    prop::collection::vec((status(), prop::bool::weighted(0.1), presence()), 0..60).prop_map(
        |members| {
            let mut roster = Vec::new();
            let mut marks = Vec::new();
            for (i, (status, attached, presence)) in members.into_iter().enumerate() {
                let id = MemberId(i as i64 + 1);
                roster.push(RosterEntry {
                    member_id: id,
                    full_name: format!("Đảng viên {}", i + 1),
                    status,
                    attached_elsewhere: attached,
                });
                if let Some(p) = presence {
                    marks.push(AttendanceMark::new(id, p));
                }
            }
            marks.push(AttendanceMark::new(MemberId(10_000), Presence::InPerson));
            (roster, marks)
        },
    )
}

fn facts() -> impl Strategy<Value = MeetingFacts> {
    (
        0u32..40,
        0u32..40,
        0u32..5,
        0u32..200,
        0u32..40,
        any::<(bool, bool, bool, bool)>(),
        prop_oneof![
            Just(MeetingKind::Regular),
            Just(MeetingKind::Thematic),
            Just(MeetingKind::Combined)
        ],
    )
        .prop_map(
            |(
                expected,
                present,
                awor,
                minutes,
                speakers,
                (draft, voted, minutes_ok, on_date),
                kind,
            )| {
                let held = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
                MeetingFacts {
                    kind,
                    expected,
                    present: present.min(expected),
                    absent_without_reason: awor,
                    minutes_long: minutes,
                    speakers,
                    draft_resolution_prepared: draft,
                    resolution_voted: voted,
                    minutes_complete: minutes_ok,
                    registered_for: on_date.then_some(held),
                    held_on: held,
                    registered_on: held.checked_sub_days(chrono::Days::new(10)),
                    registration_deadline: held.checked_sub_days(chrono::Days::new(7)),
                    documents: 1,
                    documents_late: 0,
                    tasks_reviewed: true,
                    previous_tasks: 0,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn figures_always_add_up((roster, marks) in meeting()) {
        let f = figures(&roster, &marks, &RuleSet::default().attendance);
        prop_assert_eq!(f.total, f.full + f.probationary + f.exempted);
        prop_assert_eq!(f.expected, f.total - f.attached - f.exempted_absent);
        prop_assert_eq!(f.expected, f.present + f.absent_with_reason + f.absent_without_reason + f.unmarked);
        prop_assert_eq!(f.present, f.present_in_person + f.present_online);
        prop_assert!(f.rate_permille <= 1000);
        prop_assert_eq!(f.names.absent_without_reason.len() as u32, f.absent_without_reason);
        prop_assert!(f.marks_not_counted.contains(&MemberId(10_000)));
        if f.meets_quality {
            prop_assert!(f.absent_without_reason == 0 && f.present * 100 > 85 * f.expected);
        }
    }

    #[test]
    fn removing_an_absent_exempted_member_never_lowers_the_rate(
        (mut roster, mut marks) in meeting(),
        absent_how in prop_oneof![Just(None), Just(Some(Presence::AbsentWithReason)), Just(Some(Presence::AbsentWithoutReason))],
    ) {
        let id = MemberId(20_000);
        roster.push(RosterEntry { member_id: id, full_name: "Đảng viên miễn sinh hoạt".into(), status: PartyStatus::Exempted, attached_elsewhere: false });
        if let Some(p) = absent_how {
            marks.push(AttendanceMark::new(id, p));
        }
        let rules = RuleSet::default().attendance;
        let with = figures(&roster, &marks, &rules);
        roster.pop();
        let without = figures(&roster, &marks, &rules);
        // rate(without) >= rate(with), compared exactly: p2/e2 >= p1/e1.
        prop_assert!(u64::from(without.present) * u64::from(with.expected) >= u64::from(with.present) * u64::from(without.expected));
        prop_assert!(!with.meets_quality || without.meets_quality);
    }

    #[test]
    fn a_score_is_within_the_sheet(f in facts(), typed in prop::collection::vec(0u32..=100, 6), binh_thuan in any::<bool>()) {
        let sheet = if binh_thuan { ScoreSheet::binh_thuan() } else { ScoreSheet::phu_tho() };
        let min = RuleSet::default().schedule.min_minutes.value;
        let manual: Vec<_> = sheet.criteria().filter(|c| c.computed.is_none()).collect();
        let entries: Entries = manual
            .iter()
            .zip(&typed)
            .map(|(c, t)| (c.key.clone(), Points::tenths(t * c.max.as_tenths() / 100)))
            .collect();
        let s = column(&sheet, &min, &f, &entries).unwrap();
        prop_assert!(s.total <= sheet.max_total());
        for (p, c) in s.points.iter().zip(sheet.criteria()) {
            prop_assert!(*p <= c.max);
        }
        prop_assert!(s.band >= s.band_by_points, "held back, never raised");
        prop_assert_eq!(s.band_by_points, sheet.band_of(s.total));
    }

    #[test]
    fn a_sheet_over_its_maximum_is_refused(f in facts(), extra in 1u32..50) {
        let sheet = ScoreSheet::phu_tho();
        let min = RuleSet::default().schedule.min_minutes.value;
        let mut entries: Entries = sheet.criteria().filter(|c| c.computed.is_none()).map(|c| (c.key.clone(), c.max)).collect();
        entries.insert("3.1".into(), Points::tenths(100 + extra));
        prop_assert!(column(&sheet, &min, &f, &entries).is_err());
    }

    #[test]
    fn one_more_vote_in_favour_never_fails_a_passing_vote(
        d in 1u32..120,
        yes in 0u32..120,
        no in 0u32..120,
        abstain in 0u32..120,
        kind in prop_oneof![Just(VoteKind::Resolution), Just(VoteKind::AdmissionProposal), Just(VoteKind::Expulsion), Just(VoteKind::Discipline)],
        from_abstain in any::<bool>(),
    ) {
        let rules = RuleSet::default();
        let t = rules.votes.rule(kind).value.threshold;
        let tally = VoteTally { in_favour: yes.min(d), against: no.min(d - yes.min(d)), abstain: 0 };
        let tally = VoteTally { abstain: abstain.min(d - tally.in_favour - tally.against), ..tally };
        let before = outcome(kind, t, d, tally);
        // One more in favour: a new ballot, or an abstainer changing their mind.
        let mut after = tally;
        after.in_favour += 1;
        if from_abstain && after.abstain > 0 {
            after.abstain -= 1;
        }
        let after = outcome(kind, t, d, after);
        prop_assert!(!before.passed || after.passed);
        prop_assert_eq!(before.passed, tally.in_favour >= before.required_in_favour);
    }
}
