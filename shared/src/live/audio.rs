//! The meeting's audio (âm thanh cuộc họp): who is heard follows the live
//! state, as a party meeting runs. The server forwards at most two voices to
//! each listener, whatever the meeting's size: whoever has the floor (slot 0)
//! and the chair (slot 1); everything else is dropped at the server. The app
//! reads the same rule to show who is speaking.

use super::state::{LiveState, Phase, Speaker};
use crate::i18n::Message;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An output slot of a listener's connection, in the order of the offer's
/// receive-only audio sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    /// Whoever has the floor (người được phát biểu).
    Floor,
    /// The chair (chủ trì).
    Chair,
}

impl Slot {
    /// Every slot, in the offer's order.
    pub const ALL: [Slot; 2] = [Slot::Floor, Slot::Chair];

    /// Its place among the offer's receive-only sections (0 or 1).
    pub fn index(self) -> usize {
        match self {
            Slot::Floor => 0,
            Slot::Chair => 1,
        }
    }
}

/// Who is forwarded now. Derived from the live state, never stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudioRoute {
    /// Slot 0: whoever has the floor, unless the chair muted them.
    pub floor: Option<Speaker>,
    /// Slot 1: the chair, unless the chair has the floor (then heard in slot 0).
    pub chair: Option<Speaker>,
    /// The floor is held, and the chair muted it.
    pub floor_muted: bool,
}

impl AudioRoute {
    /// The route the state gives: nobody before the opening or after the
    /// closing (the record covers what the meeting hears).
    pub fn of(state: &LiveState) -> AudioRoute {
        if state.phase != Phase::InProgress {
            return AudioRoute::default();
        }
        let chair = state.chair.map(Speaker::Member);
        let holder = state.floor.map(|f| f.speaker);
        let floor_muted = state.floor.is_some_and(|f| f.muted);
        AudioRoute {
            floor: holder.filter(|_| !floor_muted),
            // The chair with the floor speaks there, muted or not: never twice.
            chair: chair.filter(|c| holder != Some(*c)),
            floor_muted,
        }
    }

    /// Who is forwarded in a slot.
    pub fn source(&self, slot: Slot) -> Option<Speaker> {
        match slot {
            Slot::Floor => self.floor,
            Slot::Chair => self.chair,
        }
    }

    /// The slot a speaker's microphone goes to, if it is forwarded at all.
    pub fn slot_of(&self, speaker: Speaker) -> Option<Slot> {
        Slot::ALL
            .into_iter()
            .find(|s| self.source(*s) == Some(speaker))
    }

    /// What a listener receives in a slot: never their own voice.
    pub fn heard_by(&self, listener: Speaker, slot: Slot) -> Option<Speaker> {
        self.source(slot).filter(|s| *s != listener)
    }
}

/// Whether a participant may join the meeting's audio: a member on the
/// meeting's roll (or its chair), or an upper-level visitor whose arrival is
/// recorded, until the meeting closes.
pub fn may_join(state: &LiveState, speaker: Speaker) -> Result<(), AudioRefusal> {
    if state.phase == Phase::Closed {
        return Err(AudioRefusal::Closed);
    }
    match speaker {
        Speaker::Member(m) if state.roll_entry(m).is_some() || state.chair == Some(m) => Ok(()),
        Speaker::Member(_) => Err(AudioRefusal::NotParticipant),
        Speaker::Visitor(a) if state.visitor(a).is_some() => Ok(()),
        Speaker::Visitor(_) => Err(AudioRefusal::VisitorNotArrived),
    }
}

/// Why the server gives a socket no audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AudioRefusal {
    #[error("Đồng chí không có tên trong buổi sinh hoạt này nên không tham gia âm thanh được.")]
    NotParticipant,
    #[error("Đại biểu cấp trên cần ghi nhận có mặt trước khi nghe họp.")]
    VisitorNotArrived,
    #[error("Buổi sinh hoạt đã kết thúc.")]
    Closed,
    #[error("Trình duyệt gửi yêu cầu kết nối âm thanh không hợp lệ.")]
    BadOffer,
    #[error("Yêu cầu kết nối âm thanh quá lớn.")]
    TooLarge,
    #[error("Đồng chí vừa yêu cầu kết nối âm thanh; vui lòng đợi giây lát.")]
    TooSoon,
    #[error("Máy chủ chưa bật âm thanh cuộc họp.")]
    Unavailable,
}

