//! Frames on a byte stream: a 4-byte big-endian length, then that many bytes of postcard, at
//! most [`MAX_FRAME`]. tokio-util's `LengthDelimitedCodec` reads the header and refuses a longer
//! frame before reserving any memory for it; decoding is postcard's, which fails cleanly on
//! malformed bytes.

use bytes::{Bytes, BytesMut};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::codec::LengthDelimitedCodec;

use super::protocol::MAX_FRAME;

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("the frame is not a message of this protocol: {0}")]
    Malformed(postcard::Error),
    #[error("the message would take {0} bytes, more than the {MAX_FRAME} a frame may hold")]
    TooLarge(usize),
}

/// The framing both sides use.
pub fn framing() -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder().length_field_length(4).big_endian().max_frame_length(MAX_FRAME).new_codec()
}

/// A message as a frame's payload.
pub fn encode<T: Serialize>(message: &T) -> Result<Bytes, FrameError> {
    let bytes = postcard::to_stdvec(message).map_err(FrameError::Malformed)?;
    if bytes.len() > MAX_FRAME {
        return Err(FrameError::TooLarge(bytes.len()));
    }
    Ok(Bytes::from(bytes))
}

/// A frame's payload as a message; trailing bytes make it malformed.
pub fn decode<T: DeserializeOwned>(frame: &BytesMut) -> Result<T, FrameError> {
    let (message, rest) = postcard::take_from_bytes(frame).map_err(FrameError::Malformed)?;
    if !rest.is_empty() {
        return Err(FrameError::Malformed(postcard::Error::DeserializeBadEncoding));
    }
    Ok(message)
}
