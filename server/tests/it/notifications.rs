//! Notifications over HTTP on SQLite and PostgreSQL: my list, marking read,
//! my email preferences; who is told about a meeting (its cell, the
//! upper-level members assigned to it; not another cell); what the
//! background scan publishes (opened, tasks assigned, reminders, deadlines);
//! and email: sent through a real SMTP server (Python's aiosmtpd, from
//! `scripts/setup --test`) into a maildir, once per recipient, even across a
//! restart while the SMTP server was down and with two instances on one
//! database.

use crate::common;

use chrono::{Duration as Days, TimeDelta};
use common::instances::{Db, Instance, Wait};
use common::{Backend, CELL_B, meeting_log};
use serde_json::{Value, json};
use server::notify::NotifyConfig;
use server::notify::mail::EmailConfig;
use server::storage::Store;
use shared::live::state::{Command, Speaker, Task};
use shared::rules::attendance::{AttendanceMark, Presence};
use shared::{MeetingId, OrgId};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

fn quick(email: Option<EmailConfig>) -> NotifyConfig {
    NotifyConfig {
        email,
        scan_every: Duration::from_millis(200),
        deliver_every: Duration::from_millis(100),
        retry_base_ms: 100,
        lease: Duration::from_secs(2),
        ..NotifyConfig::default()
    }
}

async fn cell(store: &Store, name: &str) -> OrgId {
    store
        .organizations()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name == name)
        .unwrap()
        .id
}

fn registration(store_members: &[shared::member::Member], days: i64) -> Value {
    let starts = (chrono::Utc::now() + Days::days(days))
        .format("%Y-%m-%dT08:00:00")
        .to_string();
    json!({
        "kind": "regular",
        "title": "Sinh hoạt thường kỳ tháng",
        "starts_at": starts,
        "mode": "hybrid",
        "place": "Phòng họp tầng 2",
        "video_link": "https://hop.example.vn/nghiep-vu",
        "chair_id": store_members[0].id.0,
        "secretary_id": store_members[1].id.0,
        "agenda": shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
    })
}

