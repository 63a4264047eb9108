//! Meeting-quality scoring (chấm điểm chất lượng sinh hoạt chi bộ): a score sheet
//! is data (criteria in groups, maximum points, criteria that must have full marks
//! for a band, bands); a filled sheet is checked and gives a total and a band.
//!
//! Criteria the meeting record decides (attendance, length, speakers, draft and
//! voted resolution, minutes, held on the registered date) are computed, never
//! typed, and are all-or-nothing: full marks when the condition holds, else 0.
//! The sheet has a cell column (chi bộ tự chấm) and an upper-level column (cấp trên
//! chấm); the final band is the upper level's when it has confirmed, else the cell's.
//! Points are kept in tenths, so 89,5 is exact.
//! Sources: Hướng dẫn 12-HD/BTCTW (2018) for the criteria; the Phú Thọ and Bình
//! Thuận sheets for the points and bands (docs/rules.md#meeting-scoring-sheets).

use super::attendance::AttendanceFigures;
use super::ruleset::{RuleSet, Threshold};
use super::schedule::MinMinutes;
use super::source::{Source, docs};
use crate::meeting::MeetingKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use thiserror::Error;

/// Points in tenths (điểm, one decimal). JSON carries the number itself: `89.5`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema), schema(value_type = f64))]
#[serde(try_from = "f64", into = "f64")]
pub struct Points(u32);

impl Points {
    pub const ZERO: Points = Points(0);

    pub const fn whole(points: u32) -> Points {
        Points(points * 10)
    }

    pub const fn tenths(tenths: u32) -> Points {
        Points(tenths)
    }

    pub const fn as_tenths(self) -> u32 {
        self.0
    }

    pub fn saturating_add(self, other: Points) -> Points {
        Points(self.0.saturating_add(other.0))
    }
}

impl From<Points> for f64 {
    fn from(p: Points) -> f64 {
        f64::from(p.0) / 10.0
    }
}

impl TryFrom<f64> for Points {
    type Error = PointsError;

    fn try_from(x: f64) -> Result<Points, PointsError> {
        let t = x * 10.0;
        if !t.is_finite() || !(0.0..=1e9).contains(&t) || (t - t.round()).abs() > 1e-6 {
            return Err(PointsError);
        }
        // In range and integral: the cast is exact.
        Ok(Points(t.round() as u32))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("Điểm phải là số không âm, có nhiều nhất một chữ số thập phân.")]
pub struct PointsError;

/// "89,5", "90".
impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(10) {
            write!(f, "{}", self.0 / 10)
        } else {
            write!(f, "{},{}", self.0 / 10, self.0 % 10)
        }
    }
}

/// Xếp loại buổi sinh hoạt: best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Tốt.
    Good,
    /// Khá.
    Fair,
    /// Trung bình.
    Average,
    /// Kém.
    Poor,
}

impl Band {
    pub const ALL: [Band; 4] = [Band::Good, Band::Fair, Band::Average, Band::Poor];

    pub fn label_vi(self) -> &'static str {
        match self {
            Band::Good => "Tốt",
            Band::Fair => "Khá",
            Band::Average => "Trung bình",
            Band::Poor => "Kém",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Band::Good => "Good",
            Band::Fair => "Fair",
            Band::Average => "Average",
            Band::Poor => "Poor",
        }
    }

    /// The stored name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Good => "good",
            Band::Fair => "fair",
            Band::Average => "average",
            Band::Poor => "poor",
        }
    }

    pub fn parse(s: &str) -> Option<Band> {
        Band::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// As good as `other` or better.
    pub fn at_least(self, other: Band) -> bool {
        self <= other
    }

    /// The band just below (Kém stays Kém).
    pub fn below(self) -> Band {
        match self {
            Band::Good => Band::Fair,
            Band::Fair => Band::Average,
            Band::Average | Band::Poor => Band::Poor,
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_vi())
    }
}

