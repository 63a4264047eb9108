//! Demo data the size of a bloc (`--demo-data bloc`): the shape of Đảng bộ
//! Khối các cơ quan Trung ương in its report of 2 April 2024 (docs/rules.md#sources) — 1,000 grassroots organizations,
//! 5,000 cells, about 78,000 members — and one year of its life: meetings
//! registered on time or late, held, missing or cancelled, their outcomes
//! and scores, upper-level visits with their plans, reports and
//! recommendations. Everything comes from one fixed seed, so every run with
//! the same size and month gives the same database.
//!
//! The year is the twelve whole months before the month of `today`; nothing
//! is dated on or after that month's first day, so the data depend on the
//! month only (the benchmark caches a database per month and version).
//!
//! Rules are `shared`'s: members are valid `MemberDraft`s, attendance
//! figures come from `rules::attendance`, lateness from `rules::schedule`,
//! scores from `ScoringBasis::score`. The live record of a meeting (its
//! hash-chained events, made with `shared::live::state::decide`/`apply` as
//! the live room makes them) is written for the demo grassroots
//! organization's meetings only (`RECORDS_FOR_GRASSROOTS`): a record for all
//! ~55,000 held meetings would be some 3 million events. The others are
//! closed with their outcome and score but without a record.

use super::{DEMO_PASSWORD, FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M};
use crate::storage::{
    BulkEvent, BulkMeeting, BulkOutcome, BulkPlan, BulkRecommendation, BulkReport, BulkRows,
    BulkScore, BulkUpper, BulkVisit, NewAccountRow, Result, StorageError, Store,
};
use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime};
use shared::live::chain;
use shared::live::state::{Command, LiveState, Setup, Speaker, apply, decide};
use shared::meeting::{Meeting, MeetingDraft, MeetingKind, MeetingMode, MeetingStatus};
use shared::member::{CellRole, Gender, MemberDraft, PartyStatus};
use shared::org::OrgKind;
use shared::rules::RuleSet;
use shared::rules::attendance::{AttendanceMark, Presence, RosterEntry, figures};
use shared::rules::schedule::registration_deadline;
use shared::rules::scoring::{Entries, MeetingFacts, Points};
use shared::rules::vote::{Ballot, VoteKind};
use shared::scoring::ScoringBasis;
use shared::{MeetingId, MemberId};

/// Bumped whenever the generator's output changes (the benchmark's cache key).
pub const GENERATOR_VERSION: u32 = 1;
/// The fixed seed of the generator.
pub const SEED: u64 = 0x05b7_3be1_9e70_6f25;
/// Grassroots organizations (by index) whose held meetings get a live record.
pub const RECORDS_FOR_GRASSROOTS: usize = 1;
/// The bloc committee's demo account (Ủy ban Kiểm tra Đảng ủy Khối).
pub const BLOC_ACCOUNT: &str = "khoi.ubkt";
/// The demo grassroots committee's account: its secretary (`cs` + number).
pub const GRASSROOTS_ACCOUNT: &str = "cs0001";
/// Members of the bloc committee with an account, `BLOC_ACCOUNT` included.
const BLOC_COMMITTEE: usize = 15;
/// Rows written per transaction, roughly (meetings and members).
const FLUSH_ROWS: usize = 30_000;

/// How big a bloc to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlocSize {
    pub grassroots: usize,
    pub cells: usize,
}

impl BlocSize {
    /// Seed 002: more than 1,000 grassroots organizations, 5,000 cells.
    pub const FULL: BlocSize = BlocSize {
        grassroots: 1000,
        cells: 5000,
    };
}

/// What was written, for the log and the tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlocSummary {
    pub grassroots: usize,
    pub cells: usize,
    pub members: usize,
    pub accounts: usize,
    pub meetings: usize,
    pub held: usize,
    pub events: usize,
    pub visits: usize,
    pub reports: usize,
}

/// SplitMix64: small, fast, and the same on every platform and version.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(stream: u64) -> Rng {
        let mut r = Rng(SEED ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// In `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn index(&mut self, len: usize) -> usize {
        if len == 0 {
            0
        } else {
            (self.next() % len as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.index(xs.len())]
    }
}

