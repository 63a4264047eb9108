//! The 100-point self-assessment form (phiếu tự đánh giá) of a party member's
//! yearly rating: its criteria and their points, as rule data a committee may
//! replace. The default follows the criteria groups of Quy định 366-QĐ/TW and
//! Hướng dẫn 43-HD/BTCTW; the split of the 100 points between them is our
//! unconfirmed default (docs/rules.md#the-self-assessment-form).

use super::ruleset::Threshold;
use super::scoring::Points;
use serde::{Deserialize, Serialize};

/// One criterion of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema), schema(as = FormCriterion))]
pub struct Criterion {
    /// Stable key stored with each answer (`politics`, `ethics`, …).
    pub key: String,
    pub label_vi: String,
    pub label_en: String,
    pub max: Points,
    /// An answer is required before the form is submitted.
    pub required: bool,
}

/// The form: criteria adding up to 100 points, and what counts as "rated poor".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AssessmentForm {
    pub criteria: Vec<Criterion>,
    /// A criterion whose score does not reach this share of its points is
    /// rated poor (kém), which forces "Không hoàn thành nhiệm vụ".
    pub poor_below: Threshold,
}

impl AssessmentForm {
    /// Six criteria on 100 points (unconfirmed split); poor under half a criterion's points.
    pub fn qd366() -> AssessmentForm {
        let c = |key: &str, vi: &str, en: &str, max: u32| Criterion {
            key: key.into(),
            label_vi: vi.into(),
            label_en: en.into(),
            max: Points::whole(max),
            required: true,
        };
        AssessmentForm {
            criteria: vec![
                c("politics", "Tư tưởng chính trị", "Political ideology", 15),
                c(
                    "ethics",
                    "Phẩm chất đạo đức, lối sống",
                    "Ethics and lifestyle",
                    15,
                ),
                c(
                    "discipline",
                    "Ý thức tổ chức kỷ luật",
                    "Sense of organization and discipline",
                    10,
                ),
                c(
                    "work_style",
                    "Tác phong, lề lối làm việc",
                    "Working style",
                    10,
                ),
                c(
                    "duties",
                    "Kết quả thực hiện chức trách, nhiệm vụ được giao",
                    "Results of the duties assigned",
                    40,
                ),
                c(
                    "commitments",
                    "Thực hiện cam kết tu dưỡng, rèn luyện, nêu gương hằng năm",
                    "The year's example-setting pledges kept",
                    10,
                ),
            ],
            poor_below: Threshold::at_least(1, 2),
        }
    }

    /// Whether `score` out of `max` is rated poor.
    pub fn is_poor(&self, score: Points, max: Points) -> bool {
        !self.poor_below.met(score.as_tenths(), max.as_tenths())
    }

    /// The sum of the criteria's points (100 for a valid form).
    pub fn total(&self) -> Points {
        self.criteria
            .iter()
            .fold(Points::ZERO, |acc, c| acc.saturating_add(c.max))
    }
}

impl Default for AssessmentForm {
    fn default() -> AssessmentForm {
        AssessmentForm::qd366()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_form_adds_up_to_100_with_unique_keys() {
        let f = AssessmentForm::qd366();
        assert_eq!(f.total(), Points::whole(100));
        let mut keys: Vec<&str> = f.criteria.iter().map(|c| c.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), f.criteria.len());
    }

    #[test]
    fn under_half_a_criterions_points_is_poor_and_half_is_not() {
        let f = AssessmentForm::qd366();
        assert!(f.is_poor(Points::tenths(74), Points::whole(15)));
        assert!(!f.is_poor(Points::tenths(75), Points::whole(15)));
    }
}
