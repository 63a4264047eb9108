//! One meeting being held: its state (rebuilt from the stored log), the hash
//! of its last event, and a broadcast channel. A command is decided with the
//! shared state machine, its events are stored (numbered and hash-chained)
//! before it is acknowledged, and each batch is serialized once: every socket
//! sends the same bytes.

use super::error::LiveResult;
use crate::clock::now_local;
use crate::storage::{Append, Appended, EventWriter, NewEvent, StorageError, Store};
use axum::extract::ws::Utf8Bytes;
use shared::live::chain;
use shared::live::protocol::{MAX_CATCH_UP_EVENTS, PROTOCOL_VERSION, Sequenced, ServerMessage};
use shared::live::state::{Caller, Command, Event, LiveState, Phase, Refusal, apply, decide};
use shared::meeting::{Meeting, MeetingStatus};
use shared::rules::RuleSet;
use shared::rules::attendance::RosterEntry;
use shared::{AccountId, MeetingId};
use std::collections::VecDeque;
use tokio::sync::broadcast;

/// Batches a slow socket may fall behind before it is sent a snapshot instead.
/// A meeting makes a few events a second; each slot costs memory in every room.
const CHANNEL_CAPACITY: usize = 32;
/// Idempotency keys remembered in memory per meeting; the writer checks every
/// key against the database anyway, so this only spares an immediate retry a write.
const RECENT_KEYS: usize = 16;

/// A batch of events for the sockets: the last sequence number in it, and its JSON.
#[derive(Clone)]
pub(super) struct Batch {
    pub last_seq: u64,
    pub json: Utf8Bytes,
}

pub struct Room {
    meeting: MeetingId,
    store: Store,
    writer: EventWriter,
    inner: tokio::sync::Mutex<RoomState>,
    tx: broadcast::Sender<Batch>,
}

struct RoomState {
    state: LiveState,
    last_hash: String,
    recent_keys: VecDeque<(String, u64)>,
}

impl Room {
    /// Builds the meeting's state from its registration and its stored log.
    pub(super) async fn load(
        store: Store,
        writer: EventWriter,
        meeting: &Meeting,
    ) -> LiveResult<Room> {
        let roll: Vec<RosterEntry> = store
            .members_of(meeting.cell_id)
            .await?
            .into_iter()
            .filter(|m| m.draft.status.on_roll())
            .map(|m| RosterEntry {
                member_id: m.id,
                full_name: m.draft.full_name,
                status: m.draft.status,
                attached_elsewhere: false,
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
        catch_up(&store, &mut state, &mut last_hash).await?;
        Ok(Room {
            meeting: meeting.id,
            store,
            writer,
            inner: tokio::sync::Mutex::new(RoomState {
                state,
                last_hash,
                recent_keys: VecDeque::new(),
            }),
            tx: broadcast::channel(CHANNEL_CAPACITY).0,
        })
    }

    pub fn meeting(&self) -> MeetingId {
        self.meeting
    }

    pub(super) fn subscribe(&self) -> broadcast::Receiver<Batch> {
        self.tx.subscribe()
    }

    /// The whole state and the hash of its last event (minutes, documents).
    pub async fn current(&self) -> (LiveState, String) {
        let inner = self.inner.lock().await;
        (inner.state.clone(), inner.last_hash.clone())
    }

    /// Decides, stores, applies and broadcasts one command; the answer for its sender.
    pub(super) async fn command(
        &self,
        caller: Caller,
        account: AccountId,
        key: String,
        command: Command,
    ) -> ServerMessage {
        match self.try_command(caller, account, &key, command).await {
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
        caller: Caller,
        account: AccountId,
        key: &str,
        command: Command,
    ) -> LiveResult<Result<u64, Refusal>> {
        let mut inner = self.inner.lock().await;
        if let Some((_, seq)) = inner.recent_keys.iter().find(|(k, _)| k == key) {
            return Ok(Ok(*seq));
        }
        // Another server instance may have appended first: catch up and decide again.
        for _ in 0..3 {
            let events = match decide(&inner.state, caller, &command, now_local()) {
                Ok(events) => events,
                // A retry of a command applied before this room was loaded may be
                // refused now (a second vote, say): its stored key says it was accepted.
                Err(reason) => {
                    return match self.store.command_seq(self.meeting, key).await? {
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
                let payload = serde_json::to_string(e)?;
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
            };
            match self.writer.append(append).await? {
                Appended::Stored => {}
                Appended::AlreadyApplied(seq) => {
                    remember(&mut inner.recent_keys, key, seq);
                    return Ok(Ok(seq));
                }
                Appended::Conflict => {
                    let RoomState {
                        state, last_hash, ..
                    } = &mut *inner;
                    let missed = catch_up(&self.store, state, last_hash).await?;
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
            remember(&mut inner.recent_keys, key, seq);
            self.broadcast(&inner.state, sequenced);
            return Ok(Ok(seq));
        }
        Err(StorageError::Batch("ba lần liền bị máy chủ khác ghi trước".into()).into())
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
    pub(super) async fn sync(&self, seq: Option<u64>) -> LiveResult<()> {
        let mut inner = self.inner.lock().await;
        if seq.is_some_and(|s| inner.state.seq >= s) {
            return Ok(());
        }
        let RoomState {
            state, last_hash, ..
        } = &mut *inner;
        let missed = catch_up(&self.store, state, last_hash).await?;
        self.broadcast(state, missed);
        Ok(())
    }

    /// What a (re)connecting client needs: the events it missed, or a snapshot;
    /// and the sequence number it is up to after it.
    pub(super) async fn welcome(
        &self,
        caller: Caller,
        last_seq: Option<u64>,
    ) -> LiveResult<(ServerMessage, u64)> {
        let inner = self.inner.lock().await;
        let now = inner.state.seq;
        let missed = match last_seq {
            Some(seen) if seen <= now && now - seen <= MAX_CATCH_UP_EVENTS => {
                let stored = self
                    .store
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

    /// The whole state, for a socket that fell behind the broadcast.
    pub(super) async fn snapshot(&self) -> (ServerMessage, u64) {
        let inner = self.inner.lock().await;
        (
            ServerMessage::Snapshot {
                state: Box::new(inner.state.for_participants()),
            },
            inner.state.seq,
        )
    }
}

/// Applies the stored events after the state's sequence number.
async fn catch_up(
    store: &Store,
    state: &mut LiveState,
    last_hash: &mut String,
) -> LiveResult<Vec<Sequenced>> {
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
