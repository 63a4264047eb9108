//! The live meetings' logs: events appended by the group commit, read back in
//! order, and the signals that tell other instances about them and about
//! accounts and meetings that changed.

use super::sql::{Backend, BindParam, ConnectionExecutor, PoolExecutor, PushParam, ReadColumn};
use super::{Append, Appended, LiveSignal, NewEvent, Result, StoredEvent, ballots};
use shared::{AccountId, MeetingId};
use sqlx::{Pool, QueryBuilder};
use std::collections::{HashMap, HashSet};

/// Keys looked up in one query.
const KEYS_PER_QUERY: usize = 500;
/// Events inserted in one statement.
const ROWS_PER_INSERT: usize = 1000;

fn db_seq(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// Stores several commands' events in one transaction of a few statements,
/// not a few per command: the whole point of the group commit. Each command
/// is judged on its own: one already applied, or beaten to its sequence
/// numbers by another instance, does not hold back the others.
pub async fn append_batch<DB: Backend>(
    connection: &mut DB::Connection,
    batch: &[Append],
) -> Result<Vec<Appended>> {
    let mut tx = sqlx::Connection::begin_with(connection, DB::BEGIN_WRITE).await?;
    let mut results = vec![Appended::Stored; batch.len()];

    // Commands already applied (a retry): their account's key is in the log.
    for (c, chunk) in batch.chunks(KEYS_PER_QUERY).enumerate() {
        let mut q = QueryBuilder::<DB>::new(
            "SELECT meeting_id, account_id, command_key, MAX(seq) AS seq FROM meeting_events
             WHERE (meeting_id, account_id, command_key) IN (",
        );
        q.push_values(chunk, |mut row, a| {
            row.param(a.meeting.0)
                .param(a.account.0)
                .param(a.command_key.as_str());
        });
        q.push(") GROUP BY meeting_id, account_id, command_key");
        let rows = q.build().persistent(false).fetch_all(tx.executor()).await?;
        let mut done = HashMap::with_capacity(rows.len());
        for r in &rows {
            let key: String = r.read("command_key")?;
            let command = (
                r.read::<i64>("meeting_id")?,
                r.read::<i64>("account_id")?,
                key,
            );
            done.insert(command, r.read::<i64>("seq")?);
        }
        if done.is_empty() {
            continue;
        }
        let offset = c * KEYS_PER_QUERY;
        for (i, a) in chunk.iter().enumerate() {
            let command = (a.meeting.0, a.account.0, a.command_key.clone());
            if let Some(&seq) = done.get(&command) {
                results[offset + i] = Appended::AlreadyApplied(u64::try_from(seq).unwrap_or(0));
            }
        }
    }

    // Every new event in a few multi-row inserts; a sequence number another
    // instance took is skipped, and reported below.
    let rows: Vec<(&Append, &NewEvent)> = batch
        .iter()
        .zip(&results)
        .filter(|(_, r)| **r == Appended::Stored)
        .flat_map(|(a, _)| a.events.iter().map(move |e| (a, e)))
        .collect();
    let mut inserted = HashSet::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut q = QueryBuilder::<DB>::new(
            "INSERT INTO meeting_events (meeting_id, seq, command_key, account_id, payload, hash, recorded_at) ",
        );
        q.push_values(chunk, |mut row, (a, e)| {
            row.param(a.meeting.0)
                .param(db_seq(e.seq))
                .param(a.command_key.as_str())
                .param(a.account.0)
                .param(e.payload.as_str())
                .param(e.hash.as_str())
                .param(a.at);
        });
        q.push(" ON CONFLICT DO NOTHING RETURNING meeting_id, seq");
        for r in q.build().persistent(false).fetch_all(tx.executor()).await? {
            inserted.insert((r.read::<i64>("meeting_id")?, r.read::<i64>("seq")?));
        }
    }

    let mut announced = Vec::new();
    let mut sealed = Vec::new();
    for (a, result) in batch.iter().zip(results.iter_mut()) {
        if *result != Appended::Stored {
            continue;
        }
        let mine: Vec<bool> = a
            .events
            .iter()
            .map(|e| inserted.contains(&(a.meeting.0, db_seq(e.seq))))
            .collect();
        if mine.iter().all(|&m| m) {
            if let Some(status) = a.status {
                sqlx::query("UPDATE meetings SET status = $2 WHERE id = $1")
                    .param(a.meeting.0)
                    .param(status.as_str())
                    .execute(tx.executor())
                    .await?;
            }
            // A ballot goes with the event saying its voter voted.
            if let Some(ballot) = a.sealed_ballot
                && !a.events.is_empty()
            {
                sealed.push((a.meeting, ballot));
            }
            if DB::SHARED {
                announce(&mut announced, a);
            }
            continue;
        }
        // Beaten to (some of) its numbers: none of its events may stay.
        *result = Appended::Conflict;
        for (e, _) in a.events.iter().zip(&mine).filter(|(_, m)| **m) {
            sqlx::query("DELETE FROM meeting_events WHERE meeting_id = $1 AND seq = $2")
                .param(a.meeting.0)
                .param(db_seq(e.seq))
                .execute(tx.executor())
                .await?;
        }
    }
    ballots::add(tx.executor(), sealed).await?;
    // Sent inside the transaction: delivered only if the events commit.
    DB::notify(tx.executor(), announced).await?;
    tx.commit().await?;
    Ok(results)
}

/// Events after `after_seq`, in order, at most `limit`.
pub async fn since<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    after_seq: u64,
    limit: i64,
) -> Result<Vec<StoredEvent>> {
    let rows = sqlx::query(
        "SELECT seq, command_key, account_id, payload, hash, recorded_at FROM meeting_events
         WHERE meeting_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .param(meeting.0)
    .param(db_seq(after_seq))
    .param(limit)
    .fetch_all(pool.executor())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StoredEvent {
                seq: u64::try_from(r.read::<i64>("seq")?).unwrap_or(0),
                command_key: r.read("command_key")?,
                account_id: AccountId(r.read("account_id")?),
                payload: r.read("payload")?,
                hash: r.read("hash")?,
                recorded_at: r.read("recorded_at")?,
            })
        })
        .collect()
}

