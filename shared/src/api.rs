//! The messages of the JSON API under `/api`: what the app sends and receives.
//! One definition for both sides, so they cannot drift apart.

use crate::access::{Access, Actor};
use crate::ids::{AccountId, MemberId, OrgId};
use crate::member::{CellRole, Member, MemberDraft};
use crate::org::{OrgEntry, OrgKind, Organization};
use serde::{Deserialize, Serialize};

/// Why an account name or a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("Tên đăng nhập phải có từ 3 đến 32 ký tự.")]
    UsernameLength,
    #[error("Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số và các dấu . _ -")]
    UsernameCharacters,
    #[error("Mật khẩu phải có ít nhất {MIN_PASSWORD_CHARS} ký tự.")]
    PasswordTooShort,
    #[error("Mật khẩu quá dài (tối đa {MAX_PASSWORD_CHARS} ký tự).")]
    PasswordTooLong,
    #[error("Mật khẩu phải có cả chữ cái và chữ số hoặc ký hiệu.")]
    PasswordOneKind,
}

impl crate::i18n::Message for CredentialError {
    fn english(&self) -> (&'static str, String) {
        use CredentialError::*;
        match self {
            UsernameLength => ("username_length", "The user name must have 3 to 32 characters.".into()),
            UsernameCharacters => ("username_characters", "The user name has only lower-case letters without accents, digits and the signs . _ -".into()),
            PasswordTooShort => ("password_too_short", format!("The password must have at least {MIN_PASSWORD_CHARS} characters.")),
            PasswordTooLong => ("password_too_long", format!("The password is too long (at most {MAX_PASSWORD_CHARS} characters).")),
            PasswordOneKind => ("password_one_kind", "The password must have both letters and digits or symbols.".into()),
        }
    }
}

/// Account names: 3–32 of `a-z`, `0-9`, `.`, `_`, `-` (lower case, no diacritics, so
/// they type the same on every phone keyboard).
pub fn check_username(username: &str) -> Result<(), CredentialError> {
    let len = username.chars().count();
    if !(3..=32).contains(&len) {
        return Err(CredentialError::UsernameLength);
    }
    if !username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
    {
        return Err(CredentialError::UsernameCharacters);
    }
    Ok(())
}

/// An account's display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 100;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Passwords: 8–128 characters, not all of one kind of character.
pub fn check_password(password: &str) -> Result<(), CredentialError> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_CHARS {
        return Err(CredentialError::PasswordTooShort);
    }
    if len > MAX_PASSWORD_CHARS {
        return Err(CredentialError::PasswordTooLong);
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_other = password.chars().any(|c| !c.is_alphabetic());
    if !(has_letter && has_other) {
        return Err(CredentialError::PasswordOneKind);
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// A login account as shown to itself and to administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AccountView {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub member_id: Option<MemberId>,
    pub is_admin: bool,
    pub disabled: bool,
}

/// Who is logged in, and what they may reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Me {
    pub account: AccountView,
    pub actor: Actor,
    /// The member record behind the account, if any.
    pub member: Option<Member>,
    /// The member's own cell.
    pub cell: Option<Organization>,
    /// Organizations whose committee this person sits on.
    pub committees: Vec<Organization>,
    /// Cells this person is assigned to follow as an upper-level committee member.
    pub assigned_cells: Vec<Organization>,
}

impl Me {
    pub fn role(&self) -> Option<CellRole> {
        self.member.as_ref().map(|m| m.draft.role)
    }
}

/// One organization with its place in the tree and what the viewer may do there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrgDetail {
    pub org: Organization,
    /// Root first, this organization last.
    pub path: Vec<Organization>,
    pub access: Access,
    pub children: Vec<OrgEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    pub parent_id: Option<OrgId>,
    pub kind: OrgKind,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
    #[serde(default)]
    pub member_id: Option<MemberId>,
    #[serde(default)]
    pub is_admin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    pub new_password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetDisabledRequest {
    pub disabled: bool,
}

/// An upper-level committee member assigned to follow a cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub account_id: AccountId,
    pub cell_id: OrgId,
}

/// A seat on an organization's committee (cấp ủy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommitteeSeat {
    pub account_id: AccountId,
    pub organization_id: OrgId,
}

/// A CSV file to check (`commit: false`) or to write (`commit: true`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    pub csv: String,
    #[serde(default)]
    pub commit: bool,
}

/// What an import would do, or did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub rows: Vec<crate::import::ImportRow>,
    pub errors: Vec<crate::import::ImportError>,
    pub to_create: u32,
    pub to_update: u32,
    pub unchanged: u32,
    /// True only when every row was valid and the changes were written.
    pub committed: bool,
}

/// The home page: my place in the party and what comes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Home {
    pub me: Me,
    /// Cells this person can see, with their member counts.
    pub cells: Vec<OrgEntry>,
    /// Meetings registered in those cells from today on, soonest first.
    pub upcoming_meetings: Vec<crate::meeting::Meeting>,
}

/// Convenience for forms: a member draft from a fresh, empty form.
pub fn empty_member_draft() -> MemberDraft {
    MemberDraft {
        full_name: String::new(),
        gender: crate::member::Gender::Male,
        birth_date: None,
        admitted_on: None,
        full_member_on: None,
        status: crate::member::PartyStatus::Full,
        role: CellRole::Member,
        card_number: None,
        attached_elsewhere: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(check_username("bithu.a").is_ok());
        assert_eq!(check_username("ab"), Err(CredentialError::UsernameLength));
        assert!(check_username("Bí thư").is_err());
        assert!(check_username("UPPER").is_err());
    }

    #[test]
    fn passwords() {
        assert!(check_password("chibo2026").is_ok());
        assert!(check_password("short1").is_err());
        assert_eq!(
            check_password("onlyletters"),
            Err(CredentialError::PasswordOneKind)
        );
        assert!(check_password("12345678").is_err());
        assert!(
            check_password("mậtkhẩu2026").is_ok(),
            "diacritics are letters"
        );
    }

    #[test]
    fn credential_errors_in_english() {
        use CredentialError::*;
        crate::i18n::assert_english(&[
            &UsernameLength,
            &UsernameCharacters,
            &PasswordTooShort,
            &PasswordTooLong,
            &PasswordOneKind,
        ]);
    }
}
