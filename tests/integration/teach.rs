//! Teaching views (`--export`) on the reference captures, as insta snapshots: what a class
//! sees on the projector, byte for byte.

use crate::kit::{sockeye, stderr, stdout, textbook};

fn export(capture: &str, view: &str, packet: u64, extra: &[&str]) -> String {
    let path = textbook(capture);
    let n = packet.to_string();
    let mut args = vec![
        "-r",
        path.to_str().unwrap(),
        "--export",
        view,
        "--packet",
        &n,
    ];
    args.extend_from_slice(extra);
    let out = sockeye(&args);
    assert!(
        out.status.success(),
        "{capture} {view} {packet}: {}",
        stderr(&out)
    );
    stdout(&out)
}

#[test]
fn handshake_views() {
    insta::assert_snapshot!(
        "handshake_ladder",
        export("tcp_handshake.pcapng", "ladder", 1, &[])
    );
    insta::assert_snapshot!(
        "handshake_mermaid",
        export("tcp_handshake.pcapng", "ladder", 1, &["--mermaid"])
    );
    insta::assert_snapshot!(
        "handshake_syn_diagram",
        export("tcp_handshake.pcapng", "diagram", 1, &[])
    );
    insta::assert_snapshot!(
        "handshake_syn_encap",
        export("tcp_handshake.pcapng", "encap", 1, &[])
    );
    let narration: Vec<String> = (1..=3)
        .map(|n| export("tcp_handshake.pcapng", "narrate", n, &[]))
        .collect();
    insta::assert_snapshot!("handshake_narration", narration.concat());
}

#[test]
fn teardown_views() {
    insta::assert_snapshot!(
        "teardown_ladder",
        export("tcp_teardown.pcapng", "ladder", 1, &[])
    );
    let narration: Vec<String> = (1..=4)
        .map(|n| export("tcp_teardown.pcapng", "narrate", n, &[]))
        .collect();
    insta::assert_snapshot!("teardown_narration", narration.concat());
}

#[test]
fn udp_ipv6_and_fragment_views() {
    insta::assert_snapshot!(
        "udp_dns_diagram",
        export("udp_dnsrequest.pcapng", "diagram", 1, &[])
    );
    insta::assert_snapshot!(
        "udp_dns_encap",
        export("udp_dnsrequest.pcapng", "encap", 1, &[])
    );
    insta::assert_snapshot!(
        "udp_dns_narration",
        export("udp_dnsrequest.pcapng", "narrate", 1, &[])
    );
    // The first IPv6 packet of the capture.
    let out = sockeye(&[
        "-r",
        textbook("http_ip4and6.pcapng").to_str().unwrap(),
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "ipv6.src",
    ]);
    let first_v6: u64 = stdout(&out)
        .lines()
        .find_map(|l| {
            l.split_once('\t')
                .filter(|(_, v6)| !v6.is_empty())
                .map(|(n, _)| n.parse().unwrap())
        })
        .expect("an IPv6 packet");
    insta::assert_snapshot!(
        "ipv6_diagram",
        export("http_ip4and6.pcapng", "diagram", first_v6, &[])
    );
    insta::assert_snapshot!(
        "ipv6_ladder",
        export("http_ip4and6.pcapng", "ladder", first_v6, &[])
    );
    insta::assert_snapshot!(
        "fragment_encap",
        export("ip_frag_source.pcapng", "encap", 1, &[])
    );
    insta::assert_snapshot!(
        "fragment_narration",
        export("ip_frag_source.pcapng", "narrate", 1, &[])
    );
    insta::assert_snapshot!(
        "refused_narration",
        export("tcp_refuseconnection.pcapng", "narrate", 2, &[])
    );
    insta::assert_snapshot!(
        "retransmission_ladder",
        export("tcp_retransmissions.pcapng", "ladder", 1, &[])
    );
}

