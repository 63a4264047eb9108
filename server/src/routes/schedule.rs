//! Registering on time (đăng ký lịch đúng hạn): a cell's year of meetings,
//! cancelling and rescheduling a meeting not yet opened, and a committee's list
//! of the cells below it that have not registered a month's regular meeting.
//! Every judgement is `shared::calendar`'s (over `shared::rules::schedule`).

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::{now_local, today, visible_org};
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::Datelike;
use shared::access::Access;
use shared::calendar::{
    self, CancelRequest, RegistrationReport, RemindReport, RemindRequest, RescheduleRequest,
    YearView, entry_of,
};
use shared::meeting::{Meeting, MeetingStatus};
use shared::notify::{Notice, RegistrationRef};
use shared::org::{OrgKind, path_to};
use shared::rules::adoption;
use shared::rules::schedule::{CellMeetings, YearMonth};
use shared::{ErrorBody, OrgId};

/// `?year=2026` (this year when absent).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// From `shared::calendar::MIN_YEAR` to `MAX_YEAR` (checked by a test of
    /// the OpenAPI document).
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
}

/// `?year=2026&month=5` (this month when absent).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
    /// 1–12.
    #[param(minimum = 1, maximum = 12)]
    pub month: Option<i64>,
}

/// The month asked for (this month for what is absent); 400 out of range.
pub(crate) fn month_of(year: Option<i64>, month: Option<i64>) -> ApiResult<YearMonth> {
    let year = year_of(year)?;
    let month = month.unwrap_or_else(|| i64::from(today().month()));
    u32::try_from(month)
        .map_err(|_| calendar::CalendarError::MonthOutOfRange)
        .and_then(|m| calendar::check_month(year, m))
        .map_err(|e| ApiError::BadRequest(crate::error::Text::of(&e)))
}

pub(crate) fn bad_query(_: QueryRejection) -> ApiError {
    ApiError::BadRequest(crate::error::Text::both(
        "bad_query",
        "Năm và tháng phải là số (ví dụ ?year=2026&month=5).",
        "The year and month must be numbers (e.g. ?year=2026&month=5).",
    ))
}

fn year_of(year: Option<i64>) -> ApiResult<i32> {
    let year = year.unwrap_or_else(|| i64::from(today().year()));
    i32::try_from(year)
        .map_err(|_| calendar::CalendarError::YearOutOfRange)
        .and_then(calendar::check_year)
        .map_err(|e| ApiError::BadRequest(crate::error::Text::of(&e)))
}

#[utoipa::path(get, path = "/api/organizations/{id}/year", tag = "meetings",
    params(("id" = i64, Path), YearQuery),
    description = "Năm sinh hoạt của chi bộ: 12 tháng (sinh hoạt thường kỳ), 4 quý (chuyên đề), số liệu.",
    responses((status = 200, body = YearView),
        (status = 400, body = ErrorBody, description = "Năm ngoài khoảng cho phép."),
        (status = 404, body = ErrorBody)))]
pub async fn year(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult<ApiJson<YearView>> {
    let Query(query) = query.map_err(bad_query)?;
    let (org, _, _) = visible_org(&state, &user, OrgId(id)).await?;
    if org.kind != OrgKind::Cell {
        return Err(ApiError::NotFound(
            "lịch sinh hoạt (chỉ chi bộ mới đăng ký)",
        ));
    }
    let year = year_of(query.year)?;
    let meetings = state.store.meetings_of(org.id).await?;
    let first = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let on = adoption::rules_day(first, last, today());
    let rules = crate::rulesets::for_org(&state.store, org.id, on).await?;
    let bands = super::scoring::confirmed_bands(&state, &meetings).await?;
    Ok(ApiJson(
        calendar::year_view(org.id, &meetings, year, today(), &rules.schedule)
            .with_bands(&bands, &rules.yearly_meetings),
    ))
}

#[utoipa::path(get, path = "/api/organizations/{id}/unregistered", tag = "meetings",
    params(("id" = i64, Path), MonthQuery),
    description = "Cấp ủy cấp trên: các chi bộ trực thuộc chưa đăng ký lịch sinh hoạt thường kỳ của tháng.",
    responses((status = 200, body = RegistrationReport),
        (status = 400, body = ErrorBody, description = "Năm hoặc tháng ngoài khoảng cho phép."),
        (status = 404, body = ErrorBody)))]
