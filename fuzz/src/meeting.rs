//! The meeting the `live_state` target plays, and its input: a compact script
//! of steps, each `[who] [command] [seconds since the last step] [arguments]`.
//!
//! - who: the low 2 bits are 0 chair, 1 secretary, 2 a member, 3 an upper-level
//!   visitor; the other 6 bits pick which (member ids 1–12 are on the roll, 13–14 not).
//! - command: its number modulo the number of kinds, in the order of `Command`.
//! - a number (agenda item, vote): a byte below `FF` is itself modulo 16 (the
//!   agenda has 9 items, a meeting a few votes), `FF` is followed by 8 bytes
//!   little-endian (any `usize`).
//! - a count (of paper ballots): a byte below `FF` is itself modulo 8, `FF` is
//!   followed by 4 bytes little-endian (any `u32`).
//! - a list of members: a length byte (modulo 8), then that many members.
//! - a text: a byte below `C0` picks a sample, except `80`–`8F`, which repeats
//!   a sample to a length in characters given by the next byte `L`: below
//!   `FF`, one of the text limits (`L` modulo 7 picks which) less one, itself
//!   or plus one (`L / 7` modulo 3); `FF` is followed by 2 bytes little-endian,
//!   times two (up to 131,070 characters). `C0` and above is followed by a
//!   length byte and that many bytes of UTF-8 (broken sequences replaced).
//! - an optional value: a zero byte for none, else a non-zero byte then the value.
//!
//! Past the end every byte reads as zero, so any input is a script.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use shared::live::state::{
    Choice, Command, LiveState, MAX_CONCLUSION_CHARS, MAX_MINUTES_CHARS, MAX_NAME_CHARS,
    MAX_QUESTION_CHARS, MAX_REASON_CHARS, MAX_TASK_CHARS, MAX_TEXT_CHARS, Setup, Speaker, Task,
};
use shared::meeting::{MeetingKind, standard_agenda};
use shared::member::PartyStatus;
use shared::rules::RuleSet;
use shared::rules::attendance::{AttendanceMark, Presence, RosterEntry};
use shared::rules::vote::{Ballot, VoteKind, VoteTally};
use shared::{AccountId, MeetingId, MemberId};
use std::sync::LazyLock;

pub const CHAIR: MemberId = MemberId(1);
pub const SECRETARY: MemberId = MemberId(2);
pub const PROBATIONARY: MemberId = MemberId(10);
pub const EXEMPTED: MemberId = MemberId(11);
pub const ATTACHED_ELSEWHERE: MemberId = MemberId(12);
/// Member ids a script can name: 1–12 on the roll, 13 and 14 from another cell.
const IDS: i64 = 14;

/// Full members, one probationary (dự bị), one exempted (miễn sinh hoạt), one
/// attached elsewhere for a while (sinh hoạt tạm thời).
pub fn roll() -> Vec<RosterEntry> {
    let names = [
        "Nguyễn Văn An",
        "Trần Thị Bích Ngọc",
        "Lê Hoàng Phúc",
        "Phạm Thị Thu Hà",
        "Hoàng Văn Dũng",
        "Vũ Thị Lan",
        "Đặng Quốc Hưng",
        "Bùi Thị Mai",
        "Đỗ Minh Tuấn",
        "Giàng Thị Mỷ",
        "Lê Văn Cụ",
        "Hà Văn Một",
    ];
    names
        .iter()
        .zip(1..)
        .map(|(name, id)| RosterEntry {
            member_id: MemberId(id),
            full_name: (*name).to_string(),
            status: match MemberId(id) {
                PROBATIONARY => PartyStatus::Probationary,
                EXEMPTED => PartyStatus::Exempted,
                _ => PartyStatus::Full,
            },
            attached_elsewhere: MemberId(id) == ATTACHED_ELSEWHERE,
        })
        .collect()
}

