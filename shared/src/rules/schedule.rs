//! Schedule compliance (chấp hành chế độ sinh hoạt): from the meetings a cell
//! registered and held in a period, what the upper level must see — months without
//! a regular meeting, quarters without a thematic one, late registrations, short
//! meetings, and members absent without reason 3 months in a year.
//!
//! Sources: Hướng dẫn 12-HD/BTCTW (2018) for the monthly regular meeting, the
//! quarterly thematic meeting and the 90/120 minutes; Điều lệ Đảng, Điều 8, for the
//! 3 months; registering "đúng thời gian" with a deadline of ours
//! (docs/rules.md#registration-and-notification).
//! A thematic meeting does not replace the month's regular meeting; a combined one
//! (thường kỳ kết hợp chuyên đề) counts as both. A month or a quarter is judged only
//! once it has ended before `today`.

use super::attendance::NamedMember;
use super::percent_vi;
use super::source::Rule;
use crate::ids::{MeetingId, MemberId, OrgId};
use crate::meeting::MeetingKind;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The schedule part of a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ScheduleRules {
    /// Regular meetings a month (1, HD 12).
    pub regular_per_month: Rule<u32>,
    /// Thematic meetings a quarter, at least (1, HD 12).
    pub thematic_per_quarter: Rule<u32>,
    /// Shortest meeting by kind (90 / 90 / 120 minutes, HD 12).
    pub min_minutes: Rule<MinMinutes>,
    /// Days before the meeting by which it must be registered (3, ours).
    pub registration_lead_days: Rule<u32>,
    /// Months in a year absent without reason that call for removal (3, Điều lệ Điều 8).
    pub absence_months_per_year: Rule<u32>,
    /// Day of the month (ngày đôn đốc) after which the committee reminds the cells
    /// that have not registered that month's regular meeting (5, ours). Days past the
    /// month's end mean its last day. A rule set written before it existed gets the default.
    #[serde(default = "default_reminder_day")]
    pub reminder_day: Rule<u32>,
    /// Days before the meeting's date by which its documents must be available
    /// (1, HD 42); later ones are marked late (`crate::files::is_late`).
    #[serde(default = "default_document_lead_days")]
    pub document_lead_days: Rule<u32>,
}

/// The default reminder day (ours): the 5th.
pub fn default_reminder_day() -> Rule<u32> {
    Rule::new(
        5,
        super::source::docs::ours(
            "Cấp ủy cấp trên đôn đốc các chi bộ chưa đăng ký lịch sinh hoạt thường kỳ của tháng từ ngày 5 của tháng (chưa tìm thấy quy định chung).",
        ),
    )
}

/// The last day to register a meeting held on `day` on time: `lead_days` before it.
pub fn registration_deadline(day: NaiveDate, lead_days: u32) -> NaiveDate {
    day.checked_sub_days(chrono::Days::new(u64::from(lead_days)))
        .unwrap_or(NaiveDate::MIN)
}

/// Whether registering on `registered_on` for a meeting on `day` is late (đăng ký
/// muộn): fewer than `lead_days` calendar days ahead. Late is recorded, never refused.
pub fn registered_late(registered_on: NaiveDate, day: NaiveDate, lead_days: u32) -> bool {
    (day - registered_on).num_days() < i64::from(lead_days)
}

