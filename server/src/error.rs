//! Every failure a request can meet, turned into an HTTP answer in one place.
//! Internal causes are logged, never sent to the client.

use crate::storage::StorageError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::i18n::{Lang, Localized, Message, tr};
use shared::{ErrorBody, ErrorDetail, FieldError, FieldErrors};

tokio::task_local! {
    /// The language of the request being answered.
    static LANG: Lang;
}

/// The language the request asked for (`Accept-Language`), Vietnamese
/// outside a request.
pub fn request_lang() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// Answers the request in the language its `Accept-Language` asks for:
/// English when its first choice is `en…`, else Vietnamese.
pub async fn with_lang(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Vi, Lang::from_accept_language);
    LANG.scope(lang, next.run(req)).await
}

/// A message of an answer, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub Localized);

impl Text {
    pub fn both(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Text {
        Text(Localized::new(code, vi, en))
    }

    pub fn of(message: &(impl Message + ?Sized)) -> Text {
        Text(Localized::of(message))
    }

    pub fn text(&self, lang: Lang) -> &str {
        self.0.text(lang)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text(Lang::Vi))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("Vui lòng đăng nhập.")]
    Unauthenticated,
    #[error("Tên đăng nhập hoặc mật khẩu không đúng.")]
    BadCredentials,
    #[error("Tài khoản đã bị khóa. Vui lòng liên hệ quản trị viên.")]
    AccountDisabled,
    #[error("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {retry_after_secs} giây.")]
    RateLimited { retry_after_secs: u64 },
    #[error(
        "Nhập sai mật khẩu hiện tại quá nhiều lần. Vui lòng thử lại sau {retry_after_secs} giây."
    )]
    PasswordChangeLimited { retry_after_secs: u64 },
    #[error("Yêu cầu không đến từ trang của Chi Bộ Số nên bị từ chối.")]
    ForeignOrigin,
    #[error("Bạn không có quyền thực hiện thao tác này.")]
    Forbidden,
    /// Forbidden, with the reason.
    #[error("{0}")]
    NotAllowed(Text),
    #[error("Không tìm thấy {0}.")]
    NotFound(&'static str),
    #[error("Dữ liệu chưa hợp lệ.")]
    Validation(FieldErrors),
    #[error("{0}")]
    BadRequest(Text),
    #[error("{0}")]
    Conflict(Text),
    #[error("Dữ liệu gửi lên quá lớn.")]
    PayloadTooLarge,
    /// A member list refused as a whole: too large (413) or not a workbook (415).
    #[error("{0}")]
    ImportFile(shared::import::FileError),
    #[error("Chỉ nhận nội dung JSON hoặc tệp Excel (.xlsx).")]
    UnsupportedMediaType,
    /// A meeting's document refused: too large (413), not an accepted type
    /// (415), the meeting closed or opened (409), not one's to add (403).
    #[error("{0}")]
    File(shared::files::FileError),
    #[error("Máy chủ gặp sự cố. Vui lòng thử lại sau.")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// One field's typed message.
    pub fn field(field: &str, message: &(impl Message + ?Sized)) -> ApiError {
        ApiError::Validation(FieldErrors(vec![FieldError::of(field, message)]))
    }

    /// One field's message, written here in both languages.
    pub fn field_both(
        field: &str,
        code: &'static str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> ApiError {
        ApiError::Validation(FieldErrors(vec![FieldError::both(field, code, vi, en)]))
    }

    /// The message for a reader of `lang`.
    pub fn text(&self, lang: Lang) -> String {
        use ApiError::*;
        let t = |vi: &str, en: &str| tr(lang, vi, en).to_string();
        match self {
            Unauthenticated => t("Vui lòng đăng nhập.", "Please log in."),
            BadCredentials => t(
                "Tên đăng nhập hoặc mật khẩu không đúng.",
                "The user name or password is wrong.",
            ),
            AccountDisabled => t(
                "Tài khoản đã bị khóa. Vui lòng liên hệ quản trị viên.",
                "The account is locked. Please contact the administrator.",
            ),
            RateLimited { retry_after_secs } => match lang {
                Lang::Vi => self.to_string(),
                Lang::En => format!(
                    "Too many failed logins. Please try again in {retry_after_secs} seconds."
                ),
            },
            PasswordChangeLimited { retry_after_secs } => match lang {
                Lang::Vi => self.to_string(),
                Lang::En => format!(
                    "The current password was wrong too many times. Please try again in {retry_after_secs} seconds."
                ),
            },
            ForeignOrigin => t(
                "Yêu cầu không đến từ trang của Chi Bộ Số nên bị từ chối.",
                "The request does not come from Chi Bộ Số's own page, so it is refused.",
            ),
            Forbidden => t(
                "Bạn không có quyền thực hiện thao tác này.",
                "You are not allowed to do this.",
            ),
            NotAllowed(m) => m.text(lang).to_string(),
            NotFound(what) => match lang {
                Lang::Vi => self.to_string(),
                Lang::En => format!("{} not found.", thing_en(what)),
            },
            Validation(_) => t("Dữ liệu chưa hợp lệ.", "Some data are not valid."),
            BadRequest(m) | Conflict(m) => m.text(lang).to_string(),
            PayloadTooLarge => t("Dữ liệu gửi lên quá lớn.", "The data sent are too large."),
            ImportFile(e) => e.text(lang),
            UnsupportedMediaType => t(
                "Chỉ nhận nội dung JSON hoặc tệp Excel (.xlsx).",
                "Only JSON or an Excel workbook (.xlsx) is accepted.",
            ),
            File(e) => e.text(lang),
            Internal(_) => t(
                "Máy chủ gặp sự cố. Vui lòng thử lại sau.",
                "The server has a problem. Please try again later.",
            ),
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ApiError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            ApiError::AccountDisabled => (StatusCode::FORBIDDEN, "account_disabled"),
            ApiError::RateLimited { .. } | ApiError::PasswordChangeLimited { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
            }
            ApiError::ForeignOrigin => (StatusCode::FORBIDDEN, "foreign_origin"),
            ApiError::Forbidden | ApiError::NotAllowed(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::ImportFile(e) if e.is_too_large() => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
            }
            ApiError::ImportFile(_) | ApiError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::File(e) => {
                use shared::files::FileError::*;
                match e {
                    TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
                    UnsupportedType => {
                        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
                    }
                    Empty => (StatusCode::BAD_REQUEST, "bad_request"),
                    MeetingClosed | MeetingOpened | TooMany => (StatusCode::CONFLICT, "conflict"),
                    NotPreparer => (StatusCode::FORBIDDEN, "forbidden"),
                }
            }
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> ApiError {
        match e {
            StorageError::Conflict(m) => ApiError::Conflict(Text(m)),
            other => ApiError::Internal(Box::new(other)),
        }
    }
}

impl From<crate::live::LiveError> for ApiError {
    fn from(e: crate::live::LiveError) -> ApiError {
        match e {
            crate::live::LiveError::Storage(e) => e.into(),
            other => ApiError::Internal(Box::new(other)),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = %cause, "internal error");
        }
        let lang = request_lang();
        let fields: Vec<FieldError> = match &self {
            ApiError::Validation(f) => f.0.iter().cloned().map(|f| f.in_lang(lang)).collect(),
            _ => Vec::new(),
        };
        let message = match &self {
            // One field's message is the clearest summary of a one-field problem.
            ApiError::Validation(_) if fields.len() == 1 => fields[0].message.clone(),
            other => other.text(lang),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message,
                fields,
            },
        };
        let mut res = (status, axum::Json(body)).into_response();
        if let ApiError::RateLimited { retry_after_secs }
        | ApiError::PasswordChangeLimited { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(r: axum::extract::rejection::JsonRejection) -> ApiError {
        use axum::extract::rejection::JsonRejection::*;
        match r {
            JsonDataError(e) => {
                let detail = std::error::Error::source(&e)
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                ApiError::BadRequest(describe_data_error(&detail))
            }
            JsonSyntaxError(_) => ApiError::BadRequest(Text::both(
                "invalid_json",
                "Nội dung gửi lên không phải JSON hợp lệ.",
                "The content sent is not valid JSON.",
            )),
            MissingJsonContentType(_) => ApiError::BadRequest(Text::both(
                "missing_content_type",
                "Thiếu tiêu đề Content-Type: application/json.",
                "The header Content-Type: application/json is missing.",
            )),
            BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge
            }
            other => ApiError::BadRequest(Text::both(
                "unreadable_body",
                format!("Không đọc được nội dung gửi lên ({}).", other.status()),
                format!("The content sent cannot be read ({}).", other.status()),
            )),
        }
    }
}

impl From<axum::extract::rejection::PathRejection> for ApiError {
    fn from(_: axum::extract::rejection::PathRejection) -> ApiError {
        ApiError::BadRequest(Text::both(
            "bad_path",
            "Mã trong đường dẫn không hợp lệ.",
            "An identifier in the path is not valid.",
        ))
    }
}

/// Says what serde found wrong, naming the field it names.
fn describe_data_error(detail: &str) -> Text {
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_string);
    if detail.contains("unknown field") {
        let field = quoted(detail).unwrap_or_default();
        Text::both(
            "unknown_field",
            format!("Trường “{field}” không được chấp nhận."),
            format!("The field “{field}” is not accepted."),
        )
    } else if detail.contains("missing field") {
        let field = quoted(detail).unwrap_or_default();
        Text::both(
            "missing_field",
            format!("Thiếu trường “{field}”."),
            format!("The field “{field}” is missing."),
        )
    } else {
        // serde_path_to_error puts the field's path before the first ": ".
        match detail.split_once(": ") {
            Some((path, _)) if !path.contains(' ') => Text::both(
                "bad_value",
                format!("Giá trị của trường “{path}” không hợp lệ."),
                format!("The value of the field “{path}” is not valid."),
            ),
            _ => Text::both(
                "bad_format",
                "Dữ liệu gửi lên không đúng định dạng.",
                "The data sent are not in the right format.",
            ),
        }
    }
}