/// A regular monthly meeting under the national rule set, before it opens.
/// Registered for `OPENS_AFTER_MINUTES` after the script's first step: the
/// chair opening at once must confirm the early start.
pub fn meeting() -> LiveState {
    // Made once: every run starts from it, and replays its log from it.
    static MEETING: LazyLock<LiveState> = LazyLock::new(|| {
        LiveState::new(
            MeetingId(42),
            Setup {
                agenda: standard_agenda(MeetingKind::Regular),
                rules: RuleSet::national_default().meeting_rules(),
                roll: roll(),
                chair: Some(CHAIR),
                secretary: Some(SECRETARY),
                starts_at: Some(start() + Duration::minutes(OPENS_AFTER_MINUTES)),
                excused: Vec::new(),
            },
        )
    });
    MEETING.clone()
}

/// Minutes from the script's first step to the registered start: a few
/// minutes more than the chair may open early without confirming, so that a
/// script reaches both answers (a step waits up to 255 s).
pub const OPENS_AFTER_MINUTES: i64 = shared::live::state::OPENS_EARLY_MINUTES + 5;

pub fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 5)
        .and_then(|d| d.and_hms_opt(7, 30, 0))
        .expect("a valid date")
}

pub const SAMPLES: [&str; 10] = [
    "",
    "   ",
    "Tôi nhất trí với báo cáo của chi ủy.",
    "Đề nghị bổ sung chỉ tiêu phát triển đảng viên mới trong quý I.",
    "Có đồng chí chưa đóng đảng phí tháng 11.",
    "Thông qua nghị quyết tháng 12 năm 2026",
    "Bận công tác",
    "Đồng chí Bí thư",
    "Chi ủy",
    "ý",
];

/// The text limits a long text is cut to (give or take a character).
pub const LIMITS: [usize; 7] = [
    MAX_NAME_CHARS,
    MAX_REASON_CHARS,
    MAX_QUESTION_CHARS,
    MAX_TEXT_CHARS,
    MAX_CONCLUSION_CHARS,
    MAX_MINUTES_CHARS,
    MAX_TASK_CHARS,
];

/// The kinds of command, numbered as in a script.
pub mod op {
    pub const OPEN: u8 = 0;
    pub const MOVE_TO: u8 = 1;
    pub const CHECK_IN: u8 = 2;
    pub const VISITOR_ARRIVES: u8 = 3;
    pub const MARK: u8 = 4;
    pub const RAISE_HAND: u8 = 5;
    pub const WITHDRAW_HAND: u8 = 6;
    pub const GIVE_FLOOR: u8 = 7;
    pub const END_FLOOR: u8 = 8;
    pub const OPINE: u8 = 9;
    pub const OPEN_VOTE: u8 = 10;
    pub const CAST: u8 = 11;
    pub const APPOINT_COUNTERS: u8 = 12;
    pub const RECORD_BALLOT: u8 = 13;
    pub const COUNT_PAPER_BALLOTS: u8 = 14;
    pub const CLOSE_VOTE: u8 = 15;
    pub const EDIT_MINUTES: u8 = 16;
    pub const CONCLUDE: u8 = 17;
    pub const ASSIGN_TASK: u8 = 18;
    pub const ADOPT_MINUTES: u8 = 19;
    pub const CLOSE: u8 = 20;
    pub const COUNT: u8 = 21;
}