/// The value of `document_lead_days` for rule sets written before it existed.
pub fn default_document_lead_days() -> Rule<u32> {
    Rule::new(
        1,
        super::source::docs::hd12(
            "Tài liệu sinh hoạt được đưa lên Sổ tay đảng viên điện tử (hoặc gửi đảng viên) trước ngày sinh hoạt ít nhất 1 ngày (Hướng dẫn 42-HD/BTCTW năm 2025).",
        ),
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MinMinutes {
    pub regular: u32,
    pub thematic: u32,
    pub combined: u32,
}

impl MinMinutes {
    pub fn for_kind(&self, kind: MeetingKind) -> u32 {
        match kind {
            MeetingKind::Regular => self.regular,
            MeetingKind::Thematic => self.thematic,
            MeetingKind::Combined => self.combined,
        }
    }
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct YearMonth {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> YearMonth {
        YearMonth { year, month }
    }

    pub fn of(date: NaiveDate) -> YearMonth {
        YearMonth::new(date.year(), date.month())
    }

    pub fn next(self) -> YearMonth {
        if self.month >= 12 {
            YearMonth::new(self.year + 1, 1)
        } else {
            YearMonth::new(self.year, self.month + 1)
        }
    }

    /// Months since year 0, for arithmetic.
    pub fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    pub fn from_index(i: i64) -> YearMonth {
        YearMonth::new(
            i32::try_from(i.div_euclid(12)).unwrap_or(i32::MAX),
            u32::try_from(i.rem_euclid(12)).unwrap_or(0) + 1,
        )
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.clamp(1, 12), 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MIN)
    }

    pub fn quarter(self) -> Quarter {
        Quarter {
            year: self.year,
            quarter: (self.month.clamp(1, 12) - 1) / 3 + 1,
        }
    }
}

/// "tháng 3/2026".
impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tháng {}/{}", self.month, self.year)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Quarter {
    pub year: i32,
    /// 1–4.
    pub quarter: u32,
}

impl Quarter {
    pub fn first_month(self) -> YearMonth {
        YearMonth::new(self.year, (self.quarter - 1) * 3 + 1)
    }

    pub fn last_month(self) -> YearMonth {
        YearMonth::new(self.year, (self.quarter - 1) * 3 + 3)
    }
}

/// "quý II/2026".
impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let roman = ["I", "II", "III", "IV"];
        let q = roman
            .get(self.quarter.saturating_sub(1) as usize)
            .unwrap_or(&"?");
        write!(f, "quý {q}/{}", self.year)
    }
}

/// Months `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Period {
    pub from: YearMonth,
    pub to: YearMonth,
}

impl Period {
    pub fn year(year: i32) -> Period {
        Period {
            from: YearMonth::new(year, 1),
            to: YearMonth::new(year, 12),
        }
    }

    pub fn months(self) -> impl Iterator<Item = YearMonth> {
        (self.from.index()..=self.to.index()).map(YearMonth::from_index)
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        let m = YearMonth::of(date);
        self.from <= m && m <= self.to
    }
}

/// One meeting as registered and, if so, held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MeetingEntry {
    pub meeting_id: MeetingId,
    pub kind: MeetingKind,
    /// When the registration was made; `None`: held without registering.
    pub registered_on: Option<NaiveDate>,
    /// The date registered for the meeting.
    pub scheduled_for: Option<NaiveDate>,
    /// When it was held; `None`: not (yet) held.
    pub held_on: Option<NaiveDate>,
    /// Length in minutes, from the minutes' start and end times.
    pub minutes_long: Option<u32>,
    /// Members absent without reason at this meeting.
    #[serde(default)]
    pub absent_without_reason: Vec<NamedMember>,
    /// Cancelled before it opened (hủy): never held, its registration not judged.
    #[serde(default)]
    pub cancelled: bool,
}

/// A cell's meetings over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellMeetings {
    pub cell_id: OrgId,
    pub cell_name: String,
    pub meetings: Vec<MeetingEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LateRegistration {
    pub meeting_id: MeetingId,
    pub registered_on: NaiveDate,
    pub scheduled_for: NaiveDate,
    /// Days between registering and the meeting (negative: registered afterwards).
    pub days_ahead: i64,
    pub required_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ShortMeeting {
    pub meeting_id: MeetingId,
    pub held_on: NaiveDate,
    pub kind: MeetingKind,
    pub minutes: u32,
    pub required: u32,
}

/// A member absent without reason in `months.len()` months of one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RepeatedAbsence {
    pub member_id: MemberId,
    pub full_name: String,
    pub year: i32,
    pub months: Vec<YearMonth>,
}

