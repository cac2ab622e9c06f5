//! Two live vantage points merged: a client namespace and a server namespace joined by a
//! veth pair (no netem: the delay is small but real), captured at both ends at once — the
//! client's interface by `-i va`, the server's through a producer running sockeye inside
//! the server's namespace (`-i 'cmd://nsenter … sockeye -i vb -w -'`). Every segment of one
//! TCP connection is seen leaving one side and arriving at the other; the arriving copy
//! names its departure (`sockeye.vantage.*`). Ordering is asserted, not a number.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::kit::netns::enter;
use crate::kit::process::{signal, wait_output};
use crate::kit::SOCKEYE;

const CLIENT: &str = "10.77.0.1";
const SERVER: &str = "10.77.0.2";
const PORT: u16 = 7707;

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).output().expect("run");
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The server's namespace: a process holding it (killed on drop) and the veth pair.
struct ServerSide {
    holder: Child,
    pid: String,
}

impl ServerSide {
    fn create() -> ServerSide {
        // `unshare --net` without --fork execs sleep inside the new namespace.
        let holder = Command::new("unshare")
            .args(["--net", "sleep", "60"])
            .spawn()
            .expect("unshare --net");
        let pid = holder.id().to_string();
        std::thread::sleep(Duration::from_millis(100));
        run(
            "ip",
            &[
                "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", &pid,
            ],
        );
        run("ip", &["addr", "add", &format!("{CLIENT}/24"), "dev", "va"]);
        run("ip", &["link", "set", "va", "up"]);
        let inside = |args: &[&str]| {
            let mut all = vec!["-t", &pid, "-n"];
            all.extend_from_slice(args);
            run("nsenter", &all);
        };
        inside(&["ip", "link", "set", "lo", "up"]);
        inside(&["ip", "addr", "add", &format!("{SERVER}/24"), "dev", "vb"]);
        inside(&["ip", "link", "set", "vb", "up"]);
        ServerSide { holder, pid }
    }
}

impl Drop for ServerSide {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}