/// Reads a script; past its end every byte is zero.
pub struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader(data)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    fn le<const N: usize>(&mut self) -> [u8; N] {
        std::array::from_fn(|_| self.byte())
    }

    fn present(&mut self) -> bool {
        self.byte() != 0
    }

    fn member(&mut self) -> MemberId {
        MemberId(1 + i64::from(self.byte()) % IDS)
    }

    fn speaker(&mut self) -> Speaker {
        let b = self.byte();
        let n = i64::from(b >> 2);
        match b & 3 {
            0 => Speaker::Member(CHAIR),
            1 => Speaker::Member(SECRETARY),
            2 => Speaker::Member(MemberId(1 + n % IDS)),
            _ => Speaker::Visitor(AccountId(900 + n % 3)),
        }
    }

    /// An agenda item's or a vote's number: mostly small, sometimes any a client may send.
    fn index(&mut self) -> usize {
        match self.byte() {
            0xFF => u64::from_le_bytes(self.le()) as usize,
            b => usize::from(b % 16),
        }
    }

    /// A number of paper ballots: mostly what a cell has, sometimes any a client may send.
    fn count(&mut self) -> u32 {
        match self.byte() {
            0xFF => u32::from_le_bytes(self.le()),
            b => u32::from(b % 8),
        }
    }

    fn choice(&mut self) -> Choice {
        [Choice::InFavour, Choice::Against, Choice::Abstain][usize::from(self.byte() % 3)]
    }

    fn text(&mut self) -> String {
        let b = self.byte();
        let sample = SAMPLES[usize::from(b) % SAMPLES.len()];
        match b {
            // Long texts cost the most: one in sixteen.
            0x80..0x90 => {
                let chars = match self.byte() {
                    // Up to 131,070 characters: past every text limit.
                    0xFF => usize::from(u16::from_le_bytes(self.le())) * 2,
                    l => {
                        (LIMITS[usize::from(l) % LIMITS.len()] + usize::from(l) / LIMITS.len() % 3)
                            - 1
                    }
                };
                let per_sample = sample.chars().count().max(1);
                let mut long = sample.repeat(chars / per_sample);
                long.extend(sample.chars().take(chars % per_sample));
                long
            }
            0..0xC0 => sample.to_string(),
            _ => {
                let len = usize::from(self.byte()).min(self.0.len());
                let (bytes, rest) = self.0.split_at(len);
                self.0 = rest;
                String::from_utf8_lossy(bytes).into_owned()
            }
        }
    }

    fn time(&mut self) -> Option<NaiveTime> {
        if !self.present() {
            return None;
        }
        let (h, m) = (self.byte(), self.byte());
        NaiveTime::from_hms_opt(u32::from(h % 24), u32::from(m % 60), 0)
    }

    /// Any day, the farthest ones included.
    fn date(&mut self) -> Option<NaiveDate> {
        if !self.present() {
            return None;
        }
        let days = i32::from_le_bytes(self.le());
        start()
            .date()
            .checked_add_signed(Duration::try_days(i64::from(days))?)
    }

    fn command(&mut self) -> Command {
        match self.byte() % op::COUNT {
            op::OPEN => Command::Open {
                confirm_early: self.present(),
            },
            op::MOVE_TO => Command::MoveTo { item: self.index() },
            op::CHECK_IN => Command::CheckIn,
            op::VISITOR_ARRIVES => Command::VisitorArrives { name: self.text() },
            op::MARK => {
                let member_id = self.member();
                let presence = [
                    Presence::InPerson,
                    Presence::Online,
                    Presence::AbsentWithReason,
                    Presence::AbsentWithoutReason,
                ][usize::from(self.byte() % 4)];
                Command::Mark {
                    mark: AttendanceMark {
                        member_id,
                        presence,
                        reason: self.text(),
                        arrived_late_at: self.time(),
                        left_early_at: self.time(),
                    },
                }
            }
            op::RAISE_HAND => Command::RaiseHand,
            op::WITHDRAW_HAND => Command::WithdrawHand,
            op::GIVE_FLOOR => Command::GiveFloor {
                speaker: self.speaker(),
            },
            op::END_FLOOR => Command::EndFloor,
            op::OPINE => Command::Opine {
                text: self.text(),
                on_behalf_of: self.present().then(|| self.speaker()),
            },
            op::OPEN_VOTE => Command::OpenVote {
                kind: VoteKind::ALL[usize::from(self.byte()) % VoteKind::ALL.len()],
                ballot: if self.byte() & 1 == 0 {
                    Ballot::Open
                } else {
                    Ballot::Secret
                },
                question: self.text(),
            },
            op::CAST => Command::Cast {
                vote: self.index(),
                choice: self.choice(),
            },
            op::APPOINT_COUNTERS => {
                let n = self.byte() % 8;
                Command::AppointCounters {
                    members: (0..n).map(|_| self.member()).collect(),
                }
            }
            op::RECORD_BALLOT => Command::RecordBallot {
                vote: self.index(),
                member: self.member(),
                choice: self.choice(),
            },
            op::COUNT_PAPER_BALLOTS => Command::CountPaperBallots {
                vote: self.index(),
                tally: VoteTally {
                    in_favour: self.count(),
                    against: self.count(),
                    abstain: self.count(),
                },
            },
            op::CLOSE_VOTE => Command::CloseVote { vote: self.index() },
            op::EDIT_MINUTES => Command::EditMinutes { text: self.text() },
            op::CONCLUDE => Command::Conclude { text: self.text() },
            op::ASSIGN_TASK => Command::AssignTask {
                task: Task {
                    assignee: self.present().then(|| self.member()),
                    assignee_name: self.text(),
                    what: self.text(),
                    due: self.date(),
                },
            },
            op::ADOPT_MINUTES => Command::AdoptMinutes,
            _ => Command::Close,
        }
    }

    /// The next step: who, what, and how many seconds after the last one.
    /// Powers come from the state (`LiveState::caller`), as on the server.
    pub fn step(&mut self) -> (Speaker, Command, u8) {
        let speaker = self.speaker();
        let command = self.command();
        let after = self.byte();
        (speaker, command, after)
    }
}

