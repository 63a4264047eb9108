//! Email over SMTP (lettre): `smtp://host:port` (plain, a local relay),
//! `smtp://host?tls=required` (STARTTLS), `smtps://user:password@host`.

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::{Digest, Sha256};
use shared::notify::{Lang, Notice};
use std::time::Duration;

/// How long one email may take to hand over before the try counts as failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// Where and how emails are sent.
#[derive(Clone)]
pub struct EmailConfig {
    /// The SMTP server's URL (with its password, if any: never logged).
    pub smtp_url: String,
    /// The sender, e.g. `Chi Bộ Số <thongbao@example.vn>`.
    pub from: String,
    /// The app's address as people reach it (`https://chibo.example.vn`), for
    /// links in emails; none when unset.
    pub public_url: Option<String>,
}

impl std::fmt::Debug for EmailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailConfig")
            .field("smtp_url", &crate::config::redact(&self.smtp_url))
            .field("from", &self.from)
            .field("public_url", &self.public_url)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("địa chỉ máy chủ SMTP không hợp lệ: {0}")]
    Url(String),
    #[error("địa chỉ người gửi không hợp lệ: {0}")]
    From(String),
    #[error("địa chỉ người nhận không hợp lệ: {0}")]
    To(String),
    #[error("không soạn được thư: {0}")]
    Build(String),
    #[error("máy chủ SMTP không nhận thư: {0}")]
    Send(String),
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: Option<String>,
}

impl Mailer {
    pub fn new(config: &EmailConfig) -> Result<Mailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(SEND_TIMEOUT))
            .build();
        let from = config
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::From(e.to_string()))?;
        Ok(Mailer {
            transport,
            from,
            public_url: config
                .public_url
                .as_deref()
                .map(|u| u.trim_end_matches('/').to_string()),
        })
    }

    /// The email of a notice: Vietnamese first, English below; its
    /// Message-ID derived from `key` (one per event, recipient and channel),
    /// so a copy sent twice is recognisable as one.
    pub fn message(&self, to: &str, notice: &Notice, key: &str) -> Result<Message, MailError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::To(e.to_string()))?;
        let mut text = notice.body(Lang::Vi);
        if let Some(base) = &self.public_url {
            text.push_str(&format!("\n\nXem trên Chi Bộ Số: {base}{}", notice.link()));
        }
        text.push_str(&format!(
            "\n\n-- \n{}\n{}\n",
            notice.title(Lang::En),
            notice.body(Lang::En)
        ));
        let digest = Sha256::digest(key.as_bytes());
        let id: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(notice.title(Lang::Vi))
            .message_id(Some(format!("<{id}@chibo.notify>")))
            .header(ContentType::TEXT_PLAIN)
            .body(text)
            .map_err(|e| MailError::Build(e.to_string()))
    }

    pub async fn send(&self, to: &str, notice: &Notice, key: &str) -> Result<(), MailError> {
        let message = self.message(to, notice, key)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Send(e.to_string()))
    }
}
