//! A committee's rule set (bộ quy tắc): the set that applies to an
//! organization and where it comes from, and a committee's choice of a
//! built-in set or its own copy from an effective date. The choosing,
//! inheriting and checking are `shared::rules::adoption`'s.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::{now_local, today, visible_org};
use crate::state::AppState;
use crate::storage::NewAdoption;
use axum::extract::State;
use shared::org::Organization;
use shared::rules::adoption::{self, BuiltIn, Choice, RuleSetRequest, RuleSetView};
use shared::{ErrorBody, OrgId};

async fn view(
    state: &AppState,
    user: &CurrentUser,
    org: &Organization,
    path: &[Organization],
) -> ApiResult<RuleSetView> {
    let on = today();
    let ids: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    let chooses = adoption::chooses_rules(org.kind);
    Ok(RuleSetView {
        org_id: org.id,
        org_name: org.name.clone(),
        on,
        applicable: crate::rulesets::applicable(&state.store, org.id, on).await?,
        chooses,
        may_choose: chooses && user.actor.may_choose_rules(&ids),
        adoptions: state.store.rule_set_adoptions(&[org.id]).await?,
        builtins: BuiltIn::ALL.iter().map(|b| b.rule_set()).collect(),
    })
}

#[utoipa::path(get, path = "/api/organizations/{id}/rule-set", tag = "organizations",
    params(("id" = i64, Path)),
    description = "Bộ quy tắc áp dụng cho tổ chức hôm nay và nguồn gốc (tự chọn, theo cấp ủy cấp trên, mặc định toàn quốc), \
các lần chọn của chính tổ chức, và các bộ quy tắc có sẵn.",
    responses((status = 200, body = RuleSetView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<RuleSetView>> {
    let (org, path, _) = visible_org(&state, &user, OrgId(id)).await?;
    Ok(ApiJson(view(&state, &user, &org, &path).await?))
}

#[utoipa::path(put, path = "/api/organizations/{id}/rule-set", tag = "organizations",
    params(("id" = i64, Path)),
    request_body = RuleSetRequest,
    description = "Cấp ủy chọn bộ quy tắc cho các tổ chức trực thuộc từ một ngày áp dụng: một bộ có sẵn, \
hoặc bản riêng với các giá trị đã sửa. Buổi sinh hoạt đã khai mạc giữ bộ quy tắc đã ghi khi khai mạc.",
    responses((status = 200, body = RuleSetView),
        (status = 403, body = ErrorBody, description = "Chỉ quản trị viên và cấp ủy của tổ chức này hoặc cấp trên."),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Chi bộ, tổ đảng không tự chọn bộ quy tắc; hoặc người khác vừa chọn."),
        (status = 422, body = ErrorBody, description = "Ngày áp dụng, số quyết định hoặc một giá trị không hợp lệ (trường lỗi theo đường dẫn, ví dụ schedule.reminder_day).")))]
pub async fn put(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RuleSetRequest>,
) -> ApiResult<ApiJson<RuleSetView>> {
    let (org, path, _) = visible_org(&state, &user, OrgId(id)).await?;
    let ids: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    if !user.actor.may_choose_rules(&ids) {
        return Err(ApiError::Forbidden);
    }
    if !adoption::chooses_rules(org.kind) {
        return Err(ApiError::Conflict(crate::error::Text::both(
            "rules_from_above",
            "Chi bộ và tổ đảng áp dụng bộ quy tắc của cấp ủy cấp trên; chỉ đảng bộ có tổ chức trực thuộc mới chọn bộ quy tắc.",
            "Cells and party groups apply the rule set of the committee above; only a party committee with organizations under it chooses a rule set.",
        )));
    }
    let decision = adoption::check_request(&req, today()).map_err(ApiError::Validation)?;
    let version = adoption::next_version(&state.store.rule_set_adoptions(&[org.id]).await?);
    let choice = match req.choice {
        Choice::BuiltIn { builtin } => Choice::BuiltIn { builtin },
        Choice::Own { based_on, rules } => Choice::Own {
            based_on,
            rules: Box::new(
                adoption::own_copy(
                    based_on,
                    &rules,
                    &org.name,
                    version,
                    req.effective_from,
                    &decision,
                )
                .map_err(ApiError::Validation)?,
            ),
        },
    };
    state
        .store
        .adopt_rule_set(&NewAdoption {
            org_id: org.id,
            version,
            effective_from: req.effective_from,
            choice,
            decision,
            adopted_by: user.account.id,
            adopted_at: now_local(),
        })
        .await?;
    tracing::info!(org = %org.id, version, from = %req.effective_from, by = %user.account.id, "rule set adopted");
    Ok(ApiJson(view(&state, &user, &org, &path).await?))
}
