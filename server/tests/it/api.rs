//! The API against the real server, on SQLite and on PostgreSQL.

use crate::common;

use common::{Backend, CELL_A, CELL_B, CELL_D, GRASSROOTS, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn body(res: reqwest::Response) -> Value {
    res.json().await.expect("json body")
}

/// The error format every failure shares, with a Vietnamese message.
async fn error_code(res: reqwest::Response) -> (StatusCode, String, Value) {
    let status = res.status();
    let b = body(res).await;
    let code = b["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {b}"))
        .to_string();
    assert!(
        !b["error"]["message"].as_str().unwrap_or("").is_empty(),
        "no message in {b}"
    );
    (status, code, b)
}

fn member_json(name: &str) -> Value {
    json!({
        "full_name": name, "gender": "female", "birth_date": "1992-04-30",
        "admitted_on": "2020-05-19", "full_member_on": "2021-05-19",
        "status": "full", "role": "member", "card_number": null
    })
}

async fn login_logout_and_sessions(b: Backend) {
    let s = TestServer::start(b).await;
    let anon = s.client();
    let res = anon.get(s.url("/api/me")).send().await.unwrap();
    assert_eq!(error_code(res).await.1, "unauthenticated");

    let res = anon
        .post(s.url("/api/auth/login"))
        .json(&json!({"username": "bithu.a", "password": "sai-mat-khau1"}))
        .send()
        .await
        .unwrap();
    let (status, code, b) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "bad_credentials")
    );
    assert_eq!(
        b["error"]["message"],
        "Tên đăng nhập hoặc mật khẩu không đúng."
    );

    let res = anon
        .post(s.url("/api/auth/login"))
        .json(&json!({"username": "bithu.a", "password": "chibo2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("chibo_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    let me = body(res).await;
    assert_eq!(me["member"]["role"], "secretary");
    assert_eq!(me["cell"]["name"], CELL_A);

    let me = body(anon.get(s.url("/api/me")).send().await.unwrap()).await;
    assert_eq!(me["account"]["username"], "bithu.a");
    let res = anon.post(s.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = anon.get(s.url("/api/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // A forged cookie is just no session.
    let res = reqwest::Client::new()
        .get(s.url("/api/me"))
        .header("cookie", "chibo_session=00ff")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    s.stop().await;
}

async fn change_password(b: Backend) {
    let s = TestServer::start(b).await;
    let c = s.login("dv.a05").await;
    let other_device = s.login("dv.a05").await;
    let res = c
        .post(s.url("/api/me/password"))
        .json(&json!({"current_password": "khong-dung-1", "new_password": "matkhau-moi-2026"}))
        .send()
        .await
        .unwrap();
    let (status, code, b1) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation")
    );
    assert_eq!(b1["error"]["fields"][0]["field"], "current_password");
    let res = c
        .post(s.url("/api/me/password"))
        .json(&json!({"current_password": "chibo2026", "new_password": "ngan1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(res).await.2["error"]["fields"][0]["field"],
        "new_password"
    );
    let res = c
        .post(s.url("/api/me/password"))
        .json(&json!({"current_password": "chibo2026", "new_password": "matkhau-moi-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        c.get(s.url("/api/me")).send().await.unwrap().status(),
        200,
        "this device stays in"
    );
    assert_eq!(
        other_device
            .get(s.url("/api/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401,
        "other devices log in again"
    );
    let res = s
        .client()
        .post(s.url("/api/auth/login"))
        .json(&json!({"username": "dv.a05", "password": "chibo2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    s.login_with("dv.a05", "matkhau-moi-2026").await;
    s.stop().await;
}

async fn administrator_manages_accounts(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.login("quantri").await;
    let res = admin
        .post(s.url("/api/accounts"))
        .json(&json!({"username": "Sai Tên", "display_name": "", "password": "x"}))
        .send()
        .await
        .unwrap();
    let (status, _, b1) = error_code(res).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = b1["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "display_name", "password"]);

    let res = admin
        .post(s.url("/api/accounts"))
        .json(&json!({"username": "tinh.uy", "display_name": "Lò Văn Sinh", "password": "batdau-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = body(res).await["id"].as_i64().unwrap();
    let res = admin
        .post(s.url("/api/accounts"))
        .json(&json!({"username": "tinh.uy", "display_name": "Trùng", "password": "batdau-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.1, "conflict");

    let user = s.login_with("tinh.uy", "batdau-2026").await;
    let res = admin
        .post(s.url(&format!("/api/accounts/{id}/password")))
        .json(&json!({"new_password": "dat-lai-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        user.get(s.url("/api/me")).send().await.unwrap().status(),
        401,
        "reset ends sessions"
    );
    let user = s.login_with("tinh.uy", "dat-lai-2026").await;

    let res = admin
        .put(s.url(&format!("/api/accounts/{id}/disabled")))
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(body(res).await["disabled"], true);
    assert_eq!(
        user.get(s.url("/api/me")).send().await.unwrap().status(),
        401
    );
    let res = s
        .client()
        .post(s.url("/api/auth/login"))
        .json(&json!({"username": "tinh.uy", "password": "dat-lai-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.1, "account_disabled");
    let list = body(admin.get(s.url("/api/accounts")).send().await.unwrap()).await;
    assert!(list.as_array().unwrap().len() >= 51);
    s.stop().await;
}

async fn each_role_sees_its_part_of_the_tree(b: Backend) {
    let s = TestServer::start(b).await;
    let visible = |entries: &Value| -> Vec<String> {
        entries
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["access"] != "none")
            .map(|e| e["org"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    let member_b = s.login("dv.b05").await;
    let entries = body(
        member_b
            .get(s.url("/api/organizations"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(visible(&entries), [CELL_B]);
    assert_eq!(
        entries.as_array().unwrap().len(),
        3,
        "the cell and its two ancestors for context"
    );

    let upper = s.login("capuy.khoi").await;
    let entries = body(upper.get(s.url("/api/organizations")).send().await.unwrap()).await;
    assert_eq!(visible(&entries), [CELL_B, CELL_D]);
    assert!(
        entries
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["access"] != "manage")
    );

    let committee = s.login("bithu.c").await;
    let entries = body(
        committee
            .get(s.url("/api/organizations"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        visible(&entries).len(),
        5,
        "the grassroots committee and its four cells"
    );
    assert!(visible(&entries).contains(&GRASSROOTS.to_string()));

    let home = body(member_b.get(s.url("/api/home")).send().await.unwrap()).await;
    assert_eq!(home["me"]["cell"]["name"], CELL_B);
    assert_eq!(home["cells"][0]["member_count"], 12);
    s.stop().await;
}

async fn secretary_keeps_the_member_list(b: Backend) {
    let s = TestServer::start(b).await;
    let a = s.org_id(CELL_A).await;
    let bcell = s.org_id(CELL_B).await;
    let sec = s.login("bithu.a").await;

    let mut bad = member_json("");
    bad["birth_date"] = json!("2010-01-01");
    let res = sec
        .post(s.url(&format!("/api/organizations/{a}/members")))
        .json(&bad)
        .send()
        .await
        .unwrap();
    let (status, code, b1) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation")
    );
    let fields: Vec<&str> = b1["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"full_name") && fields.contains(&"admitted_on"),
        "{fields:?}"
    );

    let res = sec
        .post(s.url(&format!("/api/organizations/{a}/members")))
        .json(&member_json("  Hoàng   Thị Lụa "))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created = body(res).await;
    assert_eq!(created["full_name"], "Hoàng Thị Lụa");
    let id = created["id"].as_i64().unwrap();

    let mut edit = member_json("Hoàng Thị Lụa");
    edit["role"] = json!("committee_member");
    let res = sec
        .put(s.url(&format!("/api/members/{id}")))
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(body(res).await["role"], "committee_member");
    let list = body(
        sec.get(s.url(&format!("/api/organizations/{a}/members")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 13);
    assert_eq!(list[0]["role"], "secretary", "the secretary heads the list");

    // The card number is unique across the party.
    let mut dup = member_json("Trùng Thẻ");
    dup["card_number"] = list[0]["card_number"].clone();
    let res = sec
        .post(s.url(&format!("/api/organizations/{a}/members")))
        .json(&dup)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.1, "conflict");

    // A plain member reads but does not edit; a member of another cell does not even see.
    let member_a = s.login("dv.a05").await;
    let res = member_a
        .put(s.url(&format!("/api/members/{id}")))
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.1, "forbidden");
    let member_b = s.login("dv.b03").await;
    let res = member_b
        .put(s.url(&format!("/api/members/{id}")))
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.1, "not_found");
    let res = sec
        .post(s.url(&format!("/api/organizations/{bcell}/members")))
        .json(&member_json("Người Lạ"))
        .send()
        .await
        .unwrap();
    // Secretary A sits on the grassroots committee, so B is visible to read, not to change.
    assert_eq!(error_code(res).await.1, "forbidden");
    s.stop().await;
}

const IMPORT_CSV: &str = "\u{feff}Họ và tên;Ngày sinh;Giới tính;Ngày vào Đảng;Ngày chính thức;Chức vụ;Số thẻ đảng viên\r\n\
    Sùng A Páo;12/03/1985;Nam;19/05/2010;19/05/2011;Đảng viên;77.100001\r\n\
    Giàng Thị Mỷ;01/01/1995;Nữ;02/09/2026;;Đảng viên;\r\n";

async fn csv_import_is_all_or_nothing_and_idempotent(b: Backend) {
    let s = TestServer::start(b).await;
    let d = s.org_id(CELL_D).await;
    let sec = s.login("bithu.d").await;
    let url = s.url(&format!("/api/organizations/{d}/members/import"));
    let count = |v: &Value| v.as_array().unwrap().len();
    let members_url = s.url(&format!("/api/organizations/{d}/members"));
    let before = count(&body(sec.get(&members_url).send().await.unwrap()).await);

    let broken = format!("{IMPORT_CSV}Lầu Văn Chứ;xx/01/1980;Nam;19/05/2010;19/05/2011;;\r\n");
    let report = body(
        sec.post(&url)
            .json(&json!({"csv": broken, "commit": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(report["committed"], false);
    assert_eq!(report["errors"][0]["line"], 4);
    assert_eq!(report["errors"][0]["column"], "Ngày sinh");
    assert_eq!(
        count(&body(sec.get(&members_url).send().await.unwrap()).await),
        before,
        "nothing written"
    );

    let preview = body(
        sec.post(&url)
            .json(&json!({"csv": IMPORT_CSV}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (
            preview["to_create"].as_u64(),
            preview["committed"].as_bool()
        ),
        (Some(2), Some(false))
    );
    let done = body(
        sec.post(&url)
            .json(&json!({"csv": IMPORT_CSV, "commit": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(done["committed"], true);
    let after = body(sec.get(&members_url).send().await.unwrap()).await;
    assert_eq!(count(&after), before + 2);

    let again = body(
        sec.post(&url)
            .json(&json!({"csv": IMPORT_CSV, "commit": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (
            again["to_create"].as_u64(),
            again["to_update"].as_u64(),
            again["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(2))
    );
    assert_eq!(
        body(sec.get(&members_url).send().await.unwrap()).await,
        after,
        "re-import changes nothing"
    );

    let member = s.login("dv.d05").await;
    let res = member
        .post(&url)
        .json(&json!({"csv": IMPORT_CSV}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.1, "forbidden");
    s.stop().await;
}

/// A member list as the offices keep it: dates as date cells, serial numbers
/// or text; card numbers typed as numbers. `bad_row` adds a row 4 with a
/// birth date that is no date.
fn workbook(bad_row: bool) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let header = [
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Ngày vào Đảng",
        "Ngày chính thức",
        "Chức vụ",
        "Số thẻ đảng viên",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let day = |y, m, d| ExcelDateTime::from_ymd(y, m, d).unwrap();
    sheet.write_string(1, 0, "Vàng A Chinh").unwrap();
    sheet
        .write_datetime_with_format(1, 1, day(1984, 7, 1), &date)
        .unwrap();
    sheet.write_string(1, 2, "Nam").unwrap();
    sheet
        .write_datetime_with_format(1, 3, day(2010, 5, 19), &date)
        .unwrap();
    // 19/05/2011 as the serial number Excel keeps.
    sheet.write_number(1, 4, 40682.0).unwrap();
    sheet.write_string(1, 5, "Đảng viên").unwrap();
    sheet.write_number(1, 6, 77100002.0).unwrap();
    sheet.write_string(2, 0, "Thào Thị Dợ").unwrap();
    sheet.write_string(2, 1, "03/03/1996").unwrap();
    sheet.write_string(2, 2, "Nữ").unwrap();
    sheet.write_string(2, 3, "02/09/2026").unwrap();
    if bad_row {
        sheet.write_string(3, 0, "Lầu Văn Chứ").unwrap();
        sheet.write_string(3, 1, "xx/01/1980").unwrap();
        sheet.write_string(3, 2, "Nam").unwrap();
        sheet.write_string(3, 3, "19/05/2010").unwrap();
    }
    book.save_to_buffer().unwrap()
}

const XLSX: &str = shared::import::XLSX_MEDIA_TYPE;

async fn xlsx_import_previews_then_writes_once(b: Backend) {
    let s = TestServer::start(b).await;
    let d = s.org_id(CELL_D).await;
    let sec = s.login("bithu.d").await;
    let url = s.url(&format!("/api/organizations/{d}/members/import"));
    let members_url = s.url(&format!("/api/organizations/{d}/members"));
    let count = |v: &Value| v.as_array().unwrap().len();
    let before = count(&body(sec.get(&members_url).send().await.unwrap()).await);
    let post = |bytes: Vec<u8>, commit: bool| {
        sec.post(format!("{url}?commit={commit}"))
            .header("content-type", XLSX)
            .body(bytes)
            .send()
    };

    let report = body(post(workbook(true), true).await.unwrap()).await;
    assert_eq!(report["committed"], false);
    assert_eq!(report["errors"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["errors"][0]["line"], 4, "the sheet's row");
    assert_eq!(report["errors"][0]["column"], "Ngày sinh");
    assert_eq!(
        count(&body(sec.get(&members_url).send().await.unwrap()).await),
        before,
        "nothing written"
    );

    let preview = body(post(workbook(false), false).await.unwrap()).await;
    assert_eq!(
        (
            preview["to_create"].as_u64(),
            preview["committed"].as_bool()
        ),
        (Some(2), Some(false))
    );
    assert_eq!(preview["rows"][0]["draft"]["full_member_on"], "2011-05-19");
    assert_eq!(preview["rows"][0]["draft"]["card_number"], "77100002");
    assert_eq!(preview["rows"][1]["draft"]["status"], "probationary");

    let done = body(post(workbook(false), true).await.unwrap()).await;
    assert_eq!(done["committed"], true);
    let after = body(sec.get(&members_url).send().await.unwrap()).await;
    assert_eq!(count(&after), before + 2);
    assert!(
        after
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["card_number"] == "77100002" && m["birth_date"] == "1984-07-01"),
        "{after}"
    );

    let again = body(post(workbook(false), true).await.unwrap()).await;
    assert_eq!(
        (
            again["to_create"].as_u64(),
            again["to_update"].as_u64(),
            again["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(2))
    );
    assert_eq!(
        body(sec.get(&members_url).send().await.unwrap()).await,
        after,
        "re-import changes nothing"
    );

    let member = s.login("dv.d05").await;
    let res = member
        .post(&url)
        .header("content-type", XLSX)
        .body(workbook(false))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.1, "forbidden");
    s.stop().await;
}

async fn import_refuses_large_files_and_other_types(b: Backend) {
    use shared::import::{MAX_FILE_BYTES, MAX_ROWS};
    let s = TestServer::start(b).await;
    let d = s.org_id(CELL_D).await;
    let sec = s.login("bithu.d").await;
    let url = s.url(&format!("/api/organizations/{d}/members/import"));
    let send = |content_type: &'static str, bytes: Vec<u8>| {
        sec.post(&url)
            .header("content-type", content_type)
            .body(bytes)
            .send()
    };

    // Over the file limit, under the request limit: the import's own answer.
    let mut big = workbook(false);
    big.resize(MAX_FILE_BYTES + 1, 0);
    let (status, code, b) = error_code(send(XLSX, big).await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    assert_eq!(b["error"]["message"], "Tệp quá lớn (tối đa 1 MB).");
    // Over the request limit.
    let (status, ..) = error_code(send(XLSX, vec![b'P'; 3 * MAX_FILE_BYTES]).await.unwrap()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let long_csv = format!(
        "Họ và tên,Giới tính,Ngày vào Đảng\n{}",
        "x".repeat(MAX_FILE_BYTES)
    );
    let res = sec
        .post(&url)
        .json(&json!({"csv": long_csv}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    let rows = "Hà Văn Một,Nam,01/01/2000\n".repeat(MAX_ROWS + 1);
    let many = format!("Họ và tên,Giới tính,Ngày vào Đảng\n{rows}");
    let res = sec
        .post(&url)
        .json(&json!({"csv": many}))
        .send()
        .await
        .unwrap();
    let (status, _, b) = error_code(res).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        b["error"]["message"].as_str().unwrap().contains("2000"),
        "{b}"
    );

    // The content decides, not the declared type: a PDF, a zip that is no
    // workbook, and CSV bytes sent as a workbook.
    let mut not_a_book = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    not_a_book
        .start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
    std::io::Write::write_all(&mut not_a_book, b"<w:document/>").unwrap();
    let not_a_book = not_a_book.finish().unwrap().into_inner();
    for bytes in [
        b"%PDF-1.4 danh sach".to_vec(),
        not_a_book,
        IMPORT_CSV.as_bytes().to_vec(),
    ] {
        let (status, code, b) = error_code(send(XLSX, bytes).await.unwrap()).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
        );
        assert!(
            b["error"]["message"].as_str().unwrap().contains(".xlsx"),
            "{b}"
        );
    }
    let res = send("application/octet-stream", b"PK\x03\x04".to_vec())
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let res = send("text/csv", IMPORT_CSV.as_bytes().to_vec())
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A workbook sent as octet-stream is still a workbook.
    let res = send("application/octet-stream", workbook(false))
        .await
        .unwrap();
    assert_eq!(body(res).await["to_create"], 2);
    s.stop().await;
}

async fn bad_input_is_a_4xx_never_a_500(b: Backend) {
    let s = TestServer::start(b).await;
    let a = s.org_id(CELL_A).await;
    let sec = s.login("bithu.a").await;
    let members = s.url(&format!("/api/organizations/{a}/members"));
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode)> = vec![
        (
            "malformed JSON",
            sec.post(&members)
                .header("content-type", "application/json")
                .body("{\"full_name\":"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "unknown field",
            sec.post(&members)
                .json(&json!({"full_name": "A", "extra": 1})),
            StatusCode::BAD_REQUEST,
        ),
        (
            "wrong type",
            sec.post(&members).json(&json!({"full_name": 5})),
            StatusCode::BAD_REQUEST,
        ),
        (
            "bad date",
            sec.post(&members).json(&{
                let mut m = member_json("A B");
                m["birth_date"] = json!("30/02/1990");
                m
            }),
            StatusCode::BAD_REQUEST,
        ),
        (
            "bad enum",
            sec.post(&members).json(&{
                let mut m = member_json("A B");
                m["status"] = json!("vip");
                m
            }),
            StatusCode::BAD_REQUEST,
        ),
        (
            "no content type",
            sec.post(&members).body("{}"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "oversized",
            sec.post(&members)
                .header("content-type", "application/json")
                .body(vec![b' '; server::MAX_BODY_BYTES + 10]),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "bad id",
            sec.get(s.url("/api/members/abc")),
            StatusCode::BAD_REQUEST,
        ),
        (
            "huge id",
            sec.get(s.url("/api/members/99999999999999999999999")),
            StatusCode::BAD_REQUEST,
        ),
        (
            "missing id",
            sec.get(s.url("/api/members/987654")),
            StatusCode::NOT_FOUND,
        ),
        (
            "negative org",
            sec.get(s.url("/api/organizations/-1")),
            StatusCode::NOT_FOUND,
        ),
        (
            "unknown API path",
            sec.get(s.url("/api/nothing-here")),
            StatusCode::NOT_FOUND,
        ),
        (
            "wrong method",
            sec.delete(s.url("/api/me")),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ];
    for (name, req, want) in cases {
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), want, "{name}");
        if want != StatusCode::METHOD_NOT_ALLOWED {
            let (_, _, b1) = error_code(res).await;
            assert!(
                b1["error"]["message"]
                    .as_str()
                    .unwrap()
                    .chars()
                    .any(|c| "ạảãàáâăêôơưđ".contains(c)),
                "{name}: Vietnamese message, got {b1}"
            );
        }
    }
    assert_eq!(
        sec.get(s.url("/api/me")).send().await.unwrap().status(),
        200,
        "the server is still up"
    );
    s.stop().await;
}

async fn open_paths_and_the_app_shell(b: Backend) {
    let s = TestServer::start(b).await;
    let anon = s.client();
    let health = anon.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.text().await.unwrap().starts_with("ok"));
    let spec = body(anon.get(s.url("/api/openapi.json")).send().await.unwrap()).await;
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    assert!(spec["paths"]["/api/organizations/{id}/members/import"]["post"].is_object());
    for deep in ["/", "/meetings/42", "/org/3"] {
        let res = anon.get(s.url(deep)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{deep}");
        assert!(
            res.text().await.unwrap().contains("Chi Bộ Số"),
            "{deep} loads the app"
        );
    }
    for closed in [
        "/api/home",
        "/api/organizations",
        "/api/accounts",
        "/api/members/1",
    ] {
        assert_eq!(
            anon.get(s.url(closed)).send().await.unwrap().status(),
            401,
            "{closed}"
        );
    }
    s.stop().await;
}

/// The app's files go out precompressed: brotli when the browser accepts it
/// (browsers ask for it over https), else gzip, else as they are; deep links too.
/// Static files do not touch the database, so one backend is enough.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_goes_out_precompressed() {
    let s = TestServer::start(Backend::Sqlite).await;
    let dir = s.static_dir();
    let plain = "console.log('Chi Bộ Số');";
    std::fs::write(dir.join("app.js"), plain).unwrap();
    std::fs::write(dir.join("app.js.br"), "br-bytes").unwrap();
    std::fs::write(dir.join("app.js.gz"), "gz-bytes").unwrap();
    std::fs::write(dir.join("index.html.br"), "index-br").unwrap();
    let anon = s.client();
    for (accept, encoding, bytes) in [
        ("br, gzip", Some("br"), "br-bytes"),
        ("gzip, deflate", Some("gzip"), "gz-bytes"),
        ("identity", None, plain),
    ] {
        let res = anon
            .get(s.url("/app.js"))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{accept}");
        let got = res
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_string());
        assert_eq!(got.as_deref(), encoding, "{accept}");
        assert_eq!(res.text().await.unwrap(), bytes, "{accept}");
    }
    let deep = anon
        .get(s.url("/meetings/42"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(deep.headers()["content-encoding"], "br");
    assert_eq!(deep.text().await.unwrap(), "index-br");
    s.stop().await;
}

on_both_backends!(
    login_logout_and_sessions,
    change_password,
    administrator_manages_accounts,
    each_role_sees_its_part_of_the_tree,
    secretary_keeps_the_member_list,
    csv_import_is_all_or_nothing_and_idempotent,
    xlsx_import_previews_then_writes_once,
    import_refuses_large_files_and_other_types,
    bad_input_is_a_4xx_never_a_500,
    open_paths_and_the_app_shell,
);

mod meetings {
    use super::common::{Backend, CELL_A, CELL_B, TestServer};
    use super::{body, error_code};
    use reqwest::StatusCode;
    use serde_json::{Value, json};

    fn registration(chair: i64, secretary: i64) -> Value {
        let starts = (chrono::Utc::now() + chrono::Duration::days(10))
            .format("%Y-%m-%dT08:00:00")
            .to_string();
        json!({
            "kind": "regular",
            "title": "Sinh hoạt thường kỳ tháng",
            "starts_at": starts,
            "mode": "hybrid",
            "place": "Phòng họp tầng 2",
            "video_link": "https://hop.example.vn/chibo-van-phong",
            "chair_id": chair,
            "secretary_id": secretary,
            "agenda": shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
        })
    }

    async fn secretary_registers_and_members_see_it(b: Backend) {
        let s = TestServer::start(b).await;
        let a = s.org_id(CELL_A).await;
        let bcell = s.org_id(CELL_B).await;
        let members = s.store.members_of(shared::OrgId(a)).await.unwrap();
        let (chair, secretary) = (members[0].id.0, members[1].id.0);
        let sec = s.login("bithu.a").await;
        let url = s.url(&format!("/api/organizations/{a}/meetings"));

        let mut bad = registration(chair, secretary);
        bad["starts_at"] = json!("2020-01-01T08:00:00");
        bad["video_link"] = json!("");
        bad["secretary_id"] = json!(
            s.store.members_of(shared::OrgId(bcell)).await.unwrap()[0]
                .id
                .0
        );
        let res = sec.post(&url).json(&bad).send().await.unwrap();
        let (status, _, err) = error_code(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = err["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["starts_at", "video_link", "secretary_id"]);

        let res = sec
            .post(&url)
            .json(&registration(chair, secretary))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let meeting = body(res).await;
        assert_eq!(meeting["status"], "scheduled");
        assert_eq!(meeting["agenda"].as_array().unwrap().len(), 9);
        let id = meeting["id"].as_i64().unwrap();

        let mut edit = registration(chair, secretary);
        edit["title"] = json!("Sinh hoạt thường kỳ – đổi giờ");
        let res = sec
            .put(s.url(&format!("/api/meetings/{id}")))
            .json(&edit)
            .send()
            .await
            .unwrap();
        assert_eq!(body(res).await["title"], "Sinh hoạt thường kỳ – đổi giờ");

        // Members of the cell see it on their home page; the upper level assigned to B and D does not.
        let member = s.login("dv.a07").await;
        let home = body(member.get(s.url("/api/home")).send().await.unwrap()).await;
        assert_eq!(home["upcoming_meetings"][0]["id"], id);
        let res = member
            .put(s.url(&format!("/api/meetings/{id}")))
            .json(&edit)
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(res).await.1, "forbidden");
        let upper = s.login("capuy.khoi").await;
        let home = body(upper.get(s.url("/api/home")).send().await.unwrap()).await;
        assert_eq!(home["upcoming_meetings"], json!([]));
        let res = upper
            .get(s.url(&format!("/api/meetings/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(res).await.1, "not_found");
        s.stop().await;
    }

    crate::on_both_backends!(secretary_registers_and_members_see_it);
}