/// Writes a script, for the seed corpus.
#[derive(Default)]
pub struct Script(pub Vec<u8>);

impl Script {
    pub const CHAIR: u8 = 0;
    pub const SECRETARY: u8 = 1;

    pub fn member(id: MemberId) -> u8 {
        (((id.0 - 1) as u8) << 2) | 2
    }

    pub fn visitor(n: u8) -> u8 {
        (n << 2) | 3
    }

    /// Starts a step; its arguments follow.
    pub fn step(&mut self, who: u8, command: u8) -> &mut Script {
        self.0.extend([who, command]);
        self
    }

    /// Ends a step with the seconds since the last one.
    pub fn after(&mut self, seconds: u8) -> &mut Script {
        self.0.push(seconds);
        self
    }

    pub fn byte(&mut self, b: u8) -> &mut Script {
        self.0.push(b);
        self
    }

    pub fn sample(&mut self, i: u8) -> &mut Script {
        self.byte(i)
    }

    pub fn text(&mut self, s: &str) -> &mut Script {
        let bytes = s.as_bytes();
        assert!(bytes.len() < 256);
        self.0.extend([0xC0, bytes.len() as u8]);
        self.0.extend(bytes);
        self
    }

    /// Sample `sample` repeated to the text limit `LIMITS[limit]`, plus `more`
    /// characters (-1, 0 or 1).
    pub fn long(&mut self, sample: u8, limit: u8, more: i8) -> &mut Script {
        assert!(sample < 10 && usize::from(limit) < LIMITS.len() && (-1..=1).contains(&more));
        let l = limit + LIMITS.len() as u8 * (more + 1) as u8;
        // 0x80 + k picks sample (128 + k) % 10.
        self.0.extend([0x80 + (sample + 2) % 10, l]);
        self
    }

    pub fn who(&mut self, who: u8) -> &mut Script {
        self.byte(who)
    }

    pub fn member_arg(&mut self, id: MemberId) -> &mut Script {
        self.byte((id.0 - 1) as u8)
    }

    pub fn none(&mut self) -> &mut Script {
        self.byte(0)
    }

    pub fn some(&mut self) -> &mut Script {
        self.byte(1)
    }

    pub fn time(&mut self, h: u8, m: u8) -> &mut Script {
        self.0.extend([1, h, m]);
        self
    }

    pub fn days(&mut self, days: i32) -> &mut Script {
        self.some();
        self.0.extend(days.to_le_bytes());
        self
    }

