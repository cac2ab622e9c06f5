//! `sockeye -r FILE --export ladder|diagram|encap|narrate --packet N [--mermaid]`: one
//! teaching view as plain text, for slides and handouts.

use std::io::Write;

use crate::decode::FieldList;
use crate::dissect::Dissector;
use crate::source::{FileSource, PacketSource, SourceError};

use super::{narrate_with, Exchanges, Ladder, StreamTimeline};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// The ladder (sequence diagram) of the packet's TCP stream or UDP conversation.
    Ladder,
    /// RFC-style header diagrams of every layer, with the real values.
    Diagram,
    /// Nested layers with offsets, lengths and how each length is known, then the bytes.
    Encap,
    /// What the packet means, in plain sentences.
    Narrate,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("the capture has only {0} packets")]
    NoSuchPacket(u64),
    #[error(
        "packet {0} is neither TCP nor UDP: a ladder needs a TCP stream or a UDP conversation"
    )]
    NoStream(u64),
    #[error("writing output failed: {0}")]
    Output(#[from] std::io::Error),
}

const WIDTH: usize = 100;

/// Runs one export over the file at `path`.
pub fn run(
    path: &str,
    kind: ExportKind,
    packet: u64,
    mermaid: bool,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let packet = packet.max(1);
    let mut source = FileSource::open(path)?;
    let mut dissector = Dissector::new();
    let mut ladder = None;
    while let Some(frame) = source.next_frame()? {
        let d = dissector.dissect(&frame);
        if d.info.number != packet {
            continue;
        }
        let text = match kind {
            ExportKind::Encap => super::encap::encapsulation_of(&d, WIDTH),
            ExportKind::Diagram => {
                let mut scratch = String::new();
                let mut fields = FieldList::new();
                d.emit_fields(&mut scratch, &mut fields);
                super::diagram::all_diagrams(&d, &fields)
            }
            ExportKind::Narrate => {
                let stream = d.tcp.as_ref().map(|t| t.stream);
                drop(d);
                return narrate_packet(path, packet, stream, out);
            }
            ExportKind::Ladder => {
                ladder = match (&d.tcp, &d.udp) {
                    (Some(tcp), _) => Some(Ladder::new(tcp.stream)),
                    (None, Some(udp)) => Some(Ladder::udp(udp.stream)),
                    (None, None) => return Err(ExportError::NoStream(packet)),
                };
                break;
            }
        };
        out.write_all(text.as_bytes())?;
        return Ok(());
    }
    let Some(mut ladder) = ladder else {
        return Err(ExportError::NoSuchPacket(dissector.frames()));
    };
    // Second pass: the whole stream, before and after the chosen packet.
    let mut source = FileSource::open(path)?;
    let mut dissector = Dissector::new();
    while let Some(frame) = source.next_frame()? {
        ladder.push(&dissector.dissect(&frame));
    }
    let text = if mermaid {
        ladder.render_mermaid()
    } else {
        let calls = ladder.calls(&crate::endpoints::saved::read_calls(path));
        ladder.render_text_with(WIDTH, &calls)
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// The narration of packet `packet` with its TCP stream's timeline (`stream`) and the
/// capture's DNS/HTTP exchanges: one pass lays them out, a second narrates the packet
/// knowing what came after it.
fn narrate_packet(
    path: &str,
    packet: u64,
    stream: Option<u64>,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let mut timeline = stream.map(StreamTimeline::new);
    let mut exchanges = Exchanges::new();
    let mut source = FileSource::open(path)?;
    let mut dissector = Dissector::new();
    while let Some(frame) = source.next_frame()? {
        let d = dissector.dissect(&frame);
        if let Some(timeline) = timeline.as_mut() {
            timeline.push(&d);
        }
        exchanges.push(&d);
    }
    let mut source = FileSource::open(path)?;
    let mut dissector = Dissector::new();
    while let Some(frame) = source.next_frame()? {
        let d = dissector.dissect(&frame);
        if d.info.number == packet {
            let text = narrate_with(&d, timeline.as_ref(), Some(&exchanges));
            out.write_all((text + "\n").as_bytes())?;
            return Ok(());
        }
    }
    Err(ExportError::NoSuchPacket(dissector.frames()))
}
