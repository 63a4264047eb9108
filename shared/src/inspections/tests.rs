use super::*;
use crate::access::CellSeat;
use crate::member::{Gender, MemberDraft, PartyStatus};
use crate::rules::testkit::d;

const BLOC: OrgId = OrgId(1);
const GRASS: OrgId = OrgId(2);
const CELL: OrgId = OrgId(3);
const OTHER: OrgId = OrgId(4);

fn path() -> Vec<OrgId> {
    vec![BLOC, GRASS, CELL]
}

fn actor(id: i64) -> Actor {
    Actor {
        account_id: AccountId(id),
        is_admin: false,
        seat: None,
        committee_of: vec![],
        assigned_cells: vec![],
    }
}

fn seated(id: i64, cell: OrgId, role: CellRole) -> Actor {
    Actor {
        seat: Some(CellSeat {
            cell_id: cell,
            member_id: MemberId(id),
            role,
        }),
        ..actor(id)
    }
}

fn draft() -> InspectionDraft {
    InspectionDraft {
        member_id: MemberId(5),
        content: " Việc chấp hành Điều lệ Đảng ".into(),
        period_from: d(2026, 1, 1),
        period_to: d(2026, 6, 30),
        concluded_on: d(2026, 9, 15),
        conclusion: "Thực hiện tốt.".into(),
        follow_up: String::new(),
    }
}

