//! Hostile input: random field values (lengths that disagree with the payload, absurd
//! window scales, time running backwards, every flag combination) must never panic the
//! engine, the follower or the renderers — debug builds check arithmetic overflow, so
//! this also proves the wrapping arithmetic is deliberate everywhere.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use sockeye::analysis::follow::{render_tshark_ascii, TcpFollower, UdpFollower};
use sockeye::analysis::{
    render_tshark, Analyzer, ConvProto, RenderOptions, TcpSegment, UdpDatagram,
};

use crate::kit::fuzz::Rng;

fn addr(rng: &mut Rng) -> IpAddr {
    match rng.below(3) {
        0 => IpAddr::V4(Ipv4Addr::new(10, 0, 0, rng.below(3) as u8)),
        1 => IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, rng.below(3) as u16)),
        _ => IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
    }
}

fn pick(rng: &mut Rng, interesting: &[u32]) -> u32 {
    if rng.chance(50) {
        interesting[rng.below(interesting.len() as u32) as usize]
    } else {
        rng.next()
    }
}

#[test]
fn random_segments_never_panic() {
    let mut rng = Rng::new(0xBAD);
    let mut analyzer = Analyzer::new();
    let mut tcp_follow = [
        TcpFollower::new(0),
        TcpFollower::new(1),
        TcpFollower::new(7),
    ];
    let mut udp_follow = UdpFollower::new(0);
    let payload: Vec<u8> = (0..=255u8).collect();
    let edges = [
        0,
        1,
        2,
        u32::MAX,
        u32::MAX - 1,
        1 << 31,
        (1 << 31) - 1,
        1000,
    ];
    let sack = [(1u32, 2u32), (u32::MAX, 0)];
    let mut ts = 0i64;
    for frame in 1..=200_000u64 {
        ts = match rng.below(10) {
            0 => ts.wrapping_sub(i64::from(rng.next())),
            1 => i64::MAX - i64::from(rng.below(10)),
            2 => i64::MIN + i64::from(rng.below(10)),
            _ => ts.wrapping_add(i64::from(rng.below(100_000))),
        };
        let (src, dst) = (addr(&mut rng), addr(&mut rng));
        let (sp, dp) = (rng.below(3) as u16, rng.below(3) as u16);
        let cap = rng.below(257) as usize;
        if rng.chance(10) {
            let d = UdpDatagram {
                frame,
                ts_ns: ts,
                frame_len: rng.next(),
                src,
                dst,
                src_port: sp,
                dst_port: dp,
                payload: &payload[..cap],
            };
            let f = analyzer.udp(&d);
            udp_follow.push(&d, &f);
            continue;
        }
        let seg = TcpSegment {
            frame,
            ts_ns: ts,
            frame_len: rng.next(),
            src,
            dst,
            src_port: sp,
            dst_port: dp,
            seq: pick(&mut rng, &edges),
            ack: pick(&mut rng, &edges),
            flags: (rng.next() & 0x0fff) as u16,
            window: pick(&mut rng, &[0, 1, 65535]) as u16,
            payload: &payload[..cap],
            payload_len: pick(&mut rng, &[0, 1, cap as u32, u32::MAX]),
            window_scale: rng.chance(20).then(|| rng.below(256) as u8),
            sack_permitted: rng.chance(50),
            sack_blocks: &sack[..rng.below(3) as usize],
            mss: rng.chance(20).then(|| rng.below(65536) as u16),
        };
        let facts = analyzer.tcp(&seg);
        for f in &mut tcp_follow {
            f.push(&seg, &facts);
        }
    }
    let opts = RenderOptions {
        capture_start_ns: i64::MIN,
        with_state: true,
    };
    assert!(!render_tshark(ConvProto::Tcp, analyzer.tcp_conversations(), opts).is_empty());
    assert!(!render_tshark(ConvProto::Udp, analyzer.udp_conversations(), opts).is_empty());
    for f in tcp_follow {
        let _ = render_tshark_ascii(&f.finish());
    }
    let _ = render_tshark_ascii(&udp_follow.finish());
}
