//! Phòng sinh hoạt trực tuyến: the live meeting on one screen, for a phone as
//! for a desktop. The state comes from the server's numbered events, folded
//! with `shared::live::state::apply`; commands are checked with `decide` first,
//! then kept in an outbox until the server answers.

use crate::api;
use crate::i18n::{I18n, Texts, use_i18n};
use crate::live::{self, Pending};
use crate::pages::meeting::JoinButton;
use crate::pages::org::{bad_address, param_id};
use crate::ui::loaded;
use chrono::NaiveTime;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::MeetingId;
use shared::access::Access;
use shared::live::chain::ChainReport;
use shared::live::protocol::{ClientMessage, PROTOCOL_VERSION, ServerMessage};
use shared::live::state::{Caller, Choice, Command, LiveState, Phase, Speaker, Task, decide};
use shared::meeting::{Meeting, MeetingStatus};
use shared::rules::attendance::{AttendanceMark, Presence, RosterEntry};
use shared::rules::vote::{Ballot, VoteKind};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

#[component]
pub fn RoomPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let meeting = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::meeting(MeetingId(id)).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    view! { <section class="page room">{loaded(meeting, |m| view! { <Room meeting=m/> })}</section> }
}

/// Seconds between two pings on a quiet socket.
const KEEPALIVE_SECS: u64 = 25;

/// The state of the link to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Open,
    Down,
}

/// The socket and what keeps it alive; never leaves this thread.
#[derive(Default)]
struct Conn {
    ws: Option<WebSocket>,
    attempt: u32,
    retry: Option<leptos::leptos_dom::helpers::TimeoutHandle>,
    /// The keepalive: a ping every 25 s while the socket is open.
    ping: Option<leptos::leptos_dom::helpers::IntervalHandle>,
    disposed: bool,
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_close: Option<Closure<dyn FnMut(CloseEvent)>>,
    on_open: Option<Closure<dyn FnMut(web_sys::Event)>>,
}

/// The live meeting as this page sees it. `Copy`: every part is a handle.
#[derive(Clone, Copy)]
struct Live {
    meeting: MeetingId,
    state: RwSignal<Option<LiveState>>,
    you: RwSignal<Option<Caller>>,
    link: RwSignal<Link>,
    outbox: RwSignal<Vec<Pending>>,
    /// A refusal or a server message for this person.
    flash: RwSignal<Option<String>>,
    conn: StoredValue<Conn, LocalStorage>,
    i18n: I18n,
    /// The account's name, sent when an upper-level visitor's arrival is recorded.
    my_name: StoredValue<String>,
}

