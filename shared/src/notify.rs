//! Notifications (thông báo): what a member is told, in Vietnamese and
//! English, and the rules of when and how often.
//!
//! - `Notice`: one enum, one variant per kind, carrying what its texts need.
//!   A new kind (a document posted, an absence request decided…) is a
//!   variant here, its `NoticeKind`, and its texts in `title`/`body`: the
//!   server stores and sends it and the app shows it without other changes.
//! - `NoticeKind`: the kind alone, what a member chooses email for.
//! - The rules: which meeting reminder is due (`reminder_due`), which task
//!   deadline notice is due (`task_deadline_notice`), how long to wait before
//!   trying an email again (`retry_delay_ms`).
//!
//! In-app notifications are always on; email and push (`crate::push`) are
//! per kind, by the member's choice (`NoticePreferences`).

use crate::error::{FieldError, FieldErrors};
use crate::guidance::GuidanceId;
use crate::ids::{MeetingId, OrgId};
use crate::visits::VisitId;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

/// Notifications per page when the request does not say.
pub const DEFAULT_PAGE: u32 = 20;
/// The most notifications one page returns.
pub const MAX_PAGE: u32 = 100;
/// The longest email address accepted (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// An email is tried this many times, then given up (the in-app one stays).
pub const MAX_DELIVERY_ATTEMPTS: u32 = 10;
/// The first pause after a failed email; doubled after each further failure.
pub const RETRY_BASE_MS: u64 = 60_000;
/// The longest pause between two tries of an email (6 hours).
pub const MAX_RETRY_DELAY_MS: u64 = 6 * 3600 * 1000;
/// A task due within this many days is reminded of once ("sắp đến hạn").
pub const TASK_DUE_SOON_DAYS: i64 = 2;

/// The language a notice is written in.
pub use crate::i18n::Lang;

/// The kinds of notifications, each of which a member may want by email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A meeting of the cell was registered (đăng ký lịch sinh hoạt).
    MeetingRegistered,
    /// A registered meeting's time, place or agenda changed.
    MeetingChanged,
    /// The meeting starts within a day (nhắc trước 24 giờ).
    MeetingReminderDay,
    /// The meeting starts within an hour (nhắc trước 1 giờ).
    MeetingReminderHour,
    /// The meeting was opened: "đang họp", with the link to join.
    MeetingOpened,
    /// The meeting was cancelled before it opened (hủy buổi sinh hoạt), with the reason.
    MeetingCancelled,
    /// The committee above reminds a cell that has not registered the month's
    /// regular meeting (đôn đốc đăng ký lịch sinh hoạt).
    RegistrationReminder,
    /// The secretary accepted or refused my absence request (xin vắng).
    AbsenceDecided,
    /// A document was posted for a meeting (tài liệu sinh hoạt).
    DocumentPosted,
    /// A committee above posted its guidance for a month (định hướng sinh hoạt).
    GuidancePosted,
    /// A closed meeting assigned the member a task (việc được giao).
    TaskAssigned,
    /// The member's task is due within `TASK_DUE_SOON_DAYS` days.
    TaskDueSoon,
    /// The member's task is past its due date and not done (quá hạn).
    TaskOverdue,
    /// The upper level confirmed a meeting's score (xác nhận kết quả chấm điểm).
    ScoreConfirmed,
    /// My visit report is due within 2 days (báo cáo dự sinh hoạt sắp đến hạn).
    VisitReportDueSoon,
    /// A visit report is overdue: to the visitor and the committees above the cell.
    VisitReportOverdue,
    /// A visit report brought recommendations to the cell (kiến nghị của cấp trên).
    RecommendationsReceived,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 17] = [
        NoticeKind::MeetingRegistered,
        NoticeKind::MeetingChanged,
        NoticeKind::MeetingReminderDay,
        NoticeKind::MeetingReminderHour,
        NoticeKind::MeetingOpened,
        NoticeKind::MeetingCancelled,
        NoticeKind::RegistrationReminder,
        NoticeKind::AbsenceDecided,
        NoticeKind::DocumentPosted,
        NoticeKind::GuidancePosted,
        NoticeKind::TaskAssigned,
        NoticeKind::TaskDueSoon,
        NoticeKind::TaskOverdue,
        NoticeKind::ScoreConfirmed,
        NoticeKind::VisitReportDueSoon,
        NoticeKind::VisitReportOverdue,
        NoticeKind::RecommendationsReceived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::MeetingRegistered => "meeting_registered",
            NoticeKind::MeetingChanged => "meeting_changed",
            NoticeKind::MeetingReminderDay => "meeting_reminder_day",
            NoticeKind::MeetingReminderHour => "meeting_reminder_hour",
            NoticeKind::MeetingOpened => "meeting_opened",
            NoticeKind::MeetingCancelled => "meeting_cancelled",
            NoticeKind::RegistrationReminder => "registration_reminder",
            NoticeKind::AbsenceDecided => "absence_decided",
            NoticeKind::DocumentPosted => "document_posted",
            NoticeKind::GuidancePosted => "guidance_posted",
            NoticeKind::TaskAssigned => "task_assigned",
            NoticeKind::TaskDueSoon => "task_due_soon",
            NoticeKind::TaskOverdue => "task_overdue",
            NoticeKind::ScoreConfirmed => "score_confirmed",
            NoticeKind::VisitReportDueSoon => "visit_report_due_soon",
            NoticeKind::VisitReportOverdue => "visit_report_overdue",
            NoticeKind::RecommendationsReceived => "recommendations_received",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind's name on the preferences screen.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (NoticeKind::MeetingRegistered, Lang::Vi) => "Đăng ký buổi sinh hoạt mới",
            (NoticeKind::MeetingRegistered, Lang::En) => "A meeting is registered",
            (NoticeKind::MeetingChanged, Lang::Vi) => "Thay đổi buổi sinh hoạt",
            (NoticeKind::MeetingChanged, Lang::En) => "A meeting is changed",
            (NoticeKind::MeetingReminderDay, Lang::Vi) => "Nhắc trước 24 giờ",
            (NoticeKind::MeetingReminderDay, Lang::En) => "Reminder 24 hours before",
            (NoticeKind::MeetingReminderHour, Lang::Vi) => "Nhắc trước 1 giờ",
            (NoticeKind::MeetingReminderHour, Lang::En) => "Reminder 1 hour before",
            (NoticeKind::MeetingOpened, Lang::Vi) => "Buổi sinh hoạt bắt đầu (đang họp)",
            (NoticeKind::MeetingOpened, Lang::En) => "A meeting has opened",
            (NoticeKind::MeetingCancelled, Lang::Vi) => "Hủy buổi sinh hoạt",
            (NoticeKind::MeetingCancelled, Lang::En) => "A meeting is cancelled",
            (NoticeKind::RegistrationReminder, Lang::Vi) => "Cấp trên nhắc đăng ký lịch sinh hoạt",
            (NoticeKind::RegistrationReminder, Lang::En) => {
                "Reminder to register the month's meeting"
            }
            (NoticeKind::AbsenceDecided, Lang::Vi) => "Đơn xin vắng được duyệt",
            (NoticeKind::AbsenceDecided, Lang::En) => "My absence request is decided",
            (NoticeKind::DocumentPosted, Lang::Vi) => "Tài liệu sinh hoạt mới",
            (NoticeKind::DocumentPosted, Lang::En) => "A meeting document is posted",
            (NoticeKind::GuidancePosted, Lang::Vi) => "Định hướng sinh hoạt của cấp trên",
            (NoticeKind::GuidancePosted, Lang::En) => "Guidance from the committee above",
            (NoticeKind::TaskAssigned, Lang::Vi) => "Được giao việc",
            (NoticeKind::TaskAssigned, Lang::En) => "A task is assigned to me",
            (NoticeKind::TaskDueSoon, Lang::Vi) => "Việc sắp đến hạn (còn 2 ngày)",
            (NoticeKind::TaskDueSoon, Lang::En) => "A task is due in 2 days",
            (NoticeKind::TaskOverdue, Lang::Vi) => "Việc quá hạn",
            (NoticeKind::TaskOverdue, Lang::En) => "A task is overdue",
            (NoticeKind::ScoreConfirmed, Lang::Vi) => "Cấp trên xác nhận điểm buổi sinh hoạt",
            (NoticeKind::ScoreConfirmed, Lang::En) => "A meeting's score is confirmed",
            (NoticeKind::VisitReportDueSoon, Lang::Vi) => "Báo cáo dự sinh hoạt sắp đến hạn",
            (NoticeKind::VisitReportDueSoon, Lang::En) => "A visit report is due soon",
            (NoticeKind::VisitReportOverdue, Lang::Vi) => "Báo cáo dự sinh hoạt quá hạn",
            (NoticeKind::VisitReportOverdue, Lang::En) => "A visit report is overdue",
            (NoticeKind::RecommendationsReceived, Lang::Vi) => "Kiến nghị của cấp trên gửi chi bộ",
            (NoticeKind::RecommendationsReceived, Lang::En) => "Proposals from the upper level",
        }
    }
}

