use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::{today, visible_org};
use crate::state::AppState;
use axum::extract::{FromRequest, Query, Request, State};
use axum::http::{StatusCode, header};
use shared::access::Access;
use shared::api::{ImportReport, ImportRequest};
use shared::import::{self, Change, FileError};
use shared::member::{Member, MemberDraft};
use shared::org::{OrgKind, Organization};
use shared::{ErrorBody, MemberId, OrgId};

/// A cell the user may see, with its path (root first), or the reason it
/// cannot be used as one.
async fn cell(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    need: Access,
) -> ApiResult<(Organization, Vec<OrgId>)> {
    let (org, path, access) = visible_org(state, user, OrgId(id)).await?;
    if access < need {
        return Err(ApiError::Forbidden);
    }
    if org.kind != OrgKind::Cell {
        // Not a bad request: the list asked for does not exist.
        return Err(ApiError::NotFound(
            "danh sách đảng viên (chỉ chi bộ mới có)",
        ));
    }
    Ok((org, path.iter().map(|o| o.id).collect()))
}

#[utoipa::path(get, path = "/api/organizations/{id}/members", tag = "members", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Member>), (status = 404, body = ErrorBody)))]
/// A cell's members; birth dates and card numbers are null for those who may
/// not see them (`Actor::sees_personal_details`).
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<Vec<Member>>> {
    let (cell, path) = cell(&state, &user, id, Access::Read).await?;
    let members = state.store.members_of(cell.id).await?;
    Ok(ApiJson(
        members
            .into_iter()
            .map(|m| m.as_seen_by(&user.actor, &path))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/organizations/{id}/members", tag = "members", params(("id" = i64, Path)),
    request_body = MemberDraft,
    responses((status = 201, body = Member), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Số thẻ đảng viên đã có trong danh sách."),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(draft): ApiJson<MemberDraft>,
) -> ApiResult<(StatusCode, ApiJson<Member>)> {
    let (cell, _) = cell(&state, &user, id, Access::Manage).await?;
    let draft = draft.normalized();
    draft.validate(today()).map_err(ApiError::Validation)?;
    let member = state.store.create_member(cell.id, &draft).await?;
    super::live::cell_changed(&state, cell.id).await;
    tracing::info!(member = %member.id, cell = %cell.id, by = %user.account.id, "member created");
    Ok((StatusCode::CREATED, ApiJson(member)))
}

/// A member the user may see, with the user's access to the member's cell
/// and the cell's path.
async fn visible_member(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(Member, Access, Vec<OrgId>)> {
    let member = state
        .store
        .member(MemberId(id))
        .await?
        .ok_or(ApiError::NotFound("đảng viên"))?;
    let (_, path, access) = visible_org(state, user, member.cell_id)
        .await
        .map_err(|_| ApiError::NotFound("đảng viên"))?;
    Ok((member, access, path.iter().map(|o| o.id).collect()))
}

#[utoipa::path(get, path = "/api/members/{id}", tag = "members", params(("id" = i64, Path)),
    responses((status = 200, body = Member), (status = 404, body = ErrorBody)))]
/// A member; birth date and card number are null for those who may not see
/// them (`Actor::sees_personal_details`).
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<Member>> {
    let (member, _, path) = visible_member(&state, &user, id).await?;
    Ok(ApiJson(member.as_seen_by(&user.actor, &path)))
}

#[utoipa::path(put, path = "/api/members/{id}", tag = "members", params(("id" = i64, Path)), request_body = MemberDraft,
    responses((status = 200, body = Member), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Số thẻ đảng viên đã có trong danh sách."),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(draft): ApiJson<MemberDraft>,
) -> ApiResult<ApiJson<Member>> {
    let (member, access, _) = visible_member(&state, &user, id).await?;
    if access < Access::Manage {
        return Err(ApiError::Forbidden);
    }
    let draft = draft.normalized();
    draft.validate(today()).map_err(ApiError::Validation)?;
    let updated = state
        .store
        .update_member(member.id, &draft)
        .await?
        .ok_or(ApiError::NotFound("đảng viên"))?;
    tracing::info!(member = %member.id, by = %user.account.id, "member updated");
    super::live::members_changed(&state, &[member.id]).await;
    super::live::cell_changed(&state, updated.cell_id).await;
    Ok(ApiJson(updated))
}

/// `?commit=true` with an .xlsx body: write the changes (a JSON body says it
/// in its own `commit`).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Write the changes when every row is valid; without it, only the preview.
    #[serde(default)]
    pub commit: bool,
}

/// What the body holds, told by its Content-Type and, for a workbook, by its
/// content.
enum ImportFile {
    Csv(String),
    Xlsx(axum::body::Bytes),
}

impl ImportFile {
    async fn from_request(req: Request) -> ApiResult<(ImportFile, bool)> {
        let media_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default();
        // The query is checked whatever the body: a bad `commit` is never ignored.
        let Query(query) = Query::<ImportQuery>::try_from_uri(req.uri()).map_err(|_| {
            ApiError::BadRequest(crate::error::Text::both(
                "bad_commit",
                "Tham số commit phải là true hoặc false.",
                "The parameter commit must be true or false.",
            ))
        })?;
        if media_type == "application/json" {
            let ApiJson(req) = ApiJson::<ImportRequest>::from_request(req, &()).await?;
            if req.csv.len() > import::MAX_FILE_BYTES {
                return Err(ApiError::ImportFile(FileError::TooLarge));
            }
            return Ok((ImportFile::Csv(req.csv), req.commit));
        }
        if media_type != import::XLSX_MEDIA_TYPE && media_type != "application/octet-stream" {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = axum::body::Bytes::from_request(req, &())
            .await
            .map_err(|e| match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::ImportFile(FileError::TooLarge),
                _ => ApiError::BadRequest(crate::error::Text::both(
                    "unreadable_body",
                    "Không đọc được nội dung gửi lên.",
                    "The content sent cannot be read.",
                )),
            })?;
        if bytes.len() > import::MAX_FILE_BYTES {
            return Err(ApiError::ImportFile(FileError::TooLarge));
        }
        // The content decides, never the name or the type the browser guessed.
        if !crate::xlsx::is_xlsx(&bytes) {
            return Err(ApiError::ImportFile(FileError::NotXlsx));
        }
        Ok((ImportFile::Xlsx(bytes), query.commit))
    }
}

#[utoipa::path(post, path = "/api/organizations/{id}/members/import", tag = "members",
    params(("id" = i64, Path), ImportQuery),
    request_body(description = "Danh sách đảng viên: CSV trong JSON (`csv`, `commit`), hoặc tệp Excel \
(.xlsx, trang tính đầu tiên) gửi nguyên dạng nhị phân, `commit` trong địa chỉ. \
Tối đa 1 MB (`shared::import::MAX_FILE_BYTES`) và 2000 dòng (`MAX_ROWS`).",
        content((ImportRequest = "application/json"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses((status = 200, body = ImportReport), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, description = "Tệp quá lớn hoặc quá nhiều dòng.", body = ErrorBody),
        (status = 415, description = "Nội dung không phải JSON hay tệp .xlsx (một tệp zip có xl/workbook.xml).", body = ErrorBody)))]
/// Previews, or with `commit` writes, a cell's members from a CSV text or an
/// .xlsx workbook: the same rows, errors and plan either way; writing only
/// when every row is valid, and again the same file changes nothing.
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    req: Request,
) -> ApiResult<ApiJson<ImportReport>> {
    let (cell, _) = cell(&state, &user, id, Access::Manage).await?;
    let (file, commit) = ImportFile::from_request(req).await?;
    let parsed = match &file {
        ImportFile::Csv(text) => import::parse(text, today()),
        ImportFile::Xlsx(bytes) => crate::xlsx::parse_xlsx(bytes, today()),
    };
    if let Some(e) = parsed.file_error.as_ref().filter(|e| e.is_too_large()) {
        return Err(ApiError::ImportFile(e.clone()));
    }
    let existing = state.store.members_of(cell.id).await?;
    let changes = import::plan(&parsed.rows, &existing);
    let mut create = Vec::new();
    let mut update = Vec::new();
    let mut unchanged = 0u32;
    for change in changes {
        match change {
            Change::Create(d) => create.push(d.clone()),
            Change::Update(m, d) => update.push((m.id, d)),
            Change::Unchanged(_) => unchanged += 1,
        }
    }
    let committed = commit && parsed.errors.is_empty() && !parsed.rows.is_empty();
    if committed {
        state.store.apply_import(cell.id, &create, &update).await?;
        let updated: Vec<MemberId> = update.iter().map(|(id, _)| *id).collect();
        super::live::members_changed(&state, &updated).await;
        super::live::cell_changed(&state, cell.id).await;
        tracing::info!(cell = %cell.id, created = create.len(), updated = update.len(), by = %user.account.id, "members imported");
    }
    Ok(ApiJson(ImportReport {
        rows: parsed.rows,
        errors: parsed
            .errors
            .into_iter()
            .map(|e| e.in_lang(crate::error::request_lang()))
            .collect(),
        to_create: create.len() as u32,
        to_update: update.len() as u32,
        unchanged,
        committed,
    }))
}
