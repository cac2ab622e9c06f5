//! Several inputs merged by time: repeated `-r` against what `mergecap -I none` and tshark
//! 4.0 made of the same two files (recorded in tests/data/merge/), the written merge read
//! back, the source of each packet for -Y, -T json and -V, ties, damage, and live sources
//! (two network namespaces joined by a veth pair, see `vantage.rs`).

use std::path::PathBuf;

use sockeye::frame::InterfaceDesc;
use sockeye::source::{FileSource, PacketSource};

use crate::kit::{root, sockeye, stderr, stdout, textbook, Scratch};

/// dns.pcap (pcapng, microseconds, interface `en0`) and tcp_handshake shifted in time into
/// the middle of it (`editcap -F nsecpcap -t 189393641.216421`: classic pcap, nanoseconds,
/// no interface name).
fn inputs() -> (String, String) {
    (
        path(textbook("dns.pcap")),
        path(root().join("tests/data/merge/tcp_handshake_shifted.pcap")),
    )
}

fn path(p: PathBuf) -> String {
    p.to_str().expect("utf-8 path").to_string()
}

fn expected() -> String {
    std::fs::read_to_string(root().join("tests/data/merge/dns+tcp_handshake_shifted.tsv"))
        .expect("recorded merge")
}

/// The recorded header line as `-e` arguments.
fn field_args(expected: &str) -> Vec<String> {
    let header = expected.lines().next().expect("header line");
    header
        .split('\t')
        .flat_map(|f| ["-e".to_string(), f.to_string()])
        .collect()
}

