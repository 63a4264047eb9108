//! The API's OpenAPI 3 description, generated from the handlers' annotations,
//! then completed with what every operation shares (see [`spec`]).
//! `scripts/schemathesis` checks the server against it.

use crate::routes::{accounts, auth, meetings, members, orgs};
use serde_json::{Map, Value, json};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chi Bộ Số API",
        description = "API của Chi Bộ Số: tổ chức đảng, đảng viên, lịch sinh hoạt, tài khoản. \
            Mọi thời điểm là giờ Việt Nam (UTC+7), không kèm múi giờ."
    ),
    modifiers(&SessionCookie),
    paths(
        crate::healthz,
        crate::openapi_json,
        crate::service_worker,
        auth::login,
        auth::logout,
        auth::me,
        auth::change_password,
        orgs::home,
        orgs::list,
        orgs::detail,
        orgs::create,
        members::list,
        members::create,
        members::get,
        members::update,
        members::import,
        meetings::list,
        meetings::create,
        meetings::get,
        meetings::update,
        crate::routes::live::socket,
        crate::routes::live::stats,
        crate::routes::live::relay,
        crate::routes::live::verify,
        crate::routes::live::minutes,
        crate::routes::live::minutes_docx,
        crate::routes::live::resolution_docx,
        crate::routes::tasks::mine,
        crate::routes::tasks::of_meeting,
        crate::routes::tasks::update,
        crate::routes::scoring::get,
        crate::routes::scoring::propose,
        crate::routes::scoring::confirm,
        crate::routes::scoring::comment,
        accounts::list,
        accounts::create,
        accounts::reset_password,
        accounts::set_disabled,
        accounts::assign,
        accounts::unassign,
        accounts::seat,
        crate::routes::rulesets::get,
        crate::routes::rulesets::put,
        crate::routes::schedule::year,
        crate::routes::schedule::unregistered,
        crate::routes::schedule::remind,
        crate::routes::schedule::cancel,
        crate::routes::schedule::reschedule,
        crate::routes::oversight::get,
        crate::routes::oversight::export,
        crate::routes::classification::review,
        crate::routes::classification::export,
        crate::routes::classification::decide,
        crate::routes::files::list,
        crate::routes::files::upload,
        crate::routes::files::download,
        crate::routes::files::delete,
        crate::routes::guidance::list,
        crate::routes::guidance::create,
        crate::routes::guidance::get,
        crate::routes::guidance::delete,
        crate::routes::guidance::reach,
        crate::routes::guidance::upload,
        crate::routes::guidance::download,
        crate::routes::guidance::delete_file,
        crate::routes::preparation::get,
        crate::routes::preparation::request_absence,
        crate::routes::preparation::withdraw_absence,
        crate::routes::preparation::decide,
        crate::routes::preparation::send_opinion,
        crate::routes::preparation::withdraw_opinion,
        crate::routes::notifications::list,
        crate::routes::notifications::mark_read,
        crate::routes::notifications::mark_all_read,
        crate::routes::notifications::preferences,
        crate::routes::notifications::set_preferences,
        crate::routes::notifications::push_key,
        crate::routes::notifications::subscribe_push,
        crate::routes::notifications::unsubscribe_push,
        crate::routes::visits::plan,
        crate::routes::visits::put_plan,
        crate::routes::visits::assign,
        crate::routes::visits::unassign,
        crate::routes::visits::mine,
        crate::routes::visits::of_cell,
        crate::routes::visits::record_in_person,
        crate::routes::visits::file_report,
        crate::routes::visits::recommendations,
        crate::routes::visits::answer,
        crate::routes::commitments::of_member,
        crate::routes::commitments::register,
        crate::routes::commitments::review,
        crate::routes::commitments::of_cell,
        crate::routes::inspections::of_cell,
        crate::routes::inspections::create,
        crate::routes::inspections::update,
        crate::routes::inspections::delete,
        crate::routes::inspections::progress,
        crate::routes::rating::my_sheet,
        crate::routes::rating::save_mine,
        crate::routes::rating::my_history,
        crate::routes::rating::get_board,
        crate::routes::rating::open,
        crate::routes::rating::appraise,
        crate::routes::rating::decide,
        crate::routes::rating::reopen,
    )
)]
pub struct ApiDoc;

/// The session cookie set by the login is required everywhere else.
struct SessionCookie;

pub const SESSION_SCHEME: &str = "session";

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                SESSION_SCHEME,
                SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                    crate::auth::SESSION_COOKIE,
                    "Phiên đăng nhập, do POST /api/auth/login đặt (HttpOnly).",
                ))),
            );
        openapi.security = Some(vec![SecurityRequirement::new(
            SESSION_SCHEME,
            Vec::<String>::new(),
        )]);
    }
}

