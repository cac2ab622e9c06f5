//! A capture file, a pipe or a FIFO (standard input included) as a [`PacketSource`].
//!
//! A regular file is read as fast as it can be. A pipe, a FIFO or a terminal may have
//! nothing to read for a while (`tcpdump -U -w - | sockeye -r -`): its reads wait at most
//! [`POLL_INTERVAL`] and then report "nothing yet", so every loop over this source shows
//! what already arrived and notices a stop request (a signal, the UI's quit) while the
//! producer is idle. A file still being written can be followed the same way (`--follow`).

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::AsFd;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::{Next, PacketSource, SourceError, SourceStats, POLL_INTERVAL};
use crate::frame::{Frame, LinkType};
use crate::pcapio::{CaptureReader, ReadError, Record};

/// What one read of a [`FileSource`] gave.
#[derive(Debug)]
pub enum Step {
    Record(Record),
    /// A stream had nothing for about [`POLL_INTERVAL`]; ask again.
    Idle,
    End,
}

pub struct FileSource {
    reader: CaptureReader<Box<dyn Read + Send>>,
    delivered: u64,
    /// The input arrives over time (pipe, FIFO, followed file).
    streaming: bool,
    /// Set by the owner to end a blocking read of an idle stream (`Ok(None)`).
    stop: Option<Arc<AtomicBool>>,
}

/// How to open a capture input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// At the end of a regular file, wait for more (`--follow`) instead of ending.
    pub follow: bool,
}

impl FileSource {
    /// Opens `path`, or standard input when `path` is `-`.
    pub fn open(path: &str) -> Result<Self, SourceError> {
        Self::open_with(path, OpenOptions::default())
    }

    pub fn open_with(path: &str, opts: OpenOptions) -> Result<Self, SourceError> {
        let open_err = |source| SourceError::Open {
            path: path.to_string(),
            source,
        };
        let file = if path == "-" {
            File::from(io::stdin().as_fd().try_clone_to_owned().map_err(open_err)?)
        } else {
            File::open(Path::new(path)).map_err(open_err)?
        };
        let kind = file.metadata().map_err(open_err)?.file_type();
        let pipe = kind.is_fifo() || kind.is_char_device() || kind.is_socket();
        let streaming = pipe || opts.follow;
        let input: Box<dyn Read + Send> = if streaming {
            Box::new(Waiting {
                file,
                follow: opts.follow && !pipe,
            })
        } else {
            Box::new(file)
        };
        let mut source = Self::from_reader(input)?;
        source.streaming = streaming;
        Ok(source)
    }

    pub fn from_reader(input: Box<dyn Read + Send>) -> Result<Self, SourceError> {
        Ok(FileSource {
            reader: CaptureReader::new(input)?,
            delivered: 0,
            streaming: false,
            stop: None,
        })
    }

    /// Each record's packet comment, left in the slot as the record is read (see
    /// [`crate::dissect::Dissector::with_comments`]).
    pub fn comments(&mut self) -> crate::pcapio::CommentSlot {
        self.reader.share_comments()
    }

    /// A blocking read of an idle stream ends (as at the end of the input) once `stop` is
    /// set.
    pub fn with_stop(mut self, stop: Arc<AtomicBool>) -> Self {
        self.stop = Some(stop);
        self
    }

    /// Whether packets arrive over time (a pipe, a FIFO, a followed file) rather than all
    /// being there already.
    pub fn is_streaming(&self) -> bool {
        self.streaming
    }

    /// A producer's output (a child process's standard output), read as it arrives.
    pub fn from_pipe(pipe: impl Into<std::os::fd::OwnedFd>) -> Result<Self, SourceError> {
        let input = Waiting {
            file: File::from(pipe.into()),
            follow: false,
        };
        let mut source = Self::from_reader(Box::new(input))?;
        source.streaming = true;
        Ok(source)
    }

    /// The next record, or [`Step::Idle`] when a stream had nothing for about
    /// [`POLL_INTERVAL`]. The record's bytes are read with [`FileSource::frame`].
    pub fn step(&mut self) -> Result<Step, SourceError> {
        match self.reader.advance() {
            Err(ReadError::Idle) => Ok(Step::Idle),
            Err(err) => Err(err.into()),
            Ok(None) => Ok(Step::End),
            Ok(Some(record)) => {
                self.delivered += 1;
                Ok(Step::Record(record))
            }
        }
    }

    /// [`FileSource::step`] waiting through idle spells, until a record, the end, or the
    /// stop flag (which ends it as [`Step::End`]).
    pub fn step_blocking(&mut self) -> Result<Step, SourceError> {
        loop {
            match self.step()? {
                Step::Idle
                    if self
                        .stop
                        .as_ref()
                        .is_some_and(|s| s.load(Ordering::Relaxed)) =>
                {
                    return Ok(Step::End)
                }
                Step::Idle => {}
                other => return Ok(other),
            }
        }
    }

    /// The frame of a record [`FileSource::step`] just returned, and the file offset of
    /// its captured bytes.
    pub fn frame(&self, record: &Record) -> (u64, Frame<'_>) {
        self.reader.record(record)
    }

    /// The next frame with the file offset of its captured bytes (see
    /// [`CaptureReader::next_record`]).
    pub fn next_record(&mut self) -> Result<Option<(u64, Frame<'_>)>, SourceError> {
        match self.step_blocking()? {
            Step::Record(r) => Ok(Some(self.frame(&r))),
            _ => Ok(None),
        }
    }

    /// Bytes consumed so far (for progress indicators).
    pub fn offset(&self) -> u64 {
        self.reader.offset()
    }
}

impl PacketSource for FileSource {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, SourceError> {
        Ok(self.next_record()?.map(|(_, frame)| frame))
    }

    fn next_within(&mut self, _timeout: Duration) -> Result<Next<'_>, SourceError> {
        Ok(match self.step()? {
            Step::Idle => Next::Idle,
            Step::End => Next::End,
            Step::Record(r) => Next::Frame(self.frame(&r).1),
        })
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

/// An input that may have nothing to read for a while: each read waits at most
/// [`POLL_INTERVAL`] and then fails with `WouldBlock` (which the capture reader reports as
/// "nothing yet"); a followed file at its end waits for it to grow the same way.
struct Waiting {
    file: File,
    follow: bool,
}

impl Read for Waiting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.follow && !super::wait::readable(&self.file, POLL_INTERVAL)? {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = self.file.read(buf)?;
        if n == 0 && self.follow && !buf.is_empty() {
            std::thread::sleep(POLL_INTERVAL);
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(n)
    }
}
