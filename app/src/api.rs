//! The JSON API under `/api`, through the browser's `fetch`: same origin, with the
//! session cookie, JSON bodies. Every failure becomes an [`ApiError`].

use crate::i18n::Texts;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::{
    AccountView, ChangePasswordRequest, Home, ImportReport, ImportRequest, LoginRequest, Me,
    NewAccount, OrgDetail, ResetPasswordRequest, SetDisabledRequest,
};
use shared::followup::{TaskUpdate, TaskView};
use shared::guidance::{
    Guidance, GuidanceDraft, GuidanceFile, GuidanceFileId, GuidanceId, GuidanceList, GuidanceReach,
};
use shared::live::chain::ChainReport;
use shared::live::minutes::Minutes;
use shared::meeting::{Meeting, MeetingDraft};
use shared::member::{Member, MemberDraft};
use shared::notify::{NoticePage, NoticePreferences, UnreadCount};
use shared::org::OrgEntry;
use shared::{AccountId, ErrorBody, ErrorDetail, FieldErrors, MeetingId, MemberId, OrgId};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestCredentials, RequestInit, Response};

/// Weak mountain connections are slow, but a request that hangs forever helps nobody.
const TIMEOUT_MS: u32 = 30_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No answer at all: offline, timed out, or the answer was cut off.
    Network,
    /// The server answered with an error.
    Server { status: u16, detail: ErrorDetail },
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Network => None,
            ApiError::Server { status, .. } => Some(*status),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            ApiError::Network => "network",
            ApiError::Server { detail, .. } => &detail.code,
        }
    }

    /// The session is gone (or never was): the person must log in. (A refused
    /// login is also a 401, but it is an answer to show, not a lost session.)
    pub fn is_unauthenticated(&self) -> bool {
        self.status() == Some(401) && self.code() != "bad_credentials"
    }

    /// Not worth retrying: the answer will be the same.
    pub fn is_final(&self) -> bool {
        matches!(self.status(), Some(400..=499))
    }

    /// The message for people: the server's own words (in the language the
    /// request asked for) when it gave some.
    pub fn message(&self, t: &Texts) -> String {
        match self {
            ApiError::Network => t.network_error.to_string(),
            ApiError::Server { detail, .. } if !detail.message.is_empty() => detail.message.clone(),
            ApiError::Server { .. } => t.server_error.to_string(),
        }
    }

    /// The line above a form's button: the message, or (when the fields carry
    /// their own) that the form has errors, so no message shows twice.
    pub fn summary(&self, t: &Texts) -> String {
        if self.fields().0.is_empty() {
            self.message(t)
        } else {
            t.form_has_errors.to_string()
        }
    }

    pub fn fields(&self) -> FieldErrors {
        match self {
            ApiError::Server { detail, .. } => FieldErrors(detail.fields.clone()),
            ApiError::Network => FieldErrors::default(),
        }
    }

    /// An error made in the browser, shaped like the server's (e.g. a bad id in the address).
    pub fn local(status: u16, code: &str, message: &str) -> ApiError {
        ApiError::Server {
            status,
            detail: ErrorDetail {
                code: code.into(),
                message: message.into(),
                fields: Vec::new(),
            },
        }
    }
}

/// A request's body with its Content-Type.
struct Body {
    content_type: &'static str,
    value: wasm_bindgen::JsValue,
}

async fn send<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<Body>,
) -> Result<T, ApiError> {
    send_within(method, path, body, TIMEOUT_MS).await
}

/// An upload of up to 20 MB over a slow line takes longer than a request.
const UPLOAD_TIMEOUT_MS: u32 = 15 * 60 * 1000;

async fn send_within<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<Body>,
    timeout_ms: u32,
) -> Result<T, ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    init.set_signal(Some(&AbortSignal::timeout_with_u32(timeout_ms)));
    let headers = Headers::new().map_err(|_| ApiError::Network)?;
    let _ = headers.set("Accept", "application/json");
    // The server writes its messages in the language chosen here.
    let _ = headers.set("Accept-Language", crate::i18n::current_lang().code());
    if let Some(body) = &body {
        let _ = headers.set("Content-Type", body.content_type);
        init.set_body(&body.value);
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| ApiError::Network)?
        .unchecked_into();
    let status = response.status();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .map_err(|_| ApiError::Network)?
            .as_string()
            .unwrap_or_default(),
        Err(_) => return Err(ApiError::Network),
    };
    if (200..300).contains(&status) {
        // 204 No Content: `()` reads from `null`.
        let text = if text.trim().is_empty() {
            "null"
        } else {
            &text
        };
        return serde_json::from_str(text).map_err(|_| ApiError::local(status, "bad_answer", ""));
    }
    let detail = serde_json::from_str::<ErrorBody>(&text)
        .map(|b| b.error)
        // A proxy's HTML page or an empty 502: keep the status, let the app word it.
        .unwrap_or_else(|_| ErrorDetail {
            code: format!("http_{status}"),
            message: String::new(),
            fields: Vec::new(),
        });
    Err(ApiError::Server { status, detail })
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    send("GET", path, None).await
}

