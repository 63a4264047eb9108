use crate::auth::{self, CurrentUser};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use crate::web::ClientAddr;
use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::cookie::CookieJar;
use shared::ErrorBody;
use shared::api::{ChangePasswordRequest, LoginRequest, Me, check_password};
use std::time::Instant;

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest, security(()),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 429, body = ErrorBody, headers(("Retry-After" = u64, description = "Số giây phải chờ.")))))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<(CookieJar, ApiJson<Me>)> {
    let username = req.username.trim().to_lowercase();
    // Counted as a failure from here on, unless the password is right.
    let attempt = state
        .limiter
        .try_login(ip, &username, Instant::now())
        .map_err(|wait| ApiError::RateLimited {
            retry_after_secs: wait.0,
        })?;
    let secret = state.store.account_secret(&username).await?;
    // Verify even for unknown names, so timing does not tell which names exist.
    let (hash, account) = match secret {
        Some(s) => (s.password_hash, Some(s.account)),
        None => (state.dummy_hash.to_string(), None),
    };
    let ok = auth::verify_password(req.password, hash).await?;
    let Some(account) = account.filter(|_| ok) else {
        tracing::info!(%ip, "failed login");
        return Err(ApiError::BadCredentials);
    };
    state.limiter.login_succeeded(attempt);
    if account.disabled {
        return Err(ApiError::AccountDisabled);
    }
    let (token, token_hash) = auth::new_session_token();
    let now = auth::now_secs();
    state
        .store
        .create_session(
            &token_hash,
            account.id,
            now,
            now + auth::SESSION_DAYS * 86_400,
        )
        .await?;
    let me = me_of(&state, account).await?;
    tracing::info!(account = %me.account.id, "login");
    Ok((
        jar.add(auth::session_cookie(token, state.secure_cookies)),
        ApiJson(me),
    ))
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
) -> ApiResult<(CookieJar, StatusCode)> {
    state.store.delete_session(&user.token_hash).await?;
    super::live::account_changed(&state, user.account.id).await;
    Ok((
        jar.add(auth::removal_cookie(state.secure_cookies)),
        StatusCode::NO_CONTENT,
    ))
}

#[utoipa::path(get, path = "/api/me", tag = "auth", responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> ApiResult<ApiJson<Me>> {
    Ok(ApiJson(me_of(&state, user.account).await?))
}

pub async fn me_of(state: &AppState, account: shared::api::AccountView) -> ApiResult<Me> {
    let actor = auth::actor_of(&state.store, &account).await?;
    let member = match account.member_id {
        Some(id) => state.store.member(id).await?,
        None => None,
    };
    let cell = match &member {
        Some(m) => state.store.organization(m.cell_id).await?,
        None => None,
    };
    let mut committees = Vec::new();
    for id in &actor.committee_of {
        committees.extend(state.store.organization(*id).await?);
    }
    let mut assigned_cells = Vec::new();
    for id in &actor.assigned_cells {
        assigned_cells.extend(state.store.organization(*id).await?);
    }
    Ok(Me {
        account,
        actor,
        member,
        cell,
        committees,
        assigned_cells,
    })
}

#[utoipa::path(post, path = "/api/me/password", tag = "auth", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, headers(("Retry-After" = u64, description = "Số giây phải chờ.")))))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    check_password(&req.new_password).map_err(|m| ApiError::field("new_password", &m))?;
    let secret = state
        .store
        .account_secret_by_id(user.account.id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let attempt = state
        .limiter
        .try_password_change(user.account.id, Instant::now())
        .map_err(|wait| ApiError::PasswordChangeLimited {
            retry_after_secs: wait.0,
        })?;
    if !auth::verify_password(req.current_password, secret.password_hash).await? {
        tracing::info!(account = %user.account.id, "wrong current password");
        return Err(ApiError::field_both(
            "current_password",
            "wrong_password",
            "Mật khẩu hiện tại không đúng.",
            "The current password is wrong.",
        ));
    }
    state.limiter.password_change_succeeded(attempt);
    let hash = auth::hash_password(req.new_password).await?;
    state
        .store
        .set_password_hash(user.account.id, &hash)
        .await?;
    // Other devices must log in again with the new password.
    state
        .store
        .delete_sessions_of(user.account.id, Some(&user.token_hash))
        .await?;
    super::live::account_changed(&state, user.account.id).await;
    Ok(StatusCode::NO_CONTENT)
}
