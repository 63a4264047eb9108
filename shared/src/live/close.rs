//! How the server ends a live meeting's WebSocket, and what the app does then.
//! The codes of RFC 6455 where one fits, private ones (4000–4999) otherwise;
//! every close frame carries a reason in Vietnamese, for the person.

/// The session ended (logout, password changed, account disabled): the app
/// goes to the login page and does not reconnect.
pub const SESSION_ENDED: u16 = 4401;
/// The account may no longer take part in this meeting (moved out of the
/// cell, assignment withdrawn): the app does not reconnect.
pub const NOT_A_PARTICIPANT: u16 = 4403;
/// A newer connection of the same account to this meeting took this one's
/// place (`MAX_SOCKETS_PER_ACCOUNT`): the app does not reconnect on its own,
/// or two tabs would take turns closing each other.
pub const REPLACED: u16 = 4409;
/// The participant's powers in the meeting changed: the app reconnects at
/// once and gets a new `welcome`.
pub const RECONNECT: u16 = 4000;
/// The peer was silent for `SILENT_PEER_SECS`: the app reconnects.
pub const GOING_AWAY: u16 = 1001;
/// Too many messages (`MESSAGES_PER_SEC`): policy violation.
pub const POLICY_VIOLATION: u16 = 1008;
/// A message over `MAX_CLIENT_MESSAGE_BYTES`.
pub const MESSAGE_TOO_BIG: u16 = 1009;
/// The server could not go on with this connection: the app reconnects.
pub const INTERNAL_ERROR: u16 = 1011;
/// The server is restarting: the app reconnects.
pub const SERVICE_RESTART: u16 = 1012;

/// Whether the app should open a new connection after this close code.
pub fn reconnect_after(code: u16) -> bool {
    !matches!(
        code,
        SESSION_ENDED | NOT_A_PARTICIPANT | REPLACED | POLICY_VIOLATION | MESSAGE_TOO_BIG
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ended_rights_and_abuse_stop_reconnection() {
        for code in [
            SESSION_ENDED,
            NOT_A_PARTICIPANT,
            REPLACED,
            POLICY_VIOLATION,
            MESSAGE_TOO_BIG,
        ] {
            assert!(!reconnect_after(code), "{code}");
        }
        for code in [
            RECONNECT,
            GOING_AWAY,
            INTERNAL_ERROR,
            SERVICE_RESTART,
            1000,
            1006,
        ] {
            assert!(reconnect_after(code), "{code}");
        }
    }
}
