//! Choosing a rule set (chọn bộ quy tắc): a committee adopts, from an
//! effective date, a built-in set or its own copy with changed values; an
//! organization applies the nearest adoption in force up the tree, else the
//! national default (docs/rules.md#choosing-a-rule-set).

use super::ruleset::{Cmp, RuleSet, Threshold};
use super::scoring::Points;
use super::source::{Rule, Source};
use crate::error::{FieldError, FieldErrors};
use crate::i18n::Localized;
use crate::ids::OrgId;
use crate::org::OrgKind;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Longest decision reference (số quyết định), in characters.
pub const MAX_DECISION_CHARS: usize = 200;
/// Most days before a meeting its registration may be required.
pub const MAX_REGISTRATION_LEAD_DAYS: u32 = 60;
/// Most days before a meeting its documents may be required.
pub const MAX_DOCUMENT_LEAD_DAYS: u32 = 30;
/// Bounds of a meeting's minimum length, in minutes.
pub const MIN_MEETING_MINUTES: u32 = 30;
pub const MAX_MEETING_MINUTES: u32 = 480;
/// The largest denominator of a share (100: percentages).
pub const MAX_DENOMINATOR: u32 = 100;
/// Most points one criterion of a score sheet may carry.
pub const MAX_CRITERION_POINTS: u32 = 100;
/// Most members a cell may be required to have, or may miss without reason.
pub const MAX_MEMBER_COUNT: u32 = 50;
/// Most visits a committee member may owe a cell in a cadence.
pub const MAX_VISITS: u32 = 12;

/// A rule set compiled into every build (bộ quy tắc có sẵn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BuiltIn {
    /// The national defaults with Phú Thọ's score sheet.
    National,
    /// The national defaults with Bình Thuận's score sheet.
    BinhThuan,
}

impl BuiltIn {
    pub const ALL: [BuiltIn; 2] = [BuiltIn::National, BuiltIn::BinhThuan];

    pub fn rule_set(self) -> RuleSet {
        match self {
            BuiltIn::National => RuleSet::national_default(),
            BuiltIn::BinhThuan => RuleSet::binh_thuan(),
        }
    }
}

/// What a committee adopts: a built-in set, or its own copy of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Choice {
    BuiltIn {
        builtin: BuiltIn,
    },
    /// Bộ quy tắc riêng: named after the committee, versioned by its adoption.
    Own {
        based_on: BuiltIn,
        rules: Box<RuleSet>,
    },
}

/// One adoption of an organization (lần áp dụng): kept forever, never edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Adoption {
    pub org_id: OrgId,
    /// 1, 2, 3… within the organization; an own set carries it as its version.
    pub version: u32,
    pub effective_from: NaiveDate,
    pub choice: Choice,
    /// The committee's decision (số quyết định), or empty.
    pub decision: String,
    /// Who adopted it (display name).
    pub adopted_by: String,
    pub adopted_at: NaiveDateTime,
}

impl Adoption {
    pub fn rule_set(&self) -> RuleSet {
        match &self.choice {
            Choice::BuiltIn { builtin } => builtin.rule_set(),
            Choice::Own { rules, .. } => (**rules).clone(),
        }
    }
}

/// The adoptions of one organization of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAdoptions {
    pub org_id: OrgId,
    pub org_name: String,
    pub adoptions: Vec<Adoption>,
}

/// Where the applicable set comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// Adopted by the organization itself.
    Own { version: u32 },
    /// Adopted by an organization above it.
    Inherited {
        org_id: OrgId,
        org_name: String,
        version: u32,
    },
    /// Nobody above adopted one: the national default.
    NationalDefault,
}

impl Origin {
    /// "Do Đảng bộ X chọn (lần 2)", in Vietnamese.
    pub fn label_vi(&self) -> String {
        match self {
            Origin::Own { version } => format!("Do tổ chức này chọn (lần {version})"),
            Origin::Inherited {
                org_name, version, ..
            } => format!("Theo {org_name} (lần {version})"),
            Origin::NationalDefault => "Mặc định toàn quốc (chưa cấp ủy nào chọn)".into(),
        }
    }
}

/// The set that applies and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Applicable {
    pub rules: RuleSet,
    pub origin: Origin,
}

/// Only committees with organizations below them choose; a cell (and a
/// group inside it) applies its committee's.
pub fn chooses_rules(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::PartyCommittee | OrgKind::GrassrootsCommittee)
}

