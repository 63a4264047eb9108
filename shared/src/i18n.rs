//! The two languages of the product and the messages written in both.
//!
//! Every message a person reads (a refused form, a refused command in the
//! room, an explanation of a vote) is a typed value with a stable code. Its
//! Vietnamese text is its `Display` (the `#[error]` of a `thiserror` enum);
//! its English text comes from one exhaustive `match` per type, with no
//! catch-all arm, so a new variant without English does not compile.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The language a person reads the product in. Vietnamese is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// The BCP 47 tag, as in `<html lang>` and `Accept-Language`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The language an `Accept-Language` header asks for: English when its
    /// first choice is English, else Vietnamese.
    pub fn from_accept_language(header: &str) -> Lang {
        let first = header
            .split(',')
            .next()
            .and_then(|tag| tag.split(';').next())
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if first == "en" || first.starts_with("en-") {
            Lang::En
        } else {
            Lang::Vi
        }
    }
}

/// One of two texts, by language.
pub fn tr<T>(lang: Lang, vi: T, en: T) -> T {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// A message for people, in both languages.
pub trait Message: fmt::Display {
    /// The stable code and the English text, from one exhaustive match.
    fn english(&self) -> (&'static str, String);

    /// Stable and machine-readable, e.g. `name_empty`.
    fn code(&self) -> &'static str {
        self.english().0
    }

    fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.to_string(),
            Lang::En => self.english().1,
        }
    }
}

impl<M: Message + ?Sized> Message for &M {
    fn english(&self) -> (&'static str, String) {
        (**self).english()
    }
}

/// A message already written in both languages, for a place that must carry
/// it before the reader's language is known (the server's error answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    pub code: &'static str,
    pub vi: String,
    pub en: String,
}

impl Localized {
    pub fn new(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Localized {
        Localized {
            code,
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn of(message: &(impl Message + ?Sized)) -> Localized {
        let (code, en) = message.english();
        Localized {
            code,
            vi: message.to_string(),
            en,
        }
    }

    pub fn text(&self, lang: Lang) -> &str {
        tr(lang, &self.vi, &self.en)
    }
}

impl fmt::Display for Localized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.vi)
    }
}

impl Message for Localized {
    fn english(&self) -> (&'static str, String) {
        (self.code, self.en.clone())
    }
}

/// Whether a text has a letter only Vietnamese writes: ă â đ ê ô ơ ư or a
/// tone mark (either precomposed or as a combining mark).
pub fn has_vietnamese(text: &str) -> bool {
    text.chars().any(is_vietnamese_letter)
}

fn is_vietnamese_letter(c: char) -> bool {
    const LETTERS: &str = "ăâđêôơưĂÂĐÊÔƠƯ\
        àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ\
        ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ";
    // Combining grave, acute, tilde, hook above, dot below, breve, circumflex, horn.
    LETTERS.contains(c)
        || matches!(
            c,
            '\u{300}'
                | '\u{301}'
                | '\u{303}'
                | '\u{309}'
                | '\u{323}'
                | '\u{306}'
                | '\u{302}'
                | '\u{31B}'
        )
}

/// Checks the English texts of sample values: each one present and without
/// Vietnamese letters; the codes are snake_case. For the tests of each type.
#[cfg(test)]
pub(crate) fn assert_english(samples: &[&dyn Message]) {
    for m in samples {
        let (code, en) = m.english();
        assert!(!en.trim().is_empty(), "{code}: no English text");
        assert!(!has_vietnamese(&en), "{code}: Vietnamese in English: {en}");
        assert!(!code.is_empty(), "{en}: no code");
        assert!(
            code.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "code not snake_case: {code}"
        );
        assert!(
            !m.to_string().trim().is_empty(),
            "{code}: no Vietnamese text"
        );
    }
}

#[cfg(test)]
mod every_message;

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn vietnamese_letters_are_seen_and_english_is_not() {
        assert!(has_vietnamese("Họ và tên"));
        assert!(has_vietnamese("Đảng"));
        assert!(has_vietnamese("ư"));
        assert!(has_vietnamese("Ho\u{323}"), "a combining dot below");
        assert!(!has_vietnamese(
            "Full name must not be empty (at most 100 characters)."
        ));
        assert!(!has_vietnamese("“quoted” — 12:30, 58.3%"));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn accept_language_picks_english_only_when_first() {
        assert_eq!(Lang::from_accept_language("en"), Lang::En);
        assert_eq!(Lang::from_accept_language("en-GB,vi;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("EN-us"), Lang::En);
        assert_eq!(Lang::from_accept_language("vi"), Lang::Vi);
        assert_eq!(Lang::from_accept_language("vi-VN,en;q=0.8"), Lang::Vi);
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
        assert_eq!(Lang::from_accept_language("eng"), Lang::Vi);
        assert_eq!(Lang::from_accept_language("*"), Lang::Vi);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn localized_texts_follow_the_language() {
        let m = Localized::new("x", "Tiếng Việt", "English");
        assert_eq!(m.text(Lang::Vi), "Tiếng Việt");
        assert_eq!(m.text(Lang::En), "English");
        assert_eq!(Message::text(&m, Lang::Vi), "Tiếng Việt");
        assert_eq!(m.code(), "x");
    }
}
