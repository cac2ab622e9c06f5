//! `w`: write the list's packets to a capture file. The file is written under a temporary
//! name in the same directory and renamed into place when complete, so whatever stops
//! the save (a full disk, SIGKILL, a crash) never leaves a truncated capture under the
//! name the user gave. SIGINT/SIGTERM/SIGHUP only set the loop's stop flag, which is
//! looked at after the save returns: a signal during a save still ends with the file
//! complete.

use std::path::Path;

use super::App;
use crate::pcapio::{CaptureWriter, WriteError};
use crate::store::{lock, save_link};

impl App {
    /// Writes the rows of the list (all visible packets, or the filter's matches) to
    /// `path` (pcapng unless it ends in .pcap/.cap). Returns the message and success.
    pub(super) fn save(&mut self, path: &str) -> (String, bool) {
        // A file is written in capture order whatever the list's sort.
        let mut rows: Vec<usize> = (0..self.row_count())
            .filter_map(|r| self.row_packet(r))
            .collect();
        rows.sort_unstable();
        let (message, ok) = self.write_packets(path, &rows);
        if ok && self.filter.is_none() && self.evicted == 0 {
            self.saved_upto = self.saved_upto.max(self.visible);
        }
        (message, ok)
    }

    /// Writes packets `rows` (store indices, capture order) to `path`, whole or not at
    /// all. Returns the message and success.
    pub(super) fn write_packets(&self, path: &str, rows: &[usize]) -> (String, bool) {
        let path = &expand_home(path);
        let tmp = temp_name(path);
        let result = (|| {
            let store = lock(&self.store);
            let mut w = CaptureWriter::create(&tmp, 262_144, save_link(&store))?;
            for &i in rows {
                if let Some(frame) = store.frame(i) {
                    w.write_frame(&frame)?;
                }
            }
            w.flush()?;
            drop(w);
            std::fs::rename(&tmp, path).map_err(|source| WriteError::Create {
                path: path.to_string(),
                source,
            })?;
            Ok::<u64, WriteError>(rows.len() as u64)
        })();
        match result {
            Ok(n) => (format!("saved {n} packets to {path}"), true),
            Err(err) => {
                let _ = std::fs::remove_file(&tmp);
                (format!("save failed: {}", describe(&err, path)), false)
            }
        }
    }
}

/// Writes `text` to `path` (a leading `~/` is home) through a temporary file renamed into
/// place, as the captures are. Returns the path written, or why not in the user's terms.
pub(super) fn write_text(path: &str, text: &str) -> Result<String, String> {
    let path = expand_home(path);
    let tmp = temp_name(&path);
    let written = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, &path));
    match written {
        Ok(()) => Ok(path),
        Err(err) => {
            let _ = std::fs::remove_file(&tmp);
            Err(format!("cannot write {path}: {err}"))
        }
    }
}

/// A leading `~/` is the home directory, as in a shell (the prompt is not one).
fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home)
            .join(rest)
            .to_string_lossy()
            .into_owned(),
        _ => path.to_string(),
    }
}

/// The error in the user's terms: the name they typed (never the temporary one), then
/// the cause once.
fn describe(err: &WriteError, path: &str) -> String {
    match err {
        WriteError::Create { source, .. } => format!("cannot create {path}: {source}"),
        // The other kinds carry their whole story in their message (no source).
        other => other.to_string(),
    }
}

/// `dir/.name.sockeye-PID.tmp`, next to the target so the rename stays on one file
/// system. The extension of the target decides the format, so it is kept last.
fn temp_name(path: &str) -> String {
    let p = Path::new(path);
    let name = p
        .file_name()
        .map_or_else(|| "capture".into(), |n| n.to_string_lossy().into_owned());
    let ext = p
        .extension()
        .map_or_else(String::new, |e| format!(".{}", e.to_string_lossy()));
    let tmp = format!(".{name}.sockeye-{}.tmp{ext}", std::process::id());
    p.with_file_name(tmp).to_string_lossy().into_owned()
}