/// The document, with what the annotations cannot say once for all:
/// - the answers every operation may give, from the layers and extractors
///   they all pass through ([`shared_answers`]);
/// - the limits the shared rules put on fields ([`limits`]);
/// - local date-times ([`local_date_times`]);
/// - answers that flatten a request draft ([`open_flattened_drafts`]).
pub fn spec() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
    shared_answers(&mut doc);
    limits(&mut doc);
    local_date_times(&mut doc);
    open_flattened_drafts(&mut doc);
    doc
}

pub fn spec_json() -> String {
    serde_json::to_string_pretty(&spec()).unwrap_or_else(|_| "{}".to_string())
}

fn error_answer(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

/// Adds, where an operation's own annotation does not already say it:
/// 401 without a session (every operation but the public ones); 403 for a
/// change from another site (`web::same_origin_only`); 400 for a malformed
/// id in the path or a malformed body (`ApiPath`, `ApiJson`); 404 for an id
/// that names nothing visible; 413 for a body over `MAX_BODY_BYTES`.
fn shared_answers(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            let public = op
                .get("security")
                .and_then(Value::as_array)
                .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(Map::is_empty)));
            let changes = matches!(method.as_str(), "post" | "put" | "patch" | "delete");
            let has_path_id = path.contains('{');
            let has_body = op.contains_key("requestBody");
            let mut add = Vec::new();
            if has_path_id || has_body {
                add.push((
                    "400",
                    "Mã trong đường dẫn hoặc nội dung gửi lên không hợp lệ.",
                ));
            }
            if !public {
                add.push(("401", "Chưa đăng nhập, hoặc phiên đã hết hạn."));
            }
            if changes {
                add.push((
                    "403",
                    "Không có quyền, hoặc yêu cầu không đến từ trang của Chi Bộ Số.",
                ));
            }
            if has_path_id {
                add.push(("404", "Không tìm thấy (hoặc không được xem)."));
            }
            if has_body {
                add.push(("413", "Nội dung gửi lên quá lớn."));
            }
            let responses = op
                .entry("responses")
                .or_insert_with(|| json!({}))
                .as_object_mut();
            if let Some(responses) = responses {
                for (status, description) in add {
                    responses
                        .entry(status)
                        .or_insert_with(|| error_answer(description));
                }
            }
        }
    }
}

/// Account names as `shared::api::check_username` accepts them.
pub const USERNAME_PATTERN: &str = "^[a-z0-9._-]{3,32}$";

