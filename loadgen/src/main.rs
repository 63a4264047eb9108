//! `chibo-loadgen`: the live meeting under load, over real WebSockets against
//! the release server. Seeds a fresh SQLite file (no logins: sessions are
//! written directly), starts `chibo-server` on it, connects every participant,
//! then measures
//!
//! - latency: each chair moves between agenda items once per interval; one
//!   action's latency is the time from the chair's send to the last of its
//!   meeting's participants (the chair included) reading the `events` batch;
//! - durable commands per second: every chair sends `move_to` back to back for
//!   a few seconds; each `accepted` was stored before it was sent (the server
//!   is killed with SIGKILL afterwards and the stored events are counted);
//! - server memory per participant: resident memory after connecting everyone
//!   minus before, divided by the participants.
//!
//! Writes `target/bench/live.json` (see `scripts/bench-live`).

mod seed;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, Stream, StreamExt};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const USAGE: &str = "chibo-loadgen [--participants N] [--meetings M] [--server-bin PATH]
    [--db PATH] [--out PATH] [--actions K] [--interval-ms MS] [--durable-secs S]
    [--connect-concurrency C]

  --participants N        WebSocket clients in all (default 15000)
  --meetings M            meetings (cells) they are spread over (default 1500)
  --server-bin PATH       the release server (default target/release/chibo-server)
  --db PATH               the SQLite file, recreated (default target/bench/live.db)
  --out PATH              the figures (default target/bench/live.json)
  --actions K             actions per chair in the latency phase (default 20)
  --interval-ms MS        time between one chair's actions (default 1000)
  --durable-secs S        length of the back-to-back command phase (default 10)
  --connect-concurrency C connections being opened at once (default 200)";

struct Args {
    participants: usize,
    meetings: usize,
    server_bin: PathBuf,
    db: PathBuf,
    out: PathBuf,
    actions: usize,
    interval: Duration,
    durable: Duration,
    connect_concurrency: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        participants: 15_000,
        meetings: 1_500,
        server_bin: "target/release/chibo-server".into(),
        db: "target/bench/live.db".into(),
        out: "target/bench/live.json".into(),
        actions: 20,
        interval: Duration::from_millis(1000),
        durable: Duration::from_secs(10),
        connect_concurrency: 200,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))?;
        let num = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: not a number: {value}"))
        };
        match flag.as_str() {
            "--participants" => a.participants = num()? as usize,
            "--meetings" => a.meetings = num()? as usize,
            "--server-bin" => a.server_bin = value.into(),
            "--db" => a.db = value.into(),
            "--out" => a.out = value.into(),
            "--actions" => a.actions = num()? as usize,
            "--interval-ms" => a.interval = Duration::from_millis(num()?),
            "--durable-secs" => a.durable = Duration::from_secs(num()?),
            "--connect-concurrency" => a.connect_concurrency = num()?.max(1) as usize,
            _ => return Err(format!("unknown flag {flag}\n\n{USAGE}")),
        }
    }
    if a.meetings == 0 || a.participants < a.meetings {
        return Err("need at least one meeting and one participant per meeting".into());
    }
    if a.actions == 0 {
        return Err("--actions must be at least 1".into());
    }
    Ok(a)
}

// ---------------------------------------------------------------------------
// Time, processes, limits.

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Nanoseconds since the start of the run (monotonic).
fn now_ns() -> u64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// Resident memory of a process, in KiB (`VmRSS` of `/proc/<pid>/status`).
fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// User + system CPU seconds of a process (`/proc/<pid>/stat`, 100 ticks a second).
fn cpu_secs(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, utime 14 and stime 15 (1-based).
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The soft limit on open files of this process (the server inherits it).
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line.split_whitespace().nth(3)?;
    if soft == "unlimited" {
        Some(u64::MAX)
    } else {
        soft.parse().ok()
    }
}

/// The server as a child process; killed (SIGKILL) when dropped.
struct Server {
    child: Child,
    pid: String,
    base: String,
}

