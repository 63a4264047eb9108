//! Member lists as Excel workbooks (.xlsx): read on the server only, so the
//! browser does not download a spreadsheet reader. The rows are checked by
//! `shared::import::check`, the same code that checks a CSV in the browser.

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use shared::import::{
    Cell, FileError, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES, Parsed, Table,
    check,
};
use std::io::Cursor;

/// Parses and checks the first worksheet of an Excel workbook (.xlsx) as of
/// `today`. Dates may be date cells, serial numbers or text.
pub fn parse_xlsx(bytes: &[u8], today: NaiveDate) -> Parsed {
    match xlsx_table(bytes) {
        Ok(table) => check(table, today),
        Err(e) => Parsed::failed(e),
    }
}

/// Whether `bytes` are an Excel workbook: a zip holding `xl/workbook.xml`.
/// The content decides, never the file's name.
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && zip::ZipArchive::new(Cursor::new(bytes))
            .is_ok_and(|zip| zip.index_for_name("xl/workbook.xml").is_some())
}

fn xlsx_table(bytes: &[u8]) -> Result<Table, FileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(FileError::NotXlsx);
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileError::NotXlsx)?;
    if zip.index_for_name("xl/workbook.xml").is_none() {
        return Err(FileError::NotXlsx);
    }
    let mut unpacked = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|_| FileError::UnreadableXlsx)?;
        unpacked = unpacked.saturating_add(part.size());
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(FileError::TooLarge);
    }
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| FileError::UnreadableXlsx)?;
    let mut table = Table {
        records: Vec::new(),
        date1904: book.has_1904_epoch(),
    };
    let Some(first) = book.sheet_names().into_iter().next() else {
        return Err(FileError::Empty);
    };
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| FileError::UnreadableXlsx)?;
    // Cells come row by row, left to right, empty ones left out.
    while let Some(cell) = cells.next_cell().map_err(|_| FileError::UnreadableXlsx)? {
        let (row, col) = cell.get_position();
        let col = col as usize;
        if col >= MAX_COLUMNS {
            continue;
        }
        let value = xlsx_cell(cell.get_value());
        if value.is_blank() {
            continue;
        }
        let line = row.saturating_add(1);
        if table.records.last().is_none_or(|(l, _)| *l != line) {
            if table.records.len() > MAX_ROWS {
                return Err(FileError::TooManyRows);
            }
            table.records.push((line, Vec::new()));
        }
        if let Some((_, fields)) = table.records.last_mut() {
            if fields.len() <= col {
                fields.resize(col + 1, Cell::Text(String::new()));
            }
            fields[col] = value;
        }
    }
    Ok(table)
}

