//! Roll-ups of cell-months per organization, per month and per visitor, and the figures the press reports cite.

use super::*;

/// Roll-up of cell-months (one organization, one month, or the whole view).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Rollup {
    pub cells: u32,
    /// Cell-months counted.
    pub months: u32,
    pub registered_on_time: u32,
    pub registered_late: u32,
    pub held: u32,
    /// Judged (over) and no regular meeting.
    pub missing: u32,
    /// Cell-months whose quarter had a thematic meeting.
    pub thematic: u32,
    /// Mean attendance over the held meetings with a record, in permille.
    pub attendance_permille: Option<u32>,
    pub spoke_permille: Option<u32>,
    /// Mean confirmed score, tenths.
    pub upper_tenths: Option<u32>,
    pub cell_tenths: Option<u32>,
    pub visits: u32,
    /// Cells visited at least once.
    pub cells_visited: u32,
    pub reports_on_time: u32,
    pub reports_late: u32,
    pub open_recommendations: u32,
}

impl Rollup {
    /// Share of held cell-months among those judged or held, permille.
    pub fn held_permille(&self) -> Option<u32> {
        let whole = self.held + self.missing;
        (whole > 0).then(|| permille(self.held, whole))
    }

    /// Share of cells visited, permille.
    pub fn visited_permille(&self) -> Option<u32> {
        (self.cells > 0).then(|| permille(self.cells_visited, self.cells))
    }

    /// Share of reports filed on time among those judged, permille.
    pub fn reports_on_time_permille(&self) -> Option<u32> {
        let whole = self.reports_on_time + self.reports_late;
        (whole > 0).then(|| permille(self.reports_on_time, whole))
    }
}

fn mean(sum: u64, n: u64) -> Option<u32> {
    (n > 0).then(|| u32::try_from((sum + n / 2) / n).unwrap_or(u32::MAX))
}

/// Rolls up the rows `kept` (all rows when `None`).
pub fn rollup<'a>(rows: impl IntoIterator<Item = &'a CellMonth>) -> Rollup {
    let mut r = Rollup::default();
    let mut cells = BTreeSet::new();
    let mut visited = BTreeSet::new();
    let mut recs = BTreeMap::new();
    let (mut att, mut att_n, mut spoke, mut spoke_n) = (0u64, 0u64, 0u64, 0u64);
    let (mut up, mut up_n, mut ce, mut ce_n) = (0u64, 0u64, 0u64, 0u64);
    for m in rows {
        r.months += 1;
        cells.insert(m.cell);
        recs.insert(m.cell, m.open_recommendations);
        match m.registered_on_time {
            Some(true) => r.registered_on_time += 1,
            Some(false) => r.registered_late += 1,
            None => {}
        }
        r.held += u32::from(m.held);
        r.missing += u32::from(m.status == SlotStatus::Missing);
        r.thematic += u32::from(m.thematic == Some(true));
        if let Some(a) = m.attendance_permille {
            att += u64::from(a);
            att_n += 1;
        }
        if let Some(s) = m.spoke_permille {
            spoke += u64::from(s);
            spoke_n += 1;
        }
        if let Some(s) = m.upper_tenths {
            up += u64::from(s);
            up_n += 1;
        }
        if let Some(s) = m.cell_tenths {
            ce += u64::from(s);
            ce_n += 1;
        }
        r.visits += m.visits;
        if m.visits > 0 {
            visited.insert(m.cell);
        }
        r.reports_on_time += m.reports_on_time;
        r.reports_late += m.reports_late;
    }
    r.cells = u32_of(cells.len());
    r.cells_visited = u32_of(visited.len());
    r.open_recommendations = recs.values().sum();
    r.attendance_permille = mean(att, att_n);
    r.spoke_permille = mean(spoke, spoke_n);
    r.upper_tenths = mean(up, up_n);
    r.cell_tenths = mean(ce, ce_n);
    r
}

/// The organization row directly below row 0 that the cell sits under;
/// `None` when the cell sits straight under row 0 (or the rows are broken).
pub fn top_org(f: &OversightFacts, cell: u32) -> Option<u32> {
    let mut at = f.cells.org.get(idx(cell)).copied()?;
    for _ in 0..=f.orgs.id.len() {
        match f.orgs.parent.get(idx(at)).copied().flatten() {
            Some(0) => return Some(at),
            Some(up) => at = up,
            None => return None,
        }
    }
    None
}

/// One line per organization directly below the committee (the committee
/// itself first when cells sit straight under it): its cells' roll-up.
pub fn by_organization(f: &OversightFacts, rows: &[CellMonth]) -> Vec<(u32, Rollup)> {
    let top: Vec<Option<u32>> = (0..f.cells.id.len())
        .map(|c| top_org(f, u32_of(c)))
        .collect();
    let mut groups: Vec<Vec<&CellMonth>> = vec![Vec::new(); f.orgs.id.len()];
    let mut direct = Vec::new();
    for r in rows {
        match top.get(idx(r.cell)).copied().flatten() {
            Some(o) if idx(o) < groups.len() => groups[idx(o)].push(r),
            _ => direct.push(r),
        }
    }
    let mut out = Vec::new();
    if !direct.is_empty() {
        out.push((0, rollup(direct)));
    }
    for (o, v) in groups.into_iter().enumerate() {
        if f.orgs.parent.get(o).copied().flatten() == Some(0) {
            out.push((u32_of(o), rollup(v)));
        }
    }
    out
}

