//! The yearly rating of members (đánh giá, xếp loại đảng viên hằng năm): the
//! member's self-assessment and history, the cell's period and proposals,
//! the deciding committee's decisions within the quota and its reopenings.
//! Every judgement is `shared::appraisal`'s; the server re-checks what the
//! browser computed.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::{now_local, today, visible_org};
use crate::state::AppState;
use crate::storage::{NewDecision, RatingKey, SelfRow, Store, StoredRating};
use axum::http::StatusCode;
use shared::access::Actor;
use shared::appraisal::{
    self, Appraisal, Completeness, Decision, DecisionError, GroupQuota, HistoryYear, MemberRow,
    PeriodState, PeriodView, RatingBoard, RatingSheet, ReopenRequest, SelfDraft, Stage,
};
use shared::member::Member;
use shared::org::{OrgKind, Organization, path_to};
use shared::rules::RuleSet;
use shared::rules::rating::{self, Level, Proposal, Subject};
use shared::{ErrorBody, MemberId, OrgId};
use std::collections::{BTreeMap, HashMap};

fn year_of(year: i64) -> ApiResult<i32> {
    appraisal::check_year(year).ok_or_else(|| {
        ApiError::BadRequest(crate::error::Text::both(
            "year_out_of_range",
            "Năm phải từ 2000 đến 2100.",
            "The year must be from 2000 to 2100.",
        ))
    })
}

fn stage_of(r: Option<&StoredRating>) -> Stage {
    r.map_or_else(Stage::default, |r| Stage {
        submitted: r.submitted_at.is_some(),
        proposed: r.proposed_level.is_some(),
        decided: r.decided_level.is_some(),
        reopened: r.reopened_at.is_some(),
    })
}

async fn rules_of(store: &Store, org: OrgId) -> ApiResult<RuleSet> {
    Ok(crate::rulesets::for_org(store, org, today()).await?)
}

/// The cell's path as ids, and its grassroots organization (the quota's group).
async fn cell_place(store: &Store, cell: OrgId) -> ApiResult<(Vec<OrgId>, OrgId)> {
    let path = store.org_path(cell).await?;
    let kinds: Vec<(OrgId, OrgKind)> = path.iter().map(|o| (o.id, o.kind)).collect();
    let grassroots = appraisal::grassroots_of(&kinds).unwrap_or(cell);
    Ok((kinds.iter().map(|(id, _)| *id).collect(), grassroots))
}

/// A cell the user may see (404 otherwise, and for anything but a cell).
async fn cell(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(Organization, Vec<OrgId>)> {
    let (org, path, _) = visible_org(state, user, OrgId(id))
        .await
        .map_err(|_| ApiError::NotFound("chi bộ"))?;
    if org.kind != OrgKind::Cell {
        return Err(ApiError::NotFound("chi bộ"));
    }
    Ok((org, path.iter().map(|o| o.id).collect()))
}

/// A member on the cell's roll (404 otherwise).
async fn member_in(store: &Store, cell: OrgId, member: i64) -> ApiResult<Member> {
    store
        .members_of(cell)
        .await?
        .into_iter()
        .find(|m| m.id == MemberId(member) && m.draft.status.on_roll())
        .ok_or(ApiError::NotFound("đảng viên trong chi bộ"))
}

/// The cells below (or at) an organization, by name.
async fn cells_at(store: &Store, org: &Organization) -> ApiResult<Vec<Organization>> {
    if org.kind == OrgKind::Cell {
        return Ok(vec![org.clone()]);
    }
    let all = store.organizations().await?;
    let mut cells: Vec<Organization> = all
        .iter()
        .filter(|o| o.kind == OrgKind::Cell && path_to(&all, o.id).contains(&org.id))
        .cloned()
        .collect();
    cells.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cells)
}

// ---------------------------------------------------------------- the member's own

