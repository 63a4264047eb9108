//! Preparing a meeting before it opens: a member's absence request (xin
//! vắng) and its decision, and opinions sent in advance on agenda items (góp
//! ý trước). Who may do what, the limits and the checks are
//! `shared::preparation`'s rules; an accepted request reaches the live room
//! as the records' change it is (`live::meeting_changed`), and the opening
//! marks the member absent with reason.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::meetings::visible_meeting;
use crate::routes::now_local;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use shared::preparation::{
    self, AbsenceDecision, AbsenceRequest, AbsenceRequestDraft, AbsenceStatus, AdvanceOpinion,
    AdvanceOpinionDraft, Preparation, PreparationError,
};
use shared::{ErrorBody, MeetingId, MemberId};

/// A refusal of the rules as its answer: not a member 403, opened 409, a
/// field 422.
fn refused(e: PreparationError) -> ApiError {
    match e {
        PreparationError::NotMember => ApiError::NotAllowed(crate::error::Text::both(
            "not_member",
            "Chỉ đảng viên của chi bộ mới gửi được đơn xin vắng và góp ý trước.",
            "Only members of the cell can send an absence request or an opinion in advance.",
        )),
        PreparationError::AlreadyOpened => ApiError::Conflict(crate::error::Text::of(&e)),
        other => ApiError::Validation(other.into_fields()),
    }
}

/// The store refused because the meeting opened meanwhile.
fn opened_meanwhile() -> ApiError {
    refused(PreparationError::AlreadyOpened)
}

fn item_index(item: i64) -> ApiResult<usize> {
    usize::try_from(item).map_err(|_| ApiError::NotFound("mục chương trình"))
}

/// `GET /api/meetings/{id}/preparation`: requests and advance opinions as the user may see them.
#[utoipa::path(get, path = "/api/meetings/{id}/preparation", tag = "preparation", params(("id" = i64, Path)),
    responses((status = 200, body = Preparation), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<Preparation>> {
    let (meeting, access) = visible_meeting(&state, &user, id).await?;
    let me: Option<MemberId> = user
        .actor
        .seat
        .filter(|s| s.cell_id == meeting.cell_id)
        .map(|s| s.member_id);
    let may_decide = preparation::may_decide(access);
    let sees_all = preparation::sees_all_opinions(&user.actor, access, &meeting);
    let requests = state.store.absence_requests(meeting.id).await?;
    let opinions = state.store.advance_opinions(meeting.id).await?;
    Ok(ApiJson(Preparation {
        may_prepare: preparation::preparing_member(&user.actor, &meeting).is_ok(),
        may_decide,
        sees_all_opinions: sees_all,
        my_member: me,
        my_request: requests.iter().find(|r| Some(r.member_id) == me).cloned(),
        opinion_counts: preparation::counts_by_item(&opinions, meeting.draft.agenda.len()),
        requests: if may_decide { requests } else { Vec::new() },
        opinions: opinions
            .into_iter()
            .filter(|o| sees_all || Some(o.member_id) == me)
            .collect(),
    }))
}

/// `PUT /api/meetings/{id}/absence`: the member asks to be excused, or
/// rewrites the reason (the request then waits for a new decision).
#[utoipa::path(put, path = "/api/meetings/{id}/absence", tag = "preparation", params(("id" = i64, Path)),
    request_body = AbsenceRequestDraft,
    responses((status = 200, body = AbsenceRequest),
        (status = 403, body = ErrorBody, description = "Không phải đảng viên của chi bộ."),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Buổi sinh hoạt đã khai mạc hoặc kết thúc."),
        (status = 422, body = ErrorBody)))]
pub async fn request_absence(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(draft): ApiJson<AbsenceRequestDraft>,
) -> ApiResult<ApiJson<AbsenceRequest>> {
    let (meeting, _) = visible_meeting(&state, &user, id).await?;
    let member = preparation::preparing_member(&user.actor, &meeting).map_err(refused)?;
    let reason = draft.check().map_err(refused)?;
    if !state
        .store
        .set_absence_request(meeting.id, member, &reason, now_local())
        .await?
    {
        return Err(opened_meanwhile());
    }
    tracing::info!(meeting = %meeting.id, member = %member, "absence requested");
    // A request that was accepted and is rewritten no longer excuses.
    super::live::meeting_changed(&state, meeting.id).await;
    own_request(&state, meeting.id, member).await
}

async fn own_request(
    state: &AppState,
    meeting: MeetingId,
    member: MemberId,
) -> ApiResult<ApiJson<AbsenceRequest>> {
    state
        .store
        .absence_requests(meeting)
        .await?
        .into_iter()
        .find(|r| r.member_id == member)
        .map(ApiJson)
        .ok_or(ApiError::NotFound("đơn xin vắng"))
}

