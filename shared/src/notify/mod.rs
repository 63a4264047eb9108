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
//! The texts of each notice, in both languages, are in `text`.
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

mod text;

#[cfg(test)]
mod tests;
