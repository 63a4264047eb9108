//! `chibo-loadgen`: the live meeting under load, over real WebSockets against
//! the release server: one instance on SQLite, or several on one PostgreSQL
//! (`--postgres`). Seeds a fresh database (no logins: sessions are written
//! directly), starts `chibo-server`, connects every participant, then measures
//!
//! - latency: each chair moves between agenda items once per interval; one
//!   action's latency is the time from the chair's send to the last of its
//!   meeting's participants (the chair included) reading the `events` batch;
//! - durable commands per second: every chair sends `move_to` back to back for
//!   a few seconds; each `accepted` was stored before it was sent (the servers
//!   are killed with SIGKILL at the end and the stored events are checked);
//! - server memory per participant: resident memory after connecting everyone
//!   minus before, divided by the participants;
//! - an outage: while the chairs go on back to back, one instance is killed
//!   with SIGKILL (several instances: its participants reconnect to the
//!   others) or the only one is restarted; the time until every participant
//!   is back, and acknowledged commands lost;
//! - every participant checks the numbers of the events it reads: a gap is an
//!   event lost, a repeated or earlier one is out of order.
//!
//! With `--relay`, the same load runs against a minimal broadcast server with
//! no storage (`relay.rs`): the baseline `live.json` compares the server to
//! (`--relay-figures`).
//!
//! Writes `target/bench/live.json` or `live-pg.json` (see `scripts/bench-live`).
//!
//! With `--audio`, the meeting audio instead: every participant a WebRTC
//! peer of the server's audio, the floor holder speaking (`audio.rs`,
//! `scripts/bench-audio`, `target/bench/audio.json`).

#![recursion_limit = "256"]

mod args;
mod audio;
mod chair;
mod client;
mod relay;
mod seed;
mod sys;

use args::{Args, parse_args};
use chair::{Chair, ChairReport, Stage};
use client::{MeetingLog, Participant, Sequence, Totals};
use seed::Database;
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use sys::{Server, cpu_secs, loadavg, now_ns, open_files_limit, rss_kib};
use tokio::sync::{Semaphore, mpsc, watch};

/// The instance participant `p` of meeting `m` connects to first: the chair
/// on one, the members spread over the others (the worst case for the fan-out
/// between instances).
fn instance_of(m: usize, p: usize, instances: usize) -> usize {
    let chair = m % instances;
    if p == 0 || instances == 1 {
        chair
    } else {
        (chair + 1 + (p - 1) % (instances - 1)) % instances
    }
}

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

/// Rounded to four decimals; dividing a rounded figure again leaves a float's tail.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Answer times (µs) in ms, sorted.
fn sorted_ms<'a>(us: impl Iterator<Item = &'a u32>) -> Vec<f64> {
    let mut v: Vec<f64> = us.map(|&us| f64::from(us) / 1000.0).collect();
    v.sort_by(f64::total_cmp);
    v
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

/// The servers' summed figures.
/// The writers' own commit times since they started (`GET /api/live/stats`):
/// the worst instance's, by p99. `None` without an administrator's session.
async fn commit_stats(
    servers: &[Option<Server>],
    admin: Option<&String>,
) -> Result<Option<serde_json::Value>, String> {
    let Some(admin) = admin else {
        return Ok(None);
    };
    let mut worst = None::<serde_json::Value>;
    for s in servers.iter().flatten() {
        let text = sys::http_get(&s.base, "/api/live/stats", admin).await?;
        let stats: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("/api/live/stats: {e}"))?;
        let p99 = |v: &serde_json::Value| v["commit_p99_ms"].as_f64().unwrap_or(0.0);
        if worst.as_ref().is_none_or(|c| p99(&stats) > p99(c)) {
            worst = Some(stats);
        }
    }
    Ok(worst)
}

fn servers_cpu(servers: &[Option<Server>]) -> f64 {
    servers
        .iter()
        .flatten()
        .filter_map(|s| cpu_secs(&s.pid))
        .sum()
}

fn servers_rss(servers: &[Option<Server>]) -> Result<u64, String> {
    servers
        .iter()
        .flatten()
        .map(|s| rss_kib(&s.pid).ok_or_else(|| "cannot read a server's VmRSS".to_string()))
        .sum()
}

type ChairHandle = tokio::task::JoinHandle<Result<ChairReport, String>>;
/// A connected participant: the size of its welcome, and the chair's driver.
type Connected = Result<(usize, Option<ChairHandle>), String>;

