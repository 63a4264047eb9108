//! What the browser decodes must read back: arbitrary meetings (votes open and
//! closed, open and secret, ballots online and in the room, marks, visitors,
//! opinions) are built by random commands, and every state, event and server
//! message is sent through JSON and read back, natively and in wasm. A map
//! keyed by member id inside the tagged `ServerMessage` once kept everyone
//! out of a meeting after its first vote; this is the test that sees it.

use super::audio::{AudioConnection, AudioRefusal, AudioRoute, Turn};
use super::protocol::{ClientMessage, PROTOCOL_VERSION, Sequenced, ServerMessage, decode_client};
use super::state::*;
use crate::ids::{AccountId, MeetingId, MemberId};
use crate::meeting::{MeetingKind, standard_agenda};
use crate::member::PartyStatus;
use crate::rules::attendance::{AttendanceMark, Presence, RosterEntry};
use crate::rules::vote::{Ballot, VoteKind, VoteTally};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A small deterministic generator: the same meetings on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const TEXTS: [&str; 4] = [
    "Đồng ý với dự thảo nghị quyết; đề nghị bổ sung chỉ tiêu phát triển đảng viên.",
    "Ý kiến \"trong ngoặc\" và \\ gạch chéo, xuống\ndòng, tab\t.",
    "Kết nạp đồng chí Hờ A Páo — bản Tả Van",
    "🙂 ý kiến ngắn",
];

fn roster() -> Vec<RosterEntry> {
    (1..=12)
        .map(|i| RosterEntry {
            member_id: MemberId(i),
            full_name: format!("Đảng viên Lò Văn {i}"),
            status: match i {
                11 => PartyStatus::Probationary,
                12 => PartyStatus::Exempted,
                _ => PartyStatus::Full,
            },
            attached_elsewhere: i == 10,
        })
        .collect()
}

fn setup() -> Setup {
    Setup {
        agenda: standard_agenda(MeetingKind::Regular),
        rules: crate::rules::RuleSet::national_default().meeting_rules(),
        roll: roster(),
        chair: Some(MemberId(1)),
        secretary: Some(MemberId(2)),
        starts_at: None,
        excused: vec![AttendanceMark {
            reason: "Đi công tác tại Điện Biên — đã xin vắng".into(),
            ..AttendanceMark::new(MemberId(5), Presence::AbsentWithReason)
        }],
    }
}

fn speaker(rng: &mut Rng) -> Speaker {
    match rng.below(6) {
        0 => Speaker::Visitor(AccountId(rng.pick(&[900, 901]))),
        _ => Speaker::Member(MemberId(rng.below(13) as i64 + 1)),
    }
}

fn command(rng: &mut Rng, state: &LiveState) -> Command {
    let vote = state.votes.len().saturating_sub(1);
    let choice = rng.pick(&[Choice::InFavour, Choice::Against, Choice::Abstain]);
    let member = MemberId(rng.below(12) as i64 + 1);
    match rng.below(20) {
        0 => Command::Open {
            confirm_early: true,
        },
        1 => Command::MoveTo {
            item: rng.below(8) as usize,
        },
        2 => Command::CheckIn,
        3 => Command::VisitorArrives {
            name: "Trịnh Minh Tuấn".into(),
        },
        4 | 5 => {
            let presence = rng.pick(&[
                Presence::InPerson,
                Presence::InPerson,
                Presence::Online,
                Presence::AbsentWithReason,
                Presence::AbsentWithoutReason,
            ]);
            let mut mark = AttendanceMark::new(member, presence);
            if !presence.is_present() {
                mark.reason = "Ốm".into();
            }
            Command::Mark { mark }
        }
        6 => Command::RaiseHand,
        7 => Command::GiveFloor {
            speaker: speaker(rng),
        },
        8 => Command::EndFloor,
        9 => Command::Opine {
            text: rng.pick(&TEXTS).into(),
            on_behalf_of: (rng.below(2) == 0).then(|| speaker(rng)),
        },
        10 => Command::OpenVote {
            kind: rng.pick(&[
                VoteKind::Resolution,
                VoteKind::Resolution,
                VoteKind::Expulsion,
            ]),
            ballot: rng.pick(&[Ballot::Open, Ballot::Secret]),
            question: "Thông qua nghị quyết tháng 12".into(),
        },
        11..=13 => Command::Cast { vote, choice },
        14 => Command::RecordBallot {
            vote,
            member,
            choice,
        },
        15 => Command::CountPaperBallots {
            vote,
            tally: VoteTally {
                in_favour: rng.below(3) as u32,
                against: rng.below(2) as u32,
                abstain: 0,
            },
        },
        16 => Command::CloseVote { vote },
        17 => Command::AppointCounters {
            members: vec![member],
        },
        18 => Command::AssignTask {
            task: Task {
                assignee: Some(member),
                assignee_name: "Đảng viên".into(),
                what: rng.pick(&TEXTS).into(),
                due: NaiveDate::from_ymd_opt(2027, 1, 15),
            },
        },
        _ => {
            // Adoption freezes the record: rare, so meetings go on long enough.
            if rng.below(12) == 0 {
                Command::AdoptMinutes
            } else {
                Command::Close
            }
        }
    }
}

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let json = serde_json::to_string(value).expect("serializes");
    let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(&back, value);
    // And through a `Value`, as a client holding loose JSON would.
    let loose: serde_json::Value = serde_json::from_str(&json).expect("is JSON");
    let back: T = serde_json::from_value(loose).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(&back, value);
}