const PREFIXES: [&str; 12] = [
    "Bộ",
    "Tổng cục",
    "Cục",
    "Viện",
    "Báo",
    "Học viện",
    "Trường Đại học",
    "Tổng công ty",
    "Ngân hàng",
    "Ban",
    "Văn phòng",
    "Trung tâm",
];
const FIELDS: [&str; 24] = [
    "Tài chính",
    "Kế hoạch và Đầu tư",
    "Công Thương",
    "Giao thông vận tải",
    "Xây dựng",
    "Y tế",
    "Giáo dục và Đào tạo",
    "Tư pháp",
    "Nội vụ",
    "Ngoại giao",
    "Khoa học và Công nghệ",
    "Tài nguyên và Môi trường",
    "Nông nghiệp và Phát triển nông thôn",
    "Văn hóa, Thể thao và Du lịch",
    "Lao động – Thương binh và Xã hội",
    "Thông tin và Truyền thông",
    "Thuế",
    "Hải quan",
    "Kho bạc Nhà nước",
    "Thống kê",
    "Dự trữ Nhà nước",
    "Chứng khoán",
    "Bảo hiểm xã hội",
    "Kiểm toán",
];
const UNITS: [&str; 16] = [
    "Văn phòng",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch – Tài chính",
    "Phòng Pháp chế",
    "Phòng Thanh tra",
    "Phòng Hợp tác quốc tế",
    "Phòng Tổng hợp",
    "Phòng Nghiệp vụ",
    "Phòng Quản trị",
    "Trung tâm Thông tin",
    "Ban Quản lý dự án",
    "Phòng Kiểm tra",
    "Phòng Chính sách",
    "Phòng Khoa học",
    "Phòng Truyền thông",
    "Phòng Hành chính",
];
const THEMES: [&str; 8] = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Trách nhiệm nêu gương của cán bộ, đảng viên",
    "Chuyển đổi số trong hoạt động công tác đảng",
    "Phòng, chống suy thoái, “tự diễn biến”, “tự chuyển hóa”",
    "Nâng cao chất lượng sinh hoạt chi bộ",
    "Bảo vệ nền tảng tư tưởng của Đảng",
    "Thực hành tiết kiệm, chống lãng phí",
    "Công tác phát triển đảng viên",
];
const CONTENT: [&str; 4] = [
    "Chi bộ chuẩn bị chu đáo, đủ nội dung theo hướng dẫn; điều hành đúng trình tự.",
    "Nội dung sinh hoạt bám sát nhiệm vụ chính trị của cơ quan; thời gian bảo đảm.",
    "Sinh hoạt đúng nội dung, nhưng phần thảo luận còn ít ý kiến.",
    "Chuẩn bị dự thảo nghị quyết chưa kỹ; chương trình thông qua đầy đủ.",
];
const IDEOLOGY: [&str; 3] = [
    "Đảng viên yên tâm công tác, tin tưởng vào sự lãnh đạo của cấp ủy.",
    "Một số đồng chí băn khoăn về việc sắp xếp tổ chức bộ máy.",
    "Tư tưởng ổn định; đảng viên chấp hành tốt nội quy cơ quan.",
];
const ISSUES: [&str; 4] = [
    "Cần tăng cường tự phê bình và phê bình.",
    "Cần cụ thể hóa nhiệm vụ tháng tới: rõ người, rõ việc.",
    "Đề nghị gửi tài liệu sinh hoạt trước ít nhất một ngày.",
    "Không có vấn đề phát sinh.",
];
const RECOMMENDATIONS: [&str; 5] = [
    "Gửi dự thảo nghị quyết cho đảng viên trước buổi sinh hoạt.",
    "Phân công đảng viên chuẩn bị ý kiến thảo luận theo từng nội dung.",
    "Đôn đốc đảng viên vắng không lý do.",
    "Bổ sung nội dung đánh giá việc thực hiện nghị quyết tháng trước.",
    "Tăng thời lượng phần tự phê bình và phê bình.",
];
const ANSWERS: [&str; 3] = [
    "Chi bộ đã tiếp thu và thực hiện từ kỳ sinh hoạt sau.",
    "Chi ủy đã phân công đồng chí phó bí thư theo dõi.",
    "Đã thực hiện trong tháng.",
];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn at(d: NaiveDate, h: u32, min: u32) -> NaiveDateTime {
    d.and_time(NaiveTime::from_hms_opt(h, min, 0).unwrap_or_default())
}

fn plus_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64)).unwrap_or(d)
    } else {
        d.checked_sub_days(Days::new((-n) as u64)).unwrap_or(d)
    }
}

/// The first day of the month `back` months before `first` (a first day).
fn month_back(first: NaiveDate, back: u32) -> NaiveDate {
    first.checked_sub_months(Months::new(back)).unwrap_or(first)
}