    /// A list of members (at most 7).
    pub fn members(&mut self, ids: &[MemberId]) -> &mut Script {
        assert!(ids.len() < 8);
        self.byte(ids.len() as u8);
        for id in ids {
            self.member_arg(*id);
        }
        self
    }

    /// A small count of paper ballots.
    pub fn count(&mut self, n: u8) -> &mut Script {
        assert!(n < 8);
        self.byte(n)
    }
}

/// The seed scripts: a whole meeting as a cell holds it (an open vote with
/// ballots online and recorded in the room, a secret one with ballots online
/// and on paper), and one that is refused a lot.
pub fn seeds() -> Vec<(&'static str, Script)> {
    use op::*;
    let chair = Script::CHAIR;
    let secretary = Script::SECRETARY;
    let m = |i: i64| Script::member(MemberId(i));
    let counter = MemberId(5);

    let mut s = Script::default();
    // Thirty-five minutes early: the chair confirms.
    s.step(chair, OPEN).some().after(0);
    s.step(secretary, MARK)
        .member_arg(CHAIR)
        .byte(0)
        .sample(0)
        .none()
        .none()
        .after(10);
    s.step(secretary, MARK)
        .member_arg(SECRETARY)
        .byte(0)
        .sample(0)
        .none()
        .none()
        .after(5);
    for i in 3..=9 {
        s.step(m(i), CHECK_IN).after(7);
    }
    s.step(m(10), CHECK_IN).after(3);
    s.step(secretary, MARK)
        .member_arg(EXEMPTED)
        .byte(2)
        .text("Ốm, có đơn xin vắng")
        .none()
        .none()
        .after(20);
    s.step(secretary, MARK)
        .member_arg(MemberId(9))
        .byte(1)
        .sample(0)
        .time(7, 45)
        .none()
        .after(4);
    s.step(Script::visitor(0), VISITOR_ARRIVES)
        .text("Đồng chí Nguyễn Văn Bảy, Đảng ủy phường")
        .after(30);
    s.step(chair, MOVE_TO).byte(1).after(60);
    s.step(m(3), RAISE_HAND).after(40);
    s.step(m(4), RAISE_HAND).after(2);
    s.step(m(4), WITHDRAW_HAND).after(9);
    s.step(chair, GIVE_FLOOR).who(m(3)).after(5);
    s.step(m(3), OPINE).sample(2).none().after(90);
    s.step(m(3), END_FLOOR).after(3);
    s.step(secretary, OPINE)
        .text("Đề nghị chi ủy làm rõ kế hoạch thu đảng phí.")
        .some()
        .who(m(5))
        .after(30);
    s.step(Script::visitor(0), OPINE)
        .text("Chi bộ cần bám sát nghị quyết của Đảng ủy phường.")
        .none()
        .after(45);
    s.step(chair, APPOINT_COUNTERS)
        .members(&[counter, MemberId(6)])
        .after(20);
    s.step(chair, MOVE_TO).byte(3).after(120);
    // The resolution, by show of hands: online, and recorded in the room.
    s.step(chair, OPEN_VOTE).byte(0).byte(0).sample(5).after(20);
    for (i, choice) in [(3, 0), (4, 1), (5, 0), (6, 2), (7, 0), (8, 0)] {
        s.step(m(i), CAST).byte(0).byte(choice).after(2);
    }
    s.step(m(10), CAST).byte(0).byte(0).after(2);
    s.step(m(counter.0), RECORD_BALLOT)
        .byte(0)
        .member_arg(CHAIR)
        .byte(0)
        .after(2);
    s.step(secretary, RECORD_BALLOT)
        .byte(0)
        .member_arg(SECRETARY)
        .byte(0)
        .after(2);
    s.step(chair, CLOSE_VOTE).byte(0).after(15);
    // An admission, by secret ballot: online, and on paper in the room.
    s.step(chair, OPEN_VOTE)
        .byte(1)
        .byte(1)
        .text("Đề nghị kết nạp quần chúng Lò Thị Sinh vào Đảng")
        .after(30);
    for i in 1..=9 {
        s.step(m(i), CAST)
            .byte(1)
            .byte(if i == 4 { 1 } else { 0 })
            .after(3);
    }
    s.step(m(counter.0), COUNT_PAPER_BALLOTS)
        .byte(1)
        .count(2)
        .count(0)
        .count(0)
        .after(40);
    s.step(chair, CLOSE_VOTE).byte(1).after(10);
    s.step(secretary, EDIT_MINUTES)
        .text("Chi bộ họp lúc 7 giờ 30, có mặt 10/11 đồng chí; đồng chí Lê Văn Cụ vắng có lý do.")
        .after(60);
    s.step(chair, CONCLUDE)
        .text("Chi bộ thống nhất thông qua nghị quyết tháng 12.")
        .after(30);
    s.step(chair, ASSIGN_TASK)
        .some()
        .member_arg(MemberId(3))
        .text("Đồng chí Lê Hoàng Phúc")
        .text("Hoàn thiện hồ sơ kết nạp đảng viên mới")
        .days(26)
        .after(20);
    // Closing needs everyone marked: the member attached elsewhere too.
    s.step(secretary, MARK)
        .member_arg(ATTACHED_ELSEWHERE)
        .byte(2)
        .text("Sinh hoạt tạm thời ở chi bộ nơi công tác")
        .none()
        .none()
        .after(5);
    s.step(chair, ADOPT_MINUTES).after(30);
    s.step(chair, CLOSE).after(10);

    // Refused along the way: before opening, from the wrong person, twice.
    let mut r = Script::default();
    r.step(m(3), CHECK_IN).after(0);
    r.step(m(3), OPEN).some().after(1);
    r.step(chair, OPEN).none().after(1);
    r.step(chair, OPEN).some().after(1);
    r.step(chair, OPEN).some().after(1);
    r.step(m(13), CHECK_IN).after(1);
    r.step(Script::visitor(1), CHECK_IN).after(1);
    r.step(Script::visitor(1), RAISE_HAND).after(1);
    r.step(m(3), RAISE_HAND).after(1);
    r.step(m(3), MARK)
        .member_arg(MemberId(3))
        .byte(0)
        .sample(0)
        .none()
        .none()
        .after(1);
    r.step(chair, OPEN_VOTE).byte(2).byte(0).sample(5).after(1);
    r.step(m(10), CAST).byte(0).byte(0).after(1);
    r.step(chair, APPOINT_COUNTERS)
        .members(&[MemberId(13)])
        .after(1);
    r.step(m(3), RECORD_BALLOT)
        .byte(0)
        .member_arg(MemberId(3))
        .byte(0)
        .after(1);
    r.step(chair, COUNT_PAPER_BALLOTS)
        .byte(0)
        .byte(0xFF)
        .byte(0xFF)
        .byte(0xFF)
        .byte(0xFF)
        .byte(0xFF)
        .count(1)
        .count(0)
        .after(1);
    r.step(m(3), ADOPT_MINUTES).after(1);
    r.step(chair, CLOSE).after(1);
    r.step(chair, MOVE_TO).byte(15).after(1);
    r.step(chair, CONCLUDE).long(9, 4, 1).after(1);

    // Left in the middle of a secret vote, its paper ballots counted: what
    // comes next acts on a vote with ballots online and on paper.
    let mut v = Script::default();
    v.step(chair, OPEN).some().after(0);
    for i in 1..=9 {
        v.step(m(i), CHECK_IN).after(2);
    }
    for member in [MemberId(3), MemberId(4)] {
        v.step(secretary, MARK)
            .member_arg(member)
            .byte(0)
            .sample(0)
            .none()
            .none()
            .after(2);
    }
    v.step(chair, APPOINT_COUNTERS).members(&[counter]).after(5);
    v.step(chair, OPEN_VOTE)
        .byte(2)
        .byte(1)
        .text("Đề nghị khai trừ đảng viên vi phạm tư cách")
        .after(30);
    for i in [1, 2, 3, 5, 6, 7, 8] {
        v.step(m(i), CAST).byte(0).byte(i as u8 % 3).after(3);
    }
    v.step(m(counter.0), COUNT_PAPER_BALLOTS)
        .byte(0)
        .count(1)
        .count(1)
        .count(0)
        .after(30);

    vec![
        ("seed-meeting", s),
        ("seed-refused", r),
        ("seed-secret-vote", v),
    ]
}

