//! The bloc-sized demo data (`--demo-data bloc`), scaled down: the same
//! generator with a size parameter, on SQLite and PostgreSQL. Checks the
//! shape (organizations, cells per grassroots organization, members per
//! cell), that the facts agree with each other (every outcome's meeting is
//! closed, present ≤ expected, speakers ≤ present, visits to held meetings,
//! reports after their visit…), that the same seed gives the same rows,
//! that the meetings with a live record score and verify through the API,
//! and that ids given by the generator leave the database usable.

use crate::common;

use chrono::NaiveDate;
use common::{Backend, TestServer};
use serde_json::Value;
use server::demo::bloc::{self, BlocSize, RECORDS_FOR_GRASSROOTS};
use shared::org::OrgKind;
use std::collections::{BTreeMap, HashMap, HashSet};

const SIZE: BlocSize = BlocSize {
    grassroots: 4,
    cells: 14,
};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
}

/// Rows by table, each parsed.
async fn tables(s: &TestServer) -> HashMap<String, Vec<Value>> {
    let mut out: HashMap<String, Vec<Value>> = HashMap::new();
    for (table, row) in s.every_row().await {
        out.entry(table)
            .or_default()
            .push(serde_json::from_str(&row).expect("row json"));
    }
    out
}

fn int(v: &Value, k: &str) -> i64 {
    v[k].as_i64().unwrap_or_else(|| panic!("{k} in {v}"))
}

/// The date part of a stored date or time, whatever the database's format.
fn date(v: &Value, k: &str) -> String {
    let s = v[k].as_str().unwrap_or_else(|| panic!("{k} in {v}"));
    s[..10].to_string()
}

