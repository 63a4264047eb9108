//! A cell's year of meetings (lịch sinh hoạt cả năm): twelve months with their
//! regular meeting and four quarters with their thematic one, each registered on
//! time, registered late, held, cancelled (with its reason) or missing; the
//! year's figures; cancelling (hủy) and rescheduling (đổi lịch) a meeting not
//! yet opened; and, for a committee, the cells below it that have not
//! registered a month's regular meeting.
//!
//! Every judgement comes from [`crate::rules::schedule`]: what is missing from
//! [`compliance`], what is late from [`registered_late`]. Today is an argument.
//! Rules: docs/rules.md#registering-on-time.

use crate::error::{FieldError, FieldErrors};
use crate::ids::{MeetingId, OrgId};
use crate::meeting::{Meeting, MeetingKind, MeetingStatus};
use crate::rules::schedule::{
    CellMeetings, MeetingEntry, Period, Quarter, ScheduleRules, YearMonth, compliance,
    registration_deadline,
};
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The years a year view may be asked for.
pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2100;
/// The longest reason for cancelling or rescheduling a meeting, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// A meeting cancelled before it opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Cancellation {
    /// When it was cancelled (local time).
    pub at: NaiveDateTime,
    pub reason: String,
}

/// A meeting moved to another time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Rescheduling {
    /// The time first registered (kept across later changes).
    pub from: NaiveDateTime,
    /// Why it was moved, as last given; empty when moved through the full edit.
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/meetings/{id}/cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    pub reason: String,
}

/// `POST /api/meetings/{id}/reschedule`: the new start (local time) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RescheduleRequest {
    pub starts_at: NaiveDateTime,
    pub reason: String,
}

/// `POST /api/organizations/{id}/unregistered/remind`: the month whose
/// unregistered cells the committee reminds (đôn đốc, nhắc nhở).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RemindRequest {
    #[cfg_attr(feature = "server", schema(minimum = 2000, maximum = 2100))]
    pub year: i64,
    /// 1–12.
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 12))]
    pub month: i64,
}

/// What a reminder reached: the cells reminded and the people newly told
/// (a second reminder the same day tells nobody again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RemindReport {
    pub cells: u32,
    pub notified: u32,
}

/// Why a cancellation, a rescheduling or a year view is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    #[error("Cần ghi lý do.")]
    ReasonMissing,
    #[error("Lý do quá dài (tối đa {MAX_REASON_CHARS} ký tự).")]
    ReasonTooLong,
    #[error("Thời gian sinh hoạt đã qua.")]
    StartsInPast,
    #[error("Năm phải từ {MIN_YEAR} đến {MAX_YEAR}.")]
    YearOutOfRange,
    #[error("Tháng phải từ 1 đến 12.")]
    MonthOutOfRange,
}

impl crate::i18n::Message for CalendarError {
    fn english(&self) -> (&'static str, String) {
        use CalendarError::*;
        match self {
            ReasonMissing => ("reason_missing", "Give the reason.".into()),
            ReasonTooLong => (
                "reason_too_long",
                format!("The reason is too long (at most {MAX_REASON_CHARS} characters)."),
            ),
            StartsInPast => (
                "starts_in_past",
                "The time of the meeting has passed.".into(),
            ),
            YearOutOfRange => (
                "year_out_of_range",
                format!("The year must be from {MIN_YEAR} to {MAX_YEAR}."),
            ),
            MonthOutOfRange => (
                "month_out_of_range",
                "The month must be from 1 to 12.".into(),
            ),
        }
    }
}

impl CalendarError {
    pub fn field(&self) -> &'static str {
        match self {
            CalendarError::ReasonMissing | CalendarError::ReasonTooLong => "reason",
            CalendarError::StartsInPast => "starts_at",
            CalendarError::YearOutOfRange => "year",
            CalendarError::MonthOutOfRange => "month",
        }
    }

    pub fn into_fields(self) -> FieldErrors {
        FieldErrors(vec![FieldError::of(self.field(), &self)])
    }
}

/// The reason cleaned of control characters and trimmed, or why it is refused.
pub fn check_reason(reason: &str) -> Result<String, CalendarError> {
    let reason = crate::text::clean_trimmed(reason);
    if reason.is_empty() {
        Err(CalendarError::ReasonMissing)
    } else if reason.chars().count() > MAX_REASON_CHARS {
        Err(CalendarError::ReasonTooLong)
    } else {
        Ok(reason)
    }
}

impl RescheduleRequest {
    /// The cleaned reason, or the first problem. `now` is local time.
    pub fn check(&self, now: NaiveDateTime) -> Result<String, CalendarError> {
        let reason = check_reason(&self.reason)?;
        if self.starts_at < now {
            return Err(CalendarError::StartsInPast);
        }
        Ok(reason)
    }
}

