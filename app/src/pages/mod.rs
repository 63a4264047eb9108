//! One module per screen.

pub mod account;
pub mod admin;
pub mod classification;
pub mod commitments;
pub mod files;
pub mod guidance;
pub mod home;
pub mod import;
pub mod inspections;
pub mod login;
pub mod meeting;
pub mod member;
pub mod minutes;
pub mod notifications;
pub mod org;
pub mod oversight;
pub mod rating;
pub mod room;
pub mod rulesets;
pub mod score;
pub mod tasks;
pub mod visits;
pub mod year;
