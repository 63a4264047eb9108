//! The app's texts, Vietnamese first. One struct of strings per language: a key
//! missing in either language is a compile error, with no i18n crate to download.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }
}

/// Every text the app shows that does not come from the server or from `shared`.
pub struct Texts {
    pub app_name: &'static str,
    pub loading: &'static str,
    pub network_error: &'static str,
    pub server_error: &'static str,
    pub session_expired: &'static str,
    pub retry: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub cancel: &'static str,
    pub back: &'static str,
    pub edit: &'static str,
    pub go_home: &'static str,
    pub not_found: &'static str,
    pub required: &'static str,
    pub form_has_errors: &'static str,
    pub saved: &'static str,
    /// The toggle shows the language it switches to, in that language.
    pub other_language: &'static str,
    pub language: &'static str,

    pub nav_home: &'static str,
    pub nav_org: &'static str,
    pub nav_account: &'static str,
    pub nav_admin: &'static str,
    pub main_menu: &'static str,

    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub login_button: &'static str,
    pub logging_in: &'static str,

    pub hello: &'static str,
    pub my_cell: &'static str,
    pub my_role: &'static str,
    pub my_status: &'static str,
    pub no_member_record: &'static str,
    pub committees_title: &'static str,
    pub assigned_title: &'static str,
    pub cells_title: &'static str,
    pub no_cells: &'static str,
    pub members_unit: &'static str,
    pub upcoming_title: &'static str,
    pub no_meetings: &'static str,
    pub admin_badge: &'static str,

    pub org_title: &'static str,
    pub org_empty: &'static str,
    pub children_title: &'static str,
    pub members_title: &'static str,
    pub no_members: &'static str,
    pub total: &'static str,
    pub add_member: &'static str,
    pub import_csv: &'static str,
    pub born: &'static str,
    pub admitted: &'static str,
    pub full_since: &'static str,
    pub card_no: &'static str,

    pub member_new_title: &'static str,
    pub member_edit_title: &'static str,
    pub f_full_name: &'static str,
    pub f_gender: &'static str,
    pub f_birth_date: &'static str,
    pub f_admitted_on: &'static str,
    pub f_full_member_on: &'static str,
    pub f_status: &'static str,
    pub f_role: &'static str,
    pub f_card_number: &'static str,
    pub date_hint: &'static str,
    pub bad_date: &'static str,

    pub import_title: &'static str,
    pub import_help: &'static str,
    pub choose_file: &'static str,
    pub paste_label: &'static str,
    pub file_read_error: &'static str,
    pub preview_title: &'static str,
    pub valid_rows: &'static str,
    pub errors_title: &'static str,
    pub line: &'static str,
    pub check_button: &'static str,
    pub checking: &'static str,
    pub server_check_title: &'static str,
    pub to_create: &'static str,
    pub to_update: &'static str,
    pub unchanged: &'static str,
    pub commit_button: &'static str,
    pub committing: &'static str,
    pub commit_blocked: &'static str,
    pub commit_done: &'static str,
    pub back_to_cell: &'static str,

    pub account_title: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub password_rule: &'static str,
    pub password_changed: &'static str,
    pub logout: &'static str,

    pub accounts_title: &'static str,
    pub admins_only: &'static str,
    pub new_account: &'static str,
    pub display_name: &'static str,
    pub member_id: &'static str,
    pub member_id_hint: &'static str,
    pub bad_number: &'static str,
    pub is_admin: &'static str,
    pub create: &'static str,
    pub account_created: &'static str,
    pub reset_password: &'static str,
    pub password_reset_done: &'static str,
    pub disable: &'static str,
    pub enable: &'static str,
    pub disabled_badge: &'static str,
    pub search: &'static str,
}

