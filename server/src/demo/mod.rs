//! Demo data in the shape of a real grassroots committee (a report from Hà Tĩnh,
//! docs/rules.md#sources): one đảng bộ cơ sở with 4 cells and 48 fictional
//! members, a 7-member committee of whom 4 are cell secretaries, a few
//! probationary members and one exempted member, and one upper-level committee
//! member assigned to two of the cells.

pub mod bloc;

use crate::storage::{NewAccountRow, Result, Store};
use chrono::{Months, NaiveDate};
use shared::OrgId;
use shared::member::{CellRole, Gender, MemberDraft, PartyStatus};
use shared::org::OrgKind;

/// Every demo account's password (listed in the README).
pub const DEMO_PASSWORD: &str = "chibo2026";

pub const CELLS: [(&str, char); 4] = [
    ("Chi bộ Văn phòng", 'a'),
    ("Chi bộ Nghiệp vụ – Thanh tra", 'b'),
    ("Chi bộ Đội Quản lý thị trường số 1", 'c'),
    ("Chi bộ Đội Quản lý thị trường số 2", 'd'),
];
pub const MEMBERS_PER_CELL: usize = 12;

pub(crate) const FAMILY: [&str; 16] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
pub(crate) const MIDDLE_M: [&str; 8] = [
    "Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Công", "Xuân",
];
pub(crate) const MIDDLE_F: [&str; 8] = [
    "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Kim", "Phương",
];
pub(crate) const GIVEN_M: [&str; 18] = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam", "Phong",
    "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Vinh",
];
pub(crate) const GIVEN_F: [&str; 18] = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Nhung",
    "Oanh",
    "Phượng",
    "Thảo",
    "Trang",
    "Yến",
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The `i`-th demo member (0..48) of cell `cell` (0..4), at position `pos` (0..12).
pub fn demo_member(cell: usize, pos: usize) -> MemberDraft {
    let i = cell * MEMBERS_PER_CELL + pos;
    let gender = if i % 3 == 1 {
        Gender::Female
    } else {
        Gender::Male
    };
    let (middle, given) = match gender {
        Gender::Male => (MIDDLE_M[(i * 5) % 8], GIVEN_M[(i * 11) % 18]),
        Gender::Female => (MIDDLE_F[(i * 5) % 8], GIVEN_F[(i * 11) % 18]),
    };
    let full_name = format!("{} {} {}", FAMILY[(i * 7) % 16], middle, given);
    let birth = date(
        1966 + (i * 7 % 33) as i32,
        (i % 12) as u32 + 1,
        (i * 3 % 28) as u32 + 1,
    );
    let role = match pos {
        0 => CellRole::Secretary,
        1 => CellRole::DeputySecretary,
        2 => CellRole::CommitteeMember,
        _ => CellRole::Member,
    };
    // The last member of cells A–C is on probation; cell D has one exempted member.
    let probationary = pos == MEMBERS_PER_CELL - 1 && cell < 3;
    let status = if probationary {
        PartyStatus::Probationary
    } else if cell == 3 && pos == MEMBERS_PER_CELL - 1 {
        PartyStatus::Exempted
    } else {
        PartyStatus::Full
    };
    let admitted_on = if probationary {
        date(2026, (cell as u32) + 2, 19)
    } else {
        birth
            .checked_add_months(Months::new(12 * (22 + (i % 9) as u32)))
            .unwrap_or(birth)
    };
    let full_member_on = (!probationary).then(|| {
        admitted_on
            .checked_add_months(Months::new(12))
            .unwrap_or(admitted_on)
    });
    MemberDraft {
        full_name,
        gender,
        birth_date: Some(birth),
        admitted_on: Some(admitted_on),
        full_member_on,
        status,
        role,
        card_number: Some(format!("93.{:06}", 1201 + i * 37)),
        attached_elsewhere: None,
    }
}

/// The username of the member at `pos` in the cell with letter `letter`.
pub fn demo_username(letter: char, pos: usize) -> String {
    if pos == 0 {
        format!("bithu.{letter}")
    } else {
        format!("dv.{letter}{:02}", pos + 1)
    }
}

/// Fills an empty database; leaves a database with any organization untouched.
/// Returns whether it seeded.
pub async fn seed_if_empty(store: &Store) -> Result<bool> {
    if !store.organizations().await?.is_empty() {
        return Ok(false);
    }
    // One hash for every demo account: they share a published password anyway,
    // and 50 Argon2 runs would slow every start of a test server.
    let hash = crate::auth::hash_password(DEMO_PASSWORD.to_string())
        .await
        .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?;
    let account = |username: String, display_name: String, member_id, is_admin| NewAccountRow {
        username,
        display_name,
        password_hash: hash.clone(),
        member_id,
        is_admin,
    };

    let bloc = store
        .create_organization(
            None,
            OrgKind::PartyCommittee,
            "Đảng bộ Khối các cơ quan tỉnh",
        )
        .await?;
    let grassroots = store
        .create_organization(
            Some(bloc.id),
            OrgKind::GrassrootsCommittee,
            "Đảng bộ Cục Quản lý thị trường",
        )
        .await?;
    store
        .create_account(account(
            "quantri".into(),
            "Quản trị hệ thống".into(),
            None,
            true,
        ))
        .await?;

    let mut cell_ids: Vec<OrgId> = Vec::new();
    for (c, (name, letter)) in CELLS.iter().enumerate() {
        let cell = store
            .create_organization(Some(grassroots.id), OrgKind::Cell, name)
            .await?;
        cell_ids.push(cell.id);
        for pos in 0..MEMBERS_PER_CELL {
            let draft = demo_member(c, pos);
            let member = store.create_member(cell.id, &draft).await?;
            let acc = store
                .create_account(account(
                    demo_username(*letter, pos),
                    draft.full_name.clone(),
                    Some(member.id),
                    false,
                ))
                .await?;
            // Đảng ủy of 7: the four cell secretaries, the deputies of A and B, the deputy of C.
            if pos == 0 || (pos == 1 && c < 3) {
                store.add_committee_seat(acc.id, grassroots.id).await?;
            }
        }
    }
    let upper = store
        .create_account(account(
            "capuy.khoi".into(),
            "Trịnh Minh Tuấn".into(),
            None,
            false,
        ))
        .await?;
    store.add_assignment(upper.id, cell_ids[1]).await?;
    store.add_assignment(upper.id, cell_ids[3]).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        date(2026, 11, 22)
    }

    #[test]
    fn every_demo_member_is_valid_and_named_once() {
        let mut names = Vec::new();
        let mut statuses = Vec::new();
        for c in 0..CELLS.len() {
            for p in 0..MEMBERS_PER_CELL {
                let m = demo_member(c, p);
                assert_eq!(m.problems(today()), vec![], "{m:?}");
                assert!(!names.contains(&m.full_name), "duplicate {}", m.full_name);
                names.push(m.full_name.clone());
                statuses.push(m.status);
            }
        }
        assert_eq!(names.len(), 48);
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == PartyStatus::Probationary)
                .count(),
            3
        );
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == PartyStatus::Exempted)
                .count(),
            1
        );
    }
}
