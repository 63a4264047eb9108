//! The live meeting on the server. Each meeting being held has one room in
//! memory: its state (rebuilt from the stored log on first use), the hash of its
//! last event, and a broadcast channel. A command is decided with the shared
//! state machine, its events are stored (numbered and hash-chained) before it
//! is acknowledged, and each batch is serialized once and the same bytes are
//! sent to every socket.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::{now_local, visible_org};
use crate::state::AppState;
use crate::storage::{Append, Appended, EventWriter, LiveSignal, NewEvent, StorageError, Store};
use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use shared::live::chain::{self, ChainLink, ChainReport};
use shared::live::minutes::{Minutes, Names};
use shared::live::protocol::{
    ClientMessage, MAX_CATCH_UP_EVENTS, MAX_CLIENT_MESSAGE_BYTES, PROTOCOL_VERSION, Sequenced,
    ServerMessage, decode_client,
};
use shared::live::state::{Caller, Command, Event, LiveState, Phase, Speaker, apply, decide};
use shared::meeting::{Meeting, MeetingStatus};
use shared::rules::RuleSet;
use shared::rules::attendance::RosterEntry;
use shared::{ErrorBody, MeetingId};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// Batches a slow socket may fall behind before it is sent a snapshot instead.
/// A meeting makes a few events a second; each slot costs memory in every room.
const CHANNEL_CAPACITY: usize = 32;
/// Idempotency keys remembered in memory per meeting; the writer checks every
/// key against the database anyway, so this only spares an immediate retry a write.
const RECENT_KEYS: usize = 16;
const MAX_KEY_CHARS: usize = 100;
/// A socket that says nothing this long after connecting is closed.
const HELLO_TIMEOUT: Duration = Duration::from_secs(20);

/// All rooms of this server process.
pub struct LiveHub {
    rooms: Mutex<HashMap<MeetingId, Arc<Room>>>,
    shutdown: watch::Sender<bool>,
    writer: EventWriter,
}

/// A batch of events for the sockets: the last sequence number in it, and its JSON.
#[derive(Clone)]
struct Batch {
    last_seq: u64,
    json: Utf8Bytes,
}

pub struct Room {
    meeting: MeetingId,
    writer: EventWriter,
    inner: tokio::sync::Mutex<RoomState>,
    tx: broadcast::Sender<Batch>,
}

struct RoomState {
    state: LiveState,
    last_hash: String,
    recent_keys: VecDeque<(String, u64)>,
}

impl LiveHub {
    /// Starts the group-commit writer for the store's live logs.
    pub fn new(store: Store) -> LiveHub {
        LiveHub {
            rooms: Mutex::default(),
            shutdown: watch::channel(false).0,
            writer: EventWriter::start(store),
        }
    }

    /// Tells every socket to close (graceful shutdown).
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
    }

    /// Follows other instances' appends (PostgreSQL): the rooms they touch catch
    /// up from the database and fan the events out to this instance's sockets.
    pub fn follow(
        self: &Arc<Self>,
        store: Store,
        mut signals: tokio::sync::mpsc::Receiver<LiveSignal>,
    ) {
        let hub = Arc::downgrade(self);
        tokio::spawn(async move {
            while let Some(signal) = signals.recv().await {
                let Some(hub) = hub.upgrade() else { return };
                let rooms: Vec<(Arc<Room>, Option<u64>)> = {
                    let rooms = hub.rooms.lock().unwrap_or_else(|p| p.into_inner());
                    match signal {
                        LiveSignal::Appended { meeting, seq } => rooms
                            .get(&meeting)
                            .map(|r| (r.clone(), Some(seq)))
                            .into_iter()
                            .collect(),
                        LiveSignal::Resync => rooms.values().map(|r| (r.clone(), None)).collect(),
                        LiveSignal::AccountChanged { .. } | LiveSignal::MeetingChanged { .. } => {
                            Vec::new()
                        }
                    }
                };
                for (room, seq) in rooms {
                    if let Err(e) = room.sync(&store, seq).await {
                        tracing::warn!(meeting = %room.meeting, error = %e, "live room could not catch up");
                    }
                }
            }
        });
    }

    /// The meeting's room, loaded from storage on first use.
    pub async fn room(&self, store: &Store, meeting: &Meeting) -> ApiResult<Arc<Room>> {
        if let Some(room) = self
            .rooms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&meeting.id)
        {
            return Ok(room.clone());
        }
        let loaded = Arc::new(load_room(store, self.writer.clone(), meeting).await?);
        let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        // Another request may have loaded it meanwhile: keep the first.
        Ok(rooms.entry(meeting.id).or_insert(loaded).clone())
    }
}

