//! End-to-end harness: the real `chibo-server` on a fresh SQLite file with the
//! demo data, the built app from `dist/`, chromedriver and headless Chromium.
//! Nothing here skips: a missing piece fails with a message saying how to get it.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Every demo account's password (README.md, "Demo logins").
pub const DEMO_PASSWORD: &str = "chibo2026";

const WAIT: Duration = Duration::from_secs(20);

/// The microphone becomes a tone at `arguments[0]` Hz: an oscillator in
/// place of `getUserMedia`, so that a listener can tell speakers apart.
pub const TONE_MICROPHONE: &str = "const hz = arguments[0];
navigator.mediaDevices.getUserMedia = async () => {
  const ctx = new AudioContext();
  await ctx.resume();
  const osc = ctx.createOscillator();
  osc.frequency.value = hz;
  const gain = ctx.createGain();
  gain.gain.value = 0.5;
  const out = ctx.createMediaStreamDestination();
  osc.connect(gain).connect(out);
  osc.start();
  return out.stream;
};";

/// Waits until something listens on TCP `port` of 127.0.0.1 (a helper
/// process just started), at most `WAIT`.
async fn until_listening(port: u16, what: &str) {
    let deadline = Instant::now() + WAIT;
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "{what} did not start on {port}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// A private scratch folder, removed on drop.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(what: &str) -> ScratchDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "chibo-e2e-{what}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch folder");
        ScratchDir(dir)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process killed when dropped, even when a test panics.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn server_binary() -> PathBuf {
    if let Ok(bin) = std::env::var("CHIBO_SERVER_BIN") {
        let bin = workspace_root().join(bin);
        assert!(
            bin.exists(),
            "CHIBO_SERVER_BIN={} does not exist",
            bin.display()
        );
        return bin;
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(|d| workspace_root().join(d))
        .unwrap_or_else(|_| workspace_root().join("target"));
    ["debug", "release"]
        .iter()
        .map(|p| target.join(p).join("chibo-server"))
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!(
                "no server binary in {}: run `cargo build -p server` or set CHIBO_SERVER_BIN",
                target.display()
            )
        })
}

fn static_dir() -> PathBuf {
    let dir = std::env::var("CHIBO_STATIC_DIR")
        .map(|d| workspace_root().join(d))
        .unwrap_or_else(|_| workspace_root().join("dist"));
    // The modules' names carry a content hash; assets.json lists them.
    for f in [
        "index.html",
        "offline.html",
        "assets.json",
        "manifest.webmanifest",
        "favicon.ico",
    ] {
        assert!(
            dir.join(f).exists(),
            "{} is missing: run scripts/build-app first",
            dir.join(f).display()
        );
    }
    dir
}

/// Stops a server with SIGTERM, as a service manager does for a restart:
/// the server tells its live sockets before it goes.
#[derive(Debug, Clone, Copy)]
pub struct Stopper(Option<u32>);

impl Stopper {
    pub fn stop(self) {
        if let Some(pid) = self.0 {
            let status = Command::new("kill")
                .arg("-TERM")
                .arg(pid.to_string())
                .status()
                .expect("run kill");
            assert!(status.success(), "kill -TERM {pid}: {status}");
        }
    }
}

/// The real server on a fresh database filled with the demo organization.
pub struct Server {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    /// None for a server started elsewhere (`Server::at`).
    _process: Option<Process>,
    _dir: Option<ScratchDir>,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// A server already running at `url` (a benchmark starts its own on
    /// prepared data); nothing to stop.
    pub fn at(url: &str) -> Server {
        Server {
            url: url.trim_end_matches('/').to_string(),
            _process: None,
            _dir: None,
        }
    }

    /// The server sending email notifications through `smtp`.
    pub fn start_with_email(smtp: &Smtp) -> Server {
        Server::start_with(&[
            "--smtp-url".into(),
            format!("smtp://127.0.0.1:{}", smtp.port),
            "--smtp-from".into(),
            "Chi Bộ Số <thongbao@chibo.test>".into(),
        ])
    }

    /// The server with `turn` as its TURN server; `relay_only`: browsers
    /// are told to send their audio through it only (`--turn-only`).
    pub fn start_with_turn(turn: &TurnServer, relay_only: bool) -> Server {
        let mut flags = vec![
            "--turn-url".into(),
            format!("turn:127.0.0.1:{}?transport=udp", turn.port),
            "--turn-secret".into(),
            turn.secret.clone(),
        ];
        if relay_only {
            flags.push("--turn-only".into());
        }
        Server::start_with(&flags)
    }

