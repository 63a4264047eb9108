//! Recommendations (kiến nghị) to a cell, the cell's answers, and their place on its next agenda.

use super::*;

/// Where a recommendation stands (the cell's answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecommendationStatus {
    /// Not answered yet.
    Open,
    /// Accepted (đã tiếp thu), not yet done.
    Accepted,
    /// Done (đã thực hiện).
    Done,
}

impl RecommendationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RecommendationStatus::Open => "open",
            RecommendationStatus::Accepted => "accepted",
            RecommendationStatus::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<RecommendationStatus> {
        use RecommendationStatus::*;
        [Open, Accepted, Done].into_iter().find(|k| k.as_str() == s)
    }

    /// Pending: not done. Pending ones come back on the cell's next agenda.
    pub fn is_pending(self) -> bool {
        self != RecommendationStatus::Done
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            RecommendationStatus::Open => "Chưa trả lời",
            RecommendationStatus::Accepted => "Đã tiếp thu",
            RecommendationStatus::Done => "Đã thực hiện",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            RecommendationStatus::Open => "Not answered",
            RecommendationStatus::Accepted => "Accepted",
            RecommendationStatus::Done => "Done",
        }
    }
}

/// A recommendation to a cell, with the cell's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Recommendation {
    pub id: RecommendationId,
    pub visit_id: VisitId,
    pub cell_id: OrgId,
    /// Its place in the report, from 0.
    pub seq: u32,
    pub text: String,
    pub status: RecommendationStatus,
    /// The cell's note.
    pub answer: String,
    pub answered_by: Option<String>,
    /// Local time in Vietnam.
    pub answered_at: Option<NaiveDateTime>,
    /// The visit's date and visitor, to tell where it comes from.
    pub visit_date: NaiveDate,
    pub visitor_name: String,
}

/// A cell's recommendations, for its managers and those who follow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RecommendationList {
    pub recommendations: Vec<Recommendation>,
    /// Whether the reader answers them (`may_answer`).
    pub may_answer: bool,
}

/// The cell's answer to a recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecommendationAnswer {
    /// `accepted` or `done`.
    pub status: RecommendationStatus,
    #[serde(default)]
    pub note: String,
}

/// Why an answer is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AnswerError {
    #[error("Chọn “Đã tiếp thu” hoặc “Đã thực hiện”.")]
    StatusOpen,
    #[error("Ghi chú quá dài (tối đa {MAX_ANSWER_CHARS} ký tự).")]
    NoteTooLong,
}

impl crate::i18n::Message for AnswerError {
    fn english(&self) -> (&'static str, String) {
        match self {
            AnswerError::StatusOpen => ("status_open", "Choose “Taken on board” or “Done”.".into()),
            AnswerError::NoteTooLong => (
                "note_too_long",
                format!("The note is too long (at most {MAX_ANSWER_CHARS} characters)."),
            ),
        }
    }
}

impl AnswerError {
    pub fn field(&self) -> &'static str {
        match self {
            AnswerError::StatusOpen => "status",
            AnswerError::NoteTooLong => "note",
        }
    }
}

impl RecommendationAnswer {
    /// The answer with its note cleaned, or every reason it is refused.
    pub fn check(&self) -> Result<RecommendationAnswer, FieldErrors> {
        let note = crate::text::clean(&self.note).trim().to_string();
        let mut errs = Vec::new();
        if self.status == RecommendationStatus::Open {
            errs.push(AnswerError::StatusOpen);
        }
        if note.chars().count() > MAX_ANSWER_CHARS {
            errs.push(AnswerError::NoteTooLong);
        }
        if errs.is_empty() {
            Ok(RecommendationAnswer {
                status: self.status,
                note,
            })
        } else {
            Err(errors(
                &errs.iter().map(|e| (e.field(), e)).collect::<Vec<_>>(),
            ))
        }
    }
}

/// The heading of the open recommendations on the review item.
pub const AGENDA_HEADING: &str = "Kiến nghị của cấp ủy cấp trên chưa thực hiện xong:";

/// Adds the cell's pending recommendations to the review item of a new
/// meeting's agenda (`followup::REVIEW_ITEM_TITLES`), after what is there
/// (last month's tasks, the secretary's notes), once. Cut to the notes'
/// limit. Returns whether it added anything.
pub fn prefill_recommendations(agenda: &mut [AgendaItem], pending: &[Recommendation]) -> bool {
    let pending: Vec<&Recommendation> = pending.iter().filter(|r| r.status.is_pending()).collect();
    if pending.is_empty() {
        return false;
    }
    let item = crate::followup::REVIEW_ITEM_TITLES
        .iter()
        .find_map(|t| agenda.iter().position(|i| i.title == *t));
    let Some(item) = item.and_then(|i| agenda.get_mut(i)) else {
        return false;
    };
    if item.notes.contains(AGENDA_HEADING) {
        return false;
    }
    let mut notes = item.notes.trim_end().to_string();
    if !notes.is_empty() {
        notes.push_str("\n\n");
    }
    notes.push_str(AGENDA_HEADING);
    for (i, r) in pending.iter().enumerate() {
        let answer = if r.answer.is_empty() {
            String::new()
        } else {
            format!(". {}", r.answer)
        };
        notes.push_str(&format!(
            "\n{}. {} (đồng chí {}, dự ngày {}) — {}{answer}",
            i + 1,
            r.text,
            r.visitor_name,
            date_vi(r.visit_date),
            r.status.label_vi()
        ));
    }
    item.notes = notes.chars().take(MAX_NOTES_CHARS).collect();
    true
}