/// What the meeting record says, for the computed criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MeetingFacts {
    pub kind: MeetingKind,
    /// Members expected (see [`super::attendance`]).
    pub expected: u32,
    pub present: u32,
    pub absent_without_reason: u32,
    pub minutes_long: u32,
    /// Attendees who spoke at least once.
    pub speakers: u32,
    pub draft_resolution_prepared: bool,
    pub resolution_voted: bool,
    pub minutes_complete: bool,
    pub registered_for: Option<NaiveDate>,
    pub held_on: NaiveDate,
    /// The day the registration was made; `None`: held without registering.
    #[serde(default)]
    pub registered_on: Option<NaiveDate>,
    /// The last day registering was on time (`schedule::registration_deadline`).
    #[serde(default)]
    pub registration_deadline: Option<NaiveDate>,
    /// Documents posted for the meeting…
    #[serde(default)]
    pub documents: u32,
    /// …and how many of them later than the rule allows (`crate::files::is_late`).
    #[serde(default)]
    pub documents_late: u32,
    /// The agenda held the review of last month's resolution and tasks.
    #[serde(default)]
    pub tasks_reviewed: bool,
    /// Tasks the previous meeting assigned, for the evidence.
    #[serde(default)]
    pub previous_tasks: u32,
}

impl MeetingFacts {
    /// Takes expected, present and absences from the attendance figures.
    pub fn with_attendance(mut self, f: &AttendanceFigures) -> MeetingFacts {
        self.expected = f.expected;
        self.present = f.present;
        self.absent_without_reason = f.absent_without_reason;
        self
    }
}

/// Points typed into one column for the criteria that are not computed, by key.
pub type Entries = BTreeMap<String, Points>;

/// Why a filled column is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SheetError {
    #[error("Tiêu chí “{key}” không có trong phiếu chấm.")]
    UnknownCriterion { key: String },
    #[error("Tiêu chí {key}: {given} điểm vượt quá điểm tối đa {max}.")]
    AboveMaximum {
        key: String,
        given: Points,
        max: Points,
    },
    #[error("Tiêu chí {key} chưa được chấm.")]
    Missing { key: String },
    #[error("Tiêu chí {key} được tính từ hồ sơ buổi sinh hoạt, không nhập tay.")]
    Computed { key: String },
}

impl crate::i18n::Message for SheetError {
    fn english(&self) -> (&'static str, String) {
        use SheetError::*;
        match self {
            UnknownCriterion { key } => (
                "unknown_criterion",
                format!("The criterion “{key}” is not on the score sheet."),
            ),
            AboveMaximum { key, given, max } => (
                "above_maximum",
                format!("Criterion {key}: {given} points is above the maximum of {max}."),
            ),
            Missing { key } => ("missing", format!("Criterion {key} is not scored yet.")),
            Computed { key } => (
                "computed",
                format!(
                    "Criterion {key} is computed from the meeting's record, not entered by hand."
                ),
            ),
        }
    }
}

/// Which column of the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// Chi bộ tự chấm.
    Cell,
    /// Cấp ủy cấp trên chấm.
    UpperLevel,
}

impl Column {
    pub fn label_vi(self) -> &'static str {
        match self {
            Column::Cell => "Cột chi bộ chấm",
            Column::UpperLevel => "Cột cấp trên chấm",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Column::Cell => "Column scored by the cell",
            Column::UpperLevel => "Column scored by the higher level",
        }
    }
}

/// Every problem of a filled column.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[error("{}: {}", .column.label_vi(), .errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(" "))]
pub struct ScoreError {
    pub column: Column,
    pub errors: Vec<SheetError>,
}

impl crate::i18n::Message for ScoreError {
    fn english(&self) -> (&'static str, String) {
        let errors: Vec<String> = self.errors.iter().map(|e| e.english().1).collect();
        (
            "score",
            format!("{}: {}", self.column.label_en(), errors.join(" ")),
        )
    }
}

impl crate::i18n::Message for PointsError {
    fn english(&self) -> (&'static str, String) {
        (
            "points",
            "Points must be a number not below zero, with at most one decimal.".into(),
        )
    }
}