/// One participant to connect.
struct Job {
    participant: Participant,
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
        mut self,
        permit: tokio::sync::OwnedSemaphorePermit,
        done: mpsc::UnboundedSender<Connected>,
    ) {
        let p = &mut self.participant;
        let url = p.urls[p.instance].clone();
        let (ws, welcome) = match client::connect(&url, &p.token, None).await {
            Ok(c) => c,
            Err(e) => {
                let _ = done.send(Err(e));
                return;
            }
        };
        drop(permit);
        if let Err(e) = p.welcomed(&welcome) {
            let _ = done.send(Err(e));
            return;
        }
        let handle = self.chair.map(|plan| {
            let (commands, commands_rx) = mpsc::unbounded_channel();
            let (answers_tx, answers) = mpsc::unbounded_channel();
            p.commands = Some(commands_rx);
            p.answers = Some(answers_tx);
            tokio::spawn(
                Chair {
                    index: plan.index,
                    meetings: plan.meetings,
                    actions: plan.actions,
                    interval: plan.interval,
                    log: p.log.clone(),
                    commands,
                    answers,
                    stage: plan.stage,
                    opened: plan.opened,
                    acted: plan.acted,
                }
                .run(),
            )
        });
        let _ = done.send(Ok((welcome.len(), handle)));
        self.participant.run(ws).await;
    }
}

/// How an outage went: the time from the kill until every participant was
/// connected again (`None`: not within the limit), and the answers meanwhile.
struct Outage {
    kind: &'static str,
    recovery_s: Option<f64>,
}

