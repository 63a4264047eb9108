//! Scoring a closed meeting (chấm điểm): the sheet with its computed
//! criteria and their evidence, the cell committee's proposal, the upper
//! level's confirmation or change, members' comments; the score on the
//! minutes and in the cell's year. Everything is recomputed here with
//! `shared::scoring` (the browser computes with the same functions).

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::{now_local, visible_org};
use crate::state::AppState;
use crate::storage::{NewConfirmation, NewProposal, StoredScore};
use axum::extract::State;
use axum::http::StatusCode;
use shared::live::state::LiveState;
use shared::meeting::{Meeting, MeetingStatus};
use shared::rules::RuleSet;
use shared::rules::scoring::{Band, Entries, MeetingFacts, MeetingScore, Points};
use shared::scoring::{
    self, CellProposal, CommentRequest, MeetingBand, ProposeRequest, ScoreComment, ScorePowers,
    ScoreSummary, ScoreView, ScoringBasis, UpperColumn, UpperRequest,
};
use shared::{ErrorBody, MeetingId, OrgId};

fn corrupt(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("điểm buổi sinh hoạt: {what}: {e}").into())
}

/// A stored score read back: its basis and both columns.
struct Scored {
    basis: ScoringBasis,
    cell: Entries,
    upper: Option<(Entries, String)>,
    stored: StoredScore,
}

fn parse(stored: StoredScore) -> ApiResult<Scored> {
    let basis = serde_json::from_str(&stored.basis).map_err(|e| corrupt("basis", e))?;
    let cell = serde_json::from_str(&stored.cell_entries).map_err(|e| corrupt("cell", e))?;
    let upper = match &stored.upper {
        Some(u) => Some((
            serde_json::from_str(&u.entries).map_err(|e| corrupt("upper", e))?,
            u.reason.clone(),
        )),
        None => None,
    };
    Ok(Scored {
        basis,
        cell,
        upper,
        stored,
    })
}

/// The facts of a closed meeting: its record and what the register adds.
async fn facts(
    state: &AppState,
    meeting: &Meeting,
    live: &LiveState,
    previous_tasks: usize,
    rules: &RuleSet,
) -> ApiResult<Option<MeetingFacts>> {
    let documents: Vec<_> = state
        .store
        .meeting_files(meeting.id)
        .await?
        .iter()
        .map(|f| f.uploaded_at)
        .collect();
    Ok(scoring::facts_of(
        live,
        meeting,
        &documents,
        u32::try_from(previous_tasks).unwrap_or(u32::MAX),
        &rules.schedule,
    ))
}

/// A closed meeting the user may see, with what scoring it needs.
struct Context {
    meeting: Meeting,
    path: Vec<OrgId>,
    rules: RuleSet,
    facts: MeetingFacts,
    scored: Option<Scored>,
}

async fn context(state: &AppState, user: &CurrentUser, id: i64) -> ApiResult<Context> {
    let meeting = state
        .store
        .meeting(MeetingId(id))
        .await?
        .ok_or(ApiError::NotFound("buổi sinh hoạt"))?;
    let (_, path, _) = visible_org(state, user, meeting.cell_id)
        .await
        .map_err(|_| ApiError::NotFound("buổi sinh hoạt"))?;
    context_for(state, meeting, path.iter().map(|o| o.id).collect()).await
}

/// The context of a meeting whoever asks (`path`: its cell's, for the powers).
async fn context_for(state: &AppState, meeting: Meeting, path: Vec<OrgId>) -> ApiResult<Context> {
    let not_closed = || {
        ApiError::Conflict(crate::error::Text::both(
            "meeting_not_closed",
            "Buổi sinh hoạt chưa bế mạc: chỉ chấm điểm sau khi bế mạc.",
            "The meeting has not closed: it is scored only after it closes.",
        ))
    };
    if meeting.status != MeetingStatus::Closed {
        return Err(not_closed());
    }
    let (live, _) = state.live.record(&meeting).await?;
    if shared::live::minutes::closed_without_record(&live, &meeting) {
        return Err(super::live::no_record());
    }
    let register = super::tasks::register(state, &meeting, &live).await?;
    let rules = crate::rulesets::for_org(
        &state.store,
        meeting.cell_id,
        meeting.draft.starts_at.date(),
    )
    .await?;
    let facts = facts(
        state,
        &meeting,
        &live,
        register.previous_tasks.len(),
        &rules,
    )
    .await?
    .ok_or_else(not_closed)?;
    let scored = state
        .store
        .meeting_score(meeting.id)
        .await?
        .map(parse)
        .transpose()?;
    Ok(Context {
        meeting,
        path,
        rules,
        facts,
        scored,
    })
}

