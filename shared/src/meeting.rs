//! Registering a cell meeting (đăng ký lịch sinh hoạt): its kind, time, place or
//! video link, chair and secretary, and the agenda built from the standard order
//! (Hướng dẫn 12-HD/BTCTW, 2018; Hướng dẫn 42-HD/BTCTW, 2025).

use crate::error::{FieldError, FieldErrors};
use crate::ids::{MeetingId, MemberId, OrgId};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Thường kỳ (monthly), chuyên đề (thematic, at least quarterly), or both held together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// Sinh hoạt thường kỳ.
    Regular,
    /// Sinh hoạt chuyên đề.
    Thematic,
    /// Thường kỳ kết hợp chuyên đề (at least 120 minutes).
    Combined,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 3] = [
        MeetingKind::Regular,
        MeetingKind::Thematic,
        MeetingKind::Combined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MeetingKind::Regular => "regular",
            MeetingKind::Thematic => "thematic",
            MeetingKind::Combined => "combined",
        }
    }

    pub fn parse(s: &str) -> Option<MeetingKind> {
        MeetingKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            MeetingKind::Regular => "Sinh hoạt thường kỳ",
            MeetingKind::Thematic => "Sinh hoạt chuyên đề",
            MeetingKind::Combined => "Thường kỳ kết hợp chuyên đề",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            MeetingKind::Regular => "Regular meeting",
            MeetingKind::Thematic => "Thematic meeting",
            MeetingKind::Combined => "Regular and thematic",
        }
    }
}

/// Where members meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingMode {
    InPerson,
    Online,
    /// Some in the room, some online.
    Hybrid,
}

impl MeetingMode {
    pub const ALL: [MeetingMode; 3] = [
        MeetingMode::InPerson,
        MeetingMode::Online,
        MeetingMode::Hybrid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MeetingMode::InPerson => "in_person",
            MeetingMode::Online => "online",
            MeetingMode::Hybrid => "hybrid",
        }
    }

    pub fn parse(s: &str) -> Option<MeetingMode> {
        MeetingMode::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            MeetingMode::InPerson => "Trực tiếp",
            MeetingMode::Online => "Trực tuyến",
            MeetingMode::Hybrid => "Trực tiếp và trực tuyến",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            MeetingMode::InPerson => "In person",
            MeetingMode::Online => "Online",
            MeetingMode::Hybrid => "In person and online",
        }
    }

    fn needs_place(self) -> bool {
        self != MeetingMode::Online
    }

    fn needs_link(self) -> bool {
        self != MeetingMode::InPerson
    }
}

/// One item of the agenda (chương trình sinh hoạt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgendaItem {
    pub title: String,
    /// Who presents it (free text: a name or a role such as "Bí thư chi bộ").
    #[serde(default)]
    pub presenter: String,
    pub planned_minutes: u16,
    /// Attached text or links (documents are sent at least a day before, HD 42).
    #[serde(default)]
    pub notes: String,
    /// The member of the cell who prepares it (người chuẩn bị) and may attach
    /// its documents (`crate::files`). Absent in records made before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preparer_id: Option<MemberId>,
}

/// What the secretary fills in to register a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeetingDraft {
    pub kind: MeetingKind,
    /// The theme of a thematic meeting; for a regular one, e.g. "Sinh hoạt tháng 12/2026".
    pub title: String,
    /// Local time in Vietnam.
    pub starts_at: NaiveDateTime,
    pub mode: MeetingMode,
    #[serde(default)]
    pub place: String,
    /// A video-call room (e.g. a self-hosted Jitsi), shown as a join button.
    #[serde(default)]
    pub video_link: String,
    pub chair_id: Option<MemberId>,
    pub secretary_id: Option<MemberId>,
    pub agenda: Vec<AgendaItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    /// Registered, not yet opened.
    Scheduled,
    /// Being held.
    Live,
    /// Closed: the record is frozen.
    Closed,
}

