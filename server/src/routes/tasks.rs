//! The follow-up of the tasks closed meetings assigned: a member's own tasks,
//! a meeting's tasks with their statuses, and the owner's update. The tasks
//! are read from the meetings' records; only their follow-up is stored apart
//! (`storage::tasks`). Who may update, the statuses and lateness are
//! `shared::followup`'s rules.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::{now_local, today, visible_org};
use crate::state::AppState;
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use shared::followup::{self, PassedResolution, TaskStatus, TaskUpdate, TaskView};
use shared::live::minutes::{Names, Register};
use shared::live::state::LiveState;
use shared::meeting::{Meeting, MeetingStatus};
use shared::{ErrorBody, MeetingId};

/// The meeting, if the user may see its cell (404 otherwise, ids leak nothing).
async fn visible_meeting(state: &AppState, user: &CurrentUser, id: i64) -> ApiResult<Meeting> {
    let meeting = state
        .store
        .meeting(MeetingId(id))
        .await?
        .ok_or(ApiError::NotFound("buổi sinh hoạt"))?;
    visible_org(state, user, meeting.cell_id)
        .await
        .map_err(|_| ApiError::NotFound("buổi sinh hoạt"))?;
    Ok(meeting)
}

fn closed(meeting: &Meeting) -> ApiResult<()> {
    if meeting.status == MeetingStatus::Closed {
        Ok(())
    } else {
        Err(ApiError::Conflict(crate::error::Text::both(
            "meeting_not_closed",
            "Buổi sinh hoạt chưa bế mạc: việc được giao chỉ theo dõi sau khi bế mạc.",
            "The meeting has not closed: tasks are followed up only after it closes.",
        )))
    }
}

/// A closed meeting's tasks with their follow-up, as `user` sees them on `day`.
async fn views_of(
    state: &AppState,
    user: Option<&CurrentUser>,
    meeting: &Meeting,
    live: &LiveState,
    day: NaiveDate,
) -> ApiResult<Vec<TaskView>> {
    let mut follow_ups = state.store.task_follow_ups(meeting.id).await?;
    Ok(live
        .tasks
        .iter()
        .enumerate()
        .map(|(i, task)| {
            let may = user.is_some_and(|u| followup::may_update(&u.actor, meeting.cell_id, task));
            TaskView::new(meeting, i, task.clone(), follow_ups.remove(&i), day, may)
        })
        .collect())
}

/// `GET /api/me/tasks`: the tasks assigned to the user's member record in
/// the closed meetings of their cell, latest meeting first.
#[utoipa::path(get, path = "/api/me/tasks", tag = "tasks",
    responses((status = 200, body = Vec<TaskView>)))]
pub async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<Vec<TaskView>>> {
    let Some(seat) = user.actor.seat else {
        return Ok(ApiJson(Vec::new()));
    };
    let mut out = Vec::new();
    for meeting in state.store.meetings_of(seat.cell_id).await? {
        if meeting.status != MeetingStatus::Closed {
            continue;
        }
        let (live, _) = state.live.record(&meeting).await?;
        if !live
            .tasks
            .iter()
            .any(|t| t.assignee == Some(seat.member_id))
        {
            continue;
        }
        let views = views_of(&state, Some(&user), &meeting, &live, today()).await?;
        out.extend(
            views
                .into_iter()
                .filter(|v| v.task.assignee == Some(seat.member_id)),
        );
    }
    Ok(ApiJson(out))
}

