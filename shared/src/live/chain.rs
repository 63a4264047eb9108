//! Tamper evidence for a meeting's record: each stored event carries a hash
//! chained to the one before, so changing, removing or reordering any event
//! breaks every hash after it. The closed meeting's last hash is its digest,
//! printed on the minutes.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash before the first event: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// `SHA-256(previous hash ‖ 0x1f ‖ meeting id ‖ 0x1f ‖ sequence ‖ 0x1f ‖ payload)`, hex.
/// The meeting id is inside, so an event cannot be moved to another meeting.
pub fn link(previous: &str, meeting_id: i64, seq: u64, payload: &str) -> String {
    let mut h = Sha256::new();
    h.update(previous.as_bytes());
    h.update([0x1f]);
    h.update(meeting_id.to_string().as_bytes());
    h.update([0x1f]);
    h.update(seq.to_string().as_bytes());
    h.update([0x1f]);
    h.update(payload.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// One stored event as the verifier sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ChainLink {
    pub seq: u64,
    pub payload: String,
    pub hash: String,
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ChainReport {
    pub events: u64,
    /// The last valid hash (the digest when the chain is whole).
    pub digest: String,
    /// The first sequence number where the chain breaks, if it does.
    pub broken_at: Option<u64>,
    /// In Vietnamese, for the person who pressed "verify".
    pub message: String,
}

/// Recomputes the chain from the first event. Sequence numbers must run 1, 2, 3…
pub fn verify(meeting_id: i64, links: &[ChainLink]) -> ChainReport {
    let mut previous = GENESIS.to_string();
    for (i, l) in links.iter().enumerate() {
        let expected_seq = i as u64 + 1;
        if l.seq != expected_seq || link(&previous, meeting_id, l.seq, &l.payload) != l.hash {
            return ChainReport {
                events: links.len() as u64,
                digest: previous,
                broken_at: Some(expected_seq),
                message: String::new(),
            }
            .with_message();
        }
        previous = l.hash.clone();
    }
    ChainReport {
        events: links.len() as u64,
        message: String::new(),
        digest: previous,
        broken_at: None,
    }
    .with_message()
}

impl ChainReport {
    /// What the check found, for a reader of `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match (self.broken_at, lang) {
            (Some(seq), Lang::Vi) => {
                format!("Biên bản đã bị thay đổi: chuỗi kiểm chứng bị đứt tại sự kiện số {seq}.")
            }
            (Some(seq), Lang::En) => {
                format!("The minutes have been changed: the chain breaks at event {seq}.")
            }
            (None, Lang::Vi) => format!(
                "Toàn vẹn: {} sự kiện, mã kiểm chứng {}.",
                self.events,
                short(&self.digest)
            ),
            (None, Lang::En) => format!(
                "Intact: {} events, check code {}.",
                self.events,
                short(&self.digest)
            ),
        }
    }

    fn with_message(self) -> ChainReport {
        ChainReport {
            message: self.text(Lang::Vi),
            ..self
        }
    }
}

/// The first 16 hex digits, grouped for reading aloud or comparing on paper.
pub fn short(digest: &str) -> String {
    digest
        .chars()
        .take(16)
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(payloads: &[&str]) -> Vec<ChainLink> {
        let mut prev = GENESIS.to_string();
        payloads
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let seq = i as u64 + 1;
                let hash = link(&prev, 42, seq, p);
                prev = hash.clone();
                ChainLink {
                    seq,
                    payload: p.to_string(),
                    hash,
                }
            })
            .collect()
    }

    #[test]
    fn a_whole_chain_verifies_and_gives_the_last_hash() {
        let c = chain(&["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"]);
        let r = verify(42, &c);
        assert_eq!(r.broken_at, None);
        assert_eq!(r.digest, c[2].hash);
        assert_eq!(r.events, 3);
        assert_eq!(verify(42, &[]).digest, GENESIS);
    }

    #[test]
    fn any_change_is_found_where_it_was_made() {
        let c = chain(&["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"]);
        let mut edited = c.clone();
        edited[1].payload = "{\"b\":3}".into();
        assert_eq!(verify(42, &edited).broken_at, Some(2));
        let mut removed = c.clone();
        removed.remove(1);
        assert_eq!(verify(42, &removed).broken_at, Some(2));
        let mut swapped = c.clone();
        swapped.swap(0, 1);
        assert_eq!(verify(42, &swapped).broken_at, Some(1));
        assert_eq!(
            verify(43, &c).broken_at,
            Some(1),
            "another meeting's events do not fit"
        );
        assert!(verify(42, &edited).message.contains("số 2"));
    }

    #[test]
    fn digests_read_in_groups() {
        assert_eq!(short("0123456789abcdef0123"), "0123 4567 89ab cdef");
    }
}
