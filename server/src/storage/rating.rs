//! The yearly rating of members (migrations 0018, 0019): the cells' periods,
//! each member's row (self-assessment, the cell's appraisal and proposal, the
//! decided level) and the reopenings. Reached through `Storage::rating()`.
//! The answers and appraisals are stored as `shared::appraisal`'s JSON.

use super::sql::{
    Backend, BindParam, ConnectionExecutor, PoolExecutor, ReadColumn, SqlStore, json_array,
};
use super::{Result, StorageError};
use async_trait::async_trait;
use chrono::NaiveDateTime;
use shared::appraisal::{
    Answers, Appraisal, DecisionError, PeriodState, Reopening, level_key, parse_level,
};
use shared::rules::rating::Level;
use shared::rules::scoring::Points;
use shared::{AccountId, MemberId, OrgId};

/// A member's row for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRating {
    pub member_id: MemberId,
    pub year: i32,
    pub cell_id: OrgId,
    pub cell_name: String,
    pub grassroots_id: OrgId,
    pub self_answers: Option<Answers>,
    pub self_points: Option<Points>,
    pub self_level: Option<Level>,
    pub submitted_at: Option<NaiveDateTime>,
    pub appraisal: Option<Appraisal>,
    pub proposed_level: Option<Level>,
    pub decided_level: Option<Level>,
    pub decided_note: String,
    pub reopened_at: Option<NaiveDateTime>,
}

/// Where a rating row is kept: the member, the year, the cell and the quota's group.
#[derive(Debug, Clone, Copy)]
pub struct RatingKey {
    pub member: MemberId,
    pub year: i32,
    pub cell: OrgId,
    pub grassroots: OrgId,
}

/// A decision to write.
#[derive(Debug, Clone)]
pub struct NewDecision<'a> {
    pub member: MemberId,
    pub year: i32,
    pub level: Level,
    pub note: &'a str,
    pub by: AccountId,
    pub at: NaiveDateTime,
}

/// Judges a decision given the other decided levels of its group.
pub type DecisionCheck<'c> =
    dyn for<'l> Fn(&'l [Level]) -> std::result::Result<(), DecisionError> + Send + Sync + 'c;

/// A self-assessment to save.
#[derive(Debug, Clone)]
pub struct SelfRow<'a> {
    pub answers: &'a Answers,
    pub points: Points,
    pub level: Level,
    /// Submitted now, or kept as a draft.
    pub submitted_at: Option<NaiveDateTime>,
}