/// The meeting a notice is about, as it was when the notice was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MeetingRef {
    pub id: MeetingId,
    /// The cell's name (tên chi bộ).
    pub cell: String,
    pub title: String,
    /// Local time in Vietnam.
    pub starts_at: NaiveDateTime,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub video_link: String,
}

/// The task a notice is about: the `index`-th task of a closed meeting.
/// A committee's reminder to a cell that has not registered a month's meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RegistrationRef {
    pub cell_id: OrgId,
    pub cell: String,
    /// The committee that reminds (its organization's name).
    pub committee: String,
    pub year: i32,
    pub month: u32,
}

/// A committee's guidance post a notice is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GuidanceRef {
    pub id: GuidanceId,
    /// The committee's name (e.g. "Đảng bộ Cục Quản lý thị trường").
    pub committee: String,
    pub title: String,
    pub year: i32,
    pub month: u32,
}

/// An upper-level visit a notice is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VisitRef {
    pub id: VisitId,
    pub cell_id: OrgId,
    pub cell: String,
    pub visitor: String,
    pub date: NaiveDate,
    /// The report's due date.
    pub due: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TaskRef {
    pub meeting: MeetingId,
    pub index: u32,
    pub meeting_title: String,
    pub what: String,
    pub due: Option<NaiveDate>,
}

/// One notification's content; its texts come from here, in either language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    MeetingRegistered {
        meeting: MeetingRef,
    },
    MeetingChanged {
        meeting: MeetingRef,
    },
    MeetingReminderDay {
        meeting: MeetingRef,
    },
    MeetingReminderHour {
        meeting: MeetingRef,
    },
    MeetingOpened {
        meeting: MeetingRef,
    },
    MeetingCancelled {
        meeting: MeetingRef,
        reason: String,
    },
    RegistrationReminder {
        reminder: RegistrationRef,
    },
    AbsenceDecided {
        meeting: MeetingRef,
        accepted: bool,
        #[serde(default)]
        note: String,
    },
    DocumentPosted {
        meeting: MeetingRef,
        /// The agenda item's title.
        item: String,
        file_name: String,
    },
    GuidancePosted {
        guidance: GuidanceRef,
    },
    TaskAssigned {
        task: TaskRef,
    },
    TaskDueSoon {
        task: TaskRef,
    },
    TaskOverdue {
        task: TaskRef,
    },
    ScoreConfirmed {
        meeting: MeetingRef,
        total: crate::rules::scoring::Points,
        band: crate::rules::scoring::Band,
        /// Whether the upper level changed the cell's points.
        #[serde(default)]
        changed: bool,
    },
    VisitReportDueSoon {
        visit: VisitRef,
    },
    VisitReportOverdue {
        visit: VisitRef,
    },
    RecommendationsReceived {
        visit: VisitRef,
        count: u32,
    },
}

fn at(t: NaiveDateTime, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{} ngày {}", t.format("%H:%M"), t.format("%d/%m/%Y")),
        Lang::En => format!("{} on {}", t.format("%H:%M"), t.format("%d/%m/%Y")),
    }
}

fn day(d: Option<NaiveDate>, lang: Lang) -> String {
    match (d, lang) {
        (Some(d), _) => d.format("%d/%m/%Y").to_string(),
        (None, Lang::Vi) => "không có hạn".into(),
        (None, Lang::En) => "no due date".into(),
    }
}

