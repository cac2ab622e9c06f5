//! What the application stage leaves on each frame: the decoded messages, the packet-list
//! columns, `frame.protocols`, links and a reassembled PDU's bytes, all owned.

use std::borrow::Cow;

use etherparse::defrag::IpDefragPayloadVec;

use super::AppTracker;
use crate::analysis::{TcpFacts, UdpFacts};
use crate::decode::app::{dhcp, dhcpv6, dns, ftp, http, imap, smtp, tls, Place};
use crate::decode::{self, FieldList, FrameInfo, Packet};
use crate::field::{FieldId as F, Value};

/// One application message on a frame, and where its bytes are.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub message: Message,
    /// Frame offset of the message's first byte when all of it is in this frame; `None`
    /// when it was reassembled from several segments.
    pub base: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Dns(dns::Dns),
    Http(http::Http),
    Tls(tls::Tls),
    Dhcp(dhcp::Dhcp),
    Dhcpv6(dhcpv6::Dhcpv6),
    Smtp(smtp::Smtp),
    /// The end of an SMTP DATA: the `.` line and the message it completed.
    SmtpMessage(smtp::Smtp, smtp::Imf),
    Ftp(ftp::Ftp),
    FtpData(FtpData),
    Imap(imap::Imap),
}

/// A segment of an FTP data connection, with what its control connection said about it.
#[derive(Debug, Clone, PartialEq)]
pub struct FtpData {
    pub len: usize,
    /// How the connection was set up: `PASV`, `EPASV`, `PORT`, `EPRT`.
    pub mode: &'static str,
    /// The transfer command it serves (`LIST`, `RETR a.txt`), if seen.
    pub command: Option<String>,
    /// Text (a listing, a text file): tshark shows it as lines.
    pub text: bool,
}

impl Message {
    pub(super) fn column(&self, tls_version: Option<u16>) -> Cow<'static, str> {
        match self {
            Message::Dns(d) => d.column().into(),
            Message::Http(h) => match &h.body_kind {
                Some(("json", _)) => "HTTP/JSON".into(),
                _ => "HTTP".into(),
            },
            Message::Tls(t) => {
                let record = t.records.first().map_or(0, |r| r.version);
                tls::version_name(tls_version.unwrap_or(record)).into()
            }
            Message::Dhcp(_) => "DHCP".into(),
            Message::Dhcpv6(_) => "DHCPv6".into(),
            Message::Smtp(_) => "SMTP".into(),
            Message::SmtpMessage(..) => "SMTP/IMF".into(),
            Message::Ftp(_) => "FTP".into(),
            Message::FtpData(_) => "FTP-DATA".into(),
            Message::Imap(_) => "IMAP".into(),
        }
    }

    pub(super) fn info(&self, out: &mut String) {
        match self {
            Message::Dns(d) => d.info(out),
            Message::Http(h) => h.info(out),
            Message::Tls(t) => t.info(out),
            Message::Dhcp(d) => d.info(out),
            Message::Dhcpv6(d) => d.info(out),
            Message::Smtp(s) => s.info(out),
            Message::SmtpMessage(_, imf) => imf.info(out),
            Message::Ftp(f) => f.info(out),
            Message::FtpData(d) => {
                out.push_str(&format!("FTP Data: {} bytes ({})", d.len, d.mode));
                if let Some(command) = &d.command {
                    out.push_str(&format!(" ({command})"));
                }
            }
            Message::Imap(i) => i.info(out),
        }
    }

    pub(super) fn protocols(&self, out: &mut String) {
        match self {
            Message::Dns(d) => {
                out.push(':');
                out.push_str(d.protocol_name());
            }
            Message::Http(h) => h.protocols(out),
            Message::Tls(t) => t.protocols(out),
            Message::Dhcp(_) => out.push_str(":dhcp"),
            Message::Dhcpv6(_) => out.push_str(":dhcpv6"),
            Message::Smtp(s) => {
                out.push_str(":smtp");
                if matches!(s, smtp::Smtp::DataFragment { len, .. } if *len > 0) {
                    out.push_str(":data-text-lines");
                }
            }
            Message::SmtpMessage(_, imf) => {
                out.push_str(":smtp");
                imf.protocols(out);
            }
            Message::Ftp(_) => out.push_str(":ftp"),
            Message::FtpData(d) => {
                out.push_str(":ftp-data");
                if d.text {
                    out.push_str(":data-text-lines");
                }
            }
            Message::Imap(_) => out.push_str(":imap"),
        }
    }

    fn emit<'a>(&'a self, place: Place, out: &mut FieldList<'a>) {
        match self {
            Message::Dns(d) => d.emit(place, out),
            Message::Http(h) => h.emit(place, out),
            Message::Tls(t) => t.emit(place, out),
            Message::Dhcp(d) => d.emit(place, out),
            Message::Dhcpv6(d) => d.emit(place, out),
            Message::Smtp(s) => s.emit(place, out),
            Message::SmtpMessage(s, imf) => {
                s.emit(place, out);
                imf.emit(out);
            }
            Message::Ftp(f) => f.emit(place, out),
            Message::FtpData(_) => out.fact(F::FtpData, Value::None, 0),
            Message::Imap(i) => i.emit(place, out),
        }
    }
}

