//! A committee's monthly guidance (định hướng sinh hoạt): posted once by the
//! committee with its documents, read by every cell below (an opening is
//! recorded per account), listed for the committee with the cells that opened
//! it or not, and filling the news item of each cell's regular meeting that
//! month. Every judgement is `shared::guidance`'s; the documents go through
//! `stream`, as meetings' documents do.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::files::UploadQuery;
use crate::routes::schedule::{MonthQuery, bad_query, month_of};
use crate::routes::stream::{self, Chunks, STALE_UPLOAD_HOURS};
use crate::routes::{now_local, visible_org};
use crate::state::AppState;
use crate::storage::{Store, StoredGuidance};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use shared::access::Actor;
use shared::files;
use shared::guidance::{
    self, Guidance, GuidanceDraft, GuidanceError, GuidanceFile, GuidanceFileId, GuidanceId,
    GuidanceList, GuidanceReach, MAX_FILES_PER_POST, MAX_POSTS_PER_MONTH,
};
use shared::org::{OrgKind, Organization, path_to};
use shared::{ErrorBody, OrgId};

fn not_found() -> ApiError {
    ApiError::NotFound("định hướng sinh hoạt")
}

/// A post as `user` sees it, with its documents.
fn view(
    actor: &Actor,
    post: StoredGuidance,
    committee_path: &[OrgId],
    files: &[GuidanceFile],
    opened: bool,
) -> Guidance {
    Guidance {
        files: files
            .iter()
            .filter(|f| f.guidance_id == post.id)
            .cloned()
            .collect(),
        manageable: guidance::may_post(actor, committee_path),
        opened_by_me: opened,
        id: post.id,
        committee_id: post.committee_id,
        committee: post.committee,
        title: post.title,
        year: post.year,
        month: post.month,
        text: post.text,
        posted_at: post.posted_at,
        posted_by: post.posted_by,
    }
}

/// The posts that apply to the organization at the end of `path` for a
/// month: its committees' (and its own, for a committee), the upper levels'
/// first, with their documents and whether `user` opened each.
pub(crate) async fn applying(
    store: &Store,
    actor: &Actor,
    path: &[Organization],
    year: i32,
    month: u32,
) -> ApiResult<Vec<Guidance>> {
    let committees: Vec<OrgId> = path
        .iter()
        .filter(|o| guidance::posts_guidance(o.kind))
        .map(|o| o.id)
        .collect();
    let mut posts = store.guidance().of_month(&committees, year, month).await?;
    // Root first: the upper levels' guidance before the committee's own.
    posts.sort_by_key(|p| committees.iter().position(|c| *c == p.committee_id));
    let ids: Vec<GuidanceId> = posts.iter().map(|p| p.id).collect();
    let files = store.guidance().files_of(&ids).await?;
    let opened = store.guidance().opened_by(actor.account_id, &ids).await?;
    Ok(posts
        .into_iter()
        .map(|p| {
            let upto = committees
                .iter()
                .position(|c| *c == p.committee_id)
                .map_or(0, |i| i + 1);
            let is_open = opened.contains(&p.id);
            view(actor, p, &committees[..upto], &files, is_open)
        })
        .collect())
}

/// The ids of the organization's path (root first).
async fn path_ids(store: &Store, id: OrgId) -> ApiResult<Vec<OrgId>> {
    Ok(store.org_path(id).await?.iter().map(|o| o.id).collect())
}

