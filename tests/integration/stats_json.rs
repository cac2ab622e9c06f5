//! `-T json` against what `tshark -T json` printed (tests/data/stats/NAME.json): the same
//! envelope per packet (`_index`, `_type`, `_score`, `_source.layers`), one object per
//! layer in the same order, and the fields sockeye has at the same place with the same text.

use serde_json::Value;

use crate::kit::{root, sockeye, stdout, textbook};

/// Every leaf as (path, text).
fn leaves(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                leaves(child, &format!("{path}/{k}"), out);
            }
        }
        Value::String(s) => out.push((path.to_string(), s.clone())),
        other => out.push((path.to_string(), other.to_string())),
    }
}

fn layer_names(packet: &Value) -> Vec<String> {
    packet["_source"]["layers"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn json_has_tsharks_structure_and_values() {
    let (mut ours, mut matched) = (0usize, 0usize);
    for (name, file) in [
        ("tcp_handshake", "tcp_handshake.pcapng"),
        ("dns", "dns.pcap"),
        ("tcp_retransmissions", "tcp_retransmissions.pcapng"),
        ("http_ip4and6", "http_ip4and6.pcapng"),
        ("icmp_echo", "icmp_echo.pcapng"),
    ] {
        let out = sockeye(&["-r", textbook(file).to_str().unwrap(), "-T", "json"]);
        assert!(out.status.success(), "{name}");
        let text = stdout(&out);
        let got: Value = serde_json::from_str(&text).expect("sockeye's JSON parses");
        let want: Value = serde_json::from_str(
            &std::fs::read_to_string(root().join("tests/data/stats").join(format!("{name}.json")))
                .unwrap(),
        )
        .unwrap();
        let (got, want) = (got.as_array().unwrap(), want.as_array().unwrap());
        assert_eq!(got.len(), want.len(), "{name}: packets");
        for (g, w) in got.iter().zip(want) {
            for key in ["_index", "_type", "_score"] {
                assert_eq!(g[key], w[key], "{name}: {key}");
            }
            // Our layers are tshark's, in tshark's order (tshark may have more).
            let theirs = layer_names(w);
            let mine = layer_names(g);
            let mut at = 0;
            for layer in &mine {
                match theirs.iter().skip(at).position(|t| t == layer) {
                    Some(p) => at += p + 1,
                    None => panic!("{name}: layer {layer} not in tshark's {theirs:?}"),
                }
            }
            let mut mine_leaves = Vec::new();
            leaves(&g["_source"]["layers"], "", &mut mine_leaves);
            let mut their_leaves = Vec::new();
            leaves(&w["_source"]["layers"], "", &mut their_leaves);
            let theirs: std::collections::HashSet<_> = their_leaves.into_iter().collect();
            ours += mine_leaves.len();
            matched += mine_leaves.iter().filter(|l| theirs.contains(*l)).count();
        }
    }
    let share = matched * 1000 / ours.max(1);
    eprintln!("JSON leaves at tshark's path with tshark's text: {matched}/{ours} ({share}‰)");
    assert!(share >= 850, "{matched}/{ours}");
}

#[test]
fn json_is_one_array_even_when_empty() {
    let capture = textbook("dns.pcap");
    let none = stdout(&sockeye(&[
        "-r",
        capture.to_str().unwrap(),
        "-T",
        "json",
        "-Y",
        "frame.number == 0",
    ]));
    assert_eq!(none, "[]\n");
}

#[test]
fn no_duplicate_keys_makes_arrays() {
    let capture = textbook("dns.pcap");
    let out = stdout(&sockeye(&[
        "-r",
        capture.to_str().unwrap(),
        "-T",
        "json",
        "-c",
        "1",
        "--no-duplicate-keys",
    ]));
    let v: Value = serde_json::from_str(&out).unwrap();
    let names = &v[0]["_source"]["layers"]["dns"]["dns.resp.name"];
    assert_eq!(
        names,
        &serde_json::json!(["www.espn.com", "redir.espn.gns.go.com"]),
        "{out}"
    );
    // tshark's default repeats the key instead.
    let dup = stdout(&sockeye(&[
        "-r",
        capture.to_str().unwrap(),
        "-T",
        "json",
        "-c",
        "1",
    ]));
    assert_eq!(dup.matches("\"dns.resp.name\": ").count(), 2, "{dup}");
}

#[test]
fn ek_has_tsharks_lines_and_values() {
    let (mut ours, mut matched) = (0usize, 0usize);
    for (name, file) in [
        ("tcp_handshake", "tcp_handshake.pcapng"),
        ("dns", "dns.pcap"),
        ("tcp_retransmissions", "tcp_retransmissions.pcapng"),
        ("http_ip4and6", "http_ip4and6.pcapng"),
        ("icmp_echo", "icmp_echo.pcapng"),
    ] {
        let out = sockeye(&["-r", textbook(file).to_str().unwrap(), "-T", "ek"]);
        assert!(out.status.success(), "{name}");
        let got = stdout(&out);
        let want =
            std::fs::read_to_string(root().join("tests/data/stats").join(format!("{name}.ek")))
                .unwrap();
        assert_eq!(got.lines().count(), want.lines().count(), "{name}: lines");
        for (g, w) in got.lines().zip(want.lines()) {
            let g: Value = serde_json::from_str(g).expect("one JSON document a line");
            let w: Value = serde_json::from_str(w).unwrap();
            if w.get("index").is_some() {
                assert_eq!(g, w, "{name}: the index line");
                continue;
            }
            assert_eq!(g["timestamp"], w["timestamp"], "{name}");
            for (layer, fields) in g["layers"].as_object().unwrap() {
                for (key, value) in fields.as_object().unwrap() {
                    ours += 1;
                    matched += usize::from(w["layers"][layer].get(key) == Some(value));
                }
            }
        }
    }
    let share = matched * 1000 / ours.max(1);
    eprintln!("EK keys with tshark's value: {matched}/{ours} ({share}‰)");
    assert!(share >= 900, "{matched}/{ours}");
}
