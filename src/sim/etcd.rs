//! etcd as the API server's store: the size of its database file against its quota, the
//! revision history that compaction frees inside the file and defragmentation gives back to the
//! disk, and the NOSPACE alarm etcd raises when a write would pass the quota, after which it
//! accepts reads and nothing else until the alarm is disarmed.
//!
//! The size etcd checks against the quota is the file's, not what is in use: compaction alone
//! does not help, the file has to be defragmented too. The quota is etcd's
//! `--quota-backend-bytes` flag in its static pod manifest (2 GiB unless set).

use serde::{Deserialize, Serialize};

use crate::sim::control_plane::{self, Component};

/// etcd's default backend quota, 2 GiB.
pub const DEFAULT_QUOTA: u64 = 2 * 1024 * 1024 * 1024;
/// The member ID of a single-member cluster kubeadm creates (`8e9e05c52164694d`).
pub const MEMBER_ID: u64 = 10_276_657_743_932_975_437;
/// The client URL etcdctl talks to on the control-plane node.
pub const ENDPOINT: &str = "https://127.0.0.1:2379";
/// kube-apiserver's `--etcd-compaction-interval`: it compacts the history this often.
const API_SERVER_COMPACTION_SECONDS: i64 = 300;
const MIB: u64 = 1024 * 1024;

/// What etcd holds, as `etcdctl endpoint status` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Etcd {
    /// Bytes of the database file (what the quota is checked against).
    pub db_size: u64,
    /// Bytes of the file that hold keys and history not yet compacted.
    pub in_use: u64,
    /// Bytes of `in_use` that are old revisions, freed by compaction.
    pub history: u64,
    pub revision: u64,
    /// The revision history is compacted up to.
    pub compacted: u64,
    pub raft_index: u64,
    /// The NOSPACE alarm is raised: etcd refuses every write.
    pub alarm: bool,
}

impl Default for Etcd {
    /// A small cluster's store a couple of days after `kubeadm init`.
    fn default() -> Self {
        Etcd {
            db_size: 18 * MIB,
            in_use: 11 * MIB,
            history: MIB,
            revision: 48_211,
            compacted: 47_902,
            raft_index: 52_377,
            alarm: false,
        }
    }
}

/// Maintenance asked of etcd (`etcdctl` on the control-plane node), or a fault's writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EtcdOp {
    /// A client rewrote objects over and over (a runaway controller): the history, and the file
    /// with it, grew by this many MiB.
    Write(u64),
    /// `etcdctl compact REV`: frees the history before the revision.
    Compact(u64),
    /// `etcdctl defrag`: gives the file's free pages back to the disk.
    Defrag,
    /// `etcdctl alarm disarm`.
    Disarm,
}

/// Why etcd refused maintenance, as etcdctl prints it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EtcdError {
    #[error("etcdserver: mvcc: required revision has been compacted")]
    Compacted,
    #[error("etcdserver: mvcc: required revision is a future revision")]
    Future,
}

impl Etcd {
    /// Applies maintenance or a fault's writes.
    pub fn apply(&mut self, op: &EtcdOp) -> Result<(), EtcdError> {
        match *op {
            EtcdOp::Write(mib) => {
                let bytes = mib.saturating_mul(MIB);
                self.history = self.history.saturating_add(bytes);
                self.in_use = self.in_use.saturating_add(bytes);
                self.db_size = self.db_size.max(self.in_use);
                // A rewrite of a 1 MiB object is one revision and one raft entry.
                self.revision = self.revision.saturating_add(mib);
                self.raft_index = self.raft_index.saturating_add(mib);
            }
            EtcdOp::Compact(revision) => {
                if revision <= self.compacted {
                    return Err(EtcdError::Compacted);
                }
                if revision > self.revision {
                    return Err(EtcdError::Future);
                }
                self.compact_to(revision);
                self.raft_index += 1;
            }
            EtcdOp::Defrag => self.db_size = self.in_use,
            EtcdOp::Disarm => {
                self.alarm = false;
                self.raft_index += 1;
            }
        }
        Ok(())
    }