    /// The server with more command-line arguments (a benchmark's media address).
    pub fn start_with(extra: &[String]) -> Server {
        let dir = ScratchDir::new("server");
        let bin = server_binary();
        let mut child = Command::new(&bin)
            .arg("--addr")
            .arg("127.0.0.1:0")
            .arg("--database-url")
            .arg(format!("sqlite:{}", dir.0.join("chibo.db").display()))
            .arg("--static-dir")
            .arg(static_dir())
            .arg("--demo-data")
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let process = Process(child);
        // The server prints one line with its address once it listens; the log
        // goes on after it, so the pipe is drained in the background.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://127.0.0.1:")
                    && let Some(tx) = tx.take()
                {
                    let url = line[at..].split_whitespace().next().unwrap_or("");
                    let _ = tx.send(url.trim_end_matches('/').to_string());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server did not print its address within 60 s");
        Server {
            url,
            _process: Some(process),
            _dir: Some(dir),
        }
    }

    /// What stops this server as its operator would (none for a server
    /// started elsewhere).
    pub fn stopper(&self) -> Stopper {
        Stopper(self._process.as_ref().map(|p| p.0.id()))
    }

    /// An online meeting of cell B on 5 December 2030 with one agenda item,
    /// registered by its secretary (bithu.b, who also chairs it); its id.
    pub async fn register_meeting_in_b(&self, title: &str) -> i64 {
        self.register_meeting_in_b_with(title, MEETING_IN_B_STARTS, 1)
            .await
            .1
    }

    /// An online meeting of cell B with the first `items` agenda items of
    /// `meeting_draft_in_b`, registered by its secretary (bithu.b, who also
    /// chairs it); the cell's id and the meeting's.
    pub async fn register_meeting_in_b_with(
        &self,
        title: &str,
        starts_at: &str,
        items: usize,
    ) -> (i64, i64) {
        let api = self.api_login("bithu.b").await;
        let me = api.get_ok("/api/me").await;
        let cell = me["cell"]["id"].as_i64().expect("bithu.b has a cell");
        let chair = me["member"]["id"].as_i64().expect("bithu.b is a member");
        let draft = meeting_draft_in_b(title, starts_at, chair, chair, items);
        let (status, created) = api
            .post(&format!("/api/organizations/{cell}/meetings"), &draft)
            .await;
        assert_eq!(status, 201, "register the meeting: {created}");
        (cell, created["id"].as_i64().expect("a meeting id"))
    }

    /// An HTTP client logged in as `username` (the session cookie kept), for
    /// asking the API directly.
    pub async fn api_login(&self, username: &str) -> Api {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("http client");
        let res = http
            .post(format!("{}/api/auth/login", self.url))
            .json(&json!({"username": username, "password": DEMO_PASSWORD}))
            .send()
            .await
            .expect("login request");
        assert_eq!(res.status(), 200, "API login as {username}");
        Api {
            http,
            base: self.url.clone(),
        }
    }
}

/// A real SMTP server (Python's aiosmtpd, from the virtual environment
/// `scripts/setup --test` makes) delivering into a maildir.
pub struct Smtp {
    pub port: u16,
    _process: Process,
    dir: ScratchDir,
}

impl Smtp {
    pub async fn start() -> Smtp {
        let dir = ScratchDir::new("smtp");
        let port = free_port();
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.0.join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start aiosmtpd");
        let process = Process(child);
        until_listening(port, "aiosmtpd").await;
        Smtp {
            port,
            _process: process,
            dir,
        }
    }

    /// What arrived, each as `{to, subject, text}` decoded by Python's email package.
    pub fn mailbox(&self) -> Vec<Value> {
        const READ: &str = r#"
import email, email.policy, json, mailbox, sys
out = []
for key, msg in mailbox.Maildir(sys.argv[1], factory=None, create=False).items():
    m = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    out.append({"to": str(m["To"]), "subject": str(m["Subject"]), "text": m.get_content()})
print(json.dumps(out, ensure_ascii=False))
"#;
        let maildir = self.dir.0.join("maildir");
        if !maildir.join("new").exists() {
            return Vec::new();
        }
        let out = Command::new(python())
            .args(["-c", READ])
            .arg(&maildir)
            .output()
            .expect("python");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("the mailbox as JSON")
    }

