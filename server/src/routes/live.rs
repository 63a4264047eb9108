//! The live meeting's HTTP side: the WebSocket upgrade (who may join, as whom),
//! the hash chain's verification, the minutes and the documents. The meeting
//! itself runs in `crate::live`.

use crate::auth::{self, CurrentUser};
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::live::{Denied, Gate, LiveUpgrade, NotWebSocket, Participant};
use crate::media::MediaStats;
use crate::routes::{visible_on_path, visible_org};
use crate::state::AppState;
use crate::storage::{CommitStats, LiveSignal, Store};
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::response::Response;
use shared::live::chain::{self, ChainLink, ChainReport};
use shared::live::minutes::{Minutes, Names};
use shared::live::state::Speaker;
use shared::meeting::{Meeting, MeetingStatus};
use shared::org::Organization;
use shared::{AccountId, ErrorBody, MeetingId, MemberId, OrgId};
use std::collections::HashMap;

/// Who the user is in this meeting: a member of the cell, or an upper-level
/// committee member following it. Their powers there (chair, secretary,
/// counter) come from the meeting's state (`LiveState::caller`).
async fn speaker_for(store: &Store, user: &CurrentUser, meeting: &Meeting) -> ApiResult<Speaker> {
    speaker_on_path(user, meeting, store.org_path(meeting.cell_id).await?)
}

/// `speaker_for` given the path of the meeting's cell (root first).
fn speaker_on_path(
    user: &CurrentUser,
    meeting: &Meeting,
    path: Vec<Organization>,
) -> ApiResult<Speaker> {
    let (_, path, _) =
        visible_on_path(user, path).map_err(|_| ApiError::NotFound("buổi sinh hoạt"))?;
    if let Some(seat) = user.actor.seat.filter(|s| s.cell_id == meeting.cell_id) {
        return Ok(Speaker::Member(seat.member_id));
    }
    let ids: Vec<_> = path.iter().map(|o| o.id).collect();
    let follows = user.actor.assigned_cells.contains(&meeting.cell_id)
        || user.actor.committee_of.iter().any(|c| ids.contains(c));
    if follows {
        Ok(Speaker::Visitor(user.account.id))
    } else {
        Err(ApiError::Forbidden)
    }
}

/// The hub's questions about a socket's session, answered as the upgrade
/// answered them: session → account → seat → speaker.
pub struct SessionGate {
    store: Store,
}

impl SessionGate {
    pub fn new(store: Store) -> SessionGate {
        SessionGate { store }
    }
}

impl SessionGate {
    /// One socket's answer, read as the upgrade reads it (a few queries): the
    /// reference `admit_all` must agree with.
    pub async fn admit(&self, session: &str, meeting: MeetingId) -> Result<Speaker, Denied> {
        let user = auth::user_of_session(&self.store, session.to_string())
            .await
            .map_err(session_denied)?;
        let meeting = match self.store.meeting(meeting).await {
            Ok(Some(m)) => m,
            Ok(None) => return Err(Denied::NotParticipant),
            Err(e) => return Err(unknown(e.into())),
        };
        participant(speaker_for(&self.store, &user, &meeting).await)
    }

    async fn read_all(
        &self,
        asks: &[(&str, MeetingId)],
    ) -> Result<Vec<Result<Speaker, Denied>>, ApiError> {
        // Repeats in the storage's `IN` lists match each row once.
        let sessions: Vec<&str> = asks.iter().map(|(s, _)| *s).collect();
        let meetings: Vec<MeetingId> = asks.iter().map(|(_, m)| *m).collect();
        let users: HashMap<String, Result<CurrentUser, Denied>> = self
            .store
            .session_facts(&sessions, auth::now_secs())
            .await?
            .into_iter()
            .map(|(s, facts)| {
                let user = auth::user_from_facts(s.clone(), facts).map_err(session_denied);
                (s, user)
            })
            .collect();
        let meetings: HashMap<MeetingId, Meeting> = self
            .store
            .meetings_by_id(&meetings)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let cells: Vec<OrgId> = meetings.values().map(|m| m.cell_id).collect();
        let orgs: HashMap<OrgId, Organization> = self
            .store
            .org_ancestry(&cells)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        Ok(asks
            .iter()
            .map(|(session, meeting)| {
                // A session ended or expired is not among the facts.
                let user = match users.get(*session) {
                    Some(user) => user.as_ref().map_err(Clone::clone)?,
                    None => return Err(Denied::SessionEnded),
                };
                let meeting = meetings.get(meeting).ok_or(Denied::NotParticipant)?;
                participant(speaker_on_path(
                    user,
                    meeting,
                    path_in(&orgs, meeting.cell_id),
                ))
            })
            .collect())
    }
}