/// The adoption in force on `on`: the latest effective date not after it,
/// the latest version among adoptions of that date.
pub fn in_force(adoptions: &[Adoption], on: NaiveDate) -> Option<&Adoption> {
    adoptions
        .iter()
        .filter(|a| a.effective_from <= on)
        .max_by_key(|a| (a.effective_from, a.version))
}

/// The set that applies on `on` to the organization at the end of `path`
/// (root first): the nearest adoption in force, else the national default.
pub fn applicable(path: &[OrgAdoptions], on: NaiveDate) -> Applicable {
    let last = path.len().checked_sub(1);
    for (i, org) in path.iter().enumerate().rev() {
        if let Some(a) = in_force(&org.adoptions, on) {
            let origin = if Some(i) == last {
                Origin::Own { version: a.version }
            } else {
                Origin::Inherited {
                    org_id: org.org_id,
                    org_name: org.org_name.clone(),
                    version: a.version,
                }
            };
            return Applicable {
                rules: a.rule_set(),
                origin,
            };
        }
    }
    Applicable {
        rules: RuleSet::national_default(),
        origin: Origin::NationalDefault,
    }
}

/// The day whose rules judge a period (a month, a year) from `first` to
/// `last`: today inside it, else its first day.
pub fn rules_day(first: NaiveDate, last: NaiveDate, today: NaiveDate) -> NaiveDate {
    if (first..=last).contains(&today) {
        today
    } else {
        first
    }
}

/// The next adoption's version of an organization.
pub fn next_version(adoptions: &[Adoption]) -> u32 {
    adoptions.iter().map(|a| a.version).max().unwrap_or(0) + 1
}

/// `PUT /api/organizations/{id}/rule-set`: the choice and from when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleSetRequest {
    /// Not before today.
    pub effective_from: NaiveDate,
    /// Số quyết định of the committee, at most `MAX_DECISION_CHARS`.
    #[serde(default)]
    pub decision: String,
    /// For an own copy, only the editable values of `rules` are taken
    /// ([`own_copy`]); everything else comes from `based_on`.
    pub choice: Choice,
}

/// `GET /api/organizations/{id}/rule-set`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RuleSetView {
    pub org_id: OrgId,
    pub org_name: String,
    /// The day `applicable` is computed for (today).
    pub on: NaiveDate,
    pub applicable: Applicable,
    /// Whether this organization chooses its own (a committee).
    pub chooses: bool,
    /// Whether the reader may choose for it.
    pub may_choose: bool,
    /// The organization's own adoptions, newest first (upcoming ones included).
    pub adoptions: Vec<Adoption>,
    /// The built-in sets to choose from, in [`BuiltIn::ALL`] order.
    pub builtins: Vec<RuleSet>,
}

/// What a committee's own set is named: never a built-in's name.
pub fn own_name(org_name: &str) -> String {
    format!("Bộ quy tắc của {org_name}")
}

/// Checks an adoption request against `today`, whatever its choice.
pub fn check_request(req: &RuleSetRequest, today: NaiveDate) -> Result<String, FieldErrors> {
    let mut errors = Vec::new();
    if req.effective_from < today {
        errors.push(FieldError::both(
            "effective_from",
            "effective_in_past",
            "Ngày áp dụng không được trước hôm nay: bộ quy tắc không áp dụng lùi về trước.",
            "The effective date cannot be before today: a rule set does not apply backwards.",
        ));
    }
    let max = NaiveDate::from_ymd_opt(crate::calendar::MAX_YEAR, 12, 31).unwrap_or(NaiveDate::MAX);
    if req.effective_from > max {
        let year = crate::calendar::MAX_YEAR + 1;
        errors.push(FieldError::both(
            "effective_from",
            "effective_too_late",
            format!("Ngày áp dụng phải trước năm {year}."),
            format!("The effective date must be before {year}."),
        ));
    }
    let decision = crate::text::clean_trimmed(&req.decision);
    if decision.chars().count() > MAX_DECISION_CHARS {
        errors.push(FieldError::both(
            "decision",
            "decision_too_long",
            format!("Số quyết định dài quá {MAX_DECISION_CHARS} ký tự."),
            format!("The decision's number is longer than {MAX_DECISION_CHARS} characters."),
        ));
    }
    if errors.is_empty() {
        Ok(decision)
    } else {
        Err(FieldErrors(errors))
    }
}

