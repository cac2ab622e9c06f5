//! A program's socket calls saved beside its packets (`sockeye run -w FILE.pcapng`) and
//! read back (`sockeye -r FILE.pcapng` shows the same ladder).
//!
//! Where: one comment option of the pcapng section header per call, `sockeye.call ` then
//! the call as JSON. Packet comments would tie each call to a packet, but socket(), bind()
//! and listen() cause none, and a call's own two times (call and return) would be lost;
//! custom blocks need a Private Enterprise Number sockeye does not have, and editors may
//! drop them. Section comments keep every call with its times, and every pcapng reader
//! (tshark, Wireshark's Capture File Properties) accepts the file as it is.

use std::fs::File;
use std::io::Read;

use super::events::SocketEvent;
use crate::pcapio::CaptureReader;

/// How a saved call's comment starts; other comments are left alone.
pub const NOTE_PREFIX: &str = "sockeye.call ";

/// The comment that saves `event`.
pub fn to_note(event: &SocketEvent) -> Option<String> {
    serde_json::to_string(event)
        .ok()
        .map(|json| format!("{NOTE_PREFIX}{json}"))
}

/// The calls among a file's section comments (hostile text: what does not parse is
/// skipped).
pub fn from_notes(notes: &[String]) -> Vec<SocketEvent> {
    notes
        .iter()
        .filter_map(|n| n.strip_prefix(NOTE_PREFIX))
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect()
}

/// The calls saved in capture file `path` (none for a pcap file, a file without them, or
/// one that cannot be read: the packets are still shown).
pub fn read_calls(path: &str) -> Vec<SocketEvent> {
    let Ok(file) = File::open(path) else {
        return Vec::new();
    };
    read_calls_from(file)
}

/// The calls saved in the capture `input` holds (a file, or one built into sockeye).
pub fn read_calls_from(input: impl Read) -> Vec<SocketEvent> {
    match CaptureReader::new(input) {
        Ok(reader) => from_notes(reader.section_notes()),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::events::{CallResult, Side, SocketCall, Traced};

    #[test]
    fn a_call_survives_its_note_and_junk_is_skipped() {
        let mut ev = SocketEvent::fixture(Side::Client, SocketCall::Connect, 10, 20);
        ev.peer = Some("127.0.0.1:7007".parse().unwrap());
        ev.result = CallResult::Err {
            errno: 111,
            message: "Connection refused".into(),
        };
        ev.traced = Some(Traced {
            pid: 12,
            tid: 13,
            comm: "python3".into(),
            data: b"hi\0".to_vec(),
        });
        let note = to_note(&ev).unwrap();
        let junk = vec![
            "a colleague's note".to_string(),
            format!("{NOTE_PREFIX}{{\"ts_ns\":"),
            note,
        ];
        assert_eq!(from_notes(&junk), vec![ev]);
    }
}
