//! The storage layer on its own, on SQLite and on PostgreSQL: what the live
//! meeting relies on and no HTTP answer shows (idempotency keys, the ballot
//! box, signals between instances). A second, raw connection to the same
//! database reads what was really written.

use crate::common;

use chrono::{NaiveDate, NaiveDateTime};
use common::{Backend, postgres_url};
use server::storage::{
    Append, Appended, LiveSignal, NewAccountRow, NewEvent, PgStore, SealedBallot, SqliteStore,
    Storage, Store,
};
use shared::live::state::Choice;
use shared::meeting::{MeetingDraft, MeetingKind, MeetingMode, standard_agenda};
use shared::org::OrgKind;
use shared::rules::vote::VoteTally;
use shared::{AccountId, MeetingId};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::SqlitePool;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// A fresh database with one cell, one meeting in it and two accounts.
struct Db {
    store: Store,
    raw: Raw,
    meeting: MeetingId,
    alice: AccountId,
    bob: AccountId,
    dir: std::path::PathBuf,
    schema: Option<String>,
}

/// The same database, reached without the `Storage` trait.
enum Raw {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

fn at() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 5)
        .unwrap()
        .and_hms_opt(14, 0, 0)
        .unwrap()
}

async fn pg_raw(schema: &str) -> PgPool {
    let options = PgConnectOptions::from_str(&postgres_url())
        .unwrap()
        .options([("search_path", schema)]);
    PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .expect("raw postgres")
}

