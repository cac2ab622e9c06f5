//! The application part of a tcpdump -n line: what tcpdump prints after the UDP/TCP header
//! for DNS (`6159+ A? wireshark.org. (31)`), DHCP (`BOOTP/DHCP, Request from …, length
//! 300`) and the first line of HTTP, SMTP and FTP. tcpdump reads each packet on its own (no
//! reassembly), so this does too, with the same parsers the pipeline uses.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::decode::app::dns::{self, Dns, RData, Section};
use crate::decode::app::{dhcp, http, printable};

/// Writes the UDP application summary in place of `UDP, length N`; false when tcpdump has
/// none for these ports.
pub fn udp(ports: (u16, u16), payload: &[u8], out: &mut Vec<u8>) -> bool {
    let either = |p: u16| ports.0 == p || ports.1 == p;
    let mut text = String::new();
    if either(53) || either(5353) {
        let Some(d) = dns::parse(payload, dns::Flavor::Dns, false) else {
            return false;
        };
        dns_line(&d, payload.len(), &mut text);
    } else if either(67) || either(68) {
        let Some(d) = dhcp::parse(payload) else {
            return false;
        };
        text.push_str("BOOTP/DHCP, ");
        if d.op == 1 {
            let m = d.chaddr;
            let _ = write!(
                text,
                "Request from {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}, ",
                m[0], m[1], m[2], m[3], m[4], m[5]
            );
        } else {
            text.push_str("Reply, ");
        }
        let _ = write!(text, "length {}", payload.len());
    } else {
        return false;
    }
    out.extend_from_slice(text.as_bytes());
    true
}

/// Appends what tcpdump prints after `length N` of a TCP segment with payload.
pub fn tcp(ports: (u16, u16), payload: &[u8], out: &mut Vec<u8>) {
    let either = |p: u16| ports.0 == p || ports.1 == p;
    let mut text = String::new();
    if either(53) {
        dns_over_tcp(payload, &mut text);
    } else if either(80) || either(8080) {
        text.push_str(": HTTP");
        if http::looks_like_http(payload) {
            if let Some(line) = first_line(payload) {
                let _ = write!(text, ": {line}");
            }
        }
    } else if either(25) || either(587) {
        text.push_str(": SMTP");
        if let Some(line) = first_line(payload) {
            let _ = write!(text, ": {line}");
        }
    } else if either(21) {
        text.push_str(": FTP");
        if let Some(line) = first_line(payload) {
            let _ = write!(text, ": {line}");
        }
    }
    out.extend_from_slice(text.as_bytes());
}

/// The first complete line, escaped.
fn first_line(payload: &[u8]) -> Option<String> {
    let end = payload.iter().position(|b| *b == b'\n')?;
    let line = payload.get(..end)?;
    Some(printable(line.strip_suffix(b"\r").unwrap_or(line)))
}

fn dns_over_tcp(payload: &[u8], text: &mut String) {
    let Some(prefix) = crate::decode::app::be_u16(payload, 0) else {
        let _ = write!(
            text,
            " [DNS over TCP: length {} < 2] (invalid)",
            payload.len()
        );
        return;
    };
    let body = payload.get(2..).unwrap_or(&[]);
    if usize::from(prefix) != body.len() {
        let _ = write!(
            text,
            " [prefix length({prefix}) != length({})] (invalid)",
            body.len()
        );
        return;
    }
    if let Some(d) = dns::parse(body, dns::Flavor::Dns, false) {
        text.push(' ');
        dns_line(&d, body.len(), text);
    }
}

/// tcpdump's `ns_print` without -v.
fn dns_line(d: &Dns, len: usize, out: &mut String) {
    const OPS: [&str; 16] = [
        "",
        " inv_q",
        " stat",
        " op3",
        " notify",
        " update",
        " op6",
        " op7",
        " op8",
        " updateA",
        " updateD",
        " updateDA",
        " updateM",
        " updateMA",
        " zoneInit",
        " zoneRef",
    ];
    let [qd, an, ns, ar] = d.counts;
    let flags = d.flags;
    let _ = write!(
        out,
        "{}{}",
        d.id,
        OPS.get(usize::from(d.opcode())).copied().unwrap_or("")
    );
    if d.is_response() {
        out.push_str(rcode(d.rcode()));
        for (bit, mark) in [(0x0400, "*"), (0x0080, ""), (0x0200, "|"), (0x0020, "$")] {
            if bit == 0x0080 {
                if flags & bit == 0 {
                    out.push('-');
                }
            } else if flags & bit != 0 {
                out.push_str(mark);
            }
        }
        if qd != 1 {
            let _ = write!(out, " [{qd}q]");
        }
        let _ = write!(out, " {an}/{ns}/{ar}");
        let answers: Vec<String> = d
            .records
            .iter()
            .filter(|(section, _)| *section == Section::Answer)
            .map(|(_, r)| {
                let mut s = format!(" {}", dns::type_name(r.rtype));
                match &r.data {
                    RData::A(a) => {
                        let _ = write!(s, " {}", Ipv4Addr::from(*a));
                    }
                    RData::Aaaa(a) => {
                        let _ = write!(s, " {}", Ipv6Addr::from(*a));
                    }
                    RData::Cname(n) | RData::Ptr(n) | RData::Ns(n) => {
                        let _ = write!(s, " {}", fqdn(n));
                    }
                    RData::Mx(pref, n) => {
                        let _ = write!(s, " {} {pref}", fqdn(n));
                    }
                    RData::Txt(t) => {
                        let _ = write!(s, " \"{t}\"");
                    }
                    _ => {}
                }
                s
            })
            .collect();
        out.push_str(&answers.join(","));
    } else {
        if flags & 0x0100 != 0 {
            out.push('+');
        }
        if flags & 0x0010 != 0 {
            out.push('%');
        }
        for (count, tag) in [(qd, "q"), (an, "a"), (ns, "n"), (ar, "au")] {
            if (tag == "q" && count != 1) || (tag != "q" && count != 0) {
                let _ = write!(out, " [{count}{tag}]");
            }
        }
        for q in &d.questions {
            let _ = write!(out, " {}? {}", dns::type_name(q.qtype), fqdn(&q.name));
        }
    }
    let _ = write!(out, " ({len})");
}

fn fqdn(name: &str) -> String {
    if name == "<Root>" {
        ".".to_string()
    } else {
        format!("{name}.")
    }
}

fn rcode(r: u16) -> &'static str {
    match r {
        0 => "",
        1 => " FormErr",
        2 => " ServFail",
        3 => " NXDomain",
        4 => " NotImp",
        5 => " Refused",
        6 => " YXDomain",
        7 => " YXRRSet",
        8 => " NXRRSet",
        9 => " NotAuth",
        10 => " NotZone",
        _ => " Resp",
    }
}
