//! The end-to-end tests: the real server binary, the built app, a real
//! headless Chromium. One test binary, each file a module, so they are linked
//! once and run two at a time from start to end. One file's tests:
//! `cargo test -p e2e --test end_to_end live::`.

mod audio;
mod browser;
mod classification;
mod commitments_inspections;
mod english;
mod home;
mod large_text;
mod live;
mod meetings;
mod month;
mod oversight;
mod preparation;
mod push;
mod pwa;
mod rating;
mod shell;
mod visits;
