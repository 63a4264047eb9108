//! Notifications: what happened, to whom, and delivery.
//!
//! Other areas tell members things through `Notifier` (in `AppState`):
//! `notifier.to_cell(cell, event_key, notice)` for a cell's members and the
//! upper-level members assigned to follow it, `notifier.publish(event_key,
//! notice, accounts)` for chosen accounts. The notice is one
//! `shared::notify::Notice`; the event key names the event (`meeting:7:opened`)
//! so that publishing it again — a retry, another instance — adds nothing.
//!
//! Each notification is stored in-app at once (always on). Those a member
//! wants by email also get a row in the outbox, and those they want pushed a
//! row per subscribed device; `deliver` sends them (SMTP, `mail.rs`; Web
//! Push, `push.rs`) with retries and exponential backoff
//! (`shared::notify::retry_delay_ms`), claiming rows with a lease so that
//! several instances on one database never send the same one together, and a
//! restart resumes what was left. A push service answering 404 or 410 ends
//! the subscription.
//!
//! `scan` runs in the background and publishes what time or the live meetings
//! bring: a meeting opened ("đang họp"), the tasks a closed meeting assigned,
//! reminders a day and an hour before a meeting, tasks due in two days and
//! overdue. Each is marked once published; the live room wakes the scan when
//! a meeting opens or closes (`meeting_status_changed`).

pub mod mail;
pub mod push;

use crate::clock::{now_local, today};
use crate::live::LiveHub;
use crate::storage::{Publication, Result, Store, StoredGuidance, StoredVisit, WatchedTask};
use chrono::{TimeDelta, Utc};
use mail::{EmailConfig, MailError, Mailer};
use push::{PushError, Pusher, Vapid};
use shared::meeting::Meeting;
use shared::notify::{
    GuidanceRef, Lang, MeetingRef, Notice, NoticeKind, RETRY_BASE_MS, TASK_DUE_SOON_DAYS, TaskRef,
    VisitRef, reminder_due, retry_delay_ms, task_deadline_notice,
};
use shared::push::PushPayload;
use shared::{AccountId, MemberId, OrgId};
use std::sync::{Arc, LazyLock, Weak};
use std::time::Duration;
use tokio::sync::Notify;

/// Emails and pushes claimed per round.
const CLAIM_BATCH: i64 = 20;
/// Meetings whose openings or reminders the scan publishes in one transaction:
/// one write to the disk for ten instead of two for each. Not more: on SQLite
/// a long transaction holds the only write lock, and the live meetings' log
/// waits for it (100 per transaction put 105 ms into the live p99).
const MEETINGS_PER_TRANSACTION: usize = 10;

/// How notifications run: `Default` in production, shortened by tests.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// SMTP, or no email at all.
    pub email: Option<EmailConfig>,
    /// The background scan (reminders, deadlines, opened and closed meetings)
    /// runs this often, and at once when a meeting opens or closes.
    pub scan_every: Duration,
    /// The outbox is looked at this often when nothing wakes it.
    pub deliver_every: Duration,
    /// The first pause after a failed email (`shared::notify::retry_delay_ms`).
    pub retry_base_ms: u64,
    /// How long a claimed email is this instance's to send.
    pub lease: Duration,
    /// Who sends pushes (VAPID `sub`): `mailto:…` or the app's public URL.
    pub push_subject: String,
    /// Accept push endpoints at `http://127.0.0.1` (a test's push service).
    pub push_allow_local_http: bool,
}

/// Notifications could not start.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Push(#[from] PushError),
}

impl Default for NotifyConfig {
    fn default() -> NotifyConfig {
        NotifyConfig {
            email: None,
            scan_every: Duration::from_secs(30),
            deliver_every: Duration::from_secs(10),
            retry_base_ms: RETRY_BASE_MS,
            lease: Duration::from_secs(5 * 60),
            push_subject: "mailto:no-reply@localhost".into(),
            push_allow_local_http: false,
        }
    }
}

