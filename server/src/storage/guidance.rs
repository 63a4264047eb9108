//! A committee's monthly guidance (định hướng sinh hoạt): posts, their
//! documents in chunks of `shared::files::CHUNK_BYTES` (begun, filled as the
//! upload arrives, finished once the type is known, as meetings' documents
//! are in `files.rs`), and who opened each post. Reached through
//! `Storage::guidance()`, so the area adds one method to `Storage`.
//!
//! The documents have tables of their own rather than sharing
//! `meeting_file_chunks`: a chunk row belongs to exactly one file, and a file
//! to exactly one meeting or one post, each deleted with its owner.

use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, SqlStore, json_array, parse_enum};
use super::{Result, StorageError};
use async_trait::async_trait;
use chrono::NaiveDateTime;
use shared::files::FileKind;
use shared::guidance::{GuidanceDraft, GuidanceFile, GuidanceFileId, GuidanceId, ReadBy};
use shared::{AccountId, OrgId};

/// A stored post, without its documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGuidance {
    pub id: GuidanceId,
    pub committee_id: OrgId,
    pub committee: String,
    pub year: i32,
    pub month: u32,
    pub title: String,
    pub text: String,
    pub posted_at: NaiveDateTime,
    pub posted_by: String,
}

#[async_trait]
pub trait GuidanceStore: Send + Sync {
    /// Stores a checked draft.
    async fn create(
        &self,
        committee: OrgId,
        draft: &GuidanceDraft,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<StoredGuidance>;
    async fn get(&self, id: GuidanceId) -> Result<Option<StoredGuidance>>;
    /// The posts of these committees for a month, by posting time.
    async fn of_month(
        &self,
        committees: &[OrgId],
        year: i32,
        month: u32,
    ) -> Result<Vec<StoredGuidance>>;
    /// Removes a post with its documents and opens; false when there was none.
    async fn delete(&self, id: GuidanceId) -> Result<bool>;

    /// Starts storing a document (invisible until `finish_file`); removes
    /// uploads abandoned before `stale_before` on the way.
    async fn begin_file(
        &self,
        guidance: GuidanceId,
        name: &str,
        by: AccountId,
        at: NaiveDateTime,
        stale_before: NaiveDateTime,
    ) -> Result<GuidanceFileId>;
    async fn put_chunk(&self, file: GuidanceFileId, seq: u32, data: &[u8]) -> Result<()>;
    async fn finish_file(
        &self,
        file: GuidanceFileId,
        name: &str,
        kind: FileKind,
        size: u64,
    ) -> Result<()>;
    async fn delete_file(&self, file: GuidanceFileId) -> Result<bool>;
    /// The complete documents of these posts, by upload.
    async fn files_of(&self, posts: &[GuidanceId]) -> Result<Vec<GuidanceFile>>;
    async fn file(&self, file: GuidanceFileId) -> Result<Option<GuidanceFile>>;
    async fn chunk(&self, file: GuidanceFileId, seq: u32) -> Result<Option<Vec<u8>>>;

    /// Records that an account opened a post (the first time counts).
    async fn record_open(
        &self,
        guidance: GuidanceId,
        account: AccountId,
        at: NaiveDateTime,
    ) -> Result<()>;
    /// Which of these posts the account opened.
    async fn opened_by(&self, account: AccountId, posts: &[GuidanceId]) -> Result<Vec<GuidanceId>>;
    /// Every first opening of a post, with the reader's name and the cell of
    /// their member record.
    async fn opens(&self, guidance: GuidanceId) -> Result<Vec<ReadBy>>;
}

fn post_from_row<DB: Backend>(r: &DB::Row) -> Result<StoredGuidance> {
    let year: i64 = r.read("year")?;
    let month: i64 = r.read("month")?;
    Ok(StoredGuidance {
        id: GuidanceId(r.read("id")?),
        committee_id: OrgId(r.read("committee_id")?),
        committee: r.read("committee_name")?,
        year: i32::try_from(year).map_err(|_| StorageError::Corrupt(format!("năm {year}")))?,
        month: u32::try_from(month).map_err(|_| StorageError::Corrupt(format!("tháng {month}")))?,
        title: r.read("title")?,
        text: r.read("body")?,
        posted_at: r.read("posted_at")?,
        posted_by: r.read("display_name")?,
    })
}

fn file_from_row<DB: Backend>(r: &DB::Row) -> Result<GuidanceFile> {
    let kind: Option<String> = r.read("kind")?;
    let size: i64 = r.read("size")?;
    Ok(GuidanceFile {
        id: GuidanceFileId(r.read("id")?),
        guidance_id: GuidanceId(r.read("guidance_id")?),
        name: r.read("name")?,
        kind: parse_enum(kind.as_deref().unwrap_or(""), FileKind::parse, "loại tệp")?,
        size: u64::try_from(size).map_err(|_| StorageError::Corrupt(format!("cỡ tệp {size}")))?,
        uploaded_at: r.read("uploaded_at")?,
        uploaded_by: r.read("display_name")?,
    })
}

const SELECT_POSTS: &str = "SELECT g.id, g.committee_id, o.name AS committee_name, g.year, g.month,
     g.title, g.body, g.posted_at, a.display_name
     FROM guidance_posts g
     JOIN organizations o ON o.id = g.committee_id
     JOIN accounts a ON a.id = g.posted_by ";

const SELECT_FILES: &str = "SELECT f.id, f.guidance_id, f.name, f.kind, f.size, f.uploaded_at,
     a.display_name
     FROM guidance_files f JOIN accounts a ON a.id = f.uploaded_by ";

#[async_trait]
impl<DB: Backend> GuidanceStore for SqlStore<DB> {
    async fn create(
        &self,
        committee: OrgId,
        draft: &GuidanceDraft,
        by: AccountId,
        at: NaiveDateTime,
    ) -> Result<StoredGuidance> {
        let row = sqlx::query(
            "INSERT INTO guidance_posts (committee_id, year, month, title, body, posted_at, posted_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .param(committee.0)
        .param(i64::from(draft.year))
        .param(i64::from(draft.month))
        .param(draft.title.as_str())
        .param(draft.text.as_str())
        .param(at)
        .param(by.0)
        .fetch_one(self.pool.executor())
        .await?;
        let id = GuidanceId(row.read("id")?);
        self.get(id)
            .await?
            .ok_or_else(|| StorageError::Corrupt(format!("định hướng {id} vừa ghi đã mất")))
    }

    async fn get(&self, id: GuidanceId) -> Result<Option<StoredGuidance>> {
        let sql = format!("{SELECT_POSTS} WHERE g.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(id.0)
            .fetch_optional(self.pool.executor())
            .await?;
        row.as_ref().map(post_from_row::<DB>).transpose()
    }

    async fn of_month(
        &self,
        committees: &[OrgId],
        year: i32,
        month: u32,
    ) -> Result<Vec<StoredGuidance>> {
        let sql = format!(
            "{SELECT_POSTS} WHERE g.year = $1 AND g.month = $2 AND g.committee_id IN ({})
             ORDER BY g.posted_at, g.id",
            DB::ids_in_json(3)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(i64::from(year))
            .param(i64::from(month))
            .param(json_array(committees.iter().map(|c| c.0))?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter().map(post_from_row::<DB>).collect()
    }

    async fn delete(&self, id: GuidanceId) -> Result<bool> {
        let removed = sqlx::query("DELETE FROM guidance_posts WHERE id = $1 RETURNING id")
            .param(id.0)
            .fetch_optional(self.pool.executor())
            .await?;
        Ok(removed.is_some())
    }

    async fn begin_file(
        &self,
        guidance: GuidanceId,
        name: &str,
        by: AccountId,
        at: NaiveDateTime,
        stale_before: NaiveDateTime,
    ) -> Result<GuidanceFileId> {
        sqlx::query("DELETE FROM guidance_files WHERE complete = $1 AND uploaded_at < $2")
            .param(false)
            .param(stale_before)
            .execute(self.pool.executor())
            .await?;
        let row = sqlx::query(
            "INSERT INTO guidance_files (guidance_id, name, uploaded_at, uploaded_by, complete)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .param(guidance.0)
        .param(name)
        .param(at)
        .param(by.0)
        .param(false)
        .fetch_one(self.pool.executor())
        .await?;
        Ok(GuidanceFileId(row.read("id")?))
    }

    async fn put_chunk(&self, file: GuidanceFileId, seq: u32, data: &[u8]) -> Result<()> {
        sqlx::query("INSERT INTO guidance_file_chunks (file_id, seq, data) VALUES ($1, $2, $3)")
            .param(file.0)
            .param(i64::from(seq))
            .param(data.to_vec())
            .execute(self.pool.executor())
            .await?;
        Ok(())
    }

    async fn finish_file(
        &self,
        file: GuidanceFileId,
        name: &str,
        kind: FileKind,
        size: u64,
    ) -> Result<()> {
        let size =
            i64::try_from(size).map_err(|_| StorageError::Corrupt(format!("cỡ tệp {size}")))?;
        sqlx::query(
            "UPDATE guidance_files SET name = $1, kind = $2, size = $3, complete = $4 WHERE id = $5",
        )
        .param(name)
        .param(kind.as_str())
        .param(size)
        .param(true)
        .param(file.0)
        .execute(self.pool.executor())
        .await?;
        Ok(())
    }

    async fn delete_file(&self, file: GuidanceFileId) -> Result<bool> {
        let removed = sqlx::query("DELETE FROM guidance_files WHERE id = $1 RETURNING id")
            .param(file.0)
            .fetch_optional(self.pool.executor())
            .await?;
        Ok(removed.is_some())
    }

    async fn files_of(&self, posts: &[GuidanceId]) -> Result<Vec<GuidanceFile>> {
        if posts.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{SELECT_FILES} WHERE f.complete = $1 AND f.guidance_id IN ({})
             ORDER BY f.uploaded_at, f.id",
            DB::ids_in_json(2)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(true)
            .param(json_array(posts.iter().map(|p| p.0))?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter().map(file_from_row::<DB>).collect()
    }

    async fn file(&self, file: GuidanceFileId) -> Result<Option<GuidanceFile>> {
        let sql = format!("{SELECT_FILES} WHERE f.id = $1 AND f.complete = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(file.0)
            .param(true)
            .fetch_optional(self.pool.executor())
            .await?;
        row.as_ref().map(file_from_row::<DB>).transpose()
    }

    async fn chunk(&self, file: GuidanceFileId, seq: u32) -> Result<Option<Vec<u8>>> {
        let row =
            sqlx::query("SELECT data FROM guidance_file_chunks WHERE file_id = $1 AND seq = $2")
                .param(file.0)
                .param(i64::from(seq))
                .fetch_optional(self.pool.executor())
                .await?;
        Ok(row.map(|r| r.read("data")).transpose()?)
    }

    async fn record_open(
        &self,
        guidance: GuidanceId,
        account: AccountId,
        at: NaiveDateTime,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO guidance_opens (guidance_id, account_id, opened_at) VALUES ($1, $2, $3)
             ON CONFLICT (guidance_id, account_id) DO NOTHING",
        )
        .param(guidance.0)
        .param(account.0)
        .param(at)
        .execute(self.pool.executor())
        .await?;
        Ok(())
    }

    async fn opened_by(&self, account: AccountId, posts: &[GuidanceId]) -> Result<Vec<GuidanceId>> {
        if posts.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT guidance_id FROM guidance_opens WHERE account_id = $1 AND guidance_id IN ({})",
            DB::ids_in_json(2)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(account.0)
            .param(json_array(posts.iter().map(|p| p.0))?)
            .fetch_all(self.pool.executor())
            .await?;
        rows.iter()
            .map(|r| Ok(GuidanceId(r.read("guidance_id")?)))
            .collect()
    }

    async fn opens(&self, guidance: GuidanceId) -> Result<Vec<ReadBy>> {
        let rows = sqlx::query(
            "SELECT o.opened_at, a.display_name, m.cell_id
             FROM guidance_opens o
             JOIN accounts a ON a.id = o.account_id
             LEFT JOIN members m ON m.id = a.member_id
             WHERE o.guidance_id = $1
             ORDER BY o.opened_at",
        )
        .param(guidance.0)
        .fetch_all(self.pool.executor())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ReadBy {
                    cell: r.read::<Option<i64>>("cell_id")?.map(OrgId),
                    name: r.read("display_name")?,
                    at: r.read("opened_at")?,
                })
            })
            .collect()
    }
}
