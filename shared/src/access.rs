//! Who may see and change what. The server asks these functions for every request;
//! the app asks the same ones to decide which buttons to show.

use crate::ids::{AccountId, MemberId, OrgId};
use crate::member::CellRole;
use serde::{Deserialize, Serialize};

/// What an actor may do with an organization and everything under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Access {
    None,
    Read,
    Manage,
}

/// A member's place in their own cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellSeat {
    pub cell_id: OrgId,
    pub member_id: MemberId,
    pub role: CellRole,
}

/// Everything the permission rules need to know about the person asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Actor {
    pub account_id: AccountId,
    pub is_admin: bool,
    /// The cell the account's member record belongs to, if any.
    pub seat: Option<CellSeat>,
    /// Organizations whose committee (cấp ủy) this person sits on: they follow
    /// every cell below, read-only.
    pub committee_of: Vec<OrgId>,
    /// Cells an upper-level committee member is assigned to follow (phân công theo dõi).
    pub assigned_cells: Vec<OrgId>,
}

impl Actor {
    /// Access to the organization at the end of `path` (root first, the organization last).
    pub fn access_to(&self, path: &[OrgId]) -> Access {
        let Some(&target) = path.last() else {
            return Access::None;
        };
        if self.is_admin {
            return Access::Manage;
        }
        let mut access = Access::None;
        if let Some(seat) = self.seat {
            // A group (tổ đảng) inside one's cell is part of the cell.
            if path.contains(&seat.cell_id) {
                access = access.max(if seat.role.manages_cell() {
                    Access::Manage
                } else {
                    Access::Read
                });
            }
        }
        if self.committee_of.iter().any(|c| path.contains(c)) {
            access = access.max(Access::Read);
        }
        if self.assigned_cells.iter().any(|c| path.contains(c))
            || self.assigned_cells.contains(&target)
        {
            access = access.max(Access::Read);
        }
        access
    }

    pub fn can_read(&self, path: &[OrgId]) -> bool {
        self.access_to(path) >= Access::Read
    }

    pub fn can_manage(&self, path: &[OrgId]) -> bool {
        self.access_to(path) >= Access::Manage
    }

    /// Whether the actor sees members' personal details (ngày sinh, số thẻ
    /// đảng viên) in the cell at the end of `path`: the cell's secretary and
    /// committee (chi ủy), the committees above it, upper-level members
    /// assigned to follow it, administrators. A plain member of the cell sees
    /// cell-mates' names, status and role, and their own record whole
    /// (`Member::as_seen_by`).
    pub fn sees_personal_details(&self, path: &[OrgId]) -> bool {
        if path.is_empty() {
            return false;
        }
        self.is_admin
            || self
                .seat
                .is_some_and(|s| s.role.on_cell_committee() && path.contains(&s.cell_id))
            || self.committee_of.iter().any(|c| path.contains(c))
            || self.assigned_cells.iter().any(|c| path.contains(c))
    }

    /// Whether the actor may remind (đôn đốc, nhắc nhở) the cells below the
    /// organization at the end of `path`: administrators and those who sit on
    /// the committee of that organization or one above it. A member assigned
    /// to follow one cell, or a cell's own secretary, may not.
    pub fn may_urge(&self, path: &[OrgId]) -> bool {
        !path.is_empty() && (self.is_admin || self.committee_of.iter().any(|c| path.contains(c)))
    }

    /// Whether the actor may choose the rule set (bộ quy tắc) of the
    /// organization at the end of `path`: administrators and those who sit on
    /// the committee of that organization or one above it (its office works
    /// through their accounts). Whether the organization chooses at all is
    /// `rules::adoption::chooses_rules`.
    pub fn may_choose_rules(&self, path: &[OrgId]) -> bool {
        !path.is_empty() && (self.is_admin || self.committee_of.iter().any(|c| path.contains(c)))
    }

