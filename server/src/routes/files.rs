//! The documents of a meeting's agenda items (tài liệu sinh hoạt): uploaded
//! as a raw body, streamed into the database in chunks while the size is
//! counted, typed from the content (`shared::files::sniff`); listed with what
//! each reader opened and, for those who prepare them, how many members did;
//! downloaded as attachments, streamed back chunk by chunk.
//! (`crate::documents` is the minutes' .docx, not this.)

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::meetings::visible_meeting;
use crate::routes::now_local;
use crate::routes::stream::{self, Chunks, STALE_UPLOAD_HOURS};
use crate::state::AppState;
use crate::storage::{FileOpen, StoredFile};
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use shared::access::Access;
use shared::files::{self, FileError, FileId, MAX_FILES_PER_ITEM, MeetingFile, MeetingFiles};
use shared::meeting::Meeting;
use shared::member::Member;
use shared::{ErrorBody, MemberId};
use std::collections::HashSet;

/// The document lead time (HD 42) of the rules that apply to the meeting's
/// cell on its day.
async fn lead_days(state: &AppState, meeting: &Meeting) -> ApiResult<u32> {
    let rules = crate::rulesets::for_org(
        &state.store,
        meeting.cell_id,
        meeting.draft.starts_at.date(),
    )
    .await?;
    Ok(rules.schedule.document_lead_days.value)
}

/// The reader's member record in the meeting's cell, if any.
fn me_in(user: &CurrentUser, meeting: &Meeting) -> Option<MemberId> {
    user.actor
        .seat
        .filter(|s| s.cell_id == meeting.cell_id)
        .map(|s| s.member_id)
}

fn may_upload(user: &CurrentUser, meeting: &Meeting, access: Access, index: u32) -> bool {
    meeting
        .draft
        .agenda
        .get(index as usize)
        .is_some_and(|item| {
            files::may_upload(
                access,
                me_in(user, meeting),
                meeting.draft.chair_id,
                meeting.draft.secretary_id,
                item,
                meeting.status,
            )
            .is_ok()
        })
}

fn may_delete(user: &CurrentUser, meeting: &Meeting, access: Access, index: u32) -> bool {
    meeting
        .draft
        .agenda
        .get(index as usize)
        .is_some_and(|item| {
            files::may_delete(
                access,
                me_in(user, meeting),
                meeting.draft.chair_id,
                meeting.draft.secretary_id,
                item,
                meeting.status,
            )
            .is_ok()
        })
}

/// How a file looks to this reader. `roll` is the cell's members on the roll;
/// `opens` every download of the meeting's files.
fn view(
    user: &CurrentUser,
    meeting: &Meeting,
    access: Access,
    f: StoredFile,
    opens: &[FileOpen],
    roll: &HashSet<MemberId>,
    lead_days: u32,
) -> MeetingFile {
    let mine = opens
        .iter()
        .any(|o| o.file == f.id && o.account == user.account.id);
    let counted = may_upload(user, meeting, access, f.item_index).then(|| {
        let n = opens
            .iter()
            .filter(|o| o.file == f.id && o.member.is_some_and(|m| roll.contains(&m)))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    });
    MeetingFile {
        id: f.id,
        meeting_id: f.meeting,
        item_index: f.item_index,
        late: files::is_late(f.uploaded_at, meeting.draft.starts_at, lead_days),
        deletable: may_delete(user, meeting, access, f.item_index),
        name: f.name,
        kind: f.kind,
        size: f.size,
        uploaded_at: f.uploaded_at,
        uploaded_by: f.uploader_name,
        opened_by_me: mine,
        opened_count: counted,
    }
}

fn roll_of(members: &[Member]) -> HashSet<MemberId> {
    members
        .iter()
        .filter(|m| m.draft.status.on_roll())
        .map(|m| m.id)
        .collect()
}

