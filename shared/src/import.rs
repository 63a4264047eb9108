//! Importing a cell's members from the list a secretary exports from the member
//! database (CSDL đảng viên) or keeps in the office: họ và tên, ngày sinh, giới
//! tính, ngày vào Đảng, ngày chính thức, chức vụ, số thẻ đảng viên. Either CSV
//! (UTF-8 with or without BOM; comma or semicolon) or an Excel workbook (.xlsx,
//! its first worksheet). The browser previews with this code; the server
//! re-checks with it. The export has no temporary attachment elsewhere (sinh
//! hoạt tạm thời): an import keeps the one on the member's record, set in the
//! member form.

use crate::i18n::{Lang, Localized, Message};
use crate::member::{CellRole, Gender, Member, MemberDraft, PartyStatus, normalize_name};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::io::Read;
use thiserror::Error;

/// More rows than any cell has: a larger file is a mistake, not a cell.
pub const MAX_ROWS: usize = 2000;

/// The largest file accepted, CSV text or .xlsx: a cell's list of
/// [`MAX_ROWS`] rows is a tenth of it in either form.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// What the parts of an .xlsx may add up to once unpacked, as its zip
/// directory declares them: a list of [`MAX_ROWS`] rows is far less; a small
/// file that unpacks to more is a zip bomb, not a list.
pub const MAX_UNPACKED_BYTES: u64 = 32 * 1024 * 1024;

/// The media type of an Excel workbook (.xlsx).
pub const XLSX_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Columns past this one are ignored: a member list has eight.
pub const MAX_COLUMNS: usize = 64;

/// A row that passed every check, with its line in the file (1 = header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImportRow {
    pub line: u32,
    pub draft: MemberDraft,
}

/// One problem, placed where the secretary can find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImportError {
    pub line: u32,
    /// The column's header as written in the file ("" for the whole row or file).
    pub column: String,
    /// Stable, machine-readable (e.g. `not_a_date`).
    #[serde(default)]
    pub code: String,
    /// In the language of the request.
    pub message: String,
    /// The English text until the error is rendered for its reader; never sent.
    #[serde(skip)]
    pub english: Option<String>,
}

impl ImportError {
    pub fn of(line: u32, column: String, message: &impl Message) -> ImportError {
        let (code, english) = message.english();
        ImportError {
            line,
            column,
            code: code.to_string(),
            message: message.to_string(),
            english: Some(english),
        }
    }

    /// The message for a reader of `lang`.
    pub fn text(&self, lang: Lang) -> &str {
        match (lang, &self.english) {
            (Lang::En, Some(en)) => en,
            _ => &self.message,
        }
    }

    /// Rendered for a reader of `lang`, as it is sent.
    pub fn in_lang(self, lang: Lang) -> ImportError {
        ImportError {
            message: self.text(lang).to_string(),
            english: None,
            ..self
        }
    }
}

/// Problems with the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FileError {
    #[error("Tệp trống.")]
    Empty,
    #[error("Thiếu cột bắt buộc: {0}.")]
    MissingColumn(&'static str),
    #[error("Tệp có quá nhiều dòng (tối đa {MAX_ROWS}).")]
    TooManyRows,
    #[error("Dấu ngoặc kép không được đóng.")]
    UnclosedQuote,
    #[error("Tệp quá lớn (tối đa {} MB).", MAX_FILE_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("Tệp không phải bảng tính Excel (.xlsx) hay CSV.")]
    NotXlsx,
    #[error("Không đọc được bảng tính Excel: tệp bị hỏng hoặc có mật khẩu.")]
    UnreadableXlsx,
    #[error("Không đọc được tệp CSV.")]
    UnreadableCsv,
}

