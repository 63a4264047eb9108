//! A rule set (bộ quy tắc): every threshold, cadence, score sheet and rating
//! band, each with its source, under a name, a version and an effective date.
//! A committee chooses one; a province can load its own from JSON.

use super::assessment::AssessmentForm;
use super::attendance::AttendanceRules;
use super::inspection::InspectionTargets;
use super::rating::{Quota, QuotaBase, RatingRule};
use super::schedule::{MinMinutes, ScheduleRules};
use super::scoring::{Band, RollupBand, ScoreSheet, YearlyRollup};
use super::source::{Rule, Source, docs};
use super::visits::{Cadence, Fairness, VisitRules};
use super::vote::{VoteRule, VoteRules};
use crate::classification::CellClassificationRule;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How a share is compared with its bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Cmp {
    /// Trên / hơn: strictly more.
    MoreThan,
    /// Ít nhất / từ … trở lên.
    AtLeast,
    /// Không quá / tối đa.
    AtMost,
}

/// A share bound `num/den` compared exactly, in integers: "more than half" is
/// `2·part > whole`, "at least 2/3" is `3·part ≥ 2·whole`. No floats decide a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Threshold {
    pub num: u32,
    pub den: u32,
    pub cmp: Cmp,
}

impl Threshold {
    pub const fn new(num: u32, den: u32, cmp: Cmp) -> Threshold {
        Threshold { num, den, cmp }
    }

    /// More than `num/den` (e.g. "quá nửa": `more_than(1, 2)`).
    pub const fn more_than(num: u32, den: u32) -> Threshold {
        Threshold::new(num, den, Cmp::MoreThan)
    }

    pub const fn at_least(num: u32, den: u32) -> Threshold {
        Threshold::new(num, den, Cmp::AtLeast)
    }

    pub const fn at_most(num: u32, den: u32) -> Threshold {
        Threshold::new(num, den, Cmp::AtMost)
    }

    /// Whether `part/whole` satisfies the bound, by cross-multiplying (never divides, so a
    /// zero `den` cannot panic; [`RuleSet::check`] refuses one anyway).
    pub fn met(&self, part: u32, whole: u32) -> bool {
        let lhs = u64::from(part) * u64::from(self.den);
        let rhs = u64::from(self.num) * u64::from(whole);
        match self.cmp {
            Cmp::MoreThan => lhs > rhs,
            Cmp::AtLeast => lhs >= rhs,
            Cmp::AtMost => lhs <= rhs,
        }
    }

    /// The fewest `part` out of `whole` that meets a `MoreThan`/`AtLeast` bound; for `AtMost`
    /// the most that still meets it. Exact: "more than half of 10" is 6, "at least 2/3 of 10"
    /// is 7, "at most 20% of 12" is 2 (20% of 12 = 2.4, rounded down).
    pub fn bound(&self, whole: u32) -> u32 {
        let prod = u64::from(self.num) * u64::from(whole);
        let den = u64::from(self.den.max(1));
        let v = match self.cmp {
            Cmp::MoreThan => prod / den + 1,
            Cmp::AtLeast => prod.div_ceil(den),
            Cmp::AtMost => prod / den,
        };
        u32::try_from(v).unwrap_or(u32::MAX)
    }

    /// Vietnamese wording: "quá một nửa", "ít nhất 2/3", "trên 85%", "không quá 20%".
    pub fn label_vi(&self) -> String {
        let share = if self.den == 100 {
            format!("{}%", self.num)
        } else if (self.num, self.den) == (1, 2) {
            "một nửa".into()
        } else {
            format!("{}/{}", self.num, self.den)
        };
        let word = match (self.cmp, self.den) {
            (Cmp::MoreThan, 100) => "trên",
            (Cmp::MoreThan, _) => "quá",
            (Cmp::AtLeast, _) => "ít nhất",
            (Cmp::AtMost, _) => "không quá",
        };
        format!("{word} {share}")
    }

