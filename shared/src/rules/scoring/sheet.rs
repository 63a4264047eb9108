//! The score sheet as data: criteria in groups, the measures the record
//! decides, the bands' floors; the standard sheet and its checks.

use super::*;

/// How the meeting record decides a criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "measure", rename_all = "snake_case")]
pub enum Measure {
    /// Present / expected meets the threshold (HD 12: above 85%).
    AttendanceRate { threshold: Threshold },
    /// Nobody absent without reason (HD 12).
    NoAbsenceWithoutReason,
    /// At least the rule set's minimum length for the meeting's kind (HD 12).
    MinimumLength,
    /// Share of attendees who spoke meets the threshold (HD 12: "nhiều đảng viên phát biểu").
    SpeakersShare { threshold: Threshold },
    /// A draft resolution was prepared (HD 12).
    DraftResolution,
    /// The resolution was put to the vote and passed.
    ResolutionVoted,
    /// The minutes are complete (HD 12: "ghi biên bản đầy đủ").
    MinutesComplete,
    /// Held on the date registered.
    HeldOnRegisteredDate,
    /// Registered (đăng ký lịch) by the rule set's deadline before the meeting.
    RegisteredOnTime,
    /// Documents posted at least a day ahead (HD 42): some posted, none late.
    DocumentsAhead,
    /// The agenda reviewed last month's resolution and tasks (kiểm điểm việc tháng trước).
    LastMonthTasksReviewed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Criterion {
    /// Stable key, e.g. "2.1".
    pub key: String,
    pub title: String,
    pub max: Points,
    /// Decided by the record, not typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<Measure>,
    /// Without full marks here the meeting cannot be rated this band (or better).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_marks_for: Option<Band>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CriterionGroup {
    pub key: String,
    pub title: String,
    pub max: Points,
    pub criteria: Vec<Criterion>,
}

/// The lowest total for a band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BandFloor {
    pub band: Band,
    pub min: Points,
}

/// Phiếu chấm điểm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ScoreSheet {
    pub name: String,
    pub source: Source,
    pub groups: Vec<CriterionGroup>,
    /// Best first; a total below every floor is Kém.
    pub bands: Vec<BandFloor>,
}

/// Why a sheet definition is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SheetDefinitionError {
    #[error("Nhóm “{group}”: tổng điểm các tiêu chí ({sum}) khác điểm tối đa của nhóm ({max}).")]
    GroupSum {
        group: String,
        sum: Points,
        max: Points,
    },
    #[error("Mã tiêu chí “{0}” bị trùng.")]
    DuplicateKey(String),
    #[error("Các mức xếp loại phải theo thứ tự từ Tốt đến Kém, điểm sàn giảm dần.")]
    BandsOrder,
}

impl crate::i18n::Message for SheetDefinitionError {
    fn english(&self) -> (&'static str, String) {
        use SheetDefinitionError::*;
        match self {
            GroupSum { group, sum, max } => (
                "group_sum",
                format!(
                    "Group “{group}”: the criteria's points ({sum}) differ from the group's maximum ({max})."
                ),
            ),
            DuplicateKey(key) => (
                "duplicate_key",
                format!("The criterion code “{key}” is used twice."),
            ),
            BandsOrder => (
                "bands_order",
                "The bands must go from Good to Poor, with falling lower bounds.".into(),
            ),
        }
    }
}

fn c(key: &str, title: &str, max: u32, computed: Option<Measure>) -> Criterion {
    Criterion {
        key: key.into(),
        title: title.into(),
        max: Points::whole(max),
        computed,
        full_marks_for: None,
    }
}

fn group(key: &str, title: &str, max: u32, criteria: Vec<Criterion>) -> CriterionGroup {
    CriterionGroup {
        key: key.into(),
        title: title.into(),
        max: Points::whole(max),
        criteria,
    }
}

