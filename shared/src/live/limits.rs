//! Every limit of the live meeting, defined once: the server enforces them,
//! the app respects them, docs/live-protocol.md lists them for client writers.

/// The app sends `ping` when it has sent nothing for this long; the server
/// sends a WebSocket ping frame when it has heard nothing for this long.
pub const HEARTBEAT_SECS: u32 = 4;

/// A peer silent this long (no message, no pong) is taken as gone: the app
/// reconnects, the server closes the socket. A silent network drop is thus
/// seen within this time.
pub const SILENT_PEER_SECS: u32 = 10;

/// The first wait before reconnecting, doubled on each failed attempt…
pub const RECONNECT_BASE_MS: u32 = 1000;
/// …up to this ceiling.
pub const RECONNECT_MAX_MS: u32 = 15_000;

/// How long a client waits before its `attempt`-th reconnection (0 first):
/// the exponential step, of which a random half is taken away ("equal
/// jitter"), so that thousands of clients cut off together by a restart do
/// not come back in the same instant. `random` is any uniformly drawn `u32`.
pub fn reconnect_delay_ms(attempt: u32, random: u32) -> u32 {
    let step = (RECONNECT_BASE_MS << attempt.min(4)).min(RECONNECT_MAX_MS);
    let half = step / 2;
    half + random % (half + 1)
}

/// Commands one socket may send: a bucket of this many tokens…
pub const COMMAND_BURST: u32 = 20;
/// …refilled at this many tokens per second. Chairs and members never come
/// near it in a real meeting; a flood is answered with `deferred` (the bucket
/// is the account's in the meeting: all its sockets share it).
pub const COMMANDS_PER_SEC: u32 = 5;

/// Messages of any kind (pings included) one socket may send per second
/// before the server closes it (policy violation, 1008).
pub const MESSAGES_PER_SEC: u32 = 50;

/// Sockets one account may hold open to one meeting (a phone and a computer,
/// and one more while a reload closes the old socket).
pub const MAX_SOCKETS_PER_ACCOUNT: usize = 3;

/// A socket may ask for the whole state (`hello`) at most this often.
pub const MIN_SECS_BETWEEN_HELLOS: u32 = 2;

/// Bytes in an audio offer's SDP: a browser's offer of three audio sections
/// is 3–6 KB; each offer makes the server set up a connection.
pub const MAX_SDP_BYTES: usize = 32 * 1024;

/// A socket may send an audio offer at most this often (each one replaces
/// the socket's audio connection).
pub const MIN_MS_BETWEEN_OFFERS: u32 = 1000;

/// An audio connection not established this long after its answer is
/// dropped (the app is told it is lost, and may offer again). Browsers
/// connect in well under a second; a firewall that blocks UDP never does.
pub const AUDIO_CONNECT_SECS: u32 = 20;

/// How long the TURN credentials handed out with a welcome stay valid
/// (coturn's REST API scheme: the expiry is in the username). Longer than a
/// meeting day, since an allocation is refreshed with the same credentials
/// and ends when they expire; short enough that a credential copied out of
/// a browser soon stops relaying for anyone. Every welcome brings new ones.
pub const TURN_CREDENTIAL_SECS: u32 = 8 * 3600;

/// Characters in an opinion.
pub const MAX_TEXT_CHARS: usize = 4000;
/// Characters in the minutes' free text (the secretary's notes).
pub const MAX_MINUTES_CHARS: usize = 20_000;
/// Characters in the chair's conclusion.
pub const MAX_CONCLUSION_CHARS: usize = 10_000;
/// Characters in a task's description.
pub const MAX_TASK_CHARS: usize = 1000;
/// Characters in a name (a visitor's, a task's assignee).
pub const MAX_NAME_CHARS: usize = 200;
/// Characters in a reason for absence.
pub const MAX_REASON_CHARS: usize = 500;
/// Characters in a vote's question.
pub const MAX_QUESTION_CHARS: usize = 500;
/// Tasks assigned in one meeting.
pub const MAX_TASKS: usize = 50;
/// Votes held in one meeting.
pub const MAX_VOTES: usize = 30;
/// Opinions recorded in one meeting.
pub const MAX_OPINIONS: usize = 3000;

/// The most recent opinions a joining participant receives with the state;
/// earlier ones are counted (`omitted_opinions`) and read in the minutes
/// preview (`GET /api/meetings/{id}/minutes`). The join message so stays
/// small however long the meeting.
pub const VIEW_OPINIONS: usize = 10;
/// The most recent turns at the floor sent with the state.
pub const VIEW_TURNS: usize = 100;
/// Missed events sent on resuming, in bytes of JSON at most; more, and the
/// participant gets the (small) state instead.
pub const MAX_CATCH_UP_BYTES: usize = 256 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reconnection_delay_doubles_up_to_its_ceiling_within_its_jitter() {
        for attempt in 0..8 {
            let step = (RECONNECT_BASE_MS << attempt.min(4)).min(RECONNECT_MAX_MS);
            assert_eq!(reconnect_delay_ms(attempt, 0), step / 2);
            assert_eq!(
                reconnect_delay_ms(attempt, u32::MAX),
                step / 2 + u32::MAX % (step / 2 + 1)
            );
            assert!(reconnect_delay_ms(attempt, u32::MAX) <= step);
        }
        assert_eq!(reconnect_delay_ms(0, 500), 1000);
        assert_eq!(reconnect_delay_ms(30, 7_500), RECONNECT_MAX_MS);
    }

    #[test]
    fn clients_cut_off_together_spread_their_returns() {
        // A simple linear congruential sequence stands in for each client's draw.
        let mut seed = 12_345u32;
        let mut delays: Vec<u32> = (0..1000)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                reconnect_delay_ms(4, seed)
            })
            .collect();
        delays.sort_unstable();
        delays.dedup();
        assert!(delays.len() > 900, "{} distinct delays", delays.len());
    }
}