    /// English wording: "more than half", "at least 2/3", "over 85%", "at most 20%".
    pub fn label_en(&self) -> String {
        let share = if self.den == 100 {
            format!("{}%", self.num)
        } else if (self.num, self.den) == (1, 2) {
            "half".into()
        } else {
            format!("{}/{}", self.num, self.den)
        };
        let word = match (self.cmp, self.den) {
            (Cmp::MoreThan, 100) => "over",
            (Cmp::MoreThan, _) => "more than",
            (Cmp::AtLeast, _) => "at least",
            (Cmp::AtMost, _) => "at most",
        };
        format!("{word} {share}")
    }

    pub fn label(&self, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Vi => self.label_vi(),
            crate::i18n::Lang::En => self.label_en(),
        }
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label_vi())
    }
}

/// The rules a committee applies, from a given date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RuleSet {
    pub name: String,
    /// Raised on every change, so a stored result names the rules it was computed with.
    pub version: u32,
    /// Who adopted the set (e.g. a committee's decision).
    pub source: Source,
    pub effective_from: NaiveDate,
    pub attendance: AttendanceRules,
    pub votes: VoteRules,
    pub schedule: ScheduleRules,
    /// Phiếu chấm điểm buổi sinh hoạt.
    pub meeting_sheet: ScoreSheet,
    /// Xếp loại chất lượng sinh hoạt cả năm từ các buổi.
    pub yearly_meetings: YearlyRollup,
    /// Xếp loại đảng viên hằng năm.
    pub member_rating: Rule<RatingRule>,
    /// Xếp loại tổ chức đảng hằng năm.
    pub organization_rating: Rule<RatingRule>,
    /// Tỷ lệ "Hoàn thành xuất sắc nhiệm vụ" tối đa.
    pub excellent_quota: Rule<Quota>,
    pub visits: VisitRules,
    /// Phiếu tự đánh giá đảng viên (100 điểm). Absent from sets stored before it.
    #[serde(default = "default_member_form")]
    pub member_form: Rule<AssessmentForm>,
    /// Chỉ tiêu kiểm tra đảng viên của chi bộ. Absent from sets stored before it.
    #[serde(default = "default_inspections")]
    pub inspections: Rule<InspectionTargets>,
    /// Xếp loại chi bộ hằng năm: điều kiện từng mức. Absent from sets stored before it.
    #[serde(default = "default_cell_classification")]
    pub cell_classification: Rule<CellClassificationRule>,
}

fn default_member_form() -> Rule<AssessmentForm> {
    Rule::new(
        AssessmentForm::qd366(),
        Source::unconfirmed(
            "Quy định 366-QĐ/TW, Hướng dẫn 43-HD/BTCTW (nhóm tiêu chí); phân bổ điểm: mặc định của phần mềm Chi Bộ Số",
            "2025",
            "Phiếu tự đánh giá 100 điểm: tư tưởng chính trị 15, đạo đức lối sống 15, ý thức tổ chức kỷ luật 10, tác phong lề lối làm việc 10, kết quả thực hiện nhiệm vụ 40, thực hiện cam kết nêu gương 10; tiêu chí đạt dưới một nửa số điểm là kém.",
        ),
    )
}

fn default_inspections() -> Rule<InspectionTargets> {
    Rule::new(
        InspectionTargets::hau_giang(),
        Source::new(
            "Nghị quyết Đại hội Đảng bộ tỉnh Hậu Giang (chỉ tiêu 02), Chương trình 16 của Đảng ủy Khối (chỉ tiêu 3.6)",
            "2022",
            "Chi bộ có chi ủy kiểm tra ít nhất 2 đảng viên mỗi năm, chi bộ không có chi ủy ít nhất 1; chi bộ có từ 3 người giữ chức vụ trong chi bộ được tính là có chi ủy (mặc định của phần mềm).",
        ),
    )
}

fn default_cell_classification() -> Rule<CellClassificationRule> {
    Rule::new(
        CellClassificationRule::default_bars(),
        docs::ours(
            "Gợi ý xếp loại chi bộ từ số liệu cả năm (chưa có văn bản quy định ngưỡng): xuất sắc khi sinh hoạt thường kỳ đủ các tháng, đăng ký đúng hạn, chất lượng sinh hoạt cả năm Tốt, dự họp ít nhất 90%, đạt chỉ tiêu kiểm tra, 100% đảng viên hoàn thành nhiệm vụ trở lên; tốt khi đủ các tháng, đăng ký muộn không quá 2 lần, Khá trở lên, dự họp ít nhất 80%, đạt chỉ tiêu kiểm tra, ít nhất 90% đảng viên hoàn thành nhiệm vụ trở lên; hoàn thành khi thiếu không quá 2 tháng, Trung bình trở lên, ít nhất 80% đảng viên hoàn thành nhiệm vụ trở lên. Cấp ủy quyết định, lệch khỏi gợi ý phải ghi lý do.",
        ),
    )
}

