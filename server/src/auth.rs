//! Passwords, sessions and who is asking.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::storage::{SessionFacts, Store};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use rand::RngCore;
use sha2::{Digest, Sha256};
use shared::OrgId;
use shared::access::{Actor, CellSeat};
use shared::api::AccountView;
use shared::member::Member;

pub const SESSION_COOKIE: &str = "chibo_session";
pub const SESSION_DAYS: i64 = 14;

/// Argon2id with its recommended defaults, off the async threads (it is meant to be slow).
pub async fn hash_password(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| ApiError::Internal(Box::new(e)))?
    .map_err(|e| ApiError::Internal(e.to_string().into()))
}

pub async fn verify_password(password: String, hash: String) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .map_err(|e| ApiError::Internal(Box::new(e)))
}

/// A fresh session token (for the cookie) and its hash (for the database), so a
/// leaked database cannot be replayed as cookies.
pub fn new_session_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex(&bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(time_days(SESSION_DAYS))
        .build()
}

pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, ""))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(time_days(0))
        .build()
}

fn time_days(days: i64) -> cookie::time::Duration {
    cookie::time::Duration::days(days)
}

pub fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The logged-in account and what the permission rules know of it.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub account: AccountView,
    pub actor: Actor,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<CurrentUser> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value())
            .ok_or(ApiError::Unauthenticated)?;
        user_of_session(&state.store, token_hash(token)).await
    }
}

/// The user behind a session (by its token's hash), if it is live and its
/// account enabled. The live meeting asks again with it when an account changes.
pub async fn user_of_session(store: &Store, token_hash: String) -> ApiResult<CurrentUser> {
    let account_id = store
        .session_account(&token_hash, now_secs())
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let account = store
        .account(account_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    if account.disabled {
        return Err(ApiError::AccountDisabled);
    }
    let actor = actor_of(store, &account).await?;
    Ok(CurrentUser {
        account,
        actor,
        token_hash,
    })
}

/// The user a session's facts describe, read in bulk by the live sockets'
/// periodic check: the same answer `user_of_session` gives.
pub fn user_from_facts(token_hash: String, facts: SessionFacts) -> ApiResult<CurrentUser> {
    if facts.account.disabled {
        return Err(ApiError::AccountDisabled);
    }
    let actor = actor_from(
        &facts.account,
        facts.member,
        facts.committee_of,
        facts.assigned_cells,
    );
    Ok(CurrentUser {
        account: facts.account,
        actor,
        token_hash,
    })
}

/// Gathers the facts the permission rules in `shared::access` decide on.
pub async fn actor_of(store: &Store, account: &AccountView) -> ApiResult<Actor> {
    let member = match account.member_id {
        Some(id) => store.member(id).await?,
        None => None,
    };
    Ok(actor_from(
        account,
        member,
        store.committee_seats_of(account.id).await?,
        store.assignments_of(account.id).await?,
    ))
}

/// A member's seat counts only while they are on the cell's roll.
fn actor_from(
    account: &AccountView,
    member: Option<Member>,
    committee_of: Vec<OrgId>,
    assigned_cells: Vec<OrgId>,
) -> Actor {
    Actor {
        account_id: account.id,
        is_admin: account.is_admin,
        seat: member
            .filter(|m| m.draft.status.on_roll())
            .map(|m| CellSeat {
                cell_id: m.cell_id,
                member_id: m.id,
                role: m.draft.role,
            }),
        committee_of,
        assigned_cells,
    }
}