fn where_(m: &MeetingRef, lang: Lang) -> String {
    let mut parts = Vec::new();
    if !m.place.is_empty() {
        parts.push(match lang {
            Lang::Vi => format!("Địa điểm: {}.", m.place),
            Lang::En => format!("Place: {}.", m.place),
        });
    }
    if !m.video_link.is_empty() {
        parts.push(match lang {
            Lang::Vi => format!("Họp trực tuyến: {}", m.video_link),
            Lang::En => format!("Video call: {}", m.video_link),
        });
    }
    parts.join(" ")
}

impl Notice {
    pub fn kind(&self) -> NoticeKind {
        match self {
            Notice::MeetingRegistered { .. } => NoticeKind::MeetingRegistered,
            Notice::MeetingChanged { .. } => NoticeKind::MeetingChanged,
            Notice::MeetingReminderDay { .. } => NoticeKind::MeetingReminderDay,
            Notice::MeetingReminderHour { .. } => NoticeKind::MeetingReminderHour,
            Notice::MeetingOpened { .. } => NoticeKind::MeetingOpened,
            Notice::MeetingCancelled { .. } => NoticeKind::MeetingCancelled,
            Notice::RegistrationReminder { .. } => NoticeKind::RegistrationReminder,
            Notice::AbsenceDecided { .. } => NoticeKind::AbsenceDecided,
            Notice::DocumentPosted { .. } => NoticeKind::DocumentPosted,
            Notice::GuidancePosted { .. } => NoticeKind::GuidancePosted,
            Notice::TaskAssigned { .. } => NoticeKind::TaskAssigned,
            Notice::TaskDueSoon { .. } => NoticeKind::TaskDueSoon,
            Notice::TaskOverdue { .. } => NoticeKind::TaskOverdue,
            Notice::ScoreConfirmed { .. } => NoticeKind::ScoreConfirmed,
            Notice::VisitReportDueSoon { .. } => NoticeKind::VisitReportDueSoon,
            Notice::VisitReportOverdue { .. } => NoticeKind::VisitReportOverdue,
            Notice::RecommendationsReceived { .. } => NoticeKind::RecommendationsReceived,
        }
    }

    /// One line: the list's heading and the email's subject.
    pub fn title(&self, lang: Lang) -> String {
        use Lang::{En, Vi};
        match (self, lang) {
            (Notice::MeetingRegistered { meeting: m }, Vi) => {
                format!("{}: đăng ký buổi sinh hoạt “{}”", m.cell, m.title)
            }
            (Notice::MeetingRegistered { meeting: m }, En) => {
                format!("{}: meeting “{}” registered", m.cell, m.title)
            }
            (Notice::MeetingChanged { meeting: m }, Vi) => {
                format!("{}: thay đổi buổi sinh hoạt “{}”", m.cell, m.title)
            }
            (Notice::MeetingChanged { meeting: m }, En) => {
                format!("{}: meeting “{}” changed", m.cell, m.title)
            }
            (Notice::MeetingReminderDay { meeting: m }, Vi) => {
                format!("Nhắc lịch: “{}” lúc {}", m.title, at(m.starts_at, Vi))
            }
            (Notice::MeetingReminderDay { meeting: m }, En) => {
                format!("Reminder: “{}” at {}", m.title, at(m.starts_at, En))
            }
            (Notice::MeetingReminderHour { meeting: m }, Vi) => {
                format!("Sắp họp: “{}” lúc {}", m.title, m.starts_at.format("%H:%M"))
            }
            (Notice::MeetingReminderHour { meeting: m }, En) => {
                format!(
                    "Starting soon: “{}” at {}",
                    m.title,
                    m.starts_at.format("%H:%M")
                )
            }
            (Notice::MeetingOpened { meeting: m }, Vi) => format!("Đang họp: “{}”", m.title),
            (Notice::MeetingOpened { meeting: m }, En) => format!("Meeting open: “{}”", m.title),
            (Notice::MeetingCancelled { meeting: m, .. }, Vi) => {
                format!("{}: hủy buổi sinh hoạt “{}”", m.cell, m.title)
            }
            (Notice::MeetingCancelled { meeting: m, .. }, En) => {
                format!("{}: meeting “{}” cancelled", m.cell, m.title)
            }
            (Notice::RegistrationReminder { reminder: r }, Vi) => format!(
                "{} nhắc: đăng ký lịch sinh hoạt tháng {}/{}",
                r.committee, r.month, r.year
            ),
            (Notice::RegistrationReminder { reminder: r }, En) => format!(
                "{}: please register the meeting of {}/{}",
                r.committee, r.month, r.year
            ),
            (
                Notice::AbsenceDecided {
                    meeting: m,
                    accepted,
                    ..
                },
                Vi,
            ) => format!(
                "Đơn xin vắng buổi “{}”: {}",
                m.title,
                if *accepted {
                    "được chấp thuận"
                } else {
                    "không được chấp thuận"
                }
            ),
            (
                Notice::AbsenceDecided {
                    meeting: m,
                    accepted,
                    ..
                },
                En,
            ) => format!(
                "Absence from “{}”: {}",
                m.title,
                if *accepted { "accepted" } else { "refused" }
            ),
            (
                Notice::DocumentPosted {
                    meeting: m,
                    file_name,
                    ..
                },
                Vi,
            ) => {
                format!("Tài liệu mới cho buổi “{}”: {}", m.title, file_name)
            }
            (
                Notice::DocumentPosted {
                    meeting: m,
                    file_name,
                    ..
                },
                En,
            ) => {
                format!("New document for “{}”: {}", m.title, file_name)
            }
            (Notice::GuidancePosted { guidance: g }, Vi) => format!(
                "{}: định hướng sinh hoạt tháng {}/{}",
                g.committee, g.month, g.year
            ),
            (Notice::GuidancePosted { guidance: g }, En) => format!(
                "{}: guidance for the meetings of {}/{}",
                g.committee, g.month, g.year
            ),
            (Notice::TaskAssigned { task: t }, Vi) => format!("Việc được giao: {}", t.what),
            (Notice::TaskAssigned { task: t }, En) => format!("Task assigned: {}", t.what),
            (Notice::TaskDueSoon { task: t }, Vi) => {
                format!("Sắp đến hạn ({}): {}", day(t.due, Vi), t.what)
            }
            (Notice::TaskDueSoon { task: t }, En) => {
                format!("Due {}: {}", day(t.due, En), t.what)
            }
            (Notice::TaskOverdue { task: t }, Vi) => format!("Quá hạn: {}", t.what),
            (Notice::TaskOverdue { task: t }, En) => format!("Overdue: {}", t.what),
            (
                Notice::ScoreConfirmed {
                    meeting: m, band, ..
                },
                Vi,
            ) => {
                format!(
                    "Điểm buổi “{}” đã được xác nhận: {}",
                    m.title,
                    band.label_vi()
                )
            }
            (
                Notice::ScoreConfirmed {
                    meeting: m, band, ..
                },
                En,
            ) => {
                format!("Score of “{}” confirmed: {}", m.title, band.label_en())
            }
            (Notice::VisitReportDueSoon { visit: v }, Vi) => {
                format!(
                    "Sắp đến hạn báo cáo dự sinh hoạt ở {} ({})",
                    v.cell,
                    day(Some(v.due), Vi)
                )
            }
            (Notice::VisitReportDueSoon { visit: v }, En) => {
                format!("Visit report on {} due {}", v.cell, day(Some(v.due), En))
            }
            (Notice::VisitReportOverdue { visit: v }, Vi) => {
                format!("Quá hạn báo cáo dự sinh hoạt ở {}", v.cell)
            }
            (Notice::VisitReportOverdue { visit: v }, En) => {
                format!("Visit report on {} overdue", v.cell)
            }
            (Notice::RecommendationsReceived { visit: v, count }, Vi) => {
                format!("{}: {} kiến nghị của cấp trên", v.cell, count)
            }
            (Notice::RecommendationsReceived { visit: v, count }, En) => {
                format!("{}: {} proposals from the upper level", v.cell, count)
            }
        }
    }

