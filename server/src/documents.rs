//! The minutes and the resolution as Word documents (.docx), laid out as the
//! party's paperwork is: committee and cell at the top left, the national motto
//! at the top right, the title, the body, the signature lines.

use chrono::NaiveDateTime;
use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow};
use shared::live::minutes::{Minutes, VoteLine};
use thiserror::Error;

/// Why a document is not written.
#[derive(Debug, Error)]
pub enum DocumentError {
    /// A resolution is issued (and numbered) only when its vote passed; a
    /// failed vote stays in the minutes.
    #[error(
        "Nghị quyết không được thông qua (hoặc chưa biểu quyết) nên không ban hành; kết quả biểu quyết có trong biên bản."
    )]
    NotPassed,
    #[error("không đóng gói được tài liệu: {0}")]
    Pack(String),
}

/// Font sizes are in half-points.
const BODY: usize = 26;
const TITLE: usize = 30;

// Every text goes through `shared::text::clean`: records written before text
// was cleaned at input may hold characters XML cannot carry.
fn text(t: impl Into<String>) -> Paragraph {
    Paragraph::new().add_run(
        Run::new()
            .add_text(shared::text::clean(&t.into()))
            .size(BODY),
    )
}

fn bold(t: impl Into<String>) -> Paragraph {
    Paragraph::new().add_run(
        Run::new()
            .add_text(shared::text::clean(&t.into()))
            .size(BODY)
            .bold(),
    )
}

fn centered(t: impl Into<String>, size: usize, strong: bool) -> Paragraph {
    let run = Run::new()
        .add_text(shared::text::clean(&t.into()))
        .size(size);
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

fn pack(doc: Docx) -> Result<Vec<u8>, DocumentError> {
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| DocumentError::Pack(e.to_string()))?;
    Ok(out.into_inner())
}

