//! Privacy mode (`--anonymize`): each frame is rewritten *before* it is decoded, so every
//! consumer — the UI's views, `-V`, `-T fields`, JSON, `-w` — sees only the rewritten bytes
//! and nothing can show an original by another path.
//!
//! - IPv4/IPv6 addresses (IP headers, ARP) are mapped with Crypto-PAn: consistently and
//!   prefix-preserving, so hosts of one /24 stay in one /24.
//! - MAC addresses (Ethernet, ARP, Linux cooked headers) keep their vendor prefix (OUI) and
//!   get the rest from a keyed hash; broadcast stays broadcast.
//! - Everything above the transport header (payload, application fields, host names in
//!   DNS/HTTP/TLS, the packet an ICMP error quotes) is cut from the captured bytes, as a
//!   short snap length would: lengths still tell how much there was, the views show no
//!   bytes (`··`), and transport checksums read "unverified" (they cannot be checked).
//! - The IPv4 header checksum is recomputed. A frame whose link layer sockeye does not
//!   decode keeps no bytes at all.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use aes::cipher::{generic_array::GenericArray, BlockEncrypt, KeyInit};
use aes::Aes128;

use super::crypto_pan::CryptoPan;
use super::process::{Owner, OwnerLookup};
use crate::decode::{self, Header};
use crate::frame::{Frame, LinkType, OwnedFrame};
use crate::source::{PacketSource, SourceError, SourceStats};

/// The keyed mappings of one session (the same address always maps the same way).
pub struct Anonymizer {
    pan: CryptoPan,
    mac_cipher: Aes128,
    v4: HashMap<[u8; 4], [u8; 4]>,
    v6: HashMap<[u8; 16], [u8; 16]>,
    originals: Originals,
}

/// The original of every IP address the session's anonymizer has rewritten, for the one
/// consumer that must see through it: live process attribution, which asks the kernel
/// about this machine's real sockets (asking about a rewritten address would find nobody,
/// or a stranger that happens to hold it). Only the lookup reads it; nothing it finds
/// carries an address on. Grows per distinct address, as the anonymizer's own maps do.
#[derive(Debug, Clone, Default)]
pub struct Originals(Arc<Mutex<HashMap<IpAddr, IpAddr>>>);

impl Originals {
    fn record(&self, original: IpAddr, mapped: IpAddr) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(mapped, original);
    }

    /// The address `mapped` was rewritten from, if this session rewrote it.
    pub fn original(&self, mapped: IpAddr) -> Option<IpAddr> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&mapped)
            .copied()
    }

    fn socket(&self, mapped: SocketAddr) -> Option<SocketAddr> {
        Some(SocketAddr::new(self.original(mapped.ip())?, mapped.port()))
    }
}

/// An owner lookup behind the anonymizer: each rewritten address is turned back into the
/// original before `inner` asks the kernel. An address the session never rewrote is not
/// asked about at all.
#[derive(Debug)]
pub struct Deanonymized {
    pub inner: Box<dyn OwnerLookup>,
    pub originals: Originals,
}

