//! The live meetings' logs: events appended by the group commit, read back in
//! order, and the signals that tell other instances about them and about
//! accounts and meetings that changed.

use super::sql::{Backend, BindParam, ConnectionExecutor, PoolExecutor, PushParam, ReadColumn};
use super::{Append, Appended, LiveSignal, NewEvent, Result, StorageError, StoredEvent, ballots};
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
    if let Some(results) = append_all_new::<DB>(connection, batch).await? {
        return Ok(results);
    }
    append_judged::<DB>(connection, batch).await
}

/// The usual batch, where every command is new and every sequence number
/// free, in two calls to a database that runs several statements in one
/// (SQLite: each call is a hand-off to its thread, and a wake-up back). The
/// first opens the transaction and inserts every event unless its command is
/// in the log already; if a row did not go in (a retry, a number taken), it
/// is rolled back and the batch judged command by command. The second
/// updates the statuses, counts the ballots and commits. `None`: not taken.
async fn append_all_new<DB: Backend>(
    connection: &mut DB::Connection,
    batch: &[Append],
) -> Result<Option<Vec<Appended>>> {
    let Some(changes) = DB::CHANGES_OF_PREVIOUS else {
        return Ok(None);
    };
    let rows: Vec<(&Append, &NewEvent)> = batch
        .iter()
        .flat_map(|a| a.events.iter().map(move |e| (a, e)))
        .collect();
    // Other instances must hear of the events (`notify`), and a command
    // with no event has nothing to guard its key with: the long way.
    if DB::SHARED
        || rows.is_empty()
        || rows.len() > ROWS_PER_INSERT
        || batch.iter().any(|a| a.events.is_empty())
    {
        return Ok(None);
    }
    let mut q = QueryBuilder::<DB>::new(DB::BEGIN_WRITE);
    q.push(
        "; INSERT INTO meeting_events (meeting_id, seq, command_key, account_id, payload, hash, recorded_at)
         SELECT * FROM (",
    );
    push_event_rows(&mut q, &rows);
    // The whole selection is read before the first row goes in (it reads the
    // table it fills), so a command's second event is not taken for a retry.
    q.push(
        ") AS fresh WHERE NOT EXISTS (SELECT 1 FROM meeting_events e
           WHERE e.meeting_id = fresh.column1 AND e.account_id = fresh.column4
             AND e.command_key = fresh.column3)
         ON CONFLICT DO NOTHING; ",
    );
    q.push(changes);
    let inserted = match q
        .build()
        .persistent(false)
        .fetch_all(connection.executor())
        .await
    {
        Ok(r) => match r.first().map(|r| r.read::<i64>("changed")) {
            Some(Ok(n)) => n,
            Some(Err(e)) => return Err(rolled_back::<DB>(connection, e.into()).await),
            None => {
                let missing = StorageError::Corrupt("no count of the events stored".into());
                return Err(rolled_back::<DB>(connection, missing).await);
            }
        },
        Err(e) => return Err(rolled_back::<DB>(connection, e.into()).await),
    };
    if usize::try_from(inserted).ok() != Some(rows.len()) {
        sqlx::query("ROLLBACK")
            .execute(connection.executor())
            .await?;
        return Ok(None);
    }

    let mut q = QueryBuilder::<DB>::new("");
    for a in batch {
        if let Some(status) = a.status {
            q.push("UPDATE meetings SET status = ");
            q.separated("").param(status.as_str());
            q.push(" WHERE id = ");
            q.separated("").param(a.meeting.0);
            q.push("; ");
        }
    }
    let sealed = batch
        .iter()
        .filter_map(|a| a.sealed_ballot.map(|b| (a.meeting, b)));
    if ballots::push_add(&mut q, sealed)? {
        q.push("; ");
    }
    q.push("COMMIT");
    if let Err(e) = q
        .build()
        .persistent(false)
        .execute(connection.executor())
        .await
    {
        return Err(rolled_back::<DB>(connection, e.into()).await);
    }
    Ok(Some(vec![Appended::Stored; batch.len()]))
}

