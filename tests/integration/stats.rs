//! `-z follow` and `-z conv` against what tshark printed for the same captures.

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
fn follow_matches_tshark() {
    for name in [
        "http_google",
        "tcp_retransmissions",
        "dns_tcp",
        "http_ip4and6",
        "tcp_zerowindowrecovery",
        "tcp_teardown",
    ] {
        let got = run(&format!("{name}.pcapng"), "follow,tcp,ascii,0");
        assert_eq!(got, expected(&format!("{name}.follow0.txt")), "{name}");
    }
    let got = run("udp_dnsrequest.pcapng", "follow,udp,ascii,0");
    assert_eq!(got, expected("udp_dnsrequest.follow0.txt"));
}

/// Every line of tshark's table is a prefix of ours (we append the TCP state column).
fn assert_table(got: &str, want: &str, what: &str) {
    let got: Vec<&str> = got.lines().collect();
    let want: Vec<&str> = want.lines().collect();
    assert_eq!(got.len(), want.len(), "{what}:\n{}", got.join("\n"));
    for (g, w) in got.iter().zip(&want) {
        assert!(g.starts_with(w.trim_end()), "{what}:\n got: {g}\nwant: {w}");
    }
}

#[test]
fn conversations_match_tshark() {
    for name in [
        "http_google",
        "tcp_retransmissions",
        "dns_tcp",
        "http_ip4and6",
        "tcp_zerowindowrecovery",
        "tcp_teardown",
    ] {
        let got = run(&format!("{name}.pcapng"), "conv,tcp");
        assert_table(&got, &expected(&format!("{name}.convtcp.txt")), name);
    }
    assert_table(
        &run("dns.pcap", "conv,udp"),
        &expected("dns.convudp.txt"),
        "dns",
    );
    let got = run("tcp_teardown.pcapng", "conv,tcp");
    assert!(
        got.contains("CLOSED") || got.to_lowercase().contains("closed"),
        "state column: {got}"
    );
}

#[test]
fn bad_stat_is_exit_2() {
    let out = sockeye(&[
        "-r",
        textbook("dns.pcap").to_str().unwrap(),
        "-z",
        "io,nothing",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