pub async fn unregistered(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    query: Result<Query<MonthQuery>, QueryRejection>,
) -> ApiResult<ApiJson<RegistrationReport>> {
    let Query(query) = query.map_err(bad_query)?;
    let (_, _, report) = registration_report(&state, &user, id, query.year, query.month).await?;
    Ok(ApiJson(report))
}

#[utoipa::path(post, path = "/api/organizations/{id}/unregistered/remind", tag = "meetings",
    params(("id" = i64, Path)),
    request_body = RemindRequest,
    description = "Cấp ủy cấp trên đôn đốc, nhắc nhở các chi bộ chưa đăng ký lịch sinh hoạt thường kỳ của tháng: \
mỗi đảng viên của chi bộ và người được phân công theo dõi nhận một thông báo (một lần mỗi ngày).",
    responses((status = 200, body = RemindReport),
        (status = 400, body = ErrorBody, description = "Năm hoặc tháng ngoài khoảng cho phép."),
        (status = 403, body = ErrorBody, description = "Chỉ cấp ủy của tổ chức này hoặc cấp trên."),
        (status = 404, body = ErrorBody)))]
/// Reminds the cells below a committee that have not registered the month.
pub async fn remind(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RemindRequest>,
) -> ApiResult<ApiJson<RemindReport>> {
    let (org, path, report) =
        registration_report(&state, &user, id, Some(req.year), Some(req.month)).await?;
    let ids: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    if !user.actor.may_urge(&ids) {
        return Err(ApiError::Forbidden);
    }
    let day = today();
    let mut notified = 0usize;
    for cell in &report.unregistered {
        let notice = Notice::RegistrationReminder {
            reminder: RegistrationRef {
                cell_id: cell.cell_id,
                cell: cell.cell_name.clone(),
                committee: org.name.clone(),
                year: report.month.year,
                month: report.month.month,
            },
        };
        // Once a day per cell and month, whoever taps.
        let key = format!(
            "remind:{}:{}-{:02}:{day}",
            cell.cell_id.0, report.month.year, report.month.month
        );
        notified += state.notify.to_cell(cell.cell_id, &key, &notice).await?;
    }
    tracing::info!(org = %org.id, cells = report.unregistered.len(), notified, by = %user.account.id, "cells reminded to register");
    Ok(ApiJson(RemindReport {
        cells: u32::try_from(report.unregistered.len()).unwrap_or(u32::MAX),
        notified: u32::try_from(notified).unwrap_or(u32::MAX),
    }))
}

/// The cells below a committee that have not registered a month (this month
/// when absent), with the committee and its path.
async fn registration_report(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    year: Option<i64>,
    month: Option<i64>,
) -> ApiResult<(
    shared::org::Organization,
    Vec<shared::org::Organization>,
    RegistrationReport,
)> {
    let (org, path, _) = visible_org(state, user, OrgId(id)).await?;
    if matches!(org.kind, OrgKind::Cell | OrgKind::Group) {
        return Err(ApiError::NotFound("cấp ủy cấp trên"));
    }
    let now = today();
    let month = month_of(year, month)?;
    let all = state.store.organizations().await?;
    let cells: Vec<_> = all
        .iter()
        .filter(|o| o.kind == OrgKind::Cell && o.id != org.id)
        .filter(|o| path_to(&all, o.id).contains(&org.id))
        .collect();
    let ids: Vec<OrgId> = cells.iter().map(|c| c.id).collect();
    let from = month.first_day().and_hms_opt(0, 0, 0).unwrap_or_default();
    let to = month
        .next()
        .first_day()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let meetings = state.store.meetings_between(&ids, from, to).await?;
    let cells: Vec<CellMeetings> = cells
        .iter()
        .map(|c| CellMeetings {
            cell_id: c.id,
            cell_name: c.name.clone(),
            meetings: meetings
                .iter()
                .filter(|m| m.cell_id == c.id)
                .map(entry_of)
                .collect(),
        })
        .collect();
    let on = adoption::rules_day(month.first_day(), month.last_day(), now);
    let rules = crate::rulesets::for_org(&state.store, org.id, on)
        .await?
        .schedule;
    let report = calendar::unregistered_cells(org.id, &cells, month, now, &rules);
    Ok((org, path, report))
}