    /// A few sentences: the list's detail and the email's text.
    pub fn body(&self, lang: Lang) -> String {
        use Lang::{En, Vi};
        let text = match (self, lang) {
            (Notice::MeetingRegistered { meeting: m }, Vi) => format!(
                "{} đã đăng ký buổi sinh hoạt “{}” lúc {}.",
                m.cell,
                m.title,
                at(m.starts_at, Vi)
            ),
            (Notice::MeetingRegistered { meeting: m }, En) => format!(
                "{} registered the meeting “{}” at {}.",
                m.cell,
                m.title,
                at(m.starts_at, En)
            ),
            (Notice::MeetingChanged { meeting: m }, Vi) => format!(
                "Buổi sinh hoạt “{}” của {} đã thay đổi: nay bắt đầu lúc {}.",
                m.title,
                m.cell,
                at(m.starts_at, Vi)
            ),
            (Notice::MeetingChanged { meeting: m }, En) => format!(
                "The meeting “{}” of {} has changed: it now starts at {}.",
                m.title,
                m.cell,
                at(m.starts_at, En)
            ),
            (
                Notice::MeetingReminderDay { meeting: m }
                | Notice::MeetingReminderHour { meeting: m },
                Vi,
            ) => format!(
                "Buổi sinh hoạt “{}” của {} bắt đầu lúc {}.",
                m.title,
                m.cell,
                at(m.starts_at, Vi)
            ),
            (
                Notice::MeetingReminderDay { meeting: m }
                | Notice::MeetingReminderHour { meeting: m },
                En,
            ) => format!(
                "The meeting “{}” of {} starts at {}.",
                m.title,
                m.cell,
                at(m.starts_at, En)
            ),
            (Notice::MeetingOpened { meeting: m }, Vi) => format!(
                "Buổi sinh hoạt “{}” của {} đã khai mạc. Mời đồng chí vào phòng họp.",
                m.title, m.cell
            ),
            (Notice::MeetingOpened { meeting: m }, En) => format!(
                "The meeting “{}” of {} has opened. Please join.",
                m.title, m.cell
            ),
            (Notice::MeetingCancelled { meeting: m, reason }, Vi) => format!(
                "Buổi sinh hoạt “{}” của {} lúc {} đã được hủy. Lý do: {}",
                m.title,
                m.cell,
                at(m.starts_at, Vi),
                reason
            ),
            (Notice::RegistrationReminder { reminder: r }, Vi) => format!(
                "{} chưa đăng ký lịch sinh hoạt thường kỳ tháng {}/{}. {} đề nghị chi bộ đăng ký ngay.",
                r.cell, r.month, r.year, r.committee
            ),
            (Notice::RegistrationReminder { reminder: r }, En) => format!(
                "{} has not registered its regular meeting of {}/{}. {} asks the cell to register it now.",
                r.cell, r.month, r.year, r.committee
            ),
            (
                Notice::AbsenceDecided {
                    meeting: m,
                    accepted,
                    note,
                },
                Vi,
            ) => {
                let verdict = if *accepted {
                    "Chi bộ chấp thuận đơn xin vắng của đồng chí; đồng chí được ghi vắng có lý do."
                } else {
                    "Chi bộ không chấp thuận đơn xin vắng của đồng chí; đề nghị đồng chí dự họp."
                };
                let note = if note.is_empty() {
                    String::new()
                } else {
                    format!(" Ghi chú: {note}")
                };
                format!(
                    "Buổi sinh hoạt “{}” lúc {}. {verdict}{note}",
                    m.title,
                    at(m.starts_at, Vi)
                )
            }
            (
                Notice::AbsenceDecided {
                    meeting: m,
                    accepted,
                    note,
                },
                En,
            ) => {
                let verdict = if *accepted {
                    "Your absence request is accepted; you are recorded as absent with reason."
                } else {
                    "Your absence request is refused; please attend."
                };
                let note = if note.is_empty() {
                    String::new()
                } else {
                    format!(" Note: {note}")
                };
                format!(
                    "The meeting “{}” at {}. {verdict}{note}",
                    m.title,
                    at(m.starts_at, En)
                )
            }
            (
                Notice::DocumentPosted {
                    meeting: m,
                    item,
                    file_name,
                },
                Vi,
            ) => format!(
                "Tài liệu “{}” cho nội dung “{}” của buổi sinh hoạt “{}” lúc {}. Mời đồng chí đọc trước.",
                file_name,
                item,
                m.title,
                at(m.starts_at, Vi)
            ),
            (
                Notice::DocumentPosted {
                    meeting: m,
                    item,
                    file_name,
                },
                En,
            ) => format!(
                "The document “{}” for the item “{}” of the meeting “{}” at {}. Please read it beforehand.",
                file_name,
                item,
                m.title,
                at(m.starts_at, En)
            ),
            (Notice::MeetingCancelled { meeting: m, reason }, En) => format!(
                "The meeting “{}” of {} at {} is cancelled. Reason: {}",
                m.title,
                m.cell,
                at(m.starts_at, En),
                reason
            ),
            (Notice::GuidancePosted { guidance: g }, Vi) => format!(
                "{} đã đăng “{}” cho sinh hoạt chi bộ tháng {}/{}. Mời đồng chí đọc để chuẩn bị buổi sinh hoạt.",
                g.committee, g.title, g.month, g.year
            ),
            (Notice::GuidancePosted { guidance: g }, En) => format!(
                "{} posted “{}” for the cells' meetings of {}/{}. Please read it to prepare the meeting.",
                g.committee, g.title, g.month, g.year
            ),
            (Notice::TaskAssigned { task: t }, Vi) => format!(
                "Buổi sinh hoạt “{}” giao đồng chí: {} (hạn: {}).",
                t.meeting_title,
                t.what,
                day(t.due, Vi)
            ),
            (Notice::TaskAssigned { task: t }, En) => format!(
                "The meeting “{}” assigned you: {} (due: {}).",
                t.meeting_title,
                t.what,
                day(t.due, En)
            ),
            (Notice::TaskDueSoon { task: t }, Vi) => format!(
                "Việc “{}” (buổi sinh hoạt “{}”) đến hạn ngày {}.",
                t.what,
                t.meeting_title,
                day(t.due, Vi)
            ),
            (Notice::TaskDueSoon { task: t }, En) => format!(
                "The task “{}” (meeting “{}”) is due on {}.",
                t.what,
                t.meeting_title,
                day(t.due, En)
            ),
            (Notice::TaskOverdue { task: t }, Vi) => format!(
                "Việc “{}” (buổi sinh hoạt “{}”) đã quá hạn ngày {} mà chưa hoàn thành.",
                t.what,
                t.meeting_title,
                day(t.due, Vi)
            ),
            (Notice::TaskOverdue { task: t }, En) => format!(
                "The task “{}” (meeting “{}”) was due on {} and is not done.",
                t.what,
                t.meeting_title,
                day(t.due, En)
            ),
            (
                Notice::ScoreConfirmed {
                    meeting: m,
                    total,
                    band,
                    changed,
                },
                Vi,
            ) => format!(
                "Cấp trên {} điểm buổi sinh hoạt “{}” lúc {}: {} điểm, xếp loại {}.",
                if *changed {
                    "đã điều chỉnh và xác nhận"
                } else {
                    "đã xác nhận"
                },
                m.title,
                at(m.starts_at, Vi),
                total,
                band.label_vi()
            ),
            (
                Notice::ScoreConfirmed {
                    meeting: m,
                    total,
                    band,
                    changed,
                },
                En,
            ) => format!(
                "The upper level {} the score of the meeting “{}” at {}: {} points, rated {}.",
                if *changed {
                    "changed and confirmed"
                } else {
                    "confirmed"
                },
                m.title,
                at(m.starts_at, En),
                total,
                band.label_en()
            ),
            (Notice::VisitReportDueSoon { visit: v }, Vi) => format!(
                "Đồng chí {} dự sinh hoạt {} ngày {}; báo cáo kết quả hạn ngày {}.",
                v.visitor,
                v.cell,
                day(Some(v.date), Vi),
                day(Some(v.due), Vi)
            ),
            (Notice::VisitReportDueSoon { visit: v }, En) => format!(
                "{} visited {} on {}; the report is due on {}.",
                v.visitor,
                v.cell,
                day(Some(v.date), En),
                day(Some(v.due), En)
            ),
            (Notice::VisitReportOverdue { visit: v }, Vi) => format!(
                "Đồng chí {} dự sinh hoạt {} ngày {} nhưng chưa nộp báo cáo; hạn ngày {} đã qua.",
                v.visitor,
                v.cell,
                day(Some(v.date), Vi),
                day(Some(v.due), Vi)
            ),
            (Notice::VisitReportOverdue { visit: v }, En) => format!(
                "{} visited {} on {} and has not filed the report, due on {}.",
                v.visitor,
                v.cell,
                day(Some(v.date), En),
                day(Some(v.due), En)
            ),
            (Notice::RecommendationsReceived { visit: v, count }, Vi) => format!(
                "Đồng chí {} dự sinh hoạt ngày {} có {} kiến nghị gửi chi bộ; chi bộ trả lời từng kiến nghị (đã tiếp thu, đã thực hiện).",
                v.visitor,
                day(Some(v.date), Vi),
                count
            ),
            (Notice::RecommendationsReceived { visit: v, count }, En) => format!(
                "{} visited on {} and made {} proposals to the cell; answer each (accepted, done).",
                v.visitor,
                day(Some(v.date), En),
                count
            ),
        };
        match self {
            Notice::MeetingRegistered { meeting: m }
            | Notice::MeetingChanged { meeting: m }
            | Notice::MeetingReminderDay { meeting: m }
            | Notice::MeetingReminderHour { meeting: m }
            | Notice::MeetingOpened { meeting: m } => {
                let w = where_(m, lang);
                if w.is_empty() {
                    text
                } else {
                    format!("{text} {w}")
                }
            }
            _ => text,
        }
    }

