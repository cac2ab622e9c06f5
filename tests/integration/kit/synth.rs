//! Synthetic conversations built with etherparse's `PacketBuilder`, fed to the analyzer and
//! printed in the same comma-separated layout as
//! `tshark -n -r F -T fields -E separator=, -e frame.number -e tcp.stream -e tcp.seq
//!  -e tcp.ack -e tcp.nxtseq -e tcp.window_size -e tcp.analysis.retransmission
//!  -e tcp.analysis.fast_retransmission -e tcp.analysis.spurious_retransmission
//!  -e tcp.analysis.out_of_order -e tcp.analysis.lost_segment -e tcp.analysis.ack_lost_segment
//!  -e tcp.analysis.duplicate_ack_num -e tcp.analysis.duplicate_ack_frame
//!  -e tcp.analysis.zero_window -e tcp.analysis.zero_window_probe -e tcp.analysis.keep_alive
//!  -e tcp.analysis.keep_alive_ack -e tcp.analysis.window_update -e tcp.analysis.window_full`
//! so expectations can be pasted from tshark. Set `SOCKEYE_DUMP_PCAP=dir` to write each
//! scenario as a pcap for such a comparison.

use std::net::Ipv4Addr;

use etherparse::{PacketBuilder, TcpHeader, TcpOptionElement};
use sockeye::analysis::{AnalysisFlag, TcpFacts};
use sockeye::dissect::Dissector;
use sockeye::frame::{LinkType, OwnedFrame};

use super::decoded::dissect_all;

pub const CLIENT: [u8; 4] = [10, 0, 0, 1];
pub const SERVER: [u8; 4] = [10, 0, 0, 2];

/// Flags for [`Conv::seg`].
pub const F: u16 = 0x001;
pub const S: u16 = 0x002;
pub const R: u16 = 0x004;
pub const P: u16 = 0x008;
pub const A: u16 = 0x010;

/// A TCP conversation under construction.
pub struct Conv {
    pub frames: Vec<OwnedFrame>,
    pub client_port: u16,
    pub server_port: u16,
    /// Base time: 2021-01-01, so no timestamp is zero (tshark treats 0 as "unset").
    t0_ns: i64,
}

impl Conv {
    pub fn new(client_port: u16, server_port: u16) -> Self {
        Conv {
            frames: Vec::new(),
            client_port,
            server_port,
            t0_ns: 1_609_459_200_000_000_000,
        }
    }

    /// Adds one segment at `t_us` microseconds; `from_client` picks the direction.
    #[allow(clippy::too_many_arguments)]
    pub fn seg_opts(
        &mut self,
        t_us: i64,
        from_client: bool,
        flags: u16,
        seq: u32,
        ack: u32,
        window: u16,
        len: usize,
        opts: &[TcpOptionElement],
    ) -> &mut Self {
        let (src, dst, sp, dp) = if from_client {
            (CLIENT, SERVER, self.client_port, self.server_port)
        } else {
            (SERVER, CLIENT, self.server_port, self.client_port)
        };
        let mut h = TcpHeader::new(sp, dp, seq, window);
        h.fin = flags & F != 0;
        h.syn = flags & S != 0;
        h.rst = flags & R != 0;
        h.psh = flags & P != 0;
        h.ack = flags & A != 0;
        h.acknowledgment_number = ack;
        h.set_options(opts).expect("options fit");
        // Bytes are a function of their sequence number, so a retransmission carries the
        // same bytes as the original and reassembly mistakes show up in follow output.
        let payload: Vec<u8> = (0..len as u32)
            .map(|i| {
                let pos = seq.wrapping_add(i);
                if pos % 64 == 63 {
                    b'\n'
                } else {
                    b'a' + (pos % 26) as u8
                }
            })
            .collect();
        let builder = PacketBuilder::ethernet2([2, 0, 0, 0, 0, src[3]], [2, 0, 0, 0, 0, dst[3]])
            .ipv4(
                Ipv4Addr::from(src).octets(),
                Ipv4Addr::from(dst).octets(),
                64,
            )
            .tcp_header(h);
        let mut buf = Vec::with_capacity(builder.size(payload.len()));
        builder.write(&mut buf, &payload).expect("build packet");
        self.frames
            .push(OwnedFrame::ethernet(self.t0_ns + t_us * 1000, buf));
        self
    }