impl MeetingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingStatus::Scheduled => "scheduled",
            MeetingStatus::Live => "live",
            MeetingStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<MeetingStatus> {
        [
            MeetingStatus::Scheduled,
            MeetingStatus::Live,
            MeetingStatus::Closed,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            MeetingStatus::Scheduled => "Đã đăng ký",
            MeetingStatus::Live => "Đang họp",
            MeetingStatus::Closed => "Đã bế mạc",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            MeetingStatus::Scheduled => "Scheduled",
            MeetingStatus::Live => "In progress",
            MeetingStatus::Closed => "Closed",
        }
    }
}

/// The title a new registration starts with: the month for a regular (or
/// combined) meeting, e.g. "Sinh hoạt chi bộ tháng 12/2026"; nothing for a
/// thematic one, whose title is its theme.
pub fn default_title(kind: MeetingKind, day: NaiveDate) -> String {
    match kind {
        MeetingKind::Thematic => String::new(),
        MeetingKind::Regular | MeetingKind::Combined => {
            format!("Sinh hoạt chi bộ tháng {}/{}", day.month(), day.year())
        }
    }
}

/// A registered meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Meeting {
    pub id: MeetingId,
    pub cell_id: OrgId,
    /// When it was registered (local time): the upper level checks registration was on time.
    pub registered_at: NaiveDateTime,
    pub status: MeetingStatus,
    #[serde(flatten)]
    pub draft: MeetingDraft,
    /// Cancelled before it opened, with the reason (`crate::calendar`).
    #[serde(default)]
    pub cancelled: Option<crate::calendar::Cancellation>,
    /// Moved to another day, from which first date and why.
    #[serde(default)]
    pub rescheduled: Option<crate::calendar::Rescheduling>,
    /// Documents uploaded later than a day before (HD 42, `crate::files::is_late`):
    /// given by the meeting's own answer, absent from lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_documents: Option<u32>,
}

impl Meeting {
    pub fn planned_minutes(&self) -> u32 {
        self.draft.planned_minutes()
    }
}

/// Why a meeting's registration is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MeetingError {
    #[error("Tiêu đề không được để trống (tối đa {MAX_TITLE_CHARS} ký tự).")]
    BadTitle,
    #[error("Địa điểm quá dài (tối đa {MAX_PLACE_CHARS} ký tự).")]
    PlaceTooLong,
    #[error("Đường dẫn quá dài (tối đa {MAX_LINK_CHARS} ký tự).")]
    LinkTooLong,
    #[error(
        "Nội dung số {0}: tên, người trình bày hoặc ghi chú quá dài (tên tối đa {MAX_ITEM_TITLE_CHARS}, người trình bày {MAX_PRESENTER_CHARS}, ghi chú {MAX_NOTES_CHARS} ký tự)."
    )]
    AgendaItemTooLong(usize),
    #[error("Thời gian sinh hoạt đã qua.")]
    StartsInPast,
    #[error("Cần ghi địa điểm sinh hoạt.")]
    PlaceMissing,
    #[error("Cần đường dẫn phòng họp trực tuyến (bắt đầu bằng https://).")]
    LinkMissing,
    #[error("Đường dẫn phòng họp phải bắt đầu bằng https:// hoặc http://.")]
    LinkInvalid,
    #[error("Người chủ trì phải là đảng viên của chi bộ.")]
    ChairNotInCell,
    #[error("Thư ký phải là đảng viên của chi bộ.")]
    SecretaryNotInCell,
    #[error("Chương trình cần có từ 1 đến {max} nội dung.")]
    AgendaSize { max: usize },
    #[error("Nội dung số {0} chưa có tên.")]
    AgendaItemUntitled(usize),
    #[error("Nội dung số {0}: thời lượng phải từ 1 đến 240 phút.")]
    AgendaItemMinutes(usize),
    #[error("Nội dung số {0}: người chuẩn bị phải là đảng viên của chi bộ.")]
    PreparerNotInCell(usize),
}

