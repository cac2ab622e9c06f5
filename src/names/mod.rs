//! Name resolution as Wireshark does it, off unless asked for (`-N` letters, a key in the
//! UI): MAC addresses by vendor (`oui`), ports by service (`ports`), and IP addresses by the
//! host names the capture's own DNS answers gave them (`hosts`). Nothing here asks the
//! network or the system: a capture never makes sockeye send a query.
//!
//! The pipeline keeps a [`Names`] (what to resolve and the hosts learned so far) and puts
//! each frame's names on its dissection ([`FrameNames`]), so `-T fields`, the filter and the
//! UI read the same names.

pub mod hosts;
pub mod oui;
pub mod ports;

use std::net::IpAddr;
use std::sync::Arc;

pub use hosts::HostTable;
pub use ports::{port_display, port_name, write_port, Transport};

use crate::decode::{Header, Packet};

/// The text of a table packed into the binary with deflate (Wireshark's `manuf` and
/// `services`). It unpacks unless the build is broken, and then it is empty: every
/// address and port simply prints as numbers.
fn unpack(packed: &[u8]) -> String {
    miniz_oxide::inflate::decompress_to_vec(packed)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

/// What to resolve: tshark's `-N` letters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resolve {
    /// `m`: MAC addresses by vendor.
    pub mac: bool,
    /// `t`: TCP/UDP ports by service name.
    pub transport: bool,
    /// `d` (with or without `n`): IP addresses by the names captured DNS answers gave them.
    pub dns: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("-N {letters}: unknown letter '{letter}' (sockeye knows m = MAC vendors, t = port names, d = host names from captured DNS; n and N are accepted, see --help)")]
    UnknownLetter { letters: String, letter: char },
}

impl Resolve {
    /// Everything sockeye can resolve (the UI's toggle).
    pub const ALL: Resolve = Resolve {
        mac: true,
        transport: true,
        dns: true,
    };

    /// Parses tshark's `-N` letters. `n` (network names) and `N` (external resolvers) are
    /// accepted so tshark command lines work, but add nothing: sockeye's only source of host
    /// names is the capture's DNS (`d`); it reads no hosts file and never sends a query. So
    /// `-N d` alone names hosts here, where tshark needs `-N nd`.
    pub fn parse(letters: &str) -> Result<Resolve, ResolveError> {
        let mut resolve = Resolve::default();
        for letter in letters.chars() {
            match letter {
                'm' => resolve.mac = true,
                't' => resolve.transport = true,
                'd' => resolve.dns = true,
                'n' | 'N' => {}
                other => {
                    return Err(ResolveError::UnknownLetter {
                        letters: letters.to_string(),
                        letter: other,
                    })
                }
            }
        }
        Ok(resolve)
    }

    pub fn any(self) -> bool {
        self.mac || self.transport || self.dns
    }
}

/// The pipeline's name state: what to resolve and the hosts learned so far.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub resolve: Resolve,
    pub hosts: HostTable,
}

/// An IP header's source and destination host names, when the capture's DNS gave them.
pub type HostPair = (Option<Arc<str>>, Option<Arc<str>>);

/// One frame's resolved names (only when some resolution is on).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrameNames {
    /// What was asked for: the details tree shows an address as `name (address)` when its
    /// kind is resolved, even where no name was found (as tshark does).
    pub resolve: Resolve,
    /// Per Ethernet header, in frame order: the destination's and the source's name
    /// (`eth.dst_resolved`, `eth.src_resolved`).
    pub eth: Vec<(String, String)>,
    /// Per IP header, in frame order: the source's and the destination's learned host
    /// names (`ip.src_host`, `ip.dst_host` and the IPv6 twins).
    pub hosts: Vec<HostPair>,
    /// `_ws.col.Source` and `_ws.col.Destination`, resolved.
    pub source: String,
    pub destination: String,
    /// The host names of this frame's IP and ARP addresses as the details tree shows them:
    /// learned by the end of the frame, its own DNS answers included (tshark names an
    /// address when it draws the tree, after the whole frame was read; the `*_host` fields
    /// hold what was known when the IP header was read). Only the named addresses.
    pub shown: Vec<(IpAddr, Arc<str>)>,
}

impl FrameNames {
    /// The name the details tree gives `addr`, if any.
    pub fn shown_host(&self, addr: IpAddr) -> Option<&str> {
        self.shown
            .iter()
            .find(|(a, _)| *a == addr)
            .map(|(_, name)| &**name)
    }
}

impl Names {
    pub fn new(resolve: Resolve) -> Self {
        Names {
            resolve,
            hosts: HostTable::new(),
        }
    }

    /// The names of `packet` (frame `frame`), this frame's own DNS answers already learned
    /// (see [`frame_names`]).
    /// `carried`: the addresses the application layer carries (DNS answers), which the
    /// tree names too.
    pub fn frame_names(&self, packet: &Packet<'_>, frame: u64, carried: &[IpAddr]) -> FrameNames {
        frame_names(self.resolve, &self.hosts, packet, frame, carried)
    }

