//! Every cell at a glance (theo dõi các chi bộ): the compact facts a committee's
//! dashboard receives for every cell below it over a period, and every figure
//! computed from them — each cell's month (registered on time, held, thematic
//! meeting in the quarter, attendance, members who spoke, scores, visits and
//! their reports), roll-ups per organization and per month, filters, sorting,
//! the charts' series and the figures the press reports cite (docs/rules.md#sources: share of cells visited
//! in a term, visits "lượt", reports filed on time).
//!
//! The facts are columnar (one vector per column, rows by index) and small:
//! days are counted from the period's first day, organizations, cells and
//! visitors are referred to by their index. The browser computes the figures;
//! the server computes the same ones for the .xlsx export.
//!
//! Rules reused: months without a regular meeting, quarters without a thematic
//! one and late registrations are `rules::schedule::compliance`'s, attendance
//! permille is `rules::attendance`'s, a report's due day is the visit's day
//! plus `rules::visits::VisitRules::report_within_days` (as in
//! `rules::visits::review`).

use crate::calendar::SlotStatus;
use crate::ids::{AccountId, MeetingId, OrgId};
use crate::meeting::MeetingKind;
use crate::rules::attendance::permille;
use crate::rules::schedule::{
    CellMeetings, MeetingEntry, Period, Quarter, ScheduleRules, YearMonth, compliance,
};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The longest period one request or export covers (5 years, in months).
pub const MAX_RANGE_MONTHS: i64 = 60;
/// Rows shown on one page of the dashboard's table.
pub const PAGE_ROWS: usize = 50;

/// Why a period is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("Tháng phải có dạng NNNN-TT, ví dụ 2026-05.")]
    Malformed,
    #[error("Năm phải từ 2000 đến 2100.")]
    YearOutOfRange,
    #[error("Tháng bắt đầu phải trước hoặc bằng tháng kết thúc.")]
    Reversed,
    #[error("Khoảng thời gian dài nhất là 5 năm (60 tháng); hãy chọn khoảng ngắn hơn.")]
    TooLong,
}

impl crate::i18n::Message for RangeError {
    fn english(&self) -> (&'static str, String) {
        use RangeError::*;
        match self {
            Malformed => (
                "malformed",
                "A month is written YYYY-MM, e.g. 2026-05.".into(),
            ),
            YearOutOfRange => (
                "year_out_of_range",
                "The year must be from 2000 to 2100.".into(),
            ),
            Reversed => (
                "reversed",
                "The first month must be before or the same as the last.".into(),
            ),
            TooLong => (
                "too_long",
                "The longest period is 5 years (60 months); choose a shorter one.".into(),
            ),
        }
    }
}

/// Reads "2026-05".
pub fn parse_month(s: &str) -> Result<YearMonth, RangeError> {
    let (y, m) = s.trim().split_once('-').ok_or(RangeError::Malformed)?;
    if y.len() != 4 || m.is_empty() || m.len() > 2 {
        return Err(RangeError::Malformed);
    }
    let year: i32 = y.parse().map_err(|_| RangeError::Malformed)?;
    let month: u32 = m.parse().map_err(|_| RangeError::Malformed)?;
    if !(1..=12).contains(&month) {
        return Err(RangeError::Malformed);
    }
    if !(crate::calendar::MIN_YEAR..=crate::calendar::MAX_YEAR).contains(&year) {
        return Err(RangeError::YearOutOfRange);
    }
    Ok(YearMonth::new(year, month))
}

/// "2026-05".
pub fn month_param(m: YearMonth) -> String {
    format!("{:04}-{:02}", m.year, m.month)
}

/// The period from `from` to `to`, both included, at most [`MAX_RANGE_MONTHS`].
pub fn check_range(from: YearMonth, to: YearMonth) -> Result<Period, RangeError> {
    if from > to {
        return Err(RangeError::Reversed);
    }
    if to.index() - from.index() + 1 > MAX_RANGE_MONTHS {
        return Err(RangeError::TooLong);
    }
    Ok(Period { from, to })
}

/// The rules a cell's figures are judged by: the schedule part of the rule
/// set in force and the days to file a visit report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellRules {
    pub schedule: ScheduleRules,
    pub report_within_days: u32,
}

/// Organizations from the committee asked for down to the cells' parents;
/// row 0 is the committee itself.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrgColumns {
    pub id: Vec<OrgId>,
    pub name: Vec<String>,
    /// Index of the parent row (`None` for row 0).
    pub parent: Vec<Option<u32>>,
}

