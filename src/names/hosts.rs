//! Host names learned from the capture's own DNS answers (Wireshark's "use captured DNS
//! packet data for address resolution"): each A/AAAA record of class IN names its address
//! with the record's owner name, from the frame that carried it onward. A later answer for
//! the same address renames it (Wireshark keeps the last name too).
//!
//! The table remembers when each name was learned, so a consumer that looks at an earlier
//! frame (the UI scrolling back) sees the name that frame had, never one from its future.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use crate::decode::app::dns::{Dns, RData};

/// Addresses remembered at most. A capture of endless answers must not grow memory without
/// end; past this, new addresses are not learned (those already named keep their names).
pub const MAX_HOSTS: usize = 65_536;
/// Names kept per address (renames past this replace the last one).
const MAX_NAMES_PER_HOST: usize = 8;

/// Address → the names it was given, each with the frame that gave it.
#[derive(Debug, Default, Clone)]
pub struct HostTable {
    names: HashMap<IpAddr, Vec<(u64, Arc<str>)>>,
}

impl HostTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// Learns the A/AAAA answers of `dns`, carried by frame `frame`. Returns whether any
    /// name was learned.
    pub fn learn(&mut self, dns: &Dns, frame: u64) -> bool {
        let mut learned = false;
        for (_, record) in &dns.records {
            // Class IN (the top bit is mDNS's cache-flush bit).
            if record.class & 0x7fff != 1 || record.name.is_empty() {
                continue;
            }
            let addr = match record.data {
                RData::A(a) => IpAddr::from(a),
                RData::Aaaa(a) => IpAddr::from(a),
                _ => continue,
            };
            learned |= self.insert(addr, &record.name, frame);
        }
        learned
    }

    /// The addresses of `dns`'s A/AAAA records (what the details tree may name).
    pub fn addresses(dns: &Dns) -> impl Iterator<Item = IpAddr> + '_ {
        dns.records
            .iter()
            .filter_map(|(_, record)| match record.data {
                RData::A(a) => Some(IpAddr::from(a)),
                RData::Aaaa(a) => Some(IpAddr::from(a)),
                _ => None,
            })
    }

    fn insert(&mut self, addr: IpAddr, name: &str, frame: u64) -> bool {
        if !self.names.contains_key(&addr) && self.names.len() >= MAX_HOSTS {
            return false;
        }
        let names = self.names.entry(addr).or_default();
        if names
            .last()
            .is_some_and(|(_, last)| last.eq_ignore_ascii_case(name))
        {
            return false;
        }
        if names.len() >= MAX_NAMES_PER_HOST {
            names.pop();
        }
        names.push((frame, Arc::from(name)));
        true
    }

    /// The name `addr` has as of frame `frame` (learned from frames before it, or from
    /// `frame` itself when `including` is set).
    pub fn lookup(&self, addr: IpAddr, frame: u64, including: bool) -> Option<&Arc<str>> {
        self.names
            .get(&addr)?
            .iter()
            .rev()
            .find(|(learned, _)| *learned < frame || (including && *learned == frame))
            .map(|(_, name)| name)
    }

    /// The latest name of `addr`, whenever it was learned.
    pub fn latest(&self, addr: IpAddr) -> Option<&Arc<str>> {
        self.names.get(&addr)?.last().map(|(_, name)| name)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_apply_from_the_learning_frame_on_and_renames_keep_history() {
        let mut hosts = HostTable::new();
        let addr: IpAddr = "93.184.216.34".parse().unwrap();
        assert!(hosts.insert(addr, "example.org", 3));
        assert!(!hosts.insert(addr, "EXAMPLE.org", 4), "same name, any case");
        assert!(hosts.insert(addr, "www.example.org", 9));
        assert_eq!(hosts.lookup(addr, 3, false), None);
        assert_eq!(
            hosts.lookup(addr, 3, true).map(|n| &**n),
            Some("example.org")
        );
        assert_eq!(
            hosts.lookup(addr, 9, false).map(|n| &**n),
            Some("example.org")
        );
        assert_eq!(
            hosts.lookup(addr, 10, false).map(|n| &**n),
            Some("www.example.org")
        );
        assert_eq!(hosts.latest(addr).map(|n| &**n), Some("www.example.org"));
    }

    #[test]
    fn bounded() {
        let mut hosts = HostTable::new();
        for i in 0..(MAX_HOSTS as u32 + 10) {
            hosts.insert(IpAddr::from(i.to_be_bytes()), "h", 1);
        }
        assert_eq!(hosts.len(), MAX_HOSTS);
    }
}