    /// `_ws.col.Source` / `_ws.col.Destination`: the outermost IP addresses (by host name
    /// when known), else the Ethernet addresses (by vendor name with `m`). `including`: a
    /// name this frame itself taught counts (tshark fills the columns after the frame's DNS
    /// was read, but the IP fields before).
    pub fn columns(&self, packet: &Packet<'_>, frame: u64, including: bool) -> (String, String) {
        address_columns(self.resolve, &self.hosts, packet, frame, including)
    }
}

/// The names of `packet` (frame `frame`) as `resolve` asks, from the hosts `hosts` learned:
/// the IP headers' `*_host` fields from the frames before this one, the Source/Destination
/// columns and the tree's names from this frame too (as tshark fills them). The pipeline
/// calls it through [`Names::frame_names`] once it has learned the frame's DNS answers; the
/// UI's toggle calls it with the hosts its indexer learned.
pub fn frame_names(
    resolve: Resolve,
    hosts: &HostTable,
    packet: &Packet<'_>,
    frame: u64,
    carried: &[IpAddr],
) -> FrameNames {
    let host = |addr: IpAddr| {
        resolve
            .dns
            .then(|| hosts.lookup(addr, frame, false).cloned())
            .flatten()
    };
    let mut names = FrameNames {
        resolve,
        ..FrameNames::default()
    };
    let mut shown = |addr: IpAddr| {
        if let Some(name) = hosts.lookup(addr, frame, true).filter(|_| resolve.dns) {
            if !names.shown.iter().any(|(a, _)| *a == addr) {
                names.shown.push((addr, Arc::clone(name)));
            }
        }
    };
    let mut addresses = Vec::new();
    for layer in &packet.layers {
        match &layer.header {
            Header::Ipv4(ip) => addresses.push((ip.source().into(), ip.destination().into())),
            Header::Ipv6(ip) => addresses.push((ip.source().into(), ip.destination().into())),
            Header::Arp(arp) => {
                let ipv4 = |bytes: &[u8]| <[u8; 4]>::try_from(bytes).ok().map(IpAddr::from);
                if let (Some(src), Some(dst)) = (
                    ipv4(arp.sender_protocol_addr()),
                    ipv4(arp.target_protocol_addr()),
                ) {
                    shown(src);
                    shown(dst);
                }
            }
            _ => {}
        }
    }
    for &(src, dst) in &addresses {
        shown(src);
        shown(dst);
    }
    for addr in carried {
        shown(*addr);
    }
    for layer in &packet.layers {
        match &layer.header {
            Header::Ethernet(eth) if resolve.mac => names.eth.push((
                oui::mac_name(eth.destination()),
                oui::mac_name(eth.source()),
            )),
            _ => {}
        }
    }
    names.hosts = addresses
        .into_iter()
        .map(|(src, dst)| (host(src), host(dst)))
        .collect();
    let (source, destination) = address_columns(resolve, hosts, packet, frame, true);
    names.source = source;
    names.destination = destination;
    names
}

/// The Source and Destination columns of `packet` (frame `frame`) as `resolve` and the
/// host names learned so far (`hosts`) name them: see [`Names::columns`]. The UI's toggle
/// calls this with the hosts its indexer learned.
pub fn address_columns(
    resolve: Resolve,
    hosts: &HostTable,
    packet: &Packet<'_>,
    frame: u64,
    including: bool,
) -> (String, String) {
    {
        let host_or = |addr: IpAddr| {
            hosts
                .lookup(addr, frame, including)
                .filter(|_| resolve.dns)
                .map_or_else(|| addr.to_string(), |name| name.to_string())
        };
        for layer in &packet.layers {
            match &layer.header {
                Header::Ipv4(ip) => {
                    return (
                        host_or(IpAddr::from(ip.source())),
                        host_or(IpAddr::from(ip.destination())),
                    )
                }
                Header::Ipv6(ip) => {
                    return (
                        host_or(IpAddr::from(ip.source())),
                        host_or(IpAddr::from(ip.destination())),
                    )
                }
                _ => {}
            }
        }
        let mac = |m: [u8; 6]| {
            if resolve.mac {
                oui::mac_name(m)
            } else {
                colon_hex(&m)
            }
        };
        for layer in &packet.layers {
            if let Header::Ethernet(eth) = &layer.header {
                return (mac(eth.source()), mac(eth.destination()));
            }
        }
        (String::new(), String::new())
    }
}

fn colon_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(
            Resolve::parse("mtd"),
            Ok(Resolve {
                mac: true,
                transport: true,
                dns: true
            })
        );
        assert_eq!(
            Resolve::parse("nN"),
            Ok(Resolve::default()),
            "tshark's network letters add no source of names"
        );
        assert!(Resolve::parse("mx").is_err());
    }
}
