//! Registered cell meetings (the live record is in `events`).

use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, json_array, map_err, parse_enum};
use super::{Result, StorageError};
use chrono::NaiveDateTime;
use shared::meeting::{Meeting, MeetingDraft, MeetingKind, MeetingMode, MeetingStatus};
use shared::{MeetingId, MemberId, OrgId};
use sqlx::Pool;

pub(super) fn meeting_from_row<DB: Backend>(row: &DB::Row) -> Result<Meeting> {
    let agenda: String = row.read("agenda")?;
    Ok(Meeting {
        id: MeetingId(row.read("id")?),
        cell_id: OrgId(row.read("cell_id")?),
        registered_at: row.read("registered_at")?,
        status: parse_enum(
            &row.read::<String>("status")?,
            MeetingStatus::parse,
            "trạng thái cuộc họp",
        )?,
        late_documents: None,
        draft: MeetingDraft {
            kind: parse_enum(
                &row.read::<String>("kind")?,
                MeetingKind::parse,
                "loại sinh hoạt",
            )?,
            mode: parse_enum(
                &row.read::<String>("mode")?,
                MeetingMode::parse,
                "hình thức",
            )?,
            title: row.read("title")?,
            starts_at: row.read("starts_at")?,
            place: row.read("place")?,
            video_link: row.read("video_link")?,
            chair_id: row.read::<Option<i64>>("chair_id")?.map(MemberId),
            secretary_id: row.read::<Option<i64>>("secretary_id")?.map(MemberId),
            agenda: serde_json::from_str(&agenda)
                .map_err(|e| StorageError::Corrupt(format!("chương trình: {e}")))?,
        },
        cancelled: super::schedule::cancellation_of::<DB>(row)?,
        rescheduled: super::schedule::rescheduling_of::<DB>(row)?,
    })
}

/// The agenda is kept as JSON text.
fn agenda_json(d: &MeetingDraft) -> Result<String> {
    serde_json::to_string(&d.agenda).map_err(|e| StorageError::Corrupt(e.to_string()))
}

pub async fn create<DB: Backend>(
    pool: &Pool<DB>,
    cell: OrgId,
    d: &MeetingDraft,
    registered_at: NaiveDateTime,
) -> Result<Meeting> {
    let row = sqlx::query(
        "INSERT INTO meetings (cell_id, kind, mode, title, starts_at, place, video_link, chair_id, secretary_id, agenda, registered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *",
    )
    .param(cell.0)
    .param(d.kind.as_str())
    .param(d.mode.as_str())
    .param(d.title.as_str())
    .param(d.starts_at)
    .param(d.place.as_str())
    .param(d.video_link.as_str())
    .param(d.chair_id.map(|m| m.0))
    .param(d.secretary_id.map(|m| m.0))
    .param(agenda_json(d)?)
    .param(registered_at)
    .fetch_one(pool.executor())
    .await
    .map_err(map_err)?;
    meeting_from_row::<DB>(&row)
}

pub async fn get<DB: Backend>(pool: &Pool<DB>, id: MeetingId) -> Result<Option<Meeting>> {
    let row = sqlx::query("SELECT * FROM meetings WHERE id = $1")
        .param(id.0)
        .fetch_optional(pool.executor())
        .await?;
    row.as_ref().map(meeting_from_row::<DB>).transpose()
}

/// Replaces a meeting's registration; only while it is still scheduled.
pub async fn update<DB: Backend>(
    pool: &Pool<DB>,
    id: MeetingId,
    d: &MeetingDraft,
) -> Result<Option<Meeting>> {
    let row = sqlx::query(
        "UPDATE meetings SET kind = $2, mode = $3, title = $4, starts_at = $5, place = $6, video_link = $7,
         chair_id = $8, secretary_id = $9, agenda = $10
         WHERE id = $1 AND status = 'scheduled' AND cancelled_at IS NULL RETURNING *",
    )
    .param(id.0)
    .param(d.kind.as_str())
    .param(d.mode.as_str())
    .param(d.title.as_str())
    .param(d.starts_at)
    .param(d.place.as_str())
    .param(d.video_link.as_str())
    .param(d.chair_id.map(|m| m.0))
    .param(d.secretary_id.map(|m| m.0))
    .param(agenda_json(d)?)
    .fetch_optional(pool.executor())
    .await
    .map_err(map_err)?;
    row.as_ref().map(meeting_from_row::<DB>).transpose()
}

/// A cell's meetings, latest first.
pub async fn of_cell<DB: Backend>(pool: &Pool<DB>, cell: OrgId) -> Result<Vec<Meeting>> {
    let rows =
        sqlx::query("SELECT * FROM meetings WHERE cell_id = $1 ORDER BY starts_at DESC, id DESC")
            .param(cell.0)
            .fetch_all(pool.executor())
            .await?;
    rows.iter().map(meeting_from_row::<DB>).collect()
}

/// Meetings not yet closed in these cells, starting from `from`, soonest first.
pub async fn upcoming<DB: Backend>(
    pool: &Pool<DB>,
    cells: &[OrgId],
    from: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Meeting>> {
    let cells_json = json_array(cells)?;
    let sql = format!(
        "SELECT * FROM meetings WHERE status <> 'closed' AND starts_at >= $1
         AND cell_id IN ({}) ORDER BY starts_at, id LIMIT $3",
        DB::ids_in_json(2)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .param(from)
        .param(cells_json)
        .param(limit)
        .fetch_all(pool.executor())
        .await?;
    rows.iter().map(meeting_from_row::<DB>).collect()
}
