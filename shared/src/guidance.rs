//! The committee's monthly guidance (định hướng sinh hoạt): every month the
//! grassroots committee (đảng ủy) meets, then posts its resolution, the guidance
//! for the cells' meetings (tài liệu định hướng sinh hoạt) and the upper
//! levels' documents. Every cell below sees them; they fill the item "Thông
//! tin thời sự, văn bản chỉ đạo của cấp trên" of each cell's regular meeting
//! that month; the committee sees which cells opened them.
//!
//! Here: the post and its limits, who may post and who sees it, the agenda
//! notes it fills, and the committee's list of cells that opened it or not.
//! The documents themselves are `crate::files`'s kinds, size and type check.

use crate::access::Actor;
use crate::calendar::{self, CalendarError};
use crate::error::{FieldError, FieldErrors};
use crate::files::FileKind;
use crate::ids::OrgId;
use crate::meeting::{AgendaItem, MAX_NOTES_CHARS, NEWS_ITEM_TITLE};
use crate::org::OrgKind;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// Longest title of a post, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest text of a post, in characters (the documents carry the rest).
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Documents one post may carry.
pub const MAX_FILES_PER_POST: usize = 20;
/// Posts one committee may make for one month.
pub const MAX_POSTS_PER_MONTH: usize = 20;

macro_rules! guidance_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

guidance_id!(
    /// A committee's guidance post (hướng dẫn, định hướng sinh hoạt).
    GuidanceId
);
guidance_id!(
    /// A document attached to a guidance post.
    GuidanceFileId
);

/// What the committee fills in to post its guidance for a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GuidanceDraft {
    /// E.g. "Định hướng sinh hoạt chi bộ tháng 12/2026".
    pub title: String,
    /// The month the guidance is for.
    pub year: i32,
    /// 1–12.
    pub month: u32,
    #[serde(default)]
    pub text: String,
}

/// Why a post or its document is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GuidanceError {
    #[error("Tiêu đề không được để trống.")]
    TitleMissing,
    #[error("Tiêu đề quá dài (tối đa {MAX_TITLE_CHARS} ký tự).")]
    TitleTooLong,
    #[error("Nội dung quá dài (tối đa {MAX_TEXT_CHARS} ký tự).")]
    TextTooLong,
    #[error("{0}")]
    Month(CalendarError),
    #[error("Mỗi định hướng có tối đa {MAX_FILES_PER_POST} tài liệu.")]
    TooManyFiles,
    #[error("Mỗi cấp ủy đăng tối đa {MAX_POSTS_PER_MONTH} định hướng cho một tháng.")]
    TooManyPosts,
}

impl crate::i18n::Message for GuidanceError {
    fn english(&self) -> (&'static str, String) {
        use GuidanceError::*;
        match self {
            TitleMissing => ("title_missing", "The title must not be empty.".into()),
            TitleTooLong => (
                "title_too_long",
                format!("The title is too long (at most {MAX_TITLE_CHARS} characters)."),
            ),
            TextTooLong => (
                "text_too_long",
                format!("The text is too long (at most {MAX_TEXT_CHARS} characters)."),
            ),
            Month(e) => e.english(),
            TooManyFiles => (
                "too_many_files",
                format!("A guidance has at most {MAX_FILES_PER_POST} documents."),
            ),
            TooManyPosts => (
                "too_many_posts",
                format!("A committee posts at most {MAX_POSTS_PER_MONTH} guidances for one month."),
            ),
        }
    }
}

impl GuidanceError {
    pub fn field(&self) -> &'static str {
        match self {
            GuidanceError::TitleMissing | GuidanceError::TitleTooLong => "title",
            GuidanceError::TextTooLong => "text",
            GuidanceError::Month(e) => e.field(),
            GuidanceError::TooManyFiles | GuidanceError::TooManyPosts => "",
        }
    }
}