/// One cell's compliance over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellCompliance {
    pub cell_id: OrgId,
    pub cell_name: String,
    pub period: Period,
    /// Months that have ended and were judged.
    pub months_judged: u32,
    pub months_without_regular: Vec<YearMonth>,
    pub quarters_judged: u32,
    pub quarters_without_thematic: Vec<Quarter>,
    pub late_registrations: Vec<LateRegistration>,
    /// Held without being registered.
    pub unregistered: Vec<MeetingId>,
    pub short_meetings: Vec<ShortMeeting>,
    /// Grounds for removal from the list (xóa tên), Điều lệ Điều 8.
    pub repeated_absences: Vec<RepeatedAbsence>,
    pub compliant: bool,
    /// One sentence per finding, in Vietnamese.
    pub findings: Vec<String>,
}

/// Judges a cell's meetings in `period`, as of `today`.
pub fn compliance(
    cell: &CellMeetings,
    period: Period,
    today: NaiveDate,
    rules: &ScheduleRules,
) -> CellCompliance {
    let held: Vec<(&MeetingEntry, NaiveDate)> = cell
        .meetings
        .iter()
        .filter_map(|m| m.held_on.map(|d| (m, d)))
        .filter(|(_, d)| period.contains(*d))
        .collect();

    let mut months_judged = 0;
    let mut months_without_regular = Vec::new();
    let need_regular = rules.regular_per_month.value as usize;
    for month in period.months().filter(|m| m.last_day() < today) {
        months_judged += 1;
        let n = held
            .iter()
            .filter(|(m, d)| YearMonth::of(*d) == month && m.kind != MeetingKind::Thematic)
            .count();
        if n < need_regular {
            months_without_regular.push(month);
        }
    }

    let mut quarters_judged = 0;
    let mut quarters_without_thematic = Vec::new();
    let need_thematic = rules.thematic_per_quarter.value as usize;
    let mut quarters: Vec<Quarter> = period.months().map(YearMonth::quarter).collect();
    quarters.dedup();
    for q in quarters.into_iter().filter(|q| {
        q.first_month() >= period.from
            && q.last_month() <= period.to
            && q.last_month().last_day() < today
    }) {
        quarters_judged += 1;
        let n = held
            .iter()
            .filter(|(m, d)| YearMonth::of(*d).quarter() == q && m.kind != MeetingKind::Regular)
            .count();
        if n < need_thematic {
            quarters_without_thematic.push(q);
        }
    }

    let lead = rules.registration_lead_days.value;
    let mut late_registrations = Vec::new();
    let mut unregistered = Vec::new();
    for m in cell.meetings.iter().filter(|m| !m.cancelled) {
        let in_period = m
            .scheduled_for
            .or(m.held_on)
            .is_some_and(|d| period.contains(d));
        if !in_period {
            continue;
        }
        match (m.registered_on, m.scheduled_for) {
            (Some(reg), Some(sched)) => {
                let days_ahead = (sched - reg).num_days();
                if registered_late(reg, sched, lead) {
                    late_registrations.push(LateRegistration {
                        meeting_id: m.meeting_id,
                        registered_on: reg,
                        scheduled_for: sched,
                        days_ahead,
                        required_days: lead,
                    });
                }
            }
            _ if m.held_on.is_some() => unregistered.push(m.meeting_id),
            _ => {}
        }
    }

    let min = rules.min_minutes.value;
    let short_meetings: Vec<ShortMeeting> = held
        .iter()
        .filter_map(|(m, d)| {
            let minutes = m.minutes_long?;
            let required = min.for_kind(m.kind);
            (minutes < required).then_some(ShortMeeting {
                meeting_id: m.meeting_id,
                held_on: *d,
                kind: m.kind,
                minutes,
                required,
            })
        })
        .collect();

    let repeated_absences = repeated_absences(&held, rules.absence_months_per_year.value);

    let mut findings = Vec::new();
    if !months_without_regular.is_empty() {
        findings.push(format!(
            "Không sinh hoạt thường kỳ {}: {}.",
            plural_months(months_without_regular.len()),
            join(&months_without_regular)
        ));
    }
    if !quarters_without_thematic.is_empty() {
        findings.push(format!(
            "Không sinh hoạt chuyên đề trong {}.",
            join(&quarters_without_thematic)
        ));
    }
    if !late_registrations.is_empty() {
        findings.push(format!(
            "{} buổi đăng ký lịch muộn (phải đăng ký trước ít nhất {lead} ngày).",
            late_registrations.len()
        ));
    }
    if !unregistered.is_empty() {
        findings.push(format!(
            "{} buổi sinh hoạt không đăng ký lịch trên phần mềm.",
            unregistered.len()
        ));
    }
    for s in &short_meetings {
        findings.push(format!(
            "Buổi ngày {} chỉ {} phút, ít hơn {} phút quy định.",
            date_vi(s.held_on),
            s.minutes,
            s.required
        ));
    }
    for a in &repeated_absences {
        findings.push(format!(
            "Đồng chí {} vắng sinh hoạt không lý do {} tháng trong năm {} ({}): chi bộ xem xét, đề nghị xóa tên.",
            a.full_name,
            a.months.len(),
            a.year,
            join(&a.months)
        ));
    }
    CellCompliance {
        cell_id: cell.cell_id,
        cell_name: cell.cell_name.clone(),
        period,
        months_judged,
        compliant: findings.is_empty(),
        months_without_regular,
        quarters_judged,
        quarters_without_thematic,
        late_registrations,
        unregistered,
        short_meetings,
        repeated_absences,
        findings,
    }
}

