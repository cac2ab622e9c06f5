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

/// Formats every field value (what -T fields, JSON and the tree would call).
fn render(fields: &sockeye::decode::FieldList<'_>) {
    let mut text = String::new();
    for field in fields.iter() {
        let _ = sockeye::field::write_value(&mut text, field.def(), &field.value);
    }
}

/// Target `app_dns`: the DNS parser (plain, mDNS, LLMNR; with and without the TCP length
/// prefix), its Info text and its fields placed in a frame and reassembled.
pub fn app_dns(data: &[u8]) {
    use sockeye::decode::app::{dns, Place};
    for flavor in [dns::Flavor::Dns, dns::Flavor::Mdns, dns::Flavor::Llmnr] {
        for tcp in [false, true] {
            if let Some(d) = dns::parse(data, flavor, tcp) {
                let mut info = String::new();
                d.info(&mut info);
                for base in [Some(0), None] {
                    let mut fields = sockeye::decode::FieldList::new();
                    d.emit(Place { base }, &mut fields);
                    render(&fields);
                }
            }
        }
    }
}

/// Target `app_http`: HTTP messages parsed one after another from the input, as the
/// pipeline does on a reassembled stream.
pub fn app_http(data: &[u8]) {
    use sockeye::decode::app::{http, Parse, Place};
    let mut rest = data;
    while !rest.is_empty() {
        match http::parse(rest) {
            Parse::Done(h, used) => {
                let mut info = String::new();
                h.info(&mut info);
                h.protocols(&mut info);
                let mut fields = sockeye::decode::FieldList::new();
                h.emit(Place { base: Some(0) }, &mut fields);
                render(&fields);
                assert!(
                    used > 0 && used <= rest.len(),
                    "used {used} of {}",
                    rest.len()
                );
                rest = &rest[used..];
            }
            _ => break,
        }
    }
}

/// Target `app_tls`: TLS records (handshakes, certificates' DER walk) parsed one batch after
/// another in one direction, its cipher state carried along.
pub fn app_tls(data: &[u8]) {
    use sockeye::decode::app::{tls, Parse, Place};
    let mut direction = tls::Direction::default();
    let mut rest = data;
    while !rest.is_empty() {
        match tls::parse(rest, &mut direction) {
            Parse::Done(t, used) => {
                let mut info = String::new();
                t.info(&mut info);
                t.protocols(&mut info);
                let mut fields = sockeye::decode::FieldList::new();
                t.emit(Place { base: None }, &mut fields);
                render(&fields);
                assert!(used > 0 && used <= rest.len());
                rest = &rest[used..];
            }
            _ => break,
        }
    }
}

/// Target `app_dhcp`: DHCP/BOOTP and DHCPv6 on the same bytes.
pub fn app_dhcp(data: &[u8]) {
    use sockeye::decode::app::{dhcp, dhcpv6, Place};
    if let Some(d) = dhcp::parse(data) {
        let mut info = String::new();
        d.info(&mut info);
        let mut fields = sockeye::decode::FieldList::new();
        d.emit(Place { base: Some(0) }, &mut fields);
        render(&fields);
    }
    if let Some(d) = dhcpv6::parse(data) {
        let mut info = String::new();
        d.info(&mut info);
        let mut fields = sockeye::decode::FieldList::new();
        d.emit(Place { base: Some(0) }, &mut fields);
        render(&fields);
    }
}

/// Target `app_text`: the line protocols (SMTP commands, replies and the IMF message, FTP
/// both ways with its data endpoints, IMAP both ways) on the same bytes.
pub fn app_text(data: &[u8]) {
    use sockeye::decode::app::{ftp, imap, smtp, Place};
    let place = Place { base: Some(0) };
    let mut info = String::new();
    for s in [
        smtp::Smtp::Commands(smtp::parse_commands(data)),
        smtp::Smtp::Replies(smtp::parse_replies(data)),
    ] {
        s.info(&mut info);
        let mut fields = sockeye::decode::FieldList::new();
        s.emit(place, &mut fields);
        render(&fields);
    }
    let imf = smtp::parse_imf(data);
    imf.info(&mut info);
    let _ = smtp::data_end(data, true);
    for request in [true, false] {
        if let Some(f) = ftp::parse(data, request) {
            f.info(&mut info);
            let _ = f.data_endpoint(std::net::IpAddr::from([192, 0, 2, 1]));
            let mut fields = sockeye::decode::FieldList::new();
            f.emit(place, &mut fields);
            render(&fields);
        }
        if let Some(i) = imap::parse(data, request) {
            i.info(&mut info);
            let _ = i.starttls_tag();
            let mut fields = sockeye::decode::FieldList::new();
            i.emit(place, &mut fields);
            render(&fields);
        }
    }
}