pub fn check_year(year: i32) -> Result<i32, CalendarError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(year)
    } else {
        Err(CalendarError::YearOutOfRange)
    }
}

pub fn check_month(year: i32, month: u32) -> Result<YearMonth, CalendarError> {
    check_year(year)?;
    if (1..=12).contains(&month) {
        Ok(YearMonth::new(year, month))
    } else {
        Err(CalendarError::MonthOutOfRange)
    }
}

/// A registered meeting as the schedule rules see it: registered on the day of
/// `registered_at`, for the day of `starts_at`; held (on its registered day)
/// once opened. Its length is not known here (`minutes_long: None`).
pub fn entry_of(m: &Meeting) -> MeetingEntry {
    let day = m.draft.starts_at.date();
    MeetingEntry {
        meeting_id: m.id,
        kind: m.draft.kind,
        registered_on: Some(m.registered_at.date()),
        scheduled_for: Some(day),
        held_on: (m.status != MeetingStatus::Scheduled).then_some(day),
        minutes_long: None,
        absent_without_reason: vec![],
        cancelled: m.cancelled.is_some(),
    }
}

/// Whether this meeting was registered late (fewer than the rule's days ahead).
pub fn is_late(m: &Meeting, rules: &ScheduleRules) -> bool {
    crate::rules::schedule::registered_late(
        m.registered_at.date(),
        m.draft.starts_at.date(),
        rules.registration_lead_days.value,
    )
}

/// What the registration form says as the user picks a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The last day to register on time.
    pub register_by: NaiveDate,
    pub lead_days: u32,
    /// Registering `today` for that date would be late.
    pub late_if_today: bool,
}

pub fn deadline_for(day: NaiveDate, today: NaiveDate, rules: &ScheduleRules) -> Deadline {
    let lead = rules.registration_lead_days.value;
    Deadline {
        register_by: registration_deadline(day, lead),
        lead_days: lead,
        late_if_today: crate::rules::schedule::registered_late(today, day, lead),
    }
}

/// The day a registration from an empty month starts with: the first day of the
/// month that is still on time, else the first day still to come (late), else
/// today (the month's last day). `None` once the month is over.
pub fn suggested_day(
    month: YearMonth,
    today: NaiveDate,
    rules: &ScheduleRules,
) -> Option<NaiveDate> {
    let (first, last) = (month.first_day(), month.last_day());
    if last < today {
        return None;
    }
    let after = |days: u32| {
        today
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(NaiveDate::MAX)
            .max(first)
    };
    let on_time = after(rules.registration_lead_days.value);
    let tomorrow = after(1);
    Some(if on_time <= last {
        on_time
    } else if tomorrow <= last {
        tomorrow
    } else {
        today.max(first)
    })
}

/// Where a month's regular meeting (or a quarter's thematic one) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlotStatus {
    /// Nothing registered yet, and there is still time: the secretary registers.
    Open,
    /// Registered on time, not yet held.
    OnTime,
    /// Registered late, not yet held.
    Late,
    /// Opened or closed.
    Held,
    /// Cancelled with a reason, and nothing in its place.
    Cancelled,
    /// Over, and no meeting held.
    Missing,
}

impl SlotStatus {
    pub fn label_vi(self) -> &'static str {
        match self {
            SlotStatus::Open => "Chưa đăng ký",
            SlotStatus::OnTime => "Đã đăng ký đúng hạn",
            SlotStatus::Late => "Đăng ký muộn",
            SlotStatus::Held => "Đã họp",
            SlotStatus::Cancelled => "Đã hủy",
            SlotStatus::Missing => "Không sinh hoạt",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            SlotStatus::Open => "Not registered",
            SlotStatus::OnTime => "Registered on time",
            SlotStatus::Late => "Registered late",
            SlotStatus::Held => "Held",
            SlotStatus::Cancelled => "Cancelled",
            SlotStatus::Missing => "Missing",
        }
    }
}

/// A month's regular meeting or a quarter's thematic one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Slot {
    pub status: SlotStatus,
    /// The meeting shown (held first, then registered, then cancelled).
    pub meeting_id: Option<MeetingId>,
    pub day: Option<NaiveDate>,
    /// Registered late (also once held, or when cancelled).
    pub late: bool,
    pub cancel_reason: Option<String>,
    /// Judged (over) and counted as missing by the rules.
    pub counts_missing: bool,
    /// For an open slot: the day the registration form starts with.
    pub suggested_day: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MonthSlot {
    pub month: YearMonth,
    pub regular: Slot,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct QuarterSlot {
    pub quarter: Quarter,
    pub thematic: Slot,
}

/// The year's figures.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct YearFigures {
    /// Months over, judged by the rules.
    pub months_judged: u32,
    /// Months over without a regular meeting held.
    pub months_missing: u32,
    pub quarters_judged: u32,
    pub quarters_missing: u32,
    /// Meetings held (any kind).
    pub held: u32,
    /// Meetings registered and not cancelled (any kind).
    pub registered: u32,
    /// Registrations made late (not cancelled).
    pub late: u32,
    pub cancelled: u32,
}