/// "05/03/2026" (cheaper than a strftime pattern, which is parsed on every call).
pub(crate) fn date_vi(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

fn plural_months(n: usize) -> String {
    format!("{n} tháng")
}

fn join<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn repeated_absences(held: &[(&MeetingEntry, NaiveDate)], limit: u32) -> Vec<RepeatedAbsence> {
    let mut months: BTreeMap<(MemberId, i32), (String, Vec<YearMonth>)> = BTreeMap::new();
    for (m, d) in held {
        let month = YearMonth::of(*d);
        for a in &m.absent_without_reason {
            let e = months
                .entry((a.member_id, d.year()))
                .or_insert_with(|| (a.full_name.clone(), Vec::new()));
            if !e.1.contains(&month) {
                e.1.push(month);
            }
        }
    }
    months
        .into_iter()
        .filter(|(_, (_, ms))| limit > 0 && ms.len() >= limit as usize)
        .map(|((member_id, year), (full_name, mut months))| {
            months.sort();
            RepeatedAbsence {
                member_id,
                full_name,
                year,
                months,
            }
        })
        .collect()
}

/// The upper level's view over many cells (Đảng ủy, Ban Tổ chức).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ComplianceSummary {
    pub cells: u32,
    pub compliant_cells: u32,
    /// E.g. "95,0%".
    pub compliant_share: String,
    pub cells_missing_regular: u32,
    pub months_without_regular: u32,
    pub cells_missing_thematic: u32,
    pub quarters_without_thematic: u32,
    pub late_registrations: u32,
    pub unregistered: u32,
    pub short_meetings: u32,
    pub repeated_absences: u32,
    /// The cells with a finding, worst first (most findings), for follow-up.
    pub cells_to_follow: Vec<OrgId>,
}