fn xlsx_cell(value: &DataRef<'_>) -> Cell {
    match value {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cell::Text(s.clone())
        }
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Bool(b) => Cell::Text(b.to_string()),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(y.into(), m.into(), d.into())
                .map_or_else(|| Cell::Number(dt.as_f64()), Cell::Date)
        }
        DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
        DataRef::Error(e) => Cell::Text(e.to_string()),
        DataRef::Empty => Cell::Text(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    use shared::import::{Change, plan};
    use shared::member::{CellRole, Member, PartyStatus};
    use shared::{MemberId, OrgId};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    const GOOD: &str = "Họ và tên,Ngày sinh,Giới tính,Ngày vào Đảng,Ngày chính thức,Chức vụ,Số thẻ đảng viên\n\
        Nguyễn Văn An,02/09/1975,Nam,19/05/2000,19/05/2001,Bí thư,93.000101\n";

    const HEADER: [&str; 7] = [
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Ngày vào Đảng",
        "Ngày chính thức",
        "Chức vụ",
        "Số thẻ đảng viên",
    ];

    enum V {
        S(&'static str),
        N(f64),
        D(u16, u8, u8),
    }

    fn book(rows: &[(u32, Vec<V>)]) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        for (c, h) in HEADER.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (r, cells) in rows {
            for (c, v) in cells.iter().enumerate() {
                let c = c as u16;
                match v {
                    V::S("") => {}
                    V::S(s) => {
                        sheet.write_string(*r, c, *s).unwrap();
                    }
                    V::N(n) => {
                        sheet.write_number(*r, c, *n).unwrap();
                    }
                    V::D(y, m, d) => {
                        let when = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        sheet
                            .write_datetime_with_format(*r, c, &when, &date)
                            .unwrap();
                    }
                }
            }
        }
        // A second sheet is never read.
        book.add_worksheet().write_string(0, 0, "Ghi chú").unwrap();
        book.save_to_buffer().unwrap()
    }

    fn good() -> Vec<u8> {
        use V::*;
        book(&[
            (
                1,
                vec![
                    S("Nguyễn Văn An"),
                    D(1975, 9, 2),
                    S("Nam"),
                    S("19/05/2000"),
                    N(37030.0),
                    S("Bí thư"),
                    N(93000101.0),
                ],
            ),
            (
                2,
                vec![
                    S("Trần Thị Bích, Ngọc"),
                    S("1990-01-15"),
                    S("Nữ"),
                    D(2020, 2, 3),
                    S(""),
                    S("Đảng viên"),
                    S("93.000102"),
                ],
            ),
        ])
    }

    #[test]
    fn dates_as_cells_serials_or_text_and_cards_as_text() {
        let p = parse_xlsx(&good(), today());
        assert_eq!(p.errors, vec![]);
        assert_eq!(p.rows.len(), 2);
        let (a, b) = (&p.rows[0], &p.rows[1]);
        assert_eq!(a.line, 2);
        assert_eq!(a.draft.birth_date, NaiveDate::from_ymd_opt(1975, 9, 2));
        assert_eq!(a.draft.admitted_on, NaiveDate::from_ymd_opt(2000, 5, 19));
        assert_eq!(a.draft.full_member_on, NaiveDate::from_ymd_opt(2001, 5, 19));
        assert_eq!(a.draft.status, PartyStatus::Full);
        assert_eq!(a.draft.role, CellRole::Secretary);
        assert_eq!(a.draft.card_number.as_deref(), Some("93000101"));
        assert_eq!(b.draft.full_name, "Trần Thị Bích, Ngọc");
        assert_eq!(b.draft.admitted_on, NaiveDate::from_ymd_opt(2020, 2, 3));
        assert_eq!(b.draft.status, PartyStatus::Probationary);
        assert_eq!(b.draft.card_number.as_deref(), Some("93.000102"));
    }

    #[test]
    fn row_errors_carry_the_sheet_row_numbers() {
        use V::*;
        let bytes = book(&[
            (
                1,
                vec![
                    S("Phạm Văn Cường"),
                    S("31/02/1980"),
                    S("Nam"),
                    S("01/01/2005"),
                ],
            ),
            // Row 3 of the sheet is left empty.
            (3, vec![S(""), D(1980, 1, 1), S("Khác"), N(60.0)]),
            (
                4,
                vec![S("Đỗ Thị Hoa"), D(2010, 1, 1), S("Nữ"), D(2020, 1, 1)],
            ),
        ]);
        let p = parse_xlsx(&bytes, today());
        assert!(p.rows.is_empty());
        let at = |line: u32, col: &str| p.errors.iter().any(|e| e.line == line && e.column == col);
        assert!(at(2, "Ngày sinh"), "{:?}", p.errors);
        assert!(at(4, "Giới tính"));
        assert!(at(4, "Ngày vào Đảng"), "serial 60 is no day");
        assert!(at(5, "Ngày vào Đảng"), "under 18");
        assert!(!p.errors.iter().any(|e| e.line == 3));
    }

    #[test]
    fn re_importing_the_workbook_changes_nothing() {
        let p = parse_xlsx(&good(), today());
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
        let again = parse_xlsx(&good(), today());
        assert!(
            plan(&again.rows, &existing)
                .iter()
                .all(|c| matches!(c, Change::Unchanged(_)))
        );
    }

    #[test]
    fn the_content_tells_a_workbook_not_the_name() {
        assert!(is_xlsx(&good()));
        assert!(!is_xlsx(GOOD.as_bytes()));
        assert_eq!(
            parse_xlsx(GOOD.as_bytes(), today()).file_error,
            Some(FileError::NotXlsx)
        );
        // A zip, but not a workbook.
        let mut other = zip::ZipWriter::new(Cursor::new(Vec::new()));
        other
            .start_file(
                "word/document.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
        std::io::Write::write_all(&mut other, b"<w/>").unwrap();
        let other = other.finish().unwrap().into_inner();
        assert!(!is_xlsx(&other));
        assert_eq!(
            parse_xlsx(&other, today()).file_error,
            Some(FileError::NotXlsx)
        );
        // A workbook cut short.
        let cut = &good()[..600];
        assert!(parse_xlsx(cut, today()).file_error.is_some());
    }

    #[test]
    fn an_empty_sheet_or_too_many_rows() {
        assert_eq!(
            parse_xlsx(&book(&[]), today()).file_error,
            None,
            "header only"
        );
        assert!(parse_xlsx(&book(&[]), today()).rows.is_empty());
        let mut book_ = Workbook::new();
        book_.add_worksheet();
        let empty = book_.save_to_buffer().unwrap();
        assert_eq!(
            parse_xlsx(&empty, today()).file_error,
            Some(FileError::Empty)
        );
        let rows: Vec<(u32, Vec<V>)> = (1..=MAX_ROWS as u32 + 1)
            .map(|r| {
                (
                    r,
                    vec![
                        V::S("Hà Văn Một"),
                        V::S(""),
                        V::S("Nam"),
                        V::S("01/01/2000"),
                    ],
                )
            })
            .collect();
        let p = parse_xlsx(&book(&rows), today());
        assert_eq!(p.file_error, Some(FileError::TooManyRows));
    }
}
