//! Dates and times as Vietnamese write them, whatever the browser's locale:
//! days as dd/mm/yyyy, months as mm/yyyy and times on the 24-hour clock as HH:MM. Forms take
//! them as plain text (a browser's date picker shows its own locale's order),
//! read here, so the app and the server agree on what is valid.

use crate::rules::schedule::YearMonth;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use thiserror::Error;

/// What a day field shows before anything is typed.
pub const DATE_PLACEHOLDER: &str = "dd/mm/yyyy";
/// What a time field shows before anything is typed.
pub const TIME_PLACEHOLDER: &str = "HH:MM";
/// The browser's own check for a day field (an HTML `pattern`): one or two
/// digits, a slash, one or two digits, a slash, four digits, spaces around.
pub const DATE_PATTERN: &str = r"\s*\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}\s*";
/// What a month field shows before anything is typed.
pub const MONTH_PLACEHOLDER: &str = "mm/yyyy";
/// The same for a month field: one or two digits, a slash, four digits.
pub const MONTH_PATTERN: &str = r"\s*\d{1,2}\s*/\s*\d{4}\s*";
/// The same for a time field: hours 0–23, a colon (or `h`, as "14h30"), minutes.
pub const TIME_PATTERN: &str = r"\s*\d{1,2}\s*[:hH]\s*\d{2}\s*";

/// Why a typed day or time is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DateError {
    #[error("Cần ghi ngày.")]
    DateMissing,
    #[error("Ghi ngày theo dạng ngày/tháng/năm, ví dụ 02/09/2026.")]
    DateShape,
    #[error("Ngày này không có trong lịch.")]
    NoSuchDay,
    #[error("Cần ghi giờ.")]
    TimeMissing,
    #[error("Ghi giờ theo dạng giờ:phút (24 giờ), ví dụ 14:00.")]
    TimeShape,
    #[error("Giờ từ 00 đến 23, phút từ 00 đến 59.")]
    NoSuchTime,
    #[error("Cần ghi tháng.")]
    MonthMissing,
    #[error("Ghi tháng theo dạng tháng/năm, ví dụ 05/2026.")]
    MonthShape,
    #[error("Tháng từ 01 đến 12.")]
    NoSuchMonth,
}

/// 02/09/2026.
pub fn format_day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// 05/2026.
pub fn format_month(m: YearMonth) -> String {
    format!("{:02}/{}", m.month, m.year)
}

/// 14:05, on the 24-hour clock.
pub fn format_time(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// 14:05 · 02/09/2026.
pub fn format_when(at: NaiveDateTime) -> String {
    format!("{} · {}", format_time(at.time()), format_day(at.date()))
}

/// A number of `min..=max` ASCII digits, spaces around allowed.
fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    let s = s.trim();
    ((min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A day typed as d/m/yyyy (one or two digits for the day and the month,
/// spaces allowed around each part): `1/2/2026` is 01/02/2026.
pub fn parse_day(s: &str) -> Result<NaiveDate, DateError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DateError::DateMissing);
    }
    let parts: Vec<&str> = s.split('/').collect();
    let [d, m, y] = parts[..] else {
        return Err(DateError::DateShape);
    };
    let (Some(d), Some(m), Some(y)) = (digits(d, 1, 2), digits(m, 1, 2), digits(y, 4, 4)) else {
        return Err(DateError::DateShape);
    };
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(DateError::NoSuchDay)
}

/// A month typed as m/yyyy or mm/yyyy (spaces allowed around each part).
pub fn parse_month(s: &str) -> Result<YearMonth, DateError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DateError::MonthMissing);
    }
    let Some((m, y)) = s.split_once('/') else {
        return Err(DateError::MonthShape);
    };
    let (Some(m), Some(y)) = (digits(m, 1, 2), digits(y, 4, 4)) else {
        return Err(DateError::MonthShape);
    };
    if !(1..=12).contains(&m) {
        return Err(DateError::NoSuchMonth);
    }
    Ok(YearMonth::new(y as i32, m))
}

/// A time typed as H:MM or HH:MM on the 24-hour clock ("14h30" too); 24:00 is
/// not a time of day.
pub fn parse_time(s: &str) -> Result<NaiveTime, DateError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DateError::TimeMissing);
    }
    let Some((h, m)) = s.split_once([':', 'h', 'H']) else {
        return Err(DateError::TimeShape);
    };
    let (Some(h), Some(m)) = (digits(h, 1, 2), digits(m, 2, 2)) else {
        return Err(DateError::TimeShape);
    };
    NaiveTime::from_hms_opt(h, m, 0).ok_or(DateError::NoSuchTime)
}

