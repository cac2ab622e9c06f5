//! `R` in the terminal UI: the packet list names MAC vendors, ports and the hosts the
//! capture's own DNS answers named (from the answering frame on), as tshark -N mtd does;
//! `R` again shows the plain addresses. Whole screens on `TestBackend`, driven by keys.

use crate::kit;
use crate::ui::{app_for, keys, screen};

#[test]
fn r_toggles_names_in_the_packet_list() {
    let mut a = app_for(
        &kit::root().join("tests/data/names/dns_names.pcap"),
        120,
        30,
    );
    let plain = screen(&a);
    assert!(plain.contains("93.184.216.34"), "{plain}");
    keys(&mut a, "R");
    let named = screen(&a);
    // Frame 1 precedes the answer that names 93.184.216.34: it keeps the address.
    assert!(named.contains("93.184.216.34"), "{named}");
    assert!(
        named.contains("example.org") && named.contains("edge.example.net"),
        "{named}"
    );
    assert!(named.contains("http(80)"), "{named}");
    insta::assert_snapshot!("names_on_120x30", named);
    keys(&mut a, "R");
    let off = screen(&a);
    assert!(
        !off.contains("edge.example.net TCP") && off.contains("198.51.100.7"),
        "{off}"
    );

    // An ARP capture: the Source/Destination columns are the MAC addresses, by vendor.
    let mut a = app_for(&kit::textbook("arp_resolution.pcapng"), 100, 20);
    keys(&mut a, "R");
    let arp = screen(&a);
    assert!(
        arp.contains("HonHaiPr_6e:8b:24") && arp.contains("Broadcast"),
        "{arp}"
    );
}

/// The details tree is `-V`'s tree, so `R` names it too: vendors, learned hosts and ports
/// as `tshark -N mntd -V` writes them (`Dst: example.org (93.184.216.34)`, `Dst Port:
/// http (80)`), and `R` again brings back the plain addresses.
#[test]
fn r_names_the_details_tree() {
    let mut a = app_for(
        &kit::root().join("tests/data/names/dns_names.pcap"),
        120,
        30,
    );
    // Frame 4 goes to 93.184.216.34, which frame 3's DNS answer named example.org.
    keys(&mut a, "jjj");
    let plain = screen(&a);
    assert!(
        plain.contains("Internet Protocol Version 4, Src: 192.168.0.2, Dst: 93.184.216.34"),
        "{plain}"
    );
    keys(&mut a, "R");
    let named = screen(&a);
    for line in [
        "Ethernet II, Src: HonHaiPr_6e:8b:24 (00:16:ce:6e:8b:24), Dst: D-Link_21:99:4c (00:05:5d:21:99:4c)",
        "Internet Protocol Version 4, Src: 192.168.0.2 (192.168.0.2), Dst: example.org (93.184.216.34)",
    ] {
        assert!(named.contains(line), "{line}\n{named}");
    }
    insta::assert_snapshot!("names_details_on_120x30", named);
    // The transport layer's line, below the pane's fold: the rows the pane draws from.
    let rows: Vec<String> = a.selected_tree().into_iter().map(|r| r.text).collect();
    assert!(
        rows.iter().any(|r| r.starts_with(
            "Transmission Control Protocol, Src Port: 40002 (40002), Dst Port: http (80)"
        )),
        "{rows:?}"
    );
    keys(&mut a, "R");
    let off = screen(&a);
    assert!(
        !off.contains("(93.184.216.34)") && !off.contains("HonHaiPr"),
        "{off}"
    );
}