#[async_trait::async_trait]
impl Gate for SessionGate {
    async fn admit_all(&self, asks: &[(&str, MeetingId)]) -> Vec<Result<Speaker, Denied>> {
        match self.read_all(asks).await {
            Ok(answers) => answers,
            Err(e) => vec![Err(unknown(e)); asks.len()],
        }
    }
}

fn unknown(e: ApiError) -> Denied {
    Denied::Unknown(format!("{e:?}"))
}

fn session_denied(e: ApiError) -> Denied {
    match e {
        ApiError::Unauthenticated | ApiError::AccountDisabled => Denied::SessionEnded,
        e => unknown(e),
    }
}

fn participant(speaker: ApiResult<Speaker>) -> Result<Speaker, Denied> {
    match speaker {
        Ok(speaker) => Ok(speaker),
        Err(ApiError::NotFound(_) | ApiError::Forbidden) => Err(Denied::NotParticipant),
        Err(e) => Err(unknown(e)),
    }
}

/// An organization's path (root first) among `orgs`, as `Storage::org_path`
/// reads it: empty when it is absent, at most 17 levels.
fn path_in(orgs: &HashMap<OrgId, Organization>, id: OrgId) -> Vec<Organization> {
    let mut path = Vec::new();
    let mut at = Some(id);
    while let Some(org) = at.and_then(|id| orgs.get(&id))
        && path.len() < 17
    {
        path.push(org.clone());
        at = org.parent_id;
    }
    path.reverse();
    path
}

/// An account's sessions or rights changed: its live sockets, on this
/// instance and the others, check again (and close within a second if they
/// may no longer take part). Call after the change is stored.
pub async fn account_changed(state: &AppState, account: AccountId) {
    if let Err(e) = state
        .store
        .publish(LiveSignal::AccountChanged { account })
        .await
    {
        // The other instances' periodic check closes the sockets a little later.
        tracing::error!(%account, error = %e, "could not tell the other instances");
    }
    state.live.account_changed(account).await;
}

/// A meeting's registration changed: before it opens, its participants on
/// every instance see the new registration at once.
pub async fn meeting_changed(state: &AppState, meeting: MeetingId) {
    if let Err(e) = state
        .store
        .publish(LiveSignal::MeetingChanged { meeting })
        .await
    {
        // Their next reconnection or the opening still takes the new records.
        tracing::error!(%meeting, error = %e, "could not tell the other instances");
    }
    state.live.meeting_changed(meeting).await;
}

/// A cell's members changed: its meetings not yet opened follow the roll.
pub async fn cell_changed(state: &AppState, cell: OrgId) {
    let from = crate::clock::now_local() - chrono::Duration::days(366);
    match state.store.upcoming_meetings(&[cell], from, 100).await {
        Ok(meetings) => {
            for m in meetings
                .iter()
                .filter(|m| m.status == MeetingStatus::Scheduled)
            {
                meeting_changed(state, m.id).await;
            }
        }
        Err(e) => tracing::error!(%cell, error = %e, "could not find the cell's meetings"),
    }
}

/// Members' records changed (a status, a role): their accounts' sockets check again.
pub async fn members_changed(state: &AppState, members: &[MemberId]) {
    if members.is_empty() {
        return;
    }
    // Member edits are rare: a scan of the accounts is cheap enough.
    let accounts = match state.store.accounts().await {
        Ok(a) => a,
        Err(e) => {
            // The periodic check closes their sockets a little later.
            tracing::error!(error = %e, "could not find the accounts of changed members");
            return;
        }
    };
    for account in accounts
        .iter()
        .filter(|a| a.member_id.is_some_and(|m| members.contains(&m)))
    {
        account_changed(state, account.id).await;
    }
}

async fn meeting_of(state: &AppState, id: i64) -> ApiResult<Meeting> {
    state
        .store
        .meeting(MeetingId(id))
        .await?
        .ok_or(ApiError::NotFound("buổi sinh hoạt"))
}

