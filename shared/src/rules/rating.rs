//! Yearly rating (đánh giá, xếp loại chất lượng hằng năm) of members and of party
//! organizations into four levels, under Quy định 366-QĐ/TW (2025) and Hướng dẫn
//! 43-HD/BTCTW: bands 90/70/50 on 100 points, the task conditions, and the triggers
//! that force "Không hoàn thành nhiệm vụ"; the quota on "Hoàn thành xuất sắc" (at
//! most 20% of those rated good, per grassroots organization: Hướng dẫn 21-HD/BTCTW,
//! 2019, carried forward, unconfirmed); and the shares per level for reports.
//!
//! Levels are tried best first; a subject that has the points for a level but not
//! its task conditions falls to the next level whose conditions it meets.
//! The quota is rounded down: "at most 20%" of 12 is 2 (20% of 12 = 2.4).

use super::percent_vi;
use super::ruleset::{RuleSet, Threshold};
use super::scoring::Points;
use super::source::{Rule, Source};
use crate::ids::{MemberId, OrgId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The four levels, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Hoàn thành xuất sắc nhiệm vụ.
    Excellent,
    /// Hoàn thành tốt nhiệm vụ.
    Good,
    /// Hoàn thành nhiệm vụ.
    Complete,
    /// Không hoàn thành nhiệm vụ.
    NotComplete,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Excellent,
        Level::Good,
        Level::Complete,
        Level::NotComplete,
    ];

    pub fn label_vi(self) -> &'static str {
        match self {
            Level::Excellent => "Hoàn thành xuất sắc nhiệm vụ",
            Level::Good => "Hoàn thành tốt nhiệm vụ",
            Level::Complete => "Hoàn thành nhiệm vụ",
            Level::NotComplete => "Không hoàn thành nhiệm vụ",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Level::Excellent => "Excellent performance of duties",
            Level::Good => "Good performance of duties",
            Level::Complete => "Duties performed",
            Level::NotComplete => "Duties not performed",
        }
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        crate::i18n::tr(lang, self.label_vi(), self.label_en())
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_vi())
    }
}

/// What forces "Không hoàn thành nhiệm vụ" whatever the points (QĐ 366-QĐ/TW).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// Có tiêu chí bị đánh giá "kém".
    CriterionPoor,
    /// Dưới 50% chỉ tiêu, nhiệm vụ được giao (computed from the targets when given).
    TargetsBelowHalf,
    /// Bị kỷ luật trong năm.
    DisciplinedInYear,
    /// Có biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, "tự diễn biến", "tự chuyển hóa".
    Degeneration,
    /// Vi phạm quy định những điều đảng viên không được làm.
    ProhibitionBreach,
}

impl Trigger {
    pub fn label_vi(self) -> &'static str {
        match self {
            Trigger::CriterionPoor => "có tiêu chí bị đánh giá kém",
            Trigger::TargetsBelowHalf => "thực hiện dưới 50% chỉ tiêu, nhiệm vụ",
            Trigger::DisciplinedInYear => "bị kỷ luật trong năm",
            Trigger::Degeneration => "có biểu hiện suy thoái, “tự diễn biến”, “tự chuyển hóa”",
            Trigger::ProhibitionBreach => "vi phạm những điều đảng viên không được làm",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Trigger::CriterionPoor => "a criterion assessed as poor",
            Trigger::TargetsBelowHalf => "under 50% of the targets and tasks met",
            Trigger::DisciplinedInYear => "disciplined during the year",
            Trigger::Degeneration => {
                "signs of degeneration, “self-evolution”, “self-transformation”"
            }
            Trigger::ProhibitionBreach => "a breach of what members must not do",
        }
    }
}

/// Tasks of the year (nhiệm vụ được giao).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TaskCounts {
    pub total: u32,
    /// Done late (chậm tiến độ).
    pub late: u32,
    /// Done beyond what was asked (vượt mức).
    pub exceeded: u32,
}

/// Targets of the year (chỉ tiêu), when the subject has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TargetCounts {
    pub total: u32,
    pub met: u32,
}

