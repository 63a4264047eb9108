//! All rooms of this server process, who is connected to them (account →
//! sockets), and what other instances tell it.

use super::error::{Close, LiveResult};
use super::room::{News, Room};
use super::socket::{self, Participant};
use super::{Denied, Gate, LiveConfig};
use crate::media::Media;
use crate::storage::{EventWriter, LiveSignal, Store};
use axum::response::Response;
use shared::live::limits::MAX_SOCKETS_PER_ACCOUNT;
use shared::live::state::{LiveState, Speaker};
use shared::meeting::Meeting;
use shared::{AccountId, MeetingId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, Semaphore, watch};

/// Signals from other instances handled in one round at most.
const MAX_SIGNALS_PER_ROUND: usize = 512;
/// Rooms reading other instances' appends from the database at once: a few
/// of the pool's connections, the rest left to commands.
const READS_AT_ONCE: usize = 4;
/// Sockets whose sessions the periodic check asks about in one go (a few
/// queries each time).
const RECHECK_AT_ONCE: usize = 250;

pub struct LiveHub {
    config: LiveConfig,
    pub(super) store: Store,
    writer: EventWriter,
    gate: Arc<dyn Gate>,
    rooms: Mutex<HashMap<MeetingId, Arc<Room>>>,
    /// Every open socket, by account: what a revocation looks up.
    links: Mutex<HashMap<AccountId, Vec<Arc<Link>>>>,
    next_link: AtomicU64,
    shutdown: watch::Sender<bool>,
    /// The meeting's audio, when the server has it.
    pub(super) media: Option<Media>,
    /// Permits for rooms reading what other instances stored.
    reads: Arc<Semaphore>,
    /// Other instances share the database (`follow` was called).
    shared: AtomicBool,
}

/// A socket as the hub knows it: enough to find it by account, check its
/// session again, and tell it to close.
pub(super) struct Link {
    id: u64,
    meeting: MeetingId,
    account: AccountId,
    /// The hash of the session's token.
    session: Box<str>,
    speaker: Speaker,
    /// Why the socket must close (a `Close`), once decided; 0 while it may stay.
    closing: AtomicU8,
    wake: Notify,
}

impl Link {
    /// Tells the socket to close; the first reason given wins.
    fn close(&self, why: Close) {
        if self
            .closing
            .compare_exchange(0, why.to_u8(), Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            self.wake.notify_one();
        }
    }

    pub(super) fn closing(&self) -> Option<Close> {
        Close::from_u8(self.closing.load(Ordering::Acquire))
    }

    pub(super) async fn woken(&self) {
        self.wake.notified().await;
    }
}

/// A socket's place in a room and in the hub's index, given up when dropped.
pub(super) struct Membership {
    hub: Arc<LiveHub>,
    pub room: Arc<Room>,
    pub link: Arc<Link>,
}

impl Drop for Membership {
    fn drop(&mut self) {
        self.hub.leave(&self.room, &self.link);
    }
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl LiveHub {
    /// Starts the group-commit writer for the store's live logs, and the hub's
    /// housekeeping: idle rooms are freed, sessions are checked again.
    pub fn start(
        store: Store,
        gate: Arc<dyn Gate>,
        config: LiveConfig,
        media: Option<Media>,
    ) -> Arc<LiveHub> {
        let hub = Arc::new(LiveHub {
            writer: EventWriter::start(store.clone()),
            store,
            gate,
            rooms: Mutex::default(),
            links: Mutex::default(),
            next_link: AtomicU64::new(1),
            shutdown: watch::channel(false).0,
            config,
            media,
            reads: Arc::new(Semaphore::new(READS_AT_ONCE)),
            shared: AtomicBool::new(false),
        });
        let sweep_every =
            (hub.config.room_idle / 2).clamp(Duration::from_millis(20), Duration::from_secs(60));
        every(
            &hub,
            sweep_every,
            |hub| async move { hub.free_idle_rooms() },
        );
        every(&hub, hub.config.recheck, |hub| async move {
            let links = hub.all_links();
            // Spread over the period: a steady trickle of queries, not a burst.
            hub.recheck(links, Some(hub.config.recheck)).await;
        });
        hub
    }

    /// The group commit's figures since this instance started.
    pub fn commit_stats(&self) -> crate::storage::CommitStats {
        self.writer.commit_stats()
    }

    /// Tells every socket to close (graceful shutdown).
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
    }

