//! Synthetic scenarios for each analysis flag and the tricky corners (sequence wrap at
//! 2^32, SYN retransmission, port reuse, a capture joining mid-stream). Every expected
//! block below is tshark 4.0.17's output for the same packets (written with
//! `SOCKEYE_DUMP_PCAP=dir cargo test` and read back with the command in `kit/synth.rs`).

use etherparse::TcpOptionElement::{
    MaximumSegmentSize, SelectiveAcknowledgementPermitted, WindowScale,
};

use crate::kit::fuzz::messy_capture;
use crate::kit::synth::{analyze, assert_matches_tshark, maybe_dump, Conv, A, F, P, R, S};

fn handshake_scaled() -> Conv {
    let mut c = Conv::new(40000, 80);
    c.seg_opts(
        0,
        true,
        S,
        1000,
        0,
        64240,
        0,
        &[
            MaximumSegmentSize(1460),
            SelectiveAcknowledgementPermitted,
            WindowScale(7),
        ],
    )
    .seg_opts(
        100,
        false,
        S | A,
        5000,
        1001,
        65160,
        0,
        &[
            MaximumSegmentSize(1460),
            SelectiveAcknowledgementPermitted,
            WindowScale(7),
        ],
    )
    .seg(200, true, A, 1001, 5001, 502, 0);
    c
}

#[test]
fn window_full_zero_window_probe_update_and_teardown() {
    let mut c = handshake_scaled();
    c.seg(300, true, P | A, 1001, 5001, 502, 100)
        .seg(400, false, A, 5001, 1101, 1, 0)
        .seg(500, true, P | A, 1101, 5001, 502, 128)
        .seg(600, false, A, 5001, 1229, 0, 0)
        .seg(700, true, A, 1229, 5001, 502, 1)
        .seg(800, false, A, 5001, 1229, 0, 0)
        .seg(900, false, A, 5001, 1229, 10, 0)
        .seg(1000, true, P | A, 1229, 5001, 502, 100)
        .seg(1100, false, F | A, 5001, 1329, 10, 0)
        .seg(1200, true, F | A, 1329, 5002, 502, 0)
        .seg(1300, false, A, 5002, 1330, 10, 0);
    assert_matches_tshark("window", &c, TSHARK_WINDOW);
}

// tshark 4.0.17 output for this scenario.
const TSHARK_WINDOW: &str = "
1,0,0,0,1,64240,,,,,,,,,,,,,,
2,0,0,1,1,65160,,,,,,,,,,,,,,
3,0,1,1,1,64256,,,,,,,,,,,,,,
4,0,1,1,101,64256,,,,,,,,,,,,,,
5,0,1,101,1,128,,,,,,,,,,,,,,
6,0,101,1,229,64256,,,,,,,,,,,,,,1
7,0,1,229,1,0,,,,,,,,,1,,,,,
8,0,229,1,230,64256,,,,,,,,,,1,,,,
9,0,1,229,1,0,,,,,,,,,1,,,,,
10,0,1,229,1,1280,,,,,,,,,,,,,1,
11,0,229,1,329,64256,,,,,,,,,,,,,,
12,0,1,329,2,1280,,,,,,,,,,,,,,
13,0,329,2,330,64256,,,,,,,,,,,,,,
14,0,2,330,2,1280,,,,,,,,,,,,,,
";

#[test]
fn lost_fast_spurious_out_of_order_retransmission_ack_lost() {
    let mut c = Conv::new(40001, 80);
    c.seg(0, true, S, 100, 0, 64240, 0)
        .seg(5_000, false, S | A, 5000, 101, 65160, 0)
        .seg(10_000, true, A, 101, 5001, 64240, 0)
        .seg(20_000, false, P | A, 5001, 101, 65160, 100)
        .seg(22_000, false, P | A, 5201, 101, 65160, 100)
        .seg(23_000, true, A, 101, 5101, 64240, 0)
        .seg(24_000, true, A, 101, 5101, 64240, 0)
        .seg(25_000, true, A, 101, 5101, 64240, 0)
        .seg(26_000, false, P | A, 5101, 101, 65160, 100)
        .seg(30_000, true, A, 101, 5301, 64240, 0)
        .seg(100_000, false, P | A, 5101, 101, 65160, 100)
        .seg(110_000, false, P | A, 5301, 101, 65160, 100)
        .seg(111_000, false, P | A, 5401, 101, 65160, 100)
        .seg(112_000, false, P | A, 5301, 101, 65160, 100)
        .seg(400_000, false, P | A, 5401, 101, 65160, 100)
        .seg(401_000, true, A, 101, 5601, 64240, 0);
    assert_matches_tshark("loss", &c, TSHARK_LOSS);
}