impl Message for AudioRefusal {
    fn english(&self) -> (&'static str, String) {
        let (code, text) = match self {
            AudioRefusal::NotParticipant => (
                "not_participant",
                "You are not on this meeting's list, so you cannot join its audio.",
            ),
            AudioRefusal::VisitorNotArrived => (
                "visitor_not_arrived",
                "A visitor from a higher level records their presence before listening.",
            ),
            AudioRefusal::Closed => ("closed", "The meeting has closed."),
            AudioRefusal::BadOffer => (
                "bad_offer",
                "The browser sent an audio connection request that is not valid.",
            ),
            AudioRefusal::TooLarge => ("too_large", "The audio connection request is too large."),
            AudioRefusal::TooSoon => (
                "too_soon",
                "You have just asked to connect the audio; please wait a moment.",
            ),
            AudioRefusal::Unavailable => (
                "unavailable",
                "The server does not have meeting audio turned on.",
            ),
        };
        (code, text.into())
    }
}

/// The state of a participant's audio connection, as the server sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AudioConnection {
    /// Answered; waiting for the browser's connectivity checks and DTLS
    /// (đang kết nối âm thanh).
    Connecting,
    Connected,
    /// The connection was lost or closed (mất kết nối âm thanh): send a new offer.
    Lost,
}

