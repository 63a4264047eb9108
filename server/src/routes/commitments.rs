//! Exemplary commitments (cam kết nêu gương): a member's list for a year, its
//! registration by the member and its review by the cell's committee, and a
//! cell's members with theirs. Every judgement is `shared::commitments`'s.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::{now_local, today, visible_org};
use crate::state::AppState;
use crate::storage::Store;
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use shared::access::Actor;
use shared::commitments::{
    self, CellCommitments, Commitment, CommitmentDraft, CommitmentError, MemberCommitments,
    ReviewDraft,
};
use shared::member::Member;
use shared::org::{OrgKind, Organization};
use shared::rules::assessment::AssessmentForm;
use shared::{ErrorBody, MemberId, OrgId};

/// The year in a path, or 400.
pub fn year_of(year: i64) -> ApiResult<i32> {
    i32::try_from(year)
        .ok()
        .filter(|y| commitments::YEARS.contains(y))
        .ok_or_else(|| {
            ApiError::BadRequest(crate::error::Text::both(
                "year_out_of_range",
                "Năm phải từ 2000 đến 2100.",
                "The year must be from 2000 to 2100.",
            ))
        })
}

/// The self-assessment form of the cell's rule set for the year.
async fn form_of(store: &Store, cell: OrgId, year: i32) -> ApiResult<AssessmentForm> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let on = shared::rules::adoption::rules_day(first, last, today());
    Ok(crate::rulesets::for_org(store, cell, on)
        .await?
        .member_form
        .value)
}

/// A member the user may see (404 otherwise), with their cell and its path.
async fn visible_member(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(Member, Organization, Vec<OrgId>)> {
    let member = state
        .store
        .member(MemberId(id))
        .await?
        .ok_or(ApiError::NotFound("đảng viên"))?;
    let (cell, path, _) = visible_org(state, user, member.cell_id)
        .await
        .map_err(|_| ApiError::NotFound("đảng viên"))?;
    let path: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    if !commitments::sees(&user.actor, &path) {
        return Err(ApiError::NotFound("đảng viên"));
    }
    Ok((member, cell, path))
}

#[allow(clippy::too_many_arguments)]
fn view(
    actor: &Actor,
    member: &Member,
    cell: &Organization,
    path: &[OrgId],
    year: i32,
    items: Vec<Commitment>,
    form: &AssessmentForm,
    this_year: i32,
) -> MemberCommitments {
    let summary = commitments::summarize(&items);
    MemberCommitments {
        member_id: member.id,
        member_name: member.draft.full_name.clone(),
        role: member.draft.role,
        cell_id: cell.id,
        cell_name: cell.name.clone(),
        year,
        may_edit: commitments::may_register(actor, member.id)
            && !commitments::is_locked(&items)
            && commitments::check_year(year, this_year).is_ok(),
        may_review: commitments::may_review(actor, path) && !items.is_empty(),
        suggested_points: summary.suggest_for(form),
        summary,
        items,
    }
}

async fn member_view(
    state: &AppState,
    actor: &Actor,
    member: &Member,
    cell: &Organization,
    path: &[OrgId],
    year: i32,
) -> ApiResult<MemberCommitments> {
    let items = state.store.commitments().of_member(member.id, year).await?;
    let form = form_of(&state.store, cell.id, year).await?;
    Ok(view(
        actor,
        member,
        cell,
        path,
        year,
        items,
        &form,
        today().year(),
    ))
}

#[utoipa::path(get, path = "/api/members/{id}/commitments/{year}", tag = "commitments",
    params(("id" = i64, Path), ("year" = i64, Path, minimum = 2000, maximum = 2100)),
    description = "Cam kết nêu gương của một đảng viên trong năm: từng nội dung, kết quả chi bộ đánh giá, \
        số nội dung theo từng kết quả và điểm gợi ý cho tiêu chí cam kết của phiếu tự đánh giá.",
    responses((status = 200, body = MemberCommitments),
        (status = 400, description = "Năm không hợp lệ.", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn of_member(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, year)): ApiPath<(i64, i64)>,
) -> ApiResult<ApiJson<MemberCommitments>> {
    let year = year_of(year)?;
    let (member, cell, path) = visible_member(&state, &user, id).await?;
    Ok(ApiJson(
        member_view(&state, &user.actor, &member, &cell, &path, year).await?,
    ))
}

#[utoipa::path(put, path = "/api/members/{id}/commitments/{year}", tag = "commitments",
    params(("id" = i64, Path), ("year" = i64, Path, minimum = 2000, maximum = 2100)),
    request_body = CommitmentDraft,
    description = "Đảng viên đăng ký (thay cả danh sách) cam kết nêu gương của năm nay hoặc năm tới, \
        cho đến khi chi bộ đánh giá.",
    responses((status = 200, body = MemberCommitments),
        (status = 400, description = "Năm không hợp lệ.", body = ErrorBody),
        (status = 403, description = "Chỉ đảng viên tự đăng ký cam kết của mình.", body = ErrorBody),
        (status = 409, description = "Chi bộ đã đánh giá cam kết.", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, year)): ApiPath<(i64, i64)>,
    ApiJson(draft): ApiJson<CommitmentDraft>,
) -> ApiResult<ApiJson<MemberCommitments>> {
    let year = year_of(year)?;
    let (member, cell, path) = visible_member(&state, &user, id).await?;
    if !commitments::may_register(&user.actor, member.id) {
        return Err(ApiError::Forbidden);
    }
    let now = now_local();
    commitments::check_year(year, now.date().year())
        .map_err(|e| ApiError::Validation(e.into_errors()))?;
    let items = draft.check().map_err(ApiError::Validation)?;
    if !state
        .store
        .commitments()
        .replace(member.id, cell.id, year, &items, now)
        .await?
    {
        return Err(ApiError::Conflict(crate::error::Text::of(
            &CommitmentError::Locked,
        )));
    }
    tracing::info!(member = %member.id, year, items = items.len(), "commitments registered");
    Ok(ApiJson(
        member_view(&state, &user.actor, &member, &cell, &path, year).await?,
    ))
}

