//! The documents of meetings (tài liệu sinh hoạt): one row per file, its
//! content in chunks of `shared::files::CHUNK_BYTES`, and who opened it. A file
//! is begun, filled chunk by chunk as the upload arrives, and finished once
//! its type is known; until then no list shows it. Not to be confused with
//! `crate::documents`, which writes the minutes as .docx.

use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, parse_enum};
use super::{Result, StorageError};
use chrono::NaiveDateTime;
use shared::files::{FileId, FileKind};
use shared::{AccountId, MeetingId, MemberId};
use sqlx::Pool;

/// A complete stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub id: FileId,
    pub meeting: MeetingId,
    pub item_index: u32,
    pub name: String,
    pub kind: FileKind,
    pub size: u64,
    pub uploaded_at: NaiveDateTime,
    pub uploaded_by: AccountId,
    pub uploader_name: String,
}

/// One download of a document: by which account, whose member record (if any).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileOpen {
    pub file: FileId,
    pub account: AccountId,
    pub member: Option<MemberId>,
}

fn db_u64(n: u64, what: &str) -> Result<i64> {
    i64::try_from(n).map_err(|_| StorageError::Corrupt(format!("{what} {n}")))
}

fn from_row<DB: Backend>(r: &DB::Row) -> Result<StoredFile> {
    let kind: Option<String> = r.read("kind")?;
    let index: i64 = r.read("item_index")?;
    let size: i64 = r.read("size")?;
    Ok(StoredFile {
        id: FileId(r.read("id")?),
        meeting: MeetingId(r.read("meeting_id")?),
        item_index: u32::try_from(index)
            .map_err(|_| StorageError::Corrupt(format!("số thứ tự nội dung {index}")))?,
        name: r.read("name")?,
        kind: parse_enum(kind.as_deref().unwrap_or(""), FileKind::parse, "loại tệp")?,
        size: u64::try_from(size).map_err(|_| StorageError::Corrupt(format!("cỡ tệp {size}")))?,
        uploaded_at: r.read("uploaded_at")?,
        uploaded_by: AccountId(r.read("uploaded_by")?),
        uploader_name: r.read("display_name")?,
    })
}

/// Starts a file (not yet visible). Uploads abandoned before `stale_before`
/// (a server stopped mid-way) are removed on the way.
pub async fn begin<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    item_index: u32,
    name: &str,
    by: AccountId,
    at: NaiveDateTime,
    stale_before: NaiveDateTime,
) -> Result<FileId> {
    sqlx::query("DELETE FROM meeting_files WHERE complete = $1 AND uploaded_at < $2")
        .param(false)
        .param(stale_before)
        .execute(pool.executor())
        .await?;
    let row = sqlx::query(
        "INSERT INTO meeting_files (meeting_id, item_index, name, uploaded_at, uploaded_by, complete)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .param(meeting.0)
    .param(i64::from(item_index))
    .param(name)
    .param(at)
    .param(by.0)
    .param(false)
    .fetch_one(pool.executor())
    .await?;
    Ok(FileId(row.read("id")?))
}

/// Stores the `seq`-th chunk of a file being uploaded.
pub async fn put_chunk<DB: Backend>(
    pool: &Pool<DB>,
    file: FileId,
    seq: u32,
    data: &[u8],
) -> Result<()> {
    sqlx::query("INSERT INTO meeting_file_chunks (file_id, seq, data) VALUES ($1, $2, $3)")
        .param(file.0)
        .param(i64::from(seq))
        .param(data.to_vec())
        .execute(pool.executor())
        .await?;
    Ok(())
}

/// Makes an uploaded file visible, with its cleaned name, checked kind and size.
pub async fn finish<DB: Backend>(
    pool: &Pool<DB>,
    file: FileId,
    name: &str,
    kind: FileKind,
    size: u64,
) -> Result<()> {
    sqlx::query(
        "UPDATE meeting_files SET name = $1, kind = $2, size = $3, complete = $4 WHERE id = $5",
    )
    .param(name)
    .param(kind.as_str())
    .param(db_u64(size, "cỡ tệp")?)
    .param(true)
    .param(file.0)
    .execute(pool.executor())
    .await?;
    Ok(())
}

/// Removes a file with its chunks and opens; false when there was none.
pub async fn delete<DB: Backend>(pool: &Pool<DB>, file: FileId) -> Result<bool> {
    let removed = sqlx::query("DELETE FROM meeting_files WHERE id = $1 RETURNING id")
        .param(file.0)
        .fetch_optional(pool.executor())
        .await?;
    Ok(removed.is_some())
}

/// The columns `from_row` reads, then `$where`.
macro_rules! select_files {
    ($where:literal) => {
        concat!(
            "SELECT f.id, f.meeting_id, f.item_index, f.name, f.kind, f.size,
             f.uploaded_at, f.uploaded_by, a.display_name
             FROM meeting_files f JOIN accounts a ON a.id = f.uploaded_by ",
            $where
        )
    };
}

/// A meeting's complete files, by item then upload.
pub async fn of_meeting<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
) -> Result<Vec<StoredFile>> {
    let rows = sqlx::query(select_files!(
        "WHERE f.meeting_id = $1 AND f.complete = $2
         ORDER BY f.item_index, f.uploaded_at, f.id"
    ))
    .param(meeting.0)
    .param(true)
    .fetch_all(pool.executor())
    .await?;
    rows.iter().map(from_row::<DB>).collect()
}

/// One complete file.
pub async fn get<DB: Backend>(pool: &Pool<DB>, file: FileId) -> Result<Option<StoredFile>> {
    let row = sqlx::query(select_files!("WHERE f.id = $1 AND f.complete = $2"))
        .param(file.0)
        .param(true)
        .fetch_optional(pool.executor())
        .await?;
    row.as_ref().map(from_row::<DB>).transpose()
}

/// The `seq`-th chunk of a file.
pub async fn chunk<DB: Backend>(
    pool: &Pool<DB>,
    file: FileId,
    seq: u32,
) -> Result<Option<Vec<u8>>> {
    let row = sqlx::query("SELECT data FROM meeting_file_chunks WHERE file_id = $1 AND seq = $2")
        .param(file.0)
        .param(i64::from(seq))
        .fetch_optional(pool.executor())
        .await?;
    Ok(row.map(|r| r.read("data")).transpose()?)
}

/// Records that an account downloaded a file (the first time counts).
pub async fn record_open<DB: Backend>(
    pool: &Pool<DB>,
    file: FileId,
    account: AccountId,
    at: NaiveDateTime,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO meeting_file_opens (file_id, account_id, opened_at) VALUES ($1, $2, $3)
         ON CONFLICT (file_id, account_id) DO NOTHING",
    )
    .param(file.0)
    .param(account.0)
    .param(at)
    .execute(pool.executor())
    .await?;
    Ok(())
}

/// Every download of a meeting's files.
pub async fn opens<DB: Backend>(pool: &Pool<DB>, meeting: MeetingId) -> Result<Vec<FileOpen>> {
    let rows = sqlx::query(
        "SELECT o.file_id, o.account_id, a.member_id
         FROM meeting_file_opens o
         JOIN meeting_files f ON f.id = o.file_id
         JOIN accounts a ON a.id = o.account_id
         WHERE f.meeting_id = $1",
    )
    .param(meeting.0)
    .fetch_all(pool.executor())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FileOpen {
                file: FileId(r.read("file_id")?),
                account: AccountId(r.read("account_id")?),
                member: r.read::<Option<i64>>("member_id")?.map(MemberId),
            })
        })
        .collect()
}