impl GuidanceDraft {
    /// The draft cleaned (`crate::text`), or every reason it is refused.
    pub fn check(&self) -> Result<GuidanceDraft, FieldErrors> {
        let title = crate::text::clean_trimmed(&self.title);
        let text = crate::text::clean(&self.text).trim_end().to_string();
        let mut errs = Vec::new();
        if title.is_empty() {
            errs.push(GuidanceError::TitleMissing);
        } else if title.chars().count() > MAX_TITLE_CHARS {
            errs.push(GuidanceError::TitleTooLong);
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            errs.push(GuidanceError::TextTooLong);
        }
        if let Err(e) = calendar::check_month(self.year, self.month) {
            errs.push(GuidanceError::Month(e));
        }
        if errs.is_empty() {
            Ok(GuidanceDraft {
                title,
                text,
                ..self.clone()
            })
        } else {
            Err(FieldErrors(
                errs.iter().map(|e| FieldError::of(e.field(), e)).collect(),
            ))
        }
    }
}

/// Whether an organization of this kind posts guidance: the committees
/// (đảng bộ, đảng bộ cơ sở), not cells or groups.
pub fn posts_guidance(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::PartyCommittee | OrgKind::GrassrootsCommittee)
}

/// Who posts, adds documents to and removes the guidance of the committee at
/// the end of `path`: those who sit on that committee (đảng ủy viên), and
/// administrators. A committee above writes its own guidance, on its own page.
pub fn may_post(actor: &Actor, path: &[OrgId]) -> bool {
    path.last()
        .is_some_and(|c| actor.is_admin || actor.committee_of.contains(c))
}

/// Whether the actor sees the guidance of the committee at the end of
/// `committee_path`: whoever reads that committee (its members, the levels
/// above, administrators) and every member of an organization below it.
/// `own_paths` are the paths of the organizations the actor sits in or
/// follows (the cell of their seat, their committees, their assigned cells).
pub fn sees(actor: &Actor, committee_path: &[OrgId], own_paths: &[Vec<OrgId>]) -> bool {
    let Some(committee) = committee_path.last() else {
        return false;
    };
    actor.can_read(committee_path) || own_paths.iter().any(|p| p.contains(committee))
}

/// A document of a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GuidanceFile {
    pub id: GuidanceFileId,
    pub guidance_id: GuidanceId,
    pub name: String,
    pub kind: FileKind,
    pub size: u64,
    /// Local time in Vietnam.
    pub uploaded_at: NaiveDateTime,
    pub uploaded_by: String,
}

/// A guidance post as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Guidance {
    pub id: GuidanceId,
    pub committee_id: OrgId,
    /// The committee's name (e.g. "Đảng bộ Cục Quản lý thị trường").
    pub committee: String,
    pub title: String,
    pub year: i32,
    pub month: u32,
    pub text: String,
    /// Local time in Vietnam.
    pub posted_at: NaiveDateTime,
    pub posted_by: String,
    pub files: Vec<GuidanceFile>,
    /// Whether the reader opened it (the post or one of its documents);
    /// the app marks the others "mới".
    pub opened_by_me: bool,
    /// Whether the reader may add documents to it and remove it (`may_post`).
    pub manageable: bool,
}

/// The guidance that applies to an organization for a month: its own (for a
/// committee) and its committees'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GuidanceList {
    pub year: i32,
    pub month: u32,
    /// Whether the reader may post for this organization (a committee).
    pub may_post: bool,
    /// The upper levels' first, then by posting time.
    pub posts: Vec<Guidance>,
}

/// A reader who opened a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Opener {
    pub name: String,
    /// Local time in Vietnam, the first opening.
    pub opened_at: NaiveDateTime,
}

/// One cell below the committee: opened or not, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CellReach {
    pub cell_id: OrgId,
    pub cell: String,
    pub opened: bool,
    /// Earliest first.
    pub openers: Vec<Opener>,
}