/// The committee's own set: `based_on` with the editable values of `edited`
/// (attendance and vote thresholds, schedule values, the sheet's criteria
/// maxima and band floors, the visit cadence, the excellent quota), named
/// after the committee, versioned `version`. A value that differs from the
/// built-in is sourced to the committee's decision; an unchanged one keeps
/// the built-in's source. Every value is checked; errors name the field.
pub fn own_copy(
    based_on: BuiltIn,
    edited: &RuleSet,
    org_name: &str,
    version: u32,
    effective_from: NaiveDate,
    decision: &str,
) -> Result<RuleSet, FieldErrors> {
    let base = based_on.rule_set();
    let stamp = Source::new(
        &if decision.is_empty() {
            own_name(org_name)
        } else {
            format!("{decision} của {org_name}")
        },
        &effective_from.to_string(),
        &format!("{org_name} thay đổi giá trị này của “{}”.", base.name),
    );
    let mut own = base.clone();
    own.name = own_name(org_name);
    own.version = version;
    own.effective_from = effective_from;
    own.source = Source::new(
        &stamp.document,
        &stamp.date,
        &format!("Bộ quy tắc riêng dựa trên “{}”.", base.name),
    );

    let a = &edited.attendance;
    take(&mut own.attendance.quality, &a.quality, &stamp);
    take(
        &mut own.attendance.quorum_warning,
        &a.quorum_warning,
        &stamp,
    );
    take(
        &mut own.attendance.max_absent_without_reason,
        &a.max_absent_without_reason,
        &stamp,
    );
    take(
        &mut own.attendance.min_full_members,
        &a.min_full_members,
        &stamp,
    );
    let v = &edited.votes;
    take(&mut own.votes.resolution, &v.resolution, &stamp);
    take(
        &mut own.votes.admission_proposal,
        &v.admission_proposal,
        &stamp,
    );
    take(&mut own.votes.expulsion, &v.expulsion, &stamp);
    take(&mut own.votes.discipline, &v.discipline, &stamp);
    let s = &edited.schedule;
    take(
        &mut own.schedule.registration_lead_days,
        &s.registration_lead_days,
        &stamp,
    );
    take(&mut own.schedule.reminder_day, &s.reminder_day, &stamp);
    take(
        &mut own.schedule.document_lead_days,
        &s.document_lead_days,
        &stamp,
    );
    take(&mut own.schedule.min_minutes, &s.min_minutes, &stamp);
    take(&mut own.visits.cadence, &edited.visits.cadence, &stamp);
    take(&mut own.excellent_quota, &edited.excellent_quota, &stamp);

    // The sheet: criteria by key, bands by band; a group's maximum follows its criteria.
    let mut sheet_changed = false;
    for group in &mut own.meeting_sheet.groups {
        for c in &mut group.criteria {
            if let Some(e) = edited
                .meeting_sheet
                .groups
                .iter()
                .flat_map(|g| &g.criteria)
                .find(|e| e.key == c.key)
                && e.max != c.max
            {
                c.max = e.max;
                sheet_changed = true;
            }
        }
        group.max = group
            .criteria
            .iter()
            .fold(Points::ZERO, |acc, c| acc.saturating_add(c.max));
    }
    for floor in &mut own.meeting_sheet.bands {
        if let Some(e) = edited
            .meeting_sheet
            .bands
            .iter()
            .find(|e| e.band == floor.band)
            && e.min != floor.min
        {
            floor.min = e.min;
            sheet_changed = true;
        }
    }
    if sheet_changed {
        own.meeting_sheet.source = stamp.clone();
    }

    check_values(&own)?;
    Ok(own)
}

/// The edited value; the committee's source when it differs from the built-in.
fn take<T: Clone + PartialEq>(own: &mut Rule<T>, edited: &Rule<T>, stamp: &Source) {
    if own.value != edited.value {
        own.value = edited.value.clone();
        own.source = stamp.clone();
    }
}

