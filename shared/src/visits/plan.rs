//! A committee's visit plan for a quarter, its review, and who follows which cell.

use super::*;

/// One planned visit: a committee member to a cell in the quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanEntry {
    pub visitor_id: AccountId,
    pub cell_id: OrgId,
    /// The planned month (1–12, in the quarter), when the plan names one.
    #[serde(default)]
    pub month: Option<u32>,
}

/// The whole plan of a quarter, replacing the one stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanDraft {
    pub entries: Vec<PlanEntry>,
}

/// Why a plan is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    #[error("Quý phải từ 1 đến 4, năm từ 2000 đến 2100.")]
    Quarter,
    #[error("Kế hoạch có tối đa {MAX_PLAN_ENTRIES} lượt dự.")]
    TooMany,
    #[error("Dòng {0}: tháng không thuộc quý này.")]
    Month(usize),
    #[error("Dòng {0}: người này không phải cấp ủy viên của cấp ủy này.")]
    NotOnCommittee(usize),
    #[error("Dòng {0}: trùng với dòng {1}.")]
    Duplicate(usize, usize),
}

impl crate::i18n::Message for PlanError {
    fn english(&self) -> (&'static str, String) {
        match self {
            PlanError::Quarter => (
                "quarter",
                "The quarter must be from 1 to 4 and the year from 2000 to 2100.".into(),
            ),
            PlanError::TooMany => (
                "too_many",
                format!("A plan has at most {MAX_PLAN_ENTRIES} visits."),
            ),
            PlanError::Month(line) => (
                "month",
                format!("Line {line}: the month is not in this quarter."),
            ),
            PlanError::NotOnCommittee(line) => (
                "not_on_committee",
                format!("Line {line}: this person is not on this committee."),
            ),
            PlanError::Duplicate(line, other) => (
                "duplicate",
                format!("Line {line}: the same as line {other}."),
            ),
        }
    }
}

impl PlanError {
    pub fn field(&self) -> &'static str {
        match self {
            PlanError::Quarter => "quarter",
            _ => "entries",
        }
    }
}

/// Checks a quarter's number and year.
pub fn check_quarter(q: Quarter) -> Result<(), FieldErrors> {
    if (1..=4).contains(&q.quarter) && PLAN_YEARS.contains(&q.year) {
        Ok(())
    } else {
        Err(errors(&[("quarter", PlanError::Quarter)]))
    }
}

impl PlanDraft {
    /// Checks the plan of `quarter` for a committee whose members are
    /// `committee_members`: months in the quarter, visitors on the committee,
    /// no entry twice. (Cells outside the committee are the caller's "not
    /// found".)
    pub fn check(
        &self,
        quarter: Quarter,
        committee_members: &[AccountId],
    ) -> Result<(), FieldErrors> {
        check_quarter(quarter)?;
        let mut errs = Vec::new();
        if self.entries.len() > MAX_PLAN_ENTRIES {
            errs.push(PlanError::TooMany);
        } else {
            let months = quarter.first_month().month..=quarter.last_month().month;
            let mut seen: BTreeMap<(AccountId, OrgId), usize> = BTreeMap::new();
            for (i, e) in self.entries.iter().enumerate() {
                let line = i + 1;
                if e.month.is_some_and(|m| !months.contains(&m)) {
                    errs.push(PlanError::Month(line));
                }
                if !committee_members.contains(&e.visitor_id) {
                    errs.push(PlanError::NotOnCommittee(line));
                }
                if let Some(first) = seen.insert((e.visitor_id, e.cell_id), line) {
                    errs.push(PlanError::Duplicate(line, first));
                }
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errors(
                &errs.iter().map(|e| (e.field(), e)).collect::<Vec<_>>(),
            ))
        }
    }
}

/// A committee member who visits, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Visitor {
    pub id: AccountId,
    pub name: String,
}

/// A cell, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellRef {
    pub id: OrgId,
    pub name: String,
}

/// A visit made, as a plan's review needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PastVisit {
    pub visitor_id: AccountId,
    pub visitor_name: String,
    pub cell_id: OrgId,
    pub date: NaiveDate,
}

/// A cell on the plan screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanCell {
    pub cell_id: OrgId,
    pub cell_name: String,
    /// The last visit, and by whom; none: never visited.
    pub last_visit: Option<NaiveDate>,
    pub last_visitor: Option<String>,
    /// Visits in the fairness window.
    pub visits_in_window: u32,
    /// Not visited in the fairness window (or never).
    pub neglected: bool,
    /// In this quarter's plan.
    pub planned: bool,
    /// Planned although visited in the window, while a neglected cell is not planned.
    pub repeated: bool,
    /// The accounts assigned to follow it (phân công theo dõi).
    pub followers: Vec<Visitor>,
}