/// A TURN server this participant's browser may relay its audio through,
/// for networks that block UDP to the media port: one `RTCIceServer`, with
/// credentials of its own (coturn's REST API scheme, valid
/// `limits::TURN_CREDENTIAL_SECS`). Sent in the welcome, only by a server
/// that has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    /// `turn:turn.example.vn:3478?transport=udp`, `turns:turn.example.vn:5349?transport=tcp`…
    pub urls: Vec<String>,
    /// `<expiry, Unix seconds>:<account id>`.
    pub username: String,
    /// base64(HMAC-SHA1(the server's secret, `username`)).
    pub credential: String,
    /// Audio goes through the TURN server only (`iceTransportPolicy:
    /// "relay"`): browsers cannot reach the media port directly.
    pub relay_only: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AccountId, MeetingId, MemberId};
    use crate::live::state::{Command, Setup, apply, decide};
    use crate::meeting::{MeetingKind, standard_agenda};
    use crate::member::PartyStatus;
    use crate::rules::attendance::RosterEntry;
    use chrono::NaiveDate;

    const CHAIR: Speaker = Speaker::Member(MemberId(1));
    const A: Speaker = Speaker::Member(MemberId(2));
    const B: Speaker = Speaker::Member(MemberId(3));
    const VISITOR: Speaker = Speaker::Visitor(AccountId(900));
    const STRANGER: Speaker = Speaker::Member(MemberId(99));

    fn meeting() -> LiveState {
        let roll = (1..=4)
            .map(|i| RosterEntry {
                member_id: MemberId(i),
                full_name: format!("Đảng viên {i}"),
                status: PartyStatus::Full,
                attached_elsewhere: false,
            })
            .collect();
        LiveState::new(
            MeetingId(7),
            Setup {
                agenda: standard_agenda(MeetingKind::Regular),
                rules: crate::rules::RuleSet::national_default().meeting_rules(),
                roll,
                chair: Some(MemberId(1)),
                secretary: Some(MemberId(4)),
                starts_at: None,
                excused: Vec::new(),
            },
        )
    }

    fn run(state: &mut LiveState, who: Speaker, command: Command) {
        let now = NaiveDate::from_ymd_opt(2026, 3, 5)
            .unwrap()
            .and_hms_opt(19, 30, 0)
            .unwrap();
        for e in decide(state, who, &command, now).expect("accepted") {
            apply(state, &e);
        }
    }

    fn opened() -> LiveState {
        let mut s = meeting();
        run(
            &mut s,
            CHAIR,
            Command::Open {
                confirm_early: true,
            },
        );
        for who in [CHAIR, A, B, Speaker::Member(MemberId(4))] {
            run(&mut s, who, Command::CheckIn);
        }
        run(
            &mut s,
            VISITOR,
            Command::VisitorArrives {
                name: "Đ/c Hà".into(),
            },
        );
        s
    }

    #[test]
    fn nobody_is_heard_before_the_opening_or_after_the_closing() {
        let s = meeting();
        assert_eq!(AudioRoute::of(&s), AudioRoute::default());
        let mut s = opened();
        assert_eq!(AudioRoute::of(&s).chair, Some(CHAIR));
        run(&mut s, CHAIR, Command::Close);
        assert_eq!(AudioRoute::of(&s), AudioRoute::default());
        assert_eq!(may_join(&s, A), Err(AudioRefusal::Closed));
    }

    #[test]
    fn the_floor_and_the_chair_are_heard_and_nobody_else() {
        let mut s = opened();
        run(&mut s, CHAIR, Command::GiveFloor { speaker: A });
        let route = AudioRoute::of(&s);
        assert_eq!(route.slot_of(A), Some(Slot::Floor));
        assert_eq!(route.slot_of(CHAIR), Some(Slot::Chair));
        assert_eq!(route.slot_of(B), None);
        assert_eq!(route.slot_of(VISITOR), None);
        // Each listener hears both; the speaker does not hear themself.
        assert_eq!(route.heard_by(B, Slot::Floor), Some(A));
        assert_eq!(route.heard_by(B, Slot::Chair), Some(CHAIR));
        assert_eq!(route.heard_by(A, Slot::Floor), None);
        assert_eq!(route.heard_by(CHAIR, Slot::Chair), None);

        // The floor moves to the visitor: the next voice in slot 0.
        run(&mut s, CHAIR, Command::GiveFloor { speaker: VISITOR });
        let route = AudioRoute::of(&s);
        assert_eq!(route.source(Slot::Floor), Some(VISITOR));
        assert_eq!(route.slot_of(A), None);

        run(&mut s, VISITOR, Command::EndFloor);
        let route = AudioRoute::of(&s);
        assert_eq!(route.floor, None);
        assert_eq!(route.chair, Some(CHAIR));
    }

    #[test]
    fn the_chair_with_the_floor_is_heard_once() {
        let mut s = opened();
        run(&mut s, CHAIR, Command::GiveFloor { speaker: CHAIR });
        let route = AudioRoute::of(&s);
        assert_eq!(route.floor, Some(CHAIR));
        assert_eq!(route.chair, None);
    }

    #[test]
    fn the_chair_mutes_the_floor_which_stays_held() {
        let mut s = opened();
        // Nobody to mute.
        let now = s.opened_at.unwrap();
        assert!(decide(&s, CHAIR, &Command::MuteFloor { muted: true }, now).is_err());
        run(&mut s, CHAIR, Command::GiveFloor { speaker: A });
        // Only the chair mutes.
        assert!(decide(&s, A, &Command::MuteFloor { muted: true }, now).is_err());
        run(&mut s, CHAIR, Command::MuteFloor { muted: true });
        assert_eq!(s.floor.map(|f| (f.speaker, f.muted)), Some((A, true)));
        let route = AudioRoute::of(&s);
        assert_eq!(route.floor, None);
        assert!(route.floor_muted);
        assert_eq!(route.chair, Some(CHAIR));
        // Muting again records nothing.
        let seq = s.seq;
        run(&mut s, CHAIR, Command::MuteFloor { muted: true });
        assert_eq!(s.seq, seq);
        run(&mut s, CHAIR, Command::MuteFloor { muted: false });
        assert_eq!(AudioRoute::of(&s).floor, Some(A));
        // A new turn starts unmuted.
        run(&mut s, CHAIR, Command::MuteFloor { muted: true });
        run(&mut s, CHAIR, Command::GiveFloor { speaker: B });
        assert_eq!(AudioRoute::of(&s).floor, Some(B));
        // The turn still counts for the minutes.
        assert_eq!(s.turns_of(A), 1);
    }

    #[test]
    fn only_the_meeting_s_participants_join() {
        let s = meeting();
        assert_eq!(may_join(&s, A), Ok(()));
        assert_eq!(may_join(&s, STRANGER), Err(AudioRefusal::NotParticipant));
        assert_eq!(may_join(&s, VISITOR), Err(AudioRefusal::VisitorNotArrived));
        let s = opened();
        assert_eq!(may_join(&s, VISITOR), Ok(()));
        assert_eq!(may_join(&s, CHAIR), Ok(()));
    }
}