/// `DELETE /api/meetings/{id}/absence`: the member withdraws their request.
#[utoipa::path(delete, path = "/api/meetings/{id}/absence", tag = "preparation", params(("id" = i64, Path)),
    responses((status = 204, description = "Đã rút đơn xin vắng."),
        (status = 403, body = ErrorBody, description = "Không phải đảng viên của chi bộ."),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Buổi sinh hoạt đã khai mạc hoặc kết thúc.")))]
pub async fn withdraw_absence(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let (meeting, _) = visible_meeting(&state, &user, id).await?;
    let member = preparation::preparing_member(&user.actor, &meeting).map_err(refused)?;
    if !state
        .store
        .withdraw_absence_request(meeting.id, member)
        .await?
    {
        return Err(ApiError::NotFound("đơn xin vắng"));
    }
    tracing::info!(meeting = %meeting.id, member = %member, "absence request withdrawn");
    super::live::meeting_changed(&state, meeting.id).await;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/meetings/{id}/absences/{member}/decision`: whoever manages the
/// cell's meetings accepts or refuses a member's request.
#[utoipa::path(put, path = "/api/meetings/{id}/absences/{member}/decision", tag = "preparation",
    params(("id" = i64, Path), ("member" = i64, Path, description = "Đảng viên xin vắng.")),
    request_body = AbsenceDecision,
    responses((status = 200, body = AbsenceRequest),
        (status = 403, body = ErrorBody, description = "Chỉ người quản lý sinh hoạt của chi bộ."),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Buổi sinh hoạt đã khai mạc hoặc kết thúc."),
        (status = 422, body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, member)): ApiPath<(i64, i64)>,
    ApiJson(decision): ApiJson<AbsenceDecision>,
) -> ApiResult<ApiJson<AbsenceRequest>> {
    let (meeting, access) = visible_meeting(&state, &user, id).await?;
    if !preparation::may_decide(access) {
        return Err(ApiError::NotAllowed(crate::error::Text::both(
            "secretary_only",
            "Chỉ bí thư, phó bí thư chi bộ duyệt được đơn xin vắng.",
            "Only the cell's secretary or deputy secretary decides absence requests.",
        )));
    }
    preparation::not_opened(&meeting).map_err(refused)?;
    let member = MemberId(member);
    let (status, note) = decision.check().map_err(refused)?;
    let decided = state
        .store
        .decide_absence_request(
            meeting.id,
            member,
            status,
            &note,
            user.account.id,
            now_local(),
        )
        .await?;
    if !decided {
        // Either no such request, or the meeting opened meanwhile.
        let exists = state
            .store
            .absence_requests(meeting.id)
            .await?
            .iter()
            .any(|r| r.member_id == member);
        return Err(if exists {
            opened_meanwhile()
        } else {
            ApiError::NotFound("đơn xin vắng")
        });
    }
    tracing::info!(meeting = %meeting.id, member = %member, status = status.as_str(), by = %user.account.id, "absence request decided");
    // Before the opening, the room takes the excused members again.
    super::live::meeting_changed(&state, meeting.id).await;
    state
        .notify
        .absence_decided(&meeting, member, status == AbsenceStatus::Accepted, &note)
        .await;
    own_request(&state, meeting.id, member).await
}

/// `PUT /api/meetings/{id}/advance-opinions/{item}`: the member's opinion
/// on an agenda item (index from 0), sent or rewritten.
#[utoipa::path(put, path = "/api/meetings/{id}/advance-opinions/{item}", tag = "preparation",
    params(("id" = i64, Path), ("item" = i64, Path, description = "Số thứ tự mục trong chương trình, từ 0.")),
    request_body = AdvanceOpinionDraft,
    responses((status = 200, body = AdvanceOpinion),
        (status = 403, body = ErrorBody, description = "Không phải đảng viên của chi bộ."),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Buổi sinh hoạt đã khai mạc hoặc kết thúc."),
        (status = 422, body = ErrorBody)))]
pub async fn send_opinion(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, item)): ApiPath<(i64, i64)>,
    ApiJson(draft): ApiJson<AdvanceOpinionDraft>,
) -> ApiResult<ApiJson<AdvanceOpinion>> {
    let (meeting, _) = visible_meeting(&state, &user, id).await?;
    let member = preparation::preparing_member(&user.actor, &meeting).map_err(refused)?;
    let item = item_index(item)?;
    let text = draft
        .check(item, meeting.draft.agenda.len())
        .map_err(|e| match e {
            PreparationError::NoSuchItem => ApiError::NotFound("mục chương trình"),
            other => refused(other),
        })?;
    if !state
        .store
        .set_advance_opinion(meeting.id, member, item, &text, now_local())
        .await?
    {
        return Err(opened_meanwhile());
    }
    tracing::info!(meeting = %meeting.id, member = %member, item, "advance opinion sent");
    state
        .store
        .advance_opinions(meeting.id)
        .await?
        .into_iter()
        .find(|o| o.member_id == member && o.item == item)
        .map(ApiJson)
        .ok_or(ApiError::NotFound("góp ý"))
}

/// `DELETE /api/meetings/{id}/advance-opinions/{item}`: the member withdraws their opinion.
#[utoipa::path(delete, path = "/api/meetings/{id}/advance-opinions/{item}", tag = "preparation",
    params(("id" = i64, Path), ("item" = i64, Path, description = "Số thứ tự mục trong chương trình, từ 0.")),
    responses((status = 204, description = "Đã rút góp ý."),
        (status = 403, body = ErrorBody, description = "Không phải đảng viên của chi bộ."),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Buổi sinh hoạt đã khai mạc hoặc kết thúc.")))]
pub async fn withdraw_opinion(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, item)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    let (meeting, _) = visible_meeting(&state, &user, id).await?;
    let member = preparation::preparing_member(&user.actor, &meeting).map_err(refused)?;
    let item = item_index(item)?;
    if !state
        .store
        .withdraw_advance_opinion(meeting.id, member, item)
        .await?
    {
        return Err(ApiError::NotFound("góp ý"));
    }
    tracing::info!(meeting = %meeting.id, member = %member, item, "advance opinion withdrawn");
    Ok(StatusCode::NO_CONTENT)
}
