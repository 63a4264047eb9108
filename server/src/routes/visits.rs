//! Upper-level visits (dự sinh hoạt chi bộ): a committee's plan of a quarter
//! with its review and the assignments of its members to cells; the visits
//! (recorded by the live room, or by the cell's secretary for an in-person
//! visit); the visitor's report with its countdown; the recommendations to
//! the cell and its answers. Every judgement is `shared::visits`'s.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::{now_local, today, visible_org};
use crate::state::AppState;
use crate::storage::{NewVisit, Store, StoredVisit};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::{Months, NaiveDate};
use shared::access::Actor;
use shared::org::{OrgKind, Organization, path_to};
use shared::rules::schedule::Quarter;
use shared::rules::visits::VisitRules;
use shared::visits::{
    self, CellRef, FollowAssignment, InPersonVisit, PastVisit, PlanDraft, PlanEntryView, PlanInput,
    Recommendation, RecommendationAnswer, RecommendationId, RecommendationList, ReportDraft,
    ReportError, VisitId, VisitList, VisitPlan, VisitSource, VisitView, Visitor,
};
use shared::{AccountId, ErrorBody, OrgId};
use std::collections::HashMap;

/// How far back the plan's review and a cell's list look, in months.
const HISTORY_MONTHS: u32 = 24;

/// `?year=2026&quarter=4` (this quarter when absent).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuarterQuery {
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
    /// 1–4.
    #[param(minimum = 1, maximum = 4)]
    pub quarter: Option<i64>,
}

fn quarter_of(q: &QuarterQuery) -> ApiResult<Quarter> {
    let now = visits::quarter_of(today());
    let bad = || {
        ApiError::BadRequest(crate::error::Text::both(
            "bad_quarter",
            "Quý phải từ 1 đến 4, năm từ 2000 đến 2100.",
            "The quarter must be from 1 to 4 and the year from 2000 to 2100.",
        ))
    };
    let quarter = Quarter {
        year: q
            .year
            .map_or(Ok(now.year), i32::try_from)
            .map_err(|_| bad())?,
        quarter: q
            .quarter
            .map_or(Ok(now.quarter), u32::try_from)
            .map_err(|_| bad())?,
    };
    visits::check_quarter(quarter).map_err(|_| bad())?;
    Ok(quarter)
}

fn bad_query(_: QueryRejection) -> ApiError {
    ApiError::BadRequest(crate::error::Text::both(
        "bad_query",
        "Năm và quý phải là số (ví dụ ?year=2026&quarter=4).",
        "The year and quarter must be numbers (e.g. ?year=2026&quarter=4).",
    ))
}

fn ids(path: &[Organization]) -> Vec<OrgId> {
    path.iter().map(|o| o.id).collect()
}

fn history_start(day: NaiveDate) -> NaiveDate {
    day.checked_sub_months(Months::new(HISTORY_MONTHS))
        .unwrap_or(NaiveDate::MIN)
}