/// Which cells below the committee opened a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GuidanceReach {
    pub guidance_id: GuidanceId,
    pub opened_cells: u32,
    pub total_cells: u32,
    /// Cells not opened first, each group in the order given.
    pub cells: Vec<CellReach>,
}

/// One reader's first opening of a post, with the cell of their member record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadBy {
    pub cell: Option<OrgId>,
    pub name: String,
    pub at: NaiveDateTime,
}

/// The committee's list: each cell below (`cells`: id and name), opened
/// when a member of it opened the post. Openings by readers of no listed cell
/// (the committee's own members, visitors) count for no cell.
pub fn reach(guidance: GuidanceId, cells: &[(OrgId, String)], opens: &[ReadBy]) -> GuidanceReach {
    let mut rows: Vec<CellReach> = cells
        .iter()
        .map(|(id, name)| {
            let mut openers: Vec<Opener> = opens
                .iter()
                .filter(|o| o.cell == Some(*id))
                .map(|o| Opener {
                    name: o.name.clone(),
                    opened_at: o.at,
                })
                .collect();
            openers.sort_by(|a, b| a.opened_at.cmp(&b.opened_at).then(a.name.cmp(&b.name)));
            CellReach {
                cell_id: *id,
                cell: name.clone(),
                opened: !openers.is_empty(),
                openers,
            }
        })
        .collect();
    rows.sort_by_key(|r| r.opened);
    let opened = rows.iter().filter(|r| r.opened).count();
    GuidanceReach {
        guidance_id: guidance,
        opened_cells: u32::try_from(opened).unwrap_or(u32::MAX),
        total_cells: u32::try_from(rows.len()).unwrap_or(u32::MAX),
        cells: rows,
    }
}

/// The notes the guidance of `year`/`month` gives the news item: a heading,
/// then each post's committee and title, and a line per document. Empty when
/// no post is for that month.
pub fn agenda_notes(posts: &[Guidance], year: i32, month: u32) -> String {
    let posts: Vec<&Guidance> = posts
        .iter()
        .filter(|p| p.year == year && p.month == month)
        .collect();
    if posts.is_empty() {
        return String::new();
    }
    let mut notes = format!("Định hướng sinh hoạt tháng {month}/{year} của cấp trên:");
    for (i, p) in posts.iter().enumerate() {
        notes.push_str(&format!("\n{}. {}: {}", i + 1, p.committee, p.title));
        for f in &p.files {
            notes.push_str(&format!("\n   - Tài liệu: {}", f.name));
        }
    }
    notes
}