impl Live {
    fn new(meeting: MeetingId) -> Live {
        Live {
            meeting,
            state: RwSignal::new(None),
            you: RwSignal::new(None),
            link: RwSignal::new(Link::Connecting),
            outbox: RwSignal::new(live::load_outbox(meeting)),
            flash: RwSignal::new(None),
            conn: StoredValue::new_local(Conn::default()),
            i18n: use_i18n(),
            my_name: StoredValue::new(
                crate::session::use_session()
                    .me()
                    .map(|m| m.account.display_name)
                    .unwrap_or_default(),
            ),
        }
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
            self.link.set(Link::Connecting);
        }
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            let last_seq = self.state.with_untracked(|s| s.as_ref().map(|s| s.seq));
            self.send_raw(
                &ClientMessage::Hello {
                    version: PROTOCOL_VERSION,
                    last_seq,
                },
                true,
            );
            self.keep_alive();
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(text) = e.data().as_string()
                && let Ok(msg) = serde_json::from_str::<ServerMessage>(&text)
            {
                self.receive(msg);
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_| {
            self.conn.update_value(|c| {
                c.ws = None;
                if let Some(ping) = c.ping.take() {
                    ping.clear();
                }
            });
            self.link.set(Link::Down);
            self.schedule_retry();
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.conn.update_value(|c| {
            c.ws = Some(ws);
            c.on_open = Some(on_open);
            c.on_message = Some(on_message);
            c.on_close = Some(on_close);
        });
    }

    /// Forgets the current socket without triggering a retry.
    fn detach(self) {
        self.conn.update_value(|c| {
            if let Some(handle) = c.retry.take() {
                handle.clear();
            }
            if let Some(ping) = c.ping.take() {
                ping.clear();
            }
            if let Some(ws) = c.ws.take() {
                ws.set_onopen(None);
                ws.set_onmessage(None);
                ws.set_onclose(None);
                let _ = ws.close();
            }
        });
    }

    /// Pings every 25 s while connected, so proxies and the server do not take
    /// a quiet room for a dead one. Cleared when the socket closes or is dropped.
    fn keep_alive(self) {
        let handle = set_interval_with_handle(
            move || {
                self.send_raw(&ClientMessage::Ping, true);
            },
            Duration::from_secs(KEEPALIVE_SECS),
        )
        .ok();
        self.conn.update_value(|c| {
            if let Some(old) = c.ping.take() {
                old.clear();
            }
            c.ping = handle;
        });
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
    fn wake(self) {
        if self.link.get_untracked() != Link::Open {
            self.conn.update_value(|c| c.attempt = 0);
            self.connect();
        }
    }

    fn dispose(self) {
        self.detach();
        self.conn.update_value(|c| c.disposed = true);
    }

    /// Sends when the socket is open (and, for commands, after the welcome).
    fn send_raw(self, msg: &ClientMessage, before_welcome: bool) -> bool {
        if !before_welcome && self.link.get_untracked() != Link::Open {
            return false;
        }
        let Ok(json) = serde_json::to_string(msg) else {
            return false;
        };
        self.conn.with_value(|c| {
            c.ws.as_ref().is_some_and(|ws| {
                ws.ready_state() == WebSocket::OPEN && ws.send_with_str(&json).is_ok()
            })
        })
    }

    fn receive(self, msg: ServerMessage) {
        match msg {
            ServerMessage::Welcome {
                you,
                snapshot,
                events,
                ..
            } => {
                self.you.set(Some(you));
                if let Some(snapshot) = snapshot {
                    self.state.set(Some(*snapshot));
                }
                if self.apply_events(&events) {
                    self.conn.update_value(|c| c.attempt = 0);
                    self.link.set(Link::Open);
                    self.resend_outbox();
                }
            }
            ServerMessage::Events { events } => {
                self.apply_events(&events);
            }
            ServerMessage::Snapshot { state } => self.state.set(Some(*state)),
            ServerMessage::Accepted { key, .. } => return self.settle(&key, None),
            ServerMessage::Rejected { key, message, .. } => {
                return self.settle(&key, Some(message));
            }
            // Kept in the outbox: it goes again with the next reconnection.
            ServerMessage::Deferred { message, .. } => return self.flash.set(Some(message)),
            ServerMessage::Error { message, .. } => return self.flash.set(Some(message)),
            ServerMessage::Pong => return,
        }
        self.note_arrival();
    }

    /// An upper-level visitor's arrival goes on the record once the meeting is
    /// under way (also when they joined before it opened).
    fn note_arrival(self) {
        let Some(
            you @ Caller {
                speaker: Speaker::Visitor(_),
                ..
            },
        ) = self.you.get_untracked()
        else {
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
        let waiting = self.outbox.with_untracked(|o| {
            o.iter()
                .any(|p| matches!(p.command, Command::VisitorArrives { .. }))
        });
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

    fn settle(self, key: &str, rejected: Option<String>) {
        let mut ours = false;
        self.outbox.update(|o| ours = live::take(o, key));
        live::save_outbox(self.meeting, &self.outbox.get_untracked());
        if ours && let Some(message) = rejected {
            self.flash.set(Some(message));
        }
    }

    fn resend_outbox(self) {
        for p in self.outbox.get_untracked() {
            self.send_raw(
                &ClientMessage::Command {
                    key: p.key,
                    command: p.command,
                },
                false,
            );
        }
    }

    /// Checks the command here first: a refusal is shown at once and not sent.
    fn run(self, command: Command) -> bool {
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
            Some(Err(refusal)) => {
                self.flash.set(Some(refusal.to_string()));
                return false;
            }
            Some(Ok(_)) => {}
        }
        self.flash.set(None);
        let pending = Pending {
            key: live::new_key(),
            command,
        };
        self.outbox.update(|o| o.push(pending.clone()));
        live::save_outbox(self.meeting, &self.outbox.get_untracked());
        self.send_raw(
            &ClientMessage::Command {
                key: pending.key,
                command: pending.command,
            },
            false,
        );
        true
    }

    fn caller(self) -> Option<Caller> {
        self.you.get()
    }

    fn is_chair(self) -> bool {
        self.caller().is_some_and(|c| c.is_chair)
    }

    fn keeps_minutes(self) -> bool {
        self.caller().is_some_and(|c| c.is_chair || c.is_secretary)
    }

    fn phase(self) -> Option<Phase> {
        self.state.with(|s| s.as_ref().map(|s| s.phase))
    }

    fn in_progress(self) -> bool {
        self.phase() == Some(Phase::InProgress)
    }
}

/// A speaker's name as the room shows it.
fn name_of(state: &LiveState, speaker: Speaker, t: &Texts) -> String {
    match speaker {
        Speaker::Member(m) => state
            .roll_entry(m)
            .map(|r| r.full_name.clone())
            .unwrap_or_else(|| format!("#{m}")),
        Speaker::Visitor(a) => match state.visitor(a) {
            Some(v) => format!("{} ({})", v.name, t.upper_level_guest),
            None => format!("{} (#{a})", t.upper_level_guest),
        },
    }
}

#[component]
fn Room(meeting: Meeting) -> impl IntoView {
    let i18n = use_i18n();
    let live = Live::new(meeting.id);
    live.connect();
    let online = window_event_listener(leptos::ev::online, move |_| live.wake());
    on_cleanup(move || {
        online.remove();
        live.dispose();
    });
    // A refusal from before the meeting closed means nothing any more.
    Effect::new(move |_| {
        if live.phase() == Some(Phase::Closed) {
            live.flash.set(None);
        }
    });
    let when = meeting
        .draft
        .starts_at
        .format("%H:%M · %d/%m/%Y")
        .to_string();
    let place = meeting.draft.place.clone();
    let id = meeting.id;
    // Those who manage the cell may still change a registration that has not opened.
    let manages = RwSignal::new(false);
    if meeting.status == MeetingStatus::Scheduled {
        let cell = meeting.cell_id;
        leptos::task::spawn_local(async move {
            if let Ok(detail) = api::organization(cell).await {
                manages.try_set(detail.access >= Access::Manage);
            }
        });
    }
    let phase = Memo::new(move |_| live.phase());
    let editable = move || manages.get() && matches!(phase.get(), None | Some(Phase::NotStarted));
    view! {
        <header class="room-head">
            <h1 id="room-title">{meeting.draft.title.clone()}</h1>
            <p class="muted">{when} {(!place.is_empty()).then(|| format!(" · {place}"))}</p>
            <LinkStatus live/>
            <div class="actions">
                <JoinButton link=meeting.draft.video_link.clone()/>
                <Show when=editable>
                    <A href=format!("/meetings/{id}/edit") attr:class="button secondary edit-meeting">
                        {move || i18n.t().edit_registration}
                    </A>
                </Show>
            </div>
        </header>
        <Flash live/>
        // Only a change of phase rebuilds the room: every other event updates
        // the panels in place, so what is being typed in them stays.
        {move || match phase.get() {
            None => view! { <p class="loading" role="status">{move || i18n.t().live_connecting}</p> }.into_any(),
            Some(Phase::NotStarted) => view! { <NotStarted live/> }.into_any(),
            Some(Phase::InProgress) => view! { <InProgress live/> }.into_any(),
            Some(Phase::Closed) => view! { <ClosedView live id/> }.into_any(),
        }}
    }
}

#[component]
fn LinkStatus(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let t = i18n.t();
        let pending = live.outbox.with(Vec::len);
        match live.link.get() {
            Link::Open => t.live_connected.to_string(),
            Link::Down if pending > 0 => format!("{} {pending} {}", t.live_lost, t.live_pending),
            _ => t.live_reconnecting.to_string(),
        }
    };
    let class = move || match live.link.get() {
        Link::Open => "link-status ok",
        Link::Connecting => "link-status wait",
        Link::Down => "link-status down",
    };
    view! { <p id="live-status" class=class role="status" aria-live="polite">{text}</p> }
}

#[component]
fn Flash(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        live.flash.get().map(|m| {
            view! {
                <div id="flash" class="flash" role="alert">
                    <p>{m}</p>
                    <button
                        type="button"
                        class="flash-close"
                        aria-label=move || i18n.t().close_notice
                        on:click=move |_| live.flash.set(None)
                    >
                        "×"
                    </button>
                </div>
            }
        })
    }
}

#[component]
fn NotStarted(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card live-card">
            <p class="big">{move || i18n.t().live_not_started}</p>
            <Show
                when=move || live.is_chair()
                fallback=move || view! { <p class="muted">{move || i18n.t().live_wait_chair}</p> }
            >
                <button id="btn-open" class="button huge" on:click=move |_| { live.run(Command::Open); }>
                    {move || i18n.t().live_open}
                </button>
            </Show>
        </div>
        <AgendaPanel live/>
    }
}

