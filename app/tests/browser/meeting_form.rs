//! The meeting registration form mounted in a real (headless) Chromium.
//!

use app::api::ApiError;
use app::i18n::provide_i18n;
use app::pages::meeting::{MeetingForm, MeetingSave, new_draft};
use app::session::{SessionState, provide_session};
use app::ui::today;
use leptos::mount::mount_to;
use leptos::prelude::*;
use shared::api::empty_member_draft;
use shared::meeting::{Meeting, MeetingDraft, MeetingKind, standard_agenda};
use shared::member::{CellRole, Member, PartyStatus};
use shared::{ErrorDetail, FieldError, MemberId, OrgId};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use crate::support::{container, find, settle, text};

fn count(root: &HtmlElement, css: &str) -> u32 {
    // (web-sys's NodeList is not among the app's features.)
    js_sys::Function::new_with_args("root, css", "return root.querySelectorAll(css).length")
        .call2(&wasm_bindgen::JsValue::NULL, root, &css.into())
        .unwrap()
        .as_f64()
        .unwrap() as u32
}

/// The value of an input, a select or a textarea.
fn value(root: &HtmlElement, css: &str) -> String {
    js_sys::Reflect::get(&find(root, css), &"value".into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

/// Sets a control's value and tells the page, as typing or choosing would.
fn set(root: &HtmlElement, css: &str, value: &str, event: &str) {
    let el = find(root, css);
    js_sys::Reflect::set(&el, &"value".into(), &value.into()).unwrap();
    el.dispatch_event(&web_sys::Event::new(event).unwrap())
        .unwrap();
}

fn members() -> Vec<Member> {
    let person = |id: i64, name: &str, role: CellRole, status: PartyStatus| Member {
        id: MemberId(id),
        cell_id: OrgId(1),
        draft: shared::member::MemberDraft {
            full_name: name.into(),
            role,
            status,
            ..empty_member_draft()
        },
    };
    vec![
        person(1, "Trần Văn Bình", CellRole::Member, PartyStatus::Full),
        person(2, "Nguyễn Thị Hoa", CellRole::Secretary, PartyStatus::Full),
        person(
            3,
            "Lê Văn Chuyển",
            CellRole::Member,
            PartyStatus::TransferredOut,
        ),
    ]
}

fn mount_form(
    root: &HtmlElement,
    initial: MeetingDraft,
    sent: Rc<RefCell<Vec<MeetingDraft>>>,
    answer: Result<Meeting, ApiError>,
) -> impl Sized {
    mount_to(root.clone(), move || {
        provide_i18n();
        provide_session(SessionState::LoggedOut);
        let save: MeetingSave = Action::new_local(move |d: &MeetingDraft| {
            sent.borrow_mut().push(d.clone());
            let answer = answer.clone();
            async move { answer }
        });
        view! { <MeetingForm initial members=members() save on_saved=Callback::new(|_| {})/> }
    })
}

fn forget_language() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item("chibo.lang").unwrap();
}

#[wasm_bindgen_test]
async fn the_bi_thu_chairs_and_only_members_on_the_roll_are_offered() {
    forget_language();
    let root = container();
    let sent = Rc::new(RefCell::new(Vec::new()));
    let draft = new_draft(&members(), today());
    assert_eq!(draft.chair_id, Some(MemberId(2)));
    let answer = Err(ApiError::Network);
    let _app = mount_form(&root, draft, sent, answer);
    settle().await;
    assert_eq!(value(&root, "#f-chair_id"), "2");
    // "Chưa chọn", then the two members on the roll; the one transferred out is not offered.
    assert_eq!(count(&root, "#f-chair_id option"), 3);
    assert!(text(&root, "#f-chair_id").contains("Nguyễn Thị Hoa (Bí thư"));
    assert!(!text(&root, "#f-secretary_id").contains("Lê Văn Chuyển"));
}

#[wasm_bindgen_test]
async fn the_kind_refills_an_untouched_agenda_and_title_only() {
    forget_language();
    let root = container();
    let sent = Rc::new(RefCell::new(Vec::new()));
    let _app = mount_form(
        &root,
        new_draft(&members(), today()),
        sent.clone(),
        Err(ApiError::Network),
    );
    settle().await;
    let regular = standard_agenda(MeetingKind::Regular).len() as u32;
    let thematic = standard_agenda(MeetingKind::Thematic).len() as u32;
    assert_eq!(count(&root, ".agenda-item"), regular);
    assert!(value(&root, "#f-title").starts_with("Sinh hoạt chi bộ tháng"));

    set(&root, "#f-kind", "thematic", "change");
    settle().await;
    assert_eq!(count(&root, ".agenda-item"), thematic);
    assert_eq!(value(&root, "#f-title"), "");
    assert!(text(&root, "#agenda-total").contains("90 phút"));

    // Once an item is changed, the agenda is the cell's own.
    set(&root, ".agenda-item:first-child .ag-minutes", "20", "input");
    find(&root, ".agenda-item:last-child .ag-remove").click();
    settle().await;
    assert_eq!(count(&root, ".agenda-item"), thematic - 1);
    set(&root, "#f-kind", "combined", "change");
    settle().await;
    assert_eq!(count(&root, ".agenda-item"), thematic - 1);
    assert!(
        text(&root, "#agenda-total").contains("ít hơn mức tối thiểu 120 phút"),
        "{}",
        text(&root, "#agenda-total")
    );
    // The title, untouched, follows the kind again.
    assert!(value(&root, "#f-title").starts_with("Sinh hoạt chi bộ tháng"));
}

#[wasm_bindgen_test]
async fn each_refusal_is_shown_at_its_field_before_and_after_sending() {
    forget_language();
    let root = container();
    let sent = Rc::new(RefCell::new(Vec::new()));
    let refusal = ApiError::Server {
        status: 422,
        detail: ErrorDetail {
            code: "validation".into(),
            message: "Dữ liệu chưa hợp lệ.".into(),
            fields: vec![FieldError::new(
                "secretary_id",
                "secretary_not_in_cell",
                "Thư ký phải là đảng viên của chi bộ.",
            )],
        },
    };
    let _app = mount_form(
        &root,
        new_draft(&members(), today()),
        sent.clone(),
        Err(refusal),
    );
    settle().await;
    // In the browser: no place for a meeting in person, an item without a title.
    set(&root, ".agenda-item:nth-child(2) .ag-title", "  ", "input");
    find(&root, "button[type=submit]").click();
    settle().await;
    assert!(sent.borrow().is_empty(), "nothing sent with errors");
    assert_eq!(text(&root, "#e-place"), "Cần ghi địa điểm sinh hoạt.");
    assert_eq!(text(&root, "#e-agenda"), "Nội dung số 2 chưa có tên.");
    assert_eq!(
        document().active_element().map(|e| e.id()).as_deref(),
        Some("f-place"),
        "the first refused field has the focus"
    );

    // Fixed and sent: the server's field error lands at its field.
    set(&root, "#f-place", " Phòng họp tầng 2 ", "input");
    set(
        &root,
        ".agenda-item:nth-child(2) .ag-title",
        "Thời sự",
        "input",
    );
    find(&root, "button[type=submit]").click();
    settle().await;
    assert_eq!(sent.borrow().len(), 1);
    assert_eq!(sent.borrow()[0].place, "Phòng họp tầng 2");
    assert_eq!(sent.borrow()[0].agenda[1].title, "Thời sự");
    assert_eq!(sent.borrow()[0].video_link, "");
    assert_eq!(text(&root, "#e-place"), "");
    assert_eq!(
        text(&root, "#e-secretary_id"),
        "Thư ký phải là đảng viên của chi bộ."
    );
    assert_eq!(
        text(&root, ".form-error"),
        "Vui lòng sửa các ô được đánh dấu bên dưới."
    );
}
