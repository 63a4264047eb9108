//! A real server on a free port, over a real database: SQLite in a fresh file,
//! or PostgreSQL in a fresh schema. No backend is ever skipped: a missing
//! PostgreSQL fails the test with a clear message.
#![allow(dead_code)]

use server::config::Settings;
use server::storage::{PgStore, SqliteStore, Store};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn postgres_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

pub struct TestServer {
    pub base: String,
    pub store: Store,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    live: Arc<server::live::LiveHub>,
    dir: std::path::PathBuf,
    pg_schema: Option<String>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        TestServer::start_with(backend, Settings::default()).await
    }

    pub async fn start_with(backend: Backend, settings: Settings) -> TestServer {
        let dir = std::env::temp_dir().join(unique("chibo_test"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(
            dir.join("index.html"),
            "<!doctype html><title>Chi Bộ Số</title>",
        )
        .expect("index.html");
        let (store, pg_schema): (Store, _) = match backend {
            Backend::Sqlite => {
                let url = format!("sqlite:{}", dir.join("chibo.db").display());
                (
                    Arc::new(SqliteStore::connect(&url).await.expect("sqlite")),
                    None,
                )
            }
            Backend::Postgres => {
                let schema = unique("t");
                let store = PgStore::connect(&postgres_url(), Some(&schema)).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is required for these tests and was not reachable at {} ({e}). \
                         Start it, or set TEST_POSTGRES_URL.",
                        postgres_url()
                    )
                });
                (Arc::new(store) as Store, Some(schema))
            }
        };
        server::demo::seed_if_empty(&store)
            .await
            .expect("demo data");
        TestServer::serve(store, settings, dir, pg_schema).await
    }

    /// Another server instance on the same PostgreSQL schema, as in a deployment
    /// with several instances. It leaves the schema to the first one to drop.
    pub async fn second_instance(&self) -> TestServer {
        let schema = self
            .pg_schema
            .as_deref()
            .expect("a second instance shares PostgreSQL");
        let store = PgStore::connect(&postgres_url(), Some(schema))
            .await
            .expect("postgres");
        let dir = std::env::temp_dir().join(unique("chibo_test"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TestServer::serve(Arc::new(store), Settings::default(), dir, None).await
    }

    async fn serve(
        store: Store,
        settings: Settings,
        dir: std::path::PathBuf,
        pg_schema: Option<String>,
    ) -> TestServer {
        let state = server::build_state(store.clone(), settings)
            .await
            .expect("state");
        let live = state.live.clone();
        let app = server::router(state, &dir);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server::serve(listener, app, async {
            let _ = rx.await;
        }));
        TestServer {
            base: format!("http://{addr}"),
            store,
            shutdown: Some(tx),
            live,
            dir,
            pg_schema,
        }
    }

    /// The folder the app's files are served from.
    pub fn static_dir(&self) -> &std::path::Path {
        &self.dir
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client with its own cookie jar, not logged in.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client")
    }

    /// A client logged in as a demo account.
    pub async fn login(&self, username: &str) -> reqwest::Client {
        self.login_with(username, server::demo::DEMO_PASSWORD).await
    }

    pub async fn login_with(&self, username: &str, password: &str) -> reqwest::Client {
        let c = self.client();
        let res = c
            .post(self.url("/api/auth/login"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login request");
        assert_eq!(
            res.status(),
            200,
            "login as {username}: {}",
            res.text().await.unwrap_or_default()
        );
        c
    }

    /// The id of a demo organization by name.
    pub async fn org_id(&self, name: &str) -> i64 {
        self.store
            .organizations()
            .await
            .expect("orgs")
            .into_iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("no organization {name}"))
            .id
            .0
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.live.shutdown();
        if let Some(schema) = self.pg_schema.take() {
            let _ = PgStore::drop_schema(&postgres_url(), &schema).await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs one async test body against both databases, as two tests.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Postgres).await;
                }
            )*
        }
    };
}

pub const CELL_A: &str = "Chi bộ Văn phòng";
pub const CELL_B: &str = "Chi bộ Nghiệp vụ – Thanh tra";
pub const CELL_C: &str = "Chi bộ Đội Quản lý thị trường số 1";
pub const CELL_D: &str = "Chi bộ Đội Quản lý thị trường số 2";
pub const GRASSROOTS: &str = "Đảng bộ Cục Quản lý thị trường";

impl TestServer {
    /// The session cookie (`chibo_session=…`) of a demo account, for WebSocket requests.
    pub async fn session_cookie(&self, username: &str) -> String {
        let res = reqwest::Client::new()
            .post(self.url("/api/auth/login"))
            .json(
                &serde_json::json!({"username": username, "password": server::demo::DEMO_PASSWORD}),
            )
            .send()
            .await
            .expect("login");
        assert_eq!(res.status(), 200, "login as {username}");
        let cookie = res.headers()["set-cookie"]
            .to_str()
            .expect("cookie")
            .to_string();
        cookie.split(';').next().unwrap_or_default().to_string()
    }
}
