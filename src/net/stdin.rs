//! Lines of stdin, read on their own thread so that the async shell (a connection, a room's timer,
//! the host's server) runs while the player or the host types. Line mode and the host's operator
//! console both read their input this way.

use std::io::BufRead;

use tokio::sync::mpsc;

/// The lines of stdin, without their line endings, until it ends.
pub fn lines() -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel(16);
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match stdin.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf).trim_end_matches(['\n', '\r']).to_owned();
                    if tx.blocking_send(line).is_err() {
                        break;
                    }
                }
            }
        }
    });
    rx
}
