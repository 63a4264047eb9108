//! What every request and answer passes through: the client's address (behind
//! a trusted reverse proxy), the same-origin rule for requests that change
//! something, and the security headers. Wired once in `lib.rs`.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

/// What the browser may load and run: the app's own files, its WebAssembly
/// (`'wasm-unsafe-eval'` compiles it), its own API and WebSocket, and its own
/// service worker (`/sw.js`, for Web Push). No inline script or style, no
/// plugin, no frame around the app.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; \
     worker-src 'self'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The app's modules, whose names carry their content's hash.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `/app-<hash>.js`, `/app_bg-<hash>.wasm`, `/style-<hash>.css`,
/// `/boot-<hash>.js`: a file at the root whose name ends in `-` and twelve
/// lowercase hex digits before its extension (scripts/build-app).
fn is_hashed_asset(path: &str) -> bool {
    let Some(name) = path.strip_prefix('/') else {
        return false;
    };
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let Some((_, hash)) = stem.rsplit_once('-') else {
        return false;
    };
    !name.contains('/')
        && matches!(ext, "js" | "wasm" | "css")
        && hash.len() == 12
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A file of the app, not the SPA fallback's `index.html` answering a
/// missing name (that one must stay revalidated).
fn res_is_file(h: &HeaderMap) -> bool {
    h.get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !v.starts_with("text/html"))
}

/// One year: browsers then refuse plain http for this host.
const HSTS: &str = "max-age=31536000";

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// The address of the person at the other end: the socket's, or the one the
/// trusted proxy saw.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = peer_of(&parts.extensions)
            .ok_or_else(|| ApiError::Internal("no peer address on the request".into()))?;
        Ok(ClientAddr(client_addr(
            peer,
            &parts.headers,
            state.trusted_proxy,
        )))
    }
}

fn peer_of(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

fn from_proxy(peer: Option<IpAddr>, trusted_proxy: Option<IpAddr>) -> bool {
    match (peer, trusted_proxy) {
        (Some(peer), Some(proxy)) => peer.to_canonical() == proxy.to_canonical(),
        _ => false,
    }
}

/// The client's address: `X-Forwarded-For` counts only on a request that comes
/// from the trusted proxy, and then only its last entry, the one the proxy
/// added (earlier entries are whatever the client sent).
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted_proxy: Option<IpAddr>) -> IpAddr {
    if !from_proxy(Some(peer), trusted_proxy) {
        return peer;
    }
    headers
        .get_all(X_FORWARDED_FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|last| {
            let last = last.trim();
            last.parse::<IpAddr>()
                .ok()
                .or_else(|| last.parse::<SocketAddr>().ok().map(|s| s.ip()))
        })
        .unwrap_or(peer)
}

/// Requests that change something, and WebSocket upgrades, are accepted only
/// from the server's own pages. Browsers send `Origin` on all of these; a
/// request with neither `Origin` nor `Sec-Fetch-Site` comes from no browser
/// (curl, scripts, the load generator) and cannot ride on someone's session
/// cookie from another site, so it is let through.
pub async fn same_origin_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if changes_state(req.method(), req.headers()) && !same_origin(&req, &state) {
        tracing::info!(
            method = %req.method(),
            path = req.uri().path(),
            origin = ?req.headers().get(header::ORIGIN),
            "request from another origin refused"
        );
        return ApiError::ForeignOrigin.into_response();
    }
    next.run(req).await
}

fn changes_state(method: &Method, headers: &HeaderMap) -> bool {
    let safe = matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    !safe || headers.contains_key(header::UPGRADE)
}

fn same_origin(req: &Request, state: &AppState) -> bool {
    let headers = req.headers();
    let Some(origin) = headers.get(header::ORIGIN) else {
        return match headers.get(SEC_FETCH_SITE) {
            Some(site) => matches!(site.as_bytes(), b"same-origin" | b"none"),
            None => true,
        };
    };
    let proxied = from_proxy(peer_of(req.extensions()), state.trusted_proxy);
    let forwarded = |name: HeaderName| {
        proxied
            .then(|| headers.get(name))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
    };
    let scheme = forwarded(X_FORWARDED_PROTO)
        .unwrap_or(if state.secure_cookies {
            "https"
        } else {
            "http"
        })
        .to_ascii_lowercase();
    let host = forwarded(X_FORWARDED_HOST)
        .or_else(|| headers.get(header::HOST).and_then(|v| v.to_str().ok()))
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    match (origin.to_str(), host) {
        (Ok(origin), Some(host)) => {
            normalized_origin(origin) == Some(normalized(&scheme, &host.to_ascii_lowercase()))
        }
        _ => false,
    }
}

