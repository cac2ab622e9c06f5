//! `-x`: each packet's bytes as tshark prints them after the packet — offset, 16 bytes in
//! hex, the same bytes as ASCII — and, when the frame completed an IP datagram or a TCP
//! PDU, the reassembled bytes as further data sources (tshark's "Reassembled …" tabs).

use std::io::Write as _;

use crate::dissect::Dissection;

/// One data source's lines.
fn dump(bytes: &[u8], out: &mut Vec<u8>) {
    // tshark widens the offset column only for data longer than 64 KiB.
    let width = if bytes.len() > 0xffff { 8 } else { 4 };
    for (i, line) in bytes.chunks(16).enumerate() {
        let mut hex = String::with_capacity(47);
        for (j, b) in line.iter().enumerate() {
            if j > 0 {
                hex.push(' ');
            }
            hex.push_str(&format!("{b:02x}"));
        }
        let ascii: String = line
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    char::from(b)
                } else {
                    '.'
                }
            })
            .collect();
        let _ = writeln!(out, "{:0width$x}  {hex:<47}   {ascii}", i * 16);
    }
}

/// The packet's hex dump and the blank line after it. A frame that completed an IP
/// datagram or a TCP PDU spanning several segments shows that too, each source titled.
pub fn write_hex_dump(d: &Dissection<'_>, out: &mut Vec<u8>) {
    let mut sources: Vec<(String, &[u8])> = Vec::new();
    if let Some(whole) = &d.reassembled {
        let name = if d.packet.ipv6().is_some() {
            "IPv6"
        } else {
            "IPv4"
        };
        sources.push((format!("Reassembled {name}"), &whole.payload));
    }
    if let Some(pdu) = &d.app.pdu {
        sources.push(("Reassembled TCP".into(), pdu));
    }
    if sources.is_empty() {
        dump(d.packet.data, out);
    } else {
        let _ = writeln!(out, "Frame ({} bytes):", d.packet.data.len());
        dump(d.packet.data, out);
        for (title, bytes) in sources {
            let _ = writeln!(out, "{title} ({} bytes):", bytes.len());
            dump(bytes, out);
        }
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_as_tshark() {
        let mut out = Vec::new();
        dump(
            b"x1\xc1\xcb\xb2V\xc0\xc1\xc0\x17\x8c\xe8\x08\x00E\x00\x00\xdf",
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0000  78 31 c1 cb b2 56 c0 c1 c0 17 8c e8 08 00 45 00   x1...V........E.\n\
             0010  00 df                                             ..\n"
        );
    }
}
