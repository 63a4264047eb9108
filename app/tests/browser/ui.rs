//! Components mounted in a real (headless) Chromium and clicked like a person would.
//!

use app::LanguageToggle;
use app::api::ApiError;
use app::i18n::{Lang, provide_i18n, texts};
use app::pages::login::LoginPage;
use app::pages::member::{MemberForm, SaveAction};
use app::session::{SessionState, provide_session};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos_router::components::Router;
use shared::api::empty_member_draft;
use shared::member::{Member, MemberDraft};
use shared::{ErrorDetail, FieldError, MeetingId, MemberId, OrgId};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use crate::support::{container, find, settle, text};

fn type_into(root: &HtmlElement, css: &str, value: &str) {
    let input: web_sys::HtmlInputElement = find(root, css).unchecked_into();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn forget_language() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item("chibo.lang").unwrap();
}

/// The member form with a save that records what it was given and answers `answer`.
fn mount_form(
    root: &HtmlElement,
    sent: Rc<RefCell<Vec<MemberDraft>>>,
    answer: Result<Member, ApiError>,
) -> impl Sized {
    mount_to(root.clone(), move || {
        provide_i18n();
        provide_session(SessionState::LoggedOut);
        let save: SaveAction = Action::new_local(move |d: &MemberDraft| {
            sent.borrow_mut().push(d.clone());
            let answer = answer.clone();
            async move { answer }
        });
        view! { <MemberForm initial=empty_member_draft() save on_saved=Callback::new(|_| {})/> }
    })
}

fn nobody() -> Member {
    Member {
        id: MemberId(1),
        cell_id: OrgId(1),
        draft: empty_member_draft(),
    }
}

#[wasm_bindgen_test]
async fn an_empty_name_is_refused_next_to_the_name_field() {
    forget_language();
    let root = container();
    let sent = Rc::new(RefCell::new(Vec::new()));
    let _app = mount_form(&root, sent.clone(), Ok(nobody()));
    settle().await;
    find(&root, "button[type=submit]").click();
    settle().await;
    assert_eq!(
        text(&root, "#e-full_name"),
        "Họ và tên không được để trống."
    );
    assert!(
        find(&root, "#e-full_name")
            .parent_element()
            .unwrap()
            .class_list()
            .contains("invalid")
    );
    // A full member without the date they became one: the rule from `shared`, at its field.
    assert_eq!(
        text(&root, "#e-full_member_on"),
        "Đảng viên chính thức phải có ngày chính thức."
    );
    assert!(
        sent.borrow().is_empty(),
        "nothing is sent while the form has errors"
    );
}

#[wasm_bindgen_test]
async fn a_date_that_cannot_be_read_is_refused_at_its_field() {
    forget_language();
    let root = container();
    let sent = Rc::new(RefCell::new(Vec::new()));
    let _app = mount_form(&root, sent.clone(), Ok(nobody()));
    settle().await;
    type_into(&root, "#f-full_name", "Lê Văn Đức");
    type_into(&root, "#f-birth_date", "31/02/1980");
    find(&root, "button[type=submit]").click();
    settle().await;
    assert!(
        text(&root, "#e-birth_date") == "Ngày này không có trong lịch.",
        "{}",
        text(&root, "#e-birth_date")
    );
    assert_eq!(text(&root, "#e-full_name"), "");
    assert!(sent.borrow().is_empty());
}

#[wasm_bindgen_test]
async fn a_valid_record_is_sent_and_the_servers_field_errors_are_shown() {
    forget_language();
    let root = container();
    let sent = Rc::new(RefCell::new(Vec::new()));
    let refusal = ApiError::Server {
        status: 422,
        detail: ErrorDetail {
            code: "validation".into(),
            message: "Dữ liệu chưa hợp lệ.".into(),
            fields: vec![FieldError::new(
                "card_number",
                "card_number_taken",
                "Số thẻ đã có trong chi bộ.",
            )],
        },
    };
    let _app = mount_form(&root, sent.clone(), Err(refusal));
    settle().await;
    type_into(&root, "#f-full_name", "  Lê   Văn Đức ");
    type_into(&root, "#f-birth_date", "02/09/1970");
    type_into(&root, "#f-admitted_on", "19/5/1995");
    type_into(&root, "#f-full_member_on", "19/05/1996");
    type_into(&root, "#f-card_number", "93.001999");
    find(&root, "button[type=submit]").click();
    settle().await;
    let sent = sent.borrow();
    assert_eq!(sent.len(), 1, "sent once");
    assert_eq!(
        sent[0].full_name, "Lê Văn Đức",
        "spaces tidied as everywhere"
    );
    assert_eq!(sent[0].card_number.as_deref(), Some("93.001999"));
    assert_eq!(
        sent[0].admitted_on,
        chrono::NaiveDate::from_ymd_opt(1995, 5, 19)
    );
    assert_eq!(text(&root, "#e-card_number"), "Số thẻ đã có trong chi bộ.");
    // The fields carry the messages; the line above the button does not repeat them.
    assert_eq!(
        text(&root, ".form-error"),
        "Vui lòng sửa các ô được đánh dấu bên dưới."
    );
}