/// `scheme://host[:port]`, without the scheme's default port.
fn normalized(scheme: &str, host: &str) -> String {
    let host = match (scheme, host.rsplit_once(':')) {
        ("http", Some((h, "80"))) | ("https", Some((h, "443"))) => h,
        _ => host,
    };
    format!("{scheme}://{host}")
}

fn normalized_origin(origin: &str) -> Option<String> {
    let origin = origin.to_ascii_lowercase();
    let (scheme, host) = origin.split_once("://")?;
    if host.is_empty() || host.contains(['/', '?', '#', '@']) {
        return None;
    }
    Some(normalized(scheme, host))
}

/// The security headers of every answer; `Cache-Control` by kind of answer.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let api = path == "/api" || path.starts_with("/api/");
    let personal = api && path != "/api/openapi.json";
    let static_file = !api && path != "/healthz";
    let path_of_static = static_file.then(|| path.to_string());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    if state.secure_cookies {
        set(h, header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    if personal {
        // Members' records must not stay in a shared phone's cache.
        set(h, header::CACHE_CONTROL, "no-store");
    } else if static_file
        && res_is_file(h)
        && is_hashed_asset(path_of_static.as_deref().unwrap_or(""))
    {
        // A name with its content's hash never changes content
        // (scripts/build-app): kept a year, never revalidated.
        set(h, header::CACHE_CONTROL, IMMUTABLE);
    } else if !h.contains_key(header::CACHE_CONTROL) {
        // Revalidated each time, so a new version of the app is seen at once.
        set(h, header::CACHE_CONTROL, "no-cache");
    }
    if static_file {
        // The same path is sent brotli, gzip or plain depending on the request.
        h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forwarded_addresses_count_only_from_the_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let elsewhere: IpAddr = "198.51.100.7".parse().unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.1, 192.0.2.44")]);
        assert_eq!(
            client_addr(proxy, &h, Some(proxy)),
            "192.0.2.44".parse::<IpAddr>().unwrap(),
            "the entry the proxy added"
        );
        assert_eq!(client_addr(elsewhere, &h, Some(proxy)), elsewhere);
        assert_eq!(client_addr(proxy, &h, None), proxy);
        let two = headers(&[
            ("x-forwarded-for", "203.0.113.1"),
            ("x-forwarded-for", "[2001:db8::1]:4711"),
        ]);
        assert_eq!(
            client_addr(proxy, &two, Some(proxy)),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
        let junk = headers(&[("x-forwarded-for", "unknown")]);
        assert_eq!(client_addr(proxy, &junk, Some(proxy)), proxy);
    }

    #[test]
    fn origins_compare_without_default_ports_or_case() {
        assert_eq!(
            normalized_origin("HTTPS://Chibo.Example:443").as_deref(),
            Some("https://chibo.example")
        );
        assert_eq!(
            normalized_origin("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(normalized_origin("null"), None);
        assert_eq!(normalized_origin("http://a.example/x"), None);
        assert_eq!(normalized("http", "a.example:80"), "http://a.example");
    }

    #[test]
    fn only_safe_methods_without_upgrade_are_left_alone() {
        let none = HeaderMap::new();
        assert!(!changes_state(&Method::GET, &none));
        assert!(!changes_state(&Method::HEAD, &none));
        for m in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(changes_state(&m, &none), "{m}");
        }
        assert!(changes_state(
            &Method::GET,
            &headers(&[("upgrade", "websocket")])
        ));
    }

    #[test]
    fn only_names_with_a_content_hash_are_immutable() {
        for hashed in [
            "/app-0123456789ab.js",
            "/app_bg-0123456789ab.wasm",
            "/style-abcdef012345.css",
        ] {
            assert!(is_hashed_asset(hashed), "{hashed}");
        }
        for plain in [
            "/",
            "/index.html",
            "/sw.js",
            "/app.js",
            "/manifest.webmanifest",
            "/icon-192.png",
            "/app-0123456789AB.js",
            "/app-0123456789a.js",
            "/org/app-0123456789ab.js",
        ] {
            assert!(!is_hashed_asset(plain), "{plain}");
        }
    }
}
