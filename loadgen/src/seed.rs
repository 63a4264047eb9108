//! Seeds a fresh database through the `Storage` trait (a SQLite file, or a
//! PostgreSQL database dropped and created again): one party committee, one
//! grassroots committee, one cell per meeting with its members, one account
//! and one session per member (the token is ours, the database keeps its
//! hash), and one online meeting per cell chaired by the cell's first member.
//! No logins: Argon2 runs once, for a hash every account shares.

use chrono::{Duration, NaiveDate};
use futures_util::StreamExt;
use server::storage::{NewAccountRow, SqliteStore, Storage, Store};
use shared::MeetingId;
use shared::meeting::{MeetingDraft, MeetingKind, MeetingMode, standard_agenda};
use shared::member::{CellRole, Gender, MemberDraft, PartyStatus};
use shared::org::OrgKind;
use std::path::Path;
use std::sync::Arc;

/// One meeting to load: its id and the session tokens of its participants,
/// the chair's first.
pub struct SeededMeeting {
    pub id: MeetingId,
    pub tokens: Vec<String>,
}

/// How many participants meeting `m` of `meetings` gets (the remainder goes to the first ones).
pub fn share(participants: usize, meetings: usize, m: usize) -> usize {
    participants / meetings + usize::from(m < participants % meetings)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The `i`-th member overall, at position `pos` of its cell: a full member
/// with plausible dates and a unique card number.
pub fn member_draft(i: usize, pos: usize) -> MemberDraft {
    let birth = date(
        1960 + (i % 40) as i32,
        (i % 12) as u32 + 1,
        (i % 28) as u32 + 1,
    );
    let admitted = date(2000 + (i % 20) as i32, (i % 12) as u32 + 1, 19);
    MemberDraft {
        full_name: format!("Đảng viên {}", i + 1),
        gender: if i % 3 == 1 {
            Gender::Female
        } else {
            Gender::Male
        },
        birth_date: Some(birth),
        admitted_on: Some(admitted),
        full_member_on: Some(date(2001 + (i % 20) as i32, (i % 12) as u32 + 1, 19)),
        status: PartyStatus::Full,
        role: if pos == 0 {
            CellRole::Secretary
        } else {
            CellRole::Member
        },
        card_number: Some(format!("98.{:07}", i + 1)),
        attached_elsewhere: None,
    }
}

fn err(what: &str, e: impl std::fmt::Display) -> String {
    format!("{what}: {e}")
}

/// Removes a SQLite file and its journal, if any.
fn remove_sqlite(db: &Path) -> Result<(), String> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(err("xoá cơ sở dữ liệu cũ", e)),
        }
    }
    Ok(())
}

/// Where the run's data lives.
#[derive(Clone, Debug)]
pub enum Database {
    Sqlite(std::path::PathBuf),
    /// A server URL (`postgres://…/postgres`) and the database to create on it.
    Postgres {
        server: String,
        name: String,
    },
}

impl Database {
    /// What the server is given as `--database-url`.
    pub fn url(&self) -> String {
        match self {
            Database::Sqlite(db) => format!("sqlite:{}", db.display()),
            Database::Postgres { server, name } => {
                let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
                format!("{base}/{name}")
            }
        }
    }

    /// Removes any earlier run's data (the SQLite file, or the database).
    pub async fn recreate(&self) -> Result<(), String> {
        match self {
            Database::Sqlite(db) => remove_sqlite(db),
            Database::Postgres { server, name } => {
                use sqlx::Connection;
                let mut admin = sqlx::PgConnection::connect(server)
                    .await
                    .map_err(|e| err("kết nối PostgreSQL", e))?;
                for sql in [
                    format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                    format!("CREATE DATABASE \"{name}\""),
                ] {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut admin)
                        .await
                        .map_err(|e| err("tạo lại cơ sở dữ liệu", e))?;
                }
                Ok(())
            }
        }
    }

    pub async fn open(&self) -> Result<Store, String> {
        server::storage::open(&self.url())
            .await
            .map_err(|e| err("mở cơ sở dữ liệu", e))
    }

    /// Meetings seeded at once: SQLite takes one write at a time (concurrent
    /// writers would only sleep in the busy handler); PostgreSQL takes several.
    fn concurrency(&self) -> usize {
        match self {
            Database::Sqlite(_) => 1,
            Database::Postgres { .. } => 8,
        }
    }
}