/// The English name of a thing `ApiError::NotFound` names in Vietnamese.
fn thing_en(vi: &str) -> &'static str {
    match vi {
        "buổi sinh hoạt" => "The meeting",
        "chi bộ" => "The cell",
        "đảng viên" => "The member",
        "tài liệu" => "The document",
        "tài khoản" => "The account",
        "cuộc kiểm tra" => "The inspection",
        "lượt dự sinh hoạt" => "The visit",
        "đơn xin vắng" => "The absence request",
        "việc được giao" => "The task",
        "tổ chức" => "The organization",
        "cấp ủy" => "The committee",
        "phân công" => "The assignment",
        "nội dung trong chương trình" | "mục chương trình" => "The agenda item",
        "hồ sơ đảng viên của tài khoản" => "The account's member record",
        "góp ý" => "The opinion",
        "định hướng sinh hoạt" => "The guidance",
        "địa chỉ API này" => "This API address",
        "chi bộ hoặc cấp ủy" => "The cell or committee",
        "cấp ủy (chi bộ không đăng định hướng)" => {
            "The committee (cells post no guidance)"
        }
        "cấp ủy cấp trên" => "The committee above",
        "danh sách đảng viên (chỉ chi bộ mới có)" => {
            "The member list (only cells have one)"
        }
        "kiến nghị" => "The proposal",
        "lịch sinh hoạt (chỉ chi bộ mới đăng ký)" => {
            "The meeting schedule (only cells register one)"
        }
        "thiết bị nhận thông báo đẩy" => "The device for push notifications",
        "thông báo" => "The notification",
        "tổ chức cơ sở đảng" => "The grassroots party organization",
        "tổ chức cấp trên" => "The organization above",
        "đảng viên trong chi bộ" => "The member in the cell",
        // A name not listed yet: said without it rather than in Vietnamese.
        _ => "What was asked for was",
    }
}