pub const VI: Texts = Texts {
    app_name: "Chi Bộ Số",
    loading: "Đang tải…",
    network_error: "Không kết nối được máy chủ. Vui lòng kiểm tra mạng rồi thử lại.",
    server_error: "Máy chủ đang gặp sự cố. Vui lòng thử lại sau ít phút.",
    session_expired: "Phiên đăng nhập đã hết. Vui lòng đăng nhập lại.",
    retry: "Thử lại",
    save: "Lưu",
    saving: "Đang lưu…",
    cancel: "Hủy",
    back: "Quay lại",
    edit: "Sửa",
    go_home: "Về trang chủ",
    not_found: "Không tìm thấy trang này.",
    required: "Không được để trống.",
    form_has_errors: "Vui lòng sửa các ô được đánh dấu bên dưới.",
    saved: "Đã lưu.",
    other_language: "English",
    language: "Ngôn ngữ",

    nav_home: "Trang chủ",
    nav_org: "Tổ chức",
    nav_account: "Tài khoản",
    nav_admin: "Quản trị",
    main_menu: "Menu chính",

    login_title: "Đăng nhập",
    login_intro: "Phần mềm sinh hoạt chi bộ",
    username: "Tên đăng nhập",
    password: "Mật khẩu",
    login_button: "Đăng nhập",
    logging_in: "Đang đăng nhập…",

    hello: "Xin chào",
    my_cell: "Chi bộ",
    my_role: "Chức vụ",
    my_status: "Đảng viên",
    no_member_record: "Tài khoản này chưa gắn với hồ sơ đảng viên nào.",
    committees_title: "Cấp ủy tôi tham gia",
    assigned_title: "Chi bộ được phân công theo dõi",
    cells_title: "Các chi bộ",
    no_cells: "Chưa có chi bộ nào.",
    members_unit: "đảng viên",
    upcoming_title: "Buổi sinh hoạt sắp tới",
    no_meetings: "Chưa có buổi sinh hoạt nào được đăng ký.",
    admin_badge: "Quản trị viên",

    org_title: "Tổ chức đảng",
    org_empty: "Bạn chưa được xem tổ chức nào.",
    children_title: "Trực thuộc",
    members_title: "Danh sách đảng viên",
    no_members: "Chi bộ chưa có đảng viên nào.",
    total: "Tổng số",
    add_member: "Thêm đảng viên",
    import_csv: "Nhập từ CSV",
    born: "Sinh",
    admitted: "Vào Đảng",
    full_since: "Chính thức",
    card_no: "Số thẻ",

    member_new_title: "Thêm đảng viên",
    member_edit_title: "Sửa hồ sơ đảng viên",
    f_full_name: "Họ và tên",
    f_gender: "Giới tính",
    f_birth_date: "Ngày sinh",
    f_admitted_on: "Ngày vào Đảng",
    f_full_member_on: "Ngày chính thức",
    f_status: "Trạng thái",
    f_role: "Chức vụ trong chi bộ",
    f_card_number: "Số thẻ đảng viên",
    date_hint: "Ngày/tháng/năm, ví dụ 02/09/1985",
    bad_date: "Ngày không hợp lệ. Hãy ghi ngày/tháng/năm, ví dụ 02/09/1985.",

    import_title: "Nhập đảng viên từ tệp CSV",
    import_help: "Chọn tệp CSV xuất từ CSDL đảng viên, hoặc dán nội dung vào ô bên dưới. Cột bắt buộc: Họ và tên, Giới tính, Ngày vào Đảng.",
    choose_file: "Chọn tệp CSV",
    paste_label: "Nội dung CSV",
    file_read_error: "Không đọc được tệp này.",
    preview_title: "Kiểm tra trên máy",
    valid_rows: "Dòng hợp lệ",
    errors_title: "Lỗi cần sửa",
    line: "Dòng",
    check_button: "Kiểm tra với máy chủ",
    checking: "Đang kiểm tra…",
    server_check_title: "Kết quả kiểm tra của máy chủ",
    to_create: "Thêm mới",
    to_update: "Cập nhật",
    unchanged: "Không đổi",
    commit_button: "Ghi vào danh sách",
    committing: "Đang ghi…",
    commit_blocked: "Tệp còn lỗi: chưa ghi gì. Sửa tệp rồi kiểm tra lại.",
    commit_done: "Đã ghi vào danh sách chi bộ.",
    back_to_cell: "Về danh sách chi bộ",

    account_title: "Tài khoản của tôi",
    change_password: "Đổi mật khẩu",
    current_password: "Mật khẩu hiện tại",
    new_password: "Mật khẩu mới",
    password_rule: "Ít nhất 8 ký tự, có cả chữ cái và chữ số hoặc ký hiệu.",
    password_changed: "Đã đổi mật khẩu.",
    logout: "Đăng xuất",

    accounts_title: "Quản lý tài khoản",
    admins_only: "Chỉ quản trị viên được dùng trang này.",
    new_account: "Tạo tài khoản mới",
    display_name: "Tên hiển thị",
    member_id: "Mã hồ sơ đảng viên",
    member_id_hint: "Không bắt buộc. Ghi số mã hồ sơ để gắn tài khoản với đảng viên.",
    bad_number: "Phải là một số.",
    is_admin: "Là quản trị viên",
    create: "Tạo",
    account_created: "Đã tạo tài khoản.",
    reset_password: "Đặt lại mật khẩu",
    password_reset_done: "Đã đặt lại mật khẩu.",
    disable: "Khóa tài khoản",
    enable: "Mở khóa",
    disabled_badge: "Đã khóa",
    search: "Tìm theo tên hoặc tên đăng nhập",
};

