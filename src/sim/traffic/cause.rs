//! How long a failed request takes, by why it failed: a refused connection fails at once, a
//! dropped packet waits out the caller's connect timeout, a DNS server that does not answer costs
//! the resolver's timeout for every attempt, and NXDOMAIN comes back fast. The figures are the
//! defaults of the real components (ingress-nginx, glibc/Go resolv.conf handling, Go clients).

/// Round trip of a `connect: connection refused` (a RST from the node or pod).
pub const REFUSED_MS: f64 = 1.0;
/// ingress-nginx `proxy-connect-timeout` (5 s): how long it waits on an upstream that drops SYNs.
pub const INGRESS_CONNECT_TIMEOUT_MS: f64 = 5_000.0;
/// ingress-nginx `proxy-next-upstream-tries` (3): endpoints it tries on a connect error/timeout.
pub const INGRESS_TRIES: usize = 3;
/// ingress-nginx `proxy-read-timeout` (60 s): an upstream slower than this gets the user a 504.
pub const INGRESS_READ_TIMEOUT_MS: f64 = 60_000.0;
/// resolv.conf `options timeout:5 attempts:2` (the defaults a pod's resolv.conf leaves as is).
pub const RESOLVER_TIMEOUT_MS: f64 = 5_000.0;
pub const RESOLVER_ATTEMPTS: f64 = 2.0;
/// An NXDOMAIN answer through the search path: a few quick round trips to `CoreDNS`.
pub const NXDOMAIN_MS: f64 = 4.0;

/// What one failed call to a dependency costs the caller, from the error the caller logs
/// (`network::dependency_error`'s wording) and the caller's own timeout.
pub fn dependency_failure_ms(error: &str, caller_timeout_ms: f64) -> f64 {
    let cost = if error.contains("lookup ") && error.contains("i/o timeout") {
        RESOLVER_TIMEOUT_MS * RESOLVER_ATTEMPTS
    } else if error.contains("no such host") {
        NXDOMAIN_MS
    } else if error.contains("connection refused") {
        REFUSED_MS
    } else {
        // A dropped SYN: the dial waits until the caller gives up.
        caller_timeout_ms
    };
    cost.min(caller_timeout_ms)
}

/// How long the ingress controller takes to give up on upstreams that drop its connections: its
/// connect timeout on each endpoint it tries.
pub fn ingress_connect_timeouts_ms(ready_endpoints: usize) -> f64 {
    INGRESS_CONNECT_TIMEOUT_MS * ready_endpoints.clamp(1, INGRESS_TRIES) as f64
}

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "the figures compared are computed exactly (copies, or short sums of the inputs)")]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_fast_drops_wait_for_the_timeout_and_dns_timeouts_cost_every_attempt() {
        let refused = "dial tcp 10.96.0.12:5432: connect: connection refused";
        let dropped = "dial tcp 10.96.0.12:5432: i/o timeout";
        let dns_down = "dial tcp: lookup db on 10.96.0.10:53: read udp: i/o timeout";
        let nxdomain = "dial tcp: lookup db on 10.96.0.10:53: no such host";
        let costs = [refused, dropped, dns_down, nxdomain].map(|e| dependency_failure_ms(e, 30_000.0));
        assert_eq!(costs, [1.0, 30_000.0, 10_000.0, 4.0]);
        // The caller gives up before the resolver does.
        assert_eq!([dependency_failure_ms(dns_down, 3_000.0)], [3_000.0]);
        assert_eq!((ingress_connect_timeouts_ms(1), ingress_connect_timeouts_ms(8)), (5_000.0, 15_000.0));
    }
}
