//! Display filters on application fields (`-Y dns`, `-Y 'http.request.method == "GET"'`,
//! `frame contains "espn"`…) pick the frames tshark 4.0 picks (tests/data/app_filters.tsv,
//! recorded with `tshark -n -r CAPTURE -Y FILTER -T fields -e frame.number`), and the
//! application fields are listed by `sockeye fields` and printed by `-e`.

use crate::kit::{root, sockeye, stdout, textbook};

#[test]
fn app_filters_pick_the_frames_tshark_picks() {
    let table = std::fs::read_to_string(root().join("tests/data/app_filters.tsv")).unwrap();
    let mut checked = 0;
    let mut failures = String::new();
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let mut cells = line.split('\t');
        let (capture, filter, frames) = (
            cells.next().unwrap(),
            cells.next().unwrap(),
            cells.next().unwrap_or(""),
        );
        // A bare name is a textbook capture; a path is relative to the project.
        let path = if capture.contains('/') {
            root().join(capture)
        } else {
            textbook(capture)
        };
        let output = sockeye(&[
            "-r",
            path.to_str().unwrap(),
            "-Y",
            filter,
            "-T",
            "fields",
            "-e",
            "frame.number",
        ]);
        assert!(
            output.status.success(),
            "{capture} -Y {filter}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let got = stdout(&output)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if got != frames {
            failures.push_str(&format!(
                "{capture} -Y '{filter}': tshark {frames:?}, sockeye {got:?}\n"
            ));
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} filters");
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn app_fields_are_listed_and_printed() {
    let listing = stdout(&sockeye(&["fields"]));
    for name in [
        "dns.qry.name",
        "http.request.method",
        "tls.handshake.extensions_server_name",
        "dhcp.option.hostname",
        "dhcpv6.msgtype",
        "smtp.req.command",
        "imf.subject",
        "ftp.request.command",
        "imap.request.command",
        "_ws.col.Info",
    ] {
        assert!(
            listing.lines().any(|l| l.starts_with(&format!("{name} "))),
            "{name} missing from `sockeye fields`"
        );
    }
    let path = textbook("dns.pcap");
    let output = sockeye(&[
        "-r",
        path.to_str().unwrap(),
        "-T",
        "fields",
        "-e",
        "dns.qry.name",
        "-c",
        "2",
    ]);
    assert_eq!(stdout(&output), "www.espn.com\nespn.go.com\n");
}

#[test]
fn app_layers_in_the_tree_and_json() {
    let path = textbook("http_dvwa_clearlogin.pcapng");
    let tree = stdout(&sockeye(&[
        "-r",
        path.to_str().unwrap(),
        "-V",
        "-Y",
        "frame.number == 28",
    ]));
    assert!(tree.contains("Hypertext Transfer Protocol\n"), "{tree}");
    assert!(tree.contains("    Request Method: POST\n"), "{tree}");
    assert!(tree.contains("HTML Form URL Encoded\n"), "{tree}");
    assert!(
        !tree.contains("\nInfo"),
        "columns are not tree lines: {tree}"
    );
    let json = stdout(&sockeye(&[
        "-r",
        path.to_str().unwrap(),
        "-T",
        "json",
        "-Y",
        "frame.number == 28",
    ]));
    assert!(json.contains("\"http.request.method\""), "{json}");
    assert!(json.contains("POST"), "{json}");
}