/// An Ethernet/IPv4/TCP frame between 10.0.0.1:40000 (client) and 10.0.0.2:`port`.
fn tcp_frame(from_server: bool, port: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let (src, dst) = ([10, 0, 0, 2], [10, 0, 0, 1]);
    let (src, dst) = if from_server { (src, dst) } else { (dst, src) };
    let (sport, dport) = if from_server {
        (port, 40000)
    } else {
        (40000, port)
    };
    let mut f = vec![2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 0x08, 0x00];
    let total = (40 + payload.len()) as u16;
    f.extend_from_slice(&[0x45, 0]);
    f.extend_from_slice(&total.to_be_bytes());
    f.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
    f.extend_from_slice(&src);
    f.extend_from_slice(&dst);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&seq.to_be_bytes());
    f.extend_from_slice(&1u32.to_be_bytes());
    f.extend_from_slice(&[0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
    f.extend_from_slice(payload);
    f
}

/// Frames `app_stream` builds from one input at most. A stream's application state
/// (reassembly of a PDU over several segments, STARTTLS, an FTP data channel, a request and
/// its response) needs a handful of segments, not hundreds: past this the input is ignored,
/// so every execution is cheap and the fuzzer spends its time on new shapes rather than on
/// long inputs (whole captured streams ran at 56 executions a second).
pub const APP_STREAM_MAX_FRAMES: usize = 24;

/// Target `app_stream`: a TCP conversation on an application port through the whole
/// pipeline (reassembly, STARTTLS, FTP announcements, request/response links, host names
/// learned from DNS over TCP), each frame printed as a summary line, JSON or the `-V` tree
/// in turn. Input: a selector byte (bits 0-2 the port, bit 3 name resolution on), then up to
/// [`APP_STREAM_MAX_FRAMES`] records `[flags][len][bytes]`: flag bit 0 = from the server,
/// bit 1 = resend the previous sequence number (a retransmission), bit 2 = skip 100 bytes
/// ahead (a gap).
pub fn app_stream(data: &[u8]) {
    const PORTS: [u16; 8] = [21, 25, 53, 80, 143, 443, 5001, 9];
    let Some((&selector, mut rest)) = data.split_first() else {
        return;
    };
    let port = PORTS[usize::from(selector) % PORTS.len()];
    let resolve = selector & 8 != 0;
    let mut seq = [1000u32, 5000u32];
    let mut last = [1000u32, 5000u32];
    let mut dissector = if resolve {
        Dissector::with_names(sockeye::names::Resolve::ALL)
    } else {
        Dissector::new()
    };
    let mut printers = printers();
    let mut out = Vec::new();
    let mut frames = 0;
    while let [flags, len, body @ ..] = rest {
        if frames == APP_STREAM_MAX_FRAMES {
            break;
        }
        frames += 1;
        let take = usize::from(*len).min(body.len());
        let dir = usize::from(flags & 1);
        let mut s = seq[dir];
        if flags & 2 != 0 {
            s = last[dir];
        }
        if flags & 4 != 0 {
            s = s.wrapping_add(100);
        }
        let bytes = tcp_frame(dir == 1, port, s, &body[..take]);
        last[dir] = s;
        seq[dir] = s.wrapping_add(take as u32);
        rest = &body[take..];
        let frame = Frame {
            ts_ns: 0,
            data: &bytes,
            orig_len: bytes.len() as u32,
            link: LinkType::ETHERNET,
            interface: 0,
            direction: Direction::Unknown,
        };
        let dissection = dissector.dissect(&frame);
        // One printer per frame, in turn: every input of three frames or more still meets
        // the summary line, JSON and the tree, at a third of the cost (printing all three
        // for every frame was seven tenths of each execution; `decode_frame` prints every
        // frame all three ways).
        if let Some(printer) = printers.get_mut(frames % 3) {
            let _ = printer.print(&dissection, &mut out);
        }
        out.clear();
    }
}