/// Plays one random meeting; checks every message on the way.
fn play(seed: u64, steps: usize) -> (LiveState, usize) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut state = LiveState::new(MeetingId(seed as i64), setup());
    let start: NaiveDateTime = NaiveDate::from_ymd_opt(2026, 12, 5)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .expect("a date");
    let mut stored = 0;
    let mut boxed = std::collections::BTreeMap::<usize, VoteTally>::new();
    for step in 0..steps {
        let who = if rng.below(3) == 0 {
            Speaker::Member(MemberId(1))
        } else {
            speaker(&mut rng)
        };
        let command = command(&mut rng, &state);
        let now = start + chrono::Duration::seconds(step as i64);
        let Ok(mut events) = decide(&state, who, &command, now) else {
            continue;
        };
        if let Some((vote, choice)) = sealed_choice(&state, &command) {
            let t = boxed.entry(vote).or_default();
            match choice {
                Choice::InFavour => t.in_favour += 1,
                Choice::Against => t.against += 1,
                Choice::Abstain => t.abstain += 1,
            }
        }
        if let Command::CloseVote { vote } = command {
            let t = boxed.get(&vote).copied().unwrap_or_default();
            count_secret_vote(&state, &mut events, t).expect("the box agrees");
        }
        let mut sequenced = Vec::new();
        for e in events {
            round_trip(&e);
            let seen = e.for_participants(&state);
            apply(&mut state, &e);
            stored += 1;
            sequenced.push(Sequenced {
                seq: state.seq,
                event: seen,
            });
        }
        round_trip(&ServerMessage::Events { events: sequenced });
        round_trip(&command);
        round_trip(&ServerMessage::Audio {
            connection: AudioConnection::Connected,
            route: AudioRoute::of(&state),
        });
    }
    round_trip(&state);
    let view = state.for_participants();
    round_trip(&ServerMessage::Welcome {
        version: PROTOCOL_VERSION,
        you: state.caller(Speaker::Member(MemberId(3))),
        snapshot: Some(Box::new(view.clone())),
        events: Vec::new(),
        turn: None,
    });
    round_trip(&ServerMessage::Snapshot {
        state: Box::new(view),
    });
    (state, stored)
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn arbitrary_meetings_read_back_from_json() {
    let mut votes = 0;
    let mut ballots = 0;
    let mut in_room = 0;
    let mut visitors = 0;
    for seed in 1..=60 {
        let (state, _) = play(seed, 400);
        votes += state.votes.len();
        ballots += state.votes.iter().map(|v| v.ballots.len()).sum::<usize>();
        in_room += state
            .votes
            .iter()
            .flat_map(|v| &v.ballots)
            .filter(|b| b.recorded_by.is_some())
            .count();
        visitors += state.visitors.len();
    }
    // The generator must reach what broke before: votes with ballots.
    assert!(
        votes > 30 && ballots > 100 && in_room >= 5 && visitors > 10,
        "votes {votes}, ballots {ballots}, in the room {in_room}, visitors {visitors}"
    );
}

