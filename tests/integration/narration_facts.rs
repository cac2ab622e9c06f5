//! Every sentence the narration says is true of the capture: for every packet of every
//! shipped capture, each frame it names exists in the packet's stream, each sequence or
//! acknowledgement number it names is one of those frames' numbers, and each time it names
//! is the time between two of them.

use std::collections::{BTreeMap, BTreeSet};

use regex::Regex;
use sockeye::dissect::Dissector;
use sockeye::source::{FileSource, PacketSource};
use sockeye::teach::{narrate_with, Exchanges, StreamTimeline};

use crate::kit;

/// What the checker may compare a named number or time with, per frame.
#[derive(Debug, Clone)]
struct Known {
    stream: Option<u64>,
    ts_ns: i64,
    numbers: Vec<u64>,
    /// Its acknowledgement numbers (relative and raw): what "ACK n" or "up to n" may name.
    acks: Vec<u64>,
    /// Handshake frames and round trip, which the narration of the 3rd step names.
    handshake: Vec<u64>,
    rtt_ns: Vec<i64>,
}

fn captures() -> Vec<std::path::PathBuf> {
    let mut all = Vec::new();
    for dir in ["captures/textbook", "captures/scenarios"] {
        for e in std::fs::read_dir(kit::root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "pcapng" || x == "pcap") {
                all.push(p);
            }
        }
    }
    all.sort();
    all
}

/// UDP conversations are keyed apart from TCP streams.
const UDP_STREAMS: u64 = 1 << 40;

fn numbers(re: &Regex, text: &str) -> Vec<u64> {
    re.captures_iter(text)
        .flat_map(|c| {
            c[1].split(", ")
                .filter_map(|n| n.parse().ok())
                .collect::<Vec<u64>>()
        })
        .collect()
}

