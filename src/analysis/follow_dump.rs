//! The `hex` and `raw` renderings of a followed stream, as `tshark -q -z
//! follow,tcp|udp,hex|raw,N` prints them. Hand-written because the layout is tshark's own
//! (a hexdump-like line with an extra space at column 8 and offsets counted per direction).

use std::fmt::Write as _;

use super::conversations::ConvProto;
use super::follow::{FollowItem, FollowedStream, FOLLOW_RULE};

/// How the followed bytes are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowMode {
    Ascii,
    Hex,
    Raw,
}

impl FollowMode {
    pub fn word(self) -> &'static str {
        match self {
            FollowMode::Ascii => "ascii",
            FollowMode::Hex => "hex",
            FollowMode::Raw => "raw",
        }
    }
}

/// The chunks of a stream as tshark stores them: a hole becomes the text tshark writes in
/// its place, with the C string's terminating NUL.
fn chunks(s: &FollowedStream) -> impl Iterator<Item = (u8, std::borrow::Cow<'_, [u8]>)> {
    s.items.iter().map(|item| match item {
        FollowItem::Data { node, bytes } => (*node, std::borrow::Cow::Borrowed(bytes.as_slice())),
        FollowItem::Gap { node, len } => {
            // tshark prints the count with %d of a 32-bit int.
            let mut text = format!("[{} bytes missing in capture file]", *len as i32).into_bytes();
            text.push(0);
            (*node, std::borrow::Cow::Owned(text))
        }
    })
}

pub(super) fn header(out: &mut String, s: &FollowedStream, mode: FollowMode) {
    let proto = match s.proto {
        ConvProto::Tcp => "tcp",
        ConvProto::Udp => "udp",
    };
    out.push('\n');
    out.push_str(FOLLOW_RULE);
    let _ = writeln!(out, "Follow: {proto},{}", mode.word());
    let _ = writeln!(out, "Filter: {proto}.stream eq {}", s.stream);
    match &s.nodes {
        Some([a, b]) => {
            let _ = writeln!(out, "Node 0: {a}");
            let _ = writeln!(out, "Node 1: {b}");
        }
        None => out.push_str("Node 0: :0\nNode 1: :0\n"),
    }
}

/// One chunk as hexdump lines: offset, 16 bytes in hex, the same bytes as ASCII.
fn hex_lines(out: &mut String, prefix: &str, mut offset: u64, bytes: &[u8]) {
    for line in bytes.chunks(16) {
        let mut hex = String::with_capacity(49);
        let mut ascii = String::with_capacity(17);
        for (i, b) in line.iter().enumerate() {
            if i == 8 {
                hex.push(' ');
                ascii.push(' ');
            }
            let _ = write!(hex, "{b:02x} ");
            ascii.push(if (0x20..0x7f).contains(b) {
                char::from(*b)
            } else {
                '.'
            });
        }
        // tshark drops one trailing space of the ASCII column (the column-8 gap, or a
        // space byte that ends the line).
        if ascii.ends_with(' ') {
            ascii.pop();
        }
        let _ = writeln!(out, "{prefix}{offset:08X}  {hex:<49} {ascii}");
        offset += line.len() as u64;
    }
}

/// Renders `-z follow,PROTO,hex|raw,N` (ascii has its own renderer in `follow`).
pub fn render_tshark_dump(s: &FollowedStream, mode: FollowMode) -> String {
    let mut out = String::new();
    header(&mut out, s, mode);
    // Offsets count each direction's bytes on their own.
    let (mut offset0, mut offset1) = (0u64, 0u64);
    for (node, bytes) in chunks(s) {
        let prefix = if node == 0 { "" } else { "\t" };
        let offset = if node == 0 {
            &mut offset0
        } else {
            &mut offset1
        };
        match mode {
            FollowMode::Hex => {
                hex_lines(&mut out, prefix, *offset, &bytes);
            }
            FollowMode::Raw | FollowMode::Ascii => {
                out.push_str(prefix);
                for b in bytes.iter() {
                    let _ = write!(out, "{b:02x}");
                }
                out.push('\n');
            }
        }
        *offset += bytes.len() as u64;
    }
    out.push_str(FOLLOW_RULE);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_line_layout() {
        let mut out = String::new();
        hex_lines(&mut out, "", 0x10, b"GET / HTTP/1.1\r\nHo");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "00000010  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  GET / HT TP/1.1.."
        );
        // A short line keeps the ASCII column where a full line has it.
        assert_eq!(lines[1].find("Ho"), lines[0].find("GET"));
        assert!(lines[1].starts_with("00000020  48 6f "));
        let mut eight = String::new();
        hex_lines(&mut eight, "\t", 0, b"abcdefgh");
        assert!(eight.ends_with(" abcdefgh\n"), "{eight:?}");
    }
}
