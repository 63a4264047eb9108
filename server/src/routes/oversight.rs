//! A committee's dashboard of every cell below it (theo dõi các chi bộ):
//! the compact facts (`/organizations/{id}/oversight`) the browser computes
//! its figures from, and the same figures as an Excel workbook
//! (`/organizations/{id}/oversight.xlsx`). Read access to the organization
//! as `shared::access` says; an assigned member gets only the cells they follow.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::{today, visible_org};
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use shared::oversight::{self as ov, OversightFacts};
use shared::rules::schedule::{Period, YearMonth};
use shared::{ErrorBody, OrgId};

/// `?from=2026-01&to=2026-12` (January of this year to this month when absent).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First month, `YYYY-MM` (years 2000 to 2100).
    #[param(pattern = r"^(20[0-9]{2}|2100)-(0?[1-9]|1[0-2])$")]
    pub from: Option<String>,
    /// Last month, `YYYY-MM`, not before `from`; the period spans at most 60
    /// months (`shared::oversight::MAX_RANGE_MONTHS`).
    #[param(pattern = r"^(20[0-9]{2}|2100)-(0?[1-9]|1[0-2])$")]
    pub to: Option<String>,
}

fn bad_query(_: QueryRejection) -> ApiError {
    ApiError::BadRequest(crate::error::Text::both(
        "bad_period",
        "Khoảng thời gian phải có dạng ?from=2026-01&to=2026-12.",
        "The period is written ?from=2026-01&to=2026-12.",
    ))
}

/// The period asked for; 400 when malformed, reversed or over 5 years.
pub fn period_of(q: &RangeQuery) -> ApiResult<Period> {
    let now = today();
    let from = match &q.from {
        Some(s) => ov::parse_month(s).map_err(crate::oversight::bad_range)?,
        None => YearMonth::new(now.year(), 1),
    };
    let to = match &q.to {
        Some(s) => ov::parse_month(s).map_err(crate::oversight::bad_range)?,
        None => YearMonth::of(now).max(from),
    };
    ov::check_range(from, to).map_err(crate::oversight::bad_range)
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    query: Result<Query<RangeQuery>, QueryRejection>,
) -> ApiResult<OversightFacts> {
    let Query(query) = query.map_err(bad_query)?;
    let (org, _, _) = visible_org(state, user, OrgId(id)).await?;
    let period = period_of(&query)?;
    crate::oversight::facts(state, &user.actor, &org, period, today()).await
}

#[utoipa::path(get, path = "/api/organizations/{id}/oversight", tag = "oversight",
    params(("id" = i64, Path), RangeQuery),
    description = "Theo dõi các chi bộ: số liệu gọn (theo cột) của mọi chi bộ trực thuộc mà người dùng được xem, \
theo tháng: đăng ký, tổ chức họp, dự họp, phát biểu, điểm, lượt cấp ủy viên dự, báo cáo, kiến nghị. \
Trình duyệt tính các chỉ số bằng `shared::oversight`. Khoảng tối đa 5 năm (60 tháng).",
    responses((status = 200, body = OversightFacts),
        (status = 400, body = ErrorBody, description = "Tháng sai dạng, đảo ngược hoặc khoảng quá 5 năm."),
        (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    query: Result<Query<RangeQuery>, QueryRejection>,
) -> ApiResult<ApiJson<OversightFacts>> {
    Ok(ApiJson(load(&state, &user, id, query).await?))
}

#[utoipa::path(get, path = "/api/organizations/{id}/oversight.xlsx", tag = "oversight",
    params(("id" = i64, Path), RangeQuery),
    description = "Theo dõi các chi bộ dưới dạng Excel: mỗi góc nhìn một trang (chi bộ theo tháng, theo tổ chức, \
cấp ủy viên dự so với kế hoạch, số liệu tổng hợp), tiêu đề tiếng Việt, số ghi dạng số.",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, body = ErrorBody, description = "Tháng sai dạng, đảo ngược hoặc khoảng quá 5 năm."),
        (status = 404, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    query: Result<Query<RangeQuery>, QueryRejection>,
) -> ApiResult<Response> {
    use axum::http::header;
    let facts = load(&state, &user, id, query).await?;
    let bytes = tokio::task::spawn_blocking(move || crate::oversight::workbook(&facts))
        .await
        .map_err(|e| ApiError::Internal(Box::new(e)))?
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    let name = format!("theo-doi-chi-bo-{id}.xlsx");
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
