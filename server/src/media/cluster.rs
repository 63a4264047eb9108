//! The meeting's audio on several instances (PostgreSQL): one instance runs
//! a meeting's audio, its media host, kept in the database. The first
//! instance to get an offer for the meeting claims it; another takes it over
//! when the host cannot be reached.
//!
//! A socket on another instance still signals over its own live socket:
//! that instance relays the offer to the host over a WebSocket of their own
//! (`GET /api/live/relay`), signed with the key every instance reads from the
//! database, and hands the browser the host's answer, whose candidate tells
//! it where to send its audio. The host's word about the connection comes
//! back the same way. The relay lives as long as the socket's peer: when the
//! socket closes (logout, revocation, a new offer), the relay closes and the
//! host drops the peer at once.

use super::AudioNotice;
use super::PeerId;
use crate::storage::{StorageError, Store};
use futures_util::{SinkExt, StreamExt};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use shared::MeetingId;
use shared::live::audio::{AudioConnection, AudioRefusal, AudioRoute};
use shared::live::state::Speaker;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use thiserror::Error;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// The host's relay endpoint, on every instance.
pub const RELAY_PATH: &str = "/api/live/relay";
/// How long connecting to the host may take before it counts as unreachable.
const CONNECT_WITHIN: Duration = Duration::from_secs(2);
/// How long the host may take to answer an offer (its own media task answers
/// in milliseconds).
pub(crate) const ANSWER_WITHIN: Duration = Duration::from_secs(5);
/// The host pings a relay this often; a relay that hears nothing for
/// `RELAY_SILENT` is taken as gone, on either side.
pub(crate) const RELAY_PING: Duration = Duration::from_secs(10);
pub(crate) const RELAY_SILENT: Duration = Duration::from_secs(30);
/// How far apart two instances' clocks and a relayed offer's travel may be.
const SIGNED_WITHIN_SECS: i64 = 60;

/// Why the cluster's audio could not be set up.
#[derive(Debug, Error)]
pub enum ClusterError {
    #[error(
        "địa chỉ “{0}” không dùng được cho --cluster-url: cần dạng http://máy:cổng, địa chỉ các máy chủ khác dùng để gọi máy này"
    )]
    Url(String),
    #[error("không đọc được khoá chung của các máy chủ: {0}")]
    Store(#[from] StorageError),
}

/// Where a meeting's audio runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Here,
    /// Another instance, by the address instances reach it at.
    There(String),
}

/// Why a relayed offer got no answer.
#[derive(Debug)]
pub enum RelayError {
    /// The host could not be reached: it may be taken over.
    Unreachable,
    /// The host answered with a refusal.
    Refused(AudioRefusal),
}

/// The offer an instance relays to the host, signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelayJoin {
    pub meeting: MeetingId,
    /// Who the relaying instance admitted on its live socket.
    pub speaker: Speaker,
    pub sdp: String,
    /// When it was signed, in seconds since 1970.
    pub at: i64,
    /// HMAC-SHA256 over the rest, in hex.
    pub mac: String,
}

/// What the host tells a relay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromHost {
    Answer {
        sdp: String,
    },
    Refused {
        refusal: AudioRefusal,
    },
    Notice {
        connection: AudioConnection,
        route: AudioRoute,
    },
}

/// This instance's place among the instances sharing the database.
pub struct Cluster {
    /// How the other instances reach this one: `http://host:port`.
    me: String,
    key: RelayKey,
    store: Store,
}

/// The key relayed offers are signed with, the same on every instance.
pub struct RelayKey(String);

impl RelayKey {
    pub fn new(key: &str) -> RelayKey {
        RelayKey(key.to_string())
    }
}

impl Cluster {
    /// Reads (or, first of all instances, stores) the shared key.
    pub async fn start(store: Store, me: String) -> Result<Cluster, ClusterError> {
        let me = me.trim_end_matches('/').to_string();
        if !valid_url(&me) {
            return Err(ClusterError::Url(me));
        }
        let candidate: String = rand::random::<[u8; 32]>()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let key = RelayKey::new(&store.cluster_key(&candidate).await?);
        Ok(Cluster { me, key, store })
    }

    /// This instance's address, as the others reach it.
    pub fn me(&self) -> &str {
        &self.me
    }

