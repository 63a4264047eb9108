//! Màn hình trình chiếu: the live meeting on the room's projector, for a cell
//! meeting around one computer with members online beside it. Read-only: it
//! follows the same numbered events as the room and proposes no command, so it
//! keeps no outbox. Sized to be read from five metres at 1920×1080: the
//! current item, who has the floor and who waits, the vote's question and
//! then its result, the attendance figures.

use super::connection::Live;
use super::name_of;
use crate::api;
use crate::i18n::{Lang, use_i18n};
use crate::live::{self, turnout};
use crate::pages::org::{bad_address, param_id};
use crate::ui::loaded;
use leptos::prelude::*;
use shared::MeetingId;
use shared::i18n::Message;
use shared::live::state::{LiveState, Phase};
use shared::meeting::Meeting;
use shared::rules::vote::Ballot;
use std::time::Duration;

/// How many of those waiting to speak the projector names; the rest are counted.
const QUEUE_SHOWN: usize = 5;

#[component]
pub fn ProjectorPage() -> impl IntoView {
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
        <section class="projector" id="projector">
            {loaded(meeting, |m| view! { <Projector meeting=m/> })}
        </section>
    }
}

#[component]
fn Projector(meeting: Meeting) -> impl IntoView {
    let i18n = use_i18n();
    let live = Live::watching(meeting.id);
    live.start();
    on_cleanup(move || live.dispose());
    let phase = Memo::new(move |_| live.phase());
    let when = meeting
        .draft
        .starts_at
        .format("%H:%M · %d/%m/%Y")
        .to_string();
    view! {
        <header class="projector-head">
            <h1 id="projector-title">{meeting.draft.title.clone()}</h1>
            <p>{when}</p>
            <p class="projector-link" role="status">
                {move || match live.link.get() {
                    super::connection::Link::Open => "",
                    _ => i18n.pick("Đang kết nối lại…", "Reconnecting…"),
                }}
            </p>
        </header>
        {move || match phase.get() {
            None => view! { <p class="projector-big">{move || i18n.t().live_connecting}</p> }.into_any(),
            Some(Phase::NotStarted) => view! {
                <p class="projector-big" id="projector-phase">
                    {move || i18n.pick("Buổi sinh hoạt chưa bắt đầu", "The meeting has not started")}
                </p>
                <ProjectorAttendance live/>
            }
            .into_any(),
            Some(Phase::InProgress) => view! {
                <div class="projector-grid">
                    <ProjectorItem live/>
                    <ProjectorVote live/>
                    <ProjectorFloor live/>
                    <ProjectorAttendance live/>
                </div>
            }
            .into_any(),
            Some(Phase::Closed) => view! {
                <p class="projector-big" id="projector-phase">
                    {move || i18n.pick("Buổi sinh hoạt đã bế mạc", "The meeting has closed")}
                </p>
                <div class="projector-grid">
                    <ProjectorVote live/>
                    <ProjectorAttendance live/>
                </div>
            }
            .into_any(),
        }}
    }
}

/// "Nội dung 2/5" and its title and presenter.
#[component]
fn ProjectorItem(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let item = move || {
        live.state.with(|s| {
            let s = s.as_ref()?;
            let item = s.agenda.get(s.current_item)?;
            Some((
                s.current_item + 1,
                s.agenda.len(),
                item.title.clone(),
                item.presenter.clone(),
            ))
        })
    };
    view! {
        <div class="projector-card projector-item" id="projector-item">
            {move || item().map(|(n, of, title, presenter)| view! {
                <p class="projector-label">{format!("{} {n}/{of}", i18n.t().live_item)}</p>
                <p class="projector-title">{title}</p>
                {(!presenter.is_empty()).then(|| view! { <p class="projector-muted">{presenter}</p> })}
            })}
        </div>
    }
}

