//! Cancelling and rescheduling meetings not yet opened, and the meetings of
//! many cells in a period (a committee's view of who has registered). The
//! columns are on `meetings` (migration 0008); a cancelled meeting keeps its
//! status `scheduled`, so nothing that follows the status changes.

use super::Result;
use super::meetings::meeting_from_row;
use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, json_array};
use chrono::NaiveDateTime;
use shared::calendar::{Cancellation, Rescheduling};
use shared::meeting::Meeting;
use shared::{MeetingId, OrgId};
use sqlx::Pool;

pub(super) fn cancellation_of<DB: Backend>(row: &DB::Row) -> Result<Option<Cancellation>> {
    row.read::<Option<NaiveDateTime>>("cancelled_at")?
        .map(|at| -> Result<Cancellation> {
            Ok(Cancellation {
                at,
                reason: row.read("cancel_reason")?,
            })
        })
        .transpose()
}

pub(super) fn rescheduling_of<DB: Backend>(row: &DB::Row) -> Result<Option<Rescheduling>> {
    row.read::<Option<NaiveDateTime>>("rescheduled_from")?
        .map(|from| -> Result<Rescheduling> {
            Ok(Rescheduling {
                from,
                reason: row.read("reschedule_reason")?,
            })
        })
        .transpose()
}

/// Cancels a meeting still scheduled and not cancelled; `None` otherwise.
pub async fn cancel<DB: Backend>(
    pool: &Pool<DB>,
    id: MeetingId,
    reason: &str,
    at: NaiveDateTime,
) -> Result<Option<Meeting>> {
    let row = sqlx::query(
        "UPDATE meetings SET cancelled_at = $2, cancel_reason = $3
         WHERE id = $1 AND status = 'scheduled' AND cancelled_at IS NULL RETURNING *",
    )
    .param(id.0)
    .param(at)
    .param(reason)
    .fetch_optional(pool.executor())
    .await?;
    row.as_ref().map(meeting_from_row::<DB>).transpose()
}

/// Moves a meeting still scheduled and not cancelled to `starts_at`, keeping
/// the first registered time; `reason` replaces the last one when given.
pub async fn reschedule<DB: Backend>(
    pool: &Pool<DB>,
    id: MeetingId,
    starts_at: NaiveDateTime,
    reason: Option<&str>,
) -> Result<Option<Meeting>> {
    let row = sqlx::query(
        "UPDATE meetings SET starts_at = $2,
         rescheduled_from = COALESCE(rescheduled_from, starts_at),
         reschedule_reason = COALESCE($3, reschedule_reason)
         WHERE id = $1 AND status = 'scheduled' AND cancelled_at IS NULL RETURNING *",
    )
    .param(id.0)
    .param(starts_at)
    .param(reason.map(str::to_string))
    .fetch_optional(pool.executor())
    .await?;
    row.as_ref().map(meeting_from_row::<DB>).transpose()
}

/// The meetings of these cells starting in `[from, to)`, by cell and time.
pub async fn of_cells_between<DB: Backend>(
    pool: &Pool<DB>,
    cells: &[OrgId],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<Meeting>> {
    let cells_json = json_array(cells)?;
    let sql = format!(
        "SELECT * FROM meetings WHERE starts_at >= $1 AND starts_at < $2
         AND cell_id IN ({}) ORDER BY cell_id, starts_at, id",
        DB::ids_in_json(3)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .param(from)
        .param(to)
        .param(cells_json)
        .fetch_all(pool.executor())
        .await?;
    rows.iter().map(meeting_from_row::<DB>).collect()
}
