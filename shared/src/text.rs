//! Text as people type it, made safe for the record: control characters
//! (U+0000–U+001F other than tab and newline, U+007F–U+009F) are removed and
//! line ends become `\n`. They cannot be written in a .docx (XML 1.0 forbids
//! most of them) and mean nothing in minutes; removing them at input keeps the
//! stored record, the minutes and the documents valid.

/// The text without control characters, its line ends as `\n`.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\t' | '\n' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `clean`, then trimmed.
pub fn clean_trimmed(s: &str) -> String {
    let cleaned = clean(s);
    let t = cleaned.trim();
    if t.len() == cleaned.len() {
        cleaned
    } else {
        t.to_string()
    }
}

/// Whether the text is already clean.
pub fn is_clean(s: &str) -> bool {
    !s.chars()
        .any(|c| c == '\r' || (c.is_control() && c != '\t' && c != '\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn control_characters_leave_vietnamese_stays() {
        let typed = "Đồng chí\u{0} Lò Văn Pấng\u{1b}[31m\r\nđề nghị\ttăng\u{7f}\u{85} cường\r";
        let c = clean(typed);
        assert_eq!(c, "Đồng chí Lò Văn Pấng[31m\nđề nghị\ttăng cường\n");
        assert!(is_clean(&c));
        assert!(!is_clean(typed));
        assert_eq!(clean_trimmed("  \u{8}Tán thành \n"), "Tán thành");
    }
}
