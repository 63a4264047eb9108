//! A real server on a free port, over a real database: SQLite in a fresh file,
//! or PostgreSQL in a fresh schema. No backend is ever skipped: a missing
//! PostgreSQL fails the test with a clear message.
#![allow(dead_code)]

pub mod http;
pub mod instances;
pub mod meeting_log;
pub mod ws;

use serde_json::Value;
use server::config::Settings;
use server::live::LiveConfig;
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
    /// The instance's live meetings, to look inside.
    pub live: Arc<server::live::LiveHub>,
    live_config: LiveConfig,
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

    /// A server whose live meetings run on these timings (tests shorten them).
    pub async fn start_live(backend: Backend, live: LiveConfig) -> TestServer {
        TestServer::start_with(
            backend,
            Settings {
                live,
                ..Settings::default()
            },
        )
        .await
    }

    pub async fn start_with(backend: Backend, settings: Settings) -> TestServer {
        TestServer::open(backend, settings, true).await
    }

    /// A server on an empty database: no demo data.
    pub async fn start_empty(backend: Backend) -> TestServer {
        TestServer::open(backend, Settings::default(), false).await
    }

    async fn open(backend: Backend, settings: Settings, small_demo: bool) -> TestServer {
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
        if small_demo {
            server::demo::seed_if_empty(&store)
                .await
                .expect("demo data");
        }
        TestServer::serve(store, settings, dir, pg_schema).await
    }

    /// Another server instance on the same PostgreSQL schema, as in a deployment
    /// with several instances. It leaves the schema to the first one to drop.
    pub async fn second_instance(&self) -> TestServer {
        self.second_instance_with(Settings::default()).await
    }

    /// A second instance with its own settings (the live timings are the first's).
    pub async fn second_instance_with(&self, settings: Settings) -> TestServer {
        let schema = self
            .pg_schema
            .as_deref()
            .expect("a second instance shares PostgreSQL");
        let store = PgStore::connect(&postgres_url(), Some(schema))
            .await
            .expect("postgres");
        let dir = std::env::temp_dir().join(unique("chibo_test"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let settings = Settings {
            live: self.live_config.clone(),
            ..settings
        };
        TestServer::serve(Arc::new(store), settings, dir, None).await
    }

    async fn serve(
        store: Store,
        settings: Settings,
        dir: std::path::PathBuf,
        pg_schema: Option<String>,
    ) -> TestServer {
        let live_config = settings.live.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let settings = Settings {
            cluster_url: Some(format!("http://{addr}")),
            ..settings
        };
        let state = server::build_state(store.clone(), settings)
            .await
            .expect("state");
        let live = state.live.clone();
        let app = server::router(state, &dir);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server::serve(listener, app, async {
            let _ = rx.await;
        }));
        TestServer {
            base: format!("http://{addr}"),
            store,
            shutdown: Some(tx),
            live,
            live_config,
            dir,
            pg_schema,
        }
    }

    /// Every row of every table of this server's database, as
    /// `(table, row as JSON text)`: what someone holding the database sees.
    pub async fn every_row(&self) -> Vec<(String, String)> {
        use sqlx::Row;
        let mut rows = Vec::new();
        match &self.pg_schema {
            Some(schema) => {
                let pool = sqlx::PgPool::connect(&postgres_url())
                    .await
                    .expect("postgres");
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1",
                )
                .bind(schema)
                .fetch_all(&pool)
                .await
                .expect("tables");
                for t in tables {
                    let q = format!("SELECT row_to_json(t)::text FROM \"{schema}\".\"{t}\" t");
                    for r in sqlx::query(sqlx::AssertSqlSafe(q))
                        .fetch_all(&pool)
                        .await
                        .expect("rows")
                    {
                        rows.push((t.clone(), r.get::<String, _>(0)));
                    }
                }
                pool.close().await;
            }
            None => {
                let url = format!("sqlite:{}", self.dir.join("chibo.db").display());
                let pool = sqlx::SqlitePool::connect(&url).await.expect("sqlite");
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                )
                .fetch_all(&pool)
                .await
                .expect("tables");
                for t in tables {
                    let columns: Vec<String> =
                        sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                            .bind(&t)
                            .fetch_all(&pool)
                            .await
                            .expect("columns");
                    let pairs: Vec<String> =
                        columns
                        .iter()
                        .map(|c| {
                            format!(
                                "'{c}', CASE WHEN typeof(\"{c}\") = 'blob' THEN hex(\"{c}\") ELSE \"{c}\" END"
                            )
                        })
                        .collect();
                    let q = format!("SELECT json_object({}) FROM \"{t}\"", pairs.join(", "));
                    for r in sqlx::query(sqlx::AssertSqlSafe(q))
                        .fetch_all(&pool)
                        .await
                        .expect("rows")
                    {
                        rows.push((t.clone(), r.get::<String, _>(0)));
                    }
                }
                pool.close().await;
            }
        }
        rows
    }

    /// Runs one SQL statement on this server's database (rows for tables
    /// whose screens live elsewhere, or a state to set up).
    pub async fn exec(&self, sql: &str) {
        use sqlx::Connection;
        match &self.pg_schema {
            Some(schema) => {
                let mut c = sqlx::PgConnection::connect(&postgres_url())
                    .await
                    .expect("postgres");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SET search_path TO \"{schema}\""
                )))
                .execute(&mut c)
                .await
                .expect("schema");
                sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(&mut c)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                let _ = c.close().await;
            }
            None => {
                let url = format!("sqlite:{}", self.dir.join("chibo.db").display());
                let mut c = sqlx::SqliteConnection::connect(&url).await.expect("sqlite");
                sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(&mut c)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                let _ = c.close().await;
            }
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
    /// A participant's socket to a meeting, logged in as a demo account.
    pub async fn ws(&self, username: &str, meeting: i64) -> Result<ws::Client, u16> {
        let cookie = self.session_cookie(username).await;
        ws::Client::open(&self.base, &cookie, meeting).await
    }
}

