//! Member inspections (kiểm tra đảng viên): a cell's inspections of a year
//! against its target, recording, changing and deleting one, and a
//! committee's progress over the cells below it. Every judgement is
//! `shared::inspections`'s; the targets are the rule set's.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::{now_local, today, visible_org};
use crate::state::AppState;
use crate::storage::Store;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use shared::inspections::{
    self, CellInspections, CellStanding, Inspectable, Inspection, InspectionDraft, InspectionId,
    InspectionProgress,
};
use shared::org::{OrgKind, Organization};
use shared::rules::adoption::{self, Adoption, OrgAdoptions};
use shared::rules::inspection::InspectionTargets;
use shared::{ErrorBody, MemberId, OrgId};
use std::collections::HashMap;

/// `?year=2026` (this year when absent).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
}

fn year_of(q: Result<Query<YearQuery>, QueryRejection>) -> ApiResult<i32> {
    let bad = || {
        ApiError::BadRequest(crate::error::Text::both(
            "bad_year",
            "Năm phải là số từ 2000 đến 2100 (ví dụ ?year=2026).",
            "The year must be a number from 2000 to 2100 (e.g. ?year=2026).",
        ))
    };
    let Query(q) = q.map_err(|_| bad())?;
    match q.year {
        None => Ok(today().year()),
        Some(y) => i32::try_from(y)
            .ok()
            .filter(|y| inspections::YEARS.contains(y))
            .ok_or_else(bad),
    }
}

/// The day whose rules judge `year`.
fn rules_day(year: i32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    adoption::rules_day(first, last, today())
}

async fn targets_of(store: &Store, cell: OrgId, year: i32) -> ApiResult<InspectionTargets> {
    Ok(crate::rulesets::for_org(store, cell, rules_day(year))
        .await?
        .inspections
        .value)
}