/// Scripts that show a defect of `shared` still open (see `crate::skipped`),
/// for the ignored test below and for `cargo fuzz run` by hand.
pub fn known_defects() -> Vec<(&'static str, Script)> {
    use op::*;
    let chair = Script::CHAIR;
    let secretary = Script::SECRETARY;
    let m = |i: i64| Script::member(MemberId(i));
    // `paper_double_vote`: member 3 votes on paper in the room, is marked
    // online, and votes again. With `all` every other voter votes too (ten
    // ballots from nine voters); without, nothing shows it.
    let double_vote = |all: bool| {
        let mut s = Script::default();
        s.step(chair, OPEN).some().after(0);
        for i in 1..=9 {
            s.step(m(i), CHECK_IN).after(1);
        }
        s.step(secretary, MARK)
            .member_arg(MemberId(3))
            .byte(0)
            .sample(0)
            .none()
            .none()
            .after(1);
        s.step(chair, OPEN_VOTE).byte(2).byte(1).sample(5).after(1);
        for i in [1, 2, 4, 5, 6, 7, 8, 9]
            .into_iter()
            .take(if all { 8 } else { 7 })
        {
            s.step(m(i), CAST).byte(0).byte(0).after(1);
        }
        s.step(secretary, COUNT_PAPER_BALLOTS)
            .byte(0)
            .count(1)
            .count(0)
            .count(0)
            .after(1);
        s.step(secretary, MARK)
            .member_arg(MemberId(3))
            .byte(1)
            .sample(0)
            .none()
            .none()
            .after(1);
        s.step(m(3), CAST).byte(0).byte(0).after(1);
        s.step(chair, CLOSE_VOTE).byte(0).after(1);
        s
    };
    vec![
        ("paper_double_vote", double_vote(true)),
        ("paper_double_vote_silent", double_vote(false)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room::Room;
    use shared::live::protocol::ClientMessage;
    use shared::live::state::Phase;
    use std::path::{Path, PathBuf};

    fn corpus(target: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(target)
    }

    /// The committed seed equals what the code makes; `FUZZ_WRITE_SEEDS=1` rewrites it.
    fn seed(target: &str, name: &str, bytes: &[u8]) {
        let path = corpus(target).join(name);
        if std::env::var_os("FUZZ_WRITE_SEEDS").is_some() {
            std::fs::create_dir_all(corpus(target)).unwrap();
            std::fs::write(&path, bytes).unwrap();
        }
        let committed = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (FUZZ_WRITE_SEEDS=1 writes it)", path.display()));
        assert!(
            committed == bytes,
            "{} is stale (FUZZ_WRITE_SEEDS=1 rewrites it)",
            path.display()
        );
    }

    fn play(script: &[u8]) -> (LiveState, Vec<Command>) {
        let mut room = Room::default();
        let mut accepted = Vec::new();
        let mut now = start();
        let mut r = Reader::new(script);
        while !r.is_empty() {
            let (speaker, command, after) = r.step();
            now += Duration::seconds(i64::from(after));
            if room.command(speaker, &command, now).is_ok() {
                accepted.push(command);
            }
        }
        (room.state, accepted)
    }

    #[test]
    fn the_seed_meeting_runs_to_its_close() {
        let seeds = seeds();
        let (state, accepted) = play(&seeds[0].1.0);
        assert_eq!(state.phase, Phase::Closed);
        assert_eq!(
            state.attendance.len(),
            12,
            "everyone marked before the close"
        );
        assert_eq!(state.visitors.len(), 1);
        assert_eq!(state.opinions.len(), 3);
        assert_eq!(state.counters, [MemberId(5), MemberId(6)]);
        assert_eq!(state.votes.len(), 2);
        let open = &state.votes[0];
        assert_eq!(
            open.ballots.len(),
            8,
            "the probationary member may not vote"
        );
        assert_eq!(
            open.ballots
                .iter()
                .filter(|b| b.recorded_by.is_some())
                .count(),
            2,
            "the chair's and the secretary's, recorded in the room"
        );
        let secret = &state.votes[1];
        assert_eq!(secret.ballots.len(), 7, "online; in the room on paper");
        assert!(secret.ballots.iter().all(|b| b.choice.is_none()));
        assert_eq!(secret.paper.map(|p| p.cast()), Some(2));
        assert_eq!(secret.tally.map(|t| (t.in_favour, t.against)), Some((8, 1)));
        assert!(state.votes.iter().all(|v| v.tally.is_some()));
        assert!(state.vote_outcome(0).unwrap().unwrap().passed);
        assert_eq!(state.tasks.len(), 1);
        assert!(!state.minutes.is_empty() && !state.conclusion.is_empty());
        assert!(state.minutes_adopted_at.is_some());
        let kinds: std::collections::BTreeSet<String> = accepted
            .iter()
            .map(|c| serde_json::to_value(c).unwrap()["type"].to_string())
            .collect();
        assert_eq!(
            kinds.len(),
            usize::from(op::COUNT),
            "every kind of command: {kinds:?}"
        );

        let (secret, _) = play(&seeds[2].1.0);
        let vote = &secret.votes[0];
        assert!(vote.closed_at.is_none());
        assert_eq!(vote.ballots.len(), 6, "members 3 and 4 vote on paper");
        assert_eq!(vote.paper.map(|p| p.cast()), Some(2));

        let (refused, accepted) = play(&seeds[1].1.0);
        assert_eq!(refused.phase, Phase::InProgress);
        assert!(
            matches!(
                accepted.as_slice(),
                [Command::Open {
                    confirm_early: true
                }]
            ),
            "only the confirmed opening: {} accepted",
            accepted.len()
        );
    }

    #[test]
    fn seed_corpora_are_current() {
        let seeds = seeds();
        for (name, script) in &seeds {
            seed("live_state", name, &script.0);
        }
        // The client decoder's seeds: a hello, a resumed hello, a ping, and the
        // first command of each kind in the seed meeting, as the app sends them.
        seed(
            "decode_client",
            "seed-hello.json",
            br#"{"type":"hello","version":1,"last_seq":null}"#,
        );
        seed(
            "decode_client",
            "seed-hello-resume.json",
            br#"{"type":"hello","version":1,"last_seq":12}"#,
        );
        seed("decode_client", "seed-ping.json", br#"{"type":"ping"}"#);
        // The longest of each kind: a mark with a reason rather than without.
        let (_, accepted) = play(&seeds[0].1.0);
        let mut longest = std::collections::BTreeMap::<String, String>::new();
        for (i, command) in accepted.into_iter().enumerate() {
            let kind = serde_json::to_value(&command).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string();
            let message = ClientMessage::Command {
                key: format!("c0ffee-{i:04}"),
                command,
            };
            let json = serde_json::to_string(&message).unwrap();
            if longest.get(&kind).is_none_or(|l| l.len() < json.len()) {
                longest.insert(kind, json);
            }
        }
        for (kind, json) in longest {
            seed(
                "decode_client",
                &format!("seed-{kind}.json"),
                json.as_bytes(),
            );
        }
    }

    /// The defects the fuzzer's checks once found stay fixed.
    #[test]
    fn known_defects_are_fixed() {
        for (name, script) in known_defects() {
            let (state, _) = play(&script.0);
            let vote = &state.votes[0];
            assert!(vote.tally.is_some(), "{name}: the vote closes");
            assert!(
                !vote.ballots.iter().any(|b| b.member == MemberId(3)),
                "{name}: member 3 voted on paper and again online: {vote:?}"
            );
        }
    }
}
