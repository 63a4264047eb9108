//! Group commit for the live meetings' logs. Every room hands its command's
//! events to one writer task; while a transaction is being written the next
//! commands queue up and go into the following one together. One connection
//! writes, so SQLite's single write lock is never fought over, and one commit
//! (one fsync) makes a whole batch durable.

use super::{Append, Appended, Result, StorageError, Store};
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
}

impl EventWriter {
    pub fn start(store: Store) -> EventWriter {
        let (jobs, mut queue) = mpsc::channel::<Job>(QUEUE);
        tokio::spawn(async move {
            let mut taken = Vec::with_capacity(MAX_BATCH);
            while queue.recv_many(&mut taken, MAX_BATCH).await > 0 {
                let (batch, replies): (Vec<Append>, Vec<_>) = taken.drain(..).unzip();
                match store.append_batch(&batch).await {
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
        EventWriter { jobs }
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
}