/// `error`, after the transaction opened by hand is rolled back; if even that
/// fails, the caller closes the connection (`SqlStore::append_batch`).
async fn rolled_back<DB: Backend>(
    connection: &mut DB::Connection,
    error: StorageError,
) -> StorageError {
    if let Err(e) = sqlx::query("ROLLBACK").execute(connection.executor()).await {
        tracing::warn!(error = %e, "rollback after a failed batch");
    }
    error
}

/// The events' rows as `VALUES (…), (…)`, in the table's column order.
fn push_event_rows<DB: Backend>(q: &mut QueryBuilder<DB>, rows: &[(&Append, &NewEvent)]) {
    q.push_values(rows, |mut row, (a, e)| {
        row.param(a.meeting.0)
            .param(db_seq(e.seq))
            .param(a.command_key.as_str())
            .param(a.account.0)
            .param(e.payload.as_str())
            .param(e.hash.as_str())
            .param(a.at);
    });
}

/// Every command judged on its own, one statement after the other: the
/// retries and the numbers another instance took found by reading.
async fn append_judged<DB: Backend>(
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
        push_event_rows(&mut q, chunk);
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

/// The two-call path against a real SQLite database in memory: taken for new
/// commands, left (and rolled back) for a retry or a number taken.
#[cfg(test)]
mod all_new {
    use super::*;
    use crate::storage::SealedBallot;
    use shared::live::state::Choice;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
    use sqlx::{Connection, Sqlite};
    use std::str::FromStr;

    async fn database() -> SqliteConnection {
        // Only the log and the ballot box are used: no meetings or accounts to refer to.
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .unwrap()
            .foreign_keys(false);
        let mut c = SqliteConnection::connect_with(&options).await.unwrap();
        sqlx::migrate!("./migrations/sqlite")
            .run(&mut c)
            .await
            .unwrap();
        c
    }

    fn command(key: &str, account: i64, seqs: &[u64]) -> Append {
        Append {
            meeting: MeetingId(4),
            command_key: key.into(),
            account: AccountId(account),
            at: chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
                .unwrap()
                .and_hms_opt(19, 30, 0)
                .unwrap(),
            events: seqs
                .iter()
                .map(|&seq| NewEvent {
                    seq,
                    payload: format!(r#"{{"type":"opinion","text":"Ý kiến {seq}: đồng ý"}}"#),
                    hash: format!("{seq:064x}"),
                })
                .collect(),
            status: None,
            sealed_ballot: None,
        }
    }

    async fn stored(c: &mut SqliteConnection) -> Vec<(i64, String)> {
        sqlx::query_as("SELECT seq, command_key FROM meeting_events ORDER BY seq")
            .fetch_all(&mut *c)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn new_commands_go_in_two_calls_and_the_rest_the_long_way() {
        let mut c = database().await;
        let mut ballot = command("vote", 8, &[3]);
        ballot.sealed_ballot = Some(SealedBallot {
            vote: 1,
            choice: Choice::Against,
        });
        // Two events of one command: the second is not taken for a retry.
        let first = [command("open", 7, &[1, 2]), ballot];
        assert_eq!(
            append_all_new::<Sqlite>(&mut c, &first).await.unwrap(),
            Some(vec![Appended::Stored; 2])
        );
        let expected = vec![(1, "open".into()), (2, "open".into()), (3, "vote".into())];
        assert_eq!(stored(&mut c).await, expected);
        let against: i64 = sqlx::query_scalar("SELECT against FROM ballot_box WHERE vote = 1")
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(against, 1);

        // A retry next to a new command; then a number already taken.
        let retry = [command("fresh", 8, &[4]), command("open", 7, &[5])];
        let taken = [command("late", 9, &[3])];
        for batch in [&retry[..], &taken[..]] {
            assert_eq!(append_all_new::<Sqlite>(&mut c, batch).await.unwrap(), None);
            assert_eq!(stored(&mut c).await, expected, "rolled back");
        }
        // No transaction left open: the long way judges them.
        assert_eq!(
            append_batch::<Sqlite>(&mut c, &retry).await.unwrap(),
            vec![Appended::Stored, Appended::AlreadyApplied(2)]
        );
        assert_eq!(
            append_batch::<Sqlite>(&mut c, &taken).await.unwrap(),
            vec![Appended::Conflict]
        );
        assert_eq!(stored(&mut c).await.len(), 4);
    }
}
