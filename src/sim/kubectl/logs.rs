//! TODO(skeleton): `logs` commands.

use super::{Done, KubectlError};
use crate::sim::cluster::Cluster;

pub fn run(_cluster: &mut Cluster, _args: &[String]) -> Result<Done, KubectlError> {
    Err(KubectlError::msg("error: not implemented yet"))
}

pub fn top(_cluster: &mut Cluster, _args: &[String]) -> Result<Done, KubectlError> {
    Err(KubectlError::msg("error: not implemented yet"))
}
