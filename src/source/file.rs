//! A capture file (or stdin) as a [`PacketSource`].

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::{PacketSource, SourceError, SourceStats};
use crate::frame::{Frame, LinkType};
use crate::pcapio::CaptureReader;

pub struct FileSource {
    reader: CaptureReader<Box<dyn Read + Send>>,
    delivered: u64,
}

impl FileSource {
    /// Opens `path`, or standard input when `path` is `-`.
    pub fn open(path: &str) -> Result<Self, SourceError> {
        let input: Box<dyn Read + Send> = if path == "-" {
            Box::new(io::stdin())
        } else {
            let file = File::open(Path::new(path)).map_err(|source| SourceError::Open {
                path: path.to_string(),
                source,
            })?;
            Box::new(file)
        };
        Self::from_reader(input)
    }

    pub fn from_reader(input: Box<dyn Read + Send>) -> Result<Self, SourceError> {
        Ok(FileSource {
            reader: CaptureReader::new(input)?,
            delivered: 0,
        })
    }

    /// The next frame with the file offset of its captured bytes (see
    /// [`CaptureReader::next_record`]).
    pub fn next_record(&mut self) -> Result<Option<(u64, Frame<'_>)>, SourceError> {
        let record = self.reader.next_record()?;
        if record.is_some() {
            self.delivered += 1;
        }
        Ok(record)
    }

    /// Bytes consumed so far (for progress indicators).
    pub fn offset(&self) -> u64 {
        self.reader.offset()
    }
}

impl PacketSource for FileSource {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, SourceError> {
        let frame = self.reader.next_frame()?;
        if frame.is_some() {
            self.delivered += 1;
        }
        Ok(frame)
    }

    fn link_type(&self) -> LinkType {
        self.reader.link_type()
    }

    fn stats(&self) -> SourceStats {
        SourceStats {
            delivered: self.delivered,
            ..SourceStats::default()
        }
    }
}