// tshark 4.0.17 output for this scenario.
const TSHARK_LOSS: &str = "
1,0,0,0,1,64240,,,,,,,,,,,,,,
2,0,0,1,1,65160,,,,,,,,,,,,,,
3,0,1,1,1,64240,,,,,,,,,,,,,,
4,0,1,1,101,65160,,,,,,,,,,,,,,
5,0,201,1,301,65160,,,,,1,,,,,,,,,
6,0,1,101,1,64240,,,,,,,,,,,,,,
7,0,1,101,1,64240,,,,,,,1,6,,,,,,
8,0,1,101,1,64240,,,,,,,2,6,,,,,,
9,0,101,1,201,65160,1,1,,,,,,,,,,,,
10,0,1,301,1,64240,,,,,,,,,,,,,,
11,0,101,1,201,65160,1,,1,,,,,,,,,,,
12,0,301,1,401,65160,,,,,,,,,,,,,,
13,0,401,1,501,65160,,,,,,,,,,,,,,
14,0,301,1,401,65160,,,,1,,,,,,,,,,
15,0,401,1,501,65160,1,,,,,,,,,,,,,
16,0,1,601,1,64240,,,,,,1,,,,,,,,
";

#[test]
fn keep_alive_and_keep_alive_ack_mid_stream() {
    let mut c = Conv::new(40002, 443);
    c.seg(0, true, P | A, 2000, 9000, 1000, 10)
        .seg(1_000, false, A, 9000, 2010, 2000, 0)
        .seg(10_000_000, true, A, 2009, 9000, 1000, 0)
        .seg(10_001_000, false, A, 9000, 2010, 2000, 0)
        .seg(20_000_000, true, A, 2009, 9000, 1000, 1)
        .seg(20_001_000, false, A, 9000, 2010, 2000, 0);
    assert_matches_tshark("keepalive", &c, TSHARK_KEEPALIVE);
}

// tshark 4.0.17 output for this scenario.
const TSHARK_KEEPALIVE: &str = "
1,0,1,1,11,1000,,,,,,,,,,,,,,
2,0,1,11,1,2000,,,,,,,,,,,,,,
3,0,10,1,10,1000,,,,,,,,,,,1,,,
4,0,1,11,1,2000,,,,,,,,,,,,1,,
5,0,10,1,11,1000,,,,,,,,,,,1,,,
6,0,1,11,1,2000,,,,,,,,,,,,1,,
";

#[test]
fn sequence_numbers_wrap_at_2_pow_32() {
    let isn = u32::MAX - 99;
    let mut c = Conv::new(40003, 80);
    c.seg(0, true, S, isn, 0, 64240, 0)
        .seg(1_000, false, S | A, 7, isn.wrapping_add(1), 65160, 0)
        .seg(2_000, true, A, isn.wrapping_add(1), 8, 64240, 0)
        .seg(3_000, true, P | A, isn.wrapping_add(1), 8, 64240, 150)
        .seg(4_000, true, P | A, isn.wrapping_add(151), 8, 64240, 150)
        .seg(5_000, false, A, 8, isn.wrapping_add(151), 65160, 0)
        .seg(900_000, true, P | A, isn.wrapping_add(151), 8, 64240, 150)
        .seg(901_000, false, A, 8, isn.wrapping_add(301), 65160, 0);
    assert_matches_tshark("wrap", &c, TSHARK_WRAP);
}

// tshark 4.0.17 output for this scenario.
const TSHARK_WRAP: &str = "
1,0,0,0,1,64240,,,,,,,,,,,,,,
2,0,0,1,1,65160,,,,,,,,,,,,,,
3,0,1,1,1,64240,,,,,,,,,,,,,,
4,0,1,1,151,64240,,,,,,,,,,,,,,
5,0,151,1,301,64240,,,,,,,,,,,,,,
6,0,1,151,1,65160,,,,,,,,,,,,,,
7,0,151,1,301,64240,1,,,,,,,,,,,,,
8,0,1,301,1,65160,,,,,,,,,,,,,,
";

#[test]
fn syn_retransmission_then_handshake() {
    let mut c = Conv::new(40004, 22);
    c.seg(0, true, S, 777, 0, 64240, 0)
        .seg(1_000_000, true, S, 777, 0, 64240, 0)
        .seg(1_010_000, false, S | A, 4242, 778, 65160, 0)
        .seg(1_020_000, true, A, 778, 4243, 64240, 0);
    assert_matches_tshark("synretrans", &c, TSHARK_SYNRETRANS);
}

// tshark 4.0.17 output for this scenario.
const TSHARK_SYNRETRANS: &str = "
1,0,0,0,1,64240,,,,,,,,,,,,,,
2,0,0,0,1,64240,1,,,,,,,,,,,,,
3,0,0,1,1,65160,,,,,,,,,,,,,,
4,0,1,1,1,64240,,,,,,,,,,,,,,
";

