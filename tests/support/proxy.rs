//! A weak network on demand: a TCP relay between the browser and the server
//! that a test freezes, cuts, or makes hold the live socket or the wasm.

/// How the [`Proxy`] lets traffic through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Everything passes.
    Open,
    /// Nothing passes either way and nothing is closed: a network that
    /// silently drops everything, as a phone leaving the Wi-Fi does.
    Frozen,
    /// New live-meeting sockets (`…/live`) are held unanswered and closed when
    /// the flow changes, never forwarded; everything else passes.
    HoldLive,
    /// Requests for the app's wasm wait unanswered until the flow changes,
    /// then go on; everything else passes (a wasm still on its way).
    HoldWasm,
}

#[derive(Debug, Clone, Copy)]
struct ProxyControl {
    flow: Flow,
    /// Bumped by [`Proxy::cut`]: connections of an older epoch close.
    epoch: u64,
}

/// A TCP relay between the browser and the server that a test can freeze or
/// cut, to see what the app does when the network fails under it. Open pages
/// at [`Proxy::url`] to go through it.
pub struct Proxy {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    control: tokio::sync::watch::Sender<ProxyControl>,
    accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Starts relaying to `server` (an `http://host:port` address).
    pub async fn start(server: &str) -> Proxy {
        let target = server
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy address"));
        let (control, rx) = tokio::sync::watch::channel(ProxyControl {
            flow: Flow::Open,
            epoch: 0,
        });
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, target.clone(), rx.clone()));
            }
        });
        Proxy {
            url,
            control,
            accept,
        }
    }

    pub fn set(&self, flow: Flow) {
        self.control.send_modify(|c| c.flow = flow);
    }

    /// Closes every connection open now, dropping what they had not delivered.
    pub fn cut(&self) {
        self.control.send_modify(|c| c.epoch += 1);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

/// Waits until data may pass; false when the connection was cut meanwhile.
async fn may_pass(control: &mut tokio::sync::watch::Receiver<ProxyControl>, epoch: u64) -> bool {
    loop {
        {
            let c = control.borrow_and_update();
            if c.epoch != epoch {
                return false;
            }
            if c.flow != Flow::Frozen {
                return true;
            }
        }
        if control.changed().await.is_err() {
            return false;
        }
    }
}

/// Resolves when the connection is cut (or the proxy is gone).
async fn cut_off(mut control: tokio::sync::watch::Receiver<ProxyControl>, epoch: u64) {
    while control.borrow_and_update().epoch == epoch {
        if control.changed().await.is_err() {
            return;
        }
    }
}

/// Waits while requests for the wasm are held; false when the connection
/// was cut meanwhile.
async fn wasm_may_pass(
    control: &mut tokio::sync::watch::Receiver<ProxyControl>,
    epoch: u64,
) -> bool {
    loop {
        {
            let c = control.borrow_and_update();
            if c.epoch != epoch {
                return false;
            }
            if c.flow != Flow::HoldWasm {
                return true;
            }
        }
        if control.changed().await.is_err() {
            return false;
        }
    }
}

/// A request for a `.wasm` file (a kept-alive connection carries one
/// request after another: each is checked as it comes).
fn is_wasm_request(request: &[u8]) -> bool {
    let line = request.split(|&b| b == b'\r').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut words = line.split(' ');
    words.next() == Some("GET") && words.next().is_some_and(|path| path.ends_with(".wasm"))
}

fn is_live_socket(request: &[u8]) -> bool {
    let line = request.split(|&b| b == b'\r').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut words = line.split(' ');
    words.next() == Some("GET") && words.next().is_some_and(|path| path.ends_with("/live"))
}

async fn relay(
    mut client: tokio::net::TcpStream,
    target: String,
    mut control: tokio::sync::watch::Receiver<ProxyControl>,
) {
    use tokio::io::AsyncReadExt;
    let epoch = control.borrow().epoch;
    if !may_pass(&mut control, epoch).await {
        return;
    }
    let mut first = vec![0u8; 16 * 1024];
    let n = tokio::select! {
        read = client.read(&mut first) => match read {
            Ok(n) if n > 0 => n,
            _ => return,
        },
        () = cut_off(control.clone(), epoch) => return,
    };
    first.truncate(n);
    if control.borrow().flow == Flow::HoldLive && is_live_socket(&first) {
        // Held: no answer, until the flow changes or the connection is cut.
        while {
            let c = *control.borrow_and_update();
            c.epoch == epoch && c.flow == Flow::HoldLive
        } {
            if control.changed().await.is_err() {
                break;
            }
        }
        return;
    }
    if is_wasm_request(&first) && !wasm_may_pass(&mut control, epoch).await {
        return;
    }
    let Ok(server) = tokio::net::TcpStream::connect(&target).await else {
        return;
    };
    let (client_read, client_write) = client.into_split();
    let (server_read, mut server_write) = server.into_split();
    if tokio::io::AsyncWriteExt::write_all(&mut server_write, &first)
        .await
        .is_err()
    {
        return;
    }
    let up = pump(client_read, server_write, control.clone(), epoch, true);
    let down = pump(server_read, client_write, control, epoch, false);
    tokio::join!(up, down);
}

/// Copies one direction, holding the data while the flow is frozen (and,
/// from the browser, a request for the wasm while it is held).
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut control: tokio::sync::watch::Receiver<ProxyControl>,
    epoch: u64,
    from_browser: bool,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = tokio::select! {
            read = from.read(&mut buf) => read.unwrap_or(0),
            () = cut_off(control.clone(), epoch) => return,
        };
        if !may_pass(&mut control, epoch).await {
            return;
        }
        if from_browser && is_wasm_request(&buf[..n]) && !wasm_may_pass(&mut control, epoch).await {
            return;
        }
        if n == 0 {
            let _ = to.shutdown().await;
            return;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}
