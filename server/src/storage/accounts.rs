//! Accounts and their sessions.

use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, map_err};
use super::{AccountSecret, NewAccountRow, Result};
use shared::api::AccountView;
use shared::{AccountId, MemberId};
use sqlx::Pool;

pub(super) fn account_from_row<DB: Backend>(row: &DB::Row) -> Result<AccountView> {
    Ok(AccountView {
        id: AccountId(row.read("id")?),
        username: row.read("username")?,
        display_name: row.read("display_name")?,
        member_id: row.read::<Option<i64>>("member_id")?.map(MemberId),
        is_admin: row.read("is_admin")?,
        disabled: row.read("disabled")?,
    })
}

fn secret_from_row<DB: Backend>(row: &DB::Row) -> Result<AccountSecret> {
    Ok(AccountSecret {
        account: account_from_row::<DB>(row)?,
        password_hash: row.read("password_hash")?,
    })
}

pub async fn create<DB: Backend>(pool: &Pool<DB>, new: NewAccountRow) -> Result<AccountView> {
    let row = sqlx::query(
        "INSERT INTO accounts (username, display_name, password_hash, member_id, is_admin)
         VALUES ($1, $2, $3, $4, $5) RETURNING *",
    )
    .param(new.username)
    .param(new.display_name)
    .param(new.password_hash)
    .param(new.member_id.map(|m| m.0))
    .param(new.is_admin)
    .fetch_one(pool.executor())
    .await
    .map_err(map_err)?;
    account_from_row::<DB>(&row)
}

pub async fn get<DB: Backend>(pool: &Pool<DB>, id: AccountId) -> Result<Option<AccountView>> {
    let row = sqlx::query("SELECT * FROM accounts WHERE id = $1")
        .param(id.0)
        .fetch_optional(pool.executor())
        .await?;
    row.as_ref().map(account_from_row::<DB>).transpose()
}

pub async fn secret_by_username<DB: Backend>(
    pool: &Pool<DB>,
    username: &str,
) -> Result<Option<AccountSecret>> {
    let row = sqlx::query("SELECT * FROM accounts WHERE username = $1")
        .param(username)
        .fetch_optional(pool.executor())
        .await?;
    row.as_ref().map(secret_from_row::<DB>).transpose()
}

pub async fn secret_by_id<DB: Backend>(
    pool: &Pool<DB>,
    id: AccountId,
) -> Result<Option<AccountSecret>> {
    let row = sqlx::query("SELECT * FROM accounts WHERE id = $1")
        .param(id.0)
        .fetch_optional(pool.executor())
        .await?;
    row.as_ref().map(secret_from_row::<DB>).transpose()
}

pub async fn all<DB: Backend>(pool: &Pool<DB>) -> Result<Vec<AccountView>> {
    let rows = sqlx::query("SELECT * FROM accounts ORDER BY username")
        .fetch_all(pool.executor())
        .await?;
    rows.iter().map(account_from_row::<DB>).collect()
}

pub async fn set_password_hash<DB: Backend>(
    pool: &Pool<DB>,
    id: AccountId,
    hash: &str,
) -> Result<bool> {
    let changed = sqlx::query("UPDATE accounts SET password_hash = $2 WHERE id = $1 RETURNING id")
        .param(id.0)
        .param(hash)
        .fetch_optional(pool.executor())
        .await?;
    Ok(changed.is_some())
}

pub async fn set_disabled<DB: Backend>(
    pool: &Pool<DB>,
    id: AccountId,
    disabled: bool,
) -> Result<bool> {
    let changed = sqlx::query("UPDATE accounts SET disabled = $2 WHERE id = $1 RETURNING id")
        .param(id.0)
        .param(disabled)
        .fetch_optional(pool.executor())
        .await?;
    Ok(changed.is_some())
}

pub async fn create_session<DB: Backend>(
    pool: &Pool<DB>,
    token_hash: &str,
    account: AccountId,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    // Expired sessions are swept as new ones are made, so the table stays small.
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .param(now)
        .execute(pool.executor())
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .param(token_hash)
    .param(account.0)
    .param(now)
    .param(expires_at)
    .execute(pool.executor())
    .await?;
    Ok(())
}

/// The live session's account, if the token is known and not expired.
pub async fn session_account<DB: Backend>(
    pool: &Pool<DB>,
    token_hash: &str,
    now: i64,
) -> Result<Option<AccountId>> {
    let row =
        sqlx::query("SELECT account_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .param(token_hash)
            .param(now)
            .fetch_optional(pool.executor())
            .await?;
    Ok(match row {
        Some(r) => Some(AccountId(r.read("account_id")?)),
        None => None,
    })
}

pub async fn delete_session<DB: Backend>(pool: &Pool<DB>, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .param(token_hash)
        .execute(pool.executor())
        .await?;
    Ok(())
}

/// Ends every session of an account, keeping `except`.
pub async fn delete_sessions_of<DB: Backend>(
    pool: &Pool<DB>,
    account: AccountId,
    except: Option<&str>,
) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
        .param(account.0)
        .param(except.unwrap_or(""))
        .execute(pool.executor())
        .await?;
    Ok(())
}
