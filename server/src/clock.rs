//! Vietnam's wall clock (UTC+7, no daylight saving): the time meetings are
//! registered and held in, and the date people write on forms.

/// Now in Vietnam, as the local wall-clock time meetings are registered in.
pub fn now_local() -> chrono::NaiveDateTime {
    (chrono::Utc::now() + chrono::Duration::hours(7)).naive_utc()
}

/// Today in Vietnam.
pub fn today() -> chrono::NaiveDate {
    now_local().date()
}
