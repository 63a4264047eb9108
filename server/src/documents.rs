//! The minutes and the resolution as Word documents (.docx), laid out as the
//! party's paperwork is: committee and cell at the top left, the national motto
//! at the top right, the title, the body, the signature lines.

use chrono::NaiveDateTime;
use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow};
use shared::live::minutes::Minutes;
use shared::meeting::Meeting;

/// Font sizes are in half-points.
const BODY: usize = 26;
const TITLE: usize = 30;

fn text(t: impl Into<String>) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(t).size(BODY))
}

fn bold(t: impl Into<String>) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(t).size(BODY).bold())
}

fn centered(t: impl Into<String>, size: usize, strong: bool) -> Paragraph {
    let run = Run::new().add_text(t).size(size);
    Paragraph::new()
        .add_run(if strong { run.bold() } else { run })
        .align(AlignmentType::Center)
}

fn when(t: NaiveDateTime) -> String {
    t.format("%H giờ %M, ngày %d/%m/%Y").to_string()
}

fn header(committee: &str, cell: &str) -> Table {
    let left = TableCell::new()
        .add_paragraph(centered(committee.to_uppercase(), BODY, false))
        .add_paragraph(centered(cell.to_uppercase(), BODY, true))
        .add_paragraph(centered("*", BODY, false));
    let right = TableCell::new()
        .add_paragraph(centered("ĐẢNG CỘNG SẢN VIỆT NAM", BODY, true))
        .add_paragraph(centered("", BODY, false));
    Table::new(vec![TableRow::new(vec![left, right])])
}

fn signatures(left_title: &str, left: &str, right_title: &str, right: &str) -> Table {
    let cell = |title: &str, name: &str| {
        TableCell::new()
            .add_paragraph(centered(title, BODY, true))
            .add_paragraph(centered("(Ký, ghi rõ họ tên)", BODY, false))
            .add_paragraph(centered("", BODY, false))
            .add_paragraph(centered("", BODY, false))
            .add_paragraph(centered(name, BODY, true))
    };
    Table::new(vec![TableRow::new(vec![
        cell(left_title, left),
        cell(right_title, right),
    ])])
}

fn document() -> Docx {
    Docx::new()
        .default_fonts(
            RunFonts::new()
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman")
                .cs("Times New Roman"),
        )
        .default_size(BODY)
}