async fn with_body<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::local(0, "encode", ""))?;
    let body = Body {
        content_type: "application/json",
        value: json.into(),
    };
    send(method, path, Some(body)).await
}

pub async fn login(req: LoginRequest) -> Result<Me, ApiError> {
    with_body("POST", "/api/auth/login", &req).await
}

pub async fn logout() -> Result<(), ApiError> {
    send("POST", "/api/auth/logout", None).await
}

pub async fn me() -> Result<Me, ApiError> {
    get("/api/me").await
}

pub async fn change_password(req: ChangePasswordRequest) -> Result<(), ApiError> {
    with_body("POST", "/api/me/password", &req).await
}

pub async fn home() -> Result<Home, ApiError> {
    get("/api/home").await
}

pub async fn organizations() -> Result<Vec<OrgEntry>, ApiError> {
    get("/api/organizations").await
}

pub async fn organization(id: OrgId) -> Result<OrgDetail, ApiError> {
    get(&format!("/api/organizations/{id}")).await
}

pub async fn members_of(id: OrgId) -> Result<Vec<Member>, ApiError> {
    get(&format!("/api/organizations/{id}/members")).await
}

pub async fn create_member(cell: OrgId, draft: MemberDraft) -> Result<Member, ApiError> {
    with_body(
        "POST",
        &format!("/api/organizations/{cell}/members"),
        &draft,
    )
    .await
}

pub async fn member(id: MemberId) -> Result<Member, ApiError> {
    get(&format!("/api/members/{id}")).await
}

pub async fn update_member(id: MemberId, draft: MemberDraft) -> Result<Member, ApiError> {
    with_body("PUT", &format!("/api/members/{id}"), &draft).await
}

pub async fn import_members(cell: OrgId, req: ImportRequest) -> Result<ImportReport, ApiError> {
    with_body(
        "POST",
        &format!("/api/organizations/{cell}/members/import"),
        &req,
    )
    .await
}

/// An Excel workbook as it is, the content type telling the server to read it so.
pub async fn import_members_xlsx(
    cell: OrgId,
    workbook: &[u8],
    commit: bool,
) -> Result<ImportReport, ApiError> {
    let body = Body {
        content_type: shared::import::XLSX_MEDIA_TYPE,
        value: js_sys::Uint8Array::from(workbook).into(),
    };
    send(
        "POST",
        &format!("/api/organizations/{cell}/members/import?commit={commit}"),
        Some(body),
    )
    .await
}

pub async fn accounts() -> Result<Vec<AccountView>, ApiError> {
    get("/api/accounts").await
}

pub async fn create_account(req: NewAccount) -> Result<AccountView, ApiError> {
    with_body("POST", "/api/accounts", &req).await
}

pub async fn reset_password(id: AccountId, req: ResetPasswordRequest) -> Result<(), ApiError> {
    with_body("POST", &format!("/api/accounts/{id}/password"), &req).await
}

pub async fn set_disabled(id: AccountId, disabled: bool) -> Result<AccountView, ApiError> {
    with_body(
        "PUT",
        &format!("/api/accounts/{id}/disabled"),
        &SetDisabledRequest { disabled },
    )
    .await
}

pub async fn meeting(id: MeetingId) -> Result<Meeting, ApiError> {
    get(&format!("/api/meetings/{id}")).await
}

pub async fn meetings_of(cell: OrgId) -> Result<Vec<Meeting>, ApiError> {
    get(&format!("/api/organizations/{cell}/meetings")).await
}

pub async fn create_meeting(cell: OrgId, draft: MeetingDraft) -> Result<Meeting, ApiError> {
    with_body(
        "POST",
        &format!("/api/organizations/{cell}/meetings"),
        &draft,
    )
    .await
}