    /// Frees the share of the history older than `revision`.
    fn compact_to(&mut self, revision: u64) {
        let span = self.revision.saturating_sub(self.compacted).max(1);
        let freed = u128::from(self.history) * u128::from(revision - self.compacted) / u128::from(span);
        let freed = u64::try_from(freed).unwrap_or(self.history).min(self.history);
        self.history -= freed;
        self.in_use -= freed.min(self.in_use);
        self.compacted = revision;
    }

    /// Whether etcd refuses writes: its NOSPACE alarm is raised.
    pub fn refuses_writes(&self) -> bool {
        self.alarm
    }

    /// The API server's periodic work on etcd, one step of it: every five minutes it compacts
    /// the history, and its own writes (leases, events) raise the alarm once the file is past
    /// the quota.
    pub fn step(&mut self, now: i64, quota: u64, step_seconds: i64) {
        if now.rem_euclid(API_SERVER_COMPACTION_SECONDS) < step_seconds && self.revision > self.compacted {
            self.compact_to(self.revision);
        }
        if self.db_size >= quota {
            self.alarm = true;
        }
    }
}

/// etcd's backend quota on this cluster: its manifest's `--quota-backend-bytes`, else 2 GiB.
pub fn quota(cluster: &crate::sim::cluster::Cluster) -> u64 {
    control_plane::node(cluster)
        .and_then(|node| {
            control_plane::static_pods_of(cluster, node)
                .into_iter()
                .find(|(_, p)| p.name == Component::Etcd.name())
                .and_then(|(_, p)| p.flag("quota-backend-bytes").and_then(|q| q.parse().ok()))
        })
        .filter(|q: &u64| *q > 0)
        .unwrap_or(DEFAULT_QUOTA)
}

/// go-humanize's `Bytes`, as etcdctl prints sizes: SI units, one decimal under ten.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    if bytes < 10 {
        return format!("{bytes} B");
    }
    #[allow(clippy::cast_precision_loss)]
    let size = bytes as f64;
    let exponent = size.log(1000.0).floor();
    let value = (size / 1000f64.powf(exponent) * 10.0 + 0.5).floor() / 10.0;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let unit = UNITS[(exponent as usize).min(UNITS.len() - 1)];
    if value < 10.0 { format!("{value:.1} {unit}") } else { format!("{value:.0} {unit}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_etcdctl_prints_them() {
        assert_eq!(human_bytes(2_147_483_648), "2.1 GB");
        assert_eq!(human_bytes(18 * MIB), "19 MB");
        assert_eq!(human_bytes(11 * MIB), "12 MB");
        assert_eq!(human_bytes(5), "5 B");
        assert_eq!(human_bytes(1500), "1.5 kB");
    }

    /// Compaction frees pages inside the file; only defragmentation shrinks it below the quota,
    /// and the alarm stays until it is disarmed.
    #[test]
    fn only_compaction_defrag_and_disarm_together_clear_the_alarm() {
        let mut etcd = Etcd::default();
        etcd.apply(&EtcdOp::Write(2100)).expect("writes apply");
        etcd.step(10, DEFAULT_QUOTA, 10);
        assert!(etcd.refuses_writes());
        let revision = etcd.revision;
        etcd.apply(&EtcdOp::Compact(revision)).expect("compacts");
        assert!(etcd.db_size >= DEFAULT_QUOTA, "compaction does not shrink the file");
        assert_eq!(etcd.apply(&EtcdOp::Compact(revision)), Err(EtcdError::Compacted));
        assert_eq!(etcd.apply(&EtcdOp::Compact(revision + 1)), Err(EtcdError::Future));
        etcd.apply(&EtcdOp::Defrag).expect("defrags");
        assert!(etcd.db_size < DEFAULT_QUOTA);
        etcd.step(20, DEFAULT_QUOTA, 10);
        assert!(etcd.refuses_writes(), "the alarm stays raised until disarmed");
        etcd.apply(&EtcdOp::Disarm).expect("disarms");
        etcd.step(30, DEFAULT_QUOTA, 10);
        assert!(!etcd.refuses_writes());
    }

    #[test]
    fn disarming_a_full_store_raises_the_alarm_again() {
        let mut etcd = Etcd::default();
        etcd.apply(&EtcdOp::Write(2100)).expect("writes apply");
        etcd.apply(&EtcdOp::Disarm).expect("disarms");
        etcd.step(10, DEFAULT_QUOTA, 10);
        assert!(etcd.refuses_writes());
    }
}
