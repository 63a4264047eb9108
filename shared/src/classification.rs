//! Yearly classification of cells (xếp loại chi bộ hằng năm): the figures of
//! a cell's year (regular meetings held and registered on time, the year's
//! band of meeting scores, attendance, member inspections against the
//! target, the members' decided ratings), the level they suggest under
//! `RuleSet::cell_classification`, who decides, and what a decision must
//! carry (a reason to deviate or to change; the excellent quota per
//! grassroots organization, `rules::rating::check_quota`).
//! docs/rules.md#cell-classification.

use crate::access::Actor;
use crate::error::{FieldError, FieldErrors};
use crate::ids::OrgId;
use crate::rules::attendance::permille;
use crate::rules::rating::{Level, LevelShares, Proposal, Subject, check_quota, shares};
use crate::rules::scoring::Band;
use crate::rules::{Rule, RuleSet, Threshold};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest reason (lý do) a decision carries.
pub const MAX_REASON_CHARS: usize = 2000;

/// The database's and the API's word for a level.
pub fn level_str(level: Level) -> &'static str {
    match level {
        Level::Excellent => "excellent",
        Level::Good => "good",
        Level::Complete => "complete",
        Level::NotComplete => "not_complete",
    }
}

pub fn parse_level(s: &str) -> Option<Level> {
    Level::ALL.into_iter().find(|l| level_str(*l) == s)
}

/// A level's short English name, for the English interface.
pub fn level_en(level: Level) -> &'static str {
    match level {
        Level::Excellent => "Excellent",
        Level::Good => "Good",
        Level::Complete => "Complete",
        Level::NotComplete => "Not complete",
    }
}

/// Everything a cell's classification is computed from, for one year.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellFigures {
    /// Months with a regular meeting held.
    pub months_held: u32,
    /// Months judged (over) without a regular meeting.
    pub months_without_regular: u32,
    pub registered_on_time: u32,
    pub registered_late: u32,
    /// The year's band from the confirmed scores of its regular meetings
    /// (`rules::scoring::rollup_year`); none while no score is confirmed.
    #[serde(default)]
    pub year_band: Option<Band>,
    /// Regular meetings with a confirmed score.
    pub scored_meetings: u32,
    /// Mean attendance of the held meetings with a record, tenths of a percent.
    #[serde(default)]
    pub attendance_permille: Option<u32>,
    /// Members on the roll.
    pub members: u32,
    /// Members holding a cell role count as a committee (chi ủy).
    pub has_committee: bool,
    /// Distinct members with an inspection concluded in the year.
    pub inspections_done: u32,
    pub inspections_target: u32,
    /// Members' decided levels, best first (xuất sắc, tốt, hoàn thành, không hoàn thành).
    pub ratings: [u32; 4],
}

impl CellFigures {
    /// Members with a decided level.
    pub fn rated(&self) -> u32 {
        self.ratings.iter().sum()
    }

    /// Members decided "complete" or better.
    pub fn complete_or_better(&self) -> u32 {
        self.ratings[0] + self.ratings[1] + self.ratings[2]
    }

    /// Share of rated members complete or better, tenths of a percent.
    pub fn complete_or_better_permille(&self) -> Option<u32> {
        (self.rated() > 0).then(|| permille(self.complete_or_better(), self.rated()))
    }

    pub fn inspections_met(&self) -> bool {
        self.inspections_done >= self.inspections_target
    }

    /// The members' shares per level, for reports.
    pub fn rating_shares(&self) -> LevelShares {
        shares(
            Level::ALL
                .iter()
                .zip(self.ratings)
                .flat_map(|(l, n)| std::iter::repeat_n(*l, n as usize)),
        )
    }
}

/// What a cell needs for one level; a figure the bar asks for and the year
/// lacks (no confirmed score, no attendance record, no member rated) fails it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LevelBar {
    /// At most this many judged months without a regular meeting.
    pub max_months_without_regular: u32,
    /// At most this many late registrations; none: not judged.
    #[serde(default)]
    pub max_late_registrations: Option<u32>,
    /// The year's band at least this.
    #[serde(default)]
    pub min_band: Option<Band>,
    #[serde(default)]
    pub attendance: Option<Threshold>,
    /// The inspection target reached.
    pub inspections_met: bool,
    /// Share of rated members complete or better.
    #[serde(default)]
    pub members_complete: Option<Threshold>,
}