/// Fills `proposed_tenths` of proposals stored before it existed (start-up).
pub(crate) async fn backfill_proposed(state: &AppState) -> ApiResult<usize> {
    let mut done = 0;
    for (id, _, _) in state.store.oversight().proposals_without_tenths().await? {
        let Some(meeting) = state.store.meeting(id).await? else {
            continue;
        };
        let ctx = context_for(state, meeting, Vec::new()).await?;
        if let Some(score) = result_of(&ctx)? {
            state
                .store
                .oversight()
                .set_proposed_tenths(id, i64::from(score.cell.total.as_tenths()))
                .await?;
            done += 1;
        }
    }
    Ok(done)
}

fn result_of(ctx: &Context) -> ApiResult<Option<MeetingScore>> {
    let Some(s) = &ctx.scored else {
        return Ok(None);
    };
    s.basis
        .score(&ctx.facts, &s.cell, s.upper.as_ref().map(|u| &u.0))
        .map(Some)
        .map_err(|e| corrupt("stored points", e))
}

async fn view(state: &AppState, user: &CurrentUser, ctx: Context) -> ApiResult<ScoreView> {
    let result = result_of(&ctx)?;
    let comments = state.store.score_comments(ctx.meeting.id).await?;
    let confirmed = ctx.scored.as_ref().is_some_and(|s| s.upper.is_some());
    let actor = &user.actor;
    let may = ScorePowers {
        propose: !confirmed && scoring::may_propose(actor, ctx.meeting.cell_id),
        confirm: !confirmed && ctx.scored.is_some() && scoring::may_confirm(actor, &ctx.path),
        comment: scoring::may_comment(actor, ctx.meeting.cell_id),
    };
    let basis = ctx
        .scored
        .as_ref()
        .map_or_else(|| ScoringBasis::of(&ctx.rules), |s| s.basis.clone());
    let explanation = result
        .as_ref()
        .map(|r| r.upper.as_ref().unwrap_or(&r.cell).explain(&basis.sheet))
        .unwrap_or_default();
    let (proposal, upper) = match ctx.scored {
        Some(s) => {
            let upper = match (s.upper, s.stored.upper) {
                (Some((entries, reason)), Some(u)) => Some(UpperColumn {
                    entries,
                    reason,
                    by: u.by,
                    at: u.at,
                }),
                _ => None,
            };
            (
                Some(CellProposal {
                    entries: s.cell,
                    by: s.stored.proposed_by,
                    at: s.stored.proposed_at,
                }),
                upper,
            )
        }
        None => (None, None),
    };
    Ok(ScoreView {
        meeting_id: ctx.meeting.id,
        computed: basis.computed(&ctx.facts),
        basis,
        facts: ctx.facts,
        proposal,
        upper,
        result,
        explanation,
        comments,
        may,
    })
}

/// `GET /api/meetings/{id}/score`.
#[utoipa::path(get, path = "/api/meetings/{id}/score", tag = "scoring", params(("id" = i64, Path)),
    description = "Phiếu chấm điểm buổi sinh hoạt: tiêu chí tính từ hồ sơ (kèm căn cứ), cột chi bộ chấm, \
cột cấp trên chấm, kết quả, ý kiến của đảng viên và những việc người hỏi được làm.",
    responses((status = 200, body = ScoreView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Buổi sinh hoạt chưa bế mạc, hoặc đã kết thúc mà không có biên bản trực tuyến.")))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<ScoreView>> {
    let ctx = context(&state, &user, id).await?;
    Ok(ApiJson(view(&state, &user, ctx).await?))
}

fn already_confirmed() -> ApiError {
    ApiError::Conflict(crate::error::Text::both(
        "score_confirmed",
        "Cấp trên đã xác nhận điểm buổi sinh hoạt này; không chấm lại được.",
        "The higher level has confirmed this meeting's score; it cannot be scored again.",
    ))
}

/// `PUT /api/meetings/{id}/score`: the cell committee proposes its score.
#[utoipa::path(put, path = "/api/meetings/{id}/score", tag = "scoring", params(("id" = i64, Path)),
    request_body = ProposeRequest,
    description = "Chi ủy (bí thư, phó bí thư) đề xuất điểm: chỉ nhập các tiêu chí không tính từ hồ sơ, \
mỗi tiêu chí trong điểm tối đa. Lỗi của từng tiêu chí ở trường entries.<mã tiêu chí>.",
    responses((status = 200, body = ScoreView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Buổi sinh hoạt chưa bế mạc, hoặc cấp trên đã xác nhận."),
        (status = 422, body = ErrorBody, description = "Điểm một tiêu chí không hợp lệ (trường entries.<mã>).")))]
