//! Turning a traced call's raw arguments into what a student reads: `AF_INET, SOCK_STREAM`,
//! `127.0.0.1:7007`, `MSG_DONTWAIT`, `SO_REUSEADDR=1`. Pure functions over bytes already
//! copied out of the program, so every one is tested without a tracee.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// A socket address as the program passed or received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addr {
    Ip(SocketAddr),
    /// A Unix-domain path (`@name` for the abstract namespace), or "unnamed".
    Unix(String),
    /// Another family, or bytes too short for the one they claim.
    Other(String),
}

impl Addr {
    pub fn ip(&self) -> Option<SocketAddr> {
        match self {
            Addr::Ip(a) => Some(*a),
            _ => None,
        }
    }
}

impl std::fmt::Display for Addr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Addr::Ip(a) => write!(f, "{a}"),
            Addr::Unix(p) => write!(f, "unix:{p}"),
            Addr::Other(s) => write!(f, "{s}"),
        }
    }
}

/// Parses a `struct sockaddr` (`sockaddr_in`, `sockaddr_in6`, `sockaddr_un`); a short or
/// unknown one says so instead of guessing.
pub fn sockaddr(b: &[u8]) -> Addr {
    let Some(family) = b.get(..2).map(|f| u16::from_ne_bytes([f[0], f[1]])) else {
        return Addr::Other(format!("sockaddr of {} bytes", b.len()));
    };
    let port = || b.get(2..4).map(|p| u16::from_be_bytes([p[0], p[1]]));
    match i32::from(family) {
        libc::AF_INET => {
            match (
                port(),
                b.get(4..8).and_then(|a| <[u8; 4]>::try_from(a).ok()),
            ) {
                (Some(port), Some(ip)) => {
                    Addr::Ip(SocketAddrV4::new(Ipv4Addr::from(ip), port).into())
                }
                _ => Addr::Other(format!("AF_INET, truncated at {} bytes", b.len())),
            }
        }
        libc::AF_INET6 => {
            let ip = b.get(8..24).and_then(|a| <[u8; 16]>::try_from(a).ok());
            let scope = b
                .get(24..28)
                .and_then(|s| s.try_into().ok())
                .map_or(0, u32::from_ne_bytes);
            match (port(), ip) {
                (Some(port), Some(ip)) => {
                    Addr::Ip(SocketAddrV6::new(Ipv6Addr::from(ip), port, 0, scope).into())
                }
                _ => Addr::Other(format!("AF_INET6, truncated at {} bytes", b.len())),
            }
        }
        libc::AF_UNIX => {
            let path = b.get(2..).unwrap_or_default();
            match path.first() {
                None => Addr::Unix("unnamed".into()),
                Some(0) => Addr::Unix(format!(
                    "@{}",
                    String::from_utf8_lossy(path.get(1..).unwrap_or_default())
                        .trim_end_matches('\0')
                )),
                Some(_) => {
                    let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
                    Addr::Unix(String::from_utf8_lossy(path.get(..end).unwrap_or_default()).into())
                }
            }
        }
        other => Addr::Other(family_name(other)),
    }
}

pub fn family_name(family: i32) -> String {
    match family {
        libc::AF_INET => "AF_INET".into(),
        libc::AF_INET6 => "AF_INET6".into(),
        libc::AF_UNIX => "AF_UNIX".into(),
        libc::AF_NETLINK => "AF_NETLINK".into(),
        libc::AF_PACKET => "AF_PACKET".into(),
        other => format!("family {other}"),
    }
}

/// `SOCK_STREAM|SOCK_CLOEXEC`: the type and its creation flags.
pub fn type_name(ty: i32) -> String {
    let base = match ty & 0xf {
        libc::SOCK_STREAM => "SOCK_STREAM".to_string(),
        libc::SOCK_DGRAM => "SOCK_DGRAM".to_string(),
        libc::SOCK_RAW => "SOCK_RAW".to_string(),
        libc::SOCK_SEQPACKET => "SOCK_SEQPACKET".to_string(),
        other => format!("type {other}"),
    };
    let mut out = base;
    if ty & libc::SOCK_NONBLOCK != 0 {
        out.push_str("|SOCK_NONBLOCK");
    }
    if ty & libc::SOCK_CLOEXEC != 0 {
        out.push_str("|SOCK_CLOEXEC");
    }
    out
}

