//! `-z follow,tcp|udp,hex|raw,N` against what tshark 4.0 printed for the same captures.

use crate::kit::{root, sockeye, stdout, textbook};

fn expected(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/data/stats").join(name)).unwrap()
}

fn run(capture: &str, stat: &str) -> String {
    let out = sockeye(&["-r", textbook(capture).to_str().unwrap(), "-q", "-z", stat]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

#[test]
fn follow_hex_and_raw_match_tshark() {
    for mode in ["hex", "raw"] {
        for name in [
            "http_google",
            "tcp_retransmissions",
            "dns_tcp",
            "http_ip4and6",
            "tcp_zerowindowrecovery",
            "tcp_teardown",
        ] {
            let got = run(&format!("{name}.pcapng"), &format!("follow,tcp,{mode},0"));
            assert_eq!(
                got,
                expected(&format!("{name}.follow0.{mode}.txt")),
                "{name} {mode}"
            );
        }
        let got = run("udp_dnsrequest.pcapng", &format!("follow,udp,{mode},0"));
        assert_eq!(got, expected(&format!("udp_dnsrequest.follow0.{mode}.txt")));
    }
}