    /// Where the meeting's audio runs; claims it when nobody has.
    pub async fn place(&self, meeting: MeetingId) -> Result<Host, AudioRefusal> {
        let host = self
            .store
            .media_host(meeting, &self.me)
            .await
            .map_err(unavailable)?;
        Ok(self.host(host))
    }

    /// `from` could not be reached: this instance takes the meeting's audio
    /// over, unless another did first.
    pub async fn take_over(&self, meeting: MeetingId, from: &str) -> Result<Host, AudioRefusal> {
        tracing::warn!(%meeting, host = from, "meeting audio host unreachable: taking it over");
        let host = self
            .store
            .move_media_host(meeting, from, &self.me)
            .await
            .map_err(unavailable)?;
        Ok(self.host(host))
    }

    fn host(&self, host: String) -> Host {
        if host == self.me {
            Host::Here
        } else {
            Host::There(host)
        }
    }

    /// Signs a join for an offer.
    pub fn seal(&self, meeting: MeetingId, speaker: Speaker, sdp: &str, at: i64) -> RelayJoin {
        self.key.seal(meeting, speaker, sdp, at)
    }

    /// Whether another instance signed this join, lately.
    pub fn verify(&self, join: &RelayJoin, now: i64) -> bool {
        self.key.verify(join, now)
    }

    /// Relays an offer to the host at `host`. On an answer, a task carries
    /// the host's notices to `notices` (as peer `id`) until the relay ends,
    /// then says the connection was lost; aborting the task ends the relay.
    pub async fn relay(
        &self,
        host: &str,
        join: &RelayJoin,
        id: PeerId,
        notices: mpsc::UnboundedSender<AudioNotice>,
    ) -> Result<(String, tokio::task::JoinHandle<()>), RelayError> {
        let url = format!("ws://{}{RELAY_PATH}", host.trim_start_matches("http://"));
        let connected = tokio::time::timeout(CONNECT_WITHIN, tokio_tungstenite::connect_async(url))
            .await
            .ok()
            .and_then(Result::ok);
        let Some((mut ws, _)) = connected else {
            return Err(RelayError::Unreachable);
        };
        let json = serde_json::to_string(join)
            .map_err(|_| RelayError::Refused(AudioRefusal::Unavailable))?;
        let answered = tokio::time::timeout(ANSWER_WITHIN, async {
            ws.send(Message::text(json)).await.ok()?;
            loop {
                match ws.next().await? {
                    Ok(Message::Text(t)) => return serde_json::from_str::<FromHost>(&t).ok(),
                    Ok(Message::Ping(_) | Message::Pong(_)) => continue,
                    _ => return None,
                }
            }
        })
        .await
        .ok()
        .flatten();
        // Reached, but no answer: the host is there and failing, not gone.
        match answered {
            Some(FromHost::Answer { sdp }) => Ok((sdp, tokio::spawn(follow(ws, id, notices)))),
            Some(FromHost::Refused { refusal }) => Err(RelayError::Refused(refusal)),
            _ => Err(RelayError::Refused(AudioRefusal::Unavailable)),
        }
    }
}

impl RelayKey {
    fn mac(&self, meeting: MeetingId, speaker: Speaker, sdp: &str, at: i64) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.0.as_bytes()).expect("HMAC takes any key");
        let speaker = serde_json::to_string(&speaker).unwrap_or_default();
        // Each part after its length: no two joins sign the same bytes.
        for part in [
            "chibo-media-relay".as_bytes(),
            &meeting.0.to_be_bytes(),
            speaker.as_bytes(),
            &at.to_be_bytes(),
            sdp.as_bytes(),
        ] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// The signed join for an offer.
    pub fn seal(&self, meeting: MeetingId, speaker: Speaker, sdp: &str, at: i64) -> RelayJoin {
        let mac = self.mac(meeting, speaker, sdp, at).finalize().into_bytes();
        RelayJoin {
            meeting,
            speaker,
            sdp: sdp.to_string(),
            at,
            mac: mac.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    /// Whether another instance signed this join, lately.
    pub fn verify(&self, join: &RelayJoin, now: i64) -> bool {
        if (now - join.at).abs() > SIGNED_WITHIN_SECS {
            return false;
        }
        let Some(mac) = from_hex(&join.mac) else {
            return false;
        };
        self.mac(join.meeting, join.speaker, &join.sdp, join.at)
            .verify_slice(&mac)
            .is_ok()
    }
}

/// Carries the host's notices to the socket until the relay ends.
async fn follow<S>(mut ws: S, id: PeerId, notices: mpsc::UnboundedSender<AudioNotice>)
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let mut route = AudioRoute::default();
    // The host pings every `RELAY_PING`: silence this long is a host gone.
    while let Ok(Some(Ok(message))) = tokio::time::timeout(RELAY_SILENT, ws.next()).await {
        let Message::Text(t) = message else {
            continue;
        };
        if let Ok(FromHost::Notice {
            connection,
            route: r,
        }) = serde_json::from_str(&t)
        {
            route = r;
            let _ = notices.send(AudioNotice {
                peer: id,
                connection,
                route,
            });
            if connection == AudioConnection::Lost {
                return;
            }
        }
    }
    let _ = notices.send(AudioNotice {
        peer: id,
        connection: AudioConnection::Lost,
        route,
    });
}