pub async fn update_meeting(id: MeetingId, draft: MeetingDraft) -> Result<Meeting, ApiError> {
    with_body("PUT", &format!("/api/meetings/{id}"), &draft).await
}

/// The rule set that applies to an organization, its origin and its own adoptions.
pub async fn rule_set(org: OrgId) -> Result<shared::rules::adoption::RuleSetView, ApiError> {
    get(&format!("/api/organizations/{org}/rule-set")).await
}

/// A committee chooses a rule set from an effective date.
pub async fn choose_rule_set(
    org: OrgId,
    req: shared::rules::adoption::RuleSetRequest,
) -> Result<shared::rules::adoption::RuleSetView, ApiError> {
    with_body("PUT", &format!("/api/organizations/{org}/rule-set"), &req).await
}

/// The facts of every cell below an organization over a period ("YYYY-MM").
pub async fn oversight(
    org: OrgId,
    from: &str,
    to: &str,
) -> Result<shared::oversight::OversightFacts, ApiError> {
    get(&format!(
        "/api/organizations/{org}/oversight?from={from}&to={to}"
    ))
    .await
}

/// The year's review of the cells below a committee (xếp loại chi bộ).
pub async fn year_review(
    org: OrgId,
    year: i32,
) -> Result<shared::classification::YearReview, ApiError> {
    get(&format!("/api/organizations/{org}/year-review/{year}")).await
}

/// The committee decides a cell's level for the year.
pub async fn classify_cell(
    cell: OrgId,
    year: i32,
    req: shared::classification::ClassifyRequest,
) -> Result<shared::classification::CellReview, ApiError> {
    with_body(
        "PUT",
        &format!("/api/organizations/{cell}/classification/{year}"),
        &req,
    )
    .await
}

/// The cells below a committee that have not registered the month's regular meeting.
pub async fn unregistered_cells(
    org: OrgId,
    year: i32,
    month: u32,
) -> Result<shared::calendar::RegistrationReport, ApiError> {
    get(&format!(
        "/api/organizations/{org}/unregistered?year={year}&month={month}"
    ))
    .await
}

/// The committee reminds the cells that have not registered the month.
pub async fn remind_unregistered(
    org: OrgId,
    year: i32,
    month: u32,
) -> Result<shared::calendar::RemindReport, ApiError> {
    let req = shared::calendar::RemindRequest {
        year: i64::from(year),
        month: i64::from(month),
    };
    with_body(
        "POST",
        &format!("/api/organizations/{org}/unregistered/remind"),
        &req,
    )
    .await
}

pub async fn reschedule_meeting(
    id: MeetingId,
    starts_at: chrono::NaiveDateTime,
    reason: String,
) -> Result<Meeting, ApiError> {
    let req = shared::calendar::RescheduleRequest { starts_at, reason };
    with_body("POST", &format!("/api/meetings/{id}/reschedule"), &req).await
}

pub async fn cancel_meeting(id: MeetingId, reason: String) -> Result<Meeting, ApiError> {
    let req = shared::calendar::CancelRequest { reason };
    with_body("POST", &format!("/api/meetings/{id}/cancel"), &req).await
}

pub async fn verify(id: MeetingId) -> Result<ChainReport, ApiError> {
    get(&format!("/api/meetings/{id}/verify")).await
}

pub async fn minutes(id: MeetingId) -> Result<Minutes, ApiError> {
    get(&format!("/api/meetings/{id}/minutes")).await
}

pub async fn meeting_score(id: MeetingId) -> Result<shared::scoring::ScoreView, ApiError> {
    get(&format!("/api/meetings/{id}/score")).await
}

pub async fn propose_score(
    id: MeetingId,
    req: shared::scoring::ProposeRequest,
) -> Result<shared::scoring::ScoreView, ApiError> {
    with_body("PUT", &format!("/api/meetings/{id}/score"), &req).await
}

pub async fn confirm_score(
    id: MeetingId,
    req: shared::scoring::UpperRequest,
) -> Result<shared::scoring::ScoreView, ApiError> {
    with_body("PUT", &format!("/api/meetings/{id}/score/upper"), &req).await
}

pub async fn comment_score(
    id: MeetingId,
    text: String,
) -> Result<shared::scoring::ScoreComment, ApiError> {
    let req = shared::scoring::CommentRequest { text };
    with_body("POST", &format!("/api/meetings/{id}/score/comments"), &req).await
}

pub async fn year_view(cell: OrgId, year: i32) -> Result<shared::calendar::YearView, ApiError> {
    get(&format!("/api/organizations/{cell}/year?year={year}")).await
}