pub async fn propose(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ProposeRequest>,
) -> ApiResult<ApiJson<ScoreView>> {
    let ctx = context(&state, &user, id).await?;
    if !scoring::may_propose(&user.actor, ctx.meeting.cell_id) {
        return Err(ApiError::NotAllowed(crate::error::Text::both(
            "secretary_only",
            "Chỉ bí thư, phó bí thư chi bộ đề xuất điểm buổi sinh hoạt.",
            "Only the cell's secretary or deputy secretary proposes the meeting's score.",
        )));
    }
    if ctx.scored.as_ref().is_some_and(|s| s.upper.is_some()) {
        return Err(already_confirmed());
    }
    let basis = ScoringBasis::of(&ctx.rules);
    scoring::check_proposal(&basis, &ctx.facts, &req.entries).map_err(ApiError::Validation)?;
    let basis_json = serde_json::to_string(&basis).map_err(|e| corrupt("basis", e))?;
    let entries_json = serde_json::to_string(&req.entries).map_err(|e| corrupt("cell", e))?;
    let stored = state
        .store
        .propose_score(
            ctx.meeting.id,
            &NewProposal {
                rules_name: &basis.rules_name,
                rules_version: i64::from(basis.rules_version),
                basis: &basis_json,
                cell_entries: &entries_json,
                by: user.account.id,
                at: now_local(),
            },
        )
        .await?;
    if !stored {
        return Err(already_confirmed());
    }
    // The cell's total beside the proposal, for the upper level's dashboard.
    if let Ok(score) = basis.score(&ctx.facts, &req.entries, None) {
        state
            .store
            .oversight()
            .set_proposed_tenths(ctx.meeting.id, i64::from(score.cell.total.as_tenths()))
            .await?;
    }
    tracing::info!(meeting = %ctx.meeting.id, by = %user.account.id, "score proposed");
    let ctx = context(&state, &user, id).await?;
    Ok(ApiJson(view(&state, &user, ctx).await?))
}

/// `PUT /api/meetings/{id}/score/upper`: the upper level confirms the
/// cell's points or changes them with a reason.
#[utoipa::path(put, path = "/api/meetings/{id}/score/upper", tag = "scoring", params(("id" = i64, Path)),
    request_body = UpperRequest,
    description = "Cấp ủy viên cấp trên được phân công theo dõi chi bộ (hoặc cấp ủy cấp trên) xác nhận điểm chi bộ đề xuất \
(không gửi entries), hoặc chấm khác kèm lý do. Đảng viên của chi bộ được báo khi điểm được xác nhận.",
    responses((status = 200, body = ScoreView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Chưa bế mạc, chi bộ chưa đề xuất điểm, hoặc đã xác nhận."),
        (status = 422, body = ErrorBody, description = "Điểm một tiêu chí không hợp lệ, hoặc thiếu lý do khi chấm khác.")))]
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpperRequest>,
) -> ApiResult<ApiJson<ScoreView>> {
    let ctx = context(&state, &user, id).await?;
    if !scoring::may_confirm(&user.actor, &ctx.path) {
        return Err(ApiError::NotAllowed(crate::error::Text::both(
            "follower_only",
            "Chỉ cấp ủy cấp trên theo dõi chi bộ mới xác nhận điểm buổi sinh hoạt.",
            "Only the higher committee member who follows the cell confirms the meeting's score.",
        )));
    }
    let Some(scored) = &ctx.scored else {
        return Err(ApiError::Conflict(crate::error::Text::both(
            "score_not_proposed",
            "Chi bộ chưa đề xuất điểm buổi sinh hoạt này.",
            "The cell has not proposed a score for this meeting.",
        )));
    };
    if scored.upper.is_some() {
        return Err(already_confirmed());
    }
    let (entries, reason, score) =
        scoring::check_upper(&scored.basis, &ctx.facts, &scored.cell, &req)
            .map_err(ApiError::Validation)?;
    let changed = entries != scored.cell;
    let entries_json = serde_json::to_string(&entries).map_err(|e| corrupt("upper", e))?;
    let stored = state
        .store
        .confirm_score(
            ctx.meeting.id,
            &NewConfirmation {
                entries: &entries_json,
                reason: &reason,
                by: user.account.id,
                at: now_local(),
                final_tenths: i64::from(score.final_total.as_tenths()),
                final_band: score.final_band.as_str(),
            },
        )
        .await?;
    if !stored {
        return Err(already_confirmed());
    }
    tracing::info!(meeting = %ctx.meeting.id, by = %user.account.id, changed, "score confirmed");
    state
        .notify
        .score_confirmed(&ctx.meeting, score.final_total, score.final_band, changed)
        .await;
    let ctx = context(&state, &user, id).await?;
    Ok(ApiJson(view(&state, &user, ctx).await?))
}