impl crate::i18n::Message for FileError {
    fn english(&self) -> (&'static str, String) {
        use FileError::*;
        match self {
            Empty => ("empty", "The file is empty.".into()),
            MissingColumn(column) => (
                "missing_column",
                format!("A required column is missing: {column}."),
            ),
            TooManyRows => (
                "too_many_rows",
                format!("The file has too many rows (at most {MAX_ROWS})."),
            ),
            UnclosedQuote => ("unclosed_quote", "A quotation mark is not closed.".into()),
            TooLarge => (
                "too_large",
                format!(
                    "The file is too large (at most {} MB).",
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            ),
            NotXlsx => (
                "not_xlsx",
                "The file is not an Excel workbook (.xlsx) or CSV.".into(),
            ),
            UnreadableXlsx => (
                "unreadable_xlsx",
                "The Excel workbook cannot be read: the file is damaged or has a password.".into(),
            ),
            UnreadableCsv => ("unreadable_csv", "The CSV file cannot be read.".into()),
        }
    }
}

impl FileError {
    /// The file is refused for its size, whatever it holds (HTTP 413).
    pub fn is_too_large(&self) -> bool {
        matches!(self, FileError::TooLarge | FileError::TooManyRows)
    }
}

/// The columns we understand, in the export's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    FullName,
    BirthDate,
    Gender,
    AdmittedOn,
    FullMemberOn,
    Role,
    CardNumber,
    Status,
}

impl Column {
    fn label(self) -> &'static str {
        match self {
            Column::FullName => "Họ và tên",
            Column::BirthDate => "Ngày sinh",
            Column::Gender => "Giới tính",
            Column::AdmittedOn => "Ngày vào Đảng",
            Column::FullMemberOn => "Ngày chính thức",
            Column::Role => "Chức vụ",
            Column::CardNumber => "Số thẻ đảng viên",
            Column::Status => "Trạng thái",
        }
    }

    fn from_header(h: &str) -> Option<Column> {
        let k: String = fold_vi(h)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        Some(match k.as_str() {
            "hovaten" | "hoten" | "ten" => Column::FullName,
            "ngaysinh" | "ngaythangnamsinh" => Column::BirthDate,
            "gioitinh" => Column::Gender,
            "ngayvaodang" | "ngayketnap" => Column::AdmittedOn,
            "ngaychinhthuc" => Column::FullMemberOn,
            "chucvu" | "chucvudang" => Column::Role,
            "sothedangvien" | "sothe" | "sothedang" => Column::CardNumber,
            "trangthai" => Column::Status,
            _ => return None,
        })
    }
}

/// The result of checking a file: valid rows and every problem found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    pub rows: Vec<ImportRow>,
    pub errors: Vec<ImportError>,
    /// The problem with the file as a whole, also in `errors` (line 1).
    pub file_error: Option<FileError>,
}

/// One cell as the file holds it: CSV has only text; a workbook also has
/// numbers and dates.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// As the secretary sees it: a card number typed into a number cell reads
    /// "93000101", not "93000101.0".
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
        }
    }

    pub fn is_blank(&self) -> bool {
        matches!(self, Cell::Text(s) if s.trim().is_empty())
    }
}

/// A file's rows with their line numbers (the spreadsheet's row numbers for
/// a workbook), before any check.
#[derive(Debug, Default)]
pub struct Table {
    pub records: Vec<(u32, Vec<Cell>)>,
    /// The workbook counts its serial dates from 1904 (old Mac Excel).
    pub date1904: bool,
}

/// Parses and checks a CSV file as of `today`. Never stops at the first problem.
pub fn parse(text: &str, today: NaiveDate) -> Parsed {
    if text.len() > MAX_FILE_BYTES {
        return Parsed::failed(FileError::TooLarge);
    }
    match csv_table(text) {
        Ok(table) => check(table, today),
        Err(e) => Parsed::failed(e),
    }
}

/// Whether `bytes` may be a workbook (a zip file): the browser sends those to
/// the server, which reads workbooks; anything else is read as CSV text.
pub fn looks_like_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