#[async_trait]
pub trait RatingStore: Send + Sync {
    /// The period of a cell for a year; `NotOpened` when none.
    async fn period(&self, cell: OrgId, year: i32) -> Result<PeriodState>;
    /// The opened periods of these cells for a year.
    async fn periods(&self, cells: &[OrgId], year: i32) -> Result<Vec<(OrgId, PeriodState)>>;
    /// False when it was opened already.
    async fn open_period(
        &self,
        cell: OrgId,
        year: i32,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<bool>;
    async fn set_period_state(&self, cell: OrgId, year: i32, state: PeriodState) -> Result<()>;
    async fn rating(&self, member: MemberId, year: i32) -> Result<Option<StoredRating>>;
    async fn ratings_of_cells(&self, cells: &[OrgId], year: i32) -> Result<Vec<StoredRating>>;
    /// A member's rows of every year, newest first.
    async fn history(&self, member: MemberId) -> Result<Vec<StoredRating>>;
    async fn save_self(&self, key: RatingKey, row: &SelfRow<'_>) -> Result<()>;
    async fn save_appraisal(
        &self,
        key: RatingKey,
        appraisal: &Appraisal,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<()>;
    /// Decides a member's level in one transaction with `check`, which is
    /// given the decided levels of the year in the member's grassroots
    /// organization, the member's own excluded; decisions in one group are
    /// serialized so two cannot pass the quota together. Clears a reopening.
    async fn decide(
        &self,
        d: &NewDecision<'_>,
        check: &DecisionCheck<'_>,
    ) -> Result<std::result::Result<(), DecisionError>>;
    /// Reopens one member's rating or the whole period of a cell, keeping the
    /// reason; clears the submissions so the members may edit again.
    async fn reopen(
        &self,
        cell: OrgId,
        year: i32,
        member: Option<MemberId>,
        reason: &str,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<()>;
    /// The reopenings of these cells for a year, in order.
    async fn reopenings(&self, cells: &[OrgId], year: i32) -> Result<Vec<Reopening>>;
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StorageError::Corrupt(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(s: Option<String>, what: &str) -> Result<Option<T>> {
    s.map(|s| serde_json::from_str(&s).map_err(|e| StorageError::Corrupt(format!("{what}: {e}"))))
        .transpose()
}

fn level_of(s: Option<String>) -> Result<Option<Level>> {
    s.map(|s| super::sql::parse_enum(&s, parse_level, "mức xếp loại"))
        .transpose()
}

fn state_of(s: &str) -> Result<PeriodState> {
    super::sql::parse_enum(s, PeriodState::parse, "trạng thái đợt đánh giá")
}

const SELECT_RATINGS: &str =
    "SELECT r.member_id, r.year, r.cell_id, o.name AS cell_name, r.grassroots_id,
     r.self_json, r.self_points_tenths, r.self_level, r.self_submitted_at, r.appraisal_json,
     r.proposed_level, r.decided_level, r.decided_note, r.reopened_at
     FROM member_ratings r JOIN organizations o ON o.id = r.cell_id ";

fn rating_from_row<DB: Backend>(r: &DB::Row) -> Result<StoredRating> {
    let year: i64 = r.read("year")?;
    let points: Option<i64> = r.read("self_points_tenths")?;
    Ok(StoredRating {
        member_id: MemberId(r.read("member_id")?),
        year: i32::try_from(year).map_err(|_| StorageError::Corrupt(format!("năm {year}")))?,
        cell_id: OrgId(r.read("cell_id")?),
        cell_name: r.read("cell_name")?,
        grassroots_id: OrgId(r.read("grassroots_id")?),
        self_answers: from_json(r.read("self_json")?, "phiếu tự đánh giá")?,
        self_points: points
            .map(|p| {
                u32::try_from(p)
                    .map(Points::tenths)
                    .map_err(|_| StorageError::Corrupt(format!("điểm {p}")))
            })
            .transpose()?,
        self_level: level_of(r.read("self_level")?)?,
        submitted_at: r.read("self_submitted_at")?,
        appraisal: from_json(r.read("appraisal_json")?, "kết quả đánh giá của chi bộ")?,
        proposed_level: level_of(r.read("proposed_level")?)?,
        decided_level: level_of(r.read("decided_level")?)?,
        decided_note: r.read("decided_note")?,
        reopened_at: r.read("reopened_at")?,
    })
}

#[async_trait]
impl<DB: Backend> RatingStore for SqlStore<DB> {
    async fn period(&self, cell: OrgId, year: i32) -> Result<PeriodState> {
        let row = sqlx::query("SELECT state FROM rating_periods WHERE cell_id = $1 AND year = $2")
            .param(cell.0)
            .param(i64::from(year))
            .fetch_optional(self.pool.executor())
            .await?;
        match row {
            Some(r) => state_of(&r.read::<String>("state")?),
            None => Ok(PeriodState::NotOpened),
        }
    }

    async fn periods(&self, cells: &[OrgId], year: i32) -> Result<Vec<(OrgId, PeriodState)>> {
        let sql = format!(
            "SELECT cell_id, state FROM rating_periods WHERE year = $1 AND cell_id IN ({})",
            DB::ids_in_json(2)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(i64::from(year))
            .param(json_array(cells.iter().map(|c| c.0))?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    OrgId(r.read("cell_id")?),
                    state_of(&r.read::<String>("state")?)?,
                ))
            })
            .collect()
    }

    async fn open_period(
        &self,
        cell: OrgId,
        year: i32,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<bool> {
        let row = sqlx::query(
            "INSERT INTO rating_periods (cell_id, year, state, opened_by, opened_at)
             VALUES ($1, $2, 'open', $3, $4) ON CONFLICT (cell_id, year) DO NOTHING RETURNING cell_id",
        )
        .param(cell.0)
        .param(i64::from(year))
        .param(by.0)
        .param(at)
        .fetch_optional(self.pool.executor())
        .await?;
        Ok(row.is_some())
    }

    async fn set_period_state(&self, cell: OrgId, year: i32, state: PeriodState) -> Result<()> {
        sqlx::query("UPDATE rating_periods SET state = $1 WHERE cell_id = $2 AND year = $3")
            .param(state.as_str())
            .param(cell.0)
            .param(i64::from(year))
            .execute(self.pool.executor())
            .await?;
        Ok(())
    }

    async fn rating(&self, member: MemberId, year: i32) -> Result<Option<StoredRating>> {
        let sql = format!("{SELECT_RATINGS} WHERE r.member_id = $1 AND r.year = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(member.0)
            .param(i64::from(year))
            .fetch_optional(self.pool.executor())
            .await?;
        row.as_ref().map(rating_from_row::<DB>).transpose()
    }

    async fn ratings_of_cells(&self, cells: &[OrgId], year: i32) -> Result<Vec<StoredRating>> {
        let sql = format!(
            "{SELECT_RATINGS} WHERE r.year = $1 AND r.cell_id IN ({}) ORDER BY r.member_id",
            DB::ids_in_json(2)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(i64::from(year))
            .param(json_array(cells.iter().map(|c| c.0))?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter().map(rating_from_row::<DB>).collect()
    }

    async fn history(&self, member: MemberId) -> Result<Vec<StoredRating>> {
        let sql = format!("{SELECT_RATINGS} WHERE r.member_id = $1 ORDER BY r.year DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(member.0)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter().map(rating_from_row::<DB>).collect()
    }

    async fn save_self(&self, key: RatingKey, row: &SelfRow<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO member_ratings (member_id, year, cell_id, grassroots_id, self_json,
               self_points_tenths, self_level, self_submitted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (member_id, year) DO UPDATE SET self_json = excluded.self_json,
               self_points_tenths = excluded.self_points_tenths, self_level = excluded.self_level,
               self_submitted_at = excluded.self_submitted_at",
        )
        .param(key.member.0)
        .param(i64::from(key.year))
        .param(key.cell.0)
        .param(key.grassroots.0)
        .param(to_json(row.answers)?)
        .param(i64::from(row.points.as_tenths()))
        .param(level_key(row.level))
        .param(row.submitted_at)
        .execute(self.pool.executor())
        .await?;
        Ok(())
    }

    async fn save_appraisal(
        &self,
        key: RatingKey,
        appraisal: &Appraisal,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO member_ratings (member_id, year, cell_id, grassroots_id, appraisal_json,
               proposed_level, proposed_by, proposed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (member_id, year) DO UPDATE SET appraisal_json = excluded.appraisal_json,
               proposed_level = excluded.proposed_level, proposed_by = excluded.proposed_by,
               proposed_at = excluded.proposed_at",
        )
        .param(key.member.0)
        .param(i64::from(key.year))
        .param(key.cell.0)
        .param(key.grassroots.0)
        .param(to_json(appraisal)?)
        .param(level_key(appraisal.proposed))
        .param(by.0)
        .param(at)
        .execute(self.pool.executor())
        .await?;
        Ok(())
    }

    async fn decide(
        &self,
        d: &NewDecision<'_>,
        check: &DecisionCheck<'_>,
    ) -> Result<std::result::Result<(), DecisionError>> {
        let NewDecision {
            member,
            year,
            level,
            note,
            by,
            at,
        } = *d;
        let mut tx = self.pool.begin_with(DB::BEGIN_WRITE).await?;
        let Some(row) = sqlx::query(
            "SELECT grassroots_id FROM member_ratings WHERE member_id = $1 AND year = $2",
        )
        .param(member.0)
        .param(i64::from(year))
        .fetch_optional(tx.executor())
        .await?
        else {
            return Ok(Err(DecisionError::NotProposed));
        };
        let grassroots: i64 = row.read("grassroots_id")?;
        // SQLite's write transaction is exclusive already; PostgreSQL's is not.
        if DB::LABEL == "postgres" {
            // One key per group and year; a collision only makes two groups wait.
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .param(grassroots.wrapping_mul(4096).wrapping_add(i64::from(year)))
                .execute(tx.executor())
                .await?;
        }
        let rows = sqlx::query(
            "SELECT decided_level FROM member_ratings
             WHERE grassroots_id = $1 AND year = $2 AND member_id <> $3 AND decided_level IS NOT NULL",
        )
        .param(grassroots)
        .param(i64::from(year))
        .param(member.0)
        .fetch_all(tx.executor())
        .await?;
        let others = rows
            .iter()
            .map(|r| level_of(r.read("decided_level")?).map(|l| l.unwrap_or(Level::NotComplete)))
            .collect::<Result<Vec<Level>>>()?;
        if let Err(e) = check(&others) {
            return Ok(Err(e));
        }
        sqlx::query(
            "UPDATE member_ratings SET decided_level = $1, decided_note = $2, decided_by = $3,
               decided_at = $4, reopened_at = NULL
             WHERE member_id = $5 AND year = $6",
        )
        .param(level_key(level))
        .param(note)
        .param(by.0)
        .param(at)
        .param(member.0)
        .param(i64::from(year))
        .execute(tx.executor())
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    async fn reopen(
        &self,
        cell: OrgId,
        year: i32,
        member: Option<MemberId>,
        reason: &str,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<()> {
        let mut tx = self.pool.begin_with(DB::BEGIN_WRITE).await?;
        sqlx::query(
            "INSERT INTO rating_reopenings (cell_id, year, member_id, reason, reopened_by, reopened_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .param(cell.0)
        .param(i64::from(year))
        .param(member.map(|m| m.0))
        .param(reason)
        .param(by.0)
        .param(at)
        .execute(tx.executor())
        .await?;
        sqlx::query(
            "UPDATE member_ratings SET reopened_at = $1, self_submitted_at = NULL
             WHERE cell_id = $2 AND year = $3 AND ($4 IS NULL OR member_id = $4)",
        )
        .param(at)
        .param(cell.0)
        .param(i64::from(year))
        .param(member.map(|m| m.0))
        .execute(tx.executor())
        .await?;
        sqlx::query("UPDATE rating_periods SET state = 'open' WHERE cell_id = $1 AND year = $2")
            .param(cell.0)
            .param(i64::from(year))
            .execute(tx.executor())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reopenings(&self, cells: &[OrgId], year: i32) -> Result<Vec<Reopening>> {
        let sql = format!(
            "SELECT x.cell_id, x.member_id, x.reason, a.display_name, x.reopened_at
             FROM rating_reopenings x JOIN accounts a ON a.id = x.reopened_by
             WHERE x.year = $1 AND x.cell_id IN ({}) ORDER BY x.id",
            DB::ids_in_json(2)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(i64::from(year))
            .param(json_array(cells.iter().map(|c| c.0))?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Reopening {
                    cell_id: OrgId(r.read("cell_id")?),
                    member_id: r.read::<Option<i64>>("member_id")?.map(MemberId),
                    reason: r.read("reason")?,
                    by_name: r.read("display_name")?,
                    at: r.read("reopened_at")?,
                })
            })
            .collect()
    }
}
