//! The live meeting's client logic, without any view: folding numbered events
//! into the state in order, and the outbox of commands not yet answered, kept in
//! localStorage per account and meeting so a reload (or a lost connection) does
//! not lose them; and the heartbeat that tells a dead connection from a quiet one.

use serde::{Deserialize, Serialize};
use shared::live::limits::{HEARTBEAT_SECS, SILENT_PEER_SECS};
use shared::live::protocol::{Sequenced, ServerMessage};
use shared::live::state::{Command, LiveState, Refusal, VoteRecord, apply};
use shared::rules::attendance::Presence;
use shared::{AccountId, MeetingId, MemberId};

/// The state has a hole before this event: ask again from `state.seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub have: u64,
    pub got: u64,
}

/// Applies the events that come next (`seq == state.seq + 1`), ignores the ones
/// already applied, and stops at a gap. Returns how many were applied.
pub fn apply_in_order(state: &mut LiveState, events: &[Sequenced]) -> Result<usize, Gap> {
    let mut applied = 0;
    for e in events {
        if e.seq <= state.seq {
            continue;
        }
        if e.seq != state.seq + 1 {
            return Err(Gap {
                have: state.seq,
                got: e.seq,
            });
        }
        apply(state, &e.event);
        applied += 1;
    }
    Ok(applied)
}

/// A command waiting for the server's `accepted` or `rejected`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub key: String,
    pub command: Command,
}

/// A fresh idempotency key: time and randomness, unique enough per person.
pub fn new_key() -> String {
    let r = (js_sys::Math::random() * 1e15) as u64;
    let t = js_sys::Date::now() as u64;
    format!("{t:x}-{r:x}")
}

/// While connected, a command unanswered this long after it was sent, or
/// deferred by the server this long ago, is sent again (with the same key).
pub const RESEND_AFTER_MS: f64 = 3_000.0;

/// What the server's answer means for the command it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Stored and applied: out of the outbox.
    Stored,
    /// Refused for a reason of the rules: out of the outbox, the reason shown
    /// in the reader's language.
    Refused(Refusal),
    /// Neither stored nor refused: kept and sent again shortly.
    Deferred,
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    pending: Pending,
    /// When it goes (again), in milliseconds since the epoch; 0 for at once.
    due: f64,
    /// The server said to try again later.
    deferred: bool,
}

/// The commands made here and not yet answered, oldest first. Only a refusal
/// of the rules (or their acceptance) takes one out: a command deferred by the
/// server, or not answered at all, goes again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outbox {
    entries: Vec<Entry>,
}

impl Outbox {
    /// The commands kept from before (a reload), all to send on connecting.
    pub fn new(kept: Vec<Pending>) -> Outbox {
        Outbox {
            entries: kept
                .into_iter()
                .map(|pending| Entry {
                    pending,
                    due: 0.0,
                    deferred: false,
                })
                .collect(),
        }
    }

    /// What to keep in storage.
    pub fn pending(&self) -> Vec<Pending> {
        self.entries.iter().map(|e| e.pending.clone()).collect()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many the server deferred.
    pub fn deferred(&self) -> usize {
        self.entries.iter().filter(|e| e.deferred).count()
    }

    /// Whether a command like this one waits.
    pub fn has(&self, like: impl Fn(&Command) -> bool) -> bool {
        self.entries.iter().any(|e| like(&e.pending.command))
    }

    /// Whether the command with this key waits here.
    pub fn holds_key(&self, key: &str) -> bool {
        self.entries.iter().any(|e| e.pending.key == key)
    }

    /// A command made (and sent, if connected) at `now`.
    pub fn push(&mut self, pending: Pending, now: f64) {
        self.entries.push(Entry {
            pending,
            due: now + RESEND_AFTER_MS,
            deferred: false,
        });
    }

    /// Takes the server's answer to one of our commands; `None` for any other
    /// message, or an answer to a command that is not (or no longer) ours.
    pub fn answer(&mut self, msg: &ServerMessage, now: f64) -> Option<Answer> {
        let (key, answer) = match msg {
            ServerMessage::Accepted { key, .. } => (key, Answer::Stored),
            ServerMessage::Rejected { key, reason, .. } => (key, Answer::Refused(reason.clone())),
            ServerMessage::Deferred { key, .. } => (key, Answer::Deferred),
            _ => return None,
        };
        let at = self.entries.iter().position(|e| &e.pending.key == key)?;
        if answer == Answer::Deferred {
            let entry = &mut self.entries[at];
            entry.deferred = true;
            entry.due = now + RESEND_AFTER_MS;
        } else {
            self.entries.remove(at);
        }
        Some(answer)
    }

    /// A new connection: every command goes again.
    pub fn reconnected(&mut self) {
        for e in &mut self.entries {
            e.due = 0.0;
        }
    }

    /// The commands due at `now`, oldest first and at most `max`; each is due
    /// again `RESEND_AFTER_MS` later unless answered meanwhile.
    pub fn take_due(&mut self, now: f64, max: usize) -> Vec<Pending> {
        self.entries
            .iter_mut()
            .filter(|e| e.due <= now)
            .take(max)
            .map(|e| {
                e.due = now + RESEND_AFTER_MS;
                e.pending.clone()
            })
            .collect()
    }
}

/// Whose outbox it is. Kept per account and meeting: on a shared phone, one
/// member's unsent command is never sent as the next member's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub account: AccountId,
    pub meeting: MeetingId,
}