/// Connects, sends a line, reads its echo, closes: one short TCP connection.
fn one_connection() {
    let mut last = None;
    for _ in 0..50 {
        match TcpStream::connect_timeout(
            &format!("{SERVER}:{PORT}").parse().unwrap(),
            Duration::from_secs(2),
        ) {
            Ok(mut s) => {
                s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
                s.write_all(b"hello across the link\n").unwrap();
                let mut buf = [0u8; 64];
                let n = s.read(&mut buf).unwrap();
                assert_eq!(&buf[..n], b"hello across the link\n");
                return;
            }
            Err(e) => last = Some(e),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no connection to the server: {last:?}");
}

#[test]
fn two_namespaces_merged_pair_every_segment_with_its_departure() {
    if !enter(
        module_path!(),
        "two_namespaces_merged_pair_every_segment_with_its_departure",
    ) {
        return;
    }
    let server_side = ServerSide::create();
    let pid = server_side.pid.clone();
    let mut server = Command::new("nsenter")
        .args(["-t", &pid, "-n", SOCKEYE, "serve", "tcp", "--bind", SERVER])
        .args(["--port", &PORT.to_string(), "--duration", "20"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server");
    let producer = format!("cmd://nsenter -t {pid} -n {SOCKEYE} -i vb -w - -q");
    let capture = Command::new(SOCKEYE)
        .args(["-i", "va", "-i", &producer])
        // -f reaches every source of the merge: only the connection's segments.
        .args(["-f", &format!("tcp.port == {PORT}")])
        .args(["-T", "fields", "-E", "separator=|"])
        .args(["-e", "frame.number", "-e", "frame.interface_id"])
        .args(["-e", "frame.interface_name", "-e", "frame.time_epoch"])
        .args(["-e", "ip.src", "-e", "tcp.flags", "-e", "tcp.seq_raw"])
        .args([
            "-e",
            "sockeye.vantage.departure",
            "-e",
            "sockeye.vantage.departure_interface",
        ])
        .args(["-e", "sockeye.vantage.delay"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("capture");
    // Both capture sockets open (the producer starts its own sockeye) before traffic.
    std::thread::sleep(Duration::from_millis(1500));
    one_connection();
    // Let the teardown reach both captures and the merge's quiet wait pass.
    std::thread::sleep(Duration::from_millis(1000));
    signal(capture.id(), libc::SIGINT).expect("SIGINT");
    let out = wait_output(capture, Duration::from_secs(10));
    let _ = server.kill();
    let _ = server.wait();
    drop(server_side);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");

    let rows: Vec<Vec<&str>> = stdout.lines().map(|l| l.split('|').collect()).collect();
    // A handshake, a request, its echo, a teardown: at least 7 segments, each seen twice.
    assert!(rows.len() >= 14, "{stdout}\n{stderr}");
    assert_eq!(
        rows.len() % 2,
        0,
        "every segment seen at both ends: {stdout}"
    );
    let names: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[2]).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains("va"), "{names:?}");
    assert!(
        names.iter().any(|n| n.contains("-i vb")),
        "the producer's frames are named after it: {names:?}"
    );

    let mut arrivals = 0;
    let mut departed = std::collections::HashSet::new();
    for row in &rows {
        let [number, interface, _, time, src, flags, seq, dep, dep_iface, delay] = row[..] else {
            panic!("row {row:?}")
        };
        if dep.is_empty() {
            continue;
        }
        arrivals += 1;
        let number: u64 = number.parse().unwrap();
        let dep: u64 = dep.parse().unwrap();
        assert!(dep < number, "departs before it arrives: {row:?}");
        assert_ne!(dep_iface, interface, "paired across the link: {row:?}");
        assert!(departed.insert(dep), "one departure pairs once: {row:?}");
        let delay: f64 = delay.parse().unwrap();
        assert!(delay >= 0.0, "{row:?}");
        // The departure row: same segment, earlier time, on the other interface.
        let d = &rows[dep as usize - 1];
        assert_eq!(
            (d[4], d[5], d[6]),
            (src, flags, seq),
            "same segment: {d:?} {row:?}"
        );
        assert!(d[3] <= time, "{d:?} {row:?}");
        // Who sends it decides where it departs: the client's segments leave on va.
        let leaves_on_va = d[2] == "va";
        assert_eq!(leaves_on_va, src == CLIENT, "{d:?} {row:?}");
    }
    assert_eq!(arrivals * 2, rows.len(), "{stdout}");
    assert!(stderr.contains("merging 2 sources"), "{stderr}");
}

#[test]
fn the_lab_captures_both_namespaces_and_draws_each_crossing() {
    if !sockeye::sys::is_root() {
        eprintln!("SKIPPED two-vantage lab test: the lab needs root to create network namespaces");
        return;
    }
    let dir = crate::kit::Scratch::new("lab-both");
    let file = dir.join("both.pcapng");
    let file = file.to_str().unwrap();
    let out = Command::new(SOCKEYE)
        .args([
            "lab",
            "run",
            "handshake",
            "--netns",
            "--capture",
            "both",
            "-w",
            file,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let crossings: Vec<&str> = text.lines().filter(|l| l.contains("one-way")).collect();
    // Handshake, one exchange, teardown: every segment drawn once, from its side.
    assert!(crossings.len() >= 9, "{text}");
    let rightward = |l: &&str| l.contains("▶");
    assert!(
        crossings[0].contains("[SYN]") && rightward(&crossings[0]),
        "{text}"
    );
    assert!(
        crossings[1].contains("[SYN, ACK]") && !rightward(&crossings[1]),
        "{text}"
    );
    for line in &crossings {
        // Times: departure on its side, arrival on the other, never before it.
        let cells: Vec<&str> = line.split_whitespace().collect();
        let (left, right) = (cells[0], cells[cells.len() - 4]);
        let (left, right): (f64, f64) = (left.parse().unwrap(), right.parse().unwrap());
        if rightward(line) {
            assert!(left <= right, "{line}");
        } else {
            assert!(right <= left, "{line}");
        }
    }
    assert!(!text.contains("one vantage point only"), "{text}");
    // The file keeps both sides apart, as tshark would read them.
    let fields = Command::new(SOCKEYE)
        .args([
            "-r",
            file,
            "-Y",
            "tcp",
            "-T",
            "fields",
            "-e",
            "frame.interface_name",
        ])
        .output()
        .unwrap();
    let names: std::collections::BTreeSet<String> = String::from_utf8_lossy(&fields.stdout)
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["client 192.0.2.2 (veth0)", "server 192.0.2.1 (veth0)"]
    );
}

/// The committed two-vantage capture (`captures/vantage/echo-both.pcapng`): every TCP
/// segment's second sighting names the first as its departure, and leaving the pairing
/// out (a `-T fields` that reads none of it) changes no other column.
#[test]
fn the_recorded_capture_pairs_each_arrival_and_unread_pairs_change_nothing() {
    let file = crate::kit::root().join("captures/vantage/echo-both.pcapng");
    let file = file.to_str().unwrap();
    let fields = |extra: &[&str]| {
        let mut args = vec!["-r", file, "-T", "fields", "-E", "separator=|"];
        for f in [
            "frame.number",
            "frame.interface_id",
            "tcp.stream",
            "tcp.analysis.flags",
        ] {
            args.extend(["-e", f]);
        }
        args.extend(extra.iter().flat_map(|f| ["-e", *f]));
        crate::kit::stdout(&crate::kit::sockeye(&args))
    };
    let paired = fields(&[
        "sockeye.vantage.departure",
        "sockeye.vantage.departure_interface",
    ]);
    let plain = fields(&[]);
    let mut arrivals = 0;
    for (with, without) in paired.lines().zip(plain.lines()) {
        let cells: Vec<&str> = with.split('|').collect();
        assert_eq!(cells[..4].join("|"), without, "the same packet either way");
        let [number, interface, stream, _, departure, departed_on] = cells[..] else {
            panic!("{with}")
        };
        if stream.is_empty() || departure.is_empty() {
            continue;
        }
        arrivals += 1;
        // The lab wrote each segment's two sightings next to each other.
        let number: u64 = number.parse().unwrap();
        assert_eq!(departure, (number - 1).to_string(), "{with}");
        assert_ne!(departed_on, interface, "{with}");
    }
    assert_eq!(plain.lines().count(), 32);
    assert_eq!(arrivals, 14, "{paired}");
}
