//! Preparing a meeting: absence requests (one per member and meeting, with
//! their decision) and opinions sent in advance (one per member and agenda
//! item). Every change is refused by the query itself once the meeting has
//! left `scheduled`, so an opening between the route's check and the write
//! changes nothing.

use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, parse_enum};
use super::{Result, StorageError};
use chrono::NaiveDateTime;
use shared::preparation::{AbsenceRequest, AbsenceStatus, AdvanceOpinion};
use shared::{AccountId, MeetingId, MemberId};
use sqlx::Pool;

/// The condition every change carries: the meeting (`$1`) is not yet opened.
macro_rules! scheduled {
    () => {
        "EXISTS (SELECT 1 FROM meetings WHERE id = $1 AND status = 'scheduled')"
    };
}

fn db_index(index: usize) -> Result<i64> {
    i64::try_from(index).map_err(|_| StorageError::Corrupt(format!("mục chương trình {index}")))
}

/// Sends or rewrites a member's request; a rewritten request waits for a
/// new decision. False when the meeting is no longer scheduled.
pub async fn set_request<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    member: MemberId,
    reason: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    let done = sqlx::query(concat!(
        "INSERT INTO absence_requests
         (meeting_id, member_id, reason, status, note, requested_at, decided_at)
         SELECT $1, $2, $3, 'pending', '', $4, $4 WHERE ",
        scheduled!(),
        "
         ON CONFLICT (meeting_id, member_id) DO UPDATE SET
         reason = excluded.reason, status = 'pending', note = '',
         requested_at = excluded.requested_at, decided_at = excluded.decided_at,
         decided_by = NULL
         RETURNING meeting_id"
    ))
    .param(meeting.0)
    .param(member.0)
    .param(reason)
    .param(at)
    .fetch_optional(pool.executor())
    .await?;
    Ok(done.is_some())
}

/// Withdraws a member's request. False when there was none or the meeting
/// is no longer scheduled.
pub async fn withdraw_request<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    member: MemberId,
) -> Result<bool> {
    let done = sqlx::query(concat!(
        "DELETE FROM absence_requests WHERE meeting_id = $1 AND member_id = $2 AND ",
        scheduled!(),
        " RETURNING meeting_id"
    ))
    .param(meeting.0)
    .param(member.0)
    .fetch_optional(pool.executor())
    .await?;
    Ok(done.is_some())
}

/// Records the decision on a member's request. False when there is none or
/// the meeting is no longer scheduled.
pub async fn decide_request<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    member: MemberId,
    status: AbsenceStatus,
    note: &str,
    by: AccountId,
    at: NaiveDateTime,
) -> Result<bool> {
    let done = sqlx::query(concat!(
        "UPDATE absence_requests SET status = $3, note = $4, decided_at = $5, decided_by = $6
         WHERE meeting_id = $1 AND member_id = $2 AND ",
        scheduled!(),
        " RETURNING meeting_id"
    ))
    .param(meeting.0)
    .param(member.0)
    .param(status.as_str())
    .param(note)
    .param(at)
    .param(by.0)
    .fetch_optional(pool.executor())
    .await?;
    Ok(done.is_some())
}

/// A meeting's requests, by member name.
pub async fn requests<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
) -> Result<Vec<AbsenceRequest>> {
    let rows = sqlx::query(
        "SELECT r.member_id, m.full_name, r.reason, r.status, r.note, r.requested_at,
                r.decided_at, a.display_name
         FROM absence_requests r
         JOIN members m ON m.id = r.member_id
         LEFT JOIN accounts a ON a.id = r.decided_by
         WHERE r.meeting_id = $1
         ORDER BY m.full_name, r.member_id",
    )
    .param(meeting.0)
    .fetch_all(pool.executor())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let status: String = r.read("status")?;
        let status = parse_enum(&status, AbsenceStatus::parse, "trạng thái đơn xin vắng")?;
        let decided_at: NaiveDateTime = r.read("decided_at")?;
        let decided = status != AbsenceStatus::Pending;
        out.push(AbsenceRequest {
            meeting_id: meeting,
            member_id: MemberId(r.read("member_id")?),
            member_name: r.read("full_name")?,
            reason: r.read("reason")?,
            status,
            note: r.read("note")?,
            requested_at: r.read("requested_at")?,
            decided_at: decided.then_some(decided_at),
            decided_by: if decided {
                r.read("display_name")?
            } else {
                None
            },
        });
    }
    Ok(out)
}

/// Sends or rewrites a member's opinion on an item. False when the meeting
/// is no longer scheduled.
pub async fn set_opinion<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    member: MemberId,
    item: usize,
    text: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    let done = sqlx::query(concat!(
        "INSERT INTO advance_opinions (meeting_id, member_id, item_index, text, sent_at, updated_at)
         SELECT $1, $2, $3, $4, $5, $5 WHERE ",
        scheduled!(),
        "
         ON CONFLICT (meeting_id, member_id, item_index) DO UPDATE SET
         text = excluded.text, updated_at = excluded.updated_at
         RETURNING meeting_id"
    ))
    .param(meeting.0)
    .param(member.0)
    .param(db_index(item)?)
    .param(text)
    .param(at)
    .fetch_optional(pool.executor())
    .await?;
    Ok(done.is_some())
}

/// Withdraws a member's opinion on an item. False when there was none or
/// the meeting is no longer scheduled.
pub async fn withdraw_opinion<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    member: MemberId,
    item: usize,
) -> Result<bool> {
    let done = sqlx::query(concat!(
        "DELETE FROM advance_opinions
         WHERE meeting_id = $1 AND member_id = $2 AND item_index = $3 AND ",
        scheduled!(),
        " RETURNING meeting_id"
    ))
    .param(meeting.0)
    .param(member.0)
    .param(db_index(item)?)
    .fetch_optional(pool.executor())
    .await?;
    Ok(done.is_some())
}

/// A meeting's advance opinions, by item, then in the order sent.
pub async fn opinions<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
) -> Result<Vec<AdvanceOpinion>> {
    let rows = sqlx::query(
        "SELECT o.member_id, m.full_name, o.item_index, o.text, o.sent_at, o.updated_at
         FROM advance_opinions o JOIN members m ON m.id = o.member_id
         WHERE o.meeting_id = $1
         ORDER BY o.item_index, o.sent_at, o.member_id",
    )
    .param(meeting.0)
    .fetch_all(pool.executor())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let item: i64 = r.read("item_index")?;
        out.push(AdvanceOpinion {
            meeting_id: meeting,
            item: usize::try_from(item)
                .map_err(|_| StorageError::Corrupt(format!("mục chương trình {item}")))?,
            member_id: MemberId(r.read("member_id")?),
            member_name: r.read("full_name")?,
            text: r.read("text")?,
            sent_at: r.read("sent_at")?,
            updated_at: r.read("updated_at")?,
        });
    }
    Ok(out)
}
