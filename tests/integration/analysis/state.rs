//! Connection state, roles, handshake RTT and the reason sentences, on the reference
//! captures (sockeye's own summary; tshark has no equivalent column).

use sockeye::analysis::{
    render_tshark, AnalysisFlag, ConnState, ConvProto, RenderOptions, Role, TcpFacts,
};
use sockeye::dissect::Dissector;

use crate::kit::decoded::read_capture;
use crate::kit::synth::analyze;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/textbook");

/// The pipeline's TCP facts of each TCP frame of a textbook capture.
fn run(name: &str) -> (Dissector, Vec<TcpFacts>) {
    let (dissector, facts) = analyze(&read_capture(&format!("{DIR}/{name}")));
    (dissector, facts.into_iter().map(|(_, f)| f).collect())
}

#[test]
fn handshake_roles_and_rtt() {
    let (a, f) = run("tcp_handshake.pcapng");
    assert_eq!(f[0].state, ConnState::SynSent);
    assert_eq!(f[0].role, Role::Client);
    assert_eq!(f[1].state, ConnState::SynReceived);
    assert_eq!(f[1].role, Role::Server);
    assert_eq!(f[2].state, ConnState::Established);
    let hs = f[2].handshake;
    assert_eq!(
        (hs.syn_frame, hs.synack_frame, hs.ack_frame),
        (Some(1), Some(2), Some(3))
    );
    // Frame 3 at .474483, frame 1 at .341715 (from the capture).
    assert_eq!(hs.rtt_ns, Some(132_768_000));
    assert_eq!(a.analyzer().tcp_state(0), Some(ConnState::Established));
}

#[test]
fn refused_connection() {
    let (_, f) = run("tcp_refuseconnection.pcapng");
    assert_eq!(f[1].state, ConnState::Refused);
    assert_eq!(f[1].role, Role::Server);
}

#[test]
fn teardown_mid_stream_and_both_fins() {
    let (_, f) = run("tcp_teardown.pcapng");
    assert_eq!(
        f[0].state,
        ConnState::HalfClosed {
            first_fin: Role::Unknown
        }
    );
    assert_eq!(f[2].state, ConnState::Closing);
    assert_eq!(f[3].state, ConnState::Closed);
    let (a, f) = run("http_ip4and6.pcapng");
    assert_eq!(
        f[7].state,
        ConnState::HalfClosed {
            first_fin: Role::Client
        }
    );
    assert_eq!(a.analyzer().tcp_state(0), Some(ConnState::Closed));
    assert_eq!(a.analyzer().tcp_state(1), Some(ConnState::Closed));
}

#[test]
fn reasons_name_frames_and_numbers() {
    let (_, f) = run("tcp_retransmissions.pcapng");
    let r = &f[1].reasons;
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].0, AnalysisFlag::Retransmission);
    assert_eq!(
        r[0].1,
        "seq 1 was already sent in frame 1 and not acknowledged"
    );
    let (_, f) = run("tcp_dupack.pcapng");
    assert!(f[2]
        .reasons
        .iter()
        .any(|(fl, s)| *fl == AnalysisFlag::DuplicateAck
            && s.contains("duplicate #1")
            && s.contains("frame 1")));
    let fast = &f[7].reasons;
    assert!(fast
        .iter()
        .any(|(fl, s)| *fl == AnalysisFlag::FastRetransmission && s.contains("3 duplicate ACKs")));
    // Every set flag has a sentence, and only set flags do.
    for facts in &f {
        for (flag, _) in &facts.reasons {
            assert!(facts.flags.contains(*flag));
        }
    }
}

#[test]
fn conversation_table_state_column() {
    let (a, _) = run("tcp_handshake.pcapng");
    let table = render_tshark(
        ConvProto::Tcp,
        a.analyzer().tcp_conversations(),
        RenderOptions {
            capture_start_ns: 0,
            with_state: true,
        },
    );
    assert!(
        table
            .lines()
            .nth(5)
            .is_some_and(|l| l.ends_with("   ESTABLISHED")),
        "{table}"
    );
}

#[test]
fn stream_info_reports_isns_and_window_scales() {
    let (a, _) = run("tcp_handshake.pcapng");
    let info = a.analyzer().tcp_stream_info(0).expect("stream 0");
    let [client, server] = &info.directions;
    assert_eq!(client.role, Role::Client);
    assert_eq!(client.isn, Some(3_691_127_924));
    assert_eq!(server.isn, Some(233_779_340));
    assert_eq!(
        client.window_scale,
        sockeye::analysis::WindowScale::Shift(2)
    );
    assert_eq!(client.next_seq_rel, 1);
    let (a, _) = run("tcp_dupack.pcapng");
    let info = a.analyzer().tcp_stream_info(0).expect("stream 0");
    assert_eq!(info.directions[0].isn, None);
    assert_eq!(
        info.directions[0].window_scale,
        sockeye::analysis::WindowScale::Unknown
    );
    assert_eq!(info.directions[1].base_seq, Some(1_310_973_185));
    assert!(a.analyzer().tcp_stream_info(1).is_none());
}

#[test]
fn server_closes_first_then_client_and_reset_after_established() {
    use crate::kit::synth::{Conv, A, F, R, S};
    let mut c = Conv::new(41000, 80);
    c.seg(0, true, S, 10, 0, 1000, 0)
        .seg(1_000, false, S | A, 20, 11, 1000, 0)
        .seg(2_000, true, A, 11, 21, 1000, 0)
        .seg(3_000, false, F | A, 21, 11, 1000, 0)
        .seg(4_000, true, A, 11, 22, 1000, 0)
        .seg(5_000, true, F | A, 11, 22, 1000, 0)
        .seg(6_000, false, A, 22, 12, 1000, 0);
    let mut d = Conv::new(41001, 80);
    d.seg(10_000, true, S, 10, 0, 1000, 0)
        .seg(11_000, false, S | A, 20, 11, 1000, 0)
        .seg(12_000, true, A, 11, 21, 1000, 0)
        .seg(13_000, true, R | A, 11, 21, 0, 0);
    c.extend(&d);
    let (a, f) = analyze(&c.frames);
    let states: Vec<ConnState> = f.iter().map(|(_, x)| x.state).collect();
    assert_eq!(
        &states[..7],
        &[
            ConnState::SynSent,
            ConnState::SynReceived,
            ConnState::Established,
            ConnState::HalfClosed {
                first_fin: Role::Server
            },
            ConnState::HalfClosed {
                first_fin: Role::Server
            },
            ConnState::Closing,
            ConnState::Closed,
        ]
    );
    assert_eq!(f[2].1.handshake.rtt_ns, Some(2_000_000));
    assert_eq!(
        a.analyzer().tcp_state(1),
        Some(ConnState::Reset { by: Role::Client })
    );
    assert_eq!(f[9].1.role, Role::Client);
}
