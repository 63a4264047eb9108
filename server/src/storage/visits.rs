//! Upper-level visits (migration 0016): a committee's plan per quarter, the
//! visits made, their reports and the recommendations with the cell's
//! answers. Reached through `Storage::visits()`. Dates are Vietnam dates
//! (`visits.date` the visit's, `visit_reports.filed_on` the filing's).

use super::sql::{
    Backend, BindParam, ConnectionExecutor, PoolExecutor, ReadColumn, SqlStore, json_array,
};
use super::{Result, StorageError};
use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime};
use shared::rules::schedule::Quarter;
use shared::visits::{
    PlanEntry, Recommendation, RecommendationAnswer, RecommendationId, RecommendationStatus,
    ReportDraft, VisitId, VisitReport, VisitSource, Visitor,
};
use shared::{AccountId, MeetingId, OrgId};

/// A visit as stored, with its visitor's and cell's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVisit {
    pub id: VisitId,
    pub visitor_id: AccountId,
    pub visitor_name: String,
    pub cell_id: OrgId,
    pub cell_name: String,
    pub meeting_id: Option<MeetingId>,
    pub date: NaiveDate,
    pub source: VisitSource,
    pub filed_on: Option<NaiveDate>,
}

/// A visit to record.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub visitor: AccountId,
    pub cell: OrgId,
    pub meeting: Option<MeetingId>,
    pub date: NaiveDate,
    pub source: VisitSource,
    pub by: AccountId,
    pub at: NaiveDateTime,
}