/// The last sequence number a command of `account` produced, if it was
/// applied already.
pub async fn command_seq<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    account: AccountId,
    command_key: &str,
) -> Result<Option<u64>> {
    let row = sqlx::query(
        "SELECT MAX(seq) AS seq FROM meeting_events
         WHERE meeting_id = $1 AND account_id = $2 AND command_key = $3",
    )
    .param(meeting.0)
    .param(account.0)
    .param(command_key)
    .fetch_one(pool.executor())
    .await?;
    Ok(row
        .read::<Option<i64>>("seq")?
        .and_then(|s| u64::try_from(s).ok()))
}

/// The key every instance shares for relaying audio offers: `candidate`
/// if none was stored yet, else the one stored.
pub async fn cluster_key<DB: Backend>(pool: &Pool<DB>, candidate: &str) -> Result<String> {
    sqlx::query(
        "INSERT INTO live_cluster_key (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
    )
    .param(candidate)
    .execute(pool.executor())
    .await?;
    let row = sqlx::query("SELECT secret FROM live_cluster_key WHERE id = 1")
        .fetch_one(pool.executor())
        .await?;
    Ok(row.read("secret")?)
}

/// The instance that runs a meeting's audio; `me` claims it if none does.
pub async fn media_host<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    me: &str,
) -> Result<String> {
    sqlx::query(
        "INSERT INTO live_media_hosts (meeting_id, host) VALUES ($1, $2)
         ON CONFLICT (meeting_id) DO NOTHING",
    )
    .param(meeting.0)
    .param(me)
    .execute(pool.executor())
    .await?;
    read_media_host(pool, meeting).await
}

/// Moves a meeting's audio from `from` (unreachable) to `to`, unless another
/// instance moved it first; the host it has then.
pub async fn move_media_host<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    from: &str,
    to: &str,
) -> Result<String> {
    sqlx::query("UPDATE live_media_hosts SET host = $1 WHERE meeting_id = $2 AND host = $3")
        .param(to)
        .param(meeting.0)
        .param(from)
        .execute(pool.executor())
        .await?;
    read_media_host(pool, meeting).await
}

async fn read_media_host<DB: Backend>(pool: &Pool<DB>, meeting: MeetingId) -> Result<String> {
    let row = sqlx::query("SELECT host FROM live_media_hosts WHERE meeting_id = $1")
        .param(meeting.0)
        .fetch_one(pool.executor())
        .await?;
    Ok(row.read("host")?)
}

/// Tells the other instances (nothing to do on SQLite).
pub async fn publish<DB: Backend>(pool: &Pool<DB>, signal: LiveSignal) -> Result<()> {
    match payload(&signal) {
        Some(p) => DB::notify(pool.executor(), vec![p]).await,
        None => Ok(()),
    }
}

/// The largest notification PostgreSQL carries is 8,000 bytes less one;
/// a little is left for the header.
const MAX_PAYLOAD_BYTES: usize = 7_900;

/// What tells the other instances about an append: each event whole when
/// all of them fit a notification (they apply it with no query), else the
/// last sequence number (they read the events back).
fn announce(out: &mut Vec<String>, append: &Append) {
    let Some(last) = append.events.last() else {
        return;
    };
    let carried: Option<Vec<String>> = append
        .events
        .iter()
        .map(|event| {
            payload(&LiveSignal::Carried {
                meeting: append.meeting,
                event: event.clone(),
            })
        })
        .collect();
    match carried {
        Some(whole) => out.extend(whole),
        None => out.extend(payload(&LiveSignal::Appended {
            meeting: append.meeting,
            seq: last.seq,
        })),
    }
}

