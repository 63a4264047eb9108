//! Vietnam's wall clock (giờ Việt Nam, UTC+7, no daylight saving): the one
//! time meetings are registered, opened and recorded in. The server and the
//! app both derive it from UTC here, so a phone set to another zone agrees
//! with the server (docs/rules.md, "Time").

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};

/// Vietnam's offset from UTC, in seconds.
pub const VIETNAM_OFFSET_SECS: i32 = 7 * 3600;

/// The offset as a chrono zone.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_OFFSET_SECS).expect("UTC+7 is a valid offset")
}

/// The wall-clock time in Vietnam at a UTC instant, to the second.
pub fn vietnam_time(utc: DateTime<Utc>) -> NaiveDateTime {
    let t = utc.with_timezone(&vietnam()).naive_local();
    t.with_nanosecond_zero()
}

/// The wall-clock time in Vietnam from milliseconds since the Unix epoch
/// (the browser's `Date.now()`); `None` outside chrono's range.
pub fn vietnam_time_from_millis(millis: f64) -> Option<NaiveDateTime> {
    if !millis.is_finite() {
        return None;
    }
    DateTime::<Utc>::from_timestamp_millis(millis as i64).map(vietnam_time)
}

/// The date in Vietnam at a UTC instant.
pub fn vietnam_date(utc: DateTime<Utc>) -> NaiveDate {
    vietnam_time(utc).date()
}

trait WholeSeconds {
    fn with_nanosecond_zero(self) -> Self;
}

impl WholeSeconds for NaiveDateTime {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap_or(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn vietnam_is_seven_hours_ahead_of_utc_whatever_the_device_zone() {
        let utc = Utc.with_ymd_and_hms(2026, 12, 31, 20, 30, 15).unwrap();
        let vn = vietnam_time(utc);
        assert_eq!(vn.to_string(), "2027-01-01 03:30:15");
        assert_eq!(vietnam_date(utc).to_string(), "2027-01-01");
        let millis = utc.timestamp_millis() as f64 + 999.0;
        assert_eq!(vietnam_time_from_millis(millis), Some(vn));
        assert_eq!(vietnam_time_from_millis(f64::NAN), None);
        assert_eq!(vietnam_time_from_millis(f64::MAX), None);
    }
}
