//! The API's OpenAPI 3 description, generated from the handlers' annotations.

use crate::routes::{accounts, auth, meetings, members, orgs};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chi Bộ Số API",
        description = "API của Chi Bộ Số: tổ chức đảng, đảng viên, lịch sinh hoạt, tài khoản."
    ),
    paths(
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
        crate::routes::live::verify,
        crate::routes::live::minutes,
        crate::routes::live::minutes_docx,
        crate::routes::live::resolution_docx,
        accounts::list,
        accounts::create,
        accounts::reset_password,
        accounts::set_disabled,
        accounts::assign,
        accounts::unassign,
        accounts::seat,
    )
)]
pub struct ApiDoc;

pub fn spec_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".to_string())
}
