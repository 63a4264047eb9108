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

fn chromedriver_binary() -> PathBuf {
    let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let bin = PathBuf::from(bin);
    assert!(
        bin.exists(),
        "chromedriver not found at {}: install Debian's chromium-driver (scripts/setup --test) or set CHROMEDRIVER",
        bin.display()
    );
    bin
}

fn chromium_binary() -> PathBuf {
    let bin =
        PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    assert!(
        bin.exists(),
        "Chromium not found at {}: install Debian's chromium (scripts/setup --test) or set CHROMIUM",
        bin.display()
    );
    bin
}

/// axe-core's script, installed by `scripts/setup --test` (pinned in
/// scripts/axe/package-lock.json); read once per test binary.
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = match std::env::var("AXE_JS") {
            Ok(p) => PathBuf::from(p),
            Err(_) => std::env::var("CARGO_TARGET_DIR")
                .map(|d| workspace_root().join(d))
                .unwrap_or_else(|_| workspace_root().join("target"))
                .join("axe/node_modules/axe-core/axe.min.js"),
        };
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "axe-core is missing at {} ({e}): run `scripts/setup --test` or set AXE_JS",
                path.display()
            )
        })
    })
}

/// The WCAG levels every screen is checked against.
const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// A headless Chromium as a phone-sized window, driven through WebDriver.
#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    pub base: String,
    /// chromedriver's address.
    driver: String,
}

/// Opens every closed `<details>` around an element (not when the element is
/// a summary: clicking it opens its own), then centres it on the screen.
const UNFOLD_AND_CENTER: &str = "const el = arguments[0];
if (!el.closest('summary')) {
  for (let d = el.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
    d.open = true;
  }
}
el.scrollIntoView({block: 'center'});";

/// Runs `checks` in a fresh browser, then always closes the session and stops
/// chromedriver, before passing on the checks' panic, if any.
pub async fn with_browser<F, Fut>(server: &Server, checks: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_browsers(server, 1, move |mut browsers| {
        checks(browsers.pop().expect("one browser"))
    })
    .await;
}

/// A chromedriver and its Chromium session, stopped when dropped.
struct Driver {
    client: Client,
    /// chromedriver's address, for the commands fantoccini lacks.
    url: String,
    _process: Process,
    _profile: ScratchDir,
}

/// How a browser is set up beyond the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserOptions {
    /// The browser's default font size in px (16 unless set): 32 is "200% text".
    pub default_font_px: Option<u32>,
    /// The browser's language (`--lang`), e.g. `en-US`.
    pub lang: Option<&'static str>,
    /// Navigations return once the document is parsed, not loaded (a page
    /// whose wasm is held back never finishes loading).
    pub eager: bool,
    /// The meeting's audio: a fake microphone granted without a prompt,
    /// peer connections over loopback, and sound without a tap.
    pub media: bool,
}

/// [`with_browser`] with a browser set up as `options` says.
pub async fn with_browser_options<F, Fut>(server: &Server, options: BrowserOptions, checks: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_browsers_options(server, 1, options, move |mut browsers| {
        checks(browsers.pop().expect("one browser"))
    })
    .await;
}

