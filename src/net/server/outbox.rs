//! The way out to one client: a bounded queue of encoded frames feeding the connection's writer
//! task, and a token that closes the connection. Whoever sends uses `try_send`, so a client
//! that stops reading fills only its own queue; a full queue means the client is dropped.
//!
//! The writer writes frames straight from the queue with vectored writes (the 4-byte length,
//! then the payload as it was encoded), several queued frames per system call, so a connection
//! keeps no write buffer of its own: with thousands of connections, buffers sized for the
//! largest view would cost more memory than the rooms.

use std::io::{self, IoSlice};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::net::codec;
use crate::net::protocol::ServerMsg;

/// Frames written with one system call at most.
const BATCH: usize = 16;

/// One connection's queue and its off switch. Cloning shares both.
#[derive(Clone, Debug)]
pub struct Outbox {
    /// The connection's id, so a table can tell a replaced connection from the current one.
    pub id: u64,
    tx: mpsc::Sender<Bytes>,
    done: CancellationToken,
    /// The fingerprint of the last view queued here (0: none yet), so an unchanged view is not
    /// sent again.
    last_view: Arc<AtomicU64>,
}

impl Outbox {
    /// A queue of `capacity` frames; the receiver goes to [`write_loop`].
    pub fn new(id: u64, capacity: usize) -> (Outbox, mpsc::Receiver<Bytes>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (Outbox { id, tx, done: CancellationToken::new(), last_view: Arc::new(AtomicU64::new(0)) }, rx)
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

    /// The fingerprint of the last view queued on this connection.
    pub fn last_view(&self) -> Option<u64> {
        Some(self.last_view.load(Ordering::Relaxed)).filter(|f| *f != 0)
    }

    /// Notes the fingerprint of the view just queued.
    pub fn set_last_view(&self, fingerprint: u64) {
        // 0 stands for "none"; a view that hashes to 0 is remembered as 1 instead.
        self.last_view.store(fingerprint.max(1), Ordering::Relaxed);
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

/// Writes `frames`, each behind its big-endian 4-byte length, with as few writes as the socket
/// allows.
async fn write_frames<W: AsyncWrite + Unpin>(writer: &mut W, frames: &[Bytes]) -> io::Result<()> {
    let lengths: Vec<[u8; 4]> =
        frames.iter().map(|f| u32::try_from(f.len()).unwrap_or(u32::MAX).to_be_bytes()).collect();
    let mut slices: Vec<IoSlice<'_>> =
        frames.iter().zip(&lengths).flat_map(|(frame, length)| [IoSlice::new(length), IoSlice::new(frame)]).collect();
    let mut rest: &mut [IoSlice<'_>] = &mut slices;
    while !rest.is_empty() {
        let written = writer.write_vectored(rest).await?;
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        IoSlice::advance_slices(&mut rest, written);
    }
    writer.flush().await
}

/// Writes queued frames until the queue closes or `done` is cancelled; then writes what is
/// still queued (last words: a `Refused`, a `Removed`) and shuts the connection down. A write
/// that takes longer than `write_timeout` (a client that does not read) ends it and cancels
/// `done`.
pub async fn write_loop<W>(
    mut writer: W,
    mut rx: mpsc::Receiver<Bytes>,
    done: CancellationToken,
    write_timeout: Duration,
) where
    W: AsyncWrite + Unpin,
{
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let frame = tokio::select! {
            frame = rx.recv() => frame,
            () = done.cancelled() => None,
        };
        let Some(frame) = frame else { break };
        batch.push(frame);
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(frame) => batch.push(frame),
                Err(_) => break,
            }
        }
        let written = tokio::time::timeout(write_timeout, write_frames(&mut writer, &batch)).await;
        batch.clear();
        match written {
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
        let mut last = Vec::new();
        while let Ok(frame) = rx.try_recv() {
            last.push(frame);
        }
        write_frames(&mut writer, &last).await?;
        writer.shutdown().await
    };
    let _ = tokio::time::timeout(write_timeout, last_words).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use tokio_util::codec::FramedRead;

    #[tokio::test]
    async fn frames_are_written_length_first_and_read_back_whole() {
        let (client, server) = tokio::io::duplex(64);
        let (outbox, queue) = Outbox::new(1, 8);
        let done = outbox.token();
        let writer = tokio::spawn(write_loop(server, queue, done, Duration::from_secs(5)));
        let sizes = [0_usize, 1, 300, 5000];
        for size in sizes {
            assert!(outbox.send_frame(Bytes::from(vec![u8::try_from(size % 251).unwrap_or(0); size])));
        }
        outbox.close();
        let frames: Vec<_> = FramedRead::new(client, codec::framing()).collect().await;
        writer.await.expect("the writer ends");
        let lengths: Vec<usize> = frames.iter().map(|f| f.as_ref().expect("a frame").len()).collect();
        assert_eq!(lengths, sizes);
        assert!(frames[3].as_ref().is_ok_and(|f| f.iter().all(|b| usize::from(*b) == 5000 % 251)));
    }

    #[test]
    fn the_last_view_is_remembered_per_connection() {
        let (outbox, _queue) = Outbox::new(1, 8);
        assert_eq!(outbox.last_view(), None);
        outbox.clone().set_last_view(42);
        assert_eq!(outbox.last_view(), Some(42), "clones share it");
        outbox.set_last_view(0);
        assert_eq!(outbox.last_view(), Some(1), "0 means none, so it is kept as 1");
        let (other, _queue) = Outbox::new(2, 8);
        assert_eq!(other.last_view(), None, "a new connection starts with nothing");
    }
}