/// The calendar quarters the twelve months before `end` (a first day) touch:
/// each quarter's first day and the part of it inside the year, `[from, to)`.
fn quarters(end: NaiveDate) -> Vec<(NaiveDate, NaiveDate, NaiveDate)> {
    let start = month_back(end, 12);
    let mut out = Vec::new();
    let mut q = day(start.year(), start.month0() / 3 * 3 + 1, 1);
    while q < end {
        let next = q.checked_add_months(Months::new(3)).unwrap_or(end);
        out.push((q, q.max(start), next.min(end)));
        q = next;
    }
    out
}

/// How many cells each grassroots organization has: at least 2, the rest
/// spread unevenly (a few large organizations, many small), adding up to
/// `size.cells` exactly.
pub fn cells_per_grassroots(size: BlocSize) -> Vec<usize> {
    let g = size.grassroots.max(1);
    let mut rng = Rng::new(1);
    let weights: Vec<f64> = (0..g)
        .map(|_| {
            // Pareto-like: most organizations small, a few ministries large.
            (1.0 - rng.unit()).max(1e-6).powf(-0.6)
        })
        .collect();
    let base = 2.min(size.cells / g);
    let rest = size.cells.saturating_sub(base * g);
    let total: f64 = weights.iter().sum();
    let mut cells: Vec<usize> = Vec::with_capacity(g);
    let mut remainders: Vec<(f64, usize)> = Vec::with_capacity(g);
    for (i, w) in weights.iter().enumerate() {
        let share = rest as f64 * w / total;
        cells.push(base + share.floor() as usize);
        remainders.push((share - share.floor(), i));
    }
    let missing = size.cells.saturating_sub(cells.iter().sum());
    remainders.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders.into_iter().take(missing) {
        cells[i] += 1;
    }
    cells
}

/// Members in a cell: some of 3 to 6, most of 8 to 22, some of 23 to 40
/// (about 15.6 on average: 78,000 in 5,000 cells).
fn cell_size(rng: &mut Rng) -> usize {
    let u = rng.unit();
    let n = if u < 0.15 {
        rng.range(3, 6)
    } else if u < 0.85 {
        rng.range(8, 21)
    } else {
        rng.range(23, 40)
    };
    n as usize
}

/// The member at `pos` of a cell of `size`, number `n` in the bloc.
fn member(rng: &mut Rng, n: usize, pos: usize, size: usize, today: NaiveDate) -> MemberDraft {
    let gender = if rng.chance(0.42) {
        Gender::Female
    } else {
        Gender::Male
    };
    let (middle, given) = match gender {
        Gender::Male => (*rng.pick(&MIDDLE_M), *rng.pick(&GIVEN_M)),
        Gender::Female => (*rng.pick(&MIDDLE_F), *rng.pick(&GIVEN_F)),
    };
    let full_name = format!("{} {} {}", rng.pick(&FAMILY), middle, given);
    let birth = day(
        today.year() - rng.range(24, 60) as i32,
        rng.range(1, 12) as u32,
        rng.range(1, 28) as u32,
    );
    // A chi ủy only from 9 members; a smaller cell has a secretary and, from
    // 5 members, a deputy.
    let committee = if size >= 9 {
        3
    } else if size >= 5 {
        2
    } else {
        1
    };
    let role = match pos {
        0 => CellRole::Secretary,
        1 if committee > 1 => CellRole::DeputySecretary,
        p if p < committee => CellRole::CommitteeMember,
        _ => CellRole::Member,
    };
    // The smallest cells keep their three full members.
    let ordinary = pos >= committee && size > 4;
    let probationary = ordinary && rng.chance(0.05);
    let status = if probationary {
        PartyStatus::Probationary
    } else if ordinary && rng.chance(0.02) {
        PartyStatus::Exempted
    } else {
        PartyStatus::Full
    };
    let (admitted_on, full_member_on) = if probationary {
        // Admitted within the last eleven months: still on probation today.
        let admitted = plus_days(today, -rng.range(20, 330));
        (admitted, None)
    } else {
        let age = rng.range(20, 35) as u32;
        let latest = plus_days(today, -400);
        let admitted = birth
            .checked_add_months(Months::new(12 * age + rng.range(0, 11) as u32))
            .unwrap_or(birth)
            .min(latest);
        let admitted = admitted.max(
            birth
                .checked_add_months(Months::new(12 * 18))
                .unwrap_or(birth),
        );
        let full = admitted
            .checked_add_months(Months::new(12))
            .unwrap_or(admitted);
        (admitted, Some(full))
    };
    MemberDraft {
        full_name,
        gender,
        birth_date: Some(birth),
        admitted_on: Some(admitted_on),
        full_member_on,
        status,
        role,
        card_number: Some(format!("79.{n:07}")),
        attached_elsewhere: None,
    }
}

