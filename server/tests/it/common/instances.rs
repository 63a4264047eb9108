//! Server instances over a database that outlives them, for what must hold
//! across a restart or between two instances: the background work of
//! notifications (email, push) with its own timings.

use super::{Backend, postgres_url, unique};
use server::notify::NotifyConfig;
use server::state::AppState;
use server::storage::{PgStore, SqliteStore, Store};
use shared::AccountId;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A database that outlives server instances: a SQLite file or a PostgreSQL
/// schema, with the demo data.
pub struct Db {
    backend: Backend,
    pub dir: PathBuf,
    schema: String,
}

impl Db {
    /// `dir` and `schema` prefix the names of the folder and the schema.
    pub async fn new(backend: Backend, dir: &str, schema: &str) -> Db {
        let dir = std::env::temp_dir().join(unique(dir));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.html"),
            "<!doctype html><title>Chi Bộ Số</title>",
        )
        .unwrap();
        let db = Db {
            backend,
            dir,
            schema: unique(schema),
        };
        server::demo::seed_if_empty(&db.open().await)
            .await
            .expect("demo data");
        db
    }

    /// A new connection to the same database, as a restarted server opens it.
    pub async fn open(&self) -> Store {
        match self.backend {
            Backend::Sqlite => {
                let url = format!("sqlite:{}", self.dir.join("chibo.db").display());
                Arc::new(SqliteStore::connect(&url).await.expect("sqlite"))
            }
            Backend::Postgres => Arc::new(
                PgStore::connect(&postgres_url(), Some(&self.schema))
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL is required at {} ({e})", postgres_url())
                    }),
            ),
        }
    }

    pub async fn remove(self) {
        if self.backend == Backend::Postgres {
            let _ = PgStore::drop_schema(&postgres_url(), &self.schema).await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One server instance.
pub struct Instance {
    pub base: String,
    state: Option<AppState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Instance {
    pub async fn start(db: &Db, notify: NotifyConfig) -> Instance {
        let settings = server::config::Settings {
            notify,
            ..Default::default()
        };
        let state = server::build_state(db.open().await, settings)
            .await
            .expect("state");
        let app = server::router(state.clone(), &db.dir);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server::serve(listener, app, async {
            let _ = rx.await;
        }));
        Instance {
            base: format!("http://{addr}"),
            state: Some(state),
            stop: Some(tx),
        }
    }

    pub fn state(&self) -> &AppState {
        self.state.as_ref().expect("running")
    }

    pub fn store(&self) -> Store {
        self.state().store.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client logged in as a demo account.
    pub async fn login(&self, username: &str) -> reqwest::Client {
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let res = c
            .post(self.url("/api/auth/login"))
            .json(
                &serde_json::json!({"username": username, "password": server::demo::DEMO_PASSWORD}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "login as {username}");
        c
    }

    /// The account id of a demo account.
    pub async fn account(&self, username: &str) -> AccountId {
        self.store()
            .account_secret(username)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no {username}"))
            .account
            .id
    }

    /// Stops serving and waits until its background work has let go (as a
    /// stopped process would have).
    pub async fn stop(mut self) {
        let state = self.state.take().expect("running");
        let notifier = Arc::downgrade(&state.notify);
        state.live.shutdown();
        drop(state);
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while notifier.upgrade().is_some() {
            assert!(
                Instant::now() < deadline,
                "the stopped instance still runs its notifier"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// How long to wait for what the background work does, and how often to look.
pub struct Wait {
    pub within: Duration,
    pub every: Duration,
}

impl Wait {
    /// Looks until `check` holds; the test fails after `within`.
    pub async fn until<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + self.within;
        while !check().await {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(self.every).await;
        }
    }
}
