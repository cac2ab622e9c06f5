//! Expert information: the `[Expert Info (Severity/Group): summary]` items of each packet,
//! read from the packet's fields (the same list the details tree and `-V` print), and
//! grouped the way Wireshark's Expert Information dialog and `tshark -z expert` group them.

use std::collections::HashMap;
use std::fmt;

use crate::decode::FieldList;
use crate::dissect::Dissection;
use crate::field::{FieldId as F, Value};

/// Wireshark's expert severities, lowest first (so `>=` reads "at least as severe").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Comment,
    Chat,
    Note,
    Warn,
    Error,
}

impl Severity {
    /// Most severe first, as Wireshark lists them.
    pub const DESCENDING: [Severity; 5] = [
        Severity::Error,
        Severity::Warn,
        Severity::Note,
        Severity::Chat,
        Severity::Comment,
    ];

    /// The word in a tree line: `[Expert Info (Warning/Sequence): …]`.
    pub fn tree_word(self) -> &'static str {
        match self {
            Severity::Comment => "Comment",
            Severity::Chat => "Chat",
            Severity::Note => "Note",
            Severity::Warn => "Warning",
            Severity::Error => "Error",
        }
    }

    /// The heading of tshark's `-z expert` section (`Warns (4)`).
    pub fn plural(self) -> &'static str {
        match self {
            Severity::Comment => "Comments",
            Severity::Chat => "Chats",
            Severity::Note => "Notes",
            Severity::Warn => "Warns",
            Severity::Error => "Errors",
        }
    }

    /// tshark's `-z expert,LEVEL` words (any case).
    pub fn from_word(word: &str) -> Option<Severity> {
        Some(match word.to_ascii_lowercase().as_str() {
            "comment" => Severity::Comment,
            "chat" => Severity::Chat,
            "note" => Severity::Note,
            "warn" => Severity::Warn,
            "error" => Severity::Error,
            _ => return None,
        })
    }
}

/// Wireshark's expert groups (the ones sockeye's items use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Checksum,
    Sequence,
    Malformed,
    Protocol,
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Group::Checksum => "Checksum",
            Group::Sequence => "Sequence",
            Group::Malformed => "Malformed",
            Group::Protocol => "Protocol",
        })
    }
}

/// One expert item of one packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertItem {
    pub severity: Severity,
    pub group: Group,
    /// The protocol that raised it, as Wireshark names it (`TCP`, `HTTP`, `Ethertype`).
    pub protocol: &'static str,
    pub summary: String,
}

/// The expert message tshark attaches to a `tcp.analysis.*` flag field.
pub fn tcp_analysis_expert(id: F) -> Option<(Severity, &'static str)> {
    use Severity::{Chat, Note, Warn};
    Some(match id {
        F::TcpAnalysisRetransmission => (Note, "This frame is a (suspected) retransmission"),
        F::TcpAnalysisFastRetransmission => {
            (Note, "This frame is a (suspected) fast retransmission")
        }
        F::TcpAnalysisSpuriousRetransmission => {
            (Note, "This frame is a (suspected) spurious retransmission")
        }
        F::TcpAnalysisOutOfOrder => (Warn, "This frame is a (suspected) out-of-order segment"),
        F::TcpAnalysisLostSegment => (
            Warn,
            "Previous segment(s) not captured (common at capture start)",
        ),
        F::TcpAnalysisAckLostSegment => (
            Warn,
            "ACKed segment that wasn't captured (common at capture start)",
        ),
        F::TcpAnalysisZeroWindow => (Warn, "TCP Zero Window segment"),
        F::TcpAnalysisZeroWindowProbe => (Note, "TCP Zero Window Probe"),
        F::TcpAnalysisZeroWindowProbeAck => (Note, "ACK to a TCP Zero Window Probe"),
        F::TcpAnalysisKeepAlive => (Note, "TCP keep-alive segment"),
        F::TcpAnalysisKeepAliveAck => (Note, "ACK to a TCP keep-alive segment"),
        F::TcpAnalysisWindowUpdate => (Chat, "TCP window update"),
        F::TcpAnalysisWindowFull => (
            Warn,
            "TCP window specified by the receiver is now completely full",
        ),
        F::TcpAnalysisReusedPorts => (
            Note,
            "A new tcp session is started with the same ports as an earlier session in this trace",
        ),
        _ => return None,
    })
}

/// The protocol name Wireshark files an item under, from a field's name prefix.
fn protocol_of(name: &str) -> &'static str {
    match name.split('.').next().unwrap_or("") {
        "eth" => "Ethertype",
        "ip" => "IPv4",
        "ipv6" => "IPv6",
        "tcp" => "TCP",
        "udp" => "UDP",
        "icmp" => "ICMP",
        "icmpv6" => "ICMPv6",
        "arp" => "ARP",
        "dns" => "DNS",
        "http" => "HTTP",
        "tls" => "TLS",
        "dhcp" => "DHCP",
        "dhcpv6" => "DHCPv6",
        "smtp" => "SMTP",
        "ftp" => "FTP",
        "imap" => "IMAP",
        _ => "Frame",
    }
}

