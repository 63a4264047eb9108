//! Administration: accounts, assignments of upper-level members to cells, committee seats.

use crate::auth::{self, CurrentUser};
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::state::AppState;
use crate::storage::NewAccountRow;
use axum::extract::State;
use axum::http::StatusCode;
use shared::api::{
    AccountView, Assignment, CommitteeSeat, MAX_DISPLAY_NAME_CHARS, NewAccount,
    ResetPasswordRequest, SetDisabledRequest, check_password, check_username,
};
use shared::org::OrgKind;
use shared::{AccountId, ErrorBody, FieldError, FieldErrors, OrgId};

fn admin_only(user: &CurrentUser) -> ApiResult<()> {
    if user.actor.can_administer() {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

#[utoipa::path(get, path = "/api/accounts", tag = "accounts",
    responses((status = 200, body = Vec<AccountView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<Vec<AccountView>>> {
    admin_only(&user)?;
    Ok(ApiJson(state.store.accounts().await?))
}

#[utoipa::path(post, path = "/api/accounts", tag = "accounts", request_body = NewAccount,
    responses((status = 201, body = AccountView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewAccount>,
) -> ApiResult<(StatusCode, ApiJson<AccountView>)> {
    admin_only(&user)?;
    let username = req.username.trim().to_string();
    let display_name = shared::member::normalize_name(&req.display_name);
    let mut errors = Vec::new();
    if let Err(m) = check_username(&username) {
        errors.push(FieldError::of("username", &m));
    }
    if display_name.is_empty() || display_name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        errors.push(FieldError::both(
            "display_name",
            "display_name_length",
            format!("Tên hiển thị phải có từ 1 đến {MAX_DISPLAY_NAME_CHARS} ký tự."),
            format!("The display name must have 1 to {MAX_DISPLAY_NAME_CHARS} characters."),
        ));
    }
    if let Err(m) = check_password(&req.password) {
        errors.push(FieldError::of("password", &m));
    }
    if let Some(member) = req.member_id
        && state.store.member(member).await?.is_none()
    {
        errors.push(FieldError::both(
            "member_id",
            "member_not_found",
            "Không tìm thấy đảng viên này.",
            "This member is not found.",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(FieldErrors(errors)));
    }
    let password_hash = auth::hash_password(req.password).await?;
    let account = state
        .store
        .create_account(NewAccountRow {
            username,
            display_name,
            password_hash,
            member_id: req.member_id,
            is_admin: req.is_admin,
        })
        .await?;
    tracing::info!(account = %account.id, by = %user.account.id, "account created");
    Ok((StatusCode::CREATED, ApiJson(account)))
}

#[utoipa::path(post, path = "/api/accounts/{id}/password", tag = "accounts", params(("id" = i64, Path)),
    request_body = ResetPasswordRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ResetPasswordRequest>,
) -> ApiResult<StatusCode> {
    admin_only(&user)?;
    if id == user.account.id.0 {
        // Like everyone, with the current password (POST /api/me/password):
        // a stolen administrator session cannot take the account over.
        return Err(ApiError::NotAllowed(crate::error::Text::both(
            "own_password",
            "Đổi mật khẩu của chính mình ở trang Tài khoản, với mật khẩu hiện tại.",
            "Change your own password on the Account page, with your current password.",
        )));
    }
    check_password(&req.new_password).map_err(|m| ApiError::field("new_password", &m))?;
    let hash = auth::hash_password(req.new_password).await?;
    if !state.store.set_password_hash(AccountId(id), &hash).await? {
        return Err(ApiError::NotFound("tài khoản"));
    }
    state.store.delete_sessions_of(AccountId(id), None).await?;
    super::live::account_changed(&state, AccountId(id)).await;
    tracing::info!(account = id, by = %user.account.id, "password reset");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/accounts/{id}/disabled", tag = "accounts", params(("id" = i64, Path)),
    request_body = SetDisabledRequest,
    responses((status = 200, body = AccountView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_disabled(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<SetDisabledRequest>,
) -> ApiResult<ApiJson<AccountView>> {
    admin_only(&user)?;
    if id == user.account.id.0 && req.disabled {
        return Err(ApiError::NotAllowed(crate::error::Text::both(
            "own_account",
            "Không thể tự khóa tài khoản của chính mình.",
            "You cannot lock your own account.",
        )));
    }
    if !state
        .store
        .set_disabled(AccountId(id), req.disabled)
        .await?
    {
        return Err(ApiError::NotFound("tài khoản"));
    }
    if req.disabled {
        state.store.delete_sessions_of(AccountId(id), None).await?;
        super::live::account_changed(&state, AccountId(id)).await;
    }
    tracing::info!(account = id, disabled = req.disabled, by = %user.account.id, "account disabled flag set");
    let account = state
        .store
        .account(AccountId(id))
        .await?
        .ok_or(ApiError::NotFound("tài khoản"))?;
    Ok(ApiJson(account))
}

async fn existing_account(state: &AppState, id: AccountId) -> ApiResult<()> {
    state
        .store
        .account(id)
        .await?
        .map(|_| ())
        .ok_or(ApiError::NotFound("tài khoản"))
}

#[utoipa::path(post, path = "/api/assignments", tag = "accounts", request_body = Assignment,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<Assignment>,
) -> ApiResult<StatusCode> {
    admin_only(&user)?;
    existing_account(&state, req.account_id).await?;
    let cell = state
        .store
        .organization(req.cell_id)
        .await?
        .ok_or(ApiError::NotFound("chi bộ"))?;
    if cell.kind != OrgKind::Cell {
        return Err(ApiError::field_both(
            "cell_id",
            "not_a_cell",
            "Chỉ phân công theo dõi chi bộ.",
            "Only cells can be assigned to follow.",
        ));
    }
    state
        .store
        .add_assignment(req.account_id, req.cell_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/assignments/{account_id}/{cell_id}", tag = "accounts",
    params(("account_id" = i64, Path), ("cell_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unassign(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((account_id, cell_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    admin_only(&user)?;
    if !state
        .store
        .remove_assignment(AccountId(account_id), OrgId(cell_id))
        .await?
    {
        return Err(ApiError::NotFound("phân công"));
    }
    super::live::account_changed(&state, AccountId(account_id)).await;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/committee-seats", tag = "accounts", request_body = CommitteeSeat,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn seat(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CommitteeSeat>,
) -> ApiResult<StatusCode> {
    admin_only(&user)?;
    existing_account(&state, req.account_id).await?;
    let org = state
        .store
        .organization(req.organization_id)
        .await?
        .ok_or(ApiError::NotFound("tổ chức"))?;
    if matches!(org.kind, OrgKind::Group) {
        return Err(ApiError::field_both(
            "organization_id",
            "group_has_no_committee",
            "Tổ đảng không có cấp ủy.",
            "A party group has no committee.",
        ));
    }
    state
        .store
        .add_committee_seat(req.account_id, req.organization_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