/// A post the user may see (404 otherwise), with its committee's path.
async fn visible_post(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(StoredGuidance, Vec<OrgId>)> {
    let post = state
        .store
        .guidance()
        .get(GuidanceId(id))
        .await?
        .ok_or_else(not_found)?;
    let committee_path = path_ids(&state.store, post.committee_id).await?;
    let actor = &user.actor;
    let mut own = Vec::new();
    let seats = actor
        .seat
        .map(|s| s.cell_id)
        .into_iter()
        .chain(actor.committee_of.iter().copied())
        .chain(actor.assigned_cells.iter().copied());
    for org in seats {
        own.push(path_ids(&state.store, org).await?);
    }
    if guidance::sees(actor, &committee_path, &own) {
        Ok((post, committee_path))
    } else {
        Err(not_found())
    }
}

/// A post the user may see and change (403 when only seen).
async fn managed_post(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(StoredGuidance, Vec<OrgId>)> {
    let (post, path) = visible_post(state, user, id).await?;
    if !guidance::may_post(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    Ok((post, path))
}

async fn full_view(
    state: &AppState,
    user: &CurrentUser,
    post: StoredGuidance,
    path: &[OrgId],
) -> ApiResult<Guidance> {
    let files = state.store.guidance().files_of(&[post.id]).await?;
    let opened = !state
        .store
        .guidance()
        .opened_by(user.account.id, &[post.id])
        .await?
        .is_empty();
    Ok(view(&user.actor, post, path, &files, opened))
}

/// The cells below a committee, by name.
async fn cells_below(store: &Store, committee: OrgId) -> ApiResult<Vec<Organization>> {
    let all = store.organizations().await?;
    let mut cells: Vec<Organization> = all
        .iter()
        .filter(|o| o.kind == OrgKind::Cell && o.id != committee)
        .filter(|o| path_to(&all, o.id).contains(&committee))
        .cloned()
        .collect();
    cells.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cells)
}

#[utoipa::path(get, path = "/api/organizations/{id}/guidance", tag = "guidance",
    params(("id" = i64, Path), MonthQuery),
    description = "Định hướng sinh hoạt áp dụng cho tổ chức trong tháng (mặc định tháng này): \
        của các cấp ủy cấp trên và của chính cấp ủy này.",
    responses((status = 200, body = GuidanceList),
        (status = 400, description = "Năm hoặc tháng không hợp lệ.", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
/// `GET /api/organizations/{id}/guidance?year=&month=`: the month's guidance
/// that applies to an organization the user sees.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    query: Result<Query<MonthQuery>, QueryRejection>,
) -> ApiResult<ApiJson<GuidanceList>> {
    let Query(query) = query.map_err(bad_query)?;
    let (org, path, _) = visible_org(&state, &user, OrgId(id)).await?;
    let month = month_of(query.year, query.month)?;
    let posts = applying(&state.store, &user.actor, &path, month.year, month.month).await?;
    let ids: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    Ok(ApiJson(GuidanceList {
        year: month.year,
        month: month.month,
        may_post: guidance::posts_guidance(org.kind) && guidance::may_post(&user.actor, &ids),
        posts,
    }))
}

#[utoipa::path(post, path = "/api/organizations/{id}/guidance", tag = "guidance",
    params(("id" = i64, Path)), request_body = GuidanceDraft,
    responses((status = 201, body = Guidance),
        (status = 403, description = "Chỉ cấp ủy của tổ chức này được đăng.", body = ErrorBody),
        (status = 404, description = "Không thấy tổ chức, hoặc tổ chức không phải cấp ủy.", body = ErrorBody),
        (status = 409, description = "Cấp ủy đã đăng đủ số định hướng cho tháng này.", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// `POST /api/organizations/{id}/guidance`: the committee posts its guidance
/// for a month; the members of every cell below are told.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(draft): ApiJson<GuidanceDraft>,
) -> ApiResult<(StatusCode, ApiJson<Guidance>)> {
    let (org, path, _) = visible_org(&state, &user, OrgId(id)).await?;
    if !guidance::posts_guidance(org.kind) {
        return Err(ApiError::NotFound("cấp ủy (chi bộ không đăng định hướng)"));
    }
    let ids: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    if !guidance::may_post(&user.actor, &ids) {
        return Err(ApiError::Forbidden);
    }
    let draft = draft.check().map_err(ApiError::Validation)?;
    let existing = state
        .store
        .guidance()
        .of_month(&[org.id], draft.year, draft.month)
        .await?;
    if existing.len() >= MAX_POSTS_PER_MONTH {
        return Err(ApiError::Conflict(crate::error::Text::of(
            &GuidanceError::TooManyPosts,
        )));
    }
    let post = state
        .store
        .guidance()
        .create(org.id, &draft, user.account.id, now_local())
        .await?;
    tracing::info!(guidance = %post.id, committee = %org.id, by = %user.account.id, "guidance posted");
    let cells: Vec<OrgId> = cells_below(&state.store, org.id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    state.notify.guidance_posted(&post, &cells).await;
    let view = full_view(&state, &user, post, &ids).await?;
    Ok((StatusCode::CREATED, ApiJson(view)))
}

#[utoipa::path(get, path = "/api/guidance/{id}", tag = "guidance", params(("id" = i64, Path)),
    responses((status = 200, body = Guidance), (status = 404, body = ErrorBody)))]
/// `GET /api/guidance/{id}`: one post with its documents; records that the
/// reader opened it.
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<Guidance>> {
    let (post, path) = visible_post(&state, &user, id).await?;
    state
        .store
        .guidance()
        .record_open(post.id, user.account.id, now_local())
        .await?;
    Ok(ApiJson(full_view(&state, &user, post, &path).await?))
}

#[utoipa::path(delete, path = "/api/guidance/{id}", tag = "guidance", params(("id" = i64, Path)),
    responses((status = 204, description = "Đã xóa."), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
/// `DELETE /api/guidance/{id}`: the committee removes a post with its documents.
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let (post, _) = managed_post(&state, &user, id).await?;
    if !state.store.guidance().delete(post.id).await? {
        return Err(not_found());
    }
    tracing::info!(guidance = %post.id, by = %user.account.id, "guidance deleted");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/guidance/{id}/reach", tag = "guidance", params(("id" = i64, Path)),
    responses((status = 200, body = GuidanceReach),
        (status = 403, description = "Chỉ cấp ủy này và cấp trên xem được.", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
/// `GET /api/guidance/{id}/reach`: each cell below the committee, opened or
/// not, by whom and when; for the committee and the levels above.
pub async fn reach(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<GuidanceReach>> {
    let (post, path) = visible_post(&state, &user, id).await?;
    if !user.actor.may_urge(&path) {
        return Err(ApiError::Forbidden);
    }
    let cells: Vec<(OrgId, String)> = cells_below(&state.store, post.committee_id)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let opens = state.store.guidance().opens(post.id).await?;
    Ok(ApiJson(guidance::reach(post.id, &cells, &opens)))
}

/// A guidance document's chunk rows.
#[derive(Clone)]
struct GuidanceChunks {
    store: Store,
    file: GuidanceFileId,
}

#[async_trait::async_trait]
impl Chunks for GuidanceChunks {
    async fn put(&self, seq: u32, data: &[u8]) -> crate::storage::Result<()> {
        self.store.guidance().put_chunk(self.file, seq, data).await
    }

    async fn get(&self, seq: u32) -> crate::storage::Result<Option<Vec<u8>>> {
        self.store.guidance().chunk(self.file, seq).await
    }
}

#[utoipa::path(post, path = "/api/guidance/{id}/files", tag = "guidance",
    params(("id" = i64, Path), UploadQuery),
    request_body(description = "Nội dung tệp, gửi nguyên dạng nhị phân: PDF, Word (.doc, .docx), Excel (.xls, .xlsx), \
ảnh PNG, JPEG hoặc WebP; tối đa 20 MB (`shared::files::MAX_FILE_BYTES`). Loại tệp được nhận biết từ nội dung.",
        content((Vec<u8> = "application/octet-stream"))),
    responses((status = 201, body = GuidanceFile), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Định hướng đã đủ số tài liệu.", body = ErrorBody),
        (status = 413, description = "Tệp lớn hơn 20 MB.", body = ErrorBody),
        (status = 415, description = "Nội dung tệp không phải loại được nhận.", body = ErrorBody)))]
/// `POST /api/guidance/{id}/files?name=…`: the committee attaches a document
/// (its resolution, the guidance, an upper level's document).
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    req: Request,
) -> ApiResult<(StatusCode, ApiJson<GuidanceFile>)> {
    let (post, _) = managed_post(&state, &user, id).await?;
    let Query(query) = Query::<UploadQuery>::try_from_uri(req.uri()).map_err(|_| {
        ApiError::BadRequest(crate::error::Text::both(
            "name_missing",
            "Thiếu tên tệp (tham số name).",
            "The file's name is missing (parameter name).",
        ))
    })?;
    stream::refuse_declared_too_large(req.headers())?;
    if state.store.guidance().files_of(&[post.id]).await?.len() >= MAX_FILES_PER_POST {
        return Err(ApiError::Conflict(crate::error::Text::of(
            &GuidanceError::TooManyFiles,
        )));
    }
    let now = now_local();
    let stale = now - chrono::Duration::hours(STALE_UPLOAD_HOURS);
    let file = state
        .store
        .guidance()
        .begin_file(post.id, &query.name, user.account.id, now, stale)
        .await?;
    let chunks = GuidanceChunks {
        store: state.store.clone(),
        file,
    };
    let (kind, size) = match stream::receive(&chunks, &query.name, req.into_body()).await {
        Ok(done) => done,
        Err(e) => {
            if let Err(cleanup) = state.store.guidance().delete_file(file).await {
                tracing::warn!(error = %cleanup, %file, "could not remove a failed upload");
            }
            return Err(e);
        }
    };
    let name = files::clean_name(&query.name, kind);
    state
        .store
        .guidance()
        .finish_file(file, &name, kind, size)
        .await?;
    tracing::info!(%file, guidance = %post.id, size, kind = kind.as_str(), by = %user.account.id, "guidance document uploaded");
    let stored = state
        .store
        .guidance()
        .file(file)
        .await?
        .ok_or(ApiError::NotFound("tài liệu"))?;
    Ok((StatusCode::CREATED, ApiJson(stored)))
}

/// A document of a post the user may see (404 otherwise).
async fn visible_file(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(GuidanceFile, StoredGuidance, Vec<OrgId>)> {
    let file = state
        .store
        .guidance()
        .file(GuidanceFileId(id))
        .await?
        .ok_or(ApiError::NotFound("tài liệu"))?;
    let (post, path) = visible_post(state, user, file.guidance_id.0)
        .await
        .map_err(|_| ApiError::NotFound("tài liệu"))?;
    Ok((file, post, path))
}

#[utoipa::path(get, path = "/api/guidance/files/{id}", tag = "guidance", params(("id" = i64, Path)),
    responses((status = 200, description = "Tệp, tải về dạng đính kèm (Content-Disposition: attachment, tên tệp theo RFC 5987), \
với loại nhận biết từ nội dung.", content_type = "application/octet-stream"),
        (status = 404, body = ErrorBody)))]
/// `GET /api/guidance/files/{id}`: downloads a document of a post; records
/// that the reader opened the post.
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (file, post, _) = visible_file(&state, &user, id).await?;
    state
        .store
        .guidance()
        .record_open(post.id, user.account.id, now_local())
        .await?;
    let chunks = GuidanceChunks {
        store: state.store.clone(),
        file: file.id,
    };
    stream::attachment(chunks, file.id, file.kind, file.size, &file.name)
}

#[utoipa::path(delete, path = "/api/guidance/files/{id}", tag = "guidance", params(("id" = i64, Path)),
    responses((status = 204, description = "Đã xóa."), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
/// `DELETE /api/guidance/files/{id}`: the committee removes a document.
pub async fn delete_file(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let (file, _, path) = visible_file(&state, &user, id).await?;
    if !guidance::may_post(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    state.store.guidance().delete_file(file.id).await?;
    tracing::info!(file = %file.id, by = %user.account.id, "guidance document deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Fills the news item of a meeting being registered in the cell at the end
/// of `path` with the guidance of the meeting's month (`shared::guidance::prefill_news`).
pub(crate) async fn prefill(
    state: &AppState,
    actor: &Actor,
    path: &[Organization],
    draft: &mut shared::meeting::MeetingDraft,
) -> ApiResult<bool> {
    use chrono::Datelike;
    let day = draft.starts_at.date();
    let posts = applying(&state.store, actor, path, day.year(), day.month()).await?;
    Ok(guidance::prefill_news(
        &mut draft.agenda,
        &posts,
        day.year(),
        day.month(),
    ))
}