impl crate::i18n::Message for MeetingError {
    fn english(&self) -> (&'static str, String) {
        use MeetingError::*;
        match self {
            BadTitle => (
                "bad_title",
                format!("The title must not be empty (at most {MAX_TITLE_CHARS} characters)."),
            ),
            PlaceTooLong => (
                "place_too_long",
                format!("The place is too long (at most {MAX_PLACE_CHARS} characters)."),
            ),
            LinkTooLong => (
                "link_too_long",
                format!("The link is too long (at most {MAX_LINK_CHARS} characters)."),
            ),
            AgendaItemTooLong(n) => (
                "agenda_item_too_long",
                format!(
                    "Item {n}: the title, presenter or notes are too long (title at most {MAX_ITEM_TITLE_CHARS}, presenter {MAX_PRESENTER_CHARS}, notes {MAX_NOTES_CHARS} characters)."
                ),
            ),
            StartsInPast => (
                "starts_in_past",
                "The time of the meeting has passed.".into(),
            ),
            PlaceMissing => ("place_missing", "Give the place of the meeting.".into()),
            LinkMissing => (
                "link_missing",
                "Give the link of the online meeting room (starting with https://).".into(),
            ),
            LinkInvalid => (
                "link_invalid",
                "The meeting room's link must start with https:// or http://.".into(),
            ),
            ChairNotInCell => (
                "chair_not_in_cell",
                "The chair must be a member of the cell.".into(),
            ),
            SecretaryNotInCell => (
                "secretary_not_in_cell",
                "The meeting secretary must be a member of the cell.".into(),
            ),
            AgendaSize { max } => (
                "agenda_size",
                format!("The agenda needs from 1 to {max} items."),
            ),
            AgendaItemUntitled(n) => ("agenda_item_untitled", format!("Item {n} has no title.")),
            AgendaItemMinutes(n) => (
                "agenda_item_minutes",
                format!("Item {n}: the duration must be from 1 to 240 minutes."),
            ),
            PreparerNotInCell(n) => (
                "preparer_not_in_cell",
                format!("Item {n}: the preparer must be a member of the cell."),
            ),
        }
    }
}

impl MeetingError {
    pub fn field(&self) -> &'static str {
        use MeetingError::*;
        match self {
            BadTitle => "title",
            StartsInPast => "starts_at",
            PlaceMissing | PlaceTooLong => "place",
            LinkMissing | LinkInvalid | LinkTooLong => "video_link",
            ChairNotInCell => "chair_id",
            SecretaryNotInCell => "secretary_id",
            AgendaSize { .. }
            | AgendaItemUntitled(_)
            | AgendaItemMinutes(_)
            | AgendaItemTooLong(_)
            | PreparerNotInCell(_) => "agenda",
        }
    }
}

pub const MAX_AGENDA_ITEMS: usize = 40;
/// Text limits of a registration, in characters (docs/live-protocol.md).
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_PLACE_CHARS: usize = 300;
pub const MAX_LINK_CHARS: usize = 500;
pub const MAX_ITEM_TITLE_CHARS: usize = 300;
pub const MAX_PRESENTER_CHARS: usize = 200;
/// An agenda item's notes (documents are linked, not pasted whole).
pub const MAX_NOTES_CHARS: usize = 4000;

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

impl MeetingDraft {
    pub fn planned_minutes(&self) -> u32 {
        self.agenda
            .iter()
            .map(|i| u32::from(i.planned_minutes))
            .sum()
    }

