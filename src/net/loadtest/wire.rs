//! Reading the server's frames cheaply. A load client must not spend more CPU than the server
//! it measures, so an `Update` is not decoded: its header (message, `seq`, kind) is read from
//! the first bytes, which postcard lays out as varints. Every other message is small and is
//! decoded in full.

use bytes::BytesMut;

use crate::net::codec::{self, FrameError};
use crate::net::protocol::{ServerMsg, Update};

/// `ServerMsg::Update`'s variant index on the wire (pinned by a test below).
const UPDATE: u64 = 3;

/// Which snapshot an `Update` carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Snapshot {
    Lobby,
    View,
    /// The events of a batch the seat may see.
    Events,
    /// The player was removed, with the server's reason.
    Removed(String),
    /// The time the turn timer leaves the current turn.
    TurnTimer,
}

/// A frame from the server, as far as a load client cares.
#[derive(Clone, Debug, PartialEq)]
pub enum Incoming {
    Update { seq: u64, snapshot: Snapshot },
    Other(ServerMsg),
}

/// Reads one postcard varint from the front of `bytes`.
fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// What the frame is; malformed frames are an error.
pub fn classify(frame: &BytesMut) -> Result<Incoming, FrameError> {
    let mut rest: &[u8] = frame;
    if varint(&mut rest) == Some(UPDATE) {
        let seq = varint(&mut rest);
        let kind = varint(&mut rest);
        match (seq, kind) {
            (Some(seq), Some(0)) => return Ok(Incoming::Update { seq, snapshot: Snapshot::Lobby }),
            (Some(seq), Some(1)) => return Ok(Incoming::Update { seq, snapshot: Snapshot::View }),
            (Some(seq), Some(3)) => return Ok(Incoming::Update { seq, snapshot: Snapshot::Events }),
            _ => {}
        }
    }
    match codec::decode::<ServerMsg>(frame)? {
        ServerMsg::Update { seq, update: Update::Removed { reason } } => {
            Ok(Incoming::Update { seq, snapshot: Snapshot::Removed(reason) })
        }
        ServerMsg::Update { seq, update: Update::Lobby(_) } => Ok(Incoming::Update { seq, snapshot: Snapshot::Lobby }),
        ServerMsg::Update { seq, update: Update::View(_) } => Ok(Incoming::Update { seq, snapshot: Snapshot::View }),
        ServerMsg::Update { seq, update: Update::Events(_) } => {
            Ok(Incoming::Update { seq, snapshot: Snapshot::Events })
        }
        ServerMsg::Update { seq, update: Update::TurnTimer { .. } } => {
            Ok(Incoming::Update { seq, snapshot: Snapshot::TurnTimer })
        }
        other => Ok(Incoming::Other(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::Game;
    use crate::game::Seat;
    use crate::game::view;
    use crate::net::protocol::LobbyView;

    fn frame(message: &ServerMsg) -> BytesMut {
        BytesMut::from(&codec::encode(message).expect("encodes")[..])
    }

    fn lobby() -> LobbyView {
        LobbyView {
            code: "7K3QM-9XW2A".into(),
            title: "t".into(),
            summary: "s".into(),
            players: Vec::new(),
            limits: Vec::new(),
            chat: Vec::new(),
            npc_customer: true,
        }
    }

    #[test]
    fn updates_are_read_from_their_header() {
        let scenario = crate::scenario::builtin(crate::scenario::DEFAULT_ID).expect("built in").expect("valid");
        let game = Game::new(scenario, 1).expect("a game");
        let view = view::for_seat(&game, Seat::Liaison);
        for seq in [1, 127, 128, 300, u64::MAX] {
            let message = ServerMsg::Update { seq, update: Update::View(Box::new(view.clone())) };
            assert_eq!(classify(&frame(&message)).expect("reads"), Incoming::Update { seq, snapshot: Snapshot::View });
        }
        let message = ServerMsg::Update { seq: 2, update: Update::Lobby(lobby()) };
        assert_eq!(classify(&frame(&message)).expect("reads"), Incoming::Update { seq: 2, snapshot: Snapshot::Lobby });
        let message = ServerMsg::Update { seq: 9, update: Update::Removed { reason: "kicked".into() } };
        assert_eq!(
            classify(&frame(&message)).expect("reads"),
            Incoming::Update { seq: 9, snapshot: Snapshot::Removed("kicked".into()) }
        );
    }

    #[test]
    fn other_messages_are_decoded_in_full() {
        for message in [
            ServerMsg::Done { id: 7, result: Err("no".into()) },
            ServerMsg::Pong { nonce: 3 },
            ServerMsg::Welcome { protocol_version: 1 },
            ServerMsg::Refused { reason: "full".into() },
        ] {
            assert_eq!(classify(&frame(&message)).expect("reads"), Incoming::Other(message));
        }
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(classify(&BytesMut::from(&[0xff_u8, 0xff, 0xff][..])).is_err());
        assert!(classify(&BytesMut::from(&[3_u8, 0x80][..])).is_err(), "an update cut short");
        assert!(classify(&BytesMut::new()).is_err());
    }
}