fn member(id: i64, role: CellRole, status: PartyStatus) -> Member {
    Member {
        id: MemberId(id),
        cell_id: CELL,
        draft: MemberDraft {
            full_name: format!("Đảng viên {id}"),
            gender: Gender::Male,
            birth_date: None,
            admitted_on: None,
            full_member_on: None,
            status,
            role,
            card_number: None,
            attached_elsewhere: None,
        },
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_cells_managers_the_committees_above_and_admins_record() {
    assert!(may_record(&seated(1, CELL, CellRole::Secretary), &path()));
    assert!(may_record(
        &seated(1, CELL, CellRole::DeputySecretary),
        &path()
    ));
    assert!(!may_record(
        &seated(1, CELL, CellRole::CommitteeMember),
        &path()
    ));
    assert!(!may_record(&seated(1, OTHER, CellRole::Secretary), &path()));
    assert!(!may_record(&seated(1, CELL, CellRole::Member), &path()));
    let grass = Actor {
        committee_of: vec![GRASS],
        ..actor(2)
    };
    assert!(may_record(&grass, &path()));
    let assigned = Actor {
        assigned_cells: vec![CELL],
        ..actor(3)
    };
    assert!(!may_record(&assigned, &path()));
    assert!(sees(&assigned, &path()));
    assert!(sees(&seated(1, CELL, CellRole::CommitteeMember), &path()));
    assert!(!sees(&seated(1, CELL, CellRole::Member), &path()));
    let admin = Actor {
        is_admin: true,
        ..actor(4)
    };
    assert!(may_record(&admin, &path()));
    assert!(!may_record(&admin, &[]));
    // Only who recorded changes it (or an administrator).
    assert!(may_change(&grass, &path(), AccountId(2)));
    assert!(!may_change(&grass, &path(), AccountId(9)));
    assert!(may_change(&admin, &path(), AccountId(9)));
    // Who left the committee no longer changes what they recorded.
    assert!(!may_change(&actor(2), &path(), AccountId(2)));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn an_inspection_is_checked_and_counts_in_the_year_of_its_conclusion() {
    let today = d(2026, 11, 30);
    let ok = draft().check(today, true).unwrap();
    assert_eq!(ok.content, "Việc chấp hành Điều lệ Đảng");
    assert_eq!(ok.year(), 2026);
    let fields = |dr: InspectionDraft, in_cell: bool| -> Vec<String> {
        dr.check(today, in_cell)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect()
    };
    assert_eq!(
        fields(
            InspectionDraft {
                content: " ".into(),
                conclusion: String::new(),
                ..draft()
            },
            false
        ),
        ["member_id", "content", "conclusion"]
    );
    assert_eq!(
        fields(
            InspectionDraft {
                period_from: d(2026, 7, 1),
                period_to: d(2026, 6, 30),
                ..draft()
            },
            true
        ),
        ["period_to"]
    );
    assert_eq!(
        fields(
            InspectionDraft {
                concluded_on: d(2026, 12, 1),
                ..draft()
            },
            true
        ),
        ["concluded_on"]
    );
    assert_eq!(
        fields(
            InspectionDraft {
                concluded_on: d(2025, 12, 31),
                ..draft()
            },
            true
        ),
        ["concluded_on"]
    );
    assert_eq!(
        fields(
            InspectionDraft {
                follow_up: "x".repeat(MAX_FOLLOW_UP_CHARS + 1),
                conclusion: "x".repeat(MAX_CONCLUSION_CHARS + 1),
                ..draft()
            },
            true
        ),
        ["conclusion", "follow_up"]
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_cells_target_comes_from_its_role_seats_and_counts_members_once() {
    let t = InspectionTargets::hau_giang();
    let members = [
        member(1, CellRole::Secretary, PartyStatus::Full),
        member(2, CellRole::DeputySecretary, PartyStatus::Full),
        member(3, CellRole::CommitteeMember, PartyStatus::TransferredOut),
        member(4, CellRole::Member, PartyStatus::Full),
    ];
    // The member transferred out no longer holds a seat: no committee.
    assert_eq!(role_seats(&members), 2);
    let s = standing(
        CELL,
        "Chi bộ 1",
        &t,
        role_seats(&members),
        &[MemberId(4), MemberId(4)],
    );
    assert!(!s.has_committee);
    assert_eq!((s.target, s.done), (1, 1));
    assert!(s.on_target());
    let s = standing(CELL, "Chi bộ 1", &t, 3, &[MemberId(4), MemberId(4)]);
    assert_eq!((s.target, s.done), (2, 1));
    assert!(!s.on_target());
}

fn cell(id: i64, name: &str, target: u32, done: u32) -> CellStanding {
    CellStanding {
        cell_id: OrgId(id),
        cell_name: name.into(),
        has_committee: target == 2,
        target,
        done,
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn progress_is_written_as_vietnamese_write_it_and_rounded_down() {
    let mut cells: Vec<CellStanding> = (0..321)
        .map(|i| cell(i, &format!("Chi bộ {i:03}"), 2, if i < 229 { 2 } else { 1 }))
        .collect();
    cells[300].done = 0;
    let p = progress(GRASS, "Đảng bộ", 2026, &cells);
    assert_eq!(p.label_vi, "229/321 chi bộ, 71,33%");
    assert_eq!(p.label_en, "229/321 cells, 71.33%");
    assert_eq!(p.percent_hundredths, 7133);
    assert_eq!(p.behind.len(), 92);
    // Furthest behind first, then by name.
    assert_eq!(p.behind[0].cell_name, "Chi bộ 300");
    assert_eq!(p.behind[1].cell_name, "Chi bộ 229");
    assert_eq!(percent_hundredths(2, 3), 6666);
    assert_eq!(percent_hundredths(320, 321), 9968);
    assert_eq!(percent_hundredths(321, 321), 10_000);
    assert_eq!(percent_hundredths(0, 0), 0);
    assert_eq!(percent_label(5, ','), "0,05%");
    let none = progress(GRASS, "Đảng bộ", 2026, &[]);
    assert_eq!(none.label_vi, "0/0 chi bộ, 0,00%");
    let one = progress(
        GRASS,
        "Đảng bộ",
        2026,
        &[cell(1, "A", 1, 1), cell(2, "B", 2, 1)],
    );
    assert_eq!(one.label_vi, "1/2 chi bộ, 50,00%");
}