#[async_trait]
pub trait VisitStore: Send + Sync {
    /// The plan of a committee for a quarter, in the order stored.
    async fn plan(&self, committee: OrgId, quarter: Quarter) -> Result<Vec<PlanEntry>>;
    /// Replaces the plan of a committee for a quarter.
    async fn replace_plan(
        &self,
        committee: OrgId,
        quarter: Quarter,
        entries: &[PlanEntry],
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<()>;
    /// Records a visit; `None` when this visitor's visit of this meeting
    /// (or, without a meeting, of this cell on this day) is there already.
    async fn record(&self, new: &NewVisit) -> Result<Option<VisitId>>;
    async fn visit(&self, id: VisitId) -> Result<Option<StoredVisit>>;
    /// A visitor's visits, newest first.
    async fn of_visitor(&self, visitor: AccountId) -> Result<Vec<StoredVisit>>;
    /// The visits of these cells on or after `since`, newest first.
    async fn of_cells(&self, cells: &[OrgId], since: NaiveDate) -> Result<Vec<StoredVisit>>;
    /// Visits whose report is not filed, made on or after `since`.
    async fn unreported(&self, since: NaiveDate) -> Result<Vec<StoredVisit>>;
    /// Files the report and its recommendations at once; false when a report
    /// was filed already.
    async fn file_report(
        &self,
        visit: &StoredVisit,
        report: &ReportDraft,
        filed_on: NaiveDate,
        filed_at: NaiveDateTime,
    ) -> Result<bool>;
    async fn reports(&self, visits: &[VisitId]) -> Result<Vec<(VisitId, VisitReport)>>;
    /// The recommendations of these visits, by visit and place.
    async fn recommendations_of_visits(&self, visits: &[VisitId]) -> Result<Vec<Recommendation>>;
    /// A cell's recommendations, the pending ones first, newest visit first.
    async fn recommendations_of_cell(&self, cell: OrgId) -> Result<Vec<Recommendation>>;
    async fn recommendation(&self, id: RecommendationId) -> Result<Option<Recommendation>>;
    async fn answer(
        &self,
        id: RecommendationId,
        answer: &RecommendationAnswer,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<bool>;
    /// The accounts sitting on a committee, by name.
    async fn committee_members(&self, committee: OrgId) -> Result<Vec<Visitor>>;
    /// Who follows which of these cells: (account, name, cell).
    async fn followers(&self, cells: &[OrgId]) -> Result<Vec<(AccountId, String, OrgId)>>;
}

fn corrupt(what: &str, v: i64) -> StorageError {
    StorageError::Corrupt(format!("{what} {v}"))
}

const SELECT_VISITS: &str =
    "SELECT v.id, v.visitor_id, a.display_name, v.cell_id, o.name AS cell_name,
     v.meeting_id, v.date, v.source, r.filed_on
     FROM visits v
     JOIN accounts a ON a.id = v.visitor_id
     JOIN organizations o ON o.id = v.cell_id
     LEFT JOIN visit_reports r ON r.visit_id = v.id ";

fn visit_from_row<DB: Backend>(r: &DB::Row) -> Result<StoredVisit> {
    let source: String = r.read("source")?;
    Ok(StoredVisit {
        id: VisitId(r.read("id")?),
        visitor_id: AccountId(r.read("visitor_id")?),
        visitor_name: r.read("display_name")?,
        cell_id: OrgId(r.read("cell_id")?),
        cell_name: r.read("cell_name")?,
        meeting_id: r.read::<Option<i64>>("meeting_id")?.map(MeetingId),
        date: r.read("date")?,
        source: super::sql::parse_enum(&source, VisitSource::parse, "nguồn lượt dự")?,
        filed_on: r.read("filed_on")?,
    })
}

const SELECT_RECOMMENDATIONS: &str = "SELECT c.id, c.visit_id, c.cell_id, c.seq, c.text, c.status,
     c.answer, b.display_name AS answered_by, c.answered_at, v.date, a.display_name AS visitor_name
     FROM visit_recommendations c
     JOIN visits v ON v.id = c.visit_id
     JOIN accounts a ON a.id = v.visitor_id
     LEFT JOIN accounts b ON b.id = c.answered_by ";

fn recommendation_from_row<DB: Backend>(r: &DB::Row) -> Result<Recommendation> {
    let status: String = r.read("status")?;
    let seq: i64 = r.read("seq")?;
    Ok(Recommendation {
        id: RecommendationId(r.read("id")?),
        visit_id: VisitId(r.read("visit_id")?),
        cell_id: OrgId(r.read("cell_id")?),
        seq: u32::try_from(seq).map_err(|_| corrupt("thứ tự kiến nghị", seq))?,
        text: r.read("text")?,
        status: super::sql::parse_enum(
            &status,
            RecommendationStatus::parse,
            "trạng thái kiến nghị",
        )?,
        answer: r.read("answer")?,
        answered_by: r.read("answered_by")?,
        answered_at: r.read("answered_at")?,
        visit_date: r.read("date")?,
        visitor_name: r.read("visitor_name")?,
    })
}

#[async_trait]
impl<DB: Backend> VisitStore for SqlStore<DB> {
    async fn plan(&self, committee: OrgId, quarter: Quarter) -> Result<Vec<PlanEntry>> {
        let rows = sqlx::query(
            "SELECT visitor_id, cell_id, month FROM visit_plans
             WHERE committee_id = $1 AND year = $2 AND quarter = $3 ORDER BY id",
        )
        .param(committee.0)
        .param(i64::from(quarter.year))
        .param(i64::from(quarter.quarter))
        .fetch_all(self.pool.executor())
        .await?;
        rows.iter()
            .map(|r| {
                let month: Option<i64> = r.read("month")?;
                Ok(PlanEntry {
                    visitor_id: AccountId(r.read("visitor_id")?),
                    cell_id: OrgId(r.read("cell_id")?),
                    month: month
                        .map(|m| u32::try_from(m).map_err(|_| corrupt("tháng", m)))
                        .transpose()?,
                })
            })
            .collect()
    }

    async fn replace_plan(
        &self,
        committee: OrgId,
        quarter: Quarter,
        entries: &[PlanEntry],
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<()> {
        let mut tx = self.pool.begin_with(DB::BEGIN_WRITE).await?;
        sqlx::query(
            "DELETE FROM visit_plans WHERE committee_id = $1 AND year = $2 AND quarter = $3",
        )
        .param(committee.0)
        .param(i64::from(quarter.year))
        .param(i64::from(quarter.quarter))
        .execute(tx.executor())
        .await?;
        for e in entries {
            sqlx::query(
                "INSERT INTO visit_plans (committee_id, year, quarter, visitor_id, cell_id, month, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .param(committee.0)
            .param(i64::from(quarter.year))
            .param(i64::from(quarter.quarter))
            .param(e.visitor_id.0)
            .param(e.cell_id.0)
            .param(e.month.map(i64::from))
            .param(by.0)
            .param(at)
            .execute(tx.executor())
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn record(&self, new: &NewVisit) -> Result<Option<VisitId>> {
        let mut tx = self.pool.begin_with(DB::BEGIN_WRITE).await?;
        // NULL meetings are distinct to UNIQUE: an in-person visit without a
        // meeting is one per visitor, cell and day.
        let existing = if new.meeting.is_none() {
            sqlx::query(
                "SELECT id FROM visits WHERE visitor_id = $1 AND cell_id = $2 AND date = $3 AND meeting_id IS NULL",
            )
            .param(new.visitor.0)
            .param(new.cell.0)
            .param(new.date)
            .fetch_optional(tx.executor())
            .await?
        } else {
            None
        };
        if existing.is_some() {
            return Ok(None);
        }
        let row = sqlx::query(
            "INSERT INTO visits (visitor_id, cell_id, meeting_id, date, source, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (visitor_id, meeting_id) DO NOTHING RETURNING id",
        )
        .param(new.visitor.0)
        .param(new.cell.0)
        .param(new.meeting.map(|m| m.0))
        .param(new.date)
        .param(new.source.as_str())
        .param(new.by.0)
        .param(new.at)
        .fetch_optional(tx.executor())
        .await?;
        tx.commit().await?;
        match row {
            Some(r) => Ok(Some(VisitId(r.read("id")?))),
            None => Ok(None),
        }
    }

    async fn visit(&self, id: VisitId) -> Result<Option<StoredVisit>> {
        let sql = format!("{SELECT_VISITS} WHERE v.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(id.0)
            .fetch_optional(self.pool.executor())
            .await?;
        row.as_ref().map(visit_from_row::<DB>).transpose()
    }

    async fn of_visitor(&self, visitor: AccountId) -> Result<Vec<StoredVisit>> {
        let sql =
            format!("{SELECT_VISITS} WHERE v.visitor_id = $1 ORDER BY v.date DESC, v.id DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(visitor.0)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter().map(visit_from_row::<DB>).collect()
    }

    async fn of_cells(&self, cells: &[OrgId], since: NaiveDate) -> Result<Vec<StoredVisit>> {
        let sql = format!(
            "{SELECT_VISITS} WHERE v.date >= $1 AND v.cell_id IN ({}) ORDER BY v.date DESC, v.id DESC",
            DB::ids_in_json(2)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(since)
            .param(json_array(cells.iter().map(|c| c.0))?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter().map(visit_from_row::<DB>).collect()
    }

    async fn unreported(&self, since: NaiveDate) -> Result<Vec<StoredVisit>> {
        let sql =
            format!("{SELECT_VISITS} WHERE v.date >= $1 AND r.visit_id IS NULL ORDER BY v.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(since)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter().map(visit_from_row::<DB>).collect()
    }

    async fn file_report(
        &self,
        visit: &StoredVisit,
        report: &ReportDraft,
        filed_on: NaiveDate,
        filed_at: NaiveDateTime,
    ) -> Result<bool> {
        let mut tx = self.pool.begin_with(DB::BEGIN_WRITE).await?;
        let row = sqlx::query(
            "INSERT INTO visit_reports (visit_id, content, ideology, issues, proposed_tenths, filed_on, filed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (visit_id) DO NOTHING RETURNING visit_id",
        )
        .param(visit.id.0)
        .param(report.content.as_str())
        .param(report.ideology.as_str())
        .param(report.issues.as_str())
        .param(report.proposed_tenths.map(i64::from))
        .param(filed_on)
        .param(filed_at)
        .fetch_optional(tx.executor())
        .await?;
        if row.is_none() {
            return Ok(false);
        }
        for (seq, text) in report.recommendations.iter().enumerate() {
            sqlx::query(
                "INSERT INTO visit_recommendations (visit_id, cell_id, seq, text) VALUES ($1, $2, $3, $4)",
            )
            .param(visit.id.0)
            .param(visit.cell_id.0)
            .param(i64::try_from(seq).unwrap_or(i64::MAX))
            .param(text.as_str())
            .execute(tx.executor())
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn reports(&self, visits: &[VisitId]) -> Result<Vec<(VisitId, VisitReport)>> {
        let sql = format!(
            "SELECT visit_id, content, ideology, issues, proposed_tenths, filed_on, filed_at
             FROM visit_reports WHERE visit_id IN ({})",
            DB::ids_in_json(1)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(json_array(visits.iter().map(|v| v.0))?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter()
            .map(|r| {
                let tenths: Option<i64> = r.read("proposed_tenths")?;
                Ok((
                    VisitId(r.read("visit_id")?),
                    VisitReport {
                        content: r.read("content")?,
                        ideology: r.read("ideology")?,
                        issues: r.read("issues")?,
                        proposed_tenths: tenths
                            .map(|t| u32::try_from(t).map_err(|_| corrupt("điểm", t)))
                            .transpose()?,
                        filed_on: r.read("filed_on")?,
                        filed_at: r.read("filed_at")?,
                    },
                ))
            })
            .collect()
    }

    async fn recommendations_of_visits(&self, visits: &[VisitId]) -> Result<Vec<Recommendation>> {
        let sql = format!(
            "{SELECT_RECOMMENDATIONS} WHERE c.visit_id IN ({}) ORDER BY c.visit_id, c.seq",
            DB::ids_in_json(1)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(json_array(visits.iter().map(|v| v.0))?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter().map(recommendation_from_row::<DB>).collect()
    }

    async fn recommendations_of_cell(&self, cell: OrgId) -> Result<Vec<Recommendation>> {
        let sql = format!(
            "{SELECT_RECOMMENDATIONS} WHERE c.cell_id = $1
             ORDER BY CASE c.status WHEN 'done' THEN 1 ELSE 0 END, v.date DESC, c.visit_id DESC, c.seq"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(cell.0)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter().map(recommendation_from_row::<DB>).collect()
    }

    async fn recommendation(&self, id: RecommendationId) -> Result<Option<Recommendation>> {
        let sql = format!("{SELECT_RECOMMENDATIONS} WHERE c.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(id.0)
            .fetch_optional(self.pool.executor())
            .await?;
        row.as_ref().map(recommendation_from_row::<DB>).transpose()
    }

    async fn answer(
        &self,
        id: RecommendationId,
        answer: &RecommendationAnswer,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<bool> {
        let row = sqlx::query(
            "UPDATE visit_recommendations SET status = $1, answer = $2, answered_by = $3, answered_at = $4
             WHERE id = $5 RETURNING id",
        )
        .param(answer.status.as_str())
        .param(answer.note.as_str())
        .param(by.0)
        .param(at)
        .param(id.0)
        .fetch_optional(self.pool.executor())
        .await?;
        Ok(row.is_some())
    }

    async fn committee_members(&self, committee: OrgId) -> Result<Vec<Visitor>> {
        let rows = sqlx::query(
            "SELECT a.id, a.display_name FROM committee_seats s JOIN accounts a ON a.id = s.account_id
             WHERE s.organization_id = $1 AND a.disabled = $2 ORDER BY a.display_name, a.id",
        )
        .param(committee.0)
        .param(false)
        .fetch_all(self.pool.executor())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Visitor {
                    id: AccountId(r.read("id")?),
                    name: r.read("display_name")?,
                })
            })
            .collect()
    }

    async fn followers(&self, cells: &[OrgId]) -> Result<Vec<(AccountId, String, OrgId)>> {
        let sql = format!(
            "SELECT a.id, a.display_name, c.cell_id FROM cell_assignments c JOIN accounts a ON a.id = c.account_id
             WHERE c.cell_id IN ({}) ORDER BY a.display_name, a.id",
            DB::ids_in_json(1)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(json_array(cells.iter().map(|c| c.0))?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    AccountId(r.read("id")?),
                    r.read("display_name")?,
                    OrgId(r.read("cell_id")?),
                ))
            })
            .collect()
    }
}
