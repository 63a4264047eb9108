//! Every cell at a glance over HTTP on SQLite and PostgreSQL: a closed
//! meeting's outcome kept by the live room (and backfilled from a log written
//! around it), the cell's proposed total, a visit with its report filed on
//! time and an open recommendation (rows written in SQL: their screens are
//! another area's), the facts a committee member reads and computes with
//! `shared::oversight`, the .xlsx read back with calamine holding the same
//! numbers, who sees which cells, and the refused periods.

use crate::common;

use calamine::{Data, Reader, Xlsx};
use chrono::{Datelike, Duration};
use common::{Backend, CELL_A, CELL_B, GRASSROOTS, Seeded, TestServer, meeting_log};
use serde_json::{Value, json};
use shared::MeetingId;
use shared::calendar::SlotStatus;
use shared::live::state::{Command, Speaker};
use shared::oversight::{self as ov, OversightFacts};
use shared::rules::attendance::{AttendanceMark, Presence};

/// Holds a meeting with its log written straight to storage (as an older
/// server would have, keeping no outcome): everyone present, member 2 takes
/// the floor, the chair closes.
async fn hold_around_the_room(s: &TestServer, id: i64, m: &[Seeded]) {
    let mut commands = meeting_log::opened_with_everyone(m);
    commands.extend(meeting_log::floor(m, 2));
    commands.push((Speaker::Member(m[0].member), Command::Close));
    meeting_log::hold(s, id, m, &commands).await;
}

