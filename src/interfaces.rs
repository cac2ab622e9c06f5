//! `sockeye -D`: the interfaces one can capture on, like `tcpdump -D` but with addresses.
//! Discovery is pnet's (getifaddrs), so it works without privileges and on any platform.

use std::fmt::Write as _;

/// What `-D` shows of one interface; separate from pnet's type so the formatting is
/// testable with made-up interfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceSummary {
    pub index: u32,
    pub name: String,
    pub mac: Option<String>,
    /// Addresses with prefix length, e.g. `127.0.0.1/8`.
    pub addresses: Vec<String>,
    pub up: bool,
    pub running: bool,
    pub loopback: bool,
}

/// Every interface of the current network namespace, by index.
pub fn list() -> Vec<InterfaceSummary> {
    let mut all: Vec<InterfaceSummary> = pnet::datalink::interfaces()
        .into_iter()
        .map(|i| InterfaceSummary {
            index: i.index,
            mac: i.mac.map(|m| m.to_string()),
            addresses: i.ips.iter().map(ToString::to_string).collect(),
            up: i.is_up(),
            running: i.is_running(),
            loopback: i.is_loopback(),
            name: i.name,
        })
        .collect();
    all.sort_by_key(|i| i.index);
    all
}

/// One line per interface (`1.lo [Up, Running, Loopback]`), then indented details, and
/// finally the `any` pseudo-interface, which only the ring backend supports.
pub fn format_list(interfaces: &[InterfaceSummary]) -> String {
    let mut out = String::new();
    for (n, i) in interfaces.iter().enumerate() {
        let mut flags = vec![if i.up { "Up" } else { "Down" }];
        if i.running {
            flags.push("Running");
        }
        if i.loopback {
            flags.push("Loopback");
        }
        let _ = writeln!(out, "{}.{} [{}]", n + 1, i.name, flags.join(", "));
        let mac = i.mac.as_deref().unwrap_or("-");
        let _ = writeln!(out, "    ifindex {}  link {}", i.index, mac);
        for addr in &i.addresses {
            let _ = writeln!(out, "    {addr}");
        }
    }
    let _ = writeln!(
        out,
        "{}.any (all interfaces, cooked SLL2 headers; ring backend only)",
        interfaces.len() + 1
    );
    out
}

/// The interface a bare `sockeye` would capture on: the first one that is up, not
/// loopback, and has an address (what tcpdump picks, roughly).
pub fn default_interface() -> Option<String> {
    pnet::datalink::interfaces()
        .into_iter()
        .find(|i| i.is_up() && !i.is_loopback() && !i.ips.is_empty())
        .map(|i| i.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_flags_addresses_and_any() {
        let lo = InterfaceSummary {
            index: 1,
            name: "lo".into(),
            mac: Some("00:00:00:00:00:00".into()),
            addresses: vec!["127.0.0.1/8".into(), "::1/128".into()],
            up: true,
            running: true,
            loopback: true,
        };
        let eth = InterfaceSummary {
            index: 4,
            name: "eth0".into(),
            mac: None,
            addresses: vec![],
            up: false,
            running: false,
            loopback: false,
        };
        let text = format_list(&[lo, eth]);
        assert_eq!(
            text,
            "1.lo [Up, Running, Loopback]\n    ifindex 1  link 00:00:00:00:00:00\n    \
             127.0.0.1/8\n    ::1/128\n2.eth0 [Down]\n    ifindex 4  link -\n\
             3.any (all interfaces, cooked SLL2 headers; ring backend only)\n"
        );
    }
}
