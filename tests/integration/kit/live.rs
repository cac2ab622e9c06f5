//! Live capture with the real binary: a running `sockeye -i IFACE -w FILE`, marked
//! loopback traffic, and the capture read back through the product's decoder.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use sockeye::decode::decode;
use sockeye::dissect::{tcp_segment, udp_datagram, SackBlocks};
use sockeye::frame::LinkType;
use sockeye::source::{FileSource, PacketSource};

use super::process::{signal, wait_status};
use super::SOCKEYE;

pub const DATAGRAMS: usize = 20;
pub const TCP_WRITE: usize = 60 * 1024;
pub const TCP_WRITES: usize = 4;
pub const BIG_DATAGRAM: usize = 60_000;

/// A running `sockeye -i IFACE -w FILE`, with its stderr lines on a channel.
pub struct Capture {
    pub child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
    stdout: Option<std::thread::JoinHandle<String>>,
}

impl Capture {
    pub fn start(args: &[&str], file: &Path) -> Capture {
        Capture::spawn(args, file, false)
    }

    /// [`Capture::start`] keeping what sockeye prints on stdout ([`Capture::printed`]).
    pub fn start_printing(args: &[&str], file: &Path) -> Capture {
        Capture::spawn(args, file, true)
    }

    fn spawn(args: &[&str], file: &Path, keep_stdout: bool) -> Capture {
        let mut child = Command::new(SOCKEYE)
            .args(args)
            .arg("-w")
            .arg(file)
            .stdout(if keep_stdout {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn sockeye");
        let stdout = child.stdout.take().map(|mut out| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = out.read_to_string(&mut text);
                text
            })
        });
        let stderr = child.stderr.take().expect("stderr pipe");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut cap = Capture {
            child,
            lines,
            seen: Vec::new(),
            stdout,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !cap.seen.iter().any(|l| l.contains("listening on")) {
            let left = deadline.saturating_duration_since(Instant::now());
            match cap.lines.recv_timeout(left) {
                Ok(line) => cap.seen.push(line),
                Err(_) => panic!("sockeye never started listening: {:?}", cap.seen),
            }
        }
        cap
    }

    /// Everything sockeye printed on stdout, once it has exited (`stop`, or `-c`).
    pub fn printed(&mut self) -> String {
        self.stdout
            .take()
            .map(|t| t.join().expect("stdout reader"))
            .unwrap_or_default()
    }

    /// Waits for sockeye to exit by itself (`-c`), at most `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        wait_status(&mut self.child, limit).expect("sockeye did not exit by itself")
    }

    /// SIGINT, then the exit status and what sockeye printed on stdout.
    pub fn stop_printing(mut self) -> (ExitStatus, String) {
        let stdout = self.stdout.take();
        let (status, _) = self.stop();
        let printed = stdout
            .map(|t| t.join().expect("stdout reader"))
            .unwrap_or_default();
        (status, printed)
    }

    /// SIGINT, then the exit status and every stderr line.
    pub fn stop(self) -> (ExitStatus, Vec<String>) {
        self.stop_with(libc::SIGINT)
    }

    /// `signal`, then the exit status and every stderr line.
    pub fn stop_with(mut self, sig: libc::c_int) -> (ExitStatus, Vec<String>) {
        // Let the kernel retire the last partly filled ring block (100 ms timer).
        std::thread::sleep(Duration::from_millis(400));
        signal(self.child.id(), sig).expect("signal sockeye");
        let status = wait_status(&mut self.child, Duration::from_secs(15))
            .expect("sockeye did not stop within 15 s of the signal");
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(2)) {
            self.seen.push(line);
        }
        (status, self.seen)
    }
}

pub fn cap_value(status: &str, key: &str) -> u64 {
    let line = status
        .lines()
        .find(|l| l.starts_with(key))
        .unwrap_or_else(|| panic!("{key} missing from /proc status"));
    let hex = line.trim_start_matches(key).trim();
    u64::from_str_radix(hex, 16).expect("hex capability mask")
}