#[test]
fn every_frame_number_and_time_the_narration_names_is_in_the_capture() {
    let frame_re = Regex::new(r"[Ff]rames? (\d+(?:, \d+)*)").unwrap();
    let number_re = Regex::new(r"(?:seq|next seq|ISN|len) (\d+)").unwrap();
    // An acknowledgement the narration names must be one a frame in scope carries: "the
    // receiver confirms it with ACK 649" with no such ACK in the capture fails here.
    let ack_re = Regex::new(r"(?:ack|ACK|up to|relative) (\d+)").unwrap();
    let time_re = Regex::new(r"(\d+\.\d+) (ms|s)\b").unwrap();
    let mut sentences = 0;
    let mut app_sentences = 0;
    let mut problems = Vec::new();
    for path in captures() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let path = path.to_str().unwrap().to_string();
        // Pass 1: every TCP stream's timeline, and what each frame may be quoted for.
        let mut streams: BTreeMap<u64, StreamTimeline> = BTreeMap::new();
        let mut known: BTreeMap<u64, Known> = BTreeMap::new();
        let mut exchanges = Exchanges::new();
        let mut source = FileSource::open(&path).unwrap();
        let mut dissector = Dissector::new();
        while let Some(frame) = source.next_frame().unwrap() {
            let d = dissector.dissect(&frame);
            exchanges.push(&d);
            let mut k = Known {
                stream: None,
                ts_ns: d.info.ts_ns,
                numbers: Vec::new(),
                acks: Vec::new(),
                handshake: Vec::new(),
                rtt_ns: Vec::new(),
            };
            if let (Some(f), Some(tcp)) = (&d.tcp, d.packet.tcp()) {
                streams
                    .entry(f.stream)
                    .or_insert_with(|| StreamTimeline::new(f.stream))
                    .push(&d);
                k.stream = Some(f.stream);
                k.numbers = vec![
                    f.seq_rel.into(),
                    f.ack_rel.into(),
                    f.nxtseq_rel.into(),
                    tcp.sequence_number().into(),
                    tcp.acknowledgment_number().into(),
                    tcp.destination_port().into(),
                    tcp.source_port().into(),
                    d.packet.tcp_len.unwrap_or(0).into(),
                ];
                k.acks = vec![f.ack_rel.into(), tcp.acknowledgment_number().into()];
                let hs = &f.handshake;
                k.handshake = [hs.syn_frame, hs.synack_frame, hs.ack_frame]
                    .into_iter()
                    .flatten()
                    .collect();
                k.rtt_ns = hs.rtt_ns.into_iter().chain(f.ack_rtt_ns).collect();
            }
            if let (Some(f), Some(udp)) = (&d.udp, d.packet.udp()) {
                k.stream = Some(UDP_STREAMS + f.stream);
                k.numbers = vec![udp.source_port().into(), udp.destination_port().into()];
            }
            known.insert(d.info.number, k);
        }
        // Pass 2: narrate every packet and check what it names.
        let mut source = FileSource::open(&path).unwrap();
        let mut dissector = Dissector::new();
        while let Some(frame) = source.next_frame().unwrap() {
            let d = dissector.dissect(&frame);
            // TCP and UDP (DNS) frames: the frames a narration names must be in its stream
            // (a DNS answer is in its query's UDP conversation).
            let stream = match (&d.tcp, &d.udp) {
                (Some(f), _) => f.stream,
                (None, Some(u)) => UDP_STREAMS + u.stream,
                _ => continue,
            };
            let text = narrate_with(&d, streams.get(&stream), Some(&exchanges));
            if !d.app.messages.is_empty() {
                app_sentences += 1;
            }
            sentences += 1;
            let here = &known[&d.info.number];
            let named: BTreeSet<u64> = numbers(&frame_re, &text).into_iter().collect();
            let mut frames: Vec<&Known> = vec![here];
            for n in &named {
                match known.get(n) {
                    Some(k) if k.stream == Some(stream) => frames.push(k),
                    _ => problems.push(format!(
                        "{name} frame {}: names frame {n}, not in its stream: {text}",
                        d.info.number
                    )),
                }
            }
            for n in &here.handshake {
                frames.extend(known.get(n));
            }
            let allowed: BTreeSet<u64> = frames.iter().flat_map(|k| k.numbers.clone()).collect();
            for n in numbers(&number_re, &text) {
                if !allowed.contains(&n) {
                    problems.push(format!(
                        "{name} frame {}: names {n}, which none of its frames has: {text}",
                        d.info.number
                    ));
                }
            }
            let acks: BTreeSet<u64> = frames.iter().flat_map(|k| k.acks.clone()).collect();
            for n in numbers(&ack_re, &text) {
                if !acks.contains(&n) {
                    problems.push(format!(
                        "{name} frame {}: names acknowledgement {n}, which none of its frames carries: {text}",
                        d.info.number
                    ));
                }
            }
            let mut spans: Vec<i64> = here.rtt_ns.clone();
            for a in &frames {
                for b in &frames {
                    spans.push((a.ts_ns - b.ts_ns).abs());
                }
            }
            for c in time_re.captures_iter(&text) {
                let value: f64 = c[1].parse().unwrap();
                let unit = if &c[2] == "ms" { 1e6 } else { 1e9 };
                let decimals = c[1].split('.').nth(1).map_or(0, str::len) as i32;
                let tolerance = 0.5 * 10f64.powi(-decimals) * unit + 1.0;
                let ns = value * unit;
                if !spans.iter().any(|s| (*s as f64 - ns).abs() <= tolerance) {
                    problems.push(format!(
                        "{name} frame {}: names {} {}, no span between its frames: {text}",
                        d.info.number, &c[1], &c[2]
                    ));
                }
            }
        }
    }
    assert!(sentences > 150, "only {sentences} narrations checked");
    assert!(
        app_sentences > 100,
        "only {app_sentences} narrations of DNS/HTTP frames checked"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The retransmissions of the textbook capture: the narration gives the real waits and the
/// backoff, and says no acknowledgement appears (none is in the capture).
#[test]
fn retransmissions_state_the_backoff_and_the_missing_ack() {
    let path = kit::textbook("tcp_retransmissions.pcapng");
    let mut out = Vec::new();
    sockeye::teach::export::run(
        path.to_str().unwrap(),
        sockeye::teach::export::ExportKind::Narrate,
        6,
        false,
        &mut out,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("No acknowledgement of these bytes appears in the capture"),
        "{text}"
    );
    assert!(
        text.contains("transmission 6 of seq 1 (frames 1, 2, 3, 4, 5, 6)"),
        "{text}"
    );
    assert!(
        text.contains("0.206 s → 0.600 s → 1.200 s → 2.400 s → 4.805 s"),
        "{text}"
    );
    assert!(
        text.contains("×2.9, ×2.0, ×2.0, ×2.0; from wait 2 on"),
        "{text}"
    );
    assert!(text.contains("exponential backoff"), "{text}");
    assert!(!text.contains("ACK 649"), "{text}");
}
