//! Which address to tell players. A server bound to `0.0.0.0` (or `::`) listens on every
//! interface, but nobody can connect to "0.0.0.0": players need this machine's address on the
//! network, and this process, to talk to its own server, needs loopback.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

/// The address this machine would use to reach the outside (no packet is sent: connecting a UDP
/// socket only picks a route), when it has one.
pub fn this_machine(v6: bool) -> Option<IpAddr> {
    let (any, probe): (SocketAddr, SocketAddr) = if v6 {
        ((Ipv6Addr::UNSPECIFIED, 0).into(), "[2001:db8::1]:9".parse().ok()?)
    } else {
        ((Ipv4Addr::UNSPECIFIED, 0).into(), "192.0.2.1:9".parse().ok()?)
    };
    let socket = UdpSocket::bind(any).ok()?;
    socket.connect(probe).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

/// The address to print for players: the bound one, or this machine's when bound to every
/// interface (`HOST` when it cannot tell, so the line still reads as an instruction).
pub fn shareable(bound: SocketAddr) -> String {
    if !bound.ip().is_unspecified() {
        return bound.to_string();
    }
    match this_machine(bound.is_ipv6()) {
        Some(ip) => SocketAddr::new(ip, bound.port()).to_string(),
        None => format!("THIS-MACHINE:{}", bound.port()),
    }
}

/// The address a client on this machine connects to.
pub fn local(bound: SocketAddr) -> SocketAddr {
    match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(Ipv4Addr::LOCALHOST.into(), bound.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(Ipv6Addr::LOCALHOST.into(), bound.port()),
        _ => bound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_specific_address_is_shared_as_bound() {
        let bound: SocketAddr = "127.0.0.1:7878".parse().expect("addr");
        assert_eq!(shareable(bound), "127.0.0.1:7878");
        assert_eq!(local(bound), bound);
    }

    #[test]
    fn every_interface_is_never_shared_literally() {
        let bound: SocketAddr = "0.0.0.0:7979".parse().expect("addr");
        let shared = shareable(bound);
        assert!(!shared.starts_with("0.0.0.0"), "{shared}");
        assert!(shared.ends_with(":7979"), "{shared}");
        assert_eq!(local(bound), "127.0.0.1:7979".parse::<SocketAddr>().expect("addr"));
        let v6: SocketAddr = "[::]:7979".parse().expect("addr");
        assert_eq!(local(v6), "[::1]:7979".parse::<SocketAddr>().expect("addr"));
    }
}