/// A cell's year: 12 months, 4 quarters, the figures and the rules' findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct YearView {
    pub cell_id: OrgId,
    pub year: i32,
    pub today: NaiveDate,
    /// Days ahead a meeting must be registered.
    pub lead_days: u32,
    pub months: Vec<MonthSlot>,
    pub quarters: Vec<QuarterSlot>,
    pub figures: YearFigures,
    /// One Vietnamese sentence per finding of [`compliance`].
    pub findings: Vec<String>,
    /// The confirmed meetings' final bands (chấm điểm), from the server.
    #[serde(default)]
    pub bands: Vec<crate::scoring::MeetingBand>,
    /// The year's band rolled up from them; `None` while none is confirmed.
    #[serde(default)]
    pub year_band: Option<crate::rules::scoring::YearBand>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The slot of the meetings `in_slot` (already those of the month or quarter,
/// of the right kinds).
fn slot(
    in_slot: &[&Meeting],
    late: &[MeetingId],
    counts_missing: bool,
    suggested: Option<NaiveDate>,
) -> Slot {
    let rank = |m: &&&Meeting| match (m.cancelled.is_some(), m.status) {
        (false, MeetingStatus::Live | MeetingStatus::Closed) => 0,
        (false, MeetingStatus::Scheduled) => 1,
        (true, _) => 2,
    };
    let shown = in_slot
        .iter()
        .min_by_key(|m| (rank(m), m.draft.starts_at, m.id));
    let Some(m) = shown else {
        return Slot {
            status: if counts_missing || suggested.is_none() {
                SlotStatus::Missing
            } else {
                SlotStatus::Open
            },
            meeting_id: None,
            day: None,
            late: false,
            cancel_reason: None,
            counts_missing,
            suggested_day: suggested,
        };
    };
    let is_late = late.contains(&m.id);
    let status = match (rank(&m), counts_missing) {
        (0, _) => SlotStatus::Held,
        (2, _) => SlotStatus::Cancelled,
        (_, true) => SlotStatus::Missing,
        _ if is_late => SlotStatus::Late,
        _ => SlotStatus::OnTime,
    };
    Slot {
        status,
        meeting_id: Some(m.id),
        day: Some(m.draft.starts_at.date()),
        late: is_late,
        cancel_reason: m.cancelled.as_ref().map(|c| c.reason.clone()),
        counts_missing,
        // A cancelled month may still be registered again while it lasts.
        suggested_day: (status == SlotStatus::Cancelled && !counts_missing)
            .then_some(suggested)
            .flatten(),
    }
}

/// The year view of a cell's meetings, as of `today`.
pub fn year_view(
    cell_id: OrgId,
    meetings: &[Meeting],
    year: i32,
    today: NaiveDate,
    rules: &ScheduleRules,
) -> YearView {
    let period = Period::year(year);
    let cell = CellMeetings {
        cell_id,
        cell_name: String::new(),
        meetings: meetings.iter().map(entry_of).collect(),
    };
    let judged = compliance(&cell, period, today, rules);
    // Late as the rules judge it; a cancelled meeting's registration is not
    // judged, yet the slot still says it had been registered late.
    let lead = rules.registration_lead_days.value;
    let late: Vec<MeetingId> = meetings
        .iter()
        .filter(|m| {
            crate::rules::schedule::registered_late(
                m.registered_at.date(),
                m.draft.starts_at.date(),
                lead,
            )
        })
        .map(|m| m.id)
        .collect();
    let in_year: Vec<&Meeting> = meetings
        .iter()
        .filter(|m| m.draft.starts_at.date().year() == year)
        .collect();
    let months = period
        .months()
        .map(|month| {
            let here: Vec<&Meeting> = in_year
                .iter()
                .copied()
                .filter(|m| {
                    m.draft.kind != MeetingKind::Thematic
                        && YearMonth::of(m.draft.starts_at.date()) == month
                })
                .collect();
            MonthSlot {
                month,
                regular: slot(
                    &here,
                    &late,
                    judged.months_without_regular.contains(&month),
                    suggested_day(month, today, rules),
                ),
            }
        })
        .collect();
    let quarters = (1..=4)
        .map(|q| {
            let quarter = Quarter { year, quarter: q };
            let here: Vec<&Meeting> = in_year
                .iter()
                .copied()
                .filter(|m| {
                    m.draft.kind != MeetingKind::Regular
                        && YearMonth::of(m.draft.starts_at.date()).quarter() == quarter
                })
                .collect();
            // The quarter's first day still to come, for a thematic registration.
            let suggested = (quarter.first_month().index()..=quarter.last_month().index())
                .map(YearMonth::from_index)
                .find_map(|m| suggested_day(m, today, rules));
            QuarterSlot {
                quarter,
                thematic: slot(
                    &here,
                    &late,
                    judged.quarters_without_thematic.contains(&quarter),
                    suggested,
                ),
            }
        })
        .collect();
    let figures = YearFigures {
        months_judged: judged.months_judged,
        months_missing: count(judged.months_without_regular.len()),
        quarters_judged: judged.quarters_judged,
        quarters_missing: count(judged.quarters_without_thematic.len()),
        held: count(
            in_year
                .iter()
                .filter(|m| m.cancelled.is_none() && m.status != MeetingStatus::Scheduled)
                .count(),
        ),
        registered: count(in_year.iter().filter(|m| m.cancelled.is_none()).count()),
        late: count(judged.late_registrations.len()),
        cancelled: count(in_year.iter().filter(|m| m.cancelled.is_some()).count()),
    };
    YearView {
        cell_id,
        year,
        today,
        lead_days: lead,
        months,
        quarters,
        figures,
        findings: judged.findings,
        bands: Vec::new(),
        year_band: None,
    }
}

impl YearView {
    /// Adds the final bands of the year's confirmed meetings (the cell's
    /// scored meetings outside the year are left out) and the year's band
    /// rolled up from them (`crate::scoring::year_band`).
    pub fn with_bands(
        mut self,
        scored: &[crate::scoring::MeetingBand],
        rule: &crate::rules::scoring::YearlyRollup,
    ) -> YearView {
        let shown: Vec<MeetingId> = self
            .months
            .iter()
            .filter_map(|m| m.regular.meeting_id)
            .chain(self.quarters.iter().filter_map(|q| q.thematic.meeting_id))
            .collect();
        self.bands = scored
            .iter()
            .filter(|b| shown.contains(&b.meeting_id))
            .copied()
            .collect();
        self.year_band = crate::scoring::year_band(&self.bands, self.figures.months_missing, rule);
        self
    }

    /// The final band of a meeting shown in this year, once confirmed.
    pub fn band_of(&self, meeting: MeetingId) -> Option<crate::scoring::MeetingBand> {
        self.bands.iter().find(|b| b.meeting_id == meeting).copied()
    }
}

/// A cell below a committee that has not registered the month's regular meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UnregisteredCell {
    pub cell_id: OrgId,
    pub cell_name: String,
    /// The reminder day, once it has passed (the cell is then overdue).
    pub overdue_since: Option<NaiveDate>,
    /// Days since the reminder day (0 before it).
    pub days_overdue: u32,
}