impl Parsed {
    pub fn failed(e: FileError) -> Parsed {
        Parsed {
            rows: Vec::new(),
            errors: vec![ImportError::of(1, String::new(), &e)],
            file_error: Some(e),
        }
    }
}

/// The header line's delimiter: whichever of `;` and `,` it uses more.
fn csv_table(text: &str) -> Result<Table, FileError> {
    // What csv marks as the sentinel record (no delimiter, quote or line break).
    const SENTINEL: &str = "\u{1f}end\u{1f}";
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    // The csv crate reads a quote left open to the end of the file as one
    // long field, without a word. A line after the text tells: it is a record
    // of its own unless an open quote swallows it.
    let tail = format!("\n{SENTINEL}");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes().chain(tail.as_bytes()));
    let mut table = Table::default();
    // Lines are counted from the record's byte offset: csv's own line count
    // runs short with CRLF line ends.
    let (mut counted_to, mut line) = (0usize, 1u32);
    for record in reader.records() {
        let record = record.map_err(|_| FileError::UnreadableCsv)?;
        let start = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .unwrap_or(counted_to)
            .clamp(counted_to, text.len());
        // With CRLF the record's position is the `\n` ending the record before.
        let start = text.as_bytes()[start..]
            .iter()
            .position(|b| !matches!(b, b'\r' | b'\n'))
            .map_or(text.len(), |skip| start + skip);
        let newlines = text.as_bytes()[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        counted_to = start;
        table.records.push((
            line,
            record
                .iter()
                .take(MAX_COLUMNS)
                .map(|f| Cell::Text(f.to_string()))
                .collect(),
        ));
        if table.records.len() > MAX_ROWS + 2 {
            return Err(FileError::TooManyRows);
        }
    }
    match table.records.pop() {
        Some((_, fields)) if fields == [Cell::Text(SENTINEL.to_string())] => Ok(table),
        _ => Err(FileError::UnclosedQuote),
    }
}

/// An Excel serial date (days since the workbook's epoch; a fraction is the
/// time of day). Excel's 1900 system counts a 29 February 1900 that never was.
pub fn serial_date(serial: f64, date1904: bool) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as u64;
    let (epoch, days) = match (date1904, days) {
        (true, _) => (NaiveDate::from_ymd_opt(1904, 1, 1)?, days),
        (false, 60) => return None,
        (false, 61..) => (NaiveDate::from_ymd_opt(1899, 12, 30)?, days),
        (false, _) => (NaiveDate::from_ymd_opt(1899, 12, 31)?, days),
    };
    epoch.checked_add_days(Days::new(days))
}

/// Checks a file's rows, whatever their source: CSV here, a workbook read
/// by the server.
pub fn check(table: Table, today: NaiveDate) -> Parsed {
    let mut out = Parsed::default();
    let file_error = |e: FileError| ImportError::of(1, String::new(), &e);
    let date1904 = table.date1904;
    let mut records = table
        .records
        .into_iter()
        .filter(|(_, fields)| fields.iter().any(|f| !f.is_blank()));
    let Some((_, header)) = records.next() else {
        return Parsed::failed(FileError::Empty);
    };
    let labels: Vec<String> = header.iter().map(Cell::text).collect();
    let columns: Vec<Option<Column>> = labels.iter().map(|h| Column::from_header(h)).collect();
    for required in [Column::FullName, Column::Gender, Column::AdmittedOn] {
        if !columns.contains(&Some(required)) {
            out.errors
                .push(file_error(FileError::MissingColumn(required.label())));
            out.file_error
                .get_or_insert(FileError::MissingColumn(required.label()));
        }
    }
    if !out.errors.is_empty() {
        return out;
    }
    let records: Vec<_> = records.collect();
    if records.len() > MAX_ROWS {
        return Parsed::failed(FileError::TooManyRows);
    }
    for (line, fields) in records {
        match parse_row(line, &fields, &columns, &labels, date1904, today) {
            Ok(row) => out.rows.push(row),
            Err(mut errs) => out.errors.append(&mut errs),
        }
    }
    // The same member twice in one file (the same card, or without a card the
    // same name and birth date) is a mistake of the file: importing it would
    // make two members now and mix them up at the next import.
    let mut seen: Vec<(MatchKey, u32)> = Vec::new();
    let mut dup_errors = Vec::new();
    for row in &out.rows {
        let key = match_key(&row.draft);
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            let (column, message) = match key {
                MatchKey::Card(_) => (
                    Column::CardNumber,
                    Localized::new(
                        "duplicate_card",
                        format!("Số thẻ trùng với dòng {first}."),
                        format!("The card number is the same as on line {first}."),
                    ),
                ),
                MatchKey::NameAndBirth(..) => (
                    Column::FullName,
                    Localized::new(
                        "duplicate_name",
                        format!(
                            "Trùng họ tên và ngày sinh với dòng {first} (không có số thẻ để phân biệt)."
                        ),
                        format!(
                            "The same name and date of birth as on line {first} (no card number to tell them apart)."
                        ),
                    ),
                ),
            };
            dup_errors.push(ImportError::of(
                row.line,
                column.label().to_string(),
                &message,
            ));
        } else {
            seen.push((key, row.line));
        }
    }
    out.errors.extend(dup_errors);
    out.errors.sort_by_key(|e| e.line);
    out
}