impl Server {
    fn start(
        bin: &std::path::Path,
        db: &std::path::Path,
        log: &std::path::Path,
    ) -> Result<Server, String> {
        let log = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let mut child = Command::new(bin)
            .args(["--addr", "127.0.0.1:0", "--static-dir", "no-app-needed"])
            .arg("--database-url")
            .arg(format!("sqlite:{}", db.display()))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start {}: {e} (build it: cargo build --release -p server)",
                    bin.display()
                )
            })?;
        let pid = child.id().to_string();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(i) = line.find("http://") {
                        break line[i..].trim_end_matches('/').to_string();
                    }
                }
                _ => {
                    let _ = child.kill();
                    return Err(
                        "the server exited before printing its address (see its log)".into(),
                    );
                }
            }
        };
        // Keep draining its stdout so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(Server { child, pid, base })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// What the clients record.

/// One meeting's latency record: for each of the chair's actions, when it was
/// sent, when the last participant read it, and how many read it.
struct MeetingLog {
    size: u32,
    /// The sequence number before the first measured action; `u64::MAX` until known.
    base: AtomicU64,
    sent: Box<[AtomicU64]>,
    received_last: Box<[AtomicU64]>,
    received_by: Box<[AtomicU32]>,
}

impl MeetingLog {
    fn new(size: usize, actions: usize) -> MeetingLog {
        let zeros = |n| (0..n).map(|_| AtomicU64::new(0)).collect();
        MeetingLog {
            size: size as u32,
            base: AtomicU64::new(u64::MAX),
            sent: zeros(actions),
            received_last: zeros(actions),
            received_by: (0..actions).map(|_| AtomicU32::new(0)).collect(),
        }
    }

    fn received(&self, seq: u64, at: u64) {
        let base = self.base.load(Ordering::Acquire);
        if base == u64::MAX || seq <= base {
            return;
        }
        let i = (seq - base - 1) as usize;
        if i < self.sent.len() {
            self.received_last[i].fetch_max(at, Ordering::Relaxed);
            self.received_by[i].fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[derive(Default)]
struct Totals {
    messages: AtomicU64,
    snapshots: AtomicU64,
    deferred: AtomicU64,
    errors: AtomicU64,
    disconnects: AtomicU64,
}

/// The numbers after each `"seq":` in a message. In serde's JSON a key cannot
/// occur inside a string (quotes are escaped), and no event has a `seq` field.
fn seqs(text: &str) -> impl Iterator<Item = u64> + '_ {
    text.match_indices("\"seq\":").filter_map(|(i, k)| {
        let digits = &text[i + k.len()..];
        let end = digits
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits.len());
        digits[..end].parse().ok()
    })
}

/// What the chair's socket tells its driver.
enum Answer {
    Accepted(u64),
    /// Neither stored nor refused (the command rate, or a transient fault):
    /// sent again with the same key, as the app does.
    Deferred,
    Refused(String),
}

/// Reads one participant's socket until it closes: records each events batch,
/// passes the chair's answers on.
async fn read_loop<S>(
    mut stream: S,
    log: Arc<MeetingLog>,
    totals: Arc<Totals>,
    answers: Option<mpsc::UnboundedSender<Answer>>,
) where
    S: Stream<Item = Result<Message, WsError>> + Unpin,
{
    while let Some(msg) = stream.next().await {
        let text = match msg {
            Ok(Message::Text(t)) => t,
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => continue,
        };
        let at = now_ns();
        totals.messages.fetch_add(1, Ordering::Relaxed);
        let t = text.as_str();
        if t.starts_with(r#"{"type":"events""#) {
            for seq in seqs(t) {
                log.received(seq, at);
            }
        } else if t.starts_with(r#"{"type":"accepted""#) {
            if let (Some(a), Some(seq)) = (&answers, seqs(t).next()) {
                let _ = a.send(Answer::Accepted(seq));
            }
        } else if t.starts_with(r#"{"type":"deferred""#) {
            totals.deferred.fetch_add(1, Ordering::Relaxed);
            if let Some(a) = &answers {
                let _ = a.send(Answer::Deferred);
            }
        } else if t.starts_with(r#"{"type":"rejected""#) || t.starts_with(r#"{"type":"error""#) {
            totals.errors.fetch_add(1, Ordering::Relaxed);
            if let Some(a) = &answers {
                let _ = a.send(Answer::Refused(t.chars().take(300).collect()));
            }
        } else if t.starts_with(r#"{"type":"snapshot""#) {
            // This socket fell behind by a whole channel: the server sent the state instead.
            totals.snapshots.fetch_add(1, Ordering::Relaxed);
        }
    }
    totals.disconnects.fetch_add(1, Ordering::Relaxed);
}

/// Opens one participant's socket and waits for the welcome (whose size it gives).
async fn connect(url: &str, token: &str) -> Result<(Ws, usize), String> {
    let mut req = url.into_client_request().map_err(|e| e.to_string())?;
    req.headers_mut().insert(
        "cookie",
        format!("{}={token}", server::auth::SESSION_COOKIE)
            .parse()
            .map_err(|e| format!("{e}"))?,
    );
    // Small buffers, as the server's: tens of thousands of these live in one process.
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(config), true)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    ws.send(Message::text(
        r#"{"type":"hello","version":1,"last_seq":null}"#,
    ))
    .await
    .map_err(|e| format!("hello: {e}"))?;
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) if t.starts_with(r#"{"type":"welcome""#) => {
                return Ok((ws, t.len()));
            }
            Some(Ok(Message::Text(t))) if t.starts_with(r#"{"type":"error""#) => {
                return Err(format!("hello answered with {t}"));
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("waiting for welcome: {e}")),
            None => return Err("closed before the welcome".into()),
        }
    }
}