/// A generated cell, kept while its grassroots organization is made.
struct Cell {
    id: i64,
    /// Member ids and drafts, secretary first.
    members: Vec<(i64, MemberDraft)>,
    /// The secretary's account.
    secretary_account: i64,
    /// How good the cell is, in [0, 1): meetings, attendance, scores.
    quality: f64,
    /// Held meetings: (meeting id, day, score in tenths if proposed).
    held: Vec<(i64, NaiveDateTime, Option<i64>)>,
}

/// A cell as the bloc committee's visits need it.
struct Visitable {
    id: i64,
    secretary_account: i64,
    /// Held meetings: (meeting id, day).
    held: Vec<(i64, NaiveDateTime)>,
}

/// Ids handed out in order; the database is empty, so they start at 1.
#[derive(Debug, Default)]
struct Ids {
    org: i64,
    member: i64,
    account: i64,
    meeting: i64,
    plan: i64,
    visit: i64,
    recommendation: i64,
}

impl Ids {
    fn take(n: &mut i64) -> i64 {
        *n += 1;
        *n
    }
}

/// Fills an empty database with a bloc of `size`; leaves a database with
/// any organization untouched (`None`).
pub async fn seed_if_empty(
    store: &Store,
    size: BlocSize,
    today: NaiveDate,
) -> Result<Option<BlocSummary>> {
    if !store.organizations().await?.is_empty() {
        return Ok(None);
    }
    seed(store, size, today).await.map(Some)
}

/// Makes a bloc of `size` and writes it into `store`, an empty database,
/// transaction by transaction. `today` fixes the year (the twelve months
/// before its month).
pub async fn seed(store: &Store, size: BlocSize, today: NaiveDate) -> Result<BlocSummary> {
    let hash = crate::auth::hash_password(DEMO_PASSWORD.to_string())
        .await
        .map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let mut generator = Generator::new(today, hash);
    generator.top();
    for (g, n) in cells_per_grassroots(size).into_iter().enumerate() {
        generator.grassroots(g, n);
        if generator.rows.members.len() + generator.rows.meetings.len() >= FLUSH_ROWS {
            generator.flush(store).await?;
        }
    }
    generator.bloc_visits();
    generator.flush(store).await?;
    Ok(generator.summary)
}

struct Generator {
    /// The first day of today's month: nothing is dated on or after it.
    end: NaiveDate,
    hash: String,
    rules: RuleSet,
    basis: ScoringBasis,
    basis_json: String,
    ids: Ids,
    rows: BulkRows,
    summary: BlocSummary,
    bloc_id: i64,
    bloc_accounts: Vec<i64>,
    /// Every cell of the bloc, for the bloc committee's visits.
    all_cells: Vec<Visitable>,
}

impl Generator {
    fn new(today: NaiveDate, hash: String) -> Generator {
        let rules = RuleSet::national_default();
        let basis = ScoringBasis::of(&rules);
        let basis_json = serde_json::to_string(&basis).unwrap_or_default();
        Generator {
            end: day(today.year(), today.month(), 1),
            hash,
            rules,
            basis,
            basis_json,
            ids: Ids::default(),
            rows: BulkRows::default(),
            summary: BlocSummary::default(),
            bloc_id: 0,
            bloc_accounts: Vec::new(),
            all_cells: Vec::new(),
        }
    }

    async fn flush(&mut self, store: &Store) -> Result<()> {
        let rows = std::mem::take(&mut self.rows);
        if !rows.is_empty() {
            store.insert_bulk(&rows).await?;
        }
        Ok(())
    }

    fn account(&mut self, username: String, name: String, member: Option<i64>) -> i64 {
        let id = Ids::take(&mut self.ids.account);
        self.rows.accounts.push((
            id,
            NewAccountRow {
                username,
                display_name: name,
                password_hash: self.hash.clone(),
                member_id: member.map(MemberId),
                is_admin: false,
            },
        ));
        self.summary.accounts += 1;
        id
    }

