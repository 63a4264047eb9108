//! A committee's monthly guidance over HTTP, on SQLite and PostgreSQL: the
//! committee posts, every cell below sees it and nobody else does, its
//! documents (limits and types as meetings' documents), the committee's list
//! of cells that opened it, and the news item of a regular meeting
//! registered in that month filled from it.

use crate::common;

use chrono::{Datelike, Duration, NaiveDateTime};
use common::{Backend, CELL_A, CELL_B, GRASSROOTS, TestServer};
use serde_json::{Value, json};
use shared::OrgId;
use shared::files::MAX_FILE_BYTES;
use shared::guidance::{Guidance, GuidanceFile, GuidanceList, GuidanceReach, MAX_TEXT_CHARS};
use shared::meeting::{MeetingKind, NEWS_ITEM_TITLE, standard_agenda};
use shared::org::OrgKind;

/// Sits on the grassroots committee (the deputy secretary of cell A).
const COMMITTEE: &str = "dv.a02";
/// A plain member of cell A.
const MEMBER_A: &str = "dv.a05";
const BLOC: &str = "Đảng bộ Khối các cơ quan tỉnh";

fn pdf(len: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n".to_vec();
    b.extend((0..len.saturating_sub(b.len())).map(|i| (i * 7 + i / 251) as u8));
    b.truncate(len);
    b
}

