//! Upper-level visits (cấp ủy viên dự sinh hoạt chi bộ): who is behind the
//! cadence, which visit reports are overdue, and whether some cells are left out
//! while others are visited again and again.
//!
//! Sources (docs/rules.md#upper-level-visits): a press report on Từ Sơn (Quy định
//! 09-QĐ/TU, 2015): each committee member attends a cell meeting once a quarter
//! and reports, raising issues, within 05 days; the same report names the
//! failure of visiting only model cells.
//! Cadence periods are calendar-aligned (quarters for 3 months, years for 12); a
//! period is judged once it has ended, and only if the assignment covered all of it.

use super::schedule::{Period, YearMonth, date_vi};
use super::source::Rule;
use crate::ids::{AccountId, OrgId};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The visit part of a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VisitRules {
    /// Default once a quarter per assigned cell (Từ Sơn); Kon Tum: 2 a year.
    pub cadence: Rule<Cadence>,
    /// Days to file the visit report (5, Từ Sơn).
    pub report_within_days: Rule<u32>,
    pub fairness: Rule<Fairness>,
}

/// At least `visits` in every period of `months` (a divisor of 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Cadence {
    pub visits: u32,
    pub months: u32,
}

/// Flag cells not visited in the last `window_months` while another cell had
/// `repeated_visits` or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Fairness {
    pub window_months: u32,
    pub repeated_visits: u32,
}

/// A committee member assigned to a cell (phân công theo dõi, dự sinh hoạt).
/// Visitors are accounts: an upper-level member often has no member record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Assignment {
    pub visitor_id: AccountId,
    pub visitor_name: String,
    pub cell_id: OrgId,
    pub cell_name: String,
    pub from: NaiveDate,
    /// Last day, if the assignment ended.
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

