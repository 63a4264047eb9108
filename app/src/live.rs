//! The live meeting's client logic, without any view: folding numbered events
//! into the state in order, and the outbox of commands not yet answered, kept in
//! localStorage so a reload (or a lost connection) does not lose them.

use serde::{Deserialize, Serialize};
use shared::MeetingId;
use shared::live::protocol::Sequenced;
use shared::live::state::{Command, LiveState, apply};

/// The state has a hole before this event: ask again from `state.seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub have: u64,
    pub got: u64,
}

/// Applies the events that come next (`seq == state.seq + 1`), ignores the ones
/// already applied, and stops at a gap. Returns how many were applied.
pub fn apply_in_order(state: &mut LiveState, events: &[Sequenced]) -> Result<usize, Gap> {
    let mut applied = 0;
    for e in events {
        if e.seq <= state.seq {
            continue;
        }
        if e.seq != state.seq + 1 {
            return Err(Gap {
                have: state.seq,
                got: e.seq,
            });
        }
        apply(state, &e.event);
        applied += 1;
    }
    Ok(applied)
}

/// A command waiting for the server's `accepted` or `rejected`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub key: String,
    pub command: Command,
}

/// A fresh idempotency key: time and randomness, unique enough per person.
pub fn new_key() -> String {
    let r = (js_sys::Math::random() * 1e15) as u64;
    let t = js_sys::Date::now() as u64;
    format!("{t:x}-{r:x}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn outbox_key(meeting: MeetingId) -> String {
    format!("chibo.outbox.{meeting}")
}

/// The outbox of a meeting as stored (empty when nothing or unreadable).
pub fn load_outbox(meeting: MeetingId) -> Vec<Pending> {
    storage()
        .and_then(|s| s.get_item(&outbox_key(meeting)).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

pub fn save_outbox(meeting: MeetingId, outbox: &[Pending]) {
    let Some(s) = storage() else { return };
    let key = outbox_key(meeting);
    if outbox.is_empty() {
        let _ = s.remove_item(&key);
    } else if let Ok(json) = serde_json::to_string(outbox) {
        let _ = s.set_item(&key, &json);
    }
}

/// Removes `key` from the outbox; true when it was there (the command was ours).
pub fn take(outbox: &mut Vec<Pending>, key: &str) -> bool {
    let before = outbox.len();
    outbox.retain(|p| p.key != key);
    outbox.len() != before
}

/// Waits before reconnecting: 1 s, 2 s, 4 s, 8 s, then 15 s at most.
pub fn backoff_ms(attempt: u32) -> u32 {
    (1000u32 << attempt.min(4)).min(15_000)
}

/// The socket's address on the page's own host: `wss://` behind HTTPS.
pub fn socket_url(meeting: MeetingId) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().ok()?;
    Some(format!("{scheme}://{host}/api/meetings/{meeting}/live"))
}

/// The wall-clock time here, as the server's local (Vietnam) times are kept.
pub fn now_local() -> chrono::NaiveDateTime {
    let d = js_sys::Date::new_0();
    chrono::NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .and_then(|day| day.and_hms_opt(d.get_hours(), d.get_minutes(), d.get_seconds()))
        .unwrap_or_default()
}

/// "mm:ss" (or "h:mm:ss") for a speaker's running time.
pub fn clock(seconds: i64) -> String {
    let s = seconds.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}