/// Fills the notes of the news item ("Thông tin thời sự, văn bản chỉ đạo của
/// cấp trên…") of a meeting in `year`/`month` with that month's guidance, when
/// the item is there and its notes are empty (what the secretary typed is
/// kept). Cut to the notes' limit. Returns whether it filled anything.
pub fn prefill_news(agenda: &mut [AgendaItem], posts: &[Guidance], year: i32, month: u32) -> bool {
    let Some(item) = agenda.iter_mut().find(|i| i.title == NEWS_ITEM_TITLE) else {
        return false;
    };
    if !item.notes.trim().is_empty() {
        return false;
    }
    let notes = agenda_notes(posts, year, month);
    if notes.is_empty() {
        return false;
    }
    item.notes = notes.chars().take(MAX_NOTES_CHARS).collect();
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::CellSeat;
    use crate::ids::{AccountId, MemberId};
    use crate::meeting::{MeetingKind, standard_agenda};
    use crate::member::CellRole;
    use chrono::NaiveDate;

    const ROOT: OrgId = OrgId(1);
    const GRASS: OrgId = OrgId(2);
    const CELL_A: OrgId = OrgId(3);
    const CELL_B: OrgId = OrgId(4);
    const OTHER_GRASS: OrgId = OrgId(5);
    const CELL_C: OrgId = OrgId(6);

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn actor() -> Actor {
        Actor {
            account_id: AccountId(1),
            is_admin: false,
            seat: None,
            committee_of: vec![],
            assigned_cells: vec![],
        }
    }

    fn member_of(cell: OrgId, role: CellRole) -> Actor {
        Actor {
            seat: Some(CellSeat {
                cell_id: cell,
                member_id: MemberId(9),
                role,
            }),
            ..actor()
        }
    }

    fn draft(title: &str, year: i32, month: u32, text: &str) -> GuidanceDraft {
        GuidanceDraft {
            title: title.into(),
            year,
            month,
            text: text.into(),
        }
    }

    fn fields(e: FieldErrors) -> Vec<String> {
        e.0.into_iter().map(|f| f.field).collect()
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn a_draft_is_cleaned_and_checked() {
        let ok = draft(
            "  Định hướng sinh hoạt chi bộ tháng 12/2026\u{7} ",
            2026,
            12,
            "Tập trung quán triệt Nghị quyết.\r\n",
        )
        .check()
        .unwrap();
        assert_eq!(ok.title, "Định hướng sinh hoạt chi bộ tháng 12/2026");
        assert_eq!(ok.text, "Tập trung quán triệt Nghị quyết.");
        assert_eq!(
            fields(draft(" ", 2026, 12, "").check().unwrap_err()),
            ["title"]
        );
        let long_title = "Đ".repeat(MAX_TITLE_CHARS + 1);
        assert_eq!(
            fields(draft(&long_title, 2026, 12, "").check().unwrap_err()),
            ["title"]
        );
        assert!(
            draft(&"Đ".repeat(MAX_TITLE_CHARS), 2026, 12, "")
                .check()
                .is_ok()
        );
        let long_text = "ư".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            fields(draft("Tháng 12", 2026, 12, &long_text).check().unwrap_err()),
            ["text"]
        );
        assert!(
            draft("Tháng 12", 2026, 12, &"ư".repeat(MAX_TEXT_CHARS))
                .check()
                .is_ok()
        );
        assert_eq!(
            fields(draft("Tháng 13", 2026, 13, "").check().unwrap_err()),
            ["month"]
        );
        assert_eq!(
            fields(draft("Tháng 0", 2026, 0, "").check().unwrap_err()),
            ["month"]
        );
        assert_eq!(
            fields(draft("", 1999, 5, "").check().unwrap_err()),
            ["title", "year"]
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_committee_posts_and_everyone_below_sees() {
        let grass = [ROOT, GRASS];
        let committee = Actor {
            committee_of: vec![GRASS],
            ..actor()
        };
        let province = Actor {
            committee_of: vec![ROOT],
            ..actor()
        };
        let secretary_a = member_of(CELL_A, CellRole::Secretary);
        let member_a = member_of(CELL_A, CellRole::Member);
        let member_c = member_of(CELL_C, CellRole::Member);
        let admin = Actor {
            is_admin: true,
            ..actor()
        };
        // Posting: the committee itself and administrators only.
        assert!(may_post(&committee, &grass));
        assert!(may_post(&admin, &grass));
        assert!(!may_post(&province, &grass), "a level above posts its own");
        assert!(may_post(&province, &[ROOT]));
        assert!(!may_post(&secretary_a, &grass));
        assert!(!may_post(&member_a, &grass));
        assert!(!may_post(&admin, &[]));
        // Seeing: the committee, the levels above, every member below.
        let own = |a: &Actor| -> Vec<Vec<OrgId>> {
            let mut p = Vec::new();
            if let Some(s) = a.seat {
                p.push(match s.cell_id {
                    CELL_A => vec![ROOT, GRASS, CELL_A],
                    CELL_B => vec![ROOT, GRASS, CELL_B],
                    _ => vec![ROOT, OTHER_GRASS, CELL_C],
                });
            }
            for c in &a.committee_of {
                p.push(if *c == ROOT {
                    vec![ROOT]
                } else {
                    vec![ROOT, *c]
                });
            }
            p
        };
        for (name, who, want) in [
            ("committee", &committee, true),
            ("province", &province, true),
            ("secretary A", &secretary_a, true),
            ("member A", &member_a, true),
            ("member of another committee's cell", &member_c, false),
            ("admin", &admin, true),
            ("nobody", &actor(), false),
        ] {
            assert_eq!(sees(who, &grass, &own(who)), want, "{name}");
        }
        // The province's guidance reaches every cell of the province.
        assert!(sees(&member_c, &[ROOT], &own(&member_c)));
        assert!(!sees(&member_a, &[], &own(&member_a)));
        assert!(posts_guidance(OrgKind::GrassrootsCommittee));
        assert!(posts_guidance(OrgKind::PartyCommittee));
        assert!(!posts_guidance(OrgKind::Cell));
        assert!(!posts_guidance(OrgKind::Group));
    }

    fn post(id: i64, committee: &str, title: &str, month: u32, files: &[&str]) -> Guidance {
        Guidance {
            id: GuidanceId(id),
            committee_id: GRASS,
            committee: committee.into(),
            title: title.into(),
            year: 2026,
            month,
            text: String::new(),
            posted_at: at(1, 8),
            posted_by: "Trần Văn Bình".into(),
            files: files
                .iter()
                .enumerate()
                .map(|(i, n)| GuidanceFile {
                    id: GuidanceFileId(i as i64 + 1),
                    guidance_id: GuidanceId(id),
                    name: (*n).into(),
                    kind: FileKind::Pdf,
                    size: 1000,
                    uploaded_at: at(1, 9),
                    uploaded_by: "Trần Văn Bình".into(),
                })
                .collect(),
            opened_by_me: false,
            manageable: false,
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_news_item_is_prefilled_with_the_months_guidance() {
        let posts = [
            post(
                1,
                "Đảng bộ Khối các cơ quan tỉnh",
                "Hướng dẫn sinh hoạt tháng 12",
                12,
                &["Hướng dẫn 15-HD-ĐUK.pdf"],
            ),
            post(
                2,
                "Đảng bộ Cục Quản lý thị trường",
                "Định hướng sinh hoạt chi bộ tháng 12/2026",
                12,
                &[
                    "Nghị quyết Đảng ủy tháng 12.pdf",
                    "Tài liệu định hướng.docx",
                ],
            ),
            post(3, "Đảng bộ Cục Quản lý thị trường", "Tháng 11", 11, &[]),
        ];
        let mut agenda = standard_agenda(MeetingKind::Regular);
        assert!(prefill_news(&mut agenda, &posts, 2026, 12));
        let item = agenda.iter().find(|i| i.title == NEWS_ITEM_TITLE).unwrap();
        assert_eq!(
            item.notes,
            "Định hướng sinh hoạt tháng 12/2026 của cấp trên:\n\
             1. Đảng bộ Khối các cơ quan tỉnh: Hướng dẫn sinh hoạt tháng 12\n   \
             - Tài liệu: Hướng dẫn 15-HD-ĐUK.pdf\n\
             2. Đảng bộ Cục Quản lý thị trường: Định hướng sinh hoạt chi bộ tháng 12/2026\n   \
             - Tài liệu: Nghị quyết Đảng ủy tháng 12.pdf\n   \
             - Tài liệu: Tài liệu định hướng.docx"
        );
        // Only the news item changes.
        let untouched = standard_agenda(MeetingKind::Regular);
        for (a, b) in agenda.iter().zip(&untouched) {
            if a.title != NEWS_ITEM_TITLE {
                assert_eq!(a, b);
            }
        }
        // Typed notes are kept; no post for the month, no item: nothing.
        assert!(!prefill_news(&mut agenda, &posts, 2026, 12));
        let mut fresh = standard_agenda(MeetingKind::Regular);
        assert!(!prefill_news(&mut fresh, &posts, 2027, 1));
        assert!(!prefill_news(&mut fresh, &[], 2026, 12));
        let mut thematic = standard_agenda(MeetingKind::Thematic);
        assert!(!prefill_news(&mut thematic, &posts, 2026, 12));
        // Cut to the notes' limit.
        let many: Vec<Guidance> = (0..MAX_FILES_PER_POST)
            .map(|i| {
                let name = format!("{i} {}", "Văn bản chỉ đạo ".repeat(20));
                let names = vec![name.as_str(); MAX_FILES_PER_POST];
                post(i as i64, "Đảng ủy", &"Hướng dẫn ".repeat(30), 12, &names)
            })
            .collect();
        let mut agenda = standard_agenda(MeetingKind::Combined);
        assert!(prefill_news(&mut agenda, &many, 2026, 12));
        let item = agenda.iter().find(|i| i.title == NEWS_ITEM_TITLE).unwrap();
        assert_eq!(item.notes.chars().count(), MAX_NOTES_CHARS);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_reach_lists_cells_not_opened_first() {
        let cells = [
            (CELL_A, "Chi bộ Văn phòng".to_string()),
            (CELL_B, "Chi bộ Nghiệp vụ – Thanh tra".to_string()),
            (CELL_C, "Chi bộ Đội số 1".to_string()),
        ];
        let opens = [
            ReadBy {
                cell: Some(CELL_A),
                name: "Lê Thị Hoa".into(),
                at: at(3, 10),
            },
            ReadBy {
                cell: Some(CELL_A),
                name: "Nguyễn Văn An".into(),
                at: at(2, 9),
            },
            // A committee member without a seat in a listed cell counts for none.
            ReadBy {
                cell: None,
                name: "Trịnh Minh Tuấn".into(),
                at: at(2, 8),
            },
            ReadBy {
                cell: Some(OTHER_GRASS),
                name: "Người ngoài".into(),
                at: at(2, 8),
            },
        ];
        let r = reach(GuidanceId(4), &cells, &opens);
        assert_eq!((r.opened_cells, r.total_cells), (1, 3));
        let order: Vec<(OrgId, bool)> = r.cells.iter().map(|c| (c.cell_id, c.opened)).collect();
        assert_eq!(order, [(CELL_B, false), (CELL_C, false), (CELL_A, true)]);
        let a = &r.cells[2];
        assert_eq!(
            a.openers,
            [
                Opener {
                    name: "Nguyễn Văn An".into(),
                    opened_at: at(2, 9)
                },
                Opener {
                    name: "Lê Thị Hoa".into(),
                    opened_at: at(3, 10)
                },
            ]
        );
        let none = reach(GuidanceId(4), &cells, &[]);
        assert_eq!(none.opened_cells, 0);
        assert!(none.cells.iter().all(|c| !c.opened && c.openers.is_empty()));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn what_the_app_reads_round_trips_through_json() {
        let list = GuidanceList {
            year: 2026,
            month: 12,
            may_post: true,
            posts: vec![post(
                2,
                "Đảng bộ Cục Quản lý thị trường",
                "Định hướng sinh hoạt chi bộ tháng 12/2026",
                12,
                &["Nghị quyết số 45-NQ/ĐU.pdf"],
            )],
        };
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(serde_json::from_str::<GuidanceList>(&json).unwrap(), list);
        let r = reach(
            GuidanceId(2),
            &[(CELL_A, "Chi bộ Văn phòng".into())],
            &[ReadBy {
                cell: Some(CELL_A),
                name: "Phạm Thị Thu Hằng".into(),
                at: at(2, 7),
            }],
        );
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<GuidanceReach>(&json).unwrap(), r);
        let d = draft(
            "Định hướng tháng 1/2027",
            2027,
            1,
            "Học tập Nghị quyết Đại hội",
        );
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<GuidanceDraft>(&json).unwrap(), d);
    }
}