impl Default for RuleSet {
    fn default() -> RuleSet {
        RuleSet::national_default()
    }
}

/// The part of a rule set a live meeting applies (attendance and votes): what a
/// room keeps and every participant's browser receives, without the score
/// sheets and yearly rules it never uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MeetingRules {
    /// The rule set's name and version, so the record names the rules it used.
    pub name: String,
    pub version: u32,
    pub attendance: AttendanceRules,
    pub votes: VoteRules,
}

impl MeetingRules {
    /// The meeting rules of the sets compiled into every build, the server's
    /// and the app's alike.
    pub fn builtin() -> &'static [MeetingRules] {
        static BUILTIN: std::sync::OnceLock<Vec<MeetingRules>> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| {
            [RuleSet::national_default(), RuleSet::binh_thuan()]
                .iter()
                .map(RuleSet::meeting_rules)
                .collect()
        })
    }
}

/// Sends the rules of a built-in set by name and version only (both ends have
/// them compiled in), other rules whole: joining a meeting costs less. A
/// version raised on any change keeps a stale app from reading other rules.
pub mod rules_by_name {
    use super::MeetingRules;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Named<'a> {
        builtin: std::borrow::Cow<'a, str>,
        version: u32,
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wire<'a> {
        #[serde(borrow)]
        Named(Named<'a>),
        Full(Box<MeetingRules>),
    }

    pub fn serialize<S: Serializer>(rules: &MeetingRules, s: S) -> Result<S::Ok, S::Error> {
        if MeetingRules::builtin().contains(rules) {
            Named {
                builtin: rules.name.as_str().into(),
                version: rules.version,
            }
            .serialize(s)
        } else {
            rules.serialize(s)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MeetingRules, D::Error> {
        match Wire::deserialize(d)? {
            Wire::Full(rules) => Ok(*rules),
            Wire::Named(n) => MeetingRules::builtin()
                .iter()
                .find(|r| r.name == n.builtin && r.version == n.version)
                .cloned()
                .ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "bộ quy tắc \"{}\" phiên bản {} không có trong bản này; hãy tải lại trang",
                        n.builtin, n.version
                    ))
                }),
        }
    }
}

impl RuleSet {
    pub fn meeting_rules(&self) -> MeetingRules {
        MeetingRules {
            name: self.name.clone(),
            version: self.version,
            attendance: self.attendance.clone(),
            votes: self.votes.clone(),
        }
    }
}

