//! The connection controller: one WebSocket to the room, reopened with
//! backoff, the welcome and the events folded into the state in order, and the
//! outbox of commands sent until the server answers them.

use super::audio::Audio;
use crate::i18n::{I18n, use_i18n};
use crate::live::{self, Answer, Beat, Heartbeat, Outbox, Owner, Pending};
use leptos::prelude::*;
use shared::MeetingId;
use shared::i18n::Message;
use shared::live::limits::{COMMAND_BURST, COMMANDS_PER_SEC};
use shared::live::protocol::{ClientMessage, PROTOCOL_VERSION, ServerMessage};
use shared::live::state::{Caller, Command, LiveState, Phase, Refusal, Speaker, decide};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// How often the controller looks at its socket and its outbox.
const TICK_MS: u64 = 1000;

/// The state of the link to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Link {
    /// Not yet in the room since this page opened.
    Connecting,
    Open,
    /// The link was lost (closed, or silent for too long); trying again.
    Lost,
    /// A new socket is open, the room has not welcomed it yet.
    Reconnecting,
}

/// The socket and what keeps it alive; never leaves this thread.
#[derive(Default)]
struct Conn {
    ws: Option<WebSocket>,
    beat: Option<Heartbeat>,
    /// Welcomed at least once since the page opened.
    welcomed: bool,
    attempt: u32,
    retry: Option<leptos::leptos_dom::helpers::TimeoutHandle>,
    tick: Option<leptos::leptos_dom::helpers::IntervalHandle>,
    disposed: bool,
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_close: Option<Closure<dyn FnMut(CloseEvent)>>,
    on_open: Option<Closure<dyn FnMut(web_sys::Event)>>,
}

/// The live meeting as this page sees it. `Copy`: every part is a handle.
#[derive(Clone, Copy)]
pub(super) struct Live {
    meeting: MeetingId,
    /// Whose outbox is kept; `None` (kept nowhere) without a known account.
    owner: Option<Owner>,
    pub(super) state: RwSignal<Option<LiveState>>,
    /// Who this page is in the room (from the welcome). What they may do
    /// comes from the state (`LiveState::caller`): before the opening it
    /// follows the registration, afterwards the chair the opening recorded.
    pub(super) you: RwSignal<Option<Speaker>>,
    pub(super) link: RwSignal<Link>,
    pub(super) outbox: RwSignal<Outbox>,
    /// A refusal or a server message for this person.
    pub(super) flash: RwSignal<Option<String>>,
    /// The chair asked to open more than `OPENS_EARLY_MINUTES` before the
    /// registered time: the registered time, to confirm or not.
    pub(super) opens_early: RwSignal<Option<String>>,
    conn: StoredValue<Conn, LocalStorage>,
    i18n: I18n,
    /// The account's name, sent when an upper-level visitor's arrival is recorded.
    my_name: StoredValue<String>,
    /// Proposes commands (the room); a page that only follows (the projector) does not.
    acts: bool,
    /// The meeting's audio, over this socket (nghe họp).
    pub(super) audio: Audio,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

impl Live {
    pub(super) fn new(meeting: MeetingId) -> Live {
        Live::build(meeting, true)
    }

    /// A page that only follows the meeting (the projector): it sends no
    /// command, so it neither keeps nor resends the account's outbox.
    pub(super) fn watching(meeting: MeetingId) -> Live {
        Live::build(meeting, false)
    }

    fn build(meeting: MeetingId, acts: bool) -> Live {
        let me = crate::session::use_session().me();
        let owner = me.as_ref().filter(|_| acts).map(|me| Owner {
            account: me.account.id,
            meeting,
        });
        let kept = owner.map(live::load_outbox).unwrap_or_default();
        Live {
            meeting,
            owner,
            state: RwSignal::new(None),
            you: RwSignal::new(None),
            link: RwSignal::new(Link::Connecting),
            outbox: RwSignal::new(Outbox::new(kept)),
            flash: RwSignal::new(None),
            opens_early: RwSignal::new(None),
            conn: StoredValue::new_local(Conn::default()),
            i18n: use_i18n(),
            my_name: StoredValue::new(me.map(|m| m.account.display_name).unwrap_or_default()),
            acts,
            audio: Audio::new(),
        }
    }