async fn open_driver(options: BrowserOptions) -> Driver {
    let profile = ScratchDir::new("profile");
    let port = free_port();
    let process = Process(
        Command::new(chromedriver_binary())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let mut args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--window-size=390,844".into(),
        format!("--user-data-dir={}", profile.0.display()),
    ];
    if options.media {
        args.extend(
            [
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection",
                "--autoplay-policy=no-user-gesture-required",
            ]
            .map(String::from),
        );
    }
    let mut prefs = json!({});
    if let Some(lang) = options.lang {
        args.push(format!("--lang={lang}"));
        prefs["intl.accept_languages"] = json!(lang);
    }
    if let Some(px) = options.default_font_px {
        // The setting a person changes under "Font size" in Chrome's settings.
        prefs["webkit.webprefs.default_font_size"] = json!(px);
    }
    let caps = json!({
        "pageLoadStrategy": if options.eager { "eager" } else { "normal" },
        "goog:chromeOptions": {
            "binary": chromium_binary(),
            "args": args,
            "prefs": prefs,
        },
        // The browser's console, where Chromium reports what the
        // Content-Security-Policy refused (read by `csp_violations`).
        "goog:loggingPrefs": {"browser": "ALL"},
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    // chromedriver needs a moment before it listens.
    let started = Instant::now();
    let client = loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break c,
            Err(e) if started.elapsed() < WAIT => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot open a WebDriver session on chromedriver: {e}"),
        }
    };
    Driver {
        client,
        url: format!("http://127.0.0.1:{port}"),
        _process: process,
        _profile: profile,
    }
}

/// Runs `checks` with `n` separate browsers (separate profiles, so separate
/// logins), then always closes every session, before passing on a panic.
pub async fn with_browsers<F, Fut>(server: &Server, n: usize, checks: F)
where
    F: FnOnce(Vec<Browser>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_browsers_options(server, n, BrowserOptions::default(), checks).await;
}

/// [`with_browsers`] with every browser set up as `options` says.
pub async fn with_browsers_options<F, Fut>(
    server: &Server,
    n: usize,
    options: BrowserOptions,
    checks: F,
) where
    F: FnOnce(Vec<Browser>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut drivers = Vec::with_capacity(n);
    for _ in 0..n {
        drivers.push(open_driver(options).await);
    }
    let browsers = drivers
        .iter()
        .map(|d| Browser {
            client: d.client.clone(),
            base: server.url.clone(),
            driver: d.url.clone(),
        })
        .collect::<Vec<_>>();
    let watched = browsers.clone();
    let outcome = tokio::spawn(checks(browsers)).await;
    // The app runs under the server's Content-Security-Policy: anything it
    // refused is a defect of the app, whatever the checks saw.
    let mut violations = Vec::new();
    if outcome.is_ok() {
        for b in &watched {
            violations.extend(b.csp_violations().await);
        }
    }
    for d in &drivers {
        let _ = d.client.clone().close().await;
    }
    drop(drivers);
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("the checks did not finish: {e}"),
        }
    }
    assert!(
        violations.is_empty(),
        "the Content-Security-Policy refused something:\n{}",
        violations.join("\n")
    );
}

impl Browser {
    /// What the Content-Security-Policy refused since the last call: the
    /// browser's console entries that report it (Chromium's own, and the
    /// app's `securitypolicyviolation` listener in boot.js). Reading empties the log.
    pub async fn csp_violations(&self) -> Vec<String> {
        let session = self
            .client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        let res = reqwest::Client::new()
            .post(format!("{}/session/{session}/se/log", self.driver))
            .json(&json!({"type": "browser"}))
            .send()
            .await
            .expect("read the browser log");
        let log: Value = res.json().await.expect("the browser log as JSON");
        log["value"]
            .as_array()
            .unwrap_or_else(|| panic!("no browser log: {log}"))
            .iter()
            .filter_map(|entry| entry["message"].as_str())
            .filter(|m| {
                m.contains("Content Security Policy") || m.contains("Content-Security-Policy")
            })
            .map(str::to_string)
            .collect()
    }