/// A member of a cell made by `TestServer::seed_cell`, logged in.
pub struct Seeded {
    pub member: shared::MemberId,
    pub account: shared::AccountId,
    /// `chibo_session=…` of a session written directly (no password hashing).
    pub cookie: String,
}

impl TestServer {
    /// A cell of `n` full members under the grassroots committee, each with an
    /// account and a session, and a meeting registered in it, chaired by the
    /// first member, minutes by the second. Returns the meeting's id.
    pub async fn seed_cell(&self, name: &str, n: usize) -> (i64, Vec<Seeded>) {
        use shared::member::{CellRole, Gender, MemberDraft, PartyStatus};
        let grassroots = shared::OrgId(self.org_id(GRASSROOTS).await);
        let cell = self
            .store
            .create_organization(Some(grassroots), shared::org::OrgKind::Cell, name)
            .await
            .expect("cell");
        let mut seeded = Vec::with_capacity(n);
        for i in 0..n {
            let draft = MemberDraft {
                full_name: format!("Đảng Viên Số {i}"),
                gender: Gender::Female,
                birth_date: None,
                admitted_on: None,
                full_member_on: None,
                status: PartyStatus::Full,
                role: if i == 0 {
                    CellRole::Secretary
                } else {
                    CellRole::Member
                },
                card_number: None,
                attached_elsewhere: None,
            };
            let member = self
                .store
                .create_member(cell.id, &draft)
                .await
                .expect("member");
            let (account, cookie) = self
                .session_account(unique("dv"), &draft.full_name, Some(member.id))
                .await;
            seeded.push(Seeded {
                member: member.id,
                account,
                cookie,
            });
        }
        let agenda = shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular);
        let draft = shared::meeting::MeetingDraft {
            kind: shared::meeting::MeetingKind::Regular,
            title: "Sinh hoạt thường kỳ".into(),
            // Vietnam's clock, as the server's: at 1:00 in Hà Nội it is still
            // yesterday in UTC, and the meeting's month must be the server's.
            starts_at: server::clock::now_local(),
            mode: shared::meeting::MeetingMode::Online,
            place: String::new(),
            video_link: "https://hop.example.vn/seed".into(),
            chair_id: seeded.first().map(|s| s.member),
            secretary_id: seeded.get(1).map(|s| s.member),
            agenda,
        };
        let meeting = self
            .store
            .create_meeting(cell.id, &draft, server::clock::now_local())
            .await
            .expect("meeting");
        (meeting.id.0, seeded)
    }

    /// An account with a session written directly (no password hashing), for
    /// a member or none: its id and `chibo_session=…`.
    pub async fn account_with_session(
        &self,
        name: &str,
        member: Option<shared::MemberId>,
    ) -> (shared::AccountId, String) {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        self.session_account(format!("tk.{nanos}"), name, member)
            .await
    }

    async fn session_account(
        &self,
        username: String,
        name: &str,
        member: Option<shared::MemberId>,
    ) -> (shared::AccountId, String) {
        let account = self
            .store
            .create_account(server::storage::NewAccountRow {
                username,
                display_name: name.into(),
                password_hash: "not a hash: nobody logs in with a password".into(),
                member_id: member,
                is_admin: false,
            })
            .await
            .expect("account");
        let now = server::auth::now_secs();
        let (token, hash) = server::auth::new_session_token();
        self.store
            .create_session(&hash, account.id, now, now + 3600)
            .await
            .expect("session");
        (
            account.id,
            format!("{}={token}", server::auth::SESSION_COOKIE),
        )
    }

    /// A meeting in cell B opened by its chair (bithu.b): its id, and the
    /// chair's socket.
    pub async fn opened_in_b(&self) -> (i64, ws::Client) {
        let id = self.meeting_in(CELL_B).await;
        let mut chair = self.ws("bithu.b", id).await.expect("the chair joins");
        chair.hello(None).await;
        let r = chair
            .command("open", serde_json::json!({"type": "open"}))
            .await;
        assert_eq!(r["type"], "accepted", "the opening: {r}");
        (id, chair)
    }

    /// A meeting registered in a demo cell: chaired by its first member,
    /// minutes by its second.
    pub async fn meeting_in(&self, cell: &str) -> i64 {
        let cell = shared::OrgId(self.org_id(cell).await);
        let roll = self.store.members_of(cell).await.expect("members");
        let draft = shared::meeting::MeetingDraft {
            kind: shared::meeting::MeetingKind::Regular,
            title: "Sinh hoạt thường kỳ".into(),
            // Vietnam's clock, as the server's: at 1:00 in Hà Nội it is still
            // yesterday in UTC, and the meeting's month must be the server's.
            starts_at: server::clock::now_local(),
            mode: shared::meeting::MeetingMode::Online,
            place: String::new(),
            video_link: "https://hop.example.vn/b".into(),
            chair_id: Some(roll[0].id),
            secretary_id: Some(roll[1].id),
            agenda: shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
        };
        self.store
            .create_meeting(cell, &draft, chrono::Utc::now().naive_utc())
            .await
            .expect("meeting")
            .id
            .0
    }

    /// The cell a meeting belongs to.
    pub async fn cell_of(&self, meeting: i64) -> shared::OrgId {
        self.store
            .meeting(shared::MeetingId(meeting))
            .await
            .unwrap()
            .unwrap()
            .cell_id
    }

    /// Another meeting of a seeded meeting's cell, starting now (Vietnam
    /// time), registered ten days ahead (on time).
    pub async fn registered_on_time(&self, seeded: i64) -> i64 {
        let first = self
            .store
            .meeting(shared::MeetingId(seeded))
            .await
            .unwrap()
            .unwrap();
        let now = server::clock::now_local();
        let mut draft = first.draft.clone();
        draft.starts_at = now;
        self.store
            .create_meeting(first.cell_id, &draft, now - chrono::Duration::days(10))
            .await
            .unwrap()
            .id
            .0
    }

    /// The account and member ids of a demo account.
    pub async fn ids_of(&self, username: &str) -> (shared::AccountId, Option<shared::MemberId>) {
        let a = self
            .store
            .account_secret(username)
            .await
            .expect("account")
            .unwrap_or_else(|| panic!("no account {username}"))
            .account;
        (a.id, a.member_id)
    }

    /// An HTTP client that sends this session cookie.
    pub fn http_with(&self, cookie: &str) -> reqwest::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::COOKIE, cookie.parse().expect("cookie"));
        reqwest::Client::builder()
            .default_headers(headers)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client")
    }
}

/// Joins a meeting's room as `who` and says hello.
pub async fn join(s: &TestServer, who: &Seeded, meeting: i64) -> ws::Client {
    let mut c = ws::Client::open(&s.base, &who.cookie, meeting)
        .await
        .expect("joins");
    c.hello(None).await;
    c
}

/// Sends a command (resent until answered) and expects it accepted.
pub async fn ok(c: &mut ws::Client, key: &str, command: Value) -> Value {
    let r = c.command_resending(key, command.clone()).await;
    assert_eq!(r["type"], "accepted", "{command} → {r}");
    r
}

/// Sends a command (resent until answered) and expects it refused; the reason.
pub async fn refused(c: &mut ws::Client, key: &str, command: Value) -> Value {
    let r = c.command_resending(key, command.clone()).await;
    assert_eq!(r["type"], "rejected", "{command} → {r}");
    r["reason"].clone()
}

/// The meeting's minutes, as `who` reads them.
pub async fn minutes(s: &TestServer, who: &Seeded, meeting: i64) -> Value {
    s.http_with(&who.cookie)
        .get(s.url(&format!("/api/meetings/{meeting}/minutes")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
