//! Upper-level visits: the committees' quarter plans, the visits, their reports and recommendations.

use super::*;

impl Generator {
    /// The grassroots committee's plans for each quarter and its members'
    /// visits: about one a quarter each, to the cells assigned to them and
    /// mostly to the better ones (the weak cells are the ones left out).
    pub(super) fn visits(
        &mut self,
        rng: &mut Rng,
        org: i64,
        committee: &[i64],
        assigned: &[Vec<usize>],
        cells: &[Cell],
    ) {
        for (k, visitor) in committee.iter().enumerate() {
            let mine = &assigned[k];
            if mine.is_empty() {
                continue;
            }
            for (quarter_first, from, to) in quarters(self.end) {
                let planned = mine[rng.index(mine.len())];
                self.plan(
                    rng,
                    org,
                    quarter_first,
                    *visitor,
                    cells[planned].id,
                    committee[0],
                );
                if !rng.chance(0.85) {
                    continue;
                }
                // Better cells are visited more: weight quality² plus a little.
                let weights: Vec<f64> = mine
                    .iter()
                    .map(|i| cells[*i].quality.powi(2) + 0.05)
                    .collect();
                let mut x = rng.unit() * weights.iter().sum::<f64>();
                let mut chosen = mine[0];
                for (i, w) in mine.iter().zip(&weights) {
                    chosen = *i;
                    if x < *w {
                        break;
                    }
                    x -= w;
                }
                let cell = &cells[chosen];
                let held: Vec<_> = cell
                    .held
                    .iter()
                    .filter(|h| h.1.date() >= from && h.1.date() < to)
                    .collect();
                if held.is_empty() {
                    continue;
                }
                let (meeting, when, score) = **rng.pick(&held);
                self.visit(
                    rng,
                    *visitor,
                    cell.id,
                    cell.secretary_account,
                    meeting,
                    when,
                    score,
                );
            }
        }
    }

    fn plan(
        &mut self,
        rng: &mut Rng,
        committee: i64,
        quarter_first: NaiveDate,
        visitor: i64,
        cell: i64,
        by: i64,
    ) {
        let quarter = i64::from(quarter_first.month0() / 3 + 1);
        let month = rng
            .chance(0.6)
            .then(|| i64::from(quarter_first.month()) + rng.range(0, 2));
        self.rows.plans.push(BulkPlan {
            id: Ids::take(&mut self.ids.plan),
            committee,
            year: i64::from(quarter_first.year()),
            quarter,
            visitor,
            cell,
            month,
            created_by: by,
            created_at: at(plus_days(quarter_first, -rng.range(3, 10)), 9, 0),
        });
    }

    /// A visit to a held meeting, its report (mostly within 5 days, some
    /// late, some never) and its recommendations (some answered).
    #[allow(clippy::too_many_arguments)]
    fn visit(
        &mut self,
        rng: &mut Rng,
        visitor: i64,
        cell: i64,
        cell_secretary: i64,
        meeting: i64,
        when: NaiveDateTime,
        score: Option<i64>,
    ) {
        let id = Ids::take(&mut self.ids.visit);
        let live = rng.chance(0.4);
        self.rows.visits.push(BulkVisit {
            id,
            visitor,
            cell,
            meeting: Some(meeting),
            date: when.date(),
            source: if live { "live" } else { "in_person" },
            recorded_by: if live { visitor } else { cell_secretary },
            recorded_at: when + chrono::Duration::minutes(5),
        });
        self.summary.visits += 1;
        let u = rng.unit();
        let filed_on = if u < 0.75 {
            plus_days(when.date(), rng.range(0, 5))
        } else if u < 0.87 {
            plus_days(when.date(), rng.range(6, 25))
        } else {
            return;
        };
        if filed_on >= self.end {
            return;
        }
        let proposed_tenths = score
            .filter(|_| rng.chance(0.7))
            .map(|s| (s + rng.range(-30, 20)).clamp(0, 1000));
        self.rows.reports.push(BulkReport {
            visit: id,
            content: rng.pick(&CONTENT).to_string(),
            ideology: rng.pick(&IDEOLOGY).to_string(),
            issues: rng.pick(&ISSUES).to_string(),
            proposed_tenths,
            filed_on,
            filed_at: at(filed_on, 16, 30),
        });
        self.summary.reports += 1;
        for seq in 0..rng.range(0, 2) {
            let answered_on = plus_days(filed_on, rng.range(3, 30));
            let status = if answered_on >= self.end || rng.chance(0.4) {
                "open"
            } else if rng.chance(0.5) {
                "accepted"
            } else {
                "done"
            };
            let answered = (status != "open").then(|| (cell_secretary, at(answered_on, 9, 0)));
            self.rows.recommendations.push(BulkRecommendation {
                id: Ids::take(&mut self.ids.recommendation),
                visit: id,
                cell,
                seq,
                text: rng.pick(&RECOMMENDATIONS).to_string(),
                status,
                answer: if answered.is_some() {
                    rng.pick(&ANSWERS).to_string()
                } else {
                    String::new()
                },
                answered,
            });
        }
    }

    /// The bloc committee's members: a plan and most often a visit each
    /// quarter, to a cell anywhere in the bloc.
    pub(super) fn bloc_visits(&mut self) {
        let mut rng = Rng::new(3);
        let cells = std::mem::take(&mut self.all_cells);
        if cells.is_empty() {
            return;
        }
        let by = self.bloc_accounts.first().copied().unwrap_or(1);
        for visitor in self.bloc_accounts.clone() {
            for (quarter_first, from, to) in quarters(self.end) {
                let cell = &cells[rng.index(cells.len())];
                self.plan(&mut rng, self.bloc_id, quarter_first, visitor, cell.id, by);
                if !rng.chance(0.7) {
                    continue;
                }
                let in_quarter: Vec<_> = cell
                    .held
                    .iter()
                    .filter(|h| h.1.date() >= from && h.1.date() < to)
                    .collect();
                if in_quarter.is_empty() {
                    continue;
                }
                let (meeting, when) = **rng.pick(&in_quarter);
                self.visit(
                    &mut rng,
                    visitor,
                    cell.id,
                    cell.secretary_account,
                    meeting,
                    when,
                    None,
                );
            }
        }
    }
}