impl RuleSet {
    /// The defaults of docs/rules.md, with the Phú Thọ sheet.
    pub fn national_default() -> RuleSet {
        RuleSet {
            name: "Bộ quy tắc mặc định (theo quy định của Trung ương)".into(),
            version: 1,
            source: docs::ours(
                "Giá trị mặc định theo Điều lệ Đảng, Quy định 24-QĐ/TW, Hướng dẫn 12-HD/BTCTW, Quy định 366-QĐ/TW, phiếu chấm điểm của Tỉnh ủy Phú Thọ và quy định dự sinh hoạt chi bộ của Thành ủy Từ Sơn; giá trị nào chưa tìm thấy văn bản là mặc định của phần mềm, ghi “chưa xác nhận”. Cấp ủy có thể thay bằng bộ quy tắc của mình.",
            ),
            effective_from: NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid date"),
            attendance: AttendanceRules {
                quality: Rule::new(
                    Threshold::more_than(85, 100),
                    docs::hd12(
                        "Tiêu chí chất lượng: tỷ lệ đảng viên dự sinh hoạt trên 85%, không có đảng viên vắng mặt không có lý do.",
                    ),
                ),
                max_absent_without_reason: Rule::new(
                    0,
                    docs::hd12("Không có đảng viên vắng mặt không có lý do."),
                ),
                quorum_warning: Rule::new(
                    Threshold::more_than(85, 100),
                    Source::unconfirmed(
                        "Mặc định của phần mềm Chi Bộ Số",
                        "",
                        "Không tìm thấy quy định túc số cho buổi sinh hoạt thường kỳ; cảnh báo khi tỷ lệ dự họp từ 85% trở xuống.",
                    ),
                ),
                min_full_members: Rule::new(
                    3,
                    docs::charter("Chi bộ có ít nhất 3 đảng viên chính thức."),
                ),
            },
            votes: VoteRules {
                resolution: Rule::new(
                    VoteRule {
                        threshold: Threshold::more_than(1, 2),
                        secret_ballot: false,
                    },
                    docs::qd24(
                        "Nghị quyết được thông qua khi quá một nửa số đảng viên chính thức (trừ đảng viên miễn sinh hoạt vắng mặt và đảng viên sinh hoạt tạm thời nơi khác) tán thành.",
                    ),
                ),
                admission_proposal: Rule::new(
                    VoteRule {
                        threshold: Threshold::at_least(2, 3),
                        secret_ballot: false,
                    },
                    docs::charter(
                        "Điều 4: chi bộ xét, đề nghị kết nạp khi có ít nhất 2/3 số đảng viên chính thức tán thành; mẫu số theo Quy định 24-QĐ/TW.",
                    ),
                ),
                expulsion: Rule::new(
                    VoteRule {
                        threshold: Threshold::at_least(2, 3),
                        secret_ballot: true,
                    },
                    docs::charter(
                        "Khai trừ: ít nhất 2/3 số đảng viên chính thức tán thành, bỏ phiếu kín; mẫu số theo Quy định 24-QĐ/TW.",
                    ),
                ),
                discipline: Rule::new(
                    VoteRule {
                        threshold: Threshold::more_than(1, 2),
                        secret_ballot: false,
                    },
                    docs::charter(
                        "Khiển trách, cảnh cáo, cách chức: quá một nửa số đảng viên chính thức tán thành.",
                    ),
                ),
            },
            schedule: ScheduleRules {
                regular_per_month: Rule::new(
                    1,
                    docs::hd12("Chi bộ sinh hoạt thường kỳ mỗi tháng một lần."),
                ),
                thematic_per_quarter: Rule::new(
                    1,
                    docs::hd12(
                        "Sinh hoạt chuyên đề ít nhất mỗi quý một lần; không thay cho sinh hoạt thường kỳ của tháng.",
                    ),
                ),
                min_minutes: Rule::new(
                    MinMinutes {
                        regular: 90,
                        thematic: 90,
                        combined: 120,
                    },
                    docs::hd12(
                        "Ít nhất 90 phút; 120 phút khi sinh hoạt thường kỳ kết hợp chuyên đề.",
                    ),
                ),
                registration_lead_days: Rule::new(
                    3,
                    docs::ours(
                        "Đăng ký lịch sinh hoạt lên phần mềm ít nhất 3 ngày trước ngày họp (HD 42 năm 2025 yêu cầu tài liệu có trước ít nhất 1 ngày; chưa tìm thấy hạn đăng ký chung).",
                    ),
                ),
                absence_months_per_year: Rule::new(
                    3,
                    docs::charter(
                        "Điều 8: bỏ sinh hoạt đảng 3 tháng trong năm không có lý do chính đáng thì chi bộ xem xét, đề nghị xóa tên.",
                    ),
                ),
                reminder_day: super::schedule::default_reminder_day(),
                document_lead_days: super::schedule::default_document_lead_days(),
            },
            meeting_sheet: ScoreSheet::phu_tho(),
            yearly_meetings: YearlyRollup {
                bands: vec![
                    RollupBand {
                        band: Band::Good,
                        every_regular_at_least: Some(Band::Fair),
                        at_least: 7,
                        of_band: Band::Good,
                        source: docs::phu_tho(
                            "Cả năm Tốt: mọi buổi thường kỳ đạt Khá trở lên và ít nhất 7 buổi Tốt.",
                        ),
                    },
                    RollupBand {
                        band: Band::Fair,
                        every_regular_at_least: Some(Band::Average),
                        at_least: 7,
                        of_band: Band::Fair,
                        source: docs::ours(
                            "Cả năm Khá: mọi buổi thường kỳ đạt Trung bình trở lên và ít nhất 7 buổi Khá trở lên.",
                        ),
                    },
                    RollupBand {
                        band: Band::Average,
                        every_regular_at_least: None,
                        at_least: 7,
                        of_band: Band::Average,
                        source: docs::ours(
                            "Cả năm Trung bình: ít nhất 7 buổi thường kỳ đạt Trung bình trở lên; còn lại là Kém.",
                        ),
                    },
                ],
            },
            member_rating: Rule::new(
                RatingRule::qd366(),
                docs::qd366(
                    "Xếp loại đảng viên: xuất sắc từ 90 điểm, 100% nhiệm vụ đúng hạn, ít nhất 30% vượt mức; tốt 70–89 điểm, 100% đúng hạn; hoàn thành 50–69 điểm, không quá 20% chậm; không hoàn thành dưới 50 điểm hoặc có một trong các trường hợp bắt buộc.",
                ),
            ),
            organization_rating: Rule::new(
                RatingRule::qd366(),
                docs::qd366(
                    "Xếp loại tổ chức đảng: cùng khung điểm và điều kiện như xếp loại đảng viên.",
                ),
            ),
            excellent_quota: Rule::new(
                Quota {
                    share: Threshold::at_most(20, 100),
                    base: QuotaBase::GoodOrBetter,
                },
                Source::unconfirmed(
                    "Hướng dẫn 21-HD/BTCTW (kế thừa sang Quy định 366-QĐ/TW)",
                    "2019",
                    "Số xếp loại “Hoàn thành xuất sắc nhiệm vụ” không quá 20% số được xếp loại “Hoàn thành tốt nhiệm vụ” (người xuất sắc được chọn trong số đó), tính theo từng tổ chức cơ sở đảng; làm tròn xuống.",
                ),
            ),
            visits: VisitRules {
                cadence: Rule::new(
                    Cadence {
                        visits: 1,
                        months: 3,
                    },
                    docs::tu_son(
                        "Mỗi cấp ủy viên dự sinh hoạt chi bộ được phân công mỗi quý một lần.",
                    ),
                ),
                report_within_days: Rule::new(
                    5,
                    docs::tu_son(
                        "Báo cáo kết quả dự sinh hoạt, phản ánh các vấn đề trong thời gian 05 ngày.",
                    ),
                ),
                fairness: Rule::new(
                    Fairness {
                        window_months: 6,
                        repeated_visits: 2,
                    },
                    docs::ours(
                        "Cảnh báo khi có chi bộ không được dự sinh hoạt trong 6 tháng qua trong khi chi bộ khác được dự từ 2 lần trở lên (bài viết về Thành ủy Từ Sơn nêu tình trạng chỉ chọn chi bộ điển hình để dự sinh hoạt).",
                    ),
                ),
            },
            member_form: default_member_form(),
            inspections: default_inspections(),
            cell_classification: default_cell_classification(),
        }
    }

