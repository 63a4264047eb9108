//! What a committee's dashboard reads (theo dõi các chi bộ): for a list of
//! cells and a period, one query per table (meetings with their outcomes
//! and scores, member counts, visits with their reports, visit plans, open
//! recommendations), never one per cell. Also closed meetings' outcomes
//! (`meeting_outcomes`) and the cell's proposed total
//! (`meeting_scores.proposed_tenths`), written when a meeting closes or the
//! cell proposes, and backfilled at start-up. Reached through
//! `Storage::oversight()`.

use super::Result;
use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, SqlStore, json_array};
use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime};
use shared::oversight::MeetingOutcome;
use shared::{AccountId, MeetingId, OrgId};

/// A meeting row for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRow {
    pub id: MeetingId,
    pub cell: OrgId,
    pub kind: String,
    pub status: String,
    pub cancelled: bool,
    pub starts_at: NaiveDateTime,
    pub registered_at: NaiveDateTime,
    /// expected, present, speakers, minutes.
    pub outcome: Option<(i64, i64, i64, i64)>,
    pub proposed_tenths: Option<i64>,
    pub final_tenths: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    pub visitor: AccountId,
    pub visitor_name: String,
    pub cell: OrgId,
    pub date: NaiveDate,
    pub filed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub visitor: AccountId,
    pub visitor_name: String,
    pub cell: OrgId,
    pub year: i64,
    pub quarter: i64,
}

/// Everything the dashboard needs from the tables, for some cells and a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OversightRows {
    pub meetings: Vec<MeetingRow>,
    /// Members on the roll per cell (not transferred out).
    pub members: Vec<(OrgId, i64)>,
    pub visits: Vec<VisitRow>,
    pub plans: Vec<PlanRow>,
    pub open_recommendations: Vec<(OrgId, i64)>,
}

#[async_trait]
pub trait OversightStore: Send + Sync {
    /// The rows for `cells` from `from` (included) to `until` (excluded).
    async fn rows(
        &self,
        cells: &[OrgId],
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<OversightRows>;
    /// Keeps a closed meeting's outcome; a second call changes nothing.
    async fn record_outcome(
        &self,
        meeting: MeetingId,
        cell: OrgId,
        outcome: &MeetingOutcome,
    ) -> Result<()>;
    /// Closed meetings without an outcome row (to backfill).
    async fn closed_without_outcome(&self) -> Result<Vec<MeetingId>>;
    /// Keeps the cell's proposed total beside its proposal.
    async fn set_proposed_tenths(&self, meeting: MeetingId, tenths: i64) -> Result<()>;
    /// Proposals without a total: (meeting, basis JSON, cell entries JSON).
    async fn proposals_without_tenths(&self) -> Result<Vec<(MeetingId, String, String)>>;
}

#[async_trait]
impl<DB: Backend> OversightStore for SqlStore<DB> {
    async fn rows(
        &self,
        cells: &[OrgId],
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<OversightRows> {
        if cells.is_empty() {
            return Ok(OversightRows::default());
        }
        let ids = json_array(cells)?;
        // The five reads are independent: each on its own connection, at once
        // (the meetings' read alone is most of the time on a bloc).
        let (meetings, members, visits, plans, open_recommendations) = tokio::try_join!(
            self.meeting_rows(&ids, from, until),
            self.count_by_cell(
                &ids,
                "SELECT cell_id, COUNT(*) AS n FROM members
                 WHERE cell_id IN ({cells_in}) AND status <> 'transferred_out' GROUP BY cell_id",
            ),
            self.visit_rows(&ids, from, until),
            self.plan_rows(&ids, from, until),
            self.count_by_cell(
                &ids,
                "SELECT cell_id, COUNT(*) AS n FROM visit_recommendations
                 WHERE cell_id IN ({cells_in}) AND status <> 'done' GROUP BY cell_id",
            ),
        )?;
        Ok(OversightRows {
            meetings,
            members,
            visits,
            plans,
            open_recommendations,
        })
    }

    async fn record_outcome(
        &self,
        meeting: MeetingId,
        cell: OrgId,
        o: &MeetingOutcome,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO meeting_outcomes
                (meeting_id, cell_id, held_on, expected, present, excused, absent, speakers, duration_minutes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (meeting_id) DO NOTHING",
        )
        .param(meeting.0)
        .param(cell.0)
        .param(o.held_on)
        .param(i64::from(o.expected))
        .param(i64::from(o.present))
        .param(i64::from(o.excused))
        .param(i64::from(o.absent))
        .param(i64::from(o.speakers))
        .param(i64::from(o.duration_minutes))
        .execute(self.pool.executor())
        .await?;
        Ok(())
    }

    async fn closed_without_outcome(&self) -> Result<Vec<MeetingId>> {
        let rows = sqlx::query(
            "SELECT m.id FROM meetings m
             WHERE m.status = 'closed'
               AND NOT EXISTS (SELECT 1 FROM meeting_outcomes o WHERE o.meeting_id = m.id)
             ORDER BY m.id",
        )
        .fetch_all(self.pool.executor())
        .await?;
        rows.iter().map(|r| Ok(MeetingId(r.read("id")?))).collect()
    }

    async fn set_proposed_tenths(&self, meeting: MeetingId, tenths: i64) -> Result<()> {
        sqlx::query("UPDATE meeting_scores SET proposed_tenths = $2 WHERE meeting_id = $1")
            .param(meeting.0)
            .param(tenths.max(0))
            .execute(self.pool.executor())
            .await?;
        Ok(())
    }

    async fn proposals_without_tenths(&self) -> Result<Vec<(MeetingId, String, String)>> {
        let rows = sqlx::query(
            "SELECT meeting_id, basis, cell_entries FROM meeting_scores
             WHERE proposed_tenths IS NULL ORDER BY meeting_id",
        )
        .fetch_all(self.pool.executor())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    MeetingId(r.read("meeting_id")?),
                    r.read("basis")?,
                    r.read("cell_entries")?,
                ))
            })
            .collect()
    }
}