/// The appraisal of one member or organization.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RatingInput {
    /// Out of 100.
    pub points: Points,
    pub tasks: TaskCounts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<TargetCounts>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
}

/// Bands and conditions of a yearly rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RatingRule {
    pub excellent_min: Points,
    pub good_min: Points,
    pub complete_min: Points,
    /// Share of tasks exceeded for Excellent (at least 30%).
    pub excellent_exceeded: Threshold,
    /// Share of tasks late allowed for Complete (at most 20%); Good and Excellent allow none.
    pub complete_late: Threshold,
    /// Share of targets met below which the subject does not complete (at least 50%).
    pub targets_met: Threshold,
}

impl RatingRule {
    /// QĐ 366-QĐ/TW (2025): 90 / 70 / 50; ≥ 30% exceeded; ≤ 20% late; ≥ 50% of targets.
    pub fn qd366() -> RatingRule {
        RatingRule {
            excellent_min: Points::whole(90),
            good_min: Points::whole(70),
            complete_min: Points::whole(50),
            excellent_exceeded: Threshold::at_least(30, 100),
            complete_late: Threshold::at_most(20, 100),
            targets_met: Threshold::at_least(50, 100),
        }
    }
}

/// A computed rating with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Rating {
    pub level: Level,
    pub points: Points,
    /// The triggers that held (the computed one included).
    pub triggers: Vec<Trigger>,
    /// Why, in Vietnamese.
    pub reasons: Vec<String>,
    pub source: Source,
}

fn triggers_of(rule: &RatingRule, input: &RatingInput) -> Vec<Trigger> {
    let mut t = input.triggers.clone();
    if let Some(tg) = input.targets
        && tg.total > 0
        && !rule.targets_met.met(tg.met, tg.total)
    {
        t.push(Trigger::TargetsBelowHalf);
    }
    t.sort();
    t.dedup();
    t
}

/// The level alone, without reasons (cheap: used over whole blocs).
pub fn level(rule: &RatingRule, input: &RatingInput) -> Level {
    let forced = !input.triggers.is_empty()
        || input
            .targets
            .is_some_and(|tg| tg.total > 0 && !rule.targets_met.met(tg.met, tg.total));
    if forced {
        return Level::NotComplete;
    }
    let t = input.tasks;
    let late = t.late.min(t.total);
    let on_time = late == 0;
    let p = input.points;
    if p >= rule.excellent_min && on_time && rule.excellent_exceeded.met(t.exceeded, t.total) {
        Level::Excellent
    } else if p >= rule.good_min && on_time {
        Level::Good
    } else if p >= rule.complete_min && rule.complete_late.met(late, t.total) {
        Level::Complete
    } else {
        Level::NotComplete
    }
}

/// Rates against one rule, saying why.
pub fn rate(rule: &Rule<RatingRule>, input: &RatingInput) -> Rating {
    let r = &rule.value;
    let level = level(r, input);
    let triggers = triggers_of(r, input);
    let t = input.tasks;
    let mut reasons = vec![format!(
        "{} điểm; {}/{} nhiệm vụ chậm, {}/{} vượt mức.",
        input.points, t.late, t.total, t.exceeded, t.total
    )];
    if !triggers.is_empty() {
        let list: Vec<&str> = triggers.iter().map(|t| t.label_vi()).collect();
        reasons.push(format!(
            "Xếp “Không hoàn thành nhiệm vụ” vì {}.",
            list.join("; ")
        ));
    } else {
        if input.points >= r.excellent_min && level != Level::Excellent {
            reasons.push(format!(
                "Đủ điểm xuất sắc nhưng chưa đủ điều kiện: 100% nhiệm vụ đúng hạn và {} vượt mức.",
                r.excellent_exceeded.label_vi()
            ));
        } else if input.points >= r.good_min && level > Level::Good {
            reasons.push("Đủ điểm hoàn thành tốt nhưng có nhiệm vụ chậm tiến độ.".into());
        } else if input.points >= r.complete_min && level == Level::NotComplete {
            reasons.push(format!(
                "Đủ điểm hoàn thành nhưng nhiệm vụ chậm tiến độ vượt {}.",
                r.complete_late.label_vi()
            ));
        }
        reasons.push(format!("Xếp loại: {level}."));
    }
    Rating {
        level,
        points: input.points,
        triggers,
        reasons,
        source: rule.source.clone(),
    }
}

