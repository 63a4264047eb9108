//! This browser's Web Push subscription (thông báo đẩy): registers the
//! service worker (`/sw.js`), asks permission to show notifications,
//! subscribes at the browser's push service with the server's VAPID key, and
//! sends the subscription to the server. Each step that can fail says which
//! (`PushOutcome`), so the page tells the member what to do.

use crate::api::{self, ApiError};
use serde::Deserialize;
use shared::push::PushSubscription;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Notification, PushSubscriptionOptionsInit, ServiceWorkerRegistration};

/// How turning push on (or off) on this device ended.
#[derive(Debug, Clone, PartialEq)]
pub enum PushOutcome {
    /// Subscribed: the account's devices now.
    Subscribed(u32),
    /// Turned off on this device.
    Unsubscribed,
    /// No service worker or push in this browser (or not https).
    Unsupported,
    /// The member (or the browser) refused notifications.
    Denied,
    /// The push service could not be reached (offline, or none).
    Unreachable(String),
    /// The server refused or could not be reached.
    Api(ApiError),
}

/// `PushSubscription.toJSON()` as browsers give it.
#[derive(Deserialize)]
struct BrowserSubscription {
    endpoint: String,
    keys: BrowserKeys,
}

#[derive(Deserialize)]
struct BrowserKeys {
    p256dh: String,
    auth: String,
}

/// A push service that does not answer (Chromium offline keeps trying) is
/// told as unreachable after this long rather than left spinning.
const PUSH_SERVICE_WAIT_MS: i32 = 10_000;

/// `promise`, or a rejection after `ms`.
fn within(promise: js_sys::Promise, ms: i32) -> js_sys::Promise {
    let timer = js_sys::Promise::new(&mut |_resolve, reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&reject, ms);
        }
    });
    js_sys::Promise::race(&js_sys::Array::of2(&promise, &timer))
}

fn has(target: &JsValue, name: &str) -> bool {
    js_sys::Reflect::has(target, &JsValue::from_str(name)).unwrap_or(false)
}

/// Whether this browser can receive pushes here at all.
pub fn supported() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    has(&window.navigator(), "serviceWorker")
        && has(&window, "PushManager")
        && has(&window, "Notification")
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_default()
}

/// The service worker's registration, once active.
async fn registration() -> Result<ServiceWorkerRegistration, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let container = window.navigator().service_worker();
    JsFuture::from(container.register("/sw.js")).await?;
    Ok(JsFuture::from(container.ready()?).await?.unchecked_into())
}

/// Turns push on for this device.
pub async fn subscribe() -> PushOutcome {
    if !supported() {
        return PushOutcome::Unsupported;
    }
    let registration = match registration().await {
        Ok(r) => r,
        Err(e) => return PushOutcome::Unreachable(describe(&e)),
    };
    let permission = match Notification::request_permission() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_string()),
        Err(_) => None,
    };
    if permission.as_deref() != Some("granted") {
        return PushOutcome::Denied;
    }
    let key = match api::push_key().await {
        Ok(k) => k.public_key,
        Err(e) => return PushOutcome::Api(e),
    };
    let options = PushSubscriptionOptionsInit::new();
    options.set_user_visible_only(true);
    options.set_application_server_key(&JsValue::from_str(&key));
    let subscribed = match registration
        .push_manager()
        .and_then(|m| m.subscribe_with_options(&options))
    {
        Ok(p) => JsFuture::from(within(p, PUSH_SERVICE_WAIT_MS)).await,
        Err(e) => Err(e),
    };
    let subscription = match subscribed {
        Ok(s) => s,
        // Chromium without its push service: "AbortError: Registration failed - push service error".
        Err(e) => return PushOutcome::Unreachable(describe(&e)),
    };
    let json = js_sys::JSON::stringify(&subscription)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str::<BrowserSubscription>(&s).ok());
    let Some(s) = json else {
        return PushOutcome::Unreachable(String::new());
    };
    match api::subscribe_push(PushSubscription {
        endpoint: s.endpoint,
        p256dh: s.keys.p256dh,
        auth: s.keys.auth,
    })
    .await
    {
        Ok(d) => PushOutcome::Subscribed(d.devices),
        Err(e) => PushOutcome::Api(e),
    }
}

/// Turns push off for this device: the browser's subscription and the server's.
pub async fn unsubscribe() -> PushOutcome {
    if !supported() {
        return PushOutcome::Unsupported;
    }
    let registration = match registration().await {
        Ok(r) => r,
        Err(e) => return PushOutcome::Unreachable(describe(&e)),
    };
    let current = match registration
        .push_manager()
        .and_then(|m| m.get_subscription())
    {
        Ok(p) => JsFuture::from(p).await.ok(),
        Err(_) => None,
    };
    let Some(current) = current.and_then(|c| c.dyn_into::<web_sys::PushSubscription>().ok()) else {
        return PushOutcome::Unsubscribed;
    };
    let endpoint = current.endpoint();
    if let Ok(p) = current.unsubscribe() {
        let _ = JsFuture::from(p).await;
    }
    match api::unsubscribe_push(endpoint).await {
        // Already gone on the server: off all the same.
        Ok(()) => PushOutcome::Unsubscribed,
        Err(e) if e.status() == Some(404) => PushOutcome::Unsubscribed,
        Err(e) => PushOutcome::Api(e),
    }
}