/// How a vote's ballots were cast, for the record.
fn how_cast(v: &VoteLine) -> String {
    let way = if v.secret {
        "bỏ phiếu kín"
    } else {
        "biểu quyết công khai"
    };
    match (v.online, v.in_room) {
        (_, 0) => format!("Hình thức: {way}, trực tuyến ({} phiếu).", v.online),
        (0, _) => format!("Hình thức: {way}, tại hội nghị ({} phiếu).", v.in_room),
        (o, r) => format!("Hình thức: {way}; trực tuyến {o} phiếu, tại hội nghị {r} phiếu."),
    }
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
pub fn minutes_docx(m: &Minutes) -> Result<Vec<u8>, DocumentError> {
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
        if !item.advance_opinions.is_empty() {
            doc = doc.add_paragraph(text("Góp ý gửi trước buổi sinh hoạt:"));
            for o in &item.advance_opinions {
                doc = doc.add_paragraph(text(format!("– Đồng chí {}: {}", o.author, o.text)));
            }
        }
    }
    if !m.previous_tasks.is_empty() {
        doc = doc.add_paragraph(bold("Kết quả thực hiện việc được giao ở kỳ trước"));
        for (i, t) in m.previous_tasks.iter().enumerate() {
            doc = doc.add_paragraph(text(format!(
                "{}. {}.",
                i + 1,
                shared::followup::task_line(t)
            )));
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
        doc = doc
            .add_paragraph(text(format!("{}: {}", v.question, v.explanation)))
            .add_paragraph(text(how_cast(v)));
    }
    if !m.notes.trim().is_empty() {
        doc = doc.add_paragraph(bold("V. GHI CHÉP CỦA THƯ KÝ"));
        for line in m.notes.lines() {
            doc = doc.add_paragraph(text(line));
        }
    }
    if let Some(score) = &m.score {
        doc = doc
            .add_paragraph(bold("KẾT QUẢ CHẤM ĐIỂM CHẤT LƯỢNG SINH HOẠT"))
            .add_paragraph(text(score.line_vi()));
    }
    let ended = m
        .closed_at
        .map(when)
        .unwrap_or_else(|| "(chưa bế mạc)".into());
    // The adoption is said only when the meeting recorded it.
    let adopted = m
        .adopted_at
        .map(|t| {
            format!(
                " Biên bản đã được đọc lại và được chi bộ thông qua lúc {}.",
                when(t)
            )
        })
        .unwrap_or_default();
    doc = doc
        .add_paragraph(text(format!(
            "Buổi sinh hoạt kết thúc lúc {ended}.{adopted}"
        )))
        .add_paragraph(text(format!("Mã kiểm chứng biên bản: {}", m.digest)))
        .add_paragraph(centered("", BODY, false))
        .add_table(signatures("THƯ KÝ", &m.secretary, "CHỦ TRÌ", &m.chair));
    pack(doc)
}

/// Nghị quyết chi bộ: assessment, next tasks, the vote, "T/M CHI BỘ – BÍ THƯ".
/// Only for a resolution whose vote passed.
pub fn resolution_docx(m: &Minutes) -> Result<Vec<u8>, DocumentError> {
    let (Some(number), Some(vote)) = (m.resolution_number(), m.resolution_vote()) else {
        return Err(DocumentError::NotPassed);
    };
    let mut doc = document()
        .add_table(header(&m.committee, &m.cell))
        .add_paragraph(text(format!("Số {number}")))
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
    doc = doc
        .add_paragraph(text(format!(
            "Nghị quyết được biểu quyết thông qua: {}",
            vote.explanation
        )))
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
    use shared::live::state::{Command, LiveState, Setup, Speaker, apply, decide};
    use shared::meeting::{
        Meeting, MeetingDraft, MeetingKind, MeetingMode, MeetingStatus, standard_agenda,
    };
    use shared::member::PartyStatus;
    use shared::rules::RuleSet;
    use shared::rules::attendance::{AttendanceMark, Presence, RosterEntry};
    use shared::rules::vote::{Ballot, VoteKind};
    use shared::{MeetingId, MemberId, OrgId};
    use std::io::Read;

    /// The texts of `word/document.xml`, which must be well-formed XML.
    fn document_texts(bytes: &[u8]) -> String {
        assert_eq!(&bytes[..2], b"PK", "a .docx is a zip package");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .expect("word/document.xml")
            .read_to_string(&mut xml)
            .expect("UTF-8");
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("invalid XML: {e}"));
        doc.descendants()
            .filter(|n| n.tag_name().name() == "t")
            .filter_map(|n| n.text())
            .collect()
    }

    fn meeting() -> Meeting {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        Meeting {
            id: MeetingId(3),
            cell_id: OrgId(1),
            registered_at: now,
            status: MeetingStatus::Closed,
            late_documents: None,
            draft: MeetingDraft {
                kind: MeetingKind::Regular,
                title: "Sinh hoạt tháng 12".into(),
                starts_at: now,
                mode: MeetingMode::Online,
                place: String::new(),
                video_link: "https://hop.example.vn".into(),
                chair_id: Some(MemberId(1)),
                secretary_id: Some(MemberId(2)),
                agenda: standard_agenda(MeetingKind::Regular),
            },
            cancelled: None,
            rescheduled: None,
        }
    }

    /// A meeting of three, with one vote; `adopt` records the adoption.
    fn held(meeting: &Meeting, in_favour: i64, adopt: bool) -> LiveState {
        let roll = (1..=3)
            .map(|i| RosterEntry {
                member_id: MemberId(i),
                full_name: ["Nguyễn Văn An", "Trần Thị Bình", "Hờ A Páo"][i as usize - 1].into(),
                status: PartyStatus::Full,
                attached_elsewhere: false,
            })
            .collect();
        let mut state = LiveState::new(
            meeting.id,
            Setup {
                agenda: meeting.draft.agenda.clone(),
                rules: RuleSet::national_default().meeting_rules(),
                roll,
                chair: Some(MemberId(1)),
                secretary: Some(MemberId(2)),
                starts_at: Some(meeting.draft.starts_at),
                excused: Vec::new(),
            },
        );
        let now = meeting.draft.starts_at;
        let chair = Speaker::Member(MemberId(1));
        let mut run = |who: Speaker, c: Command| {
            for e in decide(&state, who, &c, now).unwrap() {
                apply(&mut state, &e);
            }
        };
        run(
            chair,
            Command::Open {
                confirm_early: false,
            },
        );
        for i in 1..=3 {
            let mark = AttendanceMark::new(MemberId(i), Presence::InPerson);
            run(chair, Command::Mark { mark });
        }
        run(
            Speaker::Member(MemberId(3)),
            Command::Opine {
                // What a bad keyboard or a paste sends: cleaned at input.
                text: "Đồng ý\u{0}\u{1}\u{1f} <với> & \"dự thảo\"".into(),
                on_behalf_of: None,
            },
        );
        run(
            chair,
            Command::OpenVote {
                kind: VoteKind::Resolution,
                ballot: Ballot::Open,
                question: "Thông qua nghị quyết".into(),
            },
        );
        for i in 1..=3 {
            let choice = if i <= in_favour {
                shared::live::state::Choice::InFavour
            } else {
                shared::live::state::Choice::Against
            };
            run(
                chair,
                Command::RecordBallot {
                    vote: 0,
                    member: MemberId(i),
                    choice,
                },
            );
        }
        run(chair, Command::CloseVote { vote: 0 });
        if adopt {
            run(chair, Command::AdoptMinutes);
        }
        run(chair, Command::Close);
        state
    }

    #[test]
    fn the_documents_say_what_the_record_holds() {
        let meeting = meeting();
        let state = held(&meeting, 3, true);
        let previous = shared::followup::TaskView::new(
            &meeting,
            0,
            shared::live::state::Task {
                assignee: None,
                assignee_name: "Chi ủy".into(),
                what: "Rà soát hồ sơ đảng viên".into(),
                due: None,
            },
            None,
            meeting.draft.starts_at.date(),
            false,
        );
        let register = shared::live::minutes::Register {
            resolution_ordinal: Some(3),
            previous_tasks: vec![previous],
            advance_opinions: vec![shared::preparation::AdvanceOpinion {
                meeting_id: meeting.id,
                item: 0,
                member_id: shared::MemberId(2),
                member_name: "Trần Thị Bình".into(),
                text: "Đề nghị cập nhật Chỉ thị 35 vào nội dung thông tin thời sự.".into(),
                sent_at: meeting.registered_at,
                updated_at: meeting.registered_at,
            }],
            score: None,
        };
        let m = shared::live::minutes::minutes(
            &state,
            &meeting,
            &Default::default(),
            &register,
            "ff00",
        );
        let minutes = document_texts(&minutes_docx(&m).unwrap());
        assert!(
            minutes.contains("1. Chi ủy: Rà soát hồ sơ đảng viên — Đang thực hiện."),
            "{minutes}"
        );
        assert!(minutes.contains("Đồng ý <với> & \"dự thảo\""), "{minutes}");
        assert!(
            minutes.contains("được chi bộ thông qua lúc 08 giờ 00"),
            "{minutes}"
        );
        assert!(minutes.contains("tại hội nghị (3 phiếu)"), "{minutes}");
        assert!(minutes.contains("Hờ A Páo"));
        assert!(
            minutes.contains("Góp ý gửi trước buổi sinh hoạt:")
                && minutes.contains(
                    "– Đồng chí Trần Thị Bình: Đề nghị cập nhật Chỉ thị 35 vào nội dung thông tin thời sự."
                ),
            "{minutes}"
        );
        let resolution = document_texts(&resolution_docx(&m).unwrap());
        assert!(resolution.contains("Số 03-NQ/CB"), "{resolution}");
        assert!(resolution.contains("NGHỊ QUYẾT"));
    }

    #[test]
    fn no_adoption_and_no_resolution_that_did_not_happen() {
        let meeting = meeting();
        let state = held(&meeting, 1, false);
        let m = shared::live::minutes::minutes(
            &state,
            &meeting,
            &Default::default(),
            &Default::default(),
            "ff00",
        );
        let minutes = document_texts(&minutes_docx(&m).unwrap());
        assert!(!minutes.contains("thông qua lúc"), "{minutes}");
        assert!(!minutes.contains("Biên bản đã được đọc lại"), "{minutes}");
        assert!(
            minutes.contains("Không tán thành") || minutes.contains("không được thông qua"),
            "{minutes}"
        );
        assert!(matches!(resolution_docx(&m), Err(DocumentError::NotPassed)));
    }

    #[test]
    fn text_from_before_cleaning_still_makes_valid_documents() {
        let meeting = meeting();
        let state = held(&meeting, 3, true);
        let mut m = shared::live::minutes::minutes(
            &state,
            &meeting,
            &Default::default(),
            &Default::default(),
            "ff00",
        );
        m.resolution_ordinal = Some(1);
        // A record written before input was cleaned.
        m.conclusion = "Kết\u{0}luận\u{b}\u{1b}".into();
        m.items[0].opinions[0].text = "\u{8}ý kiến".into();
        for bytes in [minutes_docx(&m).unwrap(), resolution_docx(&m).unwrap()] {
            let texts = document_texts(&bytes);
            assert!(texts.contains("Kếtluận"), "{texts}");
        }
    }
}
