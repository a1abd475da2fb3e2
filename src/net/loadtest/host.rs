//! The server under load: by default `kombat host` started as a child process of this binary
//! (its own process, so its CPU and memory are measured apart from the load clients'), with a
//! fresh data directory and quiet logs; or a server already running, whose join codes come from
//! a file. Both give an address and one join code per room.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::net::server::normalize_code;

/// The address from `kombat host: listening on ADDR`.
pub fn parse_listening(line: &str) -> Option<SocketAddr> {
    line.trim().strip_prefix("kombat host: listening on ")?.trim().parse().ok()
}

/// The SSH front door's address from `kombat host: SSH on ADDR; host key …`.
pub fn parse_ssh(line: &str) -> Option<SocketAddr> {
    let rest = line.trim().strip_prefix("kombat host: SSH on ")?;
    rest.split(';').next()?.trim().parse().ok()
}

/// The join code from `room CODE: TITLE — join with: …`.
pub fn parse_room(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("room ")?;
    let (code, _) = rest.split_once(':')?;
    normalize_code(code)
}

/// Join codes from a file: `kombat host`'s own output, or one code a line.
pub fn parse_codes(text: &str) -> Vec<String> {
    text.lines().filter_map(|line| parse_room(line).or_else(|| normalize_code(line.trim()))).collect()
}

/// A running `kombat host` child. Killed when dropped.
pub struct ChildServer {
    child: Child,
    pub addr: SocketAddr,
    /// Where its SSH front door listens, when it was asked for one.
    pub ssh: Option<SocketAddr>,
    pub codes: Vec<String>,
    data_dir: PathBuf,
}

impl ChildServer {
    /// Starts `kombat host --bind 127.0.0.1:0 --rooms N --scenario S` (with `--ssh 127.0.0.1:0`
    /// when `ssh`) and waits for its addresses and every room's code.
    pub fn spawn(rooms: u16, scenario: &str, ssh: bool) -> anyhow::Result<ChildServer> {
        let exe = std::env::current_exe().context("cannot find this kombat binary to start the server")?;
        let data_dir = std::env::temp_dir().join(format!("kombat-loadtest-{}", std::process::id()));
        std::fs::create_dir_all(&data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
        let child = Command::new(exe)
            .args(["host", "--bind", "127.0.0.1:0", "--rooms", &rooms.to_string(), "--scenario", scenario])
            // Every client comes from this one machine.
            .args(["--per-address", "1000000"])
            .args(if ssh { &["--ssh", "127.0.0.1:0"][..] } else { &[] })
            .env("KOMBAT_DATA_DIR", &data_dir)
            .env("KOMBAT_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start kombat host")?;
        let mut server =
            ChildServer { child, addr: SocketAddr::from(([127, 0, 0, 1], 0)), ssh: None, codes: Vec::new(), data_dir };
        let Some(stdout) = server.child.stdout.take() else { anyhow::bail!("kombat host has no stdout") };
        let (lines_tx, lines) = mpsc::channel();
        // Reads the host's output to its end, so it never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = lines_tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30) + Duration::from_millis(50) * u32::from(rooms);
        let mut listening = None;
        while server.codes.len() < usize::from(rooms) {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match lines.recv_timeout(left) {
                Ok(line) => line,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    anyhow::bail!("kombat host printed {} of {rooms} rooms in time", server.codes.len())
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = server.child.wait().map(|s| s.to_string()).unwrap_or_default();
                    anyhow::bail!("kombat host ended before opening its rooms ({status})")
                }
            };
            if let Some(addr) = parse_listening(&line) {
                listening = Some(addr);
            } else if let Some(addr) = parse_ssh(&line) {
                server.ssh = Some(addr);
            } else if let Some(code) = parse_room(&line) {
                server.codes.push(code);
            }
        }
        server.addr = listening.context("kombat host did not say where it listens")?;
        if ssh && server.ssh.is_none() {
            anyhow::bail!("kombat host did not say where its SSH front door listens");
        }
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hosts_output_gives_address_and_codes() {
        assert_eq!(parse_listening("kombat host: listening on 127.0.0.1:40123"), Some(([127, 0, 0, 1], 40123).into()));
        assert_eq!(parse_listening("kombat host: listening on nowhere"), None);
        let line = "room 7K3QM-9XW2A: Friday afternoon release — join with: kombat join 127.0.0.1:1 --code 7K3QM-9XW2A";
        assert_eq!(parse_room(line), Some("7K3QM-9XW2A".to_owned()));
        assert_eq!(parse_room("room with no code"), None);
        let ssh = "kombat host: SSH on 127.0.0.1:2222; host key SHA256:abc (made in /tmp/k/ssh_host_ed25519_key)";
        assert_eq!(parse_ssh(ssh), Some(([127, 0, 0, 1], 2222).into()));
        assert_eq!(parse_ssh("kombat host: SSH on somewhere; host key"), None);
    }

    #[test]
    fn a_codes_file_may_be_the_hosts_output_or_bare_codes() {
        let text = "kombat host: listening on 127.0.0.1:7878\n\
                    room 7K3QM-9XW2A: Friday — join with: kombat join 127.0.0.1:7878 --code 7K3QM-9XW2A\n\
                    7k3qm9xw2b\n\
                    \n";
        let codes = parse_codes(text);
        assert_eq!(codes.len(), 2, "{codes:?}");
        assert_eq!(codes[0], "7K3QM-9XW2A");
    }
}