#[test]
fn port_reuse_after_close_starts_a_new_stream() {
    let mut c = Conv::new(40005, 80);
    c.seg(0, true, S, 1000, 0, 64240, 0)
        .seg(1_000, false, S | A, 2000, 1001, 65160, 0)
        .seg(2_000, true, A, 1001, 2001, 64240, 0)
        .seg(3_000, true, F | A, 1001, 2001, 64240, 0)
        .seg(4_000, false, F | A, 2001, 1002, 65160, 0)
        .seg(5_000, true, A, 1002, 2002, 64240, 0)
        .seg(5_000_000, true, S, 90_000, 0, 64240, 0)
        .seg(5_001_000, false, S | A, 70_000, 90_001, 65160, 0)
        .seg(5_002_000, true, A, 90_001, 70_001, 64240, 0)
        .seg(5_003_000, true, R | A, 90_001, 70_001, 0, 0);
    assert_matches_tshark("reuse", &c, TSHARK_REUSE);
}

// tshark 4.0.17 output for this scenario.
const TSHARK_REUSE: &str = "
1,0,0,0,1,64240,,,,,,,,,,,,,,
2,0,0,1,1,65160,,,,,,,,,,,,,,
3,0,1,1,1,64240,,,,,,,,,,,,,,
4,0,1,1,2,64240,,,,,,,,,,,,,,
5,0,1,2,2,65160,,,,,,,,,,,,,,
6,0,2,2,2,64240,,,,,,,,,,,,,,
7,1,0,0,1,64240,,,,,,,,,,,,,,
8,1,0,1,1,65160,,,,,,,,,,,,,,
9,1,1,1,1,64240,,,,,,,,,,,,,,
10,1,1,1,1,0,,,,,,,,,,,,,,
";

/// Thousands of analysis decisions on messy generated traffic, against tshark's answers
/// stored in `tests/data/synthetic/messy_*.csv` (written by tshark 4.0.17 from the pcap
/// this generator produces; regenerate with `SOCKEYE_DUMP_PCAP`).
#[test]
fn messy_traffic_matches_tshark() {
    let captures: Vec<_> = [1u64, 2, 3, 4, 5, 6, 7, 8]
        .into_iter()
        .map(|seed| (seed, messy_capture(seed, 6, 120)))
        .collect();
    for (seed, c) in &captures {
        maybe_dump(&format!("messy_{seed}"), &c.frames);
    }
    for (seed, c) in &captures {
        let name = format!("messy_{seed}");
        let path = format!(
            "{}/tests/data/synthetic/{name}.csv",
            env!("CARGO_MANIFEST_DIR")
        );
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        assert_matches_tshark(&name, c, &expected);
    }
}

#[test]
fn same_isn_syn_after_close_and_window_scale_corners() {
    // Connection closed by FIN/FIN, then a SYN with the *same* ISN: tshark keeps the
    // stream (it is a retransmitted SYN to it). Then a fresh 5-tuple whose SYN-ACK is the
    // first packet seen, with a window-scale option, and a SYN without one.
    let mut c = Conv::new(40006, 80);
    c.seg(0, true, S, 1000, 0, 64240, 0)
        .seg_opts(1_000, false, S | A, 2000, 1001, 65160, 0, &[WindowScale(3)])
        .seg(2_000, true, A, 1001, 2001, 100, 0)
        .seg(2_500, false, A, 2001, 1001, 100, 0)
        .seg(3_000, true, F | A, 1001, 2001, 100, 0)
        .seg(4_000, false, F | A, 2001, 1002, 100, 0)
        .seg(5_000, true, A, 1002, 2002, 100, 0)
        .seg(6_000_000, true, S, 1000, 0, 64240, 0);
    let mut d = Conv::new(40007, 8080);
    d.seg_opts(
        7_000_000,
        false,
        S | A,
        3000,
        501,
        65160,
        0,
        &[WindowScale(5)],
    )
    .seg(7_001_000, true, A, 501, 3001, 200, 0)
    .seg(7_002_000, false, P | A, 3001, 501, 300, 10);
    c.extend(&d);
    assert_matches_tshark("corners", &c, TSHARK_CORNERS);
}

