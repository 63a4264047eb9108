//! The party's rules: rule sets, attendance, votes, schedule compliance, scoring,
//! yearly rating and upper-level visits.
