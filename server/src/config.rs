//! Settings, from flags or the environment.

use crate::media::{TurnConfig, TurnError};
use crate::ratelimit::Limits;
use clap::Parser;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

#[derive(Parser, Clone)]
#[command(name = "chibo-server", about = "Chi Bộ Số — máy chủ", version)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "CHIBO_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// `sqlite:data/chibo.db` (default, created on first start) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite:data/chibo.db")]
    pub database_url: String,
    /// The built app (index.html, its modules named by content hash, the manifest and icons).
    #[arg(long, env = "CHIBO_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,
    /// Fill an empty database with demo data: `small` (the default when the
    /// flag has no value: one grassroots organization, 4 cells, 48 members) or
    /// `bloc` (1,000 grassroots organizations, 5,000 cells, ~78,000 members
    /// and a year of meetings and visits). The variable also takes `true`/`1`
    /// (small) and `false`/`0` (none).
    #[arg(
        long,
        env = "CHIBO_DEMO_DATA",
        value_name = "small|bloc",
        num_args = 0..=1,
        default_value = "off",
        default_missing_value = "small",
        value_parser = DemoData::parse,
    )]
    pub demo_data: DemoData,
    /// Mark the session cookie Secure (set when served over https).
    #[arg(long, env = "CHIBO_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// The reverse proxy in front of the server (e.g. `127.0.0.1`): only on its
    /// requests are `X-Forwarded-For` (the client's address, for the login
    /// limits) and `X-Forwarded-Proto`/`X-Forwarded-Host` (for the same-origin
    /// check) believed.
    #[arg(long, env = "CHIBO_TRUSTED_PROXY")]
    pub trusted_proxy: Option<IpAddr>,
    /// The SMTP server for email notifications: `smtp://host:25` (plain, a
    /// local relay), `smtp://user:password@host:587?tls=required` (STARTTLS)
    /// or `smtps://user:password@host` (TLS). No email when unset.
    #[arg(long, env = "CHIBO_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of email notifications.
    #[arg(
        long,
        env = "CHIBO_SMTP_FROM",
        default_value = "Chi Bộ Số <no-reply@localhost>"
    )]
    pub smtp_from: String,
    /// The app's address as people reach it (e.g. `https://chibo.example.vn`),
    /// for links in emails.
    #[arg(long, env = "CHIBO_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Who sends Web Push notifications, told to push services (VAPID
    /// `sub`): `mailto:quantri@example.vn` or an https URL. Defaults to the
    /// public URL, else `mailto:no-reply@localhost`.
    #[arg(long, env = "CHIBO_PUSH_SUBJECT")]
    pub push_subject: Option<String>,
    /// The UDP address of the meeting's audio (one port for every meeting).
    /// Default: the HTTP address's IP, port 40000 (any free port when the
    /// HTTP port is 0). Browsers send audio to it: open it in the firewall.
    #[arg(long, env = "CHIBO_MEDIA_UDP")]
    pub media_udp: Option<SocketAddr>,
    /// The public IP browsers reach the audio port at, when the server sits
    /// behind 1:1 NAT (a cloud VM's private address).
    #[arg(long, env = "CHIBO_MEDIA_PUBLIC_IP")]
    pub media_public_ip: Option<IpAddr>,
    /// Several instances on one PostgreSQL: the address the other instances
    /// reach this one's HTTP at (`http://10.0.0.5:8080`), for the meeting's
    /// audio, which runs on one instance per meeting. Default: the listen
    /// address, unless it is 0.0.0.0 or [::].
    #[arg(long, env = "CHIBO_CLUSTER_URL")]
    pub cluster_url: Option<String>,
    /// A TURN server (coturn with `use-auth-secret`) that relays the audio
    /// of phones whose network blocks UDP: `turn:turn.example.vn:3478?transport=udp`,
    /// `turns:turn.example.vn:5349?transport=tcp`. Repeat the flag, or
    /// separate the URLs with commas. Needs --turn-secret.
    #[arg(
        long = "turn-url",
        env = "CHIBO_TURN_URL",
        value_name = "URL",
        value_delimiter = ','
    )]
    pub turn_urls: Vec<String>,
    /// The TURN server's `static-auth-secret`: each participant gets
    /// credentials made from it, valid a few hours. Better in the variable
    /// than on the command line; never logged.
    #[arg(long, env = "CHIBO_TURN_SECRET", hide_env_values = true)]
    pub turn_secret: Option<String>,
    /// Browsers send their audio through the TURN server only
    /// (`iceTransportPolicy: "relay"`): when the media port is not
    /// reachable from browsers at all.
    #[arg(long, env = "CHIBO_TURN_ONLY")]
    pub turn_only: bool,
    /// `text` or `json` log lines.
    #[arg(long, env = "CHIBO_LOG_FORMAT", default_value = "text")]
    pub log_format: String,
}

