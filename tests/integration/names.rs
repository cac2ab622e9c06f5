//! Name resolution against tshark 4.0 (recorded by tools/names_record.sh): with `-N mtd`
//! the Source/Destination columns, the Info column's port names, `eth.*_resolved`, the OUI
//! fields and the host names learned from captured DNS agree with `tshark -N mntd`, cell for
//! cell, on every textbook capture and on a capture built to exercise learned host names;
//! without `-N` they hold the plain addresses, as `tshark -n`'s do. The vendor table is
//! checked on 894 addresses sampling every kind of entry (tools/names_sample.py).

use std::path::Path;

use crate::kit::{root, sockeye, stderr, stdout, textbook_paths};

fn data(name: &str) -> std::path::PathBuf {
    root().join("tests/data/names").join(name)
}

/// sockeye's `-T fields` output with tshark's header line and occurrence options.
fn run(capture: &Path, fields: &[&str], resolve: Option<&str>) -> String {
    let mut args: Vec<&str> = vec!["-r", capture.to_str().unwrap(), "-T", "fields"];
    args.extend(["-E", "header=y", "-E", "occurrence=a", "-E", "aggregator=,"]);
    if let Some(letters) = resolve {
        args.extend(["-N", letters]);
    }
    for f in fields {
        args.extend(["-e", f]);
    }
    let out = sockeye(&args);
    assert!(
        out.status.success(),
        "{}: {}",
        capture.display(),
        stderr(&out)
    );
    stdout(&out)
}

fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn names_agree_with_tshark_cell_for_cell() {
    let mut captures: Vec<_> = textbook_paths();
    captures.push(data("dns_names.pcap"));
    let (mut agreed, mut named, mut problems) = (0usize, 0usize, Vec::new());
    for capture in &captures {
        let stem = capture.file_stem().unwrap().to_string_lossy().to_string();
        // 802.11 is not decoded: no Ethernet or IP addresses to name (the CLI tests check
        // that it says so).
        if stem == "80211beacon" {
            continue;
        }
        let on = std::fs::read_to_string(data(&format!("{stem}.on.tsv"))).unwrap();
        let off = std::fs::read_to_string(data(&format!("{stem}.off.tsv"))).unwrap();
        let header: Vec<String> = on
            .lines()
            .next()
            .unwrap()
            .split('\t')
            .map(String::from)
            .collect();
        let fields: Vec<&str> = header.iter().map(String::as_str).collect();
        let ours_on = rows(&run(capture, &fields, Some("mtd")));
        let ours_off = rows(&run(capture, &fields, None));
        let (theirs_on, theirs_off) = (rows(&on), rows(&off));
        assert_eq!(ours_on.len(), theirs_on.len(), "{stem}: row count");
        for (r, (ours, theirs)) in ours_on.iter().zip(&theirs_on).enumerate().skip(1) {
            for (c, name) in header.iter().enumerate() {
                let (Some(a), Some(b)) = (ours.get(c), theirs.get(c)) else {
                    problems.push(format!("{stem} row {r}: column {name} missing"));
                    continue;
                };
                // The Info column is compared where the application layer agrees without
                // names (its own differential test counts the rest).
                if name == "_ws.col.Info"
                    && ours_off.get(r).and_then(|o| o.get(c))
                        != theirs_off.get(r).and_then(|o| o.get(c))
                {
                    continue;
                }
                if a == b {
                    agreed += 1;
                    named += usize::from(
                        !b.is_empty() && Some(b) != theirs_off.get(r).and_then(|o| o.get(c)),
                    );
                } else {
                    problems.push(format!(
                        "{stem} frame {r} {name}: sockeye {a:?}, tshark {b:?}"
                    ));
                }
                // Off: the same columns hold the plain values.
                let (a, b) = (
                    ours_off.get(r).and_then(|o| o.get(c)),
                    theirs_off.get(r).and_then(|o| o.get(c)),
                );
                if name != "_ws.col.Info" && a != b {
                    problems.push(format!(
                        "{stem} frame {r} {name} without -N: sockeye {a:?}, tshark {b:?}"
                    ));
                }
            }
        }
    }
    println!("names: {agreed} cells agree with tshark -N mntd, {named} of them resolved names");
    assert!(
        problems.is_empty(),
        "{} cells differ:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(named > 1_000, "only {named} resolved cells compared");
}

#[test]
fn vendor_names_of_every_kind_of_table_entry() {
    let expected = std::fs::read_to_string(data("macs_tshark.tsv")).unwrap();
    let header: Vec<&str> = expected.lines().next().unwrap().split('\t').collect();
    let ours = run(&data("macs.pcap"), &header, Some("m"));
    let mut problems = Vec::new();
    for (a, b) in ours.lines().zip(expected.lines()) {
        if a != b {
            problems.push(format!("sockeye {a:?}\ntshark  {b:?}"));
        }
    }
    assert_eq!(ours.lines().count(), expected.lines().count());
    assert!(
        problems.is_empty(),
        "{} rows differ:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn unknown_letters_are_refused() {
    let capture = crate::kit::textbook("arp_resolution.pcapng");
    let out = sockeye(&["-r", capture.to_str().unwrap(), "-N", "mq"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("unknown letter 'q'"),
        "{}",
        stderr(&out)
    );
}