#[component]
fn InProgress(live: Live) -> impl IntoView {
    view! {
        <div class="room-grid">
            <div class="room-main">
                <CurrentItem live/>
                <VotePanel live/>
                <FloorPanel live/>
                <MyActions live/>
                <Show when=move || live.is_chair()>
                    <ChairPanel live/>
                </Show>
                <OpinionsPanel live/>
                <Show when=move || live.keeps_minutes()>
                    <SecretaryPanel live/>
                </Show>
            </div>
            <div class="room-side">
                <QueuePanel live/>
                <AttendancePanel live/>
                <AgendaPanel live/>
            </div>
        </div>
    }
}

#[component]
fn CurrentItem(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let current = move || {
        live.state
            .with(|s| s.as_ref().map(|s| (s.current_item, s.agenda.len())))
    };
    let item = move || {
        live.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.agenda.get(s.current_item).cloned())
        })
    };
    let go = move |delta: i64| {
        if let Some((now, _)) = current() {
            let target = now as i64 + delta;
            if target >= 0 {
                live.run(Command::MoveTo {
                    item: target as usize,
                });
            }
        }
    };
    view! {
        <div id="current-item" class="card live-card current">
            <p class="muted">
                {move || {
                    current()
                        .map(|(i, n)| format!("{} {}/{}", i18n.t().live_item, i + 1, n))
                }}
            </p>
            <p class="item-title">{move || item().map(|i| i.title)}</p>
            <p class="muted">{move || item().filter(|i| !i.presenter.is_empty()).map(|i| i.presenter)}</p>
            <Show when=move || live.is_chair() && live.in_progress()>
                <div class="actions two">
                    <button id="btn-prev" class="button secondary" on:click=move |_| go(-1)>
                        {move || i18n.t().live_prev}
                    </button>
                    <button id="btn-next" class="button" on:click=move |_| go(1)>
                        {move || i18n.t().live_next}
                    </button>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn FloorPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let tick = RwSignal::new(live::now_local());
    if let Ok(handle) =
        set_interval_with_handle(move || tick.set(live::now_local()), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }
    let floor = move || live.state.with(|s| s.as_ref().and_then(|s| s.floor));
    let mine =
        move || floor().is_some_and(|f| live.caller().is_some_and(|c| c.speaker == f.speaker));
    view! {
        <div id="floor" class="card live-card floor">
            <h2>{move || i18n.t().live_floor}</h2>
            {move || match floor() {
                None => view! { <p class="muted">{move || i18n.t().live_nobody_speaks}</p> }.into_any(),
                Some(f) => {
                    let name = live.state.with(|s| s.as_ref().map(|s| name_of(s, f.speaker, i18n.t())));
                    view! {
                        <p class="speaker">{name}</p>
                        <p class="timer" aria-label=move || i18n.t().live_speaking_for>
                            {move || live::clock((tick.get() - f.since).num_seconds())}
                        </p>
                    }
                        .into_any()
                }
            }}
            <Show when=move || floor().is_some() && (live.is_chair() || mine())>
                <button id="btn-end-floor" class="button secondary" on:click=move |_| { live.run(Command::EndFloor); }>
                    {move || i18n.t().live_end_floor}
                </button>
            </Show>
        </div>
    }
}