/// Creates everything in a new database (any old one is removed).
pub async fn seed(
    db: &Database,
    participants: usize,
    meetings: usize,
) -> Result<Vec<SeededMeeting>, String> {
    db.recreate().await?;
    let store = db.open().await?;
    let hash = server::auth::hash_password("loadgen: không ai đăng nhập".into())
        .await
        .map_err(|e| err("băm mật khẩu", e))?;
    let bloc = store
        .create_organization(None, OrgKind::PartyCommittee, "Đảng bộ Khối (tải thử)")
        .await
        .map_err(|e| err("tạo đảng bộ", e))?;
    let grassroots = store
        .create_organization(
            Some(bloc.id),
            OrgKind::GrassrootsCommittee,
            "Đảng bộ cơ sở (tải thử)",
        )
        .await
        .map_err(|e| err("tạo đảng bộ cơ sở", e))?;
    let hash: Arc<str> = hash.into();
    let mut first = 0usize;
    let plan: Vec<(usize, usize, usize)> = (0..meetings)
        .map(|m| {
            let n = share(participants, meetings, m);
            first += n;
            (m, first - n, n)
        })
        .collect();
    let results: Vec<Result<SeededMeeting, String>> = futures_util::stream::iter(plan)
        .map(|(m, first, n)| seed_meeting(store.clone(), grassroots.id, hash.clone(), m, first, n))
        .buffered(db.concurrency())
        .collect()
        .await;
    results.into_iter().collect()
}

/// An administrator's session: its token, to read the servers' figures
/// (`GET /api/live/stats`).
pub async fn admin_session(db: &Database) -> Result<String, String> {
    let store = db.open().await?;
    let account = store
        .create_account(NewAccountRow {
            username: "lg-admin".into(),
            display_name: "Quản trị (tải thử)".into(),
            password_hash: "x".into(),
            member_id: None,
            is_admin: true,
        })
        .await
        .map_err(|e| err("tạo tài khoản quản trị", e))?;
    let now_secs = server::auth::now_secs();
    let (token, token_hash) = server::auth::new_session_token();
    store
        .create_session(&token_hash, account.id, now_secs, now_secs + 86_400)
        .await
        .map_err(|e| err("tạo phiên", e))?;
    Ok(token)
}

/// Meeting `m`: its cell, `n` members from the `first`-th overall, their
/// accounts and sessions, and the meeting.
async fn seed_meeting(
    store: Store,
    parent: shared::OrgId,
    hash: Arc<str>,
    m: usize,
    first: usize,
    n: usize,
) -> Result<SeededMeeting, String> {
    let now = server::routes::now_local();
    let now_secs = server::auth::now_secs();
    let expires = now_secs + server::auth::SESSION_DAYS * 86_400;
    let today = now.date();
    let cell = store
        .create_organization(Some(parent), OrgKind::Cell, &format!("Chi bộ số {}", m + 1))
        .await
        .map_err(|e| err("tạo chi bộ", e))?;
    let drafts: Vec<MemberDraft> = (0..n).map(|p| member_draft(first + p, p)).collect();
    if let Some(d) = drafts.iter().find(|d| !d.problems(today).is_empty()) {
        return Err(format!("đảng viên không hợp lệ: {d:?}"));
    }
    // The cell's members in one transaction.
    store
        .apply_import(cell.id, &drafts, &[])
        .await
        .map_err(|e| err("tạo đảng viên", e))?;
    // Secretary first, then by id: the order they were created in.
    let members = store
        .members_of(cell.id)
        .await
        .map_err(|e| err("đọc đảng viên", e))?;
    let mut tokens = Vec::with_capacity(n);
    for member in &members {
        let account = store
            .create_account(NewAccountRow {
                username: format!("lg{}", member.id.0),
                display_name: member.draft.full_name.clone(),
                password_hash: hash.to_string(),
                member_id: Some(member.id),
                is_admin: false,
            })
            .await
            .map_err(|e| err("tạo tài khoản", e))?;
        let (token, token_hash) = server::auth::new_session_token();
        store
            .create_session(&token_hash, account.id, now_secs, expires)
            .await
            .map_err(|e| err("tạo phiên", e))?;
        tokens.push(token);
    }
    let roll: Vec<_> = members.iter().map(|x| x.id).collect();
    let draft = MeetingDraft {
        kind: MeetingKind::Regular,
        title: format!("Sinh hoạt thường kỳ chi bộ số {}", m + 1),
        starts_at: now + Duration::minutes(1),
        mode: MeetingMode::Online,
        place: String::new(),
        video_link: "https://hop.example.vn/x".into(),
        chair_id: roll.first().copied(),
        secretary_id: roll.get(1).copied(),
        agenda: standard_agenda(MeetingKind::Regular),
    };
    draft
        .validate(now, &roll)
        .map_err(|e| format!("buổi sinh hoạt không hợp lệ: {e:?}"))?;
    let meeting = store
        .create_meeting(cell.id, &draft, now)
        .await
        .map_err(|e| err("tạo buổi sinh hoạt", e))?;
    Ok(SeededMeeting {
        id: meeting.id,
        tokens,
    })
}