/// One line per month of the period.
pub fn by_month(f: &OversightFacts, rows: &[CellMonth]) -> Vec<(YearMonth, Rollup)> {
    Period {
        from: f.from,
        to: f.to,
    }
    .months()
    .map(|m| (m, rollup(rows.iter().filter(|r| r.month == m))))
    .collect()
}

/// A visitor's visits against the plan, per quarter of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorLine {
    /// Index of the visitor row.
    pub visitor: u32,
    pub quarter: Quarter,
    pub planned: u32,
    pub visits: u32,
    /// Planned cells visited in the quarter.
    pub planned_visited: u32,
    pub reports_on_time: u32,
    pub reports_late: u32,
}

/// Visits per committee member and quarter, against the plan.
pub fn by_visitor(f: &OversightFacts) -> Vec<VisitorLine> {
    let mut lines: BTreeMap<(u32, Quarter), VisitorLine> = BTreeMap::new();
    let period = Period {
        from: f.from,
        to: f.to,
    };
    let line = |lines: &mut BTreeMap<(u32, Quarter), VisitorLine>, v: u32, q: Quarter| {
        lines.entry((v, q)).or_insert(VisitorLine {
            visitor: v,
            quarter: q,
            planned: 0,
            visits: 0,
            planned_visited: 0,
            reports_on_time: 0,
            reports_late: 0,
        });
    };
    let p = &f.plans;
    let mut planned: BTreeSet<(u32, Quarter, u32)> = BTreeSet::new();
    for (i, &v) in p.visitor.iter().enumerate() {
        let q = Quarter {
            year: p.year.get(i).copied().unwrap_or(0),
            quarter: u32::from(p.quarter.get(i).copied().unwrap_or(1).clamp(1, 4)),
        };
        if q.last_month() < period.from || q.first_month() > period.to {
            continue;
        }
        line(&mut lines, v, q);
        if let Some(l) = lines.get_mut(&(v, q)) {
            l.planned += 1;
        }
        planned.insert((v, q, p.cell.get(i).copied().unwrap_or(u32::MAX)));
    }
    let mut seen: BTreeSet<(u32, Quarter, u32)> = BTreeSet::new();
    for (i, &v) in f.visits.visitor.iter().enumerate() {
        let cell = f.visits.cell.get(i).copied().unwrap_or(u32::MAX);
        let day = day_of(f.epoch, f.visits.day.get(i).copied().unwrap_or(0));
        if !period.contains(day) {
            continue;
        }
        let q = YearMonth::of(day).quarter();
        line(&mut lines, v, q);
        let within = f
            .cells
            .rules
            .get(idx(cell))
            .and_then(|r| f.rules.get(idx(*r)))
            .map_or(5, |r| r.report_within_days);
        let state = report_state(
            day,
            f.visits
                .report
                .get(i)
                .copied()
                .flatten()
                .map(|n| day_of(f.epoch, n)),
            f.today,
            within,
        );
        if let Some(l) = lines.get_mut(&(v, q)) {
            l.visits += 1;
            if planned.contains(&(v, q, cell)) && seen.insert((v, q, cell)) {
                l.planned_visited += 1;
            }
            match state {
                ReportState::OnTime => l.reports_on_time += 1,
                ReportState::Late | ReportState::Overdue => l.reports_late += 1,
                ReportState::Pending => {}
            }
        }
    }
    lines.into_values().collect()
}

/// The figures press reports cite for a committee (docs/rules.md#sources) over the period (a term).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedFigures {
    pub cells: u32,
    pub cells_visited: u32,
    /// Share of cells visited, permille.
    pub cells_visited_permille: Option<u32>,
    /// Visits (lượt).
    pub visits: u32,
    pub reports_on_time: u32,
    /// Reports judged (filed, or past due).
    pub reports_judged: u32,
    pub reports_on_time_permille: Option<u32>,
}

/// Share of cells visited in the period, visits ("lượt"), reports filed on time.
pub fn seed_figures(f: &OversightFacts, rows: &[CellMonth]) -> SeedFigures {
    let r = rollup(rows);
    SeedFigures {
        cells: u32_of(f.cells.id.len()),
        cells_visited: r.cells_visited,
        cells_visited_permille: (!f.cells.id.is_empty())
            .then(|| permille(r.cells_visited, u32_of(f.cells.id.len()))),
        visits: r.visits,
        reports_on_time: r.reports_on_time,
        reports_judged: r.reports_on_time + r.reports_late,
        reports_on_time_permille: r.reports_on_time_permille(),
    }
}

/// Score distribution: counts of confirmed (else proposed) scores in ten
/// bands of 10 points (0–9.9, …, 90–100).
pub fn score_distribution<'a>(rows: impl IntoIterator<Item = &'a CellMonth>) -> [u32; 10] {
    let mut out = [0u32; 10];
    for r in rows {
        if let Some(t) = r.upper_tenths.or(r.cell_tenths) {
            let b = idx((t / 100).min(9));
            out[b] += 1;
        }
    }
    out
}