#[component]
fn MyActions(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let is_member = move || {
        live.caller()
            .is_some_and(|c| matches!(c.speaker, Speaker::Member(_)))
    };
    let present = move || {
        live.caller().is_some_and(|c| {
            live.state
                .with(|s| s.as_ref().is_some_and(|s| s.is_present(c.speaker)))
        })
    };
    let in_queue = move || {
        live.caller().is_some_and(|c| {
            live.state
                .with(|s| s.as_ref().is_some_and(|s| s.queue.contains(&c.speaker)))
        })
    };
    let opine = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if live.run(Command::Opine {
            text: text.get_untracked(),
            on_behalf_of: None,
        }) {
            text.set(String::new());
        }
    };
    view! {
        <div class="card live-card mine">
            <Show when=move || is_member() && !present()>
                <button id="btn-checkin" class="button huge" on:click=move |_| { live.run(Command::CheckIn); }>
                    {move || i18n.t().live_check_in}
                </button>
            </Show>
            <Show when=move || is_member() && present()>
                <p class="ok-line">{move || i18n.t().live_you_are_present}</p>
            </Show>
            {move || {
                if in_queue() {
                    view! {
                        <button id="btn-hand" class="button secondary huge" data-raised="true" on:click=move |_| { live.run(Command::WithdrawHand); }>
                            {move || i18n.t().live_withdraw_hand}
                        </button>
                    }
                        .into_any()
                } else {
                    view! {
                        <button id="btn-hand" class="button huge" data-raised="false" on:click=move |_| { live.run(Command::RaiseHand); }>
                            {move || i18n.t().live_raise_hand}
                        </button>
                    }
                        .into_any()
                }
            }}
            <form class="form opinion-form" on:submit=opine>
                <label for="opinion-text">{move || i18n.t().live_your_opinion}</label>
                <textarea
                    id="opinion-text"
                    rows="3"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                <button id="btn-opine" type="submit" class="button">
                    {move || i18n.t().live_send_opinion}
                </button>
            </form>
        </div>
    }
}

#[component]
fn VotePanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let last = move || {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.votes.len().checked_sub(1)))
    };
    move || {
        last().map(|index| {
            let record = move || live.state.with(|s| s.as_ref().and_then(|s| s.votes.get(index).cloned()));
            let is_open = move || record().is_some_and(|r| r.closed_at.is_none());
            let tally = move || live.state.with(|s| s.as_ref().and_then(|s| s.visible_tally(index)));
            let outcome = move || live.state.with(|s| s.as_ref().and_then(|s| s.vote_outcome(index)));
            let cast = move |choice: Choice| {
                live.run(Command::Cast {
                    vote: index,
                    choice,
                });
            };
            view! {
                <div id="vote" class="card live-card vote" data-open=move || is_open().to_string()>
                    <h2>{move || record().map(|r| r.plan.kind.label_vi())}</h2>
                    <p class="item-title">{move || record().map(|r| r.question)}</p>
                    <p class="muted plan">{move || record().map(|r| r.plan.explanation)}</p>
                    <p class="tally">
                        {move || match tally() {
                            Some(t) => format!(
                                "{} {} · {} {} · {} {}",
                                i18n.t().vote_for, t.in_favour, i18n.t().vote_against, t.against,
                                i18n.t().vote_abstain, t.abstain,
                            ),
                            None => i18n.t().vote_secret_hidden.to_string(),
                        }}
                    </p>
                    <Show when=is_open>
                        <div class="vote-buttons">
                            <button class="button huge btn-cast" data-choice="in_favour" on:click=move |_| cast(Choice::InFavour)>
                                {move || i18n.t().vote_for}
                            </button>
                            <button class="button secondary huge btn-cast" data-choice="against" on:click=move |_| cast(Choice::Against)>
                                {move || i18n.t().vote_against}
                            </button>
                            <button class="button secondary huge btn-cast" data-choice="abstain" on:click=move |_| cast(Choice::Abstain)>
                                {move || i18n.t().vote_abstain}
                            </button>
                        </div>
                        <Show when=move || live.is_chair()>
                            <button id="btn-close-vote" class="button danger" on:click=move |_| { live.run(Command::CloseVote { vote: index }); }>
                                {move || i18n.t().vote_close}
                            </button>
                        </Show>
                    </Show>
                    {move || outcome().map(|o| {
                        let (class, text) = match o {
                            Ok(o) => (if o.passed { "vote-outcome passed" } else { "vote-outcome failed" }, o.explanation),
                            Err(e) => ("vote-outcome failed", e.to_string()),
                        };
                        view! { <p class=class>{text}</p> }
                    })}
                </div>
            }
        })
    }
}

