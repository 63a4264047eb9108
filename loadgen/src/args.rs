//! The command line.

use std::path::PathBuf;
use std::time::Duration;

const USAGE: &str = "chibo-loadgen [--participants N] [--meetings M] [--server-bin PATH]
    [--db PATH] [--postgres URL] [--instances N] [--out PATH] [--actions K]
    [--interval-ms MS] [--durable-secs S] [--outage-secs S] [--connect-concurrency C]
    [--relay | --relay-figures PATH]
chibo-loadgen --audio [--participants N] [--meetings M] [--window-secs S] [--chair-talks]
    [--measured-listeners K] [--server-bin PATH] [--db PATH] [--out PATH]
    [--connect-concurrency C]

  --participants N        WebSocket clients in all (default 15000)
  --meetings M            meetings (cells) they are spread over (default 1500)
  --server-bin PATH       the release server (default target/release/chibo-server)
  --db PATH               the SQLite file, recreated (default target/bench/live.db)
  --postgres URL          use PostgreSQL instead: a server URL such as
                          postgres://postgres@127.0.0.1:5432/postgres; the database
                          chibo_bench on it is dropped and created again
  --instances N           server instances on that database (default 1); each
                          meeting's chair on one, its members on the others
  --out PATH              the figures (default target/bench/live.json, or
                          target/bench/live-pg.json with --postgres)
  --actions K             actions per chair in the latency phase (default 20)
  --interval-ms MS        time between one chair's actions (default 1000)
  --durable-secs S        length of the back-to-back command phase (default 10)
  --outage-secs S         length of the outage phase, back to back, an instance
                          killed (or the only one restarted) after a third of
                          it; 0: none (default 10)
  --connect-concurrency C connections being opened at once (default 200)
  --relay                 the same load against a minimal broadcast server with
                          no storage (no database, no outage); default output
                          target/bench/live-relay.json
  --relay-figures PATH    a --relay run's figures, copied into this run's as
                          relay_p99_ms, relay_kib_per_participant, relay_cpu_ms_per_action

  --audio                 the meeting audio instead: every participant joins it as
                          a WebRTC peer, the floor holder speaks 50 packets a second
                          (defaults: 1200 participants in 100 meetings, the database
                          target/bench/audio.db, the figures target/bench/audio.json)
  --window-secs S         --audio: the measured window, after a 3 s warm-up (default 20)
  --chair-talks           --audio: the chair speaks too (heard in its own slot)
  --measured-listeners K  --audio: only the first K peers of each meeting (the chair,
                          the floor, the member without it, ...) decrypt and record
                          what they hear; the others drop media packets unread, which
                          keeps the load generator cheaper (default: everyone)";

pub struct Args {
    pub participants: usize,
    pub meetings: usize,
    pub server_bin: PathBuf,
    pub db: PathBuf,
    pub postgres: Option<String>,
    pub instances: usize,
    pub out: Option<PathBuf>,
    pub actions: usize,
    pub interval: Duration,
    pub durable: Duration,
    pub outage: Duration,
    pub connect_concurrency: usize,
    pub relay: bool,
    pub relay_figures: Option<PathBuf>,
    pub audio: bool,
    pub window: Duration,
    pub chair_talks: bool,
    pub measured: Option<usize>,
}

pub fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        participants: 15_000,
        meetings: 1_500,
        server_bin: "target/release/chibo-server".into(),
        db: "target/bench/live.db".into(),
        postgres: None,
        instances: 1,
        out: None,
        actions: 20,
        interval: Duration::from_millis(1000),
        durable: Duration::from_secs(10),
        outage: Duration::from_secs(10),
        connect_concurrency: 200,
        relay: false,
        relay_figures: None,
        audio: false,
        window: Duration::from_secs(20),
        chair_talks: false,
        measured: None,
    };
    let (mut participants, mut meetings, mut db) = (None, None, None);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        if flag == "--relay" {
            a.relay = true;
            continue;
        }
        if flag == "--audio" {
            a.audio = true;
            continue;
        }
        if flag == "--chair-talks" {
            a.chair_talks = true;
            continue;
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
            "--participants" => participants = Some(num()? as usize),
            "--meetings" => meetings = Some(num()? as usize),
            "--server-bin" => a.server_bin = value.into(),
            "--db" => db = Some(value.into()),
            "--postgres" => a.postgres = Some(value),
            "--instances" => a.instances = num()? as usize,
            "--out" => a.out = Some(value.into()),
            "--actions" => a.actions = num()? as usize,
            "--interval-ms" => a.interval = Duration::from_millis(num()?),
            "--durable-secs" => a.durable = Duration::from_secs(num()?),
            "--outage-secs" => a.outage = Duration::from_secs(num()?),
            "--connect-concurrency" => a.connect_concurrency = num()?.max(1) as usize,
            "--relay-figures" => a.relay_figures = Some(value.into()),
            "--measured-listeners" => a.measured = Some(num()?.max(1) as usize),
            "--window-secs" => a.window = Duration::from_secs(num()?.max(1)),
            _ => return Err(format!("unknown flag {flag}\n\n{USAGE}")),
        }
    }
    if a.audio {
        (a.participants, a.meetings, a.db) = (1200, 100, "target/bench/audio.db".into());
    }
    a.participants = participants.unwrap_or(a.participants);
    a.meetings = meetings.unwrap_or(a.meetings);
    a.db = db.unwrap_or(a.db);
    if a.meetings == 0 || a.participants < a.meetings {
        return Err("need at least one meeting and one participant per meeting".into());
    }
    if a.actions == 0 {
        return Err("--actions must be at least 1".into());
    }
    if a.relay {
        a.instances = 1;
        a.postgres = None;
        a.outage = Duration::ZERO;
    }
    if a.instances == 0 || a.instances > 1 && a.postgres.is_none() {
        return Err("--instances above 1 needs --postgres (SQLite is one instance's)".into());
    }
    Ok(a)
}