const OUTBOX_PREFIX: &str = "chibo.outbox.";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn outbox_key(owner: Owner) -> String {
    format!("{OUTBOX_PREFIX}{}.{}", owner.account, owner.meeting)
}

/// The account an outbox belongs to, from its storage key; `None` for the
/// outboxes of older versions of the app, kept by meeting only.
fn account_of(key: &str) -> Option<AccountId> {
    let (account, _meeting) = key.strip_prefix(OUTBOX_PREFIX)?.split_once('.')?;
    account.parse().ok().map(AccountId)
}

/// The outbox as stored (empty when nothing or unreadable).
pub fn load_outbox(owner: Owner) -> Vec<Pending> {
    storage()
        .and_then(|s| s.get_item(&outbox_key(owner)).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

pub fn save_outbox(owner: Owner, outbox: &[Pending]) {
    let Some(s) = storage() else { return };
    let key = outbox_key(owner);
    if outbox.is_empty() {
        let _ = s.remove_item(&key);
    } else if let Ok(json) = serde_json::to_string(outbox) {
        let _ = s.set_item(&key, &json);
    }
}

/// Removes every stored outbox whose owner `drop` picks.
fn remove_outboxes(drop: impl Fn(Option<AccountId>) -> bool) {
    let Some(s) = storage() else { return };
    let keys: Vec<String> = (0..s.length().unwrap_or(0))
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(OUTBOX_PREFIX) && drop(account_of(k)))
        .collect();
    for k in keys {
        let _ = s.remove_item(&k);
    }
}

/// At logout: the account's unsent commands are forgotten on this device.
pub fn forget_outboxes_of(account: AccountId) {
    remove_outboxes(|owner| owner == Some(account));
}

/// When `account` logs in: what anyone else left unsent here (or an older
/// version of the app, which kept no owner) is dropped, never sent.
pub fn forget_outboxes_not_of(account: AccountId) {
    remove_outboxes(|owner| owner != Some(account));
}

/// What the heartbeat asks for at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beat {
    /// Nothing to do.
    Fine,
    /// We have said nothing for `HEARTBEAT_SECS`: send a `ping`.
    Ping,
    /// The server has said nothing (no pong, no event) for `SILENT_PEER_SECS`:
    /// the connection is dead although no close came, as when a network
    /// silently drops everything.
    Dead,
}

/// The heartbeat of one socket, in milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Heartbeat {
    last_sent: f64,
    last_heard: f64,
}

impl Heartbeat {
    /// A socket opened (or being opened) at `now`.
    pub fn new(now: f64) -> Heartbeat {
        Heartbeat {
            last_sent: now,
            last_heard: now,
        }
    }

    pub fn sent(&mut self, now: f64) {
        self.last_sent = now;
    }

    pub fn heard(&mut self, now: f64) {
        self.last_heard = now;
    }

    pub fn check(&self, now: f64) -> Beat {
        if now - self.last_heard >= f64::from(SILENT_PEER_SECS) * 1000.0 {
            Beat::Dead
        } else if now - self.last_sent >= f64::from(HEARTBEAT_SECS) * 1000.0 {
            Beat::Ping
        } else {
            Beat::Fine
        }
    }
}

/// Waits before reconnecting: about 1 s, 2 s, 4 s, 8 s, then 15 s at most,
/// with a random part so that a whole meeting does not return at once.
pub fn backoff_ms(attempt: u32) -> u32 {
    let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    shared::live::limits::reconnect_delay_ms(attempt, random)
}

/// The socket's address on the page's own host: `wss://` behind HTTPS.
pub fn socket_url(meeting: MeetingId) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().ok()?;
    Some(format!("{scheme}://{host}/api/meetings/{meeting}/live"))
}

/// Now in Vietnam (UTC+7) from the device's UTC clock, by the same rule as
/// the server (`shared::clock`): a phone set to another zone still agrees.
pub fn now_local() -> chrono::NaiveDateTime {
    shared::clock::vietnam_time_from_millis(js_sys::Date::now()).unwrap_or_default()
}

/// "mm:ss" (or "h:mm:ss") for a speaker's running time.
pub fn clock(seconds: i64) -> String {
    let s = seconds.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// Whether the member was marked present in the room itself (not online).
pub fn in_person(state: &LiveState, member: MemberId) -> bool {
    state
        .mark_of(member)
        .is_some_and(|m| m.presence == Presence::InPerson)
}

/// A vote's ballots so far: `(online, in_room)`: cast online by members
/// themselves, and in the room (recorded by the chair, the secretary or a
/// counter, or counted on paper).
pub fn turnout(record: &VoteRecord) -> (u32, u32) {
    let recorded = record
        .ballots
        .iter()
        .filter(|b| b.recorded_by.is_some())
        .count();
    let recorded = u32::try_from(recorded).unwrap_or(u32::MAX);
    let in_room = recorded.saturating_add(record.paper.map_or(0, |p| p.cast()));
    (record.turnout().saturating_sub(in_room), in_room)
}

/// The voters of a vote present in person who have not voted yet, in roll
/// order: whose show of hands is still to record in an open vote, and the
/// most paper ballots a secret one can have.
pub fn waiting_in_room(state: &LiveState, vote: usize) -> Vec<MemberId> {
    let Some(record) = state.votes.get(vote) else {
        return Vec::new();
    };
    state
        .roll
        .iter()
        .map(|r| r.member_id)
        .filter(|m| record.plan.voters.contains(m))
        .filter(|m| in_person(state, *m) && !record.has_voted(*m))
        .collect()
}