/// Which demo data `--demo-data` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoData {
    Off,
    /// `demo.rs`: one grassroots organization, 4 cells, 48 members.
    Small,
    /// `demo/bloc.rs`: a bloc the size of Đảng bộ Khối các cơ quan Trung ương's (docs/rules.md#sources).
    Bloc,
}

impl DemoData {
    /// `small`, `bloc`, and what a boolean flag took before (`true`, `1`,
    /// `yes`, `on` for small; `false`, `0`, `no`, `off` or empty for none).
    pub fn parse(value: &str) -> Result<DemoData, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "small" | "true" | "1" | "yes" | "on" => Ok(DemoData::Small),
            "bloc" => Ok(DemoData::Bloc),
            "off" | "false" | "0" | "no" | "" => Ok(DemoData::Off),
            other => Err(format!(
                "“{other}”: dữ liệu mẫu là small hoặc bloc (demo data is small or bloc)"
            )),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("database_url", &redact(&self.database_url))
            .field("static_dir", &self.static_dir)
            .field("demo_data", &self.demo_data)
            .field("secure_cookies", &self.secure_cookies)
            .field("trusted_proxy", &self.trusted_proxy)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact))
            .field("smtp_from", &self.smtp_from)
            .field("public_url", &self.public_url)
            .field("push_subject", &self.push_subject)
            .field("media_udp", &self.media_udp)
            .field("media_public_ip", &self.media_public_ip)
            .field("cluster_url", &self.cluster_url)
            .field("turn_urls", &self.turn_urls)
            .field("turn_secret", &self.turn_secret.as_ref().map(|_| "***"))
            .field("turn_only", &self.turn_only)
            .finish()
    }
}

impl Config {
    /// Where the meeting's audio listens: `--media-udp`, else beside the
    /// HTTP address (any free port when the HTTP port is any: several
    /// servers on one host, as in tests and benchmarks); and the TURN
    /// server, if the flags give one whole.
    pub fn media(&self) -> Result<crate::media::MediaConfig, TurnError> {
        let port = match self.addr.port() {
            0 => 0,
            _ => crate::media::DEFAULT_MEDIA_PORT,
        };
        Ok(crate::media::MediaConfig {
            udp: self
                .media_udp
                .unwrap_or_else(|| SocketAddr::new(self.addr.ip(), port)),
            public_ip: self.media_public_ip,
            required: self.media_udp.is_some(),
            turn: TurnConfig::from_flags(
                &self.turn_urls,
                self.turn_secret.as_deref(),
                self.turn_only,
            )?,
        })
    }

    /// What the application needs of the settings; an error for settings
    /// that cannot work together.
    pub fn settings(&self) -> Result<Settings, TurnError> {
        Ok(Settings {
            secure_cookies: self.secure_cookies,
            trusted_proxy: self.trusted_proxy,
            limits: Limits::default(),
            live: crate::live::LiveConfig::default(),
            media: Some(self.media()?),
            cluster_url: self.cluster_url.clone(),
            notify: crate::notify::NotifyConfig {
                email: self
                    .smtp_url
                    .clone()
                    .map(|smtp_url| crate::notify::mail::EmailConfig {
                        smtp_url,
                        from: self.smtp_from.clone(),
                        public_url: self.public_url.clone(),
                    }),
                push_subject: self
                    .push_subject
                    .clone()
                    .or_else(|| self.public_url.clone())
                    .unwrap_or_else(|| crate::notify::NotifyConfig::default().push_subject),
                ..crate::notify::NotifyConfig::default()
            },
        })
    }
}

/// The settings the application runs with (tests build their own).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub secure_cookies: bool,
    pub trusted_proxy: Option<IpAddr>,
    pub limits: Limits,
    /// The live meeting's timings (tests shorten them).
    pub live: crate::live::LiveConfig,
    /// Notifications: email or not, the scan's and retries' timings.
    pub notify: crate::notify::NotifyConfig,
    /// The meeting's audio; `None`: no audio (offers are refused `unavailable`).
    pub media: Option<crate::media::MediaConfig>,
    /// How other instances sharing the database reach this one
    /// (`--cluster-url`); without it each instance runs the audio of the
    /// sockets it holds, and members on two instances do not hear each other.
    pub cluster_url: Option<String>,
}