    /// The national defaults with Bình Thuận's sheet (full marks required for Tốt).
    pub fn binh_thuan() -> RuleSet {
        RuleSet {
            name: "Bộ quy tắc mặc định, phiếu chấm Bình Thuận".into(),
            meeting_sheet: ScoreSheet::binh_thuan(),
            ..RuleSet::national_default()
        }
    }

    /// Reads a rule set a province publishes as JSON, and checks its score sheet.
    pub fn from_json(json: &str) -> Result<RuleSet, RuleSetError> {
        let set: RuleSet =
            serde_json::from_str(json).map_err(|e| RuleSetError::Json(e.to_string()))?;
        set.check()?;
        Ok(set)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a rule set always serializes")
    }

    /// Checks what JSON alone cannot: the sheet adds up, bands are ordered, no zero denominators.
    pub fn check(&self) -> Result<(), RuleSetError> {
        self.meeting_sheet
            .check()
            .map_err(|e| RuleSetError::Sheet(e.to_string()))?;
        let thresholds = [
            self.attendance.quality.value,
            self.attendance.quorum_warning.value,
            self.votes.resolution.value.threshold,
            self.votes.admission_proposal.value.threshold,
            self.votes.expulsion.value.threshold,
            self.votes.discipline.value.threshold,
            self.excellent_quota.value.share,
            self.member_form.value.poor_below,
        ];
        if thresholds
            .iter()
            .copied()
            .chain(self.cell_classification.value.thresholds())
            .any(|t| t.den == 0)
        {
            return Err(RuleSetError::ZeroDenominator);
        }
        if self.visits.cadence.value.months == 0 || 12 % self.visits.cadence.value.months != 0 {
            return Err(RuleSetError::Cadence);
        }
        if !(1..=31).contains(&self.schedule.reminder_day.value) {
            return Err(RuleSetError::ReminderDay);
        }
        let form = &self.member_form.value;
        let mut keys: Vec<&str> = form.criteria.iter().map(|c| c.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        if form.total() != super::scoring::Points::whole(100)
            || keys.len() != form.criteria.len()
            || form
                .criteria
                .iter()
                .any(|c| c.key.is_empty() || c.max == super::scoring::Points::ZERO)
        {
            return Err(RuleSetError::MemberForm);
        }
        Ok(())
    }
}

/// Why a rule set is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleSetError {
    #[error("Bộ quy tắc không đọc được: {0}")]
    Json(String),
    #[error("Phiếu chấm điểm không hợp lệ: {0}")]
    Sheet(String),
    #[error("Một tỷ lệ trong bộ quy tắc có mẫu số bằng 0.")]
    ZeroDenominator,
    #[error("Chu kỳ dự sinh hoạt phải là 1, 2, 3, 4, 6 hoặc 12 tháng.")]
    Cadence,
    #[error("Ngày đôn đốc đăng ký lịch phải từ 1 đến 31.")]
    ReminderDay,
    #[error(
        "Phiếu tự đánh giá đảng viên phải có tổng 100 điểm, mỗi tiêu chí một mã riêng và có điểm."
    )]
    MemberForm,
}