    /// The bloc, its administrator and its committee's accounts.
    fn top(&mut self) {
        self.bloc_id = Ids::take(&mut self.ids.org);
        self.rows.organizations.push((
            self.bloc_id,
            None,
            OrgKind::PartyCommittee,
            "Đảng bộ Khối các cơ quan Trung ương".into(),
        ));
        let admin = Ids::take(&mut self.ids.account);
        self.rows.accounts.push((
            admin,
            NewAccountRow {
                username: "quantri".into(),
                display_name: "Quản trị hệ thống".into(),
                password_hash: self.hash.clone(),
                member_id: None,
                is_admin: true,
            },
        ));
        self.summary.accounts += 1;
        let mut rng = Rng::new(2);
        for k in 0..BLOC_COMMITTEE {
            let username = if k == 0 {
                BLOC_ACCOUNT.to_string()
            } else {
                format!("khoi.uv{k:02}")
            };
            let name = format!(
                "{} {} {}",
                rng.pick(&FAMILY),
                rng.pick(&MIDDLE_M),
                rng.pick(&GIVEN_M)
            );
            let id = self.account(username, name, None);
            self.rows.committee_seats.push((id, self.bloc_id));
            self.bloc_accounts.push(id);
        }
    }

    /// One grassroots organization (index `g`) with `n` cells, its
    /// committee, its year of meetings and its committee's visits.
    fn grassroots(&mut self, g: usize, n: usize) {
        let mut rng = Rng::new(1000 + g as u64);
        let org = Ids::take(&mut self.ids.org);
        let mut name = format!(
            "Đảng bộ {} {}",
            PREFIXES[g % PREFIXES.len()],
            FIELDS[(g / PREFIXES.len()) % FIELDS.len()]
        );
        let round = g / (PREFIXES.len() * FIELDS.len());
        if round > 0 {
            name.push_str(&format!(" – khu vực {}", round + 1));
        }
        self.rows
            .organizations
            .push((org, Some(self.bloc_id), OrgKind::GrassrootsCommittee, name));
        self.summary.grassroots += 1;
        if n == 0 {
            return;
        }
        let mut cells = Vec::with_capacity(n);
        for c in 0..n {
            let id = Ids::take(&mut self.ids.org);
            let unit = UNITS[c % UNITS.len()];
            let name = if c < UNITS.len() {
                format!("Chi bộ {unit}")
            } else {
                format!("Chi bộ {unit} {}", c / UNITS.len() + 1)
            };
            self.rows
                .organizations
                .push((id, Some(org), OrgKind::Cell, name));
            let size = cell_size(&mut rng);
            let mut members = Vec::with_capacity(size);
            for pos in 0..size {
                let mid = Ids::take(&mut self.ids.member);
                let draft = member(&mut rng, mid as usize, pos, size, self.end);
                self.rows.members.push((mid, id, draft.clone()));
                members.push((mid, draft));
            }
            self.summary.members += size;
            // The first cell's secretary is the grassroots committee's secretary.
            let username = if c == 0 {
                format!("cs{:04}", g + 1)
            } else {
                format!("cb{:05}", self.summary.cells + 1)
            };
            let secretary_account =
                self.account(username, members[0].1.full_name.clone(), Some(members[0].0));
            self.summary.cells += 1;
            cells.push(Cell {
                id,
                members,
                secretary_account,
                quality: rng.unit(),
                held: Vec::new(),
            });
        }
        // The committee: the secretaries of the first few cells (3 to 7).
        let seated = n.clamp(1, 7).min(3 + n / 4);
        let committee: Vec<i64> = cells[..seated.min(n)]
            .iter()
            .map(|c| c.secretary_account)
            .collect();
        for a in &committee {
            self.rows.committee_seats.push((*a, org));
        }
        // Each cell assigned to a committee member from another cell.
        let mut assigned: Vec<Vec<usize>> = vec![Vec::new(); committee.len()];
        for (i, cell) in cells.iter().enumerate() {
            let k = (i + 1) % committee.len();
            if committee[k] != cell.secretary_account {
                self.rows.assignments.push((committee[k], cell.id));
                assigned[k].push(i);
            }
        }
        let records = g < RECORDS_FOR_GRASSROOTS;
        for cell in &mut cells {
            self.year_of(&mut rng, cell, committee[0], records);
        }
        self.visits(&mut rng, org, &committee, &assigned, &cells);
        for cell in cells {
            self.all_cells.push(Visitable {
                id: cell.id,
                secretary_account: cell.secretary_account,
                held: cell.held.iter().map(|h| (h.0, h.1)).collect(),
            });
        }
    }
}

mod meetings;
mod visits;

#[cfg(test)]
mod tests;
