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
