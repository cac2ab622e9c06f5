//! Handouts as SVG, drawn by sockeye itself (no plotting dependency: the drawing is a few
//! lines, arrows and labels, and writing them keeps the output byte-for-byte stable):
//! the ladder of a stream as two hosts with one labelled arrow per segment, each arrow's
//! frame number and time on the left and its verdicts on the right, and the socket calls
//! saved beside the packets on their side's lifeline.

use std::fmt::Write as _;
use std::io::Write;

use super::calls::CallNote;
use super::export::ExportError;
use super::markup::escape as xml;
use super::Ladder;
use crate::dissect::Dissector;
use crate::endpoints::events::SocketEvent;
use crate::source::{FileSource, PacketSource};

const ROW: usize = 34;
const TOP: usize = 70;
const LEFT_X: usize = 190;
const RIGHT_X: usize = 650;
const WIDTH: usize = 900;

/// Height of a socket call's line between two arrows.
const CALL_ROW: usize = 20;
/// The most characters of a call's text drawn between the lifelines (monospace at 13 px:
/// about 7.8 px a character).
const CALL_CHARS: usize = 56;

/// One line of the drawing, top to bottom.
enum Item<'a> {
    Segment(&'a super::LadderRow),
    Call(&'a CallNote),
}

/// The ladder as a standalone SVG document, with the socket calls saved beside its
/// packets (none: just the arrows).
pub fn ladder_svg(ladder: &Ladder, events: &[SocketEvent]) -> String {
    ladder_svg_in(ladder, events, "")
}

/// [`ladder_svg`] for embedding: `id` prefixes the document's one element id, so several
/// ladders can sit in one HTML page.
pub fn ladder_svg_in(ladder: &Ladder, events: &[SocketEvent], id: &str) -> String {
    let calls = ladder.calls(events);
    // Segments and calls merged by time, as the terminal's ladder merges them: a call goes
    // before a segment of the same instant (a call returns after the packet it sent).
    let mut items = Vec::with_capacity(ladder.rows.len() + calls.len());
    let start = ladder.start_ns().unwrap_or(0);
    let mut pending = calls.iter().peekable();
    for row in &ladder.rows {
        while let Some(call) = pending.next_if(|c| c.at_ns - start <= row.rel_ns) {
            items.push(Item::Call(call));
        }
        items.push(Item::Segment(row));
    }
    items.extend(pending.map(Item::Call));
    let body: usize = items
        .iter()
        .map(|i| match i {
            Item::Segment(_) => ROW,
            Item::Call(_) => CALL_ROW,
        })
        .sum();
    let height = TOP + body + 40;
    let marker = format!("{id}arrow");
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans Mono, Menlo, monospace" font-size="13">"#
    );
    let kind = if ladder.udp {
        "UDP conversation"
    } else {
        "TCP stream"
    };
    let _ = writeln!(
        s,
        "<title>{} {}: {} ↔ {}</title>",
        kind,
        ladder.stream,
        xml(&ladder.left),
        xml(&ladder.right)
    );
    let _ = writeln!(
        s,
        concat!(
            "<defs><marker id=\"{}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" ",
            "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">",
            "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#333\"/></marker></defs>"
        ),
        xml(&marker)
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#fff"/>"##);
    for (x, name) in [(LEFT_X, &ladder.left), (RIGHT_X, &ladder.right)] {
        let _ = writeln!(
            s,
            r##"<text class="host" x="{x}" y="30" text-anchor="middle" font-weight="bold">{}</text>"##,
            xml(name)
        );
        let _ = writeln!(
            s,
            r##"<line class="lifeline" x1="{x}" y1="42" x2="{x}" y2="{}" stroke="#999" stroke-dasharray="4 3"/>"##,
            height - 20
        );
    }
    let mut top = TOP;
    for item in &items {
        match item {
            Item::Segment(row) => {
                segment(&mut s, row, top + ROW / 2, &marker);
                top += ROW;
            }
            Item::Call(call) => {
                call_line(&mut s, call, call.at_ns - start, top + CALL_ROW / 2);
                top += CALL_ROW;
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

/// One arrow at height `y`: the frame and time on the left, the label above the arrow,
/// the verdicts on the right.
fn segment(s: &mut String, row: &super::LadderRow, y: usize, marker: &str) {
    let (x1, x2) = if row.from_left {
        (LEFT_X, RIGHT_X)
    } else {
        (RIGHT_X, LEFT_X)
    };
    let colour = if row.marks.iter().any(|m| m.starts_with("TCP")) {
        "#b00"
    } else {
        "#333"
    };
    let _ = writeln!(
        s,
        r##"<text class="time" x="10" y="{}" fill="#666">{:>4} {:>9.6}s</text>"##,
        y + 4,
        row.frame,
        row.rel_ns as f64 / 1e9
    );
    let _ = writeln!(
        s,
        r#"<line class="segment" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{colour}" stroke-width="1.5" marker-end="url(#{})"/>"#,
        xml(marker)
    );
    let _ = writeln!(
        s,
        r#"<text class="label" x="{}" y="{}" text-anchor="middle" fill="{colour}">{}</text>"#,
        (LEFT_X + RIGHT_X) / 2,
        y - 5,
        xml(&row.label)
    );
    if !row.marks.is_empty() {
        let _ = writeln!(
            s,
            r##"<text class="mark" x="{}" y="{}" fill="#b00">{}</text>"##,
            RIGHT_X + 12,
            y + 4,
            xml(&row.marks.join(", "))
        );
    }
}

/// One socket call at height `y`: its time on the left, a dot on its side's lifeline and
/// its text beside the dot, towards the other lifeline (as the terminal writes it).
fn call_line(s: &mut String, call: &CallNote, rel_ns: i64, y: usize) {
    let _ = writeln!(
        s,
        r##"<text class="time" x="10" y="{}" fill="#666">{:>4} {:>9.6}s</text>"##,
        y + 4,
        "",
        rel_ns as f64 / 1e9
    );
    let (x, text_x, anchor) = if call.client_side {
        (LEFT_X, LEFT_X + 10, "start")
    } else {
        (RIGHT_X, RIGHT_X - 10, "end")
    };
    let _ = writeln!(
        s,
        r##"<circle class="call-dot" cx="{x}" cy="{y}" r="4" fill="#557"/>"##
    );
    let mut text: String = call.text.chars().take(CALL_CHARS).collect();
    if call.text.chars().count() > CALL_CHARS {
        text.pop();
        text.push('…');
    }
    let _ = writeln!(
        s,
        r##"<text class="call" x="{text_x}" y="{}" text-anchor="{anchor}" fill="#557" font-style="italic">{}</text>"##,
        y + 4,
        xml(&text)
    );
}

/// RFC-style header diagrams as boxes: one row of 32 bit columns per 32-bit word, each
/// field a box as wide as its bits holding its name and value, a title above each header.
pub fn diagrams_svg(diagrams: &[super::diagram::Diagram]) -> String {
    const BIT: usize = 24;
    const CELL_H: usize = 44;
    const X0: usize = 20;
    let width = X0 * 2 + 32 * BIT;
    let rows: usize = diagrams.iter().map(|d| d.rows.len()).sum();
    let height = 20 + diagrams.len() * 60 + rows * CELL_H;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans Mono, Menlo, monospace" font-size="12">"#
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#fff"/>"##);
    let mut y = 20;
    for d in diagrams {
        let _ = writeln!(
            s,
            r#"<text class="header" x="{X0}" y="{}" font-weight="bold" font-size="14">{}</text>"#,
            y + 16,
            xml(&d.title)
        );
        for bit in (0..32).step_by(8) {
            let _ = writeln!(
                s,
                r##"<text class="bit" x="{}" y="{}" fill="#666" font-size="10">{bit}</text>"##,
                X0 + bit * BIT + 2,
                y + 34
            );
        }
        y += 40;
        for row in &d.rows {
            let mut x = X0;
            for cell in row {
                let w = cell.bits * BIT;
                let _ = writeln!(
                    s,
                    r##"<rect class="field" x="{x}" y="{y}" width="{w}" height="{CELL_H}" fill="#f4f7fb" stroke="#333"/>"##
                );
                let cx = x + w / 2;
                let _ = writeln!(
                    s,
                    r#"<text class="name" x="{cx}" y="{}" text-anchor="middle">{}</text>"#,
                    y + 17,
                    xml(&cell.label)
                );
                let _ = writeln!(
                    s,
                    r#"<text class="value" x="{cx}" y="{}" text-anchor="middle" font-weight="bold">{}</text>"#,
                    y + 35,
                    xml(&cell.value)
                );
                x += w;
            }
            y += CELL_H;
        }
        y += 20;
    }
    s.push_str("</svg>\n");
    s
}

/// The encapsulation of one packet as nested rectangles: the frame outermost, each layer
/// inside the one that carries it, each labelled with its name, length and byte range.
pub fn encap_svg(packet: &crate::decode::Packet<'_>) -> String {
    encap_svg_hiding(packet, &[])
}

/// [`encap_svg`] with the TCP header's length written `??` when `hidden` (an open quiz
/// question) asks for it.
pub fn encap_svg_hiding(
    packet: &crate::decode::Packet<'_>,
    hidden: &[crate::field::FieldId],
) -> String {
    const INSET: usize = 18;
    const W: usize = 760;
    let mut boxes: Vec<String> = vec![format!(
        "Frame: {} bytes captured of {}",
        packet.data.len(),
        packet.orig_len
    )];
    let hide_tcp = hidden.contains(&crate::field::FieldId::TcpHdrLen);
    for layer in &packet.layers {
        let len = layer.header.bytes().len();
        if hide_tcp && matches!(layer.header, crate::decode::Header::Tcp(_)) {
            boxes.push(format!("TCP header: ?? bytes (bytes {}–??)", layer.offset));
            continue;
        }
        boxes.push(format!(
            "{} header: {len} bytes (bytes {}–{})",
            layer.header.name().to_uppercase(),
            layer.offset,
            (layer.offset + len).saturating_sub(1)
        ));
    }
    if let Some((at, len)) = packet.payload.filter(|(_, len)| *len > 0) {
        boxes.push(format!(
            "Payload: {len} bytes (bytes {at}–{})",
            (at + len).saturating_sub(1)
        ));
    }
    let n = boxes.len();
    let height = 40 + n * 2 * INSET + 30;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{height}" viewBox="0 0 {} {height}" font-family="DejaVu Sans Mono, Menlo, monospace" font-size="12">"#,
        W + 40,
        W + 40
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#fff"/>"##);
    let fills = [
        "#eef3fb", "#e3ecf8", "#d8e5f5", "#cddef2", "#c2d7ef", "#b7d0ec",
    ];
    for (i, label) in boxes.iter().enumerate() {
        let x = 20 + i * INSET;
        let y = 20 + i * 2 * INSET;
        let w = W.saturating_sub(2 * i * INSET);
        let h = (n - i) * 2 * INSET + 10;
        let fill = fills.get(i % fills.len()).copied().unwrap_or("#fff");
        let _ = writeln!(
            s,
            r##"<rect class="layer" x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="{fill}" stroke="#335"/>"##
        );
        let _ = writeln!(
            s,
            r#"<text class="label" x="{}" y="{}">{}</text>"#,
            x + 8,
            y + 16,
            xml(label)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// `--export diagram --format svg`: packet `packet`'s header diagrams as SVG.
/// (`encap`: `--export encap --format svg`, the nested rectangles.)
pub fn export_diagrams(
    path: &str,
    packet: u64,
    encap: bool,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let packet = packet.max(1);
    let mut source = FileSource::open(path)?;
    let mut dissector = Dissector::new();
    while let Some(frame) = source.next_frame()? {
        let d = dissector.dissect(&frame);
        if d.info.number == packet {
            let mut scratch = String::new();
            let mut fields = crate::decode::FieldList::new();
            d.emit_fields(&mut scratch, &mut fields);
            let svg = if encap {
                encap_svg(&d.packet)
            } else {
                diagrams_svg(&super::diagram::diagrams(&d.packet, &fields))
            };
            out.write_all(svg.as_bytes())?;
            return Ok(());
        }
    }
    Err(ExportError::NoSuchPacket(dissector.frames()))
}

/// `--export ladder --format svg`: the ladder of packet `packet`'s stream as SVG.
pub fn export_ladder(path: &str, packet: u64, out: &mut dyn Write) -> Result<(), ExportError> {
    let packet = packet.max(1);
    let mut source = FileSource::open(path)?;
    let mut dissector = Dissector::new();
    let mut ladder = None;
    while let Some(frame) = source.next_frame()? {
        let d = dissector.dissect(&frame);
        if d.info.number == packet {
            ladder = match (&d.tcp, &d.udp) {
                (Some(tcp), _) => Some(Ladder::new(tcp.stream)),
                (None, Some(udp)) => Some(Ladder::udp(udp.stream)),
                (None, None) => return Err(ExportError::NoStream(packet)),
            };
            break;
        }
    }
    let Some(mut ladder) = ladder else {
        return Err(ExportError::NoSuchPacket(dissector.frames()));
    };
    let mut source = FileSource::open(path)?;
    let mut dissector = Dissector::new();
    while let Some(frame) = source.next_frame()? {
        ladder.push(&dissector.dissect(&frame));
    }
    let calls = crate::endpoints::saved::read_calls(path);
    out.write_all(ladder_svg(&ladder, &calls).as_bytes())?;
    Ok(())
}
