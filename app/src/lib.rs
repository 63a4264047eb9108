//! Chi Bộ Số in the browser: a Leptos app rendered on the client, compiled to
//! WebAssembly. It talks JSON to the server and checks input with the same
//! `shared` rules the server applies again.

pub mod api;
pub mod banner;
pub mod i18n;
pub mod live;
pub mod pages;
pub mod push;
pub mod session;
pub mod shell;
pub mod ui;

use i18n::{provide_i18n, use_i18n};
use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;
use session::{Phase, SessionState, provide_session, use_session};
use ui::Protected;

/// Starts the app in `<body>`, replacing the loading text and the login form
/// of `index.html` (once the person is not using that form).
pub fn start() {
    console_error_panic_hook::set_once();
    shell::when_free(|| {
        if let Some(boot) = document().get_element_by_id("boot") {
            boot.remove();
        }
        mount_to_body(App);
    });
}

#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    if shell::knew_logged_out() {
        provide_session(SessionState::LoggedOut);
    } else {
        provide_session(SessionState::Checking).check();
    }
    pages::notifications::provide_unread();
    banner::provide_live_now();
    view! {
        <Router>
            <TopBar/>
            <main id="main">
                <banner::LiveBanner/>
                <Routes fallback=NotFound>
                    <Route path=path!("/login") view=pages::login::LoginPage/>
                    <Route path=path!("/") view=|| guarded(pages::home::HomePage)/>
                    <Route path=path!("/org") view=|| guarded(pages::org::OrgTreePage)/>
                    <Route path=path!("/org/:id") view=|| guarded(pages::org::OrgPage)/>
                    <Route
                        path=path!("/org/:id/members/new")
                        view=|| guarded(pages::member::NewMemberPage)
                    />
                    <Route path=path!("/org/:id/import") view=|| guarded(pages::import::ImportPage)/>
                    <Route path=path!("/org/:id/rules") view=|| guarded(pages::rulesets::RuleSetPage)/>
                    <Route
                        path=path!("/org/:id/oversight")
                        view=|| guarded(pages::oversight::OversightPage)
                    />
                    <Route
                        path=path!("/org/:id/year-review/:year")
                        view=|| guarded(pages::classification::YearReviewPage)
                    />
                    <Route
                        path=path!("/org/:id/visits/plan")
                        view=|| guarded(pages::visits::VisitPlanPage)
                    />
                    <Route path=path!("/org/:id/visits") view=|| guarded(pages::visits::CellVisitsPage)/>
                    <Route
                        path=path!("/org/:id/recommendations")
                        view=|| guarded(pages::visits::CellVisitsPage)
                    />
                    <Route path=path!("/visits") view=|| guarded(pages::visits::MyVisitsPage)/>
                    <Route
                        path=path!("/commitments")
                        view=|| guarded(pages::commitments::MyCommitmentsPage)
                    />
                    <Route
                        path=path!("/org/:id/commitments")
                        view=|| guarded(pages::commitments::CellCommitmentsPage)
                    />
                    <Route
                        path=path!("/org/:id/inspections")
                        view=|| guarded(pages::inspections::InspectionsPage)
                    />
                    <Route path=path!("/rating/:year") view=|| guarded(pages::rating::MyRatingPage)/>
                    <Route
                        path=path!("/org/:id/rating/:year")
                        view=|| guarded(pages::rating::RatingBoardPage)
                    />
                    <Route path=path!("/members/:id") view=|| guarded(pages::member::EditMemberPage)/>
                    <Route
                        path=path!("/organizations/:id/meetings/new")
                        view=|| guarded(pages::meeting::NewMeetingPage)
                    />
                    <Route path=path!("/meetings/:id") view=|| guarded(pages::room::RoomPage)/>
                    <Route path=path!("/meetings/:id/projector") view=|| guarded(pages::room::ProjectorPage)/>
                    <Route
                        path=path!("/meetings/:id/edit")
                        view=|| guarded(pages::meeting::EditMeetingPage)
                    />
                    <Route
                        path=path!("/meetings/:id/minutes")
                        view=|| guarded(pages::minutes::MinutesPage)
                    />
                    <Route path=path!("/meetings/:id/score") view=|| guarded(pages::score::ScorePage)/>
                    <Route path=path!("/guidance/:id") view=|| guarded(pages::guidance::GuidancePage)/>
                    <Route path=path!("/account") view=|| guarded(pages::account::AccountPage)/>
                    <Route path=path!("/admin/accounts") view=|| guarded(pages::admin::AccountsPage)/>
                    <Route
                        path=path!("/notifications")
                        view=|| guarded(pages::notifications::NotificationsPage)
                    />
                </Routes>
            </main>
            <BottomNav/>
        </Router>
    }
}

fn guarded<V: IntoView + 'static>(page: fn() -> V) -> impl IntoView {
    view! { <Protected>{move || page()}</Protected> }
}

#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page">
            <h1>{move || i18n.t().not_found}</h1>
            <A href="/" attr:class="button">{move || i18n.t().go_home}</A>
        </section>
    }
}

/// The app's name, and the language switch (also on the login page).
#[component]
fn TopBar() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let logged_in = move || session.phase() == Phase::In;
    view! {
        <header class="top-bar">
            <A href="/" attr:class="brand">{move || i18n.t().app_name}</A>
            <Show when=logged_in>
                <nav class="top-nav" aria-label=move || i18n.t().main_menu>
                    <NavLinks/>
                </nav>
                <pages::notifications::NoticeBell/>
            </Show>
            <LanguageToggle/>
        </header>
    }
}

/// The same links at the bottom of a phone's screen, within reach of the thumb.
#[component]
fn BottomNav() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <Show when=move || session.phase() == Phase::In>
            <nav class="bottom-nav" aria-label=move || i18n.t().main_menu>
                <NavLinks/>
            </nav>
        </Show>
    }
}

#[component]
fn NavLinks() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <A href="/" exact=true>{move || i18n.t().nav_home}</A>
        <A href="/org">{move || i18n.t().nav_org}</A>
        <A href="/account">{move || i18n.t().nav_account}</A>
        <Show when=move || session.is_admin()>
            <A href="/admin/accounts">{move || i18n.t().nav_admin}</A>
        </Show>
    }
}

#[component]
pub fn LanguageToggle() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            class="lang-toggle"
            type="button"
            title=move || i18n.t().language
            lang=move || if i18n.lang() == i18n::Lang::Vi { "en" } else { "vi" }
            on:click=move |_| i18n.toggle()
        >
            {move || i18n.t().other_language}
        </button>
    }
}
