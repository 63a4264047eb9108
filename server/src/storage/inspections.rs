//! Member inspections (table `inspections`, migration 0018) and what a
//! committee's progress reads of many cells at once. Reached through
//! `Storage::inspections()`.

use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, SqlStore, json_array};
use super::{Result, StorageError};
use async_trait::async_trait;
use chrono::NaiveDateTime;
use shared::inspections::{Inspection, InspectionDraft, InspectionId};
use shared::{AccountId, MemberId, OrgId};

#[async_trait]
pub trait InspectionStore: Send + Sync {
    async fn create(
        &self,
        cell: OrgId,
        draft: &InspectionDraft,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<InspectionId>;
    async fn get(&self, id: InspectionId) -> Result<Option<Inspection>>;
    /// False when it does not exist.
    async fn update(&self, id: InspectionId, draft: &InspectionDraft) -> Result<bool>;
    async fn delete(&self, id: InspectionId) -> Result<bool>;
    /// A cell's inspections concluded in a year, newest conclusion first.
    async fn of_cell(&self, cell: OrgId, year: i32) -> Result<Vec<Inspection>>;
    /// (cell, member) of every inspection of these cells concluded in a year.
    async fn inspected(&self, cells: &[OrgId], year: i32) -> Result<Vec<(OrgId, MemberId)>>;
    /// Members on the roll holding a cell role other than plain member, per cell.
    async fn role_seats(&self, cells: &[OrgId]) -> Result<Vec<(OrgId, u32)>>;
}

const SELECT: &str = "SELECT i.id, i.cell_id, i.member_id, m.full_name, i.year, i.content,
     i.period_from, i.period_to, i.concluded_on, i.conclusion, i.follow_up,
     i.recorded_by, a.display_name, i.recorded_at
     FROM inspections i
     JOIN members m ON m.id = i.member_id
     JOIN accounts a ON a.id = i.recorded_by ";

fn from_row<DB: Backend>(r: &DB::Row) -> Result<Inspection> {
    let year: i64 = r.read("year")?;
    Ok(Inspection {
        id: InspectionId(r.read("id")?),
        cell_id: OrgId(r.read("cell_id")?),
        member_id: MemberId(r.read("member_id")?),
        member_name: r.read("full_name")?,
        year: i32::try_from(year).map_err(|_| StorageError::Corrupt(format!("năm {year}")))?,
        content: r.read("content")?,
        period_from: r.read("period_from")?,
        period_to: r.read("period_to")?,
        concluded_on: r.read("concluded_on")?,
        conclusion: r.read("conclusion")?,
        follow_up: r.read("follow_up")?,
        recorded_by: AccountId(r.read("recorded_by")?),
        recorded_by_name: r.read("display_name")?,
        recorded_at: r.read("recorded_at")?,
        may_change: false,
    })
}

#[async_trait]
impl<DB: Backend> InspectionStore for SqlStore<DB> {
    async fn create(
        &self,
        cell: OrgId,
        draft: &InspectionDraft,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<InspectionId> {
        let row = sqlx::query(
            "INSERT INTO inspections (cell_id, member_id, year, content, period_from, period_to,
                concluded_on, conclusion, follow_up, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .param(cell.0)
        .param(draft.member_id.0)
        .param(i64::from(draft.year()))
        .param(draft.content.as_str())
        .param(draft.period_from)
        .param(draft.period_to)
        .param(draft.concluded_on)
        .param(draft.conclusion.as_str())
        .param(draft.follow_up.as_str())
        .param(by.0)
        .param(at)
        .fetch_one(self.pool.executor())
        .await?;
        Ok(InspectionId(row.read("id")?))
    }

    async fn get(&self, id: InspectionId) -> Result<Option<Inspection>> {
        let sql = format!("{SELECT} WHERE i.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(id.0)
            .fetch_optional(self.pool.executor())
            .await?;
        row.as_ref().map(from_row::<DB>).transpose()
    }

    async fn update(&self, id: InspectionId, draft: &InspectionDraft) -> Result<bool> {
        let row = sqlx::query(
            "UPDATE inspections SET member_id = $1, year = $2, content = $3, period_from = $4,
                period_to = $5, concluded_on = $6, conclusion = $7, follow_up = $8
             WHERE id = $9 RETURNING id",
        )
        .param(draft.member_id.0)
        .param(i64::from(draft.year()))
        .param(draft.content.as_str())
        .param(draft.period_from)
        .param(draft.period_to)
        .param(draft.concluded_on)
        .param(draft.conclusion.as_str())
        .param(draft.follow_up.as_str())
        .param(id.0)
        .fetch_optional(self.pool.executor())
        .await?;
        Ok(row.is_some())
    }

    async fn delete(&self, id: InspectionId) -> Result<bool> {
        let row = sqlx::query("DELETE FROM inspections WHERE id = $1 RETURNING id")
            .param(id.0)
            .fetch_optional(self.pool.executor())
            .await?;
        Ok(row.is_some())
    }

    async fn of_cell(&self, cell: OrgId, year: i32) -> Result<Vec<Inspection>> {
        let sql = format!(
            "{SELECT} WHERE i.cell_id = $1 AND i.year = $2 ORDER BY i.concluded_on DESC, i.id DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(cell.0)
            .param(i64::from(year))
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter().map(from_row::<DB>).collect()
    }

    async fn inspected(&self, cells: &[OrgId], year: i32) -> Result<Vec<(OrgId, MemberId)>> {
        let sql = format!(
            "SELECT DISTINCT cell_id, member_id FROM inspections
             WHERE year = $1 AND cell_id IN ({})",
            DB::ids_in_json(2)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(i64::from(year))
            .param(json_array(cells)?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter()
            .map(|r| Ok((OrgId(r.read("cell_id")?), MemberId(r.read("member_id")?))))
            .collect()
    }

    async fn role_seats(&self, cells: &[OrgId]) -> Result<Vec<(OrgId, u32)>> {
        let sql = format!(
            "SELECT cell_id, COUNT(*) AS n FROM members
             WHERE role <> 'member' AND status <> 'transferred_out' AND cell_id IN ({})
             GROUP BY cell_id",
            DB::ids_in_json(1)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(json_array(cells)?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter()
            .map(|r| {
                let n: i64 = r.read("n")?;
                Ok((OrgId(r.read("cell_id")?), u32::try_from(n).unwrap_or(0)))
            })
            .collect()
    }
}