    /// Where in the app the notice leads (a path under the app's origin).
    pub fn link(&self) -> String {
        match self {
            Notice::MeetingRegistered { meeting: m }
            | Notice::MeetingChanged { meeting: m }
            | Notice::MeetingReminderDay { meeting: m }
            | Notice::MeetingReminderHour { meeting: m }
            | Notice::MeetingOpened { meeting: m }
            | Notice::MeetingCancelled { meeting: m, .. } => format!("/meetings/{}", m.id.0),
            Notice::RegistrationReminder { reminder: r } => format!("/org/{}", r.cell_id.0),
            Notice::AbsenceDecided { meeting: m, .. }
            | Notice::DocumentPosted { meeting: m, .. } => {
                format!("/meetings/{}", m.id.0)
            }
            Notice::GuidancePosted { guidance: g } => format!("/guidance/{}", g.id.0),
            Notice::TaskAssigned { task: t }
            | Notice::TaskDueSoon { task: t }
            | Notice::TaskOverdue { task: t } => format!("/meetings/{}", t.meeting.0),
            Notice::ScoreConfirmed { meeting: m, .. } => format!("/meetings/{}/score", m.id.0),
            Notice::VisitReportDueSoon { .. } | Notice::VisitReportOverdue { .. } => {
                "/visits".to_string()
            }
            Notice::RecommendationsReceived { visit: v, .. } => {
                format!("/org/{}/recommendations", v.cell_id.0)
            }
        }
    }
}

