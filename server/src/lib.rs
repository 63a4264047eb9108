//! Chi Bộ Số server: a thin adapter around `shared`. It stores the record,
//! re-checks every rule with the same code the browser runs, and serves the app.

pub mod auth;
pub mod classification;
pub mod clock;
pub mod config;
pub mod demo;
pub mod documents;
pub mod error;
pub mod live;
pub mod media;
pub mod notify;
pub mod openapi;
pub mod oversight;
pub mod ratelimit;
pub mod routes;
pub mod rulesets;
pub mod state;
pub mod storage;
pub mod web;
pub mod xlsx;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::get;
use config::Settings;
use ratelimit::LoginLimiter;
use state::AppState;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use storage::Store;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

/// Large enough for a cell's CSV export; anything larger is refused with 413.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub async fn build_state(store: Store, settings: Settings) -> Result<AppState, error::ApiError> {
    let mut random = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut random);
    let dummy_hash = auth::hash_password(format!("{random:?}")).await?;
    let gate = Arc::new(routes::live::SessionGate::new(store.clone()));
    let mut media = match settings.media {
        Some(config) => match media::Media::start(config.clone()).await {
            Ok(media) => Some(media),
            Err(e) if !config.required => {
                // The default port taken (another server on this host):
                // meetings run, offers of audio are answered `unavailable`.
                tracing::warn!(error = %e, "meeting audio is off: give --media-udp");
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "meeting audio could not start");
                return Err(error::ApiError::Internal(Box::new(e)));
            }
        },
        None => None,
    };
    let signals = store.live_signals().await?;
    if let (Some(_), Some(media)) = (&signals, &mut media) {
        match &settings.cluster_url {
            Some(url) => media.set_cluster(
                media::Cluster::start(store.clone(), url.clone())
                    .await
                    .map_err(|e| error::ApiError::Internal(Box::new(e)))?,
            ),
            None => tracing::warn!(
                "the database may be shared by several instances: give --cluster-url, or members on two instances will not hear each other"
            ),
        }
    }
    let live = live::LiveHub::start(store.clone(), gate, settings.live, media);
    if let Some(signals) = signals {
        live.follow(signals);
    }
    let vapid = notify::push::Vapid::load(&store).await?;
    let notify = notify::Notifier::start(store.clone(), live.clone(), settings.notify, vapid)
        .map_err(|e| error::ApiError::Internal(Box::new(e)))?;
    let state = AppState {
        store,
        limiter: Arc::new(LoginLimiter::new(settings.limits)),
        secure_cookies: settings.secure_cookies,
        trusted_proxy: settings.trusted_proxy,
        dummy_hash: dummy_hash.into(),
        live,
        notify,
    };
    // Outcomes and proposed totals the dashboard reads, for meetings closed
    // or scored before they were kept (or when keeping one failed).
    let backfilling = state.clone();
    tokio::spawn(async move {
        match oversight::backfill(&backfilling).await {
            Ok((0, 0)) => {}
            Ok((outcomes, proposed)) => {
                tracing::info!(
                    outcomes,
                    proposed,
                    "meeting outcomes and proposed totals backfilled"
                );
            }
            Err(e) => tracing::warn!(error = %e, "backfilling meeting outcomes failed"),
        }
    });
    Ok(state)
}

/// The whole application: API, health, OpenAPI, and the app's files with the
/// SPA fallback (deep links such as `/org/3` load `index.html`). Every request
/// passes the same-origin rule and every answer gets the security headers
/// (`web.rs`).
pub fn router(state: AppState, static_dir: &Path) -> Router {
    let index = static_dir.join("index.html");
    // scripts/build-app writes a .br and a .gz beside each file.
    let files = ServeDir::new(static_dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(
            ServeFile::new(index)
                .precompressed_br()
                .precompressed_gzip(),
        );
    // JSON answers are gzipped when the browser accepts it (the dashboard's
    // facts for a whole bloc are megabytes of digits); sockets, files and
    // downloads are left as they are (the app's files are precompressed).
    let json_only = |status: axum::http::StatusCode,
                     _: axum::http::Version,
                     headers: &axum::http::HeaderMap,
                     _: &axum::http::Extensions| {
        status != axum::http::StatusCode::SWITCHING_PROTOCOLS
            && headers
                .get(axum::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json"))
    };
    let compression = tower_http::compression::CompressionLayer::new()
        .gzip(true)
        .compress_when(tower_http::compression::predicate::Predicate::and(
            tower_http::compression::predicate::SizeAbove::new(1024),
            json_only,
        ));
    Router::new()
        .nest("/api", routes::api_router().layer(compression))
        .route("/api/openapi.json", get(openapi_json))
        .route("/healthz", get(healthz))
        .route("/sw.js", get(service_worker))
        .fallback_service(files)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn_with_state(state.clone(), web::same_origin_only))
        .layer(from_fn_with_state(state.clone(), web::security_headers))
        .layer(axum::middleware::from_fn(error::with_lang))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// `GET /api/openapi.json`: this document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "health", security(()),
    responses((status = 200, description = "OpenAPI 3", content_type = "application/json")))]
async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::spec_json(),
    )
}

/// The service worker that shows Web Push notifications (`app/sw.js`), in
/// the binary so that every server has it at the root scope.
pub const SERVICE_WORKER: &str = include_str!("../../app/sw.js");

/// `GET /sw.js`: the service worker, never cached without asking (a new
/// version replaces the old one at once).
#[utoipa::path(get, path = "/sw.js", tag = "health", security(()),
    responses((status = 200, description = "Service worker (JavaScript)", body = String, content_type = "text/javascript")))]
async fn service_worker() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER,
    )
}

/// `GET /healthz`: `ok <backend>` when the database answers.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()),
    responses((status = 200, description = "`ok sqlite` hoặc `ok postgres`", body = String, content_type = "text/plain"),
        (status = 503, description = "Cơ sở dữ liệu không trả lời.", body = String, content_type = "text/plain")))]
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (
            axum::http::StatusCode::OK,
            format!("ok {}\n", state.store.backend()),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable\n".to_string(),
            )
        }
    }
}

/// Serves until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Turns off the logs that could hold a WebSocket frame's content (a vote's
/// choice among them), whatever the filter asked for.
pub fn quiet_frames(filter: tracing_subscriber::EnvFilter) -> tracing_subscriber::EnvFilter {
    ["tungstenite=off", "tokio_tungstenite=off"]
        .into_iter()
        .filter_map(|d| d.parse().ok())
        .fold(filter, |f, d| f.add_directive(d))
}
