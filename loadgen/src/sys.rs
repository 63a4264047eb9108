//! The clock, the processes and their figures (`/proc`), the server as a child.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Instant;

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Nanoseconds since the start of the run (monotonic).
pub fn now_ns() -> u64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// Resident memory of a process, in KiB (`VmRSS` of `/proc/<pid>/status`).
pub fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// User + system CPU seconds of a process (`/proc/<pid>/stat`, 100 ticks a second).
pub fn cpu_secs(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, utime 14 and stime 15 (1-based).
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Datagrams the kernel dropped on a process's UDP sockets, their receive
/// buffers full (the `drops` column of `/proc/net/udp` and `udp6`, for the
/// sockets among the process's open files).
pub fn udp_drops(pid: &str) -> Option<u64> {
    let mut inodes = std::collections::HashSet::new();
    for fd in std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.flatten() {
        if let Ok(link) = std::fs::read_link(fd.path())
            && let Some(inode) = link
                .to_str()
                .and_then(|l| l.strip_prefix("socket:["))
                .and_then(|l| l.strip_suffix(']'))
        {
            inodes.insert(inode.to_string());
        }
    }
    let mut drops = 0;
    for table in ["udp", "udp6"] {
        let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/net/{table}")) else {
            continue;
        };
        drops += udp_table_drops(&text, |inode| inodes.contains(inode));
    }
    Some(drops)
}

/// The summed `drops` of a `/proc/net/udp` table's sockets whose inode is picked.
pub fn udp_table_drops(table: &str, pick: impl Fn(&str) -> bool) -> u64 {
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            // sl, local, remote, st, queues, tr, retrnsmt, uid, timeout, inode, ref, pointer, drops
            (f.len() >= 13 && pick(f[9])).then(|| f[12].parse::<u64>().ok())?
        })
        .sum()
}

pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The soft limit on open files of this process (the server inherits it).
pub fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line.split_whitespace().nth(3)?;
    if soft == "unlimited" {
        Some(u64::MAX)
    } else {
        soft.parse().ok()
    }
}

/// A server as a child process; killed (SIGKILL) when dropped.
pub struct Server {
    child: Child,
    pub pid: String,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
}

impl Server {
    /// Runs `command` (its stderr to `log`) until it prints its `http://` address.
    pub fn spawn(mut command: Command, log: &Path) -> Result<Server, String> {
        let log = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let mut child = command
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start {:?}: {e} (build it: cargo build --release -p server -p loadgen)",
                    command.get_program()
                )
            })?;
        let pid = child.id().to_string();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(i) = line.find("http://") {
                        break line[i..].trim_end_matches('/').to_string();
                    }
                }
                _ => {
                    let _ = child.kill();
                    return Err(
                        "the server exited before printing its address (see its log)".into(),
                    );
                }
            }
        };
        // Keep draining its stdout so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(Server { child, pid, base })
    }

    /// The Chi Bộ Số server on `database_url`, listening on `addr` (port 0: any).
    pub fn start(bin: &Path, database_url: &str, addr: &str, log: &Path) -> Result<Server, String> {
        let mut command = Command::new(bin);
        command
            .args(["--addr", addr, "--static-dir", "no-app-needed"])
            .arg("--database-url")
            .arg(database_url);
        Server::spawn(command, log)
    }

    /// `127.0.0.1:<port>`, to start a successor on the same address.
    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    pub fn ws_base(&self) -> String {
        self.base.replacen("http://", "ws://", 1)
    }
}

/// A plain HTTP/1.1 GET with the session cookie: the body of a 200 answer.
pub async fn http_get(base: &str, path: &str, token: &str) -> Result<String, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(host)
        .await
        .map_err(|e| format!("{host}: {e}"))?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {}={token}\r\nConnection: close\r\n\r\n",
        server::auth::SESSION_COOKIE
    );
    tcp.write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    tcp.read_to_end(&mut answer)
        .await
        .map_err(|e| e.to_string())?;
    let answer = String::from_utf8_lossy(&answer);
    let (head, body) = answer.split_once("\r\n\r\n").ok_or("no HTTP answer")?;
    if !head.starts_with("HTTP/1.1 200") {
        return Err(format!(
            "GET {path}: {}",
            head.lines().next().unwrap_or_default()
        ));
    }
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return Err(format!("GET {path}: a chunked answer"));
    }
    Ok(body.to_string())
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udp_drops_of_the_picked_sockets() {
        let table = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  123: 0100007F:9C40 00000000:0000 07 00000000:00034000 00:00000000 00000000     0        0 41234 2 0000000000000000 17
  124: 0100007F:9C41 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41235 2 0000000000000000 5
";
        assert_eq!(udp_table_drops(table, |i| i == "41234"), 17);
        assert_eq!(udp_table_drops(table, |_| true), 22);
        assert_eq!(udp_table_drops(table, |_| false), 0);
    }
}