/// `GET /api/meetings/{id}/live`: the WebSocket of the live meeting.
#[utoipa::path(get, path = "/api/meetings/{id}/live", tag = "meetings", params(("id" = i64, Path)),
    description = "WebSocket của buổi sinh hoạt (Upgrade: websocket); các tin nhắn: docs/live-protocol.md.",
    responses((status = 101, description = "Chuyển sang WebSocket."),
        (status = 400, body = ErrorBody, description = "Không phải yêu cầu WebSocket."),
        (status = 403, body = ErrorBody, description = "Không phải người dự họp, hoặc trang của nơi khác."),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Buổi sinh hoạt đã được hủy.")))]
pub async fn socket(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ws: Result<LiveUpgrade, NotWebSocket>,
) -> ApiResult<Response> {
    let meeting = meeting_of(&state, id).await?;
    let speaker = speaker_for(&state.store, &user, &meeting).await?;
    if let Some(c) = &meeting.cancelled {
        return Err(ApiError::Conflict(crate::error::Text::both(
            "meeting_cancelled",
            format!(
                "Buổi sinh hoạt đã được hủy (lý do: {}); không mở phòng họp được.",
                c.reason
            ),
            format!(
                "The meeting was cancelled (reason: {}); its room cannot open.",
                c.reason
            ),
        )));
    }
    // Checked after the permissions, so a stranger learns nothing from the answer.
    let ws = websocket_only(ws)?;
    let room = state.live.room(&meeting).await?;
    let who = Participant {
        speaker,
        account: user.account.id,
        session: user.token_hash.into_boxed_str(),
        // A visitor is named on the record by their account, whatever the client says.
        visitor_name: matches!(speaker, Speaker::Visitor(_))
            .then(|| user.account.display_name.clone().into_boxed_str()),
    };
    Ok(state.live.accept(ws, room, who))
}

/// Any upgrade axum or the live socket refuses: one answer for both.
fn websocket_only<W, E>(ws: Result<W, E>) -> ApiResult<W> {
    ws.map_err(|_| NotWebSocket.into())
}

/// `GET /api/live/relay`: the meeting audio's relay between instances
/// sharing one database (`media::cluster`); each offer on it is signed with
/// their shared key, so a browser gets nothing from it.
#[utoipa::path(get, path = "/api/live/relay", tag = "meetings",
    description = "WebSocket giữa các máy chủ dùng chung một cơ sở dữ liệu, chuyển yêu cầu kết nối âm thanh tới máy đang chạy âm thanh của buổi họp; mỗi yêu cầu được ký bằng khoá chung của các máy chủ.",
    responses((status = 101, description = "Chuyển sang WebSocket."),
        (status = 400, body = ErrorBody, description = "Không phải yêu cầu WebSocket.")))]
pub async fn relay(
    State(state): State<AppState>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    let ws = websocket_only(ws)?;
    Ok(state.live.relay(ws))
}

/// What `GET /api/live/stats` answers: the group commit's figures, and the
/// meeting audio's packet counters when the server has audio.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub struct LiveStats {
    /// Transactions committed.
    pub batches: u64,
    /// Commands stored in them.
    pub commands: u64,
    /// How long one commit took, at the median, in ms.
    pub commit_p50_ms: f64,
    /// How long one commit took, at the 99th percentile, in ms.
    pub commit_p99_ms: f64,
    /// The audio's counters since the start; absent without audio.
    pub media: Option<MediaStats>,
}

/// `GET /api/live/stats`: this instance's group commit since it started
/// (how long the live logs' transactions take, with their fsync), for
/// administrators: what the disk adds to every command's latency; and its
/// audio packets received, forwarded and dropped (`scripts/bench-audio`).
#[utoipa::path(get, path = "/api/live/stats", tag = "meetings",
    responses((status = 200, body = LiveStats), (status = 403, body = ErrorBody)))]
