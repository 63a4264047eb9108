//! My notifications: the list (newest first, paged, with the unread count),
//! marking read, my email and push preferences, and this browser's push
//! subscription (with the server's VAPID key to subscribe with). Only one's
//! own notifications and subscriptions exist for one: another's answers 404.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::routes::now_local;
use crate::state::AppState;
use crate::storage::Subscribed;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use shared::ErrorBody;
use shared::notify::{DEFAULT_PAGE, MAX_PAGE, NoticePage, NoticePreferences, UnreadCount};
use shared::push::{MAX_PUSH_SUBSCRIPTIONS, PushDevices, PushEndpoint, PushKey, PushSubscription};

/// `?before=<id>&limit=<n>`, read here so that a bad value gets the one
/// error body with a Vietnamese message.
fn page_query(query: Option<&str>) -> ApiResult<(Option<i64>, u32)> {
    let mut before = None;
    let mut limit = DEFAULT_PAGE;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "before" => {
                before = Some(
                    value
                        .parse::<i64>()
                        .ok()
                        .filter(|v| *v > 0)
                        .ok_or_else(|| {
                            ApiError::BadRequest(crate::error::Text::both(
    "bad_before",
    "Tham số before phải là mã thông báo (số nguyên dương).",
    "The parameter before must be a notification's id (a positive whole number).",
))
                        })?,
                );
            }
            "limit" => {
                limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|v| (1..=MAX_PAGE).contains(v))
                    .ok_or_else(|| {
                        ApiError::BadRequest(crate::error::Text::both(
                            "bad_limit",
                            format!("Tham số limit phải là số từ 1 đến {MAX_PAGE}."),
                            format!("The parameter limit must be a number from 1 to {MAX_PAGE}."),
                        ))
                    })?;
            }
            _ => {
                return Err(ApiError::BadRequest(crate::error::Text::both(
                    "bad_query",
                    "Chỉ nhận các tham số before và limit.",
                    "Only the parameters before and limit are accepted.",
                )));
            }
        }
    }
    Ok((before, limit))
}

/// `GET /api/me/notifications`: newest first; `next_before` leads to older ones.
#[utoipa::path(get, path = "/api/me/notifications", tag = "notifications",
    params(
        ("before" = Option<i64>, Query, minimum = 1, description = "Chỉ các thông báo có mã nhỏ hơn (trang sau)."),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "Số thông báo mỗi trang (mặc định 20).")),
    responses((status = 200, body = NoticePage),
        (status = 400, body = ErrorBody, description = "Tham số không hợp lệ.")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(query): RawQuery,
) -> ApiResult<ApiJson<NoticePage>> {
    let (before, limit) = page_query(query.as_deref())?;
    let (items, unread) = state
        .store
        .notices()
        .page(user.account.id, before, limit)
        .await?;
    let next_before = if items.len() == limit as usize {
        items.last().map(|n| n.id)
    } else {
        None
    };
    Ok(ApiJson(NoticePage {
        items,
        unread,
        next_before,
    }))
}

/// `POST /api/me/notifications/{id}/read`: one of mine, opened.
#[utoipa::path(post, path = "/api/me/notifications/{id}/read", tag = "notifications",
    params(("id" = i64, Path)),
    responses((status = 200, body = UnreadCount), (status = 404, body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<UnreadCount>> {
    let notices = state.store.notices();
    if !notices.mark_read(user.account.id, id, now_local()).await? {
        return Err(ApiError::NotFound("thông báo"));
    }
    Ok(ApiJson(UnreadCount {
        unread: notices.unread(user.account.id).await?,
    }))
}

/// `POST /api/me/notifications/read-all`: all of mine read.
#[utoipa::path(post, path = "/api/me/notifications/read-all", tag = "notifications",
    responses((status = 200, body = UnreadCount)))]
pub async fn mark_all_read(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<UnreadCount>> {
    let notices = state.store.notices();
    notices.mark_all_read(user.account.id, now_local()).await?;
    Ok(ApiJson(UnreadCount {
        unread: notices.unread(user.account.id).await?,
    }))
}

/// `GET /api/me/notification-preferences`: my email address, the kinds I
/// want by email and the kinds I want pushed.
#[utoipa::path(get, path = "/api/me/notification-preferences", tag = "notifications",
    responses((status = 200, body = NoticePreferences)))]