    /// Checks the page as it is now with axe-core against WCAG 2.2 A and AA:
    /// fails listing each violation (rule, impact, elements); prints what axe
    /// could not decide ("incomplete", to be reviewed by a person). The
    /// script goes in through WebDriver, which the page's CSP does not govern.
    pub async fn axe(&self, what: &str) {
        let loaded = self.eval("return typeof window.axe === 'object'").await;
        if loaded != json!(true) {
            self.client
                .execute(&format!("{}\nreturn true;", axe_source()), vec![])
                .await
                .unwrap_or_else(|e| panic!("inject axe-core: {e}"));
        }
        let script = "const done = arguments[arguments.length - 1];
            const brief = (list) => list.map(r => ({
                id: r.id, impact: r.impact, help: r.help,
                nodes: r.nodes.slice(0, 6).map(n => ({
                    target: n.target.join(' '),
                    why: (n.failureSummary || (n.any[0] && n.any[0].message) || '').slice(0, 300)
                        + [...n.any, ...n.all, ...n.none].flatMap(c => c.relatedNodes || [])
                            .slice(0, 2).map(x => ' [with ' + x.target.join(' ') + ']').join(''),
                })),
            }));
            // From the top of the page: what scrolled under the fixed bars
            // would be taken for text hidden by them.
            const [x, y] = [window.scrollX, window.scrollY];
            window.scrollTo(0, 0);
            axe.run(document, {
                runOnly: {type: 'tag', values: arguments[0]},
                resultTypes: ['violations', 'incomplete'],
            }).then(r => {
                window.scrollTo(x, y);
                done({violations: brief(r.violations), incomplete: brief(r.incomplete)});
            }, e => done({error: String(e)}));";
        let out = self
            .client
            .execute_async(script, vec![json!(AXE_TAGS)])
            .await
            .unwrap_or_else(|e| panic!("run axe-core on {what}: {e}"));
        assert!(
            out["error"].is_null(),
            "axe-core failed on {what}: {}",
            out["error"]
        );
        let list = |key: &str| -> Vec<String> {
            out[key]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    let nodes: Vec<String> = r["nodes"]
                        .as_array()
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                        .iter()
                        .map(|n| {
                            format!(
                                "    {} — {}",
                                n["target"].as_str().unwrap_or(""),
                                n["why"].as_str().unwrap_or("").replace('\n', " ")
                            )
                        })
                        .collect();
                    format!(
                        "  {} ({}): {}\n{}",
                        r["id"].as_str().unwrap_or("?"),
                        r["impact"].as_str().unwrap_or("?"),
                        r["help"].as_str().unwrap_or(""),
                        nodes.join("\n")
                    )
                })
                .collect()
        };
        let incomplete = list("incomplete");
        if !incomplete.is_empty() {
            println!("axe, needs review on {what}:\n{}", incomplete.join("\n"));
        }
        let violations = list("violations");
        assert!(
            violations.is_empty(),
            "axe-core: {} WCAG 2.2 AA violation(s) on {what} ({}):\n{}",
            violations.len(),
            self.path().await,
            violations.join("\n")
        );
    }

    /// Runs a Chrome DevTools command through chromedriver (what WebDriver lacks).
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let session = self
            .client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        let res = reqwest::Client::new()
            .post(format!(
                "{}/session/{session}/goog/cdp/execute",
                self.driver
            ))
            .json(&json!({"cmd": cmd, "params": params}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"));
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{cmd} refused: {body}");
        body["value"].clone()
    }

    /// Sets a permission for the page's origin as if the person had
    /// answered the browser's prompt (WebDriver's Set Permission; e.g.
    /// `notifications`, `granted` or `denied`).
    pub async fn set_permission(&self, name: &str, state: &str) {
        let session = self
            .client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        let res = reqwest::Client::new()
            .post(format!("{}/session/{session}/permissions", self.driver))
            .json(&json!({"descriptor": {"name": name}, "state": state}))
            .send()
            .await
            .expect("set a permission");
        assert!(
            res.status().is_success(),
            "chromedriver refused to set {name} to {state}: {}",
            res.text().await.unwrap_or_default()
        );
    }

    /// Runs `script` with a `done` callback as its last argument; its value.
    pub async fn eval_async(&self, script: &str) -> Value {
        self.client
            .execute_async(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Opens `path` and waits until the app runs there (or cannot), so that
    /// what follows meets the app, not index.html's login form, which the app
    /// replaces when it starts (tests/tests/end_to_end/shell.rs tests that form).
    pub async fn goto(&self, path: &str) {
        self.open(path).await;
        self.wait_js(
            "const s = document.getElementById('shell');
             return !s || s.dataset.app === 'waiting' || !!document.querySelector('#boot button');",
            &format!("the app to start on {path}"),
        )
        .await;
    }

    /// Opens `path`, without waiting for the app.
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    pub async fn set_width(&self, width: u32) {
        self.client
            .set_window_size(width, 800)
            .await
            .expect("resize the window");
        let inner = self.eval("return window.innerWidth").await;
        assert_eq!(inner, json!(width), "the window did not take width {width}");
    }

    /// Waits for an element matching `css` (the app renders after the wasm loads).
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(el) => el,
            Err(e) => panic!(
                "no element `{css}` on {}: {e}\npage text: {}",
                self.path().await,
                self.client.source().await.unwrap_or_default()
            ),
        }
    }

    /// Waits until the element `css` shows text containing `want`; returns its text.
    pub async fn wait_text(&self, css: &str, want: &str) -> String {
        let started = Instant::now();
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(want) {
                return text;
            }
            if started.elapsed() > WAIT {
                panic!(
                    "`{css}` on {} never showed “{want}”; it shows “{text}”",
                    self.path().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let started = Instant::now();
        loop {
            let el = self.find(css).await;
            self.center(&el).await;
            let typed = match el.clear().await {
                Ok(()) => el.send_keys(text).await,
                Err(e) => Err(e),
            };
            match typed {
                Ok(()) => return,
                // index.html's login form is shown by its script a moment
                // after the page, and the app replaces it while untouched:
                // the field found may not be shown yet, or gone. Find it again.
                Err(_) if started.elapsed() < WAIT => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("type into `{css}`: {e}"),
            }
        }
    }

    /// Clicks `css` once it is there, scrolled to the middle of the screen (not
    /// under the bottom navigation).
    pub async fn click(&self, css: &str) {
        let started = Instant::now();
        loop {
            let el = self.find(css).await;
            self.center(&el).await;
            match el.click().await {
                Ok(()) => return,
                // As in `type_into`: index.html's login form not shown yet, or replaced.
                Err(_) if started.elapsed() < WAIT => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("click `{css}`: {e}"),
            }
        }
    }

    /// Unfolds the closed `<details>` around `el` (a person opens a folded
    /// section before using what is in it), and scrolls it to the middle.
    pub async fn center(&self, el: &fantoccini::elements::Element) {
        let arg = serde_json::to_value(el).expect("an element as an argument");
        let _ = self.client.execute(UNFOLD_AND_CENTER, vec![arg]).await;
    }

    /// Unfolds the sections around `css` (see `center`), for a field used
    /// without `click` or `type_into`, such as a select.
    pub async fn reveal(&self, css: &str) -> fantoccini::elements::Element {
        let el = self.find(css).await;
        self.center(&el).await;
        el
    }

    /// Fails unless the page fits the window's width (no horizontal scroll).
    pub async fn assert_fits(&self, what: &str) {
        let over = self
            .eval("return document.documentElement.scrollWidth - window.innerWidth")
            .await;
        assert!(
            over.as_i64().unwrap_or(1) <= 0,
            "{what}: the page is {over} px wider than the window"
        );
    }

    /// Downloads what the link `css` points to, with the browser's session
    /// cookie, as the person's click would.
    pub async fn download_link(&self, css: &str) -> Vec<u8> {
        let href = self
            .find(css)
            .await
            .attr("href")
            .await
            .expect("an attribute")
            .expect("the link's address");
        let cookie = self
            .client
            .get_named_cookie("chibo_session")
            .await
            .expect("the session cookie");
        reqwest::Client::new()
            .get(format!("{}{href}", self.base))
            .header("cookie", format!("chibo_session={}", cookie.value()))
            .send()
            .await
            .expect("the download")
            .bytes()
            .await
            .expect("its bytes")
            .to_vec()
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// The page's own `fetch` with its session cookie: what any script in the page could do.
    pub async fn fetch_status(&self, path: &str) -> u16 {
        let script = "const done = arguments[arguments.length - 1];
            fetch(arguments[0], {credentials: 'same-origin'})
                .then(r => done(r.status), () => done(0));";
        let status = self
            .client
            .execute_async(script, vec![json!(path)])
            .await
            .expect("fetch from the page");
        status.as_u64().expect("a status") as u16
    }

    /// Waits until `script` (a `return …` expression) gives `true`.
    pub async fn wait_js(&self, script: &str, what: &str) {
        let started = Instant::now();
        while self.eval(script).await != json!(true) {
            assert!(started.elapsed() < WAIT, "waited too long for {what}");
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// In a live room, the chair marks present every member not marked yet.
    pub async fn mark_the_rest_in_person(&self) {
        let unmarked = "li.roll-row[data-marked='false'] button[data-presence='in_person']";
        let started = Instant::now();
        loop {
            let left = self
                .client
                .find_all(Locator::Css(unmarked))
                .await
                .expect("the roll");
            let Some(first) = left.first() else { break };
            let count = left.len();
            self.center(first).await;
            if let Err(e) = first.click().await {
                // The roll is drawn again as events arrive (the chair's own
                // check-in, a resize): a button found just before may be
                // gone or not laid out yet. Find it again, for a while.
                assert!(started.elapsed() < WAIT, "mark present: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            self.wait_js(
                &format!("return document.querySelectorAll(\"{unmarked}\").length < {count}"),
                "the mark to arrive",
            )
            .await;
        }
    }

    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.path().to_string())
            .unwrap_or_default()
    }

    pub async fn body_text(&self) -> String {
        self.find("body").await.text().await.unwrap_or_default()
    }

    /// Logs in through the form and waits for the home page.
    pub async fn login(&self, username: &str, password: &str) {
        self.goto("/login").await;
        self.type_into("#f-username", username).await;
        self.type_into("#f-password", password).await;
        self.click("button[type=submit]").await;
        self.find(".page .facts, .page .card").await;
        assert_eq!(self.path().await, "/", "after logging in as {username}");
    }
}

/// How the [`Proxy`] lets traffic through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Everything passes.
    Open,
    /// Nothing passes either way and nothing is closed: a network that
    /// silently drops everything, as a phone leaving the Wi-Fi does.
    Frozen,
    /// New live-meeting sockets (`…/live`) are held unanswered and closed when
    /// the flow changes, never forwarded; everything else passes.
    HoldLive,
    /// Requests for the app's wasm wait unanswered until the flow changes,
    /// then go on; everything else passes (a wasm still on its way).
    HoldWasm,
}

#[derive(Debug, Clone, Copy)]
struct ProxyControl {
    flow: Flow,
    /// Bumped by [`Proxy::cut`]: connections of an older epoch close.
    epoch: u64,
}

/// A TCP relay between the browser and the server that a test can freeze or
/// cut, to see what the app does when the network fails under it. Open pages
/// at [`Proxy::url`] to go through it.
pub struct Proxy {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    control: tokio::sync::watch::Sender<ProxyControl>,
    accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Starts relaying to `server` (an `http://host:port` address).
    pub async fn start(server: &str) -> Proxy {
        let target = server
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy address"));
        let (control, rx) = tokio::sync::watch::channel(ProxyControl {
            flow: Flow::Open,
            epoch: 0,
        });
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, target.clone(), rx.clone()));
            }
        });
        Proxy {
            url,
            control,
            accept,
        }
    }

    pub fn set(&self, flow: Flow) {
        self.control.send_modify(|c| c.flow = flow);
    }

    /// Closes every connection open now, dropping what they had not delivered.
    pub fn cut(&self) {
        self.control.send_modify(|c| c.epoch += 1);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

/// Waits until data may pass; false when the connection was cut meanwhile.
async fn may_pass(control: &mut tokio::sync::watch::Receiver<ProxyControl>, epoch: u64) -> bool {
    loop {
        {
            let c = control.borrow_and_update();
            if c.epoch != epoch {
                return false;
            }
            if c.flow != Flow::Frozen {
                return true;
            }
        }
        if control.changed().await.is_err() {
            return false;
        }
    }
}

/// Resolves when the connection is cut (or the proxy is gone).
async fn cut_off(mut control: tokio::sync::watch::Receiver<ProxyControl>, epoch: u64) {
    while control.borrow_and_update().epoch == epoch {
        if control.changed().await.is_err() {
            return;
        }
    }
}

/// Waits while requests for the wasm are held; false when the connection
/// was cut meanwhile.
async fn wasm_may_pass(
    control: &mut tokio::sync::watch::Receiver<ProxyControl>,
    epoch: u64,
) -> bool {
    loop {
        {
            let c = control.borrow_and_update();
            if c.epoch != epoch {
                return false;
            }
            if c.flow != Flow::HoldWasm {
                return true;
            }
        }
        if control.changed().await.is_err() {
            return false;
        }
    }
}

/// A request for a `.wasm` file (a kept-alive connection carries one
/// request after another: each is checked as it comes).
fn is_wasm_request(request: &[u8]) -> bool {
    let line = request.split(|&b| b == b'\r').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut words = line.split(' ');
    words.next() == Some("GET") && words.next().is_some_and(|path| path.ends_with(".wasm"))
}

fn is_live_socket(request: &[u8]) -> bool {
    let line = request.split(|&b| b == b'\r').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut words = line.split(' ');
    words.next() == Some("GET") && words.next().is_some_and(|path| path.ends_with("/live"))
}

async fn relay(
    mut client: tokio::net::TcpStream,
    target: String,
    mut control: tokio::sync::watch::Receiver<ProxyControl>,
) {
    use tokio::io::AsyncReadExt;
    let epoch = control.borrow().epoch;
    if !may_pass(&mut control, epoch).await {
        return;
    }
    let mut first = vec![0u8; 16 * 1024];
    let n = tokio::select! {
        read = client.read(&mut first) => match read {
            Ok(n) if n > 0 => n,
            _ => return,
        },
        () = cut_off(control.clone(), epoch) => return,
    };
    first.truncate(n);
    if control.borrow().flow == Flow::HoldLive && is_live_socket(&first) {
        // Held: no answer, until the flow changes or the connection is cut.
        while {
            let c = *control.borrow_and_update();
            c.epoch == epoch && c.flow == Flow::HoldLive
        } {
            if control.changed().await.is_err() {
                break;
            }
        }
        return;
    }
    if is_wasm_request(&first) && !wasm_may_pass(&mut control, epoch).await {
        return;
    }
    let Ok(server) = tokio::net::TcpStream::connect(&target).await else {
        return;
    };
    let (client_read, client_write) = client.into_split();
    let (server_read, mut server_write) = server.into_split();
    if tokio::io::AsyncWriteExt::write_all(&mut server_write, &first)
        .await
        .is_err()
    {
        return;
    }
    let up = pump(client_read, server_write, control.clone(), epoch, true);
    let down = pump(server_read, client_write, control, epoch, false);
    tokio::join!(up, down);
}

/// Copies one direction, holding the data while the flow is frozen (and,
/// from the browser, a request for the wasm while it is held).
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut control: tokio::sync::watch::Receiver<ProxyControl>,
    epoch: u64,
    from_browser: bool,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = tokio::select! {
            read = from.read(&mut buf) => read.unwrap_or(0),
            () = cut_off(control.clone(), epoch) => return,
        };
        if !may_pass(&mut control, epoch).await {
            return;
        }
        if from_browser && is_wasm_request(&buf[..n]) && !wasm_may_pass(&mut control, epoch).await {
            return;
        }
        if n == 0 {
            let _ = to.shutdown().await;
            return;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
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