/// Rates a party member with the rule set.
pub fn rate_member(rules: &RuleSet, input: &RatingInput) -> Rating {
    rate(&rules.member_rating, input)
}

/// Rates a party organization with the rule set.
pub fn rate_organization(rules: &RuleSet, input: &RatingInput) -> Rating {
    rate(&rules.organization_rating, input)
}

/// What the 20% is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuotaBase {
    /// Those rated good, the excellent among them (the excellent are chosen from them).
    GoodOrBetter,
    /// Those rated good only.
    GoodOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Quota {
    /// At most this share (rounded down).
    pub share: Threshold,
    pub base: QuotaBase,
}

impl Quota {
    /// The most "excellent" allowed given the counts of good and excellent.
    pub fn max_excellent(&self, good: u32, excellent: u32) -> u32 {
        let base = match self.base {
            QuotaBase::GoodOrBetter => good + excellent,
            QuotaBase::GoodOnly => good,
        };
        self.share.bound(base)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Member(MemberId),
    Organization(OrgId),
}

impl Subject {
    fn is_member(self) -> bool {
        matches!(self, Subject::Member(_))
    }
}

/// A cell's or committee's proposed level for one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Proposal {
    pub subject: Subject,
    pub name: String,
    /// Tổ chức cơ sở đảng the quota is counted in.
    pub grassroots_id: OrgId,
    pub proposed: Level,
    /// The appraisal, when known: the proposal must not be better than it allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<RatingInput>,
}

/// The quota in one grassroots organization, for members or for organizations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct QuotaGroup {
    pub grassroots_id: OrgId,
    /// Members (true) or organizations (false).
    pub members: bool,
    pub good: u32,
    pub excellent: u32,
    pub max_excellent: u32,
    pub within: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum IssueKind {
    /// Proposed better than the appraisal allows.
    AboveRating { allowed: Level },
    /// More "excellent" in the grassroots organization than the quota.
    QuotaExceeded { excellent: u32, max: u32 },
}

/// A proposal that breaks a rule, with the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProposalIssue {
    pub subject: Subject,
    pub name: String,
    pub grassroots_id: OrgId,
    pub issue: IssueKind,
    pub message: String,
    /// The same in English (empty in issues stored before it existed).
    #[serde(default)]
    pub message_en: String,
    pub rule: Source,
}

