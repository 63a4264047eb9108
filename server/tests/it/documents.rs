//! The documents of a meeting over HTTP, on SQLite and PostgreSQL: uploads
//! streamed into the database and back byte for byte (up to the limit and
//! one byte over), types told from the content, who may upload, read and
//! delete, the download's headers, who opened what, and late documents.

use crate::common;

use chrono::Duration;
use common::{Backend, Seeded, TestServer};
use serde_json::Value;
use server::storage::Append;
use shared::MeetingId;
use shared::files::MAX_FILE_BYTES;
use shared::meeting::MeetingStatus;
use std::io::{Cursor, Write};

fn pdf(len: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n".to_vec();
    // Not a repeating pattern, so a chunk out of place would show.
    b.extend((0..len.saturating_sub(b.len())).map(|i| (i * 7 + i / 251) as u8));
    b.truncate(len);
    b
}

fn zip_of(names: &[&str]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for n in names {
        z.start_file(*n, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"<x/>").unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn upload_path(meeting: i64, item: i64, name: &str) -> String {
    let mut url = reqwest::Url::parse("http://x/").unwrap();
    url.set_path(&format!("/api/meetings/{meeting}/items/{item}/files"));
    url.query_pairs_mut().append_pair("name", name);
    format!("{}?{}", url.path(), url.query().unwrap_or(""))
}

async fn upload(
    c: &reqwest::Client,
    s: &TestServer,
    meeting: i64,
    item: i64,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let r = c
        .post(s.url(&upload_path(meeting, item, name)))
        .header("origin", s.base.as_str())
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get_json(c: &reqwest::Client, s: &TestServer, path: &str) -> (u16, Value) {
    let r = c.get(s.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn delete(c: &reqwest::Client, s: &TestServer, id: i64) -> u16 {
    c.delete(s.url(&format!("/api/files/{id}")))
        .header("origin", s.base.as_str())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Sends `len` bytes of a PDF with `Transfer-Encoding: chunked` (no length
/// told in advance); the answer's status code.
async fn chunked_upload(s: &TestServer, cookie: &str, path: &str, len: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = s.base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nOrigin: {}\r\n\
         Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        s.base
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let body = pdf(len);
    for part in body.chunks(1 << 20) {
        let mut frame = format!("{:x}\r\n", part.len()).into_bytes();
        frame.extend_from_slice(part);
        frame.extend_from_slice(b"\r\n");
        if tcp.write_all(&frame).await.is_err() {
            break;
        }
    }
    let _ = tcp.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer)
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_string()
}

/// The meeting `seed_cell` made, moved `days` ahead, with member 2 (if any)
/// preparing item 1.
async fn prepare(s: &TestServer, id: i64, m: &[Seeded], days: i64) {
    let meeting = s.store.meeting(MeetingId(id)).await.unwrap().unwrap();
    let mut draft = meeting.draft.clone();
    draft.starts_at = server::clock::now_local() + Duration::days(days);
    draft.agenda[1].preparer_id = m.get(2).map(|p| p.member);
    s.store.update_meeting(meeting.id, &draft).await.unwrap();
}

async fn set_status(s: &TestServer, id: i64, m: &[Seeded], status: MeetingStatus, key: &str) {
    s.store
        .append_batch(&[Append {
            meeting: MeetingId(id),
            command_key: key.into(),
            account: m[0].account,
            at: server::clock::now_local(),
            events: vec![],
            status: Some(status),
            sealed_ballot: None,
        }])
        .await
        .unwrap();
}

/// A file of exactly 20 MB goes in and comes back byte for byte, in chunks;
/// one byte more is refused with 413 and a Vietnamese message, and nothing of
/// it is left behind.
async fn uploads_round_trip_up_to_the_limit(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Tài liệu", 3).await;
    prepare(&s, id, &m, 5).await;
    let secretary = s.http_with(&m[0].cookie);

    let exact = pdf(MAX_FILE_BYTES as usize);
    let (status, file) = upload(&secretary, &s, id, 1, "Báo cáo tháng 12.pdf", exact.clone()).await;
    assert_eq!(status, 201, "{file}");
    assert_eq!(file["size"], MAX_FILE_BYTES);
    assert_eq!(file["kind"], "pdf");
    assert_eq!(file["name"], "Báo cáo tháng 12.pdf");
    // The cell's members are told of it, with the item's title.
    let (_, notices) = get_json(&s.http_with(&m[1].cookie), &s, "/api/me/notifications").await;
    let posted = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["notice"]["kind"] == "document_posted")
        .unwrap_or_else(|| panic!("no notice of the document: {notices}"));
    assert_eq!(posted["notice"]["file_name"], "Báo cáo tháng 12.pdf");
    assert_eq!(posted["notice"]["meeting"]["id"], id);
    let fid = file["id"].as_i64().unwrap();
    let r = secretary
        .get(s.url(&format!("/api/files/{fid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let back = r.bytes().await.unwrap();
    assert_eq!(back.len(), exact.len());
    assert!(back.as_ref() == exact.as_slice(), "the download differs");

    let small = pdf(1000);
    let (status, small_file) = upload(&secretary, &s, id, 1, "nho.pdf", small.clone()).await;
    assert_eq!(status, 201);
    let r = secretary
        .get(s.url(&format!("/api/files/{}", small_file["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap().as_ref(), small.as_slice());

    let over = pdf(MAX_FILE_BYTES as usize + 1);
    let (status, body) = upload(&secretary, &s, id, 1, "qua-lon.pdf", over).await;
    assert_eq!(status, 413, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("quá lớn"),
        "{body}"
    );
    // Over the limit without a declared length: refused while streaming.
    let status = chunked_upload(
        &s,
        &m[0].cookie,
        &upload_path(id, 1, "dong.pdf"),
        MAX_FILE_BYTES as usize + 1,
    )
    .await;
    assert_eq!(status, "413");
    let (_, list) = get_json(&secretary, &s, &format!("/api/meetings/{id}/files")).await;
    assert_eq!(list["files"].as_array().unwrap().len(), 2, "{list}");
    // Refused uploads leave no chunk behind: only the two files' chunks remain.
    let chunks = s
        .every_row()
        .await
        .into_iter()
        .filter(|(t, _)| t == "meeting_file_chunks")
        .count();
    assert_eq!(chunks, 80 + 1, "20 MiB in 256 KiB chunks, and one small");
    s.stop().await;
}

/// The content decides: a renamed program, a zip that is not Office and an
/// empty file are refused; Office files are told apart whatever their name.
async fn types_are_told_from_the_content(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Loại tệp", 3).await;
    prepare(&s, id, &m, 5).await;
    let c = s.http_with(&m[0].cookie);
    let docx = zip_of(&["[Content_Types].xml", "word/document.xml"]);
    let xlsx = zip_of(&["[Content_Types].xml", "xl/workbook.xml"]);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec();
    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F'];
    let webp = b"RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0".to_vec();
    let accepted: [(&str, Vec<u8>, &str, &str); 5] = [
        (
            "Dự thảo nghị quyết.xlsx",
            docx,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "bảng.docx",
            xlsx,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("anh", png, "png", "image/png"),
        ("chup.png", jpeg, "jpeg", "image/jpeg"),
        ("hinh.webp", webp, "webp", "image/webp"),
    ];
    for (name, bytes, kind, media) in accepted {
        let (status, file) = upload(&c, &s, id, 0, name, bytes).await;
        assert_eq!(
            (status, file["kind"].as_str()),
            (201, Some(kind)),
            "{name}: {file}"
        );
        let r = c
            .get(s.url(&format!("/api/files/{}", file["id"])))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-type"], media, "{name}");
    }
    let refused: [(&str, Vec<u8>); 4] = [
        ("setup.pdf", b"MZ\x90\0\x03\0\0\0\x04\0".to_vec()),
        ("tai-lieu.docx", zip_of(&["a.txt", "b.exe"])),
        ("ghi-chu.pdf", "Không phải PDF".as_bytes().to_vec()),
        ("trang.pdf", Vec::new()),
    ];
    for (name, bytes) in refused {
        let (status, body) = upload(&c, &s, id, 0, name, bytes.clone()).await;
        let want = if bytes.is_empty() { 400 } else { 415 };
        assert_eq!(status, want, "{name}: {body}");
        assert!(!body["error"]["message"].as_str().unwrap_or("").is_empty());
    }
    let (_, list) = get_json(&c, &s, &format!("/api/meetings/{id}/files")).await;
    assert_eq!(list["files"].as_array().unwrap().len(), 5);
    s.stop().await;
}

/// The secretary, the chair, the meeting's secretary and the item's preparer
/// upload; a plain member does not; another cell's member sees nothing (404);
/// the upper level reads but does not upload. Deleting: the same people,
/// before the meeting opens. Nothing is added once the meeting is closed (409).
async fn who_uploads_reads_and_deletes(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Quyền", 4).await;
    let (_, other) = s.seed_cell("Chi bộ Khác", 2).await;
    prepare(&s, id, &m, 5).await;
    let secretary = s.http_with(&m[0].cookie);
    let minutes_keeper = s.http_with(&m[1].cookie);
    let preparer = s.http_with(&m[2].cookie);
    let member = s.http_with(&m[3].cookie);
    let stranger = s.http_with(&other[0].cookie);
    let upper = s.login(&server::demo::demo_username('a', 0)).await;
    let list = format!("/api/meetings/{id}/files");

    let (status, body) = upload(&preparer, &s, id, 1, "chuyen-de.pdf", pdf(500)).await;
    assert_eq!(status, 201, "the preparer of item 1: {body}");
    let by_preparer = body["id"].as_i64().unwrap();
    assert_eq!(body["uploaded_by"], "Đảng Viên Số 2");
    assert_eq!(
        upload(&preparer, &s, id, 2, "khac.pdf", pdf(10)).await.0,
        403,
        "not the preparer of item 2"
    );
    assert_eq!(
        upload(&minutes_keeper, &s, id, 2, "a.pdf", pdf(10)).await.0,
        201
    );
    let (status, body) = upload(&member, &s, id, 1, "b.pdf", pdf(10)).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("người chuẩn bị")
    );
    assert_eq!(upload(&upper, &s, id, 1, "c.pdf", pdf(10)).await.0, 403);
    assert_eq!(upload(&stranger, &s, id, 1, "d.pdf", pdf(10)).await.0, 404);
    assert_eq!(
        upload(&secretary, &s, id, 99, "e.pdf", pdf(10)).await.0,
        404
    );
    assert_eq!(
        upload(&secretary, &s, id + 1000, 0, "e.pdf", pdf(10))
            .await
            .0,
        404
    );

    for (who, c) in [("member", &member), ("upper level", &upper)] {
        let (status, body) = get_json(c, &s, &list).await;
        assert_eq!(status, 200, "{who}");
        assert_eq!(body["files"].as_array().unwrap().len(), 2, "{who}");
        assert_eq!(body["uploadable_items"], serde_json::json!([]), "{who}");
        let r = c
            .get(s.url(&format!("/api/files/{by_preparer}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{who} downloads");
    }
    let (_, body) = get_json(&preparer, &s, &list).await;
    assert_eq!(body["uploadable_items"], serde_json::json!([1]));
    assert_eq!(get_json(&stranger, &s, &list).await.0, 404);
    let r = stranger
        .get(s.url(&format!("/api/files/{by_preparer}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "another cell's member");
    assert_eq!(delete(&stranger, &s, by_preparer).await, 404);
    assert_eq!(delete(&member, &s, by_preparer).await, 403);
    assert_eq!(delete(&upper, &s, by_preparer).await, 403);
    assert_eq!(delete(&preparer, &s, by_preparer).await, 204);
    assert_eq!(delete(&preparer, &s, by_preparer).await, 404);

    // Opened: still uploads, no more deletes.
    let (_, kept) = upload(&secretary, &s, id, 0, "giu.pdf", pdf(20)).await;
    set_status(&s, id, &m, MeetingStatus::Live, "open").await;
    assert_eq!(
        upload(&secretary, &s, id, 0, "muon.pdf", pdf(20)).await.0,
        201
    );
    let kept = kept["id"].as_i64().unwrap();
    assert_eq!(delete(&secretary, &s, kept).await, 409);
    // Closed: nothing more.
    set_status(&s, id, &m, MeetingStatus::Closed, "close").await;
    let (status, body) = upload(&secretary, &s, id, 0, "sau.pdf", pdf(20)).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("kết thúc")
    );
    // Still readable after the meeting.
    let r = member
        .get(s.url(&format!("/api/files/{kept}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    s.stop().await;
}

/// A download is an attachment named in ASCII and in UTF-8 (RFC 5987), with
/// the sniffed type and nosniff.
async fn downloads_are_attachments(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Tiêu đề", 2).await;
    prepare(&s, id, &m, 5).await;
    let c = s.http_with(&m[0].cookie);
    let (_, file) = upload(&c, &s, id, 0, "Nghị quyết Đảng ủy.docx", pdf(300)).await;
    assert_eq!(
        file["name"], "Nghị quyết Đảng ủy.docx.pdf",
        "the kind's extension is added"
    );
    let r = c
        .get(s.url(&format!("/api/files/{}", file["id"])))
        .send()
        .await
        .unwrap();
    let h = r.headers();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["content-length"], "300");
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment; "), "{disposition}");
    assert!(
        disposition.contains("filename=\"Nghi quyet Dang uy.docx.pdf\""),
        "{disposition}"
    );
    assert!(
        disposition.contains(
            "filename*=UTF-8''Ngh%E1%BB%8B%20quy%E1%BA%BFt%20%C4%90%E1%BA%A3ng%20%E1%BB%A7y.docx.pdf"
        ),
        "{disposition}"
    );
    s.stop().await;
}

/// Each member sees what they have not opened; those who prepare see how
/// many members of the cell opened each document (the upper level's
/// downloads are not members' and are not counted).
async fn opened_documents_are_counted(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Đã đọc", 4).await;
    prepare(&s, id, &m, 5).await;
    let secretary = s.http_with(&m[0].cookie);
    let preparer = s.http_with(&m[2].cookie);
    let member = s.http_with(&m[3].cookie);
    let upper = s.login(&server::demo::demo_username('a', 0)).await;
    let (_, one) = upload(&preparer, &s, id, 1, "mot.pdf", pdf(100)).await;
    let (_, two) = upload(&secretary, &s, id, 0, "hai.pdf", pdf(100)).await;
    let list = format!("/api/meetings/{id}/files");
    let download = |c: reqwest::Client, f: &Value| {
        let url = s.url(&format!("/api/files/{}", f["id"]));
        async move { assert_eq!(c.get(url).send().await.unwrap().status(), 200) }
    };
    let (_, before) = get_json(&member, &s, &list).await;
    assert!(
        before["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["opened_by_me"] == false)
    );
    assert!(
        before["files"][0].get("opened_count").is_none(),
        "a plain member sees no counts"
    );
    assert_eq!(before["members_on_roll"], 4);
    download(member.clone(), &one).await;
    download(member.clone(), &one).await;
    download(upper.clone(), &one).await;
    download(secretary.clone(), &two).await;
    let (_, after) = get_json(&member, &s, &list).await;
    let by_name = |body: &Value, name: &str| {
        body["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name(&after, "mot.pdf")["opened_by_me"], true);
    assert_eq!(by_name(&after, "hai.pdf")["opened_by_me"], false);
    let (_, seen) = get_json(&secretary, &s, &list).await;
    assert_eq!(
        by_name(&seen, "mot.pdf")["opened_count"],
        1,
        "twice by one member, once by the upper level"
    );
    assert_eq!(by_name(&seen, "hai.pdf")["opened_count"], 1);
    let (_, prep) = get_json(&preparer, &s, &list).await;
    assert_eq!(
        by_name(&prep, "mot.pdf")["opened_count"],
        1,
        "the preparer of item 1"
    );
    assert!(by_name(&prep, "hai.pdf").get("opened_count").is_none());
    s.stop().await;
}

/// Documents uploaded on the meeting's day (less than a day before) are late,
/// in the list and in the meeting's own answer.
async fn late_documents_are_marked(b: Backend) {
    let s = TestServer::start(b).await;
    let (early, m) = s.seed_cell("Chi bộ Đúng hạn", 2).await;
    prepare(&s, early, &m, 3).await;
    let (late, l) = s.seed_cell("Chi bộ Muộn", 2).await;
    // Begun a minute ago: no full day before it.
    let meeting = s.store.meeting(MeetingId(late)).await.unwrap().unwrap();
    let mut draft = meeting.draft.clone();
    draft.starts_at = server::clock::now_local() - Duration::minutes(1);
    s.store.update_meeting(meeting.id, &draft).await.unwrap();

    let c = s.http_with(&m[0].cookie);
    assert_eq!(upload(&c, &s, early, 0, "a.pdf", pdf(10)).await.0, 201);
    let (_, list) = get_json(&c, &s, &format!("/api/meetings/{early}/files")).await;
    assert_eq!(
        (list["late_count"].as_u64(), &list["files"][0]["late"]),
        (Some(0), &Value::Bool(false))
    );
    let (_, meeting) = get_json(&c, &s, &format!("/api/meetings/{early}")).await;
    assert_eq!(meeting["late_documents"], 0);

    let c = s.http_with(&l[0].cookie);
    for name in ["x.pdf", "y.pdf"] {
        assert_eq!(upload(&c, &s, late, 0, name, pdf(10)).await.0, 201);
    }
    let (_, list) = get_json(&c, &s, &format!("/api/meetings/{late}/files")).await;
    assert_eq!(list["late_count"], 2, "{list}");
    assert_eq!(list["files"][0]["late"], true);
    let (_, meeting) = get_json(&c, &s, &format!("/api/meetings/{late}")).await;
    assert_eq!(meeting["late_documents"], 2);
    // Lists of meetings leave the count out rather than guess it.
    let (_, all) = get_json(
        &c,
        &s,
        &format!("/api/organizations/{}/meetings", meeting["cell_id"]),
    )
    .await;
    assert!(all[0].get("late_documents").is_none());
    s.stop().await;
}

on_both_backends!(
    uploads_round_trip_up_to_the_limit,
    types_are_told_from_the_content,
    who_uploads_reads_and_deletes,
    downloads_are_attachments,
    opened_documents_are_counted,
    late_documents_are_marked,
);