    /// Every reason the draft is refused. `now` is local time; `on_roll` is the
    /// cell's members on the roll, who alone may chair or keep the minutes.
    pub fn problems(&self, now: NaiveDateTime, on_roll: &[MemberId]) -> Vec<MeetingError> {
        let mut errs = Vec::new();
        let title = self.title.trim();
        if title.is_empty() || too_long(title, MAX_TITLE_CHARS) {
            errs.push(MeetingError::BadTitle);
        }
        if too_long(&self.place, MAX_PLACE_CHARS) {
            errs.push(MeetingError::PlaceTooLong);
        }
        if too_long(&self.video_link, MAX_LINK_CHARS) {
            errs.push(MeetingError::LinkTooLong);
        }
        if self.starts_at < now {
            errs.push(MeetingError::StartsInPast);
        }
        if self.mode.needs_place() && self.place.trim().is_empty() {
            errs.push(MeetingError::PlaceMissing);
        }
        let link = self.video_link.trim();
        let is_web = link.starts_with("https://") || link.starts_with("http://");
        if self.mode.needs_link() && link.is_empty() {
            errs.push(MeetingError::LinkMissing);
        } else if !link.is_empty() && !is_web {
            errs.push(MeetingError::LinkInvalid);
        }
        if self.chair_id.is_some_and(|c| !on_roll.contains(&c)) {
            errs.push(MeetingError::ChairNotInCell);
        }
        if self.secretary_id.is_some_and(|s| !on_roll.contains(&s)) {
            errs.push(MeetingError::SecretaryNotInCell);
        }
        if self.agenda.is_empty() || self.agenda.len() > MAX_AGENDA_ITEMS {
            errs.push(MeetingError::AgendaSize {
                max: MAX_AGENDA_ITEMS,
            });
        }
        for (i, item) in self.agenda.iter().enumerate() {
            if item.title.trim().is_empty() {
                errs.push(MeetingError::AgendaItemUntitled(i + 1));
            }
            if !(1..=240).contains(&item.planned_minutes) {
                errs.push(MeetingError::AgendaItemMinutes(i + 1));
            }
            if too_long(&item.title, MAX_ITEM_TITLE_CHARS)
                || too_long(&item.presenter, MAX_PRESENTER_CHARS)
                || too_long(&item.notes, MAX_NOTES_CHARS)
            {
                errs.push(MeetingError::AgendaItemTooLong(i + 1));
            }
            if item.preparer_id.is_some_and(|p| !on_roll.contains(&p)) {
                errs.push(MeetingError::PreparerNotInCell(i + 1));
            }
        }
        errs
    }

    /// The draft with control characters removed and one-line fields trimmed
    /// (`crate::text`): what is stored is what the documents can print.
    pub fn clean(&mut self) {
        use crate::text::{clean, clean_trimmed};
        self.title = clean_trimmed(&self.title);
        self.place = clean_trimmed(&self.place);
        self.video_link = clean_trimmed(&self.video_link);
        for item in &mut self.agenda {
            item.title = clean_trimmed(&item.title);
            item.presenter = clean_trimmed(&item.presenter);
            item.notes = clean(&item.notes);
        }
    }

    pub fn validate(&self, now: NaiveDateTime, on_roll: &[MemberId]) -> Result<(), FieldErrors> {
        let errs = self.problems(now, on_roll);
        if errs.is_empty() {
            Ok(())
        } else {
            Err(FieldErrors(
                errs.iter().map(|e| FieldError::of(e.field(), e)).collect(),
            ))
        }
    }
}

/// The regular meeting's item where the upper levels' directives are read
/// (`crate::guidance` fills its notes with the month's guidance).
pub const NEWS_ITEM_TITLE: &str =
    "Thông tin thời sự, văn bản chỉ đạo của cấp trên; tình hình tư tưởng đảng viên";

fn item(title: &str, presenter: &str, minutes: u16) -> AgendaItem {
    AgendaItem {
        title: title.to_string(),
        presenter: presenter.to_string(),
        planned_minutes: minutes,
        notes: String::new(),
        preparer_id: None,
    }
}