/// Documents uploaded late for a meeting (for its own answer).
pub async fn late_count(state: &AppState, meeting: &Meeting) -> ApiResult<u32> {
    let lead = lead_days(state, meeting).await?;
    let n = state
        .store
        .meeting_files(meeting.id)
        .await?
        .iter()
        .filter(|f| files::is_late(f.uploaded_at, meeting.draft.starts_at, lead))
        .count();
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

#[utoipa::path(get, path = "/api/meetings/{id}/files", tag = "files", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingFiles), (status = 404, body = ErrorBody)))]
/// `GET /api/meetings/{id}/files`: a meeting's documents, each marked late or
/// not, opened by the reader or not, and — for those who may add documents to
/// its item — how many members of the cell opened it.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<MeetingFiles>> {
    let (meeting, access) = visible_meeting(&state, &user, id).await?;
    let stored = state.store.meeting_files(meeting.id).await?;
    let opens = state.store.file_opens(meeting.id).await?;
    let roll = roll_of(&state.store.members_of(meeting.cell_id).await?);
    let lead = lead_days(&state, &meeting).await?;
    let files: Vec<MeetingFile> = stored
        .into_iter()
        .map(|f| view(&user, &meeting, access, f, &opens, &roll, lead))
        .collect();
    let late = files.iter().filter(|f| f.late).count();
    let uploadable_items = (0..meeting.draft.agenda.len())
        .filter_map(|i| u32::try_from(i).ok())
        .filter(|&i| may_upload(&user, &meeting, access, i))
        .collect();
    Ok(ApiJson(MeetingFiles {
        files,
        late_count: u32::try_from(late).unwrap_or(u32::MAX),
        deadline: files::deadline(meeting.draft.starts_at.date(), lead),
        uploadable_items,
        members_on_roll: u32::try_from(roll.len()).unwrap_or(u32::MAX),
    }))
}

/// The file's name, percent-encoded in the address.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The name the file had on the uploader's device (kept for the download;
    /// the type is told from the content, not from this name).
    pub name: String,
}

/// A meeting document's chunk rows.
#[derive(Clone)]
struct MeetingChunks {
    store: crate::storage::Store,
    file: FileId,
}

#[async_trait::async_trait]
impl Chunks for MeetingChunks {
    async fn put(&self, seq: u32, data: &[u8]) -> crate::storage::Result<()> {
        self.store.put_file_chunk(self.file, seq, data).await
    }

    async fn get(&self, seq: u32) -> crate::storage::Result<Option<Vec<u8>>> {
        self.store.file_chunk(self.file, seq).await
    }
}

#[utoipa::path(post, path = "/api/meetings/{id}/items/{index}/files", tag = "files",
    params(("id" = i64, Path), ("index" = u32, Path, description = "Số thứ tự nội dung trong chương trình, từ 0."), UploadQuery),
    request_body(description = "Nội dung tệp, gửi nguyên dạng nhị phân: PDF, Word (.doc, .docx), Excel (.xls, .xlsx), \
ảnh PNG, JPEG hoặc WebP; tối đa 20 MB (`shared::files::MAX_FILE_BYTES`). Loại tệp được nhận biết từ nội dung.",
        content((Vec<u8> = "application/octet-stream"))),
    responses((status = 201, body = MeetingFile), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Buổi sinh hoạt đã kết thúc, hoặc nội dung đã đủ số tài liệu.", body = ErrorBody),
        (status = 413, description = "Tệp lớn hơn 20 MB.", body = ErrorBody),
        (status = 415, description = "Nội dung tệp không phải loại được nhận.", body = ErrorBody)))]
