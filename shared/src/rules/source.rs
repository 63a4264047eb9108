//! Where a rule comes from (căn cứ): every value of a rule set carries the
//! document it rests on, so a committee, an auditor or a member can check it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The document a rule rests on (văn bản căn cứ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Source {
    /// Số hiệu văn bản, e.g. "Hướng dẫn 12-HD/BTCTW".
    pub document: String,
    /// Ngày ban hành: `YYYY-MM-DD`, or `YYYY` when only the year was verified,
    /// or empty when not even that was.
    #[serde(default)]
    pub date: String,
    /// Which provision, or why we read it this way.
    #[serde(default)]
    pub note: String,
    /// No central text was found; the value is our default
    /// (docs/rules.md#unconfirmed-defaults).
    #[serde(default)]
    pub unconfirmed: bool,
}

impl Source {
    pub fn new(document: &str, date: &str, note: &str) -> Source {
        Source {
            document: document.into(),
            date: date.into(),
            note: note.into(),
            unconfirmed: false,
        }
    }

    /// A default we chose where no central text was found.
    pub fn unconfirmed(document: &str, date: &str, note: &str) -> Source {
        Source {
            unconfirmed: true,
            ..Source::new(document, date, note)
        }
    }

    /// "Hướng dẫn 12-HD/BTCTW, 18/01/2018" (+ " (default, unconfirmed)"): the
    /// document keeps its own name.
    pub fn label_en(&self) -> String {
        let parts: Vec<&str> = self.date.split('-').collect();
        let date = match parts.as_slice() {
            [y, m, d] => format!("{d}/{m}/{y}"),
            [y] if !y.is_empty() => (*y).to_string(),
            _ => "date unknown".into(),
        };
        let unconfirmed = if self.unconfirmed {
            " (default, unconfirmed)"
        } else {
            ""
        };
        format!("{}, {date}{unconfirmed}", self.document)
    }

    pub fn label(&self, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Vi => self.to_string(),
            crate::i18n::Lang::En => self.label_en(),
        }
    }

    /// The date as Vietnamese write it: "ngày 18/01/2018", "năm 2025".
    pub fn date_vi(&self) -> String {
        let parts: Vec<&str> = self.date.split('-').collect();
        match parts.as_slice() {
            [y, m, d] => format!("ngày {d}/{m}/{y}"),
            [y] if !y.is_empty() => format!("năm {y}"),
            _ => "chưa rõ ngày ban hành".into(),
        }
    }
}

/// "Hướng dẫn 12-HD/BTCTW, ngày 18/01/2018" (+ " — chưa xác nhận" for our own defaults).
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", self.document, self.date_vi())?;
        if self.unconfirmed {
            f.write_str(" (mặc định, chưa xác nhận)")?;
        }
        Ok(())
    }
}

/// One value of a rule set together with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Rule<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Rule<T> {
    pub fn new(value: T, source: Source) -> Rule<T> {
        Rule { value, source }
    }
}

/// The documents the default rule set cites. Dates are given to the day only
/// where verified (docs/rules.md#sources lists each document and what was verified).
pub mod docs {
    use super::Source;

    /// Điều lệ Đảng (Charter), adopted by the 11th Congress, 2011.
    pub fn charter(note: &str) -> Source {
        Source::new("Điều lệ Đảng Cộng sản Việt Nam", "2011", note)
    }

    /// Quy định 24-QĐ/TW (2021) implementing the Charter; updated by QĐ 294-QĐ/TW
    /// and HD 06-HD/TW (2025).
    pub fn qd24(note: &str) -> Source {
        Source::new(
            "Quy định 24-QĐ/TW (cập nhật bởi Quy định 294-QĐ/TW, Hướng dẫn 06-HD/TW năm 2025)",
            "2021-07-30",
            note,
        )
    }

    /// Hướng dẫn 12-HD/BTCTW (2018) on meeting quality; updated by Chỉ thị 50-CT/TW
    /// and Hướng dẫn 42-HD/BTCTW (2025).
    pub fn hd12(note: &str) -> Source {
        Source::new(
            "Hướng dẫn 12-HD/BTCTW (cập nhật bởi Chỉ thị 50-CT/TW, Hướng dẫn 42-HD/BTCTW năm 2025)",
            "2018-01-18",
            note,
        )
    }

    /// Quy định 366-QĐ/TW (2025) on yearly rating, with Hướng dẫn 43-HD/BTCTW.
    pub fn qd366(note: &str) -> Source {
        Source::new("Quy định 366-QĐ/TW, Hướng dẫn 43-HD/BTCTW", "2025", note)
    }

    /// Phú Thọ's 100-point meeting sheet (docs/rules.md#meeting-scoring-sheets;
    /// document number not verified).
    pub fn phu_tho(note: &str) -> Source {
        Source::new(
            "Bảng chấm điểm chất lượng sinh hoạt chi bộ, Tỉnh ủy Phú Thọ",
            "",
            note,
        )
    }

    /// Bình Thuận's meeting sheet (docs/rules.md#meeting-scoring-sheets; document
    /// number not verified).
    pub fn binh_thuan(note: &str) -> Source {
        Source::new(
            "Tiêu chí chấm điểm chất lượng sinh hoạt chi bộ, Tỉnh ủy Bình Thuận",
            "",
            note,
        )
    }

    /// Từ Sơn's rule for committee members attending cells, as a press report gives it
    /// (docs/rules.md#upper-level-visits).
    pub fn tu_son(note: &str) -> Source {
        Source::new(
            "Quy định 09-QĐ/TU của Ban Thường vụ Thành ủy Từ Sơn (bài “Bám cơ sở, gần đảng viên”, 23/7/2024)",
            "2015-11-12",
            note,
        )
    }

    /// A default of this software, chosen where no text was found.
    pub fn ours(note: &str) -> Source {
        Source::unconfirmed("Mặc định của phần mềm Chi Bộ Số", "", note)
    }
}