async fn sheet(state: &AppState, user: &CurrentUser, year: i32) -> ApiResult<RatingSheet> {
    let store = &state.store;
    let seat = user
        .actor
        .seat
        .ok_or(ApiError::NotFound("hồ sơ đảng viên của tài khoản"))?;
    let cell = store
        .organization(seat.cell_id)
        .await?
        .ok_or(ApiError::NotFound("chi bộ"))?;
    let member = store
        .member(seat.member_id)
        .await?
        .ok_or(ApiError::NotFound("đảng viên"))?;
    let period = store.rating().period(cell.id, year).await?;
    let row = store.rating().rating(seat.member_id, year).await?;
    let stage = stage_of(row.as_ref());
    let reopenings = store
        .rating()
        .reopenings(&[cell.id], year)
        .await?
        .into_iter()
        .filter(|r| r.member_id.is_none_or(|m| m == seat.member_id))
        .collect();
    let cell_appraisal = row.as_ref().and_then(|r| r.appraisal.clone());
    Ok(RatingSheet {
        year,
        member_id: seat.member_id,
        member_name: member.draft.full_name,
        cell_id: cell.id,
        cell_name: cell.name,
        period,
        rules: rules_of(store, seat.cell_id).await?,
        answers: row.as_ref().and_then(|r| r.self_answers.clone()),
        stage,
        may_edit: appraisal::may_edit_self(period, stage).is_ok(),
        self_level: row.as_ref().and_then(|r| r.self_level),
        proposed_level: row.as_ref().and_then(|r| r.proposed_level),
        decided_level: row.as_ref().and_then(|r| r.decided_level),
        comment: cell_appraisal.map(|a| a.comment).unwrap_or_default(),
        reopenings,
    })
}

#[utoipa::path(get, path = "/api/me/rating/{year}", tag = "rating",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100)),
    description = "Phiếu tự đánh giá, xếp loại năm của tôi: phiếu 100 điểm của bộ quy tắc, câu trả lời đã lưu, \
        mức tự xếp, mức chi bộ đề nghị, mức được quyết định, các lần mở lại.",
    responses((status = 200, body = RatingSheet),
        (status = 400, description = "Năm không hợp lệ.", body = ErrorBody),
        (status = 404, description = "Tài khoản không gắn với đảng viên.", body = ErrorBody)))]
pub async fn my_sheet(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: CurrentUser,
    ApiPath(year): ApiPath<i64>,
) -> ApiResult<ApiJson<RatingSheet>> {
    let year = year_of(year)?;
    Ok(ApiJson(sheet(&state, &user, year).await?))
}

#[utoipa::path(put, path = "/api/me/rating/{year}", tag = "rating",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100)), request_body = SelfDraft,
    description = "Đảng viên lưu (hoặc nộp, `submit`) phiếu tự đánh giá. Máy chủ kiểm tra lại: điểm từng tiêu chí, \
        tổng điểm, nhiệm vụ, chỉ tiêu, mức tự xếp không tốt hơn kết quả cho phép. Đã nộp thì không sửa được \
        trừ khi cấp ủy mở lại.",
    responses((status = 200, body = RatingSheet),
        (status = 400, description = "Năm không hợp lệ.", body = ErrorBody),
        (status = 404, description = "Tài khoản không gắn với đảng viên.", body = ErrorBody),
        (status = 409, description = "Chưa mở đợt đánh giá, hoặc đã nộp, đã quyết định.", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn save_mine(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: CurrentUser,
    ApiPath(year): ApiPath<i64>,
    ApiJson(draft): ApiJson<SelfDraft>,
) -> ApiResult<ApiJson<RatingSheet>> {
    let year = year_of(year)?;
    let store = &state.store;
    let seat = user
        .actor
        .seat
        .ok_or(ApiError::NotFound("hồ sơ đảng viên của tài khoản"))?;
    let (path, grassroots) = cell_place(store, seat.cell_id).await?;
    if !appraisal::may_self_assess(&user.actor, seat.member_id, &path) {
        return Err(ApiError::Forbidden);
    }
    let period = store.rating().period(seat.cell_id, year).await?;
    let row = store.rating().rating(seat.member_id, year).await?;
    appraisal::may_edit_self(period, stage_of(row.as_ref()))
        .map_err(|e| ApiError::Conflict(crate::error::Text::of(&e)))?;
    let rules = rules_of(store, seat.cell_id).await?;
    let completeness = if draft.submit {
        Completeness::Complete
    } else {
        Completeness::Draft
    };
    let ev = appraisal::evaluate(&rules, &draft.answers, completeness);
    if !ev.is_valid() {
        return Err(ApiError::Validation(ev.errors));
    }
    let now = now_local();
    store
        .rating()
        .save_self(
            RatingKey {
                member: seat.member_id,
                year,
                cell: seat.cell_id,
                grassroots,
            },
            &SelfRow {
                answers: &draft.answers,
                points: ev.rating.points,
                level: draft.answers.level.unwrap_or(ev.rating.level),
                submitted_at: draft.submit.then_some(now),
            },
        )
        .await?;
    if draft.submit {
        tracing::info!(member = %seat.member_id, year, level = ?ev.rating.level, "self-assessment submitted");
    }
    Ok(ApiJson(sheet(&state, &user, year).await?))
}

#[utoipa::path(get, path = "/api/me/ratings", tag = "rating",
    description = "Lịch sử xếp loại của tôi qua các năm: mức tự xếp, chi bộ đề nghị, được quyết định; mới nhất trước.",
    responses((status = 200, body = Vec<HistoryYear>)))]