/// A day field that may be left empty.
pub fn parse_opt_day(s: &str) -> Result<Option<NaiveDate>, DateError> {
    match parse_day(s) {
        Ok(d) => Ok(Some(d)),
        Err(DateError::DateMissing) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn days_with_one_or_two_digits_and_spaces() {
        assert_eq!(parse_day("1/2/2026"), Ok(day(2026, 2, 1)));
        assert_eq!(format_day(parse_day("1/2/2026").unwrap()), "01/02/2026");
        assert_eq!(parse_day(" 02 / 09 / 1985 "), Ok(day(1985, 9, 2)));
        assert_eq!(parse_day("31/12/2026"), Ok(day(2026, 12, 31)));
    }

    #[test]
    fn leap_years_and_days_not_in_the_calendar() {
        assert_eq!(parse_day("29/02/2024"), Ok(day(2024, 2, 29)));
        assert_eq!(parse_day("29/02/2000"), Ok(day(2000, 2, 29)));
        assert_eq!(parse_day("29/02/2026"), Err(DateError::NoSuchDay));
        assert_eq!(parse_day("29/02/2100"), Err(DateError::NoSuchDay));
        assert_eq!(parse_day("31/04/2026"), Err(DateError::NoSuchDay));
        assert_eq!(parse_day("00/01/2026"), Err(DateError::NoSuchDay));
        assert_eq!(parse_day("12/13/2026"), Err(DateError::NoSuchDay));
    }

    #[test]
    fn other_shapes_are_refused_not_guessed() {
        assert_eq!(parse_day(""), Err(DateError::DateMissing));
        assert_eq!(parse_day("   "), Err(DateError::DateMissing));
        for s in [
            "2026-02-01",
            "1/2/26",
            "1/2",
            "01/02/2026/1",
            "a/b/cccc",
            "+1/2/2026",
            "001/2/2026",
            "1/2/02026",
            "1 2 2026",
        ] {
            assert_eq!(parse_day(s), Err(DateError::DateShape), "{s}");
        }
    }

    #[test]
    fn times_on_the_24_hour_clock() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(parse_time("14:00"), Ok(t(14, 0)));
        assert_eq!(parse_time("7:05"), Ok(t(7, 5)));
        assert_eq!(format_time(parse_time("7:05").unwrap()), "07:05");
        assert_eq!(parse_time(" 14 : 30 "), Ok(t(14, 30)));
        assert_eq!(parse_time("14h30"), Ok(t(14, 30)));
        assert_eq!(parse_time("00:00"), Ok(t(0, 0)));
        assert_eq!(parse_time("23:59"), Ok(t(23, 59)));
        assert_eq!(parse_time("24:00"), Err(DateError::NoSuchTime));
        assert_eq!(parse_time("12:60"), Err(DateError::NoSuchTime));
        assert_eq!(parse_time(""), Err(DateError::TimeMissing));
        for s in [
            "1400", "14:0", "14:000", "2 PM", "14:00:00", "14:", ":30", "-1:00",
        ] {
            assert_eq!(parse_time(s), Err(DateError::TimeShape), "{s}");
        }
    }

    #[test]
    fn months_as_month_then_year() {
        assert_eq!(parse_month("5/2026"), Ok(YearMonth::new(2026, 5)));
        assert_eq!(parse_month(" 12 / 2025 "), Ok(YearMonth::new(2025, 12)));
        assert_eq!(format_month(parse_month("5/2026").unwrap()), "05/2026");
        assert_eq!(parse_month("01/2000"), Ok(YearMonth::new(2000, 1)));
        assert_eq!(parse_month(""), Err(DateError::MonthMissing));
        assert_eq!(parse_month("00/2026"), Err(DateError::NoSuchMonth));
        assert_eq!(parse_month("13/2026"), Err(DateError::NoSuchMonth));
        for s in [
            "2026-05",
            "05-2026",
            "5/26",
            "05/2026/1",
            "/2026",
            "5/",
            "a/2026",
            "005/2026",
            "05 2026",
        ] {
            assert_eq!(parse_month(s), Err(DateError::MonthShape), "{s}");
        }
    }

    #[test]
    fn an_empty_optional_day_is_none() {
        assert_eq!(parse_opt_day(" "), Ok(None));
        assert_eq!(parse_opt_day("1/2/2026"), Ok(Some(day(2026, 2, 1))));
        assert_eq!(parse_opt_day("31/04/2026"), Err(DateError::NoSuchDay));
    }

    #[test]
    fn when_reads_time_then_day() {
        let at = day(2026, 12, 5).and_hms_opt(14, 0, 0).unwrap();
        assert_eq!(format_when(at), "14:00 · 05/12/2026");
    }
}
