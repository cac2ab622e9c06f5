//! Quiz questions over one TCP/UDP packet: a value the views hide (the next sequence number,
//! the acknowledgement, the TCP header length, the checksum verdict, the flags of the
//! stream's next segment, the IP length), the student's typed answer, and a verdict that
//! says why with the arithmetic (`seq 1 + len 627 = 628`).
//!
//! The answer is always the field the pipeline computed for that packet (one truth); the
//! working is built from *other* fields of the same dissection, so a test can check that
//! the two agree on every packet of a capture.

use crate::decode::FieldList;
use crate::dissect::Dissection;
use crate::field::{FieldId, Value};

/// What a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuizKind {
    /// `tcp.nxtseq`: seq + len (+1 for SYN, +1 for FIN).
    NextSeq,
    /// `tcp.ack`: the next byte expected from the peer.
    Ack,
    /// `tcp.hdr_len`: data offset × 4.
    HeaderLength,
    /// `tcp.checksum.status` / `udp.checksum.status`.
    Checksum,
    /// The flags of the next segment of the same TCP stream.
    NextFlags,
    /// `ip.len` (IPv4) or `ipv6.plen` (IPv6).
    IpLength,
}

impl QuizKind {
    pub const ALL: [QuizKind; 6] = [
        QuizKind::NextSeq,
        QuizKind::Ack,
        QuizKind::HeaderLength,
        QuizKind::Checksum,
        QuizKind::NextFlags,
        QuizKind::IpLength,
    ];

    /// The name lesson files use (`quiz = "next-seq"`).
    pub fn name(self) -> &'static str {
        match self {
            QuizKind::NextSeq => "next-seq",
            QuizKind::Ack => "ack",
            QuizKind::HeaderLength => "header-length",
            QuizKind::Checksum => "checksum",
            QuizKind::NextFlags => "next-flags",
            QuizKind::IpLength => "ip-length",
        }
    }

    /// Whether what packet `index` says of itself (its Info column, its ladder arrow) must
    /// be hidden while this question about packet `asked` is open (indexes in capture
    /// order): the acknowledgement of the packet asked about; and for the questions about
    /// what comes next (the next sequence number, the acknowledgement, the next segment's
    /// flags) every later packet, whose `Seq=` or flags are the answer.
    pub fn hides_info(self, index: usize, asked: usize) -> bool {
        match self {
            QuizKind::Ack => index >= asked,
            QuizKind::NextSeq | QuizKind::NextFlags => index > asked,
            _ => false,
        }
    }

    /// The label of packet `index`'s ladder arrow while this question about packet `asked`
    /// is open: the asked packet's `Ack=` as `??` (the rest of its words are what the
    /// student works from), a later packet's words replaced when they would give the
    /// answer away.
    pub fn ladder_label(self, index: usize, asked: usize, label: &str) -> String {
        if self == QuizKind::Ack && index == asked {
            mask_word(label, "Ack=")
        } else if self.hides_info(index, asked) {
            HIDDEN_INFO.to_string()
        } else {
            label.to_string()
        }
    }

    /// The fields a view must not show while this question is open.
    pub fn hides(self) -> &'static [FieldId] {
        match self {
            QuizKind::NextSeq => &[FieldId::TcpNxtseq],
            QuizKind::Ack => &[FieldId::TcpAck, FieldId::TcpAckRaw],
            QuizKind::HeaderLength => &[FieldId::TcpHdrLen],
            QuizKind::Checksum => &[
                FieldId::TcpChecksumStatus,
                FieldId::TcpChecksumCalculated,
                FieldId::UdpChecksumStatus,
                FieldId::UdpChecksumCalculated,
            ],
            QuizKind::NextFlags => &[],
            QuizKind::IpLength => &[FieldId::IpLen, FieldId::Ipv6Plen],
        }
    }
}

/// What a packet list or ladder writes in place of a packet's words a question hides.
pub const HIDDEN_INFO: &str = "·· (quiz)";

/// `[ACK] Seq=1 Ack=7 Len=0` → `[ACK] Seq=1 Ack=?? Len=0`.
fn mask_word(text: &str, label: &str) -> String {
    let Some(at) = text.find(label) else {
        return text.to_string();
    };
    let start = at + label.len();
    let rest = text.get(start..).unwrap_or("");
    let end = rest.find(' ').unwrap_or(rest.len());
    format!(
        "{}??{}",
        text.get(..start).unwrap_or(""),
        rest.get(end..).unwrap_or("")
    )
}

/// The expected answer, in the form the student's text is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Number(u64),
    /// TCP flag bits (the low 9 bits of the flags field).
    Flags(u16),
    /// A checksum status as `*.checksum.status` numbers it (0 bad, 1 good, 2 unverified,
    /// 3 not present).
    Checksum(u64),
}

