//! Group commit for the live meetings' logs. Every room hands its command's
//! events to one writer task; while a transaction is being written the next
//! commands queue up and go into the following one together. One connection
//! writes, so SQLite's single write lock is never fought over, and one commit
//! (one fsync) makes a whole batch durable. The writer keeps how long its
//! commits take (`CommitTimes`): the share of a command's latency that is the
//! disk's.

use super::{Append, Appended, Result, StorageError, Store};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// Commands in one transaction at most: bounds the wait of the first of them.
const MAX_BATCH: usize = 512;
/// Commands waiting for the writer before rooms wait to hand theirs over.
const QUEUE: usize = 8192;

type Job = (Append, oneshot::Sender<Result<Appended>>);

/// The handle rooms write through; cheap to clone. The task ends when the
/// last handle is dropped.
#[derive(Clone)]
pub struct EventWriter {
    jobs: mpsc::Sender<Job>,
    times: Arc<CommitTimes>,
}

impl EventWriter {
    pub fn start(store: Store) -> EventWriter {
        let (jobs, mut queue) = mpsc::channel::<Job>(QUEUE);
        let times = Arc::new(CommitTimes::default());
        let recorder = times.clone();
        tokio::spawn(async move {
            let mut taken = Vec::with_capacity(MAX_BATCH);
            while queue.recv_many(&mut taken, MAX_BATCH).await > 0 {
                let (batch, replies): (Vec<Append>, Vec<_>) = taken.drain(..).unzip();
                let started = Instant::now();
                let stored = store.append_batch(&batch).await;
                recorder.record(started.elapsed(), batch.len());
                match stored {
                    Ok(results) => {
                        for (reply, result) in replies.into_iter().zip(results) {
                            // The room may have given up waiting (its socket closed): fine.
                            let _ = reply.send(Ok(result));
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, commands = batch.len(), "group commit failed");
                        let message = e.to_string();
                        for reply in replies {
                            let _ = reply.send(Err(StorageError::Batch(message.clone())));
                        }
                    }
                }
            }
        });
        EventWriter { jobs, times }
    }

    /// Stores one command's events; returns once they are committed.
    pub async fn append(&self, append: Append) -> Result<Appended> {
        let (reply, answer) = oneshot::channel();
        let stopped = || StorageError::Batch("bộ ghi sự kiện đã dừng".into());
        self.jobs
            .send((append, reply))
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// The commits so far.
    pub fn commit_stats(&self) -> CommitStats {
        self.times.stats()
    }
}

/// Buckets per doubling of the time: each is about 9 % wide.
const PER_DOUBLING: u32 = 8;
/// From 1 µs to about 2^28 µs (4.5 minutes); longer ones go in the last.
const BUCKETS: usize = 28 * PER_DOUBLING as usize;

/// How long the group commits took, in buckets of about 9 % (a histogram
/// with no lock and no allocation per commit).
pub struct CommitTimes {
    buckets: Box<[AtomicU64]>,
    commands: AtomicU64,
}

impl Default for CommitTimes {
    fn default() -> CommitTimes {
        CommitTimes {
            buckets: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            commands: AtomicU64::new(0),
        }
    }
}

/// The bucket of a time in µs: `floor(PER_DOUBLING · log2(µs))`.
fn bucket_of(us: u64) -> usize {
    if us <= 1 {
        return 0;
    }
    let whole = 63 - us.leading_zeros();
    // The next bits below the leading one say where in the doubling it falls.
    let fraction = if whole >= 3 {
        ((us >> (whole - 3)) & 0b111) as u32
    } else {
        ((us << (3 - whole)) & 0b111) as u32
    };
    ((whole * PER_DOUBLING + fraction) as usize).min(BUCKETS - 1)
}

/// The upper end of a bucket, in µs.
fn bucket_end_us(bucket: usize) -> f64 {
    let b = bucket as u32 + 1;
    let (whole, fraction) = (b / PER_DOUBLING, b % PER_DOUBLING);
    2f64.powi(whole as i32) * (1.0 + f64::from(fraction) / f64::from(PER_DOUBLING))
}

impl CommitTimes {
    pub fn record(&self, took: Duration, commands: usize) {
        let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.buckets[bucket_of(us)].fetch_add(1, Ordering::Relaxed);
        self.commands.fetch_add(commands as u64, Ordering::Relaxed);
    }

    pub fn stats(&self) -> CommitStats {
        let counts: Vec<u64> = self
            .buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        let batches: u64 = counts.iter().sum();
        // The upper end of the bucket holding the nearest-rank percentile.
        let percentile = |p: f64| {
            if batches == 0 {
                return 0.0;
            }
            let rank = ((p * batches as f64).ceil() as u64).max(1);
            let mut seen = 0;
            for (i, c) in counts.iter().enumerate() {
                seen += c;
                if seen >= rank {
                    return (bucket_end_us(i) / 10.0).round() / 100.0;
                }
            }
            0.0
        };
        CommitStats {
            batches,
            commands: self.commands.load(Ordering::Relaxed),
            commit_p50_ms: percentile(0.5),
            commit_p99_ms: percentile(0.99),
        }
    }
}

/// The group commits of one server process since it started.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CommitStats {
    /// Transactions committed.
    pub batches: u64,
    /// Commands stored in them.
    pub commands: u64,
    /// How long one commit took (the transaction with its fsync), at the
    /// median and the 99th percentile, in ms (upper end of a 9 % bucket).
    pub commit_p50_ms: f64,
    pub commit_p99_ms: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_follow_the_logarithm() {
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(1), 0);
        assert_eq!(bucket_of(2), 8);
        assert_eq!(bucket_of(3), 12);
        assert_eq!(bucket_of(1024), 80);
        assert_eq!(bucket_of(1535), 83);
        assert_eq!(bucket_of(1536), 84);
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
        for us in [1u64, 7, 100, 999, 1000, 4321, 65_000, 1_000_000] {
            let b = bucket_of(us);
            assert!(bucket_end_us(b) > us as f64, "{us} in {b}");
            assert!(b == 0 || bucket_end_us(b - 1) <= us as f64, "{us} in {b}");
        }
    }

    #[test]
    fn percentiles_within_a_bucket() {
        let times = CommitTimes::default();
        assert_eq!(times.stats().commit_p99_ms, 0.0);
        for _ in 0..98 {
            times.record(Duration::from_micros(1000), 3);
        }
        times.record(Duration::from_millis(20), 1);
        times.record(Duration::from_millis(20), 1);
        let s = times.stats();
        assert_eq!((s.batches, s.commands), (100, 296));
        assert!((1.0..1.1).contains(&s.commit_p50_ms), "{s:?}");
        assert!((20.0..22.0).contains(&s.commit_p99_ms), "{s:?}");
    }
}
