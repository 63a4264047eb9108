//! Votes in the cell (biểu quyết): who may vote, the denominator, the threshold by
//! the vote's kind, whether it can pass before it is opened, and its outcome.
//!
//! The denominator (mẫu số) is the same for every kind: full members (đảng viên
//! chính thức) on the roll, minus members attached elsewhere, plus exempted members
//! who are present (those absent are dropped). It is never "those present".
//! Sources (docs/rules.md#vote-thresholds-and-the-denominator): Điều lệ Đảng (2011)
//! Điều 4 for admission ("2/3 số đảng viên chính thức"); Quy định 24-QĐ/TW (2021)
//! for dropping absent exempted members and members attached elsewhere from "số
//! đảng viên chính thức" when a share is computed. We apply that adjustment to the
//! 2/3 kinds too, since the Charter's "full members" is the same count the QĐ 24
//! rule adjusts.
//! Thresholds are exact integers: "more than half of D" is `2·yes > D`,
//! "at least 2/3 of D" is `3·yes ≥ 2·D`. Abstentions count as not in favour.

use super::attendance::{AttendanceMark, RosterEntry};
use super::ruleset::Threshold;
use super::source::{Rule, Source};
use crate::i18n::{Lang, tr};
use crate::ids::MemberId;
use crate::member::PartyStatus;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// The vote part of a rule set, one rule per kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VoteRules {
    /// Nghị quyết: more than half (QĐ 24-QĐ/TW).
    pub resolution: Rule<VoteRule>,
    /// Đề nghị kết nạp đảng viên: at least 2/3 (Điều lệ Đảng, Điều 4).
    pub admission_proposal: Rule<VoteRule>,
    /// Khai trừ: at least 2/3, secret ballot (Điều lệ Đảng).
    pub expulsion: Rule<VoteRule>,
    /// Khiển trách, cảnh cáo, cách chức: more than half (Điều lệ Đảng).
    pub discipline: Rule<VoteRule>,
}

impl VoteRules {
    pub fn rule(&self, kind: VoteKind) -> &Rule<VoteRule> {
        match kind {
            VoteKind::Resolution => &self.resolution,
            VoteKind::AdmissionProposal => &self.admission_proposal,
            VoteKind::Expulsion => &self.expulsion,
            VoteKind::Discipline => &self.discipline,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VoteRule {
    /// Share of the denominator that must vote in favour.
    pub threshold: Threshold,
    /// Must be a secret ballot (bỏ phiếu kín).
    pub secret_ballot: bool,
}

/// What is put to the vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VoteKind {
    /// Thông qua nghị quyết.
    Resolution,
    /// Đề nghị kết nạp đảng viên.
    AdmissionProposal,
    /// Khai trừ.
    Expulsion,
    /// Kỷ luật khiển trách, cảnh cáo, cách chức.
    Discipline,
}

impl VoteKind {
    pub const ALL: [VoteKind; 4] = [
        VoteKind::Resolution,
        VoteKind::AdmissionProposal,
        VoteKind::Expulsion,
        VoteKind::Discipline,
    ];

    pub fn label_vi(self) -> &'static str {
        match self {
            VoteKind::Resolution => "Biểu quyết thông qua nghị quyết",
            VoteKind::AdmissionProposal => "Biểu quyết đề nghị kết nạp đảng viên",
            VoteKind::Expulsion => "Biểu quyết khai trừ",
            VoteKind::Discipline => "Biểu quyết kỷ luật",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            VoteKind::Resolution => "Vote to pass a resolution",
            VoteKind::AdmissionProposal => "Vote to propose an admission",
            VoteKind::Expulsion => "Vote to expel",
            VoteKind::Discipline => "Vote on discipline",
        }
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        crate::i18n::tr(lang, self.label_vi(), self.label_en())
    }
}

impl fmt::Display for VoteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_vi())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Ballot {
    /// Biểu quyết công khai (giơ tay).
    Open,
    /// Bỏ phiếu kín.
    Secret,
}

/// Who wants to vote: a member of the cell, or someone who never votes here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Participant {
    Member(MemberId),
    /// Khách mời.
    Guest,
    /// Cấp ủy viên cấp trên dự sinh hoạt.
    UpperLevelVisitor,
}

/// The counted ballots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VoteTally {
    /// Tán thành.
    pub in_favour: u32,
    /// Không tán thành.
    pub against: u32,
    /// Không biểu quyết / phiếu trắng.
    pub abstain: u32,
}

