//! The documents of a meeting (tài liệu sinh hoạt): which files an agenda item
//! may carry, told from their content, never from their name; the size limit;
//! who may upload, delete and see how many opened them; and whether a document
//! came in late (HD 42: documents are available at least a day before).
//!
//! `server/src/documents.rs` is something else: it writes the minutes as .docx.

use crate::access::Access;
use crate::ids::{MeetingId, MemberId};
use crate::meeting::{AgendaItem, MeetingStatus};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// Largest document accepted: 20 MiB.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// A stored document is cut into rows of this size (256 KiB), written as the
/// upload arrives and read back one at a time.
pub const CHUNK_BYTES: usize = 256 * 1024;
/// Longest file name kept, in characters (longer ones are cut, keeping the extension).
pub const MAX_FILE_NAME_CHARS: usize = 200;
/// Documents one agenda item may carry.
pub const MAX_FILES_PER_ITEM: usize = 20;
/// How much of a file's start and end the type check reads: the magic bytes,
/// the zip's central directory, the compound file's directory.
pub const SNIFF_HEAD_BYTES: usize = 256 * 1024;
pub const SNIFF_TAIL_BYTES: usize = 256 * 1024;

/// A stored document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct FileId(pub i64);

impl fmt::Display for FileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The kinds of document accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Pdf,
    /// Word 97–2003 (.doc), an OLE compound file.
    Doc,
    /// Word (.docx), a zip with `word/…` parts.
    Docx,
    /// Excel 97–2003 (.xls), an OLE compound file.
    Xls,
    /// Excel (.xlsx), a zip with `xl/…` parts.
    Xlsx,
    Png,
    Jpeg,
    Webp,
}

impl FileKind {
    pub const ALL: [FileKind; 8] = [
        FileKind::Pdf,
        FileKind::Doc,
        FileKind::Docx,
        FileKind::Xls,
        FileKind::Xlsx,
        FileKind::Png,
        FileKind::Jpeg,
        FileKind::Webp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Doc => "doc",
            FileKind::Docx => "docx",
            FileKind::Xls => "xls",
            FileKind::Xlsx => "xlsx",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpeg",
            FileKind::Webp => "webp",
        }
    }

    pub fn parse(s: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The `Content-Type` a download is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Doc => "application/msword",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xls => "application/vnd.ms-excel",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Webp => "image/webp",
        }
    }

    /// The usual extensions, the first one added to a name that has none of them.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Doc => &["doc"],
            FileKind::Docx => &["docx"],
            FileKind::Xls => &["xls"],
            FileKind::Xlsx => &["xlsx"],
            FileKind::Png => &["png"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Webp => &["webp"],
        }
    }

    /// A short label for lists ("PDF", "Word"…).
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Doc | FileKind::Docx => "Word",
            FileKind::Xls | FileKind::Xlsx => "Excel",
            FileKind::Png => "PNG",
            FileKind::Jpeg => "JPEG",
            FileKind::Webp => "WebP",
        }
    }
}

/// The file input's `accept`: a hint for the browser's picker; the server
/// checks the content.
pub const ACCEPT: &str = ".pdf,.doc,.docx,.xls,.xlsx,.png,.jpg,.jpeg,.webp";

fn extension(name: &str) -> Option<String> {
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|e| !e.is_empty())
}

/// The kind of a document, from its content. `head` is the file's first
/// bytes (at least its first `SNIFF_HEAD_BYTES`, or all of it), `tail` its
/// last bytes (up to `SNIFF_TAIL_BYTES`), `len` its whole length. `name` is
/// read in one case only: an old Office compound file (.doc or .xls) whose
/// directory lies in neither part is told by its extension — its content was
/// still checked to be a compound file.
///
/// - `%PDF-` → PDF; the PNG signature; `FF D8 FF` → JPEG; `RIFF….WEBP` → WebP;
/// - an OLE compound file (`D0 CF 11 E0 A1 B1 1A E1`) whose directory names a
///   `WordDocument` stream → .doc, a `Workbook` or `Book` stream → .xls;
/// - a zip (`PK\3\4`) whose central directory names `word/document.xml` →
///   .docx, `xl/workbook.xml` → .xlsx (both with `[Content_Types].xml`).
///
/// Anything else (an executable, a zip that is not Office, text) is `None`.
pub fn sniff(head: &[u8], tail: &[u8], len: u64, name: &str) -> Option<FileKind> {
    if head.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        Some(FileKind::Webp)
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        compound_kind(head, tail, len).or_else(|| match extension(name).as_deref() {
            Some("doc") => Some(FileKind::Doc),
            Some("xls") => Some(FileKind::Xls),
            _ => None,
        })
    } else if head.starts_with(b"PK\x03\x04") {
        zip_kind(head, tail, len)
    } else {
        None
    }
}