/// Registers a meeting in cell B as its secretary; its id.
async fn register_in_b(s: &Instance) -> i64 {
    let store = s.store();
    let b = cell(&store, CELL_B).await;
    let members = store.members_of(b).await.unwrap();
    let res = s
        .login("bithu.b")
        .await
        .post(s.url(&format!("/api/organizations/{}/meetings", b.0)))
        .json(&registration(&members, 10))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn get(c: &reqwest::Client, url: String) -> (u16, Value) {
    let res = c.get(url).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn post(c: &reqwest::Client, url: String) -> (u16, Value) {
    let res = c.post(url).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn kinds_of(s: &Instance, username: &str) -> Vec<String> {
    let c = s.login(username).await;
    let (status, page) = get(&c, s.url("/api/me/notifications?limit=100")).await;
    assert_eq!(status, 200);
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["notice"]["kind"].as_str().unwrap().to_string())
        .collect()
}

async fn the_list_marking_read_and_preferences(b: Backend) {
    let db = Db::new(b, "chibo_notify", "n").await;
    let s = Instance::start(&db, quick(None)).await;
    let id = register_in_b(&s).await;

    // The cell's members and the upper-level member assigned to it are told;
    // another cell's members and a committee member not assigned are not.
    for who in ["bithu.b", "dv.b05", "capuy.khoi"] {
        assert_eq!(kinds_of(&s, who).await, ["meeting_registered"], "{who}");
    }
    for who in ["dv.a12", "bithu.a", "bithu.c", "quantri"] {
        assert!(kinds_of(&s, who).await.is_empty(), "{who}");
    }

    // A change is a new notice; saving the same registration again is none.
    let store = s.store();
    let members = store.members_of(cell(&store, CELL_B).await).await.unwrap();
    let sec = s.login("bithu.b").await;
    let mut edit = registration(&members, 11);
    edit["title"] = json!("Sinh hoạt thường kỳ – đổi giờ");
    for _ in 0..2 {
        let res = sec
            .put(s.url(&format!("/api/meetings/{id}")))
            .json(&edit)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let member = s.login("dv.b05").await;
    let (status, page) = get(&member, s.url("/api/me/notifications")).await;
    assert_eq!(status, 200);
    assert_eq!(page["unread"], 2);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0]["notice"]["kind"], "meeting_changed",
        "newest first"
    );
    assert_eq!(
        items[0]["notice"]["meeting"]["title"],
        "Sinh hoạt thường kỳ – đổi giờ"
    );
    assert_eq!(items[0]["notice"]["meeting"]["cell"], CELL_B);
    assert_eq!(items[1]["notice"]["kind"], "meeting_registered");
    assert_eq!(items[1]["read"], false);
    let newest = items[0]["id"].as_i64().unwrap();
    let older = items[1]["id"].as_i64().unwrap();

    // Pages: one at a time, then the older one, then nothing.
    let (_, first) = get(&member, s.url("/api/me/notifications?limit=1")).await;
    assert_eq!(first["items"][0]["id"], newest);
    assert_eq!(first["next_before"], newest);
    let (_, second) = get(
        &member,
        s.url(&format!("/api/me/notifications?limit=1&before={newest}")),
    )
    .await;
    assert_eq!(second["items"][0]["id"], older);
    assert_eq!(second["unread"], 2, "the count is of all, not of the page");
    let (_, last) = get(
        &member,
        s.url(&format!("/api/me/notifications?limit=1&before={older}")),
    )
    .await;
    assert_eq!(last["items"], json!([]));
    assert_eq!(last["next_before"], Value::Null);

    // Bad paging: 400 with a Vietnamese message.
    for q in ["limit=0", "limit=1000", "before=abc", "page=2"] {
        let (status, err) = get(&member, s.url(&format!("/api/me/notifications?{q}"))).await;
        assert_eq!(status, 400, "{q}");
        assert_eq!(err["error"]["code"], "bad_request");
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Tham số")
                || err["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("tham số"),
            "{err}"
        );
    }

    // Opened: read. Another's notification, or none: 404.
    let (status, unread) = post(
        &member,
        s.url(&format!("/api/me/notifications/{older}/read")),
    )
    .await;
    assert_eq!((status, unread["unread"].clone()), (200, json!(1)));
    let (_, page) = get(&member, s.url("/api/me/notifications")).await;
    assert_eq!(page["items"][1]["read"], true);
    let other = s.login("capuy.khoi").await;
    let (status, err) = post(
        &other,
        s.url(&format!("/api/me/notifications/{newest}/read")),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(err["error"]["message"], "Không tìm thấy thông báo.");
    let (status, _) = post(&member, s.url("/api/me/notifications/999999/read")).await;
    assert_eq!(status, 404);
    let (status, _) = post(&member, s.url("/api/me/notifications/abc/read")).await;
    assert_eq!(status, 400);
    let (_, page) = get(&member, s.url("/api/me/notifications")).await;
    assert_eq!(page["unread"], 1, "the other's attempt changed nothing");
    let (status, unread) = post(&member, s.url("/api/me/notifications/read-all")).await;
    assert_eq!((status, unread), (200, json!({"unread": 0})));
    let (_, still) = get(&other, s.url("/api/me/notifications")).await;
    assert_eq!(still["unread"], 2, "only my own are marked");

    // Without a session: 401.
    let anonymous = reqwest::Client::new();
    let (status, _) = get(&anonymous, s.url("/api/me/notifications")).await;
    assert_eq!(status, 401);

    // Preferences: none at first, then an address and kinds, checked.
    let url = s.url("/api/me/notification-preferences");
    let (status, prefs) = get(&member, url.clone()).await;
    assert_eq!(
        (status, prefs),
        (
            200,
            json!({"email": "", "email_kinds": [], "push_kinds": []})
        )
    );
    let res = member
        .put(&url)
        .json(&json!({"email": " dv.b05@example.vn ", "email_kinds": ["task_overdue", "meeting_opened"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let want = json!({"email": "dv.b05@example.vn", "email_kinds": ["meeting_opened", "task_overdue"], "push_kinds": []});
    assert_eq!(res.json::<Value>().await.unwrap(), want);
    assert_eq!(get(&member, url.clone()).await, (200, want.clone()));
    assert_eq!(
        get(&other, url.clone()).await.1,
        json!({"email": "", "email_kinds": [], "push_kinds": []})
    );
    let res = member
        .put(&url)
        .json(&json!({"email": "khong-phai-email", "email_kinds": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "email");
    assert_eq!(
        err["error"]["fields"][0]["message"],
        "Địa chỉ email chưa đúng (ví dụ: ten@example.vn)."
    );
    for bad in [
        json!({"email": "a@b.vn", "email_kinds": ["no_such_kind"]}),
        json!({"email": "a@b.vn", "extra": true}),
        json!({"email": 5}),
    ] {
        let res = member.put(&url).json(&bad).send().await.unwrap();
        assert_eq!(res.status(), 400, "{bad}");
        let err: Value = res.json().await.unwrap();
        assert!(!err["error"]["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        get(&member, url).await.1,
        want,
        "refused changes changed nothing"
    );

    s.stop().await;
    db.remove().await;
}

/// Holds a meeting of cell B through the live log, as the room writes it:
/// opened by its secretary, everyone present; then, when `close`, tasks
/// assigned and the meeting closed.
async fn hold(store: &Store, id: i64, tasks: &[Task], close: bool) {
    let meeting = store.meeting(MeetingId(id)).await.unwrap().unwrap();
    let members = store.members_of(meeting.cell_id).await.unwrap();
    let roll = meeting_log::roster(members.iter().filter(|m| m.draft.status.on_roll()));
    let chair = meeting.draft.chair_id.unwrap();
    let mut state = meeting_log::before_opening(
        &meeting,
        roll.clone(),
        Some(chair),
        meeting.draft.secretary_id,
    );
    let sp = Speaker::Member(chair);
    let mut commands = vec![(
        sp,
        Command::Open {
            confirm_early: true,
        },
    )];
    for r in &roll {
        commands.push((
            sp,
            Command::Mark {
                mark: AttendanceMark::new(r.member_id, Presence::InPerson),
            },
        ));
    }
    if close {
        for t in tasks {
            commands.push((sp, Command::AssignTask { task: t.clone() }));
        }
        commands.push((sp, Command::Close));
    }
    let chair_account = store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.member_id == Some(chair))
        .unwrap()
        .id;
    meeting_log::write(store, &mut state, chair_account, &commands, close).await;
}

const WAIT: Wait = Wait {
    within: Duration::from_secs(20),
    every: Duration::from_millis(100),
};

async fn the_scan_tells_of_openings_tasks_reminders_and_deadlines(b: Backend) {
    let db = Db::new(b, "chibo_notify", "n").await;
    let s = Instance::start(&db, quick(None)).await;
    let store = s.store();
    let b_cell = cell(&store, CELL_B).await;
    let members = store.members_of(b_cell).await.unwrap();
    let now = server::clock::now_local();
    let draft = |title: &str, starts_at| shared::meeting::MeetingDraft {
        kind: shared::meeting::MeetingKind::Regular,
        title: title.into(),
        starts_at,
        mode: shared::meeting::MeetingMode::Online,
        place: String::new(),
        video_link: "https://hop.example.vn/b".into(),
        chair_id: Some(members[0].id),
        secretary_id: Some(members[1].id),
        agenda: shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
    };
    // Straight into storage: no "registered" notice, only the scan's.
    let soon = store
        .create_meeting(
            b_cell,
            &draft("Họp sau nửa giờ", now + TimeDelta::minutes(30)),
            now,
        )
        .await
        .unwrap();
    let tomorrow = store
        .create_meeting(
            b_cell,
            &draft("Họp ngày mai", now + TimeDelta::hours(20)),
            now,
        )
        .await
        .unwrap();
    let later = store
        .create_meeting(
            b_cell,
            &draft("Họp tuần sau", now + TimeDelta::days(7)),
            now,
        )
        .await
        .unwrap();
    let live = store
        .create_meeting(b_cell, &draft("Đang họp đây", now), now)
        .await
        .unwrap();
    let closed = store
        .create_meeting(b_cell, &draft("Họp đã xong", now), now)
        .await
        .unwrap();
    hold(&store, live.id.0, &[], false).await;
    let member_of = |username: &'static str| {
        let store = store.clone();
        async move {
            store
                .account_secret(username)
                .await
                .unwrap()
                .unwrap()
                .account
                .member_id
                .unwrap()
        }
    };
    let (b05, b03) = (member_of("dv.b05").await, member_of("dv.b03").await);
    let task = |who: shared::MemberId, what: &str, due| Task {
        assignee: Some(who),
        assignee_name: members
            .iter()
            .find(|m| m.id == who)
            .unwrap()
            .draft
            .full_name
            .clone(),
        what: what.into(),
        due,
    };
    let today = server::clock::today();
    hold(
        &store,
        closed.id.0,
        &[
            task(b05, "Nộp báo cáo quý", Some(today + TimeDelta::days(1))),
            task(b05, "Rà soát hồ sơ", Some(today + TimeDelta::days(10))),
            task(b03, "Chuẩn bị tài liệu", None),
        ],
        true,
    )
    .await;
    // The room wakes the scan when it stores an opening or a closing; here
    // the log was written directly, so the next tick finds them.
    let titles = |username: &'static str| {
        let s = &s;
        async move {
            let c = s.login(username).await;
            let (_, page) = get(&c, s.url("/api/me/notifications?limit=100")).await;
            let mut out: Vec<(String, String)> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| {
                    let notice = &n["notice"];
                    let title = notice["meeting"]["title"]
                        .as_str()
                        .or(notice["task"]["what"].as_str())
                        .unwrap()
                        .to_string();
                    (notice["kind"].as_str().unwrap().to_string(), title)
                })
                .collect();
            out.sort();
            out
        }
    };
    let pair = |k: &str, t: &str| (k.to_string(), t.to_string());
    WAIT.until("the scan's notices", || async {
        titles("dv.b05").await.len() >= 6
    })
    .await;
    let want_b05 = vec![
        pair("meeting_opened", "Đang họp đây"),
        pair("meeting_reminder_day", "Họp ngày mai"),
        pair("meeting_reminder_hour", "Họp sau nửa giờ"),
        pair("task_assigned", "Nộp báo cáo quý"),
        pair("task_assigned", "Rà soát hồ sơ"),
        pair("task_due_soon", "Nộp báo cáo quý"),
    ];
    WAIT.until("every notice of dv.b05", || async {
        titles("dv.b05").await == want_b05
    })
    .await;
    // Others in the cell get the meeting's notices, and only their own tasks.
    let want_b03 = vec![
        pair("meeting_opened", "Đang họp đây"),
        pair("meeting_reminder_day", "Họp ngày mai"),
        pair("meeting_reminder_hour", "Họp sau nửa giờ"),
        pair("task_assigned", "Chuẩn bị tài liệu"),
    ];
    assert_eq!(titles("dv.b03").await, want_b03);
    let upper = titles("capuy.khoi").await;
    assert_eq!(
        upper.len(),
        3,
        "the assigned upper-level member: meetings, no tasks: {upper:?}"
    );
    assert!(
        titles("dv.a12").await.is_empty(),
        "another cell hears nothing"
    );
    let _ = later;
    // Scanning again (another tick, another instance) adds nothing.
    s.state().notify.scan().await.unwrap();
    let other = Instance::start(&db, quick(None)).await;
    other.state().notify.scan().await.unwrap();
    assert_eq!(titles("dv.b05").await, want_b05);
    assert_eq!(titles("dv.b03").await, want_b03);

    // A task past its due date and not done: "overdue", once. One that was
    // done is not reminded of.
    let notices = store.notices();
    let watched = notices
        .tasks_due(today + TimeDelta::days(30))
        .await
        .unwrap();
    assert_eq!(watched.len(), 2, "{watched:?}");
    let b05_account = s.account("dv.b05").await;
    let mut overdue = watched[0].clone();
    overdue.task.meeting = tomorrow.id;
    overdue.task.what = "Việc đã quá hạn".into();
    overdue.due_on = today - TimeDelta::days(1);
    overdue.task.due = Some(overdue.due_on);
    let mut done = overdue.clone();
    done.task.meeting = soon.id;
    done.task.what = "Việc đã xong".into();
    // Done before it is watched: the background scans of both instances run
    // meanwhile and would rightly call a task not yet done overdue.
    store
        .set_task_follow_up(
            soon.id,
            done.task.index as usize,
            shared::followup::TaskStatus::Done,
            "Đã nộp",
            b05_account,
            now,
        )
        .await
        .unwrap();
    notices
        .watch_tasks(&[overdue.clone(), done.clone()])
        .await
        .unwrap();
    s.state().notify.scan().await.unwrap();
    s.state().notify.scan().await.unwrap();
    let mine = titles("dv.b05").await;
    assert!(
        mine.contains(&pair("task_overdue", "Việc đã quá hạn")),
        "{mine:?}"
    );
    assert_eq!(mine.iter().filter(|(k, _)| k == "task_overdue").count(), 1);
    assert!(!mine.iter().any(|(_, t)| t == "Việc đã xong"), "{mine:?}");

    other.stop().await;
    s.stop().await;
    db.remove().await;
}

/// Many cells meeting at the same hour: the scan writes their reminders and
/// openings ten meetings to a transaction; every meeting is told of once,
/// across those chunks, and scanning again adds nothing.
async fn many_meetings_at_once_are_each_told_once(b: Backend) {
    let db = Db::new(b, "chibo_notify", "n").await;
    let s = Instance::start(&db, quick(None)).await;
    let store = s.store();
    let b_cell = cell(&store, CELL_B).await;
    let members = store.members_of(b_cell).await.unwrap();
    let now = server::clock::now_local();
    let mut want = Vec::new();
    for i in 0..25 {
        let (title, starts_at, kind) = if i < 13 {
            (
                format!("Họp lúc {i} giờ tới"),
                now + TimeDelta::minutes(30),
                "meeting_reminder_hour",
            )
        } else {
            (format!("Đang họp số {i}"), now, "meeting_opened")
        };
        let draft = shared::meeting::MeetingDraft {
            kind: shared::meeting::MeetingKind::Regular,
            title: title.clone(),
            starts_at,
            mode: shared::meeting::MeetingMode::Online,
            place: String::new(),
            video_link: "https://hop.example.vn/b".into(),
            chair_id: Some(members[0].id),
            secretary_id: Some(members[1].id),
            agenda: shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
        };
        let m = store.create_meeting(b_cell, &draft, now).await.unwrap();
        if i >= 13 {
            hold(&store, m.id.0, &[], false).await;
        }
        want.push((kind.to_string(), title));
    }
    want.sort();
    let told = |username: &'static str| {
        let s = &s;
        async move {
            let c = s.login(username).await;
            let (_, page) = get(&c, s.url("/api/me/notifications?limit=100")).await;
            let mut out: Vec<(String, String)> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| {
                    let kind = n["notice"]["kind"].as_str().unwrap().to_string();
                    (
                        kind,
                        n["notice"]["meeting"]["title"]
                            .as_str()
                            .unwrap()
                            .to_string(),
                    )
                })
                .collect();
            out.sort();
            out
        }
    };
    WAIT.until("every meeting's notice", || async {
        told("dv.b05").await.len() >= want.len()
    })
    .await;
    assert_eq!(told("dv.b05").await, want);
    s.state().notify.scan().await.unwrap();
    assert_eq!(told("dv.b05").await, want, "scanning again adds nothing");
    assert_eq!(
        told("capuy.khoi").await,
        want,
        "the assigned upper-level member"
    );

    s.stop().await;
    db.remove().await;
}

/// The target directory (the test binary is in `<target>/debug/deps/`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary");
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .expect("target directory")
}

/// Python of the venv `scripts/setup --test` makes, with aiosmtpd in it.
fn python() -> PathBuf {
    let python = target_dir().join("schemathesis-venv/bin/python");
    let ok = Process::new(&python)
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "aiosmtpd is missing from {}: run `scripts/setup --test` (it installs \
         scripts/schemathesis-requirements.txt into that virtual environment)",
        python.display()
    );
    python
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real SMTP server (aiosmtpd) delivering into a maildir.
struct Smtp {
    child: Child,
}

impl Smtp {
    async fn start(port: u16, maildir: &Path) -> Smtp {
        let child = Process::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("aiosmtpd");
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start on {port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Smtp { child }
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What arrived in the maildir, read with Python's email package: per
/// message, its raw Subject header, the decoded subject, recipient,
/// Message-ID, charset and decoded text.
fn mailbox(maildir: &Path) -> Vec<Value> {
    const READ: &str = r#"
import email, email.policy, json, mailbox, sys
out = []
for key, msg in mailbox.Maildir(sys.argv[1], factory=None, create=False).items():
    raw = msg.as_bytes()
    old = email.message_from_bytes(raw)
    new = email.message_from_bytes(raw, policy=email.policy.default)
    out.append({"raw_subject": old["Subject"], "subject": str(new["Subject"]),
                "to": str(new["To"]), "message_id": str(new["Message-ID"]),
                "charset": new.get_content_charset(), "text": new.get_content()})
print(json.dumps(out, ensure_ascii=False))
"#;
    if !maildir.join("new").exists() {
        return Vec::new();
    }
    let out = Process::new(python())
        .args(["-c", READ])
        .arg(maildir)
        .output()
        .expect("python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

async fn emails_go_once_across_a_restart_and_two_instances(b: Backend) {
    python();
    let db = Db::new(b, "chibo_notify", "n").await;
    let port = free_port();
    let maildir = db.dir.join("maildir");
    let email = Some(EmailConfig {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        from: "Chi Bộ Số <thongbao@chibo.example.vn>".into(),
        public_url: Some("https://chibo.example.vn".into()),
    });

    // The SMTP server is down: the emails are tried, fail, and wait.
    let first = Instance::start(&db, quick(email.clone())).await;
    let store = first.store();
    for (who, kinds) in [
        ("dv.b05", json!(["meeting_registered", "meeting_opened"])),
        ("capuy.khoi", json!(["meeting_registered"])),
        ("dv.b03", json!(["meeting_opened"])),
    ] {
        let c = first.login(who).await;
        let res = c
            .put(first.url("/api/me/notification-preferences"))
            .json(&json!({"email": format!("{who}@example.vn"), "email_kinds": kinds}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    register_in_b(&first).await;
    WAIT.until("a failed try", || async {
        let rows = outbox(&first).await;
        rows.len() == 2 && rows.iter().all(|r| r.1 >= 1)
    })
    .await;
    first.stop().await;
    assert_eq!(store.notices().pending_emails().await.unwrap(), 2);
    drop(store);

    // A worker that claimed the emails and died mid-send: its lease runs out.
    let dead = db.open().await;
    let mut claimed = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while claimed < 2 {
        assert!(Instant::now() < deadline, "the emails never came due again");
        let now = chrono::Utc::now().timestamp_millis();
        claimed += dead
            .notices()
            .claim("dead-instance", now, 1500, 10, true)
            .await
            .unwrap()
            .len();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let now = chrono::Utc::now().timestamp_millis();
    assert!(
        dead.notices()
            .claim("other", now + 500, 1500, 10, true)
            .await
            .unwrap()
            .is_empty(),
        "a lease is exclusive"
    );

    // The SMTP server is back; two instances start on the same database.
    let smtp = Smtp::start(port, &maildir).await;
    let second = Instance::start(&db, quick(email.clone())).await;
    let third = Instance::start(&db, quick(email.clone())).await;
    WAIT.until("both emails delivered", || async {
        second.store().notices().pending_emails().await.unwrap() == 0
    })
    .await;
    // Time for a double send to show, if there were one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut mails = mailbox(&maildir);
    mails.sort_by_key(|m| m["to"].as_str().unwrap().to_string());
    assert_eq!(mails.len(), 2, "{mails:#?}");
    assert_eq!(mails[0]["to"], "capuy.khoi@example.vn");
    assert_eq!(mails[1]["to"], "dv.b05@example.vn");
    let subject = format!("{CELL_B}: đăng ký buổi sinh hoạt “Sinh hoạt thường kỳ tháng”");
    for m in &mails {
        assert_eq!(m["subject"], subject.as_str());
        // On the wire: ASCII only, the Vietnamese words as RFC 2047 encoded words.
        let raw = m["raw_subject"].as_str().unwrap();
        assert!(
            raw.is_ascii() && raw.to_lowercase().contains("=?utf-8?b?"),
            "{raw}"
        );
        assert_eq!(m["charset"], "utf-8");
        let text = m["text"].as_str().unwrap();
        assert!(
            text.starts_with(&format!(
                "{CELL_B} đã đăng ký buổi sinh hoạt “Sinh hoạt thường kỳ tháng” lúc 08:00 ngày "
            )),
            "{text}"
        );
        assert!(text.contains("Địa điểm: Phòng họp tầng 2."), "{text}");
        assert!(
            text.contains("Xem trên Chi Bộ Số: https://chibo.example.vn/meetings/"),
            "{text}"
        );
        assert!(
            text.contains("registered the meeting"),
            "English below: {text}"
        );
    }
    assert_ne!(mails[0]["message_id"], mails[1]["message_id"]);

    // A meeting opens: dv.b05 and dv.b03 chose that kind; it arrives at once.
    let store = second.store();
    let b_cell = cell(&store, CELL_B).await;
    let members = store.members_of(b_cell).await.unwrap();
    let now = server::clock::now_local();
    let id = store
        .create_meeting(
            b_cell,
            &shared::meeting::MeetingDraft {
                kind: shared::meeting::MeetingKind::Regular,
                title: "Họp trực tuyến ngay".into(),
                starts_at: now,
                mode: shared::meeting::MeetingMode::Online,
                place: String::new(),
                video_link: "https://hop.example.vn/nghiep-vu".into(),
                chair_id: Some(members[0].id),
                secretary_id: Some(members[1].id),
                agenda: shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
            },
            now,
        )
        .await
        .unwrap()
        .id;
    hold(&second.store(), id.0, &[], false).await;
    server::notify::meeting_status_changed();
    WAIT.until("the opening's emails", || async {
        mailbox(&maildir).len() == 4
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mails = mailbox(&maildir);
    assert_eq!(mails.len(), 4);
    let opened: Vec<&Value> = mails
        .iter()
        .filter(|m| m["subject"] == "Đang họp: “Họp trực tuyến ngay”")
        .collect();
    assert_eq!(opened.len(), 2, "{mails:#?}");
    assert!(opened.iter().all(|m| {
        m["text"]
            .as_str()
            .unwrap()
            .contains("Họp trực tuyến: https://hop.example.vn/nghiep-vu")
    }));

    third.stop().await;
    second.stop().await;
    drop(smtp);
    db.remove().await;
}

/// The outbox as (address, failed tries, sent).
async fn outbox(s: &Instance) -> Vec<(String, u32, bool)> {
    s.store().notices().outbox().await.unwrap()
}

on_both_backends!(
    the_list_marking_read_and_preferences,
    the_scan_tells_of_openings_tasks_reminders_and_deadlines,
    many_meetings_at_once_are_each_told_once,
    emails_go_once_across_a_restart_and_two_instances,
);