/// A committee the user may see (404 otherwise, and for a cell or group),
/// with its path.
async fn committee(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(Organization, Vec<OrgId>)> {
    let (org, path, _) = visible_org(state, user, OrgId(id))
        .await
        .map_err(|_| ApiError::NotFound("cấp ủy"))?;
    if !visits::plans_visits(org.kind) {
        return Err(ApiError::NotFound("cấp ủy"));
    }
    Ok((org, ids(&path)))
}

/// The cells below a committee, by name, with their paths.
async fn cells_below(
    store: &Store,
    committee: OrgId,
) -> ApiResult<Vec<(Organization, Vec<OrgId>)>> {
    let all = store.organizations().await?;
    let mut cells: Vec<(Organization, Vec<OrgId>)> = all
        .iter()
        .filter(|o| o.kind == OrgKind::Cell && o.id != committee)
        .map(|o| (o.clone(), path_to(&all, o.id)))
        .filter(|(_, p)| p.contains(&committee))
        .collect();
    cells.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    Ok(cells)
}

fn past(v: &StoredVisit) -> PastVisit {
    PastVisit {
        visitor_id: v.visitor_id,
        visitor_name: v.visitor_name.clone(),
        cell_id: v.cell_id,
        date: v.date,
    }
}

async fn rules_of(store: &Store, org: OrgId, on: NaiveDate) -> ApiResult<VisitRules> {
    Ok(crate::rulesets::for_org(store, org, on).await?.visits)
}

/// The plan of a committee's quarter with its review.
async fn plan_view(
    state: &AppState,
    actor: &Actor,
    org: &Organization,
    path: &[OrgId],
    quarter: Quarter,
) -> ApiResult<VisitPlan> {
    let store = &state.store;
    let day = today();
    let cells = cells_below(store, org.id).await?;
    let cell_ids: Vec<OrgId> = cells.iter().map(|(c, _)| c.id).collect();
    let entries = store.visits().plan(org.id, quarter).await?;
    let made = store
        .visits()
        .of_cells(
            &cell_ids,
            history_start(day.min(quarter.first_month().first_day())),
        )
        .await?;
    let made: Vec<PastVisit> = made.iter().map(past).collect();
    let visitors = store.visits().committee_members(org.id).await?;
    let followers = store.visits().followers(&cell_ids).await?;
    let rules = rules_of(store, org.id, day).await?;
    let refs: Vec<CellRef> = cells
        .iter()
        .map(|(c, _)| CellRef {
            id: c.id,
            name: c.name.clone(),
        })
        .collect();
    let review = visits::review_plan(&PlanInput {
        quarter,
        cells: &refs,
        visitors: &visitors,
        assignments: &followers,
        entries: &entries,
        visits: &made,
        today: day,
        rules: &rules,
    });
    let done = visits::entries_done(&entries, &made, quarter);
    let names: HashMap<AccountId, String> =
        visitors.iter().map(|v| (v.id, v.name.clone())).collect();
    let cell_names: HashMap<OrgId, String> = refs.iter().map(|c| (c.id, c.name.clone())).collect();
    let mut views = Vec::with_capacity(entries.len());
    for (e, done) in entries.iter().zip(done) {
        let visitor_name = match names.get(&e.visitor_id) {
            Some(n) => n.clone(),
            // Left the committee since: still named on the plan.
            None => store
                .account(e.visitor_id)
                .await?
                .map(|a| a.display_name)
                .unwrap_or_default(),
        };
        views.push(PlanEntryView {
            visitor_id: e.visitor_id,
            visitor_name,
            cell_id: e.cell_id,
            cell_name: cell_names.get(&e.cell_id).cloned().unwrap_or_default(),
            month: e.month,
            done,
        });
    }
    Ok(VisitPlan {
        committee_id: org.id,
        committee_name: org.name.clone(),
        quarter,
        entries: views,
        visitors,
        review,
        may_plan: visits::may_plan(actor, path),
    })
}

#[utoipa::path(get, path = "/api/organizations/{id}/visit-plan", tag = "visits",
    params(("id" = i64, Path), QuarterQuery),
    description = "Kế hoạch dự sinh hoạt chi bộ của cấp ủy trong quý (mặc định quý này), với từng chi bộ \
        trực thuộc (lần dự cuối, người dự, chưa được dự trong khoảng thời gian quy định), từng cấp ủy viên \
        (số lượt so với quy định) và các cảnh báo.",
    responses((status = 200, body = VisitPlan),
        (status = 400, description = "Năm hoặc quý không hợp lệ.", body = ErrorBody),
        (status = 404, description = "Không thấy tổ chức, hoặc tổ chức không phải cấp ủy.", body = ErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    query: Result<Query<QuarterQuery>, QueryRejection>,
) -> ApiResult<ApiJson<VisitPlan>> {
    let Query(query) = query.map_err(bad_query)?;
    let quarter = quarter_of(&query)?;
    let (org, path) = committee(&state, &user, id).await?;
    Ok(ApiJson(
        plan_view(&state, &user.actor, &org, &path, quarter).await?,
    ))
}

#[utoipa::path(put, path = "/api/organizations/{id}/visit-plan", tag = "visits",
    params(("id" = i64, Path), QuarterQuery), request_body = PlanDraft,
    description = "Cấp ủy lập (thay) kế hoạch dự sinh hoạt của quý: mỗi dòng một cấp ủy viên của cấp ủy này \
        dự một chi bộ trực thuộc, có thể ghi tháng.",
    responses((status = 200, body = VisitPlan),
        (status = 400, description = "Năm hoặc quý không hợp lệ.", body = ErrorBody),
        (status = 403, description = "Chỉ cấp ủy viên của cấp ủy này.", body = ErrorBody),
        (status = 404, description = "Không thấy cấp ủy, hoặc chi bộ không trực thuộc cấp ủy.", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn put_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    query: Result<Query<QuarterQuery>, QueryRejection>,
    ApiJson(draft): ApiJson<PlanDraft>,
) -> ApiResult<ApiJson<VisitPlan>> {
    let Query(query) = query.map_err(bad_query)?;
    let quarter = quarter_of(&query)?;
    let (org, path) = committee(&state, &user, id).await?;
    if !visits::may_plan(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    let cells = cells_below(&state.store, org.id).await?;
    if draft.entries.len() <= visits::MAX_PLAN_ENTRIES
        && draft
            .entries
            .iter()
            .any(|e| !cells.iter().any(|(c, _)| c.id == e.cell_id))
    {
        return Err(ApiError::NotFound("chi bộ"));
    }
    let members: Vec<AccountId> = state
        .store
        .visits()
        .committee_members(org.id)
        .await?
        .iter()
        .map(|v| v.id)
        .collect();
    draft
        .check(quarter, &members)
        .map_err(ApiError::Validation)?;
    state
        .store
        .visits()
        .replace_plan(
            org.id,
            quarter,
            &draft.entries,
            user.account.id,
            now_local(),
        )
        .await?;
    tracing::info!(committee = %org.id, %quarter, entries = draft.entries.len(), by = %user.account.id, "visit plan set");
    Ok(ApiJson(
        plan_view(&state, &user.actor, &org, &path, quarter).await?,
    ))
}

/// A cell below the committee (404 otherwise) and an account on it (422).
async fn assignment_parts(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    account: AccountId,
    cell: OrgId,
) -> ApiResult<()> {
    let (_, path) = committee(state, user, id).await?;
    if !visits::may_plan(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    let cell_path = ids(&state.store.org_path(cell).await?);
    let is_cell = state
        .store
        .organization(cell)
        .await?
        .is_some_and(|o| o.kind == OrgKind::Cell);
    if !is_cell || !visits::is_below(&path, &cell_path) {
        return Err(ApiError::NotFound("chi bộ"));
    }
    let seats = state.store.committee_seats_of(account).await?;
    if !visits::may_assign(&user.actor, &path, &cell_path, &seats) {
        return Err(ApiError::field_both(
            "account_id",
            "not_on_committee",
            "Chỉ phân công cấp ủy viên của cấp ủy này theo dõi chi bộ.",
            "Only members of this committee can be assigned to follow a cell.",
        ));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/organizations/{id}/assignments", tag = "visits",
    params(("id" = i64, Path)), request_body = FollowAssignment,
    description = "Cấp ủy phân công một cấp ủy viên của mình theo dõi một chi bộ trực thuộc.",
    responses((status = 204, description = "Đã phân công."),
        (status = 403, description = "Chỉ cấp ủy viên của cấp ủy này.", body = ErrorBody),
        (status = 404, description = "Không thấy cấp ủy, hoặc chi bộ không trực thuộc cấp ủy.", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<FollowAssignment>,
) -> ApiResult<StatusCode> {
    assignment_parts(&state, &user, id, req.account_id, req.cell_id).await?;
    state
        .store
        .add_assignment(req.account_id, req.cell_id)
        .await?;
    super::live::account_changed(&state, req.account_id).await;
    tracing::info!(committee = id, account = %req.account_id, cell = %req.cell_id, by = %user.account.id, "assigned to follow a cell");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/organizations/{id}/assignments/{account_id}/{cell_id}", tag = "visits",
    params(("id" = i64, Path), ("account_id" = i64, Path), ("cell_id" = i64, Path)),
    description = "Cấp ủy thôi phân công một cấp ủy viên của mình theo dõi một chi bộ trực thuộc.",
    responses((status = 204, description = "Đã thôi phân công."),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn unassign(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, account_id, cell_id)): ApiPath<(i64, i64, i64)>,
) -> ApiResult<StatusCode> {
    let (account, cell) = (AccountId(account_id), OrgId(cell_id));
    assignment_parts(&state, &user, id, account, cell).await?;
    if !state.store.remove_assignment(account, cell).await? {
        return Err(ApiError::NotFound("phân công"));
    }
    super::live::account_changed(&state, account).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The visits as `actor` sees them: countdowns from the rules of each cell,
/// reports for those who read them, recommendations.
async fn views(
    state: &AppState,
    actor: &Actor,
    stored: Vec<StoredVisit>,
) -> ApiResult<Vec<VisitView>> {
    let store = &state.store;
    let day = today();
    let ids: Vec<VisitId> = stored.iter().map(|v| v.id).collect();
    let mut reports: HashMap<VisitId, _> =
        store.visits().reports(&ids).await?.into_iter().collect();
    let recommendations = store.visits().recommendations_of_visits(&ids).await?;
    let mut rules: HashMap<(OrgId, NaiveDate), VisitRules> = HashMap::new();
    let mut paths: HashMap<OrgId, Vec<OrgId>> = HashMap::new();
    let mut out = Vec::with_capacity(stored.len());
    for v in stored {
        if let std::collections::hash_map::Entry::Vacant(e) = rules.entry((v.cell_id, v.date)) {
            e.insert(rules_of(store, v.cell_id, v.date).await?);
        }
        if let std::collections::hash_map::Entry::Vacant(e) = paths.entry(v.cell_id) {
            e.insert(ids_of(store, v.cell_id).await?);
        }
        let r = &rules[&(v.cell_id, v.date)];
        let path = &paths[&v.cell_id];
        let countdown = visits::countdown(v.date, v.filed_on, day, r);
        let report = reports
            .remove(&v.id)
            .filter(|_| visits::sees_reports(actor, path, Some(v.visitor_id)));
        out.push(VisitView {
            may_file: visits::may_file(actor, v.visitor_id, v.date, v.filed_on.is_some(), day)
                .is_ok(),
            recommendations: recommendations
                .iter()
                .filter(|r| r.visit_id == v.id)
                .cloned()
                .collect(),
            id: v.id,
            visitor_id: v.visitor_id,
            visitor_name: v.visitor_name,
            cell_id: v.cell_id,
            cell_name: v.cell_name,
            meeting_id: v.meeting_id,
            date: v.date,
            source: v.source,
            countdown,
            report,
        });
    }
    Ok(out)
}

async fn ids_of(store: &Store, org: OrgId) -> ApiResult<Vec<OrgId>> {
    Ok(ids(&store.org_path(org).await?))
}

#[utoipa::path(get, path = "/api/me/visits", tag = "visits",
    description = "Các lượt dự sinh hoạt của tôi (cấp ủy viên cấp trên), mới nhất trước, với hạn nộp báo cáo.",
    responses((status = 200, body = VisitList)))]
pub async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<VisitList>> {
    let stored = state.store.visits().of_visitor(user.account.id).await?;
    Ok(ApiJson(VisitList {
        visits: views(&state, &user.actor, stored).await?,
        may_record: false,
        candidates: Vec::new(),
    }))
}

/// A cell the user may see (404 otherwise) whose visits they see (403).
async fn cell_for_visits(
    state: &AppState,
    user: &CurrentUser,
    id: OrgId,
) -> ApiResult<(Organization, Vec<OrgId>)> {
    let (org, path, _) = visible_org(state, user, id).await?;
    if org.kind != OrgKind::Cell {
        return Err(ApiError::NotFound("chi bộ"));
    }
    let path = ids(&path);
    if !visits::sees_visits(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    Ok((org, path))
}

#[utoipa::path(get, path = "/api/organizations/{id}/visits", tag = "visits", params(("id" = i64, Path)),
    description = "Các lượt cấp ủy viên cấp trên dự sinh hoạt chi bộ (24 tháng qua), với kiến nghị; \
        báo cáo chỉ cấp ủy cấp trên và người được phân công theo dõi xem.",
    responses((status = 200, body = VisitList),
        (status = 403, description = "Đảng viên (không phải bí thư, phó bí thư) không xem.", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn of_cell(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<VisitList>> {
    let (org, path) = cell_for_visits(&state, &user, OrgId(id)).await?;
    let stored = state
        .store
        .visits()
        .of_cells(&[org.id], history_start(today()))
        .await?;
    let may_record = visits::may_answer(&user.actor, &path);
    let mut candidates: Vec<Visitor> = Vec::new();
    if may_record {
        let mut all: Vec<Visitor> = state
            .store
            .visits()
            .followers(&[org.id])
            .await?
            .into_iter()
            .map(|(id, name, _)| Visitor { id, name })
            .collect();
        for above in path.iter().filter(|o| **o != org.id) {
            all.extend(state.store.visits().committee_members(*above).await?);
        }
        for v in all {
            if !candidates.iter().any(|c| c.id == v.id)
                && follows(&state.store, v.id, &path).await?
            {
                candidates.push(v);
            }
        }
        candidates.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(ApiJson(VisitList {
        visits: views(&state, &user.actor, stored).await?,
        may_record,
        candidates,
    }))
}

/// Whether the account follows the cell at the end of `path` as an upper
/// level: sits on a committee above it or is assigned to it, and is not
/// one of its members.
async fn follows(store: &Store, account: AccountId, path: &[OrgId]) -> ApiResult<bool> {
    let Some(cell) = path.last() else {
        return Ok(false);
    };
    let Some(view) = store.account(account).await? else {
        return Ok(false);
    };
    if let Some(member) = view.member_id
        && store
            .member(member)
            .await?
            .is_some_and(|m| m.cell_id == *cell)
    {
        return Ok(false);
    }
    let seats = store.committee_seats_of(account).await?;
    let assigned = store.assignments_of(account).await?;
    Ok(assigned.contains(cell) || seats.iter().any(|s| s != cell && path.contains(s)))
}

#[utoipa::path(post, path = "/api/organizations/{id}/visits", tag = "visits", params(("id" = i64, Path)),
    request_body = InPersonVisit,
    description = "Bí thư chi bộ ghi lượt cấp ủy viên cấp trên dự sinh hoạt trực tiếp.",
    responses((status = 201, body = VisitView),
        (status = 403, body = ErrorBody),
        (status = 404, description = "Không thấy chi bộ, tài khoản hoặc buổi sinh hoạt.", body = ErrorBody),
        (status = 409, description = "Lượt dự này đã được ghi.", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn record_in_person(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<InPersonVisit>,
) -> ApiResult<(StatusCode, ApiJson<VisitView>)> {
    let (org, path) = cell_for_visits(&state, &user, OrgId(id)).await?;
    if !visits::may_answer(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    if state.store.account(req.visitor_id).await?.is_none() {
        return Err(ApiError::NotFound("tài khoản"));
    }
    if let Some(m) = req.meeting_id
        && state
            .store
            .meeting(m)
            .await?
            .is_none_or(|meeting| meeting.cell_id != org.id)
    {
        return Err(ApiError::NotFound("buổi sinh hoạt"));
    }
    let follows = follows(&state.store, req.visitor_id, &path).await?;
    req.check(today(), follows).map_err(ApiError::Validation)?;
    let id = state
        .store
        .visits()
        .record(&NewVisit {
            visitor: req.visitor_id,
            cell: org.id,
            meeting: req.meeting_id,
            date: req.date,
            source: VisitSource::InPerson,
            by: user.account.id,
            at: now_local(),
        })
        .await?
        .ok_or_else(|| {
            ApiError::Conflict(crate::error::Text::both(
                "visit_recorded",
                "Lượt dự sinh hoạt này đã được ghi.",
                "This visit has already been recorded.",
            ))
        })?;
    tracing::info!(visit = %id, cell = %org.id, visitor = %req.visitor_id, by = %user.account.id, "in-person visit recorded");
    Ok((StatusCode::CREATED, ApiJson(one(&state, &user, id).await?)))
}

async fn one(state: &AppState, user: &CurrentUser, id: VisitId) -> ApiResult<VisitView> {
    let v = state
        .store
        .visits()
        .visit(id)
        .await?
        .ok_or(ApiError::NotFound("lượt dự sinh hoạt"))?;
    views(state, &user.actor, vec![v])
        .await?
        .pop()
        .ok_or(ApiError::NotFound("lượt dự sinh hoạt"))
}

#[utoipa::path(post, path = "/api/visits/{id}/report", tag = "visits", params(("id" = i64, Path)),
    request_body = ReportDraft,
    description = "Người dự nộp báo cáo kết quả dự sinh hoạt (một lần), với các kiến nghị gửi chi bộ.",
    responses((status = 201, body = VisitView),
        (status = 403, description = "Không phải lượt dự của mình.", body = ErrorBody),
        (status = 404, description = "Không có lượt dự này.", body = ErrorBody),
        (status = 409, description = "Đã nộp, hoặc buổi dự chưa diễn ra.", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn file_report(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(draft): ApiJson<ReportDraft>,
) -> ApiResult<(StatusCode, ApiJson<VisitView>)> {
    let visit = state
        .store
        .visits()
        .visit(VisitId(id))
        .await?
        .ok_or(ApiError::NotFound("lượt dự sinh hoạt"))?;
    let path = ids_of(&state.store, visit.cell_id).await?;
    let own = visit.visitor_id == user.account.id;
    if !own && !visits::sees_visits(&user.actor, &path) {
        return Err(ApiError::NotFound("lượt dự sinh hoạt"));
    }
    let day = today();
    match visits::may_file(
        &user.actor,
        visit.visitor_id,
        visit.date,
        visit.filed_on.is_some(),
        day,
    ) {
        Ok(()) => {}
        Err(e @ ReportError::NotYours) => {
            return Err(ApiError::NotAllowed(crate::error::Text::of(&e)));
        }
        Err(e) => return Err(ApiError::Conflict(crate::error::Text::of(&e))),
    }
    let report = draft.check().map_err(ApiError::Validation)?;
    if !state
        .store
        .visits()
        .file_report(&visit, &report, day, now_local())
        .await?
    {
        return Err(ApiError::Conflict(crate::error::Text::of(
            &ReportError::AlreadyFiled,
        )));
    }
    tracing::info!(visit = %visit.id, recommendations = report.recommendations.len(), "visit report filed");
    if !report.recommendations.is_empty() {
        state.notify.recommendations_received(&visit).await;
    }
    Ok((
        StatusCode::CREATED,
        ApiJson(one(&state, &user, visit.id).await?),
    ))
}

#[utoipa::path(get, path = "/api/organizations/{id}/recommendations", tag = "visits", params(("id" = i64, Path)),
    description = "Kiến nghị của cấp ủy viên cấp trên gửi chi bộ, chưa thực hiện xong trước, với câu trả lời của chi bộ.",
    responses((status = 200, body = RecommendationList),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn recommendations(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<RecommendationList>> {
    let (org, path) = cell_for_visits(&state, &user, OrgId(id)).await?;
    Ok(ApiJson(RecommendationList {
        recommendations: state.store.visits().recommendations_of_cell(org.id).await?,
        may_answer: visits::may_answer(&user.actor, &path),
    }))
}

#[utoipa::path(put, path = "/api/recommendations/{id}/answer", tag = "visits", params(("id" = i64, Path)),
    request_body = RecommendationAnswer,
    description = "Chi bộ trả lời một kiến nghị: đã tiếp thu hoặc đã thực hiện, kèm ghi chú.",
    responses((status = 200, body = Recommendation),
        (status = 403, description = "Chỉ bí thư, phó bí thư chi bộ.", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RecommendationAnswer>,
) -> ApiResult<ApiJson<Recommendation>> {
    let id = RecommendationId(id);
    let not_found = || ApiError::NotFound("kiến nghị");
    let rec = state
        .store
        .visits()
        .recommendation(id)
        .await?
        .ok_or_else(not_found)?;
    let path = ids_of(&state.store, rec.cell_id).await?;
    if !visits::sees_visits(&user.actor, &path) {
        return Err(not_found());
    }
    if !visits::may_answer(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    let answer = req.check().map_err(ApiError::Validation)?;
    state
        .store
        .visits()
        .answer(id, &answer, user.account.id, now_local())
        .await?;
    tracing::info!(recommendation = %id, status = answer.status.as_str(), by = %user.account.id, "recommendation answered");
    state
        .store
        .visits()
        .recommendation(id)
        .await?
        .map(ApiJson)
        .ok_or_else(not_found)
}

/// A meeting being registered in `cell`: its review item gets the cell's
/// pending recommendations (`shared::visits::prefill_recommendations`).
pub(crate) async fn prefill(
    state: &AppState,
    cell: OrgId,
    draft: &mut shared::meeting::MeetingDraft,
) -> ApiResult<bool> {
    let pending = state.store.visits().recommendations_of_cell(cell).await?;
    Ok(visits::prefill_recommendations(&mut draft.agenda, &pending))
}