/// Hides the password in `scheme://user:password@host…`.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((creds, host)) = rest.rsplit_once('@')
    {
        let user = creds.split(':').next().unwrap_or("");
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::{Config, DemoData, TurnError};
    use clap::Parser;

    fn demo(args: &[&str]) -> Result<DemoData, clap::Error> {
        let mut argv = vec!["chibo-server"];
        argv.extend_from_slice(args);
        Config::try_parse_from(argv).map(|c| c.demo_data)
    }

    #[test]
    fn demo_data_keeps_the_bare_flag_and_takes_a_size() {
        // clap reads the variable when the flag is absent: a shell that set it
        // would change the first answer.
        if std::env::var_os("CHIBO_DEMO_DATA").is_some() {
            return;
        }
        assert_eq!(demo(&[]).unwrap(), DemoData::Off);
        assert_eq!(demo(&["--demo-data"]).unwrap(), DemoData::Small);
        assert_eq!(demo(&["--demo-data", "bloc"]).unwrap(), DemoData::Bloc);
        assert_eq!(demo(&["--demo-data=small"]).unwrap(), DemoData::Small);
        assert_eq!(
            demo(&["--demo-data", "--addr", "127.0.0.1:9"]).unwrap(),
            DemoData::Small
        );
        assert!(demo(&["--demo-data", "huge"]).is_err());
        for (v, want) in [
            ("true", DemoData::Small),
            ("1", DemoData::Small),
            ("bloc", DemoData::Bloc),
            ("false", DemoData::Off),
            ("0", DemoData::Off),
        ] {
            assert_eq!(DemoData::parse(v), Ok(want), "{v}");
        }
    }

    #[test]
    fn audio_listens_beside_the_http_address_unless_told() {
        if std::env::var_os("CHIBO_MEDIA_UDP").is_some() {
            return;
        }
        let c = Config::try_parse_from(["chibo-server", "--addr", "10.0.0.5:8080"]).unwrap();
        assert_eq!(c.media().unwrap().udp, "10.0.0.5:40000".parse().unwrap());
        assert!(!c.media().unwrap().required);
        let c = Config::try_parse_from(["chibo-server", "--addr", "127.0.0.1:0"]).unwrap();
        assert_eq!(c.media().unwrap().udp, "127.0.0.1:0".parse().unwrap());
        let c = Config::try_parse_from([
            "chibo-server",
            "--media-udp",
            "0.0.0.0:50000",
            "--media-public-ip",
            "203.0.113.7",
        ])
        .unwrap();
        assert_eq!(c.media().unwrap().udp, "0.0.0.0:50000".parse().unwrap());
        assert_eq!(
            c.media().unwrap().public_ip,
            Some("203.0.113.7".parse().unwrap())
        );
        assert!(c.media().unwrap().required);
    }

    #[test]
    fn turn_takes_urls_with_a_secret_and_never_shows_the_secret() {
        for var in ["CHIBO_TURN_URL", "CHIBO_TURN_SECRET", "CHIBO_TURN_ONLY"] {
            if std::env::var_os(var).is_some() {
                return;
            }
        }
        let c = Config::try_parse_from(["chibo-server"]).unwrap();
        assert_eq!(c.media().unwrap().turn, None);
        let c = Config::try_parse_from([
            "chibo-server",
            "--turn-url",
            "turn:turn.example.vn:3478?transport=udp,turns:turn.example.vn:5349?transport=tcp",
            "--turn-url",
            "turn:203.0.113.9:3478",
            "--turn-secret",
            "s3cr3t-of-the-cell",
            "--turn-only",
        ])
        .unwrap();
        let turn = c.media().unwrap().turn.unwrap();
        assert_eq!(
            turn.urls(),
            [
                "turn:turn.example.vn:3478?transport=udp",
                "turns:turn.example.vn:5349?transport=tcp",
                "turn:203.0.113.9:3478"
            ]
        );
        assert!(turn.relay_only());
        assert!(!format!("{c:?}").contains("s3cr3t"));
        assert!(!format!("{:?}", c.settings().unwrap()).contains("s3cr3t"));

        let c =
            Config::try_parse_from(["chibo-server", "--turn-url", "turn:turn.example.vn"]).unwrap();
        assert_eq!(c.settings().err(), Some(TurnError::NoSecret));
        let c = Config::try_parse_from(["chibo-server", "--turn-secret", "s"]).unwrap();
        assert_eq!(c.settings().err(), Some(TurnError::NoUrl));
        let c = Config::try_parse_from([
            "chibo-server",
            "--turn-url",
            "https://turn.example.vn",
            "--turn-secret",
            "s",
        ])
        .unwrap();
        assert!(matches!(c.settings().err(), Some(TurnError::BadUrl(_))));
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            super::redact("postgres://chibo:secret@db/chibo"),
            "postgres://chibo:***@db/chibo"
        );
        assert_eq!(
            super::redact("sqlite:data/chibo.db"),
            "sqlite:data/chibo.db"
        );
    }
}
