use super::*;
use crate::access::CellSeat;
use crate::ids::AccountId;
use crate::meeting::{MeetingKind, standard_agenda};
use crate::rules::testkit::d;

const GRASS: OrgId = OrgId(2);
const CELL: OrgId = OrgId(3);
const OTHER: OrgId = OrgId(4);

fn actor(role: Option<(OrgId, CellRole)>) -> Actor {
    Actor {
        account_id: AccountId(7),
        is_admin: false,
        seat: role.map(|(cell_id, role)| CellSeat {
            cell_id,
            member_id: MemberId(70),
            role,
        }),
        committee_of: vec![],
        assigned_cells: vec![],
    }
}

fn item(id: i64, review: Option<Review>) -> Commitment {
    Commitment {
        id: CommitmentId(id),
        member_id: MemberId(70),
        seq: u32::try_from(id).unwrap(),
        text: format!("Cam kết {id}"),
        registered_at: d(2026, 1, 10).and_hms_opt(8, 0, 0).unwrap(),
        review,
        review_note: String::new(),
        reviewed_by: None,
        reviewed_at: None,
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_list_is_cleaned_and_its_limits_hold() {
    let draft = CommitmentDraft {
        items: vec![
            "  Đi họp đúng giờ \r\n".into(),
            "".into(),
            "Học tập\u{7}".into(),
        ],
    };
    assert_eq!(draft.check().unwrap(), ["Đi họp đúng giờ", "Học tập"]);
    let empty = CommitmentDraft {
        items: vec!["   ".into()],
    };
    assert_eq!(
        empty.check().unwrap_err().message_for("items"),
        Some("Cần ghi ít nhất một nội dung cam kết.")
    );
    let many = CommitmentDraft {
        items: (0..=MAX_ITEMS).map(|i| format!("Việc {i}")).collect(),
    };
    assert!(many.check().is_err());
    let at_limit = CommitmentDraft {
        items: vec!["ư".repeat(MAX_ITEM_CHARS)],
    };
    assert!(at_limit.check().is_ok());
    let long = CommitmentDraft {
        items: vec!["a".into(), "ư".repeat(MAX_ITEM_CHARS + 1)],
    };
    assert_eq!(
        long.check().unwrap_err().0[0].message,
        "Nội dung cam kết số 2 quá dài (tối đa 500 ký tự)."
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn commitments_are_for_this_year_or_the_next() {
    assert_eq!(check_year(2026, 2026), Ok(()));
    assert_eq!(check_year(2027, 2026), Ok(()));
    assert_eq!(check_year(2025, 2026), Err(CommitmentError::NotThisYear));
    assert_eq!(check_year(1999, 2026), Err(CommitmentError::Year));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn only_the_member_registers_and_only_the_cells_committee_reviews() {
    let path = [GRASS, CELL];
    let mine = actor(Some((CELL, CellRole::Member)));
    assert!(may_register(&mine, MemberId(70)));
    assert!(!may_register(&mine, MemberId(71)));
    assert!(!may_review(&mine, &path));
    assert!(sees(&mine, &path));
    assert!(!sees(&mine, &[GRASS, OTHER]));
    for role in [
        CellRole::Secretary,
        CellRole::DeputySecretary,
        CellRole::CommitteeMember,
    ] {
        assert!(may_review(&actor(Some((CELL, role))), &path));
        assert!(!may_review(&actor(Some((OTHER, role))), &path));
    }
    let above = Actor {
        committee_of: vec![GRASS],
        ..actor(None)
    };
    assert!(sees(&above, &path));
    assert!(!may_review(&above, &path));
    assert!(!may_register(&above, MemberId(70)));
    let admin = Actor {
        is_admin: true,
        ..actor(None)
    };
    assert!(may_review(&admin, &path));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_summary_counts_each_result_and_suggests_the_criterions_points() {
    let items = [
        item(0, Some(Review::Kept)),
        item(1, Some(Review::Partly)),
        item(2, Some(Review::NotKept)),
        item(3, Some(Review::Kept)),
    ];
    let s = summarize(&items);
    assert_eq!(
        s,
        CommitmentSummary {
            items: 4,
            reviewed: 4,
            kept: 2,
            partly: 1,
            not_kept: 1,
        }
    );
    // (2 + 0,5) of 4 items of 10 points: 6,25, rounded down to 6,2.
    let form = AssessmentForm::qd366();
    assert_eq!(s.suggest_for(&form), Some(Points::tenths(62)));
    assert_eq!(
        s.label_vi(),
        "4 cam kết: 2 thực hiện tốt, 1 một phần, 1 không thực hiện"
    );
    let all_kept = summarize(&[item(0, Some(Review::Kept))]);
    assert_eq!(all_kept.suggest_for(&form), Some(Points::whole(10)));
    let none_kept = summarize(&[item(0, Some(Review::NotKept))]);
    assert_eq!(none_kept.suggest_for(&form), Some(Points::ZERO));
    // Nothing until every item is reviewed, nor without items.
    let half = summarize(&[item(0, Some(Review::Kept)), item(1, None)]);
    assert_eq!(half.suggest_for(&form), None);
    assert_eq!(half.label_vi(), "2 cam kết, đã đánh giá 1/2");
    assert_eq!(summarize(&[]).suggest_for(&form), None);
    // A form without the criterion suggests nothing.
    let mut other = form.clone();
    other.criteria.retain(|c| c.key != CRITERION_KEY);
    assert_eq!(all_kept.suggest_for(&other), None);
    assert!(is_locked(&[item(0, None), item(1, Some(Review::Partly))]));
    assert!(!is_locked(&[item(0, None)]));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_review_covers_every_item_once() {
    let items = [item(0, None), item(1, None)];
    let r = |id: i64, result: Review, note: &str| ItemReview {
        id: CommitmentId(id),
        result,
        note: note.into(),
    };
    let ok = ReviewDraft {
        items: vec![r(1, Review::Partly, " Chưa đều "), r(0, Review::Kept, "")],
    };
    let checked = ok.check(&items).unwrap();
    assert_eq!(checked[0].id, CommitmentId(0));
    assert_eq!(checked[1].note, "Chưa đều");
    for bad in [
        vec![r(0, Review::Kept, "")],
        vec![r(0, Review::Kept, ""), r(0, Review::Kept, "")],
        vec![r(0, Review::Kept, ""), r(9, Review::Kept, "")],
    ] {
        assert!(ReviewDraft { items: bad }.check(&items).is_err());
    }
    assert!(ReviewDraft { items: vec![] }.check(&[]).is_err());
    let long = ReviewDraft {
        items: vec![
            r(0, Review::Kept, &"x".repeat(MAX_NOTE_CHARS + 1)),
            r(1, Review::Kept, ""),
        ],
    };
    assert_eq!(
        long.check(&items).unwrap_err().0[0].message,
        "Nhận xét số 1 quá dài (tối đa 500 ký tự)."
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_exemplary_item_is_told_by_its_title() {
    let mut agenda = standard_agenda(MeetingKind::Regular);
    assert_eq!(exemplary_item(&agenda), None);
    agenda[4].title = "Biểu dương, phê bình; kiểm điểm việc thực hiện cam kết NÊU GƯƠNG".into();
    assert_eq!(exemplary_item(&agenda), Some(4));
    agenda[2].title = "Neu guong cua dang vien".into();
    assert_eq!(exemplary_item(&agenda), Some(2));
    assert_eq!(exemplary_item(&[]), None);
}