pub async fn stats(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<LiveStats>> {
    if !user.actor.can_administer() {
        return Err(ApiError::Forbidden);
    }
    let CommitStats {
        batches,
        commands,
        commit_p50_ms,
        commit_p99_ms,
    } = state.live.commit_stats();
    Ok(ApiJson(LiveStats {
        batches,
        commands,
        commit_p50_ms,
        commit_p99_ms,
        media: state.live.media_stats(),
    }))
}

/// `GET /api/meetings/{id}/verify`: recomputes the hash chain from storage.
#[utoipa::path(get, path = "/api/meetings/{id}/verify", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = ChainReport), (status = 404, body = ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<ChainReport>> {
    let meeting = meeting_of(&state, id).await?;
    visible_org(&state, &user, meeting.cell_id)
        .await
        .map_err(|_| ApiError::NotFound("buổi sinh hoạt"))?;
    let mut links = Vec::new();
    loop {
        let after = links.last().map_or(0, |l: &ChainLink| l.seq);
        let batch = state.store.events_since(meeting.id, after, 5000).await?;
        if batch.is_empty() {
            break;
        }
        links.extend(batch.into_iter().map(|e| ChainLink {
            seq: e.seq,
            payload: e.payload,
            hash: e.hash,
        }));
    }
    Ok(ApiJson(chain::verify(meeting.id.0, &links)))
}

/// The meeting's minutes drawn from its record, with the names the record lacks.
async fn record(state: &AppState, user: &CurrentUser, id: i64) -> ApiResult<(Meeting, Minutes)> {
    let meeting = meeting_of(state, id).await?;
    let (cell, path, _) = visible_org(state, user, meeting.cell_id)
        .await
        .map_err(|_| ApiError::NotFound("buổi sinh hoạt"))?;
    let (live, digest) = state.live.record(&meeting).await?;
    if shared::live::minutes::closed_without_record(&live, &meeting) {
        return Err(no_record());
    }
    // Visitors are named by their recorded arrival; no account is looked up.
    let names = Names {
        committee: path
            .iter()
            .rev()
            .nth(1)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        cell: cell.name,
    };
    let mut register = super::tasks::register(state, &meeting, &live).await?;
    register.advance_opinions = state.store.advance_opinions(meeting.id).await?;
    register.score =
        super::scoring::confirmed_summary(state, &meeting, &live, register.previous_tasks.len())
            .await?;
    let minutes = shared::live::minutes::minutes(&live, &meeting, &names, &register, &digest);
    Ok((meeting, minutes))
}

/// `GET /api/meetings/{id}/minutes`: the minutes as data (a preview while the meeting runs).
#[utoipa::path(get, path = "/api/meetings/{id}/minutes", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = Minutes), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "closed without a live record")))]
pub async fn minutes(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<Minutes>> {
    Ok(ApiJson(record(&state, &user, id).await?.1))
}

fn docx_response(bytes: Vec<u8>, filename: &str) -> Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn closed_record(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(Meeting, Minutes)> {
    let (meeting, minutes) = record(state, user, id).await?;
    if minutes.closed_at.is_none() {
        return Err(ApiError::Conflict(crate::error::Text::both(
            "meeting_not_closed",
            "Biên bản và nghị quyết chỉ xuất được sau khi bế mạc buổi sinh hoạt.",
            "The minutes and resolutions can be exported only after the meeting closes.",
        )));
    }
    Ok((meeting, minutes))
}

/// `GET /api/meetings/{id}/minutes.docx`: the minutes as a Word document, once closed.
#[utoipa::path(get, path = "/api/meetings/{id}/minutes.docx", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn minutes_docx(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (_, m) = closed_record(&state, &user, id).await?;
    let bytes = crate::documents::minutes_docx(&m).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(docx_response(
        bytes,
        &format!("bien-ban-sinh-hoat-{id}.docx"),
    ))
}

/// `GET /api/meetings/{id}/resolution.docx`: the resolution as a Word
/// document, once closed, and only if its vote passed (409 otherwise).
#[utoipa::path(get, path = "/api/meetings/{id}/resolution.docx", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn resolution_docx(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (_, m) = closed_record(&state, &user, id).await?;
    let bytes = crate::documents::resolution_docx(&m).map_err(|e| match e {
        crate::documents::DocumentError::NotPassed => ApiError::Conflict(crate::error::Text::both(
            "not_passed",
            e.to_string(),
            "The resolution was not passed (or not voted on), so it is not issued; the vote's result is in the minutes.",
        )),
        crate::documents::DocumentError::Pack(_) => ApiError::Internal(e.into()),
    })?;
    Ok(docx_response(bytes, &format!("nghi-quyet-{id}.docx")))
}

/// A meeting closed without a live record (entered afterwards): figures only.
pub(crate) fn no_record() -> ApiError {
    ApiError::Conflict(crate::error::Text::both(
        "no_record",
        shared::live::minutes::NO_RECORD,
        "This meeting has ended but has no live minutes in the system: only its figures (attendance, speeches, duration, score).",
    ))
}