fn is_set(value: &Value<'_>) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::U64(v) => *v != 0,
        _ => false,
    }
}

fn as_u64(value: &Value<'_>) -> Option<u64> {
    match value {
        Value::U64(v) => Some(*v),
        Value::Bool(b) => Some(u64::from(*b)),
        _ => None,
    }
}

fn text<'a>(fields: &'a FieldList<'_>, from: usize, id: F) -> &'a str {
    fields
        .fields
        .get(from..)
        .unwrap_or(&[])
        .iter()
        .find(|f| f.id == id)
        .and_then(|f| match f.value {
            Value::Text(t) => Some(t),
            _ => None,
        })
        .unwrap_or("")
}

/// The first line of an HTTP message as tshark quotes it in its Chat item (the CR LF
/// written out as `\r\n`).
fn http_first_line(fields: &FieldList<'_>, from: usize, request: bool) -> String {
    let first = |id| text(fields, from, id);
    if request {
        format!(
            "{} {} {}\\r\\n",
            first(F::HttpRequestMethod),
            first(F::HttpRequestUri),
            first(F::HttpRequestVersion)
        )
    } else {
        let code = fields
            .fields
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .find(|f| f.id == F::HttpResponseCode)
            .and_then(|f| as_u64(&f.value))
            .unwrap_or(0);
        format!(
            "{} {} {}\\r\\n",
            first(F::HttpResponseVersion),
            code,
            first(F::HttpResponsePhrase)
        )
    }
}

/// Every expert item of the packet whose fields are `fields`, in tree order.
pub fn items_of_fields(fields: &FieldList<'_>) -> Vec<ExpertItem> {
    let mut items = Vec::new();
    let mut push = |severity, group, protocol, summary: String| {
        items.push(ExpertItem {
            severity,
            group,
            protocol,
            summary,
        })
    };
    let (mut src_port, mut dst_port, mut tcp_flags) = (0, 0, 0);
    let frame_len = fields
        .first(F::FrameLen)
        .and_then(|f| as_u64(&f.value))
        .unwrap_or(0);
    let mut trailer = false;
    // tshark raises the plain retransmission item right after the fast or spurious one.
    let has = |id| fields.iter().any(|f| f.id == id);
    let retransmission_follows =
        has(F::TcpAnalysisFastRetransmission) || has(F::TcpAnalysisSpuriousRetransmission);
    let mut protocol = "Frame";
    for (index, field) in fields.iter().enumerate() {
        let name = field.def().name;
        if !name.starts_with('_') {
            protocol = protocol_of(name);
        }
        match field.id {
            F::TcpSrcport => src_port = as_u64(&field.value).unwrap_or(0),
            F::TcpDstport => dst_port = as_u64(&field.value).unwrap_or(0),
            F::TcpFlags => tcp_flags = as_u64(&field.value).unwrap_or(0),
            F::TcpFlagsSyn if is_set(&field.value) => {
                let summary = if tcp_flags & 0x10 != 0 {
                    format!("Connection establish acknowledge (SYN+ACK): server port {src_port}")
                } else {
                    format!("Connection establish request (SYN): server port {dst_port}")
                };
                push(Severity::Chat, Group::Sequence, "TCP", summary);
            }
            F::TcpFlagsFin if is_set(&field.value) => push(
                Severity::Chat,
                Group::Sequence,
                "TCP",
                "Connection finish (FIN)".into(),
            ),
            F::TcpFlagsReset if is_set(&field.value) => push(
                Severity::Warn,
                Group::Sequence,
                "TCP",
                "Connection reset (RST)".into(),
            ),
            F::TcpConnectionFinActive | F::TcpConnectionFinPassive => push(
                Severity::Note,
                Group::Sequence,
                "TCP",
                field.def().title.into(),
            ),
            F::TcpAnalysisDuplicateAckNum => push(
                Severity::Note,
                Group::Sequence,
                "TCP",
                format!(
                    "Duplicate ACK (#{})",
                    as_u64(&field.value).unwrap_or_default()
                ),
            ),
            F::HttpRequest | F::HttpResponse => push(
                Severity::Chat,
                Group::Sequence,
                "HTTP",
                http_first_line(fields, index, field.id == F::HttpRequest),
            ),
            F::EthPadding => {
                // tshark calls non-zero bytes after the network packet of a full-size
                // (60-byte) frame a trailer, not padding, and notes it — after the
                // payload's items, since it looks once the payload's dissector returned.
                if let Value::Bytes(bytes) = field.value {
                    if frame_len >= 60 && bytes.iter().any(|b| *b != 0) {
                        trailer = true;
                    }
                }
            }
            F::WsMalformed => push(
                Severity::Error,
                Group::Malformed,
                protocol,
                "Malformed Packet (Exception occurred)".into(),
            ),
            F::TcpAnalysisRetransmission if retransmission_follows => {}
            id => {
                if let Some((severity, message)) = tcp_analysis_expert(id) {
                    push(severity, Group::Sequence, "TCP", message.into());
                    if retransmission_follows
                        && matches!(
                            id,
                            F::TcpAnalysisFastRetransmission | F::TcpAnalysisSpuriousRetransmission
                        )
                        && has(F::TcpAnalysisRetransmission)
                    {
                        if let Some((severity, message)) =
                            tcp_analysis_expert(F::TcpAnalysisRetransmission)
                        {
                            push(severity, Group::Sequence, "TCP", message.into());
                        }
                    }
                } else if name.ends_with(".checksum.status") && as_u64(&field.value) == Some(0) {
                    let prefix = name.trim_end_matches(".checksum.status");
                    let should = fields
                        .iter()
                        .skip(index)
                        .find(|f| {
                            f.def()
                                .name
                                .strip_prefix(prefix)
                                .is_some_and(|rest| rest == ".checksum_calculated")
                        })
                        .and_then(|f| as_u64(&f.value));
                    if let Some(should) = should {
                        push(
                            Severity::Error,
                            Group::Checksum,
                            protocol_of(name),
                            format!("Bad checksum [should be 0x{should:04x}]"),
                        );
                    }
                }
            }
        }
    }
    if trailer {
        push(
            Severity::Note,
            Group::Protocol,
            "Ethertype",
            "Didn't find padding of zeros, and an undecoded trailer exists. \
             There may be padding of non-zeros."
                .into(),
        );
    }
    items
}

