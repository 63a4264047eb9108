//! Trang chủ: who I am in the party, the cells I can see, the meetings ahead.

use crate::api;
use crate::i18n::use_i18n;
use crate::pages::meeting::MeetingCard;
use crate::pages::tasks::MyTasks;
use crate::ui::loaded;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::api::{Home, Me};
use shared::meeting::Meeting;
use shared::org::{OrgEntry, Organization};

#[component]
pub fn HomePage() -> impl IntoView {
    let home = LocalResource::new(api::home);
    // The "Đang họp" banner above the page takes the live meetings from here.
    Effect::new(move |_| {
        if let Some(Ok(h)) = home.get() {
            crate::banner::note_home(&h);
        }
    });
    // Back to a phone left on this page: whether a meeting went live meanwhile.
    let shown = window_event_listener(
        leptos::ev::Custom::<web_sys::Event>::new("visibilitychange"),
        move |_| {
            if !document().hidden() {
                home.refetch();
            }
        },
    );
    on_cleanup(move || shown.remove());
    view! { <section class="page">{loaded(home, |h| view! { <HomeView home=h/> })}</section> }
}

#[component]
fn HomeView(home: Home) -> impl IntoView {
    let i18n = use_i18n();
    let Home {
        me,
        cells,
        upcoming_meetings,
    } = home;
    let my_cell = me.cell.as_ref().map(|c| c.id);
    if !upcoming_meetings.is_empty() {
        crate::routes::prefetch_room();
    }
    view! {
        <h1>{move || i18n.t().hello} ", " {me.account.display_name.clone()}</h1>
        <MyPlace me=me.clone()/>
        {my_cell.map(|org| view! { <crate::pages::guidance::MonthGuidance org/> })}
        {me.member.is_some().then(|| view! {
            <p class="actions"><crate::pages::rating::SelfRatingLink/></p>
        })}
        {me.member.is_some().then(|| view! { <MyTasks/> })}
        {me.member.is_some().then(|| view! {
            <p class="actions"><crate::pages::commitments::CommitmentsLink/></p>
        })}
        {(!me.committees.is_empty() || !me.assigned_cells.is_empty()).then(|| view! {
            <p class="actions">
                <A href="/visits" attr:class="button secondary" attr:id="btn-my-visits">
                    {move || i18n.t().my_visits_link}
                </A>
            </p>
        })}
        <OrgList title=Signal::derive(move || i18n.t().committees_title) orgs=me.committees dashboard=true/>
        <OrgList title=Signal::derive(move || i18n.t().assigned_title) orgs=me.assigned_cells dashboard=false/>
        <Meetings meetings=upcoming_meetings cells=cells.clone()/>
        <Cells cells/>
    }
}

/// My cell, my role, my status.
#[component]
fn MyPlace(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let role = me.role();
    let status = me.member.as_ref().map(|m| m.draft.status);
    let is_admin = me.actor.is_admin;
    let body = match me.cell {
        Some(cell) => view! {
            <dl class="facts">
                <dt>{move || i18n.t().my_cell}</dt>
                <dd>
                    <A href=format!("/org/{}", cell.id)>{cell.name}</A>
                </dd>
                {role.map(|r| view! {
                    <dt>{move || i18n.t().my_role}</dt>
                    <dd class="role">{move || i18n.pick(r.label_vi(), r.label_en())}</dd>
                })}
                {status.map(|s| view! {
                    <dt>{move || i18n.t().my_status}</dt>
                    <dd>{move || i18n.pick(s.label_vi(), s.label_en())}</dd>
                })}
            </dl>
        }
        .into_any(),
        None => view! { <p class="muted">{move || i18n.t().no_member_record}</p> }.into_any(),
    };
    view! {
        <div class="card">
            {body}
            {is_admin.then(|| view! { <p class="badge">{move || i18n.t().admin_badge}</p> })}
        </div>
    }
}

/// Committees I sit on, or cells I am assigned to follow; nothing when empty.
#[component]
fn OrgList(title: Signal<&'static str>, orgs: Vec<Organization>, dashboard: bool) -> impl IntoView {
    let i18n = use_i18n();
    (!orgs.is_empty()).then(|| {
        view! {
            <h2>{title}</h2>
            <ul class="link-list">
                {orgs
                    .into_iter()
                    .map(|o| view! {
                        <li>
                            <A href=format!("/org/{}", o.id)>{o.name}</A>
                            // A committee's dashboard of every cell below it.
                            {dashboard.then(|| view! {
                                <A href=format!("/org/{}/oversight", o.id) attr:class="oversight-link">
                                    {move || i18n.pick("Theo dõi các chi bộ", "Every cell at a glance")}
                                </A>
                            })}
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
    })
}

#[component]
fn Cells(cells: Vec<OrgEntry>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2>{move || i18n.t().cells_title}</h2>
        {if cells.is_empty() {
            view! { <p class="empty">{move || i18n.t().no_cells}</p> }.into_any()
        } else {
            view! {
                <ul class="link-list cells">
                    {cells
                        .into_iter()
                        .map(|c| {
                            let n = c.member_count;
                            view! {
                                <li>
                                    <A href=format!("/org/{}", c.org.id)>
                                        <span class="name">{c.org.name}</span>
                                        <span class="count">
                                            {move || format!("{n} {}", i18n.t().members_unit)}
                                        </span>
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}

/// Meetings registered from today on; an honest empty state when there are none.
#[component]
fn Meetings(meetings: Vec<Meeting>, cells: Vec<OrgEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let cell_name = move |m: &Meeting| {
        cells
            .iter()
            .find(|c| c.org.id == m.cell_id)
            .map(|c| c.org.name.clone())
    };
    view! {
        <h2>{move || i18n.t().upcoming_title}</h2>
        {if meetings.is_empty() {
            view! { <p class="empty">{move || i18n.t().no_meetings}</p> }.into_any()
        } else {
            view! {
                <ul class="meetings">
                    {meetings
                        .into_iter()
                        .map(|m| {
                            let cell_name = cell_name(&m);
                            view! { <MeetingCard meeting=m cell_name/> }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}