impl VoteTally {
    pub fn cast(&self) -> u32 {
        self.in_favour + self.against + self.abstain
    }
}

/// Why someone may not vote, or a vote may not be opened or counted.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum VoteRefusal {
    #[error("Khách mời không biểu quyết trong chi bộ.")]
    Guest,
    #[error("Cấp ủy viên cấp trên dự sinh hoạt không biểu quyết trong chi bộ.")]
    UpperLevelVisitor,
    #[error("Người này không có tên trong danh sách đảng viên của chi bộ.")]
    NotOnRoster { member_id: MemberId },
    #[error("Đồng chí {name} đã chuyển sinh hoạt, không biểu quyết tại chi bộ.")]
    TransferredOut { name: String },
    #[error("Đồng chí {name} là đảng viên dự bị, không biểu quyết.")]
    Probationary { name: String },
    #[error("Đồng chí {name} đang sinh hoạt tạm thời nơi khác, không biểu quyết tại chi bộ.")]
    AttachedElsewhere { name: String },
    #[error("Đồng chí {name} không có mặt nên không biểu quyết.")]
    NotPresent { name: String },
    #[error("{kind} phải bỏ phiếu kín.")]
    SecretBallotRequired { kind: VoteKind },
    #[error("Chi bộ không có đảng viên chính thức nào để tính tỷ lệ biểu quyết.")]
    EmptyDenominator,
    #[error(
        "Không thể mở biểu quyết: cần ít nhất {required} phiếu tán thành trên tổng số {denominator} đảng viên chính thức, nhưng chỉ có {eligible} người có quyền biểu quyết đang có mặt."
    )]
    CannotReachThreshold {
        required: u32,
        denominator: u32,
        eligible: u32,
    },
    #[error(
        "Số phiếu ({cast}) nhiều hơn số đảng viên có quyền biểu quyết đang có mặt ({eligible})."
    )]
    TooManyBallots { cast: u32, eligible: u32 },
}

impl crate::i18n::Message for VoteRefusal {
    fn english(&self) -> (&'static str, String) {
        use VoteRefusal::*;
        match self {
            Guest => ("guest", "Guests do not vote in the cell.".into()),
            UpperLevelVisitor => (
                "upper_level_visitor",
                "A visiting member of a higher committee does not vote in the cell.".into(),
            ),
            NotOnRoster { .. } => (
                "not_on_roster",
                "This person is not on the cell's roll of members.".into(),
            ),
            TransferredOut { name } => (
                "transferred_out",
                format!("Comrade {name} has transferred out and does not vote in the cell."),
            ),
            Probationary { name } => (
                "probationary",
                format!("Comrade {name} is a probationary member and does not vote."),
            ),
            AttachedElsewhere { name } => (
                "attached_elsewhere",
                format!(
                    "Comrade {name} is temporarily attached elsewhere and does not vote in the cell."
                ),
            ),
            NotPresent { name } => (
                "not_present",
                format!("Comrade {name} is not present and so does not vote."),
            ),
            SecretBallotRequired { kind } => (
                "secret_ballot_required",
                format!("{} must be by secret ballot.", kind.label_en()),
            ),
            EmptyDenominator => (
                "empty_denominator",
                "The cell has no full members to count the vote's share against.".into(),
            ),
            CannotReachThreshold {
                required,
                denominator,
                eligible,
            } => (
                "cannot_reach_threshold",
                format!(
                    "The vote cannot open: it needs at least {required} votes in favour out of {denominator} full members, but only {eligible} people entitled to vote are present."
                ),
            ),
            TooManyBallots { cast, eligible } => (
                "too_many_ballots",
                format!(
                    "The number of ballots ({cast}) is more than the members present entitled to vote ({eligible})."
                ),
            ),
        }
    }
}

