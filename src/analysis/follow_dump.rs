//! The text of a followed stream, as `tshark -q -z follow,tcp|udp,ascii|hex|raw,N` prints
//! it, made once as lines that know their sender: the headless printer joins them, the
//! UI's follow view colours them by direction, searches them and saves them — the same
//! text either way. Hand-written because the layout is tshark's own (a hexdump-like line
//! with an extra space at column 8, offsets counted per direction, node 1 indented by a
//! tab).

use std::borrow::Cow;
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

    /// The next mode in the order the UI cycles through them.
    pub fn next(self) -> FollowMode {
        match self {
            FollowMode::Ascii => FollowMode::Hex,
            FollowMode::Hex => FollowMode::Raw,
            FollowMode::Raw => FollowMode::Ascii,
        }
    }
}

/// One line of a followed stream's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowLine {
    /// The node whose bytes the line shows; `None` for the header and the closing rule.
    pub sender: Option<u8>,
    /// tshark starts the line with a tab (node 1's count and dump lines).
    pub indent: bool,
    /// The line without the tab and the newline; ASCII only.
    pub text: String,
}

impl FollowLine {
    fn header(text: impl Into<String>) -> Self {
        FollowLine {
            sender: None,
            indent: false,
            text: text.into(),
        }
    }

    fn of(node: u8, indent: bool, text: impl Into<String>) -> Self {
        FollowLine {
            sender: Some(node),
            indent,
            text: text.into(),
        }
    }
}

/// The chunks of a stream as tshark stores them: a hole becomes the text tshark writes in
/// its place, with the C string's terminating NUL.
fn chunks(s: &FollowedStream) -> impl Iterator<Item = (u8, Cow<'_, [u8]>)> {
    s.items.iter().map(|item| match item {
        FollowItem::Data { node, bytes } => (*node, Cow::Borrowed(bytes.as_slice())),
        FollowItem::Gap { node, len } => {
            let mut text = gap_text(*len).into_bytes();
            text.push(0);
            (*node, Cow::Owned(text))
        }
    })
}

/// tshark prints the count with %d of a 32-bit int.
fn gap_text(len: u32) -> String {
    format!("[{} bytes missing in capture file]", len as i32)
}

fn header(out: &mut Vec<FollowLine>, s: &FollowedStream, mode: FollowMode) {
    let proto = match s.proto {
        ConvProto::Tcp => "tcp",
        ConvProto::Udp => "udp",
    };
    let rule = FOLLOW_RULE.trim_end_matches('\n');
    out.push(FollowLine::header(""));
    out.push(FollowLine::header(rule));
    out.push(FollowLine::header(format!(
        "Follow: {proto},{}",
        mode.word()
    )));
    out.push(FollowLine::header(format!(
        "Filter: {proto}.stream eq {}",
        s.stream
    )));
    match &s.nodes {
        Some([a, b]) => {
            out.push(FollowLine::header(format!("Node 0: {a}")));
            out.push(FollowLine::header(format!("Node 1: {b}")));
        }
        None => {
            out.push(FollowLine::header("Node 0: :0"));
            out.push(FollowLine::header("Node 1: :0"));
        }
    }
}

/// One chunk as hexdump lines: offset, 16 bytes in hex, the same bytes as ASCII.
fn hex_lines(out: &mut Vec<FollowLine>, node: u8, mut offset: u64, bytes: &[u8]) {
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
        out.push(FollowLine::of(
            node,
            node != 0,
            format!("{offset:08X}  {hex:<49} {ascii}"),
        ));
        offset += line.len() as u64;
    }
}

/// tshark's ASCII view: printable ASCII and line breaks kept, everything else a dot; the
/// chunk's own line breaks split it into lines (none of which tshark indents).
fn ascii_lines(out: &mut Vec<FollowLine>, node: u8, bytes: &[u8]) {
    let text: String = bytes
        .iter()
        .map(|&b| match b {
            b'\n' | b'\r' | 0x20..=0x7e => char::from(b),
            _ => '.',
        })
        .collect();
    out.extend(text.split('\n').map(|l| FollowLine::of(node, false, l)));
}

/// The whole text of `-z follow,PROTO,MODE,N` as lines. In ASCII a hole the receiver
/// acknowledged is printed as tshark does: a chunk holding "[N bytes missing in capture
/// file]" plus the C string's terminating NUL (shown as a dot).
pub fn follow_lines(s: &FollowedStream, mode: FollowMode) -> Vec<FollowLine> {
    let mut out = Vec::new();
    header(&mut out, s, mode);
    // Offsets count each direction's bytes on their own.
    let mut offsets = [0u64; 2];
    for (node, bytes) in chunks(s) {
        let indent = node != 0;
        match mode {
            FollowMode::Ascii => {
                out.push(FollowLine::of(node, indent, bytes.len().to_string()));
                ascii_lines(&mut out, node, &bytes);
            }
            FollowMode::Hex => {
                let offset = offsets.get(usize::from(node)).copied().unwrap_or(0);
                hex_lines(&mut out, node, offset, &bytes);
            }
            FollowMode::Raw => {
                let mut line = String::with_capacity(bytes.len() * 2);
                for b in bytes.iter() {
                    let _ = write!(line, "{b:02x}");
                }
                out.push(FollowLine::of(node, indent, line));
            }
        }
        if let Some(offset) = offsets.get_mut(usize::from(node)) {
            *offset += bytes.len() as u64;
        }
    }
    out.push(FollowLine::header(FOLLOW_RULE.trim_end_matches('\n')));
    out
}

/// Joins lines into the text tshark prints.
pub fn join_lines(lines: &[FollowLine]) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.text.len() + 2).sum());
    for line in lines {
        if line.indent {
            out.push('\t');
        }
        out.push_str(&line.text);
        out.push('\n');
    }
    out
}

/// Renders `-z follow,PROTO,MODE,N` in any mode.
pub fn render(s: &FollowedStream, mode: FollowMode) -> String {
    join_lines(&follow_lines(s, mode))
}

/// Renders `-z follow,PROTO,hex|raw,N`.
pub fn render_tshark_dump(s: &FollowedStream, mode: FollowMode) -> String {
    render(s, mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[FollowLine]) -> String {
        join_lines(lines)
    }

    #[test]
    fn hex_line_layout() {
        let mut out = Vec::new();
        hex_lines(&mut out, 0, 0x10, b"GET / HTTP/1.1\r\nHo");
        let s = text(&out);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(
            lines[0],
            "00000010  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  GET / HT TP/1.1.."
        );
        // A short line keeps the ASCII column where a full line has it.
        assert_eq!(lines[1].find("Ho"), lines[0].find("GET"));
        assert!(lines[1].starts_with("00000020  48 6f "));
        let mut eight = Vec::new();
        hex_lines(&mut eight, 1, 0, b"abcdefgh");
        let eight = text(&eight);
        assert!(eight.starts_with('\t'), "{eight:?}");
        assert!(eight.ends_with(" abcdefgh\n"), "{eight:?}");
    }

    #[test]
    fn ascii_lines_split_on_the_data_own_breaks() {
        let mut out = Vec::new();
        ascii_lines(&mut out, 1, b"ab\r\n\x01c\n");
        let got: Vec<(&str, bool)> = out.iter().map(|l| (l.text.as_str(), l.indent)).collect();
        assert_eq!(got, vec![("ab\r", false), (".c", false), ("", false)]);
        assert!(out.iter().all(|l| l.sender == Some(1)));
        // Joined, the chunk reads as tshark writes it: the bytes, then one more newline.
        assert_eq!(text(&out), "ab\r\n.c\n\n");
    }
}