    /// Connects, and looks at the link and the outbox every second until disposed.
    pub(super) fn start(self) {
        let tick =
            set_interval_with_handle(move || self.tick(), Duration::from_millis(TICK_MS)).ok();
        self.conn.update_value(|c| c.tick = tick);
        self.connect();
    }

    /// Drops the old socket (if any) and opens a new one.
    fn connect(self) {
        let disposed = self.conn.with_value(|c| c.disposed);
        if disposed {
            return;
        }
        self.detach();
        let Some(url) = live::socket_url(self.meeting) else {
            return;
        };
        let Ok(ws) = WebSocket::new(&url) else {
            self.schedule_retry();
            return;
        };
        if self.link.get_untracked() == Link::Open {
            self.link.set(Link::Reconnecting);
        }
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if self.link.get_untracked() == Link::Lost {
                self.link.set(Link::Reconnecting);
            }
            let last_seq = self.state.with_untracked(|s| s.as_ref().map(|s| s.seq));
            self.send_raw(
                &ClientMessage::Hello {
                    version: PROTOCOL_VERSION,
                    last_seq,
                },
                true,
            );
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            self.conn.update_value(|c| {
                if let Some(beat) = &mut c.beat {
                    beat.heard(now_ms());
                }
            });
            if let Some(text) = e.data().as_string() {
                match serde_json::from_str::<ServerMessage>(&text) {
                    Ok(msg) => self.receive(msg),
                    // Never silently: a message this app cannot read would
                    // leave the room waiting for a welcome that never comes.
                    Err(_) => self
                        .flash
                        .set(Some(self.i18n.t().live_unreadable.to_string())),
                }
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_| self.lost());
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.conn.update_value(|c| {
            c.ws = Some(ws);
            // A socket that does not open and answer in time is as dead as a silent one.
            c.beat = Some(Heartbeat::new(now_ms()));
            c.on_open = Some(on_open);
            c.on_message = Some(on_message);
            c.on_close = Some(on_close);
        });
    }

    /// The socket closed, or went silent: say so at once, and try again.
    fn lost(self) {
        let welcomed = self.conn.with_value(|c| c.welcomed);
        self.link.set(if welcomed {
            Link::Lost
        } else {
            Link::Connecting
        });
        self.detach();
        self.schedule_retry();
    }

    /// Forgets the current socket without triggering a retry.
    fn detach(self) {
        // The server ends a socket's audio with the socket: so does the page.
        self.audio.socket_lost();
        self.conn.update_value(|c| {
            if let Some(handle) = c.retry.take() {
                handle.clear();
            }
            c.beat = None;
            if let Some(ws) = c.ws.take() {
                ws.set_onopen(None);
                ws.set_onmessage(None);
                ws.set_onclose(None);
                let _ = ws.close();
            }
        });
    }

    /// Every second: a ping on a socket we have said nothing on for a while,
    /// a socket the server has said nothing on for too long given up, and the
    /// commands due to be sent (again).
    fn tick(self) {
        let now = now_ms();
        match self.conn.with_value(|c| c.beat.map(|b| b.check(now))) {
            Some(Beat::Dead) => return self.lost(),
            Some(Beat::Ping) => {
                self.send_raw(&ClientMessage::Ping, true);
            }
            Some(Beat::Fine) | None => {}
        }
        self.flush(COMMANDS_PER_SEC as usize);
    }

    fn schedule_retry(self) {
        let (disposed, attempt) = self.conn.with_value(|c| (c.disposed, c.attempt));
        if disposed {
            return;
        }
        let delay = live::backoff_ms(attempt);
        let handle = set_timeout_with_handle(
            move || self.connect(),
            Duration::from_millis(u64::from(delay)),
        )
        .ok();
        self.conn.update_value(|c| {
            c.attempt = attempt.saturating_add(1);
            if let Some(old) = c.retry.take() {
                old.clear();
            }
            c.retry = handle;
        });
    }

    /// The browser says it is online again: try at once.
    pub(super) fn wake(self) {
        if self.link.get_untracked() != Link::Open {
            self.conn.update_value(|c| c.attempt = 0);
            self.connect();
        }
    }

    pub(super) fn dispose(self) {
        self.detach();
        self.audio.dispose();
        self.conn.update_value(|c| {
            c.disposed = true;
            if let Some(tick) = c.tick.take() {
                tick.clear();
            }
        });
    }