/// One of my notifications, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NoticeView {
    pub id: i64,
    pub notice: Notice,
    /// Local time in Vietnam.
    pub created_at: NaiveDateTime,
    pub read: bool,
}

/// A page of my notifications, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NoticePage {
    pub items: Vec<NoticeView>,
    /// All my unread notifications, not only this page's.
    pub unread: u32,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next_before: Option<i64>,
}

/// How many are still unread (after marking some read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UnreadCount {
    pub unread: u32,
}

/// My choice of notifications by email (in-app ones are always on).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoticePreferences {
    /// Where emails go; empty for none.
    #[serde(default)]
    pub email: String,
    /// The kinds I want by email as well.
    #[serde(default)]
    pub email_kinds: Vec<NoticeKind>,
    /// The kinds pushed to my subscribed devices (thông báo đẩy) as well;
    /// absent in older clients' requests, hence none.
    #[serde(default)]
    pub push_kinds: Vec<NoticeKind>,
}

impl NoticePreferences {
    /// The preferences as stored: the address trimmed, kinds sorted once each;
    /// or what is wrong, field by field.
    pub fn check(&self) -> Result<NoticePreferences, FieldErrors> {
        let email = crate::text::clean_trimmed(&self.email);
        let mut errors = Vec::new();
        if email.chars().count() > MAX_EMAIL_CHARS {
            errors.push(FieldError::both(
                "email",
                "email_too_long",
                format!("Địa chỉ email dài quá {MAX_EMAIL_CHARS} ký tự."),
                format!("The email address is longer than {MAX_EMAIL_CHARS} characters."),
            ));
        } else if !email.is_empty() && !plausible_email(&email) {
            errors.push(FieldError::both(
                "email",
                "email_invalid",
                "Địa chỉ email chưa đúng (ví dụ: ten@example.vn).",
                "The email address is not valid (e.g. name@example.vn).",
            ));
        }
        let mut kinds = self.email_kinds.clone();
        kinds.sort();
        kinds.dedup();
        if email.is_empty() && !kinds.is_empty() {
            errors.push(FieldError::both(
                "email",
                "email_missing",
                "Nhập địa chỉ email để nhận thông báo qua email.",
                "Enter an email address to get notifications by email.",
            ));
        }
        let mut push_kinds = self.push_kinds.clone();
        push_kinds.sort();
        push_kinds.dedup();
        if errors.is_empty() {
            Ok(NoticePreferences {
                email,
                email_kinds: kinds,
                push_kinds,
            })
        } else {
            Err(FieldErrors(errors))
        }
    }

    pub fn wants_email(&self, kind: NoticeKind) -> bool {
        !self.email.is_empty() && self.email_kinds.contains(&kind)
    }

    pub fn wants_push(&self, kind: NoticeKind) -> bool {
        self.push_kinds.contains(&kind)
    }
}

/// One `@`, something before it, a dotted domain after it, no spaces: enough
/// to catch typing mistakes; the mail server is the judge of the rest.
fn plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && s.chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && c != '<' && c != '>')
}

/// Which reminder of a scheduled meeting is due at `now`: within the hour
/// before it, the hour's; within the day before it, the day's; none before
/// or after. Each is sent once; a server that was down past the day's
/// window sends only the hour's.
pub fn reminder_due(starts_at: NaiveDateTime, now: NaiveDateTime) -> Option<NoticeKind> {
    let left = starts_at - now;
    if left <= TimeDelta::zero() {
        None
    } else if left <= TimeDelta::hours(1) {
        Some(NoticeKind::MeetingReminderHour)
    } else if left <= TimeDelta::hours(24) {
        Some(NoticeKind::MeetingReminderDay)
    } else {
        None
    }
}

/// Which deadline notice an open (not done) task is due on `today`: overdue
/// after its due date, due soon from `TASK_DUE_SOON_DAYS` days before it.
pub fn task_deadline_notice(due: NaiveDate, today: NaiveDate) -> Option<NoticeKind> {
    let left = (due - today).num_days();
    if left < 0 {
        Some(NoticeKind::TaskOverdue)
    } else if left <= TASK_DUE_SOON_DAYS {
        Some(NoticeKind::TaskDueSoon)
    } else {
        None
    }
}