impl crate::i18n::Message for RuleSetError {
    fn english(&self) -> (&'static str, String) {
        use RuleSetError::*;
        match self {
            Json(detail) => ("json", format!("The rule set cannot be read: {detail}")),
            Sheet(detail) => ("sheet", format!("The score sheet is not valid: {detail}")),
            ZeroDenominator => ("zero_denominator", "A ratio in the rule set has a denominator of 0.".into()),
            Cadence => ("cadence", "The visiting cycle must be 1, 2, 3, 4, 6 or 12 months.".into()),
            ReminderDay => ("reminder_day", "The day to remind cells to register must be from 1 to 31.".into()),
            MemberForm => ("member_form", "The members' self-assessment form must total 100 points, each criterion with its own code and points.".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn meeting_rules_keep_what_a_meeting_applies_and_are_small() {
        for set in [RuleSet::national_default(), RuleSet::binh_thuan()] {
            let m = set.meeting_rules();
            assert_eq!((&m.name, m.version), (&set.name, set.version));
            assert_eq!((&m.attendance, &m.votes), (&set.attendance, &set.votes));
            // Every participant receives them on joining: a fraction of the whole set.
            let part = serde_json::to_string(&m).unwrap().len();
            let whole = serde_json::to_string(&set).unwrap().len();
            assert!(part * 3 < whole, "{part} of {whole} bytes");
        }
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Holder {
        #[serde(with = "rules_by_name")]
        rules: MeetingRules,
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn builtin_rules_travel_by_name_others_whole() {
        let national = Holder {
            rules: RuleSet::national_default().meeting_rules(),
        };
        let json = serde_json::to_string(&national).unwrap();
        assert!(json.len() < 120, "{json}");
        assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), national);

        let mut own = RuleSet::national_default().meeting_rules();
        own.name = "Quy định riêng của Đảng ủy xã".into();
        let own = Holder { rules: own };
        let json = serde_json::to_string(&own).unwrap();
        assert!(json.contains("attendance"));
        assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), own);

        // Another version of a built-in set is not mistaken for this build's.
        let stale = serde_json::json!({"rules": {"builtin": national.rules.name, "version": national.rules.version + 1}});
        let err = serde_json::from_value::<Holder>(stale)
            .unwrap_err()
            .to_string();
        assert!(err.contains("tải lại trang"), "{err}");
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn thresholds_are_exact() {
        // (threshold, part, whole, met, source)
        let cases = [
            (
                Threshold::more_than(1, 2),
                5,
                10,
                false,
                "quá một nửa: đúng một nửa không đạt",
            ),
            (Threshold::more_than(1, 2), 6, 10, true, "quá một nửa"),
            (
                Threshold::at_least(2, 3),
                6,
                9,
                true,
                "ít nhất 2/3: đúng 2/3 đạt",
            ),
            (Threshold::at_least(2, 3), 6, 10, false, "6/10 < 2/3"),
            (
                Threshold::more_than(85, 100),
                17,
                20,
                false,
                "trên 85%: đúng 85% không đạt",
            ),
            (Threshold::more_than(85, 100), 35, 41, true, "85,4%"),
            (Threshold::at_most(20, 100), 2, 12, true, "không quá 20%"),
            (Threshold::at_most(20, 100), 3, 12, false, "25%"),
        ];
        for (t, part, whole, met, source) in cases {
            assert_eq!(t.met(part, whole), met, "{part}/{whole} {t} [{source}]");
        }
        assert_eq!(Threshold::more_than(1, 2).bound(10), 6);
        assert_eq!(Threshold::more_than(1, 2).bound(11), 6);
        assert_eq!(Threshold::at_least(2, 3).bound(10), 7);
        assert_eq!(Threshold::at_least(2, 3).bound(9), 6);
        assert_eq!(Threshold::at_most(20, 100).bound(12), 2);
        assert_eq!(Threshold::more_than(1, 2).label_vi(), "quá một nửa");
        assert_eq!(Threshold::more_than(85, 100).label_vi(), "trên 85%");
        assert_eq!(Threshold::at_least(2, 3).label_vi(), "ít nhất 2/3");
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn a_rule_set_round_trips_through_json() {
        for set in [RuleSet::national_default(), RuleSet::binh_thuan()] {
            let json = set.to_json();
            assert_eq!(RuleSet::from_json(&json), Ok(set.clone()));
            assert!(json.contains("\"effective_from\": \"2025-01-01\""));
        }
        // A province changes a value without a new build.
        let mut v: serde_json::Value = serde_json::from_str(&RuleSet::default().to_json()).unwrap();
        v["visits"]["cadence"]["value"] = serde_json::json!({"visits": 2, "months": 12});
        v["name"] = "Tỉnh ủy Kon Tum".into();
        let set = RuleSet::from_json(&v.to_string()).unwrap();
        assert_eq!(set.visits.cadence.value.visits, 2);
        // Broken input is refused in Vietnamese.
        let err = RuleSet::from_json("{}").unwrap_err();
        assert!(err.to_string().starts_with("Bộ quy tắc không đọc được"));
        v["visits"]["cadence"]["value"]["months"] = 5.into();
        assert_eq!(
            RuleSet::from_json(&v.to_string()),
            Err(RuleSetError::Cadence)
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn every_rule_names_its_source() {
        let set = RuleSet::national_default();
        let v: serde_json::Value = serde_json::from_str(&set.to_json()).unwrap();
        let mut sources = Vec::new();
        collect_sources(&v, &mut sources);
        assert!(sources.len() >= 20, "{}", sources.len());
        for s in &sources {
            assert!(!s["document"].as_str().unwrap().is_empty(), "{s}");
        }
        // docs/rules.md#unconfirmed-defaults marks these unconfirmed.
        assert!(set.attendance.quorum_warning.source.unconfirmed);
        assert!(set.excellent_quota.source.unconfirmed);
        assert!(!set.votes.resolution.source.unconfirmed);
        assert_eq!(
            set.attendance.quality.source.to_string(),
            "Hướng dẫn 12-HD/BTCTW (cập nhật bởi Chỉ thị 50-CT/TW, Hướng dẫn 42-HD/BTCTW năm 2025), ngày 18/01/2018"
        );
    }

    fn collect_sources<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(s) = m.get("source") {
                    out.push(s);
                }
                m.values().for_each(|x| collect_sources(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| collect_sources(x, out)),
            _ => {}
        }
    }
}
