//! Frames through the product's own pipeline. The analysis tests read what
//! `sockeye::dissect::Dissector` computed, and its inputs as the real decoder extracted them
//! (`sockeye::dissect::tcp_segment` / `udp_datagram`): there is no test-side parser whose
//! answers could drift from the shipped one.

use sockeye::analysis::{TcpSegment, UdpDatagram};
use sockeye::dissect::{tcp_segment, udp_datagram, Dissection, Dissector, SackBlocks};
use sockeye::frame::OwnedFrame;
use sockeye::source::{FileSource, PacketSource};

/// What the decoder handed the analysis for one frame.
pub enum Transport<'a> {
    Tcp(TcpSegment<'a>),
    Udp(UdpDatagram<'a>),
    Other,
}

/// Every frame of a capture file.
pub fn read_capture(path: &str) -> Vec<OwnedFrame> {
    let mut src = FileSource::open(path).unwrap_or_else(|e| panic!("open {path}: {e}"));
    let mut out = Vec::new();
    while let Some(f) = src
        .next_frame()
        .unwrap_or_else(|e| panic!("read {path}: {e}"))
    {
        out.push(f.to_owned());
    }
    out
}

/// Runs the pipeline over `frames` (numbered from 1), handing `each` the dissection and the
/// transport input the decoder extracted from it. Returns the dissector, whose analyzer
/// holds the conversation tables.
pub fn dissect_all(
    frames: &[OwnedFrame],
    mut each: impl FnMut(&Dissection<'_>, Transport<'_>),
) -> Dissector {
    let mut dissector = Dissector::new();
    for frame in frames {
        let frame = frame.as_frame();
        let d = dissector.dissect(&frame);
        let mut sack = SackBlocks::new();
        let transport = match tcp_segment(&d.packet, d.info.number, d.info.ts_ns, &mut sack) {
            Some(seg) => Transport::Tcp(seg),
            None => match udp_datagram(&d.packet, d.info.number, d.info.ts_ns) {
                Some(dgram) => Transport::Udp(dgram),
                None => Transport::Other,
            },
        };
        each(&d, transport);
    }
    dissector
}
