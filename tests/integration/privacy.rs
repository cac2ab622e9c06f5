//! Privacy mode: for every textbook capture, no original IP address, MAC address or host
//! name appears in any view of the UI (TestBackend screens of the list, tree, hex, ladder,
//! conversations, follow, stats, encapsulation, diagrams and narration) nor in any headless
//! output (-V, -T fields, -T json, -w and the written file read back), in text or in hex.

use std::collections::BTreeSet;

use sockeye::decode::FieldList;
use sockeye::dissect::Dissector;
use sockeye::field::Value;

use crate::kit;
use crate::ui::{app_for, keys, screen};

/// What must not appear: each original as text, as spaced hex (the hex pane) and as
/// unspaced hex (-T fields / JSON bytes), and the raw bytes (the written file).
struct Secrets {
    text: BTreeSet<String>,
    bytes: BTreeSet<Vec<u8>>,
}

fn hex(b: &[u8], sep: &str) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(sep)
}

fn secrets(path: &str) -> Secrets {
    let frames = kit::decoded::read_capture(path);
    let mut dissector = Dissector::new();
    let mut s = Secrets {
        text: BTreeSet::new(),
        bytes: BTreeSet::new(),
    };
    for f in &frames {
        let d = dissector.dissect(&f.as_frame());
        let mut scratch = String::new();
        let mut fields = FieldList::new();
        d.emit_fields(&mut scratch, &mut fields);
        // A subnet mask (DHCP's option 1) is no one's address.
        for field in fields.iter().filter(|f| !f.name().contains("mask")) {
            let raw: Vec<u8> = match field.value {
                // The unspecified and the broadcast address name nobody.
                Value::Ipv4(a) if a != [0; 4] && a != [255; 4] => {
                    s.text.insert(std::net::Ipv4Addr::from(a).to_string());
                    a.to_vec()
                }
                Value::Ipv6(a) => {
                    s.text.insert(std::net::Ipv6Addr::from(a).to_string());
                    a.to_vec()
                }
                // Broadcast and the zero address name nobody (and stay as they are).
                Value::Mac(m) if m != [0xff; 6] && m != [0; 6] => {
                    s.text.insert(hex(&m, ":"));
                    m.to_vec()
                }
                Value::Text(t)
                    if matches!(
                        field.name(),
                        "dns.qry.name" | "http.host" | "tls.handshake.extensions_server_name"
                    ) && t.len() > 4 =>
                {
                    s.text.insert(t.to_string());
                    continue;
                }
                _ => continue,
            };
            s.text.insert(hex(&raw, " "));
            // Eight hex digits in a row also occur by chance (a checksum, a timestamp):
            // unspaced, only the longer MACs and IPv6 addresses are looked for.
            if raw.len() > 4 {
                s.text.insert(hex(&raw, ""));
            }
            s.bytes.insert(raw);
        }
    }
    s
}

/// Whether `secret` shows in `text` as a whole address, not inside a longer one (a mapped
/// 58.8.8.84 contains the original 8.8.8.8 by chance). A port after it (tcpdump's
/// `8.8.8.8.53`) still counts.
fn shows(text: &str, secret: &str) -> bool {
    text.match_indices(secret).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + secret.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == ':')
            && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == ':')
    })
}

#[test]
fn a_secret_is_found_as_a_whole_address() {
    assert!(shows("IP 8.8.8.8.53 > 10.0.0.1", "8.8.8.8"));
    assert!(shows("\"ip.src\": \"8.8.8.8\"", "8.8.8.8"));
    assert!(!shows("\"ip.src\": \"58.8.8.84\"", "8.8.8.8"));
    assert!(!shows("2001:db8::10", "2001:db8::1"));
}

