//! Phòng sinh hoạt trực tuyến: the live meeting on one screen, for a phone as
//! for a desktop. The state comes from the server's numbered events, folded
//! with `shared::live::state::apply`; commands are checked with `decide` first,
//! then kept in an outbox until the server answers.
//!
//! `connection` holds the link to the server (`Live`); every other module is
//! one panel of the screen, a view of `Live`'s state that proposes commands.

mod agenda;
mod attendance;
mod audio;
mod chair;
mod closed;
mod connection;
mod floor;
mod mine;
mod opinions;
mod preparation;
mod projector;
mod secretary;
mod status;
mod text_form;
mod vote;

use crate::api;
use crate::i18n::{Texts, use_i18n};
use crate::pages::meeting::JoinButton;
use crate::pages::org::{bad_address, param_id};
use crate::ui::loaded;
use agenda::{AgendaPanel, CurrentItem};
use attendance::AttendancePanel;
use audio::AudioPanel;
use chair::ChairPanel;
use closed::ClosedView;
use connection::Live;
use floor::{FloorPanel, QueueBadge, QueuePanel};
use leptos::prelude::*;
use leptos_router::components::A;
use mine::MyActions;
use opinions::OpinionsPanel;
use preparation::{AdvanceOpinionsPanel, PreparationPanel};
use secretary::SecretaryPanel;
use shared::MeetingId;
use shared::access::Access;
use shared::live::state::{Command, LiveState, Phase, Speaker};
use shared::meeting::{Meeting, MeetingStatus};
use status::{Flash, LinkStatus};
use vote::{CountersPanel, VoteAnnouncer, VotePanel};

pub use projector::ProjectorPage;

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
    view! {
        <section class="page room">
            {loaded(meeting, |m| {
                // A cancelled meeting has no room: it says so, with its reason.
                if m.cancelled.is_some() {
                    view! { <crate::pages::year::CancelledMeeting meeting=m/> }.into_any()
                } else {
                    view! { <Room meeting=m/> }.into_any()
                }
            })}
        </section>
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
    live.start();
    let online = window_event_listener(leptos::ev::online, move |_| live.wake());
    // A page going away closes its audio at once (the server hears it within
    // a millisecond, instead of 15 s of missed checks).
    let hidden = window_event_listener(leptos::ev::pagehide, move |_| live.audio.teardown());
    on_cleanup(move || {
        online.remove();
        hidden.remove();
        live.dispose();
    });
    // A refusal from before the meeting closed means nothing any more.
    Effect::new(move |_| {
        if live.phase() == Some(Phase::Closed) {
            live.flash.set(None);
            // Nobody is heard after the closing.
            if live.audio.wanted.get_untracked() {
                live.audio.stop(live);
            }
        }
    });
    let phase = Memo::new(move |_| live.phase());
    crate::pages::commitments::provide_agenda_commitments(&meeting);
    let record = meeting.clone();
    let documents = meeting.clone();
    view! {
        <RoomHead live meeting phase/>
        <Flash live/>
        // Only a change of phase rebuilds the room: every other event updates
        // the panels in place, so what is being typed in them stays.
        {move || match phase.get() {
            None => view! { <p class="loading" role="status">{move || i18n.t().live_connecting}</p> }.into_any(),
            Some(Phase::NotStarted) => view! { <NotStarted live/> }.into_any(),
            Some(Phase::InProgress) => view! { <InProgress live/> }.into_any(),
            Some(Phase::Closed) => view! { <ClosedView live meeting=record.clone()/> }.into_any(),
        }}
        <crate::pages::files::MeetingDocuments meeting=documents/>
    }
}

