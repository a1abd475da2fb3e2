//! Multiplayer over TCP: a server that hosts many rooms behind join codes, and a client that
//! plays one seat. The wire is length-delimited frames of at most 64 KiB carrying postcard-encoded
//! [`protocol`] messages, opened by a `Hello { protocol_version }` handshake. The server never
//! trusts a client: every frame is bounded, decoded defensively, rate limited and checked by the
//! game's rules, and each client receives only its own seat's view.

pub mod client;
pub mod codec;
pub mod hosting;
pub mod lan;
pub mod loadtest;
pub mod protocol;
pub mod seat;
pub mod server;
pub mod stdin;
