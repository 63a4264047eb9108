//! Inspection targets (chỉ tiêu kiểm tra đảng viên): how many of its members a
//! cell inspects in a year, with or without a cell committee (chi ủy), and
//! progress reported as a share of cells on target ("229/321 chi bộ, 71,33%";
//! docs/rules.md#inspection-targets).

use serde::{Deserialize, Serialize};

/// Members a cell inspects in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct InspectionTargets {
    /// A cell with a committee (chi bộ có chi ủy).
    pub with_committee: u32,
    /// A cell without one.
    pub without_committee: u32,
    /// Members holding a cell role (bí thư, phó bí thư, chi ủy viên) from which a
    /// cell is counted as having a committee.
    pub committee_min_seats: u32,
}

impl InspectionTargets {
    /// 2 with a committee, 1 without (Hậu Giang); a committee has at least 3 seats.
    pub fn hau_giang() -> InspectionTargets {
        InspectionTargets {
            with_committee: 2,
            without_committee: 1,
            committee_min_seats: 3,
        }
    }

    /// Whether a cell whose members hold `role_seats` cell roles has a committee.
    pub fn has_committee(&self, role_seats: u32) -> bool {
        role_seats >= self.committee_min_seats
    }

    /// The year's target for a cell.
    pub fn target(&self, has_committee: bool) -> u32 {
        if has_committee {
            self.with_committee
        } else {
            self.without_committee
        }
    }
}

impl Default for InspectionTargets {
    fn default() -> InspectionTargets {
        InspectionTargets::hau_giang()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_with_three_seats_has_a_committee_and_a_target_of_two() {
        let t = InspectionTargets::hau_giang();
        assert!(!t.has_committee(2));
        assert!(t.has_committee(3));
        assert_eq!(t.target(t.has_committee(3)), 2);
        assert_eq!(t.target(t.has_committee(1)), 1);
    }
}
