//! Built-in TCP/UDP endpoints: the traffic sockeye shows in class comes from here.
//!
//! Servers ([`server`]), clients ([`client`]) and the teaching [`scenarios`] all make their
//! socket calls through [`traced::TracedSocket`], which reports each call as a
//! [`events::SocketEvent`] stamped with the packet clock, so the UI can put `connect()` next
//! to the SYN it caused ([`trace::merge`]). [`netns`] builds the two-host lab.

pub mod call_owners;
pub mod capture;
pub mod client;
pub mod events;
pub mod netns;
pub mod saved;
pub mod scenarios;
pub mod server;
pub mod trace;
pub mod traced;

use std::io;
use std::net::SocketAddr;

pub use events::{CallResult, EventSink, Side, SocketCall, SocketEvent};
pub use traced::{TracedSocket, Transport};

/// What can go wrong in an endpoint; every variant prints as one line for the user.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    /// The io::Error is the `source`, so `{:#}` (what main prints) shows it once.
    #[error("{call} {addr}")]
    Socket {
        call: &'static str,
        addr: SocketAddr,
        #[source]
        source: io::Error,
    },
    #[error("bad address {input:?}: {why}")]
    BadAddress { input: String, why: String },
    #[error("unknown scenario {0:?} (see `sockeye lab list`)")]
    UnknownScenario(String),
    #[error("{0}")]
    Permission(String),
    #[error("network namespace lab: {0}")]
    Lab(String),
    #[error("{0}")]
    Failed(String),
}

impl EndpointError {
    pub(crate) fn socket(call: &'static str, addr: SocketAddr, source: io::Error) -> Self {
        EndpointError::Socket { call, addr, source }
    }
}

/// Parses `HOST:PORT` where HOST is an IP literal (`[::1]:7` for IPv6) or `localhost`.
/// Names are deliberately not resolved: a lookup would send DNS traffic off the machine.
pub fn parse_target(input: &str) -> Result<SocketAddr, EndpointError> {
    let bad = |why: &str| EndpointError::BadAddress {
        input: input.to_string(),
        why: why.to_string(),
    };
    if let Ok(a) = input.parse::<SocketAddr>() {
        return Ok(a);
    }
    let (host, port) = input
        .rsplit_once(':')
        .ok_or_else(|| bad("expected HOST:PORT, e.g. 127.0.0.1:7007"))?;
    let port: u16 = port
        .parse()
        .map_err(|_| bad("the port must be a number from 0 to 65535"))?;
    match host {
        "localhost" => Ok(SocketAddr::from(([127, 0, 0, 1], port))),
        _ => Err(bad(
            "HOST must be an IP address or localhost (names are not looked up)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_ip_literals_and_localhost_only() {
        assert_eq!(
            parse_target("127.0.0.1:7").unwrap(),
            "127.0.0.1:7".parse().unwrap()
        );
        assert_eq!(parse_target("[::1]:9").unwrap(), "[::1]:9".parse().unwrap());
        assert_eq!(
            parse_target("localhost:80").unwrap(),
            "127.0.0.1:80".parse().unwrap()
        );
        for bad in [
            "",
            "127.0.0.1",
            "127.0.0.1:x",
            "127.0.0.1:70000",
            "example.com:80",
            ":",
        ] {
            assert!(parse_target(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