/// The bars for "excellent", "good" and "complete", tried best first; a
/// cell that meets none does not complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellClassificationRule {
    pub excellent: LevelBar,
    pub good: LevelBar,
    pub complete: LevelBar,
}

impl CellClassificationRule {
    /// The software's default (docs/rules.md#cell-classification), unconfirmed.
    pub fn default_bars() -> CellClassificationRule {
        CellClassificationRule {
            excellent: LevelBar {
                max_months_without_regular: 0,
                max_late_registrations: Some(0),
                min_band: Some(Band::Good),
                attendance: Some(Threshold::at_least(90, 100)),
                inspections_met: true,
                members_complete: Some(Threshold::at_least(100, 100)),
            },
            good: LevelBar {
                max_months_without_regular: 0,
                max_late_registrations: Some(2),
                min_band: Some(Band::Fair),
                attendance: Some(Threshold::at_least(80, 100)),
                inspections_met: true,
                members_complete: Some(Threshold::at_least(90, 100)),
            },
            complete: LevelBar {
                max_months_without_regular: 2,
                max_late_registrations: None,
                min_band: Some(Band::Average),
                attendance: None,
                inspections_met: false,
                members_complete: Some(Threshold::at_least(80, 100)),
            },
        }
    }

    fn bar(&self, level: Level) -> Option<&LevelBar> {
        match level {
            Level::Excellent => Some(&self.excellent),
            Level::Good => Some(&self.good),
            Level::Complete => Some(&self.complete),
            Level::NotComplete => None,
        }
    }

    /// The shares the bars compare, for the rule set's check.
    pub fn thresholds(&self) -> impl Iterator<Item = Threshold> + '_ {
        [self.excellent, self.good, self.complete]
            .into_iter()
            .flat_map(|b| [b.attendance, b.members_complete])
            .flatten()
    }
}

impl Default for CellClassificationRule {
    fn default() -> CellClassificationRule {
        CellClassificationRule::default_bars()
    }
}

/// The reasons a cell falls short of a bar, in Vietnamese (empty: it meets it).
pub fn shortfalls(bar: &LevelBar, f: &CellFigures) -> Vec<String> {
    let mut out = Vec::new();
    if f.months_without_regular > bar.max_months_without_regular {
        out.push(format!(
            "{} tháng không sinh hoạt thường kỳ (tối đa {})",
            f.months_without_regular, bar.max_months_without_regular
        ));
    }
    if let Some(max) = bar.max_late_registrations
        && f.registered_late > max
    {
        out.push(format!(
            "{} lần đăng ký lịch muộn (tối đa {max})",
            f.registered_late
        ));
    }
    if let Some(min) = bar.min_band {
        match f.year_band {
            Some(b) if b.at_least(min) => {}
            Some(b) => out.push(format!(
                "chất lượng sinh hoạt cả năm xếp {} (cần {} trở lên)",
                b.label_vi(),
                min.label_vi()
            )),
            None => out.push(format!(
                "chưa có buổi sinh hoạt thường kỳ nào được xác nhận điểm (cần xếp {} trở lên)",
                min.label_vi()
            )),
        }
    }
    if let Some(t) = bar.attendance {
        match f.attendance_permille {
            Some(p) if t.met(p, 1000) => {}
            Some(p) => out.push(format!(
                "tỷ lệ dự họp {}% (cần {})",
                crate::oversight::permille_vi(p),
                t.label_vi()
            )),
            None => out.push(format!("chưa có số liệu dự họp (cần {})", t.label_vi())),
        }
    }
    if bar.inspections_met && !f.inspections_met() {
        out.push(format!(
            "kiểm tra {}/{} đảng viên, chưa đạt chỉ tiêu",
            f.inspections_done, f.inspections_target
        ));
    }
    if let Some(t) = bar.members_complete {
        if f.rated() == 0 {
            out.push(format!(
                "chưa có đảng viên được quyết định xếp loại (cần {} hoàn thành nhiệm vụ trở lên)",
                t.label_vi()
            ));
        } else if !t.met(f.complete_or_better(), f.rated()) {
            out.push(format!(
                "{}/{} đảng viên hoàn thành nhiệm vụ trở lên (cần {})",
                f.complete_or_better(),
                f.rated(),
                t.label_vi()
            ));
        }
    }
    out
}

