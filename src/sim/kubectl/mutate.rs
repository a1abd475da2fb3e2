//! TODO(skeleton): `mutate` commands.

use super::{Done, KubectlError};
use crate::sim::cluster::Cluster;

pub fn run(_cluster: &mut Cluster, _verb: &str, _args: &[String]) -> Result<Done, KubectlError> {
    Err(KubectlError::msg("error: not implemented yet"))
}
