//! Party members (đảng viên) and their record in a cell.

use crate::access::Actor;
use crate::error::{FieldError, FieldErrors};
use crate::ids::{MemberId, OrgId};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A member's party status: it decides who counts for attendance and who votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PartyStatus {
    /// Đảng viên chính thức: votes.
    Full,
    /// Đảng viên dự bị: attends and speaks, never votes.
    Probationary,
    /// Miễn công tác và sinh hoạt đảng: votes if present, dropped if absent.
    Exempted,
    /// Đã chuyển sinh hoạt: no longer on this cell's roll.
    TransferredOut,
}

impl PartyStatus {
    pub const ALL: [PartyStatus; 4] = [
        PartyStatus::Full,
        PartyStatus::Probationary,
        PartyStatus::Exempted,
        PartyStatus::TransferredOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PartyStatus::Full => "full",
            PartyStatus::Probationary => "probationary",
            PartyStatus::Exempted => "exempted",
            PartyStatus::TransferredOut => "transferred_out",
        }
    }

    pub fn parse(s: &str) -> Option<PartyStatus> {
        PartyStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PartyStatus::Full => "Chính thức",
            PartyStatus::Probationary => "Dự bị",
            PartyStatus::Exempted => "Miễn sinh hoạt",
            PartyStatus::TransferredOut => "Đã chuyển sinh hoạt",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            PartyStatus::Full => "Full member",
            PartyStatus::Probationary => "Probationary",
            PartyStatus::Exempted => "Exempted from activity",
            PartyStatus::TransferredOut => "Transferred out",
        }
    }

    /// Still on the cell's roll (everyone but those transferred out).
    pub fn on_roll(self) -> bool {
        self != PartyStatus::TransferredOut
    }
}

/// A member's position in the cell (chức vụ trong chi bộ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CellRole {
    /// Bí thư chi bộ: the cell secretary, who chairs the meeting.
    Secretary,
    /// Phó bí thư.
    DeputySecretary,
    /// Chi ủy viên: member of the cell committee.
    CommitteeMember,
    /// Đảng viên.
    Member,
}

impl CellRole {
    pub const ALL: [CellRole; 4] = [
        CellRole::Secretary,
        CellRole::DeputySecretary,
        CellRole::CommitteeMember,
        CellRole::Member,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CellRole::Secretary => "secretary",
            CellRole::DeputySecretary => "deputy_secretary",
            CellRole::CommitteeMember => "committee_member",
            CellRole::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<CellRole> {
        CellRole::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            CellRole::Secretary => "Bí thư",
            CellRole::DeputySecretary => "Phó Bí thư",
            CellRole::CommitteeMember => "Chi ủy viên",
            CellRole::Member => "Đảng viên",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            CellRole::Secretary => "Secretary",
            CellRole::DeputySecretary => "Deputy secretary",
            CellRole::CommitteeMember => "Committee member",
            CellRole::Member => "Member",
        }
    }

    /// The secretary and deputy run the cell's records and meetings.
    pub fn manages_cell(self) -> bool {
        matches!(self, CellRole::Secretary | CellRole::DeputySecretary)
    }

    /// The cell committee (chi ủy): secretary, deputy and committee members.
    pub fn on_cell_committee(self) -> bool {
        self != CellRole::Member
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    pub fn parse(s: &str) -> Option<Gender> {
        match s {
            "male" => Some(Gender::Male),
            "female" => Some(Gender::Female),
            _ => None,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Gender::Male => "Nam",
            Gender::Female => "Nữ",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Gender::Male => "Male",
            Gender::Female => "Female",
        }
    }
}

/// What a secretary types or imports for one member; validated before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberDraft {
    pub full_name: String,
    pub gender: Gender,
    pub birth_date: Option<NaiveDate>,
    /// Ngày vào Đảng.
    pub admitted_on: Option<NaiveDate>,
    /// Ngày chính thức.
    pub full_member_on: Option<NaiveDate>,
    pub status: PartyStatus,
    pub role: CellRole,
    /// Số thẻ đảng viên.
    pub card_number: Option<String>,
    /// Sinh hoạt tạm thời nơi khác: attached for a time to another party
    /// organization, which the member attends meanwhile.
    #[serde(default)]
    pub attached_elsewhere: Option<Attachment>,
}