#[component]
fn ChairPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(VoteKind::Resolution);
    let secret = RwSignal::new(false);
    let question = RwSignal::new(String::new());
    let conclusion = RwSignal::new(String::new());
    let confirm_close = RwSignal::new(false);
    let open_vote = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if live.run(Command::OpenVote {
            kind: kind.get_untracked(),
            ballot: if secret.get_untracked() {
                Ballot::Secret
            } else {
                Ballot::Open
            },
            question: question.get_untracked(),
        }) {
            question.set(String::new());
        }
    };
    let conclude = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        live.run(Command::Conclude {
            text: conclusion.get_untracked(),
        });
    };
    view! {
        <div class="card live-card chair">
            <h2>{move || i18n.t().live_chair_tools}</h2>
            <form class="form" on:submit=open_vote>
                <label for="vote-kind">{move || i18n.t().vote_kind}</label>
                <select
                    id="vote-kind"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(k) = VoteKind::ALL.into_iter().find(|k| format!("{k:?}") == v) {
                            kind.set(k);
                        }
                    }
                >
                    {VoteKind::ALL
                        .into_iter()
                        .map(|k| view! { <option value=format!("{k:?}")>{k.label_vi()}</option> })
                        .collect_view()}
                </select>
                <label class="choice">
                    <input type="checkbox" id="vote-secret" prop:checked=move || secret.get() on:change=move |ev| secret.set(event_target_checked(&ev))/>
                    {move || i18n.t().vote_secret}
                </label>
                <label for="vote-question">{move || i18n.t().vote_question}</label>
                <input
                    id="vote-question"
                    prop:value=move || question.get()
                    on:input=move |ev| question.set(event_target_value(&ev))
                />
                <button id="btn-open-vote" type="submit" class="button">{move || i18n.t().vote_open}</button>
            </form>
            <form class="form" on:submit=conclude>
                <label for="conclusion-text">{move || i18n.t().live_conclusion}</label>
                <textarea
                    id="conclusion-text"
                    rows="3"
                    prop:value=move || conclusion.get()
                    on:input=move |ev| conclusion.set(event_target_value(&ev))
                ></textarea>
                <button id="btn-conclude" type="submit" class="button">{move || i18n.t().live_save_conclusion}</button>
            </form>
            <TaskForm live/>
            <div class="close-meeting">
                <Show
                    when=move || confirm_close.get()
                    fallback=move || view! {
                        <button id="btn-close" class="button danger wide" on:click=move |_| confirm_close.set(true)>
                            {move || i18n.t().live_close}
                        </button>
                    }
                >
                    <p class="big">{move || i18n.t().live_close_confirm_q}</p>
                    <div class="actions two">
                        <button id="btn-close-confirm" class="button" on:click=move |_| {
                            live.run(Command::Close);
                            confirm_close.set(false);
                        }>
                            {move || i18n.t().live_close_confirm}
                        </button>
                        <button class="button secondary" on:click=move |_| confirm_close.set(false)>
                            {move || i18n.t().cancel}
                        </button>
                    </div>
                </Show>
            </div>
        </div>
    }
}

#[component]
fn TaskForm(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let who = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let what = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let due_error = RwSignal::new(false);
    let roll = move || {
        live.state
            .with(|s| s.as_ref().map(|s| s.roll.clone()).unwrap_or_default())
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let due_text = due.get_untracked();
        let due_date = if due_text.trim().is_empty() {
            None
        } else {
            match shared::import::parse_date(&due_text) {
                Some(d) => Some(d),
                None => {
                    due_error.set(true);
                    return;
                }
            }
        };
        due_error.set(false);
        let assignee = who.get_untracked().parse().ok().map(shared::MemberId);
        let assignee_name = match assignee {
            Some(m) => live.state.with_untracked(|s| {
                s.as_ref()
                    .and_then(|s| s.roll_entry(m))
                    .map(|r| r.full_name.clone())
                    .unwrap_or_default()
            }),
            None => name.get_untracked(),
        };
        if live.run(Command::AssignTask {
            task: Task {
                assignee,
                assignee_name,
                what: what.get_untracked(),
                due: due_date,
            },
        }) {
            what.set(String::new());
            due.set(String::new());
        }
    };
    let tasks = move || {
        live.state
            .with(|s| s.as_ref().map(|s| s.tasks.clone()).unwrap_or_default())
    };
    view! {
        <form class="form task-form" on:submit=submit>
            <h3>{move || i18n.t().task_assign}</h3>
            <label for="task-who">{move || i18n.t().task_who}</label>
            <select id="task-who" on:change=move |ev| who.set(event_target_value(&ev))>
                <option value="">{move || i18n.t().task_free_name}</option>
                {move || roll()
                    .into_iter()
                    .map(|r| view! { <option value=r.member_id.to_string()>{r.full_name}</option> })
                    .collect_view()}
            </select>
            <Show when=move || who.get().is_empty()>
                <input
                    id="task-name"
                    aria-label=move || i18n.t().task_free_name
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
            </Show>
            <label for="task-what">{move || i18n.t().task_what}</label>
            <input id="task-what" prop:value=move || what.get() on:input=move |ev| what.set(event_target_value(&ev))/>
            <label for="task-due">{move || i18n.t().task_due}</label>
            <input
                id="task-due"
                inputmode="numeric"
                placeholder="dd/mm/yyyy"
                prop:value=move || due.get()
                on:input=move |ev| due.set(event_target_value(&ev))
            />
            <Show when=move || due_error.get()>
                <p class="field-error">{move || i18n.t().bad_date}</p>
            </Show>
            <button id="btn-assign" type="submit" class="button">{move || i18n.t().task_assign}</button>
            <ul class="tasks">
                {move || tasks()
                    .into_iter()
                    .map(|t| {
                        let due = t.due.map(|d| format!(" — {}", crate::ui::format_date(d)));
                        view! { <li><strong>{t.assignee_name}</strong>": "{t.what}{due}</li> }
                    })
                    .collect_view()}
            </ul>
        </form>
    }
}