/// Item 17: a temporary attachment elsewhere is entered in the member form,
/// checked with the rules from `shared` at its fields, and sent with the record.
#[wasm_bindgen_test]
async fn an_attachment_elsewhere_is_entered_and_checked() {
    forget_language();
    let root = container();
    let sent = Rc::new(RefCell::new(Vec::new()));
    let _app = mount_form(&root, sent.clone(), Ok(nobody()));
    settle().await;
    assert!(
        root.query_selector("#f-attached_organization")
            .unwrap()
            .is_none(),
        "no attachment fields until asked for"
    );
    type_into(&root, "#f-full_name", "Lê Văn Đức");
    type_into(&root, "#f-admitted_on", "19/05/1995");
    type_into(&root, "#f-full_member_on", "19/05/1996");
    find(&root, "#f-attached").click();
    settle().await;
    type_into(&root, "#f-attached_organization", "  Chi bộ   Sở Nội vụ ");
    type_into(&root, "#f-attached_from", "01/06/2026");
    type_into(&root, "#f-attached_until", "31/05/2026");
    find(&root, "button[type=submit]").click();
    settle().await;
    assert_eq!(
        text(&root, "#e-attached_until"),
        "Ngày kết thúc sinh hoạt tạm thời phải từ ngày bắt đầu trở đi."
    );
    type_into(&root, "#f-attached_from", "");
    find(&root, "button[type=submit]").click();
    settle().await;
    assert_eq!(
        text(&root, "#e-attached_from"),
        "Cần ghi ngày bắt đầu sinh hoạt tạm thời."
    );
    assert!(sent.borrow().is_empty());
    type_into(&root, "#f-attached_from", "01/03/2026");
    find(&root, "button[type=submit]").click();
    settle().await;
    let sent = sent.borrow();
    assert_eq!(sent.len(), 1, "sent once");
    let attachment = sent[0].attached_elsewhere.clone().expect("the attachment");
    assert_eq!(attachment.organization, "Chi bộ Sở Nội vụ");
    assert_eq!(
        attachment.from,
        chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    );
    assert_eq!(
        attachment.until,
        chrono::NaiveDate::from_ymd_opt(2026, 5, 31)
    );
}

#[wasm_bindgen_test]
async fn the_language_toggle_switches_the_texts_and_is_remembered() {
    forget_language();
    let root = container();
    let _app = mount_to(root.clone(), || {
        provide_i18n();
        provide_session(SessionState::LoggedOut);
        view! {
            <Router>
                <LanguageToggle/>
                <LoginPage/>
            </Router>
        }
    });
    settle().await;
    assert_eq!(text(&root, "h1"), "Đăng nhập");
    assert_eq!(text(&root, "label[for=f-password]"), "Mật khẩu");
    assert_eq!(text(&root, ".lang-toggle"), "English");

    find(&root, ".lang-toggle").click();
    settle().await;
    assert_eq!(text(&root, "h1"), "Log in");
    assert_eq!(text(&root, "label[for=f-password]"), "Password");
    assert_eq!(text(&root, ".lang-toggle"), "Tiếng Việt");
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert_eq!(
        storage.get_item("chibo.lang").unwrap().as_deref(),
        Some("en")
    );
    assert_eq!(
        document()
            .document_element()
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("en")
    );

    find(&root, ".lang-toggle").click();
    settle().await;
    assert_eq!(text(&root, "h1"), "Đăng nhập");
    assert_eq!(
        storage.get_item("chibo.lang").unwrap().as_deref(),
        Some("vi")
    );
}

#[wasm_bindgen_test]
async fn login_asks_for_both_fields_before_sending() {
    forget_language();
    let root = container();
    let _app = mount_to(root.clone(), || {
        provide_i18n();
        provide_session(SessionState::LoggedOut);
        view! { <Router><LoginPage/></Router> }
    });
    settle().await;
    find(&root, "button[type=submit]").click();
    settle().await;
    assert_eq!(text(&root, "#e-username"), "Không được để trống.");
    assert_eq!(text(&root, "#e-password"), "Không được để trống.");
}

// index.html's login form (app/shell.js) says what the app's login page says.
const SHELL_JS: &str = include_str!("../../shell.js");

/// The texts of `shell.js` in `lang`: its lines `key: "text",` in the
/// table of that language.
fn shell_texts(lang: Lang) -> Vec<(String, String)> {
    let start = SHELL_JS
        .find(&format!("  {}: {{", lang.code()))
        .expect("the language's table");
    SHELL_JS[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.trim() != "},")
        .filter_map(|l| {
            let (key, words) = l.trim().split_once(": ")?;
            let words = words.trim_end_matches(',').trim_matches('"');
            Some((key.to_string(), words.to_string()))
        })
        .collect()
}

#[wasm_bindgen_test]
fn the_static_form_speaks_as_the_app() {
    for lang in [Lang::Vi, Lang::En] {
        let t = texts(lang);
        let want = [
            ("login_title", t.login_title),
            ("login_intro", t.login_intro),
            ("username", t.username),
            ("password", t.password),
            ("login_button", t.login_button),
            ("logging_in", t.logging_in),
            ("required", t.required),
            ("network_error", t.network_error),
            ("server_error", t.server_error),
            ("loading", t.loading),
            ("other_language", t.other_language),
            ("language", t.language),
        ];
        let have = shell_texts(lang);
        assert_eq!(have.len(), want.len(), "{lang:?}: {have:?}");
        for (key, words) in want {
            assert!(
                have.iter().any(|(k, v)| k == key && v == words),
                "{lang:?} {key}: shell.js has {have:?}, the app “{words}”"
            );
        }
    }
}

#[wasm_bindgen_test]
fn the_live_banner_knows_a_room_by_its_path() {
    use app::banner::room_of;
    assert_eq!(room_of("/meetings/12"), Some(MeetingId(12)));
    assert_eq!(room_of("/meetings/12/projector"), Some(MeetingId(12)));
    assert_eq!(room_of("/meetings/12/minutes"), None);
    assert_eq!(room_of("/meetings/12/edit"), None);
    assert_eq!(room_of("/meetings/x"), None);
    assert_eq!(room_of("/org/3"), None);
    assert_eq!(room_of("/"), None);
}
