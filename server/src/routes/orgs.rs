use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::visible_org;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use shared::access::{Access, Actor};
use shared::api::{Home, NewOrganization, OrgDetail};
use shared::org::{MAX_ORG_NAME_CHARS, OrgEntry, OrgKind, Organization, path_to};
use shared::{ErrorBody, OrgId};

/// The organizations the actor may see, each with its access, plus the ancestors
/// above them (access `none`) so the tree reads from the top.
pub async fn visible_entries(state: &AppState, actor: &Actor) -> ApiResult<Vec<OrgEntry>> {
    let orgs = state.store.organizations().await?;
    let counts = state.store.member_counts().await?;
    let mut shown: Vec<(Organization, Access)> = Vec::new();
    for org in &orgs {
        let path = path_to(&orgs, org.id);
        let access = actor.access_to(&path);
        if access >= Access::Read {
            shown.push((org.clone(), access));
        }
    }
    let mut context: Vec<OrgId> = Vec::new();
    for (org, _) in &shown {
        for id in path_to(&orgs, org.id) {
            if !shown.iter().any(|(o, _)| o.id == id) && !context.contains(&id) {
                context.push(id);
            }
        }
    }
    Ok(orgs
        .iter()
        .filter_map(|o| {
            let access = match shown.iter().find(|(s, _)| s.id == o.id) {
                Some((_, a)) => *a,
                None if context.contains(&o.id) => Access::None,
                None => return None,
            };
            Some(OrgEntry {
                org: o.clone(),
                access,
                member_count: counts.get(&o.id).copied().unwrap_or(0),
            })
        })
        .collect())
}

#[utoipa::path(get, path = "/api/organizations", tag = "organizations",
    responses((status = 200, body = Vec<OrgEntry>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<Vec<OrgEntry>>> {
    Ok(ApiJson(visible_entries(&state, &user.actor).await?))
}

#[utoipa::path(get, path = "/api/home", tag = "organizations",
    responses((status = 200, body = Home), (status = 401, body = ErrorBody)))]
pub async fn home(State(state): State<AppState>, user: CurrentUser) -> ApiResult<ApiJson<Home>> {
    let cells: Vec<OrgEntry> = visible_entries(&state, &user.actor)
        .await?
        .into_iter()
        .filter(|e| e.org.kind == OrgKind::Cell && e.access >= Access::Read)
        .collect();
    let ids: Vec<OrgId> = cells.iter().map(|e| e.org.id).collect();
    // From the start of today, so this morning's meeting still shows this afternoon.
    let from = super::today().and_time(chrono::NaiveTime::MIN);
    let upcoming_meetings = state.store.upcoming_meetings(&ids, from, 20).await?;
    let me = super::auth::me_of(&state, user.account).await?;
    Ok(ApiJson(Home {
        me,
        cells,
        upcoming_meetings,
    }))
}

#[utoipa::path(get, path = "/api/organizations/{id}", tag = "organizations",
    params(("id" = i64, Path)),
    responses((status = 200, body = OrgDetail), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<OrgDetail>> {
    let (org, path, access) = visible_org(&state, &user, OrgId(id)).await?;
    let children = visible_entries(&state, &user.actor)
        .await?
        .into_iter()
        .filter(|e| e.org.parent_id == Some(org.id))
        .collect();
    Ok(ApiJson(OrgDetail {
        org,
        path,
        access,
        children,
    }))
}

#[utoipa::path(post, path = "/api/organizations", tag = "organizations", request_body = NewOrganization,
    responses((status = 201, body = Organization), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "Không tìm thấy tổ chức cấp trên."), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewOrganization>,
) -> ApiResult<(StatusCode, ApiJson<Organization>)> {
    if !user.actor.can_administer() {
        return Err(ApiError::Forbidden);
    }
    let name = shared::member::normalize_name(&req.name);
    if name.is_empty() || name.chars().count() > MAX_ORG_NAME_CHARS {
        return Err(ApiError::field_both(
            "name",
            "name_length",
            format!("Tên tổ chức phải có từ 1 đến {MAX_ORG_NAME_CHARS} ký tự."),
            format!("The organization's name must have 1 to {MAX_ORG_NAME_CHARS} characters."),
        ));
    }
    let parent_kind = match req.parent_id {
        Some(p) => Some(
            state
                .store
                .organization(p)
                .await?
                .ok_or(ApiError::NotFound("tổ chức cấp trên"))?
                .kind,
        ),
        None => None,
    };
    if !req.kind.may_sit_under(parent_kind) {
        return Err(ApiError::field_both(
            "parent_id",
            "bad_parent",
            format!(
                "{} không thể trực thuộc {}.",
                req.kind.label_vi(),
                parent_kind.map_or("cấp cao nhất", |k| k.label_vi())
            ),
            format!(
                "A {} cannot sit under {}.",
                req.kind.label_en().to_lowercase(),
                parent_kind.map_or("the top level".to_string(), |k| format!(
                    "a {}",
                    k.label_en().to_lowercase()
                ))
            ),
        ));
    }
    let org = state
        .store
        .create_organization(req.parent_id, req.kind, &name)
        .await?;
    Ok((StatusCode::CREATED, ApiJson(org)))
}