/// The pause before trying an email again after `failures` failed tries:
/// `base_ms`, doubled after each further failure, at most `MAX_RETRY_DELAY_MS`
/// (exponential backoff). `None` once `MAX_DELIVERY_ATTEMPTS` tries failed:
/// the email is given up.
pub fn retry_delay_ms(failures: u32, base_ms: u64) -> Option<u64> {
    if failures >= MAX_DELIVERY_ATTEMPTS {
        return None;
    }
    let doublings = failures.saturating_sub(1).min(40);
    Some(
        base_ms
            .saturating_mul(1u64 << doublings)
            .min(MAX_RETRY_DELAY_MS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    fn meeting() -> MeetingRef {
        MeetingRef {
            id: MeetingId(7),
            cell: "Chi bộ Văn phòng".into(),
            title: "Sinh hoạt thường kỳ tháng 12/2026".into(),
            starts_at: dt("2026-12-20T14:00:00"),
            place: "Phòng họp tầng 3".into(),
            video_link: "https://hop.example.vn/vp".into(),
        }
    }

    fn task() -> TaskRef {
        TaskRef {
            meeting: MeetingId(7),
            index: 1,
            meeting_title: "Sinh hoạt thường kỳ tháng 11/2026".into(),
            what: "Hoàn thiện báo cáo kiểm tra đảng viên".into(),
            due: NaiveDate::from_ymd_opt(2026, 12, 15),
        }
    }

    fn every_notice() -> Vec<Notice> {
        vec![
            Notice::MeetingRegistered { meeting: meeting() },
            Notice::MeetingChanged { meeting: meeting() },
            Notice::MeetingReminderDay { meeting: meeting() },
            Notice::MeetingReminderHour { meeting: meeting() },
            Notice::MeetingOpened { meeting: meeting() },
            Notice::MeetingCancelled {
                meeting: meeting(),
                reason: "Trùng lịch tiếp xúc cử tri của phường; dời sang tuần sau.".into(),
            },
            Notice::RegistrationReminder {
                reminder: RegistrationRef {
                    cell_id: OrgId(4),
                    cell: "Chi bộ Khu phố 3".into(),
                    committee: "Đảng ủy phường Hòa Bình".into(),
                    year: 2026,
                    month: 12,
                },
            },
            Notice::AbsenceDecided {
                meeting: meeting(),
                accepted: true,
                note: "Đồng chí gửi ý kiến bằng văn bản trước buổi họp.".into(),
            },
            Notice::DocumentPosted {
                meeting: meeting(),
                item: "Thông tin thời sự, văn bản chỉ đạo của cấp trên".into(),
                file_name: "Hướng dẫn sinh hoạt tháng 12.pdf".into(),
            },
            Notice::GuidancePosted {
                guidance: GuidanceRef {
                    id: GuidanceId(5),
                    committee: "Đảng bộ Cục Quản lý thị trường".into(),
                    title: "Định hướng sinh hoạt chi bộ tháng 12/2026".into(),
                    year: 2026,
                    month: 12,
                },
            },
            Notice::TaskAssigned { task: task() },
            Notice::TaskDueSoon { task: task() },
            Notice::TaskOverdue { task: task() },
            Notice::ScoreConfirmed {
                meeting: meeting(),
                total: crate::rules::scoring::Points::tenths(895),
                band: crate::rules::scoring::Band::Fair,
                changed: true,
            },
            Notice::VisitReportDueSoon { visit: visit() },
            Notice::VisitReportOverdue { visit: visit() },
            Notice::RecommendationsReceived {
                visit: visit(),
                count: 2,
            },
        ]
    }

    fn visit() -> VisitRef {
        VisitRef {
            id: VisitId(9),
            cell_id: OrgId(4),
            cell: "Chi bộ Khu phố 3".into(),
            visitor: "Trịnh Minh Tuấn".into(),
            date: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
            due: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
        }
    }

    #[test]
    fn every_kind_has_a_notice_and_texts_in_both_languages() {
        let notices = every_notice();
        let kinds: Vec<NoticeKind> = notices.iter().map(Notice::kind).collect();
        assert_eq!(kinds, NoticeKind::ALL.to_vec());
        for n in &notices {
            for lang in [Lang::Vi, Lang::En] {
                assert!(!n.title(lang).is_empty() && !n.body(lang).is_empty());
                assert!(!n.kind().label(lang).is_empty());
            }
            assert_ne!(n.title(Lang::Vi), n.title(Lang::En), "{:?}", n.kind());
            assert_ne!(n.body(Lang::Vi), n.body(Lang::En), "{:?}", n.kind());
            assert_eq!(NoticeKind::parse(n.kind().as_str()), Some(n.kind()));
            let want = match n {
                Notice::RegistrationReminder { .. } => "/org/4",
                Notice::ScoreConfirmed { .. } => "/meetings/7/score",
                Notice::GuidancePosted { .. } => "/guidance/5",
                Notice::VisitReportDueSoon { .. } | Notice::VisitReportOverdue { .. } => "/visits",
                Notice::RecommendationsReceived { .. } => "/org/4/recommendations",
                _ => "/meetings/7",
            };
            assert_eq!(n.link(), want);
        }
    }

    #[test]
    fn the_texts_say_what_happened_with_diacritics() {
        let opened = Notice::MeetingOpened { meeting: meeting() };
        assert_eq!(
            opened.title(Lang::Vi),
            "Đang họp: “Sinh hoạt thường kỳ tháng 12/2026”"
        );
        assert!(
            opened
                .body(Lang::Vi)
                .ends_with("Họp trực tuyến: https://hop.example.vn/vp")
        );
        let day = Notice::MeetingReminderDay { meeting: meeting() };
        assert_eq!(
            day.title(Lang::Vi),
            "Nhắc lịch: “Sinh hoạt thường kỳ tháng 12/2026” lúc 14:00 ngày 20/12/2026"
        );
        assert!(day.body(Lang::En).contains("starts at 14:00 on 20/12/2026"));
        let overdue = Notice::TaskOverdue { task: task() };
        assert_eq!(
            overdue.body(Lang::Vi),
            "Việc “Hoàn thiện báo cáo kiểm tra đảng viên” (buổi sinh hoạt “Sinh hoạt \
             thường kỳ tháng 11/2026”) đã quá hạn ngày 15/12/2026 mà chưa hoàn thành."
        );
        let no_due = Notice::TaskAssigned {
            task: TaskRef {
                due: None,
                ..task()
            },
        };
        assert!(no_due.body(Lang::Vi).contains("(hạn: không có hạn)"));
        let guidance = &every_notice()[9];
        assert_eq!(
            guidance.title(Lang::Vi),
            "Đảng bộ Cục Quản lý thị trường: định hướng sinh hoạt tháng 12/2026"
        );
        assert!(
            guidance
                .body(Lang::Vi)
                .contains("đã đăng “Định hướng sinh hoạt chi bộ tháng 12/2026”")
        );
        let in_person = Notice::MeetingRegistered {
            meeting: MeetingRef {
                video_link: String::new(),
                ..meeting()
            },
        };
        assert!(
            in_person
                .body(Lang::Vi)
                .ends_with("Địa điểm: Phòng họp tầng 3.")
        );
    }

    #[test]
    fn notices_round_trip_through_json() {
        for n in every_notice() {
            let view = NoticeView {
                id: 3,
                notice: n,
                created_at: dt("2026-12-19T14:00:05"),
                read: false,
            };
            let page = NoticePage {
                items: vec![view],
                unread: 1,
                next_before: Some(3),
            };
            let json = serde_json::to_string(&page).unwrap();
            assert_eq!(serde_json::from_str::<NoticePage>(&json).unwrap(), page);
        }
        let json = serde_json::to_value(Notice::MeetingOpened { meeting: meeting() }).unwrap();
        assert_eq!(json["kind"], "meeting_opened");
        assert_eq!(json["meeting"]["cell"], "Chi bộ Văn phòng");
        let prefs = NoticePreferences {
            email: "nguyen.van.a@example.vn".into(),
            email_kinds: vec![NoticeKind::MeetingOpened, NoticeKind::TaskOverdue],
            push_kinds: vec![NoticeKind::MeetingReminderHour],
        };
        let json = serde_json::to_string(&prefs).unwrap();
        assert!(json.contains("\"meeting_opened\""));
        assert_eq!(
            serde_json::from_str::<NoticePreferences>(&json).unwrap(),
            prefs
        );
        assert!(serde_json::from_str::<NoticePreferences>(r#"{"email_kinds":["nope"]}"#).is_err());
        assert!(serde_json::from_str::<NoticePreferences>(r#"{"other":1}"#).is_err());
        // A client that knows nothing of push still sends valid preferences.
        let old: NoticePreferences =
            serde_json::from_str(r#"{"email":"ten@example.vn","email_kinds":["task_assigned"]}"#)
                .unwrap();
        assert!(old.push_kinds.is_empty());
    }

    #[test]
    fn preferences_are_checked() {
        let ok = NoticePreferences {
            email: "  ten@example.vn ".into(),
            email_kinds: vec![
                NoticeKind::TaskOverdue,
                NoticeKind::MeetingOpened,
                NoticeKind::TaskOverdue,
            ],
            push_kinds: vec![
                NoticeKind::TaskAssigned,
                NoticeKind::MeetingOpened,
                NoticeKind::TaskAssigned,
            ],
        }
        .check()
        .unwrap();
        assert_eq!(ok.email, "ten@example.vn");
        assert_eq!(
            ok.push_kinds,
            vec![NoticeKind::MeetingOpened, NoticeKind::TaskAssigned]
        );
        assert!(ok.wants_push(NoticeKind::TaskAssigned));
        assert!(!ok.wants_push(NoticeKind::TaskOverdue));
        // Push needs no address: the devices are the subscriptions.
        let push_only = NoticePreferences {
            push_kinds: vec![NoticeKind::TaskOverdue],
            ..NoticePreferences::default()
        };
        assert_eq!(push_only.check(), Ok(push_only.clone()));
        assert_eq!(
            ok.email_kinds,
            vec![NoticeKind::MeetingOpened, NoticeKind::TaskOverdue]
        );
        assert!(ok.wants_email(NoticeKind::MeetingOpened));
        assert!(!ok.wants_email(NoticeKind::MeetingChanged));
        assert_eq!(
            NoticePreferences::default().check(),
            Ok(NoticePreferences::default())
        );
        for bad in [
            "ten",
            "ten@",
            "@example.vn",
            "ten@example",
            "t en@example.vn",
            "a@b@c.vn",
            "ten@.vn",
            "<a@b.vn>",
        ] {
            let e = NoticePreferences {
                email: bad.into(),
                ..NoticePreferences::default()
            }
            .check()
            .unwrap_err();
            assert_eq!(
                e.message_for("email"),
                Some("Địa chỉ email chưa đúng (ví dụ: ten@example.vn)."),
                "{bad}"
            );
        }
        let long = format!("{}@example.vn", "a".repeat(MAX_EMAIL_CHARS));
        assert!(
            NoticePreferences {
                email: long,
                ..NoticePreferences::default()
            }
            .check()
            .is_err()
        );
        let no_address = NoticePreferences {
            email: " ".into(),
            email_kinds: vec![NoticeKind::TaskAssigned],
            push_kinds: vec![],
        }
        .check()
        .unwrap_err();
        assert_eq!(
            no_address.message_for("email"),
            Some("Nhập địa chỉ email để nhận thông báo qua email.")
        );
    }

    #[test]
    fn reminders_a_day_and_an_hour_before() {
        let starts = dt("2026-12-20T14:00:00");
        let cases = [
            ("2026-12-19T13:59:59", None),
            ("2026-12-19T14:00:00", Some(NoticeKind::MeetingReminderDay)),
            ("2026-12-20T12:59:59", Some(NoticeKind::MeetingReminderDay)),
            ("2026-12-20T13:00:00", Some(NoticeKind::MeetingReminderHour)),
            ("2026-12-20T13:59:59", Some(NoticeKind::MeetingReminderHour)),
            ("2026-12-20T14:00:00", None),
            ("2026-12-21T08:00:00", None),
        ];
        for (now, want) in cases {
            assert_eq!(reminder_due(starts, dt(now)), want, "{now}");
        }
    }

    #[test]
    fn task_deadlines_two_days_before_and_after() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
        let d = |day| NaiveDate::from_ymd_opt(2026, 12, day).unwrap();
        assert_eq!(task_deadline_notice(due, d(12)), None);
        assert_eq!(
            task_deadline_notice(due, d(13)),
            Some(NoticeKind::TaskDueSoon)
        );
        assert_eq!(
            task_deadline_notice(due, d(15)),
            Some(NoticeKind::TaskDueSoon)
        );
        assert_eq!(
            task_deadline_notice(due, d(16)),
            Some(NoticeKind::TaskOverdue)
        );
    }

    #[test]
    fn retries_back_off_exponentially_then_give_up() {
        assert_eq!(retry_delay_ms(1, RETRY_BASE_MS), Some(60_000));
        assert_eq!(retry_delay_ms(2, RETRY_BASE_MS), Some(120_000));
        assert_eq!(retry_delay_ms(3, RETRY_BASE_MS), Some(240_000));
        assert_eq!(retry_delay_ms(9, RETRY_BASE_MS), Some(60_000 << 8));
        assert_eq!(retry_delay_ms(9, 600_000), Some(MAX_RETRY_DELAY_MS));
        assert_eq!(retry_delay_ms(MAX_DELIVERY_ATTEMPTS, RETRY_BASE_MS), None);
        assert_eq!(retry_delay_ms(1, 100), Some(100));
        assert_eq!(retry_delay_ms(4, 100), Some(800));
        // Never overflows, whatever the base.
        assert_eq!(retry_delay_ms(9, u64::MAX), Some(MAX_RETRY_DELAY_MS));
    }
}
