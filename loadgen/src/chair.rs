//! The chairs: each opens its meeting, then moves between agenda items, once
//! per interval (latency) or back to back (durable commands, outage).

use crate::client::{Answer, MeetingLog};
use crate::sys::now_ns;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

#[derive(Clone, Debug)]
pub enum Stage {
    Connecting,
    Open,
    Latency {
        start: Instant,
    },
    Durable {
        until: Instant,
    },
    /// Back to back while an instance is killed (or the server restarted).
    Outage {
        until: Instant,
    },
    /// No outage phase in this run: the chairs report.
    Done,
}

#[derive(Default)]
pub struct ChairReport {
    /// The meeting's place in the run.
    pub index: usize,
    /// Latency phase: accepted actions whose number was not the expected one.
    pub out_of_order: u64,
    pub refused: Vec<String>,
    /// Durable phase: answered before the end, and how long each took (µs).
    pub durable_accepted: u64,
    pub durable_ack_us: Vec<u32>,
    /// Outage phase: the same.
    pub outage_accepted: u64,
    pub outage_ack_us: Vec<u32>,
    /// Every accepted command, and the highest number acknowledged: what the
    /// database must hold afterwards.
    pub accepted_total: u64,
    pub last_acked: u64,
    /// The number of every acknowledged command's last event.
    pub acked: Vec<u64>,
}

pub struct Chair {
    pub index: usize,
    pub meetings: usize,
    pub actions: usize,
    pub interval: Duration,
    pub log: Arc<MeetingLog>,
    pub commands: mpsc::UnboundedSender<String>,
    pub answers: mpsc::UnboundedReceiver<Answer>,
    pub stage: watch::Receiver<Stage>,
    pub opened: mpsc::UnboundedSender<()>,
    pub acted: mpsc::UnboundedSender<()>,
}

const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a deferred command waits before it is sent again.
const DEFERRED_PAUSE: Duration = Duration::from_millis(250);

impl Chair {
    /// Sends a command until it is accepted or refused (a deferred one again,
    /// with the same key, after a pause): the sequence number, or the refusal.
    async fn command(&mut self, key: &str, command: &str) -> Result<Result<u64, String>, String> {
        let text = format!(r#"{{"type":"command","key":"{key}","command":{command}}}"#);
        loop {
            self.commands
                .send(text.clone())
                .map_err(|_| "the chair's socket is gone".to_string())?;
            match tokio::time::timeout(ANSWER_TIMEOUT, self.answers.recv()).await {
                Ok(Some(Answer::Deferred)) => tokio::time::sleep(DEFERRED_PAUSE).await,
                Ok(Some(Answer::Accepted(seq))) => return Ok(Ok(seq)),
                Ok(Some(Answer::Refused(r))) => return Ok(Err(r)),
                Ok(None) => return Err("the chair's socket closed".into()),
                Err(_) => return Err(format!("no answer to {key} within {ANSWER_TIMEOUT:?}")),
            }
        }
    }

    fn move_to(k: usize) -> String {
        // Items 1 and 2 of the standard agenda, alternately: one event each.
        format!(r#"{{"type":"move_to","item":{}}}"#, 1 + k % 2)
    }

    /// Commands back to back until `until`: those answered in time, and how
    /// long each answer took (µs).
    async fn burst(
        &mut self,
        report: &mut ChairReport,
        prefix: &str,
        until: Instant,
    ) -> Result<(u64, Vec<u32>), String> {
        let m = self.index;
        let (mut accepted, mut acks) = (0, Vec::new());
        let mut k = 0usize;
        while Instant::now() < until {
            let sent = Instant::now();
            let answer = self
                .command(&format!("{prefix}-{m}-{k}"), &Self::move_to(k))
                .await?;
            let done = Instant::now();
            k += 1;
            match answer {
                Ok(seq) => {
                    report.accepted(seq);
                    if done <= until {
                        accepted += 1;
                        acks.push((done - sent).as_micros().min(u32::MAX as u128) as u32);
                    }
                }
                Err(r) => report.refused.push(r),
            }
        }
        Ok((accepted, acks))
    }

    pub async fn run(mut self) -> Result<ChairReport, String> {
        let m = self.index;
        let mut report = ChairReport {
            index: m,
            ..ChairReport::default()
        };
        self.stage
            .wait_for(|s| !matches!(s, Stage::Connecting))
            .await
            .map_err(|e| e.to_string())?;
        match self
            .command(&format!("open-{m}"), r#"{"type":"open"}"#)
            .await?
        {
            Ok(seq) => {
                self.log.base.store(seq, Ordering::Release);
                report.accepted(seq);
            }
            Err(r) => return Err(format!("meeting {m} could not open: {r}")),
        }
        let _ = self.opened.send(());

        let start = match self
            .stage
            .wait_for(|s| matches!(s, Stage::Latency { .. }))
            .await
            .map_err(|e| e.to_string())?
            .clone()
        {
            Stage::Latency { start } => start,
            _ => unreachable!(),
        };
        // Chairs spread evenly over one interval.
        let offset = self.interval.mul_f64(m as f64 / self.meetings as f64);
        let base = self.log.base.load(Ordering::Acquire);
        for k in 0..self.actions {
            let at = start + offset + self.interval * k as u32;
            tokio::time::sleep_until(at.into()).await;
            self.log.sent[k].store(now_ns(), Ordering::Release);
            match self
                .command(&format!("l-{m}-{k}"), &Self::move_to(k))
                .await?
            {
                Ok(seq) => {
                    report.accepted(seq);
                    if seq != base + k as u64 + 1 {
                        report.out_of_order += 1;
                    }
                }
                Err(r) => report.refused.push(r),
            }
        }
        let _ = self.acted.send(());

        let until = match self
            .stage
            .wait_for(|s| matches!(s, Stage::Durable { .. }))
            .await
            .map_err(|e| e.to_string())?
            .clone()
        {
            Stage::Durable { until } => until,
            _ => unreachable!(),
        };
        (report.durable_accepted, report.durable_ack_us) =
            self.burst(&mut report, "d", until).await?;
        let _ = self.acted.send(());

        let next = self
            .stage
            .wait_for(|s| matches!(s, Stage::Outage { .. } | Stage::Done))
            .await
            .map_err(|e| e.to_string())?
            .clone();
        if let Stage::Outage { until } = next {
            (report.outage_accepted, report.outage_ack_us) =
                self.burst(&mut report, "o", until).await?;
        }
        Ok(report)
    }
}

impl ChairReport {
    fn accepted(&mut self, seq: u64) {
        self.accepted_total += 1;
        self.last_acked = self.last_acked.max(seq);
        self.acked.push(seq);
    }
}