/// `POST /api/meetings/{id}/items/{index}/files?name=…`: adds a document to
/// an agenda item. The secretary, the chair, the meeting's secretary or the
/// item's preparer; until the meeting is closed.
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, index)): ApiPath<(i64, i64)>,
    req: Request,
) -> ApiResult<(StatusCode, ApiJson<MeetingFile>)> {
    let (meeting, access) = visible_meeting(&state, &user, id).await?;
    let not_found = || ApiError::NotFound("nội dung trong chương trình");
    let index = u32::try_from(index).map_err(|_| not_found())?;
    let item = meeting
        .draft
        .agenda
        .get(index as usize)
        .ok_or_else(not_found)?;
    let item_title = item.title.clone();
    files::may_upload(
        access,
        me_in(&user, &meeting),
        meeting.draft.chair_id,
        meeting.draft.secretary_id,
        item,
        meeting.status,
    )
    .map_err(ApiError::File)?;
    let Query(query) = Query::<UploadQuery>::try_from_uri(req.uri()).map_err(|_| {
        ApiError::BadRequest(crate::error::Text::both(
            "name_missing",
            "Thiếu tên tệp (tham số name).",
            "The file's name is missing (parameter name).",
        ))
    })?;
    stream::refuse_declared_too_large(req.headers())?;
    let existing = state
        .store
        .meeting_files(meeting.id)
        .await?
        .iter()
        .filter(|f| f.item_index == index)
        .count();
    if existing >= MAX_FILES_PER_ITEM {
        return Err(ApiError::File(FileError::TooMany));
    }
    let now = now_local();
    let stale = now - chrono::Duration::hours(STALE_UPLOAD_HOURS);
    // The name is cleaned once the kind is known; until then no one sees it.
    let file = state
        .store
        .begin_file(meeting.id, index, &query.name, user.account.id, now, stale)
        .await?;
    let chunks = MeetingChunks {
        store: state.store.clone(),
        file,
    };
    let (kind, size) = match stream::receive(&chunks, &query.name, req.into_body()).await {
        Ok(done) => done,
        Err(e) => {
            if let Err(cleanup) = state.store.delete_file(file).await {
                tracing::warn!(error = %cleanup, %file, "could not remove a failed upload");
            }
            return Err(e);
        }
    };
    let name = files::clean_name(&query.name, kind);
    state.store.finish_file(file, &name, kind, size).await?;
    tracing::info!(%file, meeting = %meeting.id, size, kind = kind.as_str(), by = %user.account.id, "document uploaded");
    state
        .notify
        .document_posted(&meeting, file.0, &item_title, &name)
        .await;
    let stored = state
        .store
        .meeting_file(file)
        .await?
        .ok_or(ApiError::NotFound("tài liệu"))?;
    let roll = roll_of(&state.store.members_of(meeting.cell_id).await?);
    let lead = lead_days(&state, &meeting).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(view(&user, &meeting, access, stored, &[], &roll, lead)),
    ))
}

/// A file and its meeting, if the user may see the meeting; 404 otherwise.
async fn visible_file(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(StoredFile, Meeting, Access)> {
    let file = state
        .store
        .meeting_file(FileId(id))
        .await?
        .ok_or(ApiError::NotFound("tài liệu"))?;
    let (meeting, access) = visible_meeting(state, user, file.meeting.0)
        .await
        .map_err(|_| ApiError::NotFound("tài liệu"))?;
    Ok((file, meeting, access))
}

#[utoipa::path(get, path = "/api/files/{id}", tag = "files", params(("id" = i64, Path)),
    responses((status = 200, description = "Tệp, tải về dạng đính kèm (Content-Disposition: attachment, tên tệp theo RFC 5987), \
với loại nhận biết từ nội dung.", content_type = "application/octet-stream"),
        (status = 404, body = ErrorBody)))]
/// `GET /api/files/{id}`: downloads a document, for whoever may see its
/// meeting, and records that the reader opened it.
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (file, _, _) = visible_file(&state, &user, id).await?;
    state
        .store
        .record_file_open(file.id, user.account.id, now_local())
        .await?;
    let chunks = MeetingChunks {
        store: state.store.clone(),
        file: file.id,
    };
    stream::attachment(chunks, file.id, file.kind, file.size, &file.name)
}

#[utoipa::path(delete, path = "/api/files/{id}", tag = "files", params(("id" = i64, Path)),
    responses((status = 204, description = "Đã xóa."), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Buổi sinh hoạt đã khai mạc.", body = ErrorBody)))]
/// `DELETE /api/files/{id}`: removes a document, by those who may add it,
/// before the meeting opens.
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let (file, meeting, access) = visible_file(&state, &user, id).await?;
    let item = meeting
        .draft
        .agenda
        .get(file.item_index as usize)
        .ok_or(ApiError::NotFound("nội dung trong chương trình"))?;
    files::may_delete(
        access,
        me_in(&user, &meeting),
        meeting.draft.chair_id,
        meeting.draft.secretary_id,
        item,
        meeting.status,
    )
    .map_err(ApiError::File)?;
    state.store.delete_file(file.id).await?;
    tracing::info!(file = %file.id, meeting = %meeting.id, by = %user.account.id, "document deleted");
    Ok(StatusCode::NO_CONTENT)
}