fn parse_row(
    line: u32,
    fields: &[Cell],
    columns: &[Option<Column>],
    labels: &[String],
    date1904: bool,
    today: NaiveDate,
) -> Result<ImportRow, Vec<ImportError>> {
    let mut errors = Vec::new();
    let texts: Vec<String> = fields.iter().map(Cell::text).collect();
    let index = |col: Column| columns.iter().position(|c| *c == Some(col));
    let label_of = |col: Column| {
        columns
            .iter()
            .position(|c| *c == Some(col))
            .map(|i| labels[i].clone())
            .unwrap_or_else(|| col.label().to_string())
    };
    let get = |col: Column| -> &str { index(col).and_then(|i| texts.get(i)).map_or("", |s| s) };
    let mut err = |col: Column, message: Localized| {
        errors.push(ImportError::of(line, label_of(col), &message))
    };
    let mut date = |col: Column| -> Option<NaiveDate> {
        let raw = get(col);
        if raw.is_empty() {
            return None;
        }
        let d = match index(col).and_then(|i| fields.get(i)) {
            Some(Cell::Date(d)) => Some(*d),
            Some(Cell::Number(n)) => serial_date(*n, date1904),
            _ => parse_date(raw),
        };
        if d.is_none() {
            err(
                col,
                Localized::new(
                    "not_a_date",
                    format!(
                        "“{raw}” không phải là ngày (dùng dạng ngày/tháng/năm, ví dụ 02/09/1985)."
                    ),
                    format!("“{raw}” is not a date (write day/month/year, e.g. 02/09/1985)."),
                ),
            );
        }
        d
    };
    let birth_date = date(Column::BirthDate);
    let admitted_on = date(Column::AdmittedOn);
    let full_member_on = date(Column::FullMemberOn);

    let gender = match fold_vi(get(Column::Gender)).as_str() {
        "nam" | "male" | "m" => Some(Gender::Male),
        "nu" | "female" | "f" => Some(Gender::Female),
        other => {
            err(
                Column::Gender,
                if other.is_empty() {
                    Localized::new(
                        "gender_missing",
                        "Thiếu giới tính (Nam hoặc Nữ).",
                        "The gender is missing (Nam or Nữ).",
                    )
                } else {
                    let raw = get(Column::Gender);
                    Localized::new(
                        "not_a_gender",
                        format!("“{raw}” không phải giới tính (Nam hoặc Nữ)."),
                        format!("“{raw}” is not a gender (Nam or Nữ)."),
                    )
                },
            );
            None
        }
    };
    let role = match fold_vi(get(Column::Role)).as_str() {
        "" | "dang vien" => Some(CellRole::Member),
        "bi thu" | "bi thu chi bo" => Some(CellRole::Secretary),
        "pho bi thu" | "pho bi thu chi bo" => Some(CellRole::DeputySecretary),
        "chi uy vien" | "uy vien" => Some(CellRole::CommitteeMember),
        _ => {
            err(
                Column::Role,
                Localized::new(
                    "not_a_role",
                    format!(
                        "“{}” không phải chức vụ trong chi bộ (Bí thư, Phó Bí thư, Chi ủy viên, Đảng viên).",
                        get(Column::Role)
                    ),
                    format!(
                        "“{}” is not a role in the cell (Bí thư, Phó Bí thư, Chi ủy viên, Đảng viên).",
                        get(Column::Role)
                    ),
                ),
            );
            None
        }
    };
    let status = match fold_vi(get(Column::Status)).as_str() {
        // Without a status column the export's dates tell: made full or still on probation.
        "" => Some(if full_member_on.is_some() {
            PartyStatus::Full
        } else {
            PartyStatus::Probationary
        }),
        "chinh thuc" => Some(PartyStatus::Full),
        "du bi" => Some(PartyStatus::Probationary),
        "mien sinh hoat" | "mien cong tac va sinh hoat dang" | "mien cong tac va sinh hoat" => {
            Some(PartyStatus::Exempted)
        }
        "da chuyen sinh hoat" | "chuyen sinh hoat" => Some(PartyStatus::TransferredOut),
        _ => {
            err(
                Column::Status,
                Localized::new(
                    "not_a_status",
                    format!(
                        "“{}” không phải trạng thái (Chính thức, Dự bị, Miễn sinh hoạt, Đã chuyển sinh hoạt).",
                        get(Column::Status)
                    ),
                    format!(
                        "“{}” is not a status (Chính thức, Dự bị, Miễn sinh hoạt, Đã chuyển sinh hoạt).",
                        get(Column::Status)
                    ),
                ),
            );
            None
        }
    };
    let card = get(Column::CardNumber);
    let (Some(gender), Some(role), Some(status)) = (gender, role, status) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let draft = MemberDraft {
        full_name: get(Column::FullName).to_string(),
        gender,
        birth_date,
        admitted_on,
        full_member_on,
        status,
        role,
        card_number: (!card.is_empty()).then(|| card.to_string()),
        attached_elsewhere: None,
    }
    .normalized();
    let problems = draft.problems(today);
    if problems.is_empty() {
        Ok(ImportRow { line, draft })
    } else {
        Err(problems
            .into_iter()
            .map(|p| {
                let col = match p.field() {
                    "full_name" => Column::FullName,
                    "birth_date" => Column::BirthDate,
                    "admitted_on" => Column::AdmittedOn,
                    "full_member_on" => Column::FullMemberOn,
                    _ => Column::CardNumber,
                };
                ImportError::of(line, label_of(col), &p)
            })
            .collect())
    }
}