/// The limits `shared` sets on request fields, written into their schemas so
/// clients (and schemathesis) know them. Rules a schema cannot state (a date in
/// the past, a chair from another cell, a password of letters only) stay the
/// server's 422 answers.
fn limits(doc: &mut Value) {
    use shared::api::{MAX_DISPLAY_NAME_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
    let password = json!({"minLength": MIN_PASSWORD_CHARS, "maxLength": MAX_PASSWORD_CHARS});
    // Names are compared after their spaces are squeezed: one that is not blank.
    let name = |max: usize| json!({"minLength": 1, "maxLength": max, "pattern": "\\S"});
    let table = [
        ("ChangePasswordRequest", "new_password", password.clone()),
        ("ResetPasswordRequest", "new_password", password.clone()),
        ("NewAccount", "password", password),
        (
            "NewAccount",
            "username",
            json!({"pattern": USERNAME_PATTERN}),
        ),
        ("NewAccount", "display_name", name(MAX_DISPLAY_NAME_CHARS)),
        (
            "NewOrganization",
            "name",
            name(shared::org::MAX_ORG_NAME_CHARS),
        ),
        (
            "MemberDraft",
            "full_name",
            name(shared::member::MAX_NAME_CHARS),
        ),
        (
            "MeetingDraft",
            "agenda",
            json!({"minItems": 1, "maxItems": shared::meeting::MAX_AGENDA_ITEMS}),
        ),
        (
            "TaskUpdate",
            "note",
            json!({"maxLength": shared::followup::MAX_NOTE_CHARS}),
        ),
        (
            "NoticePreferences",
            "email",
            json!({"maxLength": shared::notify::MAX_EMAIL_CHARS}),
        ),
        (
            "PushSubscription",
            "endpoint",
            json!({"minLength": 1, "maxLength": shared::push::MAX_PUSH_ENDPOINT_CHARS}),
        ),
        (
            "PushEndpoint",
            "endpoint",
            json!({"minLength": 1, "maxLength": shared::push::MAX_PUSH_ENDPOINT_CHARS}),
        ),
        // Base64url of the decoded lengths (with or without padding).
        (
            "PushSubscription",
            "p256dh",
            json!({"pattern": "^[A-Za-z0-9_-]{87}=?$"}),
        ),
        (
            "PushSubscription",
            "auth",
            json!({"pattern": "^[A-Za-z0-9_-]{22}(==)?$"}),
        ),
        (
            "AgendaItem",
            "planned_minutes",
            json!({"maximum": u16::MAX}),
        ),
        (
            "CancelRequest",
            "reason",
            json!({"maxLength": shared::calendar::MAX_REASON_CHARS}),
        ),
        (
            "RescheduleRequest",
            "reason",
            json!({"maxLength": shared::calendar::MAX_REASON_CHARS}),
        ),
        (
            "MeetingFile",
            "size",
            json!({"maximum": shared::files::MAX_FILE_BYTES}),
        ),
        (
            "GuidanceDraft",
            "title",
            name(shared::guidance::MAX_TITLE_CHARS),
        ),
        (
            "GuidanceDraft",
            "text",
            json!({"maxLength": shared::guidance::MAX_TEXT_CHARS}),
        ),
        (
            "GuidanceDraft",
            "year",
            json!({"minimum": shared::calendar::MIN_YEAR, "maximum": shared::calendar::MAX_YEAR}),
        ),
        (
            "GuidanceDraft",
            "month",
            json!({"minimum": 1, "maximum": 12}),
        ),
        (
            "GuidanceFile",
            "size",
            json!({"maximum": shared::files::MAX_FILE_BYTES}),
        ),
        (
            "AbsenceRequestDraft",
            "reason",
            json!({"maxLength": shared::preparation::MAX_ABSENCE_REASON_CHARS}),
        ),
        (
            "AbsenceDecision",
            "note",
            json!({"maxLength": shared::preparation::MAX_DECISION_NOTE_CHARS}),
        ),
        (
            "RuleSetRequest",
            "decision",
            json!({"maxLength": shared::rules::adoption::MAX_DECISION_CHARS}),
        ),
        (
            "AdvanceOpinionDraft",
            "text",
            json!({"maxLength": shared::preparation::MAX_ADVANCE_OPINION_CHARS}),
        ),
        (
            "CommentRequest",
            "text",
            json!({"maxLength": shared::scoring::MAX_COMMENT_CHARS}),
        ),
        (
            "ClassifyRequest",
            "reason",
            json!({"maxLength": shared::classification::MAX_REASON_CHARS}),
        ),
        (
            "UpperRequest",
            "reason",
            json!({"maxLength": shared::scoring::MAX_REASON_CHARS}),
        ),
        (
            "ReportDraft",
            "content",
            name(shared::visits::MAX_REPORT_TEXT_CHARS),
        ),
        (
            "ReportDraft",
            "ideology",
            name(shared::visits::MAX_REPORT_TEXT_CHARS),
        ),
        (
            "ReportDraft",
            "issues",
            json!({"maxLength": shared::visits::MAX_REPORT_TEXT_CHARS}),
        ),
        (
            "ReportDraft",
            "proposed_tenths",
            json!({"minimum": 0, "maximum": shared::visits::MAX_PROPOSED_TENTHS}),
        ),
        (
            "ReportDraft",
            "recommendations",
            json!({"maxItems": shared::visits::MAX_RECOMMENDATIONS,
                "items": {"type": "string", "maxLength": shared::visits::MAX_RECOMMENDATION_CHARS}}),
        ),
        (
            "RecommendationAnswer",
            "note",
            json!({"maxLength": shared::visits::MAX_ANSWER_CHARS}),
        ),
        (
            "PlanDraft",
            "entries",
            json!({"maxItems": shared::visits::MAX_PLAN_ENTRIES}),
        ),
        ("PlanEntry", "month", json!({"minimum": 1, "maximum": 12})),
        (
            "CommitmentDraft",
            "items",
            json!({"maxItems": shared::commitments::MAX_ITEMS,
                "items": {"type": "string", "maxLength": shared::commitments::MAX_ITEM_CHARS}}),
        ),
        (
            "ItemReview",
            "note",
            json!({"maxLength": shared::commitments::MAX_NOTE_CHARS}),
        ),
        (
            "InspectionDraft",
            "content",
            name(shared::inspections::MAX_CONTENT_CHARS),
        ),
        (
            "InspectionDraft",
            "conclusion",
            name(shared::inspections::MAX_CONCLUSION_CHARS),
        ),
        (
            "InspectionDraft",
            "follow_up",
            json!({"maxLength": shared::inspections::MAX_FOLLOW_UP_CHARS}),
        ),
        (
            "Appraisal",
            "comment",
            json!({"maxLength": shared::appraisal::MAX_COMMENT_CHARS}),
        ),
        (
            "Decision",
            "note",
            json!({"maxLength": shared::appraisal::MAX_REASON_CHARS}),
        ),
        (
            "ReopenRequest",
            "reason",
            json!({"minLength": 1, "maxLength": shared::appraisal::MAX_REASON_CHARS}),
        ),
    ];
    for (schema, field, extra) in table {
        let pointer = format!("/components/schemas/{schema}/properties/{field}");
        let (Some(target), Value::Object(extra)) = (doc.pointer_mut(&pointer), extra) else {
            debug_assert!(false, "{pointer} is not in the document");
            continue;
        };
        if let Some(target) = target.as_object_mut() {
            target.extend(extra);
        }
    }
}

/// Date-times of the API are local Vietnam times without a zone
/// (`2026-12-20T08:00:00`), not RFC 3339 `date-time`s: real calendar days only
/// (29 February in leap years), as the server reads them.
pub const LOCAL_DATE_TIME_PATTERN: &str = concat!(
    "^(",
    "[0-9]{4}-(",
    "(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])",
    "|(0[469]|11)-(0[1-9]|[12][0-9]|30)",
    "|02-(0[1-9]|1[0-9]|2[0-8])",
    ")",
    "|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26]|00)00)-02-29",
    ")T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?$"
);

fn local_date_times(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.get("format").and_then(Value::as_str) == Some("date-time") {
                o.remove("format");
                o.insert("pattern".into(), json!(LOCAL_DATE_TIME_PATTERN));
                o.insert("example".into(), json!("2026-12-20T08:00:00"));
            }
            o.values_mut().for_each(local_date_times);
        }
        Value::Array(a) => a.iter_mut().for_each(local_date_times),
        _ => {}
    }
}