pub async fn my_tasks() -> Result<Vec<TaskView>, ApiError> {
    get("/api/me/tasks").await
}

pub async fn meeting_tasks(id: MeetingId) -> Result<Vec<TaskView>, ApiError> {
    get(&format!("/api/meetings/{id}/tasks")).await
}

pub async fn update_task(
    id: MeetingId,
    index: usize,
    update: TaskUpdate,
) -> Result<TaskView, ApiError> {
    with_body("PUT", &format!("/api/meetings/{id}/tasks/{index}"), &update).await
}

pub async fn meeting_files(id: MeetingId) -> Result<shared::files::MeetingFiles, ApiError> {
    get(&format!("/api/meetings/{id}/files")).await
}

/// A document as the file input gave it, sent whole as the request's body
/// (the browser streams it); its name in the address, its type told by the
/// server from the content.
pub async fn upload_file(
    id: MeetingId,
    item: u32,
    file: &web_sys::File,
) -> Result<shared::files::MeetingFile, ApiError> {
    let name = js_sys::encode_uri_component(&file.name());
    let body = Body {
        content_type: "application/octet-stream",
        value: file.clone().into(),
    };
    send_within(
        "POST",
        &format!("/api/meetings/{id}/items/{item}/files?name={name}"),
        Some(body),
        UPLOAD_TIMEOUT_MS,
    )
    .await
}

pub async fn delete_file(id: shared::files::FileId) -> Result<(), ApiError> {
    send("DELETE", &format!("/api/files/{id}"), None).await
}

// A committee's monthly guidance (định hướng sinh hoạt).

/// This month's guidance that applies to an organization.
pub async fn guidance_of(org: OrgId) -> Result<GuidanceList, ApiError> {
    get(&format!("/api/organizations/{org}/guidance")).await
}

pub async fn create_guidance(org: OrgId, draft: GuidanceDraft) -> Result<Guidance, ApiError> {
    with_body(
        "POST",
        &format!("/api/organizations/{org}/guidance"),
        &draft,
    )
    .await
}

/// One post; the server records that I opened it.
pub async fn guidance(id: GuidanceId) -> Result<Guidance, ApiError> {
    get(&format!("/api/guidance/{id}")).await
}

pub async fn delete_guidance(id: GuidanceId) -> Result<(), ApiError> {
    send("DELETE", &format!("/api/guidance/{id}"), None).await
}

pub async fn guidance_reach(id: GuidanceId) -> Result<GuidanceReach, ApiError> {
    get(&format!("/api/guidance/{id}/reach")).await
}

/// A document sent whole as the body, as `upload_file`.
pub async fn upload_guidance_file(
    id: GuidanceId,
    file: &web_sys::File,
) -> Result<GuidanceFile, ApiError> {
    let name = js_sys::encode_uri_component(&file.name());
    let body = Body {
        content_type: "application/octet-stream",
        value: file.clone().into(),
    };
    send_within(
        "POST",
        &format!("/api/guidance/{id}/files?name={name}"),
        Some(body),
        UPLOAD_TIMEOUT_MS,
    )
    .await
}

pub async fn delete_guidance_file(id: GuidanceFileId) -> Result<(), ApiError> {
    send("DELETE", &format!("/api/guidance/files/{id}"), None).await
}

// Preparing a meeting: absence requests and opinions sent in advance.

pub async fn preparation(id: MeetingId) -> Result<shared::preparation::Preparation, ApiError> {
    get(&format!("/api/meetings/{id}/preparation")).await
}

pub async fn request_absence(
    id: MeetingId,
    draft: shared::preparation::AbsenceRequestDraft,
) -> Result<shared::preparation::AbsenceRequest, ApiError> {
    with_body("PUT", &format!("/api/meetings/{id}/absence"), &draft).await
}

pub async fn withdraw_absence(id: MeetingId) -> Result<(), ApiError> {
    send("DELETE", &format!("/api/meetings/{id}/absence"), None).await
}

pub async fn decide_absence(
    id: MeetingId,
    member: MemberId,
    decision: shared::preparation::AbsenceDecision,
) -> Result<shared::preparation::AbsenceRequest, ApiError> {
    let path = format!("/api/meetings/{id}/absences/{member}/decision");
    with_body("PUT", &path, &decision).await
}