/// A temporary attachment to another party organization (sinh hoạt đảng tạm
/// thời). While it lasts the member does not vote in the cell and leaves its
/// vote denominator (`rules::vote::denominator`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The organization the member attends, as written on the referral (at
    /// most 200 characters: `MAX_ORGANIZATION_CHARS`).
    pub organization: String,
    /// First day attached.
    pub from: NaiveDate,
    /// Last day attached; `None` while no end is set.
    pub until: Option<NaiveDate>,
}

impl Attachment {
    /// Whether `day` falls within the attachment, both ends included.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|until| day <= until)
    }
}

/// A member's stored record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Member {
    pub id: MemberId,
    pub cell_id: OrgId,
    #[serde(flatten)]
    pub draft: MemberDraft,
}

impl Member {
    /// Whether the member is attached to another organization on `day`, and
    /// so out of this cell's vote (and its denominator) that day.
    pub fn attached_on(&self, day: NaiveDate) -> bool {
        self.draft.attached_on(day)
    }

    /// The record without personal details (birth date, party card number).
    pub fn without_personal_details(self) -> Member {
        Member {
            draft: MemberDraft {
                birth_date: None,
                card_number: None,
                ..self.draft
            },
            ..self
        }
    }

    /// The record as `actor` may see it in the cell at the end of
    /// `cell_path`: whole for their own record and for those who see personal
    /// details there (`Actor::sees_personal_details`), else without them.
    pub fn as_seen_by(self, actor: &Actor, cell_path: &[OrgId]) -> Member {
        let own = actor.seat.is_some_and(|s| s.member_id == self.id);
        if own || actor.sees_personal_details(cell_path) {
            self
        } else {
            self.without_personal_details()
        }
    }
}

/// Why a member's record is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MemberError {
    #[error("Họ và tên không được để trống.")]
    NameEmpty,
    #[error("Họ và tên quá dài (tối đa {max} ký tự).")]
    NameTooLong { max: usize },
    #[error("Ngày sinh không được ở tương lai.")]
    BornInFuture,
    #[error("Ngày vào Đảng không được ở tương lai.")]
    AdmittedInFuture,
    #[error("Ngày chính thức không được ở tương lai.")]
    MadeFullInFuture,
    #[error("Đảng viên phải đủ 18 tuổi khi vào Đảng.")]
    AdmittedUnderage,
    #[error("Ngày chính thức phải sau ngày vào Đảng ít nhất 12 tháng dự bị.")]
    FullBeforeProbationEnds,
    #[error("Đảng viên dự bị phải có ngày vào Đảng.")]
    ProbationaryWithoutAdmission,
    #[error("Đảng viên dự bị chưa có ngày chính thức.")]
    ProbationaryWithFullDate,
    #[error("Đảng viên chính thức phải có ngày chính thức.")]
    FullWithoutFullDate,
    #[error("Số thẻ đảng viên chỉ gồm chữ số (có thể có dấu chấm), tối đa 20 ký tự.")]
    BadCardNumber,
    #[error("Cần ghi tên tổ chức đảng nơi sinh hoạt tạm thời.")]
    AttachmentWithoutOrganization,
    #[error("Tên tổ chức đảng nơi sinh hoạt tạm thời quá dài (tối đa {max} ký tự).")]
    AttachmentOrganizationTooLong { max: usize },
    #[error("Ngày kết thúc sinh hoạt tạm thời phải từ ngày bắt đầu trở đi.")]
    AttachmentEndsBeforeItStarts,
}

impl crate::i18n::Message for MemberError {
    fn english(&self) -> (&'static str, String) {
        use MemberError::*;
        let (code, text): (&'static str, String) = match self {
            NameEmpty => ("name_empty", "Full name must not be empty.".into()),
            NameTooLong { max } => (
                "name_too_long",
                format!("Full name is too long (at most {max} characters)."),
            ),
            BornInFuture => (
                "born_in_future",
                "Date of birth cannot be in the future.".into(),
            ),
            AdmittedInFuture => (
                "admitted_in_future",
                "Date of admission cannot be in the future.".into(),
            ),
            MadeFullInFuture => (
                "made_full_in_future",
                "Date of full membership cannot be in the future.".into(),
            ),
            AdmittedUnderage => (
                "admitted_underage",
                format!("A member must be at least {MIN_ADMISSION_AGE} when admitted."),
            ),
            FullBeforeProbationEnds => (
                "full_before_probation_ends",
                format!(
                    "Full membership must come at least {PROBATION_MONTHS} months of probation after admission."
                ),
            ),
            ProbationaryWithoutAdmission => (
                "probationary_without_admission",
                "A probationary member must have a date of admission.".into(),
            ),
            ProbationaryWithFullDate => (
                "probationary_with_full_date",
                "A probationary member has no date of full membership yet.".into(),
            ),
            FullWithoutFullDate => (
                "full_without_full_date",
                "A full member must have a date of full membership.".into(),
            ),
            BadCardNumber => (
                "bad_card_number",
                "The party card number has digits only (dots allowed), at most 20 characters."
                    .into(),
            ),
            AttachmentWithoutOrganization => (
                "attachment_without_organization",
                "Name the party organization of the temporary attachment.".into(),
            ),
            AttachmentOrganizationTooLong { max } => (
                "attachment_organization_too_long",
                format!(
                    "The name of the organization of the temporary attachment is too long (at most {max} characters)."
                ),
            ),
            AttachmentEndsBeforeItStarts => (
                "attachment_ends_before_it_starts",
                "The temporary attachment must end on or after the day it starts.".into(),
            ),
        };
        (code, text)
    }
}