/// A UDP conversation's ladder: the query and its answer, as text and as Mermaid.
#[test]
fn udp_ladder_export() {
    let text = export("dns_query_response.pcapng", "ladder", 1, &[]);
    assert!(text.starts_with("UDP stream 0"), "{text}");
    insta::assert_snapshot!("udp_dns_ladder", text);
    insta::assert_snapshot!(
        "udp_dns_ladder_mermaid",
        export("dns_query_response.pcapng", "ladder", 2, &["--mermaid"])
    );
}

#[test]
fn export_errors_are_clear() {
    let arp = textbook("arp_resolution.pcapng");
    let out = sockeye(&[
        "-r",
        arp.to_str().unwrap(),
        "--export",
        "ladder",
        "--packet",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("packet 1 is neither TCP nor UDP"),
        "{}",
        stderr(&out)
    );
    let path = textbook("udp_dnsrequest.pcapng");
    let out = sockeye(&[
        "-r",
        path.to_str().unwrap(),
        "--export",
        "encap",
        "--packet",
        "99",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("only 1 packets"), "{}", stderr(&out));
}

/// The application layer in the teaching views: DNS innermost in the encapsulation, its
/// header as RFC 1035 draws it, the question and the answer narrated with the frame that
/// answers and the time it took; an HTTP request and its reassembled response; a TLS
/// record's header and the handshake header inside it.
#[test]
fn application_layer_views() {
    let answer = export("dns_query_response.pcapng", "narrate", 2, &[]);
    assert!(
        answer.contains("DNS response (ID 0x180f) to the query in frame 1")
            && answer.contains("wireshark.org A 128.121.50.122"),
        "{answer}"
    );
    let narration = [
        export("dns_query_response.pcapng", "narrate", 1, &[]),
        answer,
    ];
    insta::assert_snapshot!("dns_narration", narration.concat());
    insta::assert_snapshot!(
        "dns_response_encap",
        export("dns_query_response.pcapng", "encap", 2, &[])
    );
    insta::assert_snapshot!(
        "dns_response_diagram",
        export("dns_query_response.pcapng", "diagram", 2, &[])
    );
    // http_google: the GET in frame 4, its response completed by a later segment.
    let request = export("http_google.pcapng", "narrate", 4, &[]);
    assert!(
        request.contains("HTTP request: GET /") && request.contains("completes the response"),
        "{request}"
    );
    insta::assert_snapshot!("http_request_narration", request);
    insta::assert_snapshot!(
        "http_request_encap",
        export("http_google.pcapng", "encap", 4, &[])
    );
    let out = crate::kit::sockeye(&[
        "-r",
        crate::kit::textbook("http_google.pcapng").to_str().unwrap(),
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "http.response.code",
    ]);
    let response: u64 = stdout(&out)
        .lines()
        .find_map(|l| {
            l.split_once('\t')
                .filter(|(_, code)| !code.is_empty())
                .map(|(n, _)| n.parse().unwrap())
        })
        .expect("an HTTP response");
    let text = export("http_google.pcapng", "narrate", response, &[]);
    assert!(
        text.contains("the answer to the request in frame 4"),
        "{text}"
    );
    insta::assert_snapshot!("http_response_narration", text);
    // The first TLS record of the mail capture (after STARTTLS).
    let out = crate::kit::sockeye(&[
        "-r",
        crate::kit::textbook("mail_receiver_server_3.pcapng")
            .to_str()
            .unwrap(),
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "tls.handshake.type",
    ]);
    let hello: u64 = stdout(&out)
        .lines()
        .find_map(|l| {
            l.split_once('\t')
                .filter(|(_, t)| *t == "1")
                .map(|(n, _)| n.parse().unwrap())
        })
        .expect("a Client Hello");
    let diagram = export("mail_receiver_server_3.pcapng", "diagram", hello, &[]);
    assert!(
        diagram.contains("TLS record header (RFC 8446 §5.1) and handshake header"),
        "{diagram}"
    );
    insta::assert_snapshot!("tls_client_hello_diagram", diagram);
}
