//! The fuzzing setup that stays in the repository: property-based fuzz targets (stable Rust, no
//! nightly, no cargo-fuzz) for the four parsers that read untrusted bytes: the frame decoder (a
//! byte stream cut into frames, then postcard), the kubectl line parser, the RON scenario loader
//! and the journal parser. Each target feeds random bytes and structure-aware mutations of valid
//! inputs (a shipped scenario with bytes flipped and ranges cut or repeated, a real journal with
//! lines mutated, swapped and dropped, valid frames with header and payload bytes changed) and
//! asserts no panic and a clean error.
//!
//! `PROPTEST_CASES` sets the number of cases per target (default 64, so CI stays fast); long
//! runs are described in `docs/fuzzing.md`. Payload-only frame fuzzing lives in
//! `tests/protocol_bytes.rs`, console lines against a live game in `tests/console_fuzz.rs`.

use bytes::BytesMut;
use kombat::game::journal::{self, Entry, Header, Journal, SeatName};
use kombat::game::{Action, Seat};
use kombat::net::codec::{self, FrameError};
use kombat::net::protocol::{ClientMsg, MAX_FRAME, ServerMsg};
use kombat::scenario;
use kombat::sim::kubectl;
use proptest::prelude::*;
use tokio_util::codec::Decoder;