/// Whether a participant may vote at this meeting.
pub fn eligibility(
    who: Participant,
    roster: &[RosterEntry],
    marks: &[AttendanceMark],
) -> Result<(), VoteRefusal> {
    let id = match who {
        Participant::Guest => return Err(VoteRefusal::Guest),
        Participant::UpperLevelVisitor => return Err(VoteRefusal::UpperLevelVisitor),
        Participant::Member(id) => id,
    };
    let entry = roster
        .iter()
        .find(|r| r.member_id == id)
        .ok_or(VoteRefusal::NotOnRoster { member_id: id })?;
    let name = || entry.full_name.clone();
    match entry.status {
        PartyStatus::TransferredOut => return Err(VoteRefusal::TransferredOut { name: name() }),
        PartyStatus::Probationary => return Err(VoteRefusal::Probationary { name: name() }),
        PartyStatus::Full | PartyStatus::Exempted => {}
    }
    if entry.attached_elsewhere {
        return Err(VoteRefusal::AttachedElsewhere { name: name() });
    }
    if !is_present(id, marks) {
        return Err(VoteRefusal::NotPresent { name: name() });
    }
    Ok(())
}

fn is_present(id: MemberId, marks: &[AttendanceMark]) -> bool {
    marks
        .iter()
        .find(|m| m.member_id == id)
        .is_some_and(|m| m.presence.is_present())
}

/// The members who may vote now: full and exempted members present, not attached elsewhere.
pub fn voters(roster: &[RosterEntry], marks: &[AttendanceMark]) -> Vec<MemberId> {
    roster
        .iter()
        .filter(|r| eligibility(Participant::Member(r.member_id), roster, marks).is_ok())
        .map(|r| r.member_id)
        .collect()
}

/// The denominator: full members not attached elsewhere, plus exempted members present.
pub fn denominator(roster: &[RosterEntry], marks: &[AttendanceMark]) -> u32 {
    let n = roster
        .iter()
        .filter(|r| !r.attached_elsewhere)
        .filter(|r| match r.status {
            PartyStatus::Full => true,
            PartyStatus::Exempted => is_present(r.member_id, marks),
            PartyStatus::Probationary | PartyStatus::TransferredOut => false,
        })
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Everything fixed before the vote opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VotePlan {
    pub kind: VoteKind,
    pub ballot: Ballot,
    pub denominator: u32,
    pub threshold: Threshold,
    /// The fewest votes in favour that pass.
    pub required_in_favour: u32,
    /// Who may vote.
    pub voters: Vec<MemberId>,
    pub source: Source,
    /// In Vietnamese, for the chair.
    pub explanation: String,
    /// The same in English (empty in plans stored before it existed).
    #[serde(default)]
    pub explanation_en: String,
}

impl VotePlan {
    /// What the vote needs, for a reader of `lang`.
    pub fn explanation(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.explanation_en.is_empty() => &self.explanation_en,
            _ => &self.explanation,
        }
    }
}

/// Checks a vote before it is opened: the ballot suits the kind, and the members
/// present can reach the threshold. A vote that cannot pass is refused here.
pub fn plan(
    kind: VoteKind,
    ballot: Ballot,
    roster: &[RosterEntry],
    marks: &[AttendanceMark],
    rules: &VoteRules,
) -> Result<VotePlan, VoteRefusal> {
    let rule = rules.rule(kind);
    if rule.value.secret_ballot && ballot != Ballot::Secret {
        return Err(VoteRefusal::SecretBallotRequired { kind });
    }
    let d = denominator(roster, marks);
    if d == 0 {
        return Err(VoteRefusal::EmptyDenominator);
    }
    let threshold = rule.value.threshold;
    let required = threshold.bound(d);
    let voters = voters(roster, marks);
    let eligible = u32::try_from(voters.len()).unwrap_or(u32::MAX);
    if eligible < required {
        return Err(VoteRefusal::CannotReachThreshold {
            required,
            denominator: d,
            eligible,
        });
    }
    Ok(VotePlan {
        kind,
        ballot,
        denominator: d,
        threshold,
        required_in_favour: required,
        explanation: format!(
            "{kind}: cần {} số đảng viên chính thức tán thành, tức ít nhất {required}/{d} phiếu; có {eligible} người có quyền biểu quyết đang có mặt. (Căn cứ: {}.)",
            threshold.label_vi(),
            rule.source
        ),
        explanation_en: format!(
            "{}: needs {} of the full members in favour, that is at least {required} of {d} votes; {eligible} people entitled to vote are present. (Basis: {}.)",
            kind.label_en(),
            threshold.label_en(),
            rule.source.label_en()
        ),
        voters,
        source: rule.source.clone(),
    })
}