/// Wakes the scans of this process (a meeting opened or closed here).
static STATUS_CHANGED: LazyLock<Notify> = LazyLock::new(Notify::new);

/// A meeting's status changed (opened, closed): scan now rather than at the next tick.
pub fn meeting_status_changed() {
    STATUS_CHANGED.notify_waiters();
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// What a notice says about a meeting, from its registration and its cell.
pub async fn meeting_ref(store: &Store, meeting: &Meeting) -> Result<MeetingRef> {
    let cell = store
        .organization(meeting.cell_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(MeetingRef {
        id: meeting.id,
        cell,
        title: meeting.draft.title.clone(),
        starts_at: meeting.draft.starts_at,
        place: meeting.draft.place.clone(),
        video_link: meeting.draft.video_link.clone(),
    })
}

pub struct Notifier {
    store: Store,
    hub: Arc<LiveHub>,
    config: NotifyConfig,
    mailer: Option<Mailer>,
    pusher: Pusher,
    /// Wakes this instance's delivery when an email is queued.
    queued: Arc<Notify>,
    /// Names this instance's leases.
    owner: String,
}

impl Notifier {
    /// The notifier, and its background scan and delivery, which stop once
    /// the notifier is dropped (the server stopped).
    pub fn start(
        store: Store,
        hub: Arc<LiveHub>,
        config: NotifyConfig,
        vapid: Vapid,
    ) -> std::result::Result<Arc<Notifier>, NotifyError> {
        let mailer = config.email.as_ref().map(Mailer::new).transpose()?;
        let pusher = Pusher::new(vapid, config.push_subject.clone())?;
        let notifier = Arc::new(Notifier {
            store,
            hub,
            mailer,
            pusher,
            queued: Arc::new(Notify::new()),
            owner: format!("{:016x}", rand::random::<u64>()),
            config,
        });
        tokio::spawn(scan_loop(Arc::downgrade(&notifier)));
        tokio::spawn(deliver_loop(Arc::downgrade(&notifier)));
        Ok(notifier)
    }

    /// The VAPID public key browsers subscribe with (base64url).
    pub fn push_public_key(&self) -> &str {
        self.pusher.public_key()
    }

    /// Whether `http://127.0.0.1` endpoints are accepted (tests only).
    pub fn push_allows_local_http(&self) -> bool {
        self.config.push_allow_local_http
    }

    /// Tells `recipients`, once per event; queues pushes for those who want
    /// this kind pushed, emails for those who want it by email (when email
    /// is configured).
    pub async fn publish(
        &self,
        event_key: &str,
        notice: &Notice,
        recipients: &[AccountId],
    ) -> Result<usize> {
        let publication = Publication {
            event_key: event_key.to_string(),
            notice: notice.clone(),
            recipients: recipients.to_vec(),
            mark: None,
        };
        Ok(self.publish_all(&[publication]).await?.iter().sum())
    }

    /// Several publications in one transaction (one write to the disk), the
    /// meetings they name marked as told.
    async fn publish_all(&self, publications: &[Publication]) -> Result<Vec<usize>> {
        if publications.is_empty() {
            return Ok(Vec::new());
        }
        let added = self
            .store
            .notices()
            .publish(publications, now_local(), now_ms(), self.mailer.is_some())
            .await?;
        for (p, &n) in publications.iter().zip(&added) {
            if n > 0 {
                tracing::info!(
                    event = p.event_key,
                    recipients = n,
                    "notification published"
                );
            }
        }
        if added.iter().any(|&n| n > 0) {
            self.queued.notify_one();
        }
        Ok(added)
    }

    /// Tells a cell's members on the roll and the upper-level members
    /// assigned to follow the cell.
    pub async fn to_cell(&self, cell: OrgId, event_key: &str, notice: &Notice) -> Result<usize> {
        let audience = self.store.notices().cell_audience(cell).await?;
        self.publish(event_key, notice, &audience).await
    }

    /// A meeting was registered or its registration changed. Never fails the
    /// caller: the registration is stored whatever becomes of the notice.
    pub async fn meeting_registered(&self, meeting: &Meeting, changed: bool) {
        let result = async {
            let m = meeting_ref(&self.store, meeting).await?;
            let (key, notice) = if changed {
                (
                    format!("meeting:{}:changed:{}", meeting.id.0, now_ms()),
                    Notice::MeetingChanged { meeting: m },
                )
            } else {
                (
                    format!("meeting:{}:registered", meeting.id.0),
                    Notice::MeetingRegistered { meeting: m },
                )
            };
            self.to_cell(meeting.cell_id, &key, &notice).await
        }
        .await;
        if let Err(e) = result {
            tracing::error!(meeting = %meeting.id, error = %e, "could not publish the meeting's notification");
        }
    }

    /// A meeting was cancelled (with its reason): the cell and those following
    /// it are told once. Never fails the caller.
    pub async fn meeting_cancelled(&self, meeting: &Meeting, reason: &str) {
        let result = async {
            let m = meeting_ref(&self.store, meeting).await?;
            let key = format!("meeting:{}:cancelled", meeting.id.0);
            let notice = Notice::MeetingCancelled {
                meeting: m,
                reason: reason.to_string(),
            };
            self.to_cell(meeting.cell_id, &key, &notice).await
        }
        .await;
        if let Err(e) = result {
            tracing::error!(meeting = %meeting.id, error = %e, "could not publish the cancellation");
        }
    }

    /// The secretary decided a member's absence request: the member is told
    /// (each decision, so a changed one is told again). Never fails the caller.
    pub async fn absence_decided(
        &self,
        meeting: &Meeting,
        member: MemberId,
        accepted: bool,
        note: &str,
    ) {
        let result = async {
            let Some(account) = self.store.notices().account_of_member(member).await? else {
                return Ok(0);
            };
            let notice = Notice::AbsenceDecided {
                meeting: meeting_ref(&self.store, meeting).await?,
                accepted,
                note: note.to_string(),
            };
            let key = format!("absence:{}:{}:{}", meeting.id.0, member.0, now_ms());
            self.publish(&key, &notice, &[account]).await
        }
        .await;
        if let Err(e) = result {
            tracing::error!(meeting = %meeting.id, error = %e, "could not publish the absence decision");
        }
    }

    /// A document was posted for a meeting: the cell and those following it
    /// are told once per document. Never fails the caller.
    pub async fn document_posted(&self, meeting: &Meeting, file: i64, item: &str, file_name: &str) {
        let result = async {
            let notice = Notice::DocumentPosted {
                meeting: meeting_ref(&self.store, meeting).await?,
                item: item.to_string(),
                file_name: file_name.to_string(),
            };
            self.to_cell(meeting.cell_id, &format!("file:{file}:posted"), &notice)
                .await
        }
        .await;
        if let Err(e) = result {
            tracing::error!(meeting = %meeting.id, error = %e, "could not publish the document");
        }
    }

    /// The upper level confirmed a meeting's score: the cell and those
    /// following it are told once. Never fails the caller.
    pub async fn score_confirmed(
        &self,
        meeting: &Meeting,
        total: shared::rules::scoring::Points,
        band: shared::rules::scoring::Band,
        changed: bool,
    ) {
        let result = async {
            let notice = Notice::ScoreConfirmed {
                meeting: meeting_ref(&self.store, meeting).await?,
                total,
                band,
                changed,
            };
            self.to_cell(
                meeting.cell_id,
                &format!("score:{}:confirmed", meeting.id.0),
                &notice,
            )
            .await
        }
        .await;
        if let Err(e) = result {
            tracing::error!(meeting = %meeting.id, error = %e, "could not publish the confirmed score");
        }
    }

    /// A committee posted its guidance: the members of every cell below it
    /// (and those following the cells) are told once per post. Never fails
    /// the caller.
    pub async fn guidance_posted(&self, post: &StoredGuidance, cells: &[OrgId]) {
        let notice = Notice::GuidancePosted {
            guidance: GuidanceRef {
                id: post.id,
                committee: post.committee.clone(),
                title: post.title.clone(),
                year: post.year,
                month: post.month,
            },
        };
        let key = format!("guidance:{}:posted", post.id);
        for cell in cells {
            if let Err(e) = self.to_cell(*cell, &key, &notice).await {
                tracing::error!(guidance = %post.id, %cell, error = %e, "could not publish the guidance");
            }
        }
    }

    /// The managers (secretary, deputy) of a cell with an enabled account.
    async fn cell_managers(&self, cell: OrgId) -> Result<Vec<AccountId>> {
        let mut out = Vec::new();
        for m in self.store.members_of(cell).await? {
            if m.draft.role.manages_cell()
                && let Some(a) = self.store.notices().account_of_member(m.id).await?
            {
                out.push(a);
            }
        }
        Ok(out)
    }

    async fn visit_ref(&self, v: &StoredVisit) -> Result<VisitRef> {
        let rules = crate::rulesets::for_org(&self.store, v.cell_id, v.date)
            .await?
            .visits;
        Ok(VisitRef {
            id: v.id,
            cell_id: v.cell_id,
            cell: v.cell_name.clone(),
            visitor: v.visitor_name.clone(),
            date: v.date,
            due: shared::visits::report_due(v.date, &rules),
        })
    }

    /// A report brought recommendations: the cell's managers are told once.
    /// Never fails the caller.
    pub async fn recommendations_received(&self, visit: &StoredVisit) {
        let result = async {
            let count = self
                .store
                .visits()
                .recommendations_of_visits(&[visit.id])
                .await?
                .len();
            let notice = Notice::RecommendationsReceived {
                visit: self.visit_ref(visit).await?,
                count: u32::try_from(count).unwrap_or(u32::MAX),
            };
            let to = self.cell_managers(visit.cell_id).await?;
            self.publish(&format!("visit:{}:recommendations", visit.id), &notice, &to)
                .await
        }
        .await;
        if let Err(e) = result {
            tracing::error!(visit = %visit.id, error = %e, "could not publish the recommendations");
        }
    }

    /// One pass of the background scan.
    pub async fn scan(&self) -> Result<()> {
        self.scan_opened().await?;
        self.scan_closed().await?;
        self.scan_reminders().await?;
        self.scan_deadlines().await?;
        self.scan_visit_reports().await
    }

    /// Visit reports not filed: due soon to the visitor, overdue to the
    /// visitor and the committees above the cell; once each (the event key).
    async fn scan_visit_reports(&self) -> Result<()> {
        let day = today();
        // Long overdue ones were told already; no need to look further back.
        let since = day - TimeDelta::days(60);
        for v in self.store.visits().unreported(since).await? {
            let visit = self.visit_ref(&v).await?;
            let rules = crate::rulesets::for_org(&self.store, v.cell_id, v.date)
                .await?
                .visits;
            let countdown = shared::visits::countdown(v.date, None, day, &rules);
            let (notice, stage, mut to) = match shared::visits::report_notice(&countdown) {
                Some(shared::visits::ReportNotice::DueSoon) => {
                    (Notice::VisitReportDueSoon { visit }, "due_soon", vec![])
                }
                Some(shared::visits::ReportNotice::Overdue) => {
                    let mut committee = Vec::new();
                    for org in self.store.org_path(v.cell_id).await? {
                        if org.id != v.cell_id {
                            committee.extend(
                                self.store
                                    .visits()
                                    .committee_members(org.id)
                                    .await?
                                    .into_iter()
                                    .map(|m| m.id),
                            );
                        }
                    }
                    (Notice::VisitReportOverdue { visit }, "overdue", committee)
                }
                None => continue,
            };
            to.push(v.visitor_id);
            to.sort();
            to.dedup();
            self.publish(&format!("visit:{}:{stage}", v.id), &notice, &to)
                .await?;
        }
        Ok(())
    }

    async fn scan_opened(&self) -> Result<()> {
        let notices = self.store.notices();
        let opened = notices.meetings_unmarked("live", "opened").await?;
        for chunk in opened.chunks(MEETINGS_PER_TRANSACTION) {
            let mut told = Vec::with_capacity(chunk.len());
            for &id in chunk {
                let Some(meeting) = self.store.meeting(id).await? else {
                    continue;
                };
                told.push(Publication {
                    event_key: format!("meeting:{}:opened", id.0),
                    notice: Notice::MeetingOpened {
                        meeting: meeting_ref(&self.store, &meeting).await?,
                    },
                    recipients: notices.cell_audience(meeting.cell_id).await?,
                    mark: Some((id, "opened".into())),
                });
            }
            self.publish_all(&told).await?;
        }
        Ok(())
    }

    async fn scan_closed(&self) -> Result<()> {
        let notices = self.store.notices();
        for id in notices.meetings_unmarked("closed", "tasks").await? {
            let Some(meeting) = self.store.meeting(id).await? else {
                continue;
            };
            let live = match self.hub.record(&meeting).await {
                Ok((live, _)) => live,
                Err(e) => {
                    tracing::error!(meeting = %id, error = %e, "could not read a closed meeting's tasks");
                    continue;
                }
            };
            let mut watched = Vec::new();
            for (i, task) in live.tasks.iter().enumerate() {
                let Some(member) = task.assignee else {
                    continue;
                };
                let Some(account) = notices.account_of_member(member).await? else {
                    continue;
                };
                let index = u32::try_from(i).unwrap_or(u32::MAX);
                let task_ref = TaskRef {
                    meeting: id,
                    index,
                    meeting_title: meeting.draft.title.clone(),
                    what: task.what.clone(),
                    due: task.due,
                };
                let key = format!("task:{}:{index}:assigned", id.0);
                let notice = Notice::TaskAssigned {
                    task: task_ref.clone(),
                };
                self.publish(&key, &notice, &[account]).await?;
                if let Some(due_on) = task.due {
                    watched.push(WatchedTask {
                        account,
                        task: task_ref,
                        due_on,
                        stage: 0,
                    });
                }
            }
            notices.watch_tasks(&watched).await?;
            notices.mark(id, "tasks").await?;
        }
        Ok(())
    }

    async fn scan_reminders(&self) -> Result<()> {
        let notices = self.store.notices();
        let now = now_local();
        let starting = notices
            .meetings_starting(now, now + TimeDelta::hours(24))
            .await?;
        for chunk in starting.chunks(MEETINGS_PER_TRANSACTION) {
            let mut told = Vec::with_capacity(chunk.len());
            for &id in chunk {
                let Some(meeting) = self.store.meeting(id).await? else {
                    continue;
                };
                let starts_at = meeting.draft.starts_at;
                let Some(kind) = reminder_due(starts_at, now) else {
                    continue;
                };
                // A meeting moved to another time is reminded of again.
                let what = format!("{}@{}", kind.as_str(), starts_at.format("%Y-%m-%dT%H:%M"));
                if notices.is_marked(id, &what).await? {
                    continue;
                }
                let m = meeting_ref(&self.store, &meeting).await?;
                let notice = match kind {
                    NoticeKind::MeetingReminderHour => Notice::MeetingReminderHour { meeting: m },
                    _ => Notice::MeetingReminderDay { meeting: m },
                };
                told.push(Publication {
                    event_key: format!("meeting:{}:{what}", id.0),
                    notice,
                    recipients: notices.cell_audience(meeting.cell_id).await?,
                    mark: Some((id, what)),
                });
            }
            self.publish_all(&told).await?;
        }
        Ok(())
    }

    async fn scan_deadlines(&self) -> Result<()> {
        let notices = self.store.notices();
        let today = today();
        for t in notices
            .tasks_due(today + TimeDelta::days(TASK_DUE_SOON_DAYS))
            .await?
        {
            let (notice, stage, name) = match task_deadline_notice(t.due_on, today) {
                Some(NoticeKind::TaskOverdue) => (
                    Notice::TaskOverdue {
                        task: t.task.clone(),
                    },
                    2,
                    "overdue",
                ),
                Some(NoticeKind::TaskDueSoon) if t.stage == 0 => (
                    Notice::TaskDueSoon {
                        task: t.task.clone(),
                    },
                    1,
                    "due_soon",
                ),
                _ => continue,
            };
            let key = format!("task:{}:{}:{name}", t.task.meeting.0, t.task.index);
            self.publish(&key, &notice, &[t.account]).await?;
            notices
                .set_task_stage(t.task.meeting, t.task.index, stage)
                .await?;
        }
        Ok(())
    }

    /// Sends the emails and pushes due now; how many were claimed.
    pub async fn deliver(&self) -> Result<usize> {
        let notices = self.store.notices();
        let lease = i64::try_from(self.config.lease.as_millis()).unwrap_or(i64::MAX);
        let items = notices
            .claim(
                &self.owner,
                now_ms(),
                lease,
                CLAIM_BATCH,
                self.mailer.is_some(),
            )
            .await?;
        for item in &items {
            let sent = match (&item.push, &self.mailer) {
                (Some(target), _) => {
                    let payload = PushPayload::of(&item.notice, Lang::Vi).json();
                    match self.pusher.send(target, payload.as_bytes()).await {
                        Err(PushError::Gone(status)) => {
                            // The browser unsubscribed: its subscription and pushes go.
                            notices.drop_push_subscription(target.subscription).await?;
                            tracing::info!(outbox = item.id, status, "push subscription gone");
                            continue;
                        }
                        other => other.map_err(|e| e.to_string()),
                    }
                }
                (None, Some(mailer)) => mailer
                    .send(&item.address, &item.notice, &item.key)
                    .await
                    .map_err(|e| e.to_string()),
                // A push whose subscription went meanwhile, or email unset.
                (None, None) => Err("không còn kênh gửi".to_string()),
            };
            let channel = if item.push.is_some() { "push" } else { "email" };
            match sent {
                Ok(()) => {
                    notices.delivered(item.id, &self.owner, now_ms()).await?;
                    tracing::info!(outbox = item.id, channel, "notification sent");
                }
                Err(e) => {
                    let failures = item.attempts + 1;
                    let retry = retry_delay_ms(failures, self.config.retry_base_ms)
                        .map(|d| now_ms().saturating_add(i64::try_from(d).unwrap_or(i64::MAX)));
                    tracing::warn!(outbox = item.id, channel, failures, gave_up = retry.is_none(), error = %e, "notification not sent");
                    notices.failed(item.id, &self.owner, retry, &e).await?;
                }
            }
        }
        Ok(items.len())
    }
}

async fn scan_loop(notifier: Weak<Notifier>) {
    loop {
        let woken = STATUS_CHANGED.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let every = {
            let Some(n) = notifier.upgrade() else { return };
            if let Err(e) = n.scan().await {
                tracing::error!(error = %e, "notification scan failed");
            }
            n.config.scan_every
        };
        tokio::select! {
            () = &mut woken => {}
            () = tokio::time::sleep(every) => {}
        }
    }
}

async fn deliver_loop(notifier: Weak<Notifier>) {
    loop {
        let every = {
            let Some(n) = notifier.upgrade() else { return };
            match n.deliver().await {
                // A full batch: there may be more at once.
                Ok(claimed) if claimed as i64 >= CLAIM_BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "notification delivery failed"),
            }
            n.config.deliver_every
        };
        // The notifier is not held while waiting: a stopped server lets it go.
        let Some(queued) = notifier.upgrade().map(|n| n.queued.clone()) else {
            return;
        };
        tokio::select! {
            () = queued.notified() => {}
            () = tokio::time::sleep(every) => {}
        }
    }
}
