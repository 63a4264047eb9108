//! One meeting being held: its state (rebuilt from the stored log), the hash
//! of its last event, and a broadcast channel. A command is decided with the
//! shared state machine, its events are stored (numbered and hash-chained)
//! before it is acknowledged, and each batch is serialized once: every socket
//! sends the same bytes.

use super::error::{LiveError, LiveResult};
use crate::clock::now_local;
use crate::media::{AudioNotice, Media, PeerId};
use crate::storage::SealedBallot;
use crate::storage::{Append, Appended, EventWriter, NewEvent, StorageError, Store};
use shared::live::audio::{AudioRefusal, AudioRoute, Turn, may_join};
use shared::live::chain;
use shared::live::limits::{COMMAND_BURST, COMMANDS_PER_SEC, MAX_CATCH_UP_BYTES};
use shared::live::protocol::{
    Deferral, MAX_CATCH_UP_EVENTS, PROTOCOL_VERSION, Sequenced, ServerMessage,
};
use shared::live::state::{
    Command, Event, LiveState, Phase, Refusal, Setup, Speaker, apply, count_secret_vote, decide,
    sealed_choice,
};
use shared::meeting::{Meeting, MeetingStatus};
use shared::member::CellRole;
use shared::rules::attendance::RosterEntry;
use shared::rules::vote::Ballot;
use shared::{AccountId, MeetingId, OrgId};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, broadcast};
use tungstenite::Utf8Bytes;

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
    /// A new snapshot of a meeting not yet opened (its registration changed):
    /// sent to every socket whatever its sequence number.
    pub refresh: bool,
}

pub struct Room {
    meeting: MeetingId,
    /// The meeting's cell, for the visits its upper-level visitors make.
    cell: OrgId,
    store: Store,
    writer: EventWriter,
    /// How long a command may take to be stored before it is answered `deferred`.
    deadline: Duration,
    inner: tokio::sync::Mutex<RoomState>,
    tx: broadcast::Sender<Batch>,
    presence: Mutex<Presence>,
    /// Each account's command allowance in this meeting, shared by its
    /// sockets: reconnecting does not refill it.
    buckets: Mutex<HashMap<AccountId, Bucket>>,
    /// The meeting's audio, told whenever who is forwarded changes.
    media: Option<Media>,
    /// What other instances stored and this room has yet to apply.
    told: Mutex<Told>,
}

/// What other instances told a room, kept in the order told until one task
/// applies it: rooms never wait for each other, and a room's events are
/// applied in order.
#[derive(Default)]
struct Told {
    /// Events carried whole, in the order they were stored.
    carried: Vec<NewEvent>,
    /// Events up to here were stored: read what was not carried.
    up_to: u64,
    /// Signals may have been lost: read whatever was stored.
    everything: bool,
    /// A task is applying what was told.
    applying: bool,
}

impl Told {
    fn is_empty(&self) -> bool {
        self.carried.is_empty() && self.up_to == 0 && !self.everything
    }
}

/// One thing another instance told a room.
pub(super) enum News {
    Carried(NewEvent),
    UpTo(u64),
    Everything,
}

struct RoomState {
    state: LiveState,
    /// Who the audio forwards, as last told to the media.
    route: AudioRoute,
    last_hash: String,
    /// Idempotency keys are the client's: one per account, not per meeting.
    recent_keys: VecDeque<(AccountId, Box<str>, u64)>,
}

/// Sockets in the room, and since when the count (or a request) last changed.
struct Presence {
    sockets: usize,
    since: Instant,
}

/// A token bucket: `COMMAND_BURST` commands at once, `COMMANDS_PER_SEC` after.
struct Bucket {
    tokens: f32,
    at: Instant,
}

