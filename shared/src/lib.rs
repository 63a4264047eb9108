//! # Chi Bộ Số — the domain
//!
//! Plain types and pure functions shared by the browser app and the server:
//! the organization tree, members, permissions, the API's messages, and the
//! party's rules. No I/O and no clock: time is always an argument. Compiles for
//! `wasm32-unknown-unknown` and natively.

pub mod access;
pub mod api;
pub mod appraisal;
pub mod calendar;
pub mod classification;
pub mod clock;
pub mod commitments;
pub mod dates;
pub mod error;
pub mod files;
pub mod followup;
pub mod guidance;
pub mod i18n;
pub mod ids;
pub mod import;
pub mod inspections;
pub mod live;
pub mod meeting;
pub mod member;
pub mod notify;
pub mod org;
pub mod oversight;
pub mod preparation;
pub mod push;
pub mod rules;
pub mod scoring;
pub mod text;
pub mod visits;

pub use error::{ErrorBody, ErrorDetail, FieldError, FieldErrors};
pub use i18n::{Lang, Message};
pub use ids::{AccountId, MeetingId, MemberId, OrgId};