/// Every cell (chi bộ) below the committee.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellColumns {
    pub id: Vec<OrgId>,
    pub name: Vec<String>,
    /// Index of the organization row directly above.
    pub org: Vec<u32>,
    /// Members on the roll today.
    pub members: Vec<u32>,
    /// Index into `OversightFacts::rules`.
    pub rules: Vec<u32>,
    /// Visit recommendations (kiến nghị) not yet answered as done.
    pub open_recommendations: Vec<u32>,
}

/// The cells' meetings in the period (registered, held or cancelled).
/// Days are counted from `OversightFacts::epoch`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MeetingColumns {
    pub id: Vec<MeetingId>,
    /// Index of the cell row.
    pub cell: Vec<u32>,
    /// 0 regular (thường kỳ), 1 thematic (chuyên đề), 2 combined.
    pub kind: Vec<u8>,
    /// The day registered for.
    pub day: Vec<i32>,
    /// The day the registration was made.
    pub registered: Vec<i32>,
    /// 0 registered, 1 held (opened or closed), 2 cancelled.
    pub state: Vec<u8>,
    /// The attendance denominator, once closed (`meeting_outcomes`).
    pub expected: Vec<Option<u16>>,
    pub present: Vec<u16>,
    /// Distinct members present who spoke or gave an opinion.
    pub speakers: Vec<u16>,
    pub minutes: Vec<u16>,
    /// The cell's proposed total, in tenths of a point.
    pub cell_tenths: Vec<Option<u16>>,
    /// The upper level's confirmed total, in tenths of a point.
    pub upper_tenths: Vec<Option<u16>>,
}

/// Upper-level committee members who visited or were planned (accounts).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PeopleColumns {
    pub id: Vec<AccountId>,
    pub name: Vec<String>,
}

/// Visits (lượt dự sinh hoạt) to the cells in the period.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VisitColumns {
    /// Index of the visitor row.
    pub visitor: Vec<u32>,
    pub cell: Vec<u32>,
    pub day: Vec<i32>,
    /// The day the report was filed, if it was.
    pub report: Vec<Option<i32>>,
}

/// The committees' visit plans: a visitor planned for a cell in a quarter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanColumns {
    pub visitor: Vec<u32>,
    pub cell: Vec<u32>,
    pub year: Vec<i32>,
    /// 1–4.
    pub quarter: Vec<u8>,
}

/// What `GET /api/organizations/{id}/oversight` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OversightFacts {
    pub org_id: OrgId,
    pub org_name: String,
    pub from: YearMonth,
    pub to: YearMonth,
    pub today: NaiveDate,
    /// Day 0 of every day column: the period's first day.
    pub epoch: NaiveDate,
    /// The distinct rules the cells follow.
    pub rules: Vec<CellRules>,
    pub orgs: OrgColumns,
    pub cells: CellColumns,
    pub meetings: MeetingColumns,
    pub visitors: PeopleColumns,
    pub visits: VisitColumns,
    pub plans: PlanColumns,
}

/// Day number of `d` from `epoch` (what the day columns hold).
pub fn day_number(epoch: NaiveDate, d: NaiveDate) -> i32 {
    i32::try_from((d - epoch).num_days()).unwrap_or(i32::MAX)
}

/// The day a day column's number means.
pub fn day_of(epoch: NaiveDate, n: i32) -> NaiveDate {
    if n >= 0 {
        epoch.checked_add_days(Days::new(n.unsigned_abs().into()))
    } else {
        epoch.checked_sub_days(Days::new(n.unsigned_abs().into()))
    }
    .unwrap_or(epoch)
}

/// The kind column's code.
pub fn kind_code(kind: MeetingKind) -> u8 {
    match kind {
        MeetingKind::Regular => 0,
        MeetingKind::Thematic => 1,
        MeetingKind::Combined => 2,
    }
}

fn kind_of(code: u8) -> MeetingKind {
    match code {
        1 => MeetingKind::Thematic,
        2 => MeetingKind::Combined,
        _ => MeetingKind::Regular,
    }
}

/// Where a visit's report stands (báo cáo kết quả dự sinh hoạt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Filed within the rule's days.
    OnTime,
    /// Filed after the due day.
    Late,
    /// Not filed and past due.
    Overdue,
    /// Not filed, still within the days.
    Pending,
}

/// A visit's report: due `within` days after the visit (as `rules::visits::review`).
pub fn report_state(
    visit: NaiveDate,
    filed: Option<NaiveDate>,
    today: NaiveDate,
    within: u32,
) -> ReportState {
    let due = crate::rules::visits::report_due_on(visit, within);
    match filed {
        Some(f) if f <= due => ReportState::OnTime,
        Some(_) => ReportState::Late,
        None if today > due => ReportState::Overdue,
        None => ReportState::Pending,
    }
}