/// A suggested level with the reasons, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ComputedLevel {
    pub level: Level,
    pub reasons: Vec<String>,
}

/// The level the figures suggest: the best whose bar they meet, saying why
/// each better level was missed.
pub fn classify(rule: &Rule<CellClassificationRule>, f: &CellFigures) -> ComputedLevel {
    let mut reasons = Vec::new();
    for level in [Level::Excellent, Level::Good, Level::Complete] {
        let Some(bar) = rule.value.bar(level) else {
            continue;
        };
        let short = shortfalls(bar, f);
        if short.is_empty() {
            reasons.push(format!("Đạt các điều kiện xếp “{level}”."));
            return ComputedLevel { level, reasons };
        }
        reasons.push(format!("Chưa đạt “{level}”: {}.", short.join("; ")));
    }
    reasons.push(format!("Đề xuất xếp “{}”.", Level::NotComplete));
    ComputedLevel {
        level: Level::NotComplete,
        reasons,
    }
}

// ---------------------------------------------------------------- who may

/// Who decides the classification of the cell at the end of `cell_path`: those
/// who sit on the committee of the cell's parent (cấp ủy cấp trên trực tiếp),
/// and administrators.
pub fn may_classify(actor: &Actor, cell_path: &[OrgId]) -> bool {
    actor.is_admin
        || (cell_path.len() >= 2 && actor.committee_of.contains(&cell_path[cell_path.len() - 2]))
}

/// Who sees the year's review and outputs of the organization at the end of
/// `path`: its committee, the committees above, administrators.
pub fn sees_year_review(actor: &Actor, path: &[OrgId]) -> bool {
    !path.is_empty() && (actor.is_admin || actor.committee_of.iter().any(|c| path.contains(c)))
}

// ---------------------------------------------------------------- decisions

/// The last day a decision for `year` may change: 31 March of the next year,
/// when the year's results are reported upward. A first decision is taken
/// whenever it comes.
pub fn changes_until(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year + 1, 3, 31).unwrap_or(NaiveDate::MAX)
}

/// The committee's decision as asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ClassifyRequest {
    pub level: Level,
    /// Required when the level differs from the computed one or changes a decision.
    #[serde(default)]
    pub reason: String,
}

/// A decision as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellDecision {
    pub computed: Level,
    pub level: Level,
    pub reason: String,
    /// Who decided, by name.
    pub decided_by: String,
    pub decided_at: chrono::NaiveDateTime,
}

/// Why a decision is refused (before the quota).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("Mức xếp loại khác mức máy tính đề xuất (“{computed}”): hãy ghi lý do.")]
    ReasonToDeviate { computed: Level },
    #[error("Thay đổi quyết định đã có (“{previous}”): hãy ghi lý do.")]
    ReasonToChange { previous: Level },
    #[error("Lý do dài tối đa {MAX_REASON_CHARS} ký tự.")]
    ReasonTooLong,
    #[error("Quyết định năm {year} chỉ được thay đổi đến hết ngày {until}.")]
    ChangeClosed { year: i32, until: String },
}

impl crate::i18n::Message for DecisionError {
    fn english(&self) -> (&'static str, String) {
        use DecisionError::*;
        match self {
            ReasonToDeviate { computed } => (
                "reason_to_deviate",
                format!(
                    "The level differs from the one computed (“{}”): give the reason.",
                    computed.label_en()
                ),
            ),
            ReasonToChange { previous } => (
                "reason_to_change",
                format!(
                    "This changes the decision already made (“{}”): give the reason.",
                    previous.label_en()
                ),
            ),
            ReasonTooLong => (
                "reason_too_long",
                format!("The reason has at most {MAX_REASON_CHARS} characters."),
            ),
            ChangeClosed { year, until } => (
                "change_closed",
                format!("The decision for {year} could only be changed until {until}."),
            ),
        }
    }
}