/// The bounds of every editable value, then [`RuleSet::check`]; all errors at
/// once, each at its field (the dotted path of the value in the set).
pub fn check_values(set: &RuleSet) -> Result<(), FieldErrors> {
    let mut errors = Vec::new();
    let mut share = |field: &str, t: Threshold, strict: bool| {
        if let Some(message) = share_problem(t, strict) {
            errors.push(FieldError::of(field, &message));
        }
    };
    share("attendance.quality", set.attendance.quality.value, true);
    share(
        "attendance.quorum_warning",
        set.attendance.quorum_warning.value,
        true,
    );
    for (field, rule) in [
        ("votes.resolution", &set.votes.resolution),
        ("votes.admission_proposal", &set.votes.admission_proposal),
        ("votes.expulsion", &set.votes.expulsion),
        ("votes.discipline", &set.votes.discipline),
    ] {
        share(field, rule.value.threshold, true);
    }
    share("excellent_quota", set.excellent_quota.value.share, false);
    let mut range = |field: &str, value: u32, lo: u32, hi: u32, what: (&str, &str)| {
        if !(lo..=hi).contains(&value) {
            let (vi, en) = what;
            errors.push(FieldError::both(
                field,
                "out_of_range",
                format!("{vi} phải từ {lo} đến {hi}."),
                format!("{en} must be from {lo} to {hi}."),
            ));
        }
    };
    let a = &set.attendance;
    range(
        "attendance.max_absent_without_reason",
        a.max_absent_without_reason.value,
        0,
        MAX_MEMBER_COUNT,
        (
            "Số đảng viên vắng không lý do tối đa",
            "The most members absent without reason",
        ),
    );
    range(
        "attendance.min_full_members",
        a.min_full_members.value,
        1,
        MAX_MEMBER_COUNT,
        (
            "Số đảng viên chính thức tối thiểu",
            "The fewest full members",
        ),
    );
    let s = &set.schedule;
    range(
        "schedule.registration_lead_days",
        s.registration_lead_days.value,
        0,
        MAX_REGISTRATION_LEAD_DAYS,
        (
            "Số ngày đăng ký lịch trước",
            "Days to register a meeting before it",
        ),
    );
    range(
        "schedule.reminder_day",
        s.reminder_day.value,
        1,
        28,
        (
            "Ngày đôn đốc đăng ký lịch",
            "The day to remind cells to register",
        ),
    );
    range(
        "schedule.document_lead_days",
        s.document_lead_days.value,
        0,
        MAX_DOCUMENT_LEAD_DAYS,
        (
            "Số ngày có tài liệu trước",
            "Days documents are due before a meeting",
        ),
    );
    let m = s.min_minutes.value;
    for (field, value) in [
        ("schedule.min_minutes.regular", m.regular),
        ("schedule.min_minutes.thematic", m.thematic),
        ("schedule.min_minutes.combined", m.combined),
    ] {
        range(
            field,
            value,
            MIN_MEETING_MINUTES,
            MAX_MEETING_MINUTES,
            (
                "Thời lượng tối thiểu (phút)",
                "The shortest duration (minutes)",
            ),
        );
    }
    let c = set.visits.cadence.value;
    range(
        "visits.cadence.visits",
        c.visits,
        1,
        MAX_VISITS,
        ("Số lần dự sinh hoạt", "The number of visits"),
    );
    if c.months == 0 || 12 % c.months != 0 {
        errors.push(FieldError::of(
            "visits.cadence.months",
            &super::RuleSetError::Cadence,
        ));
    }
    for (gi, g) in set.meeting_sheet.groups.iter().enumerate() {
        for (ci, c) in g.criteria.iter().enumerate() {
            if c.max > Points::whole(MAX_CRITERION_POINTS) {
                errors.push(FieldError::both(
                    format!("meeting_sheet.groups.{gi}.criteria.{ci}.max"),
                    "criterion_max",
                    format!("Điểm tối đa của một tiêu chí không quá {MAX_CRITERION_POINTS}."),
                    format!("A criterion's maximum is at most {MAX_CRITERION_POINTS} points."),
                ));
            }
        }
    }
    let total = set
        .meeting_sheet
        .groups
        .iter()
        .fold(Points::ZERO, |acc, g| acc.saturating_add(g.max));
    let bands = &set.meeting_sheet.bands;
    for (i, b) in bands.iter().enumerate() {
        let field = format!("meeting_sheet.bands.{i}.min");
        if b.min > total {
            errors.push(FieldError::both(
                field,
                "band_above_total",
                format!("Điểm sàn không được vượt tổng điểm của phiếu ({total})."),
                format!("A lower bound cannot exceed the sheet's total ({total})."),
            ));
        } else if i > 0 && b.min >= bands[i - 1].min {
            errors.push(FieldError::both(
                field,
                "band_order",
                "Điểm sàn phải thấp hơn điểm sàn của mức xếp loại trên.",
                "A lower bound must be below the lower bound of the band above.",
            ));
        }
    }
    if errors.is_empty()
        && let Err(e) = set.check()
    {
        errors.push(FieldError::of("rules", &e));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(FieldErrors(errors))
    }
}