/// What the application stage found out about one frame. Owned, so the UI store can keep
/// it per packet; `pdu` holds a reassembled PDU's bytes on the frame that completed it only.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppFacts {
    /// `_ws.col.Protocol`.
    pub protocol: Cow<'static, str>,
    /// `_ws.col.Info`.
    pub info: String,
    /// `frame.protocols`.
    pub protocols: String,
    pub messages: Vec<Placed>,
    /// The bytes of a PDU reassembled from several segments, completed by this frame.
    pub pdu: Option<Box<[u8]>>,
    /// `icmp.resp_to` / `icmpv6.resp_to`: the request this echo reply answers.
    pub icmp_resp_to: Option<u64>,
    pub icmpv6_resp_to: Option<u64>,
    /// Frame offset of the datagram an ICMP error quotes (its headers are decoded too).
    pub quoted_at: Option<usize>,
    /// Payload no dissector took (tshark's `data` layer): frame offset and length.
    pub data: Option<(usize, usize)>,
    /// `data` is an offset in the reassembled datagram, not in the frame.
    pub data_in_datagram: bool,
    /// Port-80 bytes tshark's HTTP took without finding a message (an `http` layer with
    /// only data in it).
    pub http_opaque: bool,
}

impl AppFacts {
    /// The columns and application-layer fields, after the frame's own layers.
    pub fn emit<'a>(&'a self, out: &mut FieldList<'a>) {
        if self.http_opaque {
            out.fact(F::Http, Value::None, 0);
        }
        if let Some(frame) = self.icmp_resp_to {
            out.fact(F::IcmpRespTo, Value::U64(frame), 1);
        }
        if let Some(frame) = self.icmpv6_resp_to {
            out.fact(F::Icmpv6RespTo, Value::U64(frame), 1);
        }
        if let Some(pdu) = &self.pdu {
            out.fact(F::TcpReassembledLength, Value::U64(pdu.len() as u64), 1);
        }
        for placed in &self.messages {
            placed.message.emit(Place { base: placed.base }, out);
        }
    }

    /// The headers an ICMP error quotes, as layers of their own (read by the network and
    /// transport fields: `icmp && udp.dstport == 53`).
    pub fn emit_quoted<'a>(&self, packet: &Packet<'a>, info: &FrameInfo, out: &mut FieldList<'a>) {
        if let Some(at) = self.quoted_at {
            let quoted = decode::decode(&quoted_frame(packet.data.get(at..).unwrap_or(&[])));
            decode::emit_quoted(&quoted, info, at, out);
        }
    }

    /// The `data` layer of payload no dissector took.
    /// `datagram`: the reassembled IP payload, when this frame completed one.
    pub fn emit_data<'a>(
        &self,
        packet: &Packet<'a>,
        datagram: Option<&'a [u8]>,
        out: &mut FieldList<'a>,
    ) {
        let Some((start, len)) = self.data else {
            return;
        };
        let source = if self.data_in_datagram {
            datagram.unwrap_or(&[])
        } else {
            packet.data
        };
        let Some(bytes) = source
            .get(start..start.saturating_add(len))
            .filter(|b| !b.is_empty())
        else {
            return;
        };
        if self.data_in_datagram {
            out.fact(F::Data, Value::None, 0);
            out.fact(F::DataData, Value::Bytes(bytes), 1);
        } else {
            out.at(F::Data, Value::None, start, len, 0);
            out.at(F::DataData, Value::Bytes(bytes), start, len, 1);
        }
        out.fact(F::DataLen, Value::U64(len as u64), 1);
    }

    /// `_ws.col.Protocol` and `_ws.col.Info` as fields.
    pub fn emit_columns<'a>(&'a self, out: &mut FieldList<'a>) {
        out.fact(F::WsColProtocol, Value::Text(&self.protocol), 0);
        out.fact(F::WsColInfo, Value::Text(&self.info), 0);
    }

    /// The facts of a frame seen on its own (no earlier frames: no reassembly, no links),
    /// for a consumer that re-decodes one stored packet.
    pub fn standalone(
        packet: &Packet<'_>,
        frame: u64,
        tcp: Option<&TcpFacts>,
        udp: Option<&UdpFacts>,
        reassembled: Option<&IpDefragPayloadVec>,
    ) -> AppFacts {
        let mut facts = AppFacts::default();
        AppTracker::default().observe_into(packet, frame, tcp, udp, reassembled, &mut facts);
        facts
    }

    /// Roughly the heap bytes these facts hold (for a store's memory limit).
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<AppFacts>()
            + self.info.len()
            + self.protocols.len()
            + self.pdu.as_ref().map_or(0, |p| p.len())
            + self.messages.len() * 512
    }

    /// The DNS message of this frame, if any (for tcpdump-style lines).
    pub fn dns(&self) -> Option<&dns::Dns> {
        self.messages.iter().find_map(|p| match &p.message {
            Message::Dns(d) => Some(d),
            _ => None,
        })
    }
}

/// The quoted datagram of an ICMP error as a raw-IP frame of its own.
pub(super) fn quoted_frame(bytes: &[u8]) -> crate::frame::Frame<'_> {
    crate::frame::Frame {
        ts_ns: 0,
        data: bytes,
        orig_len: bytes.len() as u32,
        link: crate::frame::LinkType::RAW,
        interface: 0,
        direction: crate::frame::Direction::Unknown,
    }
}