impl DecisionError {
    /// As field errors (the reason field), or `None` for a closed year.
    pub fn field_errors(&self) -> Option<FieldErrors> {
        match self {
            DecisionError::ChangeClosed { .. } => None,
            _ => Some(FieldErrors(vec![FieldError::of("reason", self)])),
        }
    }
}

/// Checks a decision against the computed level and the decision it
/// replaces, on `today`; returns the reason trimmed.
pub fn check_decision(
    req: &ClassifyRequest,
    computed: Level,
    previous: Option<Level>,
    year: i32,
    today: NaiveDate,
) -> Result<String, DecisionError> {
    let reason = req.reason.trim();
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(DecisionError::ReasonTooLong);
    }
    if let Some(prev) = previous {
        let until = changes_until(year);
        if today > until {
            return Err(DecisionError::ChangeClosed {
                year,
                until: until.format("%d/%m/%Y").to_string(),
            });
        }
        if prev != req.level && reason.is_empty() {
            return Err(DecisionError::ReasonToChange { previous: prev });
        }
    }
    if req.level != computed && reason.is_empty() {
        return Err(DecisionError::ReasonToDeviate { computed });
    }
    Ok(reason.to_string())
}

/// A cell's decided level in the quota's group (its grassroots organization).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub cell: OrgId,
    pub name: String,
    pub level: Level,
}

/// The quota message when deciding `level` for `cell` would put its
/// grassroots organization over the excellent quota, with the numbers.
/// `others` are the other cells' decisions in that organization.
pub fn quota_issue(
    rules: &RuleSet,
    grassroots: OrgId,
    cell: &Decided,
    others: &[Decided],
) -> Option<crate::i18n::Localized> {
    if cell.level != Level::Excellent {
        return None;
    }
    let proposals: Vec<Proposal> = others
        .iter()
        .filter(|d| d.cell != cell.cell)
        .chain(std::iter::once(cell))
        .map(|d| Proposal {
            subject: Subject::Organization(d.cell),
            name: d.name.clone(),
            grassroots_id: grassroots,
            proposed: d.level,
            input: None,
        })
        .collect();
    let report = check_quota(&proposals, rules);
    report
        .issues
        .into_iter()
        .find(|i| i.subject == Subject::Organization(cell.cell))
        .map(|i| i.localized())
}

/// One cell's line on the year's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellReview {
    pub cell_id: OrgId,
    pub cell_name: String,
    /// The organization directly above.
    pub parent_name: String,
    pub figures: CellFigures,
    pub computed: ComputedLevel,
    #[serde(default)]
    pub decision: Option<CellDecision>,
    pub may_decide: bool,
}

/// What `GET /api/organizations/{id}/year-review/{year}` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct YearReview {
    pub org_id: OrgId,
    pub org_name: String,
    pub year: i32,
    /// The last day decisions may change.
    pub changes_until: NaiveDate,
    pub cells: Vec<CellReview>,
}

