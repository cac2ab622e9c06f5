//! Why and where decoding stopped: one sentence a person can act on.

use std::fmt;

use crate::frame::LinkType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// Frame offset of the header that could not be decoded.
    pub offset: usize,
    /// The layer that failed ("ip", "tcp", …).
    pub layer: &'static str,
    pub reason: StopReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// The header needs more bytes than the frame holds after `offset`.
    Truncated {
        needed: usize,
        available: usize,
        /// The capture's snap length cut the frame (orig_len > cap_len): expected, not damage.
        by_snaplen: bool,
    },
    /// A header field holds an impossible value (IHL < 5, data offset < 5, bad version…).
    Invalid(String),
    TooManyLayers(usize),
    UnsupportedLinkType(LinkType),
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            StopReason::Truncated {
                needed,
                available,
                by_snaplen,
            } => {
                write!(
                    f,
                    "{} header at byte {} needs {needed} bytes but only {available} were captured",
                    self.layer, self.offset
                )?;
                if *by_snaplen {
                    f.write_str(" (packet size limited during capture)")?;
                }
                Ok(())
            }
            StopReason::Invalid(why) => {
                write!(
                    f,
                    "{} header at byte {} is invalid: {why}",
                    self.layer, self.offset
                )
            }
            StopReason::TooManyLayers(max) => write!(
                f,
                "more than {max} nested headers at byte {}: decoding stopped",
                self.offset
            ),
            StopReason::UnsupportedLinkType(link) => write!(
                f,
                "link type {link} is not decoded by sockeye (it decodes Ethernet, Linux cooked \
                 SLL/SLL2, raw IP and BSD loopback)"
            ),
        }
    }
}

impl Stop {
    /// A snap-length cut is normal capture practice, not a malformed packet.
    pub fn is_malformed(&self) -> bool {
        !matches!(
            self.reason,
            StopReason::Truncated {
                by_snaplen: true,
                ..
            } | StopReason::UnsupportedLinkType(_)
        )
    }
}
