//! The fuzz harnesses, one function per target. Kept out of the fuzz_targets/ files so that
//! `tests/integration/regressions.rs` in the main crate can include this same file (`#[path]`) and replay
//! every saved crashing input through exactly the code the fuzzer ran — CI has no fuzzer.
//!
//! Every function must return normally for every input; a panic, an abort, an overflow (fuzz
//! builds keep overflow checks on) or a runaway allocation is a bug in sockeye.

// Each fuzz target and the replay test use a different subset of these functions.
#![allow(dead_code)]

use std::io::{self, Cursor};
use std::sync::atomic::AtomicBool;

use sockeye::dissect::Dissector;
use sockeye::frame::{Direction, Frame, LinkType, OwnedFrame};
use sockeye::headless::{self, OutputMode, Printer, ReadConfig, StatSpec, Stats};
use sockeye::source::{FileSource, MemorySource, PacketSource};

/// The link types sockeye decodes (and 802.11, which it lists as not decoded); the first
/// input byte picks one, modulo the length, so every byte value is a valid choice.
pub const LINKS: [u32; 8] = [0, 1, 101, 113, 228, 229, 276, 105];

/// Each printer: between them they walk every field accessor, formatter and summary path.
fn printers() -> [Printer; 3] {
    [OutputMode::Summary, OutputMode::Json, OutputMode::Tree].map(|mode| {
        Printer::new(ReadConfig {
            mode,
            ..ReadConfig::summary()
        })
    })
}

fn link_for(selector: u8) -> LinkType {
    LinkType(LINKS[usize::from(selector) % LINKS.len()])
}

/// Target (a): one frame of a chosen link type, decoded, every field emitted, printed as the
/// summary line, the JSON object and the `-V` tree.
pub fn decode_frame(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let frame = Frame {
        ts_ns: 0,
        data: bytes,
        // A snap-length cut (orig_len > captured) is a decoding path of its own; the second
        // byte decides, so both shapes are explored.
        orig_len: (bytes.len() as u32)
            .saturating_add(u32::from(bytes.first().is_some_and(|b| b & 1 == 1))),
        link: link_for(selector),
        interface: 0,
        direction: Direction::Unknown,
    };
    let mut out = Vec::new();
    for mut printer in printers() {
        let mut dissector = Dissector::new();
        let dissection = dissector.dissect(&frame);
        let _ = printer.print(&dissection, &mut out);
        out.clear();
    }
}

/// Target (b): arbitrary bytes as a capture file, read to the end (or the first error), every
/// frame dissected and printed as a summary line.
pub fn read_capture(data: &[u8]) {
    let Ok(mut source) = FileSource::from_reader(Box::new(Cursor::new(data.to_vec()))) else {
        return;
    };
    let mut printer = Printer::new(ReadConfig::summary());
    let stop = AtomicBool::new(false);
    let _ = headless::run(
        &mut source,
        &mut printer,
        None,
        None,
        None,
        &stop,
        &mut io::sink(),
    );
}

/// Splits target (c)'s input into frames: a link selector byte for the whole sequence, then
/// records of `[len: u16 BE][time step in µs: i16 BE, negative allowed][len bytes]`. A short
/// last record takes what is left. Public so the seed script's format has one definition.
pub fn split_frames(data: &[u8]) -> Vec<OwnedFrame> {
    let Some((&selector, mut rest)) = data.split_first() else {
        return Vec::new();
    };
    let link = link_for(selector);
    let mut frames = Vec::new();
    let mut ts_ns: i64 = 1_000_000_000;
    while rest.len() >= 4 {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        let step = i64::from(i16::from_be_bytes([rest[2], rest[3]]));
        ts_ns += step * 1_000;
        let body = &rest[4..];
        let take = len.min(body.len());
        frames.push(OwnedFrame {
            ts_ns,
            data: body[..take].to_vec(),
            orig_len: len as u32,
            link,
            interface: 0,
            direction: Direction::Unknown,
        });
        rest = &body[take..];
    }
    frames
}

/// Target (c): a frame sequence through the Dissector (defragmentation, TCP and UDP
/// analysis), printed as the `-V` tree, with `-z conv,tcp`, `-z conv,udp` and the follow
/// streams rendered at the end.
pub fn tcp_analysis(data: &[u8]) {
    let mut source = MemorySource::new(split_frames(data));
    let mut printer = Printer::new(ReadConfig {
        mode: OutputMode::Tree,
        ..ReadConfig::summary()
    });
    let specs = [
        "conv,tcp",
        "conv,udp",
        "follow,tcp,ascii,0",
        "follow,tcp,ascii,1",
        "follow,udp,ascii,0",
    ]
    .map(|s| StatSpec::parse(s).expect("valid -z spec"));
    let stop = AtomicBool::new(false);
    let _ = headless::run(
        &mut source as &mut dyn PacketSource,
        &mut printer,
        Some(Stats::new(&specs)),
        None,
        None,
        &stop,
        &mut io::sink(),
    );
}

/// Target (d): the display-filter parser on arbitrary text; whatever parses is printed,
/// re-parsed (the canonical form must parse to the same filter) and evaluated on every
/// packet of a shipped capture and on a frame made of the input bytes.
pub fn filter_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(filter) = sockeye::filter::Filter::parse(&text) else {
        return;
    };
    let printed = filter.to_string();
    let reparsed = sockeye::filter::Filter::parse(&printed)
        .unwrap_or_else(|err| panic!("canonical form {printed:?} does not parse: {err}"));
    assert_eq!(reparsed.to_string(), printed, "printing is not stable");
    let capture = include_bytes!("../captures/textbook/tcp_handshake.pcapng");
    if let Ok(mut source) = FileSource::from_reader(Box::new(Cursor::new(capture.to_vec()))) {
        let mut dissector = Dissector::new();
        while let Ok(Some(frame)) = source.next_frame() {
            let _ = filter.matches(&dissector.dissect(&frame));
        }
    }
    let frame = Frame {
        ts_ns: 0,
        data,
        orig_len: data.len() as u32,
        link: LinkType::ETHERNET,
        interface: 0,
        direction: Direction::Unknown,
    };
    let _ = filter.matches_frame(&frame);
}
