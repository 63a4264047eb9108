//! Meetings' scores (chấm điểm): the cell's proposal with the basis it was
//! computed on, the upper level's column, and members' comments. Points and
//! bases travel as JSON text; what they mean is `shared::scoring`'s.

use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn};
use super::{Result, StorageError};
use chrono::NaiveDateTime;
use shared::scoring::ScoreComment;
use shared::{AccountId, MeetingId, OrgId};
use sqlx::Pool;

/// A meeting's score as stored; JSON columns are parsed by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredScore {
    pub rules_name: String,
    pub rules_version: i64,
    pub basis: String,
    pub cell_entries: String,
    pub proposed_by: String,
    pub proposed_at: NaiveDateTime,
    pub upper: Option<StoredUpper>,
}

/// The upper level's column, once confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUpper {
    pub entries: String,
    pub reason: String,
    pub by: String,
    pub at: NaiveDateTime,
}

/// A proposal to store.
pub struct NewProposal<'a> {
    pub rules_name: &'a str,
    pub rules_version: i64,
    pub basis: &'a str,
    pub cell_entries: &'a str,
    pub by: AccountId,
    pub at: NaiveDateTime,
}

/// An upper level's column to store, with the final total and band it gives.
pub struct NewConfirmation<'a> {
    pub entries: &'a str,
    pub reason: &'a str,
    pub by: AccountId,
    pub at: NaiveDateTime,
    pub final_tenths: i64,
    pub final_band: &'a str,
}

/// A confirmed meeting of a cell: its final total in tenths and band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmedScore {
    pub meeting: MeetingId,
    pub final_tenths: i64,
    pub final_band: String,
}

pub async fn get<DB: Backend>(pool: &Pool<DB>, meeting: MeetingId) -> Result<Option<StoredScore>> {
    let row = sqlx::query(
        "SELECT s.rules_name, s.rules_version, s.basis, s.cell_entries, p.display_name AS proposer,
                s.proposed_at, s.upper_entries, s.upper_reason, c.display_name AS confirmer,
                s.confirmed_at
         FROM meeting_scores s
         JOIN accounts p ON p.id = s.proposed_by
         LEFT JOIN accounts c ON c.id = s.confirmed_by
         WHERE s.meeting_id = $1",
    )
    .param(meeting.0)
    .fetch_optional(pool.executor())
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let upper_entries: Option<String> = r.read("upper_entries")?;
    let confirmed_at: Option<NaiveDateTime> = r.read("confirmed_at")?;
    let upper = match (upper_entries, confirmed_at) {
        (Some(entries), Some(at)) => Some(StoredUpper {
            entries,
            reason: r.read("upper_reason")?,
            by: r.read::<Option<String>>("confirmer")?.unwrap_or_default(),
            at,
        }),
        (None, None) => None,
        _ => {
            return Err(StorageError::Corrupt(format!(
                "điểm buổi sinh hoạt {meeting}: cột cấp trên thiếu"
            )));
        }
    };
    Ok(Some(StoredScore {
        rules_name: r.read("rules_name")?,
        rules_version: r.read("rules_version")?,
        basis: r.read("basis")?,
        cell_entries: r.read("cell_entries")?,
        proposed_by: r.read("proposer")?,
        proposed_at: r.read("proposed_at")?,
        upper,
    }))
}

/// Stores or replaces the cell's proposal. False when the upper level has
/// already confirmed (the proposal is then final).
pub async fn propose<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    p: &NewProposal<'_>,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO meeting_scores
            (meeting_id, rules_name, rules_version, basis, cell_entries, proposed_by, proposed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (meeting_id) DO UPDATE SET
            rules_name = excluded.rules_name, rules_version = excluded.rules_version,
            basis = excluded.basis, cell_entries = excluded.cell_entries,
            proposed_by = excluded.proposed_by, proposed_at = excluded.proposed_at
         WHERE meeting_scores.confirmed_at IS NULL
         RETURNING meeting_id",
    )
    .param(meeting.0)
    .param(p.rules_name)
    .param(p.rules_version)
    .param(p.basis)
    .param(p.cell_entries)
    .param(p.by.0)
    .param(p.at)
    .fetch_optional(pool.executor())
    .await?;
    Ok(done.is_some())
}

/// Stores the upper level's column. False when there is no proposal or it
/// was already confirmed.
pub async fn confirm<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    c: &NewConfirmation<'_>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE meeting_scores SET upper_entries = $2, upper_reason = $3, confirmed_by = $4,
            confirmed_at = $5, final_tenths = $6, final_band = $7
         WHERE meeting_id = $1 AND confirmed_at IS NULL
         RETURNING meeting_id",
    )
    .param(meeting.0)
    .param(c.entries)
    .param(c.reason)
    .param(c.by.0)
    .param(c.at)
    .param(c.final_tenths)
    .param(c.final_band)
    .fetch_optional(pool.executor())
    .await?;
    Ok(done.is_some())
}

/// The confirmed scores of a cell's meetings.
pub async fn confirmed_of_cell<DB: Backend>(
    pool: &Pool<DB>,
    cell: OrgId,
) -> Result<Vec<ConfirmedScore>> {
    let rows = sqlx::query(
        "SELECT s.meeting_id, s.final_tenths, s.final_band
         FROM meeting_scores s JOIN meetings m ON m.id = s.meeting_id
         WHERE m.cell_id = $1 AND s.confirmed_at IS NOT NULL
         ORDER BY s.meeting_id",
    )
    .param(cell.0)
    .fetch_all(pool.executor())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ConfirmedScore {
                meeting: MeetingId(r.read("meeting_id")?),
                final_tenths: r.read::<Option<i64>>("final_tenths")?.unwrap_or(0),
                final_band: r.read::<Option<String>>("final_band")?.unwrap_or_default(),
            })
        })
        .collect()
}

pub async fn add_comment<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    account: AccountId,
    text: &str,
    at: NaiveDateTime,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO score_comments (meeting_id, account_id, text, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .param(meeting.0)
    .param(account.0)
    .param(text)
    .param(at)
    .fetch_one(pool.executor())
    .await?;
    Ok(row.read("id")?)
}

/// In the order written.
pub async fn comments<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
) -> Result<Vec<ScoreComment>> {
    let rows = sqlx::query(
        "SELECT c.id, a.display_name, c.text, c.created_at
         FROM score_comments c JOIN accounts a ON a.id = c.account_id
         WHERE c.meeting_id = $1 ORDER BY c.id",
    )
    .param(meeting.0)
    .fetch_all(pool.executor())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ScoreComment {
                id: r.read("id")?,
                author: r.read("display_name")?,
                text: r.read("text")?,
                at: r.read("created_at")?,
            })
        })
        .collect()
}
