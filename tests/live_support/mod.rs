//! Helpers of the live-capture tests: entering a private namespace, running the real
//! binary, generating marked loopback traffic and reading the capture back.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use sockeye::frame::LinkType;
use sockeye::source::{FileSource, PacketSource};

pub const SOCKEYE: &str = env!("CARGO_BIN_EXE_sockeye");
pub const IN_NETNS: &str = "SOCKEYE_TEST_IN_NETNS";
pub const DATAGRAMS: usize = 20;
pub const TCP_WRITE: usize = 60 * 1024;
pub const TCP_WRITES: usize = 4;
pub const BIG_DATAGRAM: usize = 60_000;

pub fn unshare_works(args: &[&str]) -> Result<(), String> {
    let out = Command::new("unshare")
        .args(args)
        .arg("true")
        .output()
        .map_err(|e| format!("cannot run unshare: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// True when running inside the namespace (run the body); false in the outer process,
/// after the inner run finished and its result was asserted (or the test was skipped).
pub fn enter_netns(test: &str) -> bool {
    if std::env::var_os(IN_NETNS).is_some() {
        return true;
    }
    // The probe does what the real run does, so a missing `ip` is a skip reason too.
    let probe = Command::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--net",
            "sh",
            "-c",
            "ip link set lo up",
        ])
        .output();
    match probe {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            let why = String::from_utf8_lossy(&out.stderr);
            eprintln!(
                "SKIPPED {test}: no user+network namespace with lo up: {}",
                why.trim()
            );
            return false;
        }
        Err(e) => {
            eprintln!("SKIPPED {test}: cannot run unshare: {e}");
            return false;
        }
    }
    let exe = std::env::current_exe().expect("test binary path");
    let child = Command::new("unshare")
        .args(["--user", "--map-root-user", "--net", "sh", "-c"])
        .arg(r#"ip link set lo up && exec "$0" "$@""#)
        .arg(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(IN_NETNS, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn unshare");
    let out = wait_output(child, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("--- inner run of {test} ---\n{stdout}\n{stderr}");
    assert!(out.status.success(), "inner run of {test} failed");
    assert!(stdout.contains("1 passed"), "inner run did not run {test}");
    false
}

/// Waits for `child` at most `limit`, killing it past that; collects its output.
pub fn wait_output(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    while child.try_wait().expect("try_wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("collect output")
}

pub fn wait_status(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sockeye-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

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

    /// SIGINT, then the exit status and every stderr line.
    pub fn stop(self) -> (ExitStatus, Vec<String>) {
        self.stop_with(libc::SIGINT)
    }

    /// `signal`, then the exit status and every stderr line.
    pub fn stop_with(mut self, signal: libc::c_int) -> (ExitStatus, Vec<String>) {
        // Let the kernel retire the last partly filled ring block (100 ms timer).
        std::thread::sleep(Duration::from_millis(400));
        let pid = i32::try_from(self.child.id()).expect("pid");
        // SAFETY: sending a signal to our own child process.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
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
    let rcvbuf: libc::c_int = 1 << 20;
    // SAFETY: setsockopt on our own listening socket with a correctly sized c_int.
    let rc = unsafe {
        libc::setsockopt(
            std::os::fd::AsRawFd::as_raw_fd(&listener),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&rcvbuf as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "SO_RCVBUF");
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

/// Offset of the IPv4 header for the link types under test.
pub fn ip_offset(link: LinkType) -> usize {
    if link == LinkType::LINUX_SLL2 {
        20
    } else {
        14
    }
}

/// (UDP destination port, payload) or (0, TCP payload length as bytes len) per frame.
pub fn transport(data: &[u8], link: LinkType) -> Option<(u8, u16, &[u8])> {
    let ip = data.get(ip_offset(link)..)?;
    let ihl = usize::from(ip.first()? & 0x0f) * 4;
    let proto = *ip.get(9)?;
    let l4 = ip.get(ihl..)?;
    match proto {
        17 => Some((
            17,
            u16::from_be_bytes([*l4.get(2)?, *l4.get(3)?]),
            l4.get(8..)?,
        )),
        6 => {
            let off = usize::from(l4.get(12)? >> 4) * 4;
            Some((6, 0, l4.get(off..)?))
        }
        _ => None,
    }
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
        match transport(frame.data, frame.link) {
            Some((17, p, payload)) if p == port && payload.len() == BIG_DATAGRAM => {
                seen.big_datagram = true;
            }
            Some((17, p, payload)) if p == port => {
                let marker =
                    std::str::from_utf8(payload.get(8..11).expect("marker")).expect("ascii marker");
                seen.datagrams
                    .push((marker.parse().expect("index"), payload.len()));
            }
            Some((6, _, payload)) => seen.largest_tcp = seen.largest_tcp.max(payload.len()),
            _ => {}
        }
    }
    seen
}

pub fn expected_datagrams() -> Vec<(usize, usize)> {
    (0..DATAGRAMS).map(|i| (i, datagram(i).len())).collect()
}
