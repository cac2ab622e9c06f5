//! `--anonymize` in the UI: the UI maps capture files into memory, so it is shown an
//! anonymised copy, written to a private temporary file that is removed when the UI ends.

use std::path::PathBuf;

use crate::dissect::anonymize::Anonymizer;
use crate::pcapio::CaptureWriter;
use crate::source::{FileSource, PacketSource};

/// The anonymised copy; dropping it removes the file.
pub struct PrivateCopy(PathBuf);

impl PrivateCopy {
    pub fn path(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl Drop for PrivateCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Writes the anonymised copy of the capture at `path` (a fresh key).
pub fn anonymized_copy(path: &str) -> anyhow::Result<PrivateCopy> {
    let mut source = FileSource::open(path)?;
    let mut anonymizer = Anonymizer::random()?;
    let copy = PrivateCopy(
        std::env::temp_dir().join(format!("sockeye-private-{}.pcapng", std::process::id())),
    );
    let mut writer = CaptureWriter::create(
        &copy.path(),
        crate::pcapio::DEFAULT_SNAPLEN,
        source.link_type(),
    )?;
    let comments = source.comments();
    while let Some(frame) = source.next_frame()? {
        let private = anonymizer.frame(&frame);
        // sockeye's process comments stay (they name programs on the capturing machine,
        // not hosts); any other comment is free text that could hold anything, and goes.
        match comments
            .take()
            .filter(|c| c.starts_with(crate::dissect::process::COMMENT_PREFIX))
        {
            Some(text) => writer.write_frame_commented(&private.as_frame(), &text)?,
            None => writer.write_frame(&private.as_frame())?,
        }
    }
    writer.flush()?;
    Ok(copy)
}
