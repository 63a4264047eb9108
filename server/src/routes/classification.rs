//! The yearly classification of cells and the year's outputs: the committee's
//! year review of the cells below it (`/organizations/{id}/year-review/{year}`),
//! its workbook (`…/export.xlsx`), and the decision for one cell
//! (`PUT /organizations/{id}/classification/{year}`). Who sees and decides is
//! `shared::classification`'s.

use crate::auth::CurrentUser;
use crate::clock::{now_local, today};
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::state::AppState;
use crate::storage::NewClassification;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use shared::classification::{
    self as cl, CellReview, ClassifyRequest, Decided, YearReview, level_str,
};
use shared::org::{OrgKind, Organization};
use shared::{ErrorBody, FieldError, FieldErrors, OrgId};
use std::collections::HashMap;

/// The year asked for: from 2000 to this year.
fn year_of(year: i64) -> ApiResult<i32> {
    let now = today().year();
    match i32::try_from(year) {
        Ok(y) if (2000..=now).contains(&y) => Ok(y),
        _ => Err(ApiError::BadRequest(crate::error::Text::both(
            "bad_year",
            format!("Năm phải từ 2000 đến {now} (năm đã qua hoặc năm nay)."),
            format!("The year must be from 2000 to {now} (a past year or this one)."),
        ))),
    }
}

/// The organization with its path, when the user sees its year review.
async fn reviewable(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(Organization, Vec<OrgId>)> {
    let path = state.store.org_path(OrgId(id)).await?;
    let ids: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    match path.last() {
        Some(org) if user.actor.can_read(&ids) => {
            if !cl::sees_year_review(&user.actor, &ids) {
                return Err(ApiError::NotAllowed(crate::error::Text::both(
                    "committee_only",
                    "Chỉ cấp ủy của tổ chức này hoặc cấp trên xem được kết quả xếp loại cả năm.",
                    "Only the committee of this organization or a higher one sees the year's classification.",
                )));
            }
            Ok((org.clone(), ids))
        }
        _ => Err(ApiError::NotFound("tổ chức")),
    }
}

#[utoipa::path(get, path = "/api/organizations/{id}/year-review/{year}", tag = "classification",
    params(("id" = i64, Path), ("year" = i64, Path, minimum = 2000, maximum = 2100)),
    description = "Xếp loại chi bộ hằng năm: mọi chi bộ trực thuộc với số liệu cả năm (sinh hoạt thường kỳ, \
đăng ký đúng hạn, chất lượng sinh hoạt, dự họp, kiểm tra đảng viên so với chỉ tiêu, xếp loại đảng viên), \
mức máy tính đề xuất kèm lý do và quyết định của cấp ủy.",
    responses((status = 200, body = YearReview),
        (status = 400, body = ErrorBody, description = "Năm ngoài khoảng 2000 đến năm nay."),
        (status = 403, body = ErrorBody, description = "Chỉ cấp ủy của tổ chức này hoặc cấp trên."),
        (status = 404, body = ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, year)): ApiPath<(i64, i64)>,
) -> ApiResult<ApiJson<YearReview>> {
    let (org, _) = reviewable(&state, &user, id).await?;
    let year = year_of(year)?;
    let r = crate::classification::records(&state, &user.actor, &org, year, today()).await?;
    Ok(ApiJson(r.review))
}

