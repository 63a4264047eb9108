//! Roster and attendance (điểm danh): the figures the minutes (biên bản) need and
//! whether the meeting meets the attendance criterion of Hướng dẫn 12-HD/BTCTW.
//!
//! Who counts, and why:
//! - Total (tổng số) is everyone on the roll: full, probationary and exempted members.
//!   Members transferred out (chuyển sinh hoạt) are not on the roll and are ignored.
//! - Expected (phải có mặt) is the total minus members attached elsewhere (sinh hoạt
//!   tạm thời nơi khác, whose party activity is held there) and minus exempted members
//!   (miễn công tác và sinh hoạt đảng) who are absent. An exempted member who comes is
//!   counted present and expected, so the rate never exceeds 100%
//!   (docs/rules.md#who-counts-and-who-votes; Quy định 24-QĐ/TW, 2021).
//! - Probationary members (dự bị) must attend: they are expected like full members.
//! - An attached member who comes anyway is listed by name but counted in no figure.

use super::percent_vi;
use super::ruleset::Threshold;
use super::source::{Rule, Source};
use crate::i18n::{Lang, tr};
use crate::ids::MemberId;
use crate::member::PartyStatus;
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The attendance part of a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AttendanceRules {
    /// Tiêu chí chất lượng: share present of those expected (default above 85%, HD 12).
    pub quality: Rule<Threshold>,
    /// Most members absent without reason the quality criterion allows (default 0, HD 12).
    pub max_absent_without_reason: Rule<u32>,
    /// Below this the chair is warned before opening a vote (default above 85%, unconfirmed).
    pub quorum_warning: Rule<Threshold>,
    /// A cell needs at least this many full members (3, Điều lệ Đảng).
    pub min_full_members: Rule<u32>,
}

/// One member on the cell's roster on the meeting date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RosterEntry {
    pub member_id: MemberId,
    pub full_name: String,
    pub status: PartyStatus,
    /// Đang sinh hoạt tạm thời ở tổ chức đảng khác.
    #[serde(default)]
    pub attached_elsewhere: bool,
}

/// How a member attended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Có mặt trực tiếp.
    InPerson,
    /// Có mặt trực tuyến.
    Online,
    /// Vắng mặt có lý do.
    AbsentWithReason,
    /// Vắng mặt không có lý do.
    AbsentWithoutReason,
}

impl Presence {
    pub fn is_present(self) -> bool {
        matches!(self, Presence::InPerson | Presence::Online)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Presence::InPerson => "Có mặt",
            Presence::Online => "Có mặt trực tuyến",
            Presence::AbsentWithReason => "Vắng có lý do",
            Presence::AbsentWithoutReason => "Vắng không lý do",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Presence::InPerson => "Present",
            Presence::Online => "Present online",
            Presence::AbsentWithReason => "Absent with reason",
            Presence::AbsentWithoutReason => "Absent without reason",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        tr(lang, self.label_vi(), self.label_en())
    }
}

/// The mark the meeting secretary gives one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AttendanceMark {
    pub member_id: MemberId,
    pub presence: Presence,
    /// Lý do vắng.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Đến muộn: the time the member arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrived_late_at: Option<NaiveTime>,
    /// Về sớm: the time the member left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_early_at: Option<NaiveTime>,
}