/// The meeting, if the user may see its cell (404 otherwise), and may manage it (403).
async fn managed_meeting(state: &AppState, user: &CurrentUser, id: i64) -> ApiResult<Meeting> {
    let (meeting, access) = super::meetings::visible_meeting(state, user, id).await?;
    if access < Access::Manage {
        return Err(ApiError::Forbidden);
    }
    not_opened(&meeting)?;
    Ok(meeting)
}

/// A meeting opened, closed or cancelled cannot be cancelled or moved.
pub fn not_opened(meeting: &Meeting) -> ApiResult<()> {
    if meeting.cancelled.is_some() {
        return Err(ApiError::Conflict(crate::error::Text::both(
            "meeting_cancelled",
            "Buổi sinh hoạt đã được hủy.",
            "The meeting has been cancelled.",
        )));
    }
    if meeting.status != MeetingStatus::Scheduled {
        return Err(ApiError::Conflict(crate::error::Text::both(
            "meeting_started",
            "Buổi sinh hoạt đã khai mạc hoặc đã bế mạc, không hủy hay đổi lịch được nữa.",
            "The meeting has opened or closed; it can no longer be cancelled or moved.",
        )));
    }
    Ok(())
}

fn gone() -> ApiError {
    ApiError::Conflict(crate::error::Text::both(
        "meeting_started",
        "Buổi sinh hoạt vừa khai mạc hoặc vừa được hủy.",
        "The meeting has just opened or been cancelled.",
    ))
}

#[utoipa::path(post, path = "/api/meetings/{id}/cancel", tag = "meetings", params(("id" = i64, Path)),
    request_body = CancelRequest,
    responses((status = 200, body = Meeting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Đã khai mạc, đã bế mạc hoặc đã hủy."),
        (status = 422, body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CancelRequest>,
) -> ApiResult<ApiJson<Meeting>> {
    let meeting = managed_meeting(&state, &user, id).await?;
    let reason =
        calendar::check_reason(&req.reason).map_err(|e| ApiError::Validation(e.into_fields()))?;
    let cancelled = state
        .store
        .cancel_meeting(meeting.id, &reason, now_local())
        .await?
        .ok_or_else(gone)?;
    tracing::info!(meeting = %meeting.id, by = %user.account.id, "meeting cancelled");
    super::live::meeting_changed(&state, meeting.id).await;
    state.notify.meeting_cancelled(&cancelled, &reason).await;
    Ok(ApiJson(cancelled))
}

#[utoipa::path(post, path = "/api/meetings/{id}/reschedule", tag = "meetings", params(("id" = i64, Path)),
    request_body = RescheduleRequest,
    responses((status = 200, body = Meeting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Đã khai mạc, đã bế mạc hoặc đã hủy."),
        (status = 422, body = ErrorBody)))]
pub async fn reschedule(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RescheduleRequest>,
) -> ApiResult<ApiJson<Meeting>> {
    let meeting = managed_meeting(&state, &user, id).await?;
    let reason = req
        .check(now_local())
        .map_err(|e| ApiError::Validation(e.into_fields()))?;
    let moved = state
        .store
        .reschedule_meeting(meeting.id, req.starts_at, Some(&reason))
        .await?
        .ok_or_else(gone)?;
    tracing::info!(meeting = %meeting.id, by = %user.account.id, "meeting rescheduled");
    super::live::meeting_changed(&state, meeting.id).await;
    state.notify.meeting_registered(&moved, true).await;
    Ok(ApiJson(moved))
}