    /// Follows other instances (PostgreSQL): each room this instance holds
    /// is told what they stored, and applies it in order on its own (events
    /// carried whole need no query; others are read back), so one busy room
    /// holds back no other; a lost signal makes every room and every socket
    /// check again. Signals are taken in rounds of what has arrived.
    pub fn follow(self: &Arc<Self>, mut signals: tokio::sync::mpsc::Receiver<LiveSignal>) {
        self.shared.store(true, Ordering::Release);
        let hub = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut round = Vec::with_capacity(MAX_SIGNALS_PER_ROUND);
            while signals.recv_many(&mut round, MAX_SIGNALS_PER_ROUND).await > 0 {
                let Some(hub) = hub.upgrade() else { return };
                let resync = round.iter().any(|s| matches!(s, LiveSignal::Resync));
                let mut changed = Vec::new();
                {
                    let rooms = locked(&hub.rooms);
                    for signal in round.drain(..) {
                        let (meeting, news) = match signal {
                            LiveSignal::Carried { meeting, event } => {
                                (meeting, News::Carried(event))
                            }
                            LiveSignal::Appended { meeting, seq } => (meeting, News::UpTo(seq)),
                            LiveSignal::Resync => continue,
                            other => {
                                changed.push(other);
                                continue;
                            }
                        };
                        if let Some(room) = rooms.get(&meeting) {
                            room.tell(news, &hub.reads);
                        }
                    }
                    if resync {
                        for room in rooms.values() {
                            room.tell(News::Everything, &hub.reads);
                        }
                    }
                }
                if resync {
                    let links = hub.all_links();
                    hub.recheck(links, None).await;
                }
                for signal in changed {
                    match signal {
                        LiveSignal::AccountChanged { account } => {
                            hub.account_changed(account).await
                        }
                        LiveSignal::MeetingChanged { meeting } => {
                            hub.meeting_changed(meeting).await
                        }
                        _ => {}
                    }
                }
            }
        });
    }

    /// The meeting's room, loaded from storage on first use.
    pub async fn room(&self, meeting: &Meeting) -> LiveResult<Arc<Room>> {
        if let Some(room) = locked(&self.rooms).get(&meeting.id) {
            // Handed out: not idle, or the sweep could take it before its socket enters.
            room.touch();
            return Ok(room.clone());
        }
        let loaded = Arc::new(
            Room::load(
                self.store.clone(),
                self.writer.clone(),
                self.config.command_deadline,
                self.media.clone(),
                meeting,
            )
            .await?,
        );
        // Another request may have loaded it meanwhile: keep the first.
        let room = locked(&self.rooms)
            .entry(meeting.id)
            .or_insert_with(|| loaded.clone())
            .clone();
        if Arc::ptr_eq(&room, &loaded) && self.shared.load(Ordering::Acquire) {
            // Other instances' signals while it loaded found no room: read them.
            room.tell(News::Everything, &self.reads);
        }
        Ok(room)
    }

    /// The meeting's state and the hash of its last event, for the minutes and
    /// documents: from its room if one is in memory, else from storage without
    /// keeping a room (a closed meeting's record is read long after).
    pub async fn record(&self, meeting: &Meeting) -> LiveResult<(LiveState, String)> {
        let room = locked(&self.rooms).get(&meeting.id).cloned();
        match room {
            Some(room) => Ok(room.current().await),
            None => Room::read(&self.store, meeting).await,
        }
    }

    /// Completes a WebSocket upgrade into the room: the socket lives until it
    /// closes, its rights end or the server shuts down.
    pub fn accept(
        self: &Arc<Self>,
        ws: super::LiveUpgrade,
        room: Arc<Room>,
        who: Participant,
    ) -> Response {
        let hub = self.clone();
        // A closure giving `run`'s future, not an async block around it: the
        // block would keep its own copies of the socket and the participant
        // for the socket's whole life.
        socket::upgrade(ws, move |ws| {
            let membership = hub.enter(room, &who);
            let shutdown = hub.shutdown.subscribe();
            let timings = (hub.config.heartbeat, hub.config.silent_peer);
            socket::run(ws, membership, who, shutdown, timings)
        })
    }

    /// Registers a socket in its room and under its account. Beyond
    /// `MAX_SOCKETS_PER_ACCOUNT` to one meeting, the oldest are told to close:
    /// a reload always gets in, a script opening sockets gains nothing.
    fn enter(self: &Arc<Self>, room: Arc<Room>, who: &Participant) -> Membership {
        let room = self.hold_room(room);
        let meeting = room.meeting();
        let link = Arc::new(Link {
            id: self.next_link.fetch_add(1, Ordering::Relaxed),
            meeting,
            account: who.account,
            session: who.session.clone(),
            speaker: who.speaker,
            closing: AtomicU8::new(0),
            wake: Notify::new(),
        });
        {
            let mut links = locked(&self.links);
            let mine = links.entry(who.account).or_default();
            mine.push(link.clone());
            let open: Vec<&Arc<Link>> = mine
                .iter()
                .filter(|l| l.meeting == meeting && l.closing().is_none())
                .collect();
            for old in open
                .iter()
                .take(open.len().saturating_sub(MAX_SOCKETS_PER_ACCOUNT))
            {
                old.close(Close::Replaced);
            }
        }
        Membership {
            hub: self.clone(),
            room,
            link,
        }
    }

    /// Counts one more presence in the room (a socket, a relayed audio
    /// peer), so the sweep keeps it; the room as the hub holds it.
    pub(super) fn hold_room(&self, room: Arc<Room>) -> Arc<Room> {
        let meeting = room.meeting();
        let (room, returned) = {
            let mut rooms = locked(&self.rooms);
            let returned = !rooms.contains_key(&meeting);
            // Normally the same room; if it was freed meanwhile, it is back.
            let room = rooms.entry(meeting).or_insert(room).clone();
            room.joined();
            (room, returned)
        };
        if returned {
            // Out of the hub, it heard no other instance: catch up.
            room.tell(News::Everything, &self.reads);
        }
        room
    }

    /// The end of a presence `hold_room` counted.
    pub(super) fn release_room(&self, room: &Room) {
        // Under the rooms' lock, so the sweep sees the count and the time together.
        let _rooms = locked(&self.rooms);
        room.left();
    }

    fn leave(&self, room: &Room, link: &Link) {
        {
            let mut links = locked(&self.links);
            if let Some(mine) = links.get_mut(&link.account) {
                mine.retain(|l| l.id != link.id);
                if mine.is_empty() {
                    links.remove(&link.account);
                }
            }
        }
        self.release_room(room);
    }

    /// Drops the rooms nobody has been connected to for `room_idle`.
    fn free_idle_rooms(&self) {
        let idle = self.config.room_idle;
        locked(&self.rooms).retain(|_, room| !room.idle_for(idle));
    }

    /// An account's rights may have changed (logout, password, disabled, moved
    /// out of the cell): its sockets check their session again, and those no
    /// longer allowed are closed before this returns.
    /// A meeting's registration or its cell's members changed: its room, if
    /// this instance holds it and the meeting has not opened, follows.
    pub async fn meeting_changed(&self, meeting: MeetingId) {
        let room = locked(&self.rooms).get(&meeting).cloned();
        if let Some(room) = room
            && let Err(e) = room.records_changed().await
        {
            tracing::warn!(%meeting, error = %e, "live room could not follow its records");
        }
    }

    pub async fn account_changed(&self, account: AccountId) {
        let links = locked(&self.links)
            .get(&account)
            .cloned()
            .unwrap_or_default();
        self.recheck(links, None).await;
    }

    fn all_links(&self) -> Vec<Arc<Link>> {
        locked(&self.links).values().flatten().cloned().collect()
    }

    /// Asks the gate about the sockets' sessions, `RECHECK_AT_ONCE` at a
    /// time, and closes those whose answer changed; `spread` spaces the
    /// rounds out over that long.
    async fn recheck(&self, links: Vec<Arc<Link>>, spread: Option<Duration>) {
        let start = tokio::time::Instant::now();
        let rounds = links.len().div_ceil(RECHECK_AT_ONCE).max(1);
        let pace = spread.map(|s| s / u32::try_from(rounds).unwrap_or(u32::MAX));
        for (i, round) in links.chunks(RECHECK_AT_ONCE).enumerate() {
            if let Some(pace) = pace {
                tokio::time::sleep_until(start + pace * u32::try_from(i).unwrap_or(u32::MAX)).await;
                if *self.shutdown.borrow() {
                    return;
                }
            }
            let open: Vec<&Arc<Link>> = round.iter().filter(|l| l.closing().is_none()).collect();
            let asks: Vec<(&str, MeetingId)> =
                open.iter().map(|l| (&*l.session, l.meeting)).collect();
            let answers = self.gate.admit_all(&asks).await;
            for (link, answer) in open.into_iter().zip(answers) {
                match answer {
                    Ok(speaker) if speaker == link.speaker => {}
                    Ok(_) => link.close(Close::PowersChanged),
                    Err(Denied::SessionEnded) => link.close(Close::SessionEnded),
                    Err(Denied::NotParticipant) => link.close(Close::NotParticipant),
                    Err(Denied::Unknown(e)) => {
                        tracing::warn!(account = %link.account, error = %e, "could not check a live session again");
                    }
                }
            }
        }
    }

    /// The meeting's audio's counters, when the server has audio.
    pub fn media_stats(&self) -> Option<crate::media::MediaStats> {
        self.media.as_ref().map(Media::stats)
    }

    /// Sockets connected to the meeting on this instance.
    pub fn sockets_in(&self, meeting: MeetingId) -> usize {
        locked(&self.rooms).get(&meeting).map_or(0, |r| r.sockets())
    }

    /// Whether this instance holds the meeting's room in memory.
    pub fn has_room(&self, meeting: MeetingId) -> bool {
        locked(&self.rooms).contains_key(&meeting)
    }

    /// The sequence number and hash of the last event of a room in memory.
    pub async fn room_head(&self, meeting: MeetingId) -> Option<(u64, String)> {
        let room = locked(&self.rooms).get(&meeting).cloned()?;
        let (state, hash) = room.current().await;
        Some((state.seq, hash))
    }
}

/// Runs `job` every `period` while the hub lives and is not shut down.
fn every<F, Fut>(hub: &Arc<LiveHub>, period: Duration, job: F)
where
    F: Fn(Arc<LiveHub>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let weak: Weak<LiveHub> = Arc::downgrade(hub);
    let mut shutdown = hub.shutdown.subscribe();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at((Instant::now() + period).into(), period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = shutdown.changed() => return,
            }
            let Some(hub) = weak.upgrade() else { return };
            job(hub).await;
        }
    });
}