    /// Only administrators create accounts, reset passwords, shape the tree and make assignments.
    pub fn can_administer(&self) -> bool {
        self.is_admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: OrgId = OrgId(1);
    const GRASS: OrgId = OrgId(2);
    const CELL_A: OrgId = OrgId(3);
    const CELL_B: OrgId = OrgId(4);
    const OTHER_GRASS: OrgId = OrgId(5);
    const CELL_C: OrgId = OrgId(6);

    fn a() -> Vec<OrgId> {
        vec![ROOT, GRASS, CELL_A]
    }
    fn b() -> Vec<OrgId> {
        vec![ROOT, GRASS, CELL_B]
    }
    fn c() -> Vec<OrgId> {
        vec![ROOT, OTHER_GRASS, CELL_C]
    }

    fn actor() -> Actor {
        Actor {
            account_id: AccountId(1),
            is_admin: false,
            seat: None,
            committee_of: vec![],
            assigned_cells: vec![],
        }
    }

    fn seated(cell: OrgId, role: CellRole) -> Actor {
        Actor {
            seat: Some(CellSeat {
                cell_id: cell,
                member_id: MemberId(9),
                role,
            }),
            ..actor()
        }
    }

    #[test]
    fn only_a_committee_above_or_an_administrator_urges_cells() {
        let grass = vec![ROOT, GRASS];
        let grass_committee = Actor {
            committee_of: vec![GRASS],
            ..actor()
        };
        assert!(grass_committee.may_urge(&grass));
        assert!(!grass_committee.may_urge(&[ROOT, OTHER_GRASS]));
        let province = Actor {
            committee_of: vec![ROOT],
            ..actor()
        };
        assert!(province.may_urge(&grass));
        let assigned = Actor {
            assigned_cells: vec![CELL_A],
            ..actor()
        };
        assert!(!assigned.may_urge(&grass));
        assert!(!seated(CELL_A, CellRole::Secretary).may_urge(&grass));
        let admin = Actor {
            is_admin: true,
            ..actor()
        };
        assert!(admin.may_urge(&grass));
        assert!(!admin.may_urge(&[]));
    }

    #[test]
    fn a_committee_above_or_an_administrator_chooses_the_rules() {
        let grass = vec![ROOT, GRASS];
        let grass_committee = Actor {
            committee_of: vec![GRASS],
            ..actor()
        };
        assert!(grass_committee.may_choose_rules(&grass));
        assert!(!grass_committee.may_choose_rules(&[ROOT]));
        assert!(!grass_committee.may_choose_rules(&[ROOT, OTHER_GRASS]));
        let assigned = Actor {
            assigned_cells: vec![CELL_A],
            ..actor()
        };
        assert!(!assigned.may_choose_rules(&a()));
        assert!(!seated(CELL_A, CellRole::Secretary).may_choose_rules(&a()));
        let admin = Actor {
            is_admin: true,
            ..actor()
        };
        assert!(admin.may_choose_rules(&[ROOT]));
        assert!(!admin.may_choose_rules(&[]));
    }

    #[test]
    fn table_of_roles() {
        use Access::*;
        let admin = Actor {
            is_admin: true,
            ..actor()
        };
        let secretary_a = seated(CELL_A, CellRole::Secretary);
        let deputy_a = seated(CELL_A, CellRole::DeputySecretary);
        let committee_a = seated(CELL_A, CellRole::CommitteeMember);
        let member_b = seated(CELL_B, CellRole::Member);
        let grass_committee = Actor {
            committee_of: vec![GRASS],
            ..actor()
        };
        let assigned = Actor {
            assigned_cells: vec![CELL_C],
            ..actor()
        };
        let nobody = actor();
        let table: Vec<(&str, &Actor, [Access; 4])> = vec![
            // actor, [cell A, cell B, cell C, grassroots committee]
            ("admin", &admin, [Manage, Manage, Manage, Manage]),
            ("secretary A", &secretary_a, [Manage, None, None, None]),
            ("deputy A", &deputy_a, [Manage, None, None, None]),
            ("chi ủy viên A", &committee_a, [Read, None, None, None]),
            ("member B", &member_b, [None, Read, None, None]),
            ("đảng ủy viên", &grass_committee, [Read, Read, None, Read]),
            ("assigned to C", &assigned, [None, None, Read, None]),
            ("no seat", &nobody, [None, None, None, None]),
        ];
        for (name, who, want) in table {
            let got = [
                who.access_to(&a()),
                who.access_to(&b()),
                who.access_to(&c()),
                who.access_to(&[ROOT, GRASS]),
            ];
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn personal_details_for_the_committee_and_above() {
        let grass_committee = Actor {
            committee_of: vec![GRASS],
            ..actor()
        };
        let assigned = Actor {
            assigned_cells: vec![CELL_C],
            ..actor()
        };
        let admin = Actor {
            is_admin: true,
            ..actor()
        };
        let table: Vec<(&str, Actor, [bool; 3])> = vec![
            // actor, [cell A, cell B, cell C]
            (
                "member A",
                seated(CELL_A, CellRole::Member),
                [false, false, false],
            ),
            (
                "chi ủy viên A",
                seated(CELL_A, CellRole::CommitteeMember),
                [true, false, false],
            ),
            (
                "deputy A",
                seated(CELL_A, CellRole::DeputySecretary),
                [true, false, false],
            ),
            (
                "secretary A",
                seated(CELL_A, CellRole::Secretary),
                [true, false, false],
            ),
            ("đảng ủy viên", grass_committee, [true, true, false]),
            ("assigned to C", assigned, [false, false, true]),
            ("admin", admin, [true, true, true]),
            ("no seat", actor(), [false, false, false]),
        ];
        for (name, who, want) in table {
            let got = [a(), b(), c()].map(|p| who.sees_personal_details(&p));
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn empty_path_is_no_access() {
        let admin = Actor {
            is_admin: true,
            ..actor()
        };
        assert_eq!(admin.access_to(&[]), Access::None);
    }
}
