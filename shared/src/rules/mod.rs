//! The party's rules: rule sets, attendance, votes, schedule compliance, scoring,
//! yearly rating and upper-level visits.
//!
//! Plain serde types and pure functions, the same in the browser and on the server,
//! so the chair's screen and the server's re-check never disagree. No I/O and no
//! clock: `today` is always an argument. Every threshold lives in a [`RuleSet`]
//! (data, with its [`Source`]), and every rule decides in exact integers.
//!
//! | module | what it answers |
//! |---|---|
//! | [`ruleset`] | the rules a committee applies, loadable from JSON |
//! | [`adoption`] | which set a committee chose, from when; which applies to an organization |
//! | [`attendance`] | the minutes' figures, the attendance rate and criterion |
//! | [`vote`] | who votes, the denominator, can it pass, did it pass |
//! | [`schedule`] | months, quarters, registrations, lengths, repeated absences |
//! | [`scoring`] | the meeting's score sheet, bands, the yearly roll-up |
//! | [`rating`] | yearly rating of members and organizations, the 20% quota |
//! | [`assessment`] | the member's 100-point self-assessment form |
//! | [`inspection`] | the cells' yearly inspection targets |
//! | [`visits`] | upper-level visits: cadence, reports, fairness |

pub mod adoption;
pub mod assessment;
pub mod attendance;
pub mod inspection;
pub mod rating;
pub mod ruleset;
pub mod schedule;
pub mod scoring;
pub mod source;
pub mod visits;
pub mod vote;

pub use ruleset::{Cmp, MeetingRules, RuleSet, RuleSetError, Threshold};
pub use source::{Rule, Source};

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// A share as Vietnamese write it, one decimal, rounded half up: "86,7%".
/// For display only; rules decide with [`Threshold`].
pub(crate) fn percent_vi(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "—".into();
    }
    let pm = attendance::permille(part, whole);
    format!("{},{}%", pm / 10, pm % 10)
}

/// Helpers for the case tables: fictional names only.
#[cfg(test)]
pub(crate) mod testkit {
    use super::attendance::{AttendanceMark, Presence, RosterEntry};
    use crate::ids::MemberId;
    use crate::member::PartyStatus;
    use chrono::NaiveDate;

    pub const NAMES: [&str; 12] = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Thị Dung",
        "Hoàng Văn Giang",
        "Vũ Thị Hoa",
        "Đặng Văn Khoa",
        "Bùi Thị Lan",
        "Đỗ Văn Minh",
        "Ngô Thị Nga",
        "Dương Văn Phúc",
        "Lý Thị Quyên",
    ];

    pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub fn entry(id: i64, status: PartyStatus) -> RosterEntry {
        RosterEntry {
            member_id: MemberId(id),
            full_name: format!("{} {}", NAMES[(id as usize) % NAMES.len()], id),
            status,
            attached_elsewhere: false,
        }
    }

    pub fn attached(id: i64, status: PartyStatus) -> RosterEntry {
        RosterEntry {
            attached_elsewhere: true,
            ..entry(id, status)
        }
    }

    pub fn mark(id: i64, presence: Presence) -> AttendanceMark {
        AttendanceMark::new(MemberId(id), presence)
    }

    /// `n` full members with ids `from..from + n`.
    pub fn full(from: i64, n: i64) -> Vec<RosterEntry> {
        (from..from + n)
            .map(|i| entry(i, PartyStatus::Full))
            .collect()
    }

    /// The same mark for ids `from..from + n`.
    pub fn marks(from: i64, n: i64, presence: Presence) -> Vec<AttendanceMark> {
        (from..from + n).map(|i| mark(i, presence)).collect()
    }
}