/// Item 8: whatever a meeting holds within the limits, a joining participant
/// gets a state of bounded size; its opinions' count does not matter.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_largest_meeting_the_limits_allow_joins_in_a_small_message() {
    use super::limits::*;
    // Three bytes of UTF-8 per character: the worst case for Vietnamese text.
    let long = |n: usize| "ệ".repeat(n);
    let mut roll = roster();
    for i in 13..=120 {
        roll.push(RosterEntry {
            member_id: MemberId(i),
            full_name: long(40),
            status: PartyStatus::Full,
            attached_elsewhere: false,
        });
    }
    let mut agenda = standard_agenda(MeetingKind::Regular);
    agenda.resize(crate::meeting::MAX_AGENDA_ITEMS, agenda[0].clone());
    for item in &mut agenda {
        item.notes = long(crate::meeting::MAX_NOTES_CHARS);
    }
    let mut state = LiveState::new(
        MeetingId(1),
        Setup {
            agenda,
            roll,
            ..setup()
        },
    );
    let at = NaiveDate::from_ymd_opt(2026, 12, 5)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .expect("a date");
    let chair = Speaker::Member(MemberId(1));
    let run = |state: &mut LiveState, who: Speaker, c: Command| {
        for e in decide(state, who, &c, at).unwrap_or_else(|r| panic!("{c:?}: {r}")) {
            apply(state, &e);
        }
    };
    run(
        &mut state,
        chair,
        Command::Open {
            confirm_early: true,
        },
    );
    for i in 1..=120 {
        let mark = AttendanceMark::new(MemberId(i), Presence::Online);
        run(&mut state, chair, Command::Mark { mark });
    }
    for _ in 0..MAX_OPINIONS {
        run(
            &mut state,
            chair,
            Command::Opine {
                text: long(MAX_TEXT_CHARS),
                on_behalf_of: None,
            },
        );
    }
    for vote in 0..MAX_VOTES {
        run(
            &mut state,
            chair,
            Command::OpenVote {
                kind: VoteKind::Resolution,
                ballot: Ballot::Open,
                question: long(MAX_QUESTION_CHARS),
            },
        );
        for i in 1..=9 {
            let who = Speaker::Member(MemberId(i));
            run(
                &mut state,
                who,
                Command::Cast {
                    vote,
                    choice: Choice::InFavour,
                },
            );
        }
        run(&mut state, chair, Command::CloseVote { vote });
    }
    for _ in 0..MAX_TASKS {
        let task = Task {
            assignee: None,
            assignee_name: long(MAX_NAME_CHARS),
            what: long(MAX_TASK_CHARS),
            due: None,
        };
        run(&mut state, chair, Command::AssignTask { task });
    }
    run(
        &mut state,
        chair,
        Command::EditMinutes {
            text: long(MAX_MINUTES_CHARS),
        },
    );
    run(
        &mut state,
        chair,
        Command::Conclude {
            text: long(MAX_CONCLUSION_CHARS),
        },
    );
    for i in 1..=500 {
        run(
            &mut state,
            chair,
            Command::GiveFloor {
                speaker: Speaker::Member(MemberId(1 + i % 100)),
            },
        );
    }
    let whole = serde_json::to_string(&state).expect("serializes").len();
    let view = state.for_participants();
    assert_eq!(view.omitted_opinions, MAX_OPINIONS - VIEW_OPINIONS);
    let json = serde_json::to_string(&ServerMessage::Welcome {
        version: PROTOCOL_VERSION,
        you: view.caller(chair),
        snapshot: Some(Box::new(view.clone())),
        events: Vec::new(),
        turn: None,
    })
    .expect("serializes");
    assert!(whole > 30 * 1024 * 1024, "the whole state is {whole} bytes");
    assert!(
        json.len() < 640 * 1024,
        "the join message is {} bytes",
        json.len()
    );
    // The view decides as the whole state does: no more opinions past the limit.
    assert_eq!(
        decide(
            &view,
            chair,
            &Command::Opine {
                text: "Thêm".into(),
                on_behalf_of: None
            },
            at
        ),
        Err(Refusal::TooMany)
    );
    round_trip(&view);
}