impl Bucket {
    fn take(&mut self, now: Instant) -> bool {
        let refill = now.duration_since(self.at).as_secs_f32() * COMMANDS_PER_SEC as f32;
        self.tokens = (self.tokens + refill).min(COMMAND_BURST as f32);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// What the current records say the meeting is, until it opens: the
/// registration, the cell's roll on the meeting's day, the rules in force,
/// the members excused in advance.
async fn current_setup(store: &Store, meeting: &Meeting) -> LiveResult<Setup> {
    let members = store.members_of(meeting.cell_id).await?;
    // No chair named: the cell's secretary chairs, as the Charter has it.
    let chair = meeting.draft.chair_id.or_else(|| {
        members
            .iter()
            .find(|m| m.draft.role == CellRole::Secretary && m.draft.status.on_roll())
            .map(|m| m.id)
    });
    let roll: Vec<RosterEntry> = members
        .into_iter()
        .filter(|m| m.draft.status.on_roll())
        .map(|m| RosterEntry {
            attached_elsewhere: m.attached_on(meeting.draft.starts_at.date()),
            member_id: m.id,
            full_name: shared::text::clean_trimmed(&m.draft.full_name),
            status: m.draft.status,
        })
        .collect();
    // Xin vắng accepted before the opening: absent with reason on the roll.
    let excused = shared::preparation::excused_marks(&store.absence_requests(meeting.id).await?);
    Ok(Setup {
        excused,
        agenda: meeting.draft.agenda.clone(),
        rules: crate::rulesets::for_org(store, meeting.cell_id, meeting.draft.starts_at.date())
            .await?
            .meeting_rules(),
        roll,
        chair,
        secretary: meeting.draft.secretary_id,
        starts_at: Some(meeting.draft.starts_at),
    })
}

/// The meeting's state and the hash of its last event, from its registration
/// and its stored log.
async fn load_state(store: &Store, meeting: &Meeting) -> LiveResult<(LiveState, String)> {
    let mut state = LiveState::new(meeting.id, current_setup(store, meeting).await?);
    let mut last_hash = chain::GENESIS.to_string();
    catch_up(store, &mut state, &mut last_hash, &mut Vec::new()).await?;
    Ok((state, last_hash))
}

impl Room {
    pub(super) async fn load(
        store: Store,
        writer: EventWriter,
        deadline: Duration,
        media: Option<Media>,
        meeting: &Meeting,
    ) -> LiveResult<Room> {
        let (state, last_hash) = load_state(&store, meeting).await?;
        let route = AudioRoute::of(&state);
        Ok(Room {
            meeting: meeting.id,
            cell: meeting.cell_id,
            store,
            writer,
            deadline,
            inner: tokio::sync::Mutex::new(RoomState {
                state,
                route,
                last_hash,
                recent_keys: VecDeque::new(),
            }),
            tx: broadcast::channel(CHANNEL_CAPACITY).0,
            presence: Mutex::new(Presence {
                sockets: 0,
                since: Instant::now(),
            }),
            buckets: Mutex::default(),
            media,
            told: Mutex::default(),
        })
    }

    /// Tells the media who to forward, if that changed.
    fn follow_route(&self, inner: &mut RoomState) {
        let route = AudioRoute::of(&inner.state);
        if route != inner.route {
            inner.route = route;
            if let Some(media) = &self.media {
                media.route(self.meeting, route);
            }
        }
    }

    /// The room's audio, for a socket's peer guard.
    pub(super) fn media(&self) -> Option<&Media> {
        self.media.as_ref()
    }

    /// Sets up a participant's audio peer for an offer already read. Under
    /// the room's lock, so the media gets this join and the route changes in
    /// the order they happen.
    pub(super) async fn audio_join(
        &self,
        speaker: Speaker,
        offer: str0m::change::SdpOffer,
        notices: tokio::sync::mpsc::UnboundedSender<AudioNotice>,
    ) -> Result<
        (
            PeerId,
            tokio::sync::oneshot::Receiver<Result<String, AudioRefusal>>,
        ),
        AudioRefusal,
    > {
        let media = self.media.as_ref().ok_or(AudioRefusal::Unavailable)?;
        let inner = self.inner.lock().await;
        may_join(&inner.state, speaker)?;
        Ok(media.join(self.meeting, speaker, offer, inner.route, notices))
    }

    /// A meeting's record read from storage, without a room.
    pub(super) async fn read(store: &Store, meeting: &Meeting) -> LiveResult<(LiveState, String)> {
        load_state(store, meeting).await
    }

    pub fn meeting(&self) -> MeetingId {
        self.meeting
    }

    /// Before the opening, takes the current records again (the registration,
    /// the roll, the rules) and, if they changed, sends everyone the new state.
    async fn refresh_locked(&self, inner: &mut RoomState) -> LiveResult<()> {
        if inner.state.phase != Phase::NotStarted {
            return Ok(());
        }
        let Some(meeting) = self.store.meeting(self.meeting).await? else {
            return Ok(());
        };
        let setup = current_setup(&self.store, &meeting).await?;
        if inner.state.refresh(setup) {
            let message = ServerMessage::Snapshot {
                state: Box::new(inner.state.for_participants()),
            };
            match serde_json::to_string(&message) {
                Ok(json) => {
                    let _ = self.tx.send(Batch {
                        last_seq: inner.state.seq,
                        json: json.into(),
                        refresh: true,
                    });
                }
                Err(e) => tracing::error!(error = %e, "could not serialize a snapshot"),
            }
        }
        Ok(())
    }

    /// The registration or the cell's members changed: a meeting not yet
    /// opened follows them at once.
    pub(super) async fn records_changed(&self) -> LiveResult<()> {
        let mut inner = self.inner.lock().await;
        self.refresh_locked(&mut inner).await
    }

    fn presence(&self) -> std::sync::MutexGuard<'_, Presence> {
        self.presence.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn sockets(&self) -> usize {
        self.presence().sockets
    }

    pub(super) fn joined(&self) {
        let mut p = self.presence();
        p.sockets += 1;
        p.since = Instant::now();
    }

    pub(super) fn left(&self) {
        let mut p = self.presence();
        p.sockets = p.sockets.saturating_sub(1);
        p.since = Instant::now();
    }

    /// Marks the room as just used (handed to a request).
    pub(super) fn touch(&self) {
        self.presence().since = Instant::now();
    }

    /// No socket for at least `idle`.
    pub(super) fn idle_for(&self, idle: Duration) -> bool {
        let p = self.presence();
        p.sockets == 0 && p.since.elapsed() >= idle
    }

    /// Takes one of the account's command tokens, if it has one.
    pub(super) fn allow_command(&self, account: AccountId) -> bool {
        let now = Instant::now();
        self.buckets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(account)
            .or_insert(Bucket {
                tokens: COMMAND_BURST as f32,
                at: now,
            })
            .take(now)
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
        speaker: Speaker,
        account: AccountId,
        key: String,
        command: Command,
    ) -> ServerMessage {
        match self.try_command(speaker, account, &key, command).await {
            Ok(Ok(seq)) => ServerMessage::Accepted { key, seq },
            Ok(Err(reason)) => ServerMessage::Rejected {
                key,
                message: reason.to_string(),
                reason,
            },
            Err(e) => {
                tracing::error!(meeting = %self.meeting, error = %e, "live command failed");
                ServerMessage::deferred(key, Deferral::NotStored)
            }
        }
    }

    /// Keeps trying until the command is stored, refused by the rules, or its
    /// deadline passes. Several instances may append to one meeting: the
    /// database settles who got each sequence number, and an instance beaten
    /// to one catches up and decides again (see docs/live-server.md).
    async fn try_command(
        &self,
        speaker: Speaker,
        account: AccountId,
        key: &str,
        command: Command,
    ) -> LiveResult<Result<u64, Refusal>> {
        let deadline = Instant::now() + self.deadline;
        let mut inner = self.inner.lock().await;
        if let Some((_, _, seq)) = inner
            .recent_keys
            .iter()
            .find(|(a, k, _)| *a == account && &**k == key)
        {
            return Ok(Ok(*seq));
        }
        let mut setbacks = 0u32;
        loop {
            let failure = match self
                .attempt(&mut inner, speaker, account, key, &command)
                .await
            {
                Ok(Some(answer)) => return Ok(answer),
                // Beaten by another instance, now caught up: that instance made
                // progress, so this is no fault; decide again.
                Ok(None) => LiveError::Contended,
                Err(e) => {
                    tracing::warn!(meeting = %self.meeting, error = %e, "live command not stored yet; trying again");
                    e
                }
            };
            setbacks += 1;
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(failure);
            }
            // The first retry at once; then a growing, jittered pause, so two
            // instances do not keep colliding in step.
            if setbacks > 1 {
                let cap_ms = 1u64 << setbacks.min(8);
                let pause = Duration::from_millis(rand::random_range(0..=cap_ms));
                tokio::time::sleep(pause.min(left)).await;
            }
        }
    }

    /// One try: `Some` answer, or `None` when another instance stored events
    /// this one had not seen (the state has caught up since).
    async fn attempt(
        &self,
        inner: &mut RoomState,
        speaker: Speaker,
        account: AccountId,
        key: &str,
        command: &Command,
    ) -> LiveResult<Option<Result<u64, Refusal>>> {
        if matches!(command, Command::Open { .. }) {
            // The opening fixes what the records say at this moment.
            self.refresh_locked(inner).await?;
            // A cancelled meeting is never opened.
            if inner.state.phase == Phase::NotStarted {
                let meeting = self.store.meeting(self.meeting).await?;
                if let Some(c) = meeting.and_then(|m| m.cancelled) {
                    return Ok(Some(Err(Refusal::Cancelled { reason: c.reason })));
                }
            }
        }
        let decided = decide(&inner.state, speaker, command, now_local());
        let decided = match decided {
            Ok(mut events) => match self.count_ballot_box(&inner.state, &mut events).await? {
                Ok(()) => Ok(events),
                Err(reason) => Err(reason),
            },
            Err(reason) => Err(reason),
        };
        let events = match decided {
            Ok(events) => events,
            Err(reason) => {
                // Refused on what this instance knows: another one may have
                // stored more (a vote its participant saw opened); decide on that.
                let seq = inner.state.seq;
                self.catch_up(inner).await?;
                if inner.state.seq > seq {
                    return Ok(None);
                }
                // A retry of a command applied before this room was loaded may be
                // refused now (a second vote, say): its stored key says it was accepted.
                return Ok(Some(
                    match self.store.command_seq(self.meeting, account, key).await? {
                        Some(seq) => Ok(seq),
                        None => Err(reason),
                    },
                ));
            }
        };
        if events.is_empty() {
            return Ok(Some(Ok(inner.state.seq)));
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
        let status_changed = after != before;
        let append = Append {
            meeting: self.meeting,
            command_key: key.to_string(),
            account,
            at: now_local(),
            events: new,
            status: (after != before).then_some(after),
            // A secret choice goes into the ballot box, never into the log.
            sealed_ballot: sealed_choice(&inner.state, command).map(|(vote, choice)| {
                SealedBallot {
                    vote: vote as u64,
                    choice,
                }
            }),
        };
        match self.writer.append(append).await? {
            Appended::Stored => {}
            Appended::AlreadyApplied(seq) => {
                // Stored by an earlier try whose answer was lost: make sure the
                // state has it too.
                if seq > inner.state.seq {
                    self.catch_up(inner).await?;
                }
                remember(&mut inner.recent_keys, account, key, seq);
                return Ok(Some(Ok(seq)));
            }
            Appended::Conflict => {
                self.catch_up(inner).await?;
                return Ok(None);
            }
        }
        for e in &events {
            apply(&mut inner.state, e);
        }
        let visitors = shared::visits::arrived_visitors(&inner.state, &events);
        let mut sequenced = Vec::with_capacity(events.len());
        for (i, e) in events.into_iter().enumerate() {
            sequenced.push(Sequenced {
                seq: base + i as u64 + 1,
                event: e,
            });
        }
        inner.last_hash = prev;
        let seq = inner.state.seq;
        remember(&mut inner.recent_keys, account, key, seq);
        self.broadcast(&inner.state, sequenced);
        self.follow_route(inner);
        if status_changed {
            // Opened ("đang họp") or closed (tasks assigned): members are told.
            crate::notify::meeting_status_changed();
            if after == MeetingStatus::Closed {
                keep_outcome(&self.store, self.cell, &inner.state).await;
            }
        }
        self.record_visits(&visitors).await;
        Ok(Some(Ok(seq)))
    }

    /// Upper-level visitors arriving in the opened meeting made a visit
    /// (`shared::visits::arrived_visitors`), recorded once
    /// per visitor and meeting by the instance that stored the events. A
    /// failure is logged, never the command's.
    async fn record_visits(&self, visitors: &[AccountId]) {
        let at = now_local();
        for visitor in visitors {
            let new = crate::storage::NewVisit {
                visitor: *visitor,
                cell: self.cell,
                meeting: Some(self.meeting),
                date: at.date(),
                source: shared::visits::VisitSource::Live,
                by: *visitor,
                at,
            };
            match self.store.visits().record(&new).await {
                Ok(Some(id)) => {
                    tracing::info!(visit = %id, meeting = %self.meeting, %visitor, "visit recorded");
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(meeting = %self.meeting, %visitor, error = %e, "could not record the visit");
                }
            }
        }
    }

    /// Closing a secret vote: its online choices are counted from the ballot
    /// box. A box that does not agree with the log is refused (after catching
    /// up: another instance may have stored a ballot this one has not seen).
    async fn count_ballot_box(
        &self,
        state: &LiveState,
        events: &mut [Event],
    ) -> LiveResult<Result<(), Refusal>> {
        for e in events.iter() {
            if let Event::VoteClosed { vote, .. } = e
                && state
                    .votes
                    .get(*vote)
                    .is_some_and(|v| v.plan.ballot == Ballot::Secret)
            {
                let boxed = self.store.ballot_count(self.meeting, *vote as u64).await?;
                return Ok(count_secret_vote(state, events, boxed));
            }
        }
        Ok(Ok(()))
    }

    /// Applies what other instances stored, and sends it out.
    async fn catch_up(&self, inner: &mut RoomState) -> LiveResult<()> {
        let was_closed = inner.state.phase == Phase::Closed;
        let mut applied = Vec::new();
        let read = catch_up(
            &self.store,
            &mut inner.state,
            &mut inner.last_hash,
            &mut applied,
        )
        .await;
        self.absorbed(inner, was_closed, applied).await;
        read
    }

    /// Sends out events applied from other instances, and follows them.
    async fn absorbed(&self, inner: &mut RoomState, was_closed: bool, applied: Vec<Sequenced>) {
        if !was_closed && inner.state.phase == Phase::Closed {
            // Closed on another instance, which keeps the outcome too: the
            // row is written once whoever comes first.
            keep_outcome(&self.store, self.cell, &inner.state).await;
        }
        self.broadcast(&inner.state, applied);
        self.follow_route(inner);
    }

    /// Takes what another instance told; one task per room applies it, in
    /// order. `reads` bounds the rooms reading the database at once.
    pub(super) fn tell(self: &Arc<Self>, news: News, reads: &Arc<Semaphore>) {
        let mut told = self.told.lock().unwrap_or_else(|p| p.into_inner());
        match news {
            News::Carried(event) => told.carried.push(event),
            News::UpTo(seq) => told.up_to = told.up_to.max(seq),
            News::Everything => told.everything = true,
        }
        if told.applying {
            return;
        }
        told.applying = true;
        let room = self.clone();
        let reads = reads.clone();
        tokio::spawn(async move { room.apply_told(&reads).await });
    }

    async fn apply_told(&self, reads: &Semaphore) {
        loop {
            let told = {
                let mut told = self.told.lock().unwrap_or_else(|p| p.into_inner());
                if told.is_empty() {
                    told.applying = false;
                    return;
                }
                std::mem::take(&mut *told)
            };
            let mut inner = self.inner.lock().await;
            if let Err(e) = self.follow(&mut inner, told, reads).await {
                tracing::warn!(meeting = %self.meeting, error = %e, "live room could not catch up");
            }
        }
    }

    /// Applies the carried events that continue this room's chain (its own
    /// appends come back too, and are skipped), then reads from the database
    /// whatever was not carried or did not continue it.
    async fn follow(&self, inner: &mut RoomState, told: Told, reads: &Semaphore) -> LiveResult<()> {
        let was_closed = inner.state.phase == Phase::Closed;
        let mut applied = Vec::new();
        let mut wanted = told.up_to;
        for e in told.carried {
            wanted = wanted.max(e.seq);
            let state = &mut inner.state;
            if e.seq != state.seq + 1
                || chain::link(&inner.last_hash, self.meeting.0, e.seq, &e.payload) != e.hash
            {
                continue;
            }
            let Ok(event) = serde_json::from_str::<Event>(&e.payload) else {
                continue;
            };
            apply(state, &event);
            inner.last_hash = e.hash;
            applied.push(Sequenced { seq: e.seq, event });
        }
        let read = if told.everything || inner.state.seq < wanted {
            let _permit = reads.acquire().await;
            catch_up(
                &self.store,
                &mut inner.state,
                &mut inner.last_hash,
                &mut applied,
            )
            .await
        } else {
            Ok(())
        };
        self.absorbed(inner, was_closed, applied).await;
        read
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
                    refresh: false,
                });
            }
            Err(e) => tracing::error!(error = %e, "could not serialize events"),
        }
    }

    /// What a (re)connecting client needs: the events it missed, or a snapshot;
    /// and the sequence number it is up to after it. `turn`: the socket's
    /// TURN credentials, if the server has a TURN server.
    pub(super) async fn welcome(
        &self,
        speaker: Speaker,
        last_seq: Option<u64>,
        turn: Option<Turn>,
    ) -> LiveResult<(ServerMessage, u64)> {
        let mut inner = self.inner.lock().await;
        self.refresh_locked(&mut inner).await?;
        let you = inner.state.caller(speaker);
        let now = inner.state.seq;
        let missed = match last_seq {
            Some(seen) if seen <= now && now - seen <= MAX_CATCH_UP_EVENTS => {
                let stored = self
                    .store
                    .events_since(self.meeting, seen, MAX_CATCH_UP_EVENTS as i64)
                    .await?;
                let bytes: usize = stored.iter().map(|e| e.payload.len()).sum();
                let mut events = Vec::with_capacity(stored.len());
                for e in stored
                    .into_iter()
                    .filter(|e| e.seq <= now && bytes <= MAX_CATCH_UP_BYTES)
                {
                    let event: Event = serde_json::from_str(&e.payload).map_err(|err| {
                        StorageError::Corrupt(format!("sự kiện số {}: {err}", e.seq))
                    })?;
                    events.push(Sequenced {
                        seq: e.seq,
                        event: event.for_participants(&inner.state),
                    });
                }
                // Long texts missed: the (small) state is cheaper than the events.
                (bytes <= MAX_CATCH_UP_BYTES).then_some(events)
            }
            _ => None,
        };
        let message = match missed {
            Some(events) => ServerMessage::Welcome {
                version: PROTOCOL_VERSION,
                you,
                snapshot: None,
                events,
                turn,
            },
            None => ServerMessage::Welcome {
                version: PROTOCOL_VERSION,
                you,
                snapshot: Some(Box::new(inner.state.for_participants())),
                events: Vec::new(),
                turn,
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

/// Keeps a closed meeting's outcome for the upper level's dashboard. A
/// failure is logged: the start-up backfill writes what is missing.
pub(crate) async fn keep_outcome(store: &Store, cell: shared::OrgId, state: &LiveState) {
    let Some(outcome) = shared::oversight::outcome_of(state) else {
        return;
    };
    if let Err(e) = store
        .oversight()
        .record_outcome(state.meeting_id, cell, &outcome)
        .await
    {
        tracing::warn!(meeting = %state.meeting_id, error = %e, "could not keep the meeting's outcome");
    }
}

/// Applies the stored events after the state's sequence number, adding
/// them to `applied` as it goes: what was applied before a failure is kept.
async fn catch_up(
    store: &Store,
    state: &mut LiveState,
    last_hash: &mut String,
    applied: &mut Vec<Sequenced>,
) -> LiveResult<()> {
    loop {
        let stored = store
            .events_since(state.meeting_id, state.seq, 1000)
            .await?;
        if stored.is_empty() {
            return Ok(());
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
fn remember(
    keys: &mut VecDeque<(AccountId, Box<str>, u64)>,
    account: AccountId,
    key: &str,
    seq: u64,
) {
    if keys.len() >= RECENT_KEYS {
        keys.pop_front();
    }
    keys.push_back((account, key.into(), seq));
}

fn status_of(phase: Phase) -> MeetingStatus {
    match phase {
        Phase::NotStarted => MeetingStatus::Scheduled,
        Phase::InProgress => MeetingStatus::Live,
        Phase::Closed => MeetingStatus::Closed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_bucket_allows_a_burst_then_the_rate() {
        let start = Instant::now();
        let mut bucket = Bucket {
            tokens: COMMAND_BURST as f32,
            at: start,
        };
        let burst = (0..100).filter(|_| bucket.take(start)).count();
        assert_eq!(burst, COMMAND_BURST as usize);
        let later = start + Duration::from_secs(2);
        let refilled = (0..100).filter(|_| bucket.take(later)).count();
        assert_eq!(refilled, 2 * COMMANDS_PER_SEC as usize);
        // Never more than a burst, however long the pause.
        let much_later = later + Duration::from_secs(3600);
        let capped = (0..100).filter(|_| bucket.take(much_later)).count();
        assert_eq!(capped, COMMAND_BURST as usize);
    }
}
