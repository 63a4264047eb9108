use crate::live::LiveHub;
use crate::ratelimit::LoginLimiter;
use crate::storage::Store;
use std::net::IpAddr;
use std::sync::Arc;

/// What every handler may reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub limiter: Arc<LoginLimiter>,
    pub secure_cookies: bool,
    /// The reverse proxy whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    pub trusted_proxy: Option<IpAddr>,
    /// A hash of a random password, checked against when a login names nobody.
    pub dummy_hash: Arc<str>,
    /// The meetings being held, in this process.
    pub live: Arc<LiveHub>,
    /// Notifications in the app and by email.
    pub notify: Arc<crate::notify::Notifier>,
}
