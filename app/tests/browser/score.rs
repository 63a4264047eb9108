//! The score sheet mounted in a real (headless) Chromium: computed criteria
//! with their evidence, points typed with a comma, the total and band
//! following each keystroke through `shared::scoring`, an error at its field.
//!

use app::i18n::provide_i18n;
use app::pages::score::Sheet;
use app::session::{SessionState, provide_session};
use chrono::NaiveDate;
use leptos::mount::mount_to;
use leptos::prelude::*;
use shared::MeetingId;
use shared::meeting::MeetingKind;
use shared::rules::RuleSet;
use shared::rules::scoring::MeetingFacts;
use shared::scoring::{ScorePowers, ScoreView, ScoringBasis};
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use crate::support::{container, find, settle, text};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// A meeting whose record meets every computed criterion but the speakers'
/// (3 of 9 spoke): 55 of the 65 computed points.
fn view_of_meeting() -> ScoreView {
    let basis = ScoringBasis::of(&RuleSet::national_default());
    let facts = MeetingFacts {
        kind: MeetingKind::Regular,
        expected: 10,
        present: 9,
        absent_without_reason: 0,
        minutes_long: 100,
        speakers: 3,
        draft_resolution_prepared: true,
        resolution_voted: true,
        minutes_complete: true,
        registered_for: Some(day(5)),
        held_on: day(5),
        registered_on: Some(day(1)),
        registration_deadline: Some(day(2)),
        documents: 2,
        documents_late: 0,
        tasks_reviewed: true,
        previous_tasks: 3,
    };
    ScoreView {
        meeting_id: MeetingId(12),
        computed: basis.computed(&facts),
        basis,
        facts,
        proposal: None,
        upper: None,
        result: None,
        explanation: String::new(),
        comments: Vec::new(),
        may: ScorePowers {
            propose: true,
            confirm: false,
            comment: true,
        },
    }
}

fn type_points(root: &HtmlElement, key: &str, value: &str) {
    let el = find(root, &format!("[id='f-entries.{key}']"));
    js_sys::Reflect::set(&el, &"value".into(), &value.into()).unwrap();
    el.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn the_total_follows_the_points_typed() {
    let root = container();
    let _mounted = mount_to(root.clone(), || {
        provide_i18n();
        provide_session(SessionState::LoggedOut);
        view! { <Sheet v=view_of_meeting()/> }
    });
    settle().await;
    assert!(
        text(&root, "#crit-2\\.1").contains("Có mặt 9/10 (90%)"),
        "{}",
        text(&root, "#crit-2\\.1")
    );
    assert!(text(&root, "#crit-3\\.3").contains("3/9 đảng viên dự họp phát biểu"));
    // Nothing typed yet: no total.
    assert_eq!(text(&root, "#score-band"), "—");
    for (key, points) in [
        ("1.2", "5"),
        ("3.1", "10"),
        ("3.4", "10"),
        ("4.1", "5"),
        ("4.4", "4,5"),
    ] {
        type_points(&root, key, points);
    }
    settle().await;
    // 55 computed + 34,5 typed = 89,5: Khá on the Phú Thọ sheet.
    let band = text(&root, "#score-band");
    assert!(band.contains("Khá") && band.contains("89,5"), "{band}");
    type_points(&root, "3.1", "10,5");
    settle().await;
    assert_eq!(
        text(&root, "[id='e-entries.3.1']"),
        "Tiêu chí 3.1: 10,5 điểm vượt quá điểm tối đa 10."
    );
    assert_eq!(text(&root, "#score-band"), "—");
}