/// A browser's audio offer as Chromium writes it: the microphone (send-only),
/// then the floor's and the chair's sections (receive-only), Opus with RED.
const CHROMIUM_OFFER: &str = "v=0\r\n\
o=- 4215617329017618573 2 IN IP4 127.0.0.1\r\n\
s=-\r\n\
t=0 0\r\n\
a=group:BUNDLE 0 1 2\r\n\
a=extmap-allow-mixed\r\n\
a=msid-semantic: WMS 7c1f0a4e-5b2d-4f0e-9b53-2f8e1d3c6a90\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n\
c=IN IP4 0.0.0.0\r\n\
a=rtcp:9 IN IP4 0.0.0.0\r\n\
a=ice-ufrag:Xq3b\r\n\
a=ice-pwd:2dFv9P0qLr+7mYc4nKx1TzAb\r\n\
a=ice-options:trickle\r\n\
a=fingerprint:sha-256 3A:9C:11:5E:7B:0D:42:F8:C6:21:9A:E4:5B:77:10:3D:8E:CC:02:6F:B9:41:D5:18:A3:7E:90:64:2B:FD:C8:05\r\n\
a=setup:actpass\r\n\
a=mid:0\r\n\
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n\
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n\
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n\
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n\
a=sendonly\r\n\
a=msid:7c1f0a4e-5b2d-4f0e-9b53-2f8e1d3c6a90 0d6f3e2a-91b8-4c57-a1d4-6e2f7b8c9d01\r\n\
a=rtcp-mux\r\n\
a=rtcp-rsize\r\n\
a=rtpmap:111 opus/48000/2\r\n\
a=rtcp-fb:111 transport-cc\r\n\
a=fmtp:111 minptime=10;useinbandfec=1\r\n\
a=rtpmap:63 red/48000/2\r\n\
a=fmtp:63 111/111\r\n\
a=rtpmap:9 G722/8000\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:13 CN/8000\r\n\
a=rtpmap:110 telephone-event/48000\r\n\
a=rtpmap:126 telephone-event/8000\r\n\
a=ssrc:2960171829 cname:hV2xq8F1pYk0cN3t\r\n\
a=ssrc:2960171829 msid:7c1f0a4e-5b2d-4f0e-9b53-2f8e1d3c6a90 0d6f3e2a-91b8-4c57-a1d4-6e2f7b8c9d01\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111 63\r\n\
c=IN IP4 0.0.0.0\r\n\
a=rtcp:9 IN IP4 0.0.0.0\r\n\
a=ice-ufrag:Xq3b\r\n\
a=ice-pwd:2dFv9P0qLr+7mYc4nKx1TzAb\r\n\
a=ice-options:trickle\r\n\
a=fingerprint:sha-256 3A:9C:11:5E:7B:0D:42:F8:C6:21:9A:E4:5B:77:10:3D:8E:CC:02:6F:B9:41:D5:18:A3:7E:90:64:2B:FD:C8:05\r\n\
a=setup:actpass\r\n\
a=mid:1\r\n\
a=recvonly\r\n\
a=rtcp-mux\r\n\
a=rtpmap:111 opus/48000/2\r\n\
a=fmtp:111 minptime=10;useinbandfec=1\r\n\
a=rtpmap:63 red/48000/2\r\n\
a=fmtp:63 111/111\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111 63\r\n\
c=IN IP4 0.0.0.0\r\n\
a=rtcp:9 IN IP4 0.0.0.0\r\n\
a=ice-ufrag:Xq3b\r\n\
a=ice-pwd:2dFv9P0qLr+7mYc4nKx1TzAb\r\n\
a=ice-options:trickle\r\n\
a=fingerprint:sha-256 3A:9C:11:5E:7B:0D:42:F8:C6:21:9A:E4:5B:77:10:3D:8E:CC:02:6F:B9:41:D5:18:A3:7E:90:64:2B:FD:C8:05\r\n\
a=setup:actpass\r\n\
a=mid:2\r\n\
a=recvonly\r\n\
a=rtcp-mux\r\n\
a=rtpmap:111 opus/48000/2\r\n\
a=fmtp:111 minptime=10;useinbandfec=1\r\n\
a=rtpmap:63 red/48000/2\r\n\
a=fmtp:63 111/111\r\n";