#[utoipa::path(get, path = "/api/organizations/{id}/year-review/{year}/export.xlsx", tag = "classification",
    params(("id" = i64, Path), ("year" = i64, Path, minimum = 2000, maximum = 2100)),
    description = "Kết quả cả năm dưới dạng Excel: trang đảng viên (tự xếp loại, chi bộ đề xuất, cấp ủy quyết định, điểm), \
trang chi bộ (xếp loại đề xuất và quyết định, lý do, mọi số liệu), trang kiểm tra đảng viên (từng cuộc và số đã kiểm tra so với chỉ tiêu). \
Tiêu đề tiếng Việt, số ghi dạng số.",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, body = ErrorBody, description = "Năm ngoài khoảng 2000 đến năm nay."),
        (status = 403, body = ErrorBody, description = "Chỉ cấp ủy của tổ chức này hoặc cấp trên."),
        (status = 404, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, year)): ApiPath<(i64, i64)>,
) -> ApiResult<Response> {
    use axum::http::header;
    let (org, _) = reviewable(&state, &user, id).await?;
    let year = year_of(year)?;
    let r = crate::classification::records(&state, &user.actor, &org, year, today()).await?;
    let bytes = tokio::task::spawn_blocking(move || crate::classification::workbook(&r))
        .await
        .map_err(|e| ApiError::Internal(Box::new(e)))?
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    let name = format!("ket-qua-nam-{year}-{id}.xlsx");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn reason_error(e: cl::DecisionError) -> ApiError {
    match e.field_errors() {
        Some(f) => ApiError::Validation(f),
        None => ApiError::Conflict(crate::error::Text::of(&e)),
    }
}

#[utoipa::path(put, path = "/api/organizations/{id}/classification/{year}", tag = "classification",
    params(("id" = i64, Path, description = "Chi bộ."), ("year" = i64, Path, minimum = 2000, maximum = 2100)),
    request_body = ClassifyRequest,
    description = "Cấp ủy cấp trên trực tiếp quyết định xếp loại chi bộ của năm. Khác mức máy tính đề xuất, \
hoặc thay đổi quyết định đã có, phải ghi lý do; quyết định được thay đổi đến hết 31/3 năm sau. \
Số chi bộ “Hoàn thành xuất sắc nhiệm vụ” không vượt tỷ lệ tối đa trong tổ chức cơ sở đảng.",
    responses((status = 200, body = CellReview),
        (status = 400, body = ErrorBody, description = "Năm ngoài khoảng 2000 đến năm nay."),
        (status = 403, body = ErrorBody, description = "Chỉ cấp ủy cấp trên trực tiếp của chi bộ."),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Đã quá hạn thay đổi quyết định của năm."),
        (status = 422, body = ErrorBody, description = "Thiếu lý do, hoặc vượt tỷ lệ xuất sắc.")))]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, year)): ApiPath<(i64, i64)>,
    ApiJson(req): ApiJson<ClassifyRequest>,
) -> ApiResult<ApiJson<CellReview>> {
    let not_found = || ApiError::NotFound("chi bộ");
    let path = state.store.org_path(OrgId(id)).await?;
    let ids: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    let cell = match path.last() {
        Some(o) if o.kind == OrgKind::Cell && user.actor.can_read(&ids) => o.clone(),
        _ => return Err(not_found()),
    };
    if !cl::may_classify(&user.actor, &ids) {
        return Err(ApiError::NotAllowed(crate::error::Text::both(
            "committee_above_only",
            "Chỉ cấp ủy cấp trên trực tiếp của chi bộ quyết định xếp loại chi bộ.",
            "Only the committee directly above the cell decides the cell's classification.",
        )));
    }
    let year = year_of(year)?;
    let day = today();
    let records = crate::classification::records(&state, &user.actor, &cell, year, day).await?;
    let line = records
        .review
        .cells
        .into_iter()
        .next()
        .ok_or_else(not_found)?;
    let previous = line.decision.as_ref().map(|d| d.level);
    let reason =
        cl::check_decision(&req, line.computed.level, previous, year, day).map_err(reason_error)?;

    // The excellent quota, among the cells of the grassroots organization.
    let all = state.store.organizations().await?;
    let by_id: HashMap<OrgId, &Organization> = all.iter().map(|o| (o.id, o)).collect();
    let grassroots = crate::classification::grassroots_of(&by_id, &ids);
    let group: Vec<OrgId> = all
        .iter()
        .filter(|o| {
            o.kind == OrgKind::Cell
                && crate::classification::path_in(&by_id, o.id).contains(&grassroots)
        })
        .map(|o| o.id)
        .collect();
    let others: Vec<Decided> = state
        .store
        .classification()
        .classifications(&group, year)
        .await?
        .into_iter()
        .map(|c| Decided {
            cell: c.cell,
            name: by_id
                .get(&c.cell)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            level: c.decided,
        })
        .collect();
    let quota_rules = crate::rulesets::for_org(
        &state.store,
        grassroots,
        crate::classification::rules_day(year, day),
    )
    .await?;
    let this = Decided {
        cell: cell.id,
        name: cell.name.clone(),
        level: req.level,
    };
    if let Some(message) = cl::quota_issue(&quota_rules, grassroots, &this, &others) {
        return Err(ApiError::Validation(FieldErrors(vec![FieldError::of(
            "level", &message,
        )])));
    }

    let figures_json =
        serde_json::to_string(&line.figures).map_err(|e| ApiError::Internal(Box::new(e)))?;
    state
        .store
        .classification()
        .save_classification(&NewClassification {
            cell: cell.id,
            year,
            computed: line.computed.level,
            decided: req.level,
            reason: &reason,
            figures_json: &figures_json,
            by: user.account.id,
            at: now_local(),
        })
        .await?;
    tracing::info!(cell = %cell.id, year, level = level_str(req.level),
        computed = level_str(line.computed.level), by = %user.account.id, "cell classified");
    let fresh = crate::classification::records(&state, &user.actor, &cell, year, day).await?;
    fresh
        .review
        .cells
        .into_iter()
        .next()
        .map(ApiJson)
        .ok_or_else(not_found)
}
