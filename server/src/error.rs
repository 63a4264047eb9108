//! Every failure a request can meet, turned into an HTTP answer in one place.
//! Internal causes are logged, never sent to the client.

use crate::storage::StorageError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::{ErrorBody, ErrorDetail, FieldError, FieldErrors};

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
    NotAllowed(&'static str),
    #[error("Không tìm thấy {0}.")]
    NotFound(&'static str),
    #[error("Dữ liệu chưa hợp lệ.")]
    Validation(FieldErrors),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
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
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Validation(FieldErrors(vec![FieldError::new(field, message)]))
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
            StorageError::Conflict(m) => ApiError::Conflict(m),
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
        let fields = match &self {
            ApiError::Validation(f) => f.0.clone(),
            _ => Vec::new(),
        };
        let message = match &self {
            // One field's message is the clearest summary of a one-field problem.
            ApiError::Validation(f) if f.0.len() == 1 => f.0[0].message.clone(),
            other => other.to_string(),
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
            JsonSyntaxError(_) => {
                ApiError::BadRequest("Nội dung gửi lên không phải JSON hợp lệ.".into())
            }
            MissingJsonContentType(_) => {
                ApiError::BadRequest("Thiếu tiêu đề Content-Type: application/json.".into())
            }
            BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge
            }
            other => ApiError::BadRequest(format!(
                "Không đọc được nội dung gửi lên ({}).",
                other.status()
            )),
        }
    }
}

impl From<axum::extract::rejection::PathRejection> for ApiError {
    fn from(_: axum::extract::rejection::PathRejection) -> ApiError {
        ApiError::BadRequest("Mã trong đường dẫn không hợp lệ.".into())
    }
}

/// Says in Vietnamese what serde found wrong, naming the field it names.
fn describe_data_error(detail: &str) -> String {
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_string);
    if detail.contains("unknown field") {
        let field = quoted(detail).unwrap_or_default();
        format!("Trường “{field}” không được chấp nhận.")
    } else if detail.contains("missing field") {
        let field = quoted(detail).unwrap_or_default();
        format!("Thiếu trường “{field}”.")
    } else {
        // serde_path_to_error puts the field's path before the first ": ".
        match detail.split_once(": ") {
            Some((path, _)) if !path.contains(' ') => {
                format!("Giá trị của trường “{path}” không hợp lệ.")
            }
            _ => "Dữ liệu gửi lên không đúng định dạng.".to_string(),
        }
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
    fn serde_errors_read_in_vietnamese() {
        assert_eq!(
            describe_data_error("x: unknown field `x`, expected one of `a`"),
            "Trường “x” không được chấp nhận."
        );
        assert_eq!(
            describe_data_error("missing field `password` at line 1"),
            "Thiếu trường “password”."
        );
        assert_eq!(
            describe_data_error(
                "birth_date: input contains invalid characters at line 1 column 20"
            ),
            "Giá trị của trường “birth_date” không hợp lệ."
        );
    }
}
