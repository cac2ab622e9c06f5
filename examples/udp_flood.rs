//! A bounded UDP flood over loopback for `benches/live_flood.sh`: sends small datagrams to
//! a bound-but-never-read socket (so the kernel sends no ICMP errors back) as fast as one
//! thread can, for at most SECS seconds and at most MAX datagrams, then prints the count.
//!
//! usage: udp_flood [SECS=5] [MAX=20000000] [PAYLOAD=64] [RATE=0] [THREADS=1]
//!
//! RATE > 0 paces the flood to about RATE datagrams per second (0 = as fast as it can).
//! THREADS > 1 shares RATE and MAX among that many senders, each with its own socket: one
//! thread's loopback sends stop near 250k datagrams/s on a small machine.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

fn arg<T: std::str::FromStr>(n: usize, default: T) -> T {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn main() -> std::io::Result<()> {
    let secs: u64 = arg(1, 5);
    // Bounded even when asked for more: at most 10^9 datagrams (the 10-minute UI flood sends
    // ~200 M).
    let max: u64 = arg(2, 20_000_000).min(1_000_000_000);
    let payload: usize = arg(3, 64);
    let rate: u64 = arg(4, 0);
    let threads: u64 = arg(5, 1).clamp(1, 16);
    let sink = UdpSocket::bind("127.0.0.1:0")?;
    let target = sink.local_addr()?;
    let deadline = Instant::now() + Duration::from_secs(secs);
    let senders: Vec<_> = (0..threads)
        .map(|_| {
            std::thread::spawn(move || {
                flood(target, deadline, max / threads, payload, rate / threads)
            })
        })
        .collect();
    let mut sent = 0;
    for sender in senders {
        sent += sender
            .join()
            .map_err(|_| std::io::Error::other("a sender panicked"))??;
    }
    drop(sink);
    println!("{sent}");
    Ok(())
}

/// One sender: at most `max` datagrams until `deadline`, paced to `rate` per second (0 =
/// as fast as it can). Returns how many it sent.
fn flood(
    target: std::net::SocketAddr,
    deadline: Instant,
    max: u64,
    payload: usize,
    rate: u64,
) -> std::io::Result<u64> {
    let tx = UdpSocket::bind("127.0.0.1:0")?;
    tx.connect(target)?;
    let data = vec![0x5a; payload];
    let start = Instant::now();
    let mut sent: u64 = 0;
    while sent < max {
        // Check the clock every 1024 sends: cheap, and bounds the overrun to microseconds.
        if sent % 1024 == 0 {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            // Ahead of the asked rate: wait until the clock catches up with the count.
            if rate > 0 {
                let due = Duration::from_secs_f64(sent as f64 / rate as f64);
                if let Some(early) = due.checked_sub(now - start) {
                    std::thread::sleep(early);
                }
            }
        }
        match tx.send(&data) {
            Ok(_) => sent += 1,
            // A full socket buffer or ENOBUFS: the datagram was not sent, try again.
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.raw_os_error() == Some(105) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(sent)
}