/// Who has the floor, for how long, and who waits.
#[component]
fn ProjectorFloor(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let tick = RwSignal::new(live::now_local());
    if let Ok(handle) =
        set_interval_with_handle(move || tick.set(live::now_local()), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }
    let floor = move || {
        live.state.with(|s| {
            let s = s.as_ref()?;
            let f = s.floor?;
            Some((name_of(s, f.speaker, i18n.t()), f.since))
        })
    };
    let queue = move || {
        live.state.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.queue
                        .iter()
                        .map(|q| name_of(s, *q, i18n.t()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="projector-card" id="projector-floor">
            <p class="projector-label">{move || i18n.t().live_floor}</p>
            {move || match floor() {
                Some((name, since)) => view! {
                    <p class="projector-title" id="projector-speaker">{name}</p>
                    <p class="projector-timer">{move || live::clock((tick.get() - since).num_seconds())}</p>
                }
                .into_any(),
                None => view! { <p class="projector-muted">{move || i18n.t().live_nobody_speaks}</p> }.into_any(),
            }}
            <p class="projector-label">
                {move || format!("{} ({})", i18n.t().live_queue, queue().len())}
            </p>
            <ol class="projector-queue" id="projector-queue">
                {move || {
                    let q = queue();
                    let more = q.len().saturating_sub(QUEUE_SHOWN);
                    let shown: Vec<_> = q.into_iter().take(QUEUE_SHOWN).map(|n| view! { <li>{n}</li> }).collect();
                    view! {
                        {shown}
                        {(more > 0).then(|| view! {
                            <li class="projector-muted">{move || match i18n.lang() {
                                Lang::Vi => format!("và {more} người nữa"),
                                Lang::En => format!("and {more} more"),
                            }}</li>
                        })}
                    }
                }}
            </ol>
        </div>
    }
}

/// The last vote: its question and how many have voted while open; its
/// result once closed (a secret ballot's count stays hidden until then).
#[component]
fn ProjectorVote(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let vote = move || {
        live.state.with(|s| {
            let s: &LiveState = s.as_ref()?;
            let index = s.votes.len().checked_sub(1)?;
            let record = s.votes.get(index)?;
            let open = record.closed_at.is_none();
            let tally = s
                .visible_tally(index)
                .filter(|_| open || record.tally.is_some());
            let (online, in_room) = turnout(record);
            let outcome = s.vote_outcome(index).map(|o| match o {
                Ok(o) => (o.passed, o.explanation(i18n.lang()).to_string()),
                Err(e) => (false, e.text(i18n.lang())),
            });
            Some((
                record.question.clone(),
                open,
                record.plan.ballot == Ballot::Secret,
                tally,
                online.saturating_add(in_room),
                record.plan.voters.len(),
                outcome,
            ))
        })
    };
    move || {
        vote().map(|(question, open, secret, tally, voted, voters, outcome)| {
            let t = i18n.t();
            let count = match tally {
                Some(t2) => format!(
                    "{} {} · {} {} · {} {}",
                    t.vote_for, t2.in_favour, t.vote_against, t2.against, t.vote_abstain, t2.abstain
                ),
                None if secret => t.vote_secret_hidden.to_string(),
                None => String::new(),
            };
            view! {
                <div class="projector-card projector-vote" id="projector-vote" data-open=open.to_string()>
                    <p class="projector-label">
                        {if open { i18n.pick("Đang biểu quyết", "Voting") } else { i18n.pick("Kết quả biểu quyết", "Vote result") }}
                    </p>
                    <p class="projector-title">{question}</p>
                    <p class="projector-count">{count}</p>
                    <p class="projector-muted" id="projector-turnout">
                        {format!("{}: {voted}/{voters}", t.vote_turnout)}
                    </p>
                    {outcome.map(|(passed, text)| view! {
                        <p class=if passed { "projector-outcome passed" } else { "projector-outcome failed" } id="projector-outcome">{text}</p>
                    })}
                </div>
            }
        })
    }
}

/// Present out of expected, and the rate.
#[component]
fn ProjectorAttendance(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let figures = move || {
        live.state
            .with(|s| s.as_ref().map(|s| s.attendance_figures()))
    };
    view! {
        <div class="projector-card" id="projector-attendance">
            <p class="projector-label">{move || i18n.t().live_attendance}</p>
            {move || figures().map(|f| view! {
                <p class="projector-title" id="projector-figures">{format!("{}/{} · {}", f.present, f.expected, f.rate_display)}</p>
                <p class="projector-muted">
                    {move || match i18n.lang() {
                        Lang::Vi => format!("Trực tiếp {} · trực tuyến {}", f.present_in_person, f.present_online),
                        Lang::En => format!("In person {} · online {}", f.present_in_person, f.present_online),
                    }}
                </p>
            })}
        </div>
    }
}