/// `POST /api/meetings/{id}/score/comments`: a member of the cell comments.
#[utoipa::path(post, path = "/api/meetings/{id}/score/comments", tag = "scoring", params(("id" = i64, Path)),
    request_body = CommentRequest,
    description = "Đảng viên của chi bộ góp ý về điểm buổi sinh hoạt.",
    responses((status = 201, body = ScoreComment), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Chưa bế mạc, hoặc đã đủ số ý kiến tối đa."),
        (status = 422, body = ErrorBody)))]
pub async fn comment(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CommentRequest>,
) -> ApiResult<(StatusCode, ApiJson<ScoreComment>)> {
    let meeting = state
        .store
        .meeting(MeetingId(id))
        .await?
        .ok_or(ApiError::NotFound("buổi sinh hoạt"))?;
    visible_org(&state, &user, meeting.cell_id)
        .await
        .map_err(|_| ApiError::NotFound("buổi sinh hoạt"))?;
    if meeting.status != MeetingStatus::Closed {
        return Err(ApiError::Conflict(crate::error::Text::both(
            "meeting_not_closed",
            "Buổi sinh hoạt chưa bế mạc: chỉ góp ý về điểm sau khi bế mạc.",
            "The meeting has not closed: comments on the score come only after it closes.",
        )));
    }
    if !scoring::may_comment(&user.actor, meeting.cell_id) {
        return Err(ApiError::NotAllowed(crate::error::Text::both(
            "not_member",
            "Chỉ đảng viên của chi bộ góp ý về điểm buổi sinh hoạt.",
            "Only members of the cell comment on the meeting's score.",
        )));
    }
    let text =
        scoring::check_comment(&req.text).map_err(|e| ApiError::Validation(e.into_fields()))?;
    if state.store.score_comments(meeting.id).await?.len() >= scoring::MAX_COMMENTS_PER_MEETING {
        let max = scoring::MAX_COMMENTS_PER_MEETING;
        return Err(ApiError::Conflict(crate::error::Text::both(
            "too_many_comments",
            format!("Buổi sinh hoạt đã có {max} ý kiến về điểm, không thêm được nữa."),
            format!("The meeting already has {max} comments on its score; no more can be added."),
        )));
    }
    let at = now_local();
    let id = state
        .store
        .add_score_comment(meeting.id, user.account.id, &text, at)
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(ScoreComment {
            id,
            author: user.account.display_name.clone(),
            text,
            at,
        }),
    ))
}

/// The confirmed score of a closed meeting for its minutes; `None` before.
pub async fn confirmed_summary(
    state: &AppState,
    meeting: &Meeting,
    live: &LiveState,
    previous_tasks: usize,
) -> ApiResult<Option<ScoreSummary>> {
    let Some(stored) = state.store.meeting_score(meeting.id).await? else {
        return Ok(None);
    };
    let scored = parse(stored)?;
    let Some((upper, reason)) = &scored.upper else {
        return Ok(None);
    };
    let rules = crate::rulesets::for_org(
        &state.store,
        meeting.cell_id,
        meeting.draft.starts_at.date(),
    )
    .await?;
    let Some(facts) = facts(state, meeting, live, previous_tasks, &rules).await? else {
        return Ok(None);
    };
    let score = scored
        .basis
        .score(&facts, &scored.cell, Some(upper))
        .map_err(|e| corrupt("stored points", e))?;
    Ok(ScoreSummary::of(&scored.basis, &score, reason))
}

/// The final bands of a cell's confirmed meetings, for its year.
pub async fn confirmed_bands(
    state: &AppState,
    meetings: &[Meeting],
) -> ApiResult<Vec<MeetingBand>> {
    let Some(cell) = meetings.first().map(|m| m.cell_id) else {
        return Ok(Vec::new());
    };
    let confirmed = state.store.confirmed_scores(cell).await?;
    confirmed
        .iter()
        .filter_map(|c| {
            let m = meetings.iter().find(|m| m.id == c.meeting)?;
            Some((m, c))
        })
        .map(|(m, c)| {
            let tenths = u32::try_from(c.final_tenths).map_err(|e| corrupt("total", e))?;
            let band =
                Band::parse(&c.final_band).ok_or_else(|| corrupt("band", c.final_band.as_str()))?;
            Ok(MeetingBand {
                meeting_id: m.id,
                kind: m.draft.kind,
                total: Points::tenths(tenths),
                band,
            })
        })
        .collect()
}