    /// Sends an audio message once the room has welcomed this socket.
    pub(super) fn send_audio(self, msg: &ClientMessage) -> bool {
        self.send_raw(msg, false)
    }

    /// Sends when the socket is open (and, for commands, after the welcome).
    fn send_raw(self, msg: &ClientMessage, before_welcome: bool) -> bool {
        if !before_welcome && self.link.get_untracked() != Link::Open {
            return false;
        }
        let Ok(json) = serde_json::to_string(msg) else {
            return false;
        };
        self.conn
            .try_update_value(|c| {
                let sent = c.ws.as_ref().is_some_and(|ws| {
                    ws.ready_state() == WebSocket::OPEN && ws.send_with_str(&json).is_ok()
                });
                if sent && let Some(beat) = &mut c.beat {
                    beat.sent(now_ms());
                }
                sent
            })
            .unwrap_or(false)
    }
}

impl Live {
    fn receive(self, msg: ServerMessage) {
        match msg {
            ServerMessage::Welcome {
                you,
                snapshot,
                events,
                turn,
                ..
            } => {
                self.you.set(Some(you.speaker));
                self.audio.set_turn(turn);
                if let Some(snapshot) = snapshot {
                    self.state.set(Some(*snapshot));
                }
                if self.apply_events(&events) {
                    self.conn.update_value(|c| {
                        c.attempt = 0;
                        c.welcomed = true;
                    });
                    self.link.set(Link::Open);
                    // Everything kept goes again on a new connection.
                    self.outbox.update(Outbox::reconnected);
                    self.flush(COMMAND_BURST as usize);
                    // A new socket has no audio: offered again if it was on.
                    self.audio.welcomed(self);
                }
            }
            ServerMessage::Events { events } => {
                self.apply_events(&events);
            }
            ServerMessage::Snapshot { state } => self.state.set(Some(*state)),
            answer @ (ServerMessage::Accepted { .. }
            | ServerMessage::Rejected { .. }
            | ServerMessage::Deferred { .. }) => return self.settle(&answer),
            ServerMessage::Error { error, .. } => {
                return self.flash.set(Some(error.text(self.i18n.lang())));
            }
            ServerMessage::Pong => return,
            ServerMessage::AudioAnswer { sdp } => return self.audio.answered(sdp),
            ServerMessage::AudioRefused { reason, .. } => {
                return self.audio.refused(self, reason);
            }
            ServerMessage::Audio { connection, .. } => {
                return self.audio.server_says(self, connection);
            }
        }
        self.note_arrival();
    }

    /// An upper-level visitor's arrival goes on the record once the meeting is
    /// under way (also when they joined before it opened).
    fn note_arrival(self) {
        if !self.acts {
            return;
        }
        let Some(you @ Speaker::Visitor(_)) = self.you.get_untracked() else {
            return;
        };
        let arrives = Command::VisitorArrives {
            name: self.my_name.get_value(),
        };
        // The state machine says whether it is due (under way, not yet recorded).
        let due = self.state.with_untracked(|s| {
            s.as_ref().is_some_and(|s| {
                decide(s, you, &arrives, live::now_local()).is_ok_and(|e| !e.is_empty())
            })
        });
        let waiting = self
            .outbox
            .with_untracked(|o| o.has(|c| matches!(c, Command::VisitorArrives { .. })));
        if due && !waiting {
            self.run(arrives);
        }
    }

    /// Applies events in order; on a gap, reconnects to ask for what is missing.
    fn apply_events(self, events: &[shared::live::protocol::Sequenced]) -> bool {
        let mut gap = false;
        self.state.update(|s| {
            if let Some(s) = s {
                gap = live::apply_in_order(s, events).is_err();
            } else {
                gap = !events.is_empty();
            }
        });
        if gap {
            self.connect();
        }
        !gap
    }