/// One column's result. `points[i]` belongs to the i-th criterion of
/// [`ScoreSheet::criteria`] (kept as a plain list so scoring a bloc stays cheap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ColumnScore {
    pub points: Vec<Points>,
    pub total: Points,
    pub max: Points,
    /// The band by points alone.
    pub band_by_points: Band,
    /// The band after the full-marks conditions.
    pub band: Band,
    /// Indexes of criteria that lacked the full marks a better band needs.
    pub held_back_by: Vec<usize>,
}

impl ColumnScore {
    /// "Tổng 89,5/100 điểm: Khá." plus why a band was withheld, in Vietnamese.
    pub fn explain(&self, sheet: &ScoreSheet) -> String {
        let mut s = format!("Tổng {}/{} điểm: {}.", self.total, self.max, self.band);
        if self.band != self.band_by_points {
            let crit: Vec<&Criterion> = sheet.criteria().collect();
            let names: Vec<String> = self
                .held_back_by
                .iter()
                .filter_map(|&i| crit.get(i))
                .map(|c| format!("{} ({})", c.key, c.title))
                .collect();
            s.push_str(&format!(
                " Đủ điểm xếp {} nhưng chưa đạt điểm tối đa ở: {}.",
                self.band_by_points,
                names.join("; ")
            ));
        }
        s
    }
}

/// Both columns and the final band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MeetingScore {
    pub cell: ColumnScore,
    pub upper: Option<ColumnScore>,
    /// The upper level's when it has scored (confirmed), else the cell's.
    pub final_band: Band,
    pub final_total: Points,
    pub confirmed: bool,
}

/// Scores a meeting with the rule set's sheet: the cell column, and the upper
/// level's if it has scored.
pub fn score(
    rules: &RuleSet,
    facts: &MeetingFacts,
    cell: &Entries,
    upper: Option<&Entries>,
) -> Result<MeetingScore, ScoreError> {
    score_with(
        &rules.meeting_sheet,
        &rules.schedule.min_minutes.value,
        facts,
        cell,
        upper,
    )
}

/// [`score`] with a sheet and minimum lengths kept apart from their rule set
/// (a stored proposal keeps the sheet it was made with).
pub fn score_with(
    sheet: &ScoreSheet,
    min: &MinMinutes,
    facts: &MeetingFacts,
    cell: &Entries,
    upper: Option<&Entries>,
) -> Result<MeetingScore, ScoreError> {
    let cell = column(sheet, min, facts, cell).map_err(|errors| ScoreError {
        column: Column::Cell,
        errors,
    })?;
    let upper = upper
        .map(|e| column(sheet, min, facts, e))
        .transpose()
        .map_err(|errors| ScoreError {
            column: Column::UpperLevel,
            errors,
        })?;
    let confirmed = upper.is_some();
    let (final_band, final_total) = upper
        .as_ref()
        .map_or((cell.band, cell.total), |u| (u.band, u.total));
    Ok(MeetingScore {
        cell,
        upper,
        final_band,
        final_total,
        confirmed,
    })
}