/// A cell's month: every column of the dashboard's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellMonth {
    /// Index of the cell row.
    pub cell: u32,
    pub month: YearMonth,
    /// The month's regular meeting, as on the cell's year page.
    pub status: SlotStatus,
    /// `None`: nothing registered (not cancelled) for the month.
    pub registered_on_time: Option<bool>,
    pub held: bool,
    /// A thematic (or combined) meeting held in the month's quarter;
    /// `Some(false)` only once the quarter is judged without one.
    pub thematic: Option<bool>,
    /// The meeting shown (held first, then registered, then cancelled).
    pub meeting: Option<MeetingId>,
    /// Tỷ lệ dự họp, tenths of a percent.
    pub attendance_permille: Option<u32>,
    /// Share of members present who spoke, tenths of a percent.
    pub spoke_permille: Option<u32>,
    pub cell_tenths: Option<u32>,
    pub upper_tenths: Option<u32>,
    /// Visits (lượt) to the cell in the month.
    pub visits: u32,
    pub reports_on_time: u32,
    /// Filed late, or not filed and past due.
    pub reports_late: u32,
    /// The cell's open recommendations (today, whatever the month).
    pub open_recommendations: u32,
}

impl CellMonth {
    /// A visit report filed late or missing.
    pub fn has_late_report(&self) -> bool {
        self.reports_late > 0
    }
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn idx(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Every cell's months in the period (cells in their order, months in order).
pub fn cell_months(f: &OversightFacts) -> Vec<CellMonth> {
    let period = Period {
        from: f.from,
        to: f.to,
    };
    let ncells = f.cells.id.len();
    let mut by_cell: Vec<Vec<usize>> = vec![Vec::new(); ncells];
    for (i, &c) in f.meetings.cell.iter().enumerate() {
        if let Some(v) = by_cell.get_mut(idx(c)) {
            v.push(i);
        }
    }
    let mut visits_by_cell: Vec<Vec<usize>> = vec![Vec::new(); ncells];
    for (i, &c) in f.visits.cell.iter().enumerate() {
        if let Some(v) = visits_by_cell.get_mut(idx(c)) {
            v.push(i);
        }
    }
    let fallback = CellRules {
        schedule: crate::rules::RuleSet::national_default().schedule,
        report_within_days: crate::rules::RuleSet::national_default()
            .visits
            .report_within_days
            .value,
    };
    let m = &f.meetings;
    let at = |v: &[u16], i: usize| v.get(i).copied().map(u32::from).unwrap_or(0);
    let mut out = Vec::with_capacity(ncells * period.months().count());
    for (c, rows) in by_cell.iter().enumerate() {
        let rules = f
            .cells
            .rules
            .get(c)
            .and_then(|r| f.rules.get(idx(*r)))
            .unwrap_or(&fallback);
        let entries: Vec<MeetingEntry> = rows
            .iter()
            .map(|&i| {
                let day = day_of(f.epoch, m.day.get(i).copied().unwrap_or(0));
                let state = m.state.get(i).copied().unwrap_or(0);
                MeetingEntry {
                    meeting_id: m.id.get(i).copied().unwrap_or(MeetingId(0)),
                    kind: kind_of(m.kind.get(i).copied().unwrap_or(0)),
                    registered_on: Some(day_of(f.epoch, m.registered.get(i).copied().unwrap_or(0))),
                    scheduled_for: Some(day),
                    held_on: (state == 1).then_some(day),
                    minutes_long: None,
                    absent_without_reason: Vec::new(),
                    cancelled: state == 2,
                }
            })
            .collect();
        let cell = CellMeetings {
            cell_id: f.cells.id.get(c).copied().unwrap_or(OrgId(0)),
            cell_name: String::new(),
            meetings: entries,
        };
        let judged = compliance(&cell, period, f.today, &rules.schedule);
        let late: BTreeSet<MeetingId> = judged
            .late_registrations
            .iter()
            .map(|l| l.meeting_id)
            .collect();
        let open_recs = f.cells.open_recommendations.get(c).copied().unwrap_or(0);
        for month in period.months() {
            // The month's regular (or combined) meetings, ranked as the year page does.
            let here = rows.iter().zip(&cell.meetings).filter(|(_, e)| {
                e.kind != MeetingKind::Thematic && e.scheduled_for.map(YearMonth::of) == Some(month)
            });
            let shown = here.min_by_key(|(i, e)| {
                let rank = if e.cancelled {
                    2
                } else if e.held_on.is_some() {
                    0
                } else {
                    1
                };
                (rank, e.scheduled_for, **i)
            });
            let missing = judged.months_without_regular.contains(&month);
            let quarter = month.quarter();
            let thematic_held = cell.meetings.iter().any(|e| {
                e.kind != MeetingKind::Regular
                    && e.held_on.map(|d| YearMonth::of(d).quarter()) == Some(quarter)
            });
            let thematic = if thematic_held {
                Some(true)
            } else if judged.quarters_without_thematic.contains(&quarter) {
                Some(false)
            } else {
                None
            };
            let mut row = CellMonth {
                cell: u32_of(c),
                month,
                status: if missing || month.last_day() < f.today {
                    SlotStatus::Missing
                } else {
                    SlotStatus::Open
                },
                registered_on_time: None,
                held: false,
                thematic,
                meeting: None,
                attendance_permille: None,
                spoke_permille: None,
                cell_tenths: None,
                upper_tenths: None,
                visits: 0,
                reports_on_time: 0,
                reports_late: 0,
                open_recommendations: open_recs,
            };
            if let Some((&i, e)) = shown {
                row.meeting = Some(e.meeting_id);
                let is_late = late.contains(&e.meeting_id);
                if !e.cancelled {
                    row.registered_on_time = Some(!is_late);
                }
                row.held = e.held_on.is_some();
                row.status = if e.held_on.is_some() {
                    SlotStatus::Held
                } else if e.cancelled {
                    SlotStatus::Cancelled
                } else if missing {
                    SlotStatus::Missing
                } else if is_late {
                    SlotStatus::Late
                } else {
                    SlotStatus::OnTime
                };
                if let Some(Some(expected)) = m.expected.get(i) {
                    let expected = u32::from(*expected);
                    let present = at(&m.present, i);
                    if expected > 0 {
                        row.attendance_permille = Some(permille(present.min(expected), expected));
                    }
                    if present > 0 {
                        row.spoke_permille =
                            Some(permille(at(&m.speakers, i).min(present), present));
                    }
                }
                row.cell_tenths = m.cell_tenths.get(i).copied().flatten().map(u32::from);
                row.upper_tenths = m.upper_tenths.get(i).copied().flatten().map(u32::from);
            }
            for &v in &visits_by_cell[c] {
                let day = day_of(f.epoch, f.visits.day.get(v).copied().unwrap_or(0));
                if YearMonth::of(day) != month {
                    continue;
                }
                row.visits += 1;
                let filed = f.visits.report.get(v).copied().flatten();
                match report_state(
                    day,
                    filed.map(|n| day_of(f.epoch, n)),
                    f.today,
                    rules.report_within_days,
                ) {
                    ReportState::OnTime => row.reports_on_time += 1,
                    ReportState::Late | ReportState::Overdue => row.reports_late += 1,
                    ReportState::Pending => {}
                }
            }
            out.push(row);
        }
    }
    out
}

/// What a closed meeting's record says, kept when it closes
/// (`meeting_outcomes`) so that the dashboard never replays event logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingOutcome {
    pub held_on: NaiveDate,
    /// The attendance denominator (`rules::attendance::AttendanceFigures::expected`).
    pub expected: u32,
    pub present: u32,
    pub excused: u32,
    /// Absent without reason, or never marked.
    pub absent: u32,
    /// Distinct members present who spoke or gave an opinion.
    pub speakers: u32,
    pub duration_minutes: u32,
}

/// The outcome of a closed meeting; `None` while it is not closed.
pub fn outcome_of(live: &crate::live::state::LiveState) -> Option<MeetingOutcome> {
    use crate::live::state::Speaker;
    let (opened, closed) = (live.opened_at?, live.closed_at?);
    let figures = live.attendance_figures();
    let spoke: BTreeSet<crate::ids::MemberId> = live
        .turns
        .iter()
        .map(|t| t.speaker)
        .chain(live.opinions.iter().map(|o| o.author))
        .filter_map(|s| match s {
            Speaker::Member(m) => Some(m),
            Speaker::Visitor(_) => None,
        })
        .filter(|m| live.mark_of(*m).is_some_and(|a| a.presence.is_present()))
        .collect();
    Some(MeetingOutcome {
        held_on: opened.date(),
        expected: figures.expected,
        present: figures.present,
        excused: figures.absent_with_reason,
        absent: figures.absent_without_reason + figures.unmarked,
        speakers: u32_of(spoke.len()),
        duration_minutes: u32::try_from((closed - opened).num_minutes().max(0)).unwrap_or(u32::MAX),
    })
}

/// "86,7" from permille (for screens and texts; the workbook keeps numbers).
pub fn permille_vi(p: u32) -> String {
    format!("{},{}", p / 10, p % 10)
}

mod rollup;
mod table;

pub use rollup::*;
pub use table::*;

#[cfg(test)]
mod tests;
