//! The follow-up of the tasks closed meetings assigned: one row per task
//! that was ever updated, keyed by (meeting, task index), holding its status,
//! note, and who updated it when. The tasks themselves are in the meetings'
//! records; "late" is derived, never stored.

use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, parse_enum};
use super::{Result, StorageError};
use chrono::NaiveDateTime;
use shared::followup::{FollowUp, TaskStatus};
use shared::{AccountId, MeetingId};
use sqlx::Pool;
use std::collections::HashMap;

fn db_index(index: usize) -> Result<i64> {
    i64::try_from(index).map_err(|_| StorageError::Corrupt(format!("số thứ tự việc {index}")))
}

/// Records a task's status and note, replacing the previous follow-up.
pub async fn set<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    index: usize,
    status: TaskStatus,
    note: &str,
    by: AccountId,
    at: NaiveDateTime,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO task_follow_ups (meeting_id, task_index, status, note, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (meeting_id, task_index) DO UPDATE SET
         status = excluded.status, note = excluded.note,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .param(meeting.0)
    .param(db_index(index)?)
    .param(status.as_str())
    .param(note)
    .param(at)
    .param(by.0)
    .execute(pool.executor())
    .await?;
    Ok(())
}

/// The follow-ups of a meeting's tasks, by task index; a task never updated is absent.
pub async fn of_meeting<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
) -> Result<HashMap<usize, FollowUp>> {
    let rows = sqlx::query(
        "SELECT f.task_index, f.status, f.note, f.updated_at, a.display_name
         FROM task_follow_ups f JOIN accounts a ON a.id = f.updated_by
         WHERE f.meeting_id = $1",
    )
    .param(meeting.0)
    .fetch_all(pool.executor())
    .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in &rows {
        let index: i64 = r.read("task_index")?;
        let index = usize::try_from(index)
            .map_err(|_| StorageError::Corrupt(format!("số thứ tự việc {index}")))?;
        let status: String = r.read("status")?;
        out.insert(
            index,
            FollowUp {
                status: parse_enum(&status, TaskStatus::parse, "trạng thái việc")?,
                note: r.read("note")?,
                updated_at: r.read("updated_at")?,
                updated_by: r.read("display_name")?,
            },
        );
    }
    Ok(out)
}