pub async fn send_advance_opinion(
    id: MeetingId,
    item: usize,
    draft: shared::preparation::AdvanceOpinionDraft,
) -> Result<shared::preparation::AdvanceOpinion, ApiError> {
    let path = format!("/api/meetings/{id}/advance-opinions/{item}");
    with_body("PUT", &path, &draft).await
}

pub async fn withdraw_advance_opinion(id: MeetingId, item: usize) -> Result<(), ApiError> {
    let path = format!("/api/meetings/{id}/advance-opinions/{item}");
    send("DELETE", &path, None).await
}

pub async fn notifications(before: Option<i64>) -> Result<NoticePage, ApiError> {
    match before {
        Some(b) => get(&format!("/api/me/notifications?before={b}")).await,
        None => get("/api/me/notifications").await,
    }
}

/// The unread count alone (the bell).
pub async fn unread_notifications() -> Result<u32, ApiError> {
    get::<NoticePage>("/api/me/notifications?limit=1")
        .await
        .map(|p| p.unread)
}

pub async fn mark_notification_read(id: i64) -> Result<UnreadCount, ApiError> {
    send("POST", &format!("/api/me/notifications/{id}/read"), None).await
}

pub async fn mark_all_notifications_read() -> Result<UnreadCount, ApiError> {
    send("POST", "/api/me/notifications/read-all", None).await
}

pub async fn notice_preferences() -> Result<NoticePreferences, ApiError> {
    get("/api/me/notification-preferences").await
}

pub async fn set_notice_preferences(
    prefs: NoticePreferences,
) -> Result<NoticePreferences, ApiError> {
    with_body("PUT", "/api/me/notification-preferences", &prefs).await
}

pub async fn push_key() -> Result<shared::push::PushKey, ApiError> {
    get("/api/push/key").await
}

pub async fn subscribe_push(
    subscription: shared::push::PushSubscription,
) -> Result<shared::push::PushDevices, ApiError> {
    with_body("PUT", "/api/me/push-subscriptions", &subscription).await
}

pub async fn unsubscribe_push(endpoint: String) -> Result<(), ApiError> {
    with_body(
        "DELETE",
        "/api/me/push-subscriptions",
        &shared::push::PushEndpoint { endpoint },
    )
    .await
}

// Upper-level visits (dự sinh hoạt chi bộ).

/// A committee's plan of a quarter with its review.
pub async fn visit_plan(
    committee: OrgId,
    year: i32,
    quarter: u32,
) -> Result<shared::visits::VisitPlan, ApiError> {
    get(&format!(
        "/api/organizations/{committee}/visit-plan?year={year}&quarter={quarter}"
    ))
    .await
}

pub async fn set_visit_plan(
    committee: OrgId,
    year: i32,
    quarter: u32,
    draft: shared::visits::PlanDraft,
) -> Result<shared::visits::VisitPlan, ApiError> {
    with_body(
        "PUT",
        &format!("/api/organizations/{committee}/visit-plan?year={year}&quarter={quarter}"),
        &draft,
    )
    .await
}

pub async fn assign_follower(
    committee: OrgId,
    req: shared::visits::FollowAssignment,
) -> Result<(), ApiError> {
    with_body(
        "POST",
        &format!("/api/organizations/{committee}/assignments"),
        &req,
    )
    .await
}

pub async fn unassign_follower(
    committee: OrgId,
    account: AccountId,
    cell: OrgId,
) -> Result<(), ApiError> {
    send(
        "DELETE",
        &format!("/api/organizations/{committee}/assignments/{account}/{cell}"),
        None,
    )
    .await
}

pub async fn my_visits() -> Result<shared::visits::VisitList, ApiError> {
    get("/api/me/visits").await
}

pub async fn cell_visits(cell: OrgId) -> Result<shared::visits::VisitList, ApiError> {
    get(&format!("/api/organizations/{cell}/visits")).await
}

pub async fn record_visit(
    cell: OrgId,
    req: shared::visits::InPersonVisit,
) -> Result<shared::visits::VisitView, ApiError> {
    with_body("POST", &format!("/api/organizations/{cell}/visits"), &req).await
}

pub async fn file_visit_report(
    visit: shared::visits::VisitId,
    draft: shared::visits::ReportDraft,
) -> Result<shared::visits::VisitView, ApiError> {
    with_body("POST", &format!("/api/visits/{visit}/report"), &draft).await
}

pub async fn recommendations(cell: OrgId) -> Result<shared::visits::RecommendationList, ApiError> {
    get(&format!("/api/organizations/{cell}/recommendations")).await
}