impl OwnerLookup for Deanonymized {
    fn lookup(
        &mut self,
        tcp: bool,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> (Option<Owner>, Option<Owner>) {
        match (self.originals.socket(src), self.originals.socket(dst)) {
            (Some(src), Some(dst)) => self.inner.lookup(tcp, src, dst),
            _ => (None, None),
        }
    }

    fn late(
        &mut self,
        tcp: bool,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> Option<(Option<Owner>, Option<Owner>)> {
        let (src, dst) = (self.originals.socket(src)?, self.originals.socket(dst)?);
        self.inner.late(tcp, src, dst)
    }
}

impl Anonymizer {
    pub fn new(key: &[u8; 32]) -> Self {
        // The MAC hash uses a key of its own, derived from the session key.
        let mut mac_key = [0u8; 16];
        for (m, (a, b)) in mac_key.iter_mut().zip(key.iter().zip(key.iter().skip(16))) {
            *m = a ^ b ^ 0x5c;
        }
        Anonymizer {
            pan: CryptoPan::new(key),
            mac_cipher: Aes128::new(GenericArray::from_slice(&mac_key)),
            v4: HashMap::new(),
            v6: HashMap::new(),
            originals: Originals::default(),
        }
    }

    /// The originals of the addresses this anonymizer rewrites, as it rewrites them.
    pub fn originals(&self) -> Originals {
        self.originals.clone()
    }

    /// A key nobody knows (from the kernel's random source): the mapping lasts this run.
    pub fn random() -> std::io::Result<Self> {
        use std::io::Read;
        let mut key = [0u8; 32];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut key)?;
        Ok(Self::new(&key))
    }

    fn ipv4(&mut self, at: &mut [u8]) {
        let Ok(orig) = <[u8; 4]>::try_from(&*at) else {
            return;
        };
        let (pan, originals) = (&self.pan, &self.originals);
        let mapped = *self.v4.entry(orig).or_insert_with(|| {
            let mut a = orig;
            pan.anonymize(&mut a);
            originals.record(IpAddr::from(orig), IpAddr::from(a));
            a
        });
        at.copy_from_slice(&mapped);
    }

    fn ipv6(&mut self, at: &mut [u8]) {
        let Ok(orig) = <[u8; 16]>::try_from(&*at) else {
            return;
        };
        let (pan, originals) = (&self.pan, &self.originals);
        let mapped = *self.v6.entry(orig).or_insert_with(|| {
            let mut a = orig;
            pan.anonymize(&mut a);
            originals.record(IpAddr::from(orig), IpAddr::from(a));
            a
        });
        at.copy_from_slice(&mapped);
    }

    /// The vendor prefix stays; the last three bytes come from a keyed hash of the whole
    /// address. Broadcast and the all-zero address name nobody and stay.
    fn mac(&self, at: &mut [u8]) {
        if at.len() != 6 || at.iter().all(|b| *b == 0xff) || at.iter().all(|b| *b == 0) {
            return;
        }
        let mut block = GenericArray::from([0u8; 16]);
        block[..6].copy_from_slice(at);
        self.mac_cipher.encrypt_block(&mut block);
        at[3..6].copy_from_slice(&block[..3]);
    }

    /// `frame` rewritten (see the module's comment).
    pub fn frame(&mut self, frame: &Frame<'_>) -> OwnedFrame {
        let packet = decode::decode(frame);
        let mut data = frame.data.to_vec();
        let mut keep = 0usize;
        for layer in &packet.layers {
            let at = layer.offset;
            let len = layer.header.bytes().len();
            let Some(bytes) = data.get_mut(at..) else {
                break;
            };
            let mut transport = false;
            match &layer.header {
                Header::Null { .. } => keep = at + 4,
                Header::Sll(_) => {
                    // Link-layer address: its length at 4..6, the address at 6..14.
                    if bytes.get(4..6) == Some(&[0, 6]) {
                        self.mac_range(bytes, 6);
                    }
                    keep = at + len;
                }
                Header::Sll2(_) => {
                    if bytes.get(11) == Some(&6) {
                        self.mac_range(bytes, 12);
                    }
                    keep = at + len;
                }
                Header::Ethernet(_) => {
                    self.mac_range(bytes, 0);
                    self.mac_range(bytes, 6);
                    keep = at + len;
                }
                // Headers that only say what comes next: kept, and the loop goes on to
                // the frame or packet they carry (GRE, MPLS, IP-in-IP; VXLAN and Geneve
                // ride in UDP, where the loop stops before them).
                Header::Vlan(_)
                | Header::Llc(_)
                | Header::Gre(_)
                | Header::Vxlan(_)
                | Header::Geneve(_)
                | Header::Mpls(_) => keep = at + len,
                // Bridge and discovery messages name bridges, devices and their addresses;
                // a header cut short is not understood: neither is kept.
                Header::Stp(_) | Header::Lldp(_) | Header::Cdp(_) | Header::Cut { .. } => break,
                Header::Arp(_) => {
                    // Ethernet/IPv4 ARP: sender MAC, sender IP, target MAC, target IP.
                    if bytes.get(4..6) == Some(&[6, 4]) {
                        self.mac_range(bytes, 8);
                        self.ipv4_range(bytes, 14);
                        self.mac_range(bytes, 18);
                        self.ipv4_range(bytes, 24);
                    }
                    keep = at + len;
                }
                Header::Ipv4(_) => {
                    self.ipv4_range(bytes, 12);
                    self.ipv4_range(bytes, 16);
                    if let Some(header) = bytes.get_mut(..len) {
                        ipv4_checksum(header);
                    }
                    keep = at + len;
                }
                Header::Ipv6(_) => {
                    if let Some(a) = bytes.get_mut(8..24) {
                        self.ipv6(a);
                    }
                    if let Some(a) = bytes.get_mut(24..40) {
                        self.ipv6(a);
                    }
                    keep = at + len;
                }
                // A routing header lists addresses: cut there.
                Header::Ipv6Ext { kind, .. }
                    if *kind == etherparse::IpNumber::IPV6_ROUTE_HEADER =>
                {
                    break
                }
                Header::Ipv6Ext { .. } => keep = at + len,
                Header::Tcp(_) | Header::Udp(_) => {
                    keep = at + len;
                    transport = true;
                }
                Header::Icmpv4(_) | Header::Icmpv6(_) => {
                    // The ICMP header's 8 bytes; what follows (a quoted packet, a neighbour
                    // discovery target) is payload.
                    keep = at + len.min(8);
                    transport = true;
                }
                // Layers this rewriter does not know (LLC, STP, LLDP, CDP, tunnels…) may
                // carry addresses it cannot find: the frame is cut before them.
                #[allow(unreachable_patterns)]
                _ => break,
            }
            if transport {
                break;
            }
        }
        data.truncate(keep);
        reseal_transport(&packet, &mut data);
        reseal_icmp(&packet, &mut data);
        // Last: a GRE checksum covers the packet it carries, resealed above.
        reseal_gre(&packet, &mut data);
        OwnedFrame {
            ts_ns: frame.ts_ns,
            data,
            orig_len: frame.orig_len,
            link: frame.link,
            interface: frame.interface,
            direction: frame.direction,
        }
    }

    fn mac_range(&self, bytes: &mut [u8], at: usize) {
        if let Some(m) = bytes.get_mut(at..at + 6) {
            self.mac(m);
        }
    }

    fn ipv4_range(&mut self, bytes: &mut [u8], at: usize) {
        if let Some(a) = bytes.get_mut(at..at + 4) {
            self.ipv4(a);
        }
    }
}

/// The RFC 1071 sum of `bytes` (an odd last byte padded with zero), not yet folded.
fn sum16(bytes: &[u8]) -> u32 {
    bytes
        .chunks(2)
        .map(|w| {
            let hi = w.first().copied().unwrap_or(0);
            let lo = w.get(1).copied().unwrap_or(0);
            u32::from(u16::from_be_bytes([hi, lo]))
        })
        .sum()
}

fn fold(mut sum: u32) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Recomputes an IPv4 header's checksum after its addresses changed.
fn ipv4_checksum(header: &mut [u8]) {
    if let Some(c) = header.get_mut(10..12) {
        c.copy_from_slice(&[0, 0]);
    } else {
        return;
    }
    let check = fold(sum16(header));
    if let Some(c) = header.get_mut(10..12) {
        c.copy_from_slice(&check.to_be_bytes());
    }
}

/// An ICMP message cut to its 8-byte header gets the checksum of those 8 bytes: sockeye
/// checks an ICMP message over the bytes captured, and the original sum, over the rest of
/// the message too, would read as damage that is not there.
fn reseal_icmp(packet: &decode::Packet<'_>, data: &mut [u8]) {
    let Some(layer) = packet
        .layers
        .iter()
        .find(|l| matches!(l.header, Header::Icmpv4(_) | Header::Icmpv6(_)))
    else {
        return;
    };
    let pseudo = match (
        &layer.header,
        packet
            .layers
            .iter()
            .find(|l| matches!(l.header, Header::Ipv6(_))),
    ) {
        (Header::Icmpv6(_), Some(ip)) => {
            let Some(addrs) = data.get(ip.offset + 8..ip.offset + 40) else {
                return;
            };
            let len = data.len().saturating_sub(layer.offset) as u32;
            sum16(addrs) + len + 58
        }
        (Header::Icmpv6(_), None) => return,
        _ => 0,
    };
    let Some(message) = data.get_mut(layer.offset..) else {
        return;
    };
    if let Some(c) = message.get_mut(2..4) {
        c.copy_from_slice(&[0, 0]);
    } else {
        return;
    }
    let check = fold(pseudo + sum16(message));
    if let Some(c) = message.get_mut(2..4) {
        c.copy_from_slice(&check.to_be_bytes());
    }
}

/// A TCP/UDP segment that is still whole after the cut (no payload: a SYN, a bare ACK)
/// gets its checksum recomputed over the new addresses, so it reads "good" rather than
/// "bad"; a cut one cannot be checked and reads "unverified".
fn reseal_transport(packet: &decode::Packet<'_>, data: &mut [u8]) {
    let Some(t_at) = packet
        .layers
        .iter()
        .position(|l| matches!(l.header, Header::Tcp(_) | Header::Udp(_)))
    else {
        return;
    };
    // The pseudo-header's addresses are those of the IP layer that carries the segment:
    // in a tunnel (GRE, IP-in-IP) that is the inner one.
    let (Some(ip), Some(t)) = (
        packet
            .layers
            .get(..t_at)
            .unwrap_or_default()
            .iter()
            .rev()
            .find(|l| matches!(l.header, Header::Ipv4(_) | Header::Ipv6(_))),
        packet.layers.get(t_at),
    ) else {
        return;
    };
    if packet.fragment {
        return;
    }
    let (proto, at_checksum) = match t.header {
        Header::Tcp(_) => (6u32, 16),
        _ => (17u32, 6),
    };
    let seg_len = t.header.bytes().len();
    let whole = match (&t.header, packet.tcp_len) {
        (Header::Tcp(_), Some(0)) => true,
        (Header::Udp(u), _) => usize::from(u.length()) == seg_len,
        _ => false,
    };
    if !whole {
        return;
    }
    let addrs = match ip.header {
        Header::Ipv4(_) => data.get(ip.offset + 12..ip.offset + 20),
        _ => data.get(ip.offset + 8..ip.offset + 40),
    };
    let Some(addr_sum) = addrs.map(sum16) else {
        return;
    };
    let Some(segment) = data.get_mut(t.offset..t.offset + seg_len) else {
        return;
    };
    // A UDP checksum of zero means "none" over IPv4: it stays so.
    if proto == 17 && segment.get(6..8) == Some(&[0, 0]) {
        return;
    }
    if let Some(c) = segment.get_mut(at_checksum..at_checksum + 2) {
        c.copy_from_slice(&[0, 0]);
    }
    let sum = addr_sum + proto + seg_len as u32 + sum16(segment);
    let mut check = fold(sum);
    if proto == 17 && check == 0 {
        check = 0xffff;
    }
    if let Some(c) = segment.get_mut(at_checksum..at_checksum + 2) {
        c.copy_from_slice(&check.to_be_bytes());
    }
}

/// A GRE header with its checksum present (the C bit) gets the checksum of itself and
/// what follows it, as kept (RFC 2784 §2.5).
fn reseal_gre(packet: &decode::Packet<'_>, data: &mut [u8]) {
    for layer in packet.layers.iter().rev() {
        if !matches!(layer.header, Header::Gre(_)) {
            continue;
        }
        let Some(gre) = data.get_mut(layer.offset..) else {
            continue;
        };
        if gre.first().is_none_or(|b| b & 0x80 == 0) || gre.len() < 6 {
            continue;
        }
        if let Some(c) = gre.get_mut(4..6) {
            c.copy_from_slice(&[0, 0]);
        }
        let check = fold(sum16(gre));
        if let Some(c) = gre.get_mut(4..6) {
            c.copy_from_slice(&check.to_be_bytes());
        }
    }
}

/// What [`AnonymizedSource`] can wrap: a borrowed source (the headless loop's) or an owned
/// one (the live UI's, which moves to its capture thread).
pub trait Wrapped {
    fn source(&mut self) -> &mut dyn PacketSource;
    fn source_ref(&self) -> &dyn PacketSource;
}

impl Wrapped for &mut dyn PacketSource {
    fn source(&mut self) -> &mut dyn PacketSource {
        &mut **self
    }
    fn source_ref(&self) -> &dyn PacketSource {
        &**self
    }
}

impl Wrapped for Box<dyn PacketSource + Send> {
    fn source(&mut self) -> &mut dyn PacketSource {
        &mut **self
    }
    fn source_ref(&self) -> &dyn PacketSource {
        &**self
    }
}

/// Any source, anonymised frame by frame (the frame lent is the rewritten copy).
pub struct AnonymizedSource<S> {
    inner: S,
    anonymizer: Anonymizer,
    current: OwnedFrame,
}

impl<S: Wrapped> AnonymizedSource<S> {
    pub fn new(inner: S, anonymizer: Anonymizer) -> Self {
        AnonymizedSource {
            inner,
            anonymizer,
            current: OwnedFrame::ethernet(0, Vec::new()),
        }
    }
}

impl<S: Wrapped> PacketSource for AnonymizedSource<S> {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, SourceError> {
        let Some(frame) = self.inner.source().next_frame()? else {
            return Ok(None);
        };
        self.current = self.anonymizer.frame(&frame);
        Ok(Some(self.current.as_frame()))
    }

