//! `sockeye-gen OUT.pcap [COUNT] [SEED]`: writes a deterministic synthetic capture (see
//! `sockeye::gen`) for benchmarks and tests.

use std::process::ExitCode;

use sockeye::frame::LinkType;
use sockeye::gen::TrafficGen;
use sockeye::pcapio::CaptureWriter;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: sockeye-gen OUT.pcap|OUT.pcapng [COUNT=1000000] [SEED=1]";
    let Some(path) = args.first() else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    if path == "-h" || path == "--help" {
        println!("{usage}\nWrites COUNT synthetic packets (TCP with HTTP and TLS, DNS over UDP, 15% IPv6); the same SEED gives the same bytes.");
        return ExitCode::SUCCESS;
    }
    // An option-like name is a mistyped flag, not a file to create.
    if path.starts_with('-') {
        eprintln!("sockeye-gen: unknown option {path}\n{usage}");
        return ExitCode::from(2);
    }
    let parse = |i: usize, default: u64| args.get(i).map_or(Ok(default), |s| s.parse::<u64>());
    let (Ok(count), Ok(seed)) = (parse(1, 1_000_000), parse(2, 1)) else {
        eprintln!("sockeye-gen: COUNT and SEED must be whole numbers");
        return ExitCode::from(2);
    };
    let mut writer = match CaptureWriter::create(path, 262_144, LinkType::ETHERNET) {
        Ok(w) => w,
        Err(err) => {
            eprintln!("sockeye-gen: {err}");
            return ExitCode::from(2);
        }
    };
    let mut gen = TrafficGen::new(seed);
    for i in 0..count {
        let frame = gen.next_frame();
        if let Err(err) = writer.write_frame(&frame.as_frame()) {
            eprintln!("sockeye-gen: {err}");
            return ExitCode::from(2);
        }
        if (i + 1) % 200_000 == 0 {
            eprintln!("sockeye-gen: {} / {count} packets", i + 1);
        }
    }
    if let Err(err) = writer.flush() {
        eprintln!("sockeye-gen: {err}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