impl Answer {
    pub fn text(&self) -> String {
        match *self {
            Answer::Number(n) => n.to_string(),
            Answer::Flags(bits) => flag_names(bits),
            Answer::Checksum(s) => checksum_word(s).to_string(),
        }
    }
}

/// The sum behind an answer: `terms` add up to `total` (modulo 2^32 for sequence numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Working {
    pub terms: Vec<(String, u64)>,
    pub total: u64,
}

impl Working {
    fn text(&self, op: &str) -> String {
        let parts: Vec<String> = self
            .terms
            .iter()
            .map(|(label, v)| {
                if label.is_empty() {
                    v.to_string()
                } else {
                    format!("{label} {v}")
                }
            })
            .collect();
        format!("{} = {}", parts.join(op), self.total)
    }
}

/// One question about one packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub kind: QuizKind,
    /// The packet asked about (frame number).
    pub frame: u64,
    pub ask: String,
    pub answer: Answer,
    /// Why the answer is what it is, the arithmetic included.
    pub why: String,
    /// The arithmetic, when the answer is one (for the tests and the narration).
    pub working: Option<Working>,
}

/// What the student is told after answering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub right: bool,
    pub text: String,
}

/// Packets around the one asked about that some questions need: the peer's latest segment
/// before it (acknowledgements) and the stream's next segment (its flags).
#[derive(Default, Clone, Copy)]
pub struct QuizContext<'c, 'a> {
    pub peer_before: Option<&'c Dissection<'a>>,
    pub next_in_stream: Option<&'c Dissection<'a>>,
}

/// Who sent a TCP segment: its source address bytes and port.
fn sender(d: &Dissection<'_>) -> Option<(Vec<u8>, u16)> {
    let port = d.packet.tcp()?.source_port();
    let addr = match (d.packet.ipv4(), d.packet.ipv6()) {
        (Some(ip), _) => ip.source().to_vec(),
        (None, Some(ip)) => ip.source().to_vec(),
        (None, None) => Vec::new(),
    };
    Some((addr, port))
}

/// The context of packet `index` among `all` (every packet of a capture, in order): the
/// peer's latest segment before it and the stream's next segment after it.
pub fn context_in<'c, 'a>(all: &'c [Dissection<'a>], index: usize) -> QuizContext<'c, 'a> {
    let Some(d) = all.get(index) else {
        return QuizContext::default();
    };
    let (Some(stream), Some(me)) = (d.tcp.as_ref().map(|t| t.stream), sender(d)) else {
        return QuizContext::default();
    };
    let same_stream = |o: &&Dissection<'a>| o.tcp.as_ref().is_some_and(|t| t.stream == stream);
    QuizContext {
        peer_before: all
            .get(..index)
            .unwrap_or(&[])
            .iter()
            .rev()
            .filter(same_stream)
            .find(|o| sender(o).is_some_and(|s| s != me)),
        next_in_stream: all.get(index + 1..).unwrap_or(&[]).iter().find(same_stream),
    }
}

/// The fields the pipeline computed for `d`, looked up by id.
struct Fields<'s> {
    list: FieldList<'s>,
}

impl Fields<'_> {
    fn num(&self, id: FieldId) -> Option<u64> {
        match self.list.first(id)?.value {
            Value::U64(n) => Some(n),
            Value::I64(n) => u64::try_from(n).ok(),
            Value::Bool(b) => Some(u64::from(b)),
            _ => None,
        }
    }
}