/// Events stored per meeting, read back after the servers were killed: how
/// many, and whether they are numbered 1, 2, … without a gap.
pub async fn stored_events(db: &Database, meetings: &[MeetingId]) -> Result<Vec<Stored>, String> {
    let store = db.open().await?;
    let mut stored = Vec::with_capacity(meetings.len());
    for &id in meetings {
        let mut s = Stored::default();
        loop {
            let batch = store
                .events_since(id, s.last, 5000)
                .await
                .map_err(|e| err("đọc sự kiện", e))?;
            if batch.is_empty() {
                break;
            }
            for e in &batch {
                s.gapless &= e.seq == s.last + 1;
                s.last = e.seq;
                s.count += 1;
            }
        }
        stored.push(s);
    }
    Ok(stored)
}

/// One meeting's stored log.
#[derive(Debug, Clone, Copy)]
pub struct Stored {
    pub count: u64,
    pub last: u64,
    pub gapless: bool,
}

impl Default for Stored {
    fn default() -> Stored {
        Stored {
            count: 0,
            last: 0,
            gapless: true,
        }
    }
}

/// The storage ceiling without WebSockets: `tasks` meetings each appending one
/// event per command through the server's group-commit writer (key check and
/// append in one transaction per batch), back to back for `secs`, in a
/// throwaway database. Commands per second.
pub async fn storage_probe(db: &Path, tasks: usize, secs: f64) -> Result<f64, String> {
    use server::storage::{Append, Appended, EventWriter, NewEvent};
    remove_sqlite(db)?;
    let store: Arc<dyn Storage> = Arc::new(
        SqliteStore::connect(&format!("sqlite:{}", db.display()))
            .await
            .map_err(|e| err("mở SQLite", e))?,
    );
    let root = store
        .create_organization(None, OrgKind::PartyCommittee, "Thử lưu trữ")
        .await
        .map_err(|e| err("tạo đảng bộ", e))?;
    let now = server::routes::now_local();
    let account = store
        .create_account(NewAccountRow {
            username: "probe".into(),
            display_name: "Thử".into(),
            password_hash: "x".into(),
            member_id: None,
            is_admin: false,
        })
        .await
        .map_err(|e| err("tạo tài khoản", e))?;
    let writer = EventWriter::start(store.clone());
    let mut handles = Vec::new();
    let mut meetings = Vec::with_capacity(tasks);
    for t in 0..tasks {
        let cell = store
            .create_organization(Some(root.id), OrgKind::Cell, &format!("Chi bộ {t}"))
            .await
            .map_err(|e| err("tạo chi bộ", e))?;
        let meeting = store
            .create_meeting(
                cell.id,
                &MeetingDraft {
                    kind: MeetingKind::Regular,
                    title: "Thử".into(),
                    starts_at: now,
                    mode: MeetingMode::Online,
                    place: String::new(),
                    video_link: "https://hop.example.vn/x".into(),
                    chair_id: None,
                    secretary_id: None,
                    agenda: standard_agenda(MeetingKind::Regular),
                },
                now,
            )
            .await
            .map_err(|e| err("tạo buổi sinh hoạt", e))?;
        meetings.push(meeting);
    }
    // Every meeting exists before the clock starts.
    let start = std::time::Instant::now();
    let until = start + std::time::Duration::from_secs_f64(secs);
    for meeting in meetings {
        let writer = writer.clone();
        handles.push(tokio::spawn(async move {
            let mut seq = 0u64;
            while std::time::Instant::now() < until {
                seq += 1;
                let append = Append {
                    meeting: meeting.id,
                    command_key: format!("p-{seq}"),
                    account: account.id,
                    at: now,
                    events: vec![NewEvent {
                        seq,
                        payload: r#"{"type":"moved_to","item":1,"at":"2026-01-01T10:00:00"}"#
                            .into(),
                        hash: format!("{seq:064x}"),
                    }],
                    status: None,
                    sealed_ballot: None,
                };
                let stored = writer.append(append).await?;
                if stored != Appended::Stored {
                    return Err(server::storage::StorageError::Corrupt(format!(
                        "lệnh thử số {seq}: {stored:?}"
                    )));
                }
            }
            Ok::<u64, server::storage::StorageError>(seq)
        }));
    }
    let mut total = 0u64;
    for h in handles {
        total += h
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| err("ghi sự kiện", e))?;
    }
    Ok(total as f64 / start.elapsed().as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_valid_and_cards_unique() {
        let today = date(2026, 1, 1);
        let mut cards = std::collections::HashSet::new();
        for i in 0..20_000 {
            let d = member_draft(i, i % 10);
            assert_eq!(d.problems(today), vec![], "{d:?}");
            assert!(cards.insert(d.card_number.clone()));
        }
    }

    #[test]
    fn shares_add_up() {
        for (p, m) in [(15_000, 1_500), (200, 20), (1003, 10), (7, 7)] {
            assert_eq!((0..m).map(|i| share(p, m, i)).sum::<usize>(), p);
            assert!((0..m).all(|i| share(p, m, i) >= 1));
        }
    }
}