/// The standard order of a meeting of this kind (HD 12-HD/BTCTW, 2018, as
/// updated by HD 42-HD/BTCTW, 2025), with planned minutes that add up to the
/// minimum length: 90 minutes, 120 for a combined meeting.
pub fn standard_agenda(kind: MeetingKind) -> Vec<AgendaItem> {
    let opening = item(
        "Khai mạc: tình hình đảng viên (chính thức, dự bị, miễn sinh hoạt, có mặt, vắng có lý do, vắng không lý do); thông qua chương trình; cử thư ký; thu đảng phí",
        "Bí thư chi bộ",
        10,
    );
    let regular = [
        item(NEWS_ITEM_TITLE, "Bí thư chi bộ", 15),
        item(
            "Đánh giá kết quả thực hiện nhiệm vụ trong tháng và nghị quyết kỳ trước",
            "Bí thư chi bộ",
            15,
        ),
        item(
            "Phương hướng, nhiệm vụ tháng tới; đảng viên thảo luận",
            "Chi ủy",
            20,
        ),
        item(
            "Biểu dương, phê bình; công tác phát triển đảng viên",
            "Chi ủy",
            10,
        ),
        item(
            "Ý kiến của đồng chí cấp ủy viên cấp trên dự sinh hoạt",
            "Cấp ủy viên cấp trên",
            5,
        ),
    ];
    let thematic = [
        item(
            "Chủ trì nêu mục đích, yêu cầu của chuyên đề",
            "Bí thư chi bộ",
            5,
        ),
        item(
            "Trình bày chuyên đề (đã được chi ủy thông qua và gửi trước cho đảng viên)",
            "Đảng viên được phân công",
            25,
        ),
        item("Đảng viên thảo luận chuyên đề", "Đảng viên", 35),
    ];
    let closing = [
        item("Chủ trì kết luận", "Bí thư chi bộ", 5),
        item("Biểu quyết thông qua nghị quyết", "Bí thư chi bộ", 5),
        item(
            "Thư ký đọc lại biên bản; chi bộ thông qua biên bản",
            "Thư ký",
            5,
        ),
    ];
    let mut agenda = vec![opening];
    match kind {
        MeetingKind::Regular => agenda.extend(regular),
        MeetingKind::Thematic => agenda.extend(thematic),
        MeetingKind::Combined => {
            agenda.extend(regular);
            agenda.extend(thematic.into_iter().map(|mut i| {
                i.planned_minutes = i.planned_minutes * 3 / 5;
                i
            }));
        }
    }
    match kind {
        MeetingKind::Thematic => {
            // A thematic meeting concludes but, unlike the regular one, need not vote a resolution.
            agenda.push(closing[0].clone());
            agenda.push(item(
                "Thư ký đọc lại biên bản; chi bộ thông qua biên bản",
                "Thư ký",
                10,
            ));
            agenda[0].planned_minutes = 10;
        }
        _ => agenda.extend(closing),
    }
    agenda
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn draft() -> MeetingDraft {
        MeetingDraft {
            kind: MeetingKind::Regular,
            title: "Sinh hoạt tháng 12/2026".into(),
            starts_at: at(2026, 12, 5, 8),
            mode: MeetingMode::Hybrid,
            place: "Phòng họp tầng 2".into(),
            video_link: "https://meet.example.vn/chibo-a".into(),
            chair_id: Some(MemberId(1)),
            secretary_id: Some(MemberId(2)),
            agenda: standard_agenda(MeetingKind::Regular),
        }
    }

    #[test]
    fn standard_agendas_reach_the_minimum_length() {
        // HD 12: at least 90 minutes; 120 when regular and thematic are combined.
        let minutes = |k| {
            standard_agenda(k)
                .iter()
                .map(|i| u32::from(i.planned_minutes))
                .sum::<u32>()
        };
        assert_eq!(minutes(MeetingKind::Regular), 90);
        assert_eq!(minutes(MeetingKind::Thematic), 90);
        assert!(
            minutes(MeetingKind::Combined) >= 120,
            "{}",
            minutes(MeetingKind::Combined)
        );
        assert!(
            standard_agenda(MeetingKind::Regular)
                .iter()
                .any(|i| i.title.contains("Biểu quyết"))
        );
        assert!(
            standard_agenda(MeetingKind::Regular)
                .iter()
                .any(|i| i.presenter == "Cấp ủy viên cấp trên")
        );
    }

    #[test]
    fn a_complete_registration_is_valid() {
        assert_eq!(
            draft().problems(at(2026, 11, 22, 9), &[MemberId(1), MemberId(2)]),
            vec![]
        );
    }

    #[test]
    fn each_refusal_names_its_field() {
        let now = at(2026, 11, 22, 9);
        let roll = [MemberId(1)];
        let cases = [
            (
                MeetingDraft {
                    title: " ".into(),
                    ..draft()
                },
                MeetingError::BadTitle,
            ),
            (
                MeetingDraft {
                    starts_at: at(2026, 11, 1, 8),
                    ..draft()
                },
                MeetingError::StartsInPast,
            ),
            (
                MeetingDraft {
                    place: String::new(),
                    ..draft()
                },
                MeetingError::PlaceMissing,
            ),
            (
                MeetingDraft {
                    video_link: String::new(),
                    ..draft()
                },
                MeetingError::LinkMissing,
            ),
            (
                MeetingDraft {
                    video_link: "meet.vn/a".into(),
                    ..draft()
                },
                MeetingError::LinkInvalid,
            ),
            (draft(), MeetingError::SecretaryNotInCell),
            (
                MeetingDraft {
                    agenda: vec![],
                    ..draft()
                },
                MeetingError::AgendaSize {
                    max: MAX_AGENDA_ITEMS,
                },
            ),
        ];
        for (d, want) in cases {
            let got = d.problems(now, &roll);
            assert!(got.contains(&want), "{want:?} not in {got:?}");
            assert!(
                d.validate(now, &roll)
                    .unwrap_err()
                    .message_for(want.field())
                    .is_some()
            );
        }
        let mut d = draft();
        d.agenda[2].planned_minutes = 0;
        d.agenda[3].title.clear();
        let got = d.problems(now, &[MemberId(1), MemberId(2)]);
        assert_eq!(
            got,
            vec![
                MeetingError::AgendaItemMinutes(3),
                MeetingError::AgendaItemUntitled(4)
            ]
        );
        let in_person = MeetingDraft {
            mode: MeetingMode::InPerson,
            video_link: String::new(),
            ..draft()
        };
        assert_eq!(in_person.problems(now, &[MemberId(1), MemberId(2)]), vec![]);
    }

    #[test]
    fn the_default_title_names_the_month_unless_thematic() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(
            default_title(MeetingKind::Regular, day),
            "Sinh hoạt chi bộ tháng 12/2026"
        );
        assert_eq!(
            default_title(MeetingKind::Combined, day),
            "Sinh hoạt chi bộ tháng 12/2026"
        );
        assert_eq!(default_title(MeetingKind::Thematic, day), "");
        let march = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        assert_eq!(
            default_title(MeetingKind::Regular, march),
            "Sinh hoạt chi bộ tháng 3/2027"
        );
    }

    #[test]
    fn a_meeting_reads_back_from_json() {
        let m = Meeting {
            id: MeetingId(7),
            cell_id: OrgId(3),
            registered_at: at(2026, 11, 20, 10),
            status: MeetingStatus::Scheduled,
            draft: draft(),
            cancelled: None,
            rescheduled: None,
            late_documents: Some(2),
        };
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Meeting>(&json).unwrap(), m);
        let mut with_preparer = draft();
        with_preparer.agenda[1].preparer_id = Some(MemberId(2));
        with_preparer.agenda[1].title = "Báo cáo tình hình tư tưởng đảng viên".into();
        let json = serde_json::to_string(&with_preparer).unwrap();
        assert_eq!(
            serde_json::from_str::<MeetingDraft>(&json).unwrap(),
            with_preparer
        );
    }

    #[test]
    fn an_item_stored_before_preparers_still_reads() {
        let old =
            r#"{"title":"Khai mạc","presenter":"Bí thư chi bộ","planned_minutes":10,"notes":""}"#;
        let item: AgendaItem = serde_json::from_str(old).unwrap();
        assert_eq!(item.preparer_id, None);
        // And writes the same bytes back, so stored events hash alike.
        assert_eq!(serde_json::to_string(&item).unwrap(), old);
    }

    #[test]
    fn the_preparer_is_on_the_roll() {
        let now = at(2026, 11, 22, 9);
        let mut d = draft();
        d.agenda[2].preparer_id = Some(MemberId(9));
        assert!(
            d.problems(now, &[MemberId(1), MemberId(2)])
                .contains(&MeetingError::PreparerNotInCell(3))
        );
        d.agenda[2].preparer_id = Some(MemberId(2));
        assert_eq!(d.problems(now, &[MemberId(1), MemberId(2)]), vec![]);
    }
}