async fn a_small_bloc_is_whole_and_consistent(backend: Backend) {
    let s = TestServer::start_empty(backend).await;
    let summary = bloc::seed_if_empty(&s.store, SIZE, today())
        .await
        .expect("seed")
        .expect("an empty database is seeded");
    assert_eq!((summary.grassroots, summary.cells), (4, 14));
    assert!(
        bloc::seed_if_empty(&s.store, SIZE, today())
            .await
            .expect("second call")
            .is_none(),
        "a database with data is left alone"
    );

    let t = tables(&s).await;
    let rows = |name: &str| t.get(name).cloned().unwrap_or_default();

    // The tree: one bloc, 4 grassroots organizations under it, 14 cells, at least 2 each.
    let orgs = rows("organizations");
    let kind_of: HashMap<i64, String> = orgs
        .iter()
        .map(|o| (int(o, "id"), o["kind"].as_str().unwrap_or("").to_string()))
        .collect();
    let count = |k: OrgKind| kind_of.values().filter(|x| *x == k.as_str()).count();
    assert_eq!(count(OrgKind::PartyCommittee), 1);
    assert_eq!(count(OrgKind::GrassrootsCommittee), 4);
    assert_eq!(count(OrgKind::Cell), 14);
    let mut cells_of: BTreeMap<i64, usize> = BTreeMap::new();
    let mut cell_parent: HashMap<i64, i64> = HashMap::new();
    for o in &orgs {
        if o["kind"] == "cell" {
            let parent = int(o, "parent_id");
            assert_eq!(kind_of[&parent], "grassroots_committee");
            *cells_of.entry(parent).or_default() += 1;
            cell_parent.insert(int(o, "id"), parent);
        }
    }
    assert!(cells_of.values().all(|n| *n >= 2), "{cells_of:?}");
    assert_eq!(
        cells_of.values().copied().collect::<Vec<_>>(),
        bloc::cells_per_grassroots(SIZE)
    );

    // Members: 3 to 40 a cell, each a valid record with one secretary.
    let members = rows("members");
    assert_eq!(members.len(), summary.members);
    for cell in cell_parent.keys() {
        let roll = s
            .store
            .members_of(shared::OrgId(*cell))
            .await
            .expect("members");
        assert!(
            (3..=40).contains(&roll.len()),
            "cell {cell}: {}",
            roll.len()
        );
        for m in &roll {
            assert_eq!(m.draft.problems(today()), vec![], "{:?}", m.draft);
        }
        assert_eq!(
            roll.iter()
                .filter(|m| m.draft.role == shared::member::CellRole::Secretary)
                .count(),
            1
        );
    }

    // Meetings: in the twelve months before November 2026; closed, or
    // registered and cancelled.
    let meetings = rows("meetings");
    assert_eq!(meetings.len(), summary.meetings);
    let mut meeting_of: HashMap<i64, &Value> = HashMap::new();
    for m in &meetings {
        let day = date(m, "starts_at");
        assert!(
            ("2025-11-01".."2026-11-01").contains(&day.as_str()),
            "{day}"
        );
        assert!(
            date(m, "registered_at") <= day,
            "registered after the day: {m}"
        );
        match m["status"].as_str() {
            Some("closed") => assert!(m["cancelled_at"].is_null()),
            Some("scheduled") => assert!(!m["cancelled_at"].is_null()),
            other => panic!("status {other:?}"),
        }
        meeting_of.insert(int(m, "id"), m);
    }
    let closed = meetings.iter().filter(|m| m["status"] == "closed").count();
    assert_eq!(closed, summary.held);
    // Most cells meet most months: at least 10 of 12 regular meetings on average.
    assert!(closed >= 14 * 10, "{closed} held");

    // Outcomes: one per closed meeting, figures that add up.
    let outcomes = rows("meeting_outcomes");
    assert_eq!(outcomes.len(), closed);
    for o in &outcomes {
        let m = meeting_of[&int(o, "meeting_id")];
        assert_eq!(m["status"], "closed");
        assert_eq!(int(o, "cell_id"), int(m, "cell_id"));
        assert_eq!(date(o, "held_on"), date(m, "starts_at"));
        let (expected, present) = (int(o, "expected"), int(o, "present"));
        assert!(present <= expected && expected > 0, "{o}");
        assert!(
            int(o, "speakers") >= 1 && int(o, "speakers") <= present,
            "{o}"
        );
        assert!(
            present + int(o, "excused") + int(o, "absent") >= expected,
            "{o}"
        );
        assert!((60..=180).contains(&int(o, "duration_minutes")), "{o}");
    }
    let held: HashSet<i64> = outcomes.iter().map(|o| int(o, "meeting_id")).collect();

    // Scores: only of held meetings; a confirmation has its total, band, who and when.
    let scores = rows("meeting_scores");
    assert!(
        scores.len() * 10 >= closed * 8,
        "{} of {closed}",
        scores.len()
    );
    let mut confirmed = 0;
    for sc in &scores {
        assert!(held.contains(&int(sc, "meeting_id")));
        let proposed = int(sc, "proposed_tenths");
        assert!((0..=1000).contains(&proposed));
        if sc["confirmed_by"].is_null() {
            assert!(sc["final_tenths"].is_null() && sc["final_band"].is_null());
        } else {
            confirmed += 1;
            let t = int(sc, "final_tenths");
            assert!((0..=1000).contains(&t) && t <= proposed, "{sc}");
            assert!(!sc["final_band"].is_null() && !sc["upper_entries"].is_null());
            assert!(date(sc, "confirmed_at") >= date(sc, "proposed_at"));
            assert!(date(sc, "confirmed_at").as_str() < "2026-11-01");
        }
    }
    assert!(
        confirmed * 10 >= scores.len() * 7,
        "{confirmed} of {}",
        scores.len()
    );

    // Visits: to a held meeting of that cell, on its day; reports after it.
    let visits = rows("visits");
    assert_eq!(visits.len(), summary.visits);
    assert!(!visits.is_empty());
    let mut visit_date: HashMap<i64, String> = HashMap::new();
    let mut visited_cells = HashSet::new();
    for v in &visits {
        let m = meeting_of[&int(v, "meeting_id")];
        assert!(held.contains(&int(v, "meeting_id")));
        assert_eq!(int(v, "cell_id"), int(m, "cell_id"));
        assert_eq!(date(v, "date"), date(m, "starts_at"));
        visit_date.insert(int(v, "id"), date(v, "date"));
        visited_cells.insert(int(v, "cell_id"));
    }
    let reports = rows("visit_reports");
    assert_eq!(reports.len(), summary.reports);
    assert!(reports.len() < visits.len(), "some reports are never filed");
    for r in &reports {
        let visited = &visit_date[&int(r, "visit_id")];
        assert!(&date(r, "filed_on") >= visited);
        assert!(date(r, "filed_on").as_str() < "2026-11-01");
    }
    for rec in rows("visit_recommendations") {
        let answered = rec["status"] != "open";
        assert_eq!(answered, !rec["answered_by"].is_null(), "{rec}");
        assert_eq!(answered, !rec["answered_at"].is_null(), "{rec}");
    }
    let plans = rows("visit_plans");
    assert!(!plans.is_empty());
    for p in &plans {
        assert!((1..=4).contains(&int(p, "quarter")));
        assert!(kind_of.contains_key(&int(p, "cell_id")));
    }

    // The demo grassroots organization's meetings have a real record: it
    // verifies, its minutes are closed, and its score reads as stored.
    assert!(summary.events > 0 && RECORDS_FOR_GRASSROOTS >= 1);
    let first_grassroots = *cells_of.keys().next().expect("a grassroots organization");
    let recorded: Vec<i64> = outcomes
        .iter()
        .filter(|o| cell_parent[&int(o, "cell_id")] == first_grassroots)
        .map(|o| int(o, "meeting_id"))
        .collect();
    let client = s.login(bloc::GRASSROOTS_ACCOUNT).await;
    for id in recorded.iter().take(4) {
        let report: Value = client
            .get(s.url(&format!("/api/meetings/{id}/verify")))
            .send()
            .await
            .expect("verify")
            .json()
            .await
            .expect("report");
        assert!(report["broken_at"].is_null(), "{report}");
        assert!(int(&report, "events") > 5, "{report}");
        let minutes: Value = client
            .get(s.url(&format!("/api/meetings/{id}/minutes")))
            .send()
            .await
            .expect("minutes")
            .json()
            .await
            .expect("minutes json");
        assert!(!minutes["closed_at"].is_null(), "{minutes}");
        let res = client
            .get(s.url(&format!("/api/meetings/{id}/score")))
            .send()
            .await
            .expect("score");
        assert_eq!(res.status(), 200);
        let view: Value = res.json().await.expect("score json");
        let o = outcomes
            .iter()
            .find(|o| int(o, "meeting_id") == *id)
            .expect("outcome");
        assert_eq!(view["facts"]["present"], o["present"], "{view}");
        assert_eq!(view["facts"]["speakers"], o["speakers"], "{view}");
        assert_eq!(
            view["facts"]["minutes_long"], o["duration_minutes"],
            "{view}"
        );
        if let Some(sc) = scores.iter().find(|x| int(x, "meeting_id") == *id)
            && !sc["final_tenths"].is_null()
        {
            let total = view["result"]["final_total"].as_f64().expect("total");
            assert_eq!((total * 10.0).round() as i64, int(sc, "final_tenths"));
        }
    }

    // A meeting held without a record says so, rather than showing empty
    // minutes or a sheet computed from nothing.
    let unrecorded = outcomes
        .iter()
        .find(|o| cell_parent[&int(o, "cell_id")] != first_grassroots)
        .map(|o| int(o, "meeting_id"))
        .expect("a meeting of another grassroots organization");
    let khoi = s.login(bloc::BLOC_ACCOUNT).await;
    for path in ["minutes", "score"] {
        let res = khoi
            .get(s.url(&format!("/api/meetings/{unrecorded}/{path}")))
            .send()
            .await
            .expect(path);
        assert_eq!(res.status(), 409, "{path}");
        let body: Value = res.json().await.expect("error body");
        assert_eq!(
            body["error"]["message"],
            shared::live::minutes::NO_RECORD,
            "{path}"
        );
    }

    // The bloc's account sees the whole bloc.
    let bloc_id = kind_of
        .iter()
        .find(|(_, k)| *k == "party_committee")
        .map(|(id, _)| *id)
        .expect("bloc");
    let res = khoi
        .get(s.url(&format!("/api/organizations/{bloc_id}")))
        .send()
        .await
        .expect("org");
    assert_eq!(res.status(), 200);

    // Ids chosen by the generator: the next ones the database gives are free.
    let grassroots = shared::OrgId(first_grassroots);
    let cell = s
        .store
        .create_organization(Some(grassroots), OrgKind::Cell, "Chi bộ mới")
        .await
        .expect("a new cell after the bulk insert");
    assert!(cell.id.0 > *kind_of.keys().max().expect("ids"));
    let draft = shared::member::MemberDraft {
        full_name: "Đảng Viên Mới".into(),
        gender: shared::member::Gender::Male,
        birth_date: None,
        admitted_on: None,
        full_member_on: None,
        status: shared::member::PartyStatus::Probationary,
        role: shared::member::CellRole::Member,
        card_number: None,
        attached_elsewhere: None,
    };
    let member = s.store.create_member(cell.id, &draft).await;
    assert!(member.is_ok(), "{member:?}");
    s.stop().await;
}

/// The same seed and month give the same rows (but for password salts).
async fn the_same_seed_gives_the_same_bloc(backend: Backend) {
    let mut seen = Vec::new();
    for _ in 0..2 {
        let s = TestServer::start_empty(backend).await;
        bloc::seed_if_empty(&s.store, SIZE, today())
            .await
            .expect("seed");
        let t = tables(&s).await;
        let mut rows: Vec<(String, String)> = Vec::new();
        for name in [
            "organizations",
            "members",
            "meetings",
            "meeting_events",
            "meeting_outcomes",
            "meeting_scores",
            "visit_plans",
            "visits",
            "visit_reports",
            "visit_recommendations",
            "committee_seats",
            "cell_assignments",
        ] {
            for r in t.get(name).cloned().unwrap_or_default() {
                rows.push((name.to_string(), r.to_string()));
            }
        }
        rows.sort();
        seen.push(rows);
        s.stop().await;
    }
    assert!(!seen[0].is_empty());
    assert!(seen[0] == seen[1], "two runs differ");
}

on_both_backends!(
    a_small_bloc_is_whole_and_consistent,
    the_same_seed_gives_the_same_bloc
);
