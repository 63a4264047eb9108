//! The live room's logic without a screen: events applied in order, the outbox
//! kept across reloads. Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p app --target wasm32-unknown-unknown

use app::live::{Gap, Pending, apply_in_order, backoff_ms, clock, load_outbox, save_outbox, take};
use chrono::NaiveDate;
use shared::MeetingId;
use shared::live::protocol::Sequenced;
use shared::live::state::{Command, Event, LiveState, Phase};
use shared::meeting::AgendaItem;
use shared::rules::RuleSet;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn state() -> LiveState {
    let item = |title: &str| AgendaItem {
        title: title.into(),
        presenter: String::new(),
        planned_minutes: 30,
        notes: String::new(),
    };
    LiveState::new(
        MeetingId(1),
        vec![item("Khai mạc"), item("Thảo luận")],
        RuleSet::default().meeting_rules(),
        Vec::new(),
        None,
        None,
    )
}

fn at() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 5)
        .unwrap()
        .and_hms_opt(14, 0, 0)
        .unwrap()
}

fn opened(seq: u64) -> Sequenced {
    Sequenced {
        seq,
        event: Event::Opened {
            at: at(),
            roll: Vec::new(),
            agenda: state().agenda,
        },
    }
}

fn moved(seq: u64, item: usize) -> Sequenced {
    Sequenced {
        seq,
        event: Event::MovedTo { item, at: at() },
    }
}

#[wasm_bindgen_test]
fn events_apply_in_order_duplicates_are_ignored_and_gaps_stop() {
    let mut s = state();
    assert_eq!(apply_in_order(&mut s, &[opened(1)]), Ok(1));
    assert_eq!(s.phase, Phase::InProgress);
    // The same event again (e.g. after a resume): nothing changes.
    assert_eq!(apply_in_order(&mut s, &[opened(1)]), Ok(0));
    assert_eq!(s.seq, 1);
    // Event 3 without event 2: a gap, the state stays as it was (resync needed).
    assert_eq!(
        apply_in_order(&mut s, &[moved(3, 1)]),
        Err(Gap { have: 1, got: 3 })
    );
    assert_eq!((s.seq, s.current_item), (1, 0));
    // A batch overlapping what we have applies only the new part.
    assert_eq!(apply_in_order(&mut s, &[opened(1), moved(2, 1)]), Ok(1));
    assert_eq!((s.seq, s.current_item), (2, 1));
}

#[wasm_bindgen_test]
fn the_outbox_survives_a_reload_and_empties_on_answers() {
    let meeting = MeetingId(424242);
    save_outbox(meeting, &[]);
    assert!(load_outbox(meeting).is_empty());
    let pending = vec![
        Pending {
            key: "k1".into(),
            command: Command::RaiseHand,
        },
        Pending {
            key: "k2".into(),
            command: Command::Opine {
                text: "Ý kiến".into(),
                on_behalf_of: None,
            },
        },
    ];
    save_outbox(meeting, &pending);
    // What a reload reads back.
    let mut back = load_outbox(meeting);
    assert_eq!(back, pending);
    assert!(take(&mut back, "k1"));
    assert!(!take(&mut back, "k1"), "an answer for a key not ours");
    save_outbox(meeting, &back);
    assert_eq!(load_outbox(meeting).len(), 1);
    assert!(take(&mut back, "k2"));
    save_outbox(meeting, &back);
    assert!(load_outbox(meeting).is_empty());
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("chibo.outbox.424242")
        .unwrap();
    assert_eq!(stored, None, "an empty outbox leaves nothing behind");
}

#[wasm_bindgen_test]
fn reconnects_back_off_to_fifteen_seconds_and_the_clock_reads() {
    let delays: Vec<u32> = (0..7).map(backoff_ms).collect();
    assert_eq!(delays, [1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    assert_eq!(clock(65), "01:05");
    assert_eq!(clock(-3), "00:00");
    assert_eq!(clock(3725), "1:02:05");
}
