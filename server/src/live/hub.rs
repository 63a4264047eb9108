//! All rooms of this server process, and what other instances tell it.

use super::error::LiveResult;
use super::room::Room;
use crate::storage::{EventWriter, LiveSignal, Store};
use shared::MeetingId;
use shared::meeting::Meeting;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

pub struct LiveHub {
    store: Store,
    writer: EventWriter,
    rooms: Mutex<HashMap<MeetingId, Arc<Room>>>,
    shutdown: watch::Sender<bool>,
}

impl LiveHub {
    /// Starts the group-commit writer for the store's live logs.
    pub fn new(store: Store) -> LiveHub {
        LiveHub {
            writer: EventWriter::start(store.clone()),
            store,
            rooms: Mutex::default(),
            shutdown: watch::channel(false).0,
        }
    }

    /// Tells every socket to close (graceful shutdown).
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
    }

    pub(super) fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Follows other instances' appends (PostgreSQL): the rooms they touch catch
    /// up from the database and fan the events out to this instance's sockets.
    pub fn follow(self: &Arc<Self>, mut signals: tokio::sync::mpsc::Receiver<LiveSignal>) {
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
                    }
                };
                for (room, seq) in rooms {
                    if let Err(e) = room.sync(seq).await {
                        tracing::warn!(meeting = %room.meeting(), error = %e, "live room could not catch up");
                    }
                }
            }
        });
    }

    /// The meeting's room, loaded from storage on first use.
    pub async fn room(&self, meeting: &Meeting) -> LiveResult<Arc<Room>> {
        if let Some(room) = self
            .rooms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&meeting.id)
        {
            return Ok(room.clone());
        }
        let loaded = Arc::new(Room::load(self.store.clone(), self.writer.clone(), meeting).await?);
        let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        // Another request may have loaded it meanwhile: keep the first.
        Ok(rooms.entry(meeting.id).or_insert(loaded).clone())
    }
}