/// The question of `kind` about `d`, or `None` when it does not apply to this packet (a
/// UDP datagram has no sequence numbers, a segment without ACK no acknowledgement, the
/// last segment of a stream no next one).
pub fn question(kind: QuizKind, d: &Dissection<'_>, ctx: QuizContext<'_, '_>) -> Option<Question> {
    let mut scratch = String::new();
    let mut list = FieldList::new();
    d.emit_fields(&mut scratch, &mut list);
    let f = Fields { list };
    let frame = d.info.number;
    let tcp = d.packet.tcp();
    match kind {
        QuizKind::NextSeq => {
            let tcp = tcp?;
            let answer = f.num(FieldId::TcpNxtseq)?;
            let working = seq_working(&f, tcp.syn(), tcp.fin())?;
            let seq = f.num(FieldId::TcpSeq)?;
            let len = f.num(FieldId::TcpLen)?;
            Some(Question {
                kind,
                frame,
                ask: format!(
                    "Frame {frame} has seq {seq} and carries {len} bytes{}. What is the next sequence number?",
                    syn_fin_note(tcp.syn(), tcp.fin())
                ),
                answer: Answer::Number(answer),
                why: format!(
                    "{}: the next segment from this side starts where this one ends{}.",
                    working.text(" + "),
                    if tcp.syn() || tcp.fin() {
                        " (SYN and FIN each take one sequence number)"
                    } else {
                        ""
                    }
                ),
                working: Some(working),
            })
        }
        QuizKind::Ack => {
            let tcp = tcp?;
            if !tcp.ack() {
                return None;
            }
            let answer = f.num(FieldId::TcpAck)?;
            let (why, working) = ack_why(answer, ctx.peer_before);
            Some(Question {
                kind,
                frame,
                ask: format!("What acknowledgement number does frame {frame} carry?"),
                answer: Answer::Number(answer),
                why,
                working,
            })
        }
        QuizKind::HeaderLength => {
            let tcp = tcp?;
            let answer = f.num(FieldId::TcpHdrLen)?;
            let offset = u64::from(tcp.data_offset());
            let working = Working {
                terms: vec![("data offset".into(), offset), (String::new(), 4)],
                total: offset * 4,
            };
            let options = answer.saturating_sub(20);
            Some(Question {
                kind,
                frame,
                ask: format!(
                    "Frame {frame}'s TCP data offset is {offset}. How long is its TCP header, in bytes?"
                ),
                answer: Answer::Number(answer),
                why: format!(
                    "{} bytes: the data offset counts 32-bit words (20 fixed bytes + {options} of options).",
                    working.text(" × ")
                ),
                working: Some(working),
            })
        }
        QuizKind::Checksum => {
            let (status_id, stored_id, calc_id, proto) = if tcp.is_some() {
                (
                    FieldId::TcpChecksumStatus,
                    FieldId::TcpChecksum,
                    FieldId::TcpChecksumCalculated,
                    "TCP",
                )
            } else {
                d.packet.udp()?;
                (
                    FieldId::UdpChecksumStatus,
                    FieldId::UdpChecksum,
                    FieldId::UdpChecksumCalculated,
                    "UDP",
                )
            };
            let status = f.num(status_id)?;
            let stored = f.num(stored_id).unwrap_or(0);
            let why = match status {
                0 => format!(
                    "bad: the field holds 0x{stored:04x} but the sum over pseudo-header, header and data gives 0x{:04x}.",
                    f.num(calc_id).unwrap_or(0)
                ),
                1 => format!(
                    "good: the field holds 0x{stored:04x} and the sum over pseudo-header, header and data gives 0x{stored:04x} too."
                ),
                2 => "unverified: not every byte of the segment was captured, so the sum cannot be computed.".to_string(),
                _ => "not present: UDP over IPv4 may leave the checksum 0, meaning \"not computed\".".to_string(),
            };
            Some(Question {
                kind,
                frame,
                ask: format!(
                    "Is frame {frame}'s {proto} checksum good, bad, unverified or not present?"
                ),
                answer: Answer::Checksum(status),
                why: format!("{proto} checksum {why}"),
                working: None,
            })
        }
        QuizKind::NextFlags => {
            tcp?;
            let next = ctx.next_in_stream?;
            let next_tcp = next.packet.tcp()?;
            let bits = crate::decode::tcp_flags(&next_tcp) & 0x1ff;
            let terms: Vec<(String, u64)> = FLAGS
                .iter()
                .filter(|(bit, _)| bits & bit != 0)
                .map(|(bit, name)| (format!("{name} 0x{bit:03x} ="), u64::from(*bit)))
                .collect();
            let parts: Vec<String> = terms.iter().map(|(l, v)| format!("{l} {v}")).collect();
            let working = Working {
                terms,
                total: u64::from(bits),
            };
            Some(Question {
                kind,
                frame,
                ask: format!(
                    "Which flags does the segment after frame {frame} in this stream carry (e.g. SYN, ACK)?"
                ),
                answer: Answer::Flags(bits),
                why: format!(
                    "frame {} carries [{}]: flags 0x{bits:03x} = {} = {bits}.",
                    next.info.number,
                    flag_names(bits),
                    if parts.is_empty() {
                        "no bit set".to_string()
                    } else {
                        parts.join(" + ")
                    }
                ),
                working: Some(working),
            })
        }
        QuizKind::IpLength => ip_length(&f, d, frame),
    }
}

/// seq + len (+1 SYN) (+1 FIN), modulo 2^32 as sequence numbers wrap.
fn seq_working(f: &Fields<'_>, syn: bool, fin: bool) -> Option<Working> {
    let seq = f.num(FieldId::TcpSeq)?;
    let len = f.num(FieldId::TcpLen)?;
    let mut terms = vec![("seq".to_string(), seq), ("len".to_string(), len)];
    if syn {
        terms.push(("SYN".into(), 1));
    }
    if fin {
        terms.push(("FIN".into(), 1));
    }
    let total = terms.iter().map(|(_, v)| v).sum::<u64>() % (1 << 32);
    Some(Working { terms, total })
}