async fn load_room(store: &Store, writer: EventWriter, meeting: &Meeting) -> ApiResult<Room> {
    let roll: Vec<RosterEntry> = store
        .members_of(meeting.cell_id)
        .await?
        .into_iter()
        .filter(|m| m.draft.status.on_roll())
        .map(|m| RosterEntry {
            attached_elsewhere: m.attached_on(meeting.draft.starts_at.date()),
            member_id: m.id,
            full_name: m.draft.full_name,
            status: m.draft.status,
        })
        .collect();
    let mut state = LiveState::new(
        meeting.id,
        meeting.draft.agenda.clone(),
        RuleSet::national_default().meeting_rules(),
        roll,
        meeting.draft.chair_id,
        meeting.draft.secretary_id,
    );
    let mut last_hash = chain::GENESIS.to_string();
    catch_up(store, &mut state, &mut last_hash).await?;
    Ok(Room {
        meeting: meeting.id,
        writer,
        inner: tokio::sync::Mutex::new(RoomState {
            state,
            last_hash,
            recent_keys: VecDeque::new(),
        }),
        tx: broadcast::channel(CHANNEL_CAPACITY).0,
    })
}

/// Applies the stored events after the state's sequence number.
async fn catch_up(
    store: &Store,
    state: &mut LiveState,
    last_hash: &mut String,
) -> ApiResult<Vec<Sequenced>> {
    let mut applied = Vec::new();
    loop {
        let stored = store
            .events_since(state.meeting_id, state.seq, 1000)
            .await?;
        if stored.is_empty() {
            return Ok(applied);
        }
        for e in stored {
            let event: Event = serde_json::from_str(&e.payload)
                .map_err(|err| StorageError::Corrupt(format!("sự kiện số {}: {err}", e.seq)))?;
            apply(state, &event);
            *last_hash = e.hash;
            applied.push(Sequenced { seq: e.seq, event });
        }
    }
}

impl Room {
    /// Decides, stores, applies and broadcasts one command; answers its sender.
    async fn command(
        &self,
        store: &Store,
        caller: Caller,
        account: shared::AccountId,
        key: String,
        command: Command,
    ) -> ServerMessage {
        match self
            .try_command(store, caller, account, &key, command)
            .await
        {
            Ok(Ok(seq)) => ServerMessage::Accepted { key, seq },
            Ok(Err(reason)) => ServerMessage::Rejected {
                key,
                message: reason.to_string(),
                reason,
            },
            Err(e) => {
                tracing::error!(meeting = %self.meeting, error = %e, "live command failed");
                ServerMessage::Deferred {
                    key,
                    message: "Máy chủ chưa lưu được thao tác. Thao tác sẽ được gửi lại.".into(),
                }
            }
        }
    }

    async fn try_command(
        &self,
        store: &Store,
        caller: Caller,
        account: shared::AccountId,
        key: &str,
        command: Command,
    ) -> ApiResult<Result<u64, shared::live::state::Refusal>> {
        let mut inner = self.inner.lock().await;
        // Keys are each account's own: another participant may pick the same.
        let key_of_account = format!("{}:{key}", account.0);
        if let Some((_, seq)) = inner.recent_keys.iter().find(|(k, _)| *k == key_of_account) {
            return Ok(Ok(*seq));
        }
        // Another server instance may have appended first: catch up and decide again.
        for _ in 0..3 {
            let events = match decide(&inner.state, caller, &command, now_local()) {
                Ok(events) => events,
                // A retry of a command applied before this room was loaded may be
                // refused now (a second vote, say): its stored key says it was accepted.
                Err(reason) => {
                    return match store.command_seq(self.meeting, account, key).await? {
                        Some(seq) => Ok(Ok(seq)),
                        None => Ok(Err(reason)),
                    };
                }
            };
            if events.is_empty() {
                return Ok(Ok(inner.state.seq));
            }
            let base = inner.state.seq;
            let mut prev = inner.last_hash.clone();
            let mut new = Vec::with_capacity(events.len());
            for (i, e) in events.iter().enumerate() {
                let seq = base + i as u64 + 1;
                let payload =
                    serde_json::to_string(e).map_err(|e| ApiError::Internal(Box::new(e)))?;
                let hash = chain::link(&prev, self.meeting.0, seq, &payload);
                prev.clone_from(&hash);
                new.push(NewEvent { seq, payload, hash });
            }
            let before = status_of(inner.state.phase);
            let after = events.iter().fold(before, |s, e| match e {
                Event::Opened { .. } => MeetingStatus::Live,
                Event::Closed { .. } => MeetingStatus::Closed,
                _ => s,
            });
            let append = Append {
                meeting: self.meeting,
                command_key: key.to_string(),
                account,
                at: now_local(),
                events: new,
                status: (after != before).then_some(after),
                sealed_ballot: None,
            };
            match self.writer.append(append).await? {
                Appended::Stored => {}
                Appended::AlreadyApplied(seq) => {
                    remember(&mut inner.recent_keys, &key_of_account, seq);
                    return Ok(Ok(seq));
                }
                Appended::Conflict => {
                    let RoomState {
                        state, last_hash, ..
                    } = &mut *inner;
                    let missed = catch_up(store, state, last_hash).await?;
                    self.broadcast(state, missed);
                    continue;
                }
            }
            let mut sequenced = Vec::with_capacity(events.len());
            for (i, e) in events.into_iter().enumerate() {
                apply(&mut inner.state, &e);
                sequenced.push(Sequenced {
                    seq: base + i as u64 + 1,
                    event: e,
                });
            }
            inner.last_hash = prev;
            let seq = inner.state.seq;
            remember(&mut inner.recent_keys, &key_of_account, seq);
            self.broadcast(&inner.state, sequenced);
            return Ok(Ok(seq));
        }
        Err(ApiError::Conflict("Máy chủ chưa lưu được thao tác; thao tác sẽ được gửi lại.".into()))
    }