/// The title, time and place, the link's state, joining the video call, and
/// changing a registration that has not opened.
#[component]
fn RoomHead(live: Live, meeting: Meeting, phase: Memo<Option<Phase>>) -> impl IntoView {
    let i18n = use_i18n();
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
    let editable = move || manages.get() && matches!(phase.get(), None | Some(Phase::NotStarted));
    view! {
        <header class="room-head">
            <h1 id="room-title">{meeting.draft.title.clone()}</h1>
            <div class="room-when">
                <p class="muted">{when} {(!place.is_empty()).then(|| format!(" · {place}"))}</p>
                <LinkStatus live/>
            </div>
            <div class="actions">
                <JoinButton link=meeting.draft.video_link.clone()/>
                <Show when=editable>
                    <A href=format!("/meetings/{id}/edit") attr:class="button secondary edit-meeting">
                        {move || i18n.t().edit_registration}
                    </A>
                </Show>
                // The room's computer shows the meeting on its projector.
                <Show when=move || live.is_chair() || live.keeps_minutes()>
                    <a href=format!("/meetings/{id}/projector") target="_blank" rel="noopener" class="button secondary" id="link-projector">
                        {move || i18n.pick("Màn hình trình chiếu", "Projector view")}
                    </a>
                </Show>
                // An upper-level visitor reports on the visit from "my visits".
                <Show when=move || matches!(live.you.get(), Some(Speaker::Visitor(_)))>
                    <A href="/visits" attr:class="button secondary" attr:id="link-my-visits">
                        {move || i18n.t().my_visits_link}
                    </A>
                </Show>
            </div>
        </header>
    }
}

#[component]
fn NotStarted(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let open = move |confirm_early: bool| {
        live.run(Command::Open { confirm_early });
    };
    view! {
        <div class="card live-card">
            <p class="big">{move || i18n.t().live_not_started}</p>
            <Show
                when=move || live.is_chair()
                fallback=move || view! { <p class="muted">{move || i18n.t().live_wait_chair}</p> }
            >
                // More than OPENS_EARLY_MINUTES before the registered time the
                // state machine asks the chair first.
                {move || match live.opens_early.get() {
                    None => view! {
                        <button id="btn-open" class="button huge" on:click=move |_| open(false)>
                            {move || i18n.t().live_open}
                        </button>
                    }
                        .into_any(),
                    Some(starts_at) => view! {
                        <div id="opens-early" class="notice warn" role="alert">
                            <p class="big">
                                {move || format!(
                                    "{} {starts_at}{}",
                                    i18n.t().live_opens_early_before,
                                    i18n.t().live_opens_early_after,
                                )}
                            </p>
                            <div class="actions two">
                                <button id="btn-open-early" class="button" on:click=move |_| open(true)>
                                    {move || i18n.t().live_open_early}
                                </button>
                                <button class="button secondary" on:click=move |_| live.opens_early.set(None)>
                                    {move || i18n.t().cancel}
                                </button>
                            </div>
                        </div>
                    }
                        .into_any(),
                }}
            </Show>
        </div>
        <PreparationPanel live/>
        <AgendaPanel live/>
    }
}

/// The room while the meeting runs, laid out for a phone's first screen: a
/// vote open comes first (in the DOM, hence in the reading and focus order);
/// then, for the chair, who asks to speak and the item with its next step,
/// for a member, the item and their own state and buttons. The tools come after, folded.
#[component]
fn InProgress(live: Live) -> impl IntoView {
    let vote_open = Memo::new(move |_| vote::open_vote(live).is_some());
    let chair = Memo::new(move |_| live.is_chair());
    view! {
        <VoteAnnouncer live/>
        <Show when=move || chair.get()>
            <QueueBadge live/>
        </Show>
        <div class=move || { if chair.get() { "room-grid chairing" } else { "room-grid" } }>
            <div class="room-main">
                <Show when=move || vote_open.get()>
                    <VotePanel live/>
                </Show>
                <Show
                    when=move || chair.get()
                    fallback=move || view! { <CurrentItem live/> <MyActions live/> <FloorPanel live/> <AudioPanel live/> }
                >
                    <QueuePanel live/>
                    <CurrentItem live/>
                    <FloorPanel live/>
                    <AudioPanel live/>
                    <MyActions live/>
                </Show>
                <Show when=move || !vote_open.get()>
                    <VotePanel live/>
                </Show>
                <CountersPanel live/>
                <Show when=move || chair.get()>
                    <ChairPanel live/>
                </Show>
                <OpinionsPanel live/>
                <Show when=move || live.is_chair() || live.keeps_minutes()>
                    <AdvanceOpinionsPanel live/>
                </Show>
                <Show when=move || live.keeps_minutes()>
                    <SecretaryPanel live/>
                </Show>
            </div>
            <div class="room-side">
                <Show when=move || !chair.get()>
                    <QueuePanel live/>
                </Show>
                <AttendancePanel live/>
                <AgendaPanel live/>
            </div>
        </div>
    }
}
