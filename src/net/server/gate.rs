//! The accept loop's door: how many connections each address has open, and how fast it opens new
//! ones. One address may hold at most `Limits::per_address` connections and open them no faster
//! than `Limits::connects`; past either, the connection is turned away with a reason, so one
//! machine cannot fill the server's connection cap and turn everyone else away. Owned by the
//! accept loop alone; handlers report their end through a channel, so there is no lock.

use std::collections::HashMap;
use std::net::IpAddr;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::Limits;
use super::bucket::Bucket;

/// Addresses remembered before the idle ones are forgotten.
const FORGET_AFTER: usize = 4096;

pub struct Gate {
    limits: Limits,
    peers: HashMap<IpAddr, Peer>,
    closed_tx: mpsc::UnboundedSender<IpAddr>,
    closed: mpsc::UnboundedReceiver<IpAddr>,
}

struct Peer {
    open: usize,
    connects: Bucket,
    last: Instant,
}

/// Why a connection is turned away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    TooMany,
    TooFast,
}

impl Refusal {
    pub fn reason(self, limits: &Limits) -> String {
        match self {
            Refusal::TooMany => format!(
                "your address already has {} connections open to this server; close one and try again",
                limits.per_address
            ),
            Refusal::TooFast => format!(
                "your address is opening connections too fast (at most {} every {} s); try again in a few seconds",
                limits.connects.burst,
                limits.connects.per.as_secs()
            ),
        }
    }
}

/// Reports, when dropped, that a connection from `ip` closed.
pub struct Pass {
    ip: IpAddr,
    closed: mpsc::UnboundedSender<IpAddr>,
}

impl Drop for Pass {
    fn drop(&mut self) {
        let _ = self.closed.send(self.ip);
    }
}

impl Gate {
    pub fn new(limits: &Limits) -> Gate {
        let (closed_tx, closed) = mpsc::unbounded_channel();
        Gate { limits: *limits, peers: HashMap::new(), closed_tx, closed }
    }

    /// Lets a connection from `ip` in, or says why not.
    pub fn admit(&mut self, ip: IpAddr, now: Instant) -> Result<Pass, Refusal> {
        while let Ok(gone) = self.closed.try_recv() {
            if let Some(peer) = self.peers.get_mut(&gone) {
                peer.open = peer.open.saturating_sub(1);
            }
        }
        if self.peers.len() >= FORGET_AFTER {
            let per = self.limits.connects.per;
            self.peers.retain(|_, p| p.open > 0 || now.saturating_duration_since(p.last) < per);
        }
        let rate = self.limits.connects;
        let peer =
            self.peers.entry(ip).or_insert_with(|| Peer { open: 0, connects: Bucket::new(rate, now), last: now });
        peer.last = now;
        if peer.open >= self.limits.per_address {
            return Err(Refusal::TooMany);
        }
        if !peer.connects.take(now) {
            return Err(Refusal::TooFast);
        }
        peer.open += 1;
        Ok(Pass { ip, closed: self.closed_tx.clone() })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::net::server::Rate;

    #[test]
    fn one_address_is_held_to_its_share_and_others_still_get_in() {
        let limits =
            Limits { per_address: 2, connects: Rate { burst: 3, per: Duration::from_secs(3) }, ..Limits::default() };
        let mut gate = Gate::new(&limits);
        let t0 = Instant::now();
        let a: IpAddr = "10.0.0.1".parse().expect("an address");
        let b: IpAddr = "10.0.0.2".parse().expect("an address");
        let first = gate.admit(a, t0).expect("in");
        let _second = gate.admit(a, t0).expect("in");
        assert_eq!(gate.admit(a, t0).err(), Some(Refusal::TooMany));
        assert!(gate.admit(b, t0).is_ok(), "another address is not held back");
        drop(first);
        let third = gate.admit(a, t0).expect("a closed connection frees its place");
        drop(third);
        assert_eq!(gate.admit(a, t0).err(), Some(Refusal::TooFast), "three connects in no time is the burst");
        assert!(gate.admit(a, t0 + Duration::from_secs(1)).is_ok(), "one more a second");
    }
}