    /// Serializes once; every socket sends the same bytes.
    fn broadcast(&self, state: &LiveState, events: Vec<Sequenced>) {
        let Some(last_seq) = events.last().map(|e| e.seq) else {
            return;
        };
        let events = events
            .into_iter()
            .map(|s| Sequenced {
                seq: s.seq,
                event: s.event.for_participants(state),
            })
            .collect();
        match serde_json::to_string(&ServerMessage::Events { events }) {
            Ok(json) => {
                // No receiver is fine: nobody is connected.
                let _ = self.tx.send(Batch {
                    last_seq,
                    json: json.into(),
                });
            }
            Err(e) => tracing::error!(error = %e, "could not serialize events"),
        }
    }

    /// Reads events another instance stored (up to `seq`, or all) and sends them out.
    async fn sync(&self, store: &Store, seq: Option<u64>) -> ApiResult<()> {
        let mut inner = self.inner.lock().await;
        if seq.is_some_and(|s| inner.state.seq >= s) {
            return Ok(());
        }
        let RoomState {
            state, last_hash, ..
        } = &mut *inner;
        let missed = catch_up(store, state, last_hash).await?;
        self.broadcast(state, missed);
        Ok(())
    }

    /// What a (re)connecting client needs: the events it missed, or a snapshot.
    async fn welcome(
        &self,
        store: &Store,
        caller: Caller,
        last_seq: Option<u64>,
    ) -> ApiResult<(ServerMessage, u64)> {
        let inner = self.inner.lock().await;
        let now = inner.state.seq;
        let missed = match last_seq {
            Some(seen) if seen <= now && now - seen <= MAX_CATCH_UP_EVENTS => {
                let stored = store
                    .events_since(self.meeting, seen, MAX_CATCH_UP_EVENTS as i64)
                    .await?;
                let mut events = Vec::with_capacity(stored.len());
                for e in stored.into_iter().filter(|e| e.seq <= now) {
                    let event: Event = serde_json::from_str(&e.payload).map_err(|err| {
                        StorageError::Corrupt(format!("sự kiện số {}: {err}", e.seq))
                    })?;
                    events.push(Sequenced {
                        seq: e.seq,
                        event: event.for_participants(&inner.state),
                    });
                }
                Some(events)
            }
            _ => None,
        };
        let message = match missed {
            Some(events) => ServerMessage::Welcome {
                version: PROTOCOL_VERSION,
                you: caller,
                snapshot: None,
                events,
            },
            None => ServerMessage::Welcome {
                version: PROTOCOL_VERSION,
                you: caller,
                snapshot: Some(Box::new(inner.state.for_participants())),
                events: Vec::new(),
            },
        };
        Ok((message, now))
    }

    async fn snapshot(&self) -> (ServerMessage, u64) {
        let inner = self.inner.lock().await;
        (
            ServerMessage::Snapshot {
                state: Box::new(inner.state.for_participants()),
            },
            inner.state.seq,
        )
    }
}

