//! Applying a [`Change`] the way the API server would: validation, admission (webhooks, quota),
//! then the write, with the rollout bookkeeping a real Deployment does.

use super::change::{ApiError, Change};
use super::cluster::Cluster;

impl Cluster {
    /// Applies one change on behalf of `actor` (`kubectl`, `customer`, …).
    pub fn apply(&mut self, change: Change, actor: &str) -> Result<(), ApiError> {
        let _ = (change, actor);
        Err(ApiError::BadRequest("not implemented".to_owned()))
    }
}