impl MemberError {
    /// The form field the message belongs next to.
    pub fn field(&self) -> &'static str {
        use MemberError::*;
        match self {
            NameEmpty | NameTooLong { .. } => "full_name",
            BornInFuture => "birth_date",
            AdmittedInFuture | AdmittedUnderage | ProbationaryWithoutAdmission => "admitted_on",
            MadeFullInFuture
            | FullBeforeProbationEnds
            | ProbationaryWithFullDate
            | FullWithoutFullDate => "full_member_on",
            BadCardNumber => "card_number",
            AttachmentWithoutOrganization | AttachmentOrganizationTooLong { .. } => {
                "attached_organization"
            }
            AttachmentEndsBeforeItStarts => "attached_until",
        }
    }
}

pub const MAX_NAME_CHARS: usize = 100;
/// The name of an organization a member is attached to.
pub const MAX_ORGANIZATION_CHARS: usize = 200;
/// Điều lệ Đảng, Điều 1: a citizen of at least 18 may be admitted.
pub const MIN_ADMISSION_AGE: i32 = 18;
/// Điều lệ Đảng, Điều 5: probation lasts 12 months.
pub const PROBATION_MONTHS: u32 = 12;

impl MemberDraft {
    /// Trims text fields the way every entry path must, so that a re-import compares equal.
    pub fn normalized(mut self) -> MemberDraft {
        self.full_name = normalize_name(&self.full_name);
        self.card_number = self
            .card_number
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        if let Some(a) = &mut self.attached_elsewhere {
            a.organization = normalize_name(&a.organization);
        }
        self
    }

    /// Whether the member is attached to another organization on `day`.
    pub fn attached_on(&self, day: NaiveDate) -> bool {
        self.attached_elsewhere
            .as_ref()
            .is_some_and(|a| a.covers(day))
    }

    /// Every reason the draft is refused, as of `today`.
    pub fn problems(&self, today: NaiveDate) -> Vec<MemberError> {
        let mut errs = Vec::new();
        let name = self.full_name.trim();
        if name.is_empty() {
            errs.push(MemberError::NameEmpty);
        } else if name.chars().count() > MAX_NAME_CHARS {
            errs.push(MemberError::NameTooLong {
                max: MAX_NAME_CHARS,
            });
        }
        if self.birth_date.is_some_and(|d| d > today) {
            errs.push(MemberError::BornInFuture);
        }
        if self.admitted_on.is_some_and(|d| d > today) {
            errs.push(MemberError::AdmittedInFuture);
        }
        if self.full_member_on.is_some_and(|d| d > today) {
            errs.push(MemberError::MadeFullInFuture);
        }
        if let (Some(born), Some(admitted)) = (self.birth_date, self.admitted_on)
            && years_between(born, admitted) < MIN_ADMISSION_AGE
        {
            errs.push(MemberError::AdmittedUnderage);
        }
        if let (Some(admitted), Some(full)) = (self.admitted_on, self.full_member_on)
            && admitted
                .checked_add_months(chrono::Months::new(PROBATION_MONTHS))
                .is_none_or(|end| full < end)
        {
            errs.push(MemberError::FullBeforeProbationEnds);
        }
        match self.status {
            PartyStatus::Probationary => {
                if self.admitted_on.is_none() {
                    errs.push(MemberError::ProbationaryWithoutAdmission);
                }
                if self.full_member_on.is_some() {
                    errs.push(MemberError::ProbationaryWithFullDate);
                }
            }
            PartyStatus::Full => {
                if self.full_member_on.is_none() {
                    errs.push(MemberError::FullWithoutFullDate);
                }
            }
            PartyStatus::Exempted | PartyStatus::TransferredOut => {}
        }
        if let Some(card) = &self.card_number {
            let c = card.trim();
            let ok = !c.is_empty()
                && c.len() <= 20
                && c.chars().all(|ch| ch.is_ascii_digit() || ch == '.')
                && c.chars().any(|ch| ch.is_ascii_digit());
            if !ok {
                errs.push(MemberError::BadCardNumber);
            }
        }
        if let Some(a) = &self.attached_elsewhere {
            let org = a.organization.trim();
            if org.is_empty() {
                errs.push(MemberError::AttachmentWithoutOrganization);
            } else if org.chars().count() > MAX_ORGANIZATION_CHARS {
                errs.push(MemberError::AttachmentOrganizationTooLong {
                    max: MAX_ORGANIZATION_CHARS,
                });
            }
            if a.until.is_some_and(|until| until < a.from) {
                errs.push(MemberError::AttachmentEndsBeforeItStarts);
            }
        }
        errs
    }