/// A committee member's share of the plan against the cadence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanVisitor {
    pub visitor_id: AccountId,
    pub name: String,
    /// Visits planned in this quarter.
    pub planned: u32,
    /// The cadence's period holding this quarter (a quarter, or a year for
    /// "2 a year") and the visits made in it before the quarter.
    pub period: Period,
    pub done_before: u32,
    /// Visits the cadence asks for in `period`.
    pub required: u32,
    /// The period ends with this quarter and planned + done fall short.
    pub short: bool,
}

/// The review of a quarter's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanReview {
    pub cells: Vec<PlanCell>,
    pub visitors: Vec<PlanVisitor>,
    /// The fairness check over the visits made (`rules::visits::fairness`).
    pub fairness: rules::FairnessCheck,
    /// What the committee should read before adopting the plan.
    pub warnings: Vec<String>,
}

/// What reviewing a plan needs.
#[derive(Debug, Clone)]
pub struct PlanInput<'a> {
    pub quarter: Quarter,
    pub cells: &'a [CellRef],
    pub visitors: &'a [Visitor],
    /// Who follows which cell: (account, name, cell).
    pub assignments: &'a [(AccountId, String, OrgId)],
    pub entries: &'a [PlanEntry],
    pub visits: &'a [PastVisit],
    pub today: NaiveDate,
    pub rules: &'a VisitRules,
}