/// What identifies a member across imports: the card number when there is one,
/// else the name with the birth date. The name is compared with its
/// diacritics (case aside): "Lò Văn Pấng" and "Lò Văn Pầng" are two people.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MatchKey {
    Card(String),
    NameAndBirth(String, Option<NaiveDate>),
}

pub fn match_key(d: &MemberDraft) -> MatchKey {
    match &d.card_number {
        Some(c) => MatchKey::Card(c.clone()),
        None => MatchKey::NameAndBirth(normalize_name(&d.full_name).to_lowercase(), d.birth_date),
    }
}

/// What an import does to the existing roll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<'a> {
    Create(&'a MemberDraft),
    /// The member and the record to write: the row, with the attachment
    /// elsewhere kept from the member's record.
    Update(&'a Member, MemberDraft),
    Unchanged(&'a Member),
}

/// Pairs each valid row with the existing member it updates, if any.
pub fn plan<'a>(rows: &'a [ImportRow], existing: &'a [Member]) -> Vec<Change<'a>> {
    rows.iter()
        .map(|row| {
            let key = match_key(&row.draft);
            match existing.iter().find(|m| match_key(&m.draft) == key) {
                Some(m) => {
                    let draft = MemberDraft {
                        attached_elsewhere: m.draft.attached_elsewhere.clone(),
                        ..row.draft.clone()
                    };
                    if draft == m.draft {
                        Change::Unchanged(m)
                    } else {
                        Change::Update(m, draft)
                    }
                }
                None => Change::Create(&row.draft),
            }
        })
        .collect()
}

/// Accepts dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy and yyyy-mm-dd (with
/// a time after a `T`, as a workbook's ISO dates have it).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let s = s.split_once('T').map_or(s, |(date, _)| date);
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if parts.len() != 3 || parts[2].len() != 4 {
        return None;
    }
    let day = parts[0].parse().ok()?;
    let month = parts[1].parse().ok()?;
    let year = parts[2].parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Lower case without Vietnamese diacritics, white space collapsed: for matching
/// what people type ("Nữ", "nu", "NỮ") — never for storing.
pub fn fold_vi(s: &str) -> String {
    const GROUPS: [(&str, char); 9] = [
        ("àáạảãâầấậẩẫăằắặẳẵ", 'a'),
        ("èéẹẻẽêềếệểễ", 'e'),
        ("ìíịỉĩ", 'i'),
        ("òóọỏõôồốộổỗơờớợởỡ", 'o'),
        ("ùúụủũưừứựửữ", 'u'),
        ("ỳýỵỷỹ", 'y'),
        ("đ", 'd'),
        // Combining marks (text typed in decomposed form) vanish.
        ("\u{300}\u{301}\u{303}\u{309}\u{323}", '\0'),
        ("\u{302}\u{306}\u{31b}", '\0'),
    ];
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        match GROUPS.iter().find(|(set, _)| set.contains(c)) {
            Some((_, '\0')) => {}
            Some((_, base)) => out.push(*base),
            None => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{MemberId, OrgId};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    const GOOD: &str = "Họ và tên,Ngày sinh,Giới tính,Ngày vào Đảng,Ngày chính thức,Chức vụ,Số thẻ đảng viên\n\
        Nguyễn Văn An,02/09/1975,Nam,19/05/2000,19/05/2001,Bí thư,93.000101\n\
        \"Trần Thị Bích, Ngọc\",1990-01-15,Nữ,03/02/2020,,Đảng viên,\n";

    #[test]
    fn a_clean_export_parses_with_statuses_from_dates() {
        let p = parse(GOOD, today());
        assert_eq!(p.errors, vec![]);
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[0].line, 2);
        assert_eq!(p.rows[0].draft.role, CellRole::Secretary);
        assert_eq!(p.rows[0].draft.status, PartyStatus::Full);
        assert_eq!(p.rows[1].draft.full_name, "Trần Thị Bích, Ngọc");
        assert_eq!(p.rows[1].draft.status, PartyStatus::Probationary);
        assert_eq!(p.rows[1].draft.card_number, None);
    }

    #[test]
    fn bom_semicolons_and_crlf() {
        let text = format!("\u{feff}{}", GOOD.replace(',', ";").replace('\n', "\r\n"));
        // The quoted name held a comma, which became a semicolon inside quotes: still one field.
        let p = parse(&text, today());
        assert_eq!(p.errors, vec![]);
        assert_eq!(p.rows.len(), 2);
        assert_eq!((p.rows[0].line, p.rows[1].line), (2, 3));
        assert_eq!(p.rows[1].draft.full_name, "Trần Thị Bích; Ngọc");
    }

    #[test]
    fn headers_without_diacritics() {
        let text = "ho va ten;gioi tinh;ngay vao dang\nLê Văn Tám;nam;01/01/2020\n";
        let p = parse(text, today());
        assert_eq!(p.errors, vec![]);
        assert_eq!(p.rows[0].draft.status, PartyStatus::Probationary);
    }

    #[test]
    fn every_bad_cell_is_reported_with_line_and_column() {
        let text = "Họ và tên,Ngày sinh,Giới tính,Ngày vào Đảng,Ngày chính thức,Chức vụ,Số thẻ đảng viên\n\
            Phạm Văn Cường,31/02/1980,Nam,01/01/2005,01/01/2006,,\n\
            ,01/01/1980,Khác,01/01/2005,01/01/2006,Trưởng ban,\n\
            Đỗ Thị Hoa,01/01/2010,Nữ,01/01/2020,01/06/2020,,abc\n";
        let p = parse(text, today());
        assert!(p.rows.is_empty());
        let at = |line: u32, col: &str| p.errors.iter().any(|e| e.line == line && e.column == col);
        assert!(at(2, "Ngày sinh"), "{:?}", p.errors);
        assert!(at(3, "Giới tính"));
        assert!(at(3, "Chức vụ"));
        assert!(at(4, "Ngày vào Đảng"), "under 18");
        assert!(at(4, "Ngày chính thức"), "before 12 months");
        assert!(at(4, "Số thẻ đảng viên"));
        assert!(p.errors.iter().all(|e| !e.message.is_empty()));
    }

    #[test]
    fn missing_columns_and_empty_files() {
        assert_eq!(parse("", today()).errors[0].message, "Tệp trống.");
        let p = parse("Họ và tên,Ngày sinh\nA,01/01/1980\n", today());
        assert!(p.errors.iter().any(|e| e.message.contains("Giới tính")));
        let p = parse(
            "Họ và tên,Giới tính,Ngày vào Đảng\n\"unclosed,Nam,01/01/2000\n",
            today(),
        );
        assert_eq!(p.errors[0].message, FileError::UnclosedQuote.to_string());
    }

    #[test]
    fn names_differing_by_a_tone_mark_are_two_people_and_a_repeated_one_is_refused() {
        let text = "Họ và tên,Ngày sinh,Giới tính,Ngày vào Đảng,Ngày chính thức,Chức vụ,Số thẻ đảng viên\n\
            Lò Văn Pấng,,Nam,01/03/2010,01/03/2011,Đảng viên,\n\
            Lò Văn Pầng,,Nam,01/03/2010,01/03/2011,Đảng viên,\n\
            LÒ VĂN PẤNG,,Nam,01/03/2010,01/03/2011,Đảng viên,\n";
        let p = parse(text, today());
        assert_ne!(match_key(&p.rows[0].draft), match_key(&p.rows[1].draft));
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        assert_eq!(p.errors[0].line, 4);
        assert!(
            p.errors[0].message.contains("dòng 2"),
            "{}",
            p.errors[0].message
        );
    }

    #[test]
    fn duplicate_cards_in_one_file() {
        let text = "Họ và tên,Giới tính,Ngày vào Đảng,Ngày chính thức,Số thẻ đảng viên\n\
            Hà Văn Một,Nam,01/01/2000,01/01/2001,123\n\
            Hà Văn Hai,Nam,01/01/2000,01/01/2001,123\n";
        let p = parse(text, today());
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].line, 3);
    }

    #[test]
    fn re_importing_the_same_file_changes_nothing() {
        let p = parse(GOOD, today());
        let existing: Vec<Member> = p
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| Member {
                id: MemberId(i as i64 + 1),
                cell_id: OrgId(1),
                draft: r.draft.clone(),
            })
            .collect();
        assert!(
            plan(&p.rows, &existing)
                .iter()
                .all(|c| matches!(c, Change::Unchanged(_)))
        );
        let mut changed = existing.clone();
        changed[0].draft.role = CellRole::Member;
        let changes = plan(&p.rows, &changed);
        assert!(matches!(changes[0], Change::Update(..)));
        assert!(matches!(plan(&p.rows, &[])[1], Change::Create(_)));
    }

    #[test]
    fn an_import_keeps_the_attachment_on_record() {
        let p = parse(GOOD, today());
        let attachment = crate::member::Attachment {
            organization: "Chi bộ Sở Nội vụ".into(),
            from: today(),
            until: None,
        };
        let mut existing: Vec<Member> = p
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| Member {
                id: MemberId(i as i64 + 1),
                cell_id: OrgId(1),
                draft: MemberDraft {
                    attached_elsewhere: Some(attachment.clone()),
                    ..r.draft.clone()
                },
            })
            .collect();
        assert!(
            plan(&p.rows, &existing)
                .iter()
                .all(|c| matches!(c, Change::Unchanged(_)))
        );
        existing[0].draft.role = CellRole::Member;
        match &plan(&p.rows, &existing)[0] {
            Change::Update(_, draft) => {
                assert_eq!(draft.attached_elsewhere, Some(attachment));
                assert_eq!(draft.role, p.rows[0].draft.role);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn quoted_line_breaks_and_doubled_quotes_keep_line_numbers() {
        let text = "Họ và tên,Giới tính,Ngày vào Đảng,Chức vụ\n\
            \"Lò Văn \"\"Sáu\"\"\",Nam,01/01/2000,\n\
            \"Lò Thị\nBảy\",Nữ,01/01/2000,\n\
            Lò Văn Tám,Nam,01/01/2000,Trưởng ban\n";
        let p = parse(text, today());
        assert_eq!(p.rows[0].draft.full_name, "Lò Văn \"Sáu\"");
        assert_eq!(p.rows[1].line, 3);
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        assert_eq!(
            (p.errors[0].line, p.errors[0].column.as_str()),
            (5, "Chức vụ")
        );
    }

    #[test]
    fn a_file_over_the_limit_is_refused_whole() {
        let text = format!(
            "Họ và tên,Giới tính,Ngày vào Đảng\n{}",
            "x".repeat(MAX_FILE_BYTES)
        );
        let p = parse(&text, today());
        assert_eq!(p.file_error, Some(FileError::TooLarge));
        assert!(p.file_error.is_some_and(|e| e.is_too_large()));
        let rows = "Hà Văn Một,Nam,01/01/2000\n".repeat(MAX_ROWS + 1);
        let p = parse(
            &format!("Họ và tên,Giới tính,Ngày vào Đảng\n{rows}"),
            today(),
        );
        assert_eq!(p.file_error, Some(FileError::TooManyRows));
        assert_eq!(p.errors[0].message, FileError::TooManyRows.to_string());
    }

    #[test]
    fn serial_dates_in_both_epochs() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(serial_date(1.0, false), d(1900, 1, 1));
        assert_eq!(serial_date(59.0, false), d(1900, 2, 28));
        assert_eq!(serial_date(60.0, false), None, "Excel's 29/02/1900");
        assert_eq!(serial_date(61.0, false), d(1900, 3, 1));
        assert_eq!(serial_date(45943.541, false), d(2025, 10, 13));
        assert_eq!(serial_date(1.0, true), d(1904, 1, 2));
        assert_eq!(serial_date(0.0, false), None);
        assert_eq!(serial_date(-3.0, false), None);
        assert_eq!(parse_date("1985-03-12T00:00:00"), d(1985, 3, 12));
    }

    #[test]
    fn folding() {
        assert_eq!(fold_vi("  NGUYỄN   Thị Đào "), "nguyen thi dao");
        assert_eq!(fold_vi("Nữ"), "nu");
        assert_eq!(fold_vi("Nu\u{303}"), "nu");
        assert_eq!(parse_date("2/9/1945"), NaiveDate::from_ymd_opt(1945, 9, 2));
        assert_eq!(
            parse_date("1945-09-02"),
            NaiveDate::from_ymd_opt(1945, 9, 2)
        );
        assert_eq!(parse_date("02/09/45"), None);
    }
}