pub async fn answer_recommendation(
    id: shared::visits::RecommendationId,
    answer: shared::visits::RecommendationAnswer,
) -> Result<shared::visits::Recommendation, ApiError> {
    with_body("PUT", &format!("/api/recommendations/{id}/answer"), &answer).await
}

// Exemplary commitments (cam kết nêu gương) and inspections (kiểm tra đảng viên).

pub async fn member_commitments(
    member: MemberId,
    year: i32,
) -> Result<shared::commitments::MemberCommitments, ApiError> {
    get(&format!("/api/members/{member}/commitments/{year}")).await
}

pub async fn register_commitments(
    member: MemberId,
    year: i32,
    draft: shared::commitments::CommitmentDraft,
) -> Result<shared::commitments::MemberCommitments, ApiError> {
    with_body(
        "PUT",
        &format!("/api/members/{member}/commitments/{year}"),
        &draft,
    )
    .await
}

pub async fn review_commitments(
    member: MemberId,
    year: i32,
    draft: shared::commitments::ReviewDraft,
) -> Result<shared::commitments::MemberCommitments, ApiError> {
    with_body(
        "PUT",
        &format!("/api/members/{member}/commitments/{year}/review"),
        &draft,
    )
    .await
}

pub async fn cell_commitments(
    cell: OrgId,
    year: i32,
) -> Result<shared::commitments::CellCommitments, ApiError> {
    get(&format!("/api/organizations/{cell}/commitments/{year}")).await
}

pub async fn cell_inspections(
    cell: OrgId,
    year: i32,
) -> Result<shared::inspections::CellInspections, ApiError> {
    get(&format!(
        "/api/organizations/{cell}/inspections?year={year}"
    ))
    .await
}

pub async fn record_inspection(
    cell: OrgId,
    draft: shared::inspections::InspectionDraft,
) -> Result<shared::inspections::Inspection, ApiError> {
    with_body(
        "POST",
        &format!("/api/organizations/{cell}/inspections"),
        &draft,
    )
    .await
}

pub async fn delete_inspection(id: shared::inspections::InspectionId) -> Result<(), ApiError> {
    send("DELETE", &format!("/api/inspections/{id}"), None).await
}

pub async fn inspection_progress(
    org: OrgId,
    year: i32,
) -> Result<shared::inspections::InspectionProgress, ApiError> {
    get(&format!(
        "/api/organizations/{org}/inspection-progress?year={year}"
    ))
    .await
}

// The yearly rating of members (đánh giá, xếp loại đảng viên).

pub async fn my_rating(year: i32) -> Result<shared::appraisal::RatingSheet, ApiError> {
    get(&format!("/api/me/rating/{year}")).await
}

pub async fn save_my_rating(
    year: i32,
    draft: shared::appraisal::SelfDraft,
) -> Result<shared::appraisal::RatingSheet, ApiError> {
    with_body("PUT", &format!("/api/me/rating/{year}"), &draft).await
}

pub async fn my_ratings() -> Result<Vec<shared::appraisal::HistoryYear>, ApiError> {
    get("/api/me/ratings").await
}

pub async fn rating_board(
    org: OrgId,
    year: i32,
) -> Result<shared::appraisal::RatingBoard, ApiError> {
    get(&format!("/api/organizations/{org}/rating/{year}")).await
}

pub async fn open_rating(cell: OrgId, year: i32) -> Result<(), ApiError> {
    send(
        "POST",
        &format!("/api/organizations/{cell}/rating/{year}/open"),
        None,
    )
    .await
}

pub async fn appraise_member(
    cell: OrgId,
    year: i32,
    member: MemberId,
    appraisal: shared::appraisal::Appraisal,
) -> Result<(), ApiError> {
    with_body(
        "PUT",
        &format!("/api/organizations/{cell}/rating/{year}/members/{member}/appraisal"),
        &appraisal,
    )
    .await
}

pub async fn decide_member(
    cell: OrgId,
    year: i32,
    member: MemberId,
    decision: shared::appraisal::Decision,
) -> Result<(), ApiError> {
    with_body(
        "PUT",
        &format!("/api/organizations/{cell}/rating/{year}/members/{member}/decision"),
        &decision,
    )
    .await
}

pub async fn reopen_rating(
    cell: OrgId,
    year: i32,
    req: shared::appraisal::ReopenRequest,
) -> Result<(), ApiError> {
    with_body(
        "POST",
        &format!("/api/organizations/{cell}/rating/{year}/reopen"),
        &req,
    )
    .await
}