/// Kills the last instance (several) or restarts the only one, a third into
/// the outage phase, then waits until every participant is back.
async fn outage(
    servers: &mut [Option<Server>],
    args: &Args,
    db: &Database,
    totals: &Totals,
    n: usize,
    out_dir: &std::path::Path,
) -> Result<Outage, String> {
    tokio::time::sleep(args.outage / 3).await;
    let last = servers.len() - 1;
    let victim = servers[last].take().ok_or("no server to kill")?;
    let addr = victim.addr().to_string();
    let killed = Instant::now();
    drop(victim);
    let kind = if servers.len() > 1 {
        println!("outage: instance {last} ({addr}) killed with SIGKILL");
        "failover"
    } else {
        let log = out_dir.join("live-server-restarted.log");
        servers[last] = Some(Server::start(&args.server_bin, &db.url(), &addr, &log)?);
        println!(
            "outage: the server killed with SIGKILL and started again on {addr} in {:.2} s",
            killed.elapsed().as_secs_f64()
        );
        "restart"
    };
    // Every socket of the killed process sees it close at once; then they come back.
    let limit = killed + Duration::from_secs(120);
    let mut dropped = false;
    let recovery_s = loop {
        let connected = totals.connected.load(Ordering::Relaxed);
        dropped |= connected < n as i64;
        if dropped && connected >= n as i64 {
            break Some(killed.elapsed().as_secs_f64());
        }
        if Instant::now() > limit || !dropped && killed.elapsed() > Duration::from_secs(10) {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    match recovery_s {
        Some(s) => println!("outage: every participant back after {s:.2} s"),
        None => println!(
            "outage: only {} of {n} participants back after {:.0} s",
            totals.connected.load(Ordering::Relaxed),
            killed.elapsed().as_secs_f64()
        ),
    }
    Ok(Outage { kind, recovery_s })
}

async fn run(args: Args) -> Result<(), String> {
    now_ns();
    let n = args.participants;
    let limit = open_files_limit().unwrap_or(0);
    // Each process holds one socket per participant, plus files, the database and a margin.
    let need = n as u64 + 256;
    if limit < need {
        return Err(format!(
            "open files limit {limit} is too low for {n} participants: need {need} (run `ulimit -n {need}` first, as scripts/bench-live does; the hard limit is the ceiling)"
        ));
    }
    let pg = args.postgres.is_some();
    let out = args.out.clone().unwrap_or_else(|| {
        if args.relay {
            "target/bench/live-relay.json".into()
        } else if pg {
            "target/bench/live-pg.json".into()
        } else {
            "target/bench/live.json".into()
        }
    });
    let out_dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| ".".into());
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let db = match &args.postgres {
        Some(server) => Database::Postgres {
            server: server.clone(),
            name: "chibo_bench".into(),
        },
        None => {
            if let Some(dir) = args.db.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            Database::Sqlite(args.db.clone())
        }
    };
    let load_start = loadavg();
    println!(
        "chibo-loadgen: {n} participants in {} meetings, {} instance(s) on {}; load average {load_start}",
        args.meetings,
        args.instances,
        if args.relay {
            "the relay (no storage)"
        } else if pg {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );

    // Seed.
    let t = Instant::now();
    let seeded = if args.relay {
        (0..args.meetings)
            .map(|m| seed::SeededMeeting {
                id: shared::MeetingId(m as i64 + 1),
                tokens: vec![String::new(); seed::share(n, args.meetings, m)],
            })
            .collect()
    } else {
        seed::seed(&db, n, args.meetings).await?
    };
    let seed_secs = t.elapsed().as_secs_f64();
    println!("seeded {n} members, accounts and sessions in {seed_secs:.1} s");
    let meeting_ids: Vec<_> = seeded.iter().map(|s| s.id).collect();
    let admin = if args.relay {
        None
    } else {
        Some(seed::admin_session(&db).await?)
    };

    // The storage alone, in another file: one writer, then as many as the server's pool.
    let probe = if pg || args.relay {
        None
    } else {
        let probe_db = args.db.with_extension("probe.db");
        let probe_1 = seed::storage_probe(&probe_db, 1, 3.0).await?;
        let probe_many = seed::storage_probe(&probe_db, 500, 3.0).await?;
        println!(
            "storage alone (no sockets): {probe_1:.0} commands/s from one meeting, {probe_many:.0}/s from 500"
        );
        Some((probe_1, probe_many))
    };

    // Start the servers (one after the other: each migrates first) and let them settle.
    let mut servers = Vec::with_capacity(args.instances);
    for i in 0..args.instances {
        let log = if args.instances == 1 {
            out_dir.join("live-server.log")
        } else {
            out_dir.join(format!("live-server-{i}.log"))
        };
        servers.push(Some(if args.relay {
            let mut relay = std::process::Command::new(
                std::env::current_exe().map_err(|e| format!("this program's path: {e}"))?,
            );
            relay.arg("--serve-relay");
            Server::spawn(relay, &out_dir.join("live-relay.log"))?
        } else {
            Server::start(&args.server_bin, &db.url(), "127.0.0.1:0", &log)?
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_before = servers_rss(&servers)?;
    let cpu_server_0 = servers_cpu(&servers);
    let cpu_self_0 = cpu_secs("self").unwrap_or(0.0);
    let rss_self_before = rss_kib("self").unwrap_or(0);
    for s in servers.iter().flatten() {
        println!("server {} (pid {})", s.base, s.pid);
    }
    println!("servers resident {rss_before} KiB");
    let mut rss_rooms = rss_before;

    // Connect everyone: the chairs first (one per meeting, so every room is
    // loaded), then the others; the memory is read after each pass.
    let ws_bases: Vec<String> = servers.iter().flatten().map(|s| s.ws_base()).collect();
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
        let urls: Arc<[Arc<str>]> = ws_bases
            .iter()
            .map(|b| Arc::from(format!("{b}/api/meetings/{}/live", meeting.id.0)))
            .collect();
        for (p, token) in meeting.tokens.into_iter().enumerate() {
            let job = Job {
                participant: Participant {
                    urls: urls.clone(),
                    instance: instance_of(m, p, args.instances),
                    token,
                    log: log.clone(),
                    index: p,
                    totals: totals.clone(),
                    seq: Sequence::default(),
                    commands: None,
                    answers: None,
                },
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
            tokio::spawn(job.run(permit, conn_tx.clone()));
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
            rss_rooms = servers_rss(&servers)?;
        }
    }
    drop(conn_tx);
    let connect_secs = t.elapsed().as_secs_f64();
    // Let allocations settle before reading the memory.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = servers_rss(&servers)?;
    let rss_self_after = rss_kib("self").unwrap_or(0);
    let cpu_server_1 = servers_cpu(&servers);
    let cpu_self_1 = cpu_secs("self").unwrap_or(0.0);
    let kib_per_participant = rss_after.saturating_sub(rss_before) as f64 / n as f64;
    let kib_per_room = rss_rooms.saturating_sub(rss_before) as f64 / args.meetings as f64;
    let kib_per_extra = if n > args.meetings {
        rss_after.saturating_sub(rss_rooms) as f64 / (n - args.meetings) as f64
    } else {
        f64::NAN
    };
    println!(
        "{n} connected in {connect_secs:.1} s; servers resident {rss_after} KiB: {kib_per_participant:.2} KiB per participant \
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
    let cpu_server_2 = servers_cpu(&servers);
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
    let cpu_server_3 = servers_cpu(&servers);
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
    // The writers' own commit times over the same window, to set the latency against.
    let commits = commit_stats(&servers, admin.as_ref()).await?;
    if let Some(c) = &commits {
        println!(
            "group commit, latency phase: {} commands in {} transactions, commit p50 {} ms, p99 {} ms",
            c["commands"], c["batches"], c["commit_p50_ms"], c["commit_p99_ms"]
        );
    }
    // Server CPU per action a chair sent, fanned out to its meeting, over the latency phase.
    let actions_sent = (args.meetings * args.actions) as f64;
    let cpu_ms_per_action = (cpu_server_3 - cpu_server_2) * 1000.0 / actions_sent;

    // Durable commands.
    let load_durable = loadavg();
    let cpu_server_4 = servers_cpu(&servers);
    let cpu_self_4 = cpu_secs("self").unwrap_or(0.0);
    let durable_start = Instant::now();
    let _ = stage_tx.send(Stage::Durable {
        until: durable_start + args.durable,
    });
    gather(
        &mut acted_rx,
        args.meetings,
        args.durable + ANSWER_GRACE,
        "durable phase",
    )
    .await?;
    let cpu_server_5 = servers_cpu(&servers);
    let cpu_self_5 = cpu_secs("self").unwrap_or(0.0);
    let rss_end = servers_rss(&servers).unwrap_or(0);
    let commits_all = commit_stats(&servers, admin.as_ref()).await?;
    if let Some(c) = &commits_all {
        println!(
            "group commit, both phases: {} commands in {} transactions, commit p50 {} ms, p99 {} ms",
            c["commands"], c["batches"], c["commit_p50_ms"], c["commit_p99_ms"]
        );
    }

    // The outage.
    let load_outage = loadavg();
    let outage = if args.outage.is_zero() {
        let _ = stage_tx.send(Stage::Done);
        None
    } else {
        let _ = stage_tx.send(Stage::Outage {
            until: Instant::now() + args.outage,
        });
        Some(outage(&mut servers, &args, &db, &totals, n, &out_dir).await?)
    };
    let mut reports = Vec::with_capacity(chairs.len());
    for h in chairs {
        reports.push(h.await.map_err(|e| e.to_string())??);
    }
    // In the meetings' order (the chairs connected in any order).
    reports.sort_by_key(|r| r.index);

    // Every participant should have read up to its chair's last acknowledged event.
    let behind = |logs: &[Arc<MeetingLog>]| -> u64 {
        logs.iter()
            .zip(&reports)
            .map(|(l, r)| {
                l.last_seen
                    .iter()
                    .map(|s| r.last_acked.saturating_sub(s.load(Ordering::Relaxed)))
                    .sum::<u64>()
            })
            .sum()
    };
    let grace = Instant::now() + Duration::from_secs(10);
    while behind(&logs) > 0 && Instant::now() < grace {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let missing_at_end = behind(&logs);
    totals.stopping.store(true, Ordering::Release);

    let durable_secs = args.durable.as_secs_f64();
    let durable_accepted: u64 = reports.iter().map(|r| r.durable_accepted).sum();
    let durable_per_s = durable_accepted as f64 / durable_secs;
    let acks = sorted_ms(reports.iter().flat_map(|r| &r.durable_ack_us));
    let outage_acks = sorted_ms(reports.iter().flat_map(|r| &r.outage_ack_us));
    let accepted_total: u64 = reports.iter().map(|r| r.accepted_total).sum();
    let actions_out_of_order: u64 = reports.iter().map(|r| r.out_of_order).sum();
    let refused: Vec<&String> = reports.iter().flat_map(|r| &r.refused).collect();
    println!(
        "durable: {durable_accepted} commands accepted in {durable_secs:.0} s = {durable_per_s:.0}/s (answer p50 {:.1} ms, p99 {:.1} ms)",
        percentile(&acks, 0.5),
        percentile(&acks, 0.99)
    );
    let lost = totals.lost.load(Ordering::Relaxed) + missing_at_end;
    let out_of_order = totals.out_of_order.load(Ordering::Relaxed) + actions_out_of_order;
    println!(
        "events: {lost} lost ({missing_at_end} not read by the end), {out_of_order} out of order; {} reconnections ({} resumed from a snapshot)",
        totals.reconnects.load(Ordering::Relaxed),
        totals.resumed_by_snapshot.load(Ordering::Relaxed)
    );

    // Kill the servers outright, then check what they stored.
    let disconnects = totals.disconnects.load(Ordering::Relaxed);
    drop(servers);
    let stored = if args.relay {
        // Nothing stored: every acknowledged number counts as there.
        reports
            .iter()
            .map(|r| seed::Stored {
                count: r.accepted_total,
                last: r.last_acked,
                gapless: true,
            })
            .collect()
    } else {
        seed::stored_events(&db, &meeting_ids).await?
    };
    let stored_total: u64 = stored.iter().map(|s| s.count).sum();
    let gapless = stored.iter().all(|s| s.gapless);
    let acked_lost: u64 = reports
        .iter()
        .zip(&stored)
        .map(|(r, s)| r.acked.iter().filter(|&&seq| seq > s.last).count() as u64)
        .sum();
    let durable_verified = acked_lost == 0 && gapless;
    println!(
        "after SIGKILL: {stored_total} events stored for {accepted_total} accepted commands: {acked_lost} acknowledged lost{}",
        if gapless { "" } else { "; SOME LOGS HAVE GAPS" }
    );

    let recovery = outage.as_ref().and_then(|o| o.recovery_s).map(round2);
    let mut goals = vec![
        ("p99 < 50 ms", p99 < 50.0 && incomplete == 0),
        ("no command refused", refused.is_empty()),
        (
            "no event lost or out of order",
            lost == 0 && out_of_order == 0,
        ),
        ("no acknowledged command lost", durable_verified),
    ];
    if pg {
        goals.push((">= 3000 durable commands/s", durable_per_s >= 3000.0));
    } else {
        goals.push(("<= 16 KiB per participant", kib_per_participant <= 16.0));
        goals.push((">= 5000 durable commands/s", durable_per_s >= 5000.0));
    }
    if outage.is_some() {
        goals.push((
            "every participant back after the outage",
            recovery.is_some(),
        ));
    }
    if args.relay {
        // A baseline, not a product: it drops what a slow socket cannot take.
        println!("the relay is a baseline: no goal applies to it");
        goals.clear();
    }
    let mut report = json!({
        "instances": args.instances,
        "participants": n,
        "meetings": args.meetings,
        "p50_ms": round2(p50),
        "p95_ms": round2(p95),
        "p99_ms": round2(p99),
        "refused": refused.len(),
        "lost": lost,
        "out_of_order": out_of_order,
        "durable_commands_per_s": durable_per_s.round(),
        "cpu_ms_per_action": round4(cpu_ms_per_action),
        "kib_per_participant": round2(kib_per_participant),
        "max_ms": round2(max),
        "actions": latencies.len(),
        "actions_incomplete": incomplete,
        "actions_out_of_order": actions_out_of_order,
        "events_not_read_by_the_end": missing_at_end,
        "deferred_and_resent": totals.deferred.load(Ordering::Relaxed),
        "snapshots_sent_to_laggards": totals.snapshots.load(Ordering::Relaxed),
        "disconnects_before_end": disconnects,
        "reconnections": totals.reconnects.load(Ordering::Relaxed),
        "resumed_by_snapshot": totals.resumed_by_snapshot.load(Ordering::Relaxed),
        "latency_seconds": round2(latency_secs),
        "durable_seconds": durable_secs,
        "durable_accepted": durable_accepted,
        "durable_answer_p50_ms": round2(percentile(&acks, 0.5)),
        "durable_answer_p99_ms": round2(percentile(&acks, 0.99)),
        "accepted_total": accepted_total,
        "events_stored_after_sigkill": stored_total,
        "stored_logs_gapless": gapless,
        "acknowledged_lost": acked_lost,
        "durable_verified": durable_verified,
        "rss_before_kib": rss_before,
        "rss_after_kib": rss_after,
        "rss_end_kib": rss_end,
        "rss_rooms_kib": rss_rooms,
        "kib_per_meeting_with_chair": round2(kib_per_room),
        "kib_per_further_participant": round2(kib_per_extra),
        "welcome_bytes": welcome_bytes,
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
            "outage": load_outage,
            "end": loadavg(),
        },
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
    });
    if args.relay {
        report["relay"] = json!(true);
    }
    if let Some(c) = &commits {
        report["commit_p99_ms"] = c["commit_p99_ms"].clone();
        report["commit_p50_ms"] = c["commit_p50_ms"].clone();
    }
    if let Some(c) = &commits_all {
        report["commit_p99_with_durable_ms"] = c["commit_p99_ms"].clone();
        report["commit_batches"] = c["batches"].clone();
        report["commit_commands"] = c["commands"].clone();
    }
    if let Some(path) = &args.relay_figures {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let relay: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for (from, to) in [
            ("p99_ms", "relay_p99_ms"),
            ("kib_per_participant", "relay_kib_per_participant"),
            ("cpu_ms_per_action", "relay_cpu_ms_per_action"),
            ("durable_commands_per_s", "relay_commands_per_s"),
            ("load_average", "relay_load_average"),
        ] {
            report[to] = relay[from].clone();
        }
        // What the server adds beyond the disk: at most 1 ms at p99.
        if let (Some(relay_p99), Some(commit_p99)) = (
            relay["p99_ms"].as_f64(),
            commits.as_ref().and_then(|c| c["commit_p99_ms"].as_f64()),
        ) {
            report["added_p99_ms"] = json!(round2(p99 - relay_p99 - commit_p99));
        }
    }
    if let Some((one, many)) = probe {
        report["storage_only_commands_per_s"] =
            json!({ "1_meeting": one.round(), "500_meetings": many.round() });
    }
    if let Some(o) = &outage {
        let (lost_key, recovery_key) = match o.kind {
            "failover" => ("failover_lost", "failover_recovery_s"),
            _ => ("restart_lost", "restart_recovery_s"),
        };
        report[lost_key] = json!(acked_lost);
        report[recovery_key] = json!(recovery);
        report["outage"] = json!({
            "kind": o.kind,
            "seconds": args.outage.as_secs_f64(),
            "accepted": reports.iter().map(|r| r.outage_accepted).sum::<u64>(),
            "answer_p50_ms": round2(percentile(&outage_acks, 0.5)),
            "answer_p99_ms": round2(percentile(&outage_acks, 0.99)),
        });
    }
    write_figures(report, &goals, &out)?;
    if let Some(r) = refused.first() {
        println!("first refusal: {r}");
    }
    Ok(())
}

/// Writes the figures with which goals were met, and says so.
fn write_figures(
    mut report: serde_json::Value,
    goals: &[(&str, bool)],
    out: &std::path::Path,
) -> Result<(), String> {
    report["goals_met"] = goals
        .iter()
        .map(|(g, ok)| (g.to_string(), json!(ok)))
        .collect::<serde_json::Map<_, _>>()
        .into();
    let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    std::fs::write(out, text + "\n").map_err(|e| format!("{}: {e}", out.display()))?;
    println!("figures in {}", out.display());
    for (goal, ok) in goals {
        println!("  {} {goal}", if *ok { "met   " } else { "MISSED" });
    }
    Ok(())
}

/// Beyond a phase's end, how long its last answers may take.
const ANSWER_GRACE: Duration = Duration::from_secs(70);

fn main() -> std::process::ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--serve-relay") {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build();
        return match runtime
            .map_err(|e| e.to_string())
            .and_then(|r| r.block_on(relay::serve()))
        {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("chibo-loadgen --serve-relay: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let audio = args.audio.then(|| audio::Plan {
        meetings: args.meetings,
        participants: args.participants,
        server_bin: args.server_bin.clone(),
        db: args.db.clone(),
        out: args
            .out
            .clone()
            .unwrap_or_else(|| "target/bench/audio.json".into()),
        window: args.window,
        chair_talks: args.chair_talks,
        connect_concurrency: args.connect_concurrency,
        measured: args.measured,
    });
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
    let result = match audio {
        Some(plan) => runtime.block_on(audio::run(plan)),
        None => runtime.block_on(run(args)),
    };
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
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&v[..1], 0.99), 1.0);
        assert!(percentile(&[], 0.5).is_nan());
    }

    #[test]
    fn a_chair_on_one_instance_its_members_on_the_others() {
        for m in 0..6 {
            let chair = instance_of(m, 0, 3);
            let members: Vec<usize> = (1..7).map(|p| instance_of(m, p, 3)).collect();
            assert!(members.iter().all(|&i| i != chair && i < 3), "{members:?}");
            assert!(members.contains(&((chair + 1) % 3)) && members.contains(&((chair + 2) % 3)));
        }
        assert_eq!(instance_of(4, 3, 1), 0);
    }
}