/// A visit (lượt dự sinh hoạt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Visit {
    pub visitor_id: AccountId,
    pub cell_id: OrgId,
    pub date: NaiveDate,
    /// When the report (báo cáo kết quả dự sinh hoạt) was filed.
    #[serde(default)]
    pub report_filed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BehindCadence {
    pub visitor_id: AccountId,
    pub visitor_name: String,
    pub cell_id: OrgId,
    pub cell_name: String,
    /// First and last month of the period.
    pub period: Period,
    pub visits: u32,
    pub required: u32,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReportDelay {
    pub visitor_id: AccountId,
    pub cell_id: OrgId,
    pub visit_date: NaiveDate,
    pub due: NaiveDate,
    /// `None`: still not filed.
    pub filed_on: Option<NaiveDate>,
    pub days_late: i64,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellVisits {
    pub cell_id: OrgId,
    pub cell_name: String,
    pub visits: u32,
    pub last_visit: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FairnessCheck {
    pub window_from: NaiveDate,
    /// Not visited in the window.
    pub neglected: Vec<CellVisits>,
    /// Visited `repeated_visits` times or more in the window.
    pub favoured: Vec<CellVisits>,
    /// Some cells neglected while others favoured.
    pub unfair: bool,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VisitReview {
    pub behind: Vec<BehindCadence>,
    /// Not filed and past due.
    pub overdue_reports: Vec<ReportDelay>,
    /// Filed, but after the due date.
    pub late_reports: Vec<ReportDelay>,
    pub fairness: FairnessCheck,
}

/// The day a report on a visit of `visit` is due, `within` days later.
pub fn report_due_on(visit: NaiveDate, within: u32) -> NaiveDate {
    visit
        .checked_add_days(Days::new(u64::from(within)))
        .unwrap_or(NaiveDate::MAX)
}

/// Reviews assignments and visits over `period`, as of `today`.
pub fn review(
    assignments: &[Assignment],
    visits: &[Visit],
    period: Period,
    today: NaiveDate,
    rules: &VisitRules,
) -> VisitReview {
    let cadence = rules.cadence.value;
    let step = i64::from(cadence.months.clamp(1, 12));
    let mut behind = Vec::new();
    for a in assignments {
        // Calendar-aligned periods that start within `period`.
        let first = period.from.index() - (period.from.index().rem_euclid(12)) % step;
        let mut start = first;
        while start <= period.to.index() {
            let p = Period {
                from: YearMonth::from_index(start),
                to: YearMonth::from_index(start + step - 1),
            };
            start += step;
            let (p_first, p_last) = (p.from.first_day(), p.to.last_day());
            let covered = a.from <= p_first && a.until.is_none_or(|u| u >= p_last);
            if p.from < period.from || p.to > period.to || p_last >= today || !covered {
                continue;
            }
            let n = visits
                .iter()
                .filter(|v| v.visitor_id == a.visitor_id && v.cell_id == a.cell_id)
                .filter(|v| p_first <= v.date && v.date <= p_last)
                .count();
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            if n < cadence.visits {
                behind.push(BehindCadence {
                    visitor_id: a.visitor_id,
                    visitor_name: a.visitor_name.clone(),
                    cell_id: a.cell_id,
                    cell_name: a.cell_name.clone(),
                    period: p,
                    visits: n,
                    required: cadence.visits,
                    message: format!(
                        "Đồng chí {} dự sinh hoạt {} lần ở {} từ {} đến {}, chưa đủ {} lần theo quy định.",
                        a.visitor_name, n, a.cell_name, p.from, p.to, cadence.visits
                    ),
                });
            }
        }
    }

    let within = rules.report_within_days.value;
    let mut overdue_reports = Vec::new();
    let mut late_reports = Vec::new();
    for v in visits.iter().filter(|v| period.contains(v.date)) {
        let due = report_due_on(v.date, within);
        match v.report_filed_on {
            None if today > due => {
                let days_late = (today - due).num_days();
                overdue_reports.push(ReportDelay {
                    visitor_id: v.visitor_id,
                    cell_id: v.cell_id,
                    visit_date: v.date,
                    due,
                    filed_on: None,
                    days_late,
                    message: format!(
                        "Chưa nộp báo cáo dự sinh hoạt ngày {}; hạn {} ({} ngày sau buổi dự), đã quá {} ngày.",
                        date_vi(v.date),
                        date_vi(due),
                        within,
                        days_late
                    ),
                });
            }
            Some(filed) if filed > due => {
                let days_late = (filed - due).num_days();
                late_reports.push(ReportDelay {
                    visitor_id: v.visitor_id,
                    cell_id: v.cell_id,
                    visit_date: v.date,
                    due,
                    filed_on: Some(filed),
                    days_late,
                    message: format!(
                        "Báo cáo dự sinh hoạt ngày {} nộp muộn {} ngày (hạn {}).",
                        date_vi(v.date),
                        days_late,
                        date_vi(due)
                    ),
                });
            }
            _ => {}
        }
    }

    VisitReview {
        behind,
        overdue_reports,
        late_reports,
        fairness: fairness(assignments, visits, today, &rules.fairness.value),
    }
}

/// The fairness check over the last `window_months` before `today`.
pub fn fairness(
    assignments: &[Assignment],
    visits: &[Visit],
    today: NaiveDate,
    rule: &Fairness,
) -> FairnessCheck {
    let window_from = today
        .checked_sub_months(chrono::Months::new(rule.window_months))
        .unwrap_or(NaiveDate::MIN);
    let mut cells: BTreeMap<OrgId, CellVisits> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for a in assignments {
        let active = a.from <= today && a.until.is_none_or(|u| u >= window_from);
        if active && seen.insert(a.cell_id) {
            cells.insert(
                a.cell_id,
                CellVisits {
                    cell_id: a.cell_id,
                    cell_name: a.cell_name.clone(),
                    visits: 0,
                    last_visit: None,
                },
            );
        }
    }
    for v in visits {
        if let Some(c) = cells.get_mut(&v.cell_id) {
            if window_from <= v.date && v.date <= today {
                c.visits += 1;
            }
            if v.date <= today && c.last_visit.is_none_or(|l| l < v.date) {
                c.last_visit = Some(v.date);
            }
        }
    }
    let neglected: Vec<CellVisits> = cells.values().filter(|c| c.visits == 0).cloned().collect();
    let favoured: Vec<CellVisits> = cells
        .values()
        .filter(|c| c.visits >= rule.repeated_visits.max(1))
        .cloned()
        .collect();
    let unfair = !neglected.is_empty() && !favoured.is_empty();
    let message = if unfair {
        format!(
            "{} chi bộ không được cấp ủy viên dự sinh hoạt trong {} tháng qua ({}), trong khi {} chi bộ được dự từ {} lần trở lên ({}).",
            neglected.len(),
            rule.window_months,
            names(&neglected),
            favoured.len(),
            rule.repeated_visits,
            names(&favoured)
        )
    } else {
        format!(
            "Không có chi bộ bị bỏ sót trong khi chi bộ khác được dự nhiều lần trong {} tháng qua.",
            rule.window_months
        )
    };
    FairnessCheck {
        window_from,
        neglected,
        favoured,
        unfair,
        message,
    }
}

fn names(cells: &[CellVisits]) -> String {
    cells
        .iter()
        .map(|c| c.cell_name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use crate::rules::testkit::d;

    fn rules() -> VisitRules {
        RuleSet::national_default().visits
    }

    fn assign(visitor: i64, cell: i64, from: NaiveDate) -> Assignment {
        Assignment {
            visitor_id: AccountId(visitor),
            visitor_name: format!("Cấp ủy viên {visitor}"),
            cell_id: OrgId(cell),
            cell_name: format!("Chi bộ {cell}"),
            from,
            until: None,
        }
    }

    fn visit(visitor: i64, cell: i64, date: NaiveDate, filed: Option<NaiveDate>) -> Visit {
        Visit {
            visitor_id: AccountId(visitor),
            cell_id: OrgId(cell),
            date,
            report_filed_on: filed,
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn cadence_once_a_quarter() {
        // Từ Sơn: mỗi quý một lần.
        let a = vec![assign(1, 10, d(2025, 12, 1)), assign(2, 20, d(2026, 5, 10))];
        let v = vec![
            visit(1, 10, d(2026, 2, 12), Some(d(2026, 2, 14))),
            visit(1, 10, d(2026, 5, 12), Some(d(2026, 5, 15))),
            visit(1, 20, d(2026, 8, 12), Some(d(2026, 8, 15))), // not his cell
            visit(2, 20, d(2026, 9, 1), Some(d(2026, 9, 2))),
        ];
        let r = review(&a, &v, Period::year(2026), d(2026, 12, 15), &rules());
        let behind: Vec<(i64, String)> = r
            .behind
            .iter()
            .map(|b| (b.visitor_id.0, b.period.from.to_string()))
            .collect();
        // Q3 missed by visitor 1; Q4 not over; visitor 2's Q2 only partly assigned.
        assert_eq!(behind, vec![(1, "tháng 7/2026".to_string())]);
        assert!(r.behind[0].message.contains("chưa đủ 1 lần"));
        // Kon Tum style: twice a year.
        let mut twice = rules();
        twice.cadence.value = Cadence {
            visits: 2,
            months: 12,
        };
        let r = review(&a, &v, Period::year(2026), d(2027, 1, 5), &twice);
        let who: Vec<i64> = r.behind.iter().map(|b| b.visitor_id.0).collect();
        assert_eq!(
            who,
            Vec::<i64>::new(),
            "visitor 1 made 2; visitor 2 was not assigned all year"
        );
        let r = review(&a[..1], &v[..1], Period::year(2026), d(2027, 1, 5), &twice);
        assert_eq!(r.behind.len(), 1);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn reports_within_five_days() {
        // Từ Sơn: báo cáo trong thời gian 05 ngày.
        let v = vec![
            visit(1, 10, d(2026, 5, 10), None),
            visit(1, 11, d(2026, 5, 10), Some(d(2026, 5, 15))),
            visit(1, 12, d(2026, 5, 10), Some(d(2026, 5, 17))),
        ];
        let r = review(&[], &v, Period::year(2026), d(2026, 5, 15), &rules());
        assert!(
            r.overdue_reports.is_empty(),
            "due on the 15th: not yet overdue"
        );
        let r = review(&[], &v, Period::year(2026), d(2026, 5, 16), &rules());
        assert_eq!(r.overdue_reports.len(), 1);
        assert_eq!(r.overdue_reports[0].days_late, 1);
        assert_eq!(r.late_reports.len(), 1);
        assert_eq!(
            (r.late_reports[0].cell_id, r.late_reports[0].days_late),
            (OrgId(12), 2)
        );
        assert!(r.late_reports[0].message.contains("nộp muộn 2 ngày"));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn fairness_between_cells() {
        // Từ Sơn: "chỉ chọn chi bộ điển hình", weaker cells never visited.
        let a = vec![
            assign(1, 10, d(2025, 1, 1)),
            assign(1, 11, d(2025, 1, 1)),
            assign(2, 12, d(2025, 1, 1)),
        ];
        let model_cell = vec![
            visit(1, 10, d(2026, 3, 1), None),
            visit(1, 10, d(2026, 4, 1), None),
            visit(2, 12, d(2026, 4, 2), None),
            visit(1, 11, d(2025, 6, 1), None),
        ];
        let r = review(
            &a,
            &model_cell,
            Period::year(2026),
            d(2026, 6, 30),
            &rules(),
        );
        assert!(r.fairness.unfair);
        assert_eq!(r.fairness.neglected.len(), 1);
        assert_eq!(r.fairness.neglected[0].cell_id, OrgId(11));
        assert_eq!(r.fairness.neglected[0].last_visit, Some(d(2025, 6, 1)));
        assert_eq!(r.fairness.favoured[0].cell_id, OrgId(10));
        assert!(r.fairness.message.contains("Chi bộ 11"));
        let mut fair = model_cell.clone();
        fair[1].cell_id = OrgId(11);
        let r = review(&a, &fair, Period::year(2026), d(2026, 6, 30), &rules());
        assert!(!r.fairness.unfair, "{}", r.fairness.message);
    }
}