/// A cell the user may see (404 otherwise) whose inspections they read (403).
async fn cell_for(
    state: &AppState,
    user: &CurrentUser,
    id: OrgId,
) -> ApiResult<(Organization, Vec<OrgId>)> {
    let (org, path, _) = visible_org(state, user, id).await?;
    if org.kind != OrgKind::Cell {
        return Err(ApiError::NotFound("chi bộ"));
    }
    let path: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    if !inspections::sees(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    Ok((org, path))
}

/// A cell's standing in a year.
async fn standing_of(state: &AppState, cell: &Organization, year: i32) -> ApiResult<CellStanding> {
    let targets = targets_of(&state.store, cell.id, year).await?;
    let seats = state
        .store
        .inspections()
        .role_seats(&[cell.id])
        .await?
        .first()
        .map_or(0, |(_, n)| *n);
    let done: Vec<MemberId> = state
        .store
        .inspections()
        .inspected(&[cell.id], year)
        .await?
        .into_iter()
        .map(|(_, m)| m)
        .collect();
    Ok(inspections::standing(
        cell.id, &cell.name, &targets, seats, &done,
    ))
}

#[utoipa::path(get, path = "/api/organizations/{id}/inspections", tag = "inspections",
    params(("id" = i64, Path), YearQuery),
    description = "Các cuộc kiểm tra đảng viên của chi bộ có kết luận trong năm (mặc định năm nay), \
        với chỉ tiêu của chi bộ và số đảng viên đã được kiểm tra.",
    responses((status = 200, body = CellInspections),
        (status = 400, description = "Năm không hợp lệ.", body = ErrorBody),
        (status = 403, description = "Đảng viên (không phải chi ủy) không xem.", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn of_cell(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult<ApiJson<CellInspections>> {
    let year = year_of(query)?;
    let (cell, path) = cell_for(&state, &user, OrgId(id)).await?;
    Ok(ApiJson(cell_view(&state, &user, &cell, &path, year).await?))
}

async fn cell_view(
    state: &AppState,
    user: &CurrentUser,
    cell: &Organization,
    path: &[OrgId],
    year: i32,
) -> ApiResult<CellInspections> {
    let may_record = inspections::may_record(&user.actor, path);
    let list = state
        .store
        .inspections()
        .of_cell(cell.id, year)
        .await?
        .into_iter()
        .map(|i| Inspection {
            may_change: inspections::may_change(&user.actor, path, i.recorded_by),
            ..i
        })
        .collect();
    let members = if may_record {
        state
            .store
            .members_of(cell.id)
            .await?
            .into_iter()
            .filter(|m| m.draft.status.on_roll())
            .map(|m| Inspectable {
                id: m.id,
                name: m.draft.full_name,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(CellInspections {
        cell_id: cell.id,
        cell_name: cell.name.clone(),
        year,
        standing: standing_of(state, cell, year).await?,
        inspections: list,
        may_record,
        members,
    })
}

/// The draft checked against the cell's members on the roll.
async fn checked(
    state: &AppState,
    cell: OrgId,
    draft: &InspectionDraft,
) -> ApiResult<InspectionDraft> {
    let in_cell = state
        .store
        .member(draft.member_id)
        .await?
        .is_some_and(|m| m.cell_id == cell && m.draft.status.on_roll());
    draft.check(today(), in_cell).map_err(ApiError::Validation)
}

async fn one(state: &AppState, user: &CurrentUser, id: InspectionId) -> ApiResult<Inspection> {
    let i = state
        .store
        .inspections()
        .get(id)
        .await?
        .ok_or(ApiError::NotFound("cuộc kiểm tra"))?;
    let path: Vec<OrgId> = state
        .store
        .org_path(i.cell_id)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    Ok(Inspection {
        may_change: inspections::may_change(&user.actor, &path, i.recorded_by),
        ..i
    })
}

#[utoipa::path(post, path = "/api/organizations/{id}/inspections", tag = "inspections",
    params(("id" = i64, Path)), request_body = InspectionDraft,
    description = "Ghi một cuộc kiểm tra đảng viên của chi bộ đã có kết luận: bí thư, phó bí thư chi bộ, \
        cấp ủy viên cấp trên.",
    responses((status = 201, body = Inspection),
        (status = 403, description = "Không được ghi kiểm tra ở chi bộ này.", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(draft): ApiJson<InspectionDraft>,
) -> ApiResult<(StatusCode, ApiJson<Inspection>)> {
    let (cell, path) = cell_for(&state, &user, OrgId(id)).await?;
    if !inspections::may_record(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    let draft = checked(&state, cell.id, &draft).await?;
    let new = state
        .store
        .inspections()
        .create(cell.id, &draft, user.account.id, now_local())
        .await?;
    tracing::info!(cell = %cell.id, inspection = %new, by = %user.account.id, "inspection recorded");
    Ok((StatusCode::CREATED, ApiJson(one(&state, &user, new).await?)))
}

/// An inspection the user reads (404 otherwise) and may change (403).
async fn changeable(state: &AppState, user: &CurrentUser, id: i64) -> ApiResult<Inspection> {
    let i = state
        .store
        .inspections()
        .get(InspectionId(id))
        .await?
        .ok_or(ApiError::NotFound("cuộc kiểm tra"))?;
    let (_, path) = cell_for(state, user, i.cell_id)
        .await
        .map_err(|_| ApiError::NotFound("cuộc kiểm tra"))?;
    if !inspections::may_change(&user.actor, &path, i.recorded_by) {
        return Err(ApiError::Forbidden);
    }
    Ok(i)
}

#[utoipa::path(put, path = "/api/inspections/{id}", tag = "inspections",
    params(("id" = i64, Path)), request_body = InspectionDraft,
    description = "Sửa một cuộc kiểm tra: người đã ghi, hoặc quản trị hệ thống.",
    responses((status = 200, body = Inspection),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(draft): ApiJson<InspectionDraft>,
) -> ApiResult<ApiJson<Inspection>> {
    let i = changeable(&state, &user, id).await?;
    let draft = checked(&state, i.cell_id, &draft).await?;
    if !state.store.inspections().update(i.id, &draft).await? {
        return Err(ApiError::NotFound("cuộc kiểm tra"));
    }
    Ok(ApiJson(one(&state, &user, i.id).await?))
}

#[utoipa::path(delete, path = "/api/inspections/{id}", tag = "inspections",
    params(("id" = i64, Path)),
    description = "Xóa một cuộc kiểm tra: người đã ghi, hoặc quản trị hệ thống.",
    responses((status = 204, description = "Đã xóa."),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let i = changeable(&state, &user, id).await?;
    if !state.store.inspections().delete(i.id).await? {
        return Err(ApiError::NotFound("cuộc kiểm tra"));
    }
    tracing::info!(inspection = %i.id, by = %user.account.id, "inspection deleted");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/organizations/{id}/inspection-progress", tag = "inspections",
    params(("id" = i64, Path), YearQuery),
    description = "Tiến độ kiểm tra đảng viên của một cấp ủy trong năm: số chi bộ đạt chỉ tiêu trên tổng số \
        chi bộ trực thuộc mà người dùng xem được, tỷ lệ (\"229/321 chi bộ, 71,33%\"), và các chi bộ chưa đạt.",
    responses((status = 200, body = InspectionProgress),
        (status = 400, description = "Năm không hợp lệ.", body = ErrorBody),
        (status = 404, description = "Không thấy tổ chức, hoặc tổ chức không phải cấp ủy.", body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult<ApiJson<InspectionProgress>> {
    let year = year_of(query)?;
    let (org, _, _) = visible_org(&state, &user, OrgId(id)).await?;
    if matches!(org.kind, OrgKind::Cell | OrgKind::Group) {
        return Err(ApiError::NotFound("cấp ủy"));
    }
    let all = state.store.organizations().await?;
    let by_id: HashMap<OrgId, &Organization> = all.iter().map(|o| (o.id, o)).collect();
    let path_of = |id: OrgId| -> Vec<OrgId> {
        let mut path = Vec::new();
        let mut at = Some(id);
        while let Some(i) = at {
            if path.len() > all.len() {
                break;
            }
            path.push(i);
            at = by_id.get(&i).and_then(|o| o.parent_id);
        }
        path.reverse();
        path
    };
    let cells: Vec<(&Organization, Vec<OrgId>)> = all
        .iter()
        .filter(|o| o.kind == OrgKind::Cell)
        .map(|o| (o, path_of(o.id)))
        .filter(|(o, p)| o.id != org.id && p.contains(&org.id) && user.actor.can_read(p))
        .collect();
    // The rules: a cell applies the nearest choice above it, so one per such choice.
    let mut ids: Vec<OrgId> = cells.iter().flat_map(|(_, p)| p.iter().copied()).collect();
    ids.sort();
    ids.dedup();
    let mut adopted: HashMap<OrgId, Vec<Adoption>> = HashMap::new();
    for a in state.store.rule_set_adoptions(&ids).await? {
        adopted.entry(a.org_id).or_default().push(a);
    }
    let on = rules_day(year);
    let mut targets_by: HashMap<Option<OrgId>, InspectionTargets> = HashMap::new();
    let cell_ids: Vec<OrgId> = cells.iter().map(|(c, _)| c.id).collect();
    let seats: HashMap<OrgId, u32> = state
        .store
        .inspections()
        .role_seats(&cell_ids)
        .await?
        .into_iter()
        .collect();
    let mut inspected: HashMap<OrgId, Vec<MemberId>> = HashMap::new();
    for (c, m) in state.store.inspections().inspected(&cell_ids, year).await? {
        inspected.entry(c).or_default().push(m);
    }
    let mut standings = Vec::with_capacity(cells.len());
    for (cell, path) in &cells {
        let key = path
            .iter()
            .rev()
            .find(|id| adopted.contains_key(id))
            .copied();
        let targets = *targets_by.entry(key).or_insert_with(|| {
            let path: Vec<OrgAdoptions> = path
                .iter()
                .map(|id| OrgAdoptions {
                    org_id: *id,
                    org_name: by_id.get(id).map(|o| o.name.clone()).unwrap_or_default(),
                    adoptions: adopted.get(id).cloned().unwrap_or_default(),
                })
                .collect();
            adoption::applicable(&path, on).rules.inspections.value
        });
        standings.push(inspections::standing(
            cell.id,
            &cell.name,
            &targets,
            seats.get(&cell.id).copied().unwrap_or(0),
            inspected.get(&cell.id).map_or(&[][..], Vec::as_slice),
        ));
    }
    Ok(ApiJson(inspections::progress(
        org.id, &org.name, year, &standings,
    )))
}
