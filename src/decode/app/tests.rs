//! Byte fixtures for the application parsers (real bytes from the textbook captures, and
//! hand-made messages where no capture has the protocol), and every truncation of each:
//! never a panic, and a damaged message says where decoding stopped.

use super::*;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// dns_query_response.pcapng frame 2.
const DNS_RESPONSE: &str = "180f818000010001000000000977697265736861726b036f72670000010001c00c000100010000384000048079327a";
/// dns_query_nonexistent.pcapng frame 2 (NXDOMAIN with an SOA in the authority section).
const DNS_NXDOMAIN: &str = "f23f81830001000000010000173132343938323833373139333031333832393731393734036e65740000010001c0240006000100000383003d01610c67746c642d73657276657273c024056e73746c640c766572697369676e2d67727303636f6d0058de667e000007080000038400093a8000015180";
/// mail_receiver_server_3.pcapng frame 24: a TLS 1.2 Client Hello in a TLS 1.0 record.
const CLIENT_HELLO: &str = "16030100a00100009c03031089948b2319e04c1697f8952d5cc4ded467261b480ae3aba28703e8beff24b5000016c02bc02fc00ac009c013c01400330039002f0035000a0100005d0000001b00190000166d61696c30322e637962657264796e652e6c6f63616cff01000100000a00080006001700180019000b0002010000230000000500050100000000000d001600140401050106010201040305030603020304020202";

fn dhcp_request() -> Vec<u8> {
    // dhcp_inlease_renewal.pcapng frame 1: the fixed header is zeros but for these fields.
    let mut b = vec![0u8; 236];
    b[..8].copy_from_slice(&hex("0101060081bcc90f"));
    b[28..34].copy_from_slice(&hex("000c2959fd21"));
    b.extend_from_slice(&hex(
        "638253633501033204c0a8010a0c077562756e747532370d011c02030f06770c2c2f1a792aff",
    ));
    b
}

#[test]
fn dns_response_fields_and_info() {
    let d = dns::parse(&hex(DNS_RESPONSE), dns::Flavor::Dns, false).unwrap();
    assert_eq!(d.id, 0x180f);
    assert!(d.is_response());
    assert_eq!(d.questions[0].name, "wireshark.org");
    let mut info = String::new();
    d.info(&mut info);
    assert_eq!(
        info,
        "Standard query response 0x180f A wireshark.org A 128.121.50.122"
    );
    assert_eq!(d.malformed, None);
    let nx = dns::parse(&hex(DNS_NXDOMAIN), dns::Flavor::Dns, false).unwrap();
    let mut info = String::new();
    nx.info(&mut info);
    assert_eq!(
        info,
        "Standard query response 0xf23f No such name A 12498283719301382971974.net SOA a.gtld-servers.net"
    );
}

#[test]
fn dns_every_truncation_stops_with_a_reason() {
    for fixture in [DNS_RESPONSE, DNS_NXDOMAIN] {
        let whole = hex(fixture);
        for len in 0..whole.len() {
            match dns::parse(&whole[..len], dns::Flavor::Dns, false) {
                None => assert!(len < 12, "header present at {len} but no message"),
                Some(d) => assert!(
                    d.malformed.is_some(),
                    "{len} of {} bytes decoded without saying it stopped",
                    whole.len()
                ),
            }
        }
    }
}