impl<DB: Backend> SqlStore<DB> {
    /// The cells' meetings starting in the period, with outcomes and scores.
    async fn meeting_rows(
        &self,
        ids: &str,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<MeetingRow>> {
        let (start, end) = (
            from.and_hms_opt(0, 0, 0).unwrap_or_default(),
            until.and_hms_opt(0, 0, 0).unwrap_or_default(),
        );
        let cells_in = DB::ids_in_json(1);
        let sql = format!(
            "SELECT m.id, m.cell_id, m.kind, m.status, m.cancelled_at, m.starts_at, m.registered_at,
                    o.expected, o.present, o.speakers, o.duration_minutes,
                    s.proposed_tenths, s.final_tenths
             FROM meetings m
             LEFT JOIN meeting_outcomes o ON o.meeting_id = m.id
             LEFT JOIN meeting_scores s ON s.meeting_id = m.id
             WHERE m.cell_id IN ({cells_in}) AND m.starts_at >= $2 AND m.starts_at < $3
             ORDER BY m.cell_id, m.starts_at, m.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(ids)
            .param(start)
            .param(end)
            .fetch_all(self.pool.executor())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let expected: Option<i64> = r.read("expected")?;
            let outcome = match expected {
                Some(e) => Some((
                    e,
                    r.read("present")?,
                    r.read("speakers")?,
                    r.read("duration_minutes")?,
                )),
                None => None,
            };
            out.push(MeetingRow {
                id: MeetingId(r.read("id")?),
                cell: OrgId(r.read("cell_id")?),
                kind: r.read("kind")?,
                status: r.read("status")?,
                cancelled: r.read::<Option<NaiveDateTime>>("cancelled_at")?.is_some(),
                starts_at: r.read("starts_at")?,
                registered_at: r.read("registered_at")?,
                outcome,
                proposed_tenths: r.read("proposed_tenths")?,
                final_tenths: r.read("final_tenths")?,
            });
        }
        Ok(out)
    }

    /// `(cell, n)` from a `SELECT cell_id, COUNT(*) AS n … IN ({cells_in})`.
    async fn count_by_cell(&self, ids: &str, sql: &str) -> Result<Vec<(OrgId, i64)>> {
        let sql = sql.replace("{cells_in}", &DB::ids_in_json(1));
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(ids)
            .fetch_all(self.pool.executor())
            .await?
            .iter()
            .map(|r| Ok((OrgId(r.read("cell_id")?), r.read("n")?)))
            .collect()
    }

    /// The cells' visits in the period, with the day each report was filed.
    async fn visit_rows(
        &self,
        ids: &str,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<VisitRow>> {
        let cells_in = DB::ids_in_json(1);
        let sql = format!(
            "SELECT v.visitor_id, a.display_name, v.cell_id, v.date, r.filed_on
             FROM visits v JOIN accounts a ON a.id = v.visitor_id
             LEFT JOIN visit_reports r ON r.visit_id = v.id
             WHERE v.cell_id IN ({cells_in}) AND v.date >= $2 AND v.date < $3
             ORDER BY v.date, v.id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(ids)
            .param(from)
            .param(until)
            .fetch_all(self.pool.executor())
            .await?
            .iter()
            .map(|r| {
                Ok(VisitRow {
                    visitor: AccountId(r.read("visitor_id")?),
                    visitor_name: r.read("display_name")?,
                    cell: OrgId(r.read("cell_id")?),
                    date: r.read("date")?,
                    filed_on: r.read("filed_on")?,
                })
            })
            .collect()
    }

    /// The cells' planned visits in the quarters the period touches.
    async fn plan_rows(
        &self,
        ids: &str,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<PlanRow>> {
        let cells_in = DB::ids_in_json(1);
        let sql = format!(
            "SELECT p.visitor_id, a.display_name, p.cell_id, p.year, p.quarter
             FROM visit_plans p JOIN accounts a ON a.id = p.visitor_id
             WHERE p.cell_id IN ({cells_in}) AND p.year * 4 + p.quarter >= $2 AND p.year * 4 + p.quarter <= $3
             ORDER BY p.year, p.quarter, p.id"
        );
        let q = |d: NaiveDate| {
            use chrono::Datelike;
            i64::from(d.year()) * 4 + i64::from((d.month() - 1) / 3 + 1)
        };
        let last = until.pred_opt().unwrap_or(until);
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(ids)
            .param(q(from))
            .param(q(last))
            .fetch_all(self.pool.executor())
            .await?
            .iter()
            .map(|r| {
                Ok(PlanRow {
                    visitor: AccountId(r.read("visitor_id")?),
                    visitor_name: r.read("display_name")?,
                    cell: OrgId(r.read("cell_id")?),
                    year: r.read("year")?,
                    quarter: r.read("quarter")?,
                })
            })
            .collect()
    }
}
