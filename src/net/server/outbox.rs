//! The way out to one client: a bounded queue of encoded frames feeding the connection's writer
//! task, and a token that closes the connection. Whoever sends uses `try_send`, so a client
//! that stops reading fills only its own queue; a full queue means the client is dropped.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{Sink, SinkExt};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::net::codec;
use crate::net::protocol::ServerMsg;

/// One connection's queue and its off switch. Cloning shares both.
#[derive(Clone, Debug)]
pub struct Outbox {
    /// The connection's id, so a table can tell a replaced connection from the current one.
    pub id: u64,
    tx: mpsc::Sender<Bytes>,
    done: CancellationToken,
}

impl Outbox {
    /// A queue of `capacity` frames; the receiver goes to [`write_loop`].
    pub fn new(id: u64, capacity: usize) -> (Outbox, mpsc::Receiver<Bytes>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (Outbox { id, tx, done: CancellationToken::new() }, rx)
    }

    /// Queues a frame without waiting; false when the client must be dropped (its queue is
    /// full or the connection is closing).
    pub fn send_frame(&self, frame: Bytes) -> bool {
        !self.done.is_cancelled() && self.tx.try_send(frame).is_ok()
    }

    /// Queues a message; false as for [`Outbox::send_frame`]. A message too large to encode is
    /// logged and skipped (only views can grow that large, and they are fitted first).
    pub fn send(&self, message: &ServerMsg) -> bool {
        match codec::encode(message) {
            Ok(frame) => self.send_frame(frame),
            Err(e) => {
                tracing::error!(conn = self.id, "cannot encode a message: {e}");
                !self.done.is_cancelled()
            }
        }
    }

    /// Closes the connection once what is queued has been written (within the write timeout).
    pub fn close(&self) {
        self.done.cancel();
    }

    /// Completes when the connection is closing.
    pub async fn closed(&self) {
        self.done.cancelled().await;
    }

    pub fn token(&self) -> CancellationToken {
        self.done.clone()
    }
}

/// Writes queued frames until the queue closes or `done` is cancelled; then writes what is
/// still queued (last words: a `Refused`, a `Removed`) and closes. A write that takes longer
/// than `write_timeout` (a client that does not read) ends it and cancels `done`.
pub async fn write_loop<S>(mut sink: S, mut rx: mpsc::Receiver<Bytes>, done: CancellationToken, write_timeout: Duration)
where
    S: Sink<Bytes, Error = std::io::Error> + Unpin,
{
    loop {
        let frame = tokio::select! {
            frame = rx.recv() => frame,
            () = done.cancelled() => None,
        };
        let Some(frame) = frame else { break };
        match tokio::time::timeout(write_timeout, sink.send(frame)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::debug!("write failed: {e}");
                done.cancel();
                return;
            }
            Err(_) => {
                tracing::info!("a client read nothing for {write_timeout:?}: dropped");
                done.cancel();
                return;
            }
        }
    }
    done.cancel();
    let last_words = async {
        while let Ok(frame) = rx.try_recv() {
            sink.feed(frame).await?;
        }
        sink.close().await
    };
    let _ = tokio::time::timeout(write_timeout, last_words).await;
}