fn assert_clean(what: &str, text: &str, s: &Secrets) {
    for secret in &s.text {
        assert!(
            !shows(text, secret),
            "{what}: the original {secret} shows:\n{}",
            text.lines()
                .filter(|l| shows(l, secret))
                .take(3)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn headless_outputs_show_no_original() {
    let scratch = kit::Scratch::new("privacy-headless");
    let mut checked = 0;
    // The textbook's captures and the link-layer, tunnel and malformed-length ones (inner
    // packets, bridge and discovery messages name hosts too).
    let wire = ["link_layers", "tunnels", "malformed"]
        .map(|name| kit::root().join(format!("captures/{name}.pcapng")));
    for path in kit::textbook_paths().into_iter().chain(wire) {
        let stem = kit::stem(&path);
        let p = path.to_str().unwrap();
        let s = secrets(p);
        // The control: without --anonymize the scan does find the originals.
        if !s.text.is_empty() {
            let plain = kit::stdout(&kit::sockeye(&["-r", p, "-V"]));
            assert!(
                s.text.iter().any(|x| plain.contains(x.as_str())),
                "{stem}: the scan finds nothing even in the original"
            );
            checked += 1;
        }
        for args in [
            vec!["-V"],
            vec![
                "-T",
                "fields",
                "-e",
                "eth.src",
                "-e",
                "eth.dst",
                "-e",
                "ip.src",
                "-e",
                "ip.dst",
                "-e",
                "ipv6.src",
                "-e",
                "ipv6.dst",
                "-e",
                "arp.src.hw_mac",
                "-e",
                "arp.src.proto_ipv4",
                "-e",
                "dns.qry.name",
                "-e",
                "http.host",
                "-e",
                "_ws.col.Info",
            ],
            vec!["-T", "json"],
            vec!["-H"],
            vec!["-x"],
        ] {
            let mut all = vec!["-r", p, "--anonymize"];
            all.extend(&args);
            let out = kit::sockeye(&all);
            assert!(
                out.status.success(),
                "{stem} {args:?}: {}",
                kit::stderr(&out)
            );
            assert_clean(&format!("{stem} {args:?}"), &kit::stdout(&out), &s);
        }
        let written = scratch.join(format!("{stem}.pcapng"));
        let w = written.to_str().unwrap();
        let out = kit::sockeye(&["-r", p, "--anonymize", "-w", w]);
        assert!(out.status.success(), "{stem} -w: {}", kit::stderr(&out));
        let bytes = std::fs::read(&written).unwrap();
        for secret in &s.bytes {
            assert!(
                !bytes
                    .windows(secret.len())
                    .any(|win| win == secret.as_slice()),
                "{stem}: the written file holds {}",
                hex(secret, ":")
            );
        }
        let back = kit::sockeye(&["-r", w, "-V"]);
        assert!(back.status.success(), "{stem}: the written file reads back");
        let text = kit::stdout(&back);
        assert_clean(&format!("{stem} -w, read back"), &text, &s);
        // Checksums were recomputed where the segment is whole, never made wrong (the
        // originals' offloaded ones aside: those were wrong before).
        let plain = kit::stdout(&kit::sockeye(&["-r", p, "-V"]));
        let bad_before = plain.matches("incorrect").count();
        let bad_after = text.matches("incorrect").count();
        assert!(
            bad_after <= bad_before,
            "{stem}: {bad_after} bad checksums, {bad_before} before"
        );
    }
    assert!(
        checked >= 20,
        "only {checked} captures had addresses to hide"
    );
}

#[test]
fn every_view_shows_no_original() {
    for path in kit::textbook_paths() {
        let stem = kit::stem(&path);
        let p = path.to_str().unwrap();
        let s = secrets(p);
        let copy = sockeye::cmd::privacy::anonymized_copy(p).unwrap();
        let copy_path = std::path::PathBuf::from(copy.path());
        for (w, h) in [(120, 40)] {
            let mut a = app_for(&copy_path, w, h);
            a.collapsed.clear();
            let packets = a.visible;
            // Every packet in the packets view (list, tree, hex), with its narration.
            keys(&mut a, "e");
            for n in 0..packets {
                assert_clean(&format!("{stem} packet {}", n + 1), &screen(&a), &s);
                keys(&mut a, "j");
            }
            // The other views, on the first packet and on one in the middle.
            for at in [0, packets / 2] {
                for view in ["2", "3", "4", "5", "6", "7"] {
                    let mut a = app_for(&copy_path, w, h);
                    a.collapsed.clear();
                    keys(&mut a, &"j".repeat(at));
                    keys(&mut a, view);
                    assert_clean(&format!("{stem} view {view} at {at}"), &screen(&a), &s);
                }
            }
        }
    }
}

/// `A` in the UI: every view of the anonymised copy shows no original; `A` again brings
/// the real packets back.
#[test]
fn ui_key_anonymises_every_view() {
    for name in [
        "http_google.pcapng",
        "arp_resolution.pcapng",
        "dns_query_response.pcapng",
        "icmpv6_neighbor_solicitation.pcapng",
    ] {
        let path = kit::textbook(name);
        let s = secrets(path.to_str().unwrap());
        let mut a = app_for(&path, 120, 40);
        a.collapsed.clear();
        keys(&mut a, "e");
        assert!(
            s.text.iter().any(|x| screen(&a).contains(x.as_str())),
            "{name}: the originals show before A"
        );
        keys(&mut a, "A");
        assert!(a.privacy.on(), "{name}: {:?}", a.message);
        for view in ["1", "j", "j", "2", "3", "4", "5", "6", "7"] {
            keys(&mut a, view);
            assert_clean(&format!("{name} after A, key {view}"), &screen(&a), &s);
        }
        keys(&mut a, "1A");
        assert!(!a.privacy.on());
        assert!(
            s.text.iter().any(|x| screen(&a).contains(x.as_str())),
            "{name}: A again shows the real packets"
        );
    }
}
