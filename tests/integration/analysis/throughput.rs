//! Throughput of the analysis engine alone (no decoding): 1M segments over 1,000
//! interleaved connections (handshake, bulk data, ACKs every other segment, teardown).
//! Ignored by default; run with `cargo test --release --test integration
//! analysis::throughput -- --ignored --nocapture` to see packets per second.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use sockeye::analysis::{tcp_flags as f, Analyzer, TcpSegment};

struct Conn {
    client: IpAddr,
    port: u16,
    cseq: u32,
    sseq: u32,
}

#[test]
#[ignore = "timing; run in release"]
fn one_million_segments() {
    let server = IpAddr::V4(Ipv4Addr::new(10, 1, 0, 1));
    let payload = [0u8; 1448];
    let mut conns: Vec<Conn> = (0..1000u32)
        .map(|i| Conn {
            client: IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i)),
            port: 10_000 + (i % 50_000) as u16,
            cseq: i.wrapping_mul(2_654_435_761),
            sseq: i.wrapping_mul(40_503),
        })
        .collect();
    let mut a = Analyzer::new();
    let mut frame = 0u64;
    let start = Instant::now();
    let mut flagged = 0u64;
    while frame < 1_000_000 {
        for c in &mut conns {
            frame += 1;
            let ts = frame as i64 * 1_000;
            let seg = if frame % 3 == 0 {
                // client ACK of everything the server sent
                TcpSegment {
                    frame,
                    ts_ns: ts,
                    frame_len: 66,
                    src: c.client,
                    dst: server,
                    src_port: c.port,
                    dst_port: 80,
                    seq: c.cseq,
                    ack: c.sseq,
                    flags: f::ACK,
                    window: 501,
                    payload: &[],
                    payload_len: 0,
                    window_scale: None,
                    sack_permitted: false,
                    sack_blocks: &[],
                    mss: None,
                }
            } else {
                let s = c.sseq;
                c.sseq = c.sseq.wrapping_add(1448);
                TcpSegment {
                    frame,
                    ts_ns: ts,
                    frame_len: 1514,
                    src: server,
                    dst: c.client,
                    src_port: 80,
                    dst_port: c.port,
                    seq: s,
                    ack: c.cseq,
                    flags: f::ACK | f::PSH,
                    window: 501,
                    payload: &payload,
                    payload_len: 1448,
                    window_scale: None,
                    sack_permitted: false,
                    sack_blocks: &[],
                    mss: None,
                }
            };
            let facts = a.tcp(&seg);
            flagged += u64::from(!facts.flags.is_empty());
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{frame} segments in {secs:.3} s = {:.2} M segments/s ({flagged} flagged)",
        frame as f64 / secs / 1e6
    );
}