impl Db {
    async fn open(backend: Backend) -> Db {
        let dir = std::env::temp_dir().join(unique("chibo_storage"));
        std::fs::create_dir_all(&dir).unwrap();
        let (store, raw, schema): (Store, Raw, _) = match backend {
            Backend::Sqlite => {
                let url = format!("sqlite:{}", dir.join("chibo.db").display());
                let store = SqliteStore::connect(&url).await.expect("sqlite");
                let raw = SqlitePool::connect(&url).await.expect("raw sqlite");
                (Arc::new(store), Raw::Sqlite(raw), None)
            }
            Backend::Postgres => {
                let schema = unique("s");
                let store = PgStore::connect(&postgres_url(), Some(&schema))
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL is required at {} ({e})", postgres_url())
                    });
                let raw = pg_raw(&schema).await;
                (Arc::new(store), Raw::Postgres(raw), Some(schema))
            }
        };
        let root = store
            .create_organization(None, OrgKind::PartyCommittee, "Đảng bộ thử")
            .await
            .unwrap();
        let cell = store
            .create_organization(Some(root.id), OrgKind::Cell, "Chi bộ thử")
            .await
            .unwrap();
        let meeting = store
            .create_meeting(
                cell.id,
                &MeetingDraft {
                    kind: MeetingKind::Regular,
                    title: "Sinh hoạt thường kỳ".into(),
                    starts_at: at(),
                    mode: MeetingMode::Online,
                    place: String::new(),
                    video_link: "https://hop.example.vn/thu".into(),
                    chair_id: None,
                    secretary_id: None,
                    agenda: standard_agenda(MeetingKind::Regular),
                },
                at(),
            )
            .await
            .unwrap()
            .id;
        let account = |name: &str| NewAccountRow {
            username: name.into(),
            display_name: name.into(),
            password_hash: "x".into(),
            member_id: None,
            is_admin: false,
        };
        let alice = store.create_account(account("alice")).await.unwrap().id;
        let bob = store.create_account(account("bob")).await.unwrap().id;
        Db {
            store,
            raw,
            meeting,
            alice,
            bob,
            dir,
            schema,
        }
    }

    async fn close(self) {
        match self.raw {
            Raw::Sqlite(p) => p.close().await,
            Raw::Postgres(p) => p.close().await,
        }
        if let Some(schema) = &self.schema {
            let _ = PgStore::drop_schema(&postgres_url(), schema).await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One command of `account` with key `key`, storing one event numbered `seq`.
fn append(meeting: MeetingId, account: AccountId, key: &str, seq: u64) -> Append {
    Append {
        meeting,
        command_key: key.into(),
        account,
        at: at(),
        events: vec![NewEvent {
            seq,
            payload: format!(r#"{{"n":{seq}}}"#),
            hash: format!("{seq:064x}"),
        }],
        status: None,
        sealed_ballot: None,
    }
}

/// The same, casting a secret ballot in vote `vote`.
fn ballot(
    meeting: MeetingId,
    account: AccountId,
    key: &str,
    seq: u64,
    vote: u64,
    choice: Choice,
) -> Append {
    Append {
        sealed_ballot: Some(SealedBallot { vote, choice }),
        ..append(meeting, account, key, seq)
    }
}

fn tally(in_favour: u32, against: u32, abstain: u32) -> VoteTally {
    VoteTally {
        in_favour,
        against,
        abstain,
    }
}

/// Item 5: a key names a command of one account. Another participant using
/// the same key in the same meeting has a command of its own, stored, not
/// mistaken for a retry; the same account repeating the key is a retry.
async fn idempotency_keys_belong_to_an_account(backend: Backend) {
    let db = Db::open(backend).await;
    let (m, alice, bob) = (db.meeting, db.alice, db.bob);
    let s = &db.store;
    assert_eq!(
        s.append_batch(&[append(m, alice, "k-1", 1)]).await.unwrap(),
        vec![Appended::Stored]
    );
    // Across batches, and within one.
    assert_eq!(
        s.append_batch(&[append(m, bob, "k-1", 2)]).await.unwrap(),
        vec![Appended::Stored],
        "another account's command with the same key"
    );
    assert_eq!(
        s.append_batch(&[append(m, alice, "k-2", 3), append(m, bob, "k-2", 4)])
            .await
            .unwrap(),
        vec![Appended::Stored, Appended::Stored]
    );
    assert_eq!(
        s.append_batch(&[append(m, alice, "k-1", 5), append(m, bob, "k-2", 5)])
            .await
            .unwrap(),
        vec![Appended::AlreadyApplied(1), Appended::AlreadyApplied(4)],
        "each account's retry"
    );
    let stored = s.events_since(m, 0, 100).await.unwrap();
    assert_eq!(
        stored
            .iter()
            .map(|e| (e.seq, e.account_id, e.command_key.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (1, alice, "k-1"),
            (2, bob, "k-1"),
            (3, alice, "k-2"),
            (4, bob, "k-2")
        ]
    );
    assert_eq!(s.command_seq(m, alice, "k-1").await.unwrap(), Some(1));
    assert_eq!(s.command_seq(m, bob, "k-1").await.unwrap(), Some(2));
    assert_eq!(s.command_seq(m, bob, "k-3").await.unwrap(), None);
    db.close().await;
}

/// Item 3: secret ballots are counted in the transaction that stores the
/// command casting them, in one batch and across batches, per vote.
async fn ballots_are_counted_with_their_command(backend: Backend) {
    let db = Db::open(backend).await;
    let (m, a, b) = (db.meeting, db.alice, db.bob);
    let s = &db.store;
    assert_eq!(s.ballot_count(m, 1).await.unwrap(), tally(0, 0, 0));
    let first = [
        ballot(m, a, "v1-a", 1, 1, Choice::InFavour),
        ballot(m, b, "v1-b", 2, 1, Choice::InFavour),
        append(m, a, "note", 3),
        ballot(m, a, "v1-c", 4, 1, Choice::Against),
    ];
    assert!(
        s.append_batch(&first)
            .await
            .unwrap()
            .iter()
            .all(|r| *r == Appended::Stored)
    );
    assert_eq!(s.ballot_count(m, 1).await.unwrap(), tally(2, 1, 0));
    let second = [
        ballot(m, b, "v1-d", 5, 1, Choice::Abstain),
        ballot(m, a, "v2-a", 6, 2, Choice::Against),
    ];
    s.append_batch(&second).await.unwrap();
    assert_eq!(s.ballot_count(m, 1).await.unwrap(), tally(2, 1, 1));
    assert_eq!(s.ballot_count(m, 2).await.unwrap(), tally(0, 1, 0));
    assert_eq!(s.ballot_count(m, 3).await.unwrap(), tally(0, 0, 0));
    db.close().await;
}

/// Item 3: a command that is not stored casts nothing: one beaten to its
/// sequence number by another instance, or a retry of one already counted.
async fn a_command_not_stored_casts_no_ballot(backend: Backend) {
    let db = Db::open(backend).await;
    let (m, a, b) = (db.meeting, db.alice, db.bob);
    let s = &db.store;
    // Another instance took number 1 first.
    s.append_batch(&[append(m, b, "elsewhere", 1)])
        .await
        .unwrap();
    let results = s
        .append_batch(&[
            ballot(m, a, "beaten", 1, 1, Choice::Against),
            ballot(m, b, "counted", 2, 1, Choice::InFavour),
        ])
        .await
        .unwrap();
    assert_eq!(results, vec![Appended::Conflict, Appended::Stored]);
    assert_eq!(s.ballot_count(m, 1).await.unwrap(), tally(1, 0, 0));
    // The retry of the counted one.
    let retry = s
        .append_batch(&[ballot(m, b, "counted", 3, 1, Choice::InFavour)])
        .await
        .unwrap();
    assert_eq!(retry, vec![Appended::AlreadyApplied(2)]);
    assert_eq!(s.ballot_count(m, 1).await.unwrap(), tally(1, 0, 0));
    db.close().await;
}

/// Item 3: the ballot box has no column that could name a voter or line a
/// ballot up with an event, and no row per ballot.
async fn the_ballot_box_keeps_counts_only(backend: Backend) {
    let db = Db::open(backend).await;
    let (m, a, b) = (db.meeting, db.alice, db.bob);
    db.store
        .append_batch(&[
            ballot(m, a, "x", 1, 1, Choice::InFavour),
            ballot(m, b, "y", 2, 1, Choice::Against),
        ])
        .await
        .unwrap();
    db.store
        .append_batch(&[ballot(m, b, "z", 3, 1, Choice::InFavour)])
        .await
        .unwrap();
    let (mut columns, rows): (Vec<String>, i64) = match &db.raw {
        Raw::Sqlite(p) => (
            sqlx::query_scalar("SELECT name FROM pragma_table_info('ballot_box')")
                .fetch_all(p)
                .await
                .unwrap(),
            sqlx::query_scalar("SELECT COUNT(*) FROM ballot_box")
                .fetch_one(p)
                .await
                .unwrap(),
        ),
        Raw::Postgres(p) => (
            sqlx::query_scalar(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'ballot_box'",
            )
            .fetch_all(p)
            .await
            .unwrap(),
            sqlx::query_scalar("SELECT COUNT(*) FROM ballot_box")
                .fetch_one(p)
                .await
                .unwrap(),
        ),
    };
    columns.sort();
    assert_eq!(
        columns,
        ["abstain", "against", "in_favour", "meeting_id", "vote"],
        "the ballot box holds counts per vote, nothing about a voter or an event"
    );
    assert_eq!(rows, 1, "one row per vote, not per ballot");
    db.close().await;
}

/// Without other instances, signals have nowhere to go.
#[tokio::test]
async fn sqlite_has_no_signals_to_send() {
    let db = Db::open(Backend::Sqlite).await;
    assert!(db.store.live_signals().await.unwrap().is_none());
    db.store
        .publish(LiveSignal::AccountChanged { account: db.alice })
        .await
        .unwrap();
    db.close().await;
}

/// Two instances on one PostgreSQL: what one publishes, the other hears, in
/// order, next to the stored events, which are carried whole (small ones) or
/// announced by their number (one too large for a notification).
#[tokio::test]
async fn postgres_signals_reach_the_other_instance() {
    let db = Db::open(Backend::Postgres).await;
    let schema = db.schema.clone().unwrap();
    let other = PgStore::connect(&postgres_url(), Some(&schema))
        .await
        .unwrap();
    let mut heard = other.live_signals().await.unwrap().expect("a listener");
    let sent = [
        LiveSignal::AccountChanged { account: db.alice },
        LiveSignal::MeetingChanged {
            meeting: db.meeting,
        },
    ];
    for signal in &sent {
        db.store.publish(signal.clone()).await.unwrap();
    }
    let small = append(db.meeting, db.bob, "k", 1);
    let mut large = append(db.meeting, db.bob, "l", 2);
    large.events[0].payload = format!(r#"{{"text":"{}"}}"#, "ệ".repeat(3000));
    db.store
        .append_batch(&[small.clone(), large])
        .await
        .unwrap();
    let mut got = Vec::new();
    for _ in 0..4 {
        let signal = tokio::time::timeout(std::time::Duration::from_secs(5), heard.recv())
            .await
            .expect("a signal within 5 s")
            .expect("the listener is running");
        got.push(signal);
    }
    assert_eq!(
        got,
        vec![
            sent[0].clone(),
            sent[1].clone(),
            LiveSignal::Carried {
                meeting: db.meeting,
                event: small.events[0].clone(),
            },
            LiveSignal::Appended {
                meeting: db.meeting,
                seq: 2
            }
        ]
    );
    db.close().await;
}

/// A task's follow-up: absent until updated, then replaced by each update,
/// with the updater's name; other meetings' tasks are untouched.
async fn task_follow_ups_are_replaced_per_task(backend: Backend) {
    use shared::followup::TaskStatus;
    let db = Db::open(backend).await;
    let (m, s) = (db.meeting, &db.store);
    assert!(s.task_follow_ups(m).await.unwrap().is_empty());
    s.set_task_follow_up(m, 0, TaskStatus::Done, "Đã nộp báo cáo", db.alice, at())
        .await
        .unwrap();
    s.set_task_follow_up(m, 2, TaskStatus::Open, "", db.alice, at())
        .await
        .unwrap();
    let later = at() + chrono::Duration::days(1);
    s.set_task_follow_up(m, 0, TaskStatus::Open, "Cần bổ sung số liệu", db.bob, later)
        .await
        .unwrap();
    let f = s.task_follow_ups(m).await.unwrap();
    assert_eq!(f.len(), 2);
    let first = &f[&0];
    assert_eq!(
        (first.status, first.note.as_str(), first.updated_at),
        (TaskStatus::Open, "Cần bổ sung số liệu", later)
    );
    assert_eq!(first.updated_by, "bob");
    assert_eq!(f[&2].status, TaskStatus::Open);
    assert!(
        s.task_follow_ups(MeetingId(m.0 + 1000))
            .await
            .unwrap()
            .is_empty()
    );
    db.close().await;
}

/// The instances' shared key is the first one stored; a meeting's media
/// host is the first to claim it, and moves only off the host named.
async fn media_hosts_are_claimed_once_and_moved_off_the_named_host(backend: Backend) {
    let db = Db::open(backend).await;
    let (m, s) = (db.meeting, &db.store);
    assert_eq!(s.cluster_key("k1").await.unwrap(), "k1");
    assert_eq!(s.cluster_key("k2").await.unwrap(), "k1");
    let (a, b, c) = (
        "http://10.0.0.1:8080",
        "http://10.0.0.2:8080",
        "http://10.0.0.3:8080",
    );
    assert_eq!(s.media_host(m, a).await.unwrap(), a);
    assert_eq!(s.media_host(m, b).await.unwrap(), a, "A claimed it first");
    // C thought the host was B: A keeps it.
    assert_eq!(s.move_media_host(m, b, c).await.unwrap(), a);
    assert_eq!(s.move_media_host(m, a, b).await.unwrap(), b);
    // Another instance, a moment late, also found A unreachable.
    assert_eq!(s.move_media_host(m, a, c).await.unwrap(), b);
    assert_eq!(s.media_host(m, c).await.unwrap(), b);
    db.close().await;
}

on_both_backends!(
    media_hosts_are_claimed_once_and_moved_off_the_named_host,
    task_follow_ups_are_replaced_per_task,
    idempotency_keys_belong_to_an_account,
    ballots_are_counted_with_their_command,
    a_command_not_stored_casts_no_ballot,
    the_ballot_box_keeps_counts_only,
);