async fn get(c: &reqwest::Client, s: &TestServer, path: &str) -> (u16, Value) {
    let r = c.get(s.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn post(c: &reqwest::Client, s: &TestServer, path: &str, body: Value) -> (u16, Value) {
    let r = c
        .post(s.url(path))
        .header("origin", s.base.as_str())
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn delete(c: &reqwest::Client, s: &TestServer, path: &str) -> u16 {
    c.delete(s.url(path))
        .header("origin", s.base.as_str())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn upload(
    c: &reqwest::Client,
    s: &TestServer,
    post_id: i64,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let mut url = reqwest::Url::parse(&s.url(&format!("/api/guidance/{post_id}/files"))).unwrap();
    url.query_pairs_mut().append_pair("name", name);
    let r = c
        .post(url)
        .header("origin", s.base.as_str())
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A member of a cell under another grassroots committee of the bloc.
async fn outsider(s: &TestServer) -> reqwest::Client {
    use shared::member::{CellRole, Gender, MemberDraft, PartyStatus};
    let bloc = OrgId(s.org_id(BLOC).await);
    let other = s
        .store
        .create_organization(Some(bloc), OrgKind::GrassrootsCommittee, "Đảng bộ Sở Y tế")
        .await
        .unwrap();
    let cell = s
        .store
        .create_organization(Some(other.id), OrgKind::Cell, "Chi bộ Phòng Nghiệp vụ Y")
        .await
        .unwrap();
    let member = s
        .store
        .create_member(
            cell.id,
            &MemberDraft {
                full_name: "Hoàng Thị Lan".into(),
                gender: Gender::Female,
                birth_date: None,
                admitted_on: None,
                full_member_on: None,
                status: PartyStatus::Full,
                role: CellRole::Secretary,
                card_number: None,
                attached_elsewhere: None,
            },
        )
        .await
        .unwrap();
    let (_, cookie) = s
        .account_with_session("Hoàng Thị Lan", Some(member.id))
        .await;
    s.http_with(&cookie)
}

/// A member of the bloc's committee, above the grassroots committee.
async fn bloc_committee(s: &TestServer) -> reqwest::Client {
    let bloc = OrgId(s.org_id(BLOC).await);
    let (id, cookie) = s.account_with_session("Đỗ Văn Khối", None).await;
    s.store.add_committee_seat(id, bloc).await.unwrap();
    s.http_with(&cookie)
}

fn this_month() -> (i32, u32) {
    let t = server::clock::today();
    (t.year(), t.month())
}

fn draft(title: &str, (year, month): (i32, u32)) -> Value {
    json!({
        "title": title,
        "year": year,
        "month": month,
        "text": "Quán triệt Nghị quyết của Đảng ủy; chuẩn bị Đại hội chi bộ.",
    })
}

async fn post_guidance(
    c: &reqwest::Client,
    s: &TestServer,
    title: &str,
    ym: (i32, u32),
) -> Guidance {
    let g = s.org_id(GRASSROOTS).await;
    let (status, body) = post(
        c,
        s,
        &format!("/api/organizations/{g}/guidance"),
        draft(title, ym),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    serde_json::from_value(body).unwrap()
}

/// The committee posts; the cells below see it and are told; a member of
/// another committee's cell, a member below posting, a level above posting
/// and bad input are refused as the other routes refuse them.
async fn the_committee_posts_and_the_cells_below_see_it(b: Backend) {
    let s = TestServer::start(b).await;
    let g = s.org_id(GRASSROOTS).await;
    let a = s.org_id(CELL_A).await;
    let committee = s.login(COMMITTEE).await;
    let ym = this_month();
    let posted = post_guidance(&committee, &s, "Định hướng sinh hoạt chi bộ tháng này", ym).await;
    assert!(posted.manageable);
    assert_eq!(posted.committee, GRASSROOTS);
    assert_eq!((posted.year, posted.month), ym);

    // A member of a cell below: the month's list, marked new, then opened.
    let member = s.login(MEMBER_A).await;
    let list_path = format!(
        "/api/organizations/{a}/guidance?year={}&month={}",
        ym.0, ym.1
    );
    let (status, body) = get(&member, &s, &list_path).await;
    assert_eq!(status, 200, "{body}");
    let list: GuidanceList = serde_json::from_value(body).unwrap();
    assert!(!list.may_post);
    assert_eq!(list.posts.len(), 1);
    assert_eq!(list.posts[0].id, posted.id);
    assert!(!list.posts[0].opened_by_me && !list.posts[0].manageable);
    let (status, one) = get(&member, &s, &format!("/api/guidance/{}", posted.id)).await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(
        one["text"],
        "Quán triệt Nghị quyết của Đảng ủy; chuẩn bị Đại hội chi bộ."
    );
    let (_, body) = get(&member, &s, &list_path).await;
    let list: GuidanceList = serde_json::from_value(body).unwrap();
    assert!(list.posts[0].opened_by_me);
    // Without a month: this month. Another month: nothing.
    let (_, body) = get(&member, &s, &format!("/api/organizations/{a}/guidance")).await;
    assert_eq!(body["posts"].as_array().unwrap().len(), 1, "{body}");
    let (_, body) = get(
        &member,
        &s,
        &format!("/api/organizations/{a}/guidance?year=2001&month=1"),
    )
    .await;
    assert_eq!(body["posts"], json!([]));
    // The committee's own page lists it, with the right to post.
    let (_, body) = get(&committee, &s, &format!("/api/organizations/{g}/guidance")).await;
    assert_eq!(body["may_post"], true, "{body}");
    assert_eq!(body["posts"][0]["id"], posted.id.0);

    // The cells' members are told.
    let (_, notices) = get(&member, &s, "/api/me/notifications").await;
    let told = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["notice"]["kind"] == "guidance_posted")
        .unwrap_or_else(|| panic!("no notice of the guidance: {notices}"));
    assert_eq!(told["notice"]["guidance"]["id"], posted.id.0);

    // A member of another committee's cell sees nothing of it.
    let stranger = outsider(&s).await;
    assert_eq!(
        get(&stranger, &s, &format!("/api/guidance/{}", posted.id))
            .await
            .0,
        404
    );
    assert_eq!(
        get(&stranger, &s, &format!("/api/organizations/{g}/guidance"))
            .await
            .0,
        404
    );
    let (_, notices) = get(&stranger, &s, "/api/me/notifications").await;
    assert_eq!(notices["items"], json!([]), "{notices}");
    // The level above sees it, but posts on its own page only.
    let upper = bloc_committee(&s).await;
    assert_eq!(
        get(&upper, &s, &format!("/api/guidance/{}", posted.id))
            .await
            .0,
        200
    );
    let (status, _) = post(
        &upper,
        &s,
        &format!("/api/organizations/{g}/guidance"),
        draft("Trên", ym),
    )
    .await;
    assert_eq!(status, 403);
    let bloc = s.org_id(BLOC).await;
    let (status, body) = post(
        &upper,
        &s,
        &format!("/api/organizations/{bloc}/guidance"),
        draft("Hướng dẫn của Đảng ủy Khối", ym),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    // The bloc's guidance reaches the cell too, before the committee's own.
    let (_, body) = get(&member, &s, &list_path).await;
    let list: GuidanceList = serde_json::from_value(body).unwrap();
    let titles: Vec<&str> = list.posts.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Hướng dẫn của Đảng ủy Khối",
            "Định hướng sinh hoạt chi bộ tháng này"
        ]
    );

    // A member below may not post: the committee is not theirs to see (404);
    // a cell posts no guidance (404).
    let (status, _) = post(
        &member,
        &s,
        &format!("/api/organizations/{g}/guidance"),
        draft("Không", ym),
    )
    .await;
    assert_eq!(status, 404);
    let admin = s.login("quantri").await;
    let (status, _) = post(
        &admin,
        &s,
        &format!("/api/organizations/{a}/guidance"),
        draft("Chi bộ", ym),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        delete(&member, &s, &format!("/api/guidance/{}", posted.id)).await,
        403
    );

    // Bad input.
    let path = format!("/api/organizations/{g}/guidance");
    let mut bad = draft("Tháng mười ba", ym);
    bad["month"] = json!(13);
    let (status, body) = post(&committee, &s, &path, bad).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "month");
    let mut long = draft("Quá dài", ym);
    long["text"] = json!("ư".repeat(MAX_TEXT_CHARS + 1));
    let (status, body) = post(&committee, &s, &path, long).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "text");
    let (status, body) = post(&committee, &s, &path, draft("  ", ym)).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (422, Some("title"))
    );
    for q in ["month=13", "month=0", "year=1999", "year=abc"] {
        let (status, _) = get(&member, &s, &format!("/api/organizations/{a}/guidance?{q}")).await;
        assert_eq!(status, 400, "{q}");
    }

    // The committee removes its post.
    assert_eq!(
        delete(&committee, &s, &format!("/api/guidance/{}", posted.id)).await,
        204
    );
    assert_eq!(
        get(&member, &s, &format!("/api/guidance/{}", posted.id))
            .await
            .0,
        404
    );
    s.stop().await;
}

/// Documents: as meetings' documents, up to 20 MB, typed from the content,
/// downloaded as attachments by the cells below, attached by the committee only.
async fn documents_are_attached_and_downloaded(b: Backend) {
    let s = TestServer::start(b).await;
    let committee = s.login(COMMITTEE).await;
    let posted = post_guidance(&committee, &s, "Định hướng sinh hoạt", this_month()).await;
    let id = posted.id.0;
    let body = pdf(600 * 1024);
    let (status, file) = upload(
        &committee,
        &s,
        id,
        "Nghị quyết Đảng ủy tháng này.pdf",
        body.clone(),
    )
    .await;
    assert_eq!(status, 201, "{file}");
    let file: GuidanceFile = serde_json::from_value(file).unwrap();
    assert_eq!(file.name, "Nghị quyết Đảng ủy tháng này.pdf");
    assert_eq!(file.size, body.len() as u64);

    let member = s.login(MEMBER_A).await;
    let r = member
        .get(s.url(&format!("/api/guidance/files/{}", file.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"Nghi quyet Dang uy thang nay.pdf\"")
    );
    assert!(r.bytes().await.unwrap().as_ref() == body.as_slice());
    let (_, one) = get(&member, &s, &format!("/api/guidance/{id}")).await;
    assert_eq!(one["files"][0]["id"], file.id.0);

    let (status, body) = upload(
        &committee,
        &s,
        id,
        "qua-lon.pdf",
        pdf(MAX_FILE_BYTES as usize + 1),
    )
    .await;
    assert_eq!(status, 413, "{body}");
    let (status, body) = upload(
        &committee,
        &s,
        id,
        "setup.pdf",
        b"MZ\x90\0\x03\0\0\0\x04\0".to_vec(),
    )
    .await;
    assert_eq!(status, 415, "{body}");
    let (status, _) = upload(&member, &s, id, "cua-toi.pdf", pdf(1000)).await;
    assert_eq!(status, 403);
    let stranger = outsider(&s).await;
    let (status, _) = upload(&stranger, &s, id, "la.pdf", pdf(1000)).await;
    assert_eq!(status, 404);
    assert_eq!(
        get(&stranger, &s, &format!("/api/guidance/files/{}", file.id))
            .await
            .0,
        404
    );
    // Refused uploads leave nothing: one file, its three chunks.
    let rows = s.every_row().await;
    let count = |t: &str| rows.iter().filter(|(table, _)| table == t).count();
    assert_eq!(
        (count("guidance_files"), count("guidance_file_chunks")),
        (1, 3)
    );

    assert_eq!(
        delete(&member, &s, &format!("/api/guidance/files/{}", file.id)).await,
        403
    );
    assert_eq!(
        delete(&committee, &s, &format!("/api/guidance/files/{}", file.id)).await,
        204
    );
    let (_, one) = get(&member, &s, &format!("/api/guidance/{id}")).await;
    assert_eq!(one["files"], json!([]));
    s.stop().await;
}

/// The committee's list of cells changes when a cell's member opens the post.
async fn the_reach_changes_when_a_cell_opens_it(b: Backend) {
    let s = TestServer::start(b).await;
    let committee = s.login(COMMITTEE).await;
    let posted = post_guidance(&committee, &s, "Định hướng sinh hoạt", this_month()).await;
    let id = posted.id.0;
    let reach_path = format!("/api/guidance/{id}/reach");
    let (status, body) = get(&committee, &s, &reach_path).await;
    assert_eq!(status, 200, "{body}");
    let reach: GuidanceReach = serde_json::from_value(body).unwrap();
    assert_eq!((reach.opened_cells, reach.total_cells), (0, 4));
    // A member of cell B opens it.
    let a = OrgId(s.org_id(CELL_A).await);
    let b_cell = OrgId(s.org_id(CELL_B).await);
    let member_b = s.login("dv.b05").await;
    assert_eq!(
        get(&member_b, &s, &format!("/api/guidance/{id}")).await.0,
        200
    );
    // An assigned visitor opening it counts for no cell.
    let visitor = s.login("capuy.khoi").await;
    assert_eq!(
        get(&visitor, &s, &format!("/api/guidance/{id}")).await.0,
        200
    );
    let (_, body) = get(&committee, &s, &reach_path).await;
    let reach: GuidanceReach = serde_json::from_value(body).unwrap();
    assert_eq!(reach.opened_cells, 1);
    let row = reach.cells.iter().find(|c| c.cell_id == b_cell).unwrap();
    assert!(row.opened);
    assert_eq!(row.openers.len(), 1);
    assert!(!reach.cells.iter().find(|c| c.cell_id == a).unwrap().opened);
    assert!(!reach.cells.last().unwrap().cell.is_empty());
    assert!(reach.cells.last().unwrap().opened, "not opened first");
    // Downloading a document opens it too.
    let (_, file) = upload(&committee, &s, id, "Hướng dẫn.pdf", pdf(2000)).await;
    let member_a = s.login(MEMBER_A).await;
    let r = member_a
        .get(s.url(&format!("/api/guidance/files/{}", file["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, body) = get(&committee, &s, &reach_path).await;
    assert_eq!(body["opened_cells"], 2, "{body}");
    // Members below do not see the committee's list.
    assert_eq!(get(&member_a, &s, &reach_path).await.0, 403);
    assert_eq!(get(&outsider(&s).await, &s, &reach_path).await.0, 404);
    s.stop().await;
}

fn meeting_draft(at: NaiveDateTime) -> Value {
    json!({
        "kind": MeetingKind::Regular,
        "title": "Sinh hoạt chi bộ thường kỳ",
        "starts_at": at,
        "mode": "online",
        "video_link": "https://hop.example.vn/b",
        "chair_id": null,
        "secretary_id": null,
        "agenda": standard_agenda(MeetingKind::Regular),
    })
}

fn news_notes(meeting: &Value) -> String {
    meeting["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == NEWS_ITEM_TITLE)
        .map(|i| i["notes"].as_str().unwrap_or("").to_string())
        .unwrap()
}

/// Registering a regular meeting in the month fills the news item with the
/// month's guidance and its documents; another month's meeting is left alone.
async fn a_regular_meeting_is_prefilled_from_the_guidance(b: Backend) {
    let s = TestServer::start(b).await;
    let committee = s.login(COMMITTEE).await;
    let at = (server::clock::now_local() + Duration::days(5))
        .date()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    let posted = post_guidance(
        &committee,
        &s,
        "Định hướng sinh hoạt chi bộ",
        (at.year(), at.month()),
    )
    .await;
    let (status, _) = upload(
        &committee,
        &s,
        posted.id.0,
        "Nghị quyết số 12-NQ-ĐU.pdf",
        pdf(3000),
    )
    .await;
    assert_eq!(status, 201);
    let secretary = s.login("bithu.b").await;
    let b_cell = s.org_id(CELL_B).await;
    let path = format!("/api/organizations/{b_cell}/meetings");
    let (status, meeting) = post(&secretary, &s, &path, meeting_draft(at)).await;
    assert_eq!(status, 201, "{meeting}");
    let notes = news_notes(&meeting);
    assert!(
        notes.contains(&format!("{GRASSROOTS}: Định hướng sinh hoạt chi bộ")),
        "{notes}"
    );
    assert!(
        notes.contains("Tài liệu: Nghị quyết số 12-NQ-ĐU.pdf"),
        "{notes}"
    );
    // Stored so.
    let (_, again) = get(&secretary, &s, &format!("/api/meetings/{}", meeting["id"])).await;
    assert_eq!(news_notes(&again), notes);
    // A month without guidance: nothing filled.
    let later = at + Duration::days(62);
    let (status, other) = post(&secretary, &s, &path, meeting_draft(later)).await;
    assert_eq!(status, 201, "{other}");
    assert_eq!(news_notes(&other), "");
    // What the secretary typed is kept.
    let mut typed = meeting_draft(at + Duration::hours(2));
    typed["agenda"][1]["notes"] = json!("Chi bộ tự chuẩn bị");
    assert_eq!(typed["agenda"][1]["title"], NEWS_ITEM_TITLE);
    let (status, kept) = post(&secretary, &s, &path, typed).await;
    assert_eq!(status, 201, "{kept}");
    assert_eq!(news_notes(&kept), "Chi bộ tự chuẩn bị");
    s.stop().await;
}

on_both_backends!(
    the_committee_posts_and_the_cells_below_see_it,
    documents_are_attached_and_downloaded,
    the_reach_changes_when_a_cell_opens_it,
    a_regular_meeting_is_prefilled_from_the_guidance,
);