/// Keeps the last few keys, so an immediate retry is answered without a write.
fn remember(keys: &mut VecDeque<(String, u64)>, key: &str, seq: u64) {
    if keys.len() >= RECENT_KEYS {
        keys.pop_front();
    }
    keys.push_back((key.to_string(), seq));
}

fn status_of(phase: Phase) -> MeetingStatus {
    match phase {
        Phase::NotStarted => MeetingStatus::Scheduled,
        Phase::InProgress => MeetingStatus::Live,
        Phase::Closed => MeetingStatus::Closed,
    }
}

/// Who the user is in this meeting: a member of the cell (with the chair's or
/// the secretary's powers), or an upper-level committee member following it.
async fn caller_for(state: &AppState, user: &CurrentUser, meeting: &Meeting) -> ApiResult<Caller> {
    let (_, path, _) = visible_org(state, user, meeting.cell_id)
        .await
        .map_err(|_| ApiError::NotFound("buổi sinh hoạt"))?;
    if let Some(seat) = user.actor.seat.filter(|s| s.cell_id == meeting.cell_id) {
        let chair = match meeting.draft.chair_id {
            Some(c) => c == seat.member_id,
            // No chair named: the cell's secretary chairs, as the Charter has it.
            None => seat.role == shared::member::CellRole::Secretary,
        };
        return Ok(Caller {
            speaker: Speaker::Member(seat.member_id),
            is_chair: chair,
            is_secretary: meeting.draft.secretary_id == Some(seat.member_id),
        });
    }
    let ids: Vec<_> = path.iter().map(|o| o.id).collect();
    let follows = user.actor.assigned_cells.contains(&meeting.cell_id)
        || user.actor.committee_of.iter().any(|c| ids.contains(c));
    if follows {
        Ok(Caller {
            speaker: Speaker::Visitor(user.account.id),
            is_chair: false,
            is_secretary: false,
        })
    } else {
        Err(ApiError::Forbidden)
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
        (status = 404, body = ErrorBody)))]
pub async fn socket(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    let meeting = meeting_of(&state, id).await?;
    let caller = caller_for(&state, &user, &meeting).await?;
    // Checked after the permissions, so a stranger learns nothing from the answer.
    let ws =
        ws.map_err(|_| ApiError::BadRequest("Địa chỉ này chỉ nhận kết nối WebSocket.".into()))?;
    let room = state.live.room(&state.store, &meeting).await?;
    let store = state.store.clone();
    let account = user.account.id;
    // A visitor is named on the record by their account, whatever the client says.
    let visitor_name = matches!(caller.speaker, Speaker::Visitor(_))
        .then(|| user.account.display_name.clone().into_boxed_str());
    let shutdown = state.live.shutdown.subscribe();
    Ok(ws
        // Small buffers: tens of thousands of phones stay connected at once.
        .read_buffer_size(1024)
        .write_buffer_size(0)
        .max_write_buffer_size(1024 * 1024)
        .max_message_size(MAX_CLIENT_MESSAGE_BYTES)
        .max_frame_size(MAX_CLIENT_MESSAGE_BYTES)
        .on_upgrade(move |socket| {
            let who = Who {
                caller,
                account,
                visitor_name,
            };
            run_socket(socket, room, store, who, shutdown)
        }))
}

async fn send(socket: &mut WebSocket, message: &ServerMessage) -> bool {
    match serde_json::to_string(message) {
        Ok(json) => socket.send(Message::Text(json.into())).await.is_ok(),
        Err(_) => false,
    }
}

fn error(code: &str, message: impl Into<String>) -> ServerMessage {
    ServerMessage::Error {
        code: code.into(),
        message: message.into(),
    }
}

/// Who is on the other end of a socket.
struct Who {
    caller: Caller,
    account: shared::AccountId,
    /// The account's name, for a visitor only.
    visitor_name: Option<Box<str>>,
}