    /// The server's answer to a command: only a refusal of the rules (shown)
    /// or its acceptance takes it out of the outbox.
    fn settle(self, answer: &ServerMessage) {
        // Opening early was refused by the server's clock: the chair is
        // asked to confirm, as when this page's clock refuses it.
        let early = match answer {
            ServerMessage::Rejected {
                key,
                reason: Refusal::OpensEarly { starts_at },
                ..
            } if self.outbox.with_untracked(|o| o.holds_key(key)) => Some(starts_at.clone()),
            _ => None,
        };
        let settled = self
            .outbox
            .try_update(|o| o.answer(answer, now_ms()))
            .flatten();
        match settled {
            None | Some(Answer::Deferred) => {}
            Some(Answer::Stored) => self.save_outbox(),
            Some(Answer::Refused(reason)) => {
                let message = reason.text(self.i18n.lang());
                self.save_outbox();
                match early {
                    Some(starts_at) => self.opens_early.set(Some(starts_at)),
                    None => self.flash.set(Some(message)),
                }
            }
        }
    }

    fn save_outbox(self) {
        if let Some(owner) = self.owner {
            self.outbox
                .with_untracked(|o| live::save_outbox(owner, &o.pending()));
        }
    }

    /// Sends the commands due (at most `max`), once the room has welcomed us.
    fn flush(self, max: usize) {
        if self.link.get_untracked() != Link::Open {
            return;
        }
        let due = self
            .outbox
            .try_update_untracked(|o| o.take_due(now_ms(), max))
            .unwrap_or_default();
        for Pending { key, command } in due {
            self.send_raw(&ClientMessage::Command { key, command }, false);
        }
    }

    /// Checks the command here first: a refusal is shown at once and not sent.
    pub(super) fn run(self, command: Command) -> bool {
        let you = self.you.get_untracked();
        let verdict = self.state.with_untracked(|s| match (s, you) {
            (Some(s), Some(you)) => Some(decide(s, you, &command, live::now_local())),
            _ => None,
        });
        match verdict {
            None => {
                self.flash
                    .set(Some(self.i18n.t().live_not_ready.to_string()));
                return false;
            }
            // Opening early is not refused for good: the chair is asked.
            Some(Err(Refusal::OpensEarly { starts_at })) => {
                self.flash.set(None);
                self.opens_early.set(Some(starts_at));
                return false;
            }
            Some(Err(refusal)) => {
                self.flash.set(Some(refusal.text(self.i18n.lang())));
                return false;
            }
            Some(Ok(_)) => {}
        }
        self.flash.set(None);
        self.opens_early.set(None);
        let pending = Pending {
            key: live::new_key(),
            command,
        };
        self.outbox.update(|o| o.push(pending.clone(), now_ms()));
        self.save_outbox();
        self.send_raw(
            &ClientMessage::Command {
                key: pending.key,
                command: pending.command,
            },
            false,
        );
        true
    }

    /// Why the state machine would refuse `command` from this page, if it
    /// would (reactive): a button it would refuse is replaced by the reason.
    pub(super) fn refusal(self, command: &Command) -> Option<Refusal> {
        let you = self.you.get()?;
        self.state
            .with(|s| decide(s.as_ref()?, you, command, live::now_local()).err())
    }

    /// Whether the state machine would take `command` now (reactive): the
    /// room shows no button for an action it would refuse.
    pub(super) fn allows(self, command: &Command) -> bool {
        self.you.get().is_some()
            && self.state.with(Option::is_some)
            && self.refusal(command).is_none()
    }

    /// This page's speaker with the powers the state gives them (reactive).
    pub(super) fn caller(self) -> Option<Caller> {
        let you = self.you.get()?;
        self.state.with(|s| s.as_ref().map(|s| s.caller(you)))
    }

    pub(super) fn is_chair(self) -> bool {
        self.caller().is_some_and(|c| c.is_chair)
    }

    pub(super) fn keeps_minutes(self) -> bool {
        self.caller().is_some_and(|c| c.is_chair || c.is_secretary)
    }

    /// The chair, the secretary or a vote counter (reactive).
    pub(super) fn records_ballots(self) -> bool {
        let Some(you) = self.you.get() else {
            return false;
        };
        self.state
            .with(|s| s.as_ref().is_some_and(|s| s.may_record_ballots(you)))
    }

    pub(super) fn meeting(self) -> MeetingId {
        self.meeting
    }

    pub(super) fn phase(self) -> Option<Phase> {
        self.state.with(|s| s.as_ref().map(|s| s.phase))
    }

    pub(super) fn in_progress(self) -> bool {
        self.phase() == Some(Phase::InProgress)
    }
}
