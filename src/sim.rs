//! The simulated cluster: pure and deterministic. No I/O, no clock, no threads; time moves only
//! through [`Cluster::advance`], and all randomness comes from the seeded RNGs in [`Cluster`].

pub mod api_server;
pub mod apply;
pub mod apps;
pub mod change;
pub(crate) mod changes;
pub mod cloud;
pub mod cluster;
pub mod cni;
pub mod control_plane;
pub mod controllers;
pub mod corefile;
pub mod cron;
pub mod debug_container;
pub mod drain;
pub mod endpoint_slice;
pub mod etcd;
pub mod ingress_class;
pub mod kind;
pub mod kubectl;
pub mod kubelet_config;
pub mod manifest;
pub mod metrics;
pub mod network;
pub mod node_debug_pod;
pub mod objects;
pub mod predicate;
pub mod priority;
pub mod quantity;
pub mod rbac;
pub mod traffic;

pub use change::{ApiError, Change, Object};
pub use cluster::Cluster;
pub use kind::Kind;