fn fields_of(inputs: &[&str], expected: &str) -> String {
    let mut args: Vec<String> = Vec::new();
    for input in inputs {
        args.extend(["-r".to_string(), input.to_string()]);
    }
    args.extend(["-T", "fields", "-E", "header=y"].map(String::from));
    args.extend(field_args(expected));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = sockeye(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn two_files_merge_as_mergecap_and_tshark_number_them() {
    let (a, b) = inputs();
    let expected = expected();
    assert_eq!(fields_of(&[&a, &b], &expected), expected);
}

#[test]
fn the_written_merge_reads_back_equal_with_one_interface_per_source() {
    let (a, b) = inputs();
    let dir = Scratch::new("merge-write");
    let out_file = path(dir.join("merged.pcapng"));
    let out = sockeye(&["-r", &a, "-r", &b, "-w", &out_file]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = expected();
    assert_eq!(fields_of(&[&out_file], &expected), expected);

    // The IDBs as mergecap wrote them (capinfos -i -I of its output, recorded).
    let recorded =
        std::fs::read_to_string(root().join("tests/data/merge/dns+tcp_handshake_shifted.idb.txt"))
            .expect("recorded IDBs");
    let mut source = FileSource::open(&out_file).expect("open written merge");
    while source.next_frame().expect("read").is_some() {}
    assert_eq!(describe(&source.interfaces().snapshot()), recorded);
}

/// Interfaces as `capinfos -i -I` lists them (the lines the recording kept).
fn describe(interfaces: &[InterfaceDesc]) -> String {
    let mut text = String::new();
    for (i, d) in interfaces.iter().enumerate() {
        text += &format!("Interface #{i} info:\n");
        if let Some(name) = &d.name {
            text += &format!("Name = {name}\n");
        }
        let encap = match d.link.0 {
            1 => "Ethernet (1 - ether)".to_string(),
            other => format!("link type {other}"),
        };
        text += &format!("Encapsulation = {encap}\n");
        text += &format!("Capture length = {}\n", d.snaplen);
        if d.tsresol != 6 {
            text += &format!("Time resolution = 0x{:02x}\n", d.tsresol);
        }
    }
    text
}

#[test]
fn a_display_filter_picks_one_source_by_name() {
    let (a, b) = inputs();
    let out = sockeye(&[
        "-r",
        &a,
        "-r",
        &b,
        "-Y",
        r#"frame.interface_name == "en0""#,
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = expected();
    let wanted: Vec<&str> = expected
        .lines()
        .skip(1)
        .filter(|l| l.split('\t').nth(2) == Some("en0"))
        .filter_map(|l| l.split('\t').next())
        .collect();
    assert_eq!(stdout(&out).lines().collect::<Vec<_>>(), wanted);
    assert_eq!(wanted.len(), 7);
}

#[test]
fn json_and_the_tree_name_the_source() {
    let (a, b) = inputs();
    let out = sockeye(&["-r", &a, "-r", &b, "-T", "json", "-c", "3"]);
    // tshark's -T json: an array of packets, each frame's fields under _source.layers.frame
    // (the name either beside the id or in its subtree, as tshark nests it).
    let packets: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&out)).expect("a JSON array of packets");
    let frame = |p: &serde_json::Value| p["_source"]["layers"]["frame"].clone();
    let field = |p: &serde_json::Value, name: &str| {
        let f = frame(p);
        let v = if f[name].is_null() {
            f["frame.interface_id_tree"][name].clone()
        } else {
            f[name].clone()
        };
        v.as_str().unwrap_or("absent").to_string()
    };
    let names: Vec<String> = packets
        .iter()
        .map(|p| field(p, "frame.interface_name"))
        .collect();
    assert_eq!(names, ["en0", "en0", "unknown"]);
    let ids: Vec<String> = packets
        .iter()
        .map(|p| field(p, "frame.interface_id"))
        .collect();
    assert_eq!(ids, ["0", "0", "1"]);

    let out = sockeye(&["-r", &a, "-r", &b, "-V", "-c", "3"]);
    let tree = stdout(&out);
    // tshark -V's words for the first and third frames of the recorded merge.
    assert!(tree.contains("on interface en0, id 0\n"), "{tree}");
    assert!(tree.contains("    Interface id: 0 (en0)\n        Interface name: en0\n"));
    assert!(tree.contains("on interface unknown, id 1\n"), "{tree}");
}

#[test]
fn equal_times_keep_the_order_the_sources_were_given() {
    // A file merged with itself: every timestamp ties. sockeye is stable (the first -r
    // first); mergecap 4.0 happens to put the later file first on a tie, which is why the
    // recorded merge above has none.
    let (a, _) = inputs();
    let out = sockeye(&[
        "-r",
        &a,
        "-r",
        &a,
        "-T",
        "fields",
        "-e",
        "frame.interface_id",
        "-e",
        "frame.time_epoch",
    ]);
    let lines: Vec<String> = stdout(&out).lines().map(String::from).collect();
    assert_eq!(lines.len(), 14);
    for pair in lines.chunks(2) {
        let [first, second] = pair else {
            panic!("odd count")
        };
        assert!(first.starts_with("0\t"), "{first}");
        assert!(second.starts_with("1\t"), "{second}");
        assert_eq!(first[2..], second[2..], "same time");
    }
}

#[test]
fn damage_in_one_file_ends_the_merge_after_everything_before_it() {
    let (a, b) = inputs();
    let dir = Scratch::new("merge-damage");
    let bytes = std::fs::read(&b).expect("read capture");
    // Cut inside the third record of the shifted handshake.
    let cut = dir.file("cut.pcap", &bytes[..bytes.len() - 10]);
    let out = sockeye(&["-r", &a, "-r", &cut, "-T", "fields", "-e", "frame.number"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // Every frame of the whole file and the two whole frames of the cut one.
    assert_eq!(stdout(&out).lines().count(), 9);
    let err = stderr(&out);
    assert!(
        err.contains("capture ends in the middle of a record"),
        "{err}"
    );
    assert!(err.contains("9 packets read before it"), "{err}");
}

#[test]
fn standard_input_once_and_missing_files_are_one_clear_line() {
    let (a, _) = inputs();
    let out = sockeye(&["-r", "-", "-i", "-", "-q"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("standard input (-) can be read only once"));
    let out = sockeye(&["-r", &a, "-r", "/nonexistent/x.pcap", "-q"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("/nonexistent/x.pcap"), "{err}");
}

#[test]
fn a_stop_hands_out_what_the_merge_was_still_holding() {
    use std::process::{Command, Stdio};
    use std::time::Duration;
    if !crate::kit::netns::enter(
        module_path!(),
        "a_stop_hands_out_what_the_merge_was_still_holding",
    ) {
        return;
    }
    // `lo` plus a source that never starts: the merge holds lo's frames back for it (half
    // a second by the clock), and SIGINT comes within that hold.
    let secs = format!("{}.75", 300 + std::process::id() % 1000);
    let capture = Command::new(crate::kit::SOCKEYE)
        .args(["-i", "lo", "-i", &format!("cmd://sleep {secs}")])
        .args(["-f", "udp", "-T", "fields", "-e", "udp.length"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("capture");
    std::thread::sleep(Duration::from_millis(700));
    let rx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..5u8 {
        tx.send_to(&vec![i; 10 + usize::from(i)], rx.local_addr().unwrap())
            .unwrap();
    }
    // The ring hands over its block after 100 ms; the merge then holds the frames.
    std::thread::sleep(Duration::from_millis(250));
    crate::kit::process::signal(capture.id(), libc::SIGINT).unwrap();
    let out = crate::kit::process::wait_output(capture, Duration::from_secs(5));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "18\n19\n20\n21\n22\n", "{}", stderr(&out));
}