/// `sniff` for a file held whole.
pub fn sniff_bytes(bytes: &[u8], name: &str) -> Option<FileKind> {
    sniff(bytes, bytes, bytes.len() as u64, name)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The bytes `[offset, offset + n)` of the file, if `head` or `tail` holds them.
fn range<'a>(head: &'a [u8], tail: &'a [u8], len: u64, offset: u64, n: usize) -> Option<&'a [u8]> {
    let end = offset.checked_add(n as u64)?;
    if end <= head.len() as u64 {
        return head.get(offset as usize..end as usize);
    }
    let tail_start = len.checked_sub(tail.len() as u64)?;
    if offset >= tail_start && end <= len {
        let from = (offset - tail_start) as usize;
        return tail.get(from..from + n);
    }
    None
}

/// The names in the zip's central directory tell Word from Excel.
fn zip_kind(head: &[u8], tail: &[u8], len: u64) -> Option<FileKind> {
    // End of central directory: 22 bytes and a comment of up to 64 KiB.
    let eocd = (0..=tail.len().checked_sub(22)?)
        .rev()
        .take(22 + usize::from(u16::MAX))
        .find(|&i| tail[i..].starts_with(b"PK\x05\x06"))?;
    let entries = u16_at(tail, eocd + 10)?;
    let size = u32_at(tail, eocd + 12)? as usize;
    let offset = u64::from(u32_at(tail, eocd + 16)?);
    let dir = range(head, tail, len, offset, size)?;
    let (mut word, mut excel, mut types) = (false, false, false);
    let mut at = 0;
    for _ in 0..entries {
        if !dir.get(at..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let name_len = usize::from(u16_at(dir, at + 28)?);
        let extra = usize::from(u16_at(dir, at + 30)?);
        let comment = usize::from(u16_at(dir, at + 32)?);
        let name = dir.get(at + 46..at + 46 + name_len)?;
        match name {
            b"word/document.xml" => word = true,
            b"xl/workbook.xml" => excel = true,
            b"[Content_Types].xml" => types = true,
            _ => {}
        }
        at += 46 + name_len + extra + comment;
    }
    match (types, word, excel) {
        (true, true, false) => Some(FileKind::Docx),
        (true, false, true) => Some(FileKind::Xlsx),
        _ => None,
    }
}

/// The streams named in a compound file's first directory sector tell Word
/// from Excel.
fn compound_kind(head: &[u8], tail: &[u8], len: u64) -> Option<FileKind> {
    let shift = u16_at(head, 0x1E)?;
    if !(7..=16).contains(&shift) {
        return None;
    }
    let sector = 1usize << shift;
    let first_dir = u32_at(head, 0x30)?;
    if first_dir >= 0xFFFF_FFFA {
        return None;
    }
    let offset = (u64::from(first_dir) + 1) * sector as u64;
    let dir = range(head, tail, len, offset, sector)?;
    for entry in dir.chunks_exact(128) {
        let name_bytes = usize::from(u16_at(entry, 0x40)?).min(64);
        let units: Vec<u16> = entry[..name_bytes]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0)
            .collect();
        match String::from_utf16_lossy(&units).as_str() {
            "WordDocument" => return Some(FileKind::Doc),
            "Workbook" | "Book" => return Some(FileKind::Xls),
            _ => {}
        }
    }
    None
}

/// A file name as kept: control characters and path parts removed, trimmed,
/// at most `MAX_FILE_NAME_CHARS` (the extension kept), the kind's extension
/// added when the name has none of the kind's; "tai-lieu" when nothing is left.
pub fn clean_name(name: &str, kind: FileKind) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let base = crate::text::clean_trimmed(base);
    let mut base = base.trim_matches('.').trim().to_string();
    if base.is_empty() {
        base = "tai-lieu".into();
    }
    let has_ext = extension(&base).is_some_and(|e| kind.extensions().contains(&e.as_str()));
    let ext = if has_ext {
        String::new()
    } else {
        format!(".{}", kind.extensions()[0])
    };
    let room = MAX_FILE_NAME_CHARS.saturating_sub(ext.chars().count());
    if base.chars().count() > room {
        let (stem, kept_ext) = match base.rsplit_once('.') {
            Some((s, e)) if has_ext => (s.to_string(), format!(".{e}")),
            _ => (base.clone(), String::new()),
        };
        let keep = room.saturating_sub(kept_ext.chars().count());
        base = stem.chars().take(keep).collect::<String>() + &kept_ext;
    }
    base + &ext
}