#[component]
fn SecretaryPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let author = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let minutes = RwSignal::new(
        live.state
            .with_untracked(|s| s.as_ref().map(|s| s.minutes.clone()).unwrap_or_default()),
    );
    let roll = move || {
        live.state
            .with(|s| s.as_ref().map(|s| s.roll.clone()).unwrap_or_default())
    };
    let note = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(id) = author.get_untracked().parse() else {
            live.flash.set(Some(i18n.t().live_pick_author.to_string()));
            return;
        };
        if live.run(Command::Opine {
            text: text.get_untracked(),
            on_behalf_of: Some(Speaker::Member(shared::MemberId(id))),
        }) {
            text.set(String::new());
        }
    };
    let save_minutes = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        live.run(Command::EditMinutes {
            text: minutes.get_untracked(),
        });
    };
    view! {
        <div class="card live-card secretary">
            <h2>{move || i18n.t().live_secretary_tools}</h2>
            <form class="form" on:submit=note>
                <label for="note-author">{move || i18n.t().live_note_for}</label>
                <select id="note-author" on:change=move |ev| author.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    {move || roll()
                        .into_iter()
                        .map(|r| view! { <option value=r.member_id.to_string()>{r.full_name}</option> })
                        .collect_view()}
                </select>
                <textarea
                    id="note-text"
                    rows="2"
                    aria-label=move || i18n.t().live_your_opinion
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                <button id="btn-note" type="submit" class="button">{move || i18n.t().live_note}</button>
            </form>
            <form class="form" on:submit=save_minutes>
                <label for="minutes-text">{move || i18n.t().live_minutes_text}</label>
                <textarea
                    id="minutes-text"
                    rows="6"
                    prop:value=move || minutes.get()
                    on:input=move |ev| minutes.set(event_target_value(&ev))
                ></textarea>
                <button id="btn-minutes" type="submit" class="button">{move || i18n.t().save}</button>
            </form>
        </div>
    }
}

#[component]
fn QueuePanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let queue = move || {
        live.state.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.queue
                        .iter()
                        .map(|q| (*q, name_of(s, *q, i18n.t())))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div id="queue" class="card live-card">
            <h2>{move || i18n.t().live_queue}</h2>
            <Show when=move || queue().is_empty()>
                <p class="muted">{move || i18n.t().live_queue_empty}</p>
            </Show>
            <ol class="queue">
                {move || queue()
                    .into_iter()
                    .map(|(speaker, name)| view! {
                        <li>
                            <span>{name}</span>
                            <Show when=move || live.is_chair()>
                                <button class="button small btn-give" on:click=move |_| { live.run(Command::GiveFloor { speaker }); }>
                                    {move || i18n.t().live_give_floor}
                                </button>
                            </Show>
                        </li>
                    })
                    .collect_view()}
            </ol>
        </div>
    }
}

#[component]
fn AttendancePanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let figures = move || {
        live.state
            .with(|s| s.as_ref().map(|s| s.attendance_figures()))
    };
    let roll = move || {
        live.state
            .with(|s| s.as_ref().map(|s| s.roll.clone()).unwrap_or_default())
    };
    view! {
        <div id="attendance" class="card live-card">
            <h2>{move || i18n.t().live_attendance}</h2>
            {move || figures().map(|f| {
                let quality = if f.meets_quality { "quality ok" } else { "quality warn" };
                view! {
                    <p id="figures" class="figures">
                        <span class="n">{format!("{}/{}", f.present, f.expected)}</span>
                        " " {f.rate_display.clone()}
                    </p>
                    <p class=quality>{f.explanation.clone()}</p>
                }
            })}
            {move || {
                let names = live.state.with(|s| {
                    s.as_ref()
                        .map(|s| s.visitors.iter().map(|v| v.name.clone()).collect::<Vec<_>>())
                        .unwrap_or_default()
                });
                (!names.is_empty()).then(|| view! {
                    <p id="visitors" class="muted">
                        {format!("{}: {}", i18n.t().upper_level_guest, names.join(", "))}
                    </p>
                })
            }}
            <ul class="roll">
                // Keyed by member: a row, and what is being typed in it, outlives
                // every event that is not about its member.
                <For
                    each=roll
                    key=|entry| entry.member_id
                    children=move |entry| view! { <RollRow live entry/> }
                />
            </ul>
        </div>
    }
}

/// A time recorded on a present member's mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timed {
    /// Đến muộn.
    Late,
    /// Về sớm.
    Early,
}

impl Timed {
    fn get(self, mark: &AttendanceMark) -> Option<NaiveTime> {
        match self {
            Timed::Late => mark.arrived_late_at,
            Timed::Early => mark.left_early_at,
        }
    }

    fn set(self, mark: &mut AttendanceMark, at: Option<NaiveTime>) {
        match self {
            Timed::Late => mark.arrived_late_at = at,
            Timed::Early => mark.left_early_at = at,
        }
    }
}

/// What the roll says of a mark: presence, reason, late arrival, early leave.
fn mark_text(mark: Option<&AttendanceMark>, t: &Texts) -> String {
    let Some(mark) = mark else {
        return t.live_unmarked.to_string();
    };
    let mut text = mark.presence.label_vi().to_string();
    if mark.presence == Presence::AbsentWithReason && !mark.reason.is_empty() {
        text.push_str(&format!(": {}", mark.reason));
    }
    if mark.presence.is_present() {
        for (at, words) in [
            (mark.arrived_late_at, t.late_at),
            (mark.left_early_at, t.early_at),
        ] {
            if let Some(at) = at {
                text.push_str(&format!(" · {words} {}", at.format("%H:%M")));
            }
        }
    }
    text
}