/// `Json` whose rejections speak our error format. A JSON number is a number:
/// `30.0` is read as `30` where a whole number is expected, as JSON Schema and
/// JavaScript see it.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(mut value) =
            axum::Json::<serde_json::Value>::from_request(req, state).await?;
        whole_numbers(&mut value);
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| ApiError::BadRequest(describe_data_error(&e.to_string())))
    }
}

/// Turns every number with no fractional part into an integer.
fn whole_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64())
                && f.fract() == 0.0
            {
                // Exact: every float this large is a whole number, and the casts
                // are guarded by the bounds.
                if f >= -(2f64.powi(63)) && f < 2f64.powi(63) {
                    *n = (f as i64).into();
                } else if f >= 0.0 && f < 2f64.powi(64) {
                    *n = (f as u64).into();
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `Path` whose rejections speak our error format.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::describe_data_error;

    #[test]
    fn whole_numbers_written_as_floats_are_integers() {
        let mut v =
            serde_json::json!({"id": 2145.0, "ids": [-3.0, 1.5, 7], "big": 1e19, "huge": 1e300});
        super::whole_numbers(&mut v);
        assert_eq!(v["id"], serde_json::json!(2145));
        assert!(v["id"].is_i64());
        assert_eq!(v["ids"], serde_json::json!([-3, 1.5, 7]));
        assert!(v["big"].is_u64());
        assert!(v["huge"].is_f64(), "beyond any integer type: left as it is");
        #[derive(serde::Deserialize)]
        struct Draft {
            id: shared::MemberId,
            minutes: u16,
        }
        let mut v = serde_json::json!({"id": 12.0, "minutes": 30.0});
        super::whole_numbers(&mut v);
        let d: Draft = serde_json::from_value(v).unwrap();
        assert_eq!((d.id, d.minutes), (shared::MemberId(12), 30));
    }

    #[test]
    fn serde_errors_read_in_both_languages() {
        use shared::i18n::Lang::{En, Vi};
        let unknown = describe_data_error("x: unknown field `x`, expected one of `a`");
        assert_eq!(unknown.text(Vi), "Trường “x” không được chấp nhận.");
        assert_eq!(unknown.text(En), "The field “x” is not accepted.");
        assert_eq!(
            describe_data_error("missing field `password` at line 1").text(Vi),
            "Thiếu trường “password”."
        );
        let bad = describe_data_error(
            "birth_date: input contains invalid characters at line 1 column 20",
        );
        assert_eq!(
            bad.text(Vi),
            "Giá trị của trường “birth_date” không hợp lệ."
        );
        assert_eq!(
            bad.text(En),
            "The value of the field “birth_date” is not valid."
        );
    }

    #[test]
    fn every_fixed_answer_has_english() {
        use super::ApiError::*;
        use shared::i18n::{Lang::En, has_vietnamese};
        for e in [
            Unauthenticated,
            BadCredentials,
            AccountDisabled,
            RateLimited {
                retry_after_secs: 30,
            },
            PasswordChangeLimited {
                retry_after_secs: 30,
            },
            Forbidden,
            NotFound("buổi sinh hoạt"),
            NotFound("tài khoản"),
            Validation(shared::FieldErrors::default()),
            PayloadTooLarge,
            UnsupportedMediaType,
            File(shared::files::FileError::TooLarge),
            ImportFile(shared::import::FileError::NotXlsx),
        ] {
            let en = e.text(En);
            assert!(!en.is_empty() && !has_vietnamese(&en), "{en}");
            assert_eq!(e.text(shared::i18n::Lang::Vi), e.to_string());
        }
    }
}
