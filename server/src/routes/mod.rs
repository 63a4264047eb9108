//! The JSON API under `/api`. Every handler but login takes a `CurrentUser`,
//! so nothing is reachable without a session.

pub mod accounts;
pub mod auth;
pub mod classification;
pub mod commitments;
pub mod files;
pub mod guidance;
pub mod inspections;
pub mod live;
pub mod meetings;
pub mod members;
pub mod notifications;
pub mod orgs;
pub mod oversight;
pub mod preparation;
pub mod rating;
pub mod rulesets;
pub mod schedule;
pub mod scoring;
pub mod stream;
pub mod tasks;
pub mod visits;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::storage::Store;
use axum::Router;
use axum::routing::{delete, get, post, put};
use shared::OrgId;
use shared::access::Access;
use shared::org::Organization;

pub use crate::clock::{now_local, today};

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::me))
        .route("/me/password", post(auth::change_password))
        .route("/me/tasks", get(tasks::mine))
        .route("/home", get(orgs::home))
        .route("/organizations", get(orgs::list).post(orgs::create))
        .route("/organizations/{id}", get(orgs::detail))
        .route(
            "/organizations/{id}/members",
            get(members::list).post(members::create),
        )
        .route("/organizations/{id}/members/import", post(members::import))
        .route("/members/{id}", get(members::get).put(members::update))
        .route(
            "/organizations/{id}/meetings",
            get(meetings::list).post(meetings::create),
        )
        .route("/meetings/{id}", get(meetings::get).put(meetings::update))
        .route("/meetings/{id}/live", get(live::socket))
        .route("/live/stats", get(live::stats))
        .route("/live/relay", get(live::relay))
        .route("/meetings/{id}/verify", get(live::verify))
        .route("/meetings/{id}/minutes", get(live::minutes))
        .route("/meetings/{id}/minutes.docx", get(live::minutes_docx))
        .route("/meetings/{id}/resolution.docx", get(live::resolution_docx))
        .route("/meetings/{id}/tasks", get(tasks::of_meeting))
        .route(
            "/meetings/{id}/score",
            get(scoring::get).put(scoring::propose),
        )
        .route("/meetings/{id}/score/upper", put(scoring::confirm))
        .route("/meetings/{id}/score/comments", post(scoring::comment))
        .route("/meetings/{id}/tasks/{index}", put(tasks::update))
        .route("/accounts", get(accounts::list).post(accounts::create))
        .route("/accounts/{id}/password", post(accounts::reset_password))
        .route("/accounts/{id}/disabled", put(accounts::set_disabled))
        .route("/assignments", post(accounts::assign))
        .route(
            "/assignments/{account_id}/{cell_id}",
            delete(accounts::unassign),
        )
        .route("/committee-seats", post(accounts::seat))
        .route(
            "/organizations/{id}/rule-set",
            get(rulesets::get).put(rulesets::put),
        )
        .route("/organizations/{id}/year", get(schedule::year))
        .route("/organizations/{id}/oversight", get(oversight::get))
        .route("/organizations/{id}/oversight.xlsx", get(oversight::export))
        .route(
            "/organizations/{id}/year-review/{year}",
            get(classification::review),
        )
        .route(
            "/organizations/{id}/year-review/{year}/export.xlsx",
            get(classification::export),
        )
        .route(
            "/organizations/{id}/classification/{year}",
            put(classification::decide),
        )
        .route(
            "/organizations/{id}/unregistered",
            get(schedule::unregistered),
        )
        .route(
            "/organizations/{id}/unregistered/remind",
            post(schedule::remind),
        )
        .route("/meetings/{id}/cancel", post(schedule::cancel))
        .route("/meetings/{id}/reschedule", post(schedule::reschedule))
        .route("/meetings/{id}/files", get(files::list))
        .route("/meetings/{id}/items/{index}/files", post(files::upload))
        .route("/files/{id}", get(files::download).delete(files::delete))
        .route(
            "/organizations/{id}/guidance",
            get(guidance::list).post(guidance::create),
        )
        .route(
            "/guidance/{id}",
            get(guidance::get).delete(guidance::delete),
        )
        .route("/guidance/{id}/reach", get(guidance::reach))
        .route("/guidance/{id}/files", post(guidance::upload))
        .route(
            "/guidance/files/{id}",
            get(guidance::download).delete(guidance::delete_file),
        )
        .route("/meetings/{id}/preparation", get(preparation::get))
        .route(
            "/meetings/{id}/absence",
            put(preparation::request_absence).delete(preparation::withdraw_absence),
        )
        .route(
            "/meetings/{id}/absences/{member}/decision",
            put(preparation::decide),
        )
        .route(
            "/meetings/{id}/advance-opinions/{item}",
            put(preparation::send_opinion).delete(preparation::withdraw_opinion),
        )
        .route("/me/notifications", get(notifications::list))
        .route(
            "/me/notifications/read-all",
            post(notifications::mark_all_read),
        )
        .route(
            "/me/notifications/{id}/read",
            post(notifications::mark_read),
        )
        .route(
            "/me/notification-preferences",
            get(notifications::preferences).put(notifications::set_preferences),
        )
        .route("/push/key", get(notifications::push_key))
        .route(
            "/me/push-subscriptions",
            put(notifications::subscribe_push).delete(notifications::unsubscribe_push),
        )
        .route(
            "/organizations/{id}/visit-plan",
            get(visits::plan).put(visits::put_plan),
        )
        .route("/organizations/{id}/assignments", post(visits::assign))
        .route(
            "/organizations/{id}/assignments/{account_id}/{cell_id}",
            delete(visits::unassign),
        )
        .route("/me/visits", get(visits::mine))
        .route(
            "/me/rating/{year}",
            get(rating::my_sheet).put(rating::save_mine),
        )
        .route("/me/ratings", get(rating::my_history))
        .route("/organizations/{id}/rating/{year}", get(rating::get_board))
        .route("/organizations/{id}/rating/{year}/open", post(rating::open))
        .route(
            "/organizations/{id}/rating/{year}/members/{member_id}/appraisal",
            put(rating::appraise),
        )
        .route(
            "/organizations/{id}/rating/{year}/members/{member_id}/decision",
            put(rating::decide),
        )
        .route(
            "/organizations/{id}/rating/{year}/reopen",
            post(rating::reopen),
        )
        .route(
            "/organizations/{id}/visits",
            get(visits::of_cell).post(visits::record_in_person),
        )
        .route("/visits/{id}/report", post(visits::file_report))
        .route(
            "/organizations/{id}/recommendations",
            get(visits::recommendations),
        )
        .route("/recommendations/{id}/answer", put(visits::answer))
        .route(
            "/members/{id}/commitments/{year}",
            get(commitments::of_member).put(commitments::register),
        )
        .route(
            "/members/{id}/commitments/{year}/review",
            put(commitments::review),
        )
        .route(
            "/organizations/{id}/commitments/{year}",
            get(commitments::of_cell),
        )
        .route(
            "/organizations/{id}/inspections",
            get(inspections::of_cell).post(inspections::create),
        )
        .route(
            "/inspections/{id}",
            put(inspections::update).delete(inspections::delete),
        )
        .route(
            "/organizations/{id}/inspection-progress",
            get(inspections::progress),
        )
        .fallback(|| async { ApiError::NotFound("địa chỉ API này") })
}

/// An organization the user may see, with its path and the user's access.
/// Organizations the user may not see answer "not found", so ids leak nothing.
pub async fn visible_org(
    state: &AppState,
    user: &CurrentUser,
    id: OrgId,
) -> ApiResult<(Organization, Vec<Organization>, Access)> {
    visible_org_in(&state.store, user, id).await
}

/// `visible_org` for callers that hold only the store.
pub async fn visible_org_in(
    store: &Store,
    user: &CurrentUser,
    id: OrgId,
) -> ApiResult<(Organization, Vec<Organization>, Access)> {
    visible_on_path(user, store.org_path(id).await?)
}

/// `visible_org` given the organization's path (root first; empty when it
/// does not exist).
pub fn visible_on_path(
    user: &CurrentUser,
    path: Vec<Organization>,
) -> ApiResult<(Organization, Vec<Organization>, Access)> {
    let ids: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    let access = user.actor.access_to(&ids);
    match path.last() {
        Some(org) if access >= Access::Read => Ok((org.clone(), path, access)),
        _ => Err(ApiError::NotFound("tổ chức")),
    }
}