// tshark 4.0.17 output for this scenario.
const TSHARK_CORNERS: &str = "
1,0,0,0,1,64240,,,,,,,,,,,,,,
2,0,0,1,1,65160,,,,,,,,,,,,,,
3,0,1,1,1,100,,,,,,,,,,,,,,
4,0,1,1,1,100,,,,,,,,,,,,,1,
5,0,1,1,2,100,,,,,,,,,,,,,,
6,0,1,2,2,100,,,,,,,,,,,,,,
7,0,2,2,2,100,,,,,,,,,,,,,,
8,0,0,0,1,64240,1,,,,,,,,,,,,,
9,1,0,1,1,65160,,,,,,,,,,,,,,
10,1,1,1,1,200,,,,,,,,,,,,,,
11,1,1,1,11,9600,,,,,,,,,,,,,,
";

/// `tcp.analysis.acks_frame` / `tcp.analysis.ack_rtt` against tshark on generated traffic
/// (`tests/data/synthetic/messy_1.acks.csv`: frame, acks_frame, ack_rtt in seconds).
#[test]
fn acks_frame_and_ack_rtt_match_tshark() {
    let c = messy_capture(1, 6, 120);
    let (_, facts) = analyze(&c.frames);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/synthetic/messy_1.acks.csv"
    );
    let want = std::fs::read_to_string(path).expect("acks csv");
    let mut diffs = Vec::new();
    for ((n, f), line) in facts.iter().zip(want.lines()) {
        let got = match (f.acks_frame, f.ack_rtt_ns) {
            (Some(fr), Some(rtt)) => format!("{n},{fr},{:.9}", rtt as f64 / 1e9),
            _ => format!("{n},,"),
        };
        if got != line {
            diffs.push(format!("tshark {line} / sockeye {got}"));
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn same_isn_syn_restores_nextseq_without_flagging_reuse() {
    // tshark 4.0 treats a same-ISN SYN as a retransmission without "reused ports", but
    // resets the flow's next sequence number to the end of the contiguous data, so the
    // segment filling the hole (frame 7) is not a retransmission.
    let mut c = Conv::new(40008, 80);
    c.seg(0, true, S, 500, 0, 64240, 0)
        .seg(1_000, false, S | A, 900, 501, 65160, 0)
        .seg(2_000, true, A, 501, 901, 64240, 0)
        .seg(3_000, true, P | A, 501, 901, 64240, 100)
        .seg(4_000, true, P | A, 701, 901, 64240, 100)
        .seg(5_000, true, S, 500, 0, 64240, 0)
        .seg(900_000, true, P | A, 601, 901, 64240, 100);
    assert_matches_tshark("samesyn", &c, TSHARK_SAMESYN);
}

// tshark 4.0.17 output for this scenario.
const TSHARK_SAMESYN: &str = "
1,0,0,0,1,64240,,,,,,,,,,,,,,
2,0,0,1,1,65160,,,,,,,,,,,,,,
3,0,1,1,1,64240,,,,,,,,,,,,,,
4,0,1,1,101,64240,,,,,,,,,,,,,,
5,0,201,1,301,64240,,,,,1,,,,,,,,,
6,0,0,0,1,64240,,,,1,,,,,,,,,,
7,0,101,1,201,64240,,,,,,,,,,,,,,
";

/// `tcp.analysis.reused_ports` frames per generated capture, from tshark 4.0.17
/// (`-Y tcp.analysis.reused_ports -T fields -e frame.number`).
#[test]
fn reused_ports_match_tshark() {
    for seed in 1u64..=8 {
        let c = messy_capture(seed, 6, 120);
        let (_, facts) = analyze(&c.frames);
        let got: Vec<String> = facts
            .iter()
            .filter(|(_, f)| {
                f.flags
                    .contains(sockeye::analysis::AnalysisFlag::ReusedPorts)
            })
            .map(|(n, _)| n.to_string())
            .collect();
        let path = format!(
            "{}/tests/data/synthetic/messy_{seed}.reused.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        let want = std::fs::read_to_string(path).expect("reused list");
        assert_eq!(got.join("\n"), want.trim_end(), "messy_{seed}");
    }
}

#[test]
fn window_scale_above_14_is_treated_as_14() {
    let mut c = Conv::new(40009, 80);
    c.seg_opts(0, true, S, 1, 0, 1000, 0, &[WindowScale(20)])
        .seg_opts(1_000, false, S | A, 1, 2, 1000, 0, &[WindowScale(15)])
        .seg(2_000, true, A, 2, 2, 3, 0)
        .seg(3_000, false, A, 2, 2, 3, 0);
    assert_matches_tshark("bigscale", &c, TSHARK_BIGSCALE);
}

// tshark 4.0.17 output for this scenario.
const TSHARK_BIGSCALE: &str = "
1,0,0,0,1,1000,,,,,,,,,,,,,,
2,0,0,1,1,1000,,,,,,,,,,,,,,
3,0,1,1,1,49152,,,,,,,,,,,,,,
4,0,1,1,1,49152,,,,,,,,,,,,,1,
";