/// Sends the marked datagrams (each received, so none is lost before the tap) and one TCP
/// 60 000-byte datagram, and one TCP connection with 60 KiB writes. Returns the UDP port.
pub fn send_traffic() -> u16 {
    let rx = UdpSocket::bind("127.0.0.1:0").expect("bind udp");
    rx.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let port = rx.local_addr().expect("addr").port();
    let tx = UdpSocket::bind("127.0.0.1:0").expect("bind udp tx");
    let mut buf = vec![0u8; 4096];
    for i in 0..DATAGRAMS {
        tx.send_to(&datagram(i), ("127.0.0.1", port)).expect("send");
        let n = rx.recv(&mut buf).expect("datagram came back");
        assert_eq!(n, datagram(i).len());
    }
    // One 60 000-byte datagram: a single 60 028-byte IP packet under lo's 64 KiB MTU.
    tx.send_to(&vec![b'U'; BIG_DATAGRAM], ("127.0.0.1", port))
        .expect("send big");
    let mut big = vec![0u8; 65536];
    assert_eq!(rx.recv(&mut big).expect("big datagram"), BIG_DATAGRAM);

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind tcp");
    // Linux sizes a segment to at most half the peer's largest window: a 1 MiB receive
    // buffer lets the window open past 120 KiB, so later 60 KiB writes leave as one segment.
    socket2::SockRef::from(&listener)
        .set_recv_buffer_size(1 << 20)
        .expect("SO_RCVBUF");
    let addr = listener.local_addr().expect("addr");
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("accept");
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut got = Vec::new();
        conn.read_to_end(&mut got).expect("read");
        got.len()
    });
    let mut client = TcpStream::connect(addr).expect("connect");
    for _ in 0..TCP_WRITES {
        client.write_all(&vec![b'T'; TCP_WRITE]).expect("write");
    }
    client
        .shutdown(std::net::Shutdown::Write)
        .expect("shutdown");
    assert_eq!(
        server.join().expect("server thread"),
        TCP_WRITES * TCP_WRITE
    );
    port
}

pub fn datagram(i: usize) -> Vec<u8> {
    let mut d = format!("SOCKEYE-{i:03}-").into_bytes();
    d.resize(40 + i * 97, b'.');
    d
}

/// What the product's decoder finds in one frame: a UDP datagram (destination port,
/// payload) or a TCP segment (its captured payload's length).
enum Carried<'a> {
    Udp(u16, &'a [u8]),
    Tcp(usize),
}

fn carried<'a>(frame: &sockeye::frame::Frame<'a>) -> Option<Carried<'a>> {
    let packet = decode(frame);
    if let Some(d) = udp_datagram(&packet, 0, frame.ts_ns) {
        return Some(Carried::Udp(d.dst_port, d.payload));
    }
    let mut sack = SackBlocks::new();
    tcp_segment(&packet, 0, frame.ts_ns, &mut sack).map(|s| Carried::Tcp(s.payload.len()))
}

pub struct Seen {
    pub datagrams: Vec<(usize, usize)>,
    pub largest_tcp: usize,
    pub big_datagram: bool,
    pub frames: usize,
}

pub fn read_back(file: &Path, port: u16, link: LinkType) -> Seen {
    let mut src = FileSource::open(file.to_str().expect("utf-8 path")).expect("open capture");
    let mut seen = Seen {
        datagrams: Vec::new(),
        largest_tcp: 0,
        big_datagram: false,
        frames: 0,
    };
    while let Some(frame) = src.next_frame().expect("capture file is valid") {
        seen.frames += 1;
        assert_eq!(frame.link, link);
        assert_eq!(
            frame.data.len(),
            frame.orig_len as usize,
            "nothing truncated"
        );
        match carried(&frame) {
            Some(Carried::Udp(p, payload)) if p == port && payload.len() == BIG_DATAGRAM => {
                seen.big_datagram = true;
            }
            Some(Carried::Udp(p, payload)) if p == port => {
                let marker =
                    std::str::from_utf8(payload.get(8..11).expect("marker")).expect("ascii marker");
                seen.datagrams
                    .push((marker.parse().expect("index"), payload.len()));
            }
            Some(Carried::Tcp(len)) => seen.largest_tcp = seen.largest_tcp.max(len),
            _ => {}
        }
    }
    seen
}

pub fn expected_datagrams() -> Vec<(usize, usize)> {
    (0..DATAGRAMS).map(|i| (i, datagram(i).len())).collect()
}

/// A real TCP connection on 127.0.0.1 (both sockets open while this lives) and the
/// Ethernet frame of the SYN that would have opened it: what process attribution looks up.
pub struct LoopbackConnection {
    pub _listener: std::net::TcpListener,
    pub _client: std::net::TcpStream,
    pub local: std::net::SocketAddr,
    pub syn: Vec<u8>,
}

pub fn loopback_connection() -> LoopbackConnection {
    use std::net::{IpAddr, TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let server = listener.local_addr().expect("listener address");
    let client = TcpStream::connect(server).expect("connect on loopback");
    let local = client.local_addr().expect("client address");
    let v4 = |a: std::net::SocketAddr| match a.ip() {
        IpAddr::V4(v4) => v4.octets(),
        IpAddr::V6(_) => unreachable!("bound to 127.0.0.1"),
    };
    let mut syn = Vec::new();
    etherparse::PacketBuilder::ethernet2([0; 6], [0; 6])
        .ipv4(v4(local), v4(server), 64)
        .tcp(local.port(), server.port(), 1, 65535)
        .syn()
        .write(&mut syn, &[])
        .expect("build the SYN");
    LoopbackConnection {
        _listener: listener,
        _client: client,
        local,
        syn,
    }
}
