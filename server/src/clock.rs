//! Vietnam's wall clock for the server, from `shared::clock` (the app uses the
//! same rule, so both agree whatever zone a device is set to).

/// Now in Vietnam, as the local wall-clock time meetings are registered in.
pub fn now_local() -> chrono::NaiveDateTime {
    shared::clock::vietnam_time(chrono::Utc::now())
}

/// Today in Vietnam.
pub fn today() -> chrono::NaiveDate {
    now_local().date()
}