type ChairHandle = tokio::task::JoinHandle<Result<ChairReport, String>>;
/// A connected participant: the size of its welcome, and the chair's driver.
type Connected = Result<(usize, Option<ChairHandle>), String>;

/// One participant to connect.
struct Job {
    url: Arc<str>,
    token: String,
    log: Arc<MeetingLog>,
    chair: Option<ChairPlan>,
}

struct ChairPlan {
    index: usize,
    meetings: usize,
    actions: usize,
    interval: Duration,
    stage: watch::Receiver<Stage>,
    opened: mpsc::UnboundedSender<()>,
    acted: mpsc::UnboundedSender<()>,
}

impl Job {
    /// Connects (holding a permit until welcomed), then reads until the end.
    async fn run(
        self,
        permit: tokio::sync::OwnedSemaphorePermit,
        totals: Arc<Totals>,
        done: mpsc::UnboundedSender<Connected>,
    ) {
        let (ws, welcome) = match connect(&self.url, &self.token).await {
            Ok(c) => c,
            Err(e) => {
                let _ = done.send(Err(e));
                return;
            }
        };
        drop(permit);
        drop(self.token);
        match self.chair {
            None => {
                let _ = done.send(Ok((welcome, None)));
                read_loop(ws, self.log, totals, None).await;
            }
            Some(plan) => {
                let (sink, stream) = ws.split();
                let (answer_tx, answers) = mpsc::unbounded_channel();
                let driver = Chair {
                    index: plan.index,
                    meetings: plan.meetings,
                    actions: plan.actions,
                    interval: plan.interval,
                    log: self.log.clone(),
                    sink,
                    answers,
                    stage: plan.stage,
                    opened: plan.opened,
                    acted: plan.acted,
                };
                let handle = tokio::spawn(driver.run());
                let _ = done.send(Ok((welcome, Some(handle))));
                read_loop::<SplitStream<Ws>>(stream, self.log, totals, Some(answer_tx)).await;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The chairs.

#[derive(Clone, Debug)]
enum Stage {
    Connecting,
    Open,
    Latency { start: Instant },
    Durable { until: Instant },
}

#[derive(Default)]
struct ChairReport {
    /// Latency phase: accepted actions whose number was not the expected one.
    out_of_order: u64,
    refused: Vec<String>,
    /// Durable phase: answered before the end, and how long each took (µs).
    durable_accepted: u64,
    durable_ack_us: Vec<u32>,
    /// Every accepted command, for the check against the database.
    accepted_total: u64,
}

struct Chair {
    index: usize,
    meetings: usize,
    actions: usize,
    interval: Duration,
    log: Arc<MeetingLog>,
    sink: SplitSink<Ws, Message>,
    answers: mpsc::UnboundedReceiver<Answer>,
    stage: watch::Receiver<Stage>,
    opened: mpsc::UnboundedSender<()>,
    acted: mpsc::UnboundedSender<()>,
}

const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a deferred command waits before it is sent again.
const DEFERRED_PAUSE: Duration = Duration::from_millis(250);

impl Chair {
    /// Sends a command until it is accepted or refused (a deferred one again,
    /// with the same key, after a pause): the sequence number, or the refusal.
    async fn command(&mut self, key: &str, command: &str) -> Result<Result<u64, String>, String> {
        let text = format!(r#"{{"type":"command","key":"{key}","command":{command}}}"#);
        loop {
            self.sink
                .send(Message::text(text.clone()))
                .await
                .map_err(|e| format!("send: {e}"))?;
            match tokio::time::timeout(ANSWER_TIMEOUT, self.answers.recv()).await {
                Ok(Some(Answer::Deferred)) => tokio::time::sleep(DEFERRED_PAUSE).await,
                Ok(Some(Answer::Accepted(seq))) => return Ok(Ok(seq)),
                Ok(Some(Answer::Refused(r))) => return Ok(Err(r)),
                Ok(None) => return Err("the chair's socket closed".into()),
                Err(_) => return Err(format!("no answer to {key} within {ANSWER_TIMEOUT:?}")),
            }
        }
    }

    fn move_to(k: usize) -> String {
        // Items 1 and 2 of the standard agenda, alternately: one event each.
        format!(r#"{{"type":"move_to","item":{}}}"#, 1 + k % 2)
    }

    async fn run(mut self) -> Result<ChairReport, String> {
        let mut report = ChairReport::default();
        let m = self.index;
        self.stage
            .wait_for(|s| !matches!(s, Stage::Connecting))
            .await
            .map_err(|e| e.to_string())?;
        match self
            .command(&format!("open-{m}"), r#"{"type":"open"}"#)
            .await?
        {
            Ok(seq) => {
                self.log.base.store(seq, Ordering::Release);
                report.accepted_total += 1;
            }
            Err(r) => return Err(format!("meeting {m} could not open: {r}")),
        }
        let _ = self.opened.send(());

        let start = match self
            .stage
            .wait_for(|s| matches!(s, Stage::Latency { .. }))
            .await
            .map_err(|e| e.to_string())?
            .clone()
        {
            Stage::Latency { start } => start,
            _ => unreachable!(),
        };
        // Chairs spread evenly over one interval.
        let offset = self.interval.mul_f64(m as f64 / self.meetings as f64);
        let base = self.log.base.load(Ordering::Acquire);
        for k in 0..self.actions {
            let at = start + offset + self.interval * k as u32;
            tokio::time::sleep_until(at.into()).await;
            self.log.sent[k].store(now_ns(), Ordering::Release);
            match self
                .command(&format!("l-{m}-{k}"), &Self::move_to(k))
                .await?
            {
                Ok(seq) => {
                    report.accepted_total += 1;
                    if seq != base + k as u64 + 1 {
                        report.out_of_order += 1;
                    }
                }
                Err(r) => report.refused.push(r),
            }
        }
        let _ = self.acted.send(());

        let until = match self
            .stage
            .wait_for(|s| matches!(s, Stage::Durable { .. }))
            .await
            .map_err(|e| e.to_string())?
            .clone()
        {
            Stage::Durable { until } => until,
            _ => unreachable!(),
        };
        let mut k = 0usize;
        while Instant::now() < until {
            let sent = Instant::now();
            let answer = self
                .command(&format!("d-{m}-{k}"), &Self::move_to(k))
                .await?;
            let done = Instant::now();
            k += 1;
            match answer {
                Ok(_) => {
                    report.accepted_total += 1;
                    if done <= until {
                        report.durable_accepted += 1;
                        report
                            .durable_ack_us
                            .push((done - sent).as_micros().min(u32::MAX as u128) as u32);
                    }
                }
                Err(r) => report.refused.push(r),
            }
        }
        Ok(report)
    }
}

// ---------------------------------------------------------------------------

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Waits until `n` signals came, or fails after `limit`.
async fn gather(
    rx: &mut mpsc::UnboundedReceiver<()>,
    n: usize,
    limit: Duration,
    what: &str,
) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    for i in 0..n {
        match tokio::time::timeout_at(deadline.into(), rx.recv()).await {
            Ok(Some(())) => {}
            _ => return Err(format!("{what}: only {i} of {n} chairs within {limit:?}")),
        }
    }
    Ok(())
}

async fn run(args: Args) -> Result<(), String> {
    EPOCH.get_or_init(Instant::now);
    let n = args.participants;
    let limit = open_files_limit().unwrap_or(0);
    // Each process holds one socket per participant, plus files, the database and a margin.
    let need = n as u64 + 256;
    if limit < need {
        return Err(format!(
            "open files limit {limit} is too low for {n} participants: need {need} (run `ulimit -n {need}` first, as scripts/bench-live does; the hard limit is the ceiling)"
        ));
    }
    let out_dir = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| ".".into());
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    if let Some(dir) = args.db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let load_start = loadavg();
    println!(
        "chibo-loadgen: {n} participants in {} meetings; load average {load_start}",
        args.meetings
    );

    // Seed.
    let t = Instant::now();
    let seeded = seed::seed(&args.db, n, args.meetings).await?;
    let seed_secs = t.elapsed().as_secs_f64();
    println!(
        "seeded {} members, accounts and sessions in {seed_secs:.1} s",
        n
    );
    let meeting_ids: Vec<_> = seeded.iter().map(|s| s.id).collect();

    // The storage alone, in another file: one writer, then as many as the server's pool.
    let probe_db = args.db.with_extension("probe.db");
    let probe_1 = seed::storage_probe(&probe_db, 1, 3.0).await?;
    let probe_many = seed::storage_probe(&probe_db, 500, 3.0).await?;
    println!(
        "storage alone (no sockets): {probe_1:.0} commands/s from one meeting, {probe_many:.0}/s from 500"
    );

    // Start the server and let it settle.
    let server_log = out_dir.join("live-server.log");
    let server = Server::start(&args.server_bin, &args.db, &server_log)?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_before = rss_kib(&server.pid).ok_or("cannot read the server's VmRSS")?;
    let cpu_server_0 = cpu_secs(&server.pid).unwrap_or(0.0);
    let cpu_self_0 = cpu_secs("self").unwrap_or(0.0);
    let rss_self_before = rss_kib("self").unwrap_or(0);
    println!(
        "server {} (pid {}), resident {rss_before} KiB",
        server.base, server.pid
    );
    let mut rss_rooms = rss_before;

    // Connect everyone: the chairs first (one per meeting, so every room is
    // loaded), then the others; the memory is read after each pass.
    let ws_base = server.base.replacen("http://", "ws://", 1);
    let totals = Arc::new(Totals::default());
    let (stage_tx, stage_rx) = watch::channel(Stage::Connecting);
    let (opened_tx, mut opened_rx) = mpsc::unbounded_channel();
    let (acted_tx, mut acted_rx) = mpsc::unbounded_channel();
    let (conn_tx, mut conn_rx) = mpsc::unbounded_channel::<Connected>();
    let gate = Arc::new(Semaphore::new(args.connect_concurrency));
    let mut logs = Vec::with_capacity(args.meetings);
    let mut others = Vec::with_capacity(n);
    let mut chair_jobs = Vec::with_capacity(args.meetings);
    for (m, meeting) in seeded.into_iter().enumerate() {
        let log = Arc::new(MeetingLog::new(meeting.tokens.len(), args.actions));
        logs.push(log.clone());
        let url: Arc<str> = format!("{ws_base}/api/meetings/{}/live", meeting.id.0).into();
        for (p, token) in meeting.tokens.into_iter().enumerate() {
            let job = Job {
                url: url.clone(),
                token,
                log: log.clone(),
                chair: (p == 0).then(|| ChairPlan {
                    index: m,
                    meetings: args.meetings,
                    actions: args.actions,
                    interval: args.interval,
                    stage: stage_rx.clone(),
                    opened: opened_tx.clone(),
                    acted: acted_tx.clone(),
                }),
            };
            if p == 0 {
                chair_jobs.push(job);
            } else {
                others.push(job);
            }
        }
    }
    let t = Instant::now();
    let mut chairs = Vec::with_capacity(args.meetings);
    let mut welcome_bytes = 0usize;
    for (pass, jobs) in [chair_jobs, others].into_iter().enumerate() {
        let count = jobs.len();
        for job in jobs {
            let permit = gate
                .clone()
                .acquire_owned()
                .await
                .map_err(|e| e.to_string())?;
            tokio::spawn(job.run(permit, totals.clone(), conn_tx.clone()));
        }
        for i in 0..count {
            match tokio::time::timeout(Duration::from_secs(300), conn_rx.recv()).await {
                Ok(Some(Ok((bytes, handle)))) => {
                    welcome_bytes = welcome_bytes.max(bytes);
                    chairs.extend(handle);
                }
                Ok(Some(Err(e))) => return Err(format!("a participant failed: {e}")),
                Ok(None) | Err(_) => {
                    return Err(format!(
                        "pass {pass}: only {i} of {count} participants connected"
                    ));
                }
            }
        }
        if pass == 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            rss_rooms = rss_kib(&server.pid).ok_or("cannot read the server's VmRSS")?;
        }
    }
    drop(conn_tx);
    let connect_secs = t.elapsed().as_secs_f64();
    // Let allocations settle before reading the memory.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = rss_kib(&server.pid).ok_or("cannot read the server's VmRSS")?;
    let rss_self_after = rss_kib("self").unwrap_or(0);
    let cpu_server_1 = cpu_secs(&server.pid).unwrap_or(0.0);
    let cpu_self_1 = cpu_secs("self").unwrap_or(0.0);
    let kib_per_participant = rss_after.saturating_sub(rss_before) as f64 / n as f64;
    let kib_per_room = rss_rooms.saturating_sub(rss_before) as f64 / args.meetings as f64;
    let kib_per_extra = if n > args.meetings {
        rss_after.saturating_sub(rss_rooms) as f64 / (n - args.meetings) as f64
    } else {
        f64::NAN
    };
    println!(
        "{n} connected in {connect_secs:.1} s; server resident {rss_after} KiB: {kib_per_participant:.2} KiB per participant \
         ({kib_per_room:.1} KiB per meeting with its chair, then {kib_per_extra:.2} KiB per further participant; \
         welcome {welcome_bytes} bytes); load generator: {:.2} KiB per client",
        rss_self_after.saturating_sub(rss_self_before) as f64 / n as f64
    );

    // Open every meeting.
    let _ = stage_tx.send(Stage::Open);
    gather(
        &mut opened_rx,
        args.meetings,
        Duration::from_secs(120),
        "opening",
    )
    .await?;

    // Latency.
    let load_latency = loadavg();
    let start = Instant::now() + Duration::from_millis(500);
    let cpu_server_2 = cpu_secs(&server.pid).unwrap_or(0.0);
    let cpu_self_2 = cpu_secs("self").unwrap_or(0.0);
    let _ = stage_tx.send(Stage::Latency { start });
    let latency_limit = args.interval * args.actions as u32 + Duration::from_secs(120);
    gather(&mut acted_rx, args.meetings, latency_limit, "latency phase").await?;
    // Stragglers: give every participant up to 5 s more to read the last actions.
    let grace = Instant::now() + Duration::from_secs(5);
    let complete = |logs: &[Arc<MeetingLog>]| {
        logs.iter().all(|l| {
            l.received_by
                .iter()
                .all(|c| c.load(Ordering::Relaxed) >= l.size)
        })
    };
    while !complete(&logs) && Instant::now() < grace {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let latency_secs = start.elapsed().as_secs_f64();
    let cpu_server_3 = cpu_secs(&server.pid).unwrap_or(0.0);
    let cpu_self_3 = cpu_secs("self").unwrap_or(0.0);
    let mut latencies = Vec::with_capacity(args.meetings * args.actions);
    let mut incomplete = 0u64;
    for l in &logs {
        for i in 0..args.actions {
            let sent = l.sent[i].load(Ordering::Relaxed);
            let last = l.received_last[i].load(Ordering::Relaxed);
            if l.received_by[i].load(Ordering::Relaxed) < l.size || sent == 0 {
                incomplete += 1;
            } else {
                latencies.push(last.saturating_sub(sent) as f64 / 1e6);
            }
        }
    }
    latencies.sort_by(f64::total_cmp);
    let (p50, p95, p99) = (
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.95),
        percentile(&latencies, 0.99),
    );
    let max = latencies.last().copied().unwrap_or(f64::NAN);
    println!(
        "latency over {} actions ({incomplete} not read by everyone): p50 {p50:.2} ms, p95 {p95:.2} ms, p99 {p99:.2} ms, max {max:.2} ms",
        latencies.len()
    );

    // Durable commands.
    let load_durable = loadavg();
    let cpu_server_4 = cpu_secs(&server.pid).unwrap_or(0.0);
    let cpu_self_4 = cpu_secs("self").unwrap_or(0.0);
    let durable_start = Instant::now();
    let _ = stage_tx.send(Stage::Durable {
        until: durable_start + args.durable,
    });
    let mut reports = Vec::with_capacity(chairs.len());
    for h in chairs {
        reports.push(h.await.map_err(|e| e.to_string())??);
    }
    let durable_secs = args.durable.as_secs_f64();
    let cpu_server_5 = cpu_secs(&server.pid).unwrap_or(0.0);
    let cpu_self_5 = cpu_secs("self").unwrap_or(0.0);
    let durable_accepted: u64 = reports.iter().map(|r| r.durable_accepted).sum();
    let durable_per_s = durable_accepted as f64 / durable_secs;
    let mut acks: Vec<f64> = reports
        .iter()
        .flat_map(|r| r.durable_ack_us.iter().map(|&us| f64::from(us) / 1000.0))
        .collect();
    acks.sort_by(f64::total_cmp);
    let accepted_total: u64 = reports.iter().map(|r| r.accepted_total).sum();
    let out_of_order: u64 = reports.iter().map(|r| r.out_of_order).sum();
    let refused: Vec<&String> = reports.iter().flat_map(|r| &r.refused).collect();
    println!(
        "durable: {durable_accepted} commands accepted in {durable_secs:.0} s = {durable_per_s:.0}/s (answer p50 {:.1} ms, p99 {:.1} ms)",
        percentile(&acks, 0.5),
        percentile(&acks, 0.99)
    );
    let rss_end = rss_kib(&server.pid).unwrap_or(0);

    let disconnects = totals.disconnects.load(Ordering::Relaxed);

    // Kill the server outright, then count what it stored.
    let server_pid = server.pid.clone();
    drop(server);
    let stored = seed::stored_events(&args.db, &meeting_ids).await?;
    let durable_verified = stored >= accepted_total;
    println!(
        "after SIGKILL: {stored} events stored for {accepted_total} accepted commands ({})",
        if durable_verified {
            "none lost"
        } else {
            "SOME LOST"
        }
    );

    let goals = [
        ("p99 < 50 ms", p99 < 50.0 && incomplete == 0),
        ("<= 16 KiB per participant", kib_per_participant <= 16.0),
        (">= 5000 durable commands/s", durable_per_s >= 5000.0),
        ("no acknowledged command lost", durable_verified),
    ];
    let report = json!({
        "participants": n,
        "meetings": args.meetings,
        "p50_ms": round2(p50),
        "p95_ms": round2(p95),
        "p99_ms": round2(p99),
        "durable_commands_per_s": durable_per_s.round(),
        "kib_per_participant": round2(kib_per_participant),
        "max_ms": round2(max),
        "actions": latencies.len(),
        "actions_incomplete": incomplete,
        "actions_out_of_order": out_of_order,
        "refused": refused.len(),
        "deferred_and_resent": totals.deferred.load(Ordering::Relaxed),
        "snapshots_sent_to_laggards": totals.snapshots.load(Ordering::Relaxed),
        "disconnects_before_end": disconnects,
        "latency_seconds": round2(latency_secs),
        "durable_seconds": durable_secs,
        "durable_accepted": durable_accepted,
        "durable_answer_p50_ms": round2(percentile(&acks, 0.5)),
        "durable_answer_p99_ms": round2(percentile(&acks, 0.99)),
        "accepted_total": accepted_total,
        "events_stored_after_sigkill": stored,
        "durable_verified": durable_verified,
        "rss_before_kib": rss_before,
        "rss_after_kib": rss_after,
        "rss_end_kib": rss_end,
        "rss_rooms_kib": rss_rooms,
        "kib_per_meeting_with_chair": round2(kib_per_room),
        "kib_per_further_participant": round2(kib_per_extra),
        "welcome_bytes": welcome_bytes,
        "storage_only_commands_per_s": { "1_meeting": probe_1.round(), "500_meetings": probe_many.round() },
        "loadgen_kib_per_client": round2(rss_self_after.saturating_sub(rss_self_before) as f64 / n as f64),
        "seed_seconds": round2(seed_secs),
        "connect_seconds": round2(connect_secs),
        "server_cpu_seconds": {
            "connect": round2(cpu_server_1 - cpu_server_0),
            "latency": round2(cpu_server_3 - cpu_server_2),
            "durable": round2(cpu_server_5 - cpu_server_4),
        },
        "loadgen_cpu_seconds": {
            "connect": round2(cpu_self_1 - cpu_self_0),
            "latency": round2(cpu_self_3 - cpu_self_2),
            "durable": round2(cpu_self_5 - cpu_self_4),
        },
        "load_average": {
            "start": load_start,
            "latency": load_latency,
            "durable": load_durable,
            "end": loadavg(),
        },
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "goals_met": goals.iter().map(|(g, ok)| (g.to_string(), json!(ok))).collect::<serde_json::Map<_, _>>(),
    });
    let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    std::fs::write(&args.out, text + "\n").map_err(|e| format!("{}: {e}", args.out.display()))?;
    println!(
        "server pid was {server_pid}; figures in {}",
        args.out.display()
    );
    for (goal, ok) in goals {
        println!("  {} {goal}", if ok { "met   " } else { "MISSED" });
    }
    if let Some(r) = refused.first() {
        println!("first refusal: {r}");
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tokio: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(args));
    // Thousands of sockets and tasks: no need to tear them down one by one.
    runtime.shutdown_background();
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chibo-loadgen: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_sequence_number() {
        let batch = r#"{"type":"events","events":[{"seq":7,"event":{"type":"floor_ended","at":"2026-01-01T10:00:00"}},{"seq":8,"event":{"type":"moved_to","item":1,"at":"2026-01-01T10:00:00"}}]}"#;
        assert_eq!(seqs(batch).collect::<Vec<_>>(), vec![7, 8]);
        assert_eq!(
            seqs(r#"{"type":"accepted","key":"l-1-2","seq":42}"#).next(),
            Some(42)
        );
        assert_eq!(seqs(r#"{"type":"pong"}"#).next(), None);
    }

    #[test]
    fn latency_counts_only_measured_actions() {
        let log = MeetingLog::new(2, 3);
        log.received(5, 10); // before the base is known
        log.base.store(4, Ordering::Release);
        log.received(4, 11); // the opening
        log.received(5, 20);
        log.received(5, 30);
        log.received(8, 40); // after the measured actions
        assert_eq!(log.received_by[0].load(Ordering::Relaxed), 2);
        assert_eq!(log.received_last[0].load(Ordering::Relaxed), 30);
        assert_eq!(log.received_by[1].load(Ordering::Relaxed), 0);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&v[..1], 0.99), 1.0);
        assert!(percentile(&[], 0.5).is_nan());
    }
}