/// One task per connected participant, alive for hours: the rare, large
/// futures (welcome, command, snapshot) are boxed so the task itself stays small.
async fn run_socket(
    mut socket: WebSocket,
    room: Arc<Room>,
    store: Store,
    who: Who,
    mut shutdown: watch::Receiver<bool>,
) {
    let Who {
        caller,
        account,
        visitor_name,
    } = who;
    let mut rx = room.tx.subscribe();
    // Events up to here were sent in the welcome; later batches go out as they come.
    let mut sent_up_to: Option<u64> = None;
    let hello_deadline = tokio::time::sleep(HELLO_TIMEOUT);
    tokio::pin!(hello_deadline);
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Binary(_))) => {
                        if !send(&mut socket, &error("bad_message", "Chỉ nhận tin nhắn dạng văn bản (JSON).")).await { break; }
                        continue;
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                let reply = match decode_client(text.as_str()) {
                    Err(message) => error("bad_message", message),
                    Ok(ClientMessage::Ping) => ServerMessage::Pong,
                    Ok(ClientMessage::Hello { version, last_seq }) => {
                        if version != PROTOCOL_VERSION {
                            error("version", format!("Phiên bản giao thức {version} không được hỗ trợ (máy chủ dùng {PROTOCOL_VERSION}). Vui lòng tải lại trang."))
                        } else {
                            match Box::pin(room.welcome(&store, caller, last_seq)).await {
                                Ok((message, seq)) => { sent_up_to = Some(seq); message }
                                Err(e) => { tracing::error!(error = %e, "welcome failed"); break; }
                            }
                        }
                    }
                    Ok(ClientMessage::Command { key, mut command }) => {
                        if let Command::VisitorArrives { name } = &mut command {
                            *name = visitor_name.as_deref().unwrap_or_default().to_string();
                        }
                        if sent_up_to.is_none() {
                            error("hello_first", "Cần gửi lời chào (hello) trước khi gửi thao tác.")
                        } else if key.is_empty() || key.chars().count() > MAX_KEY_CHARS {
                            error("bad_key", "Mã thao tác không hợp lệ.")
                        } else {
                            Box::pin(room.command(&store, caller, account, key, command)).await
                        }
                    }
                };
                if !send(&mut socket, &reply).await { break; }
            }
            batch = rx.recv() => match batch {
                Ok(batch) => {
                    if sent_up_to.is_some_and(|s| batch.last_seq > s) {
                        sent_up_to = Some(batch.last_seq);
                        if socket.send(Message::Text(batch.json)).await.is_err() { break; }
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    // Too slow to keep up: a snapshot, not a disconnect, not a growing queue.
                    if sent_up_to.is_some() {
                        let (message, seq) = Box::pin(room.snapshot()).await;
                        sent_up_to = Some(seq);
                        if !send(&mut socket, &message).await { break; }
                    }
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
            () = &mut hello_deadline, if sent_up_to.is_none() => {
                let _ = send(&mut socket, &error("hello_timeout", "Không nhận được lời chào; kết nối được đóng.")).await;
                break;
            }
            _ = shutdown.changed() => {
                let _ = send(&mut socket, &error("shutting_down", "Máy chủ đang khởi động lại; kết nối sẽ tự nối lại.")).await;
                let _ = socket.send(Message::Close(None)).await;
                break;
            }
        }
    }
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
    let room = state.live.room(&state.store, &meeting).await?;
    let (live, digest) = {
        let inner = room.inner.lock().await;
        (inner.state.clone(), inner.last_hash.clone())
    };
    let mut names = Names {
        committee: path
            .iter()
            .rev()
            .nth(1)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        cell: cell.name,
        visitors: Default::default(),
    };
    let visitors = live
        .turns
        .iter()
        .map(|t| t.speaker)
        .chain(live.opinions.iter().map(|o| o.author))
        .chain(live.queue.iter().copied());
    for s in visitors {
        // Visitors whose arrival is on the record are named by it: no lookup.
        if let Speaker::Visitor(a) = s
            && live.visitor(a).is_none()
            && !names.visitors.contains_key(&a)
            && let Some(acc) = state.store.account(a).await?
        {
            names.visitors.insert(a, acc.display_name);
        }
    }
    let minutes = shared::live::minutes::minutes(&live, &meeting, &names, &digest);
    Ok((meeting, minutes))
}

/// `GET /api/meetings/{id}/minutes`: the minutes as data (a preview while the meeting runs).
#[utoipa::path(get, path = "/api/meetings/{id}/minutes", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = Minutes), (status = 404, body = ErrorBody)))]
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
        return Err(ApiError::Conflict(
            "Biên bản và nghị quyết chỉ xuất được sau khi bế mạc buổi sinh hoạt.".into(),
        ));
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

/// `GET /api/meetings/{id}/resolution.docx`: the resolution as a Word document, once closed.
#[utoipa::path(get, path = "/api/meetings/{id}/resolution.docx", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn resolution_docx(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (meeting, m) = closed_record(&state, &user, id).await?;
    let bytes = crate::documents::resolution_docx(&m, &meeting)
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(docx_response(bytes, &format!("nghi-quyet-{id}.docx")))
}