/// For a committee and a month: the cells that have not registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RegistrationReport {
    pub org_id: OrgId,
    pub month: YearMonth,
    /// The month's reminder day (the rule's day, at most the month's last).
    pub reminder_on: NaiveDate,
    /// Cells below the committee.
    pub cells_total: u32,
    /// Those without a regular (or combined) meeting registered and not cancelled
    /// in the month, by name.
    pub unregistered: Vec<UnregisteredCell>,
}

/// The month's reminder day.
pub fn reminder_on(month: YearMonth, rules: &ScheduleRules) -> NaiveDate {
    let last = month.last_day();
    let day = rules.reminder_day.value.clamp(1, last.day());
    NaiveDate::from_ymd_opt(month.year, month.month, day).unwrap_or(last)
}

/// Which of `cells` have not registered `month`'s regular meeting, as of `today`.
pub fn unregistered_cells(
    org_id: OrgId,
    cells: &[CellMeetings],
    month: YearMonth,
    today: NaiveDate,
    rules: &ScheduleRules,
) -> RegistrationReport {
    let reminder = reminder_on(month, rules);
    let overdue_since = (reminder <= today).then_some(reminder);
    let days_overdue = overdue_since
        .map(|d| u32::try_from((today - d).num_days()).unwrap_or(0))
        .unwrap_or(0);
    let mut unregistered: Vec<UnregisteredCell> = cells
        .iter()
        .filter(|c| {
            !c.meetings.iter().any(|m| {
                !m.cancelled
                    && m.kind != MeetingKind::Thematic
                    && m.scheduled_for.or(m.held_on).map(YearMonth::of) == Some(month)
            })
        })
        .map(|c| UnregisteredCell {
            cell_id: c.cell_id,
            cell_name: c.cell_name.clone(),
            overdue_since,
            days_overdue,
        })
        .collect();
    unregistered.sort_by(|a, b| {
        a.cell_name
            .cmp(&b.cell_name)
            .then(a.cell_id.cmp(&b.cell_id))
    });
    RegistrationReport {
        org_id,
        month,
        reminder_on: reminder,
        cells_total: count(cells.len()),
        unregistered,
    }
}

#[cfg(test)]
mod tests;