/// `MSG_PEEK|MSG_DONTWAIT`, empty for 0; unknown bits as hex.
pub fn msg_flags(flags: i32) -> String {
    const NAMES: [(i32, &str); 8] = [
        (libc::MSG_OOB, "MSG_OOB"),
        (libc::MSG_PEEK, "MSG_PEEK"),
        (libc::MSG_DONTROUTE, "MSG_DONTROUTE"),
        (libc::MSG_TRUNC, "MSG_TRUNC"),
        (libc::MSG_DONTWAIT, "MSG_DONTWAIT"),
        (libc::MSG_WAITALL, "MSG_WAITALL"),
        (libc::MSG_NOSIGNAL, "MSG_NOSIGNAL"),
        (libc::MSG_MORE, "MSG_MORE"),
    ];
    let mut parts: Vec<String> = Vec::new();
    let mut rest = flags;
    for (bit, name) in NAMES {
        if flags & bit != 0 {
            parts.push(name.to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        parts.push(format!("{rest:#x}"));
    }
    parts.join("|")
}

pub fn shutdown_how(how: i32) -> String {
    match how {
        libc::SHUT_RD => "SHUT_RD".into(),
        libc::SHUT_WR => "SHUT_WR".into(),
        libc::SHUT_RDWR => "SHUT_RDWR".into(),
        other => format!("how {other}"),
    }
}

/// `SOL_SOCKET, SO_REUSEADDR` for the common options, numbers otherwise.
pub fn sockopt_name(level: i32, name: i32) -> String {
    let known = match (level, name) {
        (libc::SOL_SOCKET, libc::SO_REUSEADDR) => "SO_REUSEADDR",
        (libc::SOL_SOCKET, libc::SO_REUSEPORT) => "SO_REUSEPORT",
        (libc::SOL_SOCKET, libc::SO_KEEPALIVE) => "SO_KEEPALIVE",
        (libc::SOL_SOCKET, libc::SO_LINGER) => "SO_LINGER",
        (libc::SOL_SOCKET, libc::SO_RCVBUF) => "SO_RCVBUF",
        (libc::SOL_SOCKET, libc::SO_SNDBUF) => "SO_SNDBUF",
        (libc::SOL_SOCKET, libc::SO_RCVTIMEO) => "SO_RCVTIMEO",
        (libc::SOL_SOCKET, libc::SO_SNDTIMEO) => "SO_SNDTIMEO",
        (libc::SOL_SOCKET, libc::SO_BROADCAST) => "SO_BROADCAST",
        (libc::SOL_SOCKET, libc::SO_ERROR) => "SO_ERROR",
        (libc::SOL_SOCKET, libc::SO_TYPE) => "SO_TYPE",
        (libc::IPPROTO_TCP, libc::TCP_NODELAY) => "TCP_NODELAY",
        (libc::IPPROTO_TCP, libc::TCP_MAXSEG) => "TCP_MAXSEG",
        (libc::IPPROTO_TCP, libc::TCP_KEEPIDLE) => "TCP_KEEPIDLE",
        (libc::IPPROTO_TCP, libc::TCP_KEEPINTVL) => "TCP_KEEPINTVL",
        (libc::IPPROTO_TCP, libc::TCP_KEEPCNT) => "TCP_KEEPCNT",
        (libc::IPPROTO_TCP, libc::TCP_CORK) => "TCP_CORK",
        (libc::IPPROTO_IP, libc::IP_TTL) => "IP_TTL",
        (libc::IPPROTO_IPV6, libc::IPV6_V6ONLY) => "IPV6_V6ONLY",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let level = match level {
        libc::SOL_SOCKET => "SOL_SOCKET".to_string(),
        libc::IPPROTO_TCP => "IPPROTO_TCP".to_string(),
        libc::IPPROTO_IP => "IPPROTO_IP".to_string(),
        libc::IPPROTO_IPV6 => "IPPROTO_IPV6".to_string(),
        other => format!("level {other}"),
    };
    format!("{level}, option {name}")
}

/// An option's value as the program passed it: an `int`, `SO_LINGER`'s pair, or its size.
pub fn sockopt_value(level: i32, name: i32, value: &[u8]) -> String {
    let int_at = |o: usize| {
        value
            .get(o..o + 4)
            .and_then(|b| b.try_into().ok())
            .map(i32::from_ne_bytes)
    };
    match (level, name, value.len()) {
        (libc::SOL_SOCKET, libc::SO_LINGER, 8) => match (int_at(0), int_at(4)) {
            (Some(0), _) => "off".into(),
            (Some(_), Some(secs)) => format!("on, {secs}s"),
            _ => "?".into(),
        },
        (_, _, 4) => int_at(0).map_or_else(|| "?".into(), |v| v.to_string()),
        (_, _, n) => format!("{n} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sin(port: u16, ip: [u8; 4]) -> Vec<u8> {
        let mut b = (libc::AF_INET as u16).to_ne_bytes().to_vec();
        b.extend(port.to_be_bytes());
        b.extend(ip);
        b.extend([0; 8]);
        b
    }

    #[test]
    fn ipv4_ipv6_and_unix_addresses_parse_and_truncations_say_so() {
        let a = sin(7007, [127, 0, 0, 1]);
        assert_eq!(sockaddr(&a), Addr::Ip("127.0.0.1:7007".parse().unwrap()));
        for cut in 0..8 {
            assert!(
                matches!(sockaddr(&a[..cut]), Addr::Other(_)),
                "{cut} bytes must not parse"
            );
        }
        let mut six = (libc::AF_INET6 as u16).to_ne_bytes().to_vec();
        six.extend(80u16.to_be_bytes());
        six.extend([0; 4]);
        six.extend(std::net::Ipv6Addr::LOCALHOST.octets());
        six.extend([0; 4]);
        assert_eq!(sockaddr(&six), Addr::Ip("[::1]:80".parse().unwrap()));
        let mut un = (libc::AF_UNIX as u16).to_ne_bytes().to_vec();
        un.extend(b"/run/x.sock\0\0\0");
        assert_eq!(sockaddr(&un).to_string(), "unix:/run/x.sock");
        let mut abs = (libc::AF_UNIX as u16).to_ne_bytes().to_vec();
        abs.extend(b"\0name");
        assert_eq!(sockaddr(&abs).to_string(), "unix:@name");
        assert_eq!(sockaddr(&[]).to_string(), "sockaddr of 0 bytes");
    }

    #[test]
    fn names_of_types_flags_and_options() {
        assert_eq!(
            type_name(libc::SOCK_STREAM | libc::SOCK_CLOEXEC),
            "SOCK_STREAM|SOCK_CLOEXEC"
        );
        assert_eq!(type_name(libc::SOCK_DGRAM), "SOCK_DGRAM");
        assert_eq!(msg_flags(0), "");
        assert_eq!(
            msg_flags(libc::MSG_PEEK | libc::MSG_DONTWAIT | 0x4000_0000),
            "MSG_PEEK|MSG_DONTWAIT|0x40000000"
        );
        assert_eq!(shutdown_how(libc::SHUT_WR), "SHUT_WR");
        assert_eq!(
            sockopt_name(libc::SOL_SOCKET, libc::SO_REUSEADDR),
            "SO_REUSEADDR"
        );
        assert_eq!(sockopt_name(99, 7), "level 99, option 7");
        let on5: Vec<u8> = [1i32, 5].iter().flat_map(|v| v.to_ne_bytes()).collect();
        assert_eq!(
            sockopt_value(libc::SOL_SOCKET, libc::SO_LINGER, &on5),
            "on, 5s"
        );
        assert_eq!(sockopt_value(libc::SOL_SOCKET, 2, &1i32.to_ne_bytes()), "1");
        assert_eq!(sockopt_value(libc::SOL_SOCKET, 2, &[1, 2]), "2 bytes");
    }
}