/// `GET /api/meetings/{id}/tasks`: a closed meeting's tasks with their statuses.
#[utoipa::path(get, path = "/api/meetings/{id}/tasks", tag = "tasks", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TaskView>), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Buổi sinh hoạt chưa bế mạc.")))]
pub async fn of_meeting(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<Vec<TaskView>>> {
    let meeting = visible_meeting(&state, &user, id).await?;
    closed(&meeting)?;
    let (live, _) = state.live.record(&meeting).await?;
    Ok(ApiJson(
        views_of(&state, Some(&user), &meeting, &live, today()).await?,
    ))
}

/// `PUT /api/meetings/{id}/tasks/{index}`: the owner (or the cell's
/// committee) records the task's status with a note.
#[utoipa::path(put, path = "/api/meetings/{id}/tasks/{index}", tag = "tasks",
    params(("id" = i64, Path), ("index" = i64, Path, description = "Số thứ tự của việc trong buổi sinh hoạt, từ 0.")),
    request_body = TaskUpdate,
    responses((status = 200, body = TaskView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Buổi sinh hoạt chưa bế mạc."),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, index)): ApiPath<(i64, i64)>,
    ApiJson(update): ApiJson<TaskUpdate>,
) -> ApiResult<ApiJson<TaskView>> {
    let meeting = visible_meeting(&state, &user, id).await?;
    closed(&meeting)?;
    let (live, _) = state.live.record(&meeting).await?;
    let not_found = ApiError::NotFound("việc được giao");
    let index = usize::try_from(index).map_err(|_| ApiError::NotFound("việc được giao"))?;
    let task = live.tasks.get(index).ok_or(not_found)?;
    if !followup::may_update(&user.actor, meeting.cell_id, task) {
        return Err(ApiError::NotAllowed(crate::error::Text::both(
            "not_assignee",
            "Chỉ người được giao việc và chi ủy cập nhật được việc này.",
            "Only the person the task is given to and the cell committee can update this task.",
        )));
    }
    let current = state
        .store
        .task_follow_ups(meeting.id)
        .await?
        .get(&index)
        .map_or(TaskStatus::Open, |f| f.status);
    let (status, note) = update.check(current).map_err(ApiError::Validation)?;
    state
        .store
        .set_task_follow_up(
            meeting.id,
            index,
            status,
            &note,
            user.account.id,
            now_local(),
        )
        .await?;
    tracing::info!(meeting = %meeting.id, index, status = status.as_str(), by = %user.account.id, "task updated");
    let views = views_of(&state, Some(&user), &meeting, &live, today()).await?;
    views
        .into_iter()
        .nth(index)
        .map(ApiJson)
        .ok_or(ApiError::NotFound("việc được giao"))
}

/// What the minutes of `meeting` take from the cell's register: the
/// resolution's number in the year and the previous closed meeting's tasks,
/// their lateness judged on this meeting's date.
pub async fn register(
    state: &AppState,
    meeting: &Meeting,
    live: &LiveState,
) -> ApiResult<Register> {
    let mut register = Register::default();
    let meetings = state.store.meetings_of(meeting.cell_id).await?;
    let earlier = meetings.iter().find(|m| {
        m.status == MeetingStatus::Closed
            && (m.draft.starts_at, m.id.0) < (meeting.draft.starts_at, meeting.id.0)
    });
    if let Some(previous) = earlier {
        let (prev, _) = state.live.record(previous).await?;
        let day = live.opened_at.unwrap_or(meeting.draft.starts_at).date();
        register.previous_tasks = views_of(state, None, previous, &prev, day).await?;
    }
    let Some(closed_at) = live.closed_at else {
        return Ok(register);
    };
    // The minutes' own rule on whether a resolution passed.
    let passed = |s: &LiveState, m: &Meeting| {
        let none = (Names::default(), Register::default());
        shared::live::minutes::minutes(s, m, &none.0, &none.1, "").resolution_passed()
    };
    if !passed(live, meeting) {
        return Ok(register);
    }
    let year = closed_at.year();
    let mut resolutions = Vec::new();
    // A meeting closes the day it starts or soon after: those started from
    // the year before on are enough to find this year's closings.
    for m in meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Closed && m.draft.starts_at.year() >= year - 1)
    {
        let s = if m.id == meeting.id {
            None
        } else {
            Some(state.live.record(m).await?.0)
        };
        let s = s.as_ref().unwrap_or(live);
        if let (Some(at), true) = (s.closed_at, passed(s, m)) {
            resolutions.push(PassedResolution {
                meeting: m.id,
                closed_at: at,
            });
        }
    }
    register.resolution_ordinal = followup::resolution_ordinal(&resolutions, meeting.id);
    Ok(register)
}