/// Every expert item of a dissected packet, in tree order.
pub fn items(d: &Dissection<'_>) -> Vec<ExpertItem> {
    let mut scratch = String::new();
    let mut fields = FieldList::new();
    d.emit_fields(&mut scratch, &mut fields);
    items_of_fields(&fields)
}

/// One line of the Expert Information table: a message and the packets that raised it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertGroup {
    pub severity: Severity,
    /// The group of the first packet that raised it (Wireshark keys on protocol and text).
    pub group: Group,
    pub protocol: &'static str,
    pub summary: String,
    /// Frame numbers, in capture order.
    pub frames: Vec<u64>,
}

/// Expert items grouped by severity, then by (protocol, summary) in order of first
/// appearance — Wireshark's grouping.
#[derive(Debug, Clone, Default)]
pub struct ExpertTable {
    /// Indexed by `Severity as usize`.
    groups: [Vec<ExpertGroup>; 5],
    /// (severity, protocol, summary) → position in its list: a capture where every
    /// packet says something different (a bad checksum each) stays linear.
    index: HashMap<(Severity, &'static str, String), usize>,
}

impl ExpertTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one packet's items.
    pub fn add(&mut self, frame: u64, items: Vec<ExpertItem>) {
        for item in items {
            let Some(list) = self.groups.get_mut(item.severity as usize) else {
                continue;
            };
            let key = (item.severity, item.protocol, item.summary);
            match self.index.get(&key).and_then(|&at| list.get_mut(at)) {
                Some(group) => group.frames.push(frame),
                None => {
                    self.index.insert(key.clone(), list.len());
                    list.push(ExpertGroup {
                        severity: item.severity,
                        group: item.group,
                        protocol: item.protocol,
                        summary: key.2,
                        frames: vec![frame],
                    });
                }
            }
        }
    }

    /// Adds a dissected packet's items.
    pub fn observe(&mut self, d: &Dissection<'_>) {
        self.add(d.info.number, items(d));
    }

    /// The groups of one severity, in order of first appearance.
    pub fn groups(&self, severity: Severity) -> &[ExpertGroup] {
        self.groups
            .get(severity as usize)
            .map_or(&[], |list| list.as_slice())
    }

    /// How many items (not groups) of this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.groups(severity).iter().map(|g| g.frames.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(severity: Severity, protocol: &'static str, summary: &str) -> ExpertItem {
        ExpertItem {
            severity,
            group: Group::Sequence,
            protocol,
            summary: summary.into(),
        }
    }

    #[test]
    fn groups_by_protocol_and_summary_in_first_order() {
        let mut table = ExpertTable::new();
        table.add(1, vec![item(Severity::Chat, "TCP", "b")]);
        table.add(2, vec![item(Severity::Chat, "TCP", "a")]);
        table.add(3, vec![item(Severity::Chat, "TCP", "b")]);
        table.add(3, vec![item(Severity::Chat, "HTTP", "b")]);
        table.add(4, vec![item(Severity::Warn, "TCP", "b")]);
        let chats = table.groups(Severity::Chat);
        let got: Vec<_> = chats
            .iter()
            .map(|g| (g.protocol, g.summary.as_str(), g.frames.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("TCP", "b", vec![1, 3]),
                ("TCP", "a", vec![2]),
                ("HTTP", "b", vec![3])
            ]
        );
        assert_eq!(table.count(Severity::Chat), 4);
        assert_eq!(table.count(Severity::Warn), 1);
        assert_eq!(table.count(Severity::Error), 0);
    }

    #[test]
    fn severity_words() {
        assert_eq!(Severity::from_word("WARN"), Some(Severity::Warn));
        assert_eq!(Severity::from_word("warning"), None);
        assert!(Severity::Error > Severity::Note);
    }
}