/// Reviews a quarter's plan: for each cell its last visit and by whom, the
/// cells not visited in the fairness window, the planned cells visited
/// recently while those wait; for each committee member the visits planned
/// against the cadence.
pub fn review_plan(input: &PlanInput<'_>) -> PlanReview {
    let rules = input.rules;
    // Every cell below the committee is in the fairness check, assigned or not.
    let assignments: Vec<rules::Assignment> = input
        .cells
        .iter()
        .map(|c| rules::Assignment {
            visitor_id: AccountId(0),
            visitor_name: String::new(),
            cell_id: c.id,
            cell_name: c.name.clone(),
            from: NaiveDate::MIN,
            until: None,
        })
        .collect();
    let visits: Vec<rules::Visit> = input
        .visits
        .iter()
        .map(|v| rules::Visit {
            visitor_id: v.visitor_id,
            cell_id: v.cell_id,
            date: v.date,
            report_filed_on: None,
        })
        .collect();
    let fairness = rules::fairness(&assignments, &visits, input.today, &rules.fairness.value);
    let window = fairness.window_from;
    let planned = |cell: OrgId| input.entries.iter().any(|e| e.cell_id == cell);
    let waiting: Vec<&CellRef> = input
        .cells
        .iter()
        .filter(|c| fairness.neglected.iter().any(|n| n.cell_id == c.id) && !planned(c.id))
        .collect();

    let mut cells = Vec::new();
    for c in input.cells {
        let last = input
            .visits
            .iter()
            .filter(|v| v.cell_id == c.id && v.date <= input.today)
            .max_by_key(|v| v.date);
        let in_window = input
            .visits
            .iter()
            .filter(|v| v.cell_id == c.id && window <= v.date && v.date <= input.today)
            .count();
        let in_window = u32::try_from(in_window).unwrap_or(u32::MAX);
        let neglected = in_window == 0;
        cells.push(PlanCell {
            cell_id: c.id,
            cell_name: c.name.clone(),
            last_visit: last.map(|v| v.date),
            last_visitor: last.map(|v| v.visitor_name.clone()),
            visits_in_window: in_window,
            neglected,
            planned: planned(c.id),
            repeated: planned(c.id) && !neglected && !waiting.is_empty(),
            followers: input
                .assignments
                .iter()
                .filter(|(_, _, cell)| *cell == c.id)
                .map(|(id, name, _)| Visitor {
                    id: *id,
                    name: name.clone(),
                })
                .collect(),
        });
    }

    let cadence = rules.cadence.value;
    let months = cadence.months.clamp(1, 12);
    let first = input.quarter.first_month();
    let last = input.quarter.last_month();
    // The calendar-aligned period of the cadence holding the quarter.
    let (period, required) = if months <= 3 {
        // Shorter periods add up over the quarter (monthly: 3 × visits).
        (
            Period {
                from: first,
                to: last,
            },
            cadence.visits.saturating_mul(3 / months.max(1)),
        )
    } else {
        let start = first.index() - (first.index().rem_euclid(12) % i64::from(months));
        (
            Period {
                from: YearMonth::from_index(start),
                to: YearMonth::from_index(start + i64::from(months) - 1),
            },
            cadence.visits,
        )
    };
    let mut visitors = Vec::new();
    for v in input.visitors {
        let planned = input
            .entries
            .iter()
            .filter(|e| e.visitor_id == v.id)
            .count();
        let done_before = input
            .visits
            .iter()
            .filter(|p| {
                p.visitor_id == v.id
                    && period.from.first_day() <= p.date
                    && p.date < first.first_day()
            })
            .count();
        let planned = u32::try_from(planned).unwrap_or(u32::MAX);
        let done_before = u32::try_from(done_before).unwrap_or(u32::MAX);
        visitors.push(PlanVisitor {
            visitor_id: v.id,
            name: v.name.clone(),
            planned,
            period,
            done_before,
            required,
            short: period.to == last && planned.saturating_add(done_before) < required,
        });
    }

    let mut warnings = Vec::new();
    for c in cells.iter().filter(|c| c.neglected && !c.planned) {
        warnings.push(match (c.last_visit, &c.last_visitor) {
            (Some(d), Some(who)) => format!(
                "{} chưa được cấp ủy viên dự sinh hoạt từ ngày {} (lần cuối: đồng chí {}) và chưa có trong kế hoạch {}.",
                c.cell_name,
                date_vi(d),
                who,
                input.quarter
            ),
            _ => format!(
                "{} chưa từng được cấp ủy viên dự sinh hoạt và chưa có trong kế hoạch {}.",
                c.cell_name, input.quarter
            ),
        });
    }
    let repeated: Vec<&PlanCell> = cells.iter().filter(|c| c.repeated).collect();
    if !repeated.is_empty() {
        warnings.push(format!(
            "Kế hoạch lặp lại chi bộ đã được dự trong {} tháng qua ({}) trong khi {} chi bộ chưa được dự ({}).",
            rules.fairness.value.window_months,
            repeated
                .iter()
                .map(|c| format!("{}: {} lần", c.cell_name, c.visits_in_window))
                .collect::<Vec<_>>()
                .join(", "),
            waiting.len(),
            waiting
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for v in visitors.iter().filter(|v| v.short) {
        warnings.push(format!(
            "Đồng chí {} mới có {} lượt (đã dự {}, kế hoạch {}) trong kỳ từ {} đến {}, chưa đủ {} lượt theo quy định.",
            v.name,
            v.planned.saturating_add(v.done_before),
            v.done_before,
            v.planned,
            v.period.from,
            v.period.to,
            v.required
        ));
    }
    PlanReview {
        cells,
        visitors,
        fairness,
        warnings,
    }
}

/// A planned visit as the plan screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanEntryView {
    pub visitor_id: AccountId,
    pub visitor_name: String,
    pub cell_id: OrgId,
    pub cell_name: String,
    pub month: Option<u32>,
    /// The visitor has visited the cell in the quarter.
    pub done: bool,
}

/// A committee's plan of a quarter with its review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VisitPlan {
    pub committee_id: OrgId,
    pub committee_name: String,
    pub quarter: Quarter,
    pub entries: Vec<PlanEntryView>,
    /// The committee's members, who may be planned and assigned.
    pub visitors: Vec<Visitor>,
    pub review: PlanReview,
    /// Whether the reader changes the plan and the assignments (`may_plan`).
    pub may_plan: bool,
}

/// Marks which planned entries were carried out in the quarter.
pub fn entries_done(entries: &[PlanEntry], visits: &[PastVisit], quarter: Quarter) -> Vec<bool> {
    let (from, to) = (
        quarter.first_month().first_day(),
        quarter.last_month().last_day(),
    );
    entries
        .iter()
        .map(|e| {
            visits.iter().any(|v| {
                v.visitor_id == e.visitor_id
                    && v.cell_id == e.cell_id
                    && from <= v.date
                    && v.date <= to
            })
        })
        .collect()
}

/// The quarter holding a day.
pub fn quarter_of(day: NaiveDate) -> Quarter {
    YearMonth::of(day).quarter()
}

/// A committee assigns one of its members to follow a cell below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FollowAssignment {
    pub account_id: AccountId,
    pub cell_id: OrgId,
}