/// Why a share cannot be a bound: a denominator of 0 or above 100, a share
/// above the whole, "more than the whole" (never met) when `strict`.
fn share_problem(t: Threshold, strict: bool) -> Option<Localized> {
    if t.den == 0 || t.den > MAX_DENOMINATOR {
        return Some(Localized::new(
            "denominator",
            format!("Mẫu số phải từ 1 đến {MAX_DENOMINATOR}."),
            format!("The denominator must be from 1 to {MAX_DENOMINATOR}."),
        ));
    }
    if t.num > t.den {
        return Some(Localized::new(
            "share_above_one",
            "Tỷ lệ không được lớn hơn 1 (tử số lớn hơn mẫu số).",
            "A share cannot be above 1 (numerator above denominator).",
        ));
    }
    if strict && t.num == 0 && t.cmp != Cmp::MoreThan {
        return Some(Localized::new(
            "share_zero",
            "Tỷ lệ phải lớn hơn 0.",
            "The share must be above 0.",
        ));
    }
    if t.cmp == Cmp::MoreThan && t.num == t.den {
        return Some(Localized::new(
            "share_unreachable",
            "“Trên 100%” không bao giờ đạt được.",
            "“Over 100%” can never be reached.",
        ));
    }
    None
}

/// A whole number of a rule set a committee may change in its own copy,
/// with its field (as errors name it), its labels and where it lives.
pub struct EditableNumber {
    pub field: &'static str,
    pub label_vi: &'static str,
    pub label_en: &'static str,
    pub get: fn(&RuleSet) -> u32,
    pub set: fn(&mut RuleSet, u32),
    pub source: fn(&RuleSet) -> &Source,
}

/// A share of a rule set a committee may change in its own copy.
pub struct EditableShare {
    pub field: &'static str,
    pub label_vi: &'static str,
    pub label_en: &'static str,
    pub get: fn(&RuleSet) -> Threshold,
    pub set: fn(&mut RuleSet, Threshold),
    pub source: fn(&RuleSet) -> &Source,
}

/// The shares an own copy may change, in the order a form shows them.
pub const EDITABLE_SHARES: &[EditableShare] = &[
    EditableShare {
        field: "attendance.quality",
        label_vi: "Tỷ lệ dự họp đạt tiêu chí chất lượng",
        label_en: "Attendance for the quality criterion",
        get: |r| r.attendance.quality.value,
        set: |r, v| r.attendance.quality.value = v,
        source: |r| &r.attendance.quality.source,
    },
    EditableShare {
        field: "attendance.quorum_warning",
        label_vi: "Cảnh báo số người dự trước khi biểu quyết",
        label_en: "Attendance warning before a vote",
        get: |r| r.attendance.quorum_warning.value,
        set: |r, v| r.attendance.quorum_warning.value = v,
        source: |r| &r.attendance.quorum_warning.source,
    },
    EditableShare {
        field: "votes.resolution",
        label_vi: "Thông qua nghị quyết",
        label_en: "Passing a resolution",
        get: |r| r.votes.resolution.value.threshold,
        set: |r, v| r.votes.resolution.value.threshold = v,
        source: |r| &r.votes.resolution.source,
    },
    EditableShare {
        field: "votes.admission_proposal",
        label_vi: "Đề nghị kết nạp đảng viên",
        label_en: "Proposing an admission",
        get: |r| r.votes.admission_proposal.value.threshold,
        set: |r, v| r.votes.admission_proposal.value.threshold = v,
        source: |r| &r.votes.admission_proposal.source,
    },
    EditableShare {
        field: "votes.expulsion",
        label_vi: "Khai trừ",
        label_en: "Expulsion",
        get: |r| r.votes.expulsion.value.threshold,
        set: |r, v| r.votes.expulsion.value.threshold = v,
        source: |r| &r.votes.expulsion.source,
    },
    EditableShare {
        field: "votes.discipline",
        label_vi: "Khiển trách, cảnh cáo, cách chức",
        label_en: "Reprimand, warning, dismissal",
        get: |r| r.votes.discipline.value.threshold,
        set: |r, v| r.votes.discipline.value.threshold = v,
        source: |r| &r.votes.discipline.source,
    },
    EditableShare {
        field: "excellent_quota",
        label_vi: "Tỷ lệ “Hoàn thành xuất sắc nhiệm vụ” tối đa",
        label_en: "Most rated “excellent”",
        get: |r| r.excellent_quota.value.share,
        set: |r, v| r.excellent_quota.value.share = v,
        source: |r| &r.excellent_quota.source,
    },
];

