//! The application stage on hand-built frames, for what the textbook captures lack: FTP
//! and the data connection its PASV reply announces, DHCPv6, an HTTP response split over
//! segments with a retransmission, and the bounds.

use etherparse::PacketBuilder;

use crate::dissect::{Dissection, Dissector};
use crate::frame::{Direction, Frame, LinkType};

struct Session {
    dissector: Dissector,
    frames: Vec<Vec<u8>>,
}

impl Session {
    fn new() -> Self {
        Session {
            dissector: Dissector::new(),
            frames: Vec::new(),
        }
    }

    fn tcp(&mut self, from: ([u8; 4], u16), to: ([u8; 4], u16), seq: u32, payload: &[u8]) {
        let builder = PacketBuilder::ethernet2([2; 6], [4; 6])
            .ipv4(from.0, to.0, 64)
            .tcp(from.1, to.1, seq, 65535)
            .ack(1);
        let mut bytes = Vec::new();
        builder.write(&mut bytes, payload).unwrap();
        self.frames.push(bytes);
    }

    fn udp6(&mut self, from: u16, to: u16, payload: &[u8]) {
        let builder = PacketBuilder::ethernet2([2; 6], [4; 6])
            .ipv6([0xfe; 16], [0xff; 16], 1)
            .udp(from, to);
        let mut bytes = Vec::new();
        builder.write(&mut bytes, payload).unwrap();
        self.frames.push(bytes);
    }

    /// Dissects every frame in order and returns (Protocol, Info, frame.protocols) rows.
    fn rows(&mut self) -> Vec<(String, String, String)> {
        let frames = std::mem::take(&mut self.frames);
        frames
            .iter()
            .map(|bytes| {
                let d: Dissection<'_> = self.dissector.dissect(&Frame {
                    ts_ns: 1,
                    data: bytes,
                    orig_len: bytes.len() as u32,
                    link: LinkType::ETHERNET,
                    interface: 0,
                    direction: Direction::Unknown,
                });
                let (p, i) = d.columns();
                (p.to_string(), i.to_string(), d.app.protocols.clone())
            })
            .collect()
    }
}

const CLIENT: [u8; 4] = [10, 0, 0, 1];
const SERVER: [u8; 4] = [10, 0, 0, 2];

#[test]
fn ftp_pasv_announces_the_data_connection() {
    let mut s = Session::new();
    s.tcp((SERVER, 21), (CLIENT, 40000), 1000, b"220 Welcome\r\n");
    s.tcp((CLIENT, 40000), (SERVER, 21), 1, b"PASV\r\n");
    s.tcp(
        (SERVER, 21),
        (CLIENT, 40000),
        1013,
        b"227 Entering Passive Mode (10,0,0,2,19,137).\r\n",
    );
    s.tcp(
        (SERVER, 5001),
        (CLIENT, 40001),
        7,
        b"-rw-r--r-- 1 ftp ftp 4 a.txt\r\n",
    );
    let rows = s.rows();
    assert_eq!(rows[0].0, "FTP");
    assert_eq!(rows[0].1, "Response: 220 Welcome");
    assert_eq!(rows[1].1, "Request: PASV");
    assert_eq!(rows[3].0, "FTP-DATA");
    assert_eq!(rows[3].1, "FTP Data: 30 bytes (PASV)");
    assert_eq!(rows[3].2, "eth:ethertype:ip:tcp:ftp-data:data-text-lines");
}

#[test]
fn dhcpv6_over_udp() {
    let mut s = Session::new();
    let solicit = [0x01, 0x2b, 0x5e, 0x2c, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00];
    s.udp6(546, 547, &solicit);
    let rows = s.rows();
    assert_eq!(rows[0].0, "DHCPv6");
    assert_eq!(rows[0].1, "Solicit XID: 0x2b5e2c ");
    assert_eq!(rows[0].2, "eth:ethertype:ipv6:udp:dhcpv6");
}

#[test]
fn http_response_reassembled_over_segments() {
    let mut s = Session::new();
    let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n01234";
    s.tcp((SERVER, 80), (CLIENT, 40000), 100, head);
    // The same bytes again: a retransmission is not handed to HTTP.
    s.tcp((SERVER, 80), (CLIENT, 40000), 100, head);
    s.tcp(
        (SERVER, 80),
        (CLIENT, 40000),
        100 + head.len() as u32,
        b"56789",
    );
    let rows = s.rows();
    assert_eq!(
        rows[0],
        (
            "TCP".into(),
            "HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]".into(),
            "eth:ethertype:ip:tcp".into()
        )
    );
    assert_eq!(rows[1].2, "eth:ethertype:ip:tcp");
    assert!(
        rows[1].1.starts_with("[TCP Retransmission]"),
        "{}",
        rows[1].1
    );
    assert_eq!(rows[2].0, "HTTP");
    assert_eq!(rows[2].1, "HTTP/1.1 200 OK  (text/plain)");
    assert_eq!(rows[2].2, "eth:ethertype:ip:tcp:http:data-text-lines");
}

#[test]
fn the_completing_frame_owns_the_pdu_bytes() {
    let mut s = Session::new();
    s.tcp((SERVER, 53), (CLIENT, 40000), 1, &[0x00]);
    let mut rest = vec![0x1d];
    rest.extend_from_slice(&[0x18, 0x0f, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]);
    rest.extend_from_slice(b"\x09wireshark\x03org\x00\x00\x01\x00\x01");
    s.tcp((SERVER, 53), (CLIENT, 40000), 2, &rest);
    let frames = std::mem::take(&mut s.frames);
    let mut pdus = Vec::new();
    for bytes in &frames {
        let d = s.dissector.dissect(&Frame {
            ts_ns: 1,
            data: bytes,
            orig_len: bytes.len() as u32,
            link: LinkType::ETHERNET,
            interface: 0,
            direction: Direction::Unknown,
        });
        pdus.push((
            d.app.pdu.as_ref().map(|p| p.len()),
            d.columns().0.to_string(),
        ));
    }
    assert_eq!(pdus[0], (None, "TCP".to_string()));
    assert_eq!(pdus[1], (Some(31), "DNS".to_string()));
}

#[test]
fn a_long_body_is_kept_until_whole_without_reparsing() {
    let mut s = Session::new();
    let body = vec![b'x'; 200_000];
    let mut message = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    message.extend_from_slice(&body);
    let mut seq = 1u32;
    for chunk in message.chunks(1400) {
        s.tcp((SERVER, 80), (CLIENT, 40000), seq, chunk);
        seq += chunk.len() as u32;
    }
    let rows = s.rows();
    let last = rows.len() - 1;
    assert_eq!(
        rows[0].1,
        "HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]"
    );
    for row in &rows[1..last] {
        assert_eq!(row.0, "TCP");
        assert!(
            row.1.ends_with(" [TCP segment of a reassembled PDU]"),
            "{}",
            row.1
        );
    }
    assert_eq!(rows[last].1, "HTTP/1.1 200 OK  (text/plain)");
}