/// A signal as sent between instances. "meeting:seq" for stored events,
/// "e:meeting:seq:hash:json" for one stored event carried whole,
/// "a:account" for an account, "m:meeting" for a registration; `None` for
/// what cannot or need not be sent.
pub fn payload(signal: &LiveSignal) -> Option<String> {
    match signal {
        LiveSignal::Appended { meeting, seq } => Some(format!("{}:{seq}", meeting.0)),
        LiveSignal::Carried { meeting, event } => {
            let p = format!(
                "e:{}:{}:{}:{}",
                meeting.0, event.seq, event.hash, event.payload
            );
            (p.len() <= MAX_PAYLOAD_BYTES).then_some(p)
        }
        LiveSignal::AccountChanged { account } => Some(format!("a:{}", account.0)),
        LiveSignal::MeetingChanged { meeting } => Some(format!("m:{}", meeting.0)),
        LiveSignal::Resync => None,
    }
}

/// The signal a payload stands for; `None` for one this version does not know.
pub fn parse_payload(payload: &str) -> Option<LiveSignal> {
    let (head, tail) = payload.split_once(':')?;
    Some(match head {
        "a" => LiveSignal::AccountChanged {
            account: AccountId(tail.parse().ok()?),
        },
        "m" => LiveSignal::MeetingChanged {
            meeting: MeetingId(tail.parse().ok()?),
        },
        "e" => {
            let mut parts = tail.splitn(4, ':');
            let meeting = MeetingId(parts.next()?.parse().ok()?);
            let seq = parts.next()?.parse().ok()?;
            let hash = parts.next()?.to_string();
            let payload = parts.next()?.to_string();
            LiveSignal::Carried {
                meeting,
                event: NewEvent { seq, payload, hash },
            }
        }
        meeting => LiveSignal::Appended {
            meeting: MeetingId(meeting.parse().ok()?),
            seq: tail.parse().ok()?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip() {
        let signals = [
            LiveSignal::Appended {
                meeting: MeetingId(12),
                seq: 40,
            },
            LiveSignal::AccountChanged {
                account: AccountId(7),
            },
            LiveSignal::MeetingChanged {
                meeting: MeetingId(9),
            },
            LiveSignal::Carried {
                meeting: MeetingId(3),
                event: NewEvent {
                    seq: 5,
                    payload: r#"{"type":"opinion","text":"Ý kiến: đồng ý, 10:30"}"#.into(),
                    hash: "ab".repeat(32),
                },
            },
        ];
        for s in signals {
            let p = payload(&s).unwrap();
            assert_eq!(parse_payload(&p), Some(s), "{p}");
        }
        assert_eq!(payload(&LiveSignal::Resync), None);
        assert_eq!(parse_payload("12"), None);
        assert_eq!(parse_payload("x:1"), None);
        assert_eq!(parse_payload("a:"), None);
        assert_eq!(parse_payload("m:x"), None);
        assert_eq!(parse_payload("e:3:5:ab"), None);
    }

    fn append(payloads: &[&str]) -> Append {
        Append {
            meeting: MeetingId(4),
            command_key: "k".into(),
            account: AccountId(1),
            at: chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .unwrap()
                .and_hms_opt(19, 30, 0)
                .unwrap(),
            events: payloads
                .iter()
                .enumerate()
                .map(|(i, p)| NewEvent {
                    seq: 10 + i as u64,
                    payload: (*p).to_string(),
                    hash: "0f".repeat(32),
                })
                .collect(),
            status: None,
            sealed_ballot: None,
        }
    }

    #[test]
    fn an_append_is_carried_whole_when_every_event_fits() {
        let mut out = Vec::new();
        announce(&mut out, &append(&["{\"a\":1}", "{\"b\":2}"]));
        let signals: Vec<_> = out.iter().map(|p| parse_payload(p).unwrap()).collect();
        assert_eq!(signals.len(), 2);
        assert!(
            matches!(&signals[1], LiveSignal::Carried { event, .. } if event.seq == 11 && event.payload == "{\"b\":2}")
        );
    }

    #[test]
    fn an_append_too_large_to_carry_is_announced_by_its_last_number() {
        let long = format!("{{\"text\":\"{}\"}}", "ệ".repeat(MAX_PAYLOAD_BYTES / 3));
        let mut out = Vec::new();
        announce(&mut out, &append(&["{}", &long]));
        assert_eq!(
            out.iter()
                .map(|p| parse_payload(p).unwrap())
                .collect::<Vec<_>>(),
            vec![LiveSignal::Appended {
                meeting: MeetingId(4),
                seq: 11
            }]
        );
        assert!(out.iter().all(|p| p.len() < 8_000));
        announce(&mut out, &append(&[]));
        assert_eq!(out.len(), 1);
    }
}