/// A request draft refuses unknown fields (`additionalProperties: false`); a
/// stored record flattens the draft beside its `id`, so it gets an open copy
/// of the draft instead of a reference that would refuse the `id`.
fn open_flattened_drafts(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
    else {
        return;
    };
    let open = |name: &str| {
        let mut copy = schemas.get(name)?.clone();
        copy.as_object_mut()?.remove("additionalProperties");
        Some(copy)
    };
    let Some(targets) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for schema in targets.values_mut() {
        let Some(parts) = schema.get_mut("allOf").and_then(Value::as_array_mut) else {
            continue;
        };
        for part in parts {
            let closed = part
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .filter(|name| {
                    schemas[*name].get("additionalProperties") == Some(&Value::Bool(false))
                })
                .map(str::to_string);
            if let Some(copy) = closed.as_deref().and_then(open) {
                *part = copy;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn operations(doc: &Value) -> Vec<(String, String, Value)> {
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                out.push((path.clone(), method.clone(), op.clone()));
            }
        }
        out
    }

    #[test]
    fn every_operation_says_its_shared_answers() {
        let doc = spec();
        for (path, method, op) in operations(&doc) {
            let has = |s: &str| op["responses"].get(s).is_some();
            match path.as_str() {
                "/healthz" | "/api/openapi.json" | "/sw.js" => {
                    assert!(!has("401"), "{path} is public")
                }
                // Public too, but a wrong password is a 401 of its own.
                "/api/auth/login" => {}
                _ => assert!(has("401"), "{method} {path}"),
            }
            if path.contains('{') {
                assert!(has("400") && has("404"), "{method} {path}");
            }
            if op.get("requestBody").is_some() {
                assert!(has("400") && has("413"), "{method} {path}");
            }
            if method != "get" {
                assert!(has("403"), "{method} {path}");
            }
        }
    }

    #[test]
    fn field_limits_are_written_where_they_apply() {
        let doc = spec();
        let schema = |s: &str, f: &str| doc["components"]["schemas"][s]["properties"][f].clone();
        assert_eq!(schema("NewAccount", "password")["minLength"], 8);
        assert_eq!(schema("MemberDraft", "full_name")["maxLength"], 100);
        assert_eq!(schema("AgendaItem", "planned_minutes")["maximum"], 65535);
        assert_eq!(
            schema("CommentRequest", "text")["maxLength"],
            shared::scoring::MAX_COMMENT_CHARS
        );
        assert_eq!(
            schema("UpperRequest", "reason")["maxLength"],
            shared::scoring::MAX_REASON_CHARS
        );
        let username = regex::Regex::new(USERNAME_PATTERN).unwrap();
        for name in [
            "dv.b05",
            "ab",
            "abc",
            "a_b-c.d",
            "Dv.b05",
            "dv b05",
            "đv.b05",
            "a23456789012345678901234567890123",
            "a2345678901234567890123456789012",
        ] {
            assert_eq!(
                username.is_match(name),
                shared::api::check_username(name).is_ok(),
                "{name}"
            );
        }
    }

    #[test]
    fn local_date_times_are_real_calendar_days() {
        let pattern = regex::Regex::new(LOCAL_DATE_TIME_PATTERN).unwrap();
        let chrono_reads = |s: &str| s.parse::<chrono::NaiveDateTime>().is_ok() && s.len() >= 19;
        let mut day = chrono::NaiveDate::from_ymd_opt(1896, 1, 1).unwrap();
        while day.year_ce().1 <= 2104 {
            for text in [format!("{day}T08:30:00"), format!("{day}T23:59:59.5")] {
                assert!(pattern.is_match(&text) && chrono_reads(&text), "{text}");
            }
            day = day.succ_opt().unwrap();
        }
        for year in [1900, 2000, 2023, 2024, 2100] {
            for (m, d) in [
                (2, 29),
                (2, 30),
                (4, 31),
                (6, 31),
                (9, 31),
                (11, 31),
                (13, 1),
                (0, 1),
            ] {
                let text = format!("{year}-{m:02}-{d:02}T08:00:00");
                assert_eq!(pattern.is_match(&text), chrono_reads(&text), "{text}");
            }
        }
        for bad in [
            "2026-12-20T08:00",
            "2026-12-20T24:00:00",
            "2026-12-20 08:00:00",
            "2026-12-20T08:00:00+07:00",
        ] {
            assert!(!pattern.is_match(bad), "{bad}");
        }
    }

    #[test]
    fn years_and_months_are_bounded_as_the_calendar_checks() {
        let doc = spec();
        let (min, max) = (shared::calendar::MIN_YEAR, shared::calendar::MAX_YEAR);
        for path in [
            "/api/organizations/{id}/year",
            "/api/organizations/{id}/unregistered",
            "/api/organizations/{id}/guidance",
        ] {
            let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
            let schema = |name: &str| {
                params
                    .iter()
                    .find(|p| p["name"] == name)
                    .map(|p| p["schema"].clone())
                    .unwrap_or_default()
            };
            assert_eq!(
                (&schema("year")["minimum"], &schema("year")["maximum"]),
                (&json!(min), &json!(max)),
                "{path}"
            );
            if !path.ends_with("year") {
                assert_eq!(
                    (&schema("month")["minimum"], &schema("month")["maximum"]),
                    (&json!(1), &json!(12))
                );
            }
        }
        for body in ["RemindRequest", "GuidanceDraft"] {
            let props = &doc["components"]["schemas"][body]["properties"];
            assert_eq!(
                (&props["year"]["minimum"], &props["year"]["maximum"]),
                (&json!(min), &json!(max)),
                "{body}"
            );
            assert_eq!(
                (&props["month"]["minimum"], &props["month"]["maximum"]),
                (&json!(1), &json!(12)),
                "{body}"
            );
        }
    }

    #[test]
    fn the_session_cookie_is_the_security_scheme() {
        let doc = spec();
        assert_eq!(
            doc["components"]["securitySchemes"][SESSION_SCHEME],
            json!({"type": "apiKey", "in": "cookie", "name": "chibo_session",
                   "description": "Phiên đăng nhập, do POST /api/auth/login đặt (HttpOnly)."})
        );
        assert_eq!(doc["security"], json!([{SESSION_SCHEME: []}]));
        assert_eq!(
            doc["paths"]["/api/auth/login"]["post"]["security"],
            json!([{}])
        );
    }

    #[test]
    fn no_rfc3339_date_times_and_no_closed_flattened_drafts() {
        let doc = spec();
        let text = doc.to_string();
        assert!(!text.contains("\"date-time\""), "local times only");
        for name in ["Member", "Meeting"] {
            let schema = &doc["components"]["schemas"][name];
            let parts = schema["allOf"].as_array().expect("flattened");
            assert!(
                parts
                    .iter()
                    .all(|p| p.get("additionalProperties") != Some(&json!(false))),
                "{name}: {schema}"
            );
        }
    }
}