fn pack(doc: Docx) -> Result<Vec<u8>, String> {
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

fn names(list: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = list.collect();
    if v.is_empty() {
        "không".to_string()
    } else {
        v.join(", ")
    }
}

/// Biên bản sinh hoạt chi bộ.
pub fn minutes_docx(m: &Minutes) -> Result<Vec<u8>, String> {
    let a = &m.attendance;
    let mut doc = document()
        .add_table(header(&m.committee, &m.cell))
        .add_paragraph(centered("", BODY, false))
        .add_paragraph(centered("BIÊN BẢN", TITLE, true))
        .add_paragraph(centered(format!("{} – {}", m.kind, m.title), BODY, true))
        .add_paragraph(text(format!(
            "Thời gian: bắt đầu {}. Địa điểm: {}.",
            when(m.opened_at.unwrap_or(m.starts_at)),
            m.place
        )))
        .add_paragraph(bold("I. TÌNH HÌNH ĐẢNG VIÊN DỰ HỌP"))
        .add_paragraph(text(format!(
            "Tổng số đảng viên: {} (chính thức {}, dự bị {}, miễn sinh hoạt {}, sinh hoạt tạm thời nơi khác {}). Phải có mặt: {}. Có mặt: {} ({}). Vắng có lý do: {}. Vắng không lý do: {}.",
            a.total, a.full, a.probationary, a.exempted, a.attached, a.expected, a.present, a.rate_display,
            a.absent_with_reason, a.absent_without_reason
        )))
        .add_paragraph(text(format!(
            "Vắng có lý do: {}.",
            names(a.names.absent_with_reason.iter().map(|x| format!("{} ({})", x.full_name, x.reason)))
        )))
        .add_paragraph(text(format!(
            "Vắng không lý do: {}.",
            names(a.names.absent_without_reason.iter().map(|x| x.full_name.clone()))
        )))
        .add_paragraph(text(a.names.late_and_early().unwrap_or_else(|| "Không có đảng viên đến muộn, về sớm.".into())))
        .add_paragraph(text(format!("Đại biểu cấp trên dự: {}.", names(m.guests.iter().cloned()))))
        .add_paragraph(text(format!("Chủ trì: đồng chí {}. Thư ký: đồng chí {}.", m.chair, m.secretary)))
        .add_paragraph(bold("II. NỘI DUNG"));
    for item in &m.items {
        doc = doc.add_paragraph(bold(format!("{}. {}", item.number, item.title)));
        if !item.speakers.is_empty() {
            doc = doc.add_paragraph(text(format!("Phát biểu: {}.", item.speakers.join(", "))));
        }
        for o in &item.opinions {
            let who = if o.upper_level {
                format!("Đồng chí {} (đại biểu cấp trên)", o.author)
            } else {
                format!("Đồng chí {}", o.author)
            };
            doc = doc.add_paragraph(text(format!("– {who}: {}", o.text)));
        }
    }
    doc = doc.add_paragraph(bold("III. KẾT LUẬN CỦA CHỦ TRÌ"));
    doc = doc.add_paragraph(text(if m.conclusion.is_empty() {
        "(không ghi)"
    } else {
        &m.conclusion
    }));
    for (i, t) in m.tasks.iter().enumerate() {
        let due = t
            .due
            .map(|d| format!(", hạn {}", d.format("%d/%m/%Y")))
            .unwrap_or_default();
        doc = doc.add_paragraph(text(format!(
            "{}. {} – {}{due}.",
            i + 1,
            t.assignee_name,
            t.what
        )));
    }
    doc = doc.add_paragraph(bold("IV. KẾT QUẢ BIỂU QUYẾT"));
    if m.votes.is_empty() {
        doc = doc.add_paragraph(text("Không có biểu quyết."));
    }
    for v in &m.votes {
        doc = doc.add_paragraph(text(format!("{}: {}", v.question, v.explanation)));
    }
    if !m.notes.trim().is_empty() {
        doc = doc.add_paragraph(bold("V. GHI CHÉP CỦA THƯ KÝ"));
        for line in m.notes.lines() {
            doc = doc.add_paragraph(text(line));
        }
    }
    let ended = m
        .closed_at
        .map(when)
        .unwrap_or_else(|| "(chưa bế mạc)".into());
    doc = doc
        .add_paragraph(text(format!(
            "Buổi sinh hoạt kết thúc lúc {ended}. Biên bản đã được đọc lại và được chi bộ thông qua."
        )))
        .add_paragraph(text(format!("Mã kiểm chứng biên bản: {}", m.digest)))
        .add_paragraph(centered("", BODY, false))
        .add_table(signatures("THƯ KÝ", &m.secretary, "CHỦ TRÌ", &m.chair));
    pack(doc)
}

/// Nghị quyết chi bộ: assessment, next tasks, the vote, "T/M CHI BỘ – BÍ THƯ".
pub fn resolution_docx(m: &Minutes, meeting: &Meeting) -> Result<Vec<u8>, String> {
    let mut doc = document()
        .add_table(header(&m.committee, &m.cell))
        .add_paragraph(text(format!("Số {}", m.resolution_number(meeting))))
        .add_paragraph(centered("NGHỊ QUYẾT", TITLE, true))
        .add_paragraph(centered(m.title.clone(), BODY, true))
        .add_paragraph(bold("I. ĐÁNH GIÁ"))
        .add_paragraph(text(if m.conclusion.is_empty() {
            "(không ghi)"
        } else {
            &m.conclusion
        }))
        .add_paragraph(bold("II. NHIỆM VỤ THỜI GIAN TỚI"));
    if m.tasks.is_empty() {
        doc = doc.add_paragraph(text("(không có nhiệm vụ được giao)"));
    }
    for (i, t) in m.tasks.iter().enumerate() {
        let due = t
            .due
            .map(|d| format!(" (hạn {})", d.format("%d/%m/%Y")))
            .unwrap_or_default();
        doc = doc.add_paragraph(text(format!(
            "{}. {}: {}{due}.",
            i + 1,
            t.assignee_name,
            t.what
        )));
    }
    let vote = m
        .resolution_vote()
        .map(|v| format!("Nghị quyết được biểu quyết: {}", v.explanation))
        .unwrap_or_else(|| "Chưa biểu quyết thông qua nghị quyết.".into());
    doc = doc
        .add_paragraph(text(vote))
        .add_paragraph(centered("", BODY, false))
        .add_table(signatures(
            "NƠI NHẬN",
            "– Đảng ủy cấp trên; – Lưu chi bộ.",
            "T/M CHI BỘ – BÍ THƯ",
            &m.chair,
        ));
    pack(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::live::state::LiveState;
    use shared::meeting::{MeetingDraft, MeetingKind, MeetingMode, MeetingStatus, standard_agenda};
    use shared::rules::RuleSet;

    #[test]
    fn documents_are_zip_packages_with_the_text() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        let meeting = Meeting {
            id: shared::MeetingId(3),
            cell_id: shared::OrgId(1),
            registered_at: now,
            status: MeetingStatus::Closed,
            draft: MeetingDraft {
                kind: MeetingKind::Regular,
                title: "Sinh hoạt tháng 12".into(),
                starts_at: now,
                mode: MeetingMode::Online,
                place: String::new(),
                video_link: "https://hop.example.vn".into(),
                chair_id: None,
                secretary_id: None,
                agenda: standard_agenda(MeetingKind::Regular),
            },
        };
        let state = LiveState::new(
            meeting.id,
            meeting.draft.agenda.clone(),
            RuleSet::national_default().meeting_rules(),
            vec![],
            None,
            None,
        );
        let m = shared::live::minutes::minutes(&state, &meeting, &Default::default(), "ff00");
        for bytes in [
            minutes_docx(&m).unwrap(),
            resolution_docx(&m, &meeting).unwrap(),
        ] {
            assert_eq!(&bytes[..2], b"PK", "a .docx is a zip package");
            assert!(bytes.windows(17).any(|w| w == b"word/document.xml"));
        }
    }
}
