//! The WebSocket's client-message decoder: any text a socket sends is read or
//! refused with one of the documented Vietnamese answers, never a panic; and a
//! message it reads comes back the same after being written out again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::live::protocol::{ClientMessage, MAX_CLIENT_MESSAGE_BYTES, decode_client};

const ANSWERS: [&str; 3] = [
    "Tin nhắn quá lớn.",
    "Loại tin nhắn hoặc lệnh không được hỗ trợ.",
    "Tin nhắn không đúng định dạng.",
];

fuzz_target!(|data: &[u8]| {
    // A WebSocket text frame is UTF-8; the server never sees anything else here.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match decode_client(text) {
        Err(answer) => assert!(ANSWERS.contains(&answer.as_str()), "{answer}"),
        Ok(message) => {
            assert!(text.len() <= MAX_CLIENT_MESSAGE_BYTES);
            let json = serde_json::to_string(&message).expect("a read message writes out");
            // Written out, defaults become explicit: only a few bytes longer.
            if json.len() <= MAX_CLIENT_MESSAGE_BYTES {
                let back: ClientMessage = decode_client(&json)
                    .unwrap_or_else(|e| panic!("{json} does not read back: {e}"));
                assert_eq!(back, message, "{json}");
            }
        }
    }
});
