//! Registering and reading cell meetings.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::{now_local, visible_org};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use shared::access::Access;
use shared::meeting::{Meeting, MeetingDraft, MeetingStatus};
use shared::org::{OrgKind, Organization};
use shared::{ErrorBody, MeetingId, MemberId, OrgId};

async fn cell(
    state: &AppState,
    user: &CurrentUser,
    id: OrgId,
    need: Access,
) -> ApiResult<Organization> {
    let (org, _, access) = visible_org(state, user, id).await?;
    if access < need {
        return Err(ApiError::Forbidden);
    }
    if org.kind != OrgKind::Cell {
        // Not a bad request: the list asked for does not exist.
        return Err(ApiError::NotFound(
            "lịch sinh hoạt (chỉ chi bộ mới đăng ký)",
        ));
    }
    Ok(org)
}

/// Checks a registration with the shared rules against the cell's roll.
async fn checked(state: &AppState, cell: OrgId, draft: MeetingDraft) -> ApiResult<MeetingDraft> {
    let on_roll: Vec<MemberId> = state
        .store
        .members_of(cell)
        .await?
        .into_iter()
        .filter(|m| m.draft.status.on_roll())
        .map(|m| m.id)
        .collect();
    let mut draft = draft;
    draft.clean();
    let draft = MeetingDraft {
        title: shared::member::normalize_name(&draft.title),
        ..draft
    };
    draft
        .validate(now_local(), &on_roll)
        .map_err(ApiError::Validation)?;
    Ok(draft)
}

#[utoipa::path(get, path = "/api/organizations/{id}/meetings", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Meeting>), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<Vec<Meeting>>> {
    let cell = cell(&state, &user, OrgId(id), Access::Read).await?;
    Ok(ApiJson(state.store.meetings_of(cell.id).await?))
}

#[utoipa::path(post, path = "/api/organizations/{id}/meetings", tag = "meetings", params(("id" = i64, Path)),
    request_body = MeetingDraft,
    responses((status = 201, body = Meeting), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(draft): ApiJson<MeetingDraft>,
) -> ApiResult<(StatusCode, ApiJson<Meeting>)> {
    let cell = cell(&state, &user, OrgId(id), Access::Manage).await?;
    let mut draft = checked(&state, cell.id, draft).await?;
    let path = state.store.org_path(cell.id).await?;
    super::guidance::prefill(&state, &user.actor, &path, &mut draft).await?;
    super::visits::prefill(&state, cell.id, &mut draft).await?;
    let meeting = state
        .store
        .create_meeting(cell.id, &draft, now_local())
        .await?;
    tracing::info!(meeting = %meeting.id, cell = %cell.id, by = %user.account.id, "meeting registered");
    state.notify.meeting_registered(&meeting, false).await;
    Ok((StatusCode::CREATED, ApiJson(meeting)))
}

pub(crate) async fn visible_meeting(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(Meeting, Access)> {
    let meeting = state
        .store
        .meeting(MeetingId(id))
        .await?
        .ok_or(ApiError::NotFound("buổi sinh hoạt"))?;
    let (_, _, access) = visible_org(state, user, meeting.cell_id)
        .await
        .map_err(|_| ApiError::NotFound("buổi sinh hoạt"))?;
    Ok((meeting, access))
}

#[utoipa::path(get, path = "/api/meetings/{id}", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = Meeting), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<Meeting>> {
    let mut meeting = visible_meeting(&state, &user, id).await?.0;
    meeting.late_documents = Some(super::files::late_count(&state, &meeting).await?);
    Ok(ApiJson(meeting))
}

#[utoipa::path(put, path = "/api/meetings/{id}", tag = "meetings", params(("id" = i64, Path)), request_body = MeetingDraft,
    responses((status = 200, body = Meeting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(draft): ApiJson<MeetingDraft>,
) -> ApiResult<ApiJson<Meeting>> {
    let (meeting, access) = visible_meeting(&state, &user, id).await?;
    if access < Access::Manage {
        return Err(ApiError::Forbidden);
    }
    if meeting.status != MeetingStatus::Scheduled {
        return Err(ApiError::Conflict(crate::error::Text::both(
            "meeting_started",
            "Buổi sinh hoạt đã bắt đầu hoặc đã kết thúc, không sửa đăng ký được nữa.",
            "The meeting has started or ended; its registration can no longer change.",
        )));
    }
    super::schedule::not_opened(&meeting)?;
    let draft = checked(&state, meeting.cell_id, draft).await?;
    if draft.starts_at.date() != meeting.draft.starts_at.date() {
        // Another day: recorded as rescheduled (the first date is kept).
        state
            .store
            .reschedule_meeting(meeting.id, draft.starts_at, None)
            .await?;
    }
    let updated = state
        .store
        .update_meeting(meeting.id, &draft)
        .await?
        .ok_or_else(|| {
            ApiError::Conflict(crate::error::Text::both(
                "meeting_started",
                "Buổi sinh hoạt vừa bắt đầu, không sửa đăng ký được nữa.",
                "The meeting has just started; its registration can no longer change.",
            ))
        })?;
    super::live::meeting_changed(&state, updated.id).await;
    if updated.draft != meeting.draft {
        state.notify.meeting_registered(&updated, true).await;
    }
    Ok(ApiJson(updated))
}
