//! Members' exemplary commitments and their review (table `commitments`,
//! migration 0018). Reached through `Storage::commitments()`. A member's list
//! for a year is replaced as a whole until any item is reviewed.

use super::sql::{Backend, BindParam, ConnectionExecutor, PoolExecutor, ReadColumn, SqlStore};
use super::{Result, StorageError};
use async_trait::async_trait;
use chrono::NaiveDateTime;
use shared::commitments::{Commitment, CommitmentId, ItemReview, Review};
use shared::{AccountId, MemberId, OrgId};

#[async_trait]
pub trait CommitmentStore: Send + Sync {
    /// A member's items for a year, in order.
    async fn of_member(&self, member: MemberId, year: i32) -> Result<Vec<Commitment>>;
    /// The items of every member of a cell for a year, by member and order.
    async fn of_cell(&self, cell: OrgId, year: i32) -> Result<Vec<Commitment>>;
    /// Replaces a member's items for a year; false (nothing written) when
    /// any item is reviewed already.
    async fn replace(
        &self,
        member: MemberId,
        cell: OrgId,
        year: i32,
        items: &[String],
        at: NaiveDateTime,
    ) -> Result<bool>;
    /// Writes the reviews of a member's items for a year, all at once.
    async fn review(
        &self,
        member: MemberId,
        year: i32,
        reviews: &[ItemReview],
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<()>;
}

const SELECT: &str = "SELECT c.id, c.member_id, c.seq, c.text, c.registered_at, c.review,
     c.review_note, a.display_name AS reviewed_by, c.reviewed_at
     FROM commitments c LEFT JOIN accounts a ON a.id = c.reviewed_by ";

fn from_row<DB: Backend>(r: &DB::Row) -> Result<Commitment> {
    let seq: i64 = r.read("seq")?;
    let review: Option<String> = r.read("review")?;
    Ok(Commitment {
        id: CommitmentId(r.read("id")?),
        member_id: MemberId(r.read("member_id")?),
        seq: u32::try_from(seq)
            .map_err(|_| StorageError::Corrupt(format!("thứ tự cam kết {seq}")))?,
        text: r.read("text")?,
        registered_at: r.read("registered_at")?,
        review: review
            .map(|s| super::sql::parse_enum(&s, Review::parse, "đánh giá cam kết"))
            .transpose()?,
        review_note: r.read("review_note")?,
        reviewed_by: r.read("reviewed_by")?,
        reviewed_at: r.read("reviewed_at")?,
    })
}

#[async_trait]
impl<DB: Backend> CommitmentStore for SqlStore<DB> {
    async fn of_member(&self, member: MemberId, year: i32) -> Result<Vec<Commitment>> {
        let sql = format!("{SELECT} WHERE c.member_id = $1 AND c.year = $2 ORDER BY c.seq");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(member.0)
            .param(i64::from(year))
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter().map(from_row::<DB>).collect()
    }

    async fn of_cell(&self, cell: OrgId, year: i32) -> Result<Vec<Commitment>> {
        // The member's cell now, not the one they registered in.
        let sql = format!(
            "{SELECT} JOIN members m ON m.id = c.member_id
             WHERE m.cell_id = $1 AND c.year = $2 ORDER BY c.member_id, c.seq"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(cell.0)
            .param(i64::from(year))
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter().map(from_row::<DB>).collect()
    }

    async fn replace(
        &self,
        member: MemberId,
        cell: OrgId,
        year: i32,
        items: &[String],
        at: NaiveDateTime,
    ) -> Result<bool> {
        let mut tx = self.pool.begin_with(DB::BEGIN_WRITE).await?;
        let reviewed = sqlx::query(
            "SELECT id FROM commitments WHERE member_id = $1 AND year = $2 AND review IS NOT NULL",
        )
        .param(member.0)
        .param(i64::from(year))
        .fetch_optional(tx.executor())
        .await?;
        if reviewed.is_some() {
            return Ok(false);
        }
        sqlx::query("DELETE FROM commitments WHERE member_id = $1 AND year = $2")
            .param(member.0)
            .param(i64::from(year))
            .execute(tx.executor())
            .await?;
        for (seq, text) in items.iter().enumerate() {
            sqlx::query(
                "INSERT INTO commitments (member_id, cell_id, year, seq, text, registered_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .param(member.0)
            .param(cell.0)
            .param(i64::from(year))
            .param(i64::try_from(seq).unwrap_or(i64::MAX))
            .param(text.as_str())
            .param(at)
            .execute(tx.executor())
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn review(
        &self,
        member: MemberId,
        year: i32,
        reviews: &[ItemReview],
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<()> {
        let mut tx = self.pool.begin_with(DB::BEGIN_WRITE).await?;
        for r in reviews {
            sqlx::query(
                "UPDATE commitments SET review = $1, review_note = $2, reviewed_by = $3, reviewed_at = $4
                 WHERE id = $5 AND member_id = $6 AND year = $7",
            )
            .param(r.result.as_str())
            .param(r.note.as_str())
            .param(by.0)
            .param(at)
            .param(r.id.0)
            .param(member.0)
            .param(i64::from(year))
            .execute(tx.executor())
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