pub async fn preferences(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<NoticePreferences>> {
    Ok(ApiJson(
        state.store.notices().preferences(user.account.id).await?,
    ))
}

/// `PUT /api/me/notification-preferences`: replaces them (checked by
/// `NoticePreferences::check`).
#[utoipa::path(put, path = "/api/me/notification-preferences", tag = "notifications",
    request_body = NoticePreferences,
    responses((status = 200, body = NoticePreferences), (status = 422, body = ErrorBody)))]
pub async fn set_preferences(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(prefs): ApiJson<NoticePreferences>,
) -> ApiResult<ApiJson<NoticePreferences>> {
    let prefs = prefs.check().map_err(ApiError::Validation)?;
    state
        .store
        .notices()
        .set_preferences(user.account.id, &prefs)
        .await?;
    Ok(ApiJson(prefs))
}

/// `GET /api/push/key`: the server's VAPID public key, for
/// `pushManager.subscribe`.
#[utoipa::path(get, path = "/api/push/key", tag = "notifications",
    responses((status = 200, body = PushKey)))]
pub async fn push_key(State(state): State<AppState>, _user: CurrentUser) -> ApiJson<PushKey> {
    ApiJson(PushKey {
        public_key: state.notify.push_public_key().to_string(),
    })
}

/// `PUT /api/me/push-subscriptions`: this browser receives my pushes (the
/// same endpoint again renews its keys; one another account had becomes
/// mine).
#[utoipa::path(put, path = "/api/me/push-subscriptions", tag = "notifications",
    request_body = PushSubscription,
    responses((status = 200, body = PushDevices),
        (status = 409, body = ErrorBody, description = "Tài khoản đã có số thiết bị tối đa."),
        (status = 422, body = ErrorBody)))]
pub async fn subscribe_push(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(subscription): ApiJson<PushSubscription>,
) -> ApiResult<ApiJson<PushDevices>> {
    let checked = subscription
        .check(state.notify.push_allows_local_http())
        .map_err(ApiError::Validation)?;
    match state
        .store
        .notices()
        .subscribe_push(
            user.account.id,
            &checked,
            now_local(),
            MAX_PUSH_SUBSCRIPTIONS,
        )
        .await?
    {
        Subscribed::Devices(devices) => Ok(ApiJson(PushDevices { devices })),
        Subscribed::TooMany => Err(ApiError::Conflict(crate::error::Text::both(
            "too_many_devices",
            format!(
                "Tài khoản đã nhận thông báo đẩy trên {MAX_PUSH_SUBSCRIPTIONS} thiết bị; \
                 hãy tắt ở một thiết bị khác trước."
            ),
            format!(
                "The account already gets push notifications on {MAX_PUSH_SUBSCRIPTIONS} devices; \
                 turn them off on another device first."
            ),
        ))),
    }
}

/// `DELETE /api/me/push-subscriptions`: this browser no longer receives my pushes.
#[utoipa::path(delete, path = "/api/me/push-subscriptions", tag = "notifications",
    request_body = PushEndpoint,
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn unsubscribe_push(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(endpoint): ApiJson<PushEndpoint>,
) -> ApiResult<StatusCode> {
    if state
        .store
        .notices()
        .unsubscribe_push(user.account.id, endpoint.endpoint.trim())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("thiết bị nhận thông báo đẩy"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_query_is_read_strictly() {
        assert_eq!(page_query(None).unwrap(), (None, DEFAULT_PAGE));
        assert_eq!(page_query(Some("before=9&limit=5")).unwrap(), (Some(9), 5));
        for bad in [
            "limit=0",
            "limit=101",
            "limit=x",
            "before=-1",
            "before=",
            "page=2",
        ] {
            assert!(
                matches!(page_query(Some(bad)), Err(ApiError::BadRequest(_))),
                "{bad}"
            );
        }
    }
}
