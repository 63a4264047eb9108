//! The pages loaded when visited. Login and home (and the shell: header,
//! menus, banner) are the main wasm module, so the first load carries only
//! what the first screen needs; every other page is a lazy route whose code
//! `scripts/build-app` splits into the module of its group. Groups, not one
//! module per page: pages of a group share most of their code, and each
//! split point multiplies the small modules of code shared between splits
//! (26 pages gave over 400 of them, each a request).

use crate::pages;
use crate::ui::Protected;
use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// A page for signed-in members, behind the session check.
pub fn guarded<V: IntoView + 'static>(page: fn() -> V) -> impl IntoView {
    view! { <Protected>{move || page()}</Protected> }
}

/// `group!(loader, preload, Kind { Route => page_fn, … })`: one split module
/// (`loader`, fetched once by `preload`) holding the pages of the group; a
/// route type per page for the router. The page is chosen inside the module,
/// so the main module never refers to a page's code.
macro_rules! group {
    ($(#[$doc:meta])* $loader:ident, $preload:ident, $kind:ident { $($route:ident => $page:path,)+ }) => {
        #[derive(Clone, Copy)]
        enum $kind {
            $($route,)+
        }

        $(#[$doc])*
        #[lazy]
        fn $loader(page: $kind) -> AnyView {
            match page {
                $($kind::$route => guarded($page).into_any(),)+
            }
        }

        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                async fn view(_this: Self) -> AnyView {
                    $loader($kind::$route).await
                }

                async fn preload() {
                    $preload().await;
                }
            }
        )+
    };
}

group!(
    /// Phòng họp trực tiếp: the live room and its projector view.
    live_room, __preload_live_room, LiveRoom {
        Room => pages::room::RoomPage,
        Projector => pages::room::ProjectorPage,
    }
);

group!(
    /// A meeting outside the room: its form, minutes and score.
    meeting_pages, __preload_meeting_pages, MeetingPages {
        NewMeeting => pages::meeting::NewMeetingPage,
        EditMeeting => pages::meeting::EditMeetingPage,
        Minutes => pages::minutes::MinutesPage,
        Score => pages::score::ScorePage,
    }
);

group!(
    /// The other pages: organisations and members, rules and guidance,
    /// commitments and rating, the committees' work, my account. One module:
    /// they share much code, and each split point adds modules of shared code.
    other_pages, __preload_other_pages, OtherPages {
        OrgTree => pages::org::OrgTreePage,
        Org => pages::org::OrgPage,
        NewMember => pages::member::NewMemberPage,
        EditMember => pages::member::EditMemberPage,
        RuleSet => pages::rulesets::RuleSetPage,
        Guidance => pages::guidance::GuidancePage,
        MyCommitments => pages::commitments::MyCommitmentsPage,
        CellCommitments => pages::commitments::CellCommitmentsPage,
        MyRating => pages::rating::MyRatingPage,
        RatingBoard => pages::rating::RatingBoardPage,
        Oversight => pages::oversight::OversightPage,
        YearReview => pages::classification::YearReviewPage,
        VisitPlan => pages::visits::VisitPlanPage,
        CellVisits => pages::visits::CellVisitsPage,
        MyVisits => pages::visits::MyVisitsPage,
        Inspections => pages::inspections::InspectionsPage,
        Account => pages::account::AccountPage,
        Notifications => pages::notifications::NotificationsPage,
    }
);

group!(
    /// Administration: the accounts and the members' import.
    admin_pages, __preload_admin_pages, AdminPages {
        Accounts => pages::admin::AccountsPage,
        Import => pages::import::ImportPage,
    }
);

/// Fetches the live room's module in the background (home shows a meeting:
/// the member is likely to open it), so the tap opens the room at once.
pub fn prefetch_room() {
    leptos::task::spawn_local(<Room as LazyRoute>::preload());
}
