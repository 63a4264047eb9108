//! The server's integration tests: a real server on a free port over a real
//! database, SQLite and PostgreSQL (see `common`). One test binary: each file
//! is a module, so the server and the test helpers are compiled and linked
//! once. Run one file's tests with `cargo test -p server --test it live::`.

#[macro_use]
mod common;

mod api;
mod audio;
mod bloc;
mod classification;
mod commitments;
mod documents;
mod faults;
mod guidance;
mod language;
mod live;
mod live_limits;
mod live_revocation;
mod members;
mod notifications;
mod oversight;
mod permissions;
mod preparation;
mod push;
mod rating;
mod rulesets;
mod schedule;
mod scoring;
mod storage;
mod tasks;
mod trust;
mod visits;
mod web;