/// The `Content-Disposition` of a download (RFC 6266): an attachment, with
/// an ASCII `filename` for old clients (Vietnamese letters without their
/// marks) and the exact name, UTF-8 and percent-encoded, in `filename*` (RFC 5987).
pub fn content_disposition(name: &str) -> String {
    let mut ascii = String::with_capacity(name.len());
    for c in name.chars() {
        if (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | '%' | ';') {
            ascii.push(c);
        } else {
            let folded = crate::import::fold_vi(&c.to_string());
            match folded.chars().next() {
                Some(f) if folded.len() == 1 && f.is_ascii_alphanumeric() => {
                    ascii.push(if c.is_uppercase() {
                        f.to_ascii_uppercase()
                    } else {
                        f
                    })
                }
                _ => ascii.push('_'),
            }
        }
    }
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Whether a document uploaded at `uploaded_at` for a meeting starting at
/// `starts_at` is late: documents must be available at least `lead_days`
/// calendar days before the meeting's date (1, HD 42; `ScheduleRules::document_lead_days`).
/// A document uploaded on the day before counts as on time.
pub fn is_late(uploaded_at: NaiveDateTime, starts_at: NaiveDateTime, lead_days: u32) -> bool {
    let days_before = (starts_at.date() - uploaded_at.date()).num_days();
    days_before < i64::from(lead_days)
}

/// The last day a document is on time for a meeting on `meeting_day`.
pub fn deadline(meeting_day: NaiveDate, lead_days: u32) -> NaiveDate {
    meeting_day - chrono::Days::new(u64::from(lead_days))
}

/// Why a document cannot be added or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum FileError {
    #[error(
        "Tệp quá lớn: mỗi tài liệu tối đa 20 MB ({MAX_FILE_BYTES} byte). Hãy nén hoặc chia nhỏ tệp."
    )]
    TooLarge,
    #[error(
        "Chỉ nhận tài liệu PDF, Word (.doc, .docx), Excel (.xls, .xlsx) hoặc ảnh (PNG, JPEG, WebP); nội dung tệp không phải loại nào trong số này."
    )]
    UnsupportedType,
    #[error("Tệp rỗng.")]
    Empty,
    #[error("Buổi sinh hoạt đã kết thúc, không thêm tài liệu được nữa.")]
    MeetingClosed,
    #[error("Buổi sinh hoạt đã khai mạc, không xóa tài liệu được nữa.")]
    MeetingOpened,
    #[error("Mỗi nội dung có tối đa {MAX_FILES_PER_ITEM} tài liệu.")]
    TooMany,
    #[error(
        "Chỉ bí thư, chủ trì, thư ký hoặc người chuẩn bị nội dung này được thêm hay xóa tài liệu."
    )]
    NotPreparer,
}

impl crate::i18n::Message for FileError {
    fn english(&self) -> (&'static str, String) {
        use FileError::*;
        match self {
            TooLarge => ("too_large", format!("The file is too large: each document is at most 20 MB ({MAX_FILE_BYTES} bytes). Compress or split the file.")),
            UnsupportedType => ("unsupported_type", "Only PDF, Word (.doc, .docx), Excel (.xls, .xlsx) documents or images (PNG, JPEG, WebP) are accepted; the file's content is none of these.".into()),
            Empty => ("empty", "The file is empty.".into()),
            MeetingClosed => ("meeting_closed", "The meeting has ended: no more documents can be added.".into()),
            MeetingOpened => ("meeting_opened", "The meeting has opened: documents can no longer be removed.".into()),
            TooMany => ("too_many", format!("Each agenda item has at most {MAX_FILES_PER_ITEM} documents.")),
            NotPreparer => ("not_preparer", "Only the secretary of the cell, the chair, the meeting secretary or the preparer of this item can add or remove documents.".into()),
        }
    }
}