/// Audio signalling through JSON, as the app will send and read it: the SDP
/// (CRLF line ends, `+`, `/`, `:`) comes back byte for byte.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn audio_signalling_reads_back_from_json() {
    let offer = ClientMessage::AudioOffer {
        sdp: CHROMIUM_OFFER.into(),
    };
    round_trip(&offer);
    round_trip(&Command::MuteFloor { muted: true });
    round_trip(&Event::FloorMuted {
        muted: true,
        at: NaiveDate::from_ymd_opt(2026, 12, 5)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .expect("a date"),
    });
    let json = serde_json::to_string(&offer).expect("serializes");
    assert!(
        json.starts_with(r#"{"type":"audio_offer","sdp":"v=0\r\n"#),
        "{json}"
    );
    assert_eq!(decode_client(&json), Ok(offer));
    assert_eq!(
        decode_client(r#"{"type":"audio_stop"}"#),
        Ok(ClientMessage::AudioStop)
    );
    // An answer as the server writes it: ICE-lite, one host candidate.
    let answer = ServerMessage::AudioAnswer {
        sdp: "v=0\r\no=str0m-1837 5463209218874301913 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n\
              a=group:BUNDLE 0 1 2\r\na=ice-lite\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 63\r\n\
              a=candidate:1 1 udp 2130706175 203.0.113.7 40000 typ host\r\n\
              a=mid:0\r\na=recvonly\r\na=rtpmap:111 opus/48000/2\r\n"
            .into(),
    };
    round_trip(&answer);
    for reason in [AudioRefusal::NotParticipant, AudioRefusal::BadOffer] {
        let refused = ServerMessage::audio_refused(reason);
        round_trip(&refused);
        let v = serde_json::to_value(&refused).expect("serializes");
        assert_eq!(v["type"], "audio_refused");
        assert_eq!(v["message"], reason.to_string());
    }
    let v = serde_json::to_value(ServerMessage::audio_refused(AudioRefusal::TooSoon)).unwrap();
    assert_eq!(v["reason"]["code"], "too_soon");
    let route = AudioRoute {
        floor: Some(Speaker::Visitor(AccountId(900))),
        chair: Some(Speaker::Member(MemberId(1))),
        floor_muted: false,
    };
    let audio = ServerMessage::Audio {
        connection: AudioConnection::Connecting,
        route,
    };
    round_trip(&audio);
    let v = serde_json::to_value(&audio).unwrap();
    assert_eq!(v["connection"], "connecting");
    assert_eq!(v["route"]["floor"]["kind"], "visitor");
    assert_eq!(v["route"]["chair"]["id"], 1);
}

/// The welcome of a server with a TURN server: the credentials read back as
/// the app builds its `RTCIceServer` from them, under the documented names;
/// without one, the welcome has no `turn` at all.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_welcome_brings_turn_credentials_only_when_there_is_a_turn_server() {
    let (state, _) = play(7, 60);
    let view = state.for_participants();
    let turn = Turn {
        urls: vec![
            "turn:turn.chibo.example.vn:3478?transport=udp".into(),
            "turns:turn.chibo.example.vn:5349?transport=tcp".into(),
        ],
        username: "1796565600:4213".into(),
        credential: "qFzxj8mD0m6Gq9Oe5nWm0Yx1Y2k=".into(),
        relay_only: true,
    };
    let welcome = ServerMessage::Welcome {
        version: PROTOCOL_VERSION,
        you: view.caller(Speaker::Member(MemberId(3))),
        snapshot: Some(Box::new(view.clone())),
        events: Vec::new(),
        turn: Some(turn.clone()),
    };
    round_trip(&welcome);
    let json = serde_json::to_value(&welcome).expect("serializes");
    assert_eq!(json["turn"]["urls"][1], turn.urls[1]);
    assert_eq!(json["turn"]["username"], "1796565600:4213");
    assert_eq!(json["turn"]["credential"], turn.credential);
    assert_eq!(json["turn"]["relay_only"], true);

    let plain = ServerMessage::Welcome {
        version: PROTOCOL_VERSION,
        you: view.caller(Speaker::Member(MemberId(3))),
        snapshot: None,
        events: Vec::new(),
        turn: None,
    };
    round_trip(&plain);
    let json = serde_json::to_value(&plain).expect("serializes");
    assert!(json.get("turn").is_none(), "{json}");
}
