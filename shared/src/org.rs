//! The organization tree: Đảng bộ → đảng bộ cơ sở → chi bộ → tổ đảng.

use crate::ids::OrgId;
use serde::{Deserialize, Serialize};

/// An organization's name, in characters.
pub const MAX_ORG_NAME_CHARS: usize = 200;

/// The level of an organization in the party's tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// Đảng bộ cấp trên (e.g. Đảng bộ Khối, Đảng bộ huyện).
    PartyCommittee,
    /// Đảng bộ cơ sở: a grassroots committee over several cells.
    GrassrootsCommittee,
    /// Chi bộ: the cell, where members hold their monthly meeting.
    Cell,
    /// Tổ đảng: a group inside a large cell.
    Group,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [
        OrgKind::PartyCommittee,
        OrgKind::GrassrootsCommittee,
        OrgKind::Cell,
        OrgKind::Group,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::PartyCommittee => "party_committee",
            OrgKind::GrassrootsCommittee => "grassroots_committee",
            OrgKind::Cell => "cell",
            OrgKind::Group => "group",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            OrgKind::PartyCommittee => "Đảng bộ",
            OrgKind::GrassrootsCommittee => "Đảng bộ cơ sở",
            OrgKind::Cell => "Chi bộ",
            OrgKind::Group => "Tổ đảng",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            OrgKind::PartyCommittee => "Party committee",
            OrgKind::GrassrootsCommittee => "Grassroots committee",
            OrgKind::Cell => "Cell",
            OrgKind::Group => "Group",
        }
    }

    /// Whether an organization of this kind may sit directly under `parent`
    /// (`None` = at the top). A chi bộ cơ sở reports straight to the upper level.
    pub fn may_sit_under(self, parent: Option<OrgKind>) -> bool {
        use OrgKind::*;
        matches!(
            (self, parent),
            (PartyCommittee, None | Some(PartyCommittee))
                | (GrassrootsCommittee, Some(PartyCommittee))
                | (Cell, Some(PartyCommittee | GrassrootsCommittee))
                | (Group, Some(Cell))
        )
    }

    /// Members' records hang on cells only.
    pub fn holds_members(self) -> bool {
        self == OrgKind::Cell
    }
}

/// One organization of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Organization {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    pub kind: OrgKind,
    pub name: String,
}

/// An organization as its viewer may see it in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrgEntry {
    pub org: Organization,
    /// What the viewer may do here; `none` for an ancestor shown only for context.
    pub access: crate::access::Access,
    /// Members on the roll (not transferred out); cells only.
    pub member_count: u32,
}

/// A node of the tree built from a flat list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgNode {
    pub entry: OrgEntry,
    pub children: Vec<OrgNode>,
}

/// Builds the forest from a flat list: an entry whose parent is absent becomes a root.
/// Siblings keep the list's order.
pub fn build_tree(entries: &[OrgEntry]) -> Vec<OrgNode> {
    fn children_of(entries: &[OrgEntry], parent: Option<OrgId>, depth: usize) -> Vec<OrgNode> {
        // The tree is at most a handful of levels; the guard stops a corrupt cycle.
        if depth > 16 {
            return Vec::new();
        }
        entries
            .iter()
            .filter(|e| {
                let p = e.org.parent_id;
                match parent {
                    None => p.is_none_or(|p| !entries.iter().any(|o| o.org.id == p)),
                    Some(id) => p == Some(id),
                }
            })
            .map(|e| OrgNode {
                entry: e.clone(),
                children: children_of(entries, Some(e.org.id), depth + 1),
            })
            .collect()
    }
    children_of(entries, None, 0)
}

/// Path from the root down to `id` (inclusive), following parent links in `orgs`.
pub fn path_to(orgs: &[Organization], id: OrgId) -> Vec<OrgId> {
    let mut path = Vec::new();
    let mut cur = Some(id);
    while let Some(c) = cur {
        if path.contains(&c) || path.len() > 16 {
            break;
        }
        path.push(c);
        cur = orgs.iter().find(|o| o.id == c).and_then(|o| o.parent_id);
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Access;

    fn org(id: i64, parent: Option<i64>, kind: OrgKind) -> Organization {
        Organization {
            id: OrgId(id),
            parent_id: parent.map(OrgId),
            kind,
            name: format!("O{id}"),
        }
    }

    #[test]
    fn kinds_nest_as_the_party_does() {
        use OrgKind::*;
        assert!(PartyCommittee.may_sit_under(None));
        assert!(GrassrootsCommittee.may_sit_under(Some(PartyCommittee)));
        assert!(Cell.may_sit_under(Some(GrassrootsCommittee)));
        assert!(Cell.may_sit_under(Some(PartyCommittee)), "chi bộ cơ sở");
        assert!(Group.may_sit_under(Some(Cell)));
        assert!(!Cell.may_sit_under(None));
        assert!(!Cell.may_sit_under(Some(Cell)));
        assert!(!GrassrootsCommittee.may_sit_under(Some(GrassrootsCommittee)));
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn tree_and_paths() {
        let orgs = vec![
            org(1, None, OrgKind::PartyCommittee),
            org(2, Some(1), OrgKind::GrassrootsCommittee),
            org(3, Some(2), OrgKind::Cell),
            org(4, Some(2), OrgKind::Cell),
        ];
        assert_eq!(path_to(&orgs, OrgId(3)), vec![OrgId(1), OrgId(2), OrgId(3)]);
        let entries: Vec<_> = orgs[1..]
            .iter()
            .map(|o| OrgEntry {
                org: o.clone(),
                access: Access::Read,
                member_count: 0,
            })
            .collect();
        let tree = build_tree(&entries);
        assert_eq!(
            tree.len(),
            1,
            "an entry whose parent is not visible is a root"
        );
        assert_eq!(tree[0].children.len(), 2);
    }
}
