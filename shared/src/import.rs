//! Importing a cell's members from the CSV a secretary exports from the member
//! database (CSDL đảng viên): họ và tên, ngày sinh, giới tính, ngày vào Đảng,
//! ngày chính thức, chức vụ, số thẻ đảng viên. UTF-8 with or without BOM; comma or
//! semicolon. The browser previews with this code; the server re-checks with it.
//! The export has no temporary attachment elsewhere (sinh hoạt tạm thời): an
//! import keeps the one on the member's record, set in the member form.

use crate::member::{CellRole, Gender, Member, MemberDraft, PartyStatus, normalize_name};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// More rows than any cell has: a larger file is a mistake, not a cell.
pub const MAX_ROWS: usize = 2000;

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
    pub message: String,
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
}

/// Parses and checks a whole file as of `today`. Never stops at the first problem.
pub fn parse(text: &str, today: NaiveDate) -> Parsed {
    let mut out = Parsed::default();
    let file_error = |e: FileError| ImportError {
        line: 1,
        column: String::new(),
        message: e.to_string(),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = match split_records(text) {
        Ok(r) => r,
        Err(e) => {
            out.errors.push(file_error(e));
            return out;
        }
    };
    let mut records = records
        .into_iter()
        .filter(|(_, fields)| fields.iter().any(|f| !f.trim().is_empty()));
    let Some((_, header)) = records.next() else {
        out.errors.push(file_error(FileError::Empty));
        return out;
    };
    let columns: Vec<Option<Column>> = header.iter().map(|h| Column::from_header(h)).collect();
    let labels: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    for required in [Column::FullName, Column::Gender, Column::AdmittedOn] {
        if !columns.contains(&Some(required)) {
            out.errors
                .push(file_error(FileError::MissingColumn(required.label())));
        }
    }
    if !out.errors.is_empty() {
        return out;
    }
    let records: Vec<_> = records.collect();
    if records.len() > MAX_ROWS {
        out.errors.push(file_error(FileError::TooManyRows));
        return out;
    }
    for (line, fields) in records {
        match parse_row(line, &fields, &columns, &labels, today) {
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
                    format!("Số thẻ trùng với dòng {first}."),
                ),
                MatchKey::NameAndBirth(..) => (
                    Column::FullName,
                    format!(
                        "Trùng họ tên và ngày sinh với dòng {first} (không có số thẻ để phân biệt)."
                    ),
                ),
            };
            dup_errors.push(ImportError {
                line: row.line,
                column: column.label().to_string(),
                message,
            });
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
    fields: &[String],
    columns: &[Option<Column>],
    labels: &[String],
    today: NaiveDate,
) -> Result<ImportRow, Vec<ImportError>> {
    let mut errors = Vec::new();
    let label_of = |col: Column| {
        columns
            .iter()
            .position(|c| *c == Some(col))
            .map(|i| labels[i].clone())
            .unwrap_or_else(|| col.label().to_string())
    };
    let get = |col: Column| -> &str {
        columns
            .iter()
            .position(|c| *c == Some(col))
            .and_then(|i| fields.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    };
    let mut err = |col: Column, message: String| {
        errors.push(ImportError {
            line,
            column: label_of(col),
            message,
        })
    };
    let mut date = |col: Column| -> Option<NaiveDate> {
        let raw = get(col);
        if raw.is_empty() {
            return None;
        }
        let d = parse_date(raw);
        if d.is_none() {
            err(
                col,
                format!("“{raw}” không phải là ngày (dùng dạng ngày/tháng/năm, ví dụ 02/09/1985)."),
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
                    "Thiếu giới tính (Nam hoặc Nữ).".to_string()
                } else {
                    format!(
                        "“{}” không phải giới tính (Nam hoặc Nữ).",
                        get(Column::Gender)
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
                format!(
                    "“{}” không phải chức vụ trong chi bộ (Bí thư, Phó Bí thư, Chi ủy viên, Đảng viên).",
                    get(Column::Role)
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
                format!(
                    "“{}” không phải trạng thái (Chính thức, Dự bị, Miễn sinh hoạt, Đã chuyển sinh hoạt).",
                    get(Column::Status)
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
                ImportError {
                    line,
                    column: label_of(col),
                    message: p.to_string(),
                }
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

/// Accepts dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy and yyyy-mm-dd.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
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

/// Splits CSV text into records with their line numbers (1-based, of the record's
/// first line). Quotes per RFC 4180; the delimiter is whichever of `;` and `,`
/// the header line uses more.
fn split_records(text: &str) -> Result<Vec<(u32, Vec<String>)>, FileError> {
    let first_line = text.lines().next().unwrap_or("");
    let delim = if first_line.matches(';').count() > first_line.matches(',').count() {
        ';'
    } else {
        ','
    };
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut line: u32 = 1;
    let mut record_line: u32 = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
            }
            c if c == delim => fields.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                records.push((record_line, std::mem::take(&mut fields)));
                line += 1;
                record_line = line;
            }
            _ => field.push(c),
        }
        if records.len() > MAX_ROWS + 1 {
            return Err(FileError::TooManyRows);
        }
    }
    if in_quotes {
        return Err(FileError::UnclosedQuote);
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((record_line, fields));
    }
    Ok(records)
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