/// Who may add documents to `item` of a meeting in this state: whoever
/// manages the cell (bí thư, phó bí thư, chi ủy), the meeting's chair or
/// secretary, and the item's preparer (người chuẩn bị). Others, and everyone
/// once the meeting is closed, may not.
pub fn may_upload(
    access: Access,
    me: Option<MemberId>,
    chair: Option<MemberId>,
    secretary: Option<MemberId>,
    item: &AgendaItem,
    status: MeetingStatus,
) -> Result<(), FileError> {
    if status == MeetingStatus::Closed {
        return Err(FileError::MeetingClosed);
    }
    if access >= Access::Manage
        || me.is_some_and(|m| {
            Some(m) == chair || Some(m) == secretary || Some(m) == item.preparer_id
        })
    {
        Ok(())
    } else {
        Err(FileError::NotPreparer)
    }
}

/// Who may remove a document: those who may add one to its item, before the
/// meeting opens.
pub fn may_delete(
    access: Access,
    me: Option<MemberId>,
    chair: Option<MemberId>,
    secretary: Option<MemberId>,
    item: &AgendaItem,
    status: MeetingStatus,
) -> Result<(), FileError> {
    may_upload(access, me, chair, secretary, item, status)?;
    if status != MeetingStatus::Scheduled {
        return Err(FileError::MeetingOpened);
    }
    Ok(())
}

/// One document of a meeting, as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MeetingFile {
    pub id: FileId,
    pub meeting_id: MeetingId,
    /// The agenda item it belongs to (0-based).
    pub item_index: u32,
    pub name: String,
    pub kind: FileKind,
    pub size: u64,
    /// Local time in Vietnam.
    pub uploaded_at: NaiveDateTime,
    /// The uploader's display name.
    pub uploaded_by: String,
    /// Uploaded later than the rule's lead time before the meeting (`is_late`).
    pub late: bool,
    /// Whether the reader has downloaded it.
    pub opened_by_me: bool,
    /// How many members opened it: for those who may upload to its item, else absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened_count: Option<u32>,
    /// Whether the reader may delete it now.
    #[serde(default)]
    pub deletable: bool,
}

