//! "Đang họp": a banner above every page while a meeting of my cell is live,
//! one tap from its room (where an open vote is at the top).
//!
//! No request of its own on each page: the home page's answer fills it, and
//! it asks again only when it does not know yet (the app opened on another
//! page), when the bell's unread count rises (a meeting opening sends a
//! notice), when the phone shows the app again, and when a member leaves a
//! live meeting's room (it may have closed).

use crate::api;
use crate::i18n::use_i18n;
use crate::pages::notifications::Unread;
use crate::session::{Phase, use_session};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use shared::MeetingId;
use shared::api::Home;
use shared::meeting::MeetingStatus;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct LiveMeeting {
    id: MeetingId,
    title: String,
}

/// The live meetings of my cell; `None` until known.
#[derive(Clone, Copy)]
pub struct LiveNow(RwSignal<Option<Vec<LiveMeeting>>>);

/// Called once by the app, above the banner and the pages.
pub fn provide_live_now() {
    provide_context(LiveNow(RwSignal::new(None)));
}

/// The home page's answer holds the same meetings: the banner takes them from it.
pub fn note_home(home: &Home) {
    if let Some(LiveNow(live)) = use_context::<LiveNow>() {
        live.set(Some(live_of(home)));
    }
}

fn live_of(home: &Home) -> Vec<LiveMeeting> {
    let my_cell = home.me.cell.as_ref().map(|c| c.id);
    home.upcoming_meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Live && Some(m.cell_id) == my_cell)
        .map(|m| LiveMeeting {
            id: m.id,
            title: m.draft.title.clone(),
        })
        .collect()
}

/// The meeting whose room (or projector view) `path` is, if any.
pub fn room_of(path: &str) -> Option<MeetingId> {
    let rest = path.strip_prefix("/meetings/")?;
    let id = rest.split('/').next()?;
    let tail = &rest[id.len()..];
    matches!(tail, "" | "/" | "/projector")
        .then(|| id.parse().ok().map(MeetingId))
        .flatten()
}

#[component]
pub fn LiveBanner() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let LiveNow(live) = expect_context::<LiveNow>();
    let unread = use_context::<Unread>().map(|u| u.0);
    let location = use_location();
    let logged_in = move || session.phase() == Phase::In;

    let ask = move || {
        leptos::task::spawn_local(async move {
            if let Ok(home) = api::home().await {
                live.set(Some(live_of(&home)));
            }
        });
    };
    // Not known yet (home fills it itself), or logged out (another person
    // may log in next).
    Effect::new(
        move |_| match (logged_in(), live.with_untracked(Option::is_some)) {
            (true, false) if location.pathname.get_untracked() != "/" => ask(),
            (false, true) => live.set(None),
            _ => {}
        },
    );
    if let Some(unread) = unread {
        Effect::new(move |before: Option<u32>| {
            let now = unread.get();
            if before.is_some_and(|b| now > b) && logged_in() {
                ask();
            }
            now
        });
    }
    // Leaving a live meeting's room: it may have closed meanwhile.
    Effect::new(move |before: Option<Option<MeetingId>>| {
        let here = room_of(&location.pathname.get());
        if let Some(Some(left)) = before
            && here != Some(left)
            && live.with_untracked(|l| l.as_ref().is_some_and(|l| l.iter().any(|m| m.id == left)))
        {
            ask();
        }
        here
    });
    let shown = window_event_listener(
        leptos::ev::Custom::<web_sys::Event>::new("visibilitychange"),
        move |_| {
            if !document().hidden() && logged_in() {
                ask();
            }
        },
    );
    on_cleanup(move || shown.remove());

    let banners = move || {
        if !logged_in() {
            return Vec::new();
        }
        // In the room itself, the banner would only lead back to it.
        let here = room_of(&location.pathname.get());
        live.get()
            .unwrap_or_default()
            .into_iter()
            .filter(|m| Some(m.id) != here)
            .collect::<Vec<_>>()
    };
    view! {
        <For each=banners key=|m| m.clone() let:m>
            <A
                href=format!("/meetings/{}", m.id)
                attr:class="live-banner"
                attr:data-meeting=m.id.to_string()
            >
                <span class="live-banner-dot" aria-hidden="true"></span>
                <span class="live-banner-text">
                    <strong>{move || i18n.t().live_banner}</strong>
                    ": "
                    {m.title.clone()}
                </span>
                <span class="live-banner-go">{move || i18n.t().live_banner_go} " →"</span>
            </A>
        </For>
    }
}