/// The decided levels' shares across the review.
pub fn decided_shares(review: &YearReview) -> LevelShares {
    shares(
        review
            .cells
            .iter()
            .filter_map(|c| c.decision.as_ref().map(|d| d.level)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::CellSeat;
    use crate::ids::{AccountId, MemberId};
    use crate::member::CellRole;

    fn rule() -> Rule<CellClassificationRule> {
        RuleSet::national_default().cell_classification
    }

    /// A year that meets every bar.
    fn best() -> CellFigures {
        CellFigures {
            months_held: 12,
            months_without_regular: 0,
            registered_on_time: 12,
            registered_late: 0,
            year_band: Some(Band::Good),
            scored_meetings: 12,
            attendance_permille: Some(950),
            members: 10,
            has_committee: true,
            inspections_done: 2,
            inspections_target: 2,
            ratings: [2, 6, 2, 0],
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn levels_from_the_figures() {
        use Level::*;
        let cases: Vec<(&str, CellFigures, Level)> = vec![
            ("every bar met", best(), Excellent),
            (
                "attendance 90% exactly",
                CellFigures {
                    attendance_permille: Some(900),
                    ..best()
                },
                Excellent,
            ),
            (
                "attendance 89,9%",
                CellFigures {
                    attendance_permille: Some(899),
                    ..best()
                },
                Good,
            ),
            (
                "one late registration",
                CellFigures {
                    registered_late: 1,
                    ..best()
                },
                Good,
            ),
            (
                "year band Khá",
                CellFigures {
                    year_band: Some(Band::Fair),
                    ..best()
                },
                Good,
            ),
            (
                "one month without a meeting",
                CellFigures {
                    months_without_regular: 1,
                    ..best()
                },
                Complete,
            ),
            (
                "inspections below target",
                CellFigures {
                    inspections_done: 1,
                    ..best()
                },
                Complete,
            ),
            (
                "one member not complete of ten",
                CellFigures {
                    ratings: [2, 5, 2, 1],
                    ..best()
                },
                Good,
            ),
            (
                "three months without a meeting",
                CellFigures {
                    months_without_regular: 3,
                    ..best()
                },
                NotComplete,
            ),
            (
                "no confirmed score",
                CellFigures {
                    year_band: None,
                    ..best()
                },
                NotComplete,
            ),
            (
                "year band Kém",
                CellFigures {
                    year_band: Some(Band::Poor),
                    ..best()
                },
                NotComplete,
            ),
            (
                "no member rated",
                CellFigures {
                    ratings: [0; 4],
                    ..best()
                },
                NotComplete,
            ),
            (
                "three of ten not complete",
                CellFigures {
                    ratings: [0, 5, 2, 3],
                    ..best()
                },
                NotComplete,
            ),
        ];
        for (name, f, want) in cases {
            let c = classify(&rule(), &f);
            assert_eq!(c.level, want, "{name}: {:?}", c.reasons);
        }
        let c = classify(
            &rule(),
            &CellFigures {
                inspections_done: 1,
                attendance_permille: Some(850),
                ..best()
            },
        );
        assert_eq!(c.level, Level::Complete);
        assert!(c.reasons[0].contains("tỷ lệ dự họp 85,0% (cần ít nhất 90%)"));
        assert!(c.reasons[0].contains("kiểm tra 1/2 đảng viên, chưa đạt chỉ tiêu"));
        assert_eq!(c.reasons[2], "Đạt các điều kiện xếp “Hoàn thành nhiệm vụ”.");
        let c = classify(&rule(), &CellFigures::default());
        assert_eq!(
            c.reasons.last().unwrap(),
            "Đề xuất xếp “Không hoàn thành nhiệm vụ”."
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_bars_are_rule_data() {
        let mut r = rule();
        r.value.complete.members_complete = None;
        r.value.complete.min_band = None;
        let f = CellFigures {
            year_band: None,
            ratings: [0; 4],
            ..best()
        };
        assert_eq!(classify(&r, &f).level, Level::Complete);
        assert!(
            RuleSet::national_default()
                .cell_classification
                .source
                .unconfirmed
        );
        // A rule set stored before the field reads with the default.
        let mut json: serde_json::Value =
            serde_json::from_str(&RuleSet::national_default().to_json()).unwrap();
        json.as_object_mut().unwrap().remove("cell_classification");
        let set = RuleSet::from_json(&json.to_string()).unwrap();
        assert_eq!(
            set.cell_classification.value,
            CellClassificationRule::default_bars()
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn a_decision_deviates_or_changes_only_with_a_reason() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let req = |level, reason: &str| ClassifyRequest {
            level,
            reason: reason.into(),
        };
        let today = d(2026, 12, 20);
        assert_eq!(
            check_decision(&req(Level::Good, "  "), Level::Good, None, 2026, today),
            Ok(String::new())
        );
        let e = check_decision(&req(Level::Excellent, " "), Level::Good, None, 2026, today)
            .unwrap_err();
        assert_eq!(
            e,
            DecisionError::ReasonToDeviate {
                computed: Level::Good
            }
        );
        assert_eq!(
            e.field_errors().unwrap().message_for("reason"),
            Some(
                "Mức xếp loại khác mức máy tính đề xuất (“Hoàn thành tốt nhiệm vụ”): hãy ghi lý do."
            )
        );
        assert_eq!(
            check_decision(
                &req(Level::Excellent, " Có thành tích "),
                Level::Good,
                None,
                2026,
                today
            ),
            Ok("Có thành tích".into())
        );
        // Changing to another level needs a reason, even back to the computed one.
        assert_eq!(
            check_decision(
                &req(Level::Good, ""),
                Level::Good,
                Some(Level::Excellent),
                2026,
                today
            ),
            Err(DecisionError::ReasonToChange {
                previous: Level::Excellent
            })
        );
        // Until 31 March of the next year, not after.
        assert!(
            check_decision(
                &req(Level::Good, "Sửa"),
                Level::Good,
                Some(Level::Excellent),
                2026,
                d(2027, 3, 31)
            )
            .is_ok()
        );
        let closed = check_decision(
            &req(Level::Good, "Sửa"),
            Level::Good,
            Some(Level::Excellent),
            2026,
            d(2027, 4, 1),
        )
        .unwrap_err();
        assert_eq!(
            closed.to_string(),
            "Quyết định năm 2026 chỉ được thay đổi đến hết ngày 31/03/2027."
        );
        assert!(closed.field_errors().is_none());
        // A first decision for an old year is taken.
        assert!(check_decision(&req(Level::Good, ""), Level::Good, None, 2020, today).is_ok());
        let long = "x".repeat(MAX_REASON_CHARS + 1);
        assert_eq!(
            check_decision(
                &req(Level::Excellent, &long),
                Level::Good,
                None,
                2026,
                today
            ),
            Err(DecisionError::ReasonTooLong)
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_excellent_quota_counts_the_grassroots_cells() {
        let rules = RuleSet::national_default();
        let cell = |id, level| Decided {
            cell: OrgId(id),
            name: format!("Chi bộ {id}"),
            level,
        };
        // 4 good and 1 excellent: 20% of 5 = 1; a second excellent makes 20% of 6 = 1.
        let mut others: Vec<Decided> = (1..=4).map(|i| cell(i, Level::Good)).collect();
        others.push(cell(5, Level::Excellent));
        let msg = quota_issue(&rules, OrgId(100), &cell(6, Level::Excellent), &others).unwrap();
        assert!(
            msg.vi
                .contains("đề nghị 2 “Hoàn thành xuất sắc nhiệm vụ”, vượt mức tối đa 1"),
            "{msg}"
        );
        assert!(msg.en.contains("above the most of 1"), "{}", msg.en);
        assert_eq!(msg.code, "quota_exceeded");
        assert!(quota_issue(&rules, OrgId(100), &cell(6, Level::Good), &others).is_none());
        // Redeciding the excellent cell itself does not count it twice.
        assert!(quota_issue(&rules, OrgId(100), &cell(5, Level::Excellent), &others).is_none());
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_parent_committee_decides() {
        let (root, grass, cell) = (OrgId(1), OrgId(2), OrgId(3));
        let path = [root, grass, cell];
        let actor = |committee_of: Vec<OrgId>, seat: Option<CellSeat>| Actor {
            account_id: AccountId(1),
            is_admin: false,
            seat,
            committee_of,
            assigned_cells: vec![],
        };
        assert!(may_classify(&actor(vec![grass], None), &path));
        assert!(!may_classify(&actor(vec![root], None), &path));
        let secretary = Some(CellSeat {
            cell_id: cell,
            member_id: MemberId(1),
            role: CellRole::Secretary,
        });
        assert!(!may_classify(&actor(vec![], secretary), &path));
        assert!(!sees_year_review(&actor(vec![], secretary), &path));
        assert!(sees_year_review(&actor(vec![root], None), &path[..2]));
        assert!(!sees_year_review(&actor(vec![grass], None), &path[..1]));
        assert!(may_classify(
            &Actor {
                is_admin: true,
                ..actor(vec![], None)
            },
            &path
        ));
    }
}
