//! Byte-level builders for hostile captures and frames. Deliberately hand-rolled (not the
//! writer under test): each length field can be set to a lie.

/// A classic little-endian microsecond pcap file header.
pub fn pcap_header(snaplen: u32, link: u32) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xA1B2_C3D4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&snaplen.to_le_bytes());
    out.extend_from_slice(&link.to_le_bytes());
    out
}

/// A pcap record whose header claims `incl_len` / `orig_len`, followed by `data` as given.
pub fn pcap_record(incl_len: u32, orig_len: u32, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&1_700_000_000u32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&incl_len.to_le_bytes());
    out.extend_from_slice(&orig_len.to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// A whole Ethernet pcap holding `frames`, with honest lengths.
pub fn pcap(snaplen: u32, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut out = pcap_header(snaplen, 1);
    for f in frames {
        out.extend(pcap_record(f.len() as u32, f.len() as u32, f));
    }
    out
}

fn pad4(body: &mut Vec<u8>) {
    while body.len() % 4 != 0 {
        body.push(0);
    }
}

/// A pcapng block with an honest length: type, length, body (padded), length.
pub fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    pad4(&mut body);
    let len = body.len() as u32 + 12;
    block_claiming(kind, len, len, &body)
}

/// A pcapng block whose leading and trailing lengths say what we want.
pub fn block_claiming(kind: u32, len: u32, trailer: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&trailer.to_le_bytes());
    out
}

pub fn shb_body() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
    body.extend_from_slice(&1u16.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&u64::MAX.to_le_bytes()); // section length: unknown
    body
}

pub fn shb() -> Vec<u8> {
    block(0x0A0D_0D0A, &shb_body())
}

/// An interface description; `tsresol` adds an `if_tsresol` option.
pub fn idb(link: u16, snaplen: u32, tsresol: Option<u8>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&link.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&snaplen.to_le_bytes());
    if let Some(res) = tsresol {
        body.extend_from_slice(&9u16.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&[res, 0, 0, 0]);
        body.extend_from_slice(&[0; 4]); // opt_endofopt
    }
    block(1, &body)
}

/// An enhanced packet block claiming `cap_len` captured bytes, holding `data`.
pub fn epb_claiming(iface: u32, ts: u64, cap_len: u32, data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&iface.to_le_bytes());
    body.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
    body.extend_from_slice(&(ts as u32).to_le_bytes());
    body.extend_from_slice(&cap_len.to_le_bytes());
    body.extend_from_slice(&(data.len() as u32).to_le_bytes());
    body.extend_from_slice(data);
    block(6, &body)
}

pub fn epb(iface: u32, ts: u64, data: &[u8]) -> Vec<u8> {
    epb_claiming(iface, ts, data.len() as u32, data)
}

pub fn concat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

// ---- frames ----

pub const ETH_IPV4: u16 = 0x0800;
pub const ETH_IPV6: u16 = 0x86DD;

pub fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1];
    out.extend_from_slice(&ethertype.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// An IPv4 header (no options, valid checksum) with `payload`.
pub fn ipv4(proto: u8, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut h = vec![0x45, 0];
    h.extend_from_slice(&total.to_be_bytes());
    h.extend_from_slice(&[0, 1, 0x40, 0, 64, proto, 0, 0]);
    h.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
    let sum = h
        .chunks(2)
        .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
        .sum::<u32>();
    let sum = (sum & 0xFFFF) + (sum >> 16);
    let sum = !((sum & 0xFFFF) + (sum >> 16)) as u16;
    h[10..12].copy_from_slice(&sum.to_be_bytes());
    h.extend_from_slice(payload);
    h
}

/// An IPv6 header with `payload` (next header `next`).
pub fn ipv6(next: u8, payload: &[u8]) -> Vec<u8> {
    let mut h = vec![0x60, 0, 0, 0];
    h.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    h.extend_from_slice(&[next, 64]);
    h.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    h.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    h.extend_from_slice(payload);
    h
}

/// A 20-byte TCP header (SYN, data offset 5) from port 40000 to 80.
pub fn tcp() -> Vec<u8> {
    let mut h = vec![
        0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
    ];
    h.extend_from_slice(&[0, 0, 0, 0]);
    h
}

/// A UDP header whose length field says `len`, then `payload`.
pub fn udp(len: u16, payload: &[u8]) -> Vec<u8> {
    let mut h = vec![0x9c, 0x40, 0, 53];
    h.extend_from_slice(&len.to_be_bytes());
    h.extend_from_slice(&[0, 0]);
    h.extend_from_slice(payload);
    h
}

/// An ICMP(v6) error message (`kind`/`code`, 4 unused bytes) quoting `quoted`.
pub fn icmp_error(kind: u8, code: u8, quoted: &[u8]) -> Vec<u8> {
    let mut m = vec![kind, code, 0, 0, 0, 0, 0, 0];
    m.extend_from_slice(quoted);
    m
}