fn syn_fin_note(syn: bool, fin: bool) -> &'static str {
    match (syn, fin) {
        (true, true) => " with SYN and FIN set",
        (true, false) => " with SYN set",
        (false, true) => " with FIN set",
        (false, false) => "",
    }
}

/// Why an acknowledgement is what it is: the peer's latest segment before it.
fn ack_why(answer: u64, peer: Option<&Dissection<'_>>) -> (String, Option<Working>) {
    let peer_working = peer.and_then(|p| {
        let mut scratch = String::new();
        let mut list = FieldList::new();
        p.emit_fields(&mut scratch, &mut list);
        let t = p.packet.tcp()?;
        seq_working(&Fields { list }, t.syn(), t.fin()).map(|w| (p.info.number, w))
    });
    match peer_working {
        Some((n, w)) if w.total == answer => (
            format!(
                "the peer's last segment, frame {n}: {}; ack {answer} says \"I have every byte before {answer}, send {answer} next\".",
                w.text(" + ")
            ),
            Some(w),
        ),
        Some((n, w)) => (
            format!(
                "the peer's last segment, frame {n}, ends at {} ({}), but this side acknowledges only up to {answer}: it has not received every byte before {}.",
                w.total,
                w.text(" + "),
                w.total
            ),
            None,
        ),
        None => (
            format!(
                "ack {answer} is the next byte this side expects from its peer; no earlier segment of the peer is in the capture to add up."
            ),
            None,
        ),
    }
}

/// IPv4 total length = IP header + transport header + data; IPv6 payload length =
/// extension headers + transport header + data.
fn ip_length(f: &Fields<'_>, d: &Dissection<'_>, frame: u64) -> Option<Question> {
    if d.packet.fragment {
        return None;
    }
    let mut terms: Vec<(String, u64)> = Vec::new();
    let (answer, name) = if d.packet.ipv4().is_some() {
        terms.push(("IP header".into(), f.num(FieldId::IpHdrLen)?));
        (f.num(FieldId::IpLen)?, "IP total length")
    } else {
        let ext: u64 = d
            .packet
            .layers
            .iter()
            .filter_map(|l| match &l.header {
                crate::decode::Header::Ipv6Ext { slice, .. } => Some(slice.len() as u64),
                _ => None,
            })
            .sum();
        if ext > 0 {
            terms.push(("extension headers".into(), ext));
        }
        (f.num(FieldId::Ipv6Plen)?, "IPv6 payload length")
    };
    if d.packet.tcp().is_some() {
        terms.push(("TCP header".into(), f.num(FieldId::TcpHdrLen)?));
        terms.push(("data".into(), f.num(FieldId::TcpLen)?));
    } else if d.packet.udp().is_some() {
        terms.push(("UDP length".into(), f.num(FieldId::UdpLength)?));
    } else {
        return None;
    }
    let working = Working {
        total: terms.iter().map(|(_, v)| v).sum(),
        terms,
    };
    let why = if working.total == answer {
        format!(
            "{}: the {name} counts every byte after the link header up to the end of the data.",
            working.text(" + ")
        )
    } else {
        format!(
            "the header says {answer}, but {} — the layers inside do not fill it exactly.",
            working.text(" + ")
        )
    };
    Some(Question {
        kind: QuizKind::IpLength,
        frame,
        ask: format!("What is frame {frame}'s {name}, in bytes?"),
        answer: Answer::Number(answer),
        why,
        working: Some(working),
    })
}

/// The flags in the Info column's order and spelling.
const FLAGS: [(u16, &str); 9] = [
    (0x001, "FIN"),
    (0x002, "SYN"),
    (0x004, "RST"),
    (0x008, "PSH"),
    (0x010, "ACK"),
    (0x020, "URG"),
    (0x040, "ECE"),
    (0x080, "CWR"),
    (0x100, "AE"),
];

fn flag_names(bits: u16) -> String {
    let set: Vec<&str> = FLAGS
        .iter()
        .filter(|(b, _)| bits & b != 0)
        .map(|(_, n)| *n)
        .collect();
    if set.is_empty() {
        "<None>".into()
    } else {
        set.join(", ")
    }
}

fn checksum_word(status: u64) -> &'static str {
    match status {
        0 => "bad",
        1 => "good",
        2 => "unverified",
        _ => "not present",
    }
}

#[path = "quiz_answer.rs"]
mod answer;
pub use answer::{check, wrong_answer};

#[cfg(test)]
#[path = "quiz_tests.rs"]
mod tests;
