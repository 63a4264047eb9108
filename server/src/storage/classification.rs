//! The yearly classification of cells and the year's outputs (migration
//! 0018): the members' ratings, the inspections and the cells' roles a
//! cell's figures are computed from, and the committee's decisions
//! (`cell_classifications`). One query per table for a list of cells.
//! Reached through `Storage::classification()`.

use super::Result;
use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, SqlStore, json_array};
use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime};
use shared::rules::rating::Level;
use shared::{AccountId, MemberId, OrgId};

/// A member's rating row for the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberYearRow {
    pub member: MemberId,
    pub name: String,
    pub cell: OrgId,
    pub self_level: Option<Level>,
    pub proposed_level: Option<Level>,
    pub decided_level: Option<Level>,
    pub self_points_tenths: Option<i64>,
}

/// An inspection concluded in the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionRow {
    pub cell: OrgId,
    pub member: MemberId,
    pub member_name: String,
    pub content: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub concluded_on: NaiveDate,
    pub conclusion: String,
    pub follow_up: String,
}

/// A decision as stored, with the decider's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClassification {
    pub cell: OrgId,
    pub computed: Level,
    pub decided: Level,
    pub reason: String,
    pub figures_json: String,
    pub decided_by: String,
    pub decided_at: NaiveDateTime,
}

/// A decision to store.
#[derive(Debug, Clone)]
pub struct NewClassification<'a> {
    pub cell: OrgId,
    pub year: i32,
    pub computed: Level,
    pub decided: Level,
    pub reason: &'a str,
    pub figures_json: &'a str,
    pub by: AccountId,
    pub at: NaiveDateTime,
}

#[async_trait]
pub trait ClassificationStore: Send + Sync {
    /// The ratings of the year in these cells, by cell and name.
    async fn member_ratings(&self, cells: &[OrgId], year: i32) -> Result<Vec<MemberYearRow>>;
    /// The inspections counted in the year in these cells, by cell and conclusion day.
    async fn inspections(&self, cells: &[OrgId], year: i32) -> Result<Vec<InspectionRow>>;
    /// Members on the roll holding a cell role, per cell.
    async fn role_seats(&self, cells: &[OrgId]) -> Result<Vec<(OrgId, i64)>>;
    /// The decisions of the year for these cells.
    async fn classifications(
        &self,
        cells: &[OrgId],
        year: i32,
    ) -> Result<Vec<StoredClassification>>;
    /// Stores or replaces the decision for a cell's year.
    async fn save_classification(&self, new: &NewClassification<'_>) -> Result<()>;
}

fn level(s: Option<String>) -> Result<Option<Level>> {
    s.map(|s| super::sql::parse_enum(&s, shared::classification::parse_level, "mức xếp loại"))
        .transpose()
}

#[async_trait]
impl<DB: Backend> ClassificationStore for SqlStore<DB> {
    async fn member_ratings(&self, cells: &[OrgId], year: i32) -> Result<Vec<MemberYearRow>> {
        let sql = format!(
            "SELECT r.member_id, m.full_name, r.cell_id, r.self_level, r.proposed_level,
                    r.decided_level, r.self_points_tenths
             FROM member_ratings r JOIN members m ON m.id = r.member_id
             WHERE r.cell_id IN ({}) AND r.year = $2
             ORDER BY r.cell_id, m.full_name, r.member_id",
            DB::ids_in_json(1)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(json_array(cells)?)
            .param(i64::from(year))
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(MemberYearRow {
                    member: MemberId(r.read("member_id")?),
                    name: r.read("full_name")?,
                    cell: OrgId(r.read("cell_id")?),
                    self_level: level(r.read("self_level")?)?,
                    proposed_level: level(r.read("proposed_level")?)?,
                    decided_level: level(r.read("decided_level")?)?,
                    self_points_tenths: r.read("self_points_tenths")?,
                })
            })
            .collect()
    }

    async fn inspections(&self, cells: &[OrgId], year: i32) -> Result<Vec<InspectionRow>> {
        let sql = format!(
            "SELECT i.cell_id, i.member_id, m.full_name, i.content, i.period_from, i.period_to,
                    i.concluded_on, i.conclusion, i.follow_up
             FROM inspections i JOIN members m ON m.id = i.member_id
             WHERE i.cell_id IN ({}) AND i.year = $2
             ORDER BY i.cell_id, i.concluded_on, i.id",
            DB::ids_in_json(1)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(json_array(cells)?)
            .param(i64::from(year))
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(InspectionRow {
                    cell: OrgId(r.read("cell_id")?),
                    member: MemberId(r.read("member_id")?),
                    member_name: r.read("full_name")?,
                    content: r.read("content")?,
                    period_from: r.read("period_from")?,
                    period_to: r.read("period_to")?,
                    concluded_on: r.read("concluded_on")?,
                    conclusion: r.read("conclusion")?,
                    follow_up: r.read("follow_up")?,
                })
            })
            .collect()
    }

    async fn role_seats(&self, cells: &[OrgId]) -> Result<Vec<(OrgId, i64)>> {
        let sql = format!(
            "SELECT cell_id, COUNT(*) AS n FROM members
             WHERE cell_id IN ({}) AND role <> 'member' AND status <> 'transferred_out'
             GROUP BY cell_id",
            DB::ids_in_json(1)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(json_array(cells)?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter()
            .map(|r| Ok((OrgId(r.read("cell_id")?), r.read("n")?)))
            .collect()
    }

    async fn classifications(
        &self,
        cells: &[OrgId],
        year: i32,
    ) -> Result<Vec<StoredClassification>> {
        let sql = format!(
            "SELECT c.cell_id, c.computed_level, c.decided_level, c.reason, c.figures_json,
                    a.display_name, c.decided_at
             FROM cell_classifications c JOIN accounts a ON a.id = c.decided_by
             WHERE c.cell_id IN ({}) AND c.year = $2
             ORDER BY c.cell_id",
            DB::ids_in_json(1)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(json_array(cells)?)
            .param(i64::from(year))
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter()
            .map(|r| {
                let computed: String = r.read("computed_level")?;
                let decided: String = r.read("decided_level")?;
                Ok(StoredClassification {
                    cell: OrgId(r.read("cell_id")?),
                    computed: super::sql::parse_enum(
                        &computed,
                        shared::classification::parse_level,
                        "mức xếp loại",
                    )?,
                    decided: super::sql::parse_enum(
                        &decided,
                        shared::classification::parse_level,
                        "mức xếp loại",
                    )?,
                    reason: r.read("reason")?,
                    figures_json: r.read("figures_json")?,
                    decided_by: r.read("display_name")?,
                    decided_at: r.read("decided_at")?,
                })
            })
            .collect()
    }

    async fn save_classification(&self, new: &NewClassification<'_>) -> Result<()> {
        use shared::classification::level_str;
        sqlx::query(
            "INSERT INTO cell_classifications
                (cell_id, year, computed_level, decided_level, reason, figures_json, decided_by, decided_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (cell_id, year) DO UPDATE SET
                computed_level = excluded.computed_level, decided_level = excluded.decided_level,
                reason = excluded.reason, figures_json = excluded.figures_json,
                decided_by = excluded.decided_by, decided_at = excluded.decided_at",
        )
        .param(new.cell.0)
        .param(i64::from(new.year))
        .param(level_str(new.computed))
        .param(level_str(new.decided))
        .param(new.reason)
        .param(new.figures_json)
        .param(new.by.0)
        .param(new.at)
        .execute(self.pool.executor())
        .await?;
        Ok(())
    }
}