/// The result of a counted vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VoteOutcome {
    pub kind: VoteKind,
    pub tally: VoteTally,
    pub denominator: u32,
    pub required_in_favour: u32,
    pub passed: bool,
    /// As many in favour as against (it never passes: neither reaches more than half).
    pub tie: bool,
    /// E.g. "Tán thành 7/12 (58,3%) … Nghị quyết được thông qua."
    pub explanation: String,
    /// The same in English (empty in results stored before it existed).
    #[serde(default)]
    pub explanation_en: String,
}

impl VoteOutcome {
    /// The result, for a reader of `lang`.
    pub fn explanation(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.explanation_en.is_empty() => &self.explanation_en,
            _ => &self.explanation,
        }
    }
}

/// Counts a vote opened with [`plan`].
pub fn decide(plan: &VotePlan, tally: VoteTally) -> Result<VoteOutcome, VoteRefusal> {
    let eligible = u32::try_from(plan.voters.len()).unwrap_or(u32::MAX);
    if tally.cast() > eligible {
        return Err(VoteRefusal::TooManyBallots {
            cast: tally.cast(),
            eligible,
        });
    }
    Ok(outcome(plan.kind, plan.threshold, plan.denominator, tally))
}

/// The bare arithmetic of a vote: pass when the votes in favour meet the threshold
/// of the denominator.
pub fn outcome(
    kind: VoteKind,
    threshold: Threshold,
    denominator: u32,
    tally: VoteTally,
) -> VoteOutcome {
    let required = threshold.bound(denominator);
    let passed = denominator > 0 && threshold.met(tally.in_favour, denominator);
    let tie = tally.in_favour == tally.against && tally.in_favour > 0;
    let explain = |lang: Lang| {
        let mut explanation = match lang {
            Lang::Vi => format!(
                "Tán thành {}/{} ({}), không tán thành {}, không biểu quyết {}; cần {} ({} phiếu).",
                tally.in_favour,
                denominator,
                super::percent_vi(tally.in_favour, denominator),
                tally.against,
                tally.abstain,
                threshold.label_vi(),
                required
            ),
            Lang::En => format!(
                "In favour {}/{} ({}), against {}, abstaining {}; needs {} ({} votes).",
                tally.in_favour,
                denominator,
                super::attendance::percent_en(tally.in_favour, denominator),
                tally.against,
                tally.abstain,
                threshold.label_en(),
                required
            ),
        };
        if tie {
            explanation.push(' ');
            explanation.push_str(tr(
                lang,
                "Số phiếu tán thành và không tán thành bằng nhau.",
                "As many votes in favour as against.",
            ));
        }
        explanation.push(' ');
        explanation.push_str(match (kind, passed, lang) {
            (VoteKind::Resolution, true, Lang::Vi) => "Nghị quyết được thông qua.",
            (VoteKind::Resolution, false, Lang::Vi) => "Nghị quyết không được thông qua.",
            (_, true, Lang::Vi) => "Được thông qua.",
            (_, false, Lang::Vi) => "Không được thông qua.",
            (VoteKind::Resolution, true, Lang::En) => "The resolution is passed.",
            (VoteKind::Resolution, false, Lang::En) => "The resolution is not passed.",
            (_, true, Lang::En) => "Passed.",
            (_, false, Lang::En) => "Not passed.",
        });
        explanation
    };
    let explanation = explain(Lang::Vi);
    let explanation_en = explain(Lang::En);
    VoteOutcome {
        kind,
        tally,
        denominator,
        required_in_favour: required,
        passed,
        tie,
        explanation,
        explanation_en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::member::PartyStatus::{Exempted, Full, Probationary, TransferredOut};
    use crate::rules::RuleSet;
    use crate::rules::attendance::Presence::*;
    use crate::rules::testkit::*;

    fn cat<T>(parts: Vec<Vec<T>>) -> Vec<T> {
        parts.into_iter().flatten().collect()
    }

    fn tally(in_favour: u32, against: u32, abstain: u32) -> VoteTally {
        VoteTally {
            in_favour,
            against,
            abstain,
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn who_may_vote() {
        let roster = vec![
            entry(1, Full),
            entry(2, Probationary),
            entry(3, Exempted),
            entry(4, Exempted),
            entry(5, Full),
            attached(6, Full),
            entry(7, TransferredOut),
        ];
        let marks = vec![
            mark(1, InPerson),
            mark(2, InPerson),
            mark(3, Online),
            mark(4, AbsentWithReason),
            mark(5, AbsentWithoutReason),
            mark(6, InPerson),
            mark(7, InPerson),
        ];
        let m = |i| Participant::Member(MemberId(i));
        let n = |i: i64| entry(i, Full).full_name;
        // (who, expected, source)
        let cases: Vec<(Participant, Result<(), VoteRefusal>, &str)> = vec![
            (
                m(1),
                Ok(()),
                "Điều lệ Đảng: đảng viên chính thức có mặt biểu quyết",
            ),
            (
                m(2),
                Err(VoteRefusal::Probationary { name: n(2) }),
                "Điều lệ Đảng: đảng viên dự bị không biểu quyết",
            ),
            (
                m(3),
                Ok(()),
                "QĐ 24-QĐ/TW: miễn sinh hoạt có mặt thì biểu quyết",
            ),
            (
                m(4),
                Err(VoteRefusal::NotPresent { name: n(4) }),
                "QĐ 24-QĐ/TW: miễn sinh hoạt vắng thì không tính",
            ),
            (m(5), Err(VoteRefusal::NotPresent { name: n(5) }), "vắng"),
            (
                m(6),
                Err(VoteRefusal::AttachedElsewhere { name: n(6) }),
                "QĐ 24-QĐ/TW: sinh hoạt tạm thời nơi khác",
            ),
            (
                m(7),
                Err(VoteRefusal::TransferredOut { name: n(7) }),
                "đã chuyển sinh hoạt",
            ),
            (
                m(42),
                Err(VoteRefusal::NotOnRoster {
                    member_id: MemberId(42),
                }),
                "không trong danh sách",
            ),
            (
                Participant::Guest,
                Err(VoteRefusal::Guest),
                "docs/rules.md#who-counts-and-who-votes: khách mời không biểu quyết",
            ),
            (
                Participant::UpperLevelVisitor,
                Err(VoteRefusal::UpperLevelVisitor),
                "docs/rules.md#who-counts-and-who-votes: cấp ủy viên cấp trên không biểu quyết",
            ),
        ];
        for (who, want, source) in cases {
            assert_eq!(
                eligibility(who, &roster, &marks),
                want,
                "{who:?} [{source}]"
            );
        }
        // Full 1 and 5, exempted 3 present; 4 absent dropped; 6 attached dropped.
        assert_eq!(denominator(&roster, &marks), 3);
        assert_eq!(voters(&roster, &marks), vec![MemberId(1), MemberId(3)]);
        assert_eq!(
            VoteRefusal::Probationary {
                name: "Trần Thị Bình".into()
            }
            .to_string(),
            "Đồng chí Trần Thị Bình là đảng viên dự bị, không biểu quyết."
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn outcome_by_kind() {
        let half = Threshold::more_than(1, 2);
        let two_thirds = Threshold::at_least(2, 3);
        use VoteKind::*;
        // (kind, threshold, denominator, tally, passes, source)
        let cases = [
            (
                Resolution,
                half,
                10,
                tally(5, 5, 0),
                false,
                "QĐ 24: quá một nửa — đúng một nửa không đạt",
            ),
            (
                Resolution,
                half,
                10,
                tally(5, 0, 5),
                false,
                "một nửa, số còn lại không biểu quyết",
            ),
            (
                Resolution,
                half,
                10,
                tally(6, 4, 0),
                true,
                "QĐ 24: quá một nửa",
            ),
            (
                Resolution,
                half,
                11,
                tally(6, 0, 0),
                true,
                "6/11 quá một nửa",
            ),
            (Resolution, half, 11, tally(5, 0, 0), false, "5/11"),
            (
                Resolution,
                half,
                12,
                tally(6, 0, 0),
                false,
                "6/12: một nửa của mẫu số, không phải của số có mặt",
            ),
            (
                Resolution,
                half,
                3,
                tally(2, 1, 0),
                true,
                "chi bộ 3 đảng viên: 2/3 quá một nửa",
            ),
            (
                Resolution,
                half,
                3,
                tally(1, 1, 0),
                false,
                "chi bộ 3 đảng viên: 1 phiếu",
            ),
            (
                AdmissionProposal,
                two_thirds,
                9,
                tally(6, 3, 0),
                true,
                "Điều lệ Điều 4: ít nhất 2/3 — đúng 2/3",
            ),
            (
                AdmissionProposal,
                two_thirds,
                9,
                tally(5, 4, 0),
                false,
                "5/9 < 2/3",
            ),
            (
                AdmissionProposal,
                two_thirds,
                10,
                tally(6, 0, 0),
                false,
                "6/10 = 60% < 2/3",
            ),
            (
                AdmissionProposal,
                two_thirds,
                10,
                tally(7, 0, 0),
                true,
                "7/10 ≥ 2/3",
            ),
            (
                AdmissionProposal,
                two_thirds,
                3,
                tally(2, 1, 0),
                true,
                "chi bộ 3 đảng viên: 2/3",
            ),
            (
                Expulsion,
                two_thirds,
                12,
                tally(8, 4, 0),
                true,
                "Điều lệ: khai trừ ít nhất 2/3",
            ),
            (
                Expulsion,
                two_thirds,
                12,
                tally(7, 5, 0),
                false,
                "7/12 < 2/3",
            ),
            (
                Discipline,
                half,
                8,
                tally(4, 4, 0),
                false,
                "Điều lệ: kỷ luật quá một nửa — hòa không đạt",
            ),
            (Discipline, half, 8, tally(5, 3, 0), true, "5/8"),
        ];
        for (kind, th, d, t, passes, source) in cases {
            let o = outcome(kind, th, d, t);
            assert_eq!(
                o.passed, passes,
                "{kind:?} {d} {t:?} [{source}]: {}",
                o.explanation
            );
        }
        let tie = outcome(Discipline, half, 8, tally(4, 4, 0));
        assert!(tie.tie);
        assert!(tie.explanation.contains("bằng nhau"));
        assert_eq!(
            outcome(Resolution, half, 10, tally(6, 4, 0)).explanation,
            "Tán thành 6/10 (60,0%), không tán thành 4, không biểu quyết 0; cần quá một nửa (6 phiếu). Nghị quyết được thông qua."
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn plan_before_opening() {
        let rules = RuleSet::national_default().votes;
        // 10 full, 5 present: a resolution needs 6 of 10 and cannot pass.
        let roster = full(1, 10);
        let half_present = cat(vec![marks(1, 5, InPerson), marks(6, 5, AbsentWithReason)]);
        assert_eq!(
            plan(
                VoteKind::Resolution,
                Ballot::Open,
                &roster,
                &half_present,
                &rules
            ),
            Err(VoteRefusal::CannotReachThreshold {
                required: 6,
                denominator: 10,
                eligible: 5
            })
        );
        // Probationary members present do not help reach it.
        let with_prob = cat(vec![roster.clone(), vec![entry(11, Probationary)]]);
        let prob_marks = cat(vec![half_present.clone(), vec![mark(11, InPerson)]]);
        assert!(matches!(
            plan(
                VoteKind::Resolution,
                Ballot::Open,
                &with_prob,
                &prob_marks,
                &rules
            ),
            Err(VoteRefusal::CannotReachThreshold { eligible: 5, .. })
        ));
        // 6 present: it can.
        let six = cat(vec![marks(1, 6, InPerson), marks(7, 4, AbsentWithReason)]);
        let p = plan(VoteKind::Resolution, Ballot::Open, &roster, &six, &rules).unwrap();
        assert_eq!(
            (p.denominator, p.required_in_favour, p.voters.len()),
            (10, 6, 6)
        );
        // Admission needs 7 of 10: 6 present cannot.
        assert!(matches!(
            plan(
                VoteKind::AdmissionProposal,
                Ballot::Open,
                &roster,
                &six,
                &rules
            ),
            Err(VoteRefusal::CannotReachThreshold { required: 7, .. })
        ));
        // Expulsion must be secret.
        let all = marks(1, 10, InPerson);
        assert_eq!(
            plan(VoteKind::Expulsion, Ballot::Open, &roster, &all, &rules),
            Err(VoteRefusal::SecretBallotRequired {
                kind: VoteKind::Expulsion
            })
        );
        assert!(plan(VoteKind::Expulsion, Ballot::Secret, &roster, &all, &rules).is_ok());
        // A 3-member cell with 2 present can pass a resolution and an admission.
        let three = full(1, 3);
        let two = cat(vec![marks(1, 2, InPerson), marks(3, 1, AbsentWithReason)]);
        for kind in [VoteKind::Resolution, VoteKind::AdmissionProposal] {
            let p = plan(kind, Ballot::Secret, &three, &two, &rules).unwrap();
            assert_eq!((p.denominator, p.required_in_favour), (3, 2), "{kind:?}");
        }
        // No full members at all.
        assert_eq!(
            plan(
                VoteKind::Resolution,
                Ballot::Open,
                &[entry(1, Probationary)],
                &[mark(1, InPerson)],
                &rules
            ),
            Err(VoteRefusal::EmptyDenominator)
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn exempted_members_in_the_denominator() {
        let rules = RuleSet::national_default().votes;
        // 8 full + 1 exempted. Absent exempted: denominator 8, 5 in favour pass.
        let roster = cat(vec![full(1, 8), vec![entry(9, Exempted)]]);
        let absent = cat(vec![marks(1, 8, InPerson), vec![mark(9, AbsentWithReason)]]);
        let p = plan(VoteKind::Resolution, Ballot::Open, &roster, &absent, &rules).unwrap();
        assert_eq!(p.denominator, 8);
        assert!(decide(&p, tally(5, 3, 0)).unwrap().passed);
        // Present exempted: denominator 9, votes, and 5 still pass (5/9), 4 does not.
        let present = cat(vec![marks(1, 8, InPerson), vec![mark(9, InPerson)]]);
        let p = plan(
            VoteKind::Resolution,
            Ballot::Open,
            &roster,
            &present,
            &rules,
        )
        .unwrap();
        assert_eq!(p.denominator, 9);
        assert!(p.voters.contains(&MemberId(9)));
        assert!(decide(&p, tally(5, 4, 0)).unwrap().passed);
        assert!(!decide(&p, tally(4, 4, 1)).unwrap().passed);
        // More ballots than voters present.
        assert_eq!(
            decide(&p, tally(9, 1, 0)),
            Err(VoteRefusal::TooManyBallots {
                cast: 10,
                eligible: 9
            })
        );
    }

    /// A member attached to another organization today (sinh hoạt tạm thời)
    /// is out of the denominator; one whose attachment has ended is back in.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn attached_members_leave_the_denominator_while_attached() {
        use crate::api::empty_member_draft;
        use crate::member::{Attachment, Member, MemberDraft};
        let rules = RuleSet::national_default().votes;
        let today = d(2026, 11, 22);
        let elsewhere = |from, until| {
            Some(Attachment {
                organization: "Chi bộ Phòng Tổ chức – Sở Nội vụ".into(),
                from,
                until,
            })
        };
        // Six full members: 5 is attached until the end of the year, 6 was
        // attached until last month.
        let members: Vec<Member> = (1..=6)
            .map(|i| Member {
                id: MemberId(i),
                cell_id: crate::OrgId(1),
                draft: MemberDraft {
                    full_name: format!("Đảng viên {i}"),
                    status: Full,
                    attached_elsewhere: match i {
                        5 => elsewhere(d(2026, 10, 1), Some(d(2026, 12, 31))),
                        6 => elsewhere(d(2026, 6, 1), Some(d(2026, 10, 31))),
                        _ => None,
                    },
                    ..empty_member_draft()
                },
            })
            .collect();
        let roster: Vec<RosterEntry> = members
            .iter()
            .map(|m| RosterEntry {
                member_id: m.id,
                full_name: m.draft.full_name.clone(),
                status: m.draft.status,
                attached_elsewhere: m.attached_on(today),
            })
            .collect();
        let present = cat(vec![
            marks(1, 4, InPerson),
            vec![mark(5, AbsentWithReason), mark(6, InPerson)],
        ]);
        let p = plan(
            VoteKind::Resolution,
            Ballot::Open,
            &roster,
            &present,
            &rules,
        )
        .unwrap();
        assert_eq!(p.denominator, 5);
        assert!(!p.voters.contains(&MemberId(5)));
        assert!(p.voters.contains(&MemberId(6)));
        assert!(decide(&p, tally(3, 2, 0)).unwrap().passed);
        // Had 5 been counted, 3 of 6 would not pass.
        let counted: Vec<RosterEntry> = roster
            .iter()
            .map(|r| RosterEntry {
                attached_elsewhere: false,
                ..r.clone()
            })
            .collect();
        let p = plan(
            VoteKind::Resolution,
            Ballot::Open,
            &counted,
            &present,
            &rules,
        )
        .unwrap();
        assert_eq!(p.denominator, 6);
        assert!(!decide(&p, tally(3, 2, 0)).unwrap().passed);
    }
}