/// Whether the record meets a computed criterion.
pub fn measure_met(measure: &Measure, facts: &MeetingFacts, min: &MinMinutes) -> bool {
    match measure {
        Measure::AttendanceRate { threshold } => {
            facts.expected > 0 && threshold.met(facts.present, facts.expected)
        }
        Measure::NoAbsenceWithoutReason => facts.absent_without_reason == 0,
        Measure::MinimumLength => facts.minutes_long >= min.for_kind(facts.kind),
        Measure::SpeakersShare { threshold } => {
            facts.present > 0 && threshold.met(facts.speakers.min(facts.present), facts.present)
        }
        Measure::DraftResolution => facts.draft_resolution_prepared,
        Measure::ResolutionVoted => facts.resolution_voted,
        Measure::MinutesComplete => facts.minutes_complete,
        Measure::HeldOnRegisteredDate => facts.registered_for == Some(facts.held_on),
        Measure::RegisteredOnTime => facts
            .registered_on
            .zip(facts.registration_deadline)
            .is_some_and(|(on, by)| on <= by),
        Measure::DocumentsAhead => facts.documents > 0 && facts.documents_late == 0,
        Measure::LastMonthTasksReviewed => facts.tasks_reviewed,
    }
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn percent(part: u32, whole: u32) -> u64 {
    if whole == 0 {
        0
    } else {
        (u64::from(part) * 100 + u64::from(whole) / 2) / u64::from(whole)
    }
}

/// What the record shows for a computed criterion, in Vietnamese: the
/// evidence shown beside its points ("Có mặt 9/10 (90%)").
pub fn evidence(measure: &Measure, facts: &MeetingFacts, min: &MinMinutes) -> String {
    let met = measure_met(measure, facts, min);
    match measure {
        Measure::AttendanceRate { threshold } => format!(
            "Có mặt {}/{} ({}%); yêu cầu {}.",
            facts.present,
            facts.expected,
            percent(facts.present, facts.expected),
            threshold.label_vi()
        ),
        Measure::NoAbsenceWithoutReason if met => "Không có đảng viên vắng không lý do.".into(),
        Measure::NoAbsenceWithoutReason => format!(
            "{} đảng viên vắng không lý do.",
            facts.absent_without_reason
        ),
        Measure::MinimumLength => format!(
            "Họp {} phút; tối thiểu {} phút.",
            facts.minutes_long,
            min.for_kind(facts.kind)
        ),
        Measure::SpeakersShare { threshold } => {
            let spoke = facts.speakers.min(facts.present);
            format!(
                "{}/{} đảng viên dự họp phát biểu ({}%); yêu cầu {}.",
                spoke,
                facts.present,
                percent(spoke, facts.present),
                threshold.label_vi()
            )
        }
        Measure::DraftResolution if met => "Có dự thảo nghị quyết đưa ra biểu quyết.".into(),
        Measure::DraftResolution => "Không có dự thảo nghị quyết đưa ra biểu quyết.".into(),
        Measure::ResolutionVoted if met => "Nghị quyết được biểu quyết thông qua.".into(),
        Measure::ResolutionVoted => "Nghị quyết chưa được biểu quyết thông qua.".into(),
        Measure::MinutesComplete if met => {
            "Biên bản có kết luận và được thông qua tại cuộc họp.".into()
        }
        Measure::MinutesComplete => {
            "Biên bản chưa có kết luận hoặc chưa được thông qua tại cuộc họp.".into()
        }
        Measure::HeldOnRegisteredDate => match facts.registered_for {
            Some(day) => format!(
                "Đăng ký họp ngày {}, họp ngày {}.",
                dmy(day),
                dmy(facts.held_on)
            ),
            None => format!("Họp ngày {} không đăng ký trước.", dmy(facts.held_on)),
        },
        Measure::RegisteredOnTime => match (facts.registered_on, facts.registration_deadline) {
            (Some(on), Some(by)) => format!(
                "Đăng ký ngày {}, {} (hạn {}).",
                dmy(on),
                if met { "trước hạn" } else { "quá hạn" },
                dmy(by)
            ),
            _ => "Không đăng ký lịch trước.".into(),
        },
        Measure::DocumentsAhead if facts.documents == 0 => {
            "Không có tài liệu gửi trước cho đảng viên.".into()
        }
        Measure::DocumentsAhead if met => {
            format!("{} tài liệu, đều gửi trước hạn.", facts.documents)
        }
        Measure::DocumentsAhead => format!(
            "{}/{} tài liệu gửi muộn.",
            facts.documents_late, facts.documents
        ),
        Measure::LastMonthTasksReviewed if met => format!(
            "Chương trình có nội dung kiểm điểm nghị quyết tháng trước ({} việc được giao kỳ trước).",
            facts.previous_tasks
        ),
        Measure::LastMonthTasksReviewed => {
            "Chương trình không có nội dung kiểm điểm nghị quyết tháng trước.".into()
        }
    }
}

/// Checks and totals one column. Every problem is reported at once.
pub fn column(
    sheet: &ScoreSheet,
    min: &MinMinutes,
    facts: &MeetingFacts,
    entries: &Entries,
) -> Result<ColumnScore, Vec<SheetError>> {
    let mut errors = Vec::new();
    let mut matched = 0;
    let mut points = Vec::with_capacity(16);
    let mut total = Points::ZERO;
    let mut held_back_by = Vec::new();
    let mut cap = Band::Good;
    for (i, c) in sheet.criteria().enumerate() {
        // Computed criteria are looked up only when some typed key is left over (below).
        let typed = if c.computed.is_none() {
            entries.get(&c.key).copied()
        } else {
            None
        };
        matched += usize::from(typed.is_some());
        let p = match (&c.computed, typed) {
            (Some(m), _) => {
                if measure_met(m, facts, min) {
                    c.max
                } else {
                    Points::ZERO
                }
            }
            (None, Some(p)) if p > c.max => {
                errors.push(SheetError::AboveMaximum {
                    key: c.key.clone(),
                    given: p,
                    max: c.max,
                });
                p
            }
            (None, Some(p)) => p,
            (None, None) => {
                errors.push(SheetError::Missing { key: c.key.clone() });
                Points::ZERO
            }
        };
        if let Some(band) = c.full_marks_for
            && p < c.max
        {
            held_back_by.push(i);
            // Without full marks here the best reachable band is the one below `band`.
            cap = cap.max(band.below());
        }
        points.push(p);
        total = total.saturating_add(p);
    }
    if matched < entries.len() {
        // Typed keys left over: unknown ones first, then computed ones typed by hand.
        let mut extra: Vec<SheetError> = entries
            .keys()
            .filter(|k| !sheet.criteria().any(|c| &c.key == *k))
            .map(|k| SheetError::UnknownCriterion { key: k.clone() })
            .collect();
        extra.extend(
            sheet
                .criteria()
                .filter(|c| c.computed.is_some() && entries.contains_key(&c.key))
                .map(|c| SheetError::Computed { key: c.key.clone() }),
        );
        errors.splice(0..0, extra);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let band_by_points = sheet.band_of(total);
    let band = band_by_points.max(cap);
    if band == band_by_points {
        held_back_by.clear();
    }
    Ok(ColumnScore {
        points,
        total,
        max: sheet.max_total(),
        band_by_points,
        band,
        held_back_by,
    })
}

/// A yearly band from the meetings' bands, best first in [`YearlyRollup::bands`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RollupBand {
    pub band: Band,
    /// Every regular meeting at this band or better (a month without one fails it).
    pub every_regular_at_least: Option<Band>,
    /// And at least this many regular meetings …
    pub at_least: u32,
    /// … at this band or better.
    pub of_band: Band,
    pub source: Source,
}

/// Xếp loại chất lượng sinh hoạt chi bộ cả năm (Phú Thọ: Tốt = every regular
/// meeting Khá or better and at least 7 Tốt). Falls back to Kém.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct YearlyRollup {
    pub bands: Vec<RollupBand>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct YearBand {
    pub band: Band,
    pub explanation: String,
}

/// Rolls a year of regular (and combined) meetings' final bands into one.
pub fn rollup_year(
    rule: &YearlyRollup,
    regular_bands: &[Band],
    months_without_regular: u32,
) -> YearBand {
    let count_at_least = |b: Band| {
        u32::try_from(regular_bands.iter().filter(|x| x.at_least(b)).count()).unwrap_or(0)
    };
    for r in &rule.bands {
        let every_ok = r.every_regular_at_least.is_none_or(|floor| {
            months_without_regular == 0 && regular_bands.iter().all(|b| b.at_least(floor))
        });
        let n = count_at_least(r.of_band);
        if every_ok && n >= r.at_least {
            return YearBand {
                band: r.band,
                explanation: format!(
                    "Cả năm xếp {}: {} buổi thường kỳ đạt {} trở lên (cần ít nhất {}){}. (Căn cứ: {}.)",
                    r.band,
                    n,
                    r.of_band,
                    r.at_least,
                    r.every_regular_at_least
                        .map(|f| format!(", không buổi nào dưới {f}"))
                        .unwrap_or_default(),
                    r.source
                ),
            };
        }
    }
    YearBand {
        band: Band::Poor,
        explanation: format!(
            "Cả năm xếp Kém: {} buổi thường kỳ được chấm, {} tháng không sinh hoạt thường kỳ.",
            regular_bands.len(),
            months_without_regular
        ),
    }
}

mod sheet;

pub use sheet::*;

#[cfg(test)]
mod tests;