pub const EN: Texts = Texts {
    app_name: "Chi Bộ Số",
    loading: "Loading…",
    network_error: "Cannot reach the server. Check your connection and try again.",
    server_error: "The server has a problem. Please try again in a few minutes.",
    session_expired: "Your session has ended. Please log in again.",
    retry: "Try again",
    save: "Save",
    saving: "Saving…",
    cancel: "Cancel",
    back: "Back",
    edit: "Edit",
    go_home: "Go to the home page",
    not_found: "This page does not exist.",
    required: "Required.",
    form_has_errors: "Please correct the marked fields below.",
    saved: "Saved.",
    other_language: "Tiếng Việt",
    language: "Language",

    nav_home: "Home",
    nav_org: "Organization",
    nav_account: "Account",
    nav_admin: "Admin",
    main_menu: "Main menu",

    login_title: "Log in",
    login_intro: "Party cell meetings",
    username: "Username",
    password: "Password",
    login_button: "Log in",
    logging_in: "Logging in…",

    hello: "Hello",
    my_cell: "Cell",
    my_role: "Role",
    my_status: "Party status",
    no_member_record: "This account is not linked to a member record.",
    committees_title: "Committees I sit on",
    assigned_title: "Cells assigned to me",
    cells_title: "Cells",
    no_cells: "No cells yet.",
    members_unit: "members",
    upcoming_title: "Upcoming meetings",
    no_meetings: "No meeting has been registered yet.",
    admin_badge: "Administrator",

    org_title: "Party organization",
    org_empty: "You cannot see any organization yet.",
    children_title: "Under this organization",
    members_title: "Members",
    no_members: "This cell has no members yet.",
    total: "Total",
    add_member: "Add a member",
    import_csv: "Import from CSV",
    born: "Born",
    admitted: "Admitted",
    full_since: "Full member",
    card_no: "Card",

    member_new_title: "Add a member",
    member_edit_title: "Edit member record",
    f_full_name: "Full name",
    f_gender: "Gender",
    f_birth_date: "Date of birth",
    f_admitted_on: "Admitted to the Party",
    f_full_member_on: "Full member since",
    f_status: "Status",
    f_role: "Role in the cell",
    f_card_number: "Party card number",
    date_hint: "Day/month/year, e.g. 02/09/1985",
    bad_date: "Not a valid date. Write day/month/year, e.g. 02/09/1985.",

    import_title: "Import members from a CSV file",
    import_help: "Choose a CSV file exported from the member database, or paste its text below. Required columns: Họ và tên, Giới tính, Ngày vào Đảng.",
    choose_file: "Choose a CSV file",
    paste_label: "CSV text",
    file_read_error: "This file cannot be read.",
    preview_title: "Checked on this device",
    valid_rows: "Valid rows",
    errors_title: "Errors to fix",
    line: "Line",
    check_button: "Check with the server",
    checking: "Checking…",
    server_check_title: "The server's check",
    to_create: "New",
    to_update: "Updated",
    unchanged: "Unchanged",
    commit_button: "Write to the roll",
    committing: "Writing…",
    commit_blocked: "The file has errors: nothing was written. Fix it and check again.",
    commit_done: "Written to the cell's roll.",
    back_to_cell: "Back to the cell",

    account_title: "My account",
    change_password: "Change password",
    current_password: "Current password",
    new_password: "New password",
    password_rule: "At least 8 characters, with letters and digits or symbols.",
    password_changed: "Password changed.",
    logout: "Log out",

    accounts_title: "Accounts",
    admins_only: "Only administrators may use this page.",
    new_account: "Create an account",
    display_name: "Display name",
    member_id: "Member record number",
    member_id_hint: "Optional. The member record to link this account to.",
    bad_number: "Must be a number.",
    is_admin: "Administrator",
    create: "Create",
    account_created: "Account created.",
    reset_password: "Reset password",
    password_reset_done: "Password reset.",
    disable: "Disable account",
    enable: "Enable",
    disabled_badge: "Disabled",
    search: "Search by name or username",
};

const STORAGE_KEY: &str = "chibo.lang";

/// The chosen language, shared through context; kept in localStorage.
#[derive(Debug, Clone, Copy)]
pub struct I18n(RwSignal<Lang>);

impl I18n {
    pub fn lang(&self) -> Lang {
        self.0.get()
    }

    /// The texts of the current language (reactive).
    pub fn t(&self) -> &'static Texts {
        self.0.get().texts()
    }

    /// Chooses between a Vietnamese and an English label from `shared` (reactive).
    pub fn pick(&self, vi: &'static str, en: &'static str) -> &'static str {
        match self.0.get() {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    pub fn toggle(&self) {
        let next = match self.0.get_untracked() {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        };
        self.0.set(next);
        if let Some(s) = local_storage() {
            let _ = s.set_item(STORAGE_KEY, next.code());
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Puts the language in context, as stored last time (Vietnamese by default).
pub fn provide_i18n() -> I18n {
    let stored = local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let lang = match stored.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    };
    let i18n = I18n(RwSignal::new(lang));
    provide_context(i18n);
    // Screen readers and the browser's hyphenation follow <html lang>.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", i18n.lang().code());
        }
    });
    i18n
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