impl ProposalIssue {
    /// The issue in both languages, as a message.
    pub fn localized(&self) -> crate::i18n::Localized {
        let code = match self.issue {
            IssueKind::AboveRating { .. } => "above_rating",
            IssueKind::QuotaExceeded { .. } => "quota_exceeded",
        };
        let en = if self.message_en.is_empty() {
            &self.message
        } else {
            &self.message_en
        };
        crate::i18n::Localized::new(code, self.message.clone(), en.clone())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct QuotaReport {
    pub groups: Vec<QuotaGroup>,
    pub issues: Vec<ProposalIssue>,
    pub shares: LevelShares,
}

/// Checks proposals against the appraisals and the quota per grassroots organization.
pub fn check_quota(proposals: &[Proposal], rules: &RuleSet) -> QuotaReport {
    let mut issues = Vec::new();
    for p in proposals {
        let rule = if p.subject.is_member() {
            &rules.member_rating
        } else {
            &rules.organization_rating
        };
        if let Some(input) = &p.input {
            let allowed = level(&rule.value, input);
            if p.proposed < allowed {
                issues.push(ProposalIssue {
                    subject: p.subject,
                    name: p.name.clone(),
                    grassroots_id: p.grassroots_id,
                    issue: IssueKind::AboveRating { allowed },
                    message: format!(
                        "{}: đề nghị “{}” nhưng kết quả đánh giá chỉ cho phép “{}”.",
                        p.name, p.proposed, allowed
                    ),
                    message_en: format!(
                        "{}: “{}” is proposed but the assessment allows only “{}”.",
                        p.name,
                        p.proposed.label_en(),
                        allowed.label_en()
                    ),
                    rule: rule.source.clone(),
                });
            }
        }
    }

    let quota = &rules.excellent_quota;
    // Per (grassroots organization, members or organizations): good count and the excellent ones.
    let mut counts: BTreeMap<(OrgId, bool), (u32, Vec<&Proposal>)> = BTreeMap::new();
    for p in proposals {
        let e = counts
            .entry((p.grassroots_id, p.subject.is_member()))
            .or_default();
        match p.proposed {
            Level::Good => e.0 += 1,
            Level::Excellent => e.1.push(p),
            Level::Complete | Level::NotComplete => {}
        }
    }
    let mut groups = Vec::with_capacity(counts.len());
    for ((grassroots_id, members), (good, excellent_ones)) in counts {
        let excellent = u32::try_from(excellent_ones.len()).unwrap_or(u32::MAX);
        let max = quota.value.max_excellent(good, excellent);
        let within = excellent <= max;
        groups.push(QuotaGroup {
            grassroots_id,
            members,
            good,
            excellent,
            max_excellent: max,
            within,
        });
        if within {
            continue;
        }
        for p in excellent_ones {
            issues.push(ProposalIssue {
                subject: p.subject,
                name: p.name.clone(),
                grassroots_id,
                issue: IssueKind::QuotaExceeded { excellent, max },
                message: format!(
                    "{}: tổ chức cơ sở đảng đề nghị {excellent} “Hoàn thành xuất sắc nhiệm vụ”, vượt mức tối đa {max} ({} số hoàn thành tốt nhiệm vụ, làm tròn xuống).",
                    p.name,
                    quota.value.share.label_vi()
                ),
                message_en: format!(
                    "{}: the grassroots organization proposes {excellent} “Excellent performance of duties”, above the most of {max} ({} of those with good performance, rounded down).",
                    p.name,
                    quota.value.share.label_en()
                ),
                rule: quota.source.clone(),
            });
        }
    }
    QuotaReport {
        groups,
        issues,
        shares: shares(proposals.iter().map(|p| p.proposed)),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LevelShare {
    pub level: Level,
    pub count: u32,
    /// Tenths of a percent, rounded half up.
    pub permille: u32,
    /// E.g. "18,5%".
    pub display: String,
}

/// Shares per level for reports ("trên 95% hoàn thành tốt trở lên, 20% xuất sắc";
/// docs/rules.md#yearly-rating).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LevelShares {
    pub total: u32,
    /// Best first, all four levels.
    pub levels: Vec<LevelShare>,
    pub good_or_better: String,
    /// The national aim is above 90% (docs/rules.md#yearly-rating).
    pub complete_or_better: String,
}

pub fn shares(levels: impl IntoIterator<Item = Level>) -> LevelShares {
    let mut counts = [0u32; 4];
    for l in levels {
        counts[l as usize] += 1;
    }
    let total: u32 = counts.iter().sum();
    LevelShares {
        total,
        levels: Level::ALL
            .iter()
            .map(|&level| {
                let count = counts[level as usize];
                LevelShare {
                    level,
                    count,
                    permille: super::attendance::permille(count, total),
                    display: percent_vi(count, total),
                }
            })
            .collect(),
        good_or_better: percent_vi(counts[0] + counts[1], total),
        complete_or_better: percent_vi(counts[0] + counts[1] + counts[2], total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(points_tenths: u32, total: u32, late: u32, exceeded: u32) -> RatingInput {
        RatingInput {
            points: Points::tenths(points_tenths),
            tasks: TaskCounts {
                total,
                late,
                exceeded,
            },
            targets: None,
            triggers: vec![],
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn rating_cases() {
        let rules = RuleSet::national_default();
        use Level::*;
        let with = |mut i: RatingInput, t: Trigger| {
            i.triggers.push(t);
            i
        };
        let targets = |mut i: RatingInput, met: u32, total: u32| {
            i.targets = Some(TargetCounts { total, met });
            i
        };
        // (name, source, input, level)
        let cases = [
            (
                "95, on time, 30% exceeded",
                "QĐ 366: xuất sắc ≥ 90, ≥ 30% vượt mức",
                input(950, 10, 0, 3),
                Excellent,
            ),
            (
                "95, on time, 20% exceeded",
                "QĐ 366: chưa đủ 30% vượt mức",
                input(950, 10, 0, 2),
                Good,
            ),
            (
                "90 exactly",
                "QĐ 366: từ 90",
                input(900, 10, 0, 3),
                Excellent,
            ),
            ("89,5", "QĐ 366: tốt 70–89", input(895, 10, 0, 10), Good),
            (
                "95 but one task late",
                "QĐ 366: tốt cần 100% đúng hạn",
                input(950, 10, 1, 5),
                Complete,
            ),
            ("70 exactly", "QĐ 366", input(700, 10, 0, 0), Good),
            (
                "69,5",
                "QĐ 366: hoàn thành 50–69",
                input(695, 10, 0, 0),
                Complete,
            ),
            (
                "60, 20% late exactly",
                "QĐ 366: không quá 20% chậm",
                input(600, 10, 2, 0),
                Complete,
            ),
            ("60, 30% late", "QĐ 366", input(600, 10, 3, 0), NotComplete),
            ("50 exactly", "QĐ 366", input(500, 5, 1, 0), Complete),
            ("49,5", "QĐ 366: dưới 50", input(495, 10, 0, 0), NotComplete),
            (
                "98 but disciplined",
                "QĐ 366: bị kỷ luật trong năm",
                with(input(980, 10, 0, 5), Trigger::DisciplinedInYear),
                NotComplete,
            ),
            (
                "98 but a poor criterion",
                "QĐ 366",
                with(input(980, 10, 0, 5), Trigger::CriterionPoor),
                NotComplete,
            ),
            (
                "degeneration",
                "QĐ 366: suy thoái",
                with(input(800, 10, 0, 0), Trigger::Degeneration),
                NotComplete,
            ),
            (
                "prohibition breach",
                "QĐ 366: điều đảng viên không được làm",
                with(input(800, 10, 0, 0), Trigger::ProhibitionBreach),
                NotComplete,
            ),
            (
                "4 of 10 targets",
                "QĐ 366: dưới 50% chỉ tiêu",
                targets(input(800, 10, 0, 0), 4, 10),
                NotComplete,
            ),
            (
                "5 of 10 targets",
                "QĐ 366: 50% không bị buộc",
                targets(input(800, 10, 0, 0), 5, 10),
                Good,
            ),
        ];
        for (name, source, i, want) in cases {
            let r = rate_member(&rules, &i);
            assert_eq!(r.level, want, "{name} [{source}]: {:?}", r.reasons);
            assert_eq!(level(&rules.member_rating.value, &i), want, "{name}");
        }
        let r = rate_member(
            &rules,
            &targets(
                with(input(980, 10, 0, 5), Trigger::DisciplinedInYear),
                1,
                10,
            ),
        );
        assert_eq!(
            r.triggers,
            vec![Trigger::TargetsBelowHalf, Trigger::DisciplinedInYear]
        );
        assert!(r.reasons[1].starts_with("Xếp “Không hoàn thành nhiệm vụ” vì"));
        let r = rate_organization(&rules, &input(950, 10, 0, 2));
        assert_eq!(r.level, Good);
        assert!(
            r.reasons
                .iter()
                .any(|s| s.contains("Đủ điểm xuất sắc nhưng chưa đủ điều kiện"))
        );
    }

    fn proposals(org: i64, good: u32, excellent: u32) -> Vec<Proposal> {
        let mk = |i: u32, proposed| Proposal {
            subject: Subject::Member(MemberId(org * 1000 + i64::from(i))),
            name: format!("Đảng viên {i}"),
            grassroots_id: OrgId(org),
            proposed,
            input: None,
        };
        (0..good)
            .map(|i| mk(i, Level::Good))
            .chain((good..good + excellent).map(|i| mk(i, Level::Excellent)))
            .collect()
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn quota_cases() {
        let rules = RuleSet::national_default();
        // (good, excellent, max allowed, within) — HD 21-HD/BTCTW: at most 20%, rounded down,
        // of those rated good (the excellent chosen among them).
        let cases = [
            (10, 2, 2, true),  // 20% of 12 = 2.4 → 2
            (10, 3, 2, false), // 20% of 13 = 2.6 → 2
            (8, 2, 2, true),   // 20% of 10 = 2 exactly
            (4, 1, 1, true),   // 20% of 5 = 1
            (3, 1, 0, false),  // 20% of 4 = 0.8 → 0
            (0, 0, 0, true),
        ];
        for (good, excellent, max, within) in cases {
            let r = check_quota(&proposals(1, good, excellent), &rules);
            let g = &r.groups[..];
            if good + excellent == 0 {
                assert!(g.is_empty());
                continue;
            }
            assert_eq!(
                (g[0].max_excellent, g[0].within),
                (max, within),
                "{good} tốt, {excellent} xuất sắc"
            );
            let flagged = r.issues.len() as u32;
            assert_eq!(flagged, if within { 0 } else { excellent });
        }
        // The base is data: "of those rated good only": 12 good → 2.
        let mut only = rules.clone();
        only.excellent_quota.value.base = QuotaBase::GoodOnly;
        let r = check_quota(&proposals(1, 12, 3), &only);
        assert_eq!(r.groups[0].max_excellent, 2);
        // Per grassroots organization: one over, the other within.
        let mut both = proposals(1, 10, 3);
        both.extend(proposals(2, 10, 2));
        let r = check_quota(&both, &rules);
        assert_eq!(
            r.groups.iter().map(|g| g.within).collect::<Vec<_>>(),
            [false, true]
        );
        assert!(r.issues.iter().all(|i| i.grassroots_id == OrgId(1)));
        assert!(r.issues[0].rule.unconfirmed);
        assert!(
            r.issues[0]
                .message
                .contains("vượt mức tối đa 2 (không quá 20%")
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn proposals_above_their_appraisal() {
        let rules = RuleSet::national_default();
        let mut ps = proposals(1, 4, 1);
        ps[4].input = Some(input(920, 10, 1, 5)); // one task late: Complete at best
        ps[0].input = Some(RatingInput {
            triggers: vec![Trigger::DisciplinedInYear],
            ..input(800, 10, 0, 0)
        });
        ps[1].input = Some(input(800, 10, 0, 0)); // Good: fine
        let r = check_quota(&ps, &rules);
        let above: Vec<(Subject, Level)> = r
            .issues
            .iter()
            .filter_map(|i| match i.issue {
                IssueKind::AboveRating { allowed } => Some((i.subject, allowed)),
                _ => None,
            })
            .collect();
        assert_eq!(
            above,
            vec![
                (ps[0].subject, Level::NotComplete),
                (ps[4].subject, Level::Complete)
            ]
        );
        assert!(r.issues.iter().all(|i| i.rule.document.contains("366")));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn shares_per_level() {
        use Level::*;
        let levels = [Excellent, Good, Good, Good, Complete, NotComplete];
        let s = shares(levels);
        assert_eq!(s.total, 6);
        let counts: Vec<u32> = s.levels.iter().map(|l| l.count).collect();
        assert_eq!(counts, [1, 3, 1, 1]);
        assert_eq!(s.levels[0].display, "16,7%");
        assert_eq!(s.good_or_better, "66,7%");
        assert_eq!(s.complete_or_better, "83,3%");
        assert_eq!(shares([]).complete_or_better, "—");
    }
}