impl AttendanceMark {
    pub fn new(member_id: MemberId, presence: Presence) -> AttendanceMark {
        AttendanceMark {
            member_id,
            presence,
            reason: String::new(),
            arrived_late_at: None,
            left_early_at: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NamedMember {
    pub member_id: MemberId,
    pub full_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Absence {
    pub member_id: MemberId,
    pub full_name: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TimedMember {
    pub member_id: MemberId,
    pub full_name: String,
    pub at: NaiveTime,
}

/// The names behind the figures, as the minutes list them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AttendanceNames {
    pub present_in_person: Vec<NamedMember>,
    pub present_online: Vec<NamedMember>,
    pub absent_with_reason: Vec<Absence>,
    pub absent_without_reason: Vec<NamedMember>,
    /// Not yet marked: counted as not present.
    pub unmarked: Vec<NamedMember>,
    /// Exempted and absent: dropped from the figures.
    pub exempted_absent: Vec<NamedMember>,
    pub attached_elsewhere: Vec<NamedMember>,
    /// Attached elsewhere but came: listed, not counted.
    pub attached_present: Vec<NamedMember>,
    pub arrived_late: Vec<TimedMember>,
    pub left_early: Vec<TimedMember>,
}

impl AttendanceNames {
    /// The minutes' line on late arrivals and early leaves, e.g. "Đến muộn: đồng
    /// chí Lò Văn Pấng (14:20). Về sớm: …"; `None` when everyone was on time.
    pub fn late_and_early(&self) -> Option<String> {
        let list = |label: &str, who: &[TimedMember]| {
            (!who.is_empty()).then(|| {
                let names: Vec<String> = who
                    .iter()
                    .map(|t| format!("đồng chí {} ({})", t.full_name, t.at.format("%H:%M")))
                    .collect();
                format!("{label}: {}.", names.join(", "))
            })
        };
        let parts: Vec<String> = [
            list("Đến muộn", &self.arrived_late),
            list("Về sớm", &self.left_early),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// The figures of the minutes' opening (tình hình đảng viên dự họp).
///
/// Always: `total = full + probationary + exempted`,
/// `expected = total − attached − exempted_absent` and
/// `expected = present + absent_with_reason + absent_without_reason + unmarked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AttendanceFigures {
    pub total: u32,
    pub full: u32,
    pub probationary: u32,
    pub exempted: u32,
    /// Sinh hoạt tạm thời nơi khác (of any status).
    pub attached: u32,
    pub exempted_absent: u32,
    pub expected: u32,
    pub present: u32,
    pub present_in_person: u32,
    pub present_online: u32,
    pub absent_with_reason: u32,
    pub absent_without_reason: u32,
    pub unmarked: u32,
    pub names: AttendanceNames,
    /// Marks for people not on the roll (transferred out or unknown): not counted.
    pub marks_not_counted: Vec<MemberId>,
    /// Tỷ lệ dự họp in tenths of a percent, rounded half up (display only: the
    /// criterion is decided exactly on `present / expected`).
    pub rate_permille: u32,
    /// E.g. "86,7%".
    pub rate_display: String,
    /// Đạt tiêu chí chất lượng về dự họp (HD 12).
    pub meets_quality: bool,
    /// Attendance at or below the warning bound: the chair is warned.
    pub quorum_warning: bool,
    /// Fewer full members than a cell needs (Điều lệ Đảng: 3).
    pub too_few_full_members: bool,
    /// One sentence per finding, in Vietnamese.
    pub reasons: Vec<String>,
    /// The whole verdict in one paragraph, in Vietnamese.
    pub explanation: String,
    /// The same in English (empty in figures stored before it existed).
    #[serde(default)]
    pub explanation_en: String,
    pub source: Source,
}

impl AttendanceFigures {
    /// The verdict for a reader of `lang`.
    pub fn explanation(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.explanation_en.is_empty() => &self.explanation_en,
            _ => &self.explanation,
        }
    }
}

/// Counts the roster and marks, and judges attendance against the rule set.
pub fn figures(
    roster: &[RosterEntry],
    marks: &[AttendanceMark],
    rules: &AttendanceRules,
) -> AttendanceFigures {
    let by_id = marks_by_member(marks);
    let mut f = AttendanceFigures {
        total: 0,
        full: 0,
        probationary: 0,
        exempted: 0,
        attached: 0,
        exempted_absent: 0,
        expected: 0,
        present: 0,
        present_in_person: 0,
        present_online: 0,
        absent_with_reason: 0,
        absent_without_reason: 0,
        unmarked: 0,
        names: AttendanceNames::default(),
        marks_not_counted: Vec::new(),
        rate_permille: 0,
        rate_display: String::new(),
        meets_quality: false,
        quorum_warning: false,
        too_few_full_members: false,
        reasons: Vec::new(),
        explanation: String::new(),
        explanation_en: String::new(),
        source: rules.quality.source.clone(),
    };
    for m in marks {
        let counted = roster
            .iter()
            .any(|r| r.member_id == m.member_id && r.status.on_roll());
        if !counted && !f.marks_not_counted.contains(&m.member_id) {
            f.marks_not_counted.push(m.member_id);
        }
    }
    for r in roster.iter().filter(|r| r.status.on_roll()) {
        let named = || NamedMember {
            member_id: r.member_id,
            full_name: r.full_name.clone(),
        };
        f.total += 1;
        match r.status {
            PartyStatus::Full => f.full += 1,
            PartyStatus::Probationary => f.probationary += 1,
            PartyStatus::Exempted => f.exempted += 1,
            PartyStatus::TransferredOut => unreachable!("filtered above"),
        }
        let mark = by_id.get(&r.member_id).copied();
        let present = mark.is_some_and(|m| m.presence.is_present());
        if r.attached_elsewhere {
            f.attached += 1;
            f.names.attached_elsewhere.push(named());
            if present {
                f.names.attached_present.push(named());
            }
            continue;
        }
        if r.status == PartyStatus::Exempted && !present {
            f.exempted_absent += 1;
            f.names.exempted_absent.push(named());
            continue;
        }
        f.expected += 1;
        let Some(mark) = mark else {
            f.unmarked += 1;
            f.names.unmarked.push(named());
            continue;
        };
        match mark.presence {
            Presence::InPerson => {
                f.present_in_person += 1;
                f.names.present_in_person.push(named());
            }
            Presence::Online => {
                f.present_online += 1;
                f.names.present_online.push(named());
            }
            Presence::AbsentWithReason => {
                f.absent_with_reason += 1;
                f.names.absent_with_reason.push(Absence {
                    member_id: r.member_id,
                    full_name: r.full_name.clone(),
                    reason: mark.reason.clone(),
                });
            }
            Presence::AbsentWithoutReason => {
                f.absent_without_reason += 1;
                f.names.absent_without_reason.push(named());
            }
        }
        if present {
            if let Some(at) = mark.arrived_late_at {
                f.names.arrived_late.push(TimedMember {
                    member_id: r.member_id,
                    full_name: r.full_name.clone(),
                    at,
                });
            }
            if let Some(at) = mark.left_early_at {
                f.names.left_early.push(TimedMember {
                    member_id: r.member_id,
                    full_name: r.full_name.clone(),
                    at,
                });
            }
        }
    }
    f.present = f.present_in_person + f.present_online;
    judge(&mut f, rules);
    f
}

fn marks_by_member(marks: &[AttendanceMark]) -> BTreeMap<MemberId, &AttendanceMark> {
    let mut by_id = BTreeMap::new();
    for m in marks {
        // The first mark wins: a later duplicate cannot silently change a count.
        by_id.entry(m.member_id).or_insert(m);
    }
    by_id
}

fn names(list: &[NamedMember]) -> String {
    list.iter()
        .map(|n| n.full_name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn judge(f: &mut AttendanceFigures, rules: &AttendanceRules) {
    let quality = rules.quality.value;
    let max_unexcused = rules.max_absent_without_reason.value;
    f.rate_permille = permille(f.present, f.expected);
    f.rate_display = percent_vi(f.present, f.expected);
    f.too_few_full_members = f.full < rules.min_full_members.value;
    let rate_ok = f.expected > 0 && quality.met(f.present, f.expected);
    let absences_ok = f.absent_without_reason <= max_unexcused;
    f.meets_quality = rate_ok && absences_ok && f.unmarked == 0;
    f.quorum_warning = f.expected == 0 || !rules.quorum_warning.value.met(f.present, f.expected);
    let (reasons, explanation) = explain(f, rules, rate_ok, Lang::Vi);
    f.explanation_en = explain(f, rules, rate_ok, Lang::En).1;
    f.reasons = reasons;
    f.explanation = explanation;
}

/// One sentence per finding and the whole verdict, in `lang`.
fn explain(
    f: &AttendanceFigures,
    rules: &AttendanceRules,
    rate_ok: bool,
    lang: Lang,
) -> (Vec<String>, String) {
    let quality = rules.quality.value;
    let mut reasons = Vec::new();
    if f.expected == 0 {
        reasons.push(
            tr(
                lang,
                "Không có đảng viên nào phải có mặt.",
                "No member is expected to attend.",
            )
            .to_string(),
        );
    } else {
        let (present, expected) = (f.present, f.expected);
        reasons.push(match lang {
            Lang::Vi => format!(
                "Có mặt {present}/{expected} đảng viên phải dự ({}), {} yêu cầu {}.",
                f.rate_display,
                if rate_ok { "đạt" } else { "chưa đạt" },
                quality.label_vi()
            ),
            Lang::En => format!(
                "{present} of {expected} expected members present ({}), which {} the requirement of {}.",
                percent_en(present, expected),
                if rate_ok { "meets" } else { "does not meet" },
                quality.label_en()
            ),
        });
    }
    let count_and_names = |n: u32, list: &[NamedMember], vi: &str, en: &str| {
        format!(
            "{}: {}.",
            tr(lang, vi, en).replace("{n}", &n.to_string()),
            names(list)
        )
    };
    if f.absent_without_reason == 0 {
        reasons.push(
            tr(
                lang,
                "Không có đảng viên vắng mặt không có lý do.",
                "No member is absent without reason.",
            )
            .to_string(),
        );
    } else {
        reasons.push(count_and_names(
            f.absent_without_reason,
            &f.names.absent_without_reason,
            "Có {n} đảng viên vắng mặt không có lý do",
            "{n} members absent without reason",
        ));
    }
    if f.unmarked > 0 {
        reasons.push(count_and_names(
            f.unmarked,
            &f.names.unmarked,
            "Còn {n} đảng viên chưa được điểm danh",
            "{n} members not marked yet",
        ));
    }
    if f.exempted_absent > 0 {
        reasons.push(count_and_names(
            f.exempted_absent,
            &f.names.exempted_absent,
            "{n} đảng viên miễn sinh hoạt vắng mặt không tính vào số phải dự",
            "{n} exempted members absent, not counted as expected",
        ));
    }
    if f.attached > 0 {
        reasons.push(count_and_names(
            f.attached,
            &f.names.attached_elsewhere,
            "{n} đảng viên sinh hoạt tạm thời nơi khác không tính vào số phải dự",
            "{n} members temporarily attached elsewhere, not counted as expected",
        ));
    }
    if f.too_few_full_members {
        let (full, min) = (f.full, rules.min_full_members.value);
        let document = &rules.min_full_members.source.document;
        reasons.push(match lang {
            Lang::Vi => {
                format!("Chi bộ chỉ có {full} đảng viên chính thức, ít hơn {min} theo {document}.")
            }
            Lang::En => format!(
                "The cell has only {full} full members, fewer than the {min} of {document}."
            ),
        });
    }
    let verdict = match (f.meets_quality, lang) {
        (true, Lang::Vi) => "Đạt tiêu chí chất lượng về dự họp.",
        (false, Lang::Vi) => "Chưa đạt tiêu chí chất lượng về dự họp.",
        (true, Lang::En) => "Meets the quality criterion for attendance.",
        (false, Lang::En) => "Does not meet the quality criterion for attendance.",
    };
    let basis = tr(lang, "Căn cứ", "Basis");
    let explanation = format!(
        "{verdict} {} ({basis}: {}.)",
        reasons.join(" "),
        rules.quality.source.label(lang)
    );
    (reasons, explanation)
}

/// "86.7%": the English way, with a decimal point.
pub(crate) fn percent_en(part: u32, whole: u32) -> String {
    percent_vi(part, whole).replace(',', ".")
}

/// Tenths of a percent, rounded half up; 0 when `whole` is 0.
pub(crate) fn permille(part: u32, whole: u32) -> u32 {
    if whole == 0 {
        return 0;
    }
    let (p, w) = (u64::from(part), u64::from(whole));
    u32::try_from((p * 2000 + w) / (2 * w)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::member::PartyStatus::{Exempted, Full, Probationary, TransferredOut};
    use crate::rules::RuleSet;
    use crate::rules::testkit::*;
    use Presence::*;

    fn rules() -> AttendanceRules {
        RuleSet::national_default().attendance
    }

    struct Case {
        name: &'static str,
        /// The regulation or seed the case comes from.
        source: &'static str,
        roster: Vec<RosterEntry>,
        marks: Vec<AttendanceMark>,
        /// (total, expected, present, absent with reason, absent without reason)
        want: (u32, u32, u32, u32, u32),
        meets: bool,
        warning: bool,
    }

    fn cat<T>(parts: Vec<Vec<T>>) -> Vec<T> {
        parts.into_iter().flatten().collect()
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn late_and_early_are_named_with_their_times() {
        let roster = full(1, 3);
        let hm = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let mut all = marks(1, 3, InPerson);
        assert_eq!(
            figures(&roster, &all, &rules()).names.late_and_early(),
            None
        );
        all[0].arrived_late_at = Some(hm(14, 20));
        all[2].left_early_at = Some(hm(15, 5));
        let line = figures(&roster, &all, &rules())
            .names
            .late_and_early()
            .unwrap();
        let (first, third) = (&roster[0].full_name, &roster[2].full_name);
        assert_eq!(
            line,
            format!("Đến muộn: đồng chí {first} (14:20). Về sớm: đồng chí {third} (15:05).")
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn attendance_cases() {
        let cases = vec![
            Case {
                name: "18 of 20 present, 2 with reason: 90%",
                source: "HD 12-HD/BTCTW: trên 85%, không ai vắng không lý do",
                roster: full(1, 20),
                marks: cat(vec![marks(1, 18, InPerson), marks(19, 2, AbsentWithReason)]),
                want: (20, 20, 18, 2, 0),
                meets: true,
                warning: false,
            },
            Case {
                name: "85% exactly is not above 85%",
                source: "HD 12-HD/BTCTW: “trên 85%”",
                roster: full(1, 20),
                marks: cat(vec![marks(1, 17, InPerson), marks(18, 3, AbsentWithReason)]),
                want: (20, 20, 17, 3, 0),
                meets: false,
                warning: true,
            },
            Case {
                name: "95% but one absent without reason",
                source: "HD 12-HD/BTCTW: không có đảng viên vắng không lý do",
                roster: full(1, 20),
                marks: cat(vec![
                    marks(1, 19, InPerson),
                    marks(20, 1, AbsentWithoutReason),
                ]),
                want: (20, 20, 19, 0, 1),
                meets: false,
                warning: false,
            },
            Case {
                name: "online counts as present",
                source: "HD 03-HD/TW (thí điểm sinh hoạt trực tuyến)",
                roster: full(1, 10),
                marks: cat(vec![marks(1, 5, InPerson), marks(6, 5, Online)]),
                want: (10, 10, 10, 0, 0),
                meets: true,
                warning: false,
            },
            Case {
                name: "exempted absent is dropped: 7/8, not 7/9",
                source: "QĐ 24-QĐ/TW: miễn sinh hoạt vắng không tính",
                roster: cat(vec![full(1, 8), vec![entry(9, Exempted)]]),
                marks: cat(vec![
                    marks(1, 7, InPerson),
                    marks(8, 1, AbsentWithReason),
                    marks(9, 1, AbsentWithReason),
                ]),
                want: (9, 8, 7, 1, 0),
                meets: true,
                warning: false,
            },
            Case {
                name: "exempted present counts present and expected",
                source: "QĐ 24-QĐ/TW: miễn sinh hoạt có mặt thì tính",
                roster: cat(vec![full(1, 8), vec![entry(9, Exempted)]]),
                marks: cat(vec![
                    marks(1, 7, InPerson),
                    marks(8, 1, AbsentWithReason),
                    marks(9, 1, InPerson),
                ]),
                want: (9, 9, 8, 1, 0),
                meets: true,
                warning: false,
            },
            Case {
                name: "exempted absent without reason is still dropped",
                source: "QĐ 24-QĐ/TW: miễn sinh hoạt vắng không tính",
                roster: cat(vec![full(1, 8), vec![entry(9, Exempted)]]),
                marks: cat(vec![
                    marks(1, 8, InPerson),
                    marks(9, 1, AbsentWithoutReason),
                ]),
                want: (9, 8, 8, 0, 0),
                meets: true,
                warning: false,
            },
            Case {
                name: "attached elsewhere is not expected, even if present",
                source: "docs/rules.md#member-states: trừ đảng viên sinh hoạt tạm thời nơi khác",
                roster: cat(vec![full(1, 7), vec![attached(8, Full)]]),
                marks: cat(vec![marks(1, 7, InPerson), marks(8, 1, InPerson)]),
                want: (8, 7, 7, 0, 0),
                meets: true,
                warning: false,
            },
            Case {
                name: "probationary members are expected",
                source: "Điều lệ Đảng: đảng viên dự bị dự họp, phát biểu",
                roster: cat(vec![full(1, 6), vec![entry(7, Probationary)]]),
                marks: cat(vec![marks(1, 6, InPerson), marks(7, 1, AbsentWithReason)]),
                want: (7, 7, 6, 1, 0),
                meets: true,
                warning: false,
            },
            Case {
                name: "3-member cell, one away: 66,7%",
                source: "Điều lệ Đảng: chi bộ ít nhất 3 đảng viên chính thức; HD 12",
                roster: full(1, 3),
                marks: cat(vec![marks(1, 2, InPerson), marks(3, 1, AbsentWithReason)]),
                want: (3, 3, 2, 1, 0),
                meets: false,
                warning: true,
            },
            Case {
                name: "3-member cell, all present",
                source: "Điều lệ Đảng; HD 12",
                roster: full(1, 3),
                marks: marks(1, 3, InPerson),
                want: (3, 3, 3, 0, 0),
                meets: true,
                warning: false,
            },
            Case {
                name: "transferred out is not on the roll",
                source: "member.rs PartyStatus::on_roll; QĐ 24-QĐ/TW chuyển sinh hoạt",
                roster: cat(vec![full(1, 4), vec![entry(5, TransferredOut)]]),
                marks: cat(vec![
                    marks(1, 4, InPerson),
                    marks(5, 1, AbsentWithoutReason),
                ]),
                want: (4, 4, 4, 0, 0),
                meets: true,
                warning: false,
            },
            Case {
                name: "someone not marked: not present, criterion not met",
                source: "HD 12: điểm danh đầu buổi",
                roster: full(1, 10),
                marks: marks(1, 9, InPerson),
                want: (10, 10, 9, 0, 0),
                meets: false,
                warning: false,
            },
            Case {
                name: "nobody expected",
                source: "edge",
                roster: vec![entry(1, Exempted)],
                marks: vec![],
                want: (1, 0, 0, 0, 0),
                meets: false,
                warning: true,
            },
        ];
        for c in cases {
            let f = figures(&c.roster, &c.marks, &rules());
            let got = (
                f.total,
                f.expected,
                f.present,
                f.absent_with_reason,
                f.absent_without_reason,
            );
            assert_eq!(got, c.want, "{} [{}]", c.name, c.source);
            assert_eq!(
                f.meets_quality, c.meets,
                "{} [{}]: {}",
                c.name, c.source, f.explanation
            );
            assert_eq!(f.quorum_warning, c.warning, "{} [{}]", c.name, c.source);
            assert_eq!(f.total, f.full + f.probationary + f.exempted, "{}", c.name);
            assert_eq!(
                f.expected,
                f.present + f.absent_with_reason + f.absent_without_reason + f.unmarked,
                "{}",
                c.name
            );
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn figures_carry_names_times_and_explanation() {
        let roster = cat(vec![
            full(1, 4),
            vec![
                entry(5, Probationary),
                entry(6, Exempted),
                attached(7, Full),
            ],
        ]);
        let mut m = marks(1, 2, InPerson);
        m.push(AttendanceMark {
            arrived_late_at: NaiveTime::from_hms_opt(8, 20, 0),
            ..mark(3, Online)
        });
        m.push(AttendanceMark {
            reason: "Đi công tác".into(),
            ..mark(4, AbsentWithReason)
        });
        m.push(AttendanceMark {
            left_early_at: NaiveTime::from_hms_opt(9, 30, 0),
            ..mark(5, InPerson)
        });
        m.push(mark(6, AbsentWithReason));
        m.push(mark(99, InPerson));
        let f = figures(&roster, &m, &rules());
        assert_eq!(
            (f.full, f.probationary, f.exempted, f.attached),
            (5, 1, 1, 1)
        );
        assert_eq!((f.expected, f.present, f.exempted_absent), (5, 4, 1));
        assert_eq!(f.rate_display, "80,0%");
        assert_eq!(f.rate_permille, 800);
        assert_eq!(f.names.absent_with_reason[0].reason, "Đi công tác");
        assert_eq!(f.names.arrived_late[0].member_id, MemberId(3));
        assert_eq!(f.names.left_early[0].member_id, MemberId(5));
        assert_eq!(f.marks_not_counted, vec![MemberId(99)]);
        assert!(
            f.explanation
                .starts_with("Chưa đạt tiêu chí chất lượng về dự họp.")
        );
        assert!(
            f.explanation
                .contains("Có mặt 4/5 đảng viên phải dự (80,0%), chưa đạt yêu cầu trên 85%.")
        );
        assert!(f.explanation.contains("Hướng dẫn 12-HD/BTCTW"));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn a_cell_under_three_full_members_is_flagged() {
        let roster = cat(vec![full(1, 2), vec![entry(3, Probationary)]]);
        let f = figures(&roster, &marks(1, 3, InPerson), &rules());
        assert!(f.too_few_full_members);
        assert!(
            f.reasons
                .iter()
                .any(|r| r.contains("chỉ có 2 đảng viên chính thức"))
        );
        assert!(!figures(&full(1, 3), &[], &rules()).too_few_full_members);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_threshold_is_data() {
        let mut r = rules();
        r.quality.value = Threshold::at_least(85, 100);
        let f = figures(
            &full(1, 20),
            &cat(vec![marks(1, 17, InPerson), marks(18, 3, AbsentWithReason)]),
            &r,
        );
        assert!(f.meets_quality, "“từ 85%” accepts 85% exactly");
    }
}