#[test]
fn dns_over_tcp_reads_the_length_prefix() {
    let body = hex(DNS_RESPONSE);
    let mut framed = (body.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(&body);
    let d = dns::parse(&framed, dns::Flavor::Dns, true).unwrap();
    assert_eq!(d.tcp_length, Some(body.len() as u16));
    assert_eq!(d.records.len(), 1);
}

#[test]
fn dns_compression_loops_end() {
    // A question whose name is a pointer to itself.
    let mut msg = hex("000001000001000000000000");
    msg.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
    let d = dns::parse(&msg, dns::Flavor::Dns, false).unwrap();
    assert!(d.questions.is_empty());
    assert!(d.malformed.unwrap().why.contains("question name"));
}

#[test]
fn mdns_and_llmnr_share_the_dns_fields() {
    let d = dns::parse(&hex(DNS_RESPONSE), dns::Flavor::Mdns, false).unwrap();
    assert_eq!((d.column(), d.protocol_name()), ("MDNS", "mdns"));
    let d = dns::parse(&hex(DNS_RESPONSE), dns::Flavor::Llmnr, false).unwrap();
    assert_eq!((d.column(), d.protocol_name()), ("LLMNR", "llmnr"));
}

#[test]
fn dhcp_request_and_truncations() {
    let whole = dhcp_request();
    let d = dhcp::parse(&whole).unwrap();
    let mut info = String::new();
    d.info(&mut info);
    assert_eq!(info, "DHCP Request  - Transaction ID 0x81bcc90f");
    assert_eq!(d.message_type(), Some(3));
    for len in 0..whole.len() {
        match dhcp::parse(&whole[..len]) {
            None => assert!(len < 8),
            Some(d) if len < 236 => assert!(d.malformed.unwrap().why.contains("236")),
            Some(d) => {
                // Options cut short say so; a cut at an option boundary is just fewer options.
                let _ = d.options.len();
            }
        }
    }
    let cut = dhcp::parse(&whole[..whole.len() - 20]).unwrap();
    assert!(cut.malformed.unwrap().why.contains("runs past the end"));
}

#[test]
fn dhcpv6_solicit() {
    // Solicit, xid 0x2b5e2c, Client Identifier (DUID-LLT) and Elapsed Time.
    let msg = hex("012b5e2c0001000e000100011c39cf8808002782ff7100080002ffff");
    let d = dhcpv6::parse(&msg).unwrap();
    let mut info = String::new();
    d.info(&mut info);
    assert_eq!(
        info,
        "Solicit XID: 0x2b5e2c CID: 000100011c39cf8808002782ff71 "
    );
    for len in 0..msg.len() {
        if let Some(d) = dhcpv6::parse(&msg[..len]) {
            if len > 4 && len != 22 {
                assert!(d.malformed.is_some(), "{len}");
            }
        }
    }
}

#[test]
fn tls_client_hello_and_truncations() {
    let whole = hex(CLIENT_HELLO);
    let mut dir = tls::Direction::default();
    let Parse::Done(t, used) = tls::parse(&whole, &mut dir) else {
        panic!("client hello not parsed");
    };
    assert_eq!(used, whole.len());
    let h = &t.records[0].handshakes[0];
    assert_eq!(h.msg_type, 1);
    assert_eq!(h.version, Some(0x0303));
    assert_eq!(h.server_name.as_deref(), Some("mail02.cyberdyne.local"));
    assert_eq!(h.ciphersuites.len(), 11);
    for len in 0..whole.len() {
        let mut dir = tls::Direction::default();
        assert!(
            matches!(tls::parse(&whole[..len], &mut dir), Parse::More { .. }),
            "{len} bytes of one record must wait for the rest"
        );
    }
    assert_eq!(tls::parse(b"GET / HTTP/1.1\r\n", &mut dir), Parse::NotMine);
}

#[test]
fn http_request_response_and_truncations() {
    let request =
        b"GET / HTTP/1.1\r\nUser-Agent: curl/7.35.0\r\nHost: 172.16.16.139\r\nAccept: */*\r\n\r\n";
    let Parse::Done(h, used) = http::parse(request) else {
        panic!("request not parsed");
    };
    assert_eq!(used, request.len());
    assert_eq!(h.header("host"), Some("172.16.16.139"));
    let mut info = String::new();
    h.info(&mut info);
    assert_eq!(info, "GET / HTTP/1.1 ");
    for len in 1..request.len() {
        assert!(matches!(
            http::parse(&request[..len]),
            Parse::More { .. } | Parse::NotMine
        ));
    }
    let response = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello";
    let Parse::Done(h, _) = http::parse(response) else {
        panic!("response not parsed");
    };
    let mut info = String::new();
    h.info(&mut info);
    assert_eq!(info, "HTTP/1.1 200 OK  (text/html)");
    // Headers complete, body short: tshark has already written the start line.
    assert_eq!(
        http::parse(&response[..response.len() - 2]),
        Parse::More {
            info: Some("HTTP/1.1 200 OK ".into()),
            need: Some(response.len()),
        }
    );
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    let Parse::Done(h, used) = http::parse(chunked) else {
        panic!("chunked not parsed");
    };
    assert_eq!((h.body.as_slice(), used), (&b"abc"[..], chunked.len()));
}

#[test]
fn smtp_pipelined_commands_and_multiline_replies() {
    let c = smtp::parse_commands(b"MAIL FROM:<a@b> SIZE=1\r\nRCPT TO:<c@d>\r\nDATA\r\n");
    let s = smtp::Smtp::Commands(c);
    let mut info = String::new();
    s.info(&mut info);
    assert_eq!(info, "C: MAIL FROM:<a@b> SIZE=1 | RCPT TO:<c@d> | DATA");
    let r = smtp::parse_replies(b"250-mail02\r\n250-PIPELINING\r\n250 DSN\r\n");
    let s = smtp::Smtp::Replies(r);
    let mut info = String::new();
    s.info(&mut info);
    assert_eq!(info, "S: 250-mail02 | PIPELINING | DSN");
    assert_eq!(s.reply_codes().collect::<Vec<_>>(), vec![250]);
    let imf = smtp::parse_imf(
        b"From: A <a@b>\r\nSubject: Hi\r\n there\r\nContent-Type: text/plain\r\n\r\nbody\r\n",
    );
    let mut info = String::new();
    imf.info(&mut info);
    assert_eq!(info, "from: A <a@b>, subject: Hi there,  (text/plain)");
    assert_eq!(smtp::data_end(b"x\r\n.\r\nQUIT\r\n", false), Some((3, 6)));
    assert_eq!(smtp::data_end(b".\r\n", true), Some((0, 3)));
}

#[test]
fn ftp_lines_and_data_endpoints() {
    let peer: std::net::IpAddr = "192.0.2.2".parse().unwrap();
    let reply = ftp::parse(b"227 Entering Passive Mode (192,0,2,2,19,137).\r\n", false).unwrap();
    let mut info = String::new();
    reply.info(&mut info);
    assert_eq!(
        info,
        "Response: 227 Entering Passive Mode (192,0,2,2,19,137)."
    );
    assert_eq!(reply.data_endpoint(peer), Some((peer, 19 * 256 + 137)));
    let port = ftp::parse(b"PORT 10,0,0,1,4,1\r\n", true).unwrap();
    assert_eq!(
        port.data_endpoint(peer),
        Some(("10.0.0.1".parse().unwrap(), 1025))
    );
    let epsv = ftp::parse(b"229 Entering Extended Passive Mode (|||6446|)\r\n", false).unwrap();
    assert_eq!(epsv.data_endpoint(peer), Some((peer, 6446)));
    assert!(
        ftp::parse(b"USER anon", true).is_none(),
        "no complete line yet"
    );
    assert!(ftp::parse(b"PORT 1,2,3\r\n", true)
        .unwrap()
        .data_endpoint(peer)
        .is_none());
}

#[test]
fn imap_lines() {
    let i = imap::parse(b"1 STARTTLS\r\n", true).unwrap();
    assert_eq!(i.starttls_tag(), Some("1"));
    let mut info = String::new();
    i.info(&mut info);
    assert_eq!(info, "Request: 1 STARTTLS");
    let r = imap::parse(b"1 OK Begin TLS negotiation now.\r\n", false).unwrap();
    assert!(r.ok_for("1"));
}

#[test]
fn hostile_bytes_never_panic() {
    // Every parser on every prefix of some adversarial inputs.
    let inputs: [&[u8]; 5] = [
        &[0xff; 64],
        &[0; 300],
        b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        b"\x16\x03\x01\x00\x05\x0b\xff\xff\xff\xff",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
    ];
    for input in inputs {
        for len in 0..=input.len() {
            let b = &input[..len];
            let _ = dns::parse(b, dns::Flavor::Dns, false);
            let _ = dns::parse(b, dns::Flavor::Dns, true);
            let _ = dhcp::parse(b);
            let _ = dhcpv6::parse(b);
            let _ = http::parse(b);
            let _ = tls::parse(b, &mut tls::Direction::default());
            let _ = smtp::parse_commands(b);
            let _ = smtp::parse_replies(b);
            let _ = smtp::parse_imf(b);
            let _ = ftp::parse(b, true);
            let _ = imap::parse(b, false);
        }
    }
}
