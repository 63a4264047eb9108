//! What the live sockets' periodic check reads about many sessions at once:
//! a few queries per round, not several per socket.

use super::accounts::account_from_row;
use super::meetings::meeting_from_row;
use super::members::member_from_row;
use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, json_array};
use super::{Result, SessionFacts};
use shared::api::AccountView;
use shared::meeting::Meeting;
use shared::member::Member;
use shared::{AccountId, MeetingId, MemberId, OrgId};
use sqlx::Pool;
use std::collections::HashMap;

/// The sessions among `token_hashes` not ended nor expired at `now`, each
/// with what `auth::user_of_session` reads about its account.
pub async fn session_facts<DB: Backend>(
    pool: &Pool<DB>,
    token_hashes: &[&str],
    now: i64,
) -> Result<HashMap<String, SessionFacts>> {
    if token_hashes.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT s.token_hash, a.* FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.expires_at > $1 AND s.token_hash IN ({})",
        DB::texts_in_json(2)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .param(now)
        .param(json_array(token_hashes)?)
        .fetch_all(pool.executor())
        .await?;
    let mut sessions: Vec<(String, AccountView)> = Vec::with_capacity(rows.len());
    for r in &rows {
        sessions.push((r.read("token_hash")?, account_from_row::<DB>(r)?));
    }
    // Repeats in an `IN` list match each row once: no need to remove them.
    let accounts: Vec<AccountId> = sessions.iter().map(|(_, a)| a.id).collect();
    let member_ids: Vec<MemberId> = sessions.iter().filter_map(|(_, a)| a.member_id).collect();

    let committee_of = orgs_by_account::<DB>(
        pool,
        "SELECT account_id, organization_id AS org FROM committee_seats",
        &accounts,
    )
    .await?;
    let assigned = orgs_by_account::<DB>(
        pool,
        "SELECT account_id, cell_id AS org FROM cell_assignments",
        &accounts,
    )
    .await?;
    let members: HashMap<MemberId, Member> = if member_ids.is_empty() {
        HashMap::new()
    } else {
        let sql = format!("SELECT * FROM members WHERE id IN ({})", DB::ids_in_json(1));
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .param(json_array(&member_ids)?)
            .fetch_all(pool.executor())
            .await?;
        rows.iter()
            .map(|r| member_from_row::<DB>(r).map(|m| (m.id, m)))
            .collect::<Result<_>>()?
    };

    Ok(sessions
        .into_iter()
        .map(|(token_hash, account)| {
            let facts = SessionFacts {
                member: account.member_id.and_then(|m| members.get(&m).cloned()),
                committee_of: committee_of.get(&account.id).cloned().unwrap_or_default(),
                assigned_cells: assigned.get(&account.id).cloned().unwrap_or_default(),
                account,
            };
            (token_hash, facts)
        })
        .collect())
}

/// `select` (giving `account_id` and `org`) for these accounts, each
/// account's organizations in increasing order.
async fn orgs_by_account<DB: Backend>(
    pool: &Pool<DB>,
    select: &str,
    accounts: &[AccountId],
) -> Result<HashMap<AccountId, Vec<OrgId>>> {
    let mut by_account: HashMap<AccountId, Vec<OrgId>> = HashMap::new();
    if accounts.is_empty() {
        return Ok(by_account);
    }
    let sql = format!(
        "{select} WHERE account_id IN ({}) ORDER BY account_id, org",
        DB::ids_in_json(1)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .param(json_array(accounts)?)
        .fetch_all(pool.executor())
        .await?;
    for r in &rows {
        by_account
            .entry(AccountId(r.read("account_id")?))
            .or_default()
            .push(OrgId(r.read("org")?));
    }
    Ok(by_account)
}

/// The meetings among `ids` that exist.
pub async fn meetings_by_id<DB: Backend>(
    pool: &Pool<DB>,
    ids: &[MeetingId],
) -> Result<Vec<Meeting>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT * FROM meetings WHERE id IN ({})",
        DB::ids_in_json(1)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .param(json_array(ids)?)
        .fetch_all(pool.executor())
        .await?;
    rows.iter().map(meeting_from_row::<DB>).collect()
}