#[utoipa::path(put, path = "/api/members/{id}/commitments/{year}/review", tag = "commitments",
    params(("id" = i64, Path), ("year" = i64, Path, minimum = 2000, maximum = 2100)),
    request_body = ReviewDraft,
    description = "Chi ủy đánh giá từng nội dung cam kết của đảng viên (thực hiện tốt, một phần, không thực hiện), \
        có nhận xét; sau đó đảng viên không sửa cam kết được nữa.",
    responses((status = 200, body = MemberCommitments),
        (status = 400, description = "Năm không hợp lệ.", body = ErrorBody),
        (status = 403, description = "Chỉ chi ủy của chi bộ.", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, year)): ApiPath<(i64, i64)>,
    ApiJson(draft): ApiJson<ReviewDraft>,
) -> ApiResult<ApiJson<MemberCommitments>> {
    let year = year_of(year)?;
    let (member, cell, path) = visible_member(&state, &user, id).await?;
    if !commitments::may_review(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    let items = state.store.commitments().of_member(member.id, year).await?;
    let reviews = draft.check(&items).map_err(ApiError::Validation)?;
    state
        .store
        .commitments()
        .review(member.id, year, &reviews, user.account.id, now_local())
        .await?;
    tracing::info!(member = %member.id, year, by = %user.account.id, "commitments reviewed");
    Ok(ApiJson(
        member_view(&state, &user.actor, &member, &cell, &path, year).await?,
    ))
}

#[utoipa::path(get, path = "/api/organizations/{id}/commitments/{year}", tag = "commitments",
    params(("id" = i64, Path), ("year" = i64, Path, minimum = 2000, maximum = 2100)),
    description = "Cam kết nêu gương của từng đảng viên trong chi bộ trong năm; người chưa đăng ký có danh sách rỗng.",
    responses((status = 200, body = CellCommitments),
        (status = 400, description = "Năm không hợp lệ.", body = ErrorBody),
        (status = 404, description = "Không thấy chi bộ.", body = ErrorBody)))]
pub async fn of_cell(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, year)): ApiPath<(i64, i64)>,
) -> ApiResult<ApiJson<CellCommitments>> {
    let year = year_of(year)?;
    let (cell, path, _) = visible_org(&state, &user, OrgId(id)).await?;
    let path: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    if cell.kind != OrgKind::Cell || !commitments::sees(&user.actor, &path) {
        return Err(ApiError::NotFound("chi bộ"));
    }
    let members = state.store.members_of(cell.id).await?;
    let mut items = state.store.commitments().of_cell(cell.id, year).await?;
    let form = form_of(&state.store, cell.id, year).await?;
    let this_year = today().year();
    let members: Vec<MemberCommitments> = members
        .iter()
        .filter(|m| m.draft.status.on_roll())
        .map(|m| {
            let (mine, rest): (Vec<_>, Vec<_>) = items.drain(..).partition(|c| c.member_id == m.id);
            items = rest;
            view(&user.actor, m, &cell, &path, year, mine, &form, this_year)
        })
        .collect();
    Ok(ApiJson(CellCommitments {
        cell_id: cell.id,
        cell_name: cell.name.clone(),
        year,
        registered: commitments::registered(&members),
        may_review: commitments::may_review(&user.actor, &path),
        members,
    }))
}