async fn get(c: &reqwest::Client, s: &TestServer, path: &str) -> (u16, Value) {
    let r = c.get(s.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn this_month() -> String {
    ov::month_param(shared::rules::schedule::YearMonth::of(
        server::clock::today(),
    ))
}

fn cell_index(f: &OversightFacts, name: &str) -> u32 {
    f.cells
        .name
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no cell {name} in {:?}", f.cells.name)) as u32
}

/// The cells of a sheet as text or number, by row.
fn sheet(book: &mut Xlsx<std::io::Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    let range = book.worksheet_range(name).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn number(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

async fn a_committee_sees_the_cell_s_month_and_the_workbook_says_the_same(b: Backend) {
    let s = TestServer::start(b).await;
    let (seeded, m) = s.seed_cell("Chi bộ Theo dõi", 4).await;
    let cell = s.cell_of(seeded).await;
    let id = s.registered_on_time(seeded).await;
    hold_around_the_room(&s, id, &m).await;
    // No outcome kept: the start-up backfill replays the log once.
    assert_eq!(
        server::oversight::backfill_outcomes(&s.store, &s.live)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        server::oversight::backfill_outcomes(&s.store, &s.live)
            .await
            .unwrap(),
        0
    );

    // The cell proposes its score: the total is kept beside the proposal.
    let secretary = s.http_with(&m[0].cookie);
    let r = secretary
        .put(s.url(&format!("/api/meetings/{id}/score")))
        .json(&json!({"entries": {"1.2": 5, "3.1": 9.5, "3.4": 10, "4.1": 5, "4.4": 5}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    // The upper-level member's visit, its report filed the next day, a plan
    // and an open recommendation.
    let (upper, _) = s.ids_of("capuy.khoi").await;
    let grassroots = s.org_id(GRASSROOTS).await;
    let today = server::clock::today();
    let quarter = (today.month() - 1) / 3 + 1;
    let upper = upper.0;
    let c = cell.0;
    s.exec(&format!(
        "INSERT INTO visits (visitor_id, cell_id, meeting_id, date, source, recorded_by, recorded_at)
         VALUES ({upper}, {c}, {id}, '{today}', 'live', {upper}, '{today} 09:00:00')"
    ))
    .await;
    let filed = today + Duration::days(1);
    s.exec(&format!(
        "INSERT INTO visit_reports (visit_id, content, ideology, issues, filed_on, filed_at)
         SELECT id, 'Nội dung thiết thực', 'Ổn định', 'Cần chuẩn bị dự thảo sớm', '{filed}', '{filed} 10:00:00'
         FROM visits WHERE meeting_id = {id}"
    ))
    .await;
    s.exec(&format!(
        "INSERT INTO visit_plans (committee_id, year, quarter, visitor_id, cell_id, created_by, created_at)
         VALUES ({grassroots}, {}, {quarter}, {upper}, {c}, {upper}, '{today} 08:00:00')",
        today.year()
    ))
    .await;
    s.exec(&format!(
        "INSERT INTO visit_recommendations (visit_id, cell_id, seq, text)
         SELECT id, {c}, 0, 'Gửi dự thảo nghị quyết trước 3 ngày' FROM visits WHERE meeting_id = {id}"
    ))
    .await;

    // A member of the grassroots committee (the secretary of cell A).
    let committee = s.login("bithu.a").await;
    let month = this_month();
    let path = format!("/api/organizations/{grassroots}/oversight?from={month}&to={month}");
    let r = committee
        .get(s.url(&path))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip"),
        "the facts are gzipped"
    );
    let (status, body) = get(&committee, &s, &path).await;
    assert_eq!(status, 200, "{body}");
    let facts: OversightFacts = serde_json::from_value(body).unwrap();
    assert_eq!(
        facts.cells.id.len(),
        5,
        "the 4 demo cells and the seeded one"
    );
    let rows = ov::cell_months(&facts);
    let i = cell_index(&facts, "Chi bộ Theo dõi");
    let row = rows.iter().find(|r| r.cell == i).unwrap();
    assert_eq!(row.status, SlotStatus::Held);
    assert!(row.held);
    assert_eq!(row.registered_on_time, Some(true));
    assert_eq!(row.attendance_permille, Some(1000), "4 of 4");
    assert_eq!(row.spoke_permille, Some(250), "1 of the 4 present");
    assert!(row.cell_tenths.is_some_and(|t| t > 0), "{row:?}");
    assert_eq!(row.upper_tenths, None, "not confirmed");
    assert_eq!(
        (row.visits, row.reports_on_time, row.reports_late),
        (1, 1, 0)
    );
    assert_eq!(row.open_recommendations, 1);
    let seeds = ov::seed_figures(&facts, &rows);
    assert_eq!((seeds.cells, seeds.cells_visited, seeds.visits), (5, 1, 1));
    assert_eq!(seeds.reports_on_time_permille, Some(1000));
    let lines = ov::by_visitor(&facts);
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (lines[0].planned, lines[0].visits, lines[0].planned_visited),
        (1, 1, 1)
    );

    // The workbook holds the same numbers.
    let r = committee
        .get(s.url(&path.replace("/oversight?", "/oversight.xlsx?")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        server::oversight::SHEETS.map(String::from)
    );
    let cells = sheet(&mut book, "Chi bộ theo tháng");
    assert_eq!(cells[0][0], Data::String("Chi bộ".into()));
    assert_eq!(cells[0][7], Data::String("Tỷ lệ dự họp (%)".into()));
    let line = cells
        .iter()
        .find(|l| l[0] == Data::String("Chi bộ Theo dõi".into()))
        .unwrap();
    assert_eq!(line[3], Data::String("Đã họp".into()));
    assert_eq!(number(&line[7]), Some(100.0));
    assert_eq!(number(&line[8]), Some(25.0));
    assert_eq!(number(&line[9]), row.cell_tenths_f64());
    assert_eq!(number(&line[11]), Some(1.0));
    assert_eq!(number(&line[12]), Some(1.0));
    assert_eq!(number(&line[13]), Some(1.0));
    assert_eq!(
        cells.len(),
        1 + 5,
        "a header and one line per cell and month"
    );
    let figures = sheet(&mut book, "Số liệu tổng hợp");
    let value = |label: &str| {
        figures
            .iter()
            .find(|l| l[0] == Data::String(label.into()))
            .and_then(|l| number(&l[1]))
    };
    assert_eq!(value("Lượt dự sinh hoạt"), Some(1.0));
    assert_eq!(value("Tỷ lệ chi bộ được dự (%)"), Some(20.0));
    assert_eq!(value("Tỷ lệ báo cáo đúng hạn (%)"), Some(100.0));
    let visitors = sheet(&mut book, "Cấp ủy viên dự");
    assert_eq!(visitors[1][0], Data::String("Trịnh Minh Tuấn".into()));
    assert_eq!(number(&visitors[1][3]), Some(1.0));
    s.stop().await;
}

trait TenthsF64 {
    fn cell_tenths_f64(&self) -> Option<f64>;
}

impl TenthsF64 for ov::CellMonth {
    fn cell_tenths_f64(&self) -> Option<f64> {
        self.cell_tenths.map(|t| f64::from(t) / 10.0)
    }
}

async fn the_live_room_keeps_the_outcome_when_it_closes(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Họp trực tuyến", 3).await;
    let mut chair = common::ws::Client::open(&s.base, &m[0].cookie, id)
        .await
        .unwrap();
    chair.hello(None).await;
    let send = |c: Command| serde_json::to_value(c).unwrap();
    let open = chair
        .command(
            "open",
            send(Command::Open {
                confirm_early: true,
            }),
        )
        .await;
    assert_eq!(open["type"], "accepted", "{open}");
    let marks = [
        (m[0].member, Presence::InPerson),
        (m[1].member, Presence::Online),
        (m[2].member, Presence::AbsentWithoutReason),
    ];
    for (n, (member, presence)) in marks.into_iter().enumerate() {
        let r = chair
            .command(
                &format!("mark-{n}"),
                send(Command::Mark {
                    mark: AttendanceMark::new(member, presence),
                }),
            )
            .await;
        assert_eq!(r["type"], "accepted", "{r}");
    }
    let mut member = common::ws::Client::open(&s.base, &m[1].cookie, id)
        .await
        .unwrap();
    member.hello(None).await;
    let r = member
        .command(
            "say",
            json!({"type": "opine", "text": "Đề nghị giao việc rõ người, rõ việc.", "on_behalf_of": null}),
        )
        .await;
    assert_eq!(r["type"], "accepted", "{r}");
    let r = chair.command("close", send(Command::Close)).await;
    assert_eq!(r["type"], "accepted", "{r}");
    // Kept by the room as it closed: nothing left to backfill.
    assert_eq!(
        server::oversight::backfill_outcomes(&s.store, &s.live)
            .await
            .unwrap(),
        0
    );

    let cell = s.cell_of(id).await;
    let month = this_month();
    let c = s.http_with(&m[0].cookie);
    let (status, body) = get(
        &c,
        &s,
        &format!("/api/organizations/{cell}/oversight?from={month}&to={month}"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let facts: OversightFacts = serde_json::from_value(body).unwrap();
    assert_eq!(facts.cells.id, vec![cell], "a cell's own page: itself");
    assert_eq!(facts.meetings.expected, vec![Some(3)]);
    assert_eq!(facts.meetings.present, vec![2]);
    assert_eq!(facts.meetings.speakers, vec![1]);
    let rows = ov::cell_months(&facts);
    assert_eq!(rows[0].attendance_permille, Some(667));
    assert_eq!(rows[0].spoke_permille, Some(500));
    s.stop().await;
}

async fn who_sees_which_cells_and_bad_periods(b: Backend) {
    let s = TestServer::start(b).await;
    let grassroots = s.org_id(GRASSROOTS).await;
    let a = s.org_id(CELL_A).await;
    let bcell = s.org_id(CELL_B).await;
    let month = this_month();
    let q = format!("?from={month}&to={month}");
    // The assigned upper-level member: not the committee, only the cells followed.
    let upper = s.login("capuy.khoi").await;
    let (status, _) = get(
        &upper,
        &s,
        &format!("/api/organizations/{grassroots}/oversight{q}"),
    )
    .await;
    assert_eq!(status, 404);
    let (status, body) = get(
        &upper,
        &s,
        &format!("/api/organizations/{bcell}/oversight{q}"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["cells"]["id"], json!([bcell]));
    let (status, _) = get(&upper, &s, &format!("/api/organizations/{a}/oversight{q}")).await;
    assert_eq!(status, 404, "a cell not followed");
    // A plain member: their own cell only.
    let member = s.login("dv.a05").await;
    let (status, _) = get(
        &member,
        &s,
        &format!("/api/organizations/{grassroots}/oversight{q}"),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = get(
        &member,
        &s,
        &format!("/api/organizations/{bcell}/oversight.xlsx{q}"),
    )
    .await;
    assert_eq!(status, 404);
    let (status, body) = get(&member, &s, &format!("/api/organizations/{a}/oversight{q}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["cells"]["id"], json!([a]));
    // A revoked account (a committee member until then).
    let (acc, _) = s.ids_of("bithu.b").await;
    let revoked = s.login("bithu.b").await;
    let (status, _) = get(
        &revoked,
        &s,
        &format!("/api/organizations/{grassroots}/oversight{q}"),
    )
    .await;
    assert_eq!(status, 200);
    s.store.set_disabled(acc, true).await.unwrap();
    let (status, body) = get(
        &revoked,
        &s,
        &format!("/api/organizations/{grassroots}/oversight{q}"),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body["cells"].is_null());

    let committee = s.login("bithu.a").await;
    let base = format!("/api/organizations/{grassroots}/oversight");
    for (query, words) in [
        ("?from=2020-01&to=2025-01", "5 năm"),
        ("?from=2026-05&to=2026-01", "trước"),
        ("?from=2026-13&to=2026-12", "NNNN-TT"),
        ("?from=tháng-năm", "NNNN-TT"),
        ("?from=1999-01&to=1999-02", "2000"),
        ("?from=2026-01&to=2026-01&from=2026-02", "dạng"),
    ] {
        for path in [base.clone(), format!("{base}.xlsx")] {
            let (status, body) = get(&committee, &s, &format!("{path}{query}")).await;
            assert_eq!(status, 400, "{path}{query}: {body}");
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(message.contains(words), "{query}: {message}");
        }
    }
    let (status, _) = get(&committee, &s, "/api/organizations/999999/oversight").await;
    assert_eq!(status, 404);
    let (status, body) = get(&committee, &s, &format!("{base}?from=2021-02&to=2026-01")).await;
    assert_eq!(status, 200, "exactly 60 months: {body}");
    s.stop().await;
}

on_both_backends!(
    a_committee_sees_the_cell_s_month_and_the_workbook_says_the_same,
    the_live_room_keeps_the_outcome_when_it_closes,
    who_sees_which_cells_and_bad_periods,
);

/// A database written before outcomes and proposed totals were kept: the next
/// instance to start fills both in the background (a second instance on the
/// same PostgreSQL schema starts as a restarted server would).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_starting_instance_backfills_outcomes_and_proposed_totals() {
    let s = TestServer::start(Backend::Postgres).await;
    let (seeded, m) = s.seed_cell("Chi bộ Dữ liệu cũ", 4).await;
    let cell = s.cell_of(seeded).await;
    let id = s.registered_on_time(seeded).await;
    hold_around_the_room(&s, id, &m).await;
    let secretary = s.http_with(&m[0].cookie);
    let r = secretary
        .put(s.url(&format!("/api/meetings/{id}/score")))
        .json(&json!({"entries": {"1.2": 5, "3.1": 9.5, "3.4": 10, "4.1": 5, "4.4": 5}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    s.exec("UPDATE meeting_scores SET proposed_tenths = NULL")
        .await;
    s.exec("DELETE FROM meeting_outcomes").await;

    let restarted = s.second_instance().await;
    let c = restarted.http_with(&m[0].cookie);
    let month = this_month();
    let path = format!("/api/organizations/{cell}/oversight?from={month}&to={month}");
    let started = std::time::Instant::now();
    loop {
        let (status, body) = get(&c, &restarted, &path).await;
        assert_eq!(status, 200, "{body}");
        let facts: OversightFacts = serde_json::from_value(body).unwrap();
        let i = facts
            .meetings
            .id
            .iter()
            .position(|x| *x == MeetingId(id))
            .unwrap();
        if facts.meetings.expected[i].is_some() && facts.meetings.cell_tenths[i].is_some() {
            assert_eq!(facts.meetings.expected[i], Some(4));
            assert_eq!(facts.meetings.speakers[i], 1);
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "never backfilled"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    restarted.stop().await;
    s.stop().await;
}
