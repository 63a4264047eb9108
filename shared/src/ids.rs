//! Typed identifiers, so an organization id can never be passed where a member id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// An organization in the tree (Đảng bộ, đảng bộ cơ sở, chi bộ, tổ đảng).
    OrgId
);
id_type!(
    /// A party member's record (đảng viên).
    MemberId
);
id_type!(
    /// A login account.
    AccountId
);
id_type!(
    /// A cell meeting (buổi sinh hoạt chi bộ).
    MeetingId
);