    /// Waits until an email to `to` whose subject or text contains `want` arrived.
    pub async fn wait_for(&self, to: &str, want: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let mails = self.mailbox();
            if let Some(m) = mails.iter().find(|m| {
                m["to"].as_str().is_some_and(|t| t.contains(to))
                    && ["subject", "text"]
                        .iter()
                        .any(|k| m[*k].as_str().is_some_and(|t| t.contains(want)))
            }) {
                return m.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no email to {to} containing “{want}” arrived; the mailbox: {mails:?}"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// A real TURN server (Debian's coturn, which `scripts/setup --test`
/// installs) on loopback, taking credentials made from `secret` as the
/// server makes them (`use-auth-secret`).
pub struct TurnServer {
    pub port: u16,
    pub secret: String,
    _process: Process,
    dir: ScratchDir,
}

impl TurnServer {
    pub async fn start() -> TurnServer {
        let bin = PathBuf::from(
            std::env::var("TURNSERVER").unwrap_or_else(|_| "/usr/bin/turnserver".into()),
        );
        assert!(
            bin.exists(),
            "turnserver not found at {}: install Debian's coturn (scripts/setup --test) or set TURNSERVER",
            bin.display()
        );
        let dir = ScratchDir::new("turn");
        let port = free_port();
        let secret = format!("e2e-{}-{port}", std::process::id());
        let child = Command::new(&bin)
            // No configuration file: everything is here.
            .arg("-n")
            .args(["--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1"])
            .args(["--listening-port", &port.to_string()])
            .args(["--use-auth-secret", "--static-auth-secret", &secret])
            .args(["--realm", "chibo.test"])
            .args(["--no-tls", "--no-dtls", "--no-tcp-relay", "--no-cli"])
            // The media server is on loopback too, which coturn refuses by default.
            .arg("--allow-loopback-peers")
            .arg("--db")
            .arg(dir.0.join("turndb"))
            .arg("--pidfile")
            .arg(dir.0.join("turnserver.pid"))
            .arg("--log-file")
            .arg(dir.0.join("turn.log"))
            // Verbose: each allocation is logged, for the test to count.
            .args(["--simple-log", "--no-stdout-log", "--verbose"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let process = Process(child);
        // It listens on TCP as on UDP, at once.
        until_listening(port, "turnserver").await;
        TurnServer {
            port,
            secret,
            _process: process,
            dir,
        }
    }

    /// What coturn logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.0.join("turn.log")).unwrap_or_default()
    }
}

/// Python of the virtual environment `scripts/setup --test` makes, with aiosmtpd.
fn python() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(|d| workspace_root().join(d))
        .unwrap_or_else(|_| workspace_root().join("target"));
    let python = target.join("schemathesis-venv/bin/python");
    let ok = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "aiosmtpd is missing from {}: run `scripts/setup --test`",
        python.display()
    );
    python
}

pub struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("API request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .expect("API request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        let res = self
            .http
            .put(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .expect("API request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// The raw answer of a GET (for downloads).
    pub async fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("API request");
        let status = res.status().as_u16();
        (
            status,
            res.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
        )
    }

    pub async fn get_ok(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The id of the first item of an API list that `f` picks: an account's
/// `id`, or an organization's `org.id`.
pub fn id_of(list: &Value, f: impl Fn(&Value) -> bool) -> i64 {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|v| f(v))
        .and_then(|v| v["id"].as_i64().or(v["org"]["id"].as_i64()))
        .expect("found")
}

/// When the meetings of cell B the tests register start.
pub const MEETING_IN_B_STARTS: &str = "2030-12-05T14:00:00";

/// An online meeting of cell B as the API takes it, with the first `items`
/// (1 or 2) of its agenda: "Khai mạc, điểm danh", "Thảo luận".
pub fn meeting_draft_in_b(
    title: &str,
    starts_at: &str,
    chair_id: i64,
    secretary_id: i64,
    items: usize,
) -> serde_json::Value {
    let agenda = [("Khai mạc, điểm danh", 10), ("Thảo luận", 30)];
    let agenda: Vec<serde_json::Value> = agenda
        .iter()
        .take(items)
        .map(|(title, minutes)| {
            json!({"title": title, "presenter": "Bí thư chi bộ", "planned_minutes": minutes, "notes": ""})
        })
        .collect();
    json!({
        "kind": "regular",
        "title": title,
        "starts_at": starts_at,
        "mode": "online",
        "place": "",
        "video_link": "https://meet.example.vn/chibo-b",
        "chair_id": chair_id,
        "secretary_id": secretary_id,
        "agenda": agenda,
    })
}

mod browser;
mod proxy;

pub use browser::*;
pub use proxy::*;
