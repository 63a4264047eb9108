use clap::Parser;
use server::config::{Config, DemoData};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // The WebSocket library logs frames at its debug level, and frames carry
    // votes: never, whatever RUST_LOG says (secret ballots stay secret).
    let filter = server::quiet_frames(filter);
    if config.log_format == "json" {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    match run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("Lỗi: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    tracing::info!(?config, "starting");
    // Settings that cannot work together stop the start before anything opens.
    let mut settings = config.settings()?;
    let store = server::storage::open(&config.database_url).await?;
    match config.demo_data {
        DemoData::Off => {}
        DemoData::Small => {
            if server::demo::seed_if_empty(&store).await? {
                tracing::info!("demo data created");
            }
        }
        DemoData::Bloc => {
            let started = std::time::Instant::now();
            let size = server::demo::bloc::BlocSize::FULL;
            if let Some(s) =
                server::demo::bloc::seed_if_empty(&store, size, server::clock::today()).await?
            {
                tracing::info!(
                    seconds = started.elapsed().as_secs_f64(),
                    grassroots = s.grassroots,
                    cells = s.cells,
                    members = s.members,
                    meetings = s.meetings,
                    held = s.held,
                    events = s.events,
                    visits = s.visits,
                    "bloc demo data created"
                );
            }
        }
    }
    if !config.static_dir.join("index.html").exists() {
        tracing::warn!(dir = %config.static_dir.display(), "no built app here: run scripts/build-app");
    }
    if let Some(email) = &settings.notify.email {
        // A wrong SMTP URL or sender stops the start with its reason.
        server::notify::mail::Mailer::new(email)?;
    }
    let listener = listen(config.addr)?;
    let addr = listener.local_addr()?;
    if settings.cluster_url.is_none() && !addr.ip().is_unspecified() {
        settings.cluster_url = Some(format!("http://{addr}"));
    }
    let state = server::build_state(store, settings).await?;
    let hub = state.live.clone();
    let app = server::router(state, &config.static_dir);
    // Scripts and tests wait for this line.
    println!("Chi Bộ Số đang chạy tại http://{addr}/");
    server::serve(listener, app, async move {
        shutdown_signal().await;
        // Sockets are not requests: tell them to close, or shutdown would wait on them.
        hub.shutdown();
    })
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Pending connections the kernel keeps for us before refusing more (capped by
/// `net.core.somaxconn`). After a restart every phone of every live meeting
/// comes back within a second or two; at tokio's default of 1,024 the rest
/// wait out SYN retransmissions (1 s, 3 s, 7 s…).
const LISTEN_BACKLOG: u32 = 8192;

fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As std's and tokio's bind do on Unix: a restarted server gets its port back at once.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