/// Sums cells' compliance for a committee.
pub fn summarize(cells: &[CellCompliance]) -> ComplianceSummary {
    let count = |f: &dyn Fn(&CellCompliance) -> usize| -> u32 {
        u32::try_from(cells.iter().map(f).sum::<usize>()).unwrap_or(u32::MAX)
    };
    let mut to_follow: Vec<&CellCompliance> = cells.iter().filter(|c| !c.compliant).collect();
    to_follow.sort_by_key(|c| std::cmp::Reverse(c.findings.len()));
    let n = u32::try_from(cells.len()).unwrap_or(u32::MAX);
    let compliant = count(&|c| usize::from(c.compliant));
    ComplianceSummary {
        cells: n,
        compliant_cells: compliant,
        compliant_share: percent_vi(compliant, n),
        cells_missing_regular: count(&|c| usize::from(!c.months_without_regular.is_empty())),
        months_without_regular: count(&|c| c.months_without_regular.len()),
        cells_missing_thematic: count(&|c| usize::from(!c.quarters_without_thematic.is_empty())),
        quarters_without_thematic: count(&|c| c.quarters_without_thematic.len()),
        late_registrations: count(&|c| c.late_registrations.len()),
        unregistered: count(&|c| c.unregistered.len()),
        short_meetings: count(&|c| c.short_meetings.len()),
        repeated_absences: count(&|c| c.repeated_absences.len()),
        cells_to_follow: to_follow.into_iter().map(|c| c.cell_id).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use crate::rules::testkit::*;

    fn rules() -> ScheduleRules {
        RuleSet::national_default().schedule
    }

    fn held(id: i64, kind: MeetingKind, date: NaiveDate, minutes: u32) -> MeetingEntry {
        MeetingEntry {
            meeting_id: MeetingId(id),
            kind,
            registered_on: date.checked_sub_days(chrono::Days::new(7)),
            scheduled_for: Some(date),
            held_on: Some(date),
            minutes_long: Some(minutes),
            absent_without_reason: vec![],
            cancelled: false,
        }
    }

    /// A year with 12 regular and 4 thematic meetings, all in order.
    fn good_year() -> Vec<MeetingEntry> {
        let mut m: Vec<MeetingEntry> = (1..=12)
            .map(|mo| held(i64::from(mo), MeetingKind::Regular, d(2026, mo, 5), 95))
            .collect();
        for q in 0..4 {
            m.push(held(
                100 + i64::from(q),
                MeetingKind::Thematic,
                d(2026, q * 3 + 2, 20),
                90,
            ));
        }
        m
    }

    fn cell(meetings: Vec<MeetingEntry>) -> CellMeetings {
        CellMeetings {
            cell_id: OrgId(7),
            cell_name: "Chi bộ Khu phố 3".into(),
            meetings,
        }
    }

    fn run(meetings: Vec<MeetingEntry>, today: NaiveDate) -> CellCompliance {
        compliance(&cell(meetings), Period::year(2026), today, &rules())
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn schedule_cases() {
        let end = d(2027, 1, 10);
        let without = |ids: &[i64]| -> Vec<MeetingEntry> {
            good_year()
                .into_iter()
                .filter(|m| !ids.contains(&m.meeting_id.0))
                .collect()
        };
        let with = |extra: MeetingEntry, drop: &[i64]| {
            let mut v = without(drop);
            v.push(extra);
            v
        };
        // (name, source, meetings, today, check)
        type Check = fn(&CellCompliance) -> bool;
        let cases: Vec<(&str, &str, Vec<MeetingEntry>, NaiveDate, Check)> = vec![
            ("a full year is compliant", "HD 12", good_year(), end, |c| {
                c.compliant && c.months_judged == 12 && c.quarters_judged == 4
            }),
            (
                "March missing",
                "HD 12: sinh hoạt thường kỳ hằng tháng",
                without(&[3]),
                end,
                |c| c.months_without_regular == vec![YearMonth::new(2026, 3)] && !c.compliant,
            ),
            (
                "a thematic meeting does not replace March's regular one",
                "HD 12-HD/BTCTW: chuyên đề không thay thường kỳ",
                with(held(50, MeetingKind::Thematic, d(2026, 3, 25), 100), &[3]),
                end,
                |c| c.months_without_regular == vec![YearMonth::new(2026, 3)],
            ),
            (
                "a combined meeting counts as both",
                "HD 12: thường kỳ kết hợp chuyên đề",
                with(
                    held(50, MeetingKind::Combined, d(2026, 5, 5), 125),
                    &[5, 101],
                ),
                end,
                |c| c.compliant,
            ),
            (
                "no thematic meeting in Q3",
                "HD 12: chuyên đề ít nhất mỗi quý",
                without(&[102]),
                end,
                |c| {
                    c.quarters_without_thematic
                        == vec![Quarter {
                            year: 2026,
                            quarter: 3,
                        }]
                },
            ),
            (
                "months not yet over are not judged",
                "time is an argument",
                without(&[6, 7]),
                d(2026, 7, 1),
                |c| {
                    c.months_judged == 6
                        && c.months_without_regular == vec![YearMonth::new(2026, 6)]
                        && c.quarters_judged == 2
                },
            ),
            (
                "89 minutes is short, 90 is not",
                "HD 12: ít nhất 90 phút",
                with(held(50, MeetingKind::Regular, d(2026, 4, 5), 89), &[4]),
                end,
                |c| c.short_meetings.len() == 1 && c.short_meetings[0].required == 90,
            ),
            (
                "combined needs 120",
                "HD 12: 120 phút khi kết hợp",
                with(held(50, MeetingKind::Combined, d(2026, 4, 5), 119), &[4]),
                end,
                |c| c.short_meetings.len() == 1 && c.short_meetings[0].required == 120,
            ),
            (
                "combined at 120 is fine",
                "HD 12",
                with(held(50, MeetingKind::Combined, d(2026, 4, 5), 120), &[4]),
                end,
                |c| c.compliant,
            ),
            (
                "registered 2 days ahead is late",
                "docs/rules.md#registration-and-notification: hạn 3 ngày (mặc định)",
                with(
                    MeetingEntry {
                        registered_on: Some(d(2026, 4, 3)),
                        ..held(50, MeetingKind::Regular, d(2026, 4, 5), 95)
                    },
                    &[4],
                ),
                end,
                |c| c.late_registrations.len() == 1 && c.late_registrations[0].days_ahead == 2,
            ),
            (
                "registered 3 days ahead is on time",
                "mặc định 3 ngày",
                with(
                    MeetingEntry {
                        registered_on: Some(d(2026, 4, 2)),
                        ..held(50, MeetingKind::Regular, d(2026, 4, 5), 95)
                    },
                    &[4],
                ),
                end,
                |c| c.compliant,
            ),
            (
                "held without registering",
                "docs/rules.md#registration-and-notification",
                with(
                    MeetingEntry {
                        registered_on: None,
                        scheduled_for: None,
                        ..held(50, MeetingKind::Regular, d(2026, 4, 5), 95)
                    },
                    &[4],
                ),
                end,
                |c| c.unregistered == vec![MeetingId(50)],
            ),
        ];
        for (name, source, meetings, today, check) in cases {
            let c = run(meetings, today);
            assert!(check(&c), "{name} [{source}]: {c:#?}");
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn three_months_absent_without_reason() {
        let who = |id: i64| NamedMember {
            member_id: MemberId(id),
            full_name: entry(id, crate::member::PartyStatus::Full).full_name,
        };
        let mut year = good_year();
        // Member 1: Feb, May, Sep (3 months). Member 2: Feb and May only, twice in May.
        for m in year.iter_mut() {
            match m.meeting_id.0 {
                2 | 5 => m.absent_without_reason = vec![who(1), who(2)],
                9 => m.absent_without_reason = vec![who(1)],
                101 => m.absent_without_reason = vec![who(2)], // thematic, 20/5: same month
                _ => {}
            }
        }
        let c = run(year, d(2027, 1, 10));
        assert_eq!(
            c.repeated_absences.len(),
            1,
            "Điều lệ Điều 8: 3 tháng trong năm"
        );
        let a = &c.repeated_absences[0];
        assert_eq!(a.member_id, MemberId(1));
        assert_eq!(a.months.len(), 3);
        assert!(c.findings.iter().any(|f| f.contains("đề nghị xóa tên")
            && f.contains("tháng 2/2026, tháng 5/2026, tháng 9/2026")));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn committee_summary() {
        let end = d(2027, 1, 10);
        let ok = run(good_year(), end);
        let mut two_missing = good_year();
        two_missing.retain(|m| m.meeting_id.0 != 3 && m.meeting_id.0 != 4);
        let bad = compliance(&cell(two_missing), Period::year(2026), end, &rules());
        let s = summarize(&[ok.clone(), bad.clone(), ok]);
        assert_eq!(
            (
                s.cells,
                s.compliant_cells,
                s.cells_missing_regular,
                s.months_without_regular
            ),
            (3, 2, 1, 2)
        );
        assert_eq!(s.compliant_share, "66,7%");
        assert_eq!(s.cells_to_follow, vec![OrgId(7)]);
        assert!(
            bad.findings[0]
                .contains("Không sinh hoạt thường kỳ 2 tháng: tháng 3/2026, tháng 4/2026.")
        );
        assert_eq!(
            Quarter {
                year: 2026,
                quarter: 2
            }
            .to_string(),
            "quý II/2026"
        );
    }
}
