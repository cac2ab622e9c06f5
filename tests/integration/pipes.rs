//! Captures that arrive over time: a FIFO fed slowly shows each packet (headless and in the
//! UI's store and title) before the next one is written, and a signal ends sockeye
//! promptly while it waits on an idle pipe, with every decoded line printed and `-w`
//! complete.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sockeye::source::{FileSource, PacketSource};
use sockeye::tui::app::{App, AppOptions};

use crate::kit;
use crate::kit::process::{signal as kill, wait_status};

const BIN: &str = env!("CARGO_BIN_EXE_sockeye");

/// The packets of a textbook capture as classic pcap: the file header, then each record.
fn pcap_stream(name: &str) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut src = FileSource::open(kit::textbook(name).to_str().unwrap()).unwrap();
    let mut header = Vec::new();
    header.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    header.extend_from_slice(&2u16.to_le_bytes());
    header.extend_from_slice(&4u16.to_le_bytes());
    header.extend_from_slice(&[0; 8]);
    header.extend_from_slice(&65_535u32.to_le_bytes());
    header.extend_from_slice(&u32::from(src.link_type().0 as u16).to_le_bytes());
    let mut records = Vec::new();
    while let Some(frame) = src.next_frame().unwrap() {
        let mut r = Vec::new();
        let secs = (frame.ts_ns / 1_000_000_000) as u32;
        let usecs = ((frame.ts_ns % 1_000_000_000) / 1000) as u32;
        for v in [secs, usecs, frame.data.len() as u32, frame.orig_len] {
            r.extend_from_slice(&v.to_le_bytes());
        }
        r.extend_from_slice(frame.data);
        records.push(r);
    }
    (header, records)
}

fn fifo(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sockeye-pipes-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("feed");
    let ok = Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(ok.success(), "mkfifo");
    path
}