#[component]
fn RollRow(live: Live, entry: RosterEntry) -> impl IntoView {
    let i18n = use_i18n();
    let member = entry.member_id;
    // Only this member's mark: an event about anyone else changes nothing here.
    let mark = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.mark_of(member).cloned()))
    });
    let marked = Memo::new(move |_| mark.with(Option::is_some));
    let present =
        Memo::new(move |_| mark.with(|m| m.as_ref().is_some_and(|m| m.presence.is_present())));
    let saved_reason =
        Memo::new(move |_| mark.with(|m| m.as_ref().map(|m| m.reason.clone()).unwrap_or_default()));
    let reason = RwSignal::new(saved_reason.get_untracked());
    // A reason recorded (here or by someone else) replaces what the box shows.
    Effect::watch(
        move || saved_reason.get(),
        move |saved, _, _| reason.set(saved.clone()),
        false,
    );
    let set = move |presence: Presence| {
        let mut new = AttendanceMark::new(member, presence);
        if presence == Presence::AbsentWithReason {
            new.reason = reason.get_untracked();
        }
        // Still present (in the room or online): a recorded late arrival or early leave stays.
        if presence.is_present()
            && let Some(old) = mark.get_untracked()
        {
            new.arrived_late_at = old.arrived_late_at;
            new.left_early_at = old.left_early_at;
        }
        live.run(Command::Mark { mark: new });
    };
    let status = entry.status;
    let t = move || i18n.t();
    view! {
        <li
            class="roll-row"
            data-member=member.to_string()
            data-marked=move || marked.get().to_string()
            data-present=move || present.get().to_string()
        >
            <p>
                <strong>{entry.full_name.clone()}</strong>
                {(status != shared::member::PartyStatus::Full).then(|| view! { <span class="tag">{status.label_vi()}</span> })}
            </p>
            <p class="muted mark-text">{move || mark.with(|m| mark_text(m.as_ref(), t()))}</p>
            <Show when=move || live.keeps_minutes() && live.in_progress()>
                // Open while the member is unmarked; closes once marked, then stays as the secretary leaves it.
                <details class="mark" open=move || !marked.get()>
                <summary>{move || t().mark_change}</summary>
                <div class="mark-buttons">
                    <button class="button small" data-presence="in_person" on:click=move |_| set(Presence::InPerson)>
                        {move || t().mark_in_person}
                    </button>
                    <button class="button small secondary" data-presence="online" on:click=move |_| set(Presence::Online)>
                        {move || t().mark_online}
                    </button>
                    <button class="button small secondary" data-presence="absent_with_reason" on:click=move |_| set(Presence::AbsentWithReason)>
                        {move || t().mark_absent_reason}
                    </button>
                    <button class="button small secondary" data-presence="absent_without_reason" on:click=move |_| set(Presence::AbsentWithoutReason)>
                        {move || t().mark_absent_no_reason}
                    </button>
                    <input
                        class="reason"
                        aria-label=move || t().mark_reason
                        placeholder=move || t().mark_reason
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    />
                </div>
                </details>
                <Show when=move || present.get()>
                    <TimedMarks live member mark/>
                </Show>
            </Show>
            <Show when=move || live.is_chair() && present.get()>
                <button class="button small secondary btn-give" on:click=move |_| { live.run(Command::GiveFloor { speaker: Speaker::Member(member) }); }>
                    {move || t().live_give_floor}
                </button>
            </Show>
        </li>
    }
}

