//! What the traced program prints, kept for the run UI's output pane (the terminal belongs
//! to the UI, so the program's stdout and stderr are piped here and to a log file).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::{Arc, Mutex, PoisonError};

/// Lines kept for the pane: the log file has them all.
pub const KEPT_LINES: usize = 500;

/// The program's latest output lines, shared between the pumps and the UI.
#[derive(Debug, Clone, Default)]
pub struct ProgramOutput(Arc<Mutex<VecDeque<String>>>);

impl ProgramOutput {
    pub fn push(&self, line: String) {
        let mut lines = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if lines.len() >= KEPT_LINES {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    /// The last `n` lines, oldest first.
    pub fn last(&self, n: usize) -> Vec<String> {
        let lines = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        lines
            .iter()
            .skip(lines.len().saturating_sub(n))
            .cloned()
            .collect()
    }

    /// Copies `pipe` line by line into this output and into `log` (shared by stdout's and
    /// stderr's pumps) until the program and its children close it. Hostile bytes: invalid
    /// UTF-8 is replaced, control characters other than tab are shown as `·`, and an
    /// endless line is cut into pieces the reader can bound.
    pub fn pump(
        &self,
        pipe: impl Read + Send + 'static,
        log: Arc<Mutex<std::fs::File>>,
    ) -> std::io::Result<std::thread::JoinHandle<()>> {
        let out = self.clone();
        std::thread::Builder::new()
            .name("program-output".into())
            .spawn(move || {
                let mut reader = BufReader::new(pipe.take(u64::MAX));
                let mut buf = Vec::new();
                loop {
                    buf.clear();
                    match (&mut reader).take(4096).read_until(b'\n', &mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    if let Ok(mut f) = log.lock() {
                        let _ = f.write_all(&buf);
                    }
                    out.push(printable(&buf));
                }
            })
    }
}

fn printable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_end_matches(['\n', '\r'])
        .chars()
        .map(|c| if c.is_control() && c != '\t' { '·' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_lines_printable() {
        let out = ProgramOutput::default();
        for i in 0..KEPT_LINES + 3 {
            out.push(format!("line {i}"));
        }
        assert_eq!(out.last(2), vec!["line 501", "line 502"]);
        assert_eq!(printable(b"a\x1b[2Jb\xff\n"), "a·[2Jb\u{fffd}");
    }

    #[test]
    fn a_pipe_is_pumped_to_the_pane_and_the_log() {
        let dir = std::env::temp_dir().join(format!("sockeye-output-{}", std::process::id()));
        let log = Arc::new(Mutex::new(std::fs::File::create(&dir).unwrap()));
        let out = ProgramOutput::default();
        let text: &[u8] = b"listening\nconnection from 127.0.0.1:4\n";
        out.pump(text, log).unwrap().join().unwrap();
        assert_eq!(
            out.last(5),
            vec!["listening", "connection from 127.0.0.1:4"]
        );
        assert_eq!(std::fs::read(&dir).unwrap(), text);
        let _ = std::fs::remove_file(&dir);
    }
}