    fn next_within(
        &mut self,
        timeout: std::time::Duration,
    ) -> Result<crate::source::Next<'_>, SourceError> {
        match self.inner.source().next_within(timeout)? {
            crate::source::Next::Frame(frame) => {
                self.current = self.anonymizer.frame(&frame);
                Ok(crate::source::Next::Frame(self.current.as_frame()))
            }
            crate::source::Next::End => Ok(crate::source::Next::End),
            crate::source::Next::Idle => Ok(crate::source::Next::Idle),
        }
    }

    fn link_type(&self) -> LinkType {
        self.inner.source_ref().link_type()
    }

    fn stats(&self) -> SourceStats {
        self.inner.source_ref().stats()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::source::{FileSource, MemorySource};

    fn frames(name: &str) -> Vec<OwnedFrame> {
        let path = format!("{}/captures/textbook/{name}", env!("CARGO_MANIFEST_DIR"));
        let mut src = FileSource::open(&path).unwrap();
        let mut out = Vec::new();
        while let Some(f) = src.next_frame().unwrap() {
            out.push(f.to_owned());
        }
        out
    }

    /// An owned live-style source (what the live UI gets) yields rewritten frames: the
    /// same address maps the same way every time, the vendor prefix stays, the payload
    /// goes, and the original length is still told.
    #[test]
    fn owned_source_rewrites_every_frame() {
        let originals = frames("http_google.pcapng");
        let inner: Box<dyn PacketSource + Send> = Box::new(MemorySource::new(originals.clone()));
        let mut src = AnonymizedSource::new(inner, Anonymizer::new(&[7; 32]));
        let mut seen = Vec::new();
        while let Some(f) = src.next_frame().unwrap() {
            seen.push(f.to_owned());
        }
        assert_eq!(seen.len(), originals.len());
        let (a, b) = (&originals[0].data, &seen[0].data);
        assert_eq!(a[..3], b[..3], "destination OUI kept");
        assert_ne!(a[..6], b[..6], "destination MAC changed");
        assert_ne!(a[26..34], b[26..34], "IPv4 addresses changed");
        // Frame 4 carries the GET: it is cut after the TCP header.
        let get = &seen[3];
        assert_eq!(get.data.len(), 14 + 20 + 20);
        assert_eq!(get.orig_len, originals[3].orig_len);
        // Consistent: the client's address is the same in frames 1 and 3.
        assert_eq!(seen[0].data[26..30], seen[2].data[26..30]);
    }
}