impl ScoreSheet {
    /// Phú Thọ's 100-point sheet: preparation 15, attendance 20, running the meeting
    /// 45, closing 20; Tốt ≥ 90, Khá 70–89, Trung bình 50–69, Kém < 50
    /// (docs/rules.md#meeting-scoring-sheets).
    /// The split of each group into criteria follows HD 12's quality criteria and is ours.
    pub fn phu_tho() -> ScoreSheet {
        let attendance = Measure::AttendanceRate {
            threshold: Threshold::more_than(85, 100),
        };
        let speakers = Measure::SpeakersShare {
            threshold: Threshold::at_least(1, 2),
        };
        ScoreSheet {
            name: "Phiếu chấm điểm 100 điểm (theo Phú Thọ)".into(),
            source: docs::phu_tho(
                "Nhóm 15/20/45/20 điểm; Tốt từ 90, Khá 70–89, Trung bình 50–69, Kém dưới 50. Cách chia tiêu chí trong nhóm theo Hướng dẫn 12-HD/BTCTW là của phần mềm.",
            ),
            groups: vec![
                group(
                    "1",
                    "Chuẩn bị sinh hoạt",
                    15,
                    vec![
                        c(
                            "1.1",
                            "Đăng ký lịch sinh hoạt đúng hạn",
                            3,
                            Some(Measure::RegisteredOnTime),
                        ),
                        c(
                            "1.2",
                            "Chi ủy họp chuẩn bị, bí thư trực tiếp chuẩn bị nội dung",
                            5,
                            None,
                        ),
                        c(
                            "1.3",
                            "Có dự thảo nghị quyết",
                            3,
                            Some(Measure::DraftResolution),
                        ),
                        c(
                            "1.4",
                            "Sinh hoạt đúng ngày đã đăng ký",
                            2,
                            Some(Measure::HeldOnRegisteredDate),
                        ),
                        c(
                            "1.5",
                            "Tài liệu gửi đảng viên trước ít nhất một ngày",
                            2,
                            Some(Measure::DocumentsAhead),
                        ),
                    ],
                ),
                group(
                    "2",
                    "Đảng viên dự sinh hoạt",
                    20,
                    vec![
                        c(
                            "2.1",
                            "Tỷ lệ đảng viên dự sinh hoạt trên 85%",
                            10,
                            Some(attendance),
                        ),
                        c(
                            "2.2",
                            "Không có đảng viên vắng mặt không có lý do",
                            10,
                            Some(Measure::NoAbsenceWithoutReason),
                        ),
                    ],
                ),
                group(
                    "3",
                    "Tiến hành sinh hoạt",
                    45,
                    vec![
                        c(
                            "3.1",
                            "Thực hiện đúng trình tự, nội dung sinh hoạt",
                            10,
                            None,
                        ),
                        c(
                            "3.2",
                            "Bảo đảm thời gian (ít nhất 90 phút; 120 phút khi kết hợp chuyên đề)",
                            5,
                            Some(Measure::MinimumLength),
                        ),
                        c(
                            "3.3",
                            "Ít nhất một nửa số đảng viên dự họp phát biểu ý kiến",
                            10,
                            Some(speakers),
                        ),
                        c(
                            "3.4",
                            "Giữ nguyên tắc tập trung dân chủ, tự phê bình và phê bình",
                            10,
                            None,
                        ),
                        c(
                            "3.5",
                            "Kiểm điểm việc thực hiện nghị quyết tháng trước",
                            10,
                            Some(Measure::LastMonthTasksReviewed),
                        ),
                    ],
                ),
                group(
                    "4",
                    "Kết thúc sinh hoạt",
                    20,
                    vec![
                        c(
                            "4.1",
                            "Chủ trì kết luận, phân công rõ người, rõ việc",
                            5,
                            None,
                        ),
                        c(
                            "4.2",
                            "Biểu quyết thông qua nghị quyết",
                            5,
                            Some(Measure::ResolutionVoted),
                        ),
                        c(
                            "4.3",
                            "Biên bản ghi đầy đủ, thông qua trước chi bộ",
                            5,
                            Some(Measure::MinutesComplete),
                        ),
                        c(
                            "4.4",
                            "Đánh giá, chấm điểm buổi sinh hoạt đúng quy trình",
                            5,
                            None,
                        ),
                    ],
                ),
            ],
            bands: vec![
                BandFloor {
                    band: Band::Good,
                    min: Points::whole(90),
                },
                BandFloor {
                    band: Band::Fair,
                    min: Points::whole(70),
                },
                BandFloor {
                    band: Band::Average,
                    min: Points::whole(50),
                },
            ],
        }
    }

    /// Bình Thuận: the same 100 points, but Tốt needs full marks for attendance,
    /// length, members speaking and minutes; otherwise 90 or more is Khá
    /// (docs/rules.md#meeting-scoring-sheets).
    pub fn binh_thuan() -> ScoreSheet {
        let mut sheet = ScoreSheet::phu_tho();
        sheet.name = "Phiếu chấm điểm 100 điểm (theo Bình Thuận)".into();
        sheet.source = docs::binh_thuan(
            "Xếp loại Tốt phải đạt điểm tối đa ở các tiêu chí dự họp, thời gian, đảng viên phát biểu, biên bản; nếu không, từ 90 điểm chỉ xếp Khá. Khung điểm như phiếu Phú Thọ.",
        );
        for g in &mut sheet.groups {
            for c in &mut g.criteria {
                if matches!(c.key.as_str(), "2.1" | "2.2" | "3.2" | "3.3" | "4.3") {
                    c.full_marks_for = Some(Band::Good);
                }
            }
        }
        sheet
    }

    pub fn criteria(&self) -> impl Iterator<Item = &Criterion> {
        self.groups.iter().flat_map(|g| g.criteria.iter())
    }

    pub fn max_total(&self) -> Points {
        self.groups
            .iter()
            .fold(Points::ZERO, |acc, g| acc.saturating_add(g.max))
    }

    /// The band of a total by the floors alone.
    pub fn band_of(&self, total: Points) -> Band {
        self.bands
            .iter()
            .find(|b| total >= b.min)
            .map_or(Band::Poor, |b| b.band)
    }

    /// Checks the sheet adds up and its bands are ordered.
    pub fn check(&self) -> Result<(), SheetDefinitionError> {
        let mut keys = BTreeSet::new();
        for g in &self.groups {
            let sum = g
                .criteria
                .iter()
                .fold(Points::ZERO, |acc, c| acc.saturating_add(c.max));
            if sum != g.max {
                return Err(SheetDefinitionError::GroupSum {
                    group: g.title.clone(),
                    sum,
                    max: g.max,
                });
            }
            for c in &g.criteria {
                if !keys.insert(c.key.as_str()) {
                    return Err(SheetDefinitionError::DuplicateKey(c.key.clone()));
                }
            }
        }
        let ordered = self
            .bands
            .windows(2)
            .all(|w| w[0].band < w[1].band && w[0].min > w[1].min);
        if !ordered {
            return Err(SheetDefinitionError::BandsOrder);
        }
        Ok(())
    }
}
