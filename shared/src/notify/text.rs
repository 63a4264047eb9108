//! What each notice says, in Vietnamese and English, and where it leads.

use super::*;

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