/// Lines of `child`'s stdout, as they come.
fn lines_of(child: &mut Child) -> Receiver<String> {
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Kills the child by pid when the test ends, whatever happened.
struct Reap(Child);

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// sockeye with `args`, printing each packet's number on a line, and those lines as they
/// come.
fn frame_numbers(args: &[&str]) -> (Reap, Receiver<String>) {
    let child = Command::new(BIN)
        .args(args)
        .args(["-T", "fields", "-e", "frame.number"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Reap(child);
    let lines = lines_of(&mut child.0);
    (child, lines)
}

#[test]
fn a_slow_fifo_shows_each_packet_before_the_next_is_written() {
    let path = fifo("slow");
    let (header, records) = pcap_stream("tcp_handshake.pcapng");
    let (mut child, lines) = frame_numbers(&["-r", path.to_str().unwrap()]);
    let mut feed = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    feed.write_all(&header).unwrap();
    for (i, record) in records.iter().enumerate() {
        feed.write_all(record).unwrap();
        feed.flush().unwrap();
        let line = lines
            .recv_timeout(Duration::from_secs(3))
            .unwrap_or_else(|_| panic!("packet {} not shown before the next was written", i + 1));
        assert_eq!(line, (i + 1).to_string());
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(feed);
    let status = wait_status(&mut child.0, Duration::from_secs(5)).expect("exit at EOF");
    assert!(status.success());
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

fn signal_while_blocked(signal: libc::c_int, tag: &str) {
    let dir = std::env::temp_dir().join(format!("sockeye-sig-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("out.pcap");
    let (header, records) = pcap_stream("tcp_handshake.pcapng");
    let child = Command::new(BIN)
        .args(["-r", "-", "-T", "fields", "-e", "frame.number", "-w"])
        .arg(&out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Reap(child);
    let lines = lines_of(&mut child.0);
    let mut stdin = child.0.stdin.take().unwrap();
    stdin.write_all(&header).unwrap();
    for r in &records {
        stdin.write_all(r).unwrap();
    }
    stdin.flush().unwrap();
    // Every packet is printed while the pipe stays open and idle.
    for i in 1..=records.len() {
        let line = lines.recv_timeout(Duration::from_secs(3)).expect("line");
        assert_eq!(line, i.to_string());
    }
    let pid = child.0.id();
    let sent = Instant::now();
    kill(pid, signal).expect("signal sockeye");
    let status = wait_status(&mut child.0, Duration::from_secs(5)).expect("sockeye exited");
    let took = sent.elapsed();
    assert!(took < Duration::from_secs(1), "took {took:?} to stop");
    assert!(status.success(), "{status:?}");
    drop(stdin);
    let mut back = FileSource::open(out.to_str().unwrap()).unwrap();
    let mut n = 0;
    while back.next_frame().unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, records.len(), "-w holds every packet");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sigterm_ends_a_read_blocked_on_an_idle_pipe() {
    signal_while_blocked(libc::SIGTERM, "term");
}

#[test]
fn sigint_ends_a_read_blocked_on_an_idle_pipe() {
    signal_while_blocked(libc::SIGINT, "int");
}

fn title(app: &App) -> String {
    let screen = crate::ui::screen(app);
    screen.lines().next().unwrap_or_default().to_string()
}

#[test]
fn the_ui_shows_a_slow_fifo_live_then_complete() {
    let path = fifo("ui");
    let (header, records) = pcap_stream("tcp_handshake.pcapng");
    let written = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (path, records, written) = (path.clone(), records.clone(), Arc::clone(&written));
        std::thread::spawn(move || write_slowly(&path, &header, &records, &written))
    };
    let job = sockeye::store::spawn_file_indexer(path.to_str().unwrap()).unwrap();
    let mut app = App::new(Arc::clone(&job.store), AppOptions::default());
    app.resize(100, 30);
    let until = Instant::now() + Duration::from_secs(20);
    let mut last_written = 0;
    let mut late = Vec::new();
    loop {
        let now_written = written.load(Ordering::SeqCst);
        let len = sockeye::store::lock(&job.store).len();
        // A new record was written: the one before it must already be on screen.
        if now_written > last_written {
            if len < now_written - 1 {
                late.push(now_written - 1);
            }
            last_written = now_written;
        }
        if len == records.len() || Instant::now() > until {
            break;
        }
        app.tick(Duration::ZERO);
        if len > 0 {
            let t = title(&app);
            assert!(t.contains("live ● reading"), "{t}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        late.is_empty(),
        "packets not stored before the next was written: {late:?}"
    );
    app.tick(Duration::ZERO);
    let t = title(&app);
    assert!(t.contains(&format!("{} packets", records.len())), "{t}");
    writer.join().unwrap();
    while !sockeye::store::lock(&job.store).done && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    app.tick(Duration::ZERO);
    assert!(title(&app).contains("complete"), "{}", title(&app));
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

/// Writes the header, then one record every 200 ms, counting them in `written` just
/// before each write.
fn write_slowly(path: &Path, header: &[u8], records: &[Vec<u8>], written: &AtomicUsize) {
    let mut feed = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    feed.write_all(header).unwrap();
    for r in records {
        written.fetch_add(1, Ordering::SeqCst);
        feed.write_all(r).unwrap();
        feed.flush().unwrap();
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn follow_shows_packets_appended_to_a_growing_file() {
    let dir = std::env::temp_dir().join(format!("sockeye-follow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("growing.pcap");
    let (header, records) = pcap_stream("tcp_handshake.pcapng");
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(&header).unwrap();
    file.write_all(&records[0]).unwrap();
    file.flush().unwrap();
    let (mut child, lines) = frame_numbers(&["-r", path.to_str().unwrap(), "--follow"]);
    assert_eq!(lines.recv_timeout(Duration::from_secs(3)).unwrap(), "1");
    for (i, record) in records.iter().enumerate().skip(1) {
        std::thread::sleep(Duration::from_millis(150));
        file.write_all(record).unwrap();
        file.flush().unwrap();
        let line = lines
            .recv_timeout(Duration::from_secs(3))
            .expect("appended packet shown");
        assert_eq!(line, (i + 1).to_string());
    }
    let pid = child.0.id();
    kill(pid, libc::SIGINT).expect("signal sockeye");
    let status = wait_status(&mut child.0, Duration::from_secs(2)).expect("stopped");
    assert!(status.success());
    let _ = std::fs::remove_dir_all(dir);
}

/// A complete file's summary lines and `-T fields` rows are formatted a batch at a time on
/// a second thread; a pipe's one by one on the reading thread. Both give the same bytes,
/// over many batches, with `-c` ending mid-batch, with a display filter and with tshark's
/// `-E` options.
#[test]
fn a_file_and_the_same_bytes_through_a_pipe_print_the_same_lines() {
    let dir = kit::Scratch::new("parallel-lines");
    let file = dir.join("gen.pcap");
    let made = Command::new(env!("CARGO_BIN_EXE_sockeye-gen"))
        .args([file.to_str().unwrap_or_default(), "3000", "7"])
        .output()
        .expect("run sockeye-gen");
    assert!(made.status.success(), "{}", kit::stderr(&made));
    let bytes = std::fs::read(&file).expect("read the generated capture");
    for extra in [
        &[][..],
        &["-c", "1001"],
        &["-Y", "tcp.flags.syn == 1 || dns"],
        &[
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "ip.src",
            "-e",
            "tcp.seq",
            "-e",
            "tcp.analysis.ack_rtt",
            "-e",
            "_ws.col.Info",
            "-e",
            "dns.a",
            "-E",
            "occurrence=a",
            "-E",
            "quote=d",
            "-E",
            "header=y",
        ],
        &[
            "-T",
            "fields",
            "-e",
            "frame.protocols",
            "-e",
            "http.request.uri",
            "-e",
            "udp.stream",
            "-Y",
            "!(tcp.len == 0) || udp",
            "-c",
            "2000",
        ],
    ] {
        let mut args = vec!["-r", file.to_str().unwrap_or_default()];
        args.extend_from_slice(extra);
        let from_file = kit::sockeye(&args);
        assert!(from_file.status.success(), "{}", kit::stderr(&from_file));
        let mut args = vec!["-r", "-"];
        args.extend_from_slice(extra);
        let mut child = Command::new(BIN)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start sockeye -r -");
        let mut stdin = child.stdin.take().expect("stdin");
        let fed = bytes.clone();
        let feeder = std::thread::spawn(move || {
            let _ = stdin.write_all(&fed);
        });
        // Read while it writes (3,000 lines fill a pipe); killed by pid if it hangs.
        let pid = child.id();
        let (done, output) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(child.wait_with_output());
        });
        let Ok(Ok(from_pipe)) = output.recv_timeout(Duration::from_secs(60)) else {
            let _ = kill(pid, libc::SIGKILL);
            panic!("sockeye -r - {extra:?} did not finish");
        };
        let _ = feeder.join();
        let (a, b) = (kit::stdout(&from_file), kit::stdout(&from_pipe));
        assert!(
            a.lines().count() > 500,
            "{extra:?}: {} lines",
            a.lines().count()
        );
        assert_eq!(a, b, "{extra:?}");
    }
}
