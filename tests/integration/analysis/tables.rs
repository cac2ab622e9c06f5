//! The conversation table and follow-stream renderings against tshark 4.0's own output
//! (`tshark -q -z conv,tcp|udp` and `-z follow,tcp|udp,ascii,N`, stored next to the
//! captures), for the reference captures and generated messy traffic.

use std::fs;

use sockeye::analysis::follow::{render_tshark_ascii, TcpFollower, UdpFollower};
use sockeye::analysis::{render_tshark, ConvProto, RenderOptions};
use sockeye::frame::OwnedFrame;

use crate::kit::decoded::{dissect_all, read_capture, Transport};
use crate::kit::fuzz::messy_capture;
use crate::kit::{stem, textbook_paths};

const REF: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
const CAPTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/textbook");
const SYN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/synthetic");

fn reference_captures() -> Vec<(String, Vec<OwnedFrame>)> {
    textbook_paths()
        .into_iter()
        .map(|p| (stem(&p), read_capture(p.to_str().unwrap_or_default())))
        .collect()
}

fn conv_tables(frames: &[OwnedFrame]) -> (String, String) {
    let dissector = dissect_all(frames, |_, _| {});
    let a = dissector.analyzer();
    let opts = RenderOptions {
        capture_start_ns: frames.first().map(|f| f.ts_ns).unwrap_or(0),
        with_state: false,
    };
    (
        render_tshark(ConvProto::Tcp, a.tcp_conversations(), opts),
        render_tshark(ConvProto::Udp, a.udp_conversations(), opts),
    )
}

/// Follows `stream` with the decoder's segments and the pipeline's facts for them.
fn follow(frames: &[OwnedFrame], proto: ConvProto, stream: u64) -> String {
    let mut tf = TcpFollower::new(stream);
    let mut uf = UdpFollower::new(stream);
    dissect_all(frames, |d, transport| match (transport, &d.tcp, &d.udp) {
        (Transport::Tcp(seg), Some(facts), _) => tf.push(&seg, facts),
        (Transport::Udp(dgram), _, Some(facts)) => uf.push(&dgram, facts),
        _ => {}
    });
    match proto {
        ConvProto::Tcp => render_tshark_ascii(&tf.finish()),
        ConvProto::Udp => render_tshark_ascii(&uf.finish()),
    }
}

fn compare(what: &str, want: &str, got: &str, failures: &mut Vec<String>) {
    if want != got {
        failures.push(format!("{what}:\n--- tshark\n{want}\n--- sockeye\n{got}"));
    }
}

#[test]
fn conversation_tables_match_tshark() {
    let mut failures = Vec::new();
    for (name, frames) in reference_captures() {
        let (tcp, udp) = conv_tables(&frames);
        let want_tcp =
            fs::read_to_string(format!("{REF}/tables/{name}.conv_tcp.txt")).expect("conv tcp");
        let want_udp =
            fs::read_to_string(format!("{REF}/tables/{name}.conv_udp.txt")).expect("conv udp");
        compare(&format!("{name} conv,tcp"), &want_tcp, &tcp, &mut failures);
        compare(&format!("{name} conv,udp"), &want_udp, &udp, &mut failures);
    }
    for seed in [1u64, 2, 3] {
        let frames = messy_capture(seed, 6, 120).frames;
        let (tcp, _) = conv_tables(&frames);
        let want = fs::read_to_string(format!("{SYN}/messy_{seed}.conv_tcp.txt")).expect("conv");
        compare(
            &format!("messy_{seed} conv,tcp"),
            &want,
            &tcp,
            &mut failures,
        );
    }
    // 25 connections: exercises the sort and a duration that rounds differently unless
    // computed the way tshark does.
    let frames = messy_capture(20, 25, 400).frames;
    let (tcp, _) = conv_tables(&frames);
    let want = fs::read_to_string(format!("{SYN}/big_20.conv_tcp.txt")).expect("conv");
    compare("big_20 conv,tcp", &want, &tcp, &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn follow_streams_match_tshark() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, frames) in reference_captures() {
        for (proto, tag) in [(ConvProto::Tcp, "tcp"), (ConvProto::Udp, "udp")] {
            for stream in 0..32u64 {
                let path = format!("{REF}/tables/{name}.follow_{tag}_{stream}.txt");
                let Ok(want) = fs::read_to_string(&path) else {
                    break;
                };
                compare(
                    &format!("{name} follow,{tag},{stream}"),
                    &want,
                    &follow(&frames, proto, stream),
                    &mut failures,
                );
                checked += 1;
            }
        }
    }
    for seed in [1u64, 2, 3] {
        let frames = messy_capture(seed, 6, 120).frames;
        for stream in 0..5u64 {
            let want = fs::read_to_string(format!("{SYN}/messy_{seed}.follow_tcp_{stream}.txt"))
                .expect("follow");
            compare(
                &format!("messy_{seed} follow,tcp,{stream}"),
                &want,
                &follow(&frames, ConvProto::Tcp, stream),
                &mut failures,
            );
            checked += 1;
        }
    }
    assert!(checked > 30);
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn following_a_missing_stream_prints_empty_nodes_like_tshark() {
    // `tshark -q -z follow,tcp,ascii,5` on a capture with one stream (tshark 4.0.17).
    let want = "\n===================================================================\nFollow: tcp,ascii\nFilter: tcp.stream eq 5\nNode 0: :0\nNode 1: :0\n===================================================================\n";
    let frames = read_capture(&format!("{CAPTURES}/tcp_handshake.pcapng"));
    assert_eq!(follow(&frames, ConvProto::Tcp, 5), want);
}
