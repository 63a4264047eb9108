//! The live meeting: an append-only log of events, applied by one state machine
//! in the browser and on the server.

pub mod audio;
pub mod chain;
pub mod close;
pub mod limits;
pub mod minutes;
pub mod protocol;
pub mod state;

#[cfg(test)]
mod roundtrip_tests;