    #[allow(clippy::too_many_arguments)]
    pub fn seg(
        &mut self,
        t_us: i64,
        from_client: bool,
        flags: u16,
        seq: u32,
        ack: u32,
        window: u16,
        len: usize,
    ) -> &mut Self {
        self.seg_opts(t_us, from_client, flags, seq, ack, window, len, &[])
    }

    /// Appends another conversation's frames (e.g. a second connection).
    pub fn extend(&mut self, other: &Conv) -> &mut Self {
        self.frames.extend(other.frames.iter().cloned());
        self
    }
}

fn flag(f: &TcpFacts, flag: AnalysisFlag) -> &'static str {
    if f.flags.contains(flag) {
        "1"
    } else {
        ""
    }
}

/// One tshark-style line for a segment's facts.
pub fn line(frame: u64, f: &TcpFacts) -> String {
    let (dn, df) = if f.dup_ack_num > 0 {
        (f.dup_ack_num.to_string(), f.dup_ack_frame.to_string())
    } else {
        (String::new(), String::new())
    };
    [
        frame.to_string(),
        f.stream.to_string(),
        f.seq_rel.to_string(),
        f.ack_rel.to_string(),
        f.nxtseq_rel.to_string(),
        f.window_size.to_string(),
        flag(f, AnalysisFlag::Retransmission).into(),
        flag(f, AnalysisFlag::FastRetransmission).into(),
        flag(f, AnalysisFlag::SpuriousRetransmission).into(),
        flag(f, AnalysisFlag::OutOfOrder).into(),
        flag(f, AnalysisFlag::LostSegment).into(),
        flag(f, AnalysisFlag::AckLostSegment).into(),
        dn,
        df,
        flag(f, AnalysisFlag::ZeroWindow).into(),
        flag(f, AnalysisFlag::ZeroWindowProbe).into(),
        flag(f, AnalysisFlag::KeepAlive).into(),
        flag(f, AnalysisFlag::KeepAliveAck).into(),
        flag(f, AnalysisFlag::WindowUpdate).into(),
        flag(f, AnalysisFlag::WindowFull).into(),
    ]
    .join(",")
}

/// Runs the pipeline over the frames; returns the dissector (its conversation tables) and
/// the TCP facts of each TCP frame.
pub fn analyze(frames: &[OwnedFrame]) -> (Dissector, Vec<(u64, TcpFacts)>) {
    let mut out = Vec::new();
    let dissector = dissect_all(frames, |d, _| {
        if let Some(facts) = &d.tcp {
            out.push((d.info.number, facts.clone()));
        }
    });
    (dissector, out)
}

/// Writes the scenario as a pcap when `SOCKEYE_DUMP_PCAP` names a directory.
pub fn maybe_dump(name: &str, frames: &[OwnedFrame]) {
    let Ok(dir) = std::env::var("SOCKEYE_DUMP_PCAP") else {
        return;
    };
    let path = format!("{dir}/{name}.pcap");
    let mut w = sockeye::pcapio::CaptureWriter::create(&path, 65535, LinkType::ETHERNET)
        .expect("create pcap");
    for f in frames {
        w.write_frame(&f.as_frame()).expect("write frame");
    }
    w.flush().expect("flush");
}

/// Analyzes `conv` and compares with tshark's lines (blank lines and `#` comments skipped).
pub fn assert_matches_tshark(name: &str, conv: &Conv, tshark: &str) {
    maybe_dump(name, &conv.frames);
    let (_, facts) = analyze(&conv.frames);
    let got: Vec<String> = facts.iter().map(|(n, f)| line(*n, f)).collect();
    let want: Vec<&str> = tshark
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut report = String::new();
    for i in 0..got.len().max(want.len()) {
        let g = got.get(i).map(String::as_str).unwrap_or("<missing>");
        let w = want.get(i).copied().unwrap_or("<missing>");
        if g != w {
            report.push_str(&format!("  tshark:  {w}\n  sockeye: {g}\n"));
        }
    }
    assert!(
        report.is_empty(),
        "{name}: analysis differs from tshark 4.0\n{report}"
    );
}