pub async fn my_history(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<Vec<HistoryYear>>> {
    let Some(seat) = user.actor.seat else {
        return Ok(ApiJson(Vec::new()));
    };
    let rows = state.store.rating().history(seat.member_id).await?;
    Ok(ApiJson(
        rows.into_iter()
            .map(|r| HistoryYear {
                year: r.year,
                cell_name: r.cell_name,
                self_level: r.submitted_at.and(r.self_level),
                proposed_level: r.proposed_level,
                decided_level: r.decided_level,
            })
            .collect(),
    ))
}

// ---------------------------------------------------------------- the boards

/// The ratings of a year on an organization's page, as `actor` may act on them.
async fn board(
    state: &AppState,
    actor: &Actor,
    org: &Organization,
    year: i32,
) -> ApiResult<RatingBoard> {
    let store = &state.store;
    let rules = rules_of(store, org.id).await?;
    let cells = cells_at(store, org).await?;
    let cell_ids: Vec<OrgId> = cells.iter().map(|c| c.id).collect();
    let periods: HashMap<OrgId, PeriodState> = store
        .rating()
        .periods(&cell_ids, year)
        .await?
        .into_iter()
        .collect();
    let rows: HashMap<MemberId, StoredRating> = store
        .rating()
        .ratings_of_cells(&cell_ids, year)
        .await?
        .into_iter()
        .map(|r| (r.member_id, r))
        .collect();
    let mut period_views = Vec::with_capacity(cells.len());
    let mut members = Vec::new();
    let mut groups: BTreeMap<OrgId, String> = BTreeMap::new();
    for c in &cells {
        let (path, grassroots) = cell_place(store, c.id).await?;
        if !appraisal::sees_cell(actor, &path) {
            continue;
        }
        if let std::collections::btree_map::Entry::Vacant(e) = groups.entry(grassroots) {
            let name = store
                .organization(grassroots)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            e.insert(name);
        }
        let period = periods
            .get(&c.id)
            .copied()
            .unwrap_or(PeriodState::NotOpened);
        let may_decide = appraisal::may_decide(actor, &path);
        let may_propose = appraisal::may_propose(actor, &path);
        period_views.push(PeriodView {
            cell_id: c.id,
            cell_name: c.name.clone(),
            state: period,
            may_open: period == PeriodState::NotOpened && appraisal::may_open(actor, &path),
            may_reopen: period != PeriodState::NotOpened && may_decide,
        });
        for m in store.members_of(c.id).await? {
            if !m.draft.status.on_roll() {
                continue;
            }
            let row = rows.get(&m.id);
            let stage = stage_of(row);
            members.push(MemberRow {
                member_id: m.id,
                name: m.draft.full_name.clone(),
                cell_id: c.id,
                cell_name: c.name.clone(),
                stage,
                self_answers: row.and_then(|r| r.self_answers.clone()),
                self_points: row.and_then(|r| r.self_points),
                self_level: row.and_then(|r| r.submitted_at.and(r.self_level)),
                appraisal: row.and_then(|r| r.appraisal.clone()),
                decided_level: row.and_then(|r| r.decided_level),
                decided_note: row.map(|r| r.decided_note.clone()).unwrap_or_default(),
                may_propose: may_propose && appraisal::may_change_proposal(period, stage).is_ok(),
                may_decide: may_decide
                    && appraisal::may_change_decision(period, stage).is_ok()
                    && (!stage.decided || stage.reopened),
            });
        }
    }
    // The quota counts the whole grassroots organization, beyond this page.
    let mut quota = Vec::with_capacity(groups.len());
    let mut proposals = Vec::new();
    for (grassroots, name) in groups {
        let group_org = store
            .organization(grassroots)
            .await?
            .ok_or(ApiError::NotFound("tổ chức cơ sở đảng"))?;
        let group_cells: Vec<OrgId> = cells_at(store, &group_org)
            .await?
            .iter()
            .map(|c| c.id)
            .collect();
        let group_rows: Vec<StoredRating> = store
            .rating()
            .ratings_of_cells(&group_cells, year)
            .await?
            .into_iter()
            .filter(|r| r.grassroots_id == grassroots)
            .collect();
        let decided: Vec<Level> = group_rows.iter().filter_map(|r| r.decided_level).collect();
        let proposed: Vec<Level> = group_rows
            .iter()
            .filter_map(|r| r.decided_level.or(r.proposed_level))
            .collect();
        for r in &group_rows {
            if let Some(level) = r.decided_level.or(r.proposed_level) {
                let name = members
                    .iter()
                    .find(|m| m.member_id == r.member_id)
                    .map_or_else(|| format!("Đảng viên #{}", r.member_id), |m| m.name.clone());
                proposals.push(Proposal {
                    subject: Subject::Member(r.member_id),
                    name,
                    grassroots_id: grassroots,
                    proposed: level,
                    input: r
                        .appraisal
                        .as_ref()
                        .map(|a| appraisal::rating_input(&rules.member_form.value, &a.answers)),
                });
            }
        }
        quota.push(GroupQuota {
            grassroots_id: grassroots,
            grassroots_name: name,
            decided: appraisal::quota_of(&rules, decided),
            proposed: appraisal::quota_of(&rules, proposed),
        });
    }
    let shares = rating::shares(members.iter().filter_map(|m| m.decided_level));
    let visible: Vec<OrgId> = period_views.iter().map(|p| p.cell_id).collect();
    Ok(RatingBoard {
        org_id: org.id,
        org_name: org.name.clone(),
        org_kind: org.kind,
        year,
        periods: period_views,
        proposal_issues: appraisal::proposal_warnings(&rules, &proposals),
        meets_aim: appraisal::meets_aim(&shares),
        shares,
        members,
        quota,
        reopenings: store.rating().reopenings(&visible, year).await?,
        rules,
    })
}

#[utoipa::path(get, path = "/api/organizations/{id}/rating/{year}", tag = "rating",
    params(("id" = i64, Path), ("year" = i64, Path, minimum = 2000, maximum = 2100)),
    description = "Đánh giá, xếp loại đảng viên của năm: với chi bộ, các đảng viên của chi bộ; với cấp ủy, \
        đảng viên của mọi chi bộ trực thuộc. Kèm tỷ lệ xuất sắc so với mức tối đa của tổ chức cơ sở đảng, \
        tỷ lệ từng mức so với mục tiêu, các lần mở lại.",
    responses((status = 200, body = RatingBoard),
        (status = 400, description = "Năm không hợp lệ.", body = ErrorBody),
        (status = 403, description = "Chỉ chi ủy, cấp ủy cấp trên.", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get_board(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: CurrentUser,
    ApiPath((id, year)): ApiPath<(i64, i64)>,
) -> ApiResult<ApiJson<RatingBoard>> {
    let year = year_of(year)?;
    let (org, path, _) = visible_org(&state, &user, OrgId(id)).await?;
    if org.kind == OrgKind::Group {
        return Err(ApiError::NotFound("chi bộ hoặc cấp ủy"));
    }
    let ids: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    let sees = if org.kind == OrgKind::Cell {
        appraisal::sees_cell(&user.actor, &ids)
    } else {
        user.actor.is_admin || user.actor.committee_of.iter().any(|c| ids.contains(c))
    };
    if !sees {
        return Err(ApiError::Forbidden);
    }
    Ok(ApiJson(board(&state, &user.actor, &org, year).await?))
}

#[utoipa::path(post, path = "/api/organizations/{id}/rating/{year}/open", tag = "rating",
    params(("id" = i64, Path), ("year" = i64, Path, minimum = 2000, maximum = 2100)),
    description = "Bí thư, phó bí thư chi bộ mở đợt đánh giá, xếp loại đảng viên của năm.",
    responses((status = 204, description = "Đã mở."),
        (status = 400, description = "Năm không hợp lệ.", body = ErrorBody),
        (status = 403, description = "Chỉ bí thư, phó bí thư chi bộ.", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Đã mở rồi.", body = ErrorBody)))]
pub async fn open(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: CurrentUser,
    ApiPath((id, year)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    let year = year_of(year)?;
    let (org, path) = cell(&state, &user, id).await?;
    if !appraisal::may_open(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    if !state
        .store
        .rating()
        .open_period(org.id, year, user.account.id, now_local())
        .await?
    {
        return Err(ApiError::Conflict(crate::error::Text::both(
            "period_open",
            format!("Chi bộ đã mở đợt đánh giá, xếp loại năm {year}."),
            format!("The cell has already opened the appraisal of {year}."),
        )));
    }
    tracing::info!(cell = %org.id, year, by = %user.account.id, "rating period opened");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/organizations/{id}/rating/{year}/members/{member_id}/appraisal", tag = "rating",
    params(("id" = i64, Path), ("year" = i64, Path, minimum = 2000, maximum = 2100), ("member_id" = i64, Path)),
    request_body = Appraisal,
    description = "Chi ủy đánh giá một đảng viên của chi bộ (có thể điều chỉnh điểm, nhiệm vụ, trường hợp bắt buộc), \
        ghi nhận xét, kết quả biểu quyết khi quy định yêu cầu, và đề nghị mức xếp loại không tốt hơn kết quả cho phép.",
    responses((status = 204, description = "Đã lưu đề nghị."),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Chỉ chi ủy của chi bộ.", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Chưa mở đợt, hoặc đã quyết định.", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn appraise(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: CurrentUser,
    ApiPath((id, year, member_id)): ApiPath<(i64, i64, i64)>,
    ApiJson(ap): ApiJson<Appraisal>,
) -> ApiResult<StatusCode> {
    let year = year_of(year)?;
    let store = &state.store;
    let (org, path) = cell(&state, &user, id).await?;
    if !appraisal::may_propose(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    let member = member_in(store, org.id, member_id).await?;
    let period = store.rating().period(org.id, year).await?;
    let row = store.rating().rating(member.id, year).await?;
    appraisal::may_change_proposal(period, stage_of(row.as_ref()))
        .map_err(|e| ApiError::Conflict(crate::error::Text::of(&e)))?;
    let rules = rules_of(store, org.id).await?;
    appraisal::check_appraisal(&rules, &ap).map_err(ApiError::Validation)?;
    let (_, grassroots) = cell_place(store, org.id).await?;
    store
        .rating()
        .save_appraisal(
            RatingKey {
                member: member.id,
                year,
                cell: org.id,
                grassroots,
            },
            &ap,
            user.account.id,
            now_local(),
        )
        .await?;
    tracing::info!(cell = %org.id, member = %member.id, year, proposed = ?ap.proposed, "rating proposed");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/organizations/{id}/rating/{year}/members/{member_id}/decision", tag = "rating",
    params(("id" = i64, Path), ("year" = i64, Path, minimum = 2000, maximum = 2100), ("member_id" = i64, Path)),
    request_body = Decision,
    description = "Cấp ủy cấp trên trực tiếp của chi bộ quyết định mức xếp loại của một đảng viên: không tốt hơn \
        kết quả đánh giá của chi bộ, và không làm tổ chức cơ sở đảng vượt tỷ lệ “Hoàn thành xuất sắc nhiệm vụ”. \
        Đã quyết định thì chỉ thay đổi sau khi mở lại.",
    responses((status = 204, description = "Đã quyết định."),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Chỉ cấp ủy cấp trên trực tiếp.", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Chưa có đề nghị, đã quyết định, hoặc vượt tỷ lệ xuất sắc (kèm các con số).", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn decide(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: CurrentUser,
    ApiPath((id, year, member_id)): ApiPath<(i64, i64, i64)>,
    ApiJson(d): ApiJson<Decision>,
) -> ApiResult<StatusCode> {
    let year = year_of(year)?;
    let store = &state.store;
    let (org, path) = cell(&state, &user, id).await?;
    if !appraisal::may_decide(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    let member = member_in(store, org.id, member_id).await?;
    let period = store.rating().period(org.id, year).await?;
    let row = store.rating().rating(member.id, year).await?;
    let stage = stage_of(row.as_ref());
    appraisal::may_change_decision(period, stage).map_err(decision_error)?;
    if stage.decided && !stage.reopened {
        return Err(ApiError::Conflict(crate::error::Text::of(
            &appraisal::StageError::Decided,
        )));
    }
    let rules = rules_of(store, org.id).await?;
    let ap = row.and_then(|r| r.appraisal);
    let check = |others: &[Level]| appraisal::check_decision(&rules, ap.as_ref(), others, &d);
    store
        .rating()
        .decide(
            &NewDecision {
                member: member.id,
                year,
                level: d.level,
                note: &d.note,
                by: user.account.id,
                at: now_local(),
            },
            &check,
        )
        .await?
        .map_err(decision_error)?;
    tracing::info!(cell = %org.id, member = %member.id, year, level = ?d.level, by = %user.account.id, "rating decided");
    close_if_done(store, org.id, year).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn decision_error(e: DecisionError) -> ApiError {
    match e {
        DecisionError::AboveAppraisal { .. } => ApiError::field("level", &e),
        DecisionError::NoteTooLong => ApiError::field("note", &e),
        DecisionError::NotProposed | DecisionError::QuotaExceeded { .. } => {
            ApiError::Conflict(crate::error::Text::of(&e))
        }
    }
}

/// Closes the cell's period once every member on its roll is decided.
async fn close_if_done(store: &Store, cell: OrgId, year: i32) -> ApiResult<()> {
    let rows: HashMap<MemberId, StoredRating> = store
        .rating()
        .ratings_of_cells(&[cell], year)
        .await?
        .into_iter()
        .map(|r| (r.member_id, r))
        .collect();
    let done = store
        .members_of(cell)
        .await?
        .iter()
        .filter(|m| m.draft.status.on_roll())
        .all(|m| {
            rows.get(&m.id)
                .is_some_and(|r| r.decided_level.is_some() && r.reopened_at.is_none())
        });
    if done {
        store
            .rating()
            .set_period_state(cell, year, PeriodState::Closed)
            .await?;
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/organizations/{id}/rating/{year}/reopen", tag = "rating",
    params(("id" = i64, Path), ("year" = i64, Path, minimum = 2000, maximum = 2100)),
    request_body = ReopenRequest,
    description = "Cấp ủy cấp trên trực tiếp mở lại việc đánh giá của một đảng viên, hoặc cả đợt của chi bộ, \
        với lý do (được lưu và hiển thị). Đảng viên được sửa và nộp lại phiếu; chi bộ đề nghị lại; cấp ủy quyết định lại.",
    responses((status = 204, description = "Đã mở lại."),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Chỉ cấp ủy cấp trên trực tiếp.", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Chưa mở đợt, hoặc đảng viên chưa có gì để mở lại.", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn reopen(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: CurrentUser,
    ApiPath((id, year)): ApiPath<(i64, i64)>,
    ApiJson(req): ApiJson<ReopenRequest>,
) -> ApiResult<StatusCode> {
    let year = year_of(year)?;
    let store = &state.store;
    let (org, path) = cell(&state, &user, id).await?;
    if !appraisal::may_decide(&user.actor, &path) {
        return Err(ApiError::Forbidden);
    }
    appraisal::check_reason(&req.reason).map_err(ApiError::Validation)?;
    if store.rating().period(org.id, year).await? == PeriodState::NotOpened {
        return Err(ApiError::Conflict(crate::error::Text::of(
            &appraisal::StageError::NotOpen,
        )));
    }
    if let Some(m) = req.member_id {
        let member = member_in(store, org.id, m.0).await?;
        if store.rating().rating(member.id, year).await?.is_none() {
            return Err(ApiError::Conflict(crate::error::Text::both(
                "nothing_to_reopen",
                "Đảng viên chưa có phiếu đánh giá năm này để mở lại.",
                "The member has no appraisal this year to reopen.",
            )));
        }
    }
    store
        .rating()
        .reopen(
            org.id,
            year,
            req.member_id,
            req.reason.trim(),
            user.account.id,
            now_local(),
        )
        .await?;
    tracing::info!(cell = %org.id, year, member = ?req.member_id, by = %user.account.id, "rating reopened");
    Ok(StatusCode::NO_CONTENT)
}