/// Seconds since 1970, for signing.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn unavailable(e: StorageError) -> AudioRefusal {
    tracing::error!(error = %e, "meeting audio host not read");
    AudioRefusal::Unavailable
}

/// `http://host:port` with nothing after the authority but an optional `/`.
fn valid_url(url: &str) -> bool {
    url.strip_prefix("http://").is_some_and(|authority| {
        !authority.is_empty()
            && !authority.contains(['/', '?', '#', '@', ' '])
            && authority.rsplit_once(':').is_some_and(|(host, port)| {
                !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p != 0)
            })
    })
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::{AccountId, MemberId};

    fn cluster(key: &str) -> RelayKey {
        RelayKey::new(key)
    }

    #[test]
    fn a_signed_join_verifies_and_any_change_does_not() {
        let c = cluster("k1");
        let speaker = Speaker::Member(MemberId(7));
        let sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n";
        let join = c.seal(MeetingId(3), speaker, sdp, 1_000);
        assert!(c.verify(&join, 1_000));
        assert!(c.verify(&join, 1_059));
        assert!(!c.verify(&join, 1_061), "too old");
        assert!(!cluster("k2").verify(&join, 1_000), "another key");
        let changed = [
            RelayJoin {
                meeting: MeetingId(4),
                ..join.clone()
            },
            RelayJoin {
                speaker: Speaker::Visitor(AccountId(7)),
                ..join.clone()
            },
            RelayJoin {
                sdp: format!("{sdp} "),
                ..join.clone()
            },
            RelayJoin {
                at: 1_001,
                ..join.clone()
            },
            RelayJoin {
                mac: join.mac.replace('a', "b").replace('0', "1"),
                ..join.clone()
            },
            RelayJoin {
                mac: "zz".into(),
                ..join.clone()
            },
        ];
        for j in changed {
            assert!(!c.verify(&j, 1_000), "{j:?}");
        }
    }

    #[test]
    fn relay_messages_round_trip() {
        let c = cluster("k");
        let join = c.seal(
            MeetingId(12),
            Speaker::Visitor(AccountId(5)),
            "v=0\r\ns=Nghe họp\r\n",
            1_700_000_000,
        );
        let back: RelayJoin = serde_json::from_str(&serde_json::to_string(&join).unwrap()).unwrap();
        assert_eq!(back, join);
        for m in [
            FromHost::Answer {
                sdp: "v=0\r\n".into(),
            },
            FromHost::Refused {
                refusal: AudioRefusal::Closed,
            },
            FromHost::Notice {
                connection: AudioConnection::Connected,
                route: AudioRoute::default(),
            },
        ] {
            let back: FromHost = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
            assert_eq!(back, m);
        }
    }

    #[test]
    fn cluster_urls() {
        for ok in [
            "http://10.0.0.5:8080",
            "http://app-2.noibo:80",
            "http://[::1]:8080",
        ] {
            assert!(valid_url(ok), "{ok}");
        }
        for bad in [
            "https://a:1",
            "http://a",
            "http://:80",
            "http://a:0",
            "http://a:80/x",
            "http://u@a:80",
            "a:80",
            "",
        ] {
            assert!(!valid_url(bad), "{bad}");
        }
    }
}