    /// Validates the draft, giving each message with its field.
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let errs = self.problems(today);
        if errs.is_empty() {
            Ok(())
        } else {
            Err(FieldErrors(
                errs.iter().map(|e| FieldError::of(e.field(), e)).collect(),
            ))
        }
    }
}

/// Collapses runs of white space; keeps the diacritics exactly as typed.
pub fn normalize_name(name: &str) -> String {
    crate::text::clean(name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whole years from `from` to `to` (age on a date).
pub fn years_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut years = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn draft() -> MemberDraft {
        MemberDraft {
            full_name: "Nguyễn Thị Hồng Nhung".into(),
            gender: Gender::Female,
            birth_date: Some(d(1990, 5, 1)),
            admitted_on: Some(d(2015, 3, 2)),
            full_member_on: Some(d(2016, 3, 2)),
            status: PartyStatus::Full,
            role: CellRole::Member,
            card_number: Some("93.012345".into()),
            attached_elsewhere: None,
        }
    }

    fn attachment(from: NaiveDate, until: Option<NaiveDate>) -> Attachment {
        Attachment {
            organization: "Chi bộ Phòng Tổ chức – Sở Nội vụ".into(),
            from,
            until,
        }
    }

    const TODAY: fn() -> NaiveDate = || d(2026, 11, 22);

    #[test]
    fn a_complete_record_is_valid() {
        assert_eq!(draft().validate(TODAY()), Ok(()));
    }

    #[test]
    fn each_rule_refuses_with_its_field() {
        let cases: Vec<(MemberDraft, MemberError)> = vec![
            (
                MemberDraft {
                    full_name: "  ".into(),
                    ..draft()
                },
                MemberError::NameEmpty,
            ),
            (
                MemberDraft {
                    birth_date: Some(d(2000, 1, 1)),
                    ..draft()
                },
                MemberError::AdmittedUnderage,
            ),
            (
                MemberDraft {
                    full_member_on: Some(d(2016, 3, 1)),
                    ..draft()
                },
                MemberError::FullBeforeProbationEnds,
            ),
            (
                MemberDraft {
                    status: PartyStatus::Probationary,
                    ..draft()
                },
                MemberError::ProbationaryWithFullDate,
            ),
            (
                MemberDraft {
                    full_member_on: None,
                    ..draft()
                },
                MemberError::FullWithoutFullDate,
            ),
            (
                MemberDraft {
                    card_number: Some("AB-12".into()),
                    ..draft()
                },
                MemberError::BadCardNumber,
            ),
            (
                MemberDraft {
                    birth_date: Some(d(2027, 1, 1)),
                    ..draft()
                },
                MemberError::BornInFuture,
            ),
        ];
        for (draft, want) in cases {
            let got = draft.problems(TODAY());
            assert!(got.contains(&want), "{want:?} not in {got:?}");
            let fields = draft.validate(TODAY()).unwrap_err();
            assert!(fields.0.iter().any(|f| f.field == want.field()));
        }
    }

    #[test]
    fn exactly_eighteen_and_exactly_twelve_months_pass() {
        let ok = MemberDraft {
            birth_date: Some(d(1997, 3, 2)),
            admitted_on: Some(d(2015, 3, 2)),
            full_member_on: Some(d(2016, 3, 2)),
            ..draft()
        };
        assert_eq!(ok.problems(TODAY()), vec![]);
    }

    #[test]
    fn an_attachment_needs_an_organization_and_dates_in_order() {
        let with = |a: Attachment| MemberDraft {
            attached_elsewhere: Some(a),
            ..draft()
        };
        let ok = [
            attachment(d(2026, 3, 1), None),
            attachment(d(2026, 3, 1), Some(d(2026, 3, 1))),
            // Planned ahead: an attachment may start later.
            attachment(d(2027, 1, 1), Some(d(2027, 6, 30))),
        ];
        for a in ok {
            assert_eq!(with(a.clone()).problems(TODAY()), vec![], "{a:?}");
        }
        let cases = [
            (
                Attachment {
                    organization: "   ".into(),
                    ..attachment(d(2026, 3, 1), None)
                },
                MemberError::AttachmentWithoutOrganization,
            ),
            (
                Attachment {
                    organization: "Đ".repeat(MAX_ORGANIZATION_CHARS + 1),
                    ..attachment(d(2026, 3, 1), None)
                },
                MemberError::AttachmentOrganizationTooLong {
                    max: MAX_ORGANIZATION_CHARS,
                },
            ),
            (
                attachment(d(2026, 3, 1), Some(d(2026, 2, 28))),
                MemberError::AttachmentEndsBeforeItStarts,
            ),
        ];
        for (a, want) in cases {
            let draft = with(a);
            assert_eq!(draft.problems(TODAY()), vec![want.clone()]);
            let fields = draft.validate(TODAY()).unwrap_err();
            assert_eq!(fields.0[0].field, want.field());
        }
        let longest = Attachment {
            organization: "Đ".repeat(MAX_ORGANIZATION_CHARS),
            ..attachment(d(2026, 3, 1), None)
        };
        assert_eq!(with(longest).problems(TODAY()), vec![]);
    }

    #[test]
    fn attached_on_counts_both_ends() {
        let member = |a: Option<Attachment>| Member {
            id: MemberId(4),
            cell_id: OrgId(3),
            draft: MemberDraft {
                attached_elsewhere: a,
                ..draft()
            },
        };
        let closed = member(Some(attachment(d(2026, 3, 1), Some(d(2026, 5, 31)))));
        assert!(!closed.attached_on(d(2026, 2, 28)));
        assert!(closed.attached_on(d(2026, 3, 1)));
        assert!(closed.attached_on(d(2026, 5, 31)));
        assert!(!closed.attached_on(d(2026, 6, 1)));
        let open = member(Some(attachment(d(2026, 3, 1), None)));
        assert!(!open.attached_on(d(2026, 2, 28)));
        assert!(open.attached_on(d(2036, 1, 1)));
        assert!(!member(None).attached_on(d(2026, 3, 1)));
    }

    #[test]
    fn an_attachment_keeps_its_name_tidy() {
        let draft = MemberDraft {
            attached_elsewhere: Some(Attachment {
                organization: "  Chi bộ   Sở Nội vụ ".into(),
                ..attachment(d(2026, 3, 1), None)
            }),
            ..draft()
        }
        .normalized();
        assert_eq!(
            draft.attached_elsewhere.unwrap().organization,
            "Chi bộ Sở Nội vụ"
        );
    }

    #[test]
    fn a_record_without_personal_details_survives_json() {
        let member = Member {
            id: MemberId(4),
            cell_id: OrgId(3),
            draft: MemberDraft {
                attached_elsewhere: Some(attachment(d(2026, 3, 1), None)),
                ..draft()
            },
        };
        let hidden = member.clone().without_personal_details();
        assert_eq!(hidden.draft.birth_date, None);
        assert_eq!(hidden.draft.card_number, None);
        assert_eq!(
            hidden.draft,
            MemberDraft {
                birth_date: None,
                card_number: None,
                ..member.draft.clone()
            }
        );
        let json = serde_json::to_value(&hidden).unwrap();
        assert!(json["birth_date"].is_null() && json["card_number"].is_null());
        assert_eq!(json["full_name"], "Nguyễn Thị Hồng Nhung");
        let back: Member = serde_json::from_value(json).unwrap();
        assert_eq!(back, hidden);
        let whole: Member = serde_json::from_str(&serde_json::to_string(&member).unwrap()).unwrap();
        assert_eq!(whole, member);
    }

    #[test]
    fn names_keep_diacritics_and_lose_extra_spaces() {
        assert_eq!(normalize_name("  Lê   Văn  Đức "), "Lê Văn Đức");
    }
}