/// The whole numbers an own copy may change, in the order a form shows them.
pub const EDITABLE_NUMBERS: &[EditableNumber] = &[
    EditableNumber {
        field: "attendance.max_absent_without_reason",
        label_vi: "Số đảng viên vắng không lý do tối đa (tiêu chí chất lượng)",
        label_en: "Most absent without reason (quality criterion)",
        get: |r| r.attendance.max_absent_without_reason.value,
        set: |r, v| r.attendance.max_absent_without_reason.value = v,
        source: |r| &r.attendance.max_absent_without_reason.source,
    },
    EditableNumber {
        field: "attendance.min_full_members",
        label_vi: "Số đảng viên chính thức tối thiểu của chi bộ",
        label_en: "Fewest full members of a cell",
        get: |r| r.attendance.min_full_members.value,
        set: |r, v| r.attendance.min_full_members.value = v,
        source: |r| &r.attendance.min_full_members.source,
    },
    EditableNumber {
        field: "schedule.registration_lead_days",
        label_vi: "Đăng ký lịch trước ngày họp (ngày)",
        label_en: "Register before the meeting (days)",
        get: |r| r.schedule.registration_lead_days.value,
        set: |r, v| r.schedule.registration_lead_days.value = v,
        source: |r| &r.schedule.registration_lead_days.source,
    },
    EditableNumber {
        field: "schedule.reminder_day",
        label_vi: "Ngày đôn đốc đăng ký lịch trong tháng",
        label_en: "Day of the month to remind cells to register",
        get: |r| r.schedule.reminder_day.value,
        set: |r, v| r.schedule.reminder_day.value = v,
        source: |r| &r.schedule.reminder_day.source,
    },
    EditableNumber {
        field: "schedule.document_lead_days",
        label_vi: "Có tài liệu trước ngày họp (ngày)",
        label_en: "Documents before the meeting (days)",
        get: |r| r.schedule.document_lead_days.value,
        set: |r, v| r.schedule.document_lead_days.value = v,
        source: |r| &r.schedule.document_lead_days.source,
    },
    EditableNumber {
        field: "schedule.min_minutes.regular",
        label_vi: "Thời lượng tối thiểu, thường kỳ (phút)",
        label_en: "Shortest regular meeting (minutes)",
        get: |r| r.schedule.min_minutes.value.regular,
        set: |r, v| r.schedule.min_minutes.value.regular = v,
        source: |r| &r.schedule.min_minutes.source,
    },
    EditableNumber {
        field: "schedule.min_minutes.thematic",
        label_vi: "Thời lượng tối thiểu, chuyên đề (phút)",
        label_en: "Shortest thematic meeting (minutes)",
        get: |r| r.schedule.min_minutes.value.thematic,
        set: |r, v| r.schedule.min_minutes.value.thematic = v,
        source: |r| &r.schedule.min_minutes.source,
    },
    EditableNumber {
        field: "schedule.min_minutes.combined",
        label_vi: "Thời lượng tối thiểu, thường kỳ kết hợp chuyên đề (phút)",
        label_en: "Shortest combined meeting (minutes)",
        get: |r| r.schedule.min_minutes.value.combined,
        set: |r, v| r.schedule.min_minutes.value.combined = v,
        source: |r| &r.schedule.min_minutes.source,
    },
    EditableNumber {
        field: "visits.cadence.visits",
        label_vi: "Cấp ủy viên dự sinh hoạt chi bộ: số lần",
        label_en: "Committee member attends a cell: times",
        get: |r| r.visits.cadence.value.visits,
        set: |r, v| r.visits.cadence.value.visits = v,
        source: |r| &r.visits.cadence.source,
    },
    EditableNumber {
        field: "visits.cadence.months",
        label_vi: "Cấp ủy viên dự sinh hoạt chi bộ: trong số tháng",
        label_en: "Committee member attends a cell: every months",
        get: |r| r.visits.cadence.value.months,
        set: |r, v| r.visits.cadence.value.months = v,
        source: |r| &r.visits.cadence.source,
    },
];

#[cfg(test)]
mod tests;