/// Đến muộn lúc … / về sớm lúc …: the secretary or the chair records the time
/// (now, unless changed) on a present member's mark.
#[component]
fn TimedMarks(
    live: Live,
    member: shared::MemberId,
    mark: Memo<Option<AttendanceMark>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let editing = RwSignal::new(None::<Timed>);
    let at = RwSignal::new(String::new());
    let bad = RwSignal::new(false);
    let start = move |which: Timed| {
        let recorded = mark.with_untracked(|m| m.as_ref().and_then(|m| which.get(m)));
        let time = recorded.unwrap_or_else(|| live::now_local().time());
        at.set(time.format("%H:%M").to_string());
        bad.set(false);
        editing.set(Some(which));
    };
    let record = move |value: Option<NaiveTime>| {
        let (Some(which), Some(mut new)) = (editing.get_untracked(), mark.get_untracked()) else {
            return;
        };
        which.set(&mut new, value);
        if live.run(Command::Mark { mark: new }) {
            editing.set(None);
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = at.get_untracked();
        let text = text.trim();
        match NaiveTime::parse_from_str(text, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        {
            Ok(time) => {
                bad.set(false);
                record(Some(time));
            }
            Err(_) => bad.set(true),
        }
    };
    let input_id = format!("timed-{member}");
    view! {
        <div class="timed">
            <div class="mark-buttons">
                <button class="button small secondary btn-late" aria-pressed=move || (editing.get() == Some(Timed::Late)).to_string() on:click=move |_| start(Timed::Late)>
                    {move || t().mark_late}
                </button>
                <button class="button small secondary btn-early" aria-pressed=move || (editing.get() == Some(Timed::Early)).to_string() on:click=move |_| start(Timed::Early)>
                    {move || t().mark_early}
                </button>
            </div>
            {move || editing.get().map(|which| {
                let label = match which {
                    Timed::Late => t().late_at,
                    Timed::Early => t().early_at,
                };
                let recorded = mark.with(|m| m.as_ref().and_then(|m| which.get(m)).is_some());
                let input_id = input_id.clone();
                view! {
                    <form class="timed-form" on:submit=save>
                        <label for=input_id.clone()>{label}</label>
                        <input
                            id=input_id
                            class="timed-at"
                            type="time"
                            prop:value=move || at.get()
                            on:input=move |ev| at.set(event_target_value(&ev))
                        />
                        <button type="submit" class="button small btn-timed-save">{move || t().mark_time_save}</button>
                        {recorded.then(|| view! {
                            <button type="button" class="button small secondary btn-timed-clear" on:click=move |_| record(None)>
                                {move || t().mark_time_clear}
                            </button>
                        })}
                        <button type="button" class="button small secondary" on:click=move |_| editing.set(None)>
                            {move || t().cancel}
                        </button>
                        <Show when=move || bad.get()>
                            <p class="field-error">{move || t().mark_time_bad}</p>
                        </Show>
                    </form>
                }
            })}
        </div>
    }
}

#[component]
fn OpinionsPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let groups = move || {
        live.state.with(|s| {
            let Some(s) = s else { return Vec::new() };
            s.agenda
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    let ops: Vec<_> = s
                        .opinions
                        .iter()
                        .filter(|o| o.item == i)
                        .map(|o| {
                            (
                                name_of(s, o.author, i18n.t()),
                                matches!(o.author, Speaker::Visitor(_)),
                                o.text.clone(),
                            )
                        })
                        .collect();
                    (!ops.is_empty()).then(|| (i + 1, item.title.clone(), ops))
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div id="opinions" class="card live-card">
            <h2>{move || i18n.t().live_opinions}</h2>
            <Show when=move || groups().is_empty()>
                <p class="muted">{move || i18n.t().live_no_opinions}</p>
            </Show>
            {move || groups()
                .into_iter()
                .map(|(n, title, ops)| view! {
                    <h3 class="op-item">{format!("{n}. {title}")}</h3>
                    <ul class="opinions">
                        {ops.into_iter()
                            .map(|(name, visitor, text)| view! {
                                <li class="opinion" class:visitor=visitor>
                                    <strong>{name}</strong>
                                    {visitor.then(|| view! { <span class="tag">{move || i18n.t().upper_level_guest}</span> })}
                                    <p>{text}</p>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn AgendaPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let items = move || {
        live.state.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.agenda
                        .iter()
                        .enumerate()
                        .map(|(i, a)| {
                            (
                                i,
                                a.title.clone(),
                                a.planned_minutes,
                                i == s.current_item && s.phase == Phase::InProgress,
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div id="agenda" class="card live-card">
            <h2>{move || i18n.t().live_agenda}</h2>
            <ol class="agenda">
                {move || items()
                    .into_iter()
                    .map(|(i, title, minutes, current)| view! {
                        <li class:current=current aria-current=current.then_some("step")>
                            <span>{title}</span>
                            <span class="muted">{format!(" · {minutes}′")}</span>
                            <Show when=move || live.is_chair() && live.in_progress() && !current>
                                <button class="button small secondary" on:click=move |_| { live.run(Command::MoveTo { item: i }); }>
                                    {move || i18n.t().live_go_here}
                                </button>
                            </Show>
                        </li>
                    })
                    .collect_view()}
            </ol>
        </div>
    }
}

#[component]
fn ClosedView(live: Live, id: MeetingId) -> impl IntoView {
    let i18n = use_i18n();
    let report = RwSignal::new(None::<Result<ChainReport, String>>);
    let checking = RwSignal::new(false);
    let visitor = move || {
        live.caller()
            .is_some_and(|c| matches!(c.speaker, Speaker::Visitor(_)))
    };
    let verify = move |_| {
        checking.set(true);
        leptos::task::spawn_local(async move {
            let r = api::verify(id).await.map_err(|e| e.message(i18n.t()));
            report.set(Some(r));
            checking.set(false);
        });
    };
    view! {
        <div class="card live-card closed">
            <p class="big">{move || i18n.t().live_closed}</p>
            <div class="actions">
                <A href=format!("/meetings/{id}/minutes") attr:class="button" attr:id="link-minutes">
                    {move || i18n.t().minutes_print_link}
                </A>
                <a class="button secondary" href=format!("/api/meetings/{id}/minutes.docx") download="">
                    {move || i18n.t().minutes_docx}
                </a>
                <a class="button secondary" href=format!("/api/meetings/{id}/resolution.docx") download="">
                    {move || i18n.t().resolution_docx}
                </a>
            </div>
            <div class="verify" class:prominent=visitor>
                <button id="btn-verify" class="button" class:huge=visitor disabled=move || checking.get() on:click=verify>
                    {move || i18n.t().verify_chain}
                </button>
                {move || report.get().map(|r| match r {
                    Ok(r) => {
                        let class = if r.broken_at.is_none() { "notice" } else { "form-error" };
                        view! {
                            <div id="verify-result" class=class role="status">
                                <p>{r.message}</p>
                                <p class="digest">{format!("{}: {}", i18n.t().digest, r.digest)}</p>
                            </div>
                        }
                            .into_any()
                    }
                    Err(m) => view! { <p id="verify-result" class="form-error" role="alert">{m}</p> }.into_any(),
                })}
            </div>
        </div>
        <InClosedSummary live/>
    }
}

/// What was decided, read-only, under the closed meeting's links.
#[component]
fn InClosedSummary(live: Live) -> impl IntoView {
    view! {
        <div class="room-grid">
            <div class="room-main">
                <VotePanel live/>
                <OpinionsPanel live/>
            </div>
            <div class="room-side">
                <AttendancePanel live/>
                <AgendaPanel live/>
            </div>
        </div>
    }
}