/// A meeting's documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MeetingFiles {
    /// In agenda order, then by upload time.
    pub files: Vec<MeetingFile>,
    /// Documents uploaded late (for the upper level's compliance checks).
    pub late_count: u32,
    /// The last day a document is on time.
    pub deadline: NaiveDate,
    /// Agenda items (0-based) the reader may add documents to.
    pub uploadable_items: Vec<u32>,
    /// Members on the cell's roll, for "opened by n of m".
    pub members_on_roll: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use std::io::{Cursor, Write};

    fn zip_of(names: &[&str]) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for n in names {
            z.start_file(*n, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(b"<x/>").unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    /// A minimal compound file: header, one directory sector naming `stream`.
    pub fn compound(stream: &str, dir_sector: u32) -> Vec<u8> {
        let mut f = vec![0u8; 512 * (dir_sector as usize + 2)];
        f[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        f[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
        f[0x30..0x34].copy_from_slice(&dir_sector.to_le_bytes());
        let dir = 512 * (dir_sector as usize + 1);
        let mut put = |entry: usize, name: &str| {
            let at = dir + entry * 128;
            let units: Vec<u16> = name.encode_utf16().chain([0]).collect();
            for (i, u) in units.iter().enumerate() {
                f[at + 2 * i..at + 2 * i + 2].copy_from_slice(&u.to_le_bytes());
            }
            f[at + 0x40..at + 0x42].copy_from_slice(&((units.len() * 2) as u16).to_le_bytes());
        };
        put(0, "Root Entry");
        put(1, stream);
        f
    }

    #[test]
    fn magic_bytes_tell_the_kind_not_the_name() {
        let cases: [(&[u8], Option<FileKind>); 7] = [
            (b"%PDF-1.7\n...", Some(FileKind::Pdf)),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Some(FileKind::Png)),
            (&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], Some(FileKind::Jpeg)),
            (b"RIFF\x24\0\0\0WEBPVP8 ", Some(FileKind::Webp)),
            (b"RIFF\x24\0\0\0WAVEfmt ", None),
            (b"MZ\x90\0\x03\0\0\0", None),
            (b"", None),
        ];
        for (bytes, want) in cases {
            assert_eq!(sniff_bytes(bytes, "bao-cao.pdf"), want, "{bytes:?}");
        }
        // A renamed program is not a PDF.
        assert_eq!(sniff_bytes(b"MZ\x90\0", "Nghị quyết.pdf"), None);
    }

    #[test]
    fn office_zips_are_told_by_their_parts() {
        let docx = zip_of(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
        let xlsx = zip_of(&[
            "[Content_Types].xml",
            "xl/workbook.xml",
            "xl/worksheets/sheet1.xml",
        ]);
        let plain = zip_of(&["a.txt", "b/c.exe"]);
        let pptx = zip_of(&["[Content_Types].xml", "ppt/presentation.xml"]);
        assert_eq!(sniff_bytes(&docx, "x.xlsx"), Some(FileKind::Docx));
        assert_eq!(sniff_bytes(&xlsx, "x.docx"), Some(FileKind::Xlsx));
        assert_eq!(sniff_bytes(&plain, "x.docx"), None);
        assert_eq!(sniff_bytes(&pptx, "x.docx"), None);
        // A truncated zip has no central directory.
        assert_eq!(sniff_bytes(&docx[..docx.len() - 10], "x.docx"), None);
        // A large file: the central directory is read from its tail.
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        z.start_file("[Content_Types].xml", stored).unwrap();
        z.start_file("xl/media/image1.bin", stored).unwrap();
        z.write_all(&vec![7u8; 3 * SNIFF_HEAD_BYTES]).unwrap();
        z.start_file("xl/workbook.xml", stored).unwrap();
        let big = z.finish().unwrap().into_inner();
        let len = big.len();
        let (head, tail) = (&big[..SNIFF_HEAD_BYTES], &big[len - SNIFF_TAIL_BYTES..]);
        assert_eq!(sniff(head, tail, len as u64, ""), Some(FileKind::Xlsx));
        // Without its end, the same file is refused rather than guessed.
        assert_eq!(sniff(head, head, len as u64, ""), None);
    }

    #[test]
    fn compound_files_are_told_by_their_streams() {
        assert_eq!(
            sniff_bytes(&compound("WordDocument", 0), ""),
            Some(FileKind::Doc)
        );
        assert_eq!(
            sniff_bytes(&compound("Workbook", 0), ""),
            Some(FileKind::Xls)
        );
        assert_eq!(sniff_bytes(&compound("Book", 3), ""), Some(FileKind::Xls));
        // An installer (.msi) is a compound file too.
        assert_eq!(sniff_bytes(&compound("\u{4840}Summary", 0), "a.msi"), None);
        // The directory out of reach: the extension chooses between the two.
        let mut far = compound("WordDocument", 0);
        far[0x30..0x34].copy_from_slice(&4000u32.to_le_bytes());
        assert_eq!(sniff_bytes(&far, "Báo cáo.DOC"), Some(FileKind::Doc));
        assert_eq!(sniff_bytes(&far, "bang.xls"), Some(FileKind::Xls));
        assert_eq!(sniff_bytes(&far, "setup.exe"), None);
    }

    #[test]
    fn names_are_cleaned_and_keep_their_extension() {
        assert_eq!(
            clean_name("C:\\tài liệu\\Báo cáo tháng 12.pdf", FileKind::Pdf),
            "Báo cáo tháng 12.pdf"
        );
        assert_eq!(clean_name("ảnh", FileKind::Jpeg), "ảnh.jpg");
        assert_eq!(clean_name("a.exe", FileKind::Pdf), "a.exe.pdf");
        assert_eq!(clean_name("  ", FileKind::Docx), "tai-lieu.docx");
        let long = format!("{}.xlsx", "Đ".repeat(400));
        let cut = clean_name(&long, FileKind::Xlsx);
        assert_eq!(cut.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(cut.ends_with(".xlsx"));
    }

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn downloads_name_the_file_in_both_forms() {
        assert_eq!(
            content_disposition("Báo cáo Đảng ủy.pdf"),
            "attachment; filename=\"Bao cao Dang uy.pdf\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%C4%90%E1%BA%A3ng%20%E1%BB%A7y.pdf"
        );
        assert_eq!(
            content_disposition("a\"b;c.png"),
            "attachment; filename=\"a_b_c.png\"; filename*=UTF-8''a%22b%3Bc.png"
        );
    }

    #[test]
    fn a_document_is_late_after_the_day_before() {
        let starts = at(5, 8);
        assert!(!is_late(at(3, 10), starts, 1));
        assert!(!is_late(at(4, 23), starts, 1), "the day before is on time");
        assert!(is_late(at(5, 7), starts, 1), "the same day is late");
        assert!(is_late(at(6, 7), starts, 1));
        assert!(is_late(at(4, 9), starts, 2));
        assert!(!is_late(at(5, 7), starts, 0));
        assert_eq!(deadline(starts.date(), 1), at(4, 0).date());
    }

    fn item(preparer: Option<MemberId>) -> AgendaItem {
        AgendaItem {
            title: "Báo cáo chuyên đề".into(),
            presenter: "Đồng chí Lan".into(),
            planned_minutes: 20,
            notes: String::new(),
            preparer_id: preparer,
        }
    }

    #[test]
    fn who_may_upload_and_delete() {
        use MeetingStatus::*;
        let (chair, sec, prep, other) = (MemberId(1), MemberId(2), MemberId(3), MemberId(4));
        let it = item(Some(prep));
        let up = |a, me, s| may_upload(a, me, Some(chair), Some(sec), &it, s);
        assert_eq!(up(Access::Manage, None, Scheduled), Ok(()));
        assert_eq!(up(Access::Read, Some(chair), Live), Ok(()));
        assert_eq!(up(Access::Read, Some(sec), Scheduled), Ok(()));
        assert_eq!(up(Access::Read, Some(prep), Scheduled), Ok(()));
        assert_eq!(
            up(Access::Read, Some(other), Scheduled),
            Err(FileError::NotPreparer)
        );
        assert_eq!(
            up(Access::Read, None, Scheduled),
            Err(FileError::NotPreparer)
        );
        assert_eq!(
            up(Access::Manage, None, Closed),
            Err(FileError::MeetingClosed)
        );
        let del = |a, me, s| may_delete(a, me, Some(chair), Some(sec), &it, s);
        assert_eq!(del(Access::Read, Some(prep), Scheduled), Ok(()));
        assert_eq!(
            del(Access::Manage, None, Live),
            Err(FileError::MeetingOpened)
        );
        assert_eq!(
            del(Access::Read, Some(other), Scheduled),
            Err(FileError::NotPreparer)
        );
        // Without a preparer, a plain member may not.
        let none = item(None);
        assert_eq!(
            may_upload(Access::Read, Some(other), None, None, &none, Scheduled),
            Err(FileError::NotPreparer)
        );
    }

    #[test]
    fn the_list_round_trips_through_json() {
        let list = MeetingFiles {
            files: vec![MeetingFile {
                id: FileId(7),
                meeting_id: MeetingId(3),
                item_index: 1,
                name: "Báo cáo tình hình tư tưởng đảng viên.docx".into(),
                kind: FileKind::Docx,
                size: 123_456,
                uploaded_at: at(4, 21),
                uploaded_by: "Nguyễn Thị Hương".into(),
                late: false,
                opened_by_me: true,
                opened_count: Some(5),
                deletable: true,
            }],
            late_count: 0,
            deadline: at(4, 0).date(),
            uploadable_items: vec![1, 2],
            members_on_roll: 12,
        };
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(serde_json::from_str::<MeetingFiles>(&json).unwrap(), list);
        for k in FileKind::ALL {
            assert_eq!(FileKind::parse(k.as_str()), Some(k));
        }
    }
}