/// The cases per target: `PROPTEST_CASES`, else a short run.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// An edit to a valid input: a byte changed, a range cut, a range repeated, a byte inserted.
#[derive(Clone, Debug)]
enum Edit {
    Set(prop::sample::Index, u8),
    Cut(prop::sample::Index, usize),
    Repeat(prop::sample::Index, usize),
    Insert(prop::sample::Index, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<prop::sample::Index>(), 1..64usize).prop_map(|(i, n)| Edit::Cut(i, n)),
        (any::<prop::sample::Index>(), 1..64usize).prop_map(|(i, n)| Edit::Repeat(i, n)),
        // Bytes a parser treats specially: quotes, brackets, escapes, line breaks, high bits.
        (any::<prop::sample::Index>(), prop::sample::select(b"\"'()[]{}:,\\\n\r\x00\x1b\xff\xc3u#/*".to_vec()))
            .prop_map(|(i, b)| Edit::Insert(i, b)),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        if bytes.is_empty() {
            bytes.push(0);
        }
        match e {
            Edit::Set(at, b) => {
                let i = at.index(bytes.len());
                bytes[i] = *b;
            }
            Edit::Cut(at, n) => {
                let i = at.index(bytes.len());
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
            Edit::Repeat(at, n) => {
                let i = at.index(bytes.len());
                let end = (i + n).min(bytes.len());
                let copy = bytes[i..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Edit::Insert(at, b) => {
                let i = at.index(bytes.len() + 1);
                bytes.insert(i, *b);
            }
        }
    }
    bytes
}

// ---- the frame decoder ----

/// Valid frames on the wire: length header and postcard payload.
fn frames() -> Vec<Vec<u8>> {
    let mut payloads: Vec<Vec<u8>> = vec![
        codec::encode(&ClientMsg::Hello { protocol_version: 4 }).expect("encodes").to_vec(),
        codec::encode(&ClientMsg::LobbyChat("hello there".into())).expect("encodes").to_vec(),
        codec::encode(&ClientMsg::Act { id: 7, action: Action::Command("kubectl get pods -A".into()) })
            .expect("encodes")
            .to_vec(),
        codec::encode(&ClientMsg::Ping { nonce: 42 }).expect("encodes").to_vec(),
    ];
    payloads.push(codec::encode(&ServerMsg::Notice { text: "the server restarts".into() }).expect("encodes").to_vec());
    payloads
        .into_iter()
        .map(|p| {
            let mut frame = u32::try_from(p.len()).expect("small").to_be_bytes().to_vec();
            frame.extend(p);
            frame
        })
        .collect()
}

/// Reads a byte stream the way a connection does, in chunks of `chunk` bytes: every frame either
/// decodes or is malformed; a header over the limit is refused; nothing panics.
fn read_stream(stream: &[u8], chunk: usize) {
    let mut framing = codec::framing();
    let mut buffer = BytesMut::new();
    for piece in stream.chunks(chunk.max(1)) {
        buffer.extend_from_slice(piece);
        loop {
            match framing.decode(&mut buffer) {
                Ok(Some(frame)) => {
                    assert!(frame.len() <= MAX_FRAME);
                    let errors = [codec::decode::<ClientMsg>(&frame).err(), codec::decode::<ServerMsg>(&frame).err()];
                    for e in errors.into_iter().flatten() {
                        assert!(matches!(e, FrameError::Malformed(_)), "{e}");
                        assert!(!e.to_string().is_empty());
                    }
                }
                Ok(None) => break,
                // A header over the limit: the connection is dropped, as the server does.
                Err(_) => return,
            }
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn frame_streams_of_random_bytes_never_panic(
        stream in prop::collection::vec(any::<u8>(), 0..2048),
        chunk in 1..64usize,
    ) {
        read_stream(&stream, chunk);
    }

    #[test]
    fn mutated_frame_streams_never_panic(
        picks in prop::collection::vec(prop::sample::select(frames()), 1..6),
        edits in prop::collection::vec(edit(), 0..8),
        chunk in 1..64usize,
    ) {
        let stream = apply(picks.concat(), &edits);
        read_stream(&stream, chunk);
    }
}

#[test]
fn valid_frames_decode_and_an_oversized_header_is_refused() {
    let stream = frames().concat();
    let mut framing = codec::framing();
    let mut buffer = BytesMut::from(&stream[..]);
    let mut decoded = 0;
    while let Some(frame) = framing.decode(&mut buffer).expect("valid") {
        assert!(codec::decode::<ClientMsg>(&frame).is_ok() || codec::decode::<ServerMsg>(&frame).is_ok());
        decoded += 1;
    }
    assert_eq!(decoded, frames().len());
    let mut huge = BytesMut::from(&u32::MAX.to_be_bytes()[..]);
    assert!(framing.decode(&mut huge).is_err(), "a 4 GiB header is refused before anything is read");
}

// ---- the kubectl line parser ----

fn cluster() -> kombat::sim::cluster::Cluster {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    scenario::build_cluster(&s, 1).expect("builds")
}

/// Every shipped scenario's solution and wrong fixes: valid kubectl lines to mutate.
fn kubectl_lines() -> Vec<String> {
    let mut lines = Vec::new();
    for (id, _) in scenario::builtin_sources() {
        let s = scenario::builtin(id).expect("exists").expect("parses");
        lines.extend(s.solution.iter().cloned());
        lines.extend(s.wrong_fixes.iter().flat_map(|w| w.commands.iter().cloned()));
    }
    lines.retain(|l| l.starts_with("kubectl "));
    lines
}

/// Runs a line: a read answers the same on a shared cluster as on its own copy; nothing panics.
fn run_line(cluster: &kombat::sim::cluster::Cluster, line: &str) {
    let read = kubectl::run_read(cluster, line);
    let mut own = cluster.clone();
    let ran = kubectl::run(&mut own, line);
    if let Some(read) = read {
        assert_eq!(read, ran, "{line:?}");
    }
    if !ran.ok {
        assert!(!ran.output.is_empty(), "a failure says why: {line:?}");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn kubectl_lines_of_random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..160)) {
        let line = String::from_utf8_lossy(&bytes);
        run_line(&cluster(), &line);
        run_line(&cluster(), &format!("kubectl {line}"));
    }

    #[test]
    fn mutated_kubectl_lines_never_panic(
        line in prop::sample::select(kubectl_lines()),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let mutated = apply(line.into_bytes(), &edits);
        run_line(&cluster(), &String::from_utf8_lossy(&mutated));
    }
}

// ---- the RON scenario loader ----

/// Parses, and when that succeeds validates and builds: each step fails cleanly or succeeds.
fn load_scenario(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        // The shell refuses what is not UTF-8 before parsing (room::files).
        return;
    };
    match scenario::parse("fuzz.ron", text) {
        Err(e) => assert!(e.to_string().starts_with("fuzz.ron:"), "{e}"),
        Ok(s) => {
            let _ = scenario::validate(&s);
            let _ = scenario::build_cluster(&s, 1);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn scenarios_of_random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        load_scenario(&bytes);
        load_scenario(String::from_utf8_lossy(&bytes).as_bytes());
    }

    #[test]
    fn mutated_scenarios_never_panic(
        source in prop::sample::select(scenario::builtin_sources().map(|(_, t)| t).collect::<Vec<_>>()),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        load_scenario(&apply(source.as_bytes().to_vec(), &edits));
    }
}

// ---- the journal parser ----

fn default_source() -> &'static str {
    scenario::builtin_sources().find(|(id, _)| *id == scenario::DEFAULT_ID).map(|(_, t)| t).expect("default")
}

/// A real journal of the default scenario: chats, commands, the fix and turns ending.
fn valid_journal() -> String {
    let seats = vec![
        SeatName { seat: Seat::Liaison, name: "Lee".into() },
        SeatName { seat: Seat::Troubleshooter(0), name: "Tam".into() },
    ];
    let mut j = Journal::new(Header::new(5, scenario::DEFAULT_ID, default_source(), seats));
    let act = |seat, action| Entry::Act { turn: 0, seat, action, id: None };
    j.entries.push(act(Seat::Liaison, Action::CustomerChat("what changed?".into())));
    j.entries.push(act(Seat::Troubleshooter(0), Action::Command("kubectl get pods -n shop".into())));
    j.entries.push(act(Seat::Troubleshooter(0), Action::Command("kubectl describe pod -n shop -l app=web".into())));
    j.entries.push(act(Seat::Liaison, Action::TeamChat("on it".into())));
    j.entries.push(Entry::ForcedTurnEnd { turn: 0 });
    j.entries.push(Entry::Act {
        turn: 1,
        seat: Seat::Troubleshooter(0),
        action: Action::Command(
            "kubectl set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop".into(),
        ),
        id: Some(3),
    });
    j.entries.push(Entry::ForcedTurnEnd { turn: 1 });
    j.to_text()
}

/// Parses, and when that succeeds replays: each step fails cleanly, with a message, or succeeds.
fn read_journal(text: &str) {
    match Journal::parse(text) {
        Err(e) => assert!(!e.to_string().is_empty()),
        Ok(j) => {
            if let Err(e) = journal::replay(&j, default_source()) {
                assert!(!e.to_string().is_empty());
            }
        }
    }
}

/// A line-level change to a journal.
#[derive(Clone, Debug)]
enum LineEdit {
    Drop(prop::sample::Index),
    Swap(prop::sample::Index, prop::sample::Index),
    Repeat(prop::sample::Index),
    Bytes(prop::sample::Index, Vec<Edit>),
}

fn line_edit() -> impl Strategy<Value = LineEdit> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(LineEdit::Drop),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(a, b)| LineEdit::Swap(a, b)),
        any::<prop::sample::Index>().prop_map(LineEdit::Repeat),
        (any::<prop::sample::Index>(), prop::collection::vec(edit(), 1..4)).prop_map(|(i, e)| LineEdit::Bytes(i, e)),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn journals_of_random_text_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        read_journal(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_journals_never_panic(edits in prop::collection::vec(line_edit(), 1..5), cut in any::<bool>()) {
        let text = valid_journal();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        for e in edits {
            if lines.is_empty() {
                break;
            }
            let n = lines.len();
            match e {
                LineEdit::Drop(i) => {
                    lines.remove(i.index(n));
                }
                LineEdit::Swap(a, b) => lines.swap(a.index(n), b.index(n)),
                LineEdit::Repeat(i) => {
                    let line = lines[i.index(n)].clone();
                    lines.insert(i.index(n), line);
                }
                LineEdit::Bytes(i, edits) => {
                    let i = i.index(n);
                    let mutated = apply(std::mem::take(&mut lines[i]).into_bytes(), &edits);
                    lines[i] = String::from_utf8_lossy(&mutated).into_owned();
                }
            }
        }
        let mut text = lines.join("\n");
        if !cut {
            text.push('\n');
        }
        read_journal(&text);
    }
}

#[test]
fn the_valid_journal_replays() {
    let j = Journal::parse(&valid_journal()).expect("parses");
    journal::replay(&j, default_source()).expect("replays");
}
