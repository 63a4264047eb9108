//! Chi Bộ Số in the browser: a Leptos app rendered on the client, compiled to
//! WebAssembly. It talks JSON to the server and checks input with the same
//! `shared` rules the server applies again.

pub mod api;
pub mod banner;
pub mod i18n;
pub mod live;
pub mod pages;
pub mod push;
pub mod routes;
pub mod session;
pub mod shell;
pub mod ui;

use i18n::{provide_i18n, use_i18n};
use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::{Lazy, path};
use routes::guarded;
use session::{Phase, SessionState, provide_session, use_session};

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
                    <Route path=path!("/org") view={Lazy::<routes::OrgTree>::new()}/>
                    <Route path=path!("/org/:id") view={Lazy::<routes::Org>::new()}/>
                    <Route
                        path=path!("/org/:id/members/new")
                        view={Lazy::<routes::NewMember>::new()}
                    />
                    <Route path=path!("/org/:id/import") view={Lazy::<routes::Import>::new()}/>
                    <Route path=path!("/org/:id/rules") view={Lazy::<routes::RuleSet>::new()}/>
                    <Route
                        path=path!("/org/:id/oversight")
                        view={Lazy::<routes::Oversight>::new()}
                    />
                    <Route
                        path=path!("/org/:id/year-review/:year")
                        view={Lazy::<routes::YearReview>::new()}
                    />
                    <Route
                        path=path!("/org/:id/visits/plan")
                        view={Lazy::<routes::VisitPlan>::new()}
                    />
                    <Route path=path!("/org/:id/visits") view={Lazy::<routes::CellVisits>::new()}/>
                    <Route
                        path=path!("/org/:id/recommendations")
                        view={Lazy::<routes::CellVisits>::new()}
                    />
                    <Route path=path!("/visits") view={Lazy::<routes::MyVisits>::new()}/>
                    <Route
                        path=path!("/commitments")
                        view={Lazy::<routes::MyCommitments>::new()}
                    />
                    <Route
                        path=path!("/org/:id/commitments")
                        view={Lazy::<routes::CellCommitments>::new()}
                    />
                    <Route
                        path=path!("/org/:id/inspections")
                        view={Lazy::<routes::Inspections>::new()}
                    />
                    <Route path=path!("/rating/:year") view={Lazy::<routes::MyRating>::new()}/>
                    <Route
                        path=path!("/org/:id/rating/:year")
                        view={Lazy::<routes::RatingBoard>::new()}
                    />
                    <Route path=path!("/members/:id") view={Lazy::<routes::EditMember>::new()}/>
                    <Route
                        path=path!("/organizations/:id/meetings/new")
                        view={Lazy::<routes::NewMeeting>::new()}
                    />
                    <Route path=path!("/meetings/:id") view={Lazy::<routes::Room>::new()}/>
                    <Route path=path!("/meetings/:id/projector") view={Lazy::<routes::Projector>::new()}/>
                    <Route
                        path=path!("/meetings/:id/edit")
                        view={Lazy::<routes::EditMeeting>::new()}
                    />
                    <Route
                        path=path!("/meetings/:id/minutes")
                        view={Lazy::<routes::Minutes>::new()}
                    />
                    <Route path=path!("/meetings/:id/score") view={Lazy::<routes::Score>::new()}/>
                    <Route path=path!("/guidance/:id") view={Lazy::<routes::Guidance>::new()}/>
                    <Route path=path!("/account") view={Lazy::<routes::Account>::new()}/>
                    <Route path=path!("/admin/accounts") view={Lazy::<routes::Accounts>::new()}/>
                    <Route
                        path=path!("/notifications")
                        view={Lazy::<routes::Notifications>::new()}
                    />
                </Routes>
            </main>
            <BottomNav/>
        </Router>
    }
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
