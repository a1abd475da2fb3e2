//! The traffic model: user requests enter through the ingress controller, follow ingress rules to
//! a service, its ready endpoints and their pods, and on to each app's dependencies. Each step
//! yields, per user-facing entrypoint, a success rate and a latency, which burn the error budget
//! and are what the customer sees.

use serde::{Deserialize, Serialize};

/// A user-facing endpoint of the customer's product.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entrypoint {
    /// What the customer calls it ("Checkout").
    pub name: String,
    /// `https://shop.example.com/checkout`.
    pub url: String,
    pub rps: f64,
    /// Load multiplier over the incident, as (from minute, factor); the last one reached applies.
    #[serde(default)]
    pub load: Vec<(u32, f64)>,
}

/// The figures the last step produced and the running error budget.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrafficState {
    pub results: Vec<EntrypointResult>,
    /// Failed requests the SLO allows over its window.
    pub budget_total: f64,
    /// Failed requests so far.
    pub budget_burned: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntrypointResult {
    pub name: String,
    pub rps: f64,
    pub success: f64,
    pub latency_ms: u32,
    /// What a user sees when it fails: `502 Bad Gateway`, `503 Service Unavailable`, a timeout.
    pub failure: Option<String>,
}

impl TrafficState {
    pub fn budget_remaining(&self) -> f64 {
        if self.budget_total <= 0.0 {
            return 1.0;
        }
        (1.0 - self.budget_burned / self.budget_total).max(0.0)
    }
}
